"""Findings of red team 17 (``/work/logs/red17.md``) on what the tutor is shown, each reproduced and now handled.

F1  One typed answer of ~120 characters ("-  -  - ... x") made ``coplearn cohort report -o report.md``
    (and ``coplearn audit report -o report.md`` on one survey comment) run for days: the Markdown
    filter's pattern backtracked exponentially (tests/test_templates_redos.py).
F2  A student whose typed answers grow past the grading kernel's limit once written out (invisible
    characters) had their typed, wrong, answer in the course's record while the kernel marked their
    drop-down, right, answer; the cohort report then called the wrong answer right and dropped the
    "reteach" line for classmates who gave it. The log said the answers were "marked unanswered".
F3  Bidirectional-override characters in a typed answer reached the cohort report as they are.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from nbcourse import FAST, Course, forget_students, set_source

from test_hostile13 import _placed, _released

pytestmark = [pytest.mark.nbgrader]

A2 = "a2-leading-situationally"
RIGHT = {"frank": "R3", "dan": "R1", "sian": "R4", "leila": "R2"}


def test_typed_answers_the_kernel_cannot_read_are_recorded_as_what_it_marks(course: Course, tmp_path: Path) -> None:
    """F2: the record (which the cohort report reads) names the drop-down answers the kernel marked."""
    nb = _released(course, A2)
    pad = "\u200b" * 1990
    typed = dict(RIGHT, frank="R1")  # Frank wrong when typed ...
    set_source(nb, "q1-typed", "q1_readiness = " + json.dumps({k: v + pad for k, v in typed.items()}, ensure_ascii=False))
    set_source(nb, "q2-typed", 'q2_stage = "storming"')
    saved = {"format": "coplearn-answers", "version": 2,
             "answers": {f"q1_readiness.{k}": v for k, v in RIGHT.items()}}  # ... and right in the drop-down
    _placed(course, tmp_path, "t17-unread", nb, A2, saved=saved)
    try:
        result = course.ok(course.api(**FAST).autograde(A2, "t17-unread"))
        assert "the kernel does not read them, so each is marked from its drop-down answer" in result["log"], \
            result["log"][-3000:]
        assert "marked unanswered;" not in result["log"]
        graded = json.loads((course.root / "autograded" / "t17-unread" / A2 / f"{A2}.ipynb").read_text(encoding="utf-8"))
        record = graded["metadata"]["coplearn"]["graded_answers"]
        assert {k: record[f"q1_readiness.{k}"] for k in RIGHT} == RIGHT, record  # what the kernel marked
        assert course.score(A2, "t17-unread") == 25  # the drop-downs are right (as serial nbgrader)
    finally:
        forget_students(course, "t17-unread")
