"""The shared-account trap: nbgrader names a submission after the unix account, not the hub user.

When several hub users share one unix account (a test hub with SimpleLocalProcessSpawner, or a
container image whose account is not called ``jovyan``), plain nbgrader files every submission
under that one account and ``collect`` silently keeps only the newest. The nbgrader config the
hub ships (deploy/jupyterhub/jupyter/common/nbgrader_config.py) names students after
``JUPYTERHUB_USER`` in that case. Here two students share this process's account, each with
their own home, first without that config and then with it.
"""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path

import pytest

import hub_helpers

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow, pytest.mark.timeout(600)]

COMMON = hub_helpers.REPO / "deploy" / "jupyterhub" / "jupyter" / "common"


def _student_env(home: Path, hub_user: str, exchange: Path, shipped_config: bool) -> dict:
    env = hub_helpers._env()
    env.update(HOME=str(home), JUPYTERHUB_USER=hub_user, JUPYTER_CONFIG_DIR=str(home / ".jupyter"),
               JUPYTER_DATA_DIR=str(home / ".local" / "share" / "jupyter"), COPLEARN_EXCHANGE=str(exchange),
               COPLEARN_COURSE_ID="coplearn")
    env.pop("JUPYTER_CONFIG_PATH", None)
    if shipped_config:
        env.update(JUPYTER_CONFIG_PATH=str(COMMON), COPLEARN_ROLE="student")
    return env


def _fetch_answer_submit(home: Path, assignment: str, env: dict, marker: str, shipped_config: bool) -> None:
    home.mkdir(parents=True, exist_ok=True)
    extra = [] if shipped_config else [f"--Exchange.root={env['COPLEARN_EXCHANGE']}", "--course=coplearn"]
    hub_helpers.nbgrader(home, "fetch_assignment", assignment, *extra, env=env)
    for nb in (home / assignment).glob("*.ipynb"):
        data = json.loads(nb.read_text())
        data["cells"].append({"cell_type": "markdown", "metadata": {}, "source": marker})
        nb.write_text(json.dumps(data))
    hub_helpers.nbgrader(home, "submit", assignment, *extra, env=env)


def test_two_students_sharing_one_account_both_arrive_with_the_shipped_config(tmp_path, cohort_course):
    import shutil

    src, assignment = cohort_course  # a course with the assignment in its gradebook; no submissions
    course = tmp_path / "course"
    shutil.copytree(src, course, ignore=shutil.ignore_patterns("submitted", "autograded", "feedback"))
    exchange = tmp_path / "exchange"
    exchange.mkdir(mode=0o1777)
    tutor_env = {**hub_helpers._env(), "COPLEARN_EXCHANGE": str(exchange)}
    hub_helpers.nbgrader(course, "release_assignment", assignment, env=tutor_env)
    account = getpass.getuser()

    # 1. the trap: nbgrader alone
    for name in ("alice", "bob"):
        env = _student_env(tmp_path / "plain" / name, name, exchange, shipped_config=False)
        _fetch_answer_submit(tmp_path / "plain" / name, assignment, env, f"plain-{name}", False)
    # 2. with the hub's shipped nbgrader config
    for name in ("alice", "bob"):
        env = _student_env(tmp_path / "hub" / name, name, exchange, shipped_config=True)
        _fetch_answer_submit(tmp_path / "hub" / name, assignment, env, f"hub-{name}", True)

    inbound = sorted(p.name.split("+")[0] for p in (exchange / "coplearn" / "inbound").iterdir())
    assert inbound == sorted([account, account, "alice", "bob"])

    hub_helpers.nbgrader(course, "collect", assignment, env=tutor_env)
    collected = {p.name: "\n".join(nb.read_text() for nb in (p / assignment).glob("*.ipynb"))
                 for p in (course / "submitted").iterdir()}
    assert sorted(collected) == sorted([account, "alice", "bob"])
    # without the config, two students' work became one "student", and alice's was dropped
    assert "plain-bob" in collected[account] and "plain-alice" not in collected[account]
    # with it, each submission arrived under its own student
    assert "hub-alice" in collected["alice"] and "hub-bob" in collected["bob"]
    assert "hub-bob" not in collected["alice"] and "hub-alice" not in collected["bob"]


def test_shipped_config_leaves_jovyan_and_tutors_alone(tmp_path):
    """The override applies only to students whose account is not their hub name (nor jovyan)."""
    from traitlets.config import Config, PyFileConfigLoader

    def load(**env: str) -> Config:
        old = dict(os.environ)
        try:
            os.environ.update(env)
            return PyFileConfigLoader("nbgrader_config.py", path=str(COMMON)).load_config()
        finally:
            os.environ.clear()
            os.environ.update(old)

    account = getpass.getuser()
    student = load(JUPYTERHUB_USER="alice", COPLEARN_ROLE="student", COPLEARN_EXCHANGE="/x")
    assert student.CourseDirectory.student_id == "alice"
    assert student.Exchange.root == "/x"
    same = load(JUPYTERHUB_USER=account, COPLEARN_ROLE="student")
    assert "student_id" not in same.CourseDirectory
    tutor = load(JUPYTERHUB_USER="alice", COPLEARN_ROLE="tutor", COPLEARN_COURSE_ROOT=str(tmp_path))
    assert "student_id" not in tutor.CourseDirectory
    assert tutor.CourseDirectory.root == str(tmp_path)
