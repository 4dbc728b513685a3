"""The grading kernel, seen from inside: what a kernel started by the autograder can see and do.

The probe notebook below is the tutor's own code (no student code ever runs while grading); it
reports what the kernel can reach, so these tests check the walls themselves:

- with or without the sandbox: the grading folder is not on ``sys.path`` (``PYTHONSAFEPATH``),
  no user site folder, an empty ``IPYTHONDIR``, and a package shipped in the grading folder is
  not what ``import coplearn`` finds;
- with the bubblewrap sandbox (installed by ``./run test`` on Debian): no network, no view of the
  gradebook, ``solutions/``, other students' folders or the exchange, and the grading folder the
  only place a write reaches.
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest

pytestmark = [pytest.mark.nbgrader]

PROBE = r'''
import json, os, socket, sys
report = {"sys_path": sys.path, "cwd": os.getcwd(), "safepath": sys.flags.safe_path,
          "nousersite": sys.flags.no_user_site, "ipythondir": os.environ.get("IPYTHONDIR"),
          "ipythondir_files": sorted(os.listdir(os.environ["IPYTHONDIR"])) if os.environ.get("IPYTHONDIR") else None}
import coplearn
report["coplearn_file"] = coplearn.__file__
def can_read(p):
    try:
        with open(p, "rb") as fh:
            fh.read(1)
        return True
    except OSError:
        return False
def can_write(p):
    try:
        with open(p, "w") as fh:
            fh.write("x")
        return True
    except OSError:
        return False
report["read"] = {name: can_read(p) for name, p in PATHS["read"].items()}
report["write"] = {name: can_write(p) for name, p in PATHS["write"].items()}
try:
    socket.create_connection(("127.0.0.1", PATHS["port"]), timeout=3).close()
    report["network"] = True
except OSError:
    report["network"] = False
print("REPORT" + json.dumps(report))
'''


@pytest.fixture
def course(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    root = tmp_path / "course"
    (root / "solutions" / "a1").mkdir(parents=True)
    (root / "nbgrader_config.py").write_text("c = get_config()\n", encoding="utf-8")
    (root / "gradebook.db").write_text("the gradebook", encoding="utf-8")
    (root / "solutions" / "a1" / "a1.ipynb").write_text("the answer key", encoding="utf-8")
    folder = root / "autograded" / "s1" / "a1"
    folder.mkdir(parents=True)
    other = root / "autograded" / "s2" / "a1"
    other.mkdir(parents=True)
    (other / "a1.ipynb").write_text("another student's work", encoding="utf-8")
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    (exchange / "inbound.txt").write_text("the exchange", encoding="utf-8")
    monkeypatch.setenv("COPLEARN_EXCHANGE", str(exchange))
    # a package named like the course library, shipped beside the notebook
    (folder / "coplearn").mkdir()
    (folder / "coplearn" / "__init__.py").write_text("raise SystemExit('shipped')\n", encoding="utf-8")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    yield {"root": root, "folder": folder, "other": other, "exchange": exchange, "listener": listener}
    listener.close()


def _probe(course: dict, sandbox: str) -> dict:
    import nbformat

    from coplearn.grading.sandbox import SandboxedExecute

    paths = {
        "read": {"gradebook": str(course["root"] / "gradebook.db"),
                 "solutions": str(course["root"] / "solutions" / "a1" / "a1.ipynb"),
                 "other_student": str(course["other"] / "a1.ipynb"),
                 "exchange": str(course["exchange"] / "inbound.txt"),
                 "own_folder": str(course["folder"] / "coplearn" / "__init__.py")},
        "write": {"course_root": str(course["root"] / "planted.txt"),
                  "other_student": str(course["other"] / "planted.txt"),
                  "own_folder": str(course["folder"] / "scratch.txt")},
        "port": course["listener"].getsockname()[1],
    }
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"PATHS = {paths!r}\n" + PROBE)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    execute = SandboxedExecute(sandbox=sandbox, timeout=60)
    nb, _ = execute.preprocess(nb, {"metadata": {"path": str(course["folder"])}})
    text = "".join(o.get("text", "") for o in nb.cells[0].outputs if o.get("output_type") == "stream")
    errors = [o for o in nb.cells[0].outputs if o.get("output_type") == "error"]
    assert not errors, errors
    return json.loads(text.split("REPORT", 1)[1])


def _common_walls(report: dict, course: dict) -> None:
    folder = str(course["folder"])
    assert report["safepath"] == 1 and report["nousersite"] == 1
    assert folder not in report["sys_path"] and "" not in report["sys_path"] and "." not in report["sys_path"]
    assert not report["coplearn_file"].startswith(folder), "a shipped package replaced the course library"
    assert report["ipythondir_files"] == [] or all(n in {"profile_default"} for n in report["ipythondir_files"])
    assert report["write"]["own_folder"] is True


def test_without_the_sandbox_the_kernel_still_starts_safe(course: dict) -> None:
    report = _probe(course, "off")
    _common_walls(report, course)


def _sandbox_or_skip() -> None:
    """Fail where the sandbox should work (./run test installs it), skip where it was allowed not to."""
    from coplearn.grading.sandbox import sandbox_status

    ok, message = sandbox_status("auto")
    if not ok and os.environ.get("COPLEARN_TEST_ALLOW_NO_SANDBOX") != "1":
        pytest.fail(f"{message} (./run test installs Debian's bubblewrap; set COPLEARN_TEST_ALLOW_NO_SANDBOX=1 "
                    "where no sandbox can work)")
    if not ok:
        pytest.skip(message)


def test_inside_the_sandbox_the_kernel_sees_only_its_own_folder(course: dict) -> None:
    _sandbox_or_skip()
    report = _probe(course, "required")
    _common_walls(report, course)
    assert report["read"] == {"gradebook": False, "solutions": False, "other_student": False, "exchange": False,
                              "own_folder": True}
    assert report["write"] == {"course_root": False, "other_student": False, "own_folder": True}
    assert report["network"] is False
    assert not (course["root"] / "planted.txt").exists() and not (course["other"] / "planted.txt").exists()


def test_where_bubblewrap_is_missing_the_tutor_is_told_plainly(monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from coplearn.grading import sandbox

    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    ok, message = sandbox.sandbox_status("auto")
    assert not ok and "bubblewrap" in message and "not installed" in message and "none of their code runs" in message
    with pytest.raises(RuntimeError, match="COPLEARN_SANDBOX=required, but bubblewrap"):
        sandbox.sandbox_status("required")
    ok, message = sandbox.sandbox_status("off")
    assert not ok and "COPLEARN_SANDBOX=off" in message


def test_a_kernel_that_dies_or_will_not_stop_costs_only_the_cells_it_did_not_run(tmp_path: Path) -> None:
    import nbformat

    from coplearn.grading.sandbox import SandboxedExecute

    def run(cells: list[str], **opts: object) -> list[str]:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb, _ = SandboxedExecute(sandbox="off", **opts).preprocess(nb, {"metadata": {"path": str(tmp_path)}})
        return [" ".join(o.get("text", "") or f"{o.get('ename')}: {o.get('evalue')}" for o in c.outputs) for c in nb.cells]

    out = run(["print('before')", "import os; os._exit(1)", "print('after')"], timeout=20)
    assert out[0].strip() == "before" and "kernel died" in out[1] and "Not run" in out[2]
    stubborn = "while True:\n    try:\n        while True:\n            pass\n    except KeyboardInterrupt:\n        pass"
    out = run([stubborn, "print('after')"], timeout=2, notebook_timeout=10)
    assert "would not stop when interrupted" in out[0] and "Not run" in out[1]


def test_an_error_is_never_dropped_by_the_output_cap(tmp_path: Path) -> None:
    import nbformat

    from coplearn.grading.sandbox import SandboxedExecute

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "print('x' * 5000)\nprint('y' * 5000)\nraise AssertionError('the answer is wrong')")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb, _ = SandboxedExecute(sandbox="off", timeout=30, max_output_chars=1000).preprocess(
        nb, {"metadata": {"path": str(tmp_path)}})
    outputs = nb.cells[0].outputs
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert "output stopped by the course's autograder" in text and len(text) < 7000
    assert any(o.get("output_type") == "error" and o.get("ename") == "AssertionError" for o in outputs)


def test_one_job_s_kept_kernel_is_held_to_the_same_walls(course: dict) -> None:
    """`coplearn autograde --jobs 1` keeps one kernel in the main process (parallel._InlineExecuteMixin):
    each notebook runs in a copy of its grading folder inside a private folder, the only place the kernel
    may write; the second notebook, in the kept kernel, sees no more than the first."""
    from coplearn.grading.kept_kernel import close_kept_kernel, kept_execute_mixin
    from coplearn.grading.parallel import _InlineExecuteMixin
    from coplearn.grading.sandbox import SandboxedExecute

    _sandbox_or_skip()
    import nbformat

    root = course["root"] / ".coplearn-autograde-probe" / "autograded"
    root.mkdir(parents=True)
    timings: list = []
    cls = type("InlineProbe", (_InlineExecuteMixin, kept_execute_mixin(), SandboxedExecute),
               {"root": str(root), "counts": {}, "timings": timings, "total": 2})
    paths = {
        "read": {"gradebook": str(course["root"] / "gradebook.db"),
                 "solutions": str(course["root"] / "solutions" / "a1" / "a1.ipynb"),
                 "other_student": str(course["other"] / "a1.ipynb"),
                 "exchange": str(course["exchange"] / "inbound.txt"),
                 "own_folder": "coplearn/__init__.py"},  # (its copy, where the kernel runs)
        "write": {"course_root": str(course["root"] / "planted.txt"),
                  "other_student": str(course["other"] / "planted.txt"),
                  "real_folder": str(course["folder"] / "planted.txt"),
                  "own_folder": "scratch.txt"},
        "port": course["listener"].getsockname()[1],
    }
    reports = []
    try:
        for student in ("s1", "s1-again"):
            nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"PATHS = {paths!r}\n" + PROBE)])
            nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
            resources = {"metadata": {"path": str(course["folder"])},
                         "nbgrader": {"student": student, "notebook": "a1", "assignment": "a1"}}
            nb, resources = cls(sandbox="required", timeout=60).preprocess(nb, resources)
            assert resources["metadata"]["path"] == str(course["folder"])  # given back as it was
            errors = [o for o in nb.cells[0].outputs if o.get("output_type") == "error"]
            assert not errors, errors
            text = "".join(o.get("text", "") for o in nb.cells[0].outputs if o.get("output_type") == "stream")
            reports.append(json.loads(text.split("REPORT", 1)[1]))
    finally:
        close_kept_kernel()
    assert [t.warm for t in timings] == [0, 1]
    for report in reports:
        assert report["cwd"].startswith(str(root)) and report["safepath"] == 1 and report["nousersite"] == 1
        assert not report["coplearn_file"].startswith(report["cwd"]), "a shipped package replaced the course library"
        assert report["read"] == {"gradebook": False, "solutions": False, "other_student": False, "exchange": False,
                                  "own_folder": True}
        assert report["write"] == {"course_root": False, "other_student": False, "real_folder": False,
                                   "own_folder": True}
        assert report["network"] is False
    assert not any(p.name == "planted.txt" for p in course["root"].rglob("*"))
    assert list(root.iterdir()) == []  # each copy removed once it has run


def test_a_line_printed_in_pieces_is_one_output_whatever_the_timing(tmp_path: Path) -> None:
    """red team 24 F1: a check's printed line sometimes reached the grader as two outputs (its text, then a
    lone line break), more often in a kept kernel than a fresh one, so formgrader and the feedback showed an
    extra empty block under some students' checks. Neighbouring outputs of one kind are now joined, in order."""
    import nbformat
    from traitlets.config.loader import PyFileConfigLoader

    from coplearn.grading.sandbox import SandboxedExecute

    config = PyFileConfigLoader("nbgrader_config.py", path=str(Path(__file__).resolve().parents[2])).load_config()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import sys, time\nprint('Your answer to statement 1: managed', end='')\nsys.stdout.flush()\n"
        "time.sleep(0.3)\nprint()\nsys.stdout.flush()\ntime.sleep(0.3)\n"
        "print('checked', file=sys.stderr)\nsys.stderr.flush()\ntime.sleep(0.3)\nprint('and the next line')")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    execute = SandboxedExecute(config=config, sandbox="off")
    nb, _ = execute.preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    streams = [(o["name"], o["text"]) for o in nb.cells[0].outputs]
    assert streams == [("stdout", "Your answer to statement 1: managed\n"), ("stderr", "checked\n"),
                       ("stdout", "and the next line\n")], streams
