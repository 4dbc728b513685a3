"""The lessons the browser tests walk through, and where they are served from."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import coplearn as cl
from servers import REPO

#: ``COPLEARN_TEST_COURSE`` (optional) points the tests at another course folder (e.g. a scratch notebook).
COURSE = Path(os.environ.get("COPLEARN_TEST_COURSE") or REPO / "course")
LESSONS = [(lesson.number, lesson.filename) for lesson in cl.lessons()]
VIEWPORT = {"width": 1280, "height": 900}


def lesson_params() -> list:
    return [pytest.param((num, name), id=num) for num, name in LESSONS]


def require_lesson(served_root: Path, name: str) -> None:
    """A lesson in the lesson table must be in the course; only a scratch ``COPLEARN_TEST_COURSE`` may lack it."""
    if (served_root / "course" / name).exists():
        return
    if os.environ.get("COPLEARN_TEST_COURSE"):
        pytest.skip(f"{name} is not in COPLEARN_TEST_COURSE={COURSE}")
    pytest.fail(f"course/{name} is in the lesson table but not in the course")
