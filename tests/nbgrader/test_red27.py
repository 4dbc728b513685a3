"""Red team 27 (``/work/logs/red27.md``): each test failed on the code as it stood at the red team.

- M2  A due date given to ``nbgrader db assignment add`` went through nbgrader's own reading: "BST", "AEST" and
      "CEST" were read as UTC, "11/06/2026" as 6 November, " +0100" as 100 seconds, without a word; late work went
      unflagged (or, with a day-first date typed the other way, everyone was late).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from nbcourse import A1, FAST, Course, forget_students, honest_a1

pytestmark = [pytest.mark.nbgrader]

REPO = Path(__file__).resolve().parents[2]


def _add(course: Path, due: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nbgrader", "db", "assignment", "add", "z27", f"--duedate={due}"],
                          cwd=course, capture_output=True, text=True, timeout=120)


def _stored(course: Path) -> str:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "coplearn") as gb:
        return str(gb.find_assignment("z27").duedate)


def test_a_due_date_is_read_as_the_course_reads_a_time_or_refused_plainly(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("COPLEARN_COURSE_ID", raising=False)
    shutil.copy(REPO / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    for typed, meant in (("2026-06-11 17:00:00 BST", "2026-06-11 16:00:00"),
                         ("2026-06-11 17:00:00 AEST", "2026-06-11 07:00:00"),
                         ("2026-06-11 17:00:00 +0100", "2026-06-11 16:00:00"),
                         ("2026-06-11T17:00 -0500", "2026-06-11 22:00:00"),  # (formgrader's own form)
                         ("2026-06-11 16:30:00 UTC", "2026-06-11 16:30:00")):
        done = _add(tmp_path, typed)
        assert done.returncode == 0, done.stderr[-2000:]
        assert _stored(tmp_path) == meant, typed
    for typed, why in (("11/06/2026 17:00", "is not written year first"),
                       ("2026-06-11 17:00:00 IST", "cannot read its time zone for certain")):
        done = _add(tmp_path, typed)
        assert done.returncode != 0
        said = done.stdout + done.stderr
        assert f"the due date {typed!r}" in said and why in said and "nothing was changed" in said, said[-2000:]
        assert "Traceback" not in said
        assert _stored(tmp_path) == "2026-06-11 16:30:00"  # (as it was)


def test_a_written_answer_of_megabytes_costs_about_its_own_size_to_sanitise(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """M1: a written answer of 93 MB ("ab " * 31 million, under nbgrader's folder limit) took the grading process to
    about 2.4 GB in every mode (the course's own hub gives a server 2 GB): it was split into one string per word to be
    compared with the boxes as released, before it was cut to what is shown. 9 MB here took about 177 MB."""
    import tracemalloc

    from test_check24_sanitise import _sanitised

    from coplearn.grading import sanitise

    huge = "ab " * 3_000_000
    measured = []
    step = sanitise.AnswersAsData.preprocess

    def preprocess(self, nb, resources):  # (the sanitising step alone: not nbformat's reading of the notebook)
        tracemalloc.start()
        try:
            return step(self, nb, resources)
        finally:
            measured.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()

    monkeypatch.setattr(sanitise.AnswersAsData, "preprocess", preprocess)
    cells = _sanitised(tmp_path, [huge], monkeypatch, caplog)
    (peak,) = measured
    assert "is in the notebook as handed in" in cells[0].source and len(cells[0].source) < 200_000
    assert peak < 5 * len(huge), f"sanitising took {peak / 2**20:.0f} MiB for a {len(huge) / 2**20:.0f} MiB answer"


def test_received_refuses_a_folder_autograding_would_refuse_before_reading_it(tmp_path: Path, capsys) -> None:
    """L1: ``coplearn received`` fingerprinted every byte of a sparse answers.json (40 GB that takes no room on the
    disk: 97 s, saying nothing) before recording the time; autograding refuses such a folder by its size anyway."""
    from coplearn.cli.main import main

    shutil.copy(REPO / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    folder = tmp_path / "submitted" / "s27" / "a1-learning-cultures"
    folder.mkdir(parents=True)
    shutil.copy(REPO / "exercises" / "a1-learning-cultures" / "a1-learning-cultures.ipynb", folder)
    with open(folder / "answers.json", "wb") as fh:
        fh.truncate(10 * 10**9)  # ten billion bytes on paper, none on the disk
    assert main(["received", "a1-learning-cultures", "s27", "--course-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "add up to 10,000 MB" in err and "more than the 100 MB autograding takes" in err and "Nothing was written" in err
    assert not (folder / "timestamp.txt").exists()


def test_a_definition_list_makes_no_heading_in_a_written_answer() -> None:
    """L2: a Markdown definition list (``x`` then ``: # q3-task``) gave a heading with an id, which inert_markdown
    promises never to let through (formgrader could take its id for its own); unreachable today only because every
    answer box is framed as the student's."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    from coplearn.grading.sanitise import inert_markdown

    for text in ("My answer\n: # q3-task", "x\n: - # a", "x\n: > # a", "x\n   :\t# a"):
        assert "<h" not in markdown2html_mistune(inert_markdown(text)), text


def test_a_stray_notebook_nbgrader_cannot_read_is_not_said_to_stop_the_grading(course: Course) -> None:
    """L3: an ``Untitled.ipynb`` holding ``{}`` beside the right notebook drew "so nbgrader cannot read it and this
    student is not graded", though the student was graded in full (nbgrader grades only the assignment's notebooks)."""
    sid = "z27-stray"
    course.student(sid).hand_in(A1, honest_a1)
    course.ok(course.api(**FAST).collect(A1))
    (course.root / "submitted" / sid / A1 / "Untitled.ipynb").write_text("{}", encoding="utf-8")
    try:
        log = course.api(**FAST).autograde(A1, sid)["log"]
        mine = [line for line in log.splitlines() if f"coplearn: {sid}" in line]
        assert not any("not graded (the error" in line for line in mine), mine
        assert any("Untitled.ipynb is JSON but not a notebook" in line and "costs the student nothing" in line
                   for line in mine), mine
        assert course.score(A1, sid) == 40
    finally:
        forget_students(course, sid)


def test_timestamp_and_received_messages_say_what_is_really_wrong(tmp_path: Path, capsys) -> None:
    """L4: a time with a space before its offset was refused as "not written year first"; ``coplearn received`` called
    a student folder that is a link "no folder"; (an empty timestamp.txt: see the autograde test below)."""
    from coplearn.cli.main import main
    from coplearn.grading.submission import time_from_text

    with pytest.raises(ValueError, match="with a space before its offset from UTC") as said:
        time_from_text("2026-01-05 10:00:00 -23:59")
    assert "year first" not in str(said.value)
    shutil.copy(REPO / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    real = tmp_path / "elsewhere" / "a1-learning-cultures"
    real.mkdir(parents=True)
    (tmp_path / "submitted").mkdir()
    (tmp_path / "submitted" / "s27").symlink_to(tmp_path / "elsewhere")
    assert main(["received", "a1-learning-cultures", "s27", "--course-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "submitted/s27 is a link to another folder, not a folder" in err and "there is no folder" not in err, err


def test_an_empty_timestamp_file_is_said_to_record_no_time(course: Course) -> None:
    """L4: an empty timestamp.txt was said to be "recorded as the submission time" (shown as "()"); nbgrader records no
    time at all, so the work counts as on time whatever the due date."""
    sid = "z27-empty-time"
    course.student(sid).hand_in(A1, honest_a1)
    course.ok(course.api(**FAST).collect(A1))
    (course.root / "submitted" / sid / A1 / "timestamp.txt").write_text("\n", encoding="utf-8")
    try:
        log = course.api(**FAST).autograde(A1, sid, force=True)["log"]
        mine = [line for line in log.splitlines() if f"coplearn: {sid}" in line]
        assert any("timestamp.txt, but it is empty, so nbgrader records no submission time" in line for line in mine), mine
        assert not any("()" in line for line in mine), mine
    finally:
        forget_students(course, sid)


def test_a_folder_too_deep_to_open_is_named_as_left_out(course: Course) -> None:
    """L5: a folder nested beyond the system's path limit (an archive unpacked by hand) was neither copied nor named:
    the tutor was not told something of the student's was left out."""
    import os

    sid = "z27-deep"
    course.student(sid).hand_in(A1, honest_a1)
    course.ok(course.api(**FAST).collect(A1))
    fd = os.open(course.root / "submitted" / sid / A1, os.O_RDONLY)
    for _ in range(30):  # 30 x 200 characters: beyond Linux's 4,096
        os.mkdir("d" * 200, dir_fd=fd)
        inner = os.open("d" * 200, os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    os.close(fd)
    try:
        log = course.api(**FAST).autograde(A1, sid)["log"]
        mine = [line for line in log.splitlines() if f"coplearn: {sid}: left out of grading" in line]
        assert any("could not be opened" in line and "ddd" in line for line in mine), log[-3000:]
        assert course.score(A1, sid) == 40
    finally:
        forget_students(course, sid)
