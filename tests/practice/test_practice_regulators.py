"""CPD exports for the four UK regulators: data, layout, hours, settings and the command line."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import json
import os
import re
import subprocess
from pathlib import Path

import docx
import pytest

from coplearn.practice import cpd
from coplearn.practice.journal import Journal
from coplearn.practice.regulators import get_regulator, regulators
from practice_html import check_standalone_html
import installed

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "examples" / "sample-journal.json"
KEYS = ["swe", "scw", "sssc", "niscc"]


@pytest.fixture
def sample(tmp_path) -> Journal:
    copy = tmp_path / "sample" / "sample-journal.json"
    copy.parent.mkdir()
    copy.write_bytes(SAMPLE.read_bytes())
    return Journal(copy)


def export_text(journal: Journal, tmp_path: Path, key: str, fmt: str) -> str:
    out = journal.export(tmp_path / f"{key}.{fmt}", regulator=key)
    if fmt == "docx":
        d = docx.Document(str(out))
        return "\n".join(p.text for p in d.paragraphs)
    text = out.read_text(encoding="utf-8")
    return htmllib.unescape(re.sub(r"<[^>]+>", "", text)) if fmt == "html" else text


# ---- the data ---------------------------------------------------------------------------------

def test_the_four_regulators_are_there_with_sources_and_dates():
    assert [r.key for r in regulators()] == KEYS
    for r in regulators():
        assert r.requirement and r.headings and r.sources
        assert all(s.startswith("https://") for s in r.sources)
        assert dt.date.fromisoformat(r.checked) <= dt.date(2026, 12, 2) or dt.date.fromisoformat(r.checked) <= dt.date.today()
        for line in r.not_confirmed:
            assert "check https://" in line, f"{r.key}: an unconfirmed detail must say where to check: {line}"
        if r.counts_hours:
            assert r.required_hours and r.shows_hours
    assert get_regulator("Scottish Social Services Council").key == "sssc" and get_regulator("NISCC").key == "niscc"
    with pytest.raises(LookupError, match=r"choose one of: swe \(Social Work England\), scw \(Social Care Wales\)"):
        get_regulator("gscc")


# ---- each regulator's export ------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
@pytest.mark.parametrize("key", KEYS)
def test_each_export_states_the_regulators_requirement_sources_and_doubts(sample, tmp_path, key, fmt):
    reg = get_regulator(key)
    text = export_text(sample, tmp_path, key, fmt)
    for line in reg.requirement:
        assert line in text, f"{key} {fmt}: the stated requirement is missing: {line[:60]}"
    for line in reg.not_confirmed:
        assert f"Not confirmed: {line}" in text
    for url in reg.sources:
        assert url in text
    assert f"checked on {reg.checked_text}" in text
    assert f"not {reg.called} requirements" in text


@pytest.mark.parametrize("key", KEYS)
def test_each_record_uses_the_regulators_headings(sample, tmp_path, key):
    reg = get_regulator(key)
    n = len(sample.entries)
    out = sample.export(tmp_path / "r.docx", regulator=key)
    heads = [(p.style.name, p.text) for p in docx.Document(str(out)).paragraphs if p.style.name.startswith("Heading")]
    assert sum(1 for s, _ in heads if s == "Heading 2") == n
    for h in reg.headings:
        assert sum(1 for s, t in heads if s == "Heading 3" and t == h.label) == n, h.label
    others = {h.label for r in regulators() if r.key != key for h in r.headings} - {h.label for h in reg.headings}
    assert not others & {t for s, t in heads if s == "Heading 3"} - {"Peer reflection"}
    page = sample.export(tmp_path / "r.html", regulator=key).read_text(encoding="utf-8")
    o = check_standalone_html(page)
    cited = set(reg.sources) | {line.rsplit("check ", 1)[1] for line in reg.not_confirmed}
    assert set(o.links) == cited


def test_hours_are_totalled_where_the_regulator_counts_them(sample, tmp_path):
    hours = [e.hours for e in sample.entries]
    total = sum(h for h in hours if h is not None)
    missing = sum(h is None for h in hours)
    assert total > 0 and missing >= 1, "the sample journal should have entries with and without hours"
    niscc = export_text(sample, tmp_path, "niscc", "md")
    assert f"{total:g} hours recorded of the 90 hours the NISCC asks for in each three-year registration period" in niscc
    assert f"{missing} record gives no hours yet" in niscc or f"{missing} records give no hours yet" in niscc
    scw = export_text(sample, tmp_path, "scw", "md")
    assert f"{total:g} hours recorded in the records below" in scw and "of the 90 hours" not in scw.split("\n")[2]
    for key in ("swe", "sssc"):
        intro = export_text(sample, tmp_path, key, "md").split("\n")[2]
        assert "hours recorded" not in intro
    niscc_records = niscc.split("## Record ")[1:]
    for entry, record in zip(sample.entries, niscc_records):
        expected = f"{entry.hours:g} hour" if entry.hours is not None else cpd.MISSING
        assert expected in record.split("### Hours")[1].split("###")[0]


def test_sssc_and_niscc_leave_their_own_parts_for_the_learner(sample, tmp_path):
    sssc = export_text(sample, tmp_path, "sssc", "md")
    assert sssc.count("To fill in: Name the SSSC core learning element(s)") == len(sample.entries)
    niscc = export_text(sample, tmp_path, "niscc", "md")
    assert niscc.count("To fill in: Say which goal of your learning and development plan") == len(sample.entries)


def test_swe_export_keeps_its_peer_reflection_check(tmp_path):
    j = Journal(tmp_path / "j.json")
    j.add(learning="Read about supervision.", date="2026-01-05")
    md = cpd.to_markdown(j.entries, regulator="swe")
    assert "None involves peer reflection yet: Social Work England asks for at least one" in md
    assert "Social Work England asks for at least 2 in each registration year" in md
    assert "peer reflection yet" not in cpd.to_markdown(j.entries, regulator="niscc")


# ---- the journal's setting and hours ----------------------------------------------------------

def test_the_regulator_is_kept_in_the_journals_settings(tmp_path):
    path = tmp_path / "j.json"
    j = Journal(path)
    assert j.regulator == "swe"
    a = j.add(learning="First.", hours="1.25")
    assert j.set_regulator("SCW") == "scw"
    j.add(learning="Second.")
    again = Journal(path)
    assert again.regulator == "scw" and [e.learning for e in again.entries] == ["First.", "Second."]
    assert again.entries[0] == a and a.hours == 1.25
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["settings"] == {"regulator": "scw"}
    assert "Laid out for Social Care Wales" in again.export(tmp_path / "x.md").read_text(encoding="utf-8")
    with pytest.raises(LookupError, match="not a regulator"):
        j.set_regulator("hcpc")
    assert Journal(path).regulator == "scw"


@pytest.mark.parametrize("bad", ["two", -1, 0, 500, True])
def test_hours_must_be_a_sensible_number(tmp_path, bad):
    with pytest.raises(ValueError, match="hours"):
        Journal(tmp_path / "j.json").add(learning="x", hours=bad)


# ---- the command line -------------------------------------------------------------------------

def run_cli(*args: str, journal: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, COPLEARN_JOURNAL=str(journal))
    return subprocess.run(installed.coplearn(*args), capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize("key", KEYS)
def test_cli_exports_for_each_regulator(sample, tmp_path, key):
    reg = get_regulator(key)
    out = tmp_path / f"{key}.md"
    proc = run_cli("journal", "export", "--regulator", key, "-o", str(out), journal=sample.path)
    assert proc.returncode == 0, proc.stderr
    assert f"laid out for {reg.called}" in proc.stdout
    assert ("Hours recorded:" in proc.stdout) == (reg.counts_hours or reg.shows_hours)
    assert reg.requirement[0] in out.read_text(encoding="utf-8")


def test_cli_regulator_setting_and_bad_regulator(sample, tmp_path):
    proc = run_cli("journal", "regulator", "sssc", journal=sample.path)
    assert proc.returncode == 0 and "now follow the Scottish Social Services Council" in proc.stdout
    assert "Not confirmed" in proc.stdout
    out = tmp_path / "c.md"
    proc = run_cli("journal", "export", "-o", str(out), journal=sample.path)
    assert proc.returncode == 0 and "Scottish Social Services Council" in proc.stdout
    proc = run_cli("journal", "export", "--regulator", "hcpc", "-o", str(tmp_path / "d.md"), journal=sample.path)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "choose one of: swe (Social Work England), scw (Social Care Wales)" in proc.stderr
    assert not (tmp_path / "d.md").exists()
    proc = run_cli("journal", "add", "--learning", "x", "--hours", "lots", journal=sample.path)
    assert proc.returncode == 2 and "hours" in proc.stderr and "Traceback" not in proc.stderr
