"""Red team 27 (``/work/logs/red27.md``): each test failed on the code as it stood at the red team.

- M2  A due date given to ``nbgrader db assignment add`` went through nbgrader's own reading: "BST", "AEST" and
      "CEST" were read as UTC, "11/06/2026" as 6 November, " +0100" as 100 seconds, without a word; late work went
      unflagged (or, with a day-first date typed the other way, everyone was late).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.nbgrader]

REPO = Path(__file__).resolve().parents[2]


def _add(course: Path, due: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nbgrader", "db", "assignment", "add", "z27", f"--duedate={due}"],
                          cwd=course, capture_output=True, text=True, timeout=120)


def _stored(course: Path) -> str:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "coplearn") as gb:
        return str(gb.find_assignment("z27").duedate)


def test_a_due_date_is_read_as_the_course_reads_a_time_or_refused_plainly(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("COPLEARN_COURSE_ID", raising=False)
    shutil.copy(REPO / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    for typed, meant in (("2026-06-11 17:00:00 BST", "2026-06-11 16:00:00"),
                         ("2026-06-11 17:00:00 AEST", "2026-06-11 07:00:00"),
                         ("2026-06-11 17:00:00 +0100", "2026-06-11 16:00:00"),
                         ("2026-06-11T17:00 -0500", "2026-06-11 22:00:00"),  # (formgrader's own form)
                         ("2026-06-11 16:30:00 UTC", "2026-06-11 16:30:00")):
        done = _add(tmp_path, typed)
        assert done.returncode == 0, done.stderr[-2000:]
        assert _stored(tmp_path) == meant, typed
    for typed, why in (("11/06/2026 17:00", "is not written year first"),
                       ("2026-06-11 17:00:00 IST", "cannot read its time zone for certain")):
        done = _add(tmp_path, typed)
        assert done.returncode != 0
        said = done.stdout + done.stderr
        assert f"the due date {typed!r}" in said and why in said and "nothing was changed" in said, said[-2000:]
        assert "Traceback" not in said
        assert _stored(tmp_path) == "2026-06-11 16:30:00"  # (as it was)
