"""Findings of red team 11 (``/work/logs/redteam11.md``) on grading, each reproduced and now handled
(F1, the sparse file under ``--jobs``, and F2, a folder name with a line break, are in test_hostile9):

- F1  a notebook of a great many cells was read in full by nbgrader (its reading, schema check and
      steps over every cell: two minutes and 5 GB for a million) before the course refused it,
      while everyone after waited. Now its cells are counted on the file's text first, and nbgrader
      never reads it; under ``--jobs`` no worker takes it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from nbcourse import A1, FAST, Course, forget_students, honest_a1, place_copy

pytestmark = [pytest.mark.nbgrader]


@pytest.mark.slow
def test_a_notebook_of_too_many_cells_is_refused_before_nbgrader_reads_it(course: Course, tmp_path: Path) -> None:
    from coplearn.grading.parallel import autograde_parallel
    from coplearn.grading.sanitise import MAX_CELLS

    nb = json.loads((course.root / "exercises" / A1 / f"{A1}.ipynb").read_text(encoding="utf-8"))
    honest_a1(nb)
    honest, crowded = tmp_path / "honest", tmp_path / "crowded"
    honest.mkdir()
    crowded.mkdir()
    (honest / f"{A1}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    extra = [{"cell_type": "raw", "id": f"x{n}", "metadata": {}, "source": ""} for n in range(MAX_CELLS)]
    (crowded / f"{A1}.ipynb").write_text(json.dumps({**nb, "cells": nb["cells"] + extra}), encoding="utf-8")
    place_copy(course, crowded, "t11c-crowded")
    place_copy(course, honest, "t11c-honest")
    cells = len(nb["cells"]) + MAX_CELLS
    try:
        result = course.api(**FAST).autograde(A1, "t11c-*")
        assert not result["success"]  # that one student, as nbgrader reports any failure
        assert course.score(A1, "t11c-honest") == 40
        assert f"coplearn: t11c-crowded: not graded: {A1}.ipynb has {cells:,} cells, more than the {MAX_CELLS:,}" \
            in result["log"], result["log"][-3000:]
        assert "the course grades (a released notebook has fewer than 100): not graded" not in result["log"]  # never read

        said: list[str] = []
        report = autograde_parallel(A1, jobs=2, course_dir=course.root, progress=said.append,
                                    nbgrader_args=["--student=t11c-*", "--force"])
        assert report.failed == ("t11c-crowded",) and report.graded == ("t11c-honest",), report.summary()
        assert [m for m in said if " submissions run" in m] == ["1 of 1 submissions run"], said  # no worker read it
    finally:
        forget_students(course, "t11c-crowded", "t11c-honest")
