"""``coplearn journal``: see, add to and export the reflective journal from the command line.

``coplearn journal export -o cpd.docx`` writes every entry as a CPD record laid out for your
regulator (``--regulator swe|scw|sssc|niscc``, or the one saved with ``coplearn journal regulator
KEY``; Social Work England if neither) in the format chosen by ``--format md|html|docx`` or the
file ending. ``coplearn journal list`` shows the
entries, ``coplearn journal path`` says where the journal lives, and ``coplearn journal add``
saves a quick entry. ``--journal PATH`` (or the ``COPLEARN_JOURNAL`` environment variable)
chooses another journal file.

An entry that ``add`` cannot save because another program holds the journal for longer than 30 s
is kept safe beside it (``journal.json.waiting-<id>.json``, said at once) and taken into the
journal by the next save, or first thing by any ``coplearn journal`` command (walk22 L11); so are
the entries of an ``import`` and the choice of ``regulator KEY``. An ``edit`` or a ``remove`` cannot
wait like that: it changes nothing, says so, and gives the command to run again (fix24).
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coplearn.cli.main import output_file, problem_text

if TYPE_CHECKING:
    from coplearn.practice.journal import Journal
    from coplearn.practice.journal_entry import JournalEntry

__all__ = ["register"]


def _journal(args: argparse.Namespace):  # -> Journal
    """The journal, with any entries kept beside it while it was busy taken in first (walk22 L11)."""
    from coplearn.practice.journal import Journal

    journal = Journal(args.journal) if args.journal else Journal()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        taken = journal.fold_waiting()
    _tell_warnings(caught)
    if taken:
        print(f"coplearn journal: note: {_taken_in(taken, journal.path)}", file=sys.stderr)
    return journal


def _taken_in(taken: list[Path], path: Path) -> str:
    """The note on the files taken in, in words, its verb agreeing with what was taken in: "1 entry kept beside
    the journal while it was busy (FILE) is now in PATH."; "2 entries ... are"; "the entries of an import ...
    are"; "your choice of regulator ... is" (fix24; check24 7: it read "the entries of 1 import ... is")."""
    imports = sum(".waiting-import-" in p.name for p in taken)
    settings = sum(".waiting-regulator-" in p.name for p in taken)
    entries = len(taken) - imports - settings
    said = [f"{entries} entr{'y' if entries == 1 else 'ies'}"] if entries else []
    if imports:
        said.append("the entries of an import" if imports == 1 else f"the entries of {imports} imports")
    if settings:  # (a later choice wins: one choice, however many files)
        said.append("your choice of regulator")
    subject = said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]
    one = len(said) == 1 and (entries == 1 or settings > 0)
    files = ", ".join(p.name for p in taken)
    return f"{subject} kept beside the journal while it was busy ({files}) {'is' if one else 'are'} now in {path}."


def _again(exc: Any, refused: str, kept: str, command: list[str], typed: list[tuple[str, str]] = ()) -> int:
    """A change that cannot wait (an edit, a removal), refused because the journal was busy (when it was read
    or when it was to be saved, alike): what happened, why it was not kept to be made later (``refused``) and
    that nothing changed, what is kept (``kept``: also which entry the command names, and how), the command
    to run again, quoted for this system (:func:`command_text`; check24 5), and the lock's details as a note
    (fix24). When the command cannot quote something readably for every shell, what was typed (``typed``:
    (option, text)) follows, word for word."""
    said = " ".join(part for part in (f"{exc.busy}. {refused}: nothing in your journal was changed.", kept) if part)
    text, plain = command_text(command)
    print(f"coplearn journal: {said} Close other copies of the course (tabs, windows, other terminals), then run "
          f"the same command again:\n  {text}", file=sys.stderr)
    if not plain and typed:
        print("What you typed, word for word, in case your terminal does not take the command above as it is:\n"
              + "\n".join(f"  {option}: {value}".replace("\n", "\n    ") for option, value in typed), file=sys.stderr)
    print(f"coplearn journal: note: the journal's lock: {exc.details}", file=sys.stderr)
    return 2


def _on_windows() -> bool:
    return os.name == "nt"


#: What a word may hold and be printed bare: shlex's set; on Windows without ``@`` and ``,`` (PowerShell's
#: splatting and arrays) or ``%`` (cmd's variables), with ``\\`` (a folder's separator).
_BARE = re.compile(r"[\w@%+=:,./-]+", re.ASCII)
_BARE_WINDOWS = re.compile(r"[\w+=:./\\-]+", re.ASCII)
#: What a shell still reads inside double quotes: bash and zsh ``" $ ` \ !``; cmd ``%``, PowerShell ``$ ` "``
#: and its typographic double quotes. And a line break, which a printed command does not hold readably.
_IN_DOUBLE = frozenset('"$`\\!\n\r')
_IN_DOUBLE_WINDOWS = frozenset('"$`%\n\r\u201c\u201d\u201e')


def command_text(command: list[str], windows: bool | None = None) -> tuple[str, bool]:
    r"""``command`` as a learner can copy it into a terminal on this system, and whether every word of it is
    quoted plainly (check24 5: ``shlex.join`` wrote an apostrophe as ``'"'"'``, which cmd cannot run). A word
    with nothing special is bare; on Windows any other is in double quotes, which cmd and PowerShell both
    take, unless it holds something either reads there (then PowerShell's single quotes: not plain);
    elsewhere a word with an apostrophe is in double quotes when nothing in it is special there, else
    ``shlex.quote`` (single quotes; not plain when they hold an apostrophe or a line break).

    >>> print(*command_text(["coplearn", "journal", "edit", "3", "--title", "Didn't rush"], windows=False))
    coplearn journal edit 3 --title "Didn't rush" True
    >>> print(*command_text(["coplearn", "journal", "edit", "3", "--title", "It's $5"], windows=False))
    coplearn journal edit 3 --title 'It'"'"'s $5' False
    >>> print(*command_text(["coplearn", "--journal", "C:\\Ann Lee\\journal.json", "Didn't"], windows=True))
    coplearn --journal "C:\Ann Lee\journal.json" "Didn't" True
    >>> print(*command_text(["coplearn", "--title", 'It\'s 5% "calmer"'], windows=True))
    coplearn --title 'It''s 5% "calmer"' False
    """
    windows = _on_windows() if windows is None else windows
    words, plain = [], True
    for word in command:
        if word and (_BARE_WINDOWS if windows else _BARE).fullmatch(word):
            words.append(word)
        elif windows:
            if not set(word) & _IN_DOUBLE_WINDOWS and not word.endswith("\\"):
                words.append(f'"{word}"')
            else:  # (PowerShell's literal quotes; the words themselves follow the command)
                words.append("'" + re.sub("(['\u2018\u2019\u201a\u201b])", r"\1\1", word) + "'")
                plain = False
        elif "'" in word and not set(word) & _IN_DOUBLE:
            words.append(f'"{word}"')
        else:
            words.append(shlex.quote(word))
            plain = plain and "'" not in word and not set(word) & {"\n", "\r"}
    return " ".join(words), plain


def _journal_option(args: argparse.Namespace) -> list[str]:
    return ["--journal", str(args.journal)] if args.journal else []


def _fail(message: str) -> int:
    print(f"coplearn journal: {message}", file=sys.stderr)
    return 2


def _with_hint(args: argparse.Namespace, exc: BaseException, changed: str = "nothing was changed") -> str:
    """``problem_text``, and, for a file given with --journal that is not a journal, the likely mix-up."""
    from coplearn.practice.journal import NotAJournalError

    said = problem_text(exc, changed, getattr(args, "output", None))
    details = getattr(exc, "details", None)  # (a lock held too long: its file and owner, after the words; fix24)
    if details:
        said += f"\ncoplearn journal: note: the journal's lock: {details}"
    export_like = args.journal is not None and args.journal.suffix.lower() in (".docx", ".md", ".markdown", ".html", ".htm")
    if isinstance(exc, NotAJournalError) and export_like and getattr(args, "output", None) is not None:
        said += f" (Did you mean -o {args.journal}? --journal names the journal to read; -o names the file to write.)"
    return said


def _tell_warnings(caught: list[warnings.WarningMessage]) -> None:
    for w in caught:
        print(f"coplearn journal: note: {w.message}", file=sys.stderr)


def _entries(args: argparse.Namespace) -> "tuple[Journal, tuple[JournalEntry, ...]]":
    """Open the journal and pick the entries in ``--since``/``--until``, passing on any warning. Only
    reads: a file that cannot be read raises (said in words, with nothing changed; walk22 M1)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        journal = _journal(args)
        entries = journal.between(args.since, args.until, strict=True)
    _tell_warnings(caught)
    return journal, entries


def _replacing(path: Path, fmt: str, count: int, force: bool, what: str = "CPD records") -> bool:
    """Whether an export to ``path`` replaces an existing file. Only an earlier export or report is replaced: any other
    file (a Word document of your own with the same name) is refused unless ``force`` (walk28 H1); and an export of
    nothing is not written over one unless ``force`` (walk22 L2: a CPD file edited in Word and saved under the same
    name)."""
    from coplearn.core.atomic import refuse_to_replace_data
    from coplearn.practice.cpd import FORMATS

    existed = refuse_to_replace_data(path, "the export", FORMATS[fmt], force=force)
    if existed and count == 0 and not force:
        raise ValueError(f"{path} already exists, and this export has no {what}: it would replace that file with "
                         f"an empty one, so nothing was written. Choose another file name, or add --force to replace "
                         f"it anyway.")
    return existed


def _export(args: argparse.Namespace) -> int:
    from coplearn.core.outputs import NotOurFile
    from coplearn.practice import cpd

    try:
        fmt = cpd.format_for(args.output, args.format)
        if args.output.is_dir():
            return _fail(f"{args.output} is a folder; give the export a file name, e.g. {args.output / ('cpd.' + fmt)}")
        from coplearn.practice.regulators import get_regulator

        chosen = get_regulator(args.regulator).key if args.regulator else None
        journal, entries = _entries(args)
        reg = get_regulator(chosen or journal.regulator)
        from coplearn.core.outputs import replaced_note

        note = replaced_note(args.output)  # (asked before the export is written: rev28b L10)
        _replacing(args.output, fmt, len(entries), args.force)
        written = journal.export(args.output, fmt, entries=entries, regulator=reg.key, force=args.force)
    except NotOurFile as exc:  # (a document of your own: walk28 H1)
        return _fail(exc.saying(todo="or add --force to replace it anyway" if exc.forceable else None))
    except (ValueError, LookupError, OSError, TimeoutError) as exc:
        return _fail(_with_hint(args, exc, "the export was not written, and the journal was not changed"))
    print(f"Wrote {len(entries)} CPD record{'s' if len(entries) != 1 else ''} to {written} ({fmt}), "
          f"laid out for {reg.called}." + note)
    if reg.counts_hours or reg.shows_hours:
        total, without = cpd.hours_total(entries)
        line = f"Hours recorded: {total:g}"
        if reg.counts_hours and reg.required_hours:
            line += f" of the {reg.required_hours} hours {reg.called_short} asks for in {reg.period}"
        if without:
            line += f" ({without} entr{'ies give' if without != 1 else 'y gives'} no hours)"
        print(line + ".")
    if not entries:
        print("The journal has no entries in that period yet." if args.since or args.until
              else "The journal has no entries yet.")
    note = journal.set_aside_note("export")
    if note:
        print(note)
    return 0


def _regulator(args: argparse.Namespace) -> int:
    from coplearn.practice.journal import JournalBusy
    from coplearn.practice.regulators import get_regulator, regulators

    try:
        journal = _journal(args)
        if args.key:
            reg = get_regulator(args.key)
            try:
                journal.set_regulator(reg.key)
                print(f"Saved: exports from {journal.path} now follow {reg.called} ({reg.key}).")
            except JournalBusy as busy:  # (kept beside the journal, and followed meanwhile: fix24)
                print(busy.command_line)
        else:
            journal.read()  # (a file that cannot be read: said, and nothing changed; walk22 M1)
            reg = get_regulator(journal.regulator)
            print(f"Exports from {journal.path} follow {reg.called} ({reg.key}).")
            print("Choose another with: coplearn journal regulator KEY, where KEY is one of: "
                  + ", ".join(f"{r.key} ({r.name})" for r in regulators()))
    except (ValueError, LookupError, OSError, TimeoutError) as exc:
        return _fail(_with_hint(args, exc, "the regulator was not saved" if args.key else "nothing was changed"))
    print()
    print(f"What {reg.called} asks (checked {reg.checked_text}):")
    for line in reg.requirement:
        print(f"  - {line}")
    for line in reg.not_confirmed:
        print(f"  - Not confirmed: {line}")
    return 0


def _list(args: argparse.Namespace) -> int:
    try:
        journal, entries = _entries(args)
    except (ValueError, LookupError, OSError, TimeoutError) as exc:
        return _fail(_with_hint(args, exc))
    print(f"{len(entries)} entr{'ies' if len(entries) != 1 else 'y'} in {journal.path}"
          + ("; the numbers are the ones `journal edit` and `journal remove` take" if entries else ""))
    number = {e.id: n for n, e in enumerate(journal.entries, 1)}  # (the whole journal's, also when --since picks some)
    for e in entries:
        peer = " [peer reflection]" if e.peer_reflection else ""
        label = e.title or e.learning[:60]
        print(f"  {number.get(e.id, '?'):>3}  {e.date}  {e.id}  {label}{peer}")
    note = journal.set_aside_note("list")
    if note:
        print(note)
    return 0


def _import(args: argparse.Namespace) -> int:
    from coplearn.practice.journal import Journal, JournalBusy
    from coplearn.practice.journal_waiting import is_waiting_file

    # (the journal's own waiting file is taken in by _journal, first thing, and so removed: said as such,
    # not "no such file" after a note that it is in the journal: fix24)
    own = is_waiting_file((Journal(args.journal) if args.journal else Journal()).path, args.file)
    try:
        journal = _journal(args)
        if own and not args.file.exists():
            print(f"{args.file.name} held what was kept beside your journal while it was busy: it is in your journal "
                  f"at {journal.path} now (the note above says so), and the file has been removed. Nothing else "
                  f"needs doing.")
            return 0
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            added, had = journal.import_from(args.file)
        _tell_warnings(caught)
    except JournalBusy as busy:  # (kept safe beside the journal, and said where: fix24)
        print(busy.command_line)
        return 0
    except (ValueError, LookupError, OSError, TimeoutError) as exc:
        return _fail(_with_hint(args, exc, "nothing was imported"))
    print(f"Imported {added} entr{'ies' if added != 1 else 'y'} into {journal.path}"
          + (f" ({had} already there, left as they were)." if had else "."))
    if journal.last_import_note:  # (a file cut short: its whole entries only)
        print(journal.last_import_note)
    return 0


def _path(args: argparse.Namespace) -> int:
    from coplearn.practice.journal import NotAJournalError

    journal = _journal(args)
    print(journal.path)
    try:
        journal.read()  # (only read: a file there that is not a journal is said so, and left as it is)
    except NotAJournalError as exc:
        return _fail(str(exc))
    except (ValueError, LookupError, OSError, TimeoutError):
        pass  # (a damaged journal is still where the journal is; `journal list` says what is wrong)
    return 0


def _add(args: argparse.Namespace) -> int:
    from coplearn.practice.journal import JournalBusy

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            journal = _journal(args)
            entry = journal.add(
                title=args.title, activity_type=args.activity, date=args.date, description=args.description,
                relevance=args.relevance, learning=args.learning, impact_practice=args.impact_practice,
                impact_people=args.impact_people, peer_role=args.peer_role,
                peer_reflection=bool(args.peer_role) or args.peer, pcf=args.pcf, concepts=args.concept,
                hours=args.hours,
            )
        _tell_warnings(caught)
    except JournalBusy as busy:  # (kept safe beside the journal, and said where: walk22 L11)
        print(f"Kept entry {busy.entry.id} ({busy.entry.date}) safe. {busy.command_line}")
        return 0
    except (ValueError, LookupError, OSError, TimeoutError) as exc:
        return _fail(_with_hint(args, exc, "the entry was not saved"))
    print(f"Saved entry {entry.id} ({entry.date}) to {journal.path}.")
    return 0


def _find(journal: Any, which: str) -> Any:
    """The entry ``which`` names: its id, or its number as ``coplearn journal list`` (and lesson 11's
    box) show it: its place in the whole journal, 1 = the first saved."""
    entries = journal.read()  # (a journal that cannot be read: said, not "no entries yet")
    for e in entries:
        if e.id == which:
            return e
    if which.isdigit() and 1 <= int(which) <= len(entries):
        return entries[int(which) - 1]
    raise LookupError(f"{which!r} is not an entry of your journal: give its id or its number as "
                      f"`coplearn journal list` shows them (1 to {len(entries)})" if entries else
                      f"{which!r} is not an entry: your journal has no entries yet")


def _naming(args: argparse.Namespace, given: str, entry: Any, does: str, lead: str,
            described: bool = False) -> tuple[str, str]:
    """What the command to run again names the entry by, and what to say of that (check24 4): a number may
    name another entry by the next run, if the other copy adds or removes entries meanwhile. The entry's id
    when it is known: found before the journal was refused, or else found now by reading the file without
    waiting for the lock (a whole version: saves replace the file in one step); the number as given, with
    a plain word to check it first, when even that fails. ``does``: what the command does to the entry;
    ``lead``: how the sentence names the command; ``described``: the entry was just described (\"it\")."""
    if entry is None and given.isdigit():
        from coplearn.practice.journal import Journal

        try:
            entry = _find(_Unlocked(Journal(args.journal) if args.journal else Journal()), given)
        except (ValueError, LookupError, OSError):
            entry = None
    if entry is None:
        if not given.isdigit():
            return given, ""
        return given, (f"{lead} gives the entry by its number, {given}, and numbers change when entries are added "
                       f"or removed: before running it, run `coplearn journal list` and check that entry {given} is "
                       f"still the one you mean (if not, put the right number, or the entry's id, in place of {given}).")
    if entry.id == given:
        return given, ""
    what = "it" if described else f"entry {given} ({entry.date}, {(entry.title or entry.learning[:60])!r})"
    return entry.id, (f"{lead} names {what} by its id, {entry.id}, so it {does} that entry even if entries are added "
                      f"or removed meanwhile (if you meant another, `coplearn journal list` shows each entry's id).")


class _Unlocked:
    """A journal for :func:`_find` that reads without waiting for the lock (see :func:`_naming`)."""

    def __init__(self, journal: Any) -> None:
        self._journal = journal

    def read(self) -> Any:
        return self._journal.read_without_lock()


def _edit(args: argparse.Namespace) -> int:
    fields = {k: v for k, v in (("title", args.title), ("date", args.date), ("hours", args.hours),
                                ("description", args.description), ("relevance", args.relevance),
                                ("learning", args.learning), ("impact_practice", args.impact_practice),
                                ("impact_people", args.impact_people), ("peer_role", args.peer_role)) if v is not None}
    if args.peer is not None:
        fields["peer_reflection"] = args.peer
    if not fields:
        return _fail("say what to change, e.g. --impact-people \"Families said the calls felt calmer.\" "
                     "(coplearn journal edit --help lists every field)")
    if args.learning is not None and not args.learning.strip():
        return _fail("--learning: \u201cWhat I learned\u201d cannot be made empty (that would delete what you wrote "
                     "there); give the new text, e.g. --learning \"Asking first opened the meeting up.\" The entry was "
                     "not changed.")
    from coplearn.practice.journal import JournalLocked

    found = None
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            journal = _journal(args)
            found = _find(journal, args.entry)
            entry = journal.update(found.id, **fields)
        _tell_warnings(caught)
    except JournalLocked as exc:  # (an edit is not kept aside: said, with the command to run again; fix24)
        from coplearn.practice.journal import EDIT_REFUSED

        # (by its id: a number may name another entry by the next run; check24 4)
        which, named = _naming(args, args.entry, found, "changes", "That command")
        options, typed = [], []
        for k, v in fields.items():
            if k != "peer_reflection":
                flag = f"--{k.replace('_', '-')}"
                options += [f"{flag}={v}"] if str(v).startswith("-") else [flag, str(v)]
                typed.append((flag, str(v)))
        if args.peer is not None:
            options.append("--peer" if args.peer else "--no-peer")
        return _again(exc, EDIT_REFUSED, " ".join(("What you typed is not lost: it is in the command below.", named)),
                      ["coplearn", "journal", "edit", which, *options, *_journal_option(args)], typed)
    except (ValueError, LookupError, OSError, TimeoutError) as exc:
        return _fail(_with_hint(args, exc, "the entry was not changed"))
    print(f"Changed entry {entry.id} ({entry.date}, {(entry.title or entry.learning[:60])!r}) in {journal.path}: "
          f"{', '.join(sorted(f.replace('_', ' ') for f in fields))}.")
    return 0


def _remove(args: argparse.Namespace) -> int:
    from coplearn.practice.journal import JournalLocked

    entry = None
    try:
        journal = _journal(args)
        entry = _find(journal, args.entry)
        label = entry.title or entry.learning[:60]
        if not args.yes:
            if not sys.stdin.isatty():
                return _fail(f"to remove entry {entry.id} ({entry.date}, {label!r}) for good, add --yes")
            answer = input(f"Remove entry {entry.id} ({entry.date}, {label!r}) from {journal.path} for good? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                print("Nothing was removed.")
                return 1
        journal.remove(entry.id)
    except JournalLocked as exc:  # (a removal is not kept aside: said, with the command to run again; fix24)
        from coplearn.practice.journal import REMOVE_REFUSED

        # (by its id: a number may name another entry by the next run; check24 4)
        which, named = _naming(args, args.entry, entry, "removes", "The command below", described=entry is not None)
        still = "" if entry is None else \
            f"Entry {args.entry} ({entry.date}, {(entry.title or entry.learning[:60])!r}) is still in your journal."
        return _again(exc, REMOVE_REFUSED, " ".join(part for part in (still, named) if part),
                      ["coplearn", "journal", "remove", which, *(["--yes"] if args.yes else []), *_journal_option(args)])
    except (ValueError, LookupError, OSError, TimeoutError) as exc:
        return _fail(_with_hint(args, exc, "nothing was removed"))
    print(f"Removed entry {entry.id} ({entry.date}, {label!r}) from {journal.path}.")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``coplearn journal ...`` to the ``coplearn`` command."""
    desc = ("Your reflective journal. By default it is ~/coplearn/journal.json; set COPLEARN_JOURNAL "
            "or use --journal to keep it elsewhere.")
    journal = subparsers.add_parser("journal", help="see, add to and export your reflective journal",
                                    description=desc)
    jsub = journal.add_subparsers(dest="journal_command", metavar="ACTION")
    journal.set_defaults(func=lambda _a: (journal.print_help(), 0)[1])

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--journal", type=Path, default=None, metavar="PATH",
                       help="the journal file (default: $COPLEARN_JOURNAL or ~/coplearn/journal.json)")

    def period(p: argparse.ArgumentParser) -> None:
        p.add_argument("--since", default=None, metavar="YYYY-MM-DD", help="only entries on or after this date")
        p.add_argument("--until", default=None, metavar="YYYY-MM-DD", help="only entries on or before this date")

    p = jsub.add_parser("export", help="write your entries as CPD records for your regulator",
                        description="Write your journal as CPD records laid out for your regulator (Social Work "
                                    "England, Social Care Wales, the SSSC or the NISCC): Markdown (.md), a web page "
                                    "(.html) or a Word document (.docx).")
    p.add_argument("-o", "--output", required=True, type=output_file, metavar="FILE", help="the file to write")
    p.add_argument("--format", choices=("md", "html", "docx"), default=None,
                   help="the format (default: from the file ending)")
    p.add_argument("--regulator", default=None, metavar="swe|scw|sssc|niscc",
                   help="lay the records out for this regulator (default: the journal's setting, else swe)")
    p.add_argument("--force", action="store_true",
                   help="replace an existing file that is not an earlier export (a document of your own with the "
                        "same name), or write an export with no records over an existing file (otherwise refused)")
    common(p)
    period(p)
    p.set_defaults(func=_export)

    p = jsub.add_parser("regulator", help="show or choose the regulator your exports follow",
                        description="Show the regulator your CPD exports follow and what it asks for, or save "
                                    "another: swe (Social Work England), scw (Social Care Wales), sssc (Scottish "
                                    "Social Services Council), niscc (Northern Ireland Social Care Council).")
    p.add_argument("key", nargs="?", default=None, metavar="KEY", help="swe, scw, sssc or niscc")
    common(p)
    p.set_defaults(func=_regulator)

    p = jsub.add_parser("list", help="list your journal entries", description="List your journal entries.")
    common(p)
    period(p)
    p.set_defaults(func=_list)

    p = jsub.add_parser("import", help="add the entries of another copy of a journal (a journal.json)",
                        description="Add the entries of a journal.json (a copy you kept or downloaded, or one kept "
                                    "aside as unreadable once you have mended it). Entries already in your journal "
                                    "are left as they are; nothing is removed.")
    common(p)
    p.add_argument("file", type=Path, help="the journal.json to import")
    p.set_defaults(func=_import)

    p = jsub.add_parser("path", help="say where your journal is kept", description="Print the journal's location.")
    common(p)
    p.set_defaults(func=_path)

    p = jsub.add_parser("add", help="save a quick journal entry",
                        description="Save a journal entry. Only --learning is needed; the other fields make "
                                    "it a complete CPD record.")
    common(p)
    p.add_argument("--learning", required=True, help="what you learned")
    p.add_argument("--title", default="", help="a short title")
    p.add_argument("--activity", default=None, help="the type of activity, e.g. 'Peer discussion or group supervision'")
    p.add_argument("--date", default=None, metavar="YYYY-MM-DD", help="the date of the activity (default: today)")
    p.add_argument("--hours", default=None, metavar="N", help="how long the activity took, in hours (e.g. 1.5)")
    p.add_argument("--description", default="", help="what the activity was")
    p.add_argument("--relevance", default="", help="why it is relevant to your practice")
    p.add_argument("--impact-practice", default="", help="the impact on your practice")
    p.add_argument("--impact-people", default="", help="the impact on people who use services")
    p.add_argument("--peer", action="store_true", help="the activity involved peer reflection")
    p.add_argument("--peer-role", default="", metavar="ROLE",
                   help="who you reflected with, as a role (e.g. 'senior practitioner'), never a name")
    p.add_argument("--pcf", action="append", default=[], metavar="DOMAIN", help="a PCF domain (repeat for more)")
    p.add_argument("--concept", action="append", default=[], metavar="ID", help="a course concept, e.g. C05 (repeat)")
    p.set_defaults(func=_add)

    p = jsub.add_parser("edit", help="complete or correct an entry (e.g. add the impact on people who use services)",
                        description="Change fields of one entry: give its id or its number as `coplearn journal list` "
                                    "shows them, and only the fields to change.")
    common(p)
    p.add_argument("entry", metavar="ENTRY", help="the entry's id, or its number in `coplearn journal list`")
    p.add_argument("--title", default=None, help="a short title")
    p.add_argument("--date", default=None, metavar="YYYY-MM-DD", help="the date of the activity")
    p.add_argument("--hours", default=None, metavar="N", help="how long the activity took, in hours (e.g. 1.5)")
    p.add_argument("--description", default=None, help="what the activity was")
    p.add_argument("--relevance", default=None, help="why it is relevant to your practice")
    p.add_argument("--learning", default=None, help="what you learned")
    p.add_argument("--impact-practice", default=None, help="the impact on your practice")
    p.add_argument("--impact-people", default=None, help="the impact on people who use services")
    p.add_argument("--peer", default=None, action=argparse.BooleanOptionalAction,
                   help="the activity involved peer reflection (--no-peer: it did not)")
    p.add_argument("--peer-role", default=None, metavar="ROLE",
                   help="who you reflected with, as a role (e.g. 'senior practitioner'), never a name")
    p.set_defaults(func=_edit)

    p = jsub.add_parser("remove", help="remove an entry saved by mistake (it asks first)",
                        description="Remove one entry for good: give its id or its number as `coplearn journal list` "
                                    "shows them. It asks first; --yes removes it without asking.")
    common(p)
    p.add_argument("entry", metavar="ENTRY", help="the entry's id, or its number in `coplearn journal list`")
    p.add_argument("--yes", action="store_true", help="remove it without asking")
    p.set_defaults(func=_remove)
