"""Interactive course widgets (ipywidgets). Importing this module imports ipywidgets;
``import coplearn`` does not.

Each widget is a composite with plain state, native labelled controls and a view; display it by
putting it last in a cell. Widgets are testable without a browser: set a control's ``.value``
and check the state, the text and the figure data.

Widgets live in topic modules named like :mod:`coplearn.paper` and :mod:`coplearn.teaching`
(``cultures``, ``situational``, ``action_centred``, ``supervision``, ``interface``, ``journal``...);
``from coplearn.widgets import NAME`` finds a name in any of them.
"""

from __future__ import annotations

from coplearn.core.lazy import topic_getattr
from ._base import ChoiceItem, ChoiceSorter, Composite, JournalPrompt, show_chart

_MODULES = ("routes", "sorting", "cultures", "situational", "vignettes", "action_centred", "community_learning",
            "groupwork", "supervision", "team_development", "interface", "organisational_learning", "concepts",
            "leadership_plan", "journal", "progress", "survey", "answers")

__all__ = ["ChoiceItem", "ChoiceSorter", "Composite", "JournalPrompt", "show_chart"]


__getattr__ = topic_getattr(__name__, _MODULES, "widget")
