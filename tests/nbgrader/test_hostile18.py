"""Findings of red team 18 (``/work/logs/red18.md``), each reproduced and now handled:

- F1  a version 3 notebook with an empty ``cells`` list beside its worksheets passed the cell and
      output counts (tests in test_hostile10.py, beside the earlier counting tests).
- F2  the 100,000-character cap on a written answer shown to the tutor was per cell, so 600 cells
      just under it (57 MB) reached formgrader and the feedback in full: a budget for the whole
      notebook's text, said in the log.
- F3  a student id holding ``%`` or ``#`` was graded, and formgrader's link for ``%61nn`` opened
      ann's page: such ids are refused, that student alone, named.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from nbcourse import A1, FAST, Course, forget_students, graded_honest, honest_a1, place_copy

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]


@pytest.fixture(scope="module")
def honest(course: Course) -> Path:
    """t18-honest's submitted folder, collected and autograded."""
    return graded_honest(course, "t18-honest")


@pytest.mark.parametrize("sid", ["%74", "t18#2"])
def test_an_id_that_changes_a_web_address_is_not_graded_and_is_named(course: Course, honest: Path, sid: str) -> None:
    place_copy(course, honest, sid)
    try:
        log = course.api(**FAST).autograde(A1, sid)["log"]
        assert "which change a web address" in log, log[-2000:]
        assert not (course.root / "autograded" / sid / A1).exists()
    finally:
        forget_students(course, sid)


def test_collect_refuses_an_id_with_a_percent_sign_and_collects_the_rest(course: Course, honest: Path) -> None:
    course.student("t18-%61").hand_in(A1, honest_a1)
    course.student("t18-after").hand_in(A1, honest_a1)
    result = course.api().collect(A1)
    shown = json.dumps(result)
    assert not (course.root / "submitted" / "t18-%61").exists()
    assert (course.root / "submitted" / "t18-after" / A1 / f"{A1}.ipynb").is_file()
    assert "t18-%61" in shown and "which change a web address" in shown, shown[-2000:]
