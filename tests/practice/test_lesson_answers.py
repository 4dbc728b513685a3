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
    assert "Steps the course suggests (the course's, not yours):" in saved.learning
    assert "course's additions" in saved.learning
    assert saved.impact_practice == ""  # (the manager's own reflection, still to write: walk26 M-M2)


def test_the_saved_audit_leaves_the_managers_own_reflection_to_write(_private_journal: Path) -> None:
    """walk26 M-M2: "Impact on my practice" came filled in with the course's suggested steps, so the CPD
    record looked finished in the course's words. It is left empty, and the export says it is still to
    write; the course's steps stay in the record, under a heading that says whose they are."""
    from coplearn.practice import cpd

    form = TeamAuditForm()
    form.controls["K1"].value = 2
    form.controls["T4"].value = 1
    entry = form.save_to_journal()
    assert entry.impact_practice == "" and entry.impact_people == ""
    assert "Impact on my practice" in form.status.value and "lesson 11" in form.status.value
    steps = entry.learning.index("Steps the course suggests (the course's, not yours):")
    assert entry.learning.index(cl_item_action("T4")) > steps  # the course's steps, under their heading
    # what to write there is said beside the button, not kept in the record (walk28 M3)
    assert "Your own reflection goes under" not in entry.learning and "Impact on my practice" in form.save_note.value
    fields = {f.label: f for f in cpd.cpd_fields(entry)}
    assert fields["Impact on my practice"].missing and fields["Impact on people who use services"].missing
    text = cpd.to_markdown([entry])
    assert "1 record has a heading still to fill in" in text
    assert "### Impact on my practice\n\n*Not written yet: add this before you submit the record.*" in text
    for regulator in ("sssc", "niscc"):  # (their one impact heading is empty too)
        assert any(f.missing for f in cpd.cpd_fields(entry, regulator))


def cl_item_action(item_id: str) -> str:
    from coplearn.paper.action_centred import get_item

    return get_item(item_id).action


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
    # an answer that names no item is left out, and said
    LessonAnswers("team-audit").save({"Z9": 3})
    form = TeamAuditForm()
    assert form.responses() == {} and "1 kept answer could not be used (Z9)" in form.keep_note.value


def test_a_write_that_fails_gives_a_line_not_an_error(_private_journal: Path, monkeypatch) -> None:
    import coplearn.practice.lesson_answers as la

    def refuse(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(la, "atomic_write_text", refuse)
    form = TeamAuditForm()
    form.controls["K1"].value = 4
    assert "could not be kept (the disk is full)" in form.keep_note.value  # (in words: walk23 M2)
    assert form.responses() == {"K1": 4}


def test_kept_answers_this_version_refuses_are_left_out_and_the_file_kept_aside(_private_journal: Path) -> None:
    """Review 8b F1: one refused item (an id from another version, a rating out of range) made the
    whole restore fail, and the next change then overwrote every kept answer."""
    LessonAnswers("team-audit").save({"K1": 2, "K2": 4, "Z9": 3, "K3": 9})
    form = TeamAuditForm()
    assert form.responses() == {"K1": 2, "K2": 4}
    assert "2 kept answers could not be used (K3, Z9)" in form.keep_note.value
    aside = [p for p in _private_journal.parent.iterdir() if ".older-" in p.name]
    assert len(aside) == 1 and json.loads(aside[0].read_text(encoding="utf-8"))["answers"]["Z9"] == 3
    form.controls["I8"].value = 4
    assert LessonAnswers("team-audit").load() == {"K1": 2, "K2": 4, "I8": 4}
    LessonAnswers("culture-profile").save({"P1": 5, "X9": 2})
    w = CultureProfileWidget()
    assert w.ratings == {"P1": 5} and "could not be used (X9)" in w.keep_note.value


def test_two_open_copies_add_to_each_other_instead_of_replacing(_private_journal: Path) -> None:
    """Review 8b F3: two live forms (two cells, or two tabs) each saved the whole form."""
    a, b = TeamAuditForm(), TeamAuditForm()
    a.controls["K2"].value = 3
    b.controls["T2"].value = "More AMHPs."
    b.controls["K5"].value = 1
    assert LessonAnswers("team-audit").load() == {"K2": 3, "T2": "More AMHPs.", "K5": 1}
    b.controls["K5"].value = None  # answered, then set back to "not answered"
    assert LessonAnswers("team-audit").load() == {"K2": 3, "T2": "More AMHPs."}


def test_an_example_team_never_replaces_the_learners_own_ratings(_private_journal: Path) -> None:
    """Review 8b F2: choosing an example team overwrote the learner's kept ratings, and reopening the
    lesson showed the invented ratings as "your ratings from last time"."""
    w = CultureProfileWidget()
    w.dropdowns["P1"].value = 5
    w.example.value = w.example.options[1][1]
    w.dropdowns["P2"].value = 1  # exploring the example
    assert LessonAnswers("culture-profile").load() == {"P1": 5}
    assert "Your own ratings are kept" in w.example_note.value
    w.example.value = None  # back to the learner's own
    assert w.ratings == {"P1": 5}
    assert CultureProfileWidget().ratings == {"P1": 5}


def test_clearing_asks_once_and_saving_twice_makes_one_record(_private_journal: Path) -> None:
    """Review 8b F5, F6: one click beside "Save" wiped every answer; two clicks on "Save" made two
    identical CPD records. And the course's suggested steps are said to be the course's (F7)."""
    form = TeamAuditForm()
    form.controls["K1"].value = 2
    form.forget_button.click()
    assert form.responses() == {"K1": 2} and form.forget_button.description == "Yes, clear all my answers"
    first = form.save_to_journal()
    assert form.save_to_journal() is first and "already in your journal" in form.status.value
    assert len(Journal(_private_journal).entries) == 1
    assert first.impact_practice == "" and "Steps the course suggests (the course's, not yours):" in first.learning
    _later(form._clearing)
    form.forget_button.click()
    assert form.responses() == {} and not answers_path("team-audit").exists()
    w = CultureProfileWidget()
    w.dropdowns["P1"].value = 5
    w.clear_button.click()
    assert w.ratings == {"P1": 5}
    _later(w._clearing)
    w.clear_button.click()
    assert w.ratings == {} and CultureProfileWidget().ratings == {}


def test_the_same_audit_saved_on_a_later_visit_makes_one_record(_private_journal: Path) -> None:
    """walk16 F5: reopening lesson 06 (answers filled in again) and saving the same results again made a
    second identical CPD record."""
    form = TeamAuditForm()
    form.controls["K1"].value = 2
    first = form.save_to_journal()
    again = TeamAuditForm()  # the lesson opened again: the kept answers are filled in
    assert again.responses() == {"K1": 2}
    assert again.save_to_journal().id == first.id and "already in your journal" in again.status.value
    assert len(Journal(_private_journal).entries) == 1


def test_a_result_no_longer_matching_the_answers_says_so(_private_journal: Path) -> None:
    """walk16 F17: after scoring, a changed answer left the old scores and plan on screen without a word
    (and "Nothing has been answered yet" stayed above 27 answers)."""
    form = TeamAuditForm()
    form.button.click()
    assert "Nothing has been answered yet" in form.status.value
    form.controls["K1"].value = 2
    assert "changed your answers since the audit was scored" in form.status.value
    form.button.click()
    assert "Scored." in form.status.value
    form.controls["K1"].value = 4
    assert "changed your answers since the audit was scored" in form.status.value
    form.controls["K1"].value = 2  # back as it was scored: the result matches again (the line stays until scored)
    form.button.click()
    assert "Scored." in form.status.value
    form.forget_button.click()  # "are you sure?" replaces the result's line ...
    form.controls["K1"].value = 3  # ... and a changed answer still says the result shown is out of date
    assert "changed your answers since the audit was scored" in form.status.value


def _later(step) -> None:
    """As if the learner pressed again a moment after the question appeared (not a double click)."""
    from coplearn.widgets._base import CONFIRM_AFTER

    step.armed_at -= CONFIRM_AFTER + 0.1


def test_a_double_click_on_clear_asks_and_clears_nothing(_private_journal: Path) -> None:
    """walk16 F14: a double click on lesson 04's "Clear all ratings" armed the question and answered it
    with its second click, wiping 26 saved ratings; the question was 26 controls further down."""
    w = CultureProfileWidget()
    w.dropdowns["P1"].value = 5
    w.clear_button.click()
    w.clear_button.click()  # the second click of a double click
    assert w.ratings == {"P1": 5} and CultureProfileWidget().ratings == {"P1": 5}
    assert w.clear_button.description == "Yes, clear all my ratings"
    assert "clears every rating" in w.clear_note.value  # beside the button
    w.dropdowns["P2"].value = 4  # changing a rating keeps them: the question goes
    assert w.clear_button.description == "Clear all ratings" and w.clear_note.value == ""
    form = TeamAuditForm()
    form.controls["K1"].value = 2
    form.forget_button.click()
    form.forget_button.click()
    assert form.responses() == {"K1": 2}
    form.controls["K2"].value = 3
    assert form.forget_button.description == "Clear my answers"


# ---- reflections and the lesson 11 plan (reach review 8, R1: lost on a reload) ----------------------

def test_a_reflection_half_written_is_filled_in_again_until_it_is_saved(_private_journal: Path) -> None:
    from coplearn.widgets._base import JournalPrompt

    prompt = JournalPrompt("What did you notice?", lesson="03")
    prompt.learning.value = "Supervision is where the two cultures meet."
    prompt.impact.value = "Ask one question in my next supervision."
    other = JournalPrompt("What did you notice?", lesson="04")  # same words, another lesson: its own draft
    assert other.learning.value == "" and other.status.value == ""

    again = JournalPrompt("What did you notice?", lesson="03")  # the lesson opened again
    assert again.learning.value == "Supervision is where the two cultures meet."
    assert again.impact.value == "Ask one question in my next supervision."
    assert "filled in again" in again.status.value and "not in your journal" in again.status.value
    assert Journal().entries == ()

    again.save()
    assert [e.learning for e in Journal().entries] == ["Supervision is where the two cultures meet."]
    third = JournalPrompt("What did you notice?", lesson="03")
    assert third.learning.value == "" and third.status.value == ""  # saved: no draft left to fill in


def test_a_reflection_wiped_by_the_learner_leaves_no_draft(_private_journal: Path) -> None:
    from coplearn.widgets._base import JournalPrompt

    prompt = JournalPrompt("What did you notice?", lesson="05")
    prompt.learning.value = "Something"
    prompt.learning.value = "   "
    assert LessonAnswers(JournalPrompt.DRAFTS).load() == {}


def test_a_draft_that_cannot_be_kept_says_so_and_the_text_stays(_private_journal: Path, monkeypatch) -> None:
    import coplearn.practice.lesson_answers as la
    from coplearn.widgets._base import JournalPrompt

    monkeypatch.setattr(la, "atomic_write_text", lambda *_a, **_k: (_ for _ in ()).throw(OSError(13, "Permission denied")))
    prompt = JournalPrompt("What did you notice?", lesson="05")
    prompt.learning.value = "Kept on the page"
    assert "could not be kept (you do not have permission to use it)" in prompt.status.value
    assert prompt.learning.value == "Kept on the page" and prompt.last_error is None


def test_typing_is_kept_at_most_every_interval_and_the_last_text_is_kept() -> None:
    """On the kernel's event loop a burst of key presses makes one write at once and one, with the
    last text, when the interval is up. (Run on a loop of its own, in a thread of its own: the test
    run may have another library's loop running in this one.)"""
    import asyncio
    import threading

    from coplearn.practice.lesson_answers import Throttle

    written: list[str] = []
    text = {"now": ""}
    problems: list[BaseException] = []

    async def type_a_sentence() -> None:
        keep = Throttle(lambda: written.append(text["now"]), seconds=30, loop=asyncio.get_running_loop)
        for letter in "Supervision":
            text["now"] += letter
            keep()
        assert written == ["S"] and keep.pending
        keep.flush()
        assert written == ["S", "Supervision"] and not keep.pending

        soon = Throttle(lambda: written.append(text["now"]), seconds=0.05, loop=asyncio.get_running_loop)
        soon()
        text["now"] += "!"
        soon()
        assert soon.pending
        await asyncio.sleep(0.5)  # the interval passes: the waiting write happens by itself
        assert not soon.pending

    def run() -> None:
        try:
            asyncio.run(type_a_sentence())
        except BaseException as exc:  # noqa: BLE001 - reported below
            problems.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(30)
    assert not problems, problems
    assert written == ["S", "Supervision", "Supervision", "Supervision!"]


def test_outside_a_kernel_every_change_is_kept_at_once_whatever_loop_is_running() -> None:
    """A test run (or a script) is not a kernel: even with some library's event loop running, nothing
    is left waiting on it."""
    import asyncio

    from coplearn.practice.lesson_answers import Throttle, kernel_loop

    calls: list[int] = []

    async def inside_a_loop() -> None:
        assert kernel_loop() is None
        keep = Throttle(lambda: calls.append(1), seconds=60)
        keep()
        keep()
        assert calls == [1, 1] and not keep.pending

    import threading
    worker = threading.Thread(target=lambda: asyncio.run(inside_a_loop()))
    worker.start()
    worker.join(30)
    assert calls == [1, 1]


def test_the_leadership_plan_is_kept_choice_by_choice_and_filled_in_next_time(_private_journal: Path) -> None:
    from coplearn.widgets.leadership_plan import LeadershipPlanBuilder

    plan = LeadershipPlanBuilder()
    plan.team.value = "adult duty team"
    plan.stage.value = "storming"
    role, able, willing = plan.staff[0]
    role.value, able.value, willing.value = "newly qualified worker", False, True
    plan.cultures["democratic"].value = True
    plan.priorities[0].value = "T4"
    plan.actions[0].value = "Start monthly group supervision"
    plan.interface.value = "Meet the service manager each month."
    kept = LessonAnswers("leadership-plan").load()
    assert kept["staff-1-able"] is False and kept["culture-democratic"] is True and kept["priority-1"] == "T4"

    again = LeadershipPlanBuilder()
    assert again.choices() == plan.choices()
    assert "filled in" in again.keep_note.value
    plan.cultures["democratic"].value = False  # unticked: no longer kept
    assert "culture-democratic" not in LessonAnswers("leadership-plan").load()


def test_kept_plan_choices_this_version_refuses_are_left_out_and_named(_private_journal: Path) -> None:
    from coplearn.widgets.leadership_plan import LeadershipPlanBuilder

    LessonAnswers("leadership-plan").save({"team": "duty team", "stage": "hibernating", "priority-1": "Z9",
                                           "staff-1-able": "yes", "culture-humanistic": True, "extra": 1})
    plan = LeadershipPlanBuilder()
    assert plan.team.value == "duty team" and plan.cultures["humanistic"].value is True
    assert plan.stage.value is None and plan.priorities[0].value is None and plan.staff[0][1].value is None
    assert "4 kept choices could not be used" in plan.keep_note.value


def test_a_saved_reflection_is_not_offered_again_as_unsaved(_private_journal: Path) -> None:
    """Review 9 F1: after Save the text stays in the boxes; one more key press (or one in a second tab)
    kept it as a draft, which came back next time as "not in your journal", and saving it again
    made a second CPD record."""
    from coplearn.widgets._base import JournalPrompt

    first = JournalPrompt("What did you notice?", lesson="06")
    other_tab = JournalPrompt("What did you notice?", lesson="06")
    first.learning.value = "Trust grows when the manager shares decisions."
    first.save()
    first.impact.value = ""  # a stray change after saving, the words as saved
    other_tab.learning.value = "Trust grows when the manager shares decisions."  # the same words, in another tab
    again = JournalPrompt("What did you notice?", lesson="06")
    assert again.learning.value == "" and again.status.value == ""
    assert LessonAnswers(JournalPrompt.DRAFTS).load() == {}
    assert len(Journal().entries) == 1

    first.learning.value = "Trust grows when the manager shares decisions, and when mistakes are talked about."
    assert "talked about" in JournalPrompt("What did you notice?", lesson="06").learning.value  # changed: kept


def test_a_reflection_too_long_for_a_draft_is_not_kept_and_the_others_stay(_private_journal: Path) -> None:
    from coplearn.widgets._base import JournalPrompt

    JournalPrompt("Q1?", lesson="02").learning.value = "A draft of my own."
    huge = JournalPrompt("Q2?", lesson="02")
    huge.learning.value = "An older, shorter draft."
    huge.learning.value = "x" * (JournalPrompt.DRAFT_LIMIT + 1)
    assert "too long to keep as a draft" in huge.status.value
    assert JournalPrompt("Q1?", lesson="02").learning.value == "A draft of my own."
    assert JournalPrompt("Q2?", lesson="02").learning.value == ""  # the older draft does not come back instead
    huge.learning.value = "Shorter now."
    assert huge.status.value == ""  # the note goes once the text fits again
    huge.save()
    huge.save()  # pressed twice: one record
    assert len(Journal().entries) == 1


def _keep_answers(path: str, tag: str, n: int) -> None:
    answers = LessonAnswers("culture-profile", path)
    for i in range(n):
        assert answers.update(f"{tag}{i}", i) is None


def test_two_copies_saving_at_the_same_moment_lose_nothing(tmp_path: Path) -> None:
    """Red team 15 F5: two processes keeping answers at once lost 188 of 400 (read, change and write
    without the journal's lock); each update now holds the file's lock."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    path = str(tmp_path / "journal.json")
    procs = [ctx.Process(target=_keep_answers, args=(path, tag, 60)) for tag in ("a", "b", "c")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    kept = LessonAnswers("culture-profile", path).load()
    assert kept == {f"{tag}{i}": i for tag in ("a", "b", "c") for i in range(60)}


def test_the_kept_answers_note_says_where_they_are_in_the_browser_edition(
        _private_journal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """walk23 L2: in the browser edition lessons 04 and 06 said the answers were kept "on this computer,
    or in your own space on a shared server"; they are in that browser only."""
    import coplearn.core.environment as environment

    for make in (TeamAuditForm, CultureProfileWidget):
        desktop = make().keep_note.value
        assert "on this computer, or in your own space on a shared server" in desktop, desktop
    monkeypatch.setattr(environment, "in_browser", lambda: True)
    for make in (TeamAuditForm, CultureProfileWidget):
        note = make().keep_note.value
        assert "in this web browser, on this device only" in note and "shared server" not in note, note
