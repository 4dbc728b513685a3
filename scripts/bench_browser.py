#!/usr/bin/env python3
"""Benchmark section "browser": each lesson in a real Chromium, JupyterLab and the app view.

For each lesson in JupyterLab (a fresh workspace and kernel each time):
- time to interactive: from opening the page to the first visible response to a learner's
  action (page and kernel ready, Run All from the Run menu, then the lesson's interaction from
  ``tests/browser/interactions.py`` until the page shows its change);
- interaction to visible change: from the action (choose, click, type) to the change on the page.
For the app view (``coplearn app``): from opening the page until the lesson has rendered.

Uses the browser tests' own servers and helpers (``tests/browser``). Prints figures, asserts nothing.
Run with ``./run bench browser`` or ``.venv/bin/python scripts/bench.py browser``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests" / "browser"))


def run() -> list[tuple[str, str, str]]:
    import coplearn as cl
    import interactions
    import pages
    import servers
    from playwright.sync_api import sync_playwright

    exe = servers.find_chromium()
    if exe is None:
        return [("browser section", "skipped", "needs Chromium (apt-get install chromium)")]
    lessons = [(lsn.number, lsn.filename) for lsn in cl.lessons() if (REPO / "course" / lsn.filename).exists()]
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="coplearn-bench-") as tmp:
        root = servers.prepare_root(Path(tmp) / "root")
        lab = servers.start_lab(root, Path(tmp))
        voila = servers.start_voila(root, Path(tmp))
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=exe, args=servers.CHROMIUM_ARGS, headless=True)
                for number, name in lessons:
                    rows += _lab_rows(browser, lab, number, name, interactions, pages, servers)
                for number, name in lessons:
                    rows += _app_rows(browser, voila, number, name, pages)
                browser.close()
        finally:
            lab.stop()
            voila.stop()
    if pages.VOILA_RETRIES:
        rows.append(("app view pages reloaded (Voila hang, voila#1428)", str(len(pages.VOILA_RETRIES)), "0"))
    return rows


def _lab_rows(browser, lab, number, name, interactions, pages, servers) -> list[tuple[str, str, str]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        t0 = time.perf_counter()
        nb = pages.LabNotebook(context.new_page(), lab, f"course/{name}").open()
        nb.run_all()
        latency = interactions.perform(nb.page, nb.outputs, interactions.interaction_for(number))
        tti = time.perf_counter() - t0
        return [
            (f"lesson {number}, JupyterLab: time to interactive (page {nb.times.page_ready:.1f} s + "
             f"run all {nb.times.run_all:.1f} s + response)", f"{tti:.1f} s", "-"),
            (f"lesson {number}, JupyterLab: interaction to visible change", f"{latency * 1000:.0f} ms", "< 1 s"),
        ]
    except Exception as exc:  # noqa: BLE001 - one lesson's failure must not hide the others
        return [(f"lesson {number}, JupyterLab", f"failed: {exc.__class__.__name__}", str(exc)[:80])]
    finally:
        context.close()
        servers.shutdown_kernels(lab)


def _app_rows(browser, voila, number, name, pages) -> list[tuple[str, str, str]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        seconds = pages.open_voila(page, voila, name)
        return [(f"lesson {number}, app view: open to rendered", f"{seconds:.1f} s", "-")]
    except Exception as exc:  # noqa: BLE001
        return [(f"lesson {number}, app view", f"failed: {exc.__class__.__name__}", str(exc)[:80])]
    finally:
        try:
            pages.shutdown_voila_kernel(page)
        except Exception:  # noqa: BLE001, S110 - best effort
            pass
        context.close()


if __name__ == "__main__":
    for measure, figure, budget in run():
        print(f"  {measure:<90} {figure:>12}   budget {budget}")
