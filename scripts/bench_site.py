"""Benchmark section: the browser edition (JupyterLite + Pyodide) built, served and opened in Chromium.

Figures: build time (downloads cached), site size, and for one lesson the time from opening it to
its first widget responding to a learner, on a first visit (empty browser cache and storage) and a
second visit (same browser profile, cached), each broken down into its steps (seconds from opening
the lesson): JupyterLab's page until the kernel's worker starts; Python's runtime (from the memory
snapshot when the site has one); the packages' files; the kernel's own start; the lesson's cells;
the widget's response. The worker's steps are timed by the site's start module
(coplearn/site/start.py). Every request to another origin is blocked and counted.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LESSON = "04-the-super-ordinate-learning-culture"


def _first_response(page, base: str) -> dict[str, float]:
    """Seconds from opening the lesson: its kernel ready, every cell run, the first widget responding,
    and the kernel worker's own steps (``w_*``)."""
    sys.path[:0] = [str(REPO / "tests" / "site"), str(REPO / "tests" / "browser")]
    from interactions import interaction_for, perform
    from sitehelpers import notebook, open_lesson, worker_times

    t0 = time.perf_counter()
    times = open_lesson(page, base, LESSON)
    perform(page, notebook(page), interaction_for(LESSON[:2]), timeout=30)
    times["responds"] = time.perf_counter() - t0
    times.update({f"w_{k}": v for k, v in worker_times(page).items()})
    return times


def _steps(times: dict[str, float]) -> list[tuple[str, str]]:
    """The visit broken down: (step, seconds it took), in the order they happen."""
    def span(start: str, end: str) -> str:
        return f"{times[end] - times[start]:.1f} s" if start in times and end in times else "not caught"

    cells = sorted((k for k in times if k.startswith("cell_")), key=lambda k: int(k.split("_")[1]))
    slowest = ""
    if cells and "kernel_idle" in times:
        prev, worst = times["kernel_idle"], (0.0, "")
        for k in cells:
            worst = max(worst, (times[k] - prev, k))
            prev = times[k]
        slowest = f" (slowest: cell {int(worst[1].split('_')[1]) + 1}, {worst[0]:.1f} s)"
    snap = " from its memory snapshot" if "w_snapshot" in times else ""
    return [
        ("JupyterLab's page until the kernel's worker starts", f"{times['w_pyodide_start']:.1f} s"
         if "w_pyodide_start" in times else "not caught"),
        ("reading and unpacking the snapshot and the packages' files", span("w_pyodide_start", "w_snapshot_fetched")),
        (f"Python's runtime{snap}", span("w_snapshot_fetched" if "w_snapshot_fetched" in times else "w_pyodide_start",
                                         "w_runtime_ready")),
        ("writing the packages' files", span("w_runtime_ready", "w_pyodide_ready")),
        ("the kernel's start (package manager, import pyodide_kernel)", span("w_python_1_start", "w_python_2_end")),
        ("until the page sees the kernel idle", span("w_python_2_end", "kernel_idle")),
        (f"the lesson's {len(cells)} cells{slowest}", span("kernel_idle", "ran")),
        ("widgets drawn, then the learner's action answered", span("ran", "responds")),
    ]


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
            page = ctx.new_page()
            first = _first_response(page, base)
            page.close()
            page = ctx.new_page()
            second = _first_response(page, base)
            ctx.close()
        server.shutdown()
        load = f"load {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "-"
        for visit, times, goal in (("first visit", first, "< 20 s"), ("second visit", second, "< 8 s")):
            rows.append((f"lesson {LESSON[:2]}: open -> first widget responds, {visit}", f"{times['responds']:.1f} s",
                         f"{goal} ({load})"))
            rows.extend((f"  {step}", took, "-") for step, took in _steps(times))
        rows.append(("requests to other origins (blocked)", f"{len(guard.foreign)}", "0"))
    return rows
