"""Widgets for lessons 08-11: supervision, looking outward, the organisation and the plan.

Each widget is a :class:`~coplearn.widgets._base.Composite`: plain state, native labelled
controls, and a view. Domain logic stays in :mod:`coplearn.paper.supervision`,
:mod:`coplearn.paper.leadership` and :mod:`coplearn.teaching.organisation`; figures come from
:mod:`coplearn.figures.practice`. Set a control's ``.value`` (or click a button) and check the
state, the text and ``widget.figure.data``; no browser is needed.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ipywidgets as W

from coplearn.teaching import organisation as org
from coplearn.core.atomic import atomic_write_text
from coplearn.figures.practice import build_domain_map, build_involvement_ladder, build_learning_gap, build_tuckman_outlook
from coplearn.practice.journal import Journal
from ._base import FULL_WIDTH, LABEL_STYLE, ChoiceItem, ChoiceSorter, Composite, message, show_chart

__all__ = [
    "DomainMap",
    "InterfaceCheck",
    "InterfaceWarningSorter",
    "InvolvementLadder",
    "JournalExport",
    "JournalImport",
    "LeadershipPlanBuilder",
    "OrganisationCheck",
    "ProgressView",
    "SupervisionSorter",
    "TuckmanSelector",
]

PLACEHOLDER = "Choose..."


def _note(text: str) -> W.HTML:
    """A visible 'this is ours, not the paper's' note."""
    return W.HTML(f'<p class="coplearn-note"><em>{html.escape(text)}</em></p>', layout=FULL_WIDTH)


def _with_note(sorter: ChoiceSorter, text: str) -> None:
    sorter.view = W.VBox([_note(text), *sorter.view.children])


# ---- lesson 08 ---------------------------------------------------------------------------

class SupervisionSorter(ChoiceSorter):
    """Sort supervision practices into the two futures of the supervision standards.

    The two futures are the paper's (Gray et al. 2010, on Skills for Care & CWDC 2007); the
    practice statements are the course's examples.
    """

    def __init__(self) -> None:
        from coplearn.paper.supervision import SUPERVISION_NOTE, supervision_futures, supervision_practices

        items = [ChoiceItem(id=p.id, text=p.text, answer=p.future, why=p.why) for p in supervision_practices()]
        options = [(f.key, f.name) for f in supervision_futures()]
        super().__init__(items, options, question="Which future does this point to?",
                         title="Monitoring tool or developmental tool?")
        _with_note(self, SUPERVISION_NOTE)


# ---- lesson 09 ---------------------------------------------------------------------------

class TuckmanSelector(Composite):
    """Choose your team's Tuckman stage; see how outward-looking it is and the style it calls for.

    The stage-to-style link is the course's synthesis (``coplearn.paper.leadership.SYNTHESIS_NOTE``).
    """

    def __init__(self, stage: str | None = None) -> None:
        super().__init__()
        from coplearn.paper.leadership import tuckman_stages

        self.stage: str | None = None
        self.style: Any = None
        self.chart: Any = None
        self.control = W.RadioButtons(
            options=[(f"{s.name}: {s.summary}", s.key) for s in tuckman_stages()], index=None,
            description="Which stage is your team at?", style=LABEL_STYLE, layout=W.Layout(width="auto"),
        )
        self.result = W.HTML(value=message("Choose a stage to see what it means for your team.", "info"))
        self.out = W.Output()
        self.control.observe(self.safely(self._on_change), names="value")
        self.view = W.VBox([self.control, self.result, self.out, self.messages])
        self._redraw()
        if stage is not None:
            self.control.value = stage

    @property
    def figure(self) -> Any:
        return self.chart.figure

    def _on_change(self, change: dict[str, Any]) -> None:
        self.select(change["new"])

    def select(self, stage: str | None) -> None:
        """Show what ``stage`` (a key or name, or ``None``) means for the team."""
        from coplearn.paper.leadership import SYNTHESIS_NOTE, get_stage, style_for_stage

        if stage is None:
            self.stage = self.style = None
            self.result.value = message("Choose a stage to see what it means for your team.", "info")
        else:
            found = get_stage(stage)
            self.stage = found.key
            self.style = style_for_stage(found.key)
            if self.control.value != found.key:
                self.control.value = found.key
            s = self.style
            self.result.value = (
                f'<div role="status"><p><strong>{html.escape(found.name)}.</strong> {html.escape(found.summary)}</p>'
                f"<p><strong>How outward-looking:</strong> {html.escape(found.outlook)}. "
                f"{html.escape(found.outlook_note)}</p>"
                f"<p><strong>The style it calls for:</strong> {html.escape(s.code)} {html.escape(s.name)} "
                f"({html.escape(s.task_behaviour)} task, {html.escape(s.relationship_behaviour)} relationship "
                f"behaviour). {html.escape(s.description)}</p></div>"
                + f'<p class="coplearn-note"><em>{html.escape(SYNTHESIS_NOTE)}</em></p>'
            )
        self._redraw()

    def _redraw(self) -> None:
        self.chart = build_tuckman_outlook(self.stage)
        show_chart(self.chart, self.out)


class InvolvementLadder(Composite):
    """Place involvement scenarios on the degrees of involvement, and mark where your team is.

    The four-step scale is the course's interpretation (``coplearn.paper.supervision.INVOLVEMENT_NOTE``).
    """

    def __init__(self) -> None:
        super().__init__()
        from coplearn.paper.supervision import INVOLVEMENT_NOTE, involvement_degrees, involvement_scenarios

        degrees = involvement_degrees()
        items = [ChoiceItem(id=s.id, text=f"{s.id}: {s.text}", answer=s.degree, why=s.why)
                 for s in involvement_scenarios()]
        self.sorter = ChoiceSorter(items, [(d.key, f"{d.level} {d.name}") for d in degrees],
                                   question="How deep is the involvement?")
        self.team = W.Dropdown(options=[(PLACEHOLDER, None)] + [(f"{d.level} {d.name}: {d.summary}", d.key)
                                                                for d in degrees],
                               index=0, description="Where is your own team now?", style=LABEL_STYLE,
                               layout=W.Layout(width="auto"))
        self.chart: Any = None
        self.out = W.Output()
        for dd in self.sorter.dropdowns.values():
            dd.observe(self.safely(self._on_change), names="value")
        self.team.observe(self.safely(self._on_change), names="value")
        scale = "".join(f"<li><strong>{d.level} {html.escape(d.name)}</strong>: {html.escape(d.summary)}</li>"
                        for d in degrees)
        self.view = W.VBox([
            W.HTML(f"<p>The rungs, from shallow to deep:</p><ol>{scale}</ol>"), _note(INVOLVEMENT_NOTE),
            self.sorter.view, self.team, self.out, self.messages,
        ])
        self._redraw()

    @property
    def placements(self) -> dict[str, str | None]:
        return dict(self.sorter.choices)

    @property
    def figure(self) -> Any:
        return self.chart.figure

    def _on_change(self, change: dict[str, Any]) -> None:
        self._redraw()

    def _redraw(self) -> None:
        self.chart = build_involvement_ladder(self.placements, self.team.value)
        show_chart(self.chart, self.out)


# ---- lesson 10 ---------------------------------------------------------------------------

class InterfaceWarningSorter(ChoiceSorter):
    """Sort warning signs by the danger at the interface they show (Gray et al. 2010, C34)."""

    def __init__(self) -> None:
        items = [ChoiceItem(id=w.id, text=w.text, answer=w.danger, why=w.why) for w in org.interface_warnings()]
        options = [(d.key, d.name) for d in org.dangers()]
        super().__init__(items, options, question="Which danger does this show?",
                         title="Two dangers at the interface")
        _with_note(self, "The two dangers are the paper's (Gray et al. 2010); the scenarios are the course's examples.")


class InterfaceCheck(Composite):
    """Answer nine statements about how you manage the interface; see which areas to develop.

    The statements, answers and scoring are the course's prompts (``coplearn.teaching.organisation.INTERFACE_NOTE``).
    """

    def __init__(self) -> None:
        super().__init__()
        answers = org.interface_answers()
        self.dropdowns: dict[str, W.Dropdown] = {}
        rows: list[W.Widget] = [_note(org.INTERFACE_NOTE)]
        areas = {a.key: a for a in org.interface_areas()}
        current = None
        for n, p in enumerate(org.interface_practices(), 1):
            if p.area != current:
                current = p.area
                rows.append(W.HTML(f"<p><strong>{html.escape(areas[p.area].name)}</strong>: "
                                   f"{html.escape(areas[p.area].summary)}</p>"))
            dd = W.Dropdown(options=[(PLACEHOLDER, None)] + [(label, key) for key, label in answers.items()],
                            index=0, description=f"Is this true of you? (statement {n})", style=LABEL_STYLE,
                            layout=W.Layout(width="auto"))
            dd.observe(self.safely(self._on_change), names="value")
            self.dropdowns[p.id] = dd
            rows.append(W.VBox([W.HTML(f"<p>{n}. {html.escape(p.text)}</p>"), dd],
                               layout=W.Layout(margin="0 0 8px 1em")))
        self.result_html = W.HTML(value="")
        self.result = org.check_interface({})
        self.view = W.VBox(rows + [self.result_html, self.messages])
        self._update()

    def _on_change(self, change: dict[str, Any]) -> None:
        self._update()

    def _update(self) -> None:
        self.result = org.check_interface({pid: dd.value for pid, dd in self.dropdowns.items()})
        if self.result.is_empty:
            self.result_html.value = message("Answer the statements to see which areas to develop first.", "info")
        else:
            self.result_html.value = f'<div role="status">{self.result.to_html(note=False)}</div>'


class OrganisationCheck(Composite):
    """Rate your team and your organisation on SCIE's (2004) five dimensions and see the gap."""

    def __init__(self) -> None:
        super().__init__()
        scale = org.learning_scale()
        options = [(PLACEHOLDER, None)] + [(f"{k} {v}", k) for k, v in scale.items()]
        self.team: dict[str, W.Dropdown] = {}
        self.organisation: dict[str, W.Dropdown] = {}
        rows: list[W.Widget] = [_note(org.LEARNING_ORG_NOTE)]
        for d in org.learning_dimensions():
            t = W.Dropdown(options=options, index=0, description=f"{d.name}: your team",
                           style=LABEL_STYLE, layout=W.Layout(width="auto"))
            o = W.Dropdown(options=options, index=0, description=f"{d.name}: your organisation",
                           style=LABEL_STYLE, layout=W.Layout(width="auto"))
            for dd in (t, o):
                dd.observe(self.safely(self._on_change), names="value")
            self.team[d.key], self.organisation[d.key] = t, o
            rows.append(W.VBox([W.HTML(f"<p><strong>{html.escape(d.name)}.</strong> {html.escape(d.summary)} "
                                       f"<em>{html.escape(org.LEARNING_ORG_QUESTION)}</em></p>"), t, o],
                               layout=W.Layout(margin="0 0 10px 0")))
        self.out = W.Output()
        self.comparison = org.compare_learning({}, {})
        self.reading = ""
        self.chart: Any = None
        self.view = W.VBox(rows + [self.out, self.messages])
        self._update()

    @property
    def figure(self) -> Any:
        return self.chart.figure

    def rate(self, dimension: str, team: int | None = None, organisation: int | None = None) -> None:
        """Set ratings from code, as choosing in the dropdowns does (``None`` leaves one unchanged)."""
        from coplearn.core import validate as _validate

        key = _validate.choose(dimension, list(self.team), "SCIE dimension")
        scale = org.learning_scale()
        for value, dd, who in ((team, self.team[key], "team"), (organisation, self.organisation[key], "organisation")):
            if value is not None:
                dd.value = _validate.rating(value, f"{who}: {key}", scale=f"1 = {scale[1]}, 5 = {scale[5]}")

    def _on_change(self, change: dict[str, Any]) -> None:
        self._update()

    def _update(self) -> None:
        self.comparison = org.compare_learning({k: dd.value for k, dd in self.team.items()},
                                               {k: dd.value for k, dd in self.organisation.items()})
        self.reading = self.comparison.summary()  # also the chart's text alternative, shown under it
        self.chart = build_learning_gap(self.comparison)
        show_chart(self.chart, self.out)


# ---- lesson 11 ---------------------------------------------------------------------------

def _lesson_link(number: str) -> str:
    from coplearn.paper.concepts import get_lesson

    lesson = get_lesson(number)
    return f'<a href="{html.escape(lesson.filename)}">Lesson {lesson.number}: {html.escape(lesson.title)}</a>'


class DomainMap(Composite):
    """An interactive map of the theoretical domain (the paper's Fig 2, reconstructed by the course)."""

    def __init__(self, area: str | None = None) -> None:
        super().__init__()
        from coplearn.paper.concepts import theoretical_domain

        self.areas = {a.key: a for a in theoretical_domain()}
        self.notes = org.domain_notes()
        self.area: str | None = None
        self.chart: Any = None
        self.control = W.Dropdown(options=[(PLACEHOLDER, None)] + [(a.name, a.key) for a in self.areas.values()],
                                  index=0, description="Choose an area of theory", style=LABEL_STYLE,
                                  layout=W.Layout(width="auto"))
        self.details = W.HTML(value=message("Choose an area to see its sources and the lessons that teach it.", "info"))
        self.out = W.Output()
        self.control.observe(self.safely(self._on_change), names="value")
        self.view = W.VBox([self.control, self.details, self.out, self.messages])
        self._redraw()
        if area is not None:
            self.control.value = area

    @property
    def figure(self) -> Any:
        return self.chart.figure

    def _on_change(self, change: dict[str, Any]) -> None:
        self.area = change["new"]
        if self.area is None:
            self.details.value = message("Choose an area to see its sources and the lessons that teach it.", "info")
        else:
            a = self.areas[self.area]
            links = ", ".join(_lesson_link(n) for n in a.lessons)
            self.details.value = (
                f'<div role="status"><p><strong>{html.escape(a.name)}.</strong> {html.escape(self.notes[a.key])}</p>'
                f"<p><strong>Key sources:</strong> {html.escape(a.sources)}</p>"
                f"<p><strong>Where the course teaches it:</strong> {links}</p></div>"
            )
        self._redraw()

    def _redraw(self) -> None:
        self.chart = build_domain_map(self.area)
        show_chart(self.chart, self.out)


_YES_NO = [(PLACEHOLDER, None), ("Yes", True), ("No", False)]


class LeadershipPlanBuilder(Composite):
    """Build a plan for leading your team as a community of practice; save it to your journal.

    The plan model is :func:`coplearn.teaching.organisation.leadership_plan`; the preview updates as you
    choose, and tells you what is still missing.
    """

    STAFF_ROWS = 3
    PLAN_FILE = "my-leadership-plan.md"

    def __init__(self, journal: Journal | None = None, folder: str | Path | None = None) -> None:
        super().__init__()
        from coplearn.paper.action_centred import team_audit
        from coplearn.paper.cultures import cultures
        from coplearn.paper.leadership import tuckman_stages

        self.journal = journal
        self.folder = Path(folder) if folder is not None else None
        self.plan: org.LeadershipPlan | None = None
        self.saved: Any = None
        text = functools.partial(W.Text, style=LABEL_STYLE, layout=FULL_WIDTH, continuous_update=False)
        self.team = text(description="Your team, in a few words (no names)",
                         placeholder="e.g. adult social care duty team")
        self.stage = W.Dropdown(options=[(PLACEHOLDER, None)] + [(s.name, s.key) for s in tuckman_stages()],
                                index=0, description="Your team's stage of development", style=LABEL_STYLE,
                                layout=W.Layout(width="auto"))
        self.staff: list[tuple[W.Text, W.Dropdown, W.Dropdown]] = []
        staff_rows: list[W.Widget] = []
        for n in range(1, self.STAFF_ROWS + 1):
            role = W.Text(description=f"Key person {n}: role (not a name)", style=LABEL_STYLE,
                          placeholder="e.g. newly qualified worker", continuous_update=False,
                          layout=W.Layout(width="36em", max_width="100%"))
            able = W.Dropdown(options=_YES_NO, index=0, description=f"Person {n} able (skills)?",
                              style=LABEL_STYLE, layout=W.Layout(width="auto"))
            willing = W.Dropdown(options=_YES_NO, index=0, description=f"Person {n} willing (confident)?",
                                 style=LABEL_STYLE, layout=W.Layout(width="auto"))
            self.staff.append((role, able, willing))
            staff_rows.append(W.VBox([role, W.HBox([able, willing], layout=W.Layout(flex_flow="row wrap"))],
                                     layout=W.Layout(margin="0 0 8px 0")))
        self.cultures = {c.key: W.Checkbox(value=False, description=f"Develop the {c.name.lower()} culture",
                                           indent=False, style=LABEL_STYLE) for c in cultures()}
        audit_options = [(PLACEHOLDER, None)] + [(f"{i.id}: {i.text}", i.id) for i in team_audit()
                                                 if i.kind == "rating"]
        self.priorities = [W.Dropdown(options=audit_options, index=0, description=f"Audit priority {n}",
                                      style=LABEL_STYLE, layout=FULL_WIDTH) for n in (1, 2, 3)]
        self.actions = [text(description=f"Action {n}" + (" (optional)" if n == 3 else ""),
                             placeholder="One concrete step, e.g. start monthly group supervision")
                        for n in (1, 2, 3)]
        self.interface = W.Textarea(description="How I will manage the interface with the wider organisation",
                                    style=LABEL_STYLE, layout=W.Layout(width="100%", height="5em"),
                                    continuous_update=False)
        self.preview = W.HTML(value="")
        self.save_button = W.Button(description="Save plan to my journal", button_style="primary",
                                    tooltip="Save this plan to your reflective journal as a CPD record",
                                    layout=W.Layout(width="auto"))
        self.file_button = W.Button(description="Save plan as a file",
                                    tooltip=f"Write the plan as Markdown to {self.PLAN_FILE}",
                                    layout=W.Layout(width="auto"))
        self.status = W.HTML(value="")
        self.save_button.on_click(self.safely(lambda _b: self.save_to_journal()))
        self.file_button.on_click(self.safely(lambda _b: self.save_to_file()))
        for control in self._controls():
            control.observe(self.safely(self._on_change), names="value")
        def heading(text: str) -> W.HTML:
            return W.HTML(f"<p><strong>{html.escape(text)}</strong></p>")

        self.view = W.VBox([
            heading("1. Your team"), self.team, self.stage,
            heading("2. Key staff: how able and willing are they for the change you want?"), *staff_rows,
            heading("3. Learning cultures to develop (from lesson 04)"), *self.cultures.values(),
            heading("4. Team audit priorities (from lesson 06)"), *self.priorities,
            heading("5. Two or three actions"), *self.actions,
            heading("6. Managing the interface (from lesson 10)"), self.interface,
            heading("Your plan"), self.preview, W.HBox([self.save_button, self.file_button]),
            self.status, self.messages,
        ])
        self._update()

    def _controls(self) -> list[W.Widget]:
        out: list[W.Widget] = [self.team, self.stage, self.interface, *self.cultures.values(),
                               *self.priorities, *self.actions]
        for row in self.staff:
            out += list(row)
        return out

    def choices(self) -> dict[str, Any]:
        """The learner's choices as keyword arguments for :func:`~coplearn.teaching.organisation.leadership_plan`."""
        staff = []
        for role, able, willing in self.staff:
            if role.value.strip() or able.value is not None or willing.value is not None:
                if able.value is None or willing.value is None:
                    who = role.value.strip() or "this person"
                    raise ValueError(f"staff: say whether {who} is able and willing (Yes or No), "
                                     "or clear the role")
                staff.append({"role": role.value, "able": able.value, "willing": willing.value})
        return {
            "team": self.team.value, "stage": self.stage.value, "staff": staff,
            "culture_gaps": [k for k, cb in self.cultures.items() if cb.value],
            "audit_priorities": [dd.value for dd in self.priorities if dd.value is not None],
            "actions": [t.value for t in self.actions], "interface": self.interface.value,
        }

    def _on_change(self, change: dict[str, Any]) -> None:
        self._update()

    def _update(self) -> None:
        try:
            self.plan = org.leadership_plan(**self.choices())
        except ValueError as exc:
            self.plan = None
            problems = exc.problems if isinstance(exc, org.PlanIncomplete) else (str(exc),)
            todo = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
            self.preview.value = f'<div role="status"><p>To finish your plan:</p><ul>{todo}</ul></div>'
            return
        self.preview.value = self.plan.to_html()

    def _require_plan(self) -> org.LeadershipPlan:
        self._update()
        if self.plan is None:
            raise ValueError("Your plan is not finished yet: see 'To finish your plan' above.")
        return self.plan

    def save_to_journal(self) -> Any:
        """Save the plan to the learner's journal as a CPD-ready entry."""
        plan = self._require_plan()
        journal = self.journal if self.journal is not None else Journal()
        self.saved = journal.add(**plan.journal_fields())
        self.status.value = message(f"Saved your plan to your journal at {journal.path} on {self.saved.date}.", "ok")
        return self.saved

    def save_to_file(self) -> Path:
        """Write the plan as Markdown beside the lesson (or in ``folder``) and say where."""
        plan = self._require_plan()
        path = (self.folder or Path.cwd()) / self.PLAN_FILE
        atomic_write_text(path, plan.to_markdown())
        self.status.value = message(f"Saved your plan as {path}. Find it in the file browser to download or print it.",
                                    "ok")
        return path


_FORMATS = [("Markdown (.md)", "md"), ("Web page (.html)", "html"), ("Word document (.docx)", "docx")]


class JournalExport(Composite):
    """Export your whole journal as CPD records for your regulator (Markdown, HTML or Word).

    Choose the regulator (Social Work England, Social Care Wales, the SSSC or the NISCC; it starts
    at the one saved in the journal's settings) and the format. Exporting calls
    ``journal.export(path, fmt, regulator=...)`` on :class:`coplearn.Journal` and saves the
    regulator in the journal's settings, so ``coplearn journal export`` follows it too.
    """

    STEM = "my-cpd-records"

    def __init__(self, journal: Any = None, folder: str | Path | None = None) -> None:
        super().__init__()
        self.journal = journal
        self.folder = Path(folder) if folder is not None else None
        self.written: Path | None = None
        from coplearn.practice.regulators import DEFAULT_REGULATOR, regulators

        saved = getattr(self._journal(), "regulator", DEFAULT_REGULATOR)
        self.regulator = W.Dropdown(options=[(f"{r.name} ({r.nation})", r.key) for r in regulators()],
                                    value=saved, description="Your regulator", style=LABEL_STYLE,
                                    layout=W.Layout(width="auto"))
        self.requirement = W.HTML(value="", layout=FULL_WIDTH)
        self.format = W.Dropdown(options=_FORMATS, value="md", description="Format", style=LABEL_STYLE)
        self.filename = W.Text(value=f"{self.STEM}.md", description="File name", style=LABEL_STYLE,
                               continuous_update=False, layout=W.Layout(width="24em"))
        self.button = W.Button(description="Export my journal", button_style="primary",
                               tooltip="Write your journal entries as CPD records to the file named above",
                               layout=W.Layout(width="auto"))
        self.status = W.HTML(value="")
        self.format.observe(self.safely(self._on_format), names="value")
        self.regulator.observe(self.safely(lambda _c: self._show_requirement()), names="value")
        self.button.on_click(self.safely(lambda _b: self.export()))
        self.view = W.VBox([self.regulator, self.requirement, self.format, self.filename, self.button,
                            self.status, self.messages])
        self._show_requirement()

    def _journal(self) -> Any:
        return self.journal if self.journal is not None else Journal()

    def _show_requirement(self) -> None:
        """Say what the chosen regulator asks for, with its sources and what is not confirmed."""
        from coplearn.practice.regulators import get_regulator

        reg = get_regulator(self.regulator.value)
        items = "".join(f"<li>{html.escape(t)}</li>" for t in reg.requirement)
        unsure = "".join(f"<li>Not confirmed: {html.escape(t)}</li>" for t in reg.not_confirmed)
        sources = ", ".join(f'<a href="{html.escape(u)}" target="_blank" rel="noopener">{html.escape(u)}</a>'
                            for u in reg.sources)
        self.requirement.value = (
            f'<div role="status"><p><strong>What {html.escape(reg.called)} asks for</strong> '
            f"(checked {html.escape(reg.checked_text)}):</p><ul>{items}{unsure}</ul>"
            f"<p>Sources: {sources}</p></div>")

    def _on_format(self, change: dict[str, Any]) -> None:
        old, new = change["old"], change["new"]
        name = self.filename.value.strip()
        if not name or name == f"{self.STEM}.{old}" or name.endswith(f".{old}"):
            stem = name[: -len(old) - 1] if name.endswith(f".{old}") else self.STEM
            self.filename.value = f"{stem}.{new}"

    def target(self) -> Path:
        """Where the export will go: the file name, relative to the lesson's folder (or ``folder``)."""
        name = self.filename.value.strip()
        if not name:
            raise ValueError("File name: give the file a name, e.g. my-cpd-records.md")
        path = Path(name).expanduser()
        if not path.is_absolute():
            path = (self.folder or Path.cwd()) / path
        if path.suffix.lower() != f".{self.format.value}":
            raise ValueError(f"File name: {path.name!r} does not end in .{self.format.value}; "
                             f"use a name like {self.STEM}.{self.format.value}")
        return path

    def export(self) -> Path:
        """Export the journal and report where the file went."""
        from coplearn.practice.regulators import get_regulator

        journal = self._journal()
        if not hasattr(journal, "export"):
            raise ValueError("This version of coplearn cannot export the journal yet; please tell your tutor.")
        count = len(journal.entries)
        if count == 0:
            raise ValueError("Your journal has no entries yet: save a reflection in any lesson first.")
        path = self.target()
        reg = get_regulator(self.regulator.value)
        result = journal.export(path, self.format.value, regulator=reg.key)
        if hasattr(journal, "set_regulator"):
            journal.set_regulator(reg.key)
        self.written = Path(result) if isinstance(result, (str, Path)) else path
        self.status.value = message(
            f"Exported {count} journal entr{'y' if count == 1 else 'ies'} as CPD records for {reg.called} "
            f"to {self.written}. Find the file in the file browser to download it.", "ok")
        return self.written


class JournalImport(Composite):
    """Bring in a journal kept elsewhere (another computer, the browser edition, a backup).

    Choose the ``journal.json`` file with the native file chooser; its entries are added to this
    journal with :meth:`coplearn.Journal.import_from` (entries already here are skipped; nothing
    here is changed). Nothing is uploaded anywhere: the file goes from your computer to the
    journal in this course.
    """

    def __init__(self, journal: Any = None) -> None:
        super().__init__()
        self.journal = journal
        self.upload = W.FileUpload(accept=".json,application/json", multiple=False,
                                   description="Choose journal.json", tooltip="Choose a journal file to bring in",
                                   layout=W.Layout(width="auto"))
        self.status = W.HTML(value="")
        self.upload.observe(self.safely(lambda _c: self.bring_in()), names="value")
        self.view = W.VBox([W.HTML("<p>Bring in the entries of a journal you kept elsewhere "
                                   "(a <code>journal.json</code> you downloaded or backed up):</p>"),
                            self.upload, self.status, self.messages])

    def _journal(self) -> Any:
        return self.journal if self.journal is not None else Journal()

    def bring_in(self) -> tuple[int, int] | None:
        """Import the chosen file; say how many entries were added and how many were here already."""
        files = self.upload.value
        if not files:
            return None
        chosen = files[0]
        content = chosen["content"] if isinstance(chosen, dict) else chosen.content
        name = chosen["name"] if isinstance(chosen, dict) else chosen.name
        added, already = self._journal().import_from(bytes(content))
        self.status.value = message(
            f"From {name}: added {added} entr{'y' if added == 1 else 'ies'}"
            + (f"; {already} {'was' if already == 1 else 'were'} in your journal already" if already else "")
            + ".", "ok")
        return added, already


# ---- lessons 00 and 11: progress through the course ---------------------------------------

class ProgressView(Composite):
    """Your progress through the lessons (kept only on this computer), and a record of study.

    Shows each lesson's status, the activities and prompts done and the stated study time, read
    from :class:`coplearn.practice.progress.Progress` when shown and when "Refresh" is pressed. With
    ``record=True`` (lesson 11) it can also write the record of study as Markdown, HTML or Word.
    """

    STEM = "my-record-of-study"

    def __init__(self, *, record: bool = False, journal: Journal | None = None, progress: Any = None,
                 folder: str | Path | None = None) -> None:
        super().__init__()
        self.journal = journal
        self.progress = progress
        self.folder = Path(folder) if folder is not None else None
        self.course: Any = None
        self.written: Path | None = None
        self.table = W.HTML(value="", layout=FULL_WIDTH)
        self.refresh_button = W.Button(description="Refresh my progress", layout=W.Layout(width="auto"),
                                       tooltip="Read your progress notes again")
        self.refresh_button.on_click(self.safely(lambda _b: self.refresh()))
        children: list[W.Widget] = [self.table, self.refresh_button]
        self.format = W.Dropdown(options=_FORMATS, value="docx", description="Record of study format",
                                 style=LABEL_STYLE)
        self.name = W.Text(value="", description="Your name on the record (optional)", style=LABEL_STYLE,
                           continuous_update=False, layout=W.Layout(width="36em", max_width="100%"))
        self.record_button = W.Button(description="Write my record of study", button_style="primary",
                                      tooltip="Write the lessons you completed, with dates and stated study time, "
                                              "to a file", layout=W.Layout(width="auto"))
        self.record_button.on_click(self.safely(lambda _b: self.write_record()))
        self.status = W.HTML(value="")
        if record:
            from coplearn.practice.progress import NOT_A_CERTIFICATE

            children += [W.HTML(f"<p><strong>Record of study.</strong> {html.escape(NOT_A_CERTIFICATE)}</p>"),
                         self.name, self.format, self.record_button, self.status]
        self.view = W.VBox(children + [self.messages])
        self.safely(self.refresh)()

    def _progress(self) -> Any:
        from coplearn.practice.progress import Progress

        if self.progress is not None:
            return self.progress
        return Progress(journal=self.journal) if self.journal is not None else Progress()

    def refresh(self) -> None:
        """Read the progress notes and the journal again and redraw the table."""
        prog = self._progress()
        self.course = prog.course()
        self.table.value = self.course._repr_html_() + (
            f"<p>Your progress is noted only on this computer, in <code>{html.escape(str(prog.path))}</code>; "
            "it is never sent anywhere.</p>")

    def write_record(self) -> Path:
        """Write the record of study beside the lesson (or in ``folder``) and say where."""
        from coplearn.practice.progress import export_record

        fmt = self.format.value
        path = (self.folder or Path.cwd()) / f"{self.STEM}.{fmt}"
        self.written = export_record(path, fmt, name=self.name.value, progress=self._progress())
        self.refresh()
        self.status.value = message(
            f"Wrote your record of study ({len(self.course.complete)} lessons complete) to {self.written}. "
            "Find it in the file browser to download it.", "ok")
        return self.written
