"""Graded exercises, the learner's side: answers are data.

Every computer-marked question is a choice, a set of choices or a number. A learner answers with
a drop-down (:mod:`coplearn.widgets.answers`), which saves the choice at once to ``answers.json``
beside the notebook (atomically), or by typing a plain value into the answer cell
(``q1 = {3: "managed"}``, ``q2 = ["K5", "T4"]``, ``q3 = 2.9``). The autograder
(:mod:`coplearn.grading.autograde`) reads those answers as data: it parses each answer cell as a literal
with :func:`parse_answer_cell` and never runs anything else the learner wrote.

Where a learner works an answer out with code (``q1 = dict(lowfield.domain_scores)``), their own
session turns it into data: :func:`prepare_answers` (called by each assignment's locked set-up
cell) watches the answer cells, and when one that is not a plain value runs, it saves the value it
computed to ``answers.json`` and says so. That saved value is what gets marked.

:func:`choice`, :func:`number` and :func:`several` show the answer that will be marked ("Your
answer to statement 3: managed (chosen with the drop-down)") in the learner's session, in
``nbgrader validate`` and in the autograder alike. :func:`check_choice`, :func:`check_number` and
:func:`check_several` check only the *form* of an answer and explain, in plain English, what to
fix. Whether an answer is right is decided by hidden tests that live only in ``solutions/``.

>>> options("culture")[1].key, options("style")[1].label
('managed', 'S2 selling (coaching)')
>>> canonical("Co-producers", "degree"), canonical("s2", "style"), canonical(" k5 ", "item")
('co_producers', 'selling', 'K5')
>>> parse_answer_cell('q1 = {3: "managed"}  # my answer').values
{'q1': {3: 'managed'}}
>>> check_choice(None, "culture", "statement 3")
Traceback (most recent call last):
...
AssertionError: You have not answered statement 3 yet. Choose a learning culture from the drop-down above, or type one of: professional, managed, humanistic, democratic.
"""

from __future__ import annotations

import ast
import json
import math
import os
import re
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coplearn.core import validate as _validate
from coplearn.core.atomic import atomic_write_text, file_lock, move_aside

__all__ = [
    "ANSWERS_FILE",
    "AnswerStore",
    "Option",
    "ParsedCell",
    "TeamAuditAnswers",
    "as_data",
    "canonical",
    "check_choice",
    "check_number",
    "check_several",
    "choice",
    "is_answer_name",
    "number",
    "options",
    "parse_answer_cell",
    "plain_errors",
    "prepare_answers",
    "several",
    "team_audit_answers",
]

#: The file, beside the notebook, that keeps the learner's drop-down choices.
ANSWERS_FILE = "answers.json"
_FORMAT = "coplearn-answers"
_VERSION = 2  # 2 adds "computed": answers worked out with code, saved for marking
_SHOW_MAX = 80  # characters of an answer echoed back (a flood of text must not flood the output)
_SHOW_ITEMS = 20  # items of a list answer echoed back; the rest are counted

# Limits on what an answer may be (anything bigger is not an answer to these questions).
MAX_CELL_CHARS = 20_000   #: characters in one answer cell
MAX_ITEMS = 200           #: entries in one list or dict
MAX_TEXT = 2_000          #: characters in one text value
MAX_DEPTH = 3             #: nesting of lists and dicts
_ANSWER_NAME = re.compile(r"q[0-9]+[A-Za-z0-9_]*")


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
# Answers as data: what an answer cell holds, read without running it
# ---------------------------------------------------------------------------------------------


def is_answer_name(name: str) -> bool:
    """True for the names that answer cells give values to: ``q1``, ``q2_stage``, ``q1_readiness``.

    >>> is_answer_name("q1_readiness"), is_answer_name("lowfield"), is_answer_name("q")
    (True, False, False)
    """
    return isinstance(name, str) and _ANSWER_NAME.fullmatch(name) is not None


def as_data(value: object, *, _depth: int = 0) -> object:
    """``value`` as plain answer data, or ``ValueError`` saying why it cannot be an answer.

    Answers are text, numbers, ``True``/``False``, ``None``, and lists or dicts of those (keys
    are text or whole numbers), within size limits. Tuples and sets become lists. The result is
    built from Python's own types only, so comparing it can run nothing a learner defined.

    >>> as_data({1: "managed", 2: ("K5", "T4")})
    {1: 'managed', 2: ['K5', 'T4']}
    >>> as_data(float("nan"))
    Traceback (most recent call last):
    ...
    ValueError: nan is not a number that can be marked
    """
    if value is None or value is True or value is False:
        return value
    if isinstance(value, bool):  # a bool subclass
        return bool.__bool__(value)
    if isinstance(value, int):
        number = int.__int__(value)
        if abs(number) > 10**15:
            raise ValueError("a number that large is not an answer to these questions")
        return number
    if isinstance(value, float):
        real = float.__float__(value)
        if not math.isfinite(real):
            raise ValueError(f"{real} is not a number that can be marked")
        return real
    if isinstance(value, str):
        text = str.__str__(value)
        if len(text) > MAX_TEXT:
            raise ValueError(f"a text of more than {MAX_TEXT:,} characters is not an answer to these questions")
        return text
    if type(value).__name__ in {"float64", "float32", "int64", "int32"} and hasattr(value, "item"):
        return as_data(value.item(), _depth=_depth)  # numpy numbers, without importing numpy
    if _depth >= MAX_DEPTH:
        raise ValueError("the answer is nested too deeply (lists inside lists inside lists)")
    if isinstance(value, (list, tuple, set, frozenset)):
        if len(value) > MAX_ITEMS:
            raise ValueError(f"a list of more than {MAX_ITEMS} entries is not an answer to these questions")
        items = [as_data(v, _depth=_depth + 1) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, Mapping):
        if len(value) > MAX_ITEMS:
            raise ValueError(f"more than {MAX_ITEMS} numbered answers is not an answer to these questions")
        out: dict[object, object] = {}
        for k, v in value.items():
            if isinstance(k, bool) or not isinstance(k, (str, int)):
                raise ValueError(f"{_show(k)!r} cannot be a key in an answer; use text or a whole number")
            out[as_data(k, _depth=_depth + 1)] = as_data(v, _depth=_depth + 1)
        return out
    raise ValueError(f"a {type(value).__name__} value is not an answer that can be marked: answers are words "
                     "in quotes, numbers, or lists of them in square brackets")


@dataclass(frozen=True, slots=True)
class ParsedCell:
    """What an answer cell holds, read as data (see :func:`parse_answer_cell`)."""

    values: dict[str, object]   #: the answers the cell gives as plain values, by name
    names: tuple[str, ...]      #: every answer name the cell gives a value to, plain or not
    problem: str | None         #: why the cell is not a plain answer cell; ``None`` when it is

    @property
    def plain(self) -> bool:
        """True when the cell is nothing but ``name = value`` lines (comments and spacing aside)."""
        return self.problem is None


def _stored_names(node: ast.AST) -> list[str]:
    return [n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)]


def parse_answer_cell(source: str) -> ParsedCell:
    """Read an answer cell as data, without running it.

    A plain answer cell is made only of ``name = value`` lines whose values are literals (text,
    numbers, lists, dicts, ``None``), with any comments and spacing. Anything else (a call, an
    import, a loop, a calculation) makes the cell not plain: ``problem`` says why in one line,
    and ``values`` is empty. ``names`` lists the answer names (``q1``, ``q2_stage`` ...) the cell
    gives values to either way.

    >>> parse_answer_cell('q2 = ["managed",  "professional"]   # my two').values
    {'q2': ['managed', 'professional']}
    >>> cell = parse_answer_cell("import os; q1 = os.getcwd()")
    >>> cell.plain, cell.names, cell.problem
    (False, ('q1',), 'line 1 is not a plain answer of the form name = value')
    """
    if not isinstance(source, str):
        return ParsedCell({}, (), "the cell holds no text")
    if len(source) > MAX_CELL_CHARS:
        return ParsedCell({}, (), f"the cell is longer than {MAX_CELL_CHARS:,} characters")
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError, OverflowError):
        return ParsedCell({}, (), "it is not Python that can be read (check quotes, brackets and commas)")
    names: list[str] = []
    values: dict[str, object] = {}
    problem: str | None = None
    for node in tree.body:
        names.extend(n for n in _stored_names(node) if is_answer_name(n))
        if problem:
            continue
        if isinstance(node, ast.Pass) or (
                isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
            continue
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target, value_node = node.targets[0].id, node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            target, value_node = node.target.id, node.value
        else:
            problem = f"line {node.lineno} is not a plain answer of the form name = value"
            continue
        try:
            value = as_data(ast.literal_eval(value_node))
        except ValueError as exc:
            why = str(exc) if "answer" in str(exc) or "number" in str(exc) else "it is worked out, not written as a value"
            problem = f"the value given to {target} on line {node.lineno} is not a plain value: {why}"
            continue
        except (TypeError, SyntaxError, MemoryError, RecursionError, OverflowError):
            problem = f"the value given to {target} on line {node.lineno} is not a plain value"
            continue
        if is_answer_name(target):
            values[target] = value
    return ParsedCell({} if problem else values, tuple(dict.fromkeys(names)), problem)


def answer_source(values: Mapping[str, object]) -> str:
    """Canonical answer-cell source for ``values`` (one ``name = value`` line each).

    >>> print(answer_source({"q2": ["managed", "professional"], "q3": 2.9}))
    q2 = ['managed', 'professional']
    q3 = 2.9
    """
    lines = []
    for name, value in values.items():
        if not is_answer_name(name):
            raise ValueError(f"{name!r} is not an answer name")
        lines.append(f"{name} = {as_data(value)!r}")
    return "\n".join(lines)


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

    def _read_doc(self) -> tuple[dict[str, Any], bool]:
        """The whole saved document and whether the file was readable (a missing file is)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}, True
        except (OSError, UnicodeDecodeError) as exc:
            self.last_warning = f"Your saved answers could not be read ({getattr(exc, 'strerror', None) or exc})."
            return {}, False
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("format") != _FORMAT or not isinstance(data.get("answers"), dict):
                raise ValueError("not a coplearn answers file")
            if not isinstance(data.get("computed", {}), dict):
                raise ValueError("computed answers are not a dict")
        except (ValueError, RecursionError):
            self.last_warning = (f"Your saved answers in {self.path.name} could not be read, "
                                 "so they are not used. Choose your answers again.")
            return {}, False
        return data, True

    def _read(self) -> tuple[dict[str, Any], bool]:
        """The saved drop-down answers and whether the file was readable."""
        data, ok = self._read_doc()
        answers = data.get("answers", {})
        return {str(k): v for k, v in answers.items() if isinstance(v, (str, int, float)) or v is None}, ok

    def all(self) -> dict[str, Any]:
        """Every saved drop-down answer, ``{"q1.3": "managed", ...}``."""
        return self._read()[0]

    def get(self, key: str) -> Any:
        """The saved answer for ``key`` (``"q1.3"``, ``"q2"``), or ``None``."""
        return self._read()[0].get(key)

    def computed(self) -> dict[str, Any]:
        """Answers the learner worked out with code in their notebook, saved for marking, by name."""
        data, _ = self._read_doc()
        out: dict[str, Any] = {}
        for name, value in data.get("computed", {}).items():
            if is_answer_name(name):
                try:
                    out[name] = as_data(value)
                except ValueError:
                    continue
        return out

    def _update(self, change: Any) -> bool:
        if self.read_only_reason:
            return False
        with file_lock(self.folder / f".{ANSWERS_FILE}"):  # a hidden lock file beside the answers
            data, readable = self._read_doc()
            if not readable and self.path.exists():
                moved = move_aside(self.path, "unreadable")
                self.last_warning = (f"Your answers file could not be read, so it was kept as {moved.name} "
                                     f"and a new {self.path.name} was started.")
                data = {}
            answers = dict(data.get("answers", {}))
            computed = dict(data.get("computed", {}))
            change(answers, computed)
            doc: dict[str, Any] = {"format": _FORMAT, "version": _VERSION,
                                   "saved": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "answers": answers}
            if computed:
                doc["computed"] = computed
            atomic_write_text(self.path, json.dumps(doc, indent=2, sort_keys=True) + "\n")
        return True

    def save(self, key: str, value: Any) -> bool:
        """Save one drop-down answer (``None`` clears it); return whether it was saved."""
        def change(answers: dict[str, Any], computed: dict[str, Any]) -> None:
            if value is None:
                answers.pop(key, None)
            else:
                answers[key] = value
        return self._update(change)

    def save_computed(self, name: str, value: Any) -> bool:
        """Save an answer worked out with code (``None`` clears it); return whether it was saved."""
        if not is_answer_name(name):
            raise ValueError(f"{name!r} is not an answer name (q1, q2_stage, ...)")
        data = None if value is None else as_data(value)

        def change(answers: dict[str, Any], computed: dict[str, Any]) -> None:
            if data is None:
                computed.pop(name, None)
            else:
                computed[name] = data
        return self._update(change)


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


# The answers that will be marked, as the learner's answer cells gave them (see prepare_answers).
_MARKED: dict[str, object] = {}
_HOW: dict[str, str] = {}
_TRACKING = False


def _given(question: str) -> Any:
    """The value the learner's answer cells gave ``question``: the value that will be marked once
    :func:`prepare_answers` is watching the cells, otherwise the variable of that name."""
    if _TRACKING:
        return _MARKED.get(question)
    return _namespace().get(question)


def _typed(question: str, item: object | None) -> Any:
    """What the learner typed for ``question`` (and ``item``), or ``None``."""
    value = _given(question)
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


def prepare_answers() -> None:
    """Get an assignment notebook ready: plain error messages, and the answer cells watched.

    Each assignment's locked set-up cell calls this. From then on, whenever a cell that gives a
    value to an answer name (``q1``, ``q2_stage`` ...) runs:

    - a plain answer cell (``name = value`` lines) is what will be marked, as typed;
    - a cell that works its answer out with code has the value it computed saved to
      ``answers.json`` (atomically) with a note saying what was saved: that saved value is what
      will be marked, because the autograder never runs a learner's code.

    Under ``nbgrader validate`` and the autograder nothing is saved: a worked-out answer is taken
    from ``answers.json`` as it was last saved, exactly as the autograder will take it.
    """
    global _TRACKING
    plain_errors()
    _MARKED.clear()
    _HOW.clear()
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        return
    if shell is None:
        return
    if not _TRACKING:
        shell.events.register("post_run_cell", _after_cell)
        _TRACKING = True


def _after_cell(result: Any) -> None:
    try:
        info = getattr(result, "info", None)
        source = getattr(info, "raw_cell", None)
        if not isinstance(source, str) or getattr(result, "error_before_exec", None) is not None:
            return
        _watch(source, getattr(result, "error_in_exec", None) is not None)
    except Exception as exc:  # a note, never a broken notebook
        print(f"(coplearn could not check this cell's answers: {exc})")


def _watch(source: str, failed: bool) -> None:
    parsed = parse_answer_cell(source)
    if not parsed.names:
        return
    if parsed.plain:
        for name in parsed.names:
            if name in parsed.values:
                _MARKED[name] = parsed.values[name]
                _HOW[name] = "typed"
        return
    from IPython import get_ipython

    namespace = get_ipython().user_ns
    store = AnswerStore()
    saving = store.read_only_reason is None
    for name in parsed.names:
        if saving:
            if failed or name not in namespace:
                continue
            try:
                data = as_data(namespace[name])
            except ValueError as exc:
                _MARKED.pop(name, None)
                print(f"{name} cannot be marked: {exc}. Give it a plain value (text, a number, or a list).")
                continue
            store.save_computed(name, data)
            _MARKED[name] = data
            _HOW[name] = "worked out in your notebook and saved"
            print(f"Saved for marking: {name} = {_show(data)} (this cell works its answer out, so the value "
                  f"it gave is saved in {ANSWERS_FILE} and that is what will be marked).")
        else:
            saved = store.computed().get(name)
            if saved is None:
                _MARKED.pop(name, None)
                print(f"{name} is worked out with code and no value has been saved for marking: run this cell "
                      "in your own notebook (it saves the value), or type the answer as a plain value.")
            else:
                _MARKED[name] = saved
                _HOW[name] = f"worked out in the notebook and saved in {ANSWERS_FILE}"


def _show(value: object) -> str:
    if isinstance(value, (list, tuple)) and len(value) > _SHOW_ITEMS:
        text = repr(list(value[:_SHOW_ITEMS]))[:-1] + f", ... and {len(value) - _SHOW_ITEMS} more]"
        return text if len(text) <= 4 * _SHOW_MAX else text[: 4 * _SHOW_MAX - 3] + "..."
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
        answer, how = canonical(typed, kind), _HOW.get(question, "typed")
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
    how = _HOW.get(question, "typed")
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
    typed = _given(question)
    values: list[object]
    if isinstance(typed, str):
        values = [v for v in typed.split(",")]
    elif isinstance(typed, (list, tuple, set, frozenset)):
        values = list(typed)
    elif typed is None:
        values = []
    else:
        values = [typed]
    how = _HOW.get(question, "typed")
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
        shown = ", ".join(_show(a) for a in answers[:_SHOW_ITEMS])
        if len(answers) > _SHOW_ITEMS:
            shown += f" ... and {len(answers) - _SHOW_ITEMS} more"
        print(f"Your answer to {where}: {shown} ({how})")
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

    from coplearn.core import html as _html

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
# Assignment 3: the case-study team's audit, summed up with coplearn.practice.survey
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class TeamAuditAnswers:
    """What assignment 3 asks for, computed from a team's survey with :mod:`coplearn.practice.survey`."""

    respondents: int
    domain_scores: Mapping[str, float | None]
    weakest: tuple[str, ...]
    weakest_domain: str | None
    result: Any  # the full coplearn.practice.survey.SurveyResult, for the table and action plan

    def _repr_html_(self) -> str:
        from coplearn.core import html as _html

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
    from coplearn.practice.survey import load_survey

    result = load_survey(path, min_respondents=1)
    scores = {d: (None if s is None else round(s, 2)) for d, s in result.audit.domain_scores.items()}
    rated = {d: s for d, s in scores.items() if s is not None}
    return TeamAuditAnswers(
        respondents=result.n_respondents, domain_scores=scores,
        weakest=tuple(p.item.id for p in result.audit.priorities[:3]),
        weakest_domain=min(rated, key=lambda d: rated[d]) if rated else None, result=result,
    )
