"""check24 findings 4, 5 and 7 (``/work/logs/check24.md``): what ``coplearn journal`` says when the journal is busy.

- 4  an edit or a removal refused while the journal was busy gave the command to run again with the
     entry's number, which names another entry once the other copy removes an earlier one: it now
     names the entry by its id (found by reading the file without waiting for the lock), and says
     which entry that is; when even that read fails, it says to check the number first.
- 5  that command was quoted for a POSIX shell (an apostrophe became ``'"'"'``): it is now quoted
     for the learner's system, in double quotes where those are plain, and what was typed follows
     word for word when a shell could read something in it.
- 7  the note on files taken in ("the entries of 1 import ... is now in") is grammatical in each case.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from test_journal_busy24 import WAIT, _other_copy, busy_journal, held, run, waiting

from coplearn.practice.journal import Journal, JournalBusy


@pytest.fixture(autouse=True)
def _quiet(nothing_noted_or_said: None) -> None:
    """(tests/practice/conftest.py)"""


@pytest.fixture(autouse=True)
def _short_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    from coplearn.practice import journal_waiting

    monkeypatch.setattr(journal_waiting, "LOCK_TIMEOUT", WAIT)


def three(path: Path) -> Journal:
    journal = busy_journal(path)  # "Duty week", "Supervision"
    journal.add(title="Team meeting", learning="Naming the stage helped.")
    return journal


def _command(err: str, action: str) -> str:
    return next(line.strip() for line in err.splitlines() if line.strip().startswith(f"coplearn journal {action}"))


# ---- 4: the command names the entry by its id ----------------------------------------------------

def test_an_edit_refused_by_number_is_run_again_on_the_same_entry_after_another_copy_removes_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    journal = three(tmp_path / "journal.json")
    supervision = journal.read()[1]
    with held(journal.path):
        code, _, err = run(capsys, "journal", "edit", "2", "--impact-people", "Families felt heard.",
                           "--journal", str(journal.path))
    assert code == 2, err
    command = _command(err, "edit")
    assert shlex.split(command)[3] == supervision.id, command  # (before: "2")
    assert f"names entry 2 ({supervision.date}, 'Supervision') by its id, {supervision.id}" in err, err
    journal.remove(journal.read()[0].id)  # the other copy removes the first entry meanwhile: "2" is now the third
    assert run(capsys, *shlex.split(command)[1:])[0] == 0
    assert {e.title: e.impact_people for e in Journal(journal.path).read()} == {
        "Supervision": "Families felt heard.", "Team meeting": ""}


def test_a_removal_refused_by_number_removes_the_same_entry_after_another_copy_removes_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    journal = three(tmp_path / "journal.json")
    supervision = journal.read()[1]
    with held(journal.path):
        code, _, err = run(capsys, "journal", "remove", "2", "--yes", "--journal", str(journal.path))
    assert code == 2, err
    command = _command(err, "remove")
    assert shlex.split(command) == ["coplearn", "journal", "remove", supervision.id, "--yes", "--journal",
                                    str(journal.path)], command
    assert "so it removes that entry even if entries are added or removed meanwhile" in err, err
    journal.remove(journal.read()[0].id)
    assert run(capsys, *shlex.split(command)[1:])[0] == 0
    assert [e.title for e in Journal(journal.path).read()] == ["Team meeting"]  # (before: "Supervision" was left)


def test_when_even_a_read_without_the_lock_fails_the_number_is_given_with_a_word_to_check_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    journal = three(tmp_path / "journal.json")

    def sharing_violation(self: Journal) -> None:  # (Windows, say, while the other copy replaces the file)
        raise PermissionError(13, "The process cannot access the file", str(self.path))

    monkeypatch.setattr(Journal, "read_without_lock", sharing_violation, raising=False)
    with held(journal.path):
        code, _, err = run(capsys, "journal", "remove", "2", "--yes", "--journal", str(journal.path))
        edit = run(capsys, "journal", "edit", "2", "--title", "Supervision (monthly)", "--journal", str(journal.path))
    assert code == 2 and edit[0] == 2
    for said, action in ((err, "remove"), (edit[2], "edit")):
        assert shlex.split(_command(said, action))[3] == "2"
        assert ("before running it, run `coplearn journal list` and check that entry 2 is still the one you mean"
                in said), said
        assert "Errno" not in said.partition("coplearn journal: note:")[0]
    assert len(Journal(journal.path).read()) == 3


def test_an_entry_given_by_its_id_is_given_back_as_it_was_with_nothing_more_said(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    journal = three(tmp_path / "journal.json")
    first = journal.read()[0]
    with held(journal.path):
        code, _, err = run(capsys, "journal", "edit", first.id, "--hours", "2", "--journal", str(journal.path))
    assert code == 2 and shlex.split(_command(err, "edit"))[3] == first.id
    assert "by its id" not in err and "check that entry" not in err, err


# ---- 5: the command, quoted for the learner's system ---------------------------------------------

APOSTROPHES = "Families didn't feel rushed; it's calmer"


def test_an_apostrophe_is_quoted_plainly_in_double_quotes_and_the_command_runs(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from coplearn.cli import journal as cli

    monkeypatch.setattr(cli, "_on_windows", lambda: False, raising=False)
    journal = three(tmp_path / "journal.json")
    with held(journal.path):
        code, _, err = run(capsys, "journal", "edit", "1", "--impact-people", APOSTROPHES, "--journal", str(journal.path))
    command = _command(err, "edit")
    assert f'--impact-people "{APOSTROPHES}"' in command and "'\"'\"'" not in command, command  # (before: '"'"')
    assert "word for word" not in err  # (nothing to repeat: the command is plain)
    assert run(capsys, *shlex.split(command)[1:])[0] == 0
    assert Journal(journal.path).read()[0].impact_people == APOSTROPHES


def test_text_a_shell_would_read_inside_double_quotes_is_quoted_safely_and_repeated_word_for_word(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from coplearn.cli import journal as cli

    monkeypatch.setattr(cli, "_on_windows", lambda: False, raising=False)
    journal = three(tmp_path / "journal.json")
    typed = 'It\'s "calmer" now: $5 a call, `date`!'
    with held(journal.path):
        code, _, err = run(capsys, "journal", "edit", "1", "--impact-people", typed, "--journal", str(journal.path))
    command = _command(err, "edit")
    assert shlex.split(command)[5] == typed, command  # (shlex.quote: nothing in it is read by the shell)
    assert f"What you typed, word for word, in case your terminal does not take the command above as it is:\n" \
           f"  --impact-people: {typed}\n" in err, err
    assert run(capsys, *shlex.split(command)[1:])[0] == 0
    assert Journal(journal.path).read()[0].impact_people == typed


def test_on_windows_the_command_is_in_double_quotes_which_cmd_and_powershell_both_take(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from coplearn.cli import journal as cli

    monkeypatch.setattr(cli, "_on_windows", lambda: True, raising=False)
    journal = three(tmp_path / "journal.json")
    first = journal.read()[0]
    with held(journal.path):
        code, _, err = run(capsys, "journal", "edit", "1", "--impact-people", APOSTROPHES, "--hours", "1.5",
                           "--journal", str(journal.path))
        other = run(capsys, "journal", "edit", "1", "--impact-people", 'Calls 50% shorter, "calmer"',
                    "--journal", str(journal.path))
    assert _command(err, "edit") == (f'coplearn journal edit {first.id} --hours 1.5 --impact-people "{APOSTROPHES}" '
                                     f'--journal {journal.path}'), err
    assert "word for word" not in err
    # (cmd reads % inside double quotes, PowerShell " : PowerShell's literal quotes, and the words again)
    assert _command(other[2], "edit") == (f"coplearn journal edit {first.id} --impact-people "
                                          f"'Calls 50% shorter, \"calmer\"' --journal {journal.path}"), other[2]
    assert '  --impact-people: Calls 50% shorter, "calmer"\n' in other[2]
    text, plain = cli.command_text(["coplearn", "journal", "remove", "2", "--journal",
                                    r"C:\Users\Ann O'Neil\coplearn\journal.json"])
    assert text == r'coplearn journal remove 2 --journal "C:\Users\Ann O'"'"r'Neil\coplearn\journal.json"' and plain


# ---- 7: the note on what was taken in, in words ---------------------------------------------------

def _entry_aside(journal: Journal, title: str) -> None:
    with held(journal.path), pytest.raises(JournalBusy):
        journal.add(title=title, learning="Kept aside while busy.")


def _import_aside(journal: Journal, tmp_path: Path) -> None:
    with held(journal.path), pytest.raises(JournalBusy):
        journal.import_from(_other_copy(tmp_path))


def _regulator_aside(journal: Journal, _tmp_path: Path) -> None:
    with held(journal.path), pytest.raises(JournalBusy):
        journal.set_regulator("scw")


NOTES = {
    "1 entry": (["entry"], "1 entry kept beside the journal while it was busy ({files}) is now in {path}."),
    "2 entries": (["entry", "entry"],
                  "2 entries kept beside the journal while it was busy ({files}) are now in {path}."),
    "1 import": (["import"], "the entries of an import kept beside the journal while it was busy ({files}) are now in "
                             "{path}."),
    "entries and an import": (["entry", "entry", "import"],
                              "2 entries and the entries of an import kept beside the journal while it was busy "
                              "({files}) are now in {path}."),
    "a regulator choice": (["regulator"], "your choice of regulator kept beside the journal while it was busy "
                                          "({files}) is now in {path}."),
    "all three": (["entry", "import", "regulator"],
                  "1 entry, the entries of an import and your choice of regulator kept beside the journal while it "
                  "was busy ({files}) are now in {path}."),
}


@pytest.mark.parametrize("case", list(NOTES))
def test_the_note_on_what_was_taken_in_is_in_plain_grammatical_words(
        case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kinds, expected = NOTES[case]
    journal = busy_journal(tmp_path / "journal.json")
    for n, kind in enumerate(kinds):
        if kind == "entry":
            _entry_aside(journal, f"Aside {n}")
        else:
            (_import_aside if kind == "import" else _regulator_aside)(journal, tmp_path / f"from-{n}")
    kept = waiting(journal)
    assert len(kept) == len(kinds), kept
    code, _, err = run(capsys, "journal", "list", "--journal", str(journal.path))
    assert code == 0 and not waiting(journal)
    note = next(line for line in err.splitlines() if "kept beside the journal while it was busy" in line)
    files = note[note.index("(") + 1:note.index(")")].split(", ")
    assert sorted(files) == sorted(p.name for p in kept), note
    assert note == "coplearn journal: note: " + expected.format(files=", ".join(files), path=journal.path), note
