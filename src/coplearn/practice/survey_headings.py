"""Which Table 2 question a column of a team survey CSV is (used by :mod:`coplearn.practice.survey`).

A column heading may be the item id (``K1`` ... ``I8``, also ``K1. How well ...`` or ``... [K1]``)
or the question's text as :func:`coplearn.team_audit` words it; case, punctuation and spacing do
not matter, and close rewordings (such as the paper's own phrasing of a question) are recognised
when only one question fits. The respondent column and the bookkeeping columns of survey tools
are recognised here too, and columns are described the way a spreadsheet user sees them
(``F (T4: 'How far do ...')``).

>>> match_header("K1"), match_header("[t4] How far do team members trust one another?")
('K1', 'T4')
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from coplearn.core.validate import squash
from coplearn.paper.action_centred import AuditItem, get_item, team_audit

__all__ = ["match_header", "is_comment_heading", "scored_item"]

# Headings that name the respondent (first match wins) and bookkeeping columns we skip. Compared
# after _squash (lower case, letters and digits only).
_RESPONDENT_HEADINGS = ("respondent", "respondentid", "respondentnumber", "responseid", "participant",
                        "participantid", "id")
_IGNORED_HEADINGS = frozenset(
    "timestamp starttime completiontime lastmodifiedtime submittedat submissiondate datesubmitted "
    "startdate enddate recordeddate email emailaddress name firstname lastname ipaddress collectorid "
    "status progress durationinseconds finished userlanguage responsetype distributionchannel "
    "externalreference locationlatitude locationlongitude customdata1 token "
    # Microsoft Forms quiz exports (once per quiz)
    "totalpoints quizfeedback gradepostedtime totalscore score".split()
)

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

#: Lower case, letters and digits only: ignores case, punctuation and spacing.
_squash = squash


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


#: (The spaces before and after an opening bracket are two runs only when there is a bracket: with
#: ``\s*[\[(]?\s*`` a heading that began with thousands of spaces could be split between them in
#: thousands of ways, tried one by one; check 17.)
_ID_AT_START = re.compile(r"^\s*(?:[\[(]\s*)?([KTI])\s*0*(\d{1,2})\s*[\])]?\s*(?:[.:)\-–—]+\s*|\s+|$)", re.I)
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
            for wording in item.earlier:  # a form built from an earlier version of the course
                exact.setdefault(_squash(wording), item.id)
            toks[item.id] = _tokens(item.text)
        _INDEX = _Index(exact=exact, tokens=toks)
    return _INDEX


def _fuzzy(text: str) -> tuple[str | None, str | None]:
    """The one item whose wording is close to ``text`` (best, or None) and a near miss to suggest."""
    mine = _tokens(text)
    if not mine:
        return None, None
    tokens = _index().tokens
    scored = []
    for item_id, theirs in tokens.items():
        if not theirs:
            continue
        shared = len(mine & theirs)
        scored.append((2 * shared / (len(mine) + len(theirs)), shared, item_id))
    scored.sort(reverse=True)
    (best, shared, best_id), (second, _, _) = scored[0], scored[1]
    theirs = tokens[best_id]
    # Close wording only: at most one word of the heading is not in the item's wording (the paper's
    # "individuals" for our "people") unless every word of the item's is in the heading. A heading
    # that shares one word and swaps the rest ("manage our caseloads" for "manage training") is a
    # different question, perhaps the manager's own, and must not be scored as an audit item.
    close = len(mine - theirs) <= 1 or theirs <= mine
    # A one-word overlap counts only in a question, and only for a word no other item uses ("How
    # effective is our appraisal?"), so that "Your role" is not mistaken for T7, nor "How well does
    # the team work?" for I5.
    distinctive = shared >= 2 or ("?" in text and sum(1 for t in tokens.values() if mine & theirs & t) == 1)
    if close and distinctive and best >= 0.5 and best - second >= 0.15:
        return best_id, None
    return None, best_id if best >= 0.3 else None


#: A heading that starts with a word for remarks, followed by the end, a separator ("Points - ...",
#: "Comments:") or a word that says what the remarks are on ("Notes on planning", "Explain your
#: rating"), but not a real question that merely starts with such a word ("Points of view: how far
#: can problems be raised ...", "Score 1-5: how well does appraisal work?").
_COMMENT_WORDS = re.compile(
    r"^[\s\-–—:.(\[]*(?:any\s+)?(?:other\s+|additional\s+|further\s+)?(?:points?|scores?|feedback|comments?|"
    r"notes?|remarks?|reasons?|why|explain|explanation|evidence|examples?)"
    r"(?=\s*(?:$|[-–—:(\[\]?.,]|(?:on|about|for|re|regarding|your|this|the|that|here)\b))", re.I)
#: Google Forms quiz columns: "How well ... [Score]", "... [Feedback]".
_QUIZ_SUFFIX = re.compile(r"\[\s*(?:score|feedback|points)\s*\]\s*$", re.I)


def is_comment_heading(heading: str) -> bool:
    """Whether a column holds remarks on a question (or its quiz points) rather than answers to it:
    "K1 comments", "Comments [K1]", "Points - How well ...", "Feedback - ...", "Any other comments".

    >>> [is_comment_heading(h) for h in ("K1 comments", "Points - How well does appraisal work?", "K1", "T2")]
    [True, True, False, False]
    """
    text = heading.strip()
    if _QUIZ_SUFFIX.search(text):
        return True
    m = _ID_AT_START.match(text)
    if m and _COMMENT_WORDS.match(text[m.end():]):
        return True
    m = _ID_IN_BRACKETS.search(text)
    if m and _COMMENT_WORDS.match(text[: m.start()]):
        return True
    return bool(_COMMENT_WORDS.match(text))


_SCORE_WORD = re.compile(r"\b(?:scores?|points?|marks?)\b", re.I)


def scored_item(heading: str) -> str | None:
    """The item a score or points column is headed with ("K1 score", "K1 Score (1-5)", "Points [K1]"),
    or None. Such a column holds quiz points beside the answers, or the answers themselves: the
    survey reader looks at its cells to tell which.

    >>> scored_item("K1 score"), scored_item("K1 Score (1-5)"), scored_item("K1 comments"), scored_item("K1")
    ('K1', 'K1', None, None)
    """
    text = heading.strip()
    if not is_comment_heading(text) or not _SCORE_WORD.search(text):
        return None
    for pattern in (_ID_AT_START, _ID_IN_BRACKETS):
        m = pattern.search(text)
        if m:
            item = _item_by_id(m.group(1), m.group(2))
            return item.id if item is not None else None
    return None


def read_by_wording(item_id: str, heading: str) -> bool:
    """Whether ``heading`` was matched to ``item_id`` by wording close to the item's, rather than
    by its id or the item's own text (worth showing the manager: it may be a question of their own).

    >>> read_by_wording("K6", "How well do we work with other teams?"), read_by_wording("K1", "[K1] Planning")
    (True, False)
    """
    squashed = _squash(heading)
    if squashed in (_squash(item_id), _squash(get_item(item_id).text)):
        return False
    for pattern in (_ID_AT_START, _ID_IN_BRACKETS):
        m = pattern.search(heading)
        if m and f"{m.group(1).upper()}{int(m.group(2))}" == item_id:
            return False
    return True


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
