"""Findings of red team 13 (``/work/logs/redteam13.md``) on grading, each reproduced and now handled:

- F2  an answer cell the learner kept just under the 20,000-character limit (a long comment, or a
      long worked-out cell whose value was saved in answers.json) grew past it when the autograder
      rewrote it with the learner's text kept as comments; the grading kernel then read no answer
      from it, and every test said "not answered" (a1: 0/40 instead of 40/40). The text kept in a
      cell that gives an answer is now cut to fit, and the notebook as handed in has it all.
(F1, the course's folder in the exchange, is in test_exchange_owner.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from nbcourse import A1, FAST, Course, forget_students, place_copy, set_source, A1_RIGHT_Q1, A1_RIGHT_Q2

pytestmark = [pytest.mark.nbgrader]

A3 = "a3-team-audit"
REASON = "I placed each statement by asking who sets the standard and what drives the learning, as Table 1 does. "


def _released(course: Course, assignment: str) -> dict:
    return json.loads((course.root / "exercises" / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8"))


def _cell(nb: dict, gid: str) -> str:
    cell = next(c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == gid)
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def test_a_long_comment_in_an_answer_cell_under_the_limit_is_still_marked(course: Course, tmp_path: Path) -> None:
    from coplearn.grading.answers import MAX_CELL_CHARS

    sids = {"t13-short": 500, "t13-long": 19_000}
    for sid, size in sids.items():
        nb = _released(course, A1)
        source = "# My reasoning: " + (REASON * 400)[:size] + "\n" + A1_RIGHT_Q1
        assert len(source) < MAX_CELL_CHARS
        set_source(nb, "q1-typed", source)
        set_source(nb, "q2-typed", A1_RIGHT_Q2)
        folder = tmp_path / sid
        folder.mkdir()
        (folder / f"{A1}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
        place_copy(course, folder, sid)
    try:
        course.ok(course.api(**FAST).autograde(A1, "t13-*"))
        for sid in sids:
            assert course.score(A1, sid) == 40, sid
        graded = _cell(course.autograded(A1, "t13-long"), "q1-typed")
        assert len(graded) <= MAX_CELL_CHARS
        assert "# Your comments in this cell:" in graded and "see the notebook as handed in (submitted/)" in graded
        assert "# Your answer, as the autograder read it:" in graded
        short = _cell(course.autograded(A1, "t13-short"), "q1-typed")
        assert (REASON * 400)[:500].strip()[:60] in short.replace("#     ", "")  # kept whole when it fits
    finally:
        forget_students(course, *sids)


def test_a_long_worked_out_cell_is_marked_from_its_saved_value(course: Course, tmp_path: Path) -> None:
    from coplearn.grading.answers import MAX_CELL_CHARS

    line = ("scores = {d: round(sum(s.mean for s in lowfield.items if s.item.domain == d) / max(1, len([s for s in "
            "lowfield.items if s.item.domain == d])), 2) for d in domains}\n")
    saved = {"format": "coplearn-answers", "version": 2, "answers": {},
             "computed": {"q1": {"task": 3.46, "team": 2.92, "individual": 3.01}}}
    sids = {"t13-work-short": 10, "t13-work-long": 115}
    for sid, lines in sids.items():
        nb = _released(course, A3)
        source = "# Working out the three domain scores from the item scores\n" + line * lines + "q1 = dict(scores)\n"
        assert len(source) < MAX_CELL_CHARS
        set_source(nb, "q1-typed", source)
        folder = tmp_path / sid
        folder.mkdir()
        (folder / f"{A3}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
        (folder / "answers.json").write_text(json.dumps(saved), encoding="utf-8")
        shutil_copy_data(course, folder)
        place_copy(course, folder, sid, A3)
    try:
        course.api(**FAST).autograde(A3, "t13-work-*")
        q1 = {sid: sum(v or 0 for k, v in course.grades(A3, sid).items() if k.startswith("q1-")) for sid in sids}
        assert q1["t13-work-long"] == q1["t13-work-short"] == 6, q1
        graded = _cell(course.autograded(A3, "t13-work-long"), "q1-typed")
        assert len(graded) <= MAX_CELL_CHARS and "Marked instead" in graded
        assert "see the notebook as handed in (submitted/)" in graded
    finally:
        forget_students(course, *sids)


def shutil_copy_data(course: Course, folder: Path) -> None:
    """The data file the release ships beside a3's notebook."""
    import shutil

    for extra in (course.root / "exercises" / A3).iterdir():
        if extra.suffix == ".csv":
            shutil.copy(extra, folder / extra.name)
