"""No released notebook, and nothing a released notebook prints when it is run blank, shows a key.

The keys are derived from the hidden tests in ``solutions/`` (issue 11 §4): for every graded cell,
the answer name, item and label it passes to ``choice``/``number``/``several``, and the answers its
hidden tests accept. A key "leaks" when the student's copy, or the output of running it with no
answers given, pairs a question's label with its key the way the course echoes answers
("Your answer to Dan's readiness: R1"), when an answer cell in the release holds anything but a
blank, or when a hidden explanation appears. Option words on their own ("R1", "managed") are
course vocabulary and appear in every question; what must never appear is *which* one answers
*which* question.

One thing is shown by design and is not a key: a3's analysis cell displays the case-study team's
scores (reading them is the task); the question labels and echoes still must not pair them.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from nbcourse import ASSIGNMENTS, REPO

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]

HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", re.S)
_HELPERS = {"choice", "number", "several"}


@dataclass(frozen=True)
class Key:
    grade_id: str
    label: str          # as echoed: "Your answer to <label>: ..."
    kind: str           # an option kind, or "number"
    answers: frozenset[str]   # every accepted key, and the option labels that name it
    feedback: tuple[str, ...]  # the hidden explanations


def _src(cell: dict[str, Any]) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _forms(key: str, kind: str) -> set[str]:
    """The key and every way the course may print it (an option's label and aliases)."""
    from coplearn.grading.answers import options

    out = {key}
    if kind != "number":
        for opt in options(kind):
            if opt.key == key:
                out |= {opt.label, *opt.aliases}
    else:
        value = float(key)
        out |= {f"{value:.2f}", f"{value:.1f}", repr(value)}
    return {o for o in out if o}


def hidden_keys(assignment: str) -> list[Key]:
    """Every graded question's label, accepted answers and hidden feedback, from solutions/."""
    nb = _load(REPO / "solutions" / assignment / f"{assignment}.ipynb")
    keys: list[Key] = []
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        source = _src(cell)
        if cell["cell_type"] != "code" or not meta.get("grade") or "HIDDEN TESTS" not in source:
            continue
        hidden = HIDDEN.search(source).group(1)
        call = next(n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call)
                    and getattr(n.func, "id", "") in _HELPERS)
        kw = {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg}
        args = [ast.literal_eval(a) for a in call.args]
        kind = "number" if call.func.id == "number" else kw["kind"]
        label = kw.get("label") or args[0]
        found = set(re.findall(r'== "([^"]+)"', hidden)) | set(re.findall(r'"([^"]+)" in _given', hidden))
        found |= set(re.findall(r"answer - ([0-9.]+)", hidden))
        assert found, f"{assignment} {meta['grade_id']}: no key found in the hidden tests"
        answers = frozenset(f for k in found for f in _forms(k, kind))
        tree = ast.parse(hidden.strip() or "pass")
        feedback = tuple(n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)
                         and isinstance(n.value, str) and len(n.value) > 40)
        keys.append(Key(meta["grade_id"], label, kind, answers, feedback))
    return keys


def _leaks(text: str, keys: list[Key]) -> list[str]:
    found = []
    for k in keys:
        for answer in k.answers:
            # "<label>: <key>" however it is spaced or emphasised
            pattern = re.compile(rf"{re.escape(k.label)}\W{{0,6}}:\W{{0,6}}{re.escape(answer)}(?![\w.])", re.I)
            if pattern.search(text):
                found.append(f"{k.grade_id}: '{k.label}: {answer}'")
        for sentence in k.feedback:
            if sentence[:60] in text:
                found.append(f"{k.grade_id}: its hidden explanation")
    return found


def _released_answer_values(cell: dict[str, Any]) -> list[object]:
    from coplearn.grading.answers import parse_answer_cell

    def leaves(v: object) -> list[object]:
        if isinstance(v, dict):
            return [x for val in v.values() for x in leaves(val)]
        if isinstance(v, list):
            return [x for val in v for x in leaves(val)]
        return [v]

    parsed = parse_answer_cell(_src(cell))
    assert parsed.plain, f"a released answer cell is not a plain answer cell: {parsed.problem}"
    return [v for value in parsed.values.values() for v in leaves(value)]



@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_keys_are_derived_from_the_hidden_tests(assignment: str) -> None:
    keys = hidden_keys(assignment)
    if assignment == "a5-leadership-plan":
        assert keys == []  # the capstone has no computer-marked questions
        return
    assert keys and all(k.answers and k.feedback for k in keys)


def test_the_check_finds_a_key_where_one_is_shown() -> None:
    """The check itself: an echoed answer, however emphasised, is caught; a bare option word is not."""
    keys = [Key("q1", "Dan's readiness", "readiness", frozenset({"R1", "R1: unable and unwilling"}),
                ("Not quite. Dan lacks the knowledge and skill for this task and is anxious about it.",))]
    assert _leaks("(*\"Your answer to Dan's readiness: R1 (chosen with the drop-down)\"*)", keys)
    assert _leaks("Your answer to **Dan's readiness**: R1", keys)
    assert not _leaks("R1 unable and unwilling or insecure; Dan's readiness: not answered yet.", keys)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_released_notebook_shows_a_key(assignment: str) -> None:
    keys = hidden_keys(assignment)
    release = _load(REPO / "exercises" / assignment / f"{assignment}.ipynb")
    text = "\n".join(_src(c) for c in release["cells"])
    leaked = _leaks(text, keys)
    assert not leaked, f"exercises/{assignment} shows answers: {leaked}"
    for cell in release["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if cell["cell_type"] == "code" and meta.get("solution"):
            given = [v for v in _released_answer_values(cell) if v is not None]
            assert not given, f"exercises/{assignment} {meta['grade_id']}: the answer cell holds {given}"


@pytest.mark.parametrize("assignment", [a for a in ASSIGNMENTS if a != "a5-leadership-plan"])
def test_running_a_blank_release_shows_no_key(assignment: str, tmp_path: Path, nbgrader_env: None,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import nbformat
    from nbclient import NotebookClient

    work = tmp_path / assignment
    shutil.copytree(REPO / "exercises" / assignment, work)
    for stray in ("answers.json", ".answers.json.lock"):
        (work / stray).unlink(missing_ok=True)
    path = work / f"{assignment}.ipynb"
    nb = nbformat.read(path, as_version=4)
    # the kernel imports this checkout's coplearn, as a learner's kernel imports the installed one
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (str(REPO / "src"), os.environ.get("PYTHONPATH")) if p))
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(work)}}).execute()
    outputs = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                outputs.append(out.get("text", ""))
            elif out.get("output_type") == "error":
                outputs.append(out.get("evalue", ""))
            else:
                data = out.get("data", {})
                outputs.extend(str(data[m]) for m in ("text/plain", "text/html", "text/markdown") if m in data)
    printed = "\n".join(outputs)
    keys = hidden_keys(assignment)
    # the check is real: every question's answer is echoed, as unanswered
    for k in keys:
        assert re.search(rf"{re.escape(k.label)}: not answered yet", printed), f"{k.grade_id}: no echo of '{k.label}'"
    leaked = _leaks(printed, keys)
    assert not leaked, f"running exercises/{assignment} blank shows answers: {leaked}"
