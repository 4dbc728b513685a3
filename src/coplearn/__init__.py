"""coplearn: lead a community of practice in social work.

A small library that encodes the argument of Gray, Parker, Rutter & Williams (2010), *Developing
communities of practice: a strategy for effective leadership, management and supervision in
social work*, Social Work & Social Sciences Review 14(2), doi:10.1921/swssr.v14i2.491.

Importing coplearn is cheap: figures (:mod:`coplearn.figures`) and widgets
(:mod:`coplearn.widgets`) live in their own modules and load plotly and ipywidgets only there.

>>> import coplearn as cl
>>> cl.get_culture("democratic").exemplar
'Total Quality Management (TQM)'
>>> cl.recommend_style(able=True, willing=True).name
'delegating'
"""

from __future__ import annotations

__version__ = "0.1.0"

from coplearn.core.data import DataError
from coplearn.paper.action_centred import (
    Action,
    AuditItem,
    AuditResult,
    adair_domains,
    adair_functions,
    get_item,
    rating_from_word,
    rating_scale,
    score_audit,
    team_audit,
)
from coplearn.paper.concepts import (
    Concept,
    Lesson,
    concepts,
    get_concept,
    get_lesson,
    get_pcf,
    lessons,
    pcf_domains,
    theoretical_domain,
)
from coplearn.paper.cultures import (
    Culture,
    CultureProfile,
    Principle,
    culture_profile,
    cultures,
    dimensions,
    get_culture,
    get_principle,
    principles,
)
from coplearn.paper.situational import (
    LeadershipStyle,
    get_readiness,
    get_style,
    readiness,
    readiness_levels,
    recommend_style,
    styles,
)
from coplearn.paper.supervision import (
    get_degree,
    get_future,
    involvement_degrees,
    involvement_scenarios,
    supervision_futures,
    supervision_practices,
)
from coplearn.paper.team_development import TuckmanStage, get_stage, style_for_stage, tuckman_stages
from coplearn.practice.journal import Journal, default_journal_path
from coplearn.practice.journal_entry import GIBBS_STAGES, JournalEntry

__all__ = [
    "Action",
    "AuditItem",
    "AuditResult",
    "Concept",
    "Culture",
    "CultureProfile",
    "DataError",
    "GIBBS_STAGES",
    "Journal",
    "JournalEntry",
    "LeadershipStyle",
    "Lesson",
    "Principle",
    "TuckmanStage",
    "adair_domains",
    "adair_functions",
    "concepts",
    "culture_profile",
    "cultures",
    "default_journal_path",
    "dimensions",
    "get_concept",
    "get_culture",
    "get_degree",
    "get_future",
    "get_item",
    "get_lesson",
    "get_pcf",
    "get_principle",
    "get_readiness",
    "get_stage",
    "get_style",
    "involvement_degrees",
    "involvement_scenarios",
    "lessons",
    "pcf_domains",
    "principles",
    "rating_from_word",
    "rating_scale",
    "readiness",
    "readiness_levels",
    "recommend_style",
    "score_audit",
    "style_for_stage",
    "styles",
    "supervision_futures",
    "supervision_practices",
    "team_audit",
    "theoretical_domain",
    "tuckman_stages",
]
