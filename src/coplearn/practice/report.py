"""The team audit report: one standalone HTML page (or Markdown) from a team survey.

``coplearn audit report responses.csv -o report.html`` writes it; so does
:func:`write_report`. The HTML page needs nothing else: its two charts are inline SVG drawings
(no scripts, no web fonts, no requests to other sites), each followed by a text description and
its data as a table, so it can be emailed, printed or opened offline. The Markdown version has
the same sections, with the charts' text alternatives in place of the drawings.

Sections: at a glance; the three domains; question by question; where the team disagrees; the
team's stage (T3); skills and staffing (T2); priorities; action plan; answers by respondent
(only when enough people answered); method and limits; references.

>>> from coplearn.practice.survey import read_survey_text, summarise
>>> r = summarise(read_survey_text("K1,T4,T3\\n2,1,storming\\n3,5,norming\\n2,4,storming\\n"))
>>> page = render_html(r)
>>> page.startswith("<!DOCTYPE html>") and 'lang="en-GB"' in page and "<script" not in page
True
>>> "## Where the team disagrees" in render_markdown(r)
True
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Sequence
from html import escape
from pathlib import Path

from coplearn.core.formats import pick_format
from coplearn.core.atomic import atomic_write_text
from coplearn.paper.action_centred import ACTION_THRESHOLD, rating_scale
from coplearn.figures._base import DOMAIN_COLOURS, OKABE_ITO, TextAlternative
from coplearn.figures.survey import DOMAIN_NAMES, domain_alternative, item_label, items_alternative
from coplearn.practice.survey import DISAGREEMENT_RULE, ItemSummary, SurveyResult

__all__ = ["FORMATS", "SECTIONS", "format_for", "render_html", "render_markdown", "section_html", "write_report",
           "scale_words", "METHOD_NOTE"]

FORMATS = {"html": (".html", ".htm"), "md": (".md", ".markdown", ".txt")}

METHOD_NOTE = (
    "This report is a reflective aid for a team conversation, not a validated instrument. The "
    "questions follow Table 2 of Gray et al. (2010), who apply Adair's (1983) three overlapping "
    "needs of task, team and individual to social work; the paper offers them as questions a leader "
    "can ask, not as a scored scale. The 1 to 5 scale, the means and spreads, the disagreement rule, "
    "the anonymity threshold, the priorities and the suggested actions are this course's additions."
)

REFERENCES = (
    "Adair, J. (1983) <em>Effective Leadership</em>. London: Pan.",
    "Gray, I., Parker, J., Rutter, L. and Williams, S. (2010) 'Developing communities of practice: a strategy "
    "for effective leadership, management and supervision in social work', <em>Social Work and Social "
    "Sciences Review</em>, 14(2), pp. 20-36. doi:10.1921/swssr.v14i2.491.",
    "Hersey, P. and Blanchard, K. (1993) <em>Management of Organizational Behavior: Utilizing Human "
    "Resources</em>. 6th edn. Englewood Cliffs, NJ: Prentice Hall.",
    "Tuckman, B.W. (1965) 'Developmental sequence in small groups', <em>Psychological Bulletin</em>, 63(6), "
    "pp. 384-399.",
    "Tuckman, B.W. and Jensen, M.A.C. (1977) 'Stages of small-group development revisited', <em>Group and "
    "Organization Studies</em>, 2(4), pp. 419-427.",
)


def esc(value: object) -> str:
    return escape(str(value), quote=True)


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
    lines = [f"{r.n_respondents} {'person' if r.n_respondents == 1 else 'people'} answered the survey "
             f"({len(r.answered_items)} of {len(r.items)} rating questions have at least one answer)."]
    rated = [d for d in r.domains if d.mean is not None]
    if rated:
        lines.append("Team means on the course's 1 to 5 scale: " + "; ".join(
            f"{DOMAIN_NAMES[d.domain].lower()} {d.mean:.1f}" for d in rated) + ".")
    pri = [p for p in r.audit.priorities if p.score <= ACTION_THRESHOLD][:3]
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
                     f"{sum(r.stage_counts.values())} who answered T3; Tuckman 1965).")
    if not r.breakdown_allowed:
        lines.append(f"Fewer than {r.min_respondents} people answered, so answers are shown only as team "
                     f"figures, never person by person.")
    return lines


def _distribution(r: SurveyResult, s: ItemSummary) -> str:
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
    text = (f"{top} of the {n} people who answered see the team at the {r.stage.name.lower()} stage "
            f"({r.stage.summary.rstrip('.').lower()}).")
    if tie:
        text += (" Other stages were named as often; the report takes the earliest of them, because the "
                 "leadership advice for an earlier stage is the safer starting point (the course's rule).")
    if len(r.stage_counts) > 1:
        text += " People do not agree on the stage, which is worth discussing in itself."
    text += (f" The course pairs this stage with a {style.name} style of leadership ({style.code}); the pairing "
             f"is the course's synthesis of Tuckman (1965) with Hersey and Blanchard (1993), not the paper's claim.")
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
        f"action plan takes up to five of them, adds a step for the team's stage, and names the framework and "
        f"the course lesson that help. It is the same plan as the course's single-person audit, fed with team "
        f"means.",
        f"Anonymity: with fewer than {r.min_respondents} respondents the report shows no person-by-person "
        f"breakdown (no table of answers by respondent, no counts of each rating, no written answers). The "
        f"threshold is the course's default and can be changed (--min-respondents).",
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
    return points


# ---- SVG drawings -------------------------------------------------------------------------------

def _x(value: float, left: float, width: float) -> float:
    return left + (value - 1) / 4 * width


def _axis(left: float, width: float, top: float, bottom: float) -> str:
    parts = []
    for v in range(1, 6):
        x = _x(v, left, width)
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="#d0d0d0" stroke-width="1"/>')
        parts.append(f'<text x="{x:.1f}" y="{bottom + 18}" text-anchor="middle" font-size="13">{v}</text>')
    parts.append(f'<text x="{left + width / 2:.1f}" y="{bottom + 38}" text-anchor="middle" font-size="13">'
                 f"rating: 1 very poor, 3 adequate, 5 very good</text>")
    return "".join(parts)


def _marker(shape: str, x: float, y: float, size: float, fill: str) -> str:
    stroke = 'stroke="#000000" stroke-width="1"'
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size / 2:.1f}" fill="{fill}" {stroke}/>'
    if shape == "square":
        h = size / 2
        return f'<rect x="{x - h:.1f}" y="{y - h:.1f}" width="{size:.1f}" height="{size:.1f}" fill="{fill}" {stroke}/>'
    h = size / 1.6
    return (f'<polygon points="{x:.1f},{y - h:.1f} {x + h:.1f},{y:.1f} {x:.1f},{y + h:.1f} {x - h:.1f},{y:.1f}" '
            f'fill="{fill}" {stroke}/>')


def _svg(fig_id: str, alt: TextAlternative, width: int, height: int, body: str) -> str:
    return (f'<svg role="img" width="100%" viewBox="0 0 {width} {height}" '
            f'aria-labelledby="{fig_id}-title {fig_id}-desc" font-family="Arial, Helvetica, sans-serif" '
            f'style="max-width:{width}px">'
            f'<title id="{fig_id}-title">{esc(alt.title)}</title><desc id="{fig_id}-desc">{esc(alt.description)}</desc>'
            f"{body}</svg>")


_SHAPES = {"task": "circle", "team": "square", "individual": "diamond"}


def svg_domains(r: SurveyResult, alt: TextAlternative) -> str:
    """Domain means (one shape per domain) with a bar from the lowest to the highest person."""
    left, width, row, top = 250.0, 380.0, 56.0, 20.0
    rated = [d for d in r.domains if d.mean is not None]
    bottom = top + row * max(len(rated), 1)
    parts = [_axis(left, width, top, bottom)]
    for k, d in enumerate(rated):
        y = top + row * k + row / 2
        name = DOMAIN_NAMES[d.domain]
        parts.append(f'<text x="{left - 12}" y="{y + 5:.1f}" text-anchor="end" font-size="14">{esc(name)}</text>')
        lo, hi = d.person_mean_low or d.mean, d.person_mean_high or d.mean
        x0, x1 = _x(lo, left, width), _x(hi, left, width)
        parts.append(f'<line x1="{x0:.1f}" y1="{y:.1f}" x2="{x1:.1f}" y2="{y:.1f}" stroke="#000000" stroke-width="2"/>')
        for xe in (x0, x1):
            parts.append(f'<line x1="{xe:.1f}" y1="{y - 7:.1f}" x2="{xe:.1f}" y2="{y + 7:.1f}" stroke="#000000" stroke-width="2"/>')
        xm = _x(d.mean, left, width)
        parts.append(_marker(_SHAPES[d.domain], xm, y, 16, DOMAIN_COLOURS[d.domain]))
        parts.append(f'<text x="{xm:.1f}" y="{y - 13:.1f}" text-anchor="middle" font-size="13" font-weight="bold">'
                     f"{d.mean:.1f}</text>")
    return _svg("fig-domains", alt, 660, int(bottom + 50), "".join(parts))


def svg_items(r: SurveyResult, alt: TextAlternative) -> str:
    """Every answered item: a grey range line, the mean, and a labelled diamond where the team disagrees."""
    answered = [s for s in r.items if s.n]
    left, width, row, top = 380.0, 360.0, 24.0, 58.0
    bottom = top + row * max(len(answered), 1)
    parts = [
        # legend: shapes and words, never colour alone
        _marker("circle", 240, 16, 11, OKABE_ITO["blue"]),
        '<text x="252" y="21" font-size="13">team mean</text>',
        _marker("diamond", 360, 16, 13, OKABE_ITO["vermillion"]),
        '<text x="372" y="21" font-size="13">team mean where the team disagrees</text>',
        '<line x1="630" y1="16" x2="660" y2="16" stroke="#767676" stroke-width="4"/>',
        '<text x="666" y="21" font-size="13">lowest to highest answer</text>',
        _axis(left, width, top - 8, bottom),
    ]
    xt = _x(ACTION_THRESHOLD, left, width)
    parts.append(f'<line x1="{xt:.1f}" y1="{top - 8}" x2="{xt:.1f}" y2="{bottom}" stroke="#000000" '
                 f'stroke-width="1.5" stroke-dasharray="5,4"/>')
    parts.append(f'<text x="{xt:.1f}" y="{top - 14}" text-anchor="middle" font-size="12">'
                 f"action threshold {ACTION_THRESHOLD} (the course's)</text>")
    for k, s in enumerate(answered):
        y = top + row * k + row / 2
        parts.append(f'<text x="{left - 12}" y="{y + 5:.1f}" text-anchor="end" font-size="13">'
                     f"<title>{esc(s.item.text)}</title>{esc(item_label(s, 50))}</text>")
        x0, x1 = _x(s.low, left, width), _x(s.high, left, width)
        parts.append(f'<line x1="{x0:.1f}" y1="{y:.1f}" x2="{x1:.1f}" y2="{y:.1f}" stroke="#767676" '
                     f'stroke-width="4" stroke-linecap="round"/>')
        xm = _x(s.mean, left, width)
        if s.disagreement:
            parts.append(_marker("diamond", xm, y, 14, OKABE_ITO["vermillion"]))
            parts.append(f'<text x="{left + width + 10}" y="{y + 5:.1f}" font-size="13" font-weight="bold">'
                         f"disagree ({s.low} to {s.high})</text>")
        else:
            parts.append(_marker("circle", xm, y, 11, OKABE_ITO["blue"]))
    return _svg("fig-items", alt, 900, int(bottom + 50), "".join(parts))


# ---- HTML ----------------------------------------------------------------------------------------

_CSS = """
body{font-family:Arial,Helvetica,sans-serif;font-size:1rem;line-height:1.5;color:#1a1a1a;max-width:60rem;margin:1.5rem auto;padding:0 1rem}
h1{font-size:1.9rem;margin-bottom:.25rem}h2{font-size:1.45rem;margin-top:2.5rem;border-top:3px solid #0072B2;padding-top:.75rem}
h3{font-size:1.15rem}table{border-collapse:collapse;margin:.75rem 0;font-size:.95rem}
caption{text-align:left;font-weight:bold;padding:.25rem 0}th,td{border:1px solid #8c8c8c;padding:.3rem .5rem;vertical-align:top;text-align:left}
th{background:#eef3f8}.num{text-align:right;white-space:nowrap}.flag{font-weight:bold}
.note{border-left:4px solid #0072B2;background:#f4f8fb;padding:.5rem 1rem}
.alt{border:1px solid #b0b0b0;padding:.5rem 1rem;margin:.5rem 0 1.5rem}
.scroll{overflow-x:auto;max-width:100%}.scroll:focus{outline:3px solid #E69F00}
figure{margin:1rem 0}figcaption{font-weight:bold;margin-bottom:.5rem}
summary{cursor:pointer;font-weight:bold}
@media print{details{display:block}details>*{display:block}h2{page-break-after:avoid}}
""".strip()


def _table(caption: str, header: Sequence[str], rows: Sequence[Sequence[object]], *, numeric: Sequence[int] = (),
           row_headers: bool = True, scroll_label: str | None = None) -> str:
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in header)
    body = []
    for row in rows:
        cells = []
        for i, c in enumerate(row):
            cls = ' class="num"' if i in numeric else ""
            if i == 0 and row_headers:
                cells.append(f'<th scope="row"{cls}>{esc(c)}</th>')
            else:
                cells.append(f"<td{cls}>{esc(c)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    table = (f"<table><caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead>"
             f"<tbody>{''.join(body)}</tbody></table>")
    if scroll_label:
        return f'<div class="scroll" role="region" aria-label="{esc(scroll_label)}" tabindex="0">{table}</div>'
    return table


def _alt_html(alt: TextAlternative, fig_id: str) -> str:
    return (f'<div class="alt" id="{fig_id}-alt"><p><strong>In words:</strong> {esc(alt.description)}</p>'
            f"<details><summary>The chart's data as a table</summary>"
            + _table(alt.title, alt.header, alt.rows, scroll_label=f"{alt.title} (table)")
            + "</details></div>")


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


def _sec_glance(r: SurveyResult, h: int) -> str:
    return "<ul>" + "".join(f"<li>{esc(line)}</li>" for line in _glance(r)) + "</ul>"


def _sec_domains(r: SurveyResult, h: int, figures: bool = True) -> str:
    alt = domain_alternative(r)
    fig = (f'<figure aria-describedby="fig-domains-alt"><figcaption>{esc(alt.title)}</figcaption>'
           f"{svg_domains(r, alt)}</figure>{_alt_html(alt, 'fig-domains')}") if figures else ""
    return ("<p>Adair (1983) describes leadership as meeting three overlapping needs: achieving the task, building "
            "and maintaining the team, and developing the individual. Gray et al. (2010) turn each into questions "
            "for a social work team. The marker shows the team's mean; the bar shows how far people differ.</p>"
            + fig)


def _sec_items(r: SurveyResult, h: int, figures: bool = True) -> str:
    alt = items_alternative(r)
    fig = (f'<figure aria-describedby="fig-items-alt"><figcaption>{esc(alt.title)}</figcaption>'
           f"{svg_items(r, alt)}</figure>{_alt_html(alt, 'fig-items')}") if figures else ""
    return fig + _table("Every rating question: answers, mean, spread and disagreement",
                        ("item", "question", "answered", "mean", "SD", "range", "how many chose 1 to 5",
                         "disagreement"), _item_rows(r), numeric=(2, 3, 4),
                        scroll_label="Every rating question (table)")


def _sec_disagree(r: SurveyResult, h: int) -> str:
    parts = ["<p>Disagreement is itself a finding. When some people rate an item very poor and others very good, "
             "the team mean hides two different experiences of the same team, and the conversation about why is "
             "often worth more than the number.</p>", f"<p><em>{esc(DISAGREEMENT_RULE)}</em></p>"]
    for s in r.disagreements:
        parts.append(f"<h{h + 1}>{esc(s.item.id)}: {esc(s.item.text)}</h{h + 1}>"
                     f"<p>{s.n} answered; mean {s.mean:.1f}, SD {_f(s.sd, 2)}, answers from {s.low} to {s.high}"
                     + (f"; how many chose 1 to 5: {esc(_distribution(r, s))}" if r.item_breakdown_allowed(s) else "")
                     + f".</p><p>{esc(_disagreement_advice(s))}</p>"
                     f"<p>If the low ratings hold up: {esc(s.item.action)} <em>({esc(s.item.framework)}; "
                     f"lesson {esc(s.item.lesson)})</em></p>")
    if not r.disagreements:
        parts.append("<p>No question meets the rule. The team's answers are fairly close on every question, "
                     "although a shared view can still be a shared blind spot.</p>")
    return "".join(parts)


def _sec_stage(r: SurveyResult, h: int) -> str:
    rows = _stage_rows(r)
    return (f"<p>{esc(_stage_text(r))}</p>"
            + (_table("How many people chose each stage (Tuckman 1965; Tuckman and Jensen 1977)",
                      ("stage", "people"), rows, numeric=(1,)) if rows else ""))


def _sec_skills(r: SurveyResult, h: int) -> str:
    out = f"<p>{esc(_t2_text(r))}</p>"
    if r.open_answers and r.breakdown_allowed:
        out += "<ul>" + "".join("<li>" + esc(a).replace("\n", "<br>") + "</li>" for a in r.open_answers) + "</ul>"
    return out


def _sec_priorities(r: SurveyResult, h: int) -> str:
    pri = [p for p in r.audit.priorities if p.score <= ACTION_THRESHOLD]
    return (f"<p>Questions with a team mean of {ACTION_THRESHOLD} or lower, lowest first (the course's rule).</p>"
            + (_table("Priorities, lowest team mean first", ("item", "question", "team mean", "answered", "range"),
                      [(p.item.id, p.item.text, f"{p.score:.2f}", r.item(p.item.id).n,
                        f"{r.item(p.item.id).low} to {r.item(p.item.id).high}") for p in pri], numeric=(2, 3))
               if pri else "<p>No question has a team mean at or below the threshold.</p>"))


def _sec_plan(r: SurveyResult, h: int) -> str:
    from coplearn.paper.concepts import get_lesson

    steps = []
    for a in r.action_plan():
        lesson = get_lesson(a.lesson)
        steps.append(f"<li><p><strong>{esc(a.finding)}</strong></p><p>{esc(a.step)}</p>"
                     f"<p><em>Framework: {esc(a.framework)}. Course lesson {esc(lesson.number)}: "
                     f"{esc(lesson.title)}.</em></p></li>")
    return ("<p>Suggested first steps for the lowest-rated questions and the team's stage. They are the course's "
            "suggestions, to be agreed with the team, not instructions.</p>"
            + (f"<ol>{''.join(steps)}</ol>" if steps else "<p>Nothing to suggest yet.</p>"))


def _sec_people(r: SurveyResult, h: int) -> str:
    if not r.breakdown_allowed:
        return (f"<p>Not shown: fewer than {r.min_respondents} people answered, so a person-by-person "
                f"breakdown could show who said what.</p>")
    ids = [s.item.id for s in r.items]
    rows = [[resp.label] + [resp.answers.get(i, "") for i in ids] + [resp.answers.get("T3", "")]
            for resp in r.survey.responses]
    return ("<p>Each person's ratings, as a check on the figures above. Share this table only with "
            "people who already saw the raw answers.</p><details><summary>Show the table</summary>"
            + _table("Ratings by respondent (blank: not answered)", ["respondent"] + ids + ["T3"], rows,
                     scroll_label="Ratings by respondent (table)") + "</details>")


def _sec_method(r: SurveyResult, h: int) -> str:
    words = scale_words()
    return (f'<p class="note">{esc(METHOD_NOTE)}</p><ul>'
            + "".join(f"<li>{esc(p)}</li>" for p in _method_points(r)) + "</ul>"
            f"<h{h + 1}>The rating scale</h{h + 1}><p>The scale is the course's. The survey reader accepts a "
            "number or any of these words (ignoring capitals and spacing); T3 takes a Tuckman stage and T2 any "
            "text.</p>"
            + _table("The course's 1 to 5 rating scale", ("rating", "label", "other words accepted"),
                     [(k, v[0], ", ".join(v[1:])) for k, v in words.items()], numeric=(0,)))


def _sec_references(r: SurveyResult, h: int) -> str:
    return "<ul>" + "".join(f"<li>{ref}</li>" for ref in REFERENCES) + "</ul>"


_BUILDERS = {
    "glance": _sec_glance, "domains": _sec_domains, "items": _sec_items, "disagree": _sec_disagree,
    "stage": _sec_stage, "skills": _sec_skills, "priorities": _sec_priorities, "plan": _sec_plan,
    "people": _sec_people, "method": _sec_method, "references": _sec_references,
}


def section_html(r: SurveyResult, key: str, *, level: int = 2, figures: bool = True, prefix: str = "") -> str:
    """One section of the report as HTML, headed at ``level`` (sub-headings one level down).

    ``figures=False`` leaves out the SVG charts (a widget shows plotly charts instead).
    """
    titles = dict(SECTIONS)
    if key not in titles:
        raise LookupError(f"{key!r} is not a report section; choose one of: {', '.join(titles)}")
    builder = _BUILDERS[key]
    body = builder(r, level, figures) if key in ("domains", "items") else builder(r, level)
    anchor = f"{prefix}{key}"
    return (f'<section aria-labelledby="{anchor}"><h{level} id="{anchor}">{esc(titles[key])}</h{level}>'
            f"{body}</section>")


def render_html(r: SurveyResult, *, title: str | None = None) -> str:
    """The whole report as one standalone HTML page."""
    source = Path(r.source).name
    today = _dt.date.today()
    title = title or "Team audit report"
    out = [f"<header><h1>{esc(title)}</h1><p>From <strong>{esc(source)}</strong>, {r.n_respondents} "
           f"respondent{'s' if r.n_respondents != 1 else ''}, made on {today.day} {today.strftime('%B %Y')} with "
           f"coplearn. Questions after Gray et al. (2010), Table 2.</p>"
           f'<p class="note">{esc(METHOD_NOTE)}</p></header>',
           '<nav aria-label="Contents"><h2 id="contents">Contents</h2><ol>'
           + "".join(f'<li><a href="#{i}">{esc(t)}</a></li>' for i, t in SECTIONS) + "</ol></nav>",
           "<main>", *(section_html(r, key) for key, _ in SECTIONS), "</main>"]
    return ('<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(title)}: {esc(source)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            + "\n".join(out) + "\n</body>\n</html>\n")


# ---- Markdown ------------------------------------------------------------------------------------

def _md_cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _md_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(_md_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _strip_tags(html: str) -> str:
    return html.replace("<em>", "*").replace("</em>", "*")


def render_markdown(r: SurveyResult, *, title: str | None = None) -> str:
    """The whole report as Markdown (charts given as their text alternatives)."""
    from coplearn.paper.concepts import get_lesson

    source = Path(r.source).name
    today = _dt.date.today()
    title = title or "Team audit report"
    dom_alt, item_alt = domain_alternative(r), items_alternative(r)
    md: list[str] = [f"# {title}", "",
                     f"From **{source}**, {r.n_respondents} respondent{'s' if r.n_respondents != 1 else ''}, made on "
                     f"{today.day} {today.strftime('%B %Y')} with coplearn. Questions after Gray et al. (2010), Table 2.",
                     "", f"> {METHOD_NOTE}", "", "## At a glance", ""]
    md += [f"- {line}" for line in _glance(r)] + [""]
    md += ["## The three domains", "",
           "Adair (1983) describes leadership as meeting three overlapping needs: achieving the task, building and "
           "maintaining the team, and developing the individual. Gray et al. (2010) turn each into questions for a "
           "social work team.", "", f"### Chart: {dom_alt.title}", "", dom_alt.description, "",
           _md_table(dom_alt.header, dom_alt.rows), ""]
    md += ["## Question by question", "", f"### Chart: {item_alt.title}", "", item_alt.description, "",
           _md_table(("item", "question", "answered", "mean", "SD", "range", "how many chose 1 to 5", "disagreement"),
                     _item_rows(r)), ""]
    md += ["## Where the team disagrees", "",
           "Disagreement is itself a finding. When some people rate an item very poor and others very good, the team "
           "mean hides two different experiences of the same team, and the conversation about why is often worth "
           "more than the number.", "", f"*{DISAGREEMENT_RULE}*", ""]
    if r.disagreements:
        for s in r.disagreements:
            md += [f"### {s.item.id}: {s.item.text}", "",
                   f"{s.n} answered; mean {s.mean:.1f}, SD {_f(s.sd, 2)}, answers from {s.low} to {s.high}"
                   + (f"; how many chose 1 to 5: {_distribution(r, s)}" if r.item_breakdown_allowed(s) else "") + ".",
                   "", _disagreement_advice(s), "",
                   f"If the low ratings hold up: {s.item.action} *({s.item.framework}; lesson {s.item.lesson})*", ""]
    else:
        md += ["No question meets the rule. The team's answers are fairly close on every question, although a "
               "shared view can still be a shared blind spot.", ""]
    md += ["## The team's stage (T3)", "", _stage_text(r), ""]
    if _stage_rows(r):
        md += [_md_table(("stage", "people"), _stage_rows(r)), ""]
    md += ["## Skills and staffing (T2)", "", _t2_text(r), ""]
    if r.open_answers and r.breakdown_allowed:
        md += [f"- {a.replace(chr(10), ' ')}" for a in r.open_answers] + [""]
    pri = [p for p in r.audit.priorities if p.score <= ACTION_THRESHOLD]
    md += ["## Priorities", "", f"Questions with a team mean of {ACTION_THRESHOLD} or lower, lowest first (the course's rule).", ""]
    md += [_md_table(("item", "question", "team mean", "answered", "range"),
                     [(p.item.id, p.item.text, f"{p.score:.2f}", r.item(p.item.id).n,
                       f"{r.item(p.item.id).low} to {r.item(p.item.id).high}") for p in pri])
           if pri else "No question has a team mean at or below the threshold.", ""]
    md += ["## Action plan", "", "Suggested first steps, to be agreed with the team (the course's suggestions).", ""]
    for n, a in enumerate(r.action_plan(), 1):
        lesson = get_lesson(a.lesson)
        md += [f"{n}. **{a.finding}** {a.step} *Framework: {a.framework}. Course lesson {lesson.number}: {lesson.title}.*"]
    md += ["", "## Answers by respondent", ""]
    if r.breakdown_allowed:
        ids = [s.item.id for s in r.items]
        rows = [[resp.label] + [resp.answers.get(i, "") for i in ids] + [resp.answers.get("T3", "")]
                for resp in r.survey.responses]
        md += ["Each person's ratings (blank: not answered). Share only with people who already saw the raw answers.",
               "", _md_table(["respondent"] + ids + ["T3"], rows), ""]
    else:
        md += [f"Not shown: fewer than {r.min_respondents} people answered, so a person-by-person breakdown could "
               f"show who said what.", ""]
    md += ["## Method and limits", "", f"> {METHOD_NOTE}", ""]
    md += [f"- {p}" for p in _method_points(r)] + [""]
    md += ["### The rating scale", "", "The scale is the course's. The survey reader accepts a number or any of these "
           "words (ignoring capitals and spacing); T3 takes a Tuckman stage and T2 any text.", "",
           _md_table(("rating", "label", "other words accepted"),
                     [(k, v[0], ", ".join(v[1:])) for k, v in scale_words().items()]), ""]
    md += ["## References", ""] + [f"- {_strip_tags(ref)}" for ref in REFERENCES] + [""]
    return "\n".join(md)


# ---- writing ---------------------------------------------------------------------------------------

def format_for(path: str | os.PathLike[str], fmt: str | None = None) -> str:
    """``"html"`` or ``"md"``, from ``fmt`` or the file's ending.

    >>> format_for("team.html"), format_for("team.txt", "md")
    ('html', 'md')
    """
    return pick_format(path, fmt, FORMATS, "a report format")


def write_report(r: SurveyResult, path: str | os.PathLike[str], fmt: str | None = None) -> Path:
    """Render the report and write it atomically to ``path``; return the path."""
    key = format_for(path, fmt)
    text = render_html(r) if key == "html" else render_markdown(r)
    target = Path(path).expanduser()
    atomic_write_text(target, text)
    return target
