"""walk22 M4 and L1: a survey row pasted twice, and a question column missing from the file.

M4: rows identical in every column (bookkeeping columns such as Timestamp included) are still counted,
one person each, but `audit check`, the report (at a glance, method and limits) and the lesson 06 widget
say which rows they are and what to do. L1: a question with no column is named as not in the file in the
report (at a glance, the question table, method and limits) and in the widget, not shown as if nobody
answered it.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
from pathlib import Path

import pytest

from coplearn.practice.report import render_html, render_markdown
from coplearn.practice.survey import read_survey, read_survey_text
from coplearn.practice.survey_summary import summarise
import installed

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _records(name: str) -> list[list[str]]:
    text = (EXAMPLES / name).read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def _write(path: Path, records: list[list[str]]) -> Path:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(records)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def gdup(tmp_path) -> Path:
    """The Google Forms example with its third response (spreadsheet row 4) pasted again at the end (row 10),
    time stamp and all: walk22's csv/gdup.csv."""
    records = _records("team-survey.csv")
    assert records[0][0] == "Timestamp" and len(records) == 9
    return _write(tmp_path / "gdup.csv", records + [list(records[3])])


@pytest.fixture
def missing(tmp_path) -> Path:
    """The ids example without its K5 column: walk22's csv/missing.csv."""
    records = _records("team-survey-ids.csv")
    k5 = records[0].index("K5")
    return _write(tmp_path / "missing.csv", [r[:k5] + r[k5 + 1:] for r in records])


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(installed.coplearn(*args), capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})


# ---- M4: identical rows ------------------------------------------------------------------------------

def test_rows_identical_with_their_time_stamp_are_named_and_still_counted(gdup):
    survey = read_survey(gdup)
    assert survey.duplicate_rows == ((4, 10),)
    note = next(n for n in survey.notes if "identical" in n)
    assert note.startswith("Rows 4 and 10 are identical (the same time stamp and the same answers).")
    assert "counted as a separate person" in note and "delete the extra row and load the file again" in note
    # counted as today: nine rows, nine people (the guide says so)
    assert summarise(survey).n_respondents == 9


def test_an_ids_only_file_without_time_stamps_says_two_people_may_have_answered_alike():
    # rows 2 and 4 identical; rows 3 and 5 give the same answers as each other, and so does row 6 with 3
    text = "K1,K2,T3,T2\n2,3,storming,More staff\n4,4,norming,\n2,3,storming,More staff\n4,4,norming,\n4,4,norming\n"
    survey = read_survey_text(text)
    assert survey.duplicate_rows == ((2, 4), (3, 5, 6))
    note = next(n for n in survey.notes if "identical" in n)
    assert note.startswith("Rows 2 and 4 are identical (the same answers in every column; there is no time "
                           "stamp to tell them apart); rows 3, 5 and 6 are identical")
    assert "if two people really gave exactly the same answers, leave the file as it is" in note
    assert summarise(survey).n_respondents == 5


def test_the_same_answers_at_different_times_are_not_called_identical():
    text = ("Timestamp,Email,K1,K2\n"
            "14/01/2026 09:12:33,a@x.org,2,3\n"
            "14/01/2026 10:00:00,a@x.org,2,3\n"  # another time: two answers, not one pasted twice
            "14/01/2026 11:00:00,b@x.org,4,4\n"
            "14/01/2026 11:00:00,b@x.org,4,4\n")
    survey = read_survey_text(text)
    assert survey.duplicate_rows == ((4, 5),)
    note = next(n for n in survey.notes if "identical" in n)
    assert note.startswith("Rows 4 and 5 are identical (the same time stamp, the same 'Email' and the same "
                           "answers).")


def test_audit_check_says_which_rows_are_identical(gdup):
    proc = _run("audit", "check", str(gdup))
    assert proc.returncode == 0, proc.stderr
    assert "9 respondents" in proc.stdout
    assert "Rows 4 and 10 are identical (the same time stamp and the same answers)." in proc.stdout


def test_the_report_says_so_at_a_glance_and_in_its_method_section(gdup):
    r = summarise(read_survey(gdup))
    md = render_markdown(r)
    glance = md.split("## At a glance", 1)[1].split("\n## ", 1)[0]
    assert ("Rows 4 and 10 of the file are identical, and each is counted as a separate person" in glance)
    method = md.split("## Method and limits", 1)[1]
    assert "Rows 4 and 10 are identical (the same time stamp and the same answers)." in method
    assert "Rows 4 and 10 are identical (the same time stamp and the same answers)." in render_html(r)


def test_the_widget_says_which_rows_are_identical(gdup, tmp_path):
    from coplearn.widgets import TeamSurveyLoader

    w = TeamSurveyLoader(folder=tmp_path)
    w.load_path(gdup)
    assert w.last_error is None and w.result.n_respondents == 9
    assert "Rows 4 and 10 are identical (the same time stamp and the same answers)." in w.status.value
    assert "Rows 4 and 10 of the file are identical" in w.summary.value


# ---- L1: a question not in the file ---------------------------------------------------------------------

def test_the_report_names_a_question_column_that_is_not_in_the_file(missing):
    r = summarise(read_survey(missing))
    assert r.survey.missing_items == ("K5",)
    md = render_markdown(r)
    glance = md.split("## At a glance", 1)[1].split("\n## ", 1)[0]
    assert ("(25 of 26 rating questions have at least one answer; K5 was not in the survey file, so it has no "
            "answers)") in glance
    k5_row = next(line for line in md.splitlines() if line.startswith("| K5 |"))
    assert "not in the survey file" in k5_row
    method = md.split("## Method and limits", 1)[1]
    assert "K5 was not in the survey file: there is no column for it" in method
    assert "K5 was not in the survey file: there is no column for it" in render_html(r)


def test_every_missing_question_is_named():
    r = summarise(read_survey_text("K1,K2,T3\n2,3,storming\n"))
    glance = render_markdown(r).split("## At a glance", 1)[1].split("\n## ", 1)[0]
    assert "K3, K4, K5, K6, K7, K8, T1, T2, T4" in glance and "I7 and I8 were not in the survey file" in glance


def test_audit_report_names_the_missing_question_as_audit_check_does(missing, tmp_path):
    out = tmp_path / "miss.md"
    proc = _run("audit", "report", str(missing), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "Not in the file: K5" in proc.stdout
    assert "K5 was not in the survey file" in out.read_text(encoding="utf-8")


def test_the_widget_names_a_question_column_that_is_not_in_the_file(missing, tmp_path):
    from coplearn.widgets import TeamSurveyLoader

    w = TeamSurveyLoader(folder=tmp_path)
    w.load_path(missing)
    assert w.last_error is None
    assert "27 of 28 questions" in w.status.value
    assert "K5 was not in the survey file" in w.status.value
    assert "K5 was not in the survey file" in w.summary.value
