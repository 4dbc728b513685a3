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

from typing import TYPE_CHECKING

from coplearn.core.lazy import topic_getattr
from ._base import ChoiceItem, ChoiceSorter, Composite, JournalPrompt, show_chart

_MODULES = ("routes", "sorting", "cultures", "situational", "vignettes", "action_centred", "community_learning",
            "groupwork", "supervision", "team_development", "interface", "organisational_learning", "concepts",
            "leadership_plan", "journal", "progress", "survey", "answers")

__all__ = [
    "ChoiceItem",
    "ChoiceSorter",
    "Composite",
    "JournalPrompt",
    "show_chart",
    "RoutePicker",
    "ContextSorter",
    "Table1Explorer",
    "CultureSorter",
    "CultureProfileWidget",
    "RATING_OPTIONS",
    "culture_items",
    "StyleExplorer",
    "VignetteQuiz",
    "BackSeatSorter",
    "AdairCircles",
    "AdairFunctionSorter",
    "TeamAuditForm",
    "CommunityCheck",
    "LearningPlanner",
    "GroupworkSorter",
    "SupervisionSorter",
    "InvolvementLadder",
    "TuckmanSelector",
    "InterfaceWarningSorter",
    "InterfaceCheck",
    "OrganisationCheck",
    "DomainMap",
    "LeadershipPlanBuilder",
    "JournalSetup",
    "JournalExport",
    "JournalImport",
    "JournalEditor",
    "ProgressView",
    "TeamSurveyLoader",
    "example_survey_path",
    "ChoiceQuestions",
    "NumberAnswers",
    "SeveralChoices",
]

if TYPE_CHECKING:  # the names the lazy lookup finds, for editors and type checkers
    from .routes import RoutePicker
    from .sorting import ContextSorter
    from .cultures import Table1Explorer, CultureSorter, CultureProfileWidget, RATING_OPTIONS, culture_items
    from .situational import StyleExplorer
    from .vignettes import VignetteQuiz, BackSeatSorter
    from .action_centred import AdairCircles, AdairFunctionSorter, TeamAuditForm
    from .community_learning import CommunityCheck, LearningPlanner
    from .groupwork import GroupworkSorter
    from .supervision import SupervisionSorter, InvolvementLadder
    from .team_development import TuckmanSelector
    from .interface import InterfaceWarningSorter, InterfaceCheck
    from .organisational_learning import OrganisationCheck
    from .concepts import DomainMap
    from .leadership_plan import LeadershipPlanBuilder
    from .journal import JournalSetup, JournalExport, JournalImport, JournalEditor
    from .progress import ProgressView
    from .survey import TeamSurveyLoader, example_survey_path
    from .answers import ChoiceQuestions, NumberAnswers, SeveralChoices

__getattr__ = topic_getattr(__name__, _MODULES, "widget")
