"""The course's OverwriteCells reads a notebook's source and graded cells from the gradebook once
(nbgrader_steps._CellLookup) instead of a query per cell and another per graded cell: the same cells
come out, with the same warnings, for honest and tampered notebooks, in far fewer queries; and no
gradebook is kept once a notebook is done (check24 finding 1: the lookup class was cached by mistake)."""

from __future__ import annotations

import gc
import inspect
import json
import logging
import weakref

import pytest
from nbcourse import A1, Course, honest_a1, index_of, new_cell

pytestmark = [pytest.mark.nbgrader]


def _run(course: Course, nb: dict, *, lookup: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[dict, list[str], int]:
    import nbformat
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from coplearn.grading import nbgrader_steps

    cls = nbgrader_steps.OverwriteCells
    if not lookup:
        monkeypatch.setattr(cls, "_looking_up", lambda self, step, *args: step(*args))
    selects = [0]

    def count(conn, cursor, statement, *args) -> None:  # noqa: ANN001
        if statement.lstrip().upper().startswith("SELECT"):
            selects[0] += 1

    said: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            said.append(record.getMessage())

    step = cls(add_missing_cells=True)
    handler = Keep(logging.WARNING)
    step.log.addHandler(handler)
    event.listen(Engine, "before_cursor_execute", count)
    try:
        out, _ = step.preprocess(nbformat.reads(json.dumps(nb), as_version=4), {"nbgrader": {
            "notebook": A1, "assignment": A1, "db_url": course.db_url, "student": "lookup"}})
    finally:
        event.remove(Engine, "before_cursor_execute", count)
        step.log.removeHandler(handler)
        monkeypatch.undo()
    return nbformat.from_dict(out), said, selects[0]


def _tampered(nb: dict) -> None:
    honest_a1(nb)
    cells = nb["cells"]
    cells[index_of(nb, "q1-statement-02")]["source"] = "assert True  # my own test"       # a locked cell changed
    cells[index_of(nb, "q1-statement-03")]["metadata"]["nbgrader"]["points"] = 99          # more points
    cells[index_of(nb, "q1-statement-04")]["cell_type"] = "markdown"                        # a test made Markdown
    cells[index_of(nb, "q1-statement-04")].pop("outputs", None)
    cells[index_of(nb, "q1-statement-04")].pop("execution_count", None)
    del cells[index_of(nb, "q1-statement-05")]                                              # a test deleted
    # (a grade id the course does not have is forgotten by the course's step before this one: nbgrader's own
    # add_missing_task_cells fails on the cell it leaves without an id, with or without the lookup)
    cells.append(new_cell("code", "y = 2", "theirs", metadata={"nbgrader": {
        "grade_id": "q2-first", "locked": False, "grade": True, "solution": False, "points": 1, "schema_version": 3}}))


@pytest.mark.parametrize("change", [honest_a1, _tampered], ids=["honest", "tampered"])
def test_the_same_cells_and_warnings_in_far_fewer_queries(course: Course, monkeypatch: pytest.MonkeyPatch,
                                                          change) -> None:  # noqa: ANN001
    sid = f"lookup-{change.__name__.strip('_')}"
    course.student(sid).fetch(A1)
    nb = course.student(sid).notebook(A1)
    change(nb)
    fast, fast_said, fast_queries = _run(course, nb, lookup=True, monkeypatch=monkeypatch)
    slow, slow_said, slow_queries = _run(course, nb, lookup=False, monkeypatch=monkeypatch)
    assert fast == slow and fast_said == slow_said
    if change is _tampered:
        assert any("checksum" in s for s in fast_said) and any("points" in s for s in fast_said)
    assert fast_queries <= 8 < 30 <= slow_queries, (fast_queries, slow_queries)


def test_no_gradebook_is_kept_once_a_notebook_is_done(course: Course) -> None:
    import nbformat
    from nbgrader.api import Gradebook

    from coplearn.grading import nbgrader_steps

    assert inspect.isclass(nbgrader_steps._CellLookup)  # not wrapped in a cache
    course.student("lookup-kept").fetch(A1)
    nb = course.student("lookup-kept").notebook(A1)
    made: list[weakref.ref] = []
    real_init = Gradebook.__init__

    def init(self, *args, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        made.append(weakref.ref(self))
        real_init(self, *args, **kwargs)

    Gradebook.__init__ = init
    try:
        for _ in range(3):
            nbgrader_steps.OverwriteCells().preprocess(nbformat.reads(json.dumps(nb), as_version=4), {"nbgrader": {
                "notebook": A1, "assignment": A1, "db_url": course.db_url, "student": "lookup-kept"}})
    finally:
        Gradebook.__init__ = real_init
    gc.collect()
    assert made and [r for r in made if r() is not None] == []
