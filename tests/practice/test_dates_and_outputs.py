"""Dates a learner types and the files the commands write: a mistyped year is caught before it is
saved, and ``-o`` into a folder that does not exist is refused rather than creating it."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from coplearn.core.validate import activity_date
from coplearn.practice.journal import Journal
from coplearn.practice.progress import Progress

TODAY = dt.date.today()


@pytest.mark.parametrize("bad, words", [
    ("9999-12-31", "in the future"), ((TODAY + dt.timedelta(days=3)).isoformat(), "in the future"),
    ("0001-01-01", "before 1950"), ("1949-12-31", "before 1950"), ("11/27/2026", "YYYY-MM-DD"), ("27/11/26", "YYYY-MM-DD"),
])
def test_implausible_dates_are_refused(tmp_path, bad, words):
    with pytest.raises(ValueError, match=words):
        activity_date(bad)
    journal = Journal(tmp_path / "journal.json")
    with pytest.raises(ValueError, match=f"date: .*{words}"):
        journal.add(learning="x", date=bad)
    assert not (tmp_path / "journal.json").exists()
    with pytest.raises(ValueError, match=words):
        Progress(tmp_path / "progress.json").mark("03", "completed", when=bad)


@pytest.mark.parametrize("good", [TODAY, TODAY + dt.timedelta(days=1), dt.date(1950, 1, 1), "2026-02-28"])
def test_plausible_dates_are_kept(tmp_path, good):
    entry = Journal(tmp_path / "journal.json").add(learning="x", date=good)
    assert entry.date == (good if isinstance(good, str) else good.isoformat())


def test_a_saved_entry_with_an_odd_date_is_still_read(tmp_path):
    # only new input is checked: an entry saved before (or by a clock that was wrong) stays readable
    path = tmp_path / "journal.json"
    Journal(path).add(learning="x", date="2026-01-05")
    path.write_text(path.read_text(encoding="utf-8").replace("2026-01-05", "2099-01-05"), encoding="utf-8")
    assert [e.date for e in Journal(path).entries] == ["2099-01-05"]


def coplearn(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, COPLEARN_JOURNAL=str(tmp_path / "journal.json"),
               COPLEARN_PROGRESS=str(tmp_path / "progress.json"))
    return subprocess.run([sys.executable, "-m", "coplearn.cli", *args], capture_output=True, text=True,
                          timeout=120, env=env)


def test_cli_date_in_the_future_names_the_option(tmp_path):
    proc = coplearn(tmp_path, "journal", "add", "--learning", "x", "--date", "2062-03-01")
    assert proc.returncode != 0 and "2062-03-01 is in the future" in proc.stderr and "Traceback" not in proc.stderr
    proc = coplearn(tmp_path, "progress", "done", "03", "--date", "2062-03-01")
    assert proc.returncode != 0 and "2062-03-01 is in the future" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("command", [("journal", "export"), ("progress", "record")])
def test_cli_output_into_a_missing_folder_is_refused(tmp_path, command):
    assert coplearn(tmp_path, "journal", "add", "--learning", "x").returncode == 0
    out = tmp_path / "no-such-folder" / "out.html"
    proc = coplearn(tmp_path, *command, "-o", str(out))
    assert proc.returncode == 2 and "'" + str(out.parent) + "' does not exist" in proc.stderr
    assert not out.parent.exists()
    out = tmp_path / "journal.json" / "out.html"
    proc = coplearn(tmp_path, *command, "-o", str(out))
    assert proc.returncode == 2 and "is a file, not a folder" in proc.stderr
