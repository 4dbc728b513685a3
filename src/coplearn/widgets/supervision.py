"""Widgets for lessons 08-09: supervision's two futures and the involvement ladder."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as W

from coplearn.figures.supervision import build_involvement_ladder
from ._base import LABEL_STYLE, PLACEHOLDER, ChoiceItem, ChoiceSorter, Composite, show_chart
from ._base import note_widget as _note, with_note as _with_note

__all__ = ["SupervisionSorter", "InvolvementLadder"]


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

