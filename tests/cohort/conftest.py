"""nbgrader's Gradebook runs the ``alembic`` command when it creates a database: put the
environment's scripts folder on PATH for these tests, as tests/nbgrader does."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest


@pytest.fixture(autouse=True, scope="session")
def _scripts_on_path():
    old = os.environ.get("PATH", "")
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + old
    yield
    os.environ["PATH"] = old
