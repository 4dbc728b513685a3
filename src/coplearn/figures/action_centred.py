"""Figures for lesson 06: Adair's three circles and the team audit's domain scores.

Each builder is pure and returns a :class:`~coplearn.figures._base.Chart`. Colour never carries
meaning alone: circles differ by dash too, and the highlighted one has a thicker outline.
"""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go

from coplearn.paper import action_centred as _audit
from coplearn.paper.action_centred import adair_domains
from ._base import DOMAIN_COLOURS, Chart, TextAlternative, base_layout
from ._plot import PLAIN_WIDTH, SELECTED_WIDTH, STATIC_AXIS as _STATIC
from ._plot import score_bars as _score_bars, tint as _tint

__all__ = ["build_adair_circles", "build_audit_scores", "DOMAIN_DASHES"]

_CENTRES = {"task": (0.0, 0.62), "team": (-0.62, -0.42), "individual": (0.62, -0.42)}
_LABEL_AT = {"task": (0.0, 1.68), "team": (-0.95, -1.5), "individual": (0.95, -1.5)}
_SHORT = {"task": "TASK", "team": "TEAM", "individual": "INDIVIDUAL"}
_WRAPPED = {"task": "Achieving the task", "team": "Building and<br>maintaining<br>the team",
            "individual": "Developing<br>the individual"}
#: Line dashes, so that Adair's circles differ by more than colour.
DOMAIN_DASHES = {"task": "solid", "team": "dash", "individual": "dot"}


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
        "Adair's three overlapping needs:<br>task, team and individual", height=560, shapes=shapes,
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
        # the value on one line and how many were rated on the next: on one line the three labels ran
        # into each other on a narrow screen (walk26 M-L2: 640 px, at 200% zoom)
        texts.append("not yet rated" if score is None else f"{score:.2f}<br>({rated} of {len(items)} rated)")
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

