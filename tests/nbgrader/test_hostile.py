"""Broken and hostile submissions earn exactly their honest answers; everyone else is graded.

Answers are data (see ``coplearn.grading.autograde``): no student-written code runs while grading, and
nothing shipped beside a notebook reaches the grading kernel. All use a1-learning-cultures (40
autograded points: statements 1-12 at 2 points, question 2 at 8 + 8). One autograde run with the
course's configuration grades these students together:

=================  =========================================================================  =====
student            what the submission does                                                     score
=================  =========================================================================  =====
h-honest           everything right, typed with stray comments and odd spacing (the control)     40
h-blank            nothing answered                                                               0
h-shipped          blank, plus a package named coplearn, sitecustomize.py, a .pth file, a        0
                   usercustomize folder, an IPython profile and config, a json.py
h-loop             q1 right; an infinite loop in the q2 answer cell (not run: q2 unanswered)     24
h-flood            everything right, plus a cell printing ~60 MB (not run)                        40
h-deleted          statements 1-3 typed right; every test cell deleted (put back)                 6
h-edited           blank; every test cell edited to ``pass``, points raised to 100 (restored)     0
h-badjson          a notebook that is not valid JSON (that student fails alone)                   0
h-monkey           blank; patches builtins, IPython, coplearn, a str that equals anything          0
h-reader           blank; tries to read solutions/ and the gradebook                              0
h-tags             blank; test cells tagged skip-execution / raises-exception                     0
h-fakecell         blank; a cell that claims to be a locked test cell with its own grade_id        0
h-typechange       blank; the written-answer cell turned into a code cell that patches checks     0
h-answersfile      answers.json with 1 right drop-down answer plus unknown keys, objects and       2
                   wrong values
h-bigecho          q2 typed as a list of 150 entries (echo bounded, no marks)                     0
h-source           the tutor's source notebook from solutions/, keys and all (its answer cells     0
                   carry nbgrader's solution markers, so they are shown as text, not marked)
h-schema           q1 right; the answer cell's nbgrader metadata claims schema 99, a test cell's  24
                   schema 1 (nbgrader once stopped the whole run there: course's metadata put back)
h-claims           q2 right; the answer cell claims to be a locked test worth 999 points          16
h-twice            q2 answered twice, once before each of its two tests (the answer in effect     8
                   when its first test runs counts, for both)
h-twicesaved       the same, the first answer worked out with code and saved in answers.json      8
h-later            everything right, then a stray copy of the blank q1 after all the tests        40
h-lateq2           q2 chosen with the drop-downs (right); q2 also typed (wrong), below its first   16
                   test (the drop-downs marked there are marked by both tests)
h-setupmoved       the locked set-up cell moved between q2's two tests; q2 typed one way and       8
                   chosen the other way with the drop-downs (both tests mark the typed answer)
h-blankfirst       the q1 form left blank; statements 5 and 6 typed right in a new cell below     4
                   the test of statement 4 (a blank form is no answer: the typed one counts)
h-mixkeys          q1 = {1: 'democratic', '1': 'managed'} (one item given twice: not marked)      0
h-empty            everything right, plus 400 empty cells (not sent to the kernel)                40
h-xss              blank; the written answer holds <script>, an onerror image, a javascript:     0
                   link and MathJax's \\href (shown as text to the tutor and in feedback); a
                   shipped file's name holds terminal escape codes (named safely in the log)
h-linknb           (put in submitted/ by hand) the notebook is a link to h-honest's: removed,    fails
                   so this student has no notebook and fails alone
h-linkans          (by hand) a blank notebook; answers.json a link to h-answersfile's: removed   0
h-zero             (by hand) a blank notebook and a link to /dev/zero: removed before the copy   0
h-*                (by hand) a folder whose name nbgrader reads as a pattern: not graded        fails
h-stamp            (by hand) timestamp.txt that is not a time: nbgrader fails this one alone    fails
=================  =========================================================================  =====

The executor's own bounds (a kernel that dies, a cell that will not stop) are tested in
test_sandbox.py with a tutor's own cells (no student code can do either any more).
"""

from __future__ import annotations

import json
import os
import shutil

import pytest
from nbcourse import A1, A1_KEYS, A1_RIGHT_Q1, A1_RIGHT_Q2, FAST, Course, cell_by_id, output_text

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]

A, KEYS, RIGHT_Q1, RIGHT_Q2 = A1, A1_KEYS, A1_RIGHT_Q1, A1_RIGHT_Q2
TESTS = [f"q1-statement-{n:02d}" for n in KEYS] + ["q2-first", "q2-second"]

MONKEY_CELLS = [
    "import builtins\nbuiltins.AssertionError = Warning\nbuiltins.isinstance = lambda *a: True",
    "get_ipython().showtraceback = lambda *a, **k: None\nget_ipython().input_transformers_cleanup.append(lambda lines: [])",
    "import coplearn.grading as g\ng.choice = lambda *a, **k: 'managed'\ng.several = lambda *a, **k: ['managed', 'professional']",
    "class Always(str):\n    def __eq__(self, other):\n        return True\n    __hash__ = str.__hash__\nq1 = {n: Always('managed') for n in range(1, 13)}",
    "!cat ../../../solutions/a1-learning-cultures/a1-learning-cultures.ipynb",
    "import sys\nsys.settrace(lambda *a: None)",
    "q2 = __import__('coplearn').grading.options('culture')[:2]",
]
TWICE_FIRST = 'q2 = ["managed", "humanistic"]'
TWICE_SECOND = 'q2 = ["professional", "democratic"]'
XSS_ANSWER = ("I would <script>document.title='PWNED'</script> listen <img src=x onerror=\"alert('PWNED')\"> "
              "and [read this](javascript:alert('PWNED')) or $\\href{javascript:alert('PWNED')}{this}$.")
READER_CELLS = [
    'secret = open("../../../solutions/a1-learning-cultures/a1-learning-cultures.ipynb").read()',
    'from coplearn.practice.survey import read_survey\nleak = read_survey("../../../solutions/a1-learning-cultures/a1-learning-cultures.ipynb")',
    'gradebook = cl.Journal("../../../gradebook.db").entries',
]
SHIPPED = {
    "coplearn/__init__.py": "from .grading import *\n",
    "coplearn/grading/__init__.py": ("def choice(*a, **k): return KEYS.get(a[1], 'managed')\n"
                            "def several(*a, **k): return ['managed', 'professional']\n"
                            "def check_choice(*a, **k): pass\ncheck_several = check_choice\n"
                            "def prepare_answers(*a, **k): pass\n"
                            "KEYS = " + repr(KEYS) + "\n"),
    "sitecustomize.py": "import builtins\nbuiltins.AssertionError = Warning\n",
    "usercustomize/__init__.py": "import builtins\nbuiltins.AssertionError = Warning\n",
    "zz-evil.pth": "import builtins; builtins.AssertionError = Warning\n",
    ".ipython/profile_default/startup/00-evil.py": "import builtins\nbuiltins.AssertionError = Warning\n",
    "ipython_kernel_config.py": "c.InteractiveShellApp.exec_lines = ['import builtins; builtins.AssertionError = Warning']\n",
    "ipython_config.py": "c.InteractiveShellApp.exec_lines = ['import builtins; builtins.AssertionError = Warning']\n",
    "json.py": "raise SystemExit\n",
}


def _submit(course: Course, sid: str, *, q1: str | None = None, q2: str | None = None,
            extra: list[str] = (), after: str = "q1-typed", files: dict[str, str] | None = None) -> None:
    s = course.student(sid)
    s.fetch(A)
    if q1:
        s.edit(A, "q1-typed", q1)
    if q2:
        s.edit(A, "q2-typed", q2)
    for source in reversed(list(extra)):
        s.add_cell(A, after, source)
    for rel, text in (files or {}).items():
        path = s.folder(A) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    s.submit(A)


def _edit_cells(course: Course, sid: str, change: object, files: dict[str, str] | None = None) -> None:
    s = course.student(sid)
    s.fetch(A)
    nb = s.notebook(A)
    change(nb)  # type: ignore[operator]
    s.save_notebook(A, nb)
    for rel, text in (files or {}).items():
        (s.folder(A) / rel).write_text(text, encoding="utf-8")
    s.submit(A)


def _tag_tests(nb: dict) -> None:
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade") and cell["cell_type"] == "code":
            cell["metadata"]["tags"] = ["skip-execution", "raises-exception"]


def _fake_cell(nb: dict) -> None:
    nb["cells"].insert(3, {"cell_type": "code", "execution_count": None, "id": "fake-test", "outputs": [],
                           "metadata": {"nbgrader": {"grade": True, "grade_id": "fake-test", "locked": True,
                                                     "points": 100, "solution": False, "schema_version": 3}},
                           "source": "import builtins\nbuiltins.AssertionError = Warning\nq1 = {1: 'managed'}"})


def _typechange(nb: dict) -> None:
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "q3-answer":
            cell["cell_type"] = "code"
            cell["outputs"], cell["execution_count"] = [], None
            cell["source"] = "import coplearn.grading as g\ng.check_choice = lambda *a, **k: None\nq2 = ['managed', 'professional']"


@pytest.fixture(scope="module")
def hostile(course: Course) -> Course:
    honest_q1 = "q1 = {  # my answers\n" + "".join(f"  {n}:   {KEYS[n]!r},  # statement {n}\n" for n in KEYS) + "}"
    _submit(course, "h-honest", q1=honest_q1, q2="q2 = ['managed',\n      'professional']   # the two")
    _submit(course, "h-blank")
    _submit(course, "h-shipped", files=SHIPPED)
    _submit(course, "h-loop", q1=RIGHT_Q1, q2="q2 = None\nwhile True:\n    pass")
    _submit(course, "h-flood", q1=RIGHT_Q1, q2=RIGHT_Q2, extra=['for i in range(100_000):\n    print("flood " * 100)'])
    _submit(course, "h-monkey", extra=MONKEY_CELLS, after="setup")
    _submit(course, "h-reader", extra=READER_CELLS, after="setup")
    _submit(course, "h-bigecho", q2="q2 = " + repr(["managed", "professional", "humanistic"] * 50))
    s = course.student("h-source")  # submits the tutor's source notebook (e.g. a collected link's target)
    s.fetch(A)
    s.notebook_path(A).write_text((course.root / "solutions" / A / f"{A}.ipynb").read_text(encoding="utf-8"),
                                  encoding="utf-8")
    s.submit(A)
    _edit_cells(course, "h-tags", _tag_tests)
    _edit_cells(course, "h-fakecell", _fake_cell)
    _edit_cells(course, "h-typechange", _typechange)
    _submit(course, "h-answersfile", files={"answers.json": json.dumps({
        "format": "coplearn-answers", "version": 2,
        "answers": {"q1.1": "Managed", "q1.2": "clan", "q1.3": {"__class__": "x"}, "q1.99": "managed",
                    "zz": "x" * 1000, "q2.1": ["managed", "professional"]},
        "computed": {"q1": "not a dict", "q9": 1, "q2": {"nested": [[[["too deep"]]]]}}})})

    s = course.student("h-deleted")
    s.fetch(A)
    s.edit(A, "q1-typed", 'q1 = {1: "managed", 2: "humanistic", 3: "professional"}')
    nb = s.notebook(A)
    nb["cells"] = [c for c in nb["cells"] if not c["metadata"].get("nbgrader", {}).get("grade")
                   and c["metadata"].get("nbgrader", {}).get("grade_id") not in {"setup", "q1-widget", "q2-widget"}]
    s.save_notebook(A, nb)
    s.submit(A)

    def edit_tests(nb: dict) -> None:
        for cell in nb["cells"]:
            meta = cell["metadata"].get("nbgrader", {})
            if meta.get("grade") and cell["cell_type"] == "code":
                cell["source"] = "pass"
                meta["points"] = 100
    _edit_cells(course, "h-edited", edit_tests)

    s = course.student("h-badjson")
    s.fetch(A)
    s.notebook_path(A).write_text('{"cells": [ this is not JSON', encoding="utf-8")
    s.submit(A)

    def schema(nb: dict) -> None:
        for cell in nb["cells"]:
            meta = cell["metadata"].get("nbgrader", {})
            if meta.get("grade_id") == "q1-typed":
                cell["source"] = RIGHT_Q1
                meta["schema_version"] = 99
            elif meta.get("grade_id") == "q2-first":
                meta["schema_version"] = 1
    _edit_cells(course, "h-schema", schema)

    def claims(nb: dict) -> None:
        for cell in nb["cells"]:
            meta = cell["metadata"].get("nbgrader", {})
            if meta.get("grade_id") == "q2-typed":
                cell["source"] = RIGHT_Q2
                meta.update(grade=True, locked=True, points=999, solution=False)
    _edit_cells(course, "h-claims", claims)

    def twice(nb: dict) -> None:
        at = next(i for i, c in enumerate(nb["cells"]) if c["metadata"].get("nbgrader", {}).get("grade_id") == "q2-second")
        nb["cells"].insert(at, {"cell_type": "code", "execution_count": None, "id": "mine-twice", "metadata": {},
                                "outputs": [], "source": TWICE_SECOND})
        for cell in nb["cells"]:
            if cell["metadata"].get("nbgrader", {}).get("grade_id") == "q2-typed":
                cell["source"] = TWICE_FIRST
    _edit_cells(course, "h-twice", twice)

    def twice_saved(nb: dict) -> None:
        twice(nb)
        for cell in nb["cells"]:
            if cell["metadata"].get("nbgrader", {}).get("grade_id") == "q2-typed":
                cell["source"] = 'q2 = list(("managed", "humanistic"))'
    _edit_cells(course, "h-twicesaved", twice_saved, files={"answers.json": json.dumps({
        "format": "coplearn-answers", "version": 2, "answers": {}, "computed": {"q2": ["managed", "humanistic"]}})})

    def later(nb: dict) -> None:
        blank_q1 = next(c["source"] for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "q1-typed")
        for cell in nb["cells"]:
            meta = cell["metadata"].get("nbgrader", {})
            if meta.get("grade_id") == "q1-typed":
                cell["source"] = RIGHT_Q1
            elif meta.get("grade_id") == "q2-typed":
                cell["source"] = RIGHT_Q2
        nb["cells"].append({"cell_type": "code", "execution_count": None, "id": "mine-later", "metadata": {},
                            "outputs": [], "source": blank_q1})
    _edit_cells(course, "h-later", later)

    def move(nb: dict, gid: str, before: str) -> None:
        cell = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == gid)
        nb["cells"].remove(cell)
        at = next(i for i, c in enumerate(nb["cells"]) if c["metadata"].get("nbgrader", {}).get("grade_id") == before)
        nb["cells"].insert(at, cell)

    def lateq2(nb: dict) -> None:
        for cell in nb["cells"]:
            if cell["metadata"].get("nbgrader", {}).get("grade_id") == "q2-typed":
                cell["source"] = 'q2 = ["humanistic", "democratic"]'
        move(nb, "q2-typed", "q2-second")
    _edit_cells(course, "h-lateq2", lateq2, files={"answers.json": json.dumps({
        "format": "coplearn-answers", "version": 2, "answers": {"q2.1": "managed", "q2.2": "professional"}})})

    def setupmoved(nb: dict) -> None:
        for cell in nb["cells"]:
            if cell["metadata"].get("nbgrader", {}).get("grade_id") == "q2-typed":
                cell["source"] = TWICE_FIRST
        move(nb, "setup", "q2-second")
    _edit_cells(course, "h-setupmoved", setupmoved, files={"answers.json": json.dumps({
        "format": "coplearn-answers", "version": 2, "answers": {"q2.1": "professional", "q2.2": "democratic"}})})

    def blankfirst(nb: dict) -> None:
        at = next(i for i, c in enumerate(nb["cells"]) if c["metadata"].get("nbgrader", {}).get("grade_id") == "q1-statement-05")
        nb["cells"].insert(at, {"cell_type": "code", "execution_count": None, "id": "mine-blankfirst", "metadata": {},
                                "outputs": [], "source": 'q1 = {5: "managed", 6: "professional"}'})
    _edit_cells(course, "h-blankfirst", blankfirst)
    _submit(course, "h-mixkeys", q1="q1 = {1: 'democratic', '1': 'managed'}")

    s = course.student("h-empty")
    s.fetch(A)
    s.edit(A, "q1-typed", RIGHT_Q1)
    s.edit(A, "q2-typed", RIGHT_Q2)
    nb = s.notebook(A)
    for i in range(400):
        nb["cells"].append({"cell_type": "code", "execution_count": None, "id": f"mine-empty-{i}",
                            "metadata": {}, "outputs": [], "source": "" if i % 2 else "# nothing"})
    s.save_notebook(A, nb)
    s.submit(A)

    def xss(nb: dict) -> None:
        for cell in nb["cells"]:
            if cell.get("id") == "q3-answer":  # a plain Markdown box (the written part is marked by hand)
                cell["source"] = XSS_ANSWER
    _edit_cells(course, "h-xss", xss, files={"notes\x1b[2J\x1b[31mFAKE.txt": "x"})

    api = course.api(**FAST)
    course.hostile_collect = course.ok(api.collect(A))  # type: ignore[attr-defined]

    # Put in submitted/ by hand, as a tutor unpacking an archive might (collect itself never makes
    # links, and refuses such names: tests/nbgrader/test_exchange_links.py).
    submitted = course.root / "submitted"
    blank = (submitted / "h-blank" / A / f"{A}.ipynb").read_text(encoding="utf-8")
    stamp = (submitted / "h-blank" / A / "timestamp.txt").read_text(encoding="utf-8")
    for sid in ("h-linknb", "h-linkans", "h-zero", "h-*", "h-stamp"):
        (submitted / sid / A).mkdir(parents=True)
        (submitted / sid / A / "timestamp.txt").write_text("submitted on time, honest" if sid == "h-stamp" else stamp,
                                                           encoding="utf-8")
        if sid != "h-linknb":
            (submitted / sid / A / f"{A}.ipynb").write_text(blank, encoding="utf-8")
        # a whole submission folder, as nbgrader's exchange makes one (release_feedback, run by
        # other modules on this shared course, needs its secret)
        shutil.copy(submitted / "h-blank" / A / "submission_secret.txt", submitted / sid / A)
    (submitted / "h-linknb" / A / f"{A}.ipynb").symlink_to(submitted / "h-honest" / A / f"{A}.ipynb")
    (submitted / "h-linkans" / A / "answers.json").symlink_to(submitted / "h-answersfile" / A / "answers.json")
    (submitted / "h-zero" / A / "notes.txt").symlink_to("/dev/zero")

    result = api.autograde(A, "h-*")
    course.hostile_result = result  # type: ignore[attr-defined]
    return course


HOSTILE_SCORES = {
    "h-honest": 40, "h-blank": 0, "h-shipped": 0, "h-loop": 24, "h-flood": 40, "h-deleted": 6, "h-edited": 0,
    "h-badjson": 0, "h-monkey": 0, "h-reader": 0, "h-tags": 0, "h-fakecell": 0, "h-typechange": 0,
    "h-answersfile": 2, "h-bigecho": 0, "h-source": 0, "h-schema": 24, "h-claims": 16, "h-twice": 8, "h-twicesaved": 8, "h-later": 40, "h-lateq2": 16, "h-setupmoved": 8, "h-blankfirst": 4, "h-mixkeys": 0,
    "h-empty": 40, "h-xss": 0, "h-linkans": 0, "h-zero": 0,
}
#: Students nbgrader cannot grade at all (each alone): the notebook that is not JSON, the notebook
#: that was a link (removed, so none is left), the id that is a pattern, the unreadable time.
FAILING = {"h-badjson", "h-linknb", "h-*", "h-stamp"}


@pytest.mark.parametrize("student, score", sorted(HOSTILE_SCORES.items()))
def test_each_submission_earns_exactly_its_honest_answers(hostile: Course, student: str, score: float) -> None:
    assert hostile.score(A, student) == score


def test_a_blank_notebook_plus_shipped_files_earns_what_the_blank_notebook_earns(hostile: Course) -> None:
    assert hostile.grades(A, "h-shipped") == hostile.grades(A, "h-blank")
    folder = hostile.root / "autograded" / "h-shipped" / A
    assert sorted(p.name for p in folder.iterdir()) == [f"{A}.ipynb", "submission_secret.txt", "timestamp.txt"]
    left_out = hostile.autograded(A, "h-shipped")["metadata"]["coplearn"]["grading"]["left_out"]
    for rel in ("coplearn/", "sitecustomize.py", "usercustomize/", "zz-evil.pth", ".ipython/", "ipython_config.py",
                "ipython_kernel_config.py", "json.py"):
        assert rel in left_out
    assert f"left out of grading (not part of the assignment): " in hostile.hostile_result["log"]  # type: ignore[attr-defined]


def test_no_student_code_runs_and_the_tutor_sees_it_as_text(hostile: Course) -> None:
    for student, cells in (("h-monkey", MONKEY_CELLS), ("h-reader", READER_CELLS)):
        nb = hostile.autograded(A, student)
        mine = [c for c in nb["cells"] if c["cell_type"] == "code" and c.get("id", "").startswith("mine-")]
        assert len(mine) == len(cells)
        for cell, original in zip(mine, cells):
            source = "".join(cell["source"])
            assert source.startswith("# Not run by the course's autograder:"), source
            assert "#     " + original.splitlines()[0].replace("\t", "\t") in source
            code = [line for line in source.splitlines() if not line.startswith("#")]
            assert code == [], f"{student}: something other than comments would run: {code}"
            assert not [o for o in cell["outputs"] if o["output_type"] == "error"]
        record = nb["metadata"]["coplearn"]["grading"]["not_run"]
        assert len(record) == len(cells)
    assert hostile.integrity() == "ok"


def test_an_infinite_loop_is_never_run(hostile: Course) -> None:
    nb = hostile.autograded(A, "h-loop")
    source = "".join(cell_by_id(nb, "q2-typed")["source"])
    assert "Not run by the course's autograder" in source and "#     while True:" in source
    assert "not answered." in output_text(cell_by_id(nb, "q2-first"))


def test_tags_cannot_stop_a_test_from_running(hostile: Course) -> None:
    nb = hostile.autograded(A, "h-tags")
    cell = cell_by_id(nb, "q1-statement-01")
    assert "tags" not in cell["metadata"]
    assert any(o["output_type"] == "error" for o in cell["outputs"])


def test_a_cell_that_claims_to_be_a_test_is_just_student_code(hostile: Course) -> None:
    nb = hostile.autograded(A, "h-fakecell")
    cell = next(c for c in nb["cells"] if c.get("id") == "fake-test")
    assert "nbgrader" not in cell["metadata"]
    assert "".join(cell["source"]).startswith("# Not run by the course's autograder:")
    assert "fake-test" not in hostile.grades(A, "h-fakecell")


def test_a_markdown_answer_turned_into_code_is_not_run(hostile: Course) -> None:
    nb = hostile.autograded(A, "h-typechange")
    cell = cell_by_id(nb, "q3-answer")
    assert cell["cell_type"] == "markdown"  # nbgrader and the gradebook put its type back


def test_answers_json_is_read_as_data_and_checked(hostile: Course) -> None:
    graded = hostile.autograded(A, "h-answersfile")["metadata"]["coplearn"]
    assert graded["graded_answers"]["q1.1"] == "managed"
    assert graded["graded_answers"]["q1.2"] is None and graded["graded_answers"]["q2"] == []
    notes = " | ".join(graded["grading"]["answers_file_notes"])
    for key in ("q1.2", "q1.3", "q1.99", "'zz'", "q2.1", "'q9'"):
        assert key in notes, notes
    saved = json.loads((hostile.root / "autograded" / "h-answersfile" / A / "answers.json").read_text(encoding="utf-8"))
    assert saved["answers"] == {"q1.1": "managed"}
    assert saved["computed"] == {"q1": "not a dict"}  # plain data, kept; it answers nothing (q1 is asked item by item)


def test_the_source_notebook_is_shown_as_text_and_named_in_the_log(hostile: Course) -> None:
    nb = hostile.autograded(A, "h-source")
    not_run = nb["metadata"]["coplearn"]["grading"]["not_run"]
    assert not_run and all("solution markers" in entry["why"] for entry in not_run)
    typed = "".join(cell_by_id(nb, "q1-typed")["source"])
    assert typed.lstrip().startswith("#") and "solution markers" in typed
    assert "tutor's source notebook" in hostile.hostile_result["log"]  # type: ignore[attr-defined]


def test_a_long_answer_is_echoed_in_bounded_form(hostile: Course) -> None:
    nb = hostile.autograded(A, "h-bigecho")
    text = output_text(cell_by_id(nb, "q2-first"))
    assert "and 130 more" in text and len(text) < 3000


def test_only_the_broken_notebook_fails_and_the_gradebook_stays_intact(hostile: Course) -> None:
    result = hostile.hostile_result  # type: ignore[attr-defined]
    assert not result["success"]  # nbgrader reports the one failure...
    assert "h-badjson" in result["log"]
    failed = {line.split("for student '")[1].split("'")[0] for line in result["log"].splitlines()
              if "There was an error processing assignment" in line and "for student" in line}
    assert failed == FAILING, f"grading failed for others too: {failed - FAILING}, or not for {FAILING - failed}"
    for sid in FAILING:
        assert not (hostile.root / "autograded" / sid).exists() or \
            not list((hostile.root / "autograded" / sid).rglob("*.ipynb")), sid
    assert hostile.integrity() == "ok"
    assert not list(hostile.root.glob("gradebook.db.*")), "something touched the gradebook file"
    with hostile.gradebook() as gb:
        assert {s.student.id for s in gb.find_assignment(A).submissions} >= set(HOSTILE_SCORES)


def test_deleted_test_cells_are_put_back_and_mark_what_is_there(hostile: Course) -> None:
    nb = hostile.autograded(A, "h-deleted")
    for gid in TESTS:
        assert "was missing from the submission" in "".join(cell_by_id(nb, gid)["source"])
    grades = hostile.grades(A, "h-deleted")
    assert {k: v for k, v in grades.items() if k != "q3-task"} == {
        gid: (2.0 if gid in {"q1-statement-01", "q1-statement-02", "q1-statement-03"} else 0.0) for gid in TESTS}


def test_edited_test_cells_are_restored(hostile: Course) -> None:
    nb = hostile.autograded(A, "h-edited")
    cell = cell_by_id(nb, "q1-statement-01")
    assert "### BEGIN HIDDEN TESTS" in "".join(cell["source"])
    assert cell["metadata"]["nbgrader"]["points"] == 2


# ---- the executor's own bounds (a tutor's slow or crashing cell) ----------------------------------------

@pytest.mark.parametrize("assignment", ["a2-leading-situationally", "a3-team-audit", "a4-supervision-and-involvement"])
def test_shipped_files_earn_nothing_on_the_other_assignments(course: Course, assignment: str) -> None:
    for sid, files in ((f"s-blank-{assignment[:2]}", {}), (f"s-shipped-{assignment[:2]}", SHIPPED)):
        s = course.student(sid)
        s.fetch(assignment)
        for rel, text in files.items():
            path = s.folder(assignment) / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text.replace("KEYS.get(a[1], 'managed')", "'R1'"), encoding="utf-8")
        s.submit(assignment)
    api = course.api(**FAST)
    course.ok(api.collect(assignment))
    course.ok(api.autograde(assignment, f"s-*-{assignment[:2]}"))
    blank = course.grades(assignment, f"s-blank-{assignment[:2]}")
    assert course.grades(assignment, f"s-shipped-{assignment[:2]}") == blank
    assert sum(v or 0 for v in blank.values()) == 0


# ---- found by a red-team read (3 December 2026) -----------------------------------------------------------

def test_edited_nbgrader_metadata_is_replaced_by_the_course_s(hostile: Course) -> None:
    for sid, gid in (("h-schema", "q1-typed"), ("h-claims", "q2-typed")):
        meta = cell_by_id(hostile.autograded(A, sid), gid)["metadata"]["nbgrader"]
        assert meta["schema_version"] == 3 and meta["grade"] is False and meta["locked"] is False, (sid, meta)
    assert cell_by_id(hostile.autograded(A, "h-schema"), "q2-first")["metadata"]["nbgrader"]["schema_version"] == 3


@pytest.mark.parametrize("student", ["h-twice", "h-twicesaved"])
def test_an_answer_given_twice_is_marked_once_as_it_stood_at_its_first_test(hostile: Course, student: str) -> None:
    nb = hostile.autograded(A, student)
    assert nb["metadata"]["coplearn"]["graded_answers"]["q2"] == ["managed", "humanistic"]
    assert nb["metadata"]["coplearn"]["grading"]["answered_more_than_once"] == ["q2"]
    for test in ("q2-first", "q2-second"):
        out = output_text(cell_by_id(nb, test))
        assert "humanistic" in out and "democratic" not in out, out
    second = "".join(cell_by_id(nb, "mine-twice")["source"])
    assert [line for line in second.splitlines() if not line.startswith("#")] == []  # text only, not run
    assert "the value given here is not marked" in second and "democratic" in second


def test_a_stray_later_cell_cannot_undo_an_answer_already_marked(hostile: Course) -> None:
    nb = hostile.autograded(A, "h-later")
    assert "q1 = {" in "".join(cell_by_id(nb, "q1-typed")["source"])
    later = "".join(cell_by_id(nb, "mine-later")["source"])
    assert [line for line in later.splitlines() if not line.startswith("#")] == []  # a blank form gives no answer
    assert nb["metadata"]["coplearn"]["grading"]["answered_more_than_once"] == []


def test_an_item_given_as_both_number_and_text_is_not_marked(hostile: Course) -> None:
    nb = hostile.autograded(A, "h-mixkeys")
    assert nb["metadata"]["coplearn"]["graded_answers"]["q1.1"] is None
    why = nb["metadata"]["coplearn"]["grading"]["not_run"][0]["why"]
    assert "gives 1 twice" in why, why


def test_cells_with_nothing_to_run_are_not_sent_to_the_kernel(hostile: Course) -> None:
    nb = hostile.autograded(A, "h-empty")
    empties = [c for c in nb["cells"] if c.get("id", "").startswith("mine-empty-")]
    assert len(empties) == 400
    assert all(c["execution_count"] is None and c["outputs"] == [] for c in empties)
    assert cell_by_id(nb, "q1-statement-01")["execution_count"] is not None


def test_a_written_answer_is_shown_as_text_in_feedback(hostile: Course) -> None:
    nb = hostile.autograded(A, "h-xss")
    source = "".join(cell_by_id(nb, "q3-answer")["source"])
    assert "<script" not in source and "<img" not in source
    api = hostile.api(**FAST)
    hostile.ok(api.generate_feedback(A, "h-xss"))
    html = (hostile.root / "feedback" / "h-xss" / A / f"{A}.html").read_text(encoding="utf-8")
    assert "listen" in html and "read this" in html  # the words are all there, as text ...
    active = _active_html(html)
    assert not [a for a in active if "PWNED" in a], active
    assert 'class="tex2jax_ignore mathjax_ignore"' in html  # ... and MathJax leaves them alone


def _active_html(html: str) -> list[str]:
    """What in a page can run: script contents, on* attributes, javascript: links and sources."""
    from html.parser import HTMLParser

    found: list[str] = []

    class Parser(HTMLParser):
        in_script = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.in_script = tag == "script"
            for name, value in attrs:
                value = value or ""
                if name.startswith("on") or value.strip().lower().startswith(("javascript:", "data:text/html")):
                    found.append(f"<{tag} {name}={value}>")

        def handle_endtag(self, tag: str) -> None:
            self.in_script = False

        def handle_data(self, data: str) -> None:
            if self.in_script:
                found.append(data)

    Parser().feed(html)
    return found


def test_links_and_special_files_are_removed_before_nbgrader_copies(hostile: Course) -> None:
    log = hostile.hostile_result["log"]  # type: ignore[attr-defined]
    for sid, name in (("h-linknb", f"{A}.ipynb"), ("h-linkans", "answers.json"), ("h-zero", "notes.txt")):
        assert not os.path.lexists(hostile.root / "submitted" / sid / A / name), sid
        assert f"coplearn: {sid}: removed from the submitted folder before grading" in log, sid
        assert not (hostile.root / "autograded" / sid / A / name).exists() or name.endswith(".ipynb"), sid
    graded = hostile.autograded(A, "h-linkans")["metadata"]["coplearn"]["graded_answers"]
    assert graded["q1.1"] is None  # h-answersfile's drop-down answer was not taken
    assert "'h-*': not graded" in log


def test_student_text_reaches_the_log_without_control_characters(hostile: Course) -> None:
    collected = hostile.hostile_collect["log"]  # type: ignore[attr-defined]
    assert "notes\\x1b[2J\\x1b[31mFAKE.txt is a name with control or invisible characters" in collected  # named, escaped ...
    assert not [p for p in (hostile.root / "submitted" / "h-xss").rglob("*") if not p.name.isprintable()]  # ... left out
    for log in (collected, hostile.hostile_result["log"]):  # type: ignore[attr-defined]
        assert "\x1b" not in log


def test_a_typed_answer_after_its_first_test_is_not_a_second_guess(hostile: Course) -> None:
    nb = hostile.autograded(A, "h-lateq2")
    assert nb["metadata"]["coplearn"]["graded_answers"]["q2"] == ["managed", "professional"]
    for test in ("q2-first", "q2-second"):
        out = output_text(cell_by_id(nb, test))
        assert "professional" in out and "democratic" not in out, out
    typed = "".join(cell_by_id(nb, "q2-typed")["source"])
    assert [line for line in typed.splitlines() if not line.startswith("#")] == []
    assert "after the first test that marks it" in typed


def test_moving_the_set_up_cell_does_not_give_a_second_answer(hostile: Course) -> None:
    nb = hostile.autograded(A, "h-setupmoved")
    for test in ("q2-first", "q2-second"):
        out = output_text(cell_by_id(nb, test))
        assert "humanistic" in out and "democratic" not in out, out
