"""The grading folder holds the notebooks, a clean ``answers.json`` and the release's own files.

:class:`PruneSubmission` is the first autograding step (``nbgrader_config.py`` names it). Only the
assignment's notebooks, a validated, rewritten ``answers.json`` and the release's own data files
(checked against the source copy) stay in the grading folder; anything else a submission carried
(a package named like the course library, ``sitecustomize.py``, ``.pth`` files, an IPython
profile ...) is removed and listed for the tutor.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import os
import re
import shutil
import stat
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from coplearn.core.atomic import atomic_write_text
from coplearn.grading import answers as grading
from coplearn.grading.gradebook import (built_on_first_use, course_id, gradebook_cells, log_safe, nbgrader_meta,
                                       preprocessor_base)
from coplearn.grading.schema import Question, answer_schema, clean_answers
from coplearn.grading.tutor_log import keep_printable

__all__ = ["PruneSubmission", "check_submission", "clear_odd_entries", "notebooks_elsewhere", "odd_entries", "prune_folder", "released_data_files",
           "bound_timestamp_reading", "bound_due_date_reading", "due_date_from_text", "DueDateError", "guard_nbgrader_copy", "time_from_text", "hard_linked", "skip_unmatched_folders", "read_timestamp", "unsafe_student_id", "MAX_TIMESTAMP_BYTES",
           "MAX_TIMESTAMP_CHARS"]


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


#: Files nbgrader itself keeps beside a submission (read by nbgrader, never by the kernel).
_NBGRADER_FILES = frozenset({"timestamp.txt", "submission_secret.txt"})


def released_data_files(source: str | os.PathLike[str] | None, *, ignore: list[str] | None = None,
                        exclude: list[str] | tuple[str, ...] = (), links: bool = False) -> dict[str, Path]:
    """The release's data files in nbgrader's source folder ``source``: {path inside it (with /): the
    file}. Never a notebook, ``answers.json`` or ``.answers*`` (the course's own, checked apart),
    nor anything under ``.ipynb_checkpoints`` or ``__pycache__``; a link only with ``links`` (nbgrader
    copies the file it names). With ``ignore`` (``CourseDirectory.ignore``) only the files nbgrader's
    autograding puts back over a submission: those its own walk finds with that ignore list, less
    the ``exclude`` list (``Autograde.exclude_overwriting`` for this assignment), compared as nbgrader
    compares them. :func:`prune_folder` uses the plain list (no ``ignore``), as before.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     for name in ("a.ipynb", "data.csv", "answers.json", ".answers.json.lock", "x.pyc", "sub/more.csv"):
    ...         os.makedirs(os.path.dirname(os.path.join(d, name)), exist_ok=True)
    ...         open(os.path.join(d, name), "w").close()
    ...     sorted(released_data_files(d)), sorted(released_data_files(d, ignore=["*.pyc"], exclude=["data.csv"]))
    (['data.csv', 'sub/more.csv', 'x.pyc'], ['sub/more.csv'])
    """
    found: dict[str, Path] = {}
    if source is None or not os.path.isdir(source):
        return found
    put_back: set[str] | None = None
    if ignore is not None:
        from nbgrader.utils import find_all_files

        src = os.fspath(source)
        listed = set(find_all_files(src, [*ignore, "*.ipynb"])) - {os.path.join(src, x) for x in exclude}
        put_back = {os.path.relpath(f, src).replace(os.sep, "/") for f in listed}
    root = Path(source)
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_file() and (links or not p.is_symlink()) and p.suffix != ".ipynb" and ".ipynb_checkpoints" not in rel \
                and "__pycache__" not in rel and p.name != grading.ANSWERS_FILE and not p.name.startswith(".answers") \
                and (put_back is None or rel in put_back):
            found[rel] = p
    return found


def prune_folder(folder: Path, keep_notebooks: set[str], source_dir: Path | None,
                 schema: Mapping[str, Question]) -> tuple[list[str], list[str]]:
    """Leave in ``folder`` only the notebooks named, a clean ``answers.json`` and files that equal
    the source copy's; return (what was removed, notes on answers.json). Links are removed, never
    followed."""
    released = {rel: _digest(p) for rel, p in released_data_files(source_dir).items()}
    removed: list[str] = []
    keep_dirs = {str(Path(r).parent.as_posix()) for r in released} | {"."}
    for dirpath, dirnames, filenames in os.walk(folder, topdown=True, followlinks=False):
        here = Path(dirpath)
        rel_dir = here.relative_to(folder).as_posix()
        for d in list(dirnames):
            rel = (Path(rel_dir) / d).as_posix() if rel_dir != "." else d
            full = here / d
            if full.is_symlink() or not any(k == rel or k.startswith(rel + "/") for k in keep_dirs):
                removed.append(grading.without_surrogates(rel) + ("" if full.is_symlink() else "/"))
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
                    removed.append(grading.without_surrogates(rel))
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


# ---------------------------------------------------------------------------------------------
# Before nbgrader copies anything: links, special files and odd student ids
# ---------------------------------------------------------------------------------------------

#: Characters a student id may not hold: nbgrader puts the id into glob patterns and paths, so
#: "g-*" would stand for every student whose id starts with "g-".
_UNSAFE_ID = re.compile(r"[*?\[\]/\\\x00-\x20\x7f]")
#: ... nor markup: formgrader and the feedback pages show student ids (no login name holds these).
_MARKUP_ID = re.compile(r"[<>&\"`]")
#: ... nor what a spreadsheet reads as a column break (a comma; a semicolon where Excel's list
#: separator is one) or, at the start, as a formula: ``nbgrader export`` writes ids into grades.csv.
_SHEET_ID = re.compile(r"[,;]|^[=+@|]")
#: ... nor what changes a web address: formgrader builds each student's link from the id as it is, and
#: the server decodes it, so ``%61nn`` opened ann's page and ``ann#2`` would too (red team 18 F3).
_URL_ID = re.compile(r"[%#]")


def unsafe_student_id(student: str) -> str | None:
    """Why ``student`` cannot be a student id here (glob characters, a path, spaces or control
    characters, a leading dot or dash, markup, ``%`` or ``#``, a comma or semicolon, a leading
    ``= + @ |``, letters that make it look like another id), or ``None`` when it is fine.

    >>> unsafe_student_id("g-*"), unsafe_student_id("ann.lee@uni.ac.uk")
    ('it holds characters nbgrader would read as a pattern or a path, or invisible ones', None)
    >>> unsafe_student_id("<plaintext>")[:45]
    'it holds characters a web page would read as '
    >>> [bool(unsafe_student_id(s)) for s in ("bob,,,,40", "=1+1", "@SUM(1)", "a;b", "ann@uni.ac.uk", "o'neil")]
    [True, True, True, True, False, False]
    >>> [bool(unsafe_student_id(s)) for s in ("%61nn", "ann#2", "ann_2", "ann+2")]
    [True, True, False, False]
    """
    if not student or student.startswith((".", "-")):
        return "it is empty or starts with a dot or a dash"
    if _UNSAFE_ID.search(student) or not student.isprintable():
        return "it holds characters nbgrader would read as a pattern or a path, or invisible ones"
    if _MARKUP_ID.search(student):
        return "it holds characters a web page would read as markup (< > & \" `), which formgrader shows"
    if _URL_ID.search(student):
        return ("it holds % or #, which change a web address: formgrader's link for this student would open "
                "another student's page (%61nn opens ann's)")
    if _SHEET_ID.search(student):
        return ("it holds a comma or semicolon, or starts with = + @ or |, which a spreadsheet opening the "
                "exported grades would read as a new column or a formula")
    if _looks_like_another(student):
        return ("it mixes letters of different alphabets, or uses full-width, invisible or other look-alike forms "
                "of letters, so it can look exactly like another student's id in formgrader and the exported grades "
                "(\u0430nn, with a Cyrillic a, reads as ann)")
    if unicodedata.normalize("NFC", student) != student:
        return ("it writes an accented letter as a letter and a separate accent (as macOS can write a folder's "
                "name), so it can look exactly like the same name typed with the accented letter: rename the folder "
                "with the accented letter typed as one character")
    return None


def _looks_like_another(student: str) -> bool:
    """True for an id that can be mistaken for another (red team 19 F3): written with compatibility
    forms of letters (full-width ｒｏｏｔ, ligatures: NFKC changes it beyond NFC), or mixing letters of
    scripts whose letters look alike (Latin with Cyrillic, Greek, Armenian...). A name written in one
    script, accents and tone marks included, is fine (check19 L3); one written with an accent as a separate
    mark where a single character exists is refused by :func:`unsafe_student_id` with its own reason.

    >>> [_looks_like_another(s) for s in ("ann", "jos\u00e9", "jose\u0301", "\u0395\u03bb\u03ad\u03bd\u03b7", "ann.lee2",
    ...                                   "\u092e\u0928\u094b\u091c", "\u3055\u304f\u3089\u5c71", "\u1ecd\u0300la")]
    [False, False, False, False, False, False, False, False]
    >>> [_looks_like_another(s) for s in ("\u0430nn", "\uff41nn", "an\u0578", "r\u03bfot", "ann\u034f", "ann\ufe0f")]
    [True, True, True, True, True, True]
    """
    if unicodedata.normalize("NFKC", student) != unicodedata.normalize("NFC", student):
        return True
    if any(ch in _INVISIBLE_MARKS or 0xFE00 <= ord(ch) <= 0xFE0F or 0xE0100 <= ord(ch) <= 0xE01EF for ch in student):
        return True  # (marks that show nothing: ann with one after it reads as ann; check19b)
    scripts: set[str] = set()
    for ch in student:
        if ch.isalpha():
            script = unicodedata.name(ch, "UNKNOWN").split(" ")[0]
            if script in _LOOK_ALIKE_SCRIPTS:
                scripts.add(script)
    return len(scripts) > 1


#: Combining marks that show nothing (a grapheme joiner, Mongolian variation selectors); variation
#: selectors are checked by range.
_INVISIBLE_MARKS = frozenset("\u034f\u180b\u180c\u180d\u180f")

#: Scripts whose letters look like one another's (a, а, ɑ; o, о, ο, օ): an id may use one of them, not
#: several. (Japanese names mix kanji and kana, which is fine.)
_LOOK_ALIKE_SCRIPTS = frozenset({"LATIN", "GREEK", "CYRILLIC", "ARMENIAN", "CHEROKEE", "COPTIC"})


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a link"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a plain file"


def odd_entries(folder: str | os.PathLike[str]) -> list[tuple[str, str]]:
    """Everything under ``folder`` that is neither a plain file nor a plain folder (links, named
    pipes, sockets, devices), or whose name holds control characters, links not followed:
    (path relative to ``folder``, what it is)."""
    found: list[tuple[str, str]] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            try:
                mode = os.lstat(full).st_mode
            except OSError:
                continue
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                what = _kind(mode)
                if stat.S_ISLNK(mode):
                    with contextlib.suppress(OSError):
                        what += f" (to {os.readlink(full)})"
                found.append((os.path.relpath(full, folder), what))
            elif not grading.without_surrogates(name).isprintable():
                # no release has such a name, and nbgrader would print it to the tutor's terminal as is.
                # (A name that is only not UTF-8, as a Windows zip gives "Résumé.docx" unpacked on Linux,
                # is an ordinary file: grading leaves it out like any other file, red team 10 F10.)
                found.append((os.path.relpath(full, folder), "a name with control or invisible characters"))
    return sorted(found)


#: More files and folders than this in one submitted folder, and it is not graded (that student
#: fails alone, named). A released assignment has a notebook and a data file or two; nbgrader's copy
#: of a submitted folder lists the whole folder again for every file in it, so 20,000 empty files
#: (20 kB, well under the size limit) took about ten minutes and held up every student after them.
MAX_ENTRIES = 500


def count_entries(folder: str | os.PathLike[str], stop_after: int = MAX_ENTRIES) -> int:
    """Files and folders under ``folder`` (links not followed); counting stops once past ``stop_after``.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     for i in range(5): _ = open(os.path.join(d, f"f{i}"), "w").close()
    ...     count_entries(d), count_entries(d, stop_after=2)
    (5, 5)
    """
    n = 0
    for _dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        n += len(dirnames) + len(filenames)
        if n > stop_after:
            break
    return n


def _megabytes(size: int) -> str:
    """``size`` in bytes, for a tutor: ``'42,950 MB'``."""
    return f"{size / 1_000_000:,.0f} MB"


def _set_aside(folder: str, student: str, log: Any, why: str) -> None:
    """Move a submitted folder nbgrader must not copy out of its reach, untouched, under a hidden
    name beside it (nbgrader's patterns never match a name starting with a dot), and say why."""
    aside = _aside(folder)
    os.rename(folder, aside)
    log.error("coplearn: %s: not graded: %s. It was moved, untouched, to %s. Put the notebook and answers.json "
              "from it back in %s and grade again.", log_safe(student), why, log_safe(aside), log_safe(folder))


def _aside(folder: str) -> str:
    """A free hidden name beside ``folder``: ``.NAME.not-graded`` (then ``-2``, ``-3`` ...)."""
    base = os.path.join(os.path.dirname(folder), "." + os.path.basename(folder) + ".not-graded")
    aside, n = base, 1
    while os.path.lexists(aside):
        n += 1
        aside = f"{base}-{n}"
    return aside


#: Where nbgrader's source folder may be, beside submitted/ (the course's nbgrader_config.py says
#: "solutions"; nbgrader's default is "source").
_SOURCE_FOLDERS = ("solutions", "source")


def _move_aside_what_shadows_release_files(folder: str, student: str, log: Any) -> list[str]:
    """nbgrader copies the release's data files (a3's ``lowfield-team-audit.csv``) over a submission
    before grading it; a *folder* of that name in the submission (or a file where the release has a
    folder) made that copy fail with a bare ``IsADirectoryError`` (red team 8). Such an entry is
    renamed (``NAME.not-graded``), so the student is graded with the release's own file, and a line
    says so. Returns the entries renamed. Nothing is done when the source folder is not found
    beside ``submitted/`` (nbgrader then fails that student alone, as before)."""
    here = Path(folder)
    moved: list[str] = []
    for step, wanted in release_clashes(folder):
        if not os.path.lexists(step):
            continue  # (already moved with a folder above it)
        aside = Path(_aside_name(str(step)))
        os.rename(step, aside)
        moved.append(step.relative_to(here).as_posix())
        log.warning("coplearn: %s: the submitted folder holds a %s named %s where the assignment has a %s of that "
                    "name; it was renamed to %s and is not graded (the assignment's own file is used).",
                    log_safe(student), "folder" if aside.is_dir() else "file", log_safe(moved[-1]), wanted,
                    log_safe(aside.name))
    return moved


def say_changed_release_files(folder: str, student: str, log: Any, converter: Any = None) -> list[str]:
    """Data files of a submitted folder that have a released file's name but not its contents (a3's
    ``lowfield-team-audit.csv`` edited by the student): nbgrader puts the assignment's own copy over
    them before grading, without a word, so a line says so, and that answers the student worked out
    from their copy may differ (red team 23b F1). Returns them (paths inside the folder).

    The files are those nbgrader puts back (:func:`released_data_files`): from the course's own
    source folder, with its ``CourseDirectory.ignore`` list, less what ``Autograde.exclude_overwriting``
    leaves the student's (check23 #7), as ``converter`` (the Autograde running the hook) has them.
    Without a converter the source folder is looked for beside ``submitted/``."""
    here = Path(folder)
    ignore: list[str] | None = None
    exclude: list[str] = []
    cd = getattr(converter, "coursedir", None)
    if cd is not None:
        source: Path | str | None = cd.format_path(cd.source_directory, ".", here.name)
        ignore = list(cd.ignore)
        exclude = list((getattr(converter, "exclude_overwriting", None) or {}).get(here.name, []))
    else:
        source = next((p for p in (here.parents[2] / s / here.name for s in _SOURCE_FOLDERS) if p.is_dir()), None) \
            if len(here.parents) > 2 else None
    changed: list[str] = []
    for rel, released in released_data_files(source, ignore=ignore, exclude=exclude, links=True).items():
        mine = here.joinpath(*rel.split("/"))
        try:
            if mine.is_symlink() or not mine.is_file() or _digest(mine) == _digest(released):
                continue
        except OSError:
            continue
        changed.append(rel)
    if changed:
        log.warning("coplearn: %s: %s differ%s from the assignment's released file%s; graded with the assignment's "
                    "own copy (nbgrader puts it back), so answers the student worked out from their copy may differ "
                    "from the key. The student's copy is in submitted/.", log_safe(student),
                    log_safe(", ".join(changed), 600), "s" if len(changed) == 1 else "",
                    "" if len(changed) == 1 else "s")
    return changed


def release_clashes(folder: str | os.PathLike[str]) -> list[tuple[Path, str]]:
    """Entries of a submitted folder that stand where the release has a data file of that name but
    are a folder, or where it has a folder but are a file: (the entry, what the release has there:
    "file" or "folder"). Links are not counted (they are removed before grading)."""
    here = Path(folder)
    source = next((p for p in (here.parents[2] / s / here.name for s in _SOURCE_FOLDERS) if p.is_dir()), None) \
        if len(here.parents) > 2 else None
    if source is None:
        return []
    found: list[tuple[Path, str]] = []
    for released in sorted(source.rglob("*")):
        if not released.is_file() or released.suffix == ".ipynb":
            continue
        rel = released.relative_to(source)
        steps = [here.joinpath(*rel.parts[:i]) for i in range(1, len(rel.parts) + 1)]
        for step in steps:  # the file's own name must not be a folder, nor any folder on its way a file
            last = step == steps[-1]
            if not step.is_symlink() and ((last and step.is_dir()) or (not last and step.is_file())):
                if all(s != step for s, _ in found):
                    found.append((step, "file" if last else "folder"))
                break
    return found


def _aside_name(path: str) -> str:
    """A free name beside ``path``: ``NAME.not-graded`` (then ``-2``, ``-3`` ...)."""
    aside, n = path + ".not-graded", 1
    while os.path.lexists(aside):
        n += 1
        aside = f"{path}.not-graded-{n}"
    return aside


def too_many_entries(folder: str | os.PathLike[str]) -> bool:
    """More than :data:`MAX_ENTRIES` files and folders under ``folder``."""
    return count_entries(folder) > MAX_ENTRIES


#: A submitted folder whose files add up to more than this (their apparent size, as ``collect``
#: counts it: nbgrader's own ``CourseDirectory.max_dir_size`` default, 100,000 kB) is not graded.
#: nbgrader copies every file of a submission into autograded/ before anything can leave one out,
#: writing a *sparse* file's holes out in full: a 194-byte archive unpacked by hand held a 40 GB
#: file that took no room in submitted/ and would have filled the disk (red team 10).
MAX_SUBMISSION_BYTES = 100_000 * 1000
#: Folders nbgrader's copy leaves out (its ``CourseDirectory.ignore`` default), so not counted.
_NOT_COPIED = frozenset({".ipynb_checkpoints", "__pycache__", "feedback"})


def apparent_size(folder: str | os.PathLike[str]) -> int:
    """The sizes of the plain files under ``folder`` added up, as they claim (links not followed).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     with open(os.path.join(d, "sparse"), "wb") as fh:
    ...         _ = fh.truncate(10**9)  # a billion bytes on paper, none on the disk
    ...     apparent_size(d)
    1000000000
    """
    total = 0
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = [d for d in dirnames if d not in _NOT_COPIED]  # (nbgrader's default ignore list)
        for name in filenames:
            with contextlib.suppress(OSError):
                st = os.lstat(os.path.join(dirpath, name))
                if stat.S_ISREG(st.st_mode):
                    total += st.st_size
    return total


def clear_odd_entries(folder: str | os.PathLike[str], student: str, log: Any) -> list[str]:
    """Remove from a student's submitted folder (and name in ``log``) every link, named pipe or
    other special file, before nbgrader copies the folder: nbgrader's copy follows links, so a
    link to another student's notebook would be graded as this student's, and a link to
    ``/dev/zero`` would be copied until the disk is full. Collecting with
    :class:`coplearn.grading.exchange.SafeCollect` never makes such entries; a tutor who unpacks
    an archive into ``submitted/`` by hand might. Returns what was removed."""
    removed, stuck = [], []
    for rel, what in odd_entries(folder):
        full = os.path.join(folder, rel)
        try:
            if os.path.isdir(full) and not os.path.islink(full):
                shutil.rmtree(full)
            else:
                os.unlink(full)
            removed.append(f"{rel}: {what}")
        except OSError:
            stuck.append(f"{rel}: {what}")
    if removed:
        log.error("coplearn: %s: removed from the submitted folder before grading (a submission is plain files "
                  "only; a link could point at another student's work or any file you can read): %s",
                  log_safe(student), log_safe("; ".join(removed), 2000))
    if stuck:
        # a read-only folder (an archive unpacked by hand keeps its modes) keeps its links: nbgrader's
        # copy would follow them, so a classmate's answers.json was graded as this student's (red team 12 F2)
        raise NotGraded(f"it holds what a submission must not and what could not be removed (the folder is "
                        f"read-only; an archive unpacked by hand can make it so): {'; '.join(stuck)}. Nothing was "
                        "copied from it. Make the folder writable (chmod -R u+w on it), or put the student's own "
                        "notebook and answers.json in a new folder in its place, and grade again")
    return removed


#: The log of a run that is not nbgrader's global application (``coplearn autograde --jobs`` makes
#: its own AutogradeApp): set by :mod:`coplearn.grading.parallel` for the run. Without it the
#: hook's lines went to traitlets' silent fallback logger there, and the tutor never saw them.
RUN_LOG: Any = None


def _log() -> Any:
    if RUN_LOG is not None:
        return RUN_LOG
    from traitlets.log import get_logger

    return get_logger()  # nbgrader's own log (the application's, or traitlets' under nbgrader's API)


def _handed_in(folder: str) -> dict[tuple[int, int], str]:
    """The notebooks and ``answers.json`` at the top of a submitted folder (what nbgrader grades)
    that have another name on disk too (hard links): {(device, inode): file name}."""
    from coplearn.grading.answers import ANSWERS_FILE

    found: dict[tuple[int, int], str] = {}
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return found
    for entry in entries[: MAX_ENTRIES + 1]:
        if entry.name.endswith(".ipynb") or entry.name == ANSWERS_FILE:
            with contextlib.suppress(OSError):
                st = os.lstat(entry.path)  # (a DirEntry's own stat has no link count on Windows)
                if stat.S_ISREG(st.st_mode) and st.st_nlink > 1:
                    found[(st.st_dev, st.st_ino)] = entry.name
    return found


def shared_with_classmates(folder: str) -> list[tuple[str, str, str]]:
    """A submitted folder's notebooks and ``answers.json`` that are the *same file on disk* as a file
    anywhere in a classmate's folder in ``submitted/`` (hard links, which an archive unpacked by hand
    can make: a classmate's notebook, their checkpoint copy or ``answers (1).json``, handed in again
    under this name, red team 12 F3): (this file, the other student, their file). Other files (the
    release's data file, say) are not the student's work and do not count.

    >>> import tempfile
    >>> root = tempfile.mkdtemp()
    >>> for who in ("alice", "mallory"): os.makedirs(os.path.join(root, who, "a1", ".ipynb_checkpoints"))
    >>> _ = open(os.path.join(root, "alice", "a1", ".ipynb_checkpoints", "a1-checkpoint.ipynb"), "w").close()
    >>> os.link(os.path.join(root, "alice", "a1", ".ipynb_checkpoints", "a1-checkpoint.ipynb"),
    ...         os.path.join(root, "mallory", "a1", "a1.ipynb"))
    >>> shared_with_classmates(os.path.join(root, "mallory", "a1"))
    [('a1.ipynb', 'alice', '.ipynb_checkpoints/a1-checkpoint.ipynb')]
    """
    mine = _handed_in(folder)
    if not mine:
        return []
    here = os.path.realpath(folder)
    student_dir = os.path.dirname(here)
    me = os.path.basename(student_dir)
    submitted = os.path.dirname(student_dir)
    course = os.path.dirname(submitted)
    # classmates' folders in submitted/, and their graded copies and feedback beside it (review 12b: a
    # link to a classmate's graded notebook, which an archive unpacked at the course's top can make)
    found = []
    found += _linked_in_classmates(submitted, me, here, mine)
    for beside in ("autograded", "feedback"):
        found += _linked_in_classmates(os.path.join(course, beside), me, here, mine, f" in {beside}/")
    return sorted(set(found))


def _linked_in_classmates(base: str, me: str, here: str, mine: dict[tuple[int, int], str],
                          where: str = "") -> list[tuple[str, str, str]]:
    """(this file, the classmate, their file) for each of ``mine`` that is a file in a classmate's
    folder under ``base``; ``where`` is added to their file's name for folders beside submitted/."""
    found: list[tuple[str, str, str]] = []
    try:
        others = sorted(os.scandir(base), key=lambda e: e.name)
    except OSError:
        return found
    for other in others:
        if other.name == me or other.name.startswith(".") or not other.is_dir(follow_symlinks=False):
            continue
        seen = 0
        inside = os.path.join(other.path, os.path.basename(here))  # their folder for the assignment
        for top, dirs, files in os.walk(other.path, followlinks=False):
            dirs.sort()
            for name in sorted(files):
                seen += 1
                with contextlib.suppress(OSError):
                    full = os.path.join(top, name)
                    st = os.lstat(full)
                    if st.st_nlink > 1 and (st.st_dev, st.st_ino) in mine:
                        rel = os.path.relpath(full, inside if full.startswith(inside + os.sep) else other.path)
                        found.append((mine[(st.st_dev, st.st_ino)], other.name, rel.replace(os.sep, "/") + where))
            if seen > 4 * MAX_ENTRIES:  # (a folder that big is refused for itself; enough looked at)
                break
    return found


def hard_linked(folder: str) -> list[str]:
    """The notebooks and ``answers.json`` at the top of a submitted folder that have another name on
    disk, wherever it is. :func:`shared_with_classmates` says whether that name is a classmate's
    (which fails the student); any other (a tutor's backup made with hard links) is only said.

    >>> import tempfile
    >>> d = tempfile.mkdtemp()
    >>> _ = open(os.path.join(d, "a1.ipynb"), "w").close()
    >>> hard_linked(d)
    []
    >>> os.link(os.path.join(d, "a1.ipynb"), os.path.join(d, "elsewhere.txt"))
    >>> hard_linked(d)
    ['a1.ipynb']
    """
    return sorted(_handed_in(folder).values())


def linked_within(folder: str) -> dict[str, list[str]]:
    """Of :func:`hard_linked`'s files, those whose every other name on disk is in the same submitted folder (a
    hard link an archive unpacked by hand can make: the notebook also as ``backup/a1.ipynb``), each with those
    names (red team 29 L2: such a file was said to have a name "outside the students' folders"). The folder is
    read no further than :data:`MAX_ENTRIES` entries.

    >>> import tempfile
    >>> d = tempfile.mkdtemp(); os.makedirs(os.path.join(d, "backup"))
    >>> _ = open(os.path.join(d, "a1.ipynb"), "w").close()
    >>> os.link(os.path.join(d, "a1.ipynb"), os.path.join(d, "backup", "a1.ipynb"))
    >>> linked_within(d)
    {'a1.ipynb': ['backup/a1.ipynb']}
    """
    mine = _handed_in(folder)
    if not mine:
        return {}
    others: dict[tuple[int, int], list[str]] = {key: [] for key in mine}
    seen = 0
    for root, dirs, files in os.walk(folder):  # (links to folders are not followed)
        for name in files:
            seen += 1
            if seen > MAX_ENTRIES:
                return {}
            path = os.path.join(root, name)
            with contextlib.suppress(OSError):
                st = os.lstat(path)
                key = (st.st_dev, st.st_ino)
                if key in others and os.path.relpath(path, folder) != mine[key]:
                    others[key].append(os.path.relpath(path, folder).replace(os.sep, "/"))
    out: dict[str, list[str]] = {}
    for key, names in others.items():
        with contextlib.suppress(OSError):
            if names and os.lstat(os.path.join(folder, mine[key])).st_nlink <= len(names) + 1:
                out[mine[key]] = sorted(names)
    return out


def _say_if_renamed(folder: str, student: str, notebooks: list[str], log: Any) -> None:
    """One plain line when the assignment's notebook (named after the assignment, as the course's
    are) is missing but a renamed copy is there ("a1-learning-cultures (1).ipynb", "...-Copy1"):
    nbgrader skips it as unknown and its own error blames the tutor's set-up."""
    expected = os.path.basename(folder) + ".ipynb"
    names = [os.path.basename(n) for n in notebooks]
    if expected in names:
        others = sorted(n for n in names if n != expected)
        hidden = [n for n in notebooks_elsewhere(folder) if "/" in n]
        if hidden:
            # work in a subfolder beside an untouched notebook (an archive of the folder unpacked inside it):
            # nbgrader grades the top-level notebook and never copies or names the other (red team 26 F1)
            graded = os.path.join(folder, expected)
            later = [n for n in hidden if _mtime(os.path.join(folder, n)) > _mtime(graded)]
            beside = [n for n in hidden if os.path.isfile(os.path.join(folder, os.path.dirname(n), grading.ANSWERS_FILE))]
            log.warning("coplearn: %s also handed in %s, in a subfolder, beside %s; only %s is graded (nbgrader does not "
                        "look in subfolders)%s. If their work is there, move it up in place of %s in submitted/ "
                        "(keeping that name%s) and grade again with --force.",
                        log_safe(student), log_safe(", ".join(hidden), 600), expected, expected,
                        f"; {log_safe(', '.join(later), 600)} was saved later" if later else "", expected,
                        f", with the {grading.ANSWERS_FILE} beside it" if beside else "")
        if others:
            # work done in a copy ("...-Copy1.ipynb", "Untitled.ipynb") beside an untouched original:
            # nbgrader grades the original and only says it skips the other
            graded = os.path.join(folder, expected)
            later = [n for n in others if _mtime(os.path.join(folder, n)) > _mtime(graded)]
            log.warning("coplearn: %s also handed in %s beside %s; only %s is graded%s. If their work is in another "
                        "notebook, replace %s with it in submitted/ (keeping that name) and grade again with --force.",
                        log_safe(student), log_safe(", ".join(others), 600), expected, expected,
                        f" ({log_safe(', '.join(later), 600)} saved later)" if later else "", expected)
        return
    stem = os.path.basename(folder).casefold()
    renamed = [n for n in names if n.casefold().startswith(stem)]
    if len(renamed) != 1 and len(names) == 1:
        renamed = names  # the only notebook, whatever its name ("Assignment 1 - Jane Doe.ipynb": red team 26 F2)
    if len(renamed) == 1:
        log.error("coplearn: %s handed in %r, not %r: if it is their work, rename it to %s in submitted/ and grade "
                  "again (nbgrader skips a notebook it does not know).", log_safe(student), log_safe(renamed[0]),
                  expected, expected)


def _mtime(path: str) -> float:
    try:
        return os.lstat(path).st_mtime
    except OSError:
        return 0.0


def _say_if_answers_file_missing(folder: str, student: str, notebooks: list[str], log: Any) -> None:
    """One plain line when a submission has no ``answers.json`` but should have: a file named like it
    is there (``answers (1).json`` from a second download, ``answers.json.txt``, ``Answers.json``),
    or the notebook's saved outputs show answers chosen with the drop-downs. Without it every
    drop-down answer is unanswered, and nbgrader would say nothing."""
    from coplearn.grading.answers import ANSWERS_FILE
    from coplearn.grading.resolve import CHOSEN

    if os.path.lexists(os.path.join(folder, ANSWERS_FILE)):
        return
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return
    alike = [n for n in names if n.casefold().startswith("answers") and ".json" in n.casefold()]
    if not alike:  # one in a subfolder (an archive of the folder unpacked inside it: red team 26 F1)
        alike = [f"{n}/{ANSWERS_FILE}" for n in names if not n.startswith(".")
                 and os.path.isdir(os.path.join(folder, n)) and not os.path.islink(os.path.join(folder, n))
                 and os.path.isfile(os.path.join(folder, n, ANSWERS_FILE))][:5]
    if alike:
        log.error("coplearn: %s: no %s in the submitted folder, but %s is there: if it holds the drop-down answers, "
                  "%s %s in submitted/ and grade again with --force (graded now without drop-down answers).",
                  log_safe(student), ANSWERS_FILE, log_safe(", ".join(alike), 600),
                  "move it up, out of its subfolder, as" if "/" in alike[0] else "rename it to", ANSWERS_FILE)
        return
    untyped: list[str] = []
    for path in notebooks:
        with contextlib.suppress(OSError):
            if os.lstat(path).st_size <= MAX_SUBMISSION_BYTES:
                with open(path, encoding="utf-8", errors="replace") as fh:
                    text = fh.read()
                if f"({CHOSEN}" in text:  # the learner's own run printed it: answers.json existed
                    log.error("coplearn: %s: no %s came with the notebook, yet its saved outputs show answers "
                              "chosen with the drop-downs, which are saved in that file: they are unanswered "
                              "now. Ask the student for %s (it sits beside the notebook), put it in submitted/ "
                              "and grade again with --force.", log_safe(student), ANSWERS_FILE, ANSWERS_FILE)
                    return
                untyped += [q for q in _untyped_drop_down_questions(text) if q not in untyped]
    if untyped:
        # Outputs cleared before saving leave no sign of the drop-downs' use (red team 11 F6): said, more
        # softly, and only for questions the typed answers leave open (docs 12 D13: a learner who typed
        # every answer needs no answers.json, and the line was given for every such submission).
        log.warning("coplearn: %s: no %s came with the notebook, and %s %s no full typed answer, so any answers "
                    "chosen for %s with the drop-downs are marked unanswered. If the student used the drop-downs, "
                    "ask for %s (it sits beside the notebook), put it in submitted/ and grade again with --force.",
                    log_safe(student), ANSWERS_FILE, log_safe(", ".join(untyped), 200),
                    "has" if len(untyped) == 1 else "have", "it" if len(untyped) == 1 else "them", ANSWERS_FILE)


_ANSWER_WIDGETS = frozenset({"ChoiceQuestions", "SeveralChoices", "NumberAnswers"})


def _asked(sources: list[str]) -> dict[str, object]:
    """The questions the course's answer widgets ask in these code cells: name -> what a full typed
    answer holds (the items' keys, for a widget given them literally; how many answers, for
    ``SeveralChoices``; else ``None``)."""
    import ast

    asked: dict[str, object] = {}
    for source in sources:
        if len(source) > 50_000 or not any(w in source for w in _ANSWER_WIDGETS):
            continue  # (a released widget cell is a few kB; a huge cell is not parsed: review 12b)
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for node in ast.walk(tree):
            func = getattr(node, "func", None)
            called = getattr(func, "id", None) or getattr(func, "attr", None)
            if not isinstance(node, ast.Call) or called not in _ANSWER_WIDGETS or not node.args:
                continue
            first = node.args[0]
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            shape: object = None
            if len(node.args) > 1:
                with contextlib.suppress(ValueError, TypeError, SyntaxError, RecursionError):
                    second = node.args[1]
                    if isinstance(second, ast.Dict):
                        shape = frozenset(ast.literal_eval(k) for k in second.keys if k is not None)
                    elif isinstance(second, ast.Constant) and isinstance(second.value, int):
                        shape = second.value
            asked.setdefault(first.value, shape)
    return asked


def _untyped_drop_down_questions(text: str) -> list[str]:
    r"""The questions of a notebook (its JSON ``text``) that have drop-downs or answer boxes but no
    full typed answer: no value, a blank in it, or fewer items or answers than the widget asks
    (review 12: a typed dict with some statements deleted counted as full). Read as data, as
    grading reads the answer cells; a notebook that is not JSON is left to nbgrader to refuse.

    >>> import json
    >>> def nb(*sources): return json.dumps({"cells": [{"cell_type": "code", "source": s} for s in sources]})
    >>> _untyped_drop_down_questions(nb('ChoiceQuestions("q1", {1: "a", 2: "b"})', 'SeveralChoices("q2", 2)',
    ...                                 'q1 = {1: "managed", 2: None}\nq2 = ["managed", "democratic"]'))
    ['q1']
    >>> _untyped_drop_down_questions(nb('ChoiceQuestions("q1", {1: "a", 2: "b"})', 'SeveralChoices("q2", 2)',
    ...                                 'q1 = {1: "managed"}\nq2 = ["humanistic"]'))
    ['q1', 'q2']
    >>> _untyped_drop_down_questions(nb('ChoiceQuestions("q3", None)', 'q3 = "task"  # typed'))
    []
    """
    try:
        cells = json.loads(text).get("cells", [])
        sources = ["".join(c["source"]) if isinstance(c["source"], list) else str(c["source"])
                   for c in cells if isinstance(c, dict) and c.get("cell_type") == "code" and "source" in c]
    except (ValueError, AttributeError, TypeError):
        return []
    asked = _asked(sources)
    typed: dict[str, object] = {}
    for source in sources:
        if len(source) < 50_000 and source.count("\n") < 200:  # (an answer cell is short; a flood is nbgrader's)
            typed.update({n: v for n, v in grading.parse_answer_cell(source).values.items() if _full(v)})
    return [name for name in asked if name not in typed or not _fits(typed[name], asked[name])]


def _fits(value: object, shape: object) -> bool:
    """Whether a typed answer gives everything the widget asks: each of its items, or as many answers."""
    if isinstance(shape, frozenset) and isinstance(value, dict):
        # each item looked up as grading looks it up: "Task" gives task (red team 19 F4)
        return all(grading.item_value(value, item) is not None for item in shape)
    if isinstance(shape, int) and isinstance(value, (list, tuple)):
        return len(value) >= shape
    return True


def _full(value: object) -> bool:
    """True for a typed answer with nothing left blank (``None``, blank text, or a list or dict holding one)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return False
    if isinstance(value, dict):
        return bool(value) and all(_full(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return bool(value) and all(_full(v) for v in value)
    return True


def too_many_cells(path: str | os.PathLike[str]) -> int | None:
    """How many cells the notebook at ``path`` has, when that is more than the course grades
    (``sanitise.MAX_CELLS``); else ``None`` (also for a file that cannot be read: nbgrader says why).

    Counted on the file read as plain JSON, before nbgrader reads it: nbgrader's reading, schema check
    and steps over every cell took two minutes and 5 GB for a million empty cells (red team 11 F1),
    before the course's own check refused the notebook, and everyone after waited. (Counting a key
    in the text instead was walked round with ``"cell\\u005ftype"``, review 11.)
    """
    from coplearn.grading.sanitise import MAX_CELLS

    counts = _counts(path)
    return counts.cells if counts and counts.cells > MAX_CELLS else None


#: More outputs than this in one notebook, and it is not graded (a released notebook run in full
#: has fewer than 200; a million empty ones took nbgrader a minute to read and clear, red team 11).
MAX_OUTPUTS = 20_000


def too_many_outputs(path: str | os.PathLike[str]) -> int | None:
    """How many outputs the notebook at ``path`` holds, when that is more than :data:`MAX_OUTPUTS`."""
    counts = _counts(path)
    return counts.outputs if counts and counts.outputs > MAX_OUTPUTS else None


#: More pieces of data than these in one notebook (JSON lists and objects; and values of any kind),
#: and it is not graded. nbgrader's steps read, copy, check and write everything in a notebook several
#: times, its settings (metadata) included: a 10 MB list of a few million empty lists in the settings,
#: which no cell or output count sees, took 74 s and 1.6 GB for three students (red team 19 F1). A released
#: notebook run in full holds about 200 lists and objects and about 1,000 values; a figure in an output
#: adds a few thousand values at most.
MAX_CONTAINERS = 100_000
MAX_VALUES = 500_000
#: Nested deeper than this, and a notebook is not graded: nbformat reads a notebook recursively and
#: failed with a bare RecursionError at about 490 levels (red team 19 F6); a notebook has fewer than 20.
MAX_DEPTH = 200

#: A JSON string (its escapes included), taken out before the brackets and commas are counted. One left
#: open runs to the end of the file: otherwise a file that opens a string and never closes it, full of
#: escaped quotes, was scanned again from each quote (40 kB took 7 s, 1 MB about an hour: check19 H1).
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.S)


@dataclasses.dataclass(frozen=True)
class _Shape:
    """What the notebook file holds, read as plain JSON before nbgrader reads it."""

    cells: int = 0
    outputs: int = 0
    containers: int = 0  #: JSON lists and objects
    values: int = 0      #: values of any kind (lists and objects included; keys not)
    depth: int = 0       #: how deeply lists and objects nest (1: a flat object)


def _counts(path: str | os.PathLike[str]) -> _Shape | None:
    """What the notebook at ``path`` holds, read as plain JSON, or ``None`` if it cannot be read so.
    Read once per version of the file (the plan for ``--jobs`` and the submission hook both ask)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return _counts_of(os.fspath(path), info.st_mtime_ns, info.st_size)


def _rough_shape(data: bytes) -> tuple[int, int]:
    """(lists and objects, values) of a JSON text, counted without building it (a file up to the
    submission size limit of a few million empty lists would take gigabytes to build): strings are
    taken out, then brackets and commas counted. Never fewer than there are; for a text that is not
    JSON, rough (reading it then says why)."""
    bare = _JSON_STRING.sub(b"", data)
    containers = bare.count(b"[") + bare.count(b"{")
    return containers, containers + bare.count(b",") + 1


def _shape_of(nb: Any) -> tuple[int, int, int]:
    """(lists and objects, values, depth) of a JSON document, walked without recursion."""
    containers = values = depth = 0
    stack: list[tuple[Any, int]] = [(nb, 1)]
    while stack:
        item, level = stack.pop()
        values += 1
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is not None:
            containers += 1
            depth = max(depth, level)
            stack.extend((v, level + 1) for v in children)
    return containers, values, depth


@functools.lru_cache(maxsize=256)
def _counts_of(path: str, _mtime_ns: int, _size: int) -> _Shape | None:
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    containers, values = _rough_shape(data)
    if containers > MAX_CONTAINERS or values > MAX_VALUES:
        return _Shape(containers=containers, values=values)  # not built: too_many_parts refuses it
    try:
        nb = json.loads(data.decode("utf-8-sig", "replace"))
    except (ValueError, RecursionError):
        return None
    if not isinstance(nb, dict):
        return None
    containers, values, depth = _shape_of(nb)
    # Both places are counted: an older format's cells are in worksheets, which nbformat reads all the
    # same (review 11), and it chooses by the version number, not by which keys are there, so an empty
    # "cells" list beside full worksheets hid them from this count (red team 18 F1)
    cells = list(nb["cells"]) if isinstance(nb.get("cells"), list) else []
    sheets = nb.get("worksheets")
    if isinstance(sheets, list):
        cells += [c for w in sheets if isinstance(w, dict) and isinstance(w.get("cells"), list) for c in w["cells"]]
    outputs = sum(len(c["outputs"]) for c in cells if isinstance(c, dict) and isinstance(c.get("outputs"), list))
    return _Shape(len(cells), outputs, containers, values, depth)


def too_many_parts(path: str | os.PathLike[str]) -> tuple[int, int] | None:
    """(lists and objects, values) in the notebook at ``path``, when either is more than the course
    reads (:data:`MAX_CONTAINERS`, :data:`MAX_VALUES`); else ``None``."""
    counts = _counts(path)
    if counts and (counts.containers > MAX_CONTAINERS or counts.values > MAX_VALUES):
        return counts.containers, counts.values
    return None


def too_deep(path: str | os.PathLike[str]) -> int | None:
    """How deeply the notebook at ``path`` nests, when that is more than :data:`MAX_DEPTH`; else ``None``."""
    counts = _counts(path)
    return counts.depth if counts and counts.depth > MAX_DEPTH else None


_FRESH_COPY = "Ask the student to copy their answers into a fresh copy of the released notebook and submit that."


def _size_checks() -> list[tuple[Callable[[Any], Any], Callable[[str, Any], str], str]]:
    """The checks on a notebook's size made before nbgrader reads it, in order: what finds a notebook
    over a limit, how one found is named, and the rest of the tutor's line (why, and what to ask for)."""
    from coplearn.grading.sanitise import MAX_CELLS

    hold_up = "reading it would hold up everyone graded after."
    return [
        (too_many_cells, lambda name, count: f"{name} has {count:,} cells",
         f"more than the {MAX_CELLS:,} the course grades (a released notebook has fewer than 100); {hold_up} "
         "Ask the student to remove the extra cells and submit again."),
        (too_many_outputs, lambda name, count: f"{name} holds {count:,} outputs",
         f"more than the {MAX_OUTPUTS:,} the course reads (a released notebook run in full has fewer than 200); "
         f"{hold_up} Ask the student to clear the outputs (Edit, Clear Outputs of All Cells), save and submit again."),
        (too_many_parts, lambda name, parts: f"{name} holds about {parts[0]:,} lists and objects and {parts[1]:,} values",
         f"more than the course reads ({MAX_CONTAINERS:,} lists and objects, {MAX_VALUES:,} values; a released "
         "notebook run in full holds about 1,000 values); such bulk is usually in a notebook's settings (metadata) "
         f"or saved outputs. {hold_up.capitalize()} If it is in saved outputs (a long printed output, such as a "
         "runaway loop's), clearing them is enough, as grading clears them anyway: ask the student to choose Edit, "
         f"Clear Outputs of All Cells, save and submit again. Otherwise: {_FRESH_COPY[0].lower()}{_FRESH_COPY[1:]}"),
        (too_deep, lambda name, depth: f"{name} is nested {depth:,} levels deep",
         f"more than the {MAX_DEPTH:,} levels the course reads (a notebook has fewer than 20), so it cannot be read "
         f"safely. {_FRESH_COPY}"),
    ]


def too_big_to_read(path: str | os.PathLike[str]) -> bool:
    """Whether any of the size checks (:func:`_size_checks`) refuses the notebook at ``path``."""
    return any(finder(path) for finder, _said, _why in _size_checks())


def _unreadable(path: str) -> str | None:
    """Why nbgrader could not read the notebook at ``path`` as a notebook, in plain words, or None."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        return f"cannot be opened ({exc.strerror or type(exc).__name__})"
    if not data.strip():
        return "is empty"
    if data.startswith(b"\xef\xbb\xbf"):
        return "starts with a byte-order mark (an editor other than JupyterLab saved it)"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "is saved as UTF-16 text, not UTF-8 (an editor other than JupyterLab saved it)"
    try:
        nb = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        return "is not UTF-8 text"
    except RecursionError:
        return "is nested too deeply to read"
    except ValueError as exc:
        return f"is not a notebook file (not valid JSON: {str(exc)[:120]})"
    version = nb.get("nbformat") if isinstance(nb, dict) else None
    if isinstance(version, int) and not isinstance(version, bool) and 1 <= version < 4:
        return None  # an older format (worksheets, not cells): nbformat converts it, and says so if it cannot
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return "is JSON but not a notebook (it has no list of cells)"
    cant = "is not a notebook nbgrader can read"
    if "nbformat" in nb and (not isinstance(nb["nbformat"], int) or isinstance(nb["nbformat"], bool)):
        return f"{cant}: its format version is {_json_kind(nb['nbformat'])}, not a whole number"
    if nb.get("nbformat") != 4:
        return (f"{cant}: its format version is {nb.get('nbformat', 'missing')}; the course reads version 4 "
                "notebooks, as JupyterLab saves them")
    if "nbformat_minor" not in nb:
        return f"{cant}: its format's minor version is missing"
    minor = nb["nbformat_minor"]
    if not isinstance(minor, int) or isinstance(minor, bool) or minor < 0:
        shown = minor if isinstance(minor, int) and not isinstance(minor, bool) else _json_kind(minor)
        return f"{cant}: its format's minor version is {shown}, not a whole number from 0 up"
    if "metadata" not in nb:
        return f"{cant}: it has no settings (metadata) at all"
    if not isinstance(nb["metadata"], dict):
        return f"{cant}: its settings (metadata) are {_json_kind(nb['metadata'])}, not a set of named values"
    for n, cell in enumerate(nb["cells"], 1):
        if not isinstance(cell, dict):
            return f"{cant}: its cell {n} is not a cell"
        if "metadata" not in cell:
            return f"{cant}: its cell {n} has no settings (metadata) at all"
        if not isinstance(cell.get("attachments", {}), dict):
            return (f"{cant}: the attachments of its cell {n} are {_json_kind(cell['attachments'])}, not a set of "
                    "named values")
        if not _is_text(cell.get("source", "")):
            return (f"{cant}: the text of its cell {n} is {_json_kind(cell['source'])}, not text (a hand edit or "
                    "another tool left it so)")
        if not isinstance(cell.get("metadata", {}), dict):
            return f"{cant}: the settings (metadata) of its cell {n} are {_json_kind(cell['metadata'])}"
        # (only what stops nbformat reading the file: lines of text that are not all text. A
        # single value of the wrong type is mended as the cell's outputs are cleared)
        outputs = cell.get("outputs", [])
        for out in outputs if isinstance(outputs, list) else []:
            if not isinstance(out, dict):
                return f"{cant}: an output of its cell {n} is {_json_kind(out)}, not an output"
            texts = [out.get("text")] + ([v for k, v in out["data"].items() if not k.endswith("json")]
                                         if isinstance(out.get("data"), dict) else [])
            if any(isinstance(t, list) and not _is_text(t) for t in texts):
                return f"{cant}: an output of its cell {n} holds lines that are not all text"
    return None


def _is_text(value: object) -> bool:
    """A notebook's multi-line text: a string, or a list of strings."""
    return isinstance(value, str) or isinstance(value, list) and all(isinstance(x, str) for x in value)


def _json_kind(value: object) -> str:
    """What kind of JSON value ``value`` is, in plain words.

    >>> [_json_kind(v) for v in (5, {"a": 1}, ["x", 5], None, True, [])]
    ['a number', 'a set of named values', 'a list holding something other than text', 'empty (null)', 'true or false', 'a list']
    """
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dict):
        return "a set of named values"
    if isinstance(value, list):
        return "a list holding something other than text" if value and not _is_text(value) else "a list"
    return "text" if isinstance(value, str) else "empty (null)"  # (JSON has no other kinds)


def _assignment_notebooks(folder: str, converter: Any = None) -> set[str]:
    """The names of the notebooks nbgrader grades in a submitted ``folder``: those of the assignment's source folder
    (the course's: named after the assignment), as ``converter`` has it or found beside ``submitted/``."""
    here = Path(folder)
    cd = getattr(converter, "coursedir", None)
    source = (cd.format_path(cd.source_directory, ".", here.name) if cd is not None else
              next((p for p in (here.parents[2] / s / here.name for s in _SOURCE_FOLDERS) if p.is_dir()), None)
              if len(here.parents) > 2 else None)
    names = {here.name + ".ipynb"}
    with contextlib.suppress(OSError, TypeError):
        names |= {n for n in os.listdir(source) if n.endswith(".ipynb")} if source else set()
    return names


def _say_if_unreadable(notebooks: list[str], student: str, log: Any, graded: set[str] | None = None) -> None:
    """One plain line before nbgrader's own error (a traceback) for a notebook it cannot read:
    that student then fails alone. A notebook nbgrader does not grade (``graded`` names those it does: a stray
    ``Untitled.ipynb``) costs nothing, and is said so (red team 27 L3: it was said to stop the student's grading)."""
    for path in notebooks:
        why = _unreadable(path)
        if why and graded is not None and os.path.basename(path) not in graded:
            log.warning("coplearn: %s: %s %s; it is not one of the assignment's notebooks, so it is not graded and "
                        "costs the student nothing.", log_safe(student), log_safe(os.path.basename(path)), why)
        elif why:
            log.error("coplearn: %s: %s %s, so nbgrader cannot read it and this student is not graded (the error "
                      "below). Ask the student to download the notebook from JupyterLab again and send that copy "
                      "(or mend the file), then grade again.", log_safe(student), log_safe(os.path.basename(path)),
                      why)


def notebooks_elsewhere(folder: str | os.PathLike[str], limit: int = 5, budget: int = MAX_ENTRIES) -> list[str]:
    """Notebooks in ``folder`` that nbgrader does not see: named ``.IPYNB`` (or any case but
    ``.ipynb``), or inside a subfolder up to two levels down; as paths relative to ``folder``, at
    most ``limit``, looking at no more than ``budget`` entries in all. Links are not followed.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / "A1.IPYNB").write_text("{}"); (d / "sub").mkdir(); (d / "sub" / "a1.ipynb").write_text("{}")
    2
    2
    >>> notebooks_elsewhere(d)
    ['A1.IPYNB', 'sub/a1.ipynb']
    """
    found: list[str] = []
    queue: list[tuple[str, str, int]] = [(os.fspath(folder), "", 0)]
    while queue and budget > 0 and len(found) < limit:
        path, rel, depth = queue.pop(0)
        try:
            with os.scandir(path) as it:
                entries = []
                for entry in it:
                    entries.append(entry)
                    budget -= 1
                    if budget <= 0:
                        break
        except OSError:
            continue
        for entry in sorted(entries, key=lambda e: e.name):
            name = rel + entry.name
            if entry.is_symlink():
                continue
            if entry.is_dir(follow_symlinks=False):
                if entry.name in _NOT_COPIED or entry.name == "__MACOSX":
                    continue  # (JupyterLab's checkpoints and a Mac zip's copies are never the student's work: check26 M1)
                if depth < 2:
                    queue.append((entry.path, name + "/", depth + 1))
            elif entry.name.casefold().endswith(".ipynb") and not entry.name.startswith("._") and (
                    depth > 0 or not entry.name.endswith(".ipynb")):
                found.append(name)
    return found[:limit]


#: A ``timestamp.txt`` whose time (spaces and line breaks stripped) is longer than this is not a
#: time: nbgrader writes about 30 characters. ``collect`` reads no more of it than this.
MAX_TIMESTAMP_CHARS = 200
#: ... and a file larger than this is not read at all: nbgrader's date parser reads all of it
#: (a 10 MB file took 23 s and 300 MB of memory).
MAX_TIMESTAMP_BYTES = 4096
_SAID_TIMESTAMPS: set[str] = set()


#: The forms of time a ``timestamp.txt`` may hold: what nbgrader writes (``2026-12-04 17:00:00.123456 UTC``)
#: and what a tutor writes year first (``2026-12-04 17:00``, ``2026-12-04T17:00:00Z``, ``...17:00+01:00``). A
#: zone's letters are read (its exchange writes ``BST`` or ``CET`` for a course whose
#: ``Exchange.timezone`` is Europe/London or Europe/Paris, review 11; see ``_ZONE_HOURS``). Any other form, such as a
#: 12-hour clock, is refused rather than guessed at: dateutil reads ``04/12/2026`` month first.
#: A date year first, and a time on the 24-hour clock: the one pattern the course's readings of times share.
_DATE = r"\d{4}-\d{2}-\d{2}"
_CLOCK = r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?"
_ISO_TIME = re.compile(_DATE + r"(?:[T ]" + _CLOCK + r")?"
                       r"(?: ?(?!AM\b|PM\b)[A-Z]{2,5}|Z|[+-]\d{2}:?\d{2})?\Z",  # (nbgrader misreads " +01:00")
                       re.IGNORECASE)


def read_timestamp(path: str | os.PathLike[str]) -> Any:
    """The time a ``timestamp.txt`` holds (nbgrader's ``parse_utc``), ``None`` when there is no
    such file or it is empty (as nbgrader reads it); or ``ValueError``, in plain words, when it is
    not a plain file (a folder, a link, a named pipe: reading one would wait for ever), is too long
    to be a time, or is not one. Never reads more than :data:`MAX_TIMESTAMP_BYTES`.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / "timestamp.txt").write_text("2026-12-04 10:00:00.5 UTC" + "\\n" * 300) and None
    >>> read_timestamp(d / "timestamp.txt").isoformat()
    '2026-12-04T10:00:00.500000'
    >>> (d / "timestamp.txt").write_text("x" * 5000) and None
    >>> read_timestamp(d / "timestamp.txt")
    Traceback (most recent call last):
    ValueError: is 5000 bytes long, too long to be a time
    >>> (d / "timestamp.txt").write_text("04/12/2026 17:00") and None
    >>> read_timestamp(d / "timestamp.txt")
    Traceback (most recent call last):
    ValueError: holds '04/12/2026 17:00', which is not a time written year first on the 24-hour clock (2026-12-04 17:00:00, in UTC)
    >>> (d / "timestamp.txt").write_text("\ufeff2026-12-04 17:00+01:00") and None
    >>> str(read_timestamp(d / "timestamp.txt"))
    '2026-12-04 16:00:00'
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:
        if os.path.islink(path):
            raise ValueError("is a link, not a file") from None
        if os.path.isdir(path):
            raise ValueError("is a folder") from None
        raise ValueError(f"cannot be opened ({exc.strerror or type(exc).__name__})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ValueError("is a folder")
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"is {_kind(info.st_mode)}, not a file")
        if info.st_size > MAX_TIMESTAMP_BYTES:
            raise ValueError(f"is {info.st_size} bytes long, too long to be a time")
        data = os.read(fd, MAX_TIMESTAMP_BYTES + 1)
    except OSError as exc:
        raise ValueError(f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    finally:
        os.close(fd)
    try:
        text = data.decode("utf-8-sig").strip()  # (a byte-order mark, as Notepad saves, is fine)
    except UnicodeDecodeError:
        raise ValueError("is not text") from None
    if not text:
        return None
    return time_from_text(text)


def time_text(when: Any, clock: str = "%H:%M:%S") -> str:
    """``when`` as ``YYYY-MM-DD`` and its time of day in ``clock`` (a ``strftime`` form), the year always
    in four figures: ``%Y`` writes the year 1 as ``1`` with the C library Linux uses (red team 22b L3:
    "claims it was submitted at 1-01-01 00:00:00"), so the year is written here, not by ``strftime``.

    >>> import datetime
    >>> time_text(datetime.datetime(1, 1, 1)), time_text(datetime.datetime(2026, 12, 4, 17, 5), "%H:%M")
    ('0001-01-01 00:00:00', '2026-12-04 17:05')
    """
    return f"{when.year:04d}-{when:%m-%d} {when.strftime(clock)}"


def time_from_text(text: str) -> Any:
    """A submission time written as text, as :func:`read_timestamp` reads it (naive, in UTC), or
    ``ValueError`` in plain words. Collect's check of the time a student claims reads it the same
    way (review 12: it read zone letters as UTC while grading read them as the zone, so a student
    who changed " UTC" to " NZDT" in the exchange moved their time 13 hours earlier).

    >>> str(time_from_text("2026-06-04 17:00:00.000000 BST")), str(time_from_text("2026-12-04T17:00:00Z"))
    ('2026-06-04 16:00:00', '2026-12-04 17:00:00')
    """
    import datetime

    from nbgrader.utils import parse_utc

    text = text.strip()
    if len(text) > MAX_TIMESTAMP_CHARS:
        raise ValueError(f"holds {len(text)} characters, too many to be a time")
    if not _ISO_TIME.match(text) and _SPACED_OFFSET.fullmatch(text):
        # (written year first, but nbgrader reads " +01:00" after a date and a time wrongly: red team 27 L4 said
        # "not written year first" of it)
        raise ValueError(f"holds {text[:40]!r}, with a space before its offset from UTC, which nbgrader reads wrongly: "
                         "write it without the space (2026-12-04 17:00:00+01:00) or in UTC (2026-12-04 16:00:00 UTC)")
    if (not _ISO_TIME.match(text) and not re.search(r"\b[AP]M\b", text, re.IGNORECASE)
            and re.match(_DATE + r"[T ]" + _CLOCK + r"(?![\d:.])", text)):
        # (year first on the 24-hour clock, with an ending the course cannot read: "17:00 Europe/London")
        raise ValueError(f"holds {text[:40]!r}, whose ending after the time is not a time zone the course can read; "
                         "write the time in UTC (2026-12-04 17:00:00 UTC) or with its offset from UTC "
                         "(2026-12-04 18:00:00+01:00)")
    if not _ISO_TIME.match(text):
        # nbgrader's reading takes 04/12/2026 as 12 April and "5:00 PM" as 05:00, without a word (red team 11 F3)
        raise ValueError(f"holds {text[:40]!r}, which is not a time written year first on the 24-hour clock "
                         "(2026-12-04 17:00:00, in UTC)")
    # nbgrader's reading applies zone letters only when a zone file has that name and the time has
    # one space in it, and otherwise reads the time as UTC: "17:30 AEST" was 17:30 UTC, 9.5 hours late
    # (red team 12 F4). The letters are read here from the course's own table (the same on every
    # machine: review 12), or refused.
    zone = _ZONE_LETTERS.search(text)
    letters = zone.group(1).upper() if zone else "UTC"
    universal = letters in ("UTC", "GMT", "UT")
    if not universal and letters not in _ZONE_HOURS:
        # (rev27 M2: every refusal said "some letters name more than one zone", true of IST but not of SAST)
        why = (f"{letters!r} names more than one zone" if letters in _AMBIGUOUS_ZONES
               else "those letters are not in the course's own table of zones")
        raise ValueError(f"holds {text[:40]!r}, whose time zone {zone.group(1)!r} the course cannot read for "  # type: ignore[union-attr]
                         f"certain ({why}); write the time in UTC (2026-12-04 17:00:00 UTC) or with its offset "
                         "from UTC (2026-12-04 19:00:00+02:00)")
    try:
        if universal:
            return parse_utc(text)
        return parse_utc(text[:zone.start()].strip()) - datetime.timedelta(hours=_ZONE_HOURS[letters])  # type: ignore[union-attr]
    except (ValueError, OverflowError):
        raise ValueError("cannot be read as a time") from None


#: Zone letters after a time (nbgrader's exchange writes them, ``%Z``, for a course that sets
#: ``Exchange.timezone``; a tutor may write their own), read as that zone's hours from UTC, from
#: this table only (a zone file or the machine's own zone would read them differently from one
#: machine to another, review 12). Letters that name more than one zone (IST, CST, PST, AST ...) are
#: left out on purpose and refused; BST is read as British Summer Time, for a UK course.
_ZONE_HOURS: dict[str, float] = {
    "WET": 0, "BST": 1, "WEST": 1, "CET": 1, "MET": 1, "CEST": 2, "EET": 2, "EEST": 3, "MSK": 3, "EST": -5,
    "EDT": -4, "MST": -7, "MDT": -6, "PDT": -7, "HST": -10, "AKDT": -8, "HKT": 8, "SGT": 8, "AWST": 8, "JST": 9,
    "KST": 9, "ACST": 9.5, "ACDT": 10.5, "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13}
#: Zone letters that name more than one zone (India, Ireland and Israel for IST ...): refused, never guessed.
_AMBIGUOUS_ZONES = frozenset({"IST", "CST", "CDT", "AST", "ADT", "PST", "GST", "SST", "ECT", "BT", "AMT"})
_ZONE_LETTERS = re.compile(r"(?<![A-Za-z])[ ]?([A-Za-z]{2,5})\Z")


#: The submitted folders this process has already named as unreadable to nbgrader (each said once).
_SAID_UNMATCHED: set[str] = set()


def skip_unmatched_folders() -> None:
    """Make nbgrader leave out, with one line each, the submitted folders it cannot read a student id
    from (a folder name holding a line break, which an archive unpacked by hand can make), in this
    process (``nbgrader_config.py`` calls it, so ``nbgrader autograde`` does, as ``coplearn autograde``).

    nbgrader matches every folder it found against its pattern before grading anyone, and stopped
    the whole run at the first that did not match: everyone sorted after it went ungraded, and the
    log did not say which folder (red team 11 F2). Left out here, the others are graded; the folder
    stays where it is, for the tutor to rename."""
    from nbgrader.converters.base import BaseConverter

    if getattr(BaseConverter.init_notebooks, "coplearn", False):
        return
    original = BaseConverter.init_notebooks

    def init_notebooks(self: Any) -> None:
        original(self)
        regexp = self._format_source("(?P<assignment_id>.*)", "(?P<student_id>.*)", escape=True)
        for folder in [f for f in self.assignments if not re.match(regexp, f)]:
            del self.assignments[folder]
            if folder not in _SAID_UNMATCHED:
                _SAID_UNMATCHED.add(folder)
                self.log.error("coplearn: %s: not graded: the student's folder name holds a line break, so nbgrader "
                               "cannot read a student id from it (and stopped grading everyone after it). Rename the "
                               "folder in submitted/ to the student's id and grade again.",
                               log_safe(os.path.dirname(folder)))

    init_notebooks.coplearn = True  # type: ignore[attr-defined]
    BaseConverter.init_notebooks = init_notebooks


def said_timestamps() -> set[str]:
    """The ``timestamp.txt`` files this process has already named in the log (each said once)."""
    return _SAID_TIMESTAMPS


def bound_timestamp_reading() -> None:
    """Make nbgrader read every ``timestamp.txt`` through :func:`read_timestamp` in this process
    (``nbgrader_config.py`` calls it, so ``nbgrader autograde``, formgrader and ``collect`` do too).

    nbgrader reads a submission's ``timestamp.txt`` before any hook of the course can look at the
    folder (``init_destination``): all of a file of megabytes, or for ever from a named pipe. Read
    so, a file that is not a time fails that student alone, as nbgrader's own invalid-time error
    did, with one plain line naming the student and what to do (said once per file and process)."""
    from nbgrader.coursedir import CourseDirectory

    if getattr(CourseDirectory.get_existing_timestamp, "coplearn", False):
        return

    def get_existing_timestamp(self: Any, dest_path: str) -> Any:
        path = os.path.join(dest_path, "timestamp.txt")
        try:
            stamp = read_timestamp(path)
        except ValueError as exc:
            if path not in _SAID_TIMESTAMPS:
                _SAID_TIMESTAMPS.add(path)
                student = os.path.basename(os.path.dirname(os.path.normpath(dest_path)))
                _log().error("coplearn: %s: timestamp.txt in %s %s, so nbgrader does not grade this submission. "
                             "Replace it with the time the work reached you (for example 2026-12-04 17:00:00) or "
                             "delete it, and grade again.", log_safe(student), log_safe(dest_path), exc)
            raise ValueError(f"Invalid timestamp file {path}: {exc}") from None
        if stamp is None and os.path.isfile(path):
            self.log.warning("Empty timestamp file: %s", path)
        return stamp

    get_existing_timestamp.coplearn = True  # type: ignore[attr-defined]
    CourseDirectory.get_existing_timestamp = get_existing_timestamp


#: A due date with a space before its numeric offset, as formgrader's form sends it ("2026-06-11T17:00 +0100") and
#: a tutor may type it: nbgrader reads "+0100" after a date and a time as 100 seconds (red team 27 M2).
_SPACED_OFFSET = re.compile(r"(" + _DATE + r"(?:[T ]" + _CLOCK + r")?)\s+([+-]\d{2}:?\d{2})")


class DueDateError(ValueError):
    """A due date the course cannot read for certain (:func:`due_date_from_text`); said in one plain line."""


def due_date_from_text(text: str) -> Any:
    """An assignment's due date written as text, as the gradebook keeps it (naive, in UTC), read as
    :func:`time_from_text` reads a submission's time; or ``ValueError`` in plain words. nbgrader's own reading took
    "BST", "AEST" and "CEST" as UTC, "11/06/2026" as 6 November and " +0100" as 100 seconds, without a word, so late
    work went unflagged (or everyone was late: red team 27 M2).

    >>> [str(due_date_from_text(t)) for t in ("2026-06-11 17:00:00 BST", "2026-06-11T17:00 +0100", "2026-06-11 17:00")]
    ['2026-06-11 16:00:00', '2026-06-11 16:00:00', '2026-06-11 17:00:00']
    >>> due_date_from_text("11/06/2026 17:00")
    Traceback (most recent call last):
    coplearn.grading.submission.DueDateError: the due date '11/06/2026 17:00' is not written year first on the 24-hour clock; write it year first on the 24-hour clock, in UTC (2026-06-11 16:00:00 UTC), with its offset from UTC (2026-06-11 17:00:00+01:00) or with zone letters from the course's table (2026-06-11 17:00:00 BST); nothing was changed
    """
    shown = " ".join(str(text).split())[:40]
    spaced = _SPACED_OFFSET.fullmatch(str(text).strip())
    try:
        return time_from_text(spaced.group(1) + spaced.group(2) if spaced else str(text))
    except ValueError as exc:
        said = str(exc)
        why = (": the course cannot read its time zone for certain (" + (
               "those letters name more than one zone" if "more than one zone" in said
               else "its ending is not in the course's own table of zones") + ")"
               if "time zone" in said else " cannot be read as a date and time" if "year first" not in said
               else " is not written year first on the 24-hour clock")
        raise DueDateError(f"the due date {shown!r}{why}; write it year first on the 24-hour clock, in UTC "
                         "(2026-06-11 16:00:00 UTC), with its offset from UTC (2026-06-11 17:00:00+01:00) or with "
                         "zone letters from the course's table (2026-06-11 17:00:00 BST); nothing was changed") from None


def bound_due_date_reading() -> None:
    """Make nbgrader's gradebook read a due date given as text through :func:`due_date_from_text` in this process
    (``nbgrader_config.py`` calls it, so ``nbgrader db assignment add`` and ``import``, and formgrader, do too): a date
    it cannot read for certain is refused with one plain line, and nothing is changed."""
    from nbgrader.api import Gradebook
    from nbgrader.apps.dbapp import DbAssignmentAddApp, DbAssignmentImportApp

    if getattr(Gradebook.add_assignment, "coplearn", False):
        return
    add, update = Gradebook.add_assignment, Gradebook.update_or_create_assignment

    def read(kwargs: dict[str, Any]) -> dict[str, Any]:
        if isinstance(kwargs.get("duedate"), str) and kwargs["duedate"].strip():
            kwargs = {**kwargs, "duedate": due_date_from_text(kwargs["duedate"])}
        return kwargs

    def add_assignment(self: Any, name: str, **kwargs: Any) -> Any:
        return add(self, name, **read(kwargs))

    def update_or_create_assignment(self: Any, name: str, **kwargs: Any) -> Any:
        return update(self, name, **read(kwargs))

    def plainly(start: Any) -> Any:
        def run(self: Any) -> None:
            try:
                start(self)
            except DueDateError as exc:
                self.fail("coplearn: %s", exc)
        return run

    for fn in (add_assignment, update_or_create_assignment):
        fn.coplearn = True  # type: ignore[attr-defined]
    Gradebook.add_assignment, Gradebook.update_or_create_assignment = add_assignment, update_or_create_assignment
    DbAssignmentAddApp.start = plainly(DbAssignmentAddApp.start)
    DbAssignmentImportApp.start = plainly(DbAssignmentImportApp.start)


#: The course's own record of what ``collect`` left in each submitted folder, beside ``submitted/``
#: (out of reach of anything unpacked into it): "STUDENT/ASSIGNMENT" -> the sha256 of its timestamp.txt.
COLLECTED_RECORD = ".coplearn-collected.json"


def _collected_record_path(folder: str) -> str:
    """Where the record is for ``folder`` (``.../submitted/STUDENT/ASSIGNMENT``): beside ``submitted/``."""
    return os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(folder)))), COLLECTED_RECORD)


def _collected_key(folder: str) -> str:
    """The record's key for a submitted folder: "STUDENT/ASSIGNMENT"."""
    return "/".join(os.path.abspath(folder).split(os.sep)[-2:])


def _stamp_digest(stamp: str) -> str | None:
    try:
        with open(stamp, "rb") as fh:
            return hashlib.sha256(fh.read(MAX_TIMESTAMP_BYTES + 1)).hexdigest()
    except OSError:
        return None


def _files_digest(folder: str) -> str | None:
    """A digest of what is marked in a submitted folder: its top-level notebooks and ``answers.json``
    (names and contents; links and other files left out, as collect leaves them out)."""
    digest = hashlib.sha256()
    try:
        names = sorted(n for n in os.listdir(folder) if n.endswith(".ipynb") or n == "answers.json")
        for name in names:
            path = os.path.join(folder, name)
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            digest.update(name.encode("utf-8", "surrogateescape") + b"\0")
            with open(path, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
            digest.update(b"\0")
    except OSError:
        return None
    return digest.hexdigest()


def note_collected(folder: str) -> str:
    """Record that ``collect`` wrote this submitted folder's ``timestamp.txt`` (SafeCollect calls it
    after each submission it collects), so the warning about a folder's own timestamp is not given
    for it. A student can put any file in a folder they email, ``submission_secret.txt`` included
    (which is how the warning was silenced, red team 12 F8), but not in this record. The record
    holds the notebooks and ``answers.json`` collected too: a student's own collected
    ``timestamp.txt`` (which they hold byte for byte) sent with later work no longer passes as
    collected (red team 13 F4)."""
    digest = _stamp_digest(os.path.join(folder, "timestamp.txt"))
    if digest is None:
        return ""
    from coplearn.core.atomic import file_lock

    path = _collected_record_path(folder)
    key = _collected_key(folder)
    with file_lock(path):  # (two collects at once, for two assignments, each add their own)
        try:
            with open(path, encoding="utf-8") as fh:
                record = json.load(fh)
        except FileNotFoundError:
            record = {}
        except (OSError, ValueError):
            record = None
        if not isinstance(record, dict):
            # a damaged record is kept beside, not overwritten (its entries are what it knew), and said
            aside, n = path + ".damaged", 1
            while os.path.lexists(aside):
                n += 1
                aside = f"{path}.damaged-{n}"
            os.replace(path, aside)
            record = {}
            said = f"the course's record of collected folders was damaged; it was kept as {aside}"
        else:
            said = ""
        record[key] = {"timestamp": digest, "files": _files_digest(folder)}
        atomic_write_text(path, json.dumps(record, indent=1, sort_keys=True) + "\n")
    return said


def _came_through_collect(folder: str) -> bool:
    try:
        with open(_collected_record_path(folder), encoding="utf-8") as fh:
            record = json.load(fh)
    except (OSError, ValueError):
        return False
    digest = _stamp_digest(os.path.join(folder, "timestamp.txt"))
    entry = record.get(_collected_key(folder)) if isinstance(record, dict) else None
    if digest is None or entry is None:
        return False
    if isinstance(entry, str):  # recorded before the files were (a course collected with an older coplearn)
        return entry == digest
    return (isinstance(entry, dict) and entry.get("timestamp") == digest
            and entry.get("files") is not None and entry.get("files") == _files_digest(folder))


def _say_if_own_timestamp(folder: str, student: str, log: Any) -> None:
    """A folder that did not come through the exchange (the course's ``collect`` has no record of
    writing its ``timestamp.txt``) but carries one: nbgrader records that file's time as the
    submission time, and the student may have written it. Said once, so the tutor can write the
    time it really arrived."""
    stamp = os.path.join(folder, "timestamp.txt")
    if os.path.isfile(stamp) and not _came_through_collect(folder):
        try:
            with open(stamp, encoding="utf-8-sig", errors="replace") as fh:
                said = fh.read(100).strip()
        except OSError:
            said = "?"
        try:
            when = read_timestamp(stamp)
            read_as = f", read as {time_text(when, '%H:%M')} UTC" if when is not None else ""
        except ValueError:
            return  # refused: nbgrader's reading (through read_timestamp) fails this student, with the reason (docs 12 D14)
        if when is None:  # (empty: nbgrader records no time at all, red team 27 L4)
            log.warning("coplearn: %s: the folder has its own timestamp.txt, but it is empty, so nbgrader records no "
                        "submission time: the work counts as on time whatever the due date. Record the time the work "
                        "reached you with coplearn received %s %s --at \"YYYY-MM-DD HH:MM\" (in UTC), after which "
                        "this is not said again.", log_safe(student), log_safe(os.path.basename(folder)),
                        log_safe(student))
            return
        log.warning("coplearn: %s: the folder has its own timestamp.txt (%s%s), which nbgrader records as the "
                    "submission time; it did not come through the exchange (or its notebook or answers.json were "
                    "changed since it was collected), so check it, and record the time the work reached you with "
                    "coplearn received %s %s --at \"YYYY-MM-DD HH:MM\" (in UTC), after which this is not said "
                    "again.", log_safe(student), log_safe(said, 60), read_as, log_safe(os.path.basename(folder)),
                    log_safe(student))


class NotGraded(Exception):
    """A submission the course does not grade: the message says why, for the tutor's log."""


#: The submitted folders the hook refused in this process (normalised paths): nbgrader's copy of a
#: student's folder (:func:`guard_nbgrader_copy`) takes nothing from them.
_REFUSED: set[str] = set()


#: The converter whose ``pre_convert_hook`` is running (set by :func:`guard_nbgrader_copy`), or None.
_HOOK_CONVERTER: Any = None


def _folder_key(path: str) -> str:
    return os.path.normpath(os.path.abspath(path))


def _refuse(folder: str, notebooks: list[str]) -> None:
    """Fail this student alone: nbgrader converts none of their notebooks and copies nothing."""
    notebooks.clear()
    _REFUSED.add(_folder_key(folder))


def _copy_plain_file(source: str, dest: str) -> None:
    """Copy one file of a submitted folder as nbgrader does (contents and mode), but never through a
    link, never from a special file and never more than :data:`MAX_SUBMISSION_BYTES`; ``NotGraded``
    (saying why) for a file left out."""
    if os.path.islink(source):  # (Windows has no O_NOFOLLOW)
        raise NotGraded("a link")
    try:
        fd = os.open(source, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
                     | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise NotGraded("a link" if os.path.islink(source) else
                        f"it cannot be read ({exc.strerror or type(exc).__name__})") from None
    with os.fdopen(fd, "rb") as src:
        info = os.fstat(src.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise NotGraded(_kind(info.st_mode))
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        if os.path.lexists(dest):
            os.remove(dest)
        with open(dest, "xb") as out:
            left = MAX_SUBMISSION_BYTES
            while chunk := src.read(min(1 << 20, left + 1)):
                left -= len(chunk)
                if left < 0:
                    break
                out.write(chunk)
        if left < 0:
            os.remove(dest)
            raise NotGraded(f"more than {_megabytes(MAX_SUBMISSION_BYTES)}")
        os.chmod(dest, stat.S_IMODE(info.st_mode) | stat.S_IRUSR | stat.S_IWUSR)


def guard_nbgrader_copy() -> None:
    """Make nbgrader's copy of each submitted folder (``BaseConverter.init_assignment``, before any
    notebook is graded) safe, in this process: a folder the course's hook refused is not copied at
    all (nbgrader copied it even so: links followed, sizes unchecked, red team 12 F1), and no file
    is copied through a link, from a special file or beyond the size limit; a file that cannot be
    read is left out, with one line (it cost an honest student every mark, with a traceback, red
    team 12 F5). The files that reach the grading folder are then pruned as before
    (:class:`PruneSubmission`)."""
    from nbgrader.converters.base import BaseConverter
    from nbgrader.utils import find_all_files

    if getattr(BaseConverter.init_assignment, "coplearn", False):
        return

    hook = BaseConverter.run_pre_convert_hook

    def run_pre_convert_hook(self: Any) -> None:
        # the hook is given no converter: it is kept here while the hook runs, so that what nbgrader
        # puts back is read from the converter's own settings (say_changed_release_files)
        global _HOOK_CONVERTER
        _HOOK_CONVERTER = self
        try:
            hook(self)
        finally:
            _HOOK_CONVERTER = None

    if not getattr(hook, "coplearn", False):
        run_pre_convert_hook.coplearn = True  # type: ignore[attr-defined]
        BaseConverter.run_pre_convert_hook = run_pre_convert_hook
    original = BaseConverter.init_assignment

    def init_assignment(self: Any, assignment_id: str, student_id: str) -> None:
        from nbgrader.converters import Autograde

        if not isinstance(self, Autograde):  # (the release and feedback copy the tutor's own files: nbgrader's way)
            return init_assignment.original(self, assignment_id, student_id)  # type: ignore[attr-defined]
        source = self._format_source(assignment_id, student_id)
        if _folder_key(source) in _REFUSED:
            raise NotGraded(f"{student_id}: not graded (the line above says why); nothing was copied from "
                            f"{source}")
        dest = self._format_dest(assignment_id, student_id)
        left_out = []
        for filename in find_all_files(source, self.coursedir.ignore + ["*.ipynb"]):
            rel = os.path.relpath(filename, source)
            path = os.path.join(dest, rel)
            try:
                _copy_plain_file(filename, path)
            except NotGraded as why:
                left_out.append(f"{rel}: {why}")
                continue
            self.log.info("Copying %s -> %s", filename, path)
        # what nbgrader's walk passed over without a word: a folder it could not open (a path longer than the system
        # allows, from an archive unpacked by hand; one without permissions) is left out, and said so (red team 27 L5)
        unread: list[OSError] = []
        for _ in os.walk(source, followlinks=False, onerror=unread.append):
            pass
        for err in unread[:20]:
            rel = os.path.relpath(os.fsdecode(err.filename or source), source)
            shown = rel if len(rel) <= 120 else rel[:60] + "…" + rel[-40:]
            left_out.append(f"{shown}: could not be opened ({err.strerror or err}), so nothing in it was copied")
        if left_out:
            self.log.warning("coplearn: %s: left out of grading, as it could not be copied safely: %s",
                             log_safe(student_id), log_safe("; ".join(left_out), 2000))

    init_assignment.coplearn = True  # type: ignore[attr-defined]
    init_assignment.original = original  # type: ignore[attr-defined]
    BaseConverter.init_assignment = init_assignment


def check_submission(assignment: str = "", student: str = "", notebooks: list[str] | None = None, **_: Any) -> None:
    """nbgrader's ``pre_convert_hook`` for autograding (``nbgrader_config.py`` sets it): runs for
    each student before nbgrader copies their submitted folder.

    - A student id that nbgrader would read as a pattern (``g-*``) or a path is not graded: its
      notebooks are taken off nbgrader's list, so that student alone fails, with a log line.
    - A submitted folder that is itself a link is removed (it is not the student's work), and the
      student fails alone.
    - A folder holding more than :data:`MAX_ENTRIES` files and folders is not graded: that student
      fails alone (nbgrader's copy of it would hold up everyone after).
    - Links and special files inside the folder are removed (:func:`clear_odd_entries`); a
      notebook that was a link is then missing, as it would be had it not been handed in.

    nbgrader passes its ``--student`` pattern as ``student`` (``*`` for everyone), so the student
    is read from the notebooks' folder. nbgrader ignores a hook's errors, so this never raises.
    """
    guard_nbgrader_copy()  # (the course's nbgrader_config.py does too; an older copy may not)
    if not notebooks:
        return
    log = _log()
    keep_printable(log)  # nbgrader's "Copying" lines name every file, as it is on disk
    # nbgrader passes the --student pattern ("*" for everyone): the student is read from the
    # folder (nbgrader's layout: submitted/STUDENT/ASSIGNMENT/NOTEBOOK.ipynb)
    folder = os.path.dirname(notebooks[0])
    student = os.path.basename(os.path.dirname(folder))
    _REFUSED.discard(_folder_key(folder))  # (decided afresh each time: a folder mended since is graded, review 12)
    try:
        why = unsafe_student_id(student)
        if why:
            log.error("coplearn: %r: not graded: %s. Rename the folder in submitted/ to the student's real id "
                      "and grade again.", log_safe(student), why)
            _refuse(folder, notebooks)
            return
        for linked in (os.path.dirname(folder), folder):
            if os.path.islink(linked):
                log.error("coplearn: %s: not graded: %s is a link (to %s), not a folder the student handed in; "
                          "it was removed from submitted/.", log_safe(student), log_safe(linked),
                          log_safe(os.readlink(linked)))
                os.unlink(linked)
                _refuse(folder, notebooks)
                return
        if too_many_entries(folder):
            # nbgrader copies the submitted folder whatever its list of notebooks holds (following
            # links, listing the folder again for every file): it is moved out of nbgrader's reach,
            # under a hidden name beside it (nbgrader's patterns never match a name starting with a dot)
            _set_aside(folder, student, log, f"the submitted folder holds more than {MAX_ENTRIES} files and folders (a "
                       "released assignment has a few); copying them for grading would take minutes or hours and "
                       "hold up everyone graded after")
            _refuse(folder, notebooks)
            return
        size = apparent_size(folder)
        if size > MAX_SUBMISSION_BYTES:
            _set_aside(folder, student, log, f"the files in the submitted folder add up to {_megabytes(size)} (a file "
                       "can claim that much while taking little room, and grading copies all of it); the limit is "
                       f"{_megabytes(MAX_SUBMISSION_BYTES)}")
            _refuse(folder, notebooks)
            return
        clear_odd_entries(folder, student, log)
        shared = shared_with_classmates(folder)
        if shared:
            # which of the two handed the work in cannot be told from the files (they are one file):
            # neither is graded until the tutor has looked, and nothing is removed
            log.error("coplearn: %s: not graded: %s. They are the same file on disk (a hard link, which an archive "
                      "unpacked by hand can make), so this folder may hold a classmate's work under this student's "
                      "name. Neither is graded with it: check who handed in what, put each student's own copy back "
                      "(copy the file, do not link it) and grade both again.", log_safe(student),
                      log_safe("; ".join(f"{mine} is {other}'s {theirs}" for mine, other, theirs in shared), 2000))
            _refuse(folder, notebooks)
            return
        within = linked_within(folder)
        for name, names in within.items():
            log.warning("coplearn: %s: %s is the same file on disk as %s in the same folder (a hard link, which an "
                        "archive unpacked by hand can make); graded as usual.", log_safe(student), log_safe(name, 200),
                        log_safe(", ".join(names), 400))
        linked = [name for name in hard_linked(folder) if name not in within]
        if linked:
            # no classmate's file has the other name: a tutor's backup made with hard links does this
            # (cp -al, rsync --link-dest), so it is said, not held against the student (review 12)
            log.warning("coplearn: %s: %s also %s another name on disk, outside the students' folders in "
                        "submitted/ (a backup made with hard links, such as cp -al or rsync --link-dest, does this); "
                        "graded as usual. If you made no such backup, check where the file came from.",
                        log_safe(student), log_safe(", ".join(linked), 600), "has" if len(linked) == 1 else "have")
        answers_file = os.path.join(folder, grading.ANSWERS_FILE)
        if os.path.isfile(answers_file) and not os.access(answers_file, os.R_OK):
            raise NotGraded(f"{grading.ANSWERS_FILE} cannot be read (its permissions do not let you), so its "
                            "drop-down answers cannot be marked. Make it readable (chmod u+r on it) and grade again")
        _move_aside_what_shadows_release_files(folder, student, log)
        say_changed_release_files(folder, student, log, _HOOK_CONVERTER)
        folders = sorted(os.path.basename(n) for n in notebooks if os.path.isdir(n) and not os.path.islink(n))
        if folders:  # (nbgrader's own line would be "did you forget to run generate_assignment?": red team 19 F5)
            log.error("coplearn: %s: %s is a folder, not a notebook (unpacking an archive by hand can do this), so it "
                      "is not graded. Move the notebook inside it up one level, in place of the folder, and grade again.",
                      log_safe(student), log_safe(", ".join(folders), 600))
        notebooks[:] = [n for n in notebooks if os.path.isfile(n) and not os.path.islink(n)]
        _say_if_renamed(folder, student, notebooks, log)
        for finder, said, why in _size_checks():
            found = [(os.path.basename(n), got) for n in notebooks if (got := finder(n))]
            if found:
                log.error("coplearn: %s: not graded: %s, %s", log_safe(student),
                          log_safe("; ".join(said(name, got) for name, got in found)), why)
                _refuse(folder, notebooks)
                return
        _say_if_answers_file_missing(folder, student, notebooks, log)  # (after the counts: it parses the notebook)
        _say_if_unreadable(notebooks, student, log, _assignment_notebooks(folder, _HOOK_CONVERTER))
        _say_if_own_timestamp(folder, student, log)
    except NotGraded as exc:
        log.error("coplearn: %s: not graded: %s.", log_safe(student), log_safe(str(exc), 3000))
        _refuse(folder, notebooks)
    except Exception as exc:  # noqa: BLE001 - the hook must say what went wrong; nbgrader would hide it
        log.error("coplearn: %s: could not check the submitted folder (%s); not graded", log_safe(student),
                  log_safe(str(exc), 600))
        _refuse(folder, notebooks)


@functools.cache
def _build_prune() -> type:
    base = preprocessor_base()

    class PruneSubmission(base):  # type: ignore[misc, valid-type]
        """First autograding step: clear the grading folder of everything a submission carried
        beyond its notebooks, a clean answers.json and the release's own data files."""

        def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
            from nbgrader.coursedir import CourseDirectory

            info = resources["nbgrader"]
            folder = Path(resources.get("metadata", {}).get("path") or ".").resolve()
            _, _, _, notebooks = gradebook_cells(resources, course_id(self.config))
            coursedir = CourseDirectory(config=self.config)
            source_dir = Path(coursedir.format_path(coursedir.source_directory, ".", info["assignment"]))
            schema = answer_schema(c.source for c in nb.cells
                                   if c.cell_type == "code" and nbgrader_meta(c).get("grade"))
            removed, notes = prune_folder(folder, notebooks, source_dir, schema)
            # notebooks in a subfolder of the submitted folder: nbgrader never copies them here, so they are listed
            # from there (red team 26 F1); a wrong-case ".IPYNB" was copied, and is listed above already
            handed_in = coursedir.format_path(coursedir.submitted_directory, info.get("student", ""), info["assignment"])
            removed += [f"{n} (a notebook in a subfolder, not graded)" for n in notebooks_elsewhere(handed_in)
                        if "/" in n and grading.without_surrogates(n) not in removed]
            if removed:
                self.log.warning("coplearn: %s: left out of grading (not part of the assignment): %s",
                                 log_safe(info.get("student", "?")),
                                 log_safe(", ".join(removed[:50]) + (" ..." if len(removed) > 50 else ""), 3000))
            record = nb.metadata.setdefault("coplearn", {}).setdefault("grading", {})
            record["left_out"] = removed
            if notes:
                record["answers_file_notes"] = sorted(set(record.get("answers_file_notes", [])) | set(notes))
            return nb, resources

    PruneSubmission.__module__ = __name__
    return PruneSubmission


_BUILDERS = {"PruneSubmission": _build_prune}


__getattr__ = built_on_first_use(globals(), _BUILDERS)
