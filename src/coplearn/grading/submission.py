"""The grading folder holds the notebooks, a clean ``answers.json`` and the release's own files.

:class:`PruneSubmission` is the first autograding step (``nbgrader_config.py`` names it). Only the
assignment's notebooks, a validated, rewritten ``answers.json`` and the release's own data files
(checked against the source copy) stay in the grading folder; anything else a submission carried
(a package named like the course library, ``sitecustomize.py``, ``.pth`` files, an IPython
profile ...) is removed and listed for the tutor.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from coplearn.core.atomic import atomic_write_text
from coplearn.grading import answers as grading
from coplearn.grading.gradebook import built_on_first_use, course_id, gradebook_cells, nbgrader_meta, preprocessor_base
from coplearn.grading.schema import Question, answer_schema, clean_answers

__all__ = ["PruneSubmission", "prune_folder"]


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


_BUILDERS = {"PruneSubmission": _build_prune}


__getattr__ = built_on_first_use(globals(), _BUILDERS)
