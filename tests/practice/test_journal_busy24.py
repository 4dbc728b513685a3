"""fix24: every change of a busy journal either waits safely beside it or is refused in plain words.

Another program (here a thread) holds the journal's real lock; saves wait 0.2 s for it, not the 30 s
they wait in use. An import and a choice of regulator are kept beside the journal, as a new entry is
(walk22 L11), atomically, and taken in once; an edit or a removal changes nothing and says so, says
where what was typed still is (the boxes; on the command line, the command to run again) and why,
with the lock's details only on the console. And ``coplearn journal import`` of the journal's own
waiting file no longer says "no such file" after the note that it was taken in.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import shlex
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from coplearn.core.atomic import file_lock
from coplearn.practice import journal_waiting
from coplearn.practice.journal import Journal, JournalBusy
from coplearn.practice.journal_entry import JournalWarning

WAIT = 0.2
#: What the lock says about itself: for the console or a note, never in the message itself.
LOCK_WORDS = ("could not lock", ".lock", "is another program holding it")


@pytest.fixture(autouse=True)
def _quiet(nothing_noted_or_said: None) -> None:
    """(tests/practice/conftest.py)"""


@contextlib.contextmanager
def held(path: Path) -> Iterator[None]:
    """Another program saving the journal, and holding on: its real lock, held by another thread."""
    ready, done = threading.Event(), threading.Event()

    def hold() -> None:
        with file_lock(path):
            ready.set()
            done.wait(60)

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    assert ready.wait(10)
    try:
        yield
    finally:
        done.set()
        thread.join(10)


def busy_journal(path: Path) -> Journal:
    journal = Journal(path)
    journal.add(title="Duty week", learning="Listening first helped.")
    journal.add(title="Supervision", learning="Ask before telling.")
    journal.lock_timeout = WAIT
    return journal


def waiting(journal: Journal) -> list[Path]:
    return sorted(journal.path.parent.glob("journal.json.waiting-*"))


def run(capsys, *args: str) -> tuple[int, str, str]:
    from coplearn.cli.main import main

    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def short_wait(monkeypatch) -> None:
    monkeypatch.setattr(journal_waiting, "LOCK_TIMEOUT", WAIT)


def _plain(said: str) -> None:
    for word in LOCK_WORDS + ("Errno", "Traceback"):
        assert word not in said, (word, said)


# ---- an edit and a removal cannot wait: refused, changing nothing, in words -----------------------

def test_the_library_refuses_an_edit_and_a_removal_of_a_busy_journal_in_words(tmp_path):
    from coplearn.practice.journal import JournalLocked

    journal = busy_journal(tmp_path / "journal.json")
    first = journal.read()[0]
    before = journal.path.read_bytes()
    with held(journal.path):
        with pytest.raises(JournalLocked) as edit:
            journal.update(first.id, impact_people="Families said the calls felt calmer.")
        with pytest.raises(JournalLocked) as removal:
            journal.remove(first.id)
    for exc, what in ((edit.value, "so the entry was not changed"), (removal.value, "so nothing was removed")):
        said = str(exc)
        assert "is busy (another open copy of the course was saving at the same time" in said, said
        assert what in said and "nothing in your journal was changed" in said, said
        assert "cannot wait to be made later" in said, said
        _plain(said)
        assert "could not lock" in exc.details  # (for the console)
    assert journal.path.read_bytes() == before and not waiting(journal)  # nothing changed, nothing kept aside


def test_coplearn_journal_edit_of_a_busy_journal_says_nothing_changed_and_the_command_to_run_again(
        tmp_path, capsys, short_wait):
    journal = busy_journal(tmp_path / "journal.json")
    before = journal.path.read_bytes()
    typed = "Families said it felt calmer; we'll keep it."
    with held(journal.path):
        code, out, err = run(capsys, "journal", "edit", "1", "--impact-people", typed, "--hours", "1.5",
                             "--journal", str(journal.path))
    assert code == 2 and journal.path.read_bytes() == before and not waiting(journal)
    message, _, note = err.partition("coplearn journal: note: ")
    assert "another open copy of the course was saving at the same time" in message, err
    assert "An edit cannot wait to be made later" in message and "nothing in your journal was changed" in message
    assert "What you typed is not lost" in message and "run the same command again" in message, err
    assert "try again in a moment" not in message
    _plain(message)
    assert note.startswith("the journal's lock: could not lock"), err  # (the details: a note on the console)
    command = next(line.strip() for line in message.splitlines() if line.strip().startswith("coplearn journal edit"))
    again = shlex.split(command)
    assert again[:2] == ["coplearn", "journal"] and typed in again, command
    code, out, err = run(capsys, *again[1:])  # the lock let go: the same command does it
    assert code == 0, err
    assert [(e.impact_people, e.hours) for e in Journal(journal.path).read()][0] == (typed, 1.5)


def test_coplearn_journal_remove_of_a_busy_journal_removes_nothing_and_gives_the_command(tmp_path, capsys, short_wait):
    journal = busy_journal(tmp_path / "journal.json")
    before = journal.path.read_bytes()
    with held(journal.path):
        code, out, err = run(capsys, "journal", "remove", "2", "--yes", "--journal", str(journal.path))
    assert code == 2 and journal.path.read_bytes() == before
    message, _, note = err.partition("coplearn journal: note: ")
    assert "A removal cannot wait to be made later" in message and "nothing was removed" in message, err
    assert "another open copy of the course was saving at the same time" in message, err
    _plain(message)
    assert "could not lock" in note
    command = next(line.strip() for line in message.splitlines() if line.strip().startswith("coplearn journal remove"))
    second = journal.read()[1].id  # (named by its id, not its number, which may change meanwhile: check24 4)
    assert shlex.split(command) == ["coplearn", "journal", "remove", second, "--yes", "--journal", str(journal.path)]
    assert run(capsys, *shlex.split(command)[1:])[0] == 0
    assert [e.title for e in Journal(journal.path).read()] == ["Duty week"]


def test_the_editor_box_keeps_what_was_typed_and_says_so_with_the_lock_s_details_on_the_console(tmp_path, monkeypatch):
    from coplearn.widgets import _base as base
    from coplearn.widgets.journal import JournalEditor

    monkeypatch.setattr(base, "CONFIRM_AFTER", 0.0)  # (the second press is not a double click's)

    journal = busy_journal(tmp_path / "journal.json")
    before = journal.path.read_bytes()
    editor = JournalEditor(journal=journal)
    chosen = editor.entry.value
    editor.impact_people.value = "Families said the duty calls felt calmer."
    with held(journal.path), pytest.warns(JournalWarning, match="could not lock") as console:
        editor.save_button.click()
    said = editor.last_error or ""
    assert "nothing in your journal was changed" in said and "What you typed is still in the boxes above" in said, said
    assert "another open copy of the course was saving at the same time" in said, said
    assert "press \u201cSave changes to this entry\u201d again" in said, said
    _plain(editor.messages.value)
    assert any("could not lock" in str(w.message) for w in console)
    assert editor.impact_people.value == "Families said the duty calls felt calmer." and editor.entry.value == chosen
    assert journal.path.read_bytes() == before and not waiting(journal)
    editor.save_button.click()  # the lock let go: the same press saves it
    assert editor.last_error is None
    assert {e.id: e.impact_people for e in journal.read()}[chosen] == "Families said the duty calls felt calmer."
    # a removal: refused the same way, the entry still there
    with held(journal.path), pytest.warns(JournalWarning, match="could not lock"):
        editor.remove_button.click()
        editor.remove_button.click()  # "Yes, remove this entry"
    said = editor.last_error or ""
    assert "nothing was removed" in said and "is still in your journal" in said, said
    assert "press \u201cRemove this entry\u201d again" in said, said
    _plain(editor.messages.value)
    assert len(journal.read()) == 2
    editor.remove_button.click()
    editor.remove_button.click()  # the lock let go: removed
    assert editor.last_error is None and len(journal.read()) == 1


# ---- an import can wait: kept beside the journal, once -------------------------------------------

def _other_copy(tmp_path: Path) -> Path:
    other = Journal(tmp_path / "elsewhere" / "journal-backup.json")
    other.add(title="From the laptop", learning="Group supervision works monthly.")
    other.add(title="Duty week", learning="Listening first helped.")  # (the same words, another record: an import adds it)
    return other.path


def test_coplearn_journal_import_into_a_busy_journal_keeps_the_entries_beside_it_once(tmp_path, capsys, short_wait):
    journal = busy_journal(tmp_path / "journal.json")
    before = journal.path.read_bytes()
    source = _other_copy(tmp_path)
    with held(journal.path):
        code, out, err = run(capsys, "journal", "import", str(source), "--journal", str(journal.path))
        again = run(capsys, "journal", "import", str(source), "--journal", str(journal.path))
    assert code == 0 and again[0] == 0, err + again[2]
    kept = waiting(journal)
    assert len(kept) == 1 and kept[0].name.startswith("journal.json.waiting-import-"), kept  # one file, imported twice
    assert f"the 2 entries of {source} were kept safe in {kept[0]}" in out, out
    assert "importing the file again does not make second copies" in out and "(or at the next `coplearn journal` " \
           "command)" in out, out
    _plain(out + err)
    assert journal.path.read_bytes() == before
    assert not list(tmp_path.glob("*.tmp")) and json.loads(kept[0].read_text(encoding="utf-8"))["format"] == \
        "coplearn-journal"
    titles = ["Duty week", "Supervision", "From the laptop", "Duty week"]
    assert sorted(e.title for e in Journal(journal.path).read()) == sorted(titles)  # shown meanwhile
    code, out, err = run(capsys, "journal", "list", "--journal", str(journal.path))  # the next command takes it in
    assert code == 0 and "the entries of an import kept beside the journal while it was busy" in err, err  # (check24 7)
    assert not waiting(journal) and sorted(e.title for e in journal.read()) == sorted(titles)
    assert journal.import_from(source) == (0, 2)  # (in once: importing it again adds nothing)


def test_the_import_box_says_a_busy_journal_kept_the_entries_as_information(browser):
    from coplearn.widgets.journal import JournalImport

    journal = busy_journal(browser)
    box = JournalImport(journal=journal)
    data = _other_copy(browser.parent.parent).read_bytes()
    with held(journal.path):
        box.upload.value = ({"name": "journal-backup.json", "content": memoryview(data), "type": "application/json",
                             "size": len(data), "last_modified": dt.datetime(2026, 12, 2)},)
    said = box.status.value
    assert box.last_error is None and box.messages.value == "", box.messages.value
    assert "Problem" not in said and 'role="alert"' not in said, said
    assert "the 2 entries of journal-backup.json were kept safe in my-journal/journal.json.waiting-import-" in said
    assert "(in this browser)" in said and str(browser.parent) not in said and "coplearn journal" not in said, said
    _plain(said)
    journal.add(title="Next", learning="Ask first.")  # the next save takes them in
    assert len(journal.read()) == 5 and not waiting(journal)


# ---- a choice of regulator can wait: kept, followed meanwhile, a later one winning -----------------

def test_coplearn_journal_regulator_of_a_busy_journal_keeps_the_choice_and_exports_follow_it(
        tmp_path, capsys, short_wait):
    journal = busy_journal(tmp_path / "journal.json")
    before = journal.path.read_bytes()
    with held(journal.path):
        code, out, err = run(capsys, "journal", "regulator", "scw", "--journal", str(journal.path))
        assert run(capsys, "journal", "regulator", "niscc", "--journal", str(journal.path))[0] == 0  # changed mind
    assert code == 0, err
    kept = waiting(journal)
    assert len(kept) == 2 and all(".waiting-regulator-" in p.name for p in kept), kept
    assert "So that your choice of regulator (Social Care Wales) is not lost, it was kept safe in" in out, out
    assert "exports follow it meanwhile" in out and "What Social Care Wales asks" in out, out
    _plain(out + err)
    assert journal.path.read_bytes() == before
    assert Journal(journal.path).regulator == "niscc"  # followed at once, the later choice winning
    journal.add(title="Next", learning="Ask first.")  # the next save takes it in
    assert not waiting(journal) and json.loads(journal.path.read_text(encoding="utf-8"))["settings"] == {
        "regulator": "niscc"}
    journal.set_regulator("sssc")  # (and a choice made since is not undone)
    assert Journal(journal.path).regulator == "sssc"


def test_the_export_box_exports_and_keeps_the_regulator_beside_a_journal_that_became_busy(tmp_path):
    from coplearn.widgets.journal import JournalExport

    journal = busy_journal(tmp_path / "journal.json")
    box = JournalExport(journal=journal, folder=tmp_path)
    box.regulator.value = "niscc"
    box.filename.value = "cpd.md"
    holding = contextlib.ExitStack()
    real_export = journal.export

    def export_then_busy(*args, **kwargs):  # another copy starts saving just after the export is written
        written = real_export(*args, **kwargs)
        holding.enter_context(held(journal.path))
        return written

    journal.export = export_then_busy  # type: ignore[method-assign]
    with holding:
        box.button.click()
        assert box.last_error is None, box.last_error
    said = box.status.value
    assert "Exported 2 journal entries" in said and (tmp_path / "cpd.md").exists(), said
    assert "your choice of regulator (the Northern Ireland Social Care Council) is not lost" in said, said
    _plain(said)
    assert Journal(journal.path).regulator == "niscc"


def test_the_export_box_says_a_busy_journal_plainly_with_the_details_on_the_console(tmp_path):
    from coplearn.widgets.journal import JournalExport

    journal = busy_journal(tmp_path / "journal.json")
    box = JournalExport(journal=journal, folder=tmp_path)
    box.filename.value = "cpd.md"
    with held(journal.path), pytest.warns(JournalWarning, match="could not lock"):
        box.button.click()
    said = box.last_error or ""
    assert "another open copy of the course was saving at the same time" in said and "Nothing was exported" in said
    assert "press \u201cExport my journal\u201d again" in said, said
    _plain(box.messages.value)
    assert not (tmp_path / "cpd.md").exists()


# ---- the journal's own waiting file, imported ----------------------------------------------------

def _kept_aside(journal: Journal) -> tuple[Path, str]:
    with held(journal.path), pytest.raises(JournalBusy) as busy:
        journal.add(title="Team meeting", learning="Naming the stage helped.")
    return busy.value.kept, busy.value.entry.id


def test_coplearn_journal_import_of_the_journal_s_own_waiting_file_says_it_is_in_not_no_such_file(
        tmp_path, capsys, monkeypatch, short_wait):
    journal = busy_journal(tmp_path / "journal.json")
    kept, entry_id = _kept_aside(journal)
    monkeypatch.chdir(tmp_path)  # (named as a learner would, from the journal's folder)
    code, out, err = run(capsys, "journal", "import", kept.name, "--journal", str(journal.path))
    assert code == 0, err
    assert "no such file" not in out + err and "nothing was imported" not in out + err, err
    assert f"{kept.name} held what was kept beside your journal while it was busy: it is in your journal" in out, out
    assert not kept.exists() and [e.id for e in Journal(journal.path).read()].count(entry_id) == 1
    # still busy: said to be waiting already, and no second file made
    kept, entry_id = _kept_aside(journal)
    with held(journal.path):
        code, out, err = run(capsys, "journal", "import", kept.name, "--journal", str(journal.path))
    assert code == 0 and f"{kept.name} is already kept safe beside it" in out, out + err
    assert waiting(journal) == [kept]
    # the library: imported into its own journal, the entry is taken in now (added), the file removed
    assert journal.import_from(kept) == (1, 0) and not kept.exists()
    assert [e.id for e in journal.read()].count(entry_id) == 1
    # and into another journal (a copy on another computer), as the docstring says
    kept, entry_id = _kept_aside(journal)
    elsewhere = Journal(tmp_path / "laptop" / "journal.json")
    assert elsewhere.import_from(kept) == (1, 0) and [e.id for e in elsewhere.read()] == [entry_id]


def test_a_waiting_file_that_cannot_be_removed_once_taken_in_never_undoes_a_later_choice_or_removal(
        tmp_path, monkeypatch, short_wait):
    """fix24j's leftover: removing a waiting file once its contents were saved into the journal can fail
    (a shared or synced folder, a virus checker holding the file). It was then taken in again by every
    later read: a regulator chosen since was undone, and an entry removed since came back. Now the journal
    names the files it took in, and leaves them alone; a later save removes them once it can."""
    journal = busy_journal(tmp_path / "journal.json")
    with held(journal.path):
        with pytest.raises(JournalBusy):
            journal.set_regulator("scw")  # kept beside the busy journal
        with pytest.raises(JournalBusy) as kept:
            journal.add(title="Kept aside", learning="Written while the journal was busy.")
    kept_entry = kept.value.entry
    left = waiting(journal)
    assert len(left) == 2, left
    real_unlink = Path.unlink
    stuck = {p.name for p in left}

    def unlink(self: Path, *args, **kw) -> None:
        if self.name in stuck:
            raise PermissionError(13, "The process cannot access the file because it is being used", str(self))
        real_unlink(self, *args, **kw)

    monkeypatch.setattr(Path, "unlink", unlink)
    journal.add(title="Next", learning="Ask first.")  # takes both in; cannot remove them
    assert waiting(journal) == left
    assert Journal(journal.path).regulator == "scw"
    journal.set_regulator("sssc")  # chosen since
    journal.remove(kept_entry.id)  # removed since
    again = Journal(journal.path)
    assert again.regulator == "sssc"
    assert kept_entry.id not in {e.id for e in again.read()}
    again.add(title="Later", learning="One more.")
    assert Journal(journal.path).regulator == "sssc" and kept_entry.id not in {e.id for e in Journal(journal.path).read()}
    doc = json.loads(journal.path.read_text(encoding="utf-8"))
    assert sorted(doc["taken_in"]) == sorted(stuck)  # (still named while they are still there)
    monkeypatch.setattr(Path, "unlink", real_unlink)
    Journal(journal.path).add(title="Last", learning="Files can go now.")
    assert not waiting(journal)
    assert "taken_in" not in json.loads(journal.path.read_text(encoding="utf-8"))
    assert Journal(journal.path).regulator == "sssc"
