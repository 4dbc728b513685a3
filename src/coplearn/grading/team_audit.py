"""Assignment 3's helper (to be moved out of the library: see issue 13)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["TeamAuditAnswers", "team_audit_answers"]

@dataclass(frozen=True, kw_only=True, slots=True)
class TeamAuditAnswers:
    """What assignment 3 asks for, computed from a team's survey with :mod:`coplearn.practice.survey`."""

    respondents: int
    domain_scores: Mapping[str, float | None]
    weakest: tuple[str, ...]
    weakest_domain: str | None
    result: Any  # the full coplearn.practice.survey.SurveyResult, for the table and action plan

    def _repr_html_(self) -> str:
        from coplearn.core import html as _html

        rows = [(d, "not rated" if s is None else f"{s:.2f}") for d, s in self.domain_scores.items()]
        items = [(s.item.id, s.item.domain, s.item.text, s.n, "-" if s.mean is None else f"{s.mean:.2f}")
                 for s in self.result.items if s.item.kind == "rating"]
        return (
            f"<p>{self.respondents} people answered the team audit. Each item's score is the mean of the "
            "ratings given (1 = very poor, 5 = very good); blank and N/A answers are left out. Each domain "
            "score is the mean of its items' scores.</p>"
            + _html.table("Domain scores (mean of the item scores, 1-5)", ["domain", "score"], rows)
            + _html.table("Every rated item, in the order of the audit", ["item", "domain", "question", "answered", "score"], items)
            + _html.note("The 1-5 scale, the means and the ranking are the course's teaching aid, not the paper's, "
                         "and not a validated measure (the questions are Gray et al.'s 2010 Table 2, after Adair 1983).")
        )


def team_audit_answers(path: str | os.PathLike[str]) -> TeamAuditAnswers:
    """Read a team survey CSV and work out the domain scores, the three weakest items and the
    weakest domain (domain scores are means of the item means, rounded to 2 places).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "team.csv"
    >>> _ = p.write_text("Respondent,K1,K2,T4,I1\\nA,2,4,1,3\\nB,3,4,2,3\\n")
    >>> a = team_audit_answers(p)
    >>> a.domain_scores["task"], a.weakest, a.weakest_domain
    (3.25, ('T4', 'K1', 'I1'), 'team')
    """
    from coplearn.practice.survey import load_survey

    result = load_survey(path, min_respondents=1)
    scores = {d: (None if s is None else round(s, 2)) for d, s in result.audit.domain_scores.items()}
    rated = {d: s for d, s in scores.items() if s is not None}
    return TeamAuditAnswers(
        respondents=result.n_respondents, domain_scores=scores,
        weakest=tuple(p.item.id for p in result.audit.priorities[:3]),
        weakest_domain=min(rated, key=lambda d: rated[d]) if rated else None, result=result,
    )
