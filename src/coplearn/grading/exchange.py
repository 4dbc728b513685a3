"""Collecting submissions without following links.

nbgrader's ``collect`` copies each submission out of the exchange with :func:`shutil.copytree`,
which follows symbolic links. The exchange's inbound folder is writable by every student, so a
student could place there, beside or instead of a real submission, a link to a file the tutor can
read (the solutions notebook, the gradebook, a key in the tutor's home). ``collect`` runs with
the tutor's rights, so it would copy that file's content into ``submitted/`` as if the student had
written it: the solutions notebook would then be graded, and shown back in feedback.

:class:`SafeCollect` is nbgrader's own collect step with these changes:

- A link is never followed. A submission folder that is itself a link is not collected; a link
  inside one, a named pipe or any other special file is left out. Each is named in the log.
- One student's odd submission never stops the others being collected: a folder in the exchange
  whose name nbgrader cannot read, or whose student id nbgrader would read as a pattern
  (``g-*``), is skipped with a log line; a submission that fails to copy (too big, unreadable) is
  named and left out (no half copy stays in ``submitted/``), and the command then ends with an
  error naming who was not collected.

- With ``c.SafeCollect.require_owner = True`` (the course's hub sets it for tutors, where each
  person has their own unix account), a submission is collected only if its folder and files
  belong to the account of the student it is filed under: nbgrader's exchange accepts a
  submission made in another student's name (``nbgrader submit --student=NAME``), and its own
  ``check_owner`` only warns. By default (``"auto"``) the same check applies to every submission
  filed under a student who has an account on the machine (a shared Linux machine), and not to
  ids that are no account's name (one account for everyone, where ownership proves nothing).

Everything else (timestamps, --update, size limits) is nbgrader's. ``nbgrader_config.py`` selects
it with ``c.ExchangeFactory.collect``.

The course's folder in the exchange (``EXCHANGE/COURSE`` and its ``inbound``, ``outbound`` and
``feedback``) is made by the tutor's first release, unless a student made it first: the exchange is
writable by everyone and the course id is public. A student who owns those folders could read and
rename classmates' submissions, read everyone's feedback, replace a released assignment, or plant a
link that a feedback release writes through (red team 13 F1); nbgrader checks the owner only without
``groupshared``. So :class:`SafeReleaseAssignment`, :class:`SafeCollect` and
:class:`SafeReleaseFeedback` first check those folders (:func:`exchange_problems`): each must be a
real folder owned by the tutor (with ``groupshared``, or by a member of a group the tutor is in), and
none but ``inbound`` writable by everyone; otherwise the command stops and says what to do.
``deploy/jupyterhub/make-exchange.sh`` makes the folders, owned by a tutor, when the exchange is made.

It also checks the submission time. ``timestamp.txt``, which the late penalty reads, is written by
the student's own ``nbgrader submit`` and can be edited afterwards to claim an earlier time. The
exchange's file system keeps its own record: the time each file was last changed (``ctime``),
which a student cannot set. When the claimed time is earlier than the latest change in the
submission by more than :attr:`SafeCollect.clock_tolerance` seconds, or later than it by as much
(a time in the future), the collected copy's ``timestamp.txt`` gets the exchange's time instead,
and the tutor is told. (If the exchange is
ever restored from a backup, every file's change time becomes the restore time: switch this off
with ``c.SafeCollect.trust_exchange_clock = False`` before collecting from a restored exchange.)
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import os
import shutil
import stat
from typing import Any

from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.exchange.default.release_assignment import ExchangeReleaseAssignment
from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback
from nbgrader.utils import ignore_patterns, parse_utc
from traitlets import Bool, Enum, Integer, Union

from coplearn.grading.gradebook import log_safe
from coplearn.grading.submission import (MAX_TIMESTAMP_CHARS, note_collected, odd_entries, time_from_text,
                                         time_text, unsafe_student_id)

__all__ = ["SafeCollect", "SafeReleaseAssignment", "SafeReleaseFeedback", "copy_tree_no_follow", "exchange_problems",
           "open_homes", "reachable_by_others", "say_open_homes",
           "bulk_window", "exchange_time", "forged", "links_in"]

#: The course's folders in the exchange, and whether everyone may write into each (only ``inbound``,
#: where students submit; nobody may list it or ``feedback``).
_COURSE_FOLDERS = (("", False), ("inbound", True), ("outbound", False), ("feedback", False))


def _in_group(uid: int, gid: int) -> bool:
    import grp
    import pwd

    try:
        account = pwd.getpwuid(uid)
    except KeyError:
        return False
    if account.pw_gid == gid:
        return True
    try:
        return account.pw_name in grp.getgrgid(gid).gr_mem
    except KeyError:
        return False


def exchange_problems(root: str, course_id: str, groupshared: bool = False) -> list[str]:
    """What makes the course's folders in the exchange unsafe for the tutor running this to use:
    a folder that is a link or a file, belongs to someone else (with ``groupshared``: to someone
    outside the tutor's groups), or that everyone may change or list where they should not. Folders
    that do not exist yet are fine (nbgrader makes them, owned by the tutor).

    >>> import tempfile; root = tempfile.mkdtemp()
    >>> exchange_problems(root, "coplearn")
    []
    >>> os.makedirs(os.path.join(root, "coplearn", "feedback")); os.chmod(os.path.join(root, "coplearn", "feedback"), 0o777)
    >>> exchange_problems(root, "coplearn")  # doctest: +ELLIPSIS
    ['.../coplearn/feedback can be changed by anyone (mode 0777)', '.../coplearn/feedback can be listed by anyone (mode 0777)']
    """
    me = os.geteuid()
    mine = set(os.getgroups()) | {os.getegid()}
    problems: list[str] = []
    for part, anyone_writes in _COURSE_FOLDERS:
        path = os.path.join(root, course_id, part) if part else os.path.join(root, course_id)
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            continue
        except OSError as exc:
            problems.append(f"{path} cannot be checked ({exc.strerror})")
            continue
        if not stat.S_ISDIR(st.st_mode):
            problems.append(f"{path} is not a folder (a link or a file)")
            continue
        mode = f"mode {stat.S_IMODE(st.st_mode):04o}"
        if st.st_uid != me and not (groupshared and st.st_gid in mine and _in_group(st.st_uid, st.st_gid)):
            problems.append(f"{path} belongs to {_owner(path)}, not to you" + (" or your group" if groupshared else ""))
        if st.st_mode & stat.S_IWOTH and not anyone_writes:
            problems.append(f"{path} can be changed by anyone ({mode})")
        if st.st_mode & stat.S_IROTH and part in ("inbound", "feedback"):
            problems.append(f"{path} can be listed by anyone ({mode})")
    return problems


class _CheckedExchange:
    """Stops an exchange command whose course folders are not safe to use (:func:`exchange_problems`)."""

    def check_course_folders(self) -> None:
        problems = exchange_problems(self.root, self.coursedir.course_id, self.coursedir.groupshared)  # type: ignore[attr-defined]
        if problems:
            course = os.path.join(self.root, self.coursedir.course_id)  # type: ignore[attr-defined]
            self.fail(  # type: ignore[attr-defined]
                "coplearn: the course's folder in the exchange is not safe to use: " + "; ".join(
                    log_safe(p) for p in problems) + ". If the owner named is another tutor, share the course as the "
                "tutor guide's \"Several tutors\" section says. Otherwise a student may have made it before your first "
                "release: ask whoever runs the machine to keep a copy of " + log_safe(course) + " (deleting it removes "
                "submissions not yet collected and released assignments), delete it and make it again with "
                "deploy/jupyterhub/make-exchange.sh, then release again; do not mend it with chown or chmod, which "
                "keeps whatever was left inside. The tutor guide says more (A cohort on one machine, step 3).")


def links_in(folder: str | os.PathLike[str]) -> list[str]:
    """Every symbolic link under ``folder`` (not followed), as paths relative to it, sorted."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            if os.path.islink(full):
                found.append(os.path.relpath(full, folder))
    return sorted(found)


def _has_account(name: str) -> bool:
    """Whether this machine has a unix account called ``name`` (never, where there are no unix accounts)."""
    try:
        import pwd

        pwd.getpwnam(name)
    except (ImportError, KeyError, ValueError, OSError):
        return False
    return True


def _near_account(name: str) -> str | None:
    """An account on this machine whose name differs from ``name`` only in capitals or trailing dots
    or spaces (``RT13ANN`` or ``rt13ann.`` for ``rt13ann``), or ``None``."""
    want = name.casefold().rstrip(". ")
    try:
        import pwd

        accounts = pwd.getpwall()
    except (ImportError, OSError):
        return None
    return next((a.pw_name for a in accounts if a.pw_name != name and a.pw_name.casefold().rstrip(". ") == want), None)


def _owner(path: str) -> str:
    import pwd

    try:
        uid = os.lstat(path).st_uid
    except OSError:
        return "(cannot be read)"
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def _home_of(name: str) -> str | None:
    """The home folder of the unix account ``name`` on this machine, or ``None``."""
    try:
        import pwd

        return pwd.getpwnam(name).pw_dir or None
    except (ImportError, KeyError, ValueError, OSError):
        return None


def reachable_by_others(path: str | os.PathLike[str]) -> bool:
    """Whether accounts other than the owner (and its group) can open files under ``path``: every
    folder from ``/`` down to it lets others through (``o+x``). Files are made readable by all under
    the usual umask, so a student's work in such a home can be read by anyone who knows its path,
    which nbgrader's layout makes easy to guess (red team 14 F2).

    >>> import tempfile; home = tempfile.mkdtemp(); os.chmod(home, 0o755)
    >>> reachable_by_others(home) == all(os.stat(p).st_mode & 0o001 for p in ("/", os.path.dirname(home)))
    True
    >>> os.chmod(home, 0o700); reachable_by_others(home)
    False
    """
    here = os.path.abspath(os.fspath(path))
    while True:
        if not os.stat(here).st_mode & stat.S_IXOTH:
            return False
        parent = os.path.dirname(here)
        if parent == here:
            return True
        here = parent


def open_homes(names: Any, course_root: str | os.PathLike[str] | None = None,
               home_of: Any = None) -> list[str]:
    """On a machine where the students have accounts (some of ``names`` have a home folder here),
    what other accounts can open: students' home folders, and the course folder (it holds the
    gradebook and everyone's work), each as a short phrase for the tutor. Empty where no student
    has an account here (one account for everyone, or a machine of the tutor's own).

    >>> import tempfile; base = tempfile.mkdtemp(); os.chmod(base, 0o711)
    >>> homes = {"ann": os.path.join(base, "ann"), "bo": os.path.join(base, "bo")}
    >>> for name, mode in (("ann", 0o755), ("bo", 0o700)): os.mkdir(homes[name]); os.chmod(homes[name], mode)
    >>> found = open_homes(["bo", "ann", "no-account"], home_of=homes.get)
    >>> found == ([f"ann's home folder {homes['ann']} (mode 0755)"] if reachable_by_others(base) else [])
    True
    >>> open_homes(["no-account"], course_root=base, home_of=homes.get)
    []
    """
    home_of = home_of or _home_of
    accounts = sorted({n: h for n in set(names) if (h := home_of(n)) and os.path.isdir(h)}.items())
    if not accounts:
        return []
    found = []
    for name, home in accounts:
        with contextlib.suppress(OSError):
            if reachable_by_others(home):
                found.append(f"{name}'s home folder {home} (mode {stat.S_IMODE(os.stat(home).st_mode):04o})")
    if course_root is not None:
        with contextlib.suppress(OSError):
            if reachable_by_others(course_root):
                found.append(f"your course folder {os.path.abspath(course_root)} (mode "
                             f"{stat.S_IMODE(os.stat(course_root).st_mode):04o}), which holds the gradebook and "
                             "everyone's work")
    return found


def say_open_homes(log: Any, names: Any, course_root: str | os.PathLike[str] | None) -> None:
    """One warning line for :func:`open_homes`, if it finds anything (a check, never a failure)."""
    try:
        found = open_homes(names, course_root)
    except Exception:  # noqa: BLE001 - advice only
        return
    if found:
        shown = "; ".join(log_safe(f, 400) for f in found[:12]) + (f"; and {len(found) - 12} more" if len(found) > 12 else "")
        log.warning("coplearn: on this machine other accounts can open files in %s. A classmate could read a "
                    "student's work before the deadline and their feedback after it is released. Make each private "
                    "(sudo chmod 700 on the folder, or on the home folder holding it, or ask the machine's administrator), "
                    "as the tutor guide's \"A cohort on one machine\" says.", shown)


def forged(path: str, name: str) -> list[str]:
    """Entries under ``path`` (itself included, links not followed) not owned by the account ``name``."""
    bad = [path] if _owner(path) != name else []

    def unreadable(exc: OSError) -> None:  # a folder nobody but its owner may list: cannot be checked
        bad.append(exc.filename or path)

    for folder, dirs, files in os.walk(path, followlinks=False, onerror=unreadable):
        for entry in dirs + files:
            full = os.path.join(folder, entry)
            if _owner(full) != name:
                bad.append(full)
    return bad


_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
#: What opening an entry that was listed a moment before fails with when it has become a link or gone.
_SWAPPED = {errno.ELOOP, errno.ENOENT, errno.ENOTDIR, getattr(errno, "EMLINK", errno.ELOOP)}


def copy_tree_no_follow(src: str, dest: str, ignore: Any = None, *, limit: int | None = None) -> int:
    """Copy the folder ``src`` to ``dest`` (which must not exist): plain files and folders only,
    never through a link, even one swapped in while the copy runs. Every folder and file is opened
    relative to its already-open parent, with ``O_NOFOLLOW``, and checked with ``fstat`` once open,
    so what is copied is what was checked (a student owns their folder in the exchange and could
    replace a file with a link between a check by name and a copy by name). ``ignore`` is
    :func:`shutil.copytree`'s (names to leave out, per folder); more than ``limit`` bytes in all
    raises ``RuntimeError``. Returns the bytes copied."""
    flags_dir = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NO_FOLLOW
    top = os.open(src, flags_dir)
    try:
        return _copy_dir_fd(top, src, dest, ignore, limit, [0])
    finally:
        os.close(top)


def _copy_dir_fd(dir_fd: int, shown: str, dest: str, ignore: Any, limit: int | None, total: list[int]) -> int:
    if not stat.S_ISDIR(os.fstat(dir_fd).st_mode):
        raise RuntimeError(f"{shown} is not a folder")
    os.makedirs(dest)
    names = sorted(os.listdir(dir_fd))
    skipped = set(ignore(shown, names)) if ignore is not None else set()
    for name in names:
        if name in skipped:
            continue
        try:
            mode = os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode
        except FileNotFoundError:
            continue
        if stat.S_ISDIR(mode):
            try:
                sub = os.open(name, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NO_FOLLOW | getattr(os, "O_NONBLOCK", 0),
                              dir_fd=dir_fd)
            except OSError as exc:
                if exc.errno in _SWAPPED:
                    continue  # swapped for a link (or removed) since it was listed: left out
                raise
            try:
                _copy_dir_fd(sub, os.path.join(shown, name), os.path.join(dest, name), ignore, limit, total)
            finally:
                os.close(sub)
        elif stat.S_ISREG(mode):
            try:
                fd = os.open(name, os.O_RDONLY | _NO_FOLLOW | getattr(os, "O_NONBLOCK", 0), dir_fd=dir_fd)
            except OSError as exc:
                if exc.errno in _SWAPPED:
                    continue  # swapped for a link (or removed) since it was listed: left out
                raise  # (unreadable: this submission is not collected, and the log says so)
            try:
                opened = os.fstat(fd)
                if not stat.S_ISREG(opened.st_mode):
                    continue
                if opened.st_nlink > 1:  # a hard link: the same file as one elsewhere, perhaps not the student's
                    raise RuntimeError(f"{os.path.join(shown, name)} has more than one name on disk (a hard link: its "
                                       "other name may be in this folder or elsewhere, and the file perhaps not the "
                                       "student's); the student can submit again without it")
                with open(os.path.join(dest, name), "xb") as out:
                    while True:
                        block = os.read(fd, 1 << 20)
                        if not block:
                            break
                        total[0] += len(block)
                        if limit is not None and total[0] > limit:
                            raise RuntimeError(f"its folder holds more than the course's limit of {limit:,} bytes")
                        out.write(block)
            finally:
                os.close(fd)
    return total[0]


def bulk_window(seen: list[tuple[float, bool, int]]) -> tuple[tuple[float, float], int, int] | None:
    """Of the submissions being collected, as (last change time, claims an earlier time, owner's
    uid): the two minutes in which nearly all of them were last changed, most claiming earlier times
    (three or more, and at least 80%), with how many that is and of how many; or None.

    Where the submissions have more than one owner (a shared machine, a hub), each owner counts once,
    with their latest submission: one student who files submissions under made-up ids (all theirs)
    cannot make up such a window (red team 14 F3: 12 made-up ids beside 3 classmates had their own
    backdated time kept). Where every submission has the same owner (one account for everyone, as
    on the Kubernetes set-up), owners say nothing and each submission counts.

    >>> honest = [(100.0 + i, True, 1000 + i) for i in range(4)]
    >>> bulk_window(honest)
    ((100.0, 103.0), 4, 4)
    >>> bulk_window([(0.0, False, 1000), (1.0, False, 1001), (2.0, False, 1002)]
    ...             + [(900.0 + i, True, 1003) for i in range(13)]) is None
    True
    >>> bulk_window([(100.0 + i, True, 0) for i in range(5)])[1:]
    (5, 5)
    """
    if len({owner for _, _, owner in seen}) > 1:
        latest: dict[int, tuple[float, bool, int]] = {}
        for entry in seen:
            if entry[2] not in latest or entry[0] > latest[entry[2]][0]:
                latest[entry[2]] = entry
        seen = list(latest.values())
    if len(seen) < 3:
        return None
    seen = sorted(seen)
    best: tuple[int, int] = (0, 0)
    start = 0
    for end in range(len(seen)):
        while seen[end][0] - seen[start][0] > 120:
            start += 1
        if end - start > best[1] - best[0]:
            best = (start, end)
    group = seen[best[0]: best[1] + 1]
    if len(group) < 3 or len(group) < 0.8 * len(seen) or sum(e for _, e, _ in group) < 0.8 * len(group):
        return None
    return (group[0][0], group[-1][0]), len(group), len(seen)


def exchange_time(folder: str | os.PathLike[str]) -> _dt.datetime:
    """The latest change time (``ctime``, set by the file system, not by the user) of ``folder`` and
    every file in it, links not followed, as a UTC datetime."""
    latest = os.lstat(folder).st_ctime
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        for name in dirnames + filenames:
            latest = max(latest, os.lstat(os.path.join(dirpath, name)).st_ctime)
    return _dt.datetime.fromtimestamp(latest, tz=_dt.timezone.utc)


class SafeReleaseAssignment(_CheckedExchange, ExchangeReleaseAssignment):
    """nbgrader's release_assignment, into course folders in the exchange that are the tutor's."""

    def init_dest(self) -> None:
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.check_course_folders()
        super().init_dest()


class SafeCollect(_CheckedExchange, ExchangeCollect):
    """nbgrader's collect, copying a submission without ever following a symbolic link, and
    keeping the exchange's own record of when it was submitted."""

    trust_exchange_clock = Bool(True, help=(
        "Use the exchange's file change times when a submission claims an earlier time than its files "
        "were written. Switch off only to collect from an exchange restored from a backup.")).tag(config=True)
    _wrote: str | None = None  # the submitted folder the current do_copy wrote
    require_owner = Union([Bool(), Enum(["auto"])], default_value="auto", help=(
        "Collect a submission only if its folder and every file in it belong to the unix account of the "
        "student it is filed under (True: one account per person, as on the course's hub). False where "
        "accounts are shared: there ownership proves nothing. 'auto' (the default) checks a submission "
        "filed under a student who has an account on this machine, and accepts one filed under an id that "
        "is no account's (one shared account, or ids that are not login names).")).tag(config=True)
    clock_tolerance = Integer(600, help=(
        "Seconds a submission's claimed time may precede the last change to its files (clock skew, a "
        "slow copy) before the exchange's time is used instead.")).tag(config=True)

    # ---- choosing what to collect: one odd folder in inbound never stops the others -------------

    def _parse_record(self, path: str) -> dict[str, Any] | None:
        """nbgrader's record of an inbound folder (student, file name, time), or ``None`` (with a
        log line) for a name nbgrader could not read or a student id it would read as a pattern."""
        name = os.path.basename(path)
        parts = name.rsplit("+", 3)
        if len(parts) < 3:
            self.log.error("coplearn: %s in the exchange is not named STUDENT+ASSIGNMENT+TIME: not collected.",
                           log_safe(name))
            return None
        try:
            timestamp = parse_utc(parts[2])
        except (ValueError, OverflowError, TypeError):
            self.log.error("coplearn: %s in the exchange has no readable submission time: not collected.", log_safe(name))
            return None
        why = unsafe_student_id(parts[0])
        if why:
            self.log.error("coplearn: %s in the exchange: not collected, as its student id cannot be used: %s.",
                           log_safe(name), why)
            return None
        return {"username": parts[0], "filename": name, "timestamp": timestamp}

    def accept(self, path: str, record: dict[str, Any]) -> bool:
        """Whether to consider this inbound folder at all: with :attr:`require_owner`, only if
        the folder and everything in it were made by the account of the student it is filed under."""
        if not self.require_owner:
            return True
        if self.require_owner == "auto" and not _has_account(record["username"]):
            # no account of that name: ownership proves nothing here. On a shared machine with one
            # account per student, a submission in a classmate's name is refused (red team 12 F7: the
            # course's own settings left the check off, and the forgery replaced the real work), and so
            # is one filed under a near miss of a classmate's name, made by someone else (red team 13 F5:
            # "RT13ANN" or "rt13ann." was collected as a new student, and a grade import that ignores
            # capitals could put its mark on ann)
            near = _near_account(record["username"])
            if near is None:
                return True
            bad = forged(path, near)
            if bad:
                self.log.error(
                    "Not collecting %s: it is filed under %s, which differs from the account %s only in capitals or "
                    "a trailing dot, and %s made by %s. Someone may have submitted in another student's name.",
                    log_safe(record["filename"]), log_safe(record["username"]), log_safe(near),
                    "it was" if bad[0] == path else "part of it was", _owner(bad[0]))
                return False
            self.log.warning("coplearn: %s is filed under %s, not under the account %s that made it: it is collected "
                             "as a student of its own.", log_safe(record["filename"]), log_safe(record["username"]),
                             log_safe(near))
            return True
        bad = forged(path, record["username"])
        if bad:
            self.log.error(
                "Not collecting %s: it is filed under %s but %s made by %s. Someone may have submitted in another "
                "student's name; the real submission (if any) is collected instead.", log_safe(record["filename"]),
                log_safe(record["username"]), "it was" if bad[0] == path else "part of it was", _owner(bad[0]))
            return False
        return True

    def init_src(self) -> None:
        import glob

        from nbgrader.api import Gradebook, MissingEntry
        from nbgrader.utils import check_mode

        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.check_course_folders()
        self.course_path = os.path.join(self.root, self.coursedir.course_id)
        self.inbound_path = os.path.join(self.course_path, "inbound")
        if not os.path.isdir(self.inbound_path):
            self.fail("Course not found: {}".format(self.inbound_path))
        if not check_mode(self.inbound_path, read=True, execute=True):
            self.fail("You don't have read permissions for the directory: {}".format(self.inbound_path))
        student_id = self.coursedir.student_id if self.coursedir.student_id else "*"
        # (--student is a glob, as nbgrader documents it; each folder's own id is checked below)
        pattern = os.path.join(self.inbound_path, "{}+{}+*".format(student_id, self.coursedir.assignment_id))
        groups: dict[str, list[dict[str, Any]]] = {}
        for path in sorted(glob.glob(pattern)):
            if os.path.islink(path):  # chosen as the newest, a link would stand in for the real submission
                self.log.warning("coplearn: %s in the exchange is a link, not a folder a student submitted; it was NOT "
                                 "collected (a link in the exchange could point at any file you can read).",
                                 log_safe(os.path.basename(path)))
                continue
            try:
                record = self._parse_record(path)
                if record is not None and self.accept(path, record):
                    groups.setdefault(record["username"], []).append(record)
            except Exception as exc:  # noqa: BLE001 - one odd folder never stops the others being collected
                self.log.error("coplearn: %s in the exchange could not be checked (%s): not collected.",
                               log_safe(os.path.basename(path)), log_safe(exc))
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            try:
                self.duedate = gb.find_assignment(self.coursedir.assignment_id).duedate
            except MissingEntry:
                self.duedate = None
        self.src_records = []
        for records in groups.values():
            records = self._sort_by_timestamp(records)
            if self.duedate is not None and self.before_duedate:
                records = [r for r in records if r["timestamp"] <= self.duedate] or records
            self.src_records.append(records[0])
        self._bulk_change = self._find_bulk_change()

    def _claimed_time(self, stamp: str) -> tuple[_dt.datetime | None, str]:
        """The time a ``timestamp.txt`` claims, read as grading reads it, and its text."""
        try:
            with open(stamp, encoding="utf-8") as fh:
                text = fh.read(MAX_TIMESTAMP_CHARS + 1)  # (not the whole file: a student can make it huge)
            # read as grading reads it (zone letters included), not as nbgrader's parse_utc does (review 12)
            claimed = time_from_text(text) if len(text) <= MAX_TIMESTAMP_CHARS else None
        except (OSError, ValueError, OverflowError):
            return None, ""
        if claimed is not None and claimed.tzinfo is None:
            claimed = claimed.replace(tzinfo=_dt.timezone.utc)
        return claimed, text

    def _find_bulk_change(self) -> tuple[float, float] | None:
        """The two minutes in which the files of nearly every submission being collected were last
        changed, long after the times they claim, if there is one: a change made to the whole exchange
        (``chmod -R``, ``chown -R``, a copy or a restore) resets every file's change time, and with it
        the exchange's own record of when each was submitted (red team 13 F3: the whole cohort was
        made late). A student can change only their own files' times, so such a window (three or more
        submissions, and at least 80% of them, most claiming earlier times) is no student's doing."""
        if not self.trust_exchange_clock:
            return None
        seen: list[tuple[float, bool, int]] = []
        for record in self.src_records:
            folder = os.path.join(self.inbound_path, record["filename"])
            try:
                actual = exchange_time(folder)
                owner = os.lstat(folder).st_uid
            except OSError:
                continue
            claimed, _ = self._claimed_time(os.path.join(folder, "timestamp.txt"))
            earlier = claimed is not None and (actual - claimed).total_seconds() > self.clock_tolerance
            seen.append((actual.timestamp(), earlier, owner))
        found = bulk_window(seen)
        if found is None:
            return None
        window, group_size, population = found
        self.log.warning(
            "coplearn: the files of %d of the %d submissions being collected were all last changed in the exchange "
            "between %s and %s UTC, long after the times most of them claim: that looks like a change made to the "
            "whole exchange (chmod, chown, a copy or a restore), which resets the times collect checks, not like %d "
            "students, so the times they claim are kept for those submissions. If nobody changed the exchange then, "
            "check their times by hand.", group_size, population,
            *(time_text(_dt.datetime.fromtimestamp(t, tz=_dt.timezone.utc)) for t in window), group_size)
        return window

    def copy_files(self) -> None:
        """nbgrader's collect, one student at a time: a submission that cannot be collected (too
        big, unreadable, a bad timestamp already in submitted/) is named in the log and left out,
        and the others are still collected. The command then ends with an error naming them."""
        records, failed = list(self.src_records), []
        say_open_homes(self.log, [r["username"] for r in records], self.coursedir.root)
        try:
            for record in records:
                self.src_records = [record]
                dest = self.coursedir.format_path(self.coursedir.submitted_directory, record["username"],
                                                  self.coursedir.assignment_id)
                kept = None
                try:
                    if os.path.isdir(dest) and not os.path.islink(dest):
                        # nbgrader deletes a collected submission before copying a newer one (--update):
                        # keep a copy, to put back if the newer one cannot be collected
                        kept = dest + ".coplearn-kept"
                        shutil.rmtree(kept, ignore_errors=True)
                        shutil.copytree(dest, kept, symlinks=True)
                    self._wrote = None
                    super().copy_files()
                except Exception as exc:  # noqa: BLE001 - one student's submission, never the others'
                    failed.append(record["username"])
                    restored = kept is not None and not os.path.exists(dest)
                    if restored:
                        os.rename(kept, dest)  # type: ignore[arg-type]
                    self.log.error("coplearn: the submission of %s was NOT collected%s: %s", log_safe(record["username"]),
                                   " (the one collected before is kept)" if restored else "", log_safe(exc))
                else:
                    # What this collect wrote, for the warning about a folder's own timestamp: not a folder
                    # nbgrader kept as it was ("Submission already exists", review 12), and a record that
                    # cannot be written costs only that warning, not the collected work.
                    if self._wrote is not None:
                        self._say_if_after_feedback(record["username"])
                        try:
                            said = note_collected(self._wrote)
                            if said:
                                self.log.warning("coplearn: %s.", log_safe(said))
                        except Exception as exc:  # noqa: BLE001 - bookkeeping only
                            self.log.warning("coplearn: the submission of %s was collected, but the course's record "
                                             "of it could not be written (%s); grading will warn that its "
                                             "timestamp.txt is its own.", log_safe(record["username"]), log_safe(exc))
                finally:
                    if kept is not None and os.path.isdir(kept) and not os.path.exists(dest):
                        os.rename(kept, dest)  # (interrupted: the submission collected before stays)
                    if kept is not None:
                        shutil.rmtree(kept, ignore_errors=True)
        finally:
            self.src_records = records
        if failed:
            self.fail("Not collected (see above): " + ", ".join(log_safe(f) for f in failed)
                      + ". Every other submission was collected.")

    def _say_if_after_feedback(self, student: str) -> None:
        """A line when a submission is collected for a student whose feedback on this assignment has
        already been generated: once released, the feedback shows the hidden tests' results, so a
        later submission may have been put right from it (red team 15 F1). Collected as before; the
        tutor decides."""
        import glob

        cd = self.coursedir
        with contextlib.suppress(Exception):
            folder = cd.format_path(cd.feedback_directory, student, cd.assignment_id)
            if glob.glob(os.path.join(glob.escape(folder), "*.html")):
                self.log.warning(
                    "coplearn: %s's %s was collected again, and you have already generated their feedback (%s); once "
                    "released, it shows the computer-marked answers and the hidden tests: check whether this submission "
                    "should count before grading it (the tutor guide's \"Due dates and late work\").", log_safe(student),
                    log_safe(cd.assignment_id), log_safe(os.path.relpath(folder, cd.root)))

    _bulk_change: tuple[float, float] | None = None

    def _check_time(self, src: str, dest: str) -> None:
        stamp = os.path.join(dest, "timestamp.txt")
        claimed, text = self._claimed_time(stamp)
        actual = exchange_time(src)
        bulk = self._bulk_change
        in_bulk = bulk is not None and bulk[0] - 1 <= actual.timestamp() <= bulk[1] + 1
        # A time after the files were last changed in the exchange cannot be when they were handed in: a
        # submission claiming a year of 9999 was kept, and made late by it (red team 22b L2).
        future = claimed is not None and (claimed - actual).total_seconds() > self.clock_tolerance
        if claimed is not None and not future and ((actual - claimed).total_seconds() <= self.clock_tolerance or in_bulk):
            kept = time_text(claimed, "%H:%M:%S.%f UTC")
            if text.strip() != kept:  # kept in UTC, as nbgrader writes it: nothing left to read two ways
                with open(stamp, "w", encoding="utf-8") as fh:
                    fh.write(kept)
            return
        shown = "no readable time" if claimed is None else f"{time_text(claimed)} UTC"
        if not self.trust_exchange_clock and claimed is not None:  # (an unreadable time is no claim to keep)
            self.log.warning("coplearn: %s claims %s, but its files were last changed at %s UTC (kept the "
                             "claimed time: trust_exchange_clock is off).", log_safe(src), shown, time_text(actual))
            return
        self.log.warning("coplearn: %s claims it was submitted at %s, but its files were last changed in the "
                         "exchange at %s UTC; the exchange's time is used for lateness.", log_safe(src), shown,
                         time_text(actual))
        with open(stamp, "w", encoding="utf-8") as fh:
            fh.write(time_text(actual, "%H:%M:%S.%f UTC"))

    def do_copy(self, src: str, dest: str, log: Any = None) -> None:
        if os.path.islink(src):
            raise RuntimeError(f"{log_safe(src)} is a link, not a folder a student submitted (a link in the exchange "
                               "could point at any file you can read)")
        from coplearn.grading.submission import MAX_ENTRIES, too_many_entries

        if too_many_entries(src):  # (before anything walks it whole)
            raise RuntimeError(f"its folder holds more than {MAX_ENTRIES} files and folders (a released assignment "
                               "has a few); the student can remove the extra files and submit again")
        links = links_in(src)
        for rel in links:
            if str(rel).endswith(".ipynb"):  # (the work itself: said as an error, as a notebook missing is)
                self.log.error("coplearn: %s: the notebook %s is a link, not the student's file; it was left out of "
                               "the collected submission, so the student's work for it is missing: ask them to "
                               "submit again (nbgrader submit copies the notebook itself).", log_safe(src), log_safe(rel))
                continue
            self.log.warning("coplearn: %s: %s is a link; it was left out of the collected submission.",
                             log_safe(src), log_safe(rel))
        nbgrader_ignore = ignore_patterns(exclude=self.coursedir.ignore, include=self.coursedir.include,
                                          max_file_size=self.coursedir.max_file_size, log=self.log)

        for rel, what in odd_entries(src):
            if not what.startswith("a link"):
                self.log.warning("coplearn: %s: %s is %s; it was left out of the collected submission.",
                                 log_safe(src), log_safe(rel), what)

        def ignore(directory: str, names: list[str]) -> set[str]:
            skipped = set(nbgrader_ignore(directory, names))
            for n in names:  # links, named pipes, sockets, devices: only plain files and folders are copied
                if not n.isprintable():
                    skipped.add(n)  # (and no name with control characters)
                    continue
                with contextlib.suppress(OSError):
                    mode = os.lstat(os.path.join(directory, n)).st_mode
                    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                        skipped.add(n)
            return skipped

        # The size check counts only plain files (nbgrader's own get_size would follow links).
        size = 0
        for d, _, fs in os.walk(src, followlinks=False):
            for f in fs:
                with contextlib.suppress(OSError):
                    st = os.lstat(os.path.join(d, f))
                    if stat.S_ISREG(st.st_mode):
                        size += st.st_size
        if size > 1000 * self.coursedir.max_dir_size:
            raise RuntimeError(f"its folder holds {size:,} bytes, more than the course's limit of "
                               f"{1000 * self.coursedir.max_dir_size:,} (CourseDirectory.max_dir_size, in kB)")
        try:
            copy_tree_no_follow(src, dest, ignore, limit=1000 * self.coursedir.max_dir_size)
            self._check_time(src, dest)
            self._wrote = dest  # (this collect wrote the folder: copy_files records it as collected)
        except BaseException:
            shutil.rmtree(dest, ignore_errors=True)  # no half-copied submission left to be graded
            raise
        if self.coursedir.groupshared:
            for dirname, _, filenames in os.walk(dest):
                for path, want in [(dirname, 0o2770)] + [(os.path.join(dirname, f), 0o660) for f in filenames]:
                    mode = os.stat(path).st_mode
                    if mode & want != want:
                        try:
                            os.chmod(path, (mode | want) & (0o2777 if want == 0o2770 else 0o777))
                        except PermissionError:
                            self.log.warning("Could not update permissions of %s to make it groupshared", path)


class SafeReleaseFeedback(_CheckedExchange, ExchangeReleaseFeedback):
    """nbgrader's release_feedback, one student at a time.

    nbgrader reads each feedback folder's ``submission_secret.txt`` and ``timestamp.txt`` (both
    copied from the student's own submission) as it goes, and the first one missing, empty or
    unreadable stops the command: every student after it in the listing got no feedback. A student
    who removed the secret from their inbound folder, or a tutor who unpacked submissions by hand,
    could cause that. Here:

    - a missing, empty or unreadable secret falls back to nbgrader's older naming (the hash of the
      submitted notebook and its student, assignment and time), which ``nbgrader fetch_feedback``
      still looks for; the log names the student and the feedback file to send by hand if needed;
    - any other failure is named in the log and skips that student's file; the others are released,
      and the command then ends with an error naming who was not;
    - each file is written under a new, unpredictable name (``mkstemp``, which never follows a link)
      and then renamed into place: nbgrader's copy to a predictable ``HASH-tmp.html`` followed a link
      a student had put there, and wrote the feedback over any file the tutor could write (red team
      13 F1: the gradebook);
    - the course's folders in the exchange are checked first (:func:`exchange_problems`).
    """

    def init_dest(self) -> None:
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.check_course_folders()
        super().init_dest()

    def copy_files(self) -> None:
        import glob
        import re

        from nbgrader.utils import make_unique_key, notebook_hash

        exclude = set(self.coursedir.student_id_exclude.split(",")) if self.coursedir.student_id_exclude else set()
        regexp = re.escape(os.path.sep).join([
            self.coursedir.format_path(self.coursedir.feedback_directory, "(?P<student_id>.*)",
                                       self.coursedir.assignment_id, escape=True),
            "(?P<notebook_id>.*).html"])
        failed: list[str] = []
        files = sorted(glob.glob(os.path.join(self.src_path, "*.html")))
        say_open_homes(self.log, [m.group("student_id") for f in files if (m := re.match(regexp, f))],
                       self.coursedir.root)
        for html_file in files:
            m = re.match(regexp, html_file)
            if m is None:
                self.log.error("coplearn: %s is not where nbgrader puts feedback: not released.", log_safe(html_file))
                continue
            student_id, notebook_id = m.group("student_id"), m.group("notebook_id")
            if student_id in exclude:
                continue
            try:
                folder = os.path.dirname(html_file)
                timestamp = self._read_small(os.path.join(folder, "timestamp.txt"))
                if not (timestamp or "").strip():  # collect always writes one; by-hand folders may not have it
                    timestamp = self._read_small(self.coursedir.format_path(
                        self.coursedir.submitted_directory, student_id, self.coursedir.assignment_id) + "/timestamp.txt")
                if not (timestamp or "").strip():
                    raise ValueError("it has no readable timestamp.txt (nor has its submitted folder)")
                secret = self._read_small(os.path.join(folder, "submission_secret.txt"))
                if secret and secret.strip():  # (used as nbgrader reads it, unstripped)
                    checksum = notebook_hash(secret=secret, notebook_id=notebook_id)
                else:
                    submitted = os.path.join(self.coursedir.format_path(
                        self.coursedir.submitted_directory, student_id, self.coursedir.assignment_id),
                        notebook_id + ".ipynb")
                    if not os.path.isfile(submitted) or os.path.islink(submitted):
                        raise ValueError("it has no submission secret and no submitted notebook to name it by")
                    key = make_unique_key(self.coursedir.course_id, self.coursedir.assignment_id, notebook_id,
                                          student_id, timestamp)
                    checksum = notebook_hash(submitted, key)
                    self.log.warning(
                        "coplearn: %s's submission has no submission secret, so their feedback on %s is released "
                        "under nbgrader's older naming (%s.html); if they cannot fetch it, send them %s.",
                        log_safe(student_id), log_safe(notebook_id), checksum, log_safe(html_file))
                self.log.info("Releasing feedback for student '%s' on assignment '%s/%s/%s' (%s)", log_safe(student_id),
                              self.coursedir.course_id, self.coursedir.assignment_id, log_safe(notebook_id),
                              log_safe(timestamp))
                self._write_into_place(html_file, os.path.join(self.dest_path, f"{checksum}.html"))
            except Exception as exc:  # noqa: BLE001 - one student's feedback, never the others'
                failed.append(student_id)
                self.log.error("coplearn: the feedback of %s on %s was NOT released: %s", log_safe(student_id),
                               log_safe(notebook_id), log_safe(exc))
        if failed:
            self.fail("Feedback not released (see above) for: " + ", ".join(log_safe(f) for f in sorted(set(failed)))
                      + ". Everyone else's was released.")

    def _write_into_place(self, html_file: str, dest: str) -> None:
        """Copy ``html_file`` to ``dest`` through a fresh temporary file in the same folder, renamed
        into place (a link at ``dest`` is replaced, never written through)."""
        import tempfile

        fd, tmp = tempfile.mkstemp(prefix=".coplearn-", suffix=".html.tmp", dir=os.path.dirname(dest))
        try:
            with os.fdopen(fd, "wb") as out, open(html_file, "rb") as src:
                shutil.copyfileobj(src, out)
            # readable by the student who knows its name (nbgrader's copy kept the feedback file's mode)
            os.chmod(tmp, 0o664 if self.coursedir.groupshared else 0o644)
            os.replace(tmp, dest)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    @staticmethod
    def _read_small(path: str, limit: int = 4096) -> str | None:
        """The text of a small regular file (not a link), as nbgrader reads it; ``None`` if missing or unreadable."""
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            return os.read(fd, limit).decode("utf-8", errors="replace")
        except OSError:
            return None
        finally:
            os.close(fd)
