"""Read a team survey of the Table 2 audit (a CSV from an online form) and check it.

A team manager asks each member of the team the 28 questions of the team audit (Gray et al.
2010, Table 2, after Adair 1983), for example with Microsoft Forms or Google Forms, and
downloads the answers as a CSV file. This module reads and checks that file (a problem is
reported by spreadsheet row and column); :mod:`coplearn.practice.survey_summary` works out, for
each question, how many people answered, the team's mean, the spread of answers and whether the
team disagrees, and feeds the means into the same priorities and action plan as
:func:`coplearn.score_audit`. :func:`load_survey` does both in one step. Which column is which
question is worked out in :mod:`coplearn.practice.survey_headings`.

**Reading the file.** One row per person; one column per question. A column heading may be the
item id (``K1`` ... ``I8``, also ``K1. How well ...`` or ``... [K1]``) or the question's text as
:func:`coplearn.team_audit` words it; case, punctuation and spacing do not matter, and close
rewordings (such as the paper's own phrasing of a question) are recognised when only one
question fits. Columns may come in any order. An optional column holds a respondent id
(``Respondent``, ``Respondent ID``, ``Response ID``, ``ID``); the usual bookkeeping columns of
survey tools (``Timestamp``, ``Start time``, ``Email``, ``Name`` ...) are ignored and never
reported. Excel's "CSV UTF-8" (with a byte-order mark), semicolon- or tab-separated files and
blank answers are all fine; "N/A", "Don't know" and "Prefer not to say" count as blank, and so does a
lone dash, question mark or dots (each such cell is listed in :attr:`Survey.notes`), while "None"
is refused (it could mean the lowest answer or none), as are symbols such as "★★★★" or "✓".
A "K1 score" or "K1 points" column is read as K1 when K1 has no column of its own and the
column holds ratings (with a note); beside a K1 column it is quiz points, and is not read. Read too, each with a note in
:attr:`Survey.notes`: a plain Excel CSV (Windows-1252) or a UTF-16 file, Excel's ``sep=;`` line or a
title line above the headings (skipped; rows keep the numbers a spreadsheet shows), rows shorter
than the headings (the missing answers blank) and columns of comments or quiz points ("K1
comments", "Points - ..."), which are not read.

**Answers.** Rating questions take a whole number from 1 to 5 or a word on the course's scale
(1 very poor, 2 poor, 3 adequate, 4 good, 5 very good; also common survey words such as
"Strongly agree" or "Mostly": see :func:`coplearn.rating_scale` and ``audit.toml``). One exception
(:func:`_file_scale`): a file that uses both "very good" and "excellent", and neither "very poor" nor
"adequate", is on the scale many survey tools offer, and its words Poor, Fair, Good, Very good,
Excellent are read 1 to 5 on it, with a note; a file whose words could be on either scale gets a note
saying how they were read. T3 takes a Tuckman stage (forming, storming, norming, performing,
adjourning). T2 takes free text.

**What is ours.** The scale, the summary figures, the disagreement rule and the anonymity
threshold are the course's own teaching aids, not the paper's, and the survey is a reflective
aid for a team conversation, not a validated instrument.

>>> text = "Respondent,K1,T4,T3\\nA,2,1,storming\\nB,3,5,norming\\nC,2,Good,storming\\n"
>>> s = read_survey_text(text)
>>> from coplearn.practice.survey_summary import summarise
>>> r = summarise(s)
>>> r.n_respondents, r.item("K1").mean, r.item("T4").disagreement
(3, 2.3333333333333335, True)
>>> r.stage.key, r.audit.priorities[0].item.id
('storming', 'K1')
"""


from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from coplearn.paper.action_centred import (AuditItem, get_item, is_no_answer, is_no_answer_mark, rating_from_word,
                                          rating_key, team_audit)
from coplearn.paper.team_development import get_stage, tuckman_stages
from coplearn.practice.survey_headings import (  # noqa: F401 - match_header is part of this module's API
    _IGNORED_HEADINGS, _RESPONDENT_HEADINGS, _Conflict, _describe, _letter, _match, _short, _squash,
    is_comment_heading, match_header, scored_item,
)

if TYPE_CHECKING:
    from coplearn.practice.survey_summary import SurveyResult

__all__ = [
    "DEFAULT_MIN_RESPONDENTS",
    "Response",
    "Survey",
    "SurveyError",
    "SurveyProblem",
    "load_survey",
    "match_header",
    "read_survey",
    "read_survey_bytes",
    "read_survey_text",
]

#: With fewer respondents than this, no per-respondent breakdown is shown (the course's rule).
DEFAULT_MIN_RESPONDENTS = 3
#: At most this many problems are listed in one error message.
MAX_PROBLEMS = 12

#: Answers that could mean a low rating or no answer at all ("None" to "Are people who use services
#: involved?"): refused with the choices, rather than guessed.
_AMBIGUOUS_ANSWERS = frozenset({"none", "nil", "nothing"})


# ---- problems ---------------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True, slots=True)
class SurveyProblem:
    """One thing wrong with the file, located by spreadsheet row (1 = headings) and column."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return (", ".join(where) + ": " if where else "") + self.message


class SurveyError(ValueError):
    """The survey file cannot be used; ``problems`` lists each row and column at fault."""

    def __init__(self, source: str, problems: Sequence[SurveyProblem], hint: str = "") -> None:
        self.source = source
        self.problems = tuple(problems)
        shown = self.problems[:MAX_PROBLEMS]
        lines = [f"{source}: " + (str(shown[0]) if len(shown) == 1 else
                                   f"{len(self.problems)} problems, so nothing was read:")]
        if len(shown) > 1:
            lines += [f"  - {p}" for p in shown]
            if len(self.problems) > len(shown):
                lines.append(f"  - ... and {len(self.problems) - len(shown)} more")
        if hint:
            lines.append(hint)
        super().__init__("\n".join(lines))


# ---- the survey as read ------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True, slots=True)
class Response:
    """One person's answers: ``row`` in the file, a ``label`` and ``{item_id: rating | stage | text}``."""

    row: int
    label: str
    answers: Mapping[str, int | str]

    @property
    def ratings(self) -> dict[str, int]:
        return {k: v for k, v in self.answers.items() if isinstance(v, int)}


@dataclass(frozen=True, kw_only=True, slots=True)
class Survey:
    """A survey file read and checked: which column is which, and each person's answers."""

    source: str
    columns: Mapping[str, str]  # item id -> the heading it came from
    respondent_column: str | None
    ignored_columns: tuple[str, ...]
    responses: tuple[Response, ...]
    empty_rows: tuple[int, ...] = ()
    delimiter: str = ","
    #: Columns that comment on a question or score it ("K1 comments", "Points - ..."): not read.
    comment_columns: tuple[str, ...] = ()
    #: What the reader did that the person should know (an encoding, a skipped line, short rows).
    notes: tuple[str, ...] = ()
    #: Groups of rows identical in every column of the file, bookkeeping columns such as Timestamp
    #: included (e.g. ``((4, 10),)``). Each row is still counted as a person; a note says so (walk22 M4).
    duplicate_rows: tuple[tuple[int, ...], ...] = ()

    @property
    def missing_items(self) -> tuple[str, ...]:
        """The audit's questions that have no column in the file, in the audit's order (walk22 L1).

        >>> read_survey_text("K1,T4\\n2,3\\n").missing_items[:3]
        ('K2', 'K3', 'K4')
        """
        return tuple(i.id for i in team_audit() if i.id not in self.columns)


def missing_note(survey: Survey) -> str | None:
    """A sentence naming the questions that have no column in the file (None when all 28 have one),
    so that a report does not read as if nobody answered them (walk22 L1).

    >>> text = "K1,K2,K3,K4,K6,K7,K8,T1,T2,T3,T4,T5,T6,T7,T8,T9,T10,T11,T12,I1,I2,I3,I4,I5,I6,I7,I8\\n"
    >>> missing_note(read_survey_text(text + ",".join(["3"] * 8 + ["", "norming"] + ["3"] * 17) + "\\n"))[:60]
    'K5 was not in the survey file: there is no column for it, so'
    """
    ids = survey.missing_items
    if not ids:
        return None
    if len(ids) == 1:
        return (f"{ids[0]} was not in the survey file: there is no column for it, so the report has no answers to it "
                f"(this does not mean that nobody answered it). If the question was asked, check its column's "
                f"heading (the item id, {ids[0]}, or the question's text) and load the file again.")
    return (f"{missing_list(ids)} were not in the survey file: there is no column for them, so the report has no "
            f"answers to them (this does not mean that nobody answered them). If they were asked, check their "
            f"columns' headings (the item id, such as {ids[0]}, or the question's text) and load the file again.")


def missing_list(ids: Sequence[str]) -> str:
    """``"K5"``, ``"K5 and T2"``, ``"K1, K2 and K3"``."""
    return ids[0] if len(ids) == 1 else f"{', '.join(ids[:-1])} and {ids[-1]}"


#: A whole, valid UTF-8 sequence of two to four bytes (Windows-1252 text such as "é’" has lead and
#: continuation bytes too, but not in these exact runs).
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
                             rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
                             rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}")


def _mostly_not_utf8(data: bytes) -> bool:
    """Whether bytes that are not valid UTF-8 are more likely Windows-1252 text: more of their bytes above 127
    stand alone than form whole UTF-8 sequences. A Windows-1252 file can hold a few pairs that happen to be
    UTF-8 ("CAF\u00c9\u2019S" is C9 92: red team 26b F7, refused as "not UTF-8"); a UTF-8 file with one stray
    byte pasted into it has many whole sequences and is still refused, not read as mojibake.

    >>> _mostly_not_utf8("CAF\u00c9\u2019S DROP-IN \u2013 costs \u00a3".encode("cp1252"))
    True
    >>> _mostly_not_utf8("caf\u00e9 na\u00efve \u2019quoted\u2019 ".encode("utf-8") + bytes([0xA3]))
    False
    """
    whole = len(_UTF8_MULTIBYTE.findall(data))
    high = sum(1 for b in data if b > 127)
    in_whole = sum(len(m) for m in _UTF8_MULTIBYTE.findall(data))
    return high - in_whole > whole


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a byte-order mark (every other byte zero, as Latin text is), or None."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    for zeros, codec in ((odd, "utf-16-le"), (even, "utf-16-be")):
        if zeros.count(0) >= 0.9 * len(zeros):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    return None


def _decode(data: bytes, source: str) -> tuple[str, str | None]:
    """Bytes to text and a note on how they were read, with a clear error for files that are not CSV text.

    UTF-8 (with or without Excel's byte-order mark) is read as it is; UTF-16 (Excel's "Unicode text")
    and Windows-1252 (Excel's plain "CSV (Comma delimited)" on a Western European Windows) are read
    too, with a note, as long as the file is all one or the other.
    """
    hint_save = "In Excel, choose File > Save As and pick 'CSV UTF-8 (Comma delimited) (*.csv)'."
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise SurveyError(source, [SurveyProblem(row=None, column=None, message=(
            "the file is empty. Download the responses from your survey tool as a CSV file and try again."))])
    if data.startswith(b"PK\x03\x04"):
        raise SurveyError(source, [SurveyProblem(row=None, column=None, message=(
            "this is not a CSV file: it looks like an Excel workbook (.xlsx) or another zipped file."))], hint_save)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SurveyError(source, [SurveyProblem(row=None, column=None, message=(
            "this is not a CSV file: it looks like an old Excel workbook (.xls)."))], hint_save)
    if data.startswith(b"%PDF"):
        raise SurveyError(source, [SurveyProblem(row=None, column=None, message=(
            "this is not a CSV file: it is a PDF. Download the responses as a CSV file instead."))])
    note: str | None = None
    text: str | None = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise SurveyError(source, [SurveyProblem(row=None, column=None, message=(
                "the file starts as UTF-16 ('Unicode text') but cannot be read as it."))], hint_save) from None
        note = "The file is saved as UTF-16 ('Unicode text') and was read as such."
    elif (text := _utf16_without_bom(data)) is not None:
        note = "The file is saved as UTF-16 ('Unicode text', without a byte-order mark) and was read as such."
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            if b"\x00" not in data and _mostly_not_utf8(data):
                try:
                    text = data.decode("cp1252")
                    note = ("The file is not UTF-8; it was read as Windows-1252 (Western European), which plain "
                            "Excel CSV files use. Check that accented letters in written answers look right.")
                except UnicodeDecodeError:
                    text = None
            if text is None:
                raise _undecodable(data, exc, source, hint_save) from None
    if "\x00" in text:
        raise SurveyError(source, [SurveyProblem(row=None, column=None, message=(
            "this is not a CSV file: it contains binary data."))], hint_save)
    return text, note


def _undecodable(data: bytes, exc: UnicodeDecodeError, source: str, hint_save: str) -> SurveyError:
    before = data[: exc.start]
    row = before.count(b"\n") + 1
    line_start = before.rfind(b"\n") + 1
    prefix = before[line_start:].decode("utf-8", errors="replace")
    column = None
    if "\x00" not in prefix:
        try:
            delim = max(",;\t", key=prefix.count)
            cells = next(csv.reader([prefix], delimiter=delim), [""])
            column = _letter(max(len(cells) - 1, 0))
        except csv.Error:  # pragma: no cover - defensive
            column = None
    return SurveyError(source, [SurveyProblem(row=row, column=column, message=(
        f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be read). It may be saved in "
        f"another encoding, or not be a CSV file at all."))], hint_save)


#: Excel's first line naming the separator (``sep=;``), which Excel hides and we skip.
_SEP_LINE = re.compile(r'^[ \t]*"?sep=([,;\t|])"?[ \t]*(?:\r\n|\r|\n|$)', re.I)
#: Headings are looked for in this many rows at the top (a title line or a blank line may come first).
_HEADING_ROWS = 6


def _parse_rows(text: str, delimiter: str, source: str) -> list[list[str]]:
    """Every row of the file; a quotation mark problem is reported by row and column."""
    line_starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    while True:
        first_line = reader.line_num
        try:
            rows.append(next(reader))
        except StopIteration:
            return rows
        except csv.Error as exc:
            pos = line_starts[first_line] if first_line < len(line_starts) else len(text)
            raise _quote_problem(text, pos, delimiter, len(rows) + 1, str(exc), source) from None


def _quote_problem(text: str, pos: int, delimiter: str, row: int, error: str, source: str) -> SurveyError:
    """Which answer of the row starting at ``pos`` breaks the CSV rules, and how to mend it."""
    field, i, n, at_start = 0, pos, len(text), True
    found: str | None = None
    while i < n and found is None:
        ch = text[i]
        if at_start and ch == '"':
            j = i + 1
            while True:
                k = text.find('"', j)
                if k == -1:
                    found = "unclosed"
                    break
                if k + 1 < n and text[k + 1] == '"':
                    j = k + 2
                    continue
                i = k + 1
                if i < n and text[i] not in (delimiter, "\r", "\n"):
                    found = "after"
                break
            at_start = False
            continue
        if ch == delimiter:
            field, at_start = field + 1, True
        elif ch in "\r\n":
            break
        else:
            at_start = False
        i += 1
    if found == "unclosed":
        message = ('a quotation mark (") that opens this answer is never closed, so the rest of the file reads as '
                   'one answer. Add the closing quotation mark, or delete the opening one.')
    elif found == "after":
        message = ('this answer has text after its closing quotation mark. In a CSV file an answer that starts '
                   'with " must end with it: put the whole answer in quotation marks and write each " inside it '
                   'twice ("").')
    elif "field larger than field limit" in error:
        message = "an answer in this row is longer than 131,072 characters; that is not a survey answer."
    else:
        message = f"this row does not read as CSV ({error})."
    return SurveyError(source, [SurveyProblem(row=row, column=_letter(field) if found else None, message=message)])


def _is_question(heading: str) -> bool:
    try:
        return _match(heading)[0] is not None
    except _Conflict:
        return True


def _first_records(text: str, delimiter: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    out: list[list[str]] = []
    try:
        for row in reader:
            out.append(row)
            if len(out) >= _HEADING_ROWS:
                break
    except csv.Error:
        pass
    return out


def _choose_delimiter(text: str) -> str:
    """The separator (comma, semicolon or tab) under which most headings are audit questions
    (the headings being the first of the top rows that has one)."""
    best, best_score = ",", (-1, -1)
    for delim in (",", ";", "\t"):
        records = _first_records(text, delim)
        header = records[_header_index(records)] if records else []
        score = (sum(_is_question(h) for h in header), len(header))
        if score > best_score:
            best, best_score = delim, score
    return best


def _header_index(rows: list[list[str]]) -> int:
    """The row that holds the headings: of the top rows, the one with the most audit questions (the
    first of equals; a title such as "T1 team survey, March" names one at most), else the first row
    that is not blank."""
    top = rows[:_HEADING_ROWS]
    counts = [sum(_is_question(h) for h in row) for row in top]
    if counts and max(counts) > 0:
        return counts.index(max(counts))
    return next((i for i, row in enumerate(top) if any(c.strip() for c in row)), 0)


def read_survey_text(text: str, source: str = "the survey") -> Survey:
    """Read survey CSV text (see the module docs) or raise :class:`SurveyError`."""
    return _read(text, source, [])


def _read(text: str, source: str, notes: list[str]) -> Survey:
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise SurveyError(source, [SurveyProblem(row=None, column=None, message=(
            "the file is empty. Download the responses from your survey tool as a CSV file and try again."))])
    sep = _SEP_LINE.match(text)
    if sep:
        delimiter, text = sep.group(1), text[sep.end():]
        notes.append(f"The first line ({sep.group(0).strip()}) only tells Excel which separator the file uses; "
                     f"it was skipped, and rows are counted from the line after it, as Excel shows them.")
    else:
        delimiter = _choose_delimiter(text)
    rows = _parse_rows(text, delimiter, source)
    if not any(any(c.strip() for c in row) for row in rows):
        raise SurveyError(source, [SurveyProblem(row=None, column=None, message=(
            "the file is empty. Download the responses from your survey tool as a CSV file and try again."))])
    h = _header_index(rows)
    header_row = h + 1
    above = [(i + 1, ", ".join(c.strip() for c in row if c.strip())) for i, row in enumerate(rows[:h])]
    if any(words for _, words in above):
        shown = "; ".join(f"row {n}: '{_short(words, 40)}'" for n, words in above if words)
        notes.append(f"The headings are in row {header_row}; the line{'s' if len(above) > 1 else ''} above them "
                     f"({shown}) {'were' if len(above) > 1 else 'was'} skipped.")
    header, body = rows[h], rows[h + 1:]
    problems: list[SurveyProblem] = []

    # -- headings
    columns: dict[str, int] = {}
    respondent_col: int | None = None
    ignored: list[str] = []
    ignored_at: list[int] = []  # where the ignored columns are (to tell identical rows apart)
    unknown: list[tuple[int, str, str | None]] = []
    comments: list[tuple[int, str]] = []
    conflicts = 0
    for i, raw in enumerate(header):
        heading = raw.strip()
        col = f"{_letter(i)} ('{_short(heading)}')" if heading else _letter(i)
        if not heading:
            if any(i < len(r) and r[i].strip() for r in body):
                problems.append(SurveyProblem(row=header_row, column=_letter(i), message=(
                    "this column has answers but no heading; give it the item id (e.g. K1) or the question.")))
            continue
        if is_comment_heading(heading):
            comments.append((i, heading))
            continue
        try:
            item_id, suggestion = _match(heading)
        except _Conflict as c:
            conflicts += 1
            problems.append(SurveyProblem(row=header_row, column=col, message=(
                f"the heading starts with {c.said} but its question is {c.text}'s; correct one or the other.")))
            continue
        squashed = _squash(heading)
        if item_id is not None:
            if item_id in columns:
                first = columns[item_id]
                problems.append(SurveyProblem(row=header_row, column=col, message=(
                    f"this is question {item_id} again (already column {_letter(first)}); keep one of the two.")))
            else:
                columns[item_id] = i
        elif respondent_col is None and squashed in _RESPONDENT_HEADINGS:
            respondent_col = i
        elif squashed in _IGNORED_HEADINGS or squashed in _RESPONDENT_HEADINGS:
            ignored.append(heading)
            ignored_at.append(i)
        else:
            unknown.append((i, heading, suggestion))
    comments = _scores_as_answers(comments, columns, body, header, notes)
    if not columns and not conflicts:
        shown = ", ".join(f"'{_short(h, 30)}'" for h in header[:4] if h.strip()) or "none"
        set_aside = (" Columns headed like comments or quiz points were set aside: "
                     + ", ".join(f"{_letter(i)} ('{_short(h, 30)}')" for i, h in comments[:6])
                     + (f" and {len(comments) - 6} more" if len(comments) > 6 else "")
                     + ". If one holds the answers, head it with the item id alone (e.g. K1).") if comments else ""
        raise SurveyError(source, [SurveyProblem(row=header_row, column=None, message=(
            f"no column heading is a team audit question (the first headings are: {shown}), so this does "
            f"not look like a team survey CSV. Head each column with the item id (K1 ... I8) or the "
            f"question's text.{set_aside}"))])
    for i, heading, suggestion in unknown:
        tip = f" Did you mean {suggestion} ('{_short(get_item(suggestion).text, 60)}')?" if suggestion else ""
        problems.append(SurveyProblem(row=header_row, column=f"{_letter(i)} ('{_short(heading)}')", message=(
            f"this heading is not a team audit question.{tip} Use an item id (K1 ... I8) or the question's "
            f"text, or delete the column.")))
    if problems:
        raise SurveyError(source, problems)

    # -- answers
    responses: list[Response] = []
    empty_rows: list[int] = []
    seen_ids: dict[str, tuple[int, str]] = {}
    same_rows: dict[tuple[str, ...], list[int]] = {}  # a response's every cell -> the rows that hold exactly it
    short_rows: list[int] = []
    marks: list[str] = []  # cells of only a dash, question mark or dots: read as no answer, and said so
    wanted = sorted(columns.items(), key=lambda kv: get_item(kv[0]).order)
    scale, scale_note = _file_scale(body, wanted)
    headings = [h.strip().lstrip("\ufeff") for h in header]
    for n, cells in enumerate(body, start=header_row + 1):
        if not any(c.strip() for c in cells):
            continue
        if [c.strip().lstrip("\ufeff") for c in cells[: len(header)]] == headings:  # (a second download's mark: check26 L2)
            # two downloads pasted one under the other: one line, not one per question (red team 26b F8)
            problems.append(SurveyProblem(row=n, column=None, message=(
                f"this row repeats the headings of row {header_row} (two downloads pasted one under the other?): "
                "delete it from the file.")))
            continue
        if any(i >= len(cells) for _, i in wanted):
            short_rows.append(n)
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            problems.append(SurveyProblem(row=n, column=_letter(len(header)), message=(
                f"this row has {len(cells)} values but there are only {len(header)} headings; check for a "
                f"stray separator or an answer in the wrong place.")))
            continue
        answers: dict[str, int | str] = {}
        for item_id, i in wanted:
            raw = cells[i].strip() if i < len(cells) else ""
            if is_no_answer_mark(raw):
                marks.append(f"row {n} column {_describe(i, header[i], item_id)} '{raw}'")
                continue
            try:
                value = _answer(get_item(item_id), raw, scale)
            except (ValueError, LookupError) as exc:
                message = str(exc).removeprefix(f"{item_id}: ")
                if _squash(next((c for c in cells if c.strip()), "")) in _TOTALS:
                    message += " (this row looks like a totals or averages row: delete it from the file)"
                problems.append(SurveyProblem(row=n, column=_describe(i, header[i], item_id), message=message))
                continue
            if value is not None:
                answers[item_id] = value
        label = ""
        if respondent_col is not None:
            label = cells[respondent_col].strip() if respondent_col < len(cells) else ""
            if label:
                key = _squash(label) or label
                if key in seen_ids:
                    first_row, first_label = seen_ids[key]
                    same = "" if first_label == label else f" (as {first_label!r})"
                    problems.append(SurveyProblem(
                        row=n, column=_describe(respondent_col, header[respondent_col]),
                        message=(f"the respondent id {label!r} is already used in row {first_row}{same}; each "
                                 f"person should appear once. Remove the repeated response or correct the id.")))
                    continue
                seen_ids[key] = (n, label)
        if not answers:
            empty_rows.append(n)
            if short_rows and short_rows[-1] == n:
                short_rows.pop()
            continue
        responses.append(Response(row=n, label=label, answers=answers))
        same_rows.setdefault(tuple(c.strip() for c in (cells + [""] * len(header))[:len(header)]), []).append(n)
    if problems:
        raise SurveyError(source, problems)
    if not responses:
        raise SurveyError(source, [SurveyProblem(row=None, column=None, message=(
            "the file has headings but no answers yet"
            + (f" (rows {', '.join(map(str, empty_rows))} are blank)" if empty_rows else "")
            + ". Wait for the team's responses, then download the file again."))])
    if scale_note:
        notes.append(scale_note)
    if short_rows:
        notes.append(f"{_rows(short_rows)} fewer values than there are headings: the answers missing at the end "
                     f"were read as blank. If the file was cut short, download it again.")
    if marks:
        shown = "; ".join(marks[:8]) + (f"; and {len(marks) - 8} more" if len(marks) > 8 else "")
        notes.append(f"{len(marks)} cell{' held' if len(marks) == 1 else 's held'} only a dash, question mark or dots "
                     f"and {'was' if len(marks) == 1 else 'were'} read as no answer: {shown}. If a rating was meant, "
                     f"write it as a number from 1 to 5.")
    duplicates = sorted((rows_ for rows_ in same_rows.values() if len(rows_) > 1), key=lambda g: g[0])
    if duplicates:
        filled = {g[0]: [i for i in ignored_at if i < len(body[g[0] - header_row - 1])
                         and body[g[0] - header_row - 1][i].strip()] for g in duplicates}
        notes.append(_duplicate_note(duplicates, {g[0]: [header[i].strip() for i in filled[g[0]]] for g in duplicates}))
    if comments:
        notes.append("These columns look like comments on a question or its points, not answers to it, and were "
                     "not read: " + ", ".join(f"'{_short(c)}'" for _, c in comments) + ".")
    # Unlabelled respondents get a neutral label in file order.
    labelled = []
    for k, r in enumerate(responses, 1):
        labelled.append(r if r.label else Response(row=r.row, label=f"Respondent {k}", answers=r.answers))
    return Survey(
        source=source, columns={k: header[i].strip() for k, i in wanted},
        respondent_column=header[respondent_col].strip() if respondent_col is not None else None,
        ignored_columns=tuple(ignored), responses=tuple(labelled), empty_rows=tuple(empty_rows),
        delimiter=delimiter, comment_columns=tuple(c for _, c in comments), notes=tuple(notes),
        duplicate_rows=tuple(tuple(g) for g in duplicates),
    )


def _is_time_heading(heading: str) -> bool:
    squashed = _squash(heading)
    return any(w in squashed for w in ("time", "date", "submitted"))


def _duplicate_note(groups: Sequence[Sequence[int]], bookkeeping: Mapping[int, Sequence[str]]) -> str:
    """What to say about rows identical in every column (walk22 M4): which rows, what is the same
    (a time stamp, other bookkeeping columns, the answers), that each row is still counted as a
    person, and what to do if one person's response was entered twice. ``bookkeeping`` names, for
    each group's first row, the bookkeeping columns (ignored otherwise) that are filled in it.

    >>> print(_duplicate_note([[4, 10]], {4: ["Timestamp"]}))  # doctest: +ELLIPSIS
    Rows 4 and 10 are identical (the same time stamp and the same answers). Each of these rows is counted as a ...
    """
    parts, all_marked = [], True  # (all_marked: every group has a time stamp or the like)
    for g in groups[:8]:
        names = bookkeeping.get(g[0], ())
        same = (["the same time stamp"] if any(_is_time_heading(h) for h in names) else [])
        others = [f"'{_short(h, 30)}'" for h in names if not _is_time_heading(h)]
        if others:
            same.append("the same " + missing_list(others))
        if not same:
            all_marked = False
            why = "the same answers in every column; there is no time stamp to tell them apart"
        else:
            why = ", ".join(same) + " and the same answers"
        rows = f"{', '.join(map(str, g[:-1]))} and {g[-1]}"
        parts.append(f"rows {rows} are identical ({why})")
    more = f"; and {len(groups) - 8} more groups of identical rows" if len(groups) > 8 else ""
    text = "; ".join(parts) + more + "."
    text = text[:1].upper() + text[1:]
    text += (" Each of these rows is counted as a separate person in every figure of the report. If one person's "
             "response was pasted or downloaded twice, delete the extra row and load the file again")
    if not all_marked:
        text += "; if two people really gave exactly the same answers, leave the file as it is"
    return text + "."


def _scores_as_answers(comments: list[tuple[int, str]], columns: dict[str, int], body: list[list[str]],
                       header: list[str], notes: list[str]) -> list[tuple[int, str]]:
    """Read a column headed "K1 score" or "K1 points" as question K1 when K1 has no column of its own
    and every answer in it reads as an answer to K1 (a rating from 1 to 5); say so in ``notes``.
    Returns the comment columns left (quiz points beside the answers, remarks)."""
    left: list[tuple[int, str]] = []
    read_as: list[str] = []
    for i, heading in comments:
        item_id = scored_item(heading)
        cells = [r[i].strip() for r in body if i < len(r) and r[i].strip()]
        if item_id is None or item_id in columns or get_item(item_id).kind == "open" or not cells:
            left.append((i, heading))
            continue
        try:
            for cell in cells:
                _answer(get_item(item_id), cell)
        except (ValueError, LookupError):
            left.append((i, heading))
            continue
        columns[item_id] = i
        read_as.append(f"{_letter(i)} ('{_short(heading, 30)}') as {item_id}")
    if read_as:
        shown = ", ".join(read_as[:8]) + (f" and {len(read_as) - 8} more" if len(read_as) > 8 else "")
        notes.append(f"Columns headed as a score or points hold answers (ratings from 1 to 5, or a stage) to a question "
                     f"that has no column of its own, so they were read as that question: {shown}. If one is quiz "
                     f"points instead, delete it.")
    return left


def _rows(numbers: Sequence[int]) -> str:
    """'Row 4 has' / 'Rows 4, 7 and 9 have' (at most eight listed)."""
    if len(numbers) == 1:
        return f"Row {numbers[0]} has"
    shown = [str(n) for n in numbers[:8]]
    if len(numbers) > 8:
        return f"Rows {', '.join(shown)} and {len(numbers) - 8} more have"
    return f"Rows {', '.join(shown[:-1])} and {shown[-1]} have"


_NUMBER_FIRST = re.compile(r"^\s*([+-]?\d+)\s*(?:[-–—=:(]\s*(.*?)\)?\s*)?$")
_NUMBER_LAST = re.compile(r"^(.*?)\s*\(\s*(\d+)\s*\)\s*$")


#: The five-point scale many survey tools offer, lowest first: Poor, Fair, Good, Very good, Excellent.
#: The course's own words (Very poor, Poor, Adequate, Good, Very good, with Fair and Excellent read as 3
#: and 5) would read it one point high but at the top (red team 15 F2). A file that uses both "very
#: good" and "excellent" can only be on this scale, and is read on it (with a note).
POOR_TO_EXCELLENT = {"poor": 1, "fair": 2, "good": 3, "very good": 4, "excellent": 5}
_COURSE_ONLY_WORDS = ("very poor", "adequate")


def _split_rating(raw: str) -> tuple[str | None, str]:
    """A rating cell as (its number or None, its words): "4 - Very good" -> ("4", "Very good"),
    "Good (4)" -> ("4", "Good"), "Good" -> (None, "Good")."""
    m = _NUMBER_FIRST.match(raw)
    if m:
        return m.group(1), m.group(2) or ""
    m2 = _NUMBER_LAST.match(raw)
    if m2:
        return m2.group(2), m2.group(1)
    return None, raw


def _file_scale(body: Sequence[Sequence[str]],
                wanted: Sequence[tuple[str, int]]) -> tuple[Mapping[str, int] | None, str | None]:
    """The scale the file's rating words are on: None (the course's) or :data:`POOR_TO_EXCELLENT`,
    and a note for the reader when that matters (the words may be on either, or mix both)."""
    used: set[str] = set()  # the rating words in the file
    for cells in body:
        for item_id, i in wanted:
            if i < len(cells) and get_item(item_id).kind == "rating" and not is_no_answer(cells[i]):
                key = rating_key(_split_rating(cells[i].strip())[1])
                if key and not key.isdecimal():
                    used.add(key)
    both = [w for w in POOR_TO_EXCELLENT if w in used]  # the words of that scale the file uses
    course_only = [w for w in _COURSE_ONLY_WORDS if w in used]
    if "very good" in used and "excellent" in used:
        if course_only:
            return None, (
                f"The answers use '{course_only[0]}' (a word of the course's scale: Very poor 1, Poor 2, Adequate 3, "
                "Good 4, Very good 5) and also 'excellent', so they were read on the course's scale, and 'very good' "
                "and 'excellent' were both read as 5. If some questions used the scale Poor, Fair, Good, Very good, "
                "Excellent (on which every word but the top means one point less), export the answers as numbers "
                "from 1 to 5 instead.")
        others = sorted(used - set(POOR_TO_EXCELLENT))
        return POOR_TO_EXCELLENT, (
            "The answers use both 'very good' and 'excellent', so they were read on the scale Poor (1), Fair (2), "
            "Good (3), Very good (4), Excellent (5), which many survey tools offer, not on the course's (Very poor 1 "
            "... Very good 5)." + (f" Other words ({', '.join(repr(w) for w in others[:5])}) were read on the course's "
                                  "scale." if others else "") + " If that is wrong, export the answers as numbers "
            "from 1 to 5.")
    if both and not course_only and any(w != "excellent" for w in both):
        read = ", ".join(f"{w.capitalize()} ({rating_from_word(w, 'K1')})" for w in both)
        high = [w.capitalize() for w in both if w != "excellent"]
        return None, (
            f"The answers use the words {read}, as read on the course's scale (Very poor 1 ... Very good 5). If your "
            f"survey's scale was Poor, Fair, Good, Very good, Excellent (Poor the lowest), {', '.join(high)} "
            f"{'was' if len(high) == 1 else 'were'} read one point too high: export the answers as numbers from 1 to 5 "
            "instead.")
    return None, None


def _rating(text: str, item_id: str, scale: Mapping[str, int] | None) -> int:
    if scale is not None:
        key = rating_key(text)
        if key in scale:
            return scale[key]
    return rating_from_word(text, item_id)


def _answer(item: AuditItem, raw: str, scale: Mapping[str, int] | None = None) -> int | str | None:
    """One cell as an answer for ``item`` (None when blank), or ``ValueError`` saying what is allowed.
    ``scale`` maps rating words of the file's own scale (:func:`_file_scale`) to ratings."""
    if is_no_answer(raw):  # symbols such as "★★★★" or "✓" are not: they are refused below, with the choices
        return None
    if item.kind == "open":
        return raw
    if _squash(raw) in _AMBIGUOUS_ANSWERS:
        choices = ("a Tuckman stage (" + ", ".join(s.key for s in tuckman_stages()) + ")" if item.kind == "stage"
                   else "a whole number from 1 to 5 or a word on the scale (1 is 'very poor')")
        raise ValueError(f"{item.id}: {raw!r} could mean the lowest answer or no answer at all; use {choices}, or "
                         f"leave it blank (or N/A) if the person did not answer")
    if item.kind == "stage":
        for candidate in (raw, re.split(r"[\s(:,.\-–—]+", raw.strip())[0]):
            try:
                return get_stage(candidate).key
            except LookupError:
                continue
        raise ValueError(f"{item.id}: {raw!r} is not a Tuckman stage; choose one of: "
                         + ", ".join(s.key for s in tuckman_stages()))
    # rating
    number, words = _split_rating(raw)
    if number is None:
        if re.fullmatch(r"\s*\d+\.0+\s*", raw):
            return rating_from_word(raw.strip().split(".")[0], item.id)
        return _rating(raw, item.id, scale)
    value = rating_from_word(number, item.id)
    if words.strip():
        try:
            said = _rating(words, item.id, scale)
        except ValueError:
            said = value
        if said != value:
            on = (" on the scale Poor 1 ... Excellent 5 that this file uses" if scale is not None
                  and rating_key(words) in scale else "")
            raise ValueError(f"{item.id}: {raw!r} gives two different ratings ({value}, and {words.strip()!r} which is "
                             f"{said}{on}); use one of them, a whole number from 1 to 5 or a word")
    return value


_TOTALS = frozenset({"total", "totals", "average", "averages", "mean", "means", "sum", "overall", "grandtotal"})

#: The largest survey file read: a team's answers to 28 questions take a few kilobytes (a thousand
#: respondents with comments, under 1 MB); anything far bigger is not a team survey, and reading it
#: would take minutes.
MAX_SURVEY_BYTES = 5 * 1024 * 1024


def _too_big(size: int, source: str) -> SurveyError:
    return SurveyError(source, [SurveyProblem(row=None, column=None, message=(
        f"this file is {size / 1024 / 1024:.0f} MB; a team survey's answers take a few kilobytes, so the course reads "
        f"files up to {MAX_SURVEY_BYTES // 1024 // 1024} MB. Check that this is the export of your team survey."))])


def read_survey_bytes(data: bytes, source: str = "the survey") -> Survey:
    """Read a survey CSV from raw bytes (as uploaded), or raise :class:`SurveyError`."""
    if len(data) > MAX_SURVEY_BYTES:
        raise _too_big(len(data), source)
    text, note = _decode(data, source)
    return _read(text, source, [note] if note else [])


def read_survey(path: str | os.PathLike[str]) -> Survey:
    """Read a survey CSV file, or raise :class:`SurveyError` naming the row and column at fault."""
    p = Path(path).expanduser()
    if p.is_dir():
        raise SurveyError(str(p), [SurveyProblem(row=None, column=None, message="this is a folder, not a CSV file.")])
    try:
        size = p.stat().st_size
        if size > MAX_SURVEY_BYTES:
            raise _too_big(size, str(p))
        data = p.read_bytes()
    except FileNotFoundError:
        raise SurveyError(str(p), [SurveyProblem(row=None, column=None, message=(
            "there is no such file. Check the name and the folder."))]) from None
    return read_survey_bytes(data, str(p))


def load_survey(path: str | os.PathLike[str], *, min_respondents: int = DEFAULT_MIN_RESPONDENTS) -> "SurveyResult":
    """Read and sum up a survey CSV file in one step (:func:`coplearn.practice.survey_summary.summarise`).

    >>> from pathlib import Path
    >>> example = Path(__file__).resolve().parents[3] / "examples" / "team-survey.csv"
    >>> r = load_survey(example) if example.exists() else None
    >>> r is None or r.n_respondents == 8
    True
    """
    from coplearn.practice.survey_summary import summarise

    return summarise(read_survey(path), min_respondents=min_respondents)
