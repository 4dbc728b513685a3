"""Read a team survey of the Table 2 audit (a CSV from an online form) and sum it up.

A team manager asks each member of the team the 28 questions of the team audit (Gray et al.
2010, Table 2, after Adair 1983), for example with Microsoft Forms or Google Forms, and
downloads the answers as a CSV file. This module reads that file and works out, for each
question, how many people answered, the team's mean, the spread of answers and whether the team
disagrees. It then feeds the means into the same priorities and action plan as
:func:`coplearn.score_audit`.

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
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from statistics import fmean, stdev

from coplearn.core import html as _html
from coplearn.paper.action_centred import (
    ACTION_THRESHOLD,
    AUDIT_NOTE,
    Action,
    AuditItem,
    AuditResult,
    Priority,
    get_item,
    rating_from_word,
    team_audit,
)
from coplearn.paper.team_development import TuckmanStage, get_stage, tuckman_stages

__all__ = [
    "DEFAULT_MIN_RESPONDENTS",
    "DISAGREEMENT_RANGE",
    "DISAGREEMENT_SD",
    "DomainSpread",
    "ItemSummary",
    "Response",
    "Survey",
    "SurveyError",
    "SurveyProblem",
    "SurveyResult",
    "load_survey",
    "match_header",
    "read_survey",
    "read_survey_bytes",
    "read_survey_text",
    "summarise",
]

#: With fewer respondents than this, no per-respondent breakdown is shown (the course's rule).
DEFAULT_MIN_RESPONDENTS = 3
#: An item shows disagreement when its answers span at least this many points (1 to 4, 2 to 5) ...
DISAGREEMENT_RANGE = 3
#: ... or when their standard deviation is at least this (the course's rule of thumb).
DISAGREEMENT_SD = 1.2
#: At most this many problems are listed in one error message.
MAX_PROBLEMS = 12

DISAGREEMENT_RULE = (
    f"An item is marked as a disagreement when at least two people answered it and their ratings "
    f"span {DISAGREEMENT_RANGE} or more points (for example 1 and 4, or 2 and 5) or their standard "
    f"deviation is {DISAGREEMENT_SD} or more. This rule is the course's own rule of thumb, not the paper's."
)

# Headings that name the respondent (first match wins) and bookkeeping columns we skip. Compared
# after _squash (lower case, letters and digits only).
_RESPONDENT_HEADINGS = ("respondent", "respondentid", "respondentnumber", "responseid", "participant",
                        "participantid", "id")
_IGNORED_HEADINGS = frozenset(
    "timestamp starttime completiontime lastmodifiedtime submittedat submissiondate datesubmitted "
    "startdate enddate recordeddate email emailaddress name firstname lastname ipaddress collectorid "
    "status progress durationinseconds finished userlanguage responsetype distributionchannel "
    "externalreference locationlatitude locationlongitude customdata1 token".split()
)
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


def _letter(index: int) -> str:
    """Spreadsheet column letters: 0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _short(text: str, width: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _describe(index: int, heading: str, item_id: str | None = None) -> str:
    """A column as a spreadsheet user sees it: ``"F (T4: 'How far do team members…')"``."""
    heading = heading.strip()
    if item_id is None:
        return f"{_letter(index)} ('{_short(heading)}')" if heading else _letter(index)
    if _squash(heading) == _squash(item_id):
        return f"{_letter(index)} ({item_id})"
    return f"{_letter(index)} ({item_id}: '{_short(heading)}')"


# ---- matching headings ------------------------------------------------------------------------

def _squash(text: str) -> str:
    """Lower case, letters and digits only: ignores case, punctuation and spacing."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in text if ch.isalnum())


_STOP = frozenset(
    "a an the and or of to in on for with at by from as is are be been being do does did done "
    "how far well good effective effectively effectiveness what which who whom whose there this that "
    "these those we our us you your it its their they them have has had can could will would should "
    "to extent degree any all very much team s".split()
)
# Rough word stems that mean the same in survey questions (after _stem).
_SYNONYMS = {"engag": ("involv",), "multidisciplin": ("disciplin",), "interdisciplin": ("disciplin",),
             "cpd": ("continu", "professional", "develop")}


def _stem(word: str) -> str:
    """A deliberately crude stem, good enough to compare two wordings of one short question."""
    if len(word) > 4:
        if word.endswith("sses"):
            word = word[:-2]
        elif word.endswith("ies"):
            word = word[:-3] + "y"
        elif word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
    for suffix in ("ment", "ing", "ed", "ly", "ary", "ive"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


def _tokens(text: str) -> frozenset[str]:
    text = unicodedata.normalize("NFKC", text).casefold().replace("-", "")
    out: set[str] = set()
    for w in re.findall(r"[a-z0-9]+", text):
        if w in _STOP:
            continue
        stem = _stem(w)
        out.update(_SYNONYMS.get(stem, (stem,)))
    return frozenset(out)


_ID_AT_START = re.compile(r"^\s*[\[(]?\s*([KTI])\s*0*(\d{1,2})\s*[\])]?\s*(?:[.:)\-–—]+\s*|\s+|$)", re.I)
_ID_IN_BRACKETS = re.compile(r"[\[(]\s*([KTI])\s*0*(\d{1,2})\s*[\])]\s*$", re.I)
_BRACKETED = re.compile(r"\[([^\[\]]+)\]\s*$")


def _item_by_id(letter: str, number: str) -> AuditItem | None:
    try:
        return get_item(f"{letter.upper()}{int(number)}")
    except LookupError:
        return None


@dataclass(frozen=True, slots=True)
class _Index:
    exact: dict[str, str]
    tokens: dict[str, frozenset[str]]


_INDEX: _Index | None = None


def _index() -> _Index:
    global _INDEX
    if _INDEX is None:
        exact = {}
        toks = {}
        for item in team_audit():
            exact[_squash(item.id)] = item.id
            exact[_squash(item.text)] = item.id
            toks[item.id] = _tokens(item.text)
        _INDEX = _Index(exact=exact, tokens=toks)
    return _INDEX


def _fuzzy(text: str) -> tuple[str | None, str | None]:
    """The one item whose wording is close to ``text`` (best, or None) and a near miss to suggest."""
    mine = _tokens(text)
    if not mine:
        return None, None
    scored = []
    for item_id, theirs in _index().tokens.items():
        if not theirs:
            continue
        shared = len(mine & theirs)
        scored.append((2 * shared / (len(mine) + len(theirs)), shared, item_id))
    scored.sort(reverse=True)
    (best, shared, best_id), (second, _, _) = scored[0], scored[1]
    # A one-word overlap counts only in a question ("How effective is our appraisal?"), so that a
    # heading such as "Your role" is not mistaken for T7.
    if best >= 0.5 and best - second >= 0.15 and (shared >= 2 or "?" in text):
        return best_id, None
    return None, best_id if best >= 0.3 else None


def match_header(header: str) -> str | None:
    """The audit item a column heading stands for, or ``None``.

    >>> match_header("K1"), match_header("[t4] How far do team members trust one another?")
    ('K1', 'T4')
    >>> match_header("how far do team members TRUST one another, and hold each other in positive regard")
    'T4'
    >>> match_header("Rate your team [How well does appraisal work?]")
    'I5'
    >>> match_header("How effective is our appraisal?"), match_header("Favourite biscuit")
    ('I5', None)
    """
    found, _ = _match(header)
    return found


def _match(header: str) -> tuple[str | None, str | None]:
    """(item id or None, suggestion for an unknown heading)."""
    text = header.strip()
    if not text:
        return None, None
    index = _index()
    squashed = _squash(text)
    if squashed in index.exact:
        return index.exact[squashed], None
    for pattern in (_ID_AT_START, _ID_IN_BRACKETS):
        m = pattern.search(text)
        if m:
            item = _item_by_id(m.group(1), m.group(2))
            if item is not None:
                rest = (text[m.end():] if pattern is _ID_AT_START else text[: m.start()]).strip()
                other = index.exact.get(_squash(rest)) if rest else None
                if other is not None and other != item.id:
                    raise _Conflict(item.id, other)
                return item.id, None
    m = _BRACKETED.search(text)
    candidates = [m.group(1)] if m else []
    candidates.append(text)
    for candidate in candidates:
        if _squash(candidate) in index.exact:
            return index.exact[_squash(candidate)], None
    suggestion = None
    for candidate in candidates:
        found, near = _fuzzy(candidate)
        if found:
            return found, None
        suggestion = suggestion or near
    return None, suggestion


class _Conflict(Exception):
    def __init__(self, said: str, text: str) -> None:
        self.said, self.text = said, text


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


def read_survey_bytes(data: bytes, source: str = "the survey") -> Survey:
    """Read a survey CSV from raw bytes (as uploaded), or raise :class:`SurveyError`."""
    return read_survey_text(_decode(data, source), source)


def read_survey(path: str | os.PathLike[str]) -> Survey:
    """Read a survey CSV file, or raise :class:`SurveyError` naming the row and column at fault."""
    p = Path(path).expanduser()
    if p.is_dir():
        raise SurveyError(str(p), [SurveyProblem(row=None, column=None, message="this is a folder, not a CSV file.")])
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise SurveyError(str(p), [SurveyProblem(row=None, column=None, message=(
            "there is no such file. Check the name and the folder."))]) from None
    return read_survey_bytes(data, str(p))


# ---- summing up --------------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True, slots=True)
class ItemSummary:
    """How the team answered one rating item."""

    item: AuditItem
    n: int
    mean: float | None
    sd: float | None  # sample standard deviation; None with fewer than two answers
    low: int | None
    high: int | None
    counts: tuple[int, int, int, int, int]  # how many chose 1, 2, 3, 4, 5

    @property
    def spread(self) -> int | None:
        """Highest minus lowest rating."""
        return None if self.low is None else self.high - self.low  # type: ignore[operator]

    @property
    def disagreement(self) -> bool:
        """Whether the team disagrees about this item (see :data:`DISAGREEMENT_RULE`; ours)."""
        if self.n < 2:
            return False
        return bool(self.spread >= DISAGREEMENT_RANGE or (self.sd is not None and self.sd >= DISAGREEMENT_SD))

    @property
    def split(self) -> bool:
        """Someone rated it poor or worse (1-2) and someone good or better (4-5)."""
        return self.n >= 2 and self.low is not None and self.low <= 2 and self.high >= 4  # type: ignore[operator]


@dataclass(frozen=True, kw_only=True, slots=True)
class DomainSpread:
    """One Adair domain across people: the mean of item means and the spread of people's own means."""

    domain: str
    mean: float | None  # mean of the item means (what score_audit's domain score is)
    people: int  # how many people rated at least one item in the domain
    person_mean_sd: float | None
    person_mean_low: float | None
    person_mean_high: float | None


@dataclass(frozen=True, kw_only=True, slots=True)
class SurveyResult:
    """The survey summed up: per item and per domain, disagreements, the stage and the action plan."""

    survey: Survey
    min_respondents: int
    items: tuple[ItemSummary, ...]
    domains: tuple[DomainSpread, ...]
    stage_counts: Mapping[str, int]
    open_answers: tuple[str, ...]
    audit: AuditResult = field(repr=False)

    @property
    def source(self) -> str:
        return self.survey.source

    @property
    def n_respondents(self) -> int:
        return len(self.survey.responses)

    @property
    def breakdown_allowed(self) -> bool:
        """Whether there are enough respondents to show per-respondent detail (the anonymity rule)."""
        return self.n_respondents >= self.min_respondents

    def item(self, item_id: str) -> ItemSummary:
        key = get_item(item_id).id
        for s in self.items:
            if s.item.id == key:
                return s
        raise LookupError(f"{item_id!r} is not a rating item; T2 and T3 are summarised separately")

    def item_breakdown_allowed(self, summary: ItemSummary) -> bool:
        """Whether an item's answer counts may be shown (enough people answered it)."""
        return self.breakdown_allowed and summary.n >= self.min_respondents

    @property
    def disagreements(self) -> tuple[ItemSummary, ...]:
        """Items the team disagrees about, widest spread first."""
        flagged = [s for s in self.items if s.disagreement]
        return tuple(sorted(flagged, key=lambda s: (-(s.spread or 0), -(s.sd or 0), s.item.order)))

    @property
    def answered_items(self) -> tuple[ItemSummary, ...]:
        return tuple(s for s in self.items if s.n)

    @property
    def stage(self) -> TuckmanStage | None:
        return self.audit.stage

    def action_plan(self, limit: int = 5) -> list[Action]:
        """The action plan of :meth:`coplearn.AuditResult.action_plan`, from the team's item means.

        Each finding is reworded to say it is a team mean, with how many answered and the range.
        """
        plan = []
        for action in self.audit.action_plan(limit=limit):
            s = next((x for x in self.items if x.item.id == action.item_id), None)
            if s is not None and s.mean is not None:
                finding = (f"{s.item.text} Team mean {s.mean:.1f} out of 5 ({s.n} answered, "
                           f"ratings from {s.low} to {s.high}).")
                action = replace(action, finding=finding)
            plan.append(action)
        return plan

    def summary(self) -> str:
        """A plain-English paragraph about the result."""
        parts = []
        for d in self.domains:
            parts.append(f"{d.domain} {d.mean:.1f}" if d.mean is not None else f"{d.domain} not rated")
        text = (f"{self.n_respondents} {'person' if self.n_respondents == 1 else 'people'} answered. "
                f"Team means (1-5): " + ", ".join(parts) + ".")
        if self.audit.priorities:
            p = self.audit.priorities[0]
            text += f" Lowest-rated item: {p.item.id} ({p.score:.1f})."
        dis = self.disagreements
        if dis:
            text += f" The team disagrees on {len(dis)} item{'s' if len(dis) != 1 else ''}: " + \
                ", ".join(s.item.id for s in dis) + "."
        if not self.breakdown_allowed:
            text += (f" With fewer than {self.min_respondents} respondents, individual answers are not shown.")
        return text

    def _repr_html_(self) -> str:
        rows = [(d.domain, "not rated" if d.mean is None else f"{d.mean:.2f}", d.people) for d in self.domains]
        dis = [(s.item.id, s.item.text, f"{s.mean:.2f}", f"{s.low}-{s.high}") for s in self.disagreements]
        return (f"<p>{_html.esc(self.summary())}</p>"
                + _html.table("Team means by domain", ["domain", "mean of item means", "people"], rows)
                + (_html.table("Where the team disagrees", ["item", "question", "mean", "range"], dis) if dis else "")
                + _html.note(AUDIT_NOTE))


def _sd(values: Sequence[float]) -> float | None:
    return stdev(values) if len(values) >= 2 else None


def _modal_stage(counts: Mapping[str, int]) -> TuckmanStage | None:
    """The most common stage; on a tie, the earliest stage (the course's cautious rule)."""
    if not counts:
        return None
    top = max(counts.values())
    for s in tuckman_stages():
        if counts.get(s.key) == top:
            return s
    return None  # pragma: no cover


def summarise(survey: Survey, *, min_respondents: int = DEFAULT_MIN_RESPONDENTS) -> SurveyResult:
    """Sum up a :class:`Survey`: per-item mean, spread and count, domain spreads, stage and plan.

    The team's mean for each item becomes that item's score in an :class:`coplearn.AuditResult`,
    so the priorities and action plan are exactly those of :func:`coplearn.score_audit`, using
    team means (rounded to two decimals) in place of one person's ratings.
    """
    if isinstance(min_respondents, bool) or not isinstance(min_respondents, int) or min_respondents < 1:
        raise ValueError(f"min_respondents: use a whole number of 1 or more, not {min_respondents!r}")
    items = [i for i in team_audit() if i.kind == "rating"]
    summaries = []
    for item in items:
        values = [r.answers[item.id] for r in survey.responses if item.id in r.answers]
        ints = [int(v) for v in values]  # ratings are ints by construction
        counts = tuple(ints.count(k) for k in range(1, 6))
        summaries.append(ItemSummary(
            item=item, n=len(ints), mean=fmean(ints) if ints else None, sd=_sd(ints),
            low=min(ints) if ints else None, high=max(ints) if ints else None, counts=counts,  # type: ignore[arg-type]
        ))
    domains = []
    for d in ("task", "team", "individual"):
        means = [s.mean for s in summaries if s.item.domain == d and s.mean is not None]
        person_means = []
        for r in survey.responses:
            own = [v for k, v in r.ratings.items() if get_item(k).domain == d]
            if own:
                person_means.append(fmean(own))
        domains.append(DomainSpread(
            domain=d, mean=fmean(means) if means else None, people=len(person_means),
            person_mean_sd=_sd(person_means),
            person_mean_low=min(person_means) if person_means else None,
            person_mean_high=max(person_means) if person_means else None,
        ))
    stage_counts: dict[str, int] = {}
    for s in tuckman_stages():
        n = sum(1 for r in survey.responses if r.answers.get("T3") == s.key)
        if n:
            stage_counts[s.key] = n
    open_answers = tuple(sorted((str(r.answers["T2"]) for r in survey.responses if "T2" in r.answers),
                                key=lambda t: (t.casefold(), t)))
    audit = _audit_from_means(summaries, _modal_stage(stage_counts), open_answers)
    return SurveyResult(survey=survey, min_respondents=min_respondents, items=tuple(summaries),
                        domains=tuple(domains), stage_counts=stage_counts, open_answers=open_answers, audit=audit)


def _audit_from_means(summaries: Iterable[ItemSummary], stage: TuckmanStage | None,
                      open_answers: Sequence[str]) -> AuditResult:
    """An AuditResult whose scores are team means, built the way score_audit builds one."""
    means = {s.item.id: round(s.mean, 2) for s in summaries if s.mean is not None}
    order = {i.id: i for i in team_audit()}
    domain_scores: dict[str, float | None] = {}
    for d in ("task", "team", "individual"):
        vals = [v for k, v in means.items() if order[k].domain == d]
        domain_scores[d] = round(fmean(vals), 3) if vals else None
    priorities = tuple(Priority(item=order[k], score=float(v))
                       for k, v in sorted(means.items(), key=lambda kv: (kv[1], order[kv[0]].order)))
    answered = set(means) | ({"T2"} if open_answers else set()) | ({"T3"} if stage else set())
    return AuditResult(
        ratings=means, stage=stage,
        open_answers={"T2": "\n\n".join(open_answers)} if open_answers else {},
        domain_scores=domain_scores, priorities=priorities,
        unanswered=tuple(i.id for i in team_audit() if i.id not in answered),
    )


def load_survey(path: str | os.PathLike[str], *, min_respondents: int = DEFAULT_MIN_RESPONDENTS) -> SurveyResult:
    """Read and sum up a survey CSV file in one step.

    >>> from pathlib import Path
    >>> example = Path(__file__).resolve().parents[3] / "examples" / "team-survey.csv"
    >>> r = load_survey(example) if example.exists() else None
    >>> r is None or r.n_respondents == 8
    True
    """
    return summarise(read_survey(path), min_respondents=min_respondents)
