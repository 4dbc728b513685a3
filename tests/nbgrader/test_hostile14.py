"""Findings of red team 14 (``/work/logs/redteam14.md``) on grading, each reproduced and now handled.

F1  A first try typed in a scratch cell above the released answer cell, which still held the blank
    form (``None``, or an item left as None or left out), was marked, although the learner's own run
    and ``nbgrader validate`` (Python, top to bottom) had the later blank undo it and used the
    drop-down answer: honest marks lost, or marks the learner's run did not show gained (a1 q2:
    16 shown, 0 given). The autograder now takes the value in effect where each test runs, blank
    included, as Python does; an answer typed only below its test is still placed before it.
F3  One student's made-up ids could fill collect's "whole exchange was changed" window (below).
F5  An answer cell whose values grow past the kernel's limit when written out is now said (below).
F6  ``coplearn autograde '*'`` is refused with one line (below).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from nbcourse import A1, A1_KEYS, A1_RIGHT_Q1, A1_RIGHT_Q2, FAST, Course, cell_by_id, forget_students, set_source

from test_hostile13 import _placed, _released

pytestmark = [pytest.mark.nbgrader]


def _scratch_above(nb: dict, gid: str, source: str, n: int = 1) -> None:
    """A code cell of the learner's own (a first try) just above the released cell ``gid``."""
    index = nb["cells"].index(cell_by_id(nb, gid))
    nb["cells"].insert(index, {"cell_type": "code", "execution_count": None, "id": f"scratch-{gid}-{n}",
                               "metadata": {}, "outputs": [], "source": source})


def _saved(**answers: str) -> dict:
    return {"format": "coplearn-answers", "version": 2, "answers": answers}


def test_a_later_blank_answer_undoes_an_earlier_first_try_as_in_the_learners_run(course: Course, tmp_path: Path) -> None:
    blank_item_1 = "q1 = " + repr({**A1_KEYS, 1: None})
    without_item_1 = "q1 = " + repr({k: v for k, v in A1_KEYS.items() if k != 1})
    cases = {
        # whole question: a wrong first try above the released None; the drop-downs are right -> marked right
        "t14-whole-wrong-try": ({"q2-typed": ('q2 = ["humanistic", "democratic"]  # first thought', "q2 = None")},
                                _saved(**{"q2.1": "managed", "q2.2": "professional"}), 40),
        # the reverse: a right first try undone by the released None; the drop-downs are wrong -> q2 earns nothing
        "t14-whole-right-try": ({"q2-typed": (A1_RIGHT_Q2, "q2 = None")},
                                _saved(**{"q2.1": "humanistic", "q2.2": "democratic"}), 24),
        # item by item: a wrong first try at statement 1, the released cell giving 2-12 and 1 as None
        # (or leaving 1 out); statement 1's drop-down is right -> marked right
        "t14-item-none": ({"q1-typed": ('q1 = {1: "democratic"}', blank_item_1)}, _saved(**{"q1.1": "managed"}), 40),
        "t14-item-left-out": ({"q1-typed": ('q1 = {1: "democratic"}', without_item_1)}, _saved(**{"q1.1": "managed"}), 40),
    }
    for sid, (cells, saved, _) in cases.items():
        nb = _released(course, A1)
        set_source(nb, "q1-typed", A1_RIGHT_Q1)
        set_source(nb, "q2-typed", A1_RIGHT_Q2)
        for gid, (scratch, released_form) in cells.items():
            set_source(nb, gid, released_form)
            _scratch_above(nb, gid, scratch)
        _placed(course, tmp_path, sid, nb, saved=saved)
    try:
        course.ok(course.api(**FAST).autograde(A1, "t14-*"))
        got = {sid: course.score(A1, sid) for sid in cases}
        assert got == {sid: want for sid, (_, _, want) in cases.items()}
    finally:
        forget_students(course, *cases)


def test_autograde_refuses_a_pattern_for_the_assignment(tmp_path: Path, monkeypatch, capsys) -> None:
    """F6: ``coplearn autograde '*'`` graded everyone (nbgrader reads the name as a pattern) but said
    "Autograded 0 of 15 ... 15 could not be graded" and exited 1. One name is asked for instead."""
    from coplearn.cli import main
    from coplearn.grading.parallel import autograde_parallel

    monkeypatch.chdir(tmp_path)
    for pattern in ("*", "a?-learning-cultures", "a[12]-x"):
        assert main(["autograde", pattern]) == 2
        err = capsys.readouterr().err
        assert "give one assignment's name, not a pattern" in err and pattern in err
        with pytest.raises(ValueError, match="not a pattern"):
            autograde_parallel(pattern, course_dir=tmp_path)


def test_made_up_ids_of_one_student_cannot_make_a_whole_exchange_change() -> None:
    """F3: on a shared machine, one student filed 12 submissions under made-up ids (collected without
    an owner check), all changed in the exchange at once beside 3 classmates' older ones: collect took
    it for a change to the whole exchange and kept the student's own backdated time (late work, no
    penalty). Where submissions have several owners, each owner now counts once."""
    from coplearn.grading.exchange import bulk_window

    classmates = [(1000.0 + 10 * i, False, 2001 + i) for i in range(3)]  # on time, long before
    attack = [(9000.0 + i, True, 2666) for i in range(13)]  # the student and 12 made-up ids
    assert bulk_window(classmates + attack) is None
    # a real chmod -R of the exchange: every student's submission changed at once
    chmod = [(9000.0 + i, True, 2001 + i) for i in range(16)]
    assert bulk_window(chmod) == ((9000.0, 9015.0), 16, 16)
    # one account for everyone (the Kubernetes set-up, the course's own tests): each submission counts
    assert bulk_window([(9000.0 + i, True, 0) for i in range(4)]) == ((9000.0, 9003.0), 4, 4)


def test_an_answer_cell_whose_values_grow_past_the_limit_is_said(course: Course, tmp_path: Path) -> None:
    """F5: values holding thousands of invisible characters (each written out as an escape) made the
    rewritten cell longer than the grading kernel reads; its answers were unanswered with no word in
    the log. Since check 17 the values are written as the kernel compares them (the options they
    name), so the answers are marked, as in the learner's own run; values that stay too long are said
    (tests/nbgrader/test_hostile17.py)."""
    a2 = "a2-leading-situationally"
    nb = _released(course, a2)
    zwsp = "\u200b" * 1000
    set_source(nb, "q1-typed", "q1_readiness = {" + ", ".join(
        f'"{k}": "{v}{zwsp}"' for k, v in {"frank": "R3", "dan": "R1", "sian": "R4", "leila": "R2"}.items()) + "}")
    set_source(nb, "q2-typed", 'q2_stage = "storming"')
    _placed(course, tmp_path, "t14-zwsp", nb, a2)
    try:
        result = course.ok(course.api(**FAST).autograde(a2, "t14-zwsp"))
        assert "more than the autograder reads" not in result["log"], result["log"][-3000:]
        assert course.score(a2, "t14-zwsp") == 25  # all four readinesses and the stage, as the learner's run reads them
    finally:
        forget_students(course, "t14-zwsp")


def test_a_huge_written_answer_is_cut_for_the_grading_page_and_feedback(course: Course, tmp_path: Path) -> None:
    """F4: a written answer of tens of MB took formgrader 85-94 s to show, each time, with the tutor's
    whole Jupyter server answering nothing meanwhile; generate_feedback took 91 s. What the grading
    page and the feedback show of one written answer is now bounded; submitted/ keeps it all."""
    from coplearn.grading.sanitise import TEXT_KEPT

    a2 = "a2-leading-situationally"
    nb = _released(course, a2)
    essay = "\n".join(f"Line {n}: I would lead by listening first and agreeing what the team needs." for n in range(40_000))
    box = {"cell_type": "markdown", "id": "my-essay", "metadata": {}, "source": essay}  # the answer to question 3
    nb["cells"].insert(nb["cells"].index(cell_by_id(nb, "q3-task")) + 1, box)
    _placed(course, tmp_path, "t14-essay", nb, a2)
    try:
        result = course.ok(course.api(**FAST).autograde(a2, "t14-essay"))
        assert "t14-essay" in result["log"] and "is a written answer of" in result["log"], result["log"][-3000:]
        graded = course.autograded(a2, "t14-essay")
        shown = next(c for c in graded["cells"] if c.get("id") == box.get("id"))
        text = "".join(shown["source"]) if isinstance(shown["source"], list) else shown["source"]
        assert len(essay) > 20 * TEXT_KEPT and len(text) < 1.1 * TEXT_KEPT  # (the framing adds "> " to each line)
        assert "in submitted/: it is too long to show here" in text and "Line 0:" in text
        handed_in = (course.root / "submitted" / "t14-essay" / a2 / f"{a2}.ipynb").read_text(encoding="utf-8")
        assert "Line 39999:" in handed_in
        course.ok(course.api().generate_feedback(a2, "t14-essay"))
    finally:
        forget_students(course, "t14-essay")
