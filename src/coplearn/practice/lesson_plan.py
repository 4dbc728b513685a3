"""What each lesson asks of a learner (its activities and "pause and reflect" prompts, from
``data/progress.toml``) and what it states about itself (its minutes and learning outcomes, from
the notebook's ``coplearn`` metadata). :mod:`coplearn.practice.progress` measures a learner's
progress against these plans.

>>> plan = {p.number: p for p in course_plan()}["08"]
>>> plan.activity_ids, plan.prompts
(('SupervisionSorter',), 2)
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coplearn.core.data import root

__all__ = ["LessonPlan", "course_plan", "lesson_of"]


@dataclass(frozen=True, kw_only=True, slots=True)
class LessonPlan:
    """What a lesson asks of the learner, and what it states about itself."""

    number: str
    title: str
    slug: str
    minutes: int | None
    outcomes: tuple[str, ...]
    activities: tuple[tuple[str, str], ...]
    prompts: int

    @property
    def activity_ids(self) -> tuple[str, ...]:
        return tuple(a for a, _ in self.activities)


def _course_folder() -> Path | None:
    env = os.environ.get("COPLEARN_COURSE")
    candidates = [Path(env).expanduser()] if env else []
    here = Path.cwd().resolve()
    candidates += [f / "course" for f in (here, *here.parents)] + [here]
    candidates.append(Path(__file__).resolve().parents[3] / "course")
    for c in candidates:
        if (c / "00-welcome.ipynb").exists():
            return c
    return None


def _notebook_meta(folder: Path | None, slug: str) -> dict[str, Any]:
    if folder is None:
        return {}
    try:
        nb = json.loads((folder / f"{slug}.ipynb").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    meta = nb.get("metadata", {}).get("coplearn", {})
    return meta if isinstance(meta, dict) else {}


@functools.lru_cache(maxsize=4)
def _plan_for(folder: Path | None) -> tuple[LessonPlan, ...]:
    from coplearn.paper.concepts import lessons

    by_number = {}
    top = root("progress.toml")
    for row in top.table_list("lesson"):
        acts = tuple((a.str("id"), a.str("label")) for a in (row.table_list("activity") if row.has("activity") else []))
        by_number[row.str("number")] = (acts, row.int("prompts"))
    plans = []
    for lesson in lessons():
        acts, prompts = by_number.get(lesson.number, ((), 0))
        meta = _notebook_meta(folder, lesson.slug)
        minutes = meta.get("minutes")
        outcomes = meta.get("outcomes") or []
        plans.append(LessonPlan(
            number=lesson.number, title=lesson.title, slug=lesson.slug,
            minutes=minutes if isinstance(minutes, int) and not isinstance(minutes, bool) else None,
            outcomes=tuple(str(o) for o in outcomes), activities=acts, prompts=prompts,
        ))
    return tuple(plans)


def course_plan() -> tuple[LessonPlan, ...]:
    """Every lesson: its activities and prompts (``progress.toml``), minutes and outcomes (the notebook)."""
    return _plan_for(_course_folder())


@functools.lru_cache(maxsize=1)
def _activity_lessons() -> dict[str, str]:
    out: dict[str, str] = {}
    for row in root("progress.toml").table_list("lesson"):
        for a in row.table_list("activity") if row.has("activity") else []:
            out[a.str("id")] = row.str("number")
    return out


def lesson_of(activity: str) -> str | None:
    """The lesson whose activity ``activity`` is (``None`` if no lesson lists it).

    >>> lesson_of("SupervisionSorter"), lesson_of("ContextSorter:wenger"), lesson_of("Nothing")
    ('08', '04', None)
    """
    return _activity_lessons().get(activity)


def _lesson_number(lesson: str | int) -> str:
    from coplearn.paper.concepts import get_lesson

    return get_lesson(lesson).number
