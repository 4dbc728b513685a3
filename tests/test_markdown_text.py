"""What people typed, in the course's Markdown documents (coplearn/core/templates.py): red team 17."""

from __future__ import annotations

import pytest

from coplearn.core.templates import md_cell, md_text


@pytest.mark.timeout(20)
@pytest.mark.parametrize("typed", ["-  " * 60 + "x", "1.  " * 60 + "x", "- \t" * 2000 + "x", " " * 50_000 + "x",
                                   ("*  " * 40 + "y\n") * 100, "-" * 50_000 + "x"])
def test_a_typed_answer_of_list_marks_and_spaces_is_filtered_at_once(typed):
    """F1: "-  " typed 40 times and a letter took days (the filter's pattern backtracked
    exponentially), in the cohort report's and the team survey report's Markdown. The time limit
    is this test's timeout; the figures are in the red team's report."""
    out = md_cell(typed)
    assert out.rstrip().endswith(("x", "y"))


def test_bidirectional_overrides_are_written_out_and_ordinary_right_to_left_text_kept():
    """F3: an override makes typed text read as something else; the marks that Arabic, Hebrew or
    Persian writing needs (the right-to-left mark, the zero-width non-joiner) stay as typed."""
    assert md_text("\u202egnimrots") == "\\\\u202egnimrots"
    assert "\u2067" not in md_text("a\u2067b\u2069c")
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \u200f(1)"
    assert md_text(persian) == persian
