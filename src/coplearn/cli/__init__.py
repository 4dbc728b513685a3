"""The ``coplearn`` command: one module per command (``journal``, ``progress``, ``audit``, ``grade``,
``cohort``, ``print``, ``site``); :mod:`~coplearn.cli.main` builds the parser and runs them."""

from __future__ import annotations

from coplearn.cli.main import main

__all__ = ["main"]
