"""Findings of red team 17 (``/work/logs/red17.md``) on what the tutor is shown, each reproduced and now handled.

F1  One typed answer of ~120 characters ("-  -  - ... x") made ``coplearn cohort report -o report.md``
    (and ``coplearn audit report -o report.md`` on one survey comment) run for days: the Markdown
    filter's pattern backtracked exponentially (tests/test_markdown_text.py).
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
    """F2: the record (which the cohort report reads) names the answers the kernel marked: the typed
    ones where their values, written as the kernel compares them, fit in the cell it reads (check 17
    F7), else the drop-down ones, which the cell and the log then say."""
    pad = "\u200b" * 1990
    saved = {"format": "coplearn-answers", "version": 2,
             "answers": {f"q1_readiness.{k}": v for k, v in RIGHT.items()}}  # right in the drop-downs
    cases = {
        # options padded with invisible characters: written as the options they name, and marked as typed
        "t17-padded": ({k: v + pad for k, v in dict(RIGHT, frank="R1").items()}, dict(RIGHT, frank="R1"), 20),
        # text naming no option, padded: too long however written: the drop-downs are marked
        "t17-unread": ({k: "not sure" + pad for k in RIGHT}, RIGHT, 25),
    }
    for sid, (typed, _, _) in cases.items():
        nb = _released(course, A2)
        set_source(nb, "q1-typed", "q1_readiness = " + json.dumps(typed, ensure_ascii=False))
        set_source(nb, "q2-typed", 'q2_stage = "storming"')
        _placed(course, tmp_path, sid, nb, A2, saved=saved)
    try:
        log = "".join(course.ok(course.api(**FAST).autograde(A2, sid))["log"] for sid in cases)
        assert "coplearn: t17-unread: cell" in log and "so these answers are marked from the choice or number saved in " \
            "answers.json" in log, log[-3000:]
        assert "t17-padded: cell" not in log, log[-3000:]
        for sid, (_, marked, score) in cases.items():
            graded = json.loads((course.root / "autograded" / sid / A2 / f"{A2}.ipynb").read_text(encoding="utf-8"))
            record = graded["metadata"]["coplearn"]["graded_answers"]
            assert {k: record[f"q1_readiness.{k}"] for k in RIGHT} == marked, (sid, record)
            assert course.score(A2, sid) == score, sid
            cell = next(c for c in graded["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "q1-typed")
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            assert source.startswith("# Not read by the autograder") == (sid == "t17-unread"), source[:300]
    finally:
        forget_students(course, *cases)
