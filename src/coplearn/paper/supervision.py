"""Supervision's two futures and the degrees of involvement of people who use services.

The two futures of supervision are the paper's (Gray et al. 2010, on Skills for Care & CWDC 2007).
The practice statements that illustrate them, and the four-step involvement scale, are the
course's own; the scale is an interpretation, since the paper names degrees of personalisation
(Carr 2008) but no scale.

>>> import coplearn as cl
>>> [f.key for f in cl.supervision_futures()]
['monitoring', 'developmental']
>>> [d.key for d in cl.involvement_degrees()]
['informed', 'consulted', 'partners', 'co_producers']
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from coplearn.core import validate as _validate
from coplearn.core.data import records, root, text

__all__ = [
    "InvolvementDegree",
    "InvolvementScenario",
    "SupervisionFuture",
    "SupervisionPractice",
    "get_degree",
    "get_future",
    "involvement_degrees",
    "involvement_scenarios",
    "supervision_futures",
    "supervision_practices",
    "INVOLVEMENT_NOTE",
    "SUPERVISION_NOTE",
]


@dataclass(frozen=True, kw_only=True, slots=True)
class SupervisionFuture:
    key: str
    name: str
    summary: str
    features: tuple[str, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class SupervisionPractice:
    """A practice to sort as monitoring or developmental, with the reason."""

    id: str
    text: str
    future: str
    why: str


@dataclass(frozen=True, kw_only=True, slots=True)
class InvolvementDegree:
    key: str
    level: int
    name: str
    summary: str


@dataclass(frozen=True, kw_only=True, slots=True)
class InvolvementScenario:
    id: str
    text: str
    degree: str
    why: str


@dataclass(frozen=True, slots=True)
class _Practice:
    futures: tuple[SupervisionFuture, ...]
    practices: tuple[SupervisionPractice, ...]
    degrees: tuple[InvolvementDegree, ...]
    scenarios: tuple[InvolvementScenario, ...]
    supervision_note: str
    involvement_note: str


@functools.lru_cache(maxsize=None)
def _load() -> _Practice:
    top = root("practice.toml")
    futures = records(top, "future", SupervisionFuture)
    practices = records(top, "practice", SupervisionPractice, choices={"future": [f.key for f in futures]})
    degrees = records(top, "degree", InvolvementDegree)
    scenarios = records(top, "scenario", InvolvementScenario, choices={"degree": [d.key for d in degrees]})
    return _Practice(
        futures=futures, practices=practices,
        degrees=tuple(sorted(degrees, key=lambda d: d.level)), scenarios=scenarios,
        supervision_note=top.table("supervision").str("note"),
        involvement_note=top.table("involvement").str("note"),
    )


#: What in the supervision material is the paper's and what is the course's.
SUPERVISION_NOTE: str = text("practice.toml", "supervision", "note")
#: Says the four-step involvement scale is the course's interpretation.
INVOLVEMENT_NOTE: str = text("practice.toml", "involvement", "note")


def supervision_futures() -> tuple[SupervisionFuture, ...]:
    """The two futures the paper sees for the supervision standards."""
    return _load().futures


def get_future(name: str) -> SupervisionFuture:
    """Look up a future by key, ignoring case.

    >>> get_future("educative")
    Traceback (most recent call last):
    ...
    LookupError: 'educative' is not a future for supervision; choose one of: monitoring, developmental
    """
    return _validate.find(name, supervision_futures(), "future for supervision", ("key",))


def supervision_practices() -> tuple[SupervisionPractice, ...]:
    """Practice statements to sort into monitoring or developmental (the course's examples)."""
    return _load().practices


def involvement_degrees() -> tuple[InvolvementDegree, ...]:
    """The course's four-step scale of involvement, shallow to deep (an interpretation)."""
    return _load().degrees


def get_degree(name: str) -> InvolvementDegree:
    """Look up a degree of involvement by key or name, ignoring case.

    >>> get_degree("Co-producers").level
    4
    """
    return _validate.find(name, involvement_degrees(), "degree of involvement", ("key",))


def involvement_scenarios() -> tuple[InvolvementScenario, ...]:
    """Scenarios to place on the degrees of involvement (the course's examples)."""
    return _load().scenarios
