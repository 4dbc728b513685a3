"""Groupwork skills a leader of a community of practice uses (lesson 07).

What comes from Gray, Parker, Rutter & Williams (2010): groupwork and community-building skills
are part of what might make leading a community of practice realistic in social work (C04); groupwork
and leadership skills are part of the overlay that holds the four learning cultures together
(C36); and social workers bring groupwork understanding and skills of their own (C42). The
companion paper by two of the same authors, Gray, Parker & Immins (2008) in *Groupwork* 18(2), makes
the same argument from a groupwork angle (the course knows it only from the description in its
source notes; it has not been read in full). The four skill areas, the moments to sort and the answer
given to each are the course's own reading (``NOTE``).

>>> [s.key for s in skills()]
['processes', 'facilitation', 'conflict', 'power']
>>> result = check_moments({"G1": "processes", "G3": "power"})
>>> result.answered, result.correct
(2, 1)
>>> [s.key for s in result.to_revisit()]
['conflict']
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field

from coplearn.core import html as _html
from coplearn.core import validate as _validate
from coplearn.core.data import records, root, text

__all__ = [
    "GroupworkMoment",
    "GroupworkResult",
    "GroupworkSkill",
    "check_moments",
    "get_skill",
    "moments",
    "skills",
    "NOTE",
]

_FILE = "groupwork.toml"


@dataclass(frozen=True, kw_only=True, slots=True)
class GroupworkSkill:
    """One area of groupwork skill: what a leader does, and what it rests on."""

    key: str
    name: str
    what: str
    basis: str


@dataclass(frozen=True, kw_only=True, slots=True)
class GroupworkMoment:
    """A moment in a team's life, and the skill area the course says it calls for most."""

    id: str
    text: str
    skill: str
    why: str


#: What in the groupwork material is the course's own.
NOTE: str = text(_FILE, "note")


@functools.lru_cache(maxsize=None)
def _skills() -> tuple[GroupworkSkill, ...]:
    return records(root(_FILE), "skill", GroupworkSkill)


@functools.lru_cache(maxsize=None)
def _moments() -> tuple[GroupworkMoment, ...]:
    return records(root(_FILE), "moment", GroupworkMoment, choices={"skill": [s.key for s in _skills()]})


def skills() -> tuple[GroupworkSkill, ...]:
    """The four areas of groupwork skill, in teaching order."""
    return _skills()


def get_skill(key: str) -> GroupworkSkill:
    """A skill area by key, case-insensitively; an unknown key raises ``LookupError`` listing the keys.

    >>> get_skill("Power").name
    'Working with power in the group'
    """
    found = _validate.choose(key, [s.key for s in skills()], "groupwork skill area")
    return next(s for s in skills() if s.key == found)


def moments() -> tuple[GroupworkMoment, ...]:
    """The moments to sort, each with the skill area the course places it under.

    >>> sorted({m.skill for m in moments()}) == sorted(s.key for s in skills())
    True
    """
    return _moments()


@dataclass(frozen=True, kw_only=True, slots=True)
class GroupworkResult:
    """How a learner placed the moments: per skill area, what was placed as the course places it."""

    choices: dict[str, str] = field(default_factory=dict)

    @property
    def answered(self) -> int:
        return len(self.choices)

    @property
    def correct(self) -> int:
        by_id = {m.id: m for m in moments()}
        return sum(by_id[i].skill == k for i, k in self.choices.items())

    @property
    def is_empty(self) -> bool:
        return not self.choices

    def tally(self) -> dict[str, tuple[int, int]]:
        """For each skill area: (moments placed as the course places them, moments answered)."""
        out = {s.key: (0, 0) for s in skills()}
        by_id = {m.id: m for m in moments()}
        for item, key in self.choices.items():
            skill = by_id[item].skill
            right, seen = out[skill]
            out[skill] = (right + (key == skill), seen + 1)
        return out

    def to_revisit(self) -> list[GroupworkSkill]:
        """Skill areas with at least one answered moment placed elsewhere, in teaching order."""
        return [s for s in skills() if self.tally()[s.key][0] < self.tally()[s.key][1]]

    def to_html(self) -> str:
        if self.is_empty:
            return "<p>No moments placed yet.</p>"
        rows = [(s.name, f"{self.tally()[s.key][0]} of {self.tally()[s.key][1]}") for s in skills()]
        revisit = self.to_revisit()
        advice = ("Every moment you answered is placed where the course places it."
                  if not revisit else
                  "Look again at: " + "; ".join(f"{s.name} ({s.what})" for s in revisit))
        return (_html.table("Moments placed as the course places them, by skill area",
                            ["skill area", "placed as the course does"], rows)
                + f"<p>{_html.esc(advice)}</p>")

    def _repr_html_(self) -> str:
        return self.to_html() + _html.note(NOTE)


def check_moments(choices: Mapping[str, object]) -> GroupworkResult:
    """Check a learner's placements ``{moment_id: skill_key}``; unanswered (``None``) moments are left out.

    An unknown moment id or skill area raises ``LookupError`` naming the valid ones.

    >>> check_moments({"G9": "power"})
    Traceback (most recent call last):
    ...
    LookupError: 'G9' is not a groupwork moment; choose one of: G1, G2, G3, G4, G5, G6, G7, G8
    """
    ids = [m.id for m in moments()]
    keys = [s.key for s in skills()]
    out: dict[str, str] = {}
    for item, value in choices.items():
        moment = _validate.choose(item, ids, "groupwork moment")
        if value is None or value == "":
            continue
        out[moment] = _validate.choose(value, keys, "groupwork skill area", item=moment)
    return GroupworkResult(choices=out)
