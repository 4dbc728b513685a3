"""Interactive course widgets (ipywidgets). Importing this module imports ipywidgets and plotly;
``import coplearn`` does not.

Each widget is a composite with plain state, native labelled controls and a view; display it by
putting it last in a cell. Widgets are testable without a browser: set a control's ``.value``
and check the state, the text and the figure data.
"""

from __future__ import annotations

from ._base import ChoiceItem, ChoiceSorter, Composite, JournalPrompt, show_chart

__all__ = ["ChoiceItem", "ChoiceSorter", "Composite", "JournalPrompt", "show_chart"]
