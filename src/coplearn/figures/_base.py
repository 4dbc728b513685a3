"""What every figure shares: the colour-blind-safe palette and the text alternative."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .. import _html

__all__ = ["OKABE_ITO", "CULTURE_COLOURS", "CULTURE_SYMBOLS", "DOMAIN_COLOURS", "Chart", "TextAlternative", "base_layout",
           "figure_bundle"]

#: Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

CULTURE_COLOURS = {
    "professional": OKABE_ITO["blue"],
    "managed": OKABE_ITO["vermillion"],
    "humanistic": OKABE_ITO["bluish_green"],
    "democratic": OKABE_ITO["reddish_purple"],
}
#: Marker shapes so that colour never carries meaning alone.
CULTURE_SYMBOLS = {"professional": "circle", "managed": "square", "humanistic": "diamond", "democratic": "triangle-up"}
DOMAIN_COLOURS = {"task": OKABE_ITO["blue"], "team": OKABE_ITO["orange"], "individual": OKABE_ITO["bluish_green"]}


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


@dataclass(frozen=True, kw_only=True, slots=True)
class Chart:
    """A plotly figure and its text alternative, built together so they never drift apart."""

    figure: Any  # plotly.graph_objects.Figure
    alt: TextAlternative

    def _ipython_display_(self) -> None:
        self.show()

    def show(self) -> None:
        """Display the figure, then its text alternative (both reach a screen reader)."""
        from IPython.display import HTML, display

        display(figure_bundle(self.figure, self.alt.title), raw=True)
        display(HTML(self.alt.html()))


def figure_bundle(figure: Any, title: str = "A chart") -> dict[str, Any]:
    """The output plotly's own notebook renderer produces (``application/vnd.plotly.v1+json``), built directly.

    ``display(figure_bundle(fig), raw=True)`` shows the figure in JupyterLab and Voila exactly as
    ``display(fig)`` does, but skips plotly's renderer machinery, which imports nbformat and
    jsonschema on first use: seconds in a fresh kernel on a busy two-core machine.
    """
    import json

    return {
        "application/vnd.plotly.v1+json": json.loads(figure.to_json()),
        "text/plain": f"{title} (a chart; its text description follows).",
    }


def base_layout(title: str, height: int = 420, **extra: Any) -> dict[str, Any]:
    """Layout settings shared by every figure: readable font, a title, no plotly logo clutter."""
    layout: dict[str, Any] = {
        "title": {"text": title, "x": 0.02, "xanchor": "left"},
        "height": height,
        "margin": {"l": 40, "r": 30, "t": 60, "b": 40},
        "font": {"family": "Arial, Helvetica, sans-serif", "size": 14, "color": "#222222"},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
    }
    layout.update(extra)
    return layout


def rows(*pairs: Sequence[Any]) -> tuple[tuple[Any, ...], ...]:
    return tuple(tuple(p) for p in pairs)
