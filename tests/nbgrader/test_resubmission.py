"""A resubmission's written answers are shown as needing marking again (red team 15 F1).

nbgrader's ``SaveAutoGrades`` sets "needs manual grade" again, on a new grading, only for the cells
it grades. The course's written answers are *task* cells, which it never touches: after a student
resubmitted (the written answers now the released placeholder, or "I ran out of time"), the marks
and comments given to the first version stayed, unflagged, and counted in the export. The course's
step now flags a marked task cell whenever its notebook is graded again, keeps the mark, and says
so in one log line, in serial ``nbgrader autograde`` and in ``coplearn autograde --jobs 2`` alike.
"""

from __future__ import annotations

import pytest
from nbcourse import Course

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]

A = "a2-leading-situationally"
TASKS = ("q2-leading-task", "q3-task")


def _task_grades(course: Course, student: str) -> dict[str, tuple[float | None, bool]]:
    with course.gradebook() as gb:
        return {cell: (gb.find_grade(cell, A, A, student).manual_score, bool(gb.find_grade(cell, A, A, student).needs_manual_grade))
                for cell in TASKS}


def _mark(course: Course, student: str, points: float) -> None:
    with course.gradebook() as gb:
        for cell in TASKS:
            grade = gb.find_grade(cell, A, A, student)
            grade.manual_score, grade.needs_manual_grade = points, False
            gb.find_comment(cell, A, A, student).manual_comment = "Excellent analysis"
        gb.db.commit()


def test_a_resubmission_shows_the_written_answers_marked_before_as_needing_marking_again(
        tmp_path, nbgrader_env: None, capfd: pytest.CaptureFixture[str]) -> None:
    from coplearn.grading.parallel import autograde_parallel

    course = Course(tmp_path)
    api = course.api()
    course.ok(api.generate_assignment(A))
    course.ok(api.release_assignment(A))
    for name in ("rs-ann", "rs-bob"):
        s = course.student(name)
        s.fetch(A)
        s.submit(A)
    course.ok(api.collect(A))
    for name in ("rs-ann", "rs-bob"):
        log = course.ok(api.autograde(A, name))["log"]
        assert "were given before this grading" not in log, log  # nothing marked yet: nothing said
    _mark(course, "rs-ann", 20)
    assert _task_grades(course, "rs-ann") == {cell: (20, False) for cell in TASKS}

    course.ok(api.generate_feedback(A, "rs-ann"))
    course.ok(api.release_feedback(A, "rs-ann"))

    # ann resubmits after her feedback (collected as nbgrader does, a newer time): collect says so
    ann = course.student("rs-ann")
    ann.edit(A, "q3-task", "v2: I ran out of time")
    ann.submit(A)
    log = course.ok(api.collect(A))["log"]
    said = [line for line in log.splitlines() if "was collected again, and you have already generated their feedback" in line]
    assert len(said) == 1 and "rs-ann" in said[0], log
    # serial nbgrader
    log = course.ok(api.autograde(A, "rs-ann"))["log"]
    assert _task_grades(course, "rs-ann") == {cell: (20, True) for cell in TASKS}  # kept, and flagged
    said = [line for line in log.splitlines() if "were given before this grading" in line]
    assert len(said) == 1 and "rs-ann" in said[0] and "q2-leading-task, q3-task" in said[0], log
    with course.gradebook() as gb:
        assert gb.find_comment("q3-task", A, A, "rs-ann").manual_comment == "Excellent analysis"  # kept

    # the tutor marks again; a later grading of everyone in parallel flags ann's again, and not bob's
    # (his written answers were never marked: nbgrader shows them as needing marking already)
    _mark(course, "rs-ann", 5)
    capfd.readouterr()
    report = autograde_parallel(A, jobs=2, course_dir=course.root, nbgrader_args=["--force"])
    err = capfd.readouterr().err
    assert report.ok and report.replayed == 2, report
    assert _task_grades(course, "rs-ann") == {cell: (5, True) for cell in TASKS}
    assert _task_grades(course, "rs-bob") == {cell: (None, True) for cell in TASKS}
    said = [line for line in err.splitlines() if "were given before this grading" in line]
    assert len(said) == 1 and "rs-ann" in said[0], err
