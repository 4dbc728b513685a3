"""check24 finding 6 (``/work/logs/check24.md``): once earlier answers had used up a notebook's Markdown
budget (``MARKUP_BUDGET``), an answer box left exactly as released was drawn as preformatted text under
a note saying it "has more lines or Markdown marks than the grading page draws quickly": untrue, and a
manually graded box rewritten so no longer passed nbgrader's own test of a box left blank (its checksum),
so the tutor had to mark it by hand. A box left as released (or blank) now stays exactly as it is, charged
to no budget, and the note says which of the two reasons it was shown as typed.

The sanitising step runs directly here, on the gradebook's cells as ``gradebook_cells`` gives them (no
nbgrader run, so no kernel); the course's own box text is a1's, from ``solutions/``.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.nbgrader]

REPO = Path(__file__).resolve().parents[2]
A1 = "a1-learning-cultures"
#: An answer of weight 1,999 (under one answer's 2,000): three of them and one of 3 spend the notebook's 6,000.
LIST = "- a\n" * 1998
#: The two notes (sanitise.PLAIN_NOTE, BUDGET_NOTE), by their words.
PLAIN_NOTE = "Shown as typed, without its formatting: this answer has more lines or Markdown marks than"
BUDGET_NOTE = ("Shown as typed, without its formatting: the answers above it in this notebook already have as many "
               "lines and Markdown marks as the grading page draws quickly.")


def _a1_box() -> str:
    nb = json.loads((REPO / "solutions" / A1 / f"{A1}.ipynb").read_text(encoding="utf-8"))
    return next("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"
                and "Your answer to question 3(a)" in "".join(c["source"]))


def _graded_box() -> Any:
    """A manually graded written answer box (nbgrader's "Manually graded answer"), as released."""
    import nbformat
    from nbgrader.utils import compute_checksum

    box = nbformat.v4.new_markdown_cell("YOUR ANSWER HERE")
    box.metadata["nbgrader"] = {"schema_version": 3, "grade_id": "essay", "grade": True, "solution": True,
                                "locked": False, "task": False, "points": 10}
    box.metadata["nbgrader"]["checksum"] = compute_checksum(box)
    return box


def _sanitised(tmp_path: Path, sources: list[Any], monkeypatch: pytest.MonkeyPatch,
               caplog: pytest.LogCaptureFixture) -> list[Any]:
    import copy

    import nbformat
    from traitlets.config import Config

    from coplearn.grading import gradebook, sanitise

    (tmp_path / "solutions" / A1).mkdir(parents=True)
    course_nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(_a1_box())])
    nbformat.write(course_nb, tmp_path / "solutions" / A1 / f"{A1}.ipynb")
    box = _graded_box()
    cells = {"essay": {"cell_type": "markdown", "locked": False, "source": box.source,
                       "nbgrader": dict(box.metadata["nbgrader"])}}
    monkeypatch.setattr(gradebook, "_GB_CACHE", {("db", "", A1, A1): (cells, {"essay"}, {"essay"}, {f"{A1}.ipynb"})})
    config = Config()
    config.CourseDirectory.root = str(tmp_path)
    config.CourseDirectory.source_directory = "solutions"
    nb = nbformat.v4.new_notebook(cells=[copy.deepcopy(c) if not isinstance(c, str) else nbformat.v4.new_markdown_cell(c)
                                         for c in sources])
    step = sanitise.AnswersAsData(config=config)
    step.log = logging.getLogger("check24-sanitise")
    resources = {"nbgrader": {"db_url": "db", "assignment": A1, "notebook": A1, "student": "s1"},
                 "metadata": {"path": str(tmp_path)}}
    with caplog.at_level(logging.WARNING, logger="check24-sanitise"):
        out, _ = step.preprocess(nb, resources)
    return out.cells


def test_boxes_left_as_released_after_the_budget_is_spent_stay_exactly_as_released(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    from nbgrader.utils import determine_grade

    prompt = _a1_box()
    cells = _sanitised(tmp_path, [LIST, LIST, LIST, "a\nb\nc", prompt, _graded_box(), "", "\n\n"],
                       monkeypatch, caplog)
    assert [c.source for c in cells[4:]] == [prompt, "YOUR ANSWER HERE", "", ""]  # (before: preformatted, noted)
    assert determine_grade(cells[5]) == (0, 10.0)  # nbgrader's own: left blank, 0 (before: None, marked by hand)
    assert "cell 5" not in caplog.text and "cell 6" not in caplog.text, caplog.text


def test_a_box_as_released_is_charged_to_no_budget_but_a_further_copy_of_it_is(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    prompt = _a1_box()
    cells = _sanitised(tmp_path, [prompt, _graded_box(), LIST, LIST, LIST, "a\nb\nc", prompt],
                       monkeypatch, caplog)
    assert [c.source for c in cells[:2]] == [prompt, "YOUR ANSWER HERE"]
    assert not any("Shown as typed" in c.source for c in cells[2:6])  # (6,000 between them: all drawn as Markdown)
    assert BUDGET_NOTE in cells[6].source and prompt.split("**")[1] in cells[6].source  # the copy: the budget's
    assert not cells[6].source.startswith("> ")  # (the course's text, never framed as the student's)


def test_the_note_says_truly_why_an_answer_is_shown_as_typed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    heavy = "1. a\n" * 20000
    cells = _sanitised(tmp_path, [heavy, LIST, LIST, LIST, "a\nb\nc", "Trust first, *then* tasks.", heavy],
                       monkeypatch, caplog)
    notes = [PLAIN_NOTE if PLAIN_NOTE in c.source else BUDGET_NOTE if BUDGET_NOTE in c.source else None for c in cells]
    assert notes == [PLAIN_NOTE, None, None, None, None, BUDGET_NOTE, PLAIN_NOTE], notes  # (before: PLAIN_NOTE at 5)
    assert "Trust first, *then* tasks." in cells[5].source
    assert "cell 6 is shown for marking and in the feedback as typed, as plain text without its Markdown formatting: " \
           "the answers above it in this notebook already hold as many lines and Markdown marks as the grading page " \
           "draws quickly" in caplog.text, caplog.text
    assert "cells 1, 7 are shown for marking and in the feedback as typed, as plain text without its Markdown " \
           "formatting: they hold more lines or Markdown marks than the grading page draws quickly" in caplog.text
