"""Session 27's fixes outside the nbgrader tier. Each test failed before its fix."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_learner_guide_and_the_feedback_agree_on_where_a_self_study_learner_finds_the_mark_scheme() -> None:
    """Session 26 took the mark schemes out of students' feedback (walk26 T-M2), but the learner guide still told a
    learner studying alone that the feedback page shows them, and the note in their place said a tutor had marked
    the answer. The note now sends them to the worked solution, which the guide names and which holds them."""
    from coplearn.grading.feedback import MARK_SCHEME_NOTE

    guide = (ROOT / "docs" / "learner-guide.md").read_text(encoding="utf-8")
    flat = " ".join(guide.split())
    assert "also shows the mark scheme" not in flat
    assert "does not show the mark schemes" in flat
    assert "Your tutor marked this answer" not in MARK_SCHEME_NOTE
    # the section the note names exists, and says the mark schemes are in the solution notebooks
    assert "Worked solutions" in MARK_SCHEME_NOTE
    section = guide.split("### Worked solutions", 1)[1].split("\n## ", 1)[0]
    assert "BEGIN MARK SCHEME" in section and "solutions/" in section
    # and every solution notebook holds a mark scheme for its written questions
    for notebook in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        assert re.search(r"BEGIN MARK SCHEME", notebook.read_text(encoding="utf-8")), notebook


def _journal_cut_in_its_third_entry(tmp_path: Path) -> tuple[Path, list[str]]:
    from coplearn.practice.journal import Journal

    whole = Journal(tmp_path / "whole" / "journal.json")
    ids = [whole.add(title=f"Entry {n}", learning=f"What I learned, number {n}.").id for n in (1, 2, 3)]
    text = whole.path.read_text(encoding="utf-8")
    cut = text[: text.index("What I learned, number 3") + 10]  # (stopped part way through the third entry)
    path = tmp_path / "journal-copy.json"
    path.write_text(cut, encoding="utf-8")
    return path, ids


def test_a_journal_cut_short_gives_its_whole_entries_on_import_and_says_what_was_not_read(tmp_path: Path, capsys) -> None:
    """Red team 26b F4 (the part left then): a journal cut short by a crash or a stopped copy could only be mended by
    hand before any of it came back; now its whole entries are imported, and the learner is told where it stopped."""
    from coplearn.cli.main import main
    from coplearn.practice.journal import Journal

    cut, ids = _journal_cut_in_its_third_entry(tmp_path)
    before = cut.read_bytes()
    mine = Journal(tmp_path / "mine.json")
    assert mine.import_from(cut) == (2, 0)
    assert [e.id for e in mine.entries] == ids[:2]
    note = mine.last_import_note
    assert note and "cut short" in note and "first 2 entries" in note and "after entry 2" in note
    assert cut.read_bytes() == before  # (the file itself is left as it was)
    # again: nothing twice, and still said
    assert mine.import_from(cut) == (0, 2) and mine.last_import_note
    # a whole file afterwards: no note
    mine.import_from(tmp_path / "whole" / "journal.json")
    assert mine.last_import_note is None and len(mine.entries) == 3

    # the command line says it after the count
    other = tmp_path / "other.json"
    assert main(["journal", "import", str(cut), "--journal", str(other)]) == 0
    out = capsys.readouterr().out
    assert "Imported 2 entries" in out and "cut short" in out and "after entry 2" in out


def test_a_journal_damaged_in_the_middle_still_imports_nothing_and_names_the_slip(tmp_path: Path) -> None:
    """Only a file that ends too early is read in part: a slip in the middle (a hand edit) is named, to be mended, and
    nothing is imported (taking the entries before it would leave those after it behind unannounced)."""
    import pytest

    from coplearn.practice.journal import Journal

    cut, _ = _journal_cut_in_its_third_entry(tmp_path)
    whole = (tmp_path / "whole" / "journal.json").read_text(encoding="utf-8")
    slipped = tmp_path / "slipped.json"
    slipped.write_text(whole.replace('"title": "Entry 2",', '"title": "Entry 2"', 1), encoding="utf-8")
    mine = Journal(tmp_path / "mine.json")
    with pytest.raises(ValueError, match="comma is missing"):
        mine.import_from(slipped)
    assert not mine.path.exists()
    # and a cut-short file that was never a coplearn journal is not read in part
    foreign = tmp_path / "foreign.json"
    foreign.write_text('{"entries": [{"id": "x", "title": "t"}, {"id', encoding="utf-8")
    with pytest.raises(ValueError, match="ends too early"):
        mine.import_from(foreign)


def test_a_journal_kept_aside_as_unreadable_comes_back_in_part_through_lesson_11s_import(tmp_path: Path) -> None:
    """The whole path of F4: the journal file is cut short, a save keeps it aside and starts a new journal, the note
    says how to bring the entries back, and importing the kept file (as lesson 11's button does) brings back the
    whole ones, saying so."""
    import datetime
    import warnings

    from coplearn.practice.journal import Journal
    from coplearn.widgets.journal import JournalImport

    cut, ids = _journal_cut_in_its_third_entry(tmp_path)
    path = tmp_path / "j" / "journal.json"
    path.parent.mkdir()
    path.write_bytes(cut.read_bytes())
    journal = Journal(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        journal.add(title="After the crash", learning="Written after the file was cut.")
    (kept,) = journal.set_aside()
    assert "a file cut short gives the entries that are whole" in journal.set_aside_note("export")
    widget = JournalImport(journal=journal)
    widget.upload.value = ({"name": kept.name, "content": kept.read_bytes(), "type": "application/json",
                            "size": kept.stat().st_size, "last_modified": datetime.datetime.now(datetime.timezone.utc)},)
    status = widget.status.value
    assert "added 2 entries" in status and "cut short" in status
    assert {e.id for e in journal.entries} >= set(ids[:2]) and len(journal.entries) == 3


def test_a_social_care_wales_record_marks_an_impact_not_written_yet(tmp_path: Path) -> None:
    """Left from session 26: the audit's journal entry leaves "Impact on my practice" for the manager to write; the
    other regulators' exports mark it "Not written yet", but Social Care Wales's one heading for learning and impact
    read the learning alone as the whole answer, and the export's summary counted the record as complete."""
    from coplearn.core.document import MISSING
    from coplearn.practice.cpd import to_markdown
    from coplearn.practice.journal import Journal

    journal = Journal(tmp_path / "journal.json")
    bare = journal.add(title="Team audit", learning="The team shares practice in supervision only.", date="2026-11-02",
                       hours=1)
    text = to_markdown([bare], regulator="scw")
    assert f"How it changes my practice: {MISSING}" in text
    assert "1 record has a heading still to fill in" in text
    done = journal.add(title="Team audit", learning="The team shares practice in supervision only.",
                       impact_practice="I will open a monthly case discussion.", date="2026-11-02", hours=1)
    text = to_markdown([done], regulator="scw")
    assert MISSING not in text and "still to fill in" not in text
    # (rev27 M6: each part labelled, so the impact can be told from the learning once written)
    assert "How it changes my practice: I will open a monthly case discussion." in text
    assert "What I learned: The team shares practice in supervision only." in text
    # a record with the impact but not the learning: the learning is what is marked (it went unmarked)
    unlearned = journal.add(title="Team audit", learning="", impact_practice="I will open a monthly case discussion.",
                            date="2026-11-02", hours=1)
    text = to_markdown([unlearned], regulator="scw")
    assert f"*What I learned: {MISSING}*" in text and "How it changes my practice: Not written" not in text
    assert "1 record has a heading still to fill in" in text


def test_a_typed_list_with_a_long_run_of_spaces_is_read_without_stalling() -> None:
    """Red team 25 (left then): splitting a typed list tried every space of a long run against "and" and "/" again
    and again, so 32,000 spaces and tabs took about 9 seconds on a 2-core VM (and the time grew with the square of
    the run). Now each run is tried once; 400,000 characters are read well inside the alarm below (a guard against a
    hang, not a timing)."""
    import signal

    from coplearn.grading.options import split_several

    def stalled(*_: object) -> None:
        raise TimeoutError("split_several stalled on a long run of spaces")

    old = signal.signal(signal.SIGALRM, stalled)
    signal.alarm(60)
    try:
        assert split_several("K8" + " \t" * 200_000 + "x", "item") == ["K8" + " \t" * 200_000 + "x"]
        assert split_several("K8" + " " * 200_000 + "/ I2", "item") == ["K8", "I2"]
        assert split_several("K8" + " " * 200_000 + "and I2", "item") == ["K8", "I2"]
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def test_a_save_pressed_just_after_typing_saves_what_arrives_after_the_press(tmp_path: Path) -> None:
    """walk27 H1 (high): in the browser edition on a slow computer, the page held back a box's last changes while the
    kernel was busy but sent the button press at once, so "Save to my journal" saved a cut-off reflection under
    "Saved to your journal". In a running kernel the save now waits until typing has been quiet (the late change here
    arrives 0.1 s after the press, as the held-back one did)."""
    import asyncio

    from coplearn.practice.journal import Journal
    from coplearn.widgets._base import SETTLE_SECONDS, JournalPrompt, is_waiting

    journal = Journal(tmp_path / "journal.json")
    prompt = JournalPrompt("What did you notice?", lesson="00", journal=journal)

    async def learner() -> None:
        prompt.learning.value = "Supervision helps"
        prompt.button.click()  # (the press reaches the kernel before the last words)
        # (waiting, and said so, but not disabled: a disabled button loses the keyboard focus, walk28 M1)
        assert is_waiting(prompt.button) and not prompt.button.disabled and not journal.entries
        await asyncio.sleep(0.1)
        prompt.learning.value = "Supervision helps when the team reflects on one case a month."
        await asyncio.sleep(SETTLE_SECONDS + 0.5)
        prompt.button.click()  # (pressed again with nothing changed: still one entry)
        await asyncio.sleep(SETTLE_SECONDS + 0.5)

    asyncio.run(learner())
    assert [e.learning for e in journal.entries] == ["Supervision helps when the team reflects on one case a month."]
    assert "Saved" in prompt.status.value and not prompt.button.disabled and not is_waiting(prompt.button)


def test_lesson_11_offers_the_journal_itself_for_download(tmp_path: Path) -> None:
    """walk27 M6: the only copy of the journal that another device can bring in (journal.json) was in the browser
    edition's file list, behind a right-click menu a phone or tablet cannot open; lesson 11 now offers it."""
    import base64
    import re

    from coplearn.practice.journal import Journal
    from coplearn.widgets.journal import JournalImport

    journal = Journal(tmp_path / "journal.json")
    box = JournalImport(journal=journal)
    box.copy_button.click()
    assert "no entries yet" in box.copy_status.value and "download=" not in box.copy_status.value
    journal.add(title="Lesson 03", learning="Cultures contend.")
    journal.add(title="Lesson 04", learning="A super-ordinate culture holds them.")
    box.copy_button.click()
    assert "(2 entries)" in box.copy_status.value
    link = re.search(r'download="journal.json" href="data:application/json;base64,([^"]+)"', box.copy_status.value)
    assert link and base64.b64decode(link.group(1)) == journal.path.read_bytes()
    # and the copy is what another device's import takes
    other = Journal(tmp_path / "other" / "journal.json")
    assert other.import_from(base64.b64decode(link.group(1)), name="journal.json") == (2, 0)


def test_the_team_audit_results_have_headings() -> None:
    """walk27 L3: "Priorities, weakest first" and "Action plan" were bold text, so heading navigation skipped them;
    they are level-4 headings under lesson 06's "Try it" heading (level 3)."""
    from coplearn.paper import action_centred as audit
    from coplearn.widgets.action_centred import TeamAuditForm

    result = audit.score_audit({item.id: 2 for item in audit.team_audit() if item.id not in ("T2", "T3")})
    html = TeamAuditForm._report_html(result)
    assert "<h4>Priorities, weakest first</h4>" in html and "<h4>Action plan</h4>" in html
