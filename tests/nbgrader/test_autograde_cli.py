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


def test_a_student_id_that_matches_no_folder_is_named_not_collect_first(tmp_path: Path, monkeypatch,
                                                                         capsys: pytest.CaptureFixture) -> None:
    """red team 26 F3: --student with a typo, or "josé" typed with its accent as a separate mark (as a Mac's file
    names give it), was told "Collect them first" although the cohort was there."""
    from coplearn.cli import main

    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.course_id = 'x'\n",
                                                 encoding="utf-8")
    for sid in ("s1", "jos\u00e9"):
        (tmp_path / "submitted" / sid / "a1-learning-cultures").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    assert main(["autograde", "a1-learning-cultures", "--jobs", "1", "--student", "nobody"]) == 1
    err = capsys.readouterr().err
    assert "no submitted folder of 'a1-learning-cultures' matches --student nobody" in err, err
    assert "2 students have submitted it (for example jos\u00e9, s1)" in err and "Collect them first" not in err
    assert main(["autograde", "a1-learning-cultures", "--jobs", "1", "--student", "jose\u0301"]) == 1
    err = capsys.readouterr().err
    assert "differs from it only in how an accent is written" in err, err


def test_the_summary_counts_in_plain_words() -> None:
    """docs16 F15: "with 0 parallel jobs" when no worker was needed."""
    from coplearn.grading.parallel import GradeReport

    one = GradeReport(assignment="a1", graded=(), failed=("s2",), skipped=(), seconds=0.2, jobs=0, replayed=0,
                      executed_here=0)
    assert one.summary().startswith("Autograded 0 of 1 submission of 'a1' in 0 s one at a time. 1 could not be graded")
    two = GradeReport(assignment="a1", graded=("s1", "s3"), failed=(), skipped=(), seconds=75, jobs=1, replayed=2,
                      executed_here=0)
    assert two.summary() == "Autograded 2 of 2 submissions of 'a1' in 1 min 15 s one at a time."
