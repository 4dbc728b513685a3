"""walk29 (``/work/logs/walk29.md``): a tutor's whole round, read as the tutor guide says. These tests were written to
fail on the code as it stood at the walk.

- M2  A folder that came by email, with no timestamp.txt, in an assignment with a due date, was graded as on time,
      and ``coplearn autograde`` said nothing; only ``nbgrader export`` did, later.
- M3  The guide says to read the run's last line; the warnings that can cost a student marks (no answers.json came
      with the notebook) were only in the lines above it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil

import pytest
from nbcourse import A1, Course, forget_students, honest_a1, place_copy

pytestmark = [pytest.mark.nbgrader]


def test_the_last_line_names_work_with_no_time_and_work_the_log_warns_about(course: Course, tmp_path) -> None:
    from nbgrader.api import Gradebook

    from coplearn.grading.parallel import autograde_parallel

    from coplearn.cli.main import main

    released = course.root / "exercises" / A1 / f"{A1}.ipynb"
    emailed = tmp_path / "emailed"
    emailed.mkdir()
    # by email, with no timestamp.txt and no answers.json: the drop-downs' answers did not come with it
    shutil.copy(released, emailed / f"{A1}.ipynb")
    place_copy(course, emailed, "w29-emailed")
    timed = tmp_path / "timed"
    timed.mkdir()
    nb = json.loads(released.read_text(encoding="utf-8"))
    honest_a1(nb)
    (timed / f"{A1}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    place_copy(course, timed, "w29-timed")
    # a due date, on a copy of the gradebook (the course is shared by the session)
    db = tmp_path / "gradebook.db"
    shutil.copy(course.root / "gradebook.db", db)
    with Gradebook(f"sqlite:///{db}", course_id="coplearn") as gb:
        gb.update_or_create_assignment(A1, duedate=dt.datetime(2026, 12, 2, 17, 0))
    try:
        here = os.getcwd()
        os.chdir(course.root)
        try:  # (the time it reached the tutor, recorded as the guide says)
            assert main(["received", A1, "w29-timed", "--at", "2026-12-01 10:00"]) == 0
        finally:
            os.chdir(here)
        for jobs in (1, 2):
            report = autograde_parallel(A1, jobs=jobs, course_dir=course.root,
                                        nbgrader_args=["--student=w29-*", "--force", f"--db=sqlite:///{db}"])
            assert report.graded == ("w29-emailed", "w29-timed"), report.summary()
            said = report.summary()
            assert report.no_time == ("w29-emailed",), said
            assert ("1 has no submission time (not collected through the exchange, and no time recorded), so it counts "
                    "as on time whatever the due date: w29-emailed. Record when each reached you with coplearn "
                    f"received {A1} STUDENT --at \"YYYY-MM-DD HH:MM\" (in UTC), then grade each again: coplearn "
                    f"autograde {A1} --student STUDENT --force.") in said, said
            # the emailed folder's missing answers.json is warned about in the log: the last line names whose work
            assert [s for s, _ in report.warned] == ["w29-emailed"], (jobs, report.warned)
            assert "The log above warns about the work of 1 of the 2 graded: w29-emailed (" in said, said
            assert 'Find each one\'s lines by searching for "coplearn: w29-emailed:"' in said, said
        # without a due date, no time is nothing to say
        report = autograde_parallel(A1, jobs=1, course_dir=course.root, nbgrader_args=["--student=w29-*", "--force"])
        assert report.no_time == () and "no submission time" not in report.summary()
    finally:
        forget_students(course, "w29-emailed", "w29-timed")


@pytest.mark.parametrize(("env", "there", "expected"), [
    (None, {"/srv/nbgrader/exchange"}, "/srv/nbgrader/exchange"),  # the guide's shared machine: found by itself
    (None, {"/srv/nbgrader/exchange", "/usr/local/share/nbgrader/exchange"}, None),  # nbgrader's own default wins
    (None, set(), None),  # neither: nbgrader's default, as before
    ("/data/exchange", {"/srv/nbgrader/exchange"}, "/data/exchange"),  # the setting always wins
])
def test_the_course_finds_the_guides_shared_exchange_without_the_setting(monkeypatch, env, there, expected) -> None:
    """walk29 M1: formgrader, started in a terminal where COPLEARN_EXCHANGE had not been typed (the guide's step 6
    says only "start jupyter lab in the course folder"), said the exchange did not exist and showed a released
    assignment as "draft". The course's nbgrader_config.py now finds the exchange where the guide has it made."""
    import os
    from pathlib import Path

    from traitlets.config.loader import PyFileConfigLoader

    real_isdir = os.path.isdir
    monkeypatch.setattr(os.path, "isdir", lambda p: str(p) in there if str(p).startswith(("/srv/", "/usr/local/share/"))
                        else real_isdir(p))
    if env is None:
        monkeypatch.delenv("COPLEARN_EXCHANGE", raising=False)
    else:
        monkeypatch.setenv("COPLEARN_EXCHANGE", env)
    monkeypatch.setenv("COPLEARN_PROTECTED_PATHS", os.environ.get("COPLEARN_PROTECTED_PATHS", ""))
    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(Path(__file__).resolve().parents[2])).load_config()
    got = cfg.Exchange.root if "root" in cfg.Exchange else None
    assert got == expected, got


@pytest.mark.parametrize(("score", "said"), [
    (44.0, "Score: 44.0 / 60.0 (73%, in the band 70 and above)"),  # the walk's case: it read as 40-49
    (41.7, "Score: 41.7 / 60.0 (69%, in the band 60-69)"),  # 69.5%: rounded down, so it lies in the band named
    (23.9, "Score: 23.9 / 60.0 (39%, in the band below 40)"),
    (0.0, "Score: 0.0 / 60.0 (0%, in the band below 40)"),
])
def test_feedback_gives_a_tutors_mark_as_a_percentage_in_its_band(score: float, said: str) -> None:
    """walk29 M4: a student's feedback showed "Score: 44.0 / 60.0" beside the question's marking bands, which are
    written in per cent (70 and above, 60-69 ... below 40): 44 read as the 40-49 band, below the Level 7 pass, when
    it is 73%. A mark the tutor gave is now also given as a percentage (rounded down) and its band, the bands being
    those the questions and the cohort report use; the computer's marks keep their plain score."""
    import copy
    import html as _html
    import re
    from pathlib import Path

    import nbformat
    from nbgrader.converters import generate_feedback
    from traitlets.config import Config

    from coplearn.grading.feedback import FeedbackExporter

    repo = Path(__file__).resolve().parents[2]
    nb = copy.deepcopy(json.loads((repo / "exercises" / A1 / f"{A1}.ipynb").read_text(encoding="utf-8")))
    tasks = 0
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader") or {}
        if cell["cell_type"] == "code":
            cell["outputs"] = []
        if meta.get("task"):
            assert meta["points"] == 60
            meta["score"], tasks = score, tasks + 1
            meta["comment"] = "Clear use of Table 1." if score > 40 else ""
        elif meta.get("grade") and not meta.get("solution"):
            meta["score"] = meta["points"]
    assert tasks == 1
    nbgrader_dir = Path(generate_feedback.__file__).resolve().parent.parent
    c = Config()
    c.HTMLExporter.template_name = "feedback"
    c.HTMLExporter.extra_template_basedirs = [str(nbgrader_dir / "server_extensions" / "formgrader" / "templates")]
    c.HTMLExporter.extra_template_paths = [str(nbgrader_dir / "server_extensions" / "formgrader" / "static" /
                                               "node_modules" / "bootstrap" / "dist" / "css")]
    resources = {"nbgrader": {"notebook": A1, "score": 40 + score, "max_score": 100.0, "late_penalty": 0}}
    page, _ = FeedbackExporter(config=c).from_notebook_node(nbformat.reads(json.dumps(nb), as_version=4),
                                                           resources=resources)
    text = re.sub(r"\s+", " ", _html.unescape(re.sub(r"<[^>]+>", " ", page)))
    assert said in text, text[:3000]
    assert text.count("in the band") == 1, text.count("in the band")
    # walk29 L1, L2: the note says where the mark is, and the contents' "Comment" link lands on the comment
    from coplearn.grading.feedback import MARK_SCHEME_NOTE  # (put where the mark scheme was, by generate_feedback)

    assert "your tutor's mark is at the top of this question's box" in MARK_SCHEME_NOTE
    assert "Question 3" in text[text.index("Marked by your tutor"):]  # (the mark, then the question it is for)
    anchors = re.findall(r'<a name="comment-q3-task"></a>(.{0,80})', page, flags=re.S)
    assert len(anchors) == 1, anchors
    if score > 40:
        assert anchors[0].startswith("<div><b>Your tutor's comment:</b>"), anchors
