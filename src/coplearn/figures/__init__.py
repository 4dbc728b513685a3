"""Figures for the course: pure builders that return a :class:`Chart` (a plotly figure plus its
text alternative). Importing this module imports plotly; ``import coplearn`` does not.

Every builder uses the Okabe-Ito colour-blind-safe palette and never lets colour carry meaning
alone (shapes, labels and text do too). Builders live in topic modules (``cultures``,
``leadership``, ``practice``, ``survey``); ``from coplearn.figures import build_x`` finds them.
"""

from __future__ import annotations

import importlib
from typing import Any

from ._base import CULTURE_COLOURS, CULTURE_SYMBOLS, DOMAIN_COLOURS, OKABE_ITO, Chart, TextAlternative

_MODULES = ("cultures", "leadership", "practice", "survey")

__all__ = ["CULTURE_COLOURS", "CULTURE_SYMBOLS", "DOMAIN_COLOURS", "OKABE_ITO", "Chart", "TextAlternative"]


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
    raise AttributeError(f"coplearn.figures has no figure builder called {name!r}")
