"""Teaching material around the learning cultures (lessons 03-04): illustrations, hints and example teams.

Everything here is the course's own teaching material built on Gray, Parker, Rutter & Williams
(2010): the "then and now" illustration of shifting dominance (C11, whose heights are ours, not
data), a hint for every Table 1 principle, invented example teams for the culture profile, and the
overlay of skills that holds the four cultures together (C36). The paper's Table 1 itself lives in
:mod:`coplearn.paper.cultures`. The data live in ``coplearn/data/context.toml`` (``[dominance]``,
``[[cue]]``, ``[[example]]``, ``[[overlay]]``).

>>> from coplearn.teaching import cultures
>>> cultures.principle_cue("M6")
'Supervision serves case and service management.'
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from coplearn.core import validate as _validate
from coplearn.core.data import Path, record, records, root

__all__ = [
    "Dominance",
    "DominanceRow",
    "ExampleTeam",
    "OverlaySkill",
    "dominance",
    "example_teams",
    "get_example_team",
    "overlay_skills",
    "principle_cue",
]

_FILE = "context.toml"


@dataclass(frozen=True, kw_only=True, slots=True)
class DominanceRow:
    """One culture's illustrative influence in the past and now (heights are ours, not data)."""

    culture: str
    then: int
    now: int


@dataclass(frozen=True, kw_only=True, slots=True)
class Dominance:
    """The "then and now" illustration of shifting dominance (C11)."""

    source: str
    claim: str
    note: str
    then_label: str
    now_label: str
    rows: tuple[DominanceRow, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class ExampleTeam:
    """An invented team's ratings of the Table 1 principles, to try the profile widget with."""

    key: str
    name: str
    description: str
    ratings: Mapping[str, int]


@dataclass(frozen=True, kw_only=True, slots=True)
class OverlaySkill:
    """One strand of the overlay that holds the four cultures together (C36)."""

    key: str
    name: str
    example: str


@functools.lru_cache(maxsize=None)
def dominance() -> Dominance:
    """The "then and now" illustration (C11). The heights are the course's, not measurements.

    >>> d = dominance()
    >>> {r.culture: (r.then, r.now) for r in d.rows}["managed"]
    (2, 5)
    """
    from coplearn.paper.cultures import cultures

    d = root(_FILE).table("dominance")
    culture_keys = [c.key for c in cultures()]
    rows = records(d, "culture", DominanceRow, choices={"culture": culture_keys}, unique=None)
    if sorted(r.culture for r in rows) != sorted(culture_keys):
        raise d._fail("culture", "should give each of the four cultures exactly once")
    return record(d, Dominance, given={"rows": rows})


@functools.lru_cache(maxsize=None)
def _cues() -> dict[str, str]:
    from coplearn.paper.cultures import principles

    top = root(_FILE)
    cues: dict[str, str] = {}
    for c in top.table_list("cue"):
        cues[c.choice("principle", [p.id for p in principles()])] = c.str("text")
    missing = [p.id for p in principles() if p.id not in cues]
    if missing:
        raise top._fail("cue", f"has no hint for the principles {', '.join(missing)}")
    return cues


def principle_cue(principle_id: str) -> str:
    """A one-line hint that explains why a Table 1 principle belongs to its culture."""
    from coplearn.paper.cultures import get_principle

    return _cues()[get_principle(principle_id).id]


def _ratings(row: Path, _: int) -> dict[str, object]:
    from coplearn.paper.cultures import get_principle

    raw = row.table("ratings")
    where = f"example {row.str('key')}"
    return {"ratings": {get_principle(pid).id: _validate.rating(raw.int(pid), f"{where}: {pid}") for pid in raw.data}}


@functools.lru_cache(maxsize=None)
def example_teams() -> tuple[ExampleTeam, ...]:
    """Invented example teams with ratings for all 26 principles."""
    return records(root(_FILE), "example", ExampleTeam, each=_ratings)


def get_example_team(key: str) -> ExampleTeam:
    """One invented example team by key (``pressured``, ``inward``, ``balanced``)."""
    return _validate.find(key, example_teams(), "example team", ("key",))


@functools.lru_cache(maxsize=None)
def overlay_skills() -> tuple[OverlaySkill, ...]:
    """The three strands of skill that overlay the four cultures (C36), with examples."""
    return records(root(_FILE), "overlay", OverlaySkill)
