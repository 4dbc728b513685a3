"""Benchmark section: each lesson run top to bottom in a fresh kernel, and kernel memory after.

Budgets (DESIGN.md): one lesson under 5 s, the whole course under 60 s, kernel memory after the
heaviest lesson under 150 MB RSS. Prints figures; asserts nothing.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _kernel_rss_mb(client) -> float | None:
    try:
        import psutil

        pid = client.km.provisioner.process.pid  # local provisioner
        return psutil.Process(pid).memory_info().rss / 2**20
    except Exception:  # noqa: BLE001 - a figure we cannot read is reported as missing
        return None


def run() -> list[tuple[str, str, str]]:
    import nbformat
    from nbclient import NotebookClient

    import coplearn as cl

    os.environ.setdefault("COPLEARN_JOURNAL", str(Path(tempfile.mkdtemp()) / "journal.json"))
    rows = []
    total = 0.0
    heaviest = (0.0, "")
    for lesson in cl.lessons():
        path = REPO / "course" / lesson.filename
        if not path.exists():
            rows.append((f"{lesson.number} run-all", "missing", "< 5 s"))
            continue
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=120, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        t0 = time.perf_counter()
        with client.setup_kernel():
            start_done = time.perf_counter()
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
            elapsed = time.perf_counter() - t0
            cells_only = time.perf_counter() - start_done
            rss = _kernel_rss_mb(client)
        total += elapsed
        if rss and rss > heaviest[0]:
            heaviest = (rss, lesson.number)
        rows.append((f"{lesson.number} run-all in a fresh kernel (cells only)",
                     f"{elapsed:.1f} s ({cells_only:.1f} s)", "< 5 s"))
        rows.append((f"{lesson.number} kernel RSS afterwards", f"{rss:.0f} MB" if rss else "n/a", "< 150 MB"))
    rows.append(("whole course, run-all", f"{total:.1f} s", "< 60 s"))
    if heaviest[1]:
        rows.append((f"heaviest lesson ({heaviest[1]}) kernel RSS", f"{heaviest[0]:.0f} MB", "< 150 MB"))
    return rows
