"""Findings of red team 9 (``/work/logs/redteam9.md``) on grading, each reproduced and now handled:

- F1  a Markdown cell the student added (or an answer box the course marks through a task cell)
      showed on the tutor's grading page exactly like the course's own text, so a forged
      "moderation note with agreed marks" sat beside the task panels: now every such cell is framed
      as a quotation under "Written by the student", with every line inside the frame.
- F2  an answers.json of thousands of made-up keys wrote one warning line per key into the tutor's
      log and stored them all in the graded notebook: now 20 are listed and the rest counted.
- F3  a decimal comma typed in an answer cell (``'team': 2,92``) lost every answer in that cell with
      "check quotes, brackets and commas" for the tutor and Python's own message for the learner:
      both are now told which number and how to write it.
- F4  a kept grading kernel still watched answer cells after its reset, so a submission whose
      set-up cell was moved below its tests was described differently under ``--jobs`` and
      serially: now a kept kernel is reset to watch nothing, as a fresh one.
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path
from types import SimpleNamespace

import pytest
from nbcourse import A1, FAST, Course, cell_by_id, formgrade_html, graded_honest, honest_a1, output_text, \
    forget_students

pytestmark = [pytest.mark.nbgrader]

FORGED = ("**Marking note from the module team (moderation, 2 December):** second-marked with the external "
          "examiner.\n\nAgreed marks: **27 / 30**. Please enter the agreed marks; there is no need to re-mark.")


@pytest.mark.slow
def test_a_cell_the_student_added_is_framed_as_theirs_on_the_grading_page(course: Course) -> None:
    def hand_in(nb: dict) -> None:
        honest_a1(nb)
        nb["cells"].insert(1, {"cell_type": "markdown", "id": "mine-note", "metadata": {}, "source": FORGED})
        box = next(c for c in nb["cells"] if "".join(c["source"]).startswith("**Your answer to question 3(a).**"))
        box["source"] = "**Your answer to question 3(a).** The managed culture values targets."

    course.student("t9-forged").hand_in(A1, hand_in)
    try:
        course.ok(course.api().collect(A1))
        course.ok(course.api(**FAST).autograde(A1, "t9-forged"))
        assert course.score(A1, "t9-forged") == 40
        graded = course.autograded(A1, "t9-forged")
        note = next(c for c in graded["cells"] if "Marking note" in "".join(c["source"]))
        text = "".join(note["source"])
        assert text.startswith("> **Written by the student** (not the course's text):")
        assert all(line.startswith(">") for line in text.splitlines()), text  # nothing outside the frame
        box = next(c for c in graded["cells"] if "The managed culture values targets" in "".join(c["source"]))
        assert "".join(box["source"]).startswith("> **Written by the student**")
        # a box left as released is the course's text: not framed (review 9)
        untouched = next(c for c in graded["cells"] if "Your answer to question 3(b)" in "".join(c["source"]))
        assert not "".join(untouched["source"]).startswith(">"), untouched["source"]
        # the course's own cells are as released: no frame
        release = json.loads((course.root / "exercises" / A1 / f"{A1}.ipynb").read_text(encoding="utf-8"))
        intro = next(c for c in release["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "intro")
        assert "".join(cell_by_id(graded, "intro")["source"]) == "".join(intro["source"])

        page = formgrade_html(course, "t9-forged", A1, course_config=True)
        at = page.index("Marking note from the module team")
        framed = page[:at]
        assert framed.rfind("<blockquote>") > framed.rfind("</blockquote>"), page[at - 400:at]
        assert "Written by the student" in page[at - 400:at]
    finally:
        forget_students(course, "t9-forged")


def test_an_answers_file_of_made_up_keys_gives_a_bounded_list(tmp_path: Path) -> None:
    from coplearn.grading.schema import MAX_STRAY_NOTES, Question, clean_answers

    answers = {f"x{n}": 0 for n in range(5000)}
    answers.update({"q1.3": "managed", "q1.4": "no such culture", "q1.99": "managed"})
    (tmp_path / "answers.json").write_text(json.dumps({"format": "coplearn-answers", "version": 2, "answers": answers}))
    schema = {"q1": Question(name="q1", kind="culture", items=frozenset({"3", "4"}), count=None)}
    doc, notes = clean_answers(tmp_path / "answers.json", schema)
    assert doc is not None and doc["answers"] == {"q1.3": "managed"}
    assert notes[0].startswith("answers.json: the answer saved for q1.4 is")  # a real question's refusal: first
    assert len(notes) == 1 + MAX_STRAY_NOTES + 1, len(notes)
    assert notes[-1] == ("answers.json: and 4981 other keys that answer no question of this assignment "
                         "(left out, not listed one by one)")


def test_a_decimal_comma_is_named_for_the_tutor_and_the_learner() -> None:
    from coplearn.grading import resolve
    from coplearn.grading.answers import parse_answer_cell

    source = "q1 = {'task': 3.46, 'team': 2,92, 'individual': 3.01}"
    assert parse_answer_cell(source).problem == ('it is not Python that can be read: 2,92 has a decimal comma; '
                                                 'write 2.92 (with a full stop), or put it in quotes: "2,92"')
    for other_fault in ("q1 = {'task': 3.46 'team'}", "q1 = {'task': 3.46 'team': 2.92}  # unsure about 3,4",
                        "q1 = {'task': '3,46' 'team': 2.92}"):  # (review 9: a comma in a comment or in quotes)
        problem = parse_answer_cell(other_fault).problem  # (a missing comma, put in words: session 20)
        assert problem.startswith("it is not Python that can be read") and "decimal comma" not in problem, other_fault
    # the learner's own run: the watcher on the answer cells says the same after Python's message
    result = SimpleNamespace(info=SimpleNamespace(raw_cell=source), error_before_exec=SyntaxError("x"),
                             error_in_exec=None)
    said = io.StringIO()
    with redirect_stdout(said):
        resolve._after_cell(result)
    assert said.getvalue() == ('Python cannot read this answer cell, so its answers are not marked until it is '
                               'mended: 2,92 has a decimal comma; write 2.92 '
                               '(with a full stop), or put it in quotes: "2,92". Until you mend it, the answers given '
                               'with the drop-downs (or boxes) are the ones marked for the questions in this cell.\n')
    said = io.StringIO()
    with redirect_stdout(said):  # not an answer cell: nothing said
        resolve._after_cell(SimpleNamespace(info=SimpleNamespace(raw_cell="x = f(1,2"),
                                            error_before_exec=SyntaxError("x"), error_in_exec=None))
    assert said.getvalue() == ""


@pytest.mark.slow
@pytest.mark.parametrize("inline", [False, True], ids=["one-worker", "one-job-inline"])
def test_a_kept_kernel_describes_answers_as_a_fresh_one_does(course: Course, inline: bool) -> None:
    """The set-up cell moved below the tests: serial grading (a fresh kernel) and a kept kernel (the
    second notebook its worker grades) must print the same words, not only give the same marks."""
    from coplearn.grading.parallel import autograde_parallel

    k = "t9-i" if inline else "t9-k"  # (students of their own: the course is shared by the module's tests)

    def setup_last(nb: dict) -> None:
        honest_a1(nb)
        setup = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "setup")
        nb["cells"].remove(setup)
        nb["cells"].append(setup)

    graded_honest(course, f"{k}-a-honest")  # (the worker grades this one first, in a fresh kernel)
    for sid in (f"{k}-serial", f"{k}-parallel"):
        course.student(sid).hand_in(A1, setup_last)
    try:
        course.ok(course.api().collect(A1))
        course.ok(course.api(**FAST).autograde(A1, f"{k}-serial"))
        assert course.score(A1, f"{k}-serial") == 40
        serial = output_text(cell_by_id(course.autograded(A1, f"{k}-serial"), "q1-statement-01"))
        # one worker: the honest notebook first (a fresh kernel), then this one in the kept kernel
        report = autograde_parallel(A1, jobs=1, course_dir=course.root, inline=inline,
                                    nbgrader_args=[f"--student={k}-[ap]*", "--force", "--Execute.timeout=10"])
        assert not report.failed and (report.kept_here if inline else report.replayed) == 2, report.summary()
        assert report.timings[-1].warm == 1, report.timings  # t9-k-parallel ran in the kept kernel
        assert [t.student for t in report.timings] == [f"{k}-a-honest", f"{k}-parallel"], report.timings
        assert course.score(A1, f"{k}-parallel") == 40
        kept = output_text(cell_by_id(course.autograded(A1, f"{k}-parallel"), "q1-statement-01"))
        assert kept == serial, (serial, kept)
    finally:
        forget_students(course, f"{k}-a-honest", f"{k}-serial", f"{k}-parallel")
