"""Benchmark section: the browser edition (JupyterLite + Pyodide) built, served and opened in Chromium.

Figures: build time (downloads cached), site size, and for one lesson the time from opening it to
its first widget responding to a learner, on a first visit (empty browser cache and storage) and a
second visit (same browser profile, cached). Every request to another origin is counted, and
every other host name is made unresolvable so that such a request cannot leave the machine.

No request interception here (the tests' ``OriginGuard`` routes every request through Playwright):
Playwright turns the browser's HTTP cache off while it routes requests, and a "second visit" would
then fetch everything again. Figures measured with it before 3 December 2026 were such visits.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LESSON = "04-the-super-ordinate-learning-culture"
SECOND_VISITS = 3


def _first_response(page, base: str) -> dict[str, float]:
    """Seconds from opening the lesson: its kernel ready, every cell run, the first widget responding."""
    sys.path[:0] = [str(REPO / "tests" / "site"), str(REPO / "tests" / "browser")]
    from interactions import interaction_for, perform
    from sitehelpers import notebook, open_lesson

    t0 = time.perf_counter()
    times = open_lesson(page, base, LESSON)
    perform(page, notebook(page), interaction_for(LESSON[:2]), timeout=30)
    times["responds"] = time.perf_counter() - t0
    return times


#: A learner's connection, for the rows that measure a first visit over a network (bytes per second:
#: 20 Mbit/s, a typical home or campus connection; this machine's own loopback is far faster).
SLOW_RATE = 20e6 / 8
#: How long the learner reads the first page before opening a lesson, in the prefetch row.
READING = 30.0


def _throttled_server(folder: Path, rate: float):
    """A server for ``folder`` whose responses share ``rate`` bytes per second between them."""
    import functools
    import threading

    from coplearn.site.serve import make_server

    server = make_server(folder, "127.0.0.1", 0)
    handler = server.RequestHandlerClass.func
    lock = threading.Lock()
    clock = [time.monotonic()]  # when the shared link is next free

    def copyfile(self, source, outputfile) -> None:  # noqa: ARG001 - SimpleHTTPRequestHandler's signature
        while chunk := source.read(64 * 1024):
            with lock:
                start = max(clock[0], time.monotonic())
                clock[0] = start + len(chunk) / rate
                wait = clock[0] - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            outputfile.write(chunk)

    made = server.RequestHandlerClass  # functools.partial(Handler, directory=...)
    slow = type("SlowHandler", (handler,), {"copyfile": copyfile})
    server.RequestHandlerClass = functools.partial(slow, *made.args, **made.keywords)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _slow_first_visits(p, exe: str, args: list[str], folder: Path, tmp: Path) -> dict[str, float]:
    """First visits over a SLOW_RATE link: the lesson opened at once, and after READING seconds on
    the site's first page (which fetches the lessons' Python while the learner reads)."""
    server = _throttled_server(folder, SLOW_RATE)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    got: dict[str, float] = {}
    try:
        for case in ("direct", "after reading"):
            ctx = p.chromium.launch_persistent_context(str(tmp / f"slow-{case.replace(' ', '-')}"), executable_path=exe,
                                                       args=args, headless=True, viewport={"width": 1280, "height": 900})
            page = ctx.new_page()
            if case == "after reading":
                page.goto(base + "/")
                page.wait_for_timeout(READING * 1000)
                got["prefetch state"] = page.evaluate(
                    "() => document.documentElement.getAttribute('data-coplearn-prefetch') || 'still fetching'")
            got[case] = _first_response(page, base)["responds"]
            ctx.close()
    finally:
        server.shutdown()
    return got


def run() -> list[tuple[str, str, str]]:
    sys.path[:0] = [str(REPO / "src"), str(REPO / "tests" / "site"), str(REPO / "tests" / "browser")]
    import threading

    from playwright.sync_api import sync_playwright

    from coplearn.site.build import _dir_size, build_site
    from coplearn.site.serve import make_server
    from servers import CHROMIUM_ARGS, find_chromium

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        t0 = time.perf_counter()
        build_site(out, say=lambda _m: None)
        rows.append(("site build (downloads cached)", f"{time.perf_counter() - t0:.1f} s", "-"))
        size = _dir_size(out)
        wasm = _dir_size(out / "static" / "pyodide")
        rows.append(("site size", f"{size / 1e6:.1f} MB", "< 60 MB"))
        rows.append(("  of which Pyodide and the Python packages", f"{wasm / 1e6:.1f} MB", "-"))
        snap = out / "static" / "pyodide" / "coplearn-kernel.snapshot.gz"
        rows.append(("  of which the prepared kernel (memory snapshot, gzip)",
                     f"{snap.stat().st_size / 1e6:.1f} MB" if snap.exists() else "none (no Node.js)", "-"))
        server = make_server(out, "127.0.0.1", 0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        exe = find_chromium()
        if exe is None:
            rows.append(("browser figures", "skipped", "no Chromium"))
            return rows
        with sync_playwright() as p:
            profile = Path(tmp) / "profile"
            # every host but this machine is unresolvable: nothing can be fetched from elsewhere
            block = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
            ctx = p.chromium.launch_persistent_context(str(profile), executable_path=exe, args=[*CHROMIUM_ARGS, block],
                                                       headless=True, viewport={"width": 1280, "height": 900})
            foreign: list[str] = []
            finished: list = []

            def done(request) -> None:
                finished.append(request)

            def seen(request) -> None:
                if not request.url.startswith((base + "/", "data:", "blob:")):
                    foreign.append(request.url)

            # on the context, not the page: the kernel's worker fetches Python and its packages
            ctx.on("request", seen)
            ctx.on("requestfinished", done)
            page = ctx.new_page()
            first = _first_response(page, base)
            ctx.remove_listener("requestfinished", done)
            transfer = sum(r.sizes()["responseBodySize"] for r in finished)  # after the timing, not during it
            page.close()
            later = []
            for _ in range(SECOND_VISITS):  # the machine's noise is large: several, reported as median and range
                page = ctx.new_page()
                later.append(_first_response(page, base))
                page.close()
            ctx.close()
            slow = _slow_first_visits(p, exe, [*CHROMIUM_ARGS, block], out, Path(tmp))
        server.shutdown()

        def figure(visits: list[dict[str, float]], key: str) -> str:
            got = sorted(v[key] for v in visits if key in v)
            if not got:
                return "not caught (ran at once)"
            if len(got) == 1:
                return f"{got[0]:.1f} s"
            return f"{statistics.median(got):.1f} s ({got[0]:.1f}-{got[-1]:.1f})"

        for visit, visits, goal in (("first visit", [first], "< 20 s"),
                                    (f"second visit, median of {SECOND_VISITS}", later, "< 8 s")):
            rows.append((f"lesson {LESSON[:2]}: open -> first widget responds, {visit}", figure(visits, "responds"), goal))
            rows.append(("  open -> kernel ready (Pyodide, packages, imports)", figure(visits, "kernel_idle"), "-"))
            rows.append(("  open -> every cell of the lesson has run", figure(visits, "ran"), "-"))
        rows.append(("  downloaded by the first visit (response bodies)", f"{transfer / 1e6:.1f} MB", "-"))
        mbit = SLOW_RATE * 8 / 1e6
        rows.append((f"first visit over {mbit:.0f} Mbit/s, lesson opened at once", f"{slow['direct']:.1f} s", "-"))
        rows.append((f"first visit over {mbit:.0f} Mbit/s, after {READING:.0f} s on the first page",
                     f"{slow['after reading']:.1f} s", "-"))
        rows.append(("  the first page's prefetch by then", slow["prefetch state"], "-"))
        rows.append(("requests to other origins (blocked)", f"{len(foreign)}", "0"))
    return rows
