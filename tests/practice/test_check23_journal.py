"""check23 findings 1, 2, 4, 8 and 10: what the journal says when it is busy, cannot be read, or cannot
be locked, and a regulator that could not be read when lesson 11 opened.

"In the browser" is pretended as tests/practice/test_walk23_storage_full.py does (``sys.platform``,
with the browser's drive a temporary folder), so that nothing is written outside it.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

import coplearn.core.atomic as atomic
import coplearn.practice.journal as J
import coplearn.practice.progress as P
from coplearn.core.atomic import file_lock
from coplearn.practice.journal import Journal


@pytest.fixture
def site(browser: Path) -> Path:
    """The browser edition (tests/practice/conftest.py)."""
    return browser


@pytest.fixture(autouse=True)
def _nothing_noted_or_said(nothing_noted_or_said: None) -> None:
    """(tests/practice/conftest.py)"""


def _busy_journal(path: Path) -> Journal:
    journal = Journal(path)
    journal.add(title="Earlier", learning="An earlier entry.")
    journal.lock_timeout = 0.2  # (the wait before an entry is kept aside; 30 s in use)
    return journal


def _said_plainly_in_the_browser(said: str, site: Path) -> None:
    assert "my-journal/journal.json (in this browser) is busy" in said, said
    assert "kept safe in my-journal/journal.json.waiting-" in said and ".json (in this browser)" in said, said
    assert str(site.parent) not in said and "coplearn journal" not in said, said


# ---- finding 1: a busy journal, in lessons 06 and 11 and in any lesson's reflection box ----------

def _fill_plan(w) -> None:
    w.team.value = "Adult social care duty team"
    w.stage.value = "storming"
    role, able, willing = w.staff[0]
    role.value, able.value, willing.value = "newly qualified worker", False, True
    w.cultures["democratic"].value = True
    w.priorities[0].value = "T5"
    w.actions[0].value = "Agree ground rules for challenge in team meetings"
    w.actions[1].value = "Start monthly group supervision"
    w.interface.value = "Brief my head of service each month on what the team is trying."


@pytest.mark.parametrize("lesson", ["06 audit", "11 plan"])
def test_a_busy_journal_in_lessons_06_and_11_is_information_naming_the_files_as_the_learner_knows_them(
        site, lesson):
    """check23 1: shown as a red "Problem:" with /drive/... paths, and ``saved`` not set."""
    from coplearn.widgets.action_centred import TeamAuditForm
    from coplearn.widgets.leadership_plan import LeadershipPlanBuilder

    journal = _busy_journal(site)
    if lesson == "06 audit":
        form = TeamAuditForm(journal=journal)
        form.controls["K1"].value = 4
    else:
        form = LeadershipPlanBuilder(journal=journal, folder=site.parent)
        _fill_plan(form)
    with file_lock(journal.path):  # another copy of the course saving, and holding on
        form.save_button.click()
    assert form.last_error is None and form.messages.value == "", form.messages.value
    said = form.status.value
    assert "Problem" not in said and 'role="alert"' not in said, said
    _said_plainly_in_the_browser(said, site)
    assert form.saved is not None
    kept = journal.path.with_name(f"journal.json.waiting-{form.saved.id}.json")
    assert kept.exists()
    form.save_button.click()  # pressed again: already there, one record
    assert "already in your journal" in form.status.value, form.status.value
    assert len(journal.read()) == 2


def test_a_lesson_s_reflection_box_does_not_send_a_browser_learner_to_the_command_line(site):
    from coplearn.widgets import JournalPrompt

    journal = _busy_journal(site)
    jp = JournalPrompt("What would you change first?", lesson="08", journal=journal)
    jp.learning.value = "Ask the team before deciding."
    with file_lock(journal.path):
        jp.button.click()
    assert jp.last_error is None and jp.saved is not None
    _said_plainly_in_the_browser(jp.status.value, site)


def test_the_busy_message_names_the_files_with_place_and_the_command_line_keeps_its_own_words(site):
    journal = _busy_journal(site)
    with file_lock(journal.path), pytest.raises(J.JournalBusy) as busy:
        journal.add(title="Team meeting", learning="Naming the stage helped.")
    _said_plainly_in_the_browser(str(busy.value), site)
    assert "(or at the next `coplearn journal` command)" in busy.value.command_line
    assert busy.value.command_line.replace(" (or at the next `coplearn journal` command)", "") == str(busy.value)


# ---- finding 2: a waiting file that cannot be read ----------------------------------------------

def test_the_advice_for_a_damaged_waiting_file_is_what_then_happens(tmp_path):
    """check23 2: "mend it, then import it with `coplearn journal import`" ended in "nothing was imported"
    (exit 2), because the command had already taken the mended file in; a mended file is taken in by the
    next save, which is what is now said."""
    journal = Journal(tmp_path / "journal.json")
    journal.add(title="First", learning="First.")
    side = tmp_path / "journal.json.waiting-abc.json"
    side.write_text('{"format": "coplearn-journal", "entries": [{"learning": "x",}]}', encoding="utf-8")
    with pytest.warns(J.JournalWarning) as caught:
        journal.read()
    said = str(caught[0].message)
    assert "Mend it (or ask your tutor, if you have one): once it can be read, it is taken into your journal the next time " \
           "anything is saved to it." in said, said
    assert "import" not in said and "lesson 11" not in said, said
    side.write_text('{"format": "coplearn-journal", "version": 1, "entries": [{"id": "abc123abc123", "created": '
                    '"2026-12-01T10:00:00", "learning": "Mended entry.", "date": "2026-12-01"}]}', encoding="utf-8")
    journal.add(title="Next", learning="Ask first.")  # the next save, as said
    assert [e.learning for e in journal.read()] == ["First.", "Mended entry.", "Ask first."]
    assert not side.exists()


# ---- finding 4: "try again in a moment" only for what may pass -----------------------------------

def _read_fails(monkeypatch, path: Path, number: int) -> None:
    read_bytes = Path.read_bytes

    def failing(self):
        if self == path:
            raise OSError(number, os.strerror(number), str(self))
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", failing)


@pytest.mark.parametrize("number", [errno.EISDIR, errno.EACCES, errno.ENAMETOOLONG])
def test_a_lasting_read_problem_is_not_told_to_wait(tmp_path, monkeypatch, number):
    journal = Journal(tmp_path / "journal.json")
    journal.add(title="First", learning="First.")
    _read_fails(monkeypatch, journal.path, number)
    with pytest.warns(J.JournalWarning):
        assert journal.entries == ()
    said = journal.read_problem or ""
    assert "cannot be read (" in said and "Nothing in it was changed." in said, said
    assert "right now" not in said and "in a moment" not in said, said
    todo = {errno.EISDIR: "A journal is one file (journal.json), not a folder",
            errno.EACCES: "ask whoever looks after this computer to let you use it"}.get(number, "Waiting will not "
                                                                                               "mend this")
    assert todo in said, said


def test_a_folder_where_the_journal_should_be_gets_fitting_advice_in_lesson_00(tmp_path):
    """The reviewer's case: the journal's path is a folder; lesson 00 said "try again in a moment"."""
    from coplearn.widgets.journal import JournalSetup

    (tmp_path / "journal.json").mkdir()
    with pytest.warns(J.JournalWarning):
        js = JournalSetup(journal=Journal(tmp_path / "journal.json"))
    said = js.where.value
    assert "cannot be read (it is a folder, not a file)" in said and "A journal is one file" in said, said
    assert "right now" not in said and "in a moment" not in said, said


@pytest.mark.parametrize("number", [errno.EIO, errno.ENOSPC])
def test_a_passing_read_problem_is_still_told_to_try_again(tmp_path, monkeypatch, number):
    journal = Journal(tmp_path / "journal.json")
    journal.add(title="First", learning="First.")
    _read_fails(monkeypatch, journal.path, number)
    with pytest.warns(J.JournalWarning):
        assert journal.entries == ()
    said = journal.read_problem or ""
    assert "cannot be read right now" in said and "try again in a moment" in said, said
    assert ("Free some space on the disk" in said) == (number == errno.ENOSPC), said


# ---- finding 10: a lock held too long, in plain words on the page --------------------------------

def _hold_in_the_browser_way(monkeypatch, path: Path) -> None:
    """A lock file that names another tab, as in the browser edition (the lock method there)."""
    monkeypatch.setattr(atomic, "LOCK_METHOD", "lockfile")
    path.parent.mkdir(parents=True, exist_ok=True)
    Path(str(path) + ".lock").write_text("localhost 42 a1b2c3", encoding="utf-8")


def test_a_journal_locked_too_long_is_said_plainly_on_the_page_with_the_details_on_the_console(site, monkeypatch):
    from coplearn.widgets.journal import JournalSetup

    journal = Journal(site)
    journal.add(title="First", learning="First.")
    journal.lock_timeout = 0.2
    _hold_in_the_browser_way(monkeypatch, site)
    with pytest.warns(J.JournalWarning) as caught:
        js = JournalSetup(journal=journal)
    said = js.where.value
    assert "another open copy of the course was saving at the same time" in said, said
    assert "close other tabs or windows of the course" in said, said
    for detail in ("lock file", "a1b2c3", "42", "s ago", "could not lock", str(site.parent)):
        assert detail not in said, (detail, said)
    console = " ".join(str(w.message) for w in caught)
    assert "a1b2c3" in console and "could not lock" in console, console


def test_a_progress_note_locked_too_long_is_said_plainly_on_the_page(site, monkeypatch):
    progress_file = site.with_name("journal-progress.json")
    _hold_in_the_browser_way(monkeypatch, progress_file)
    real_lock = P.file_lock
    monkeypatch.setattr(P, "file_lock", lambda path, timeout=30.0: real_lock(path, timeout=0.2))
    with pytest.warns(P.ProgressWarning) as caught:
        assert P.mark("00", P.COMPLETED) is False
    shown = P.problem_to_show() or ""
    assert "could not note your progress: another open copy of the course was saving at the same time" in shown, shown
    assert "close other tabs or windows of the course" in shown and "Your work itself is not affected" in shown
    for detail in ("lock file", "a1b2c3", "could not lock", str(site.parent)):
        assert detail not in shown, (detail, shown)
    assert "a1b2c3" in str(caught[0].message)  # (the details stay on the console)


# ---- finding 8: the regulator saved before is not saved over -------------------------------------

def test_an_export_does_not_save_the_default_regulator_over_one_that_could_not_be_read(tmp_path, monkeypatch):
    """check23 8: lesson 11 opened while the journal could not be read showed Social Work England, and the
    export then saved it over the learner's earlier choice (here the NISCC)."""
    from coplearn.widgets.journal import JournalExport

    journal = Journal(tmp_path / "journal.json")
    journal.add(title="First", learning="First.")
    journal.set_regulator("niscc")
    _read_fails(monkeypatch, journal.path, errno.EIO)
    with pytest.warns(J.JournalWarning):
        box = JournalExport(journal=journal, folder=tmp_path)
    assert box.regulator.value == "swe"  # (the default, while the journal cannot be read)
    monkeypatch.undo()  # the storage answers again
    box.filename.value = "cpd.md"
    box.button.click()
    assert box.last_error is None, box.last_error
    assert journal.regulator == "niscc" and box.regulator.value == "niscc"
    assert "for the Northern Ireland Social Care Council" in box.status.value, box.status.value


def test_a_regulator_chosen_in_the_box_is_still_saved(tmp_path, monkeypatch):
    from coplearn.widgets.journal import JournalExport

    journal = Journal(tmp_path / "journal.json")
    journal.add(title="First", learning="First.")
    journal.set_regulator("niscc")
    _read_fails(monkeypatch, journal.path, errno.EIO)
    with pytest.warns(J.JournalWarning):
        box = JournalExport(journal=journal, folder=tmp_path)
    monkeypatch.undo()
    box.regulator.value = "scw"  # the learner's choice here
    box.filename.value = "cpd.md"
    box.button.click()
    assert box.last_error is None and journal.regulator == "scw"


def test_lesson_00_s_own_words_for_a_lasting_problem_do_not_say_wait(tmp_path, monkeypatch):
    """The box's own message (when even asking whether the journal is there fails) follows the same rule."""
    from coplearn.widgets.journal import JournalSetup

    path = tmp_path / "journal.json"
    exists = Path.exists

    def refused(self, *a, **k):
        if self == path:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return exists(self, *a, **k)

    monkeypatch.setattr(Path, "exists", refused)
    with pytest.warns(J.JournalWarning):
        js = JournalSetup(journal=Journal(path))
    said = js.where.value
    assert "It cannot be read (you do not have permission to use it)" in said, said
    assert "ask whoever looks after this computer" in said and "The rest of this lesson works." in said, said
    assert "in a moment" not in said and "Check my journal" not in said, said
