"""The written-answer filter (``inert_markdown``) on its own: fast checks of what red team 3 found
(a line that made the heading check backtrack for days; character references that became
MathJax once the page was drawn). The whole-course runs are in test_hostile*.py."""

from __future__ import annotations

import time

import pytest

from coplearn.grading.sanitise import inert_markdown


@pytest.mark.parametrize("line", ["> " * 60 + "x", "- " * 60 + "x", "1. " * 60 + "x", "> \t" * 60 + "x",
                                  ">" * 5000 + "x", "  " * 5000 + "#"])
def test_long_marker_lines_are_read_in_linear_time(line):
    text = "My answer.\n\n" + line
    start = time.process_time()
    for _ in range(20):
        inert_markdown(text)
    # 20 reads of a 10,000-character line; the old pattern took days for one line of 40 markers
    assert time.process_time() - start < 5


def test_a_heading_after_many_markers_is_still_made_plain():
    out = inert_markdown("> " * 30 + "# q3-task")
    assert "> " * 30 + "**q3-task**" in out  # (bold: no heading, so no id: walk29 L3)
    out = inert_markdown("> " * 30 + "# q3-task <b>")
    assert "> " * 30 + "\\# q3-task &lt;b>" in out  # (not plain words: its mark escaped, as typed)


def test_a_learners_headings_show_as_bold_lines_not_as_typed_marks():
    """walk29 L3: a reflective answer with Gibbs's stages as headings ("### Description") showed the marks as typed,
    to the tutor and in the feedback. A heading of plain words now shows as a bold line; none can be a heading."""
    from nbconvert.filters.markdown import markdown2html

    out = inert_markdown("### Description\nWhat happened.\n\n## Feelings and evaluation ##\nMixed.")
    assert "**Description**" in out and "**Feelings and evaluation**" in out and "#" not in out
    html = markdown2html(out)  # (as the feedback page and formgrader draw it)
    assert "<h" not in html.replace("<hr", "") and "<strong>Description</strong>" in html, html


@pytest.mark.parametrize("ref, char", [("&#36;", "$"), ("&#92;", "\\"), ("&dollar;", "$"), ("&#x5B;", "["),
                                       ("&lt;", "<")])
def test_character_references_show_as_typed(ref, char):
    out = inert_markdown(f"P1 {ref}{ref}href{{https://evil.example}}{{x}}{ref}")
    assert ref not in out and ref.replace("&", "&amp;", 1) in out
    assert out.startswith('<div class="tex2jax_ignore mathjax_ignore">')


def test_plain_answers_are_unchanged():
    for text in ("Write your answer here.", "Trust first, then tasks.\n\n- one\n- two", "Smith & Jones"):
        assert inert_markdown(text) == text


@pytest.mark.parametrize("text", ["q3-task\n- ", "q3-task\n-  \t", "q3-task\n=-", "q3-task\n-=-", "- a\n\n    # q3-task", "- a\n\n\t# q3-task", "1. a\n\n     # q3-task",
                                  "- a\n    # q3-task", "- a\n\n    q3-task\n    =======", "> - a\n>\n>     # q3-task"])
def test_headings_inside_list_items_get_no_id(text):
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    html = markdown2html_mistune(inert_markdown(text))
    assert "<h1" not in html and "<h2" not in html and 'id="q3-task"' not in html, html


def test_a_not_run_cell_keeps_every_character():
    from coplearn.grading.sanitise import TEXT_KEPT, _as_comment

    essay = "    indented start " + "word " * 3000 + "last words.\\ \x1b trailing\\"
    kept = _as_comment(essay)
    assert all(line.startswith("#     ") for line in kept)
    assert "".join(line[6:] for line in kept) == essay.replace("\x1b", "\\x1b")
    compile("\n".join(kept), "<cell>", "exec")  # all comments: nothing runs
    huge = _as_comment("x" * (TEXT_KEPT + 500))
    assert sum(len(line) - 6 for line in huge[:-1]) == TEXT_KEPT and "500 more characters" in huge[-1]
