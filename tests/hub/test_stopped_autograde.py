"""A `coplearn autograde` run that is stopped (SIGTERM: a hub stopping the server, `timeout`, `kill`)
tidies up as Ctrl+C does: no hidden work folder with copies of graded notebooks is left in the course,
and no worker goes on grading with no one to record it. A folder left by a run that could not tidy up
(killed outright) is removed by the next run, which says so; another run still at work is left alone
(red team 24 F2)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import hub_helpers

pytestmark = [pytest.mark.nbgrader, pytest.mark.timeout(900)]


def _children(pid: int) -> set[int]:
    """Every process below ``pid`` (Linux /proc)."""
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            kids.setdefault(ppid, []).append(int(entry))
    found, todo = set(), [pid]
    while todo:
        for kid in kids.get(todo.pop(), []):
            if kid not in found:
                found.add(kid)
                todo.append(kid)
    return found


def _alive(pids: set[int]) -> set[int]:
    out = set()
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="utf-8") as fh:
                if fh.read().rsplit(")", 1)[1].split()[0] != "Z":
                    out.add(pid)
        except OSError:
            pass
    return out


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_stopped_run_leaves_nothing_behind(tmp_path: Path, jobs: str) -> None:
    course = tmp_path / "course"
    assignment = hub_helpers.make_course(course)
    hub_helpers.submit_cohort(course, assignment, {f"s{i:02d}": "correct" for i in range(40)})  # (12 were all graded, in 3 s, before the stop: ci-s70)
    proc = subprocess.Popen([sys.executable, "-m", "coplearn.cli", "autograde", assignment, "--jobs", jobs],
                            cwd=course, env=hub_helpers._env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    try:
        deadline = time.monotonic() + 300
        # grading has begun: a student's folder is made, and a kernel (and, with two jobs, workers) runs
        while not (list((course / "autograded").glob(f"*/{assignment}")) and _children(proc.pid)
                   and list(course.glob(".coplearn-autograde-*"))):
            assert proc.poll() is None and time.monotonic() < deadline, proc.stdout.read() if proc.stdout else ""
            time.sleep(0.1)
        below = _children(proc.pid)
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode != 0, out
    assert list(course.glob(".coplearn-autograde-*")) == [], out
    time.sleep(2)  # (a worker told of its parent's end takes a moment)
    assert _alive(below) == set(), "workers or kernels went on after the run was stopped"


def test_the_next_run_removes_a_folder_left_by_a_run_killed_outright(tmp_path: Path) -> None:
    import socket

    course = tmp_path / "course"
    assignment = hub_helpers.make_course(course)
    hub_helpers.submit_cohort(course, assignment, {"ann": "correct"})
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    left = course / ".coplearn-autograde-left"
    (left / "autograded" / "bob").mkdir(parents=True)
    (left / "autograded" / "bob" / "copy.ipynb").write_text("{}")
    (left / ".owner").write_text(f"{socket.gethostname()} {dead.pid}")
    busy = course / ".coplearn-autograde-busy"  # another run, still at work
    busy.mkdir()
    (busy / ".owner").write_text(f"{socket.gethostname()} {os.getpid()}")
    proc = subprocess.run([sys.executable, "-m", "coplearn.cli", "autograde", assignment, "--jobs", "1"],
                          cwd=course, env=hub_helpers._env(), capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert not left.exists() and busy.exists()
    assert "removed .coplearn-autograde-left, the work folder of a run that was stopped" in proc.stderr
