"""Graded exercises, the learner's side: answers are data.

Every computer-marked question is a choice, a set of choices or a number. A learner answers with
a drop-down (:mod:`coplearn.widgets.answers`), which saves the choice at once to ``answers.json``
beside the notebook (:mod:`coplearn.grading.store`), or by typing a plain value into the answer
cell (``q1 = {3: "managed"}``, ``q2 = ["K5", "T4"]``, ``q3 = 2.9``). The autograder
(:mod:`coplearn.grading.sanitise`) reads those answers as data: it parses each answer cell as a
literal with :func:`parse_answer_cell` and never runs anything else the learner wrote.

This module holds what both sides share: what an answer may be (:func:`as_data`), how an answer
cell is read without running it (:func:`parse_answer_cell`) and written back
(:func:`answer_source`). The option sets are in :mod:`coplearn.grading.options`; which answer a
graded cell marks, and the watching of answer cells, in :mod:`coplearn.grading.resolve`; the
plain-English form checks in :mod:`coplearn.grading.checks`.

>>> parse_answer_cell('q1 = {3: "managed"}  # my answer').values
{'q1': {3: 'managed'}}
"""

from __future__ import annotations

import ast
import difflib
import functools
import json
import math
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass

from coplearn.grading.options import Option, canonical, number_text, options, split_several

__all__ = [
    "ANSWERS_FILE",
    "blank_answer",
    "LongNumber",
    "MAX_CELL_CHARS",
    "MAX_DEPTH",
    "MAX_ITEMS",
    "MAX_TEXT",
    "Option",
    "ParsedCell",
    "answer_source",
    "as_data",
    "canonical",
    "number_text",
    "without_surrogates",
    "is_answer_name",
    "unquoted_hint",
    "item_value",
    "loads",
    "options",
    "parse_answer_cell",
    "printable",
    "several_values",
    "split_several",
]

#: The file, beside the notebook, that keeps the learner's drop-down choices.
ANSWERS_FILE = "answers.json"
_SHOW_MAX = 80  # characters of an answer echoed back (a flood of text must not flood the output)
_SHOW_ITEMS = 20  # items of a list answer echoed back; the rest are counted

# Limits on what an answer may be (anything bigger is not an answer to these questions).
MAX_CELL_CHARS = 20_000   #: characters in one answer cell
MAX_ITEMS = 200           #: entries in one list or dict
MAX_TEXT = 2_000          #: characters in one text value
MAX_DEPTH = 3             #: nesting of lists and dicts
#: (``q`` and a digit, then any letters, digits and underscores: written so that the digits cannot be
#: shared two ways between its parts, which made a long name cost seconds to refuse: red team 20 F1)
_ANSWER_NAME = re.compile(r"q[0-9][A-Za-z0-9_]*")


# ---------------------------------------------------------------------------------------------
# Answers as data: what an answer cell holds, read without running it
# ---------------------------------------------------------------------------------------------


#: A key that numbers an item in words a learner may use: "01", "statement 1", "Statement 01".
_NUMBERED_KEY = re.compile(r"(?:statement\s*)?0*(\d{1,4})", re.IGNORECASE)


def item_value(given: object, item: object) -> object:
    """One item of a typed answer (``q1[3]``, ``q1_readiness["frank"]``), as both the learner's
    kernel and the autograder's record look it up: by number first (``3`` or ``"3"``), then by
    text, then by text in any case and spacing ("Frank"); for a list or tuple, by position.
    ``None`` if the answer does not give it.

    A numbered item is also found under its number written with leading zeros or after the word "statement"
    (``"01"``, ``"Statement 1"``: red team 29 M1, an unambiguous answer that earned nothing).

    >>> item_value({"Frank": "R3"}, "frank"), item_value({3: "a", "3": "b"}, "3"), item_value(["x", "y"], 2)
    ('R3', 'a', 'y')
    >>> item_value({"01": "a"}, "1"), item_value({"statement 12": "b"}, 12), item_value({"01": "a"}, "10")
    ('a', 'b', None)
    """
    text = str(item)
    if isinstance(given, Mapping):
        for key in ((int(text), text) if text.lstrip("-").isdigit() else (item, text)):
            if key in given:
                return given[key]
        folded = " ".join(text.casefold().split())
        for key, value in given.items():
            if isinstance(key, str) and " ".join(key.casefold().split()) == folded:
                return value
        if text.isdigit():
            for key, value in given.items():
                numbered = _NUMBERED_KEY.fullmatch(key.strip()) if isinstance(key, str) and len(key) < 40 else None
                if numbered and int(numbered.group(1)) == int(text):
                    return value
        return None
    if isinstance(given, (list, tuple)) and text.isdigit() and 0 < int(text) <= len(given):
        return given[int(text) - 1]
    return None


def names_item(key: object, item: object) -> bool:
    """Whether a typed answer's ``key`` names ``item``, as :func:`item_value` looks an item up.

    >>> names_item("Frank", "frank"), names_item("01", "1"), names_item(1, "frank")
    (True, True, False)
    """
    return item_value({key: True}, item) is not None


def decimal_comma_hint(source: str) -> str | None:
    """Why an answer cell that Python cannot read was refused, when a decimal comma is the likely
    cause (red team 9 F3: one ``'team': 2,92`` lost all three of a3's scores, and the learner saw
    only Python's own message). None otherwise. Only the code is looked at, not its comments or
    text in quotes, and only whole numbers joined by a comma with no space (review 9).

    >>> decimal_comma_hint("q1 = {'task': 3.46, 'team': 2,92, 'individual': 3.01}")
    '2,92 has a decimal comma; write 2.92 (with a full stop), or put it in quotes: "2,92"'
    >>> decimal_comma_hint("q1 = {'task': 3,01}")
    '3,01 has a decimal comma; write 3.01 (with a full stop), or put it in quotes: "3,01"'
    >>> decimal_comma_hint("q1 = {'task': 3.46 'team': 2.92}  # unsure about 3,4") is None
    True
    """
    import io
    import tokenize

    if not isinstance(source, str) or len(source) > MAX_CELL_CHARS:
        return None
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline)
                  if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT)]
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None
    for a, comma, b in zip(tokens, tokens[1:], tokens[2:]):
        if (a.type == b.type == tokenize.NUMBER and comma.string == "," and a.end == comma.start
                and comma.end == b.start and a.string.isdigit() and len(a.string) <= 3):
            # the digits as typed: Python reads "01" in 3,01 as two numbers, 0 and 1 (review 9b)
            decimals = re.match(r"\d+", b.line[b.start[1]:]) if b.start[0] == comma.end[0] else None
            if decimals is None or len(decimals.group(0)) > 6:
                continue
            number = f"{a.string},{decimals.group(0)}"
            return (f'{number} has a decimal comma; write {a.string}.{decimals.group(0)} (with a full stop), '
                    f'or put it in quotes: "{number}"')
    return None


#: Quotation marks Python does not take: curly ("smart") ones, which a phone, a tablet or a word
#: processor puts in place of straight ones, French-style ones and prime marks.
_CURLY_QUOTES = frozenset("\u201c\u201d\u201e\u201f\u2018\u2019\u201a\u201b")
_OTHER_QUOTES = frozenset("\u00ab\u00bb\u2039\u203a\u2032\u2033")


def unreadable_hint(source: str, error: object = None) -> str | None:
    """Why Python could not read an answer cell, in words a learner can act on, when the cause is a
    common slip: a decimal comma (:func:`decimal_comma_hint`), a special space (a non-breaking space,
    which a Mac types with Option+Space and which comes with text copied from a web page or an
    e-mail) or another invisible character, or curly quotes (a phone's, a tablet's or a word
    processor's "smart" quotes). ``error`` is Python's own ``SyntaxError``, which names the character
    and the line (red team 15 F4). None otherwise.

    >>> def error(source):
    ...     try:
    ...         compile(source, "<cell>", "exec")
    ...     except SyntaxError as exc:
    ...         return exc
    >>> unreadable_hint('q2_stage =\u00a0"storming"', error('q2_stage =\u00a0"storming"'))
    'line 1 holds a special space (U+00A0, a non-breaking space), which a Mac types with Option+Space and which comes with text copied from a web page or an e-mail: delete the spaces on that line and type them again'
    >>> print(unreadable_hint('q3 = \uff13', SyntaxError("invalid character '\uff13' (U+FF13)")))  # doctest: +ELLIPSIS
    this cell has a number typed with digits Python does not read (\uff13: ...): type the number with the digits 0 to 9 ...
    >>> print(unreadable_hint('q2_stage = \u201cstorming\u201d', SyntaxError("invalid character '\u201c' (U+201C)")))  # (no line)
    this cell has curly quotation marks (\u201c) where Python needs straight ones (" or '): a phone, a tablet or a word processor can put them in. Type them again as straight quotes
    """
    import unicodedata

    hint = command_line_hint(source, error) or decimal_comma_hint(source) or _worded_key_hint(source, error)
    if hint or error is None:
        return hint
    m = re.search(r"U\+([0-9A-Fa-f]{4,6})", str(error))
    if not m:
        return None
    ch = chr(int(m.group(1), 16))
    line = getattr(error, "lineno", None)
    where, there = (f"line {line}", "on that line") if isinstance(line, int) and line > 0 else ("this cell", "in it")
    if ch in _CURLY_QUOTES:
        return (f"{where} has curly quotation marks ({ch}) where Python needs straight ones (\" or '): a phone, a "
                "tablet or a word processor can put them in. Type them again as straight quotes")
    if ch in _OTHER_QUOTES:
        return (f"{where} has quotation marks Python does not take ({ch}): type straight ones instead (\" or ')")
    if unicodedata.category(ch) == "Nd" or ch in "\uff0e\u066b\u066c":  # (red team 29 L1)
        return (f"{where} has a number typed with digits Python does not read ({ch}: a full-width or another "
                "script's digit, or its decimal mark): type the number with the digits 0 to 9 and a full stop "
                "(3.46), or put it in quotes (\"３．４６\"), which the course reads")
    if ord(ch) in (0xA0, 0x202F, 0x2007):
        return (f"{where} holds a special space (U+{ord(ch):04X}, a non-breaking space), which a Mac types with "
                f"Option+Space and which comes with text copied from a web page or an e-mail: delete the spaces {there} "
                "and type them again")
    if unicodedata.category(ch) in ("Zs", "Cf", "Zl", "Zp"):
        name = unicodedata.name(ch, "invisible character").lower()
        return (f"{where} holds an invisible character (U+{ord(ch):04X}, a {name}), which comes with text copied from "
                f"a web page or an e-mail: type {'that line' if there == 'on that line' else 'it'} again rather than "
                "copying it")
    return None


_COMMAND_LINE = re.compile(r"^[ \t]*([%!])", re.M)


#: A key written as words without quotation marks: ``Statement 12: "humanistic",`` (walk30s L7).
_WORDED_KEY = re.compile(r"(?:^|[{,])[ \t]*((statement|practice|scenario|person|domain)[ \t]+(\d{1,3}))[ \t]*:",
                         re.IGNORECASE | re.MULTILINE)


def _worded_key_hint(source: str, error: object = None) -> str | None:
    """A key such as ``Statement 12:`` typed without quotation marks, on the line Python stopped at: say to write the
    number alone, or the words in quotes (which the course reads), not Python's "':' expected after dictionary key".

    >>> print(_worded_key_hint('q1 = {\\n    Statement 12: "humanistic",\\n}', SyntaxError("x", ("<cell>", 2, 5, "", 2, 5))))
    line 2 has Statement 12 without quotation marks: write just the number, 12: "...", or put the words in quotes, "Statement 12": "..."
    """
    if not isinstance(source, str):
        return None
    for m in _WORDED_KEY.finditer(source):
        before = source[source.rfind("\n", 0, m.start(1)) + 1: m.start(1)]
        if before.count('"') % 2 == 0 and before.count("'") % 2 == 0:  # (not words inside a quoted answer)
            break
    else:
        return None
    line = source.count("\n", 0, m.start(1)) + 1
    if getattr(error, "lineno", line) != line:
        return None
    word = m.group(2).lower()
    if word in ("person", "domain"):  # (named items: a number names none of them; rev30b N5)
        return (f"line {line} has {m.group(1)} without quotation marks: write each {word} by the name the answer cell "
                "gives it, in quotes, as it shows them")
    quoted = (f", or put the words in quotes, \"{m.group(1)}\": \"...\"" if word == "statement"
              else "")  # (only "statement 12" is read as words: rev30 H2)
    return f"line {line} has {m.group(1)} without quotation marks: write just the number, {m.group(3)}: \"...\"{quoted}"


def command_line_hint(source: str, error: object = None) -> str | None:
    """A line that is a notebook command (``%env ...``, ``!pip ...``), not Python: the learner's own run
    obeys it, but an answer cell is read as data, so its answers could not be marked (red team 20 F4).

    >>> command_line_hint("%env X=1\\nq1 = 'managed'")
    'line 1 is a notebook command (it starts with %), not an answer: delete that line, as an answer cell holds only answers'
    >>> command_line_hint("q1 = '100%'") is None
    True
    """
    m = _COMMAND_LINE.search(source) if isinstance(source, str) else None
    if not m:
        return None
    line = source.count("\n", 0, m.start()) + 1
    if getattr(error, "lineno", line) != line:
        return None  # (Python stopped elsewhere: a line starting with ! inside a text never closed, say)
    return (f"line {line} is a notebook command (it starts with {m.group(1)}), not an answer: delete that line, as an "
            "answer cell holds only answers")


_CLOSING = {"[": "]", "{": "}", "(": ")"}


def syntax_hint(error: object) -> str:
    """What to mend, in plain words, for the slips Python names in its own terms (a quotation mark
    never closed, a bracket never closed or closed by the wrong one, a missing comma), with the line;
    otherwise a general pointer to that line (walk19 #3: "SyntaxError: unterminated string literal").

    >>> print(syntax_hint(SyntaxError("unterminated string literal (detected at line 4)", ("<cell>", 4, 8, "", 4, 8))))
    line 4 opens a quotation mark and never closes it: put the closing quotation mark (" or ') after the answer on that line
    >>> print(syntax_hint(SyntaxError("'{' was never closed", ("<cell>", 1, 6, "", 1, 6))))
    the { on line 1 is never closed: put a } after the last answer
    """
    text = str(getattr(error, "msg", "") or error)
    line = getattr(error, "lineno", None)
    on = f"line {line}" if isinstance(line, int) and line > 0 else "this cell"
    if "unterminated string" in text or "EOL while scanning" in text:
        return (f"{on} opens a quotation mark and never closes it: put the closing quotation mark (\" or ') after "
                "the answer on that line")
    if "unterminated triple-quoted" in text:
        return f"{on} opens three quotation marks and never closes them: put the same three after the text"
    m = re.search(r"'([\[{(])' was never closed", text)
    if m:
        return f"the {m.group(1)} on {on} is never closed: put a {_CLOSING[m.group(1)]} after the last answer"
    m = re.search(r"closing parenthesis '(.)' does not match opening parenthesis '(.)'", text)
    if m:
        return f"{on} closes with {m.group(1)} what was opened with {m.group(2)}: use {_CLOSING.get(m.group(2), '')} there"
    m = re.search(r"unmatched '(.)'", text)
    if m:
        return (f"{on} has a {m.group(1)} with no opening bracket before it: remove it, or put the matching opening "
                "bracket where the answers start")
    if "unexpected indent" in text or "unindent does not match" in text:
        return (f"{on} starts further in or further out than Python expects: start every answer at the "
                "beginning of its line")
    if "forgot a comma" in text:
        return f"{on} seems to be missing a comma between two answers: put a comma after each one"
    return f"check the quotation marks, brackets and commas on {on} (Python says: {printable(text)[:120]})"


def several_values(given: object, kind: str) -> list[object]:
    """The entries of an answer to a question that asks for several choices, as typed: a list (or a
    tuple or set), a text split at its commas, or a dict numbered like the drop-downs, in the order of
    its numbers (red team 28 M3: ``q2 = {1: "managed", 2: "professional"}``, question 1's shape, was one
    entry that was not an option, and earned nothing). Blank entries are kept: the callers leave them out.

    >>> several_values({2: "professional", "1": "managed"}, "culture"), several_values("K8,I2", "audit")
    (['managed', 'professional'], ['K8', 'I2'])
    """
    if isinstance(given, str):
        return list(split_several(given, kind))
    if isinstance(given, Mapping):
        def order(key: object) -> tuple[int, object]:
            text = str(key).strip()
            # (isdecimal, not isdigit: "¹" and "①" are digits that int() refuses, and raised here: red team 30 M2)
            return (0, int(text)) if text.isdecimal() else (1, text)
        return [given[k] for k in sorted(given, key=order)]
    if isinstance(given, (list, tuple, set, frozenset)):
        return list(given)
    return [] if given is None else [given]


def blank_answer(value: object) -> bool:
    """True for an answer that gives nothing: None, blank text, or a list, tuple, set or dict of those
    (the blank form as released, ``q1 = {1: None, ...}``). The autograder's sanitising step and the
    checks in the learner's own run both go by it, so that both mark the same answer (red team 21 F2:
    ``q2_stage = [None]`` was blank to one and an answer to the other).

    >>> [blank_answer(v) for v in (None, " ", [], [None, ""], {1: None}, ("",), 0, [None, "x"], False)]
    [True, True, True, True, True, True, False, False, False]
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    if isinstance(value, Mapping):
        return all(blank_answer(v) for v in value.values())
    if isinstance(value, (list, tuple, set, frozenset)):
        return all(blank_answer(v) for v in value)
    return False


def is_answer_name(name: str) -> bool:
    """True for the names that answer cells give values to: ``q1``, ``q2_stage``, ``q1_readiness``.

    >>> is_answer_name("q1_readiness"), is_answer_name("lowfield"), is_answer_name("q")
    (True, False, False)
    """
    return isinstance(name, str) and _ANSWER_NAME.fullmatch(name) is not None


#: An answer name given a value at the start of a line (``q2 = ``, ``q3: float = ``, ``q4["a"] = ``).
#: The annotation is matched once, never given back (a lookahead and a back-reference: Python 3.10
#: has no possessive ``*+``), so a long line cannot make the pattern backtrack.
_NAMES_GIVEN = re.compile(r"^[ \t]*(q[0-9][A-Za-z0-9_]*)[ \t]*(?::(?=([^=\n]*))\2)?(?:\[[^\]\n]*\][ \t]*)?=(?!=)",
                          re.M)


def names_given(source: str) -> list[str]:
    r"""The answer names a cell's lines give a value to, read from its text alone (for a cell Python
    cannot read, whose answers are then marked as unanswered until it is mended).

    >>> names_given('q2 = {1: "consulted", 2: "informed}\nq3: float = 2.5\nq4 == 1')
    ['q2', 'q3']
    """
    return sorted({m.group(1) for m in _NAMES_GIVEN.finditer(source) if is_answer_name(m.group(1))})


#: The first line of a cell the autograder did not run (:mod:`coplearn.grading.sanitise`) ...
NOT_RUN_HEAD = "# Not run by the course's autograder: "
#: ... and its second, when the cell could not be read by Python and gave answers: the grading
#: kernel reads it (:mod:`coplearn.grading.resolve`) so that the checks on those answers say why
#: there is none to mark, not "You have not answered" (check19 L5). It changes no mark.
UNREAD_NOTE = "# Python could not read this cell, so no typed answer in it is marked, for: "


def unread_in_note(source: str) -> list[str]:
    r"""The answer names the autograder's note at the head of a cell it did not run says it could
    not read (none for any other cell: the note is the cell's second line, written by the autograder).

    >>> unread_in_note(NOT_RUN_HEAD + "it is not Python that can be read.\n" + UNREAD_NOTE + "q2, q3.\n# ...")
    ['q2', 'q3']
    >>> unread_in_note("# " + UNREAD_NOTE + "q2.")
    []
    """
    lines = source.split("\n", 2) if isinstance(source, str) else []
    if len(lines) < 2 or not lines[0].startswith(NOT_RUN_HEAD) or not lines[1].startswith(UNREAD_NOTE):
        return []
    return [n for n in lines[1][len(UNREAD_NOTE):].rstrip(".").split(", ") if is_answer_name(n)]


#: The first line of a note the autograder puts just before the first test of answers given only in a
#: cell it could not read that runs too late to say so to that test: further down, or above the set-up
#: cell (check20 L2, red team 20 F5). The tests then say the cell could not be read, not "You did not
#: answer". It changes no mark.
UNREAD_ELSEWHERE = "# Python could not read the cell where these answers are typed, so none typed there is marked: "


def unread_elsewhere(source: str) -> list[str]:
    r"""The answer names the autograder's note (:data:`UNREAD_ELSEWHERE`) at the head of a cell names
    (none for any other cell: only the autograder writes a cell's first line so).

    >>> unread_elsewhere(UNREAD_ELSEWHERE + "q1, q2.\n# They are typed in cell 20.\nq3 = 2.5")
    ['q1', 'q2']
    >>> unread_elsewhere("# " + UNREAD_ELSEWHERE + "q1.")
    []
    """
    first = source.split("\n", 1)[0] if isinstance(source, str) else ""
    if not first.startswith(UNREAD_ELSEWHERE):
        return []
    return [n for n in first[len(UNREAD_ELSEWHERE):].rstrip(".").split(", ") if is_answer_name(n)]


def as_data(value: object, *, _depth: int = 0) -> object:
    """``value`` as plain answer data, or ``ValueError`` saying why it cannot be an answer.

    Answers are text, numbers, ``True``/``False``, ``None``, and lists or dicts of those (keys
    are text or whole numbers), within size limits. Tuples and sets become lists. The result is
    built from Python's own types only, so comparing it can run nothing a learner defined.

    >>> as_data({1: "managed", 2: ("K5", "T4")})
    {1: 'managed', 2: ['K5', 'T4']}
    >>> as_data(float("nan"))
    Traceback (most recent call last):
    ...
    ValueError: nan is not a number that can be marked
    """
    if value is None or value is True or value is False:
        return value
    if isinstance(value, bool):  # a bool subclass
        return bool.__bool__(value)
    if isinstance(value, LongNumber):
        raise ValueError("a number that large is not an answer to these questions")
    if isinstance(value, int):
        number = int.__int__(value)
        if abs(number) > 10**15:
            raise ValueError("a number that large is not an answer to these questions")
        return number
    if isinstance(value, float):
        real = float.__float__(value)
        if not math.isfinite(real):
            raise ValueError(f"{real} is not a number that can be marked")
        return real
    if isinstance(value, str):
        text = str.__str__(value)
        if len(text) > MAX_TEXT:
            raise ValueError(f"a text of more than {MAX_TEXT:,} characters is not an answer to these questions")
        return without_surrogates(text)  # (a lone surrogate, "\\ud800": no file can hold it)
    if type(value).__name__ in {"float64", "float32", "int64", "int32"} and hasattr(value, "item"):
        return as_data(value.item(), _depth=_depth)  # numpy numbers, without importing numpy
    if _depth >= MAX_DEPTH:
        raise ValueError("the answer is nested too deeply (lists inside lists inside lists)")
    if isinstance(value, (list, tuple, set, frozenset)):
        if len(value) > MAX_ITEMS:
            raise ValueError(f"a list of more than {MAX_ITEMS} entries is not an answer to these questions")
        items = [as_data(v, _depth=_depth + 1) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, Mapping):
        if len(value) > MAX_ITEMS:
            raise ValueError(f"more than {MAX_ITEMS} numbered answers is not an answer to these questions")
        out: dict[object, object] = {}
        for k, v in value.items():
            if isinstance(k, bool) or not isinstance(k, (str, int)):
                raise ValueError(f"{_show(k)!r} cannot be a key in an answer; use text or a whole number")
            out[as_data(k, _depth=_depth + 1)] = as_data(v, _depth=_depth + 1)
        for k in out:
            if isinstance(k, int) and str(k) in out:
                raise ValueError(f"the answer gives {k} twice (as {k} and as '{k}'); give each numbered answer once")
        return out
    raise ValueError(f"a {type(value).__name__} value is not an answer that can be marked: answers are words "
                     "in quotes, numbers, or lists of them in square brackets")


_SURROGATE = re.compile("[\ud800-\udfff]")


def without_surrogates(text: str) -> str:
    """``text`` with each lone surrogate (which no UTF-8 file or pipe can hold) written as the replacement
    character: one typed as ``"\\ud800"`` in an answer, or a byte of a file name that was not UTF-8 (an
    accented name from a Windows zip, unpacked on Linux).

    >>> without_surrogates("R\\udc82sum.docx") == "R\\ufffdsum.docx", without_surrogates("notes.txt")
    (True, 'notes.txt')
    """
    return _SURROGATE.sub("\ufffd", text)


class LongNumber:
    """A whole number in a JSON file with more digits than any answer has (see :func:`loads`)."""

    __slots__ = ("digits",)

    def __init__(self, digits: int) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"<a whole number of {self.digits:,} digits>"


#: Whole numbers in an answers file longer than this are not turned into ``int`` (see :func:`loads`).
MAX_INT_DIGITS = 18


def _parse_int(text: str) -> int | LongNumber:
    digits = len(text) - text.startswith("-")
    return int(text) if digits <= MAX_INT_DIGITS else LongNumber(digits)


def loads(text: str) -> object:
    """``json.loads`` for an answers file, where one over-long whole number spoils only itself.

    Python refuses to turn a number of more than 4,300 digits into ``int`` (and is slow on long
    ones), which made ``json.loads`` refuse the whole file, so every drop-down answer in it was lost.
    Here such a number is kept as a :class:`LongNumber`, which is refused as an answer like any other
    bad value, and the rest of the file is read.

    >>> loads('{"q1": "managed", "q2": ' + "9" * 5000 + '}')
    {'q1': 'managed', 'q2': <a whole number of 5,000 digits>}
    >>> loads("[-12, 3]")
    [-12, 3]
    """
    return json.loads(text, parse_int=_parse_int)


@dataclass(frozen=True, slots=True)
class ParsedCell:
    """What an answer cell holds, read as data (see :func:`parse_answer_cell`)."""

    values: dict[str, object]   #: the answers the cell gives as plain values, by name
    names: tuple[str, ...]      #: every answer name the cell gives a value to, plain or not
    problem: str | None         #: why the cell is not a plain answer cell; ``None`` when it is
    readable: bool = True       #: False when Python cannot read the cell at all (a quotation mark never closed ...)

    @property
    def plain(self) -> bool:
        """True when the cell is nothing but ``name = value`` lines (comments and spacing aside)."""
        return self.problem is None


#: The methods that change a list, a dict or a set in place (``q2.append("managed")``, ``q1.update({3: ...})``).
_CHANGING_METHODS = frozenset({"append", "extend", "insert", "remove", "pop", "popitem", "clear", "update",
                               "setdefault", "sort", "reverse", "add", "discard", "__setitem__", "__delitem__"})


def _base_name(node: ast.AST) -> str | None:
    """``q1`` of ``q1[7]``, ``q1["team"][0]`` or ``q1.x``."""
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _stored_names(node: ast.AST) -> list[str]:
    """The names a statement gives a value to: assigned (``q1 = ...``), and changed in place (``q1[7] = ...``,
    ``del q1[3]``, ``q2.append(...)``, ``q1.update(...)``): red team 28 M1, such a line in a cell of its own was
    not read as giving ``q1``, so the value it made was neither saved nor marked, without a word."""
    names = []
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            names.append(n.id)
        elif isinstance(n, (ast.Subscript, ast.Attribute)) and isinstance(n.ctx, (ast.Store, ast.Del)):
            names.append(_base_name(n))
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in _CHANGING_METHODS:
            names.append(_base_name(n.func.value))
    return [name for name in names if name]


#: A pasted prompt on the first line (``>>> `` or ``In [4]: ``), and the prompts IPython takes off every line then.
_FIRST_PROMPT = re.compile(r"(?:>>>|In \[\d+\]:)(?: |$)")
_ANY_PROMPT = re.compile(r"(?:>>>|\.\.\.|In \[\d+\]:|[ \t]*\.\.\.+:)(?: |$)")


def as_ipython_runs(source: str) -> str:
    r"""The cell's text as the course reads it: with the indent every line shares taken out (an answer
    pasted from an e-mail or a web page), and a pasted ``>>>`` or ``In [4]:`` prompt, as IPython's
    own first steps do, so that an answer that ran without an error in the learner's session is read
    (red team 22 F1). The steps are the course's own, fixed here: the IPythons a learner, the browser
    edition and the autograder run take them slightly differently (check22 M1), and all three must read
    a cell alike. Blank lines at the top are kept, so that line numbers stay the learner's.

    >>> as_ipython_runs("    q1 = 3\n    q2 = 4\n")
    'q1 = 3\nq2 = 4\n'
    >>> as_ipython_runs("\nIn [4]: q3 = 2.9"), as_ipython_runs(">>> q3 = [1,\n... 2]")
    ('\nq3 = 2.9', 'q3 = [1,\n2]')
    >>> as_ipython_runs("  q1 = 3\nq2 = 4")  # (no indent shared by every line: left as it is)
    '  q1 = 3\nq2 = 4'
    """
    lines = source.splitlines(keepends=True)
    top = next((i for i, line in enumerate(lines) if line and not line.isspace()), len(lines))
    body = textwrap.dedent("".join(lines[top:])).splitlines(keepends=True)
    if body and _FIRST_PROMPT.match(body[0]):
        body = [_ANY_PROMPT.sub("", line, count=1) if _ANY_PROMPT.match(line) else line for line in body]
    return "".join(lines[:top]) + "".join(body)


@functools.lru_cache(maxsize=1)
def _option_words() -> frozenset[str]:
    """Every one-word form of every option, in lower case (``managed``, ``storming``, ``r3``, ``k5`` ...)."""
    from coplearn.grading.options import _KINDS

    words = set()
    for kind in _KINDS:
        for option in options(kind):
            for form in (option.key, option.label, *option.aliases):
                if isinstance(form, str) and form.isidentifier():
                    words.add(form.lower())
    return frozenset(words)


def _option_like(word: str) -> bool:
    """Whether ``word`` is, or is one slip away from, a one-word form of an option."""
    words = _option_words()
    return word.lower() in words or bool(difflib.get_close_matches(word.lower(), words, n=1, cutoff=0.8))


def unquoted_hint(source: str, error: object) -> str | None:
    r"""What to mend, in plain words, when an answer cell stopped with Python's ``NameError`` because
    a choice was typed without its quotation marks (``3: managed``): the slip a learner most often
    makes after curly quotes, and Python's own words for it ("name 'managed' is not defined") say
    nothing of quotation marks (walk22 M5). None for any other ``NameError``, such as a worked-out
    answer that uses a name from a cell not yet run.

    >>> print(unquoted_hint('q1 = {1: "managed",\n      3: managed}', NameError("x", name="managed")))
    on line 2, managed has no quotation marks around it, so Python takes it for a name it does not know: write it between straight quotation marks, "managed", as every choice must be
    >>> unquoted_hint("q3 = team_mean", NameError("x", name="team_mean")) is None
    True
    """
    name = getattr(error, "name", None)
    if not isinstance(name, str) or not name.isidentifier() or not isinstance(source, str) or len(source) > MAX_CELL_CHARS:
        return None
    if not _option_like(name):
        return None
    try:
        tree = ast.parse(as_ipython_runs(source))
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if not any(isinstance(t, ast.Name) and is_answer_name(t.id) for t in targets):
            continue
        for sub in ast.walk(value):
            if isinstance(sub, ast.Name) and sub.id == name:
                # (task, team, individual also name the values a3's worked-out answers are made from)
                maybe_worked_out = name.lower() in {o.key for o in options("domain")}
                return (f"on line {sub.lineno}, {name} has no quotation marks around it, so Python takes it for a name "
                        f'it does not know: write it between straight quotation marks, "{name}", as every choice must '
                        "be" + (f" (or, if {name} is a value worked out in an earlier cell, run that cell first)"
                                if maybe_worked_out else ""))
    return None


def parse_answer_cell(source: str) -> ParsedCell:
    """Read an answer cell as data, without running it.

    A plain answer cell is made only of ``name = value`` lines whose values are literals (text,
    numbers, lists, dicts, ``None``), with any comments and spacing. Anything else (a call, an
    import, a loop, a calculation) makes the cell not plain: ``problem`` says why in one line,
    and ``values`` is empty. ``names`` lists the answer names (``q1``, ``q2_stage`` ...) the cell
    gives values to either way.

    >>> parse_answer_cell('q2 = ["managed",  "professional"]   # my two').values
    {'q2': ['managed', 'professional']}
    >>> cell = parse_answer_cell("import os; q1 = os.getcwd()")
    >>> cell.plain, cell.names, cell.problem
    (False, ('q1',), 'line 1 is not a plain answer of the form name = value')
    """
    if not isinstance(source, str):
        return ParsedCell({}, (), "the cell holds no text")
    if len(source) > MAX_CELL_CHARS:
        return ParsedCell({}, (), f"the cell is longer than {MAX_CELL_CHARS:,} characters")
    source = as_ipython_runs(source)
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError, OverflowError) as exc:
        if "digits" in str(exc):  # Python refuses a whole number of more than 4,300 digits
            return ParsedCell({}, (), "a number that large is not an answer to these questions")
        # the slip in plain words, as the learner's own run says it (a quotation mark never closed ...),
        # for the tutor's note and the feedback too; Python's own words for any other are not repeated
        hint = unreadable_hint(source, exc) or syntax_hint(exc)
        if hint.startswith("check the quotation marks, brackets and commas on "):
            hint = None
        return ParsedCell({}, (), f"it is not Python that can be read: {hint}" if hint
                          else "it is not Python that can be read (check quotes, brackets and commas)", readable=False)
    names: list[str] = []
    values: dict[str, object] = {}
    problem: str | None = None
    for node in tree.body:
        names.extend(n for n in _stored_names(node) if is_answer_name(n))
        if problem:
            continue
        if isinstance(node, ast.Pass) or (
                isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
            continue
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target, value_node = node.targets[0].id, node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            target, value_node = node.target.id, node.value
        else:
            problem = f"line {node.lineno} is not a plain answer of the form name = value"
            continue
        try:
            value = as_data(ast.literal_eval(value_node))
        except ValueError as exc:
            why = str(exc) if "answer" in str(exc) or "number" in str(exc) else "it is worked out, not written as a value"
            problem = f"the value given to {target} on line {node.lineno} is not a plain value: {why}"
            continue
        except (TypeError, SyntaxError, MemoryError, RecursionError, OverflowError):
            problem = f"the value given to {target} on line {node.lineno} is not a plain value"
            continue
        if is_answer_name(target):
            values[target] = value
    return ParsedCell({} if problem else values, tuple(dict.fromkeys(names)), problem)


def answer_source(values: Mapping[str, object]) -> str:
    """Canonical answer-cell source for ``values`` (one ``name = value`` line each).

    >>> print(answer_source({"q2": ["managed", "professional"], "q3": 2.9}))
    q2 = ['managed', 'professional']
    q3 = 2.9
    """
    lines = []
    for name, value in values.items():
        if not is_answer_name(name):
            raise ValueError(f"{name!r} is not an answer name")
        lines.append(f"{name} = {as_data(value)!r}")
    return "\n".join(lines)


def _show(value: object) -> str:
    if isinstance(value, (list, tuple)) and len(value) > _SHOW_ITEMS:
        text = repr(list(value[:_SHOW_ITEMS]))[:-1] + f", ... and {len(value) - _SHOW_ITEMS} more]"
        return text if len(text) <= 4 * _SHOW_MAX else text[: 4 * _SHOW_MAX - 3] + "..."
    text = printable(value) if isinstance(value, str) else repr(value)
    return text if len(text) <= _SHOW_MAX else text[: _SHOW_MAX - 3] + "..."


def short_key(key: object, limit: int = 40) -> str:
    """A typed key as Python writes it (a line break as \\n), cut to about ``limit`` characters with its quotes kept,
    so that a long key cannot end an open quotation and go on in words that read as the course's own (red team 30 L2).

    >>> short_key("frank"), short_key("x" * 50), short_key(("a" * 50,))
    ("'frank'", "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'", '(a tuple)')
    """
    shown = repr(key)
    if len(shown) <= limit:
        return shown
    if isinstance(key, str):
        cut = repr(key[: max(1, limit - 10)])
        return cut[:-1] + "..." + cut[-1]
    return f"(a {type(key).__name__})"


def printable(text: str) -> str:
    """``text`` with line breaks, escape codes and other control characters written out
    (``\\n``, ``\\x1b``): a learner's answer echoed in a test's output cannot start a line of
    its own or colour one (a fake "Correct" line in the course's own output).

    >>> printable("managed\\r\\x1b[32mCorrect")
    'managed\\\\x0d\\\\x1b[32mCorrect'
    """
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}"
                   for ch in text)
