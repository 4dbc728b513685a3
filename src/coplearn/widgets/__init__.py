"""Interactive course widgets (ipywidgets). Importing this module imports ipywidgets;
``import coplearn`` does not.

Each widget is a composite with plain state, native labelled controls and a view; display it by
putting it last in a cell. Widgets are testable without a browser: set a control's ``.value``
and check the state, the text and the figure data.

Widgets live in topic modules (``cultures``, ``leadership``, ``practice``, ``survey``,
``answers``); ``from coplearn.widgets import NAME`` finds a name in any of them.
"""

from __future__ import annotations

import importlib
from typing import Any

from ._base import ChoiceItem, ChoiceSorter, Composite, JournalPrompt, show_chart

_MODULES = ("cultures", "leadership", "practice", "course", "survey", "answers")

__all__ = ["ChoiceItem", "ChoiceSorter", "Composite", "JournalPrompt", "show_chart"]


def __getattr__(name: str) -> Any:
    for mod in _MODULES:
        try:
            module = importlib.import_module(f"{__name__}.{mod}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{mod}":
                continue
            raise
        if name in getattr(module, "__all__", ()):
            return getattr(module, name)
    raise AttributeError(f"coplearn.widgets has no widget called {name!r}")
