"""Make POSIX-only modules unavailable in this interpreter, as on Windows (used by test_portable_lock.py).

Loaded by ``site`` because this folder is put first on PYTHONPATH. ``COPLEARN_BLOCK_MODULES`` names
the modules that fail to import; with ``COPLEARN_FAKE_MSVCRT=1`` an ``msvcrt`` module offers
``locking()`` with Windows' semantics (lock ``n`` bytes from the current file position, non-blocking
mode raises ``OSError``), built on the real POSIX record locks so that it excludes across processes.
"""

from __future__ import annotations

import importlib.abc
import os
import sys
import types

_blocked = {name for name in os.environ.get("COPLEARN_BLOCK_MODULES", "").split(",") if name}

if os.environ.get("COPLEARN_FAKE_MSVCRT") == "1":
    import errno as _errno
    import fcntl as _real_fcntl

    fake = types.ModuleType("msvcrt")
    fake.LK_UNLCK, fake.LK_LOCK, fake.LK_NBLCK, fake.LK_RLCK, fake.LK_NBRLCK = 0, 1, 2, 3, 4

    def locking(fd: int, mode: int, nbytes: int) -> None:
        start = os.lseek(fd, 0, os.SEEK_CUR)
        if mode == fake.LK_UNLCK:
            _real_fcntl.lockf(fd, _real_fcntl.LOCK_UN, nbytes, start, os.SEEK_SET)
            return
        if mode not in (fake.LK_NBLCK, fake.LK_LOCK):
            raise ValueError(f"fake msvcrt: mode {mode} not emulated")
        try:
            _real_fcntl.lockf(fd, _real_fcntl.LOCK_EX | _real_fcntl.LOCK_NB, nbytes, start, os.SEEK_SET)
        except OSError:
            raise OSError(_errno.EACCES, "Permission denied") from None

    fake.locking = locking

    # The standard library decides "am I on Windows?" by trying ``import msvcrt`` (subprocess,
    # getpass): import those first, and hand the stand-in only to coplearn's lock code.
    import getpass  # noqa: F401
    import multiprocessing.spawn  # noqa: F401
    import subprocess  # noqa: F401

    class _FakeMsvcrt(importlib.abc.MetaPathFinder, importlib.abc.Loader):
        def find_spec(self, fullname, path=None, target=None):
            if fullname != "msvcrt":
                return None
            frame = sys._getframe(1)
            while frame is not None:
                if frame.f_globals.get("__name__") == "coplearn.core.atomic":
                    return importlib.util.spec_from_loader("msvcrt", self)
                frame = frame.f_back
            return None

        def create_module(self, spec):
            return fake

        def exec_module(self, module):
            pass

    import importlib.util

    sys.meta_path.insert(0, _FakeMsvcrt())

for _name in _blocked:
    sys.modules.pop(_name, None)


class _Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in _blocked:
            raise ModuleNotFoundError(f"No module named {fullname!r} (blocked for a test)", name=fullname)
        return None


if _blocked:
    sys.meta_path.insert(0, _Blocker())
