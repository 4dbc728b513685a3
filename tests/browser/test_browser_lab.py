"""Every lesson in JupyterLab: it runs clean, renders, responds to a learner, and is accessible.

Each lesson is opened once (a fresh browser context and workspace, Run All from the Run menu) and
the tests below share that page, in order: run -> render -> interaction (+ screenshot) -> axe ->
text alternatives -> headings -> requests and JavaScript errors.
"""

from __future__ import annotations

import time
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


def test_jupyterlab_does_not_ask_about_jupyter_news(lab) -> None:
    """walk28 L1: a toast asking "Would you like to get notified about official Jupyter news?" sat over every
    lesson until answered (three more Tab stops; a third of the lesson at 200%). The course's command line gives
    JupyterLab the course's defaults, in which news is off: the settings JupyterLab's page reads say so (the
    tests' own user settings set it too, so the default is what is checked)."""
    import json

    status, body = lab.get("/lab/api/settings/@jupyterlab/apputils-extension:notification")
    assert status == 200, body[:300]
    schema = json.loads(body)["schema"]["properties"]
    assert schema["fetchNews"]["default"] == "false", schema["fetchNews"]
    assert schema["checkForUpdates"]["default"] is False, schema["checkForUpdates"]


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


def _journal_entries(lab) -> list[dict]:
    import json

    path = lab.extra["journal"]
    return json.loads(path.read_text(encoding="utf-8"))["entries"] if path.exists() else []


def _journal_editor_completes_then_removes_an_entry(lesson: LabLesson, lab) -> None:
    """walk18 M4 in a real browser: a reflection saved in lesson 11 is completed in "Completing or
    removing an entry" (impact on people, peer reflection and role, hours), kept in the journal file,
    and then removed after the one question."""
    import re
    import uuid

    from interactions import REFLECT, Step, control

    scope, page = lesson.nb.outputs, lesson.page
    words = f"Browser test {uuid.uuid4().hex[:8]}: we learn most when we talk cases through."
    saved = type(REFLECT)(steps=(Step("textbox", "What I learned or noticed", "fill", words), REFLECT.steps[1]),
                          expect_text=REFLECT.expect_text, what=REFLECT.what)
    perform(page, scope, saved)
    mine = [e for e in _journal_entries(lab) if e.get("learning") == words]
    assert len(mine) == 1, f"the reflection was not saved once: {mine}"
    entry = mine[0]
    # the editor's own label for it (date, time saved, title, "to finish"; numbered if it would look like another)
    from coplearn.practice.journal_entry import JournalEntry
    from coplearn.widgets._journal_editor import entry_labels

    everything = sorted((JournalEntry.from_dict(e) for e in _journal_entries(lab)), key=lambda e: (e.date, e.created),
                        reverse=True)
    label = dict((i, lab_) for lab_, i in entry_labels(everything))[entry["id"]]

    def until(pattern: str, what: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = "\n".join(scope.all_inner_texts())
            if re.search(pattern, text):
                return
            time.sleep(0.1)
        at = text.find("Entry to complete or remove")
        raise AssertionError(f"{what}: no text matching {pattern!r} appeared; the editor shows: {text[at:at + 1500]!r}")

    control(scope, Step("button", "Read my journal again", "click")).click()
    chooser = control(scope, Step("combobox", "Entry to complete or remove", "select"))
    deadline = time.monotonic() + 20
    while label not in chooser.locator("option").all_inner_texts() and time.monotonic() < deadline:
        time.sleep(0.1)
    chooser.scroll_into_view_if_needed()
    chooser.select_option(label=label)
    until(re.escape(words[:40]), "the chosen entry is shown")
    control(scope, Step("textbox", "Impact on people who use services", "fill")).fill(
        "Families said duty calls felt calmer.")
    control(scope, Step("checkbox", "I reflected on this with a peer", "check")).check()
    control(scope, Step("textbox", "Their role (never their name)", "fill")).fill("a senior practitioner")
    control(scope, Step("textbox", "Time it took, in hours", "fill")).fill("1.5")
    control(scope, Step("button", "Save changes to this entry", "click")).click()
    until(r"Saved the changes to", "after saving the entry")
    kept = [e for e in _journal_entries(lab) if e.get("id") == entry["id"]]
    assert kept and kept[0].get("impact_people") == "Families said duty calls felt calmer.", kept
    assert kept[0].get("peer_reflection") is True and kept[0].get("peer_role") == "a senior practitioner", kept
    assert kept[0].get("hours") == 1.5, kept

    control(scope, Step("button", "Remove this entry", "click")).click()
    until(r"Press .Yes, remove this entry. to go ahead", "the editor asks once before removing")
    assert any(e.get("id") == entry["id"] for e in _journal_entries(lab)), "removed before the learner said yes"
    from coplearn.widgets._base import CONFIRM_AFTER

    time.sleep(CONFIRM_AFTER + 0.2)  # (a second press sooner is taken for a double click, and ignored)
    control(scope, Step("button", "Yes, remove this entry", "click")).click()
    until(r"Removed .* from your journal", "after saying yes")
    assert not any(e.get("id") == entry["id"] for e in _journal_entries(lab)), "the entry is still in the journal"


def _a_lesson_on_the_route_opens_in_a_new_tab(lesson: LabLesson, lab) -> None:
    """walk19 #2: the route's lesson links sat in an HTML widget, so the browser followed them against
    JupyterLab's address (/lab/tree/course), lost the folder, asked "Leave site?" and reloaded to "Could
    not find path". Drawn as an output now, a link opens the lesson in a new tab of the same page."""
    import re

    page, scope = lesson.page, lesson.nb.outputs
    scope.get_by_role("radio", name=re.compile(r"team manager", re.I)).check()
    # (the table is drawn again when the route changes: wait for the team manager's, then click, which
    # scrolls to the link itself and waits while it is replaced)
    scope.get_by_text(re.compile(r"Suggested route for a team manager", re.I)).first.wait_for(timeout=30_000)
    link = scope.get_by_role("link", name=re.compile(r"^Lesson 06: "))
    link.wait_for(timeout=30_000)
    address = page.url
    page.evaluate("window.coplearnSamePage = true")  # gone if the click loads the page again
    link.click()
    tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="06-action-centred-leadership")
    tab.first.wait_for(timeout=30_000)
    assert page.evaluate("window.coplearnSamePage === true"), f"the link loaded a new page: {address} -> {page.url}"
    assert page.url.split("/lab")[0] == address.split("/lab")[0] and "/lab" in page.url, (address, page.url)
    assert page.locator(".jp-Dialog").count() == 0, page.locator(".jp-Dialog").all_inner_texts()
    assert "Could not find path" not in page.locator("body").inner_text()


#: Activities of one lesson that need more than the one interaction above: lesson number -> check.
OWN_CHECKS = {"00": _a_lesson_on_the_route_opens_in_a_new_tab, "11": _journal_editor_completes_then_removes_an_entry}


def test_the_lesson_s_own_further_checks(lesson: LabLesson, lab) -> None:
    check = OWN_CHECKS.get(lesson.number)
    if check is None:
        pytest.skip("no further check for this lesson")
    check(lesson, lab)


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


def test_a_glossary_link_opens_the_glossary_at_the_entry(browser: Browser, lab, served_root) -> None:
    """walk28 L12: lesson 00's link to the glossary ("community of practice") opened the glossary in a new tab
    of JupyterLab, but at its top (Action-centred leadership), not at the entry."""
    import re

    from playwright.sync_api import expect

    require_lesson(served_root, "00-welcome.ipynb")
    context = browser.new_context(viewport=VIEWPORT)
    try:
        nb = LabNotebook(context.new_page(), lab, "course/00-welcome.ipynb").open()
        nb.notebook.get_by_role("link", name="community of practice").first.click()
        viewer = nb.page.locator(".jp-MarkdownViewer:not(.lm-mod-hidden)")
        entry = viewer.locator("h3", has_text=re.compile(r"^Community of practice"))
        expect(entry).to_be_in_viewport(timeout=30_000)
        expect(viewer.locator("h3", has_text=re.compile(r"^Action-centred leadership"))).not_to_be_in_viewport()
        assert "Could not find path" not in nb.page.locator("body").inner_text()
    finally:
        context.close()
        shutdown_kernels(lab)
