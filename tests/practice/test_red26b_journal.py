"""Red team 26b (``/work/logs/red26b.md``): journal files the course could not save, export or list honestly.
Each test failed on the code as it stood at the red team.

- F2  a lone surrogate (half of a character pair) in a journal, imported or typed in another encoding, stopped
      every save and export with Python's codec message, and ``journal list`` with a traceback;
- F3  U+FFFE or U+FFFF were accepted, and then every Word export failed with lxml's message;
- F4  after a journal cut short by a crash was kept aside, ``list`` and ``export`` said nothing of its entries;
- F5  a field the course does not know, nested 900 deep, stopped every save with a RecursionError;
- F6  an imported entry with a peer's role but no peer flag was exported as "Peer reflection: No.";
- F9  a journal over 20 MB was "not a coplearn journal".
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coplearn.practice.journal import Journal


def _journal_file(path: Path, *entries: dict) -> Path:
    path.write_text(json.dumps({"format": "coplearn-journal", "version": 1, "entries": list(entries)}), encoding="utf-8")
    return path


def _entry(n: int, **fields: object) -> dict:
    return {"id": f"id{n}", "created": "2026-01-02T10:00:00+00:00", "date": "2026-01-02", "title": f"T{n}",
            "learning": "What I learned about supervision.", **fields}


def test_broken_characters_are_shown_as_such_and_never_stop_a_save_or_an_export(tmp_path: Path) -> None:
    pytest.importorskip("docx")
    path = _journal_file(tmp_path / "journal.json", _entry(1, title="lone \ud800 high"), _entry(2, title="no \uffff \ufffe"))
    journal = Journal(path)
    assert [e.title for e in journal.entries] == ["lone \ufffd high", "no \ufffd \ufffd"]
    journal.add(title="caf\udce9", learning="A byte typed in another encoding, as the command line passes it.")
    assert journal.entries[-1].title == "caf\ufffd"
    for fmt in ("md", "html", "docx"):
        journal.export(tmp_path / f"cpd.{fmt}", fmt)
    assert "lone \ufffd high" in (tmp_path / "cpd.md").read_text(encoding="utf-8")
    again = Journal(path)
    assert len(again.entries) == 3


def test_a_field_kept_from_the_file_is_written_back_whatever_it_holds(tmp_path: Path) -> None:
    deep: object = "bottom"
    for _ in range(900):
        deep = [deep]
    path = _journal_file(tmp_path / "journal.json", _entry(1, x=deep, y="half \ud800 of a pair"))
    journal = Journal(path)
    journal.add(title="New", learning="Saved beside an entry holding odd fields.")
    raw = json.loads(path.read_text(encoding="utf-8"))
    first = raw["entries"][0]
    assert first["y"] == "half \ud800 of a pair"  # (kept as it was read: nothing lost)
    depth, node = 0, first["x"]
    while isinstance(node, list):
        depth, node = depth + 1, node[0]
    assert depth == 900 and node == "bottom" and len(raw["entries"]) == 2


def test_an_entry_with_a_peer_s_role_counts_as_peer_reflection(tmp_path: Path) -> None:
    path = _journal_file(tmp_path / "journal.json", _entry(1, peer_role="senior practitioner"),
                         _entry(2, peer_role="team manager", peer_reflection=False))
    first, second = Journal(path).entries
    assert first.peer_reflection and first.peer_role == "senior practitioner"
    assert not second.peer_reflection  # (said so in the file: left as it is)


def test_list_and_export_name_a_journal_kept_aside_as_unreadable(tmp_path: Path, capsys) -> None:
    from coplearn.cli.main import main

    path = tmp_path / "journal.json"
    journal = Journal(path)
    for n in range(6):
        journal.add(title=f"Entry {n}", learning="A reflection long enough to take some room in the file.")
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")  # a crash part-way
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        Journal(path).add(title="After", learning="Saved after the crash: the old file is kept aside.")
    kept = list(tmp_path.glob("journal.json.unreadable-*"))
    assert len(kept) == 1
    assert main(["journal", "list", "--journal", str(path)]) == 0
    out = capsys.readouterr().out
    assert "1 entry in" in out and f"could not be read and was kept safe beside this one ({kept[0].name})" in out, out
    assert "its entries are not in this list" in out
    assert main(["journal", "export", "-o", str(tmp_path / "cpd.md"), "--journal", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Wrote 1 CPD record" in out and "its entries are not in this export" in out, out
    kept[0].rename(tmp_path / "elsewhere.json")  # moved away once mended and imported: the note goes
    assert main(["journal", "list", "--journal", str(path)]) == 0
    assert "kept safe" not in capsys.readouterr().out


def test_a_journal_too_large_to_import_is_called_that(tmp_path: Path) -> None:
    big = tmp_path / "backup.json"
    big.write_bytes(b'{"format": "coplearn-journal", "version": 1, "entries": []' + b" " * (21 * 1024 * 1024) + b"}")
    with pytest.raises(ValueError) as info:
        Journal(tmp_path / "journal.json").import_from(big)
    assert "too large to import" in str(info.value) and "not a coplearn journal" not in str(info.value)


def test_the_lesson_s_export_button_names_a_journal_kept_aside_too(tmp_path: Path) -> None:
    import warnings

    from coplearn.widgets.journal import JournalExport

    path = tmp_path / "journal.json"
    journal = Journal(path)
    for n in range(4):
        journal.add(title=f"Entry {n}", learning="A reflection long enough to take some room in the file.")
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        journal.add(title="After", learning="Saved after the crash: the old file is kept aside.")
    w = JournalExport(journal=journal, folder=tmp_path)
    w.format.value = "md"
    w.export()
    assert "Exported 1 journal entry" in w.status.value
    assert "its entries are not in this export" in w.status.value
    assert "Bringing in a journal kept elsewhere" in w.status.value
