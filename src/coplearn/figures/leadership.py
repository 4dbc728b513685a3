"""Figures for lessons 05-07: readiness and style, Adair's three circles, the team audit's
domain scores and the community-building check.

Each builder is pure: it takes plain values or a result object and returns a
:class:`~coplearn.figures._base.Chart` (a plotly figure and its text alternative). Colour never
carries meaning alone: the highlighted part also has a thicker outline, a marker and a label.

>>> from coplearn.figures.leadership import build_readiness_grid
>>> chart = build_readiness_grid(able=True, willing=False)
>>> [s.name for s in chart.figure.layout.shapes if s.line.width == SELECTED_WIDTH]
['R3']
>>> chart.figure.data[0].text
('You are here',)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from coplearn.paper import action_centred as _audit
from coplearn.paper.leadership import adair_domains, readiness_levels, styles
from ._base import DOMAIN_COLOURS, OKABE_ITO, Chart, TextAlternative, base_layout

__all__ = [
    "build_readiness_grid",
    "build_adair_circles",
    "build_audit_scores",
    "build_community_check",
    "STYLE_COLOURS",
    "DOMAIN_DASHES",
    "SELECTED_WIDTH",
]

#: One Okabe-Ito colour per Hersey & Blanchard style.
STYLE_COLOURS = {
    "S1": OKABE_ITO["vermillion"],
    "S2": OKABE_ITO["orange"],
    "S3": OKABE_ITO["bluish_green"],
    "S4": OKABE_ITO["blue"],
}
#: Line dashes, so that Adair's circles differ by more than colour.
DOMAIN_DASHES = {"task": "solid", "team": "dash", "individual": "dot"}
#: Outline width of whatever is highlighted (others are thin).
SELECTED_WIDTH = 6
PLAIN_WIDTH = 2
_PATTERNS = ("", "/", ".", "x")
_STATIC = {"fixedrange": True, "showgrid": False, "zeroline": False}


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _tint(hex_colour: str, alpha: float) -> str:
    """An Okabe-Ito colour as a translucent fill, so that outlines keep their full strength.

    >>> _tint("#0072B2", 0.5)
    'rgba(0,114,178,0.5)'
    """
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha:g})"


# ---- lesson 05 --------------------------------------------------------------------------------

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


# ---- lesson 06 --------------------------------------------------------------------------------

_CENTRES = {"task": (0.0, 0.62), "team": (-0.62, -0.42), "individual": (0.62, -0.42)}
_LABEL_AT = {"task": (0.0, 1.68), "team": (-0.95, -1.5), "individual": (0.95, -1.5)}
_SHORT = {"task": "TASK", "team": "TEAM", "individual": "INDIVIDUAL"}
_WRAPPED = {"task": "Achieving the task", "team": "Building and<br>maintaining the team",
            "individual": "Developing<br>the individual"}


def build_adair_circles(selected: str | None = None, counts: Mapping[str, int] | None = None) -> Chart:
    """Adair's three overlapping needs (after Adair 1983, p.44) as three labelled circles.

    ``selected`` (``"task"``, ``"team"`` or ``"individual"``) is drawn with a thick outline, a
    stronger fill and "(selected)" in its label. ``counts`` optionally gives the number of Table 2
    questions per domain, for the text alternative.
    """
    keys = [d.key for d in adair_domains()]
    if selected is not None:
        from coplearn.core.validate import choose

        selected = choose(selected, keys, "domain of Adair's model")
    shapes = []
    notes = []
    rows = []
    for d in adair_domains():
        on = d.key == selected
        cx, cy = _CENTRES[d.key]
        colour = DOMAIN_COLOURS[d.key]
        shapes.append({
            "type": "circle", "name": d.key, "x0": cx - 1, "x1": cx + 1, "y0": cy - 1, "y1": cy + 1,
            "line": {"color": "#000000" if on else colour, "width": SELECTED_WIDTH if on else PLAIN_WIDTH,
                     "dash": DOMAIN_DASHES[d.key]},
            "fillcolor": _tint(colour, 0.5 if on else 0.2), "layer": "below",
        })
        lx, ly = _LABEL_AT[d.key]
        mark = "<br>(selected)" if on else ""
        notes.append({
            "x": lx, "y": ly, "showarrow": False, "align": "center",
            "text": f"<b>{_SHORT[d.key]}</b><br>{_WRAPPED.get(d.key, d.name)}{mark}", "font": {"size": 16 if on else 14},
            "yanchor": "bottom" if d.key == "task" else "top",
        })
        rows.append((d.name, d.summary, (counts or {}).get(d.key, ""), "selected" if on else ""))
    notes.append({"x": 0, "y": -0.05, "showarrow": False, "text": "all three<br>overlap", "font": {"size": 12}})
    layout = base_layout(
        "What a leader has to do: Adair's three overlapping needs", height=560, shapes=shapes,
        annotations=notes, showlegend=False,
        xaxis=dict(_STATIC, range=[-2.3, 2.3], visible=False),
        yaxis=dict(_STATIC, range=[-2.2, 2.3], visible=False, scaleanchor="x", scaleratio=1),
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
    )
    fig = go.Figure(data=[], layout=layout)
    chosen = next((d for d in adair_domains() if d.key == selected), None)
    alt = TextAlternative(
        title="Adair's three overlapping needs",
        description=("Our redrawing of Adair's diagram (1983, p.44), the paper's Figure 1: three overlapping "
                     "circles for achieving the task (top), building and maintaining the team (bottom left) and "
                     "developing the individual (bottom right). Each circle overlaps the other two, and all three "
                     "meet in the middle: work on one need affects the others. "
                     + (f"Selected, with a thick outline: {chosen.name}." if chosen else "No circle is selected.")),
        header=("need", "what it covers", "Table 2 questions", "selected"),
        rows=tuple(rows),
    )
    return Chart(figure=fig, alt=alt)


def _score_bars(*, title: str, names: Sequence[str], values: Sequence[float | None], colours: Sequence[str],
                texts: Sequence[str], threshold: float, threshold_label: str, tick_labels: Mapping[int, str],
                flags: Sequence[str] = (), height: int = 440) -> go.Figure:
    """Vertical 1-5 bars with text on each bar, a pattern per bar and a dashed threshold line."""
    notes = [
        {"x": name, "y": 0.35, "text": "not yet rated", "showarrow": False, "font": {"size": 13}}
        for name, v in zip(names, values) if v is None
    ]
    notes.append({"xref": "paper", "x": 1.01, "xanchor": "left", "y": threshold, "yanchor": "middle",
                  "align": "left", "text": threshold_label, "showarrow": False, "font": {"size": 12}})
    ticks = [f"{n}<br><b>{f}</b>" if f else n for n, f in zip(names, list(flags) or [""] * len(names))]
    bar = go.Bar(
        x=list(names), y=list(values), text=list(texts), textposition="outside", cliponaxis=False,
        marker={"color": list(colours), "line": {"color": "#000000", "width": 1.5},
                "pattern": {"shape": list(_PATTERNS[: len(names)]), "fgcolor": "#000000", "solidity": 0.15}},
        hovertemplate="%{x}: %{text}<extra></extra>", showlegend=False,
    )
    layout = base_layout(
        title, height=height, showlegend=False, bargap=0.35,
        shapes=[{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": threshold, "y1": threshold,
                 "line": {"color": "#000000", "width": 2, "dash": "dash"}, "name": "threshold"}],
        annotations=notes,
        xaxis={"fixedrange": True, "tickvals": list(names), "ticktext": ticks},
        uniformtext={"minsize": 12, "mode": "show"},
        yaxis={"fixedrange": True, "range": [0, 5.6], "tickvals": list(tick_labels),
               "ticktext": [f"{k} {v}" for k, v in tick_labels.items()], "gridcolor": "#dddddd"},
        margin={"l": 130, "r": 130, "t": 70, "b": 70},
    )
    return go.Figure(data=[bar], layout=layout)


def build_audit_scores(result: _audit.AuditResult) -> Chart:
    """The team audit's domain scores (mean of rated items, 1-5) as a bar chart.

    A domain with nothing rated has no bar and says "not yet rated"; a partial audit says so in
    the title. The scale and scores are the course's teaching aid, not the paper's.
    """
    scale = _audit.rating_scale()
    domains = adair_domains()
    names, values, texts, colours, rows = [], [], [], [], []
    for d in domains:
        items = [i for i in _audit.team_audit(d.key) if i.kind == "rating"]
        rated = sum(i.id in result.ratings for i in items)
        score = result.domain_scores.get(d.key)
        names.append(d.name)
        values.append(score)
        colours.append(DOMAIN_COLOURS[d.key])
        texts.append("not yet rated" if score is None else f"{score:.2f} ({rated} of {len(items)} rated)")
        rows.append((d.name, "not yet rated" if score is None else f"{score:.2f}", f"{rated} of {len(items)}"))
    total = len(_audit.team_audit())
    status = ("empty: nothing answered yet" if result.is_empty
              else f"partial: {result.answered} of {total} answered" if result.is_partial
              else f"complete: all {total} answered")
    fig = _score_bars(
        title=f"Team audit: domain scores ({status})", names=names, values=values, colours=colours, texts=texts,
        threshold=_audit.ACTION_THRESHOLD, threshold_label=f"{_audit.ACTION_THRESHOLD} or lower:<br>act on it<br>(course's rule)",
        tick_labels=scale,
    )
    parts = [f"{n}: {'not yet rated' if v is None else f'{v:.2f}'}" for n, v in zip(names, values)]
    alt = TextAlternative(
        title="Team audit domain scores",
        description=(f"A bar chart of the mean rating (1 = {scale[1]}, 5 = {scale[5]}) in each of Adair's three "
                     f"domains. The audit is {status}. " + "; ".join(parts) + ". A dashed line marks "
                     f"{_audit.ACTION_THRESHOLD}, at or below which the course suggests action. The scale and "
                     "scores are the course's teaching aid, not the paper's."),
        header=("domain", "mean score (1-5)", "rating items answered"),
        rows=tuple(rows),
    )
    return Chart(figure=fig, alt=alt)


# ---- lesson 07 --------------------------------------------------------------------------------

def build_community_check(result: Any) -> Chart:
    """The community-building check (:class:`coplearn.teaching.vignettes.CommunityResult`) as a bar chart."""
    from coplearn.teaching.vignettes import community_factors, community_scale

    scale = community_scale()
    palette = [OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["bluish_green"], OKABE_ITO["reddish_purple"]]
    work_on = {f.key for f in result.to_work_on}
    names, values, texts, rows = [], [], [], []
    for f in community_factors():
        v = result.ratings.get(f.key)
        names.append(f.name)
        values.append(v)
        texts.append("not yet rated" if v is None else f"{v} {scale[v]}")
        rows.append((f.name, "not yet rated" if v is None else f"{v} ({scale[v]})",
                     "yes" if f.key in work_on else "no"))
    total = len(names)
    rated = total - len(result.unanswered)
    status = ("nothing rated yet" if result.is_empty else f"partial: {rated} of {total} rated"
              if result.is_partial else "all four rated")
    fig = _score_bars(
        title=f"Community-building factors ({status})", names=names, values=values, colours=palette[:total],
        texts=texts, threshold=result.threshold,
        threshold_label=f"{result.threshold} or lower:<br>work on it<br>(course's rule)",
        tick_labels=scale, flags=["work on this" if f.key in work_on else "" for f in community_factors()], height=440,
    )
    work = ", ".join(f.name.lower() for f in result.to_work_on) or "none"
    alt = TextAlternative(
        title="Community-building factors",
        description=(f"A bar chart of how true each of Plaskoff's four factors (as the paper reports them) is of "
                     f"your team, from 1 ({scale[1]}) to 5 ({scale[5]}). The check is {status}. To work on first: "
                     f"{work}. The statements and scale are the course's, not the paper's."),
        header=("factor", "rating", "work on this"),
        rows=tuple(rows),
    )
    return Chart(figure=fig, alt=alt)
