"""Fixtures for the deployment tests (hub, PostgreSQL, parallel autograding)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import hub_helpers  # noqa: E402

#: One cohort with every kind of submission the parallel-equals-serial test needs.
COHORT = {
    "ada": "correct",
    "bea": "partial",
    "cal": "blank",
    "dev": "loop",
    "eli": "crash",
    "fay": "notjson",
}

#: A short per-cell timeout keeps the infinite-loop submission cheap; it behaves the same at any value.
FAST_TIMEOUT = "c.Execute.timeout = 8\n"


@pytest.fixture(scope="session")
def cohort_course(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A course with the cohort submitted (not yet graded); copy it before grading."""
    root = tmp_path_factory.mktemp("cohort") / "course"
    assignment = hub_helpers.make_course(root, extra_config=FAST_TIMEOUT)
    hub_helpers.submit_cohort(root, assignment, COHORT)
    return root, assignment


@pytest.fixture
def course_copy(tmp_path: Path):
    """Copy a prepared course into this test's own folder."""
    def copy(src: Path, name: str) -> Path:
        dest = tmp_path / name
        shutil.copytree(src, dest)
        return dest
    return copy
