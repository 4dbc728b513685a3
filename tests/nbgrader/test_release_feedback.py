"""Releasing feedback: one odd submission never stops the others' feedback.

nbgrader's own ``release_feedback`` reads each feedback folder's ``submission_secret.txt`` (copied
from the student's submission) as it goes; the first one missing or empty stopped the command,
and everyone after it in the listing got no feedback. A student can remove the secret from their
own inbound folder after submitting, and a tutor unpacking submissions by hand may not have one.
``coplearn.grading.exchange.SafeReleaseFeedback`` (selected by ``nbgrader_config.py``) releases
such feedback under nbgrader's older naming, names anything it cannot release, and goes on.
"""

from __future__ import annotations

import shutil

import pytest
from nbcourse import Course

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]

A = "a2-leading-situationally"  # (no other module releases feedback on a2 in the shared course)



@pytest.fixture(scope="module")
def released(course: Course) -> dict:
    for sid in ("fb-a-nosecret", "fb-b-emptysecret", "fb-c-linksecret", "fb-z-honest"):
        s = course.student(sid)
        s.fetch(A)
        s.submit(A)
    (course.inbound("fb-a-nosecret", A) / "submission_secret.txt").unlink()
    (course.inbound("fb-b-emptysecret", A) / "submission_secret.txt").write_text("", encoding="utf-8")
    secret = course.inbound("fb-c-linksecret", A) / "submission_secret.txt"
    secret.unlink()
    secret.symlink_to(course.inbound("fb-z-honest", A) / "submission_secret.txt")  # another's secret
    api = course.api()
    course.ok(api.collect(A))
    course.ok(api.autograde(A, "fb-*"))
    course.ok(api.generate_feedback(A, "fb-*"))
    # feedback put in place by hand for a student with no submission and no time: cannot be named
    orphan = course.root / "feedback" / "fb-m-orphan" / A
    orphan.mkdir(parents=True)
    (orphan / f"{A}.html").write_text("<p>feedback</p>", encoding="utf-8")
    try:
        result = api.release_feedback(A)
    finally:
        shutil.rmtree(orphan.parent)
    honest = course.student("fb-z-honest")
    honest._run("FetchFeedback", A)
    return {"result": result, "course": course, "honest": honest}


def test_one_student_that_cannot_be_released_is_named_and_the_others_are_released(released: dict) -> None:
    result = released["result"]
    assert not result["success"]
    assert "fb-m-orphan" in result["error"] and "Everyone else's was released" in result["error"]
    assert "fb-z-honest" not in result["error"]


def test_the_honest_student_after_them_fetches_their_feedback(released: dict) -> None:
    folder = released["honest"].home / A / "feedback"
    pages = list(folder.rglob(f"{A}.html"))
    assert len(pages) == 1, list(folder.rglob("*"))
    tutor_copy = released["course"].root / "feedback" / "fb-z-honest" / A / f"{A}.html"
    assert pages[0].read_bytes() == tutor_copy.read_bytes()


def test_a_missing_empty_or_linked_secret_falls_back_to_nbgraders_older_naming(released: dict) -> None:
    from nbgrader.utils import make_unique_key, notebook_hash

    course: Course = released["course"]
    outbound = course.exchange / "coplearn" / "feedback"
    log = released["result"]["log"]
    for sid in ("fb-a-nosecret", "fb-b-emptysecret", "fb-c-linksecret"):
        submitted = course.root / "submitted" / sid / A
        assert not (submitted / "submission_secret.txt").is_symlink()
        stamp = (course.root / "feedback" / sid / A / "timestamp.txt").read_text(encoding="utf-8")
        key = make_unique_key("coplearn", A, A, sid, stamp)
        name = notebook_hash(str(submitted / f"{A}.ipynb"), key) + ".html"
        assert (outbound / name).is_file(), (sid, sorted(p.name for p in outbound.iterdir()))
        assert f"{sid}'s submission has no submission secret" in log
