"""A learner's progress through the course, and a record of study they can attach to their CPD.

The course notes, on the learner's own computer only, which lessons they have opened and which
activities and "pause and reflect" prompts they have completed. Nothing is ever sent anywhere.
The notes live in one JSON file beside the journal (``journal-progress.json`` next to
``journal.json``; set ``COPLEARN_PROGRESS`` to keep it elsewhere), saved atomically and under a
lock like the journal. Reading never changes the file; a file that cannot all be read is said to be
so (where, in words), the lessons whose notes can be read still count, and only a save moves it aside
(never overwriting it), carrying those notes over (walk22 M3). A learner can take back a lesson
marked complete by mistake (:meth:`Progress.unmark`, ``coplearn progress undo 03``).

Widgets call :func:`mark_activity` when the learner uses them, and a prompt calls :func:`mark`
when it saves; a lesson can call :func:`opened`. A lesson is complete when each of its activities
has been used and each of its prompts answered (the journal's own entries count too), or when the
learner says so (``coplearn progress done 03``).

What each lesson asks is in :mod:`coplearn.practice.lesson_plan`; the record of study a learner
can attach to their CPD is written by :mod:`coplearn.practice.record_of_study`.

>>> import tempfile, pathlib
>>> from coplearn.practice.journal import Journal
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> p = Progress(folder / "progress.json", journal=Journal(folder / "journal.json"))
>>> p.mark("01", "opened", when="2026-03-01")
True
>>> p.mark("01", "ContextSorter:pressures", when="2026-03-01")
True
>>> p.mark("01", prompt_key("What pulls?"), when="2026-03-02")
True
>>> lesson = p.course().lesson("01")
>>> lesson.status, lesson.completed_on
('complete', '2026-03-02')
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coplearn.core import html as _html
from coplearn.core.validate import activity_date
from coplearn.core.atomic import (
    CLOSE_OTHERS, NOT_WRITABLE, SAVING_AT_ONCE, PlainOSError, atomic_write_text, file_lock, may_be_full, move_aside,
    os_words, read_lock, when_full,
)
from coplearn.core.environment import place
from coplearn.practice.lesson_plan import (  # noqa: F401 - re-exported: the plans progress is measured against
    LessonPlan, _activity_lessons, _lesson_number, course_plan, lesson_of,
)

if TYPE_CHECKING:
    from coplearn.practice.journal import Journal
    from coplearn.practice.journal_entry import JournalEntry

__all__ = [
    "CourseProgress", "LessonPlan", "LessonProgress", "Progress", "ProgressFileError", "ProgressWarning", "course_plan",
    "default_progress_path", "lesson_of", "mark", "mark_activity", "opened", "prompt_key",
]

FORMAT = "coplearn-progress"
VERSION = 1
OPENED = "opened"
COMPLETED = "completed"


class ProgressWarning(UserWarning):
    """Something happened to the progress file that the learner should know about."""


class ProgressFileError(PlainOSError):
    """The progress file names another kind of file (said in words; nothing is changed)."""


#: Where a lesson's notes begin in the file's text: ``"05": {``.
_LESSON_AT = re.compile(r'"(\d{1,3})"\s*:\s*(?=\{)')


def _lesson_problem(number: str, rec: Any) -> str | None:
    """What is wrong with one lesson's notes, in words, or ``None``."""
    if not isinstance(rec, dict):
        return f"lesson {number}: its notes are not written as {{\"done\": {{...}}}}"
    done = rec.get("done", {})
    if not isinstance(done, dict):
        return f"lesson {number}: its \"done\" notes are not written as {{\"name\": \"YYYY-MM-DD\", ...}}"
    bad = [k for k, v in done.items() if not isinstance(v, str)]
    if bad:
        return f"lesson {number}: the date of {bad[0]!r} is not a date between quotation marks (\"YYYY-MM-DD\")"
    return None


def _lesson_at(text: str, pos: int) -> str:
    """Which lesson's notes the position ``pos`` of the file's text is in (``"lesson 05, field 'completed'"``)."""
    from coplearn.core.file_kinds import field_before

    found = [m for m in _LESSON_AT.finditer(text, 0, pos)]
    if not found:
        return ""
    field = field_before(text[found[-1].end(): pos])
    return f"lesson {found[-1].group(1)}" + (f", {field}" if field else "")


def _salvage(text: str) -> dict[str, Any]:
    """The lessons whose notes can be read one by one from the text of a damaged file."""
    decoder, out = json.JSONDecoder(), {}
    for m in _LESSON_AT.finditer(text):
        try:
            rec, _ = decoder.raw_decode(text, m.end())
        except (ValueError, RecursionError):
            continue
        if _lesson_problem(m.group(1), rec) is None and "done" in rec:
            out.setdefault(m.group(1), rec)
    return out


def _numbers(lessons: Any) -> str:
    """``"01, 03 and 05"``."""
    names = sorted(str(n) for n in lessons)
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else "".join(names)


def default_progress_path(journal: str | os.PathLike[str] | None = None) -> Path:
    """``$COPLEARN_PROGRESS`` if set, else ``<journal name>-progress.json`` beside the journal.

    >>> default_progress_path("/home/sam/coplearn/journal.json").name
    'journal-progress.json'
    """
    env = os.environ.get("COPLEARN_PROGRESS")
    if env:
        return Path(env).expanduser()
    from coplearn.practice.journal import default_journal_path

    where = Path(journal).expanduser() if journal is not None else default_journal_path()
    return where.with_name(f"{where.stem}-progress.json")


def prompt_key(prompt: str) -> str:
    """The activity key for a 'pause and reflect' prompt: ``prompt:`` and a short hash of its text.

    >>> prompt_key("What did you learn?")
    'prompt:d1a001cd51'
    """
    return "prompt:" + hashlib.sha1(" ".join(prompt.split()).encode("utf-8")).hexdigest()[:10]



# ---- the progress file --------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True, slots=True)
class LessonProgress:
    """One lesson's progress: when opened, what is done, and whether it is complete."""

    plan: LessonPlan
    opened: str | None
    activities: dict[str, str]
    prompts: dict[str, str]
    marked_complete: str | None
    entries: tuple["JournalEntry", ...] = ()

    @property
    def number(self) -> str:
        return self.plan.number

    @property
    def prompts_done(self) -> int:
        return len(self.prompts)

    @property
    def activities_done(self) -> int:
        return sum(a in self.activities for a in self.plan.activity_ids)

    @property
    def status(self) -> str:
        """``"not started"``, ``"started"`` or ``"complete"``."""
        if self.completed_on:
            return "complete"
        if self.opened or self.activities or self.prompts_done or self.entries:
            return "started"
        return "not started"

    @property
    def completed_on(self) -> str | None:
        """The date the lesson was completed (ISO), or ``None``."""
        if self.marked_complete:
            return self.marked_complete
        if self.activities_done == len(self.plan.activity_ids) and self.prompts_done >= self.plan.prompts:
            if not (self.plan.activity_ids or self.plan.prompts):
                return None
            dates = [self.activities[a] for a in self.plan.activity_ids]
            dates += sorted(self.prompts.values())[: self.plan.prompts]
            return max(dates) if dates else None
        return None

    @property
    def hours(self) -> float:
        """The study time the lesson states, in hours (0 when not complete or not stated)."""
        if self.status != "complete" or self.plan.minutes is None:
            return 0.0
        return self.plan.minutes / 60


@dataclass(frozen=True, kw_only=True, slots=True)
class CourseProgress:
    """Progress through every lesson, with totals."""

    lessons: tuple[LessonProgress, ...]
    path: Path
    other_entries: tuple["JournalEntry", ...] = field(default=())

    def lesson(self, number: str | int) -> LessonProgress:
        wanted = _lesson_number(number)
        return next(lp for lp in self.lessons if lp.number == wanted)

    @property
    def records_nothing(self) -> bool:
        """Whether a record of study would list nothing: no lesson complete and no journal entry."""
        return not self.complete and not self.other_entries and not any(lp.entries for lp in self.lessons)

    @property
    def complete(self) -> tuple[LessonProgress, ...]:
        return tuple(lp for lp in self.lessons if lp.status == "complete")

    @property
    def hours(self) -> float:
        return round(sum(lp.hours for lp in self.lessons), 2)

    @property
    def total_hours(self) -> float:
        return round(sum((lp.plan.minutes or 0) for lp in self.lessons) / 60, 2)

    def summary(self) -> str:
        started = sum(lp.status == "started" for lp in self.lessons)
        return (f"{len(self.complete)} of {len(self.lessons)} lessons complete, {started} started; "
                f"{_hours(self.hours)} of study time out of {_hours(self.total_hours)} "
                f"(the time each lesson states).")

    def rows(self) -> list[tuple[str, ...]]:
        out = []
        for lp in self.lessons:
            p = lp.plan
            out.append((p.number, p.title, lp.status, _date(lp.completed_on or lp.opened or ""),
                        f"{lp.activities_done} of {len(p.activity_ids)}", f"{min(lp.prompts_done, p.prompts)} of {p.prompts}",
                        f"{p.minutes} min" if p.minutes else "not stated"))
        return out

    HEADER = ("lesson", "title", "status", "date (completed, or first opened)", "activities done",
              "prompts answered", "stated time")

    def to_text(self) -> str:
        """A plain-text table for the terminal."""
        rows = [self.HEADER] + [tuple(r) for r in self.rows()]
        rows = [tuple(_shorten(c, 44) for c in r) for r in rows]
        widths = [max(len(r[i]) for r in rows) for i in range(len(self.HEADER))]
        lines = []
        for n, r in enumerate(rows):
            lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
            if n == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join([self.summary(), ""] + lines)

    def _repr_html_(self) -> str:
        return (f'<p role="status">{_html.esc(self.summary())}</p>'
                + _html.table("Your progress through the course (kept only on this computer)", self.HEADER, self.rows()))


def _shorten(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters at a word, ending with "…" when cut.

    >>> _shorten("Looking outward: other agencies and people who use services", 44)
    'Looking outward: other agencies and people…'
    """
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    if " " in cut and text[width - 1] != " ":
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"


def _date(iso: str) -> str:
    try:
        d = _dt.date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{d.day} {d:%B} {d.year:04d}"  # (not %Y: it writes the year 1 as 1, red team 22b L3)


def _hours(h: float) -> str:
    return f"{h:.1f} hour{'' if round(h, 1) == 1 else 's'}"


class Progress:
    """The learner's progress file. ``mark`` notes something done; ``course()`` reads it all."""

    def __init__(self, path: str | os.PathLike[str] | None = None, *, journal: "Journal | None" = None) -> None:
        if path is not None:
            self.path = Path(path).expanduser()
        else:
            self.path = default_progress_path(journal.path if journal is not None else None)
        self.journal = journal
        self.last_warning: str | None = None

    def __repr__(self) -> str:
        return f"Progress({str(self.path)!r})"

    def _refuse_other_kind(self) -> None:
        """Raise :class:`ProgressFileError` if the file is plainly another kind of file (looked at
        before a lock is taken, so no ``.lock`` file is left beside it; it is never moved)."""
        from coplearn.core.file_kinds import other_kind

        try:
            raw = self.path.read_bytes()
        except OSError:
            return
        kind = other_kind(raw, FORMAT, ('"lessons"', '"done"'))
        if kind is not None:
            raise ProgressFileError(None, (
                f"{self.path} is not coplearn's progress notes (it looks like {kind}). Nothing was changed. Set "
                f"COPLEARN_PROGRESS to your progress file (journal-progress.json, beside your journal), or remove "
                f"that setting."))

    def _load(self) -> tuple[dict[str, Any], str, list[str]]:
        """The lessons whose notes can be read, what is wrong with the rest ("" if nothing), and the
        numbers of lessons whose notes could not be read."""
        from coplearn.core.file_kinds import file_text, json_slip

        try:  # (a byte-order mark, or Notepad's "Unicode", as for the journal: walk22 M3)
            text = file_text(self.path.read_bytes())
        except ValueError as exc:
            return {}, str(exc), []
        if not text.strip():
            return {}, "the file is empty", []
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            kept = _salvage(text)
            lost = sorted({m.group(1) for m in _LESSON_AT.finditer(text)} - set(kept))
            return kept, json_slip(text, exc, locate=_lesson_at), lost
        if not isinstance(data, dict) or not isinstance(data.get("lessons"), dict):
            return {}, "its list of lessons is missing", []
        good, problems = {}, []
        for number, rec in data["lessons"].items():
            problem = _lesson_problem(str(number), rec)
            if problem is None:
                good[str(number)] = rec
            else:
                problems.append(problem)
        return good, "; ".join(problems[:6]), [str(n) for n in data["lessons"] if str(n) not in good]

    def _read_unlocked(self, saving: bool = False) -> dict[str, Any]:
        """The lessons' notes. When some cannot be read, a read warns and changes nothing (those that can
        be read count); a save (``saving``) moves the file aside and carries over those that can be read."""
        if not self.path.exists():
            return {}
        self._refuse_other_kind()
        lessons, why, lost = self._load()
        if not why:
            return lessons
        counted = (f"the notes for lesson{'s' if len(lessons) != 1 else ''} {_numbers(lessons)} could be read"
                   if lessons else "no lesson's notes could be read")
        again = ("If a lesson you had completed is not shown as complete, mark it again with `coplearn progress "
                 "done NN --date YYYY-MM-DD` (the date you completed it).")
        if not saving:
            said = (f"Your progress notes at {place(self.path)} could not all be read: {why[:1000]}. Nothing was changed; "
                    f"{counted} and are counted. Mend that in the file (or ask your tutor). Otherwise, the next time "
                    f"the course notes your progress, the file is kept safe under another name and the notes that "
                    f"can be read are carried over. {again}")
            if said != self.last_warning:
                self.last_warning = said
                warnings.warn(said, ProgressWarning, stacklevel=4)
            return lessons
        moved = move_aside(self.path, "unreadable")
        self.last_warning = (
            f"Your progress notes at {place(self.path)} could not all be read ({why[:1000]}), so they were kept safe as "
            f"{place(moved)}; {counted} and were carried over into new notes"
            + (f"; those for lesson{'s' if len(lost) != 1 else ''} {_numbers(lost)} were not" if lost else "")
            + f". {again} The kept file shows the dates.")
        warnings.warn(self.last_warning, ProgressWarning, stacklevel=4)
        return lessons

    def marks(self) -> dict[str, dict[str, str]]:
        """``{lesson: {activity: ISO date}}`` as saved (``opened`` and ``completed`` included)."""
        if not self.path.exists():  # nothing noted yet: reading creates no folder and no lock file
            return {}
        self._refuse_other_kind()
        with read_lock(self.path):
            return {k: dict(v.get("done", {})) for k, v in self._read_unlocked().items()}

    def mark(self, lesson: str | int, activity: str = OPENED, *, when: str | _dt.date | None = None) -> bool:
        """Note that ``activity`` in ``lesson`` is done (first time only); return whether it was new.

        ``activity`` is ``"opened"``, ``"completed"`` (the learner says the lesson is done), an
        activity id from ``progress.toml`` or a :func:`prompt_key`. Opening is noted with anything else.
        """
        number = _lesson_number(lesson)
        if not isinstance(activity, str) or not activity.strip():
            raise ValueError(f"activity: give the activity's name as text, not {activity!r}")
        day = activity_date(when).isoformat() if when else _dt.date.today().isoformat()

        def note(lessons: dict[str, Any]) -> tuple[bool, bool]:
            done = lessons.setdefault(number, {}).setdefault("done", {})
            new = activity not in done
            if not new and OPENED in done:
                return False, False
            done.setdefault(activity, day)
            done.setdefault(OPENED, day)
            return new, True

        return self._change(note, "nothing was marked")

    def unmark(self, lesson: str | int, activity: str = COMPLETED) -> bool:
        """Take back ``activity`` in ``lesson`` (by default the learner's own "complete" mark, given by
        mistake: walk22 L8); return whether it was noted. Nothing else is changed.

        >>> import tempfile, pathlib
        >>> p = Progress(pathlib.Path(tempfile.mkdtemp()) / "progress.json")
        >>> p.mark("06", COMPLETED, when="2026-03-01"), p.unmark("06"), p.unmark("06")
        (True, True, False)
        >>> p.marks()
        {'06': {'opened': '2026-03-01'}}
        """
        number = _lesson_number(lesson)

        def take_back(lessons: dict[str, Any]) -> tuple[bool, bool]:
            done = lessons.get(number, {}).get("done", {})
            if activity not in done:
                return False, False
            del done[activity]
            return True, True

        return self._change(take_back, "nothing was changed")

    def _change(self, change: Any, unchanged: str) -> bool:
        """Apply ``change(lessons) -> (result, save?)`` to the notes under the lock, saving atomically;
        a file problem is said in words."""
        try:
            self._refuse_other_kind()  # (before the lock: nothing is made beside another kind of file)
            with file_lock(self.path):
                existed = self.path.exists()
                lessons = self._read_unlocked(saving=True)
                result, save = change(lessons)
                # a damaged file was just set aside: the lessons read from it are written now, whether or not
                # this change had anything to do (check22 H1: re-opening a lesson lost every other lesson)
                if save or (existed and not self.path.exists()):
                    doc = {"format": FORMAT, "version": VERSION,
                           "note": "Kept only on this computer by coplearn; never sent anywhere.",
                           "lessons": dict(sorted(lessons.items()))}
                    atomic_write_text(self.path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
            return result
        except OSError as exc:
            if exc.errno is None or isinstance(exc, (TimeoutError, PlainOSError)):
                raise
            todo = (" Set COPLEARN_PROGRESS to a file in a folder you can write to, and try again."
                    if exc.errno in NOT_WRITABLE else f" {when_full()}"
                    if may_be_full(exc) else "")
            raise PlainOSError(exc.errno, f"your progress notes at {place(self.path)} could not be saved "
                                          f"({os_words(exc)}): {unchanged}, and the notes are as they were before."
                                          f"{todo}") from exc

    def _journal(self) -> "Journal":
        from coplearn.practice.journal import Journal

        return self.journal if self.journal is not None else Journal()

    def course(self) -> CourseProgress:
        """Progress through every lesson, combining these notes with the journal's entries."""
        marks = self.marks()
        journal = self._journal()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            entries = journal.entries  # (only read: a journal that cannot be read is never moved; walk22 M1)
        problem = getattr(journal, "read_problem", None)
        if problem:
            warnings.warn(f"The journal's entries are not counted here. {problem}", ProgressWarning, stacklevel=2)
        by_lesson: dict[str, list[JournalEntry]] = {}
        others = []
        numbers = {p.number for p in course_plan()}
        for e in entries:
            (by_lesson.setdefault(e.lesson, []) if e.lesson in numbers else others).append(e)
        out = []
        for plan in course_plan():
            done = marks.get(plan.number, {})
            prompts = {k: v for k, v in done.items() if k.startswith("prompt:")}
            answered: dict[str, str] = {}
            for e in by_lesson.get(plan.number, []):
                if e.prompt:  # the date written on the entry, not the day it was saved (see DATES)
                    k = prompt_key(e.prompt)
                    answered[k] = min(answered.get(k, e.date), e.date)
            prompts.update(answered)
            out.append(LessonProgress(
                plan=plan, opened=done.get(OPENED),
                activities={k: v for k, v in done.items() if k in plan.activity_ids},
                prompts=prompts, marked_complete=done.get(COMPLETED),
                entries=tuple(by_lesson.get(plan.number, ())),
            ))
        return CourseProgress(lessons=tuple(out), path=self.path, other_entries=tuple(others))


# ---- the hooks widgets call ------------------------------------------------------------------

_NOTED: set[tuple[str, str, str]] = set()
#: Why the course's progress could not be noted, waiting to be shown on the page, and whether one has
#: been shown in this session (:func:`problem_to_show`).
_UNSHOWN: list[str] = []
_SHOWN: list[bool] = [False]


def problem_to_show() -> str | None:
    """Why a progress note could not be saved, in words, the first time one could not be in this
    session; after that, and when there was none, ``None``. The activity whose note failed shows it
    on the page, once, rather than only as a warning no learner sees (walk23 M2: with the browser's
    storage full, the route choice and every progress note failed without a word)."""
    if _SHOWN[0] or not _UNSHOWN:
        return None
    _SHOWN[0] = True
    said = _UNSHOWN[-1]
    _UNSHOWN.clear()
    return said


def mark(lesson: str | int, activity: str = OPENED, *, path: str | os.PathLike[str] | None = None) -> bool:
    """Note locally that ``activity`` in ``lesson`` is done. Never raises for a file problem.

    A failure to save (a read-only home folder, a lock held too long) becomes a
    :class:`ProgressWarning`: progress notes must never stop a learner's activity.
    """
    progress = Progress(path)
    number = _lesson_number(lesson)
    key = (str(progress.path), number, activity)
    if key in _NOTED:
        return False
    try:
        new = progress.mark(number, activity)
    except (OSError, TimeoutError) as exc:
        said = str(exc).replace(str(progress.path), place(progress.path)).strip().rstrip(".")
        unaffected = "Your work itself is not affected: only the table of your progress misses this."
        said = f"The course could not note your progress: {said}. {unaffected}"
        warnings.warn(said, ProgressWarning, stacklevel=2)
        if not _SHOWN[0]:  # (a lock's owner and age stay on the console, not the lesson page: check23 10)
            _UNSHOWN[:] = [f"The course could not note your progress: {SAVING_AT_ONCE} ({CLOSE_OTHERS}, and try "
                           f"again). {unaffected}" if isinstance(exc, TimeoutError) else said]
        return False
    _NOTED.add(key)
    return new


def opened(lesson: str | int) -> None:
    """Note that ``lesson`` was opened (for a lesson's first code cell). Returns ``None`` so nothing shows."""
    mark(lesson, OPENED)


def mark_activity(activity: str, *, path: str | os.PathLike[str] | None = None) -> bool:
    """Note that the course activity ``activity`` (e.g. ``"SupervisionSorter"``) was done, in its lesson.

    Activities not listed in ``progress.toml`` (for example widgets used outside the lessons) are
    ignored.
    """
    lesson = _activity_lessons().get(activity)
    if lesson is None:
        return False
    return mark(lesson, activity, path=path)
