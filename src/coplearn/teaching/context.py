"""Lesson content for lessons 00-04: routes, sorting activities, vignettes and illustrations.

Everything here is the course's own teaching material built on Gray, Parker, Rutter & Williams
(2010): the routes through the course, the statements and vignettes to sort (each with the
course's answer and the reason, citing the paper), the comparison of the top-down and bottom-up
routes, the "then and now" illustration of shifting dominance (C11, whose heights are ours, not
data), invented example teams for the culture profile, and a hint for every Table 1 principle.

The data live in ``coplearn/data/context.toml``; this module only reads and checks them.

>>> from coplearn.teaching import context
>>> [r.key for r in context.routes()]
['student', 'tutor', 'manager']
>>> act = context.sort_activity("pressures")
>>> act.lesson, len(act.items) >= 8, act.labels["managerial"]
('01', True, 'Managerial: the modernising agenda')
>>> context.principle_cue("M6")
'Supervision serves case and service management.'
>>> context.sort_activity("gossip")
Traceback (most recent call last):
...
LookupError: 'gossip' is not a sorting activity; choose one of: pressures, routes, vignettes, wenger
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from coplearn.core import html as _html
from coplearn.core import validate as _validate
from coplearn.core.data import root
from coplearn.paper.concepts import get_lesson, lessons

__all__ = [
    "Comparison",
    "ComparisonRow",
    "Dominance",
    "DominanceRow",
    "ExampleTeam",
    "OverlaySkill",
    "Route",
    "RouteStep",
    "SortActivity",
    "SortItem",
    "EXERCISES",
    "comparison",
    "dominance",
    "example_teams",
    "get_example_team",
    "get_route",
    "overlay_skills",
    "principle_cue",
    "routes",
    "sort_activities",
    "sort_activity",
]

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

    @property
    def label(self) -> str:
        """A readable name for the step, such as ``Lesson 03: Four contending learning cultures``."""
        if self.kind == "lesson":
            lesson = get_lesson(self.ref)
            return f"Lesson {lesson.number}: {lesson.title}"
        if self.kind == "exercise":
            return f"Graded exercise {self.ref}: {EXERCISES[self.ref]}"
        return f"Practice tool: {self.ref}"

    @property
    def where(self) -> str:
        """Where to find the step: a notebook path, an exercise folder or a command to type."""
        if self.kind == "lesson":
            return f"course/{get_lesson(self.ref).filename}"
        if self.kind == "exercise":
            return f"exercises/{self.ref}/ (released by your tutor)"
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


@dataclass(frozen=True, kw_only=True, slots=True)
class SortItem:
    """A statement to sort, with the course's answer and why."""

    id: str
    text: str
    answer: str
    why: str


@dataclass(frozen=True, kw_only=True, slots=True)
class SortActivity:
    """A sorting activity: the question, the options as ``(key, label)`` and the items."""

    key: str
    lesson: str
    title: str
    question: str
    note: str
    options: tuple[tuple[str, str], ...]
    items: tuple[SortItem, ...]

    @property
    def labels(self) -> dict[str, str]:
        return dict(self.options)


@dataclass(frozen=True, kw_only=True, slots=True)
class ComparisonRow:
    aspect: str
    learning_organisation: str
    community_of_practice: str


class Comparison(tuple):
    """The top-down and bottom-up routes side by side (renders as a table)."""

    def _repr_html_(self) -> str:
        return _html.table(
            "Two routes to a learning workplace (after Gray et al. 2010; wording ours)",
            ["aspect", "learning organisation (top-down)", "community of practice (bottom-up)"],
            [(r.aspect, r.learning_organisation, r.community_of_practice) for r in self],
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class DominanceRow:
    """One culture's illustrative influence in the past and now (heights are ours, not data)."""

    culture: str
    then: int
    now: int


@dataclass(frozen=True, kw_only=True, slots=True)
class Dominance:
    """The "then and now" illustration of shifting dominance (C11)."""

    source: str
    claim: str
    note: str
    then_label: str
    now_label: str
    rows: tuple[DominanceRow, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class ExampleTeam:
    """An invented team's ratings of the Table 1 principles, to try the profile widget with."""

    key: str
    name: str
    description: str
    ratings: Mapping[str, int]


@dataclass(frozen=True, kw_only=True, slots=True)
class OverlaySkill:
    """One strand of the overlay that holds the four cultures together (C36)."""

    key: str
    name: str
    example: str


@dataclass(frozen=True, slots=True)
class _Context:
    routes: tuple[Route, ...]
    activities: tuple[SortActivity, ...]
    comparison: Comparison
    dominance: Dominance
    cues: Mapping[str, str]
    examples: tuple[ExampleTeam, ...]
    overlay: tuple[OverlaySkill, ...]


@functools.lru_cache(maxsize=None)
def _load() -> _Context:
    from coplearn.paper.cultures import cultures, get_principle, principles

    top = root(_FILE)
    lesson_numbers = [lesson.number for lesson in lessons()]

    built_routes = []
    for r in top.table_list("route"):
        steps = []
        for s in r.table_list("step"):
            kind = s.choice("kind", STEP_KINDS)
            if kind == "lesson":
                ref = s.choice("ref", lesson_numbers)
            elif kind == "exercise":
                ref = s.choice("ref", list(EXERCISES))
            else:
                ref = s.str("ref")
            steps.append(RouteStep(kind=kind, ref=ref, note=s.str("note")))
        built_routes.append(Route(key=r.str("key"), name=r.str("name"), who=r.str("who"),
                                  summary=r.str("summary"), steps=tuple(steps)))
    top.unique(built_routes, "key", "route")

    acts = []
    for a in top.table_list("activity"):
        options = tuple((o.str("key"), o.str("label")) for o in a.table_list("option"))
        keys = [k for k, _ in options]
        items = tuple(
            SortItem(id=i.str("id"), text=i.str("text"), answer=i.choice("answer", keys), why=i.str("why"))
            for i in a.table_list("item")
        )
        a.unique(list(items), "id", "item")
        acts.append(SortActivity(key=a.str("key"), lesson=a.choice("lesson", lesson_numbers),
                                 title=a.str("title"), question=a.str("question"), note=a.str("note"),
                                 options=options, items=items))
    top.unique(acts, "key", "activity")

    comp = Comparison(
        ComparisonRow(aspect=c.str("aspect"), learning_organisation=c.str("learning_organisation"),
                      community_of_practice=c.str("community_of_practice"))
        for c in top.table_list("comparison")
    )

    d = top.table("dominance")
    culture_keys = [c.key for c in cultures()]
    drows = tuple(
        DominanceRow(culture=r.choice("culture", culture_keys), then=r.int("then"), now=r.int("now"))
        for r in d.table_list("culture")
    )
    if sorted(r.culture for r in drows) != sorted(culture_keys):
        raise d._fail("culture", "should give each of the four cultures exactly once")
    dom = Dominance(source=d.str("source"), claim=d.str("claim"), note=d.str("note"),
                    then_label=d.str("then_label"), now_label=d.str("now_label"), rows=drows)

    cues: dict[str, str] = {}
    for c in top.table_list("cue"):
        pid = c.choice("principle", [p.id for p in principles()])
        cues[pid] = c.str("text")
    missing = [p.id for p in principles() if p.id not in cues]
    if missing:
        raise top._fail("cue", f"has no hint for the principles {', '.join(missing)}")

    examples = []
    for e in top.table_list("example"):
        raw = e.table("ratings")
        ratings = {}
        for pid in raw.data:
            ratings[get_principle(pid).id] = _validate.rating(raw.int(pid), f"example {e.str('key')}: {pid}")
        examples.append(ExampleTeam(key=e.str("key"), name=e.str("name"), description=e.str("description"),
                                    ratings=ratings))
    top.unique(examples, "key", "example")

    overlay = tuple(OverlaySkill(key=o.str("key"), name=o.str("name"), example=o.str("example"))
                    for o in top.table_list("overlay"))
    return _Context(routes=tuple(built_routes), activities=tuple(acts), comparison=comp, dominance=dom,
                    cues=cues, examples=tuple(examples), overlay=overlay)


def routes() -> tuple[Route, ...]:
    """The suggested routes: student, tutor and team manager."""
    return _load().routes


def get_route(name: str) -> Route:
    """Look a route up by key or name, ignoring case.

    >>> get_route("Team manager studying alone").key
    'manager'
    >>> get_route("parent")
    Traceback (most recent call last):
    ...
    LookupError: 'parent' is not a route through the course; choose one of: student, tutor, manager
    """
    by_key = {r.key: r for r in routes()}
    by_name = {r.name: r for r in routes()}
    try:
        return by_key[_validate.choose(name, by_key, "route through the course")]
    except LookupError:
        try:
            return by_name[_validate.choose(name, by_name, "route through the course")]
        except LookupError:
            raise LookupError(
                f"{name!r} is not a route through the course; choose one of: {', '.join(by_key)}"
            ) from None


def sort_activities(lesson: str | None = None) -> tuple[SortActivity, ...]:
    """All sorting activities, or those of one lesson (``"01"``)."""
    acts = _load().activities
    if lesson is not None:
        number = get_lesson(lesson).number
        acts = tuple(a for a in acts if a.lesson == number)
    return acts


def sort_activity(key: str) -> SortActivity:
    """One sorting activity by key: ``pressures``, ``routes``, ``vignettes`` or ``wenger``."""
    table = {a.key: a for a in _load().activities}
    return table[_validate.choose(key, table, "sorting activity")]


def comparison() -> Comparison:
    """The learning organisation and the community of practice compared, aspect by aspect.

    >>> comparison()[0].aspect
    'Direction'
    """
    return _load().comparison


def dominance() -> Dominance:
    """The "then and now" illustration (C11). The heights are the course's, not measurements.

    >>> d = dominance()
    >>> {r.culture: (r.then, r.now) for r in d.rows}["managed"]
    (1, 5)
    """
    return _load().dominance


def principle_cue(principle_id: str) -> str:
    """A one-line hint that explains why a Table 1 principle belongs to its culture."""
    from coplearn.paper.cultures import get_principle

    return _load().cues[get_principle(principle_id).id]


def example_teams() -> tuple[ExampleTeam, ...]:
    """Invented example teams with ratings for all 26 principles."""
    return _load().examples


def get_example_team(key: str) -> ExampleTeam:
    """One invented example team by key (``pressured``, ``inward``, ``balanced``)."""
    table = {e.key: e for e in example_teams()}
    return table[_validate.choose(key, table, "example team")]


def overlay_skills() -> tuple[OverlaySkill, ...]:
    """The three strands of skill that overlay the four cultures (C36), with examples."""
    return _load().overlay
