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


def test_many_long_written_cells_are_shown_within_one_budget_and_answers_still_marked(course: Course, tmp_path: Path) -> None:
    """F2: ten written cells of 60,000 characters each (each under the one-cell cap) and, after them,
    an answer cell with a long comment: what the grading page and the feedback show of the student's
    own text is bounded for the whole notebook, the log names the cells cut, the answers are still
    marked, and submitted/ keeps it all."""
    from coplearn.grading.sanitise import TEXT_BUDGET, TEXT_KEPT
    from nbcourse import A1_RIGHT_Q1, A1_RIGHT_Q2, cell_by_id, new_cell, set_source
    from test_hostile13 import _placed, _released

    nb = _released(course, A1)
    essay = "\n".join(f"Paragraph {n}: the team learns together when its leader makes time for it." for n in range(800))
    assert TEXT_BUDGET // 10 < len(essay) < TEXT_KEPT
    at = nb["cells"].index(cell_by_id(nb, "q1-typed"))
    for n in range(10):
        nb["cells"].insert(at, new_cell("markdown", f"Essay part {n}\n" + essay, f"essay-{n}"))
    set_source(nb, "q1-typed", "# My reasoning: " + "I read Table 1 again. " * 600 + "\n" + A1_RIGHT_Q1)
    set_source(nb, "q2-typed", A1_RIGHT_Q2)
    _placed(course, tmp_path, "t18-essays", nb)
    try:
        result = course.ok(course.api(**FAST).autograde(A1, "t18-essays"))
        assert course.score(A1, "t18-essays") == 40
        log = result["log"]
        assert f"passes the {TEXT_BUDGET:,} characters shown" in log, log[-3000:]
        graded = course.autograded(A1, "t18-essays")
        text = lambda c: "".join(c["source"]) if isinstance(c["source"], list) else c["source"]  # noqa: E731
        parts = [text(c) for c in graded["cells"] if str(c.get("id", "")).startswith("essay-")]
        assert len(parts) == 10 and sum(len(p) for p in parts) < 1.2 * TEXT_BUDGET, [len(p) for p in parts]
        assert "Paragraph 799:" in parts[0] and "Paragraph 799:" not in parts[-1]  # the first shown in full
        assert all("in submitted/: it is too long to show here" in p for p in parts[-4:])
        answer = text(cell_by_id(graded, "q1-typed"))
        assert "# Your answer, as the autograder read it:" in answer and "see the notebook as handed in" in answer
        handed_in = (course.root / "submitted" / "t18-essays" / A1 / f"{A1}.ipynb").read_text(encoding="utf-8")
        assert handed_in.count("Paragraph 799:") == 10
        course.ok(course.api().generate_feedback(A1, "t18-essays"))
        page = next((course.root / "feedback" / "t18-essays" / A1).glob("*.html"))
        assert page.stat().st_size < 5 * TEXT_BUDGET, page.stat().st_size
    finally:
        forget_students(course, "t18-essays")
