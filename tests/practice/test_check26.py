"""check26 (``/work/logs/check26.md``): the review of session 26's changes. Each test failed before its fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "team-survey.csv"


def test_checkpoints_and_a_mac_zip_s_copies_are_not_work_in_a_subfolder(tmp_path: Path) -> None:
    """M1: JupyterLab's checkpoint and a Finder zip's ``__MACOSX/._`` file were reported as the student's work."""
    from coplearn.grading.submission import notebooks_elsewhere

    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "a1-checkpoint.ipynb").write_text("{}")
    (tmp_path / "__MACOSX" / "a1").mkdir(parents=True)
    (tmp_path / "__MACOSX" / "a1" / "._a1.ipynb").write_bytes(b"\x00\x05\x16\x07")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "._a1.ipynb").write_bytes(b"\x00")
    (tmp_path / "sub" / "a1.ipynb").write_text("{}")
    assert notebooks_elsewhere(tmp_path) == ["sub/a1.ipynb"]


def test_no_report_or_export_replaces_a_file_of_another_kind(tmp_path: Path) -> None:
    """M2 and L5: the cohort report could replace gradebook.db; a CPD export in Markdown replaced a Word document."""
    from coplearn.grading.cohort import write_report
    from coplearn.practice.journal import Journal

    db = tmp_path / "gradebook.db"
    db.write_bytes(b"SQLite format 3\x00 marks")
    with pytest.raises(ValueError, match="already exists and is not the report"):
        write_report(None, db, "html")  # (refused before anything is drawn)
    assert db.read_bytes() == b"SQLite format 3\x00 marks"
    journal = Journal(tmp_path / "journal.json")
    journal.add(title="Mine", learning="A reflection of my own.")
    mine = tmp_path / "portfolio.docx"
    mine.write_bytes(b"PK\x03\x04 my own Word document")
    with pytest.raises(ValueError, match="already exists and is not the export"):
        journal.export(mine, "md")
    assert mine.read_bytes() == b"PK\x03\x04 my own Word document"
    for name in ("again.md", "again"):  # an earlier export, with the format's ending or none, is replaced
        for _ in range(2):
            journal.export(tmp_path / name, "md")


def test_an_entry_id_with_a_broken_character_is_listed(tmp_path: Path, capsys) -> None:
    """L1: ``journal list`` ended in a traceback."""
    from coplearn.cli.main import main

    path = tmp_path / "journal.json"
    path.write_text(json.dumps({"format": "coplearn-journal", "version": 1, "entries": [
        {"id": "id\ud800", "created": "2026-01-02T10:00:00+00:00", "date": "2026-01-02", "title": "T",
         "learning": "What I learned."}]}), encoding="utf-8")
    assert main(["journal", "list", "--journal", str(path)]) == 0
    assert "id\ufffd" in capsys.readouterr().out


def test_two_utf8_downloads_joined_byte_for_byte_give_one_line(tmp_path: Path) -> None:
    """L2: the second download's byte-order mark hid its heading row from the check."""
    from coplearn.practice.survey import SurveyError, read_survey_bytes

    data = EXAMPLE.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    with pytest.raises(SurveyError) as info:
        read_survey_bytes(data + data, "team.csv")
    assert len(info.value.problems) == 1 and "repeats the headings" in info.value.problems[0].message


def test_the_record_of_study_takes_a_name_with_characters_word_cannot_hold(tmp_path: Path) -> None:
    """L6: ``progress record --name`` with a broken or non-XML character failed with lxml's message."""
    pytest.importorskip("docx")
    from coplearn.practice.progress import Progress
    from coplearn.practice.record_of_study import export_record

    progress = Progress(tmp_path / "journal-progress.json")
    out = export_record(tmp_path / "r.docx", name="Ann \ud800 Lee \uffff", progress=progress)
    assert out.stat().st_size > 0
