"""What a learner reads in lessons 00-05 agrees with the course's data (issue 11 §1, §7).

- Statements about Table 1 are derived from src/coplearn/data, not written from memory.
- Lesson 05's stage-to-style table is the library's synthesis (cl.style_for_stage), labelled as such.
- The study time at the top of a lesson, and in its outcomes, is the notebook's coplearn.minutes.
- Concept codes such as "(C12)" stay in metadata, out of the text.
- Glossary links point at docs/glossary.md#slug with a lower-case, hyphenated slug, and, once the
  glossary exists, at a heading that is there.

Lessons 06-11 follow the same rules once their rewrite lands: add them to LESSONS.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import coplearn as cl

REPO = Path(__file__).resolve().parents[1]
LESSONS = sorted(p for p in (REPO / "course").glob("0[0-5]-*.ipynb"))
GLOSSARY = REPO / "docs" / "glossary.md"


def notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def markdown(path: Path) -> str:
    cells = notebook(path)["cells"]
    return "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def _lesson(prefix: str) -> Path:
    return next(p for p in LESSONS if p.name.startswith(prefix))


def test_lesson_03_names_exactly_the_rows_all_four_cultures_share():
    shared = {d.label for d in cl.dimensions()
              if {p.culture for p in cl.principles(dimension=d.key)} >= {c.key for c in cl.cultures()}}
    line = next(l for l in markdown(_lesson("03")).splitlines() if "all four cultures have something to say" in l)
    named = set(re.findall(r"\*\*([^*]+)\*\*", line))
    assert named == shared, f"lesson 03 names {sorted(named)} but Table 1 data gives {sorted(shared)}"


def test_lesson_05_teaches_all_five_stages_and_labels_the_synthesis():
    text = markdown(_lesson("05"))
    for stage in cl.tuckman_stages():
        assert f"**{stage.name}**" in text, f"lesson 05 does not teach {stage.name}"
    assert "Tuckman 1965" in text and "Tuckman and Jensen (1977)" in text
    flat = " ".join(text.split())
    assert "course's own synthesis" in flat and "not in the paper" in flat


def test_lesson_05_stage_to_style_table_matches_the_library():
    text = markdown(_lesson("05"))
    section = text.split("### From stage to style", 1)[1]
    rows = re.findall(r"^\| (Forming|Storming|Norming|Performing|Adjourning) \| (S\d) (\w+) \|", section, re.M)
    assert len(rows) == 5, "the stage-to-style table should have one row per stage"
    for name, code, style in rows:
        s = cl.style_for_stage(name.lower())
        assert (s.code, s.name) == (code, style), f"{name}: lesson says {code} {style}, library says {s.code} {s.name}"
        assert s.is_synthesis


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_study_time_shown_matches_metadata(path):
    minutes = notebook(path)["metadata"]["coplearn"]["minutes"]
    text = markdown(path)
    top = text.split("\n## ", 1)[0]
    assert f"*Study time: about {minutes} minutes.*" in top, f"{path.name}: show the study time ({minutes} min) under the title"
    for n in re.findall(r"This lesson takes about (\d+) minutes", text):
        assert int(n) == minutes, f"{path.name}: text says {n} minutes, metadata says {minutes}"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_no_concept_codes_in_what_a_learner_reads(path):
    codes = re.findall(r"\bC\d\d\b", markdown(path))
    assert not codes, f"{path.name}: concept codes {sorted(set(codes))} in the text; keep them in metadata"


def _slug(heading: str) -> str:
    s = re.sub(r"[^\w\s-]", "", heading.strip().lower())
    return re.sub(r"\s+", "-", s)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_glossary_links_are_well_formed_and_resolve(path):
    links = re.findall(r"\]\(\.\./docs/glossary\.md#([^)]*)\)", markdown(path))
    for slug in links:
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug), f"{path.name}: bad glossary anchor {slug!r}"
    if GLOSSARY.exists():
        anchors = {_slug(h) for h in re.findall(r"^###\s+(.+)$", GLOSSARY.read_text(encoding="utf-8"), re.M)}
        missing = sorted(set(links) - anchors)
        assert not missing, f"{path.name}: glossary has no '### ' heading for {missing}"


@pytest.mark.parametrize("path", sorted((REPO / "course").glob("[0-9][0-9]-*.ipynb")), ids=lambda p: p.name)
def test_every_lesson_says_at_the_top_how_to_make_its_activities_appear(path):
    """walk18 M1: in JupyterLab the activities appear only once the lesson is run; lessons 05-07 (06
    holds the team audit the team-manager guide sends people to) said nothing of it."""
    first = "".join(notebook(path)["cells"][0]["source"])
    assert "choose **Run → Run All Cells** from the menu" in first, f"{path.name}: say how to run it, in its first cell"


@pytest.mark.parametrize("path", sorted((REPO / "course").glob("[0-9][0-9]-*.ipynb")), ids=lambda p: p.name)
def test_a_command_a_lesson_gives_is_one_that_works_in_a_terminal_in_the_course_folder(path):
    """walk26 M-M1: lessons 00 and 06 told the learner to type a bare `coplearn ...`, which a terminal
    answers with "command not found" unless the course's environment is activated (`./run course` does
    not activate it). A command is written `.venv/bin/coplearn ...`, as the README and the team manager
    guide write it."""
    text = markdown(path)
    code = re.findall(r"```[a-z]*\n(.*?)```", text, re.S) + re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.S))
    bare = [c.strip() for c in code if re.search(r"(?:^|[\s=;])coplearn\s+[a-z]", c, re.M)]
    assert not bare, f"{path.name}: write these commands as .venv/bin/coplearn ...: {bare}"


def test_lessons_00_and_06_point_the_app_view_to_the_buttons_that_do_the_practice_tools_job():
    """walk26 M-M1: the app view has no terminal; lesson 06's loader and lesson 11's export do the same."""
    welcome = " ".join(markdown(REPO / "course" / "00-welcome.ipynb").split())
    tools = welcome[welcome.index("### The practice tools"):welcome.index("## The paper, and what the course adds")]
    for said in ("**Upload the survey CSV**", "**Export my journal**", "`.venv/bin/coplearn audit report",
                 "`.venv/bin/coplearn journal export`", "The app view has no terminal: use the buttons there.",
                 'a plain `coplearn` gets "command not found"', "File → New → Terminal"):
        assert said in tools, said
    audit = " ".join(markdown(REPO / "course" / "06-action-centred-leadership-and-the-team-audit.ipynb").split())
    assert "`.venv/bin/coplearn audit report`" in audit and "with no terminal (the way to do it in the code-free app view" in audit
