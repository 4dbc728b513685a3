"""Lesson 07's groupwork activity: which groupwork skill does this moment call for?

The model is :mod:`coplearn.teaching.groupwork`; this module only lays it out. Set a drop-down's
``.value`` (or call :meth:`GroupworkSorter.choose`) and check ``.result``.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as W

from coplearn.teaching import groupwork as gw
from coplearn.core.html import table
from ._base import full_width, ChoiceItem, ChoiceSorter, message

__all__ = ["GroupworkSorter"]


class GroupworkSorter(ChoiceSorter):
    """Place moments from a team's life under the groupwork skill each calls for most.

    Above the moments: the four skill areas, what a leader does in each and what that rests on.
    Below: a running summary by skill area (``.result``, a :class:`coplearn.teaching.groupwork.GroupworkResult`).
    """

    def __init__(self) -> None:
        items = [ChoiceItem(id=m.id, text=m.text, answer=m.skill, why=m.why) for m in gw.moments()]
        options = [(s.key, s.name) for s in gw.skills()]
        self.result = gw.check_moments({})
        self.summary = W.HTML(value=message("Place a moment to see your summary by skill area.", "info"),
                              layout=full_width())
        super().__init__(items, options, question="Which skill does this call for most?",
                         title="Groupwork moments")
        guide = table("The four groupwork skill areas (the course's grouping)",
                      ["skill area", "what the leader does", "what it rests on"],
                      [(s.name, s.what, s.basis) for s in gw.skills()])
        self.view = W.VBox([
            W.HTML(f'<p class="coplearn-note"><em>{html.escape(gw.NOTE)}</em></p>', layout=full_width()),
            W.HTML(guide, layout=full_width()),
            *self.view.children[:-1], self.summary, self.view.children[-1],
        ])

    def choose(self, item_id: str, key: str | None) -> None:
        super().choose(item_id, key)
        self.result = gw.check_moments(self.choices)
        if self.result.is_empty:
            self.summary.value = message("Place a moment to see your summary by skill area.", "info")
        else:
            self.summary.value = f'<div role="status">{self.result.to_html()}</div>'

    def _on_change(self, item_id: str, change: dict[str, Any]) -> None:
        self.choose(item_id, change["new"] or None)
