"""Survey files as team managers' tools really write them, and the mistakes people make in them:
Excel's ``sep=`` line, a title above the headings, quotation marks that break the CSV rules,
rows cut short, comment and quiz-points columns, encodings other than UTF-8, and "None" as an
answer. Each is either read (and the reader says what it did) or refused with the row and column."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from coplearn.practice.survey import SurveyError, read_survey_bytes, read_survey_text
from coplearn.practice.survey_headings import is_comment_heading
from coplearn.practice.survey_summary import summarise


def refused(text: str) -> SurveyError:
    with pytest.raises(SurveyError) as info:
        read_survey_text(text, "responses.csv")
    return info.value


# ---- lines above the headings ----------------------------------------------------------------

@pytest.mark.parametrize("first", ["sep=;", '"sep=;"', "SEP=;"])
def test_excel_sep_line_is_skipped_and_says_so(first):
    s = read_survey_text(f"{first}\r\nRespondent;K1;T2\r\na;3;fine, really\r\nb;4;ok\r\n")
    assert s.delimiter == ";" and [r.answers for r in s.responses] == [{"K1": 3, "T2": "fine, really"},
                                                                        {"K1": 4, "T2": "ok"}]
    assert any("sep=;" in n.lower() and "skipped" in n for n in s.notes)
    # rows are counted as Excel shows them (it hides the sep= line): headings in row 1
    err = refused(f"{first}\r\nRespondent;K1\r\na;3\r\nb;9\r\n")
    assert err.problems[0].row == 3


def test_title_and_blank_lines_above_the_headings():
    s = read_survey_text("Team survey, March\r\n\r\nRespondent,K1,K2\r\na,3,4\r\nb,2,5\r\n")
    assert [r.row for r in s.responses] == [4, 5]
    assert any("row 3" in n and "Team survey, March" in n for n in s.notes)
    # a problem is reported in the row a spreadsheet shows
    err = refused("Team survey\r\nRespondent,K1\r\na,3\r\nb,seven\r\n")
    assert (err.problems[0].row, err.problems[0].column) == (4, "B (K1)")


def test_blank_first_line_alone_is_not_a_note_but_rows_still_count():
    s = read_survey_text("\r\nK1,K2\r\n3,4\r\n")
    assert s.responses[0].row == 3 and s.notes == ()


def test_a_file_with_no_headings_near_the_top_still_says_so():
    err = refused("Dear all,\nplease reply by Friday.\n")
    assert err.problems[0].row == 1 and "does not look like a team survey" in str(err)


# ---- quotation marks -------------------------------------------------------------------------

def test_text_after_a_closing_quotation_mark_names_row_and_column():
    err = refused('Respondent,K1,T2\r\na,3,fine\r\nb,4,"good" mostly\r\nc,2,ok\r\n')
    (p,) = err.problems
    assert (p.row, p.column) == (3, "C") and "after its closing quotation mark" in p.message


def test_a_quotation_mark_never_closed_names_the_row_it_opens_in():
    err = refused('Respondent,K1,T2\r\na,3,fine\r\nb,4,"good\r\nc,2,ok\r\nd,1,bad\r\n')
    (p,) = err.problems
    assert (p.row, p.column) == (3, "C") and "never closed" in p.message


def test_quoted_answers_over_several_lines_are_still_one_row():
    s = read_survey_text('Respondent,K1,T2\r\na,3,"one\r\ntwo, ""three"""\r\nb,4,ok\r\n')
    assert s.responses[0].answers["T2"] == 'one\r\ntwo, "three"' and s.responses[1].row == 3


def test_an_answer_too_long_for_a_csv_reader_is_named_plainly():
    err = refused("Respondent,K1,T2\r\na,3,\"" + "x" * 140_000 + "\"\r\n")
    (p,) = err.problems
    assert p.row == 2 and "131,072" in p.message and "field limit" not in p.message


# ---- rows cut short ------------------------------------------------------------------------------

def test_short_rows_are_read_as_blank_and_named():
    s = read_survey_text("Respondent,K1,K2,K3\r\na,1,2,3\r\nb,1\r\nc,4,4\r\n")
    assert s.responses[1].answers == {"K1": 1} and s.responses[2].answers == {"K1": 4, "K2": 4}
    (note,) = s.notes
    assert note.startswith("Rows 3 and 4 have fewer values than there are headings")


def test_a_row_of_a_respondent_id_only_is_left_out_and_listed():
    s = read_survey_text("Respondent,K1,K2\r\na,1,2\r\nb\r\nc,,\r\n")
    assert s.empty_rows == (3, 4) and s.notes == ()


# ---- comment and points columns --------------------------------------------------------------

@pytest.mark.parametrize("heading", [
    "K1 comments", "K1 - Comments", "K1: notes", "Comments [K1]", "Points - How well does appraisal work?",
    "Feedback - How well does appraisal work?", "Any other comments", "Additional comments", "Why? (K5)",
])
def test_comment_headings(heading):
    assert is_comment_heading(heading)


@pytest.mark.parametrize("heading", [
    "K1", "K1. How well do our business planning processes work?", "T2", "[I5] How well does appraisal work?",
    "How well does appraisal work?", "Respondent",
    "Looking ahead over the short, medium and long term, which skills and what level of staffing will the team need?",
])
def test_question_headings_are_not_comments(heading):
    assert not is_comment_heading(heading)


def test_comment_columns_are_not_read_as_the_question_and_are_named():
    s = read_survey_text("Respondent,K1,K1 comments,Points - How well does appraisal work?,I5\r\n"
                         "a,3,planning is patchy,1,4\r\nb,4,,0,5\r\n")
    assert [r.answers for r in s.responses] == [{"K1": 3, "I5": 4}, {"K1": 4, "I5": 5}]
    assert s.comment_columns == ("K1 comments", "Points - How well does appraisal work?")
    assert any("not read" in n and "'K1 comments'" in n for n in s.notes)


# ---- encodings -----------------------------------------------------------------------------------

def test_utf16_without_a_byte_order_mark_is_read():
    s = read_survey_bytes("Respondent\tK1\r\na\t3\r\n".encode("utf-16-le"), "r.txt")
    assert s.responses[0].answers == {"K1": 3}


def test_binary_data_is_still_refused():
    with pytest.raises(SurveyError, match="binary data"):
        read_survey_bytes(b"K1,K2\r\n3,\x00\x01\x02\r\n", "r.csv")


# ---- "None" -----------------------------------------------------------------------------------

@pytest.mark.parametrize("item, allowed", [("K8", "whole number from 1 to 5"), ("T3", "forming")])
def test_none_is_refused_with_the_choices(item, allowed):
    err = refused(f"Respondent,{item}\r\na,None\r\n")
    (p,) = err.problems
    assert p.row == 2 and "'None' could mean the lowest answer or no answer" in p.message and allowed in p.message


def test_none_as_a_written_answer_is_kept():
    s = read_survey_text("Respondent,K1,T2\r\na,3,None\r\nb,4,\r\nc,N/A,more staff\r\n")
    r = summarise(s)
    assert s.responses[0].answers["T2"] == "None" and r.n_respondents == 3


# ---- the command line says what it did --------------------------------------------------------

def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "coplearn.cli", *args], capture_output=True, text=True, timeout=120)


def test_check_prints_the_notes_and_the_rows_left_out(tmp_path):
    src = tmp_path / "survey.csv"
    src.write_bytes("sep=,\r\nRespondent,K1,K1 comments,T2\r\na,3,x,caf\u00e9\r\nb\r\n".encode("cp1252"))
    proc = run("audit", "check", str(src))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "1 respondent, 2 questions recognised." in out
    for words in ("Windows-1252", "sep=,", "'K1 comments'", "Rows with no answers, left out: 3"):
        assert words in out


def test_report_lists_the_notes_in_its_method_escaped(tmp_path):
    src = tmp_path / "survey.csv"
    src.write_text("<b>Team</b> [survey](javascript:x)\r\nRespondent,K1\r\na,3\r\nb,4\r\nc,2\r\n", encoding="utf-8")
    out = tmp_path / "report.md"
    proc = run("audit", "report", str(src), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    assert "The headings are in row 2" in text
    assert not re.search(r"(?<!\\)<b>", text) and not re.search(r"(?<!\\)\]\(javascript", text)


def test_output_into_a_folder_that_does_not_exist_is_refused(tmp_path):
    src = tmp_path / "survey.csv"
    src.write_text("Respondent,K1\r\na,3\r\n", encoding="utf-8")
    out = tmp_path / "typo" / "report.html"
    proc = run("audit", "report", str(src), "-o", str(out))
    assert proc.returncode == 2 and "does not exist" in proc.stderr and "typo" in proc.stderr
    assert not (tmp_path / "typo").exists()


def test_lesson_06_widget_shows_what_the_reader_did(tmp_path):
    import datetime as dt

    from coplearn.widgets import TeamSurveyLoader

    w = TeamSurveyLoader(folder=tmp_path)
    data = "sep=;\r\nRespondent;K1;K1 comments\r\na;3;<b>x</b>\r\nb;4;\r\n".encode("cp1252")
    w.upload.value = ({"name": "team.csv", "type": "text/csv", "size": len(data), "content": memoryview(data),
                       "last_modified": dt.datetime(2026, 1, 20)},)
    assert w.last_error is None and w.result.n_respondents == 2
    for words in ("sep=;", "&#x27;K1 comments&#x27;"):
        assert words in w.status.value
    assert "<b>" not in w.status.value


# ---- found by a second reader (/work/logs/review5.md) ------------------------------------------

def test_quiz_exports_read_their_questions():
    # Microsoft Forms quiz (once-per-quiz columns) and Google Forms quiz ([Score], [Feedback]) layouts,
    # as the reader describes them (not checked against a real export)
    ms = read_survey_text("ID,Total points,Quiz feedback,Grade posted time,K1,Points - K1,Feedback - K1\r\n"
                          "1,3,,,4,0,\r\n2,3,,,2,0,\r\n")
    assert [r.answers for r in ms.responses] == [{"K1": 4}, {"K1": 2}]
    google = read_survey_text("Timestamp,Score,K1,K1 [Score],K1 [Feedback]\r\nx,1,3,0,\r\n")
    assert google.responses[0].answers == {"K1": 3} and {"K1 [Score]", "K1 [Feedback]"} <= set(google.comment_columns)


@pytest.mark.parametrize("heading, item", [
    ("Points of view: how far can problems be raised and practice challenged?", "T5"),
    ("Score 1-5: How well does appraisal work?", "I5"),
    ("T5 Points of view", "T5"),
])
def test_real_questions_that_start_like_a_comment_are_read(heading, item):
    assert not is_comment_heading(heading)
    assert list(read_survey_text(f'"{heading}"\r\n4\r\n').columns) == [item]


@pytest.mark.parametrize("heading", ["Notes on planning", "Explain your rating", "Comments:", "Why?"])
def test_remarks_headings_are_comments(heading):
    assert is_comment_heading(heading)


def test_windows_1252_with_accents_next_to_curly_quotes_is_read():
    data = "Respondent,K1,T2\r\na,3,Jos\u00e9\u2019s view \u00a3\r\n".encode("cp1252")
    assert read_survey_bytes(data, "r.csv").responses[0].answers["T2"] == "Jos\u00e9\u2019s view \u00a3"


def test_a_title_naming_one_item_is_not_taken_for_the_headings():
    s = read_survey_text("T1 team survey March 2026\r\nRespondent,K1,K2\r\na,3,4\r\n")
    assert s.responses[0].answers == {"K1": 3, "K2": 4} and s.responses[0].row == 3


def test_a_totals_row_is_named_as_such():
    err = refused("Respondent,K1\r\na,3\r\nb,4\r\nAverage,3.5\r\n")
    assert "looks like a totals or averages row" in str(err) and err.problems[0].row == 4


def test_an_old_entry_keeps_its_date_when_edited(tmp_path):
    from coplearn.practice.journal import Journal

    path = tmp_path / "journal.json"
    entry = Journal(path).add(learning="x", date="2026-01-05")
    path.write_text(path.read_text(encoding="utf-8").replace("2026-01-05", "1949-06-01"), encoding="utf-8")
    edited = Journal(path).update(entry.id, title="Old notes")
    assert edited.date == "1949-06-01" and edited.title == "Old notes"
    with pytest.raises(ValueError, match="in the future"):
        Journal(path).update(entry.id, date="2099-01-01")


# ---- input 11: symbols, "no answer" marks, score headings -------------------------------------

@pytest.mark.parametrize("cell", ["★★★★", "✓", "👍", "***"])
def test_a_cell_of_symbols_is_refused_with_the_allowed_values(cell):
    """Input 11 #1: symbols are not "no answer"; they were silently read as blank."""
    err = refused(f"Respondent,K1,K2\r\na,{cell},3\r\nb,2,3\r\n")
    assert err.problems[0].row == 2 and err.problems[0].column == "B (K1)"
    assert repr(cell) in str(err) and "whole number from 1 to 5" in str(err)


def test_a_dash_or_question_mark_is_no_answer_and_counted_in_the_notes():
    """Input 11 #1: the marks people type for "no answer" stay blank, but the reader says where."""
    s = read_survey_text("Respondent,K1,K2\r\na,-,3\r\nb,2,?\r\nc,\u2014,\u2026\r\n")
    assert [r.answers for r in s.responses] == [{"K2": 3}, {"K1": 2}]
    note = next(n for n in s.notes if "read as no answer" in n)
    assert note.startswith("4 cells held only a dash, question mark or dots")
    assert "row 2 column B (K1) '-'" in note and "row 3 column C (K2) '?'" in note


@pytest.mark.parametrize("heading", ["K1 score", "K1 points", "K1 Score (1-5)", "K1 rating"])
def test_a_score_heading_over_ratings_is_read_as_the_question(heading):
    """Input 11 #2: "K1 score" over ratings was dropped as a comments column, with nothing on screen."""
    s = read_survey_text(f"Respondent,{heading},K2\r\na,4,3\r\nb,2,3\r\n")
    assert s.columns["K1"] == heading and [r.answers["K1"] for r in s.responses] == [4, 2]
    if "rating" not in heading:
        assert any(f"B ('{heading}') as K1" in n for n in s.notes)


def test_quiz_points_beside_the_question_stay_set_aside():
    s = read_survey_text("Respondent,K1,K1 points\r\na,4,0\r\nb,2,1\r\n")
    assert [r.answers for r in s.responses] == [{"K1": 4}, {"K1": 2}] and s.comment_columns == ("K1 points",)


def test_when_every_column_is_set_aside_the_error_says_so():
    """Input 11 #2: "no column heading is a team audit question" was untrue: K1 was there, set aside."""
    err = refused("Respondent,K1 comments,K2 comments\r\na,fine,ok\r\n")
    assert "set aside: B ('K1 comments'), C ('K2 comments')" in str(err)


@pytest.mark.parametrize("cell", ["\uff14", "\u0664"])
def test_digits_of_another_script_are_read_as_the_digit(cell):
    """Input 11 #19: a full-width or Arabic-Indic 4 was "out of range"."""
    assert read_survey_text(f"Respondent,K1\r\na,{cell}\r\n").responses[0].answers == {"K1": 4}


def test_audit_report_prints_the_notes_and_says_one_respondent(tmp_path):
    """Input 11 #2 and #20: `audit report` printed no notes, and "1 respondents"."""
    survey = tmp_path / "s.csv"
    survey.write_text("Respondent,K1 score,K2\r\na,4,-\r\n", encoding="utf-8")
    import installed

    proc = subprocess.run(installed.coplearn("audit", "report", str(survey), "-o", str(tmp_path / "r.md")),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "for 1 respondent to" in proc.stdout
    assert "as K1" in proc.stdout and "read as no answer: row 2 column C (K2) '-'" in proc.stdout


def test_a_form_built_from_an_earlier_wording_of_a_question_is_still_read() -> None:
    """Fidelity 11 reworded K4 and T11 off the paper's seven-word runs; a manager's survey form made from
    the course's earlier wording must still be read, as the same questions."""
    from coplearn.paper.action_centred import get_item
    from coplearn.practice.survey_headings import match_header

    for item_id in ("K4", "T11"):
        item = get_item(item_id)
        assert item.earlier and item.earlier[0] != item.text
        assert match_header(item.earlier[0]) == match_header(item.text) == item_id


def test_the_k4_heading_the_shipped_files_carried_before_is_still_read() -> None:
    """rev22 N12: the example surveys and a3's data now head K4 with its current wording; a copy of
    one of them made before (K4 headed "K4. " and the earlier wording, or that wording alone, as the
    Google Forms example had it) is still read as K4, with no note."""
    from coplearn.paper.action_centred import get_item

    old = get_item("K4").earlier[0]
    assert old.startswith("How well is the team meeting its performance measures")
    for heading in (f"K4. {old}", old):
        s = read_survey_text(f'Respondent,"{heading}",T4\nA,3,4\nB,4,4\n')
        assert set(s.columns) == {"K4", "T4"} and s.columns["K4"] == heading and not s.notes
    repo = Path(__file__).resolve().parents[2]
    for shipped in ("examples/team-survey.csv", "examples/team-survey-words.csv",
                    "solutions/a3-team-audit/lowfield-team-audit.csv", "exercises/a3-team-audit/lowfield-team-audit.csv"):
        text = (repo / shipped).read_text(encoding="utf-8-sig")
        assert old not in text and get_item("K4").text in text, shipped


def test_lesson_06_reads_a_path_given_from_the_course_folder_as_the_guides_give_it(tmp_path):
    """walk28 L13: the team manager guide says "try it first with examples/team-survey.csv", and the box's own
    example was "team-survey.csv"; typed in lesson 06 both gave "there is no such file", as a typed path was read
    from the lesson's folder only. A path not found there is now looked for in the folder above it (the course's own,
    where the command line runs); one in neither is said to be missing where the lesson looked first."""
    import shutil

    from coplearn.widgets import TeamSurveyLoader

    course = tmp_path / "coplearn"
    (course / "course").mkdir(parents=True)
    (course / "examples").mkdir()
    shutil.copy(Path(__file__).resolve().parents[2] / "examples" / "team-survey.csv", course / "examples" / "team-survey.csv")
    w = TeamSurveyLoader(folder=course / "course")
    assert "examples/team-survey.csv" in w.path.placeholder
    w.path.value = "examples/team-survey.csv"
    w.read_button.click()
    assert w.last_error is None and w.result is not None and w.result.n_respondents == 8, w.last_error
    # the lesson's own folder first: a file of that name there is the one read
    (course / "course" / "examples").mkdir()
    (course / "course" / "examples" / "team-survey.csv").write_text("Respondent,K1\na,2\nb,3\nc,4\n", encoding="utf-8")
    w.read_button.click()
    assert w.last_error is None and w.result.n_respondents == 3
    w.path.value = "examples/no-such-survey.csv"
    w.read_button.click()
    assert w.last_error is not None and "no such file" in w.last_error
    assert "course/examples/no-such-survey.csv" in w.last_error.replace("\\", "/"), w.last_error
