"""The learner's reflective journal, stored as CPD-ready records.

Each entry (:class:`~coplearn.practice.journal_entry.JournalEntry`, in
:mod:`coplearn.practice.journal_entry`) holds what a Social Work England CPD record asks for, plus
the PCF domains and course concepts it relates to; it may follow Gibbs' (1988) reflective cycle.

The journal is a human-readable JSON file. By default it lives at ``~/coplearn/journal.json``;
set the ``COPLEARN_JOURNAL`` environment variable, or pass a path, to keep it elsewhere. Every save
is atomic and locked, so two lessons writing at once lose nothing; a new entry that cannot be saved
within 30 s because another program holds the journal is kept beside it and saved later (see
:mod:`coplearn.practice.journal_waiting`), and so are an import and a choice of regulator; an edit or
a removal, which cannot wait, is refused in words (:class:`JournalLocked`), changing nothing. Reading
never changes a file: a journal that cannot be read is said to be so (where it is damaged: line, column, entry and field),
and only a save moves a damaged journal aside (never overwriting it) and says where it went. A file
that is not a journal at all (a Word document, a CSV file, an export) is never moved: it is named
as what it looks like, and nothing is saved (walk22 M1).

What tells a file of another kind from a damaged journal, and says where hand-edited JSON is
damaged, is in :mod:`coplearn.core.file_kinds` (the progress notes and the answers file use it too).
The module still runs past 400 lines because every change of the journal (add, import, edit, remove,
a setting) reads, locks and saves through the one class, with each way a save can fail said in words.

``Journal.export(path)`` writes the entries as CPD records in Markdown, a standalone HTML page
or a Word document, laid out for the learner's regulator (Social Work England by default; see
:mod:`coplearn.practice.regulators` and :mod:`coplearn.practice.cpd`); ``Journal.set_regulator("niscc")`` saves the
choice in the journal's settings. On the command line, ``coplearn journal export -o cpd.docx``
does the same. An entry may record the ``hours`` an activity took, which the exports total for a
regulator that counts hours.

>>> import tempfile, pathlib
>>> j = Journal(pathlib.Path(tempfile.mkdtemp()) / "journal.json")
>>> e = j.add(title="Lesson 01", learning="Managerialism and values pull in different directions.",
...           pcf=["Critical reflection and analysis"], concepts=["C01"])
>>> len(j.entries), j.entries[0].pcf
(1, ('critical_reflection',))
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import json
import os
import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from coplearn.core import html as _html
from coplearn.core.atomic import (
    CLOSE_OTHERS, NOT_WRITABLE, SAVING_AT_ONCE, PlainOSError, atomic_write_text, file_lock, may_be_full, move_aside,
    os_problem, os_words, passing, read_lock, when_full,
)
from coplearn.core.environment import in_browser, place
from coplearn.core.file_kinds import ends_too_early, field_before, file_text, json_slip, other_kind
from coplearn.practice import cpd, journal_waiting
from coplearn.practice.journal_entry import (  # noqa: F401 - re-exported: a journal's entries and their checks
    ACTIVITY_TYPES, GIBBS_STAGES, JournalEntry, JournalWarning, _as_date, looks_like_a_name,
)

__all__ = [
    "GIBBS_STAGES",
    "Journal",
    "JournalBusy",
    "JournalEntry",
    "JournalFileError",
    "JournalLocked",
    "JournalUnreadable",
    "JournalWarning",
    "NotAJournalError",
    "default_journal_path",
    "looks_like_a_name",
    "ACTIVITY_TYPES",
]

FORMAT = "coplearn-journal"
VERSION = 1
#: The names of the files kept beside the journal while it was busy that its last save took in: a file
#: that could not then be removed (a shared or synced folder, a virus checker holding it) is left alone
#: afterwards, so that a regulator chosen or an entry removed since is not undone by it again.
TAKEN_KEY = "taken_in"
MAX_TAKEN = 200
#: At most this many bad fields are named when a hand-edited journal cannot be read.
MAX_FIELD_PROBLEMS = 12


#: What a learner with a journal from a newer version of the course can do.
UPDATE_ADVICE = ("To add or change entries, use the newer version: ask your tutor for it, or, on your own computer, "
                 "get the newer course and run ./run course again")


class JournalFileError(PlainOSError):
    """The journal file could not be read or saved, said in plain words (no ``[Errno N]``)."""


class JournalUnreadable(ValueError):
    """The journal file could not be read; the message says why and where, and that nothing was changed."""


class NotAJournalError(JournalUnreadable):
    """The journal's path names another kind of file (a Word document, a CSV file): never moved, never saved over."""


class JournalBusy(TimeoutError):
    """Another program held the journal for longer than a save waits, so a new entry (:attr:`entry`), the
    entries of an import (:attr:`entries`; ``entry`` is then ``None``) or a choice of regulator was kept
    safe in a file of its own beside the journal (:attr:`kept`); it goes into the journal at its next save.
    The message says where it is and what will happen; :attr:`command_line` says so for the command line,
    where the next ``coplearn journal`` command takes it in too (a lesson's learner has no command line)."""

    def __init__(self, message: str, entry: JournalEntry | None, kept: Path, command_line: str | None = None,
                 entries: tuple[JournalEntry, ...] = ()) -> None:
        super().__init__(message)
        self.entry = entry
        self.entries = entries if entries or entry is None else (entry,)
        self.kept = kept
        self.command_line = command_line if command_line is not None else message


class JournalLocked(TimeoutError):
    """Another program held the journal for longer than a read or a save waits, and nothing was changed:
    a change that cannot safely wait to be made later (an edit, a removal) is not kept aside (fix24).
    :attr:`said` says so in plain words (what, why, that nothing changed) for a caller to add where what
    was typed still is and what to do; the message adds general advice. :attr:`details` (the lock
    file, its owner) is for the console or a log, never the lesson page (check23 10)."""

    def __init__(self, busy: str, outcome: str, details: str, advice: str) -> None:
        self.busy = busy        # "Your journal at <where> is busy (<why>, for longer than 30 s)"
        self.outcome = outcome  # ", so it could not be read. Nothing in it was changed."
        self.said = f"{busy}{outcome}"
        self.details = details
        super().__init__(f"{self.said} {advice}")

    def saying(self, more: str, advice: str) -> JournalLocked:
        """The same, saying ``more`` (such as where what was typed still is) and other ``advice``."""
        return JournalLocked(self.busy, f"{self.outcome} {more}", self.details, advice)


#: Why an edit, and a removal, are not kept aside to be made later, and what that means (fix24).
EDIT_REFUSED = ("An edit cannot wait to be made later (the other copy may be changing the same entry), so the entry "
                "was not changed")
REMOVE_REFUSED = ("A removal cannot wait to be made later (the other copy may be changing that entry), so nothing "
                  "was removed")


class _Damaged(ValueError):
    """A journal file that is damaged (said in words: what, and where)."""



def _entry_at(text: str, pos: int) -> str:
    """Which entry of a journal's text the position ``pos`` is in (``"entry 2, field 'learning'"``), or ``""``:
    the entries are read one by one up to it."""
    start = re.search(r'"entries"\s*:\s*\[', text)
    if start is None or start.end() > pos:
        return ""
    for n, (i, end, _item) in enumerate(_each_entry(text, start.end()), 1):
        if i > pos:
            return ""
        if i == pos:
            return f"just before entry {n}" if n > 1 else ""
        if end is None:
            field = field_before(text[i:pos])
            return f"entry {n}" + (f", {field}" if field else "")
        if end > pos:
            return f"entry {n}"
    return ""


def _each_entry(text: str, i: int) -> Any:
    """The entries of a journal's text from position ``i`` (just inside its list of entries), one by one, as
    ``(start, end, entry)``; the first that cannot be read as ``(start, None, None)``, and then no more."""
    decoder = json.JSONDecoder()
    while True:
        while i < len(text) and text[i] in " \t\r\n,":
            i += 1
        if i >= len(text) or text[i] == "]":
            return
        try:
            item, end = decoder.raw_decode(text, i)
        except (ValueError, RecursionError):
            yield i, None, None
            return
        yield i, end, item
        i = end


def default_journal_path() -> Path:
    """Where the journal lives: ``$COPLEARN_JOURNAL`` if set, else ``~/coplearn/journal.json``."""
    env = os.environ.get("COPLEARN_JOURNAL")
    if env:
        return Path(env).expanduser()
    return Path.home() / "coplearn" / "journal.json"


def _as_json(doc: dict[str, Any]) -> str:
    """The journal file's text: UTF-8 as it reads; a field kept from the file that holds half of a character pair
    (which UTF-8 cannot hold) is written as an escape instead, so nothing is lost and the file still saves
    (red team 26b F2)."""
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(doc, indent=2, ensure_ascii=True) + "\n"
    return text


class Journal:
    """A reflective journal kept in one JSON file.

    ``Journal()`` uses :func:`default_journal_path`. ``.add(...)`` saves at once; ``.entries``
    reads the file afresh, so several open lessons see each other's entries.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path).expanduser() if path is not None else default_journal_path()
        self.last_warning: str | None = None
        #: what the last :meth:`import_from` read of a file cut short (its whole entries only), or None
        self.last_import_note: str | None = None
        self._settings: dict[str, Any] = {}
        self._kept_top: dict[str, Any] = {}   # top-level keys the course does not know, written back
        self._newer: object = None            # the version of a journal saved by a newer course
        self._warned: set[str] = set()
        #: Why the file could not be read the last time it was read (``None``: it could be, or there is none).
        self.read_problem: str | None = None
        #: How long a save waits for another program's save of this journal (seconds; see JournalBusy).
        self.lock_timeout = journal_waiting.LOCK_TIMEOUT
        self._folding: list[Path] = []        # waiting files read by the last read, removed once saved
        self._taken: set[str] = set()         # waiting files the journal has taken in already (TAKEN_KEY)
        self._waited: set[str] = set()        # the ids of the entries the last read took from them

    def __repr__(self) -> str:
        return f"Journal({str(self.path)!r})"

    # -- reading -----------------------------------------------------------------------------
    def _not_a_journal(self) -> None:
        """Raise :class:`NotAJournalError` if the file is plainly another kind of file. Looked at before
        any lock is taken, so nothing (not even a ``.lock`` file) is left beside someone's document."""
        try:
            raw = self.path.read_bytes()
        except OSError:
            return  # (said by the read that follows, in words)
        kind = other_kind(raw)
        if kind is not None:
            self.read_problem = self._foreign(kind)
            raise NotAJournalError(self.read_problem)

    def _foreign(self, kind: str) -> str:
        env = os.environ.get("COPLEARN_JOURNAL")
        if env and Path(env).expanduser() == self.path:
            todo = (f" COPLEARN_JOURNAL names this file: set it to your journal.json instead, or remove the setting "
                    f"to use {Path('~') / 'coplearn' / 'journal.json'}.")
        elif self.path == Path.home() / "coplearn" / "journal.json":
            todo = " If the file is yours, move it to another folder: the course then starts a new journal here."
        else:
            todo = (" Give your journal's own file, journal.json, instead (`coplearn journal path` shows where "
                    "the course keeps yours).")
        return f"{self.path} is not a coplearn journal (it looks like {kind}). Nothing was changed.{todo}"

    def _parse(self, raw: bytes) -> list[JournalEntry]:
        """The entries of a journal file's bytes; a damaged journal raises ``_Damaged`` saying what is wrong
        and where."""
        text = ""
        try:
            # (a journal saved by Notepad, with a byte-order mark or as "Unicode", is still a journal)
            text = file_text(raw)
            if not text.strip():
                raise ValueError("the file is empty")
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise ValueError("it is not a coplearn journal")
            if not isinstance(data.get("entries", []), list):
                raise ValueError("its entries are not a list")
            entries, problems = _read_entries(data.get("entries", []))
            if problems:
                raise ValueError(problems)
            settings = data.get("settings", {})
            self._settings = dict(settings) if isinstance(settings, dict) else {}
            taken = data.get(TAKEN_KEY, [])
            self._taken = {t for t in taken[:MAX_TAKEN] if isinstance(t, str)} if isinstance(taken, list) else set()
            self._kept_top = {k: v for k, v in data.items()
                              if k not in ("format", "version", "settings", "entries", TAKEN_KEY)}
            version = data.get("version", VERSION)
            if isinstance(version, str) and version.strip().isdecimal():
                version = int(version)  # (a hand edit's "1")
            if isinstance(version, float) and version.is_integer():
                version = int(version)
            if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
                self._newer = version  # (anything else a hand edit left is read as this version, and written so)
            return entries
        except (json.JSONDecodeError, RecursionError) as exc:  # (said in words, with where: walk22 M2)
            raise _Damaged(json_slip(text, exc, locate=_entry_at)) from None
        except (ValueError, TypeError, KeyError, UnicodeDecodeError) as exc:
            raise _Damaged(str(exc) if isinstance(exc, ValueError) else exc.__class__.__name__) from None

    def _read_unlocked(self, saving: bool = False) -> list[JournalEntry]:
        """The entries, read under the lock. A file that is not a journal raises :class:`NotAJournalError`;
        a damaged journal raises :class:`JournalUnreadable` when only reading, and is moved aside (and a
        new journal started) only when ``saving`` (walk22 M1)."""
        self._settings, self._kept_top, self._newer, self._taken = {}, {}, None, set()
        self.read_problem = None
        self._folding, self._waited = [], set()
        if not self.path.exists():
            return self._with_waiting([])
        raw = self.path.read_bytes()
        kind = other_kind(raw)
        if kind is not None:
            self.read_problem = self._foreign(kind)
            raise NotAJournalError(self.read_problem)
        try:
            entries = self._parse(raw)
        except _Damaged as exc:
            why = str(exc)
            if not saving:
                self.read_problem = (
                    f"Your journal at {place(self.path)} could not be read: {why[:1500]}. Nothing was changed: the file is "
                    f"still there, as it was. Mend that in the file (or ask your tutor, if you have one), then try again. (If a new entry is saved before then, this file is kept safe under another name, "
                    f"{self.path.name}.unreadable-\u2026, and a new journal is started.)")
                raise JournalUnreadable(self.read_problem) from None
            try:
                moved = move_aside(self.path, "unreadable")
            except OSError as move_exc:
                # (a read-only folder: the damaged file stays where it is, and nothing may be saved over it)
                raise JournalFileError(move_exc.errno, (
                    f"Your journal at {place(self.path)} could not be read ({why[:1500]}). It was left where it is, "
                    f"unchanged, because it could not be moved aside ({os_words(move_exc)}). Copy it to a folder "
                    f"you can write to, mend what is named above in the copy (or ask your tutor, if you have one), then import "
                    f"it (lesson 11, or `coplearn journal import`).")) from None
            self.last_warning = (
                f"Your journal at {place(self.path)} could not be read ({why[:1500]}), so it has been "
                f"kept safe as {place(moved)} and a new journal started. Nothing was deleted. To get the old "
                f"entries back, fix what is named above in that file (or ask your tutor, if you have one), then import it "
                f"(lesson 11, or `coplearn journal import`)."
            )
            warnings.warn(self.last_warning, JournalWarning, stacklevel=3)
            return self._with_waiting([])
        self._say_what_is_kept(entries)
        return self._with_waiting(entries)

    def _with_waiting(self, entries: list[JournalEntry]) -> list[JournalEntry]:
        """``entries``, then those kept beside the journal while it was busy (oldest first) that it does
        not hold yet; the files read are noted, to be removed once a save has taken them in."""
        found, problems = journal_waiting.read_waiting(self.path)
        for problem in problems:
            # (once mended it is taken in by the next save, which removes it: check23 2)
            self._warn_once(f"An entry kept beside your journal while it was busy could not be read ({problem[:500]}); "
                            "that file was left as it is. Mend it (or ask your tutor, if you have one): once it can be read, it is "
                            "taken into your journal the next time anything is saved to it.")
        if not found:
            return entries
        same_day = {_words(e, True) for e in entries}
        any_day = {_words(e, False) for e in entries}
        ids = {e.id for e in entries}
        added: list[JournalEntry] = []
        for waiting in found:
            if waiting.path.name in self._taken:  # (taken in by a save that could not remove it: not again)
                self._folding.append(waiting.path)  # (removed by the next save, or named again if it still cannot be)
                continue
            if waiting.settings:  # (a regulator chosen while the journal was busy; a later one wins)
                self._settings.update(waiting.settings)
            for e in waiting.entries:
                if e.id in ids or (not waiting.imported and (
                        _words(e, False) in any_day if waiting.once else _words(e, True) in same_day)):
                    continue  # (in the journal already: saved again, or taken in by a save stopped before tidying up)
                added.append(e)
                self._waited.add(e.id)
                ids.add(e.id)
                same_day.add(_words(e, True))
                any_day.add(_words(e, False))
            self._folding.append(waiting.path)
        return entries + sorted(added, key=lambda e: e.created)  # (the same second: in the order kept)

    def _warn_once(self, said: str) -> None:
        self.last_warning = said
        if said not in self._warned:
            self._warned.add(said)
            warnings.warn(said, JournalWarning, stacklevel=4)

    def read(self) -> tuple[JournalEntry, ...]:
        """All entries, oldest first, read from the file now; nothing is ever changed. A file that
        cannot be read raises :class:`JournalUnreadable` (a ``ValueError``) saying why, where and
        that nothing was changed; :class:`NotAJournalError` when it is another kind of file.

        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "cpd.csv"
        >>> _ = p.write_text("Respondent,K1\\nR1,4\\n")
        >>> try:
        ...     Journal(p).read()
        ... except NotAJournalError as exc:
        ...     print(str(exc).split(". ")[0].replace(str(p.parent), "(folder)"))
        (folder)/cpd.csv is not a coplearn journal (it looks like a CSV file, from a spreadsheet or a survey perhaps)
        >>> sorted(q.name for q in p.parent.iterdir())
        ['cpd.csv']
        """
        self.read_problem = None  # (a problem said before may have been mended or moved away since: check22 L3)
        if not self.path.exists() and not journal_waiting.waiting_files(self.path):
            return ()
        self._not_a_journal()
        lock = contextlib.ExitStack()
        try:
            lock.enter_context(read_lock(self.path, self.lock_timeout))
        except TimeoutError as exc:  # (in words; the lock's details for the console: fix24)
            raise JournalLocked(self._busy(), ", so it could not be read. Nothing in it was changed.",
                                _lock_details(exc), f"{CLOSE_OTHERS.capitalize()}, and try again in a moment.") from None
        with lock:
            return tuple(self._read_unlocked())

    def read_without_lock(self) -> tuple[JournalEntry, ...]:
        """The entries as the file holds them now, read without waiting for the lock: a save replaces the
        whole file in one step (``os.replace``), so one whole version is read (see ``read_lock``). Only to
        say which entry a number names while another program holds the journal, never to change it
        (check24 4). Raises as :meth:`read` does, or ``OSError``; says nothing (no warnings)."""
        self._not_a_journal()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return tuple(self._read_unlocked())

    def _leniently(self, read: Callable[[], Any], default: Any) -> Any:
        """``read()``, or ``default`` with a :class:`JournalWarning` (once) when the file cannot be read
        (``read_problem`` says why: damaged, or storage that cannot be read just now: walk23 M1)."""
        try:
            return read()
        except (JournalUnreadable, OSError) as exc:
            if isinstance(exc, OSError):
                self.read_problem = self._not_read(exc)
            self.last_warning = self.read_problem if isinstance(exc, OSError) else str(exc)
            if self.last_warning not in self._warned:
                self._warned.add(self.last_warning)
                # (a lock's owner and age are for the console, not the lesson page: check23 10)
                detail = f" (Details: {getattr(exc, 'details', exc)})" if isinstance(exc, TimeoutError) else ""
                warnings.warn(self.last_warning + detail, JournalWarning, stacklevel=4)
            return default

    @contextlib.contextmanager
    def _changing(self, new: JournalEntry | None = None, *, once: bool = False, timeout: float | None = None,
                  aside: Callable[[TimeoutError], TimeoutError] | None = None,
                  refused: str = "") -> Iterator[None]:
        """Hold the journal's lock to change it; a folder that cannot be written to is said in words.
        ``new``: the entry being added, kept beside the journal if the lock cannot be had in time
        (:class:`JournalBusy`; walk22 L11: it was dropped); ``aside``: keeps another change that can wait
        (an import, a setting) and gives the exception to raise. Any other change is refused then
        (:class:`JournalLocked`), ``refused`` saying why it cannot wait and what was not done."""
        self._not_a_journal()  # (another kind of file: refused before a lock file is made beside it)
        lock = contextlib.ExitStack()
        try:
            lock.enter_context(file_lock(self.path, self.lock_timeout if timeout is None else timeout))
        except TimeoutError as exc:
            if new is not None:
                raise self._kept_aside(new, exc, once) from None
            if aside is not None:
                raise aside(exc) from None
            if not refused:
                raise
            raise JournalLocked(self._busy(), f". {refused}: nothing in your journal was changed.", _lock_details(exc),
                                f"{CLOSE_OTHERS.capitalize()}, then try again.") from None
        except OSError as exc:
            if exc.errno is None or isinstance(exc, TimeoutError):
                raise
            raise self._not_saved(exc) from exc
        with lock:
            yield

    def _kept_aside(self, entry: JournalEntry, exc: TimeoutError, once: bool) -> TimeoutError:
        """Keep a new entry that the journal's lock kept out, in a file of its own beside the journal, and
        say where it is and what will happen to it (or, if even that cannot be written, that it was not saved)."""
        try:
            kept = journal_waiting.keep(self.path, entry, once=once)
        except OSError as write_exc:
            return self._not_kept(exc, write_exc, "this entry was not saved")

        def said(when: str) -> str:  # (the files named as the learner knows them, never /drive/...: check23 1)
            return (f"Your journal at {place(self.path)} is busy: another program has held it for {self.lock_timeout:g} s "
                    f"(another copy of the course saving, perhaps). So that nothing is lost, this entry was kept safe in "
                    f"{place(kept)}. It goes into your journal the next time anything is saved to it{when}, and it is "
                    f"shown with your entries meanwhile: nothing else needs doing, and saving it again does not make a "
                    f"second copy. (If you copy the journal to another computer before then, copy that file too.)")

        return JournalBusy(said(""), entry, kept, said(" (or at the next `coplearn journal` command)"))

    def _busy(self) -> str:
        return f"Your journal at {place(self.path)} is busy ({SAVING_AT_ONCE}, for longer than {self.lock_timeout:g} s)"

    def _not_kept(self, exc: TimeoutError, write_exc: OSError, what: str) -> TimeoutError:
        """A change that could have waited beside the busy journal, but could not be written there either."""
        warnings.warn(f"The journal's lock: {exc}", JournalWarning, stacklevel=5)  # (its details: check23 10)
        return TimeoutError(f"Your journal at {place(self.path)} is busy ({SAVING_AT_ONCE}, for longer than "
                            f"{self.lock_timeout:g} s), so {what}, and it could not be kept beside the journal "
                            f"either ({os_words(write_exc)}). {CLOSE_OTHERS.capitalize()} and try again.")

    def _import_aside(self, incoming: list[JournalEntry], where: str, source: object) -> Callable[[TimeoutError], TimeoutError]:
        """Keep an import that the journal's lock kept out beside the journal (see :func:`journal_waiting.keep_import`)."""
        def aside(exc: TimeoutError) -> TimeoutError:
            n = len(incoming)
            them = "it" if n == 1 else "them"
            lead = (f"Your journal at {place(self.path)} is busy: another program has held it for "
                    f"{self.lock_timeout:g} s (another copy of the course saving, perhaps).")
            if isinstance(source, (str, os.PathLike)) and journal_waiting.is_waiting_file(self.path, Path(source)):
                return JournalBusy(  # (the journal's own waiting file: it is waiting already; nothing more kept)
                    f"{lead} {where} is already kept safe beside it, waiting to go into your journal the next time "
                    f"anything is saved to it, and shown with your entries meanwhile: nothing else needs doing.",
                    None, Path(source), entries=tuple(incoming))
            try:
                kept = journal_waiting.keep_import(self.path, incoming)
            except OSError as write_exc:
                return self._not_kept(exc, write_exc, "nothing was imported")

            def said(when: str) -> str:
                one = n == 1
                return (f"{lead} So that nothing is lost, the {n} entr{'y' if one else 'ies'} of {where} "
                        f"{'was' if one else 'were'} kept safe in {place(kept)}. {'It goes' if one else 'They go'} "
                        f"into your journal the next time anything is saved to it{when}, and {'is' if one else 'are'} "
                        f"shown with your entries meanwhile: nothing else needs doing. An entry your journal holds "
                        f"already is not added twice, and importing the file again does not make second copies. (If "
                        f"you copy the journal to another computer before then, copy that file too.)")

            return JournalBusy(said(""), None, kept, said(" (or at the next `coplearn journal` command)"),
                               entries=tuple(incoming))

        return aside

    def _setting_aside(self, settings: dict[str, Any], called: str) -> Callable[[TimeoutError], TimeoutError]:
        """Keep a setting that the journal's lock kept out beside the journal (``called``: the choice, in words)."""
        def aside(exc: TimeoutError) -> TimeoutError:
            try:
                kept = journal_waiting.keep_settings(self.path, settings)
            except OSError as write_exc:
                return self._not_kept(exc, write_exc, f"your choice of {called} was not saved")

            def said(when: str) -> str:
                return (f"Your journal at {place(self.path)} is busy: another program has held it for "
                        f"{self.lock_timeout:g} s (another copy of the course saving, perhaps). So that your choice "
                        f"of {called} is not lost, it was kept safe in {place(kept)}. It goes into your journal the "
                        f"next time anything is saved to it{when}, and exports follow it meanwhile: nothing else "
                        f"needs doing.")

            return JournalBusy(said(""), None, kept, said(" (or at the next `coplearn journal` command)"))

        return aside

    def fold_waiting(self, timeout: float = 2.0) -> list[Path]:
        """Take the entries kept beside the journal while it was busy into the journal, now, and return the
        files taken in (removed). Nothing is done, and nothing is said, when there are none, or when the
        journal is busy (within ``timeout`` seconds), cannot be read (a damaged journal is not moved for
        this), or cannot be saved: the entries wait, shown with the others, for the next save."""
        if not journal_waiting.waiting_files(self.path):
            return []
        try:
            with self._changing(timeout=timeout):
                entries = self._read_unlocked()
                folding = list(self._folding)
                if folding:
                    self._write_unlocked(entries)
                return folding
        except (ValueError, OSError):
            return []

    def _not_read(self, exc: OSError, subject: str = "", again: str = "try again in a moment") -> str:
        """A journal that cannot be read, in plain words: what, that nothing was changed, and what to do:
        ``again`` (for the disk, or the browser's storage, failing or full, or a lock held too long), or
        what does mend a lasting problem, such as a folder where the journal should be (check23 4).
        ``subject`` names the journal (default "Your journal at <where>")."""
        subject = subject or f"Your journal at {place(self.path)}"
        if isinstance(exc, TimeoutError):  # (the lock file's owner and age go to the console: check23 10)
            return (f"{subject} cannot be read right now ({SAVING_AT_ONCE}). Nothing in it was changed; "
                    f"{CLOSE_OTHERS}, and {again}.")
        why = (str(exc).replace(str(self.path), place(self.path)) if exc.errno is None else os_words(exc)).rstrip(".")
        if passing(exc) or exc.errno is None:  # (not known: perhaps a moment's)
            todo = f" {when_full()}" if may_be_full(exc) else ""
            return f"{subject} cannot be read right now ({why}). Nothing in it was changed; {again}.{todo}"
        if in_browser():
            todo = "Ask your tutor for help: waiting will not mend this."
        elif exc.errno in NOT_WRITABLE:
            todo = ("Waiting will not mend this: ask whoever looks after this computer to let you use it, or copy the "
                    "journal to a folder of your own and set COPLEARN_JOURNAL to the copy.")
        elif exc.errno == errno.EISDIR:
            todo = ("A journal is one file (journal.json), not a folder: set COPLEARN_JOURNAL to that file, or move "
                    "the folder away and the course starts a new journal here (or ask your tutor, if you have one).")
        else:
            todo = ("Waiting will not mend this: set COPLEARN_JOURNAL to a journal file in a folder of your own, or "
                    "ask your tutor.")
        return f"{subject} cannot be read ({why}). Nothing in it was changed. {todo}"

    def _not_saved(self, exc: OSError) -> JournalFileError:
        """A failed save (or lock) in plain words: what happened, that nothing changed, what to do."""
        if exc.errno in NOT_WRITABLE:
            todo = (" Copy the journal to a folder you can write to, or set COPLEARN_JOURNAL to a journal file "
                    "there, and try again.")
        elif may_be_full(exc):
            todo = f" {when_full()}"  # (walk23 M2: a full browser storage said neither why nor what to do)
        else:
            todo = ""
        return JournalFileError(exc.errno, (
            f"your journal at {place(self.path)} could not be saved ({os_words(exc)}): this change was not saved, "
            f"and the journal is as it was before.{todo}"))

    def set_aside(self) -> list[Path]:
        """Earlier journal files that could not be read and were kept safe beside this one when something was saved
        (``journal.json.unreadable-...``), oldest first: their entries are not in this journal until they are mended
        and imported, so a list or an export says so (red team 26b F4: the export went out short, saying nothing)."""
        import glob

        try:
            found = glob.glob(glob.escape(str(self.path)) + ".unreadable-*")
        except OSError:
            return []
        return sorted((Path(p) for p in found if os.path.isfile(p)), key=lambda p: p.name)

    def set_aside_note(self, what: str, how: str = "`coplearn journal import FILE` (lesson 11 can import too)") -> str:
        """One sentence naming :meth:`set_aside`'s files, for a list or an export (``what``), saying ``how`` to bring
        their entries in, or ''."""
        kept = self.set_aside()
        if not kept:
            return ""
        names = ", ".join(p.name for p in kept[:3]) + (f" and {len(kept) - 3} more" if len(kept) > 3 else "")
        one = len(kept) == 1
        return (f"Note: {len(kept)} earlier journal file{'' if one else 's'} could not be read and {'was' if one else 'were'} "
                f"kept safe beside this one ({names}): {'its' if one else 'their'} entries are not in this {what}. "
                f"Bring {'its' if one else 'their'} entries in with {how}: a file cut short gives the entries that are "
                f"whole, and one damaged elsewhere is named with the line and field to mend first; once they are in, move the kept "
                f"file{'' if one else 's'} elsewhere, and this note goes.")

    @property
    def entries(self) -> tuple[JournalEntry, ...]:
        """All entries, oldest first, read from the file now (no file yet: none, and nothing is created).
        A file that cannot be read gives none, with a :class:`JournalWarning` saying why (and
        ``read_problem`` set); it is never changed by a read (:meth:`read` raises instead)."""
        return self._leniently(self.read, ())

    def __len__(self) -> int:
        return len(self.entries)

    def _say_what_is_kept(self, entries: list[JournalEntry]) -> None:
        """A warning when the file holds what this copy of the course does not know (a hand edit, or
        a newer version of the course): it is kept in the file, but not shown or exported, and a
        journal from a newer version is not changed at all (red team 15 F3)."""
        said = []
        if self._newer is not None:
            said.append(f"it was saved by a newer version of the course (journal version {self._newer}; this version "
                        f"knows version {VERSION}), so this version only shows it and does not change it. {UPDATE_ADVICE}")
        unknown = [f"entry {n} ({(e.title or e.date)[:40]!r}): {', '.join(e.unknown_fields()[:5])}"
                   for n, e in enumerate(entries, 1) if e.kept]
        if self._kept_top:
            unknown.insert(0, "the file itself: " + ", ".join(repr(str(k)[:40]) for k in list(self._kept_top)[:5]))
        if unknown:
            shown = "; ".join(unknown[:MAX_FIELD_PROBLEMS]) + (
                f"; and {len(unknown) - MAX_FIELD_PROBLEMS} more" if len(unknown) > MAX_FIELD_PROBLEMS else "")
            rename = self._newer is None and any(near for e in entries for near in e.likely_meant().values())
            said.append(f"it holds fields this version of the course does not know ({shown}): they are kept in the file "
                        "as they are, but not shown or exported" + (
                            "; if you edited the file by hand, give a field the name suggested for it" if rename else ""))
        if said:
            self.last_warning = f"Your journal at {self.path}: " + "; and ".join(said) + "."
            if self.last_warning not in self._warned:  # (once for this journal, not at every read)
                self._warned.add(self.last_warning)
                warnings.warn(self.last_warning, JournalWarning, stacklevel=4)

    # -- writing -----------------------------------------------------------------------------
    def _write_unlocked(self, entries: list[JournalEntry]) -> None:
        if self._newer is not None:
            raise JournalFileError(None, (
                f"your journal at {place(self.path)} was saved by a newer version of the course (journal version "
                f"{self._newer}), so this version does not change it: this change was not saved, and the journal is "
                f"as it was. {UPDATE_ADVICE}"))
        doc: dict[str, Any] = {**self._kept_top, "format": FORMAT, "version": VERSION}
        if self._settings:
            doc["settings"] = self._settings
        taken = sorted({p.name for p in self._folding})[:MAX_TAKEN]
        if taken:  # (so that one left behind, if removing it fails, is never taken in twice)
            doc[TAKEN_KEY] = taken
        doc["entries"] = [e.to_dict() for e in entries]
        try:
            text = _as_json(doc)
        except (RecursionError, ValueError):
            raise JournalFileError(None, (
                f"this change was not saved: your journal at {place(self.path)} holds a field the course does not "
                "know that is nested too deeply to write back, most likely from an imported "
                "file; the journal is as it was. Remove that field from the file (or ask your tutor, if you have one), then try "
                "again.")) from None
        try:
            atomic_write_text(self.path, text)
        except OSError as exc:
            raise self._not_saved(exc) from exc
        stuck = set()
        for path in self._folding:  # (in the journal now)
            try:
                path.unlink()
            except FileNotFoundError:
                pass
            except OSError:
                stuck.add(path.name)
        self._folding = []
        if taken and sorted(stuck) != taken:
            # name only those still there: a file kept later under a removed one's name (an import is named
            # by what it holds) is new, and is taken in (rare: only after the journal was busy)
            doc.pop(TAKEN_KEY)
            if stuck:
                doc[TAKEN_KEY] = sorted(stuck)[:MAX_TAKEN]
            with contextlib.suppress(OSError):
                atomic_write_text(self.path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")

    def add(self, entry: JournalEntry | None = None, **fields: Any) -> JournalEntry:
        """Validate and save a new entry; return it. Pass fields or a ready :class:`JournalEntry`."""
        new = entry if entry is not None else JournalEntry.create(**fields)
        with self._changing(new):
            entries = self._read_unlocked(saving=True)
            again = next((e for e in entries if e.id in self._waited and _words(e, True) == _words(new, True)), None)
            if again is not None:  # saved again after it was kept aside (it seemed not to be saved): one record
                self._write_unlocked(entries)
                return again
            entries.append(new)
            self._write_unlocked(entries)
        return new

    def add_once(self, **fields: Any) -> tuple[JournalEntry, bool]:
        """Save a new entry unless the journal already holds one that says exactly the same (whatever
        its date): return the entry and whether it is new. A course button pressed twice (a double
        click, or the same results saved again on a later visit) makes one CPD record (walk16 F5, F6).

        >>> import tempfile, pathlib
        >>> j = Journal(pathlib.Path(tempfile.mkdtemp()) / "j.json")
        >>> (a, new), (b, again) = j.add_once(title="Plan", learning="Ask first."), j.add_once(title="Plan", learning="Ask first.")
        >>> new, again, a.id == b.id, len(j.entries)
        (True, False, True, 1)
        """
        new = JournalEntry.create(**fields)
        with self._changing(new, once=True):
            entries = self._read_unlocked(saving=True)
            same = next((e for e in entries if _content(e) == _content(new)), None)
            if same is not None:
                if self._folding:
                    self._write_unlocked(entries)
                return same, False
            entries.append(new)
            self._write_unlocked(entries)
        return new, True

    def import_from(self, source: str | os.PathLike[str] | bytes, *, name: str | None = None) -> tuple[int, int]:
        """Add the entries of another copy of a journal (a ``journal.json`` file, or its bytes):
        entries already here (same id) are skipped, nothing here is changed or removed. Returns
        (added, already here). A file that is not a coplearn journal (or is empty) raises
        ``ValueError`` saying so, and nothing is saved. ``name`` is what messages call the file
        (the name of a file uploaded as bytes; default "the file", or the path).

        A file kept beside a journal while it was busy (``journal.json.waiting-<id>.json``) is a journal
        too: imported into its own journal, its entries are taken in now (and counted as added) and the
        file removed. When the journal is busy for longer than :attr:`lock_timeout`, the entries are kept
        beside it to go in at its next save (:class:`JournalBusy`), as a new entry is (fix24).

        >>> import tempfile, pathlib
        >>> d = pathlib.Path(tempfile.mkdtemp())
        >>> a, b = Journal(d / "a.json"), Journal(d / "b.json")
        >>> _ = a.add(title="Lesson 03", learning="Cultures contend.")
        >>> b.import_from(a.path), b.import_from(a.path)
        ((1, 0), (0, 1))
        """
        where = name or ("the file" if isinstance(source, bytes) else str(source))
        try:
            raw = source if isinstance(source, bytes) else Path(source).expanduser().read_bytes()
        except OSError as exc:
            hint = (" Check the name and the folder." if exc.errno == errno.ENOENT else
                    " Choose the journal.json file inside it." if exc.errno == errno.EISDIR else "")
            raise JournalFileError(exc.errno, f"{os_problem(exc, where)}, so nothing was imported.{hint}") from None
        if len(raw) > 20 * 1024 * 1024:
            raise ValueError(f"{where} is larger than 20 MB, too large to import (a journal of a few years is well "
                             "under 1 MB); nothing was imported")
        kind = other_kind(raw)
        if kind is not None:
            raise ValueError(f"{where} is not a coplearn journal (it looks like {kind}); nothing was imported. Choose "
                             "the journal.json you downloaded or kept")
        try:
            text = file_text(raw)
        except ValueError as exc:
            raise ValueError(f"{where} cannot be read: {exc}. Nothing was imported.") from None
        if not text.strip():  # (walk18 L5: "another kind of file, or damaged" said too much)
            raise ValueError(f"{where} is empty, so nothing was imported; choose the journal.json you downloaded "
                             "or kept")
        self.last_import_note = None
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:  # (a damaged journal: where, in words; walk22 M2)
            slip = json_slip(text, exc, locate=_entry_at)
            complete = _complete_entries(text) if ends_too_early(text, exc) else None
            if not complete:
                raise ValueError(f"{where} cannot be read as a coplearn journal: {slip}. Nothing was imported; mend that "
                                 "in the file (or ask your tutor, if you have one), then import it again") from None
            # cut short (a copy or a crash stopped part way: red team 26b F4): the entries that are whole are taken in
            n = len(complete)
            self.last_import_note = (
                f"{where} was cut short ({slip}). Its first {n} entr{'y is' if n == 1 else 'ies are'} complete and "
                f"{'was' if n == 1 else 'were'} read; anything after entry {n} could not be read and was not imported. "
                "The file itself was not changed: if you have a complete copy (a download, a backup), import that too; "
                "entries already in your journal are skipped.")
            data = {"format": FORMAT, "entries": complete}
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("entries"), list):
            raise ValueError(f"{where} is not a coplearn journal (it has no '{FORMAT}' format and entries list); "
                             "choose the journal.json you downloaded or kept")
        incoming, problems = _read_entries(data["entries"])
        if problems:
            raise ValueError(f"{where} cannot be read ({problems}); nothing was imported")
        with self._changing(aside=self._import_aside(incoming, where, source)):
            entries = self._read_unlocked(saving=True)
            # (entries shown from a waiting file go into the journal itself with this save: added by it)
            have = {e.id for e in entries if e.id not in self._waited}
            waited = {e.id for e in incoming if e.id in self._waited}
            new = []
            for e in incoming:  # (an id twice in the file: the first is kept, as an entry already here would be)
                if e.id not in have:
                    if e.id not in waited:
                        new.append(e)
                    have.add(e.id)
            if new or self._folding:
                self._write_unlocked(entries + new)
        added = len(new) + len(waited)
        return added, len(incoming) - added

    def update(self, entry_id: str, **fields: Any) -> JournalEntry:
        """Change fields of an existing entry and save. What was learned is never blanked (walk22 L7):
        an empty ``learning`` for an entry that has one raises ``ValueError`` and changes nothing. A journal
        busy for longer than :attr:`lock_timeout` raises :class:`JournalLocked`, changing nothing: an edit
        is not kept aside to be made later, over whatever the other program changes meanwhile (fix24)."""
        with self._changing(refused=EDIT_REFUSED):
            entries = self._read_unlocked(saving=True)
            for i, e in enumerate(entries):
                if e.id == entry_id:
                    if "learning" in fields and e.learning.strip() and not str(fields["learning"] or "").strip():
                        raise ValueError("learning: \u201cWhat I learned\u201d cannot be made empty (that would delete "
                                         "what you wrote there); give the new text instead. The entry was not changed.")
                    merged = {k: v for k, v in e.to_dict().items() if k not in ("id", "created") and k not in e.kept}
                    merged.update(fields)
                    kept_date = "date" not in fields or fields["date"] == e.date
                    if kept_date:  # a date saved earlier is kept as it is (only a date typed now is checked)
                        merged.pop("date")
                    fresh = JournalEntry.create(**merged)
                    entries[i] = replace(fresh, id=e.id, created=e.created, date=e.date if kept_date else fresh.date,
                                         kept=e.kept)
                    self._write_unlocked(entries)
                    return entries[i]
        raise LookupError(f"{entry_id!r} is not an entry in this journal")

    def remove(self, entry_id: str) -> None:
        """Delete one entry. A journal busy for longer than :attr:`lock_timeout` raises :class:`JournalLocked`,
        removing nothing (a removal is not kept aside to be made later: fix24)."""
        with self._changing(refused=REMOVE_REFUSED):
            entries = self._read_unlocked(saving=True)
            kept = [e for e in entries if e.id != entry_id]
            if len(kept) == len(entries):
                raise LookupError(f"{entry_id!r} is not an entry in this journal")
            self._write_unlocked(kept)

    def add_gibbs(self, *, description: str = "", feelings: str = "", evaluation: str = "",
                  analysis: str = "", conclusion: str = "", action_plan: str = "", **fields: Any) -> JournalEntry:
        """Save an entry written through Gibbs' (1988) six stages; return it.

        The CPD headings are filled from the stages unless given: the description from
        *description*, what was learned from *conclusion* (else *analysis*), and the impact on
        practice from *action plan*. The activity type defaults to "Reflection on practice".

        >>> import tempfile, pathlib
        >>> j = Journal(pathlib.Path(tempfile.mkdtemp()) / "j.json")
        >>> e = j.add_gibbs(description="A duty meeting went badly.", conclusion="I should ask first.",
        ...                 action_plan="Open the next meeting with a question.")
        >>> e.learning, e.impact_practice, e.activity_type
        ('I should ask first.', 'Open the next meeting with a question.', 'Reflection on practice')
        """
        stages = {"description": description, "feelings": feelings, "evaluation": evaluation,
                  "analysis": analysis, "conclusion": conclusion, "action_plan": action_plan}
        fields.setdefault("activity_type", "Reflection on practice")
        if not fields.get("description"):
            fields["description"] = description
        if not fields.get("learning"):
            fields["learning"] = conclusion or analysis
        if not fields.get("impact_practice"):
            fields["impact_practice"] = action_plan
        return self.add(gibbs=stages, **fields)

    def between(self, since: str | _dt.date | None = None, until: str | _dt.date | None = None, *,
                strict: bool = False) -> tuple[JournalEntry, ...]:
        """Entries dated from ``since`` to ``until`` (both inclusive, either may be omitted); ``strict``:
        read with :meth:`read` (a file that cannot be read raises, rather than giving none).

        Handy for one Social Work England registration year, which runs from 1 December to
        30 November: ``journal.between("2025-12-01", "2026-11-30")``.
        """
        lo = _as_date(since, "since") if since is not None else None
        hi = _as_date(until, "until") if until is not None else None
        if lo and hi and lo > hi:
            raise ValueError(f"since ({lo}) is after until ({hi}); swap them round")
        out = []
        for e in (self.read() if strict else self.entries):
            d = _dt.date.fromisoformat(e.date)
            if (lo is None or d >= lo) and (hi is None or d <= hi):
                out.append(e)
        return tuple(out)

    # -- settings ----------------------------------------------------------------------------
    @property
    def settings(self) -> dict[str, Any]:
        """The journal's settings (a copy), read from the file now; e.g. ``{"regulator": "scw"}``."""
        def read() -> dict[str, Any]:
            self.read()
            return dict(self._settings)

        return self._leniently(read, {}) if self.path.exists() else {}

    @property
    def regulator(self) -> str:
        """The key of the regulator this journal's exports follow (default ``"swe"``)."""
        from coplearn.practice.regulators import DEFAULT_REGULATOR, get_regulator

        key = self.settings.get("regulator")
        if not isinstance(key, str):
            return DEFAULT_REGULATOR
        try:
            return get_regulator(key).key
        except LookupError:
            return DEFAULT_REGULATOR

    def set_regulator(self, key: str) -> str:
        """Save the regulator (``swe``, ``scw``, ``sssc`` or ``niscc``) in the journal's settings. A journal
        busy for longer than :attr:`lock_timeout` keeps the choice beside it, to go in at its next save and
        to be followed meanwhile (:class:`JournalBusy`; a later choice wins: fix24)."""
        from coplearn.practice.regulators import get_regulator

        reg = get_regulator(key)
        chosen = reg.key
        with self._changing(aside=self._setting_aside({"regulator": chosen}, f"regulator ({reg.called})")):
            entries = self._read_unlocked(saving=True)
            self._settings["regulator"] = chosen
            self._write_unlocked(entries)
        return chosen

    def export(self, path: str | os.PathLike[str], format: str | None = None, *,
               entries: Iterable[JournalEntry] | None = None, regulator: str | None = None,
               force: bool = False) -> Path:
        """Write the journal as CPD records to ``path`` (Markdown, HTML or Word) and return it.

        ``format`` is ``"md"``, ``"html"`` or ``"docx"``; if omitted, the file name's ending
        decides. ``regulator`` (``swe``, ``scw``, ``sssc``, ``niscc``) lays the records out as that
        regulator asks; if omitted, the journal's own setting decides (default Social Work England).
        The file is written atomically, so a failed export leaves no half-written file. An existing file is
        replaced only if it is an earlier export or report (or with ``force``): any other is refused and left as it
        is (walk28 H1).
        """
        chosen = tuple(entries) if entries is not None else self.read()  # (unreadable: raises, no empty export)
        return cpd.export(chosen, path, format, source=self.path.name, regulator=regulator or self.regulator,
                          force=force)

    def _repr_html_(self) -> str:
        rows = [(e.date, e.lesson, e.title or e.learning[:60]) for e in self.entries]
        return _html.table(f"Reflective journal ({len(rows)} entries) at {self.path}",
                           ["date", "lesson", "entry"], rows)


def _lock_details(exc: BaseException) -> str:
    """What a lock that could not be had says about itself (the lock file, its owner and age), without its
    advice ("try again"), which the message to the learner gives in its own words."""
    return str(exc).split("; is another program", 1)[0]


def _complete_entries(text: str) -> list[Any]:
    """The entries of a journal's text that ends too early (cut short), as far as each is whole; ``[]`` when the text
    does not begin as a coplearn journal (its format named before its entries) or no entry is whole.

    >>> _complete_entries('{"format": "coplearn-journal", "entries": [{"id": "a"}, {"id": "b"}, {"id": "c", "ti')
    [{'id': 'a'}, {'id': 'b'}]
    >>> _complete_entries('{"entries": [{"id": "a"}, {"id')  # (not said to be a journal)
    []
    """
    start = re.search(r'"entries"\s*:\s*\[', text)
    if start is None or not re.search(r'"format"\s*:\s*"' + re.escape(FORMAT) + '"', text[:start.start()]):
        return []
    return [item for _start, end, item in _each_entry(text, start.end()) if end is not None]


def _read_entries(items: list[Any]) -> tuple[list[JournalEntry], str]:
    """The entries that read, and every bad field named ("entry 3: date: ...; entry 4: hours: ...",
    at most MAX_FIELD_PROBLEMS) so that one edit can mend them all ("" when all read)."""
    entries: list[JournalEntry] = []
    problems: list[str] = []
    for n, item in enumerate(items, 1):
        try:
            entries.append(JournalEntry.from_dict(item))
        except (ValueError, TypeError, KeyError, LookupError) as exc:
            problems.append(f"entry {n}: {exc}")
    if not problems:
        return entries, ""
    shown = "; ".join(problems[:MAX_FIELD_PROBLEMS])
    more = f"; and {len(problems) - MAX_FIELD_PROBLEMS} more" if len(problems) > MAX_FIELD_PROBLEMS else ""
    return entries, (f"{len(problems)} entries have a problem: " if len(problems) > 1 else "") + shown + more


def _words(entry: JournalEntry, with_date: bool) -> str:
    """What an entry says (and, ``with_date``, its date), as one text to compare."""
    return json.dumps([_content(entry), entry.date if with_date else None], sort_keys=True, ensure_ascii=False)


def _content(entry: JournalEntry) -> dict[str, Any]:
    """What an entry says, without when it was made or its id (two saves of the same record match)."""
    data = entry.to_dict()
    for key in ("id", "created", "date"):
        data.pop(key, None)
    return data
