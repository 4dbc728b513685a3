"""Findings of red team 19 (``/work/logs/red19.md``), reproduced and now handled:

- F1  millions of tiny objects in a notebook's settings (metadata), which no cell or output count
      sees, cost minutes and gigabytes in nbgrader's steps: the pieces of data a notebook holds are
      counted before nbgrader reads it (without building them), and a notebook over the limit is
      refused, that student alone, in one plain line; under ``--jobs`` no worker takes it.
- F2  a typed choice with a look-alike letter (a Cyrillic о in "storming") was rightly marked wrong, but
      every message showed a right-looking answer: the letter is now named.
- F3  student ids that look like a classmate's (Cyrillic а, full-width ａ, Armenian ո) were graded:
      refused, that student alone, named.
- F4  an honest a3 answer with capitalised item names ("Task") earned its marks but brought a false
      warning of no full typed answer: items are looked up as grading looks them up.
- F5  a folder named like the notebook (an archive unpacked by hand) got only nbgrader's "did you
      forget to run generate_assignment?": a plain line now says what it is and what to do.
- F6  a notebook nested about 500 levels deep failed with a bare RecursionError: refused in words.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from nbcourse import A1, FAST, Course, forget_students, honest_a1, place_copy

pytestmark = [pytest.mark.nbgrader]


def _nested(levels: int) -> dict:
    inner: dict = {}
    for _ in range(levels - 1):
        inner = {"a": inner}
    return inner


def _released_honest(course: Course) -> dict:
    nb = json.loads((course.root / "exercises" / A1 / f"{A1}.ipynb").read_text(encoding="utf-8"))
    honest_a1(nb)
    return nb


def test_the_pieces_of_a_notebook_are_counted_wherever_they_are(course: Course, tmp_path: Path) -> None:
    from coplearn.grading.submission import MAX_CONTAINERS, MAX_DEPTH, MAX_VALUES, too_deep, too_many_parts

    nb = _released_honest(course)
    (tmp_path / "honest.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    assert too_many_parts(tmp_path / "honest.ipynb") is None and too_deep(tmp_path / "honest.ipynb") is None
    # in the notebook's settings, in a cell's settings, as empty lists or as plain numbers; and strings
    # holding brackets and commas are not counted as pieces
    for name, where, pad in [("lists", "notebook", [[]] * (MAX_CONTAINERS + 10)),
                             ("cell", "cell", [{}] * (MAX_CONTAINERS + 10)),
                             ("numbers", "notebook", [0] * (MAX_VALUES + 10))]:
        bulky = json.loads(json.dumps(nb))
        (bulky["metadata"] if where == "notebook" else bulky["cells"][0]["metadata"])["pad"] = pad
        (tmp_path / f"{name}.ipynb").write_text(json.dumps(bulky), encoding="utf-8")
        parts = too_many_parts(tmp_path / f"{name}.ipynb")
        assert parts is not None and (parts[0] > MAX_CONTAINERS or parts[1] > MAX_VALUES), (name, parts)
    wordy = json.loads(json.dumps(nb))
    wordy["metadata"]["note"] = "[{}], " * MAX_VALUES
    (tmp_path / "wordy.ipynb").write_text(json.dumps(wordy), encoding="utf-8")
    assert too_many_parts(tmp_path / "wordy.ipynb") is None
    deep = json.loads(json.dumps(nb))
    deep["metadata"]["pad"] = _nested(MAX_DEPTH + 50)
    (tmp_path / "deep.ipynb").write_text(json.dumps(deep), encoding="utf-8")
    assert too_deep(tmp_path / "deep.ipynb") == MAX_DEPTH + 52  # (the notebook and its settings are two more levels)


def test_a_huge_file_of_empty_lists_is_counted_without_building_it(tmp_path: Path) -> None:
    """The count that refuses a notebook must not itself cost what it guards against: 30 MB of
    empty lists (about ten million) would take gigabytes to build."""
    import tracemalloc

    from coplearn.grading.submission import too_many_parts

    path = tmp_path / "a.ipynb"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('{"nbformat": 4, "nbformat_minor": 5, "cells": [], "metadata": {"pad": [')
        fh.write("[]," * 10_000_000)
        fh.write("[]]}}")
    tracemalloc.start()
    try:
        parts = too_many_parts(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert parts is not None and parts[0] > 10_000_000, parts
    assert peak < 200 * 1024 * 1024, f"counting took {peak / 2**20:.0f} MiB"  # the file and a copy, not the lists


@pytest.mark.slow
def test_a_bulky_or_deep_notebook_fails_alone_in_words_in_both_modes(course: Course, tmp_path: Path) -> None:
    from coplearn.grading.parallel import autograde_parallel
    from coplearn.grading.submission import MAX_CONTAINERS, MAX_DEPTH

    nb = _released_honest(course)
    for name, change in [("honest", None), ("bulky", ("pad", [[]] * (MAX_CONTAINERS + 10))),
                         ("deep", ("pad", _nested(MAX_DEPTH + 300)))]:
        folder = tmp_path / name
        folder.mkdir()
        this = json.loads(json.dumps(nb))
        if change:
            this["metadata"][change[0]] = change[1]
        (folder / f"{A1}.ipynb").write_text(json.dumps(this), encoding="utf-8")
        place_copy(course, folder, f"t19-{name}")
    try:
        result = course.api(**FAST).autograde(A1, "t19-*")
        log = result["log"]
        assert not result["success"]  # those two students, as nbgrader reports any failure
        assert course.score(A1, "t19-honest") == 40
        assert "coplearn: t19-bulky: not graded: " in log and "lists and objects" in log, log[-3000:]
        assert "fresh copy of the released notebook" in log
        assert f"coplearn: t19-deep: not graded: {A1}.ipynb is nested {MAX_DEPTH + 302:,} levels deep" in log, log[-3000:]
        assert "RecursionError" not in log
        for sid in ("t19-bulky", "t19-deep"):
            assert not (course.root / "autograded" / sid / A1).exists()

        said: list[str] = []
        report = autograde_parallel(A1, jobs=2, course_dir=course.root, progress=said.append,
                                    nbgrader_args=["--student=t19-*", "--force"])
        assert report.failed == ("t19-bulky", "t19-deep") and report.graded == ("t19-honest",), report.summary()
        assert [m for m in said if " submissions run" in m] == ["1 of 1 submissions run"], said  # no worker read them
        assert course.score(A1, "t19-honest") == 40
    finally:
        forget_students(course, "t19-honest", "t19-bulky", "t19-deep")


def test_a_look_alike_letter_in_a_typed_choice_is_named() -> None:
    from coplearn.grading.checks import _choice_problem, _several_problem

    said = _choice_problem("st\u043erming", "stage", "the stage")
    assert said and "CYRILLIC SMALL LETTER O" in said and "retype" in said, said
    assert "CYRILLIC" not in (_choice_problem("stormingg", "stage", "the stage") or "")
    several, _ = _several_problem(["m\u0430naged", "democratic"], "culture", 2, "question 2")
    assert several and "CYRILLIC SMALL LETTER A" in several, several


def test_item_names_in_any_case_give_a_full_typed_answer() -> None:
    from coplearn.grading.submission import _fits

    assert _fits({"Task": 3.46, "TEAM": 3.1, " individual ": 2.9}, frozenset({"task", "team", "individual"}))
    assert not _fits({"Task": 3.46}, frozenset({"task", "team"}))


@pytest.mark.slow
@pytest.mark.parametrize("sid", ["t19-\u0430nn", "t19-\uff41nn", "t19-an\u0578", "t19-ann\u034f"])
def test_an_id_that_looks_like_another_is_not_graded_and_is_named(course: Course, tmp_path: Path, sid: str) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / f"{A1}.ipynb").write_text(json.dumps(_released_honest(course)), encoding="utf-8")
    place_copy(course, folder, sid)
    try:
        log = course.api(**FAST).autograde(A1, sid)["log"]
        assert "can look exactly like another student's id" in log, log[-2000:]
        assert not (course.root / "autograded" / sid / A1).exists()
    finally:
        forget_students(course, sid)


@pytest.mark.slow
def test_a_folder_named_like_the_notebook_is_said_in_words(course: Course, tmp_path: Path) -> None:
    folder = tmp_path / "work"
    (folder / f"{A1}.ipynb").mkdir(parents=True)
    (folder / f"{A1}.ipynb" / f"{A1}.ipynb").write_text(json.dumps(_released_honest(course)), encoding="utf-8")
    place_copy(course, folder, "t19-nbdir")
    try:
        log = course.api(**FAST).autograde(A1, "t19-nbdir")["log"]
        assert f"coplearn: t19-nbdir: {A1}.ipynb is a folder, not a notebook" in log, log[-2000:]
        assert "Move the notebook inside it up one level" in log
    finally:
        forget_students(course, "t19-nbdir")


@pytest.mark.slow
def test_walk19_the_feedback_page_is_readable_for_a_student(course: Course) -> None:
    """walk19 #4: nbgrader's feedback page listed every check as "Test cell", had no page language,
    loaded MathJax from a CDN and cut the explanation of a wrong answer at the right edge."""
    import re

    from nbcourse import graded_honest

    graded_honest(course, "t19-feedback")
    try:
        course.ok(course.api().generate_feedback(A1, "t19-feedback"))
        pages = list((course.root / "feedback" / "t19-feedback" / A1).glob("*.html"))
        assert len(pages) == 1, pages
        page = pages[0].read_text(encoding="utf-8")
        assert '<html lang="en-GB">' in page
        at = page.find("cdnjs.cloudflare.com")
        assert at < 0, page[max(0, at - 300):at + 100]
        assert "MathJax.Hub" not in page and "<!-- Load mathjax -->" not in page
        assert "white-space: pre-wrap" in page
        contents = page[page.index('<div id="toc">'):page.index("</ol>", page.index('<div id="toc">'))]
        names = re.findall(r'<a href="#[^"]+">([^<]+)</a> \(Score', contents)
        assert names and "Test cell" not in names, names
        assert any(n.startswith(("Statement", "Question", "Practice", "Scenario")) for n in names), names
        assert re.search(r"\(Score: 40\.0 / \d+\.0\)</h4>", page), page[:3000]  # nbgrader's marks, untouched
    finally:
        forget_students(course, "t19-feedback")


@pytest.mark.timeout(120)
@pytest.mark.parametrize("text", [
    b'{"nbformat": 4, "cells": [], "metadata": {"a": "' + b'\\"' * 1_000_000,  # a string never closed
    b'{"a": "' + b'\\"' * 1_000_000 + b"\\",  # a string of escaped quotes never closed, a lone backslash at the end
])
def test_check19_counting_a_hostile_file_takes_one_pass(tmp_path: Path, text: bytes) -> None:
    """check19 H1: the count's string pattern scanned a file that opens a string and never closes it
    again from every quote (40 kB took 7 s, 1 MB about an hour, holding up everyone graded after). These
    2 MB files must be counted within the test's time limit (at one pass, well under a second)."""
    from coplearn.grading.submission import too_deep, too_many_parts

    path = tmp_path / "a.ipynb"
    path.write_bytes(text)
    assert too_many_parts(path) is None and too_deep(path) is None  # (not JSON: nbgrader says why)


def test_check19_a_notebook_run_in_full_is_well_within_the_limits(course: Course, tmp_path: Path) -> None:
    """The limits against a released notebook with its outputs: the executed a1 from the course's own
    grading, with widget state kept, is a small fraction of them."""
    from coplearn.grading.submission import MAX_CONTAINERS, MAX_VALUES, _rough_shape, _shape_of

    nb = _released_honest(course)
    nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {
        "state": {f"m{n}": {"model_name": "DropdownModel", "state": {"_options_labels": ["a", "b", "c"] * 5,
                                                                      "layout": "IPY_MODEL_x", "index": 1}}
                  for n in range(300)}, "version_major": 2, "version_minor": 0}}
    figure = {"data": [{"type": "bar", "x": list(range(500)), "y": [n / 7 for n in range(500)]}], "layout": {}}
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":  # as run: a line printed and a figure drawn under every code cell
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "Your answer to statement 1: managed\n"},
                               {"output_type": "display_data", "metadata": {},
                                "data": {"application/vnd.plotly.v1+json": figure, "text/plain": "Figure"}}]
    containers, values, depth = _shape_of(nb)
    assert containers * 10 < MAX_CONTAINERS and values * 2 < MAX_VALUES and depth < 20, (containers, values, depth)
    rough = _rough_shape(json.dumps(nb).encode("utf-8"))  # what refuses a notebook: never below the true counts
    assert containers <= rough[0] < MAX_CONTAINERS and values <= rough[1] < MAX_VALUES, rough


def test_check19_names_in_one_alphabet_pass_and_a_decomposed_accent_is_named() -> None:
    from coplearn.grading.submission import unsafe_student_id

    for fine in ("jos\u00e9", "\u1ecd\u0300la", "\u0395\u03bb\u03ad\u03bd\u03b7", "\u092e\u0928\u094b\u091c", "ann.lee2"):
        assert unsafe_student_id(fine) is None, fine
    said = unsafe_student_id("jose\u0301") or ""
    assert "separate accent" in said and "rename the folder" in said, said
