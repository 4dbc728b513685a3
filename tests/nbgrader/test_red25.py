"""Red team 25 (``/work/logs/red25.md``): the kept grading kernel over a cohort, and a notebook that runs
past its time limit. These tests were written to fail on the code as it stood at the red team.

- F2  Each a1 notebook leaves its answer widgets (126 of them) and their comms open in a kernel kept
      from one student to the next (``coplearn autograde --jobs 1``, and each worker's kernel with
      ``--jobs 2``): the reset clears the namespace, not the widgets, and ``gc.freeze()`` then keeps
      them out of every later collection. The kernel's memory grows with the cohort, without bound
      (a1, 180 students: 50 MB after the first, 134 MB at the end, about 0.45 MB a student).
- F1  A notebook whose course cell runs past the time limit (here a kernel held still, as on a busy
      server) loses the marks of every later check. Under ``--jobs 2`` (and one worker) nothing at all
      is said in the log, and under ``--jobs 1`` the only line does not name the student; the summary
      says "Autograded N of N" either way.
- F3  A kept kernel that does not answer while being made ready for the next student failed that
      student with jupyter_client's raw ``TimeoutError``.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import threading
import time

import pytest
from nbcourse import A1, A1_RIGHT_Q1, A1_RIGHT_Q2, FAST, Course, forget_students, set_source

pytestmark = [pytest.mark.nbgrader]

_COUNT = r'''
import json as _j
def _count():
    import ipywidgets as W
    ip = get_ipython()
    return {"widgets": len(W.Widget.widgets), "comms": len(ip.kernel.comm_manager.comms)}
print("RED25" + _j.dumps(_count()))
del _count, _j
'''


def _honest(nb: dict) -> None:
    set_source(nb, "q1-typed", A1_RIGHT_Q1)
    set_source(nb, "q2-typed", A1_RIGHT_Q2)


@pytest.mark.slow
def test_red25_a_kept_kernel_does_not_keep_each_student_s_widgets(course: Course, monkeypatch: pytest.MonkeyPatch) -> None:
    """What notebooks leave in a kept kernel is bounded: it is replaced after ``KEEP_FOR`` notebooks (here 2),
    so that the third notebook's kernel holds no more widgets (nor open comms) than the first's. (Closing
    the widgets in the reset instead also closed the layout the course's widgets share: the next notebook's
    drop-downs failed, caught by tests/hub/test_parallel_autograde.py.)"""
    from jupyter_client.utils import run_sync

    from coplearn.grading import kept_kernel, parallel

    sids = [f"r25w-{n}" for n in "abc"]
    seen: list[dict] = []
    original = parallel._InlineExecuteMixin.preprocess

    def counted(self, nb, resources=None, km=None):  # noqa: ANN001, ANN202
        try:
            return original(self, nb, resources, km)
        finally:
            got: list[str] = []

            def hook(msg: dict) -> None:
                if msg["msg_type"] == "stream" and "RED25" in msg["content"].get("text", ""):
                    got.append(msg["content"]["text"].split("RED25", 1)[1])

            if kept_kernel._KEPT.kc is not None:
                run_sync(kept_kernel._KEPT.kc.execute_interactive)(_COUNT, store_history=False, timeout=30, output_hook=hook)
            seen.append(json.loads(got[0]) if got else {})

    monkeypatch.setattr(parallel._InlineExecuteMixin, "preprocess", counted)
    monkeypatch.setattr(kept_kernel, "KEEP_FOR", 2)
    try:
        for sid in sids:
            course.student(sid).hand_in(A1, _honest)
        # (only these students: collect's --update would bring back the latest submission of every other
        # student of this session's shared course, over what the tests that own them have collected)
        course.ok(course.api(CourseDirectory__student_id="r25w-*", **FAST).collect(A1))
        report = parallel.autograde_parallel(A1, jobs=1, course_dir=course.root, progress=lambda _: None,
                                             nbgrader_args=["--student=r25w-*", "--force"])
        assert sorted(report.graded) == sids and report.kept_here == 3, report.summary()
        assert len(seen) == 3 and all(seen), seen
        assert seen[1]["widgets"] > seen[0]["widgets"], seen  # (kept: the second notebook's are added)
        assert seen[-1]["widgets"] <= seen[0]["widgets"] and seen[-1]["comms"] <= seen[0]["comms"], seen
        assert report.timings and sum(t.warm for t in report.timings) == 1, report.timings  # only the second was kept
    finally:
        forget_students(course, *sids)


def _hold_kernel_still(student: str, assignment: str, seconds: float, stop: threading.Event, after: float = 0.25) -> None:
    """Hold still (SIGSTOP) the grading kernel while it runs ``student``'s notebook, as a busy machine would."""
    sha = hashlib.sha256(student.encode()).hexdigest()[:32]
    ends = (f"/{student}/{assignment}", f"/{sha}/{assignment}")
    while not stop.is_set():
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                cmd = open(f"/proc/{pid}/cmdline", "rb").read()
                if b"ipykernel" not in cmd or b"bwrap" in cmd.split(b"\0")[0]:
                    continue
                cwd = os.readlink(f"/proc/{pid}/cwd")
            except OSError:
                continue
            if cwd.endswith(ends):
                time.sleep(after)  # (past the reset, into the set-up cell, which imports the course in a new kernel)
                try:
                    os.kill(int(pid), signal.SIGSTOP)
                    stop.wait(seconds)
                    os.kill(int(pid), signal.SIGCONT)
                except ProcessLookupError:
                    pass
                return
        time.sleep(0.003)


@pytest.mark.slow
@pytest.mark.skipif(not os.path.isdir("/proc"), reason="finds the kernel through /proc")
@pytest.mark.parametrize("inline", [True, False], ids=["one-job-inline", "one-worker"])
def test_red25_a_notebook_past_its_time_limit_is_named(course: Course, inline: bool, capfd: pytest.CaptureFixture) -> None:
    """A student whose notebook ran past the time limit (and so lost the marks of the checks after it) is
    named, with the reason, in the log or in the summary, in every mode."""
    from coplearn.grading.parallel import autograde_parallel

    sid = "r25t-inline" if inline else "r25t-worker"
    stop = threading.Event()
    try:
        course.student(sid).hand_in(A1, _honest)
        course.ok(course.api(CourseDirectory__student_id=sid, **FAST).collect(A1))  # (only this student: above)
        holder = threading.Thread(target=_hold_kernel_still, args=(sid, A1, 9.0, stop), daemon=True)
        holder.start()
        report = autograde_parallel(A1, jobs=1, inline=inline, course_dir=course.root, progress=lambda _: None,
                                    nbgrader_args=[f"--student={sid}", "--force", "--Execute.timeout=2"])
        stop.set()
        holder.join(timeout=15)
        log = capfd.readouterr().err
        assert report.graded == (sid,), (report.summary(), log[-3000:])
        nb = course.autograded(A1, sid)
        outputs = json.dumps([c.get("outputs", []) for c in nb["cells"] if c["cell_type"] == "code"])
        if "time limit" not in outputs and "CellTimeoutError" not in outputs:
            pytest.skip("the kernel was not held still inside a cell this time (timing)")
        assert report.graded == (sid,), report.summary()
        named = [line for line in log.splitlines() if sid in line and ("time limit" in line or "timed out" in line)]
        assert named, [x for x in log.splitlines() if "ERROR" in x or "time limit" in x]
        assert [who for who, _ in report.cut_short] == [sid], report.cut_short
        summary = report.summary()
        assert f"1 of them lost marks to the time limit or a stopped grading kernel, not to their answers: {sid} (" \
            in summary, summary
        print(summary, named, sep="\n")
    finally:
        stop.set()
        forget_students(course, sid)


class _SlowFirstReset(str):
    """``kept_kernel._RESET`` whose first use makes the kernel sleep past the reset's time bound (a kernel
    held up while being made ready for the next student: red team 25 F3); later uses are the real reset."""

    calls = 0

    def format(self, *args, **kw):  # noqa: ANN002, ANN003, ANN201
        type(self).calls += 1
        code = str.format(self, *args, **kw)
        return ("__import__('time').sleep(8)\n" + code) if type(self).calls == 1 else code


@pytest.mark.slow
@pytest.mark.parametrize("inline", [True, False], ids=["one-job-inline", "one-worker"])
def test_red25_a_kernel_that_does_not_answer_while_made_ready_is_replaced_and_the_student_graded(
        course: Course, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture, inline: bool) -> None:
    """F3: a kept kernel that did not answer within the reset's bound failed the student with
    jupyter_client's raw ``TimeoutError`` traceback. It is now replaced, as a kernel that cannot be made
    clean already was, and the student's notebook runs in the new one: graded, as if nothing happened."""
    from coplearn.grading import kept_kernel
    from coplearn.grading.parallel import autograde_parallel

    sid = "r25r-reset-" + ("inline" if inline else "worker")
    monkeypatch.setattr(kept_kernel, "RESET_TIMEOUT", 3)
    monkeypatch.setattr(_SlowFirstReset, "calls", 0)  # (a second run of this test starts afresh)
    monkeypatch.setattr(kept_kernel, "_RESET", _SlowFirstReset(kept_kernel._RESET))
    try:
        course.student(sid).hand_in(A1, _honest)
        course.ok(course.api(CourseDirectory__student_id=sid, **FAST).collect(A1))
        # (a worker is forked with the slow reset and the short bound in place; its count stays in it)
        report = autograde_parallel(A1, jobs=1, inline=inline, course_dir=course.root, progress=lambda _: None,
                                    nbgrader_args=[f"--student={sid}", "--force"])
        log = capfd.readouterr().err
        assert report.graded == (sid,) and report.ok and not report.cut_short, (report.summary(), log[-3000:])
        if inline:
            assert _SlowFirstReset.calls >= 2, "the slow reset was not replaced by a second, in a new kernel"
        else:
            assert report.replayed == 1 and report.executed_here == 0, report  # (run in the worker, not again here)
        assert "Traceback" not in log and "TimeoutError" not in log, log[-3000:]
        assert course.score(A1, sid) == 40, course.score(A1, sid)
    finally:
        forget_students(course, sid)


@pytest.mark.slow
def test_red25_a_worker_s_kernel_started_early_does_not_count_towards_its_replacement(
        course: Course, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker starts its kernel before its first student; that start is not a notebook, so with
    ``KEEP_FOR`` 2 its kernel runs the first two students' notebooks and is replaced for the third
    (counting the early start, it was replaced for the second)."""
    from coplearn.grading import kept_kernel
    from coplearn.grading.parallel import autograde_parallel

    sids = [f"r25k-{n}" for n in "abc"]
    monkeypatch.setattr(kept_kernel, "KEEP_FOR", 2)  # (in place when the worker is forked)
    try:
        for sid in sids:
            course.student(sid).hand_in(A1, _honest)
        course.ok(course.api(CourseDirectory__student_id="r25k-*", **FAST).collect(A1))
        report = autograde_parallel(A1, jobs=1, inline=False, course_dir=course.root, progress=lambda _: None,
                                    nbgrader_args=["--student=r25k-*", "--force"])
        assert sorted(report.graded) == sids and report.replayed == 3, report.summary()
        warm = {t.student: t.warm for t in report.timings}
        assert warm == {"r25k-a": 1, "r25k-b": 1, "r25k-c": 0}, warm
    finally:
        forget_students(course, *sids)
