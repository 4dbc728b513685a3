"""The cohort report's bar charts are drawn to scale: a bar's length is its value's share of the axis.

A small cohort built in memory (no gradebook): one item scored by 3 of 10, another by 9 of 10.
"""

from __future__ import annotations

import re

import pytest

from coplearn.grading import cohort as C

A2 = "a2-leading-situationally"


def cohort(scored: dict[str, int], n: int = 10) -> C.Cohort:
    subs = []
    for i in range(n):
        cells = tuple(C.CellScore(grade_id=g, score=1.0 if i < k else 0.0, max_score=1.0, auto=True)
                      for g, k in scored.items())
        subs.append(C.Submission(student_id=f"s{i:02d}", name=f"s{i:02d}", cells=cells, answers=None))
    return C.Cohort(assignment=A2, course_id="coplearn", submissions=tuple(subs), answer_keys={},
                    auto_cells=tuple((g, 1.0) for g in scored), manual_cells=())


def chart(page: str, fig_id: str) -> tuple[list[float], list[str]]:
    """The bar lengths and the axis labels of one chart."""
    svg = re.search(rf'<svg[^>]*aria-labelledby="{fig_id}-title.*?</svg>', page, flags=re.S).group(0)
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    ticks = re.findall(r'<text [^>]*text-anchor="middle"[^>]*>([^<]*)</text>', svg)
    return widths, ticks


def test_bars_are_drawn_to_scale_on_a_0_to_100_percent_axis():
    a = C.analyse(cohort({"q1-frank-readiness": 3, "q2_stage": 9}))
    assert [round(100 * st.facility) for st in a.items] == [30, 90]
    page = C.render_html(a)
    items, ticks = chart(page, "fig-items")
    assert ticks[0] == "0%" and ticks[-1] == "100%", ticks
    assert len(items) == 2 and items[0] > 0
    assert items[1] / items[0] == pytest.approx(3.0, rel=1e-3), f"bars not to scale: {items}"
    lessons, ticks = chart(page, "fig-lessons")
    assert ticks[-1] == "100%", ticks
    # lesson 05 teaches both items: its bar is the mean facility, 60%, two-thirds of the 90% bar
    assert len(lessons) == 1 and lessons[0] / items[1] == pytest.approx(60 / 90, rel=1e-3)
