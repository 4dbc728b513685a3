"""Lesson 07: helping a community learn. The community-building check and social and adult learning.

The frameworks are the sources': the four community-building factors Gray et al. (2010)
report from Plaskoff (his list, as they say, includes them); Bandura (1977) for social learning; Knowles for adult learning; the paper's practices
for leaders. The rating statements and scale, the activity tags and all the advice are the
course's own teaching aids. The data live in ``coplearn/data/vignettes.toml`` (``[community]``,
``[[factor]]``, ``[learning]``, ``[[bandura_process]]``, ``[[knowles_assumption]]``,
``[[adult_practice]]``, ``[[activity]]``).

>>> from coplearn.teaching import community_learning as cl7
>>> r = cl7.check_community({"trust": 2, "belonging": 4})
>>> [f.key for f in r.to_develop()], r.is_partial
(['trust'], True)
>>> cl7.plan_learning(["shadow"]).bandura_missing
('Reproduction', 'Motivation')
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from coplearn.core import html as _html
from coplearn.core import validate as _validate
from coplearn.core.data import DataError, records, root, text

__all__ = [
    "CommunityFactor",
    "CommunityResult",
    "LearningTag",
    "LearningActivity",
    "LearningPlan",
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
]

_FILE = "vignettes.toml"
FOCUSES = ("social", "task", "both")


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


#: What in the community check is the course's own.
COMMUNITY_NOTE: str = text(_FILE, "community", "note")
#: How a manager's power bears on the four factors (the course's words), shown with the advice.
COMMUNITY_POWER: str = text(_FILE, "community", "power")
#: What in the learning planner is the paper's and what is the course's.
LEARNING_NOTE: str = text(_FILE, "learning", "note")


# ---- community building ------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def community_factors() -> tuple[CommunityFactor, ...]:
    """The four factors Gray et al. (2010) report from Plaskoff, each with a statement to rate.

    >>> [f.key for f in community_factors()]
    ['trust', 'belonging', 'equality', 'relationships']
    """
    return records(root(_FILE), "factor", CommunityFactor)


@functools.lru_cache(maxsize=None)
def _community_labels() -> dict[int, str]:
    labels = {int(k): v for k, v in root(_FILE).table("community").table("labels").data.items()}
    if sorted(labels) != [1, 2, 3, 4, 5]:
        raise DataError(f"{_FILE}: community.labels should give a label for each of 1, 2, 3, 4 and 5")
    return labels


def community_scale() -> dict[int, str]:
    """The course's 1-5 scale for the community check.

    >>> community_scale()[1], community_scale()[5]
    ('not at all true', 'fully true')
    """
    return dict(_community_labels())


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

    def to_develop(self) -> tuple[CommunityFactor, ...]:
        """Factors rated at or below the threshold, weakest first (ties keep the paper's order)."""
        order = {f.key: i for i, f in enumerate(self.factors)}
        weak = [f for f in self.factors if f.key in self.ratings and self.ratings[f.key] <= self.threshold]
        return tuple(sorted(weak, key=lambda f: (self.ratings[f.key], order[f.key])))

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
        if self.to_develop():
            text += " Work on first: " + ", ".join(f.name.lower() for f in self.to_develop()) + "."
        else:
            text += f" No factor is rated {self.threshold} or lower, so build on what is working."
        if self.is_partial:
            names = ", ".join(f.name.lower() for f in self.factors if f.key in self.unanswered)
            text += (f" This check is partial: {len(self.unanswered)} of {len(self.factors)} factors "
                     f"are not rated yet ({names}).")
        return text

    def advice(self) -> list[tuple[CommunityFactor, tuple[str, ...]]]:
        """For each factor to work on (weakest first), the course's suggested steps."""
        return [(f, f.actions) for f in self.to_develop()]

    def _repr_html_(self) -> str:
        steps = "".join(
            f"<li><strong>{_html.esc(f.name)}</strong><ul>"
            + "".join(f"<li>{_html.esc(a)}</li>" for a in acts) + "</ul></li>"
            for f, acts in self.advice()
        )
        return (f"<p>{_html.esc(self.summary())}</p>"
                + (f"<ol>{steps}</ol><p>{_html.esc(COMMUNITY_POWER)}</p>" if steps else "")
                + _html.note(COMMUNITY_NOTE))


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
    return CommunityResult(ratings=clean, threshold=root(_FILE).table("community").int("threshold"))


# ---- social and adult learning --------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _tags(key: str) -> tuple[LearningTag, ...]:
    return records(root(_FILE), key, LearningTag)


def bandura_processes() -> tuple[LearningTag, ...]:
    """Bandura's (1977) four processes of learning by observation.

    >>> [p.name for p in bandura_processes()]
    ['Attention', 'Retention', 'Reproduction', 'Motivation']
    """
    return _tags("bandura_process")


def knowles_assumptions() -> tuple[LearningTag, ...]:
    """Knowles's six assumptions about adult learners.

    >>> len(knowles_assumptions())
    6
    """
    return _tags("knowles_assumption")


def adult_practices() -> tuple[LearningTag, ...]:
    """The paper's four adult-learning practices for leaders (Gray et al. 2010), in our words."""
    return _tags("adult_practice")


@functools.lru_cache(maxsize=None)
def learning_activities() -> tuple[LearningActivity, ...]:
    """The team learning activities for the lesson 07 scenario."""
    activities = records(root(_FILE), "activity", LearningActivity, choices={"focus": FOCUSES})
    for act in activities:
        for field, tags in (("bandura", bandura_processes()), ("knowles", knowles_assumptions()),
                            ("paper", adult_practices())):
            unknown = set(getattr(act, field)) - {t.key for t in tags}
            if unknown:
                raise DataError(f"{_FILE}: activity {act.id!r}: {field} has unknown keys {sorted(unknown)}")
    return activities


def learning_scenario() -> str:
    """The lesson 07 scenario: a team learning strengths-based assessment."""
    return root(_FILE).table("learning").str("scenario")


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
        """The careful balance the paper suggests (Gray et al. 2010, drawing on Lefevre 2005)."""
        b = self.balance
        if not self.activities:
            return "Choose some activities to see the balance of your plan."
        if b["task"] == 0:
            return ("Your plan is all social and emotional. The paper suggests a careful balance "
                    "(Gray et al. 2010, drawing on Lefevre 2005): "
                    "add something that gets the task done, such as changing the template or explaining why.")
        if b["social"] == 0:
            return ("Your plan is all task. The paper suggests a careful balance "
                    "(Gray et al. 2010, drawing on Lefevre 2005): add something "
                    "social, emotional or participatory, so that people learn together rather than comply.")
        def n(k: int) -> str:
            return f"{k} {'activity' if k == 1 else 'activities'}"

        return (f"Your plan balances the social and emotional side ({n(b['social'])}) with the task "
                f"({n(b['task'])}), the careful balance the paper suggests "
                "(Gray et al. 2010, drawing on Lefevre 2005).")

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
                + _html.note(LEARNING_NOTE))


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

