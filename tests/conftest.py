"""Shared test set-up: every test gets its own journal file and never touches the real one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _private_journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "journal.json"
    monkeypatch.setenv("COPLEARN_JOURNAL", str(path))
    return path


@pytest.fixture(autouse=True)
def _no_progress_problem_waiting() -> None:
    """A progress note that could not be saved is said on the page once in a session (walk23 M2): each
    test starts with none waiting and none said, whatever the test before it did."""
    progress = _sys.modules.get("coplearn.practice.progress")
    if progress is not None and hasattr(progress, "_UNSHOWN"):
        progress._UNSHOWN.clear()
        progress._SHOWN[0] = False


@pytest.fixture
def repo() -> Path:
    return REPO


def pytest_report_header(config: pytest.Config) -> str:
    return f"coplearn repo: {REPO}; cores: {os.cpu_count()}"


# tests/paperprint.py and tests/installed.py (the installed `coplearn` command) are imported by tests
# as plain modules
import sys as _sys  # noqa: E402

_sys.path.insert(0, str(Path(__file__).resolve().parent))
