"""Lesson 11: a learner's plan for leading their team as a community of practice.

The plan brings the paper's frameworks together: the team's Tuckman stage and the style it calls
for (the course's synthesis), key staff's readiness (Hersey & Blanchard 1993), the learning
cultures to develop (Table 1), the team audit's priorities (Table 2) and managing the interface
(Gray et al. 2010). The plan template, its limits and the notes on the theoretical domain are the
course's own. The data live in ``coplearn/data/organisation.toml`` (``[plan]``, ``[[domain_note]]``).

>>> from coplearn.teaching import leadership_plan as lp
>>> lp.leadership_plan(stage="norming", actions=["Share cases weekly", "Invite a carer"],
...                    interface="Brief my manager monthly.", date="2026-01-15").stage_style.code
'S3'
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from coplearn.core.data import DataError, root, text
from coplearn.paper.situational import AbleAndWilling, LeadershipStyle, _yes_no
from coplearn.paper.team_development import TuckmanStage, get_stage, style_for_stage

__all__ = [
    "LeadershipPlan",
    "PlanIncomplete",
    "StaffReadiness",
    "domain_notes",
    "leadership_plan",
    "PLAN_NOTE",
]

_FILE = "organisation.toml"
PLAN_LIMITS = ("min_actions", "max_actions", "max_staff", "max_priorities", "min_words")


def _plan() -> Any:
    return root(_FILE).table("plan")


@functools.lru_cache(maxsize=None)
def _limits() -> dict[str, int]:
    limits = {k: _plan().int(k) for k in PLAN_LIMITS}
    if not 1 <= limits["min_actions"] <= limits["max_actions"]:
        raise DataError(f"{_FILE}: plan.min_actions must be between 1 and plan.max_actions")
    if limits["min_words"] < 1:
        raise DataError(f"{_FILE}: plan.min_words must be at least 1")
    return limits


def _shown(text: str, limit: int = 60) -> str:
    """A learner's short text, in quotation marks for a message (cut at ``limit`` characters).

    >>> print(_shown("x"), _shown('Don' "'" 't "x"'), len(_shown("a" * 70)), _shown("a" * 70)[-3:])
    ‘x’ ‘Don't "x"’ 62 a…’
    """
    return "\u2018" + (text if len(text) <= limit else text[: limit - 1] + "…") + "\u2019"


def _words(text: str) -> int:
    """How many words ``text`` has (runs of letters or digits).

    >>> _words("Start group supervision."), _words("x"), _words("- -")
    (3, 1, 0)
    """
    return len(re.findall(r"[^\W_]+", text))


#: What in the plan template is the course's own.
PLAN_NOTE: str = text(_FILE, "plan", "note")


class PlanIncomplete(ValueError):
    """The plan is missing something; ``problems`` lists every item still to do."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True, kw_only=True, slots=True)
class StaffReadiness(AbleAndWilling):
    """A key member of staff, by role (not name), and how able and willing they are for a task."""

    role: str
    able: bool
    willing: bool


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
    def stage_record(self) -> TuckmanStage:
        return get_stage(self.stage)

    @property
    def stage_style(self) -> LeadershipStyle:
        """The style the team's stage calls for (the course's synthesis, ``is_synthesis=True``)."""
        return style_for_stage(self.stage)

    def _sections(self) -> list[dict[str, Any]]:
        """The plan's sections: each a ``heading`` with ``paras`` (one paragraph, or bullets when more than
        one), or with ``rows`` for a table, or ``numbered`` for the numbered list of actions."""
        from coplearn.paper.action_centred import get_item
        from coplearn.paper.cultures import get_culture
        from coplearn.paper.team_development import OUTLOOK_NOTE, SYNTHESIS_NOTE

        def section(heading: str, paras: Sequence[str] = (), *, rows: Sequence[tuple[str, ...]] | None = None,
                    numbered: bool = False) -> dict[str, Any]:
            return {"heading": heading, "paras": list(paras), "rows": rows, "numbered": numbered}

        stage = self.stage_record
        style = self.stage_style
        where = [
            f"Stage of development: {stage.name} ({stage.citation}). "
            f"{stage.summary_after_citation}",
            f"How outward-looking: {stage.outlook}. {stage.outlook_note} {OUTLOOK_NOTE}",
            f"Style this stage calls for: {style.code} {style.name} ({style.task_behaviour} task, "
            f"{style.relationship_behaviour} relationship behaviour). {SYNTHESIS_NOTE}",
        ]
        sections = [section("Where the team is now", where)]
        if self.staff:
            rows = [(s.role, s.readiness.code, f"{s.style.code} {s.style.name}") for s in self.staff]
            sections.append(section("Key staff: readiness and style (Hersey & Blanchard 1993)", rows=rows))
        cultures_ = [f"{get_culture(k).name}: {get_culture(k).reason}" for k in self.culture_gaps]
        sections.append(section("Learning cultures to develop (Table 1)",
                                cultures_ or ["None chosen yet."]))
        priorities = []
        for item_id in self.audit_priorities:
            item = get_item(item_id)
            priorities.append(f"{item.id} {item.text} Suggested step (the course's): {item.action}")
        sections.append(section("Team audit priorities (Table 2)", priorities or ["None chosen yet."]))
        sections.append(section("My actions", self.actions, numbered=True))
        sections.append(section("Managing the interface with the organisation", [self.interface]))
        return sections

    def _render(self, template: str) -> str:
        from coplearn.core.templates import render

        return render(template, plan=self, sections=self._sections(), note=PLAN_NOTE)

    def to_markdown(self) -> str:
        """The plan as Markdown, for the journal or a file (template ``leadership_plan.md.j2``)."""
        return self._render("leadership_plan.md.j2")

    def to_html(self) -> str:
        """The plan as accessible HTML: headings, lists and a table (template ``leadership_plan.html.j2``)."""
        return self._render("leadership_plan.html.j2").rstrip("\n")

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_document(self) -> Any:
        """The plan as a standalone document (:class:`coplearn.core.document.Document`), to save as a Word
        document, a web page to print, or Markdown (walk28 L15: only Markdown, which most programs show as raw
        text, and which does not print well, for a plan to "print or share with your own manager")."""
        from coplearn.core.document import Document, Section, Table

        sections = []
        for s in self._sections():
            if s["rows"] is not None:
                sections.append(Section(title=s["heading"], table=Table(
                    caption="Readiness and style for each key person", header=("role", "readiness", "style"),
                    rows=tuple(tuple(str(c) for c in row) for row in s["rows"]))))
            elif s["numbered"]:
                sections.append(Section(title=s["heading"],
                                        items=tuple((f"Action {n}", a) for n, a in enumerate(s["paras"], 1))))
            elif len(s["paras"]) > 1:
                sections.append(Section(title=s["heading"], items=tuple(("", p) for p in s["paras"])))
            else:
                sections.append(Section(title=s["heading"], paragraphs=tuple(s["paras"])))
        return Document(title="My plan for leading a community of practice",
                        intro=f"Team: {self.team or 'not given'}. Date: {self.date}.", sections=tuple(sections),
                        closing=(PLAN_NOTE,), section_id="plan")

    def journal_fields(self) -> dict[str, Any]:
        """Fields for :meth:`coplearn.Journal.add`: the plan saved as a CPD-ready entry."""
        plan = _plan()
        return {
            "title": "Lesson 11: my plan for leading a community of practice",
            "activity_type": "Reflection on practice",
            "lesson": "11",
            "description": "A leadership plan for developing my team as a community of practice, built in coplearn lesson 11.",
            "relevance": "Leading and developing a team's practice (Gray et al. 2010); Professional leadership in England's PCF.",
            "learning": self.to_markdown(),
            "impact_practice": " ".join(f"({n}) {a}" for n, a in enumerate(self.actions, 1)),
            "concepts": list(plan.str_list("concepts")),
            "pcf": list(plan.str_list("pcf")),
        }


def _staff(value: object, n: int) -> StaffReadiness:
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
    ``interface`` a sentence on managing the interface; ``staff`` up to three people, by role, each
    with ``able`` and ``willing``; ``culture_gaps`` culture keys; ``audit_priorities`` Table 2
    item ids (up to three).

    >>> plan = leadership_plan(stage="storming", actions=["Agree ground rules", "Start group supervision"],
    ...                        interface="Brief my manager monthly.", culture_gaps=["democratic"],
    ...                        audit_priorities=["t5"], date="2026-01-15")
    >>> plan.stage_style.name, plan.audit_priorities, plan.culture_gaps
    ('selling', ('T5',), ('democratic',))
    >>> leadership_plan(stage="storming", actions=["Start group supervision"], interface="Brief my manager monthly.")
    Traceback (most recent call last):
    ...
    coplearn.teaching.leadership_plan.PlanIncomplete: actions: write at least 2 actions (you have 1), each a sentence long
    """
    from coplearn.paper.action_centred import get_item
    from coplearn.paper.cultures import get_culture

    limits = _limits()
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
    short = [(n, a) for n, a in enumerate(cleaned, 1) if a and _words(a) < limits["min_words"]]
    for n, a in short:
        problems.append(f"action {n}: write it as a short sentence of at least {limits['min_words']} words "
                        f"(you wrote {_shown(a)}), for example ‘Start monthly group supervision’")
    if len(acts) > limits["max_actions"]:
        problems.append(f"actions: keep to {limits['max_actions']} actions (you have {len(acts)}): "
                        "a short plan is more likely to happen")
    iface = _clean_text(interface, "interface")
    if not iface:
        problems.append("interface: write a sentence on how you will manage the interface with the "
                        "organisation")
    elif _words(iface) < limits["min_words"]:
        problems.append(f"interface: write a sentence of at least {limits['min_words']} words on how you will "
                        f"manage the interface with the organisation (you wrote {_shown(iface)})")
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


@functools.lru_cache(maxsize=None)
def _domain_notes() -> dict[str, str]:
    from coplearn.paper.concepts import theoretical_domain

    area_keys = [a.key for a in theoretical_domain()]
    notes: dict[str, str] = {}
    for row in root(_FILE).table_list("domain_note"):
        key = row.choice("key", area_keys)
        if key in notes:
            raise DataError(f"{_FILE}: domain_note has the key {key!r} more than once")
        notes[key] = row.str("why")
    missing = [k for k in area_keys if k not in notes]
    if missing:
        raise DataError(f"{_FILE}: domain_note is missing for {', '.join(missing)}")
    return notes


def domain_notes() -> dict[str, str]:
    """Why each area of the theoretical domain matters to a leader (the course's words), by area key.

    >>> import coplearn as cl
    >>> sorted(domain_notes()) == sorted(a.key for a in cl.theoretical_domain())
    True
    """
    return dict(_domain_notes())
