"""Three of nbgrader's own autograding steps: two with the same results and less waiting, one mended.

A profile of ``coplearn autograde`` showed the main process (which runs nbgrader's steps for every
submission, one after another, while the workers execute) spending much of its time in two places
that do more work than their result needs:

- :class:`CheckCellMetadata`: nbgrader checks every cell's nbgrader metadata with
  ``jsonschema.validate``, which first checks the *schema itself* against JSON Schema's
  meta-schema, for every cell of every notebook, twice per notebook. Here the schema is checked
  once per process and each cell is then checked exactly as ``jsonschema.validate`` checks it
  (same validator class, same errors), with nbgrader's own further checks unchanged.
- :class:`SaveAutoGrades`: nbgrader commits the gradebook after every grade and comment, so a
  notebook of 30 graded cells costs 30 commits (each a disk sync on SQLite), and looks each row up
  with a query of six joins. Here the same rows get the same values and are committed once per
  notebook, so a submission's grades are saved together or not at all, and the notebook's rows are
  read in two queries (one a round trip to a PostgreSQL gradebook each).

- :class:`OverwriteCells`: nbgrader's, except that a deleted test cell is put back even when the
  cell before it was deleted too (nbgrader failed the notebook with a ``KeyError`` there), and that
  the notebook's cells are read from the gradebook once rather than with a query or two per cell
  (in a profile of a worker, this step took a fifth of the worker's own time, half of it in those
  queries).

All three are subclasses of nbgrader's classes and are named in ``nbgrader_config.py`` in their place.
They rely on nbgrader 0.9 internals (:mod:`coplearn.grading.versions` checks the version).
"""

from __future__ import annotations

import functools
import traceback
from typing import Any

from coplearn.grading.gradebook import built_on_first_use
from coplearn.grading.versions import check_versions

__all__ = ["CheckCellMetadata", "OverwriteCells", "SaveAutoGrades", "metadata_validator", "received_checksum"]


@functools.cache
def metadata_validator() -> Any:
    """nbgrader's metadata validator for the current schema, with the JSON schema checked once."""
    import jsonschema
    from nbgrader.nbgraderformat import MetadataValidator
    from nbgrader.nbgraderformat.common import BaseMetadataValidator, SchemaTooNewError, SchemaTooOldError

    class _SchemaCheckedOnce(BaseMetadataValidator):  # type: ignore[misc, valid-type]
        """``BaseMetadataValidator.validate_cell`` with ``jsonschema.validate`` unrolled: the
        schema check is done once (in ``__init__``), the instance check for every cell."""

        def __init__(self) -> None:
            super().__init__()
            cls = jsonschema.validators.validator_for(self.schema)
            cls.check_schema(self.schema)
            self._instance_validator = cls(self.schema)

        def validate_cell(self, cell: Any) -> None:
            if "nbgrader" not in cell.metadata:
                return
            schema = cell.metadata["nbgrader"].get("schema_version", 0)
            if schema < self.schema_version:
                raise SchemaTooOldError(
                    "Outdated schema version: {} (expected {})".format(schema, self.schema_version),
                    schema, self.schema_version)
            elif schema > self.schema_version:
                raise SchemaTooNewError(
                    "Schema version is too new: {} (expected {})".format(schema, self.schema_version),
                    schema, self.schema_version)
            error = jsonschema.exceptions.best_match(self._instance_validator.iter_errors(cell.metadata["nbgrader"]))
            if error is not None:
                raise error

    # nbgrader's validator calls super().validate_cell() for the schema part: put ours there
    class FastMetadataValidator(MetadataValidator, _SchemaCheckedOnce):  # type: ignore[misc, valid-type]
        pass

    return FastMetadataValidator()


@functools.cache
def _build_check_cell_metadata() -> type:
    from nbgrader.nbgraderformat import ValidationError
    from nbgrader.preprocessors import CheckCellMetadata as _NbgraderCheckCellMetadata

    class CheckCellMetadata(_NbgraderCheckCellMetadata):  # type: ignore[misc, valid-type]
        """nbgrader's ``CheckCellMetadata``, with the metadata schema checked once per process."""

        def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
            check_versions()
            try:
                metadata_validator().validate_nb(nb)
            except ValidationError:
                self.log.error(traceback.format_exc())
                msg = "Notebook failed to validate; the nbgrader metadata may be corrupted."
                self.log.error(msg)
                raise ValidationError(msg)
            return nb, resources

    CheckCellMetadata.__module__ = __name__
    return CheckCellMetadata


@functools.cache
def _build_save_auto_grades() -> type:
    from nbgrader.api import Gradebook
    from nbgrader.preprocessors import SaveAutoGrades as _NbgraderSaveAutoGrades

    class _NoCommit:
        """Stands in for the gradebook session while the cells are processed: nbgrader's per-cell
        ``commit()`` becomes a ``flush()`` (the change is sent to the database, in the open
        transaction); everything else goes to the real session."""

        def __init__(self, session: Any) -> None:
            self._session = session

        def commit(self) -> None:
            self._session.flush()

        def __getattr__(self, name: str) -> Any:
            return getattr(self._session, name)

    def _look_up_once(gradebook: Any, notebook: str, assignment: str, student: str) -> None:
        """Read this notebook's grade and comment rows in two queries, not two per cell: the
        gradebook's ``find_grade``/``find_comment`` then answer for this submission from them (the
        same row objects, from the session's identity map), and fall back to nbgrader's own query
        for anything else, or for a cell name that more than one row answers (nbgrader's ``.one()``
        then raises, as before)."""
        from nbgrader.api import (Assignment, Comment, Grade, GradeCell, Notebook, SolutionCell, Student,
                                  SubmittedAssignment, SubmittedNotebook, TaskCell)

        def rows(model: Any, cell: Any) -> tuple[dict[str, Any], set[str]]:
            found: dict[str, Any] = {}
            twice: set[str] = set()
            query = (gradebook.db.query(cell.name, model)
                     .join(cell, cell.id == model.cell_id)
                     .join(SubmittedNotebook, SubmittedNotebook.id == model.notebook_id)
                     .join(Notebook, Notebook.id == SubmittedNotebook.notebook_id)
                     .join(SubmittedAssignment, SubmittedAssignment.id == SubmittedNotebook.assignment_id)
                     .join(Assignment, Assignment.id == SubmittedAssignment.assignment_id)
                     .join(Student, Student.id == SubmittedAssignment.student_id)
                     .filter(Notebook.name == notebook, Assignment.name == assignment, Student.id == student))
            for name, row in query:
                if name in found:
                    twice.add(name)
                found[name] = row
            return found, twice

        def first_then(first: tuple[dict[str, Any], set[str]], then: tuple[dict[str, Any], set[str]]) -> dict[str, Any]:
            # nbgrader looks among grade (or solution) cells first, then among task cells
            merged = {**then[0], **first[0]}
            for name in first[1] | {n for n in then[1] if n not in first[0]}:
                merged.pop(name, None)  # nbgrader's own query raises for it
            return merged

        grades = first_then(rows(Grade, GradeCell), rows(Grade, TaskCell))
        comments = first_then(rows(Comment, SolutionCell), rows(Comment, TaskCell))
        find_grade, find_comment = gradebook.find_grade, gradebook.find_comment
        key = (notebook, assignment, student)

        def grade(cell: str, nb: str, a: str, s: str) -> Any:
            return grades[cell] if (nb, a, s) == key and cell in grades else find_grade(cell, nb, a, s)

        def comment(cell: str, nb: str, a: str, s: str) -> Any:
            return comments[cell] if (nb, a, s) == key and cell in comments else find_comment(cell, nb, a, s)

        gradebook.find_grade, gradebook.find_comment = grade, comment

    class SaveAutoGrades(_NbgraderSaveAutoGrades):  # type: ignore[misc, valid-type]
        """nbgrader's ``SaveAutoGrades``, committing once per notebook instead of once per cell, and
        reading the notebook's grade and comment rows at once instead of one query per cell.

        A written answer the tutor has marked (a *task* cell, whose grade nbgrader's step never
        touches) is shown as needing marking again when the notebook is graded again, as nbgrader
        does for the cells it grades: after a resubmission the mark and comment were given to an
        earlier answer (red team 15 F1: a resubmitted placeholder kept 22/25, unflagged). The
        mark stays; one log line names the cells."""

        def preprocess_cell(self, cell: Any, resources: Any, cell_index: int) -> tuple[Any, Any]:
            from nbgrader import utils

            cell, resources = super().preprocess_cell(cell, resources, cell_index)
            if utils.is_task(cell) and not utils.is_grade(cell):
                grade = self.gradebook.find_grade(cell.metadata["nbgrader"]["grade_id"], self.notebook_id,
                                                  self.assignment_id, self.student_id)
                if grade.manual_score is not None:
                    grade.needs_manual_grade = True
                    self._marked_before.append(str(cell.metadata["nbgrader"]["grade_id"]))
                    self.gradebook.db.commit()
            return cell, resources

        def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
            self._marked_before: list[str] = []
            nb, resources = self._preprocess(nb, resources)
            if self._marked_before:
                from coplearn.grading.gradebook import log_safe

                self.log.warning(
                    "coplearn: %s: your marks on the written answers %s (%s) were given before this grading; they are "
                    "kept and shown in formgrader as needing marking again: check them against the answers graded now.",
                    log_safe(self.student_id), log_safe(", ".join(self._marked_before)), log_safe(self.notebook_id))
            return nb, resources

        def _preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
            check_versions()
            self.notebook_id = resources["nbgrader"]["notebook"]
            self.assignment_id = resources["nbgrader"]["assignment"]
            self.student_id = resources["nbgrader"]["student"]
            self.db_url = resources["nbgrader"]["db_url"]
            self.gradebook = Gradebook(self.db_url)
            with self.gradebook:
                session = self.gradebook.db
                self.gradebook.db = _NoCommit(session)
                _look_up_once(self.gradebook, self.notebook_id, self.assignment_id, self.student_id)
                try:
                    nb, resources = super(_NbgraderSaveAutoGrades, self).preprocess(nb, resources)
                except BaseException:
                    session.rollback()
                    raise
                finally:
                    self.gradebook.db = session
                session.commit()
            return nb, resources

    SaveAutoGrades.__module__ = __name__
    return SaveAutoGrades


def received_checksum(cell: Any) -> tuple[str, str] | None:
    """(grade id, checksum) of a locked cell that is still exactly as the student received it: the checksum
    its metadata carries is nbgrader's own checksum of its source, type, flags, grade id and points. None
    for any other cell (not locked, no checksum, or changed since)."""
    from nbgrader.utils import compute_checksum

    meta = cell.get("metadata", {}).get("nbgrader") if isinstance(cell.get("metadata"), dict) else None
    if not isinstance(meta, dict) or not meta.get("locked"):
        return None
    gid, mine = meta.get("grade_id"), meta.get("checksum")
    if not isinstance(gid, str) or not isinstance(mine, str):
        return None
    try:
        return (gid, mine) if compute_checksum(cell) == mine else None
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


class _CellLookup:
    """A gradebook that answers ``find_source_cell`` and ``find_graded_cell`` for one notebook from its
    rows, read once (nbgrader's own queries for everything else). As nbgrader's, a name it does not
    hold raises ``MissingEntry``, and a graded cell is a grade cell before a task cell."""

    def __init__(self, gradebook: Any, notebook: str, assignment: str) -> None:
        self._gradebook = gradebook
        self._where = (notebook, assignment)
        from nbgrader.api import Assignment, GradeCell, Notebook, TaskCell

        self._row = row = gradebook.find_notebook(notebook, assignment)
        self._source = {c.name: c for c in row.source_cells}

        def cells(kind: Any) -> list[Any]:  # (whole rows in one query each: the notebook's own list of its
            return gradebook.db.query(kind).join(Notebook, Notebook.id == kind.notebook_id).join(  # graded cells
                Assignment, Assignment.id == Notebook.assignment_id).filter(  # loads each one's row by itself)
                Notebook.name == notebook, Assignment.name == assignment).all()

        self._graded = {c.name: c for c in cells(TaskCell)}
        self._graded.update({c.name: c for c in cells(GradeCell)})

    def __getattr__(self, name: str) -> Any:
        return getattr(self._gradebook, name)

    def _find(self, table: dict[str, Any], kind: str, name: str, notebook: str, assignment: str) -> Any:
        from nbgrader.api import MissingEntry

        if (notebook, assignment) != self._where:
            return getattr(self._gradebook, f"find_{kind}_cell")(name, notebook, assignment)
        try:
            return table[name]
        except KeyError:
            raise MissingEntry() from None

    def find_notebook(self, notebook: str, assignment: str) -> Any:
        """The notebook's row, read once (its cells with it)."""
        if (notebook, assignment) == self._where:
            return self._row
        return self._gradebook.find_notebook(notebook, assignment)

    def find_source_cell(self, name: str, notebook: str, assignment: str) -> Any:
        return self._find(self._source, "source", name, notebook, assignment)

    def find_graded_cell(self, name: str, notebook: str, assignment: str) -> Any:
        return self._find(self._graded, "graded", name, notebook, assignment)


@functools.cache
def _build_overwrite_cells() -> type:
    from nbgrader.preprocessors import OverwriteCells as _NbgraderOverwriteCells

    class OverwriteCells(_NbgraderOverwriteCells):  # type: ignore[misc, valid-type]
        """nbgrader's ``OverwriteCells``, whose putting back of a deleted test cell does not assume the
        cell before it survived: nbgrader looks that cell up and fails the whole notebook with a
        ``KeyError`` when it is gone too (the optional typed-answer cell deleted with the check under
        it, in an editor that ignores "deletable", or a tool that drops cell metadata; red team 10).
        Here a missing test cell goes after the nearest earlier course cell still in the notebook (or
        first, when there is none), in the course's order; what is put back is nbgrader's own."""

        _lookup: Any = None

        def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
            self._lookup = None  # each notebook's gradebook is read afresh
            try:
                return super().preprocess(nb, resources)
            finally:
                self._lookup = None

        def _looking_up(self, step: Any, *args: Any) -> Any:
            """Run nbgrader's ``step`` with the notebook's cells read once (:class:`_CellLookup`)."""
            real = self.gradebook
            if self._lookup is None:
                self._lookup = _CellLookup(real, self.notebook_id, self.assignment_id)
            self.gradebook = self._lookup
            try:
                return step(*args)
            finally:
                self.gradebook = real

        def preprocess_cell(self, cell: Any, resources: Any, index: int) -> tuple[Any, Any]:
            """nbgrader's, with the notebook's source and graded cells read once instead of a query (of
            two joins) for every cell and another for every graded cell. The same rows, so the same
            checks, warnings and cells put back. (For a1's notebook this step made 40 queries; now 6.)"""
            return self._looking_up(super().preprocess_cell, cell, resources, index)  # type: ignore[no-any-return]

        def add_missing_task_cells(self, nb: Any, resources: Any) -> tuple[Any, Any]:
            return self._looking_up(super().add_missing_task_cells, nb, resources)  # type: ignore[no-any-return]

        def update_cell_type(self, cell: Any, cell_type: str) -> None:
            """nbgrader's, after dropping the keys the course's type does not allow: a test cell a
            student made Markdown with an attachment, or gave the old "heading" type with its
            ``level``, failed nbformat's check of that cell, and so the whole notebook (red team 13)."""
            if cell.get("cell_type") != cell_type:  # (nbgrader's own step sets or drops outputs)
                for key in set(cell) - {"id", "cell_type", "metadata", "source", "outputs", "execution_count"}:
                    del cell[key]
            super().update_cell_type(cell, cell_type)

        def add_missing_grade_cells(self, nb: Any, resources: Any) -> tuple[Any, Any]:
            return self._looking_up(self._add_missing_grade_cells, nb, resources)  # type: ignore[no-any-return]

        def _add_missing_grade_cells(self, nb: Any, resources: Any) -> tuple[Any, Any]:
            source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
            source_cells = source_nb.source_cells
            order = [cell.name for cell in source_cells]
            solution_ids = {cell.name for cell in source_nb.solution_cells}

            def present() -> dict[str, int]:  # (a cell put back here may be a plain dict)
                found = {}
                for i, c in enumerate(nb.cells):
                    meta = c.get("metadata", {}).get("nbgrader", {})
                    if isinstance(meta, dict) and isinstance(meta.get("grade_id"), str):
                        found.setdefault(meta["grade_id"], i)
                return found

            for grade_cell in sorted(source_nb.grade_cells, key=lambda g: order.index(g.name)):
                where = present()
                if grade_cell.name in where:
                    continue
                self.log.warning("Missing grade cell %s encountered, adding to notebook", grade_cell.name)
                at = order.index(grade_cell.name)
                cell = self.missing_cell_transform(source_cells[at], grade_cell.max_score,
                                                   is_solution=grade_cell.name in solution_ids)
                before = [where[name] for name in order[:at] if name in where]
                nb.cells.insert(max(before) + 1 if before else 0, cell)
            return nb, resources

    OverwriteCells.__module__ = __name__
    return OverwriteCells


_BUILDERS = {"CheckCellMetadata": _build_check_cell_metadata, "SaveAutoGrades": _build_save_auto_grades,
             "OverwriteCells": _build_overwrite_cells}


__getattr__ = built_on_first_use(globals(), _BUILDERS)


def unclipped_validate_lines() -> None:
    """Make ``nbgrader validate`` on the command line wrap a long message line instead of cutting it at its
    line width with "...": every check's message is one line, and the cut fell before its "what to do" part (walk29b
    M3: the learner guide promises it). ``nbgrader_config.py`` calls this; the separators keep their width.

    >>> unclipped_validate_lines()
    >>> from nbgrader.validator import Validator
    >>> shown = Validator(width=40)._indent("For question 2 you gave 'x', which is not one of the cultures.")
    >>> "..." in shown, shown.replace("\\n", " ").split().count("cultures.")
    (False, 1)
    """
    import textwrap

    from nbgrader.validator import Validator, strip_ansi

    if getattr(Validator._indent, "coplearn", False):
        return

    def _indent(self: Any, val: str) -> str:
        out: list[str] = []
        for line in val.split("\n"):
            line = strip_ansi(line)
            if len(self.indent + line) <= self.width - 3:  # (as nbgrader shows it: code keeps its spacing)
                out.append(self.indent + line)
                continue
            out += textwrap.wrap(line, width=max(20, self.width - 3), initial_indent=self.indent,
                                 subsequent_indent=self.indent + "  ", break_long_words=True,
                                 break_on_hyphens=False) or [self.indent]
        return "\n".join(out)

    _indent.coplearn = True  # type: ignore[attr-defined]
    Validator._indent = _indent
