"""Figures for the course: pure builders that return a :class:`Chart` (a plotly figure plus its
text alternative). Importing this module imports plotly; ``import coplearn`` does not.

Every builder uses the Okabe-Ito colour-blind-safe palette and never lets colour carry meaning
alone (shapes, labels and text do too). Builders live in topic modules named like :mod:`coplearn.paper` and :mod:`coplearn.teaching`
(``cultures``, ``situational``, ``action_centred``, ``team_development``, ``supervision``...);
``from coplearn.figures import build_x`` finds them.
"""

from __future__ import annotations

from coplearn.core.lazy import topic_getattr
from ._base import CULTURE_COLOURS, CULTURE_SYMBOLS, DOMAIN_COLOURS, OKABE_ITO, Chart, TextAlternative

_MODULES = ("cultures", "situational", "action_centred", "community_learning", "team_development", "supervision",
            "organisational_learning", "concepts", "survey")

__all__ = ["CULTURE_COLOURS", "CULTURE_SYMBOLS", "DOMAIN_COLOURS", "OKABE_ITO", "Chart", "TextAlternative"]


__getattr__ = topic_getattr(__name__, _MODULES, "figure builder")
