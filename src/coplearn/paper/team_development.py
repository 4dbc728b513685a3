"""Team development: Tuckman's stages (Tuckman 1965; Tuckman & Jensen 1977) and the style each calls for.

The paper observes that, as with groups and teams, communities of practice differ in how developed
they are (citing Tuckman 1965), and suggests that advanced communities will include people who
use services. In the same section it says that a team still early in its development may be
inward-looking (drawing on Mullins 2007), and takes it that a higher-performing, more developed
community will be more outward-looking (Gray et al. 2010). It does not tie outlook to Tuckman's
stages one by one: linking each stage to an outlook is the course's reading (``OUTLOOK_NOTE``), and
matching a stage to a situational-leadership style is the course's own teaching synthesis
(``SYNTHESIS_NOTE``); neither is the paper's claim. The data live in
``coplearn/data/leadership.toml`` (``[tuckman]``, ``[[stage]]``).

>>> import coplearn as cl
>>> [s.key for s in cl.tuckman_stages()]
['forming', 'storming', 'norming', 'performing', 'adjourning']
>>> cl.style_for_stage("Storming").name
'selling'
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass

from coplearn.core import validate as _validate
from coplearn.core.data import records, root, text
from coplearn.paper.situational import LeadershipStyle, styles

__all__ = [
    "TuckmanStage",
    "get_stage",
    "style_for_stage",
    "tuckman_stages",
    "TUCKMAN_SOURCE",
    "SYNTHESIS_NOTE",
    "OUTLOOK_NOTE",
]

_FILE = "leadership.toml"
OUTLOOKS = ("inward", "turning outward", "outward")


@dataclass(frozen=True, kw_only=True, slots=True)
class TuckmanStage:
    """A stage of group development (Tuckman 1965; Tuckman & Jensen 1977)."""

    key: str
    name: str
    order: int
    year: int
    summary: str
    outlook: str
    outlook_note: str
    style_code: str
    #: what leading the whole team in that style looks like (the course's synthesis, for the audit's plan)
    team_step: str

    @property
    def citation(self) -> str:
        """The work that named this stage, as the course cites it.

        >>> get_stage("storming").citation, get_stage("adjourning").citation
        ('Tuckman 1965', 'Tuckman and Jensen 1977')
        """
        return "Tuckman 1965" if self.year == 1965 else "Tuckman and Jensen 1977"

    @property
    def summary_after_citation(self) -> str:
        """The summary for a sentence that has already cited the stage's work: a closing
        parenthesis that names the year again ("(added by Tuckman and Jensen in 1977)") is left out.

        >>> get_stage("adjourning").summary_after_citation
        'The group completes its work and disbands.'
        >>> get_stage("storming").summary_after_citation == get_stage("storming").summary
        True
        """
        import re

        return re.sub(rf"\s*\([^()]*\b{self.year}\)(?=\.?$)", "", self.summary)


@functools.lru_cache(maxsize=None)
def _stages() -> tuple[TuckmanStage, ...]:
    stages = records(root(_FILE), "stage", TuckmanStage, rename={"style_code": "style"},
                     choices={"outlook": OUTLOOKS, "style_code": [s.code for s in styles()]})
    return tuple(sorted(stages, key=lambda s: s.order))


#: The primary sources for Tuckman's stages.
TUCKMAN_SOURCE: str = text(_FILE, "tuckman", "source")
#: Says that matching a stage to a style is the course's synthesis, not the paper's.
SYNTHESIS_NOTE: str = text(_FILE, "tuckman", "synthesis_note")
#: Says that linking a stage to an outlook (inward, turning outward, outward) is the course's reading.
OUTLOOK_NOTE: str = text(_FILE, "tuckman", "outlook_reading_note")


def tuckman_stages() -> tuple[TuckmanStage, ...]:
    """Tuckman's five stages, in order (adjourning was added in 1977)."""
    return _stages()


def get_stage(name: str) -> TuckmanStage:
    """Look up a Tuckman stage by name, ignoring case.

    >>> get_stage("chaos")
    Traceback (most recent call last):
    ...
    LookupError: 'chaos' is not a Tuckman stage; choose one of: forming, storming, norming, performing, adjourning
    """
    return _validate.find(name, tuckman_stages(), "Tuckman stage", ("key",))


def style_for_stage(stage: str) -> LeadershipStyle:
    """The style a team at this stage calls for.

    This is a teaching synthesis of Tuckman with Hersey & Blanchard, not the paper's claim; the
    returned style has ``is_synthesis=True`` so that displays can say so.
    """
    found = get_stage(stage)
    base = next(s for s in styles() if s.code == found.style_code)
    return dataclasses.replace(base, is_synthesis=True)
