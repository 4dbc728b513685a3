"""Widgets for lesson 07: the community-building check and the learning planner."""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from coplearn.teaching import community_learning as _cl
from coplearn.figures._base import Chart
from coplearn.figures.community_learning import build_community_check
from ._base import full_width, LABEL_STYLE, Composite, show_chart
from ._base import rating_options as _rating_options
from ._base import note_html as _note
from coplearn.core.html import esc as _esc

__all__ = ["CommunityCheck", "LearningPlanner"]


class CommunityCheck(Composite):
    """Rate the four community-building factors the paper reports from Plaskoff and see which to work on first, and how.
    """

    def __init__(self) -> None:
        super().__init__()
        self.result: _cl.CommunityResult | None = None
        self.chart: Chart | None = None
        options = _rating_options(_cl.community_scale())
        self.controls: dict[str, W.Dropdown] = {}
        rows: list[W.Widget] = []
        for f in _cl.community_factors():
            dd = W.Dropdown(options=options, index=0, description=f"{f.name}: how true?", style=LABEL_STYLE)
            dd.observe(self.safely(self._on_change), names="value")
            self.controls[f.key] = dd
            rows.append(W.VBox([W.HTML(f"<p><strong>{_esc(f.name)}.</strong> {_esc(f.statement)}</p>"), dd]))
        self.out = W.Output()
        self.report = W.HTML(layout=full_width())
        self.view = W.VBox(rows + [self.out, self.report, self.messages])
        self.safely(self.update)()

    def _on_change(self, _change: dict[str, Any]) -> None:
        self.update()

    def update(self) -> None:
        """Re-check the ratings, redraw the chart and the advice."""
        self.result = _cl.check_community({k: c.value for k, c in self.controls.items()})
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
        parts.append(f"<p><strong>Power and hierarchy.</strong> {_esc(_cl.COMMUNITY_POWER)}</p>")
        parts.append(_note(_cl.COMMUNITY_NOTE))
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
        self.plan = _cl.plan_learning([])
        self.controls: dict[str, W.Checkbox] = {}
        rows: list[W.Widget] = [W.HTML(f"<p><strong>The situation.</strong> {_esc(_cl.learning_scenario())}</p>")]
        for a in _cl.learning_activities():
            box = W.Checkbox(value=False, description=a.label, indent=False, layout=W.Layout(width="auto"))
            box.observe(self.safely(self._on_change), names="value")
            self.controls[a.id] = box
            rows.append(W.VBox([box, W.HTML(f'<p style="margin:0 0 8px 1.5em">{_esc(a.text)}</p>')]))
        self.feedback = W.HTML(layout=full_width())
        self.view = W.VBox(rows + [self.feedback, self.messages])
        self.safely(self.update)()

    def _on_change(self, _change: dict[str, Any]) -> None:
        self.update()

    def update(self) -> None:
        """Re-analyse the chosen activities and show the feedback."""
        self.plan = _cl.plan_learning([k for k, box in self.controls.items() if box.value])
        items = "".join(f"<li>{_esc(line)}</li>" for line in self.plan.lines())
        self.feedback.value = (f'<div role="status"><p><strong>Your plan</strong></p><ul>{items}</ul></div>'
                               + _note(_cl.LEARNING_NOTE))

