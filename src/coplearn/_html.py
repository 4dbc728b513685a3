"""Tiny helpers that render results as accessible HTML for ``_repr_html_``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

__all__ = ["esc", "table", "note"]


def esc(value: object) -> str:
    """Escape any value for HTML.

    >>> esc("<b>trust</b> & respect")
    '&lt;b&gt;trust&lt;/b&gt; &amp; respect'
    """
    return escape(str(value), quote=True)


def table(caption: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A plain HTML table with a caption and column headers (``scope="col"``)."""
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in header)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in rows)
    return (
        '<table class="coplearn-table">'
        f"<caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def note(text: str) -> str:
    """A short, visible 'this is ours, not the paper's' note."""
    return f'<p class="coplearn-note"><em>{esc(text)}</em></p>'
