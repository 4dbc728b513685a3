"""The course's folder in the exchange is the tutor's, or nothing is released, collected or returned.

The exchange is writable by everyone and the course id is public, and nbgrader makes
``EXCHANGE/COURSE`` (with ``inbound``, ``outbound`` and ``feedback``) at the tutor's first release.
A student who made it first owned it: with nbgrader's ``groupshared`` (which the tutor guide asks
several tutors to set, and which switches nbgrader's own owner check off) the tutor's release,
collect and feedback ran in the student's folders, and a link the student planted at the feedback
release's predictable temporary name overwrote the tutor's gradebook (red team 13 F1).
``deploy/jupyterhub/make-exchange.sh`` now makes the folders, owned by the tutor, with the exchange;
the course's exchange classes refuse folders that are not the tutor's; feedback is written through
a fresh temporary file, never through a link.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from nbcourse import REPO, Course

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow,
              pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give folders to other accounts")]

A = "a5-leadership-plan"  # written answers only: quick to autograde
STRANGER = 54_321  # a uid that is not the tutor's (nor in the tutor's groups)
MAKE_EXCHANGE = REPO / "deploy" / "jupyterhub" / "make-exchange.sh"


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory, nbgrader_env: None) -> Course:
    c = Course(tmp_path_factory.mktemp("owner"))
    c.ok(c.api().generate_assignment(A))
    return c


def _make_exchange(exchange: Path, tutor: str, *more: str, group: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "COPLEARN_TUTORS_GROUP": group}
    return subprocess.run(["bash", str(MAKE_EXCHANGE), str(exchange), tutor, *more], capture_output=True, text=True,
                          env=env)


def test_make_exchange_gives_the_course_folder_to_the_tutor_with_nbgraders_modes(tmp_path: Path) -> None:
    exchange = tmp_path / "exchange"
    done = _make_exchange(exchange, f"{STRANGER}:{STRANGER}", "coplearn")
    assert done.returncode == 0, done.stderr
    assert oct(exchange.stat().st_mode & 0o7777) == "0o1777"
    modes = {"": 0o755, "inbound": 0o2733, "outbound": 0o755, "feedback": 0o711}
    for part, mode in modes.items():
        st = (exchange / "coplearn" / part).stat()
        assert (st.st_uid, st.st_gid, st.st_mode & 0o7777) == (STRANGER, STRANGER, mode), part
    assert _make_exchange(exchange, f"{STRANGER}:{STRANGER}", "coplearn").returncode == 0  # safe to run again
    # several tutors: a tutors' group gives nbgrader's groupshared modes
    shared = tmp_path / "shared"
    assert _make_exchange(shared, f"{STRANGER}:{STRANGER}", "coplearn", group=str(STRANGER + 1)).returncode == 0
    assert (shared / "coplearn" / "inbound").stat().st_mode & 0o7777 == 0o2773
    assert (shared / "coplearn").stat().st_gid == STRANGER + 1


def test_make_exchange_refuses_a_course_folder_someone_else_made_first(tmp_path: Path) -> None:
    exchange = tmp_path / "exchange"
    (exchange / "coplearn" / "feedback").mkdir(parents=True)
    os.chown(exchange / "coplearn" / "feedback", STRANGER + 7, STRANGER + 7)  # a student made it
    os.chown(exchange / "coplearn", STRANGER, STRANGER)
    done = _make_exchange(exchange, f"{STRANGER}:{STRANGER}", "coplearn")
    assert done.returncode == 1
    assert "feedback already exists and belongs to" in done.stderr and "rm -rf" in done.stderr
    assert (exchange / "coplearn" / "feedback").stat().st_uid == STRANGER + 7  # left as it was, for the record
    (exchange / "coplearn" / "inbound").symlink_to(tmp_path)
    assert "is not a folder" in _make_exchange(exchange, f"{STRANGER}:{STRANGER}", "coplearn").stderr
    assert "cannot be a course id" in _make_exchange(exchange, f"{STRANGER}:{STRANGER}", "../x").stderr


@pytest.mark.parametrize("groupshared", [False, True], ids=["default", "groupshared"])
def test_a_course_folder_a_student_made_stops_release_collect_and_feedback(own: Course, groupshared: bool) -> None:
    course = own.exchange / "coplearn"
    api = own.api(CourseDirectory__groupshared=groupshared, ExchangeReleaseAssignment__force=True)
    own.ok(api.release_assignment(A))  # made by the tutor: fine
    (course / "feedback").mkdir(mode=0o711, exist_ok=True)
    for part in ("inbound", "feedback", ""):
        target = course / part if part else course
        os.chown(target, STRANGER, STRANGER)
        try:
            for name, result in (("release", api.release_assignment(A)), ("collect", api.collect(A)),
                                 ("feedback", api.release_feedback(A))):
                assert not result["success"], (part, name)
                said = result["error"] + result["log"]
                assert "not safe to use" in said and f"belongs to uid {STRANGER}" in said, (part, name, said)
                assert "make-exchange.sh" in said
        finally:
            os.chown(target, 0, 0)
    (course / "outbound").chmod(0o777)  # anyone could replace a released assignment
    try:
        result = api.release_assignment(A)
        assert not result["success"] and "can be changed by anyone (mode 0777)" in result["error"] + result["log"]
    finally:
        (course / "outbound").chmod(0o755)
    own.ok(api.release_assignment(A))


def test_feedback_is_never_written_through_a_link_a_student_planted(own: Course, tmp_path: Path) -> None:
    from nbgrader.utils import notebook_hash

    api = own.api(ExchangeReleaseAssignment__force=True)
    own.ok(api.release_assignment(A))
    s = own.student("o-ann")
    s.fetch(A)
    s.submit(A)
    own.ok(api.collect(A))
    own.ok(api.autograde(A, "o-ann"))
    own.ok(api.generate_feedback(A, "o-ann"))
    secret = (own.root / "feedback" / "o-ann" / A / "submission_secret.txt").read_text(encoding="utf-8")
    checksum = notebook_hash(secret=secret, notebook_id=A)
    feedback = own.exchange / "coplearn" / "feedback"
    feedback.mkdir(mode=0o711, exist_ok=True)  # (as nbgrader's first release_feedback makes it; the test alone)
    gradebook = tmp_path / "gradebook-stand-in.db"
    gradebook.write_bytes(b"SQLite format 3\x00 the marks")
    (feedback / f"{checksum}-tmp.html").symlink_to(gradebook)  # nbgrader's predictable temporary name
    (feedback / f"{checksum}.html").symlink_to(tmp_path / "elsewhere.html")
    own.ok(api.release_feedback(A))
    assert gradebook.read_bytes() == b"SQLite format 3\x00 the marks"
    assert not (tmp_path / "elsewhere.html").exists()
    released = feedback / f"{checksum}.html"
    assert released.is_file() and not released.is_symlink()
    assert released.read_bytes() == (own.root / "feedback" / "o-ann" / A / f"{A}.html").read_bytes()
    assert released.stat().st_mode & 0o777 == 0o644
    assert not [p.name for p in feedback.iterdir() if p.name.startswith(".coplearn-")]
