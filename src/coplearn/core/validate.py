"""Checks on learner input, with messages written for learners rather than programmers."""

from __future__ import annotations

import datetime as _dt
import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TypeVar

T = TypeVar("T")

__all__ = ["rating", "choose", "find", "normalise", "squash", "activity_date"]

RATING_MIN = 1
RATING_MAX = 5


def normalise(text: str) -> str:
    """Lower-case, trim and turn runs of spaces, hyphens and underscores into single spaces.

    >>> normalise("  Total-Quality_Management ")
    'total quality management'
    """
    out = []
    for ch in text.strip().lower():
        out.append(" " if ch in "-_ \t" else ch)
    return " ".join("".join(out).split())


def squash(text: str) -> str:
    """Lower case, letters and digits only (after NFKC): ignores case, punctuation and spacing.

    >>> squash("N/A"), squash(" Don't know "), squash("★★★★")
    ('na', 'dontknow', '')
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in text if ch.isalnum())


def rating(
    value: object,
    item: str,
    lo: int = RATING_MIN,
    hi: int = RATING_MAX,
    scale: str = "1 = very poor, 5 = very good",
) -> int:
    """Return ``value`` as a whole-number rating from ``lo`` to ``hi`` or raise ``ValueError``.

    Accepts ints and text such as ``"4"``. Rejects 0, 6, 3.5, True and words such as ``"high"``.

    >>> rating("4", "T4")
    4
    >>> rating(6, "T4")
    Traceback (most recent call last):
    ...
    ValueError: T4: the rating 6 is out of range; use a whole number from 1 to 5 (1 = very poor, 5 = very good)
    """
    allowed = f"use a whole number from {lo} to {hi} ({scale})"
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and re.fullmatch(r"[+-]?[0-9]+(\.0*)?", value.strip(), re.ASCII):
        number = int(float(value.strip()))  # "4" and "4.0" (as a spreadsheet may write it); not "²" or "٤"
    if number is None:
        raise ValueError(f"{item}: {value!r} is not a rating; {allowed}")
    if not lo <= number <= hi:
        raise ValueError(f"{item}: the rating {number} is out of range; {allowed}")
    return number


def choose(value: object, allowed: Iterable[str], what: str, item: str | None = None) -> str:
    """Match ``value`` case-insensitively against ``allowed`` keys; raise ``LookupError`` if none.

    >>> choose("Managed", ["professional", "managed"], "learning culture")
    'managed'
    >>> choose("clan", ["professional", "managed"], "learning culture")
    Traceback (most recent call last):
    ...
    LookupError: 'clan' is not a learning culture; choose one of: professional, managed
    """
    keys = list(allowed)
    if isinstance(value, str):
        wanted = normalise(value)
        for key in keys:
            if normalise(key) == wanted:
                return key
    prefix = f"{item}: " if item else ""
    raise LookupError(f"{prefix}{value!r} is not a {what}; choose one of: {', '.join(keys)}")


def find(value: object, records: Sequence[T], what: str, by: Sequence[str], listed: str | None = None) -> T:
    """The record whose attribute ``by[0]``, or else ``by[1]``..., matches ``value`` case-insensitively.

    An unknown value raises ``LookupError`` listing the ``listed`` attribute (default ``by[0]``).

    >>> from collections import namedtuple
    >>> R = namedtuple("R", "key name")
    >>> rows = [R("a", "Apple"), R("b", "Banana")]
    >>> find("banana", rows, "fruit", ("key", "name")).key
    'b'
    >>> find("cherry", rows, "fruit", ("key", "name"))
    Traceback (most recent call last):
    ...
    LookupError: 'cherry' is not a fruit; choose one of: a, b
    """
    if isinstance(value, str):
        wanted = normalise(value)
        for attr in by:
            for record in records:
                if normalise(getattr(record, attr)) == wanted:
                    return record
    keys = [getattr(r, listed or by[0]) for r in records]
    raise LookupError(f"{value!r} is not a {what}{_did_you_mean(value, keys)}; choose one of: {', '.join(keys)}")


def _did_you_mean(value: object, keys: Sequence[str]) -> str:
    """`` (did you mean humanistic?)`` for a near miss such as "Humanistc" or "humanist", else ""."""
    if not isinstance(value, str) or not value.strip():
        return ""
    by_normal = {normalise(k): k for k in keys}
    wanted = normalise(value)
    near = difflib.get_close_matches(wanted, list(by_normal), n=1, cutoff=0.75)
    if not near:
        near = [k for k in by_normal if len(wanted) >= 4 and k.startswith(wanted)][:1]
    return f" (did you mean {by_normal[near[0]]}?)" if len(near) == 1 else ""


#: The earliest date a learner's record may carry: anything earlier is a mistyped year.
EARLIEST_DATE = _dt.date(1950, 1, 1)


_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_YEAR_FIRST = re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})")


def written_date(text: str) -> _dt.date:
    """A date as a UK learner may write it: ``2026-11-27`` (the form the course writes), or day first,
    ``27/11/2026``, ``27.11.2026`` or ``27-11-2026`` (never month first), or ``2026/11/27``; a four-digit
    year always (walk22 L6). Anything else raises ``ValueError``.

    >>> written_date("31/12/2025"), written_date("1.2.2026"), written_date("2026/11/27")
    (datetime.date(2025, 12, 31), datetime.date(2026, 2, 1), datetime.date(2026, 11, 27))
    """
    text = text.strip()
    if m := _DAY_FIRST.fullmatch(text):
        return _dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    if m := _YEAR_FIRST.fullmatch(text):
        return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return _dt.date.fromisoformat(text)


def activity_date(value: object, what: str = "date", today: _dt.date | None = None) -> _dt.date:
    """A date on which something the learner did happened: YYYY-MM-DD, not after tomorrow (time
    zones), not before 1950. A mistyped year (2062 for 2026) is caught here rather than saved.

    >>> activity_date("2026-11-30", today=_dt.date(2026, 12, 1))
    datetime.date(2026, 11, 30)
    >>> activity_date("2062-11-30", today=_dt.date(2026, 12, 1))
    Traceback (most recent call last):
    ValueError: date: 2062-11-30 is in the future (today is 2026-12-01); give the day it happened, as YYYY-MM-DD
    """
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        day = value
    else:
        text = str(value).strip()
        try:
            day = written_date(text)
        except ValueError:
            raise ValueError(f"{what}: {text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-11-27 (or day first, "
                             f"as 27/11/2026)") from None
    today = today or _dt.date.today()
    if day > today + _dt.timedelta(days=1):
        raise ValueError(f"{what}: {day.isoformat()} is in the future (today is {today.isoformat()}); give the day it "
                         f"happened, as YYYY-MM-DD")
    if day < EARLIEST_DATE:
        raise ValueError(f"{what}: {day.isoformat()} is before {EARLIEST_DATE.year}; check the year (YYYY-MM-DD)")
    return day
