"""The team audit report: one standalone HTML page (or Markdown) from a team survey.

``coplearn audit report responses.csv -o report.html`` writes it; so does
:func:`write_report`. The HTML page needs nothing else: its two charts are inline SVG drawings
(no scripts, no web fonts, no requests to other sites), each followed by a text description and
its data as a table, so it can be emailed, printed or opened offline. The Markdown version has
the same sections, with the charts' text alternatives in place of the drawings.

The layout is the templates ``audit_report.html.j2`` (the sections are macros in
``_audit_sections.html.j2``, which also draw the charts from the geometry worked out here) and
``audit_report.md.j2``; this module works out what they say.

Sections: at a glance; the three domains; question by question; where the team disagrees; the
team's stage (T3); skills and staffing (T2); priorities; action plan; answers by respondent
(only when enough people answered); method and limits; references.

>>> from coplearn.practice.survey import read_survey_text
>>> from coplearn.practice.survey_summary import summarise
>>> r = summarise(read_survey_text("K1,T4,T3\\n2,1,storming\\n3,5,norming\\n2,4,storming\\n"))
>>> page = render_html(r)
>>> page.startswith("<!DOCTYPE html>") and 'lang="en-GB"' in page and "<script" not in page
True
>>> "## Where the team disagrees" in render_markdown(r)
True
"""

from __future__ import annotations

import datetime as _dt
import functools
import os
from pathlib import Path
from collections.abc import Iterable

from coplearn.core.atomic import atomic_write_text, refuse_to_replace_data
from coplearn.core.formats import pick_format
from coplearn.core.outputs import marked
from coplearn.core.palette import DOMAIN_COLOURS, OKABE_ITO
from coplearn.core.templates import render
from coplearn.core.text_alternative import TextAlternative
from coplearn.paper.action_centred import ACTION_THRESHOLD, SHOWN_LAST, SHOWN_WORDS, rating_scale, weakest
from coplearn.practice.survey import DEFAULT_MIN_RESPONDENTS, missing_list, missing_note
from coplearn.practice.survey_summary import DISAGREEMENT_RULE, ItemSummary, SurveyResult
from coplearn.practice.survey_alternatives import DOMAIN_NAMES, domain_alternative, item_label, items_alternative

__all__ = ["FORMATS", "SECTIONS", "format_for", "render_html", "render_markdown", "section_html", "write_report",
           "scale_words", "METHOD_NOTE"]

FORMATS = {"html": (".html", ".htm"), "md": (".md", ".markdown", ".txt")}

METHOD_NOTE = (
    "This report is a reflective aid for a team conversation, not a validated instrument. The "
    "questions follow Table 2 of Gray et al. (2010), who apply Adair's (1983) three overlapping "
    "needs of task, team and individual to social work; the paper offers them as questions for a "
    "community of practice and its leader to work through, not as a scored scale. The 1 to 5 scale, "
    "the means and spreads, the disagreement rule, the anonymity threshold, the priorities, the "
    "suggested actions, the link from each question to a framework and a lesson, and answering T3 "
    "with Tuckman's stages (the paper's question names no model) are this course's additions."
)

#: The report's references as (before the title, the title in italics, after it).
REFERENCES = (
    ("Adair, J. (1983) ", "Effective Leadership", ". London: Pan. [unconfirmed: place of publication]"),
    ("Gray, I., Parker, J., Rutter, L. and Williams, S. (2010) 'Developing communities of practice: a strategy "
     "for effective leadership, management and supervision in social work', ", "Social Work and Social "
     "Sciences Review", ", 14(2), pp. 20\u201336. doi:10.1921/swssr.v14i2.491."),
    ("Hersey, P. and Blanchard, K. (1993) ", "Management of Organizational Behavior: Utilizing Human "
     "Resources", ". 6th edn. Englewood Cliffs, NJ: Prentice Hall. [unconfirmed: place of publication]"),
    ("Tuckman, B. W. (1965) 'Developmental sequence in small groups', ", "Psychological Bulletin", ", 63(6), "
     "pp. 384\u2013399."),
    ("Tuckman, B. W. and Jensen, M. A. C. (1977) 'Stages of small-group development revisited', ", "Group & "
     "Organization Studies", ", 2(4), pp. 419\u2013427."),
)

#: Sources that the audit's framework labels (``audit.toml``) may name, added to the report's
#: references only when a label printed in the report names them: (what the label says, entries).
FRAMEWORK_REFERENCES: tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...] = (
    ("Beresford & Croft 2002", (
        ("Beresford and Croft (2002), cited in Gray et al. (2010). The full reference is not given in "
         "the text of the paper this course works from.", "", ""),)),
    ("Carr 2004, 2008", (
        ("Carr, S. (2004) ", "Has Service User Participation Made a Difference to Social Care Services?",
         " SCIE Position Paper 3. London: Social Care Institute for Excellence. [unconfirmed: title and place "
         "of publication]"),
        ("Carr, S. (2008) ", "Personalisation: A Rough Guide", ". SCIE Report 20. London: Social Care Institute "
         "for Excellence. [unconfirmed: place of publication]"),)),
    ("Plaskoff", (
        ("Plaskoff, J. (2006), cited in Gray et al. (2010): a chapter on intersubjectivity and community building "
         "in Easterby-Smith, M. and Lyles, M. A. (eds) ", "Handbook of Organizational Learning and Knowledge "
         "Management", ". [unconfirmed: the year, the editors' initials and the edition]"),)),
    ("Skills for Care & CWDC 2007", (
        ("Skills for Care and Children's Workforce Development Council (2007) ", "Providing Effective "
         "Supervision: A Workforce Development Tool, Including a Unit of Competence and Supporting Guidance",
         ". Leeds: Skills for Care and Children's Workforce Development Council. [unconfirmed: subtitle, place "
         "and publisher]"),)),
    ("GSCC 2006", (
        ("General Social Care Council (2006), cited in Gray et al. (2010). The full reference is not given in "
         "the text of the paper this course works from.", "", ""),)),
    ("Deming 1994", (
        ("Deming, W. E. (1994) ", "The New Economics for Industry, Government, Education", ". 2nd edn. "
         "Cambridge, MA: MIT Center for Advanced Engineering Study. [unconfirmed: title, edition, place and "
         "publisher; Gray et al. (2010) cite Deming (1994), and that this is the work they mean has not been "
         "checked]"),)),
    ("Wenger, McDermott & Snyder 2002", (
        ("Wenger, E., McDermott, R. and Snyder, W. M. (2002) ", "Cultivating Communities of Practice",
         ". Boston, MA: Harvard Business School Press. [unconfirmed: initials and place of publication]"),)),
)


def report_references(labels: Iterable[str]) -> tuple[tuple[str, str, str], ...]:
    """The report's references: the fixed ones, plus the sources that the framework ``labels`` it
    prints name, so that every source the report cites has an entry, sorted by author.

    >>> [r[0][:9] for r in report_references(["Involvement and personalisation (Carr 2004, 2008)"])]
    ['Adair, J.', 'Carr, S. ', 'Carr, S. ', 'Gray, I.,', 'Hersey, P', 'Tuckman, ', 'Tuckman, ']
    >>> len(report_references(["Adair: planning"])) == len(REFERENCES)
    True
    """
    text = " ".join(labels)
    refs = list(REFERENCES)
    for cue, entries in FRAMEWORK_REFERENCES:
        if cue in text:
            refs.extend(e for e in entries if e not in refs)
    return tuple(sorted(refs, key=lambda e: e[0]))


def _f(x: float | None, digits: int = 1) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def scale_words() -> dict[int, list[str]]:
    """Every word the survey reader accepts for each rating, label first."""
    from coplearn.paper.action_centred import _load  # the scale's synonyms live in audit.toml

    labels = rating_scale()
    out: dict[int, list[str]] = {k: [labels[k]] for k in sorted(labels)}
    for word, value in _load().words.items():
        if word != labels[value]:
            out[value].append(word)
    return out


# ---- the facts every format shares -------------------------------------------------------------

def _glance(r: SurveyResult) -> list[str]:
    missing = r.survey.missing_items
    absent = (f"; {missing_list(missing)} {'was' if len(missing) == 1 else 'were'} not in the survey file, so "
              f"{'it has' if len(missing) == 1 else 'they have'} no answers" if missing else "")
    lines = [f"{r.n_respondents} {'person' if r.n_respondents == 1 else 'people'} answered the survey "
             f"({len(r.answered_items)} of {len(r.items)} rating questions have at least one answer{absent})."]
    groups = [f"{', '.join(map(str, g[:-1]))} and {g[-1]}" for g in r.survey.duplicate_rows]
    if groups:  # (walk22 M4: said here too, as it changes every figure)
        which = (f"Rows {groups[0]} of the file are identical" if len(groups) == 1 else
                 "Some rows of the file are identical (rows " + "; rows ".join(groups[:4])
                 + (f"; and {len(groups) - 4} more groups" if len(groups) > 4 else "") + ")")
        lines.append(f"{which}, and each is counted as a separate person: if one person's response was entered "
                     f"twice, the figures count it twice. See 'Method and limits'.")
    rated = [d for d in r.domains if d.mean is not None]
    if rated:
        lines.append("Team means on the course's 1 to 5 scale: " + "; ".join(
            f"{DOMAIN_NAMES[d.domain].lower()} {d.mean:.1f}" for d in rated) + ".")
    pri = weakest([p for p in r.audit.priorities if p.score <= ACTION_THRESHOLD], 3)  # (ties are not split)
    if pri:
        lines.append("Rated lowest: " + "; ".join(f"{p.item.id}, team mean {p.score:.1f} ('{p.item.text}')"
                                                  for p in pri) + ".")
    dis = r.disagreements
    if dis:
        lines.append(f"The team disagrees on {len(dis)} question{'s' if len(dis) != 1 else ''}: "
                     + ", ".join(f"{s.item.id} (answers from {s.low} to {s.high})" for s in dis)
                     + ". This is a finding in itself: see 'Where the team disagrees'.")
    else:
        lines.append("No question meets the course's rule for disagreement.")
    if r.stage is not None:
        top = r.stage_counts.get(r.stage.key, 0)
        lines.append(f"The stage of development named most often is {r.stage.name.lower()} ({top} of "
                     f"{sum(r.stage_counts.values())} who answered T3; "
                     f"{r.stage.citation}).")
    if not r.breakdown_allowed:
        lines.append(f"Fewer than {r.min_respondents} people answered, so answers are shown only as team "
                     f"figures, never person by person.")
    return lines


def _distribution(r: SurveyResult, s: ItemSummary) -> str:
    if s.item.id in r.survey.missing_items:
        return "not in the survey file"
    if not s.n:
        return "-"
    if not r.item_breakdown_allowed(s):
        return "hidden (too few answers)"
    return ", ".join(f"{k}: {c}" for k, c in zip(range(1, 6), s.counts))


def _disagreement_advice(s: ItemSummary) -> str:
    if s.split:
        shape = (f"Some people rate this poor or very poor and others good or very good, so the team mean of "
                 f"{s.mean:.1f} hides two different experiences.")
    else:
        shape = f"Answers run from {s.low} to {s.high} around a team mean of {s.mean:.1f}."
    return (f"{shape} Before acting on the mean, ask the team what each of them has in mind: people may be "
            f"describing different parts of the service, different relationships or different times.")


def _stage_rows(r: SurveyResult) -> list[tuple[str, str]]:
    from coplearn.paper.team_development import tuckman_stages

    if not r.breakdown_allowed:
        return []
    return [(s.name, str(r.stage_counts.get(s.key, 0))) for s in tuckman_stages()]


def _stage_text(r: SurveyResult) -> str:
    if r.stage is None:
        return "Nobody answered T3, so the report says nothing about the team's stage."
    from coplearn.paper.team_development import style_for_stage

    style = style_for_stage(r.stage.key)
    n = sum(r.stage_counts.values())
    top = r.stage_counts.get(r.stage.key, 0)
    tie = sum(1 for v in r.stage_counts.values() if v == top) > 1
    authors, year = r.stage.citation.rsplit(" ", 1)
    cited = f"{authors} ({year})"
    summary = r.stage.summary_after_citation.rstrip(".")
    text = (f"{top} of the {n} people who answered see the team at the {r.stage.name.lower()} stage. In "
            f"{authors}'s ({year}) description of that stage, {summary[:1].lower()}{summary[1:]}.")
    if tie:
        text += (" Other stages were named as often; the report takes the earliest of them, because the "
                 "leadership advice for an earlier stage is the safer starting point (the course's rule).")
    if len(r.stage_counts) > 1:
        text += " People do not agree on the stage, which is worth discussing in itself."
    text += (f" The course pairs this stage with a {style.name} style of leadership ({style.code}); the pairing "
             f"is the course's synthesis of {cited} with Hersey and Blanchard (1993), not the paper's claim.")
    return text


def _t2_text(r: SurveyResult) -> str:
    n = len(r.open_answers)
    if not n:
        return "Nobody answered T2 (skills and staffing needs)."
    if not r.breakdown_allowed:
        return (f"{n} {'person' if n == 1 else 'people'} wrote an answer. With fewer than {r.min_respondents} "
                f"respondents the answers are not shown, because they could show who wrote what.")
    return (f"{n} {'person' if n == 1 else 'people'} wrote an answer. They are shown as written, in "
            f"alphabetical order so that they cannot be matched to rows of the file.")


def _method_points(r: SurveyResult) -> list[str]:
    survey = r.survey
    points = [
        "Each mean is the average of the answers given. Blank answers (and 'N/A', 'Don't know', 'Prefer not "
        "to say') are left out, never counted as zero, and 'answered' says how many people each figure rests on.",
        "The spread is shown as the standard deviation (SD, using n - 1) and the lowest and highest answer. "
        "A domain's mean is the mean of its questions' means; the bars in the domain chart run from the "
        "lowest to the highest of the individual people's own means for that domain.",
        DISAGREEMENT_RULE,
        f"Priorities are the questions with a team mean of {ACTION_THRESHOLD} or lower, lowest first; the "
        f"action plan takes up to {SHOWN_WORDS} of them, and any with the same team mean as the {SHOWN_LAST} (so that equal means "
        f"are never split), adds a step for the team's stage, and names the framework and "
        f"the course lesson that help. It is the same plan as the course's single-person audit, fed with team "
        f"means.",
        f"Anonymity: with fewer than {r.min_respondents} respondents the report shows no person-by-person "
        f"breakdown (no table of answers by respondent, no counts of each rating, no written answers). "
        + (f"That threshold is the course's default. " if r.min_respondents == DEFAULT_MIN_RESPONDENTS else
           f"That threshold was chosen for this report (the course's default is {DEFAULT_MIN_RESPONDENTS}). ")
        + "It can be changed: in lesson 06, with \u201cShow individual answers only with at least this many "
          "respondents\u201d; with coplearn audit report, with --min-respondents.",
        "Ratings are ordered categories, so a mean is a rough guide: look at the range and the counts too. "
        "A small team's figures move a lot when one person changes their mind. People also answer with "
        "different frames of reference (a new starter and a long-serving worker may mean different things "
        "by 'good').",
        "Use the report to start a conversation with the team, not to judge individuals or to manage "
        "performance.",
    ]
    if survey.ignored_columns:
        points.append("These columns were recognised as survey-tool bookkeeping and ignored; their contents "
                      "do not appear in this report: " + ", ".join(survey.ignored_columns) + ".")
    if survey.empty_rows:
        points.append("Rows with no answers were left out: " + ", ".join(map(str, survey.empty_rows)) + ".")
    points.extend(survey.notes)
    note = missing_note(survey)
    if note:
        points.append(note)
    return points


# ---- the charts' geometry (the templates draw them) ----------------------------------------------

_SHAPES = {"task": "circle", "team": "square", "individual": "diamond"}


def _x(value: float, left: float, width: float) -> float:
    return left + (value - 1) / 4 * width


def _axis(left: float, width: float, top: float, bottom: float) -> dict:
    return {"top": top, "bottom": bottom, "middle": left + width / 2,
            "ticks": [(_x(v, left, width), v) for v in range(1, 6)]}


def domain_chart(r: SurveyResult) -> dict:
    """Where the domain chart's shapes go: a mean marker per domain and a bar from the lowest to the highest person."""
    left, width, row, top = 250.0, 380.0, 56.0, 20.0
    rated = [d for d in r.domains if d.mean is not None]
    bottom = top + row * max(len(rated), 1)
    rows = []
    for k, d in enumerate(rated):
        lo, hi = d.person_mean_low or d.mean, d.person_mean_high or d.mean
        rows.append({"y": top + row * k + row / 2, "label": DOMAIN_NAMES[d.domain], "x0": _x(lo, left, width),
                     "x1": _x(hi, left, width), "xm": _x(d.mean, left, width), "mean": f"{d.mean:.1f}",
                     "shape": _SHAPES[d.domain], "fill": DOMAIN_COLOURS[d.domain]})
    return {"width": 660, "height": int(bottom + 50), "left": left, "axis": _axis(left, width, top, bottom),
            "rows": rows}


def items_chart(r: SurveyResult) -> dict:
    """Where the item chart's shapes go: a range line and a mean per answered item, diamonds where the team disagrees."""
    answered = [s for s in r.items if s.n]
    left, width, row, top = 380.0, 360.0, 24.0, 58.0
    bottom = top + row * max(len(answered), 1)
    rows = [{"y": top + row * k + row / 2, "text": s.item.text, "label": item_label(s, 50),
             "x0": _x(s.low, left, width), "x1": _x(s.high, left, width), "xm": _x(s.mean, left, width),
             "disagree": s.disagreement, "low": s.low, "high": s.high} for k, s in enumerate(answered)]
    return {"width": 900, "height": int(bottom + 50), "left": left, "right": left + width, "top": top,
            "axis": _axis(left, width, top - 8, bottom), "threshold": ACTION_THRESHOLD,
            "xt": _x(ACTION_THRESHOLD, left, width), "blue": OKABE_ITO["blue"], "vermillion": OKABE_ITO["vermillion"],
            "rows": rows}


def _item_rows(r: SurveyResult) -> list[tuple[object, ...]]:
    return [(s.item.id, s.item.text, s.n, _f(s.mean, 2), _f(s.sd, 2),
             f"{s.low} to {s.high}" if s.n else "-", _distribution(r, s),
             "yes" if s.disagreement else "no") for s in r.items]


#: The report's sections in order: (id, heading).
SECTIONS = (
    ("glance", "At a glance"), ("domains", "The three domains"), ("items", "Question by question"),
    ("disagree", "Where the team disagrees"), ("stage", "The team's stage (T3)"),
    ("skills", "Skills and staffing (T2)"), ("priorities", "Priorities"), ("plan", "Action plan"),
    ("people", "Answers by respondent"), ("method", "Method and limits"), ("references", "References"),
)


class _Facts:
    """What the report's templates print, worked out when a template first asks for it."""

    #: how many weakest questions the plan takes, and the last of them, in words ("five", "fifth")
    shown, shown_last = SHOWN_WORDS, SHOWN_LAST

    def __init__(self, r: SurveyResult) -> None:
        self.r = r

    @functools.cached_property
    def glance(self) -> list[str]:
        return _glance(self.r)

    @functools.cached_property
    def domain_alt(self) -> TextAlternative:
        return domain_alternative(self.r)

    @functools.cached_property
    def items_alt(self) -> TextAlternative:
        return items_alternative(self.r)

    @functools.cached_property
    def domain_chart(self) -> dict:
        return domain_chart(self.r)

    @functools.cached_property
    def items_chart(self) -> dict:
        return items_chart(self.r)

    @functools.cached_property
    def item_rows(self) -> list[tuple[object, ...]]:
        return _item_rows(self.r)

    @functools.cached_property
    def disagreements(self) -> list[dict]:
        r = self.r
        return [{"s": s, "sd": _f(s.sd, 2), "advice": _disagreement_advice(s),
                 "counts": _distribution(r, s) if r.item_breakdown_allowed(s) else ""} for s in r.disagreements]

    @functools.cached_property
    def stage_text(self) -> str:
        return _stage_text(self.r)

    @functools.cached_property
    def stage_rows(self) -> list[tuple[str, str]]:
        return _stage_rows(self.r)

    @functools.cached_property
    def t2_text(self) -> str:
        return _t2_text(self.r)

    @functools.cached_property
    def open_answers(self) -> tuple[str, ...]:
        return tuple(self.r.open_answers) if self.r.breakdown_allowed else ()

    @functools.cached_property
    def priorities(self) -> list[tuple[object, ...]]:
        r = self.r
        return [(p.item.id, p.item.text, f"{p.score:.2f}", r.item(p.item.id).n,
                 f"{r.item(p.item.id).low} to {r.item(p.item.id).high}")
                for p in r.audit.priorities if p.score <= ACTION_THRESHOLD]

    @functools.cached_property
    def plan(self) -> list[dict]:
        from coplearn.paper.concepts import get_lesson

        return [{"a": a, "lesson": get_lesson(a.lesson)} for a in self.r.action_plan()]

    @functools.cached_property
    def references(self) -> tuple[tuple[str, str, str], ...]:
        labels = [p["a"].framework for p in self.plan] + [s.item.framework for s in self.r.disagreements]
        return report_references(labels)

    @functools.cached_property
    def people(self) -> dict | None:
        r = self.r
        if not r.breakdown_allowed:
            return None
        ids = [s.item.id for s in r.items]
        rows = [[resp.label] + [resp.answers.get(i, "") for i in ids] + [resp.answers.get("T3", "")]
                for resp in r.survey.responses]
        return {"header": ["respondent"] + ids + ["T3"], "rows": rows}

    @functools.cached_property
    def method_points(self) -> list[str]:
        return _method_points(self.r)

    @functools.cached_property
    def scale_rows(self) -> list[tuple[object, ...]]:
        return [(k, v[0], ", ".join(v[1:])) for k, v in scale_words().items()]


def _context(r: SurveyResult) -> dict:
    f = _Facts(r)
    return {"f": f, "r": r, "threshold": ACTION_THRESHOLD, "method_note": METHOD_NOTE,
            "disagreement_rule": DISAGREEMENT_RULE, "references": f.references, "sections": SECTIONS}


def section_html(r: SurveyResult, key: str, *, level: int = 2, figures: bool = True, prefix: str = "") -> str:
    """One section of the report as HTML, headed at ``level`` (sub-headings one level down).

    ``figures=False`` leaves out the SVG charts (a widget shows plotly charts instead).
    """
    titles = dict(SECTIONS)
    if key not in titles:
        raise LookupError(f"{key!r} is not a report section; choose one of: {', '.join(titles)}")
    return render("audit_section.html.j2", key=key, level=level, figures=figures, prefix=prefix, **_context(r))


def _heading(r: SurveyResult, title: str | None) -> dict:
    today = _dt.date.today()
    return {"title": title or "Team audit report", "source": Path(r.source).name,
            "made": f"{today.day} {today.strftime('%B %Y')}"}


def render_html(r: SurveyResult, *, title: str | None = None) -> str:
    """The whole report as one standalone HTML page."""
    return render("audit_report.html.j2", **_heading(r, title), **_context(r))


def render_markdown(r: SurveyResult, *, title: str | None = None) -> str:
    """The whole report as Markdown (charts given as their text alternatives)."""
    return render("audit_report.md.j2", **_heading(r, title), **_context(r))


# ---- writing ---------------------------------------------------------------------------------------

def format_for(path: str | os.PathLike[str], fmt: str | None = None) -> str:
    """``"html"`` or ``"md"``, from ``fmt`` or the file's ending.

    >>> format_for("team.html"), format_for("team.txt", "md")
    ('html', 'md')
    """
    return pick_format(path, fmt, FORMATS, "a report format")


def write_report(r: SurveyResult, path: str | os.PathLike[str], fmt: str | None = None, *, force: bool = False) -> Path:
    """Render the report and write it atomically to ``path``; return the path. An existing file is replaced only if
    it is an earlier export or report (or with ``force``): a page or notes of the learner's own with the same name
    are refused and left as they are (walk28 H1), as are the journal and the survey (red team 26b F1)."""
    key = format_for(path, fmt)
    target = Path(path).expanduser()
    refuse_to_replace_data(target, "the report", FORMATS[key], force=force)
    text = render_html(r) if key == "html" else render_markdown(r)
    atomic_write_text(target, marked(text, key))  # (the page or file says coplearn wrote it: walk28 H1)
    return target
