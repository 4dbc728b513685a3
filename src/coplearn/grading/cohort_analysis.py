"""The cohort analysis behind the tutor's report: facility, discrimination, the answers given and
their misconceptions, what to reteach, results by lesson and concept, manual marks by band and totals.

:func:`analyse` works on a :class:`coplearn.grading.cohort_data.Cohort` (read from the gradebook,
or built in memory); :mod:`coplearn.grading.cohort` turns the :class:`Analysis` into the report.
The rules of thumb (:data:`MIN_COHORT`, :data:`RETEACH_SHARE`, :data:`NEGATIVE`, :data:`WEAK`)
are the course's own; :data:`coplearn.grading.cohort.METHOD` explains them in the report.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from coplearn.grading.answers import printable
from coplearn.grading.cohort_data import NOT_AN_OPTION, Cohort, ItemInfo, answer_label, is_option, item_info, misconception

__all__ = ["Analysis", "AnswerRow", "ItemStats", "Reteach", "analyse", "MIN_COHORT", "RETEACH_SHARE", "NEGATIVE",
           "WEAK", "BANDS", "RETEACH_MIN_COUNT", "DISCRIMINATION_MIN"]

#: No per-item breakdown below this many submissions.
MIN_COHORT = 5
#: A wrong answer is worth reteaching when at least this share of the cohort gave it...
RETEACH_SHARE = 0.15
#: ...and at least this many students did: one student's slip is no cohort's misconception (walk29 M5: in a cohort of
#: five, six single slips were listed under "What to reteach first").
RETEACH_MIN_COUNT = 2
#: Below this many submissions discrimination is not shown: by chance alone it varies by about one over the square
#: root of the number of submissions (about 0.45 for 5), so its figure would mean nothing (walk29 M5).
DISCRIMINATION_MIN = 20
#: Discrimination below this is flagged "negative: check the item" (see METHOD for why not below 0).
NEGATIVE = -0.2
#: Discrimination below this (and not below NEGATIVE) hardly separates stronger from weaker submissions.
WEAK = 0.2
#: UK marking bands (lower bound in per cent, label).
BANDS = ((70, "70 and above"), (60, "60-69"), (50, "50-59"), (40, "40-49"), (0, "below 40"))


# ---- the analysis -------------------------------------------------------------------------------

#: Characters of one typed answer shown in the report (the rest is counted, not shown).
SHOWN_MAX = 200


def typed(answer: str) -> str:
    r"""A typed answer as the report shows it: control and format characters (a bidirectional
    override that would make "\u202egnimrots" read as "storming") written out as the tests' output
    writes them, and cut at :data:`SHOWN_MAX` of the characters typed (red team 17 F3).

    >>> typed("\u202egnimrots"), typed("x" * 300)[-24:]
    ('\\u202egnimrots', 'xxxx... (300 characters)')
    """
    if len(answer) <= SHOWN_MAX:
        return printable(answer)
    return f"{printable(answer[:SHOWN_MAX])}... ({len(answer):,} characters)"  # (as typed, not as written out)


@dataclass(frozen=True, kw_only=True, slots=True)
class AnswerRow:
    answer: str
    count: int
    correct: bool
    misconception: str
    label: str = ""  # what the answer code means, as the learner saw it (the option's label)

    @property
    def shown(self) -> str:
        return typed(self.answer) if not self.label or self.label == self.answer else self.label


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
            return typed(self.answer)
        return f'"{self.label}"' if self.answer.lower() in self.label.lower() else f'{typed(self.answer)} ("{self.label}")'


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
    #: submissions that gave no answer to any computer-marked question (none recorded, typed or chosen, and no
    #: item scored): they count in every item's facility, which they lower (walk29 M5). Their written answers may
    #: still be there: this says nothing of them.
    blank: tuple[str, ...] = field(default=())

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
        import html

        from coplearn.core.templates import render
        from coplearn.grading.cohort import _marking_note, not_graded_note, sections

        # the notes the written report puts at its top (check 16 M5: the notebook showed neither)
        notes = "".join(f'<p class="note"><strong>{label}</strong> {html.escape(text)}</p>'
                        for label, text in (("Not graded.", not_graded_note(self)),
                                            ("Marking not finished.", _marking_note(self))) if text)
        return notes + render("cohort_sections.html.j2", sections=sections(self))


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

    def several_lists(g: str, key: str) -> tuple[list[set[str]], list[set[str]], list[str]]:
        """For a several-answer item: the lists of those who scored it, of the others, and the options
        that could be its right one (given by all who scored it; first those no one else gave)."""
        ok = {s.student_id for i, s in enumerate(subs) if right[g][i] == 1.0}
        given = [(s, s.answers.get(key)) for s in recorded if s.answers is not None]
        right_lists = [set(map(str, v or [])) for s, v in given if s.student_id in ok]
        wrong_lists = [set(map(str, v or [])) for s, v in given if s.student_id not in ok]
        common = set.intersection(*right_lists) if right_lists else set()
        never_wrong = [o for o in sorted(common) if not any(o in w for w in wrong_lists)]
        return right_lists, wrong_lists, never_wrong + [o for o in sorted(common) if o not in never_wrong]

    # Items sharing one several-answer question (a1's and a3's) each mark one option: the one its
    # hidden test checks (read from the gradebook), or else one worked out from the answers, never
    # one a sibling item already marks while another fits (red team 8: when everyone who scored
    # both marks gave both options, both marks had been given the same option). An option a sibling
    # item marks right is not a wrong answer to this one.
    right_option: dict[str, str | None] = {}
    several_right: dict[str, set[str]] = {}
    for g in auto:
        key, how = cohort.answer_keys.get(g, ("", ""))
        if not (key and how == "several" and recorded):
            continue
        checked = cohort.checked_options.get(g)
        if checked is None:
            siblings = {cohort.checked_options.get(o) for o in auto if cohort.answer_keys.get(o, ("",))[0] == key}
            taken = several_right.get(key, set()) | (siblings - {None})
            candidates = several_lists(g, key)[2]
            checked = next((o for o in candidates if o not in taken), candidates[0] if candidates else None)
        right_option[g] = checked
        if checked is not None:
            several_right.setdefault(key, set()).add(checked)
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
                right_lists, wrong_lists, _ = several_lists(g, key)
                correct = right_option.get(g)
                counts = Counter(o for w in wrong_lists for o in w
                                 if o != correct and o not in several_right.get(key, ()))
                if correct is not None:
                    rows.append(AnswerRow(answer=correct, count=sum(correct in r for r in right_lists), correct=True,
                                          misconception="", label=answer_label(kind, correct)))
                for ans, c in counts.most_common():
                    text = (misconception(kind, correct, ans) if is_option(kind, ans) else NOT_AN_OPTION) if correct else ""
                    rows.append(AnswerRow(answer=ans, count=c, correct=False, misconception=text,
                                          label=answer_label(kind, ans)))
            else:
                values = [(s, _fmt_answer(v) if v is not None else "(no answer)") for s, v in given]
                right_values = Counter(v for s, v in values if s.student_id in ok and v != "(no answer)")
                checked = cohort.checked_options.get(g) if kind not in ("number", "") else None
                correct = checked if checked is not None else (right_values.most_common(1)[0][0] if right_values else None)
                counts = Counter(v for _, v in values)
                for ans, c in counts.most_common():
                    # A choice's right answer is the one its hidden test requires, read from the
                    # gradebook: any answer a scorer's record gave had counted as right, so one student
                    # whose record and marks differed could make a wrong answer "right" (red team 17 F2).
                    # Where the test cannot be read (and for a number, right within the test's tolerance
                    # at several values), an answer given by someone who scored the item is right.
                    is_right = (ans == checked if checked is not None else
                                ans != "(no answer)" and any(v == ans and s.student_id in ok for s, v in values))
                    text = ""
                    if not is_right and correct is not None and ans != "(no answer)":
                        text = misconception(kind, correct, ans) if is_option(kind, ans) else NOT_AN_OPTION
                    elif ans == "(no answer)":
                        text = "Left unanswered."
                    rows.append(AnswerRow(answer=ans, count=c, correct=is_right, misconception=text,
                                          label="" if ans == "(no answer)" or kind == "number" else answer_label(kind, ans)))
        facility = sum(right[g]) / n if n else 0.0
        stats = ItemStats(grade_id=g, info=info, n=n, facility=facility, discrimination=disc, correct=correct,
                          answers=tuple(rows), recorded=len(recorded))
        items.append(stats)
        for row in rows:
            # (an answer typed by hand that is none of the choices is shown in the item's table, but is
            # not a misconception to reteach: red team 8 F1)
            if not row.correct and row.misconception and row.misconception != NOT_AN_OPTION and row.answer != "(no answer)":
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
                    reteach=() if small else tuple(r for r in unique if r.share >= RETEACH_SHARE
                                                   and r.count >= RETEACH_MIN_COUNT),
                    lessons=tuple(lessons),
                    concepts=tuple(concepts), manual=tuple(manual), totals=totals,
                    max_total=max((s.max_total for s in subs), default=0.0),
                    answers_missing=n - len(recorded), names=names, unknown_items=unknown,
                    blank=tuple(s.student_id for s in subs
                                if auto and s.answers is not None  # (a5 has no computer-marked item: rev29 H1)
                                and not any((c := scored[s.student_id].get(g)) and c.score for g in auto)
                                and not any(v not in (None, "", [], {}) for v in s.answers.values())))
