"""Findings of red team 11 (``/work/logs/redteam11.md``) on grading, each reproduced and now handled
(F1, the sparse file under ``--jobs``, and F2, a folder name with a line break, are in test_hostile9):

- F1  a notebook of a great many cells was read in full by nbgrader (its reading, schema check and
      steps over every cell: two minutes and 5 GB for a million) before the course refused it,
      while everyone after waited. Now its cells are counted on the file's text first, and nbgrader
      never reads it; under ``--jobs`` no worker takes it.
- F3  a ``timestamp.txt`` a tutor wrote as a UK date (``04/12/2026 17:00``) was read as 12 April, and
      ``5:00 PM`` as 05:00, without a word; a resubmission then looked older than the graded one.
      Now only times written year first are read (others fail that student with a line saying
      what to write), and the warning about a folder's own timestamp says the time it read.
- F5  codes typed on a Greek or Russian keyboard layout (``Κ8``, ``Ρ1``) and choices separated by
      slashes or bars (``K8/I2/T4``) are read, in the learner's check and in grading alike.
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


@pytest.mark.parametrize(("text", "read"), [
    ("2026-12-04 17:00:00.123456 UTC", "2026-12-04 17:00:00.123456"),  # as nbgrader writes it
    ("2026-12-04 17:00", "2026-12-04 17:00:00"),
    ("2026-12-04T17:00:00Z", "2026-12-04 17:00:00"),
    ("2026-12-04T17:00:00+01:00", "2026-12-04 16:00:00"),
    ("\ufeff2026-12-04 17:00:00", "2026-12-04 17:00:00"),  # saved by Notepad
    ("04/12/2026 17:00", None),  # was 12 April
    ("4/12/26 17:00", None),
    ("2026-12-04 5:00 PM", None),  # was 05:00
    ("2026-12-04 17:00:00 BST", None),  # the zone was ignored
    ("2026-12-04 17:00 +01:00", None),  # nbgrader reads a spaced offset as nothing
])
def test_a_timestamp_is_read_only_when_written_year_first(tmp_path: Path, text: str, read: str | None) -> None:
    from coplearn.grading.submission import read_timestamp

    stamp = tmp_path / "timestamp.txt"
    stamp.write_text(text, encoding="utf-8")
    if read is not None:
        assert str(read_timestamp(stamp)) == read
    else:
        with pytest.raises(ValueError, match="not a time written year first"):
            read_timestamp(stamp)


def test_the_warning_about_a_folders_own_timestamp_says_the_time_it_read(tmp_path: Path) -> None:
    from coplearn.grading.submission import _say_if_own_timestamp

    lines: list[str] = []

    class Log:
        def warning(self, text: str, *args: object) -> None:
            lines.append(text % args)

    (tmp_path / "timestamp.txt").write_text("2026-12-04 17:00:00+01:00", encoding="utf-8")
    _say_if_own_timestamp(str(tmp_path), "ann", Log())
    assert lines and "(2026-12-04 17:00:00+01:00, read as 2026-12-04 16:00 UTC)" in lines[0], lines


def test_codes_typed_on_a_greek_or_russian_layout_and_slashes_between_choices_are_read() -> None:
    from coplearn.grading.options import canonical, split_several
    from coplearn.grading.schema import Question, clean_value

    assert canonical("\u039a8", "item") == "K8"  # Greek capital Kappa
    assert canonical("\u03a11", "readiness") == "R1"  # Greek Rho: the R key of a Greek keyboard
    assert canonical("\u04224", "item") == "T4"  # Cyrillic Te
    assert split_several("K8/I2/T4", "item") == ["K8", "I2", "T4"]
    assert split_several("K8 | I2 | T4", "item") == ["K8", "I2", "T4"]
    assert split_several("professional/managed", "culture") == ["professional", "managed"]
    assert clean_value(Question(name="q2", kind="item", items=None, count=3), "\u03a44") == "T4"  # grading reads it too

