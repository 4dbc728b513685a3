"""What ``coplearn autograde`` says when it finds nothing to grade (docs16 F12)."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_outside_a_course_folder_it_says_so_not_collect_first(tmp_path: Path, monkeypatch, capsys) -> None:
    """Run from the wrong folder, a tutor who had collected everything was told to collect first."""
    from coplearn.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["autograde", "a1-learning-cultures", "--jobs", "1"]) == 1
    err = capsys.readouterr().err
    assert "is not a course folder (it has no nbgrader_config.py)" in err and "--course-dir" in err
    assert "Collect them first" not in err


def test_in_a_course_folder_with_nothing_collected_it_says_collect_first(tmp_path: Path, monkeypatch,
                                                                          capsys: pytest.CaptureFixture) -> None:
    from coplearn.cli import main

    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.course_id = 'x'\n",
                                                 encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["autograde", "a1-learning-cultures", "--jobs", "1"]) == 1
    err = capsys.readouterr().err
    assert "Collect them first (nbgrader collect a1-learning-cultures)" in err
    assert "not a course folder" not in err
