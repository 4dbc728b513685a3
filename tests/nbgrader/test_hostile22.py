"""Session 22: red team 22's finding on grading.

- F1: an answer pasted with every line indented (as text copied from an e-mail or a web page often
  is), or with a ``>>>`` prompt in front, runs without an error in the learner's session (IPython
  takes the shared indent and the prompt out first), but the checks, ``nbgrader validate`` and the
  autograder read the text as it stood, found it unreadable and said to "check quotes, brackets and
  commas": the answer lost its marks everywhere, with a wrong reason.
"""

from __future__ import annotations

import json
import re

import pytest
from nbcourse import A1, A1_KEYS, A1_RIGHT_Q1, A1_RIGHT_Q2, FAST, Course, cell_by_id, forget_students, output_text, set_source

pytestmark = [pytest.mark.nbgrader]


def test_an_answer_is_read_as_ipython_runs_it() -> None:
    from coplearn.grading.answers import parse_answer_cell

    indented = parse_answer_cell("    # my two cultures\n    " + A1_RIGHT_Q2 + "\n")
    assert indented.values == {"q2": ["managed", "professional"]} and indented.problem is None
    prompted = parse_answer_cell(">>> q3 = 2.9\n")
    assert prompted.values == {"q3": 2.9}
    # a line further in than the others is still unreadable, as it is to IPython, with the reason said
    ragged = parse_answer_cell("q1 = 3\n    q2 = 4\n\n")
    assert not ragged.readable and "line 2 starts further in or further out than Python expects" in ragged.problem, ragged.problem
    assert "brackets" not in ragged.problem


@pytest.mark.slow
def test_red22_an_indented_answer_is_marked_in_the_learner_s_run_and_by_the_autograder(course: Course) -> None:
    sid = "t22-indent"
    try:
        s = course.student(sid)
        s.fetch(A1)
        nb = s.notebook(A1)
        set_source(nb, "q1-typed", "\n".join("  " + line for line in A1_RIGHT_Q1.splitlines()))
        set_source(nb, "q2-typed", "    # my two cultures\n    " + A1_RIGHT_Q2 + "\n")
        s.save_notebook(A1, nb)
        ran = s.run_all(A1)  # Restart Kernel and Run All, in the learner's folder
        seen = output_text(cell_by_id(ran, "q2-first"))
        assert "not Python that can be read" not in seen and "managed" in seen, seen
        s.submit(A1)
        api = course.api(**FAST)
        course.ok(api.collect(A1))
        log = course.ok(api.autograde(A1, sid))["log"]
        assert not re.search(rf"coplearn: {sid}: cell \d+.* was not run", log), log[-2000:]
        # every statement and both cultures, as with the same answers typed at the start of the line
        assert course.score(A1, sid) == 2 * len(A1_KEYS) + 16
    finally:
        forget_students(course, sid)


@pytest.mark.slow
def test_walk22_a_choice_typed_without_quotation_marks_is_said_to_need_them(course: Course) -> None:
    """walk22 M5: ``3: managed`` (no quotation marks) stopped the answer cell with Python's own
    "NameError: name 'managed' is not defined", and every statement's check then said "You have not
    answered statement N yet", sending a learner who typed every answer to the drop-downs."""
    sid = "t22-noquote"
    try:
        s = course.student(sid)
        s.fetch(A1)
        nb = s.notebook(A1)
        set_source(nb, "q1-typed", A1_RIGHT_Q1.replace("3: 'professional'", "3: professional"))
        s.save_notebook(A1, nb)
        ran = s.run_all(A1)
        said = output_text(cell_by_id(ran, "q1-typed"))
        assert ('on line 1, professional has no quotation marks around it, so Python takes it for a name it does '
                'not know: write it between straight quotation marks, "professional"') in said, said
        check = output_text(cell_by_id(ran, "q1-statement-01"))
        assert "The answer cell for statement 1 cannot be read by Python yet" in check, check
        assert "You have not answered" not in check, check
    finally:
        forget_students(course, sid)


def test_walk22_a_choice_is_shown_by_the_word_the_learner_knows(tmp_path, capsys) -> None:
    """walk22 L4: "Your answer to scenario 4: co_producers (typed)" showed the course's key, not the
    option's word ("co-producers")."""
    import json as _json

    from coplearn.grading import resolve

    (tmp_path / "answers.json").write_text(_json.dumps(
        {"format": "coplearn-answers", "version": 2, "answers": {"q2.4": "co-producers", "q3.1": "co production"}}))
    assert resolve.choice("q2", 4, kind="degree", label="scenario 4", folder=tmp_path) == "co_producers"
    assert resolve.several("q3", 1, kind="degree", label="the step", folder=tmp_path) == ["co_producers"]
    said = capsys.readouterr().out
    assert "Your answer to scenario 4: co-producers (chosen with the drop-down)" in said, said
    assert "Your answer to the step: co-producers (chosen with the drop-downs)" in said, said
    assert "co_producers" not in said


def test_red22b_a_time_claimed_in_the_future_is_replaced_by_the_exchange_s(tmp_path) -> None:
    """red team 22b L2: collect corrected only claims earlier than the exchange's own record, so a
    timestamp.txt claiming 9999-12-31 was kept (the submission then counted as late by the claim); a claim
    within the tolerance either side is kept, as before."""
    import datetime

    from nbcourse import time_check

    from coplearn.grading.submission import read_timestamp

    collect, src, dest, now, seen = time_check(tmp_path)
    for claim in ("9999-12-31 23:59:59.000000 UTC", (now + datetime.timedelta(days=2)).strftime("%Y-%m-%d %H:%M:%S.%f UTC")):
        (dest / "timestamp.txt").write_text(claim, encoding="utf-8")
        collect._check_time(str(src), str(dest))
        assert abs((read_timestamp(dest / "timestamp.txt") - now.replace(tzinfo=None)).total_seconds()) < 2, claim
        assert "the exchange's time is used for lateness" in seen[-1], seen
    honest = (now + datetime.timedelta(minutes=3)).replace(tzinfo=None)
    (dest / "timestamp.txt").write_text(honest.strftime("%Y-%m-%d %H:%M:%S.%f UTC"), encoding="utf-8")
    collect._check_time(str(src), str(dest))
    assert read_timestamp(dest / "timestamp.txt") == honest


def test_red22b_the_year_1_is_written_in_four_figures_in_collect_s_and_grading_s_lines(tmp_path) -> None:
    """red team 22b L3: a timestamp.txt claiming the year 1 was said as "claims it was submitted at 1-01-01
    00:00:00 UTC" by collect and "read as 1-01-01 00:00 UTC" by grading (``%Y`` under the C library Linux uses)."""
    from nbcourse import time_check

    from coplearn.grading.submission import _say_if_own_timestamp

    collect, src, dest, now, seen = time_check(tmp_path)
    (dest / "timestamp.txt").write_text("0001-01-01 00:00:00.000000 UTC", encoding="utf-8")
    collect._check_time(str(src), str(dest))
    assert "claims it was submitted at 0001-01-01 00:00:00 UTC, but its files were last changed in the exchange " \
           f"at {now:%Y}-" in seen[-1], seen
    # a folder put in submitted/ by hand, with its own timestamp.txt: grading's line
    lines: list[str] = []

    class Log:
        def warning(self, text: str, *args: object) -> None:
            lines.append(text % args)

    (dest / "timestamp.txt").write_text("0001-01-01 00:00:00.000000 UTC", encoding="utf-8")
    _say_if_own_timestamp(str(dest), "t22b-year1", Log())
    assert len(lines) == 1 and "(0001-01-01 00:00:00.000000 UTC, read as 0001-01-01 00:00 UTC)" in lines[0], lines


def test_walk22_a_misspelt_choice_is_pointed_at_the_nearest_option_and_not_marked_as_it() -> None:
    """walk22 L5: "humanstic" got "not one of the four learning cultures" and the list, with no word of
    the likely slip; the check now names the nearest option, and still does not accept the misspelling."""
    from coplearn.grading import checks

    with pytest.raises(AssertionError, match=r"you gave 'humanstic', which is not one of the four learning cultures\. "
                                             r"Did you mean humanistic\?"):
        checks.check_choice("humanstic", "culture", "statement 2")
    problem, stops = checks._several_problem(["developmental", "monitorng"], "future", 2, "the futures")
    assert "'monitorng'" in problem and "Did you mean monitoring?" in problem and not stops, problem
    with pytest.raises(AssertionError) as err:
        checks.check_choice("clan", "culture", "statement 3")
    assert "Did you mean" not in str(err.value)


def test_walk22_a_damaged_answers_file_says_where_and_what_becomes_of_it(tmp_path) -> None:
    """walk22 L9: one missing comma in answers.json lost every saved choice with no word of where the
    damage was or what became of the file."""
    from coplearn.grading.store import AnswerStore

    (tmp_path / "answers.json").write_text('{"format": "coplearn-answers", "version": 2, '
                                          '"answers": {"q1.1": "managed" "q1.2": "professional"}}', encoding="utf-8")
    store = AnswerStore(tmp_path)
    assert store.all() == {}
    assert "could not be read (line 1, column 76: a comma is missing" in store.last_warning, store.last_warning
    assert "answers.json.unreadable-" in store.last_warning
    assert store.save("q1.3", "humanistic")
    assert list(tmp_path.glob("answers.json.unreadable-*")) and store.all() == {"q1.3": "humanistic"}


@pytest.mark.slow
def test_red22_a_skip_execution_tag_on_an_answer_cell_does_not_change_what_validate_marks(course: Course,
                                                                                         tmp_path) -> None:
    """red team 22 (noted): the autograder resets a student cell's tags, and JupyterLab's Run All ignores
    them, but ``nbgrader validate`` (nbclient) skipped a cell tagged ``skip-execution``: it would have
    marked the drop-downs where the autograder marks the typed answer. The course's config runs every cell."""
    import shutil

    from nbcourse import load_course_config
    from nbgrader.validator import Validator

    folder = tmp_path / A1
    shutil.copytree(course.root / "exercises" / A1, folder)
    path = folder / f"{A1}.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    set_source(nb, "q1-typed", A1_RIGHT_Q1)
    set_source(nb, "q2-typed", A1_RIGHT_Q2)
    for gid in ("q1-typed", "q2-typed"):
        cell_by_id(nb, gid)["metadata"]["tags"] = ["skip-execution"]
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert Validator(config=load_course_config(course.root, course.exchange)).validate(str(path)) == {}


@pytest.mark.parametrize("source, marked", [
    ('  q1 = {1: "managed"}\nq2 = ["managed", "professional"]', {}),  # IPython 8 took the first line's indent only
    ('q7 = """\n>>> not a prompt\n"""', {"q7": "\n>>> not a prompt\n"}),  # a prompt inside a text is text
    ('    q3 = 2.9\n\tq4 = 3', {}),  # spaces and a tab share no indent
    ('>>> q3 = 2.9\n... ', {"q3": 2.9}),
])
def test_check22_the_course_reads_an_answer_cell_the_same_whatever_ipython_runs(source, marked) -> None:
    """check22 M1: the cell was read with the running IPython's own first steps, which IPython 8 and 9 (and
    the browser edition's 9.12) take differently, so the learner's run and the autograder could mark different
    answers. The course's steps are its own, fixed; these cells read the same with any IPython."""
    from coplearn.grading import answers

    assert answers.parse_answer_cell(source).values == marked
    assert not hasattr(answers, "_ipython_cleanup")  # (no step comes from the IPython that happens to run)
