"""What a cohort report is made of: the course's notes on each graded item, and the cohort's
submissions read from nbgrader's gradebook (scores per cell) and autograded notebooks (answers).

:mod:`coplearn.grading.cohort` analyses a :class:`Cohort` and writes the report.
"""

from __future__ import annotations

import ast
import functools
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coplearn.core.data import root

__all__ = ["CohortError", "CourseSettings", "course_settings", "ItemInfo", "item_info", "known_assignments",
           "misconception", "answer_label", "CellScore", "Submission", "Cohort", "load_cohort"]


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


def answer_label(kind: str, value: object) -> str:
    """What an answer code means, as the learner saw it (the option's label; an audit item's text).

    >>> answer_label("readiness", "R1")
    'R1: unable and unwilling or insecure'
    >>> answer_label("number", 3.2)
    '3.2'
    >>> answer_label("stage", "st\u043erming")  # (a Cyrillic o: red team 19 F2, the report's part)
    'stоrming (holds a letter other than a to z: о, CYRILLIC SMALL LETTER O)'
    """
    if kind == "item":
        from coplearn.paper.action_centred import get_item

        try:
            return f"{value}: {get_item(str(value)).text}"
        except LookupError:
            return str(value)
    return _label(kind, value)


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
    return str(value) + _look_alike_note(value)


def _look_alike_note(value: object) -> str:
    """A typed answer that looks like an option but holds a letter other than the keyboard's a to z
    (a Cyrillic о for o) is named so in the report, where it would look like a right answer marked wrong."""
    from coplearn.grading.checks import non_keyboard_letters

    odd = non_keyboard_letters(value)
    if not odd:
        return ""
    named = "; ".join(f"{ch}, {name}" for ch, name in odd[:3])
    return f" (holds {'letters' if len(odd) > 1 else 'a letter'} other than a to z: {named})"


def is_option(kind: str, value: object) -> bool:
    """Whether ``value`` is one of the answers a question of this kind offers (an audit item's id
    for ``item``); True for numbers and for a kind the course does not know (nothing to check against).

    >>> is_option("readiness", "R1"), is_option("readiness", "## R1"), is_option("item", "K8"), is_option("number", "x")
    (True, False, True, True)
    """
    if kind == "number":
        return True
    if kind == "item":
        from coplearn.paper.action_centred import get_item

        try:
            get_item(str(value))
        except LookupError:
            return False
        return True
    try:
        from coplearn.grading.answers import options

        return any(o.key == value for o in options(kind))
    except (LookupError, ImportError):
        return True


#: What the report says of an answer typed by hand that is none of the question's choices.
NOT_AN_OPTION = "Not one of the choices (typed by hand): nothing to read into it."


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
    #: grade_id -> the option a "several" item's hidden test checks (``assert "K8" in _given``), or the
    #: answer a "choice" item's requires (``assert answer == "R3"``), read from the test's source in the
    #: gradebook; items not listed are worked out from the answers
    checked_options: Mapping[str, str] = field(default_factory=dict)
    #: submissions in the gradebook that were never autograded (it failed, or was never run): left out
    #: of everything above and named, so that no one reads them as a graded 0 (docs16 F5)
    not_graded: tuple[str, ...] = ()


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


def _checked_option(source: str) -> str | None:
    """The one option a "several" item's hidden test requires (``assert "K8" in _given``), or None.

    >>> _checked_option('_given = list(answer)\\nassert len(_given) == 2\\nassert "professional" in _given, "Not quite."')
    'professional'
    >>> _checked_option('assert "a" in _given\\nassert "b" in _given') is None  # two: not one item's option
    True
    >>> _checked_option('assert not "a" in _given') is None  # a test that the option is *not* given
    True
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    tests = [node.test for node in ast.walk(tree) if isinstance(node, ast.Assert)]  # (not `assert not "X" in ...`)
    found = [t.left.value for t in tests
             if isinstance(t, ast.Compare) and len(t.ops) == 1 and isinstance(t.ops[0], ast.In)
             and isinstance(t.left, ast.Constant) and isinstance(t.left.value, str)
             and isinstance(t.comparators[0], ast.Name) and t.comparators[0].id == "_given"]
    return found[0] if len(found) == 1 else None


def _checked_answer(source: str) -> str | None:
    """The one answer a "choice" item's hidden test requires (``assert answer == "R3", ...``), or None.

    >>> _checked_answer('answer = choice("q2_stage")\\nassert answer == "storming", ("Not quite.")')
    'storming'
    >>> _checked_answer('assert answer == "a" or answer == "b"') is None  # not one answer
    True
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    tests = [node.test for node in ast.walk(tree) if isinstance(node, ast.Assert)]
    found = [t.comparators[0].value for t in tests
             if isinstance(t, ast.Compare) and len(t.ops) == 1 and isinstance(t.ops[0], ast.Eq)
             and isinstance(t.left, ast.Name) and t.left.id == "answer"
             and isinstance(t.comparators[0], ast.Constant) and isinstance(t.comparators[0].value, str)]
    return found[0] if len(found) == 1 else None


def _check_database(url: str, course_id: str) -> None:
    """Refuse, in one line, a gradebook that is missing, empty, or another course's (read-only checks)."""
    from sqlalchemy import create_engine, inspect, text
    from sqlalchemy.exc import NoSuchModuleError, OperationalError, SQLAlchemyError

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
    except OperationalError:
        raise CohortError(_cannot_connect(url)) from None
    except (ImportError, NoSuchModuleError) as exc:  # the URL names a database driver not installed here
        raise CohortError(f"cannot connect to the gradebook database at {_where(url)}: the database driver the URL "
                          f"asks for is not installed here ({_driver(url, exc)}); install it, or name an installed "
                          "one in the URL, e.g. postgresql+psycopg2://") from None
    except SQLAlchemyError:
        raise CohortError(f"cannot read the gradebook {_where(url)}: it is not a database nbgrader can open; "
                          "check the file or the gradebook URL (--db, or db_url in nbgrader_config.py)") from None
    if not assignments:
        raise CohortError(f"the gradebook {_where(url)} is empty: it has no assignments yet")
    ours = set(known_assignments())
    if course_id not in courses and not ours & set(assignments):
        raise CohortError(f"the gradebook {_where(url)} belongs to another course ({', '.join(courses) or 'none'}), "
                          f"not {course_id}")


def _where(url: str) -> str:
    """Where a gradebook is, for a message: the file, or the server and database (never the password).

    >>> _where("postgresql://tutor:secret@db.example.ac.uk:5432/gradebook")
    'db.example.ac.uk:5432/gradebook'
    """
    return url[len("sqlite:///"):] if url.startswith("sqlite:///") else url.split("@")[-1]


def _driver(url: str, exc: Exception) -> str:
    """The missing driver, for a message: ``psycopg`` or ``postgresql+nosuch``."""
    if isinstance(exc, ImportError) and exc.name:
        return exc.name
    return url.split(":", 1)[0]


def _cannot_connect(url: str) -> str:
    """One plain line for a gradebook that cannot be reached: what failed and what to check.

    >>> _cannot_connect("postgresql://tutor:secret@db.example.ac.uk/gradebook")
    'cannot connect to the gradebook database at db.example.ac.uk/gradebook: check that the database server is running and reachable from here, that the database exists, and that the user name and password in the gradebook URL are right (--db, or db_url in nbgrader_config.py)'
    """
    if url.startswith("sqlite:"):
        return (f"cannot open the gradebook {_where(url)}: check that it is a gradebook file you can read and write, "
                "and that no other program has it locked")
    return (f"cannot connect to the gradebook database at {_where(url)}: check that the database server is running "
            "and reachable from here, that the database exists, and that the user name and password in the "
            "gradebook URL are right (--db, or db_url in nbgrader_config.py)")


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
        checked: dict[str, str] = {}
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
                        option = _checked_option(src or "") if key[1] == "several" else \
                            _checked_answer(src or "") if key[1] == "choice" else None
                        if option is not None:
                            checked[cell.name] = option
                else:
                    manual_cells.append((cell.name, float(cell.max_score)))
            for cell in nb.task_cells:
                manual_cells.append((cell.name, float(cell.max_score)))
        auto_names = {n for n, _ in auto_cells}
        subs, not_graded = [], []
        # the autograded folder tells who was graded only where it holds this assignment for someone
        # (a gradebook copied without it must not make every submission look ungraded)
        graded_folder = autograded if _holds_assignment(autograded, assignment) else None
        for sub in gb.assignment_submissions(assignment):
            cells = []
            answers: dict[str, Any] | None = {}
            marked = False  # any mark at all, by nbgrader or by a tutor (nbgrader's score is 0 when there is none)
            for snb in sub.notebooks:
                for g in snb.grades:
                    marked = marked or g.auto_score is not None or g.manual_score is not None
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
            if _never_graded(marked, auto_cells, graded_folder, sub.student.id, assignment):
                not_graded.append((sub.student.id, label))
                continue
            subs.append(Submission(student_id=sub.student.id, name=label, cells=tuple(cells), answers=answers))
    if not subs:
        if not_graded:
            raise CohortError(
                f"none of the {len(not_graded)} submission{'s' if len(not_graded) != 1 else ''} of {assignment!r} in "
                f"the gradebook has been autograded ({', '.join(label for _, label in sorted(not_graded)[:20])}"
                f"{', ...' if len(not_graded) > 20 else ''}): autograde them first (coplearn autograde says why one "
                "cannot be graded)")
        raise CohortError(f"{assignment!r} has no submissions in the gradebook yet: collect and autograde first")
    subs.sort(key=lambda s: s.student_id)
    return Cohort(assignment=assignment, course_id=course_id, submissions=tuple(subs), answer_keys=answer_keys,
                  auto_cells=tuple(auto_cells), manual_cells=tuple(manual_cells), checked_options=checked,
                  not_graded=tuple(label for _, label in sorted(not_graded)))


def _holds_assignment(autograded: str | os.PathLike[str] | None, assignment: str) -> bool:
    """Whether the autograded folder holds ``assignment`` for at least one student."""
    if autograded is None:
        return False
    try:
        return any((student / assignment).is_dir() for student in Path(autograded).iterdir())
    except OSError:
        return False


def _never_graded(marked: bool, auto_cells: Sequence[tuple[str, float]],
                  autograded: str | os.PathLike[str] | None, student: str, assignment: str) -> bool:
    """True for a submission nbgrader recorded but never autograded (grading it failed, or was never run):
    no mark of any kind (``marked`` False), and no autograded notebook. nbgrader gives every computer-marked
    item a score, 0 included, when it grades a notebook, so where the assignment has such items, none scored
    means none graded; where it has none (a5), the missing autograded notebook says so (when its folder is
    known)."""
    if marked:
        return False
    if autograded is not None and any((Path(autograded) / student / assignment).glob("*.ipynb")):
        return False
    return bool(auto_cells) or autograded is not None


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
