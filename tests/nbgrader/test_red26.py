"""Red team 26 (``/work/logs/red26.md``): what the tutor is told about work nbgrader does not see. These tests were
written to fail on the code as it stood at the red team.

- F1  The student's answered notebook in a subfolder beside an untouched top-level notebook (a zip of the folder
      unpacked inside itself): graded 0, and the answered notebook named nowhere; the only line asked for an
      answers.json, which would not help. With the notebook alone in the subfolder, not even the folder was listed.
- F2  A notebook renamed to a name that does not start with the assignment's ("Assignment 1 - Jane Doe.ipynb")
      drew only nbgrader's "No notebooks found, did you forget to run 'nbgrader generate_assignment'?", which
      blames the tutor's set-up.
"""

from __future__ import annotations

import json
import os
import shutil
import time

import pytest
from nbcourse import A1, FAST, Course, forget_students, honest_a1

pytestmark = [pytest.mark.nbgrader]


def _submitted(course: Course, sid: str, change=lambda nb: None) -> tuple[os.PathLike, dict]:
    """``sid`` hands in a1 (changed by ``change``), collected; their submitted folder and the notebook they kept."""
    course.student(sid).hand_in(A1, change)
    course.ok(course.api(**FAST).collect(A1))
    return course.root / "submitted" / sid / A1, course.student(sid).notebook(A1)


def _honest(nb: dict) -> dict:
    honest_a1(nb)
    return nb


def test_work_in_a_subfolder_beside_an_untouched_notebook_is_named(course: Course) -> None:
    nested, nb = _submitted(course, "z26-nested")  # handed in untouched: the work is inside
    inner = nested / A1
    inner.mkdir()
    time.sleep(0.05)
    (inner / f"{A1}.ipynb").write_text(json.dumps(_honest(nb), indent=1), encoding="utf-8")
    (inner / "answers.json").write_text("{}", encoding="utf-8")
    alone, nb = _submitted(course, "z26-sub-only")
    (alone / "sub").mkdir()
    (alone / "sub" / f"{A1}.ipynb").write_text(json.dumps(_honest(nb), indent=1), encoding="utf-8")
    try:
        log = course.api(**FAST).autograde(A1, "z26-*")["log"]
        said = [line for line in log.splitlines() if "coplearn" in line]
        nested_line = next((l for l in said if l.split("coplearn: ", 1)[-1].startswith("z26-nested also handed in")), "")
        assert f"{A1}/{A1}.ipynb, in a subfolder, beside {A1}.ipynb; only {A1}.ipynb is graded" in nested_line, said
        assert "was saved later" in nested_line and "with the answers.json beside it" in nested_line, nested_line
        alone_line = next((l for l in said if "z26-sub-only also handed in" in l), "")
        assert f"sub/{A1}.ipynb, in a subfolder" in alone_line and "answers.json beside it" not in alone_line, said
        # the answers.json in the subfolder is named, not only "ask the student for it"
        assert any("z26-nested: no answers.json in the submitted folder, but "
                   f"{A1}/answers.json is there" in l and "move it up" in l for l in said), said
        for sid, rel in (("z26-nested", f"{A1}/{A1}.ipynb"), ("z26-sub-only", f"sub/{A1}.ipynb")):
            left_out = course.autograded(A1, sid)["metadata"]["coplearn"]["grading"]["left_out"]
            assert f"{rel} (a notebook in a subfolder, not graded)" in left_out, left_out
            assert course.score(A1, sid) == 0  # (what is graded is the untouched notebook, as before)
    finally:
        forget_students(course, "z26-nested", "z26-sub-only")


@pytest.mark.parametrize("name", ["Assignment 1 - Jane Doe.ipynb", "\u0430" + A1[1:] + ".ipynb"])  # (Cyrillic a)
def test_a_renamed_notebook_is_named_whatever_its_new_name(course: Course, name: str) -> None:
    folder, _ = _submitted(course, "z26-renamed", _honest)
    os.rename(folder / f"{A1}.ipynb", folder / name)
    try:
        log = course.api(**FAST).autograde(A1, "z26-renamed")["log"]
        assert f"z26-renamed handed in {name!r}, not '{A1}.ipynb': if it is their work, rename it" in log, log
    finally:
        forget_students(course, "z26-renamed")
        shutil.rmtree(course.student("z26-renamed").folder(A1), ignore_errors=True)
