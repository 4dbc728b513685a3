"""The learner side of coplearn.grading (answers, options, store, resolve, checks) and the answer widgets,
without nbgrader: fast unit tests."""

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
from coplearn.grading import AnswerStore, canonical, check_choice, check_number, check_several, checks, resolve
from coplearn.grading.answers import answer_source


@pytest.fixture
def ns(monkeypatch: pytest.MonkeyPatch) -> dict:
    """Stand in for the learner's notebook namespace (what they typed)."""
    space: dict = {}
    monkeypatch.setattr(resolve, "_namespace", lambda: space)
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
    ns["q1"]["task"] = "3\u00b746"  # 3·46, a raised decimal point (red team 11 F5)
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
    monkeypatch.setattr(checks, "_interactive", lambda: True)
    check_choice(None, "culture", "statement 3")
    check_several([], "item", 3, "question 2")
    check_number("lots", "the team score")
    out = capsys.readouterr().out
    assert out.count("Not ready yet: ") == 3 and "You have not answered statement 3 yet" in out  # text/plain only


def test_under_nbgrader_a_problem_always_fails_the_test(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert not checks._interactive()
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


SEVERAL_FORMS = [
    ([], "You have not answered question 2 yet", True),
    (["K8", "T4", "I2", "K5"], "you gave 4 different answers; the question asks for no more than 3, so none", True),
    (["K8", "Q9", "I2"], "'Q9', which is not one of the rated items of the team audit (it earns nothing; the others are marked)", False),
    (["K8", "K8", "I2"], "you chose K8 more than once (it is marked once)", False),
    (["K8", "I2"], "you gave 2 answers; the question asks for 3 (each right one you give earns its points)", False),
]


@pytest.mark.parametrize("answers, expected, stops_marking", SEVERAL_FORMS)
def test_several_form_messages_in_the_learners_notebook(answers: list, expected: str, stops_marking: bool,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setattr(checks, "_interactive", lambda: True)
    check_several(answers, "item", 3, "question 2")
    out = capsys.readouterr().out
    assert "Not ready yet: " in out and expected in out


@pytest.mark.parametrize("answers, expected, stops_marking", SEVERAL_FORMS)
def test_under_nbgrader_only_no_answer_or_too_many_stop_a_several_answer_being_marked(
        answers: list, expected: str, stops_marking: bool, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture) -> None:
    """A short answer, a repeat or a stray entry is marked as given (each right answer earns its
    points); naming more answers than asked would let a learner name every option, so it earns none."""
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    # (in a notebook being marked, a missing answer is said as found, not as what to do next)
    expected = expected.replace("You have not answered question 2 yet",
                                "You did not answer question 2: no answer was found for it, typed or chosen with the drop-downs")
    if stops_marking:
        with pytest.raises(AssertionError, match=expected):
            check_several(answers, "item", 3, "question 2")
    else:
        check_several(answers, "item", 3, "question 2")
        out = capsys.readouterr().out
        assert out.startswith("Note: ") and expected in out


def test_every_option_set_accepts_its_own_labels_and_aliases() -> None:
    for kind in ("culture", "readiness", "style", "stage", "future", "degree", "domain", "item"):
        for opt in grading.options(kind):
            for spelling in (opt.key, opt.label, *opt.aliases):
                assert canonical(spelling.upper(), kind) == opt.key, (kind, spelling)
    assert canonical("coaching", "style") == "selling" and canonical("educative", "future") == "developmental"


def test_the_papers_own_words_name_the_options_and_partnership_names_none() -> None:
    """Keys 13 #1: "managerial" and "humanitarian" (the paper's words), "monitor", "consultation" and
    "inform" were marked wrong when typed. #2: "partnership" could mean the course's partners or its
    co-producers (the paper uses it for service design), so it names neither and the learner is told."""
    assert canonical("Managerial", "culture") == "managed" and canonical("the managerial culture", "culture") == "managed"
    assert canonical("humanitarian", "culture") == "humanistic"
    assert canonical("monitor", "future") == "monitoring" and canonical("Consultation.", "degree") == "consulted"
    assert canonical("inform", "degree") == "informed"
    assert canonical("partnership", "degree") == "partnership"
    with pytest.raises(AssertionError) as err:
        check_choice("partnership", "degree", "scenario 3")
    assert "informed, consulted, partners, co-producers" in str(err.value) and "co_producers" not in str(err.value)


@pytest.mark.parametrize("typed", ["developmental/educative", "developmental / educative", "developmental (educative)",
                                   "Developmental/educative tool", "the developmental (educative) future"])
def test_the_papers_and_the_questions_wording_names_the_developmental_future(typed: str) -> None:
    """fid26b #4: "developmental/educative" (the paper's own words) and "developmental (educative)" (a4's
    question) were refused as "not one of the two futures"."""
    assert canonical(typed, "future") == "developmental"
    check_choice(canonical(typed, "future"), "future", "practice 1")


# ---- answers as data: the answer cell parser ------------------------------------------------------

@pytest.mark.parametrize("source, values", [
    ('q1 = {3: "managed", 4: None}', {"q1": {3: "managed", 4: None}}),
    ('# my answers\nq2   =   [ "managed" ,"professional" ]   # two\n\n', {"q2": ["managed", "professional"]}),
    ("q3 = 2.9\nq4: float = -1", {"q3": 2.9, "q4": -1}),
    ('q2 = {"K5", "T4"}', {"q2": ["K5", "T4"]}),  # a set becomes a (sorted) list
    ('q1_readiness = {"frank": "R3"}\nnote = "thinking about Dan"', {"q1_readiness": {"frank": "R3"}}),
    ('"""a docstring"""\npass', {}),
])
def test_plain_answer_cells_are_read_as_data(source: str, values: dict) -> None:
    cell = grading.parse_answer_cell(source)
    assert cell.plain and cell.problem is None
    assert cell.values == values


@pytest.mark.parametrize("source, names, why", [
    ("import os\nq1 = os.getcwd()", ("q1",), "line 1 is not a plain answer"),
    ("q1 = dict(lowfield.audit.domain_scores)", ("q1",), "worked out"),
    ("q1 = {n: 'managed' for n in range(1, 13)}", ("q1",), "worked out"),
    ("q2 = 1e999", ("q2",), "not a number that can be marked"),
    ("q2 = 'x' * 10", ("q2",), "worked out"),
    ("q3 = [[[['too', 'deep']]]]", ("q3",), "nested too deeply"),
    ("q3 = " + repr(list(range(500))), ("q3",), "more than 200"),
    ("q1, q2 = 'managed', 'humanistic'", ("q1", "q2"), "line 1 is not a plain answer"),
    ("q1 = 'managed'\n!cat /etc/passwd", (), "not Python that can be read"),
    ("%time q1 = 1", (), "not Python that can be read"),
    ("q1 = 1j", ("q1",), "complex"),
    ("class Always(str):\n    pass\nq1 = {1: 'managed'}", ("q1",), "line 1 is not a plain answer"),
    ("q1 = " + "[" * 300 + "]" * 300, (), "not Python that can be read"),
    ("q1 = '" + "x" * 30_000 + "'", (), "longer than 20,000 characters"),
    ("q3 = " + "9" * 5_000, (), "a number that large"),  # Python itself refuses more than 4,300 digits
])
def test_anything_else_is_not_a_plain_answer_and_says_why(source: str, names: tuple, why: str) -> None:
    cell = grading.parse_answer_cell(source)
    assert not cell.plain and cell.values == {}
    assert cell.names == names
    assert why in cell.problem


def test_canonical_answer_source_round_trips_and_runs_nothing() -> None:
    values = {"q1": {1: "managed", 2: None}, "q2": ["K5", "T4"], "q3": 3.25, "q4": "it's \"quoted\"\n"}
    source = answer_source(values)
    assert grading.parse_answer_cell(source).values == values
    with pytest.raises(ValueError, match="not an answer name"):
        answer_source({"__import__": 1})


def test_data_is_rebuilt_from_pythons_own_types() -> None:
    class Always(str):
        def __eq__(self, other: object) -> bool:
            return True
        __hash__ = str.__hash__

    data = grading.as_data({1: Always("managed")})
    assert type(data[1]) is str and data[1] != "humanistic"
    with pytest.raises(ValueError, match="not an answer"):
        grading.as_data(object())


# ---- the autograder's steps, without a kernel -------------------------------------------------------

def test_the_answer_schema_comes_from_the_test_cells() -> None:
    from coplearn.grading.schema import answer_schema

    schema = answer_schema([
        'answer = choice("q1", 3, kind="culture", label="statement 3")',
        "answer = choice('q1_readiness', 'frank', kind=\"readiness\")",
        'answer = several("q2", 3, kind="item")',
        'answer = number("q1x", "task")',
        'answer = choice(name, kind="culture")',  # not a literal: ignored
    ])
    assert sorted(schema) == ["q1", "q1_readiness", "q1x", "q2"]
    assert schema["q1"].items == frozenset({"3"}) and schema["q2"].count == 3 and schema["q1x"].kind == "number"


def _answers_file(tmp_path: Path, doc: object) -> Path:
    p = tmp_path / "answers.json"
    p.write_text(json.dumps(doc), encoding="utf-8")
    return p


def test_answers_json_is_checked_against_the_schema(tmp_path: Path) -> None:
    from coplearn.grading.schema import answer_schema, clean_answers

    schema = answer_schema(['choice("q1", 1, kind="culture")', 'choice("q1", 2, kind="culture")',
                            'several("q2", 2, kind="culture")', 'number("q3", "task")'])
    doc, notes = clean_answers(_answers_file(tmp_path, {
        "format": "coplearn-answers", "version": 2,
        "answers": {"q1.1": "Managed culture", "q1.2": "clan", "q1.9": "managed", "q2.1": "professional",
                    "q3.task": "3,25", "q9": "x", "__class__": "y", "q1": "managed"},
        "computed": {"q3": {"task": 3.5}, "q7": 1, "q1": {"a": [[[["deep"]]]]}},
    }), schema)
    assert doc["answers"] == {"q1.1": "managed", "q2.1": "professional", "q3.task": 3.25}
    assert doc["computed"] == {"q3": {"task": 3.5}}
    text = " | ".join(notes)
    for left_out in ("q1.2", "q1.9", "'q9'", "'__class__'", "'q7'", "q1"):
        assert left_out in text
    assert "'q1' gives one answer for the whole of q1, which is answered item by item (q1.1 and so on)" in text  # (red team 23b F2)


@pytest.mark.parametrize("content", [
    "not json", "[]", '{"format": "other", "answers": {}}', '{"format": "coplearn-answers", "answers": []}',
    "[" * 100_000 + "]" * 100_000,
])
def test_an_unusable_answers_file_gives_no_answers_and_a_note(tmp_path: Path, content: str) -> None:
    from coplearn.grading.schema import clean_answers

    p = tmp_path / "answers.json"
    p.write_text(content, encoding="utf-8")
    doc, notes = clean_answers(p, {})
    assert doc is None and notes


def test_a_linked_answers_file_is_not_followed(tmp_path: Path) -> None:
    from coplearn.grading.schema import clean_answers

    secret = tmp_path / "secret.json"
    secret.write_text('{"format": "coplearn-answers", "answers": {"q1": "managed"}}', encoding="utf-8")
    (tmp_path / "answers.json").symlink_to(secret)
    doc, notes = clean_answers(tmp_path / "answers.json", {})
    assert doc is None and "not a plain file" in notes[0]


def test_the_grading_folder_keeps_only_the_notebooks_answers_and_released_files(tmp_path: Path) -> None:
    from coplearn.grading.schema import answer_schema
    from coplearn.grading.submission import prune_folder

    source = tmp_path / "solutions" / "a3"
    source.mkdir(parents=True)
    (source / "team.csv").write_text("released data\n", encoding="utf-8")
    (source / "a3.ipynb").write_text("{}", encoding="utf-8")
    folder = tmp_path / "autograded" / "s1" / "a3"
    folder.mkdir(parents=True)
    (folder / "a3.ipynb").write_text("{}", encoding="utf-8")
    (folder / "team.csv").write_text("released data\n", encoding="utf-8")
    (folder / "timestamp.txt").write_text("2026-12-02 10:00:00", encoding="utf-8")
    (folder / "answers.json").write_text(json.dumps({"format": "coplearn-answers", "answers": {"q3": "team", "q8": 1}}))
    shipped = {
        "coplearn/__init__.py": "raise SystemExit", "coplearn/grading/answers.py": "def choice(*a, **k): return 'x'",
        "sitecustomize.py": "import os", "usercustomize/__init__.py": "", "evil.pth": "import os",
        ".ipython/profile_default/startup/00.py": "x = 1", "ipython_config.py": "c = 1",
        "ipython_kernel_config.py": "c = 1", "notes.ipynb": "{}", "other.csv": "1",
    }
    for rel, text in shipped.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    (folder / "linked.csv").symlink_to(source / "team.csv")
    removed, notes = prune_folder(folder, {"a3.ipynb"}, source, answer_schema(['choice("q3", kind="domain")']))
    left = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))
    assert left == ["a3.ipynb", "answers.json", "team.csv", "timestamp.txt"]
    for rel in ("coplearn/", "sitecustomize.py", "usercustomize/", "evil.pth", ".ipython/", "ipython_config.py",
                "ipython_kernel_config.py", "notes.ipynb", "other.csv", "linked.csv"):
        assert rel in removed
    assert json.loads((folder / "answers.json").read_text())["answers"] == {"q3": "team"}
    assert any("'q8'" in n for n in notes)
    # a released data file the student changed is left out too
    (folder / "team.csv").write_text("changed\n", encoding="utf-8")
    removed, _ = prune_folder(folder, {"a3.ipynb"}, source, {})
    assert removed == ["team.csv"]


def test_the_grading_kernel_environment_keeps_the_submission_off_the_path() -> None:
    from coplearn.grading.sandbox import kernel_env

    env = kernel_env({"PATH": "/usr/bin", "PYTHONPATH": f".{os.pathsep}/opt/x{os.pathsep}rel",
                      "PYTHONSTARTUP": "/home/me/start.py", "PYTHONHOME": "/x"}, "/tmp/empty")
    assert env["PYTHONSAFEPATH"] == "1" and env["PYTHONNOUSERSITE"] == "1"
    assert env["PYTHONPATH"] == "/opt/x" and "PYTHONSTARTUP" not in env and "PYTHONHOME" not in env
    assert env["IPYTHONDIR"] == "/tmp/empty" and env["NBGRADER_EXECUTION"] == "autograde"


def test_a_newer_major_version_of_nbgrader_is_refused_with_a_clear_message() -> None:
    from coplearn.grading.versions import check_versions

    check_versions()  # what is installed is supported
    for package, version in (("nbgrader", "0.10.0"), ("nbclient", "1.0.0"), ("jupyter_client", "9.0.1")):
        versions = {"nbgrader": "0.9.6", "nbclient": "0.11.0", "jupyter_client": "8.10.0", package: version}
        with pytest.raises(RuntimeError, match=f"built for {package} .* but {package} {version} is installed"):
            check_versions(versions)


# ---- the executor's time budget -------------------------------------------------------------------------

def test_once_the_notebook_budget_is_spent_each_cell_gets_a_short_timeout() -> None:
    from coplearn.grading.sandbox import SandboxedExecute

    execute = SandboxedExecute(timeout=30, notebook_timeout=100, timeout_after_budget=2)
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
    # the box keeps the refused text: the message says what is still saved, and the earlier "saved" line goes (walk29b L2)
    assert "so your saved answer is still 3.46" in n.messages.value and "saved:" not in n.status.value
    fresh = NumberAnswers("q4", {"task": "Task score"}, folder=tmp_path)
    fresh.boxes["task"].value = "about 3"
    assert "so nothing is saved for it yet" in fresh.messages.value
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


def test_the_answer_widgets_line_lists_the_items_in_their_own_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """walk26 T-L4: formgrader and the feedback read "q1.1 = ..., q1.10 = ..., q1.11 = ..., q1.2 = ..."."""
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    from coplearn.widgets.answers import ChoiceQuestions

    w = ChoiceQuestions("q1", {n: f"Statement {n}." for n in range(1, 13)}, kind="culture", folder=tmp_path)
    for n in (10, 2, 1, 11):
        w.dropdowns[n].value = "managed"
    assert w._repr_mimebundle_()["text/plain"] == (
        "Answer widgets for q1: q1.1 = managed, q1.2 = managed, q1.10 = managed, q1.11 = managed")
