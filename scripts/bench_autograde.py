"""Benchmark section ``autograde``: seconds to autograde one submission, per assignment.

Sequential nbgrader with the course's own configuration (guard, lock-down, guarded executor),
through nbgrader's Python API as formgrader uses it, in a temporary course. Each assignment gets
``SUBMISSIONS`` fully answered submissions (the worked solutions' answers typed into the student
version); the figure is the median seconds per submission. A last row times the command line
(`nbgrader autograde`), which adds the cost of starting nbgrader. Timings are noisy: they depend
on the machine and what else it is doing.

Run alone with ``.venv/bin/python scripts/bench.py autograde``.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENTS = ("a1-learning-cultures", "a2-leading-situationally", "a3-team-audit",
               "a4-supervision-and-involvement", "a5-leadership-plan")
SUBMISSIONS = 3


def _config(root: Path):  # type: ignore[no-untyped-def]
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    more = Config()
    more.CourseDirectory.root = str(root)
    more.Exchange.root = str(root / "exchange")
    cfg.merge(more)
    return cfg


def _answered(source: Path, release: Path) -> dict:
    """The student version with every answer cell filled in from the worked solution."""
    src = {c["metadata"].get("nbgrader", {}).get("grade_id"): c for c in json.loads(source.read_text())["cells"]}
    nb = json.loads(release.read_text())
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution") and cell["cell_type"] == "code":
            text = "".join(src[meta["grade_id"]]["source"])
            cell["source"] = "\n".join(line for line in text.splitlines() if "### BEGIN SOLUTION" not in line
                                       and "### END SOLUTION" not in line)
    return nb


def run() -> list[tuple[str, str, str]]:
    from nbgrader.apps import NbGraderAPI

    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="coplearn-bench-") as tmp:
        root = Path(tmp) / "course"
        root.mkdir()
        shutil.copy(REPO / "nbgrader_config.py", root)
        shutil.copytree(REPO / "solutions", root / "solutions", ignore=shutil.ignore_patterns("answers.json"))
        api = NbGraderAPI(config=_config(root))
        for a in ASSIGNMENTS:
            if not api.generate_assignment(a)["success"]:
                raise RuntimeError(f"nbgrader could not generate {a}")
            release = root / "exercises" / a
            nb = _answered(root / "solutions" / a / f"{a}.ipynb", release / f"{a}.ipynb")
            for n in range(SUBMISSIONS):
                dest = root / "submitted" / f"s{n}" / a
                shutil.copytree(release, dest)
                (dest / f"{a}.ipynb").write_text(json.dumps(nb))
            times = []
            for n in range(SUBMISSIONS):
                t0 = time.perf_counter()
                result = api.autograde(a, f"s{n}")
                times.append(time.perf_counter() - t0)
                if not result["success"]:
                    raise RuntimeError(f"autograde failed for {a}: {result.get('error', '')[-500:]}")
            from nbgrader.api import Gradebook

            with Gradebook(api.coursedir.db_url) as gb:
                sub = gb.find_submission(a, "s0")
                auto, auto_max = sub.code_score, sub.max_code_score
            rows.append((f"autograde one submission, {a} (median of {SUBMISSIONS}; scored {auto:g}/{auto_max:g})",
                         f"{statistics.median(times):.1f} s", "-"))
        env = dict(os.environ, PATH=os.environ["PATH"])
        t0 = time.perf_counter()
        subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "autograde", ASSIGNMENTS[0], "--force"],
                       cwd=root, env=env, check=True, capture_output=True)
        total = time.perf_counter() - t0
        rows.append((f"`nbgrader autograde {ASSIGNMENTS[0]}` for {SUBMISSIONS} submissions (command line)",
                     f"{total:.1f} s", "-"))
        rows.append(("  of which per submission, including nbgrader's start-up",
                     f"{total / SUBMISSIONS:.1f} s", "-"))
    return rows


if __name__ == "__main__":
    for measure, figure, budget in run():
        print(f"{measure:<80} {figure:>8}   budget {budget}")
