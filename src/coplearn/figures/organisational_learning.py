"""Figures for lesson 10: team and organisation on SCIE's (2004) five dimensions.

The builder is pure and returns a :class:`~coplearn.figures.Chart`.
"""

from __future__ import annotations

import plotly.graph_objects as go

from ._base import OKABE_ITO, Chart, TextAlternative, base_layout
from ._plot import Canvas as _Canvas

__all__ = ["build_learning_gap"]


def build_learning_gap(comparison: object) -> Chart:
    """A paired dot plot: team (circle) and organisation (square) on SCIE's five dimensions.

    ``comparison`` is a :class:`coplearn.teaching.organisational_learning.LearningComparison`. A line joins each pair
    and the gap is written beside it.
    """
    from coplearn.teaching.organisational_learning import (
        LearningComparison,
        learning_dimensions,
        learning_scale,
    )

    if not isinstance(comparison, LearningComparison):
        raise TypeError("build_learning_gap needs the result of coplearn.teaching.organisational_learning.compare_learning(...)")
    dims = learning_dimensions()
    n = len(dims)
    ypos = {d.key: n - i for i, d in enumerate(dims)}
    fig = _Canvas()
    for key, gap in comparison.differences.items():
        fig.add_trace(go.Scatter(
            x=[comparison.team[key], comparison.organisation[key]], y=[ypos[key], ypos[key]], mode="lines",
            line={"color": "#999999", "width": 3}, hoverinfo="skip", showlegend=False,
        ))
    team_keys = [d.key for d in dims if d.key in comparison.team]
    org_keys = [d.key for d in dims if d.key in comparison.organisation]
    fig.add_trace(go.Scatter(
        x=[comparison.team[k] for k in team_keys], y=[ypos[k] + 0.12 for k in team_keys], mode="markers",
        name="Your team (circle)",
        marker={"size": 16, "symbol": "circle", "color": OKABE_ITO["blue"], "line": {"width": 1, "color": "#222"}},
        hovertext=[f"Team, {k}: {comparison.team[k]}" for k in team_keys], hoverinfo="text",
    ))
    fig.add_trace(go.Scatter(
        x=[comparison.organisation[k] for k in org_keys], y=[ypos[k] - 0.12 for k in org_keys], mode="markers",
        name="Your organisation (square)",
        marker={"size": 15, "symbol": "square", "color": OKABE_ITO["vermillion"], "line": {"width": 1, "color": "#222"}},
        hovertext=[f"Organisation, {k}: {comparison.organisation[k]}" for k in org_keys], hoverinfo="text",
    ))
    gaps = comparison.differences
    fig.add_trace(go.Scatter(
        x=[5.55] * len(gaps), y=[ypos[k] for k in gaps], mode="text", name="gap",
        text=[f"gap {g:+d}" for g in gaps.values()], textposition="middle right", showlegend=False,
        hoverinfo="skip",
    ))
    scale = learning_scale()
    figure = fig.figure(base_layout(
        "Is it a learning organisation? Your team and your organisation (SCIE 2004 dimensions)", height=420,
        xaxis={"range": [0.6, 6.4], "tickvals": list(scale), "ticktext": [f"{k}<br>{v}" for k, v in scale.items()],
               "title": {"text": "your rating"}, "fixedrange": True, "gridcolor": "#e5e5e5"},
        yaxis={"range": [0.4, n + 0.6], "tickvals": [ypos[d.key] for d in dims],
               "ticktext": [d.name for d in dims], "fixedrange": True, "showgrid": False},
        legend={"orientation": "h", "y": 1.08, "x": 0},
        margin={"l": 200, "r": 30, "t": 90, "b": 70},
    ))
    rows = tuple(
        (d.name, comparison.team.get(d.key, "-"), comparison.organisation.get(d.key, "-"),
         f"{gaps[d.key]:+d}" if d.key in gaps else "-")
        for d in dims
    )
    alt = TextAlternative(
        title="Your team and your organisation on SCIE's five dimensions",
        description=("Each dimension has your team as a circle and your organisation as a square, joined by a "
                     "line, on a scale from 1 (hardly at all) to 5 (fully). " + comparison.summary() +
                     " The ratings and the gap are the course's teaching aid, not SCIE's audit."),
        header=("dimension", "team", "organisation", "gap (team - organisation)"), rows=rows,
    )
    return Chart(figure=figure, alt=alt)

