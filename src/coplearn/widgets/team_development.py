"""Widgets for lesson 09: Tuckman's stages, from inward- to outward-looking."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as W

from coplearn.figures.team_development import build_tuckman_outlook
from ._base import LABEL_STYLE, Composite, message, show_chart

__all__ = ["TuckmanSelector"]


class TuckmanSelector(Composite):
    """Choose your team's Tuckman stage; see how outward-looking it is and the style it calls for.

    The stage-to-style link is the course's synthesis (``coplearn.paper.team_development.SYNTHESIS_NOTE``).
    """

    def __init__(self, stage: str | None = None) -> None:
        super().__init__()
        from coplearn.paper.team_development import tuckman_stages

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
        from coplearn.paper.team_development import OUTLOOK_NOTE, SYNTHESIS_NOTE, get_stage, style_for_stage

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
                f"<p><strong>How outward-looking (the course's reading):</strong> {html.escape(found.outlook)}. "
                f"{html.escape(found.outlook_note)}</p>"
                f"<p><strong>The style it calls for:</strong> {html.escape(s.code)} {html.escape(s.name)} "
                f"({html.escape(s.task_behaviour)} task, {html.escape(s.relationship_behaviour)} relationship "
                f"behaviour). {html.escape(found.team_step)}</p></div>"
                + f'<p class="coplearn-note"><em>{html.escape(OUTLOOK_NOTE)} {html.escape(SYNTHESIS_NOTE)}</em></p>'
            )
        self._redraw()

    def _redraw(self) -> None:
        self.chart = build_tuckman_outlook(self.stage)
        show_chart(self.chart, self.out)

