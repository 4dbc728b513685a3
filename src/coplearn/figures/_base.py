"""What every figure shares: the colour-blind-safe palette and the text alternative."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from coplearn.core import html as _html
from coplearn.core.palette import CULTURE_COLOURS, CULTURE_SYMBOLS, DOMAIN_COLOURS, OKABE_ITO
from coplearn.core.text_alternative import TextAlternative

__all__ = ["OKABE_ITO", "CULTURE_COLOURS", "CULTURE_SYMBOLS", "DOMAIN_COLOURS", "Chart", "TextAlternative", "base_layout",
           "figure_bundle", "figure_title", "title_html"]

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

        display(HTML(title_html(figure_title(self.figure, self.alt.title))))
        display(figure_bundle(self.figure, self.alt.title), raw=True)
        display(HTML(self.alt.html()))


#: plotly's settings for every course chart: its toolbar keeps only "Download plot as a png" (for a
#: CPD record). plotly's default toolbar also offers "Share chart...", which uploads the chart (in
#: lesson 04, the learner's ratings of their own team) to plotly's cloud service, against the
#: course's word that nothing typed is sent anywhere; and zoom, pan and select buttons that mean
#: nothing on a diagram and add up to eleven stops for a keyboard user's Tab key.
CHART_CONFIG: dict[str, Any] = {"modeBarButtons": [["toImage"]], "displaylogo": False, "responsive": True}


def figure_title(figure: Any, fallback: str = "") -> str:
    """The title plotly draws on ``figure``, as plain text (its ``<br>`` as spaces, other tags
    dropped), or ``fallback`` when it has none.

    >>> import plotly.graph_objects as go
    >>> figure_title(go.Figure(layout={"title": {"text": "Team <b>audit</b><br>scores"}}), "x")
    'Team audit scores'
    >>> figure_title(go.Figure(), "A chart")
    'A chart'
    """
    import re

    text = figure.layout.title.text if figure.layout.title is not None else None
    if not text:
        return fallback
    return " ".join(re.sub(r"<[^>]*>", "", re.sub(r"<br\s*/?>", " ", str(text), flags=re.I)).split())


def title_html(title: str) -> str:
    """The chart's title as a paragraph, shown above the chart in place of plotly's own.

    plotly draws a title as one line of SVG text, which is cut off on a narrow screen (a phone, or
    400 % zoom) and read by a screen reader as loose words. Where the course's style sheet is on the
    page (:mod:`coplearn.widgets._style`), this paragraph is shown and wraps, and plotly's title of
    the chart just after it is hidden; the figure keeps its title, so "Download plot as a png" still
    has it. Without the style sheet the paragraph stays hidden and the page is as plotly draws it.

    >>> title_html("Team <scores>")
    '<p class="coplearn-chart-title" style="display:none">Team &lt;scores&gt;</p>'
    """
    return f'<p class="coplearn-chart-title" style="display:none">{_html.esc(title)}</p>'


def figure_bundle(figure: Any, title: str = "A chart") -> dict[str, Any]:
    """The output plotly's own notebook renderer produces (``application/vnd.plotly.v1+json``), built directly.

    ``display(figure_bundle(fig), raw=True)`` shows the figure in JupyterLab and Voila exactly as
    ``display(fig)`` does, but skips plotly's renderer machinery, which imports nbformat and
    jsonschema on first use: seconds in a fresh kernel on a busy two-core machine.
    """
    import json

    spec = json.loads(figure.to_json())
    spec["config"] = dict(CHART_CONFIG)
    return {
        "application/vnd.plotly.v1+json": spec,
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
