"""Lessons 06-11: facts a tutor checked against the paper, study time, and what a learner reads.

Each fact test names the passage of Gray et al. (2010) it rests on.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

import coplearn as cl

COURSE = Path(__file__).resolve().parents[2] / "course"
LATER = ["06", "07", "08", "09", "10", "11"]


def nb(number: str) -> nbformat.NotebookNode:
    return nbformat.read(next(COURSE.glob(f"{number}-*.ipynb")), as_version=4)


def prose(number: str) -> str:
    """What a learner reads: the Markdown, with line breaks joined and links reduced to their text."""
    text = "\n".join(c.source for c in nb(number).cells if c.cell_type == "markdown")
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    return re.sub(r"\s+", " ", text)


def sentence_with(text: str, phrase: str) -> str:
    return next(s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z*])", text) if phrase in s)


@pytest.mark.parametrize("number", LATER)
def test_study_time_at_the_top_matches_the_metadata(number):
    first = next(c.source for c in nb(number).cells if c.cell_type == "markdown")
    found = re.search(r"\*\*Study time:\*\* about (\d+) minutes", first)
    assert found, "the lesson's first cell does not show its study time"
    assert int(found.group(1)) == nb(number).metadata["coplearn"]["minutes"]


def test_lesson_11_gives_the_course_total_from_every_lesson():
    total = sum(nbformat.read(COURSE / lesson.filename, as_version=4).metadata["coplearn"]["minutes"]
                for lesson in cl.lessons())
    found = re.search(r"takes about ([\d.]+) hours \((\d+) minutes\)", prose("11"))
    assert found, "lesson 11 does not state the course's total study time"
    assert int(found.group(2)) == total, f"lesson 11 says {found.group(2)} minutes; the lessons add up to {total}"
    assert abs(float(found.group(1)) - total / 60) < 0.5


@pytest.mark.parametrize("number", LATER)
def test_no_concept_codes_in_what_a_learner_reads(number):
    codes = re.findall(r"\bC\d{2}\b", prose(number))
    assert not codes, f"concept codes belong in metadata, the map and the glossary: {codes}"


def test_09_next_process_as_customer_is_demings():
    # Paper: "encourage teams to either view 'the next process as the customer' or else focus on
    # breaking down barriers between staff areas (Deming, 1994)".
    s = sentence_with(prose("09"), "the next process as the customer")
    assert "Deming 1994" in s and "Oakland" not in s


def test_09_outward_looking_measure_is_the_papers_own():
    # Paper: "One measure of team effectiveness is its ability to look outwards ..." (no citation);
    # Mullins (2007) is cited only for early-stage teams being unresponsive or hostile.
    text = prose("09")
    assert "from Mullins" not in text
    assert "Mullins" in sentence_with(text, "hostile to them")


def test_09_refers_back_to_lesson_05_for_tuckman():
    assert "Lesson 05 taught Tuckman's stages" in prose("09")
    assert "Lesson 05 teaches them" in prose("06")


def test_10_says_what_klein_and_thompson_are_probably_about():
    # Paper: "The high failure rate of early Total Quality Management initiatives ... (Klein 1981;
    # Thompson, 1982)": the course has not seen either work; it guesses they are about quality
    # circles (which the paper counts as a TQM method), and says so once, clearly, as its own
    # untested guess.
    text = prose("10")
    assert "we have not seen klein (1981) or thompson (1982)" in text.lower()
    assert "quality circles" in text.lower() and "our own untested guess, not the paper's" in text.lower()


def test_11_names_middle_managers_and_limits_the_kss_to_child_and_family_supervisors():
    # Paper, abstract: "a strategy for first line and middle managers".
    text = prose("11")
    assert "middle managers" in text
    assert "child and family practice supervisors only" in text


@pytest.mark.parametrize("lesson", LATER)
def test_no_dated_regulatory_terms(lesson):
    text = prose(lesson).lower()
    assert "standards of proficiency" not in text, "Social Work England has professional standards"
    for hit in re.finditer(r"serious case review", text):
        around = text[max(0, hit.start() - 200): hit.end() + 200]
        assert "child safeguarding practice review" in around, "serious case reviews were replaced in 2018"


def test_07_teaches_groupwork_with_an_activity_and_a_journal_prompt():
    lesson = nb("07")
    code = "\n".join(c.source for c in lesson.cells if c.cell_type == "code")
    assert "GroupworkSorter()" in code
    assert re.search(r'JournalPrompt\(\s*"[^"]*groupwork', code)
    assert "Gray, Parker and Immins (2008)" in prose("07") and "Trevithick (2005)" in prose("07")


@pytest.mark.parametrize("number", LATER)
def test_each_later_lesson_asks_questions_about_its_model(number):
    assert "Questions about this model" in prose(number)
