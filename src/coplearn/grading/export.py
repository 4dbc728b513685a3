"""Grades exported for a spreadsheet: nbgrader's CSV export, with every field written safely.

nbgrader's ``CsvExportPlugin`` joins the fields with commas and no quoting. A comma in a student id
or in a name the tutor imported ("Smith, Jr.") shifts that row's columns, so its score is read
under another heading (red team 7: an id ``bob,,,,40,0,40,40`` made a row that read as bob with
40 of 40 in every assignment); and a field starting with ``=`` is a live formula when the file is
opened in Excel or LibreOffice (``=HYPERLINK(...)``). :class:`SafeCsvExportPlugin` writes the same
columns and rows, in the same order, through :mod:`csv` (a field holding a comma, a quote or a
line break is quoted), and a text field starting with ``= + - @``, a tab or a carriage return
gets a leading apostrophe, which a spreadsheet shows as text (numbers are left as they are).
``nbgrader_config.py`` selects it (``ExportApp.plugin_class``), so ``nbgrader export`` uses it.

Without anything to quote or neutralise the file is byte for byte what nbgrader writes.
"""

from __future__ import annotations

import csv
import functools
from typing import Any

from coplearn.grading.gradebook import built_on_first_use

__all__ = ["KEYS", "SafeCsvExportPlugin", "spreadsheet_safe"]

#: The columns of nbgrader's grades.csv, in its order.
KEYS = ("assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email", "raw_score",
        "late_submission_penalty", "score", "max_score")

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """``value`` as nbgrader writes it (``None`` as empty), with a leading apostrophe if it is text
    a spreadsheet would read as a formula.

    >>> [spreadsheet_safe(v) for v in ("=1+1", "@SUM(A1)", "-0.5", 40.0, None, "ann")]
    ["'=1+1", "'@SUM(A1)", '-0.5', '40.0', '', 'ann']
    """
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text


@functools.cache
def _build_plugin() -> type:
    from nbgrader.api import MissingEntry
    from nbgrader.plugins.export import CsvExportPlugin

    class SafeCsvExportPlugin(CsvExportPlugin):  # type: ignore[misc, valid-type]
        """nbgrader's CSV export, quoted as CSV should be and with formulas shown as text."""

        def export(self, gradebook: Any) -> None:
            dest = self.to or "grades.csv"
            students = [str(s) for s in self.student]
            assignments = [str(a) for a in self.assignment]
            self.log.info("Exporting grades to %s", dest)
            if assignments:
                self.log.info("Exporting only assignments: %s", assignments)
            if students:
                self.log.info("Exporting only students: %s", students)
            missing: dict[str, list[str]] = {}  # assignment -> students with no submission (written as 0)
            unmarked: dict[str, list[str]] = {}  # assignment -> submissions with marks still to give
            recheck: dict[str, list[str]] = {}  # assignment -> submissions marked, then graded again (walk26 T-M1)
            late: dict[str, list[tuple[str, float]]] = {}  # assignment -> (student, seconds late) (walk26 T-M4)
            with open(dest, "w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh, lineterminator="\n")
                writer.writerow(KEYS)
                for assignment in gradebook.assignments:
                    if assignments and assignment.name not in assignments:
                        continue
                    missing[assignment.name], unmarked[assignment.name] = [], []
                    recheck[assignment.name], late[assignment.name] = [], []
                    for student in gradebook.students:
                        if students and student.id not in students:
                            continue
                        row = {"assignment": assignment.name, "duedate": assignment.duedate,
                               "student_id": student.id, "last_name": student.last_name,
                               "first_name": student.first_name, "email": student.email,
                               "max_score": assignment.max_score}
                        try:
                            sub = gradebook.find_submission(assignment.name, student.id)
                        except MissingEntry:  # nothing submitted: nbgrader's zeros
                            row.update(timestamp="", raw_score=0.0, late_submission_penalty=0.0, score=0.0)
                            missing[assignment.name].append(student.id)
                        else:
                            if sub.needs_manual_grade:
                                # a mark given, then flagged again by a later grading, still counts in the score;
                                # only a part with no mark at all is left out of it
                                flagged = [g for nb in sub.notebooks for g in nb.grades if g.needs_manual_grade]
                                if any(g.manual_score is None for g in flagged):
                                    unmarked[assignment.name].append(student.id)
                                else:
                                    recheck[assignment.name].append(student.id)
                            seconds_late = sub.total_seconds_late or 0.0
                            if seconds_late > 0:
                                late[assignment.name].append((student.id, seconds_late))
                            elif assignment.duedate is not None and sub.timestamp is None:
                                late[assignment.name].append((student.id, -1.0))  # (no time: cannot tell; check26 L8)
                            penalty = sub.late_submission_penalty
                            row.update(timestamp=sub.timestamp, raw_score=sub.score, late_submission_penalty=penalty,
                                       score=max(0.0, sub.score - penalty))
                        writer.writerow([spreadsheet_safe(row[k]) for k in KEYS])
            _say_what_is_not_a_mark(self.log, dest, missing, unmarked, recheck, late)

    SafeCsvExportPlugin.__module__ = __name__
    return SafeCsvExportPlugin


def _names(ids: list[str], limit: int = 20) -> str:
    from coplearn.grading.gradebook import log_safe

    shown = ", ".join(log_safe(i, 60) for i in ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def how_late(seconds: float) -> str:
    """How late a submission was, in words a tutor reads at a glance.

    >>> how_late(59400), how_late(130_000), how_late(90), how_late(20 * 86400 + 3600)
    ('16 h 30 min', '1 day 12 h', '2 min', '20 days 1 h')
    """
    minutes = max(1, int(round(seconds / 60)))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} day{'s' if days != 1 else ''}" + (f" {hours} h" if hours else "")
    return f"{hours} h {mins} min" if hours else f"{mins} min"


def _say_what_is_not_a_mark(log: Any, dest: str, missing: dict[str, list[str]], unmarked: dict[str, list[str]],
                            recheck: dict[str, list[str]] | None = None,
                            late: dict[str, list[tuple[str, float]]] | None = None) -> None:
    """After the file is written: the rows whose score is not (yet) the student's mark, by assignment, so
    that the tutor sees them before uploading the file (walk19 L9: a student who never submitted and a
    submission with written answers still to mark looked like any other score); the submissions whose marks
    count but that formgrader asks to check again after a later grading (walk26 T-M1: they were said to be left
    out of the score); and the late ones, with how late (walk26 T-M4: only a log line in seconds said so)."""
    for name in missing:
        if missing[name]:
            log.warning("coplearn export: %s: %d student%s with no submission %s written as 0 in %s, as nbgrader "
                        "does: check them against your list before you upload it: %s.", name, len(missing[name]),
                        "s" if len(missing[name]) != 1 else "", "are" if len(missing[name]) != 1 else "is", dest,
                        _names(missing[name]))
        if unmarked[name]:
            log.warning("coplearn export: %s: %d submission%s still %s marks to give (written answers not yet "
                        "marked in formgrader, or a grading that did not finish), so %s score leaves them out: %s. "
                        "Mark or grade them, then export again.", name, len(unmarked[name]),
                        "s" if len(unmarked[name]) != 1 else "", "have" if len(unmarked[name]) != 1 else "has",
                        "their" if len(unmarked[name]) != 1 else "its", _names(unmarked[name]))
        again = (recheck or {}).get(name) or []
        if again:
            log.warning("coplearn export: %s: %d submission%s graded again after you marked %s: the marks you gave "
                        "are in the score, but formgrader asks you to check them against the new grading: %s. Open "
                        "each in formgrader, check your marks and click Resolve, then export again if you changed "
                        "any.", name, len(again), "s were" if len(again) != 1 else " was",
                        "them" if len(again) != 1 else "it", _names(again))
        untimed = [sid for sid, sec in (late or {}).get(name) or [] if sec < 0]
        if untimed:
            log.warning("coplearn export: %s: %d submission%s no submission time, so nbgrader cannot tell whether "
                        "%s late, and counts %s on time: %s. Record when each reached you (coplearn received %s "
                        "STUDENT --at TIME) and grade %s again with --force.", name, len(untimed),
                        " has" if len(untimed) == 1 else "s have", "it was" if len(untimed) == 1 else "they were",
                        "it" if len(untimed) == 1 else "them", _names(untimed), name,
                        "it" if len(untimed) == 1 else "them")
        after = [(sid, sec) for sid, sec in (late or {}).get(name) or [] if sec >= 0]
        if after:
            log.warning("coplearn export: %s: %d submission%s handed in after the due date (the late_submission_"
                        "penalty column holds what nbgrader took off under your settings; apply your programme's "
                        "rules for late work): %s.", name, len(after), "s were" if len(after) != 1 else " was",
                        _names([f"{sid} ({how_late(sec)} late)" for sid, sec in after]))


_BUILDERS = {"SafeCsvExportPlugin": _build_plugin}


__getattr__ = built_on_first_use(globals(), _BUILDERS)
