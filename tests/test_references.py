"""Every citation has a reference, and every reference is cited (issue 11 §2).

For each lesson in course/, each notebook in solutions/ and exercises/, and each docs/*.md: every
in-text citation (Author Year, Author (Year), Author et al. Year, Author & Author Year, Body
Year ...) must have an entry in that file's own "References" section, and every entry there must be
cited in the text. Works known only through the paper go in a "**Cited through the paper.**"
paragraph with the details Gray et al. (2010) give. How citations and entries are recognised:
tests/refcheck.py (run ``python tests/refcheck.py FILE`` to see what it finds in one file).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from refcheck import analyse, find_citations, parse_entries, problems

REPO = Path(__file__).resolve().parents[1]

def checked_files() -> list[Path]:
    files = sorted(REPO.glob("course/*.ipynb")) + sorted(REPO.glob("solutions/**/*.ipynb"))
    files += sorted(REPO.glob("exercises/**/*.ipynb")) + sorted(REPO.glob("docs/*.md"))
    return [p for p in files if ".ipynb_checkpoints" not in p.parts]


# ---- the parser, on examples in the course's own style --------------------------------------

def _cites(text: str) -> list[str]:
    return [str(c) for c in find_citations(text)]


@pytest.mark.parametrize("text, expected", [
    ("as Wenger (1998, 2006) says", ["Wenger 1998", "Wenger 2006"]),
    ("(Payne 2005 and Gray et al. 2008, both cited in Gray et al. 2010)",
     ["Payne 2005", "Gray et al. 2008", "Gray et al. 2010"]),
    ("(Wenger 1998, p. 46, cited in Gray et al. 2010)", ["Wenger 1998", "Gray et al. 2010"]),
    ("Hersey and Blanchard's (1993) model", ["Hersey and Blanchard 1993"]),
    ("a unit of competence (Skills for Care & CWDC 2007)", ["Skills for Care & CWDC 2007"]),
    ("In 2018 the reviews changed; the Care Act 2014 applies; in December 2019 it began.", []),
    ("In Wenger (1998) the groups are natural.", ["Wenger 1998"]),
    ("(C11, Tsui 2005)", ["Tsui 2005"]),
    ("after the death of Peter Connelly, Lord Laming's (2009) report", ["Laming 2009"]),
    ("the usual source is Bandura's *Social Learning Theory* (1977)", ["Bandura 1977"]),
    ("as in Hersey and Blanchard's *Management of Organizational Behavior* (1993)", ["Hersey and Blanchard 1993"]),
    ("a report (Shaping Our Lives n.d.) on involvement", ["Shaping Our Lives n.d."]),
])
def test_citations_are_found_in_every_form_the_course_uses(text, expected):
    assert _cites(text) == expected


def test_entries_are_read_with_their_keys_and_the_papers_list():
    refs = """
Gray, I., Parker, J., Rutter, L. and Williams, S. (2010) 'Developing communities of practice', *Social Work and Social Sciences Review*, 14(2).

Social Care Institute for Excellence (SCIE) (2004) *Learning Organisations*. London: SCIE.

Hinshelwood, R. D. and Manning, N. (eds) (1979) *Therapeutic Communities*.

**Cited through the paper.** Known to us only as Gray et al. (2010) cite them: Blewitt (2008); Martin et al. (2004); General Social Care Council (GSCC) (2006).
"""
    got = {(sorted(e.keys)[0], e.year, e.through_paper) for e in parse_entries(refs)}
    assert got == {("gray", "2010", False), ("scie", "2004", False), ("hinshelwood", "1979", False),
                   ("blewitt", "2008", True), ("martin", "2004", True), ("general social care council", "2006", True)}


def test_a_missing_entry_and_an_uncited_entry_are_both_reported(tmp_path):
    doc = tmp_path / "page.md"
    doc.write_text("# A page\n\nTeams learn (Wenger 1998; Senge 1990).\n\n## References\n\n"
                   "Wenger, E. (1998) *Communities of Practice*.\n\nTuckman, B. W. (1965) 'Developmental sequence'.\n")
    found = problems(doc)
    assert any("'Senge 1990'" in p and "no entry" in p for p in found)
    assert any("tuckman (1965)" in p and "never cites it" in p for p in found)
    assert analyse(doc).references is not None


def test_a_page_that_cites_without_references_is_told_to_add_them(tmp_path):
    doc = tmp_path / "guide.md"
    doc.write_text("# Guide\n\nBased on Gray, Parker, Rutter & Williams (2010).\n")
    assert "no 'References' section" in problems(doc)[0]


# ---- the course itself --------------------------------------------------------------------

@pytest.mark.parametrize("path", checked_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_every_citation_has_a_reference_and_every_reference_is_cited(path):
    found = problems(path)
    listing = "\n".join(f"  - {p}" for p in found)
    assert not found, f"{path.relative_to(REPO)}:\n{listing}"
