"""Red team 15 F4: an answer cell Python cannot read because of a special space or curly quotes.

A non-breaking space (a Mac types one with Option+Space; text copied from a web page or an e-mail
brings them) or "smart" quotes (a phone's, a tablet's, a word processor's) make Python refuse the
whole answer cell. The marks already followed the learner's own run; what was missing was the
reason in words a learner can act on: they saw only "invalid non-printable character U+00A0", and
the tutor's note said "check quotes, brackets and commas". Both now name the character and the fix.
"""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from types import SimpleNamespace

import pytest

pytestmark = [pytest.mark.nbgrader]

CASES = [
    ('q1_readiness = {\n\u00a0\u00a0\u00a0\u00a0"frank": "R3",\n}', "line 2 holds a special space (U+00A0, a non-breaking space)"),
    ('q2_stage =\u00a0"storming"', "a Mac types with Option+Space"),
    ("q2_stage = \u201cstorming\u201d", "curly quotation marks (\u201c)"),
    ("q2_stage = \u2018storming\u2019", "Type them again as straight quotes"),
    ('q2_stage = "storming"\u200b', "an invisible character (U+200B, a zero width space)"),
    ("q2_stage = \u00abstorming\u00bb", "quotation marks Python does not take (\u00ab)"),
]


PREFIX = "Python cannot read this answer cell, so its answers are not marked until it is mended: "


def _syntax_error(source: str) -> SyntaxError:
    try:
        compile(source, "<cell>", "exec")
    except SyntaxError as exc:
        return exc
    raise AssertionError(f"{source!r} compiled")


@pytest.mark.parametrize("source, words", CASES)
def test_the_tutor_and_the_learner_are_told_which_character_to_retype(source: str, words: str) -> None:
    from coplearn.grading import resolve
    from coplearn.grading.answers import parse_answer_cell

    problem = parse_answer_cell(source).problem
    assert problem.startswith("it is not Python that can be read: ") and words in problem, problem
    said = io.StringIO()
    with redirect_stdout(said):  # the learner's own run: the answer cells' watcher, after Python's message
        resolve._after_cell(SimpleNamespace(info=SimpleNamespace(raw_cell=source), error_before_exec=_syntax_error(source),
                                            error_in_exec=None))
    assert said.getvalue().startswith(PREFIX) and words in said.getvalue(), said.getvalue()


def test_a_special_space_inside_quotes_is_not_blamed() -> None:
    from coplearn.grading.answers import parse_answer_cell

    # inside quotes Python reads it: the fault here is the missing closing bracket, and the hint comes
    # from Python's own error, not from a character somewhere in the cell
    problem = parse_answer_cell('q1 = {"frank": "R3\u00a0", "dan": "R1"').problem
    assert problem == "it is not Python that can be read: the { on line 1 is never closed: put a } after the last answer", problem
    assert parse_answer_cell("q1 = {'task': 3.46 'team'}").problem == (
        "it is not Python that can be read: line 1 seems to be missing a comma between two answers: put a comma after "
        "each one")


@pytest.mark.parametrize("source, words", [
    ('q2 = {1: "consulted", 2: "informed}', 'line 1 opens a quotation mark and never closes it'),
    ('q2 = {1: "consulted",\n      2: "informed"', 'the { on line 1 is never closed: put a }'),
    ('q3 = ["managed", "democratic"}', 'closes with } what was opened with ['),
    ('q2 = {1: "consulted" 2: "informed"}', 'line 1 seems to be missing a comma between two answers'),
    ('q2 = {1: "consulted", 2: informed\\}', 'check the quotation marks, brackets and commas on line 1'),
    ('q2: dict = {1: "consulted", 2: "informed}', 'line 1 opens a quotation mark and never closes it'),  # (check19 L4)
])
def test_walk19_python_s_own_error_is_put_in_words_and_the_checks_say_why_no_answer(source: str, words: str) -> None:
    """walk19 #3: a missing closing quotation mark showed only "SyntaxError: unterminated string literal",
    and every check under the question said "You have not answered", sending a learner who had typed
    every answer to the drop-downs."""
    from coplearn.grading import checks, resolve

    resolve._MARKED.clear()
    resolve._UNREAD.clear()
    resolve._UNREAD_LABELS.clear()
    resolve._MARKED["q2"] = {1: "consulted"}  # an earlier run of the same cell (JupyterLab's id "c1"), before the slip
    resolve._GIVEN_IN["q2"] = "c1"
    said = io.StringIO()
    with redirect_stdout(said):
        resolve._after_cell(SimpleNamespace(info=SimpleNamespace(raw_cell=source, cell_id="c1"), error_before_exec=_syntax_error(source),
                                            error_in_exec=None))
    assert said.getvalue().startswith(PREFIX) and words in said.getvalue(), said.getvalue()
    name = source.split(" ")[0].rstrip(":")
    assert name in resolve._UNREAD and name not in resolve._MARKED  # as the autograder: unanswered until mended
    tracking = resolve._TRACKING
    resolve._TRACKING = True  # (as after the set-up cell)
    try:
        with redirect_stdout(io.StringIO()) as shown:
            answer = resolve.choice(name, 1, kind="degree", label="scenario 1", folder="/nonexistent-folder")
        assert answer is None and "cannot be read by Python yet" in shown.getvalue(), shown.getvalue()
        problem = checks._choice_problem(answer, "degree", "scenario 1")
        assert problem and problem.startswith("The answer cell for scenario 1 cannot be read by Python yet"), problem
        with redirect_stdout(io.StringIO()):  # mended: the watcher reads the cell, and the note goes
            resolve._after_cell(SimpleNamespace(info=SimpleNamespace(raw_cell=f'{name} = {{1: "consulted"}}'),
                                                error_before_exec=None, error_in_exec=None))
            answer = resolve.choice(name, 1, kind="degree", label="scenario 1", folder="/nonexistent-folder")
        assert answer == "consulted" and not resolve.unread_because_of_cell("scenario 1")
    finally:
        resolve._TRACKING = tracking
        resolve._MARKED.clear()
        resolve._UNREAD.clear()
        resolve._UNREAD_LABELS.clear()
