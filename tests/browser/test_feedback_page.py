"""The feedback page a student gets back, in a real browser (coplearn.grading.feedback).

The page is made here as ``nbgrader generate_feedback`` makes it (nbgrader's template folders and
style sheet, the course's exporter), from the released a1 notebook with the marks and outputs a
graded notebook carries: every check right but the second mark of question 2, whose explanation is
shown as nbgrader records a failed check, and a tutor's comment on question 3. No server is needed.
Checked: axe finds nothing at any level; at 320 CSS px (a phone, or 400 % zoom) the page does not
scroll sideways and no score lies over its item's name; a check's folded code opens from the keyboard.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from pages import axe_summary, run_axe
from playwright.sync_api import Browser, expect

pytestmark = pytest.mark.timeout(120)

REPO = Path(__file__).resolve().parents[2]
A1 = "a1-learning-cultures"
WRONG = "q2-second"
WHY = ("Not quite. Learning recorded to renew registration is the professional culture (Gray et al. 2010, "
       "Table 1); a-very-long-word-that-must-wrap-" + "x" * 80)


def _graded(nb: dict) -> dict:
    """The released notebook with the marks, outputs and comment a graded notebook would carry."""
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader") or {}
        if cell["cell_type"] == "code":
            cell["outputs"] = []
        if not meta.get("grade_id"):
            continue
        if meta.get("grade") and not meta.get("solution") and cell["cell_type"] == "code":
            right = meta["grade_id"] != WRONG
            meta["score"] = meta["points"] if right else 0.0
            cell["outputs"] = [{"output_type": "stream", "name": "stdout",
                                "text": f"Your answer to {meta['grade_id']}: managed (typed)\n"}]
            if not right:
                cell["outputs"].append({"output_type": "error", "ename": "AssertionError", "evalue": WHY,
                                        "traceback": [f"AssertionError: {WHY}"]})
        elif meta.get("task"):
            meta["score"], meta["comment"] = 30.0, "A clear argument; say more about **power**."
    return nb


@pytest.fixture(scope="module")
def feedback_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import nbformat
    from nbgrader.converters import generate_feedback
    from traitlets.config import Config

    from coplearn.grading.feedback import FeedbackExporter

    released = json.loads((REPO / "exercises" / A1 / f"{A1}.ipynb").read_text(encoding="utf-8"))
    nb = nbformat.reads(json.dumps(_graded(released)), as_version=4)
    nbgrader_dir = Path(generate_feedback.__file__).resolve().parent.parent
    c = Config()  # as nbgrader's GenerateFeedback sets it up
    c.HTMLExporter.template_name = "feedback"
    c.HTMLExporter.extra_template_basedirs = [str(nbgrader_dir / "server_extensions" / "formgrader" / "templates")]
    c.HTMLExporter.extra_template_paths = [str(nbgrader_dir / "server_extensions" / "formgrader" / "static" /
                                               "node_modules" / "bootstrap" / "dist" / "css")]
    resources = {"nbgrader": {"notebook": A1, "score": 62.0, "max_score": 100.0, "late_penalty": 0}}
    page, _ = FeedbackExporter(config=c).from_notebook_node(nb, resources=resources)
    path = tmp_path_factory.mktemp("feedback") / f"{A1}.html"
    path.write_text(page, encoding="utf-8")
    return path


def test_the_feedback_page_passes_axe_and_reads_on_a_narrow_screen(browser: Browser, feedback_page: Path) -> None:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
    try:
        page = context.new_page()
        page.goto(feedback_page.as_uri())
        summary = axe_summary(run_axe(page, ["body"]))
        assert summary["rules"] == {}, summary["rules"]
        why = page.locator(".coplearn-why")
        expect(why).to_have_count(1)
        expect(why).to_contain_text("Why not all the points: Not quite.")
        # the check's code, folded, opens from the keyboard
        check = page.locator(".coplearn-check").filter(has=page.get_by_role("heading", name="Question 2, second mark"))
        code = check.locator("details.coplearn-code")
        expect(code.locator(".input_area")).to_be_hidden()
        code.locator("summary").focus()
        page.keyboard.press("Enter")
        expect(code.locator(".input_area")).to_be_visible()
        expect(page.get_by_text("Your tutor's comment:")).to_have_count(1)

        page.set_viewport_size({"width": 320, "height": 800})
        widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        # (text too long for its box overflows it without widening any element: the page's width says it)
        assert widths[0] <= widths[1], widths
        # each score within its bar, clear of the item's name (it had floated out over the text below)
        overlaps = page.evaluate("""() => Array.from(document.querySelectorAll('.coplearn-check .panel-heading')).filter(h => {
            const bar = h.getBoundingClientRect(), a = h.querySelector('h3').getBoundingClientRect(),
                  b = h.querySelector('.pull-right').getBoundingClientRect();
            return (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
                || b.bottom > bar.bottom + 1 || b.right > bar.right + 1; }).length""")
        assert overlaps == 0, overlaps
        assert requests == [], requests  # nothing from the internet (nbgrader's page asked a CDN for MathJax)
    finally:
        context.close()
