"""Collect and feedback release say which home folders other accounts can open (red team 14 F2).

On a shared machine whose home folders others can enter (Debian's ``useradd -m`` makes them 0755),
a classmate can read a student's work before the deadline and, after release, their feedback. The
tutor guide says to make every home private; ``coplearn``'s collect and feedback release now also
say, in one warning line, whose homes (and whether the tutor's course folder) others can open.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from nbcourse import Course

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]

A = "a2-leading-situationally"


@pytest.fixture()
def homes() -> dict[str, str]:
    # under /tmp itself: every folder above must let others through for a home to be open
    base = tempfile.mkdtemp(prefix="coplearn-homes-", dir="/tmp")
    os.chmod(base, 0o755)
    found = {}
    for name, mode in (("h-open", 0o755), ("h-private", 0o700), ("h-searchable", 0o711)):
        os.mkdir(os.path.join(base, name))
        os.chmod(os.path.join(base, name), mode)
        found[name] = os.path.join(base, name)
    yield found
    shutil.rmtree(base, ignore_errors=True)


def test_collect_and_feedback_release_name_the_homes_others_can_open(tmp_path: Path, homes: dict[str, str],
                                                                    monkeypatch: pytest.MonkeyPatch, nbgrader_env: None) -> None:
    from coplearn.grading import exchange

    if not all(os.stat(p).st_mode & 0o001 for p in ("/", "/tmp")):
        pytest.skip("/tmp does not let other accounts through here")
    monkeypatch.setattr(exchange, "_home_of", lambda name: homes.get(name))
    course = Course(tmp_path)
    api = course.api()
    course.ok(api.generate_assignment(A))
    course.ok(api.release_assignment(A))
    for name in ("h-open", "h-private", "h-searchable", "h-no-account"):
        s = course.student(name)
        s.fetch(A)
        s.submit(A)
    log = course.ok(api.collect(A))["log"]
    said = [line for line in log.splitlines() if "other accounts can open files in" in line]
    assert len(said) == 1, log
    # 0711 still lets others open a file whose path they can guess, and nbgrader's paths are easy to guess
    assert f"h-open's home folder {homes['h-open']} (mode 0755)" in said[0], said
    assert f"h-searchable's home folder {homes['h-searchable']} (mode 0711)" in said[0], said
    assert "h-private" not in said[0] and "h-no-account" not in said[0], said
    assert "your course folder" not in said[0], said  # (pytest's own folders are private)
    assert "sudo chmod 700" in said[0] and "A cohort on one machine" in said[0], said
    course.ok(api.autograde(A, "h-open"))
    course.ok(api.generate_feedback(A, "h-open"))
    log = course.ok(api.release_feedback(A, "h-open"))["log"]
    assert "h-open's home folder" in log, log

    # private homes: nothing said
    for name in ("h-open", "h-searchable"):
        os.chmod(homes[name], 0o700)
    s = course.student("h-open")
    s.submit(A)
    log = course.ok(api.collect(A, update=True))["log"]
    assert "other accounts can open files in" not in log, log


def test_the_course_folder_is_named_only_where_students_have_accounts(homes: dict[str, str]) -> None:
    from coplearn.grading.exchange import open_homes

    course_root = os.path.dirname(homes["h-open"])  # 0755, under /tmp
    if not all(os.stat(p).st_mode & 0o001 for p in ("/", "/tmp")):
        pytest.skip("/tmp does not let other accounts through here")
    found = open_homes(["h-private"], course_root=course_root, home_of=homes.get)
    assert found == [f"your course folder {course_root} (mode 0755), which holds the gradebook and everyone's work"]
    # no student with an account here (one account for all, or the tutor's own computer): nothing to say
    assert open_homes(["someone"], course_root=course_root, home_of=homes.get) == []
