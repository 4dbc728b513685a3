"""``coplearn autograde -q`` keeps coplearn's own warnings about a student's work (docs16 F14: it hid
"no answers.json came with the notebook ...", which costs that student marks) and drops the rest."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

import hub_helpers

pytestmark = [pytest.mark.nbgrader, pytest.mark.timeout(600)]


def test_quiet_keeps_the_warnings_that_cost_marks(tmp_path: Path) -> None:
    course = tmp_path / "course"
    assignment = hub_helpers.make_course(course)
    hub_helpers.submit_cohort(course, assignment, {"ann": "blank", "bob": "correct"})
    assert not (course / "submitted" / "ann" / assignment / "answers.json").exists()
    proc = subprocess.run([sys.executable, "-m", "coplearn.cli", "autograde", assignment, "-q", "--jobs", "1"],
                          cwd=course, env=hub_helpers._env(), capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "coplearn: ann: no answers.json came with the notebook" in proc.stderr
    assert "Autograded 2 of 2 submissions" in proc.stdout


@pytest.mark.parametrize(("level", "message", "kept"), [
    (logging.ERROR, "[ERROR] something failed", True),
    (logging.WARNING, "coplearn: ann: no answers.json came with the notebook", True),
    (logging.WARNING, "Attribute 'checksum' for cell q1 has changed!", False),
    (logging.INFO, "coplearn: an information line", False),
    (logging.INFO, "Sanitizing /x/submitted/ann/a1/a1.ipynb", False),
])
def test_the_quiet_filter_keeps_errors_and_coplearns_warnings(level: int, message: str, kept: bool) -> None:
    from coplearn.grading.parallel import _only_errors_and_coplearn

    record = logging.LogRecord("AutogradeApp", level, __file__, 1, "%s", (message,), None)
    assert _only_errors_and_coplearn(record) is kept
