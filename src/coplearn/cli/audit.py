"""``coplearn audit``: turn a team survey CSV into a team audit report.

``coplearn audit report responses.csv -o report.html`` writes one standalone web page;
``-o report.md`` (or ``--format md``) writes Markdown. ``--min-respondents N`` sets the anonymity
threshold (default 3): with fewer respondents the report shows no per-respondent breakdown.
``coplearn audit check responses.csv`` only reads the file and says what it found.

If the file has a problem, the command names the row and column, writes nothing and exits with
status 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coplearn.cli.main import output_file, problem_text

__all__ = ["register"]


def _fail(message: str) -> int:
    print(f"coplearn audit: {message}", file=sys.stderr)
    return 2


def _people(n: int) -> str:
    return f"{n} respondent{'' if n == 1 else 's'}"


def _min_respondents(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number; use 1 or more, e.g. 3") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is too small; use 1 or more (the default is 3)")
    return value


def _report(args: argparse.Namespace) -> int:
    from coplearn.core.atomic import refuse_to_replace_data
    from coplearn.core.outputs import NotOurFile, replaced_note
    from coplearn.practice.report import FORMATS, format_for, write_report
    from coplearn.practice.survey import load_survey

    try:
        fmt = format_for(args.output, args.format)
        if args.output.is_dir():
            return _fail(f"{args.output} is a folder; give the report a file name, e.g. {args.output / 'report.html'}")
        if args.output.resolve() == args.responses.resolve():
            return _fail("the report would overwrite the survey file; choose another name after -o")
        # (only an earlier export or report is replaced; a page of your own is refused unless --force: walk28 H1)
        note = replaced_note(args.output)  # (asked before the report is written: rev28b L10)
        refuse_to_replace_data(args.output, "the report", FORMATS[fmt], force=args.force)
        result = load_survey(args.responses, min_respondents=args.min_respondents)
        written = write_report(result, args.output, fmt, force=args.force)
    except NotOurFile as exc:
        return _fail(exc.saying(todo="or add --force to replace it anyway" if exc.forceable else None))
    except (ValueError, LookupError, OSError, TimeoutError) as exc:
        return _fail(problem_text(exc, f"the report {args.output.name} was not written, and nothing else was changed",
                                  args.output))
    print(f"Wrote the team audit report for {_people(result.n_respondents)} to {written} ({fmt})."
          + note)
    for note in result.survey.notes:
        print(note)
    if result.survey.missing_items:  # (walk22 L1: the report says so too)
        print("Not in the file: " + ", ".join(result.survey.missing_items))
    if not result.breakdown_allowed:
        print(f"Fewer than {result.min_respondents} people answered, so the report shows team figures only.")
    return 0


def _check(args: argparse.Namespace) -> int:
    from coplearn.practice.survey import load_survey

    try:
        result = load_survey(args.responses, min_respondents=args.min_respondents)
    except (ValueError, LookupError, OSError) as exc:
        return _fail(problem_text(exc))
    s = result.survey
    people = _people(result.n_respondents)
    questions = f"{len(s.columns)} question{'' if len(s.columns) == 1 else 's'}"
    print(f"{args.responses}: {people}, {questions} recognised.")
    for note in s.notes:
        print(note)
    if s.empty_rows:
        print("Rows with no answers, left out: " + ", ".join(map(str, s.empty_rows)))
    if s.missing_items:
        print("Not in the file: " + ", ".join(s.missing_items))
    if s.respondent_column:
        print(f"Respondent ids from column '{s.respondent_column}'.")
    if s.ignored_columns:
        print("Ignored (survey-tool bookkeeping): " + ", ".join(s.ignored_columns))
    from coplearn.paper.action_centred import get_item
    from coplearn.practice.survey_headings import read_by_wording

    close = [(item_id, heading) for item_id, heading in s.columns.items() if read_by_wording(item_id, heading)]
    if close:
        print("Read from wording close to an item's (check each is the question you meant; if one is a question "
              "of your own, give it a heading unlike the item's):")
        for item_id, heading in close:
            print(f"  '{heading}' as {item_id}: {get_item(item_id).text}")
    print(result.summary())
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``coplearn audit ...`` to the ``coplearn`` command."""
    audit = subparsers.add_parser(
        "audit", help="team audit reports from a team survey",
        description="Team audit reports from a team survey of the Table 2 questions (Gray et al. 2010).")
    asub = audit.add_subparsers(dest="audit_command", metavar="ACTION")
    audit.set_defaults(func=lambda _a: (audit.print_help(), 0)[1])

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("responses", type=Path, help="the survey responses as a CSV file")
        p.add_argument("--min-respondents", type=_min_respondents, default=3, metavar="N",
                       help="show no per-respondent breakdown with fewer than N respondents (default: 3)")

    p = asub.add_parser(
        "report", help="write a team audit report (HTML or Markdown)",
        description="Read a team survey CSV (one row per person, one column per question) and write a "
                    "team audit report: one standalone web page (.html) or Markdown (.md).")
    common(p)
    p.add_argument("-o", "--output", required=True, type=output_file, metavar="FILE",
                   help="the report to write (.html or .md)")
    p.add_argument("--format", choices=("html", "md"), default=None, help="the format (default: from the file ending)")
    p.add_argument("--force", action="store_true",
                   help="replace an existing file that is not an earlier report or export (a page of your own with "
                        "the same name; otherwise refused)")
    p.set_defaults(func=_report)

    p = asub.add_parser("check", help="read a survey CSV and say what was found, without writing anything",
                        description="Read a team survey CSV and report what was found, or what is wrong with it.")
    common(p)
    p.set_defaults(func=_check)
