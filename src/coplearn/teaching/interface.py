"""Lesson 10: managing the interface between the team and the wider organisation.

What comes from Gray, Parker, Rutter & Williams (2010): even where the organisation gives little
support, a leader might grow a "micro-culture" of sound shared practice by looking after the place
where the team meets the wider organisation: its demands must not be allowed to wear the community down, and senior
managers must not be left regarding the community as a threat (C34-C35). The warning-sign
scenarios, the practice statements, the answers and their points and all the advice are the
course's own teaching aids, and say so wherever they appear. The data live in
``coplearn/data/organisation.toml`` (``[interface]``, ``[[danger]]``, ``[[warning]]``,
``[[interface_area]]``, ``[[interface_practice]]``).

>>> from coplearn.teaching import interface
>>> [a.key for a in interface.interface_areas()]
['protect', 'visible', 'purpose', 'influence']
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from coplearn.core import html as _html
from coplearn.core import validate as _validate
from coplearn.core.data import records, root, text

__all__ = [
    "Danger",
    "InterfaceArea",
    "InterfacePractice",
    "InterfaceResult",
    "InterfaceWarning",
    "check_interface",
    "dangers",
    "interface_answers",
    "interface_areas",
    "interface_practices",
    "interface_warnings",
    "INTERFACE_NOTE",
]

_FILE = "organisation.toml"


#: Points for each answer in the interface check (the course's, not the paper's).
ANSWER_POINTS = {"yes": 2, "partly": 1, "not_yet": 0}


#: An area scoring below this share of its possible points is suggested for development (ours).
AREA_STRENGTH = 0.75


@dataclass(frozen=True, kw_only=True, slots=True)
class Danger:
    """One of the two dangers at the interface between the team and its organisation (Gray et al. 2010)."""

    key: str
    name: str
    summary: str


@dataclass(frozen=True, kw_only=True, slots=True)
class InterfaceWarning:
    """A warning sign to sort by the danger it shows (the course's scenario)."""

    id: str
    text: str
    danger: str
    why: str


@dataclass(frozen=True, kw_only=True, slots=True)
class InterfaceArea:
    """An area of managing the interface, with the course's advice for developing it."""

    key: str
    name: str
    summary: str
    advice: str


@dataclass(frozen=True, kw_only=True, slots=True)
class InterfacePractice:
    """A statement a leader answers about how they manage the interface."""

    id: str
    area: str
    text: str


#: What in the interface check is the course's own.
INTERFACE_NOTE: str = text(_FILE, "interface", "note")


@functools.lru_cache(maxsize=None)
def dangers() -> tuple[Danger, ...]:
    """The two dangers at the interface: demands that undermine, and being seen as a threat."""
    return records(root(_FILE), "danger", Danger)


@functools.lru_cache(maxsize=None)
def interface_warnings() -> tuple[InterfaceWarning, ...]:
    """Warning signs to sort by the danger they show (the course's scenarios).

    >>> sorted({w.danger for w in interface_warnings()})
    ['threat', 'undermine']
    """
    return records(root(_FILE), "warning", InterfaceWarning, choices={"danger": [d.key for d in dangers()]})


@functools.lru_cache(maxsize=None)
def interface_areas() -> tuple[InterfaceArea, ...]:
    """The four areas of managing the interface used by the course's check."""
    return records(root(_FILE), "interface_area", InterfaceArea)


@functools.lru_cache(maxsize=None)
def interface_practices() -> tuple[InterfacePractice, ...]:
    """The statements of the interface check, in order."""
    return records(root(_FILE), "interface_practice", InterfacePractice,
                   choices={"area": [a.key for a in interface_areas()]})


@functools.lru_cache(maxsize=None)
def _answers() -> dict[str, str]:
    table = root(_FILE).table("interface").table("answers")
    return {key: table.str(key) for key in ANSWER_POINTS}


def interface_answers() -> dict[str, str]:
    """The answers a leader can give, key to label: ``yes``, ``partly``, ``not_yet``."""
    return dict(_answers())


def _answer_key(value: object, item: str) -> str:
    answers = _answers()
    if isinstance(value, str):
        wanted = _validate.normalise(value)
        for key, label in answers.items():
            if wanted in {_validate.normalise(key), _validate.normalise(label)}:
                return key
    raise ValueError(f"{item}: {value!r} is not an answer here; choose one of: "
                     + ", ".join(f"{k} ({v})" for k, v in answers.items()))


@dataclass(frozen=True, kw_only=True, slots=True)
class InterfaceResult:
    """What the interface check shows: points per area and the areas to develop first.

    The points (yes 2, partly 1, not yet 0) and the threshold for "to develop" are the course's
    rule of thumb for a conversation, not a measure.
    """

    answers: Mapping[str, str]
    unanswered: tuple[str, ...]

    @property
    def area_points(self) -> dict[str, tuple[int, int]]:
        """``{area: (points, possible)}`` over answered statements, for areas with any answer."""
        out: dict[str, tuple[int, int]] = {}
        for p in interface_practices():
            if p.id in self.answers:
                got, possible = out.get(p.area, (0, 0))
                out[p.area] = (got + ANSWER_POINTS[self.answers[p.id]], possible + 2)
        return {a.key: out[a.key] for a in interface_areas() if a.key in out}

    @property
    def is_empty(self) -> bool:
        return not self.answers

    def to_develop(self) -> tuple[InterfaceArea, ...]:
        """Areas below the course's threshold, weakest first (ties keep the course's order)."""
        points = self.area_points
        weak = [(points[a.key][0] / points[a.key][1], i, a) for i, a in enumerate(interface_areas())
                if a.key in points and points[a.key][0] / points[a.key][1] < AREA_STRENGTH]
        return tuple(a for _, _, a in sorted(weak, key=lambda t: (t[0], t[1])))

    def strengths(self) -> tuple[InterfaceArea, ...]:
        """Answered areas at or above the course's threshold."""
        points = self.area_points
        return tuple(a for a in interface_areas()
                     if a.key in points and points[a.key][0] / points[a.key][1] >= AREA_STRENGTH)

    def summary(self) -> str:
        """A plain-English paragraph describing the result."""
        if self.is_empty:
            return "No statements answered yet, so there is nothing to describe."
        names = {a.key: a.name for a in interface_areas()}
        parts = []
        if self.strengths():
            parts.append("Strengths: " + ", ".join(a.name for a in self.strengths()) + ".")
        weak = self.to_develop()
        if weak:
            parts.append("To develop first: " + ", ".join(a.name for a in weak) + ".")
        else:
            parts.append("No area stands out as needing work.")
        if self.unanswered:
            parts.append(f"{len(self.unanswered)} statement(s) not answered yet, so this is a partial picture.")
        points = self.area_points
        parts.append("Points by area: " + "; ".join(
            f"{names[k]} {got} of {possible}" for k, (got, possible) in points.items()) + ".")
        return " ".join(parts)

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_html(self, note: bool = True) -> str:
        """The result as an HTML table and summary; ``note`` adds the "this is the course's" note."""
        points = self.area_points
        weak = {a.key for a in self.to_develop()}
        rows = []
        for a in interface_areas():
            if a.key not in points:
                rows.append((a.name, "not answered", ""))
                continue
            got, possible = points[a.key]
            rows.append((a.name, f"{got} of {possible}", a.advice if a.key in weak else "A strength: keep it up."))
        return (_html.table("Managing the interface: your answers by area (the course's check)",
                            ["area", "points", "what to try"], rows)
                + f"<p>{_html.esc(self.summary())}</p>" + (_html.note(INTERFACE_NOTE) if note else ""))


def check_interface(responses: Mapping[str, object]) -> InterfaceResult:
    """Score answers to the interface check: ``{practice_id: "yes" | "partly" | "not_yet"}``.

    Labels such as ``"Not yet"`` are accepted too. A partial check is allowed and reported.

    >>> r = check_interface({"IF1": "yes", "IF2": "not yet", "IF3": "partly"})
    >>> r.area_points["protect"], [a.key for a in r.to_develop()]
    ((2, 4), ['protect', 'visible'])
    >>> check_interface({"IF1": "maybe"})
    Traceback (most recent call last):
    ...
    ValueError: IF1: 'maybe' is not an answer here; choose one of: yes (Yes, usually), partly (Partly or sometimes), not_yet (Not yet)
    """
    ids = [p.id for p in interface_practices()]
    answers: dict[str, str] = {}
    for raw_id, value in responses.items():
        pid = _validate.choose(raw_id, ids, "statement of the interface check")
        if value is None:
            continue
        answers[pid] = _answer_key(value, pid)
    return InterfaceResult(answers=answers, unanswered=tuple(i for i in ids if i not in answers))

