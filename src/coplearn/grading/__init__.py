"""Graded exercises.

This package has two sides, kept apart so that a learner's kernel never imports nbgrader:

- the learner's side, re-exported here (``from coplearn.grading import choice, prepare_answers``):
  :mod:`~coplearn.grading.answers` reads answers as data, saves worked-out values and explains,
  in plain English, what to fix;
- the tutor's side, imported only by the autograder and the ``coplearn`` command:
  :mod:`~coplearn.grading.autograde` (nbgrader steps: the sanitiser, the sandboxed executor),
  :mod:`~coplearn.grading.parallel` (grading several students at once) and
  :mod:`~coplearn.grading.cohort` (what the cohort got right and wrong).
"""

from __future__ import annotations

from coplearn.grading.answers import (
    ANSWERS_FILE,
    AnswerStore,
    Option,
    ParsedCell,
    TeamAuditAnswers,
    as_data,
    canonical,
    check_choice,
    check_number,
    check_several,
    choice,
    is_answer_name,
    number,
    options,
    parse_answer_cell,
    plain_errors,
    prepare_answers,
    several,
    team_audit_answers,
)

__all__ = [
    "ANSWERS_FILE", "AnswerStore", "Option", "ParsedCell", "TeamAuditAnswers", "as_data", "canonical",
    "check_choice", "check_number", "check_several", "choice", "is_answer_name", "number", "options",
    "parse_answer_cell", "plain_errors", "prepare_answers", "several", "team_audit_answers",
]
