"""Atomic saves keep the file's permissions like an ordinary save would."""

from __future__ import annotations

import os
import stat

import pytest

from coplearn.core.atomic import atomic_write_text


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_new_file_gets_the_umask_default_and_existing_mode_is_kept(tmp_path):
    old = os.umask(0o022)
    try:
        path = tmp_path / "report.html"
        atomic_write_text(path, "one")
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
        os.chmod(path, 0o600)
        atomic_write_text(path, "two")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.read_text() == "two"
        assert [p.name for p in tmp_path.iterdir()] == ["report.html"], "no temporary file left behind"
    finally:
        os.umask(old)


def test_the_lock_token_is_made_on_first_use_not_at_import():
    """The browser edition starts every tab's Python from one memory image saved after import
    (coplearn/site/snapshot.py): a token made at import would name every tab alike."""
    import subprocess
    import sys

    code = ("import coplearn.core.atomic as a, coplearn.practice.journal\n"
            "print(a._token.cache_info().currsize)\n"
            "t = a._token(); print(a._token.cache_info().currsize, t == a._token(), len(t))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["0", "1", "True", "12"], out


def test_a_stale_temporary_file_from_a_killed_save_is_removed_on_the_next_save(tmp_path):
    """Input 11 #17: each `kill -9` during a save could leave a hidden `.journal.json.*.tmp` for ever."""
    import time

    from coplearn.core.atomic import STALE_TEMP_AFTER

    path = tmp_path / "journal.json"
    stale, fresh, other = (tmp_path / ".journal.json.abc.tmp", tmp_path / ".journal.json.def.tmp",
                           tmp_path / ".other.json.abc.tmp")
    for f in (stale, fresh, other):
        f.write_text("half a save")
    old = time.time() - STALE_TEMP_AFTER - 60
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    atomic_write_text(path, "saved")
    assert not stale.exists(), "left by a killed save long ago: removed"
    assert fresh.exists(), "may be another program's save in progress: kept"
    assert other.exists(), "another file's: kept"


def test_a_failed_save_names_the_file_not_the_temporary_one(tmp_path, monkeypatch):
    """Input 11 #8: the error named the hidden temporary file, or no file at all."""
    def full(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OSError) as info:
        atomic_write_text(tmp_path / "report.html", "x")
    assert info.value.filename == str(tmp_path / "report.html") and info.value.errno == 28


def test_in_a_browser_tab_a_lock_file_another_tab_removed_is_forgotten_and_the_lock_taken(tmp_path, monkeypatch):
    """The browser edition (walk16 F13): each tab's Python remembers file names it has seen, so a lock
    file that another tab created and then removed still 'exists' for this tab when it tries to create
    it, while reading it finds nothing. The lock must forget the name and take the lock, not wait for
    a lock nobody holds. Pyodide's file system is stood in for here; tests/site runs two real tabs."""
    import sys
    import time
    import types

    import coplearn.core.atomic as atomic

    journal = tmp_path / "journal.json"
    lock = str(journal) + ".lock"
    remembered = {os.path.abspath(lock)}  # this tab saw the other tab's lock file, now removed
    forgotten: list[str] = []

    class Node:
        def __init__(self, path: str) -> None:
            self.path = path

    class FS:
        @staticmethod
        def lookupPath(path: str):  # noqa: N802 (Emscripten's name)
            if path not in remembered and not os.path.exists(path):
                raise OSError("ENOENT")
            return types.SimpleNamespace(node=Node(path))

        @staticmethod
        def destroyNode(node: Node) -> None:  # noqa: N802
            forgotten.append(node.path)
            remembered.discard(node.path)

    real_open = os.open

    def tab_open(path, flags, *args):
        if os.path.abspath(path) in remembered and flags & os.O_EXCL:
            raise FileExistsError(17, "File exists", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setitem(sys.modules, "pyodide_js", types.SimpleNamespace(FS=FS))
    monkeypatch.setattr(sys, "platform", "emscripten")
    monkeypatch.setattr(atomic, "LOCK_METHOD", "lockfile")
    monkeypatch.setattr(atomic, "BROWSER_DRIVE", str(tmp_path) + os.sep)  # the page's files, as /drive/ there
    monkeypatch.setattr(atomic.os, "open", tab_open)
    started = time.monotonic()
    with atomic.file_lock(journal, timeout=3):
        assert os.path.exists(lock)
    assert time.monotonic() - started < 2.0  # (well under the 3 s limit: it did not wait it out)
    assert forgotten == [os.path.abspath(lock)]
    assert not os.path.exists(lock)


def test_forgetting_a_name_does_nothing_outside_a_browser(monkeypatch):
    import sys
    import types

    import coplearn.core.atomic as atomic

    called = []
    fs = types.SimpleNamespace(lookupPath=lambda p: called.append(p), destroyNode=lambda n: called.append(n))
    monkeypatch.setitem(sys.modules, "pyodide_js", types.SimpleNamespace(FS=fs))
    atomic._forget_cached(atomic.Path("anything.lock"))
    assert called == []


def test_in_a_browser_tab_a_lock_file_another_tab_wrote_last_is_left_to_it(tmp_path, monkeypatch):
    """Check 17: in the browser, making the lock file 'only if it is not there' is two requests, so
    two tabs can both make it; the one whose name the file holds a moment later has the lock, and
    the other waits for it to go."""
    import sys

    import coplearn.core.atomic as atomic

    journal = tmp_path / "journal.json"
    lock = atomic.Path(str(journal) + ".lock")
    events: list[str] = []
    real_sleep = atomic.time.sleep

    def sleep(seconds: float) -> None:
        if seconds == atomic.BROWSER_SETTLE and not events:
            lock.write_bytes(b"otherhost 1 othertab")  # the other tab wrote its name after ours
            events.append("overwritten")
        elif events == ["overwritten"] and seconds < atomic.BROWSER_SETTLE:
            events.append("waited")
            lock.unlink()  # the other tab is done with it
        real_sleep(min(seconds, 0.01))

    monkeypatch.setattr(sys, "platform", "emscripten")
    monkeypatch.setattr(atomic, "LOCK_METHOD", "lockfile")
    monkeypatch.setattr(atomic.time, "sleep", sleep)
    with atomic.file_lock(journal, timeout=3):
        assert events == ["overwritten", "waited"]  # it did not go ahead while the other tab held it
        assert lock.read_bytes().endswith(atomic._token().encode())
    assert not lock.exists()
    # and a lock file that another tab took over meanwhile is not removed by this one
    with atomic.file_lock(journal, timeout=3):
        lock.write_bytes(b"otherhost 1 othertab")
    assert lock.read_bytes() == b"otherhost 1 othertab"
