"""Fixtures shared by the progress tests: a fresh record of what was noted this session, and a
folder holding the journal (the progress notes go beside it)."""

from __future__ import annotations

from pathlib import Path

import pytest

import coplearn.practice.progress as P


@pytest.fixture(autouse=True)
def _fresh_marks():
    P._NOTED.clear()
    yield
    P._NOTED.clear()


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("COPLEARN_JOURNAL", str(tmp_path / "journal.json"))
    monkeypatch.delenv("COPLEARN_PROGRESS", raising=False)
    return tmp_path
