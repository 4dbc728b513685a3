"""`coplearn autograde` without --jobs grades as many at once as the server may really use
(coplearn.grading.capacity), and says why when that is fewer than the machine's cores."""

from __future__ import annotations

import pytest
from nbcourse import A1, A1_RIGHT_Q1, A1_RIGHT_Q2, Course, set_source

from coplearn.grading.capacity import Capacity

pytestmark = [pytest.mark.nbgrader]


def test_the_default_follows_the_servers_share(course: Course, monkeypatch: pytest.MonkeyPatch,
                                               capfd: pytest.CaptureFixture[str]) -> None:
    import coplearn.grading.capacity as capacity
    import coplearn.grading.parallel as parallel

    for sid in ("dj-a", "dj-b", "dj-c"):
        s = course.student(sid)
        s.fetch(A1)
        nb = s.notebook(A1)
        set_source(nb, "q1-typed", A1_RIGHT_Q1)
        set_source(nb, "q2-typed", A1_RIGHT_Q2)
        s.save_notebook(A1, nb)
        s.submit(A1)
    course.ok(course.api().collect(A1))
    # a hub server held to one CPU (and 1 GB) on a 16-core node
    monkeypatch.setattr(capacity, "capacity", lambda: Capacity(cores=16, machine_cores=16, cpu_quota=1,
                                                               memory_limit=1024 ** 3))
    report = parallel.autograde_parallel(A1, course_dir=course.root, nbgrader_args=["--student=dj-*"])
    assert report.ok and report.jobs == 1 and report.graded == ("dj-a", "dj-b", "dj-c")
    assert "with 1 parallel job" in report.summary()
    err = capfd.readouterr().err
    assert "grading 1 at a time, as this server may use 1 of the machine's 16 cores (--jobs N to choose)" in err
    for sid in ("dj-a", "dj-b", "dj-c"):
        course.assert_score(A1, sid, 40)
    # the workers' private gradebooks do not wait for the disk (kept_kernel._throwaway_database); the
    # tutor's real one, written by this process, keeps SQLite's own settings
    import sqlalchemy as sa

    db = course.root / "gradebook.db"
    assert db.is_file()
    engine = sa.create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
    finally:
        engine.dispose()
