"""Figures for lesson 07: the community-building check as a bar chart.

The builder is pure and returns a :class:`~coplearn.figures._base.Chart`.
"""

from __future__ import annotations

from typing import Any

from ._base import OKABE_ITO, Chart, TextAlternative
from ._plot import score_bars as _score_bars

__all__ = ["build_community_check"]


def build_community_check(result: Any) -> Chart:
    """The community-building check (:class:`coplearn.teaching.community_learning.CommunityResult`) as a bar chart."""
    from coplearn.teaching.community_learning import community_factors, community_scale

    scale = community_scale()
    palette = [OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["bluish_green"], OKABE_ITO["reddish_purple"]]
    work_on = {f.key for f in result.to_develop()}
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
    work = ", ".join(f.name.lower() for f in result.to_develop()) or "none"
    alt = TextAlternative(
        title="Community-building factors",
        description=(f"A bar chart of how true each of the four factors the paper reports from Plaskoff is of "
                     f"your team, from 1 ({scale[1]}) to 5 ({scale[5]}). The check is {status}. To work on first: "
                     f"{work}. The statements and scale are the course's, not the paper's."),
        header=("factor", "rating", "work on this"),
        rows=tuple(rows),
    )
    return Chart(figure=fig, alt=alt)

