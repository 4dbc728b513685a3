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
"""

from __future__ import annotations

import ast
import datetime as _dt
import functools
import json
import math
import os
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from coplearn.core.atomic import atomic_write_text
from coplearn.core.data import root
from coplearn.core.formats import pick_format  # noqa: F401 - used by cli_cohort too

__all__ = ["CohortError", "Cohort", "ItemStats", "Submission", "analyse", "load_cohort", "render_html",
           "render_markdown", "write_report", "course_settings", "MIN_COHORT", "METHOD", "BANDS"]

#: No per-item breakdown below this many submissions.
MIN_COHORT = 5
#: A wrong answer is worth reteaching when at least this share of the cohort gave it.
RETEACH_SHARE = 0.15
#: UK marking bands (lower bound in per cent, label).
BANDS = ((70, "70 and above"), (60, "60-69"), (50, "50-59"), (40, "40-49"), (0, "below 40"))

METHOD = (
    "Facility is the share of submissions that scored an item in full. Discrimination is the corrected "
    "item-total point-biserial correlation: the correlation between scoring the item (1 or 0) and the "
    "total of the other autograded items. We use it because the items are scored right or wrong, so the "
    "point-biserial is the natural correlation, and because leaving the item out of the total stops a "
    "short assignment's items from correlating with themselves. Values below 0.2 mean the item hardly "
    "separates stronger from weaker submissions; a negative value means stronger submissions got it "
    "wrong more often, which is worth checking (the wording, or a misconception held by confident "
    "students). With a cohort of a few dozen these figures are rough guides, not measurements."
)
OURS = (
    "This report is coplearn's own aid for tutors. The misconceptions attached to wrong answers are the "
    "course's interpretation of what each choice suggests; the correct answer to each item is read from "
    "the cohort (the answers of those who scored it), not from an answer key."
)


class CohortError(Exception):
    """Input the report cannot use; the message is one line for the tutor."""


# ---- course settings -----------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True, slots=True)
class CourseSettings:
    root: Path
    course_id: str
    db_url: str
    autograded: Path


def course_settings(course_dir: str | os.PathLike[str] | None = None) -> CourseSettings:
    """The course root, id, gradebook URL and autograded folder, from ``nbgrader_config.py``."""
    here = Path(course_dir).expanduser().resolve() if course_dir else None
    if here is None:
        start = Path.cwd().resolve()
        here = next((f for f in (start, *start.parents) if (f / "nbgrader_config.py").exists()), start)
    config_file = here / "nbgrader_config.py"
    cd: Any = {}
    if config_file.exists():
        from traitlets.config.loader import PyFileConfigLoader

        try:
            cd = PyFileConfigLoader("nbgrader_config.py", path=str(here)).load_config().get("CourseDirectory", {})
        except Exception as exc:  # noqa: BLE001 - report any config problem as one line
            raise CohortError(f"cannot read {config_file}: {exc}") from None
    root_dir = Path(cd.get("root", here))
    course_id = cd.get("course_id", os.environ.get("COPLEARN_COURSE_ID", "coplearn"))
    db_url = cd.get("db_url", f"sqlite:///{root_dir / 'gradebook.db'}")
    autograded = root_dir / cd.get("autograded_directory", "autograded")
    return CourseSettings(root=root_dir, course_id=str(course_id), db_url=str(db_url), autograded=autograded)


# ---- the data file ------------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True, slots=True)
class ItemInfo:
    assignment: str
    grade_id: str
    kind: str
    lesson: str
    concepts: tuple[str, ...]
    idea: str


@functools.lru_cache(maxsize=1)
def _data() -> tuple[dict[tuple[str, str], ItemInfo], dict[tuple[str, str, str], str], dict[str, str]]:
    top = root("misconceptions.toml")
    items = {}
    for r in top.table_list("item"):
        info = ItemInfo(assignment=r.str("assignment"), grade_id=r.str("grade_id"), kind=r.str("kind"),
                        lesson=r.str("lesson"), concepts=r.str_list("concepts"), idea=r.str("idea"))
        items[(info.assignment, info.grade_id)] = info
    confusions = {(r.str("kind"), r.str("correct"), r.str("chosen")): r.str("misconception")
                  for r in top.table_list("confusion")}
    fallback = {r.str("kind"): r.str("misconception") for r in top.table_list("fallback")}
    return items, confusions, fallback


def item_info(assignment: str, grade_id: str) -> ItemInfo | None:
    return _data()[0].get((assignment, grade_id))


def known_assignments() -> tuple[str, ...]:
    return tuple(sorted({a for a, _ in _data()[0]}))


_LADDER = ("informed", "consulted", "partners", "co_producers")


def _label(kind: str, value: object) -> str:
    if kind == "number":
        return str(value)
    try:
        from coplearn.grading.answers import options

        for o in options(kind):
            if o.key == value:
                return o.label
    except (LookupError, ImportError):
        pass
    return str(value)


def misconception(kind: str, correct: object, chosen: object) -> str:
    """The misconception a wrong answer reflects (the course's interpretation).

    >>> misconception("readiness", "R3", "R1")
    'Takes a loss of confidence or commitment for a lack of skill: treats an able person as unable.'
    """
    _, confusions, fallback = _data()
    text = confusions.get((kind, str(correct), str(chosen)))
    if text:
        return text
    template = fallback.get(kind, "Gives {chosen} where the answer is {correct}.")
    direction = "Overstates"
    if kind == "degree" and correct in _LADDER and chosen in _LADDER:
        direction = "Overstates" if _LADDER.index(str(chosen)) > _LADDER.index(str(correct)) else "Understates"
    return template.format(correct=_label(kind, correct), chosen=_label(kind, chosen), direction=direction)


# ---- reading the gradebook ----------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True, slots=True)
class CellScore:
    grade_id: str
    score: float | None
    max_score: float
    auto: bool


@dataclass(frozen=True, kw_only=True, slots=True)
class Submission:
    """One student's submission: scores per graded cell and, if recorded, their answers."""

    student_id: str
    name: str
    cells: tuple[CellScore, ...]
    answers: Mapping[str, Any] | None

    @property
    def total(self) -> float:
        return sum(c.score or 0.0 for c in self.cells)

    @property
    def max_total(self) -> float:
        return sum(c.max_score for c in self.cells)


@dataclass(frozen=True, kw_only=True, slots=True)
class Cohort:
    assignment: str
    course_id: str
    submissions: tuple[Submission, ...]
    answer_keys: Mapping[str, tuple[str, str]]  # grade_id -> (answer key, how: choice|number|several)
    auto_cells: tuple[tuple[str, float], ...]  # (grade_id, max_score) in notebook order
    manual_cells: tuple[tuple[str, float], ...]


def _answer_key(source: str) -> tuple[str, str] | None:
    """The answer key a graded cell reads (``q1_readiness.frank``, ``q2_stage``) and how."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("choice", "number", "several"):
            args = [a.value for a in node.args if isinstance(a, ast.Constant)]
            if not args or not isinstance(args[0], str):
                continue
            question = args[0]
            if node.func.id == "several" or len(args) < 2:
                return question, node.func.id
            return f"{question}.{args[1]}", node.func.id
    return None


def _check_database(url: str, course_id: str) -> None:
    """Refuse, in one line, a gradebook that is missing, empty, or another course's (read-only checks)."""
    from sqlalchemy import create_engine, inspect, text
    from sqlalchemy.exc import SQLAlchemyError

    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
        if not path.exists():
            raise CohortError(f"there is no gradebook at {path}; run this in the course folder or give --db")
        if path.stat().st_size == 0:
            raise CohortError(f"the gradebook at {path} is empty: nothing has been autograded yet")
    try:
        engine = create_engine(url, future=True)
        try:
            tables = set(inspect(engine).get_table_names())
            if not tables:  # a PostgreSQL database made for the course, nothing generated into it yet
                raise CohortError(f"the gradebook {_where(url)} is empty: it has no tables yet "
                                  "(nothing has been generated or autograded into it)")
            if not {"course", "assignment", "submitted_assignment", "grade"} <= tables:
                raise CohortError(f"{_where(url)} is not an nbgrader gradebook (it has no nbgrader tables)")
            with engine.connect() as conn:
                courses = [r[0] for r in conn.execute(text("SELECT id FROM course"))]
                assignments = [r[0] for r in conn.execute(text("SELECT name FROM assignment"))]
        finally:
            engine.dispose()
    except SQLAlchemyError as exc:
        raise CohortError(f"cannot read the gradebook {_where(url)}: {exc.__class__.__name__}") from None
    if not assignments:
        raise CohortError(f"the gradebook {_where(url)} is empty: it has no assignments yet")
    ours = set(known_assignments())
    if course_id not in courses and not ours & set(assignments):
        raise CohortError(f"the gradebook {_where(url)} belongs to another course ({', '.join(courses) or 'none'}), "
                          f"not {course_id}")


def _where(url: str) -> str:
    return url[len("sqlite:///"):] if url.startswith("sqlite:///") else url.split("@")[-1]


def load_cohort(assignment: str, *, db_url: str, course_id: str = "coplearn",
                autograded: str | os.PathLike[str] | None = None, names: bool = False) -> Cohort:
    """Read one assignment's submissions from the gradebook and the autograded notebooks."""
    _check_database(db_url, course_id)
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url, course_id=course_id) as gb:
        try:
            gb_assignment = gb.find_assignment(assignment)
        except MissingEntry:
            have = ", ".join(sorted(a.name for a in gb.assignments)) or "none"
            raise CohortError(f"{assignment!r} is not an assignment in this gradebook; it has: {have}") from None
        answer_keys: dict[str, tuple[str, str]] = {}
        auto_cells: list[tuple[str, float]] = []
        manual_cells: list[tuple[str, float]] = []
        for nb in gb_assignment.notebooks:
            solutions = {c.name for c in nb.solution_cells}
            for cell in nb.grade_cells:
                if cell.cell_type == "code" and cell.name not in solutions:
                    auto_cells.append((cell.name, float(cell.max_score)))
                    try:
                        src = gb.find_source_cell(cell.name, nb.name, assignment).source
                    except MissingEntry:
                        src = ""
                    key = _answer_key(src or "")
                    if key:
                        answer_keys[cell.name] = key
                else:
                    manual_cells.append((cell.name, float(cell.max_score)))
            for cell in nb.task_cells:
                manual_cells.append((cell.name, float(cell.max_score)))
        auto_names = {n for n, _ in auto_cells}
        subs = []
        for sub in gb.assignment_submissions(assignment):
            cells = []
            answers: dict[str, Any] | None = {}
            for snb in sub.notebooks:
                for g in snb.grades:
                    auto = g.name in auto_names
                    score = g.score if (auto or g.manual_score is not None or not g.needs_manual_grade) else None
                    cells.append(CellScore(grade_id=g.name, score=None if score is None else float(score),
                                           max_score=float(g.max_score), auto=auto))
                got = _read_answers(autograded, sub.student.id, assignment, snb.name)
                if got is None or answers is None:
                    answers = None
                else:
                    answers.update(got)
            label = sub.student.id
            if names and (sub.student.first_name or sub.student.last_name):
                label = f"{sub.student.first_name or ''} {sub.student.last_name or ''}".strip() + f" ({sub.student.id})"
            subs.append(Submission(student_id=sub.student.id, name=label, cells=tuple(cells), answers=answers))
    if not subs:
        raise CohortError(f"{assignment!r} has no submissions in the gradebook yet: collect and autograde first")
    subs.sort(key=lambda s: s.student_id)
    return Cohort(assignment=assignment, course_id=course_id, submissions=tuple(subs), answer_keys=answer_keys,
                  auto_cells=tuple(auto_cells), manual_cells=tuple(manual_cells))


def _read_answers(folder: str | os.PathLike[str] | None, student: str, assignment: str,
                  notebook: str) -> dict[str, Any] | None:
    if folder is None:
        return None
    path = Path(folder) / student / assignment / f"{notebook}.ipynb"
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        answers = nb["metadata"]["coplearn"]["graded_answers"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return dict(answers) if isinstance(answers, Mapping) else None


# ---- the analysis -------------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True, slots=True)
class AnswerRow:
    answer: str
    count: int
    correct: bool
    misconception: str


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

    def _repr_html_(self) -> str:
        """The report's sections, for a notebook (headings start at level 2)."""
        return "".join(f'<section aria-labelledby="{i}"><h2 id="{i}">{esc(h)}</h2>{b}</section>'
                       for i, h, b in sections(self))


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
                                          misconception=""))
                for ans, c in counts.most_common():
                    rows.append(AnswerRow(answer=ans, count=c, correct=False,
                                          misconception=misconception(kind, correct, ans) if correct else ""))
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
                    rows.append(AnswerRow(answer=ans, count=c, correct=is_right, misconception=text))
        facility = sum(right[g]) / n if n else 0.0
        stats = ItemStats(grade_id=g, info=info, n=n, facility=facility, discrimination=disc, correct=correct,
                          answers=tuple(rows), recorded=len(recorded))
        items.append(stats)
        for row in rows:
            if not row.correct and row.misconception and row.answer != "(no answer)":
                reteach.append(Reteach(grade_id=g, answer=row.answer, count=row.count, share=row.count / len(recorded),
                                       misconception=row.misconception, idea=stats.idea, lesson=stats.lesson,
                                       concepts=info.concepts if info else ()))
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


# ---- charts (inline SVG, as in the team audit report) ----------------------------------------------

BLUE, ORANGE, VERMILLION = "#0072B2", "#E69F00", "#D55E00"


def esc(value: object) -> str:
    return escape(str(value), quote=True)


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _svg(fig_id: str, title: str, desc: str, width: int, height: int, body: str) -> str:
    return (f'<svg role="img" width="100%" viewBox="0 0 {width} {height}" aria-labelledby="{fig_id}-title {fig_id}-desc" '
            f'font-family="Arial, Helvetica, sans-serif" style="max-width:{width}px">'
            f'<title id="{fig_id}-title">{esc(title)}</title><desc id="{fig_id}-desc">{esc(desc)}</desc>{body}</svg>')


def _bars(fig_id: str, title: str, desc: str, rows: Sequence[tuple[str, float]], *, scale: float = 100.0,
          unit: str = "%") -> str:
    """Horizontal bars with the value written at each bar's end (never colour alone); the axis runs
    from 0 to ``scale`` (the rows' values are per cent unless a scale is given)."""
    left, width, row, top = 300.0, 380.0, 26.0, 24.0
    bottom = top + row * max(len(rows), 1)
    parts = []
    for v in range(0, 101, 25):
        x = left + width * v / 100
        parts.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{bottom}" stroke="#d0d0d0"/>'
                     f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" font-size="12">'
                     f"{v * scale / 100:g}{unit}</text>")
    for k, (label, value) in enumerate(rows):
        y = top + row * k
        w = width * max(0.0, min(value / scale, 1.0))
        parts.append(f'<text x="{left - 8}" y="{y + 16:.1f}" text-anchor="end" font-size="13">{esc(label[:44])}</text>'
                     f'<rect x="{left}" y="{y + 4:.1f}" width="{w:.1f}" height="16" fill="{BLUE}" stroke="#000000"/>'
                     f'<text x="{left + w + 6:.1f}" y="{y + 17:.1f}" font-size="13">{value:g}{unit}</text>')
    return _svg(fig_id, title, desc, 760, int(bottom + 30), "".join(parts))


def _table(caption: str, header: Sequence[str], rows: Sequence[Sequence[object]], numeric: Sequence[int] = ()) -> str:
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in header)
    body = "".join("<tr>" + "".join((f'<td class="num">{esc(c)}</td>' if i in numeric else f"<td>{esc(c)}</td>")
                                    for i, c in enumerate(r)) + "</tr>" for r in rows)
    return (f'<div class="scroll" role="region" aria-label="{esc(caption)}" tabindex="0"><table><caption>{esc(caption)}'
            f"</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


def _figure(fig_id: str, title: str, desc: str, svg: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    return (f'<figure aria-labelledby="{fig_id}-cap"><figcaption id="{fig_id}-cap">{esc(title)}</figcaption>{svg}'
            f'<div class="alt"><p><strong>In words:</strong> {esc(desc)}</p><details><summary>The chart\'s data as a '
            f"table</summary>{_table(title, header, rows)}</details></div></figure>")


# ---- the report ---------------------------------------------------------------------------------

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


def _reteach_sentences(a: Analysis) -> list[str]:
    out = []
    for r in a.reteach[:6]:
        concepts = f" ({', '.join(r.concepts)})" if r.concepts else ""
        out.append(f"{r.count} of {a.n - a.answers_missing} ({_pct(r.share)}) answered {r.answer} on {r.grade_id} "
                   f"({r.idea}). {r.misconception} Reteach it with lesson {r.lesson}, "
                   f"{_lesson_title(r.lesson)}{concepts}.")
    weak = [row for row in a.lessons if row[3] < 0.6]
    for lesson, title, k, fac in weak[:3]:
        out.append(f"Lesson {lesson} ({title}): the cohort scored {_pct(fac)} on its {k} autograded item"
                   f"{'s' if k != 1 else ''}.")
    return out


def sections(a: Analysis) -> list[tuple[str, str, str]]:
    """The report's sections as (id, heading, HTML body)."""
    c = a.cohort
    out: list[tuple[str, str, str]] = []
    # what to reteach
    if a.small:
        body = (f"<p>Only {a.n} submission{'s' if a.n != 1 else ''}: fewer than {MIN_COHORT}, so this report shows the "
                "spread of totals and the manual marks but no item-by-item breakdown (too few to read anything "
                "into, and too easy to identify someone).</p>")
    else:
        sentences = _reteach_sentences(a)
        body = ("<ol>" + "".join(f"<li>{esc(s)}</li>" for s in sentences) + "</ol>") if sentences else (
            f"<p>No wrong answer was given by {_pct(RETEACH_SHARE)} or more of the cohort, and every lesson's items "
            "were scored 60% or better: nothing stands out to reteach.</p>")
        if a.answers_missing:
            body += (f"<p>{a.answers_missing} of {a.n} submissions have no recorded answers (answers not recorded: "
                     "the notebook was autograded before the course recorded them, or is missing); they count in "
                     "facility and discrimination but not in the answer tables.</p>")
    out.append(("reteach", "What to reteach first", body))
    if not a.small:
        rows = [(f"Lesson {l}: {t}", round(100 * f)) for l, t, _, f in a.lessons]
        desc = "Share of autograded marks the cohort earned, by the lesson that teaches the item: " + "; ".join(
            f"{label} {v}%" for label, v in rows) + "."
        body = _figure("fig-lessons", "Cohort score by lesson", desc,
                       _bars("fig-lessons", "Cohort score by lesson", desc, rows), ("lesson", "score (%)"), rows)
        body += _table("By concept (lowest first)", ("concept", "title", "items", "cohort score"),
                       [(k, t, n, _pct(f)) for k, t, n, f in a.concepts], numeric=(2, 3))
        out.append(("lessons", "By lesson and concept", body))
        rows = [(st.grade_id, round(100 * st.facility)) for st in a.items]
        desc = "Facility (share who scored the item) for each autograded item: " + "; ".join(
            f"{g} {v}%" for g, v in rows) + "."
        body = _figure("fig-items", "Facility by item", desc, _bars("fig-items", "Facility by item", desc, rows),
                       ("item", "facility (%)"), rows)
        body += _table("Autograded items", ("item", "what it tests", "lesson", "facility", "discrimination", "note"),
                       [(st.grade_id, st.idea, st.lesson, _pct(st.facility),
                         "n/a" if st.discrimination is None else f"{st.discrimination:.2f}", _item_note(st))
                        for st in a.items], numeric=(3, 4))
        for st in a.items:
            if not st.answers:
                body += f"<h3>{esc(st.grade_id)}</h3><p>Answers not recorded for this item.</p>"
                continue
            body += f"<h3>{esc(st.grade_id)}: {esc(st.idea)}</h3>"
            body += _table(f"Answers to {st.grade_id} ({st.recorded} recorded)",
                           ("answer", "how many", "share", "right?", "misconception it reflects", "lesson"),
                           [(r.answer, r.count, _pct(r.count / max(st.recorded, 1)), "yes" if r.correct else "no",
                             r.misconception or "-", "" if r.correct else st.lesson) for r in st.answers],
                           numeric=(1, 2))
        out.append(("items", "Item by item", body))
    # manual marks
    if a.manual:
        rows = []
        for g, mx, bands, not_marked in a.manual:
            rows.append((g, f"{mx:g}", *(bands[label] for _, label in BANDS), not_marked))
        body = _table("Manually marked questions: submissions in each UK marking band",
                      ("question", "out of", *(label for _, label in BANDS), "not yet marked"), rows,
                      numeric=tuple(range(1, 3 + len(BANDS))))
    else:
        body = "<p>This assignment has no manually marked questions.</p>"
    out.append(("manual", "Manual marks by band", body))
    # totals
    t = a.totals
    q1, med, q3 = _quartiles(t)
    body = (f"<p>Totals out of {a.max_total:g}: lowest {min(t):g}, lower quartile {q1:.1f}, median {med:.1f}, "
            f"upper quartile {q3:.1f}, highest {max(t):g}; mean {statistics.fmean(t):.1f}.</p>")
    if not a.small:
        step = a.max_total / 10 if a.max_total else 1
        counts = [sum(1 for v in t if (k * step <= v < (k + 1) * step) or (k == 9 and v == a.max_total))
                  for k in range(10)]
        rows = [(f"{k * step:g} to {(k + 1) * step:g}", n) for k, n in enumerate(counts)]
        desc = "How many submissions fall in each tenth of the total: " + "; ".join(f"{r} {n}" for r, n in rows) + "."
        body += _figure("fig-totals", "Spread of totals", desc,
                        _bars("fig-totals", "Spread of totals", desc, rows, scale=max(max(counts), 1), unit=""),
                        ("total", "submissions"), rows)
    out.append(("totals", "Spread of totals", body))
    if a.names:
        body = _table("Submissions", ("student", "total", "out of"),
                      [(s.name, f"{s.total:g}", f"{s.max_total:g}") for s in c.submissions], numeric=(1, 2))
        out.append(("students", "Students", body))
    method = f"<p>{esc(METHOD)}</p><p>{esc(OURS)}</p>"
    if a.unknown_items:
        method += (f"<p>Items with no entry in coplearn's misconceptions data (shown without a lesson): "
                   f"{esc(', '.join(a.unknown_items))}.</p>")
    if not a.names:
        method += "<p>Students are not named in this report; <code>--names</code> adds a table of totals by student.</p>"
    out.append(("method", "Method and limits", method))
    return out


def _item_note(st: ItemStats) -> str:
    if st.discrimination is None:
        return "everyone scored the same"
    if st.discrimination < 0:
        return "negative: check the item"
    if st.discrimination < 0.2:
        return "weak discrimination"
    return ""


_CSS = """
body{font-family:Arial,Helvetica,sans-serif;font-size:1rem;line-height:1.5;color:#1a1a1a;max-width:60rem;margin:1.5rem auto;padding:0 1rem}
h1{font-size:1.9rem}h2{font-size:1.45rem;margin-top:2.5rem;border-top:3px solid #0072B2;padding-top:.75rem}h3{font-size:1.15rem}
table{border-collapse:collapse;margin:.75rem 0;font-size:.95rem}caption{text-align:left;font-weight:bold;padding:.25rem 0}
th,td{border:1px solid #8c8c8c;padding:.3rem .5rem;vertical-align:top;text-align:left}th{background:#eef3f8}.num{text-align:right}
.note{border-left:4px solid #0072B2;background:#f4f8fb;padding:.5rem 1rem}.alt{border:1px solid #b0b0b0;padding:.5rem 1rem;margin:.5rem 0 1.5rem}
.scroll{overflow-x:auto;max-width:100%}.scroll:focus{outline:3px solid #E69F00}figure{margin:1rem 0}figcaption{font-weight:bold}
summary{cursor:pointer;font-weight:bold}
""".strip()


def render_html(a: Analysis) -> str:
    """The report as one standalone HTML page (no scripts, no external files)."""
    today = _dt.date.today()
    title = f"Cohort insight: {a.cohort.assignment}"
    secs = sections(a)
    head = (f"<header><h1>{esc(title)}</h1><p>{a.n} submission{'s' if a.n != 1 else ''} in course "
            f"{esc(a.cohort.course_id)}, made on {today.day} {today.strftime('%B %Y')} with coplearn.</p>"
            f'<p class="note">{esc(OURS)}</p></header>'
            '<nav aria-label="Contents"><h2 id="contents">Contents</h2><ol>'
            + "".join(f'<li><a href="#{i}">{esc(h)}</a></li>' for i, h, _ in secs) + "</ol></nav>")
    body = "".join(f'<section aria-labelledby="{i}"><h2 id="{i}">{esc(h)}</h2>{b}</section>' for i, h, b in secs)
    return ('<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n{head}<main>{body}</main>\n</body>\n</html>\n")


def render_markdown(a: Analysis) -> str:
    """The same report as Markdown (charts replaced by their text and data)."""
    import html as _h
    import re

    out = [f"# Cohort insight: {a.cohort.assignment}", "", f"{a.n} submissions in course {a.cohort.course_id}.", "",
           f"> {OURS}", ""]
    for _, heading, body in sections(a):
        out += [f"## {heading}", ""]
        body = re.sub(r"<svg.*?</svg>", "", body, flags=re.S)
        body = re.sub(r"<li>", "\n- ", body).replace("</ol>", "\n").replace("</ul>", "\n")
        body = re.sub(r"</(p|h3|caption|tr|figcaption|summary)>", "\n", body)
        body = re.sub(r"<h3>", "\n### ", body)
        body = re.sub(r"</t[dh]>", " | ", body)
        text = _h.unescape(re.sub(r"<[^>]+>", "", body))
        out += [line.strip() for line in text.splitlines() if line.strip()] + [""]
    return "\n".join(out)


FORMATS = {"html": (".html", ".htm"), "md": (".md", ".markdown", ".txt")}


def write_report(a: Analysis, path: str | os.PathLike[str], fmt: str | None = None) -> Path:
    key = pick_format(path, fmt, FORMATS, "a report format", "format")
    target = Path(path).expanduser()
    atomic_write_text(target, render_html(a) if key == "html" else render_markdown(a))
    return target
