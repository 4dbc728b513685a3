"""Red team 29 (``/work/logs/red29.md``): hostile and honest submissions of kinds not tried before. These tests were
written to fail on the code as it stood at the red team.

- M1  A typed answer whose keys name none of the question's items (a2's people by the numbers the question gives
      them, ``{1: "R3", ...}``; a1's statements as ``'01'`` or ``'statement 1'``) was dropped without a word: the
      check said "no answer was found for it, typed or chosen", the learner was sent to the drop-downs, and the
      tutor's log said nothing (a2) or asked for an answers.json that never existed (a1).
"""

from __future__ import annotations

import json

import pytest
from nbcourse import A1, A1_KEYS, FAST, Course, forget_students, fresh_checks, set_source  # noqa: F401 (fresh_checks: a fixture)

pytestmark = [pytest.mark.nbgrader, pytest.mark.usefixtures("fresh_checks")]

A2 = "a2-leading-situationally"



def test_statements_numbered_with_zeros_or_words_are_read() -> None:
    """'01' and 'statement 1' name statement 1 unambiguously, in the learner's kernel and the autograder alike."""
    from coplearn.grading.answers import item_value

    assert item_value({"01": "managed"}, 1) == "managed" and item_value({"Statement 01": "managed"}, "1") == "managed"
    assert item_value({"statement 1": "managed"}, 10) is None and item_value({"01": "x"}, "frank") is None


def test_the_learner_is_told_which_keys_name_nothing_not_sent_to_the_drop_downs(tmp_path, monkeypatch) -> None:
    from coplearn.grading import checks, resolve

    monkeypatch.setattr(resolve, "_namespace", lambda: {"q1_readiness": {1: "R3", 2: "R1", 3: "R4", 4: "R2"}})
    monkeypatch.setattr(resolve, "_TRACKING", False)
    answer = resolve.choice("q1_readiness", "frank", kind="readiness", label="Frank's readiness", folder=tmp_path)
    assert answer is None
    with pytest.raises(AssertionError) as said:
        checks.check_choice(answer, "readiness", "Frank's readiness")
    assert "does not name 'frank' (it names 1, 2, 3, 4)" in str(said.value), said.value
    assert "You have not answered" not in str(said.value)


def test_an_item_named_and_left_blank_is_simply_not_answered(tmp_path, monkeypatch) -> None:
    """walk29b H1: the first Run All of an untouched a2 (whose answer cell names each person, left as None) said
    "Your typed q1_readiness does not name 'frank' (it names 'frank', ...)" under every check, and so did
    nbgrader validate. An item the typed answer names, left blank, is just not answered yet."""
    from coplearn.grading import checks, resolve

    for name in ("_UNREAD", "_UNREAD_AT_GRADING"):  # (as in a fresh kernel, whatever other tests left here)
        monkeypatch.setattr(resolve, name, set())
    for name in ("_ITEMS", "_ITEMS_ASKED", "_UNREAD_LABELS", "_INSTEAD_LABELS"):
        monkeypatch.setattr(resolve, name, {})
    released = {"frank": None, "dan": None, "sian": None, "leila": None}
    monkeypatch.setattr(resolve, "_namespace", lambda: {"q1_readiness": released, "q1": {"task": None}})
    monkeypatch.setattr(resolve, "_TRACKING", False)
    answer = resolve.choice("q1_readiness", "frank", kind="readiness", label="Frank's readiness", folder=tmp_path)
    with pytest.raises(AssertionError) as said:
        checks.check_choice(answer, "readiness", "Frank's readiness")
    assert "You have not answered Frank's readiness yet" in str(said.value) and "does not name" not in str(said.value)
    # a3's boxes: said as boxes, not drop-downs (walk29b L1)
    monkeypatch.setattr(resolve, "_namespace", lambda: {"q1": {"Achieving the task": 3.46}})
    resolve.number("q1", "task", label="the task domain's score", folder=tmp_path)
    assert "or enter it in the box" in (resolve.unread_message("the task domain's score") or "")


def test_keys_that_name_no_item_are_said_to_the_tutor_and_in_the_graded_notebook(course: Course) -> None:
    numbered = 'q1_readiness = {1: "R3", 2: "R1", 3: "R4", 4: "R2"}   # as numbered in the question'
    course.student("r29-numbered").hand_in(A2, lambda nb: set_source(nb, "q1-typed", numbered))
    padded = "q1 = " + repr({f"{n:02d}": v for n, v in A1_KEYS.items()})
    course.student("r29-padded").hand_in(A1, lambda nb: set_source(nb, "q1-typed", padded))
    api = course.api(**FAST)
    course.ok(api.collect(A2))
    course.ok(api.collect(A1))
    try:
        log = course.ok(api.autograde(A2, "r29-numbered"))["log"]
        assert ("coplearn: r29-numbered: the typed answer to q1_readiness gives the keys 1, 2, 3, 4, which name none "
                "of its items (dan, sian, frank, leila), so what they hold was not marked") in log, log[-3000:]
        graded = course.autograded(A2, "r29-numbered")
        shown = "\n".join(o.get("evalue", "") + "".join(o.get("text", "")) for c in graded["cells"]
                          for o in c.get("outputs", []))
        assert not [line for line in shown.splitlines() if "readiness: no answer was found" in line], shown[:3000]
        assert "The typed q1_readiness does not name 'frank' (it names 1, 2, 3, 4)" in shown, shown[:3000]
        assert graded["metadata"]["coplearn"]["grading"]["keys_naming_no_item"] == {"q1_readiness": ["1", "2", "3", "4"]}
        # an untouched notebook says "not answered", not that its keys name nothing (walk29b H1)
        course.student("r29-blank").hand_in(A2, lambda nb: None)
        course.ok(api.collect(A2))
        course.ok(api.autograde(A2, "r29-blank"))
        blank = course.autograded(A2, "r29-blank")
        shown = "\n".join(o.get("evalue", "") + "".join(o.get("text", "")) for c in blank["cells"]
                          for o in c.get("outputs", []))
        assert "does not name" not in shown and "You did not answer Frank's readiness" in shown, shown[:2000]
        # a1's statements numbered '01' ... '12': all read, and marked
        course.ok(api.autograde(A1, "r29-padded"))
        with course.gradebook() as gb:
            sub = gb.find_submission(A1, "r29-padded")
            q1 = sum(g.auto_score or 0 for nb in sub.notebooks for g in nb.grades if g.name.startswith("q1-statement-"))
        assert q1 == 24, q1
    finally:
        forget_students(course, "r29-numbered", "r29-padded", "r29-blank")


@pytest.mark.parametrize("source", ['q1 = {"task": ３．４６, "team": 2.92}', 'q1 = {"task": ٣٫٤٦}'])
def test_a_number_typed_in_other_digits_gets_a_hint_that_names_the_digits(source: str) -> None:
    """L1: a number typed unquoted in full-width or Arabic-Indic digits made the cell unreadable, and the hint said
    to check quotation marks, brackets and commas. It now says to type 0 to 9, or to put the number in quotes."""
    from coplearn.grading import answers

    cell = answers.parse_answer_cell(source)
    assert not cell.plain and cell.problem, cell
    assert "type the number with the digits 0 to 9" in cell.problem and "quotes" in cell.problem, cell.problem
    assert "check the quotation marks, brackets and commas" not in cell.problem, cell.problem


def test_a_list_saved_where_one_choice_is_expected_is_refused_in_words(tmp_path) -> None:
    """L3: answers.json holding a list for a choice was refused in Python's words, "unhashable type: 'list'"."""
    from coplearn.grading.schema import Question, clean_value

    several = Question(name="q2", kind="culture", items=None, count=2)
    with pytest.raises(ValueError) as said:
        clean_value(several, ["managed", "professional"])
    assert "a list or a set of answers where one choice is expected" in str(said.value)
    assert "unhashable" not in str(said.value) and "q2.1, q2.2" in str(said.value)
    assert clean_value(several, "Managed") == "managed"


def test_one_byte_that_is_not_utf8_spoils_only_its_own_answer(tmp_path) -> None:
    """L4: one byte that is not UTF-8 anywhere in answers.json (a value saved as Latin-1 by a hand edit) lost every
    drop-down answer, 0/40. Now only the answer holding it is left out, in the learner's kernel and the autograder
    alike, and the tutor is told why."""
    from coplearn.grading.schema import answer_schema, clean_answers
    from coplearn.grading.store import AnswerStore

    doc = ('{"format": "coplearn-answers", "answers": {"q1.1": "managed", "q1.2": "humanistic", '
           '"q1.3": "caf\u00e9"}}').encode("latin-1")
    (tmp_path / "answers.json").write_bytes(doc)
    schema = answer_schema(['answer = choice("q1", 1, kind="culture")', 'answer = choice("q1", 2, kind="culture")',
                            'answer = choice("q1", 3, kind="culture")'])
    clean, notes = clean_answers(tmp_path / "answers.json", schema)
    assert clean is not None and clean["answers"] == {"q1.1": "managed", "q1.2": "humanistic"}, (clean, notes)
    assert any("characters that could not be read" in n for n in notes), notes
    store = AnswerStore(tmp_path)
    assert store.get("q1.1") == "managed" and store.get("q1.2") == "humanistic"


def test_a_hard_link_inside_the_students_own_folder_is_said_as_such(course: Course) -> None:
    """L2: a notebook also hard linked as backup/... in the student's own folder (an archive unpacked by hand can
    do this) was said to have another name "outside the students' folders in submitted/". It is graded as usual,
    and now said as what it is."""
    import os

    from nbcourse import honest_a1

    course.student("r29-linked").hand_in(A1, honest_a1)
    api = course.api(**FAST)
    course.ok(api.collect(A1))
    folder = course.root / "submitted" / "r29-linked" / A1
    (folder / "backup").mkdir()
    os.link(folder / f"{A1}.ipynb", folder / "backup" / f"{A1}.ipynb")
    try:
        log = course.ok(api.autograde(A1, "r29-linked", force=True))["log"]
        assert (f"coplearn: r29-linked: {A1}.ipynb is the same file on disk as backup/{A1}.ipynb in the same folder"
                in log), log[-3000:]
        assert "outside the students' folders" not in log
        course.assert_score(A1, "r29-linked", 40)
    finally:
        forget_students(course, "r29-linked")
