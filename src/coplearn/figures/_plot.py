"""Plotly helpers shared by the figure topic modules: highlight widths, tints, score bars, a canvas.

Kept apart from :mod:`coplearn.figures._base` (which documents import for the palette and
:class:`TextAlternative`) so that only figure builders import plotly.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from ._base import OKABE_ITO, base_layout

__all__ = ["Canvas", "GREY", "SELECTED_COLOUR", "PATTERNS", "PLAIN_WIDTH", "SELECTED_WIDTH", "STATIC_AXIS", "hidden_axis", "score_bars",
           "tint", "wrap"]


#: The colour of a selected mark, and of muted text and lines.
SELECTED_COLOUR = OKABE_ITO["vermillion"]
GREY = "#767676"
#: Outline width of whatever is highlighted (others are thin).
SELECTED_WIDTH = 6


PLAIN_WIDTH = 2


PATTERNS = ("", "/", ".", "x")


STATIC_AXIS = {"fixedrange": True, "showgrid": False, "zeroline": False}


def tint(hex_colour: str, alpha: float) -> str:
    """An Okabe-Ito colour as a translucent fill, so that outlines keep their full strength.

    >>> tint("#0072B2", 0.5)
    'rgba(0,114,178,0.5)'
    """
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha:g})"


#: How far below a threshold line a bar may end and still have its value written above the line, for a one-line
#: value; each further line of the value (``<br>``) needs LIFT_PER_LINE more (walk28 L8: "2.50 / (8 of 8 rated)", two
#: lines on a bar at 2.50, was struck through by the line at 3).
LIFT_BELOW = 0.45
LIFT_PER_LINE = 0.4


def score_bars(*, title: str, names: Sequence[str], values: Sequence[float | None], colours: Sequence[str],
                texts: Sequence[str], threshold: float, threshold_label: str, tick_labels: Mapping[int, str],
                flags: Sequence[str] = (), height: int = 440) -> go.Figure:
    """Vertical 1-5 bars with text on each bar, a pattern per bar and a dashed threshold line."""
    notes = [
        {"x": name, "y": 0.35, "text": "not yet rated", "showarrow": False, "font": {"size": 13}}
        for name, v in zip(names, values) if v is None
    ]
    notes.append({"xref": "paper", "x": 1.01, "xanchor": "left", "y": threshold, "yanchor": "middle",
                  "align": "left", "text": threshold_label, "showarrow": False, "font": {"size": 12}})
    # A bar ending just below the dashed line would have its value written across the line (walk18 L2:
    # "2.75 (8 of 8 rated)" struck through): that value is written just above the line instead.
    lifted = [v is not None and threshold - LIFT_BELOW - LIFT_PER_LINE * text.count("<br>") <= v < threshold + 0.05
              for v, text in zip(values, texts)]
    # (in the size of the other bars' values, 14: at 12 it looked like a lesser label: walk25 L3)
    notes += [{"x": name, "y": threshold, "yanchor": "bottom", "yshift": 3, "text": text, "showarrow": False,
               "font": {"size": 14}} for name, text, up in zip(names, texts, lifted) if up]
    ticks = [f"{n}<br><b>{f}</b>" if f else n for n, f in zip(names, list(flags) or [""] * len(names))]
    bar = go.Bar(
        x=list(names), y=list(values), text=list(texts), textposition="outside", cliponaxis=False,
        texttemplate=["" if up else "%{text}" for up in lifted],
        marker={"color": list(colours), "line": {"color": "#000000", "width": 1.5},
                "pattern": {"shape": list(PATTERNS[: len(names)]), "fgcolor": "#000000", "solidity": 0.15}},
        hovertemplate="%{x}: %{text}<extra></extra>", showlegend=False,
    )
    layout = base_layout(
        title, height=height, showlegend=False, bargap=0.35,
        shapes=[{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": threshold, "y1": threshold,
                 "line": {"color": "#000000", "width": 2, "dash": "dash"}, "name": "threshold"}],
        annotations=notes,
        xaxis={"fixedrange": True, "tickvals": list(names), "ticktext": ticks},
        uniformtext={"minsize": 12, "mode": "show"},
        # (room above a bar at 5 for its text: one line, or two where a text has a line break)
        yaxis={"fixedrange": True, "range": [0, 5.6 + 0.4 * max((t.count("<br>") for t in texts), default=0)],
               "tickvals": list(tick_labels),
               "ticktext": [f"{k} {v}" for k, v in tick_labels.items()], "gridcolor": "#dddddd"},
        margin={"l": 130, "r": 130, "t": 70, "b": 70},
    )
    return go.Figure(data=[bar], layout=layout)


class Canvas:
    """Collects traces, shapes and annotations, then builds the figure once.

    Adding shapes one at a time to a ``go.Figure`` re-validates the whole layout each time (about
    20 ms for nine lines); building once keeps a widget's redraw well under 50 ms.
    """

    def __init__(self) -> None:
        self.traces: list[go.Scatter] = []
        self.shapes: list[dict[str, object]] = []
        self.annotations: list[dict[str, object]] = []

    def add_trace(self, trace: go.Scatter) -> None:
        self.traces.append(trace)

    def add_shape(self, **shape: object) -> None:
        self.shapes.append(shape)

    def add_annotation(self, **annotation: object) -> None:
        self.annotations.append(annotation)

    def figure(self, layout: dict[str, object]) -> go.Figure:
        return go.Figure(data=self.traces, layout={**layout, "shapes": self.shapes, "annotations": self.annotations})


def hidden_axis(**extra: object) -> dict[str, object]:
    axis: dict[str, object] = {"visible": False, "fixedrange": True}
    axis.update(extra)
    return axis


def wrap(text: str, width: int = 22) -> str:
    return "<br>".join(textwrap.wrap(text, width))
