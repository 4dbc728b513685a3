"""Action-centred leadership (Adair): the three overlapping needs, the eight functions and the team audit.

Adair's domains and functions are read from ``coplearn/data/leadership.toml`` (``[adair]``); the
team audit is Table 2 of Gray et al. (2010), Adair's three domains applied to social work, read
from ``coplearn/data/audit.toml``.

The 28 items and their domains are the paper's (after Adair 1983). The 1-5 rating scale, the
scoring, the priorities and the action plan are the course's own teaching aid, not a validated
instrument.

The module runs past 420 lines because the audit's answers are checked here once for every entry
point (the form, :func:`score_audit` and the survey reader): the rating words, the blank answers
and the refusals all live beside the items they check.

>>> import coplearn as cl
>>> items = cl.team_audit()
>>> len(items), sum(i.domain == "team" for i in items)
(28, 12)
>>> r = cl.score_audit({"K1": 2, "K2": 4, "T4": 1, "T3": "storming"})
>>> r.domain_scores["task"], r.domain_scores["individual"]
(3.0, None)
>>> [p.item.id for p in r.priorities]
['T4', 'K1', 'K2']
>>> r.is_partial
True
>>> [d.key for d in cl.adair_domains()]
['task', 'team', 'individual']
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean

from coplearn.core import html as _html
from coplearn.core import validate as _validate
from coplearn.core.data import records, root, text
from coplearn.paper.team_development import TuckmanStage, get_stage, style_for_stage, tuckman_stages

__all__ = [
    "AdairDomain",
    "AdairFunction",
    "adair_domains",
    "adair_functions",
    "ADAIR_SOURCE",
    "Action",
    "AuditItem",
    "AuditResult",
    "Priority",
    "get_item",
    "is_no_answer",
    "is_no_answer_mark",
    "rating_from_word",
    "rating_scale",
    "score_audit",
    "team_audit",
    "AUDIT_NOTE",
    "ACTION_THRESHOLD",
    "PLAN_RULE",
    "SHOWN_PRIORITIES",
    "SHOWN_WORDS",
    "SHOWN_LAST",
    "weakest",
]

_FILE = "audit.toml"
KINDS = ("rating", "stage", "open")
DOMAINS = ("task", "team", "individual")

#: Items rated at or below this go into the action plan (the course's rule of thumb).
ACTION_THRESHOLD = 3

#: How many of the weakest items the priorities and the action plan list (the course's rule). Every
#: item rated the same as the last of them is listed too, so that the cut never falls between two
#: equal ratings (walk26 M-L1: I7, rated 2 like the fifth, was left out without a word).
SHOWN_PRIORITIES = 5
#: :data:`SHOWN_PRIORITIES` as the rule's sentences say it: how many, and the last of them ("five", "fifth").
SHOWN_WORDS = dict(zip(range(1, 11), ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                                      "ten"))).get(SHOWN_PRIORITIES, str(SHOWN_PRIORITIES))
SHOWN_LAST = dict(zip(range(1, 11), ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
                                     "ninth", "tenth"))).get(SHOWN_PRIORITIES, f"{SHOWN_PRIORITIES}th")

#: The rule of the action plan, in words (the form, the journal entry and the team survey report say it).
PLAN_RULE = (f"steps for up to {SHOWN_WORDS} of the items rated {ACTION_THRESHOLD} or lower, weakest first, and for "
             f"any rated the same as the {SHOWN_LAST}, so that equal ratings are never split; with a step on leadership style "
             f"from the team's stage (T3), and one for any part of the audit not yet rated (the course's rule)")

AUDIT_NOTE = (
    "The questions come from Gray et al.'s (2010) Table 2, after Adair (1983). The 1-5 scale, the "
    "scores, the priorities, the suggested actions, the link from each question to a framework "
    "and a lesson, and answering T3 with Tuckman's stages (the paper's question names no model) are "
    "this course's additions: a reflective "
    "aid for a team conversation, not a validated measure of a team."
)


@dataclass(frozen=True, kw_only=True, slots=True)
class AdairDomain:
    """One of Adair's three overlapping needs."""

    key: str
    name: str
    summary: str


@dataclass(frozen=True, kw_only=True, slots=True)
class AdairFunction:
    """One of Adair's eight leadership functions."""

    key: str
    name: str
    summary: str


#: The primary sources for Adair's action-centred leadership.
ADAIR_SOURCE: str = text("leadership.toml", "adair", "source")


@functools.lru_cache(maxsize=None)
def adair_domains() -> tuple[AdairDomain, ...]:
    """Adair's three overlapping needs: the task, the team and the individual."""
    return records(root("leadership.toml"), "domain", AdairDomain)


@functools.lru_cache(maxsize=None)
def adair_functions() -> tuple[AdairFunction, ...]:
    """Adair's eight leadership functions.

    >>> len(adair_functions())
    8
    """
    return records(root("leadership.toml"), "function", AdairFunction)


@dataclass(frozen=True, kw_only=True, slots=True)
class AuditItem:
    """One question of the team audit."""

    id: str
    domain: str
    kind: str
    text: str
    action: str
    framework: str
    lesson: str
    order: int
    #: The question's wording in earlier versions of the course: a survey whose columns carry it
    #: (a form built from an earlier version) is still read (:mod:`coplearn.practice.survey_headings`).
    earlier: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class Priority:
    """A rated item, in the order that most needs attention (weakest first)."""

    item: AuditItem
    score: float


def weakest(priorities: Sequence[Priority], n: int = SHOWN_PRIORITIES) -> tuple[Priority, ...]:
    """The first ``n`` of ``priorities`` (weakest first), and every later one rated the same as the
    ``n``-th: a cut never falls between two equal ratings.

    >>> r = score_audit({"K1": 1, "K2": 2, "K3": 2, "K4": 4})
    >>> [p.item.id for p in weakest(r.priorities, 2)], [p.item.id for p in weakest(r.priorities, 3)]
    (['K1', 'K2', 'K3'], ['K1', 'K2', 'K3'])
    """
    if len(priorities) <= n:
        return tuple(priorities)
    if n <= 0:
        return ()
    cut = priorities[n - 1].score
    return tuple(p for i, p in enumerate(priorities) if i < n or p.score == cut)


@dataclass(frozen=True, kw_only=True, slots=True)
class Action:
    """One step of an action plan, linked to the framework and lesson that help."""

    item_id: str
    domain: str
    finding: str
    step: str
    framework: str
    lesson: str
    lesson_title: str


@dataclass(frozen=True, slots=True)
class _Audit:
    items: tuple[AuditItem, ...]
    labels: dict[int, str]
    words: dict[str, int]
    scale_note: str


@functools.lru_cache(maxsize=None)
def _load() -> _Audit:
    from coplearn.paper.concepts import lessons  # local import keeps the module graph simple

    lesson_numbers = [lesson.number for lesson in lessons()]
    top = root(_FILE)
    items = records(top, "item", AuditItem, each=lambda _, i: {"order": i},
                    choices={"domain": DOMAINS, "kind": KINDS, "lesson": lesson_numbers})
    scale = top.table("scale")
    labels = {int(k): v for k, v in scale.table("labels").data.items()}
    words: dict[str, int] = {}
    for k, v in labels.items():
        words[_validate.normalise(v)] = k
    syn = scale.table("synonyms")
    for k in syn.data:
        for w in syn.str_list(k):
            words[_validate.normalise(w)] = int(k)
    return _Audit(items=items, labels=labels, words=words, scale_note=scale.str("note"))


def team_audit(domain: str | None = None) -> tuple[AuditItem, ...]:
    """The 28 items of Table 2 (8 task, 12 team, 8 individual), optionally for one domain.

    >>> [i.id for i in team_audit("individual")][:3]
    ['I1', 'I2', 'I3']
    """
    items = _load().items
    if domain is None:
        return items
    key = _validate.choose(domain, DOMAINS, "domain of Adair's model")
    return tuple(i for i in items if i.domain == key)


def get_item(item_id: str) -> AuditItem:
    """Look up an audit item by id (``"K1"`` ... ``"I8"``), ignoring case."""
    return _validate.find(item_id, _load().items, "team audit item", ("id",))


def rating_scale() -> dict[int, str]:
    """The course's 1-5 scale and its labels.

    >>> rating_scale()[1], rating_scale()[5]
    ('very poor', 'very good')
    """
    return dict(_load().labels)


#: Answers that mean "not answered", compared with case, spaces and punctuation ignored ("N/A",
#: "Don't know"). "None" is not one: it could mean the lowest answer.
NO_ANSWER_WORDS = frozenset({"na", "notapplicable", "dontknow", "donotknow", "notsure", "prefernottosay", "skip",
                             "skipped"})
#: A cell of only these (a dash, a question mark, dots) is read as "not answered", and counted.
_NO_ANSWER_MARK_CHARS = frozenset("-‐‑‒–—―?.…")


def is_no_answer_mark(text: str) -> bool:
    """Whether ``text`` is only a dash, question mark or dots, which people type for "no answer".

    >>> [is_no_answer_mark(t) for t in ("-", " ? ", "…", "—", "★★★★", "✓", "", "-1")]
    [True, True, True, True, False, False, False, False]
    """
    t = text.strip()
    return bool(t) and all(ch in _NO_ANSWER_MARK_CHARS or ch.isspace() for ch in t)


def is_no_answer(value: object) -> bool:
    """Whether an answer means "not answered": ``None``, blank text, a word such as "N/A" or
    "Don't know", or only a dash, question mark or dots. Symbols such as "★★★★" or "✓" are not.

    >>> [is_no_answer(v) for v in (None, " ", "N/A", "Don't know", "-", "★★★★", "✓", 0)]
    [True, True, True, True, True, False, False, False]
    """
    if value is None:
        return True
    if not isinstance(value, str):
        return False
    text = value.strip()
    return not text or _validate.squash(text) in NO_ANSWER_WORDS or is_no_answer_mark(text)


def _plain_digits(word: object) -> str:
    """``word`` in Unicode's compatibility form, trimmed, with digits of another script ("４", "٤")
    written as the digit they are."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch
                   for ch in unicodedata.normalize("NFKC", str(word)).strip())


def rating_key(word: object) -> str:
    """The form in which a rating word is looked up (case, spacing and Unicode forms ignored).

    >>> rating_key("  Very-GOOD ")
    'very good'
    """
    return _validate.normalise(_plain_digits(word))


def rating_from_word(word: str, item: str) -> int:
    """Turn a survey answer such as ``"Good"`` or ``"4"`` into a rating, or raise ``ValueError``.

    >>> rating_from_word("Very well", "T4")
    5
    >>> rating_from_word("high", "T4")
    Traceback (most recent call last):
    ...
    ValueError: T4: 'high' is not a rating; use a whole number from 1 to 5, or one of: very poor, poor, adequate, good, very good
    """
    text = _plain_digits(word)
    key = _validate.normalise(text)
    if key in _load().words:
        return _load().words[key]
    try:
        return _validate.rating(text, item)
    except ValueError:
        labels = ", ".join(_load().labels[k] for k in sorted(_load().labels))
        if text.lstrip("+-").isdecimal() and text.isascii():
            raise ValueError(
                f"{item}: the rating {text} is out of range; use a whole number from 1 to 5, "
                f"or one of: {labels}"
            ) from None
        raise ValueError(
            f"{item}: {word!r} is not a rating; use a whole number from 1 to 5, or one of: {labels}"
        ) from None


@dataclass(frozen=True, kw_only=True, slots=True)
class AuditResult:
    """The scored audit: domain scores, priorities, what is unanswered, and an action plan."""

    ratings: Mapping[str, int]
    stage: TuckmanStage | None
    open_answers: Mapping[str, str]
    domain_scores: Mapping[str, float | None]
    priorities: tuple[Priority, ...]
    unanswered: tuple[str, ...]

    @property
    def answered(self) -> int:
        return len(team_audit()) - len(self.unanswered)

    @property
    def is_empty(self) -> bool:
        return self.answered == 0

    @property
    def is_partial(self) -> bool:
        return bool(self.unanswered)

    def top_priorities(self, n: int = SHOWN_PRIORITIES) -> tuple[Priority, ...]:
        """The ``n`` weakest items, weakest first, and every item rated the same as the ``n``-th
        (:func:`weakest`): what the form and the journal entry list as priorities."""
        return weakest(self.priorities, n)

    def action_plan(self, limit: int = SHOWN_PRIORITIES, threshold: int = ACTION_THRESHOLD) -> list[Action]:
        """Steps for the weakest items (rated ``threshold`` or lower), weakest first: ``limit`` of them,
        and every item rated the same as the last (:data:`PLAN_RULE`).

        A stage answer adds a step on leadership style; a domain with nothing answered adds a
        step to finish that part of the audit. Each action names the framework and lesson.
        """
        from coplearn.paper.concepts import get_lesson

        plan: list[Action] = []
        for p in weakest([p for p in self.priorities if p.score <= threshold], limit):
            lesson = get_lesson(p.item.lesson)
            plan.append(Action(
                item_id=p.item.id, domain=p.item.domain,
                finding=f"{p.item.text} Rated {p.score:g} out of 5.",
                step=p.item.action, framework=p.item.framework,
                lesson=lesson.number, lesson_title=lesson.title,
            ))
        if self.stage is not None:
            style = style_for_stage(self.stage.key)
            lesson = get_lesson(get_item("T3").lesson)  # as audit.toml says: lesson 05 teaches the stage-to-style table
            plan.append(Action(
                item_id="T3", domain="team",
                finding=(f"The team sees itself at the {self.stage.name.lower()} stage. {self.stage.outlook_note}"
                         + ("" if "course's reading" in self.stage.outlook_note else
                            " (Linking the stage to how far the team looks outward is the course's reading.)")),
                step=(f"Lead with a {style.name} style ({style.code}: {style.task_behaviour} task, "
                      f"{style.relationship_behaviour} relationship behaviour). {self.stage.team_step}"),
                framework="Tuckman's stages with situational leadership (the course's synthesis)",
                lesson=lesson.number, lesson_title=lesson.title,
            ))
        for domain, score in self.domain_scores.items():
            if score is None:
                lesson = get_lesson("06")
                plan.append(Action(
                    item_id="", domain=domain,
                    finding=f"No item in the {domain} domain has been rated yet.",
                    step=f"Answer the {domain} questions before drawing conclusions about this domain.",
                    framework="Adair: the three overlapping needs", lesson=lesson.number,
                    lesson_title=lesson.title,
                ))
        return plan

    def summary(self) -> str:
        """A plain-English paragraph describing the result."""
        if self.is_empty:
            return "The audit has no answers yet, so nothing has been scored."
        parts = []
        for d, s in self.domain_scores.items():
            parts.append(f"{d} {s:.1f}" if s is not None else f"{d} not yet rated")
        text = "Domain scores (mean of rated items, 1-5): " + ", ".join(parts) + "."
        if self.priorities:
            weakest = self.priorities[0]
            text += f" Weakest item: {weakest.item.id} ({weakest.score:g})."
        if self.is_partial:
            text += f" {len(self.unanswered)} of {len(team_audit())} items are unanswered."
        return text

    def _repr_html_(self) -> str:
        rows = [(d, "not yet rated" if s is None else f"{s:.2f}") for d, s in self.domain_scores.items()]
        pri = [(p.item.id, p.item.text, f"{p.score:g}") for p in self.top_priorities()]
        actions = "".join(
            f"<li><strong>{_html.esc(a.finding)}</strong> {_html.esc(a.step)} "
            f"<em>({_html.esc(a.framework)}; lesson {_html.esc(a.lesson)})</em></li>"
            for a in self.action_plan()
        )
        return (
            f"<p>{_html.esc(self.summary())}</p>"
            + _html.table("Team audit: domain scores", ["domain", "score"], rows)
            + (_html.table("Weakest items first", ["item", "question", "rating"], pri) if pri else "")
            + (f"<p>Action plan:</p><ol>{actions}</ol>" if actions else "")
            + _html.note(AUDIT_NOTE)
        )


def score_audit(responses: Mapping[str, object]) -> AuditResult:
    """Score team audit responses ``{item_id: 1..5 | stage | text}``.

    Rating items take whole numbers 1-5 or the words the survey reader takes ("good", "Strongly
    agree": :func:`rating_from_word`); T3 takes a Tuckman stage; T2 takes free text. Blank answers
    (``None``, empty text, "N/A", "Don't know", a lone dash or question mark: :func:`is_no_answer`)
    count as unanswered, never as zero. The same item given twice ("K1" and "k1") is refused.

    >>> score_audit({"K1": "Good", "K2": "N/A"}).ratings
    {'K1': 4}
    >>> score_audit({"K1": 4, "k1": 2})
    Traceback (most recent call last):
    ...
    ValueError: K1: answered twice (as 'K1' and 'k1'); give each question one answer

    >>> score_audit({"K1": 6})
    Traceback (most recent call last):
    ...
    ValueError: K1: the rating 6 is out of range; use a whole number from 1 to 5 (1 = very poor, 5 = very good)
    >>> score_audit({"T3": "chaos"})
    Traceback (most recent call last):
    ...
    ValueError: T3: 'chaos' is not a Tuckman stage; choose one of: forming, storming, norming, performing, adjourning
    >>> score_audit({"Z9": 3})
    Traceback (most recent call last):
    ...
    LookupError: 'Z9' is not a team audit item; choose one of: K1, K2, K3, K4, K5, K6, K7, K8, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, I1, I2, I3, I4, I5, I6, I7, I8
    """
    if not isinstance(responses, Mapping):
        raise TypeError("responses should pair each item id with an answer, for example {'K1': 4, 'T3': 'norming'}")
    ratings: dict[str, int] = {}
    open_answers: dict[str, str] = {}
    stage: TuckmanStage | None = None
    given_as: dict[str, object] = {}
    for key, value in responses.items():
        item = get_item(key)
        if is_no_answer(value):
            continue
        if item.id in given_as:  # "K1" and "k1": one question answered twice
            raise ValueError(f"{item.id}: answered twice (as {given_as[item.id]!r} and {key!r}); give each question "
                             f"one answer")
        given_as[item.id] = key
        if item.kind == "rating":
            ratings[item.id] = (rating_from_word(value, item.id) if isinstance(value, str)
                                else _validate.rating(value, item.id))
        elif item.kind == "stage":
            try:
                stage = get_stage(value)  # type: ignore[arg-type]
            except LookupError:
                raise ValueError(
                    f"{item.id}: {value!r} is not a Tuckman stage; choose one of: "
                    + ", ".join(s.key for s in tuckman_stages())
                ) from None
        else:
            if not isinstance(value, str):
                raise ValueError(f"{item.id}: this question takes a written answer, not {value!r}")
            open_answers[item.id] = value.strip()
    domain_scores: dict[str, float | None] = {}
    for d in DOMAINS:
        values = [v for k, v in ratings.items() if get_item(k).domain == d]
        domain_scores[d] = round(fmean(values), 3) if values else None
    items = {i.id: i for i in team_audit()}
    priorities = tuple(
        Priority(item=items[k], score=float(v))
        for k, v in sorted(ratings.items(), key=lambda kv: (kv[1], items[kv[0]].order))
    )
    answered = set(ratings) | set(open_answers) | ({"T3"} if stage else set())
    unanswered = tuple(i.id for i in team_audit() if i.id not in answered)
    return AuditResult(
        ratings=ratings, stage=stage, open_answers=open_answers, domain_scores=domain_scores,
        priorities=priorities, unanswered=unanswered,
    )
