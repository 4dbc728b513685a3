"""Red team 28 (``/work/logs/red28.md``): the honest student; each test failed on the code as it stood at the red team.

- H1  An answer given below the check that marks it (a first thought noted at the end of the notebook, a scratch cell
      working a value out again) was moved in front of the check and marked in place of the drop-down answer that the
      learner's own run and ``nbgrader validate`` had shown as the one marked: a2 lost 5 of 25, a3 4 to 6 of 15, without
      a word to the tutor. Where a drop-down (or box) answers it, the drop-down answer is now marked, as shown; an
      item no drop-down answers is still placed and marked; the tutor's log says so; and the learner's own run says,
      under such a cell, that the drop-down answer is the one marked.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from nbcourse import A1, A1_KEYS, FAST, Course, cell_by_id, forget_students, output_text, set_source

from test_hostile13 import _placed, _released

pytestmark = [pytest.mark.nbgrader]

A2 = "a2-leading-situationally"


def _saved(**answers: str) -> dict:
    return {"format": "coplearn-answers", "version": 2, "answers": answers}


def _at_end(nb: dict, source: str) -> None:
    nb["cells"].append({"cell_type": "code", "execution_count": None, "id": f"mine-{len(nb['cells'])}",
                        "metadata": {}, "outputs": [], "source": source})


def test_a_value_given_below_its_check_does_not_replace_the_drop_down_answer_shown(
        course: Course, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    all_chosen = _saved(**{f"q1.{k}": v for k, v in A1_KEYS.items()}, **{"q2.1": "managed", "q2.2": "professional"})
    but_12 = _saved(**{f"q1.{k}": v for k, v in A1_KEYS.items() if k != 12}, **{"q2.1": "managed", "q2.2": "professional"})
    cases = {
        # a1: every drop-down right; a second thought on statement 3 noted at the end -> the drop-down is marked
        "t28-a1-item": (A1, "q1 = {3: 'managed'}   # trying statement 3 again", all_chosen, 40),
        # a1: a first thought on question 2 at the end (two tests read it) -> the drop-downs are marked
        "t28-a1-q2": (A1, 'q2 = ["humanistic", "democratic"]  # first thought', all_chosen, 40),
        # a1: statement 12 has no drop-down answer (the learner's run said "not answered"): that item is still
        # placed and marked; statement 3 of the same cell is not (its drop-down is marked)
        "t28-a1-open-item": (A1, f"q1 = {{3: 'managed', 12: {A1_KEYS[12]!r}}}", but_12, 40),
    }
    for sid, (assignment, late, saved, _) in cases.items():
        nb = _released(course, assignment)
        _at_end(nb, late)
        _placed(course, tmp_path, sid, nb, assignment=assignment, saved=saved)
    try:
        with caplog.at_level(logging.WARNING):
            course.ok(course.api(**FAST).autograde(A1, "t28-a1-*"))
        got = {sid: course.score(A1, sid) for sid in cases}
        assert got == {sid: want for sid, (_, _, _, want) in cases.items()}
        record = course.autograded(A1, "t28-a1-item")["metadata"]["coplearn"]["graded_answers"]
        assert record["q1.3"] == "professional"
        said = caplog.text
        assert "t28-a1-item: q1 given only below the test that marks it, which marked the drop-down answer" in said
        assert "t28-a1-open-item: item 3 of q1 given only below the test that marks it" in said
    finally:
        forget_students(course, *cases)


def test_a_single_choice_given_below_its_check_leaves_the_drop_down_marked(course: Course, tmp_path: Path) -> None:
    """a2: the Northgate team's stage chosen with the drop-down, and a first thought typed at the end of the notebook:
    the student's run showed the drop-down answer as marked, and now that is what is marked (the same as without the
    cell at the end). With no drop-down answer, the value at the end is still placed and marked."""
    nb = _released(course, A2)
    saved = _saved(q2_stage="storming")
    _placed(course, tmp_path, "t28-a2-plain", nb, assignment=A2, saved=saved)
    late = _released(course, A2)
    _at_end(late, 'q2_stage = "forming"  # my first thought')
    _placed(course, tmp_path, "t28-a2-late", late, assignment=A2, saved=saved)
    _placed(course, tmp_path, "t28-a2-only-late", late, assignment=A2, saved=_saved())
    typed = _released(course, A2)
    set_source(typed, "q2-typed", 'q2_stage = "forming"')
    _placed(course, tmp_path, "t28-a2-typed-wrong", typed, assignment=A2, saved=_saved())
    try:
        course.ok(course.api(**FAST).autograde(A2, "t28-a2-*"))
        assert course.score(A2, "t28-a2-late") == course.score(A2, "t28-a2-plain") > 0
        # (no drop-down answer: "forming" at the end is placed and marked, as "forming" typed in the answer cell)
        assert course.score(A2, "t28-a2-only-late") == course.score(A2, "t28-a2-typed-wrong") < course.score(A2, "t28-a2-plain")
        # L2: the released cell named the autograder's own cell as where the answer was typed
        graded = course.autograded(A2, "t28-a2-only-late")
        released = "".join(cell_by_id(graded, "q2-typed")["source"])
        typed_at = next(i for i, c in enumerate(graded["cells"])
                        if "q2_stage: the value given here is marked; it was placed in cell" in "".join(c["source"])) + 1
        assert f"q2_stage is marked from the answer typed in cell {typed_at} (placed in cell " in released, released
    finally:
        forget_students(course, "t28-a2-plain", "t28-a2-late", "t28-a2-only-late", "t28-a2-typed-wrong")


def test_the_learners_run_says_a_value_below_its_check_is_not_the_one_marked(tmp_path: Path, monkeypatch) -> None:
    """The learner's own run (JupyterLab names each cell that runs): under a cell that gives q2_stage after its check
    showed the drop-down answer, a note says the drop-down answer is the one marked (it said nothing); a worked-out
    value there is saved but no longer said to be "what will be marked". The released answer cell, run again after
    the check, says nothing of it; nor does any cell once the set-up cell has run again."""
    import io
    from contextlib import redirect_stdout
    from types import SimpleNamespace

    import IPython

    from coplearn.grading import resolve

    monkeypatch.chdir(tmp_path)
    (tmp_path / "answers.json").write_text(json.dumps(_saved(q2_stage="storming")), encoding="utf-8")
    namespace: dict = {}
    monkeypatch.setattr(IPython, "get_ipython", lambda: SimpleNamespace(user_ns=namespace))

    def ran(source: str, cell: str) -> str:
        with redirect_stdout(io.StringIO()) as said:
            exec(source, {}, namespace)
            resolve._after_cell(SimpleNamespace(info=SimpleNamespace(raw_cell=source, cell_id=cell),
                                                error_before_exec=None, error_in_exec=None))
        return said.getvalue()

    def check() -> str:
        with redirect_stdout(io.StringIO()) as said:
            resolve.choice("q2_stage", kind="stage", label="the stage")
        return said.getvalue()

    states = (resolve._MARKED, resolve._HOW, resolve._UNREAD, resolve._GIVEN_IN, resolve._GIVEN_BY, resolve._CHECKED)
    for state in states:
        state.clear()
    tracking = resolve._TRACKING
    resolve._TRACKING = True
    try:
        assert ran("q2_stage = None", "released") == ""
        assert "storming (chosen with the drop-down)" in check()
        said = ran('q2_stage = "forming"  # my first thought', "mine")
        assert "the check for the stage already ran, showing an answer" in said, said
        assert "If this cell is below that check, the answer that check showed is marked, not this value" in said
        said = ran('q2_stage = "nor" + "ming"  # worked out', "worked")
        assert said.startswith("Note: the check") and "q2_stage = norming, is saved" in said, said
        assert "that is what will be marked)" not in said, said
        assert "not this value" in said
        assert ran('q2_stage = "storming"', "released") == ""  # (the answer cell above the check, typed in)
        for state in states:  # (the set-up cell run again: a fresh start)
            state.clear()
        said = ran('q2_stage = "nor" + "ming"', "worked")
        assert "Saved for marking: q2_stage = norming" in said and "already ran" not in said, said
        # rev28b H1: a check that showed a TYPED answer is above a mend too: the typed answer is marked, not the mend
        for state in states:
            state.clear()
        ran('q2_stage = "storming"', "released")
        assert "storming (typed)" in check()
        said = ran('q2_stage = "nor" + "ming"  # mended below', "mend")
        assert "q2_stage = norming, is saved" in said and "not this value" in said, said
        # rev28b M1: item by item: only the items whose own check showed an answer are named
        for state in states:
            state.clear()
        (tmp_path / "answers.json").write_text(json.dumps(_saved(**{"q1.3": "professional"})), encoding="utf-8")
        ran("q1 = None", "released")
        for item in (3, 12):
            with redirect_stdout(io.StringIO()):
                resolve.choice("q1", item, kind="culture", label=f"statement {item}")
        said = ran('q1 = {3: "managed", 12: "humanistic"}', "mine")
        assert "the check for statement 3 already ran" in said and "statement 12" not in said, said
    finally:
        resolve._TRACKING = tracking
        for state in states:
            state.clear()


def test_an_answer_changed_in_place_in_a_cell_of_its_own_is_saved_and_marked(course: Course) -> None:
    """M1: ``q1[7] = "humanistic"`` or ``q2.append("professional")`` in a cell of its own (a slip mended below the
    answer) was not read as giving q1 or q2: the learner's run saved nothing and said nothing, and the mended value
    was not marked (a1: 30 of 40). Such a cell now works its answer out: the run saves the whole value and says so,
    and that is what is marked, as when the same line shares the answer cell."""
    from coplearn.grading.answers import parse_answer_cell

    for line, name in (('q1[7] = "humanistic"', "q1"), ('q1["team"] = 2.92', "q1"), ('q2.append("professional")', "q2"),
                       ("q1.update({3: 'managed'})", "q1"), ("del q1[3]", "q1")):
        assert parse_answer_cell(line).names == (name,), line
    assert parse_answer_cell("print(q1)").names == () and parse_answer_cell("x = q1.get(3)").names == ()
    sid = "t28-mended"
    try:
        s = course.student(sid)
        s.fetch(A1)
        nb = s.notebook(A1)
        set_source(nb, "q1-typed", "q1 = " + repr({**A1_KEYS, 7: "managed"}))
        set_source(nb, "q2-typed", 'q2 = ["managed"]')
        s.save_notebook(A1, nb)
        s.add_cell(A1, "q1-typed", 'q1[7] = "humanistic"   # changed my mind')
        s.add_cell(A1, "q2-typed", 'q2.append("professional")')
        ran = s.run_all(A1)
        said = " ".join(output_text(c) for c in ran["cells"] if "changed my mind" in "".join(c["source"]))
        assert "Saved for marking: q1 = " in said, said
        s.submit(A1)
        api = course.api(**FAST)
        course.ok(api.collect(A1))
        course.ok(api.autograde(A1, sid))
        assert course.score(A1, sid) == 40
    finally:
        forget_students(course, sid)


def test_a_several_choice_answer_typed_in_question_ones_shape_is_marked_and_validate_names_a_stray(
        course: Course, tmp_path: Path) -> None:
    """M3: ``q2 = {1: "managed", 2: "professional"}`` (numbered as the drop-downs, the shape of question 1) earned
    nothing, while nbgrader validate said "Success!"; so did ``q2 = ["managed (supervision on targets)", ...]``. The
    numbered form is now read in its numbers' order and marked; an entry that is not one of the choices fails
    validate with its note (the autograder still marks the rest), and "the others are marked" is said only if any are."""
    from nbcourse import A1_RIGHT_Q1, load_course_config
    from nbgrader.validator import Validator

    from coplearn.grading.checks import _several_problem

    nb = _released(course, A1)
    set_source(nb, "q1-typed", A1_RIGHT_Q1)
    set_source(nb, "q2-typed", 'q2 = {1: "managed", 2: "professional"}   # the same shape as q1')
    _placed(course, tmp_path, "t28-q2-dict", nb, saved=_saved())
    try:
        course.ok(course.api(**FAST).autograde(A1, "t28-q2-dict"))
        assert course.score(A1, "t28-q2-dict") == 40
    finally:
        forget_students(course, "t28-q2-dict")
    stray = tmp_path / "stray"
    stray.mkdir()
    words = _released(course, A1)
    set_source(words, "q1-typed", A1_RIGHT_Q1)
    set_source(words, "q2-typed", 'q2 = ["managed (supervision on targets)", "professional"]')
    (stray / f"{A1}.ipynb").write_text(json.dumps(words), encoding="utf-8")
    result = Validator(config=load_course_config(course.root, course.exchange)).validate(str(stray / f"{A1}.ipynb"))
    failed = " ".join(e.get("error", "") for e in result.get("failed", []))
    assert "which is not one of the four learning cultures" in failed, result
    alone, _ = _several_problem(["managed (x)"], "culture", 2, "question 2")
    assert "(it earns nothing)" in alone and "the others are marked" not in alone


def test_a_copy_from_an_earlier_release_is_named_for_the_tutor(
        course: Course, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """M2: a student who fetched an assignment before its questions were changed (a locked cell as they received it,
    its own checksum intact, but not the current release's) was marked against the new questions, and the tutor saw
    only nbgrader's "checksum has changed" lines, which read like tampering. The log now names the student and the
    cells, and the record keeps them. A locked cell the student edited is not taken for an earlier release."""
    import nbformat
    from nbgrader.utils import compute_checksum

    from nbcourse import A1_RIGHT_Q1, cell_by_id

    def earlier(nb: dict) -> None:  # the notebook as an earlier release gave it: statement 3 worded otherwise
        cell = cell_by_id(nb, "q1-widget")
        cell["source"] = "".join(cell["source"]).replace("To keep their registration", "To stay on the register")
        cell["metadata"]["nbgrader"]["checksum"] = compute_checksum(nbformat.from_dict(cell))

    old = _released(course, A1)
    earlier(old)
    edited = _released(course, A1)
    cell = cell_by_id(edited, "q1-widget")
    cell["source"] = "".join(cell["source"]).replace("To keep their registration", "To stay on the register")
    cases = {"t28-earlier": old, "t28-edited": edited, "t28-current": _released(course, A1)}
    for sid, nb in cases.items():
        set_source(nb, "q1-typed", A1_RIGHT_Q1)
        _placed(course, tmp_path, sid, nb, saved=_saved())
    try:
        with caplog.at_level(logging.WARNING):
            course.ok(course.api(**FAST).autograde(A1, "t28-*"))
        said = caplog.text
        assert "t28-earlier: handed in a copy from an earlier release of this assignment: 1 of its locked cells is " \
               "(q1-widget) as the student received it, but different in the current release" in said, said[-3000:]
        assert "t28-edited: handed in a copy" not in said and "t28-current: handed in a copy" not in said
        record = course.autograded(A1, "t28-earlier")["metadata"]["coplearn"]["grading"]
        assert record["earlier_release_cells"] == ["q1-widget"]
        assert course.autograded(A1, "t28-current")["metadata"]["coplearn"]["grading"]["earlier_release_cells"] == []
    finally:
        forget_students(course, *cases)


def test_a_notebook_too_bulky_to_read_says_clearing_its_outputs_may_be_enough() -> None:
    """L1: a long printed output (600,000 lines) made a notebook too bulky to grade, and the tutor was told to ask for a
    fresh copy; clearing the outputs (which grading clears anyway) is enough, and the line now says so (the student
    clears them: a tutor clearing the copy in submitted/ would change the work as handed in, rev28b)."""
    from coplearn.grading.submission import _size_checks

    said = _size_checks()[2][2]
    assert "clearing them is enough" in said and "Clear Outputs of All Cells, save and submit again" in said
    assert "fresh copy of the released notebook" in said
