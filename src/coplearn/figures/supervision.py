"""Figures for lesson 09: the ladder of involving people who use services.

The builder is pure and returns a :class:`~coplearn.figures.Chart`.
"""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go

from ._base import OKABE_ITO, Chart, TextAlternative, base_layout
from ._plot import SELECTED_COLOUR as _SELECTED, Canvas as _Canvas
from ._plot import hidden_axis as _hidden_axis

__all__ = ["build_involvement_ladder"]


def build_involvement_ladder(placements: Mapping[str, str | None] | None = None,
                             team: str | None = None) -> Chart:
    """The four degrees of involvement as rungs of a ladder, with the learner's placements.

    ``placements`` maps scenario ids to a degree key (or ``None`` when not placed yet). A placement
    that matches the course's is a circle labelled with a tick; one that differs is a cross labelled
    with the course's degree. ``team`` is where the learner puts their own team (a star).
    """
    from coplearn.paper.supervision import get_degree, involvement_degrees, involvement_scenarios

    degrees = involvement_degrees()
    scenarios = {s.id: s for s in involvement_scenarios()}
    placed = {}
    for sid, degree in (placements or {}).items():
        if sid not in scenarios:
            raise LookupError(f"{sid!r} is not an involvement scenario; choose one of: {', '.join(scenarios)}")
        if degree is not None:
            placed[sid] = get_degree(degree).key
    team_key = get_degree(team).key if team is not None else None
    level = {d.key: d.level for d in degrees}
    name = {d.key: d.name for d in degrees}
    fig = _Canvas()
    top = max(level.values())
    for x in (0, 1):
        fig.add_shape(type="line", x0=x, x1=x, y0=0.5, y1=top + 0.5, line={"color": "#555555", "width": 4})
    for d in degrees:
        fig.add_shape(type="line", x0=0, x1=1, y0=d.level, y1=d.level, line={"color": "#555555", "width": 3})
    ids = list(scenarios)
    good = [sid for sid in ids if sid in placed and placed[sid] == scenarios[sid].degree]
    bad = [sid for sid in ids if sid in placed and placed[sid] != scenarios[sid].degree]

    def xpos(sid: str) -> float:
        return 0.1 + 0.8 * ids.index(sid) / max(len(ids) - 1, 1)

    fig.add_trace(go.Scatter(
        x=[xpos(s) for s in good], y=[level[placed[s]] + 0.18 for s in good], mode="markers+text",
        name="Where the course puts it too", text=[f"{s} ✓" for s in good], textposition="top center",
        marker={"size": 14, "symbol": "circle", "color": OKABE_ITO["bluish_green"],
                "line": {"width": 1, "color": "#222222"}},
        hovertext=[scenarios[s].text for s in good], hoverinfo="text",
    ))
    fig.add_trace(go.Scatter(
        x=[xpos(s) for s in bad], y=[level[placed[s]] + 0.18 for s in bad], mode="markers+text",
        name="The course places it elsewhere", text=[f"{s} ✗" for s in bad],
        textposition="top center",
        marker={"size": 14, "symbol": "x", "color": OKABE_ITO["orange"], "line": {"width": 1, "color": "#222222"}},
        hovertext=[scenarios[s].text for s in bad], hoverinfo="text",
    ))
    if team_key is not None:
        fig.add_trace(go.Scatter(
            x=[1.18], y=[level[team_key]], mode="markers+text", name="Your team now",
            text=["<b>Your team now</b>"], textposition="middle right",
            marker={"size": 28, "symbol": "star", "color": _SELECTED, "line": {"width": 2, "color": "#222222"}},
            hoverinfo="name",
        ))
    for d in degrees:
        # a long name ("Partners in their own support") goes on two lines, to fit beside the ladder
        head, _, tail = d.name.partition(" ")
        fig.add_annotation(x=-0.04, y=d.level, text=f"<b>{d.level} {head}</b>" + (f"<br>{tail}" if tail else ""),
                           showarrow=False, xanchor="right", align="right", font={"size": 14})
    fig.add_annotation(x=-0.04, y=top + 0.42, text="deeper ↑", showarrow=False, xanchor="right",
                       font={"color": "#444444"})
    fig.add_annotation(x=-0.04, y=0.58, text="shallower ↓", showarrow=False, xanchor="right",
                       font={"color": "#444444"})
    figure = fig.figure(base_layout(
        "Degrees of involvement of people who use services (the course's interpretation)", height=460,
        xaxis=_hidden_axis(range=[-0.42, 1.62]), yaxis=_hidden_axis(range=[0.4, top + 0.6]),
        legend={"orientation": "h", "y": -0.02},
    ))
    rows = []
    for d in degrees:
        here = [s for s in ids if placed.get(s) == d.key]
        rows.append((d.level, d.name, ", ".join(here) or "-", "yes" if team_key == d.key else ""))
    parts = [f"A ladder of four rungs from shallow (1 {degrees[0].name}) to deep ({top} {name[degrees[-1].key]}). "
             f"You have placed {len(placed)} of {len(ids)} scenarios; {len(good)} where the course puts them."]
    if bad:
        parts.append("Placed differently from the course: " + "; ".join(
            f"{s} on {name[placed[s]]} (course: {name[scenarios[s].degree]})" for s in bad) + ".")
    if team_key is not None:
        parts.append(f"Your team is marked with a star on the {name[team_key]} rung.")
    parts.append("The scale is the course's interpretation, not the paper's.")
    alt = TextAlternative(title="Degrees of involvement of people who use services",
                          description=" ".join(parts),
                          header=("rung", "degree", "scenarios you placed here", "your team"), rows=tuple(rows))
    return Chart(figure=figure, alt=alt)

