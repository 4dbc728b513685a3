"""Widgets for lesson 10: managing the interface between the team and its organisation."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as W

from coplearn.teaching import interface as _interface
from ._base import LABEL_STYLE, PLACEHOLDER, ChoiceItem, ChoiceSorter, Composite, message
from ._base import note_widget as _note, with_note as _with_note

__all__ = ["InterfaceWarningSorter", "InterfaceCheck"]


class InterfaceWarningSorter(ChoiceSorter):
    """Sort warning signs by the danger at the interface they show (Gray et al. 2010, C34)."""

    def __init__(self) -> None:
        items = [ChoiceItem(id=w.id, text=w.text, answer=w.danger, why=w.why) for w in _interface.interface_warnings()]
        options = [(d.key, d.name) for d in _interface.dangers()]
        super().__init__(items, options, question="Which danger does this show?",
                         title="Two dangers at the interface")
        _with_note(self, "The two dangers are the paper's (Gray et al. 2010); the scenarios are the course's examples.")


class InterfaceCheck(Composite):
    """Answer nine statements about how you manage the interface; see which areas to develop.

    The statements, answers and scoring are the course's prompts (``coplearn.teaching.interface.INTERFACE_NOTE``).
    """

    def __init__(self) -> None:
        super().__init__()
        answers = _interface.interface_answers()
        self.dropdowns: dict[str, W.Dropdown] = {}
        rows: list[W.Widget] = [_note(_interface.INTERFACE_NOTE)]
        areas = {a.key: a for a in _interface.interface_areas()}
        current = None
        for n, p in enumerate(_interface.interface_practices(), 1):
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
        self.result = _interface.check_interface({})
        self.view = W.VBox(rows + [self.result_html, self.messages])
        self._update()

    def _on_change(self, change: dict[str, Any]) -> None:
        self._update()

    def _update(self) -> None:
        self.result = _interface.check_interface({pid: dd.value for pid, dd in self.dropdowns.items()})
        if self.result.is_empty:
            self.result_html.value = message("Answer the statements to see which areas to develop first.", "info")
        else:
            self.result_html.value = f'<div role="status">{self.result.to_html(note=False)}</div>'

