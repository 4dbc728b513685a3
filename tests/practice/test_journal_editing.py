"""walk18 M4: a journal entry could be neither completed (the CPD export said "Not written yet" under
the impact on people who use services, and "Peer reflection: No", with nowhere to fill them in) nor
removed (one saved by mistake, perhaps naming a person who uses services). Now lesson 11's
JournalEditor and `coplearn journal edit` / `remove` do both."""

from __future__ import annotations

import time
from pathlib import Path

from coplearn.practice.journal import Journal
from coplearn.widgets.journal import JournalEditor
from test_practice_journal import run_cli


def _journal(tmp_path: Path) -> Journal:
    j = Journal(tmp_path / "journal.json")
    j.add(title="Duty week", learning="Listening first helped.", date="2026-03-02")
    j.add(title="Mistake: names Mrs X", learning="Mrs X's case.", date="2026-03-05")
    return j


def test_the_editor_completes_an_entry_and_the_export_then_shows_it(tmp_path):
    j = _journal(tmp_path)
    ed = JournalEditor(journal=j)
    # (dated by hand, so no time saved; neither says yet how it changes practice: "to finish", walk28 L6)
    assert [label for label, _ in ed.entry.options] == ["2026-03-05: Mistake: names Mrs X \u00b7 to finish",
                                                        "2026-03-02: Duty week \u00b7 to finish"]
    ed.entry.value = next(e.id for e in j.entries if e.title == "Duty week")
    assert "Listening first helped." in ed.shown.value and ed.impact_people.value == ""
    ed.impact_people.value = "Families said the duty calls felt calmer."
    ed.peer_role.value = "a senior practitioner"
    ed.hours.value = "1.5"
    ed.save_button.click()
    assert "Saved the changes" in ed.status.value, ed.status.value + ed.messages.value
    entry = next(e for e in Journal(j.path).entries if e.title == "Duty week")
    assert (entry.impact_people, entry.peer_reflection, entry.peer_role, entry.hours) == (
        "Families said the duty calls felt calmer.", True, "a senior practitioner", 1.5)
    md = Journal(j.path).export(tmp_path / "cpd.md").read_text(encoding="utf-8")
    assert "Families said the duty calls felt calmer." in md


def test_the_editor_says_what_is_wrong_and_changes_nothing(tmp_path):
    j = _journal(tmp_path)
    ed = JournalEditor(journal=j)
    ed.hours.value = "a morning"
    ed.save_button.click()
    assert "hours" in ed.messages.value and "1.5" in ed.messages.value, ed.messages.value
    assert all(e.hours is None for e in Journal(j.path).entries)
    ed.hours.value = ""
    ed.peer_role.value = "Jane Smith"  # a name, where a role belongs: saved, with a warning
    ed.save_button.click()
    assert "looks like a person" in ed.status.value, ed.status.value


def test_the_editor_removes_an_entry_only_when_asked_twice(tmp_path, monkeypatch):
    import coplearn.widgets._base as base

    monkeypatch.setattr(base, "CONFIRM_AFTER", 0.0)
    j = _journal(tmp_path)
    ed = JournalEditor(journal=j)
    assert ed.entry.label.startswith("2026-03-05: Mistake: names Mrs X")
    ed.remove_button.click()  # asks first
    assert len(Journal(j.path).entries) == 2 and ed.remove_button.description == "Yes, remove this entry"
    time.sleep(0.01)
    ed.remove_button.click()
    assert [e.title for e in Journal(j.path).entries] == ["Duty week"]
    assert "Removed" in ed.status.value and ed.entry.label.startswith("2026-03-02: Duty week")
    ed.remove_button.click()  # the next entry is not removed by a third press
    assert len(Journal(j.path).entries) == 1


def test_an_empty_journal_says_so(tmp_path):
    ed = JournalEditor(journal=Journal(tmp_path / "journal.json"))
    assert "no entries yet" in ed.shown.value and ed.save_button.disabled and ed.remove_button.disabled


def test_cli_edit_and_remove(tmp_path):
    path = tmp_path / "cli.json"
    _journal(tmp_path).path.rename(path)
    proc = run_cli("journal", "list", "--since", "2026-03-04", env_journal=path)  # (check18 M1: numbered as a whole)
    assert "  2  2026-03-05" in proc.stdout and "Duty week" not in proc.stdout, proc.stdout
    proc = run_cli("journal", "edit", "1", "--impact-people", "Families felt heard.", "--peer-role", "a practice educator",
                   "--hours", "2", env_journal=path)
    assert proc.returncode == 0 and "'Duty week'" in proc.stdout, proc.stderr
    first = Journal(path).entries[0]
    assert (first.impact_people, first.peer_reflection, first.hours) == ("Families felt heard.", True, 2.0)
    proc = run_cli("journal", "edit", "9", "--hours", "1", env_journal=path)
    assert proc.returncode == 2 and "1 to 2" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cli("journal", "edit", "1", env_journal=path)
    assert proc.returncode == 2 and "say what to change" in proc.stderr
    proc = run_cli("journal", "remove", "2", env_journal=path)  # not a terminal: it will not ask, and removes nothing
    assert proc.returncode == 2 and "add --yes" in proc.stderr and len(Journal(path).entries) == 2
    proc = run_cli("journal", "remove", Journal(path).entries[1].id, "--yes", env_journal=path)
    assert proc.returncode == 0 and "Removed entry" in proc.stdout, proc.stderr
    assert [e.title for e in Journal(path).entries] == ["Duty week"]


def test_the_editor_saves_only_what_was_changed_and_unticking_clears_the_role(tmp_path):
    """check18 L3: unticking "I reflected on this with a peer" did nothing while a role was filled in;
    a save wrote back every box, undoing a change made elsewhere; a removed entry was named by its id."""
    j = _journal(tmp_path)
    duty = next(e for e in j.entries if e.title == "Duty week")
    j.update(duty.id, peer_role="a senior practitioner")
    ed = JournalEditor(journal=j)
    ed.entry.value = duty.id
    assert ed.peer.value is True
    j.update(duty.id, impact_practice="written elsewhere")  # (another tab, meanwhile)
    ed.peer.value = False
    ed.save_button.click()
    entry = next(e for e in Journal(j.path).entries if e.id == duty.id)
    assert (entry.peer_reflection, entry.peer_role, entry.impact_practice) == (False, "", "written elsewhere")
    ed.save_button.click()
    assert "Nothing to save" in ed.status.value
    Journal(j.path).remove(duty.id)
    ed.hours.value = "2"
    ed.save_button.click()
    assert "no longer in your journal" in ed.messages.value and duty.id not in ed.messages.value, ed.messages.value


def test_rating_in_code_updates_the_profile_at_once_in_a_kernel(tmp_path, monkeypatch):
    """check18 L5: with the kernel's loop, rate() left .profile up to 0.8 s behind."""
    import asyncio

    from coplearn.widgets.cultures import CultureProfileWidget

    monkeypatch.setenv("COPLEARN_JOURNAL", str(tmp_path / "journal.json"))
    loop = asyncio.new_event_loop()
    try:
        w = CultureProfileWidget()
        w._soon._soon.loop = lambda: loop  # as in a kernel: quick changes wait for the loop
        ids = list(w.dropdowns)[:3]
        for pid, value in zip(ids, (5, 4, 3)):
            w.rate(pid, value)
        assert w.profile.ratings == dict(zip(ids, (5, 4, 3))) and "3 of 26" in w.progress.value
    finally:
        loop.close()


def test_the_editor_tells_entries_saved_alike_apart(tmp_path):
    """walk28 L6: after a few audits the list showed five identical lines ("2026-12-07: Lesson 06: my team's audit
    against Table 2"), told apart only by the preview under it. Each line now gives the time it was saved, "to
    finish" while a heading of its CPD record is still to fill in, and a number where two would still look alike."""
    import re

    j = Journal(tmp_path / "journal.json")
    for _ in range(3):
        j.add(title="Lesson 06: my team's audit against Table 2", learning="Scores and priorities.")
    done = j.add(title="Lesson 06: my team's audit against Table 2", learning="Scores and priorities.",
                 impact_practice="I will open each team meeting with one case we learned from.",
                 impact_people="Families hear one consistent plan.", description="The team audit in lesson 06.")
    ed = JournalEditor(journal=j)
    labels = [label for label, _ in ed.entry.options]
    assert len(set(labels)) == len(labels) == 4, labels
    assert all(re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d: Lesson 06: my team's audit against Table 2", x) for x in labels)
    assert sum("\u00b7 to finish" in x for x in labels) == 3, labels
    finished = dict((i, x) for x, i in ed.entry.options)[done.id]
    assert "to finish" not in finished, finished
