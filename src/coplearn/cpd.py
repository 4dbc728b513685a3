"""Export the reflective journal as Social Work England CPD records (Markdown, HTML or Word).

Social Work England asks each registered social worker to record at least two pieces of CPD
in each registration year (the year's renewal closes on 30 November), at least one of them
involving peer reflection. Each record states the type of activity, a description and why it is
relevant, the date, what was learned, and the impact on practice and on people who use services
(Social Work England, CPD guidance). The exports lay every journal entry out under those
headings so that the learner can copy each part into their online account.

The layout, the completeness checks and the PCF and concept links are the course's own; Social
Work England does not ask for a particular file. The Word export needs ``python-docx`` (a
dependency of coplearn); Markdown and HTML need nothing extra.

>>> import tempfile, pathlib
>>> from coplearn.journal import Journal
>>> j = Journal(pathlib.Path(tempfile.mkdtemp()) / "journal.json")
>>> _ = j.add(title="Peer discussion", learning="Trust grows when problems can be raised.",
...           peer_role="team manager", pcf=["professional_leadership"], date="2026-03-02")
>>> text = to_markdown(j.entries)
>>> "## Record 1: Peer discussion" in text, "Yes, with a team manager" in text
(True, True)
"""

from __future__ import annotations

import datetime as _dt
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import _html
from ._formats import pick_format
from ._atomic import atomic_write_bytes, atomic_write_text
from .journal import GIBBS_STAGES, JournalEntry, looks_like_a_name

__all__ = ["FORMATS", "CpdField", "cpd_fields", "export", "format_for", "to_docx_bytes", "to_html", "to_markdown",
           "SWE_NOTE", "PRIVACY_NOTE"]

#: Export formats and the file endings that choose them.
FORMATS = {"md": (".md", ".markdown", ".txt"), "html": (".html", ".htm"), "docx": (".docx",)}

SWE_NOTE = (
    "Social Work England asks for at least two CPD records in each registration year (renewal "
    "closes on 30 November), and at least one of them must involve peer reflection. Each record "
    "gives the type of activity, a description and why it is relevant, the date, what you learned, "
    "and the impact on your practice and on people who use services. Copy each part below into "
    "the matching box of your online account."
)
PRIVACY_NOTE = (
    "Before you paste anything: check that no person who uses services, carer or colleague can be "
    "identified. Name roles (for example 'a senior practitioner'), never people."
)
OURS_NOTE = (
    "This layout, the completeness checks and the links to the PCF and to the course's concepts are "
    "coplearn's own additions, not Social Work England requirements."
)
MISSING = "Not written yet: add this before you submit the record."

GIBBS_TITLES = {
    "description": "Description",
    "feelings": "Feelings",
    "evaluation": "Evaluation",
    "analysis": "Analysis",
    "conclusion": "Conclusion",
    "action_plan": "Action plan",
}


@dataclass(frozen=True, kw_only=True, slots=True)
class CpdField:
    """One heading of a CPD record and what the entry says under it."""

    label: str
    text: str
    required: bool = True

    @property
    def missing(self) -> bool:
        return self.required and not self.text.strip()


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
    from .concepts import get_pcf

    return [get_pcf(k).name for k in entry.pcf]


def _concept_names(entry: JournalEntry) -> list[str]:
    from .concepts import get_concept

    return [f"{c} {get_concept(c).title}" for c in entry.concepts]


def cpd_fields(entry: JournalEntry) -> list[CpdField]:
    """The CPD record for ``entry``: Social Work England's headings first, then the course's links."""
    description = entry.description
    if entry.relevance:
        description = (description + "\n\nWhy it is relevant: " + entry.relevance).strip()
    return [
        CpdField(label="Type of activity", text=entry.activity_type),
        CpdField(label="Date", text=_format_date(entry.date)),
        CpdField(label="Description and why it is relevant", text=description),
        CpdField(label="What I learned", text=entry.learning),
        CpdField(label="Impact on my practice", text=entry.impact_practice),
        CpdField(label="Impact on people who use services", text=entry.impact_people),
        CpdField(label="Peer reflection", text=_peer_text(entry)),
        CpdField(label="PCF domains (BASW 2018)", text="; ".join(_pcf_names(entry)), required=False),
        CpdField(label="Course concepts", text="; ".join(_concept_names(entry)), required=False),
    ]


def _format_date(iso: str) -> str:
    try:
        d = _dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.day} {d.strftime('%B %Y')} ({iso})"


def _title(n: int, entry: JournalEntry) -> str:
    label = entry.title or (f"Lesson {entry.lesson} reflection" if entry.lesson else "Reflection")
    return f"Record {n}: {label}"


def _summary(entries: Sequence[JournalEntry]) -> str:
    peer = sum(e.peer_reflection for e in entries)
    incomplete = sum(any(f.missing for f in cpd_fields(e)) for e in entries)
    text = f"{len(entries)} record{'s' if len(entries) != 1 else ''}, {peer} with peer reflection."
    if entries and not peer:
        text += " None involves peer reflection yet: Social Work England asks for at least one that does."
    if incomplete:
        text += (f" {incomplete} record{'s have' if incomplete != 1 else ' has'} a heading still to fill in "
                 f"(marked below).")
    return text


def _heading_intro(entries: Sequence[JournalEntry], source: str | None) -> tuple[str, str]:
    today = _dt.date.today()
    when = f"{today.day} {today.strftime('%B %Y')}"
    origin = f" from {source}" if source else ""
    return "My CPD records from the coplearn journal", f"Exported on {when}{origin}. {_summary(entries)}"


# ---- Markdown --------------------------------------------------------------------------------

def to_markdown(entries: Sequence[JournalEntry], *, source: str | None = None) -> str:
    """The entries as Markdown CPD records, one ``##`` section per record."""
    title, intro = _heading_intro(entries, source)
    out = [f"# {title}", "", intro, "", f"> {SWE_NOTE}", ">", f"> {PRIVACY_NOTE}", ""]
    if not entries:
        out += ["The journal has no entries yet. Use a 'pause and reflect' box in any lesson to add one.", ""]
    for n, entry in enumerate(entries, 1):
        out += [f"## {_title(n, entry)}", ""]
        for f in cpd_fields(entry):
            if not f.required and not f.text:
                continue
            out += [f"### {f.label}", "", f.text if f.text.strip() else f"*{MISSING}*", ""]
        if entry.gibbs and any(entry.gibbs.values()):
            out += ["### Reflection using Gibbs' cycle (1988)", ""]
            for key in GIBBS_STAGES:
                text = entry.gibbs.get(key, "")
                if text:
                    out += [f"**{GIBBS_TITLES[key]}.** {text}", ""]
        if entry.prompt:
            out += [f"*Written in answer to: {entry.prompt}*", ""]
    out += ["---", "", f"*{OURS_NOTE}*", ""]
    return "\n".join(out)


# ---- HTML ------------------------------------------------------------------------------------

_CSS = """
body{font-family:Arial,Helvetica,sans-serif;font-size:1rem;line-height:1.5;color:#222;max-width:48rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.8rem}h2{font-size:1.4rem;border-top:2px solid #0072B2;padding-top:1rem;margin-top:2.5rem}
h3{font-size:1.1rem;margin-bottom:.25rem}p{margin-top:.25rem}
.note{border-left:4px solid #0072B2;padding:.5rem 1rem;background:#f4f8fb}
.missing{color:#8a1c00;font-style:italic}.ours{font-style:italic}
@media print{h2{page-break-before:always}body{margin:0}}
""".strip()


def _html_paragraphs(text: str) -> str:
    parts = [p.strip() for p in text.split("\n\n") if p.strip()]
    return "".join("<p>" + _html.esc(p).replace("\n", "<br>") + "</p>" for p in parts)


def to_html(entries: Sequence[JournalEntry], *, source: str | None = None) -> str:
    """The entries as one standalone, accessible HTML page (no scripts, no external files)."""
    title, intro = _heading_intro(entries, source)
    body = [f"<h1>{_html.esc(title)}</h1>", f"<p>{_html.esc(intro)}</p>",
            f'<div class="note" role="note"><p>{_html.esc(SWE_NOTE)}</p><p>{_html.esc(PRIVACY_NOTE)}</p></div>']
    if not entries:
        body.append("<p>The journal has no entries yet. Use a 'pause and reflect' box in any lesson to add one.</p>")
    for n, entry in enumerate(entries, 1):
        body.append(f'<section aria-labelledby="record-{n}"><h2 id="record-{n}">{_html.esc(_title(n, entry))}</h2>')
        for f in cpd_fields(entry):
            if not f.required and not f.text:
                continue
            content = _html_paragraphs(f.text) if f.text.strip() else f'<p class="missing">{_html.esc(MISSING)}</p>'
            body.append(f"<h3>{_html.esc(f.label)}</h3>{content}")
        if entry.gibbs and any(entry.gibbs.values()):
            body.append("<h3>Reflection using Gibbs' cycle (1988)</h3><dl>")
            for key in GIBBS_STAGES:
                text = entry.gibbs.get(key, "")
                if text:
                    body.append(f"<dt><strong>{GIBBS_TITLES[key]}</strong></dt><dd>{_html_paragraphs(text)}</dd>")
            body.append("</dl>")
        if entry.prompt:
            body.append(f"<p><em>Written in answer to: {_html.esc(entry.prompt)}</em></p>")
        body.append("</section>")
    body.append(f'<hr><p class="ours">{_html.esc(OURS_NOTE)}</p>')
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_html.esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body) + "\n</main>\n</body>\n</html>\n"
    )


# ---- Word ------------------------------------------------------------------------------------

def to_docx_bytes(entries: Sequence[JournalEntry], *, source: str | None = None) -> bytes:
    """The entries as a Word document (``.docx``) with real headings, in UK English."""
    try:
        import docx
    except ImportError:  # e.g. the browser edition, where python-docx (and lxml) are not available
        raise ValueError("Word (.docx) export needs the python-docx package, which is not available here "
                         "(the browser edition cannot include it). Choose Markdown (.md) or web page (.html) "
                         "instead: Word can open the .html file.") from None
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    title, intro = _heading_intro(entries, source)
    doc = docx.Document()
    doc.core_properties.title = title
    doc.core_properties.language = "en-GB"
    for style_name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Title"):
        rpr = doc.styles[style_name].element.get_or_add_rPr()
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), "en-GB")
    doc.add_heading(title, level=1)
    doc.add_paragraph(intro)
    doc.add_paragraph(SWE_NOTE)
    doc.add_paragraph(PRIVACY_NOTE)
    if not entries:
        doc.add_paragraph("The journal has no entries yet. Use a 'pause and reflect' box in any lesson to add one.")
    for n, entry in enumerate(entries, 1):
        doc.add_heading(_title(n, entry), level=2)
        for f in cpd_fields(entry):
            if not f.required and not f.text:
                continue
            doc.add_heading(f.label, level=3)
            if f.text.strip():
                for para in (p.strip() for p in f.text.split("\n\n")):
                    if para:
                        doc.add_paragraph(para)
            else:
                doc.add_paragraph().add_run(MISSING).italic = True
        if entry.gibbs and any(entry.gibbs.values()):
            doc.add_heading("Reflection using Gibbs' cycle (1988)", level=3)
            for key in GIBBS_STAGES:
                text = entry.gibbs.get(key, "")
                if text:
                    p = doc.add_paragraph()
                    p.add_run(f"{GIBBS_TITLES[key]}. ").bold = True
                    p.add_run(text)
        if entry.prompt:
            doc.add_paragraph().add_run(f"Written in answer to: {entry.prompt}").italic = True
    doc.add_paragraph().add_run(OURS_NOTE).italic = True
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


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
           *, source: str | None = None) -> Path:
    """Write ``entries`` to ``path`` as CPD records (atomically) and return the path written."""
    key = format_for(path, fmt)
    target = Path(path).expanduser()
    if key == "md":
        atomic_write_text(target, to_markdown(entries, source=source))
    elif key == "html":
        atomic_write_text(target, to_html(entries, source=source))
    else:
        atomic_write_bytes(target, to_docx_bytes(entries, source=source))
    return target
