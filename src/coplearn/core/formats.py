"""Choosing an output format from an explicit choice or a file name's ending."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

__all__ = ["pick_format"]

ALIASES = {"markdown": "md", "htm": "html", "word": "docx"}


#: Endings of files that hold data (a journal, a survey, a notebook, a spreadsheet), never a report or an export.
DATA_ENDINGS = frozenset({".json", ".csv", ".tsv", ".ipynb", ".xlsx", ".xls", ".ods", ".db", ".py"})


def pick_format(path: str | os.PathLike[str], fmt: str | None, formats: Mapping[str, tuple[str, ...]],
                what: str, guessed: str | None = None) -> str:
    """The key of ``formats`` named by ``fmt`` (or an alias), or else matching the file's ending.

    ``what`` names a format with its article ("a report format"); ``guessed`` is the word used when
    the ending does not tell (default: ``what`` without its article).

    >>> pick_format("a.HTM", None, {"html": (".html", ".htm")}, "a report format")
    'html'
    >>> pick_format("a.pdf", None, {"html": (".html",), "md": (".md",)}, "a report format")
    Traceback (most recent call last):
    ...
    ValueError: cannot tell the report format from 'a.pdf'; end the file name with .html or .md, or choose a format: html, md
    """
    choices = ", ".join(formats)
    if fmt is not None:
        key = str(fmt).strip().lower().lstrip(".")
        key = ALIASES.get(key, key)
        if key not in formats:
            raise ValueError(f"{fmt!r} is not {what}; choose one of: {choices}")
        return key
    suffix = Path(path).suffix.lower()
    for key, endings in formats.items():
        if suffix in endings:
            return key
    firsts = [endings[0] for endings in formats.values()]
    ends = ", ".join(firsts[:-1]) + f" or {firsts[-1]}" if len(firsts) > 1 else firsts[0]
    guessed = guessed or what.split(" ", 1)[1]
    if suffix in DATA_ENDINGS:  # (not "or choose a format": that wrote a report over the journal, red team 26b F1)
        raise ValueError(f"cannot tell the {guessed} from {str(path)!r}: a {suffix} file holds data, not a "
                         f"document; end the file name with {ends}, e.g. {Path(path).with_suffix(firsts[0]).name}")
    raise ValueError(f"cannot tell the {guessed} from {str(path)!r}; end the file name with {ends}, "
                     f"or choose a format: {choices}")
