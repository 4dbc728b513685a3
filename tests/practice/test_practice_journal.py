"""The reflective journal: round trips, crash safety, concurrent writers, moving aside, CPD exports."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import coplearn as cl
from coplearn.practice import cpd
from coplearn.practice.journal import Journal
from coplearn.practice.journal_entry import JournalEntry, JournalWarning, looks_like_a_name
from coplearn.practice.journal_entry import _text as _clean
from practice_html import check_standalone_html
import installed

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_JOURNAL = REPO / "examples" / "sample-journal.json"


@pytest.fixture
def example_journal(tmp_path) -> Path:
    """A copy of the shipped sample journal (reading takes a lock file beside it; keep the repo clean)."""
    copy = tmp_path / "sample" / "sample-journal.json"
    copy.parent.mkdir()
    copy.write_bytes(EXAMPLE_JOURNAL.read_bytes())
    return copy


def full_entry(j: Journal, **over) -> JournalEntry:
    fields = dict(
        title="Group supervision on trust", activity_type="Peer discussion or group supervision",
        date="2026-03-14", description="A group supervision session on a safeguarding case.",
        relevance="Trust in the team shapes how openly we challenge practice.",
        learning="Problems surface sooner when the manager names their own dilemmas first.",
        impact_practice="I now open team meetings by sharing one of my own practice questions.",
        impact_people="Families hear a consistent plan because disagreements are resolved earlier.",
        peer_role="senior practitioner", pcf=["Critical reflection and analysis", "professional_leadership"],
        concepts=["C05", "C20"], lesson="07",
    )
    fields.update(over)
    return j.add(**fields)


# ---- location and round trips -----------------------------------------------------------------

def test_default_location_follows_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("COPLEARN_JOURNAL", str(tmp_path / "elsewhere" / "mine.json"))
    assert cl.default_journal_path() == tmp_path / "elsewhere" / "mine.json"
    assert Journal().path == tmp_path / "elsewhere" / "mine.json"
    monkeypatch.delenv("COPLEARN_JOURNAL")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cl.default_journal_path() == tmp_path / "home" / "coplearn" / "journal.json"


def test_round_trip_through_the_file(tmp_path):
    j = Journal(tmp_path / "j.json")
    a = full_entry(j)
    b = j.add_gibbs(description="A duty meeting became heated.", feelings="Anxious.",
                    evaluation="We got a decision but lost goodwill.", analysis="Storming, in Tuckman's terms.",
                    conclusion="I moved to telling too soon.", action_plan="Ask before I tell next time.",
                    date="2026-04-01")
    again = Journal(tmp_path / "j.json").entries
    assert again == (a, b)
    assert [JournalEntry.from_dict(e.to_dict()) for e in again] == [a, b]
    data = json.loads((tmp_path / "j.json").read_text(encoding="utf-8"))
    assert data["format"] == "coplearn-journal" and len(data["entries"]) == 2
    assert b.gibbs["feelings"] == "Anxious." and b.learning == "I moved to telling too soon."
    assert b.impact_practice == "Ask before I tell next time."


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(learning=st.text(min_size=1, max_size=200).filter(lambda s: _clean(s, "learning")),
       role=st.text(max_size=40))
def test_any_text_round_trips(tmp_path, learning, role):
    """Any text is saved and read back as saved: control characters (which a Word file cannot hold)
    are taken out, pasted line breaks kept as line breaks, and the ends trimmed."""
    path = tmp_path / "prop.json"
    path.unlink(missing_ok=True)
    j = Journal(path)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", JournalWarning)
        e = j.add(learning=learning, peer_role=role)
    (back,) = Journal(path).entries
    assert back == e
    assert back.learning == _clean(learning, "learning")
    assert not any(ord(ch) < 32 and ch not in "\t\n\r" for ch in back.learning + back.peer_role)


def test_update_and_remove_keep_other_entries(tmp_path):
    j = Journal(tmp_path / "j.json")
    a = full_entry(j)
    b = j.add(learning="Second thought.")
    changed = j.update(a.id, impact_people="Carers are invited to the review.")
    assert changed.id == a.id and changed.created == a.created
    j.remove(b.id)
    (only,) = j.entries
    assert only.impact_people == "Carers are invited to the review."
    with pytest.raises(LookupError, match="not an entry"):
        j.remove(b.id)


def test_between_selects_a_registration_year(tmp_path):
    j = Journal(tmp_path / "j.json")
    for d in ("2025-11-30", "2025-12-01", "2026-06-01", "2026-11-30", "2026-12-01"):
        j.add(learning=f"on {d}", date=d)
    assert [e.date for e in j.between("2025-12-01", "2026-11-30")] == ["2025-12-01", "2026-06-01", "2026-11-30"]
    with pytest.raises(ValueError, match="after until"):
        j.between("2026-12-01", "2026-01-01")
    with pytest.raises(ValueError, match="not a date"):
        j.between("last year")


def test_a_name_for_the_peer_draws_a_warning_and_is_left_out_of_exports(tmp_path):
    assert looks_like_a_name("Sarah Jones") and not looks_like_a_name("practice educator")
    j = Journal(tmp_path / "j.json")
    with pytest.warns(JournalWarning, match="looks like a person's name"):
        e = j.add(learning="Reflected on a visit.", peer_role="Sarah Jones")
    md = cpd.to_markdown([e])
    assert "Sarah" not in md and "write the person's role instead" in md



def test_fields_the_course_does_not_know_are_kept_said_and_not_exported(tmp_path):
    """Red team 15 F3: a misspelt field from a hand edit, a field of the learner's own, a top-level key
    and a newer version were dropped without a word, and deleted from the file at the next save."""
    path = tmp_path / "j.json"
    j = Journal(path)
    first = j.add(title="Supervision session", learning="Asking first opens the conversation.")
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["entries"][0]["impact_on_people"] = "Families said the duty calls felt calmer."
    doc["entries"][0]["supervisor_comment"] = "Agreed as CPD evidence."
    doc["profile"] = {"managed": 3.5}
    path.write_text(json.dumps(doc), encoding="utf-8")

    j = Journal(path)
    with pytest.warns(JournalWarning, match=r"'impact_on_people' \(did you mean 'impact_people'\?\), 'supervisor_comment'"):
        (entry,) = j.entries
    assert "the file itself: 'profile'" in j.last_warning and "not shown or exported" in j.last_warning
    assert "give a field the name suggested for it" in j.last_warning
    assert "Families said" not in cpd.to_markdown([entry])  # not the course's field: not exported as if it were
    # kept through every kind of save: a new entry, a change to that entry, and its own fields
    second = j.add(learning="Second entry.")
    j.update(first.id, impact_practice="I open with a question now.")
    after = json.loads(path.read_text(encoding="utf-8"))
    assert after["profile"] == {"managed": 3.5} and after["version"] == 1
    assert after["entries"][0]["impact_on_people"] == "Families said the duty calls felt calmer."
    assert after["entries"][0]["supervisor_comment"] == "Agreed as CPD evidence."
    assert after["entries"][0]["impact_practice"] == "I open with a question now."
    assert [e["id"] for e in after["entries"]] == [first.id, second.id]
    # a field named as the course's is then read as one
    after["entries"][0]["impact_people"] = after["entries"][0].pop("impact_on_people")
    path.write_text(json.dumps(after), encoding="utf-8")
    assert Journal(path).entries[0].impact_people == "Families said the duty calls felt calmer."


def test_renaming_is_suggested_only_for_a_field_close_to_the_courses(tmp_path):
    """Whether to suggest renaming follows the fields, not the warning's text (a title that says
    "did you mean" suggested a rename for a field of the learner's own)."""
    path = tmp_path / "j.json"
    Journal(path).add(title="Asked: did you mean that?", learning="A question I asked in supervision.")
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["entries"][0]["supervisor_comment"] = "Agreed as CPD evidence."
    path.write_text(json.dumps(doc), encoding="utf-8")
    j = Journal(path)
    with pytest.warns(JournalWarning, match="supervisor_comment"):
        j.entries
    assert "name suggested" not in j.last_warning


def test_a_journal_from_a_newer_version_is_read_and_never_changed(tmp_path):
    path = tmp_path / "j.json"
    Journal(path).add(learning="Written by this version.")
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["version"] = 2
    path.write_text(json.dumps(doc), encoding="utf-8")
    before = path.read_bytes()
    j = Journal(path)
    with pytest.warns(JournalWarning, match="saved by a newer version of the course"):
        assert [e.learning for e in j.entries] == ["Written by this version."]
    with pytest.raises(OSError, match="newer version of the course .* this change was not saved"):
        j.add(learning="An older copy's entry.")
    assert path.read_bytes() == before
    for version in ("1", 1.0, "abc"):  # hand edits: read as this version, not as a newer one (check 15)
        doc["version"] = version
        path.write_text(json.dumps(doc), encoding="utf-8")
        Journal(path).add(learning=f"Saved with version {version!r}.")
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert doc["version"] == 1
    assert len(Journal(path).entries) == 4

# ---- moving an unreadable file aside ------------------------------------------------------------

@pytest.mark.parametrize("content", [b'{"format": "coplearn-journal", "entries": [{"id": ', b"",
                                     '{"format": "coplearn-journal", "entries": [], "x": "Zo\u00eb"}'.encode("cp1252"),
                                     b'{"format": "something-else", "entries": []}'])
def test_unreadable_journal_is_moved_aside_by_a_save_and_learner_told(tmp_path, content):
    """A damaged journal is left as it is by a read (walk22 M1), and moved aside only by a save."""
    path = tmp_path / "j.json"
    path.write_bytes(content)
    j = Journal(path)
    with pytest.warns(JournalWarning, match="could not be read.*Nothing was changed"):
        assert j.entries == ()
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == ["j.json"]
    with pytest.warns(JournalWarning, match="could not be read") as rec:
        e = j.add(learning="A fresh start.")
    moved = [p for p in tmp_path.iterdir() if p.name.startswith("j.json.unreadable-")]
    assert len(moved) == 1 and moved[0].read_bytes() == content  # kept, byte for byte
    assert str(moved[0]) in str(rec[0].message) and str(moved[0]) in j.last_warning
    assert Journal(path).entries == (e,)
    assert moved[0].read_bytes() == content  # never overwritten


# ---- crash safety -----------------------------------------------------------------------------

@pytest.mark.parametrize("where", ["replace", "fsync", "write"])
def test_failure_mid_save_leaves_previous_journal_intact(tmp_path, monkeypatch, where):
    path = tmp_path / "j.json"
    j = Journal(path)
    first = full_entry(j)
    before = path.read_bytes()
    import coplearn.core.atomic as atomic

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    if where == "replace":
        monkeypatch.setattr(atomic.os, "replace", boom)
    elif where == "fsync":
        monkeypatch.setattr(atomic.os, "fsync", boom)
    else:
        real_fdopen = atomic.os.fdopen

        class Half:
            def __init__(self, fh):
                self.fh = fh

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.fh.close()

            def write(self, data):
                self.fh.write(data[: len(data) // 2])
                raise OSError(5, "Input/output error")

        monkeypatch.setattr(atomic.os, "fdopen", lambda fd, mode: Half(real_fdopen(fd, mode)))
    with pytest.raises(OSError):
        j.add(learning="This one fails to save.")
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert Journal(path).entries == (first,)
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"], "temporary file left behind"


def test_process_killed_mid_save_leaves_previous_journal_intact(tmp_path):
    """A real crash: the writing process is SIGKILLed after the temporary file is written."""
    path = tmp_path / "j.json"
    j = Journal(path)
    first = full_entry(j)
    before = path.read_bytes()
    code = textwrap.dedent(f"""
        import os, signal
        import coplearn.core.atomic as atomic
        from coplearn.practice.journal import Journal
        atomic.os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)
        Journal({str(path)!r}).add(learning="never saved " * 500)
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert path.read_bytes() == before
    assert Journal(path).entries == (first,)


# ---- concurrent writers -------------------------------------------------------------------------

def _writer(path: str, tag: str, count: int) -> None:
    j = Journal(path)
    for i in range(count):
        j.add(learning=f"{tag} entry {i}", lesson="01")


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_concurrent_writers_lose_no_entry(tmp_path, method):
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"{method} is not available here")
    ctx = multiprocessing.get_context(method)
    path = str(tmp_path / "shared.json")
    writers, per = 4, 15
    procs = [ctx.Process(target=_writer, args=(path, f"w{n}", per)) for n in range(writers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    entries = Journal(path).entries
    assert len(entries) == writers * per
    assert {e.learning for e in entries} == {f"w{n} entry {i}" for n in range(writers) for i in range(per)}
    assert len({e.id for e in entries}) == writers * per


# ---- exports ------------------------------------------------------------------------------------

def test_markdown_export_lays_out_cpd_records(tmp_path):
    j = Journal(tmp_path / "j.json")
    full_entry(j)
    j.add(learning="Only this so far.", title="Half done")
    out = j.export(tmp_path / "cpd.md")
    md = out.read_text(encoding="utf-8")
    assert md.count("\n## Record ") == 2
    for heading in ("Type of activity", "Date", "Description and why it is relevant", "What I learned",
                    "Impact on my practice", "Impact on people who use services", "Peer reflection",
                    "PCF domains (BASW 2018; England)", "Course concepts"):
        assert f"### {heading}" in md
    assert "Yes, with a senior practitioner." in md
    assert "Critical reflection and analysis; Professional leadership" in md
    assert "14 March 2026 (2026-03-14)" in md
    assert "1 record has a heading still to fill in" in md
    assert md.count(cpd.MISSING) == 3  # description and the two impacts of the half-done entry
    assert "2 records, 1 with peer reflection." in md
    # the document a learner sends on names the journal's file, not where it is on their computer (docs16 F11)
    assert "from j.json." in md and str(tmp_path) not in md


def test_records_are_exported_in_date_order(tmp_path):
    """walk16 F9: an entry brought in from another copy (added at the journal's end) was exported last,
    whatever its date."""
    j = Journal(tmp_path / "j.json")
    j.add(title="December supervision", learning="Later.", date="2026-12-01")
    j.add(title="November team meeting", learning="Earlier.", date="2026-11-20")
    md = j.export(tmp_path / "cpd.md").read_text(encoding="utf-8")
    assert md.index("November team meeting") < md.index("December supervision")
    assert [e.title for e in j.entries] == ["December supervision", "November team meeting"]  # the file as it was


def test_html_export_is_standalone_and_accessible(tmp_path):
    j = Journal(tmp_path / "j.json")
    e = full_entry(j, learning="Use <b>care</b> & escape\n\nSecond paragraph.")
    out = j.export(tmp_path / "cpd.html")
    html = out.read_text(encoding="utf-8")
    o = check_standalone_html(html)
    assert o.headings == [1, 2] + [3] * 9
    assert "&lt;b&gt;care&lt;/b&gt; &amp; escape" in html and "<b>care" not in html
    assert "<p>Second paragraph.</p>" in html
    assert e.title in html


def test_docx_export_has_headings_and_every_field(tmp_path):
    j = Journal(tmp_path / "j.json")
    a = full_entry(j)
    b = j.add_gibbs(description="A heated duty meeting.", feelings="Anxious.", conclusion="Ask first.",
                    action_plan="Open with a question.", title="Gibbs on a duty meeting")
    out = j.export(tmp_path / "cpd.docx")
    d = docx.Document(str(out))
    assert d.core_properties.author == "" and d.core_properties.last_modified_by == ""  # (walk28 L9: "python-docx")
    heads = [(p.style.name, p.text) for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert heads[0] == ("Heading 1", "My CPD records from the coplearn journal")
    assert ("Heading 2", f"Record 1: {a.title}") in heads and ("Heading 2", f"Record 2: {b.title}") in heads
    assert ("Heading 3", "Reflection using Gibbs' cycle (1988)") in heads
    texts = [p.text for p in d.paragraphs]
    for value in (a.learning, a.impact_practice, a.impact_people, a.activity_type, "Yes, with a senior practitioner."):
        assert value in texts
    assert "Feelings. Anxious." in texts
    assert d.core_properties.language == "en-GB"
    assert d.styles["Normal"].element.xpath("./w:rPr/w:lang/@w:val") == ["en-GB"]


def test_format_choice_and_bad_format(tmp_path):
    j = Journal(tmp_path / "j.json")
    j.add(learning="x")
    out = j.export(tmp_path / "notes.txt", "html")
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with pytest.raises(ValueError, match="not an export format"):
        j.export(tmp_path / "a.md", "pdf")
    with pytest.raises(ValueError, match="cannot tell the format"):
        j.export(tmp_path / "a.pdf")
    assert not (tmp_path / "a.pdf").exists() and not (tmp_path / "a.md").exists()


def test_empty_journal_exports_a_helpful_page(tmp_path):
    j = Journal(tmp_path / "none.json")
    md = j.export(tmp_path / "e.md").read_text(encoding="utf-8")
    assert "no entries yet" in md and "0 records" in md


def test_example_journal_is_a_valid_journal(example_journal):
    entries = Journal(example_journal).entries
    assert len(entries) >= 3
    assert any(e.peer_reflection for e in entries) and any(e.gibbs for e in entries)
    assert not any(looks_like_a_name(e.peer_role) for e in entries if e.peer_role)


# ---- the CLI ------------------------------------------------------------------------------------

def run_cli(*args: str, env_journal: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if env_journal is not None:
        env["COPLEARN_JOURNAL"] = str(env_journal)
    return subprocess.run(installed.coplearn(*args), capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_cli_exports_the_example_journal(tmp_path, fmt, example_journal):
    out = tmp_path / f"cpd.{fmt}"
    proc = run_cli("journal", "export", "--format", fmt, "-o", str(out), "--journal", str(example_journal))
    assert proc.returncode == 0, proc.stderr
    assert out.exists() and out.stat().st_size > 0
    n = len(Journal(example_journal).entries)
    assert f"Wrote {n} CPD records" in proc.stdout
    if fmt == "html":
        check_standalone_html(out.read_text(encoding="utf-8"))
    if fmt == "docx":
        heads = [p.text for p in docx.Document(str(out)).paragraphs if p.style.name == "Heading 2"]
        assert len(heads) == n


def test_cli_add_list_and_errors(tmp_path):
    path = tmp_path / "cli.json"
    proc = run_cli("journal", "add", "--learning", "Supervision can be developmental.", "--peer-role",
                   "practice educator", "--pcf", "knowledge", "--date", "2026-02-03", env_journal=path)
    assert proc.returncode == 0, proc.stderr
    proc = run_cli("journal", "list", env_journal=path)
    assert "2026-02-03" in proc.stdout and "[peer reflection]" in proc.stdout
    proc = run_cli("journal", "add", "--learning", "x", "--pcf", "cooking", env_journal=path)
    assert proc.returncode == 2 and "not a PCF domain" in proc.stderr and "Traceback" not in proc.stderr
    out = tmp_path / "x.pdf"
    proc = run_cli("journal", "export", "-o", str(out), env_journal=path)
    assert proc.returncode == 2 and "cannot tell the format" in proc.stderr and not out.exists()
    proc = run_cli("journal", "path", env_journal=path)
    assert proc.stdout.strip() == str(path)


def test_cli_tells_the_learner_about_an_unreadable_journal(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"format": "coplearn-journal", "entries": [{"learning": "half', encoding="utf-8")
    proc = run_cli("journal", "list", env_journal=path)  # (a read: said, nothing moved; walk22 M1)
    assert proc.returncode == 2 and "0 entries" not in proc.stdout
    assert "could not be read" in proc.stderr and "Nothing was changed" in proc.stderr and "Traceback" not in proc.stderr
    assert not [p for p in tmp_path.iterdir() if ".unreadable-" in p.name]
    proc = run_cli("journal", "add", "--learning", "A new start", env_journal=path)  # (a save: kept aside)
    assert proc.returncode == 0 and "kept safe as" in proc.stderr and "Traceback" not in proc.stderr
    (moved,) = [p for p in tmp_path.iterdir() if ".unreadable-" in p.name]
    assert moved.read_text(encoding="utf-8").endswith('"half')


def test_cli_export_of_an_empty_journal_says_which_empty(tmp_path):
    journal = tmp_path / "j.json"
    proc = run_cli("journal", "export", "-o", str(tmp_path / "cpd.md"), "--journal", str(journal))
    assert proc.returncode == 0, proc.stderr
    assert "The journal has no entries yet." in proc.stdout and "period" not in proc.stdout
    proc = run_cli("journal", "export", "-o", str(tmp_path / "cpd-2026.md"), "--journal", str(journal),
                   "--since", "2026-04-01")
    assert "The journal has no entries in that period yet." in proc.stdout


def test_cli_export_to_a_folder_is_refused(tmp_path):
    proc = run_cli("journal", "export", "--format", "md", "-o", str(tmp_path), env_journal=tmp_path / "j.json")
    assert proc.returncode == 2 and "is a folder" in proc.stderr


# ---- bad input from a second tester (each of these lost or hid a journal before) ----------------

def test_a_time_under_a_minute_is_refused_not_saved_as_zero(tmp_path):
    j = Journal(tmp_path / "j.json")
    with pytest.raises(ValueError, match=r"hours: .*less than a minute"):
        j.add(learning="Peer talk helped", hours=0.001)
    j.add(learning="Peer talk helped", hours=0.25)
    assert [e.hours for e in Journal(tmp_path / "j.json").entries] == [0.25]


def test_an_export_never_replaces_the_journal(tmp_path):
    j = Journal(tmp_path / "journal.json")
    j.add(learning="Peer talk helped")
    before = j.path.read_bytes()
    with pytest.raises(ValueError, match="one of the course's own data files"):
        j.export(j.path, "md")
    assert j.path.read_bytes() == before


@pytest.mark.parametrize("bad, field", [
    ({"date": "27/11/2026"}, "date"), ({"learning": 42}, "learning"), ({"peer_reflection": "false"}, "peer_reflection"),
    ({"pcf": ["not a domain"]}, "not a domain"), ({"gibbs": {"feelings": 3}}, "gibbs"),
])
def test_an_import_with_a_malformed_entry_adds_nothing_and_names_it(tmp_path, bad, field):
    j = Journal(tmp_path / "j.json")
    j.add(learning="Mine")
    entry = {"id": "abc123", "created": "2026-11-27T10:00:00+00:00", "date": "2026-11-27", "learning": "Theirs"}
    entry.update(bad)
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"format": "coplearn-journal", "version": 1, "entries": [entry]}), encoding="utf-8")
    with pytest.raises(ValueError, match=r"entry 1\b.*" + field.split()[0]):
        j.import_from(other)
    assert [e.learning for e in Journal(j.path).entries] == ["Mine"]


def test_a_journal_with_a_byte_order_mark_is_read_and_can_be_imported(tmp_path):
    j = Journal(tmp_path / "j.json")
    j.add(learning="Saved by Notepad")
    j.path.write_bytes(b"\xef\xbb\xbf" + j.path.read_bytes())
    assert [e.learning for e in Journal(j.path).entries] == ["Saved by Notepad"]
    assert Journal(tmp_path / "k.json").import_from(j.path) == (1, 0)


def test_text_pasted_from_word_exports_to_word(tmp_path):
    j = Journal(tmp_path / "j.json")
    e = j.add(learning="First line\x0bsecond line\x07 end")
    assert e.learning == "First line\nsecond line end"
    out = j.export(tmp_path / "cpd.docx")
    assert "second line end" in "\n".join(p.text for p in docx.Document(str(out)).paragraphs)


def test_a_deeply_nested_journal_file_is_kept_aside_not_a_traceback(tmp_path):
    path = tmp_path / "j.json"
    path.write_text('{"format": "coplearn-journal", "entries": ' + "[" * 100000 + "]" * 100000 + "}", encoding="utf-8")
    j = Journal(path)
    with pytest.warns(JournalWarning, match="could not be read"):
        assert j.entries == ()
    with pytest.warns(JournalWarning, match="kept safe as"):
        j.add(learning="A new start")
    assert list(tmp_path.glob("j.json.unreadable-*"))


def test_cli_bad_values_name_the_option_and_the_form(tmp_path):
    env = dict(os.environ, COPLEARN_PROGRESS=str(tmp_path / "progress.json"), COPLEARN_JOURNAL=str(tmp_path / "j.json"))
    cli = [sys.executable, "-m", "coplearn.cli"]
    proc = subprocess.run(cli + ["progress", "done", "03", "--date", "11/27/2026"], env=env, capture_output=True, text=True)
    assert proc.returncode != 0 and "date: '11/27/2026' is not a date; write it as YYYY-MM-DD" in proc.stdout + proc.stderr
    # written day first, as in the UK (walk22 L6), it is read and kept in the course's form
    proc = subprocess.run(cli + ["progress", "done", "03", "--date", "27/11/2026"], env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2026-11-27" in (tmp_path / "progress.json").read_text(encoding="utf-8")
    proc = subprocess.run(cli + ["progress", "done", ""], env=env, capture_output=True, text=True)
    assert proc.returncode != 0 and "is not a lesson number" in proc.stdout + proc.stderr
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    proc = subprocess.run(cli + ["print", "06", "-o", str(tmp_path / "afile")], env=env, capture_output=True, text=True)
    assert proc.returncode == 2 and "is a file, not a folder" in proc.stdout and "Traceback" not in proc.stderr


def test_a_failed_save_says_nothing_changed_and_keeps_the_journal(tmp_path, monkeypatch):
    j = Journal(tmp_path / "j.json")
    j.add(learning="First")
    before = j.path.read_bytes()

    def full(*_a, **_k):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OSError, match="could not be saved .*the disk is full.*journal is as it was before"):
        j.add(learning="Second")
    monkeypatch.undo()
    assert j.path.read_bytes() == before


def test_an_import_keeps_one_entry_per_id(tmp_path):
    entry = {"id": "abc123", "created": "2026-11-27T10:00:00+00:00", "date": "2026-11-27", "learning": "Once"}
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"format": "coplearn-journal", "version": 1, "entries": [entry, dict(entry)]}),
                     encoding="utf-8")
    j = Journal(tmp_path / "j.json")
    assert j.import_from(other) == (1, 1)
    assert [e.id for e in j.entries] == ["abc123"]


def test_a_journal_in_a_folder_that_cannot_be_written_can_still_be_read(tmp_path, monkeypatch):
    import errno

    from coplearn.core import atomic

    j = Journal(tmp_path / "j.json")
    j.add(learning="Kept on a read-only share")
    real_open = open

    def no_lock_files(path, *args, **kwargs):
        if str(path).endswith(".lock"):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, *args, **kwargs)
    monkeypatch.setattr(atomic, "open", no_lock_files, raising=False)  # (the fcntl lock opens its file with open)
    monkeypatch.setattr(atomic, "LOCK_METHOD", "fcntl")
    assert [e.learning for e in Journal(j.path).entries] == ["Kept on a read-only share"]


# ---- input 11: read-only folders, damaged and re-encoded journals, plain file messages ----------

def _read_only(*_a, **_k):
    raise OSError(30, "Read-only file system", "/ro/journal.json.lock")


def test_a_journal_in_a_read_only_folder_exports_without_a_lock(tmp_path, monkeypatch):
    """Input 11 #3: the export read the regulator under a lock it could not make there."""
    import coplearn.core.atomic as atomic

    j = Journal(tmp_path / "j.json")
    j.add(learning="Kept on a USB stick")
    monkeypatch.setattr(atomic, "file_lock", _read_only)
    assert j.regulator == "swe" and len(j.entries) == 1
    out = j.export(tmp_path / "cpd.md")
    assert "Kept on a USB stick" in out.read_text(encoding="utf-8")


def test_saving_in_a_read_only_folder_says_the_entry_was_not_saved(tmp_path, monkeypatch):
    """Input 11 #4: "[Errno 30] Read-only file system: '….lock'"."""
    import coplearn.practice.journal as journal_module

    j = Journal(tmp_path / "j.json")
    j.add(learning="First")
    before = j.path.read_bytes()
    monkeypatch.setattr(journal_module, "file_lock", _read_only)
    for change in (lambda: j.add(learning="Second"), lambda: j.set_regulator("scw")):
        with pytest.raises(OSError) as info:
            change()
        said = str(info.value)
        assert "cannot be written to (read-only)" in said and "this change was not saved" in said
        assert "[Errno" not in said and ".lock" not in said and str(j.path) in said
    assert j.path.read_bytes() == before


def test_a_damaged_journal_in_a_read_only_folder_is_called_damaged(tmp_path, monkeypatch):
    """Input 11 #5: the message was only the failed move ("[Errno 30] … -> ….unreadable-…")."""
    import coplearn.practice.journal as journal_module

    path = tmp_path / "j.json"
    path.write_text('{"format": "coplearn-journal", "entries": [', encoding="utf-8")
    monkeypatch.setattr(journal_module, "move_aside", _read_only)
    with pytest.raises(OSError) as info:
        Journal(path).add(learning="A new start")  # (only a save moves a damaged journal aside: walk22 M1)
    said = str(info.value)
    assert "could not be read (line 1, column 44: the file ends too early" in said and "left where it is, unchanged" in said
    assert "[Errno" not in said and path.read_text(encoding="utf-8").endswith("[")


def test_every_bad_field_of_a_hand_edited_journal_is_named_at_once(tmp_path):
    """Input 11 #6: only the first bad field was named, so mending took one round per field."""
    entries = [{"id": f"e{n}", "created": "2026-11-27T10:00:00+00:00", "date": "2026-11-27", "learning": "x"}
               for n in range(1, 6)]
    entries[2]["date"] = "05/12/2026"
    entries[3]["hours"] = "1.5h"
    path = tmp_path / "j.json"
    path.write_text(json.dumps({"format": "coplearn-journal", "version": 1, "entries": entries}), encoding="utf-8")
    with pytest.warns(JournalWarning) as rec:
        Journal(path).entries
    said = str(rec[0].message)
    assert "2 entries have a problem" in said and "entry 3: date" in said and "entry 4: hours" in said


def test_a_journal_saved_as_utf16_is_read_and_imported(tmp_path):
    """Input 11 #7: Notepad's "Unicode" journal was "not a coplearn journal" on import."""
    source = Journal(tmp_path / "a.json")
    source.add(learning="Zo\u00eb\u2019s supervision")
    utf16 = tmp_path / "utf16.json"
    utf16.write_bytes(source.path.read_text(encoding="utf-8").encode("utf-16"))
    assert [e.learning for e in Journal(utf16).entries] == ["Zo\u00eb\u2019s supervision"]
    assert Journal(tmp_path / "b.json").import_from(utf16) == (1, 0)
    other = tmp_path / "latin.json"
    other.write_bytes(source.path.read_text(encoding="utf-8").encode("cp1252"))
    with pytest.raises(ValueError) as info:
        Journal(tmp_path / "c.json").import_from(other)
    said = str(info.value)
    assert "not saved as UTF-8" in said and "not a coplearn journal" not in said and "codec" not in said


def test_importing_a_missing_file_or_a_folder_says_so_in_words(tmp_path):
    """Input 11 #9: "[Errno 2] No such file or directory", "[Errno 21] Is a directory"."""
    j = Journal(tmp_path / "j.json")
    with pytest.raises(OSError) as info:
        j.import_from(tmp_path / "nonexist.json")
    assert "there is no such file or folder, so nothing was imported" in str(info.value)
    with pytest.raises(OSError) as info:
        j.import_from(tmp_path)
    assert "it is a folder, not a file" in str(info.value) and "[Errno" not in str(info.value)


def test_cli_file_problems_are_in_words_and_say_what_changed(tmp_path):
    """Input 11 #8: "coplearn journal: [Errno 28] No space left on device" named no file."""
    from coplearn.cli.main import problem_text

    said = problem_text(OSError(28, "No space left on device"), "the export was not written", tmp_path / "cpd.md")
    assert said == f"{tmp_path / 'cpd.md'}: the disk is full; the export was not written."
    proc = run_cli("journal", "import", str(tmp_path / "nonexist.json"), "--journal", str(tmp_path / "j.json"))
    assert proc.returncode == 2 and "there is no such file or folder" in proc.stderr and "[Errno" not in proc.stderr


def test_journal_list_into_a_closed_pipe_stops_quietly(tmp_path):
    """Input 11 #10: `coplearn journal list | head -2` ended in a BrokenPipeError traceback."""
    entries = [{"id": f"e{n}", "created": "2026-11-27T10:00:00+00:00", "date": "2026-11-27",
                "learning": f"Entry number {n} with enough words to fill the pipe quickly"} for n in range(4000)]
    path = tmp_path / "j.json"
    path.write_text(json.dumps({"format": "coplearn-journal", "version": 1, "entries": entries}), encoding="utf-8")
    proc = subprocess.Popen(installed.coplearn("journal", "list", "--journal", str(path)), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()
    _, err = proc.communicate(timeout=120)
    assert b"Traceback" not in err and b"BrokenPipe" not in err


def test_progress_into_a_closed_pipe_stops_quietly(tmp_path):
    """Review 11: `coplearn progress | head` (the reader gone before anything is written) was reported
    as a file problem, or as Python's "Exception ignored ... BrokenPipeError" at exit."""
    proc = subprocess.Popen(installed.coplearn("progress", "--journal", str(tmp_path / "j.json"),
                                               "--progress", str(tmp_path / "p.json")),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # before it has started, so its first line meets a closed pipe
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0 and b"BrokenPipe" not in err and b"coplearn progress:" not in err, err


def test_windows_line_ends_become_one_line_break(tmp_path):
    """Input 11 #14: "\\r\\n" became two breaks in the Word export (and a blank line in the record)."""
    j = Journal(tmp_path / "j.json")
    e = j.add(learning="Line one\r\nLine two\r\n\r\nPara two\rEnd")
    assert e.learning == "Line one\nLine two\n\nPara two\nEnd"
    xml = docx.Document(str(j.export(tmp_path / "cpd.docx"))).element.xml
    assert "Line one" in xml and "<w:br/><w:br/>Line two" not in xml


@pytest.mark.parametrize("hours, said", [(0, "is no time at all; give the time the activity took, more than 0 hours"),
                                         (201, "is more than 200 hours")])
def test_hours_out_of_range_say_which_way(hours, said):
    """Input 11 #21: "hours: '0' is outside 0 to 200"."""
    with pytest.raises(ValueError, match=f"hours: {hours} {said}"):
        JournalEntry.create(learning="x", hours=hours)


# ---- an export replaces only an earlier export (walk28 H1) --------------------------------------

def _others(folder: Path, *keep: str) -> list[str]:
    """The files in ``folder`` besides the journal (and its lock file) and ``keep``."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("journal.json") and p.name not in keep)


@pytest.mark.parametrize("name", ["my-cpd-log.docx", "my-team-notes.html", "README.md"])
def test_an_export_is_never_written_over_a_document_of_your_own(tmp_path, capsys, name):
    """walk28 H1: ``journal export -o`` replaced a Word document, a web page or Markdown of the manager's own with
    the same ending (the course's own README.md among them); the guide says such a file is refused."""
    from coplearn.cli.main import main
    from own_documents import own_document

    journal = Journal(tmp_path / "journal.json")
    journal.add(title="Supervision", learning="Trust grows when problems can be raised.")
    mine = tmp_path / name
    before = own_document(mine)
    stem, ending = name.rsplit(".", 1)
    with pytest.raises(ValueError, match="was not made by coplearn"):
        journal.export(mine)
    assert main(["journal", "export", "--journal", str(journal.path), "-o", str(mine)]) == 2
    err = capsys.readouterr().err
    assert err == (f"coplearn journal: {mine} already exists and was not made by coplearn (it may be a document of "
                   f"your own), so the export was not written and {name} is unchanged. Choose another file name, "
                   f"for example {stem}-2.{ending}, or add --force to replace it anyway.\n")
    assert mine.read_bytes() == before and _others(tmp_path) == [name]
    # an earlier export of the same name is replaced, and the command says so
    earlier = tmp_path / f"{stem}-2.{ending}"
    argv = ["journal", "export", "--journal", str(journal.path), "-o", str(earlier)]
    assert main(argv) == 0 and "replaced" not in capsys.readouterr().out
    assert main(argv) == 0 and f"It replaced the earlier {earlier.name}." in capsys.readouterr().out
    # --force replaces your own, as asked
    assert main(["journal", "export", "--journal", str(journal.path), "-o", str(mine), "--force"]) == 0
    out = capsys.readouterr().out  # (your own file, not "the earlier" export: rev28b L10)
    assert f"It replaced the file {name} that was there (--force), which coplearn had not written." in out
    assert "earlier" not in out and mine.read_bytes() != before


def test_every_export_says_in_the_file_that_coplearn_wrote_it(tmp_path):
    """walk28 H1: what lets a later export tell an earlier one from a document of your own."""
    from coplearn.core.outputs import HTML_MARK, MD_MARK

    journal = Journal(tmp_path / "journal.json")
    journal.add(title="Supervision", learning="Trust grows when problems can be raised.")
    assert journal.export(tmp_path / "cpd.md").read_text(encoding="utf-8").endswith(f"\n\n{MD_MARK}\n")
    assert HTML_MARK in journal.export(tmp_path / "cpd.html").read_text(encoding="utf-8")
    props = docx.Document(str(journal.export(tmp_path / "cpd.docx"))).core_properties
    assert props.identifier == "coplearn" and "coplearn" in props.comments and "python-docx" not in props.comments


#: The beginnings of CPD exports and records of study written before the exports said so in the file.
_EARLIER = {
    "cpd.md": "# My CPD records from the coplearn journal\n\nExported on 7 December 2026 from journal.json.\n",
    "prtl.txt": "# My PRTL records from the coplearn journal\n\nExported on 7 December 2026 from journal.json.\n",
    "cpl.html": ('<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" '
                 'content="width=device-width, initial-scale=1">\n<title>My CPL records from the coplearn journal'
                 '</title>\n<style>body{}</style>\n</head>\n<body><main><h1>My CPL records from the coplearn journal'
                 '</h1></main></body>\n</html>\n'),
    "record.md": ("# Record of study for Ann O\\'Neil: Leading communities of practice in social work (coplearn)\n\n"
                  "Produced on 7 December 2026 from the learner's own progress notes and journal.\n"),
    "cpd.docx": "My CPD records from the coplearn journal",
    "record.docx": "Record of study: Leading communities of practice in social work (coplearn)",
}


@pytest.mark.parametrize("name", sorted(_EARLIER))
def test_an_export_written_before_the_exports_said_so_is_still_replaced(tmp_path, name):
    """walk28 H1: exports of the release before, known by their titles, are still earlier exports."""
    journal = Journal(tmp_path / "journal.json")
    journal.add(title="Supervision", learning="Trust grows when problems can be raised.")
    earlier = tmp_path / name
    if name.endswith(".docx"):
        d = docx.Document()
        d.core_properties.title = _EARLIER[name]  # (as the release before wrote it: no identifier)
        d.add_heading(_EARLIER[name], level=1)
        d.save(str(earlier))
    else:
        earlier.write_text(_EARLIER[name], encoding="utf-8")
    fmt = {"txt": "md"}.get(name.rsplit(".", 1)[1])
    assert journal.export(earlier, fmt) == earlier and earlier.read_bytes() != _EARLIER[name].encode()


def test_only_the_record_for_social_work_england_carries_englands_pcf(tmp_path):
    """walk28 L10: the records for Social Care Wales, the SSSC and the NISCC carried "PCF domains (BASW 2018;
    England)", a framework of England's alone. It is now in the record for Social Work England only."""
    j = Journal(tmp_path / "j.json")
    full_entry(j)
    for key in ("swe", "scw", "sssc", "niscc"):
        labels = [f.label for f in cpd.cpd_fields(j.entries[0], key)]
        assert ("PCF domains (BASW 2018; England)" in labels) == (key == "swe"), key
        assert "Course concepts" in labels
