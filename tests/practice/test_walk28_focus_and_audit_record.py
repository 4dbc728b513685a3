"""walk28 M1 and M3, in the library (the browser side of M1: tests/browser/test_browser_focus.py).

Each test failed before its fix.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import zipfile
from pathlib import Path

#: The reminder the lesson 06 audit's journal entry used to carry under "What I learned" (f5471a6 to walk28):
#: the course's instructions to the manager, which went into every CPD export (walk28 M3).
OLD_REMINDER = ("Your own reflection goes under \u201cImpact on my practice\u201d: what you will do with your team "
                "and why, in your own words (adapt the course's steps above, or choose your own), with the impact "
                "on people who use services. Lesson 11's \u201cCompleting or removing an entry\u201d box adds "
                "them. Without them this record is the course's output, not CPD evidence of your reflection.")

#: Words of the course's instructions to the learner: none belongs in a record the learner submits.
INSTRUCTION_WORDS = ("Your own reflection goes under", "Completing or removing an entry", "Lesson 11",
                     "Without them this record", "not CPD evidence", "Save the results to my journal",
                     "adapt the course's steps", "in your own words")


def _instructions_in(text: str) -> list[str]:
    flat = " ".join(text.replace("\u2019", "'").split())
    return [w for w in INSTRUCTION_WORDS if w.lower() in flat.lower()]


def _docx_text(data: bytes) -> str:
    import re

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S)
    return "\n".join("".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p)) for p in paragraphs)


def test_the_saved_audit_entry_and_its_export_hold_no_course_instructions(tmp_path: Path) -> None:
    """walk28 M3 (medium): the audit's journal entry kept the course's instructions to the manager ("Your own
    reflection goes under 'Impact on my practice' ... Without them this record is the course's output, not CPD
    evidence") under "What I learned", even after the manager completed the entry in lesson 11, and so in every
    export, for every regulator; lesson 11 has no box to take them out. The record now holds only the audit and
    the manager's own words; the instructions are on the page, beside the save button."""
    import html

    from coplearn.practice import cpd
    from coplearn.practice.journal import Journal
    from coplearn.practice.regulators import regulators
    from coplearn.widgets._journal_editor import JournalEditor
    from coplearn.widgets.action_centred import OWN_REFLECTION, TeamAuditForm

    journal = Journal(tmp_path / "journal.json")
    form = TeamAuditForm(journal=journal)
    for item, rating in (("K1", 2), ("K4", 1), ("T4", 2), ("I2", 3), ("I7", 4)):
        form.controls[item].value = rating
    form.controls["T2"].value = "Two more AMHPs within a year."
    form.controls["T3"].value = "storming"
    form.save_button.click()
    assert form.last_error is None, form.last_error
    (entry,) = journal.entries
    # the record: the audit's content (scores, priorities, the course's steps, the manager's T2 notes, the note on
    # what is the course's), and no instructions in any field
    assert "Priorities, weakest first" in entry.learning and "Steps the course suggests" in entry.learning
    assert "Two more AMHPs within a year." in entry.learning and "course's additions" in entry.learning
    assert OLD_REMINDER not in entry.learning
    for field in dataclasses.fields(entry):
        value = getattr(entry, field.name)
        if isinstance(value, str):
            assert not _instructions_in(value), (field.name, _instructions_in(value))
    # the instructions are on the page, beside the buttons, and the status after saving says what is left to write
    shown = html.unescape(form.save_note.value)
    assert "Impact on my practice" in shown and "Completing or removing an entry" in shown
    children = list(form.view.children)
    assert children.index(form.save_note) == children.index(next(c for c in children if form.save_button in
                                                                  getattr(c, "children", ()))) + 1
    assert OWN_REFLECTION in shown and OWN_REFLECTION not in entry.learning
    assert "Impact on my practice" in form.status.value

    # the manager completes the record in lesson 11, then exports it for each regulator, in each format
    editor = JournalEditor(journal=journal)
    editor.entry.value = entry.id
    editor.impact_practice.value = "I will open a monthly case discussion with the duty team."
    editor.impact_people.value = "Families should get a quicker, more consistent answer on duty."
    editor.peer_role.value = "a senior practitioner"
    editor.hours.value = "1.5"
    editor.save()
    (done,) = journal.entries
    assert done.impact_practice.startswith("I will open") and not _instructions_in(done.learning)
    for reg in regulators():
        for text in (cpd.to_markdown([done], regulator=reg.key), html.unescape(cpd.to_html([done], regulator=reg.key)),
                     _docx_text(cpd.to_docx_bytes([done], regulator=reg.key))):
            assert "I will open a monthly case discussion" in text
            assert "Priorities, weakest first" in text
            assert not _instructions_in(text), (reg.key, _instructions_in(text))


def _disabled_changes(button) -> list[bool]:
    seen: list[bool] = []
    button.observe(lambda change: seen.append(change["new"]), names="disabled")
    return seen


def test_a_button_waiting_for_typing_to_settle_is_never_disabled(tmp_path: Path) -> None:
    """walk28 M1 (medium): the buttons that wait for typing to settle (walk27 H1) were disabled meanwhile, and a
    focused element that becomes disabled gives the keyboard focus to the page body. They are now shown waiting
    (a class the page marks aria-disabled), never disabled; a second press while one waits still does nothing, and
    a press that arrives before the last words still saves the whole text, once."""
    from coplearn.practice.journal import Journal
    from coplearn.widgets._base import SETTLE_SECONDS, JournalPrompt, is_waiting
    from coplearn.widgets._journal_editor import JournalEditor
    from coplearn.widgets.action_centred import TeamAuditForm

    journal = Journal(tmp_path / "journal.json")
    prompt = JournalPrompt("What did you notice?", lesson="04", journal=journal)
    audit = TeamAuditForm(journal=journal)
    audit.controls["K1"].value = 2
    changes = {name: _disabled_changes(b) for name, b in (("save", prompt.button), ("score", audit.button),
                                                           ("save audit", audit.save_button))}
    whole = "The team's culture is mostly managed; we rarely reflect together on practice."

    async def learner() -> None:
        prompt.learning.value = "The team's culture is mostly"
        prompt.button.click()
        await asyncio.sleep(0.05)
        assert is_waiting(prompt.button) and not prompt.button.disabled
        prompt.button.click()  # (a second press meanwhile: ignored)
        await asyncio.sleep(0.05)
        prompt.learning.value = whole  # (the held-back words arrive after the press)
        audit.button.click()
        audit.save_button.click()
        audit.save_button.click()
        assert is_waiting(audit.button) and is_waiting(audit.save_button) and not audit.save_button.disabled
        await asyncio.sleep(SETTLE_SECONDS * 2 + 0.5)

    asyncio.run(learner())
    assert [e.learning for e in journal.entries if e.lesson == "04"] == [whole]
    assert len([e for e in journal.entries if e.lesson == "06"]) == 1
    assert not any(is_waiting(b) for b in (prompt.button, audit.button, audit.save_button))
    assert changes == {"save": [], "score": [], "save audit": []}, changes

    editor = JournalEditor(journal=journal)
    seen = _disabled_changes(editor.save_button)

    async def completing() -> None:
        editor.impact_people.value = "Calmer duty calls"
        editor.save_button.click()
        await asyncio.sleep(0.1)
        assert is_waiting(editor.save_button) and not editor.save_button.disabled
        editor.impact_people.value = "Calmer duty calls for families."
        await asyncio.sleep(SETTLE_SECONDS * 2 + 0.5)

    asyncio.run(completing())
    assert seen == [] and not is_waiting(editor.save_button)
    assert [e.impact_people for e in journal.entries if e.id == editor.entry.value] == ["Calmer duty calls for families."]


def test_the_page_script_marks_a_waiting_button_and_the_css_shows_it() -> None:
    """The waiting class is what the page script and the course's CSS act on (walk28 M1)."""
    from coplearn.widgets._base import KEYBOARD_SCRIPT, WAITING_CLASS
    from coplearn.widgets._style import COURSE_CSS

    assert f"'{WAITING_CLASS}'" in KEYBOARD_SCRIPT and "aria-disabled" in KEYBOARD_SCRIPT
    assert f".jupyter-button.{WAITING_CLASS}" in COURSE_CSS



def test_the_scored_status_names_the_headings_on_screen(tmp_path: Path) -> None:
    """walk28 L7: after "Score the audit" the status said the priorities and plan "follow under 'Team audit
    results'", a name that is only the results region's label for screen readers; the headings a sighted reader
    sees are "Priorities, weakest first" and "Action plan". It now names those, and only the ones shown."""
    import html
    import re

    from coplearn.practice.journal import Journal
    from coplearn.widgets.action_centred import TeamAuditForm

    form = TeamAuditForm(journal=Journal(tmp_path / "journal.json"))
    for item, rating in (("K1", 2), ("K4", 1), ("T4", 2)):
        form.controls[item].value = rating
    form.score()
    status = html.unescape(form.status.value)
    assert "Team audit results" not in status
    assert ("The priorities and action plan follow below, under \u201cPriorities, weakest first\u201d and "
            "\u201cAction plan\u201d.") in status, status
    shown = re.findall(r"<h4>([^<]*)</h4>", html.unescape(form.report.value))
    assert shown == ["Priorities, weakest first", "Action plan"], shown
    # only the headings shown are named, with the verb that fits
    for item in list(form.controls):
        if item not in ("T2", "T3"):
            form.controls[item].value = 5
    form.score()
    status = html.unescape(form.status.value)
    shown = re.findall(r"<h4>([^<]*)</h4>", html.unescape(form.report.value))
    said = [h for h in ("Priorities, weakest first", "Action plan") if f"\u201c{h}\u201d" in status]
    assert said == shown, (status, shown)
    assert "priorities follows" not in status and "plan follow " not in status, status


def test_lesson_00_says_the_journal_exists_once_its_first_entry_is_saved(tmp_path: Path) -> None:
    """walk28 L5: lesson 00's line above its reflection box went on saying the journal "does not exist yet" after
    "Save to my journal" had saved the first entry, until "Check my journal" was pressed: it was read again when the
    button was pressed, before the save, which waits for typing to settle. It is now read again once saved."""
    import html

    from coplearn.practice.journal import Journal
    from coplearn.widgets._base import SETTLE_SECONDS
    from coplearn.widgets.journal import JournalSetup

    setup = JournalSetup(journal=Journal(tmp_path / "journal.json"))
    assert "does not exist yet" in html.unescape(setup.where.value)

    async def learner() -> None:
        setup.prompt.learning.value = "To lead supervision that helps the team learn together."
        setup.prompt.button.click()
        await asyncio.sleep(SETTLE_SECONDS * 2 + 0.5)

    asyncio.run(learner())
    shown = html.unescape(setup.where.value)
    assert setup.prompt.last_error is None and setup.last_error is None
    assert "does not exist yet" not in shown and "It has 1 entry." in shown, shown
    setup.prompt.learning.value = "To lead supervision that helps the team learn, and to listen."
    setup.prompt.button.click()  # (no kernel loop: saved at once)
    assert "It has 2 entries." in html.unescape(setup.where.value)


def test_lesson_06_open_in_two_tabs_scores_the_answers_as_kept(tmp_path: Path) -> None:
    """walk28 L14: with lesson 06 open in two tabs, answers were merged item by item in the kept file, but the first
    tab went on showing its own old answers, and "Score the audit" and "Save the results to my journal" there used
    them: the journal entry and the kept answers disagreed. Scoring now first takes the answers the other tab kept
    since, where this tab has not changed them, and says which."""
    import html

    from coplearn.practice.journal import Journal
    from coplearn.practice.lesson_answers import LessonAnswers
    from coplearn.widgets.action_centred import TeamAuditForm

    journal = Journal(tmp_path / "journal.json")
    tab1 = TeamAuditForm(journal=journal)
    tab1.controls["K1"].value = 5
    tab1.controls["K2"].value = 4
    tab2 = TeamAuditForm(journal=journal)  # (opened later: it shows what tab 1 kept)
    assert tab2.controls["K1"].value == 5
    tab2.controls["K1"].value = 1
    tab2.controls["K3"].value = 1
    tab1.controls["K2"].value = 2  # (tab 1's own change since: kept, and not undone)
    tab1.save_button.click()
    assert tab1.last_error is None, tab1.last_error
    assert (tab1.controls["K1"].value, tab1.controls["K2"].value, tab1.controls["K3"].value) == (1, 2, 1)
    assert "are now shown here and used in these scores: K1, K3." in html.unescape(tab1.status.value), tab1.status.value
    kept = LessonAnswers("team-audit", journal.path).load()
    assert {k: kept[k] for k in ("K1", "K2", "K3")} == {"K1": 1, "K2": 2, "K3": 1}
    (entry,) = journal.entries
    assert "K3" in entry.learning  # (the weakest items, as kept, are in the record)
    # nothing changed elsewhere: nothing said
    tab1.button.click()
    assert "another open tab" not in tab1.status.value
