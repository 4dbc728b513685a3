"""Benchmark section: widget change to updated figure, in the kernel (no browser).

For each interactive figure, set a control's value as a learner would and time until the widget
has rebuilt its figure and redrawn its output. Median and worst of repeated changes; the first
change in a process (which pays for imports) is reported apart. Budget: under 50 ms. Prints
figures; asserts nothing.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def _time(make: Callable[[], object], change: Callable[[object, int], None], repeat: int = 30) -> tuple[float, float, float]:
    widget = make()
    t0 = time.perf_counter()
    change(widget, 0)
    first = time.perf_counter() - t0
    times = []
    for i in range(1, repeat + 1):
        t0 = time.perf_counter()
        change(widget, i)
        times.append(time.perf_counter() - t0)
    return first, statistics.median(times), max(times)


def run() -> list[tuple[str, str, str]]:
    import coplearn as cl
    from coplearn.widgets import (
        AdairCircles,
        CultureProfileWidget,
        DomainMap,
        OrganisationCheck,
        StyleExplorer,
        TeamAuditForm,
        TuckmanSelector,
    )

    stages = [s.key for s in cl.tuckman_stages()]
    domains = [d.key for d in cl.adair_domains()]
    areas = [a.key for a in cl.theoretical_domain()]

    def rate(w, i):
        w.dropdowns["P1"].value = 1 + i % 5

    def flip(w, i):
        w.able.value = bool(i % 2)

    def audit(w, i):
        w.controls["K1"].value = 1 + i % 5
        w.button.click()

    def stage(w, i):
        w.control.value = stages[i % 4]

    def circle(w, i):
        w.domain.value = domains[i % 3]

    def area(w, i):
        w.control.value = areas[i % len(areas)]

    def organisation(w, i):
        next(iter(w.team.values())).value = 1 + i % 5

    cases = [
        ("04 culture profile: one rating -> radar", CultureProfileWidget, rate),
        ("05 style explorer: able? -> 2x2 grid", StyleExplorer, flip),
        ("06 Adair circles: domain -> circles", AdairCircles, circle),
        ("06 team audit: rating + score -> bars and plan", TeamAuditForm, audit),
        ("09 Tuckman selector: stage -> outlook figure", TuckmanSelector, stage),
        ("10 organisation check: rating -> paired dots", OrganisationCheck, organisation),
        ("11 domain map: area -> map", DomainMap, area),
    ]
    rows = []
    for label, make, change in cases:
        try:
            first, median, worst = _time(make, change)
        except Exception as exc:  # noqa: BLE001 - report and carry on
            rows.append((label, f"failed: {exc.__class__.__name__}", "< 50 ms"))
            continue
        rows.append((label, f"{median * 1000:.1f} ms (max {worst * 1000:.0f}, first {first * 1000:.0f})", "< 50 ms"))
    return rows
