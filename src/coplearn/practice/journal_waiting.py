"""New journal entries kept beside the journal while it was busy, so that none is lost (walk22 L11).

A save waits up to :data:`LOCK_TIMEOUT` seconds for another save of the same journal (the lock).
A new entry that still cannot be saved then is not dropped: it is written, atomically, to a file of
its own beside the journal, ``journal.json.waiting-<entry id>.json``. So is an import
(``journal.json.waiting-import-<digest>.json``, the entries of the file imported: one file however often
the same file is imported) and a choice of regulator (``journal.json.waiting-regulator-<n>.json``, the
later choice winning), which can wait without risk: an edit or a removal cannot (it would be made to
an entry the other program may be changing), so those are refused, changing nothing (fix24).

Each such file is itself a journal (of one entry, of the entries imported, or of none with its
settings), so ``coplearn journal import`` reads it too: into another journal (a copy taken to another
computer), or into its own, which takes it in at once (or says it is waiting already, when the journal
is still busy). Meanwhile every read of the journal shows the entries with the others (and follows
the regulator chosen); the next save of the journal takes them in and removes the file, and every
``coplearn journal`` command does that first. An entry the journal already holds (the same id, or, for a
new entry, the same words on the same day, saved again when the first try seemed to fail) is not
added twice.

>>> import tempfile, pathlib
>>> from coplearn.practice.journal_entry import JournalEntry
>>> journal = pathlib.Path(tempfile.mkdtemp()) / "journal.json"
>>> side = keep(journal, JournalEntry.create(learning="Ask first."))
>>> side.name.startswith("journal.json.waiting-"), [w.entries[0].learning for w in read_waiting(journal)[0]]
(True, ['Ask first.'])
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from coplearn.core.atomic import atomic_write_text, os_words
from coplearn.core.environment import place
from coplearn.core.file_kinds import file_text, json_slip
from coplearn.practice.journal_entry import JournalEntry

__all__ = ["LOCK_TIMEOUT", "Waiting", "is_waiting_file", "keep", "keep_import", "keep_settings", "read_waiting",
           "waiting_files", "waiting_path"]

#: How long a save waits for another save of the journal before it keeps a new entry aside (seconds).
LOCK_TIMEOUT = 30.0
#: What a waiting file's name adds to the journal's (``journal.json.waiting-<entry id>.json``).
MARK = ".waiting-"
#: The most bytes of a waiting file that are read (a one-entry journal is far smaller; an import is at
#: most 20 MB, as :meth:`coplearn.practice.journal.Journal.import_from` allows).
MAX_BYTES = 21 * 1024 * 1024


def waiting_path(journal: Path, entry_id: str) -> Path:
    """Where a new entry of ``journal`` waits when the journal is busy."""
    return journal.with_name(f"{journal.name}{MARK}{entry_id}.json")


def waiting_files(journal: Path) -> list[Path]:
    """The entries waiting beside ``journal``, one file each, in the order they were kept (none when the
    folder cannot be read)."""
    found = []
    try:
        for p in journal.parent.glob(f"{glob.escape(journal.name)}{MARK}*.json"):
            try:
                found.append((p.stat().st_mtime_ns, p.name, p))
            except OSError:
                continue  # (taken in and removed meanwhile)
    except OSError:
        return []
    return [p for _, _, p in sorted(found)]


def is_waiting_file(journal: Path, path: Path) -> bool:
    """Whether ``path`` is one of the files waiting beside ``journal`` (however it is named: a relative
    path, a link)."""
    for waiting in waiting_files(journal):
        try:
            if os.path.samefile(waiting, path):
                return True
        except OSError:
            continue
    return False


def _write(path: Path, doc: dict[str, object]) -> Path:
    atomic_write_text(path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    return path


def keep(journal: Path, entry: JournalEntry, *, once: bool = False) -> Path:
    """Write ``entry`` to its waiting file beside ``journal`` (atomically) and return the file; ``once``:
    the entry is not added if the journal already says the same, whatever its date
    (:meth:`coplearn.practice.journal.Journal.add_once`). Raises ``OSError`` if it cannot be written."""
    doc: dict[str, object] = {"format": "coplearn-journal", "version": 1, "entries": [entry.to_dict()]}
    if once:
        doc["add_once"] = True
    return _write(waiting_path(journal, entry.id), doc)


def keep_import(journal: Path, entries: list[JournalEntry]) -> Path:
    """Write the entries of an import to a waiting file beside ``journal`` (atomically) and return it. Its
    name comes from what it holds, so importing the same file again while the journal is busy makes no
    second file; taken in, an entry is added unless the journal holds one with its id, as an import does.
    Raises ``OSError`` if it cannot be written."""
    items = [e.to_dict() for e in entries]
    digest = hashlib.sha256(json.dumps(items, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:12]
    doc: dict[str, object] = {"format": "coplearn-journal", "version": 1, "imported": True, "entries": items}
    return _write(waiting_path(journal, f"import-{digest}"), doc)


def keep_settings(journal: Path, settings: dict[str, object]) -> Path:
    """Write a change of the journal's settings (a regulator chosen) to a waiting file of its own beside
    ``journal`` (atomically; never over another, which a save may be taking in) and return it; a later
    one, read after it, wins. Raises ``OSError`` if it cannot be written."""
    doc: dict[str, object] = {"format": "coplearn-journal", "version": 1, "settings": dict(settings), "entries": []}
    return _write(waiting_path(journal, f"regulator-{os.urandom(4).hex()}"), doc)


@dataclass(frozen=True)
class Waiting:
    """One waiting file: where it is, its entries, whether they are added only once (see :func:`keep`),
    whether they came from an import (:func:`keep_import`), and the settings it changes (:func:`keep_settings`)."""

    path: Path
    entries: tuple[JournalEntry, ...]
    once: bool
    imported: bool = False
    settings: dict[str, object] | None = None


def read_waiting(journal: Path) -> tuple[list[Waiting], list[str]]:
    """The waiting files beside ``journal`` that can be read, and what is wrong (in words, naming the
    file as the learner knows it) with each that cannot: such a file is left as it is."""
    found: list[Waiting] = []
    problems: list[str] = []
    for path in waiting_files(journal):
        text = ""
        try:
            raw = path.read_bytes()
            if len(raw) > MAX_BYTES:
                raise ValueError("it is far larger than a journal kept aside can be")
            text = file_text(raw)
            data = json.loads(text)
            if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
                raise ValueError("it holds no entries")
            entries = tuple(JournalEntry.from_dict(item) for item in data["entries"])
        except OSError as exc:
            problems.append(f"{place(path)}: it could not be read ({os_words(exc)})")
            continue
        except (json.JSONDecodeError, RecursionError) as exc:
            problems.append(f"{place(path)}: {json_slip(text, exc)}")
            continue
        except (ValueError, TypeError, KeyError, LookupError) as exc:
            problems.append(f"{place(path)}: {exc}")
            continue
        settings = data.get("settings")
        found.append(Waiting(path, entries, data.get("add_once") is True, data.get("imported") is True,
                             dict(settings) if isinstance(settings, dict) else None))
    return found, problems
