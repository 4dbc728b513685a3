"""A team manager's lesson answers are kept between sessions (reach review 8: the lesson 04 culture
ratings and the lesson 06 team audit were lost on a reload, with no way to keep them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coplearn.practice.journal import Journal
from coplearn.practice.lesson_answers import LessonAnswers, answers_path
from coplearn.widgets.action_centred import TeamAuditForm
from coplearn.widgets.cultures import CultureProfileWidget


def test_the_team_audit_is_kept_as_it_is_answered_and_filled_in_next_time(_private_journal: Path) -> None:
    form = TeamAuditForm()
    form.controls["K1"].value = 2
    form.controls["T3"].value = "storming"
    form.controls["T2"].value = "Two more AMHPs by spring."
    kept = json.loads(answers_path("team-audit").read_text(encoding="utf-8"))
    assert kept["answers"] == {"K1": 2, "T3": "storming", "T2": "Two more AMHPs by spring."}
    assert kept["activity"] == "team-audit" and answers_path("team-audit").parent == _private_journal.parent

    again = TeamAuditForm()  # the lesson opened again (a reload, the next day)
    assert again.responses() == {"K1": 2, "T3": "storming", "T2": "Two more AMHPs by spring."}
    assert "filled in" in again.keep_note.value and "K1" in again.report.value  # and scored at once
    again.clear()
    assert not answers_path("team-audit").exists() and TeamAuditForm().responses() == {}


def test_a_form_filled_in_by_code_keeps_nothing(_private_journal: Path) -> None:
    TeamAuditForm({"K1": "good"}).controls["K2"].value = 3
    CultureProfileWidget({"P1": 4}).dropdowns["P2"].value = 5
    assert not answers_path("team-audit").exists() and not answers_path("culture-profile").exists()


def test_the_scored_audit_can_be_saved_to_the_journal(_private_journal: Path) -> None:
    form = TeamAuditForm()
    form.controls["K1"].value = 2
    form.controls["I8"].value = 1
    entry = form.save_to_journal()
    assert "Saved the results to your journal" in form.status.value
    saved = Journal(_private_journal).entries[-1]
    assert saved.id == entry.id and saved.lesson == "06" and "Table 2" in saved.title
    assert "Priorities, weakest first" in saved.learning and "I8" in saved.learning
    assert "Action plan" in saved.learning and "course's additions" in saved.learning
    assert saved.impact_practice.startswith("(1) ")


def test_an_empty_audit_is_not_saved_to_the_journal(_private_journal: Path) -> None:
    form = TeamAuditForm()
    with pytest.raises(ValueError, match="nothing to save"):
        form.save_to_journal()
    form.save_button.click()  # through the button: the learner sees why
    assert "nothing to save" in form.messages.value and not _private_journal.exists()


def test_culture_ratings_are_kept_and_filled_in_next_time(_private_journal: Path) -> None:
    w = CultureProfileWidget()
    w.dropdowns["P1"].value = 5
    w.dropdowns["D3"].value = 2
    again = CultureProfileWidget()
    assert again.ratings == {"P1": 5, "D3": 2} and "filled in" in again.keep_note.value
    assert "2 of 26 statements rated" in again.progress.value
    again.clear()
    assert CultureProfileWidget().ratings == {}


def test_kept_answers_that_cannot_be_read_are_moved_aside_and_the_learner_told(_private_journal: Path) -> None:
    path = answers_path("team-audit")
    path.write_text("{not json", encoding="utf-8")
    form = TeamAuditForm()
    assert form.responses() == {} and "could not be read" in form.keep_note.value
    assert not path.exists() and [p.name for p in path.parent.iterdir() if ".unreadable-" in p.name]
    # answers that name no item are refused as a whole, with a message, and the form starts empty
    LessonAnswers("team-audit").save({"Z9": 3})
    form = TeamAuditForm()
    assert form.responses() == {} and "could not be filled in" in form.messages.value


def test_a_write_that_fails_gives_a_line_not_an_error(_private_journal: Path, monkeypatch) -> None:
    import coplearn.practice.lesson_answers as la

    def refuse(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(la, "atomic_write_text", refuse)
    form = TeamAuditForm()
    form.controls["K1"].value = 4
    assert "could not be kept" in form.keep_note.value and "No space left" in form.keep_note.value
    assert form.responses() == {"K1": 4}
