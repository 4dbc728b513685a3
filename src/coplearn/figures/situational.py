"""Figures for lesson 05: the readiness grid of situational leadership (Hersey & Blanchard 1993).

Each builder is pure: it takes plain values and returns a :class:`~coplearn.figures._base.Chart` (a
plotly figure and its text alternative). Colour never carries meaning alone: the highlighted part
also has a thicker outline, a marker and a label.

>>> from coplearn.figures.situational import build_readiness_grid
>>> chart = build_readiness_grid(able=True, willing=False)
>>> [s.name for s in chart.figure.layout.shapes if s.line.width == SELECTED_WIDTH]
['R3']
>>> chart.figure.data[0].text
('You are here',)
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from coplearn.paper.situational import readiness_levels, styles
from ._base import OKABE_ITO, Chart, TextAlternative, base_layout
from ._plot import PLAIN_WIDTH, SELECTED_WIDTH, STATIC_AXIS as _STATIC
from ._plot import tint as _tint

__all__ = ["build_readiness_grid", "STYLE_COLOURS", "SELECTED_WIDTH"]


#: One Okabe-Ito colour per Hersey & Blanchard style.
STYLE_COLOURS = {
    "S1": OKABE_ITO["vermillion"],
    "S2": OKABE_ITO["orange"],
    "S3": OKABE_ITO["bluish_green"],
    "S4": OKABE_ITO["blue"],
}


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def build_readiness_grid(able: bool | None = None, willing: bool | None = None) -> Chart:
    """Hersey & Blanchard's four readiness levels as a 2x2 grid of able x willing, each with its style.

    When both ``able`` and ``willing`` are given, that quadrant is highlighted by a thick outline,
    a stronger fill and a star labelled "You are here". With either missing, nothing is highlighted.
    """
    chosen = None
    if able is not None and willing is not None:
        chosen = next(r.code for r in readiness_levels() if r.able == bool(able) and r.willing == bool(willing))
    by_readiness = {s.readiness: s for s in styles()}
    shapes: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    rows = []
    for level in readiness_levels():
        style = by_readiness[level.code]
        x0, y0 = (1.0 if level.able else 0.0), (1.0 if level.willing else 0.0)
        on = level.code == chosen
        colour = STYLE_COLOURS[style.code]
        shapes.append({
            "type": "rect", "name": level.code, "x0": x0 + 0.02, "x1": x0 + 0.98, "y0": y0 + 0.02, "y1": y0 + 0.98,
            "line": {"color": colour if not on else "#000000", "width": SELECTED_WIDTH if on else PLAIN_WIDTH,
                     "dash": "solid" if on else "dot"},
            "fillcolor": _tint(colour, 0.45 if on else 0.15), "layer": "below",
        })
        label = level.label.replace(" or ", "<br>or ", 1)
        notes.append({
            "x": x0 + 0.5, "y": y0 + 0.62, "showarrow": False, "align": "center",
            "text": (f"<b>{level.code} → {style.code} {style.name}</b><br>{label}<br>"
                     f"{style.task_behaviour} task, {style.relationship_behaviour} relationship"),
            "font": {"size": 15 if on else 13},
        })
        rows.append((level.code, _yes(level.able), _yes(level.willing), f"{style.code} {style.name}",
                     style.task_behaviour, style.relationship_behaviour, "you are here" if on else ""))
    data = []
    if chosen is not None:
        level = next(r for r in readiness_levels() if r.code == chosen)
        x0, y0 = (1.0 if level.able else 0.0), (1.0 if level.willing else 0.0)
        data.append(go.Scatter(
            x=[x0 + 0.3], y=[y0 + 0.2], mode="markers+text", text=["You are here"], textposition="middle right",
            marker={"symbol": "star", "size": 24, "color": "#000000", "line": {"color": "white", "width": 1}},
            textfont={"size": 15, "color": "#000000"}, hoverinfo="skip", showlegend=False, name="You are here",
        ))
    axis_common = dict(_STATIC, range=[0, 2], tickvals=[0.5, 1.5])
    layout = base_layout(
        "Readiness and leadership style (Hersey & Blanchard 1993)", height=520,
        shapes=shapes, annotations=notes, showlegend=False,
        xaxis=dict(axis_common, ticktext=["No: not able", "Yes: able"],
                   title={"text": "Able? (has the knowledge and skill for this task)"}),
        yaxis=dict(axis_common, ticktext=["No: not willing<br>or insecure", "Yes: willing<br>or confident"],
                   title={"text": "Willing? (confidence and motivation)"}),
        margin={"l": 120, "r": 20, "t": 60, "b": 60},
    )
    fig = go.Figure(data=data, layout=layout)
    if chosen is None:
        where = "Nothing is highlighted yet: answer both questions to see where the person is."
    else:
        s = by_readiness[chosen]
        lv = next(r for r in readiness_levels() if r.code == chosen)
        where = (f"The highlighted quadrant, with a thick outline and a star marked 'You are here', is {chosen}: "
                 f"{lv.label}. It calls for {s.code} {s.name}: {s.task_behaviour} task and "
                 f"{s.relationship_behaviour} relationship behaviour.")
    alt = TextAlternative(
        title="Readiness and leadership style",
        description=("A two-by-two grid. Across: is the person able for this task (no, yes)? Up: are they "
                     "willing or confident (no, yes)? Each quadrant is a readiness level with the style that "
                     "matches it: R1 telling, R2 selling, R3 participating, R4 delegating. " + where),
        header=("readiness", "able", "willing", "style", "task behaviour", "relationship behaviour", "selected"),
        rows=tuple(rows),
    )
    return Chart(figure=fig, alt=alt)

