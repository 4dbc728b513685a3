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
- F6  a notebook saved with its outputs cleared and handed in without answers.json: every
      drop-down answer was lost and the log said nothing; now it says so.
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
    ("2026-06-04 17:00:00.000000 BST", "2026-06-04 16:00:00"),  # nbgrader's exchange, Exchange.timezone Europe/London
    ("2026-12-04 17:00:00 CET", "nbgrader"),  # (nbgrader read "BST" as UTC, an hour late; red team 12 F4)
    ("2026-06-04 17:30 AEST", "2026-06-04 07:30:00"),  # was 17:30 UTC, 9.5 hours late
    ("2026-06-04 17:00 CEST", "2026-06-04 15:00:00"),
    ("2026-12-04 17:00:00 EST", "2026-12-04 22:00:00"),
    ("2026-12-04 5:00 AM", None),
    ("2026-12-04 17:00 +01:00", "spaced"),  # nbgrader reads a spaced offset as nothing; said so (red team 27 L4)
    ("2026-12-04 17:00 IST", "zone"),  # India, Ireland or Israel: refused, not guessed
    ("2026-12-04 17:00 XYZ", "zone"),
])
def test_a_timestamp_is_read_only_when_written_year_first(tmp_path: Path, text: str, read: str | None) -> None:
    from coplearn.grading.submission import read_timestamp

    from nbgrader.utils import parse_utc

    stamp = tmp_path / "timestamp.txt"
    stamp.write_text(text, encoding="utf-8")
    if read == "nbgrader":  # what nbgrader's exchange writes is read as nbgrader reads it
        assert read_timestamp(stamp) == parse_utc(text)
    elif read == "zone":
        with pytest.raises(ValueError, match="time zone .* the course cannot read for certain"):
            read_timestamp(stamp)
    elif read == "spaced":
        with pytest.raises(ValueError, match="with a space before its offset from UTC"):
            read_timestamp(stamp)
    elif read is not None:
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
    # a time that is refused is not also said to be "recorded as the submission time" (docs 12 D14):
    # nbgrader's reading fails the student, with the reason
    lines.clear()
    (tmp_path / "timestamp.txt").write_text("04/12/2026 17:00", encoding="utf-8")
    _say_if_own_timestamp(str(tmp_path), "ann", Log())
    assert lines == []


def test_codes_typed_on_a_greek_or_russian_layout_and_slashes_between_choices_are_read() -> None:
    from coplearn.grading.options import canonical, split_several
    from coplearn.grading.schema import Question, clean_value

    assert canonical("\u039a8", "item") == "K8"  # Greek capital Kappa
    assert canonical("\u03a11", "readiness") == "R1"  # Greek Rho: the R key of a Greek keyboard
    assert canonical("\u03a33", "style") == canonical("S3", "style") == "participating"  # Greek Sigma: the S key
    assert canonical("\u04224", "item") == "T4"  # Cyrillic Te
    assert split_several("K8/I2/T4", "item") == ["K8", "I2", "T4"]
    assert split_several("K8 | I2 | T4", "item") == ["K8", "I2", "T4"]
    assert split_several("professional/managed", "culture") == ["professional", "managed"]
    assert clean_value(Question(name="q2", kind="item", items=None, count=3), "\u03a44") == "T4"  # grading reads it too


@pytest.mark.parametrize("shape", ["plain", "escaped key", "older format", "older format, empty cells beside"])
def test_cells_are_counted_however_the_file_spells_them(tmp_path: Path, shape: str) -> None:
    """Review 11: counting the text '"cell_type"' was walked round with an escaped key, and an older
    format keeps its cells in worksheets; nbformat reads every cell either way. Red team 18 F1: an
    empty "cells" list beside the worksheets hid them (nbformat goes by the version number)."""
    from coplearn.grading.sanitise import MAX_CELLS
    from coplearn.grading.submission import too_many_cells

    cells = [{"cell_type": "raw", "metadata": {}, "source": ""}] * (MAX_CELLS + 5)
    nb: dict = {"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": cells}
    if shape.startswith("older format"):
        nb = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": cells[:10]}, {"cells": cells[10:]}]}
        if "empty cells" in shape:
            nb["cells"] = []
    text = json.dumps(nb)
    if shape == "escaped key":
        text = text.replace('"cell_type"', '"cell\\u005ftype"')
        assert json.loads(text)["cells"][0]["cell_type"] == "raw" and '"cell_type"' not in text
    (tmp_path / "a.ipynb").write_text(text, encoding="utf-8")
    assert too_many_cells(tmp_path / "a.ipynb") == MAX_CELLS + 5
    (tmp_path / "b.ipynb").write_text(json.dumps({**nb, "cells": cells[:3]} if not shape.startswith("older format") else
                                                 {**nb, "worksheets": [{"cells": cells[:3]}]}), encoding="utf-8")
    assert too_many_cells(tmp_path / "b.ipynb") is None


def test_outputs_in_worksheets_are_counted_beside_an_empty_cells_list(tmp_path: Path) -> None:
    """Red team 18 F1, the output cap: the same empty list hid a version 3 notebook's outputs."""
    from coplearn.grading.submission import MAX_OUTPUTS, too_many_outputs

    cell = {"cell_type": "code", "input": "", "language": "python", "metadata": {}, "prompt_number": 1,
            "outputs": [{"output_type": "stream", "stream": "stdout", "text": "x"}] * 1000}
    nb = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "cells": [],
          "worksheets": [{"cells": [cell] * (MAX_OUTPUTS // 1000 + 1)}]}
    (tmp_path / "a.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    assert too_many_outputs(tmp_path / "a.ipynb") == (MAX_OUTPUTS // 1000 + 1) * 1000


def test_a_notebook_with_cleared_outputs_and_no_answers_file_is_named(course: Course, tmp_path: Path) -> None:
    from coplearn.grading.submission import _say_if_answers_file_missing

    lines: list[str] = []

    class Log:
        def warning(self, text: str, *args: object) -> None:
            lines.append(text % args)

        error = warning

    nb = json.loads((course.root / "exercises" / A1 / f"{A1}.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        cell.pop("execution_count", None)
        if cell["cell_type"] == "code":
            cell["outputs"] = []  # Edit > Clear Outputs of All Cells, then saved
    (tmp_path / f"{A1}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    _say_if_answers_file_missing(str(tmp_path), "ann", [str(tmp_path / f"{A1}.ipynb")], Log())
    assert len(lines) == 1 and ("ann: no answers.json came with the notebook, and q1, q2 have no full typed answer, "
                                "so any answers chosen for them with the drop-downs") in lines[0], lines

    # Docs 12 D13: a learner who typed every answer needs no answers.json, so nothing is said; one who
    # typed some of q1's statements hears about q1 alone
    boxes = {name: i for i, cell in enumerate(nb["cells"]) for name in ("q1 = {", "q2 = None")
             if cell["cell_type"] == "code" and "".join(cell["source"]).lstrip().startswith("# Optional")
             and name in "".join(cell["source"])}
    assert len(boxes) == 2, boxes

    def typed(q1: str) -> None:
        nb["cells"][boxes["q1 = {"]]["source"] = q1
        nb["cells"][boxes["q2 = None"]]["source"] = 'q2 = ["humanistic", "democratic"]  # my two'
        (tmp_path / f"{A1}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
        lines.clear()
        _say_if_answers_file_missing(str(tmp_path), "ann", [str(tmp_path / f"{A1}.ipynb")], Log())

    typed("q1 = {" + ", ".join(f'{i}: "managed"' for i in range(1, 13)) + "}")
    assert lines == []
    typed("q1 = {" + ", ".join(f'{i}: "managed"' for i in range(1, 12)) + ", 12: None}")
    assert len(lines) == 1 and "and q1 has no full typed answer, so any answers chosen for it" in lines[0], lines

    lines.clear()
    (tmp_path / "answers.json").write_text("{}", encoding="utf-8")
    _say_if_answers_file_missing(str(tmp_path), "ann", [str(tmp_path / f"{A1}.ipynb")], Log())
    assert not lines



def test_a_notebook_of_too_many_outputs_is_counted_before_nbgrader_reads_it(tmp_path: Path) -> None:
    """Red team 11: a million empty outputs in a notebook within the cell limit took nbgrader a minute
    to read and clear (two under --jobs); the hook now refuses it first."""
    from coplearn.grading.submission import MAX_OUTPUTS, too_many_cells, too_many_outputs

    out = {"output_type": "stream", "name": "stdout", "text": ""}
    cell = {"cell_type": "code", "metadata": {}, "source": "", "execution_count": 1, "outputs": [out] * (MAX_OUTPUTS + 1)}
    (tmp_path / "a.ipynb").write_text(json.dumps({"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": [cell]}))
    assert too_many_outputs(tmp_path / "a.ipynb") == MAX_OUTPUTS + 1 and too_many_cells(tmp_path / "a.ipynb") is None
    cell["outputs"] = [out] * 150
    (tmp_path / "b.ipynb").write_text(json.dumps({"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": [cell]}))
    assert too_many_outputs(tmp_path / "b.ipynb") is None
