"""Red team 26 (``/work/logs/red26.md``): what the tutor is told about work nbgrader does not see. These tests were
written to fail on the code as it stood at the red team.

- F1  The student's answered notebook in a subfolder beside an untouched top-level notebook (a zip of the folder
      unpacked inside itself): graded 0, and the answered notebook named nowhere; the only line asked for an
      answers.json, which would not help. With the notebook alone in the subfolder, not even the folder was listed.
- F2  A notebook renamed to a name that does not start with the assignment's ("Assignment 1 - Jane Doe.ipynb")
      drew only nbgrader's "No notebooks found, did you forget to run 'nbgrader generate_assignment'?", which
      blames the tutor's set-up.
"""

from __future__ import annotations

import json
import os
import shutil
import time

import pytest
from nbcourse import A1, FAST, Course, forget_students, honest_a1

pytestmark = [pytest.mark.nbgrader]


def _submitted(course: Course, sid: str, change=lambda nb: None) -> tuple[os.PathLike, dict]:
    """``sid`` hands in a1 (changed by ``change``), collected; their submitted folder and the notebook they kept."""
    course.student(sid).hand_in(A1, change)
    course.ok(course.api(**FAST).collect(A1))
    return course.root / "submitted" / sid / A1, course.student(sid).notebook(A1)


def _honest(nb: dict) -> dict:
    honest_a1(nb)
    return nb


def test_work_in_a_subfolder_beside_an_untouched_notebook_is_named(course: Course) -> None:
    nested, nb = _submitted(course, "z26-nested")  # handed in untouched: the work is inside
    inner = nested / A1
    inner.mkdir()
    time.sleep(0.05)
    (inner / f"{A1}.ipynb").write_text(json.dumps(_honest(nb), indent=1), encoding="utf-8")
    (inner / "answers.json").write_text("{}", encoding="utf-8")
    alone, nb = _submitted(course, "z26-sub-only")
    (alone / "sub").mkdir()
    (alone / "sub" / f"{A1}.ipynb").write_text(json.dumps(_honest(nb), indent=1), encoding="utf-8")
    try:
        log = course.api(**FAST).autograde(A1, "z26-*")["log"]
        said = [line for line in log.splitlines() if "coplearn" in line]
        nested_line = next((l for l in said if l.split("coplearn: ", 1)[-1].startswith("z26-nested also handed in")), "")
        assert f"{A1}/{A1}.ipynb, in a subfolder, beside {A1}.ipynb; only {A1}.ipynb is graded" in nested_line, said
        assert "was saved later" in nested_line and "with the answers.json beside it" in nested_line, nested_line
        alone_line = next((l for l in said if "z26-sub-only also handed in" in l), "")
        assert f"sub/{A1}.ipynb, in a subfolder" in alone_line and "answers.json beside it" not in alone_line, said
        # the answers.json in the subfolder is named, not only "ask the student for it"
        assert any("z26-nested: no answers.json in the submitted folder, but "
                   f"{A1}/answers.json is there" in l and "move it up" in l for l in said), said
        for sid, rel in (("z26-nested", f"{A1}/{A1}.ipynb"), ("z26-sub-only", f"sub/{A1}.ipynb")):
            left_out = course.autograded(A1, sid)["metadata"]["coplearn"]["grading"]["left_out"]
            assert f"{rel} (a notebook in a subfolder, not graded)" in left_out, left_out
            assert course.score(A1, sid) == 0  # (what is graded is the untouched notebook, as before)
    finally:
        forget_students(course, "z26-nested", "z26-sub-only")


@pytest.mark.parametrize("name", ["Assignment 1 - Jane Doe.ipynb", "\u0430" + A1[1:] + ".ipynb"])  # (Cyrillic a)
def test_a_renamed_notebook_is_named_whatever_its_new_name(course: Course, name: str) -> None:
    folder, _ = _submitted(course, "z26-renamed", _honest)
    os.rename(folder / f"{A1}.ipynb", folder / name)
    try:
        log = course.api(**FAST).autograde(A1, "z26-renamed")["log"]
        assert f"z26-renamed handed in {name!r}, not '{A1}.ipynb': if it is their work, rename it" in log, log
    finally:
        forget_students(course, "z26-renamed")
        shutil.rmtree(course.student("z26-renamed").folder(A1), ignore_errors=True)


# ---- walk26 (``/work/logs/walk26.md``): what the export says after a re-grade, and late work --------------


def _export(course: Course, dest, *extra: str) -> str:
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "nbgrader", "export", f"--to={dest}", *extra], cwd=course.root,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stderr


def test_the_export_says_marks_given_before_a_regrade_count_and_names_late_work(course: Course, tmp_path) -> None:
    """T-M1: after a re-grade, the export said the tutor's marks were left out of the score, though the score held
    them. T-M4: late work showed only as a log line in seconds."""
    import datetime as dt

    from nbgrader.api import Gradebook

    sid = "z26-marked"
    _submitted(course, sid, _honest)
    api = course.api(**FAST)
    course.ok(api.autograde(A1, sid))
    only = [f"--assignment={A1}", f"--student={sid}"]
    log = _export(course, tmp_path / "before.csv", *only)
    assert "still has marks to give" in log and sid in log  # the essay is not marked yet: its score leaves it out
    try:
        with Gradebook(course.db_url, course_id="coplearn") as gb:  # the tutor marks the written parts
            for nb in gb.find_submission(A1, sid).notebooks:
                for grade in nb.grades:
                    if grade.needs_manual_grade:
                        grade.manual_score, grade.needs_manual_grade = 30.0, False
            gb.db.commit()
            marked = gb.find_submission(A1, sid).score
        assert marked == 70.0
        log = _export(course, tmp_path / "marked.csv", *only)
        assert "marks to give" not in log and "graded again" not in log, log[-2000:]
        course.ok(course.api(**FAST).autograde(A1, sid, force=True))  # graded again: formgrader flags the marks
        with Gradebook(course.db_url, course_id="coplearn") as gb:
            sub = gb.find_submission(A1, sid)
            assert sub.needs_manual_grade and sub.score == 70.0  # (the marks are kept, and counted)
        log = _export(course, tmp_path / "again.csv", *only)
        assert "marks to give" not in log, log[-2000:]  # (it said the score left them out)
        assert (f"coplearn export: {A1}: 1 submission was graded again after you marked it: the marks you gave are "
                f"in the score, but formgrader asks you to check them against the new grading: {sid}.") in log, log
        # late: the same submission, against a due date a day and a half before it arrived (on a copy of the gradebook)
        db = tmp_path / "late.db"
        shutil.copy(course.root / "gradebook.db", db)
        with Gradebook(f"sqlite:///{db}", course_id="coplearn") as gb:
            when = gb.find_submission(A1, sid).timestamp
            gb.update_or_create_assignment(A1, duedate=when - dt.timedelta(hours=36, minutes=5))
        log = _export(course, tmp_path / "late.csv", *only, f"--db=sqlite:///{db}")
        assert (f"coplearn export: {A1}: 1 submission was handed in after the due date (the late_submission_penalty "
                f"column holds what nbgrader took off under your settings; apply your programme's rules for late "
                f"work): {sid} (1 day 12 h late).") in log, log[-2000:]
        # check26 L8: a submission with no recorded time is said, not counted on time without a word
        with Gradebook(f"sqlite:///{db}", course_id="coplearn") as gb:
            gb.find_submission(A1, sid).timestamp = None
            gb.db.commit()
        log = _export(course, tmp_path / "untimed.csv", *only, f"--db=sqlite:///{db}")
        assert (f"coplearn export: {A1}: 1 submission has no submission time, so nbgrader cannot tell whether it was "
                f"late, and counts it on time: {sid}.") in log, log[-2000:]
        assert "handed in after the due date" not in log
        with Gradebook(f"sqlite:///{db}", course_id="coplearn") as gb:
            gb.find_submission(A1, sid).timestamp = when
            gb.db.commit()
        # and coplearn autograde's last line says so too
        from coplearn.grading.parallel import GradeReport, _late

        late = _late(f"sqlite:///{db}", "coplearn", A1, [sid, "z26-nobody"])
        assert [(s, round(sec)) for s, sec in late] == [(sid, 36 * 3600 + 300)]
        report = GradeReport(assignment=A1, graded=(sid,), failed=(), skipped=(), seconds=3.0, jobs=1, replayed=0,
                             executed_here=0, late=late)
        assert (f"1 was handed in after the due date: {sid} (1 day 12 h late) (any late penalty is your nbgrader "
                "setting's; by default none).") in report.summary(), report.summary()
        assert _late(course.db_url, "coplearn", A1, [sid]) == ()  # (no due date: nothing is late)
    finally:
        forget_students(course, sid)


def test_feedback_gives_the_student_no_mark_scheme(course: Course) -> None:
    """T-M2: each student's feedback held the tutor's whole mark scheme, with every band's exemplar answer, under
    "for tutors; removed from the students' version", and the tutor's comment came two screens below it."""
    import html as _html
    import re

    from coplearn.grading.feedback import MARK_SCHEME_NOTE

    sid = "z26-feedback"
    _submitted(course, sid, _honest)
    api = course.api(**FAST)
    try:
        course.ok(api.autograde(A1, sid))
        course.ok(api.generate_feedback(A1, sid))
        page = (course.root / "feedback" / sid / A1 / f"{A1}.html").read_text(encoding="utf-8")
        text = _html.unescape(re.sub(r"<[^>]+>", " ", page))
        source = (course.root / "solutions" / A1 / f"{A1}.ipynb").read_text(encoding="utf-8")
        assert "BEGIN MARK SCHEME" in source and "Exemplars for part (a)" in source  # (what is kept back)
        for kept_back in ("BEGIN MARK SCHEME", "END MARK SCHEME", "for tutors; removed from the students",
                          "Exemplars for part (a)", "Indicative content"):
            assert kept_back not in text, kept_back
        assert text.count(MARK_SCHEME_NOTE.strip("*")) >= 1
        autograded = json.dumps(course.autograded(A1, sid))
        assert "BEGIN MARK SCHEME" in autograded  # (formgrader, the tutor's view, keeps it)
    finally:
        forget_students(course, sid)


def test_coplearn_received_records_the_time_emailed_work_arrived_and_the_warning_stops(course: Course, monkeypatch,
                                                                                        capsys) -> None:
    """walk26 T-M5: every run warned about every emailed folder's own timestamp.txt, even once the tutor had written
    the time the work reached them, as the guide says; with 40 such folders the warnings that cost marks drowned."""
    from nbgrader.api import Gradebook

    from coplearn.cli.main import main

    sid = "z26-emailed"
    folder, _ = _submitted(course, sid, _honest)
    (folder / "timestamp.txt").write_text("2026-12-01 09:00:00 UTC", encoding="utf-8")  # as the student sent it
    said = f"{sid}: the folder has its own timestamp.txt"
    monkeypatch.chdir(course.root)
    try:
        log = course.api(**FAST).autograde(A1, sid, force=True)["log"]
        assert said in log and f"coplearn received {A1} {sid} --at" in log, log[-3000:]
        assert main(["received", A1, sid, "--at", "2026-12-03 14:05"]) == 0
        out = capsys.readouterr().out
        assert f"Recorded that {sid}'s {A1} reached you at 2026-12-03 14:05 UTC" in out, out
        assert (folder / "timestamp.txt").read_text(encoding="utf-8") == "2026-12-03 14:05:00.000000 UTC"
        assert main(["received", A1, sid, "--at", "2026-12-03 14:05"]) == 0  # (the same time again: nothing held before)
        assert "held" not in capsys.readouterr().out
        log = course.api(**FAST).autograde(A1, sid, force=True)["log"]
        assert said not in log, log[-3000:]
        # check26 L3: what it replaces is said, and a graded submission needs grading again for the time to count
        assert main(["received", A1, sid, "--at", "2026-12-03 15:00"]) == 0
        out = capsys.readouterr().out
        assert "It held 2026-12-03 14:05 UTC before." in out and f"--student {sid} --force" in out, out
        assert main(["received", A1, sid, "--at", "2026-12-03 14:05"]) == 0
        capsys.readouterr()
        with Gradebook(course.db_url, course_id="coplearn") as gb:
            assert str(gb.find_submission(A1, sid).timestamp) == "2026-12-03 14:05:00"
        answers = folder / "answers.json"
        answers.write_text('{"format": "coplearn-answers", "version": 2, "answers": {}}', encoding="utf-8")
        log = course.api(**FAST).autograde(A1, sid, force=True)["log"]
        assert said in log  # (the files changed since: said again)
        # what it refuses, in words, writing nothing
        for argv, words in ((["received", A1, "z26-nobody"], "there is no folder submitted/z26-nobody/"),
                            (["received", A1, sid, "--at", "03/12/2026 14:05"], "not a time written year first"),
                            (["received", A1, sid, "--at", "2999-01-01 00:00"], "is in the future"),
                            (["received", A1, "../x"], "is not a folder's name"),
                            (["received", A1, sid, "--at", " "], "--at is empty")):
            assert main(argv) == 1
            err = capsys.readouterr().err
            assert words in err and "Traceback" not in err, (argv, err)
        assert (folder / "timestamp.txt").read_text(encoding="utf-8") == "2026-12-03 14:05:00.000000 UTC"
    finally:
        forget_students(course, sid)


def test_the_course_s_own_comments_are_not_shown_as_the_student_s(course: Course) -> None:
    """walk26 T-L3: the released answer cell's own comments ("# Optional: type your answers here ...") were shown in
    formgrader and the feedback under "# Your comments in this cell:", as if the student had written them."""
    from nbcourse import A1_RIGHT_Q1, set_source

    sid = "z26-comments"

    def answer(nb: dict) -> None:
        honest_a1(nb)
        set_source(nb, "q1-typed", "# Optional: type your answers here instead of using the drop-downs.\n"
                                   "# I was unsure about statement 11.\n" + A1_RIGHT_Q1)

    _submitted(course, sid, answer)
    try:
        course.ok(course.api(**FAST).autograde(A1, sid))
        graded = course.autograded(A1, sid)
        source = next("".join(c["source"]) for c in graded["cells"]
                      if (c["metadata"].get("nbgrader") or {}).get("grade_id") == "q1-typed")
        said = source.split("# Your comments in this cell:\n", 1)[1].split("# Your answer, as the autograder", 1)[0]
        assert "I was unsure about statement 11." in said and "Optional: type your answers here" not in said, source
        assert course.score(A1, sid) == 40
    finally:
        forget_students(course, sid)
