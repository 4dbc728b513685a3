"""Fixtures for the nbgrader tests: one real course in a temporary folder (see nbcourse.py)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from nbcourse import ASSIGNMENTS, Course


@pytest.fixture(scope="session")
def nbgrader_env() -> Iterator[None]:
    """nbgrader runs ``alembic`` and kernels from the environment's bin folder."""
    old = os.environ.get("PATH", "")
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + old
    yield
    os.environ["PATH"] = old


@pytest.fixture(scope="session")
def course(tmp_path_factory: pytest.TempPathFactory, nbgrader_env: None) -> Course:
    """A course with every assignment generated (into its ``exercises/``) and released."""
    c = Course(tmp_path_factory.mktemp("nbgrader"))
    api = c.api()
    for a in ASSIGNMENTS:
        c.ok(api.generate_assignment(a))
        c.ok(api.release_assignment(a))
    return c


