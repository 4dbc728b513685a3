"""The autograder: answers are data, and nothing a student ships runs as the course.

nbgrader is the grading engine; this module configures and feeds it (``nbgrader_config.py``
names the three steps below). The design, in the order nbgrader runs it:

1. :class:`AnswersAsData` (a sanitising step, after nbgrader's ``OverwriteCells`` has put every
   locked and test cell back from the gradebook). A cell counts as the course's own only when the
   gradebook knows it as a locked or test cell; its source is the gradebook's and its metadata is
   reset (so a tag such as ``skip-execution`` cannot stop a test). Every other code cell is the
   student's: it is read as data with :func:`coplearn.grading.answers.parse_answer_cell` and rewritten as
   the canonical literal it holds. A cell that is not a plain answer is not run: it is kept as
   text (comments) with a one-line note, and its answers are unanswered unless the learner's own
   session saved the value it computed in ``answers.json``. The answers that will be marked are
   recorded in the notebook's metadata (``coplearn.graded_answers``) for the tutor.
2. :class:`PruneSubmission` (the first autograding step). Only the assignment's notebooks, a
   validated, rewritten ``answers.json`` and the release's own data files (checked against the
   source copy) stay in the grading folder; anything else a submission carried (a package named
   like the course library, ``sitecustomize.py``, ``.pth`` files, an IPython profile ...) is
   removed and listed for the tutor.
3. :class:`SandboxedExecute` (nbgrader's ``Execute``). The kernel starts with ``PYTHONSAFEPATH``
   (the grading folder is not on ``sys.path``), no user site folder and an empty ``IPYTHONDIR``,
   and, where Debian's ``bubblewrap`` works, inside a sandbox: read-only system, the grading
   folder the only writable place, no network, and no view of the course folder (gradebook,
   ``solutions/``, other students), the exchange or the tutor's home. Errors are never dropped by
   the output cap; a kernel that dies or will not stop costs only the cells it did not run.

This module imports nbgrader; ``import coplearn`` does not.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from coplearn.grading import answers as grading
from coplearn.core.atomic import atomic_write_text

__all__ = [
    "SUPPORTED_VERSIONS",
    "AnswersAsData",
    "ForgetUnknownCells",
    "PruneSubmission",
    "Question",
    "SandboxedExecute",
    "answer_schema",
    "caching_gradebook",
    "check_versions",
    "clean_answers",
    "sandbox_status",
]

# ---------------------------------------------------------------------------------------------
# Versions: the code below relies on the internals of these major versions
# ---------------------------------------------------------------------------------------------

#: package -> (the versions supported, as text; a test on the version tuple)
SUPPORTED_VERSIONS: dict[str, tuple[str, Any]] = {
    "nbgrader": ("0.9.x", lambda v: v[:2] == (0, 9)),
    "nbclient": ("0.10 or 0.11", lambda v: v[0] == 0 and v[1] in (10, 11)),
    "jupyter_client": ("8.x", lambda v: v[0] == 8),
}


def _version_tuple(text: str) -> tuple[int, ...]:
    parts: list[int] = []
    for piece in text.split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        if not digits:
            break
        parts.append(int(digits))
        if not piece.isdigit():
            break
    return tuple(parts) + (0,) * (3 - len(parts))


def check_versions(installed: Mapping[str, str] | None = None) -> None:
    """Refuse to grade with a version of nbgrader, nbclient or jupyter_client whose internals
    the course's autograder was not built for (grades could silently be wrong).

    >>> check_versions({"nbgrader": "0.9.6", "nbclient": "0.11.0", "jupyter_client": "8.10.0"})
    >>> check_versions({"nbgrader": "1.0.0", "nbclient": "0.11.0", "jupyter_client": "8.10.0"})
    Traceback (most recent call last):
    ...
    RuntimeError: coplearn's autograder was built for nbgrader 0.9.x, but nbgrader 1.0.0 is installed. Install the supported version (pip install "nbgrader==0.9.*") or a coplearn release that supports nbgrader 1.0.0; nothing was graded.
    """
    for package, (wanted, ok) in SUPPORTED_VERSIONS.items():
        if installed is not None:
            found = installed.get(package)
        else:
            try:
                found = metadata.version(package)
            except metadata.PackageNotFoundError:
                found = None
        if found is None:
            raise RuntimeError(f"coplearn's autograder needs {package} {wanted}, which is not installed.")
        if not ok(_version_tuple(found)):
            pin = {"nbgrader": "0.9.*", "nbclient": "0.11.*", "jupyter_client": "8.*"}[package]
            raise RuntimeError(
                f"coplearn's autograder was built for {package} {wanted}, but {package} {found} is installed. "
                f'Install the supported version (pip install "{package}=={pin}") or a coplearn release that '
                f"supports {package} {found}; nothing was graded.")


# ---------------------------------------------------------------------------------------------
# The answer schema: which questions an assignment asks, read from its (trusted) test cells
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Question:
    """One computer-marked question, as its test cells ask for it."""

    name: str                          #: the answer name, e.g. ``q1_readiness``
    kind: str                          #: an option kind (``culture``, ``style`` ...) or ``number``
    items: frozenset[str] | None       #: the items of a dict answer (``"1"``, ``"frank"``), or None
    count: int | None                  #: how many choices a "several" question asks for


_HELPERS = {"choice", "number", "several"}


def answer_schema(sources: Iterable[str]) -> dict[str, Question]:
    """The questions asked by the test cells ``sources`` (calls to ``choice``, ``number`` and
    ``several`` with literal arguments), by answer name.

    >>> s = answer_schema(['answer = choice("q1", 3, kind="culture")', 'a = several("q2", 2, kind="item")'])
    >>> s["q1"].kind, sorted(s["q1"].items), s["q2"].count
    ('culture', ['3'], 2)
    """
    found: dict[str, dict[str, Any]] = {}
    for source in sources:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _HELPERS):
                continue
            try:
                args = [ast.literal_eval(a) for a in node.args]
                kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg}
            except ValueError:
                continue
            if not args or not grading.is_answer_name(args[0]):
                continue
            name = args[0]
            entry = found.setdefault(name, {"kind": "number", "items": set(), "count": None, "whole": False})
            if node.func.id == "number":
                entry["kind"] = "number"
            else:
                entry["kind"] = str(kwargs.get("kind", entry["kind"]))
            if node.func.id == "several":
                entry["count"] = int(args[1]) if len(args) > 1 else kwargs.get("count")
                entry["whole"] = True
            elif len(args) > 1 and args[1] is not None:
                entry["items"].add(str(args[1]))
            else:
                entry["whole"] = True
    return {n: Question(name=n, kind=e["kind"], items=None if e["whole"] and not e["items"] else frozenset(e["items"]),
                        count=e["count"]) for n, e in found.items()}


# ---------------------------------------------------------------------------------------------
# answers.json: read as data, checked against the schema, rewritten clean
# ---------------------------------------------------------------------------------------------

MAX_ANSWERS_BYTES = 256 * 1024


def _clean_value(question: Question, value: object) -> object:
    """``value`` as a valid answer to ``question``, or ``ValueError``."""
    if question.kind == "number":
        if isinstance(value, bool):
            raise ValueError("not a number")
        if isinstance(value, (int, float)):
            return grading.as_data(float(value))
        if isinstance(value, str):
            return grading.as_data(float(value.strip().replace(",", ".")))
        raise ValueError("not a number")
    keys = {o.key for o in grading.options(question.kind)}
    found = grading.canonical(value, question.kind)
    if found not in keys:
        raise ValueError(f"not one of the choices ({', '.join(sorted(keys))})")
    return found


def clean_answers(path: str | os.PathLike[str], schema: Mapping[str, Question]) -> tuple[dict[str, Any] | None, list[str]]:
    """Read a submission's ``answers.json`` as data and keep only what answers the questions.

    Returns the clean document (or ``None`` when there is nothing usable) and one note per thing
    left out, in plain words for the tutor. Drop-down answers must use a known key
    (``q1.3``, ``q2``, ``q2.1``) and one of that question's choices (or a number); answers worked
    out with code (``computed``) must be plain data for a known question. The file is never
    followed if it is a link, and anything over 256 KB is not read.
    """
    p = Path(path)
    notes: list[str] = []
    try:
        if p.is_symlink() or not p.is_file():
            return None, ([f"{p.name} is not a plain file, so it was not read"] if p.exists() or p.is_symlink() else [])
        if p.stat().st_size > MAX_ANSWERS_BYTES:
            return None, [f"{p.name} is larger than {MAX_ANSWERS_BYTES // 1024} KB, so it was not read"]
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None, [f"{p.name} is not a readable answers file, so no drop-down answers were used"]
    if not isinstance(data, dict) or data.get("format") != "coplearn-answers" or not isinstance(data.get("answers"), dict):
        return None, [f"{p.name} is not a coplearn answers file, so no drop-down answers were used"]
    answers: dict[str, object] = {}
    for key, value in data["answers"].items():
        name, _, item = str(key).partition(".")
        question = schema.get(name)
        if question is None:
            notes.append(f"{p.name}: {grading._show(key)!r} is not a question of this assignment (left out)")
            continue
        if item and question.items is not None and item not in question.items:
            if not (question.count and item.isdigit() and 1 <= int(item) <= question.count):
                notes.append(f"{p.name}: {grading._show(key)!r} is not an item of {name} (left out)")
                continue
        if value is None:
            continue
        try:
            answers[str(key)] = _clean_value(question, value)
        except (ValueError, TypeError, LookupError) as exc:
            notes.append(f"{p.name}: the answer saved for {key} is {grading._show(value)!r}, {exc} (left out)")
    computed: dict[str, object] = {}
    raw = data.get("computed", {})
    if isinstance(raw, dict):
        for name, value in raw.items():
            if str(name) not in schema:
                notes.append(f"{p.name}: {grading._show(name)!r} is not a question of this assignment (left out)")
                continue
            try:
                computed[str(name)] = grading.as_data(value)
            except (ValueError, RecursionError) as exc:
                notes.append(f"{p.name}: the value saved for {name} cannot be marked: {exc} (left out)")
    else:
        notes.append(f"{p.name}: its worked-out answers are not in the expected form (left out)")
    doc: dict[str, Any] = {"format": "coplearn-answers", "version": 2, "answers": answers}
    if computed:
        doc["computed"] = computed
    return doc, notes


# ---------------------------------------------------------------------------------------------
# Step 1: answers as data (nbgrader sanitising step)
# ---------------------------------------------------------------------------------------------


def _nbgrader_meta(cell: Mapping[str, Any]) -> Mapping[str, Any]:
    meta = cell.get("metadata", {}).get("nbgrader")
    return meta if isinstance(meta, Mapping) else {}


#: Within one ``coplearn autograde`` run the assignment cannot change, so what the gradebook says
#: about its notebooks is read once per process (see :func:`caching_gradebook`). Outside such a run
#: (formgrader, ``nbgrader autograde``) it is read afresh every time, as a tutor may regenerate.
_GB_CACHE: dict[tuple, Any] | None = None


@contextlib.contextmanager
def caching_gradebook() -> Any:
    """Read each notebook's cells from the gradebook once while the block runs (one grading run)."""
    global _GB_CACHE
    saved, _GB_CACHE = _GB_CACHE, {}
    try:
        yield
    finally:
        _GB_CACHE = saved


def _course_id(config: Any) -> str:
    try:
        value = config.CourseDirectory.course_id
    except (AttributeError, KeyError):
        value = ""
    return value if isinstance(value, str) else ""


def _gradebook_cells(resources: Mapping[str, Any], course_id: str = "") -> tuple[dict[str, Any], set[str], set[str], set[str]]:
    """The notebook's cells as the gradebook knows them: {grade_id: source cell}, the ids of grade
    cells and of solution cells, and the file names of the assignment's notebooks."""
    from nbgrader.api import Gradebook

    info = resources["nbgrader"]
    key = (info["db_url"], course_id, info["assignment"], info["notebook"])
    if _GB_CACHE is not None and key in _GB_CACHE:
        return _GB_CACHE[key]
    with Gradebook(info["db_url"], course_id) as gb:
        nb = gb.find_notebook(info["notebook"], info["assignment"])
        cells = {c.name: {"cell_type": c.cell_type, "locked": bool(c.locked), "source": c.source}
                 for c in nb.source_cells}
        grades = {c.name for c in nb.grade_cells}
        solutions = {c.name for c in nb.solution_cells}
        notebooks = {f"{n.name}.ipynb" for n in gb.find_assignment(info["assignment"]).notebooks}
    found = (cells, grades, solutions, notebooks)
    if _GB_CACHE is not None:
        _GB_CACHE[key] = found
    return found


def _as_comment(text: str, limit_lines: int = 60, limit_chars: int = 200) -> list[str]:
    """``text`` as comment lines, each safe to put in Python source (no line breaks, no NULs)."""
    out = []
    lines = text.splitlines() or [""]
    for line in lines[:limit_lines]:
        safe = "".join(ch if ch.isprintable() or ch == "\t" else f"\\x{ord(ch):02x}" if ord(ch) < 256
                       else f"\\u{ord(ch):04x}" for ch in line[:limit_chars])
        out.append("#     " + safe + (" ..." if len(line) > limit_chars else ""))
    if len(lines) > limit_lines:
        out.append(f"#     ... and {len(lines) - limit_lines} more lines")
    return out


def _not_run_source(original: str, why: str, computed: Mapping[str, object]) -> str:
    head = [f"# Not run by the course's autograder: {why}.",
            "# Only plain answers (name = value) are marked; this is what the cell held, as text:"]
    body = _as_comment(original)
    tail: list[str] = []
    if computed:
        tail = ["# Marked instead: the values this cell worked out in the learner's own notebook, saved in answers.json:",
                grading.answer_source(computed)]
    return "\n".join(head + body + tail)


def _reset_metadata(cell: Any, keep_nbgrader: bool) -> None:
    meta = cell.get("metadata", {})
    kept = {k: meta[k] for k in ("deletable", "editable") if k in meta and isinstance(meta[k], bool)}
    if keep_nbgrader and isinstance(meta.get("nbgrader"), Mapping):
        kept["nbgrader"] = meta["nbgrader"]
    cell["metadata"] = type(meta)(kept) if isinstance(meta, dict) else kept


def _graded_answers(schema: Mapping[str, Question], typed: Mapping[str, object],
                    dropdowns: Mapping[str, object]) -> dict[str, object]:
    """The answer that will be marked for each question item: typed (or worked out) first,
    then the drop-down, as :mod:`coplearn.grading.answers` resolves them in the kernel."""
    out: dict[str, object] = {}
    for name, q in sorted(schema.items()):
        given = typed.get(name)
        if q.items:
            for item in sorted(q.items, key=lambda s: (len(s), s)):
                value = None
                if isinstance(given, Mapping):
                    value = given.get(item, given.get(int(item)) if item.lstrip("-").isdigit() else None)
                elif isinstance(given, list) and item.isdigit() and 0 < int(item) <= len(given):
                    value = given[int(item) - 1]
                if value is None or (isinstance(value, str) and not value.strip()):
                    value = dropdowns.get(f"{name}.{item}")
                out[f"{name}.{item}"] = _canonical_for(q, value)
        elif q.count:
            values: list[object] = []
            if isinstance(given, str):
                values = [v for v in given.split(",") if v.strip()]
            elif isinstance(given, list):
                values = [v for v in given if v is not None and not (isinstance(v, str) and not v.strip())]
            elif given is not None:
                values = [given]
            if not values:
                values = [dropdowns.get(f"{name}.{n}") for n in range(1, q.count + 1)]
                values = [v for v in values if v is not None]
            out[name] = [_canonical_for(q, v) for v in values][: grading.MAX_ITEMS]
        else:
            value = given if given is not None and not (isinstance(given, str) and not given.strip()) else dropdowns.get(name)
            out[name] = _canonical_for(q, value)
    return out


def _canonical_for(q: Question, value: object) -> object:
    if value is None:
        return None
    if q.kind == "number":
        try:
            return _clean_value(q, value)
        except (ValueError, TypeError):
            return value
    return grading.canonical(value, q.kind)


def _preprocessor_base() -> type:
    from nbgrader.preprocessors import NbGraderPreprocessor

    return NbGraderPreprocessor


@functools.cache
def _build_answers_as_data() -> type:
    base = _preprocessor_base()

    class AnswersAsData(base):  # type: ignore[misc, valid-type]
        """nbgrader sanitising step: the student's code cells become data (see the module doc)."""

        def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
            check_versions()
            cells, grade_ids, solution_ids, _ = _gradebook_cells(resources, _course_id(self.config))
            trusted_ids = {gid for gid, c in cells.items() if (c["locked"] or gid in grade_ids) and gid not in solution_ids}
            # The questions, from the course's own test cells (as the gradebook holds them).
            schema = answer_schema(cells[g]["source"] for g in grade_ids if g in cells and cells[g]["cell_type"] == "code")
            folder = Path(resources.get("metadata", {}).get("path") or ".")
            doc, notes = clean_answers(folder / grading.ANSWERS_FILE, schema)
            computed = dict(doc.get("computed", {})) if doc else {}
            dropdowns = dict(doc.get("answers", {})) if doc else {}
            typed: dict[str, object] = {}
            not_run: list[dict[str, Any]] = []
            for index, cell in enumerate(nb.cells):
                gid = _nbgrader_meta(cell).get("grade_id")
                if gid in trusted_ids:
                    known = cells[gid]
                    cell.cell_type = known["cell_type"]
                    notice = cell.source[: -len(known["source"])] if known["source"] and cell.source.endswith(known["source"]) else ""
                    if not all(line.startswith("#") or not line.strip() for line in notice.splitlines()):
                        notice = ""  # only nbgrader's own "was missing" comment may stand before the course's cell
                    cell.source = notice + known["source"]
                    _reset_metadata(cell, keep_nbgrader=True)
                    if cell.cell_type == "code":
                        cell.setdefault("outputs", [])
                        cell.setdefault("execution_count", None)
                    continue
                if cell.get("cell_type") != "code":
                    if gid not in cells:  # a cell the gradebook does not know cannot claim to be graded
                        _reset_metadata(cell, keep_nbgrader=False)
                    continue
                _reset_metadata(cell, keep_nbgrader=gid in cells)
                parsed = grading.parse_answer_cell(cell.source)
                if parsed.plain:
                    header = ["# Your answer, as the autograder read it:"] if parsed.values else \
                             ["# No answer here (nothing in this cell gives a question a value)."]
                    notes = [line.strip() for line in cell.source.splitlines() if line.strip().startswith("#")]
                    if notes:  # the learner's own comments, kept as text for the tutor and the feedback
                        header = ["# Your comments in this cell:"] + _as_comment("\n".join(notes), 30) + header
                    cell.source = "\n".join(header + ([grading.answer_source(parsed.values)] if parsed.values else []))
                    typed.update(parsed.values)
                    continue
                used = {n: computed[n] for n in parsed.names if n in computed}
                original = cell.source
                cell.source = _not_run_source(original, str(parsed.problem), used)
                typed.update(used)
                not_run.append({"cell": index, "why": parsed.problem, "names": list(parsed.names),
                                "marked_from_saved": sorted(used)})
                self.log.warning("coplearn: %s: cell %d was not run (%s); %s", resources["nbgrader"].get("student", "?"),
                                 index + 1, parsed.problem,
                                 f"saved values used for {', '.join(sorted(used))}" if used else "its answers are unanswered")
            for note in notes:
                self.log.warning("coplearn: %s: %s", resources["nbgrader"].get("student", "?"), note)
            record = nb.metadata.setdefault("coplearn", {})
            record["graded_answers"] = _graded_answers(schema, typed, dropdowns)
            record["grading"] = {"not_run": not_run, "answers_file_notes": notes}
            return nb, resources

    AnswersAsData.__module__ = __name__
    return AnswersAsData


@functools.cache
def _build_forget_unknown() -> type:
    base = _preprocessor_base()

    class ForgetUnknownCells(base):  # type: ignore[misc, valid-type]
        """nbgrader sanitising step, before ``OverwriteCells``: a cell whose nbgrader id the
        gradebook does not know loses its nbgrader metadata, so it cannot pass itself off as a
        locked or test cell (it is then the student's own cell, read as data)."""

        def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
            cells, _, _, _ = _gradebook_cells(resources, _course_id(self.config))
            for cell in nb.cells:
                meta = cell.get("metadata", {})
                if "nbgrader" in meta and _nbgrader_meta(cell).get("grade_id") not in cells:
                    del meta["nbgrader"]
            return nb, resources

    ForgetUnknownCells.__module__ = __name__
    return ForgetUnknownCells


# ---------------------------------------------------------------------------------------------
# Step 2: the grading folder holds the notebooks, a clean answers.json and the release's files
# ---------------------------------------------------------------------------------------------


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


#: Files nbgrader itself keeps beside a submission (read by nbgrader, never by the kernel).
_NBGRADER_FILES = frozenset({"timestamp.txt", "submission_secret.txt"})


def prune_folder(folder: Path, keep_notebooks: set[str], source_dir: Path | None,
                 schema: Mapping[str, Question]) -> tuple[list[str], list[str]]:
    """Leave in ``folder`` only the notebooks named, a clean ``answers.json`` and files that equal
    the source copy's; return (what was removed, notes on answers.json). Links are removed, never
    followed."""
    released: dict[str, str] = {}
    if source_dir is not None and source_dir.is_dir():
        for p in source_dir.rglob("*"):
            rel = p.relative_to(source_dir).as_posix()
            if p.is_file() and not p.is_symlink() and p.suffix != ".ipynb" and ".ipynb_checkpoints" not in rel \
                    and "__pycache__" not in rel and p.name != grading.ANSWERS_FILE and not p.name.startswith(".answers"):
                released[rel] = _digest(p)
    removed: list[str] = []
    keep_dirs = {str(Path(r).parent.as_posix()) for r in released} | {"."}
    for dirpath, dirnames, filenames in os.walk(folder, topdown=True, followlinks=False):
        here = Path(dirpath)
        rel_dir = here.relative_to(folder).as_posix()
        for d in list(dirnames):
            rel = (Path(rel_dir) / d).as_posix() if rel_dir != "." else d
            full = here / d
            if full.is_symlink() or not any(k == rel or k.startswith(rel + "/") for k in keep_dirs):
                removed.append(rel + ("" if full.is_symlink() else "/"))
                if full.is_symlink():
                    full.unlink()
                else:
                    shutil.rmtree(full, ignore_errors=True)
                dirnames.remove(d)
        for f in filenames:
            rel = (Path(rel_dir) / f).as_posix() if rel_dir != "." else f
            full = here / f
            keep = False
            if not full.is_symlink():
                if rel_dir == "." and (f in keep_notebooks or f == grading.ANSWERS_FILE or f in _NBGRADER_FILES):
                    keep = True
                elif rel in released:
                    try:
                        keep = _digest(full) == released[rel]
                    except OSError:
                        keep = False
            if not keep:
                if rel != f".{grading.ANSWERS_FILE}.lock":  # the learner's own lock file: not worth a line
                    removed.append(rel)
                with contextlib.suppress(OSError):
                    full.unlink()
    notes: list[str] = []
    answers = folder / grading.ANSWERS_FILE
    if answers.exists() or answers.is_symlink():
        doc, notes = clean_answers(answers, schema)
        with contextlib.suppress(OSError):
            answers.unlink()
        if doc is not None:
            atomic_write_text(answers, json.dumps(doc, indent=2, sort_keys=True) + "\n")
    return sorted(removed), notes


@functools.cache
def _build_prune() -> type:
    base = _preprocessor_base()

    class PruneSubmission(base):  # type: ignore[misc, valid-type]
        """First autograding step: clear the grading folder of everything a submission carried
        beyond its notebooks, a clean answers.json and the release's own data files."""

        def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
            from nbgrader.coursedir import CourseDirectory

            info = resources["nbgrader"]
            folder = Path(resources.get("metadata", {}).get("path") or ".").resolve()
            _, _, _, notebooks = _gradebook_cells(resources, _course_id(self.config))
            coursedir = CourseDirectory(config=self.config)
            source_dir = Path(coursedir.format_path(coursedir.source_directory, ".", info["assignment"]))
            schema = answer_schema(c.source for c in nb.cells
                                   if c.cell_type == "code" and _nbgrader_meta(c).get("grade"))
            removed, notes = prune_folder(folder, notebooks, source_dir, schema)
            if removed:
                self.log.warning("coplearn: %s: left out of grading (not part of the assignment): %s",
                                 info.get("student", "?"), ", ".join(removed[:50]) + (" ..." if len(removed) > 50 else ""))
            record = nb.metadata.setdefault("coplearn", {}).setdefault("grading", {})
            record["left_out"] = removed
            if notes:
                record["answers_file_notes"] = sorted(set(record.get("answers_file_notes", [])) | set(notes))
            return nb, resources

    PruneSubmission.__module__ = __name__
    return PruneSubmission


# ---------------------------------------------------------------------------------------------
# Step 3: the kernel, started safe and (where bubblewrap works) sandboxed
# ---------------------------------------------------------------------------------------------


@functools.cache
def _bwrap_works(bwrap: str) -> str | None:
    """None when ``bwrap`` can start a sandbox here, else the reason it cannot."""
    try:
        done = subprocess.run([bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-all",
                               "--die-with-parent", "true"], capture_output=True, timeout=20)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"bubblewrap could not be started ({exc})"
    if done.returncode != 0:
        return "bubblewrap is installed but cannot make a sandbox here (" + \
            done.stderr.decode(errors="replace").strip()[:200] + ")"
    return None


def sandbox_status(setting: str | None = None) -> tuple[bool, str]:
    """Whether grading kernels run inside a bubblewrap sandbox, and a sentence for the tutor.

    ``setting`` (default: the ``COPLEARN_SANDBOX`` environment variable, else ``auto``) is
    ``auto`` (sandbox where bubblewrap works), ``off`` or ``required`` (refuse to grade without).
    """
    mode = (setting or os.environ.get("COPLEARN_SANDBOX") or "auto").strip().lower()
    if mode in {"off", "0", "no", "false"}:
        return False, ("Grading kernels run without the bubblewrap sandbox (COPLEARN_SANDBOX=off): students' answers are "
                       "still read as data and none of their code runs, but the kernel runs with your rights.")
    bwrap = shutil.which("bwrap")
    reason = "bubblewrap (Debian's 'bubblewrap' package) is not installed" if bwrap is None else _bwrap_works(bwrap)
    if reason is None:
        return True, "Grading kernels run inside a bubblewrap sandbox (no network, no view of the course folder)."
    if mode == "required":
        raise RuntimeError(f"COPLEARN_SANDBOX=required, but {reason}; nothing was graded.")
    return False, (f"Grading kernels run without a sandbox because {reason}. Students' answers are still read as data "
                   "and none of their code runs; the sandbox is a second wall (see docs/tutor-guide.md).")


_WARNED: set[str] = set()


def _say_once(log: Any, text: str) -> None:
    if text not in _WARNED:
        _WARNED.add(text)
        log.warning("coplearn: %s", text)


def kernel_env(base: Mapping[str, str] | None = None, ipython_dir: str | None = None) -> dict[str, str]:
    """The environment a grading kernel starts with: the submission folder never on ``sys.path``
    (``PYTHONSAFEPATH``), no user site folder, an empty IPython folder, no inherited start-up files.

    >>> env = kernel_env({"PATH": "/usr/bin", "PYTHONPATH": ".:/opt/lib:", "PYTHONSTARTUP": "x.py"}, "/tmp/ipy")
    >>> env["PYTHONSAFEPATH"], env["PYTHONPATH"], "PYTHONSTARTUP" in env, env["IPYTHONDIR"]
    ('1', '/opt/lib', False, '/tmp/ipy')
    """
    env = dict(os.environ if base is None else base)
    for name in ("PYTHONSTARTUP", "PYTHONHOME", "PYTHONINSPECT", "PYTHONUSERBASE", "JUPYTER_CONFIG_PATH",
                 "JUPYTER_PATH", "IPYTHON_DIR", "PYTHONBREAKPOINT", "PYTHONEXECUTABLE"):
        env.pop(name, None)
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and os.path.isabs(p)]
    if paths:
        env["PYTHONPATH"] = os.pathsep.join(paths)
    else:
        env.pop("PYTHONPATH", None)
    env["PYTHONSAFEPATH"] = "1"
    env["PYTHONNOUSERSITE"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if ipython_dir:
        env["IPYTHONDIR"] = ipython_dir
        env["JUPYTER_CONFIG_DIR"] = os.path.join(ipython_dir, "jupyter-config")
    env["NBGRADER_EXECUTION"] = env.get("NBGRADER_EXECUTION") or "autograde"
    return env


def _course_root(start: Path) -> Path | None:
    for p in [start, *start.parents]:
        if (p / "nbgrader_config.py").exists():
            return p
    return None


def bwrap_command(bwrap: str, folder: Path, private: Path, hide: Iterable[str | os.PathLike[str]] = ()) -> list[str]:
    """The bubblewrap prefix for a kernel whose only writable place is ``folder`` (its private
    socket folder ``private`` aside): read-only system, fresh /tmp, no network, no other process
    in view, and the course folder, the exchange and the home folder hidden (the Python
    installation is put back, read-only, where it lies inside one of them)."""
    args = [bwrap, "--die-with-parent", "--new-session", "--unshare-all", "--ro-bind", "/", "/",
            "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--unsetenv", "JPY_PARENT_PID"]
    hidden = []
    for h in [*hide, os.path.expanduser("~")]:
        p = Path(h).resolve()
        if p.is_dir() and p != Path("/") and p not in hidden:
            hidden.append(p)
    # a folder inside another hidden one is hidden already (and a second tmpfs there cannot be remounted)
    hidden = [p for p in hidden if not any(h != p and h in p.parents for h in hidden)]
    for p in hidden:
        args += ["--tmpfs", str(p)]
    needed = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), Path(sys.executable).resolve().parent}
    needed |= {Path(p).resolve() for p in sys.path if p and os.path.isdir(p)}
    covered = [*hidden, Path("/tmp")]  # a fresh /tmp is mounted too: Python may live under it (a CI clone)
    for p in sorted(needed):
        if any(p == h or h in p.parents for h in covered):
            args += ["--ro-bind", str(p), str(p)]
    args += ["--bind", str(private), str(private), "--bind", str(folder), str(folder), "--chdir", str(folder)]
    if os.geteuid() == 0:
        # the empty stand-ins for hidden folders cannot be written to either (as another user the
        # kernel cannot remount them, but what it writes there is in memory and gone with it)
        for p in hidden:
            args += ["--remount-ro", str(p)]
    if os.geteuid() == 0:
        args += ["--cap-drop", "ALL"]
    return args


@functools.cache
def _kernel_manager_class() -> type:
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import List, Unicode

    class SandboxKernelManager(AsyncKernelManager):  # type: ignore[misc, valid-type]
        """A kernel manager whose kernel starts inside bubblewrap (when ``sandbox_prefix`` is set)."""

        sandbox_prefix = List(Unicode(), default_value=[])

        def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
            return list(self.sandbox_prefix) + super().format_kernel_cmd(extra_arguments)

    SandboxKernelManager.__module__ = __name__
    return SandboxKernelManager


def make_kernel_manager(folder: Path, *, kernel_name: str = "python3", sandbox: bool | None = None,
                        hide: Iterable[str] = (), log: Any = None) -> tuple[Any, dict[str, Any], Path]:
    """A kernel manager for grading in ``folder``, the ``start_kernel`` options it needs, and the
    private folder (sockets, IPython folder) that the caller removes after the kernel stops."""
    folder = Path(folder).resolve()
    private = Path(tempfile.mkdtemp(prefix="coplearn-kernel-"))
    (private / "ipython").mkdir()
    if sandbox is None:
        sandbox, message = sandbox_status()
        if log is not None:
            _say_once(log, message)
    cls = _kernel_manager_class()
    kwargs: dict[str, Any] = {"kernel_name": kernel_name}
    if sandbox:
        root = _course_root(folder)
        hide_all = [*(str(root) for root in [root] if root), *hide]
        exchange = os.environ.get("COPLEARN_EXCHANGE") or "/usr/local/share/nbgrader/exchange"
        hide_all.append(exchange)
        kwargs.update(transport="ipc", ip=str(private / "k"), connection_file=str(private / "kernel.json"),
                      sandbox_prefix=bwrap_command(shutil.which("bwrap") or "bwrap", folder, private, hide_all))
    else:
        kwargs.update(connection_file=str(private / "kernel.json"))
    km = cls(**kwargs)
    start = {"cwd": str(folder), "env": kernel_env(ipython_dir=str(private / "ipython"))}
    return km, start, private


@functools.cache
def _build_sandboxed_execute() -> type:
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from nbclient.util import run_sync
    from nbformat.notebooknode import NotebookNode
    from nbgrader.preprocessors import Execute
    from traitlets import Integer, List, Unicode

    class SandboxedExecute(Execute):  # type: ignore[misc, valid-type]
        """nbgrader's ``Execute`` with a safe, sandboxed kernel and bounds that never cost other
        students anything (see the module doc).

        - ``sandbox``: ``auto`` (bubblewrap where it works), ``off`` or ``required``
          (default from ``COPLEARN_SANDBOX``);
        - ``hide_paths``: more folders the kernel must not see (the exchange is always hidden);
        - ``max_output_chars``: output recorded per cell; error outputs are always kept;
        - ``notebook_timeout``: seconds for the whole notebook; once spent, each remaining cell
          gets ``timeout_after_budget`` seconds;
        - a kernel that dies, or stays busy after an interrupt, marks its cell and every later
          code cell with an error (no marks for the tests there) and grading goes on.
        """

        sandbox = Unicode("", help="auto, off or required (default: COPLEARN_SANDBOX, else auto)").tag(config=True)
        hide_paths = List(Unicode(), default_value=[], help="Folders the grading kernel must not see.").tag(config=True)
        max_output_chars = Integer(200_000, help="Characters of output recorded per cell.").tag(config=True)
        notebook_timeout = Integer(180, help="Seconds for the whole notebook (-1: no limit).").tag(config=True)
        timeout_after_budget = Integer(2, help="Seconds per cell once notebook_timeout is spent.").tag(config=True)

        def preprocess(self, nb: Any, resources: Any = None, km: Any = None) -> Any:
            check_versions()
            self._coplearn_started = time.monotonic()
            self._coplearn_dead: str | None = None
            self._coplearn_sizes: dict[int, int] = {}
            self._coplearn_private: Path | None = None
            self._coplearn_folder = Path((resources or {}).get("metadata", {}).get("path") or os.getcwd())
            self._coplearn_start = getattr(km, "coplearn_start", {}) if km is not None else {}
            try:
                return super().preprocess(nb, resources, km=km)
            finally:
                if km is not None and getattr(self, "kc", None) is not None:  # a kernel kept for the next notebook
                    with contextlib.suppress(Exception):
                        self.kc.stop_channels()
                    self.kc = None
                if self._coplearn_private is not None:
                    shutil.rmtree(self._coplearn_private, ignore_errors=True)

        def create_kernel_manager(self) -> Any:
            sandboxed, message = sandbox_status(self.sandbox or None)
            _say_once(self.log, message)
            name = self.kernel_name or self.nb.metadata.get("kernelspec", {}).get("name") or "python3"
            km, self._coplearn_start, self._coplearn_private = make_kernel_manager(
                self._coplearn_folder, kernel_name=name, sandbox=sandboxed, hide=self.hide_paths)
            self.km = km
            return km

        async def async_start_new_kernel(self, **kwargs: Any) -> None:
            kwargs = {**getattr(self, "_coplearn_start", {}), **kwargs}
            return await super().async_start_new_kernel(**kwargs)

        # nbclient binds the synchronous name to its own coroutine: bind it to ours
        start_new_kernel = run_sync(async_start_new_kernel)

        def _get_timeout(self, cell: Any) -> int | None:
            base = super()._get_timeout(cell)
            if self.notebook_timeout is None or self.notebook_timeout < 0:
                return base
            left = self.notebook_timeout - (time.monotonic() - self._coplearn_started)
            if left <= 0:
                return self.timeout_after_budget
            return int(min(base, max(left, self.timeout_after_budget))) if base else int(max(left, 1))

        def output(self, outs: list[Any], msg: dict[str, Any], display_id: Any, cell_index: int) -> Any:
            if msg.get("msg_type") == "error" or msg.get("header", {}).get("msg_type") == "error":
                return super().output(outs, msg, display_id, cell_index)  # errors are never dropped
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

        execute_cell = run_sync(async_execute_cell)

    SandboxedExecute.__module__ = __name__
    return SandboxedExecute


_BUILDERS = {"AnswersAsData": _build_answers_as_data, "ForgetUnknownCells": _build_forget_unknown, "PruneSubmission": _build_prune,
             "SandboxedExecute": _build_sandboxed_execute}


def __getattr__(name: str) -> Any:
    # The nbgrader-based classes are built on first use (nbgrader is heavy to import).
    if name in _BUILDERS:
        cls = _BUILDERS[name]()
        globals()[name] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
