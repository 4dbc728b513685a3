"""coplearn.grading and the answer widgets, without nbgrader: fast unit tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from coplearn import grading
from coplearn.grading import AnswerStore, canonical, check_choice, check_number, check_several, submission_problems


@pytest.fixture
def ns(monkeypatch: pytest.MonkeyPatch) -> dict:
    """Stand in for the learner's notebook namespace (what they typed)."""
    space: dict = {}
    monkeypatch.setattr(grading, "_namespace", lambda: space)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    return space


# ---- the answers file ------------------------------------------------------------------------

def test_answers_are_saved_atomically_and_read_back(tmp_path: Path) -> None:
    store = AnswerStore(tmp_path)
    assert store.save("q1.3", "managed") and store.save("q2", "storming")
    assert store.save("q1.3", None)  # clearing a choice
    doc = json.loads((tmp_path / "answers.json").read_text())
    assert doc["format"] == "coplearn-answers" and doc["answers"] == {"q2": "storming"}
    assert not list(tmp_path.glob("*.tmp")) and not (tmp_path / "answers.json.lock").exists()


def test_an_unreadable_answers_file_is_moved_aside_not_overwritten(tmp_path: Path) -> None:
    (tmp_path / "answers.json").write_text("{ broken")
    store = AnswerStore(tmp_path)
    assert store.get("q1.1") is None and "could not be read" in store.last_warning
    store.save("q1.1", "managed")
    kept = list(tmp_path.glob("answers.json.unreadable-*"))
    assert len(kept) == 1 and kept[0].read_text() == "{ broken"
    assert "kept as" in store.last_warning
    assert AnswerStore(tmp_path).get("q1.1") == "managed"


def test_nothing_is_saved_in_the_tutors_source_copy_or_while_nbgrader_runs(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "solutions" / "a1-learning-cultures"
    source.mkdir(parents=True)
    (tmp_path / "nbgrader_config.py").write_text("")
    assert not AnswerStore(source).save("q1.1", "managed")
    assert "tutor's source copy" in AnswerStore(source).read_only_reason
    assert not (source / "answers.json").exists()
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert not AnswerStore(tmp_path).save("q1.1", "managed")


# ---- resolving answers: typed first, then the drop-down ------------------------------------------

def test_a_typed_answer_wins_over_the_drop_down(tmp_path: Path, ns: dict, capsys: pytest.CaptureFixture) -> None:
    AnswerStore(tmp_path).save("q1.3", "humanistic")
    ns["q1"] = {3: " Managed culture "}
    assert grading.choice("q1", 3, kind="culture", label="statement 3", folder=tmp_path) == "managed"
    assert "Your answer to statement 3: managed (typed)" in capsys.readouterr().out
    ns["q1"] = {3: None}
    assert grading.choice("q1", 3, kind="culture", label="statement 3", folder=tmp_path) == "humanistic"
    assert "(chosen with the drop-down)" in capsys.readouterr().out


def test_a_blank_answer_is_reported_as_not_answered(tmp_path: Path, ns: dict, capsys: pytest.CaptureFixture) -> None:
    assert grading.choice("q2", kind="stage", label="the stage", folder=tmp_path) is None
    assert "Your answer to the stage: not answered yet." in capsys.readouterr().out
    assert grading.several("q3", 2, kind="culture", folder=tmp_path) == []


def test_several_reads_a_typed_list_text_or_the_drop_downs(tmp_path: Path, ns: dict) -> None:
    ns["q2"] = "k8, T5 ,i2"
    assert grading.several("q2", 3, kind="item", folder=tmp_path) == ["K8", "T5", "I2"]
    ns["q2"] = None
    store = AnswerStore(tmp_path)
    store.save("q2.1", "T4")
    store.save("q2.3", "K8")
    assert grading.several("q2", 3, kind="item", folder=tmp_path) == ["T4", "K8"]


def test_numbers_accept_commas_and_whole_numbers(tmp_path: Path, ns: dict) -> None:
    ns["q1"] = {"task": "3,46", "team": 3, "individual": "about three"}
    assert grading.number("q1", "task", folder=tmp_path) == 3.46
    assert grading.number("q1", "team", folder=tmp_path) == 3.0
    assert grading.number("q1", "individual", folder=tmp_path) == "about three"


def test_a_flood_of_typed_text_is_not_echoed_in_full(tmp_path: Path, ns: dict, capsys: pytest.CaptureFixture) -> None:
    ns["q1"] = {1: "x" * 100_000}
    grading.choice("q1", 1, kind="culture", folder=tmp_path)
    assert len(capsys.readouterr().out) < 200


# ---- form checks speak to the learner ----------------------------------------------------------

@pytest.mark.parametrize("answer, kind, expected", [
    (None, "culture", "You have not answered statement 3 yet. Choose a learning culture from the drop-down"),
    ("clan", "culture", "'clan', which is not one of the four learning cultures"),
    ("R5", "readiness", "not one of the four readiness levels. Choose one of: R1, R2, R3, R4"),
    (3, "future", "not one of the two futures for supervision"),
])
def test_choice_form_messages(answer: object, kind: str, expected: str) -> None:
    with pytest.raises(AssertionError, match=expected):
        check_choice(answer, kind, "statement 3")


def test_in_the_learners_own_notebook_a_problem_is_shown_not_raised(monkeypatch: pytest.MonkeyPatch,
                                                                    capsys: pytest.CaptureFixture) -> None:
    """Run All Cells would stop at the first unanswered item if the check raised there."""
    monkeypatch.setattr(grading, "_interactive", lambda: True)
    check_choice(None, "culture", "statement 3")
    check_several([], "item", 3, "question 2")
    check_number("lots", "the team score")
    out = capsys.readouterr().out
    assert out.count("Not ready yet: ") == 3 and "You have not answered statement 3 yet" in out  # text/plain only


def test_under_nbgrader_a_problem_always_fails_the_test(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert not grading._interactive()
    with pytest.raises(AssertionError):
        check_choice(None, "culture", "statement 3")


def test_a_valid_choice_passes_the_form_check_whether_or_not_it_is_right() -> None:
    check_choice("democratic", "culture", "statement 1")
    check_several(["K8", "T4", "I2"], "item", 3, "question 2")
    check_number(2.92, "the team score")


@pytest.mark.parametrize("answer, expected", [
    (None, "You have not answered the team score yet"),
    ("lots", "which is not a number"),
    (True, "which is not a number"),
    (float("nan"), "which is not a number"),
    (7.5, "must lie between 1 and 5"),
])
def test_number_form_messages(answer: object, expected: str) -> None:
    with pytest.raises(AssertionError, match=expected):
        check_number(answer, "the team score")


@pytest.mark.parametrize("answers, expected", [
    ([], "You have not answered question 2 yet"),
    (["K8", "Q9", "I2"], "'Q9', which is not one of the rated items"),
    (["K8", "K8", "I2"], "you chose K8 more than once"),
    (["K8", "I2"], "you gave 2 answers; the question asks for exactly 3"),
])
def test_several_form_messages(answers: list, expected: str) -> None:
    with pytest.raises(AssertionError, match=expected):
        check_several(answers, "item", 3, "question 2")


def test_every_option_set_accepts_its_own_labels_and_aliases() -> None:
    for kind in ("culture", "readiness", "style", "stage", "future", "degree", "domain", "item"):
        for opt in grading.options(kind):
            for spelling in (opt.key, opt.label, *opt.aliases):
                assert canonical(spelling.upper(), kind) == opt.key, (kind, spelling)
    assert canonical("coaching", "style") == "selling" and canonical("educative", "future") == "developmental"


# ---- the submission guard ---------------------------------------------------------------------------

@pytest.mark.parametrize("source", [
    'q1 = {1: "managed", 2: None, 3: "Humanistic"}',
    'q2 = ["managed", "professional"]\nq3 = None',
    "q1 = dict(lowfield.domain_scores)\nq2 = list(lowfield.weakest)",
    "from coplearn.survey import read_survey\nimport coplearn as cl\nr = cl.score_audit({'K1': 2})",
    "answer = 'x'.replace('x', 'managed')\nitems = [1, 2]\nitems.remove(1)\nfor n in range(3):\n    q1[n] = None",
    "def tidy(text):\n    return text.strip().lower()\nq2 = tidy(' Storming ')",
    "this is not python (",  # a syntax error runs nothing, so nothing to guard
])
def test_ordinary_answers_pass_the_guard(source: str) -> None:
    assert submission_problems(source) == []


@pytest.mark.parametrize("source, why", [
    ("import os\nos._exit(1)", "imports 'os'"),
    ("import builtins\nbuiltins.AssertionError = Warning", "imports 'builtins'"),
    ("get_ipython().showtraceback = lambda *a: None", "uses 'get_ipython'"),
    ("%load_ext something", "uses 'get_ipython'"),
    ("!cat ../../../solutions/a1/a1.ipynb", "uses 'get_ipython'"),
    ("cl.grading.choice = lambda *a, **k: 'managed'", "changes the attribute 'choice'"),
    ("x = ''.__class__", "private name '__class__'"),
    ("class Yes(str):\n    pass", "defines a class"),
    ("S = type('S', (str,), {'__eq__': lambda s, o: True})", "uses 'type'"),
    ("len = lambda x: 3", "redefines the built-in name 'len'"),
    ("def print(*a):\n    pass", "redefines the built-in name 'print'"),
    ("text = open('../../../gradebook.db').read()", "uses 'open'"),
    ("f = getattr(cl, 'grading')", "uses 'getattr'"),
    ("cl.journal.os.system('ls')", "uses 'os'"),
    ("j.path.read_text()", "uses 'read_text'"),
    ("from .. import secrets", "imports from '.'"),
    ("exec('print(1)')", "uses 'exec'"),
])
def test_tampering_is_caught_by_the_guard(source: str, why: str) -> None:
    problems = submission_problems(source)
    assert any(why in p for p in problems), problems


def test_the_guard_comments_out_only_student_code(tmp_path: Path) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    locked = nbformat.v4.new_code_cell("import os  # the tutor's own setup")
    locked.metadata["nbgrader"] = {"grade": False, "locked": True, "solution": False, "grade_id": "setup",
                                   "schema_version": 3}
    answer = nbformat.v4.new_code_cell("q1 = {1: 'managed'}\nimport builtins")
    answer.metadata["nbgrader"] = {"grade": False, "locked": False, "solution": True, "grade_id": "q1-typed",
                                   "schema_version": 3}
    mine = nbformat.v4.new_code_cell("q2 = 'storming'")
    nb.cells = [locked, answer, mine]
    nb, resources = grading.guard_submission(nb, {"nbgrader": {"student": "s"}})
    assert nb.cells[0].source == "import os  # the tutor's own setup"
    assert nb.cells[1].source.startswith("# The course's autograder did not run this cell")
    assert "# | import builtins" in nb.cells[1].source
    compile(nb.cells[1].source, "cell", "exec")  # still valid Python: it prints a note when run
    assert nb.cells[2].source == "q2 = 'storming'"
    assert resources["coplearn_guard"][0]["cell"] == 1


# ---- the kernel lock-down ---------------------------------------------------------------------------

def test_the_lock_down_keeps_code_inside_the_assignment_folder(tmp_path: Path) -> None:
    course = tmp_path / "course"
    work = course / "autograded" / "s1" / "a1"
    (course / "solutions" / "a1").mkdir(parents=True)
    work.mkdir(parents=True)
    (course / "nbgrader_config.py").write_text("c = get_config()\n")
    (course / "gradebook.db").write_text("the gradebook")
    (course / "solutions" / "a1" / "a1.ipynb").write_text("the answers")
    (work / "answers.json").write_text("{}")
    elsewhere = tmp_path / "exchange"
    elsewhere.mkdir()
    (elsewhere / "other.ipynb").write_text("another student's work")
    outside = Path("/var/tmp") / f"coplearn-lockdown-{os.getpid()}-{time.time_ns()}.txt"  # not the temp folder
    script = textwrap.dedent(f"""
        import os, subprocess, sys
        sys.path.insert(0, {str(Path(grading.__file__).parents[1])!r})
        os.chdir({str(work)!r})
        from coplearn.grading import lock_down_kernel
        lock_down_kernel(memory_mb=0, cpu_seconds=0)
        def attempt(name, fn):
            try:
                fn()
                print(name, "allowed")
            except PermissionError as exc:
                print(name, "refused", exc)
        attempt("own answers", lambda: open("answers.json").read())
        attempt("write own folder", lambda: open("notes.txt", "w").write("x"))
        attempt("stdlib", lambda: open(os.__file__).read(10))
        attempt("solutions", lambda: open("../../../solutions/a1/a1.ipynb").read())
        attempt("gradebook", lambda: open("../../../gradebook.db").read())
        attempt("config", lambda: open("../../../nbgrader_config.py").read())
        attempt("list course", lambda: os.listdir("../../.."))
        attempt("exchange", lambda: open({str(elsewhere / 'other.ipynb')!r}).read())
        attempt("write course", lambda: open("../../../new.txt", "w"))
        attempt("write elsewhere", lambda: open({str(outside)!r}, "w"))
        attempt("rename gradebook", lambda: os.replace("../../../gradebook.db", "g.db"))
        attempt("program", lambda: subprocess.run(["cat", "../../../gradebook.db"]))
        attempt("signal", lambda: os.kill(os.getppid(), 0))
        try:
            with open("big.bin", "wb") as fh:
                fh.write(b"x" * (3 * 1024 * 1024))
            print("huge file allowed")
        except OSError:
            print("huge file refused")
    """)
    env = dict(os.environ, COPLEARN_PROTECTED_PATHS=str(elsewhere), COPLEARN_KERNEL_FILE_MB="2")
    assert not outside.exists()
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60).stdout
    verdict = {line.rsplit(" allowed", 1)[0] if line.endswith("allowed") else line.split(" refused")[0]:
               ("allowed" if line.endswith("allowed") else "refused") for line in out.splitlines()}
    assert verdict == {
        "own answers": "allowed", "write own folder": "allowed", "stdlib": "allowed",
        "solutions": "refused", "gradebook": "refused", "config": "refused", "list course": "refused",
        "exchange": "refused", "write course": "refused", "write elsewhere": "refused", "rename gradebook": "refused",
        "program": "refused", "signal": "refused", "huge file": "refused",
    }, out
    assert (course / "gradebook.db").read_text() == "the gradebook"
    assert not outside.exists() and not (course / "new.txt").exists()


# ---- the guarded executor's time budget ----------------------------------------------------------------

def test_once_the_notebook_budget_is_spent_each_cell_gets_a_short_timeout() -> None:
    execute = grading.GuardedExecute(timeout=30, notebook_timeout=100, timeout_after_budget=2)
    execute._coplearn_started = time.monotonic()
    assert execute._get_timeout(None) == 30
    execute._coplearn_started = time.monotonic() - 90
    assert 2 <= execute._get_timeout(None) <= 10
    execute._coplearn_started = time.monotonic() - 200
    assert execute._get_timeout(None) == 2


# ---- the answer widgets --------------------------------------------------------------------------------

def test_widgets_save_choices_and_show_them_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    from coplearn.widgets.answers import ChoiceQuestions, NumberAnswers, SeveralChoices

    w = ChoiceQuestions("q1", {1: "First statement.", 2: "Second."}, kind="culture", folder=tmp_path)
    assert all(dd.description for dd in w.dropdowns.values())  # accessible labels
    w.dropdowns[2].value = "democratic"
    assert "saved" in w.status.value and AnswerStore(tmp_path).get("q1.2") == "democratic"
    again = ChoiceQuestions("q1", {1: "First statement.", 2: "Second."}, kind="culture", folder=tmp_path)
    assert again.dropdowns[2].value == "democratic" and again.dropdowns[1].value == ""
    assert again.dropdowns[1].label == "Choose..."
    again.dropdowns[2].value = ""
    assert AnswerStore(tmp_path).get("q1.2") is None
    again.dropdowns[2].value = "democratic"
    assert again._repr_mimebundle_()["text/plain"] == "Answer widgets for q1: q1.2 = democratic"

    s = SeveralChoices("q2", 3, kind="item", folder=tmp_path)
    s.dropdowns[0].value = "K8"
    assert AnswerStore(tmp_path).get("q2.1") == "K8"

    n = NumberAnswers("q3", {"task": "Task score"}, folder=tmp_path)
    n.boxes["task"].value = "3,46"
    assert AnswerStore(tmp_path).get("q3.task") == 3.46
    n.boxes["task"].value = "three"
    assert "is not a number" in n.messages.value and AnswerStore(tmp_path).get("q3.task") == 3.46
    assert NumberAnswers("q3", {"task": "Task score"}, folder=tmp_path).boxes["task"].value == "3.46"


def test_widgets_in_the_tutors_copy_say_why_nothing_is_saved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    from coplearn.widgets.answers import ChoiceQuestions

    source = tmp_path / "solutions" / "a2"
    source.mkdir(parents=True)
    (tmp_path / "nbgrader_config.py").write_text("")
    w = ChoiceQuestions("q2", None, kind="stage", folder=source)
    assert "source copy (solutions/)" in w.status.value
    w.dropdowns["q2"].value = "norming"
    assert not (source / "answers.json").exists()


def test_items_can_have_their_own_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    from coplearn.widgets.answers import ChoiceQuestions

    people = {"frank": "Frank", "dan": "Dan"}
    w = ChoiceQuestions("q1_style", dict.fromkeys(people, ""), names=people, kind="style",
                        prompt="leadership style", title="The style that suits it", folder=tmp_path)
    assert [dd.description for dd in w.dropdowns.values()] == ["Frank: leadership style", "Dan: leadership style"]
    w.dropdowns["dan"].value = "telling"
    assert AnswerStore(tmp_path).get("q1_style.dan") == "telling"
    single = ChoiceQuestions("q2_stage", None, kind="stage", prompt="the Northgate team's stage", folder=tmp_path)
    assert single.dropdowns["q2_stage"].description == "The Northgate team's stage"
