"""The browser edition in a real Chromium, served on 127.0.0.1, with every other origin blocked.

One browser context for the whole module, so that the journal and the browser's storage carry from
one page to the next as for a returning learner. (The origin guard routes every request through
Playwright, which turns the browser's HTTP cache off: every page here loads its files from the
server. ``scripts/bench_site.py`` measures a cached second visit.) Every lesson must run by itself when opened, show no error,
respond to the same learner action as in JupyterLab (tests/browser/interactions.py), give every
chart a text alternative, and pass axe with no serious or critical finding in the course's own
output. The journal must survive a closed tab and be exported and downloaded. No request may
leave the site's own origin.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from coplearn.site import REPO
from coplearn.site.pages import lessons
from interactions import interaction_for, perform
from pages import axe_failures, axe_summary, check_text_alternatives, run_axe, save_axe
from sitehelpers import (STATE, OriginGuard, evaluate_through_reloads, lesson_url, notebook, open_lesson,
                         wait_for_every_cell, widget_errors)

pytestmark = pytest.mark.timeout(600)

LESSONS = lessons(REPO / "course")
VIEWPORT = {"width": 1280, "height": 900}
TIMINGS: dict[str, dict[str, float]] = {}
#: What the kernel's worker said about its start (coplearn/site/snapshot.py), from every page.
KERNEL_STARTS: list[str] = []


@pytest.fixture(scope="module")
def guard(site_server) -> OriginGuard:
    return OriginGuard(site_server.url)


@pytest.fixture(scope="module")
def context(browser: Browser, guard: OriginGuard) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    guard.attach(ctx)
    ctx.on("console", lambda msg: KERNEL_STARTS.append(msg.text) if msg.text.startswith("coplearn:") else None)
    yield ctx
    ctx.close()


def test_landing_page_is_plain_and_accessible(context, site_server):
    page = context.new_page()
    page.goto(site_server.url + "/")
    assert page.title().startswith("Leading communities of practice")
    start = page.get_by_role("link", name=re.compile(r"^Start here"))
    assert start.get_attribute("href").endswith("path=course/00-welcome.ipynb")
    assert page.locator("ol.lessons li").count() == len(LESSONS)
    assert "in this web browser, on this device" in page.inner_text("main")
    summary = axe_summary(run_axe(page, ["main"]))
    save_axe("site-landing", summary)
    assert not axe_failures(summary)
    # while the learner reads, the page fetches the lessons' Python from this site (the guard
    # would count anything from elsewhere), says so, and every file arrives
    assert "already fetches the Python that the lessons" in page.inner_text("#prefetch-note")
    page.wait_for_function("() => (document.documentElement.getAttribute('data-coplearn-prefetch') || '')"
                           ".startsWith('done')", timeout=120_000)
    wanted = len(page.evaluate("() => JSON.parse(document.getElementById('coplearn-prefetch-list').textContent)"))
    assert page.evaluate("() => document.documentElement.getAttribute('data-coplearn-prefetch')") \
        == f"done {wanted} of {wanted}"
    # the page checked that the browser lets the site keep data, asked for lasting storage, and so
    # shows no warning
    page.wait_for_function("() => document.documentElement.getAttribute('data-coplearn-storage') === 'ok'")
    page.wait_for_function("() => document.documentElement.hasAttribute('data-coplearn-persisted')")
    assert page.locator("#storage-warning").is_hidden()
    page.close()


#: IndexedDB refused, as a browser with site data blocked refuses it
BLOCK_STORAGE = ("Object.defineProperty(window, 'indexedDB', {get() { throw new DOMException("
                 "'The user denied permission to access the database.', 'SecurityError'); }});")


def _storage_refused(page, url: str) -> None:
    """Open ``url`` in a browser that keeps nothing, and wait until the page's own check says so."""
    page.add_init_script(BLOCK_STORAGE)
    page.goto(url)
    page.wait_for_function("() => (document.documentElement.getAttribute('data-coplearn-storage') || '')"
                           ".startsWith('refused')")


def test_the_landing_page_warns_when_the_browser_keeps_nothing(context, site_server):
    """Reach review 8 R5: with site data blocked (a setting, or a managed computer) a lesson failed
    with "No available storage method found"; the landing page, which still loads, now says so
    plainly. The browser's refusal is simulated: IndexedDB throws, as it does when blocked."""
    page = context.new_page()
    try:
        _storage_refused(page, site_server.url + "/")
        warning = page.get_by_role("alert")
        expect(warning).to_be_visible()
        assert "not letting the course keep anything" in warning.inner_text()
    finally:
        page.close()


def test_a_lesson_opened_from_a_link_says_when_the_browser_keeps_nothing(context, site_server):
    """Reach 12 W4, W12: a lesson opened from a bookmark or a tutor's link, with site data blocked,
    showed only JupyterLite's "No available storage method found"; it now says why in plain words."""
    page = context.new_page()
    try:
        _storage_refused(page, site_server.url + "/notebooks/index.html?path=course/00-welcome.ipynb")
        warning = page.locator("#coplearn-storage-warning")
        expect(warning).to_be_visible()
        assert warning.get_attribute("role") == "alert"
        assert "this lesson cannot open here" in warning.inner_text()
    finally:
        page.close()


def test_a_full_storage_is_said_in_plain_words_on_the_front_page_and_in_a_lesson(browser, guard, site_server):
    """Walk23 H1: with the browser's storage for the site full, the front page said nothing (opening a
    database writes nothing, so the check passed), and a lesson showed JupyterLite's empty "File Load
    Error" with "check your internet connection" below it. Storage is made full as Chromium's DevTools
    allow (a quota of 1 byte for the site, in a context of its own), which takes effect after a moment."""
    ctx = browser.new_context(viewport=VIEWPORT)
    guard.attach(ctx)
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    mark = "() => document.documentElement.getAttribute('data-coplearn-storage') || ''"
    try:
        page.goto(site_server.url + "/")
        page.wait_for_function(f"() => ({mark})() !== ''")
        assert page.evaluate(mark) == "ok"
        cdp.send("Storage.overrideQuotaForOrigin", {"origin": site_server.url, "quotaSize": 1})
        deadline = time.monotonic() + 120
        while True:  # (the override takes effect after a moment: the page's own check says when)
            page.reload()
            page.wait_for_function(f"() => ({mark})() !== ''", timeout=30_000)
            found = page.evaluate(mark)
            if found.startswith("full"):
                break
            assert found == "ok" and time.monotonic() < deadline, f"the front page's check found {found!r}"
            time.sleep(2)
        assert found == "full: QuotaExceededError"
        warning = page.locator("#storage-full-warning")
        expect(warning).to_be_visible()
        assert warning.get_attribute("role") == "alert"
        said = " ".join(warning.inner_text().split())
        for words in ("no room left to keep the course's files", "storage for this site is full",
                      "Your journal is still there", "another browser or computer", "my-journal/journal.json"):
            assert words in said, words
        assert page.locator("#storage-warning").is_hidden()
        # the lesson says so at once, then in stronger words once it has failed to load, and never
        # "still starting ... check your internet connection" (its wait shortened here)
        page.add_init_script("window.COPLEARN_SLOW_START_MS = 1000;")
        page.goto(lesson_url(site_server.url, LESSONS[0].slug))
        top = page.locator("#coplearn-storage-warning")
        expect(top).to_contain_text("no room left to keep the course's files", timeout=60_000)
        assert top.get_attribute("role") == "alert"
        assert "Your journal is still there" in top.inner_text()
        page.wait_for_function("() => document.documentElement.hasAttribute('data-coplearn-load-failed')",
                               timeout=120_000)
        expect(top).to_contain_text("so this lesson cannot open here")
        time.sleep(2)  # (past the shortened wait for "still starting")
        assert page.locator("#coplearn-start-status").count() == 0
        assert page.evaluate(mark).startswith("full")
        top.get_by_role("button", name="Hide this message").click()
        expect(top).to_have_count(0)
    finally:
        cdp.send("Storage.overrideQuotaForOrigin", {"origin": site_server.url})
        ctx.close()


#: An old check database, as an earlier site's check left it when its deleteDatabase never ran:
#: version 1, with no "check" store (check23 #6)
OLD_CHECK_DATABASE = """() => new Promise((resolve, reject) => {
  const gone = indexedDB.deleteDatabase('coplearn-storage-check');
  gone.onsuccess = gone.onerror = () => {
    const made = indexedDB.open('coplearn-storage-check');
    made.onsuccess = () => { const db = made.result; resolve([db.version, db.objectStoreNames.length]); db.close(); };
    made.onerror = () => reject(made.error);
  };
})"""
#: The check's write refused for a reason other than room (a damaged store, say)
REFUSE_CHECK_WRITE = """(() => {
  const transaction = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function () {
    if (this.name === 'coplearn-storage-check') { throw new DOMException('not now', 'InvalidStateError'); }
    return transaction.apply(this, arguments);
  };
})();"""


def test_the_storage_checks_say_full_only_when_the_browser_says_there_is_no_room(context, site_server):
    """check23 #6: both storage checks said "full" (free some space) for any refused write: a check
    database left at version 1 without its store by an earlier site (NotFoundError), or a damaged
    store. The old database is now upgraded (the check passes), and a refusal not named
    QuotaExceededError is said as a refusal."""
    mark = "() => document.documentElement.getAttribute('data-coplearn-storage') || ''"
    landing, lesson = site_server.url + "/", lesson_url(site_server.url, LESSONS[0].slug)
    page = context.new_page()
    try:
        page.goto(landing)
        page.wait_for_function(f"() => ({mark})() !== ''")
        for url in (lesson, landing):
            assert page.evaluate(OLD_CHECK_DATABASE) == [1, 0]
            page.goto(url)
            page.wait_for_function(f"() => ({mark})() !== ''", timeout=60_000)
            assert page.evaluate(mark) == "ok", url
    finally:
        page.close()
    page = context.new_page()
    try:
        page.add_init_script(REFUSE_CHECK_WRITE)
        page.goto(landing)
        page.wait_for_function(f"() => ({mark})() !== ''")
        assert page.evaluate(mark) == "refused: InvalidStateError"
        assert page.locator("#storage-full-warning").is_hidden()
        expect(page.locator("#storage-warning")).to_be_visible()
        page.goto(lesson)
        page.wait_for_function(f"() => ({mark})() !== ''", timeout=60_000)
        assert page.evaluate(mark) == "refused: InvalidStateError"
        top = page.locator("#coplearn-storage-warning")
        expect(top).to_be_visible()
        assert top.get_attribute("data-coplearn-kind") == "refused"
        assert "no room left" not in top.inner_text()
    finally:
        page.close()


#: Once the lesson's notebook has loaded (its Python session started) and before its first run has
#: finished, a QuotaExceededError is logged and one is left unhandled, as autosave or JupyterLab's
#: state database may do with the storage full (check23 #5); half a second later than the session,
#: as the page's own look comes every 0.1 s.
QUOTA_WHILE_OPEN = """(() => {
  const look = setInterval(() => {
    const app = window.jupyterapp, w = app && app.shell && app.shell.currentWidget;
    if (!(w && w.sessionContext && w.sessionContext.session)) return;
    clearInterval(look);
    setTimeout(() => {
      const root = document.documentElement;
      window.coplearnQuotaFired = root.hasAttribute('data-coplearn-runs') ? 'after the first run' : 'before it';
      const error = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      console.error('Failed to save the workspace', error);
      Promise.reject(error);
    }, 500);
  }, 20);
})();"""


def test_a_quota_error_once_the_lesson_is_open_is_not_said_as_a_lesson_that_cannot_open(context, site_server):
    """check23 #5: a QuotaExceededError logged while the lesson ran for the first time (it can take
    minutes on a slow computer) made the page say "this lesson cannot open here" over a lesson that was
    open and running. Only one before the notebook has loaded is now taken for the lesson failing."""
    page = context.new_page()
    try:
        page.add_init_script(QUOTA_WHILE_OPEN)
        page.goto(lesson_url(site_server.url, LESSONS[1].slug))
        page.wait_for_function("() => document.documentElement.getAttribute('data-coplearn-ran') === 'yes'",
                               timeout=240_000)
        assert page.evaluate("() => window.coplearnQuotaFired") == "before it"
        assert not page.evaluate("() => document.documentElement.hasAttribute('data-coplearn-load-failed')")
        assert page.locator("#coplearn-storage-warning").count() == 0
        assert page.evaluate("() => document.documentElement.getAttribute('data-coplearn-opened')") == "yes"
    finally:
        page.close()


def test_a_slow_start_and_a_dropped_connection_are_said_in_plain_words(context, site_server):
    """Reach 12 W1: a connection that dropped while Python downloaded left the page stuck with no word
    of why. The waits are shortened here (the lesson's own are 30 s and 10 min)."""
    page = context.new_page()
    try:
        page.add_init_script("window.COPLEARN_SLOW_START_MS = 300;")
        page.goto(lesson_url(site_server.url, LESSONS[1].slug))
        status = page.locator("#coplearn-start-status")
        expect(status).to_contain_text("The lesson is still getting ready: Python is still starting", timeout=30_000)
        assert status.get_attribute("role") == "status"
        page.wait_for_function("() => document.documentElement.getAttribute('data-coplearn-ran') === 'yes'",
                               timeout=240_000)
        expect(status).to_have_count(0)  # gone once the lesson runs
    finally:
        page.close()
    page = context.new_page()
    try:
        page.add_init_script("window.COPLEARN_GIVE_UP_MS = 4000;")
        page.goto(lesson_url(site_server.url, LESSONS[1].slug))
        context.set_offline(True)
        status = page.locator("#coplearn-start-status")
        expect(status).to_contain_text("connection dropped while the lesson was loading", timeout=10_000)
        context.set_offline(False)
        expect(status).to_contain_text("Your connection is back", timeout=10_000)
        expect(status).to_contain_text("Python has not started", timeout=30_000)
        assert status.get_attribute("role") == "alert"
    finally:
        context.set_offline(False)
        page.close()


def test_a_browser_without_the_file_helper_is_told_so(browser, browser_type, browser_type_launch_args, site_server):
    """Reach 12 W5: the site gives Python its files through a service worker. A browser with none (a
    site opened over plain http from another computer, here a name mapped to this machine; Firefox's
    private windows) runs the lessons but cannot save, and nothing said so; a browser that refuses the
    one the site registers (Playwright's "block", as a policy might) never started Python, silently."""
    port = site_server.url.rsplit(":", 1)[1]
    args = dict(browser_type_launch_args)
    args["args"] = [*args.get("args", []), "--host-resolver-rules=MAP coplearn-lan.test 127.0.0.1"]
    other = browser_type.launch(**args)
    try:
        ctx = other.new_context(viewport=VIEWPORT)
        OriginGuard(f"http://coplearn-lan.test:{port}").attach(ctx)
        page = ctx.new_page()
        page.goto(f"http://coplearn-lan.test:{port}/notebooks/index.html?path=course/{LESSONS[1].slug}.ipynb")
        assert page.evaluate("window.isSecureContext") is False
        status = page.locator("#coplearn-start-status")
        expect(status).to_contain_text("your journal and answers cannot be saved here", timeout=30_000)
        assert status.get_attribute("role") == "alert"
        page.wait_for_function("() => document.documentElement.getAttribute('data-coplearn-ran') === 'yes'",
                               timeout=240_000)
        expect(status).to_contain_text("cannot be saved here")  # still there once the lesson has run
        # it lies over the foot of the lesson: once read, it can be put away (from the keyboard too)
        status.get_by_role("button", name="Hide this message").focus()
        page.keyboard.press("Enter")
        expect(status).to_have_count(0)
    finally:
        other.close()
    ctx = browser.new_context(viewport=VIEWPORT, service_workers="block")
    OriginGuard(site_server.url).attach(ctx)
    ctx.add_init_script("window.COPLEARN_FILE_HELPER_MS = 3000;")
    page = ctx.new_page()
    try:
        page.goto(lesson_url(site_server.url, LESSONS[1].slug))
        status = page.locator("#coplearn-start-status")
        expect(status).to_contain_text("file helper (a service worker) has not started", timeout=30_000)
        assert status.get_attribute("role") == "alert"
        assert page.evaluate("document.documentElement.getAttribute('data-coplearn-files')") == "refused: not started"
    finally:
        ctx.close()


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.number for lesson in LESSONS])
def test_lesson_runs_by_itself_responds_and_is_accessible(context, site_server, lesson):
    page = context.new_page()
    try:
        TIMINGS[lesson.number] = open_lesson(page, site_server.url, lesson.slug)
        state = page.evaluate(STATE)
        assert not state["errors"], f"lesson {lesson.number} raised: {state['errors'][0]}"
        assert all(c is not None for c in state["counts"]), f"cells left unexecuted: {state['counts']}"
        # every cell is drawn (below the first screen, once the page is idle), and no activity is
        # squeezed into a small scrolling box (the Notebook page's automatic output scrolling)
        layout = wait_for_every_cell(page)
        assert not layout["squeezed"], f"cells {layout['squeezed']} show their outputs in a scrolling box"
        scope = notebook(page)
        assert not widget_errors(page), widget_errors(page)
        assert scope.locator(".jupyter-widgets").count() > 0
        # where the browser keeps data, the lesson's own storage check says so and shows no warning
        assert page.evaluate("document.documentElement.getAttribute('data-coplearn-storage')") == "ok"
        assert page.locator("#coplearn-storage-warning").count() == 0
        # the site's file helper (its service worker) serves the lesson, and no status line is left
        assert page.evaluate("document.documentElement.getAttribute('data-coplearn-files')") == "ok"
        assert page.locator("#coplearn-start-status").count() == 0
        # the tab is named after the lesson (the site named every page "coplearn": reach 11)
        heading = scope.locator(".jp-RenderedMarkdown h1").first.inner_text().replace("\u00b6", "").strip()
        page.wait_for_function("t => document.title === t", arg=f"{heading} \u2013 coplearn", timeout=10_000)
        check_text_alternatives(page, ".jp-Notebook")
        perform(page, scope, interaction_for(lesson.number), timeout=30)
        if lesson.number == "06":
            # the example survey ships in the site beside the lessons (/drive/examples): its button
            # works here too (it was greyed out: the package is installed apart from the course)
            example = scope.get_by_role("button", name="Try the example survey")
            assert example.is_enabled()
            example.click()
            scope.get_by_text("8 respondents").first.wait_for(timeout=60_000)
        summary = axe_summary(run_axe(page, [".jp-Notebook .jp-OutputArea"],
                                      scroller=".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer"))
        save_axe(f"site-{lesson.number}", summary)
        assert not axe_failures(summary), axe_failures(summary)
    finally:
        page.close()


def test_a_lesson_runs_by_itself_in_two_tabs_after_a_reload_and_after_a_kernel_restart(context, site_server):
    slug = LESSONS[1].slug
    first, second = context.new_page(), context.new_page()
    try:
        open_lesson(first, site_server.url, slug)
        open_lesson(second, site_server.url, slug)  # the same lesson open twice: each tab runs its own
        open_lesson(first, site_server.url, slug)  # a reload (the same address again) runs it again
        for page in (first, second):
            state = page.evaluate(STATE)
            assert not state["errors"] and all(c is not None for c in state["counts"]), state
            assert page.evaluate("() => document.documentElement.getAttribute('data-coplearn-runs')") == "1"
            # shown as an app: no collapsed-code placeholders, no execution prompts
            assert page.evaluate("() => document.body.classList.contains('coplearn-lesson')")
            assert notebook(page).locator(".jp-InputPlaceholder").first.is_hidden()
        # a kernel restart (Kernel menu) runs the lesson again, with a fresh kernel
        first.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.restart()")
        first.wait_for_function("() => document.documentElement.getAttribute('data-coplearn-runs') === '2'",
                                timeout=240_000)
        state = first.evaluate(STATE)
        assert not state["errors"] and all(c is not None for c in state["counts"]), state
        assert max(state["counts"]) == len(state["counts"]), state["counts"]  # each cell ran once, not twice
        perform(first, notebook(first), interaction_for(LESSONS[1].number), timeout=30)
        # time.sleep works in a kernel started from the prepared kernel (the journal's lock uses it)
        reply = first.evaluate("""async () => {
            const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
            const r = await k.requestExecute({code: 'import time; time.sleep(0.05); print("slept")'}).done;
            return r.content.status; }""")
        assert reply == "ok", reply
    finally:
        first.close()
        second.close()


def test_two_tabs_saving_to_the_journal_at_once_both_save(browser, guard, site_server):
    """Two lessons open in two tabs, each saving a reflection at the same moment: both say they saved
    within seconds and the journal holds both (walk16 F13: the second tab's Python asked the page about
    the lock file the first had just removed, the page never answered, and the tab stayed busy,
    silent, for good; coplearn/site/offline.py, ``_forget_cached`` in coplearn/core/atomic.py)."""
    ctx = browser.new_context(viewport=VIEWPORT)  # a journal of its own
    guard.attach(ctx)
    failed: list[str] = []
    ctx.on("console", lambda msg: failed.append(msg.text) if "a file request failed" in msg.text else None)
    try:
        tabs = {"01-a-profession-under-pressure": ctx.new_page(),
                "02-learning-organisations-and-communities-of-practice": ctx.new_page()}
        for slug, page in tabs.items():
            open_lesson(page, site_server.url, slug)
            notebook(page).get_by_role("textbox", name="What I learned or noticed").first.fill(f"Written in {slug}.")
        buttons = [notebook(page).get_by_role("button", name="Save to my journal").first.element_handle()
                   for page in tabs.values()]
        for page, button in zip(tabs.values(), buttons):  # as close together as two tabs allow
            page.evaluate("b => b.click()", button)
        saved = re.compile(r"Saved to your journal at my-journal/journal\.json \(in this browser\)")
        started = time.monotonic()
        for page in tabs.values():
            # well under the journal lock's 30 s and the worker's 20 s for an unanswered request
            notebook(page).get_by_text(saved).first.wait_for(timeout=15_000)
        print(f"both tabs saved in {time.monotonic() - started:.1f} s; failed file requests answered: {len(failed)}")
        page = tabs["01-a-profession-under-pressure"]
        open_lesson(page, site_server.url, "00-welcome")  # the lesson that shows the journal
        notebook(page).get_by_role("button", name="Check my journal").first.click()
        notebook(page).get_by_text(re.compile(r"It has 2 entries")).wait_for(timeout=30_000)
        for page in tabs.values():
            assert not page.evaluate(STATE)["errors"], page.evaluate(STATE)["errors"]
        # The page's answer to a failed file request (check 17 F4), step by step: tab A makes a file
        # (its Python then remembers the name), tab B deletes it, and A asks about it again. The page
        # fails to find it and must say so (404: "no such file"); JupyterLite's page said nothing, and
        # A's Python waited for ever (the worker's own limit would answer after 20 s, as an error).
        first, second = tabs.values()
        probe = "/drive/check17-probe.txt"
        assert _run_python(first, f"open({probe!r}, 'w').write('x'); import os; print(os.stat({probe!r}).st_size)") == "1"
        assert _run_python(second, f"import os; os.remove({probe!r}); print('removed')") == "removed"
        started = time.monotonic()
        said = _run_python(first, f"""import os
try:
    os.stat({probe!r}); print("still there")
except FileNotFoundError:
    print("gone")""")
        took = time.monotonic() - started
        assert said == "gone" and took < 10, (said, took)
        assert failed, "the page did not report the failed request"
    finally:
        ctx.close()


def _run_python(page, code: str) -> str:
    """Run ``code`` in the lesson's Python and return what it printed (or the error's name)."""
    return page.evaluate("""async (code) => {
        const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
        const f = k.requestExecute({code, silent: false, store_history: false});
        let out = "";
        f.onIOPub = (msg) => {
          if (msg.header.msg_type === "stream") out += msg.content.text;
          if (msg.header.msg_type === "error") out += msg.content.ename;
        };
        await f.done;
        return out.trim();
    }""", code)


#: Where the learner is reading: the scroller's position and the first paragraph in view, and its offset.
#: Where the learner is reading, as the next frame will show it: read in an animation-frame callback,
#: which runs after the frame's scroll events (the page's own handler puts a scroll made by Run All back
#: there). Read at any other moment, it once caught a scroll in the instant before that handler ran
#: (ci-s55: scrollTop 2484 once, between readings of 1500), which no learner sees.
READING = """() => new Promise(resolve => requestAnimationFrame(() => {
  const sc = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer');
  if (!sc) { resolve(null); return; }
  const top = sc.getBoundingClientRect().top;
  const p = Array.from(document.querySelectorAll('.jp-RenderedMarkdown p')).find(e => e.getBoundingClientRect().top >= top);
  resolve({scrollTop: Math.round(sc.scrollTop), text: p ? p.textContent.slice(0, 60) : null,
           y: p ? Math.round(p.getBoundingClientRect().top - top) : null,
           ran: document.documentElement.getAttribute('data-coplearn-ran') === 'yes'});
}))"""


def test_next_lesson_and_front_page_links_open_in_the_same_tab(context, site_server):
    """walk16 F18: "Next: lesson 05 ..." was bold text, and JupyterLite opens a lesson's links in new tabs
    (each open lesson runs its own Python). The next lesson and the
    course's front page now open in the same tab."""
    page = context.new_page()
    try:
        open_lesson(page, site_server.url, LESSONS[4].slug)
        before = len(context.pages)
        link = notebook(page).get_by_role("link", name=re.compile(r"^lesson 05, "))
        link.scroll_into_view_if_needed()
        link.click()
        page.wait_for_url(re.compile(r"path=course/05-"), timeout=60_000)
        assert len(context.pages) == before, [p.url for p in context.pages]
        open_lesson(page, site_server.url, LESSONS[5].slug)  # and it runs (open_lesson goes to it again)
        notebook(page).get_by_role("link", name="course's front page").click()
        page.wait_for_url(site_server.url + "/index.html", timeout=60_000)
        assert len(context.pages) == before
    finally:
        page.close()


def test_a_lesson_on_the_route_in_lesson_00_opens_in_the_same_tab(context, site_server):
    """walk18 M5: the team manager's route in lesson 00 named its lessons only as file paths; each is
    now a link, which opens the lesson in the same tab (an activity's link would otherwise lead to a
    page JupyterLite does not have)."""
    page = context.new_page()
    try:
        open_lesson(page, site_server.url, LESSONS[0].slug)
        before = len(context.pages)
        scope = notebook(page)
        scope.get_by_role("radio", name=re.compile(r"team manager", re.I)).check()
        # (the route's table is drawn again when the route changes: wait for the team manager's; click
        # scrolls to the link itself and waits while it is replaced)
        scope.get_by_text(re.compile(r"Suggested route for a team manager", re.I)).first.wait_for(timeout=60_000)
        link = scope.get_by_role("link", name=re.compile(r"^Lesson 06: "))
        link.wait_for(timeout=60_000)
        link.click()
        page.wait_for_url(re.compile(r"path=course/06-"), timeout=60_000)
        assert len(context.pages) == before, [p.url for p in context.pages]
    finally:
        page.close()


def test_the_page_stays_where_the_learner_is_reading_while_the_lesson_runs(context, site_server):
    """Reach 12 W8: a learner who had scrolled down to read while Python started saw the page follow
    the running cells down to the end and jump back (scrollTop 1500, 2461, 4229, 5717, 1500 over three
    seconds in lesson 03). Now the page stays where they put it for the whole run."""
    page = context.new_page()
    try:
        page.goto(lesson_url(site_server.url, LESSONS[3].slug))
        page.wait_for_selector(".jp-NotebookPanel .jp-WindowedPanel-outer .jp-RenderedMarkdown p", timeout=120_000)
        page.mouse.move(640, 500)
        page.mouse.wheel(0, 1500)
        page.wait_for_timeout(1200)  # (past the moment a scroll counts as the learner's own)
        start = page.evaluate(READING)
        assert start and not start["ran"] and start["scrollTop"] > 500, start  # scrolled, before the run
        seen, deadline = [], time.monotonic() + 240
        while time.monotonic() < deadline:
            now = evaluate_through_reloads(page, READING)
            if now:
                seen.append(now)
                if now["ran"]:
                    break
            time.sleep(0.1)
        assert seen and seen[-1]["ran"], seen[-3:]
        # (moved and still there at the next reading, a tenth of a second later: not a single frame's
        # scroll that the page's own handler put back, which no learner sees as a move)
        off = [abs(r["scrollTop"] - start["scrollTop"]) > 2 for r in seen]
        moved = [seen[i] for i in range(len(seen) - 1) if off[i] and off[i + 1]] + ([seen[-1]] if off[-1] else [])
        assert not moved, f"the page moved while the lesson ran: {moved[:5]} (from {start})"
        assert seen[-1]["text"] == start["text"], (start, seen[-1])
    finally:
        page.close()

def test_a_lesson_is_never_saved_into_the_browser(context, site_server):
    """Review 12b B9: the browser note's fallback (Run All by hand), Ctrl+S or autosave kept a lesson's
    outputs in the browser's storage, and the lesson reopened with stale activities."""
    lesson = LESSONS[2]
    page = context.new_page()
    try:
        open_lesson(page, site_server.url, lesson.slug)
        # (walk23 L6: JupyterLite's "Clear Browser Data", one click from Download in the file list, deleted
        # the journal: the site leaves that command out)
        assert page.evaluate("() => window.jupyterapp.commands.hasCommand('application:clear-browser-data')") is False
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")  # by hand
        page.wait_for_function("""() => { const w = window.jupyterapp.shell.currentWidget;
            const k = w.sessionContext.session.kernel;
            const cells = w.content.widgets.filter(c => c.model.type === 'code');
            return k.status === 'idle' && cells.every(c => c.model.executionCount !== null)
                && Math.max(...cells.map(c => c.model.executionCount)) >= 2 * cells.length; }""",
                               timeout=120_000)
        page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
        page.wait_for_function("() => document.documentElement.getAttribute('data-coplearn-not-saved') !== null",
                               timeout=30_000)
        kept = page.evaluate("""async p => { const m = await window.jupyterapp.serviceManager.contents.get(p, {content: true});
            return m.content.cells.filter(c => c.cell_type === 'code' && c.outputs.length).length; }""",
                             f"course/{lesson.slug}.ipynb")
        assert kept == 0, f"{kept} cells of the lesson were saved with their outputs"
    finally:
        page.close()


def test_journal_survives_a_closed_tab_and_is_exported_and_downloaded(context, site_server):
    words = "Peer discussion in the duty team surfaced a risk sooner than supervision did."
    page = context.new_page()
    open_lesson(page, site_server.url, "00-welcome")
    scope = notebook(page)
    scope.get_by_role("textbox", name="What I learned or noticed").first.fill(words)
    scope.get_by_role("button", name="Save to my journal").first.click()
    scope.get_by_text(re.compile(r"Saved to your journal at my-journal/journal\.json \(in this browser\)")).wait_for(timeout=30_000)
    page.close()  # the tab is closed

    page = context.new_page()
    open_lesson(page, site_server.url, "00-welcome")
    assert not page.evaluate(STATE)["errors"], page.evaluate(STATE)["errors"]
    scope = notebook(page)
    scope.get_by_role("button", name="Check my journal").click()
    scope.get_by_text(re.compile(r"It has 1 entry")).wait_for(timeout=30_000)
    page.reload()  # and a plain reload
    open_lesson(page, site_server.url, "11-leading-a-community-of-practice")
    assert not page.evaluate(STATE)["errors"], page.evaluate(STATE)["errors"]
    assert not widget_errors(page), widget_errors(page)
    scope = notebook(page)
    scope.get_by_role("button", name="Export my journal").click()
    scope.get_by_text(re.compile(r"Exported 1 journal entry as CPD records")).wait_for(timeout=30_000)
    # the lesson page has no file browser: the message's own link downloads the file (reach review 8, R7)
    with page.expect_download(timeout=30_000) as info:
        scope.get_by_role("link", name="Download my-cpd-records.html").click()
    assert info.value.suggested_filename == "my-cpd-records.html"
    assert words in open(info.value.path(), encoding="utf-8").read()
    # Word is not available in the browser: it is not offered, to be refused later (walk16 F7)
    formats = scope.get_by_role("combobox", name="Format", exact=True)
    offered = [t.replace("\xa0", " ") for t in formats.locator("option").all_inner_texts()]  # (ipywidgets' spaces)
    assert offered == ["Markdown (.md)", "Web page (.html)"], offered
    page.close()

    page = context.new_page()
    page.goto(site_server.url + "/tree/index.html")
    folder = page.locator(".jp-DirListing-item", has_text="course")
    folder.first.wait_for(timeout=60_000)
    folder.first.dblclick()
    # (in the browser edition the export is a web page by default: it opens anywhere by a double click)
    item = page.locator(".jp-DirListing-item", has_text="my-cpd-records.html")
    item.wait_for(timeout=60_000)
    item.click(button="right")
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("menuitem", name=re.compile(r"^Download")).click()
    download = info.value
    text = open(download.path(), encoding="utf-8").read()
    assert words in text
    assert download.suggested_filename == "my-cpd-records.html"
    page.close()


def test_the_team_audit_is_kept_when_the_tab_is_closed_and_can_be_saved_to_the_journal(context, site_server):
    """Reach review 8: a team manager's 28 audit answers lived only in the tab's Python and were lost
    on a reload or a closed tab, with no way to keep them. Now they are kept in the browser's storage
    beside the journal (my-journal/journal-answers-team-audit.json) and filled in again, and the
    scored audit can be saved to the journal."""
    slug = "06-action-centred-leadership-and-the-team-audit"
    page = context.new_page()
    open_lesson(page, site_server.url, slug)
    scope = notebook(page)
    scope.get_by_role("combobox", name="K1 rating").select_option(index=2)
    chosen = scope.get_by_role("combobox", name="K1 rating").evaluate("el => el.options[el.selectedIndex].text")
    scope.get_by_role("textbox", name="T2 answer").fill("Two more AMHPs by spring.")
    scope.get_by_role("textbox", name="T2 answer").blur()  # (a text box sends its value when it loses focus)
    page.wait_for_timeout(4000)  # (the kernel writes the answers; 1.5 s was once too short on a busy machine)
    page.close()  # the tab is closed

    page = context.new_page()
    open_lesson(page, site_server.url, slug)
    scope = notebook(page)
    scope.get_by_text("Your answers from last time are filled in").first.wait_for(timeout=30_000)
    expect(scope.get_by_role("combobox", name="K1 rating")).to_have_value(re.compile(r".+"), timeout=30_000)
    assert scope.get_by_role("combobox", name="K1 rating").evaluate(
        "el => el.options[el.selectedIndex].text") == chosen
    expect(scope.get_by_role("textbox", name="T2 answer")).to_have_value("Two more AMHPs by spring.")
    scope.get_by_role("button", name="Save the results to my journal").click()
    scope.get_by_text(re.compile(r"Saved the results to your journal at my-journal/journal\.json \(in this browser\)")).wait_for(
        timeout=30_000)
    page.close()


#: True when closing the tab now would ask first (the page's beforeunload guard), checked in one turn
#: of the page's JavaScript (None: nothing is waiting to be kept, so the check was not made).
ASKS_BEFORE_CLOSING = """() => {
  const e = new Event('beforeunload', {cancelable: true});
  window.dispatchEvent(e);
  return e.defaultPrevented;
}"""


def test_ratings_given_quickly_are_all_kept_and_closing_while_they_wait_asks_first(context, site_server):
    """walk18 H1: 26 ratings given by keyboard at about 4 a second took Python about half a second
    each to keep and redraw; a tab closed a second after the last lost 6 to 11 of them, with no sign
    and no question. Now ratings given quickly are kept together (one write, one redraw), a line says
    so while they wait, and closing the tab meanwhile asks first."""
    slug = "04-the-super-ordinate-learning-culture"
    page = context.new_page()
    open_lesson(page, site_server.url, slug)
    scope = notebook(page)
    boxes = scope.get_by_role("combobox", name=re.compile(r": my agreement$"))
    assert boxes.count() == 26
    for i in range(26):
        boxes.nth(i).select_option(index=5 - i % 5)  # 5, 4, 3, 2, 1, 5, ...
    page.locator(".coplearn-unsaved").first.wait_for(state="attached", timeout=30_000)
    t0 = time.monotonic()
    assert page.evaluate(ASKS_BEFORE_CLOSING) is True  # "Leave site? Changes you made may not be saved."
    assert page.evaluate("() => document.documentElement.getAttribute('data-coplearn-asked-to-stay')") in ("unsaved", "busy")
    page.locator(".coplearn-unsaved").first.wait_for(state="detached", timeout=60_000)
    expect(scope.get_by_text("26 of 26 statements rated.")).to_be_visible(timeout=60_000)
    print(f"ratings kept {time.monotonic() - t0:.1f} s after the last was seen waiting")
    page.wait_for_timeout(1500)
    assert page.evaluate(ASKS_BEFORE_CLOSING) is False  # nothing waits now: the tab closes without a question
    page.close()

    page = context.new_page()
    open_lesson(page, site_server.url, slug)
    scope = notebook(page)
    scope.get_by_text("Your ratings from last time are filled in").first.wait_for(timeout=30_000)
    boxes = scope.get_by_role("combobox", name=re.compile(r": my agreement$"))
    assert [boxes.nth(i).evaluate("el => el.selectedIndex") for i in range(26)] == [5 - i % 5 for i in range(26)]
    page.close()


def test_a_reflection_half_written_is_there_after_a_reload(context, site_server):
    """Reach review 8 (R1, the part left): a reflection typed but not yet saved was lost on a reload.
    What is typed is kept as a draft beside the journal, at most every two seconds on the browser
    kernel's own event loop, and filled in again when the lesson opens."""
    slug = "01-a-profession-under-pressure"
    page = context.new_page()
    open_lesson(page, site_server.url, slug)
    box = notebook(page).get_by_role("textbox", name="What I learned or noticed").first
    box.fill("Managerialism and ")
    box.press_sequentially("values pull apart")  # key by key: kept once more when the interval is up
    page.wait_for_timeout(3500)
    page.reload()
    open_lesson(page, site_server.url, slug)
    scope = notebook(page)
    scope.get_by_text("What you wrote here last time is filled in again").first.wait_for(timeout=30_000)
    expect(scope.get_by_role("textbox", name="What I learned or noticed").first).to_have_value(
        "Managerialism and values pull apart")
    page.close()


def test_an_exercise_opened_in_jupyterlab_runs(context, site_server):
    """The full JupyterLab page (not only the lesson view) starts the kernel, and it runs the course's code."""
    page = context.new_page()
    try:
        page.goto(site_server.url + "/lab/index.html?path=exercises/a1-learning-cultures/a1-learning-cultures.ipynb")
        page.wait_for_function("""() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
            const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
            return !!k && k.status === 'idle'; }""", timeout=240_000)
        out = page.evaluate("""async () => {
            const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
            const f = k.requestExecute({code: 'import coplearn; print(len(coplearn.cultures()))'});
            let text = ''; f.onIOPub = (m) => { if (m.content.text) text += m.content.text; };
            await f.done; return text; }""")
        assert out.strip() == "4", out
    finally:
        page.close()


#: At a 320 CSS px wide screen (a 1280 px laptop at 400 % zoom): every form control in the course's
#: output, how wide it is, and what in a widget box reaches past the box's right edge (so that the
#: box scrolls sideways). Charts (their own layout) and data tables (which may scroll, in a box of
#: their own) are left out.
REFLOW = """() => {
  const shown = e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.display !== 'none' && s.visibility !== 'hidden'; };
  const label = e => { const row = e.closest('.widget-inline-hbox'); const l = row && row.querySelector('.widget-label');
    return ((l && l.textContent) || e.placeholder || e.tagName).trim().slice(0, 60); };
  const controls = Array.from(document.querySelectorAll(
      '.jp-OutputArea select, .jp-OutputArea textarea, .jp-OutputArea input:not([type=file]):not([type=radio]):not([type=checkbox])'))
    .filter(shown).map(e => ({label: label(e), width: Math.round(e.getBoundingClientRect().width)}));
  // a drop-down too narrow for one of its choices (the text, measured in its own font, plus the arrow), where
  // the screen leaves room for it
  const ruler = document.createElement('canvas').getContext('2d');
  const cutChoices = Array.from(document.querySelectorAll('.jp-OutputArea select')).filter(shown).flatMap(e => {
    const s = getComputedStyle(e); ruler.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
    const room = e.closest('.widget-inline-hbox').getBoundingClientRect().width;
    return Array.from(e.options).filter(o => {
      const need = ruler.measureText(o.text).width + 28;
      return need > e.getBoundingClientRect().width + 1 && need <= room;
    }).map(o => `${label(e)}: '${o.text.slice(0, 50)}' (${Math.round(e.getBoundingClientRect().width)} px of ${Math.round(room)})`);
  });
  const wide = [];
  for (const box of document.querySelectorAll('.jp-OutputArea .widget-box')) {
    if (!shown(box) || box.scrollWidth <= box.clientWidth + 1) continue;
    const right = box.getBoundingClientRect().right;
    for (const e of box.querySelectorAll('*')) {
      if (e.closest('.js-plotly-plot, .coplearn-table-scroll, .scroll') || !shown(e)) continue;
      if (e.getBoundingClientRect().right > right + 1)
        wide.push(`${e.tagName.toLowerCase()} '${(e.textContent || e.placeholder || '').trim().slice(0, 40)}' ` +
                  `(box ${box.scrollWidth} px wide for ${box.clientWidth})`);
    }
  }
  const scrollers = Array.from(document.querySelectorAll('.jp-OutputArea .coplearn-table-scroll, .jp-OutputArea .scroll'))
    .filter(e => shown(e) && e.scrollWidth > e.clientWidth + 1);
  const unreachable = scrollers.filter(e => e.tabIndex < 0 || !e.getAttribute('aria-label'))
    .map(e => (e.querySelector('caption') || e).textContent.trim().slice(0, 60));
  // a chart's title: the course's own paragraph, wrapped, with plotly's one-line SVG title hidden
  const charts = Array.from(document.querySelectorAll('.jp-OutputArea .js-plotly-plot')).filter(shown);
  const cut = charts.flatMap(c => Array.from(c.querySelectorAll('.gtitle')).filter(shown)
    .filter(t => t.getBoundingClientRect().right > c.getBoundingClientRect().right + 1
                 || t.getBoundingClientRect().left < c.getBoundingClientRect().left - 1)
    .map(t => t.textContent.trim().slice(0, 60)));
  const titles = Array.from(document.querySelectorAll('.jp-OutputArea .coplearn-chart-title')).filter(shown);
  const titlesWide = titles.filter(t => t.scrollWidth > t.clientWidth + 1).map(t => t.textContent.slice(0, 60));
  return {controls, cutChoices, wide: wide.slice(0, 12), scrolling: scrollers.length, unreachable,
          charts: charts.length, titles: titles.length, cut, titlesWide};
}"""


def test_controls_reflow_on_a_320_px_wide_screen(browser, guard, site_server):
    """WCAG 1.4.10 (reflow): at 320 CSS px, a control whose label sits beside it goes under the
    label at the full width instead of being squeezed (reach review 7: journal boxes 25 px wide,
    rating drop-downs showing only their arrow), and no widget box scrolls sideways; a data table
    that does scroll, in its own box, can be reached and scrolled by keyboard."""
    ctx = browser.new_context(viewport={"width": 320, "height": 640})
    guard.attach(ctx)
    page = ctx.new_page()
    try:
        for slug in ("04-the-super-ordinate-learning-culture", "06-action-centred-leadership-and-the-team-audit"):
            open_lesson(page, site_server.url, slug)
            wait_for_every_cell(page)
            page.wait_for_timeout(500)
            found = page.evaluate(REFLOW)
            assert len(found["controls"]) > 20, found["controls"]  # the rating drop-downs and the journal
            narrow = [c for c in found["controls"] if c["width"] < 120]
            assert not narrow, f"{slug}: controls squeezed narrower than 120 CSS px at 320 px: {narrow}"
            # a drop-down shows each choice whole where the row has room: its label goes above it on a phone (walk27 L6)
            assert not found["cutChoices"], f"{slug}: drop-downs too narrow for their choices at 320 px: {found['cutChoices'][:8]}"
            assert not found["wide"], f"{slug}: widget boxes scroll sideways at 320 px: {found['wide']}"
            # a table wider than the screen scrolls in its own box: a keyboard user must be able to
            # reach that box (a Tab stop) to scroll it, and hear what it holds
            assert not found["unreachable"], f"{slug}: table boxes that scroll but take no focus: {found['unreachable']}"
            # every chart's title can be read whole: plotly's one-line title was cut off at this width
            assert found["charts"] >= 1 and found["titles"] >= found["charts"], found
            assert not found["cut"] and not found["titlesWide"], f"{slug}: chart titles cut at 320 px: {found}"
    finally:
        ctx.close()


class RecheckingHost:
    """A copy of the site served as a host whose copies the browser must re-check on every use (as
    any host's are once they age), counting the bytes it sends; it can be stopped (no connection).
    With ``cut_once``, the first file whose path holds it (the first ``cuts`` times) is cut off halfway, as a dropped connection
    (or a service worker replaced mid-load) cuts it: the headers promise it whole, half comes, the
    connection closes. With ``stall`` (seconds) instead, nothing of it comes and the connection stays open
    that long (a stalled download: no error, no end), then closes."""

    def __init__(self, folder: Path, cut_once: str | None = None, cuts: int = 1, stall: float = 0) -> None:
        import functools
        import os
        import socket
        import threading
        from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

        from coplearn.site.serve import MIME_TYPES

        self.sent = 0
        self.cut: list[str] = []  # the path cut off, once done
        self.stopped = threading.Event()
        host = self

        class Handler(SimpleHTTPRequestHandler):
            extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
                pass

            def end_headers(self) -> None:
                self.send_header("Cache-Control", "no-cache")
                super().end_headers()

            def copyfile(self, source, outputfile) -> None:  # type: ignore[no-untyped-def]
                if cut_once and len(host.cut) < cuts and cut_once in self.path:
                    host.cut.append(self.path)
                    if stall:  # nothing comes, and the connection stays open: a stalled download (for ``stall`` s)
                        host.stopped.wait(stall)
                    else:  # cut off halfway
                        outputfile.write(source.read(os.fstat(source.fileno()).st_size // 2))
                        outputfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                super().copyfile(source, outputfile)
                host.sent += os.fstat(source.fileno()).st_size

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.running = True

    def stop(self) -> None:
        if self.running:
            self.running = False
            self.stopped.set()
            self.httpd.shutdown()
            self.httpd.server_close()


def _restarts(page) -> tuple[str | None, list[str]]:  # type: ignore[no-untyped-def]
    return page.evaluate("() => [document.documentElement.getAttribute('data-coplearn-python-restarted'), "
                         "Object.keys(sessionStorage).filter(k => k.startsWith('coplearn-python-restarted'))]")


#: What is cut off, and what a learner is told when it is cut off twice: Python's worker script; the
#: widgets' own file (CI stop 37: it failed to load once in a full run, and lesson 01 showed
#: "VBox(children=...)" lines instead of its activities).
CUT_OFF = {"python": (".worker.", "Python failed to start in your browser twice in a row"),
           "widgets": ("jupyterlab-manager/static/remoteEntry", "The lesson's activities failed to load in your "
                       "browser twice in a row"),
           # the widgets' controls, a file of their own loaded when the first activity is drawn (without
           # it each activity showed only "Click to show javascript error."): found by what it holds
           "controls": ("RadioButtonsView", "The lesson's activities failed to load in your browser twice in a row"),
           # the widgets' file again, its download stalled, not cut: JupyterLite waits for every part
           # before it builds its app, so the page stayed blank (the "app never appears" hang of
           # ci-s43 and ci-s46 looked so); the page's waits are shortened here
           "stalled": ("jupyterlab-manager/static/remoteEntry", "The course's page stopped loading in your browser "
                       "twice in a row")}


def _cut_file(site: Path, cut: str) -> str:
    """The part of a file's address to cut off: ``cut`` itself, or the widgets' file holding it."""
    if "/" in cut or cut.startswith("."):
        return cut
    folder = site / "extensions" / "@jupyter-widgets" / "jupyterlab-manager" / "static"
    holding = [f.name for f in folder.glob("*.js") if cut in f.read_text(encoding="utf-8", errors="replace")
               and not f.name.startswith("remoteEntry")]
    assert len(holding) == 1, holding
    return f"jupyterlab-manager/static/{holding[0]}"


@pytest.mark.parametrize("part", sorted(CUT_OFF))
def test_python_or_the_widgets_cut_off_while_loading_start_after_one_reload_and_a_second_failure_is_said(
        browser, built_site, tmp_path,
        part):
    """A file of Python's cut off while the page loads (a connection dropping for a moment; or, on the
    first visit after a rebuild, the new service worker taking over mid-load, seen in about one test
    run in three on 6 December 2026, though not in 15 later tries) made the kernel's worker fail, and the lesson page waited for
    ever. Here the host cuts Python's worker script off: once, and the page reloads by itself and the
    lesson runs; twice, and the second failure is said in plain words instead of reloading again.
    The same for the widgets' file, without which JupyterLite starts all the same and the lesson
    showed its activities as lines of Python's text, and for that file's download stalled (nothing
    comes, the connection stays open), which left the page blank for ever."""
    cut, twice = CUT_OFF[part]
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    cut = _cut_file(site, cut)
    slug = LESSONS[1].slug
    # (the controls' file is asked for again by each activity that failed without it, so cutting it
    # once breaks nothing a learner sees: it is cut every time, and the page must reload once, then say so)
    for cuts in ((1, 2) if part != "controls" else (1_000,)):
        host = RecheckingHost(site, cut_once=cut, cuts=cuts, stall=30 if part == "stalled" else 0)
        ctx = browser.new_context(viewport=VIEWPORT)
        if part == "stalled":
            ctx.add_init_script("window.COPLEARN_APP_WAIT_MS = 8000; window.COPLEARN_APP_QUIET_MS = 5000;")
        said: list[str] = []
        ctx.on("console", lambda msg: said.append(msg.text) if "reloading the page once" in msg.text else None)
        try:
            page = ctx.new_page()
            if cuts == 1:
                open_lesson(page, host.url, slug)
                state = page.evaluate(STATE)
                assert len(host.cut) == 1 and state["errors"] == [] and state["ran"], (host.cut, state)
                attribute, keys = _restarts(page)
                assert attribute is None and keys == [f"coplearn-python-restarted:course/{slug}.ipynb"], (attribute, keys)
                assert len(said) == 1, said
            else:
                page.goto(lesson_url(host.url, slug))
                page.wait_for_function("() => (document.documentElement.getAttribute('data-coplearn-python-restarted') "
                                       "|| '').startsWith('failed again')", timeout=120_000)
                assert (len(host.cut) == 2 if cuts == 2 else len(host.cut) >= 2) and len(said) == 1, (host.cut, said)
                expect(page.get_by_role("alert")).to_contain_text(twice)
                # the slow-start line does not replace it with "still starting" (check 15)
                page.evaluate("() => window.dispatchEvent(new Event('offline'))")
                expect(page.get_by_role("alert")).to_contain_text("twice in a row")
                if part == "stalled":
                    # the stalled file fails at last, and JupyterLite starts without it: the page's app is
                    # there, so "stopped loading" is no longer said; the missing widgets are (check21 #1)
                    status = page.locator("#coplearn-start-status")
                    expect(status).to_contain_text("The lesson's activities failed to load", timeout=90_000)
                    expect(status).not_to_contain_text("stopped loading")
        finally:
            ctx.close()
            host.stop()


def _run_and_keep(context: BrowserContext, base: str, slug: str) -> tuple[str, dict]:
    page = context.new_page()
    try:
        open_lesson(page, base, slug)
        page.wait_for_function("() => (document.documentElement.getAttribute('data-coplearn-kept') || '')"
                               ".startsWith('done')", timeout=120_000)
        return (page.evaluate("() => document.documentElement.getAttribute('data-coplearn-kept')"),
                page.evaluate(STATE))
    finally:
        page.close()


def test_a_second_lesson_downloads_nothing_and_the_lessons_open_without_a_connection(
        browser_type, browser_type_launch_args, built_site, tmp_path):
    """Reach 12 W3, W14, from a host that makes the browser re-check its copies (here on every use;
    any host's copies age): a second lesson downloaded Python again (24.8 MB a lesson), and a return
    without a connection showed the browser's "site can't be reached". The site's service worker
    (coplearn/site/offline.py) now keeps the site once a lesson has run: a second lesson downloads
    almost nothing, a corrected lesson still reaches the learner, and after the browser is closed
    and the site is gone, a lesson never opened before opens and runs. (The first visit after a
    rebuild is not tested here: see coplearn/site/offline.py.)"""
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    host = RecheckingHost(site)
    profile = tmp_path / "profile"
    first, second, third = LESSONS[1].slug, LESSONS[2].slug, LESSONS[3].slug
    try:
        ctx = browser_type.launch_persistent_context(profile, viewport=VIEWPORT, **browser_type_launch_args)
        try:
            kept, state = _run_and_keep(ctx, host.url, first)
            assert state["errors"] == [], state
            assert kept.startswith("done") and " 0 added" not in kept, kept
            # a corrected lesson on the site: fetched from the site first, so the learner sees it
            lesson = site / "files" / "course" / f"{second}.ipynb"
            nb = json.loads(lesson.read_text(encoding="utf-8"))
            cell = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
            cell["source"] = "Corrected on the site: W14 check.\n\n" + "".join(cell["source"])
            lesson.write_text(json.dumps(nb), encoding="utf-8")
            before = host.sent
            page = ctx.new_page()
            try:
                open_lesson(page, host.url, second)
                assert page.evaluate(STATE)["errors"] == []
                expect(page.get_by_role("paragraph").filter(has_text="Corrected on the site: W14 check.")).to_be_visible()
            finally:
                page.close()
            assert host.sent - before < 1_000_000, f"a second lesson downloaded {host.sent - before:,} bytes"
        finally:
            ctx.close()
        host.stop()
        ctx = browser_type.launch_persistent_context(profile, viewport=VIEWPORT, **browser_type_launch_args)
        try:
            ctx.set_offline(True)
            page = ctx.new_page()
            try:
                open_lesson(page, host.url, third)  # never opened before
                state = page.evaluate(STATE)
                assert state["errors"] == [] and state["ran"], state
                assert widget_errors(page) == []
            finally:
                page.close()
        finally:
            ctx.close()
    finally:
        host.stop()


def test_every_kernel_started_from_the_prepared_kernel(context):
    """Every lesson opened above (and each reload, tab and restart) started Python from the site's
    snapshot: none fell back to starting in full. Each unpacked its packages in JavaScript (all but
    IPython's, whose wheel carries a ``.data`` folder that Pyodide installs itself), none of those
    failed, and every lesson page drew its empty chart while Python started."""
    from coplearn.site.snapshot import FALLBACK_MESSAGE, READY_MESSAGE, UNPACK_NOTE

    assert not [m for m in KERNEL_STARTS if m.startswith(FALLBACK_MESSAGE)], KERNEL_STARTS
    starts = KERNEL_STARTS.count(READY_MESSAGE)
    assert starts >= len(LESSONS) + 3, KERNEL_STARTS
    notes = [m for m in KERNEL_STARTS if m.startswith(UNPACK_NOTE)]
    assert len(notes) == starts, KERNEL_STARTS
    assert all(re.fullmatch(re.escape(UNPACK_NOTE) + r"2\d in JavaScript, 1 by Pyodide", m) for m in notes), notes
    assert not [m for m in KERNEL_STARTS if "worker failed" in m], KERNEL_STARTS  # no page had to reload
    assert not [m for m in KERNEL_STARTS if "in JavaScript failed" in m or "could not prepare the charts" in m], \
        KERNEL_STARTS
    assert KERNEL_STARTS.count("coplearn: charts prepared while Python starts") >= len(LESSONS), KERNEL_STARTS


def test_no_request_left_the_site(context, guard, site_server):
    """Runs last in this module: every page above went through the guard. (It takes ``context`` so
    that pytest keeps it in the same browser group as the tests above, with the same guard.)"""
    page = context.new_page()  # at least this page goes through the guard, whatever ran before
    page.goto(site_server.url + "/")
    page.wait_for_load_state("networkidle")
    page.close()
    assert guard.local > 0, "the guard saw no requests: is it attached?"
    assert guard.foreign == [], f"{len(guard.foreign)} request(s) to other origins: {guard.foreign[:10]}"


def test_a_glossary_link_in_a_lesson_opens_the_glossary_at_its_entry(context, site_server):
    """walk27 M1, M2: every glossary link in the lessons did nothing (the glossary was not in the site), and the
    front page's guides opened as Markdown source in an editor. A lesson's link now opens the glossary's web page at
    the entry, in a new tab beside the lesson; the front page's guides are web pages."""
    page = context.new_page()
    try:
        open_lesson(page, site_server.url, LESSONS[0].slug)
        link = notebook(page).locator('a[href*="glossary.md#community-of-practice"]').first
        link.scroll_into_view_if_needed()
        with context.expect_page(timeout=60_000) as opened:
            link.click()
        glossary = opened.value
        glossary.wait_for_load_state()
        assert glossary.url.endswith("/guides/glossary.html#community-of-practice"), glossary.url
        expect(glossary.locator("h3#community-of-practice")).to_be_visible()
        assert glossary.locator("h1").count() == 1 and glossary.locator("textarea, .cm-editor").count() == 0
        glossary.close()
        assert "path=course/00-" in page.url  # (the lesson stays where it was)
        front = context.new_page()
        front.goto(site_server.url + "/index.html")
        front.get_by_role("link", name="Team manager guide").click()
        front.wait_for_url(re.compile(r"/guides/team-manager-guide\.html$"), timeout=60_000)
        assert front.locator("h1").count() == 1 and front.locator(".cm-editor").count() == 0
        front.close()
        # a lesson opened from the file list's JupyterLab ("All the course files"): its links went nowhere there
        lab = context.new_page()
        lab.goto(site_server.url + f"/lab/index.html?path=course/{LESSONS[0].slug}.ipynb")
        link = lab.locator('.jp-RenderedMarkdown a[href*="glossary.md#community-of-practice"]').first
        expect(link).to_be_attached(timeout=120_000)
        link.scroll_into_view_if_needed()
        with context.expect_page(timeout=60_000) as opened:
            link.click()
        glossary = opened.value
        glossary.wait_for_load_state()
        assert glossary.url.endswith("/guides/glossary.html#community-of-practice"), glossary.url
        glossary.close()
        link.focus()  # (rev28 L2: Ctrl+P on a lesson in the file list's JupyterLab opens its printable page too)
        with context.expect_page(timeout=60_000) as opened:
            lab.keyboard.press("Control+p")
        printable = opened.value
        printable.wait_for_load_state()
        assert printable.url.endswith(f"/printable/{LESSONS[0].slug}.html"), printable.url
        printable.close()
        lab.close()
    finally:
        page.close()


def test_a_lesson_prints_from_its_printable_page(context, site_server):
    """walk27 M5: a lesson could not be printed in the browser edition (the browser printed only the part of the
    lesson on the screen). The note's link and Ctrl+P both open the lesson's printable page in a new tab, the lesson
    staying where it was; a print of the lesson page itself says at its top where the whole lesson prints."""
    page = context.new_page()
    try:
        open_lesson(page, site_server.url, LESSONS[0].slug)
        want = f"/printable/{LESSONS[0].slug}.html"
        scope = notebook(page)
        summary = scope.locator(".jp-RenderedMarkdown summary", has_text="Help if something goes wrong").first
        summary.scroll_into_view_if_needed()
        summary.click()
        link = scope.get_by_role("link", name="printable page").first
        link.scroll_into_view_if_needed()
        with context.expect_page(timeout=60_000) as opened:
            link.click()
        printable = opened.value
        printable.wait_for_load_state()
        assert printable.url.endswith(want), printable.url
        assert printable.locator("h1").count() == 1 and printable.locator(".coplearn-activity").count() >= 1
        printable.close()
        assert f"path=course/{LESSONS[0].slug}" in page.url
        summary.focus()
        with context.expect_page(timeout=60_000) as opened:
            page.keyboard.press("Control+p")
        again = opened.value
        again.wait_for_load_state()
        assert again.url.endswith(want), again.url
        again.close()
        note = page.locator("#coplearn-print-note")
        expect(note).to_be_hidden()
        page.emulate_media(media="print")
        expect(note).to_be_visible()
        assert want in note.inner_text()
        page.emulate_media(media="screen")
    finally:
        page.close()


def test_the_team_survey_report_keeps_its_charts_when_a_survey_is_loaded_again(context, site_server):
    """walk27 M3: in the browser edition, loading a team's CSV (or the example again) drew the report without its two
    charts and their text descriptions: the emptied charts' clearing reached the page after the new charts."""
    page = context.new_page()
    try:
        open_lesson(page, site_server.url, LESSONS[6].slug)
        scope = notebook(page)
        charts = scope.locator(".js-plotly-plot")
        descriptions = scope.get_by_text(re.compile(r"^Text description", re.I))
        expect(charts.first).to_be_visible(timeout=120_000)
        before_charts, before_notes = charts.count(), descriptions.count()
        assert before_charts >= 3, before_charts  # (Adair's circles, and the example survey's two)
        button = scope.get_by_role("button", name=re.compile(r"example survey", re.I))
        button.scroll_into_view_if_needed()
        button.click()
        expect(scope.get_by_text(re.compile(r"Read team-survey\.csv: 8 respondents"))).to_be_visible(timeout=60_000)
        page.wait_for_timeout(3000)  # (what wiped them arrived after the redraw)
        assert charts.count() == before_charts and descriptions.count() == before_notes, (charts.count(), descriptions.count())
    finally:
        page.close()


def test_a_right_click_in_a_lesson_gives_the_browsers_menu_not_the_notebooks(context, site_server):
    """walk27 M4: a right-click (or a long press) in a reflection box opened JupyterLab's cell menu, with no Paste and
    a "Delete Cell" that removed the activity; a lesson now leaves the event to the browser's own menu."""
    page = context.new_page()
    try:
        open_lesson(page, site_server.url, LESSONS[4].slug)
        box = notebook(page).get_by_role("textbox", name="What I learned or noticed").first
        box.scroll_into_view_if_needed()
        box.click(button="right")
        page.wait_for_timeout(500)
        assert page.locator(".lm-Menu").count() == 0
        cells = notebook(page).locator(".jp-Cell").count()
        assert cells > 10
    finally:
        page.close()
