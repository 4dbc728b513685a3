"""Findings of red team 7 (``/work/logs/redteam7.md``), each reproduced and now handled:

- F1  grades.csv: nbgrader's export joins fields with bare commas, so an id like ``bob,,,,40,0,40,40``
      made a row that read as bob with 40 of 40, and an id or name starting with ``=`` or ``@`` was a
      live spreadsheet formula. Such ids are now refused (collect and autograde, that student alone,
      named), and ``nbgrader export`` writes through the course's plugin (quoted fields, formulas as
      text; otherwise byte for byte nbgrader's file).
- F2  an ``answers.json`` key ``q2.<anything>`` was kept and echoed raw (line breaks, colour codes)
      under the locked answer widget in formgrader and the feedback: keys that are no item of the
      question are left out, and the widget's summary writes such characters out.
- F3  a ``timestamp.txt`` of megabytes held up ``collect`` (the date parser read all of it) and, put
      in ``submitted/`` by hand, autograde: collect reads at most a few hundred characters; autograde
      moves such a folder aside, that student alone, named.
- F4  a cell whose ``source`` is not text (a number, a dict, a list holding a number) failed that
      student with only nbgrader's traceback: now one plain line names the cell first.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from nbcourse import A1, FAST, Course, graded_honest, honest_a1, place_copy, forget_students

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]



@pytest.fixture(scope="module")
def honest(course: Course) -> Path:
    """t7-honest's submitted folder, collected and autograded (40 points)."""
    return graded_honest(course, "t7-honest")






# ---- F1: grades.csv ---------------------------------------------------------------------------


def _export(course: Course, db: Path, dest: Path, *extra: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "nbgrader", "export", f"--db=sqlite:///{db}", f"--to={dest}", *extra],
                          cwd=course.root, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stderr


def test_exported_grades_keep_their_columns_and_show_formulas_as_text(course: Course, honest: Path,
                                                                      tmp_path: Path) -> None:
    from nbgrader.api import Gradebook

    db = tmp_path / "gradebook.db"
    shutil.copy(course.root / "gradebook.db", db)
    plain = tmp_path / "plain.db"
    shutil.copy(db, plain)
    with Gradebook(f"sqlite:///{db}", course_id="coplearn") as gb:  # as a hub's roster or an import could hold them
        gb.update_or_create_student("bob,,,,40,0,40,40", first_name='=HYPERLINK("http://x","X")',
                                    last_name="Smith, Jr.", email="@SUM(1+1)")
    log = _export(course, db, tmp_path / "grades.csv")
    assert "SafeCsvExportPlugin" in log  # nbgrader_config.py chose the course's export
    with open(tmp_path / "grades.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    assert all(len(r) == len(header) for r in rows), [r for r in rows if len(r) != len(header)][:2]
    table = [dict(zip(header, r)) for r in rows[1:]]
    fake = [r for r in table if r["student_id"].startswith("bob,")]  # (test_round_trip's "bob" may share the course)
    assert fake and all(r["student_id"] == "bob,,,,40,0,40,40" and r["score"] == "0.0" and r["raw_score"] == "0.0"
                        for r in fake), fake[:1]
    assert all(r["first_name"] == "'=HYPERLINK(\"http://x\",\"X\")" and r["email"] == "'@SUM(1+1)"
               and r["last_name"] == "Smith, Jr." for r in fake)
    mine = [r for r in table if r["student_id"] == "t7-honest" and r["assignment"] == A1]
    assert [r["score"] for r in mine] == ["40.0"]
    # the rows whose score is not (yet) a mark are named before the file is uploaded (walk19 L9); for two
    # students (the course's gradebook holds every test's students, more than the lines name)
    import re

    log = _export(course, db, tmp_path / "two.csv", f"--assignment={A1}", "--student=t7-honest",
                  "--student=bob,,,,40,0,40,40")
    said = re.search(rf"coplearn export: {A1}: \d+ students? with no submission (is|are) written as 0 in \S*two.csv, "
                     r"as nbgrader does: check them against your list before you upload it: ([^\n]*)\.\n", log)
    assert said and "bob,,,,40,0,40,40" in said.group(2) and "t7-honest" not in said.group(2), log[-3000:]
    said = re.search(rf"coplearn export: {A1}: \d+ submissions? still ha(s|ve) marks to give \(written answers not yet "
                     r"marked in formgrader, or a grading that did not finish\), so (its|their) score leaves them out: "
                     r"([^\n]*)\. Mark or grade them, then export again\.", log)
    assert said and "t7-honest" in said.group(3) and "bob" not in said.group(3), log[-3000:]  # (a1's essay: unmarked)
    # with nothing to quote, the file is nbgrader's own, byte for byte
    _export(course, plain, tmp_path / "ours.csv")
    _export(course, plain, tmp_path / "theirs.csv", "--ExportApp.plugin_class=nbgrader.plugins.export.CsvExportPlugin")
    assert (tmp_path / "ours.csv").read_bytes() == (tmp_path / "theirs.csv").read_bytes()


@pytest.mark.parametrize("sid", ["bob,,,,40,0,40,40", "=1+1", "@SUM(1+1)", "ann;lee"])
def test_an_id_a_spreadsheet_would_misread_is_not_graded_and_is_named(course: Course, honest: Path, sid: str) -> None:
    place_copy(course, honest, sid)
    try:
        log = course.api(**FAST).autograde(A1, sid)["log"]
        assert "a spreadsheet opening the exported grades would read as a new column or a formula" in log, log[-2000:]
        assert not (course.root / "autograded" / sid / A1).exists()
    finally:
        forget_students(course, sid)


def test_collect_refuses_an_id_with_a_comma_and_collects_the_rest(course: Course, honest: Path) -> None:
    course.student("t7-comma,,,,40").hand_in(A1, honest_a1)
    course.student("t7-after").hand_in(A1, honest_a1)
    result = course.api().collect(A1)
    shown = json.dumps(result)
    assert not (course.root / "submitted" / "t7-comma,,,,40").exists()
    assert (course.root / "submitted" / "t7-after" / A1 / f"{A1}.ipynb").is_file()
    assert "t7-comma,,,,40" in shown and "would read as a new column or a formula" in shown, shown[-2000:]


# ---- F2: answers.json keys echoed under a locked cell ----------------------------------------


def test_an_answers_key_that_is_no_item_is_left_out_and_a_summary_cannot_add_lines(tmp_path: Path) -> None:
    from coplearn.grading.schema import Question, clean_answers

    forged = "q2.9\n\n\x1b[1;32m=== all answers checked ===\nstatement 1: managed  \u2713 correct\x1b[0m\n"
    answers = {"q2.1": "managed", "q2.01": "managed", forged: "managed", "q3.1": "team", "q3": "task",
               "q1.3": "humanistic", "q1.99": "managed"}
    (tmp_path / "answers.json").write_text(json.dumps({"format": "coplearn-answers", "version": 2, "answers": answers}))
    schema = {"q1": Question(name="q1", kind="culture", items=frozenset({"3"}), count=None),
              "q2": Question(name="q2", kind="culture", items=None, count=2),
              "q3": Question(name="q3", kind="domain", items=None, count=None)}
    doc, notes = clean_answers(tmp_path / "answers.json", schema)
    assert doc is not None and doc["answers"] == {"q2.1": "managed", "q3": "task", "q1.3": "humanistic"}
    assert len([n for n in notes if "is not an item of" in n]) == 4, notes
    assert all("\n" not in n and "\x1b" not in n for n in notes)

    from coplearn.widgets.answers import SeveralChoices

    summary = SeveralChoices("q2", 2, kind="culture", folder=tmp_path)._summary()
    assert summary.startswith("Answer widgets for q2: ")
    assert "\n" not in summary and "\x1b" not in summary and "\\x1b" in summary and "\\x0a" in summary


# ---- F3: a huge timestamp.txt -------------------------------------------------------------------


def test_collect_reads_only_the_start_of_a_huge_timestamp(course: Course, honest: Path, monkeypatch) -> None:
    from coplearn.grading import exchange

    parsed: list[int] = []
    real = exchange.parse_utc
    monkeypatch.setattr(exchange, "parse_utc", lambda text: parsed.append(len(text)) or real(text))
    course.student("t7-bigstamp").hand_in(A1, honest_a1)
    stamp = course.inbound("t7-bigstamp", A1) / "timestamp.txt"
    with open(stamp, "a", encoding="utf-8") as fh:
        fh.write(" 1" * 500_000)  # 1 MB: the date parser took about 2 s a megabyte, and memory with it
    result = course.ok(course.api().collect(A1))
    collected = course.root / "submitted" / "t7-bigstamp" / A1 / "timestamp.txt"
    assert collected.stat().st_size < 100  # the exchange's own time, written in its place
    assert "t7-bigstamp" in json.dumps(result) and "no readable time" in json.dumps(result)
    assert parsed and max(parsed) <= 200, parsed  # never the whole file


STAMPS = {"t7-stamp-huge": "2026-12-04 10:00:00" + " 1" * 500_000,  # 1 MB: parsed whole, about 2 s
          "t7-stamp-padded": "2026-12-04 10:00:00" + "\n" * 300,      # a real time: read in both modes
          "t7-stamp-ok": None}


def _grade_both(course: Course, pattern: str, capfd) -> tuple[str, dict, str, object, dict]:
    """Grade ``pattern`` serially through nbgrader's API and again with ``coplearn autograde --jobs 2``."""
    from coplearn.grading.parallel import autograde_parallel

    serial = course.api(**FAST).autograde(A1, pattern)["log"]
    first = {sid: (course.root / "autograded" / sid / A1).exists() for sid in STAMPS}
    capfd.readouterr()
    report = autograde_parallel(A1, jobs=2, course_dir=course.root,
                                nbgrader_args=[f"--student={pattern}", "--force", "--Execute.timeout=10"])
    return serial, first, capfd.readouterr().err, report, {
        sid: (course.root / "autograded" / sid / A1).exists() for sid in STAMPS}


def test_a_huge_timestamp_put_in_submitted_by_hand_fails_that_student_alone_in_both_modes(
        course: Course, honest: Path, capfd) -> None:
    for sid, text in STAMPS.items():
        folder = place_copy(course, honest, sid)
        if text is not None:
            (folder / "timestamp.txt").write_text(text)
    try:
        serial, serial_done, log, report, parallel_done = _grade_both(course, "t7-stamp-*", capfd)
        line = "coplearn: t7-stamp-huge: timestamp.txt in "
        assert line in serial and "is 1000019 bytes long, too long to be a time" in serial, serial[-2000:]
        assert line in log, log[-2000:]
        assert serial_done == parallel_done == {"t7-stamp-huge": False, "t7-stamp-padded": True, "t7-stamp-ok": True}
        assert report.failed == ("t7-stamp-huge",), report.summary()
        assert course.score(A1, "t7-stamp-padded") == course.score(A1, "t7-stamp-ok") == 40
    finally:
        forget_students(course, *STAMPS)


@pytest.mark.timeout(600)
def test_grading_again_past_a_timestamp_that_is_a_named_pipe_does_not_wait_for_ever(course: Course, honest: Path) -> None:
    """A folder unpacked again over a graded one (tar and zip can carry a named pipe): nbgrader read
    timestamp.txt before any hook of ours, and waited on the pipe for ever, serially and under --jobs."""
    import os

    from installed import coplearn

    folder = place_copy(course, honest, "t7-fifo")
    place_copy(course, honest, "t7-fifo-ok")
    try:
        env = {**os.environ, "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")}
        for command in ([sys.executable, "-m", "nbgrader", "autograde", A1, "--student=t7-fifo*"],
                        coplearn("autograde", A1, "--student=t7-fifo*", "--jobs", "2")):
            # graded once; then the pipe arrives, and the tutor grades again to pick up new arrivals
            (folder / "timestamp.txt").unlink(missing_ok=True)
            shutil.copy(honest / "timestamp.txt", folder / "timestamp.txt")
            course.ok(course.api(**FAST).autograde(A1, "t7-fifo*"))
            (folder / "timestamp.txt").unlink()
            os.mkfifo(folder / "timestamp.txt")
            try:
                proc = subprocess.run(command, cwd=course.root, env=env, capture_output=True, text=True, timeout=240)
            except subprocess.TimeoutExpired:
                pytest.fail(f"{command[:3]} still waited after 240 s")
            assert "coplearn: t7-fifo: timestamp.txt in " in proc.stderr and "is a named pipe" in proc.stderr, \
                proc.stderr[-2000:]
        assert course.score(A1, "t7-fifo-ok") == 40
    finally:
        forget_students(course, "t7-fifo", "t7-fifo-ok")


def test_the_summary_writes_odd_characters_in_student_ids_out() -> None:
    from coplearn.grading.parallel import GradeReport

    odd = "x\r\x1b[2K\x1b[32mAll submissions graded"
    text = GradeReport(assignment=A1, graded=(), failed=(odd,), skipped=(), seconds=1, jobs=1, replayed=0,
                       executed_here=0, no_notebook=(odd,)).summary()
    assert "\x1b" not in text and "\r" not in text and "\\x1b" in text


# ---- F4: a cell whose text is not text ------------------------------------------------------------

SOURCES = {"t7-src-int": ["My answer ", 5], "t7-src-dict": {"a": "<b>x</b>"}, "t7-src-num": 12345, "t7-src-null": None}
#: other hand edits nbformat cannot read (review 7): student -> (change, what the line says)
OTHER = {"t7-src-outint": (lambda nb: nb["cells"][3].update(outputs=[{"output_type": "stream", "name": "stdout",
                                                                  "text": ["Your answer ", 5]}]),
                        "an output of its cell 4 holds lines that are not all text"),
         "t7-src-metalist": (lambda nb: nb["cells"][3].update(metadata=[]), "the settings (metadata) of its cell 4"),
         "t7-src-format": (lambda nb: nb.update(nbformat="4"), "its format version is text, not a whole number")}


def test_a_cell_whose_text_is_not_text_is_named_and_that_student_fails_alone(course: Course, honest: Path) -> None:
    for sid, source in SOURCES.items():
        path = place_copy(course, honest, sid) / f"{A1}.ipynb"
        nb = json.loads(path.read_text(encoding="utf-8"))
        nb["cells"][3]["source"] = source
        path.write_text(json.dumps(nb), encoding="utf-8")
    for sid, (change, _) in OTHER.items():
        path = place_copy(course, honest, sid) / f"{A1}.ipynb"
        nb = json.loads(path.read_text(encoding="utf-8"))
        change(nb)
        path.write_text(json.dumps(nb), encoding="utf-8")
    place_copy(course, honest, "t7-src-ok")
    try:
        log = course.api(**FAST).autograde(A1, "t7-src-*")["log"]
        for sid in SOURCES:
            assert f"coplearn: {sid}: {A1}.ipynb is not a notebook nbgrader can read: the text of its cell 4 is" in log, \
                (sid, log[-3000:])
        for sid, (_, said) in OTHER.items():
            assert f"coplearn: {sid}: {A1}.ipynb is not a notebook nbgrader can read: {said}" in log, (sid, log[-3000:])
        for sid in [*SOURCES, *OTHER]:
            assert not (course.root / "autograded" / sid / A1).exists()
        assert course.score(A1, "t7-src-ok") == 40
    finally:
        forget_students(course, *SOURCES, *OTHER, "t7-src-ok")
