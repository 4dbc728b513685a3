"""Widgets for the sorting activities of lessons 01, 02 and 04."""

from __future__ import annotations


import ipywidgets as W

from coplearn.core import html as _html
from coplearn.teaching.sorting import sort_activity
from ._base import ChoiceItem, ChoiceSorter

__all__ = ["ContextSorter"]


class ContextSorter(ChoiceSorter):
    """A sorting activity from the course content, with instant feedback and the reasons.

    >>> s = ContextSorter("pressures")
    >>> s.choose("PR1", "managerial")
    >>> s.correct
    1
    """

    def __init__(self, activity: str) -> None:
        act = sort_activity(activity)
        self.activity = act
        items = [ChoiceItem(id=i.id, text=i.text, answer=i.answer, why=i.why) for i in act.items]
        super().__init__(items, act.options, question=act.question, title=act.title)
        self.view.children = (*self.view.children, W.HTML(_html.note(act.note)))

