"""Sum up a team survey of the Table 2 audit: per question, per domain, disagreements and the plan.

:mod:`coplearn.practice.survey` reads and checks the CSV; :func:`summarise` works out, for each
question, how many people answered, the team's mean, the spread of answers and whether the team
disagrees (:data:`DISAGREEMENT_RULE`, the course's own rule of thumb), the most common Tuckman
stage, and feeds the means into the same priorities and action plan as :func:`coplearn.score_audit`.

**What is ours.** The summary figures, the disagreement rule and the anonymity threshold are the
course's own teaching aids, not the paper's, and the survey is a reflective aid for a team
conversation, not a validated instrument.

>>> from coplearn.practice.survey import read_survey_text
>>> r = summarise(read_survey_text("Respondent,K1,T4,T3\\nA,2,1,storming\\nB,3,5,norming\\nC,2,Good,storming\\n"))
>>> r.n_respondents, r.item("K1").mean, r.item("T4").disagreement
(3, 2.3333333333333335, True)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from statistics import fmean, stdev

from coplearn.core import html as _html
from coplearn.paper.action_centred import (
    AUDIT_NOTE,
    Action,
    AuditItem,
    AuditResult,
    Priority,
    get_item,
    team_audit,
)
from coplearn.paper.team_development import TuckmanStage, tuckman_stages
from coplearn.practice.survey import DEFAULT_MIN_RESPONDENTS, Survey

__all__ = ["DISAGREEMENT_RANGE", "DISAGREEMENT_RULE", "DISAGREEMENT_SD", "DomainSpread", "ItemSummary", "SurveyResult",
           "summarise"]

#: An item shows disagreement when its answers span at least this many points (1 to 4, 2 to 5) ...
DISAGREEMENT_RANGE = 3
#: ... or when their standard deviation is at least this (the course's rule of thumb).
DISAGREEMENT_SD = 1.2

DISAGREEMENT_RULE = (
    f"An item is marked as a disagreement when at least two people answered it and their ratings "
    f"span {DISAGREEMENT_RANGE} or more points (for example 1 and 4, or 2 and 5) or their standard "
    f"deviation is {DISAGREEMENT_SD} or more. This rule is the course's own rule of thumb, not the paper's."
)


# ---- summing up --------------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True, slots=True)
class ItemSummary:
    """How the team answered one rating item."""

    item: AuditItem
    n: int
    mean: float | None
    sd: float | None  # sample standard deviation; None with fewer than two answers
    low: int | None
    high: int | None
    counts: tuple[int, int, int, int, int]  # how many chose 1, 2, 3, 4, 5

    @property
    def spread(self) -> int | None:
        """Highest minus lowest rating."""
        return None if self.low is None else self.high - self.low  # type: ignore[operator]

    @property
    def disagreement(self) -> bool:
        """Whether the team disagrees about this item (see :data:`DISAGREEMENT_RULE`; ours)."""
        if self.n < 2:
            return False
        return bool(self.spread >= DISAGREEMENT_RANGE or (self.sd is not None and self.sd >= DISAGREEMENT_SD))

    @property
    def split(self) -> bool:
        """Someone rated it poor or worse (1-2) and someone good or better (4-5)."""
        return self.n >= 2 and self.low is not None and self.low <= 2 and self.high >= 4  # type: ignore[operator]


@dataclass(frozen=True, kw_only=True, slots=True)
class DomainSpread:
    """One Adair domain across people: the mean of item means and the spread of people's own means."""

    domain: str
    mean: float | None  # mean of the item means (what score_audit's domain score is)
    people: int  # how many people rated at least one item in the domain
    person_mean_sd: float | None
    person_mean_low: float | None
    person_mean_high: float | None


@dataclass(frozen=True, kw_only=True, slots=True)
class SurveyResult:
    """The survey summed up: per item and per domain, disagreements, the stage and the action plan."""

    survey: Survey
    min_respondents: int
    items: tuple[ItemSummary, ...]
    domains: tuple[DomainSpread, ...]
    stage_counts: Mapping[str, int]
    open_answers: tuple[str, ...]
    audit: AuditResult = field(repr=False)

    @property
    def source(self) -> str:
        return self.survey.source

    @property
    def n_respondents(self) -> int:
        return len(self.survey.responses)

    @property
    def breakdown_allowed(self) -> bool:
        """Whether there are enough respondents to show per-respondent detail (the anonymity rule)."""
        return self.n_respondents >= self.min_respondents

    def item(self, item_id: str) -> ItemSummary:
        key = get_item(item_id).id
        for s in self.items:
            if s.item.id == key:
                return s
        raise LookupError(f"{item_id!r} is not a rating item; T2 and T3 are summarised separately")

    def item_breakdown_allowed(self, summary: ItemSummary) -> bool:
        """Whether an item's answer counts may be shown (enough people answered it)."""
        return self.breakdown_allowed and summary.n >= self.min_respondents

    @property
    def disagreements(self) -> tuple[ItemSummary, ...]:
        """Items the team disagrees about, widest spread first."""
        flagged = [s for s in self.items if s.disagreement]
        return tuple(sorted(flagged, key=lambda s: (-(s.spread or 0), -(s.sd or 0), s.item.order)))

    @property
    def answered_items(self) -> tuple[ItemSummary, ...]:
        return tuple(s for s in self.items if s.n)

    @property
    def stage(self) -> TuckmanStage | None:
        return self.audit.stage

    def action_plan(self, limit: int = 5) -> list[Action]:
        """The action plan of :meth:`coplearn.AuditResult.action_plan`, from the team's item means.

        Each finding is reworded to say it is a team mean, with how many answered and the range.
        """
        plan = []
        for action in self.audit.action_plan(limit=limit):
            s = next((x for x in self.items if x.item.id == action.item_id), None)
            if s is not None and s.mean is not None:
                finding = (f"{s.item.text} Team mean {s.mean:.1f} out of 5 ({s.n} answered, "
                           f"ratings from {s.low} to {s.high}).")
                action = replace(action, finding=finding)
            plan.append(action)
        return plan

    def summary(self) -> str:
        """A plain-English paragraph about the result."""
        parts = []
        for d in self.domains:
            parts.append(f"{d.domain} {d.mean:.1f}" if d.mean is not None else f"{d.domain} not rated")
        text = (f"{self.n_respondents} {'person' if self.n_respondents == 1 else 'people'} answered. "
                f"Team means (1-5): " + ", ".join(parts) + ".")
        if self.audit.priorities:
            p = self.audit.priorities[0]
            text += f" Lowest-rated item: {p.item.id} ({p.score:.1f})."
        dis = self.disagreements
        if dis:
            text += f" The team disagrees on {len(dis)} item{'s' if len(dis) != 1 else ''}: " + \
                ", ".join(s.item.id for s in dis) + "."
        if not self.breakdown_allowed:
            text += (f" With fewer than {self.min_respondents} respondents, individual answers are not shown.")
        return text

    def _repr_html_(self) -> str:
        rows = [(d.domain, "not rated" if d.mean is None else f"{d.mean:.2f}", d.people) for d in self.domains]
        dis = [(s.item.id, s.item.text, f"{s.mean:.2f}", f"{s.low}-{s.high}") for s in self.disagreements]
        return (f"<p>{_html.esc(self.summary())}</p>"
                + _html.table("Team means by domain", ["domain", "mean of item means", "people"], rows)
                + (_html.table("Where the team disagrees", ["item", "question", "mean", "range"], dis) if dis else "")
                + _html.note(AUDIT_NOTE))


def _sd(values: Sequence[float]) -> float | None:
    return stdev(values) if len(values) >= 2 else None


def _modal_stage(counts: Mapping[str, int]) -> TuckmanStage | None:
    """The most common stage; on a tie, the earliest stage (the course's cautious rule)."""
    if not counts:
        return None
    top = max(counts.values())
    for s in tuckman_stages():
        if counts.get(s.key) == top:
            return s
    return None  # pragma: no cover


def summarise(survey: Survey, *, min_respondents: int = DEFAULT_MIN_RESPONDENTS) -> SurveyResult:
    """Sum up a :class:`Survey`: per-item mean, spread and count, domain spreads, stage and plan.

    The team's mean for each item becomes that item's score in an :class:`coplearn.AuditResult`,
    so the priorities and action plan are exactly those of :func:`coplearn.score_audit`, using
    team means (rounded to two decimals) in place of one person's ratings.
    """
    if isinstance(min_respondents, bool) or not isinstance(min_respondents, int) or min_respondents < 1:
        raise ValueError(f"min_respondents: use a whole number of 1 or more, not {min_respondents!r}")
    items = [i for i in team_audit() if i.kind == "rating"]
    summaries = []
    for item in items:
        values = [r.answers[item.id] for r in survey.responses if item.id in r.answers]
        ints = [int(v) for v in values]  # ratings are ints by construction
        counts = tuple(ints.count(k) for k in range(1, 6))
        summaries.append(ItemSummary(
            item=item, n=len(ints), mean=fmean(ints) if ints else None, sd=_sd(ints),
            low=min(ints) if ints else None, high=max(ints) if ints else None, counts=counts,  # type: ignore[arg-type]
        ))
    domains = []
    for d in ("task", "team", "individual"):
        means = [s.mean for s in summaries if s.item.domain == d and s.mean is not None]
        person_means = []
        for r in survey.responses:
            own = [v for k, v in r.ratings.items() if get_item(k).domain == d]
            if own:
                person_means.append(fmean(own))
        domains.append(DomainSpread(
            domain=d, mean=fmean(means) if means else None, people=len(person_means),
            person_mean_sd=_sd(person_means),
            person_mean_low=min(person_means) if person_means else None,
            person_mean_high=max(person_means) if person_means else None,
        ))
    stage_counts: dict[str, int] = {}
    for s in tuckman_stages():
        n = sum(1 for r in survey.responses if r.answers.get("T3") == s.key)
        if n:
            stage_counts[s.key] = n
    open_answers = tuple(sorted((str(r.answers["T2"]) for r in survey.responses if "T2" in r.answers),
                                key=lambda t: (t.casefold(), t)))
    audit = _audit_from_means(summaries, _modal_stage(stage_counts), open_answers)
    return SurveyResult(survey=survey, min_respondents=min_respondents, items=tuple(summaries),
                        domains=tuple(domains), stage_counts=stage_counts, open_answers=open_answers, audit=audit)


def _audit_from_means(summaries: Iterable[ItemSummary], stage: TuckmanStage | None,
                      open_answers: Sequence[str]) -> AuditResult:
    """An AuditResult whose scores are team means, built the way score_audit builds one."""
    means = {s.item.id: round(s.mean, 2) for s in summaries if s.mean is not None}
    order = {i.id: i for i in team_audit()}
    domain_scores: dict[str, float | None] = {}
    for d in ("task", "team", "individual"):
        vals = [v for k, v in means.items() if order[k].domain == d]
        domain_scores[d] = round(fmean(vals), 3) if vals else None
    priorities = tuple(Priority(item=order[k], score=float(v))
                       for k, v in sorted(means.items(), key=lambda kv: (kv[1], order[kv[0]].order)))
    answered = set(means) | ({"T2"} if open_answers else set()) | ({"T3"} if stage else set())
    return AuditResult(
        ratings=means, stage=stage,
        open_answers={"T2": "\n\n".join(open_answers)} if open_answers else {},
        domain_scores=domain_scores, priorities=priorities,
        unanswered=tuple(i.id for i in team_audit() if i.id not in answered),
    )
