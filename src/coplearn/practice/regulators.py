"""The four UK social work regulators and what each asks a registered social worker to record as CPD.

Social Work England (``swe``), Social Care Wales (``scw``), the Scottish Social Services Council
(``sssc``) and the Northern Ireland Social Care Council (``niscc``) each set their own requirement
for continuing professional development (called CPD, PRTL or CPL). :func:`get_regulator` gives one
regulator's requirement in our words, the pages it comes from and the date they were checked, what
we could not confirm (with the page to check), and the headings a record is laid out under in the
CPD export (:mod:`coplearn.practice.cpd`). The data is ``coplearn/data/regulators.toml``.

>>> [r.key for r in regulators()]
['swe', 'scw', 'sssc', 'niscc']
>>> get_regulator("NISCC").required_hours, get_regulator("swe").counts_hours
(90, False)
>>> get_regulator("hcpc")
Traceback (most recent call last):
...
LookupError: 'hcpc' is not a regulator coplearn knows; choose one of: swe (Social Work England), scw (Social Care Wales), sssc (Scottish Social Services Council), niscc (Northern Ireland Social Care Council); or name the nation: england, wales, scotland, northern ireland
"""

from __future__ import annotations

import datetime as _dt
import functools
from dataclasses import dataclass

from coplearn.core.data import Path, record, records, root

__all__ = ["FIELDS", "Heading", "Regulator", "get_regulator", "regulators", "DEFAULT_REGULATOR"]

#: What a journal entry can supply under a heading (see :func:`coplearn.practice.cpd.record_fields`).
FIELDS = ("activity_type", "date", "name", "description_relevance", "learning", "impact_practice",
          "impact_people", "impact_both", "contribution", "peer", "hours", "fill_in")

#: The regulator the export follows when none is chosen (the course's first audience).
DEFAULT_REGULATOR = "swe"


@dataclass(frozen=True, kw_only=True, slots=True)
class Heading:
    """One heading of a regulator's record, and what fills it."""

    label: str
    field: str
    fill_in: str = ""
    required: bool = True


@dataclass(frozen=True, kw_only=True, slots=True)
class Regulator:
    """A regulator's CPD requirement as published, with sources and what is not confirmed."""

    key: str
    name: str
    short: str
    nation: str
    term: str
    short_term: str
    checked: str
    period: str
    counts_hours: bool
    shows_hours: bool
    required_hours: int | None
    pieces_required: int
    needs_peer_reflection: bool
    where: str
    requirement: tuple[str, ...]
    not_confirmed: tuple[str, ...]
    sources: tuple[str, ...]
    copy_note: str
    headings: tuple[Heading, ...]
    article: str = ""

    @property
    def called(self) -> str:
        """The name as it reads inside a sentence ('the NISCC'-style article where the name takes one)."""
        return f"{self.article} {self.name}" if self.article else self.name

    @property
    def called_short(self) -> str:
        return f"{self.article} {self.short}" if self.article else self.name

    @property
    def checked_text(self) -> str:
        """The date the sources were checked, written out (e.g. '2 December 2026')."""
        d = _dt.date.fromisoformat(self.checked)
        return f"{d.day} {d.strftime('%B %Y')}"

    def _repr_html_(self) -> str:
        from coplearn.core import html as _html

        rows = [("Requirement", " ".join(self.requirement)), ("Period", self.period)]
        rows += [("Not confirmed", n) for n in self.not_confirmed]
        rows += [("Source", s) for s in self.sources]
        return _html.table(f"{self.name}: {self.term} (checked {self.checked_text})", ["", ""], rows)


@functools.lru_cache(maxsize=1)
def regulators() -> tuple[Regulator, ...]:
    """The four regulators, England first, in the order of the data file."""
    top = root("regulators.toml")

    def headings(r: Path, _: int) -> dict[str, object]:
        def one(h: Path) -> Heading:
            fill_in = h.str("fill_in") if h.choice("field", FIELDS) == "fill_in" else ""
            return record(h, Heading, choices={"field": FIELDS}, given={"fill_in": fill_in})

        return {"headings": tuple(one(h) for h in r.table_list("heading"))}

    out = records(top, "regulator", Regulator, each=headings)
    for r, reg in zip(top.table_list("regulator"), out):
        try:
            _dt.date.fromisoformat(reg.checked)
        except ValueError:
            raise r._fail("checked", f"should be a date YYYY-MM-DD, not {reg.checked!r}") from None
        if reg.counts_hours and reg.required_hours is None:
            raise r._fail("required_hours", "is missing for a regulator that counts hours")
        if not reg.sources:
            raise r._fail("sources", "should name at least one page")
    return out


def get_regulator(key: "str | Regulator | None" = None) -> Regulator:
    """The regulator named by ``key`` (case-insensitive key, short name or full name); default SWE."""
    if isinstance(key, Regulator):
        return key
    wanted = " ".join((key or DEFAULT_REGULATOR).replace("-", " ").split()).lower()
    for r in regulators():
        if wanted in (r.key, r.short.lower(), r.name.lower()) or _NATIONS.get(wanted) == r.key:
            return r
    raise LookupError(f"{key!r} is not a regulator coplearn knows; choose one of: "
                      + ", ".join(f"{r.key} ({r.name})" for r in regulators())
                      + "; or name the nation: england, wales, scotland, northern ireland")


#: The nation a regulator covers, as a learner may name it (walk22 L12: "wales" was refused).
_NATIONS = {"england": "swe", "wales": "scw", "cymru": "scw", "scotland": "sssc", "northern ireland": "niscc",
            "ni": "niscc"}
