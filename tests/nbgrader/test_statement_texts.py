"""Each assignment shows its statements twice (the question text and the drop-down labels); they must agree."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]


def widget_items(source: str) -> dict[object, str] | None:
    """The ``{item: text}`` dict passed to ``ChoiceQuestions(...)`` in a cell, if there is one."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "ChoiceQuestions" and len(node.args) >= 2:
            if isinstance(node.args[1], ast.Dict):
                return ast.literal_eval(node.args[1])
    return None


def squash(text: str) -> str:
    text = re.sub(r"[*_`]", "", text)
    return " ".join(text.replace("\u2019", "'").split()).lower()


def has_statement_drop_downs(path: Path) -> bool:
    """True when a ``ChoiceQuestions`` cell labels its drop-downs with statement texts."""
    nb = nbformat.read(path, as_version=4)
    return any(any((widget_items(c.source) or {}).values()) for c in nb.cells if c.cell_type == "code")


#: The assignments that show statements twice (others ask about named people or a single choice).
WITH_STATEMENTS = [p for p in sorted((REPO / "solutions").glob("*/*.ipynb")) if has_statement_drop_downs(p)]


def test_some_assignment_has_statement_drop_downs():
    assert WITH_STATEMENTS, "no assignment labels its drop-downs with statements: the check below checks nothing"


@pytest.mark.parametrize("path", WITH_STATEMENTS, ids=lambda p: p.parent.name)
def test_drop_down_statements_match_the_question_text(path):
    nb = nbformat.read(path, as_version=4)
    checked = 0
    for i, cell in enumerate(nb.cells):
        items = widget_items(cell.source) if cell.cell_type == "code" else None
        if not items:
            continue
        question = next(c.source for c in reversed(nb.cells[:i]) if c.cell_type == "markdown")
        shown = squash(question)
        for key, text in items.items():
            if not text:
                continue
            assert squash(text) in shown, f"{path.name}: item {key!r} differs between the question and its drop-down"
            checked += 1
    assert checked
