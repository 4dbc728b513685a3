"""walk30s: a student doing a1, a4 and a5 in JupyterLab (findings M1, M2, L1, L2, L5)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from nbcourse import ran_cell

pytestmark = [pytest.mark.nbgrader]

REPO = Path(__file__).resolve().parents[2]


def test_a_slip_on_a_second_run_all_does_not_say_an_earlier_cell_gives_the_answer(monkeypatch) -> None:
    """M1: Run All, then a slip in the answer cell and Run All again in the same kernel: the note said "Meanwhile the
    answer given for q1 in an earlier cell is the one marked" (the last run's value, still in the kernel), while the
    autograder marks only the drop-downs. The answer cell's own earlier value is not kept; another cell's still is."""
    import IPython

    from coplearn.grading import resolve

    shell = SimpleNamespace(user_ns={}, events=SimpleNamespace(register=lambda *a: None),
                            InteractiveTB=SimpleNamespace(set_mode=lambda **k: None))
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    monkeypatch.setattr(resolve, "_TRACKING", True)  # (as after the set-up cell's first run: nothing to register)
    for name in ("_MARKED", "_HOW", "_GIVEN_IN", "_GIVEN_BY"):
        monkeypatch.setattr(resolve, name, {})
    for name in ("_UNREAD", "_UNREAD_AT_GRADING"):
        monkeypatch.setattr(resolve, name, set())
    typed, slip = 'q1 = {7: "humanistic"}', 'q1 = {7: "humanistic}'
    resolve.prepare_answers()
    ran_cell(typed, "answer-cell")
    shell.user_ns["q1"] = {7: "humanistic"}
    resolve.prepare_answers()  # Run All again: the set-up cell runs first, with the last run's q1 in the kernel
    said = ran_cell(slip, "answer-cell", broken=True)
    assert "q1" not in resolve._MARKED and "Meanwhile" not in said, said
    assert "Until you mend it, the answers given with the drop-downs (or boxes) are the ones marked" in said, said
    # an answer another cell gave (the set-up cell run again below it) still stands, as the autograder marks it
    resolve.prepare_answers()
    ran_cell(typed, "earlier-cell")
    resolve.prepare_answers()
    said = ran_cell(slip, "answer-cell", broken=True)
    assert resolve._MARKED["q1"] == {7: "humanistic"} and "Meanwhile the answer given for q1 in an earlier cell" in said


def test_validate_fails_on_a_several_choice_answer_short_of_its_count(monkeypatch, capsys) -> None:
    """M2: a1 Q2 with one culture of two showed "Not ready yet" in the notebook, and nbgrader validate said "Success!".
    Under validate a short or repeated answer now fails; the autograder still marks what is given, with a note."""
    from coplearn.grading import checks

    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    with pytest.raises(AssertionError, match="you gave 1 answer; the question asks for 2"):
        checks.check_several(["managed"], "culture", 2, "question 2")
    with pytest.raises(AssertionError, match="more than once"):
        checks.check_several(["managed", "managed"], "culture", 2, "question 2")
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    checks.check_several(["managed"], "culture", 2, "question 2")
    assert "Note: For question 2 you gave 1 answer" in capsys.readouterr().out


def _cells(assignment: str) -> list[dict]:
    path = REPO / "solutions" / assignment / f"{assignment}.ipynb"
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def test_every_assignment_gives_the_keyboard_route_to_run_all_and_a5_has_no_stray_asterisks() -> None:
    """L2: the assignments gave only the menu route to Run All, unlike every lesson; L1: a5's task cells opened an
    italic in one paragraph and closed it in the next, so both asterisks showed."""
    import re

    for folder in sorted((REPO / "solutions").iterdir()):
        cells = _cells(folder.name)
        first = "".join(cells[0]["source"])
        if "Run All Cells" in first:  # (a5, written answers only, has nothing to run first)
            assert "Ctrl+Shift+C" in first and "type run all" in first, (folder.name, first[:400])
        for cell in cells:
            if cell["cell_type"] != "markdown":
                continue
            for paragraph in "".join(cell["source"]).split("\n\n"):
                plain = re.sub(r"\*\*", "", paragraph)
                assert plain.count("*") % 2 == 0, (folder.name, paragraph[:200])


def test_the_grading_kernels_reset_empties_every_record_the_learners_checks_keep() -> None:
    """A kept grading kernel runs one student's notebook after another, reset between them (kept_kernel._RESET). Every
    module-level record the checks keep (what was marked, which cells gave it, the items a widget named, what was
    said) must be emptied there, or one student's answers could colour the next one's messages (red team 30: not
    tried; this session added four such records)."""
    import re

    from coplearn.grading import kept_kernel, resolve

    records = {n for n, v in vars(resolve).items() if n.startswith("_") and n == n.upper() and isinstance(v, (dict, set))}
    emptied = set(re.findall(r"_g\.(_[A-Z_]+)", kept_kernel._RESET))
    assert records and not records - emptied, f"not emptied by the reset: {sorted(records - emptied)}"
