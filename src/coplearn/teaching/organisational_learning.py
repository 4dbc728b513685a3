"""Learning organisations: the top-down and bottom-up routes (lesson 02), and team vs organisation (lesson 10).

Lesson 02 compares the learning organisation (top-down) with the community of practice
(bottom-up), aspect by aspect, in the course's words after Gray et al. (2010); the rows live in
``coplearn/data/context.toml`` (``[[comparison]]``).

What comes from Gray, Parker, Rutter & Williams (2010): many team managers, using SCIE's (2004)
learning-organisation audit, judged their team but not their organisation to be a learning
organisation (C39). The 1-5 ratings and the gap rule of thumb are the course's own teaching aids.
The data live in ``coplearn/data/organisation.toml`` (``[learning_org]``, ``[[dimension]]``).

>>> from coplearn.teaching import organisational_learning as ol
>>> ol.comparison()[0].aspect
'Direction'
>>> [d.key for d in ol.learning_dimensions()]
['structure', 'culture', 'information', 'hr', 'leadership']
>>> cmp = ol.compare_learning({"culture": 4, "leadership": 5}, {"culture": 2, "leadership": 2})
>>> cmp.differences, cmp.pattern
({'culture': 2, 'leadership': 3}, 'team_ahead')
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from coplearn.core import html as _html
from coplearn.core import validate as _validate
from coplearn.core.data import records, root, text

__all__ = [
    "Comparison",
    "ComparisonRow",
    "comparison",
    "LearningComparison",
    "LearningDimension",
    "compare_learning",
    "learning_dimensions",
    "learning_scale",
    "LEARNING_ORG_NOTE",
    "LEARNING_ORG_QUESTION",
    "LEARNING_ORG_SOURCE",
]

_FILE = "organisation.toml"


@dataclass(frozen=True, kw_only=True, slots=True)
class LearningDimension:
    """One of SCIE's (2004) five dimensions of a learning organisation."""

    key: str
    name: str
    summary: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ComparisonRow:
    aspect: str
    learning_organisation: str
    community_of_practice: str


class Comparison(tuple):
    """The top-down and bottom-up routes side by side (renders as a table)."""

    def _repr_html_(self) -> str:
        return _html.table(
            "Two routes to a learning workplace. The contrast is the paper's (Gray et al. 2010); the key-thinker "
            "row is from Senge's and Wenger's own work, with short explanations of their terms that are ours; the "
            "layout, the wording and cells marked as the course's reading are ours",
            ["aspect", "learning organisation (top-down)", "community of practice (bottom-up)"],
            [(r.aspect, r.learning_organisation, r.community_of_practice) for r in self],
        )


@functools.lru_cache(maxsize=None)
def comparison() -> Comparison:
    """The learning organisation and the community of practice compared, aspect by aspect (lesson 02)."""
    return Comparison(records(root("context.toml"), "comparison", ComparisonRow, unique=None))


#: What in the learning-organisation check is the course's own.
LEARNING_ORG_NOTE: str = text(_FILE, "learning_org", "note")
#: SCIE's (2004) audit, as the source of the five dimensions.
LEARNING_ORG_SOURCE: str = text(_FILE, "learning_org", "source")
#: The question the check asks.
LEARNING_ORG_QUESTION: str = text(_FILE, "learning_org", "question")


@functools.lru_cache(maxsize=None)
def learning_dimensions() -> tuple[LearningDimension, ...]:
    """SCIE's (2004) five dimensions of a learning organisation, in SCIE's order."""
    return records(root(_FILE), "dimension", LearningDimension)


@functools.lru_cache(maxsize=None)
def _scale() -> dict[int, str]:
    table = root(_FILE).table("learning_org").table("scale")
    return {n: table.str(str(n)) for n in range(1, 6)}


def learning_scale() -> dict[int, str]:
    """The course's 1-5 scale for the check: ``{1: "hardly at all", ..., 5: "fully"}``."""
    return dict(_scale())


def _gap_threshold() -> int:
    return root(_FILE).table("learning_org").int("gap_threshold")


def _scale_text() -> str:
    scale = _scale()
    return f"1 = {scale[1]}, 5 = {scale[5]}"


@dataclass(frozen=True, kw_only=True, slots=True)
class LearningComparison:
    """Team and organisation rated on SCIE's five dimensions, and the gap between them.

    ``differences`` is team minus organisation for each dimension rated on both; ``to_develop()``
    lists the dimensions where the two differ by the course's rule of thumb. ``pattern`` reads the
    mean gap with the course's rule of thumb (a gap of a whole point or more either way).
    """

    team: Mapping[str, int]
    organisation: Mapping[str, int]
    unrated: tuple[str, ...] = field(default=())

    @property
    def differences(self) -> dict[str, int]:
        """``{dimension: team rating - organisation rating}`` for each dimension rated on both."""
        return {d.key: self.team[d.key] - self.organisation[d.key] for d in learning_dimensions()
                if d.key in self.team and d.key in self.organisation}

    @staticmethod
    def _mean(values: Iterable[int]) -> float | None:
        vals = list(values)
        return round(sum(vals) / len(vals), 2) if vals else None

    @property
    def team_mean(self) -> float | None:
        return self._mean(self.team.values())

    @property
    def organisation_mean(self) -> float | None:
        return self._mean(self.organisation.values())

    @property
    def mean_gap(self) -> float | None:
        return self._mean(self.differences.values())

    @property
    def widest(self) -> str | None:
        """The dimension with the largest gap either way (first in SCIE's order on a tie)."""
        gaps = self.differences
        if not gaps:
            return None
        return max(gaps, key=lambda k: abs(gaps[k]))

    def to_develop(self) -> tuple[LearningDimension, ...]:
        """Dimensions where team and organisation differ by the course's threshold or more (either
        way), widest first (ties keep SCIE's order): the ones to talk about and develop.

        >>> c = compare_learning({"culture": 4, "hr": 3, "leadership": 5}, {"culture": 2, "hr": 3, "leadership": 2})
        >>> [d.key for d in c.to_develop()]
        ['leadership', 'culture']
        """
        threshold = _gap_threshold()
        gaps = self.differences
        order = {d.key: i for i, d in enumerate(learning_dimensions())}
        wide = [d for d in learning_dimensions() if d.key in gaps and abs(gaps[d.key]) >= threshold]
        return tuple(sorted(wide, key=lambda d: (-abs(gaps[d.key]), order[d.key])))

    @property
    def pattern(self) -> str:
        """``"team_ahead"``, ``"organisation_ahead"``, ``"similar"``, or ``"incomplete"``."""
        gap = self.mean_gap
        if gap is None:
            return "incomplete"
        threshold = _gap_threshold()
        if gap >= threshold:
            return "team_ahead"
        if gap <= -threshold:
            return "organisation_ahead"
        return "similar"

    def summary(self) -> str:
        """A plain-English reading of the comparison (also the figure's text alternative)."""
        names = {d.key: d.name for d in learning_dimensions()}
        if self.pattern == "incomplete":
            return ("Rate at least one dimension for both your team and your organisation to see "
                    "how they compare.")
        parts = [f"Across the {len(self.differences)} dimension(s) rated for both, your team averages "
                 f"{self._mean(self.team[k] for k in self.differences):.1f} and your organisation "
                 f"{self._mean(self.organisation[k] for k in self.differences):.1f} out of 5."]
        if self.pattern == "team_ahead":
            parts.append("You see your team as more of a learning organisation than the organisation it belongs "
                         "to. Many team managers in Gray et al. (2010) reached the same view (loyalty or optimism may "
                         "play a part, the paper allows), and Beddoe (2009, cited in Gray et al. 2010) suggests that organisations fail "
                         "to learn from their teams.")
        elif self.pattern == "organisation_ahead":
            parts.append("You see the organisation as more of a learning organisation than your team: the "
                         "reverse of what many managers in Gray et al. (2010) reported. What could your team "
                         "draw on from the wider organisation?")
        else:
            parts.append("Team and organisation look much the same on these dimensions.")
        widest = self.widest
        if widest is not None and self.differences[widest] != 0:
            parts.append(f"The widest gap is in {names[widest].lower()} ({self.differences[widest]:+d}).")
        if self.unrated:
            parts.append("Not yet rated for both: " + ", ".join(names[k].lower() for k in self.unrated) + ".")
        return " ".join(parts)

    def _repr_html_(self) -> str:
        rows = []
        for d in learning_dimensions():
            t, o = self.team.get(d.key), self.organisation.get(d.key)
            gap = f"{t - o:+d}" if t is not None and o is not None else ""
            rows.append((d.name, t if t is not None else "", o if o is not None else "", gap))
        return (_html.table("Team and organisation on SCIE's (2004) five dimensions (your ratings, 1-5)",
                            ["dimension", "team", "organisation", "gap (team - organisation)"], rows)
                + f"<p>{_html.esc(self.summary())}</p>" + _html.note(LEARNING_ORG_NOTE))


def _ratings(values: Mapping[str, object] | None, who: str) -> dict[str, int]:
    keys = [d.key for d in learning_dimensions()]
    names = {_validate.normalise(d.name): d.key for d in learning_dimensions()}
    out: dict[str, int] = {}
    for raw, value in (values or {}).items():
        key = names.get(_validate.normalise(raw)) if isinstance(raw, str) else None
        key = key or _validate.choose(raw, keys, "SCIE dimension", item=who)
        if value is None:
            continue
        out[key] = _validate.rating(value, f"{who}: {key}", scale=_scale_text())
    return out


def compare_learning(team: Mapping[str, object] | None,
                     organisation: Mapping[str, object] | None) -> LearningComparison:
    """Compare ratings (1-5) of your team and your organisation on SCIE's five dimensions.

    Keys are dimension keys or names; ``None`` means not rated yet.

    >>> compare_learning({"culture": 6}, {})
    Traceback (most recent call last):
    ...
    ValueError: team: culture: the rating 6 is out of range; use a whole number from 1 to 5 (1 = hardly at all, 5 = fully)
    >>> compare_learning({"morale": 3}, {})
    Traceback (most recent call last):
    ...
    LookupError: team: 'morale' is not a SCIE dimension; choose one of: structure, culture, information, hr, leadership
    """
    t = _ratings(team, "team")
    o = _ratings(organisation, "organisation")
    unrated = tuple(d.key for d in learning_dimensions() if d.key not in t or d.key not in o)
    order = [d.key for d in learning_dimensions()]
    return LearningComparison(team={k: t[k] for k in order if k in t},
                              organisation={k: o[k] for k in order if k in o}, unrated=unrated)

