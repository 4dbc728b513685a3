"""A tutor's files about real students stay out of git (walk29 L9).

The tutor guide has the tutor make ``students.csv`` (names and emails), ``grades.csv`` (marks) and cohort reports in
the course folder, which the guide also has them update with ``git pull``; ``git status`` listed ``students.csv`` as a
file to add. The course's ``.gitignore`` now keeps them out; the course's own example files stay in git.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("git") is None or not (REPO / ".git").exists(), reason="needs git and a clone")
def test_the_tutors_files_about_students_are_ignored_and_the_examples_are_not() -> None:
    private = ["students.csv", "grades.csv", "grades-a1.csv", "a2-leading-situationally-cohort.html",
               "a2-cohort.md", "docs/a1-learning-cultures-cohort.html", "docs/a1-cohort.md"]
    shipped = ["examples/students.csv", "examples/team-survey.csv", "README.md"]
    proc = subprocess.run(["git", "check-ignore", "--no-index", *private, *shipped], cwd=REPO,
                          capture_output=True, text=True)
    ignored = set(proc.stdout.split())
    assert ignored == set(private), (ignored, proc.stderr)
    tracked = subprocess.run(["git", "ls-files", *shipped[:2]], cwd=REPO, capture_output=True, text=True).stdout.split()
    assert tracked == shipped[:2], tracked
