"""Every lesson: present, clean, complete metadata, proper headings, and runs in a fresh kernel."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import coplearn as cl

REPO = Path(__file__).resolve().parents[2]
COURSE = REPO / "course"
LESSONS = [lesson.filename for lesson in cl.lessons()]
PCF_KEYS = {d.key for d in cl.pcf_domains()}
CONCEPT_IDS = {c.id for c in cl.concepts()}
REQUIRED_HEADINGS = ("learning outcomes", "summary", "references")


def load(name: str) -> nbformat.NotebookNode:
    return nbformat.read(COURSE / name, as_version=4)


def headings(nb: nbformat.NotebookNode) -> list[tuple[int, str]]:
    out = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        in_fence = False
        for line in cell.source.splitlines():
            if line.strip().startswith("```"):
                in_fence = not in_fence
            m = re.match(r"^(#{1,6})\s+(.*)", line)
            if m and not in_fence:
                out.append((len(m.group(1)), m.group(2).strip()))
    return out


def test_all_twelve_lessons_exist():
    missing = [n for n in LESSONS if not (COURSE / n).exists()]
    assert not missing, f"missing lessons: {missing}"


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_is_committed_clean(name):
    raw = json.loads((COURSE / name).read_text(encoding="utf-8"))
    assert "widgets" not in raw.get("metadata", {}), "saved widget state"
    for cell in raw["cells"]:
        if cell["cell_type"] == "code":
            assert not cell.get("outputs") and cell.get("execution_count") is None, "outputs committed"


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_metadata_is_complete(name):
    meta = load(name).metadata.get("coplearn")
    assert meta, "notebook metadata 'coplearn' is missing"
    assert meta["lesson"] == name[:2]
    assert isinstance(meta["outcomes"], list) and len(meta["outcomes"]) >= 2
    assert all(isinstance(o, str) and len(o) > 10 for o in meta["outcomes"])
    assert set(meta["concepts"]) <= CONCEPT_IDS, set(meta["concepts"]) - CONCEPT_IDS
    if name[:2] != "00":
        assert meta["concepts"], "every lesson after the welcome teaches at least one concept"
    assert meta["pcf"] and set(meta["pcf"]) <= PCF_KEYS, set(meta["pcf"]) - PCF_KEYS
    assert isinstance(meta["minutes"], int) and 5 <= meta["minutes"] <= 120


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_has_one_h1_and_no_skipped_levels(name):
    hs = headings(load(name))
    assert [level for level, _ in hs].count(1) == 1 and hs[0][0] == 1, hs[:3]
    for (prev, _), (level, text) in zip(hs, hs[1:]):
        assert level <= prev + 1, f"heading '{text}' jumps from h{prev} to h{level}"
    titles = " | ".join(t.lower() for _, t in hs)
    for required in REQUIRED_HEADINGS:
        assert required in titles, f"no '{required}' heading"


@pytest.mark.parametrize("name", LESSONS)
def test_plumbing_code_is_collapsed_and_thin(name):
    for cell in load(name).cells:
        if cell.cell_type != "code":
            continue
        if "try-it" in cell.metadata.get("tags", []):
            continue
        assert cell.metadata.get("jupyter", {}).get("source_hidden") is True, cell.source[:60]
        assert len(cell.source.splitlines()) <= 12, f"domain logic belongs in src/coplearn: {cell.source[:80]}"


@pytest.mark.parametrize("name", [n for n in LESSONS if not n.startswith("00")])
def test_lesson_has_something_to_do_and_a_journal_prompt(name):
    code = "\n".join(c.source for c in load(name).cells if c.cell_type == "code")
    assert "JournalPrompt" in code
    assert re.search(r"\b[A-Z][A-Za-z]+\(", code.replace("JournalPrompt(", "")), "no interactive widget"


def test_every_concept_is_taught_somewhere():
    taught = set()
    for name in LESSONS:
        if (COURSE / name).exists():
            taught |= set(load(name).metadata.get("coplearn", {}).get("concepts", []))
    assert CONCEPT_IDS - taught == set(), f"concepts no lesson teaches: {sorted(CONCEPT_IDS - taught)}"


@pytest.mark.notebook
@pytest.mark.parametrize("name", LESSONS)
def test_lesson_runs_top_to_bottom_without_errors(name, tmp_path):
    nb = load(name)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(COURSE)}}).execute()
    problems = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                problems.append(f"{out.ename}: {out.evalue}")
            elif out.output_type == "stream" and out.name == "stderr":
                problems.append(f"stderr: {out.text[:200]}")
    assert not problems, problems
