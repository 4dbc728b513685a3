"""walk23 M1, M2: the browser edition with its storage full (or failing).

M1: the reader's lock could not be made (EIO from a full browser storage), and lesson 00 showed a
traceback in place of the journal box; Run All stopped there. M2: a save that failed named the
kernel's path (/drive/...), said "the disk could not be read or written", and said nothing of what
to do; progress notes (the route choice) failed with only a line on the console.

"In the browser" is pretended as the other tests do (``sys.platform``), with the browser's drive
(``/drive/``) a temporary folder, so that nothing is written outside it.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

import coplearn.core.atomic as atomic
import coplearn.practice.journal as J
import coplearn.practice.progress as P
from coplearn.practice.journal import Journal


@pytest.fixture(autouse=True)
def _nothing_noted_or_said(nothing_noted_or_said: None) -> None:
    """(tests/practice/conftest.py)"""


def _refuse(number: int):
    def refuse(path, *_a, **_k):
        raise OSError(number, os.strerror(number), str(path) + ".lock")
    return refuse


# ---- M1: reading ---------------------------------------------------------------------------------

@pytest.mark.parametrize("number", [errno.EIO, errno.ENOSPC, errno.EDQUOT, errno.EACCES])
def test_a_reader_carries_on_without_the_lock_when_storage_is_full_or_failing(tmp_path, monkeypatch, number):
    monkeypatch.setattr(atomic, "file_lock", _refuse(number))
    ran = []
    with atomic.read_lock(tmp_path / "journal.json"):
        ran.append(True)
    assert ran == [True]


def test_a_reader_still_stops_for_other_problems(tmp_path, monkeypatch):
    monkeypatch.setattr(atomic, "file_lock", _refuse(errno.ENAMETOOLONG))
    with pytest.raises(OSError), atomic.read_lock(tmp_path / "journal.json"):
        pass


def test_a_lock_file_that_cannot_be_written_is_not_left_behind(tmp_path, monkeypatch):
    """A lock file made but left empty (its owner's name could not be written) kept every save waiting."""
    monkeypatch.setattr(atomic, "LOCK_METHOD", "lockfile")

    def full(_fd, _data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "write", full)
    target = tmp_path / "journal.json"
    with pytest.raises(OSError), atomic.file_lock(target, timeout=1):
        pass
    assert not Path(str(target) + ".lock").exists()


def test_lesson_00_shows_the_journal_when_the_lock_file_cannot_be_made(browser, monkeypatch):
    from coplearn.widgets.journal import JournalSetup

    journal = Journal(browser)
    journal.add(title="Lesson 00", learning="What I hope to learn.")
    monkeypatch.setattr(atomic, "file_lock", _refuse(errno.EIO))
    js = JournalSetup(journal=journal)  # (raised OSError: [Errno 29] I/O error: '/drive/my-journal/journal.json.lock')
    assert js.count == 1 and "It has 1 entry." in js.where.value
    assert "my-journal/journal.json (in this browser)" in js.where.value and str(browser) not in js.where.value


def test_lesson_00_says_in_words_when_the_journal_cannot_be_read(browser, monkeypatch):
    from coplearn.widgets.journal import JournalSetup

    journal = Journal(browser)
    journal.add(title="Lesson 00", learning="What I hope to learn.")
    before = browser.read_bytes()
    read_bytes = Path.read_bytes

    def failing(self):
        if self == browser:
            raise OSError(errno.EIO, "I/O error", str(self))
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", failing)
    with pytest.warns(J.JournalWarning, match="cannot be read right now"):
        js = JournalSetup(journal=journal)
    said = js.where.value
    assert "cannot be read right now" in said and "could not be read or written just now" in said, said
    assert "try again in a moment" in said and "my-journal/journal.json (in this browser)" in said
    # (an EIO in the browser is most often a request the page did not answer in time: no advice to free space
    # or to change browser, check23 3; a full storage is ENOSPC, below)
    assert "free some space" not in said and "another browser" not in said, said
    assert str(browser) not in said and "Errno" not in said and js.last_error is None
    monkeypatch.undo()
    assert browser.read_bytes() == before  # nothing moved or changed


def test_lesson_00_goes_on_when_even_asking_whether_the_journal_exists_fails(browser, monkeypatch):
    from coplearn.widgets.journal import JournalSetup

    exists = Path.exists

    def failing(self, *a, **k):
        if self == browser:
            raise OSError(errno.EIO, "I/O error", str(self))
        return exists(self, *a, **k)

    monkeypatch.setattr(Path, "exists", failing)
    with pytest.warns(J.JournalWarning):
        js = JournalSetup(journal=Journal(browser))
    assert "It cannot be read right now" in js.where.value and "Check my journal" in js.where.value, js.where.value
    assert str(browser) not in js.where.value and js.count == 0


def test_only_a_full_storage_is_taken_for_full_in_the_browser(browser):
    """check23 3: every EIO in the browser was "perhaps full", with "use another browser" added."""
    full, failing = OSError(errno.ENOSPC, "No space left on device"), OSError(errno.EIO, "I/O error")
    assert atomic.may_be_full(full) and not atomic.may_be_full(failing)
    assert atomic.may_be_full(OSError(errno.EDQUOT, "Disk quota exceeded"))
    assert "storage for the course is full" in atomic.os_words(full)
    assert "could not be read or written just now" in atomic.os_words(failing)


def test_a_save_that_fails_with_eio_in_the_browser_does_not_say_change_browser(browser, monkeypatch):
    from coplearn.widgets import JournalPrompt

    journal = Journal(browser)
    journal.add(title="Earlier", learning="An earlier entry.")
    monkeypatch.setattr(J, "atomic_write_text", _refuse(errno.EIO))
    jp = JournalPrompt("What would you change first?", lesson="00", journal=journal)
    jp.learning.value = "Typed."
    jp.button.click()
    said = jp.last_error or ""
    assert "my-journal/journal.json (in this browser) could not be saved" in said, said
    assert "free some space" not in said and "another browser" not in said and "still in the boxes" in said, said


# ---- M2: saving ----------------------------------------------------------------------------------

@pytest.mark.parametrize("where", ["lock", "write"])
@pytest.mark.parametrize("number", [errno.ENOSPC, errno.EDQUOT])
def test_a_save_with_storage_full_says_so_and_what_to_do(browser, monkeypatch, where, number):
    from coplearn.widgets import JournalPrompt

    journal = Journal(browser)
    journal.add(title="Earlier", learning="An earlier entry.")
    before = browser.read_bytes()
    if where == "lock":
        monkeypatch.setattr(J, "file_lock", _refuse(number))
    else:
        monkeypatch.setattr(J, "atomic_write_text", _refuse(number))
    jp = JournalPrompt("What would you change first?", lesson="00", journal=journal)
    jp.learning.value = "My reflection, typed before the storage filled."
    jp.button.click()
    said = jp.last_error or ""
    assert "my-journal/journal.json (in this browser) could not be saved" in said, said
    assert "this browser's storage for the course is full" in said and "this change was not saved" in said
    assert "free some space on this computer" in said and "another browser or on another computer" in said
    assert "still in the boxes above, and nothing was lost" in said and "copy it somewhere safe" in said
    assert str(browser.parent) not in said and "Errno" not in said and "disk" not in said
    assert jp.learning.value == "My reflection, typed before the storage filled."
    assert browser.read_bytes() == before


def test_a_save_that_fails_elsewhere_names_the_file_and_keeps_the_text(tmp_path, monkeypatch):
    """Off the browser: the path (the learner can open it), the disk, and what to do."""
    from coplearn.widgets import JournalPrompt

    journal = Journal(tmp_path / "journal.json")
    monkeypatch.setattr(J, "atomic_write_text", _refuse(errno.ENOSPC))
    jp = JournalPrompt("What would you change first?", lesson="00", journal=journal)
    jp.learning.value = "Typed."
    jp.button.click()
    said = jp.last_error or ""
    assert f"{tmp_path / 'journal.json'} could not be saved (the disk is full)" in said, said
    assert "Free some space on the disk (or ask your IT support to)" in said and "nothing was lost" in said


def test_progress_notes_name_the_file_as_the_learner_knows_it(browser, monkeypatch):
    monkeypatch.setattr(P, "atomic_write_text", _refuse(errno.ENOSPC))
    with pytest.raises(OSError) as info:
        P.Progress().mark("00", P.COMPLETED)
    said = str(info.value)
    assert "my-journal/journal-progress.json (in this browser) could not be saved" in said, said
    assert "this browser's storage for the course is full" in said and "free some space on this computer" in said
    assert str(browser.parent) not in said


def test_a_progress_note_that_fails_is_said_once_on_the_page(browser, monkeypatch):
    """The route choice's note failed with only a console line (walk23 M2); now the page says so, once."""
    from coplearn.widgets import RoutePicker

    monkeypatch.setattr(P, "atomic_write_text", _refuse(errno.ENOSPC))
    rp = RoutePicker()
    rp._progress_attach(rp)
    with pytest.warns(P.ProgressWarning):
        rp.choice.value = "manager"
    said = rp.messages.value
    assert "could not note your progress" in said and "storage for the course is full" in said, said
    assert "Your work itself is not affected" in said and "in this browser" in said and str(browser.parent) not in said
    assert rp.last_error is None and rp.route.key == "manager"
    with pytest.warns(P.ProgressWarning):
        rp.choice.value = "practitioner" if "practitioner" in [k for _, k in rp.choice.options] else \
            [k for _, k in rp.choice.options if k != "manager"][0]
    assert rp.messages.value == ""  # (said once, not at every choice)
