"""Every HTML and Markdown document the course writes comes from a Jinja2 template.

The templates live in ``coplearn/templates/`` (shipped in the wheel and in the browser edition),
one per document, with shared macros for tables, notes and text alternatives
(``_macros.html.j2``, ``_macros.md.j2``) and one page frame (``_page.html.j2``).

HTML templates (``*.html.j2``) are autoescaped: whatever a learner, a survey respondent or a tutor
typed is escaped where it is printed, so no code builds HTML by hand. Markdown templates
(``*.md.j2``) print what people typed through the ``md_text`` filter (or ``md_cell`` in tables),
which backslash-escapes what would make it more than text in a Markdown viewer: inline HTML
(``<``), links and images (``[``, ``]``) and backslashes; ``md_cell`` also keeps a table cell on
one line and its ``|`` literal.

Jinja2 is imported when a document is first rendered, not by ``import coplearn``.

>>> macros = environment().get_template("_macros.html.j2").module
>>> str(macros.note("<script>alert(1)</script>"))
'<p class="note">&lt;script&gt;alert(1)&lt;/script&gt;</p>'
"""

from __future__ import annotations

import functools
import re
from typing import Any

__all__ = ["environment", "render", "md_cell", "md_line", "md_prose", "md_text", "paragraphs", "linkable"]


def md_text(value: object) -> str:
    """Text someone typed, safe in a Markdown document: no inline HTML, links or images, and no
    maths or character references (``$``, ``&#36;``) for a viewer that typesets maths.

    >>> print(md_text("<img src=x onerror=alert(1)> [click](javascript:x) a\\\\b"))
    \\<img src=x onerror=alert(1)> \\[click\\](javascript:x) a\\\\b
    >>> print(md_text("$x$ &#36; & more"))
    \\$x\\$ \\&#36; \\& more

    Line endings are ``\\n`` (a carriage return is one too in Markdown, so it becomes ``\\n``), and
    other control characters are written out (``\\x1b``), so that nothing typed can act on a
    terminal or a viewer:

    >>> md_text("a\\r\\nb\\rc\\x1b[1m\\u2028d")
    'a\\nb\\nc\\\\\\\\x1b\\\\[1m\\\\\\\\u2028d'

    A line typed as a heading, a quotation, a code fence or a rule stays text (a typed list stays a list):

    >>> print(md_text("# Not a heading\\n> not quoted\\n```\\n---\\n- a list item\\n- # in a list\\nText\\n-"))
    \\# Not a heading
    \\> not quoted
    \\```
    \\---
    - a list item
    - \\# in a list
    Text
    \\-
    """
    text = _CONTROL.sub(_written_out, str(value).replace("\r\n", "\n").replace("\r", "\n"))
    text = (text.replace("\\", "\\\\").replace("<", "\\<").replace("[", "\\[").replace("]", "\\]")
            .replace("$", "\\$").replace("&", "\\&"))
    return _UNDERLINE.sub(r"\1\\\2", _BLOCK_START.sub(r"\1\\\2", text))


#: In :func:`md_prose`: a backslash before punctuation (an escape of its own) or at a line's end (a
#: line break), the start of an HTML tag or comment (``<`` before a letter, ``/``, ``!`` or ``?``) or of
#: an autolink (``<`` closed by ``>`` before any space: ``<1user@example.com>``; check18 L2), a
#: character reference (``&`` up to a ``;``), and the link, image and ``$`` maths marks that
#: :func:`md_text` escapes too. (JupyterLab's Markdown preview, like md_text's, may still typeset
#: ``\\begin{...}`` or a backslashed bracket as maths: text only, never a link or markup.)
_PROSE_ACTIVE = re.compile(r"\\(?=[!-/:-@\[-`{-~]|$)|<(?=[A-Za-z/!?]|[^\s<>]+>)|&(?=#?[A-Za-z0-9]{1,32};)|[\[\]$]",
                           re.MULTILINE)


def md_prose(value: object) -> str:
    r"""A learner's own words in a record they will read and copy from (the CPD export, the record of
    study): as :func:`md_text`, but ``<``, ``&`` and ``\`` are escaped only where a Markdown viewer
    would act on them, so everyday text reads as typed in a plain text editor too (walk18 M2: "A&E"
    became "A\&E" and "(<16)" became "(\<16)" in the text the export says to copy into the
    regulator's form).

    >>> print(md_prose(r"Referral from A&E about a 15-year-old (<16); C:\Users; 3 < 5"))
    Referral from A&E about a 15-year-old (<16); C:\Users; 3 < 5
    >>> print(md_prose(r"<img src=x onerror=alert(1)> </b> <!-- &#36; &amp; [click](javascript:x) $x$ \<b>"))
    \<img src=x onerror=alert(1)> \</b> \<!-- \&#36; \&amp; \[click\](javascript:x) \$x\$ \\\<b>
    >>> print(md_prose("# Not a heading\n> not quoted\n---"))
    \# Not a heading
    \> not quoted
    \---
    """
    text = _CONTROL.sub(_written_out, str(value).replace("\r\n", "\n").replace("\r", "\n"))
    text = _PROSE_ACTIVE.sub(lambda m: "\\" + m.group(0), text)
    return _UNDERLINE.sub(r"\1\\\2", _BLOCK_START.sub(r"\1\\\2", text))


#: What, at the start of a typed line (or of a list item on it), would make a block of the
#: document's own: a heading, a quotation or a code fence (which would swallow the rest of the
#: document). A list the learner typed stays a list (review 8b F8; review 9: inside list items too).
#: (Written so that no run of spaces can be split in more than one way between its parts: the
#: earlier pattern, ``((?:[ \t]*MARK[ \t]+)* {0,3})``, took days over "-  " typed 40 times and a
#: letter, in the cohort report's Markdown; red team 17 F1.)
_BLOCK_START = re.compile(r"(?m)^( {0,3}|[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)+)(#|>|```|~~~)")
#: A line that would underline the one above as a heading (``=``, ``-``, any number of them) or be a
#: rule (three or more of ``* _ -``, spaces or tabs between).
_UNDERLINE = re.compile(r"(?m)^([ \t]*)([=-]+[ \t]*$|(?:[*_-][ \t]*){3,}$)")


#: Control characters other than a line end or a tab (C0, DEL, C1), Unicode's line and paragraph
#: separators, and its bidirectional embeddings, overrides and isolates, which can make typed text
#: read as something else ("\u202egnimrots" shows as "storming"; red team 17 F3). (The marks and joiners
#: that right-to-left and other scripts need in ordinary writing are kept.)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _written_out(m: re.Match[str]) -> str:
    c = ord(m.group(0))
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def md_line(value: object) -> str:
    """Text someone typed, on one line of a Markdown document (a list item, a heading), as :func:`md_text`.

    >>> md_line("managed\\r\\r## What to reteach first")
    'managed  \\\\## What to reteach first'
    """
    return md_text(value).replace("\n", " ")


def md_cell(value: object) -> str:
    """A value as one Markdown table cell: on one line, with ``|`` escaped (and as :func:`md_text`).

    >>> md_cell("a | b\\nc")
    'a \\\\| b c'
    """
    return md_line(value).replace("|", "\\|")


def paragraphs(text: str) -> list[list[str]]:
    """Text split at blank lines into paragraphs, each a list of its lines (templates join them with ``<br>``).

    >>> paragraphs("One.\\nTwo.\\n\\n  Three.  ")
    [['One.', 'Two.'], ['Three.']]
    """
    return [p.strip().split("\n") for p in str(text).split("\n\n") if p.strip()]


def linkable(text: str) -> list[tuple[str, str, str]]:
    """Words of ``text`` as ``(word, address, tail)``: ``address`` is set for a bare https:// address.

    A template prints the address as a link whose text is the address, then the tail (closing
    punctuation), and every other word as it is.

    >>> linkable("See https://example.org/a.")
    [('See', '', ''), ('', 'https://example.org/a', '.')]
    """
    out = []
    for word in str(text).split(" "):
        stripped = word.rstrip(".,;:)")
        if stripped.startswith("https://"):
            out.append(("", stripped, word[len(stripped):]))
        else:
            out.append((word, "", ""))
    return out


def _autoescape(name: str | None) -> bool:
    return name is not None and name.endswith(".html.j2")


#: What every document shows written out (``\\u202e``) rather than lets act: control characters other
#: than a tab or a line end, and Unicode's line separators and bidirectional embeddings, overrides and
#: isolates (walk18 L7: a pasted U+202E reversed the next words in the CPD web page; the Markdown
#: filters and the cohort report already wrote them out).
_SHOWN_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _finalize(value: Any) -> Any:
    r"""Every printed value, before it is escaped: see :data:`_SHOWN_CONTROL` (HTML already made by a
    macro stays HTML: what is written out is plain text).

    >>> _finalize("A&E \u202egnimrots"), _finalize(3)
    ('A&E \\u202egnimrots', 3)
    """
    if isinstance(value, str) and _SHOWN_CONTROL.search(value):
        written = _SHOWN_CONTROL.sub(_written_out, value)
        return type(value)(written) if hasattr(value, "__html__") else written
    return value


@functools.cache
def environment():
    """The one Jinja2 environment of the package (loaded once)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("coplearn", "templates"),
        autoescape=_autoescape,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md_cell"] = md_cell
    env.filters["md_text"] = md_text
    env.filters["md_prose"] = md_prose
    env.filters["md_prose_line"] = lambda value: md_prose(value).replace("\n", " ")
    env.filters["md_line"] = md_line
    env.filters["paragraphs"] = paragraphs
    env.filters["linkable"] = linkable
    return env


def render(template: str, /, **context: Any) -> str:
    """Render ``template`` (a file name in ``coplearn/templates/``) with ``context``."""
    return environment().get_template(template).render(**context)
