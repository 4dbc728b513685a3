"""Graded exercises: learner-side answer helpers, and the autograder's guard.

**For learners** (used by the notebooks in ``exercises/``). Every choice question can be answered
with a drop-down (:mod:`coplearn.widgets.answers`) or by typing into the answer cell. A drop-down
choice is saved at once to ``answers.json`` beside the notebook (atomically), so it survives
closing the notebook and travels with it when the notebook is submitted: nbgrader's submit and
collect copy the whole assignment folder. When a graded cell runs, :func:`choice`, :func:`number`
and :func:`several` take the typed answer if there is one and the saved drop-down choice if not,
and print the answer as text ("Your answer to statement 3: managed (chosen with the drop-down)"),
so the tutor sees exactly what was graded. :func:`check_choice`, :func:`check_number` and
:func:`check_several` check only the *form* of an answer and explain, in plain English, what to
fix. Whether an answer is right is decided by hidden tests that live only in ``solutions/``.

>>> options("culture")[1].key, options("style")[1].label
('managed', 'S2 selling (coaching)')
>>> canonical("Co-producers", "degree"), canonical("s2", "style"), canonical(" k5 ", "item")
('co_producers', 'selling', 'K5')
>>> check_choice(None, "culture", "statement 3")
Traceback (most recent call last):
...
AssertionError: You have not answered statement 3 yet. Choose a learning culture from the drop-down above, or type one of: professional, managed, humanistic, democratic.

**For tutors** (used by ``nbgrader_config.py`` while autograding). Autograding runs each
submission's code, so the course adds three guards to nbgrader (see ``docs/tutor-guide.md``):

- :func:`guard_submission`, an nbgrader sanitising step that reads every code cell the student
  wrote and does not run one that reaches into Python or Jupyter to change how checking works
  (built-ins, private names, ``get_ipython``, imports other than coplearn, changing a module's
  attributes, magics and shell commands). The cell is kept as comments so the tutor can see it.
- :func:`lock_down_kernel`, run inside the grading kernel before any student code: an audit hook
  that refuses to open files in the course folder outside the student's own assignment folder
  (so ``solutions/``, ``gradebook.db`` and other students' work cannot be read), refuses to
  write outside it, to start programs or to signal other processes, and caps memory and CPU time.
- :class:`GuardedExecute` (built on nbgrader's ``Execute``): caps the output a single cell may
  produce, bounds the time a whole notebook may take, and turns a kernel that dies into zero
  marks for the cells it did not run, instead of an error that stops grading.

None of this is a full sandbox; the tutor guide says what remains.
"""

from __future__ import annotations

import ast
import builtins
import json
import math
import os
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import _validate
from ._atomic import atomic_write_text, file_lock, move_aside

__all__ = [
    "ANSWERS_FILE",
    "AnswerStore",
    "Option",
    "TeamAuditAnswers",
    "canonical",
    "check_choice",
    "check_number",
    "check_several",
    "choice",
    "guard_submission",
    "lock_down_kernel",
    "number",
    "options",
    "plain_errors",
    "several",
    "submission_problems",
    "team_audit_answers",
]

#: The file, beside the notebook, that keeps the learner's drop-down choices.
ANSWERS_FILE = "answers.json"
_FORMAT = "coplearn-answers"
_VERSION = 1
_SHOW_MAX = 80  # characters of an answer echoed back (a flood of text must not flood the output)


# ---------------------------------------------------------------------------------------------
# Option sets: the allowed answers for each kind of choice question
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class Option:
    """One allowed answer: its key (what is graded), its label (what a drop-down shows) and
    other spellings a learner may type."""

    key: str
    label: str
    aliases: tuple[str, ...] = ()


_KINDS = {
    "culture": ("learning culture", "the four learning cultures"),
    "readiness": ("readiness level", "the four readiness levels"),
    "style": ("leadership style", "the four leadership styles"),
    "stage": ("Tuckman stage", "Tuckman's five stages"),
    "future": ("future for supervision", "the two futures for supervision"),
    "degree": ("degree of involvement", "the four degrees of involvement"),
    "domain": ("domain of Adair's model", "Adair's three domains"),
    "item": ("team audit item", "the rated items of the team audit"),
}


def options(kind: str) -> tuple[Option, ...]:
    """The allowed answers for a kind of question, in the course's order.

    Kinds: ``culture``, ``readiness``, ``style``, ``stage``, ``future``, ``degree``, ``domain``
    and ``item`` (the rated items of the Table 2 audit).

    >>> [o.key for o in options("readiness")]
    ['R1', 'R2', 'R3', 'R4']
    >>> options("colour")
    Traceback (most recent call last):
    ...
    LookupError: 'colour' is not a kind of question; choose one of: culture, readiness, style, stage, future, degree, domain, item
    """
    key = _validate.choose(kind, _KINDS, "kind of question")
    import coplearn as cl  # the data loads on first use, keeping this module cheap to import

    if key == "culture":
        return tuple(Option(key=c.key, label=c.name, aliases=(f"{c.name} culture",)) for c in cl.cultures())
    if key == "readiness":
        return tuple(Option(key=r.code, label=f"{r.code}: {r.label}") for r in cl.readiness_levels())
    if key == "style":
        return tuple(
            Option(key=s.name, label=f"{s.code} {s.name} ({s.slii_name})", aliases=(s.code, s.slii_name))
            for s in cl.styles()
        )
    if key == "stage":
        return tuple(Option(key=s.key, label=s.name) for s in cl.tuckman_stages())
    if key == "future":
        return tuple(
            Option(key=f.key, label=f.name, aliases=("educative",) if f.key == "developmental" else ())
            for f in cl.supervision_futures()
        )
    if key == "degree":
        return tuple(
            Option(key=d.key, label=f"{d.level} {d.name}", aliases=(d.name, "co-production") if d.key == "co_producers" else (d.name,))
            for d in cl.involvement_degrees()
        )
    if key == "domain":
        return tuple(Option(key=d.key, label=f"{d.name} ({d.key})", aliases=(d.name,)) for d in cl.adair_domains())
    return tuple(
        Option(key=i.id, label=f"{i.id}: {i.text}") for i in cl.team_audit() if i.kind == "rating"
    )


def _what(kind: str) -> tuple[str, str]:
    return _KINDS[_validate.choose(kind, _KINDS, "kind of question")]


def canonical(value: object, kind: str) -> object:
    """The key for ``value`` if it names one of the options (any case or spelling the course
    accepts); blank answers become ``None``; anything else comes back unchanged (trimmed), so
    the form check can explain what is wrong with it.

    >>> canonical("Managed culture", "culture"), canonical("", "culture"), canonical("clan", "culture")
    ('managed', None, 'clan')
    """
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        wanted = _validate.normalise(text)
        for opt in options(kind):
            if wanted in {_validate.normalise(s) for s in (opt.key, opt.label, *opt.aliases)}:
                return opt.key
        return text
    return value


# ---------------------------------------------------------------------------------------------
# The answers file: drop-down choices saved beside the notebook
# ---------------------------------------------------------------------------------------------


def _is_source_copy(folder: Path) -> bool:
    """True in the tutor's nbgrader source copy (``solutions/<assignment>/``)."""
    return folder.parent.name == "solutions" and (folder.parent.parent / "nbgrader_config.py").exists()


class AnswerStore:
    """The learner's saved drop-down choices for one assignment folder (``answers.json``).

    Saving is atomic and locked. A file that cannot be read is treated as empty when answers are
    read, and moved aside (never overwritten) before the next save; :attr:`last_warning` says so.
    Nothing is saved while nbgrader runs the notebook (``NBGRADER_EXECUTION`` is set) or in the
    tutor's source copy, so a tutor's choices can never be released to students.

    >>> import tempfile
    >>> store = AnswerStore(tempfile.mkdtemp())
    >>> store.save("q1.3", "managed")
    True
    >>> AnswerStore(store.folder).get("q1.3")
    'managed'
    """

    def __init__(self, folder: str | os.PathLike[str] | None = None) -> None:
        self.folder = Path(folder) if folder is not None else Path.cwd()
        self.path = self.folder / ANSWERS_FILE
        self.last_warning: str | None = None

    @property
    def read_only_reason(self) -> str | None:
        """Why choices are not saved here, or ``None`` when they are."""
        if os.environ.get("NBGRADER_EXECUTION"):
            return "nbgrader is running this notebook, so choices are read but not saved."
        if _is_source_copy(self.folder):
            return ("This is the tutor's source copy (solutions/): drop-down choices are not saved here, "
                    "so they can never be released to students. Type answers into the answer cells instead.")
        return None

    def _read(self) -> tuple[dict[str, Any], bool]:
        """The saved answers and whether the file was readable (a missing file is readable)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}, True
        except OSError as exc:
            self.last_warning = f"Your saved drop-down answers could not be read ({exc.strerror or exc})."
            return {}, False
        try:
            data = json.loads(text)
            answers = data["answers"]
            if data.get("format") != _FORMAT or not isinstance(answers, dict):
                raise ValueError("not a coplearn answers file")
        except (ValueError, KeyError, TypeError):
            self.last_warning = (f"Your saved drop-down answers in {self.path.name} could not be read, "
                                 "so they are not used. Choose your answers again.")
            return {}, False
        return {str(k): v for k, v in answers.items() if isinstance(v, (str, int, float)) or v is None}, True

    def all(self) -> dict[str, Any]:
        """Every saved answer, ``{"q1.3": "managed", ...}``."""
        return self._read()[0]

    def get(self, key: str) -> Any:
        """The saved answer for ``key`` (``"q1.3"``, ``"q2"``), or ``None``."""
        return self._read()[0].get(key)

    def save(self, key: str, value: Any) -> bool:
        """Save one answer (``None`` clears it); return whether it was saved."""
        if self.read_only_reason:
            return False
        with file_lock(self.folder / f".{ANSWERS_FILE}"):  # a hidden lock file beside the answers
            answers, readable = self._read()
            if not readable and self.path.exists():
                moved = move_aside(self.path, "unreadable")
                self.last_warning = (f"Your answers file could not be read, so it was kept as {moved.name} "
                                     f"and a new {self.path.name} was started.")
            if value is None:
                answers.pop(key, None)
            else:
                answers[key] = value
            doc = {"format": _FORMAT, "version": _VERSION,
                   "saved": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "answers": answers}
            atomic_write_text(self.path, json.dumps(doc, indent=2, sort_keys=True) + "\n")
        return True


# ---------------------------------------------------------------------------------------------
# Resolving answers in graded cells: typed answer first, then the saved drop-down choice
# ---------------------------------------------------------------------------------------------


def _namespace() -> Mapping[str, Any]:
    """The learner's variables: the IPython user namespace, or the calling module's globals."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:  # pragma: no cover - IPython is always there with Jupyter
        shell = None
    if shell is not None:
        return shell.user_ns
    frame = sys._getframe(2)
    return frame.f_globals


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _typed(question: str, item: object | None) -> Any:
    """What the learner typed for ``question`` (and ``item``), or ``None``."""
    value = _namespace().get(question)
    if item is None:
        return value
    if isinstance(value, Mapping):
        for k in (item, str(item)):
            if k in value:
                return value[k]
        return None
    if isinstance(value, Sequence) and not isinstance(value, str) and isinstance(item, int):
        return value[item - 1] if 0 < item <= len(value) else None
    return None


def _show(value: object) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= _SHOW_MAX else text[: _SHOW_MAX - 3] + "..."


def _key(question: str, item: object | None) -> str:
    return question if item is None else f"{question}.{item}"


def choice(question: str, item: object | None = None, *, kind: str, label: str | None = None,
           folder: str | os.PathLike[str] | None = None) -> object:
    """The learner's answer to a choice question, printed as text, as an option key if it is one.

    The typed answer (variable ``question``, or ``question[item]`` when it is a dict) wins;
    otherwise the drop-down choice saved as ``"question.item"`` is used.
    """
    where = label or _key(question, item)
    typed = _typed(question, item)
    if not _blank(typed):
        answer, how = canonical(typed, kind), "typed"
    else:
        store = AnswerStore(folder)
        answer, how = canonical(store.get(_key(question, item)), kind), "chosen with the drop-down"
        if store.last_warning:
            print(store.last_warning)
    if answer is None:
        print(f"Your answer to {where}: not answered yet.")
    else:
        print(f"Your answer to {where}: {_show(answer)} ({how})")
    return answer


def number(question: str, item: object | None = None, *, label: str | None = None,
           folder: str | os.PathLike[str] | None = None) -> object:
    """The learner's numeric answer (typed, or saved from a text box), printed, as a float if it
    reads as a number ("3.25", "3,25" and 3 all do)."""
    where = label or _key(question, item)
    typed = _typed(question, item)
    how = "typed"
    raw: object = typed
    if _blank(typed):
        store = AnswerStore(folder)
        raw, how = store.get(_key(question, item)), "entered in the box"
        if store.last_warning:
            print(store.last_warning)
    answer: object = raw
    if isinstance(raw, bool):
        answer = raw
    elif isinstance(raw, (int, float)):
        answer = float(raw)
    elif isinstance(raw, str):
        text = raw.strip().replace(",", ".")
        try:
            answer = float(text) if text else None
        except ValueError:
            answer = raw.strip()
    if answer is None:
        print(f"Your answer for {where}: not answered yet.")
    else:
        print(f"Your answer for {where}: {_show(answer)} ({how})")
    return answer


def several(question: str, count: int, *, kind: str, label: str | None = None,
            folder: str | os.PathLike[str] | None = None) -> list[object]:
    """The learner's answers to a question that asks for ``count`` choices (a list, printed).

    A typed list (or a comma-separated text such as ``"K5, T4, I3"``) wins; otherwise the
    drop-down choices saved as ``"question.1"`` ... ``"question.<count>"`` are used. Blank
    entries are left out.
    """
    where = label or question
    typed = _namespace().get(question)
    values: list[object]
    if isinstance(typed, str):
        values = [v for v in typed.split(",")]
    elif isinstance(typed, (list, tuple, set, frozenset)):
        values = list(typed)
    elif typed is None:
        values = []
    else:
        values = [typed]
    how = "typed"
    if all(_blank(v) for v in values):
        store = AnswerStore(folder)
        saved = store.all()
        values = [saved.get(f"{question}.{n}") for n in range(1, count + 1)]
        how = "chosen with the drop-downs"
        if store.last_warning:
            print(store.last_warning)
    answers = [canonical(v, kind) for v in values if not _blank(v)]
    if not answers:
        print(f"Your answer to {where}: not answered yet.")
    else:
        print(f"Your answer to {where}: {', '.join(_show(a) for a in answers)} ({how})")
    return answers


# ---------------------------------------------------------------------------------------------
# Form checks (visible tests): plain English, never the answer key
# ---------------------------------------------------------------------------------------------


def _interactive() -> bool:
    """True in the learner's own notebook session: IPython is running and nbgrader is not."""
    if os.environ.get("NBGRADER_EXECUTION"):
        return False
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        return False
    return get_ipython() is not None


def _report(problem: str | None) -> None:
    """Fail a check: raise under nbgrader (and in plain Python); in the learner's own session,
    show the message instead, so that "Run All Cells" carries on to the questions below."""
    if problem is None:
        return
    if not _interactive():
        raise AssertionError(problem)
    from IPython.display import display

    from . import _html

    display({"text/plain": f"Not ready yet: {problem}",
             "text/html": ('<div role="status" style="border-left:4px solid #E69F00;padding:2px 8px">'
                           f"<strong>Not ready yet:</strong> {_html.esc(problem)}</div>")}, raw=True)


def _choice_problem(answer: object, kind: str, where: str) -> str | None:
    what, plural = _what(kind)
    keys = [o.key for o in options(kind)]
    if answer is None:
        article = "an" if what[0] in "aeiou" else "a"
        return (f"You have not answered {where} yet. Choose {article} {what} from the drop-down above, "
                f"or type one of: {', '.join(keys)}.")
    if answer not in keys:
        return (f"For {where} you gave {_show(answer)!r}, which is not one of {plural}. "
                f"Choose one of: {', '.join(keys)}.")
    return None


def check_choice(answer: object, kind: str, where: str) -> None:
    """Check that ``answer`` is one of the options for ``kind`` (not whether it is right).

    Under nbgrader (and in plain Python) a problem raises ``AssertionError``; in the learner's
    own notebook it is shown as a message, so the rest of the notebook still runs.

    >>> check_choice("clan", "culture", "statement 3")
    Traceback (most recent call last):
    ...
    AssertionError: For statement 3 you gave 'clan', which is not one of the four learning cultures. Choose one of: professional, managed, humanistic, democratic.
    """
    _report(_choice_problem(answer, kind, where))


def check_number(answer: object, where: str, lo: float = 1.0, hi: float = 5.0, why: str = "") -> None:
    """Check that ``answer`` is a number from ``lo`` to ``hi`` (not whether it is right).

    >>> check_number(7.5, "the task score", why="a domain score is a mean of ratings from 1 to 5")
    Traceback (most recent call last):
    ...
    AssertionError: For the task score you gave 7.5, but a domain score is a mean of ratings from 1 to 5, so it must lie between 1 and 5.
    """
    problem = None
    if answer is None:
        problem = f"You have not answered {where} yet. Type the number in the answer cell or the box above."
    elif isinstance(answer, bool) or not isinstance(answer, (int, float)) or math.isnan(answer):
        problem = f"For {where} you gave {_show(answer)!r}, which is not a number. Type digits, for example 3.25."
    elif not lo <= answer <= hi:
        reason = f"{why}, so it" if why else "It"
        problem = f"For {where} you gave {answer:g}, but {reason} must lie between {lo:g} and {hi:g}."
    _report(problem)


def _several_problem(answers: Sequence[object], kind: str, count: int, where: str) -> str | None:
    what, plural = _what(kind)
    keys = [o.key for o in options(kind)]
    if not answers:
        return (f"You have not answered {where} yet. Choose {count} from the drop-downs above, or type them "
                "into the answer cell as a list: in square brackets, each in quotes, separated by commas.")
    for a in answers:
        if a not in keys:
            return (f"For {where} you gave {_show(a)!r}, which is not one of {plural}. "
                    f"Choose from: {', '.join(keys)}.")
    seen: set[object] = set()
    for a in answers:
        if a in seen:
            return f"For {where} you chose {a} more than once. Choose {count} different answers."
        seen.add(a)
    if len(answers) != count:
        return (f"For {where} you gave {len(answers)} answer{'s' if len(answers) != 1 else ''}; "
                f"the question asks for exactly {count}.")
    return None


def check_several(answers: Sequence[object], kind: str, count: int, where: str) -> None:
    """Check that ``answers`` holds ``count`` different options of ``kind``.

    >>> check_several(["managed", "managed"], "culture", 2, "question 2")
    Traceback (most recent call last):
    ...
    AssertionError: For question 2 you chose managed more than once. Choose 2 different answers.
    """
    _report(_several_problem(answers, kind, count, where))


def plain_errors() -> None:
    """Show failed checks as one plain sentence instead of a Python traceback (IPython only)."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:  # pragma: no cover
        return
    if shell is not None:
        shell.InteractiveTB.set_mode(mode="Minimal")


# ---------------------------------------------------------------------------------------------
# Assignment 3: the case-study team's audit, summed up with coplearn.survey
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class TeamAuditAnswers:
    """What assignment 3 asks for, computed from a team's survey with :mod:`coplearn.survey`."""

    respondents: int
    domain_scores: Mapping[str, float | None]
    weakest: tuple[str, ...]
    weakest_domain: str | None
    result: Any  # the full coplearn.survey.SurveyResult, for the table and action plan

    def _repr_html_(self) -> str:
        from . import _html

        rows = [(d, "not rated" if s is None else f"{s:.2f}") for d, s in self.domain_scores.items()]
        items = [(s.item.id, s.item.domain, s.item.text, s.n, "-" if s.mean is None else f"{s.mean:.2f}")
                 for s in self.result.items if s.item.kind == "rating"]
        return (
            f"<p>{self.respondents} people answered the team audit. Each item's score is the mean of the "
            "ratings given (1 = very poor, 5 = very good); blank and N/A answers are left out. Each domain "
            "score is the mean of its items' scores.</p>"
            + _html.table("Domain scores (mean of the item scores, 1-5)", ["domain", "score"], rows)
            + _html.table("Every rated item, in the order of the audit", ["item", "domain", "question", "answered", "score"], items)
            + _html.note("The 1-5 scale, the means and the ranking are the course's teaching aid, not the paper's, "
                         "and not a validated measure (the questions are Gray et al.'s 2010 Table 2, after Adair 1983).")
        )


def team_audit_answers(path: str | os.PathLike[str]) -> TeamAuditAnswers:
    """Read a team survey CSV and work out the domain scores, the three weakest items and the
    weakest domain (domain scores are means of the item means, rounded to 2 places).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "team.csv"
    >>> _ = p.write_text("Respondent,K1,K2,T4,I1\\nA,2,4,1,3\\nB,3,4,2,3\\n")
    >>> a = team_audit_answers(p)
    >>> a.domain_scores["task"], a.weakest, a.weakest_domain
    (3.25, ('T4', 'K1', 'I1'), 'team')
    """
    from .survey import load_survey

    result = load_survey(path, min_respondents=1)
    scores = {d: (None if s is None else round(s, 2)) for d, s in result.audit.domain_scores.items()}
    rated = {d: s for d, s in scores.items() if s is not None}
    return TeamAuditAnswers(
        respondents=result.n_respondents, domain_scores=scores,
        weakest=tuple(p.item.id for p in result.audit.priorities[:3]),
        weakest_domain=min(rated, key=lambda d: rated[d]) if rated else None, result=result,
    )


# ---------------------------------------------------------------------------------------------
# Tutor side 1: the submission guard (an nbgrader sanitising step, run outside the kernel)
# ---------------------------------------------------------------------------------------------

#: Names a submission may not use: ways into Python's or Jupyter's machinery, files and programs.
DENIED_NAMES = frozenset({
    "exec", "eval", "compile", "open", "getattr", "setattr", "delattr", "globals", "locals", "vars",
    "get_ipython", "breakpoint", "input", "exit", "quit", "help", "dir", "type", "object", "super",
    "memoryview", "classmethod", "staticmethod", "property", "builtins", "sys", "os", "io", "importlib",
    "subprocess", "ctypes", "gc", "inspect", "IPython", "ipykernel", "signal", "threading",
    "multiprocessing", "socket", "shutil", "pathlib", "Path", "tempfile", "sqlite3", "pickle", "marshal",
    "atexit", "resource", "traceback", "weakref", "functools", "operator", "codecs", "runpy", "pty",
    "unlink", "rmtree", "rename", "read_text", "read_bytes", "write_text", "write_bytes",
    "load_module", "exec_module",
    "cell_contents", "f_globals", "f_locals", "f_back", "f_builtins", "gi_frame", "tb_frame",
})

#: Built-in names a submission may not redefine (checks might otherwise call the new version).
_BUILTIN_NAMES = frozenset(n for n in vars(builtins) if not n.startswith("_"))


def submission_problems(source: str) -> list[str]:
    """Reasons the autograder will not run this student-written code cell (empty if it may run).

    A cell may assign answers, call coplearn and use ordinary Python; it may not reach into
    Python's or Jupyter's machinery (private names, built-ins like ``getattr``, ``get_ipython``,
    magics and shell commands), import anything but coplearn, change a module's or object's
    attributes, define classes or redefine a built-in name.

    >>> submission_problems('q1 = {1: "managed", 2: None}')
    []
    >>> submission_problems("import builtins\\nbuiltins.len = lambda x: 1")
    ["line 1 imports 'builtins' (only coplearn may be imported)", "line 1 uses 'builtins'", "line 2 changes the attribute 'len' of something else", "line 2 uses 'builtins'"]
    >>> submission_problems("%timeit 1")
    ["line 1 uses 'get_ipython'"]
    """
    text = source
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        text = TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 - fall back to the raw source
        text = source
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []  # the kernel reports the syntax error itself; nothing in the cell runs
    found: list[str] = []

    def add(node: ast.AST, why: str) -> None:
        msg = f"line {getattr(node, 'lineno', '?')} {why}"
        if msg not in found:
            found.append(msg)

    def check_name(node: ast.AST, name: str | None, binding: bool = False) -> None:
        if not name:
            return
        if name.startswith("_") and name != "_":
            add(node, f"uses the private name {name!r}")
        elif name in DENIED_NAMES:
            add(node, f"uses {name!r}")
        elif binding and name in _BUILTIN_NAMES:
            add(node, f"redefines the built-in name {name!r}")

    def check_target(target: ast.AST) -> None:
        if isinstance(target, ast.Attribute):
            add(target, f"changes the attribute {target.attr!r} of something else")
        elif isinstance(target, (ast.Tuple, ast.List)):
            for elt in target.elts:
                check_target(elt)
        elif isinstance(target, ast.Starred):
            check_target(target.value)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name != "coplearn" and not alias.name.startswith("coplearn."):
                    add(node, f"imports {alias.name!r} (only coplearn may be imported)")
                check_name(node, alias.asname or alias.name.split(".")[0], binding=True)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level or (module != "coplearn" and not module.startswith("coplearn.")):
                add(node, f"imports from {module or '.'!r} (only coplearn may be imported)")
            for alias in node.names:
                check_name(node, alias.name)
                check_name(node, alias.asname or alias.name, binding=True)
        elif isinstance(node, ast.Name):
            check_name(node, node.id, binding=isinstance(node.ctx, (ast.Store, ast.Del)))
        elif isinstance(node, ast.Attribute):
            check_name(node, node.attr)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            check_name(node, node.name, binding=True)
        elif isinstance(node, ast.ClassDef):
            add(node, "defines a class")
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            for name in node.names:
                check_name(node, name, binding=True)
        elif isinstance(node, (ast.Assign, ast.Delete)):
            for target in node.targets:
                check_target(target)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor, ast.NamedExpr)):
            check_target(node.target)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for w in node.items:
                if w.optional_vars is not None:
                    check_target(w.optional_vars)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            check_name(node, node.name, binding=True)
        elif isinstance(node, ast.arg):
            check_name(node, node.arg)
        elif isinstance(node, ast.keyword) and node.arg:
            check_name(node, node.arg)
    found.sort(key=lambda msg: int(msg.split()[1]) if msg.split()[1].isdigit() else 0)
    return found


def _comment_out(source: str, problems: Sequence[str]) -> str:
    note = [
        "# The course's autograder did not run this cell, because it reaches into Python or Jupyter",
        "# in ways the answers never need (" + "; ".join(problems)[:300] + ").",
        "# The code is kept below as comments so that your tutor can see it.",
        "#",
    ]
    kept = ["# | " + line for line in source.splitlines()]
    message = ("This cell was not run by the course's autograder: it reaches into Python or Jupyter "
               "in ways the answers never need. Your tutor can see the code.")
    return "\n".join(note + kept + [f"print({message!r})"])


def _cell_is_trusted(cell: Mapping[str, Any]) -> bool:
    """Locked and test cells: nbgrader has checked them against the gradebook (and restored
    them if they were edited) before this step runs."""
    meta = cell.get("metadata", {}).get("nbgrader")
    if not meta or not meta.get("grade_id"):
        return False
    if meta.get("solution"):
        return False
    return bool(meta.get("grade") or meta.get("locked") or meta.get("task"))


def guard_submission(nb: Any, resources: Any) -> tuple[Any, Any]:
    """nbgrader sanitising step: comment out student-written code cells that fail
    :func:`submission_problems`, so that they never run. Runs after ``OverwriteCells``.

    The problems are recorded in the cell's metadata (``coplearn.guard``) and in
    ``resources["coplearn_guard"]``, and the cell prints a plain note when it runs.
    """
    import logging

    log = logging.getLogger("coplearn.grading")
    flagged: list[dict[str, Any]] = []
    for index, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code" or _cell_is_trusted(cell):
            continue
        problems = submission_problems(cell.source)
        if problems:
            cell.source = _comment_out(cell.source, problems)
            cell.metadata.setdefault("coplearn", {})["guard"] = problems
            flagged.append({"cell": index, "problems": problems})
            log.warning("coplearn guard: not running cell %d of %s: %s", index,
                        resources.get("nbgrader", {}).get("student", "?"), "; ".join(problems))
    resources["coplearn_guard"] = flagged
    return nb, resources


# ---------------------------------------------------------------------------------------------
# Tutor side 2: the kernel lock-down (runs inside the grading kernel, before student code)
# ---------------------------------------------------------------------------------------------

_LOCKED = False


def lock_down_kernel(folder: str | os.PathLike[str] | None = None, *,
                     memory_mb: int | None = None, cpu_seconds: int | None = None) -> None:
    """Refuse file access outside the assignment folder, programs and signals in this process.

    Called by the grading kernel at start-up (``nbgrader_config.py`` passes it to the kernel as an
    ``exec_lines`` option), before any student code runs. From then on, in this process:

    - inside the course folder (the nearest folder above with ``nbgrader_config.py``), only the
      assignment folder (``folder``, default the working directory), ``.venv`` and ``src`` can be
      read; ``solutions/``, ``source/``, ``gradebook.db``, other students' folders and the
      course's configuration cannot;
    - the paths in the ``COPLEARN_PROTECTED_PATHS`` environment variable (``os.pathsep``
      separated; ``nbgrader_config.py`` adds the exchange folder) cannot be read;
    - nothing can be written, renamed or deleted outside the assignment folder and the temp folder;
    - no program can be started, no process signalled, no C library called through ctypes;
    - memory is capped at ``memory_mb`` (``COPLEARN_KERNEL_MEMORY_MB``, default 2048), CPU time
      at ``cpu_seconds`` (``COPLEARN_KERNEL_CPU_SECONDS``, default 300; past it the kernel stops,
      which the grader treats as a crash) and the size of any file written at 100 MB
      (``COPLEARN_KERNEL_FILE_MB``).

    Python audit hooks cannot be removed once added, but they are not a sandbox: code that
    reaches C directly could still get round this. :func:`guard_submission` stops the usual
    ways of doing that before the code runs.
    """
    global _LOCKED
    if _LOCKED:
        return
    import resource
    import tempfile

    realpath = os.path.realpath
    sep = os.sep
    here = realpath(os.fspath(folder) if folder is not None else os.getcwd())
    root = None
    probe = here
    while True:
        if os.path.exists(os.path.join(probe, "nbgrader_config.py")):
            root = probe
            break
        parent = os.path.dirname(probe)
        if parent == probe:
            break
        probe = parent
    inside = [here] + ([os.path.join(root, ".venv"), os.path.join(root, "src")] if root else [])
    allowed_inside = tuple(realpath(p) for p in inside)
    protected = [realpath(p) for p in os.environ.get("COPLEARN_PROTECTED_PATHS", "").split(os.pathsep) if p]
    protected += [realpath(os.path.expanduser("~/.jupyter")), "/etc/jupyter", "/usr/local/etc/jupyter"]
    if root:
        protected.append(realpath(root))
    protected_t = tuple(protected)
    writable = (here, realpath(tempfile.gettempdir()), "/dev/null")
    deny_events = frozenset({
        "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
        "os.kill", "os.killpg", "signal.pthread_kill", "ctypes.dlopen", "ctypes.dlsym", "ctypes.call_function",
        "ctypes.cdata", "ctypes.addressof", "ctypes.string_at", "ctypes.wstring_at", "ctypes.create_string_buffer",
        "sys.addaudithook", "pty.spawn", "os.startfile", "winreg.OpenKey", "resource.setrlimit", "resource.prlimit",
        "os.setuid", "os.setgid", "sys.setprofile", "sys.settrace", "socket.connect", "socket.bind",
    })
    path_events = frozenset({"open", "os.listdir", "os.scandir", "glob.glob", "shutil.copyfile", "shutil.copytree",
                             "shutil.rmtree", "shutil.move", "os.chdir", "os.truncate", "os.chmod", "os.chown",
                             "os.link", "os.symlink", "os.utime", "os.mkdir", "os.rmdir", "os.remove",
                             "os.rename", "os.walk", "os.fwalk", "sqlite3.connect"})
    write_events = frozenset({"os.truncate", "os.chmod", "os.chown", "os.link", "os.symlink", "os.utime",
                              "os.mkdir", "os.rmdir", "os.remove", "os.rename", "shutil.rmtree", "shutil.move",
                              "shutil.copyfile", "shutil.copytree", "sqlite3.connect"})
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
    is_inst = isinstance
    fspath = os.fspath
    fsdecode = os.fsdecode
    perm_error = PermissionError

    def under(path: str, roots: tuple[str, ...]) -> bool:
        for r in roots:
            if path == r or path.startswith(r + sep) or r == sep:
                return True
        return False

    def resolve(p: object) -> str | None:
        if p is None or is_inst(p, int):
            return None  # a file descriptor: already open, checked when it was opened
        try:
            return realpath(fsdecode(fspath(p)))
        except (TypeError, ValueError):
            return None

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event in deny_events:
            raise perm_error(f"The course's autograder does not allow this here ({event}).")
        if event not in path_events or not args:
            return
        paths = [args[0]]
        if event in ("os.rename", "os.link", "os.symlink", "shutil.copyfile", "shutil.copytree", "shutil.move") and len(args) > 1:
            paths.append(args[1])
        writing = event in write_events
        if event == "open" and len(args) >= 3:
            mode, flags = args[1], args[2]
            if (is_inst(mode, str) and any(ch in mode for ch in "wax+")) or (is_inst(flags, int) and flags & write_flags):
                writing = True
        for p in paths:
            path = resolve(p)
            if path is None:
                continue
            verb = "change" if writing else "read"
            if (under(path, protected_t) and not under(path, allowed_inside)) or (writing and not under(path, writable)):
                raise perm_error(f"The course's autograder does not let submitted code {verb} files "
                                 f"outside the assignment folder: {path}")

    mem = memory_mb if memory_mb is not None else int(os.environ.get("COPLEARN_KERNEL_MEMORY_MB", "2048"))
    cpu = cpu_seconds if cpu_seconds is not None else int(os.environ.get("COPLEARN_KERNEL_CPU_SECONDS", "300"))
    file_mb = int(os.environ.get("COPLEARN_KERNEL_FILE_MB", "100"))
    try:
        if file_mb > 0:  # Python ignores SIGXFSZ, so a bigger write fails with an OSError
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_mb * 1024 * 1024, file_mb * 1024 * 1024))
        if mem > 0:
            resource.setrlimit(resource.RLIMIT_AS, (mem * 1024 * 1024, mem * 1024 * 1024))
        if cpu > 0:
            used = int(time.process_time()) + 1
            resource.setrlimit(resource.RLIMIT_CPU, (cpu + used, cpu + used + 5))
    except (ValueError, OSError):  # pragma: no cover - limits not supported here
        pass
    sys.addaudithook(hook)
    _LOCKED = True


# ---------------------------------------------------------------------------------------------
# Tutor side 3: nbgrader's Execute with an output cap, a notebook time budget and crash handling
# ---------------------------------------------------------------------------------------------


def _build_guarded_execute() -> type:
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from nbformat.notebooknode import NotebookNode
    from nbgrader.preprocessors import Execute
    from traitlets import Integer

    class GuardedExecute(Execute):  # type: ignore[misc, valid-type]
        """nbgrader's ``Execute`` with three additions for untrusted submissions.

        - ``max_output_chars``: a cell's output stops being recorded past this many characters
          (nbgrader's ``LimitOutput`` counts lines afterwards; this caps memory while running).
        - ``notebook_timeout``: seconds for the whole notebook; once spent, each remaining cell
          gets ``timeout_after_budget`` seconds, so a loop that ignores interrupts cannot hold
          grading for ``timeout`` seconds per cell.
        - a kernel that dies marks the cell it was running, and every code cell after it, with an
          error output (zero marks for the tests there) and grading carries on with the next
          submission, instead of failing the whole notebook.
        """

        max_output_chars = Integer(200_000, help="Characters of output recorded per cell.").tag(config=True)
        notebook_timeout = Integer(180, help="Seconds for the whole notebook (-1: no limit).").tag(config=True)
        timeout_after_budget = Integer(2, help="Seconds per cell once notebook_timeout is spent.").tag(config=True)

        def preprocess(self, nb: Any, resources: Any = None, km: Any = None) -> Any:
            self._coplearn_started = time.monotonic()
            self._coplearn_dead: str | None = None
            self._coplearn_sizes: dict[int, int] = {}
            return super().preprocess(nb, resources, km=km)

        def _get_timeout(self, cell: Any) -> int | None:
            base = super()._get_timeout(cell)
            if self.notebook_timeout is None or self.notebook_timeout < 0:
                return base
            left = self.notebook_timeout - (time.monotonic() - self._coplearn_started)
            if left <= 0:
                return self.timeout_after_budget
            return int(min(base, max(left, self.timeout_after_budget))) if base else int(max(left, 1))

        def output(self, outs: list[Any], msg: dict[str, Any], display_id: Any, cell_index: int) -> Any:
            content = msg.get("content", {})
            size = len(content.get("text", "")) + sum(len(str(v)) for v in content.get("data", {}).values())
            used = self._coplearn_sizes.get(cell_index, 0)
            if used > self.max_output_chars:
                return None
            self._coplearn_sizes[cell_index] = used + size
            if used + size > self.max_output_chars:
                note = NotebookNode(output_type="stream", name="stdout",
                                    text=f"\n... output stopped by the course's autograder after "
                                         f"{self.max_output_chars:,} characters ...\n")
                outs.append(note)
                return note
            return super().output(outs, msg, display_id, cell_index)

        def _dead_output(self, text: str) -> Any:
            return NotebookNode(output_type="error", ename="KernelStopped", evalue=text,
                                traceback=[f"KernelStopped: {text}"])

        def preprocess_cell(self, cell: Any, resources: Any, index: int) -> Any:
            if cell.cell_type != "code":
                return cell, resources
            if self._coplearn_dead:
                cell.outputs = [self._dead_output(
                    "Not run: the program stopped earlier in this notebook (" + self._coplearn_dead + ").")]
                return cell, resources
            try:
                return super().preprocess_cell(cell, resources, index)
            except DeadKernelError:
                self._coplearn_dead = f"it crashed while running cell {index + 1}"
                self.log.warning("coplearn: the kernel died in cell %d; the remaining cells are marked not run", index)
                cell.outputs.append(self._dead_output(
                    "The program stopped (the kernel died) while this cell was running. If this looks "
                    "wrong, the tutor can autograde this submission again."))
                return cell, resources
            except CellTimeoutError:
                # nbclient gives up when an interrupted kernel stays busy: it ignored the interrupt
                self._coplearn_dead = f"it was still busy after the time limit in cell {index + 1}"
                self.log.warning("coplearn: the kernel stayed busy after cell %d timed out; the remaining "
                                 "cells are marked not run", index)
                cell.outputs.append(self._dead_output(
                    "This cell ran past the time limit and the program would not stop when interrupted, "
                    "so the rest of the notebook could not be run."))
                return cell, resources

        async def async_execute_cell(self, cell: Any, cell_index: int, execution_count: Any = None,
                                     store_history: bool = True) -> Any:
            if self._coplearn_dead:
                return cell
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)

    GuardedExecute.__module__ = __name__
    return GuardedExecute


def __getattr__(name: str) -> Any:
    # GuardedExecute needs nbgrader, which learners' kernels should not import: build it on first use.
    if name == "GuardedExecute":
        cls = _build_guarded_execute()
        globals()["GuardedExecute"] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
