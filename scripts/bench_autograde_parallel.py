"""Benchmark section: a cohort autograded by serial nbgrader and by ``coplearn autograde --jobs N``.

Run with ``./run bench autograde_parallel`` (or ``.venv/bin/python scripts/bench.py
autograde_parallel``). It builds a temporary course with a cohort of submissions of the real
assignment a1 (correct, partial and blank, in turn), grades identical copies of it serially with
``nbgrader autograde`` and in parallel with ``coplearn autograde``, in the same run, and prints:

- the throughput ratio (serial wall time / parallel wall time; the goal is 1.8x on 2 cores);
- the per-submission median (serial: from nbgrader's log; parallel: in a worker);
- kernel start-up: one cold kernel, its share of serial time, and the time workers still wait
  for kernels with pre-starting (and the parallel run without pre-starting, for comparison);
- ``--jobs 1`` against ``--jobs N``, for how it grows with cores;
- whether the gradebooks came out identical (a check, not a timing).

Environment: ``COPLEARN_BENCH_COHORT`` (default 40) submissions; ``COPLEARN_BENCH_QUICK=1``
skips the ``--jobs 1`` and no-pre-start runs. Timings are noisy: they depend on the machine and
on what else it is doing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests" / "hub"))

import hub_helpers  # noqa: E402 - the tests' course and cohort builders

KINDS = ("correct", "partial", "blank")

PARALLEL_RUN = """
import json, sys
from coplearn.parallel_grade import autograde_parallel
r = autograde_parallel(sys.argv[1], jobs=int(sys.argv[2]), prestart=sys.argv[3] == "1",
                       nbgrader_args=["--log-level=ERROR"])
print(json.dumps({"seconds": r.seconds, "graded": len(r.graded), "failed": len(r.failed),
                  "replayed": r.replayed, "executed_here": r.executed_here,
                  "median": r.median_seconds(),
                  "worker_seconds": sum(t.seconds for t in r.timings),
                  "kernel_wait": sum(t.kernel_wait for t in r.timings),
                  "warm": sum(t.warm for t in r.timings), "notebooks": sum(t.notebooks for t in r.timings)}))
"""


def _cold_kernel_seconds(repeat: int = 5) -> float:
    code = """
import time
from jupyter_client.manager import start_new_kernel
t = time.perf_counter()
km, kc = start_new_kernel(kernel_name="python3")
took = time.perf_counter() - t
kc.stop_channels(); km.shutdown_kernel(now=True)
print(took)
"""
    times = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def _serial(course: Path, assignment: str) -> tuple[float, float]:
    """Wall time of ``nbgrader autograde``, and the median per submission from its log."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", assignment,
                           "--Application.log_format=%(created)f %(message)s"],
                          cwd=course, env=hub_helpers._env(), capture_output=True, text=True)
    wall = time.perf_counter() - t0
    end = time.time()
    starts: list[tuple[float, str]] = []
    for line in proc.stderr.splitlines():
        m = re.match(r"([0-9.]+) Sanitizing .*/submitted/([^/]+)/", line)
        if m and (not starts or starts[-1][1] != m.group(2)):
            starts.append((float(m.group(1)), m.group(2)))
    per = [b[0] - a[0] for a, b in zip(starts, starts[1:])]
    if starts:
        per.append(end - starts[-1][0])
    return wall, (statistics.median(per) if per else float("nan"))


def _parallel(course: Path, assignment: str, jobs: int, prestart: bool) -> dict:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", PARALLEL_RUN, assignment, str(jobs), "1" if prestart else "0"],
                          cwd=course, env=hub_helpers._env(), capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    data["wall"] = wall
    return data


def run() -> list[tuple[str, str, str]]:
    n = int(os.environ.get("COPLEARN_BENCH_COHORT", "40"))
    quick = os.environ.get("COPLEARN_BENCH_QUICK") == "1"
    cores = os.cpu_count() or 1
    base = Path(tempfile.mkdtemp(prefix="coplearn-bench-autograde-"))
    try:
        template = base / "template"
        assignment = hub_helpers.make_course(template)
        cohort = {f"s{i:03d}": KINDS[i % len(KINDS)] for i in range(n)}
        hub_helpers.submit_cohort(template, assignment, cohort)

        def fresh(name: str) -> Path:
            dest = base / name
            shutil.copytree(template, dest)
            return dest

        kernel = _cold_kernel_seconds()
        serial_course = fresh("serial")
        serial_wall, serial_median = _serial(serial_course, assignment)
        par_course = fresh("parallel")
        par = _parallel(par_course, assignment, cores, prestart=True)
        same = (hub_helpers.gradebook_scores(serial_course, assignment)
                == hub_helpers.gradebook_scores(par_course, assignment))
        rows = [
            ("cohort", f"{n} x {assignment}", "-"),
            ("serial nbgrader autograde, wall", f"{serial_wall:.1f} s", "-"),
            (f"coplearn autograde --jobs {cores}, wall", f"{par['wall']:.1f} s", "-"),
            ("throughput ratio (serial / parallel)", f"{serial_wall / par['wall']:.2f}x", ">= 1.8x on 2 cores"),
            ("per-submission median, serial", f"{serial_median:.2f} s", "-"),
            ("per-submission median in a worker, parallel", f"{par['median']:.2f} s", "-"),
            ("one cold kernel start (median of 5)", f"{kernel:.2f} s", "-"),
            ("kernel start-up share of serial time", f"{100 * kernel * n / serial_wall:.0f} %", "-"),
            ("worker time waiting for kernels (pre-started)",
             f"{100 * par['kernel_wait'] / max(par['worker_seconds'], 1e-9):.0f} %", "-"),
            ("notebooks run on a pre-started kernel", f"{par['warm']} of {par['notebooks']}", "-"),
            ("notebooks replayed / re-run in main process", f"{par['replayed']} / {par['executed_here']}", "- / 0"),
            ("gradebook identical to serial", "yes" if same else "NO", "yes"),
        ]
        if not quick:
            one = _parallel(fresh("jobs1"), assignment, 1, prestart=True)
            cold = _parallel(fresh("cold"), assignment, cores, prestart=False)
            rows += [
                ("coplearn autograde --jobs 1, wall", f"{one['wall']:.1f} s", "-"),
                (f"speed-up from --jobs 1 to --jobs {cores}", f"{one['wall'] / par['wall']:.2f}x", f"near {cores}x"),
                (f"--jobs {cores} without pre-starting kernels, wall", f"{cold['wall']:.1f} s", "-"),
                ("worker time waiting for kernels (not pre-started)",
                 f"{100 * cold['kernel_wait'] / max(cold['worker_seconds'], 1e-9):.0f} %", "-"),
            ]
        return rows
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    for row in run():
        print("  ".join(row))
