"""What ``coplearn autograde`` leaves out of the tutor's log, and says in one line instead.

nbgrader's log for a cohort is mostly lines a tutor can do nothing about, and they bury the few
that matter (a refused answer, a cell not run, a submission that failed):

- **"Attribute 'checksum' for cell q1 has changed!"** for every hidden-test cell and every task
  cell with a mark scheme, for every student. The gradebook keeps each such cell's checksum from
  *before* its hidden tests or mark scheme were taken out of the students' copy, so the copy the
  student was given never matches it (nbgrader puts the course's cell back in either case). A line
  is left out only when the student's cell is exactly the cell as released (its checksum is the
  one the release notebook records); a locked cell a student did change is still reported.
- **SQLAlchemy's "Object of type <SubmittedAssignment> not in session"** warnings, which
  nbgrader's gradebook code raises on every run under SQLAlchemy 2 (serial ``nbgrader autograde``
  prints them too); they say nothing about the grades.

Plain ``nbgrader autograde`` still prints both; the tutor guide says what they mean.

One more filter changes a line instead of leaving it out: nbgrader logs file names as they are on disk
("Copying .../R\\udc82sum\\udc82.docx"), and a name that is not UTF-8 (an accented name from a Windows
zip, unpacked on Linux) gave a line that a UTF-8 log file or pipe cannot hold
(:class:`WithoutLoneSurrogates`, in serial grading too: the course's submission hook adds it).
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

from coplearn.grading.answers import without_surrogates

__all__ = ["AsReleasedChecksums", "WithoutLoneSurrogates", "keep_printable", "left_out_sentence", "quiet_gradebook_warnings",
           "released_checksums"]

#: nbgrader's OverwriteCells: "Attribute '%s' for cell %s has changed! (should be: %s, got: %s)"
_CHANGED_TEXT = re.compile(r"Attribute 'checksum' for cell (?P<cell>.+) has changed! \(should be: \w+, got: (?P<got>\w+)\)\Z")


def released_checksums(release: Path) -> dict[str, set[str]]:
    """Each grade id's checksums as the release notebooks in ``release`` record them (empty when
    there is no release folder, or a notebook there cannot be read)."""
    found: dict[str, set[str]] = {}
    if not release.is_dir():
        return found
    for path in sorted(release.glob("*.ipynb")):
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
            cells = nb.get("cells", []) if isinstance(nb, dict) else []
        except (OSError, ValueError):
            continue
        for cell in cells:
            meta = cell.get("metadata", {}).get("nbgrader") if isinstance(cell, dict) else None
            if isinstance(meta, dict) and isinstance(meta.get("grade_id"), str) and isinstance(meta.get("checksum"), str):
                found.setdefault(meta["grade_id"], set()).add(meta["checksum"])
    return found


class AsReleasedChecksums(logging.Filter):
    """Leaves out nbgrader's "checksum has changed" line for a cell the student left as released,
    and counts it (``left_out``)."""

    def __init__(self, checksums: dict[str, set[str]]) -> None:
        super().__init__()
        self.checksums = checksums
        self.left_out = 0

    def filter(self, record: logging.LogRecord) -> bool:
        # nbgrader's own record, or a worker's, logged again by the main process as text
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001 - a badly formed log call: logging reports it, as it would without us
            return True
        if "has changed!" not in text:
            return True
        found = _CHANGED_TEXT.match(text)
        if found and found["got"] in self.checksums.get(found["cell"], ()):
            self.left_out += 1
            return False
        return True


class WarnedStudents(logging.Filter):
    """Counts the course's own warnings about each student's work ("coplearn: STUDENT: ..."), nbgrader's and the
    workers' alike, so that the run's last line can name whose work the log warns about (walk29 M3: the guide says
    the last line is enough, and a missing answers.json, which can cost marks, was said only in the lines above).
    Lets every record through."""

    def __init__(self) -> None:
        super().__init__()
        self.said: list[str] = []  # (the start of each such line, after "coplearn: ")

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001 - a badly formed log call: logging reports it, as it would without us
            return True
        if text.startswith("coplearn: ") and len(self.said) < 100_000:
            self.said.append(text[len("coplearn: "):][:400])
        return True

    def about(self, students: Iterator[str] | list[str] | tuple[str, ...]) -> dict[str, int]:
        """Of ``students``, those the log has warned about, with how many warnings each (as the log names them)."""
        from coplearn.grading.gradebook import log_safe

        out: dict[str, int] = {}
        for student in students:
            start = f"{log_safe(student)}: "
            if n := sum(line.startswith(start) for line in self.said):
                out[student] = n
        return out


@contextlib.contextmanager
def quiet_gradebook_warnings() -> Iterator[None]:
    """Within the block (and in processes forked in it), nbgrader's SQLAlchemy session warnings are not shown."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Object of type <\w+> not in session", module=r"nbgrader\.")
        yield


def left_out_sentence(count: int) -> str:
    """The summary's sentence for ``count`` checksum lines left out ('' for none)."""
    if not count:
        return ""
    return (f" nbgrader's \"checksum has changed\" warning was left out for {count} locked "
            f"cell{'s' if count != 1 else ''} that students left exactly as released (their hidden tests or mark "
            "schemes are taken out of the students' copies; see the tutor guide).")


class WithoutLoneSurrogates(logging.Filter):
    """Writes each part of a line that is not text (a file name's bytes that were not UTF-8, which
    Python keeps as lone surrogates) as the replacement character, as the notebook's record of what
    was left out does (:func:`coplearn.grading.submission.prune_folder`).

    >>> record = logging.makeLogRecord({"msg": "Copying %s", "args": ("R\\udc82sum.docx",)})
    >>> WithoutLoneSurrogates().filter(record), record.getMessage() == "Copying R\\ufffdsum.docx"
    (True, True)
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001 - a badly formed log call: logging reports it, as it would without us
            return True
        shown = without_surrogates(text)
        if shown != text:
            record.msg, record.args = shown, ()
        return True


def keep_printable(log: object) -> None:
    """Add :class:`WithoutLoneSurrogates` to ``log`` (a :class:`logging.Logger`) once."""
    if isinstance(log, logging.Logger) and not any(isinstance(f, WithoutLoneSurrogates) for f in log.filters):
        log.addFilter(WithoutLoneSurrogates())
