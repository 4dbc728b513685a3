"""One simple document model, written out as Markdown, a standalone HTML page or a Word file.

The CPD export (:mod:`coplearn.practice.cpd`) and the record of study (:mod:`coplearn.practice.progress`) share it,
so both look alike: a title, an introduction, a note box, optional tables, one section per record
with a heading for each field, and a closing note that says what is the course's own.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from coplearn.core import html as _html

__all__ = ["Field", "Section", "Table", "Document", "to_markdown", "to_html", "to_docx_bytes", "MISSING"]

MISSING = "Not written yet: add this before you submit the record."


@dataclass(frozen=True, kw_only=True, slots=True)
class Field:
    """One heading of a record and what goes under it (``hint`` replaces the 'missing' text)."""

    label: str
    text: str
    required: bool = True
    hint: str = ""

    @property
    def missing(self) -> bool:
        return self.required and not self.text.strip()

    @property
    def shown(self) -> bool:
        return self.required or bool(self.text.strip())

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


# ---- Markdown --------------------------------------------------------------------------------

def _md_table(t: Table) -> list[str]:
    def cell(v: str) -> str:
        return str(v).replace("|", "\\|").replace("\n", " ")

    out = [f"**{t.caption}**", "", "| " + " | ".join(t.header) + " |", "|" + "---|" * len(t.header)]
    out += ["| " + " | ".join(cell(c) for c in row) + " |" for row in t.rows]
    return out + [""]


def to_markdown(doc: Document) -> str:
    out = [f"# {doc.title}", "", doc.intro, ""]
    if doc.notes:
        quoted: list[str] = []
        for n in doc.notes:
            quoted += [f"> {n}", ">"]
        out += quoted[:-1] + [""]
    if not doc.sections and doc.empty:
        out += [doc.empty, ""]
    for s in doc.sections:
        out += [f"## {s.title}", ""]
        for f in s.fields:
            if f.shown:
                out += [f"### {f.label}", "", f.text if f.text.strip() else f"*{f.missing_text}*", ""]
        for p in s.paragraphs:
            out += [p, ""]
        if s.table is not None:
            out += _md_table(s.table)
        if s.items:
            if s.list_title:
                out += [f"### {s.list_title}", ""]
            for label, text in s.items:
                out += [f"**{label}.** {text}" if label else f"- {text}", ""]
        if s.footnote:
            out += [f"*{s.footnote}*", ""]
    if doc.closing:
        out += ["---", ""] + [f"*{c}*" for c in doc.closing] + [""]
    return "\n".join(out)


# ---- HTML ------------------------------------------------------------------------------------

CSS = """
body{font-family:Arial,Helvetica,sans-serif;font-size:1rem;line-height:1.5;color:#222;max-width:48rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.8rem}h2{font-size:1.4rem;border-top:2px solid #0072B2;padding-top:1rem;margin-top:2.5rem}
h3{font-size:1.1rem;margin-bottom:.25rem}p{margin-top:.25rem}
.note{border-left:4px solid #0072B2;padding:.5rem 1rem;background:#f4f8fb}
.missing{color:#8a1c00;font-style:italic}.ours{font-style:italic}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #767676;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f2f2f2}caption{text-align:left;font-weight:bold;padding:4px 0}
@media print{h2{page-break-before:always}body{margin:0}}
""".strip()


def paragraphs_html(text: str) -> str:
    parts = [p.strip() for p in text.split("\n\n") if p.strip()]
    return "".join("<p>" + _html.esc(p).replace("\n", "<br>") + "</p>" for p in parts)


def _link_text(text: str) -> str:
    """Escape ``text`` and turn bare https:// addresses into links (their text is the address)."""
    out = []
    for word in text.split(" "):
        stripped = word.rstrip(".,;:)")
        tail = word[len(stripped):]
        if stripped.startswith("https://"):
            out.append(f'<a href="{_html.esc(stripped)}">{_html.esc(stripped)}</a>{_html.esc(tail)}')
        else:
            out.append(_html.esc(word))
    return " ".join(out)


def _html_table(t: Table) -> str:
    head = "".join(f'<th scope="col">{_html.esc(h)}</th>' for h in t.header)
    body = "".join("<tr>" + "".join(f"<td>{_html.esc(c)}</td>" for c in row) + "</tr>" for row in t.rows)
    return f"<table><caption>{_html.esc(t.caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def to_html(doc: Document) -> str:
    """The document as one standalone, accessible HTML page (no scripts, no external files)."""
    body = [f"<h1>{_html.esc(doc.title)}</h1>", f"<p>{_html.esc(doc.intro)}</p>"]
    if doc.notes:
        body.append('<div class="note" role="note">' + "".join(f"<p>{_link_text(n)}</p>" for n in doc.notes)
                    + "</div>")
    if not doc.sections and doc.empty:
        body.append(f"<p>{_html.esc(doc.empty)}</p>")
    for n, s in enumerate(doc.sections, 1):
        sid = f"{doc.section_id}-{n}"
        body.append(f'<section aria-labelledby="{sid}"><h2 id="{sid}">{_html.esc(s.title)}</h2>')
        for f in s.fields:
            if f.shown:
                content = (paragraphs_html(f.text) if f.text.strip()
                           else f'<p class="missing">{_html.esc(f.missing_text)}</p>')
                body.append(f"<h3>{_html.esc(f.label)}</h3>{content}")
        for p in s.paragraphs:
            body.append(paragraphs_html(p))
        if s.table is not None:
            body.append(_html_table(s.table))
        if s.items:
            if s.list_title:
                body.append(f"<h3>{_html.esc(s.list_title)}</h3>")
            if any(label for label, _ in s.items):
                body.append("<dl>" + "".join(f"<dt><strong>{_html.esc(label)}</strong></dt><dd>{paragraphs_html(text)}</dd>"
                                             for label, text in s.items) + "</dl>")
            else:
                body.append("<ul>" + "".join(f"<li>{_html.esc(text)}</li>" for _, text in s.items) + "</ul>")
        if s.footnote:
            body.append(f"<p><em>{_html.esc(s.footnote)}</em></p>")
        body.append("</section>")
    if doc.closing:
        body.append("<hr>" + "".join(f'<p class="ours">{_html.esc(c)}</p>' for c in doc.closing))
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_html.esc(doc.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body) + "\n</main>\n</body>\n</html>\n"
    )


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

    d = docx.Document()
    d.core_properties.title = doc.title
    d.core_properties.language = "en-GB"
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
            else:
                d.add_paragraph().add_run(f.missing_text).italic = True
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
    """The document in ``fmt`` (``md``, ``html`` or ``docx``) as bytes."""
    if fmt == "md":
        return to_markdown(doc).encode("utf-8")
    if fmt == "html":
        return to_html(doc).encode("utf-8")
    return to_docx_bytes(doc)


def join(parts: Sequence[str]) -> str:
    return "\n\n".join(p for p in parts if p and p.strip())
