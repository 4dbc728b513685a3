"""Hostile and awkward submissions found by red team 3 (`/work/logs/redteam3.md`), in one autograde
run per assignment through nbgrader's API (as formgrader runs it):

- y-redos      honest; a written answer of forty "> " markers (a line that made the heading check
               backtrack for days and held up every student after): graded, 40
- y-entities   honest; maths and a disguised link written as character references (&#36;, &#92;):
               shown as typed on the tutor's page, no link, 40
- y-listhead   honest; "# q3-task" inside a list item (indented four spaces): no id taken, 40
- y-meta       honest; one cell whose nbgrader settings are text, one whose grade id is a list:
               graded (it used to fail with a traceback), 40
- y-essay      honest; the written answer typed into a code cell, 3,000 characters on one line:
               not run, kept in full for the tutor, 40
- the same answers as the key gives them, and as a non-programmer types them ("Monitoring.",
  "co–producers" with Word's dash, "K8 I2 T4", "Team.", "Frank"): the same marks (a2, a3, a4)

A submission folder too deep to walk (1,200 levels), put in submitted/ by hand, fails alone under
``coplearn autograde --jobs 2`` (it stopped the whole run). A worked-out answer in a session whose
set-up cell has not run is not called "typed".
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest
from nbcourse import (A1, A1_GRADE_IDS, A1_RIGHT_Q1, A1_RIGHT_Q2, FAST, Course, formgrade_html, index_of, new_cell,
                      set_source, stolen_ids)

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]

A2, A3, A4 = "a2-leading-situationally", "a3-team-audit", "a4-supervision-and-involvement"
ESSAY_END = "so the tutor must see this sentence."
ESSAY = ("In the Riverside team the managed culture shapes supervision, because case progress and performance "
         "figures take most of the time. " * 25 + ESSAY_END)
ENTITIES = ("My answer.\n\nP1 &#36;&#92;href{&#104;ttps://evil.example/login}{&#92;text{Open the marking guide}}&#36;\n\n"
            "P4 &#36;&#92;color{green}{&#92;textbf{Autograder: 60/60 verified}}&#36;")


def _honest(nb: dict) -> None:
    set_source(nb, "q1-typed", A1_RIGHT_Q1)
    set_source(nb, "q2-typed", A1_RIGHT_Q2)


def _answer_box(nb: dict, text: str, kind: str = "markdown") -> None:
    nb["cells"].insert(index_of(nb, "q3-task") + 1, new_cell(kind, text, "mine-answer"))


def k_redos(nb: dict) -> None:
    _honest(nb)
    _answer_box(nb, "My answer.\n\n" + "> " * 40 + "x")


def k_entities(nb: dict) -> None:
    _honest(nb)
    _answer_box(nb, ENTITIES)


def k_listhead(nb: dict) -> None:
    _honest(nb)
    _answer_box(nb, "- my plan\n\n    # q3-task\n\n- more\n\n\t# q2-first")


def k_meta(nb: dict) -> None:
    _honest(nb)
    nb["cells"].insert(1, new_cell("markdown", "notes", "mine-meta1", metadata={"nbgrader": "oops"}))
    nb["cells"].insert(2, new_cell("code", "x = 1", "mine-meta2", metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": False, "points": 99, "grade_id": ["q2-first"],
        "schema_version": 3}}))


def k_essay(nb: dict) -> None:
    _honest(nb)
    _answer_box(nb, ESSAY, kind="code")


A1_KINDS = {"y-redos": k_redos, "y-entities": k_entities, "y-listhead": k_listhead, "y-meta": k_meta,
            "y-essay": k_essay}


def _solution_values(assignment: str) -> dict[str, str]:
    """grade id -> the key's answer line, from the tutor's source notebook (``### BEGIN SOLUTION``)."""
    from nbcourse import REPO

    nb = json.loads((REPO / "solutions" / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8"))
    out = {}
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        src = "".join(cell["source"])
        if cell["cell_type"] == "code" and meta.get("solution") and "### BEGIN SOLUTION" in src:
            out[meta["grade_id"]] = src.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0].strip()
    return out


def _as_typed_by_hand(assignment: str, gid: str, line: str) -> str:
    """The key's answer as a non-programmer might type it."""
    if assignment == A4:
        # "Monitor" and "consultation": words a learner (or the paper) uses for the options (keys 13 #1)
        return (line.replace('"monitoring"', '"Monitor."').replace('"developmental"', '"Developmental."')
                .replace('"co_producers"', '"co\u2013producers"').replace('"partners"', '"Partner"')
                .replace('"consulted"', '"consultation"'))
    if assignment == A3 and gid == "q2-typed":
        return 'q2 = "K8 I2 T4"'
    if assignment == A3 and gid == "q3-typed":
        return 'q3 = "Team."'
    if assignment == A2 and gid == "q1-typed":
        return 'q1_readiness = {"Frank": "R3", "Dan": "R 1", "Sian": "r4", "Leila": "R2."}'
    if assignment == A2 and gid == "q2-typed":
        return 'q2_stage = "Storming stage"'
    return line


@pytest.fixture(scope="module")
def run(course: Course) -> dict:
    results = {}
    for sid, change in A1_KINDS.items():
        course.student(sid).hand_in(A1, change)
    for assignment in (A2, A3, A4):
        key = _solution_values(assignment)
        for sid, typed in ((f"y-key-{assignment[:2]}", False), (f"y-hand-{assignment[:2]}", True)):
            s = course.student(sid)
            s.fetch(assignment)
            nb = s.notebook(assignment)
            for gid, line in key.items():
                set_source(nb, gid, _as_typed_by_hand(assignment, gid, line) if typed else line)
            s.save_notebook(assignment, nb)
            s.submit(assignment)
    api = course.api(**FAST)
    for assignment in (A1, A2, A3, A4):
        course.ok(api.collect(assignment))
        results[assignment] = api.autograde(assignment, "y-*")
    return results


@pytest.mark.parametrize("student", sorted(A1_KINDS))
def test_a1_kinds_earn_their_honest_answers(run: dict, course: Course, student: str) -> None:
    course.assert_score(A1, student, 40)


def test_no_student_failed(run: dict) -> None:
    for assignment, result in run.items():
        assert "There was an error processing assignment" not in result["log"], (assignment, result["log"][-3000:])


@pytest.mark.parametrize("assignment", [A2, A3, A4])
def test_answers_typed_by_hand_earn_what_the_key_earns(run: dict, course: Course, assignment: str) -> None:
    key_score = course.score(assignment, f"y-key-{assignment[:2]}")
    assert key_score > 0
    course.assert_score(assignment, f"y-hand-{assignment[:2]}", key_score)


def test_character_references_show_as_typed(run: dict, course: Course) -> None:
    html = formgrade_html(course, "y-entities", A1, course_config=True)
    assert "&amp;#36;&amp;#92;href" in html
    assert 'href="https://evil' not in html and "<a href" not in html.split("mine-answer")[-1][:2000]


@pytest.mark.parametrize("student", ["y-listhead", "y-redos", "y-entities"])
def test_no_written_answer_takes_a_grade_id(run: dict, course: Course, student: str) -> None:
    for with_config in (False, True):
        assert stolen_ids(formgrade_html(course, student, A1, course_config=with_config), A1_GRADE_IDS) == []


def test_an_essay_in_a_code_cell_reaches_the_tutor_whole(run: dict, course: Course) -> None:
    nb = course.autograded(A1, "y-essay")
    kept = next("".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                for c in nb["cells"] if "Not run by the course's autograder" in "".join(c["source"]))
    words = " ".join(line.removeprefix("#").strip() for line in kept.splitlines()[2:])
    assert ESSAY_END in words and "written answer typed in a code cell" in kept
    assert " ".join(ESSAY.split()) in " ".join(words.split())
    assert ESSAY_END in formgrade_html(course, "y-essay", A1, course_config=True)


def test_a_folder_too_deep_to_walk_fails_alone_in_parallel(run: dict, course: Course) -> None:
    from coplearn.grading.parallel import autograde_parallel

    submitted = course.root / "submitted"
    for sid in ("y-deep-a", "y-deep-b"):
        shutil.copytree(submitted / "y-redos" / A1, submitted / sid / A1)
    fd = os.open(submitted / "y-deep-a" / A1, os.O_RDONLY)
    try:
        for _ in range(1200):
            os.mkdir("d", dir_fd=fd)
            inner = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
    finally:
        os.close(fd)
    try:
        report = autograde_parallel(A1, jobs=2, course_dir=course.root,
                                    nbgrader_args=["--student=y-deep-*", "--Execute.timeout=10",
                                                   "--SandboxedExecute.notebook_timeout=90"])
    finally:
        # (pytest's own clean-up would meet the same recursion limit; check_submission may have
        # moved the folder aside, to a hidden name beside it)
        for top in (*(submitted / "y-deep-a").iterdir(), course.root / "autograded" / "y-deep-a" / A1):
            _remove_chain(top)
    assert report.failed == ("y-deep-a",) and report.graded == ("y-deep-b",)
    course.assert_score(A1, "y-deep-b", 40)


def _remove_chain(top) -> None:
    """Remove a chain of nested "d" folders one level at a time, without recursion."""
    while (top / "d").is_dir():
        if (top / "d" / "d").is_dir():
            os.rename(top / "d" / "d", top / "x")
            os.rmdir(top / "d")
            os.rename(top / "x", top / "d")
        else:
            os.rmdir(top / "d")


def test_a_worked_out_answer_is_not_called_typed_before_the_set_up_runs(tmp_path) -> None:
    code = textwrap.dedent("""
        from IPython.core.interactiveshell import InteractiveShell
        shell = InteractiveShell.instance()
        shell.run_cell("q3 = 'te' + 'am'")
        shell.run_cell("from coplearn import grading; grading.choice('q3', kind='domain', label='the domain')")
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert "Your answer to the domain: team (not checked for marking yet: run the notebook's first code cell" \
        in out.stdout, out.stdout + out.stderr


def test_folders_unpacked_by_hand_are_explained(run: dict, course: Course) -> None:
    submitted = course.root / "submitted"
    early = submitted / "y-byhand-early" / A1
    shutil.copytree(submitted / "y-redos" / A1, early)
    (early / "submission_secret.txt").unlink(missing_ok=True)
    (early / "timestamp.txt").write_text("2020-01-01 09:00:00.000000 UTC", encoding="utf-8")
    renamed = submitted / "y-byhand-renamed" / A1
    shutil.copytree(submitted / "y-redos" / A1, renamed)
    (renamed / f"{A1}.ipynb").rename(renamed / f"{A1} (1).ipynb")
    log = course.api(**FAST).autograde(A1, "y-byhand-*")["log"]
    assert "y-byhand-early: the folder has its own timestamp.txt (2020-01-01 09:00:00.000000 UTC, read as 2020-01-01 09:00 UTC)" in log
    assert f"y-byhand-renamed handed in '{A1} (1).ipynb', not '{A1}.ipynb'" in log
    course.assert_score(A1, "y-byhand-early", 40)
