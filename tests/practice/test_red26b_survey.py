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
