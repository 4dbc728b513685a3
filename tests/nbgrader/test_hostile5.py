"""Submissions found by red team 6 (`/work/logs/redteam6.md`), graded serially through nbgrader's API
(as formgrader runs it) and again with ``coplearn autograde --jobs 2``: both must give the same marks.

Honest answers typed as some learners type them (they earned 0 before):

- z-fullwidth  the cultures typed in full-width letters (an East Asian input method's full-width
               mode: ``ｍａｎａｇｅｄ``), q2 with a full-width comma
- z-zwsp       each culture with a zero-width space copied along from a web page
- z-shy        each culture with a soft hyphen inside it (copied from a PDF)
- z-and        q2 typed as "Managed and professional" (q2 earned nothing)

Honest notebooks that are not valid nbformat as handed in (edited by hand or by another tool), which
serial nbgrader failed with a traceback while ``--jobs 2`` graded them (the two disagreed):

- z-celltype   an extra cell of an unknown type
- z-count      an execution count that is text
- z-output     an output whose text is a number
- z-tags       cell tags that are text, not a list
- z-collapsed  ``collapsed: "yes"``
- z-badid      a cell id with spaces (nbformat refuses it)
- z-twinid     two cells with the same id

Each earns the honest 40, in both modes.

Notebooks nbgrader cannot read (a byte-order mark, UTF-16, empty, extra data after the JSON) fail alone
as before, now with one plain line naming the student and what to do, before nbgrader's traceback.

- z-many       an honest notebook beside 600 empty files and a link, put in ``submitted/`` by hand
               (nbgrader's copy lists the folder again for every file: 20,000 took ten minutes and
               held up everyone after; and it follows links): moved aside untouched before nbgrader
               copies anything, not graded, that student alone, named, in both modes; ``collect`` refuses such
               a folder from the exchange, naming the student, and collects the others.
"""

from __future__ import annotations

import contextlib
import copy
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from nbcourse import A1, A1_KEYS, A1_RIGHT_Q1, A1_RIGHT_Q2, FAST, Course, index_of, new_cell, set_source

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]


def _honest(nb: dict) -> None:
    set_source(nb, "q1-typed", A1_RIGHT_Q1)
    set_source(nb, "q2-typed", A1_RIGHT_Q2)


def _typed_as(spell: Callable[[str], str], q2: str) -> Callable[[dict], None]:
    def change(nb: dict) -> None:
        set_source(nb, "q1-typed", "q1 = " + repr({k: spell(v) for k, v in A1_KEYS.items()}))
        set_source(nb, "q2-typed", q2)
    return change


def _fullwidth(word: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in word)


def _on_q2(**fields: object) -> Callable[[dict], None]:
    def change(nb: dict) -> None:
        _honest(nb)
        cell = nb["cells"][index_of(nb, "q2-typed")]
        for key, value in fields.items():
            if key == "metadata":
                cell["metadata"].update(value)  # type: ignore[arg-type]
            else:
                cell[key] = value
    return change


def _extra_cell(cell: dict) -> Callable[[dict], None]:
    def change(nb: dict) -> None:
        _honest(nb)
        nb["cells"].insert(3, copy.deepcopy(cell))
    return change


def _twin_id(nb: dict) -> None:
    _honest(nb)
    nb["cells"][index_of(nb, "q2-typed")]["id"] = nb["cells"][index_of(nb, "q1-typed")]["id"]


KINDS: dict[str, Callable[[dict], None]] = {
    "z-fullwidth": _typed_as(_fullwidth, 'q2 = "' + _fullwidth("managed") + "\uff0c" + _fullwidth("professional") + '"'),
    "z-zwsp": _typed_as(lambda w: w + "\u200b", 'q2 = ["\u200bmanaged", "professional\u200b"]'),
    "z-shy": _typed_as(lambda w: w[:3] + "\u00ad" + w[3:], 'q2 = ["man\u00adaged", "profes\u00adsional"]'),
    "z-and": _typed_as(str.capitalize, 'q2 = "Managed and professional"'),
    "z-celltype": _extra_cell({"cell_type": "weird", "id": "mine-weird", "metadata": {}, "source": "hello"}),
    "z-count": _on_q2(execution_count="3"),
    "z-output": _on_q2(outputs=[{"output_type": "stream", "name": "stdout", "text": 5}]),
    "z-tags": _on_q2(metadata={"tags": "not-a-list"}),
    "z-collapsed": _on_q2(metadata={"collapsed": "yes"}),
    "z-badid": _on_q2(id="bad id with spaces"),
    "z-twinid": _twin_id,
    "z-honest": _honest,
}


@pytest.fixture(scope="module")
def run(course: Course) -> dict:
    for sid, change in KINDS.items():
        course.student(sid).hand_in(A1, change)
    api = course.api(**FAST)
    course.ok(api.collect(A1))
    from coplearn.grading.submission import MAX_ENTRIES

    many = course.root / "submitted" / "z-many" / A1
    aside = many.parent / f".{A1}.not-graded"
    shutil.copytree(course.root / "submitted" / "z-honest" / A1, many)
    for i in range(MAX_ENTRIES + 100):
        (many / f"junk{i}.txt").write_text("")
    (many / "data.csv").symlink_to(course.root / "nbgrader_config.py")  # a link nbgrader's copy would follow
    serial = api.autograde(A1, "z-*")
    serial_scores = {sid: course.score(A1, sid) for sid in KINDS}
    moved = {"gone": not many.exists(), "aside": aside.is_dir() and (aside / "data.csv").is_symlink()}

    from coplearn.grading.parallel import autograde_parallel

    aside.rename(many)  # as the tutor would, to grade it again: both modes meet it
    report = autograde_parallel(A1, jobs=2, course_dir=course.root,
                                nbgrader_args=["--student=z-*", "--force", "--Execute.timeout=10",
                                               "--SandboxedExecute.notebook_timeout=90"])
    parallel_scores = {sid: course.score(A1, sid) for sid in KINDS}
    moved["again"] = not many.exists() and aside.is_dir()
    return {"serial": serial, "serial_scores": serial_scores, "report": report, "parallel_scores": parallel_scores,
            "moved": moved}


@pytest.mark.parametrize("student", sorted(KINDS))
def test_each_earns_its_honest_answers_serially(run: dict, student: str) -> None:
    assert run["serial_scores"][student] == 40, (student, run["serial_scores"])


def test_only_the_folder_of_many_files_failed_serially_and_it_is_named(run: dict, course: Course) -> None:
    log = run["serial"]["log"]
    failures = [line for line in log.splitlines() if "There was an error processing assignment" in line
                and "for student" in line]
    assert failures and all("'z-many'" in line for line in failures), failures
    assert "coplearn: z-many: not graded: the submitted folder holds more than 500 files and folders" in log
    assert not (course.root / "autograded" / "z-many" / A1).exists()
    # nbgrader never copied from it (its copy follows links and lists the folder again for every
    # file): the folder was moved, untouched, out of nbgrader's reach, and the log says where
    assert not [line for line in log.splitlines() if "Copying" in line and "/z-many/" in line]
    assert run["moved"]["gone"] and run["moved"]["aside"] and run["moved"]["again"], run["moved"]
    assert f".{A1}.not-graded" in log


def test_parallel_gives_the_same_marks(run: dict) -> None:
    report = run["report"]
    assert report.failed == ("z-many",), report.summary()
    assert sorted(report.graded) == sorted(KINDS)
    assert run["parallel_scores"] == run["serial_scores"]


def test_collect_refuses_a_folder_of_many_files_and_collects_the_rest(run: dict, course: Course) -> None:
    from coplearn.grading.submission import MAX_ENTRIES

    many = course.student("z-many-exchange")

    def with_junk(nb: dict) -> None:
        _honest(nb)
        for i in range(MAX_ENTRIES + 10):
            (many.folder(A1) / f"junk{i}.txt").write_text("")

    many.hand_in(A1, with_junk)
    course.student("z-after").hand_in(A1, _honest)
    try:
        result = course.api().collect(A1)
    finally:
        # the course is shared by the whole session: later tests collect A1 too
        shutil.rmtree(course.inbound("z-many-exchange", A1))
    shown = json.dumps(result)
    assert not (course.root / "submitted" / "z-many-exchange" / A1).exists()
    assert (course.root / "submitted" / "z-after" / A1 / f"{A1}.ipynb").is_file()
    assert "z-many-exchange" in shown and f"more than {MAX_ENTRIES} files and folders" in shown, shown[-2000:]
    assert course.api().collect(A1)["success"]  # and nothing of it is left to stop the next collect


def test_a_wrong_answer_is_quoted_once_with_its_invisible_characters_written_out() -> None:
    from coplearn.grading.checks import _choice_problem

    message = _choice_problem("clan\u200b", "culture", "statement 1")
    assert message is not None and "'clan\\u200b'" in message and "\\\\u200b" not in message
    from coplearn.grading.options import canonical

    assert canonical("\uff4d\uff41\uff4e\uff41\uff47\uff45\uff44", "culture") == "managed"
    # only an invisible character: kept as typed (the kernel and the record both read it so), and the
    # form check shows it written out
    assert canonical("\u200b", "culture") == "\u200b"
    assert "'\\u200b'" in (_choice_problem(canonical("\u200b", "culture"), "culture", "statement 1") or "")


#: student -> the start of what the log says about the notebook
UNREADABLE = {
    "u-bom": "starts with a byte-order mark",
    "u-utf16": "is saved as UTF-16 text",
    "u-empty": "is empty",
    "u-extra": "is not a notebook file (not valid JSON: Extra data",
}


@contextlib.contextmanager
def placed_by_hand(course: Course, *sids: str) -> Iterator[dict[str, Path]]:
    """Copies of z-honest's submitted folder for ``sids``, as a tutor unpacking files by hand would
    put them in ``submitted/``; removed afterwards (the course is shared by the whole session)."""
    folders = {}
    try:
        for sid in sids:
            folders[sid] = course.root / "submitted" / sid / A1
            shutil.copytree(course.root / "submitted" / "z-honest" / A1, folders[sid])
        yield folders
    finally:
        for sid in folders:
            shutil.rmtree(course.root / "submitted" / sid, ignore_errors=True)
            shutil.rmtree(course.root / "autograded" / sid, ignore_errors=True)


def test_a_notebook_nbgrader_cannot_read_is_named_in_one_line_and_fails_alone(run: dict, course: Course) -> None:
    honest = (course.root / "submitted" / "z-honest" / A1 / f"{A1}.ipynb").read_bytes()
    bodies = {"u-bom": b"\xef\xbb\xbf" + honest, "u-utf16": honest.decode("utf-8").encode("utf-16"),
              "u-empty": b"", "u-extra": honest + b"\n{}"}
    with placed_by_hand(course, *UNREADABLE, "u-honest") as folders:
        for sid in UNREADABLE:
            (folders[sid] / f"{A1}.ipynb").write_bytes(bodies[sid])
        log = course.api(**FAST).autograde(A1, "u-*")["log"]
        for sid, why in UNREADABLE.items():
            assert f"coplearn: {sid}: {A1}.ipynb {why}" in log, (sid, log[-3000:])
            assert not (course.root / "autograded" / sid / A1).exists()
        assert course.score(A1, "u-honest") == 40  # graded as usual, after and between them


def test_a_student_id_holding_markup_is_not_graded_and_is_named(run: dict, course: Course) -> None:
    """formgrader and the feedback pages show student ids; one like ``<plaintext>`` (no login name holds
    such characters; a folder renamed by hand can) is refused, that student alone."""
    sid = "<plaintext>"
    with placed_by_hand(course, sid):
        log = course.api(**FAST).autograde(A1, sid)["log"]
        assert "it holds characters a web page would read as markup" in log, log[-2000:]
        assert not (course.root / "autograded" / sid / A1).exists()


@pytest.mark.parametrize("typed", ["\uff13\uff0e\uff12\uff15", "3,25\u200b", " 3.25 ", "\u200b", "abc", "3\u30022"])
def test_a_number_is_read_alike_by_the_kernel_and_the_record(tmp_path, typed: str) -> None:
    """Full-width digits and points, and invisible characters, in a number box (red team 6 review):
    the kernel's check and the course's record of the answer read it the same way."""
    from coplearn.grading import resolve
    from coplearn.grading.schema import Question, clean_value
    from coplearn.grading.store import AnswerStore

    AnswerStore(tmp_path).save("q1", typed)
    kernel = resolve.number("q1", folder=tmp_path)
    try:
        record: object = clean_value(Question(name="q1", kind="number", items=None, count=None), typed)
    except ValueError:
        record = typed.strip()
    assert kernel == record
    if typed in ("\uff13\uff0e\uff12\uff15", "3,25\u200b", " 3.25 "):
        assert kernel == 3.25


def test_a_folder_without_a_notebook_nbgrader_finds_is_named_and_reported(run: dict, course: Course, capfd) -> None:
    """A notebook saved as ``.IPYNB`` or put in a subfolder (nbgrader looks for ``*.ipynb`` in the
    folder itself and skipped such a student without a word at the tutor's log level), and a
    ``timestamp.txt`` that is a folder (nbgrader failed the student with only a traceback): one plain
    line each; the report counts them as not graded; the others are graded as usual."""
    from coplearn.grading.parallel import autograde_parallel

    with placed_by_hand(course, "n-upper", "n-sub", "n-time", "n-honest") as folders:
        (folders["n-upper"] / f"{A1}.ipynb").rename(folders["n-upper"] / f"{A1.upper()}.IPYNB")
        (folders["n-sub"] / "work").mkdir()
        (folders["n-sub"] / f"{A1}.ipynb").rename(folders["n-sub"] / "work" / f"{A1}.ipynb")
        (folders["n-time"] / "timestamp.txt").unlink(missing_ok=True)
        (folders["n-time"] / "timestamp.txt").mkdir()
        capfd.readouterr()
        report = autograde_parallel(A1, jobs=2, course_dir=course.root,
                                    nbgrader_args=["--student=n-*", "--force", "--Execute.timeout=10"])
        log = capfd.readouterr().err
        assert report.no_notebook == ("n-sub", "n-upper"), report.summary()
        assert report.failed == ("n-time",) and report.graded == ("n-honest",), report.summary()
        assert not report.ok and "n-sub, n-upper" in report.summary()
        assert course.score(A1, "n-honest") == 40
        assert f"coplearn: n-upper: not graded: nbgrader finds no notebook in submitted/n-upper/{A1}; it holds " \
               f"'{A1.upper()}.IPYNB'" in log, log[-3000:]
        assert f"it holds 'work/{A1}.ipynb'" in log and f"name it {A1}.ipynb" in log
        assert "coplearn: n-time: timestamp.txt in " in log and f"submitted/n-time/{A1} is a folder" in log
