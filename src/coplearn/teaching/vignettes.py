"""Staff vignettes for lessons 05 and 06: reading readiness, choosing a style, Adair's functions.

The frameworks are the sources': Hersey & Blanchard (1993) for readiness and style; Adair (1973,
1983) for the eight functions. The vignettes, the back-seat/proactive statements and all the
reasons given are the course's own teaching aids. The data live in ``coplearn/data/vignettes.toml``
(``[[staff]]``, ``[views]``, ``[[view]]``, ``[[function_example]]``).

>>> from coplearn.teaching import vignettes as vg
>>> [v.id for v in vg.staff_vignettes()][:3]
['amara', 'tom', 'bernadette']
>>> vg.get_vignette("bernadette").readiness.code, vg.get_vignette("bernadette").style.name
('R3', 'participating')
>>> vg.check_style("bernadette", "telling").correct
False
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from coplearn.core import html as _html
from coplearn.core import validate as _validate
from coplearn.core.data import records, root
from coplearn.paper.action_centred import adair_functions
from coplearn.paper.situational import AbleAndWilling, LeadershipStyle, get_style

__all__ = [
    "StaffVignette",
    "StyleCheck",
    "LeadershipView",
    "FunctionExample",
    "staff_vignettes",
    "get_vignette",
    "check_style",
    "leadership_views",
    "view_labels",
    "function_examples",
    "VIGNETTE_NOTE",
]

_FILE = "vignettes.toml"


VIGNETTE_NOTE = (
    "The vignettes and the reasons given are the course's own; the readiness levels and styles "
    "are Hersey and Blanchard's (1993). Real people are rarely this clear-cut, so treat the "
    "answers as a starting point for discussion."
)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


@dataclass(frozen=True, kw_only=True, slots=True)
class StaffVignette(AbleAndWilling):
    """A member of staff facing a task, with the course's reading of their readiness."""

    id: str
    name: str
    role: str
    task: str
    text: str
    able: bool
    willing: bool
    able_why: str
    willing_why: str
    in_practice: str

    def explanation(self) -> str:
        """Why the course reads the vignette this way, ending with the matching style."""
        s = self.style
        return (
            f"Able for {self.task}? {_yes(self.able).capitalize()}. {self.able_why} "
            f"Willing? {_yes(self.willing).capitalize()}. {self.willing_why} "
            f"That is readiness {self.readiness}, which calls for {s.code} {s.name} "
            f"({s.task_behaviour} task, {s.relationship_behaviour} relationship behaviour). "
            f"In practice: {self.in_practice[0].lower()}{self.in_practice[1:]}"
        )

    def _repr_html_(self) -> str:
        return (f"<p><strong>{_html.esc(self.name)}</strong>, {_html.esc(self.role)}. "
                f"{_html.esc(self.text)}</p>")


@dataclass(frozen=True, kw_only=True, slots=True)
class StyleCheck:
    """Feedback on the style a learner chose for a vignette."""

    vignette: StaffVignette
    chosen: LeadershipStyle
    expected: LeadershipStyle

    @property
    def correct(self) -> bool:
        return self.chosen.code == self.expected.code

    def feedback(self) -> str:
        """Plain-English feedback that explains the matching style."""
        if self.correct:
            head = f"Yes: {self.expected.code} {self.expected.name} fits {self.vignette.name}."
        else:
            head = (f"Not quite: {self.chosen.code} {self.chosen.name} suits readiness {self.chosen.readiness}, "
                    f"but {self.vignette.name} is at {self.vignette.readiness}.")
        return f"{head} {self.vignette.explanation()}"

    def _repr_html_(self) -> str:
        return f"<p>{_html.esc(self.feedback())}</p>"


@dataclass(frozen=True, kw_only=True, slots=True)
class LeadershipView:
    """A statement about leading a community of practice, to place as back-seat or proactive."""

    id: str
    text: str
    answer: str
    why: str


@dataclass(frozen=True, kw_only=True, slots=True)
class FunctionExample:
    """A moment in a social work team that shows one of Adair's eight functions."""

    id: str
    text: str
    function: str
    why: str


@functools.lru_cache(maxsize=None)
def _view_labels() -> dict[str, str]:
    labels = root(_FILE).table("views")
    return {k: labels.str(k) for k in ("back_seat", "proactive")}


# ---- lesson 05 --------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def staff_vignettes() -> tuple[StaffVignette, ...]:
    """The social work staff vignettes for practising situational leadership."""
    return records(root(_FILE), "staff", StaffVignette)


def get_vignette(vignette_id: str) -> StaffVignette:
    """Look up a vignette by id (``"amara"``, ``"tom"``...), ignoring case.

    >>> get_vignette("Kwame").readiness.code
    'R4'
    >>> get_vignette("zoe")
    Traceback (most recent call last):
    ...
    LookupError: 'zoe' is not a staff vignette; choose one of: amara, tom, bernadette, kwame, gill, raj
    """
    return _validate.find(vignette_id, staff_vignettes(), "staff vignette", ("id",))


def check_style(vignette_id: str, style: str) -> StyleCheck:
    """Check the style a learner chose (``"S2"``, ``"selling"`` or ``"coaching"``) for a vignette.

    >>> c = check_style("tom", "S2")
    >>> c.correct, c.feedback().split(":")[0]
    (True, 'Yes')
    >>> check_style("tom", "S9")
    Traceback (most recent call last):
    ...
    LookupError: 'S9' is not a leadership style; choose one of: telling, selling, participating, delegating (or S1-S4, or the SLII names directing, coaching, supporting, delegating)
    """
    vignette = get_vignette(vignette_id)
    return StyleCheck(vignette=vignette, chosen=get_style(style), expected=vignette.style)


@functools.lru_cache(maxsize=None)
def leadership_views() -> tuple[LeadershipView, ...]:
    """Statements to place as the back-seat view or the paper's proactive view."""
    return records(root(_FILE), "view", LeadershipView, choices={"answer": tuple(_view_labels())})


def view_labels() -> dict[str, str]:
    """The two views' keys and labels: ``back_seat`` and ``proactive``."""
    return dict(_view_labels())


# ---- lesson 06 --------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def function_examples() -> tuple[FunctionExample, ...]:
    """Moments in a social work team, each showing one of Adair's eight functions.

    >>> {e.function for e in function_examples()} <= {f.key for f in adair_functions()}
    True
    """
    return records(root(_FILE), "function_example", FunctionExample,
                   choices={"function": [f.key for f in adair_functions()]})
