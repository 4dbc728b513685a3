"""Benchmark section: the browser edition (JupyterLite + Pyodide) built, served and opened in Chromium.

Figures: build time (downloads cached), site size, and for one lesson the time from opening it to
its first widget responding to a learner, on a first visit (empty browser cache and storage) and a
second visit (same browser profile, cached). Every request to another origin is blocked and counted.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LESSON = "04-the-super-ordinate-learning-culture"


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


def run() -> list[tuple[str, str, str]]:
    sys.path[:0] = [str(REPO / "src"), str(REPO / "tests" / "site"), str(REPO / "tests" / "browser")]
    import threading

    from playwright.sync_api import sync_playwright

    from coplearn.site.build import _dir_size, build_site
    from coplearn.site.serve import make_server
    from servers import CHROMIUM_ARGS, find_chromium
    from sitehelpers import OriginGuard

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
            ctx = p.chromium.launch_persistent_context(str(profile), executable_path=exe, args=CHROMIUM_ARGS,
                                                       headless=True, viewport={"width": 1280, "height": 900})
            guard = OriginGuard(base).attach(ctx)
            sent: list[int] = []
            # on the context, not the page: the kernel's worker fetches Python and its packages
            ctx.on("requestfinished", lambda r: sent.append(r.sizes()["responseBodySize"]))
            page = ctx.new_page()
            first = _first_response(page, base)
            transfer = sum(sent)
            page.close()
            page = ctx.new_page()
            second = _first_response(page, base)
            ctx.close()
        server.shutdown()
        for visit, times, goal in (("first visit", first, "< 20 s"), ("second visit", second, "< 8 s")):
            rows.append((f"lesson {LESSON[:2]}: open -> first widget responds, {visit}", f"{times['responds']:.1f} s", goal))
            ready = f"{times['kernel_idle']:.1f} s" if "kernel_idle" in times else "not caught (ran at once)"
            rows.append(("  open -> kernel ready (Pyodide, packages, imports)", ready, "-"))
            rows.append(("  open -> every cell of the lesson has run", f"{times['ran']:.1f} s", "-"))
        rows.append(("  downloaded by the first visit (response bodies)", f"{transfer / 1e6:.1f} MB", "-"))
        rows.append(("requests to other origins (blocked)", f"{len(guard.foreign)}", "0"))
    return rows
