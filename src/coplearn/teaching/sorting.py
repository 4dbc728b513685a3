"""Sorting activities for lessons 01, 02 and 04: statements to sort, each with the course's answer.

The statements, the answers and the reasons (citing Gray et al. 2010) are the course's own. The
data live in ``coplearn/data/context.toml`` (``[[activity]]``).

>>> from coplearn.teaching import sorting
>>> act = sorting.sort_activity("pressures")
>>> act.lesson, len(act.items) >= 8, act.labels["managerial"]
('01', True, 'Managerial: the modernising agenda')
>>> sorting.sort_activity("gossip")
Traceback (most recent call last):
...
LookupError: 'gossip' is not a sorting activity; choose one of: pressures, routes, vignettes, wenger
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from coplearn.core import validate as _validate
from coplearn.core.data import Path, records, root
from coplearn.paper.concepts import get_lesson, lessons

__all__ = ["SortActivity", "SortItem", "sort_activities", "sort_activity"]

_FILE = "context.toml"


@dataclass(frozen=True, kw_only=True, slots=True)
class SortItem:
    """A statement to sort, with the course's answer and why."""

    id: str
    text: str
    answer: str
    why: str


@dataclass(frozen=True, kw_only=True, slots=True)
class SortActivity:
    """A sorting activity: the question, the options as ``(key, label)`` and the items."""

    key: str
    lesson: str
    title: str
    question: str
    note: str
    options: tuple[tuple[str, str], ...]
    items: tuple[SortItem, ...]

    @property
    def labels(self) -> dict[str, str]:
        return dict(self.options)


def _activity_parts(row: Path, _: int) -> dict[str, object]:
    options = tuple((o.str("key"), o.str("label")) for o in row.table_list("option"))
    items = records(row, "item", SortItem, choices={"answer": [k for k, _ in options]})
    return {"options": options, "items": items}


@functools.lru_cache(maxsize=None)
def _activities() -> tuple[SortActivity, ...]:
    return records(root(_FILE), "activity", SortActivity, each=_activity_parts,
                   choices={"lesson": [lesson.number for lesson in lessons()]})


def sort_activities(lesson: str | None = None) -> tuple[SortActivity, ...]:
    """All sorting activities, or those of one lesson (``"01"``)."""
    acts = _activities()
    if lesson is not None:
        number = get_lesson(lesson).number
        acts = tuple(a for a in acts if a.lesson == number)
    return acts


def sort_activity(key: str) -> SortActivity:
    """One sorting activity by key: ``pressures``, ``routes``, ``vignettes`` or ``wenger``."""
    return _validate.find(key, _activities(), "sorting activity", ("key",))
