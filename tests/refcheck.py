"""Find the Harvard citations in a lesson, assignment or document, and its reference list.

Used by ``tests/test_references.py``; run ``python tests/refcheck.py FILE ...`` to see what it finds.

What counts as the text and what as the reference list
    Notebooks: the markdown cells only (code cells are plumbing). Markdown files: the whole file.
    Code spans and fenced blocks, link targets and emphasis markers are removed first. The
    reference list runs from a heading ``References`` (any level) to the next heading of the same
    or a higher level, or to the end; everything else is the text.

Entries of the reference list (one paragraph each, separated by blank lines)
    ``Surname, I. and Surname, I. (2010) Title ...``   a person-authored work; its key is the first
    surname. ``Body Name (ABBR) (2004) Title ...``  a work by an organisation; its keys are the
    name and the abbreviation in brackets, so it can be cited either way. A paragraph that starts
    ``**Cited through the paper.**`` lists works known only from Gray et al. (2010):
    ``... as the paper gives them: Blewitt (2008); Jordan and Jordan (2006); General Social Care
    Council (GSCC) (2006).``; the list after the paragraph's last colon is split at semicolons, and
    each ``Name (Year) details`` item is an entry. Years may carry a letter (2008a) or be ``n.d.``.

Citations in the text
    ``(Wenger 1998)``, ``(Wenger 1998, p. 46, cited in Gray et al. 2010)``, ``Wenger (1998, 2006)``,
    ``Gray et al. (2010)``, ``Hersey and Blanchard (1993)``, ``Skills for Care & CWDC 2007``,
    ``(Payne 2005; Gray et al. 2008)``, ``Senge's (1990)``, ``Bandura's *Social Learning Theory* (1977)``
    (a possessive name before a title: the name is the author), ``(Shaping Our Lives n.d.)``. A citation is a year (1900-2029, with
    an optional letter, or ``n.d.``) directly after one or more capitalised names (joined by ``and``, ``&``,
    commas, ``et al.``, or small words inside a body's name such as ``for``/``of``). A further
    ``, 2007`` after a cited year is a second work by the same author. Words that start sentences
    (``In``, ``The``, ``Since`` ...) are dropped from the front of a name; years after words in
    ``NOT_AUTHORS`` (months, ``Act``, ``Lesson`` ...) are not citations (``the Care Act 2014``).

A citation matches an entry when its year is the entry's year and its first name (before
``and``/``&``/``et al.``/a comma) is one of the entry's keys, ignoring case.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

YEAR = r"(?:19\d\d|20[0-2]\d)[a-z]?"
NAME = r"[A-Z][\w'’\-/]*"
CODE = re.compile(r"[A-Z]\d+")          # concept codes such as C11 are not names
CONNECT = {"and", "&", "for", "of", "the", "in", "on", "de", "van", "von", "der", "et", "al."}
# Capitalised words that open a sentence or phrase rather than name an author.
SENTENCE_STARTERS = {
    "In", "The", "As", "See", "By", "From", "Since", "Until", "After", "Before", "Both", "And", "But",
    "For", "Of", "On", "At", "To", "With", "Also", "Then", "Later", "Earlier", "Here", "This", "That",
    "These", "Those", "When", "While", "Where", "What", "Which", "Who", "Our", "Their", "His", "Her",
    "Its", "A", "An", "Each", "Every", "Many", "Some", "Most", "Read", "Compare", "Unlike", "Like",
    "Following", "Drawing", "Building", "Citing", "According", "Note", "Yes", "No", "If",
}
NOT_AUTHORS = {
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "Act", "Acts", "Lesson", "Lessons", "Spring", "Summer",
    "Autumn", "Winter", "Python", "Edition", "Bill", "Regulations", "Order", "Rules", "Year",
}
CITED_THROUGH = re.compile(r"^\s*\**\s*cited through", re.IGNORECASE)


@dataclass(frozen=True)
class Citation:
    names: str          # the name part as written, e.g. "Gray et al."
    year: str
    context: str        # a snippet of the text around it, for messages

    @property
    def key(self) -> str:
        return first_name(self.names)

    def __str__(self) -> str:
        return f"{self.names} {self.year}"


@dataclass
class Entry:
    text: str                      # the paragraph (shortened for messages)
    year: str
    keys: set[str] = field(default_factory=set)
    through_paper: bool = False

    def label(self) -> str:
        return f"{sorted(self.keys)[0]} ({self.year})"


@dataclass
class Document:
    body: str
    references: str | None
    citations: list[Citation]
    entries: list[Entry]


def first_name(names: str) -> str:
    """The first author or body of a name part: 'Hersey and Blanchard' -> 'hersey'."""
    n = re.split(r"\s+et al\.?|\s+and\s+|\s*&\s*|,", names.strip(), maxsplit=1)[0]
    return n.strip().casefold()


def _clean(md: str) -> str:
    md = re.sub(r"```.*?```", " ", md, flags=re.S)
    md = re.sub(r"`[^`\n]*`", " ", md)
    md = re.sub(r"\]\([^)]*\)", "]", md)          # [text](link) -> [text]
    md = re.sub(r"<[^>\n]+>", " ", md)             # html tags, autolinks
    md = md.replace("**", "").replace("__", "")
    md = re.sub(r"(?<![\w*])\*(?!\s)|(?<!\s)\*(?![\w*])", "", md)
    md = md.replace("[", "").replace("]", "")
    return md


def readable_markdown(path: Path) -> str:
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = [c for c in nb["cells"] if c["cell_type"] == "markdown"]
        return "\n\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in cells)
    return path.read_text(encoding="utf-8")


def split_references(md: str) -> tuple[str, str | None]:
    """(text, reference list) of a markdown document."""
    lines = md.splitlines()
    start = level = None
    for i, line in enumerate(lines):
        m = re.match(r"^(#{1,6})\s+(.*?)\s*$", line)
        if m and start is None and re.match(r"references\b", m.group(2), re.I):
            start, level = i, len(m.group(1))
            continue
        if m and start is not None and len(m.group(1)) <= level:
            return "\n".join(lines[:start] + lines[i:]), "\n".join(lines[start + 1:i])
    if start is None:
        return md, None
    return "\n".join(lines[:start]), "\n".join(lines[start + 1:])


def find_citations(text: str) -> list[Citation]:
    text = _clean(text)
    out: list[Citation] = []
    prev_end = -10
    prev_names = None
    for m in re.finditer(rf"\b({YEAR})\b|(?<![\w.])(n\.d\.)", text):   # a year, or "n.d." (no date)
        year = m.group(1) or m.group(2)
        before = text[:m.start()]
        # a further year of the same author: "Wenger (1998, 2006)", "(GSCC 2002, 2007)"
        if prev_names and re.fullmatch(r",\s*", text[prev_end:m.start()]):
            out.append(Citation(prev_names, year, _snippet(text, m.start())))
            prev_end = m.end()
            continue
        names = _names_before(before)
        prev_names = names
        prev_end = m.end()
        if names:
            out.append(Citation(names, year, _snippet(text, m.start())))
    return out


def _snippet(text: str, pos: int) -> str:
    s = text[max(pos - 60, 0):pos + 20].replace("\n", " ")
    return "…" + re.sub(r"\s+", " ", s) + "…"


def _names_before(before: str) -> str | None:
    tail = before[-120:]
    poss = re.search(rf"((?:{NAME}\s+(?:and|&)\s+)*{NAME})(?:'s|’s)\s*\(?\s*$", tail)
    if poss:                                                   # "Lord Laming's (2009)" -> Laming
        return None if poss.group(1) in NOT_AUTHORS else poss.group(1)
    tail = re.sub(r"(?:'s|’s)?\s*\(?\s*$", "", tail)           # "Senge's (", "Wenger ("
    tokens = re.findall(r"[^\s,;()]+|[,;()]", tail)
    picked: list[str] = []
    for tok in reversed(tokens):
        if tok == "," and picked and picked[0] != ",":
            picked.insert(0, tok)
            continue
        if (re.fullmatch(NAME, tok) and not CODE.fullmatch(tok)) or tok in CONNECT:
            picked.insert(0, tok)
            continue
        break
    # "Bandura's *Social Learning Theory* (1977)": the author is the possessive, not the title
    owner = [i for i, t in enumerate(picked[:-1]) if re.fullmatch(rf"{NAME}(?:'s|’s)", t)]
    if owner:
        i = owner[-1]
        start = i
        while start >= 2 and picked[start - 1] in ("and", "&") and re.fullmatch(NAME, picked[start - 2]):
            start -= 2
        picked = picked[start:i] + [re.sub(r"(?:'s|’s)$", "", picked[i])]
    while picked and (picked[0] in CONNECT or picked[0] == "," or picked[0] in SENTENCE_STARTERS):
        picked.pop(0)
    while picked and picked[-1] in (",",):
        picked.pop()
    if not picked or not re.fullmatch(NAME, picked[0]) or picked[-1] in NOT_AUTHORS:
        return None
    if any(t in NOT_AUTHORS for t in picked if re.fullmatch(NAME, t)) and len(picked) <= 2:
        return None
    return re.sub(r"\s+,", ",", " ".join(picked))


def parse_entries(refs: str) -> list[Entry]:
    refs = _clean(refs)
    entries: list[Entry] = []
    for para in re.split(r"\n\s*\n", refs):
        para = " ".join(para.split())
        if not para:
            continue
        if CITED_THROUGH.match(para):
            body = para.rsplit(":", 1)[1] if ":" in para else para     # the list follows the last colon
            for item in body.split(";"):
                m = re.match(rf"^\s*(.*?)\s*\(({YEAR}|n\.d\.)\)", item)
                if m:
                    entries.append(_entry(m.group(1), m.group(2), item.strip(), through=True))
            continue
        m = re.match(rf"^(.*?)\s*\(({YEAR}|n\.d\.)\)", para)
        if m:
            entries.append(_entry(m.group(1), m.group(2), para))
    return entries


def _entry(authors: str, year: str, para: str, through: bool = False) -> Entry:
    authors = authors.strip(" ;,")
    keys: set[str] = set()
    authors = re.sub(r"\s*\((?:eds?\.?)\)", "", authors)            # "(eds)" is not an abbreviation
    for abbr in re.findall(r"\(([^()]+)\)", authors):
        keys.add(abbr.strip().casefold())
    name = re.sub(r"\s*\([^()]*\)", "", authors).strip()
    if re.match(rf"^{NAME},\s+(?:[A-Z]\.|[A-Z][a-z]?\.-)", name):   # "Gray, I., Parker, J. ..."
        keys.add(name.split(",")[0].strip().casefold())
    else:
        keys.add(first_name(name))
        keys.add(name.casefold())
    return Entry(text=para[:90], year=year, keys=keys, through_paper=through)


def analyse(path: Path) -> Document:
    md = readable_markdown(path)
    body, refs = split_references(md)
    return Document(body, refs, find_citations(body), parse_entries(refs) if refs else [])


def matches(c: Citation, e: Entry) -> bool:
    return c.year == e.year and (c.key in e.keys or c.names.casefold() in e.keys)


def problems(path: Path) -> list[str]:
    """Every mismatch between a file's citations and its reference list, worded as a fix."""
    doc = analyse(path)
    out: list[str] = []
    if doc.citations and doc.references is None:
        cited = ", ".join(sorted({str(c) for c in doc.citations}))
        return [f"cites {cited} but has no 'References' section: add one at the end with a full "
                "reference for each work (or a '**Cited through the paper.**' paragraph listing works "
                "known only from Gray et al. 2010)."]
    seen: set[str] = set()
    for c in doc.citations:
        if not any(matches(c, e) for e in doc.entries) and str(c) not in seen:
            seen.add(str(c))
            out.append(f"cites '{c}' ({c.context}) but its References have no entry for it: add the full "
                       f"reference '{c.names.split(' et al')[0]} ... ({c.year}) ...', or list it under "
                       "'**Cited through the paper.**' with the details Gray et al. (2010) give. If this is "
                       "not a citation (a date, an Act), reword it or add the word before the year to "
                       "NOT_AUTHORS in tests/refcheck.py.")
    for e in doc.entries:
        if not any(matches(c, e) for c in doc.citations):
            out.append(f"lists '{e.label()}' in its References ({e.text}…) but never cites it in the text: "
                       "cite it where the text relies on it, or remove the entry.")
    return out


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        d = analyse(Path(arg))
        print(f"== {arg}: {len(d.citations)} citations, {len(d.entries)} entries")
        for c in d.citations:
            print(f"   cite  {c}")
        for e in d.entries:
            print(f"   entry {e.label()} keys={sorted(e.keys)}{' (through the paper)' if e.through_paper else ''}")
        for p in problems(Path(arg)):
            print("   PROBLEM", p)
