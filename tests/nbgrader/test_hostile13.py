"""Findings of red team 13 (``/work/logs/redteam13.md``) on grading, each reproduced and now handled:

- F2  an answer cell the learner kept just under the 20,000-character limit (a long comment, or a
      long worked-out cell whose value was saved in answers.json) grew past it when the autograder
      rewrote it with the learner's text kept as comments; the grading kernel then read no answer
      from it, and every test said "not answered" (a1: 0/40 instead of 40/40). The text kept in a
      cell that gives an answer is now cut to fit, and the notebook as handed in has it all.
- F4  a student sent later work in a folder holding their own collected ``timestamp.txt`` (which
      they hold byte for byte), and the tutor put it in ``submitted/``: it passed as collected, so the
      warning that the folder carries its own time was not given, and the late work counted as on
      time. The course's record of what collect wrote now holds the notebooks and answers.json too.
- F5  on a shared Linux machine, a submission filed under a near miss of a classmate's account name
      ("RT13ANN", "rt13ann.") was collected as a new student (the owner check applied only to exact
      account names). Now one made by another account is refused.
- F3  any chmod, chown or copy of the exchange after the deadline resets every file's change time,
      which collect reads as the time each was submitted: the whole cohort was made late. Such a
      change to nearly every submission at once is now recognised, and the claimed times kept.
- A test cell a student turned into Markdown with an attachment, or into the old "heading" type,
      got its type back but kept the foreign key, and nbformat then refused the whole notebook (that
      student "not graded", with a raw traceback). Keys the restored type does not allow are dropped.
(F1, the course's folder in the exchange, is in test_exchange_owner.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from nbcourse import A1, A1_RIGHT_Q1, A1_RIGHT_Q2, FAST, Course, cell_by_id, forget_students, place_copy, set_source

pytestmark = [pytest.mark.nbgrader]

A3 = "a3-team-audit"
REASON = "I placed each statement by asking who sets the standard and what drives the learning, as Table 1 does. "


def _released(course: Course, assignment: str) -> dict:
    return json.loads((course.root / "exercises" / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8"))


def _cell(nb: dict, gid: str) -> str:
    cell = cell_by_id(nb, gid)
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _placed(course: Course, tmp_path: Path, sid: str, nb: dict, assignment: str = A1, saved: dict | None = None) -> None:
    """``nb`` (and an ``answers.json``) handed in by ``sid``, put in ``submitted/`` as a tutor unpacking files would."""
    folder = tmp_path / sid
    folder.mkdir()
    (folder / f"{assignment}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    if saved is not None:
        (folder / "answers.json").write_text(json.dumps(saved), encoding="utf-8")
    place_copy(course, folder, sid, assignment)


def test_a_long_comment_in_an_answer_cell_under_the_limit_is_still_marked(course: Course, tmp_path: Path) -> None:
    from coplearn.grading.answers import MAX_CELL_CHARS

    sids = {"t13-short": 500, "t13-long": 19_000}
    for sid, size in sids.items():
        nb = _released(course, A1)
        source = "# My reasoning: " + (REASON * 400)[:size] + "\n" + A1_RIGHT_Q1
        assert len(source) < MAX_CELL_CHARS
        set_source(nb, "q1-typed", source)
        set_source(nb, "q2-typed", A1_RIGHT_Q2)
        _placed(course, tmp_path, sid, nb)
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
        _placed(course, tmp_path, sid, nb, A3, saved)
        shutil_copy_data(course, course.root / "submitted" / sid / A3)
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


def test_later_work_sent_with_the_students_own_collected_timestamp_is_said(course: Course) -> None:
    import json as _json

    from coplearn.grading.submission import _came_through_collect, _collected_record_path, _collected_key

    s = course.student("t13f4-ann")
    s.fetch(A1)
    s.submit(A1)
    try:
        course.ok(course.api(CourseDirectory__student_id="t13f4-ann").collect(A1))
        folder = course.root / "submitted" / "t13f4-ann" / A1
        assert _came_through_collect(str(folder))
        later = _released(course, A1)  # the finished notebook, sent by email after the due date
        set_source(later, "q1-typed", A1_RIGHT_Q1)
        (folder / f"{A1}.ipynb").write_text(json.dumps(later), encoding="utf-8")  # the collected timestamp.txt kept
        assert not _came_through_collect(str(folder))
        result = course.api(**FAST).autograde(A1, "t13f4-ann")
        assert "t13f4-ann: the folder has its own timestamp.txt" in result["log"], result["log"][-2000:]
        # a record written by an older coplearn (the timestamp's digest alone) is still read
        record_path = _collected_record_path(str(folder))
        record = _json.loads(Path(record_path).read_text(encoding="utf-8"))
        record[_collected_key(str(folder))] = record[_collected_key(str(folder))]["timestamp"]
        Path(record_path).write_text(_json.dumps(record), encoding="utf-8")
        assert _came_through_collect(str(folder))
    finally:
        forget_students(course, "t13f4-ann")


def test_a_submission_under_a_near_miss_of_another_accounts_name_is_not_collected(course: Course) -> None:
    import pwd
    import shutil

    pwd.getpwnam("nobody")  # (Debian has it; this suite runs as root, so root makes these)
    for who in ("NOBODY", "nobody."):
        s = course.student(who)
        s.fetch(A1)
        s.submit(A1)
    try:
        result = course.api().collect(A1)
        for who in ("NOBODY", "nobody."):
            assert f"Not collecting {who}+" in result["log"], result["log"][-3000:]
            assert not (course.root / "submitted" / who).exists()
        assert "differs from the account nobody only in capitals or a trailing dot" in result["log"]
    finally:
        for who in ("NOBODY", "nobody."):
            for entry in (course.exchange / "coplearn" / "inbound").glob(f"{who}+*"):
                shutil.rmtree(entry, ignore_errors=True)
            forget_students(course, who)


A5 = "a5-leadership-plan"  # written answers only: quick


@pytest.fixture(scope="module")
def quiet(tmp_path_factory: pytest.TempPathFactory, nbgrader_env: None) -> Course:
    """A course of its own: collect looks at every submission in the exchange at once."""
    c = Course(tmp_path_factory.mktemp("bulk"))
    api = c.api()
    c.ok(api.generate_assignment(A5))
    c.ok(api.release_assignment(A5))
    return c


def _submit_claiming(course: Course, sid: str, when) -> None:
    s = course.student(sid)
    s.fetch(A5)
    s.submit(A5)
    if when is not None:
        (course.inbound(sid, A5) / "timestamp.txt").write_text(when.strftime("%Y-%m-%d %H:%M:%S.%f UTC"),
                                                               encoding="utf-8")


def _kept(course: Course, sid: str):
    from coplearn.grading.submission import read_timestamp

    return read_timestamp(course.root / "submitted" / sid / A5 / "timestamp.txt")


def test_a_change_to_the_whole_exchange_does_not_make_everyone_late(quiet: Course) -> None:
    import datetime as dt
    import shutil
    import subprocess

    early = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=3)
    sids = [f"t13b-{n}" for n in range(4)]
    for sid in sids:
        _submit_claiming(quiet, sid, early)  # (each submitted three hours ago, as its timestamp says)
    subprocess.run(["chmod", "-R", "u+rw", str(quiet.exchange / "coplearn" / "inbound")], check=True)  # the admin
    try:
        result = quiet.ok(quiet.api().collect(A5))
        assert "looks like a change made to the whole exchange" in result["log"], result["log"][-3000:]
        for sid in sids:
            assert abs((_kept(quiet, sid) - early.replace(tzinfo=None)).total_seconds()) < 2, sid
    finally:
        for sid in sids:
            shutil.rmtree(quiet.inbound(sid, A5), ignore_errors=True)
            forget_students(quiet, sid)


def test_one_backdated_submission_among_honest_ones_still_gets_the_exchange_time(quiet: Course) -> None:
    import datetime as dt
    import shutil

    now = dt.datetime.now(dt.timezone.utc)
    sids = [f"t13c-{n}" for n in range(4)]
    for sid in sids:
        _submit_claiming(quiet, sid, None)  # honest: the time nbgrader wrote
    _submit_claiming(quiet, "t13c-late", now - dt.timedelta(hours=3))
    try:
        result = quiet.ok(quiet.api().collect(A5))
        assert "looks like a change made to the whole exchange" not in result["log"]
        assert "the exchange's time is used for lateness" in result["log"]
        assert abs((_kept(quiet, "t13c-late") - now.replace(tzinfo=None)).total_seconds()) < 60
    finally:
        for sid in [*sids, "t13c-late"]:
            shutil.rmtree(quiet.inbound(sid, A5), ignore_errors=True)
            forget_students(quiet, sid)


def test_a_course_cell_given_another_type_with_its_keys_is_put_back_and_graded(course: Course, tmp_path: Path) -> None:
    sids = {"t13t-md": ("q1-statement-01", "markdown"), "t13t-heading": ("q2-first", "heading")}
    for sid, (gid, kind) in sids.items():
        nb = _released(course, A1)
        set_source(nb, "q1-typed", A1_RIGHT_Q1)
        set_source(nb, "q2-typed", A1_RIGHT_Q2)
        cell = cell_by_id(nb, gid)
        cell["cell_type"] = kind
        cell.pop("outputs", None)
        cell.pop("execution_count", None)
        if kind == "markdown":
            cell["attachments"] = {"x.png": {"image/png": "iVBORw0KGgo="}}
        else:
            cell["level"] = 1
        _placed(course, tmp_path, sid, nb)
    try:
        course.ok(course.api(**FAST).autograde(A1, "t13t-*"))
        for sid in sids:
            assert course.score(A1, sid) == 40, sid
    finally:
        forget_students(course, *sids)


def test_a_folder_that_cannot_be_read_is_not_said_to_hold_no_notebook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Red team 13 (a non-root tutor, an archive unpacked as mode 0300): the line said "it holds no
    notebook: ask the student to submit again". This suite runs as root, which reads any folder, so
    the refusal is made to meet it here."""
    import logging
    import os
    from types import SimpleNamespace

    from coplearn.grading import parallel

    folder = tmp_path / "submitted" / "bob" / A1
    folder.mkdir(parents=True)
    (tmp_path / "solutions" / A1).mkdir(parents=True)
    cd = SimpleNamespace(submitted_directory="submitted", student_id="*", assignment_id=A1, student_id_exclude="",
                         source_directory="solutions", root=str(tmp_path),
                         format_path=lambda *parts: os.path.join(str(tmp_path), *parts))
    lines: list[str] = []
    log = logging.getLogger("t13-unreadable")
    monkeypatch.setattr(log, "error", lambda msg, *args: lines.append(msg % args))
    app = SimpleNamespace(coursedir=cd, log=log)
    real_access = os.access
    monkeypatch.setattr(parallel.os, "access", lambda p, mode: False if str(p) == str(folder) else real_access(p, mode))
    assert parallel._say_if_no_notebook(app, {}) == ["bob"]
    assert "cannot be read with your rights" in lines[0] and "holds no notebook" not in lines[0], lines
