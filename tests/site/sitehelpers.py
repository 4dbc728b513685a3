"""Page helpers for the browser edition: a same-origin guard, opening a lesson, reading its state."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import BrowserContext, Locator, Page

#: The notebook's state as JupyterLite's front end sees it (the site sets exposeAppInBrowser).
STATE = """() => {
  const app = window.jupyterapp; const w = app && app.shell.currentWidget;
  if (!w || !w.content || !w.sessionContext) return null;
  const s = w.sessionContext.session; const k = s && s.kernel;
  const cells = w.content.widgets.filter(c => c.model.type === 'code');
  const errors = [];
  for (const c of cells) for (let i = 0; i < c.model.outputs.length; i++) {
    const o = c.model.outputs.get(i);
    if (o.type === 'error') errors.push(JSON.stringify(o.toJSON()).slice(0, 1500));
  }
  return {kernel: k ? k.status + '/' + k.connectionStatus : null, counts: cells.map(c => c.model.executionCount),
          errors: errors, ran: document.documentElement.getAttribute('data-coplearn-ran') === 'yes'};
}"""


@dataclass
class OriginGuard:
    """Lets through requests to the site's own origin; blocks and records every other one."""

    origin: str
    foreign: list[str] = field(default_factory=list)
    local: int = 0

    def attach(self, context: BrowserContext) -> OriginGuard:
        context.route("**/*", self._route)
        return self

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(self.origin + "/") or url.startswith(("data:", "blob:")):
            self.local += 1
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()


def lesson_url(base: str, slug: str) -> str:
    return f"{base}/notebooks/index.html?path=course/{slug}.ipynb"


def evaluate_through_reloads(page: Page, script: str) -> Any:
    """``page.evaluate(script)``, or None while the page is reloading (a lesson page reloads itself
    once when Python's worker fails before the lesson has run: coplearn/site/pages.py)."""
    from playwright.sync_api import Error

    try:
        return page.evaluate(script)
    except Error as exc:
        if "context was destroyed" in str(exc) or "navigat" in str(exc):
            return None
        raise


#: The course's activities as drawn: widgets, those still loading, those drawn as errors, and the
#: first outputs' text (for a failure's message).
DRAWN = """() => ({widgets: document.querySelectorAll('.jupyter-widgets').length,
  loading: Array.from(document.querySelectorAll('.jp-OutputArea-output')).filter(e => /Loading widget/.test(e.textContent)).length,
  broken: document.querySelectorAll('.jp-OutputArea .jupyter-widgets-error-widget').length,
  outputs: Array.from(document.querySelectorAll('.jp-OutputArea-output')).map(e => e.textContent.trim().slice(0, 80)).slice(0, 8)})"""
#: The page's own marks (``data-coplearn-*`` on <html>), for a failure's message.
MARKS = ("() => Array.from(document.documentElement.attributes).filter(a => a.name.startsWith('data-coplearn'))"
         ".map(a => a.name + '=' + a.value.slice(0, 120))")


#: What a page whose app has not appeared shows, for the test's output (the cause of that hang is not
#: known: this is what the next occurrence should tell).
STUCK = """() => {
  const app = window.jupyterapp, shell = app && app.shell;
  const widgets = shell ? Array.from(shell.widgets('main')).map(w => w.id + ':' + (w.title && w.title.label)) : null;
  const sw = navigator.serviceWorker;
  const entries = performance.getEntriesByType('resource');
  return {readyState: document.readyState, title: document.title, app: !!app, started: !!(app && app.started),
          main: widgets, current: shell && shell.currentWidget ? shell.currentWidget.id : null,
          dialogs: Array.from(document.querySelectorAll('.jp-Dialog')).map(d => d.innerText.slice(0, 200)),
          serviceWorker: sw ? (sw.controller ? sw.controller.state : 'no controller') : 'none',
          coplearn: Array.from(document.documentElement.attributes).filter(a => a.name.startsWith('data-coplearn'))
            .map(a => a.name + '=' + a.value.slice(0, 80)),
          resources: entries.length, lastResources: entries.slice(-6).map(e => e.name.split('/').slice(-2).join('/')
            + ' ' + Math.round(e.duration) + 'ms ' + (e.responseStatus || '')),
          text: (document.body ? document.body.innerText : '').replace(/\\s+/g, ' ').slice(0, 300)};
}"""


def describe_stuck_page(page: Page, console: list[str]) -> str:
    """What a lesson page whose app never appeared shows (for a test's output; never raises)."""
    try:
        shown = evaluate_through_reloads(page, STUCK)
    except Exception as exc:  # noqa: BLE001 - a description, never a reason to fail
        shown = f"(could not read the page: {exc.__class__.__name__}: {str(exc)[:200]})"
    return f"{shown}; last console messages: {console}"


#: Seconds after which a lesson whose app has not appeared at all is reloaded once by the test (see
#: open_lesson). The page itself does so only when no file has finished downloading for three minutes
#: (coplearn/site/pages.py), later than a test can wait: the "stalled" case of test_site_browser's
#: cut-off test checks the page's own reload with its waits shortened.
APP_NEVER_CAME = 150
#: The lessons reloaded so, in this test run (printed with each; none expected).
RETRIED: list[str] = []


def open_lesson(page: Page, base: str, slug: str, timeout: float = 240) -> dict[str, float]:
    """Open a lesson and wait until it has run by itself; return timings (seconds from goto)."""
    t0 = time.perf_counter()
    console: list[str] = []  # the page's first errors and last messages, printed if it fails
    first_errors: list[str] = []  # (the cause comes first; what follows from it can fill the rest)
    last: list[str] = []

    def heard(message: Any) -> None:
        line = f"{message.type}: {message.text[:200]}"
        if "reloading the page once" in message.text:  # (the page mends a failed start so: said in the output)
            print(f"sitehelpers: {slug}: the page reloaded itself once: {message.text[:300]}")
        if message.type == "error" and len(first_errors) < 5:
            first_errors.append(line)
        last.append(line)
        del last[:-10]
        console[:] = [*first_errors, "(then, last:)", *last]

    page.on("console", heard)
    try:
        return _open_lesson(page, base, slug, timeout, t0, console)
    finally:
        page.remove_listener("console", heard)


def _open_lesson(page: Page, base: str, slug: str, timeout: float, t0: float, console: list[str]) -> dict[str, float]:
    page.goto(lesson_url(base, slug))
    times: dict[str, float] = {}
    deadline = time.monotonic() + timeout
    state, started, retried = None, time.monotonic(), False
    while time.monotonic() < deadline:
        state = evaluate_through_reloads(page, STATE)
        if state is None and not retried and time.monotonic() - started > APP_NEVER_CAME:
            # A known hang of the test run (CI runs ci-s43 and ci-s46, each once in a full run, never
            # alone): the page loads but JupyterLite's app never appears. A stalled download of one of
            # its parts does exactly that (the "stalled" case of test_site_browser's cut-off test), and
            # the page reloads itself once then, after three quiet minutes; the test does so sooner,
            # once, says so, and fails if it happens again.
            retried = True
            RETRIED.append(slug)
            print(f"sitehelpers: {slug}: JupyterLite's app had not appeared after {APP_NEVER_CAME} s; reloading once. "
                  f"What the page showed: {describe_stuck_page(page, console)}")
            page.reload()
        if state and state["kernel"] == "idle/connected" and "kernel_idle" not in times and state["counts"] \
                and state["counts"][0] is None:
            times["kernel_idle"] = time.perf_counter() - t0
        if state and (state["errors"] or (state["ran"] and all(c is not None for c in state["counts"])
                                          and state["kernel"] == "idle/connected")):
            times["ran"] = time.perf_counter() - t0
            break
        time.sleep(0.1)
    else:
        shown = f"; the page shows {describe_stuck_page(page, console)}" if state is None else ""
        raise AssertionError(f"{slug}: did not run by itself within {timeout:.0f} s; last state {state}{shown}")
    # Widgets are drawn after the kernel is idle. A page that finds its activities could not be drawn
    # (an error widget: the widgets' controls failed to load) reloads itself once and runs the lesson
    # again (coplearn/site/pages.py): then its state is read again, with the time a lesson takes.
    waited_until, reloaded = time.monotonic() + 60, False
    while True:
        shown = evaluate_through_reloads(page, DRAWN)
        state = evaluate_through_reloads(page, STATE)
        if shown and state and state["ran"] and shown["widgets"] and not shown["loading"] and not shown["broken"]:
            break
        if not reloaded and (shown is None or state is None or not state["ran"]):
            reloaded, waited_until = True, time.monotonic() + timeout  # (reloading, to run again: once)
        if time.monotonic() > waited_until:
            marks = evaluate_through_reloads(page, MARKS)
            raise AssertionError(f"{slug}: ran, but its widgets were not drawn within 60 s; the page shows {shown}; "
                                 f"state {state}; the page's marks {marks}; console: {console}")
        time.sleep(0.2)
    times["widgets"] = time.perf_counter() - t0
    return times


#: Every cell of the open lesson drawn into the page (the site draws cells below the first screen
#: when the page is idle: "defer" windowing), and which code cells show their outputs in a small
#: scrolling box instead of in full (the Notebook page's automatic output scrolling, turned off).
LAYOUT = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget; const nb = w && w.content;
  if (!nb || !nb.widgets) return null;
  return {cells: nb.widgets.length, attached: nb.widgets.filter(c => c.isAttached && c.node.isConnected).length,
          squeezed: nb.widgets.map((c, i) => c.node.classList.contains('jp-mod-outputsScrolled') ? i : -1)
                              .filter(i => i >= 0)};
}"""


def wait_for_every_cell(page: Page, timeout: float = 60) -> dict[str, Any]:
    """Wait until every cell of the open lesson is in the page; return LAYOUT's reading."""
    deadline = time.monotonic() + timeout
    layout = None
    while time.monotonic() < deadline:
        layout = page.evaluate(LAYOUT)
        if layout and layout["cells"] and layout["attached"] == layout["cells"]:
            return layout
        time.sleep(0.1)
    raise AssertionError(f"not every cell was drawn within {timeout:.0f} s: {layout}")


def notebook(page: Page) -> Locator:
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").first


def widget_errors(page: Page) -> list[str]:
    """What the page shows in place of widgets it could not draw (for example "model not found")."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('.jp-OutputArea-output'))
        .map(e => e.textContent).filter(t => /Error displaying widget|model not found/i.test(t))
        .map(t => t.slice(0, 300))""")
