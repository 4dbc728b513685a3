"""A gradebook several tutors can share: nbgrader on a real PostgreSQL server.

The server is Debian's PostgreSQL, started on 127.0.0.1 in a temporary folder for these tests
and stopped afterwards (see the ``postgres_server`` fixture). The course points nbgrader at it
with ``c.CourseDirectory.db_url``, as docs/tutor-guide.md tells tutors to do.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import hub_helpers

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow, pytest.mark.timeout(900)]

COHORT = {"ada": "correct", "bea": "partial", "cal": "blank"}


def _use_db(course: Path, url: str) -> None:
    cfg = course / "nbgrader_config.py"
    cfg.write_text(cfg.read_text() + f"\nc.CourseDirectory.db_url = {url!r}\n")


@pytest.fixture(scope="module")
def pg_courses(postgres_server, tmp_path_factory):
    """Two copies of one course and cohort, each with its own PostgreSQL gradebook."""
    base = tmp_path_factory.mktemp("pg")
    first = base / "serial"
    # the course's gradebook lives in PostgreSQL from the start: generate_assignment writes there
    url_a = postgres_server()
    assignment = hub_helpers.make_course(
        first, extra_config=f"c.Execute.timeout = 20\nc.CourseDirectory.db_url = {url_a!r}\n")
    hub_helpers.submit_cohort(first, assignment, COHORT)
    second = base / "parallel"
    shutil.copytree(first, second)
    url_b = postgres_server()
    # the second copy gets its own database with the same assignment in it
    cfg = second / "nbgrader_config.py"
    cfg.write_text(cfg.read_text().replace(url_a, url_b))
    hub_helpers.nbgrader(second, "generate_assignment", assignment, "--force")
    assert not (first / "gradebook.db").exists() and not (second / "gradebook.db").exists()
    # serial nbgrader on the first, the parallel command on the second
    hub_helpers.nbgrader(first, "autograde", assignment)
    proc = subprocess.run([sys.executable, "-m", "coplearn.cli", "autograde", assignment, "--jobs", "2"],
                          cwd=second, env=hub_helpers._env(), capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return assignment, (first, url_a), (second, url_b)


def test_autograde_round_trip_on_postgresql(pg_courses):
    assignment, (serial, url_a), (parallel, url_b) = pg_courses
    want = hub_helpers.gradebook_scores(serial, assignment, url_a)
    got = hub_helpers.gradebook_scores(parallel, assignment, url_b)
    assert set(want) == set(COHORT)
    assert got == want
    assert want["ada"]["code_score"] > want["bea"]["code_score"] > want["cal"]["code_score"] == 0
    # nothing fell back to SQLite
    assert not (serial / "gradebook.db").exists() and not (parallel / "gradebook.db").exists()

    # feedback and export work from the PostgreSQL gradebook
    hub_helpers.nbgrader(parallel, "generate_feedback", assignment)
    assert len(list((parallel / "feedback").glob(f"*/{assignment}/*.html"))) == len(COHORT) * len(
        list((parallel / "solutions" / assignment).glob("*.ipynb")))
    hub_helpers.nbgrader(parallel, "export", "--to", "grades.csv")
    with open(parallel / "grades.csv", newline="") as fh:
        rows = {r["student_id"]: r for r in csv.DictReader(fh) if r["assignment"] == assignment}
    assert {s: float(r["raw_score"]) for s, r in rows.items()} == {s: want[s]["score"] for s in COHORT}


def test_two_tutors_mark_at_the_same_time(pg_courses):
    """Two tutors' sessions write manual marks concurrently; both marks are kept."""
    from nbgrader.api import Gradebook

    assignment, (serial, url_a), _ = pg_courses
    with Gradebook(url_a, "coplearn") as gb:
        cells = [(nb.name, g.name, g.max_score) for nb in gb.find_assignment(assignment).notebooks
                 for g in nb.grade_cells]
    assert cells, "the assignment has no graded cells"
    nb_name, cell, max_score = cells[-1]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def tutor(student: str, score: float) -> None:
        try:
            with Gradebook(url_a, "coplearn") as gb:
                grade = gb.find_grade(cell, nb_name, assignment, student)
                barrier.wait(timeout=30)
                grade.manual_score = score
                gb.db.commit()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    marks = {"ada": max_score, "bea": max_score / 2}
    threads = [threading.Thread(target=tutor, args=item) for item in marks.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    with Gradebook(url_a, "coplearn") as gb:
        for student, score in marks.items():
            assert gb.find_grade(cell, nb_name, assignment, student).manual_score == score
