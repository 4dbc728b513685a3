"""Widgets for lesson 05: situational leadership (Hersey & Blanchard 1993)."""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from coplearn.core.html import esc as _esc
from coplearn.paper.situational import get_readiness, recommend_style
from coplearn.figures._base import Chart
from coplearn.figures.situational import build_readiness_grid
from ._base import full_width, LABEL_STYLE, Composite, message, show_chart

__all__ = ["StyleExplorer"]


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
        self.explanation = W.HTML(layout=full_width())
        self.out = W.Output()
        for control in (self.able, self.willing):
            control.observe(self.safely(self._on_change), names="value")
        intro = W.HTML(
            "<p>Think of one person and one task. <strong>Able</strong> means they have the knowledge "
            "and skill for this task. <strong>Willing</strong> means they are motivated and confident "
            "enough to take it on; \"not willing\" includes insecure. (The course's summary of Hersey "
            "and Blanchard's model.)</p>")
        self.view = W.VBox([intro, W.HBox([self.able, self.willing]), self.explanation, self.out, self.messages])
        self.safely(self.update)()

    @property
    def style(self) -> Any:
        """The matching :class:`~coplearn.paper.situational.LeadershipStyle`, or ``None`` until both are answered."""
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
                f"For example (ours): {_esc(level.example)}</p>{style._repr_html_()}</div>")
        self.chart = build_readiness_grid(self.able.value, self.willing.value)
        show_chart(self.chart, self.out)

