"""Checks on learner input, with messages written for learners rather than programmers."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["rating", "choose", "normalise"]

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
    elif isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        number = int(value.strip())
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
