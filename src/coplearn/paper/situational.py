"""Situational leadership (Hersey & Blanchard 1993): readiness levels R1-R4 and styles S1-S4.

The paper draws on situational leadership for leading staff and teams at different developmental
levels (Gray et al. 2010); the readiness terms, able and willing for a task, are Hersey and Blanchard's,
not the paper's. Facts come from the primary source named in
``SITUATIONAL_SOURCE``; the wording is the course's own. The data live in
``coplearn/data/leadership.toml`` (``[situational]``, ``[[readiness]]``, ``[[style]]``).

>>> import coplearn as cl
>>> r = cl.readiness(able=False, willing=True)
>>> r.code, str(r), r.label
('R2', 'R2', 'unable but willing or confident')
>>> s = cl.recommend_style(able=False, willing=True)
>>> s.code, s.name, s.task_behaviour, s.relationship_behaviour
('S2', 'selling', 'high', 'high')
>>> cl.get_style("coaching").name          # Blanchard's SLII name
'selling'
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from coplearn.core import html as _html
from coplearn.core import validate as _validate
from coplearn.core.data import records, root, text

__all__ = [
    "AbleAndWilling",
    "LeadershipStyle",
    "Readiness",
    "get_readiness",
    "get_style",
    "readiness",
    "readiness_levels",
    "recommend_style",
    "styles",
    "SITUATIONAL_SOURCE",
]

_FILE = "leadership.toml"
LEVELS = ("high", "low")


@dataclass(frozen=True, kw_only=True, slots=True)
class Readiness:
    """A follower readiness level in Hersey & Blanchard (1993); ``str()`` gives its code, ``"R1"`` .. ``"R4"``."""

    code: str
    able: bool
    willing: bool
    label: str
    example: str

    def __str__(self) -> str:
        return self.code

    def __eq__(self, other: object) -> bool:
        """Equal to another level with the same code, or to the code itself (``readiness(...) == "R4"``,
        as in DESIGN.md's public API, where ``readiness()`` gives ``"R1"`` .. ``"R4"``)."""
        if isinstance(other, Readiness):
            return self.code == other.code
        if isinstance(other, str):
            return self.code == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.code)


@dataclass(frozen=True, kw_only=True, slots=True)
class LeadershipStyle:
    """A Hersey & Blanchard (1993) leadership style, S1-S4."""

    code: str
    name: str
    slii_name: str
    readiness: str
    """The code of the readiness level this style suits (``"R1"`` .. ``"R4"``); see :func:`get_readiness`."""
    task_behaviour: str
    relationship_behaviour: str
    description: str
    is_synthesis: bool = False
    """True when the style was reached through the course's stage-to-style synthesis."""

    def _repr_html_(self) -> str:
        from coplearn.paper.team_development import SYNTHESIS_NOTE

        extra = _html.note(SYNTHESIS_NOTE) if self.is_synthesis else ""
        return (
            f"<p><strong>{_html.esc(self.code)} {_html.esc(self.name)}</strong> "
            f"({_html.esc(self.task_behaviour)} task, {_html.esc(self.relationship_behaviour)} relationship "
            f"behaviour; suits readiness {_html.esc(self.readiness)}). In the course's words: {_html.esc(self.description)}</p>"
            # the SLII name is not shown: the course names SLII once, in lesson 05's note on versions (fid26a L6)
            + extra
        )


@functools.lru_cache(maxsize=None)
def _levels() -> tuple[Readiness, ...]:
    return records(root(_FILE), "readiness", Readiness)


@functools.lru_cache(maxsize=None)
def _styles() -> tuple[LeadershipStyle, ...]:
    codes = [r.code for r in _levels()]
    return records(root(_FILE), "style", LeadershipStyle,
                   choices={"readiness": codes, "task_behaviour": LEVELS, "relationship_behaviour": LEVELS})


#: The primary source for readiness and styles.
SITUATIONAL_SOURCE: str = text(_FILE, "situational", "source")


def _yes_no(value: object, what: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in {"yes", "y", "true"}:
            return True
        if word in {"no", "n", "false"}:
            return False
    raise ValueError(f"{what}: {value!r} is not an answer here; use True or False (yes or no)")


class AbleAndWilling:
    """Adds ``readiness`` and ``style`` to a record with ``able`` and ``willing`` (a person or team)."""

    __slots__ = ()
    able: bool
    willing: bool

    @property
    def readiness(self) -> Readiness:
        """Hersey & Blanchard's readiness level (``str()`` gives ``"R1"`` ... ``"R4"``)."""
        return readiness(self.able, self.willing)

    @property
    def style(self) -> LeadershipStyle:
        """The style that matches this readiness."""
        return recommend_style(self.able, self.willing)


def readiness_levels() -> tuple[Readiness, ...]:
    """The four readiness levels R1-R4."""
    return _levels()


def readiness(able: bool, willing: bool) -> Readiness:
    """Hersey & Blanchard's readiness level (R1 to R4) for a person or team, as a :class:`Readiness`.

    In the usual textbook account of the model (the course's summary; the paper speaks of developmental
    levels, and of skills, knowledge and motivation), ``able`` means they have the knowledge and skill for this task
    and ``willing`` means they have the confidence, commitment and motivation for it. Like
    :func:`recommend_style`, it returns the record; ``str()`` of it, or ``.code``, is the code.

    >>> readiness(True, False).code
    'R3'
    >>> readiness("maybe", True)
    Traceback (most recent call last):
    ...
    ValueError: able: 'maybe' is not an answer here; use True or False (yes or no)
    """
    a = _yes_no(able, "able")
    w = _yes_no(willing, "willing")
    for level in readiness_levels():
        if level.able == a and level.willing == w:
            return level
    raise AssertionError("leadership.toml covers every combination")  # pragma: no cover


def get_readiness(code: str) -> Readiness:
    """Look up a readiness level by code (``"R1"`` ... ``"R4"``)."""
    return _validate.find(code, readiness_levels(), "readiness level", ("code",))


def styles() -> tuple[LeadershipStyle, ...]:
    """The four styles S1-S4."""
    return _styles()


def get_style(name: str) -> LeadershipStyle:
    """Look up a style by code (``"S2"``), 1993 name (``"selling"``) or SLII name (``"coaching"``).

    >>> get_style("directing").code
    'S1'
    >>> get_style("bossing")
    Traceback (most recent call last):
    ...
    LookupError: 'bossing' is not a leadership style; choose one of: telling, selling, participating, delegating (or S1-S4, or the SLII names directing, coaching, supporting, delegating)
    """
    if isinstance(name, str):
        wanted = _validate.normalise(name)
        for s in styles():
            if wanted in {s.code.lower(), s.name, s.slii_name}:
                return s
    raise LookupError(
        f"{name!r} is not a leadership style; choose one of: "
        + ", ".join(s.name for s in styles())
        + " (or S1-S4, or the SLII names "
        + ", ".join(s.slii_name for s in styles())
        + ")"
    )


def recommend_style(able: bool, willing: bool) -> LeadershipStyle:
    """The style Hersey & Blanchard match to a person's or team's readiness."""
    code = readiness(able, willing).code
    return next(s for s in styles() if s.readiness == code)
