"""Widgets for lesson 10: team and organisation as learning organisations (SCIE 2004)."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as W

from coplearn.teaching import organisational_learning as _ol
from coplearn.figures.organisational_learning import build_learning_gap
from ._base import LABEL_STYLE, PLACEHOLDER, Composite, show_chart
from ._base import note_widget as _note

__all__ = ["OrganisationCheck"]


class OrganisationCheck(Composite):
    """Rate your team and your organisation on SCIE's (2004) five dimensions and see the gap."""

    def __init__(self) -> None:
        super().__init__()
        scale = _ol.learning_scale()
        options = [(PLACEHOLDER, None)] + [(f"{k} {v}", k) for k, v in scale.items()]
        self.team: dict[str, W.Dropdown] = {}
        self.organisation: dict[str, W.Dropdown] = {}
        rows: list[W.Widget] = [_note(_ol.LEARNING_ORG_NOTE)]
        for d in _ol.learning_dimensions():
            t = W.Dropdown(options=options, index=0, description=f"{d.name}: your team",
                           style=LABEL_STYLE, layout=W.Layout(width="auto"))
            o = W.Dropdown(options=options, index=0, description=f"{d.name}: your organisation",
                           style=LABEL_STYLE, layout=W.Layout(width="auto"))
            for dd in (t, o):
                dd.observe(self.safely(self._on_change), names="value")
            self.team[d.key], self.organisation[d.key] = t, o
            rows.append(W.VBox([W.HTML(f"<p><strong>{html.escape(d.name)}.</strong> {html.escape(d.summary)} "
                                       f"<em>{html.escape(_ol.LEARNING_ORG_QUESTION)}</em></p>"), t, o],
                               layout=W.Layout(margin="0 0 10px 0")))
        self.out = W.Output()
        self.comparison = _ol.compare_learning({}, {})
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
        scale = _ol.learning_scale()
        for value, dd, who in ((team, self.team[key], "team"), (organisation, self.organisation[key], "organisation")):
            if value is not None:
                dd.value = _validate.rating(value, f"{who}: {key}", scale=f"1 = {scale[1]}, 5 = {scale[5]}")

    def _on_change(self, change: dict[str, Any]) -> None:
        self._update()

    def _update(self) -> None:
        self.comparison = _ol.compare_learning({k: dd.value for k, dd in self.team.items()},
                                               {k: dd.value for k, dd in self.organisation.items()})
        self.reading = self.comparison.summary()  # also the chart's text alternative, shown under it
        self.chart = build_learning_gap(self.comparison)
        show_chart(self.chart, self.out)

