"""Interactive course widgets (ipywidgets). Importing this module imports ipywidgets;
``import coplearn`` does not.

Each widget is a composite with plain state, native labelled controls and a view; display it by
putting it last in a cell. Widgets are testable without a browser: set a control's ``.value``
and check the state, the text and the figure data.

Widgets live in topic modules (``cultures``, ``leadership``, ``practice``, ``groupwork``, ``survey``,
``answers``); ``from coplearn.widgets import NAME`` finds a name in any of them.
"""

from __future__ import annotations

from coplearn.core.lazy import topic_getattr
from ._base import ChoiceItem, ChoiceSorter, Composite, JournalPrompt, show_chart

_MODULES = ("cultures", "leadership", "practice", "groupwork", "course", "survey", "answers")

__all__ = ["ChoiceItem", "ChoiceSorter", "Composite", "JournalPrompt", "show_chart"]


__getattr__ = topic_getattr(__name__, _MODULES, "widget")
