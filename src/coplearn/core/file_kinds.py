"""Telling a file of another kind from a damaged coplearn file, and saying where hand-edited JSON is damaged.

The journal, the progress notes and an assignment's saved answers are JSON files a learner may open
in Notepad, or name by mistake in place of a Word document or a CSV file. :func:`other_kind` says
what a file that is plainly not of coplearn's kind looks like (so it is never moved or saved over),
and :func:`json_slip` says where a slip in hand-edited JSON is, in words for someone mending it.
(They lived in :mod:`coplearn.practice.journal` until the progress notes and the answers file
needed them too.)
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

__all__ = ["ends_too_early", "field_before", "file_text", "json_slip", "other_kind"]

#: The journal's "format", the kind :func:`other_kind` tells apart unless given another.
JOURNAL_FORMAT = "coplearn-journal"


def file_text(raw: bytes) -> str:
    """A data file's bytes as text (a journal, progress notes): UTF-8 (with or without a byte-order
    mark) or UTF-16 with one (Notepad's "Unicode"); anything else raises ``ValueError`` in plain words."""
    try:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            return raw.decode("utf-16")
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("it is not saved as UTF-8 text (it may be in another encoding, or not be a journal at "
                         "all); if you edited it in Notepad, open it there and choose Save As, then Encoding "
                         "UTF-8") from None


#: How files of other kinds begin, and what to call them (walk22 M1: a journal path that names one by mistake).
_MAGIC = ((b"%PDF", "a PDF document"), (b"\xd0\xcf\x11\xe0", "an older Word or Excel file, a .doc or .xls"),
          (b"{\\rtf", "a Word document saved as RTF"), (b"\x89PNG", "a picture"), (b"\xff\xd8\xff", "a picture"),
          (b"GIF8", "a picture"))
#: coplearn's own kinds of file, by their "format", as a learner knows them.
_OWN_FILES = {"coplearn-journal": "a coplearn journal", "coplearn-progress": "your coplearn progress notes",
              "coplearn-answers": "an assignment's saved answers (answers.json)",
              "coplearn-lesson-answers": "a lesson's saved answers"}


def other_kind(raw: bytes, fmt: str = JOURNAL_FORMAT, markers: tuple[str, ...] = ('"entries"', '"learning"')) -> str | None:
    """What a file that is plainly not of coplearn's kind ``fmt`` looks like (``"a Word document"``),
    or ``None`` when it is one, or may be one (damaged, cut short, in another encoding or empty).
    ``markers`` are the words a damaged file of that kind still holds.

    >>> other_kind(b"PK\\x03\\x04...word/document.xml..."), other_kind(b"Respondent,K1,K2\\nR1,4,5\\n")
    ('a Word document, a .docx file', 'a CSV file, from a spreadsheet or a survey perhaps')
    >>> other_kind(b'{"format": "coplearn-journal", "entries": [') is None
    True
    """
    if raw.startswith(b"PK\x03\x04"):
        return ("a Word document, a .docx file" if b"word/" in raw else "an Excel workbook, a .xlsx file" if b"xl/" in raw
                else "an OpenDocument file" if b"opendocument" in raw[:200] else "a zip file")
    for start, kind in _MAGIC:
        if raw.startswith(start):
            return kind
    if not raw.strip(b"\x00 \t\r\n"):
        return None  # (empty, or only NUL bytes, as a disk or a sync tool can leave a file: a damaged journal)
    try:
        text = file_text(raw)
    except ValueError:
        # (a journal saved in another encoding is a damaged journal; anything else is another kind of file)
        return None if fmt in raw.decode("latin-1") else "a file that is not text: a document or a picture, perhaps"
    body = text.strip()
    if not body or fmt in text:
        return None
    if body[0] in "{[":
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            # (JSON that is damaged or cut short, even before its "format" line is whole, may be a journal)
            return None
        if isinstance(data, dict):
            if any(m.strip('"') in data for m in markers):
                return None  # (a file of this kind whose "format" line was edited)
            own = data.get("format")
            if isinstance(own, str) and own.startswith("coplearn-"):
                return _OWN_FILES.get(own, f"another coplearn file ({own})")
            if "cells" in data and "nbformat" in data:
                return "a Jupyter notebook, a .ipynb file"
        return "a JSON file of another kind, from another program perhaps"
    if body[0] == "<":
        return "a web page, an HTML export perhaps"
    first = body.splitlines()[0]
    if first.startswith("#") or "CPD record" in text:
        return "a Markdown document, an export perhaps"
    if "\n" in body and any(sep in first for sep in ",;\t"):
        return "a CSV file, from a spreadsheet or a survey perhaps"
    return "a text file of another kind"


#: What Python's JSON reader says, in words for someone mending the file in Notepad (walk22 M2).
_JSON_SLIPS = (
    ("Unterminated string", 'a quotation mark (") is missing: the text that starts here has no closing one'),
    ("Expecting ',' delimiter", "a comma is missing just before this point (between two fields or two entries), "
                                'or a quotation mark (") is missing earlier on the line (text and dates go between '
                                "quotation marks)"),
    ("Expecting ':' delimiter", "a colon (:) is missing after the name of a field"),
    ("Expecting property name", 'the name of a field, between straight quotation marks ("), should be here; or '
                                "there is one comma too many just before"),
    ("Expecting value", 'a value is missing or not written as the file writes it (text goes between straight '
                        'quotation marks, "like this"; true, false and null in small letters)'),
    ("Invalid \\escape", "a backslash (\\) inside a text: write it as two backslashes (\\\\)"),
    ("Invalid \\u", "a backslash (\\) inside a text: write it as two backslashes (\\\\)"),
    ("Extra data", "there is more after the end of the file's last closing bracket (a second copy pasted in, "
                   "or a stray character)"),
    # (Python 3.13 and later; earlier versions say "Expecting property name" or "Expecting value" there)
    ("Illegal trailing comma", "there is one comma too many just before this point: take out the comma after the "
                               "last field or entry before a closing bracket (] or })"),
)
#: What is said of a slip Python's JSON reader names in words not listed above (note22 section 9: it
#: was called JSON text that is not complete) ...
OTHER_SLIP = ("something here is not written as the rest of the file is: check the quotation marks (\"), commas and "
              "brackets on this line and the one before")
#: ... and of brackets opened one inside another too deeply to read (Python stops before it can say where).
TOO_DEEP = ("brackets ([ or {) are opened one inside another thousands of times over, far more than the course ever "
            "writes: the file is damaged, or was not written by the course")


def json_slip(text: str, exc: ValueError | RecursionError, *,
              locate: Callable[[str, int], str] | None = None) -> str:
    """Where and what a slip in hand-edited JSON is, in plain words: ``"line 12, column 20, in entry 1,
    field 'learning': ..."``. ``locate(text, position)`` names the item there (an entry, a lesson).

    >>> json_slip('{"a": "b\\n}', json.JSONDecodeError("Invalid control character at", '{"a": "b\\n}', 8))
    'line 1, column 9: the text runs on past the end of this line: its closing quotation mark (") is probably missing'
    """
    if not isinstance(exc, json.JSONDecodeError):
        return TOO_DEEP
    pos, found = exc.pos, text[exc.pos: exc.pos + 1]
    if exc.msg.startswith("Extra data"):
        words = dict(_JSON_SLIPS)["Extra data"]
    elif ends_too_early(text, exc):
        words = "the file ends too early: it was cut short, or its closing brackets (] and }) are missing"
    elif found in "\u201c\u201d\u2018\u2019":
        words = "curly quotation marks: type them again as straight ones (\")"
    elif exc.msg.startswith("Invalid control character"):
        words = ('the text runs on past the end of this line: its closing quotation mark (") is probably missing'
                 if found in "\r\n" else "a tab or control character inside a text: take it out, or write a tab as \\t")
    else:
        words = next((w for start, w in _JSON_SLIPS if exc.msg.startswith(start)), OTHER_SLIP)
    where = locate(text, pos) if locate is not None else ""
    return f"line {exc.lineno}, column {exc.colno}" + (f", in {where}" if where else "") + f": {words}"


def ends_too_early(text: str, exc: ValueError | RecursionError) -> bool:
    """Whether JSON's reader stopped at ``exc`` because ``text`` ends before its brackets close (a file cut short, as
    by a copy or a download that stopped part way), rather than at a slip in the middle.

    >>> text = '{"entries": [{"a": 1}, {"a"'
    >>> try:
    ...     json.loads(text)
    ... except ValueError as exc:
    ...     ends_too_early(text, exc)
    True
    """
    if not isinstance(exc, json.JSONDecodeError) or exc.msg.startswith("Extra data"):
        return False
    body = text.rstrip()
    return not text[exc.pos:].strip() or (not body.endswith(("}", "]")) and exc.lineno > body.count("\n"))


_FIELD_NAME = re.compile(r'"([^"\\\n]{1,40})"\s*:')


def field_before(text: str) -> str:
    """The name of the last field that begins in ``text`` (``"field 'learning'"``), or ``""``."""
    names = _FIELD_NAME.findall(text)
    return f"field {names[-1]!r}" if names else ""
