"""Widgets for lesson 11: the map of the theoretical domain (the paper's Figure 2)."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as W

from coplearn.teaching import leadership_plan as _plan
from coplearn.figures.concepts import build_domain_map
from ._base import LABEL_STYLE, PLACEHOLDER, Composite, message, show_chart

__all__ = ["DomainMap"]


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
        self.notes = _plan.domain_notes()
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
                f"<p><strong>Key sources the paper cites:</strong> {html.escape(a.sources)}</p>"
                + (f"<p><strong>Added by the course</strong> (not cited in the paper): {html.escape(a.added)}</p>"
                   if a.added else "")
                + f"<p><strong>Where the course teaches it:</strong> {links}</p></div>"
            )
        self._redraw()

    def _redraw(self) -> None:
        self.chart = build_domain_map(self.area)
        show_chart(self.chart, self.out)

