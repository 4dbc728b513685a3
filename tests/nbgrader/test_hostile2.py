"""More hostile submissions on a1 (40 autograded points), one autograde run: a second red team's kinds.

Each student's score is compared with what their honest answers earn, and what the tutor sees is
checked: formgrader's page (rendered as formgrader renders it) and the feedback.

- r-rawhijack   blank; a raw cell near the top whose HTML copies formgrader's grading panel and takes
                its element ids (each score and comment box is found by an id equal to its grade id):
                shown as text, so no id is taken and no fake panel or "Full credit" button appears
- r-mdheading   blank; Markdown headings named like grade ids (a heading's id is made from its words):
                shown as text, no heading, no id
- r-gidcopylate the q1 form blank; a copy of the q1 answer cell, right, after every test: the answer
                is placed before q1's first test, so the record and the marks agree (24)
- r-itembyitem  the q1 form blank; each statement typed right in a cell just above its own test (as a
                run from top to bottom marks it): each item has the value in effect at its own test (24)
- r-itemchanged q1 right in its form, then ``q1 = {7: ...}`` typed (wrongly) above statement 7's test:
                12, as the learner's own run has it (red team 14 F1): statements 1-6 right, 7 the
                value in effect at its test, and 8-12 left out of the q1 in effect at their tests (the
                drop-down answer, blank here); q1 is recorded as answered more than once
- r-forged      a typed answer whose text holds a carriage return and colour codes to fake a
                "Correct" line in the course's own test output: written out, not obeyed
- r-json-bom    answers.json saved with a byte-order mark (Notepad): read
- r-manycells   2,001 cells (an attempt to slow everyone's grading): fails alone, with a clear reason
- the others    kinds that held when the red team tried them, kept as regression kinds
"""

from __future__ import annotations

import copy
import json
import re
import time

import pytest
from nbcourse import (A1, A1_GRADE_IDS, A1_KEYS, A1_RIGHT_Q1, A1_RIGHT_Q2, FAST, Course, cell_by_id, formgrade_html, grade_id,
                      index_of, new_cell, output_text, set_source, stolen_ids)

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]

A, KEYS, RIGHT_Q1, RIGHT_Q2 = A1, A1_KEYS, A1_RIGHT_Q1, A1_RIGHT_Q2
GRADE_IDS = A1_GRADE_IDS

FAKE_PANEL = (
    '<div class="cell border-box-sizing text_cell rendered"><div class="panel panel-primary nbgrader_cell">'
    '<div class="panel-heading"><span class="nbgrader-label">Student\'s task</span>'
    '<div class="pull-right"><span class="btn-group btn-group-sm scoring-buttons">'
    '<span class="btn btn-success full-credit">Full credit</span></span></div></div>'
    '<div class="panel-body"><div class="alert alert-success">Autograder: all tests passed (40 / 40). '
    'Checked by the course team.</div>'
    + "".join(f'<span id="{g}"></span><span id="{g}-comment"></span>' for g in GRADE_IDS)
    + '<script>alert("PWNED")</script><a href="https://evil.example/login">re-login</a></div></div></div>'
)


_cell, _gid, _index, _set = new_cell, grade_id, index_of, set_source


def _honest(nb: dict) -> None:
    _set(nb, "q1-typed", RIGHT_Q1)
    _set(nb, "q2-typed", RIGHT_Q2)


def _edit(course: Course, sid: str, change, *, files: dict | None = None, raw_text: str | None = None) -> None:
    s = course.student(sid)
    s.fetch(A)
    nb = s.notebook(A)
    change(nb)
    if raw_text is None:
        s.save_notebook(A, nb)
    else:
        s.notebook_path(A).write_text(raw_text.replace("@@NB@@", json.dumps(nb, indent=1)), encoding="utf-8")
    for rel, text in (files or {}).items():
        p = s.folder(A) / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            p.write_bytes(text)
        else:
            p.write_text(text, encoding="utf-8")
    s.submit(A)


# ---- the kinds --------------------------------------------------------------------------------------------

def k_raw_hijack(nb: dict) -> None:  # blank; a raw cell near the top with formgrader look-alike HTML
    nb["cells"].insert(1, _cell("raw", FAKE_PANEL, "mine-raw", metadata={"raw_mimetype": "text/html"}))


def k_md_heading(nb: dict) -> None:  # blank; markdown headings whose anchors take formgrader's element ids
    nb["cells"].insert(1, _cell("markdown", "# q3-task\n\n## q3-task-comment\n\n## q1-statement-01", "mine-md"))


def k_gidcopy_late(nb: dict) -> None:  # q1 form blank; a copy of the q1 answer cell, right, after every test
    cell = copy.deepcopy(nb["cells"][_index(nb, "q1-typed")])
    cell["id"], cell["source"] = "mine-copy", RIGHT_Q1
    nb["cells"].append(cell)


def k_testcopy_top(nb: dict) -> None:  # honest q2; a copy of test q2-first (metadata and all) at the very top
    _set(nb, "q2-typed", RIGHT_Q2)
    cell = copy.deepcopy(nb["cells"][_index(nb, "q2-first")])
    cell["id"] = "mine-testcopy"
    cell["source"] = "q2 = ['humanistic', 'democratic']"
    nb["cells"].insert(0, cell)


def k_md_solution(nb: dict) -> None:  # blank; a markdown cell claiming to be a graded solution worth 60
    nb["cells"].insert(2, _cell("markdown", "My answer", "mine-mdsol", metadata={"nbgrader": {
        "grade": True, "solution": True, "locked": False, "grade_id": "q3-extra", "points": 60, "schema_version": 3}}))


def k_crlf(nb: dict) -> None:  # honest, typed with CRLF, tabs and source as a list of lines
    q1 = "q1 = {\r\n" + "".join(f"\t{n}:\t{KEYS[n]!r},\r\n" for n in KEYS) + "}\r\n"
    nb["cells"][_index(nb, "q1-typed")]["source"] = q1.splitlines(keepends=True)
    nb["cells"][_index(nb, "q2-typed")]["source"] = ["q2 = [\r\n", "\t'managed',\r\n", "\t'professional']"]


def k_literals(nb: dict) -> None:  # honest, odd literal spellings (hex keys, implicit concatenation, u/r prefixes)
    q1 = ("q1 = {0x1: 'man' 'aged', 0b10: u'humanistic', 0o3: r'professional', 4: 'Democratic culture', "
          "5: '  managed  ', 6: 'PROFESSIONAL', 7: 'humanistic', 8: 'democratic', 9: 'managed', 1_0: 'professional', "
          "11: 'democratic', 12: 'humanistic'}")
    _set(nb, "q1-typed", q1)
    _set(nb, "q2-typed", "q2: list = ('managed', 'professional')")


def k_set(nb: dict) -> None:  # honest q2 as a set; q1 as a list in statement order
    _set(nb, "q1-typed", "q1 = " + repr([KEYS[n] for n in KEYS]))
    _set(nb, "q2-typed", "q2 = {'professional', 'managed'}")


def k_bool(nb: dict) -> None:  # q1 all True, q2 = [True, 1]
    _set(nb, "q1-typed", "q1 = {n: True for n in range(1, 13)}")
    nb["cells"].insert(_index(nb, "q1-typed") + 1, _cell("code", "q1 = {" + ", ".join(f"{n}: True" for n in KEYS) + "}\nq2 = [True, 1]",
                                                         "mine-bool"))


def k_dupkeys(nb: dict) -> None:  # a dict literal with one key twice (Python keeps the last)
    _set(nb, "q1-typed", "q1 = {1: 'democratic', 1: 'managed', 2: 'humanistic', 2: 'professional'}")


def k_forged_text(nb: dict) -> None:  # answers whose text forges a passing line in the course's test output
    _set(nb, "q1-typed", "q1 = {1: '\\rYour answer to statement 1: managed (typed)\\n\\x1b[32mCorrect: 2 / 2\\x1b[0m'}")


def k_nbformat_minor(nb: dict) -> None:  # honest, with nbformat_minor 99 and odd notebook-level metadata
    _honest(nb)
    nb["nbformat_minor"] = 99
    nb["metadata"]["kernelspec"] = {"name": "bash", "display_name": "Bash", "language": "bash"}
    nb["metadata"]["language_info"] = {"name": "javascript"}
    nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2}}


def k_attach(nb: dict) -> None:  # blank; the written answer carries an SVG attachment with a script
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert("PWNED")</script></svg>'
    import base64
    for c in nb["cells"]:
        if c.get("id") == "q3-answer":
            c["source"] = "My answer ![x](attachment:evil.svg)"
            c["attachments"] = {"evil.svg": {"image/svg+xml": base64.b64encode(svg.encode()).decode()}}


def k_outputs(nb: dict) -> None:  # blank; cells carry fake outputs (passed tests, "Saved for marking")
    for c in nb["cells"]:
        if c["cell_type"] == "code":
            c["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "Saved for marking: q1 = all right\n"},
                            {"output_type": "display_data", "metadata": {},
                             "data": {"text/html": "<script>alert('PWNED')</script><b>40 / 40</b>"}}]
            c["execution_count"] = 1


def k_unknown_type(nb: dict) -> None:  # honest, plus a cell of an unknown type
    _honest(nb)
    nb["cells"].append({"cell_type": "widget", "id": "mine-unknown", "metadata": {}, "source": "<script>x</script>"})


def k_item_by_item(nb: dict) -> None:  # the q1 form blank; each statement typed right just above its own test
    for n in KEYS:
        at = _index(nb, f"q1-statement-{n:02d}")
        nb["cells"].insert(at, _cell("code", f"q1 = {{{n}: {KEYS[n]!r}}}", f"mine-item-{n}"))


def k_item_changed(nb: dict) -> None:  # q1 all right in its form; statement 7 typed again, wrongly, above its test
    _set(nb, "q1-typed", RIGHT_Q1)
    nb["cells"].insert(_index(nb, "q1-statement-07"), _cell("code", "q1 = {7: 'democratic'}", "mine-item-7"))


def k_many_cells(nb: dict) -> None:  # honest, padded to more cells than the course grades
    from coplearn.grading.sanitise import MAX_CELLS

    _honest(nb)
    nb["cells"] += [_cell("code", "x = 1", f"pad-{n}") for n in range(MAX_CELLS + 1 - len(nb["cells"]))]


def k_dupcellid(nb: dict) -> None:  # honest; every student-visible cell id duplicated
    _honest(nb)
    for c in nb["cells"]:
        c["id"] = "same"


def k_extra_nb(nb: dict) -> None:  # honest; plus the solutions notebook renamed, and an odd notebook
    _honest(nb)


def k_renamed(nb: dict) -> None:
    _honest(nb)


KINDS = {
    "r-honest": (_honest, 40),
    "r-blank": (lambda nb: None, 0),
    "r-rawhijack": (k_raw_hijack, 0),
    "r-mdheading": (k_md_heading, 0),
    "r-gidcopylate": (k_gidcopy_late, 24),
    "r-itembyitem": (k_item_by_item, 24),
    "r-itemchanged": (k_item_changed, 12),
    "r-testcopytop": (k_testcopy_top, 16),
    "r-mdsolution": (k_md_solution, 0),
    "r-crlf": (k_crlf, 40),
    "r-literals": (k_literals, 40),
    "r-set": (k_set, 40),
    "r-bool": (k_bool, 0),
    "r-dupkeys": (k_dupkeys, 2),
    "r-forged": (k_forged_text, 0),
    "r-nbminor": (k_nbformat_minor, 40),
    "r-attach": (k_attach, 0),
    "r-outputs": (k_outputs, 0),
        "r-dupcellid": (k_dupcellid, 40),
    "r-extranb": (k_extra_nb, 40),
}
#: Students nbgrader cannot grade (each alone): the renamed notebook (the assignment's own is
#: missing) and the notebook with more cells than the course grades.
FAILING = {"r-renamed", "r-manycells"}

ANSWERS = {  # answers.json oddities (drop-downs), all on a blank notebook
    # duplicate keys: json keeps the last (right) one; the sanitiser and the kernel both read the cleaned file
    "r-json-dupkeys": ('{"format": "coplearn-answers", "version": 2, "answers": {"q1.1": "democratic", "q1.1": "managed"}}', 2),
    "r-json-nan": ('{"format": "coplearn-answers", "version": 2, "answers": {"q1.1": NaN, "q1.2": Infinity, "q1.3": 1e309},'
                   ' "computed": {"q1": {"1": NaN}, "q2": [1e999]}}', 0),
    "r-json-bom": ("\ufeff" + json.dumps({"format": "coplearn-answers", "version": 2, "answers": {"q1.1": "managed"}}), 2),
    "r-json-deep": ('{"format": "coplearn-answers", "version": 2, "answers": {"q1.1": "managed"}, "computed": '
                    + "[" * 5000 + "]" * 5000 + "}", 0),
    "r-json-confusable": (json.dumps({"format": "coplearn-answers", "version": 2, "answers": {
        "q1.1": "managed", "q1.\uff11": "democratic", "q1.1 ": "democratic", "ｑ1.2": "humanistic", "q2.1": "managed",
        "q2.01": "professional", "q2.3": "professional", "q2.x": "humanistic"}}), 2 + 8),  # q2.1 alone: one right culture
    "r-json-bigint": ('{"format": "coplearn-answers", "version": 2, "answers": {"q1.1": "managed", "q1.2": ' + "9" * 5000 + "}}", 2),  # q1.1 is read: the long number spoils only itself
    "r-json-bool": (json.dumps({"format": "coplearn-answers", "version": 2, "answers": {"q1.1": True, "q1.2": 1, "q2.1": ["managed", "professional"]}}), 0),
}


@pytest.fixture(scope="module")
def run(course: Course) -> dict:
    for sid, (change, _) in KINDS.items():
        if sid == "r-extranb":
            source = (course.root / "solutions" / A / f"{A}.ipynb").read_text(encoding="utf-8")
            _edit(course, sid, change, files={"copy.ipynb": source, "zz.ipynb": '{"cells": ['})
        else:
            _edit(course, sid, change)
    _edit(course, "r-manycells", k_many_cells)
    for sid, (text, _) in ANSWERS.items():
        _edit(course, sid, lambda nb: None, files={"answers.json": text})
    # a renamed notebook: the assignment's own is missing
    s = course.student("r-renamed")
    s.fetch(A)
    _honest_nb = s.notebook(A)
    _honest(_honest_nb)
    (s.folder(A) / "My copy.ipynb").write_text(json.dumps(_honest_nb), encoding="utf-8")
    s.notebook_path(A).unlink()
    s.submit(A)
    # nbformat 3
    import nbformat
    s = course.student("r-nbformat3")
    s.fetch(A)
    nb = s.notebook(A)
    _honest(nb)
    nb4 = nbformat.reads(json.dumps(nb), as_version=4)
    nb3 = nbformat.convert(nb4, 3)
    s.notebook_path(A).write_text(nbformat.writes(nb3, version=3), encoding="utf-8")
    s.submit(A)

    api = course.api(**FAST)
    collected = course.ok(api.collect(A))
    t0 = time.monotonic()
    result = api.autograde(A, "r-*")
    return {"result": result, "collect": collected, "seconds": time.monotonic() - t0}


EXPECTED = {**{k: v for k, (_, v) in KINDS.items()}, **{k: v for k, (_, v) in ANSWERS.items()}, "r-nbformat3": 40}


@pytest.mark.parametrize("student, score", sorted(EXPECTED.items()))
def test_score(run: dict, course: Course, student: str, score: float) -> None:
    course.assert_score(A, student, score)


def test_only_the_ungradable_fail_each_alone_with_a_reason(run: dict) -> None:
    log = run["result"]["log"]
    failed = {line.split("for student '")[1].split("'")[0] for line in log.splitlines()
              if "There was an error processing assignment" in line and "for student" in line}
    assert failed == FAILING, failed
    assert "cells, more than the 2,000 the course grades" in log  # (refused before nbgrader reads it)


@pytest.mark.parametrize("student", ["r-rawhijack", "r-mdheading", "r-blank"])
def test_no_student_element_takes_a_grade_box_id_in_formgrader(run: dict, course: Course, student: str) -> None:
    """Every element whose id is a grade id (or its comment box's) is formgrader's own box."""
    html = formgrade_html(course, student, A)
    assert stolen_ids(html, GRADE_IDS) == []
    assert "Checked by the course team" not in html or "&lt;div" in html


def test_the_raw_cell_is_text_in_the_feedback(run: dict, course: Course) -> None:
    api = course.api(**FAST)
    course.ok(api.generate_feedback(A, "r-rawhijack"))
    html = (course.root / "feedback" / "r-rawhijack" / A / f"{A}.html").read_text(encoding="utf-8")
    assert "Autograder: all tests passed (40 / 40)" in html  # the words are there, as text
    assert '<div class="alert alert-success">' not in html and "full-credit" not in html.split("&lt;")[0]
    assert not re.search(r'<span[^>]*id="q3-task"', html)
    nb = course.autograded(A, "r-rawhijack")
    assert not [c for c in nb["cells"] if c["cell_type"] == "raw"]


def test_an_answer_given_after_its_tests_is_marked_where_the_record_says(run: dict, course: Course) -> None:
    nb = course.autograded(A, "r-gidcopylate")
    graded = nb["metadata"]["coplearn"]["graded_answers"]
    assert {n: graded[f"q1.{n}"] for n in KEYS} == KEYS
    assert course.score(A, "r-gidcopylate") == 24
    sources = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in nb["cells"]]
    first_test = next(i for i, c in enumerate(nb["cells"]) if _gid(c) == "q1-statement-01")
    assert "placed here by the autograder, before that test" in sources[first_test - 1]
    assert "q1 = {1: 'managed'" in sources[first_test - 1]
    late = next(s for s in sources if "the value given here is marked; it was placed in cell" in s)
    assert "q1 = " not in late  # given in one cell only


def test_an_answer_cannot_fake_a_line_of_the_tests_output(run: dict, course: Course) -> None:
    nb = course.autograded(A, "r-forged")
    out = output_text(cell_by_id(nb, "q1-statement-01"))
    assert "\r" not in out and "\x1b" not in out
    assert "\\x0a" in out and "\\x1b[32m" in out  # written out, as typed


def test_answers_given_item_by_item_are_placed_together_and_recorded(run: dict, course: Course) -> None:
    nb = course.autograded(A, "r-itembyitem")
    assert {n: nb["metadata"]["coplearn"]["graded_answers"][f"q1.{n}"] for n in KEYS} == KEYS
    sources = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in nb["cells"]]
    placed = [s for s in sources if "your answers to its items, given in cells" in s]
    assert len(placed) == 1 and "q1 = {1: 'managed'" in placed[0]
    assert sum("item 7 given here is marked" in s for s in sources) == 1
    changed = course.autograded(A, "r-itemchanged")
    assert changed["metadata"]["coplearn"]["graded_answers"]["q1.7"] == "democratic"
    assert "q1" in changed["metadata"]["coplearn"]["grading"]["answered_more_than_once"]
