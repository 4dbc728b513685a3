"""Every lesson in JupyterLab: it runs clean, renders, responds to a learner, and is accessible.

Each lesson is opened once (a fresh browser context and workspace, Run All from the Run menu) and
the tests below share that page, in order: run -> render -> interaction (+ screenshot) -> axe ->
text alternatives -> headings -> requests and JavaScript errors.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from lesson_table import VIEWPORT, lesson_params, require_lesson
from interactions import interaction_for, perform
from pages import (SCREENSHOTS, axe_failures, axe_summary, check_text_alternatives, control_contrast_problems,
                   heading_levels, heading_problems, LabNotebook, run_axe, save_axe, screenshot_whole, Watcher)
from playwright.sync_api import Browser, Page
from servers import shutdown_kernels

pytestmark = pytest.mark.timeout(300)


@dataclass
class LabLesson:
    number: str
    name: str
    nb: LabNotebook
    watcher: Watcher

    @property
    def page(self) -> Page:
        return self.nb.page


@pytest.fixture(scope="module", params=lesson_params())
def lesson(request: pytest.FixtureRequest, browser: Browser, lab, served_root) -> Iterator[LabLesson]:
    number, name = request.param
    require_lesson(served_root, name)
    context = browser.new_context(viewport=VIEWPORT)
    watcher = Watcher().attach(context)
    try:
        nb = LabNotebook(context.new_page(), lab, f"course/{name}").open()
        nb.run_all()
        yield LabLesson(number, name, nb, watcher)
    finally:
        context.close()
        shutdown_kernels(lab)


def test_the_address_jupyterlab_prints_opens_the_first_lesson(lab) -> None:
    """Docs 12 D10: with --no-browser (a remote machine, WSL) the address printed is all a learner
    has; it used to open the Launcher. The server's front page now goes to lesson 00."""
    import urllib.request

    with urllib.request.urlopen(f"{lab.url}/?token={lab.token}", timeout=10) as resp:  # noqa: S310 - 127.0.0.1
        assert resp.url.split("?")[0] == f"{lab.url}/lab/tree/course/00-welcome.ipynb", resp.url


LAB_SCROLLER = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer"
ERROR_OUTPUTS = ('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], '
                 '.jp-OutputArea-output.jp-mod-error')


def test_runs_without_error_output(lesson: LabLesson) -> None:
    state = lesson.nb.state()
    assert state and state["errors"] == 0, f"{state['errors'] if state else '?'} cell(s) raised an error"
    assert all(c is not None for c in state["counts"]), f"cells left unexecuted: {state['counts']}"
    errors = lesson.nb.notebook.locator(ERROR_OUTPUTS)
    assert errors.count() == 0, f"error output on the page: {errors.all_inner_texts()[:3]}"
    alerts = lesson.nb.outputs.locator('[role="alert"]')
    assert not [t for t in alerts.all_inner_texts() if t.strip()], \
        f"a widget shows a problem: {alerts.all_inner_texts()}"


def test_widgets_and_figures_render(lesson: LabLesson) -> None:
    outputs = lesson.nb.outputs
    assert outputs.locator(".jupyter-widgets").count() > 0, "no widget rendered (every lesson has a reflection box)"
    text = "\n".join(outputs.all_inner_texts())
    assert "Error displaying widget" not in text and "Loading widget" not in text, text[:500]
    figures = outputs.locator(".js-plotly-plot")
    for i in range(figures.count()):
        box = figures.nth(i).locator(".main-svg").first.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100, f"figure {i + 1} did not draw ({box})"


def test_an_interaction_changes_the_page(lesson: LabLesson) -> None:
    interaction = interaction_for(lesson.number)
    perform(lesson.page, lesson.nb.outputs, interaction)
    screenshot_whole(lesson.page, SCREENSHOTS / f"lab-{lesson.name.removesuffix('.ipynb')}.png", LAB_SCROLLER)


def test_axe_finds_no_serious_or_critical_problems(lesson: LabLesson) -> None:
    results = run_axe(lesson.page, [".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell-outputArea",
                                    ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownOutput"],
                       scroller=LAB_SCROLLER)
    summary = axe_summary(results)
    save_axe(f"lab-{lesson.number}", summary)
    failures = axe_failures(summary)
    assert not failures, "\n".join(failures)
    assert "color-contrast" not in summary["rules"], summary["rules"].get("color-contrast")
    low = control_contrast_problems(lesson.page, ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell-outputArea")
    assert not low, f"form controls below 4.5:1 contrast: {low}"


def test_every_figure_has_a_text_alternative_in_the_accessibility_tree(lesson: LabLesson) -> None:
    check_text_alternatives(lesson.page, ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell-outputArea")


def test_headings_are_in_order(lesson: LabLesson) -> None:
    levels = heading_levels(lesson.page, ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
    assert levels, "no headings found"
    assert not heading_problems(levels), heading_problems(levels)


def test_no_request_leaves_the_machine_and_no_js_errors(lesson: LabLesson) -> None:
    assert not lesson.watcher.unexpected_requests(), lesson.watcher.unexpected_requests()
    assert not lesson.watcher.unexpected_js_errors(), lesson.watcher.unexpected_js_errors()
