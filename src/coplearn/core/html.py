"""Tiny helpers that render results as accessible HTML for ``_repr_html_`` (model objects in a notebook).

Documents (reports, CPD records, printable pages) do not use these: they are Jinja2 templates
(:mod:`coplearn.core.templates`). Escaping here is MarkupSafe's, the same as the templates'.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = ["esc", "table", "note"]

# Visible cell borders and padding, inline so they survive JupyterLab, Voila and exported HTML.
_CELL = "border:1px solid #767676;padding:4px 8px;text-align:left;vertical-align:top;color:#222222;"


def esc(value: object) -> str:
    """Escape any value for HTML (quotes too, so the result is safe inside an attribute). A value
    that is HTML already (MarkupSafe's ``Markup``, built with its escaping ``format``) is kept.

    >>> esc("<b>trust</b> & 'respect'")
    '&lt;b&gt;trust&lt;/b&gt; &amp; &#39;respect&#39;'
    """
    from markupsafe import escape  # imported on first use: ``import coplearn`` stays cheap

    return str(escape(value if hasattr(value, "__html__") else str(value)))


def table(caption: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A plain HTML table with a caption and column headers (``scope="col"``).

    The table sits in a box of its own that scrolls sideways when the table is wider than the
    screen (a data table may, WCAG 1.4.10), so the text around it still wraps at the screen's width.
    The box is a named group with a Tab stop (a group, not a landmark: a page may hold many tables),
    so that a keyboard user can scroll it with the arrow keys in every browser (Safari does not
    scroll a box without one). On a narrow screen the caption's words wrap within the screen's width (less the
    page's margins) and stay in view while the table scrolls (a sticky block), so that a phone does not cut a
    sentence off at the box's edge (walk27 L1); it stays the table's ``<caption>``. (Not a query container: in a
    flex row, as an ipywidgets HTML output is, that would shrink the box to nothing.)

    >>> '<div class="coplearn-table-scroll" role="group" aria-label="Scores" tabindex="0"' in table("Scores", ["a"], [])
    True
    """
    head = "".join(f'<th scope="col" style="{_CELL}background:#F2F2F2">{esc(h)}</th>' for h in header)
    body = "".join(
        "<tr>" + "".join(f'<td style="{_CELL}">{esc(c)}</td>' for c in row) + "</tr>" for row in rows
    )
    return (
        f'<div class="coplearn-table-scroll" role="group" aria-label="{esc(caption or "table")}" tabindex="0" '
        'style="max-width:100%;overflow-x:auto">'
        '<table class="coplearn-table" style="border-collapse:collapse;margin:0.5em 0">'
        '<caption style="text-align:left;font-weight:bold;padding:4px 0">'
        f'<span style="display:block;position:sticky;left:0;max-width:calc(100vw - 72px)">{esc(caption)}</span></caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def note(text: str) -> str:
    """A short, visible 'this is ours, not the paper's' note."""
    return f'<p class="coplearn-note"><em>{esc(text)}</em></p>'
