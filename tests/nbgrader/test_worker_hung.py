"""`coplearn autograde --jobs N`: a submission that holds its worker past the run's time bound fails
alone. It used to be run again in the main process, where whatever held the worker (red team 3: a
written answer that made a pattern backtrack for days) then held up every student after it.

Here the hold is made on purpose: the course's Markdown filter is made to wait ten minutes on one
student's answer (in the forked workers and in the main process alike)."""

from __future__ import annotations

import time

import pytest
from nbcourse import A1, A1_RIGHT_Q1, A1_RIGHT_Q2, Course, index_of, new_cell, set_source

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]

HOLD = "HOLD-THE-WORKER"


def test_a_hung_worker_costs_only_its_own_student(course: Course, monkeypatch: pytest.MonkeyPatch) -> None:
    import coplearn.grading.parallel as parallel
    import coplearn.grading.sanitise as sanitise

    held, honest = ("w-a-hold", "w-b-hold"), ("w-c-honest", "w-d-honest", "w-e-honest", "w-f-honest")
    for sid in held + honest:
        s = course.student(sid)
        s.fetch(A1)
        nb = s.notebook(A1)
        set_source(nb, "q1-typed", A1_RIGHT_Q1)
        set_source(nb, "q2-typed", A1_RIGHT_Q2)
        if sid in held:
            nb["cells"].insert(index_of(nb, "q3-task") + 1, new_cell("markdown", f"My answer. {HOLD}", "mine-hold"))
        s.save_notebook(A1, nb)
        s.submit(A1)
    course.ok(course.api().collect(A1))

    real = sanitise.inert_markdown

    def slow(text: object) -> object:
        if isinstance(text, str) and HOLD in text:
            time.sleep(600)
        return real(text)

    monkeypatch.setattr(sanitise, "inert_markdown", slow)
    monkeypatch.setattr(parallel, "DEADLINE_BASE", 5)
    monkeypatch.setattr(parallel, "DEADLINE_PER_ROUND", 0)
    start = time.monotonic()
    report = parallel.autograde_parallel(
        A1, jobs=2, course_dir=course.root,
        nbgrader_args=["--student=w-*", "--Execute.timeout=10", "--SandboxedExecute.notebook_timeout=15"])
    took = time.monotonic() - start
    # both workers are held; the honest four wait in the pool's queue (which reports some of them as
    # running), are never started by a worker, and are graded in the main process after the bound
    assert report.failed == held and report.graded == honest
    assert took < 400, f"the run waited {took:.0f} s: a held submission was run again in the main process"
    for sid in honest:
        course.assert_score(A1, sid, 40)


def test_the_time_bound_counts_from_when_a_worker_started_the_submission(tmp_path) -> None:
    """A main process that reaches a student late (itself slowed: a large cohort, a busy machine) must
    not fail a student whose worker started it only recently; one its worker has held for longer than
    a submission may take fails alone; one no worker has started by the run's bound is left to the
    main process (red team 6)."""
    import concurrent.futures
    import os
    import threading

    from coplearn.grading.kept_kernel import started_marker
    from coplearn.grading.parallel import _HUNG, _NOT_STARTED, _Board

    futures = {sid: concurrent.futures.Future() for sid in ("late", "held", "queued")}
    for fut in futures.values():
        fut.set_running_or_notify_cancel()
    past = time.monotonic() - 1  # the run's bound has passed
    board = _Board(futures, past, None, str(tmp_path), per_submission=30)
    for sid, ago in (("late", 0), ("held", 100)):  # the worker marks its start on the monotonic clock
        marker = started_marker(tmp_path, sid)
        os.makedirs(os.path.dirname(marker), exist_ok=True)
        with open(marker, "w", encoding="utf-8") as fh:
            fh.write(repr(time.monotonic() - ago))
    old = time.time() - 1000  # a file time far in the past (a wall clock that jumped) changes nothing
    os.utime(started_marker(tmp_path, "late"), (old, old))
    result = {"student": "late", "error": None, "failed": False, "outcomes": {}, "sanitized": {}, "seconds": 1.0,
              "kernel_wait": 0.0, "warm": 0}
    threading.Timer(3.0, futures["late"].set_result, args=(result,)).start()
    t0 = time.monotonic()
    assert board._result("late") == (result, None)  # waited for its worker, though the run's bound had passed
    assert time.monotonic() - t0 >= 2.5
    t0 = time.monotonic()
    assert board._result("held") == (None, _HUNG)  # held for 100 s, more than the 30 s it may take
    assert board._result("queued") == (None, _NOT_STARTED)  # never started: the main process grades it
    assert time.monotonic() - t0 < 10
