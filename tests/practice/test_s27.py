"""Session 27's fixes outside the nbgrader tier. Each test failed before its fix."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_learner_guide_and_the_feedback_agree_on_where_a_self_study_learner_finds_the_mark_scheme() -> None:
    """Session 26 took the mark schemes out of students' feedback (walk26 T-M2), but the learner guide still told a
    learner studying alone that the feedback page shows them, and the note in their place said a tutor had marked
    the answer. The note now sends them to the worked solution, which the guide names and which holds them."""
    from coplearn.grading.feedback import MARK_SCHEME_NOTE

    guide = (ROOT / "docs" / "learner-guide.md").read_text(encoding="utf-8")
    flat = " ".join(guide.split())
    assert "also shows the mark scheme" not in flat
    assert "does not show the mark schemes" in flat
    assert "Your tutor marked this answer" not in MARK_SCHEME_NOTE
    # the section the note names exists, and says the mark schemes are in the solution notebooks
    assert "Worked solutions" in MARK_SCHEME_NOTE
    section = guide.split("### Worked solutions", 1)[1].split("\n## ", 1)[0]
    assert "BEGIN MARK SCHEME" in section and "solutions/" in section
    # and every solution notebook holds a mark scheme for its written questions
    for notebook in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        assert re.search(r"BEGIN MARK SCHEME", notebook.read_text(encoding="utf-8")), notebook
