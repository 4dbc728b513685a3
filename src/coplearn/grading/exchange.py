"""Collecting submissions without following links.

nbgrader's ``collect`` copies each submission out of the exchange with :func:`shutil.copytree`,
which follows symbolic links. The exchange's inbound folder is writable by every student, so a
student could place there, beside or instead of a real submission, a link to a file the tutor can
read (the solutions notebook, the gradebook, a key in the tutor's home). ``collect`` runs with
the tutor's rights, so it would copy that file's content into ``submitted/`` as if the student had
written it: the solutions notebook would then be graded, and shown back in feedback.

:class:`SafeCollect` is nbgrader's own collect step with one change: a link is never followed.
A submission folder that is itself a link is not collected; a link inside one is left out. Each
is named in the log for the tutor. Everything else (timestamps, --update, the owner check, size
limits) is nbgrader's. ``nbgrader_config.py`` selects it with ``c.ExchangeFactory.collect``.

It also checks the submission time. ``timestamp.txt``, which the late penalty reads, is written by
the student's own ``nbgrader submit`` and can be edited afterwards to claim an earlier time. The
exchange's file system keeps its own record: the time each file was last changed (``ctime``),
which a student cannot set. When the claimed time is earlier than the latest change in the
submission by more than :attr:`SafeCollect.clock_tolerance` seconds, the collected copy's
``timestamp.txt`` gets the exchange's time instead, and the tutor is told. (If the exchange is
ever restored from a backup, every file's change time becomes the restore time: switch this off
with ``c.SafeCollect.trust_exchange_clock = False`` before collecting from a restored exchange.)
"""

from __future__ import annotations

import datetime as _dt
import os
import shutil
from typing import Any

from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.utils import ignore_patterns, parse_utc
from traitlets import Bool, Integer

__all__ = ["SafeCollect", "exchange_time", "links_in"]


def links_in(folder: str | os.PathLike[str]) -> list[str]:
    """Every symbolic link under ``folder`` (not followed), as paths relative to it, sorted."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            if os.path.islink(full):
                found.append(os.path.relpath(full, folder))
    return sorted(found)


def exchange_time(folder: str | os.PathLike[str]) -> _dt.datetime:
    """The latest change time (``ctime``, set by the file system, not by the user) of ``folder`` and
    every file in it, links not followed, as a UTC datetime."""
    latest = os.lstat(folder).st_ctime
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        for name in dirnames + filenames:
            latest = max(latest, os.lstat(os.path.join(dirpath, name)).st_ctime)
    return _dt.datetime.fromtimestamp(latest, tz=_dt.timezone.utc)


class SafeCollect(ExchangeCollect):
    """nbgrader's collect, copying a submission without ever following a symbolic link, and
    keeping the exchange's own record of when it was submitted."""

    trust_exchange_clock = Bool(True, help=(
        "Use the exchange's file change times when a submission claims an earlier time than its files "
        "were written. Switch off only to collect from an exchange restored from a backup.")).tag(config=True)
    clock_tolerance = Integer(600, help=(
        "Seconds a submission's claimed time may precede the last change to its files (clock skew, a "
        "slow copy) before the exchange's time is used instead.")).tag(config=True)

    def _check_time(self, src: str, dest: str) -> None:
        stamp = os.path.join(dest, "timestamp.txt")
        try:
            with open(stamp, encoding="utf-8") as fh:
                claimed = parse_utc(fh.read().strip())
        except (OSError, ValueError, OverflowError):
            claimed = None
        actual = exchange_time(src)
        if claimed is not None and claimed.tzinfo is None:
            claimed = claimed.replace(tzinfo=_dt.timezone.utc)
        if claimed is not None and (actual - claimed).total_seconds() <= self.clock_tolerance:
            return
        shown = "no readable time" if claimed is None else f"{claimed:%Y-%m-%d %H:%M:%S} UTC"
        if not self.trust_exchange_clock:
            self.log.warning("coplearn: %s claims %s, but its files were last changed at %s UTC (kept the "
                             "claimed time: trust_exchange_clock is off).", src, shown, f"{actual:%Y-%m-%d %H:%M:%S}")
            return
        self.log.warning("coplearn: %s claims it was submitted at %s, but its files were last changed in the "
                         "exchange at %s UTC; the exchange's time is used for lateness.", src, shown,
                         f"{actual:%Y-%m-%d %H:%M:%S}")
        with open(stamp, "w", encoding="utf-8") as fh:
            fh.write(actual.strftime("%Y-%m-%d %H:%M:%S.%f UTC"))

    def do_copy(self, src: str, dest: str, log: Any = None) -> None:
        if os.path.islink(src):
            self.log.warning(
                "coplearn: %s is a link, not a folder a student submitted; it was NOT collected "
                "(a link in the exchange could point at any file you can read).", src)
            return
        links = links_in(src)
        for rel in links:
            self.log.warning("coplearn: %s: %s is a link; it was left out of the collected submission.", src, rel)
        nbgrader_ignore = ignore_patterns(exclude=self.coursedir.ignore, include=self.coursedir.include,
                                          max_file_size=self.coursedir.max_file_size, log=self.log)

        def ignore(directory: str, names: list[str]) -> set[str]:
            skipped = set(nbgrader_ignore(directory, names))
            skipped.update(n for n in names if os.path.islink(os.path.join(directory, n)))
            return skipped

        # The size check counts only real files (nbgrader's own get_size would follow links).
        size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(src, followlinks=False)
                   for f in fs if not os.path.islink(os.path.join(d, f)))
        if size > 1000 * self.coursedir.max_dir_size:
            self.log.error("Directory size is too big")
            raise RuntimeError(f"Directory size is too big. Size is {size}, maximum size is {1000 * self.coursedir.max_dir_size}")
        shutil.copytree(src, dest, symlinks=False, ignore=ignore)
        self._check_time(src, dest)
        if self.coursedir.groupshared:
            for dirname, _, filenames in os.walk(dest):
                for path, want in [(dirname, 0o2770)] + [(os.path.join(dirname, f), 0o660) for f in filenames]:
                    mode = os.stat(path).st_mode
                    if mode & want != want:
                        try:
                            os.chmod(path, (mode | want) & (0o2777 if want == 0o2770 else 0o777))
                        except PermissionError:
                            self.log.warning("Could not update permissions of %s to make it groupshared", path)
