"""The team and its organisation: the interface, the learning-organisation check and the plan.

Content for lessons 10 and 11. What comes from Gray, Parker, Rutter & Williams (2010): a leader
can build a "micro-culture" of good practice in an unsupportive organisation if they look after the
place where the team meets the wider organisation: its demands must not be allowed to wear the
community down, and senior managers must not be left regarding the community as a threat
(C34-C35); and many team managers, using SCIE's (2004)
learning-organisation audit, judged their team but not their organisation to be a learning
organisation (C39). The practice statements, ratings, rules of thumb and the plan template are
the course's own teaching aids, and say so wherever they appear.

>>> import coplearn.teaching.organisation as org
>>> [a.key for a in org.interface_areas()]
['protect', 'visible', 'purpose', 'influence']
>>> [d.key for d in org.learning_dimensions()]
['structure', 'culture', 'information', 'hr', 'leadership']
>>> cmp = org.compare_learning({"culture": 4, "leadership": 5}, {"culture": 2, "leadership": 2})
>>> cmp.gaps, cmp.pattern
({'culture': 2, 'leadership': 3}, 'team_ahead')
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from coplearn.core import html as _html
from coplearn.core import validate as _validate
from coplearn.core.data import DataError, root

__all__ = [
    "Danger",
    "InterfaceArea",
    "InterfacePractice",
    "InterfaceResult",
    "InterfaceWarning",
    "LearningComparison",
    "LearningDimension",
    "LeadershipPlan",
    "PlanIncomplete",
    "StaffReadiness",
    "check_interface",
    "compare_learning",
    "dangers",
    "domain_notes",
    "interface_answers",
    "interface_areas",
    "interface_practices",
    "interface_warnings",
    "leadership_plan",
    "learning_dimensions",
    "learning_scale",
    "INTERFACE_NOTE",
    "LEARNING_ORG_NOTE",
    "LEARNING_ORG_QUESTION",
    "LEARNING_ORG_SOURCE",
    "PLAN_NOTE",
]

_FILE = "organisation.toml"
#: Points for each answer in the interface check (the course's, not the paper's).
ANSWER_POINTS = {"yes": 2, "partly": 1, "not_yet": 0}
#: An area scoring below this share of its possible points is suggested for development (ours).
AREA_STRENGTH = 0.75


# ---- records ---------------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True, slots=True)
class Danger:
    """One of the two dangers at the interface with the wider organisation (Gray et al. 2010)."""

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


@dataclass(frozen=True, kw_only=True, slots=True)
class LearningDimension:
    """One of SCIE's (2004) five dimensions of a learning organisation."""

    key: str
    name: str
    summary: str


@dataclass(frozen=True, slots=True)
class _Organisation:
    dangers: tuple[Danger, ...]
    warnings: tuple[InterfaceWarning, ...]
    areas: tuple[InterfaceArea, ...]
    practices: tuple[InterfacePractice, ...]
    answers: dict[str, str]
    interface_note: str
    dimensions: tuple[LearningDimension, ...]
    scale: dict[int, str]
    learning_note: str
    learning_source: str
    learning_question: str
    gap_threshold: int
    plan_note: str
    plan_limits: dict[str, int]
    plan_concepts: tuple[str, ...]
    plan_pcf: tuple[str, ...]
    domain_notes: dict[str, str]


@functools.lru_cache(maxsize=None)
def _load() -> _Organisation:
    top = root(_FILE)
    dangers_ = tuple(Danger(key=d.str("key"), name=d.str("name"), summary=d.str("summary"))
                     for d in top.table_list("danger"))
    top.unique(list(dangers_), "key", "danger")
    dkeys = [d.key for d in dangers_]
    warnings_ = tuple(
        InterfaceWarning(id=w.str("id"), text=w.str("text"), danger=w.choice("danger", dkeys), why=w.str("why"))
        for w in top.table_list("warning")
    )
    top.unique(list(warnings_), "id", "warning")
    areas = tuple(InterfaceArea(key=a.str("key"), name=a.str("name"), summary=a.str("summary"),
                                advice=a.str("advice"))
                  for a in top.table_list("interface_area"))
    top.unique(list(areas), "key", "interface_area")
    akeys = [a.key for a in areas]
    practices = tuple(InterfacePractice(id=p.str("id"), area=p.choice("area", akeys), text=p.str("text"))
                      for p in top.table_list("interface_practice"))
    top.unique(list(practices), "id", "interface_practice")
    interface = top.table("interface")
    answers_table = interface.table("answers")
    answers = {key: answers_table.str(key) for key in ANSWER_POINTS}
    dims = tuple(LearningDimension(key=d.str("key"), name=d.str("name"), summary=d.str("summary"))
                 for d in top.table_list("dimension"))
    top.unique(list(dims), "key", "dimension")
    lo = top.table("learning_org")
    scale_table = lo.table("scale")
    scale = {n: scale_table.str(str(n)) for n in range(1, 6)}
    plan = top.table("plan")
    limits = {k: plan.int(k) for k in ("min_actions", "max_actions", "max_staff", "max_priorities")}
    if not 1 <= limits["min_actions"] <= limits["max_actions"]:
        raise DataError(f"{_FILE}: plan.min_actions must be between 1 and plan.max_actions")
    from coplearn.paper.concepts import theoretical_domain

    area_keys = [a.key for a in theoretical_domain()]
    notes: dict[str, str] = {}
    for row in top.table_list("domain_note"):
        key = row.choice("key", area_keys)
        if key in notes:
            raise DataError(f"{_FILE}: domain_note has the key {key!r} more than once")
        notes[key] = row.str("why")
    missing = [k for k in area_keys if k not in notes]
    if missing:
        raise DataError(f"{_FILE}: domain_note is missing for {', '.join(missing)}")
    return _Organisation(
        dangers=dangers_, warnings=warnings_, areas=areas, practices=practices, answers=answers,
        interface_note=interface.str("note"), dimensions=dims, scale=scale,
        learning_note=lo.str("note"), learning_source=lo.str("source"), learning_question=lo.str("question"),
        gap_threshold=lo.int("gap_threshold"), plan_note=plan.str("note"), plan_limits=limits,
        plan_concepts=plan.str_list("concepts"), plan_pcf=plan.str_list("pcf"), domain_notes=notes,
    )


def __getattr__(name: str) -> str:
    # Notes are read from the data file on first use, keeping ``import coplearn`` cheap.
    values = {
        "INTERFACE_NOTE": lambda: _load().interface_note,
        "LEARNING_ORG_NOTE": lambda: _load().learning_note,
        "LEARNING_ORG_SOURCE": lambda: _load().learning_source,
        "LEARNING_ORG_QUESTION": lambda: _load().learning_question,
        "PLAN_NOTE": lambda: _load().plan_note,
    }
    if name in values:
        return values[name]()
    raise AttributeError(name)


# ---- the interface (lesson 10) ------------------------------------------------------------

def dangers() -> tuple[Danger, ...]:
    """The two dangers at the interface: demands that undermine, and being seen as a threat."""
    return _load().dangers


def interface_warnings() -> tuple[InterfaceWarning, ...]:
    """Warning signs to sort by the danger they show (the course's scenarios).

    >>> sorted({w.danger for w in interface_warnings()})
    ['threat', 'undermine']
    """
    return _load().warnings


def interface_areas() -> tuple[InterfaceArea, ...]:
    """The four areas of managing the interface used by the course's check."""
    return _load().areas


def interface_practices() -> tuple[InterfacePractice, ...]:
    """The statements of the interface check, in order."""
    return _load().practices


def interface_answers() -> dict[str, str]:
    """The answers a leader can give, key to label: ``yes``, ``partly``, ``not_yet``."""
    return dict(_load().answers)


def _answer_key(value: object, item: str) -> str:
    answers = _load().answers
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
                + f"<p>{_html.esc(self.summary())}</p>" + (_html.note(_load().interface_note) if note else ""))


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


def domain_notes() -> dict[str, str]:
    """Why each area of the theoretical domain matters to a leader (the course's words), by area key.

    >>> import coplearn as cl
    >>> sorted(domain_notes()) == sorted(a.key for a in cl.theoretical_domain())
    True
    """
    return dict(_load().domain_notes)


# ---- team vs organisation (lesson 10) -------------------------------------------------------

def learning_dimensions() -> tuple[LearningDimension, ...]:
    """SCIE's (2004) five dimensions of a learning organisation, in SCIE's order."""
    return _load().dimensions


def learning_scale() -> dict[int, str]:
    """The course's 1-5 scale for the check: ``{1: "hardly at all", ..., 5: "fully"}``."""
    return dict(_load().scale)


def _scale_text() -> str:
    scale = _load().scale
    return f"1 = {scale[1]}, 5 = {scale[5]}"


@dataclass(frozen=True, kw_only=True, slots=True)
class LearningComparison:
    """Team and organisation rated on SCIE's five dimensions, and the gap between them.

    ``gaps`` is team minus organisation for each dimension rated on both. ``pattern`` reads the
    mean gap with the course's rule of thumb (a gap of a whole point or more either way).
    """

    team: Mapping[str, int]
    organisation: Mapping[str, int]
    unrated: tuple[str, ...] = field(default=())

    @property
    def gaps(self) -> dict[str, int]:
        return {d.key: self.team[d.key] - self.organisation[d.key] for d in learning_dimensions()
                if d.key in self.team and d.key in self.organisation}

    @staticmethod
    def _mean(values: Iterable[int]) -> float | None:
        vals = list(values)
        return round(sum(vals) / len(vals), 2) if vals else None

    @property
    def team_mean(self) -> float | None:
        return self._mean(self.team.values())

    @property
    def organisation_mean(self) -> float | None:
        return self._mean(self.organisation.values())

    @property
    def mean_gap(self) -> float | None:
        return self._mean(self.gaps.values())

    @property
    def widest(self) -> str | None:
        """The dimension with the largest gap either way (first in SCIE's order on a tie)."""
        gaps = self.gaps
        if not gaps:
            return None
        return max(gaps, key=lambda k: abs(gaps[k]))

    @property
    def pattern(self) -> str:
        """``"team_ahead"``, ``"organisation_ahead"``, ``"similar"``, or ``"incomplete"``."""
        gap = self.mean_gap
        if gap is None:
            return "incomplete"
        threshold = _load().gap_threshold
        if gap >= threshold:
            return "team_ahead"
        if gap <= -threshold:
            return "organisation_ahead"
        return "similar"

    def summary(self) -> str:
        """A plain-English reading of the comparison (also the figure's text alternative)."""
        names = {d.key: d.name for d in learning_dimensions()}
        if self.pattern == "incomplete":
            return ("Rate at least one dimension for both your team and your organisation to see "
                    "how they compare.")
        parts = [f"Across the {len(self.gaps)} dimension(s) rated for both, your team averages "
                 f"{self._mean(self.team[k] for k in self.gaps):.1f} and your organisation "
                 f"{self._mean(self.organisation[k] for k in self.gaps):.1f} out of 5."]
        if self.pattern == "team_ahead":
            parts.append("You see your team as more of a learning organisation than the organisation it belongs "
                         "to. Many team managers in Gray et al. (2010) reached the same view, and Beddoe (2009) "
                         "saw organisations failing to learn from their teams.")
        elif self.pattern == "organisation_ahead":
            parts.append("You see the organisation as more of a learning organisation than your team: the "
                         "reverse of what many managers in Gray et al. (2010) reported. What could your team "
                         "draw on from the wider organisation?")
        else:
            parts.append("Team and organisation look much the same on these dimensions.")
        widest = self.widest
        if widest is not None and self.gaps[widest] != 0:
            parts.append(f"The widest gap is in {names[widest].lower()} ({self.gaps[widest]:+d}).")
        if self.unrated:
            parts.append("Not yet rated for both: " + ", ".join(names[k].lower() for k in self.unrated) + ".")
        return " ".join(parts)

    def _repr_html_(self) -> str:
        rows = []
        for d in learning_dimensions():
            t, o = self.team.get(d.key), self.organisation.get(d.key)
            gap = f"{t - o:+d}" if t is not None and o is not None else ""
            rows.append((d.name, t if t is not None else "", o if o is not None else "", gap))
        return (_html.table("Team and organisation on SCIE's (2004) five dimensions (your ratings, 1-5)",
                            ["dimension", "team", "organisation", "gap (team - organisation)"], rows)
                + f"<p>{_html.esc(self.summary())}</p>" + _html.note(_load().learning_note))


def _ratings(values: Mapping[str, object] | None, who: str) -> dict[str, int]:
    keys = [d.key for d in learning_dimensions()]
    names = {_validate.normalise(d.name): d.key for d in learning_dimensions()}
    out: dict[str, int] = {}
    for raw, value in (values or {}).items():
        key = names.get(_validate.normalise(raw)) if isinstance(raw, str) else None
        key = key or _validate.choose(raw, keys, "SCIE dimension", item=who)
        if value is None:
            continue
        out[key] = _validate.rating(value, f"{who}: {key}", scale=_scale_text())
    return out


def compare_learning(team: Mapping[str, object] | None,
                     organisation: Mapping[str, object] | None) -> LearningComparison:
    """Compare ratings (1-5) of your team and your organisation on SCIE's five dimensions.

    Keys are dimension keys or names; ``None`` means not rated yet.

    >>> compare_learning({"culture": 6}, {})
    Traceback (most recent call last):
    ...
    ValueError: team: culture: the rating 6 is out of range; use a whole number from 1 to 5 (1 = hardly at all, 5 = fully)
    >>> compare_learning({"morale": 3}, {})
    Traceback (most recent call last):
    ...
    LookupError: team: 'morale' is not a SCIE dimension; choose one of: structure, culture, information, hr, leadership
    """
    t = _ratings(team, "team")
    o = _ratings(organisation, "organisation")
    unrated = tuple(d.key for d in learning_dimensions() if d.key not in t or d.key not in o)
    order = [d.key for d in learning_dimensions()]
    return LearningComparison(team={k: t[k] for k in order if k in t},
                              organisation={k: o[k] for k in order if k in o}, unrated=unrated)


# ---- the leadership plan (lesson 11) -------------------------------------------------------

class PlanIncomplete(ValueError):
    """The plan is missing something; ``problems`` lists every item still to do."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True, kw_only=True, slots=True)
class StaffReadiness:
    """A key member of staff, by role (not name), and how able and willing they are for a task."""

    role: str
    able: bool
    willing: bool

    @property
    def readiness(self) -> str:
        from coplearn.paper.leadership import readiness

        return readiness(self.able, self.willing)

    @property
    def style(self) -> Any:
        from coplearn.paper.leadership import recommend_style

        return recommend_style(self.able, self.willing)


def _clean_text(value: object, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{what}: write this as text, not {value!r}")
    return " ".join(value.split())


@dataclass(frozen=True, kw_only=True, slots=True)
class LeadershipPlan:
    """A learner's plan for leading their team as a community of practice (lesson 11).

    Build one with :func:`leadership_plan`, which checks every field. ``to_markdown()`` and
    ``to_html()`` give a readable plan; ``journal_fields()`` the fields for :meth:`Journal.add`.
    """

    team: str
    stage: str
    staff: tuple[StaffReadiness, ...]
    culture_gaps: tuple[str, ...]
    audit_priorities: tuple[str, ...]
    actions: tuple[str, ...]
    interface: str
    date: str

    # -- what the choices imply ------------------------------------------------------------
    @property
    def stage_record(self) -> Any:
        from coplearn.paper.leadership import get_stage

        return get_stage(self.stage)

    @property
    def stage_style(self) -> Any:
        """The style the team's stage calls for (the course's synthesis, ``is_synthesis=True``)."""
        from coplearn.paper.leadership import style_for_stage

        return style_for_stage(self.stage)

    def _sections(self) -> list[tuple[str, list[str], list[tuple[str, ...]] | None]]:
        """The plan as (heading, paragraphs or bullets, optional table rows)."""
        from coplearn.paper.action_centred import get_item
        from coplearn.paper.cultures import get_culture
        from coplearn.paper.leadership import SYNTHESIS_NOTE

        stage = self.stage_record
        style = self.stage_style
        where = [
            f"Stage of development: {stage.name} (Tuckman 1965). {stage.summary}",
            f"How outward-looking: {stage.outlook}. {stage.outlook_note}",
            f"Style this stage calls for: {style.code} {style.name} ({style.task_behaviour} task, "
            f"{style.relationship_behaviour} relationship behaviour). {SYNTHESIS_NOTE}",
        ]
        sections: list[tuple[str, list[str], list[tuple[str, ...]] | None]] = [("Where the team is now", where, None)]
        if self.staff:
            rows = [(s.role, s.readiness, f"{s.style.code} {s.style.name}") for s in self.staff]
            sections.append(("Key staff: readiness and style (Hersey & Blanchard 1993)", [], rows))
        cultures_ = [f"{get_culture(k).name}: {get_culture(k).reason}" for k in self.culture_gaps]
        sections.append(("Learning cultures to develop (Table 1)",
                         cultures_ or ["None chosen: the four cultures feel balanced in this team."], None))
        priorities = []
        for item_id in self.audit_priorities:
            item = get_item(item_id)
            priorities.append(f"{item.id} {item.text} Suggested step: {item.action}")
        sections.append(("Team audit priorities (Table 2)", priorities or ["None chosen yet."], None))
        sections.append(("My actions", [f"{n}. {a}" for n, a in enumerate(self.actions, 1)], None))
        sections.append(("Managing the interface with the wider organisation", [self.interface], None))
        return sections

    def to_markdown(self) -> str:
        """The plan as Markdown, for the journal or a file."""
        lines = ["# My plan for leading a community of practice", ""]
        lines.append(f"*Team:* {self.team or 'not given'}  ")
        lines.append(f"*Date:* {self.date}")
        for heading, paras, rows in self._sections():
            lines += ["", f"## {heading}", ""]
            if rows is not None:
                lines += ["| role | readiness | style |", "|---|---|---|"]
                lines += ["| " + " | ".join(r) + " |" for r in rows]
            elif heading == "My actions":
                lines += paras
            else:
                lines += [f"- {p}" if len(paras) > 1 else p for p in paras]
        lines += ["", f"*{_load().plan_note}*", ""]
        return "\n".join(lines)

    def to_html(self) -> str:
        """The plan as accessible HTML (headings, lists and a table)."""
        parts = ['<div class="coplearn-plan">', "<h3>My plan for leading a community of practice</h3>",
                 f"<p><strong>Team:</strong> {_html.esc(self.team or 'not given')}. "
                 f"<strong>Date:</strong> {_html.esc(self.date)}.</p>"]
        for heading, paras, rows in self._sections():
            parts.append(f"<h4>{_html.esc(heading)}</h4>")
            if rows is not None:
                parts.append(_html.table("Readiness and style for each key person", ["role", "readiness", "style"], rows))
            elif heading == "My actions":
                parts.append("<ol>" + "".join(f"<li>{_html.esc(a)}</li>" for a in self.actions) + "</ol>")
            elif len(paras) > 1:
                parts.append("<ul>" + "".join(f"<li>{_html.esc(p)}</li>" for p in paras) + "</ul>")
            else:
                parts.append(f"<p>{_html.esc(paras[0])}</p>")
        parts.append(_html.note(_load().plan_note) + "</div>")
        return "".join(parts)

    def _repr_html_(self) -> str:
        return self.to_html()

    def journal_fields(self) -> dict[str, Any]:
        """Fields for :meth:`coplearn.Journal.add`: the plan saved as a CPD-ready entry."""
        data = _load()
        return {
            "title": "Lesson 11: my plan for leading a community of practice",
            "activity_type": "Reflection on practice",
            "lesson": "11",
            "description": "A leadership plan for developing my team as a community of practice, built in coplearn lesson 11.",
            "relevance": "Leading and developing a team's practice (Gray et al. 2010); PCF Professional leadership.",
            "learning": self.to_markdown(),
            "impact_practice": " ".join(f"({n}) {a}" for n, a in enumerate(self.actions, 1)),
            "concepts": list(data.plan_concepts),
            "pcf": list(data.plan_pcf),
        }


def _staff(value: object, n: int) -> StaffReadiness:
    from coplearn.paper.leadership import _yes_no

    if isinstance(value, StaffReadiness):
        return value
    if not isinstance(value, Mapping):
        raise ValueError(f"staff {n}: give a role with able and willing, e.g. "
                         "{'role': 'newly qualified worker', 'able': False, 'willing': True}")
    role = _clean_text(value.get("role"), f"staff {n}: role")
    if not role:
        raise ValueError(f"staff {n}: give the person's role (not their name), e.g. 'senior practitioner'")
    return StaffReadiness(role=role, able=_yes_no(value.get("able"), f"staff {n} ({role}): able"),
                          willing=_yes_no(value.get("willing"), f"staff {n} ({role}): willing"))


def leadership_plan(*, stage: str, actions: Sequence[str], interface: str, team: str = "",
                    staff: Sequence[Mapping[str, object] | StaffReadiness] = (),
                    culture_gaps: Sequence[str] = (), audit_priorities: Sequence[str] = (),
                    date: str | _dt.date | None = None) -> LeadershipPlan:
    """Check a learner's choices and build a :class:`LeadershipPlan`.

    ``stage`` is a Tuckman stage; ``actions`` two or three short actions (blanks are ignored);
    ``interface`` a sentence on managing the interface; ``staff`` up to four people, by role, each
    with ``able`` and ``willing``; ``culture_gaps`` culture keys; ``audit_priorities`` Table 2
    item ids (up to three).

    >>> plan = leadership_plan(stage="storming", actions=["Agree ground rules", "Start group supervision"],
    ...                        interface="Brief my manager monthly.", culture_gaps=["democratic"],
    ...                        audit_priorities=["t5"], date="2026-01-15")
    >>> plan.stage_style.name, plan.audit_priorities, plan.culture_gaps
    ('selling', ('T5',), ('democratic',))
    >>> leadership_plan(stage="storming", actions=["Only one"], interface="x")
    Traceback (most recent call last):
    ...
    coplearn.teaching.organisation.PlanIncomplete: actions: write at least 2 actions (you have 1), each a sentence long
    """
    from coplearn.paper.action_centred import get_item
    from coplearn.paper.cultures import get_culture
    from coplearn.paper.leadership import get_stage

    limits = _load().plan_limits
    problems: list[str] = []
    stage_key = get_stage(stage).key if stage is not None else None
    if stage_key is None:
        problems.append("stage: choose your team's stage of development (forming, storming, norming, "
                        "performing or adjourning)")
    if isinstance(actions, str):
        actions = [actions]
    cleaned = [_clean_text(a, f"action {n}") for n, a in enumerate(actions, 1)]
    acts = tuple(a for a in cleaned if a)
    if len(acts) < limits["min_actions"]:
        problems.append(f"actions: write at least {limits['min_actions']} actions (you have {len(acts)}), "
                        "each a sentence long")
    if len(acts) > limits["max_actions"]:
        problems.append(f"actions: keep to {limits['max_actions']} actions (you have {len(acts)}): "
                        "a short plan is more likely to happen")
    iface = _clean_text(interface, "interface")
    if not iface:
        problems.append("interface: write a sentence on how you will manage the interface with the "
                        "wider organisation")
    if len(staff) > limits["max_staff"]:
        problems.append(f"staff: choose up to {limits['max_staff']} key people (you have {len(staff)})")
    if problems:
        raise PlanIncomplete(problems)
    people = tuple(_staff(s, n) for n, s in enumerate(staff, 1))
    gaps = tuple(dict.fromkeys(get_culture(c).key for c in culture_gaps))
    prios = tuple(dict.fromkeys(get_item(i).id for i in audit_priorities))
    if len(prios) > limits["max_priorities"]:
        raise ValueError(f"audit_priorities: choose up to {limits['max_priorities']} items (you have {len(prios)})")
    if date is None:
        when = _dt.date.today().isoformat()
    elif isinstance(date, _dt.date):
        when = date.isoformat()
    else:
        try:
            when = _dt.date.fromisoformat(str(date)).isoformat()
        except ValueError:
            raise ValueError(f"date: {date!r} is not a date; write it as YYYY-MM-DD") from None
    return LeadershipPlan(team=_clean_text(team, "team"), stage=stage_key, staff=people, culture_gaps=gaps,
                          audit_priorities=prios, actions=acts, interface=iface, date=when)
