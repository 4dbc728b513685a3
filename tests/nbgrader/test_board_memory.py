"""The main process lets go of a worker's result once it has recorded that student (session 26).

Each result holds the student's executed notebooks (about half a megabyte each for a1 in memory); kept to the
end of the run, they made the main process grow with the cohort (117 MB to 162 MB over 180 students, red team 25).
"""

from __future__ import annotations

import concurrent.futures
import gc
import weakref


class _Notebook:
    """Stands for an executed notebook in a worker's result."""


def _result(student: str, executed: _Notebook) -> dict:
    return {"student": student, "error": None, "failed": False, "seconds": 1.0, "kernel_wait": 0.0, "warm": 1,
            "outcomes": {"nb": {"executed": executed, "fingerprint": "f", "error": None}}, "sanitized": {}}


def test_a_students_result_is_let_go_once_the_main_process_moves_to_the_next(tmp_path) -> None:
    from coplearn.grading.parallel import _Board

    lines: list[str] = []
    futures = {sid: concurrent.futures.Future() for sid in ("s1", "s2", "s3")}
    board = _Board(futures, float("inf"), lines.append, str(tmp_path))
    notebooks = {}
    for sid, fut in futures.items():
        notebooks[sid] = weakref.ref(nb := _Notebook())
        fut.set_running_or_notify_cancel()
        fut.set_result(_result(sid, nb))
        del nb
    assert lines[-1].startswith("3 of 3 submissions run")
    outcome, why = board.wait("s1")
    assert why is None and outcome["nb"]["executed"] is notebooks["s1"]()
    assert board.sanitized("s1", "nb") is None and board.wait("s1")[0] is not None  # its other notebooks: still there
    del outcome
    board.wait("s2")
    gc.collect()
    assert notebooks["s1"]() is None, "s1's executed notebook is still held after the main process moved on"
    assert notebooks["s2"]() is not None and notebooks["s3"]() is not None
    board.wait("s3")
    gc.collect()
    assert notebooks["s2"]() is None
    assert len(board.timings) == 3  # (the timings were taken as each result came, and are kept)
