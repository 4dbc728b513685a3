"""Form checks for graded cells (the visible tests): plain English, never the answer key.

:func:`check_choice`, :func:`check_number` and :func:`check_several` check only the *form* of an
answer and explain, in plain English, what to fix. Under nbgrader a problem fails the test; in
the learner's own notebook it is shown as a message, so "Run All Cells" carries on.

>>> check_choice(None, "culture", "statement 3")
Traceback (most recent call last):
...
AssertionError: You have not answered statement 3 yet. Choose a learning culture from the drop-down above, or type one of: professional, managed, humanistic, democratic.
"""

from __future__ import annotations

import difflib
import math
import os
import unicodedata
from collections.abc import Sequence

from coplearn.grading.answers import _show
from coplearn.grading.options import _what, options

__all__ = ["check_choice", "check_number", "check_several", "plain_errors"]


def _quoted(value: object) -> str:
    r"""A learner's answer for a message: text in quotes with its invisible and control characters
    written out once (``'managed\u200b'``), anything else as Python shows it.

    >>> print(_quoted("managed\u200b"), _quoted(3), _quoted(None))
    'managed\u200b' 3 None
    """
    return f"'{_show(value)}'" if isinstance(value, str) else _show(value)


def _interactive() -> bool:
    """True in the learner's own notebook session: IPython is running and nbgrader is not."""
    if os.environ.get("NBGRADER_EXECUTION"):
        return False
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        return False
    return get_ipython() is not None


def marking() -> bool:
    """True while the autograder marks a notebook handed in (not the learner's own run, nor
    ``nbgrader validate``): the messages then say what was found, for the feedback, not what to do
    next ("You did not answer statement 3", not "You have not answered statement 3 yet. Choose ...")."""
    return os.environ.get("NBGRADER_EXECUTION") == "autograde"


def _report(problem: str | None) -> None:
    """Fail a check: raise under nbgrader (and in plain Python); in the learner's own session,
    show the message instead, so that "Run All Cells" carries on to the questions below."""
    if problem is None:
        return
    if not _interactive():
        raise AssertionError(problem)
    from IPython.display import display

    from coplearn.core import html as _html

    display({"text/plain": f"Not ready yet: {problem}",
             "text/html": ('<div style="border-left:4px solid #E69F00;padding:2px 8px">'
                           f"<strong>Not ready yet:</strong> {_html.esc(problem)}</div>")}, raw=True)


def _typed(kind: str) -> str:
    """The options as a learner would type them (``co-producers``, not the key ``co_producers``)."""
    return ", ".join(o.key.replace("_", "-") for o in options(kind))


def _choice_problem(answer: object, kind: str, where: str) -> str | None:
    what, plural = _what(kind)
    keys = [o.key for o in options(kind)]
    if answer is None:
        if unread := _unread(where):
            return unread
        if marking():
            return f"You did not answer {where}: no answer was found for it, typed or chosen with the drop-down."
        article = "an" if what[0] in "aeiou" else "a"
        return (f"You have not answered {where} yet. Choose {article} {what} from the drop-down above, "
                f"or type one of: {_typed(kind)}.")
    if isinstance(answer, (list, tuple)) and len(answer) == 1 and answer[0] in keys:
        # (a comma after the answer, copied from a line of a {...} answer, makes a list of one: red team 15 F4)
        return (f"For {where} you gave {_quoted(answer)}, a list of one answer, not the answer itself: give "
                f"{_quoted(answer[0])} on its own (remove the comma after it, or the square brackets around it).")
    if answer not in keys:
        return (f"For {where} you gave {_quoted(answer)}, which is not one of {plural}.{_look_alikes(answer)}"
                f"{_did_you_mean(answer, kind)} Choose one of: {_typed(kind)}.")
    return None


def _did_you_mean(answer: object, kind: str) -> str:
    """A sentence naming the option a misspelt answer is closest to (``humanstic``: humanistic), or "".
    It only points at a spelling: the answer is not marked as that option (walk22 L5).

    >>> print(_did_you_mean("humanstic", "culture"))
     Did you mean humanistic? (Check the spelling: an answer is marked only as typed.)
    >>> _did_you_mean("clan", "culture"), _did_you_mean(3, "culture")
    ('', '')
    """
    if not isinstance(answer, str) or not answer.strip() or len(answer) > 60:
        return ""
    forms = {o.key.replace("_", "-").lower(): o.key.replace("_", "-") for o in options(kind)}
    close = difflib.get_close_matches(answer.strip().lower(), list(forms), n=1, cutoff=0.75)
    return f" Did you mean {forms[close[0]]}? (Check the spelling: an answer is marked only as typed.)" if close else ""


def non_keyboard_letters(value: object) -> list[tuple[str, str]]:
    """The letters of a typed answer other than the keyboard's plain a to z, once each, with their
    Unicode names (a Cyrillic о looks like o); none for anything but text.

    >>> non_keyboard_letters("st\u043erming"), non_keyboard_letters(3)
    ([('\u043e', 'CYRILLIC SMALL LETTER O')], [])
    """
    if not isinstance(value, str):
        return []
    odd = dict.fromkeys(ch for ch in value if ch.isalpha() and not ch.isascii())
    return [(ch, unicodedata.name(ch, f"U+{ord(ch):04X}")) for ch in odd]


def _look_alikes(answer: object) -> str:
    """A sentence naming the letters of a typed answer that are not the keyboard's plain a-z (a Cyrillic
    о looks like o: red team 19 F2), so that an answer that looks right says why it is not; else "".

    >>> print(_look_alikes("st\u043erming"))
     It holds a letter other than the keyboard's plain a to z, though it may look like one: \u043e (CYRILLIC SMALL LETTER O); retype the answer.
    >>> _look_alikes("storming"), _look_alikes(3)
    ('', '')
    """
    odd = non_keyboard_letters(answer)
    if not odd:
        return ""
    named = ", ".join(f"{ch} ({name})" for ch, name in odd[:5])
    several = len(odd) > 1
    return (f" It holds {'letters' if several else 'a letter'} other than the keyboard's plain a to z, though "
            f"{'they' if several else 'it'} may look like {'them' if several else 'one'}: {named}; retype the answer.")


#: What a check says of an answer typed in a cell Python could not read (walk19 #3: it said "You have
#: not answered", and a learner who typed every answer was sent to the drop-downs).
UNREAD_MESSAGE = ("The answer cell for {where} cannot be read by Python yet (the message under it says what to "
                   "mend), so no typed answer for it can be marked. Mend the cell and run it again, or give the "
                   "answer with the drop-down or number box for it instead.")


#: The same in the feedback on a notebook handed in, where the autograder found the cell so.
UNREAD_AT_GRADING = ("The answer cell for {where} could not be read by Python when the notebook was marked (the "
                     "autograder's note at the top of that cell says why), so no typed answer for it was marked.")


def _unread(where: str) -> str | None:
    """What to say when the answer for ``where`` is missing because Python could not read its cell."""
    from coplearn.grading import resolve

    return resolve.unread_message(where)


def _instead(where: str) -> str | None:
    """In the learner's run and ``nbgrader validate`` (not when marking): why the answer shown for ``where`` is the
    drop-down's or box's, although a typed one was given that cannot be used (walk29b M2, M4), or None."""
    from coplearn.grading import resolve

    return None if marking() else resolve.instead_message(where)


def check_choice(answer: object, kind: str, where: str) -> None:
    """Check that ``answer`` is one of the options for ``kind`` (not whether it is right).

    Under nbgrader (and in plain Python) a problem raises ``AssertionError``; in the learner's
    own notebook it is shown as a message, so the rest of the notebook still runs.

    >>> check_choice("clan", "culture", "statement 3")
    Traceback (most recent call last):
    ...
    AssertionError: For statement 3 you gave 'clan', which is not one of the four learning cultures. Choose one of: professional, managed, humanistic, democratic.
    >>> check_choice(["storming"], "stage", "the stage")
    Traceback (most recent call last):
    ...
    AssertionError: For the stage you gave ['storming'], a list of one answer, not the answer itself: give 'storming' on its own (remove the comma after it, or the square brackets around it).
    """
    _report(_choice_problem(answer, kind, where) or _instead(where))


def check_number(answer: object, where: str, lo: float = 1.0, hi: float = 5.0, why: str = "") -> None:
    """Check that ``answer`` is a number from ``lo`` to ``hi`` (not whether it is right).

    >>> check_number(7.5, "the task score", why="a domain score is a mean of ratings from 1 to 5")
    Traceback (most recent call last):
    ...
    AssertionError: For the task score you gave 7.5, but a domain score is a mean of ratings from 1 to 5, so it must lie between 1 and 5.
    """
    problem = None
    if answer is None:
        problem = (_unread(where) or
                   (f"You did not answer {where}: no number was found for it, in the answer cell or the box."
                    if marking() else
                    f"You have not answered {where} yet. Type the number in the answer cell or the box above."))
    elif isinstance(answer, bool) or not isinstance(answer, (int, float)) or math.isnan(answer):
        problem = f"For {where} you gave {_quoted(answer)}, which is not a number. Type digits, for example 3.25."
    elif not lo <= answer <= hi:
        reason = f"{why}, so it" if why else "It"
        problem = f"For {where} you gave {answer:g}, but {reason} must lie between {lo:g} and {hi:g}."
    _report(problem or _instead(where))


def _several_problem(answers: Sequence[object], kind: str, count: int, where: str) -> tuple[str | None, bool]:
    """What is wrong with the form of ``answers`` (or None), and whether it stops them being marked."""
    what, plural = _what(kind)
    keys = [o.key for o in options(kind)]
    if not answers:
        if unread := _unread(where):
            return unread, True
        if marking():
            return f"You did not answer {where}: no answer was found for it, typed or chosen with the drop-downs.", True
        return (f"You have not answered {where} yet. Choose {count} from the drop-downs above, or type them "
                "into the answer cell as a list: in square brackets, each in quotes, separated by commas."), True
    different = len({a if isinstance(a, str) else repr(a) for a in answers})
    if different > count:
        return (f"For {where} you gave {different} different answers; the question asks for no more than {count}, "
                "so none of them can be marked."), True
    for a in answers:
        if a not in keys:
            others = any(b in keys for b in answers)
            # Under nbgrader validate this fails the check: "Success!" is read as "every answer can be read" (red
            # team 28 M3: it said so of an answer that earned nothing); the autograder marks the rest, with this note.
            return (f"For {where} you gave {_quoted(a)}, which is not one of {plural} (it earns nothing"
                    f"{'; the others are marked' if others else ''}).{_look_alikes(a)}{_did_you_mean(a, kind)} "
                    f"Choose from: {_typed(kind)}."), os.environ.get("NBGRADER_EXECUTION") == "validate"
    seen: set[object] = set()
    for a in answers:
        if a in seen:
            return (f"For {where} you chose {a} more than once (it is marked once). "
                    f"Choose {count} different answers."), False
        seen.add(a)
    if len(answers) != count:
        return (f"For {where} you gave {len(answers)} answer{'s' if len(answers) != 1 else ''}; the question "
                f"asks for {count} (each right one you give earns its points)."), False
    return None, False


def check_several(answers: Sequence[object], kind: str, count: int, where: str) -> None:
    """Check that ``answers`` holds ``count`` different options of ``kind``.

    In the learner's own notebook every problem is shown. Under the autograder only two fail the test:
    no answer at all, and more than ``count`` different answers (which would let a learner name
    every option). An answer that is short, or repeats one, or holds something that is not an
    option, is marked as given (each right answer earns its points), with a note saying so. Under
    ``nbgrader validate`` every problem fails, so that "Success!" is never said of an answer that earns nothing
    (red team 28 M3) or that the notebook calls "Not ready yet" (walk30s M2: one answer of two).

    >>> check_several(["managed", "democratic", "humanistic"], "culture", 2, "question 2")
    Traceback (most recent call last):
    ...
    AssertionError: For question 2 you gave 3 different answers; the question asks for no more than 2, so none of them can be marked.
    >>> check_several(["managed"], "culture", 2, "question 2")
    Note: For question 2 you gave 1 answer; the question asks for 2 (each right one you give earns its points).
    """
    problem, fatal = _several_problem(answers, kind, count, where)
    # (under nbgrader validate every problem fails, so that "Success!" is never said beside a "Not ready yet" in the
    # notebook: walk30s M2, one culture of two; the autograder marks what is given, with the note)
    if problem is not None and not fatal and not _interactive() and os.environ.get("NBGRADER_EXECUTION") != "validate":
        print(f"Note: {problem}")
        return
    _report(problem or _instead(where))


def plain_errors() -> None:
    """Show failed checks as one plain sentence instead of a Python traceback (IPython only)."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:  # pragma: no cover
        return
    if shell is not None:
        shell.InteractiveTB.set_mode(mode="Minimal")
