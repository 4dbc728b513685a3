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
blank answers are all fine; "N/A", "Don't know" and "Prefer not to say" count as blank.

**Answers.** Rating questions take a whole number from 1 to 5 or a word on the course's scale
(1 very poor, 2 poor, 3 adequate, 4 good, 5 very good; also common survey words such as
"Strongly agree" or "Mostly": see :func:`coplearn.rating_scale` and ``audit.toml``). T3 takes a
Tuckman stage (forming, storming, norming, performing, adjourning). T2 takes free text.

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

from coplearn.paper.action_centred import AuditItem, get_item, rating_from_word
from coplearn.paper.team_development import get_stage, tuckman_stages
from coplearn.practice.survey_headings import (  # noqa: F401 - match_header is part of this module's API
    _IGNORED_HEADINGS, _RESPONDENT_HEADINGS, _Conflict, _describe, _letter, _match, _short, _squash, match_header,
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

_BLANK_ANSWERS = frozenset({"", "na", "notapplicable", "dontknow", "donotknow", "notsure",
                            "prefernottosay", "skip", "skipped", "none"})


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


def _decode(data: bytes, source: str) -> str:
    """Bytes to text, with a clear error for files that are not UTF-8 CSV."""
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
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SurveyError(source, [SurveyProblem(row=None, column=None, message=(
            "the file is saved as UTF-16 ('Unicode text'), not UTF-8."))], hint_save)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
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
        raise SurveyError(source, [SurveyProblem(row=row, column=column, message=(
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be read). It may be saved in "
            f"another encoding, or not be a CSV file at all."))], hint_save) from None
    if "\x00" in text:
        raise SurveyError(source, [SurveyProblem(row=None, column=None, message=(
            "this is not a CSV file: it contains binary data."))], hint_save)
    return text


def _parse_rows(text: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))


def _choose_delimiter(text: str) -> str:
    """The separator (comma, semicolon or tab) under which most headings are audit questions."""
    best, best_score = ",", (-1, -1)
    for delim in (",", ";", "\t"):
        try:
            header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delim), [])
        except csv.Error:
            continue
        matched = 0
        for h in header:
            try:
                matched += _match(h)[0] is not None
            except _Conflict:
                matched += 1
        score = (matched, len(header))
        if score > best_score:
            best, best_score = delim, score
    return best


def read_survey_text(text: str, source: str = "the survey") -> Survey:
    """Read survey CSV text (see the module docs) or raise :class:`SurveyError`."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise SurveyError(source, [SurveyProblem(row=None, column=None, message=(
            "the file is empty. Download the responses from your survey tool as a CSV file and try again."))])
    delimiter = _choose_delimiter(text)
    try:
        rows = _parse_rows(text, delimiter)
    except csv.Error as exc:
        raise SurveyError(source, [SurveyProblem(row=None, column=None, message=(
            f"this does not read as a CSV file ({exc}). Check that quotation marks are paired."))]) from None
    header, body = rows[0], rows[1:]
    problems: list[SurveyProblem] = []

    # -- headings
    columns: dict[str, int] = {}
    respondent_col: int | None = None
    ignored: list[str] = []
    unknown: list[tuple[int, str, str | None]] = []
    conflicts = 0
    for i, raw in enumerate(header):
        heading = raw.strip()
        col = f"{_letter(i)} ('{_short(heading)}')" if heading else _letter(i)
        if not heading:
            if any(i < len(r) and r[i].strip() for r in body):
                problems.append(SurveyProblem(row=1, column=_letter(i), message=(
                    "this column has answers but no heading; give it the item id (e.g. K1) or the question.")))
            continue
        try:
            item_id, suggestion = _match(heading)
        except _Conflict as c:
            conflicts += 1
            problems.append(SurveyProblem(row=1, column=col, message=(
                f"the heading starts with {c.said} but its question is {c.text}'s; correct one or the other.")))
            continue
        squashed = _squash(heading)
        if item_id is not None:
            if item_id in columns:
                first = columns[item_id]
                problems.append(SurveyProblem(row=1, column=col, message=(
                    f"this is question {item_id} again (already column {_letter(first)}); keep one of the two.")))
            else:
                columns[item_id] = i
        elif respondent_col is None and squashed in _RESPONDENT_HEADINGS:
            respondent_col = i
        elif squashed in _IGNORED_HEADINGS or squashed in _RESPONDENT_HEADINGS:
            ignored.append(heading)
        else:
            unknown.append((i, heading, suggestion))
    if not columns and not conflicts:
        shown = ", ".join(f"'{_short(h, 30)}'" for h in header[:4] if h.strip()) or "none"
        raise SurveyError(source, [SurveyProblem(row=1, column=None, message=(
            f"no column heading is a team audit question (the first headings are: {shown}), so this does "
            f"not look like a team survey CSV. Head each column with the item id (K1 ... I8) or the "
            f"question's text."))])
    for i, heading, suggestion in unknown:
        tip = f" Did you mean {suggestion} ('{_short(get_item(suggestion).text, 60)}')?" if suggestion else ""
        problems.append(SurveyProblem(row=1, column=f"{_letter(i)} ('{_short(heading)}')", message=(
            f"this heading is not a team audit question.{tip} Use an item id (K1 ... I8) or the question's "
            f"text, or delete the column.")))
    if problems:
        raise SurveyError(source, problems)

    # -- answers
    responses: list[Response] = []
    empty_rows: list[int] = []
    seen_ids: dict[str, tuple[int, str]] = {}
    wanted = sorted(columns.items(), key=lambda kv: get_item(kv[0]).order)
    for n, cells in enumerate(body, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            problems.append(SurveyProblem(row=n, column=_letter(len(header)), message=(
                f"this row has {len(cells)} values but there are only {len(header)} headings; check for a "
                f"stray separator or an answer in the wrong place.")))
            continue
        answers: dict[str, int | str] = {}
        for item_id, i in wanted:
            raw = cells[i].strip() if i < len(cells) else ""
            try:
                value = _answer(get_item(item_id), raw)
            except (ValueError, LookupError) as exc:
                message = str(exc).removeprefix(f"{item_id}: ")
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
            continue
        responses.append(Response(row=n, label=label, answers=answers))
    if problems:
        raise SurveyError(source, problems)
    if not responses:
        raise SurveyError(source, [SurveyProblem(row=None, column=None, message=(
            "the file has headings but no answers yet"
            + (f" (rows {', '.join(map(str, empty_rows))} are blank)" if empty_rows else "")
            + ". Wait for the team's responses, then download the file again."))])
    # Unlabelled respondents get a neutral label in file order.
    labelled = []
    for k, r in enumerate(responses, 1):
        labelled.append(r if r.label else Response(row=r.row, label=f"Respondent {k}", answers=r.answers))
    return Survey(
        source=source, columns={k: header[i].strip() for k, i in wanted},
        respondent_column=header[respondent_col].strip() if respondent_col is not None else None,
        ignored_columns=tuple(ignored), responses=tuple(labelled), empty_rows=tuple(empty_rows),
        delimiter=delimiter,
    )


_NUMBER_FIRST = re.compile(r"^\s*([+-]?\d+)\s*(?:[-–—=:(]\s*(.*?)\)?\s*)?$")
_NUMBER_LAST = re.compile(r"^(.*?)\s*\(\s*(\d+)\s*\)\s*$")


def _answer(item: AuditItem, raw: str) -> int | str | None:
    """One cell as an answer for ``item`` (None when blank), or ``ValueError`` saying what is allowed."""
    if _squash(raw) in _BLANK_ANSWERS:
        return None
    if item.kind == "open":
        return raw
    if item.kind == "stage":
        for candidate in (raw, re.split(r"[\s(:,.\-–—]+", raw.strip())[0]):
            try:
                return get_stage(candidate).key
            except LookupError:
                continue
        raise ValueError(f"{item.id}: {raw!r} is not a Tuckman stage; choose one of: "
                         + ", ".join(s.key for s in tuckman_stages()))
    # rating
    m = _NUMBER_FIRST.match(raw) or None
    words = ""
    if m:
        number, words = m.group(1), (m.group(2) or "")
    else:
        m2 = _NUMBER_LAST.match(raw)
        if m2:
            words, number = m2.group(1), m2.group(2)
        else:
            if re.fullmatch(r"\s*\d+\.0+\s*", raw):
                return rating_from_word(raw.strip().split(".")[0], item.id)
            return rating_from_word(raw, item.id)
    value = rating_from_word(number, item.id)
    if words.strip():
        try:
            said = rating_from_word(words, item.id)
        except ValueError:
            said = value
        if said != value:
            raise ValueError(f"{item.id}: {raw!r} gives two different ratings ({value}, and {words.strip()!r} which is "
                             f"{said}); use one of them, a whole number from 1 to 5 or a word")
    return value


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
    return read_survey_text(_decode(data, source), source)


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
