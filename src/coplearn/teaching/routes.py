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
    #: for a practice tool: what it does, its name (the command is given under "where"), or ""
    called: str = ""

    @property
    def label(self) -> str:
        """A readable name for the step, such as ``Lesson 03: Four contending learning cultures``."""
        if self.kind == "lesson":
            lesson = get_lesson(self.ref)
            return f"Lesson {lesson.number}: {lesson.title}"
        if self.kind == "exercise":
            return f"Graded exercise {self.ref}: {EXERCISES[self.ref]}"
        if self.called:  # named by what it does (check 16 L2), as its button comes first (walk26 M-M1)
            return f"Practice tool: {self.called}"
        return f"Practice tool: {self.ref}"

    @property
    def where(self) -> str:
        """Where to find the step: a notebook path, an exercise folder, or for a practice tool the lesson
        whose button does the same and the command to type; in the browser edition, which has no
        terminal, only the lesson (walk16 F1).

        A command is given as ``.venv/bin/coplearn ...``, typed in the course folder, as the README and
        the team manager guide give it: a bare ``coplearn`` is "command not found" in a terminal where
        the course's environment is not activated (a JupyterLab terminal opened from ``./run course``),
        and the app view has no terminal, so its button comes first (walk26 M-M1)."""
        if self.kind == "lesson":
            return f"course/{get_lesson(self.ref).filename}"
        if self.kind == "exercise":
            return f"exercises/{self.ref}/ (released by your tutor)"
        if in_browser() and self.browser:
            return self.browser
        if not self.ref.startswith("coplearn"):
            return self.ref
        command = f"type `.venv/bin/{self.ref}` in a terminal opened in the course folder"
        if not self.browser:
            return command
        return f"{self.browser}: no terminal needed (in the app view, the only way). Or {command}"


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

