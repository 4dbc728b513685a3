"""Findings of red team 12 (``/work/logs/redteam12.md``) on grading, each reproduced and now handled:

- F1  a folder the course refuses for its name (``bob smith``, ``=dave``) was still copied by nbgrader,
      links followed and sizes unchecked (a link to the terminal hung the run, one to ``/dev/zero``
      filled the disk), and the refused id got a gradebook row. Now nothing is copied from any
      folder the course's hook refused, and no file is copied through a link or from a special file.
- F2  a link in a read-only folder (an archive unpacked by hand keeps the folder's mode) could not be
      removed, silently: a blank notebook was graded with a classmate's ``answers.json``. Now that
      student fails alone, and nothing is copied.
- F3  a notebook or ``answers.json`` hard-linked to a classmate's file other than their top-level
      notebook (a checkpoint copy, ``answers (1).json``) earned the classmate's marks. Now any
      second name on disk fails that student alone.
- F5  a file the tutor cannot read cost the student every mark with a traceback; an extra one is now
      left out with a line (tested here with a special file: this suite runs as root, which reads
      any file).
- F6  a learner's comment "# Begin solution: ..." marked the cell as the tutor's source notebook.
(F4, zone letters in ``timestamp.txt``, is in test_hostile10; F7, a submission in a classmate's
name on a shared machine, in test_exchange_links.)
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from nbcourse import A1, FAST, Course, forget_students, honest_a1, place_copy

pytestmark = [pytest.mark.nbgrader]


def _release(course: Course, tmp_path: Path, name: str, *, honest: bool) -> Path:
    nb = json.loads((course.root / "exercises" / A1 / f"{A1}.ipynb").read_text(encoding="utf-8"))
    if honest:
        honest_a1(nb)
    folder = tmp_path / name
    folder.mkdir()
    (folder / f"{A1}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    return folder


def test_nothing_is_copied_from_a_folder_refused_for_its_name(course: Course, tmp_path: Path) -> None:
    outside = tmp_path / "outside.bin"
    outside.write_bytes(b"x" * 200_000)
    place_copy(course, _release(course, tmp_path, "honest", honest=True), "t12a-honest")
    refused = place_copy(course, _release(course, tmp_path, "refused", honest=False), "t12a bob smith")
    os.symlink(outside, refused / "notes.bin")
    os.symlink(course.root / "submitted" / "t12a-honest" / A1 / f"{A1}.ipynb", refused / "theirs.txt")
    try:
        result = course.api(**FAST).autograde(A1, "t12a*")
        assert not result["success"]  # that one student, as nbgrader reports any failure
        assert course.score(A1, "t12a-honest") == 40
        log = result["log"]
        assert "coplearn: 't12a bob smith': not graded" in log and "nothing was copied from" in log, log[-3000:]
        assert "Copying" not in "\n".join(line for line in log.splitlines() if "bob smith" in line)
        assert not (course.root / "autograded" / "t12a bob smith").exists()
        with course.gradebook() as gb:  # no gradebook row for a refused id
            assert "t12a bob smith" not in {s.id for s in gb.students}
    finally:
        forget_students(course, "t12a-honest", "t12a bob smith")


def test_a_link_that_cannot_be_removed_fails_that_student_and_nothing_is_copied(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """As root (this suite) any link can be removed; a tutor's own account cannot remove one from a
    read-only folder, which the removal here is made to meet."""
    from coplearn.grading import submission

    folder = tmp_path / "submitted" / "bob" / A1
    folder.mkdir(parents=True)
    (folder / f"{A1}.ipynb").write_text("{}", encoding="utf-8")
    os.symlink(tmp_path / "alice-answers.json", folder / "answers.json")

    def read_only(path: str) -> None:
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(submission.os, "unlink", read_only)
    lines: list[str] = []

    class Log:
        def error(self, text: str, *args: object) -> None:
            lines.append(text % args)

        warning = info = error

    notebooks = [str(folder / f"{A1}.ipynb")]
    monkeypatch.setattr(submission, "_log", lambda: Log())
    monkeypatch.setattr(submission, "keep_printable", lambda log: None)
    submission.check_submission(assignment=A1, student="*", notebooks=notebooks)
    assert notebooks == []
    assert any("bob: not graded: it holds what a submission must not and what could not be removed" in line
               and "answers.json: a link" in line for line in lines), lines
    assert submission._folder_key(str(folder)) in submission._REFUSED


def test_a_hard_link_to_a_classmates_checkpoint_fails_that_student(course: Course, tmp_path: Path) -> None:
    alice = place_copy(course, _release(course, tmp_path, "alice", honest=True), "t12c-alice")
    (alice / ".ipynb_checkpoints").mkdir()
    checkpoint = alice / ".ipynb_checkpoints" / f"{A1}-checkpoint.ipynb"
    checkpoint.write_bytes((alice / f"{A1}.ipynb").read_bytes())
    mallory = course.root / "submitted" / "t12c-mallory" / A1
    mallory.mkdir(parents=True)
    os.link(checkpoint, mallory / f"{A1}.ipynb")
    try:
        result = course.api(**FAST).autograde(A1, "t12c-*")
        assert not result["success"]
        assert course.score(A1, "t12c-alice") == 40
        assert (f"coplearn: t12c-mallory: not graded: {A1}.ipynb is t12c-alice's .ipynb_checkpoints/"
                f"{A1}-checkpoint.ipynb") in result["log"], result["log"][-3000:]
        with course.gradebook() as gb:
            assert "t12c-mallory" not in {s.id for s in gb.students}
    finally:
        forget_students(course, "t12c-alice", "t12c-mallory")


def test_the_copy_takes_no_link_and_no_special_file(tmp_path: Path) -> None:
    from coplearn.grading.submission import NotGraded, _copy_plain_file

    (tmp_path / "plain.txt").write_text("mine", encoding="utf-8")
    os.chmod(tmp_path / "plain.txt", 0o444)
    _copy_plain_file(str(tmp_path / "plain.txt"), str(tmp_path / "out" / "plain.txt"))
    assert (tmp_path / "out" / "plain.txt").read_text(encoding="utf-8") == "mine"
    os.symlink("/dev/zero", tmp_path / "zero")
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(NotGraded, match="a link"):
        _copy_plain_file(str(tmp_path / "zero"), str(tmp_path / "out" / "zero"))
    with pytest.raises(NotGraded, match="named pipe"):  # (opened without waiting for a writer)
        _copy_plain_file(str(tmp_path / "pipe"), str(tmp_path / "out" / "pipe"))
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["plain.txt"]


@pytest.mark.parametrize(("comment", "source"), [
    ("# Begin solution: I went through Table 1 row by row", False),
    ("# end solution - checked twice", False),
    ("### BEGIN SOLUTION", True),
    ("    ### END HIDDEN TESTS", True),
])
def test_only_nbgraders_own_markers_mark_the_tutors_source(comment: str, source: bool) -> None:
    from coplearn.grading.sanitise import SOURCE_MARKER

    assert bool(SOURCE_MARKER.search(f"{comment}\nq2 = ['humanistic', 'democratic']\n")) is source


def test_a_made_up_submission_secret_no_longer_silences_the_own_timestamp_warning(course: Course, tmp_path: Path) -> None:
    """Red team 12 F8: the warning about a folder's own timestamp.txt was left out whenever the folder
    held a submission_secret.txt, which a student can put in a folder they email. Now it is left out
    only for what the course's collect wrote (its own record, beside submitted/)."""
    from nbcourse import graded_honest

    from coplearn.grading.submission import _say_if_own_timestamp

    lines: list[str] = []

    class Log:
        def warning(self, text: str, *args: object) -> None:
            lines.append(text % args)

    collected = graded_honest(course, "t12f-collected")  # through the exchange and collect
    emailed = place_copy(course, collected, "t12f-emailed")  # the same files, secret included, unpacked by hand
    (emailed / "timestamp.txt").write_text("2020-01-01 09:00:00.000000 UTC", encoding="utf-8")
    try:
        assert (emailed / "submission_secret.txt").exists()
        _say_if_own_timestamp(str(collected), "t12f-collected", Log())
        assert lines == []
        _say_if_own_timestamp(str(emailed), "t12f-emailed", Log())
        assert len(lines) == 1 and "t12f-emailed: the folder has its own timestamp.txt (2020-01-01" in lines[0], lines
        lines.clear()
        (collected / "timestamp.txt").write_text("2020-01-01 09:00:00.000000 UTC", encoding="utf-8")  # edited later
        _say_if_own_timestamp(str(collected), "t12f-collected", Log())
        assert len(lines) == 1, lines
    finally:
        forget_students(course, "t12f-collected", "t12f-emailed")


def test_a_folder_mended_after_a_refusal_is_graded_in_the_same_process(course: Course, tmp_path: Path) -> None:
    """Review 12 R1: formgrader grades inside the Jupyter server's process; a folder refused once
    stayed refused there after the tutor mended it, with no line saying why."""
    alice = place_copy(course, _release(course, tmp_path, "alice", honest=True), "t12r-alice")
    bob = course.root / "submitted" / "t12r-bob" / A1
    bob.mkdir(parents=True)
    os.link(alice / f"{A1}.ipynb", bob / f"{A1}.ipynb")  # bob's is alice's own file
    try:
        first = course.api(**FAST).autograde(A1, "t12r-bob")
        assert not first["success"] and "t12r-bob: not graded" in first["log"]
        (bob / f"{A1}.ipynb").unlink()
        (bob / f"{A1}.ipynb").write_bytes((alice / f"{A1}.ipynb").read_bytes())  # mended: a copy of his own
        second = course.api(**FAST).autograde(A1, "t12r-bob")
        assert second["success"], second["log"][-3000:]
        assert course.score(A1, "t12r-bob") == 40
    finally:
        forget_students(course, "t12r-alice", "t12r-bob")


def test_a_tutors_hard_link_backup_is_said_and_the_student_graded(course: Course, tmp_path: Path) -> None:
    """Review 12 R2: a backup made with hard links (cp -al, rsync --link-dest) gives every handed-in
    file a second name; that is said, and the student is graded as usual."""
    alice = place_copy(course, _release(course, tmp_path, "alice", honest=True), "t12b-alice")
    backup = tmp_path / "backup"
    backup.mkdir()
    os.link(alice / f"{A1}.ipynb", backup / f"{A1}.ipynb")
    try:
        result = course.api(**FAST).autograde(A1, "t12b-alice")
        assert result["success"], result["log"][-3000:]
        assert course.score(A1, "t12b-alice") == 40
        assert f"t12b-alice: {A1}.ipynb also has another name on disk, outside the students' folders" in result["log"]
    finally:
        forget_students(course, "t12b-alice")


def test_only_autogradings_copy_is_guarded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Review 12 R5: the guard replaced nbgrader's copy for every command, so a tutor's linked data
    file was left out of the release. Other commands copy the tutor's files nbgrader's way."""
    from nbgrader.converters import Autograde, GenerateAssignment
    from nbgrader.converters.base import BaseConverter

    from coplearn.grading.submission import NotGraded, _REFUSED, _folder_key, guard_nbgrader_copy

    guard_nbgrader_copy()
    guard = BaseConverter.init_assignment
    seen: list[str] = []
    monkeypatch.setattr(guard, "original", lambda self, a, s: seen.append(type(self).__name__))
    release = GenerateAssignment.__new__(GenerateAssignment)
    guard(release, "a3", ".")
    assert seen == ["GenerateAssignment"]

    grading = Autograde.__new__(Autograde)  # autograding's copy is the guard's own
    monkeypatch.setattr(grading, "_format_source", lambda a, s, escape=False: "/nowhere/submitted/x/a3", raising=False)
    _REFUSED.add(_folder_key("/nowhere/submitted/x/a3"))
    try:
        with pytest.raises(NotGraded, match="nothing was copied"):
            guard(grading, "a3", "x")
    finally:
        _REFUSED.discard(_folder_key("/nowhere/submitted/x/a3"))
    assert seen == ["GenerateAssignment"]


def test_collect_reads_zone_letters_as_grading_does_and_keeps_the_time_in_utc(tmp_path: Path) -> None:
    """Review 12 R7: collect's check read " NZDT" as UTC while grading read it as New Zealand time, so
    a student who changed the letters in the exchange moved their time 13 hours earlier. Collect now
    reads the letters as grading does (the claim is then far earlier than the files: the exchange's
    time is used), and a time it keeps is written in UTC."""
    import datetime

    from nbcourse import time_check

    from coplearn.grading.submission import read_timestamp

    collect, src, dest, now, _ = time_check(tmp_path)
    (dest / "timestamp.txt").write_text(now.strftime("%Y-%m-%d %H:%M:%S.%f NZDT"), encoding="utf-8")
    collect._check_time(str(src), str(dest))
    kept = read_timestamp(dest / "timestamp.txt")
    assert abs((kept - now.replace(tzinfo=None)).total_seconds()) < 2, kept  # the exchange's time, not 13 h earlier
    (dest / "timestamp.txt").write_text((now + datetime.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S.%f BST"),
                                        encoding="utf-8")
    collect._check_time(str(src), str(dest))
    assert (dest / "timestamp.txt").read_text(encoding="utf-8").endswith(" UTC")
    assert abs((read_timestamp(dest / "timestamp.txt") - now.replace(tzinfo=None)).total_seconds()) < 2


def test_a_folder_collect_left_as_it_was_is_not_recorded_as_collected(course: Course, tmp_path: Path) -> None:
    """Review 12 R8: without --update, nbgrader's collect keeps a folder already in submitted/; the
    course recorded it as collected even so, which silenced the warning about its own timestamp."""
    from coplearn.grading.submission import _came_through_collect

    s = course.student("t12u-bob")
    s.fetch(A1)
    s.submit(A1)
    by_hand = place_copy(course, _release(course, tmp_path, "bob", honest=True), "t12u-bob")
    (by_hand / "timestamp.txt").write_text("2020-01-01 09:00:00.000000 UTC", encoding="utf-8")
    try:
        result = course.api().collect(A1, update=False)  # (the command line's default)
        assert "Submission already exists" in result["log"], result["log"]
        assert (by_hand / "timestamp.txt").read_text(encoding="utf-8").startswith("2020-01-01")
        assert not _came_through_collect(str(by_hand))
    finally:
        shutil.rmtree(course.inbound("t12u-bob", A1), ignore_errors=True)
        forget_students(course, "t12u-bob")


def test_a_hard_link_to_a_classmates_graded_notebook_fails_that_student(course: Course, tmp_path: Path) -> None:
    """Review 12b B1: a link to a classmate's *graded* copy (autograded/), which an archive unpacked at
    the course's top can make, was only said, not refused, once second names outside submitted/ were."""
    place_copy(course, _release(course, tmp_path, "alice", honest=True), "t12g-alice")
    try:
        course.ok(course.api(**FAST).autograde(A1, "t12g-alice"))
        graded = course.root / "autograded" / "t12g-alice" / A1 / f"{A1}.ipynb"
        mallory = course.root / "submitted" / "t12g-mallory" / A1
        mallory.mkdir(parents=True)
        os.link(graded, mallory / f"{A1}.ipynb")
        result = course.api(**FAST).autograde(A1, "t12g-mallory")
        assert not result["success"]
        assert f"t12g-mallory: not graded: {A1}.ipynb is t12g-alice's {A1}.ipynb in autograded/" in result["log"], \
            result["log"][-3000:]
    finally:
        forget_students(course, "t12g-alice", "t12g-mallory")


def test_a_huge_cell_is_not_parsed_for_the_answers_file_warning() -> None:
    """Review 12b B4: a 4 MB cell took 11 s and 2 GB to parse; cells far larger than any released
    widget cell are left alone (the cell and output limits deal with the notebook)."""
    from coplearn.grading.submission import _asked

    call = 'ChoiceQuestions("q1", {1: "a"})\n'
    assert _asked([call]) == {"q1": frozenset({1})}
    assert _asked([call + "x = 1\n" * 20_000]) == {}
