"""Figures for a team survey (lesson 06 and the audit report): domain means with their spread,
and every item's mean and range with disagreements marked.

The text alternatives are built without plotly, in :mod:`coplearn.practice.survey_alternatives`
(the HTML report uses them with its own static SVG drawings); the figure builders import plotly
when called.

>>> from coplearn.practice.survey import read_survey_text
>>> from coplearn.practice.survey_summary import summarise
>>> r = summarise(read_survey_text("K1,T4,I2\\n2,1,3\\n3,5,3\\n2,4,2\\n"))
>>> chart = build_survey_items(r)
>>> [t.name for t in chart.figure.data]
['Range of answers (lowest to highest)', 'Team mean', 'Team mean: the team disagrees']
>>> list(chart.figure.data[2].y)
['T4']
>>> domain_alternative(r).rows[0]
('Achieving the task', '2.33', 3, '2.00 to 3.00', '0.58')
"""

from __future__ import annotations

from typing import Any

from coplearn.practice.survey_summary import SurveyResult
from coplearn.practice.survey_alternatives import DOMAIN_NAMES, domain_alternative, item_label, items_alternative
from coplearn.practice.survey_alternatives import _f
from ._base import DOMAIN_COLOURS, OKABE_ITO, Chart, base_layout

__all__ = [
    "DOMAIN_NAMES",
    "DOMAIN_SYMBOLS",
    "build_survey_domains",
    "build_survey_items",
    "domain_alternative",
    "items_alternative",
    "item_label",
]

DOMAIN_SYMBOLS = {"task": "circle", "team": "square", "individual": "diamond"}


def build_survey_domains(result: SurveyResult, *, title: str | None = None) -> Chart:
    """Domain means (markers, one shape per domain) with bars from the lowest to the highest person."""
    import plotly.graph_objects as go

    rated = [d for d in result.domains if d.mean is not None]
    fig = go.Figure()
    for d in rated:
        name = DOMAIN_NAMES[d.domain]
        fig.add_trace(go.Scatter(
            x=[d.mean], y=[name], name=name, mode="markers+text",
            marker={"symbol": DOMAIN_SYMBOLS[d.domain], "size": 16, "color": DOMAIN_COLOURS[d.domain],
                    "line": {"color": OKABE_ITO["black"], "width": 1}},
            text=[f"{d.mean:.1f}"], textposition="top center",
            error_x={"type": "data", "symmetric": False,
                     "array": [(d.person_mean_high or d.mean) - d.mean],
                     "arrayminus": [d.mean - (d.person_mean_low or d.mean)],
                     "color": OKABE_ITO["black"], "thickness": 2, "width": 8},
            hovertemplate=(f"{name}<br>team mean %{{x:.2f}}<br>people's own means from "
                           f"{_f(d.person_mean_low)} to {_f(d.person_mean_high)}<extra></extra>"),
        ))
    layout = base_layout(title or "Team means by domain (bars: lowest to highest person)", height=320,
                         showlegend=False)
    layout["xaxis"] = {"range": [0.8, 5.2], "dtick": 1, "title": {"text": "rating (1 very poor to 5 very good)"},
                       "gridcolor": "#dddddd"}
    layout["yaxis"] = {"range": [len(rated) - 0.5, -0.7]}  # first domain on top, room for its label
    layout["margin"] = {"l": 250, "r": 30, "t": 60, "b": 60}
    fig.update_layout(**layout)
    return Chart(figure=fig, alt=domain_alternative(result))


def build_survey_items(result: SurveyResult, *, title: str | None = None) -> Chart:
    """Every answered rating item: a range line, the mean, and a diamond where the team disagrees."""
    import plotly.graph_objects as go

    answered = [s for s in result.items if s.n]
    labels = [s.item.id for s in answered]
    xs: list[Any] = []
    ys: list[Any] = []
    for s in answered:
        xs += [s.low, s.high, None]
        ys += [s.item.id, s.item.id, None]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name="Range of answers (lowest to highest)",
                             line={"color": "#767676", "width": 3}, hoverinfo="skip"))
    calm = [s for s in answered if not s.disagreement]
    split = [s for s in answered if s.disagreement]
    for group, name, symbol, colour in (
            (calm, "Team mean", "circle", OKABE_ITO["blue"]),
            (split, "Team mean: the team disagrees", "diamond", OKABE_ITO["vermillion"])):
        fig.add_trace(go.Scatter(
            x=[s.mean for s in group], y=[s.item.id for s in group], name=name,
            mode="markers+text" if group is split else "markers",
            text=["disagree" for _ in group] if group is split else None, textposition="middle right",
            marker={"symbol": symbol, "size": 13 if group is split else 10, "color": colour,
                    "line": {"color": OKABE_ITO["black"], "width": 1}},
            customdata=[[s.item.text, s.n, s.low, s.high] for s in group],
            hovertemplate="%{y}: %{customdata[0]}<br>mean %{x:.2f}, answered %{customdata[1]}, "
                          "range %{customdata[2]} to %{customdata[3]}<extra></extra>",
        ))
    layout = base_layout(title or "Each question: team mean and range of answers",
                         height=max(320, 70 + 22 * len(answered)))
    layout["xaxis"] = {"range": [0.8, 5.6], "dtick": 1, "title": {"text": "rating (1 very poor to 5 very good)"},
                       "gridcolor": "#dddddd"}
    # every question labelled, however small the chart is drawn (plotly otherwise drops every other
    # label when they would crowd: walk16 F15, at 200 % zoom)
    layout["yaxis"] = {"categoryorder": "array", "categoryarray": labels, "autorange": "reversed",
                       "tickmode": "array", "tickvals": labels, "ticktext": labels}
    layout["legend"] = {"orientation": "h", "y": -0.08 if len(answered) > 12 else -0.2}
    layout["margin"] = {"l": 60, "r": 30, "t": 60, "b": 80}
    fig.update_layout(**layout)
    return Chart(figure=fig, alt=items_alternative(result))
