"""A record of study a learner can attach to their CPD, from their progress through the course.

:func:`record_of_study` lays out the lessons completed, their dates, the study time each lesson
states (not a stopwatch), the learning outcomes worked towards and the journal entries written,
as a :class:`coplearn.core.document.Document`; :func:`export_record` writes it as Markdown, HTML
or Word in the same style as the CPD export. It records self-study and is not a certificate from
an awarding body; it says so at the top, and says how its dates are chosen (:data:`DATES`).
The document names no file on the learner's computer.
"""

from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path

from coplearn.core import document as D
from coplearn.core.atomic import atomic_write_bytes, refuse_to_replace_data
from coplearn.core.formats import pick_format
from coplearn.practice.progress import CourseProgress, LessonProgress, Progress, _date, _hours

__all__ = ["COURSE_NAME", "DATES", "FORMATS", "NOT_A_CERTIFICATE", "export_record", "record_of_study"]

FORMATS = {"md": (".md", ".markdown", ".txt"), "html": (".html", ".htm"), "docx": (".docx",)}

NOT_A_CERTIFICATE = (
    "This is a record of self-study kept by the learner with the coplearn course. It is not a "
    "certificate from an awarding body: no one has assessed this work, and the study time is the "
    "time each lesson states, not time measured."
)


#: How the record of study dates things (said in the record itself).
DATES = (
    "Dates are the learner's own: a 'pause and reflect' prompt counts on the date written on its journal "
    "entry (which the learner may have set to the day of the reflection, not the day it was typed), an "
    "activity on the day the course noted it, and a lesson the learner marked complete on the date they gave."
)


COURSE_NAME = "Leading communities of practice in social work (coplearn)"


def _completed(lp: LessonProgress) -> str:
    """When the lesson was completed, saying so when the learner marked it complete themselves."""
    when = _date(lp.completed_on or "")
    return f"{when} (marked complete by the learner)" if lp.marked_complete else when


def record_of_study(course: CourseProgress, *, name: str = "") -> D.Document:
    """The record of study as a document: completed lessons, dates, hours, outcomes and journal entries."""
    today = _dt.date.today()
    from coplearn.practice.journal_entry import _BROKEN, _CONTROL

    name = _BROKEN.sub("\ufffd", _CONTROL.sub("", name))  # (a Word file cannot hold them: check26 L6)
    who = f" for {name.strip()}" if name.strip() else ""
    complete = course.complete
    rows = tuple((lp.plan.number, lp.plan.title, _completed(lp),
                  f"{lp.plan.minutes} minutes" if lp.plan.minutes else "not stated")
                 for lp in complete)
    rows += (("", "Total study time (as the lessons state it)", "", _hours(course.hours)),)
    summary = D.Section(
        title="Summary",
        paragraphs=(course.summary(),
                    # the same full reference as the lessons' reference lists (fid26b #2)
                    "The course follows Gray, I., Parker, J., Rutter, L. and Williams, S. (2010) 'Developing "
                    "communities of practice: a strategy for effective leadership, management and supervision in "
                    "social work', Social Work and Social Sciences Review, 14(2), pp. 20\u201336. "
                    "doi:10.1921/swssr.v14i2.491."),
        table=D.Table(caption="Lessons completed", header=("lesson", "title", "completed on", "stated study time"),
                      rows=rows),
    )
    sections = [summary]
    for lp in complete:
        p = lp.plan
        entries = tuple(("", f"{_date(e.date)}: {e.title or e.learning[:80]}") for e in lp.entries)
        sections.append(D.Section(
            title=f"Lesson {p.number}: {p.title}",
            fields=(
                D.Field(label="Completed on", text=_completed(lp)),
                D.Field(label="Stated study time", text=f"{p.minutes} minutes" if p.minutes else "",
                        hint="the lesson does not state its study time"),
                D.Field(label="Learning outcomes worked towards", bullets=p.outcomes,
                        hint="the lesson's outcomes could not be read (is the course folder here?)"),
                D.Field(label="Activities completed", bullets=tuple(label for a, label in p.activities
                                                                    if a in lp.activities),
                        text="" if any(a in lp.activities for a in p.activity_ids) else (
                            "None recorded by the course: the learner marked this lesson complete themselves."
                            if lp.marked_complete else "None recorded."),
                        required=False),
            ),
            list_title="Journal entries written for this lesson" if entries else "",
            items=entries,
        ))
    started = [lp for lp in course.lessons if lp.status == "started"]
    if started:
        sections.append(D.Section(title="Lessons started but not yet complete", items=tuple(
            ("", f"Lesson {lp.plan.number}: {lp.plan.title} ("
                 + (f"opened {_date(lp.opened)}" if lp.opened else "a journal entry written") + ")")
            for lp in started)))
    if course.other_entries:
        sections.append(D.Section(title="Other journal entries", items=tuple(
            ("", f"{_date(e.date)}: {e.title or e.learning[:80]}") for e in course.other_entries)))
    return D.Document(
        title=f"Record of study{who}: {COURSE_NAME}",
        intro=f"Produced on {today.day} {today.strftime('%B %Y')} from the learner's own progress notes "
              "and journal, kept on their computer.",
        notes=(NOT_A_CERTIFICATE,
               "The learning outcomes listed are the ones each completed lesson sets; the learner worked "
               "towards them, and whether they are met is the learner's own judgement. The journal entries "
               "themselves can be exported as CPD records with 'coplearn journal export'.", DATES),
        sections=tuple(sections),
        closing=("The layout of this record is coplearn's own; it follows no awarding body's format.",),
        section_id="part",
    )


def export_record(path: str | os.PathLike[str], fmt: str | None = None, *, name: str = "",
                  progress: Progress | None = None, force: bool = False) -> Path:
    """Write the record of study to ``path`` (Markdown, HTML or Word; atomically) and return it. An existing file is
    replaced only if it is an earlier export or report (or with ``force``): a document of the learner's own is
    refused and left as it is (walk28 H1)."""
    key = pick_format(path, fmt, FORMATS, "a record format", "format")
    target = Path(path).expanduser()
    refuse_to_replace_data(target, "the record of study", FORMATS[key], force=force)
    course = (progress or Progress()).course()
    atomic_write_bytes(target, D.render(record_of_study(course, name=name), key))
    return target
