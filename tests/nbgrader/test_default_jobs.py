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
    assert "one at a time" in report.summary() and report.kept_here == 3  # one job: no worker, one kept kernel
    err = capfd.readouterr().err
    assert "grading 1 at a time, as this server may use 1 of the machine's 16 cores (--jobs N to choose)" in err
    for sid in ("dj-a", "dj-b", "dj-c"):
        course.assert_score(A1, sid, 40)


def _pragmas(db) -> tuple[int, str]:  # noqa: ANN001
    import sqlalchemy as sa

    engine = sa.create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            return (conn.exec_driver_sql("PRAGMA synchronous").scalar(),
                    conn.exec_driver_sql("PRAGMA journal_mode").scalar())
    finally:
        engine.dispose()


def test_only_the_workers_copies_skip_waiting_for_the_disk(course: Course, tmp_path) -> None:  # noqa: ANN001
    """A worker's private gradebook copy does not wait for the disk (kept_kernel._throwaway_database); the
    setting never reaches the main process, which writes the tutor's real gradebook (check24 finding 3)."""
    import subprocess
    import sys

    import coplearn.grading.parallel as parallel

    probe = ("from coplearn.grading.kept_kernel import _throwaway_database\n_throwaway_database()\n"
             "import sqlalchemy as sa, sys\ne = sa.create_engine('sqlite:///' + sys.argv[1])\n"
             "c = e.connect()\nprint(c.exec_driver_sql('PRAGMA synchronous').scalar(), "
             "c.exec_driver_sql('PRAGMA journal_mode').scalar())")
    out = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "copy.db")], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["0", "memory"], out
    for sid in ("dj-w1", "dj-w2"):
        course.student(sid).hand_in(A1, lambda nb: set_source(nb, "q1-typed", A1_RIGHT_Q1))
    course.ok(course.api().collect(A1))
    report = parallel.autograde_parallel(A1, jobs=2, inline=False, course_dir=course.root,
                                         nbgrader_args=["--student=dj-w*"])
    assert report.ok and report.replayed == 2, report.summary()  # graded by workers
    assert _pragmas(course.root / "gradebook.db") == (2, "delete")  # FULL: SQLite's own, in this process


def test_one_job_grades_in_this_process_exactly_as_serial_nbgrader(course: Course) -> None:
    """One job runs nbgrader's steps here, in one kept kernel, with no worker process: the same grades as
    serial nbgrader (a fresh kernel each), for right, partly right, blank and a dropped set-up cell."""
    import coplearn.grading.parallel as parallel

    def partly(nb: dict) -> None:
        set_source(nb, "q1-typed", 'q1 = {1: "managed", 2: "professional", 3: "professional"}')

    def no_setup(nb: dict) -> None:
        set_source(nb, "q1-typed", A1_RIGHT_Q1)
        nb["cells"] = [c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") != "setup"]

    kinds = {"oj-a-right": lambda nb: (set_source(nb, "q1-typed", A1_RIGHT_Q1), set_source(nb, "q2-typed", A1_RIGHT_Q2)),
             "oj-b-partly": partly, "oj-c-blank": lambda nb: None, "oj-d-nosetup": no_setup}
    for sid, change in kinds.items():
        course.student(sid).hand_in(A1, change)
    course.ok(course.api().collect(A1))
    course.ok(course.api().autograde(A1, "oj-*"))
    serial = {sid: course.grades(A1, sid) for sid in kinds}
    said: list[str] = []
    report = parallel.autograde_parallel(A1, jobs=1, course_dir=course.root, progress=said.append,
                                         nbgrader_args=["--student=oj-*", "--force"])
    assert report.ok and report.kept_here == 4 and report.replayed == 0 and report.jobs == 1, report.summary()
    assert [t.warm for t in report.timings] == [0, 1, 1, 1], report.timings  # one kernel, kept
    assert said[0] == "running 4 submissions one at a time, in one kept kernel"
    assert said[-2:] == ["4 of 4 submissions run", "4 of 4 submissions done"]
    assert {sid: course.grades(A1, sid) for sid in kinds} == serial
    assert course.score(A1, "oj-a-right") == 40 and course.score(A1, "oj-c-blank") == 0
    hidden = [p for p in course.root.iterdir() if p.name.startswith(".coplearn-autograde-")]
    assert hidden == [], hidden  # the private folder is gone


def _inline_step(root, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN001, ANN202
    """parallel._InlineExecuteMixin over a stand-in for nbgrader's Execute that runs nothing."""
    from coplearn.grading import parallel

    class Execute:
        def preprocess(self, nb, resources=None, km=None):  # noqa: ANN001, ANN201
            return nb, resources

    return type("Inline", (parallel._InlineExecuteMixin, Execute),
                {"root": str(root), "counts": {}, "timings": [], "total": 2, "progress": None})


def test_one_job_removes_a_copy_that_failed_part_way(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """check24 finding 8: a copy of a student's grading folder that failed part way (a full disk) was
    left where the kept kernel could see it while it graded the next student."""
    import shutil

    real = tmp_path / "autograded" / "s1" / "a1"
    real.mkdir(parents=True)
    for name in ("a1.ipynb", "answers.json", "data.csv"):
        (real / name).write_text("{}")
    root = tmp_path / "private"
    root.mkdir()
    copy, copied = shutil.copyfile, []

    def full_disk(src, dst, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if copied:
            raise OSError(28, "No space left on device")
        copied.append(src)
        return copy(src, dst, *args, **kwargs)

    monkeypatch.setattr(shutil, "copyfile", full_disk)
    step = _inline_step(root, monkeypatch)()
    resources = {"metadata": {"path": str(real)}, "nbgrader": {"student": "s1", "notebook": "a1"}}
    with pytest.raises(OSError, match="No space"):
        step.preprocess({}, resources)
    assert copied and list(root.iterdir()) == []  # nothing left for the next student's kernel to see
    assert resources["metadata"]["path"] == str(real)


def test_one_job_never_reports_the_last_students_kernel_figures(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """check24 finding 9: a notebook whose run recorded nothing was given the previous student's figures."""
    from coplearn.grading import kept_kernel

    real = tmp_path / "autograded" / "s2" / "a1"
    real.mkdir(parents=True)
    (real / "a1.ipynb").write_text("{}")
    (tmp_path / "private").mkdir()
    cls = _inline_step(tmp_path / "private", monkeypatch)
    kept_kernel._OUTCOMES["a1"] = {"warm": True, "kernel_wait": 5.0}  # the last student's
    try:
        cls().preprocess({}, {"metadata": {"path": str(real)}, "nbgrader": {"student": "s2", "notebook": "a1"}})
    finally:
        kept_kernel._OUTCOMES.pop("a1", None)
    (timing,) = cls.timings
    assert timing.student == "s2" and timing.warm == 0 and timing.kernel_wait == 0.0
