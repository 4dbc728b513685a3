"""Packaging: import hygiene, environment.yml in step with pyproject, the CLI, the README path."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import os
from pathlib import Path

import pytest

import installed

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("plotly", "ipywidgets", "nbgrader", "anywidget", "notebook", "jupyterlab", "docx")


def test_import_coplearn_pulls_in_nothing_heavy():
    code = (
        "import sys, coplearn as cl; cl.team_audit(); cl.cultures(); cl.concepts(); "
        "cl.score_audit({'K1': 3}).action_plan(); "
        f"print([m for m in sys.modules if m.split('.')[0] in {HEAVY!r}])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _names(reqs):
    out = set()
    for r in reqs:
        name = re.split(r"[ <>=!;\[]", r.strip(), maxsplit=1)[0].lower().replace("_", "-")
        if name and name not in {"python", "pip", "-e"}:
            out.add(name)
    return out


def test_environment_yml_lists_the_same_packages_as_pyproject():
    py = tomllib.loads((REPO / "pyproject.toml").read_text())
    deps = {n for n in _names(py["project"]["dependencies"]) if n != "tomli"}
    env_lines = []
    text = (REPO / "environment.yml").read_text()
    for line in text.split("dependencies:", 1)[1].splitlines():
        m = re.match(r"\s+- ([A-Za-z0-9_.\-]+[^#]*)$", line)
        if m and not line.strip().startswith("- pip:"):
            env_lines.append(m.group(1))
    env = _names(env_lines) - {"."}
    assert env == deps


def test_nbgrader_config_points_at_solutions_and_exercises():
    text = (REPO / "nbgrader_config.py").read_text()
    assert 'source_directory = "solutions"' in text
    assert 'release_directory = "exercises"' in text


def test_cli_version_and_dry_runs(tmp_path):
    run = lambda *a: subprocess.run([sys.executable, "-m", "coplearn.cli", *a], capture_output=True, text=True, cwd=REPO)  # noqa: E731
    out = run("--version")
    assert out.returncode == 0 and out.stdout.startswith("coplearn ")
    lab = run("lab", "--dry-run")
    assert lab.returncode == 0 and "coplearn.cli.run_jupyter lab" in lab.stdout and "00-welcome.ipynb" in lab.stdout
    app = run("app", "--dry-run")
    assert app.returncode == 0 and "-m voila" in app.stdout and "--strip_sources=True" in app.stdout


def test_the_servers_start_through_run_jupyter_which_keeps_the_slow_import_out():
    code = ("import sys, types, coplearn.cli.run_jupyter as r\n"
            "fake = types.ModuleType('jupyterlab.labapp')  # stands in for JupyterLab: we only look at what it is given\n"
            "fake.main = lambda: print('rfc3987_syntax' in sys.modules and sys.modules['rfc3987_syntax'] is None, sys.argv[1:])\n"
            "sys.modules['jupyterlab.labapp'] = fake\n"
            "r.main(['lab', '--version'])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "True ['--version']"
    bad = subprocess.run([sys.executable, "-m", "coplearn.cli.run_jupyter", "notebook"], capture_output=True, text=True)
    assert bad.returncode == 2 and "usage" in bad.stderr


def test_jupyterlab_terminals_find_coplearn_without_an_activated_environment():
    """docs16 F2: the course's messages say `coplearn journal ...`; started as .venv/bin/coplearn (not
    activated), JupyterLab and its terminals get this environment's commands first on PATH."""
    code = ("import os, sys, types, coplearn.cli.run_jupyter as r\n"
            "fake = types.ModuleType('jupyterlab.labapp')\n"
            "fake.main = lambda: print(os.environ['PATH'])\n"
            "sys.modules['jupyterlab.labapp'] = fake\n"
            "r.main(['lab'])")
    env = dict(os.environ, PATH="/usr/bin:/bin")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120, env=env)
    assert out.stdout.strip() == os.path.dirname(sys.executable) + ":/usr/bin:/bin"


@pytest.mark.skipif(os.name != "posix", reason="reads the script's #! line; Windows installs an .exe")
def test_cli_tests_run_the_coplearn_installed_beside_this_python():
    """The CLI tests run `coplearn` from the environment running the tests (a venv or the conda
    environment), never from a path in the repository."""
    script = installed.script("coplearn")
    head = script.read_text(encoding="utf-8", errors="replace").splitlines()[:2]
    # `#!/env/bin/python`, or where that path is too long for a #! line, `#!/bin/sh` and then
    # `'''exec' "/env/bin/python" "$0" "$@"`
    found = re.match(r"#!(\S+)$", head[0]) if head[0] != "#!/bin/sh" else re.search(r'"([^"]+)"', head[1])
    assert found, head
    runs_with = Path(found.group(1))  # a venv's python links to the system one: compare the folders
    assert runs_with.parent.resolve() == Path(sys.executable).parent.resolve(), (head, sys.executable)
    out = subprocess.run(installed.coplearn("--version"), capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.startswith("coplearn "), out.stderr


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text()
    ci = (REPO / ".ci" / "run").read_text()
    assert "./run test" in readme.split("\n## ", 1)[0], "the test command must be on the README's first screen"
    assert "./run course" in readme.split("\n## ", 1)[0]
    assert re.search(r"^exec \./run test$", ci, re.M)


def test_the_fast_lane_leaves_out_only_registered_tiers_and_the_readme_says_which():
    """`-m "not sitee"` with a misspelt marker silently leaves nothing out: the names must be registered."""
    lane = re.search(r'^FAST_LANE="([^"]+)"$', (REPO / "run").read_text(), re.M)
    assert lane, "./run must define FAST_LANE"
    left_out = re.findall(r"not (\w+)", lane.group(1))
    assert left_out and lane.group(1) == " and ".join(f"not {m}" for m in left_out)
    registered = {m.split(":")[0] for m in tomllib.loads((REPO / "pyproject.toml").read_text())
                  ["tool"]["pytest"]["ini_options"]["markers"]}
    assert set(left_out) <= registered, set(left_out) - registered
    readme = (REPO / "README.md").read_text()
    assert "./run fast" in readme
    for marker in left_out:
        assert f"`{marker}`" in readme, f"the README should say that the fast lane leaves out `{marker}`"


def test_citation_cites_the_paper():
    text = (REPO / "CITATION.cff").read_text()
    assert "10.1921/swssr.v14i2.491" in text


@pytest.mark.parametrize("name", ["LICENSE", "LICENSE-COURSE.md"])
def test_licences_exist(name):
    assert len((REPO / name).read_text()) > 200


def test_nbgrader_and_coplearn_work_from_a_venv_that_is_not_activated(tmp_path):
    """nbgrader runs `alembic` from PATH when it makes a gradebook: the course's config puts the
    environment's own bin folder on PATH, so `.venv/bin/nbgrader` works without activation."""
    import shutil

    course = tmp_path / "course"
    shutil.copytree(REPO / "solutions" / "a2-leading-situationally", course / "solutions" / "a2-leading-situationally")
    shutil.copy(REPO / "nbgrader_config.py", course / "nbgrader_config.py")
    bindir = installed.script("nbgrader").parent
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV",)}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if p and Path(p).resolve() != bindir.resolve()) or "/usr/bin:/bin"
    proc = subprocess.run([str(bindir / "nbgrader"), "generate_assignment", "a2-leading-situationally"],
                          cwd=course, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (course / "exercises" / "a2-leading-situationally" / "a2-leading-situationally.ipynb").exists()
    assert (course / "gradebook.db").exists()
