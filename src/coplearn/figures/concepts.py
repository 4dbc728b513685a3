"""Figures for lesson 11: the map of the theoretical domain (the paper's Figure 2).

The builder is pure and returns a :class:`~coplearn.figures.Chart`.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go

from ._base import OKABE_ITO, Chart, TextAlternative, base_layout
from ._plot import SELECTED_COLOUR as _SELECTED, Canvas as _Canvas
from ._plot import hidden_axis as _hidden_axis, wrap as _wrap

__all__ = ["build_domain_map"]


def build_domain_map(selected: str | None = None) -> Chart:
    """The nine areas of theory around "leading a community of practice" (Fig 2, reconstructed).

    ``selected`` is an area key (or ``None``); it is drawn as a larger star with a bold label.
    """
    from coplearn.core import validate as _validate
    from coplearn.paper.concepts import FIG2_NOTE, get_lesson, theoretical_domain

    areas = theoretical_domain()
    keys = [a.key for a in areas]
    chosen = _validate.choose(selected, keys, "area of the theoretical domain") if selected is not None else None
    n = len(areas)
    pos = {}
    for i, a in enumerate(areas):
        angle = math.pi / 2 - 2 * math.pi * i / n
        pos[a.key] = (math.cos(angle), math.sin(angle))
    fig = _Canvas()
    for a in areas:
        x, y = pos[a.key]
        fig.add_shape(type="line", x0=0, y0=0, x1=x, y1=y, layer="below",
                      line={"color": _SELECTED if a.key == chosen else "#AAAAAA",
                            "width": 4 if a.key == chosen else 1.5})

    def textpos(x: float, y: float) -> str:
        if abs(x) < 0.3:
            return "top center" if y > 0 else "bottom center"
        return "middle right" if x > 0 else "middle left"

    others = [a for a in areas if a.key != chosen]
    fig.add_trace(go.Scatter(
        x=[pos[a.key][0] for a in others], y=[pos[a.key][1] for a in others], mode="markers+text",
        name="Area of theory", text=[_wrap(a.name) for a in others],
        textposition=[textpos(*pos[a.key]) for a in others],
        marker={"size": 20, "symbol": "circle", "color": OKABE_ITO["blue"], "line": {"width": 1, "color": "#222"}},
        hovertext=[f"{a.name}: {a.all_sources}" for a in others], hoverinfo="text", showlegend=False,
    ))
    if chosen is not None:
        a = next(a for a in areas if a.key == chosen)
        fig.add_trace(go.Scatter(
            x=[pos[a.key][0]], y=[pos[a.key][1]], mode="markers+text", name="Chosen area",
            text=[f"<b>{_wrap(a.name)}</b>"], textposition=textpos(*pos[a.key]),
            marker={"size": 34, "symbol": "star", "color": _SELECTED, "line": {"width": 2, "color": "#222"}},
            hovertext=[f"{a.name}: {a.all_sources}"], hoverinfo="text", showlegend=False,
        ))
    fig.add_trace(go.Scatter(
        x=[0], y=[0], mode="markers+text", name="Leading a community of practice",
        text=["<b>Leading a<br>community<br>of practice</b>"], textposition="middle center",
        marker={"size": 96, "symbol": "circle", "color": "white", "line": {"width": 3, "color": "#222"}},
        hoverinfo="name", showlegend=False,
    ))
    figure = fig.figure(base_layout(
        "The theoretical domain of leading a community of practice (reconstruction of the paper's Fig 2)",
        height=560, showlegend=False, xaxis=_hidden_axis(range=[-2.4, 2.4]),
        yaxis=_hidden_axis(range=[-1.45, 1.4], scaleanchor="x", scaleratio=1),
    ))
    rows = []
    for a in areas:
        lessons = ", ".join(f"{n} {get_lesson(n).title}" for n in a.lessons)
        rows.append((a.name, a.all_sources, lessons, "yes" if a.key == chosen else ""))
    picked = ""
    if chosen is not None:
        a = next(a for a in areas if a.key == chosen)
        picked = f" The chosen area, {a.name}, is marked with a large star and a thicker line."
    alt = TextAlternative(
        title="The theoretical domain of leading a community of practice",
        description=(f"Nine areas of theory sit in a circle around 'leading a community of practice', each "
                     f"joined to the centre by a line.{picked} {FIG2_NOTE}"),
        header=("area", "key sources", "lessons", "chosen"), rows=tuple(rows),
    )
    return Chart(figure=figure, alt=alt)

