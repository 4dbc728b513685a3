"""One simple document model, written out as Markdown, a standalone HTML page or a Word file.

The CPD export (:mod:`coplearn.practice.cpd`) and the record of study (:mod:`coplearn.practice.progress`) share it,
so both look alike: a title, an introduction, a note box, optional tables, one section per record
with a heading for each field, and a closing note that says what is the course's own.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["Field", "Section", "Table", "Document", "to_markdown", "to_html", "to_docx_bytes", "MISSING"]

MISSING = "Not written yet: add this before you submit the record."


@dataclass(frozen=True, kw_only=True, slots=True)
class Field:
    """One heading of a record and what goes under it (``hint`` replaces the 'missing' text).

    ``bullets`` puts a list under the heading instead of (or after) the text: a real list in
    HTML and Word, one ``- `` line per item in Markdown."""

    label: str
    text: str = ""
    required: bool = True
    hint: str = ""
    bullets: tuple[str, ...] = ()
    #: parts of a heading that holds several (Social Care Wales's one "how it contributed" heading) still to write:
    #: each is shown after the text, marked as :data:`MISSING` is
    gaps: tuple[str, ...] = ()

    @property
    def missing(self) -> bool:
        return self.required and not self.text.strip() and not self.bullets

    @property
    def incomplete(self) -> bool:
        """Missing, or with a part still to write (:attr:`gaps`)."""
        return self.missing or bool(self.gaps)

    @property
    def gap_texts(self) -> tuple[str, ...]:
        return tuple(f"{gap}: {MISSING}" for gap in self.gaps)

    @property
    def shown(self) -> bool:
        return self.required or bool(self.text.strip()) or bool(self.bullets)

    @property
    def missing_text(self) -> str:
        return f"To fill in: {self.hint}" if self.hint else MISSING


@dataclass(frozen=True, kw_only=True, slots=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class Section:
    """A level-2 section: fields (level-3 headings), then an optional labelled list and a footnote."""

    title: str
    fields: tuple[Field, ...] = ()
    list_title: str = ""
    items: tuple[tuple[str, str], ...] = ()
    paragraphs: tuple[str, ...] = ()
    table: Table | None = None
    footnote: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class Document:
    title: str
    intro: str
    notes: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
    empty: str = ""
    closing: tuple[str, ...] = field(default_factory=tuple)
    section_id: str = "record"


# ---- Markdown and HTML (templates/document.md.j2 and document.html.j2) ---------------------------

def to_markdown(doc: Document) -> str:
    """The document as Markdown."""
    from coplearn.core.templates import render

    return render("document.md.j2", doc=doc).rstrip("\n") + "\n"


def to_html(doc: Document) -> str:
    """The document as one standalone, accessible HTML page (no scripts, no external files)."""
    from coplearn.core.templates import render

    return render("document.html.j2", doc=doc)


# ---- Word ------------------------------------------------------------------------------------

def to_docx_bytes(doc: Document) -> bytes:
    """The document as a Word file (``.docx``) with real headings, in UK English."""
    try:
        import docx
    except ImportError:  # e.g. the browser edition, where python-docx (and lxml) are not available
        raise ValueError("Word (.docx) export needs the python-docx package, which is not available here "
                         "(the browser edition cannot include it). Choose Markdown (.md) or web page (.html) "
                         "instead: Word can open the .html file.") from None
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from coplearn.core.outputs import mark_docx

    d = docx.Document()
    d.core_properties.title = doc.title
    d.core_properties.language = "en-GB"
    # python-docx's blank document names its own author: Word showed "Author: python-docx" (walk28 L9); left
    # empty, Word fills in its user's name when the document is next saved
    d.core_properties.author = ""
    d.core_properties.last_modified_by = ""
    mark_docx(d.core_properties)  # (so that a later export may replace it, and nothing else: walk28 H1)
    for style_name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Title"):
        rpr = d.styles[style_name].element.get_or_add_rPr()
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), "en-GB")

    def paras(text: str) -> None:
        for para in (p.strip() for p in text.split("\n\n")):
            if para:
                d.add_paragraph(para)

    def table(t: Table) -> None:
        d.add_paragraph().add_run(t.caption).bold = True
        tbl = d.add_table(rows=1, cols=len(t.header))
        tbl.style = "Table Grid"
        for cell, h in zip(tbl.rows[0].cells, t.header):
            cell.text = h
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in t.rows:
            cells = tbl.add_row().cells
            for cell, value in zip(cells, row):
                cell.text = str(value)

    d.add_heading(doc.title, level=1)
    d.add_paragraph(doc.intro)
    for n in doc.notes:
        d.add_paragraph(n)
    if not doc.sections and doc.empty:
        d.add_paragraph(doc.empty)
    for s in doc.sections:
        d.add_heading(s.title, level=2)
        for f in s.fields:
            if not f.shown:
                continue
            d.add_heading(f.label, level=3)
            if f.text.strip():
                paras(f.text)
            elif not f.bullets and not f.gaps:
                d.add_paragraph().add_run(f.missing_text).italic = True
            for gap in f.gap_texts:
                d.add_paragraph().add_run(gap).italic = True
            for b in f.bullets:
                d.add_paragraph(b, style="List Bullet")
        for p in s.paragraphs:
            paras(p)
        if s.table is not None:
            table(s.table)
        if s.items:
            if s.list_title:
                d.add_heading(s.list_title, level=3)
            for label, text in s.items:
                if label:
                    p = d.add_paragraph()
                    p.add_run(f"{label}. ").bold = True
                    p.add_run(text)
                else:
                    d.add_paragraph(text, style="List Bullet")
        if s.footnote:
            d.add_paragraph().add_run(s.footnote).italic = True
    for c in doc.closing:
        d.add_paragraph().add_run(c).italic = True
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def render(doc: Document, fmt: str) -> bytes:
    """The document in ``fmt`` (``md``, ``html`` or ``docx``) as the bytes of a file, which says that coplearn
    wrote it (:mod:`coplearn.core.outputs`)."""
    from coplearn.core.outputs import marked

    if fmt == "md":
        return marked(to_markdown(doc), "md").encode("utf-8")
    if fmt == "html":
        return marked(to_html(doc), "html").encode("utf-8")
    return to_docx_bytes(doc)


def join(parts: Sequence[str]) -> str:
    return "\n\n".join(p for p in parts if p and p.strip())
