"""Figures for lessons 09-11: Tuckman's stages and outlook, the involvement ladder, the team vs
organisation gap and the map of the theoretical domain.

Every builder is pure: it takes plain values, returns a :class:`~coplearn.figures.Chart` (a plotly
figure plus its text alternative) and never displays anything. Meaning is carried by shape and
text labels as well as by colour (Okabe-Ito).

>>> from coplearn.figures.practice import build_tuckman_outlook
>>> chart = build_tuckman_outlook("storming")
>>> chart.figure.data[-1].name, chart.figure.data[-1].x
('Your team', (2,))
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping

import plotly.graph_objects as go

from ._base import OKABE_ITO, Chart, TextAlternative, base_layout

__all__ = [
    "build_tuckman_outlook",
    "build_involvement_ladder",
    "build_learning_gap",
    "build_domain_map",
    "OUTLOOK_COLOURS",
]

#: Colour for each outlook; a text band label always says the same thing.
OUTLOOK_COLOURS = {
    "inward": OKABE_ITO["blue"],
    "turning outward": OKABE_ITO["orange"],
    "outward": OKABE_ITO["bluish_green"],
}
_BAND_FILL = {"inward": "rgba(86,180,233,0.14)", "turning outward": "rgba(240,228,66,0.20)",
              "outward": "rgba(0,158,115,0.12)"}
_SELECTED = OKABE_ITO["vermillion"]
_GREY = "#767676"


class _Canvas:
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


def _hidden_axis(**extra: object) -> dict[str, object]:
    axis: dict[str, object] = {"visible": False, "fixedrange": True}
    axis.update(extra)
    return axis


def _wrap(text: str, width: int = 22) -> str:
    return "<br>".join(textwrap.wrap(text, width))


# ---- lesson 09: Tuckman's stages, inward to outward ---------------------------------------

def build_tuckman_outlook(selected: str | None = None) -> Chart:
    """Tuckman's stages laid along an inward-to-outward axis, with the learner's stage marked.

    ``selected`` is a stage key or name (or ``None``). The selected stage is drawn as a large star
    with the label "Your team", so the mark does not rely on colour.
    """
    from coplearn.paper.leadership import get_stage, style_for_stage, tuckman_stages

    stages = tuckman_stages()
    chosen = get_stage(selected).key if selected is not None else None
    fig = _Canvas()
    # Background bands: consecutive stages that share an outlook.
    bands: list[tuple[str, int, int]] = []
    for s in stages:
        if bands and bands[-1][0] == s.outlook:
            bands[-1] = (s.outlook, bands[-1][1], s.order)
        else:
            bands.append((s.outlook, s.order, s.order))
    for outlook, first, last in bands:
        fig.add_shape(type="rect", x0=first - 0.5, x1=last + 0.5, y0=-1, y1=1, line={"width": 0},
                      fillcolor=_BAND_FILL[outlook], layer="below")
        fig.add_annotation(x=(first + last) / 2, y=0.86, text=f"<b>Looks {outlook}</b>" if outlook != "turning outward"
                           else "<b>Turning outward</b>", showarrow=False, font={"size": 14})
    for outlook in OUTLOOK_COLOURS:
        group = [s for s in stages if s.outlook == outlook]
        if not group:
            continue
        fig.add_trace(go.Scatter(
            x=[s.order for s in group], y=[0] * len(group), mode="markers", name=f"Stage ({outlook})",
            marker={"size": 18, "color": OUTLOOK_COLOURS[outlook], "symbol": "circle",
                    "line": {"width": 1, "color": "#222222"}},
            hovertext=[f"{s.name}: {s.outlook_note}" for s in group], hoverinfo="text", showlegend=False,
        ))
    fig.add_trace(go.Scatter(
        x=[s.order for s in stages], y=[-0.3] * len(stages), mode="text", name="Stage names",
        text=[f"<b>{s.name}</b>" if s.key == chosen else s.name for s in stages], textposition="middle center",
        hoverinfo="skip", showlegend=False,
    ))
    if chosen is not None:
        s = get_stage(chosen)
        style = style_for_stage(chosen)
        fig.add_annotation(x=5.5, y=-0.98, xanchor="right", yanchor="bottom", showarrow=False,
                           text="Style: the course's synthesis of Tuckman with Hersey & Blanchard, not the paper's",
                           font={"size": 11, "color": "#444444"})
        fig.add_trace(go.Scatter(
            x=[s.order], y=[0], mode="markers+text", name="Your team",
            text=[f"<b>Your team: {s.name}</b><br>{style.code} {style.name}"], textposition="top center",
            marker={"size": 30, "color": _SELECTED, "symbol": "star", "line": {"width": 2, "color": "#222222"}},
            hovertext=[f"Your team: {s.name} ({s.outlook})"], hoverinfo="text", showlegend=False,
        ))
    fig.add_annotation(x=5.45, y=-0.6, ax=0.55, ay=-0.6, xref="x", yref="y", axref="x", ayref="y",
                       text="", showarrow=True, arrowhead=2, arrowwidth=2, arrowcolor=_GREY)
    fig.add_annotation(x=3, y=-0.72, text="from looking inward  to  looking outward", showarrow=False,
                       font={"size": 13, "color": "#444444"})
    figure = fig.figure(base_layout("Tuckman's stages: how far the team looks outward", height=360,
                                    showlegend=False, xaxis=_hidden_axis(range=[0.4, 5.6]),
                                    yaxis=_hidden_axis(range=[-1, 1])))
    rows = []
    for s in stages:
        style = style_for_stage(s.key)
        rows.append((s.order, s.name, s.outlook, f"{style.code} {style.name}", "yes" if s.key == chosen else ""))
    if chosen is not None:
        s = get_stage(chosen)
        picked = (f" Your team is marked with a star at {s.name}, where the team looks {s.outlook}; "
                  f"the course's synthesis suggests the {style_for_stage(chosen).name} style.")
    else:
        picked = " No stage is chosen yet."
    alt = TextAlternative(
        title="Tuckman's stages: how far the team looks outward",
        description=("Five stages run left to right: forming and storming look inward, norming is turning "
                     "outward, performing and adjourning look outward." + picked +
                     " The style column is the course's synthesis, not the paper's."),
        header=("order", "stage", "outlook", "style (course's synthesis)", "your team"),
        rows=tuple(rows),
    )
    return Chart(figure=figure, alt=alt)


# ---- lesson 09: the involvement ladder ------------------------------------------------------

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
        fig.add_annotation(x=-0.04, y=d.level, text=f"<b>{d.level} {d.name}</b>", showarrow=False,
                           xanchor="right", font={"size": 14})
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
    parts = [f"A ladder of four rungs from shallow (1 Informed) to deep (4 Co-producers). "
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


# ---- lesson 10: team vs organisation -----------------------------------------------------

def build_learning_gap(comparison: object) -> Chart:
    """A paired dot plot: team (circle) and organisation (square) on SCIE's five dimensions.

    ``comparison`` is a :class:`coplearn.teaching.organisation.LearningComparison`. A line joins each pair
    and the gap is written beside it.
    """
    from coplearn.teaching.organisation import LearningComparison, learning_dimensions, learning_scale

    if not isinstance(comparison, LearningComparison):
        raise TypeError("build_learning_gap needs the result of coplearn.teaching.organisation.compare_learning(...)")
    dims = learning_dimensions()
    n = len(dims)
    ypos = {d.key: n - i for i, d in enumerate(dims)}
    fig = _Canvas()
    for key, gap in comparison.gaps.items():
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
    gaps = comparison.gaps
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


# ---- lesson 11: the theoretical domain ----------------------------------------------------

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
        hovertext=[f"{a.name}: {a.sources}" for a in others], hoverinfo="text", showlegend=False,
    ))
    if chosen is not None:
        a = next(a for a in areas if a.key == chosen)
        fig.add_trace(go.Scatter(
            x=[pos[a.key][0]], y=[pos[a.key][1]], mode="markers+text", name="Chosen area",
            text=[f"<b>{_wrap(a.name)}</b>"], textposition=textpos(*pos[a.key]),
            marker={"size": 34, "symbol": "star", "color": _SELECTED, "line": {"width": 2, "color": "#222"}},
            hovertext=[f"{a.name}: {a.sources}"], hoverinfo="text", showlegend=False,
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
        rows.append((a.name, a.sources, lessons, "yes" if a.key == chosen else ""))
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
