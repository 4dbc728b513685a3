"""The four contending learning cultures of Table 1, and the culture profile built on them.

The cultures, their exemplars and their principles are Gray et al.'s (2010) Table 1, worded in
the course's own language. The culture profile (scores, dominant cultures, balance index and gaps)
is the course's own teaching aid, built on the paper's argument for a super-ordinate learning
culture (C13). It is not a validated psychometric instrument.

>>> import coplearn as cl
>>> [c.key for c in cl.cultures()]
['professional', 'managed', 'humanistic', 'democratic']
>>> cl.get_culture("Managed").exemplar
'Investors in People'
>>> len(cl.principles())
26
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from statistics import fmean

from coplearn.core import html as _html
from coplearn.core import validate as _validate
from coplearn.core.data import Path, records, root

__all__ = [
    "Culture",
    "CultureProfile",
    "Dimension",
    "Gap",
    "Principle",
    "culture_profile",
    "cultures",
    "dimensions",
    "get_culture",
    "get_principle",
    "principles",
    "DOMINANCE_MARGIN",
    "WEAK_CEILING",
    "GAP_FLOOR",
    "GAP_DISTANCE",
    "SUPERORDINATE_TARGET",
    "AGREEMENT_SCALE",
]

_FILE = "cultures.toml"

#: A culture counts as dominant when its score is within this distance of the highest (ours).
DOMINANCE_MARGIN = 0.5
#: When the highest score is at or below this, no culture is present enough to call dominant (ours).
WEAK_CEILING = 2.0
#: A culture scoring below this needs developing whatever the others score (ours).
GAP_FLOOR = 3.0
#: A culture more than this far below the strongest culture needs developing (ours).
GAP_DISTANCE = 1.0
#: How learners rate a principle: agreement that it describes their organisation.
AGREEMENT_SCALE = "1 = strongly disagree, 5 = strongly agree"
#: The reference ring drawn on the radar: all four cultures well present (ours).
SUPERORDINATE_TARGET = 4.0

PROFILE_NOTE = (
    "The culture profile, the balance index and the gaps are this course's teaching aid, built on "
    "Gray et al.'s (2010) argument for a super-ordinate learning culture. They are not a validated "
    "measure: use them to start a conversation, not to judge a team."
)


@dataclass(frozen=True, kw_only=True, slots=True)
class Dimension:
    """The course's name for one row of Table 1, such as *standards* or *supervision* (the paper's table has no row
    headings)."""

    key: str
    label: str
    question: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Principle:
    """One principle of Table 1: a culture's position on one dimension."""

    id: str
    culture: str
    dimension: str
    row: str
    text: str

    @property
    def dimension_label(self) -> str:
        return _dimension_map()[self.dimension].label


@dataclass(frozen=True, kw_only=True, slots=True)
class Culture:
    """One of the four learning cultures, with its exemplar and principles."""

    key: str
    name: str
    block: str
    exemplar: str
    exemplar_short: str
    summary: str
    source: str
    principles: tuple[Principle, ...]
    reason: str
    """Why the super-ordinate culture needs this culture (C13), in the course's words."""

    def _repr_html_(self) -> str:
        rows = [(p.id, p.dimension_label, p.text) for p in self.principles]
        return (
            f"<h4>{_html.esc(self.name)} learning culture</h4>"
            f"<p>Exemplar: {_html.esc(self.exemplar)}. {_html.esc(self.summary)}</p>"
            + _html.table(f"Principles of the {self.name.lower()} culture (Gray et al. 2010, Table 1)",
                          ["id", "dimension", "principle"], rows)
        )


@functools.lru_cache(maxsize=None)
def _load() -> tuple[tuple[Dimension, ...], tuple[Culture, ...]]:
    top = root(_FILE)
    dims = records(top, "dimension", Dimension)
    culture_keys = [c.str("key") for c in top.table_list("culture")]
    prins = records(top, "principle", Principle,
                    choices={"culture": culture_keys, "dimension": [d.key for d in dims]})
    reasons = {r.choice("culture", culture_keys): r.str("text") for r in top.table_list("reason")}

    def parts(row: Path, _: int) -> dict[str, object]:
        key = row.str("key")
        if key not in reasons:
            raise top._fail("reason", f"has no entry for the culture {key!r}")
        return {"principles": tuple(p for p in prins if p.culture == key), "reason": reasons[key]}

    return dims, records(top, "culture", Culture, each=parts, choices={"block": ("A", "B")})


@functools.lru_cache(maxsize=None)
def _dimension_map() -> dict[str, Dimension]:
    return {d.key: d for d in _load()[0]}


@functools.lru_cache(maxsize=None)
def _principle_map() -> dict[str, Principle]:
    return {p.id: p for c in _load()[1] for p in c.principles}


def cultures() -> tuple[Culture, ...]:
    """The four learning cultures of Table 1, in the paper's order."""
    return _load()[1]


def dimensions() -> tuple[Dimension, ...]:
    """The course's names for the rows of Table 1 (the paper's table has none).

    >>> [d.key for d in dimensions()][:3]
    ['standards', 'responsibility', 'competence']
    """
    return _load()[0]


def get_culture(name: str) -> Culture:
    """Look a culture up by key or name, ignoring case.

    >>> get_culture("HUMANISTIC").exemplar
    'Therapeutic communities'
    >>> get_culture("clan")
    Traceback (most recent call last):
    ...
    LookupError: 'clan' is not a learning culture; choose one of: professional, managed, humanistic, democratic
    >>> get_culture("Professional culture").key
    'professional'
    >>> get_culture("Humanistc")
    Traceback (most recent call last):
    ...
    LookupError: 'Humanistc' is not a learning culture (did you mean humanistic?); choose one of: professional, managed, humanistic, democratic
    """
    if isinstance(name, str) and _validate.normalise(name).endswith(" culture"):  # "the professional culture"
        try:
            return _validate.find(_validate.normalise(name).removesuffix(" culture").removeprefix("the "),
                                  cultures(), "learning culture", ("key",))
        except LookupError:
            pass
    return _validate.find(name, cultures(), "learning culture", ("key",))


def principles(culture: str | None = None, dimension: str | None = None) -> tuple[Principle, ...]:
    """All Table 1 principles, optionally filtered by culture and/or dimension.

    >>> [p.id for p in principles(dimension="competence")]
    ['P3', 'M3', 'H3', 'D3']
    """
    result = [p for c in cultures() for p in c.principles]
    if culture is not None:
        key = get_culture(culture).key
        result = [p for p in result if p.culture == key]
    if dimension is not None:
        dim = _validate.choose(dimension, [d.key for d in dimensions()], "dimension of Table 1")
        result = [p for p in result if p.dimension == dim]
    return tuple(result)


def get_principle(principle_id: str) -> Principle:
    """Look a principle up by id (``"P1"`` ... ``"D4"``), ignoring case."""
    table = _principle_map()
    return table[_validate.choose(principle_id, table, "principle id from Table 1")]


@dataclass(frozen=True, kw_only=True, slots=True)
class Gap:
    """A culture the profile suggests developing, with the reason for needing it (the paper's argument in our
    words; for the professional and managed cultures, which the paper says only have to be accommodated, our gloss)."""

    culture: str
    score: float
    reason: str


@dataclass(frozen=True, kw_only=True, slots=True)
class CultureProfile:
    """How strongly each culture is present, from a learner's ratings of Table 1 principles.

    Scores are the mean agreement (1-5) with each culture's principles. ``dominant_cultures``
    lists the cultures within :data:`DOMINANCE_MARGIN` of the highest. ``balance`` runs from 0 to 1, where
    1 means all rated cultures score the same: it is ``1 - (highest - lowest) / 4``.
    These are the course's own teaching aids, not the paper's.
    """

    scores: Mapping[str, float]
    counts: Mapping[str, int]
    ratings: Mapping[str, int] = field(repr=False)
    unrated: tuple[str, ...]

    @property
    def is_partial(self) -> bool:
        """True when some culture has no rated principle."""
        return bool(self.unrated)

    @property
    def dominant_cultures(self) -> tuple[str, ...]:
        """The keys of the cultures within :data:`DOMINANCE_MARGIN` of the highest score (often one).

        The summary and the table call them dominant only when that means something
        (:attr:`has_dominant`): at least two cultures rated, and the highest above :data:`WEAK_CEILING`.
        """
        if not self.scores:
            return ()
        top = max(self.scores.values())
        return tuple(k for k, v in self.scores.items() if v >= top - DOMINANCE_MARGIN)

    @property
    def has_dominant(self) -> bool:
        """Whether calling the strongest cultures "dominant" is true: there are at least two rated
        cultures to compare, and the strongest is more than weakly present (above :data:`WEAK_CEILING`).

        >>> culture_profile({"P1": 5, "P2": 4}).has_dominant, culture_profile({"P1": 1, "M1": 1}).has_dominant
        (False, False)
        """
        return len(self.scores) >= 2 and max(self.scores.values()) > WEAK_CEILING

    @property
    def dominant(self) -> tuple[str, ...]:
        """The name DESIGN.md's public API gives :attr:`dominant_cultures` (kept so that code written
        against it keeps working; the course itself uses ``dominant_cultures``, which says it is a tuple).

        Like ``dominant_cultures`` it names the strongest cultures even when none is strongly present:
        check :attr:`has_dominant` before calling them dominant, as the summary does (review 11 #9).

        >>> weak = culture_profile({"P1": 2, "M1": 1})
        >>> weak.dominant, weak.has_dominant
        (('professional',), False)
        """
        return self.dominant_cultures

    def gaps(self) -> tuple[Gap, ...]:
        """The name DESIGN.md's public API gives :meth:`to_develop` (kept for code written against it;
        the course uses ``to_develop()``, the one name every result uses for what to work on)."""
        return self.to_develop()

    @property
    def balance(self) -> float | None:
        """1 when all rated cultures are equally present; ``None`` with fewer than two rated."""
        if len(self.scores) < 2:
            return None
        values = list(self.scores.values())
        return round(1 - (max(values) - min(values)) / 4, 3)

    def to_develop(self) -> tuple[Gap, ...]:
        """Cultures to develop, weakest first, each with its reason (C13: the paper's, or our gloss where it gives none).

        A culture is a gap when it scores below :data:`GAP_FLOOR` or at least
        more than :data:`GAP_DISTANCE` below the strongest culture (the course's rule of thumb).
        """
        if not self.scores:
            return ()
        top = max(self.scores.values())
        found = [
            Gap(culture=k, score=v, reason=get_culture(k).reason)
            for k, v in self.scores.items()
            if v < GAP_FLOOR or top - v > GAP_DISTANCE
        ]
        return tuple(sorted(found, key=lambda g: g.score))

    @property
    def is_superordinate(self) -> bool:
        """All four cultures rated and each at or above :data:`SUPERORDINATE_TARGET`."""
        return not self.unrated and all(v >= SUPERORDINATE_TARGET for v in self.scores.values())

    def summary(self) -> str:
        """A plain-English paragraph describing the profile (also the figure's text alternative)."""
        if not self.scores:
            return "No principles have been rated yet, so there is no profile to describe."
        names = {c.key: c.name for c in cultures()}
        parts = [
            ", ".join(f"{names[k]} {v:.1f}" for k, v in self.scores.items()) + " (out of 5)."
        ]
        dom = [names[k] for k in self.dominant_cultures]
        weak = max(self.scores.values()) <= WEAK_CEILING
        if len(self.scores) < 2:
            parts.append("Rate statements of at least two cultures to compare them (all four for a full profile).")
        elif weak:
            parts.append(f"No culture is strongly present: the highest score is {max(self.scores.values()):.1f} "
                         f"of 5, so none is called dominant.")
        elif len(dom) == len(self.scores):
            parts.append("No culture stands out: they are all close together.")
        else:
            parts.append(f"Dominant: {' and '.join(dom)}.")
        if self.balance is not None:
            parts.append(f"Balance index {self.balance:.2f} "
                         + ("(1 = all equally present, but here all are weak)." if weak
                            else "(1 = all equally present)."))
        gaps = self.to_develop()
        if gaps:
            parts.append("To develop: " + ", ".join(names[g.culture] for g in gaps) + ".")
        elif not self.unrated:
            parts.append("No culture falls behind the others.")
        if self.unrated:
            parts.append("Not yet rated: " + ", ".join(names[k] for k in self.unrated) + ".")
        return " ".join(parts)

    def _repr_html_(self) -> str:
        names = {c.key: c.name for c in cultures()}
        rows = [
            (names[k], f"{v:.2f}", self.counts[k], "yes" if self.has_dominant and k in self.dominant_cultures else "")
            for k, v in self.scores.items()
        ]
        gaps = "".join(
            f"<li><strong>{_html.esc(names[g.culture])}</strong> ({g.score:.1f}): {_html.esc(g.reason)}</li>"
            for g in self.to_develop()
        )
        return (
            _html.table("Learning-culture profile (mean agreement, 1-5)",
                        ["culture", "score", "principles rated", "dominant"], rows)
            + f"<p>{_html.esc(self.summary())}</p>"
            + (f"<p>What to develop, and why (Gray et al. 2010; our gloss where the paper gives no reason):</p>"
               f"<ul>{gaps}</ul>" if gaps else "")
            + _html.note(PROFILE_NOTE)
        )


def culture_profile(ratings: Mapping[str, object]) -> CultureProfile:
    """Build a :class:`CultureProfile` from ``{principle_id: agreement 1..5}``.

    Unrated principles are left out, never counted as zero; a culture with no rated principle is
    listed in ``unrated``.

    >>> p = culture_profile({"P1": 5, "M1": 5, "H1": 2, "D1": 1})
    >>> p.scores["professional"], p.dominant_cultures, p.balance
    (5.0, ('professional', 'managed'), 0.0)
    >>> [g.culture for g in p.to_develop()]
    ['democratic', 'humanistic']
    >>> culture_profile({"P1": 0})
    Traceback (most recent call last):
    ...
    ValueError: P1: the rating 0 is out of range; use a whole number from 1 to 5 (1 = strongly disagree, 5 = strongly agree)
    """
    if not isinstance(ratings, Mapping):
        raise TypeError(
            "ratings should pair each principle id with a rating, "
            "for example {'P1': 4, 'M1': 2}"
        )
    clean: dict[str, int] = {}
    given_as: dict[str, object] = {}
    for pid, value in ratings.items():
        principle = get_principle(pid)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if principle.id in clean:  # "P1" and "p1": one principle rated twice
            raise ValueError(f"{principle.id}: rated twice (as {given_as[principle.id]!r} and {pid!r}); give each "
                             "principle one rating")
        clean[principle.id] = _validate.rating(value, principle.id, scale=AGREEMENT_SCALE)
        given_as[principle.id] = pid
    scores: dict[str, float] = {}
    counts: dict[str, int] = {}
    unrated = []
    for c in cultures():
        values = [clean[p.id] for p in c.principles if p.id in clean]
        counts[c.key] = len(values)
        if values:
            scores[c.key] = round(fmean(values), 3)
        else:
            unrated.append(c.key)
    return CultureProfile(scores=scores, counts=counts, ratings=clean, unrated=tuple(unrated))
