"""Figures for the learning cultures (lessons 03-04): the culture radar, "then and now", the overlay.

Each builder is pure: it takes plain data and returns a :class:`~coplearn.figures._base.Chart`,
a plotly figure with its text alternative. Colours are Okabe-Ito and never carry meaning alone:
every culture also has its own marker shape and a text label, and lines differ by dash.

>>> import coplearn as cl
>>> chart = build_culture_radar(cl.culture_profile({"P1": 5, "M1": 4, "H1": 2, "D1": 1}))
>>> [t.name for t in chart.figure.data]
['Super-ordinate balance (course reference)', 'Your profile']
>>> list(chart.figure.data[1].r)
[5.0, 4.0, 2.0, 1.0, 5.0]
>>> build_dominance().alt.title
'Then and now: which learning cultures dominate (an illustration, not data)'
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from coplearn.teaching.cultures import Dominance, OverlaySkill, dominance, overlay_skills
from coplearn.paper.cultures import SUPERORDINATE_TARGET, CultureProfile, cultures
from ._base import CULTURE_COLOURS, CULTURE_SYMBOLS, OKABE_ITO, Chart, TextAlternative, base_layout

__all__ = ["build_culture_radar", "build_dominance", "build_overlay", "PROFILE_TRACE", "TARGET_TRACE"]

#: Trace names of the radar, so that widgets and tests can find the traces.
PROFILE_TRACE = "Your profile"
TARGET_TRACE = "Super-ordinate balance (course reference)"


def _names() -> dict[str, str]:
    return {c.key: c.name for c in cultures()}


def build_culture_radar(profile: CultureProfile, *, target: float = SUPERORDINATE_TARGET,
                        title: str = "Learning-culture profile") -> Chart:
    """A radar of a :class:`~coplearn.paper.cultures.CultureProfile` against the super-ordinate ring.

    The profile trace's ``r`` lists the scores of the rated cultures in Table 1's order, with the
    first repeated at the end to close the shape. Unrated cultures are left out, never drawn as 0.
    The reference ring at ``target`` is the course's picture of "all four cultures well present".
    """
    names = _names()
    order = [c.key for c in cultures()]
    all_names = [names[k] for k in order]
    rated = [k for k in order if k in profile.scores]
    r = [profile.scores[k] for k in rated]
    theta = [names[k] for k in rated]
    if rated:
        r, theta = r + r[:1], theta + theta[:1]
        keys = rated + rated[:1]
    else:
        keys = []

    ring = go.Scatterpolar(
        r=[target] * (len(order) + 1), theta=all_names + all_names[:1], name=TARGET_TRACE,
        mode="lines", line={"color": OKABE_ITO["black"], "dash": "dash", "width": 2},
        hovertemplate="%{theta}: course reference %{r:.1f}<extra></extra>",
    )
    shape = go.Scatterpolar(
        r=r, theta=theta, name=PROFILE_TRACE, mode="lines+markers+text",
        fill="toself", fillcolor="rgba(0, 114, 178, 0.15)",
        line={"color": OKABE_ITO["blue"], "width": 3},
        marker={"size": 14, "color": [CULTURE_COLOURS[k] for k in keys],
                "symbol": [CULTURE_SYMBOLS[k] for k in keys], "line": {"color": "white", "width": 1}},
        text=[f"{v:.1f}" for v in r], textposition="top center", textfont={"size": 14},
        hovertemplate="%{theta}: %{r:.2f} out of 5<extra></extra>",
    )
    fig = go.Figure([ring, shape])
    fig.update_layout(**base_layout(
        title, height=460,
        polar={
            "bgcolor": "white",
            "radialaxis": {"range": [0, 5.4], "tickvals": [1, 2, 3, 4, 5], "angle": 45, "tickangle": 45,
                           "tickfont": {"size": 12, "color": "#444444"}, "gridcolor": "#cccccc",
                           "linecolor": "#999999"},
            "angularaxis": {"categoryorder": "array", "categoryarray": all_names, "direction": "clockwise",
                            "gridcolor": "#bbbbbb", "linecolor": "#999999"},
        },
        legend={"orientation": "h", "y": -0.12},
        margin={"l": 60, "r": 60, "t": 70, "b": 60},
    ))
    rows = []
    for k in order:
        if k in profile.scores:
            score = profile.scores[k]
            rows.append((names[k], f"{score:.2f}", profile.counts[k], f"{target:.1f}",
                         "below" if score < target else "at or above"))
        else:
            rows.append((names[k], "not rated", 0, f"{target:.1f}", "-"))
    alt = TextAlternative(
        title=title,
        description=(
            f"A radar chart with one spoke per learning culture and a dashed reference ring at {target:.0f} "
            f"out of 5 on every spoke. {profile.summary()} The profile is the course's teaching aid, "
            "not a validated measure."
        ),
        header=("culture", "score (1-5)", "principles rated", "reference ring", "against the ring"),
        rows=tuple(rows),
    )
    return Chart(figure=fig, alt=alt)


def build_dominance(data: Dominance | None = None) -> Chart:
    """Grouped bars picturing the shift from humanistic/democratic to professional/managed (C11).

    The heights are the course's illustration of a qualitative claim (Gray et al. 2010, drawing on
    Tsui 2005); the title, the axis and the text alternative all say so.
    """
    d = data or dominance()
    names = _names()
    order = [c.key for c in cultures()]
    by_culture = {row.culture: row for row in d.rows}
    x = [names[k] for k in order]
    then = [by_culture[k].then for k in order]
    now = [by_culture[k].now for k in order]
    title = "Then and now: which learning cultures dominate (an illustration, not data)"
    fig = go.Figure([
        go.Bar(x=x, y=then, name=f"{d.then_label} (illustrative)",
               marker={"color": OKABE_ITO["sky_blue"], "pattern": {"shape": "/", "fgcolor": "#333333"},
                       "line": {"color": "#333333", "width": 1}},
               text=["past"] * len(x), textposition="outside", textangle=0,
               hovertemplate="%{x}, " + d.then_label.lower() + ": %{y} (illustrative)<extra></extra>"),
        go.Bar(x=x, y=now, name=f"{d.now_label} (illustrative)",
               marker={"color": OKABE_ITO["orange"], "line": {"color": "#333333", "width": 1}},
               text=["now"] * len(x), textposition="outside", textangle=0,
               hovertemplate="%{x}, now: %{y} (illustrative)<extra></extra>"),
    ])
    fig.update_layout(**base_layout(
        title, height=465, barmode="group",
        yaxis={"title": {"text": "influence (illustrative)"}, "range": [0, 6],
               "tickvals": [1, 2, 3, 4, 5], "gridcolor": "#dddddd"},
        xaxis={"title": {"text": "learning culture (Gray et al. 2010, Table 1)"}},
        legend={"orientation": "h", "y": -0.25},
        margin={"l": 70, "r": 30, "t": 95, "b": 110},
        # fid28a F1: the picture keeps the paper's "may" about the past, not only the text does
        annotations=[{"text": "Heights are ours, not measurements;<br>the past is least certain "
                              "(the paper says 'may')", "xref": "paper", "yref": "paper",
                      "x": 1, "y": 1.02, "xanchor": "right", "yanchor": "bottom", "showarrow": False,
                      "font": {"size": 12, "color": "#444444"}}],
    ))
    alt = TextAlternative(
        title=title,
        description=f"{d.claim} ({d.source}.) {d.note} Grouped bars show, for each culture, its pictured "
                    f"influence in the past (hatched bars) and now (plain bars), on a scale from 1 (little) to 5 (dominant).",
        header=("culture", f"{d.then_label} (illustrative)", f"{d.now_label} (illustrative)", "change"),
        rows=tuple((names[k], by_culture[k].then, by_culture[k].now,
                    "up" if by_culture[k].now > by_culture[k].then else
                    "down" if by_culture[k].now < by_culture[k].then else "same")
                   for k in order),
    )
    return Chart(figure=fig, alt=alt)


def build_overlay(skills: Sequence[OverlaySkill] | None = None) -> Chart:
    """A diagram of the super-ordinate culture: four cultures held together by an overlay (C36).

    The four columns are Table 1's cultures; the band across them is the layer of skills the paper
    says must shape all four, driven by humanistic values (Gray et al. 2010, after Gray et al. 2008).
    The drawing is the course's, based on the paper's description of the overlay. ``skills`` defaults
    to :func:`coplearn.teaching.cultures.overlay_skills`; their examples go into the text alternative.
    """
    strands = tuple(skills) if skills is not None else overlay_skills()
    short = [s.name.removesuffix(" skills").removeprefix("Skills in ") for s in strands]
    names = _names()
    cs = list(cultures())
    fig = go.Figure()
    shapes = []
    annotations = []
    for i, c in enumerate(cs):
        x0, x1 = i * 1.0 + 0.05, i * 1.0 + 0.95
        shapes.append({"type": "rect", "x0": x0, "x1": x1, "y0": 0, "y1": 2.2,
                       "line": {"color": "#333333", "width": 1}, "fillcolor": CULTURE_COLOURS[c.key],
                       "opacity": 0.35, "layer": "below"})
        annotations.append({"x": (x0 + x1) / 2, "y": 0.55, "text": f"<b>{names[c.key]}</b><br>{c.exemplar_short}",
                            "showarrow": False, "font": {"size": 13}})
    shapes.append({"type": "rect", "x0": 0, "x1": len(cs), "y0": 1.35, "y1": 2.05,
                   "line": {"color": "#000000", "width": 2, "dash": "dot"}, "fillcolor": "#F0E442",
                   "opacity": 0.85})
    annotations.append({"x": len(cs) / 2, "y": 1.7, "showarrow": False, "font": {"size": 13},
                        "text": "<b>The overlay</b> of skills: " + "; ".join(s.lower() for s in short)
                                + "<br>driven by humanistic values"})
    # Reflection is a separate suggestion in the paper, not part of the overlay it defines (fid26a L3):
    # it sits below the band, labelled as such.
    annotations.append({"x": len(cs) / 2, "y": 1.12, "showarrow": False, "font": {"size": 13},
                        "bgcolor": "#FFFFFF", "opacity": 0.9,
                        "text": "<i>Also essential, the paper suggests:</i> reflective leadership and practice"})
    annotations.append({"x": len(cs) / 2, "y": 2.45, "showarrow": False, "font": {"size": 14},
                        "text": "The super-ordinate learning culture holds all four together"})
    # One invisible marker per culture gives the legend shapes as well as colours.
    for i, c in enumerate(cs):
        fig.add_trace(go.Scatter(x=[i + 0.5], y=[0.15], mode="markers", name=names[c.key],
                                 marker={"symbol": CULTURE_SYMBOLS[c.key], "size": 14,
                                         "color": CULTURE_COLOURS[c.key]},
                                 hovertemplate=f"{names[c.key]} culture ({c.exemplar})<extra></extra>"))
    title = "The overlay that binds the four cultures (course diagram)"
    fig.update_layout(**base_layout(
        title, height=380, shapes=shapes, annotations=annotations,
        xaxis={"visible": False, "range": [-0.1, len(cs) + 0.1]},
        yaxis={"visible": False, "range": [-0.1, 2.7]},
        showlegend=False,
    ))
    alt = TextAlternative(
        title=title,
        description=("Four side-by-side columns stand for the professional, managed, humanistic and democratic "
                     "learning cultures. A band runs across all four: the overlay of skills ("
                     + "; ".join(s.lower() for s in short)
                     + "), driven by humanistic values, which Gray et al. (2010) say must shape every "
                       "culture if they are to be integrated and which, drawing on Gray et al. (2008), they say "
                       "stops approaches becoming mechanistic. Below the band, apart from it, a label adds "
                       "reflective leadership and practice, which the paper suggests could also be essential. "
                       "The drawing, and the examples in the table below, are the course's; the paper describes "
                       "the overlay in words."),
        header=("layer", "what it is"),
        rows=tuple([(names[c.key], f"culture column, exemplar: {c.exemplar}") for c in cs]
                   + [(f"overlay: {s.name.lower()}", f"for example (ours): {s.example}") for s in strands]
                   + [("overlay: values", "humanistic values, which drive the three skills"),
                      ("below the band: reflection", "reflective leadership and reflective professional "
                                                     "practice, which the paper suggests could also be "
                                                     "essential (Lawler and Bilson 2010, cited in Gray et al. "
                                                     "2010); drawn apart from the overlay the paper defines")]),
    )
    return Chart(figure=fig, alt=alt)
