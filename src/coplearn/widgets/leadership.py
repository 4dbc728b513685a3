"""Widgets for lessons 05-07: situational leadership, Adair and the team audit, and helping a
community learn.

Every widget is a :class:`~coplearn.widgets._base.Composite`: plain state, native labelled
controls (RadioButtons, Dropdowns, Checkboxes, a Textarea, a Button), and a view. Set a control's
``.value`` in a test and check ``.chart.figure``, the state and the text; no browser is needed.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import ipywidgets as W

from coplearn.paper import action_centred as _audit
from coplearn.teaching import vignettes as _vg
from coplearn.figures._base import Chart
from coplearn.figures.leadership import (
    build_adair_circles,
    build_audit_scores,
    build_community_check,
    build_readiness_grid,
)
from coplearn.paper.leadership import adair_domains, adair_functions, get_readiness, recommend_style, styles, tuckman_stages
from ._base import FULL_WIDTH, LABEL_STYLE, ChoiceItem, ChoiceSorter, Composite, message, show_chart

__all__ = [
    "StyleExplorer",
    "VignetteQuiz",
    "BackSeatSorter",
    "AdairCircles",
    "AdairFunctionSorter",
    "TeamAuditForm",
    "CommunityCheck",
    "LearningPlanner",
]

NOT_ANSWERED = "Not answered"


def _esc(text: object) -> str:
    return html.escape(str(text))


def _note(text: str) -> str:
    return f'<p style="font-size:0.92em"><em>{_esc(text)}</em></p>'


def _rating_options(labels: Mapping[int, str]) -> list[tuple[str, int | None]]:
    return [(NOT_ANSWERED, None)] + [(f"{k} {v}", k) for k, v in sorted(labels.items())]


# ---- lesson 05 --------------------------------------------------------------------------------

class StyleExplorer(Composite):
    """Answer "able?" and "willing?" and see the readiness level, the matching style and the grid.
    """

    def __init__(self, able: bool | None = None, willing: bool | None = None) -> None:
        super().__init__()
        self.readiness: str | None = None
        self.chart: Chart | None = None
        self.able = W.RadioButtons(options=[("Yes", True), ("No", False)], value=able,
                                   description="Able for this task?", style=LABEL_STYLE)
        self.willing = W.RadioButtons(options=[("Yes", True), ("No", False)], value=willing,
                                      description="Willing or confident?", style=LABEL_STYLE)
        self.explanation = W.HTML(layout=FULL_WIDTH)
        self.out = W.Output()
        for control in (self.able, self.willing):
            control.observe(self.safely(self._on_change), names="value")
        intro = W.HTML(
            "<p>Think of one person and one task. <strong>Able</strong> means they have the knowledge "
            "and skill for this task. <strong>Willing</strong> means they have the confidence, commitment "
            "and motivation for it.</p>")
        self.view = W.VBox([intro, W.HBox([self.able, self.willing]), self.explanation, self.out, self.messages])
        self.safely(self.update)()

    @property
    def style(self) -> Any:
        """The matching :class:`~coplearn.paper.leadership.LeadershipStyle`, or ``None`` until both are answered."""
        if self.able.value is None or self.willing.value is None:
            return None
        return recommend_style(self.able.value, self.willing.value)

    def _on_change(self, _change: dict[str, Any]) -> None:
        self.update()

    def update(self) -> None:
        """Recompute readiness and style, redraw the grid and the explanation."""
        style = self.style
        if style is None:
            self.readiness = None
            self.explanation.value = message("Answer both questions to see the readiness level and the style.")
        else:
            self.readiness = style.readiness
            level = get_readiness(style.readiness)
            self.explanation.value = (
                f'<div role="status"><p><strong>Readiness {level.code}: {_esc(level.label)}.</strong> '
                f"For example: {_esc(level.example)}</p>{style._repr_html_()}</div>")
        self.chart = build_readiness_grid(self.able.value, self.willing.value)
        show_chart(self.chart, self.out)


def _sorter_block(title: str, intro: str, sorter: ChoiceSorter, note: str = "") -> W.VBox:
    parts: list[W.Widget] = [W.HTML(f"<p><strong>{_esc(title)}</strong> {_esc(intro)}</p>"), sorter.view]
    if note:
        parts.append(W.HTML(_note(note)))
    return W.VBox(parts)


class VignetteQuiz(Composite):
    """Choose a leadership style for each staff vignette and get feedback that explains it.

    >>> q = VignetteQuiz()
    >>> q.choose("bernadette", "S3")
    >>> q.correct, "Yes" in q.sorter.feedback["bernadette"].value
    (1, True)
    """

    def __init__(self) -> None:
        super().__init__()
        self.vignettes = _vg.staff_vignettes()
        items = [
            ChoiceItem(id=v.id, text=f"{v.name}, {v.role}. {v.text} The task: {v.task}.", answer=v.style.code,
                       why=v.explanation())
            for v in self.vignettes
        ]
        options = [(s.code, f"{s.code} {s.name} ({s.task_behaviour} task, {s.relationship_behaviour} relationship)")
                   for s in styles()]
        self.sorter = ChoiceSorter(items, options, question="Which style fits?")
        self.view = W.VBox([
            _sorter_block("Staff vignettes.", "For each person, choose the style that matches their readiness "
                          "for the task described.", self.sorter, _vg.VIGNETTE_NOTE),
            self.messages,
        ])

    def choose(self, vignette_id: str, style: str | None) -> None:
        """Choose a style (``"S1"``...``"S4"`` or a style name) for a vignette, as the Dropdown does."""
        vid = _vg.get_vignette(vignette_id).id
        code = None if style is None else _vg.check_style(vid, style).chosen.code
        self.sorter.choose(vid, code)

    @property
    def correct(self) -> int:
        return self.sorter.correct


class BackSeatSorter(Composite):
    """Place statements as the back-seat view of leadership or the paper's proactive view."""

    def __init__(self) -> None:
        super().__init__()
        labels = _vg.view_labels()
        items = [ChoiceItem(id=v.id, text=v.text, answer=v.answer, why=v.why) for v in _vg.leadership_views()]
        self.sorter = ChoiceSorter(items, list(labels.items()), question="Whose view is this?")
        self.view = W.VBox([
            _sorter_block("Two views of leading a community of practice.",
                          "Decide whether each statement belongs to the back-seat view or to the paper's "
                          "proactive, values-based view.", self.sorter),
            self.messages,
        ])


# ---- lesson 06 --------------------------------------------------------------------------------

class AdairCircles(Composite):
    """Choose one of Adair's three needs: its circle is highlighted and its Table 2 questions shown.
    """

    def __init__(self, domain: str = "task") -> None:
        super().__init__()
        self.selected = domain
        self.chart: Chart | None = None
        self.counts = {d.key: len(_audit.team_audit(d.key)) for d in adair_domains()}
        self.domain = W.Dropdown(options=[(d.name, d.key) for d in adair_domains()], value=domain,
                                 description="Show the need", style=LABEL_STYLE)
        self.domain.observe(self.safely(self._on_change), names="value")
        self.questions = W.HTML(layout=FULL_WIDTH)
        self.out = W.Output()
        self.view = W.VBox([self.domain, self.out, self.questions, self.messages])
        self.safely(self.update)()

    def _on_change(self, change: dict[str, Any]) -> None:
        self.selected = change["new"]
        self.update()

    def update(self) -> None:
        """Redraw the circles with the chosen need highlighted, and list its questions."""
        d = next(x for x in adair_domains() if x.key == self.selected)
        self.chart = build_adair_circles(self.selected, self.counts)
        show_chart(self.chart, self.out)
        items = "".join(f"<li><strong>{_esc(i.id)}</strong> {_esc(i.text)}</li>" for i in _audit.team_audit(d.key))
        self.questions.value = (
            f'<div role="status"><p><strong>{_esc(d.name)}.</strong> {_esc(d.summary)}</p>'
            f"<p>The paper's Table 2 questions for this need ({len(_audit.team_audit(d.key))}), "
            f"in the course's words:</p><ul>{items}</ul></div>")


class AdairFunctionSorter(Composite):
    """Match moments in a social work team to Adair's eight functions."""

    def __init__(self) -> None:
        super().__init__()
        names = {f.key: f.name for f in adair_functions()}
        items = [ChoiceItem(id=e.id, text=e.text, answer=e.function, why=e.why) for e in _vg.function_examples()]
        self.sorter = ChoiceSorter(items, list(names.items()), question="Which function?")
        self.view = W.VBox([
            _sorter_block("Adair's functions at work.", "Which of the eight functions is the manager using?",
                          self.sorter),
            self.messages,
        ])


class TeamAuditForm(Composite):
    """The 28-item team audit (Table 2): answer, press "Score the audit", see scores and a plan.

    Rating items are Dropdowns from 1 to 5 (plus "Not answered"); T3 is a Dropdown of Tuckman's
    stages; T2 is a text box. Unanswered items are left out of the scores, never counted as zero.
    """

    def __init__(self, responses: Mapping[str, object] | None = None) -> None:
        super().__init__()
        self.result: _audit.AuditResult | None = None
        self.chart: Chart | None = None
        options = _rating_options(_audit.rating_scale())
        stage_options = [(NOT_ANSWERED, None)] + [(s.name, s.key) for s in tuckman_stages()]
        self.controls: dict[str, W.ValueWidget] = {}
        sections: list[W.Widget] = []
        for d in adair_domains():
            rows: list[W.Widget] = [W.HTML(f"<p><strong>{_esc(d.name)}</strong> ({_esc(d.summary)})</p>")]
            for item in _audit.team_audit(d.key):
                question = W.HTML(f"<p><strong>{_esc(item.id)}.</strong> {_esc(item.text)}</p>")
                if item.kind == "rating":
                    control: W.ValueWidget = W.Dropdown(options=options, index=0,
                                                        description=f"{item.id} rating", style=LABEL_STYLE)
                    rows.append(W.VBox([question, control]))
                elif item.kind == "stage":
                    control = W.Dropdown(options=stage_options, index=0, description=f"{item.id} stage",
                                         style=LABEL_STYLE)
                    stages = "".join(f"<li><strong>{_esc(s.name)}</strong>: {_esc(s.summary)}</li>"
                                     for s in tuckman_stages())
                    rows.append(W.VBox([question, W.HTML(
                        f"<details><summary>What the stages mean (Tuckman 1965; Tuckman &amp; Jensen 1977)</summary>"
                        f"<ul>{stages}</ul></details>"), control]))
                else:
                    control = W.Textarea(description=f"{item.id} answer", style=LABEL_STYLE,
                                         placeholder="A few notes in your own words (optional).",
                                         layout=W.Layout(width="95%", height="5em"))
                    rows.append(W.VBox([question, control]))
                self.controls[item.id] = control
            sections.append(W.VBox(rows, layout=W.Layout(margin="0 0 12px 0")))
        self.button = W.Button(description="Score the audit", button_style="primary",
                               tooltip="Score the answers you have given so far")
        self.button.on_click(self.safely(lambda _b: self.score()))
        self.status = W.HTML()
        self.out = W.Output()
        self.report = W.HTML(layout=FULL_WIDTH)
        self.view = W.VBox(sections + [self.button, self.messages, self.status, self.out, self.report])
        if responses:
            self.set_responses(responses)

    def set_responses(self, responses: Mapping[str, object]) -> None:
        """Fill the form from ``{item_id: answer}``; ratings may be 1-5 or words such as "good".

        Everything is checked first, so a bad id or answer raises a clear error and changes nothing.
        """
        clean: dict[str, object] = {}
        for key, value in responses.items():
            item = _audit.get_item(key)
            if value is None or (isinstance(value, str) and not value.strip()):
                value = "" if item.kind == "open" else None
            elif item.kind == "rating":
                value = _audit.rating_from_word(str(value), item.id)
            elif item.kind == "stage":
                value = str(value).strip().lower()
            clean[item.id] = value
        _audit.score_audit(clean)  # raises a clear error for a bad answer
        for key, value in clean.items():
            self.controls[key].value = value

    def responses(self) -> dict[str, object]:
        """The answers given so far, leaving out anything not answered."""
        out: dict[str, object] = {}
        for key, control in self.controls.items():
            value = control.value
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            out[key] = value
        return out

    def score(self) -> _audit.AuditResult:
        """Score the audit, then show the chart, priorities and action plan."""
        result = _audit.score_audit(self.responses())
        self.result = result
        self.chart = build_audit_scores(result)
        show_chart(self.chart, self.out)
        self.status.value = message(self._status_text(result), "info")
        self.report.value = self._report_html(result)
        return result

    @staticmethod
    def _status_text(result: _audit.AuditResult) -> str:
        total = len(_audit.team_audit())
        if result.is_empty:
            return "Nothing has been answered yet, so there is nothing to score. Answer some questions first."
        if result.is_partial:
            return (f"This audit is partial: {result.answered} of {total} questions answered. The scores use only "
                    f"the answered items; unanswered items are left out, not counted as zero.")
        return f"All {total} questions answered."

    @staticmethod
    def _report_html(result: _audit.AuditResult) -> str:
        scale = _audit.rating_scale()
        parts = [f"<p>{_esc(result.summary())}</p>"]
        if result.priorities:
            rows = "".join(
                f"<li><strong>{_esc(p.item.id)}</strong> ({p.score:g}, {_esc(scale[int(p.score)])}): "
                f"{_esc(p.item.text)}</li>" for p in result.priorities[:5])
            parts.append(f"<p><strong>Priorities, weakest first</strong></p><ol>{rows}</ol>")
        plan = result.action_plan()
        if plan:
            steps = "".join(
                f"<li><strong>{_esc(a.finding)}</strong> {_esc(a.step)} <em>(Framework: {_esc(a.framework)}. "
                f"See lesson {_esc(a.lesson)}: {_esc(a.lesson_title)}.)</em></li>" for a in plan)
            parts.append(f"<p><strong>Action plan</strong></p><ol>{steps}</ol>")
        if result.open_answers.get("T2"):
            parts.append(f"<p><strong>Your notes on skills and staffing (T2):</strong> {_esc(result.open_answers['T2'])}</p>")
        parts.append(_note(_audit.AUDIT_NOTE))
        return '<div role="region" aria-label="Team audit results">' + "".join(parts) + "</div>"


# ---- lesson 07 --------------------------------------------------------------------------------

class CommunityCheck(Composite):
    """Rate Plaskoff's four community-building factors and see which to work on first, and how.
    """

    def __init__(self) -> None:
        super().__init__()
        self.result: _vg.CommunityResult | None = None
        self.chart: Chart | None = None
        options = _rating_options(_vg.community_scale())
        self.controls: dict[str, W.Dropdown] = {}
        rows: list[W.Widget] = []
        for f in _vg.community_factors():
            dd = W.Dropdown(options=options, index=0, description=f"{f.name}: how true?", style=LABEL_STYLE)
            dd.observe(self.safely(self._on_change), names="value")
            self.controls[f.key] = dd
            rows.append(W.VBox([W.HTML(f"<p><strong>{_esc(f.name)}.</strong> {_esc(f.statement)}</p>"), dd]))
        self.out = W.Output()
        self.report = W.HTML(layout=FULL_WIDTH)
        self.view = W.VBox(rows + [self.out, self.report, self.messages])
        self.safely(self.update)()

    def _on_change(self, _change: dict[str, Any]) -> None:
        self.update()

    def update(self) -> None:
        """Re-check the ratings, redraw the chart and the advice."""
        self.result = _vg.check_community({k: c.value for k, c in self.controls.items()})
        self.chart = build_community_check(self.result)
        show_chart(self.chart, self.out)
        r = self.result
        parts = [f'<p role="status">{_esc(r.summary())}</p>']
        advice = r.advice()
        if advice:
            steps = "".join(
                f"<li><strong>{_esc(f.name)}</strong> ({_esc(f.summary)})<ul>"
                + "".join(f"<li>{_esc(a)}</li>" for a in acts) + "</ul></li>" for f, acts in advice)
            parts.append(f"<p><strong>What to work on, and how</strong></p><ol>{steps}</ol>")
        parts.append(f"<p><strong>Power and hierarchy.</strong> {_esc(_vg.COMMUNITY_POWER)}</p>")
        parts.append(_note(_vg.COMMUNITY_NOTE))
        self.report.value = "".join(parts)


class LearningPlanner(Composite):
    """Choose activities for a team learning a new way of working; see which learning ideas they use.

    >>> w = LearningPlanner()
    >>> w.controls["why"].value = True
    >>> w.plan.balance
    {'social': 0, 'task': 1}
    """

    def __init__(self) -> None:
        super().__init__()
        self.plan = _vg.plan_learning([])
        self.controls: dict[str, W.Checkbox] = {}
        rows: list[W.Widget] = [W.HTML(f"<p><strong>The situation.</strong> {_esc(_vg.learning_scenario())}</p>")]
        for a in _vg.learning_activities():
            box = W.Checkbox(value=False, description=a.label, indent=False, layout=W.Layout(width="auto"))
            box.observe(self.safely(self._on_change), names="value")
            self.controls[a.id] = box
            rows.append(W.VBox([box, W.HTML(f'<p style="margin:0 0 8px 1.5em">{_esc(a.text)}</p>')]))
        self.feedback = W.HTML(layout=FULL_WIDTH)
        self.view = W.VBox(rows + [self.feedback, self.messages])
        self.safely(self.update)()

    def _on_change(self, _change: dict[str, Any]) -> None:
        self.update()

    def update(self) -> None:
        """Re-analyse the chosen activities and show the feedback."""
        self.plan = _vg.plan_learning([k for k, box in self.controls.items() if box.value])
        items = "".join(f"<li>{_esc(line)}</li>" for line in self.plan.lines())
        self.feedback.value = (f'<div role="status"><p><strong>Your plan</strong></p><ul>{items}</ul></div>'
                               + _note(_vg.LEARNING_NOTE))

