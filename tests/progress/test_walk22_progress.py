"""walk22: the progress file takes a byte-order mark, says a slip in words with where it is, keeps the
lessons it can read (M3), `progress record -o` says what it replaced (L2), and `progress undo` takes
back a lesson marked complete by mistake (L8)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from coplearn.practice import progress as P
import installed

REPO = Path(__file__).resolve().parents[2]
JARGON = ("Traceback", "JSONDecodeError", "Expecting", "Errno", "delimiter")


def cli(folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, COPLEARN_JOURNAL=str(folder / "journal.json"))
    env.pop("COPLEARN_PROGRESS", None)
    proc = subprocess.run(installed.coplearn("progress", *args), capture_output=True, text=True, env=env, timeout=120)
    for word in JARGON:
        assert word not in proc.stdout + proc.stderr, proc.stderr
    return proc


def three_lessons(folder: Path) -> Path:
    prog = P.Progress()
    for number, day in (("03", "2026-11-01"), ("05", "2026-11-02"), ("07", "2026-11-03")):
        prog.mark(number, P.COMPLETED, when=day)
    return prog.path


def listing(folder: Path) -> dict[str, bytes]:
    """Every file in ``folder`` (names and bytes), to show that a command changed nothing."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def complete(folder: Path) -> list[str]:
    return [lp.number for lp in P.Progress().course().complete]


def test_a_progress_file_with_a_byte_order_mark_is_read(folder):
    """walk22 M3 (a): Notepad's byte-order mark made the whole file unreadable and moved it aside."""
    path = three_lessons(folder)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    before = path.read_bytes()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert complete(folder) == ["03", "05", "07"]
        P.Progress().mark("08", "opened")
    assert not list(folder.glob("*.unreadable-*")) and "08" in P.Progress().marks()
    assert before != path.read_bytes()


def test_a_slip_in_one_lesson_is_said_in_words_and_the_others_still_count(folder):
    """walk22 M3 (b, c): "(JSONDecodeError)", every lesson lost, and no way back."""
    path = three_lessons(folder)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"completed": "2026-11-02"', '"completed": 2026-11-02'), encoding="utf-8")
    before = path.read_bytes()
    with pytest.warns(P.ProgressWarning) as rec:  # a read: said, counted, nothing changed
        assert complete(folder) == ["03", "07"]
    said = str(rec[0].message)
    line = next(n for n, t in enumerate(before.decode().splitlines(), 1) if "2026-11-02," in t)
    assert "JSONDecodeError" not in said and f"line {line}, column 26, in lesson 05, field 'completed'" in said
    assert "text and dates go between quotation marks" in said
    assert "Nothing was changed" in said and "lessons 03 and 07 could be read" in said
    assert "coplearn progress done NN --date YYYY-MM-DD" in said
    assert path.read_bytes() == before and not list(folder.glob("*.unreadable-*"))
    with pytest.warns(P.ProgressWarning) as rec:  # a save: kept aside, the rest carried over
        P.Progress().mark("08", "opened")
    said = str(rec[0].message)
    (kept,) = folder.glob("journal-progress.json.unreadable-*")
    assert kept.read_bytes() == before and str(kept) in said
    assert "carried over" in said and "those for lesson 05 were not" in said
    assert complete(folder) == ["03", "07"] and set(P.Progress().marks()) == {"03", "07", "08"}


def test_a_bad_date_in_one_lesson_does_not_lose_the_others(folder):
    path = three_lessons(folder)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["lessons"]["05"]["done"]["completed"] = 20261102
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.warns(P.ProgressWarning, match=r"lesson 05: the date of 'completed' is not a date"):
        assert complete(folder) == ["03", "07"]
    proc = cli(folder)
    assert proc.returncode == 0 and "2 of 12 lessons complete" in proc.stdout and "lesson 05" in proc.stderr


def test_the_progress_command_never_moves_another_kind_of_file(folder, tmp_path):
    survey = tmp_path / "team-survey.csv"
    survey.write_text("Respondent,K1\nR1,4\n", encoding="utf-8")
    env = dict(os.environ, COPLEARN_JOURNAL=str(tmp_path / "journal.json"), COPLEARN_PROGRESS=str(survey))
    for args in ((), ("done", "03")):
        proc = subprocess.run(installed.coplearn("progress", *args), capture_output=True, text=True, env=env, timeout=120)
        assert proc.returncode != 0 and "is not coplearn's progress notes (it looks like a CSV file" in proc.stderr
        assert "Nothing was changed" in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["team-survey.csv"]


def test_progress_record_says_it_replaced_a_file_and_an_empty_one_is_refused(folder):
    """walk22 L2."""
    out = folder / "record.md"
    out.write_text("My record, edited by hand.\n", encoding="utf-8")
    proc = cli(folder, "record", "-o", str(out))
    assert proc.returncode != 0 and "already exists" in proc.stderr and "--force" in proc.stderr
    assert out.read_text(encoding="utf-8") == "My record, edited by hand.\n"
    proc = cli(folder, "record", "-o", str(out), "--force")
    assert proc.returncode == 0 and "It replaced the file record.md that was there (--force)" in proc.stdout
    three_lessons(folder)
    proc = cli(folder, "record", "-o", str(out))
    assert proc.returncode == 0 and "3 lessons complete" in proc.stdout and "It replaced the earlier record.md." in proc.stdout
    proc = cli(folder, "record", "-o", str(folder / "new.md"))
    assert proc.returncode == 0 and "replaced" not in proc.stdout


def test_a_lesson_marked_complete_by_mistake_can_be_taken_back(folder):
    """walk22 L8: `coplearn progress done 06` was for good."""
    proc = cli(folder, "done", "06")
    assert proc.returncode == 0 and "coplearn progress undo 06" in proc.stdout
    assert complete(folder) == ["06"]
    proc = cli(folder, "undo", "6")
    assert proc.returncode == 0 and "is no longer marked complete" in proc.stdout
    assert complete(folder) == [] and P.Progress().marks()["06"] == {"opened": P.Progress().marks()["06"]["opened"]}
    proc = cli(folder, "undo", "06")
    assert proc.returncode == 0 and "was not marked complete by you, so nothing was changed" in proc.stdout
    before = listing(folder)
    proc = cli(folder, "undo", "42")  # (check22 L7: the exit code alone was checked)
    assert proc.returncode == 2 and proc.stdout == "", proc.stdout
    assert proc.stderr.strip() == ("coplearn progress: '42' is not a lesson number; choose one of: "
                                   + ", ".join(f"{n:02d}" for n in range(12))), proc.stderr
    assert listing(folder) == before  # the progress file (and everything beside it) as it was
    guide = (REPO / "docs" / "team-manager-guide.md").read_text(encoding="utf-8")
    assert "coplearn progress undo" in guide


@pytest.mark.parametrize("nothing_to_do", ["open again", "complete again", "undo unmarked"])
def test_a_change_with_nothing_to_do_still_writes_the_lessons_read_from_a_damaged_file(folder, nothing_to_do):
    """check22 H1: the damaged file was set aside and, when the change had nothing to do (a lesson opened
    again, as every lesson's first cell does in a new session), nothing was written: every lesson was lost."""
    path = three_lessons(folder)
    path.write_text(path.read_text(encoding="utf-8").replace('"completed": "2026-11-02"', '"completed": 2026-11-02'),
                    encoding="utf-8")
    with pytest.warns(P.ProgressWarning, match="carried over"):
        if nothing_to_do == "open again":
            assert P.Progress().mark("03", "opened") is False
        elif nothing_to_do == "complete again":
            assert P.Progress().mark("03", "completed") is False
        else:
            assert P.Progress().unmark("09") is False
    assert list(folder.glob("journal-progress.json.unreadable-*")) and path.exists()
    assert complete(folder) == ["03", "07"]


def test_check22_a_record_with_journal_entries_is_not_empty_and_the_widget_keeps_an_earlier_record(folder):
    """check22 L6: a record listing journal entries (no lesson complete) was refused as 'recording none';
    lessons 00 and 11's widget wrote an empty record over an earlier one without a word."""
    from coplearn.core.outputs import marked
    from coplearn.practice.journal import Journal
    from coplearn.widgets.progress import ProgressView

    out = folder / "record.md"  # (earlier records, written by the course and edited by hand: walk28 H1)
    out.write_text(marked("My record, edited by hand.\n", "md"), encoding="utf-8")
    panel = ProgressView(record=True, folder=folder)
    panel.format.value = "md"
    earlier = folder / f"{ProgressView.STEM}.md"
    earlier.write_text(marked("An earlier record.\n", "md"), encoding="utf-8")
    with pytest.raises(ValueError, match="already holds a record of study"):
        panel.write_record()
    assert earlier.read_text(encoding="utf-8") == marked("An earlier record.\n", "md")
    Journal().add(learning="Asked the team first.")
    proc = cli(folder, "record", "-o", str(out))
    assert proc.returncode == 0 and "It replaced the earlier record.md." in proc.stdout, proc.stderr
    panel.write_record()
    assert f"It replaced the earlier {earlier.name}." in panel.status.value
