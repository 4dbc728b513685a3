"""A lesson activity's answers, kept on this computer between sessions.

The lesson 04 culture ratings and the lesson 06 team audit take a team manager ten or twenty
minutes; without this they lived only in the running Python and were gone when the page was
reloaded or the browser closed (reach review 8). Each activity now keeps its answers in a small
file of its own beside the journal, ``<journal name>-answers-<activity>.json`` (in the browser
edition, ``my-journal/journal-answers-team-audit.json``), written whole, atomically, on every
change, and read back when the lesson is next opened. Only that activity writes its file, so no
lock is taken (two tabs of the same lesson: the later change wins). A file that cannot be read is
moved aside, never overwritten, and the learner is told. Nothing is sent anywhere.

>>> import tempfile, pathlib
>>> kept = LessonAnswers("team-audit", pathlib.Path(tempfile.mkdtemp()) / "journal.json")
>>> kept.load(), kept.save({"K1": 4, "T2": "More AMHPs"}), kept.load()
({}, None, {'K1': 4, 'T2': 'More AMHPs'})
>>> kept.path.name
'journal-answers-team-audit.json'
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import re
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from coplearn.core.atomic import atomic_write_text, file_lock, move_aside, os_words
from coplearn.core.environment import place

__all__ = ["LessonAnswers", "Throttle", "answers_path", "as_sentence", "kernel_loop", "FORMAT"]

FORMAT = "coplearn-lesson-answers"
VERSION = 1
#: A kept answers file larger than this is not a coplearn answers file (28 short answers are a few kB).
MAX_BYTES = 1024 * 1024
_ACTIVITY = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def answers_path(activity: str, journal: str | os.PathLike[str] | None = None) -> Path:
    """Where ``activity``'s answers are kept: beside the journal (``$COPLEARN_JOURNAL`` or
    ``~/coplearn/journal.json``), named after it.

    >>> answers_path("culture-profile", "/home/sam/coplearn/journal.json").name
    'journal-answers-culture-profile.json'
    """
    if not isinstance(activity, str) or not _ACTIVITY.fullmatch(activity):
        raise ValueError(f"activity: use lower-case letters, digits and dashes, not {activity!r}")
    from coplearn.practice.journal import default_journal_path

    where = Path(journal).expanduser() if journal is not None else default_journal_path()
    return where.with_name(f"{where.stem}-answers-{activity}.json")


class LessonAnswers:
    """One activity's kept answers: ``load()``, ``save(answers)``, ``forget()``.

    ``save`` and ``forget`` never raise for a file problem (a read-only folder, a full disk): they
    return what went wrong, in words, so the activity can say so and carry on.
    """

    def __init__(self, activity: str, journal: str | os.PathLike[str] | None = None) -> None:
        self.activity = activity
        self.path = answers_path(activity, journal)
        self.last_warning: str | None = None

    def __repr__(self) -> str:
        return f"LessonAnswers({self.activity!r}, path={str(self.path)!r})"

    def load(self) -> dict[str, Any]:
        """The answers kept last time (``{}`` when there are none). A file that cannot be read is
        moved aside (``last_warning`` says where) and ``{}`` returned."""
        self.last_warning = None
        try:
            if not self.path.is_file():
                return {}
            if self.path.stat().st_size > MAX_BYTES:
                raise ValueError("it is far larger than kept answers can be")
            doc = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("activity") != self.activity \
                    or not isinstance(doc.get("answers"), dict):
                raise ValueError(f"it is not this activity's kept answers ({FORMAT})")
            return dict(doc["answers"])
        except (OSError, ValueError, UnicodeDecodeError, RecursionError) as exc:
            why = _plain(exc, "it is not a file of kept answers the course can read")
            try:
                moved = move_aside(self.path, "unreadable")
            except OSError:
                self.last_warning = f"Your kept answers at {place(self.path)} could not be read ({why}); start again here."
            else:
                self.last_warning = (f"Your kept answers at {place(self.path)} could not be read ({why}), so they were "
                                     f"kept safe as {moved.name} and this activity starts empty.")
            return {}

    def save(self, answers: dict[str, Any]) -> str | None:
        """Keep ``answers`` (JSON values), replacing the last ones. Returns None, or why it failed."""
        doc = {"format": FORMAT, "version": VERSION, "activity": self.activity,
               "note": "Kept only on this computer by coplearn; never sent anywhere.", "answers": answers}
        try:
            text = json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.path, text)
        except (OSError, TypeError, ValueError) as exc:
            return _not_kept(_plain(exc, "they are not plain answers"))
        return None

    def update(self, key: str, value: Any) -> str | None:
        """Keep one answer (``None`` removes it), leaving the others kept as they are: two open copies
        of the same activity (two cells, two tabs) then add to each other's answers instead of one
        replacing the other's, even when both save at the same moment (the file is read, changed and
        written under its lock, as the journal is: red team 15 F5). Returns None, or why it failed."""
        return self.update_many({key: value})

    def update_many(self, changes: Mapping[str, Any]) -> str | None:
        """Keep several answers at once, as :meth:`update` keeps one (one read and one write of the
        file: a burst of ratings given quickly is kept in one go)."""
        try:
            with file_lock(self.path):
                answers = self.load() if self.path.exists() else {}
                if self.last_warning:
                    return self.last_warning
                for key, value in changes.items():
                    if value is None:
                        answers.pop(key, None)
                    else:
                        answers[key] = value
                return self.save(answers)
        except OSError as exc:  # (the lock: a folder that cannot be written to, or held too long)
            return _not_kept(_plain(exc, "the file could not be changed"))

    def usable(self, saved: dict[str, Any], check: Callable[[str, Any], dict[str, Any]],
               noun: str = "answer") -> tuple[dict[str, Any], str]:
        """Of ``saved`` (as :meth:`load` gave it), the answers ``check`` accepts (it returns them as the
        activity holds them, or raises for one this version refuses), and a sentence naming any it
        refused. When some are refused, the file as it was is kept aside first and only the usable
        ones kept, so nothing the learner gave is overwritten by the next change."""
        good: dict[str, Any] = {}
        refused: list[str] = []
        for key, value in saved.items():
            try:
                good.update(check(key, value))
            except (ValueError, LookupError, TypeError):
                refused.append(str(key))
        if not refused:
            return good, ""
        try:
            with file_lock(self.path):
                copy = self.keep_copy("older")
                self.save(good)
        except OSError:
            copy = None  # (nothing moved or saved: the next change says why)
        where = f" The file as it was is kept as {copy.name}." if copy else ""
        return good, (f" {len(refused)} kept {noun}{'s' if len(refused) != 1 else ''} could not be used "
                      f"({', '.join(refused[:5])}{' ...' if len(refused) > 5 else ''}).{where}")

    def keep_copy(self, reason: str = "older") -> Path | None:
        """Move the kept file aside (``<name>.<reason>-<time>``) so that nothing overwrites it;
        returns where it went (None when there was nothing, or it could not be moved)."""
        try:
            return move_aside(self.path, reason) if self.path.is_file() else None
        except OSError:
            return None

    def forget(self) -> str | None:
        """Remove the kept answers. Returns None, or why it failed."""
        try:
            with file_lock(self.path):
                self.path.unlink(missing_ok=True)
        except OSError as exc:
            return f"your kept answers could not be removed ({_plain(exc, 'the file could not be changed')})"
        return None


def _not_kept(why: str) -> str:
    return f"your answers could not be kept ({why}); they stay on this page until you close it"


def kernel_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop of the Jupyter kernel this code runs in, when this code runs on it: ipykernel's
    (JupyterLab, Voila), or the browser edition's (Pyodide's). None elsewhere, e.g. in a test run,
    where some other library's loop may be running that nobody turns (Playwright's)."""
    import sys

    if sys.platform == "emscripten":
        try:
            return asyncio.get_event_loop()
        except RuntimeError:
            return None
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        return None
    kernel = getattr(get_ipython(), "kernel", None)
    loop = getattr(getattr(kernel, "io_loop", None), "asyncio_loop", None)
    try:
        return loop if loop is not None and asyncio.get_running_loop() is loop else None
    except RuntimeError:
        return None


class Throttle:
    """Run ``action`` at most once every ``seconds``: a call runs it at once when the last run is far
    enough back, and otherwise once when the interval is up, on the loop ``loop()`` gives (by
    default the kernel's: :func:`kernel_loop`). With no loop it runs at once. Used to keep what a
    learner types without writing a file on every key press.

    >>> calls = []
    >>> keep = Throttle(lambda: calls.append(1), seconds=60)
    >>> keep(); keep(); calls    # not in a kernel here: each call runs at once
    [1, 1]
    """

    def __init__(self, action: Callable[[], Any], seconds: float = 2.0,
                 clock: Callable[[], float] = time.monotonic,
                 loop: Callable[[], asyncio.AbstractEventLoop | None] | None = None) -> None:
        self.action = action
        self.seconds = seconds
        self.clock = clock
        self.loop = loop or kernel_loop
        self._last = -math.inf
        self._handle: asyncio.TimerHandle | None = None

    @property
    def pending(self) -> bool:
        """True while a run is waiting for its interval."""
        return self._handle is not None

    def __call__(self) -> None:
        if self._handle is not None:
            return
        wait = self._last + self.seconds - self.clock()
        loop = self.loop()
        if wait <= 0 or loop is None:
            self._run()
        else:
            self._handle = loop.call_later(wait, self._run)

    def _run(self) -> None:
        self._handle = None
        self._last = self.clock()
        self.action()

    def flush(self) -> None:
        """Run a waiting call now."""
        if self._handle is not None:
            self._handle.cancel()
            self._run()

    def cancel(self) -> None:
        """Drop a waiting call."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None


def as_sentence(problem: str) -> str:
    """A problem that :class:`LessonAnswers` returned, as a sentence to show.

    >>> as_sentence("your answers could not be kept (No space left on device)")
    'Your answers could not be kept (No space left on device).'
    """
    text = problem.strip().rstrip(".")
    return text[:1].upper() + text[1:] + "." if text else ""


def _plain(exc: BaseException, otherwise: str) -> str:
    """A file problem in plain words (``"the disk is full"``; in the browser edition, that its storage for the
    course is full: walk23 M2), else ``otherwise``; our own refusals (``ValueError`` raised above) are
    already in words."""
    if isinstance(exc, OSError):
        return os_words(exc) if exc.errno is not None else (exc.strerror or otherwise)
    if type(exc) is ValueError and str(exc).startswith("it is"):
        return str(exc)
    return otherwise


def changed_elsewhere(saved: Mapping[str, Any], known: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    """The answers another open copy of an activity (a second tab) has kept since this copy last read or kept
    them (``known``), and which this copy has not changed since (``current`` still holds the known value): {key:
    the kept value, or None where it was removed}. An answer both copies changed is left to this copy's own
    (walk28 L14: a tab scored and saved answers the other tab had changed).

    >>> changed_elsewhere({"K1": 1, "K3": 1}, {"K1": 5, "K3": 2}, {"K1": 5, "K3": 4})
    {'K1': 1}
    """
    return {key: saved.get(key) for key in sorted(set(saved) | set(known), key=str)
            if saved.get(key) != known.get(key) and current.get(key) == known.get(key)}
