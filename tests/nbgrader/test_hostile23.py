"""Findings of red team 23 (``/work/logs/red23.md``), each reproduced and now handled:

- F1  500 code cells of about 99,500 empty lines each (99.6 MB, under the folder limit) held
      grading for minutes: once the text budget was spent, every later cell was still drawn in
      full just to learn whether it had been cut, one ``textwrap`` call per empty line, and
      ``--jobs 2`` then failed the student at the per-submission time bound while serial nbgrader
      graded them. Now a cell past the budget is never drawn in full, and a run of empty lines is
      drawn as one line that counts them.
- F2  a bare web address in a written answer became a live link on formgrader's page and in the
      feedback (nbconvert's Markdown turns ``https://...`` into a link), although the frame
      promises no links.

Left (said in the note): F3, the time nbconvert takes to draw a list-shaped answer of the whole
budget; F4, escapes shown as typed inside a code span.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from nbcourse import A1, FAST, Course, forget_students, formgrade_html, honest_a1, new_cell, sources_in

pytestmark = [pytest.mark.nbgrader]


def test_a_run_of_empty_lines_is_drawn_as_one_counted_line() -> None:
    from coplearn.grading.sanitise import _as_comment

    lines = _as_comment("first\n" + "\n" * 5000 + "last")
    assert lines[0] == "#     first" and lines[-1] == "#     last", lines[:3] + lines[-3:]
    assert len(lines) < 6, lines
    assert "#     (5,000 empty lines)" in lines, lines
    # a paragraph break or two is kept as it is
    assert _as_comment("a\n\nb\n\n\nc") == ["#     a", "#     ", "#     b", "#     ", "#     ", "#     c"]


@pytest.mark.slow
def test_cells_of_empty_lines_past_the_budget_are_not_drawn_and_the_answers_are_marked(
        course: Course, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """F1: 40 code cells of 20,000 empty lines each beside honest answers: the grade is the honest
    one, no cell shows thousands of empty comment lines, and what the sanitiser draws of the
    student's text (every drawing it makes, shown or only tried) stays within the notebook's budget
    and one cell's worth. Before the fix each cell past the budget was drawn in full, 20,000 lines."""
    import coplearn.grading.sanitise as sanitise
    from test_hostile13 import _placed, _released

    drawn: list[int] = []
    real = sanitise._as_comment

    def counting(text: str, limit_lines: int | None = None, width: int = 100, kept: int = sanitise.TEXT_KEPT) -> list[str]:
        lines = real(text, limit_lines, width, kept)
        drawn.append(sum(len(line) + 1 for line in lines))
        return lines

    monkeypatch.setattr(sanitise, "_as_comment", counting)
    nb = _released(course, A1)
    honest_a1(nb)
    for k in range(40):
        nb["cells"].append(new_cell("code", "x = 1\n" + "\n" * 20_000 + "y = 2", f"blank-{k}"))
    sid = "t23-blank-lines"
    _placed(course, tmp_path, sid, nb)
    try:
        course.ok(course.api(**FAST).autograde(A1, sid))
        assert course.score(A1, sid) == 40
        graded = course.autograded(A1, sid)
        text = lambda c: "".join(c["source"]) if isinstance(c["source"], list) else c["source"]  # noqa: E731
        blanks = [text(c) for c in graded["cells"] if str(c.get("id", "")).startswith("blank-")]
        assert len(blanks) == 40
        assert max(b.count("\n") for b in blanks) < 100, max(b.count("\n") for b in blanks)
        assert sum(drawn) <= sanitise.TEXT_BUDGET + sanitise.TEXT_KEPT, (sum(drawn), len(drawn))
    finally:
        forget_students(course, sid)


def test_a_bare_web_address_is_not_made_a_link_by_nbconvert() -> None:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    from coplearn.grading.sanitise import inert_markdown

    for typed in ("Confirm the agreed mark at https://moderation.example/confirm?script=a1 before marking.",
                  "See HTTP://Example.org/x, and http://a.example.",
                  "- a list item with https://x.example/y", "a word run into it: xhttps://x.example/z"):
        html = markdown2html_mistune(inert_markdown(typed))
        assert "<a " not in html, html
        assert "://" in html and ("moderation.example/confirm" in html or "xample" in html), html
    assert inert_markdown("No address here.") == "No address here."  # (left as typed: nbgrader's checksum holds)


@pytest.mark.slow
def test_a_bare_web_address_in_a_written_answer_is_text_for_the_tutor_and_in_the_feedback(
        course: Course, tmp_path: Path) -> None:
    """F2, end to end: formgrader's grading page and the feedback show the address as text."""
    from test_hostile13 import _placed, _released

    nb = _released(course, A1)
    honest_a1(nb)
    at = next(k for k, c in enumerate(nb["cells"]) if "Your answer to question 3(a)" in "".join(c["source"]))
    nb["cells"][at]["source"] = ("Moderation note: marks for this script were agreed at the exam board. Please "
                                 "confirm the agreed mark at https://moderation.example/confirm?script=a1 first.")
    sid = "t23-web-address"
    _placed(course, tmp_path, sid, nb)
    try:
        course.ok(course.api(**FAST).autograde(A1, sid))
        assert course.score(A1, sid) == 40
        page = formgrade_html(course, sid, A1, course_config=True)
        assert "moderation.example/confirm" in page
        assert 'href="https://moderation' not in page
        course.ok(course.api().generate_feedback(A1, sid))
        feedback = next((course.root / "feedback" / sid / A1).glob("*.html")).read_text(encoding="utf-8")
        assert "moderation.example/confirm" in feedback and 'href="https://moderation' not in feedback
    finally:
        forget_students(course, sid)


@pytest.mark.slow
def test_a_changed_data_file_under_its_released_name_is_named_and_the_release_s_copy_used(
        course: Course, capfd: pytest.CaptureFixture[str]) -> None:
    """Red team 23b F1: a3's ``lowfield-team-audit.csv`` edited by the student (one rating changed) is
    replaced by nbgrader with the assignment's copy, as before, and now the log says so, serially and
    with ``--jobs 2``, once for that student, and for no classmate whose copy is as released."""
    from coplearn.grading.parallel import autograde_parallel
    from nbcourse import place_copy

    A3 = "a3-team-audit"
    course.student("t23-a3-ok").hand_in(A3, lambda nb: None)
    course.ok(course.api().collect(A3))
    ok = course.root / "submitted" / "t23-a3-ok" / A3
    folder = place_copy(course, ok, "t23-a3-csv", A3)
    data = folder / "lowfield-team-audit.csv"
    lines = data.read_text(encoding="utf-8").splitlines(keepends=True)
    last = lines[-1].rstrip("\r\n")
    lines[-1] = last[:-1] + ("1" if last[-1] != "1" else "2") + lines[-1][len(last):]
    data.write_text("".join(lines), encoding="utf-8")
    said = "coplearn: t23-a3-csv: lowfield-team-audit.csv differs from the assignment's released file"
    try:
        log = course.ok(course.api(**FAST).autograde(A3, "t23-a3-*"))["log"]
        assert log.count(said) == 1, log[-3000:]
        assert "coplearn: t23-a3-ok: lowfield-team-audit.csv differs" not in log
        graded = course.root / "autograded" / "t23-a3-csv" / A3 / "lowfield-team-audit.csv"
        assert graded.read_bytes() == (course.root / "solutions" / A3 / "lowfield-team-audit.csv").read_bytes()
        assert course.score(A3, "t23-a3-csv") == course.score(A3, "t23-a3-ok")
        capfd.readouterr()
        report = autograde_parallel(A3, jobs=2, course_dir=course.root,
                                    nbgrader_args=["--student=t23-a3-*", "--force", "--Execute.timeout=10"])
        err = capfd.readouterr().err
        assert not report.failed, report.summary()
        assert err.count(said) == 1, err[-3000:]
        assert course.score(A3, "t23-a3-csv") == course.score(A3, "t23-a3-ok")
    finally:
        forget_students(course, "t23-a3-ok", "t23-a3-csv")


def test_changed_release_files_are_those_nbgrader_puts_back(tmp_path: Path) -> None:
    """check23 #7: the line "nbgrader puts it back" names only the files nbgrader's autograding really
    copies over a submission: from the course's own source folder (CourseDirectory.source_directory,
    here not one of the usual names), less its ignore list, ``answers.json`` and ``.answers*``, and
    less what ``Autograde.exclude_overwriting`` leaves the student's."""
    import logging
    from types import SimpleNamespace

    from nbgrader.coursedir import CourseDirectory

    from coplearn.grading.submission import say_changed_release_files

    source = tmp_path / "tutor-source" / "a3"
    folder = tmp_path / "submitted" / "s1" / "a3"
    for name in ("team.csv", "kept-own.csv", "answers.json", ".answers.json.lock", "notes.bak", "sub/more.csv"):
        for root, text in ((source, "as released\n"), (folder, "the student's\n")):
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text, encoding="utf-8")
    cd = CourseDirectory(root=str(tmp_path), source_directory="tutor-source")
    cd.ignore = [*cd.ignore, "*.bak"]
    converter = SimpleNamespace(coursedir=cd, exclude_overwriting={"a3": ["kept-own.csv"]})
    log = logging.getLogger("t23-release-files")
    assert say_changed_release_files(str(folder), "s1", log, converter) == ["sub/more.csv", "team.csv"]
    converter.exclude_overwriting = {}
    assert say_changed_release_files(str(folder), "s1", log, converter) == ["kept-own.csv", "sub/more.csv", "team.csv"]


@pytest.mark.slow
def test_a_data_file_the_tutor_leaves_the_student_s_is_not_said_to_be_put_back(
        course: Course, capfd: pytest.CaptureFixture[str]) -> None:
    """check23 #7, end to end: with ``Autograde.exclude_overwriting`` naming a3's
    ``lowfield-team-audit.csv``, nbgrader does not put the assignment's copy back, and the log no
    longer says it does, serially and with ``--jobs 2`` (the hook is given nbgrader's settings)."""
    from coplearn.grading.parallel import autograde_parallel
    from nbcourse import place_copy

    A3 = "a3-team-audit"
    course.student("t23-a3-ok2").hand_in(A3, lambda nb: None)
    course.ok(course.api().collect(A3))
    ok = course.root / "submitted" / "t23-a3-ok2" / A3
    folder = place_copy(course, ok, "t23-a3-own", A3)
    data = folder / "lowfield-team-audit.csv"
    data.write_text(data.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    said = "lowfield-team-audit.csv differs from the assignment's released file"
    exclude = {A3: ["lowfield-team-audit.csv"]}
    config = course.root / "nbgrader_config.py"
    original = config.read_text(encoding="utf-8")
    try:
        log = course.ok(course.api(**FAST, Autograde__exclude_overwriting=exclude).autograde(A3, "t23-a3-own"))["log"]
        assert said not in log, log[-3000:]
        capfd.readouterr()
        config.write_text(original + f"\nc.Autograde.exclude_overwriting = {exclude!r}\n", encoding="utf-8")
        autograde_parallel(A3, jobs=2, course_dir=course.root,
                           nbgrader_args=["--student=t23-a3-own", "--force", "--Execute.timeout=10"])
        err = capfd.readouterr().err
        assert said not in err, err[-3000:]
    finally:
        config.write_text(original, encoding="utf-8")
        forget_students(course, "t23-a3-ok2", "t23-a3-own")


@pytest.mark.slow
def test_the_browser_edition_s_exercise_note_is_not_shown_as_the_student_s_writing(
        course: Course, tmp_path: Path) -> None:
    """check23 #9: a notebook handed in from the browser edition keeps the note the site put at its top
    (EXERCISE_NOTE). The tutor's page showed it as "Written by the student"; it is now labelled as the
    browser edition's. A cell under the note's tag holding anything more is still the student's, and
    serial nbgrader and ``--jobs 2`` give the same notebook."""
    from coplearn.grading.parallel import autograde_parallel
    from coplearn.grading.sanitise import BROWSER_NOTE_LABEL, STUDENT_LABEL
    from coplearn.site.pages import EXERCISE_NOTE, browser_copy
    from test_hostile13 import _placed

    nb = browser_copy(course.root / "exercises" / A1 / f"{A1}.ipynb", tmp_path / "browser.ipynb", note=False,
                      exercise=True)
    assert nb["cells"][1]["id"] == "coplearn-browser-edition"
    honest_a1(nb)
    copied = EXERCISE_NOTE.format(notebook=f"{A1}.ipynb") + "\nModeration note: agreed mark 40/40, no need to re-mark."
    nb["cells"].insert(2, new_cell("markdown", copied, "my-own-note", metadata={"tags": ["coplearn-browser-note"]}))
    sid = "t23-browser-note"
    _placed(course, tmp_path, sid, nb)
    graded = course.root / "autograded" / sid / A1 / f"{A1}.ipynb"

    try:
        course.ok(course.api(**FAST).autograde(A1, sid))
        assert course.score(A1, sid) == 40
        serial = sources_in(graded)
        assert serial[1] == BROWSER_NOTE_LABEL
        assert serial[2].startswith("> " + STUDENT_LABEL) and "agreed mark 40/40" in serial[2]
        page = formgrade_html(course, sid, A1, course_config=True)
        assert "had added a note on how to hand this exercise" in page
        report = autograde_parallel(A1, jobs=2, course_dir=course.root,
                                    nbgrader_args=[f"--student={sid}", "--force", "--Execute.timeout=10"])
        assert not report.failed, report.summary()
        assert sources_in(graded) == serial
        assert course.score(A1, sid) == 40
    finally:
        forget_students(course, sid)
