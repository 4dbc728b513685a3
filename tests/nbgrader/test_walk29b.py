"""walk29b M2 and M4: a typed answer the checks cannot use, while a drop-down or box answers the same item.

M2: an answer cell Python cannot read (a comma left out) dropped the typed answer, the drop-down's was shown, and
``nbgrader validate`` said "Success!". M4: a typed ``{1: "R2", ...}`` for people the question names by name was
dropped without a word when the drop-downs held answers. Now the learner's check says which answer is shown and
why, ``nbgrader validate`` fails on it, and the autograder marks the drop-down's answer as before, saying so in
the graded notebook.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from nbcourse import FAST, Course, forget_students, fresh_checks, set_source  # noqa: F401 (fresh_checks: a fixture)
from test_hostile13 import _placed, _released

pytestmark = [pytest.mark.nbgrader, pytest.mark.usefixtures("fresh_checks")]

A2 = "a2-leading-situationally"
A3 = "a3-team-audit"
KEYS = {"frank": "R3", "dan": "R1", "sian": "R4", "leila": "R2"}



def _saved(**answers: object) -> dict:
    return {"format": "coplearn-answers", "version": 2, "answers": answers}


def _store(folder: Path, **answers: object) -> Path:
    (folder / "answers.json").write_text(json.dumps(_saved(**answers)), encoding="utf-8")
    return folder


def test_a_typed_answer_naming_no_item_is_said_when_the_drop_down_answers(tmp_path, monkeypatch, capsys) -> None:
    from coplearn.grading import checks, resolve

    _store(tmp_path, **{"q1_readiness.frank": "R3"})
    monkeypatch.setattr(resolve, "_namespace", lambda: {"q1_readiness": {1: "R2", 2: "R4", 3: None, 4: None}})
    monkeypatch.setattr(resolve, "_TRACKING", False)
    monkeypatch.setattr(resolve, "_ITEMS_ASKED", {})
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    answer = resolve.choice("q1_readiness", "frank", kind="readiness", label="Frank's readiness", folder=tmp_path)
    assert answer == "R3"
    with pytest.raises(AssertionError) as said:  # (outside IPython a check that fails raises, as under validate)
        checks.check_choice(answer, "readiness", "Frank's readiness")
    assert ("Your typed q1_readiness does not name 'frank', and its keys 1, 2 name none of the question's items, so the "
            "answer shown for Frank's readiness is the one chosen with the drop-down") in str(said.value), said.value
    # when marking: the drop-down's answer is marked, the check passes, and the graded notebook says why
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    capsys.readouterr()
    answer = resolve.choice("q1_readiness", "frank", kind="readiness", label="Frank's readiness", folder=tmp_path)
    checks.check_choice(answer, "readiness", "Frank's readiness")
    out = capsys.readouterr().out
    assert "so the answer chosen with the drop-down was marked for Frank's readiness" in out, out


def test_an_answer_named_and_left_blank_with_a_drop_down_answer_says_nothing_more(tmp_path, monkeypatch) -> None:
    """As released (each person named, left as None) the drop-down's answer is simply the answer."""
    from coplearn.grading import checks, resolve

    _store(tmp_path, **{"q1_readiness.frank": "R3", "q1.task": "3.46"})
    monkeypatch.setattr(resolve, "_namespace", lambda: {"q1_readiness": dict.fromkeys(KEYS), "q1": {"task": None}})
    monkeypatch.setattr(resolve, "_TRACKING", False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    answer = resolve.choice("q1_readiness", "frank", kind="readiness", label="Frank's readiness", folder=tmp_path)
    checks.check_choice(answer, "readiness", "Frank's readiness")  # raises if anything is said
    assert resolve.instead_message("Frank's readiness") is None
    number = resolve.number("q1", "task", label="the task domain's score", folder=tmp_path)
    checks.check_number(number, "the task domain's score")
    # a typed answer that names the item wins, and nothing more is said either
    monkeypatch.setattr(resolve, "_namespace", lambda: {"q1_readiness": {"frank": "R2"}})
    assert resolve.choice("q1_readiness", "frank", kind="readiness", label="Frank's readiness", folder=tmp_path) == "R2"
    assert resolve.instead_message("Frank's readiness") is None


def test_one_item_typed_by_name_and_the_rest_in_the_boxes_says_nothing_more(tmp_path, monkeypatch) -> None:
    """A typed {...} that names some of the question's items answers them; the boxes answer the rest: not a slip."""
    from coplearn.grading import checks, resolve

    _store(tmp_path, **{"q1.team": "2.92", "q1.individual": "3.01"})
    monkeypatch.setattr(resolve, "_namespace", lambda: {"q1": {"task": 3.46}})
    monkeypatch.setattr(resolve, "_TRACKING", False)
    monkeypatch.setattr(resolve, "_ITEMS_ASKED", {})
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    for item, expected in (("task", 3.46), ("team", 2.92), ("individual", 3.01)):
        answer = resolve.number("q1", item, label=f"the {item} score", folder=tmp_path)
        assert answer == expected
        checks.check_number(answer, f"the {item} score")  # raises if anything is said
        assert resolve.instead_message(f"the {item} score") is None


def test_an_unreadable_answer_cell_is_said_when_the_box_answers(tmp_path, monkeypatch) -> None:
    from coplearn.grading import checks, resolve

    _store(tmp_path, **{"q1.task": "3.5"})
    monkeypatch.setattr(resolve, "_namespace", lambda: {})
    monkeypatch.setattr(resolve, "_TRACKING", False)
    monkeypatch.setattr(resolve, "_UNREAD", {"q1"})
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    answer = resolve.number("q1", "task", label="the task domain's score", folder=tmp_path)
    assert answer == 3.5
    with pytest.raises(AssertionError) as said:
        checks.check_number(answer, "the task domain's score")
    assert ("The answer cell for the task domain's score cannot be read by Python yet (the message under it says what "
            "to mend), so the answer shown for the task domain's score is the one entered in the box") in str(said.value)


def test_validate_fails_and_the_autograder_marks_the_drop_downs_when_the_typed_answer_cannot_be_used(
        course: Course, tmp_path: Path) -> None:
    import html
    import re

    from nbcourse import load_course_config
    from nbgrader.validator import Validator

    from coplearn.grading.nbgrader_steps import unclipped_validate_lines

    unclipped_validate_lines()  # (as the course's nbgrader_config.py has it on the command line)
    chosen = _saved(**{f"q1_readiness.{k}": v for k, v in KEYS.items()})
    cases = {
        # M2: a comma left out after a second thought on Frank: the cell cannot be read
        "w29b-comma": 'q1_readiness = {"frank": "R2" "dan": None, "sian": None, "leila": None}',
        # M4: the people typed by the numbers the question gives them
        "w29b-numbers": 'q1_readiness = {1: "R2", 2: "R4", 3: None, 4: None}',
    }
    said = {"w29b-comma": "cannot be read by Python yet",
            "w29b-numbers": "does not name 'frank', and its keys 1, 2 name none of the question's items"}
    cfg = load_course_config(course.root, course.exchange)
    for sid, source in cases.items():
        nb = _released(course, A2)
        set_source(nb, "q1-typed", source)
        folder = tmp_path / "validate" / sid
        folder.mkdir(parents=True)
        (folder / f"{A2}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
        (folder / "answers.json").write_text(json.dumps(chosen), encoding="utf-8")
        result = Validator(config=cfg).validate(str(folder / f"{A2}.ipynb"))
        failed = " ".join(html.unescape(re.sub(r"<[^>]+>", "", e.get("error", ""))) for e in result.get("failed", []))
        failed = " ".join(failed.split())
        assert said[sid] in failed and "Frank's readiness" in failed, (sid, result)
        _placed(course, tmp_path, sid, nb, assignment=A2, saved=chosen)
    # the same answers chosen with the drop-downs and nothing typed: what the two must earn (q1's 20 points)
    _placed(course, tmp_path, "w29b-chosen", _released(course, A2), assignment=A2, saved=chosen)
    try:
        course.ok(course.api(**FAST).autograde(A2, "w29b-*"))
        honest = course.score(A2, "w29b-chosen")
        for sid in cases:
            assert course.score(A2, sid) == honest, sid
            graded = course.autograded(A2, sid)
            shown = "\n".join(o.get("evalue", "") + "".join(o.get("text", "")) for c in graded["cells"]
                              for o in c.get("outputs", []))
            assert "chosen with the drop-down was marked" in shown, (sid, shown[:3000])
    finally:
        forget_students(course, *cases, "w29b-chosen")


def test_a_misspelt_key_is_said_whichever_items_check_comes_first(tmp_path, monkeypatch) -> None:
    """red team 30 M1: a misspelt key ('lelia') on the last item checked was dropped for the drop-down's answer without
    a word (the same slip on the first item was said), because only the items checked so far counted. The answer
    widget now names the question's items, so a key that names none of them is said at its item's check."""
    from coplearn.grading import checks, resolve
    from coplearn.widgets.answers import ChoiceQuestions

    monkeypatch.setattr(resolve, "_ITEMS", {})
    monkeypatch.setattr(resolve, "_ITEMS_ASKED", {})
    monkeypatch.setattr(resolve, "_TRACKING", False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    _store(tmp_path, **{"q1_readiness.leila": "R1"})
    people = {"frank": "Frank", "dan": "Dan", "sian": "Sian", "leila": "Leila"}
    ChoiceQuestions("q1_readiness", dict.fromkeys(people, ""), names=people, kind="readiness", folder=tmp_path)
    typed = {"frank": "R3", "dan": "R1", "sian": "R4", "lelia": "R2"}
    monkeypatch.setattr(resolve, "_namespace", lambda: {"q1_readiness": typed})
    for person in ("frank", "dan", "sian"):
        answer = resolve.choice("q1_readiness", person, kind="readiness", label=f"{person}'s readiness", folder=tmp_path)
        checks.check_choice(answer, "readiness", f"{person}'s readiness")  # typed, named: nothing more said
    answer = resolve.choice("q1_readiness", "leila", kind="readiness", label="Leila's readiness", folder=tmp_path)
    assert answer == "R1"
    with pytest.raises(AssertionError) as said:
        checks.check_choice(answer, "readiness", "Leila's readiness")
    assert "does not name 'leila', and its key 'lelia' names none of the question's items" in str(said.value)
    # a list typed where the people are named: said too (red team 30 L1)
    monkeypatch.setattr(resolve, "_namespace", lambda: {"q1_readiness": ["R3", "R1", "R4", "R2"]})
    answer = resolve.choice("q1_readiness", "leila", kind="readiness", label="Leila's readiness", folder=tmp_path)
    with pytest.raises(AssertionError, match="is a list, which does not name the question's items"):
        checks.check_choice(answer, "readiness", "Leila's readiness")


def test_odd_digit_keys_in_a_several_choice_answer_are_read_not_raised() -> None:
    """red team 30 M2: superscript or circled digits as keys raised ValueError in the sanitiser (the whole submission
    went ungraded) and in the learner's run."""
    from coplearn.grading.answers import several_values

    assert sorted(several_values({"\u00b9": "managed", "\u00b2": "professional"}, "culture")) == ["managed", "professional"]
    assert several_values({"\u2460": None}, "culture") == [None]


def test_one_stray_key_is_said_only_at_the_item_it_leaves_unnamed(tmp_path, monkeypatch) -> None:
    """rev30 H1: {"frank": None, "dan": None, "sian": None, "lelia": "R2"} with the drop-downs answering made Frank's,
    Dan's and Sian's checks say the typed answer "does not name" them (it does, left blank as released), four
    validate failures for one slip. Only Leila's check says it now."""
    from coplearn.grading import checks, resolve

    monkeypatch.setattr(resolve, "_ITEMS", {"q1_readiness": frozenset(KEYS)})
    monkeypatch.setattr(resolve, "_ITEMS_ASKED", {})
    monkeypatch.setattr(resolve, "_TRACKING", False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    _store(tmp_path, **{f"q1_readiness.{k}": v for k, v in KEYS.items()})
    typed = {"frank": None, "dan": None, "sian": None, "lelia": "R2"}
    monkeypatch.setattr(resolve, "_namespace", lambda: {"q1_readiness": typed})
    for person in ("frank", "dan", "sian"):
        answer = resolve.choice("q1_readiness", person, kind="readiness", label=f"{person}'s readiness", folder=tmp_path)
        checks.check_choice(answer, "readiness", f"{person}'s readiness")  # raises if anything is said
    answer = resolve.choice("q1_readiness", "leila", kind="readiness", label="Leila's readiness", folder=tmp_path)
    with pytest.raises(AssertionError, match="its key 'lelia' names none of the question's items"):
        checks.check_choice(answer, "readiness", "Leila's readiness")


def test_the_worded_key_hint_offers_quotes_only_for_statements() -> None:
    """rev30 H2: "Practice 3": "..." is not read as item 3 (only "statement 3" is), so the hint offers only the number."""
    from coplearn.grading.answers import unreadable_hint

    def hint(source: str) -> str | None:
        try:
            compile(source, "<cell>", "exec")
        except SyntaxError as exc:
            return unreadable_hint(source, exc)
        return None

    said = hint('q1 = {1: "monitoring", Practice 3: "developmental"}')
    assert said and 'write just the number, 3: "..."' in said and "in quotes" not in said, said
    assert 'put the words in quotes, "Statement 12"' in (hint('q1 = {Statement 12: "humanistic"}') or "")
    said = hint('q1_readiness = {Person 1: "R3"}') or ""  # (rev30b N5: it said a comma was missing)
    assert "write each person by the name the answer cell gives it" in said and "comma" not in said, said


def test_a_stray_key_beside_every_item_named_is_said_once(tmp_path, monkeypatch) -> None:
    """rev30b N1: every person named (left blank, as released) plus a misspelt key holding an answer: nothing was said,
    and validate said "Success!" while the typed answer was dropped. The stray key is now said once, at the first
    check that meets it."""
    from coplearn.grading import checks, resolve

    monkeypatch.setattr(resolve, "_ITEMS", {"q1_readiness": frozenset(KEYS)})
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    _store(tmp_path, **{f"q1_readiness.{k}": v for k, v in KEYS.items()})
    typed = {**dict.fromkeys(KEYS), "lelia": "R3"}
    monkeypatch.setattr(resolve, "_namespace", lambda: {"q1_readiness": typed})
    failed = []
    for person in KEYS:
        answer = resolve.choice("q1_readiness", person, kind="readiness", label=f"{person}'s readiness", folder=tmp_path)
        try:
            checks.check_choice(answer, "readiness", f"{person}'s readiness")
        except AssertionError as exc:
            failed.append((person, str(exc)))
    assert [p for p, _ in failed] == ["frank"], failed
    assert "its key 'lelia' names none of the question's items, so what it holds is not marked" in failed[0][1]
