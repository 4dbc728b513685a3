"""The student versions stay in sync with solutions/ and give nothing away.

- ``exercises/`` (committed) equals what ``nbgrader generate_assignment`` makes from ``solutions/``.
- No solution, hidden test, mark scheme or answer key reaches ``exercises/``; visible tests
  check only the form of an answer.
- ``nbgrader validate`` passes every test on ``solutions/``; ``nbgrader validate --invert``
  fails every autograded test on ``exercises/`` (a blank notebook earns nothing).
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import pytest

from nbcourse import ASSIGNMENTS, REPO, Course, load_course_config

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]

HIDDEN_REGIONS = re.compile(
    r"(### BEGIN SOLUTION.*?### END SOLUTION|### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS|"
    r"=== BEGIN MARK SCHEME ===.*?=== END MARK SCHEME ===)", re.S)
GENERATED_JUNK = {"answers.json", ".answers.json.lock", ".ipynb_checkpoints", "__pycache__"}


def _files(folder: Path) -> dict[str, Path]:
    return {str(p.relative_to(folder)): p for p in sorted(folder.rglob("*")) if p.is_file()}


def _normalise(nb: dict[str, Any]) -> dict[str, Any]:
    """Drop what may differ between two runs of nbgrader (none of it reaches a student's answer)."""
    meta = {k: v for k, v in nb["metadata"].items() if k not in {"language_info", "widgets"}}
    cells = []
    for cell in nb["cells"]:
        c = {k: v for k, v in cell.items() if k not in {"execution_count", "outputs"}}
        c["source"] = "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        cells.append(c)
    return {"metadata": meta, "cells": cells, "nbformat": nb["nbformat"]}


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell: dict[str, Any]) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_committed_exercises_equal_a_fresh_generation(course: Course, assignment: str) -> None:
    fresh = course.root / "exercises" / assignment
    committed = REPO / "exercises" / assignment
    fresh_files, committed_files = _files(fresh), _files(committed)
    assert set(fresh_files) == set(committed_files), (
        f"exercises/{assignment} is out of date: run `nbgrader generate_assignment {assignment} --force` "
        "in the repository root and commit the result")
    for name, path in fresh_files.items():
        if name.endswith(".ipynb"):
            assert _normalise(_load(path)) == _normalise(_load(committed_files[name])), (
                f"exercises/{assignment}/{name} differs from a fresh generation: regenerate it from solutions/")
        else:
            assert path.read_bytes() == committed_files[name].read_bytes(), f"exercises/{assignment}/{name} differs"


@pytest.mark.parametrize("folder", ["solutions", "exercises"])
def test_no_learner_or_tutor_session_files_are_committed(folder: str) -> None:
    """Committed files only: a learner may work in exercises/ (their answers.json is git-ignored)."""
    import subprocess

    listed = subprocess.run(["git", "ls-files", folder], cwd=REPO, capture_output=True, text=True)
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    tracked = [Path(p) for p in listed.stdout.splitlines()]
    assert any(p.suffix == ".ipynb" for p in tracked)
    stray = [p for p in tracked if set(p.parts) & GENERATED_JUNK or ".unreadable-" in p.name]
    assert not stray, f"remove these from git: {stray}"
    if folder == "solutions":  # a tutor's drop-down choices here would be released to every student
        assert not list((REPO / folder).rglob("answers.json"))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_assignment_metadata_names_known_pcf_domains(assignment: str) -> None:
    import coplearn as cl

    known = {d.key for d in cl.pcf_domains()}
    for folder in ("solutions", "exercises"):
        for nb_path in sorted((REPO / folder / assignment).glob("*.ipynb")):
            meta = json.loads(nb_path.read_text(encoding="utf-8"))["metadata"].get("coplearn", {})
            assert meta.get("pcf") and set(meta["pcf"]) <= known, (nb_path, set(meta.get("pcf", [])) - known)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_release_gives_no_answers_away(assignment: str) -> None:
    source = _load(REPO / "solutions" / assignment / f"{assignment}.ipynb")
    release_text = (REPO / "exercises" / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8")
    release = json.loads(release_text)
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "MARK SCHEME"):
        assert marker not in release_text
    # every substantial line inside a solution, hidden-test or mark-scheme region stays out
    secret_lines = {line.strip() for cell in source["cells"] for region in HIDDEN_REGIONS.findall(_source(cell))
                    for line in region.splitlines()[1:-1] if len(line.strip()) > 20}
    release_sources = "\n".join(_source(c) for c in release["cells"])
    leaked = [line for line in secret_lines if line in release_sources]
    assert not leaked, f"hidden content reached the release: {leaked[:3]}"
    assert secret_lines, "no hidden content found, so this check would prove nothing"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_visible_tests_check_form_only(assignment: str) -> None:
    """A released test cell never contains the key it checks for (only the hidden part does)."""
    source = {c["metadata"]["nbgrader"]["grade_id"]: _source(c) for c in
              _load(REPO / "solutions" / assignment / f"{assignment}.ipynb")["cells"]
              if c["metadata"].get("nbgrader", {}).get("grade")}
    release = {c["metadata"]["nbgrader"]["grade_id"]: _source(c) for c in
               _load(REPO / "exercises" / assignment / f"{assignment}.ipynb")["cells"]
               if c["metadata"].get("nbgrader", {}).get("grade")}
    assert set(source) == set(release)
    for gid, text in source.items():
        if "HIDDEN TESTS" not in text:
            continue
        hidden = HIDDEN_REGIONS.search(text).group(0)
        keys = set(re.findall(r'== "([^"]+)"', hidden)) | set(re.findall(r'"([^"]+)" in _given', hidden))
        keys |= set(re.findall(r"(?:_real\(answer\)|answer) - ([0-9.]+)", hidden))
        assert keys, f"{gid}: no answer key found in the hidden tests"
        visible = ast.parse(release[gid])
        literals = {str(n.value) for n in ast.walk(visible) if isinstance(n, ast.Constant)}
        assert not keys & literals, f"{gid}: the visible test mentions the answer {keys & literals}"
        for key in keys:  # not in a docstring or a label, nor in the cell's id, either
            pattern = re.compile(rf"(?<![\w.]){re.escape(key)}(?![\w.])", re.I)
            assert not pattern.search(release[gid]) and not pattern.search(gid), (
                f"{gid}: the student's copy gives away the answer {key!r}")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_test_passes_on_the_solution_and_fails_on_the_blank_release(course: Course, assignment: str) -> None:
    from nbgrader.validator import Validator

    cfg = load_course_config(course.root, course.exchange)
    solution = course.root / "solutions" / assignment / f"{assignment}.ipynb"
    assert Validator(config=cfg).validate(str(solution)) == {}, "a test fails on the worked solution"

    tests = [c for c in _load(solution)["cells"] if c["metadata"].get("nbgrader", {}).get("grade")
             and c["cell_type"] == "code"]
    if not tests:
        assert assignment == "a5-leadership-plan"  # the capstone is marked by the tutor only
        return
    release = course.root / "exercises" / assignment / f"{assignment}.ipynb"
    inverted = Validator(config=cfg, invert=True).validate(str(release))
    assert inverted == {}, f"these tests pass on a blank notebook: {inverted.get('passed')}"
