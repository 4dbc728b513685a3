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

The correct answer to an item is the one its hidden test checks, read from the tutor's gradebook
(where a test names no single answer, such as a number, from what the students who scored it gave).
No answer key ships with coplearn. The misconceptions (``coplearn/data/misconceptions.toml``) are
the course's interpretation.

Reading the gradebook lives in :mod:`coplearn.grading.cohort_data`, the analysis in
:mod:`coplearn.grading.cohort_analysis` (both re-exported here); this module works out the report's
content, and the templates ``cohort_report.html.j2`` and ``cohort_report.md.j2`` lay it out.
"""

from __future__ import annotations

import datetime as _dt
import os
import statistics
from collections.abc import Sequence
from pathlib import Path

from coplearn.core.atomic import atomic_write_text, refuse_to_replace_data
from coplearn.core.formats import pick_format  # noqa: F401 - used by cli_cohort too
from coplearn.core.palette import OKABE_ITO
from coplearn.core.templates import render
from coplearn.grading.cohort_analysis import (  # noqa: F401 - the analysis, re-exported for callers
    BANDS, DISCRIMINATION_MIN, MIN_COHORT, NEGATIVE, RETEACH_MIN_COUNT, RETEACH_SHARE, WEAK, Analysis, AnswerRow,
    ItemStats, Reteach, analyse,
)
from coplearn.grading.cohort_data import (  # noqa: F401 - the cohort's data, re-exported for callers
    CellScore, Cohort, CohortError, CourseSettings, ItemInfo, Submission, answer_label, course_settings, item_info,
    known_assignments, load_cohort, misconception,
)

__all__ = ["CohortError", "Cohort", "ItemStats", "Submission", "analyse", "load_cohort", "not_graded_note",
           "render_html", "render_markdown", "write_report", "course_settings", "MIN_COHORT", "METHOD", "BANDS",
           "NEGATIVE", "WEAK", "sections"]

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
    "a faulty item. With a cohort of a few dozen these figures are rough guides, not measurements; with "
    f"fewer than {DISCRIMINATION_MIN} submissions discrimination is not shown at all. A wrong answer is listed "
    f"under 'What to reteach first' only when at least {RETEACH_MIN_COUNT} students and {RETEACH_SHARE:.0%} of the "
    "students with recorded answers gave it: one student's slip is not the cohort's misconception. A submission "
    "that answered no computer-marked question counts in every item's facility, and lowers it; the report says "
    "how many there are (and names them with --names)."
)
INDEX_NOTE = (
    f"Discrimination here is the corrected item-total point-biserial correlation. Only a value below {NEGATIVE:g} "
    f"is flagged as negative, and one below {WEAK:g} as weak; 'Method and limits' says why."
)
OURS = (
    "This report is coplearn's own aid for tutors. The misconceptions attached to wrong answers are the "
    "course's interpretation of what each choice suggests; the correct answer to each item is the one its "
    "hidden test checks, read from your gradebook (where a test names no single answer, such as a number, "
    "from the cohort: the answers of those who scored it), not from an answer key shipped with the course."
)


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


def _blank_sentence(a: Analysis) -> str:
    """What the report says of blank submissions (walk29 M5: one counted, unsaid, in every item's facility)."""
    k = len(a.blank)
    if not k:
        return ""
    who = f" ({', '.join(a.blank)})" if a.names else ""
    return (f"{k} of {a.n} submissions gave no answer to any computer-marked question{who} (none typed or chosen). "
            f"{'They count' if k != 1 else 'It counts'} in every item's facility, and lower{'' if k != 1 else 's'} it; "
            "their written answers, if any, are marked as usual.")


def _discrimination_text(st: ItemStats) -> str:
    """An item's discrimination as the report shows it: "n/a" where there is none, or too few submissions to show it."""
    return "n/a" if st.discrimination is None or st.n < DISCRIMINATION_MIN else f"{st.discrimination:.2f}"


def _item_note(st: ItemStats) -> str:
    if st.n < DISCRIMINATION_MIN:  # (walk29 M5: 0.97 from five submissions, unflagged)
        return f"too few submissions to tell how well it discriminates (fewer than {DISCRIMINATION_MIN})"
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
                        "share": _pct(RETEACH_SHARE), "min_count": RETEACH_MIN_COUNT,
                        "sentences": [] if a.small else _reteach_sentences(a), "blank_sentence": _blank_sentence(a)}]
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
        out.append({"id": "items", "heading": "Item by item", "index_note": INDEX_NOTE,
                    "chart": _chart("fig-items", "Facility by item", desc, ("item", "facility (%)"), rows),
                    "rows": [(st.grade_id, st.idea, st.lesson, _pct(st.facility),
                              _discrimination_text(st), _item_note(st))
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
    return (f"{a.unmarked} manual mark{s} {'are' if s else 'is'} not given yet: {which}. An unmarked answer adds "
            f"nothing to a total, so the totals of the {a.not_final} submission{'s' if a.not_final != 1 else ''} "
            "concerned are the marks given so far, not final marks.")


def not_graded_note(a: Analysis) -> str:
    """Plainly, which submissions the gradebook holds that were never autograded ("" when none): they
    are left out of the whole report, not counted as 0."""
    left = a.cohort.not_graded
    if not left:
        return ""
    k = len(left)
    shown = ", ".join(left[:20]) + (f" and {k - 20} more" if k > 20 else "")
    many = k != 1
    return (f"{k} submission{'s' if many else ''} in the gradebook {'were' if many else 'was'} never autograded "
            f"(grading failed, or was not run yet): {shown}. {'They are' if many else 'It is'} left out of this "
            "report, not counted as 0. coplearn autograde says why a submission could not be graded; grade "
            f"{'them' if many else 'it'} again once {'they are' if many else 'it is'} mended, then make this report "
            "again.")


def _context(a: Analysis) -> dict:
    today = _dt.date.today()
    return {"a": a, "title": f"Cohort insight: {a.cohort.assignment}", "made": f"{today.day} {today.strftime('%B %Y')}",
            "ours": OURS, "sections": sections(a), "marking": _marking_note(a), "not_graded": not_graded_note(a)}


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
    refuse_to_replace_data(target, "the report", FORMATS[key])  # (not over the gradebook or grades.csv: check26 M2)
    atomic_write_text(target, render_html(a) if key == "html" else render_markdown(a))
    return target
