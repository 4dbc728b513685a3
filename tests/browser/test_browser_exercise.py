"""A released exercise, answered in JupyterLab with its drop-down, saved, and graded by nbgrader.

The learner opens ``exercises/a1-learning-cultures`` (the committed student version), runs it,
answers statement 1 correctly and statement 2 wrongly with the drop-downs, and saves with
Ctrl+S. The saved notebook and its ``answers.json`` are then submitted to a real nbgrader course
built from ``solutions/`` (the nbgrader tests' own helper, ``tests/nbgrader/nbcourse.py``) and
autograded: the right answer must earn its points and the wrong one none.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from lesson_table import VIEWPORT
from pages import SCREENSHOTS, LabNotebook, Watcher
from playwright.sync_api import Browser
from servers import REPO, shutdown_kernels

pytestmark = [pytest.mark.timeout(600), pytest.mark.nbgrader,
              pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")]  # inside nbgrader's gradebook

ASSIGNMENT = "a1-learning-cultures"
STUDENT = "browser-learner"


def _nbcourse():
    """The nbgrader tests' course helper, loaded by path (tests/ is not a package)."""
    path = REPO / "tests" / "nbgrader" / "nbcourse.py"
    spec = importlib.util.spec_from_file_location("coplearn_nbcourse_for_browser", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader
    spec.loader.exec_module(module)
    return module


#: The words of the check lines ("Your answer to statement 1: ...") that a narrow window breaks across two lines.
SPLIT_WORDS = """() => {
  const split = []; let lines = 0, width = 0;
  for (const pre of document.querySelectorAll('.jp-OutputArea-output pre')) {
    if (!pre.textContent.includes('Your answer to')) continue;
    lines += 1; width = Math.round(pre.getBoundingClientRect().width);
    const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.textContent.matchAll(/\\S+/g)) {
        if (m[0].length > 20) continue;  // (a word longer than a line may break)
        const range = document.createRange(); range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
        const tops = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (tops.size > 1) split.push(m[0]);
      }
    }
  }
  return {lines, width, split: split.slice(0, 10)};
}"""


def _answer_key(item: int) -> str:
    """The right culture for a statement, read from the hidden test in the solution notebook."""
    nb = json.loads((REPO / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == f"q1-statement-{item:02d}":
            found = re.search(r'assert answer == "(\w+)"', "".join(cell["source"]))
            assert found, f"no answer key in the hidden test of statement {item}"
            return found.group(1)
    raise LookupError(f"statement {item} not found in solutions/{ASSIGNMENT}")


def test_a_choice_answered_with_the_widget_is_saved_and_graded_correctly(
        browser: Browser, lab, served_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = served_root / "exercises" / ASSIGNMENT
    assert (folder / f"{ASSIGNMENT}.ipynb").exists(), f"exercises/{ASSIGNMENT}/{ASSIGNMENT}.ipynb is missing"
    assert (REPO / "solutions" / ASSIGNMENT).is_dir(), f"solutions/{ASSIGNMENT} is missing"
    (folder / "answers.json").unlink(missing_ok=True)
    right = _answer_key(1)
    wrong = next(c for c in ("professional", "managed", "humanistic", "democratic") if c != _answer_key(2))

    context = browser.new_context(viewport=VIEWPORT)
    watcher = Watcher().attach(context)
    notebook_file = folder / f"{ASSIGNMENT}.ipynb"
    saved_before = notebook_file.stat().st_mtime_ns
    try:
        nb = LabNotebook(context.new_page(), lab, f"exercises/{ASSIGNMENT}/{ASSIGNMENT}.ipynb").open()
        nb.run_all()
        page = nb.page
        for item, culture in ((1, right), (2, wrong)):
            box = nb.outputs.get_by_role("combobox", name=f"Statement {item}: which learning culture?")
            box.scroll_into_view_if_needed()
            box.select_option(label=culture.capitalize())
            nb.outputs.get_by_text(f"Your answer is saved: Statement {item}: {culture.capitalize()}").first.wait_for(
                timeout=15_000)
        # at 400 px a check's line wraps between words, not inside one ("humanis / tic": walk30s L4)
        page.set_viewport_size({"width": 400, "height": 800})
        if page.locator("#jp-left-stack").is_visible():
            page.keyboard.press("Escape")
            page.keyboard.press("Control+b")  # the file list closed, as the learner guide says for a narrow window
        page.wait_for_timeout(500)
        split = page.evaluate(SPLIT_WORDS)
        assert split["lines"] > 0 and split["width"] > 200 and not split["split"], split
        page.set_viewport_size(VIEWPORT)
        page.keyboard.press("Escape")  # command mode, as after clicking beside a cell
        page.keyboard.press("Control+s")
        page.wait_for_function("() => !document.querySelector('.lm-TabBar-tab.jp-mod-dirty')", timeout=20_000)
        page.screenshot(path=str(SCREENSHOTS / f"lab-exercise-{ASSIGNMENT}.png"))
        assert not watcher.unexpected_requests(), watcher.unexpected_requests()
        assert not watcher.unexpected_js_errors(), watcher.unexpected_js_errors()
    finally:
        context.close()
        shutdown_kernels(lab)

    assert notebook_file.stat().st_mtime_ns > saved_before, "Ctrl+S did not save the notebook"
    saved = json.loads((folder / "answers.json").read_text(encoding="utf-8"))
    assert "q1.1" in json.dumps(saved) and right in json.dumps(saved), saved

    # the tutor's side: a real course from solutions/, the learner's folder as their submission
    nbcourse = _nbcourse()
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    course = nbcourse.Course(tmp_path / "nbgrader")
    api = course.api()
    course.ok(api.generate_assignment(ASSIGNMENT))
    submission = course.root / "submitted" / STUDENT / ASSIGNMENT
    submission.parent.mkdir(parents=True)
    shutil.copytree(folder, submission, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    course.ok(api.autograde(ASSIGNMENT, STUDENT))
    grades = course.grades(ASSIGNMENT, STUDENT)
    assert grades["q1-statement-01"] == 2, f"the right answer ({right}) was not given its 2 points: {grades}"
    assert grades["q1-statement-02"] == 0, f"the wrong answer ({wrong}) earned points: {grades}"
    assert grades["q1-statement-03"] == 0, f"an unanswered statement earned points: {grades}"
