"""Checks run by test_portable_lock.py in an interpreter without the POSIX-only modules.

Not collected on its own (the name does not start with ``test_``)."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import textwrap
import time

import pytest

from coplearn.core import atomic as _atomic


def test_the_posix_modules_are_really_gone_and_the_expected_lock_is_used():
    for name in os.environ["COPLEARN_BLOCK_MODULES"].split(","):
        with pytest.raises(ImportError):
            __import__(name)
    assert _atomic._lock_method() == os.environ["COPLEARN_EXPECT_LOCK"]


def _hold(path: str, started, seconds: float) -> None:
    with _atomic.file_lock(path):
        started.set()
        time.sleep(seconds)


def test_a_held_lock_excludes_another_process(tmp_path):
    path = str(tmp_path / "j.json")
    ctx = multiprocessing.get_context("spawn")
    started = ctx.Event()
    holder = ctx.Process(target=_hold, args=(path, started, 3.0))
    holder.start()
    try:
        assert started.wait(60)
        with pytest.raises(TimeoutError, match="could not lock"):
            with _atomic.file_lock(path, timeout=0.3):
                pass
    finally:
        holder.join(60)
    assert holder.exitcode == 0
    with _atomic.file_lock(path, timeout=5):  # free again once the holder is done
        pass


def test_a_process_killed_while_holding_the_lock_does_not_block_the_next(tmp_path):
    path = tmp_path / "j.json"
    code = textwrap.dedent(f"""
        import os, signal
        from coplearn.core import atomic as _atomic
        with _atomic.file_lock({str(path)!r}):
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert proc.returncode < 0, proc.stderr
    with _atomic.file_lock(path, timeout=15):
        pass


def test_a_lock_file_left_empty_is_taken_over_once_old_and_named_when_young(tmp_path):
    """A browser tab closed between creating its lock file and writing its name in it leaves an
    empty lock file: a waiter takes it over once it is older than STALE_AFTER, and a waiter that
    gives up on a young one says what it saw."""
    if _atomic._lock_method() != "lockfile":
        pytest.skip("only the lock-file method leaves a file behind")
    path = tmp_path / "j.json"
    lock = tmp_path / "j.json.lock"
    lock.write_bytes(b"")
    with pytest.raises(TimeoutError, match=r"within 0\.6 s \(the lock file names '', last changed"):
        with _atomic.file_lock(path, timeout=0.6):
            pass
    old = time.time() - _atomic.STALE_AFTER - 5
    os.utime(lock, (old, old))
    with _atomic.file_lock(path, timeout=5):
        assert lock.read_text().split()[2] == _atomic._token()
    assert not lock.exists()
