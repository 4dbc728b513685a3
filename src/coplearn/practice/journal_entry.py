"""One entry of the learner's reflective journal, laid out as a CPD record, and the checks on it.

Each entry holds what a Social Work England CPD record asks for (the type of activity, a
description and why it is relevant, the date, what was learned, the impact on practice and on
people who use services, and whether it involved peer reflection and with whom, as a role), plus
the PCF domains and course concepts it relates to, and optionally the ``hours`` it took. An entry
may also follow Gibbs' (1988) reflective cycle. :class:`coplearn.practice.journal.Journal` keeps
the entries in one file.

>>> e = JournalEntry.create(title="Lesson 01", learning="Values pull against targets.", date="2026-03-01")
>>> e.date, e.activity_type
('2026-03-01', 'Online course or e-learning')
"""

from __future__ import annotations

import datetime as _dt
import re
import uuid
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from coplearn.core import html as _html
from coplearn.core.validate import activity_date
from coplearn.practice.cpd import GIBBS_STAGES, looks_like_a_name

__all__ = ["ACTIVITY_TYPES", "DEFAULT_ACTIVITY", "GIBBS_STAGES", "JournalEntry", "JournalWarning", "looks_like_a_name"]


#: Activity types a learner can pick (free text is also accepted).
ACTIVITY_TYPES = (
    "Online course or e-learning",
    "Reflection on practice",
    "Peer discussion or group supervision",
    "Supervision",
    "Reading and research",
    "Training or workshop",
    "Team development activity",
)

DEFAULT_ACTIVITY = "Online course or e-learning"

#: The fields of an entry that are free text.
_TEXT_FIELDS = ("activity_type", "title", "description", "relevance", "learning", "impact_practice",
                "impact_people", "peer_role", "lesson", "prompt")


class JournalWarning(UserWarning):
    """Something happened to the journal file that the learner should know about."""


#: Control characters that Word and other programs paste into text (a Shift+Enter line break is a
#: vertical tab) and that a Word or XML file cannot hold: line breaks become line breaks, the rest go.
_PASTED_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n", "\u2028": "\n", "\u2029": "\n\n"})
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
#: Characters no file can hold as text (half of a pair, from a broken copy or a terminal in another encoding) or
#: that a Word file cannot (U+FFFE, U+FFFF: a byte-swapped mark from a UTF-16 paste): each becomes the replacement
#: character, which shows where one was, so that the journal can always be saved and exported (red team 26b F2, F3).
_BROKEN = re.compile("[\ud800-\udfff\ufffe\uffff]")


def _text(value: object, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{name}: write this as text, not {value!r}")
    # (Windows line ends, "\r\n" or a lone "\r" as pasted from Word or Outlook, are one line break each)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _BROKEN.sub("\ufffd", _CONTROL.sub("", value.translate(_PASTED_BREAKS))).strip()


@dataclass(frozen=True, kw_only=True, slots=True)
class JournalEntry:
    """One reflective entry, laid out as a Social Work England CPD record."""

    id: str
    created: str
    date: str
    activity_type: str = DEFAULT_ACTIVITY
    title: str = ""
    description: str = ""
    relevance: str = ""
    learning: str = ""
    impact_practice: str = ""
    impact_people: str = ""
    peer_reflection: bool = False
    peer_role: str = ""
    pcf: tuple[str, ...] = ()
    concepts: tuple[str, ...] = ()
    lesson: str = ""
    prompt: str = ""
    gibbs: Mapping[str, str] | None = field(default=None)
    hours: float | None = None
    #: fields read from the file that the course does not know (a hand edit, a newer version of the
    #: course): kept as they were and written back, never shown or exported (red team 15 F3)
    kept: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def create(cls, **fields: Any) -> "JournalEntry":
        """Validate learner-supplied fields and build an entry with a fresh id and timestamp."""
        from coplearn.paper.concepts import get_concept, get_pcf

        known = set(cls.__dataclass_fields__) - {"id", "created", "kept"}
        unknown = set(fields) - known
        if unknown:
            raise ValueError(
                f"{', '.join(sorted(unknown))}: not a journal field; use: {', '.join(sorted(known))}"
            )
        when = fields.pop("date", None)
        date = _dt.date.today().isoformat() if when is None else activity_date(when).isoformat()
        texts = {k: _text(fields.get(k), k) for k in (
            "activity_type", "title", "description", "relevance", "learning",
            "impact_practice", "impact_people", "peer_role", "lesson", "prompt")}
        if not texts["activity_type"]:
            texts["activity_type"] = DEFAULT_ACTIVITY
        peer = fields.get("peer_reflection", False)
        if not isinstance(peer, bool):
            raise ValueError(f"peer_reflection: use True or False, not {peer!r}")
        if texts["peer_role"] and not peer:
            peer = True
        if texts["peer_role"] and looks_like_a_name(texts["peer_role"]):
            warnings.warn(
                f"the peer's role, {texts['peer_role']!r}, looks like a person's name. This course suggests "
                f"giving the role of the person you reflected with (for example 'a senior practitioner'), "
                f"never their name, so that your record keeps their privacy.",
                JournalWarning, stacklevel=3,
            )
        pcf = tuple(get_pcf(p).key for p in _as_list(fields.get("pcf"), "pcf"))
        concepts = tuple(get_concept(c).id for c in _as_list(fields.get("concepts"), "concepts"))
        hours = _hours(fields.get("hours"))
        gibbs = fields.get("gibbs")
        if gibbs is not None:
            if not isinstance(gibbs, Mapping):
                raise ValueError("gibbs: give the six Gibbs stages as a mapping, e.g. {'description': '...'}")
            bad = set(gibbs) - set(GIBBS_STAGES)
            if bad:
                raise ValueError(f"gibbs: {', '.join(sorted(bad))} is not a Gibbs stage; use: {', '.join(GIBBS_STAGES)}")
            gibbs = {k: _text(gibbs.get(k), f"gibbs.{k}") for k in GIBBS_STAGES}
        if not any(texts[k] for k in ("title", "description", "learning", "impact_practice", "impact_people")) and not (
            gibbs and any(gibbs.values())
        ):
            raise ValueError("This entry is empty: write at least a sentence about what you learned before saving.")
        return cls(
            id=uuid.uuid4().hex[:12],
            created=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            date=date, peer_reflection=peer, pcf=pcf, concepts=concepts, gibbs=gibbs, hours=hours, **texts,
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "JournalEntry":
        """Rebuild an entry read from a journal file, checking each field as :meth:`create` does
        (a hand-edited or imported entry with a bad date, a field that is not text or an unknown
        PCF domain is refused, naming the field, rather than breaking every later export)."""
        from coplearn.paper.concepts import get_concept, get_pcf

        if not isinstance(data, Mapping):
            raise ValueError("an entry is not a set of fields")
        values = {k: data[k] for k in cls.__dataclass_fields__ if k in data and k != "kept"}
        values["kept"] = {k: data[k] for k in data if k not in cls.__dataclass_fields__ or k == "kept"}
        for required in ("id", "created", "date"):
            if not isinstance(values.get(required), str) or not values[required].strip():
                raise ValueError(f"the entry has no {required!r}")
            values[required] = _BROKEN.sub("\ufffd", values[required])  # (check26 L1: a list printed it)
        try:
            values["date"] = _dt.date.fromisoformat(values["date"]).isoformat()
        except ValueError:
            raise ValueError(f"date: {values['date']!r} is not a date written as YYYY-MM-DD") from None
        for k in cls.__dataclass_fields__:
            if k in _TEXT_FIELDS and k in values:
                values[k] = _text(values[k], k)
        if not isinstance(values.get("peer_reflection", False), bool):
            raise ValueError(f"peer_reflection: {values['peer_reflection']!r} is not true or false")
        if values.get("peer_role") and "peer_reflection" not in data:  # (as create() does: red team 26b F6)
            values["peer_reflection"] = True
        values["pcf"] = tuple(get_pcf(p).key for p in _as_list(values.get("pcf"), "pcf"))
        values["concepts"] = tuple(get_concept(c).id for c in _as_list(values.get("concepts"), "concepts"))
        if values.get("gibbs") is not None:
            gibbs = values["gibbs"]
            if not isinstance(gibbs, Mapping) or set(gibbs) - set(GIBBS_STAGES):
                raise ValueError(f"gibbs: use the six Gibbs stages ({', '.join(GIBBS_STAGES)}), each as text")
            values["gibbs"] = {k: _text(gibbs.get(k), f"gibbs.{k}") for k in GIBBS_STAGES}
        if values.get("hours") is not None:
            values["hours"] = _hours(values["hours"])
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        # field by field, not dataclasses.asdict: that copies the fields kept from the file as they were read, one
        # level at a time, and a field nested 900 deep stopped every save with a RecursionError (red team 26b F5);
        # they are never changed, so they are written back as they are
        data = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "kept"}
        if isinstance(data.get("gibbs"), Mapping):
            data["gibbs"] = dict(data["gibbs"])
        kept = self.kept
        data["pcf"] = list(self.pcf)
        data["concepts"] = list(self.concepts)
        data.update((k, v) for k, v in kept.items() if k not in data)  # (written back as they were read)
        return data

    def unknown_fields(self) -> list[str]:
        """The fields kept from the file that the course does not know, each with a likely meant field.

        >>> JournalEntry.from_dict({"id": "a1", "created": "2026-01-01T00:00:00+00:00", "date": "2026-01-01",
        ...                         "impact_on_people": "Families said ..."}).unknown_fields()
        ["'impact_on_people' (did you mean 'impact_people'?)"]
        """
        return [f"{str(name)[:60]!r}" + (f" (did you mean {near!r}?)" if near else "")
                for name, near in self.likely_meant().items()]

    def likely_meant(self) -> dict[str, str | None]:
        """Each field kept from the file that the course does not know, and the course's field it most
        likely means (None when none is close).

        >>> JournalEntry.from_dict({"id": "a1", "created": "2026-01-01T00:00:00+00:00", "date": "2026-01-01",
        ...                         "impact_on_people": "...", "my_notes": "..."}).likely_meant()
        {'impact_on_people': 'impact_people', 'my_notes': None}
        """
        import difflib

        known = [k for k in self.__dataclass_fields__ if k != "kept"]
        out: dict[str, str | None] = {}
        for name in self.kept:
            near = difflib.get_close_matches(str(name), known, n=1, cutoff=0.6)
            out[str(name)] = near[0] if near else None
        return out

    def _repr_html_(self) -> str:
        rows = [
            ("Date", self.date), ("Type of activity", self.activity_type), ("Title", self.title),
            ("What I learned", self.learning), ("Impact on practice", self.impact_practice),
            ("Impact on people who use services", self.impact_people),
        ]
        return _html.table("Journal entry (CPD record)", ["field", "entry"], [r for r in rows if r[1]])


def _hours(value: object) -> float | None:
    """Validate the time an activity took, in hours (``None`` or blank: not recorded)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, bool):
            raise ValueError
        if isinstance(value, str) and re.fullmatch(r"\s*\d+,\d+\s*", value):
            value = value.replace(",", ".")  # a decimal comma, as many keyboards and countries write it (walk22 L6)
        hours = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"hours: {value!r} is not a number of hours; write it as a number, e.g. 1.5") from None
    if not hours > 0:  # (also NaN)
        raise ValueError(f"hours: {value!r} is no time at all; give the time the activity took, more than 0 hours "
                         f"(up to 200), e.g. 1.5")
    if hours > 200:
        raise ValueError(f"hours: {value!r} is more than 200 hours; give the time this one activity took, e.g. 1.5")
    if round(hours, 2) == 0:  # (it would be saved as 0, which is no time at all)
        raise ValueError(f"hours: {value!r} is less than a minute; give the time the activity took in hours, "
                         "e.g. 0.25 for a quarter of an hour")
    return round(hours, 2)


def _as_date(value: str | _dt.date, name: str) -> _dt.date:
    if isinstance(value, _dt.date):
        return value
    from coplearn.core.validate import written_date

    try:
        return written_date(str(value))
    except ValueError:
        raise ValueError(f"{name}: {value!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-11-30 (or day first, "
                         "as 30/11/2026)") from None


def _as_list(value: object, name: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable):
        return [str(v) for v in value]
    raise ValueError(f"{name}: give a list, e.g. ['C01', 'C02']")
