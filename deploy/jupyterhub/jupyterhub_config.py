"""JupyterHub for a coplearn cohort on one server: tutors and students, nbgrader exchange and formgrader.

The recommended set-up (docs/deploy.md explains it and its limits):

- **one unix account per person** (``LocalProcessSpawner``): each person's server, kernels and
  files run as that account, so homes are private (mode 0700) and nbgrader names every
  submission after the right person (it uses the unix account name);
- **nbgrader's exchange** in one folder every account can reach (``/srv/nbgrader/exchange``,
  mode 1777), shared by the tutors' release/collect and the students' fetch/submit;
- **tutors** get the formgrader; **students** get the assignment list and validate button only;
- **sign-in** with JupyterHub's ``shared-password`` authenticator for a pilot or a workshop:
  students share one password, tutors (hub admins) another of 32+ characters. Anyone with the
  student password can sign in as any *student*; for a real cohort use the university's single
  sign-on instead (set ``COPLEARN_HUB_AUTHENTICATOR``, see docs/deploy.md).

Set up the accounts and the exchange with ``deploy/jupyterhub/make-accounts.sh roster.toml``,
then run ``jupyterhub -f deploy/jupyterhub/jupyterhub_config.py`` as root.

Environment (defaults in brackets):

- ``COPLEARN_ROSTER``            the roster, a TOML file with ``tutors`` and ``students`` lists
                                 [``/etc/coplearn/roster.toml``]
- ``COPLEARN_HUB_PASSWORD``      the students' shared password (8+ characters; required for
                                 shared-password sign-in)
- ``COPLEARN_HUB_ADMIN_PASSWORD`` the tutors' password (32+ characters; tutors are hub admins)
- ``COPLEARN_HUB_AUTHENTICATOR`` another authenticator class, e.g. ``pam`` or an OAuthenticator
- ``COPLEARN_HUB_URL``           where the hub listens [``http://127.0.0.1:8000``]; put a TLS
                                 proxy (nginx, Caddy) in front for anything beyond one machine
- ``COPLEARN_HUB_STATE``         the hub's own files (database, cookie secret) [``/srv/jupyterhub``]
- ``COPLEARN_EXCHANGE``          nbgrader's exchange folder [``/srv/nbgrader/exchange``]
- ``COPLEARN_COURSE_ID``         the nbgrader course id [``coplearn``]
- ``COPLEARN_COURSE_SOURCE``     where each person's ``~/course`` (the lessons) and ``~/docs`` (the guides
                                 and glossary they link to) are copied from when their server first
                                 starts [this repository]
"""

import os
import shlex
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

HERE = Path(__file__).resolve().parent
CONFIG_DIRS = HERE / "jupyter"
PYTHON = sys.executable  # the environment coplearn, nbgrader and JupyterLab are installed in


def _roster() -> tuple[set, set]:
    path = Path(os.environ.get("COPLEARN_ROSTER", "/etc/coplearn/roster.toml"))
    try:
        data = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise SystemExit(f"coplearn hub: no roster at {path}. Copy deploy/jupyterhub/roster.example.toml "
                         "there (or set COPLEARN_ROSTER) and list your tutors and students.") from None
    tutors, students = set(data.get("tutors", [])), set(data.get("students", []))
    if not tutors:
        raise SystemExit(f"coplearn hub: the roster {path} names no tutors; add at least one to 'tutors'.")
    both = tutors & students
    if both:
        raise SystemExit(f"coplearn hub: {', '.join(sorted(both))} listed as both tutor and student in {path}.")
    return tutors, students


TUTORS, STUDENTS = _roster()
STATE = Path(os.environ.get("COPLEARN_HUB_STATE", "/srv/jupyterhub"))
EXCHANGE = os.environ.get("COPLEARN_EXCHANGE", "/srv/nbgrader/exchange")
COURSE_ID = os.environ.get("COPLEARN_COURSE_ID", "coplearn")

# ---- the hub ---------------------------------------------------------------------------------
c.JupyterHub.bind_url = os.environ.get("COPLEARN_HUB_URL", "http://127.0.0.1:8000")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")
# configurable-http-proxy: the pure-Python one from PyPI (installed with coplearn's test extra),
# or the npm one if that is what is on PATH.
_chp = Path(PYTHON).parent / "configurable-http-proxy"
if _chp.exists():
    c.ConfigurableHTTPProxy.command = [str(_chp)]

# ---- who may sign in -------------------------------------------------------------------------
authenticator = os.environ.get("COPLEARN_HUB_AUTHENTICATOR", "shared-password")
c.JupyterHub.authenticator_class = authenticator
c.Authenticator.allowed_users = TUTORS | STUDENTS
c.Authenticator.admin_users = TUTORS
if authenticator == "shared-password":
    if not os.environ.get("COPLEARN_HUB_PASSWORD"):
        raise SystemExit("coplearn hub: set COPLEARN_HUB_PASSWORD (8 or more characters) for the students' "
                         "shared password, and COPLEARN_HUB_ADMIN_PASSWORD (32 or more) for the tutors'.")
    c.SharedPasswordAuthenticator.user_password = os.environ["COPLEARN_HUB_PASSWORD"]
    # Tutors must use the admin password: otherwise anyone with the students' password could
    # sign in as a tutor and open the formgrader, the gradebook and the hidden tests.
    c.SharedPasswordAuthenticator.admin_password = os.environ.get("COPLEARN_HUB_ADMIN_PASSWORD", "")

# ---- each person's server: their own unix account ----------------------------------------------
c.JupyterHub.spawner_class = "localprocess"
# (start-singleuser.sh copies the lessons into each person's home the first time, then starts
# jupyterhub.singleuser with PYTHON)
c.Spawner.cmd = ["/bin/bash", str(HERE / "start-singleuser.sh"), PYTHON]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
# 20 servers starting at once take about 45 s on 2 cores: give them time.
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 120
c.JupyterHub.concurrent_spawn_limit = 50
# Each server needs about 165 MiB before any notebook runs; LocalProcessSpawner cannot enforce
# limits, so size the machine for it (docs/deploy.md).


def _environment(spawner) -> None:
    role = "tutor" if spawner.user.name in TUTORS else "student"
    spawner.environment.update({
        "COPLEARN_ROLE": role,
        "COPLEARN_COURSE_ID": COURSE_ID,
        "COPLEARN_EXCHANGE": EXCHANGE,
        # the role's Jupyter settings first (formgrader on or off), then the shared nbgrader ones
        "JUPYTER_CONFIG_PATH": os.pathsep.join([str(CONFIG_DIRS / role), str(CONFIG_DIRS / "common")]),
        # nbgrader runs `alembic` from PATH when it creates a gradebook
        "PATH": os.pathsep.join([str(Path(PYTHON).parent), "/usr/local/bin", "/usr/bin", "/bin"]),
        # where start-singleuser.sh finds the lessons to copy into a new home
        "COPLEARN_COURSE_SOURCE": os.environ.get("COPLEARN_COURSE_SOURCE", str(HERE.parent.parent)),
    })


c.Spawner.pre_spawn_hook = _environment

if os.environ.get("COPLEARN_HUB_DEBUG") == "1":
    c.JupyterHub.log_level = "DEBUG"
    c.Spawner.debug = True
    print("coplearn hub: spawner command:", shlex.join(c.Spawner.cmd), file=sys.stderr)
