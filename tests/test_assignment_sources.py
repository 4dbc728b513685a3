"""Every code cell of the graded exercises is Python that compiles, in the tutor's source notebooks
(hidden tests and keys included) and in the student release.

A hidden test's feedback message edited to contain an apostrophe inside a single-quoted string
stopped compiling; that practice's test would have failed for every student, right answer or not.
The nbgrader round trip catches it too, but minutes later and only on a whole run.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "solutions").glob("*/*.ipynb")) + sorted((REPO / "exercises").glob("*/*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[f"{p.parent.parent.name}/{p.parent.name}" for p in NOTEBOOKS])
def test_every_code_cell_compiles(path: Path) -> None:
    assert NOTEBOOKS, "no assignment notebooks found"
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "?")
        try:
            compile(source, f"{path.name}:{gid}", "exec")
        except SyntaxError as exc:
            pytest.fail(f"{path.relative_to(REPO)}, cell {gid}: {exc}")
