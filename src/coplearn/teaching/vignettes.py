"""Practice material for lessons 05-07: staff vignettes, the community-building check and
social and adult learning in practice.

The frameworks are the sources': Hersey & Blanchard (1993) for readiness and style; Adair (1973,
1983) for the eight functions; Plaskoff's four community-building factors as Gray et al. (2010)
report them; Bandura (1977) for social learning; Knowles for adult learning. The vignettes, the
rating statements and scale, the tags and all the advice are the course's own teaching aids.

>>> from coplearn.teaching import vignettes as vg
>>> [v.id for v in vg.staff_vignettes()][:3]
['amara', 'tom', 'bernadette']
>>> vg.get_vignette("bernadette").readiness, vg.get_vignette("bernadette").style.name
('R3', 'participating')
>>> vg.check_style("bernadette", "telling").correct
False
>>> r = vg.check_community({"trust": 2, "belonging": 4})
>>> [f.key for f in r.to_work_on], r.is_partial
(['trust'], True)
>>> vg.plan_learning(["shadow"]).bandura_missing
('Reproduction', 'Motivation')
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from coplearn.core import html as _html
from coplearn.core import validate as _validate
from coplearn.core.data import root
from coplearn.paper.leadership import LeadershipStyle, adair_functions, get_style, readiness, recommend_style

__all__ = [
    "StaffVignette",
    "StyleCheck",
    "LeadershipView",
    "FunctionExample",
    "CommunityFactor",
    "CommunityResult",
    "LearningTag",
    "LearningActivity",
    "LearningPlan",
    "staff_vignettes",
    "get_vignette",
    "check_style",
    "leadership_views",
    "view_labels",
    "function_examples",
    "community_factors",
    "community_scale",
    "check_community",
    "bandura_processes",
    "knowles_assumptions",
    "adult_practices",
    "learning_activities",
    "learning_scenario",
    "plan_learning",
    "COMMUNITY_NOTE",
    "COMMUNITY_POWER",
    "LEARNING_NOTE",
    "VIGNETTE_NOTE",
]

_FILE = "vignettes.toml"
FOCUSES = ("social", "task", "both")

VIGNETTE_NOTE = (
    "The vignettes and the reasons given are the course's own; the readiness levels and styles "
    "are Hersey and Blanchard's (1993). Real people are rarely this clear-cut, so treat the "
    "answers as a starting point for discussion."
)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


@dataclass(frozen=True, kw_only=True, slots=True)
class StaffVignette:
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

    @property
    def readiness(self) -> str:
        """Hersey & Blanchard's readiness level for this task (``"R1"`` ... ``"R4"``)."""
        return readiness(self.able, self.willing)

    @property
    def style(self) -> LeadershipStyle:
        """The style that matches this readiness."""
        return recommend_style(self.able, self.willing)

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


@dataclass(frozen=True, kw_only=True, slots=True)
class CommunityFactor:
    """One of Plaskoff's community-building factors, as the paper reports them."""

    key: str
    name: str
    statement: str
    summary: str
    actions: tuple[str, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class LearningTag:
    """A named idea an activity can draw on (a Bandura process, a Knowles assumption...)."""

    key: str
    name: str
    summary: str


@dataclass(frozen=True, kw_only=True, slots=True)
class LearningActivity:
    """A team learning activity, tagged with the ideas it draws on."""

    id: str
    label: str
    text: str
    bandura: tuple[str, ...]
    knowles: tuple[str, ...]
    paper: tuple[str, ...]
    focus: str


@dataclass(frozen=True, slots=True)
class _Material:
    staff: tuple[StaffVignette, ...]
    views: tuple[LeadershipView, ...]
    view_labels: dict[str, str]
    functions: tuple[FunctionExample, ...]
    factors: tuple[CommunityFactor, ...]
    community_labels: dict[int, str]
    community_question: str
    community_note: str
    community_power: str
    threshold: int
    bandura: tuple[LearningTag, ...]
    knowles: tuple[LearningTag, ...]
    practices: tuple[LearningTag, ...]
    activities: tuple[LearningActivity, ...]
    scenario: str
    learning_note: str


def _tags(top, key: str) -> tuple[LearningTag, ...]:  # type: ignore[no-untyped-def]
    rows = tuple(LearningTag(key=t.str("key"), name=t.str("name"), summary=t.str("summary"))
                 for t in top.table_list(key))
    top.unique(list(rows), "key", key)
    return rows


@functools.lru_cache(maxsize=None)
def _load() -> _Material:
    top = root(_FILE)
    staff = tuple(
        StaffVignette(
            id=s.str("id"), name=s.str("name"), role=s.str("role"), task=s.str("task"), text=s.str("text"),
            able=s.bool("able"), willing=s.bool("willing"), able_why=s.str("able_why"),
            willing_why=s.str("willing_why"), in_practice=s.str("in_practice"),
        )
        for s in top.table_list("staff")
    )
    top.unique(list(staff), "id", "staff")
    labels_table = top.table("views")
    view_labels = {k: labels_table.str(k) for k in ("back_seat", "proactive")}
    views = tuple(
        LeadershipView(id=v.str("id"), text=v.str("text"), answer=v.choice("answer", tuple(view_labels)),
                       why=v.str("why"))
        for v in top.table_list("view")
    )
    top.unique(list(views), "id", "view")
    function_keys = tuple(f.key for f in adair_functions())
    functions = tuple(
        FunctionExample(id=f.str("id"), text=f.str("text"), function=f.choice("function", function_keys),
                        why=f.str("why"))
        for f in top.table_list("function_example")
    )
    top.unique(list(functions), "id", "function_example")
    community = top.table("community")
    factors = tuple(
        CommunityFactor(key=f.str("key"), name=f.str("name"), statement=f.str("statement"),
                        summary=f.str("summary"), actions=f.str_list("actions"))
        for f in top.table_list("factor")
    )
    top.unique(list(factors), "key", "factor")
    community_labels = {int(k): v for k, v in community.table("labels").data.items()}
    if sorted(community_labels) != [1, 2, 3, 4, 5]:
        raise _data_error("community.labels should give a label for each of 1, 2, 3, 4 and 5")
    learning = top.table("learning")
    bandura = _tags(top, "bandura_process")
    knowles = _tags(top, "knowles_assumption")
    practices = _tags(top, "adult_practice")
    activities = []
    for a in top.table_list("activity"):
        act = LearningActivity(
            id=a.str("id"), label=a.str("label"), text=a.str("text"),
            bandura=a.str_list("bandura"), knowles=a.str_list("knowles"), paper=a.str_list("paper"),
            focus=a.choice("focus", FOCUSES),
        )
        for field, tags in (("bandura", bandura), ("knowles", knowles), ("paper", practices)):
            unknown = set(getattr(act, field)) - {t.key for t in tags}
            if unknown:
                raise _data_error(f"activity {act.id!r}: {field} has unknown keys {sorted(unknown)}")
        activities.append(act)
    top.unique(activities, "id", "activity")
    return _Material(
        staff=staff, views=views, view_labels=view_labels, functions=functions, factors=factors,
        community_labels=community_labels, community_question=community.str("question"),
        community_note=community.str("note"), community_power=community.str("power"),
        threshold=community.int("threshold"), bandura=bandura, knowles=knowles, practices=practices,
        activities=tuple(activities), scenario=learning.str("scenario"), learning_note=learning.str("note"),
    )


def _data_error(problem: str) -> Exception:
    from coplearn.core.data import DataError

    return DataError(f"{_FILE}: {problem}")


def __getattr__(name: str) -> str:
    # Notes are read from the data file on first use, keeping import cheap.
    values = {
        "COMMUNITY_NOTE": lambda: _load().community_note,
        "COMMUNITY_POWER": lambda: _load().community_power,
        "LEARNING_NOTE": lambda: _load().learning_note,
    }
    if name in values:
        return values[name]()
    raise AttributeError(name)


# ---- lesson 05 --------------------------------------------------------------------------------

def staff_vignettes() -> tuple[StaffVignette, ...]:
    """The social work staff vignettes for practising situational leadership."""
    return _load().staff


def get_vignette(vignette_id: str) -> StaffVignette:
    """Look up a vignette by id (``"amara"``, ``"tom"``...), ignoring case.

    >>> get_vignette("Kwame").readiness
    'R4'
    >>> get_vignette("zoe")
    Traceback (most recent call last):
    ...
    LookupError: 'zoe' is not a staff vignette; choose one of: amara, tom, bernadette, kwame, gill, raj
    """
    table = {v.id: v for v in staff_vignettes()}
    return table[_validate.choose(vignette_id, table, "staff vignette")]


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


def leadership_views() -> tuple[LeadershipView, ...]:
    """Statements to place as the back-seat view or the paper's proactive view."""
    return _load().views


def view_labels() -> dict[str, str]:
    """The two views' keys and labels: ``back_seat`` and ``proactive``."""
    return dict(_load().view_labels)


# ---- lesson 06 --------------------------------------------------------------------------------

def function_examples() -> tuple[FunctionExample, ...]:
    """Moments in a social work team, each showing one of Adair's eight functions.

    >>> {e.function for e in function_examples()} <= {f.key for f in adair_functions()}
    True
    """
    return _load().functions


# ---- lesson 07: community building --------------------------------------------------------------

def community_factors() -> tuple[CommunityFactor, ...]:
    """Plaskoff's four factors (as reported by Gray et al. 2010), each with a statement to rate.

    >>> [f.key for f in community_factors()]
    ['trust', 'belonging', 'equality', 'relationships']
    """
    return _load().factors


def community_scale() -> dict[int, str]:
    """The course's 1-5 scale for the community check.

    >>> community_scale()[1], community_scale()[5]
    ('not at all true', 'fully true')
    """
    return dict(_load().community_labels)


@dataclass(frozen=True, kw_only=True, slots=True)
class CommunityResult:
    """The community-building check: ratings, what to work on first, and how."""

    ratings: Mapping[str, int]
    threshold: int

    @property
    def factors(self) -> tuple[CommunityFactor, ...]:
        return community_factors()

    @property
    def unanswered(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.factors if f.key not in self.ratings)

    @property
    def is_empty(self) -> bool:
        return not self.ratings

    @property
    def is_partial(self) -> bool:
        return bool(self.ratings) and bool(self.unanswered)

    @property
    def to_work_on(self) -> tuple[CommunityFactor, ...]:
        """Factors rated at or below the threshold, weakest first (ties keep the paper's order)."""
        order = {f.key: i for i, f in enumerate(self.factors)}
        weak = [f for f in self.factors if f.key in self.ratings and self.ratings[f.key] <= self.threshold]
        return tuple(sorted(weak, key=lambda f: (self.ratings[f.key], order[f.key])))

    @property
    def strengths(self) -> tuple[CommunityFactor, ...]:
        """Factors rated above the threshold."""
        return tuple(f for f in self.factors if f.key in self.ratings and self.ratings[f.key] > self.threshold)

    def summary(self) -> str:
        """A plain-English paragraph describing the result."""
        labels = community_scale()
        if self.is_empty:
            return "Nothing has been rated yet. Rate each factor to see which to work on first."
        rated = "; ".join(f"{f.name.lower()} {self.ratings[f.key]} ({labels[self.ratings[f.key]]})"
                          for f in self.factors if f.key in self.ratings)
        text = f"Your ratings: {rated}."
        if self.to_work_on:
            text += " Work on first: " + ", ".join(f.name.lower() for f in self.to_work_on) + "."
        else:
            text += f" No factor is rated {self.threshold} or lower, so build on what is working."
        if self.is_partial:
            names = ", ".join(f.name.lower() for f in self.factors if f.key in self.unanswered)
            text += (f" This check is partial: {len(self.unanswered)} of {len(self.factors)} factors "
                     f"are not rated yet ({names}).")
        return text

    def advice(self) -> list[tuple[CommunityFactor, tuple[str, ...]]]:
        """For each factor to work on (weakest first), the course's suggested steps."""
        return [(f, f.actions) for f in self.to_work_on]

    def _repr_html_(self) -> str:
        steps = "".join(
            f"<li><strong>{_html.esc(f.name)}</strong><ul>"
            + "".join(f"<li>{_html.esc(a)}</li>" for a in acts) + "</ul></li>"
            for f, acts in self.advice()
        )
        return (f"<p>{_html.esc(self.summary())}</p>"
                + (f"<ol>{steps}</ol><p>{_html.esc(_load().community_power)}</p>" if steps else "")
                + _html.note(_load().community_note))


def check_community(ratings: Mapping[str, object]) -> CommunityResult:
    """Rate the four community-building factors ``{factor: 1..5}``; blanks (``None``) are skipped.

    >>> check_community({"trust": 0})
    Traceback (most recent call last):
    ...
    ValueError: trust: the rating 0 is out of range; use a whole number from 1 to 5 (1 = not at all true, 5 = fully true)
    >>> check_community({"respect": 3})
    Traceback (most recent call last):
    ...
    LookupError: 'respect' is not a community-building factor; choose one of: trust, belonging, equality, relationships
    """
    if not isinstance(ratings, Mapping):
        raise TypeError("ratings should pair each factor with a rating, for example {'trust': 3}")
    labels = community_scale()
    keys = [f.key for f in community_factors()]
    clean: dict[str, int] = {}
    for key, value in ratings.items():
        factor = _validate.choose(key, keys, "community-building factor")
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        clean[factor] = _validate.rating(value, factor, scale=f"1 = {labels[1]}, 5 = {labels[5]}")
    return CommunityResult(ratings=clean, threshold=_load().threshold)


# ---- lesson 07: social and adult learning --------------------------------------------------------

def bandura_processes() -> tuple[LearningTag, ...]:
    """Bandura's (1977) four processes of learning by observation.

    >>> [p.name for p in bandura_processes()]
    ['Attention', 'Retention', 'Reproduction', 'Motivation']
    """
    return _load().bandura


def knowles_assumptions() -> tuple[LearningTag, ...]:
    """Knowles's six assumptions about adult learners.

    >>> len(knowles_assumptions())
    6
    """
    return _load().knowles


def adult_practices() -> tuple[LearningTag, ...]:
    """The paper's four adult-learning practices for leaders (Gray et al. 2010), in our words."""
    return _load().practices


def learning_activities() -> tuple[LearningActivity, ...]:
    """The team learning activities for the lesson 07 scenario."""
    return _load().activities


def learning_scenario() -> str:
    """The lesson 07 scenario: a team learning strengths-based assessment."""
    return _load().scenario


@dataclass(frozen=True, kw_only=True, slots=True)
class LearningPlan:
    """A chosen set of activities and what they draw on: Bandura, Knowles, the paper, the balance."""

    activities: tuple[LearningActivity, ...]

    def _covered(self, field: str, tags: Iterable[LearningTag]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        used = {k for a in self.activities for k in getattr(a, field)}
        tags = tuple(tags)
        return (tuple(t.name for t in tags if t.key in used), tuple(t.name for t in tags if t.key not in used))

    @property
    def bandura_covered(self) -> tuple[str, ...]:
        return self._covered("bandura", bandura_processes())[0]

    @property
    def bandura_missing(self) -> tuple[str, ...]:
        return self._covered("bandura", bandura_processes())[1]

    @property
    def knowles_covered(self) -> tuple[str, ...]:
        return self._covered("knowles", knowles_assumptions())[0]

    @property
    def knowles_missing(self) -> tuple[str, ...]:
        return self._covered("knowles", knowles_assumptions())[1]

    @property
    def practices_covered(self) -> tuple[str, ...]:
        return self._covered("paper", adult_practices())[0]

    @property
    def practices_missing(self) -> tuple[str, ...]:
        return self._covered("paper", adult_practices())[1]

    @property
    def balance(self) -> dict[str, int]:
        """How many chosen activities attend to the social and emotional side, and to the task."""
        return {
            "social": sum(a.focus in ("social", "both") for a in self.activities),
            "task": sum(a.focus in ("task", "both") for a in self.activities),
        }

    def balance_comment(self) -> str:
        """The careful balance the paper asks for (Gray et al. 2010, citing Lefevre 2005)."""
        b = self.balance
        if not self.activities:
            return "Choose some activities to see the balance of your plan."
        if b["task"] == 0:
            return ("Your plan is all social and emotional. The paper asks for a careful balance (Lefevre 2005): "
                    "add something that gets the task done, such as changing the template or explaining why.")
        if b["social"] == 0:
            return ("Your plan is all task. The paper asks for a careful balance (Lefevre 2005): add something "
                    "social, emotional or participatory, so that people learn together rather than comply.")
        def n(k: int) -> str:
            return f"{k} {'activity' if k == 1 else 'activities'}"

        return (f"Your plan balances the social and emotional side ({n(b['social'])}) with the task "
                f"({n(b['task'])}), the careful balance the paper asks for (Lefevre 2005).")

    def lines(self) -> list[str]:
        """The feedback as short lines, one per idea."""
        if not self.activities:
            return ["No activities chosen yet. Tick the ones you would use."]

        def names(found: tuple[str, ...]) -> str:
            return "; ".join(n[0].lower() + n[1:] for n in found)

        def line(title: str, covered: tuple[str, ...], missing: tuple[str, ...]) -> str:
            text = f"{title}: draws on {names(covered) if covered else 'none yet'}."
            if missing:
                text += f" Not yet: {names(missing)}."
            return text

        return [
            line("Social learning (Bandura 1977)", self.bandura_covered, self.bandura_missing),
            line("Adult learning (Knowles)", self.knowles_covered, self.knowles_missing),
            line("The paper's leader practices", self.practices_covered, self.practices_missing),
            self.balance_comment(),
        ]

    def _repr_html_(self) -> str:
        return ("<ul>" + "".join(f"<li>{_html.esc(t)}</li>" for t in self.lines()) + "</ul>"
                + _html.note(_load().learning_note))


def plan_learning(activity_ids: Iterable[str]) -> LearningPlan:
    """Analyse a set of chosen activities (ids from :func:`learning_activities`).

    >>> p = plan_learning(["why", "template"])
    >>> p.balance, p.knowles_covered
    ({'social': 0, 'task': 2}, ('Need to know',))
    >>> plan_learning(["lecture"])
    Traceback (most recent call last):
    ...
    LookupError: 'lecture' is not a learning activity; choose one of: shadow, own_cases, why, practise, manager_first, own_goals, celebrate, template, space
    """
    table = {a.id: a for a in learning_activities()}
    chosen = []
    for value in activity_ids:
        key = _validate.choose(value, table, "learning activity")
        if table[key] not in chosen:
            chosen.append(table[key])
    order = list(table)
    return LearningPlan(activities=tuple(sorted(chosen, key=lambda a: order.index(a.id))))
