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
