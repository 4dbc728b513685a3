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
        assert f"coplearn: t12c-mallory: not graded: {A1}.ipynb also has another name on disk" in result["log"]
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
