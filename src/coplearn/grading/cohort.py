"""Cohort insight for tutors: which ideas the group has not grasped, from the nbgrader gradebook.

``coplearn cohort report a2-leading-situationally -o report.html`` reads the per-cell scores
through nbgrader's own :class:`nbgrader.api.Gradebook` (SQLite or PostgreSQL, the URL from the
course's ``nbgrader_config.py``) and the answers each student gave from their autograded
notebooks (``metadata["coplearn"]["graded_answers"]``, written by the course's grading
pipeline), and writes one self-contained page:

- **what to reteach first**, in plain words: the wrong answers most of the cohort gave, each with
  the misconception it reflects and the lesson that teaches the idea;
- **per lesson and per concept**: the share of marks the cohort earned;
- **item by item** (autograded cells): facility (the share who got it right), discrimination
  (the corrected item-total point-biserial correlation: see :data:`METHOD`), the answers given and
  how often, with each wrong answer's misconception;
- **manual marks by band** (UK marking bands) and **the spread of totals**;
- charts as inline SVG, each with a text description and its data as a table.

Small cohorts: below :data:`MIN_COHORT` submissions there is no per-item or per-answer breakdown
(too few people to read anything into it, and too easy to identify someone). Students are never
named unless the tutor asks (``--names``).

The correct answer to an item is read from the cohort (what students who scored it gave); no
answer key ships with coplearn. The misconceptions (``coplearn/data/misconceptions.toml``) are
the course's interpretation.

Reading the gradebook lives in :mod:`coplearn.grading.cohort_data`; the page is drawn by the
templates ``cohort_report.html.j2`` and ``cohort_report.md.j2``.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from coplearn.core.atomic import atomic_write_text
from coplearn.core.formats import pick_format  # noqa: F401 - used by cli_cohort too
from coplearn.core.palette import OKABE_ITO
from coplearn.core.templates import render
from coplearn.grading.cohort_data import (  # noqa: F401 - the cohort's data, re-exported for callers
    CellScore, Cohort, CohortError, CourseSettings, ItemInfo, Submission, answer_label, course_settings, item_info,
    known_assignments, load_cohort, misconception,
)

__all__ = ["CohortError", "Cohort", "ItemStats", "Submission", "analyse", "load_cohort", "render_html",
           "render_markdown", "write_report", "course_settings", "MIN_COHORT", "METHOD", "BANDS", "NEGATIVE",
           "WEAK"]

#: No per-item breakdown below this many submissions.
MIN_COHORT = 5
#: A wrong answer is worth reteaching when at least this share of the cohort gave it.
RETEACH_SHARE = 0.15
#: Discrimination below this is flagged "negative: check the item" (see METHOD for why not below 0).
NEGATIVE = -0.2
#: Discrimination below this (and not below NEGATIVE) hardly separates stronger from weaker submissions.
WEAK = 0.2
#: UK marking bands (lower bound in per cent, label).
BANDS = ((70, "70 and above"), (60, "60-69"), (50, "50-59"), (40, "40-49"), (0, "below 40"))

METHOD = (
    "Facility is the share of submissions that scored an item in full. Discrimination is the corrected "
    "item-total point-biserial correlation: the correlation between scoring the item (1 or 0) and the "
    "total of the other autograded items. We use it because the items are scored right or wrong, so the "
    "point-biserial is the natural correlation, and because leaving the item out of the total stops a "
    "short assignment's items from correlating with themselves. Values from -0.2 up to 0.2 are marked "
    "'weak discrimination': the item hardly separates stronger from weaker submissions. Only a value below "
    "-0.2 is marked 'negative: check the item' (stronger submissions got it wrong more often: check the "
    "wording, or a misconception held by confident students). We do not flag every value below 0 because "
    "a correlation from a cohort of a few dozen varies by chance by about one over the square root of the "
    "number of submissions (about 0.16 for 40), so a small negative value such as -0.09 is no evidence of "
    "a faulty item. With a cohort of a few dozen these figures are rough guides, not measurements."
)
OURS = (
    "This report is coplearn's own aid for tutors. The misconceptions attached to wrong answers are the "
    "course's interpretation of what each choice suggests; the correct answer to each item is read from "
    "the cohort (the answers of those who scored it), not from an answer key."
)


# ---- the analysis -------------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True, slots=True)
class AnswerRow:
    answer: str
    count: int
    correct: bool
    misconception: str
    label: str = ""  # what the answer code means, as the learner saw it (the option's label)

    @property
    def shown(self) -> str:
        return self.label or self.answer


@dataclass(frozen=True, kw_only=True, slots=True)
class ItemStats:
    grade_id: str
    info: ItemInfo | None
    n: int
    facility: float
    discrimination: float | None
    correct: str | None
    answers: tuple[AnswerRow, ...]
    recorded: int

    @property
    def lesson(self) -> str:
        return self.info.lesson if self.info else ""

    @property
    def idea(self) -> str:
        return self.info.idea if self.info else self.grade_id


@dataclass(frozen=True, kw_only=True, slots=True)
class Reteach:
    grade_id: str
    answer: str
    count: int
    share: float
    misconception: str
    idea: str
    lesson: str
    concepts: tuple[str, ...]
    label: str = ""  # the answer's option label

    @property
    def shown(self) -> str:
        """The answer as the learner saw it: ``"R1: unable and unwilling or insecure"``, or the code."""
        if not self.label or self.label == self.answer:
            return self.answer
        return f'"{self.label}"' if self.answer.lower() in self.label.lower() else f'{self.answer} ("{self.label}")'


@dataclass(frozen=True, kw_only=True, slots=True)
class Analysis:
    cohort: Cohort
    n: int
    small: bool
    items: tuple[ItemStats, ...]
    reteach: tuple[Reteach, ...]
    lessons: tuple[tuple[str, str, int, float], ...]   # lesson, title, items, facility
    concepts: tuple[tuple[str, str, int, float], ...]
    manual: tuple[tuple[str, float, dict[str, int], int], ...]  # grade_id, max, band counts, not marked
    totals: tuple[float, ...]
    max_total: float
    answers_missing: int
    names: bool = False
    unknown_items: tuple[str, ...] = field(default=())

    @property
    def unmarked(self) -> int:
        """How many manual marks (one per manually marked question per submission) are not given yet."""
        return sum(row[3] for row in self.manual)

    @property
    def not_final(self) -> int:
        """How many submissions still wait for at least one manual mark (their totals are not final)."""
        manual = {g for g, _ in self.cohort.manual_cells}
        return sum(1 for s in self.cohort.submissions
                   if any((c := {x.grade_id: x for x in s.cells}.get(g)) is None or c.score is None for g in manual))

    def _repr_html_(self) -> str:
        """The report's sections, for a notebook (headings start at level 2)."""
        return render("cohort_sections.html.j2", sections=sections(self))


def _pearson(x: Sequence[float], y: Sequence[float]) -> float | None:
    if len(x) < 3:
        return None
    mx, my = statistics.fmean(x), statistics.fmean(y)
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx == 0 or syy == 0:
        return None
    return sum((a - mx) * (b - my) for a, b in zip(x, y)) / math.sqrt(sxx * syy)


def _fmt_answer(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def analyse(cohort: Cohort, *, min_cohort: int = MIN_COHORT, names: bool = False) -> Analysis:
    """Facility, discrimination, answers and misconceptions, and the summaries, for one cohort."""
    subs = cohort.submissions
    n = len(subs)
    auto = [g for g, _ in cohort.auto_cells]
    scored = {s.student_id: {c.grade_id: c for c in s.cells} for s in subs}
    right = {g: [1.0 if (c := scored[s.student_id].get(g)) and c.score is not None and c.score >= c.max_score - 1e-9
                 else 0.0 for s in subs] for g in auto}
    items: list[ItemStats] = []
    reteach: list[Reteach] = []
    recorded = [s for s in subs if s.answers is not None]
    unknown = tuple(g for g in auto if item_info(cohort.assignment, g) is None)

    def several_lists(g: str, key: str) -> tuple[list[set[str]], list[set[str]], str | None]:
        """For a several-answer item: the lists of those who scored it, of the others, and its right option."""
        ok = {s.student_id for i, s in enumerate(subs) if right[g][i] == 1.0}
        given = [(s, s.answers.get(key)) for s in recorded if s.answers is not None]
        right_lists = [set(map(str, v or [])) for s, v in given if s.student_id in ok]
        wrong_lists = [set(map(str, v or [])) for s, v in given if s.student_id not in ok]
        common = set.intersection(*right_lists) if right_lists else set()
        never_wrong = [o for o in sorted(common) if not any(o in w for w in wrong_lists)]
        return right_lists, wrong_lists, never_wrong[0] if never_wrong else (sorted(common)[0] if common else None)

    # Items sharing one several-answer question (a3's three lowest items) each mark one option; an
    # option a sibling item marks right is not a wrong answer to this one.
    several_right: dict[str, set[str]] = {}
    for g in auto:
        key, how = cohort.answer_keys.get(g, ("", ""))
        if key and how == "several" and recorded and (c := several_lists(g, key)[2]) is not None:
            several_right.setdefault(key, set()).add(c)
    for g in auto:
        info = item_info(cohort.assignment, g)
        rest = [sum(right[o][i] for o in auto if o != g) for i in range(n)]
        disc = _pearson(right[g], rest)
        key, how = cohort.answer_keys.get(g, ("", ""))
        rows: list[AnswerRow] = []
        correct: str | None = None
        if key and recorded:
            given = [(s, s.answers.get(key)) for s in recorded if s.answers is not None]
            ok = {s.student_id for i, s in enumerate(subs) if right[g][i] == 1.0}
            kind = info.kind if info else ""
            if how == "several":
                right_lists, wrong_lists, correct = several_lists(g, key)
                counts = Counter(o for w in wrong_lists for o in w
                                 if o != correct and o not in several_right.get(key, ()))
                if correct is not None:
                    rows.append(AnswerRow(answer=correct, count=sum(correct in r for r in right_lists), correct=True,
                                          misconception="", label=answer_label(kind, correct)))
                for ans, c in counts.most_common():
                    rows.append(AnswerRow(answer=ans, count=c, correct=False,
                                          misconception=misconception(kind, correct, ans) if correct else "",
                                          label=answer_label(kind, ans)))
            else:
                values = [(s, _fmt_answer(v) if v is not None else "(no answer)") for s, v in given]
                right_values = Counter(v for s, v in values if s.student_id in ok)
                correct = right_values.most_common(1)[0][0] if right_values else None
                counts = Counter(v for _, v in values)
                for ans, c in counts.most_common():
                    is_right = any(v == ans and s.student_id in ok for s, v in values)
                    text = ""
                    if not is_right and correct is not None and ans != "(no answer)":
                        text = misconception(kind, correct, ans)
                    elif ans == "(no answer)":
                        text = "Left unanswered."
                    rows.append(AnswerRow(answer=ans, count=c, correct=is_right, misconception=text,
                                          label="" if ans == "(no answer)" or kind == "number" else answer_label(kind, ans)))
        facility = sum(right[g]) / n if n else 0.0
        stats = ItemStats(grade_id=g, info=info, n=n, facility=facility, discrimination=disc, correct=correct,
                          answers=tuple(rows), recorded=len(recorded))
        items.append(stats)
        for row in rows:
            if not row.correct and row.misconception and row.answer != "(no answer)":
                reteach.append(Reteach(grade_id=g, answer=row.answer, count=row.count, share=row.count / len(recorded),
                                       misconception=row.misconception, idea=stats.idea, lesson=stats.lesson,
                                       concepts=info.concepts if info else (), label=row.label))
    reteach.sort(key=lambda r: (-r.count, r.grade_id, r.answer))
    # several-answer questions share one answer key: keep each wrong option once (its largest count)
    seen: set[tuple[str, str]] = set()
    unique = []
    for r in reteach:
        k = (cohort.answer_keys.get(r.grade_id, (r.grade_id,))[0], r.answer)
        if k not in seen:
            seen.add(k)
            unique.append(r)
    from coplearn.paper.concepts import get_concept, get_lesson

    def group(key_of) -> list[tuple[str, str, int, float]]:
        buckets: dict[str, list[float]] = {}
        for st in items:
            for k in key_of(st):
                buckets.setdefault(k, []).append(st.facility)
        out = []
        for k, vals in buckets.items():
            try:
                title = get_lesson(k).title if len(k) == 2 else get_concept(k).title
            except LookupError:
                title = ""
            out.append((k, title, len(vals), statistics.fmean(vals)))
        return sorted(out, key=lambda r: (r[3], r[0]))

    lessons = group(lambda st: [st.info.lesson] if st.info else [])
    concepts = group(lambda st: list(st.info.concepts) if st.info else [])
    manual = []
    for g, mx in cohort.manual_cells:
        bands = {label: 0 for _, label in BANDS}
        not_marked = 0
        for s in subs:
            c = scored[s.student_id].get(g)
            if c is None or c.score is None:
                not_marked += 1
                continue
            pct = 100 * c.score / c.max_score if c.max_score else 0
            bands[next(label for lo, label in BANDS if pct >= lo)] += 1
        manual.append((g, mx, bands, not_marked))
    totals = tuple(sorted(s.total for s in subs))
    small = n < min_cohort  # no item's wrong answers below MIN_COHORT: the command prints reteach lines too
    return Analysis(cohort=cohort, n=n, small=small, items=tuple(items),
                    reteach=() if small else tuple(r for r in unique if r.share >= RETEACH_SHARE),
                    lessons=tuple(lessons),
                    concepts=tuple(concepts), manual=tuple(manual), totals=totals,
                    max_total=max((s.max_total for s in subs), default=0.0),
                    answers_missing=n - len(recorded), names=names, unknown_items=unknown)


# ---- the report's content (the templates lay it out) ----------------------------------------------

BLUE = OKABE_ITO["blue"]


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def bars(rows: Sequence[tuple[str, float]], *, scale: float = 100.0, unit: str = "%") -> dict:
    """Where a horizontal bar chart's shapes go; each bar has its value written at its end (never colour alone).
    The axis runs from 0 to ``scale`` (the rows' values are per cent unless a scale is given)."""
    left, width, row, top = 300.0, 380.0, 26.0, 24.0
    bottom = top + row * max(len(rows), 1)
    ticks = [(left + width * v / 100, f"{v * scale / 100:g}{unit}") for v in range(0, 101, 25)]
    out = [{"y": top + row * k, "label": label[:44], "w": width * max(0.0, min(value / scale, 1.0)),
            "value": f"{value:g}{unit}"} for k, (label, value) in enumerate(rows)]
    return {"width": 760, "height": int(bottom + 30), "left": left, "top": top, "bottom": bottom, "ticks": ticks,
            "bars": out, "fill": BLUE}


def _chart(fig_id: str, title: str, desc: str, header: Sequence[str], rows: Sequence[tuple[str, float]],
           **scale: object) -> dict:
    return {"id": fig_id, "title": title, "desc": desc, "header": tuple(header), "rows": rows,
            "bars": bars(rows, **scale)}


def _quartiles(values: Sequence[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        v = values[0] if values else 0.0
        return v, v, v
    q = statistics.quantiles(values, n=4, method="inclusive")
    return q[0], q[1], q[2]


def _lesson_title(number: str) -> str:
    from coplearn.paper.concepts import get_lesson

    try:
        return get_lesson(number).title
    except LookupError:
        return ""


def _concept_titles(ids: Sequence[str]) -> str:
    """``C16 Situational leadership; C33 Levels of development`` (the concept map's titles)."""
    from coplearn.paper.concepts import get_concept

    out = []
    for c in ids:
        try:
            out.append(f"{c} {get_concept(c).title}")
        except LookupError:
            out.append(c)
    return "; ".join(out)


def _reteach_sentences(a: Analysis) -> list[str]:
    out = []
    for r in a.reteach[:6]:
        concepts = f" (concept{'s' if len(r.concepts) > 1 else ''} {_concept_titles(r.concepts)})" if r.concepts else ""
        out.append(f"{r.count} of {a.n - a.answers_missing} ({_pct(r.share)}) answered {r.shown} on {r.grade_id} "
                   f"({r.idea}). {r.misconception} Reteach it with lesson {r.lesson}, "
                   f"{_lesson_title(r.lesson)}{concepts}.")
    weak = [row for row in a.lessons if row[3] < 0.6]
    for lesson, title, k, fac in weak[:3]:
        out.append(f"Lesson {lesson} ({title}): the cohort scored {_pct(fac)} on its {k} autograded item"
                   f"{'s' if k != 1 else ''}.")
    return out


def _item_note(st: ItemStats) -> str:
    if st.discrimination is None:
        return "everyone scored the same"
    if st.discrimination < NEGATIVE:
        return "negative: check the item"
    if st.discrimination < WEAK:
        return "weak discrimination"
    return ""


def sections(a: Analysis) -> list[dict]:
    """The report's sections in order, each a dict with its ``id``, ``heading`` and what it shows."""
    out: list[dict] = [{"id": "reteach", "heading": "What to reteach first", "a": a, "min_cohort": MIN_COHORT,
                        "share": _pct(RETEACH_SHARE), "sentences": [] if a.small else _reteach_sentences(a)}]
    if not a.small:
        rows = [(f"Lesson {l}: {t}", round(100 * f)) for l, t, _, f in a.lessons]
        desc = "Share of autograded marks the cohort earned, by the lesson that teaches the item: " + "; ".join(
            f"{label} {v}%" for label, v in rows) + "."
        out.append({"id": "lessons", "heading": "By lesson and concept",
                    "chart": _chart("fig-lessons", "Cohort score by lesson", desc, ("lesson", "score (%)"), rows),
                    "concepts": [(k, t, n, _pct(f)) for k, t, n, f in a.concepts]})
        rows = [(st.grade_id, round(100 * st.facility)) for st in a.items]
        desc = "Facility (share who scored the item) for each autograded item: " + "; ".join(
            f"{g} {v}%" for g, v in rows) + "."
        out.append({"id": "items", "heading": "Item by item",
                    "chart": _chart("fig-items", "Facility by item", desc, ("item", "facility (%)"), rows),
                    "rows": [(st.grade_id, st.idea, st.lesson, _pct(st.facility),
                              "n/a" if st.discrimination is None else f"{st.discrimination:.2f}", _item_note(st))
                             for st in a.items],
                    "answers": [{"st": st, "rows": [(r.shown, r.count, _pct(r.count / max(st.recorded, 1)),
                                                     "yes" if r.correct else "no", r.misconception or "-",
                                                     "" if r.correct else st.lesson) for r in st.answers]}
                                for st in a.items]})
    out.append({"id": "manual", "heading": "Manual marks by band", "bands": [label for _, label in BANDS],
                "rows": [(g, f"{mx:g}", *(bands[label] for _, label in BANDS), not_marked)
                         for g, mx, bands, not_marked in a.manual]})
    t = a.totals
    q1, med, q3 = _quartiles(t)
    spread = (f"lowest {min(t):g}, lower quartile {q1:.1f}, median {med:.1f}, upper quartile {q3:.1f}, "
              f"highest {max(t):g}; mean {statistics.fmean(t):.1f}.")
    if a.unmarked:
        summary = (f"{_marking_note(a)} Totals of the marks given so far (out of {a.max_total:g} once everything "
                   f"is marked): {spread}")
    else:
        summary = f"Totals out of {a.max_total:g}: {spread}"
    totals = {"id": "totals", "heading": "Spread of totals", "chart": None, "summary": summary}
    if not a.small:
        step = a.max_total / 10 if a.max_total else 1
        counts = [sum(1 for v in t if (k * step <= v < (k + 1) * step) or (k == 9 and v == a.max_total))
                  for k in range(10)]
        rows = [(f"{k * step:g} to {(k + 1) * step:g}", n) for k, n in enumerate(counts)]
        so_far = " so far" if a.unmarked else ""
        desc = (f"How many submissions fall in each tenth of the total{so_far}"
                f"{' (the marks given so far, out of ' + format(a.max_total, 'g') + ')' if a.unmarked else ''}: "
                + "; ".join(f"{r} {n}" for r, n in rows) + ".")
        totals["chart"] = _chart("fig-totals", f"Spread of totals{so_far}", desc,
                                 ("total" + so_far, "submissions"), rows,
                                 scale=max(max(counts), 1), unit="")
    out.append(totals)
    if a.names:
        out.append({"id": "students", "heading": "Students",
                    "header": ("student", "total so far" if a.unmarked else "total", "out of"),
                    "rows": [(s.name, f"{s.total:g}", f"{s.max_total:g}") for s in a.cohort.submissions]})
    out.append({"id": "method", "heading": "Method and limits", "method": METHOD, "ours": OURS,
                "unknown": ", ".join(a.unknown_items), "names": a.names})
    return out


def _marking_note(a: Analysis) -> str:
    """Plainly, which manual marks are missing and what that does to the totals ("" when none are)."""
    if not a.unmarked:
        return ""
    which = "; ".join(f"{g} ({mx:g} marks) for {'all ' + str(k) if k == a.n else f'{k} of {a.n}'} submission"
                      f"{'s' if a.n != 1 else ''}" for g, mx, _, k in a.manual if k)
    s = "s" if a.unmarked != 1 else ""
    return (f"{a.unmarked} manual mark{s} {'are' if s else 'is'} not given yet: {which}. A missing mark counts as "
            f"nothing, so the totals of the {a.not_final} submission{'s' if a.not_final != 1 else ''} concerned are "
            f"the marks given so far, not final marks.")


def _context(a: Analysis) -> dict:
    today = _dt.date.today()
    return {"a": a, "title": f"Cohort insight: {a.cohort.assignment}", "made": f"{today.day} {today.strftime('%B %Y')}",
            "ours": OURS, "sections": sections(a), "marking": _marking_note(a)}


def render_html(a: Analysis) -> str:
    """The report as one standalone HTML page (no scripts, no external files)."""
    return render("cohort_report.html.j2", **_context(a))


def render_markdown(a: Analysis) -> str:
    """The same report as Markdown (charts replaced by their text and data)."""
    return render("cohort_report.md.j2", **_context(a))


FORMATS = {"html": (".html", ".htm"), "md": (".md", ".markdown", ".txt")}


def write_report(a: Analysis, path: str | os.PathLike[str], fmt: str | None = None) -> Path:
    key = pick_format(path, fmt, FORMATS, "a report format", "format")
    target = Path(path).expanduser()
    atomic_write_text(target, render_html(a) if key == "html" else render_markdown(a))
    return target
