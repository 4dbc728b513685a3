"""Export the reflective journal as CPD records for a UK social work regulator (Markdown, HTML or Word).

Each of the four regulators asks for something different (see :mod:`coplearn.practice.regulators`, which
cites each one's published requirement and the date it was checked). Social Work England, the
default, asks each registered social worker to record at least two pieces of CPD in each
registration year (1 December to 30 November), at least one of them with peer reflection; each
record states the type of activity, a description and why it is relevant, the date, what was
learned, and the impact on practice and on people who use services. Social Care Wales, the
Scottish Social Services Council and the Northern Ireland Social Care Council each get their own
headings; hours are totalled where the regulator counts hours (the NISCC's 90 hours of PRTL in a
three-year registration period) and shown where its record asks how long an activity took.
Every export states that regulator's requirement, its sources, and what we could not confirm.

The layout, the completeness checks and the PCF and concept links are the course's own; no
regulator asks for a particular file. The Word export needs ``python-docx`` (a dependency of
coplearn); Markdown and HTML need nothing extra.

>>> import tempfile, pathlib
>>> from coplearn.practice.journal import Journal
>>> j = Journal(pathlib.Path(tempfile.mkdtemp()) / "journal.json")
>>> _ = j.add(title="Peer discussion", learning="Trust grows when problems can be raised.",
...           peer_role="team manager", pcf=["professional_leadership"], date="2026-03-02", hours=1.5)
>>> text = to_markdown(j.entries)
>>> "## Record 1: Peer discussion" in text, "Yes, with a team manager" in text
(True, True)
>>> "1.5 hours recorded of the 90 hours" in to_markdown(j.entries, regulator="niscc")
True
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from coplearn.core import document as D
from coplearn.core.atomic import atomic_write_bytes, refuse_to_replace_data
from coplearn.core.formats import pick_format
from coplearn.practice.regulators import Regulator, get_regulator

if TYPE_CHECKING:  # the journal imports this module (Journal.export), never the other way round
    from coplearn.practice.journal_entry import JournalEntry

__all__ = ["FORMATS", "CpdField", "cpd_fields", "export", "format_for", "to_docx_bytes", "to_html", "to_markdown",
           "build_document", "hours_total", "PRIVACY_NOTE", "MISSING", "GIBBS_STAGES",
           "looks_like_a_name"]

#: Export formats and the file endings that choose them.
FORMATS = {"md": (".md", ".markdown", ".txt"), "html": (".html", ".htm"), "docx": (".docx",)}

PRIVACY_NOTE = (
    "Before you paste anything: check that no person who uses services, carer or colleague can be "
    "identified. Name roles (for example 'a senior practitioner'), never people."
)
MISSING = D.MISSING

#: Gibbs (1988): the six stages of the reflective cycle, with a prompt for each.
GIBBS_STAGES: dict[str, str] = {
    "description": "What happened?",
    "feelings": "What were you thinking and feeling?",
    "evaluation": "What was good and bad about the experience?",
    "analysis": "What sense can you make of it? Which ideas from the course help?",
    "conclusion": "What else could you have done?",
    "action_plan": "If it arose again, what would you do?",
}

GIBBS_TITLES = {
    "description": "Description",
    "feelings": "Feelings",
    "evaluation": "Evaluation",
    "analysis": "Analysis",
    "conclusion": "Conclusion",
    "action_plan": "Action plan",
}

#: Words that show a peer is described by role (lower case). Used only to warn, never to refuse.
_ROLE_WORDS = frozenset("""
amhp adviser advisor advocate agency apprentice assessor carer chair colleague colleagues consultant
coordinator co-ordinator counsellor director educator expert facilitator gp group head lead leader
lecturer manager member mentor nurse occupational officer partner peer peers pharmacist police
practitioner practitioners principal psychiatrist psychologist professional representative
senior service social specialist student students supervisor team teacher therapist trainee tutor
visitor worker workers supervision meeting forum circle network panel board community
""".split())


def looks_like_a_name(text: str) -> bool:
    """Guess whether ``text`` is a person's name rather than a role (used to warn, never to refuse).

    >>> looks_like_a_name("Sarah Jones"), looks_like_a_name("a senior practitioner")
    (True, False)
    >>> looks_like_a_name("Team Manager"), looks_like_a_name("AMHP lead")
    (False, False)
    """
    words = [w.strip(".,;:()") for w in text.split()]
    words = [w for w in words if w]
    if not 1 <= len(words) <= 3:
        return False
    if any(w.lower() in _ROLE_WORDS or w.lower().rstrip("s") in _ROLE_WORDS for w in words):
        return False
    return all(w[:1].isupper() and (len(w) == 1 or w[1:].islower() or "'" in w or "-" in w) for w in words)


#: One heading of a CPD record and what the entry says under it.
CpdField = D.Field


def _ours_note(reg: Regulator) -> str:
    return ("This layout, the completeness checks and the links to the PCF and to the course's concepts are "
            f"coplearn's own additions, not {reg.called} requirements.")


def _peer_text(entry: JournalEntry) -> str:
    if not entry.peer_reflection:
        return "No."
    role = entry.peer_role.strip()
    if not role:
        return "Yes."
    if looks_like_a_name(role):
        return ("Yes. (The journal gives a name here, which is left out of this export: write the "
                "person's role instead, for example 'a senior practitioner'.)")
    lowered = role.lower()
    article = "an" if lowered[:1] in "aeiou" and not lowered.startswith(("uni", "use", "eu", "one")) else "a"
    if lowered.startswith(("a ", "an ", "the ", "my ", "our ", "two ", "three ", "four ")) or lowered.endswith("s"):
        return f"Yes, with {role}."
    return f"Yes, with {article} {role}."


def _pcf_names(entry: JournalEntry) -> list[str]:
    from coplearn.paper.concepts import get_pcf

    return [get_pcf(k).name for k in entry.pcf]


def _concept_names(entry: JournalEntry) -> list[str]:
    from coplearn.paper.concepts import get_concept

    return [f"{c} {get_concept(c).title}" for c in entry.concepts]


#: The parts of Social Care Wales's one "how it contributed" heading, as the export labels them.
CONTRIBUTION_PARTS = ("What I learned", "How it changes my practice", "For people who use services")


def _contribution_gaps(entry: JournalEntry) -> tuple[str, ...]:
    """The parts of a "how it contributed" heading still to write: what was learned and the impact on practice (the
    impact on people who use services is optional there, as in the entry itself). Both missing: the heading is."""
    gaps = tuple(label for label, text in zip(CONTRIBUTION_PARTS[:2], (entry.learning, entry.impact_practice))
                 if not text.strip())
    return () if len(gaps) == 2 else gaps


def _hours_text(hours: float | None) -> str:
    if hours is None:
        return ""
    return f"{hours:g} hour{'' if hours == 1 else 's'}"


def _field_text(entry: JournalEntry, field: str) -> str:
    description = entry.description
    if entry.relevance:
        description = (description + "\n\nWhy it is relevant: " + entry.relevance).strip()
    people = f"For people who use services: {entry.impact_people}" if entry.impact_people else ""
    if field == "activity_type":
        return entry.activity_type
    if field == "date":
        return _format_date(entry.date)
    if field == "name":
        return f"{entry.title} ({entry.activity_type})" if entry.title else entry.activity_type
    if field == "description_relevance":
        return description
    if field == "learning":
        return entry.learning
    if field == "impact_practice":
        return entry.impact_practice
    if field == "impact_people":
        return entry.impact_people
    if field == "impact_both":
        return D.join([entry.impact_practice, people])
    if field == "contribution":
        # (Social Care Wales's one heading for what was learned and its impact: each part labelled, so that a reader
        # can tell them apart; a part not written yet is marked by cpd_fields, as the other regulators' headings are)
        return D.join([f"{label}: {text}" for label, text in
                       zip(CONTRIBUTION_PARTS, (entry.learning, entry.impact_practice, entry.impact_people)) if text])
    if field == "peer":
        return _peer_text(entry)
    if field == "hours":
        return _hours_text(entry.hours)
    return ""  # fill_in: the learner writes this part themselves


def cpd_fields(entry: JournalEntry, regulator: str | Regulator | None = None) -> list[CpdField]:
    """The CPD record for ``entry``: the regulator's headings first, then the course's links."""
    reg = get_regulator(regulator)
    fields = [CpdField(label=h.label, text=_field_text(entry, h.field), required=h.required, hint=h.fill_in,
                       gaps=_contribution_gaps(entry) if h.field == "contribution" else ())
              for h in reg.headings]
    if entry.peer_reflection and not any(h.field == "peer" for h in reg.headings):
        fields.append(CpdField(label="Peer reflection", text=_peer_text(entry), required=False))
    # The PCF is England's framework: a record for Social Care Wales, the SSSC or the NISCC does not carry it
    # (walk28 L10); the entry keeps its domains for a record for Social Work England.
    pcf = [CpdField(label="PCF domains (BASW 2018; England)", text="; ".join(_pcf_names(entry)), required=False)]
    return fields + (pcf if reg.key == "swe" else []) + [
        CpdField(label="Course concepts", text="; ".join(_concept_names(entry)), required=False),
    ]


def _format_date(iso: str) -> str:
    try:
        d = _dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.day} {d:%B} {d.year:04d} ({iso})"  # (not %Y: it writes the year 1 as 1, red team 22b L3)


def _title(n: int, entry: JournalEntry) -> str:
    label = entry.title or (f"Lesson {entry.lesson} reflection" if entry.lesson else "Reflection")
    return f"Record {n}: {label}"


def hours_total(entries: Sequence[JournalEntry]) -> tuple[float, int]:
    """The hours recorded across ``entries`` and how many entries give no hours."""
    total = sum(e.hours for e in entries if e.hours is not None)
    return round(total, 2), sum(e.hours is None for e in entries)


def _summary(entries: Sequence[JournalEntry], reg: Regulator) -> str:
    peer = sum(e.peer_reflection for e in entries)
    incomplete = sum(any(f.incomplete for f in cpd_fields(e, reg)) for e in entries)
    text = f"{len(entries)} record{'s' if len(entries) != 1 else ''}, {peer} with peer reflection."
    if entries and not peer and reg.needs_peer_reflection:
        text += f" None involves peer reflection yet: {reg.called} asks for at least one that does."
    if reg.pieces_required and len(entries) < reg.pieces_required:
        text += f" {reg.called} asks for at least {reg.pieces_required} in each registration year."
    if reg.counts_hours or reg.shows_hours:
        total, without = hours_total(entries)
        text += f" {_hours_text(total) or '0 hours'} recorded"
        if reg.counts_hours and reg.required_hours:
            text += f" of the {reg.required_hours} hours {reg.called_short} asks for in {reg.period}"
        text += " in the records below."
        if without:
            text += (f" {without} record{'s give' if without != 1 else ' gives'} no hours yet: add how long "
                     f"each activity took.")
    if incomplete:
        text += (f" {incomplete} record{'s have' if incomplete != 1 else ' has'} a heading still to fill in "
                 f"(marked below).")
    return text


def _notes(reg: Regulator) -> tuple[str, ...]:
    notes = list(reg.requirement)
    notes += [f"Not confirmed: {n}" for n in reg.not_confirmed]
    notes.append(f"Sources, checked on {reg.checked_text}: " + " ; ".join(reg.sources))
    notes.append(reg.copy_note)
    return tuple(notes)


def build_document(entries: Sequence[JournalEntry], *, source: str | None = None,
                   regulator: str | Regulator | None = None) -> D.Document:
    """The export as a :class:`coplearn.core.document.Document` (shared by the three formats). The
    records are in date order (then in the order they were written), whatever order the journal holds
    them in: entries brought in from another copy are added at its end (walk16 F9)."""
    entries = sorted(entries, key=lambda e: (e.date, e.created))
    reg = get_regulator(regulator)
    today = _dt.date.today()
    when = f"{today.day} {today.strftime('%B %Y')}"
    origin = f" from {source}" if source else ""
    laid = "" if reg.key == "swe" else f" Laid out for {reg.called} ({reg.nation})."
    sections = []
    for n, entry in enumerate(entries, 1):
        items: tuple[tuple[str, str], ...] = ()
        if entry.gibbs and any(entry.gibbs.values()):
            items = tuple((GIBBS_TITLES[k], entry.gibbs[k]) for k in GIBBS_STAGES if entry.gibbs.get(k))
        sections.append(D.Section(
            title=_title(n, entry), fields=tuple(cpd_fields(entry, reg)),
            list_title="Reflection using Gibbs' cycle (1988)" if items else "", items=items,
            footnote=f"Written in answer to: {entry.prompt}" if entry.prompt else "",
        ))
    return D.Document(
        title=f"My {reg.short_term} records from the coplearn journal",
        intro=f"Exported on {when}{origin}.{laid} {_summary(entries, reg)}",
        notes=_notes(reg) + (PRIVACY_NOTE,),
        sections=tuple(sections),
        empty="The journal has no entries yet. Use a 'pause and reflect' box in any lesson to add one.",
        closing=(_ours_note(reg),),
    )


def to_markdown(entries: Sequence[JournalEntry], *, source: str | None = None,
                regulator: str | Regulator | None = None) -> str:
    """The entries as Markdown CPD records, one ``##`` section per record."""
    return D.to_markdown(build_document(entries, source=source, regulator=regulator))


def to_html(entries: Sequence[JournalEntry], *, source: str | None = None,
            regulator: str | Regulator | None = None) -> str:
    """The entries as one standalone, accessible HTML page (no scripts, no external files)."""
    return D.to_html(build_document(entries, source=source, regulator=regulator))


def to_docx_bytes(entries: Sequence[JournalEntry], *, source: str | None = None,
                  regulator: str | Regulator | None = None) -> bytes:
    """The entries as a Word document (``.docx``) with real headings, in UK English."""
    return D.to_docx_bytes(build_document(entries, source=source, regulator=regulator))


# ---- writing a file --------------------------------------------------------------------------

def format_for(path: str | os.PathLike[str], fmt: str | None = None) -> str:
    """Choose the export format from ``fmt`` or, failing that, from the file's ending.

    >>> format_for("cpd.docx"), format_for("out.txt", "html")
    ('docx', 'html')
    >>> format_for("cpd.pdf")
    Traceback (most recent call last):
    ...
    ValueError: cannot tell the format from 'cpd.pdf'; end the file name with .md, .html or .docx, or choose a format: md, html, docx
    """
    return pick_format(path, fmt, FORMATS, "an export format", "format")


def export(entries: Sequence[JournalEntry], path: str | os.PathLike[str], fmt: str | None = None,
           *, source: str | None = None, regulator: str | Regulator | None = None, force: bool = False) -> Path:
    """Write ``entries`` to ``path`` as CPD records for ``regulator`` (atomically); return the path. An existing
    file is replaced only if it is an earlier export or report (or with ``force``): a document of the learner's
    own is refused and left as it is (:func:`coplearn.core.atomic.refuse_to_replace_data`; walk28 H1)."""
    key = format_for(path, fmt)
    reg = get_regulator(regulator)
    target = Path(path).expanduser()
    refuse_to_replace_data(target, "the export", FORMATS[key], force=force)
    atomic_write_bytes(target, D.render(build_document(entries, source=source, regulator=reg), key))
    return target
