"""Fixtures for the deployment tests (hub, PostgreSQL, parallel autograding)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import hub_helpers  # noqa: E402


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Everything here is the deployment tier, marked ``hub``, which ``./run fast`` leaves out."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.hub)


#: One cohort with every kind of submission the parallel-equals-serial test needs.
COHORT = {
    "ada": "correct",
    "bea": "partial",
    "cal": "blank",
    "dev": "loop",
    "eli": "crash",
    "fay": "notjson",
    "hal": "stubborn",
    "ivy": "flood",
    "jon": "monkey",
    "kit": "reader",
    "lee": "deleted",
    "max": "edited",
}

#: Short time limits keep the looping submissions cheap; they behave the same at any value.
FAST_TIMEOUT = "c.Execute.timeout = 8\nc.SandboxedExecute.notebook_timeout = 14\n"


@pytest.fixture(scope="session")
def cohort_course(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A course with the cohort submitted (not yet graded); copy it before grading."""
    root = tmp_path_factory.mktemp("cohort") / "course"
    assignment = hub_helpers.make_course(root, extra_config=FAST_TIMEOUT)
    hub_helpers.submit_cohort(root, assignment, COHORT)
    return root, assignment


@pytest.fixture
def course_copy(tmp_path: Path):
    """Copy a prepared course into this test's own folder."""
    def copy(src: Path, name: str) -> Path:
        dest = tmp_path / name
        shutil.copytree(src, dest)
        return dest
    return copy


# ---------------------------------------------------------------------------------------------
# A throw-away PostgreSQL server on 127.0.0.1 (Debian's postgresql; scripts/setup-services.sh
# installs it). It runs as the `postgres` account when the tests run as root (PostgreSQL refuses
# to run as root), in a temporary folder, on a free port, and is stopped at the end.


def _pg_bindir() -> Path | None:
    import glob
    import shutil as sh

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[4])
                   if Path(p).parts[4].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    which = sh.which("pg_ctl")
    return Path(which).resolve().parent if which else None


@pytest.fixture(scope="session")
def postgres_server():
    """Start PostgreSQL on 127.0.0.1; yield a function giving the URL of a new, empty database."""
    import os
    import pwd
    import socket
    import subprocess
    import tempfile

    bindir = _pg_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed and could not be installed here "
                    "(scripts/setup-services.sh installs Debian's postgresql; it needs root or sudo)")
    run_as: dict = {}
    if os.geteuid() == 0:
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("PostgreSQL refuses to run as root and there is no 'postgres' account to run it as")
        run_as = {"user": pw.pw_uid, "group": pw.pw_gid}
    base = Path(tempfile.mkdtemp(prefix="coplearn-pg-"))
    base.chmod(0o755)
    data, sock, logs = base / "data", base / "sock", base / "logs"
    for d in (data, sock, logs):
        d.mkdir()
        if run_as:
            os.chown(d, run_as["user"], run_as["group"])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {"PATH": f"{bindir}:/usr/bin:/bin", "LC_ALL": "C.UTF-8", "HOME": str(base)}

    def pg(*cmd: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([str(bindir / cmd[0]), *cmd[1:]], env=env, cwd=base, capture_output=True,
                              text=True, timeout=120, check=check, **run_as)

    pg("initdb", "-D", str(data), "-U", "coplearn", "--auth=trust", "-E", "UTF8", "--no-sync")
    started = pg("pg_ctl", "-D", str(data), "-l", str(logs / "server.log"), "-w", "-t", "60", "-o",
                 f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off", "start", check=False)
    if started.returncode != 0:
        log = (logs / "server.log").read_text() if (logs / "server.log").exists() else ""
        shutil.rmtree(base, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start:\n{started.stdout}\n{started.stderr}\n{log}")
    counter = iter(range(1, 1000))

    def new_database(prefix: str = "gradebook") -> str:
        name = f"{prefix}_{next(counter)}"
        pg("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "coplearn", name)
        return f"postgresql+psycopg2://coplearn@127.0.0.1:{port}/{name}"

    try:
        yield new_database
    finally:
        pg("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop", check=False)
        shutil.rmtree(base, ignore_errors=True)
