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
