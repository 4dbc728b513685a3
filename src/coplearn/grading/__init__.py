"""Graded exercises.

This package has two sides, kept apart so that a learner's kernel never imports nbgrader:

- the learner's side, re-exported here (``from coplearn.grading import choice, prepare_answers``):
  :mod:`~coplearn.grading.answers` (what an answer may be, answer cells read as data),
  :mod:`~coplearn.grading.options` (the allowed answers to each kind of choice question),
  :mod:`~coplearn.grading.store` (``answers.json``, the saved drop-down choices and worked-out values),
  :mod:`~coplearn.grading.resolve` (which answer a graded cell marks; ``prepare_answers``) and
  :mod:`~coplearn.grading.checks` (form checks that explain, in plain English, what to fix);
- the tutor's side, imported only by the autograder and the ``coplearn`` command (nbgrader's
  steps are named in ``nbgrader_config.py``; :mod:`~coplearn.grading.autograde` gives the overview):
  :mod:`~coplearn.grading.versions` (the nbgrader versions supported),
  :mod:`~coplearn.grading.schema` (the questions asked, and ``answers.json`` checked against them),
  :mod:`~coplearn.grading.gradebook` (what the gradebook knows about the assignment),
  :mod:`~coplearn.grading.sanitise` (answer cells rewritten as data before anything runs),
  :mod:`~coplearn.grading.submission` (the grading folder cleared of anything else a student shipped),
  :mod:`~coplearn.grading.sandbox` (the grading kernel: safe start, bubblewrap, nbgrader's executor),
  :mod:`~coplearn.grading.nbgrader_steps` (two of nbgrader's own steps, same results, less waiting),
  :mod:`~coplearn.grading.parallel` with :mod:`~coplearn.grading.kept_kernel` (grading several
  students at once in kept kernels) and :mod:`~coplearn.grading.cohort` (what the cohort got
  right and wrong).
"""

from __future__ import annotations

from coplearn.grading.answers import ANSWERS_FILE, ParsedCell, as_data, is_answer_name, parse_answer_cell
from coplearn.grading.checks import check_choice, check_number, check_several, plain_errors
from coplearn.grading.options import Option, canonical, options
from coplearn.grading.resolve import choice, number, prepare_answers, several
from coplearn.grading.store import AnswerStore

__all__ = [
    "ANSWERS_FILE", "AnswerStore", "Option", "ParsedCell", "as_data", "canonical",
    "check_choice", "check_number", "check_several", "choice", "is_answer_name", "number", "options",
    "parse_answer_cell", "plain_errors", "prepare_answers", "several",
]
