"""Figures for a team survey (lesson 06 and the audit report): domain means with their spread,
and every item's mean and range with disagreements marked.

The text alternatives are built without plotly (the HTML report uses them with its own static
SVG drawings); the figure builders import plotly when called.

>>> from coplearn.practice.survey import read_survey_text, summarise
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

from coplearn.practice.survey import DISAGREEMENT_RANGE, DISAGREEMENT_SD, ItemSummary, SurveyResult
from ._base import DOMAIN_COLOURS, OKABE_ITO, Chart, TextAlternative, base_layout

__all__ = [
    "DOMAIN_NAMES",
    "DOMAIN_SYMBOLS",
    "build_survey_domains",
    "build_survey_items",
    "domain_alternative",
    "items_alternative",
    "item_label",
]

DOMAIN_NAMES = {"task": "Achieving the task", "team": "Building and maintaining the team",
                "individual": "Developing the individual"}
DOMAIN_SYMBOLS = {"task": "circle", "team": "square", "individual": "diamond"}
OURS = "The 1-5 scale and these summaries are the course's teaching aid, not the paper's."


def _f(x: float | None, digits: int = 2) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def item_label(s: ItemSummary, width: int = 46) -> str:
    """``"T4 How far do team members trust..."`` shortened for an axis."""
    text = s.item.text
    if len(text) > width:
        text = text[: width - 1].rstrip() + "…"
    return f"{s.item.id} {text}"


def domain_alternative(result: SurveyResult) -> TextAlternative:
    """The domain figure in words, with its data as a table."""
    rated = [d for d in result.domains if d.mean is not None]
    if not rated:
        desc = "No rating question has been answered yet, so there is nothing to compare."
    else:
        parts = [f"{DOMAIN_NAMES[d.domain].lower()} {d.mean:.1f}" for d in rated]
        widest = max(rated, key=lambda d: (d.person_mean_high or 0) - (d.person_mean_low or 0))
        desc = (f"The team's mean rating in each of Adair's three domains, on the course's 1 to 5 scale: "
                + "; ".join(parts) + ". Each bar runs from the lowest to the highest of the individual "
                f"people's own domain means. People differ most about "
                f"{DOMAIN_NAMES[widest.domain].lower()} (from {widest.person_mean_low:.1f} to "
                f"{widest.person_mean_high:.1f}). {OURS}")
    rows = tuple((DOMAIN_NAMES[d.domain], _f(d.mean), d.people,
                  f"{_f(d.person_mean_low)} to {_f(d.person_mean_high)}" if d.people else "-",
                  _f(d.person_mean_sd)) for d in result.domains)
    return TextAlternative(
        title="Team means in Adair's three domains, with the spread between people",
        description=desc,
        header=("domain", "team mean (1-5)", "people", "range of people's own means", "SD of people's means"),
        rows=rows,
    )


def items_alternative(result: SurveyResult) -> TextAlternative:
    """The item figure in words, with its data as a table."""
    answered = [s for s in result.items if s.n]
    if not answered:
        desc = "No rating question has been answered yet."
    else:
        low = min(answered, key=lambda s: (s.mean, s.item.order))
        high = max(answered, key=lambda s: (s.mean, -s.item.order))
        dis = result.disagreements
        desc = (f"Each of the {len(answered)} answered rating questions, with the team's mean as a marker and a "
                f"line from the lowest to the highest answer. The lowest mean is {low.item.id} "
                f"({low.mean:.1f}) and the highest {high.item.id} ({high.mean:.1f}). ")
        if dis:
            desc += (f"The team disagrees on {len(dis)} question{'s' if len(dis) != 1 else ''} (a range of "
                     f"{DISAGREEMENT_RANGE} or more points, or a standard deviation of {DISAGREEMENT_SD} or more; "
                     f"the course's rule), drawn as diamonds: "
                     + "; ".join(f"{s.item.id} from {s.low} to {s.high}" for s in dis) + ". ")
        else:
            desc += "No question meets the course's rule for disagreement. "
        desc += OURS
    rows = tuple((s.item.id, s.item.text, s.n, _f(s.mean), _f(s.sd),
                  f"{s.low} to {s.high}" if s.n else "-", "yes" if s.disagreement else "no")
                 for s in result.items)
    return TextAlternative(
        title="Each question: team mean and range of answers",
        description=desc,
        header=("item", "question", "answered", "mean", "SD", "range", "disagreement"),
        rows=rows,
    )


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
    layout["yaxis"] = {"categoryorder": "array", "categoryarray": labels, "autorange": "reversed"}
    layout["legend"] = {"orientation": "h", "y": -0.08 if len(answered) > 12 else -0.2}
    layout["margin"] = {"l": 60, "r": 30, "t": 60, "b": 80}
    fig.update_layout(**layout)
    return Chart(figure=fig, alt=items_alternative(result))
