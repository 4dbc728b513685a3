"""Widgets for lesson 05: the staff vignettes and the back-seat or proactive views."""

from __future__ import annotations

import html

import ipywidgets as W

from coplearn.paper.situational import styles
from coplearn.teaching import vignettes as _vg
from ._base import ChoiceItem, ChoiceSorter, Composite
from ._base import sorter_block as _sorter_block

__all__ = ["VignetteQuiz", "BackSeatSorter"]


def _esc(text: object) -> str:
    return html.escape(str(text))


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

