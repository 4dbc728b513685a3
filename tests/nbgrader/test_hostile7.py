"""Findings of red team 8 (``/work/logs/redteam8.md``) on grading, each reproduced and now handled
(its cohort-report findings, F1 and F6, are tested in ``tests/cohort``):

- F2  more hand edits nbformat cannot read (a format or minor version that is text, negative or 5;
      no settings on the notebook or a cell; attachments given as a list; an output that is text)
      failed that student with only nbgrader's traceback: now a plain line names what is wrong.
      A notebook setting of the wrong type (``language_info`` as text), which the tutor guide says
      is mended, failed the student too: now it is dropped before the notebook is checked.
- F3  a folder in the submission named like a release data file (a3's ``lowfield-team-audit.csv``)
      failed that student with a bare ``IsADirectoryError``: now it is renamed aside, named in a
      line, and the student is graded with the release's own file, serially and under ``--jobs``.
- F5  a resubmission that fails to grade kept the earlier grading's marks, under the new time:
      ``coplearn autograde``'s summary now names such students and says those marks are not for
      this submission.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from nbcourse import A1, FAST, Course, graded_honest, place_copy, forget_students

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]

A3 = "a3-team-audit"



@pytest.fixture(scope="module")
def honest(course: Course) -> Path:
    """t8-honest's submitted folder, collected and autograded (40 points)."""
    return graded_honest(course, "t8-honest")






def _edit(folder: Path, change) -> None:
    path = folder / f"{A1}.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    change(nb)
    path.write_text(json.dumps(nb), encoding="utf-8")


def _first_markdown(nb: dict) -> dict:
    return next(c for c in nb["cells"] if c["cell_type"] == "markdown")


#: student -> (the hand edit, what the plain line says after "is not a notebook nbgrader can read: ")
SHAPES = {
    "t8-minor-text": (lambda nb: nb.update(nbformat_minor="5"), "its format's minor version is text"),
    "t8-minor-neg": (lambda nb: nb.update(nbformat_minor=-1), "its format's minor version is -1"),
    "t8-format-5": (lambda nb: nb.update(nbformat=5), "its format version is 5; the course reads version 4"),
    "t8-attach-list": (lambda nb: _first_markdown(nb).update(attachments=[]), "the attachments of its cell"),
    "t8-no-cell-meta": (lambda nb: _first_markdown(nb).pop("metadata"), "has no settings (metadata) at all"),
    "t8-no-nb-meta": (lambda nb: nb.pop("metadata"), "it has no settings (metadata) at all"),
    "t8-output-text": (lambda nb: nb["cells"][3].update(cell_type="code", execution_count=None,
                                                         outputs=["just text"]), "an output of its cell 4 is text"),
}


def test_more_hand_edits_nbformat_cannot_read_are_named_and_fail_alone(course: Course, honest: Path) -> None:
    for sid, (change, _) in SHAPES.items():
        _edit(place_copy(course, honest, sid), change)
    _edit(place_copy(course, honest, "t8-shape-langinfo"), lambda nb: nb["metadata"].update(language_info="python"))
    try:
        log = course.api(**FAST).autograde(A1, "t8-*-*")["log"]
        for sid, (_, said) in SHAPES.items():
            assert f"coplearn: {sid}: {A1}.ipynb is not a notebook nbgrader can read: " in log, (sid, log[-3000:])
            line = log[log.index(f"coplearn: {sid}: {A1}.ipynb is not"):][:400]
            assert said in line, (sid, line)
            assert not (course.root / "autograded" / sid / A1).exists()
        # a notebook setting of the wrong type is dropped before the check: graded in full
        assert course.score(A1, "t8-shape-langinfo") == 40
    finally:
        forget_students(course, *SHAPES, "t8-shape-langinfo")


def test_a_folder_named_like_a_release_data_file_is_put_aside_and_the_student_graded(course: Course) -> None:
    from coplearn.grading.parallel import autograde_parallel

    course.student("t8-a3-ok").hand_in(A3, lambda nb: None)  # the released notebook, unanswered
    course.ok(course.api().collect(A3))
    ok = course.root / "submitted" / "t8-a3-ok" / A3
    for sid in ("t8-a3-clash", "t8-a3-clash2"):
        folder = place_copy(course, ok, sid, A3)
        (folder / "lowfield-team-audit.csv").unlink(missing_ok=True)
        (folder / "lowfield-team-audit.csv").mkdir()
        (folder / "lowfield-team-audit.csv" / "x.txt").write_text("not the data")
    try:
        log = course.api(**FAST).autograde(A3, "t8-a3-clash")["log"]
        report = autograde_parallel(A3, jobs=2, course_dir=course.root,
                                    nbgrader_args=["--student=t8-a3-*", "--Execute.timeout=10"])
        for sid in ("t8-a3-clash", "t8-a3-clash2"):
            assert (course.root / "autograded" / sid / A3).is_dir(), (sid, report.summary())
            assert course.score(A3, sid) == course.score(A3, "t8-a3-ok")
            data = course.root / "autograded" / sid / A3 / "lowfield-team-audit.csv"
            assert data.read_bytes() == (course.root / "solutions" / A3 / "lowfield-team-audit.csv").read_bytes()
        assert ("coplearn: t8-a3-clash: the submitted folder holds a folder named lowfield-team-audit.csv where "
                "the assignment has a file of that name") in log, log[-3000:]
        assert not report.failed, report.summary()
    finally:
        forget_students(course, "t8-a3-ok", "t8-a3-clash", "t8-a3-clash2")


def test_a_resubmission_that_fails_names_the_earlier_marks_it_leaves(course: Course, honest: Path) -> None:
    from coplearn.grading.parallel import autograde_parallel

    folder = place_copy(course, honest, "t8-stale")
    try:
        course.ok(course.api(**FAST).autograde(A1, "t8-stale"))
        assert course.score(A1, "t8-stale") == 40
        # the student hands in again, later, a notebook that cannot be read
        (folder / "timestamp.txt").write_text("2099-01-01 09:00:00.000000 UTC")
        _edit(folder, lambda nb: nb.pop("metadata"))
        report = autograde_parallel(A1, jobs=2, course_dir=course.root,
                                    nbgrader_args=["--student=t8-stale", "--Execute.timeout=10"])
        assert report.failed == ("t8-stale",) and report.stale == ("t8-stale",), report.summary()
        assert "still holds marks from an earlier grading for t8-stale: they are not marks for" in report.summary()
        assert course.score(A1, "t8-stale") == 40  # (nbgrader's own behaviour, named above)
    finally:
        forget_students(course, "t8-stale")
