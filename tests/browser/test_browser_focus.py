"""walk28 M1: a save or score button pressed from the keyboard keeps the keyboard focus.

The buttons that wait for typing to settle (``Composite.once_typed``: "Save to my journal", "Score the
audit", "Save the results to my journal", "Save changes to this entry") were disabled while they waited,
and a focused element that becomes disabled gives the focus to the page body: the next Tab started again
from the top of the page (JupyterLab: the link after the box; the app: the first control), and a screen
reader lost its place. Here the learner types a reflection, tabs to "Save to my journal" and presses
Enter at once (before the last words have reached the kernel, as a quick typist does): the focus must
stay on the button the whole time, and the whole reflection must be saved, once.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from lesson_table import VIEWPORT, require_lesson
from pages import SCREENSHOTS, LabNotebook, Watcher, open_voila, shutdown_voila_kernel
from playwright.sync_api import Browser, Locator, Page
from servers import shutdown_kernels

pytestmark = pytest.mark.timeout(300)

LESSON = "00-welcome.ipynb"

#: What has the keyboard focus: the button's words, or what else (the page body, another control).
_FOCUS = """() => { const el = document.activeElement;
  if (!el || el === document.body) return 'the page body';
  return el.tagName.toLowerCase() + ': ' + (el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 80); }"""

#: Whether the focused element is said to be unavailable (a button waiting to act on its press).
_UNAVAILABLE = "() => !!document.activeElement && document.activeElement.getAttribute('aria-disabled') === 'true'"


def _watch_the_focus(page: Page, button: str, done: Locator, what: str) -> list[tuple[float, str, bool]]:
    """Press Enter on the focused ``button``, and note what has the focus (and whether it is said to be
    unavailable) every 50 ms until ``done`` shows, and for half a second after."""
    assert page.evaluate(_FOCUS) == f"button: {button}", f"{what}: the focus is not on {button!r}"
    page.keyboard.press("Enter")
    seen: list[tuple[float, str, bool]] = []
    t0 = time.monotonic()
    while time.monotonic() - t0 < 30:
        seen.append((round(time.monotonic() - t0, 2), page.evaluate(_FOCUS), page.evaluate(_UNAVAILABLE)))
        if done.count() and time.monotonic() - t0 > 1.5:
            break
        time.sleep(0.05)
    for _ in range(10):
        seen.append((round(time.monotonic() - t0, 2), page.evaluate(_FOCUS), page.evaluate(_UNAVAILABLE)))
        time.sleep(0.05)
    lost = [(t, f) for t, f, _ in seen if f != f"button: {button}"]
    if lost or not done.count():
        page.screenshot(path=str(SCREENSHOTS / f"focus-after-{what}.png"), full_page=False)
    assert done.count(), f"{what}: nothing showed that {button!r} acted after Enter"
    assert not lost, f"{what}: the focus left {button!r} after Enter: {lost[:5]} (of {len(seen)} looks)"
    # while it waited, the button was said to be unavailable; once done, it is available again
    assert any(waiting for _, _, waiting in seen), f"{what}: {button!r} was never marked aria-disabled while waiting"
    assert not seen[-1][2], f"{what}: {button!r} is still marked aria-disabled after acting"
    return seen


def _entries(journal: Path) -> list[dict]:
    return json.loads(journal.read_text(encoding="utf-8"))["entries"] if journal.exists() else []


def _press_enter_and_watch_the_focus(page: Page, scope: Locator, journal: Path, what: str) -> None:
    words = f"Focus test {uuid.uuid4().hex[:8]}: our duty team learns most when we talk a case through together."
    box = scope.get_by_role("textbox", name="What I learned or noticed").first
    box.scroll_into_view_if_needed()
    box.focus()
    page.keyboard.type(words, delay=5)
    page.keyboard.press("Tab")  # to "What I will do differently in practice"
    page.keyboard.press("Tab")  # to "Save to my journal"
    assert page.evaluate(_FOCUS) == "button: Save to my journal", f"{what}: Tab did not reach the button"
    _watch_the_focus(page, "Save to my journal", scope.get_by_text("Saved to your journal"), f"save-{what}")
    mine = [e for e in _entries(journal) if words.split(":")[0] in e.get("learning", "")]
    assert [e["learning"] for e in mine] == [words], f"{what}: the reflection was not saved whole, once: {mine}"
    # and the next Tab goes on from the button (to the next stop after it), not from the top of the page
    page.keyboard.press("Shift+Tab")
    assert "What I will do differently" in page.evaluate(
        "() => { const el = document.activeElement; return (el.labels && el.labels[0] ? el.labels[0].textContent : '') }"), \
        f"{what}: Shift+Tab from the button did not go back to the box before it"


@pytest.fixture
def lab_lesson(browser: Browser, lab, served_root) -> Iterator[LabNotebook]:
    require_lesson(served_root, LESSON)
    context = browser.new_context(viewport=VIEWPORT)
    Watcher().attach(context)
    try:
        nb = LabNotebook(context.new_page(), lab, f"course/{LESSON}").open()
        nb.run_all()
        nb.outputs.get_by_role("button", name="Save to my journal").first.wait_for(timeout=30_000)
        yield nb
    finally:
        context.close()
        shutdown_kernels(lab)


def test_save_to_my_journal_keeps_the_focus_in_jupyterlab(lab_lesson: LabNotebook, lab) -> None:
    _press_enter_and_watch_the_focus(lab_lesson.page, lab_lesson.outputs, lab.extra["journal"], "lab")


@pytest.fixture
def app_lesson(browser: Browser, voila, served_root) -> Iterator[Page]:
    require_lesson(served_root, LESSON)
    context = browser.new_context(viewport=VIEWPORT)
    Watcher().attach(context)
    page = context.new_page()
    try:
        open_voila(page, voila, LESSON)
        page.get_by_role("button", name="Save to my journal").first.wait_for(timeout=30_000)
        yield page
    finally:
        shutdown_voila_kernel(page)
        context.close()


def test_save_to_my_journal_keeps_the_focus_in_the_app(app_lesson: Page, voila) -> None:
    journal = Path(voila.log.parent / "voila" / "journal.json")
    _press_enter_and_watch_the_focus(app_lesson, app_lesson.locator("body"), journal, "app")


def test_score_the_audit_keeps_the_focus_in_the_app(browser: Browser, voila, served_root) -> None:
    """The walk's own case in the app: Enter on "Score the audit" in lesson 06 left the focus nowhere."""
    lesson = "06-action-centred-leadership-and-the-team-audit.ipynb"
    require_lesson(served_root, lesson)
    context = browser.new_context(viewport=VIEWPORT)
    Watcher().attach(context)
    page = context.new_page()
    try:
        open_voila(page, voila, lesson)
        rating = page.get_by_role("combobox", name="K1 rating")
        rating.wait_for(timeout=30_000)
        # (a rating other than any kept from earlier in the session: a score shown from kept answers then
        # gives way to "You have changed your answers since the audit was scored")
        rating.select_option(index=2 if rating.evaluate("s => s.selectedIndex") != 2 else 3)
        scored = page.get_by_text("Scored.")
        deadline = time.monotonic() + 20
        while scored.count() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not scored.count(), "the audit still shows an earlier score after an answer was changed"
        button = page.get_by_role("button", name="Score the audit")
        button.scroll_into_view_if_needed()
        button.focus()
        _watch_the_focus(page, "Score the audit", scored.first, "score-app")
    finally:
        shutdown_voila_kernel(page)
        context.close()
