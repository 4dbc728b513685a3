"""The glossary: one heading per term, and every glossary link in the course lands on a heading."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
GLOSSARY = REPO / "docs" / "glossary.md"
COURSE = REPO / "course"
LINK = re.compile(r"\]\(\.\./docs/glossary\.md#([^)\s]*)\)")

#: Key terms from both halves of the course that the glossary must define.
REQUIRED = [
    "Community of practice", "Learning organisation", "Managerialism", "Four learning cultures",
    "Professional learning culture", "Managed learning culture", "Humanistic learning culture",
    "Democratic learning culture", "Super-ordinate learning culture", "Situational leadership",
    "Readiness", "Telling, selling, participating and delegating", "Tuckman's stages",
    "Action-centred leadership", "Team audit", "Supervision", "Involvement", "Co-production",
    "Groupwork", "Facilitation",
]


def slug(heading: str) -> str:
    """GitHub-style anchor: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def glossary_terms() -> dict[str, str]:
    return {slug(m): m for m in re.findall(r"^### (.+)$", GLOSSARY.read_text(encoding="utf-8"), re.M)}


def lesson_markdown(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_slug_matches_the_anchor_jupyterlab_and_github_make():
    assert slug("Tuckman's stages") == "tuckmans-stages"
    assert slug("Telling, selling, participating and delegating") == "telling-selling-participating-and-delegating"


def test_glossary_defines_the_key_terms_once_each():
    headings = re.findall(r"^### (.+)$", GLOSSARY.read_text(encoding="utf-8"), re.M)
    assert len(headings) == len(set(map(slug, headings))), "a term is defined twice"
    missing = [t for t in REQUIRED if slug(t) not in glossary_terms()]
    assert not missing, f"glossary has no entry for: {missing}"


def test_glossary_terms_are_in_alphabetical_order():
    headings = re.findall(r"^### (.+)$", GLOSSARY.read_text(encoding="utf-8"), re.M)
    assert headings == sorted(headings, key=str.lower)


@pytest.mark.parametrize("path", sorted(COURSE.glob("*.ipynb")), ids=lambda p: p.name[:2])
def test_every_glossary_link_in_a_lesson_resolves(path):
    terms = glossary_terms()
    broken = [a for a in LINK.findall(lesson_markdown(path)) if a not in terms]
    assert not broken, f"{path.name}: glossary links with no matching heading: {broken}"


@pytest.mark.parametrize("number", ["06", "07", "08", "09", "10", "11"])
def test_later_lessons_link_their_key_terms_to_the_glossary(number):
    path = next(COURSE.glob(f"{number}-*.ipynb"))
    assert len(LINK.findall(lesson_markdown(path))) >= 3, f"{path.name} links fewer than three glossary terms"


def test_each_entry_has_the_anchor_jupyterlab_opens_a_glossary_link_at():
    """walk28 L12: JupyterLab opened a lesson's glossary link at the top of the glossary. It looks for the link's
    anchor (community-of-practice) as a ``data-jupyter-id``, and gives a heading its text with the capitals kept
    (Community-of-practice); so each entry starts with an empty element carrying the lower-case anchor."""
    text = GLOSSARY.read_text(encoding="utf-8")
    headings = re.findall(r"^### (.+)$", text, re.M)
    anchored = re.findall(r'^<div data-jupyter-id="([a-z0-9-]+)"></div>\n\n### (.+)$', text, re.M)
    assert [h for _, h in anchored] == headings, "an entry has no anchor line just above its heading"
    wrong = [(a, h) for a, h in anchored if a != slug(h)]
    assert not wrong, f"anchors that are not their heading's: {wrong}"
    assert len(re.findall(r"data-jupyter-id=", text)) == len(headings) + 1  # (+1: the note that explains them)
