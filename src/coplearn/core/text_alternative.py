"""The text alternative that goes with every chart: a one-paragraph description and the data as a table.

Plotly-free, so that documents and figures share it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from coplearn.core import html as _html

__all__ = ["TextAlternative"]


@dataclass(frozen=True, kw_only=True, slots=True)
class TextAlternative:
    """A one-paragraph description of a chart plus its data as a table."""

    title: str
    description: str
    header: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    def html(self) -> str:
        """The alternative as HTML: a visible description and the data in a collapsible table."""
        return (
            f'<div class="coplearn-alt" role="note" aria-label="Text description: {_html.esc(self.title)}">'
            f"<p><strong>{_html.esc(self.title)}.</strong> {_html.esc(self.description)}</p>"
            f"<details><summary>The chart's data as a table</summary>"
            + _html.table(self.title, self.header, self.rows)
            + "</details></div>"
        )

    def markdown(self) -> str:
        head = "| " + " | ".join(self.header) + " |\n|" + "---|" * len(self.header) + "\n"
        body = "".join("| " + " | ".join(str(c) for c in r) + " |\n" for r in self.rows)
        return f"**{self.title}.** {self.description}\n\n{head}{body}"
