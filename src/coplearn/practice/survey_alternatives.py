"""The survey charts in words: the text alternatives of the two survey figures, without plotly.

The team audit report (:mod:`coplearn.practice.report`) prints them beside its SVG drawings, and
:mod:`coplearn.figures.survey` returns them with its plotly figures.

>>> from coplearn.practice.survey import read_survey_text
>>> from coplearn.practice.survey_summary import summarise
>>> r = summarise(read_survey_text("K1,T4,I2\\n2,1,3\\n3,5,3\\n2,4,2\\n"))
>>> domain_alternative(r).rows[0]
('Achieving the task', '2.33', 3, '2.00 to 3.00', '0.58')
>>> item_label(r.item("T4"), 20)
'T4 How far do team mem…'
"""

from __future__ import annotations

from coplearn.core.text_alternative import TextAlternative
from coplearn.practice.survey_summary import DISAGREEMENT_RANGE, DISAGREEMENT_SD, ItemSummary, SurveyResult

__all__ = ["DOMAIN_NAMES", "OURS", "domain_alternative", "items_alternative", "item_label"]

DOMAIN_NAMES = {"task": "Achieving the task", "team": "Building and maintaining the team",
                "individual": "Developing the individual"}
OURS = "The 1-5 scale and these summaries are the course's teaching aid, not the paper's."


def _f(x: float | None, digits: int = 2) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def item_label(s: ItemSummary, width: int = 46) -> str:
    """``"T4 How far do team members trust..."`` shortened for an axis."""
    text = s.item.text
    if len(text) > width:
        text = text[: width - 1].rstrip() + "…"
    return f"{s.item.id} {text}"


def domain_alternative(result: SurveyResult) -> TextAlternative:
    """The domain figure in words, with its data as a table."""
    rated = [d for d in result.domains if d.mean is not None]
    if not rated:
        desc = "No rating question has been answered yet, so there is nothing to compare."
    else:
        parts = [f"{DOMAIN_NAMES[d.domain].lower()} {d.mean:.1f}" for d in rated]
        widest = max(rated, key=lambda d: (d.person_mean_high or 0) - (d.person_mean_low or 0))
        desc = (f"The team's mean rating in each of Adair's three domains, on the course's 1 to 5 scale: "
                + "; ".join(parts) + ". Each bar runs from the lowest to the highest of the individual "
                f"people's own domain means. People differ most about "
                f"{DOMAIN_NAMES[widest.domain].lower()} (from {widest.person_mean_low:.1f} to "
                f"{widest.person_mean_high:.1f}). {OURS}")
    rows = tuple((DOMAIN_NAMES[d.domain], _f(d.mean), d.people,
                  f"{_f(d.person_mean_low)} to {_f(d.person_mean_high)}" if d.people else "-",
                  _f(d.person_mean_sd)) for d in result.domains)
    return TextAlternative(
        title="Team means in Adair's three domains, with the spread between people",
        description=desc,
        header=("domain", "team mean (1-5)", "people", "range of people's own means", "SD of people's means"),
        rows=rows,
    )


def items_alternative(result: SurveyResult) -> TextAlternative:
    """The item figure in words, with its data as a table."""
    answered = [s for s in result.items if s.n]
    if not answered:
        desc = "No rating question has been answered yet."
    else:
        low = min(answered, key=lambda s: (s.mean, s.item.order))
        high = max(answered, key=lambda s: (s.mean, -s.item.order))
        dis = result.disagreements
        desc = (f"Each of the {len(answered)} answered rating questions, with the team's mean as a marker and a "
                f"line from the lowest to the highest answer. The lowest mean is {low.item.id} "
                f"({low.mean:.1f}) and the highest {high.item.id} ({high.mean:.1f}). ")
        if dis:
            desc += (f"The team disagrees on {len(dis)} question{'s' if len(dis) != 1 else ''} (a range of "
                     f"{DISAGREEMENT_RANGE} or more points, or a standard deviation of {DISAGREEMENT_SD} or more; "
                     f"the course's rule), drawn as diamonds: "
                     + "; ".join(f"{s.item.id} from {s.low} to {s.high}" for s in dis) + ". ")
        else:
            desc += "No question meets the course's rule for disagreement. "
        desc += OURS
    rows = tuple((s.item.id, s.item.text, s.n, _f(s.mean), _f(s.sd),
                  f"{s.low} to {s.high}" if s.n else "-", "yes" if s.disagreement else "no")
                 for s in result.items)
    return TextAlternative(
        title="Each question: team mean and range of answers",
        description=desc,
        header=("item", "question", "answered", "mean", "SD", "range", "disagreement"),
        rows=rows,
    )
