"""The app view's front page (``coplearn app`` opens ``/``): the course's own page, not Voila 0.5.13's
file list (walk18 H2: only its first item could be reached with Tab, Enter opened nothing, no links,
no headings, no ``lang``). And the lesson pages it leads to: titled by the lesson's heading, with the
lesson inside a main landmark (walk18 L4).
"""

from __future__ import annotations

from urllib.parse import unquote, urlparse

import coplearn as cl
import pytest
from lesson_table import VIEWPORT, require_lesson
from pages import VOILA_SCROLLER, Watcher, axe_failures, axe_summary, run_axe, save_axe, shutdown_voila_kernel
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.timeout(300)

LESSON = cl.lessons()[6]  # lesson 06, the team audit: where the team manager guide sends a manager
MAX_TABS = 40


@pytest.fixture
def front(browser: Browser, voila) -> Page:
    context = browser.new_context(viewport=VIEWPORT)
    watcher = Watcher().attach(context)
    page = context.new_page()
    page.goto(f"{voila.url}/")
    yield page
    assert not watcher.unexpected_requests(), watcher.unexpected_requests()
    assert not watcher.unexpected_js_errors(), watcher.unexpected_js_errors()
    context.close()


def _course_lessons(served_root) -> list:
    served = {p.name for p in (served_root / "course").glob("*.ipynb")}
    return [lesson for lesson in cl.lessons() if f"{lesson.slug}.ipynb" in served]


def test_the_front_page_lists_every_lesson_by_title_as_a_link(front: Page, served_root) -> None:
    page = front
    assert page.evaluate("() => document.documentElement.lang") == "en-GB"
    assert page.title() == "Leading communities of practice in social work – coplearn"
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_have_text("Leading communities of practice in social work")
    assert page.locator("main").count() == 1, "no main landmark"
    links = page.locator("ol.lessons a")
    lessons = _course_lessons(served_root)
    assert lessons, "no lesson in the served course"
    assert links.all_inner_texts() == [f"Lesson {lesson.number}: {lesson.title}" for lesson in lessons]
    for i, lesson in enumerate(lessons):
        link = links.nth(i)
        href = link.get_attribute("href") or ""
        assert unquote(urlparse(href).path) == f"/voila/render/{lesson.slug}.ipynb", href
        assert link.get_attribute("target") in (None, "_self"), f"{lesson.slug} opens in a new tab or window"
    start = page.get_by_role("link", name=f"Start here: lesson {lessons[0].number}, {lessons[0].title}")
    expect(start).to_have_attribute("href", f"/voila/render/{lessons[0].slug}.ipynb")


def test_axe_finds_no_problem_on_the_front_page(front: Page) -> None:
    summary = axe_summary(run_axe(front, ["body"]))
    save_axe("app-front-page", summary)
    failures = axe_failures(summary)
    assert not failures, "\n".join(failures)
    # the course's own page: not even a moderate or minor problem (Voila's had html-has-lang and region)
    assert not summary["rules"], summary["rules"]


def test_the_keyboard_alone_opens_lesson_06_in_the_same_tab(front: Page, voila, served_root) -> None:
    require_lesson(served_root, f"{LESSON.slug}.ipynb")
    page = front
    name = f"Lesson {LESSON.number}: {LESSON.title}"
    reached: list[str] = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("() => (document.activeElement.textContent || '').trim()"))
        if reached[-1] == name:
            break
    else:
        pytest.fail(f"Tab never reached '{name}'; it reached: {reached}")
    assert page.evaluate("() => document.activeElement.tagName") == "A"
    page.keyboard.press("Enter")
    try:
        page.wait_for_url(f"**/voila/render/{LESSON.slug}.ipynb*", timeout=15_000)
        assert len(page.context.pages) == 1, "the lesson opened in another tab or window"
        # Voila runs the lesson, then draws each widget as it arrives
        expect(page.locator("main .jp-OutputArea .jupyter-widgets").first).to_be_visible(timeout=90_000)
        expect(page.get_by_role("button", name="Save to my journal").first).to_be_visible(timeout=60_000)
        assert page.title() == f"{LESSON.title} – coplearn"
        assert page.evaluate("() => document.documentElement.lang") == "en-GB"
        assert page.locator("main").count() == 1, "the lesson page has no main landmark"
        outside = page.evaluate("() => Array.from(document.querySelectorAll('.jp-OutputArea, h1'))"
                                ".filter(el => !el.closest('main')).length")
        assert outside == 0, f"{outside} outputs or headings of the lesson are outside the main landmark"
        summary = axe_summary(run_axe(page, ["body"], scroller=VOILA_SCROLLER))
        save_axe(f"app-{LESSON.number}-from-front-page", summary)
        assert not axe_failures(summary), "\n".join(axe_failures(summary))
        assert "region" not in summary["rules"], summary["rules"]["region"]
        page.go_back()
        page.wait_for_url(f"{voila.url}/")
    finally:
        if "/voila/render/" in page.url:
            shutdown_voila_kernel(page)
    expect(page.locator("h1")).to_have_text("Leading communities of practice in social work")
