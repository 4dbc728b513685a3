"""coplearn's commands keep out an optional module that costs seconds at import (rfc3987_syntax)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

PROBE = """
import sys
{prelude}
import nbformat
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# a lesson")])
nbformat.validate(nb)                      # notebooks still validate
from nbgrader.apps.autogradeapp import AutogradeApp  # and nbgrader still imports
print("loaded" if sys.modules.get("rfc3987_syntax") is not None else "kept out")
"""


def _probe(prelude: str) -> str:
    out = subprocess.run([sys.executable, "-c", PROBE.format(prelude=prelude)], capture_output=True, text=True,
                         check=True, timeout=120)
    return out.stdout.strip().splitlines()[-1]


@pytest.mark.skipif(importlib.util.find_spec("rfc3987_syntax") is None, reason="rfc3987_syntax is not installed here")
def test_nbformat_loads_it_unless_told_not_to():
    assert _probe("") == "loaded"  # so the next test would fail if the skip did nothing


def test_the_coplearn_command_keeps_it_out_and_notebooks_still_validate():
    prelude = "from coplearn.core.optional_modules import skip_slow_optional_modules; skip_slow_optional_modules()"
    assert _probe(prelude) == "kept out"


def test_the_coplearn_entry_point_calls_it_first():
    code = ("import sys; from coplearn.cli.main import main\n"
            "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
            "print('rfc3987_syntax' in sys.modules and sys.modules['rfc3987_syntax'] is None)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip().splitlines()[-1] == "True"
