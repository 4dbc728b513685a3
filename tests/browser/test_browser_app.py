"""Every lesson in the app view (``coplearn app``: Voila with code stripped): it renders with no code,
responds to a learner, and is accessible. Each lesson page is opened once and shared, in order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from lesson_table import VIEWPORT, lesson_params, require_lesson
from interactions import interaction_for, perform
from pages import (SCREENSHOTS, VOILA_SCROLLER, axe_failures, axe_summary, check_text_alternatives,
                   control_contrast_problems, heading_levels, heading_problems, open_voila, run_axe, save_axe,
                   screenshot_whole, shutdown_voila_kernel, Watcher)
from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.timeout(300)


@dataclass
class AppLesson:
    number: str
    name: str
    page: Page
    watcher: Watcher
    seconds: float


@pytest.fixture(scope="module", params=lesson_params())
def lesson(request: pytest.FixtureRequest, browser: Browser, voila, served_root) -> Iterator[AppLesson]:
    number, name = request.param
    require_lesson(served_root, name)
    context = browser.new_context(viewport=VIEWPORT)
    watcher = Watcher().attach(context)
    page = context.new_page()
    try:
        seconds = open_voila(page, voila, name, watcher=watcher)
        yield AppLesson(number, name, page, watcher, seconds)
    finally:
        shutdown_voila_kernel(page)
        context.close()


def test_renders_with_code_hidden_and_no_errors(lesson: AppLesson) -> None:
    page = lesson.page
    assert page.locator("h1").count() == 1, "the lesson title (one h1) is missing"
    code = page.locator(".jp-CodeCell .jp-InputArea, .jp-CodeCell .jp-InputArea-editor, .jp-InputPrompt")
    assert code.count() == 0, f"code is showing in the app view: {code.all_inner_texts()[:2]}"
    errors = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], '
                          '.jp-OutputArea-output.jp-mod-error, .error')
    assert errors.count() == 0, f"error output: {errors.all_inner_texts()[:3]}"
    body = page.locator("body").inner_text()
    for bad in ("Traceback", "Error displaying widget", "There was an error when executing cell"):
        assert bad not in body, f"'{bad}' shows in the app view"
    alerts = [t for t in page.locator('[role="alert"]').all_inner_texts() if t.strip()]
    assert not alerts, f"a widget shows a problem: {alerts}"
    assert page.locator(".jupyter-widgets").count() > 0, "no widget rendered"
    figures = page.locator(".js-plotly-plot")
    for i in range(figures.count()):
        box = figures.nth(i).locator(".main-svg").first.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100, f"figure {i + 1} did not draw ({box})"


def test_an_interaction_changes_the_page(lesson: AppLesson) -> None:
    perform(lesson.page, lesson.page.locator(".jp-OutputArea"), interaction_for(lesson.number))
    screenshot_whole(lesson.page, SCREENSHOTS / f"app-{lesson.name.removesuffix('.ipynb')}.png", VOILA_SCROLLER)


def test_axe_finds_no_serious_or_critical_problems(lesson: AppLesson) -> None:
    summary = axe_summary(run_axe(lesson.page, ["body"], scroller=VOILA_SCROLLER))
    save_axe(f"app-{lesson.number}", summary)
    failures = axe_failures(summary)
    assert not failures, "\n".join(failures)
    assert "color-contrast" not in summary["rules"], summary["rules"].get("color-contrast")
    low = control_contrast_problems(lesson.page, ".jp-OutputArea")
    assert not low, f"form controls below 4.5:1 contrast: {low}"


def test_every_figure_has_a_text_alternative_in_the_accessibility_tree(lesson: AppLesson) -> None:
    check_text_alternatives(lesson.page, "body")


def test_headings_are_in_order(lesson: AppLesson) -> None:
    levels = heading_levels(lesson.page, "body")
    assert levels, "no headings found"
    assert not heading_problems(levels), heading_problems(levels)


def test_no_request_leaves_the_machine_and_no_js_errors(lesson: AppLesson) -> None:
    assert not lesson.watcher.unexpected_requests(), lesson.watcher.unexpected_requests()
    assert not lesson.watcher.unexpected_js_errors(), lesson.watcher.unexpected_js_errors()


def test_a_lesson_on_the_route_in_lesson_00_opens_in_the_same_tab(browser: Browser, voila) -> None:
    """walk19 #2: the route's lesson links are drawn as an output (so that JupyterLab opens them in a
    tab of its own); in the app view the lesson they name opens in the same tab, as from the front page."""
    import re

    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        open_voila(page, voila, "00-welcome.ipynb")
        page.get_by_role("radio", name=re.compile(r"team manager", re.I)).check()
        page.get_by_text(re.compile(r"Suggested route for a team manager", re.I)).first.wait_for(timeout=30_000)
        link = page.get_by_role("link", name=re.compile(r"^Lesson 06: "))
        link.wait_for(timeout=30_000)
        shutdown_voila_kernel(page)  # (lesson 00's; the page is left below)
        link.click()
        page.wait_for_url(re.compile(r"/voila/render/(course/)?06-action-centred"), wait_until="commit", timeout=60_000)
        assert len(context.pages) == 1, [p.url for p in context.pages]
        page.wait_for_selector("h1", timeout=60_000)
        assert "Action-centred leadership" in page.locator("h1").first.inner_text()
    finally:
        try:
            shutdown_voila_kernel(page)
        finally:
            context.close()


def test_a_glossary_link_opens_the_entry_in_a_new_tab_and_the_lesson_stays(browser: Browser, voila) -> None:
    """walk28 M2: lesson 00's link to the glossary ("community of practice") led to a bare "404: Not Found"
    in place of the lesson. It opens the glossary as a web page, at the entry, in a new tab; the lesson
    keeps its page and its kernel, and the glossary loads nothing from elsewhere."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport=VIEWPORT)
    watcher = Watcher().attach(context)
    page = context.new_page()
    try:
        open_voila(page, voila, "00-welcome.ipynb", watcher=watcher)
        lesson_url = page.url
        kernel = page.evaluate("() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
        link = page.locator('main .jp-RenderedMarkdown a[href="../docs/glossary.md#community-of-practice"]').first
        expect(link).to_be_visible()
        with context.expect_page(timeout=30_000) as opened:
            link.click()
        glossary = opened.value
        glossary.wait_for_load_state()
        text = glossary.locator("body").inner_text()
        assert "404" not in text and "Not Found" not in text, text[:200]
        assert glossary.url.endswith("#community-of-practice"), glossary.url
        entry = glossary.locator("h3#community-of-practice")
        expect(entry).to_have_text("Community of practice")
        expect(entry).to_be_in_viewport()
        assert glossary.title() == "Glossary - coplearn"
        assert glossary.evaluate("() => document.documentElement.lang") == "en-GB"
        assert glossary.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)"
                                 ".filter(n => !n.startsWith(location.origin + '/'))") == []
        summary = axe_summary(run_axe(glossary, ["body"]))
        save_axe("app-glossary", summary)
        assert not axe_failures(summary), "\n".join(axe_failures(summary))
        # the lesson is where it was, with the same kernel
        assert page.url == lesson_url
        assert page.evaluate("() => JSON.parse(document.getElementById('jupyter-config-data').textContent)"
                             ".kernelId") == kernel
        assert page.locator("h1").count() == 1
        # the glossary page's link back to the front page reaches the app's front page
        glossary.get_by_role("link", name="Back to the course's front page").click()
        glossary.wait_for_url(f"{voila.url}/")
        expect(glossary.locator("h1")).to_have_text("Leading communities of practice in social work")
        assert not watcher.unexpected_requests(), watcher.unexpected_requests()
        assert not watcher.unexpected_js_errors(), watcher.unexpected_js_errors()
    finally:
        try:
            shutdown_voila_kernel(page)
        finally:
            context.close()
