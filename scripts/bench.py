#!/usr/bin/env python3
"""coplearn benchmarks: prints figures, asserts nothing.

Run with ``./run bench`` (or ``.venv/bin/python scripts/bench.py [SECTION ...]``). Each section
lives in ``scripts/bench_<name>.py`` and defines ``run() -> list[tuple[str, str, str]]`` returning
rows of (measure, figure, budget). Timings are noisy: they depend on the machine and its load.
"""

from __future__ import annotations

import importlib.util
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def _median_run(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, cwd=REPO, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def import_rows(repeat: int = 15) -> list[tuple[str, str, str]]:
    """`import coplearn` above bare Python: the median of repeated fresh interpreters."""
    bare = _median_run([sys.executable, "-c", "pass"], repeat)
    lib = _median_run([sys.executable, "-c", "import coplearn"], repeat)
    full = _median_run([sys.executable, "-c", "import coplearn as cl; cl.cultures(); cl.team_audit(); cl.concepts()"], repeat)
    return [
        ("import coplearn, above bare Python (median of %d)" % repeat, f"{(lib - bare) * 1000:.0f} ms", "< 100 ms"),
        ("import coplearn + load all data, above bare Python", f"{(full - bare) * 1000:.0f} ms", "-"),
    ]


def sections() -> dict[str, object]:
    found: dict[str, object] = {"import": import_rows}
    for path in sorted(HERE.glob("bench_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        found[path.stem.removeprefix("bench_")] = module.run
    return found


def main(argv: list[str]) -> int:
    print(f"coplearn benchmarks on {platform.node()} ({platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}); timings are noisy.\n")
    wanted = argv or None
    for name, run in sections().items():
        if wanted and name not in wanted:
            continue
        print(f"## {name}")
        try:
            rows = run()  # type: ignore[operator]
        except Exception as exc:  # noqa: BLE001 - a broken section must not hide the others
            print(f"  (section failed: {exc.__class__.__name__}: {exc})\n")
            continue
        width = max((len(r[0]) for r in rows), default=10)
        for measure, figure, budget in rows:
            print(f"  {measure:<{width}}  {figure:>12}   budget {budget}")
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
