"""walk22: a read of the journal never moves a file (M1), a JSON slip is placed (M2), an export says
what it replaced and an empty one does not replace a file (L2), and "What I learned" is never blanked (L7)."""

from __future__ import annotations

import json
import os
import subprocess
import warnings
from html import unescape
from pathlib import Path

import pytest

from coplearn.practice import journal as J
from coplearn.practice.journal import Journal
from coplearn.practice.journal_entry import JournalWarning
import installed

#: Words a learner should never see.
JARGON = ("Traceback", "JSONDecodeError", "Expecting", "Errno", "delimiter", "char ")


def cli(*args: str, journal: Path | None = None, env_journal: Path | None = None,
        progress: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("COPLEARN_JOURNAL", "COPLEARN_PROGRESS")}
    if env_journal is not None:
        env["COPLEARN_JOURNAL"] = str(env_journal)
    if progress is not None:
        env["COPLEARN_PROGRESS"] = str(progress)
    extra = ["--journal", str(journal)] if journal is not None else []
    proc = subprocess.run(installed.coplearn(*args, *extra), capture_output=True, text=True, env=env, timeout=120)
    for word in JARGON:
        assert word not in proc.stdout + proc.stderr, proc.stderr
    return proc


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def journal(tmp_path) -> Journal:
    j = Journal(tmp_path / "journal.json")
    j.add(title="Duty week", learning="Listening first helped.")
    j.add(title="Supervision", learning="Ask before telling.")
    return j


def other_files(folder: Path, journal: Journal) -> dict[str, tuple[bytes, str]]:
    """Files of other kinds a journal path may name by mistake, and what each should be called."""
    docx_file = journal.export(folder / "cpd.docx")
    md = journal.export(folder / "cpd.md")
    html = journal.export(folder / "cpd.html")
    (folder / "team-survey.csv").write_text("Respondent,K1,K2\nR1,4,5\nR2,3,3\n", encoding="utf-8")
    (folder / "notes.ipynb").write_text(json.dumps({"cells": [], "nbformat": 4, "metadata": {}}), encoding="utf-8")
    progress = folder / "journal-progress.json"
    progress.write_text(json.dumps({"format": "coplearn-progress", "version": 1, "lessons": {}}), encoding="utf-8")
    return {"cpd.docx": (docx_file.read_bytes(), "a Word document"), "cpd.md": (md.read_bytes(), "a Markdown document"),
            "cpd.html": (html.read_bytes(), "a web page"), "team-survey.csv": (b"", "a CSV file"),
            "notes.ipynb": (b"", "a Jupyter notebook"), "journal-progress.json": (b"", "your coplearn progress notes")}


# ---- M1: another kind of file is never moved, by a read or a save ------------------------------------

def test_reading_commands_never_move_another_kind_of_file(tmp_path, journal):
    """walk22 M1: `journal export --journal cpd.docx -o out.md` and `journal list` with COPLEARN_JOURNAL
    set to a survey CSV renamed the file to .unreadable-... and left a .lock beside it, with rc 0."""
    folder = tmp_path / "others"
    folder.mkdir()
    kinds = other_files(folder, journal)
    before = listing(folder)
    for name, (_, looks) in kinds.items():
        target = folder / name
        for proc in (cli("journal", "export", "-o", str(tmp_path / "out.md"), journal=target),
                     cli("journal", "list", env_journal=target), cli("journal", "list", journal=target),
                     cli("journal", "regulator", journal=target), cli("journal", "path", env_journal=target)):
            assert proc.returncode != 0, (name, proc.args, proc.stdout)
            said = proc.stderr
            assert f"{target} is not a coplearn journal (it looks like {looks}" in said, said
            assert "Nothing was changed" in said and "unreadable" not in said and "Notepad" not in said
        assert listing(folder) == before, name  # nothing moved, renamed or made beside it (no .lock)
    assert not (tmp_path / "out.md").exists()
    said = cli("journal", "export", "-o", str(tmp_path / "out.md"), journal=folder / "cpd.docx").stderr
    assert "--journal names the journal to read; -o names the file to write" in said
    said = cli("journal", "list", env_journal=folder / "team-survey.csv").stderr
    assert "COPLEARN_JOURNAL names this file" in said


def test_saving_commands_refuse_another_kind_of_file_and_change_nothing(tmp_path, journal):
    folder = tmp_path / "others"
    folder.mkdir()
    kinds = other_files(folder, journal)
    before = listing(folder)
    for name in kinds:
        target = folder / name
        for proc in (cli("journal", "add", "--learning", "A note", journal=target),
                     cli("journal", "regulator", "scw", env_journal=target),
                     cli("journal", "import", str(journal.path), journal=target),
                     cli("journal", "edit", "1", "--hours", "1", journal=target),
                     cli("journal", "remove", "1", "--yes", journal=target)):
            assert proc.returncode != 0 and "is not a coplearn journal" in proc.stderr, (name, proc.args, proc.stderr)
            assert "Nothing was changed" in proc.stderr
        assert listing(folder) == before, name


def test_the_library_reads_another_kind_of_file_without_moving_it(tmp_path):
    path = tmp_path / "team-survey.csv"
    path.write_text("Respondent,K1\nR1,4\n", encoding="utf-8")
    j = Journal(path)
    with pytest.warns(JournalWarning, match="is not a coplearn journal .*CSV file.*Nothing was changed"):
        assert j.entries == ()
    assert j.read_problem and "CSV file" in j.read_problem
    with pytest.raises(J.NotAJournalError, match="Nothing was changed"):
        j.read()
    with pytest.raises(J.NotAJournalError):
        j.add(learning="Not here")
    with pytest.raises(J.NotAJournalError):
        j.export(tmp_path / "out.md")
    assert listing(tmp_path) == {"team-survey.csv": b"Respondent,K1\nR1,4\n"}


def damaged(journal: Journal) -> bytes:
    """The journal with one closing quotation mark taken out (walk22 M2's slip)."""
    text = journal.path.read_text(encoding="utf-8")
    assert text.count('"Ask before telling."') == 1
    journal.path.write_text(text.replace('"Ask before telling."', '"Ask before telling.'), encoding="utf-8")
    return journal.path.read_bytes()


def test_reading_a_damaged_journal_says_where_and_changes_nothing(tmp_path, journal):
    """walk22 M1 and M2: a read left the damaged journal as .unreadable-..., said only "it is not complete
    JSON text", and listed "0 entries" with rc 0."""
    broken = damaged(journal)
    before = listing(tmp_path)
    for args in (("journal", "list"), ("journal", "export", "-o", str(tmp_path / "out.md")), ("journal", "regulator"),
                 ("journal", "edit", "1", "--hours", "1"), ("journal", "remove", "1", "--yes")):
        proc = cli(*args, journal=journal.path)
        assert proc.returncode != 0 and "0 entries" not in proc.stdout, args
        said = proc.stderr
        assert "could not be read" in said and "Nothing was changed" in said, said
        assert "in entry 2, field 'learning'" in said and 'closing quotation mark (") is probably missing' in said
        line = next(n for n, text in enumerate(broken.decode().splitlines(), 1) if "Ask before telling." in text)
        assert f"line {line}, column " in said, said
        assert listing(tmp_path) == before, args
    assert cli("journal", "path", journal=journal.path).returncode == 0  # (it is the journal's place; list says what is wrong)
    with pytest.warns(JournalWarning, match="Nothing was changed"):
        assert Journal(journal.path).entries == ()
    assert listing(tmp_path) == before
    # a save keeps it safe under another name, as before, and says where it is damaged
    proc = cli("journal", "add", "--learning", "A new start", journal=journal.path)
    assert proc.returncode == 0 and "kept safe as" in proc.stderr and "in entry 2, field 'learning'" in proc.stderr
    (kept,) = tmp_path.glob("journal.json.unreadable-*")
    assert kept.read_bytes() == broken


def test_a_missing_comma_between_entries_and_a_cut_file_are_said_in_words(tmp_path, journal):
    text = journal.path.read_text(encoding="utf-8")
    head, tail = text.split("\n    },\n    {", 1)
    journal.path.write_text(head + "\n    }\n    {" + tail, encoding="utf-8")
    with pytest.raises(J.JournalUnreadable) as info:
        journal.read()
    said = str(info.value)
    assert "just before entry 2" in said and "a comma is missing" in said
    journal.path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(J.JournalUnreadable, match="the file ends too early: it was cut short"):
        journal.read()
    journal.path.write_text(text.replace('"Duty week"', "\u201cDuty week\u201d"), encoding="utf-8")
    with pytest.raises(J.JournalUnreadable, match=r"in entry 1, field 'title': curly quotation marks"):
        journal.read()


def test_importing_a_damaged_journal_says_where(tmp_path, journal):
    damaged(journal)
    proc = cli("journal", "import", str(journal.path), journal=tmp_path / "new.json")
    assert proc.returncode != 0 and "in entry 2, field 'learning'" in proc.stderr and "line " in proc.stderr
    assert "another kind of file" not in proc.stderr and not (tmp_path / "new.json").exists()


def test_the_journal_widgets_on_open_move_nothing(tmp_path, journal):
    from coplearn.widgets.journal import JournalEditor, JournalExport, JournalSetup

    survey = tmp_path / "team-survey.csv"
    survey.write_text("Respondent,K1\nR1,4\n", encoding="utf-8")
    damaged(journal)
    before = listing(tmp_path)
    for path, words in ((survey, "is not a coplearn journal"), (journal.path, "in entry 2, field 'learning'")):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", JournalWarning)
            shown = unescape(JournalSetup(journal=Journal(path)).where.value)
            assert words in shown and "It has 0 entries" not in shown
            shown = unescape(JournalEditor(journal=Journal(path)).shown.value)
            assert words in shown and "no entries yet" not in shown
            export = JournalExport(journal=Journal(path), folder=tmp_path / "out")
            export.safely(export.export)()
            assert words in unescape(export.messages.value) and "no entries yet" not in export.messages.value
        assert listing(tmp_path) == before


def test_progress_does_not_move_a_journal_it_cannot_read(tmp_path, journal):
    damaged(journal)
    before = listing(tmp_path)
    proc = cli("progress", journal=journal.path, progress=tmp_path / "progress.json")
    assert proc.returncode == 0 and "journal's entries are not counted here" in proc.stderr
    assert listing(tmp_path) == before


# ---- L2: an export says what it replaced, and an empty one does not replace a file ------------------

def test_an_export_says_it_replaced_a_file_and_an_empty_one_is_refused(tmp_path, journal):
    out = tmp_path / "cpd.docx"
    proc = cli("journal", "export", "-o", str(out), journal=journal.path)
    assert proc.returncode == 0 and "replaced" not in proc.stdout
    proc = cli("journal", "export", "-o", str(out), journal=journal.path)
    assert proc.returncode == 0 and "It replaced the earlier cpd.docx." in proc.stdout
    before = out.read_bytes()
    proc = cli("journal", "export", "-o", str(out), "--since", "2099-01-01", journal=journal.path)
    assert proc.returncode != 0 and out.read_bytes() == before
    assert "already exists" in proc.stderr and "nothing was written" in proc.stderr and "--force" in proc.stderr
    proc = cli("journal", "export", "-o", str(out), "--since", "2099-01-01", "--force", journal=journal.path)
    assert proc.returncode == 0 and "Wrote 0 CPD records" in proc.stdout and "It replaced the earlier cpd.docx" in proc.stdout
    assert not list(tmp_path.glob(".cpd.docx.*.tmp"))


# ---- L7: "What I learned" is never blanked by an edit ---------------------------------------------------

def test_an_edit_never_blanks_what_i_learned(tmp_path, journal):
    journal.update(journal.entries[1].id, impact_people="Families said the calls felt calmer.")
    before = journal.path.read_bytes()
    for blank in ("", "   "):
        proc = cli("journal", "edit", "2", "--learning", blank, journal=journal.path)
        assert proc.returncode != 0 and "What I learned" in proc.stderr and "not changed" in proc.stderr
        with pytest.raises(ValueError, match="cannot be made empty"):
            journal.update(journal.entries[1].id, learning=blank)
    assert journal.path.read_bytes() == before
    proc = cli("journal", "edit", "2", "--learning", "Ask, then listen.", journal=journal.path)
    assert proc.returncode == 0 and journal.entries[1].learning == "Ask, then listen."


def test_walk22_l12_a_regulator_can_be_named_by_its_nation() -> None:
    from coplearn.practice.regulators import get_regulator

    assert [get_regulator(n).key for n in ("wales", "Scotland", "northern-ireland", "Northern  Ireland", "England")] == [
        "scw", "sssc", "niscc", "niscc", "swe"]
    with pytest.raises(LookupError, match=r"'mars' is not a regulator coplearn knows; choose one of: swe \(Social Work "
                                          r"England\).*or name the nation: england, wales"):
        get_regulator("mars")


def test_walk22_l6_a_date_written_day_first_and_hours_with_a_decimal_comma_are_read(tmp_path) -> None:
    import datetime as dt

    from coplearn.practice.journal import Journal

    day = dt.date.today() - dt.timedelta(days=3)
    journal = Journal(tmp_path / "journal.json")
    entry = journal.add(learning="Asked first.", date=day.strftime("%d/%m/%Y"), hours="1,5")
    assert entry.date == day.isoformat() and entry.hours == 1.5
    with pytest.raises(ValueError, match=r"'1,5,5' is not a number of hours"):
        journal.add(learning="x", hours="1,5,5")


def test_check22_damaged_journals_are_not_taken_for_other_files_and_stray_text_is_named(tmp_path) -> None:
    """check22 L3-L5: a journal cut short before its format line, or left full of NUL bytes, was called
    "not a coplearn journal" (and every save refused); text after the last bracket was "the file ends too
    early"; a problem said once stayed said after the file was moved away."""
    import json as _json

    from coplearn.core.file_kinds import json_slip, other_kind
    from coplearn.practice.journal import Journal, JournalUnreadable, NotAJournalError

    assert other_kind(b'{"format": "coplearn-jour') is None and other_kind(b"\x00" * 4096) is None
    assert "a lesson's saved answers" in other_kind(b'{"format": "coplearn-lesson-answers", "answers": {}}')
    text = '{"format": "coplearn-journal", "entries": []}x'
    with pytest.raises(_json.JSONDecodeError) as err:
        _json.loads(text)
    assert "there is more after the end of the file's last closing bracket" in json_slip(text, err.value)
    path = tmp_path / "journal.json"
    path.write_bytes(b'{"format": "coplearn-jour')
    journal = Journal(path)
    with pytest.raises(JournalUnreadable) as said:
        journal.read()
    assert not isinstance(said.value, NotAJournalError)
    with pytest.warns(Warning, match="kept safe"):
        journal.add(learning="A new start")  # a save sets the damaged journal aside, as before
    assert list(tmp_path.glob("journal.json.unreadable-*")) and [e.learning for e in journal.read()] == ["A new start"]
    other = tmp_path / "survey.csv"
    other.write_text("Respondent,K1\nR1,4\n", encoding="utf-8")
    j2 = Journal(other)
    with pytest.raises(NotAJournalError):
        j2.read()
    other.unlink()
    assert j2.read() == () and j2.read_problem is None


# ---- walk22 L11: an entry the journal's lock kept out is kept beside it, never dropped ------------


def test_walk22_l11_an_entry_the_lock_kept_out_is_kept_beside_the_journal_and_saved_later(journal, tmp_path):
    """walk22 L11: a second terminal (or lesson) that could not lock the journal within 30 s dropped the
    entry it was given. It is kept in a file of its own beside the journal, shown with the others, and
    taken in by the next save; saving it again meanwhile does not make two."""
    from coplearn.core.atomic import file_lock
    from coplearn.practice.journal import JournalBusy

    before = journal.path.read_bytes()
    journal.lock_timeout = 0.2  # (the wait before keeping it aside; 30 s in use)
    with file_lock(journal.path):  # another program saving, and holding on
        with pytest.raises(JournalBusy) as busy:
            journal.add(title="Team meeting", learning="Naming the stage helped the team talk about it.")
        with pytest.raises(JournalBusy):  # (a course button's save, too)
            journal.add_once(title="Audit", learning="Task scores were lowest.")
    said = str(busy.value)
    kept = busy.value.kept
    assert kept.parent == journal.path.parent and kept.name == f"journal.json.waiting-{busy.value.entry.id}.json"
    assert f"this entry was kept safe in {kept}" in said, said
    assert "It goes into your journal the next time anything is saved to it, and" in said, said
    assert "saving it again does not make a second copy" in said and "coplearn journal" not in said, said
    # (the next `coplearn journal` command takes it in too: said on the command line only, check23 1)
    assert "It goes into your journal the next time anything is saved to it (or at the next `coplearn journal` " \
           "command)" in busy.value.command_line
    assert journal.path.read_bytes() == before  # the journal as it was
    assert not list(tmp_path.glob(".*.tmp"))  # (written whole, as every save is)
    side = json.loads(kept.read_text(encoding="utf-8"))  # a journal of one entry (`coplearn journal import` reads it)
    assert side["format"] == "coplearn-journal" and [e["learning"] for e in side["entries"]] == [
        "Naming the stage helped the team talk about it."]
    # shown with the others at once, and reading changes nothing
    titles = ["Duty week", "Supervision", "Team meeting", "Audit"]
    assert [e.title for e in Journal(journal.path).read()] == titles
    assert journal.path.read_bytes() == before and len(list(tmp_path.glob("journal.json.waiting-*.json"))) == 2
    # the learner saves it again (the first try seemed to fail), then the next save takes both in: one copy each
    again = journal.add(title="Team meeting", learning="Naming the stage helped the team talk about it.")
    assert again.id == busy.value.entry.id and [e.title for e in journal.read()] == titles
    assert not list(tmp_path.glob("journal.json.waiting-*"))
    journal.add(title="Next", learning="Ask first.")
    assert [e.title for e in journal.read()] == titles + ["Next"]


def test_walk22_l11_the_command_line_says_where_the_entry_is_and_the_next_command_takes_it_in(journal, monkeypatch,
                                                                                               capsys):
    from coplearn.cli.main import main
    from coplearn.core.atomic import file_lock
    from coplearn.practice import journal_waiting

    monkeypatch.setattr(journal_waiting, "LOCK_TIMEOUT", 0.2)
    before = journal.path.read_bytes()
    with file_lock(journal.path):
        code = main(["journal", "add", "--journal", str(journal.path), "--learning", "Typed in a second terminal."])
    out = capsys.readouterr()
    kept = list(journal.path.parent.glob("journal.json.waiting-*.json"))
    assert code == 0 and len(kept) == 1 and journal.path.read_bytes() == before
    assert out.out.startswith("Kept entry ") and f"kept safe in {kept[0]}" in out.out, out
    assert "(or at the next `coplearn journal` command)" in out.out, out
    assert main(["journal", "list", "--journal", str(journal.path)]) == 0
    out = capsys.readouterr()
    assert f"1 entry kept beside the journal while it was busy ({kept[0].name}) is now in {journal.path}" in out.err
    assert "3 entries" in out.out and "Typed in a second terminal." in out.out, out
    assert not kept[0].exists() and len(Journal(journal.path).read()) == 3


def test_walk22_l11_a_lesson_s_save_box_says_where_the_reflection_is_kept(journal):
    from coplearn.core.atomic import file_lock
    from coplearn.widgets import JournalPrompt

    journal.lock_timeout = 0.2
    jp = JournalPrompt("What would you change first?", lesson="08", journal=journal)
    jp.learning.value = "Ask the team before deciding."
    with file_lock(journal.path):
        jp.button.click()
    assert jp.last_error is None and jp.saved is not None
    kept = journal.path.with_name(f"journal.json.waiting-{jp.saved.id}.json")
    assert kept.exists() and f"kept safe in {kept}" in jp.status.value, jp.status.value
    assert [e.learning for e in journal.entries][-1] == "Ask the team before deciding."
    jp.button.click()  # pressed again: still one record
    assert [e.learning for e in journal.entries].count("Ask the team before deciding.") == 1


def test_walk22_l11_a_waiting_file_that_cannot_be_read_is_said_and_left(journal, tmp_path):
    side = tmp_path / "journal.json.waiting-abc.json"
    side.write_text('{"format": "coplearn-journal", "entries": [{"learning": "x",}]}', encoding="utf-8")
    with pytest.warns(JournalWarning, match=r"journal\.json\.waiting-abc\.json: line 1, column \d+: .*left as it is"):
        titles = [e.title for e in Journal(journal.path).read()]
    assert titles == ["Duty week", "Supervision"]
    with pytest.warns(JournalWarning, match="left as it is"):
        journal.add(title="Third", learning="More.")
    assert side.exists()  # (never removed: it was not taken in)


def test_red22b_l3_written_out_dates_keep_four_figures_for_the_year() -> None:
    """red team 22b L3: ``%Y`` writes the year 1 as "1"; a date read from a hand-edited journal or
    progress file is written out with four figures, as the ISO date beside it has them."""
    from coplearn.practice.cpd import _format_date
    from coplearn.practice.progress import _date

    assert _format_date("0001-01-01") == "1 January 0001 (0001-01-01)"
    assert _date("0001-01-01") == "1 January 0001" and _date("2026-12-04T10:00") == "4 December 2026"


def test_note22_the_last_fallbacks_of_a_json_slip_are_in_plain_words(tmp_path) -> None:
    """note22 section 9: two fallbacks of the damaged-file messages still said "not complete JSON text";
    a comma before a closing bracket (as Python 3.13 names it) fell to one of them."""
    import json as _json

    from coplearn.core.file_kinds import json_slip

    trailing = json_slip('{"a": 1,}', _json.JSONDecodeError("Illegal trailing comma before end of object",
                                                            '{"a": 1,}', 7))
    other = json_slip('{"a": 1}', _json.JSONDecodeError("Something Python may say one day", '{"a": 1}', 3))
    path = tmp_path / "journal.json"
    path.write_text('{"format": "coplearn-journal", "entries": ' + "[" * 100_000, encoding="utf-8")
    with pytest.raises(J.JournalUnreadable) as deep:
        Journal(path).read()
    assert trailing == ("line 1, column 8: there is one comma too many just before this point: take out the comma "
                        "after the last field or entry before a closing bracket (] or })"), trailing
    assert other.startswith("line 1, column 4: something here is not written as the rest of the file is: check the "
                            'quotation marks ("), commas and brackets'), other
    assert "brackets ([ or {) are opened one inside another thousands of times over" in str(deep.value), deep.value
    for said in (trailing, other, str(deep.value)):
        assert "JSON" not in said
