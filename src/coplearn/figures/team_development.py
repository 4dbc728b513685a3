"""Figures for lesson 09: Tuckman's stages, from inward- to outward-looking.

The builder is pure and returns a :class:`~coplearn.figures.Chart` (a plotly figure plus its text
alternative). Meaning is carried by shape and text labels as well as by colour (Okabe-Ito).

>>> from coplearn.figures.team_development import build_tuckman_outlook
>>> chart = build_tuckman_outlook("storming")
>>> chart.figure.data[-1].name, chart.figure.data[-1].x
('Your team', (2,))
"""

from __future__ import annotations

import plotly.graph_objects as go

from ._base import OKABE_ITO, Chart, TextAlternative, base_layout
from ._plot import GREY as _GREY, SELECTED_COLOUR as _SELECTED, Canvas as _Canvas
from ._plot import hidden_axis as _hidden_axis

__all__ = ["build_tuckman_outlook", "OUTLOOK_COLOURS"]


#: The chart's title: the outlook axis is the course's reading, not Tuckman's.
TITLE = "Tuckman's stages, with the course's reading of how far the team looks outward"

#: Colour for each outlook; a text band label always says the same thing.
OUTLOOK_COLOURS = {
    "inward": OKABE_ITO["blue"],
    "turning outward": OKABE_ITO["orange"],
    "outward": OKABE_ITO["bluish_green"],
}
_BAND_FILL = {"inward": "rgba(86,180,233,0.14)", "turning outward": "rgba(240,228,66,0.20)",
              "outward": "rgba(0,158,115,0.12)"}


def build_tuckman_outlook(selected: str | None = None) -> Chart:
    """Tuckman's stages laid along an inward-to-outward axis, with the learner's stage marked.

    ``selected`` is a stage key or name (or ``None``). The selected stage is drawn as a large star
    with the label "Your team", so the mark does not rely on colour.
    """
    from coplearn.paper.team_development import get_stage, style_for_stage, tuckman_stages

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
    fig.add_annotation(x=5.5, y=-0.98, xanchor="right", yanchor="bottom", showarrow=False,
                       text=("Outlook and style: the course's reading and synthesis, not the paper's"
                             if chosen is not None else "Outlook: the course's reading, not Tuckman's or the paper's"),
                       font={"size": 12, "color": "#444444"})
    if chosen is not None:
        s = get_stage(chosen)
        style = style_for_stage(chosen)
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
    figure = fig.figure(base_layout(TITLE, height=360,
                                    showlegend=False, xaxis=_hidden_axis(range=[0.4, 5.6]),
                                    yaxis=_hidden_axis(range=[-1, 1])))
    rows = []
    for s in stages:
        style = style_for_stage(s.key)
        rows.append((s.order, s.name, s.outlook, f"{style.code} {style.name}", "yes" if s.key == chosen else ""))
    if chosen is not None:
        s = get_stage(chosen)
        picked = (f" Your team is marked with a star at {s.name} (in the course's reading, "
                  f"{'turning outward' if s.outlook == 'turning outward' else 'looking ' + s.outlook}); "
                  f"the course's synthesis suggests the {style_for_stage(chosen).name} style.")
    else:
        picked = " No stage is chosen yet."
    alt = TextAlternative(
        title=TITLE,
        description=("Five stages run left to right. In the course's reading, forming and storming look inward, norming is turning "
                     "outward, performing and adjourning look outward." + picked +
                     " The outlook and style columns are the course's reading (the outlook) and synthesis (the style), not the paper's."),
        header=("order", "stage", "outlook", "style (course's synthesis)", "your team"),
        rows=tuple(rows),
    )
    return Chart(figure=figure, alt=alt)

