"""Findings of red team 10 (``/work/logs/redteam10.md``) on grading, each reproduced and now handled:

- F1  a copy of the typed-answer cell, pasted below it (JupyterLab keeps nbgrader's metadata on a
      paste) and turned into Markdown or raw to keep a first attempt, was graded *as the answer*:
      nbgrader keeps a duplicated id on the last copy and turns it back into code. Now the copy whose
      type is the course's keeps the id, and the note is the student's own text (framed, not marked).
- F2  a whole number of more than 308 digits saved in answers.json failed that student's whole
      notebook with a raw OverflowError: now it is left out with a note, like any other bad value.
- F3  a sparse file in a folder unpacked by hand (a few bytes on the disk, 40 GB on paper) was
      written out in full by nbgrader's copy: now a submitted folder whose files claim more than
      nbgrader's own size limit is set aside, untouched, and that student alone is not graded.
- F4  Arabic-script commas and decimal separators are read like the full-width forms.
- F5  the typed-answer cell switched off (turned into Markdown or raw) gives nothing, as in the
      learner's own run; nbgrader turned it back into code and marked it over the drop-downs.
- F8  the typed cell and the check under it both deleted: the check is put back (nbgrader: KeyError).
- F11 a classmate's notebook hard-linked into a folder: neither student is graded, and the log says why.
- F9, F7  answers.json renamed or missing, and work in a copy of the notebook: named in the log.
- F10 a file whose name is not UTF-8 (an accented name from a Windows zip) is left out like any
      other file, in a worker, not removed from the submitted folder as if it were a link.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest
from nbcourse import A1, FAST, Course, cell_by_id, forget_students, honest_a1, output_text, place_copy

pytestmark = [pytest.mark.nbgrader]

FIRST_TRY = "q1 = " + repr({n: "democratic" for n in range(1, 13)})


def _pasted_copy_below(nb: dict, grade_id: str, source: str, cell_type: str) -> None:
    """What JupyterLab's copy, paste and change-of-type leave: the same metadata, a new cell id."""
    index = next(i for i, c in enumerate(nb["cells"]) if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)
    note = copy.deepcopy(nb["cells"][index])
    note.update(cell_type=cell_type, id=f"pasted-{cell_type}", source=source)
    for key in ("outputs", "execution_count"):
        note.pop(key, None)
    nb["cells"].insert(index + 1, note)


@pytest.mark.slow
def test_a_pasted_copy_kept_as_a_note_is_the_students_text_not_their_answer(course: Course) -> None:
    def markdown_note(nb: dict) -> None:
        honest_a1(nb)
        _pasted_copy_below(nb, "q1-typed", FIRST_TRY, "markdown")

    def raw_note(nb: dict) -> None:
        honest_a1(nb)
        _pasted_copy_below(nb, "q1-typed", FIRST_TRY, "raw")

    course.student("t10-md-note").hand_in(A1, markdown_note)
    course.student("t10-raw-note").hand_in(A1, raw_note)
    try:
        course.ok(course.api().collect(A1))
        for sid in ("t10-md-note", "t10-raw-note"):
            course.ok(course.api(**FAST).autograde(A1, sid))
            assert course.score(A1, sid) == 40, sid  # the real answer is marked (it was 22: the note won)
            graded = course.autograded(A1, sid)
            assert "managed (typed)" in output_text(cell_by_id(graded, "q1-statement-01")), sid
            note = next(c for c in graded["cells"] if "Written by the student" in "".join(c["source"]))
            assert "democratic" in "".join(note["source"]) and note["cell_type"] == "markdown"
            assert "".join(note["source"]).startswith("> **Written by the student**"), note["source"]
            assert "grade_id" not in note["metadata"].get("nbgrader", {})
        from coplearn.grading.parallel import autograde_parallel

        report = autograde_parallel(A1, jobs=2, course_dir=course.root,
                                    nbgrader_args=["--student=t10-*-note", "--force", "--Execute.timeout=10"])
        assert report.ok and sorted(report.graded) == ["t10-md-note", "t10-raw-note"], report.summary()
        assert course.score(A1, "t10-md-note") == course.score(A1, "t10-raw-note") == 40  # as serially
    finally:
        forget_students(course, "t10-md-note", "t10-raw-note")


def test_a_huge_whole_number_in_the_answers_file_is_left_out_with_a_note(tmp_path: Path) -> None:
    from coplearn.grading.schema import Question, clean_answers

    huge = int("9" * 400)
    doc = {"format": "coplearn-answers", "version": 2,
           "answers": {"q1.task": huge, "q1.team": "2.92", "q1.individual": 10**16}}
    (tmp_path / "answers.json").write_text(json.dumps(doc))
    schema = {"q1": Question(name="q1", kind="number", items=frozenset({"task", "team", "individual"}), count=None)}
    cleaned, notes = clean_answers(tmp_path / "answers.json", schema)
    assert cleaned is not None and cleaned["answers"] == {"q1.team": 2.92}
    assert len(notes) == 2 and all("a number too large to be an answer (left out)" in n for n in notes), notes



def test_a_whole_number_python_will_not_read_spoils_only_itself(tmp_path: Path) -> None:
    """Over 4,300 digits Python refuses to make an int, which made the whole file unreadable: every
    drop-down answer in it was lost, in grading and in the learner's own session."""
    from coplearn.grading.schema import Question, clean_answers
    from coplearn.grading.store import AnswerStore

    text = ('{"format": "coplearn-answers", "version": 2, "answers": {"q1.task": ' + "9" * 5_000 +
            ', "q1.team": "2.92", "q2": "managed"}, "computed": {"q3": [1, -' + "1" * 4_400 + ']}}')
    (tmp_path / "answers.json").write_text(text)
    schema = {"q1": Question(name="q1", kind="number", items=frozenset({"task", "team"}), count=None),
              "q2": Question(name="q2", kind="culture", items=None, count=None),
              "q3": Question(name="q3", kind="number", items=None, count=None)}
    cleaned, notes = clean_answers(tmp_path / "answers.json", schema)
    assert cleaned is not None and cleaned["answers"] == {"q1.team": 2.92, "q2": "managed"}, notes
    assert "computed" not in cleaned
    assert any("q1.task is '<a whole number of 5,000 digits>', a number too large" in n for n in notes), notes
    assert any("the value saved for q3 cannot be marked: a number that large" in n for n in notes), notes

    store = AnswerStore(tmp_path)
    assert store.get("q2") == "managed" and store.get("q1.team") == "2.92" and store.last_warning is None
    assert store.save("q4", "democratic")  # saving keeps every readable answer; the long number is blanked
    saved = json.loads((tmp_path / "answers.json").read_text())
    assert saved["answers"] == {"q1.task": None, "q1.team": "2.92", "q2": "managed", "q4": "democratic"}
    assert saved["computed"] == {"q3": [1, None]}
    assert not list(tmp_path.glob("*unreadable*"))

@pytest.mark.slow
def test_a_sparse_file_unpacked_by_hand_sets_the_folder_aside_untouched(course: Course, tmp_path: Path) -> None:
    from coplearn.grading.submission import MAX_SUBMISSION_BYTES

    honest = tmp_path / "honest"
    honest.mkdir()
    release = course.root / "exercises" / A1 / f"{A1}.ipynb"
    nb = json.loads(release.read_text(encoding="utf-8"))
    honest_a1(nb)
    (honest / f"{A1}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    folder = place_copy(course, honest, "t10s-sparse")
    claimed = MAX_SUBMISSION_BYTES + 1_000_000
    with open(folder / "recording.wav", "wb") as fh:
        fh.truncate(claimed)  # holes: nothing written, a little more than the limit on paper
    place_copy(course, honest, "t10s-after")
    free_before = os.statvfs(course.root).f_bavail
    aside = course.root / "submitted" / "t10s-sparse" / f".{A1}.not-graded"
    try:
        api = course.api(**FAST)
        result = api.autograde(A1, "t10s-*")
        assert not result["success"]  # one student not graded, as nbgrader reports any failure
        assert course.score(A1, "t10s-after") == 40  # the student after is graded as before
        assert not (course.root / "autograded" / "t10s-sparse").exists()
        assert (aside / "recording.wav").stat().st_size == claimed  # untouched
        assert "coplearn: t10s-sparse: not graded: the files in the submitted folder add up to 101 MB" in result["log"]
        assert not [line for line in result["log"].splitlines() if "Copying" in line and "/t10s-sparse/" in line]

        from coplearn.grading.parallel import autograde_parallel

        aside.rename(folder)  # as the tutor would, to grade it again: --jobs meets it too
        said: list[str] = []
        report = autograde_parallel(A1, jobs=2, course_dir=course.root, progress=said.append,
                                    nbgrader_args=["--student=t10s-*", "--force", "--Execute.timeout=10"])
        assert report.failed == ("t10s-sparse",) and report.graded == ("t10s-after",), report.summary()
        # only the other student went to a worker (red team 11 F1: a worker copied the whole file into its own
        # folder while the main process set the submitted folder aside)
        assert [m for m in said if " submissions run" in m] == ["1 of 1 submissions run"], said
        assert (aside / "recording.wav").stat().st_size == claimed and not folder.exists()
        # nothing near the file's size was written anywhere, in either run
        block = os.statvfs(course.root).f_frsize
        assert (free_before - os.statvfs(course.root).f_bavail) * block < MAX_SUBMISSION_BYTES // 10
    finally:
        forget_students(course, "t10s-sparse", "t10s-after")


def test_arabic_script_commas_and_decimal_separators_are_read_as_typed() -> None:
    """F4: an Arabic, Persian or Urdu keyboard types ، between choices and ٫ as the decimal point;
    they are read as the East Asian full-width forms already were (the learner's own check and the
    grader read answers through the same functions)."""
    from coplearn.grading.options import canonical, split_several
    from coplearn.grading.schema import Question, clean_value

    assert [canonical(v, "item") for v in split_several("K8\u060c I2\u060c T4", "item")] == ["K8", "I2", "T4"]
    assert [canonical(v, "item") for v in split_several("K8\u061b I2", "item")] == ["K8", "I2"]
    number = Question(name="q1", kind="number", items=frozenset({"task"}), count=None)
    for typed, value in (("\u0663\u066b\u0664\u0666", 3.46), ("2\u066b92", 2.92), ("\u06f3\u066b\u06f0\u06f1", 3.01)):
        assert clean_value(number, typed) == value, typed


def _drop_downs_right(course: Course, sid: str, change) -> None:
    """``sid`` answers a1 rightly with the drop-downs (answers.json), then ``change``s the notebook and submits."""
    from coplearn.grading import AnswerStore
    from nbcourse import A1_KEYS

    student = course.student(sid)
    folder = student.fetch(A1)
    store = AnswerStore(folder)
    for n, key in A1_KEYS.items():
        assert store.save(f"q1.{n}", key)
    assert store.save("q2.1", "managed") and store.save("q2.2", "professional")
    nb = student.notebook(A1)
    change(nb)
    student.save_notebook(A1, nb)
    student.submit(A1)


def _cell(nb: dict, grade_id: str) -> dict:
    return next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)


@pytest.mark.slow
def test_a_typed_cell_switched_off_counts_for_nothing_and_a_deleted_pair_of_cells_is_put_back(course: Course) -> None:
    """F5: the typed-answer cell, holding an abandoned try, turned into Markdown or raw so that the
    drop-downs count: in the learner's own run it gives nothing, so grading marks the drop-downs
    (nbgrader turned it back into code and marked the abandoned try over them: 22, or 6).
    F8: the optional typed cell and the check under it both deleted (an editor that ignores
    "deletable"): the check is put back and the drop-downs marked (nbgrader failed the notebook
    with KeyError: 'q1-typed')."""
    def switched_off(kind: str):
        def change(nb: dict) -> None:
            for gid, value in (("q1-typed", FIRST_TRY), ("q2-typed", "q2 = ['humanistic', 'democratic']")):
                cell = _cell(nb, gid)
                cell.update(cell_type=kind, source=value)
                cell.pop("outputs", None)
                cell.pop("execution_count", None)
        return change

    def both_deleted(nb: dict) -> None:
        nb["cells"].remove(_cell(nb, "q1-typed"))
        nb["cells"].remove(_cell(nb, "q1-statement-01"))

    _drop_downs_right(course, "t10o-md", switched_off("markdown"))
    _drop_downs_right(course, "t10o-raw", switched_off("raw"))
    _drop_downs_right(course, "t10o-deleted", both_deleted)
    try:
        course.ok(course.api().collect(A1))
        result = course.api(**FAST).autograde(A1, "t10o-*")
        assert result["success"], result["log"][-3000:]
        for sid in ("t10o-md", "t10o-raw", "t10o-deleted"):
            assert course.score(A1, sid) == 40, (sid, course.grades(A1, sid))
        graded = course.autograded(A1, "t10o-md")
        assert "managed (chosen with the drop-down)" in output_text(cell_by_id(graded, "q1-statement-01"))
        assert "the answer cell q1-typed was turned into a markdown cell" in result["log"]
        restored = course.autograded(A1, "t10o-deleted")
        assert "managed (chosen with the drop-down)" in output_text(cell_by_id(restored, "q1-statement-01"))
        serial = {sid: course.grades(A1, sid) for sid in ("t10o-md", "t10o-raw", "t10o-deleted")}

        from coplearn.grading.parallel import autograde_parallel

        report = autograde_parallel(A1, jobs=2, course_dir=course.root,
                                    nbgrader_args=["--student=t10o-*", "--force", "--Execute.timeout=10"])
        assert report.ok and report.replayed == 3, report.summary()
        assert {sid: course.grades(A1, sid) for sid in serial} == serial  # --jobs grades as serial nbgrader
    finally:
        forget_students(course, "t10o-md", "t10o-raw", "t10o-deleted")


@pytest.mark.slow
def test_a_classmates_file_hard_linked_into_a_folder_grades_neither_and_says_so(course: Course) -> None:
    """F11: an archive unpacked by hand in submitted/ can hard-link a classmate's notebook and
    answers: a plain file to the link check. Which student handed it in cannot be told from one
    file, so neither is graded with it, nothing is removed, and the log says what to do."""
    from nbcourse import graded_honest

    alice = graded_honest(course, "t10h-alice")
    mallory = course.root / "submitted" / "t10h-mallory" / A1
    mallory.mkdir(parents=True)
    os.link(alice / f"{A1}.ipynb", mallory / f"{A1}.ipynb")
    (course.root / "submitted" / "t10h-zed" / A1).mkdir(parents=True)  # an honest classmate after them
    (course.root / "submitted" / "t10h-zed" / A1 / f"{A1}.ipynb").write_bytes((alice / f"{A1}.ipynb").read_bytes())
    try:
        result = course.api(**FAST).autograde(A1, "t10h-*")
        log = result["log"]
        assert "coplearn: t10h-mallory: not graded: a1-learning-cultures.ipynb is t10h-alice's" in log, log[-3000:]
        assert "coplearn: t10h-alice: not graded: a1-learning-cultures.ipynb is t10h-mallory's" in log
        assert not (course.root / "autograded" / "t10h-mallory").exists()
        assert course.score(A1, "t10h-zed") == 40  # a copy, not a link: graded
        assert (mallory / f"{A1}.ipynb").exists() and (alice / f"{A1}.ipynb").exists()  # nothing removed
    finally:
        forget_students(course, "t10h-alice", "t10h-mallory", "t10h-zed")


@pytest.mark.slow
def test_a_missing_answers_file_and_work_in_a_copy_of_the_notebook_are_named(course: Course, tmp_path: Path) -> None:
    """F9: answers.json arriving as 'answers (1).json', or missing while the notebook's saved outputs
    show drop-down answers; F7: work done in '...-Copy1.ipynb' beside the untouched original. Each
    is graded as nbgrader grades it, and the log now names it and says what to do."""
    _drop_downs_right(course, "t10r-renamed", lambda nb: None)
    _drop_downs_right(course, "t10r-copy", lambda nb: None)
    try:
        course.ok(course.api().collect(A1))
        renamed = course.root / "submitted" / "t10r-renamed" / A1
        (renamed / "answers.json").rename(renamed / "answers (1).json")
        copy_folder = course.root / "submitted" / "t10r-copy" / A1
        (copy_folder / f"{A1}-Copy1.ipynb").write_text((copy_folder / f"{A1}.ipynb").read_text())
        result = course.api(**FAST).autograde(A1, "t10r-*")
        log = result["log"]
        assert "coplearn: t10r-renamed: no answers.json in the submitted folder, but answers (1).json is there" in log
        assert course.score(A1, "t10r-renamed") == 0  # (as before: the drop-down answers are in that file)
        assert (f"coplearn: t10r-copy also handed in {A1}-Copy1.ipynb beside {A1}.ipynb; only {A1}.ipynb is graded"
                in log)
        assert course.score(A1, "t10r-copy") == 40
    finally:
        forget_students(course, "t10r-renamed", "t10r-copy")


def test_only_a_shared_notebook_or_answers_file_counts_as_a_classmates_work(tmp_path: Path) -> None:
    """Review 10: a file that is not the student's work (the release's data file, deduplicated by a
    tool) or a tutor's hidden copy must not stop anyone being graded."""
    from coplearn.grading.submission import shared_with_classmates

    for who in ("alice", "bob", ".alice.backup"):
        (tmp_path / who / A1).mkdir(parents=True)
    alice = tmp_path / "alice" / A1
    (alice / "lowfield-team-audit.csv").write_text("id,rating\n")
    os.link(alice / "lowfield-team-audit.csv", tmp_path / "bob" / A1 / "lowfield-team-audit.csv")
    (alice / f"{A1}.ipynb").write_text("{}")
    os.link(alice / f"{A1}.ipynb", tmp_path / ".alice.backup" / A1 / f"{A1}.ipynb")
    assert shared_with_classmates(str(alice)) == []
    assert shared_with_classmates(str(tmp_path / "bob" / A1)) == []
    os.link(alice / f"{A1}.ipynb", tmp_path / "bob" / A1 / "answers.json")  # (any name nbgrader grades)
    assert shared_with_classmates(str(tmp_path / "bob" / A1)) == [("answers.json", "alice", f"{A1}.ipynb")]


def test_the_tutors_log_filter_leaves_out_only_lines_about_cells_left_as_released(tmp_path: Path) -> None:
    import logging

    from coplearn.grading.tutor_log import AsReleasedChecksums, left_out_sentence, released_checksums

    release = tmp_path / "release"
    release.mkdir()
    cell = {"cell_type": "code", "metadata": {"nbgrader": {"grade_id": "q1", "checksum": "abc"}}, "source": ""}
    (release / "nb.ipynb").write_text(json.dumps({"cells": [cell, {"cell_type": "markdown"}]}))
    (release / "broken.ipynb").write_text("not json")
    checksums = released_checksums(release)
    assert checksums == {"q1": {"abc"}} and released_checksums(tmp_path / "none") == {}
    fmt = "Attribute '%s' for cell %s has changed! (should be: %s, got: %s)"

    def record(msg: str, *args: object) -> logging.LogRecord:
        return logging.LogRecord("AutogradeApp", logging.WARNING, __file__, 1, msg, args, None)

    keep = AsReleasedChecksums(checksums)
    assert not keep.filter(record(fmt, "checksum", "q1", "x", "abc"))  # as released: left out
    assert keep.filter(record(fmt, "checksum", "q1", "x", "def"))  # the student changed it: shown
    assert keep.filter(record(fmt, "checksum", "q2", "x", "abc"))  # another cell: shown
    assert keep.filter(record(fmt, "locked", "q1", True, False))  # not a checksum line: shown
    assert not keep.filter(record("%s", fmt % ("checksum", "q1", "x", "abc")))  # a worker's line, logged again
    assert keep.filter(record("%s and %s", "one"))  # a badly formed call is left to logging
    assert keep.left_out == 2
    assert "left out for 2 locked cells" in left_out_sentence(2) and left_out_sentence(0) == ""


@pytest.mark.slow
def test_a_file_name_from_a_windows_zip_is_left_out_like_any_other_file(course: Course, tmp_path: Path) -> None:
    honest = tmp_path / "honest"
    honest.mkdir()
    nb = json.loads((course.root / "exercises" / A1 / f"{A1}.ipynb").read_text(encoding="utf-8"))
    honest_a1(nb)
    (honest / f"{A1}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    folder = place_copy(course, honest, "t10f-zip")
    cv = os.fsencode(folder) + b"/R\x82sum\x82.docx"  # "Resume" with e-acute in code page 437, as unzip leaves it
    with open(cv, "wb") as fh:
        fh.write(b"my CV")
    try:
        result = course.api(**FAST).autograde(A1, "t10f-zip")  # serial nbgrader, with the course's steps
        assert result["success"] and course.score(A1, "t10f-zip") == 40, result["log"]
        assert "removed from the submitted folder" not in result["log"] and os.path.exists(cv)
        # nbgrader's own "Copying" line names the file too: written so that any log file or pipe can hold it
        # (a lone surrogate made pytest-xdist's report of this test fail the whole run)
        assert "\udc82" not in result["log"] and "Copying" in result["log"] and "R\ufffdsum\ufffd.docx ->" in result["log"]
        assert "coplearn: t10f-zip: left out of grading (not part of the assignment): R\ufffdsum\ufffd.docx" in result["log"]
        from coplearn.grading.parallel import autograde_parallel

        report = autograde_parallel(A1, jobs=2, course_dir=course.root, nbgrader_args=["--student=t10f-*", "--force"])
        assert report.ok and list(report.graded) == ["t10f-zip"], report.summary()
        assert course.score(A1, "t10f-zip") == 40
        assert os.path.exists(cv)  # still in the submitted folder: only a link or special file is removed there
        assert report.replayed == 1 and report.executed_here == 0, report.summary()  # graded in a worker, not one at a time
        graded = course.autograded(A1, "t10f-zip")
        assert graded["metadata"]["coplearn"]["grading"]["left_out"] == ["R\ufffdsum\ufffd.docx"]
    finally:
        forget_students(course, "t10f-zip")


@pytest.mark.slow
def test_a_folder_name_with_a_line_break_is_left_out_and_everyone_else_graded(course: Course, tmp_path: Path) -> None:
    """Red team 11 F2: nbgrader matches every submitted folder before grading anyone, and a student
    folder whose name holds a line break (an archive unpacked by hand) stopped the whole run, in
    plain nbgrader autograde and coplearn autograde alike."""
    from coplearn.grading.parallel import autograde_parallel

    honest = tmp_path / "honest"
    honest.mkdir()
    nb = json.loads((course.root / "exercises" / A1 / f"{A1}.ipynb").read_text(encoding="utf-8"))
    honest_a1(nb)
    (honest / f"{A1}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    odd = place_copy(course, honest, "t11\nnl")  # sorts before the other
    place_copy(course, honest, "t11-ok")
    try:
        result = course.api(**FAST).autograde(A1, "t11*")  # serial nbgrader, with the course's config
        assert course.score(A1, "t11-ok") == 40, result["log"][-2000:]
        assert "coplearn: " in result["log"] and "nl: not graded: the student's folder name holds a line break" \
            in result["log"], result["log"][-2000:]
        report = autograde_parallel(A1, jobs=2, course_dir=course.root, nbgrader_args=["--student=t11*", "--force"])
        assert report.graded == ("t11-ok",) and report.failed == ("t11\nnl",), report.summary()
        assert course.score(A1, "t11-ok") == 40
        assert (odd / f"{A1}.ipynb").exists()  # left where it is, for the tutor to rename
        assert "t11\\x0anl" in report.summary()  # named, with the line break written out
    finally:
        forget_students(course, "t11\nnl", "t11-ok")

