"""Lesson 00: the suggested routes through the course (student, tutor, team manager).

The routes are the course's own. The data live in ``coplearn/data/context.toml`` (``[[route]]``).

>>> from coplearn.teaching import routes
>>> [r.key for r in routes.routes()]
['student', 'tutor', 'manager']
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from coplearn.core import html as _html
from coplearn.core import validate as _validate
from coplearn.core.data import Path, records, root
from coplearn.core.environment import in_browser
from coplearn.paper.concepts import get_lesson, lessons

__all__ = ["EXERCISES", "Route", "RouteStep", "get_route", "routes"]

_FILE = "context.toml"


#: The graded exercises (``solutions/<key>/``), with a plain title for each.
EXERCISES: Mapping[str, str] = {
    "a1-learning-cultures": "Learning cultures",
    "a2-leading-situationally": "Leading situationally",
    "a3-team-audit": "The team audit",
    "a4-supervision-and-involvement": "Supervision and involvement",
    "a5-leadership-plan": "Your leadership plan (capstone)",
}


STEP_KINDS = ("lesson", "exercise", "tool")


@dataclass(frozen=True, kw_only=True, slots=True)
class RouteStep:
    """One step on a route: a lesson, a graded exercise or a practice tool."""

    kind: str
    ref: str
    note: str
    #: for a practice tool: where the browser edition does the same (it has no terminal), or ""
    browser: str = ""
    #: for a practice tool: what it does, its name in the browser edition (where a command means nothing), or ""
    called: str = ""

    @property
    def label(self) -> str:
        """A readable name for the step, such as ``Lesson 03: Four contending learning cultures``."""
        if self.kind == "lesson":
            lesson = get_lesson(self.ref)
            return f"Lesson {lesson.number}: {lesson.title}"
        if self.kind == "exercise":
            return f"Graded exercise {self.ref}: {EXERCISES[self.ref]}"
        if in_browser() and self.called:  # (no terminal there: the tool is named by what it does, check 16 L2)
            return f"Practice tool: {self.called}"
        return f"Practice tool: {self.ref}"

    @property
    def where(self) -> str:
        """Where to find the step: a notebook path, an exercise folder or a command to type; in the
        browser edition, which has no terminal, where it does the same (walk16 F1)."""
        if self.kind == "lesson":
            return f"course/{get_lesson(self.ref).filename}"
        if self.kind == "exercise":
            return f"exercises/{self.ref}/ (released by your tutor)"
        if in_browser() and self.browser:
            return self.browser
        return f"type `{self.ref}` in a terminal" if self.ref.startswith("coplearn") else self.ref


@dataclass(frozen=True, kw_only=True, slots=True)
class Route:
    """A suggested path through the course for one kind of learner."""

    key: str
    name: str
    who: str
    summary: str
    steps: tuple[RouteStep, ...]

    def _repr_html_(self) -> str:
        items = "".join(
            f"<li><strong>{_html.esc(s.label)}</strong> ({_html.esc(s.kind)}): {_html.esc(s.note)} "
            f"<br><small>Where: {_html.esc(s.where)}</small></li>"
            for s in self.steps
        )
        return (
            f"<h3>Route for a {_html.esc(self.name.lower())}</h3>"
            f"<p>{_html.esc(self.who)}</p><p>{_html.esc(self.summary)}</p><ol>{items}</ol>"
        )


def _step(row: Path) -> RouteStep:
    kind = row.choice("kind", STEP_KINDS)
    if kind == "lesson":
        ref = row.choice("ref", [lesson.number for lesson in lessons()])
    elif kind == "exercise":
        ref = row.choice("ref", list(EXERCISES))
    else:
        ref = row.str("ref")
    tool = kind == "tool"
    return RouteStep(kind=kind, ref=ref, note=row.str("note"), browser=row.str("browser", "") if tool else "",
                     called=row.str("called", "") if tool else "")


@functools.lru_cache(maxsize=None)
def routes() -> tuple[Route, ...]:
    """The suggested routes: student, tutor and team manager."""
    return records(root(_FILE), "route", Route,
                   each=lambda row, _: {"steps": tuple(_step(s) for s in row.table_list("step"))})


def get_route(name: str) -> Route:
    """Look a route up by key or name, ignoring case.

    >>> get_route("Team manager studying alone").key
    'manager'
    >>> get_route("parent")
    Traceback (most recent call last):
    ...
    LookupError: 'parent' is not a route through the course; choose one of: student, tutor, manager
    """
    return _validate.find(name, routes(), "route through the course", ("key", "name"))

