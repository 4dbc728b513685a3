"""Crash-safe file writing and a simple inter-process lock.

Anything a learner writes is saved by writing a temporary file in the same folder, flushing and
fsyncing it, then ``os.replace``-ing it over the old file: a crash at any point leaves either the
old file or the new one, never a half-written one.

The module runs past 400 lines because its lock has to hold in four places that lock differently
(Linux and macOS, Windows, a shared folder without locks, and a browser tab, where two tabs share the
page's files but not their view of them), and the four are kept side by side so that they are read,
and changed, together.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import glob
import os
import re
import socket
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from coplearn.core.environment import BROWSER_DRIVE as _DRIVE
from coplearn.core.environment import in_browser

__all__ = ["atomic_write_text", "atomic_write_bytes", "file_lock", "move_aside", "os_problem", "os_words",
           "output_folder_problem", "PlainOSError", "read_lock", "refuse_to_replace_data", "may_be_full", "passing",
           "when_full", "CLOSE_OTHERS", "SAVING_AT_ONCE"]


#: File problems in plain words, by error number (anything else: the system's own words).
_PLAIN_OS_ERRORS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "your disk quota is full",
    errno.ENOENT: "there is no such file or folder",
    errno.EISDIR: "it is a folder, not a file",
    errno.ENOTDIR: "part of the path is a file, not a folder",
    errno.EROFS: "it is in a folder that cannot be written to (read-only)",
    errno.EACCES: "you do not have permission to use it",
    errno.EPERM: "you do not have permission to use it",
    errno.ENAMETOOLONG: "the name is too long",
    errno.EIO: "the disk could not be read or written (it may be full, failing or unplugged)",
}

#: The same, in the browser edition, where the files are kept in the browser's storage for the course's
#: site, not on a disk the learner can see (walk23 M2: "the disk could not be read or written").
_PLAIN_BROWSER_ERRORS = {
    errno.ENOSPC: "this browser's storage for the course is full",
    errno.EDQUOT: "this browser's storage for the course is full",
    # (a full storage is ENOSPC; an EIO is most often a request the page did not answer in time: check23 3)
    errno.EIO: "this browser's storage for the course could not be read or written just now (the computer may be "
               "busy, or the storage full)",
}


def os_problem(exc: OSError, path: str | os.PathLike[str] | None = None) -> str:
    """A file problem in plain words for a non-programmer, naming the file, without Python's
    ``[Errno N]``: ``"<file>: the disk is full"``. The caller adds what was (not) changed.

    >>> os_problem(OSError(errno.ENOSPC, "No space left on device"), "report.html")
    'report.html: the disk is full'
    >>> os_problem(FileNotFoundError(errno.ENOENT, "No such file or directory", "/x/j.json"))
    '/x/j.json: there is no such file or folder'
    """
    where = path if path is not None else exc.filename
    return f"{where}: {os_words(exc)}" if where is not None else os_words(exc)


class PlainOSError(OSError):
    """A file problem already said in plain words: ``str()`` is the message, without ``[Errno N]``."""

    def __str__(self) -> str:
        return self.strerror or super().__str__()


#: Error numbers that mean "this folder cannot be written to".
NOT_WRITABLE = (errno.EACCES, errno.EPERM, errno.EROFS)

#: Error numbers that mean "the disk (in the browser edition, the browser's storage) is full".
FULL = (errno.ENOSPC, errno.EDQUOT)

#: Error numbers with which a reader carries on without the lock, which it cannot make: a folder it may
#: not write to (NOT_WRITABLE), or storage that is full or failing (walk23 M1: a full browser storage
#: raised EIO from the lock file, and lesson 00 showed a traceback in place of the journal).
CANNOT_LOCK_TO_READ = NOT_WRITABLE + FULL + (errno.EIO,)


def os_words(exc: OSError) -> str:
    """What went wrong with a file, in plain words (``"the disk is full"``), without the file's name."""
    said = _PLAIN_BROWSER_ERRORS.get(exc.errno or 0) if in_browser() else None
    return said or _PLAIN_OS_ERRORS.get(exc.errno or 0) or (exc.strerror or "").lower() or str(exc)


def may_be_full(exc: OSError) -> bool:
    """Whether ``exc`` says that the disk (in the browser edition, the browser's storage) is full, so that
    :func:`when_full` is worth saying. Only :data:`FULL`: in the browser edition a full storage reaches
    Python as ENOSPC, and an EIO there is a request the page did not answer in time or could not
    carry out, which freeing space or another browser does not mend (check23 3).

    >>> may_be_full(OSError(errno.ENOSPC, "No space left on device")), may_be_full(OSError(errno.EIO, "I/O error"))
    (True, False)
    """
    return exc.errno in FULL


def passing(exc: OSError) -> bool:
    """Whether ``exc`` may pass, so that "try again in a moment" is fitting advice: storage failing just now
    (EIO) or full (:data:`FULL`, once space is freed), or a lock held too long (``TimeoutError``). A folder
    where a file should be, a file without permission, a name too long do not mend by waiting (check23 4).

    >>> passing(OSError(errno.EIO, "I/O error")), passing(OSError(errno.EISDIR, "Is a directory"))
    (True, False)
    """
    return isinstance(exc, TimeoutError) or exc.errno in FULL + (errno.EIO,)


#: What a lock held too long means, in words for the lesson page (the lock file's owner and age are for the
#: console: check23 10), and what to do about it.
SAVING_AT_ONCE = "another open copy of the course was saving at the same time"
CLOSE_OTHERS = "close other tabs or windows of the course"


def when_full() -> str:
    """What a learner can do when a file cannot be saved because the disk, or in the browser edition
    the browser's storage for the course, is full (for an error in :data:`FULL`; walk23 M2).

    >>> when_full()
    'Free some space on the disk (or ask your IT support to), and try again.'
    """
    if in_browser():
        return ("To go on: free some space on this computer (or ask your IT support to), or use the course in "
                "another browser or on another computer.")
    return "Free some space on the disk (or ask your IT support to), and try again."


#: A hidden temporary file left by a save that was killed part-way is removed on a later save of
#: the same file once it is this old (a save in progress takes well under a second).
STALE_TEMP_AFTER = 300.0


def _remove_stale_temps(target: Path, keep: str) -> None:
    """Remove ``.<name>.*.tmp`` files beside ``target`` left by killed saves (older than STALE_TEMP_AFTER).

    Their age is measured against the file just saved, by the same file system's clock, not this
    computer's: a network home folder whose server's clock differs by minutes must not make a save
    in progress elsewhere look stale (review 11)."""
    try:
        cutoff = target.stat().st_mtime - STALE_TEMP_AFTER
    except OSError:
        return
    with contextlib.suppress(OSError):
        for old in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
            if old.name == keep:
                continue
            with contextlib.suppress(OSError):
                if old.stat().st_mtime < cutoff:
                    old.unlink()


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically (temp file, fsync, ``os.replace``)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:  # (names the temporary file it could not make; the file being saved is what matters)
        if exc.errno is None:
            raise
        raise OSError(exc.errno, exc.strerror or str(exc), str(target)) from exc
    try:
        # mkstemp makes the file private (0600); give it the mode an ordinary save would have:
        # the existing file's mode, or the default for new files under the user's umask.
        try:
            mode = target.stat().st_mode & 0o777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        with contextlib.suppress(OSError):
            os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if exc.filename in (None, tmp) and exc.errno is not None:  # name the file being saved, not our temporary one
            raise OSError(exc.errno, exc.strerror or str(exc), str(target)) from exc
        raise
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _remove_stale_temps(target, Path(tmp).name)
    with contextlib.suppress(OSError):  # make the rename itself durable where the OS allows it
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Replace ``path`` with UTF-8 ``text`` atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


def output_folder_problem(path: str | os.PathLike[str]) -> str | None:
    """Why a report or export cannot go to ``path`` because of its folder, or None. The folder must
    already exist (a mistyped folder is named, rather than created with the file inside it); the
    command line and the lessons follow this one rule.

    >>> output_folder_problem("no-such-folder/report.html")
    "the folder 'no-such-folder' does not exist; check its name, or create it first"
    """
    folder = Path(path).expanduser().parent
    if not folder.exists():
        return f"the folder {str(folder)!r} does not exist; check its name, or create it first"
    if not folder.is_dir():
        return f"{str(folder)!r} is a file, not a folder"
    return None


def refuse_to_replace_data(path: str | os.PathLike[str], what: str = "the export", endings: tuple[str, ...] = (),
                           *, force: bool = False) -> bool:
    """Refuse to write ``what`` over a file that is not an earlier export or report; return whether ``path`` is an
    existing file that will be replaced (an earlier one, or, with ``force``, whatever is there).

    Raises ``ValueError`` if ``path`` is one of coplearn's own data files (a journal, saved answers, progress): an
    export written over it would destroy what it holds (even with ``force``). Raises
    :class:`~coplearn.core.outputs.NotOurFile` (a ``ValueError``), unless ``force``, if ``path`` is an existing file
    that coplearn did not write (a Word document, a web page or notes of the learner's own with the same ending:
    walk28 H1), or, given the chosen format's ``endings``, one with another ending (a survey's CSV, the gradebook, a
    Word document: red team 26b F1, check26 M2, L5). coplearn's own exports and reports are known by what they hold
    (:mod:`coplearn.core.outputs`), whatever their name.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "journal.json"
    >>> _ = p.write_text('{"format": "coplearn-journal", "entries": []}')
    >>> refuse_to_replace_data(p)
    Traceback (most recent call last):
    ...
    ValueError: ... is one of the course's own data files (coplearn-journal); writing the export there would replace it. Choose another file name, e.g. ....md
    >>> mine = p.with_name("notes.md"); _ = mine.write_text("# Notes of my own")
    >>> refuse_to_replace_data(mine, "the export", (".md",))
    Traceback (most recent call last):
    ...
    coplearn.core.outputs.NotOurFile: ...notes.md already exists and was not made by coplearn (it may be a document of your own), so the export was not written and notes.md is unchanged. Choose another file name, for example notes-2.md.
    """
    target = Path(path).expanduser()
    try:
        if not target.is_file():
            return False
        with open(target, "rb") as fh:
            head = fh.read(4096).decode("utf-8", errors="replace")
    except OSError:
        return False
    found = re.search(r'"format"\s*:\s*"(coplearn-[a-z-]+)"', head)
    if found:
        raise ValueError(f"{target} is one of the course's own data files ({found.group(1)}); writing {what} there "
                         f"would replace it. Choose another file name, e.g. {target.with_suffix(endings[0] if endings else '.md')}")
    from coplearn.core.outputs import NotOurFile, free_name, written_by_coplearn

    # (before --force, which replaces only a file with the format's own ending: a survey's CSV stays refused,
    # rev28b M4, as red team 26b F1 had it)
    if endings and target.suffix and target.suffix.lower() not in endings:  # (a name without an ending: by content)
        instead = target.with_suffix(endings[0])
        raise NotOurFile(target, what, f"already exists and is not {what} (its name ends in {target.suffix}, not "
                                       f"{' or '.join(endings[:2])}): writing {what} there would replace what it holds",
                         free_name(instead) if instead.exists() else instead, forceable=False)
    if force:
        return True
    if not written_by_coplearn(target):
        raise NotOurFile(target, what, "already exists and was not made by {maker} (it may be a document of "
                                       "your own)", free_name(target))
    return True


def move_aside(path: str | os.PathLike[str], reason: str = "unreadable") -> Path:
    """Rename ``path`` to a free ``<name>.<reason>-<timestamp>`` beside it and return the new path."""
    source = Path(path)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    n = 0
    while True:
        suffix = f".{reason}-{stamp}" + (f"-{n}" if n else "")
        dest = source.with_name(source.name + suffix)
        if not dest.exists():
            os.replace(source, dest)
            return dest
        n += 1


#: How the lock is taken here: "fcntl" (Linux, macOS), "msvcrt" (Windows) or "lockfile" (anywhere
#: else, e.g. Python in a browser). Chosen once, on first use; tests may set it.
LOCK_METHOD: str | None = None


def _lock_method() -> str:
    global LOCK_METHOD
    if LOCK_METHOD is None:
        for name, needs in (("fcntl", "flock"), ("msvcrt", "locking")):
            try:
                module = __import__(name)
            except ImportError:
                continue
            if hasattr(module, needs):  # Pyodide (Python in a browser) has an fcntl without flock
                LOCK_METHOD = name
                break
        else:
            LOCK_METHOD = "lockfile"
    return LOCK_METHOD


def _timeout(path: object, timeout: float, seen: str = "") -> TimeoutError:
    detail = f" ({seen})" if seen else ""
    return TimeoutError(f"could not lock {path} within {timeout:g} s{detail}; is another program holding it? "
                        f"Close other copies of the course and try again.")


@contextlib.contextmanager
def file_lock(path: str | os.PathLike[str], timeout: float = 30.0) -> Iterator[None]:
    """Hold an exclusive lock on ``<path>.lock`` while the block runs (across processes).

    Works on Linux and macOS (``fcntl.flock``), on Windows (``msvcrt.locking``) and, where neither
    exists, with a lock file created exclusively that names its owner (a lock left by a process that
    has died is taken over). The operating system's locks are released when a process dies, so a
    crash never leaves the journal locked.
    """
    lock_path = Path(str(path) + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    method = _lock_method()
    deadline = time.monotonic() + timeout
    if method == "lockfile":
        with _exclusive_file_lock(lock_path, path, timeout, deadline):
            yield
        return
    with open(lock_path, "a+b") as fh:
        if method == "fcntl":
            import fcntl

            def acquire() -> bool:
                try:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return True
                except BlockingIOError:
                    return False
                except OSError as exc:  # a file system without locks (some network shares, a browser)
                    if exc.errno in (errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOLCK):
                        return True
                    raise

            def release() -> None:
                with contextlib.suppress(OSError):
                    fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        else:
            import msvcrt

            # msvcrt.locking locks bytes from the current position: always lock byte 0 (a lock may
            # lie beyond the end of the file, so the empty lock file is fine).
            def acquire() -> bool:
                fh.seek(0)
                try:
                    msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
                    return True
                except OSError:
                    return False

            def release() -> None:
                fh.seek(0)
                with contextlib.suppress(OSError):
                    msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)

        while not acquire():
            if time.monotonic() > deadline:
                raise _timeout(path, timeout) from None
            time.sleep(0.01)
        try:
            yield
        finally:
            release()


@contextlib.contextmanager
def read_lock(path: str | os.PathLike[str], timeout: float = 30.0) -> Iterator[None]:
    """:func:`file_lock` for a reader. In a folder this user may read but not write (a copy on a
    read-only share, a CD, a USB stick) the lock file cannot be made, and reading needs no lock
    from a writer that cannot be there: the block runs without one. So too when the lock file cannot
    be made because the disk, or the browser's storage, is full or failing (walk23 M1): a writer
    saves by replacing the whole file, so the reader still reads a whole file, and what it can
    read is shown rather than an error."""
    lock = contextlib.ExitStack()
    try:
        lock.enter_context(file_lock(path, timeout))
    except OSError as exc:
        if isinstance(exc, TimeoutError) or exc.errno not in CANNOT_LOCK_TO_READ:
            raise
    with lock:
        yield


#: A lock file older than this whose owner cannot be checked is taken to be left by a crash
#: (the journal holds its lock for milliseconds).
STALE_AFTER = 10.0


@functools.cache
def _token() -> str:
    """Names this process in lock files it creates (a browser tab's Python always has the same pid).

    Made on first use, not at import: the browser edition starts every tab's Python from one saved
    memory image taken after import (coplearn/site/snapshot.py), so a value made at import would be
    the same in every tab, and a lock left by a closed tab would look like this tab's own."""
    return os.urandom(6).hex()


def _owner_alive(text: str) -> bool | None:
    """Whether the process named in a lock file (``host pid token``) is running; None if we cannot tell."""
    try:
        host, pid_text, token = text.split()
        pid = int(pid_text)
    except ValueError:
        # Empty or garbled: being written right now (the caller waits while the file is young), or
        # left by a process that stopped between creating it and writing its name (a closed tab).
        return None
    if token == _token():
        return True
    if in_browser():
        return None  # Python in a browser tab: other tabs' processes cannot be checked
    if host != socket.gethostname():
        return True  # another machine's process: we cannot tell, so wait for it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except (OSError, AttributeError, ValueError):
        return None
    return True


@contextlib.contextmanager
def _exclusive_file_lock(lock_path: Path, path: object, timeout: float, deadline: float) -> Iterator[None]:
    me = f"{socket.gethostname()} {os.getpid()} {_token()}".encode()
    seen = ""  # what the last look at someone else's lock file found, for the timeout's message
    while True:
        try:
            fd = os.open(lock_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            try:
                owner = lock_path.read_text(encoding="utf-8", errors="replace")
                age = time.time() - lock_path.stat().st_mtime
            except FileNotFoundError:
                age = None  # gone since we looked (or this file system still lists it)
                _forget_cached(lock_path)
            if age is None:
                seen = "the lock file was listed but could not be read"
            else:
                alive = _owner_alive(owner) if age > 0.5 else True
                seen = f"the lock file names {owner[:80]!r}, last changed {age:.1f} s ago"
                if alive is False or (alive is None and age > STALE_AFTER):
                    _take_over(lock_path, owner)
                    continue
            if time.monotonic() > deadline:
                raise _timeout(path, timeout, seen) from None
            time.sleep(0.01)
            continue
        try:
            try:
                os.write(fd, me)
            finally:
                os.close(fd)
        except OSError:  # (storage full: a lock file left empty would keep every save waiting; walk23 M1)
            with contextlib.suppress(OSError):
                os.unlink(lock_path)
            raise
        if in_browser() and not _still_ours(lock_path, me):
            continue  # another tab made the lock file at the same moment, and wrote its name last: its lock
        break
    try:
        yield
    finally:
        if not in_browser() or _still_ours(lock_path, me, settle=0.0):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(lock_path)


#: Where the browser edition's files are, those the page keeps (JupyterLite's drive).
BROWSER_DRIVE = _DRIVE

#: How long a browser tab waits, once it has made the lock file, before reading it back (see :func:`_still_ours`).
BROWSER_SETTLE = 0.1  # (its requests take milliseconds each; every save and read in a tab waits this long once)


def _still_ours(lock_path: Path, me: bytes, settle: float = BROWSER_SETTLE) -> bool:
    """In a browser tab: whether the lock file still names this tab, ``settle`` seconds after it was made.

    There, making a file "only if it is not there" is two requests to the page (is it there? make
    it), so two tabs that ask at the same moment can both make the lock file, and the one that
    writes its name last holds it (check 17). Each tab reads the file back after a moment; the
    other goes back to waiting. (Elsewhere the operating system makes the file for one process only.)"""
    if settle:
        time.sleep(settle)
    try:
        return lock_path.read_bytes() == me
    except OSError:
        return False


def _forget_cached(path: Path) -> None:
    """In a browser tab, make this tab's Python ask again whether ``path`` (under ``/drive``) exists.

    The browser edition's files (under ``/drive``) are kept by the page and shared by every tab of the site, but each
    tab's Python remembers the names it has seen. A lock file that another tab has removed since this
    one saw it is still "there" for this tab (creating it says it exists; reading it says it does
    not), so without this the tab would wait for a lock that nobody holds. Elsewhere: nothing to do."""
    where = os.path.abspath(path)
    if not in_browser() or not where.startswith(BROWSER_DRIVE):
        return  # (only the files the page keeps: in Pyodide's own memory the remembered name is the file)
    try:
        from pyodide_js import FS  # type: ignore[import-not-found]  # Pyodide's own file system

        FS.destroyNode(FS.lookupPath(where).node)
    except Exception:  # not remembered, or already gone: nothing to forget
        pass


def _take_over(lock_path: Path, dead_owner: str) -> None:
    """Remove a lock file left by ``dead_owner``; if another waiter replaced it meanwhile, put it back."""
    moved = lock_path.with_name(f"{lock_path.name}.stale-{os.getpid()}")
    try:
        os.replace(lock_path, moved)
    except FileNotFoundError:
        return
    try:
        if moved.read_text(encoding="utf-8", errors="replace") != dead_owner:
            # A live lock taken since we looked: restore it unless someone holds a newer one.
            with contextlib.suppress(FileExistsError, OSError):
                os.link(moved, lock_path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(moved)
