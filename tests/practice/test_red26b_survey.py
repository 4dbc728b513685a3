"""Red team 26b F7 and F8 (``/work/logs/red26b.md``): two survey files a team manager really makes.

- F7  a plain Excel (Windows-1252) CSV whose free text holds a capital accented letter followed by a curly quote
      ("CAFÉ’S") was refused as "not UTF-8": the two bytes happen to make a UTF-8 character, so Windows-1252 was
      never tried;
- F8  two downloads pasted one under the other gave one problem per question ("27 problems") instead of saying
      that a row repeats the headings.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coplearn.practice.survey import SurveyError, read_survey_bytes

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "team-survey.csv"


def test_a_windows_1252_file_with_pairs_that_look_like_utf8_is_read() -> None:
    text = EXAMPLE.read_text(encoding="utf-8-sig").replace(
        "cover for two vacant posts", "MORE STAFF FOR THE CAF\u00c9\u2019S DROP-IN \u2013 costs \u00a3", 1)
    assert "CAF\u00c9\u2019S" in text
    survey = read_survey_bytes(text.encode("cp1252"), "team.csv")
    assert any("Windows-1252" in note for note in survey.notes), survey.notes
    assert any("CAF\u00c9\u2019S DROP-IN \u2013 costs \u00a3" in str(r.answers) for r in survey.responses)


def test_a_utf8_file_with_one_stray_byte_is_still_refused() -> None:
    data = EXAMPLE.read_bytes().replace(b"cover for two vacant posts", "caf\u00e9 \u2019x\u2019 ".encode() + b"\xa3", 1)
    with pytest.raises(SurveyError) as info:
        read_survey_bytes(data, "team.csv")
    assert "not UTF-8" in str(info.value)


def test_two_downloads_pasted_together_give_one_line_naming_the_row() -> None:
    lines = EXAMPLE.read_text(encoding="utf-8-sig")
    with pytest.raises(SurveyError) as info:
        read_survey_bytes((lines + lines).encode("utf-8"), "team.csv")
    problems = info.value.problems
    assert len(problems) == 1, [p.message for p in problems][:5]
    assert "repeats the headings of row 1 (two downloads pasted one under the other?)" in problems[0].message


def test_a_report_or_an_export_is_never_written_over_the_journal_or_a_survey(tmp_path: Path, capsys) -> None:
    """F1 (high): `coplearn audit report responses.csv -o journal.json --format html` wrote the report over the
    manager's journal (no copy kept, exit 0); the first error had invited `--format`. The same for a survey's CSV."""
    import shutil

    from coplearn.cli.main import main
    from coplearn.practice.journal import Journal

    journal = tmp_path / "journal.json"
    Journal(journal).add(title="Mine", learning="A reflection that must not be lost.")
    survey = tmp_path / "responses.csv"
    shutil.copy(EXAMPLE, survey)
    other = tmp_path / "march.csv"
    shutil.copy(EXAMPLE, other)
    before = {p: p.read_bytes() for p in (journal, survey, other)}
    for argv in (["audit", "report", str(survey), "-o", str(journal)],
                 ["audit", "report", str(survey), "-o", str(journal), "--format", "html"],
                 ["audit", "report", str(survey), "-o", str(other), "--format", "md"],
                 ["journal", "export", "-o", str(other), "--format", "html", "--journal", str(journal)]):
        assert main(argv) != 0, argv
        err = capsys.readouterr().err
        assert "would replace" in err or "holds data, not a document" in err, (argv, err)
        assert "choose a format" not in err
    assert {p: p.read_bytes() for p in before} == before
    # an earlier report (with its own ending, or none) is replaced as before
    for out in (tmp_path / "report.html", tmp_path / "report"):
        for _ in range(2):
            assert main(["audit", "report", str(survey), "-o", str(out), "--format", "html"]) == 0
    capsys.readouterr()
