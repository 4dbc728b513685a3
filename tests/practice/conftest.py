"""Fixtures shared by the practice tests of the browser edition's storage (walk23, check23)."""

from __future__ import annotations

from pathlib import Path

import pytest

import coplearn.core.atomic as atomic
import coplearn.practice.progress as P


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The browser edition, its drive a temporary folder; the journal in ``my-journal`` there, as on the site."""
    monkeypatch.setattr("sys.platform", "emscripten")
    monkeypatch.setattr("coplearn.core.environment.BROWSER_DRIVE", str(tmp_path) + "/", raising=False)
    monkeypatch.setattr(atomic, "BROWSER_DRIVE", str(tmp_path) + "/")
    journal = tmp_path / "my-journal" / "journal.json"
    monkeypatch.setenv("COPLEARN_JOURNAL", str(journal))
    monkeypatch.delenv("COPLEARN_PROGRESS", raising=False)
    return journal


@pytest.fixture
def nothing_noted_or_said(monkeypatch: pytest.MonkeyPatch) -> None:
    """No progress note waiting, and none said yet on the page (each test starts afresh)."""
    monkeypatch.setattr(P, "_NOTED", set())
    monkeypatch.setattr(P, "_UNSHOWN", [], raising=False)
    monkeypatch.setattr(P, "_SHOWN", [False], raising=False)
