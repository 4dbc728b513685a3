"""``coplearn progress``: how far through the course you are, and a record of study.

``coplearn progress`` prints each lesson's status. ``coplearn progress record -o record.docx``
writes a record of study (Markdown, HTML or Word) to attach to your CPD: it records self-study and
is not a certificate. ``coplearn progress done 03`` marks a lesson complete yourself (for
example if you worked through it on paper), and ``coplearn progress undo 03`` takes that mark back
(one given by mistake). The notes stay on your computer, beside your journal.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from coplearn.cli.main import output_file, problem_text

__all__ = ["register"]


def _fail(message: str) -> int:
    print(f"coplearn progress: {message}", file=sys.stderr)
    return 2


def _progress(args: argparse.Namespace):  # -> Progress
    from coplearn.practice.journal import Journal
    from coplearn.practice.progress import Progress

    journal = Journal(args.journal) if args.journal else Journal()
    return Progress(args.progress, journal=journal) if args.progress else Progress(journal=journal)


def _run(func, args: argparse.Namespace) -> int:
    from coplearn.core.outputs import NotOurFile

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            code = func(args)
        for w in caught:
            print(f"coplearn progress: note: {w.message}", file=sys.stderr)
        return code
    except NotOurFile as exc:  # (a document of your own with the record's name: walk28 H1)
        return _fail(exc.saying(todo="or add --force to replace it anyway" if exc.forceable else None))
    except (ValueError, LookupError, OSError, TimeoutError) as exc:
        output = getattr(args, "output", None)
        return _fail(problem_text(exc, f"{output.name} was not written, and nothing else was changed" if output
                                  else "nothing was changed", output))


def _show(args: argparse.Namespace) -> int:
    progress = _progress(args)
    course = progress.course()
    print(course.to_text())
    print()
    print(f"Kept only on this computer, in {progress.path}.")
    return 0


def _record(args: argparse.Namespace) -> int:
    from coplearn.core.atomic import refuse_to_replace_data
    from coplearn.core.formats import pick_format
    from coplearn.core.outputs import replaced_note
    from coplearn.practice.record_of_study import FORMATS, export_record

    if args.output.is_dir():
        return _fail(f"{args.output} is a folder; give the record a file name, e.g. {args.output / 'record-of-study.docx'}")
    # (only an earlier export or report is replaced; a document of your own is refused unless --force: walk28 H1)
    fmt = pick_format(args.output, args.format, FORMATS, "a record format", "format")
    note = replaced_note(args.output)  # (asked before the record is written: rev28b L10)
    existed = refuse_to_replace_data(args.output, "the record of study", FORMATS[fmt], force=args.force)
    prog = _progress(args)
    course = prog.course()
    if existed and course.records_nothing and not args.force:  # (walk22 L2: an empty record over an earlier one)
        return _fail(f"{args.output} already exists, and no lesson is complete and no journal entry written yet, so "
                     f"the record would replace that file with one that records nothing: nothing was written. Choose "
                     f"another file name, or add --force to replace it anyway.")
    written = export_record(args.output, args.format, name=args.name, progress=prog, force=args.force)
    print(f"Wrote your record of study to {written}: {len(course.complete)} lesson"
          f"{'s' if len(course.complete) != 1 else ''} complete, {course.hours:.1f} hours of stated study time."
          + note)
    print("It records self-study; it is not a certificate from an awarding body.")
    return 0


def _done(args: argparse.Namespace) -> int:
    from coplearn.paper.concepts import get_lesson
    from coplearn.practice.progress import COMPLETED

    prog = _progress(args)
    lesson = get_lesson(args.lesson)
    new = prog.mark(lesson.number, COMPLETED, when=args.date)
    state = "marked complete" if new else "was already marked complete"
    print(f"Lesson {lesson.number} ({lesson.title}) {state} in {prog.path}."
          + (f" Marked by mistake? coplearn progress undo {lesson.number} takes it back." if new else ""))
    return 0


def _undo(args: argparse.Namespace) -> int:
    """Take back a lesson marked complete by mistake (walk22 L8)."""
    from coplearn.paper.concepts import get_lesson

    prog = _progress(args)
    lesson = get_lesson(args.lesson)
    if not prog.unmark(lesson.number):
        print(f"Lesson {lesson.number} ({lesson.title}) was not marked complete by you, so nothing was changed.")
    else:
        print(f"Lesson {lesson.number} ({lesson.title}) is no longer marked complete in {prog.path}.")
    still = prog.course().lesson(lesson.number)
    if still.status == "complete":
        print(f"It still counts as complete, because its activities and prompts are all done "
              f"(the last on {still.completed_on}).")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``coplearn progress ...`` to the ``coplearn`` command."""
    desc = ("Your progress through the lessons, noted only on this computer beside your journal, "
            "and a record of study for your CPD.")
    top = subparsers.add_parser("progress", help="see your progress and write a record of study", description=desc)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--journal", type=Path, default=None, metavar="PATH",
                       help="the journal file (default: $COPLEARN_JOURNAL or ~/coplearn/journal.json)")
        p.add_argument("--progress", type=Path, default=None, metavar="PATH",
                       help="the progress file (default: $COPLEARN_PROGRESS, or beside the journal)")

    common(top)
    top.set_defaults(func=lambda a: _run(_show, a))
    sub = top.add_subparsers(dest="progress_command", metavar="ACTION")

    p = sub.add_parser("show", help="print your progress (the default)", description="Print your progress.")
    common(p)
    p.set_defaults(func=lambda a: _run(_show, a))

    p = sub.add_parser("record", help="write a record of study (Markdown, HTML or Word)",
                       description="Write a record of study: the lessons completed with dates and stated study "
                                   "time, the outcomes worked towards and the journal entries written. It records "
                                   "self-study and is not a certificate.")
    p.add_argument("-o", "--output", required=True, type=output_file, metavar="FILE", help="the file to write")
    p.add_argument("--format", choices=("md", "html", "docx"), default=None,
                   help="the format (default: from the file ending)")
    p.add_argument("--name", default="", help="your name, to put in the title (optional)")
    p.add_argument("--force", action="store_true",
                   help="replace an existing file that is not an earlier export (a document of your own with the "
                        "same name), or write the record over an existing file even when no lesson is complete "
                        "(otherwise refused)")
    common(p)
    p.set_defaults(func=lambda a: _run(_record, a))

    p = sub.add_parser("done", help="mark a lesson complete yourself",
                       description="Mark a lesson complete, e.g. one you worked through away from the computer.")
    p.add_argument("lesson", metavar="LESSON", help="the lesson number, e.g. 03")
    p.add_argument("--date", default=None, metavar="YYYY-MM-DD", help="the date you completed it (default: today)")
    common(p)
    p.set_defaults(func=lambda a: _run(_done, a))

    p = sub.add_parser("undo", help="take back a lesson you marked complete by mistake",
                       description="Take back your own mark that a lesson is complete (given with `coplearn progress "
                                   "done`). A lesson whose activities and prompts are all done still "
                                   "counts as complete.")
    p.add_argument("lesson", metavar="LESSON", help="the lesson number, e.g. 03")
    common(p)
    p.set_defaults(func=lambda a: _run(_undo, a))
