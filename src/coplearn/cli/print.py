"""``coplearn print``: printable HTML versions of the lessons, for reading away from the screen.

The pages are made by :mod:`coplearn.practice.printable`; this module only reads the command line.

    coplearn print 06 -o printable/        # one lesson
    coplearn print all -o printable/       # every lesson, the glossary and an index page
"""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["register"]


def _print(args: argparse.Namespace) -> int:
    from coplearn.cli.main import find_course_dir
    from coplearn.practice.printable import print_lessons

    try:
        written = print_lessons(args.lesson, args.output, args.course_dir or find_course_dir())
    except (LookupError, FileNotFoundError) as exc:
        print(f"coplearn print: {exc}")
        return 2
    except FileExistsError as exc:
        print(f"coplearn print: {exc.filename or args.output} is a file, not a folder: give -o a folder to write the "
              "printable lessons into (it is made if it does not exist)")
        return 2
    except OSError as exc:
        print(f"coplearn print: could not write to {exc.filename or args.output}: {exc.strerror or exc}")
        return 2
    for p in written:
        print(f"lesson {p.number}: {p.path}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``coplearn print LESSON|all -o DIR`` to the ``coplearn`` command."""
    desc = ("Write printable HTML versions of the lessons (the prose, with code hidden) for reading away "
            "from the screen. LESSON is a lesson number such as 06, or 'all'.")
    p = subparsers.add_parser("print", help="write printable HTML versions of the lessons", description=desc)
    p.add_argument("lesson", metavar="LESSON", help="a lesson number such as 06, or 'all'")
    p.add_argument("-o", "--output", type=Path, default=Path("printable"), metavar="DIR",
                   help="the folder to write into (default: ./printable)")
    p.add_argument("--course-dir", type=Path, default=None, help="the course folder (default: found automatically)")
    p.set_defaults(func=_print)
