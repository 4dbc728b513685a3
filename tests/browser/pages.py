"""Page helpers for the browser tests: watch a page, open and run a lesson, run axe, read headings.

Everything here reads what the *page* shows (the DOM, the accessibility tree, the figure data held
by plotly in the page), never the kernel's state.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import BrowserContext, Locator, Page, WebSocket

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_RESULTS = ARTIFACTS / "axe"

LOCAL_HOSTS = {"127.0.0.1"}

#: Requests that may leave the machine. Each is blocked (aborted) anyway, and is harmless.
ALLOWED_EXTERNAL_REQUESTS: list[tuple[str, str]] = [
    (r"^https://cdn\.jsdelivr\.net/npm/@fortawesome/fontawesome-free@",
     "Voila 0.5.13's page template links the Font Awesome stylesheet from a CDN; the course uses no icons from it."),
]

#: JavaScript errors that are known and harmless: (pattern in the message or its source URL, reason).
ALLOWED_JS_ERRORS: list[tuple[str, str]] = [
    (r"Failed to load resource: net::ERR_FAILED.*fontawesome",
     "the Font Awesome stylesheet above is blocked offline; nothing the course shows needs it."),
    (r"The getter for the shared module is not a function[\s\S]*@jupyter-notebook/lab-extension",
     "Voila tries to load Notebook 7's JupyterLab extension, which needs JupyterLab's shell; not used in the app view."),
    (r"Shared module @jupyterlab/filebrowser doesn't exist in shared scope[\s\S]*@jupyter/nbgrader",
     "Voila tries to load nbgrader's JupyterLab extension, which needs the file browser; not used in the app view."),
    (r"r\.setData is not a function",
     "jupyterlab-plotly's JupyterLab-only hook in Voila; the figure still renders and updates."),
]


#: Allow-listed requests and errors actually seen in this run: reason -> count (for the summary).
ALLOWED_SEEN: dict[str, int] = {}


def _allowed(text: str, table: list[tuple[str, str]]) -> str | None:
    for pattern, reason in table:
        if re.search(pattern, text):
            return reason
    return None


def _note_allowed(items: list[str], table: list[tuple[str, str]]) -> list[str]:
    """The items no rule allows; count the ones that are allowed."""
    unexpected = []
    for item in items:
        reason = _allowed(item, table)
        if reason is None:
            unexpected.append(item)
        else:
            ALLOWED_SEEN[reason] = ALLOWED_SEEN.get(reason, 0) + 1
    return unexpected


@dataclass
class Watcher:
    """Records every request and every JavaScript error of a browser context.

    Requests to anything but 127.0.0.1 are aborted (the machine is offline anyway) and recorded.
    """

    external: list[str] = field(default_factory=list)
    js_errors: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> Watcher:
        context.route("**/*", self._route)
        context.on("page", self._watch_page)
        for page in context.pages:
            self._watch_page(page)
        return self

    def _route(self, route: Any) -> None:
        url = route.request.url
        if self._is_local(url):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    @staticmethod
    def _is_local(url: str) -> bool:
        parsed = urlparse(url)
        return parsed.scheme in ("data", "blob", "about") or parsed.hostname in LOCAL_HOSTS

    def _watch_page(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.js_errors.append(f"uncaught: {exc}"))
        page.on("websocket", self._websocket)

    def _console(self, msg: Any) -> None:
        if msg.type == "error":
            where = (msg.location or {}).get("url", "")
            self.js_errors.append(f"{msg.text} (at {where})")

    def _websocket(self, ws: WebSocket) -> None:
        if not self._is_local(ws.url.replace("ws://", "http://", 1).replace("wss://", "https://", 1)):
            self.external.append(ws.url)

    def unexpected_requests(self) -> list[str]:
        return _note_allowed(self.external, ALLOWED_EXTERNAL_REQUESTS)

    def unexpected_js_errors(self) -> list[str]:
        return _note_allowed(self.js_errors, ALLOWED_JS_ERRORS)


# --------------------------------------------------------------------------------------------
# JupyterLab

#: The notebook's state as the page's JupyterLab front end sees it (needs expose_app_in_browser).
_LAB_STATE = """() => {
  const app = window.jupyterapp; const w = app && app.shell.currentWidget;
  if (!w || !w.content || !w.sessionContext) return null;
  const s = w.sessionContext.session; const k = s && s.kernel;
  const cells = w.content.widgets.filter(c => c.model.type === 'code');
  let errors = 0;
  for (const c of cells) for (let i = 0; i < c.model.outputs.length; i++)
    if (c.model.outputs.get(i).type === 'error') errors++;
  return {kernel: k ? k.status + '/' + k.connectionStatus : null,
          counts: cells.map(c => c.model.executionCount), errors: errors};
}"""


@dataclass
class LessonTimes:
    page_ready: float = 0.0  # goto -> kernel idle and connected
    run_all: float = 0.0  # Run All clicked -> every code cell executed and the kernel idle


class LabNotebook:
    """A lesson open in JupyterLab, in a fresh workspace of its own."""

    def __init__(self, page: Page, server: Any, path: str) -> None:
        self.page = page
        self.server = server
        self.path = path
        self.times = LessonTimes()

    @property
    def notebook(self) -> Locator:
        return self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").first

    @property
    def outputs(self) -> Locator:
        return self.notebook.locator(".jp-Cell-outputArea")

    def state(self) -> dict | None:
        return self.page.evaluate(_LAB_STATE)

    def open(self, timeout: float = 90) -> LabNotebook:
        workspace = re.sub(r"[^A-Za-z0-9]", "-", self.path) + f"-{time.monotonic_ns()}"
        url = f"{self.server.url}/lab/workspaces/{workspace}/tree/{self.path}?reset&token={self.server.token}"
        t0 = time.perf_counter()
        self.page.goto(url)
        # The kernel-readiness race: the toolbar indicator reads "idle" before a kernel exists, and
        # Run All fired then runs nothing. Wait for the status bar AND a connected, idle kernel.
        self.page.get_by_text("Python 3 (ipykernel) | Idle").first.wait_for(timeout=timeout * 1000)
        self._poll(lambda s: s and s["kernel"] == "idle/connected", timeout, "a connected, idle kernel")
        self.times.page_ready = time.perf_counter() - t0
        return self

    def run_all(self, timeout: float = 120, *, keyboard: bool = False) -> LabNotebook:
        """Run all cells from the Run menu (``keyboard``: as the lessons' top line says to with the keyboard alone,
        Ctrl+Shift+C, "run all", Enter), then wait until every code cell has run (or one failed)."""
        t0 = time.perf_counter()
        if keyboard:
            self.page.keyboard.press("Control+Shift+C")
            self.page.keyboard.type("run all")
            # (the first match, which Enter runs, is Run All Cells)
            self.page.locator('li.lm-CommandPalette-item.lm-mod-active[data-command="notebook:run-all-cells"]'
                              ).wait_for(timeout=10_000)
            self.page.keyboard.press("Enter")
        else:
            self.page.get_by_role("menuitem", name="Run", exact=True).click()
            self.page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        self._poll(lambda s: s and (s["errors"] or (all(c is not None for c in s["counts"])
                                                    and s["kernel"] == "idle/connected")),
                   timeout, "every code cell to run")
        self.times.run_all = time.perf_counter() - t0
        # widgets render asynchronously after the kernel reports idle
        self.page.wait_for_function(
            "() => !Array.from(document.querySelectorAll('.jp-OutputArea-output'))"
            ".some(e => /Loading widget/.test(e.textContent))", timeout=30_000)
        return self

    def _poll(self, ok: Any, timeout: float, what: str) -> dict:
        deadline = time.monotonic() + timeout
        state = None
        while time.monotonic() < deadline:
            state = self.state()
            if ok(state):
                return state
            time.sleep(0.1)
        raise AssertionError(f"JupyterLab: timed out after {timeout:.0f} s waiting for {what}; last state {state}")


VOILA_SCROLLER = "#rendered_cells"

_VOILA_PROGRESS = """() => {
  const outs = Array.from(document.querySelectorAll('.jp-OutputArea-output'));
  const pending = outs.filter(e => /Loading widget/.test(e.textContent)).length
                + document.querySelectorAll('#loading, .voila-skeleton-container').length;
  return [document.querySelector('#main.jp-LabShell') !== null, pending, outs.length,
          document.querySelectorAll('.jupyter-widgets').length,
          document.querySelectorAll('.js-plotly-plot .main-svg').length].join(',');
}"""


#: App-view pages that had to be loaded twice (see :func:`open_voila`); reported at the end of the run.
VOILA_RETRIES: list[str] = []


#: What the app view shows in place of a widget whose model the page never received.
_VOILA_MODEL_NOT_FOUND = """() => Array.from(document.querySelectorAll('.jp-OutputArea-output'))
  .some(e => /Error displaying widget: model not found/.test(e.textContent))"""


def open_voila(page: Page, server: Any, name: str, timeout: float = 60, settle: float = 1.0,
               retries: int = 2, watcher: Watcher | None = None) -> float:
    """Open a lesson in the app view; return the seconds until it has rendered and settled.

    With progressive rendering (as ``coplearn app`` runs it), Voila 0.5 sends the page at once with a
    placeholder in each cell, runs the notebook, and fills each cell as its outputs (and their
    widgets' models) arrive. "Settled" = the app shell is up, no placeholder or "Loading widget" is
    left, and the number of outputs, widgets and figures has not changed for ``settle`` seconds.

    Voila 0.5.13 sometimes never finishes running a notebook whose cells write into an ``Output``
    widget (voila-dashboards/voila#1428; about 1 page load in 20 here). A learner would reload
    the page, and so do we, ``retries`` times; each reload is recorded in :data:`VOILA_RETRIES`.

    Voila 0.5.13's default mode also, now and then, drew a page with "Error displaying widget:
    model not found" in place of every widget after the first (about 1 load in 4 on a busy 2-core
    machine, 3 December 2026, though a kernel-side probe saw the kernel send every widget's state).
    ``coplearn app`` now uses Voila's progressive rendering, which draws each output once its
    widget's model has arrived (0 in 16 loads, and 0 in the 74 app-view tests, in the same spell).
    Should it still happen, a learner would reload, and so do we, recorded the same way; the
    JavaScript error it logs is moved from ``watcher`` (if given) into that record. A page that
    shows it on every attempt fails.
    """
    stopped: list[str] = []  # kernels of abandoned attempts, which the tests shut down themselves
    for attempt in range(retries + 1):
        t0 = time.perf_counter()
        errors_before = len(watcher.js_errors) if watcher is not None else 0
        try:
            page.goto(f"{server.url}/voila/render/{name}", timeout=timeout * 1000, wait_until="commit")
            settled = _wait_voila_settled(page, name, t0 + timeout, settle) - t0
            if attempt < retries and page.evaluate(_VOILA_MODEL_NOT_FOUND):
                logged = watcher.js_errors[errors_before:] if watcher is not None else []
                if watcher is not None:
                    del watcher.js_errors[errors_before:]
                VOILA_RETRIES.append(f"{name}: reloaded: 'model not found' in place of a widget "
                                     f"(JavaScript: {'; '.join(logged)[:200]})")
                stopped.append(_voila_kernel_id(page))
                shutdown_voila_kernel(page)
                continue
            _forget_own_shutdowns(watcher, stopped, name)
            return settled
        except Exception as exc:  # noqa: BLE001 - a hung render shows up as a timeout
            if attempt == retries:
                raise AssertionError(f"the app view of {name} did not finish rendering in {timeout:.0f} s "
                                     f"({attempt + 1} attempt(s)): {exc}") from exc
            VOILA_RETRIES.append(f"{name}: reloaded after {time.perf_counter() - t0:.0f} s ({exc})"[:300])
            try:
                stopped.append(_voila_kernel_id(page))
                shutdown_voila_kernel(page)  # the stuck kernel
            except Exception:  # noqa: BLE001, S110 - best effort
                pass
    raise AssertionError("unreachable")


def _voila_kernel_id(page: Page) -> str:
    return page.evaluate("""() => { const el = document.getElementById('jupyter-config-data');
                                    return (el && JSON.parse(el.textContent).kernelId) || ''; }""")


def _forget_own_shutdowns(watcher: Watcher | None, stopped: list[str], name: str) -> None:
    """After a reload, the abandoned page's own shutdown request (sent by Voila as the page is left)
    finds the kernel the tests already shut down, and the browser logs its 404: a consequence of the
    reload, not of the lesson. Those lines (only for those kernels) move into the reload's record."""
    if watcher is None or not stopped:
        return
    ours = [e for e in watcher.js_errors
            if any(k and f"/voila/api/shutdown/{k}" in e for k in stopped) and "404" in e]
    for e in ours:
        watcher.js_errors.remove(e)
    if ours:
        VOILA_RETRIES.append(f"{name}: after the reload, the abandoned page's shutdown request found its kernel "
                             f"already stopped ({len(ours)} x 404)")


def _wait_voila_settled(page: Page, name: str, deadline: float, settle: float) -> float:
    last, since = "", time.perf_counter()
    while time.perf_counter() < deadline:
        now = page.evaluate(_VOILA_PROGRESS)
        shell, pending = now.split(",")[:2]
        if now != last:
            last, since = now, time.perf_counter()
        elif shell == "true" and pending == "0" and time.perf_counter() - since >= settle:
            return since
        time.sleep(0.1)
    raise TimeoutError(f"still loading (shell, pending, outputs, widgets, figures = {last})")


def shutdown_voila_kernel(page: Page) -> int:
    """Shut down the kernel behind an app-view page; return the HTTP status (204 = done).

    Voila 0.5.13 tries this itself when a page is left, but its request carries the ``_xsrf``
    cookie, which Voila never sets, so the server refuses it (403) and the kernel lives on. We send
    the same request with a token we set, so the test session does not pile up kernels.
    """
    return page.evaluate("""async () => {
      const el = document.getElementById('jupyter-config-data');
      const id = el && JSON.parse(el.textContent).kernelId;
      if (!id) return 0;
      document.cookie = '_xsrf=coplearn-browser-tests; path=/';
      const form = new FormData(); form.append('_xsrf', 'coplearn-browser-tests');
      const r = await fetch('/voila/api/shutdown/' + id, {method: 'POST', body: form});
      return r.status;
    }""")


# --------------------------------------------------------------------------------------------
# What the page shows

def figure_data(page: Page, scope: str = "body") -> list[Any]:
    """The trace data plotly holds for each rendered figure under ``scope`` (read from the page)."""
    return page.evaluate(
        """(scope) => Array.from(document.querySelectorAll(scope + ' .js-plotly-plot')).map(el =>
             (el.data || []).map(t => ({type: t.type, name: t.name, x: t.x, y: t.y, r: t.r, theta: t.theta,
                                        text: t.text, values: t.values, labels: t.labels})))""", scope)


def visible_text(locator: Locator) -> str:
    return "\n".join(locator.all_inner_texts())


def heading_levels(page: Page, scope: str) -> list[tuple[int, str]]:
    """(level, text) of every heading under ``scope`` in document order, as a screen reader lists them."""
    return [tuple(x) for x in page.evaluate(
        """(scope) => Array.from(document.querySelectorAll(scope)).flatMap(root =>
             Array.from(root.querySelectorAll('h1,h2,h3,h4,h5,h6,[role=heading]'))
               .filter(h => !h.closest('.jp-InputArea-editor, .lm-mod-hidden'))
               .map(h => [h.getAttribute('aria-level') ? Number(h.getAttribute('aria-level'))
                          : Number(h.tagName[1]), h.textContent.replace('¶', '').trim()]))""", scope)]


def heading_problems(levels: list[tuple[int, str]]) -> list[str]:
    problems = []
    if [lv for lv, _ in levels].count(1) != 1:
        problems.append(f"expected exactly one h1, found {[t for lv, t in levels if lv == 1]}")
    if levels and levels[0][0] != 1:
        problems.append(f"the first heading is h{levels[0][0]} '{levels[0][1]}', not the h1")
    for (prev, _), (lv, text) in zip(levels, levels[1:]):
        if lv > prev + 1:
            problems.append(f"'{text}' jumps from h{prev} to h{lv}")
    return problems


def check_text_alternatives(page: Page, scope: str) -> None:
    """Every plotly figure is followed by a text alternative that the accessibility tree exposes."""
    n_figures = page.locator(f"{scope} .js-plotly-plot").count()
    alts = page.locator(f"{scope} .coplearn-alt")
    assert alts.count() >= n_figures, f"{n_figures} figure(s) but only {alts.count()} text alternative(s)"
    # each figure's own output area holds its alternative right after it
    orphans = page.evaluate(
        """(scope) => Array.from(document.querySelectorAll(scope + ' .js-plotly-plot')).filter(fig => {
             const area = fig.closest('.jp-OutputArea'); return !area || !area.querySelector('.coplearn-alt');
           }).length""", scope)
    assert orphans == 0, f"{orphans} figure(s) without a text alternative beside them"
    # the drawing itself is hidden from screen readers, which read its ticks and labels as loose words
    page.wait_for_function(
        """(scope) => Array.from(document.querySelectorAll(scope + ' .js-plotly-plot svg.main-svg'))
             .every(svg => svg.getAttribute('aria-hidden') === 'true')""", arg=scope, timeout=10_000)
    for i in range(alts.count()):
        alt = alts.nth(i)
        label = alt.get_attribute("aria-label") or ""
        assert label.startswith("Text description: "), f"text alternative {i + 1} has no label: {label!r}"
        # reachable: in the accessibility tree as a named note, with the description's own words
        tree = " ".join(alt.aria_snapshot().split())
        assert re.search(r'note "Text description: ', tree), tree[:300]
        title = label.removeprefix("Text description: ")
        para = " ".join(alt.locator("p").first.inner_text().split())
        words = re.split(r"[\"'\\]", para[len(title) + 1:].strip())[0][:40]
        assert words and words in tree, f"the description of '{title}' is not in the accessibility tree: {tree[:300]}"
        # the data table opens from the keyboard and is then a table in the tree
        summary = alt.locator("summary")
        summary.focus()
        summary.press("Enter")
        opened = alt.aria_snapshot()
        assert re.search(r"- '?table\b", opened) and "- row" in opened, \
            f"'{title}': no data table after opening its summary: {opened[:300]}"


# --------------------------------------------------------------------------------------------
# axe-core

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def run_axe(page: Page, include: list[str], exclude: list[str] | None = None, *, scroller: str | None = None) -> dict:
    """Run axe-core (bundled by axe-playwright-python) on the parts of the page ``include`` selects.

    ``scroller``: the page's scrolling area (JupyterLab's notebook). axe treats text outside the
    ``<body>`` box as invisible and skips it; JupyterLab's body is only a few pixels tall (its shell
    is absolutely positioned), so axe would check the contrast of nothing. For the run we let the body
    fill the window and grow the window to the whole notebook; no colour changes.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    context: dict[str, Any] = {"include": [[s] for s in include]}
    if exclude:
        context["exclude"] = [[s] for s in exclude]
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS},
               "resultTypes": ["violations", "incomplete"]}
    size = page.viewport_size or {"width": 1280, "height": 900}
    style = None
    try:
        if scroller:
            style = page.add_style_tag(content="html, body { height: 100% !important; }")
            height = page.evaluate(
                "(sel) => { const el = document.querySelector(sel); if (!el) return 0; el.scrollTop = 0;"
                " return el.scrollHeight + (el.getBoundingClientRect().top || 0) + 40; }", scroller)
            if height > size["height"]:
                page.set_viewport_size({"width": size["width"], "height": int(min(height, 30000))})
                page.wait_for_timeout(300)
        return page.evaluate("([c, o]) => axe.run(c, o)", [context, options])
    finally:
        if style is not None:
            style.evaluate("el => el.remove()")
        page.set_viewport_size(size)


_CONTROL_CONTRAST = """(scope) => {
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
                              return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const bg = el => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor);
                     if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3); } return [255, 255, 255]; };
  const out = [];
  for (const el of document.querySelectorAll(scope + ' select, ' + scope + ' textarea, ' + scope + ' input[type=text]')) {
    if (el.offsetParent === null) continue;
    const fg = rgb(getComputedStyle(el).color).slice(0, 3), back = bg(el);
    const [a, b] = [lum(fg), lum(back)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    if (ratio < 4.5) out.push(`${el.tagName.toLowerCase()} ${(el.labels && el.labels[0] ? el.labels[0].textContent : '').trim()}: ${ratio.toFixed(2)}:1`);
  }
  return out;
}"""


def control_contrast_problems(page: Page, scope: str) -> list[str]:
    """Form controls whose text is below 4.5:1 against their background.

    axe leaves drop-downs as "needs review" (ipywidgets draws the arrow as a background image), so
    we compute the ratio ourselves from the computed colours (WCAG 2.x relative luminance).
    """
    return page.evaluate(_CONTROL_CONTRAST, scope)


def axe_summary(results: dict) -> dict[str, Any]:
    """Violations counted by impact, with the rule ids, and the rules axe could not decide."""
    by_impact: dict[str, int] = {"critical": 0, "serious": 0, "moderate": 0, "minor": 0}
    rules: dict[str, dict] = {}
    for v in results["violations"]:
        by_impact[v["impact"] or "minor"] += len(v["nodes"])
        rules[v["id"]] = {"impact": v["impact"], "nodes": len(v["nodes"]), "help": v["help"],
                          "targets": [", ".join(map(str, n["target"])) for n in v["nodes"][:5]],
                          "html": [n["html"][:200] for n in v["nodes"][:3]]}
    incomplete = {v["id"]: len(v["nodes"]) for v in results.get("incomplete", [])}
    return {"by_impact": by_impact, "rules": rules, "incomplete": incomplete}


def axe_failures(summary: dict) -> list[str]:
    return [f"{rid} ({r['impact']}, {r['nodes']} element(s)): {r['help']}; e.g. {r['targets'][:2]} {r['html'][:1]}"
            for rid, r in summary["rules"].items() if r["impact"] in ("serious", "critical")]


def save_axe(name: str, summary: dict) -> None:
    AXE_RESULTS.mkdir(parents=True, exist_ok=True)
    (AXE_RESULTS / f"{name}.json").write_text(json.dumps(summary, indent=2))


# --------------------------------------------------------------------------------------------
# Screenshots

def screenshot_whole(page: Page, path: Path, scroller: str) -> None:
    """Screenshot the whole of a scrolling area by growing the viewport to its height for a moment."""
    path.parent.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size or {"width": 1280, "height": 900}
    height = page.evaluate(
        "(sel) => { const el = document.querySelector(sel); if (!el) return 0; el.scrollTop = 0;"
        " return el.scrollHeight + (el.getBoundingClientRect().top || 0) + 40; }", scroller)
    try:
        if height > size["height"]:
            page.set_viewport_size({"width": size["width"], "height": int(min(height, 16000))})
            page.wait_for_timeout(300)
        page.screenshot(path=str(path))
    finally:
        page.set_viewport_size(size)
