"""The autograder: answers are data, and nothing a student ships runs as the course.

nbgrader is the grading engine; the course configures and feeds it (``nbgrader_config.py``
names the steps by their dotted paths). The design, in the order nbgrader runs it:

1. **Sanitising** (:mod:`coplearn.grading.sanitise`): :class:`ForgetUnknownCells`, nbgrader's
   ``OverwriteCells`` (every locked and test cell put back from the gradebook), then
   :class:`AnswersAsData`: each student code cell is read as data and rewritten as the plain
   value it holds; anything else is kept as text and not run.
2. **Pruning** (:mod:`coplearn.grading.submission`): :class:`PruneSubmission` leaves in the
   grading folder only the notebooks, a checked ``answers.json`` (:mod:`coplearn.grading.schema`)
   and the release's own data files.
3. **Executing** (:mod:`coplearn.grading.sandbox`): :class:`SandboxedExecute` runs the
   notebook in a kernel started safe and, where bubblewrap works, sandboxed.

Each step refuses to run with nbgrader versions it was not built for
(:mod:`coplearn.grading.versions`). This module gathers the names for callers that import them
from one place; the code lives in the modules above.
"""

from __future__ import annotations

from typing import Any

from coplearn.grading.gradebook import caching_gradebook
from coplearn.grading.sandbox import bwrap_command, kernel_env, make_kernel_manager, sandbox_status
from coplearn.grading.schema import Question, answer_schema, clean_answers
from coplearn.grading.submission import prune_folder
from coplearn.grading.versions import SUPPORTED_VERSIONS, check_versions

__all__ = [
    "SUPPORTED_VERSIONS",
    "AnswersAsData",
    "ForgetUnknownCells",
    "PruneSubmission",
    "Question",
    "SandboxedExecute",
    "answer_schema",
    "bwrap_command",
    "caching_gradebook",
    "check_versions",
    "clean_answers",
    "kernel_env",
    "make_kernel_manager",
    "prune_folder",
    "sandbox_status",
]

_STEPS = {"AnswersAsData": "sanitise", "ForgetUnknownCells": "sanitise", "PruneSubmission": "submission",
          "SandboxedExecute": "sandbox"}


def __getattr__(name: str) -> Any:
    # The nbgrader steps are built on first use, in their own modules (nbgrader is heavy to import).
    if name in _STEPS:
        import importlib

        return getattr(importlib.import_module(f"coplearn.grading.{_STEPS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
