"""Figures for the course: pure builders that return a :class:`Chart` (a plotly figure plus its
text alternative). Importing this module imports plotly; ``import coplearn`` does not.

Every builder uses the Okabe-Ito colour-blind-safe palette and never lets colour carry meaning
alone (shapes, labels and text do too). Builders live in topic modules named like :mod:`coplearn.paper` and :mod:`coplearn.teaching`
(``cultures``, ``situational``, ``action_centred``, ``team_development``, ``supervision``...);
``from coplearn.figures import build_x`` finds them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coplearn.core.lazy import topic_getattr
from ._base import CULTURE_COLOURS, CULTURE_SYMBOLS, DOMAIN_COLOURS, OKABE_ITO, Chart, TextAlternative

_MODULES = ("cultures", "situational", "action_centred", "community_learning", "team_development", "supervision",
            "organisational_learning", "concepts", "survey")

__all__ = [
    "CULTURE_COLOURS",
    "CULTURE_SYMBOLS",
    "DOMAIN_COLOURS",
    "OKABE_ITO",
    "Chart",
    "TextAlternative",
    "build_culture_radar",
    "build_dominance",
    "build_overlay",
    "PROFILE_TRACE",
    "TARGET_TRACE",
    "build_readiness_grid",
    "STYLE_COLOURS",
    "SELECTED_WIDTH",
    "build_adair_circles",
    "build_audit_scores",
    "DOMAIN_DASHES",
    "build_community_check",
    "build_tuckman_outlook",
    "OUTLOOK_COLOURS",
    "build_involvement_ladder",
    "build_learning_gap",
    "build_domain_map",
    "DOMAIN_NAMES",
    "DOMAIN_SYMBOLS",
    "build_survey_domains",
    "build_survey_items",
    "domain_alternative",
    "items_alternative",
    "item_label",
]

if TYPE_CHECKING:  # the names the lazy lookup finds, for editors and type checkers
    from .cultures import build_culture_radar, build_dominance, build_overlay, PROFILE_TRACE, TARGET_TRACE
    from .situational import build_readiness_grid, STYLE_COLOURS, SELECTED_WIDTH
    from .action_centred import build_adair_circles, build_audit_scores, DOMAIN_DASHES
    from .community_learning import build_community_check
    from .team_development import build_tuckman_outlook, OUTLOOK_COLOURS
    from .supervision import build_involvement_ladder
    from .organisational_learning import build_learning_gap
    from .concepts import build_domain_map
    from .survey import (
        DOMAIN_NAMES,
        DOMAIN_SYMBOLS,
        build_survey_domains,
        build_survey_items,
        domain_alternative,
        items_alternative,
        item_label,
    )

__getattr__ = topic_getattr(__name__, _MODULES, "figure builder")
