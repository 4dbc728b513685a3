"""Collecting never follows a link a student placed in the exchange.

The exchange's inbound folder is writable by every student, and nbgrader's collect runs with the
tutor's rights. A link there could point at the solutions notebook, the gradebook or a key in the
tutor's home; nbgrader's own copy would follow it and file the tutor's file as the student's work
(the solutions notebook would then be marked, and returned as feedback).
``coplearn.grading.exchange.SafeCollect`` (selected by ``nbgrader_config.py``) leaves links out.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import shutil
from pathlib import Path

import pytest
from nbcourse import Course

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]

A = "a1-learning-cultures"



@pytest.fixture(scope="module")
def linked(course: Course) -> tuple[Course, dict]:
    secret = course.tmp / "tutor-home" / "secret-key.txt"
    secret.parent.mkdir()
    secret.write_text("TUTOR SECRET\n", encoding="utf-8")
    source_nb = course.root / "solutions" / A / f"{A}.ipynb"

    # A real submission whose notebook and answers file were swapped for links after submitting.
    s = course.student("l-filelinks")
    s.fetch(A)
    s.submit(A)
    entry = course.inbound("l-filelinks", A)
    (entry / f"{A}.ipynb").unlink()
    (entry / f"{A}.ipynb").symlink_to(source_nb)
    (entry / "answers.json").symlink_to(course.root / "gradebook.db")
    (entry / "notes.txt").symlink_to(secret)
    (entry / "solutions").symlink_to(course.root / "solutions", target_is_directory=True)

    # A whole "submission" that is a link to the solutions folder, named as nbgrader names one.
    s = course.student("l-dirlink")
    s.fetch(A)
    s.submit(A)
    entry = course.inbound("l-dirlink", A)
    shutil.rmtree(entry)
    entry.symlink_to(course.root / "solutions" / A, target_is_directory=True)

    # A submission whose timestamp.txt was edited afterwards to claim it came in two days earlier.
    s = course.student("l-backdated")
    s.fetch(A)
    s.submit(A)
    entry = course.inbound("l-backdated", A)
    early = _dt.datetime.now(_dt.timezone.utc) - _dt.timedelta(days=2)
    (entry / "timestamp.txt").write_text(early.strftime("%Y-%m-%d %H:%M:%S.%f UTC"), encoding="utf-8")

    # An honest student collected in the same run (the control).
    s = course.student("l-honest")
    s.fetch(A)
    s.edit(A, "q1-typed", "q1 = {1: 'managed'}")
    s.submit(A)

    # One student's odd entries in the inbound folder, which every student can write to: none of
    # them may stop anyone else being collected.
    inbound = course.exchange / "coplearn" / "inbound"
    (inbound / f"l-badname+{A}+not-a-time+x").mkdir()  # a name nbgrader cannot read
    s = course.student("l-fifo")  # a named pipe in a submission (copying it would hang or fail)
    s.fetch(A)
    s.submit(A)
    os.mkfifo(course.inbound("l-fifo", A) / "pipe")
    s = course.student("l-big")  # bigger than the course's size limit (a sparse file: no disk used)
    s.fetch(A)
    s.submit(A)
    with open(course.inbound("l-big", A) / "big.bin", "wb") as fh:
        fh.truncate(200 * 1024 * 1024)
    glob_entry = course.inbound("l-honest", A).name.replace("l-honest+", "l-*+", 1)  # an id that is a pattern
    shutil.copytree(course.inbound("l-honest", A), inbound / glob_entry)

    api = course.api()
    result = api.collect(A)
    # The course is shared with the other modules' tests: take the odd entries out of the exchange
    # again, so that their own collects see only their own students.
    for entry in list(inbound.iterdir()):
        if entry.name.startswith(("l-big+", "l-badname+", "l-*+", "l-fifo+")):
            shutil.rmtree(entry)
    return course, result


def _all_text(folder: Path) -> str:
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*")
                   if p.is_file() and not p.is_symlink())


def test_links_inside_a_submission_are_left_out_and_named(linked: tuple[Course, dict]) -> None:
    course, result = linked
    folder = course.root / "submitted" / "l-filelinks" / A
    assert folder.is_dir()
    names = sorted(p.name for p in folder.iterdir())
    assert f"{A}.ipynb" not in names and "answers.json" not in names and "notes.txt" not in names
    assert "solutions" not in names
    text = _all_text(folder)
    assert "BEGIN SOLUTION" not in text and "TUTOR SECRET" not in text
    assert not any(p.is_symlink() for p in folder.rglob("*"))
    for rel in ("answers.json", "notes.txt", "solutions"):
        assert f"{rel} is a link; it was left out" in result["log"]
    # the notebook itself is the work: an error, saying it is missing (red team 22b L1)
    assert re.search(rf"ERROR.*coplearn: .*l-filelinks.*: the notebook {re.escape(A)}\.ipynb is a link, not the student's "
                     r"file; .* the student's work for it is missing: ask them to submit again", result["log"]), result["log"][-3000:]


def test_a_submission_that_is_a_link_is_not_collected(linked: tuple[Course, dict]) -> None:
    course, result = linked
    assert not (course.root / "submitted" / "l-dirlink" / A).exists()
    assert "is a link, not a folder a student submitted" in result["log"]


def test_an_honest_submission_in_the_same_run_is_collected_whole(linked: tuple[Course, dict]) -> None:
    course, _ = linked
    folder = course.root / "submitted" / "l-honest" / A
    nb = (folder / f"{A}.ipynb").read_text(encoding="utf-8")
    assert "q1 = {1: 'managed'}" in nb
    assert (folder / "timestamp.txt").is_file()


def test_a_backdated_submission_gets_the_exchange_time(linked: tuple[Course, dict]) -> None:
    from nbgrader.utils import parse_utc

    course, result = linked
    collected = parse_utc((course.root / "submitted" / "l-backdated" / A / "timestamp.txt").read_text(encoding="utf-8"))
    assert collected.replace(tzinfo=None) > _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None) - _dt.timedelta(hours=1)
    assert "claims it was submitted at" in result["log"] and "l-backdated" in result["log"]


def test_an_honest_timestamp_is_kept_as_the_student_wrote_it(linked: tuple[Course, dict]) -> None:
    course, result = linked
    honest = (course.root / "submitted" / "l-honest" / A / "timestamp.txt").read_text(encoding="utf-8")
    assert honest == (course.inbound("l-honest", A) / "timestamp.txt").read_text(encoding="utf-8")
    assert "l-honest" not in "".join(line for line in result["log"].splitlines() if "claims" in line)


def test_the_course_configuration_selects_the_safe_collect(course: Course) -> None:
    from nbgrader.exchange import ExchangeFactory
    from nbcourse import load_course_config

    from coplearn.grading.exchange import SafeCollect

    factory = ExchangeFactory(config=load_course_config(course.root, course.exchange))
    assert factory.collect is SafeCollect
    assert not os.path.islink(course.root / "nbgrader_config.py")


def test_one_odd_submission_never_stops_the_others_being_collected(linked: tuple[Course, dict]) -> None:
    course, result = linked
    log = result["log"]
    submitted = course.root / "submitted"
    for sid in ("l-filelinks", "l-backdated", "l-honest", "l-fifo"):
        assert (submitted / sid / A / f"{A}.ipynb").is_file() or sid == "l-filelinks", sid
        assert (submitted / sid / A / "timestamp.txt").is_file(), sid
    # the pipe is left out and named; the rest of that submission is collected
    assert not os.path.lexists(submitted / "l-fifo" / A / "pipe")
    assert "pipe is a named pipe; it was left out" in log
    # too big: not collected (no half copy left), named, and the command ends with an error naming it
    assert not (submitted / "l-big").exists() or not any((submitted / "l-big").rglob("*"))
    assert "the submission of l-big was NOT collected" in log
    assert not result["success"] and "Not collected (see above): l-big" in (result.get("error") or "") + log
    # a name nbgrader cannot read, and an id that is a pattern: skipped, named, nobody else's folder touched
    assert f"l-badname+{A}+not-a-time+x in the exchange has no readable submission time: not collected" in log
    assert "not collected, as its student id cannot be used: it holds characters" in log
    assert not (submitted / "l-*").exists()


def test_on_the_hub_the_owner_check_holds_whichever_config_is_read_last() -> None:
    """The hub's tutor config asks SafeCollect to check owners; the course's own nbgrader_config.py,
    which nbgrader reads after it from a terminal, also chooses SafeCollect and must not undo that."""
    from nbgrader.exchange import ExchangeFactory
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    from coplearn.grading.exchange import SafeCollect

    repo = Path(__file__).resolve().parents[2]
    merged = Config()
    saved = dict(os.environ)  # the course's config file adds to os.environ; keep the test process clean
    try:
        for folder in (repo / "deploy" / "jupyterhub" / "jupyter" / "tutor", repo):
            merged.merge(PyFileConfigLoader("nbgrader_config.py", path=str(folder)).load_config())
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert ExchangeFactory(config=merged).collect is SafeCollect
    assert SafeCollect(config=merged).require_owner is True


def test_with_the_owner_check_a_submission_made_by_another_account_is_not_collected(course: Course) -> None:
    s = course.student("o-someone")  # made by this (root) account, filed under "o-someone"
    s.fetch(A)
    s.submit(A)
    result = course.api(SafeCollect__require_owner=True).collect(A)
    assert "Not collecting o-someone+" in result["log"] and "made by root" in result["log"]
    assert not (course.root / "submitted" / "o-someone").exists()
    shutil.rmtree(course.inbound("o-someone", A))


def test_by_default_a_submission_in_the_name_of_another_account_on_the_machine_is_not_collected(course: Course) -> None:
    """Red team 12 F7: on a shared Linux machine with the course's own settings, one student could
    submit in a classmate's name and the forgery replaced the real work at collect. By default the
    owner check now holds for every id that is an account on the machine ("nobody" here, made by
    this root account), and ids that are no account's name are collected as before."""
    import pwd

    from coplearn.grading.exchange import SafeCollect

    pwd.getpwnam("nobody")  # (Debian has it)
    assert SafeCollect().require_owner == "auto"
    for who in ("nobody", "o-noaccount"):
        s = course.student(who)
        s.fetch(A)
        s.submit(A)
    result = course.api().collect(A)
    assert "Not collecting nobody+" in result["log"] and "made by root" in result["log"], result["log"]
    assert not (course.root / "submitted" / "nobody").exists()
    assert (course.root / "submitted" / "o-noaccount" / A).is_dir()
    for who in ("nobody", "o-noaccount"):
        shutil.rmtree(course.inbound(who, A), ignore_errors=True)
        shutil.rmtree(course.root / "submitted" / who, ignore_errors=True)


def test_a_file_swapped_for_a_link_during_the_copy_is_not_followed(tmp_path: Path) -> None:
    """A student owns their folder in the exchange and can replace a file with a link after collect
    has looked at it and before it copies it. The copy opens what it checked, never a link."""
    from coplearn.grading.exchange import copy_tree_no_follow

    secret = tmp_path / "tutor-secret.txt"
    secret.write_text("TUTOR SECRET\n", encoding="utf-8")
    src = tmp_path / "submission"
    (src / "sub").mkdir(parents=True)
    (src / "notes.txt").write_text("mine\n", encoding="utf-8")
    (src / "sub" / "more.txt").write_text("mine too\n", encoding="utf-8")

    def swap(directory: str, names: list[str]) -> set[str]:  # runs after listing, before copying
        if directory == str(src):
            (src / "notes.txt").unlink()
            (src / "notes.txt").symlink_to(secret)
            shutil.rmtree(src / "sub")
            (src / "sub").symlink_to(tmp_path, target_is_directory=True)
        return set()

    copy_tree_no_follow(str(src), str(tmp_path / "copy"), swap)
    copied = sorted(p.relative_to(tmp_path / "copy").as_posix() for p in (tmp_path / "copy").rglob("*"))
    assert copied == [], copied  # both swapped entries were left out, nothing else was there
    assert "TUTOR SECRET" not in "".join(p.read_text() for p in (tmp_path / "copy").rglob("*") if p.is_file())


def test_a_newer_submission_that_cannot_be_collected_keeps_the_one_collected_before(course: Course) -> None:
    s = course.student("u-keep")
    s.fetch(A)
    s.edit(A, "q1-typed", "q1 = {1: 'managed'}  # first")
    s.submit(A)
    course.ok(course.api().collect(A))
    kept = course.root / "submitted" / "u-keep" / A / f"{A}.ipynb"
    assert "# first" in kept.read_text(encoding="utf-8")
    s.submit(A)  # a newer submission, then made too big
    newer = max((p for p in (course.exchange / "coplearn" / "inbound").iterdir() if p.name.startswith(f"u-keep+{A}+")),
                key=lambda p: p.name)
    with open(newer / "big.bin", "wb") as fh:
        fh.truncate(200 * 1024 * 1024)
    result = course.api().collect(A)  # (the API collects with --update)
    assert not result["success"]
    assert "the one collected before is kept" in result["log"]
    assert "# first" in kept.read_text(encoding="utf-8")
    for entry in (course.exchange / "coplearn" / "inbound").iterdir():
        if entry.name.startswith("u-keep+"):
            shutil.rmtree(entry)


def test_a_hard_link_or_an_unreadable_file_stops_that_submission_not_silently(tmp_path: Path) -> None:
    """A hard link is another name for a file elsewhere (perhaps one only the tutor may read); an
    unreadable file would otherwise go missing from the copy without a word."""
    from coplearn.grading.exchange import copy_tree_no_follow

    elsewhere = tmp_path / "tutor-file.txt"
    elsewhere.write_text("TUTOR\n", encoding="utf-8")
    src = tmp_path / "submission"
    src.mkdir()
    os.link(elsewhere, src / "notes.txt")
    with pytest.raises(RuntimeError, match="hard link"):
        copy_tree_no_follow(str(src), str(tmp_path / "copy"))
    (src / "notes.txt").unlink()
    (src / "a.ipynb").write_text("{}", encoding="utf-8")
    (src / "a.ipynb").chmod(0)
    if os.access(src / "a.ipynb", os.R_OK):  # root reads anything: nothing to check here
        return
    with pytest.raises(PermissionError):
        copy_tree_no_follow(str(src), str(tmp_path / "copy2"))
