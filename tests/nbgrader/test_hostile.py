"""Broken and hostile submissions cost only their own marks; everyone else is graded.

All use a1-learning-cultures (40 autograded points: statements 1-12 at 2 points, question 2 at 8 + 8).
One autograde run with the course's configuration grades these students together:

======================  ==================================================================  ======
student                 what the submission does                                            score
======================  ==================================================================  ======
h-honest                everything right (the control)                                      40
h-loop                  q1 right; an infinite loop in the q2 answer cell (cell timeout)     24
h-stubborn              q1 right; a loop that swallows the interrupt (rest not run)         24
h-flood                 everything right, plus a cell printing ~60 MB (output capped)       40
h-deleted               statements 1-3 typed right; every test cell deleted (put back)       6
h-edited                blank; every test cell edited to ``pass`` (restored from gradebook)  0
h-badjson               a notebook that is not valid JSON (that student fails alone)          0
h-monkey                blank; patches builtins, IPython, coplearn, magic strings, magics    0
h-reader                blank; tries to read solutions/ and the gradebook                    0
======================  ==================================================================  ======

A second run leaves out the course's code guard (but keeps the kernel lock-down and the guarded
executor), to show the layers behind it: a kernel killed with ``os._exit`` (u-crash: q1 right,
then the crash; 24) does not stop grading of the next student (u-naive, u-ok), and hidden tests
that compare against literal keys with fresh ``str``/``float`` resist naive tampering that gets
past the guard (u-naive: blank, shadows the helpers, patches builtins and IPython's traceback; 0).
"""

from __future__ import annotations

import json

import pytest
from nbcourse import Course, cell_by_id, output_text

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]

A = "a1-learning-cultures"
KEYS = {1: "managed", 2: "humanistic", 3: "professional", 4: "democratic", 5: "managed", 6: "professional",
        7: "humanistic", 8: "democratic", 9: "managed", 10: "professional", 11: "democratic", 12: "humanistic"}
RIGHT_Q1 = "q1 = " + repr(KEYS)
RIGHT_Q2 = 'q2 = ["managed", "professional"]'
TESTS = [f"q1-statement-{n:02d}" for n in KEYS] + ["q2-first", "q2-second"]
FAST = {"Execute__timeout": 10, "GuardedExecute__notebook_timeout": 90}  # shorter than the course's 30 s and 180 s

MONKEY_CELLS = [
    "import builtins\nbuiltins.AssertionError = Warning\nbuiltins.isinstance = lambda *a: True",
    "get_ipython().showtraceback = lambda *a, **k: None\nget_ipython().input_transformers_cleanup.append(lambda lines: [])",
    "import coplearn.grading as g\ng.choice = lambda *a, **k: 'managed'\ng.several = lambda *a, **k: ['managed', 'professional']",
    "class Always(str):\n    def __eq__(self, other):\n        return True\n    __hash__ = str.__hash__\nq1 = {n: Always('managed') for n in range(1, 13)}",
    "!cat ../../../solutions/a1-learning-cultures/a1-learning-cultures.ipynb",
    "import sys\nsys.settrace(lambda *a: None)",
]
READER_CELLS = [
    'secret = open("../../../solutions/a1-learning-cultures/a1-learning-cultures.ipynb").read()',
    'from coplearn.survey import read_survey\nleak = read_survey("../../../solutions/a1-learning-cultures/a1-learning-cultures.ipynb")',
    'gradebook = cl.Journal("../../../gradebook.db").entries',
    'notes = cl.Journal("../../../gradebook.db").add(title="x", learning="y")',
]


def _submit(course: Course, sid: str, *, q1: str | None = None, q2: str | None = None,
            extra: list[str] = (), after: str = "q1-typed") -> None:
    s = course.student(sid)
    s.fetch(A)
    if q1:
        s.edit(A, "q1-typed", q1)
    if q2:
        s.edit(A, "q2-typed", q2)
    for source in reversed(list(extra)):
        s.add_cell(A, after, source)
    s.submit(A)


@pytest.fixture(scope="module")
def hostile(course: Course) -> Course:
    _submit(course, "h-honest", q1=RIGHT_Q1, q2=RIGHT_Q2)
    _submit(course, "h-loop", q1=RIGHT_Q1, q2="q2 = None\nwhile True:\n    pass")
    _submit(course, "h-stubborn", q1=RIGHT_Q1,
            q2="q2 = None\nwhile True:\n    try:\n        while True:\n            pass\n    except KeyboardInterrupt:\n        pass")
    _submit(course, "h-flood", q1=RIGHT_Q1, q2=RIGHT_Q2, extra=['for i in range(100_000):\n    print("flood " * 100)'])
    _submit(course, "h-monkey", extra=MONKEY_CELLS, after="setup")
    _submit(course, "h-reader", extra=READER_CELLS, after="setup")

    s = course.student("h-deleted")
    s.fetch(A)
    s.edit(A, "q1-typed", 'q1 = {1: "managed", 2: "humanistic", 3: "professional"}')
    nb = s.notebook(A)
    nb["cells"] = [c for c in nb["cells"] if not c["metadata"].get("nbgrader", {}).get("grade")
                   and c["metadata"].get("nbgrader", {}).get("grade_id") not in {"setup", "q1-widget", "q2-widget"}]
    s.save_notebook(A, nb)
    s.submit(A)

    s = course.student("h-edited")
    s.fetch(A)
    nb = s.notebook(A)
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("grade") and cell["cell_type"] == "code":
            cell["source"] = "pass"
            meta["points"] = 100
    s.save_notebook(A, nb)
    s.submit(A)

    s = course.student("h-badjson")
    s.fetch(A)
    s.notebook_path(A).write_text('{"cells": [ this is not JSON', encoding="utf-8")
    s.submit(A)

    api = course.api(**FAST)
    course.ok(api.collect(A))
    result = api.autograde(A, "h-*")
    course.hostile_result = result  # type: ignore[attr-defined]
    return course


def test_the_honest_student_is_graded_in_full(hostile: Course) -> None:
    assert hostile.score(A, "h-honest") == 40


def test_only_the_broken_notebook_fails_and_the_gradebook_stays_intact(hostile: Course) -> None:
    result = hostile.hostile_result  # type: ignore[attr-defined]
    assert not result["success"]  # nbgrader reports the one failure...
    assert "h-badjson" in result["log"]
    failed = {line.split("for student '")[1].split("'")[0] for line in result["log"].splitlines()
              if "There was an error processing assignment" in line and "for student" in line}
    assert failed == {"h-badjson"}, f"grading failed for others too: {failed}"
    assert hostile.score(A, "h-badjson") == 0  # ...and that student has no marks
    assert not (hostile.root / "autograded" / "h-badjson").exists() or \
        not list((hostile.root / "autograded" / "h-badjson").rglob("*.ipynb"))
    assert hostile.integrity() == "ok"
    assert not list(hostile.root.glob("gradebook.db.*")), "something touched the gradebook file"
    with hostile.gradebook() as gb:
        assert {s.student.id for s in gb.find_assignment(A).submissions} >= {
            "h-honest", "h-loop", "h-stubborn", "h-flood", "h-deleted", "h-edited", "h-monkey", "h-reader", "h-badjson"}


def test_an_infinite_loop_costs_only_the_cells_it_stops(hostile: Course) -> None:
    assert hostile.score(A, "h-loop") == 24
    nb = hostile.autograded(A, "h-loop")
    assert "CellTimeoutError" in output_text(cell_by_id(nb, "q2-typed"))


def test_a_loop_that_ignores_interrupts_is_bounded(hostile: Course) -> None:
    assert hostile.score(A, "h-stubborn") == 24
    nb = hostile.autograded(A, "h-stubborn")
    assert "would not stop when interrupted" in output_text(cell_by_id(nb, "q2-typed"))
    assert "Not run" in output_text(cell_by_id(nb, "q2-second"))


def test_a_flood_of_output_is_capped(hostile: Course) -> None:
    assert hostile.score(A, "h-flood") == 40
    nb = hostile.autograded(A, "h-flood")
    flood = next(c for c in nb["cells"] if c["cell_type"] == "code" and "flood" in "".join(c["source"]))
    text = output_text(flood)
    assert len(text) < 250_000
    assert "output stopped by the course's autograder" in text or "Output truncated" in text


def test_deleted_test_cells_are_put_back_and_mark_what_is_there(hostile: Course) -> None:
    nb = hostile.autograded(A, "h-deleted")
    for gid in TESTS:
        assert "was missing from the submission" in "".join(cell_by_id(nb, gid)["source"])
    grades = hostile.grades(A, "h-deleted")
    assert {k: v for k, v in grades.items() if k != "q3-task"} == {
        gid: (2.0 if gid in {"q1-statement-01", "q1-statement-02", "q1-statement-03"} else 0.0) for gid in TESTS}
    assert hostile.score(A, "h-deleted") == 6


def test_edited_test_cells_are_restored(hostile: Course) -> None:
    assert hostile.score(A, "h-edited") == 0
    nb = hostile.autograded(A, "h-edited")
    cell = cell_by_id(nb, "q1-statement-01")
    assert "### BEGIN HIDDEN TESTS" in "".join(cell["source"])
    assert cell["metadata"]["nbgrader"]["points"] == 2


def test_monkeypatching_earns_nothing(hostile: Course) -> None:
    assert hostile.score(A, "h-monkey") == 0
    nb = hostile.autograded(A, "h-monkey")
    flagged = [c for c in nb["cells"] if c["metadata"].get("coplearn", {}).get("guard")]
    assert len(flagged) == len(MONKEY_CELLS)
    for cell in flagged:
        assert "not run by the course's autograder" in output_text(cell)


def test_reading_the_hidden_tests_or_the_gradebook_is_refused(hostile: Course) -> None:
    assert hostile.score(A, "h-reader") == 0
    nb = hostile.autograded(A, "h-reader")
    cells = [c for c in nb["cells"] if c["cell_type"] == "code" and c.get("id", "").startswith("mine-")]
    assert len(cells) == len(READER_CELLS)
    assert cells[0]["metadata"]["coplearn"]["guard"]  # open() never runs
    for cell in cells[1:]:  # coplearn's own file readers get past the guard; the kernel refuses them
        assert "outside the assignment folder" in output_text(cell), output_text(cell)
    assert hostile.integrity() == "ok"


@pytest.fixture(scope="module")
def unguarded(course: Course) -> Course:
    from nbgrader.preprocessors import CheckCellMetadata, ClearOutput, DeduplicateIds, OverwriteCells, OverwriteKernelspec

    _submit(course, "u-crash", q1=RIGHT_Q1, q2="q2 = None\nimport os\nos._exit(1)")
    _submit(course, "u-naive", q1=(
        "class Always(str):\n    def __eq__(self, other):\n        return True\n    __hash__ = str.__hash__\n"
        "q1 = {n: Always('zzz') for n in range(1, 13)}\n"
        "choice = lambda *a, **k: 'managed'\ncheck_choice = lambda *a, **k: None\n"
        "import builtins\nbuiltins.AssertionError = Warning\n"
        "get_ipython().showtraceback = lambda *a, **k: None"))
    _submit(course, "u-ok", q1=RIGHT_Q1, q2=RIGHT_Q2)
    api = course.api(Autograde__sanitize_preprocessors=[
        ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata], **FAST)
    course.ok(api.collect(A))
    course.ok(api.autograde(A, "u-*"))
    return course


def test_a_kernel_that_dies_costs_only_the_cells_it_did_not_run(unguarded: Course) -> None:
    assert unguarded.score(A, "u-crash") == 24
    nb = unguarded.autograded(A, "u-crash")
    assert "kernel died" in output_text(cell_by_id(nb, "q2-typed"))
    assert "Not run" in output_text(cell_by_id(nb, "q2-first"))
    assert unguarded.score(A, "u-ok") == 40  # graded after the crash


def test_hidden_tests_resist_tampering_that_gets_past_the_guard(unguarded: Course) -> None:
    assert unguarded.score(A, "u-naive") == 0
    assert unguarded.integrity() == "ok"
