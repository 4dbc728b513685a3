"""``coplearn cohort report ASSIGNMENT -o report.html``: cohort insight for tutors.

Reads the nbgrader gradebook named in the course's ``nbgrader_config.py`` (or ``--db URL``, SQLite
or PostgreSQL) and the autograded notebooks, and writes one standalone page: what to reteach
first, results by lesson and concept, item by item facility, discrimination and answers with
their misconceptions, manual marks by band and the spread of totals. Students are named only with
``--names``. Bad input gets one line and exit status 2.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from coplearn.cli.main import output_file

__all__ = ["register"]


def _fail(message: str) -> int:
    print(f"coplearn cohort: {message}", file=sys.stderr)
    return 2


def _report(args: argparse.Namespace) -> int:
    from coplearn.grading import cohort as C

    try:
        fmt = C.pick_format(args.output, args.format, C.FORMATS, "a report format", "format")
        if args.output.is_dir():
            return _fail(f"{args.output} is a folder; give the report a file name, e.g. {args.output / 'cohort.html'}")
        settings = C.course_settings(args.course_dir)
        db = args.db or settings.db_url
        course_id = args.course_id or settings.course_id
        autograded = args.autograded or settings.autograded
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SQLAlchemy's warnings inside nbgrader's gradebook
            cohort = C.load_cohort(args.assignment, db_url=db, course_id=course_id, autograded=autograded,
                                   names=args.names)
        analysis = C.analyse(cohort, min_cohort=args.min_cohort, names=args.names)
        written = C.write_report(analysis, args.output, fmt)
    except (C.CohortError, ValueError, LookupError, OSError) as exc:
        return _fail(str(exc))
    from coplearn.grading.gradebook import log_safe  # what students typed, written out for the terminal

    print(f"Wrote the cohort report for {args.assignment} ({analysis.n} submission{'s' if analysis.n != 1 else ''}) "
          f"to {written}.")
    if cohort.not_graded:
        print(log_safe("Not graded: " + C.not_graded_note(analysis), 2000))
    if analysis.small:
        print(f"Fewer than {args.min_cohort} submissions: no item-by-item breakdown.")
    if analysis.unmarked:
        print(f"Marking not finished: {analysis.unmarked} manual mark{'s' if analysis.unmarked != 1 else ''} not "
              "given yet; the report's totals are the marks given so far.")

    for r in analysis.reteach[:3]:
        print(f"  Reteach: {log_safe(r.grade_id)} answered {log_safe(r.shown)} by {r.count} of "
              f"{analysis.n - analysis.answers_missing} with recorded answers: {log_safe(r.misconception, 600)}")
    if len(analysis.reteach) > 3:  # (walk29 L7: three lines, and the report held six)
        more = len(analysis.reteach) - 3
        print(f"  ...and {more} more to reteach in the report.")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``coplearn cohort ...`` to the ``coplearn`` command."""
    top = subparsers.add_parser("cohort", help="cohort insight for tutors, from the nbgrader gradebook",
                                description="Cohort insight for tutors, from the nbgrader gradebook.")
    sub = top.add_subparsers(dest="cohort_command", metavar="ACTION")
    top.set_defaults(func=lambda _a: (top.print_help(), 0)[1])
    p = sub.add_parser("report", help="write the cohort report for one assignment",
                       description="Write one standalone page on how the cohort did in ASSIGNMENT: what to reteach "
                                   "first, by lesson and concept, item by item, manual marks by band and totals.")
    p.add_argument("assignment", metavar="ASSIGNMENT", help="the assignment, e.g. a2-leading-situationally")
    p.add_argument("-o", "--output", required=True, type=output_file, metavar="FILE", help="the report (.html or .md)")
    p.add_argument("--format", choices=("html", "md"), default=None, help="the format (default: from the file ending)")
    p.add_argument("--db", default=None, metavar="URL",
                   help="the gradebook URL (default: from nbgrader_config.py, else sqlite:///gradebook.db)")
    p.add_argument("--course-id", default=None, help="the nbgrader course id (default: from nbgrader_config.py)")
    p.add_argument("--course-dir", type=Path, default=None, help="the course folder (default: found from here)")
    p.add_argument("--autograded", type=Path, default=None, metavar="DIR",
                   help="the autograded folder (default: the course's autograded/)")
    p.add_argument("--names", action="store_true", help="include students' names and ids (default: none)")
    p.add_argument("--min-cohort", type=int, default=5, metavar="N",
                   help="no item-by-item breakdown below N submissions (default 5)")
    p.set_defaults(func=_report)
