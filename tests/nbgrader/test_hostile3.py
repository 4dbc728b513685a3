"""Hostile and odd submissions from a review of the answer-placing change, one autograde run on a1.

- v-bqheading  blank; Markdown headings inside a block quote and list items, named like grade ids:
               escaped, so no heading takes a score box's id even where the course's HTMLExporter
               settings are not loaded (a course folder with an older nbgrader_config.py)
- v-rawbq      the same in a raw cell (made Markdown text, and escaped)
- v-peritem    honest: each statement answered in its own cell just above its test
               (``q1 = {7: "humanistic"}``), as the learner's own top-to-bottom run showed them: 40
- v-numbering  a late q1 (placed before its first test, one cell inserted) and a not-run cell: the
               log names cells by their numbers in the graded notebook
- v-surrogate  honest but one typed answer holds a lone surrogate ('\\ud800'): that answer alone is
               lost (it becomes the replacement character); the notebook is graded
- v-hedge-order    drop-downs right for q2-first; q2-second moved above a typed answer right for it
- v-hedge-dup      the same with a copy of q2-first (metadata and all) at the very end
- v-hedge-missing  q2-first deleted (nbgrader adds it back after q2-typed), q2-typed moved to the end
- v-hedge-nodrop   no drop-downs; typed q2 between q2-first and q2-second (placed: marked once)
- v-nb44           nbformat 4.4 without cell ids, a raw cell and a late q1 (cells inserted): still valid
"""

from __future__ import annotations

import copy
import json
import re

import pytest
from nbcourse import (A1, A1_GRADE_IDS, A1_KEYS, A1_RIGHT_Q1, A1_RIGHT_Q2, FAST, Course, formgrade_html, grade_id, index_of,
                      new_cell, set_source, stolen_ids)

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]

A, KEYS, RIGHT_Q1, RIGHT_Q2 = A1, A1_KEYS, A1_RIGHT_Q1, A1_RIGHT_Q2
GRADE_IDS = A1_GRADE_IDS
#: drop-downs right for q2-first only ("managed" in the answer), wrong for q2-second ("professional")
DROP_FIRST = json.dumps({"format": "coplearn-answers", "version": 2, "answers": {"q2.1": "managed", "q2.2": "humanistic"}})
#: a typed answer right for q2-second only
TYPED_SECOND = "q2 = ['professional', 'democratic']"
HEADINGS = "> # q3-task\n\n- ## q3-task-comment\n\n1. # q1-statement-01\n\n> q2-first\n> ==="


_cell, _gid, _index, _set = new_cell, grade_id, index_of, set_source


def _source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


# ---- the kinds --------------------------------------------------------------------------------------------

def k_bq_heading(nb: dict) -> None:
    nb["cells"].insert(1, _cell("markdown", HEADINGS, "mine-md"))


def k_raw_bq(nb: dict) -> None:
    nb["cells"].insert(1, _cell("raw", HEADINGS, "mine-raw"))


def k_per_item(nb: dict) -> None:  # honest: one cell per statement, just above its test
    for n, key in KEYS.items():
        nb["cells"].insert(_index(nb, f"q1-statement-{n:02d}"), _cell("code", f"q1 = {{{n}: {key!r}}}", f"mine-{n}"))
    _set(nb, "q2-typed", RIGHT_Q2)


def k_numbering(nb: dict) -> None:  # q1 right, given only at the end; a raw cell and a not-run cell after q1's first test
    nb["cells"].insert(_index(nb, "q1-statement-03"), _cell("raw", "my notes", "mine-raw"))
    nb["cells"].append(_cell("code", "import os\nq2 = os.getcwd()", "mine-notrun"))
    nb["cells"].append(_cell("code", RIGHT_Q1, "mine-late"))


def k_surrogate(nb: dict) -> None:  # honest, but statement 12's answer is a lone surrogate
    _set(nb, "q1-typed", "q1 = " + repr({**KEYS, 12: "\ud800"}))
    _set(nb, "q2-typed", RIGHT_Q2)


def k_hedge_order(nb: dict) -> None:
    test = nb["cells"].pop(_index(nb, "q2-second"))
    nb["cells"].insert(_index(nb, "q2-typed"), test)
    _set(nb, "q2-typed", TYPED_SECOND)


def k_hedge_dup(nb: dict) -> None:
    nb["cells"].insert(_index(nb, "q2-second") + 1, _cell("code", TYPED_SECOND, "mine-typed"))
    dup = copy.deepcopy(nb["cells"][_index(nb, "q2-first")])
    dup["id"] = "mine-dup"
    nb["cells"].append(dup)


def k_hedge_missing(nb: dict) -> None:
    del nb["cells"][_index(nb, "q2-first")]
    typed = nb["cells"].pop(_index(nb, "q2-typed"))
    typed["source"] = TYPED_SECOND
    nb["cells"].append(typed)


def k_hedge_nodrop(nb: dict) -> None:  # marked once: q2-first passes, q2-second does not (8)
    nb["cells"].insert(_index(nb, "q2-first") + 1, _cell("code", "q2 = ['managed', 'humanistic']", "mine-between"))


def k_nb44(nb: dict) -> None:
    nb["cells"].insert(1, _cell("raw", "# q3-task", "x"))
    nb["cells"].append(_cell("code", RIGHT_Q1, "x"))
    for c in nb["cells"]:
        c.pop("id", None)
    nb["nbformat_minor"] = 4


KINDS = {  # student: (change, answers.json or None, the score their honest answers earn)
    "v-bqheading": (k_bq_heading, None, 0),
    "v-rawbq": (k_raw_bq, None, 0),
    "v-peritem": (k_per_item, None, 40),
    "v-numbering": (k_numbering, None, 24),
    "v-surrogate": (k_surrogate, None, 38),
    "v-hedge-order": (k_hedge_order, DROP_FIRST, 8),
    "v-hedge-dup": (k_hedge_dup, DROP_FIRST, 8),
    "v-hedge-missing": (k_hedge_missing, DROP_FIRST, 8),
    "v-hedge-nodrop": (k_hedge_nodrop, None, 8),
    "v-nb44": (k_nb44, None, 24),
}


@pytest.fixture(scope="module")
def run(course: Course) -> dict:
    seen = {}
    for sid, (change, answers, _) in KINDS.items():
        s = course.student(sid)
        s.fetch(A)
        nb = s.notebook(A)
        change(nb)
        s.save_notebook(A, nb)
        if answers is not None:
            (s.folder(A) / "answers.json").write_text(answers, encoding="utf-8")
        if sid == "v-peritem":  # what the learner saw in their own notebook (Restart and Run All)
            ran = s.run_all(A)
            seen[sid] = "".join("".join(o.get("text", "")) for c in ran["cells"] if c["cell_type"] == "code"
                                for o in c.get("outputs", []))
        s.submit(A)
    api = course.api(**FAST)
    course.ok(api.collect(A))
    result = api.autograde(A, "v-*")
    return {"result": result, "seen": seen}


@pytest.mark.parametrize("student, score", sorted((k, v[2]) for k, v in KINDS.items()))
def test_score(run: dict, course: Course, student: str, score: float) -> None:
    course.assert_score(A, student, score)


def test_the_per_item_learner_saw_every_answer_as_typed(run: dict) -> None:
    """The learner's own notebook said each statement's typed answer would be marked (and it is)."""
    seen = run["seen"]["v-peritem"]
    for n, key in KEYS.items():
        assert f"Your answer to statement {n}: {key} (typed)" in seen, (n, seen[:2000])


@pytest.mark.parametrize("student", ["v-bqheading", "v-rawbq"])
def test_no_heading_in_the_autograded_notebook_takes_a_grade_id(run: dict, course: Course, student: str) -> None:
    """The first wall (the autograded notebook itself), as test_hostile2 checks it."""
    assert stolen_ids(formgrade_html(course, student, A, course_config=False), GRADE_IDS) == []


@pytest.mark.parametrize("student", ["v-bqheading", "v-rawbq"])
def test_with_the_course_config_no_heading_takes_a_grade_id(run: dict, course: Course, student: str) -> None:
    """The second wall (nbgrader_config.py's HTMLExporter settings) holds."""
    assert stolen_ids(formgrade_html(course, student, A, course_config=True), GRADE_IDS) == []


def test_the_log_numbers_cells_as_the_notebook_does(run: dict, course: Course) -> None:
    nb = course.autograded(A, "v-numbering")
    record = nb["metadata"]["coplearn"]["grading"]["not_run"]
    assert len(record) == 1
    number = record[0]["cell"] + 1
    assert "Not run by the course's autograder" in _source(nb["cells"][number - 1])
    log = run["result"]["log"]
    said = re.findall(r"v-numbering: cell (\d+) was not run", log)
    assert said == [str(number)], (said, number)
    raw_at = next(i for i, c in enumerate(nb["cells"]) if _source(c).endswith("> my notes")) + 1  # (framed as the student's)
    said = re.findall(r"v-numbering: cell (\d+) was a raw cell", log)
    assert said == [str(raw_at)], (said, raw_at)


def test_only_the_surrogate_is_lost(run: dict) -> None:
    log = run["result"]["log"]
    failed = {line.split("for student '")[1].split("'")[0] for line in log.splitlines()
              if "There was an error processing assignment" in line and "for student" in line}
    assert failed == set(), failed


def test_the_nbformat_44_notebook_stays_valid(run: dict, course: Course) -> None:
    """Cells the autograder inserts or remakes carry no id in an nbformat 4.4 notebook (its schema
    does not allow one)."""
    import nbformat

    path = course.root / "autograded" / "v-nb44" / A / f"{A}.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)


@pytest.mark.parametrize("student", ["v-nb44", "v-numbering"])
def test_feedback_is_generated(run: dict, course: Course, student: str) -> None:
    course.ok(course.api(**FAST).generate_feedback(A, student))
