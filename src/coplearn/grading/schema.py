"""Which questions an assignment asks, and a submission's ``answers.json`` checked against them.

The questions are read from the course's own test cells (as the gradebook holds them): every call
to ``choice``, ``number`` and ``several`` with literal arguments (:func:`answer_schema`). A
submission's ``answers.json`` is then read as data and only what answers those questions, with
one of the allowed values, is kept (:func:`clean_answers`); the rest is listed for the tutor.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coplearn.grading import answers as grading

__all__ = ["MAX_ANSWERS_BYTES", "Question", "answer_schema", "clean_answers", "clean_value"]


@dataclass(frozen=True, slots=True)
class Question:
    """One computer-marked question, as its test cells ask for it."""

    name: str                          #: the answer name, e.g. ``q1_readiness``
    kind: str                          #: an option kind (``culture``, ``style`` ...) or ``number``
    items: frozenset[str] | None       #: the items of a dict answer (``"1"``, ``"frank"``), or None
    count: int | None                  #: how many choices a "several" question asks for


_HELPERS = {"choice", "number", "several"}


def answer_schema(sources: Iterable[str]) -> dict[str, Question]:
    """The questions asked by the test cells ``sources`` (calls to ``choice``, ``number`` and
    ``several`` with literal arguments), by answer name.

    >>> s = answer_schema(['answer = choice("q1", 3, kind="culture")', 'a = several("q2", 2, kind="item")'])
    >>> s["q1"].kind, sorted(s["q1"].items), s["q2"].count
    ('culture', ['3'], 2)
    """
    found: dict[str, dict[str, Any]] = {}
    for source in sources:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _HELPERS):
                continue
            try:
                args = [ast.literal_eval(a) for a in node.args]
                kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg}
            except ValueError:
                continue
            if not args or not grading.is_answer_name(args[0]):
                continue
            name = args[0]
            entry = found.setdefault(name, {"kind": "number", "items": set(), "count": None, "whole": False})
            if node.func.id == "number":
                entry["kind"] = "number"
            else:
                entry["kind"] = str(kwargs.get("kind", entry["kind"]))
            if node.func.id == "several":
                entry["count"] = int(args[1]) if len(args) > 1 else kwargs.get("count")
                entry["whole"] = True
            elif len(args) > 1 and args[1] is not None:
                entry["items"].add(str(args[1]))
            else:
                entry["whole"] = True
    return {n: Question(name=n, kind=e["kind"], items=None if e["whole"] and not e["items"] else frozenset(e["items"]),
                        count=e["count"]) for n, e in found.items()}


MAX_ANSWERS_BYTES = 256 * 1024


def clean_value(question: Question, value: object) -> object:
    """``value`` as a valid answer to ``question``, or ``ValueError``."""
    if question.kind == "number":
        if isinstance(value, bool):
            raise ValueError("not a number")
        if isinstance(value, grading.LongNumber) or isinstance(value, int) and abs(value) > 10**15:
            raise ValueError("a number too large to be an answer")  # (JSON integers have no size limit)
        if isinstance(value, (int, float)):
            return grading.as_data(float(value))
        if isinstance(value, str):
            return grading.as_data(float(grading.number_text(value)))
        raise ValueError("not a number")
    keys = {o.key for o in grading.options(question.kind)}
    if isinstance(value, (list, tuple, dict, set)):  # (red team 29 L3: Python's own "unhashable type: 'list'")
        several = " (each is saved on its own: q2.1, q2.2 ...)" if question.count else ""
        raise ValueError(f"a list or a set of answers where one choice is expected{several}")
    found = grading.canonical(value, question.kind)
    if found not in keys:
        raise ValueError(f"not one of the choices ({', '.join(sorted(keys))})")
    return found


def _is_item(question: Question, item: str) -> bool:
    """Whether ``item`` (after the dot in ``q2.1``) is one the question has: one of its named items,
    or a choice number ``1``..``count`` of a "several" question, written as the widgets write it.
    A question answered whole (one drop-down, ``q3``) has no items.

    >>> several = Question(name="q2", kind="culture", items=None, count=2)
    >>> [_is_item(several, i) for i in ("1", "2", "3", "01", "\u0661", "x")]
    [True, True, False, False, False, False]
    >>> _is_item(Question(name="q3", kind="culture", items=None, count=None), "1")
    False
    """
    if question.items is not None and item in question.items:
        return True
    return bool(question.count) and item.isascii() and item.isdigit() and item == str(int(item)) \
        and 1 <= int(item) <= (question.count or 0)


#: Keys in answers.json that answer no question are listed up to this many; the rest are counted in
#: one line, so that a file of thousands of made-up keys cannot bury the tutor's log (red team 9 F2).
MAX_STRAY_NOTES = 20


def clean_answers(path: str | os.PathLike[str], schema: Mapping[str, Question]) -> tuple[dict[str, Any] | None, list[str]]:
    """Read a submission's ``answers.json`` as data and keep only what answers the questions.

    Returns the clean document (or ``None`` when there is nothing usable) and one note per thing
    left out, in plain words for the tutor. Drop-down answers must use a known key
    (``q1.3``, ``q2``, ``q2.1``) and one of that question's choices (or a number); answers worked
    out with code (``computed``) must be plain data for a known question. The file is never
    followed if it is a link, and anything over 256 KB is not read.
    """
    p = Path(path)
    notes: list[str] = []       # an answer to a real question, refused: each one is said
    strays: list[str] = []      # keys that are no question at all: said up to MAX_STRAY_NOTES (red team 9 F2)
    try:
        if p.is_symlink() or not p.is_file():
            return None, ([f"{p.name} is not a plain file, so it was not read"] if p.exists() or p.is_symlink() else [])
        if p.stat().st_size > MAX_ANSWERS_BYTES:
            return None, [f"{p.name} is larger than {MAX_ANSWERS_BYTES // 1024} KB, so it was not read"]
        raw = p.read_bytes()
        # (a byte-order mark, as Notepad saves, is fine; a byte that is not UTF-8, from a hand edit saved in another
        # encoding, spoils only the answer holding it, as the learner's own kernel reads it: red team 29 L4)
        text = raw.decode("utf-8-sig", errors="replace")
        if "\ufffd" in text and b"\xef\xbf\xbd" not in raw:
            notes.append(f"{p.name} has characters that could not be read (edited by hand and saved in another "
                         "text format?), shown as \ufffd: an answer holding one cannot be a right choice or a number, "
                         "and the others are used")
        data = grading.loads(text)
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None, [f"{p.name} is not a readable answers file, so no drop-down answers were used"]
    if not isinstance(data, dict) or data.get("format") != "coplearn-answers" or not isinstance(data.get("answers"), dict):
        return None, [f"{p.name} is not a coplearn answers file, so no drop-down answers were used"]
    answers: dict[str, object] = {}
    for key, value in data["answers"].items():
        name, _, item = str(key).partition(".")
        question = schema.get(name)
        if question is None:
            strays.append(f"{p.name}: {grading._show(key)!r} is not a question of this assignment (left out)")
            continue
        if item and not _is_item(question, item):
            strays.append(f"{p.name}: {grading._show(key)!r} is not an item of {name} (left out)")
            continue
        if not item and question.items:  # (a4's q1 is answered item by item: a whole answer is never marked, red team 23b F2)
            example = f"{name}.{sorted(question.items)[0]}"
            strays.append(f"{p.name}: {grading._show(key)!r} gives one answer for the whole of {name}, which is answered "
                          f"item by item ({example} and so on), so it is not marked (left out)")
            continue
        if value is None:
            continue
        try:
            answers[str(key)] = clean_value(question, value)
        except (ValueError, TypeError, LookupError, OverflowError) as exc:
            notes.append(f"{p.name}: the answer saved for {key} is {grading._show(value)!r}, {exc} (left out)")
    computed: dict[str, object] = {}
    raw = data.get("computed", {})
    if isinstance(raw, dict):
        for name, value in raw.items():
            if str(name) not in schema:
                strays.append(f"{p.name}: {grading._show(name)!r} is not a question of this assignment (left out)")
                continue
            try:
                computed[str(name)] = grading.as_data(value)
            except (ValueError, RecursionError) as exc:
                notes.append(f"{p.name}: the value saved for {name} cannot be marked: {exc} (left out)")
    else:
        notes.append(f"{p.name}: its worked-out answers are not in the expected form (left out)")
    if len(strays) > MAX_STRAY_NOTES:
        more = len(strays) - MAX_STRAY_NOTES
        strays = strays[:MAX_STRAY_NOTES] + [f"{p.name}: and {more} other key{'s' if more != 1 else ''} that answer "
                                             "no question of this assignment (left out, not listed one by one)"]
    doc: dict[str, Any] = {"format": "coplearn-answers", "version": 2, "answers": answers}
    if computed:
        doc["computed"] = computed
    return doc, notes + strays
