"""Session 21: red team 21's findings on grading.

- F2: a whole-value choice typed as ``[None]`` (a list holding nothing) was blank to the autograder,
  which marked the drop-down, and an answer to the learner's own run, which said "[None] (typed)" and
  "not one of Tuckman's five stages": the two must mark the same answer.
- F1: a notebook of about 2,000 cells Python cannot read wrote one line per cell to the tutor's log
  (1,924 lines, 455 KB, also under ``--quiet``), burying the warnings about everyone else in the run.
"""

from __future__ import annotations

import json
import re

import pytest
from nbcourse import (A1, A1_RIGHT_Q1, FAST, Course, cell_by_id, forget_students, index_of, new_cell, output_text,
                      set_source)

pytestmark = [pytest.mark.nbgrader]

A2 = "a2-leading-situationally"
STORMING = json.dumps({"format": "coplearn-answers", "version": 2, "answers": {"q2_stage": "storming"}})


def test_which_answers_count_as_blank() -> None:
    """``answers.blank_answer`` is the one blank test: the learner's checks (``resolve``), the
    autograder's rewriting and the record of marked answers (``sanitise``) use it by name, so they
    cannot disagree; that they agree in use is for the end-to-end tests below."""
    from coplearn.grading import answers, resolve, sanitise

    assert resolve._blank is answers.blank_answer and sanitise._blank_answer is answers.blank_answer
    for value in ([None], ["", None], {1: None}, (None,), [], {}, None, "  ", [[None], {"a": ("",)}], {None}):
        assert answers.blank_answer(value), value
    for value in (["storming"], [None, "storming"], 0, 0.0, False, {1: "managed"}, [[None], ["forming"]]):
        assert not answers.blank_answer(value), value


def _said_about_the_stage(nb: dict) -> str:
    return "\n".join(output_text(c) for c in nb["cells"] if c["cell_type"] == "code"
                     and "Northgate team's stage" in output_text(c))


@pytest.mark.slow
def test_red21_a_list_of_blanks_typed_is_the_drop_down_answer_in_the_learner_s_run_and_when_marked(
        course: Course) -> None:
    sid = "t21-listnone"
    try:
        s = course.student(sid)
        s.fetch(A2)
        nb = s.notebook(A2)
        set_source(nb, "q2-typed", "q2_stage = [None]")
        s.save_notebook(A2, nb)
        (s.folder(A2) / "answers.json").write_text(STORMING, encoding="utf-8")
        seen = _said_about_the_stage(s.run_all(A2))  # Restart Kernel and Run All, in the learner's folder
        assert "Your answer to the Northgate team's stage: storming (chosen with the drop-down)" in seen, seen
        assert "[None]" not in seen, seen
        s.submit(A2)
        api = course.api(**FAST)
        course.ok(api.collect(A2))
        course.ok(api.autograde(A2, sid))
        marked = _said_about_the_stage(course.autograded(A2, sid))
        assert "Your answer to the Northgate team's stage: storming (chosen with the drop-down)" in marked, marked
        assert course.score(A2, sid) == 5  # the stage's mark, from the drop-down; nothing else answered
    finally:
        forget_students(course, sid)


@pytest.mark.slow
def test_red21_many_cells_python_cannot_read_are_counted_in_the_log_not_listed(course: Course) -> None:
    sid = "t21-many"

    def many(nb: dict) -> None:
        set_source(nb, "q1-typed", A1_RIGHT_Q1)
        for n in range(40):
            nb["cells"].append(new_cell("code", 'q1 = {1: "managed"', f"mine-{n}"))

    try:
        course.student(sid).hand_in(A1, many)
        api = course.api(**FAST)
        course.ok(api.collect(A1))
        log = course.ok(api.autograde(A1, sid))["log"]
        named = re.findall(rf"coplearn: {sid}: cell \d+ was not run", log)
        assert len(named) == 10, log[-3000:]
        counted = re.findall(rf"coplearn: {sid}: and (\d+) more cells not run or shown as text, like those above \(cells ([^)]*)\)", log)
        assert len(counted) == 1 and counted[0][0] == "30" and counted[0][1].endswith(" and 20 more"), counted
        assert course.score(A1, sid) == 24  # q1's twelve statements typed right, nothing else (as with 1 such cell)
        last = course.autograded(A1, sid)["cells"][-1]
        assert "".join(last["source"]).startswith("# Not run by the course's autograder: "), last["source"]
    finally:
        forget_students(course, sid)


@pytest.mark.slow
def test_red21_files_pasted_into_a_text_cell_are_left_in_submitted_and_the_tutor_is_told(course: Course) -> None:
    """red team 21 F3: a student's text cells kept what was pasted into them (30 MB of images came through
    to the graded copy), though their text is shown inert and the files never show."""
    sid = "t21-pasted"
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="

    def pasted(nb: dict) -> None:
        set_source(nb, "q1-typed", A1_RIGHT_Q1)
        # into a locked cell of the course's, a raw cell, then (after eleven raw cells, whose lines are
        # counted beyond ten) a text cell of the student's: each is named in the log (check21 #3 to #5)
        nb["cells"][index_of(nb, "intro")]["attachments"] = {"big.png": {"image/png": png}}
        nb["cells"].append(new_cell("raw", "see x", "mine-raw", attachments={"x.png": {"image/png": png}}))
        nb["cells"].extend(new_cell("raw", f"raw {n}", f"mine-raw-{n}") for n in range(11))
        nb["cells"].append(new_cell("markdown", "My diagram: ![diagram](attachment:diagram.png)", "mine-md",
                                    attachments={"diagram.png": {"image/png": png}}))

    try:
        course.student(sid).hand_in(A1, pasted)
        api = course.api(**FAST)
        course.ok(api.collect(A1))
        log = course.ok(api.autograde(A1, sid))["log"]
        for name in ("big", "x", "diagram"):
            assert re.search(rf"coplearn: {sid}: cell \d+( \(intro\))? had 1 file pasted into it \({name}\.png\): not "
                             r"shown in formgrader or the feedback; the notebook as handed in \(submitted/\) has them",
                             log), (name, log[-3000:])
        assert re.search(rf"coplearn: {sid}: and 2 more cells not run or shown as text, like those above \(cells \d+, \d+\)",
                         log), log[-3000:]
        nb = course.autograded(A1, sid)
        assert not any("attachments" in c for c in nb["cells"])
        assert course.score(A1, sid) == 24
        handed_in = json.loads((course.root / "submitted" / sid / A1 / f"{A1}.ipynb").read_text(encoding="utf-8"))
        assert handed_in["cells"][-1]["attachments"]["diagram.png"]["image/png"] == png
    finally:
        forget_students(course, sid)


@pytest.mark.slow
def test_check21_the_record_of_what_was_marked_goes_by_the_same_blanks(course: Course) -> None:
    """check21 #2: the record the cohort report reads kept "[None]" for a statement whose typed value was a
    list of blanks, though the checks marked the drop-down answer."""
    sid = "t21-record"
    answers = json.dumps({"format": "coplearn-answers", "version": 2, "answers": {"q1.1": "managed"}})

    try:
        s = course.student(sid)
        s.fetch(A1)
        nb = s.notebook(A1)
        set_source(nb, "q1-typed", A1_RIGHT_Q1.replace("1: 'managed'", "1: [None]"))
        set_source(nb, "q2-typed", 'q2 = [[None], "managed"]')
        s.save_notebook(A1, nb)
        (s.folder(A1) / "answers.json").write_text(answers, encoding="utf-8")
        s.submit(A1)
        api = course.api(**FAST)
        course.ok(api.collect(A1))
        course.ok(api.autograde(A1, sid))
        graded = course.autograded(A1, sid)
        record = graded["metadata"]["coplearn"]["graded_answers"]
        said = "\n".join(output_text(c) for c in graded["cells"] if c["cell_type"] == "code")
        assert "Your answer to statement 1: managed (chosen with the drop-down)" in said, said[:2000]
        assert record["q1.1"] == "managed" and record["q2"] == ["managed"], record
        assert course.score(A1, sid) == 24 + 8  # every statement, and question 2's first mark
    finally:
        forget_students(course, sid)


@pytest.mark.slow
@pytest.mark.parametrize("inline", [False, True], ids=["one-worker", "one-job-inline"])
def test_check20b_a_kept_kernel_shows_the_next_student_s_errors_as_a_fresh_kernel_does(course: Course, inline: bool) -> None:
    """check20b L6 (red team 20 F5): a kernel kept from one student to the next kept the first one's way of
    showing errors (one plain line, set by their set-up cell), so a second student whose set-up cell was
    below their checks saw errors unlike those of serial grading. The reset between students puts it back;
    here the second student's check outputs are compared, kept kernel against serial nbgrader."""
    from coplearn.grading.parallel import autograde_parallel

    x = "t21-xi" if inline else "t21-x"  # (students of their own: the course is shared by the module's tests)
    first, second = f"{x}a-honest", f"{x}b-moved"

    def moved(nb: dict) -> None:
        set_source(nb, "q1-typed", 'q1 = {1: "professional"}')  # statement 1 wrong: a failed check
        nb["cells"].append(nb["cells"].pop(index_of(nb, "setup")))

    def checks(sid: str) -> list[list[str]]:
        """Each statement check's error, as shown: every line of its traceback (not only its message)."""
        nb = course.autograded(A1, sid)
        return [[line for o in c.get("outputs", []) if o.get("output_type") == "error" for line in o.get("traceback", [])]
                for c in nb["cells"] if c["cell_type"] == "code"
                and str((c.get("metadata", {}).get("nbgrader") or {}).get("grade_id", "")).startswith("q1-statement")]

    try:
        course.student(first).hand_in(A1, lambda nb: set_source(nb, "q1-typed", A1_RIGHT_Q1))
        course.student(second).hand_in(A1, moved)
        api = course.api(**FAST)
        course.ok(api.collect(A1))
        course.ok(api.autograde(A1, second))  # serial nbgrader: a fresh kernel
        serial = checks(second)
        assert len(serial[0]) > 1, serial[0]  # a fresh kernel shows the whole traceback until the set-up cell runs
        report = autograde_parallel(A1, jobs=1, course_dir=course.root, progress=lambda _: None, inline=inline,
                                    nbgrader_args=[f"--student={x}[ab]*", "--force"])
        assert sorted(report.graded) == [first, second], report.summary()
        assert (report.kept_here if inline else report.replayed) == 2, report.summary()
        assert checks(second) == serial, (checks(second)[:1], serial[:1])
    finally:
        forget_students(course, first, second)
