"""File names typed into a lesson's box: a name is just a name (walk18 M3).

A learner names a report or an export as they would name a document: ``Team report: Dec/2026``,
``CPD 06/12/2026``, ``my cpd``. :func:`file_name` turns what they typed into a file name that
every system accepts, kept in the lesson's own folder:

- characters no file name may hold on Windows or macOS (``/ \\ : * ? " < > |`` and control
  characters) become ``-``, so a date with slashes or a heading with a colon is kept as a name,
  never read as a folder;
- a name with no ending gets the ending of the chosen format; a name ending in another format's
  ending (``.html`` while Markdown is chosen) follows that ending, and the caller shows the format
  it chose;
- an ending that no offered format has (``.pdf``, ``.docx`` where Word cannot be made) is refused,
  naming the endings that are allowed;
- anything that is a path rather than a name (``../x.html``, ``/home/me/x.html``, ``~/x.html``,
  ``C:\\Users\\me\\x.html``) is refused: the file is saved in the lesson's folder, which is kept (in
  the browser edition, in the browser's storage), and nowhere else.

The messages never name a folder, so no internal path (Pyodide's ``/drive/...``) reaches a learner;
the caller puts its box's label in front (``Report file name: ...``).

>>> html, md = Kind("html", "a web page", (".html", ".htm")), Kind("md", "Markdown", (".md",))
>>> file_name("Team report: Dec/2026", [html, md], "html").name
'Team report- Dec-2026.html'
>>> f = file_name("CPD 06/12/2026.md", [html, md], "html"); (f.name, f.fmt)
('CPD 06-12-2026.md', 'md')
>>> file_name("report.pdf", [html, md], "html", example="team-audit-report.html")
Traceback (most recent call last):
...
ValueError: 'report.pdf' ends in .pdf, which cannot be made here; end the name with .html (a web page) or .md (Markdown), e.g. team-audit-report.html
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["Kind", "FileName", "file_name", "allowed_endings", "NOT_IN_NAMES", "OTHER_ENDINGS", "MAX_NAME_LENGTH"]

#: Characters that no file name may hold on Windows or macOS (and ``/`` nowhere): each becomes ``-``.
NOT_IN_NAMES = '/\\:*?"<>|'
#: Endings of other kinds of file that a learner may type; they are refused, not taken as part of
#: the name (``report.pdf`` is not saved as ``report.pdf.html``). Any other dot is part of the name
#: (``Team 06.12.2026`` becomes ``Team 06.12.2026.html``).
OTHER_ENDINGS = frozenset({
    ".pdf", ".doc", ".docx", ".odt", ".rtf", ".pages", ".txt", ".text", ".md", ".markdown", ".html", ".htm",
    ".csv", ".xls", ".xlsx", ".ods", ".json", ".ipynb", ".py", ".xml", ".png", ".jpg", ".jpeg", ".gif",
    ".svg", ".zip", ".epub", ".ppt", ".pptx", ".odp", ".eml", ".msg",
})
#: Longer names are refused (most systems allow 255 bytes; a name this long is a pasted paragraph).
MAX_NAME_LENGTH = 120

#: Control characters, and the invisible marks that reverse or reorder the text after them (a name
#: with U+202E showed reversed in the "Exported ... to" line: check18 L9): each becomes ``-``.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


@dataclass(frozen=True)
class Kind:
    """A format a box offers: its key, a few words for it (``"a web page"``) and its endings, the
    first being the one added to a name that has none."""

    key: str
    words: str
    endings: tuple[str, ...]


@dataclass(frozen=True)
class FileName:
    """What a typed name became: ``name`` (with its ending), the format ``fmt`` it asks for, the
    characters that were replaced by ``-`` and the ending added (``""`` if none was)."""

    name: str
    fmt: str
    replaced: tuple[str, ...] = ()
    added: str = ""

    def note(self) -> str:
        """A sentence saying what was changed in the typed name (``""`` if nothing was).

        >>> FileName("a-b.md", "md", ("/", ":"), ".md").note()
        'A file name cannot contain / or :, so each became -; the ending .md was added.'
        """
        parts = []
        if self.replaced:
            chars = _or(list(self.replaced))
            parts.append(f"A file name cannot contain {chars}, so {'each' if len(self.replaced) > 1 else 'it'} "
                         f"became -")
        if self.added:
            parts.append(("the ending " if parts else "The ending ") + f"{self.added} was added")
        return "; ".join(parts) + "." if parts else ""


def _or(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" or {items[-1]}"


def allowed_endings(kinds: Sequence[Kind]) -> str:
    """``.html (a web page) or .md (Markdown)``: the endings a box accepts, in words."""
    return _or([f"{k.endings[0]} ({k.words})" for k in kinds])


def _is_path(text: str) -> bool:
    if text.startswith(("/", "\\", "~/", "~\\")) or text == "~" or _DRIVE.match(text):
        return True
    return any(part in (".", "..") for part in re.split(r"[\\/]", text))


def file_name(typed: str, kinds: Sequence[Kind], chosen: str, *, example: str | None = None,
              unavailable: Mapping[str, str] | None = None) -> FileName:
    """The file name for what a learner ``typed``, with the format it asks for (see the module).

    ``kinds`` are the formats offered; ``chosen`` is the key of the one chosen (or the default),
    whose ending is added to a name without one. ``unavailable`` maps an ending that is known but
    not offered here to the reason (``".docx": "a Word document (.docx) cannot be made in the
    browser edition"``). ``example`` is a good name, shown in messages. Raises ``ValueError`` in
    plain words, without the box's label.

    >>> md = Kind("md", "Markdown", (".md", ".markdown", ".txt"))
    >>> html = Kind("html", "a web page", (".html", ".htm"))
    >>> file_name("my cpd", [md, html], "md")
    FileName(name='my cpd.md', fmt='md', replaced=(), added='.md')
    >>> file_name("a/b.md", [md, html], "html").name
    'a-b.md'
    >>> file_name("../../x.html", [md, html], "md", example="my-cpd-records.md")
    Traceback (most recent call last):
    ...
    ValueError: type a name only, not a folder or a path ('../../x.html'): the file is saved in this lesson's folder, e.g. my-cpd-records.md
    """
    by_key = {k.key: k for k in kinds}
    if chosen not in by_key:
        raise ValueError(f"{chosen!r} is not a format offered here; choose one of: {', '.join(by_key)}")
    example = example or f"my-file{by_key[chosen].endings[0]}"
    text = (typed or "").strip()
    if not text:
        raise ValueError(f"give the file a name, e.g. {example}")
    if _is_path(text):
        raise ValueError(f"type a name only, not a folder or a path ({text!r}): the file is saved in this "
                         f"lesson's folder, e.g. {example}")
    replaced = tuple(dict.fromkeys(c for c in text if c in NOT_IN_NAMES))
    name = _CONTROL.sub("-", "".join("-" if c in NOT_IN_NAMES else c for c in text))
    lower = name.lower()
    allowed = allowed_endings(kinds)
    fmt, ending = None, ""
    for kind in kinds:
        for end in sorted(kind.endings, key=len, reverse=True):
            if lower.endswith(end):
                fmt, ending = kind.key, name[-len(end):]
                break
        if fmt:
            break
    if fmt is None:
        dot = name.rfind(".")
        other = name[dot:].lower() if dot >= 0 else ""
        reasons = {e.lower(): r for e, r in (unavailable or {}).items()}
        if other in reasons:
            raise ValueError(f"{reasons[other]}; end the name with {allowed}, e.g. {example}")
        if other in OTHER_ENDINGS:
            raise ValueError(f"{text!r} ends in {other}, which cannot be made here; end the name with {allowed}, "
                             f"e.g. {example}")
    stem = (name[: -len(ending)] if ending else name).strip(" .")  # (no hidden file; Windows drops a final dot)
    if not stem:
        raise ValueError(f"give the file a name before its ending, e.g. {example}")
    added = "" if fmt else by_key[chosen].endings[0]
    result = stem + (ending or added)
    if len(result) > MAX_NAME_LENGTH:
        raise ValueError(f"the name is {len(result)} characters long; use at most {MAX_NAME_LENGTH}, e.g. {example}")
    return FileName(result, fmt or chosen, replaced, added)
