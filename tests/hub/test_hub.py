"""A whole course cycle through a real JupyterHub on 127.0.0.1, with the deployment we ship.

The hub runs ``deploy/jupyterhub/jupyterhub_config.py`` (the shared-password authenticator and
the local-process spawner, one unix account per person) with a tutor and three students. Their
accounts exist only inside a private mount namespace (``unshare``; ``/etc/passwd`` and
``/etc/group`` are bind-mounted there), so the machine's accounts never change. Everything is
driven through HTTP, as a browser would: the hub's REST API, nbgrader's formgrader API in the
tutor's server, nbgrader's assignment-list API and the contents API in the students' servers,
and kernels (for what a student could try from their own code).

Cycle: generate and release (tutor) -> fetch, answer, submit (each student) -> collect,
autograde, mark, generate and release feedback (tutor) -> fetch feedback (each student).

Slow: about a minute (four single-user servers, three autograded submissions). Needs root
and ``unshare``; otherwise it is skipped with the reason.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

import hub_helpers

pytestmark = [pytest.mark.hub, pytest.mark.slow, pytest.mark.timeout(900)]

REPO = hub_helpers.REPO
DEPLOY = REPO / "deploy" / "jupyterhub"
COURSE = "coplearn"
TUTOR = "cpltutor"
STUDENTS = {"cplada": "correct", "cplbea": "partial", "cplcal": "blank"}
USERS = [TUTOR, *STUDENTS]
STUDENT_PASSWORD = "students-" + secrets.token_hex(8)
TUTOR_PASSWORD = "tutors-" + secrets.token_hex(20)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _accounts_mode() -> tuple[str | None, str]:
    """How the test accounts are made: ("namespace" | "useradd" | None, reason when None)."""
    if os.geteuid() != 0:
        return None, "needs root: the hub starts each person's server as their own unix account"
    forced = os.environ.get("COPLEARN_HUB_TEST_ACCOUNTS")  # "useradd" to try the fallback
    if shutil.which("unshare") and forced != "useradd":
        probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "true"], capture_output=True)
        if probe.returncode == 0:
            return "namespace", ""
    # No mount namespace here (a container without CAP_SYS_ADMIN): make real, temporary accounts,
    # which only works if they can reach this Python and the checkout without help.
    if not (shutil.which("useradd") and shutil.which("userdel")):
        return None, "needs unshare (mount namespaces) or useradd/userdel to make the test accounts"
    for path in (REPO, Path(os.path.realpath(sys.base_prefix)), Path(os.path.realpath(sys.executable))):
        for folder in [path, *path.parents]:
            if folder.is_dir() and not os.stat(folder).st_mode & stat.S_IXOTH:
                return None, (f"no mount namespace allowed here, and other accounts cannot enter {folder} "
                              "(where this Python or the checkout is)")
    return "useradd", ""


def _free_ids(count: int, start: int = 61000) -> list[int]:
    used = {p.pw_uid for p in pwd.getpwall()}
    import grp
    used |= {g.gr_gid for g in grp.getgrall()}
    out, n = [], start
    while len(out) < count:
        if n not in used:
            out.append(n)
        n += 1
    return out


class Hub:
    """A running test hub, and HTTP helpers that act as each user."""

    def __init__(self, base: Path, url: str, service_token: str, ids: dict[str, int], assignment: str) -> None:
        self.base, self.url, self.ids, self.assignment = base, url.rstrip("/"), ids, assignment
        self.admin = {"Authorization": f"token {service_token}"}
        self.tokens: dict[str, str] = {}
        self.proc: subprocess.Popen | None = None

    # hub REST API ------------------------------------------------------------------------------
    def api(self, method: str, path: str, **kw) -> requests.Response:
        return requests.request(method, f"{self.url}/hub/api{path}", headers=self.admin, timeout=60, **kw)

    def start_servers(self, names: list[str]) -> None:
        for name in names:
            r = self.api("POST", f"/users/{name}/server")
            assert r.status_code in (201, 202), (name, r.status_code, r.text)
        deadline = time.monotonic() + 240
        pending = set(names)
        while pending and time.monotonic() < deadline:
            for name in list(pending):
                info = self.api("GET", f"/users/{name}").json()
                if info.get("servers", {}).get("", {}).get("ready"):
                    pending.discard(name)
            time.sleep(0.5)
        assert not pending, f"servers did not start: {pending}\n{self.log_tail()}"
        for name in names:
            r = self.api("POST", f"/users/{name}/tokens", json={"note": "coplearn hub test", "expires_in": 3600})
            assert r.status_code == 201, r.text
            self.tokens[name] = r.json()["token"]

    # a user's single-user server -----------------------------------------------------------------
    def as_user(self, name: str, method: str, path: str, **kw) -> requests.Response:
        headers = {"Authorization": f"token {self.tokens[name]}"}
        return requests.request(method, f"{self.url}/user/{name}/{path.lstrip('/')}", headers=headers,
                                timeout=300, **kw)

    def ok_json(self, name: str, method: str, path: str, **kw) -> object:
        r = self.as_user(name, method, path, **kw)
        assert r.status_code < 300, (name, method, path, r.status_code, r.text[:2000])
        return r.json() if r.text else None

    def run_code(self, name: str, code: str) -> str:
        """Run ``code`` in a new kernel in ``name``'s server; return everything it printed."""
        import websocket

        kernel = self.ok_json(name, "POST", "api/kernels", json={"name": "python3"})
        ws_url = f"{self.url.replace('http', 'ws', 1)}/user/{name}/api/kernels/{kernel['id']}/channels"
        ws = websocket.create_connection(ws_url, header=[f"Authorization: token {self.tokens[name]}"], timeout=120)
        try:
            msg_id = uuid.uuid4().hex
            ws.send(json.dumps({
                "header": {"msg_id": msg_id, "username": name, "session": uuid.uuid4().hex,
                           "msg_type": "execute_request", "version": "5.3", "date": ""},
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": code, "silent": False, "store_history": False,
                            "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
            }))
            out: list[str] = []
            while True:
                msg = json.loads(ws.recv())
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = msg["msg_type"]
                if kind == "stream":
                    out.append(msg["content"]["text"])
                elif kind == "error":
                    out.append("ERROR " + msg["content"]["ename"] + ": " + msg["content"]["evalue"])
                elif kind == "status" and msg["content"]["execution_state"] == "idle":
                    break
            return "".join(out)
        finally:
            ws.close()
            self.as_user(name, "DELETE", f"api/kernels/{kernel['id']}")

    def log_tail(self, n: int = 60) -> str:
        log = self.base / "hub.log"
        return "\n".join(log.read_text(errors="replace").splitlines()[-n:]) if log.exists() else ""


@pytest.fixture(scope="module")
def hub():
    mode, reason = _accounts_mode()
    if mode is None:
        pytest.skip(reason)
    base = Path(tempfile.mkdtemp(prefix="coplearn-hub-"))
    base.chmod(0o755)
    ids = dict(zip(USERS, _free_ids(len(USERS))))
    home, exchange, state, etc, stage = (base / d for d in ("home", "exchange", "state", "etc", "stage"))
    for d in (home, state, etc, stage):
        d.mkdir()
    home.chmod(0o755)
    state.chmod(0o700)
    # the accounts, in copies of passwd and group that only the hub's namespace sees
    passwd = Path("/etc/passwd").read_text().rstrip("\n") + "\n"
    group = Path("/etc/group").read_text().rstrip("\n") + "\n"
    for name, uid in ids.items():
        passwd += f"{name}:x:{uid}:{uid}:coplearn hub test:{home / name}:/bin/bash\n"
        group += f"{name}:x:{uid}:\n"
        (home / name).mkdir(mode=0o700)
        os.chown(home / name, uid, uid)
    # the exchange, and the course's folder in it owned by the tutor, as make-accounts.sh makes them
    subprocess.run(["bash", str(REPO / "deploy" / "jupyterhub" / "make-exchange.sh"), str(exchange),
                    f"{ids[TUTOR]}:{ids[TUTOR]}", "coplearn"], check=True, capture_output=True)
    (etc / "passwd").write_text(passwd)
    (etc / "group").write_text(group)
    # the tutor's copy of the course: its nbgrader_config.py and solutions/, as make-accounts.sh makes
    assignment = hub_helpers.REAL_ASSIGNMENT if hub_helpers.use_real_assignment() else hub_helpers.TINY_ASSIGNMENT
    course = home / TUTOR / "coplearn"
    course.mkdir()
    shutil.copy(REPO / "nbgrader_config.py", course / "nbgrader_config.py")
    if assignment == hub_helpers.TINY_ASSIGNMENT:
        (course / "solutions" / assignment).mkdir(parents=True)
        (course / "solutions" / assignment / f"{assignment}.ipynb").write_text(json.dumps(hub_helpers.tiny_notebook()))
    else:
        shutil.copytree(REPO / "solutions" / assignment, course / "solutions" / assignment)
    subprocess.run(["chown", "-R", f"{ids[TUTOR]}:{ids[TUTOR]}", str(course)], check=True)
    (etc / "roster.toml").write_text(f"tutors = [{TUTOR!r}]\nstudents = {list(STUDENTS)!r}\n".replace("'", '"'))

    port = _free_port()
    service_token = secrets.token_hex(32)
    (etc / "test_config.py").write_text(f"""
c = get_config()
load_subconfig({str(DEPLOY / 'jupyterhub_config.py')!r})
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{_free_port()}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{_free_port()}"
c.JupyterHub.services = [{{"name": "coplearn-test", "api_token": {service_token!r}}}]
c.JupyterHub.load_roles = [{{"name": "coplearn-test", "services": ["coplearn-test"],
    "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users"]}}]
c.JupyterHub.cleanup_servers = True
""")
    env = {
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin",
                                 "/usr/sbin", "/sbin"]),
        "HOME": str(state), "LANG": "C.UTF-8",
        "COPLEARN_ROSTER": str(etc / "roster.toml"),
        "COPLEARN_HUB_PASSWORD": STUDENT_PASSWORD, "COPLEARN_HUB_ADMIN_PASSWORD": TUTOR_PASSWORD,
        "COPLEARN_HUB_URL": f"http://127.0.0.1:{port}", "COPLEARN_HUB_STATE": str(state),
        "COPLEARN_EXCHANGE": str(exchange), "COPLEARN_COURSE_ID": COURSE,
    }
    spec = {"passwd": str(etc / "passwd"), "group": str(etc / "group"), "stage": str(stage),
            "expose": [str(REPO), os.path.realpath(sys.base_prefix), os.path.realpath(sys.executable)],
            "argv": [sys.executable, "-m", "jupyterhub", "-f", str(etc / "test_config.py")],
            "env": env, "cwd": str(state)}
    (etc / "spec.json").write_text(json.dumps(spec))
    h = Hub(base, f"http://127.0.0.1:{port}", service_token, ids, assignment)
    made: list[str] = []
    if mode == "useradd":
        for name, uid in ids.items():
            subprocess.run(["useradd", "--no-create-home", "--home-dir", str(home / name), "--uid", str(uid),
                            "--user-group", "--shell", "/bin/bash", name], check=True)
            made.append(name)
        for name, uid in ids.items():  # useradd picked the group ids; homes follow them
            subprocess.run(["chown", "-R", f"{name}:{name}", str(home / name)], check=True)
    with open(base / "hub.log", "wb") as log:
        if mode == "namespace":
            argv = ["unshare", "--mount", "--propagation", "private", "--",
                    sys.executable, str(Path(__file__).with_name("hub_ns.py")), str(etc / "spec.json")]
            h.proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        else:
            h.proc = subprocess.Popen(spec["argv"], env=env, cwd=spec["cwd"], stdout=log,
                                      stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if h.api("GET", "/").status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert h.proc.poll() is None, f"the hub exited:\n{h.log_tail()}"
            assert time.monotonic() < deadline, f"the hub did not start:\n{h.log_tail()}"
            time.sleep(0.5)
        yield h
    finally:
        _stop(h)
        for name in made:  # temporary accounts made with useradd (not needed with a namespace)
            subprocess.run(["userdel", name], check=False, capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def _stop(h: Hub) -> None:
    """Stop the hub (it stops the servers and the proxy), then any process left by a test account."""
    if h.proc and h.proc.poll() is None:
        os.killpg(h.proc.pid, signal.SIGTERM)
        try:
            h.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(h.proc.pid, signal.SIGKILL)
            h.proc.wait(timeout=10)
    for uid in h.ids.values():
        ps = subprocess.run(["ps", "-o", "pid=", "-u", str(uid)], capture_output=True, text=True)
        for pid in ps.stdout.split():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except ProcessLookupError:
                pass



def _source_notebooks(assignment: str) -> dict[str, dict]:
    if assignment == hub_helpers.TINY_ASSIGNMENT:
        return {f"{assignment}.ipynb": hub_helpers.tiny_notebook()}
    folder = REPO / "solutions" / assignment
    return {p.name: json.loads(p.read_text()) for p in sorted(folder.glob("*.ipynb"))}


def _manual_cells(source: dict) -> list[str]:
    return [c["metadata"]["nbgrader"]["grade_id"] for c in source["cells"]
            if c.get("metadata", {}).get("nbgrader", {}).get("solution")
            and c["metadata"]["nbgrader"].get("grade") and c["cell_type"] == "markdown"]


@pytest.fixture(scope="module")
def cycle(hub):
    """Run the whole course cycle through the hub; return what each step produced."""
    a = hub.assignment
    sources = _source_notebooks(a)
    out: dict = {"markers": {s: f"{s}-{secrets.token_hex(4)}" for s in STUDENTS}, "timings": {}}
    t0 = time.monotonic()
    hub.start_servers(USERS)
    out["timings"]["start 4 servers"] = time.monotonic() - t0

    # tutor: generate the student version and release it to the exchange (formgrader API)
    fg = f"formgrader/api/assignment/{a}"
    for step in ("assign", "release"):
        r = hub.ok_json(TUTOR, "POST", f"{fg}/{step}")
        assert r["success"], (step, r)

    # each student: see it, fetch it, answer it in their own server, submit it
    def student(name: str) -> None:
        listing = hub.ok_json(name, "GET", "assignments", params={"course_id": COURSE})
        assert listing["success"], listing
        assert any(x["assignment_id"] == a and x["status"] == "released" for x in listing["value"]), listing
        form = {"course_id": COURSE, "assignment_id": a}
        hub.ok_json(name, "POST", "assignments/fetch", data=form)
        for nb_name, source in sources.items():
            model = hub.ok_json(name, "GET", f"api/contents/{a}/{nb_name}", params={"content": "1"})
            answered = hub_helpers.answer_notebook(model["content"], source, STUDENTS[name], out["markers"][name])
            hub.ok_json(name, "PUT", f"api/contents/{a}/{nb_name}",
                        json={"type": "notebook", "format": "json", "content": answered})
        r = hub.ok_json(name, "POST", "assignments/submit", data=form)
        assert r["success"], r

    t0 = time.monotonic()
    with ThreadPoolExecutor(len(STUDENTS)) as pool:
        list(pool.map(student, STUDENTS))
    out["timings"]["fetch, answer, submit (3 students at once)"] = time.monotonic() - t0
    inbound = hub.base / "exchange" / COURSE / "inbound"
    out["inbound"] = {p.name: p.stat().st_uid for p in inbound.iterdir()}

    # tutor: collect, autograde each submission, mark the written answers, feedback
    t0 = time.monotonic()
    r = hub.ok_json(TUTOR, "POST", f"{fg}/collect")
    assert r["success"], r
    out["collected"] = sorted(p.name for p in (hub.base / "home" / TUTOR / "coplearn" / "submitted").iterdir())
    for name in STUDENTS:
        r = hub.ok_json(TUTOR, "POST", f"formgrader/api/submission/{a}/{name}/autograde")
        assert r["success"], r
    out["timings"]["collect + autograde 3 (formgrader)"] = time.monotonic() - t0
    marks = {}
    for nb_name, source in sources.items():
        nb_id = nb_name[:-len(".ipynb")]
        manual = _manual_cells(source)
        for sub in hub.ok_json(TUTOR, "GET", f"formgrader/api/submitted_notebooks/{a}/{nb_id}"):
            grades = hub.ok_json(TUTOR, "GET", "formgrader/api/grades", params={"submission_id": sub["id"]})
            for g in grades:
                if g["name"] in manual:
                    score = {"cplada": g["max_score"], "cplbea": g["max_score"] / 2, "cplcal": 0}[sub["student"]]
                    hub.ok_json(TUTOR, "PUT", f"formgrader/api/grade/{g['id']}", json={"manual_score": score})
                    marks[(sub["student"], g["name"])] = score
    out["marks"] = marks
    for step in ("generate_feedback", "release_feedback"):
        r = hub.ok_json(TUTOR, "POST", f"{fg}/{step}")
        assert r["success"], (step, r)
    out["scores"] = {s["student"]: (s["score"], s["max_score"])
                     for s in hub.ok_json(TUTOR, "GET", f"formgrader/api/submissions/{a}")}

    # each student: fetch their feedback and read it in their own server
    out["feedback"] = {}
    for name in STUDENTS:
        hub.ok_json(name, "POST", "assignments/fetch_feedback", data={"course_id": COURSE, "assignment_id": a})
        pages = []
        for stamp in hub.ok_json(name, "GET", f"api/contents/{a}/feedback")["content"]:
            for f in hub.ok_json(name, "GET", f"api/contents/{quote(stamp['path'])}")["content"]:
                if f["name"].endswith(".html"):
                    page = hub.ok_json(name, "GET", f"api/contents/{quote(f['path'])}",
                                       params={"format": "text", "content": "1"})
                    pages.append(page["content"])
        out["feedback"][name] = pages
    return out


def test_each_submission_arrives_under_its_students_name(hub, cycle):
    # in the exchange: one folder per student, named after them and owned by their own account
    owners = {name.split("+")[0]: uid for name, uid in cycle["inbound"].items()}
    assert len(cycle["inbound"]) == len(STUDENTS)
    assert owners == {s: hub.ids[s] for s in STUDENTS}
    # collected: every student's submission, none lost to another's
    assert cycle["collected"] == sorted(STUDENTS)


def test_grades_and_feedback_are_each_students_own(cycle):
    scores = cycle["scores"]
    assert set(scores) == set(STUDENTS)
    assert scores["cplada"][0] > scores["cplbea"][0] > scores["cplcal"][0], scores
    assert len({mx for _, mx in scores.values()}) == 1
    for name, pages in cycle["feedback"].items():
        assert pages, f"{name} got no feedback"
        text = "\n".join(pages)
        assert cycle["markers"][name] in text
        for other in STUDENTS:
            if other != name:
                assert cycle["markers"][other] not in text, f"{name}'s feedback shows {other}'s work"
        shown = sum(float(m) for m in re.findall(r"\(Score: ([0-9.]+) / [0-9.]+\)</h4>", text))
        assert shown == pytest.approx(scores[name][0]), (name, shown, scores[name])


def _login(hub: Hub, username: str, password: str) -> int:
    """Sign in through the hub's login form; return the HTTP status (302 = signed in)."""
    with requests.Session() as s:
        page = s.get(f"{hub.url}/hub/login", timeout=30)
        xsrf = re.search(r'name="_xsrf"\s+value="([^"]+)"', page.text)
        data = {"username": username, "password": password}
        if xsrf:
            data["_xsrf"] = xsrf.group(1)
        return s.post(f"{hub.url}/hub/login", data=data, allow_redirects=False, timeout=30).status_code


def test_sign_in_with_the_shared_passwords(hub):
    assert _login(hub, "cplbea", STUDENT_PASSWORD) == 302
    assert _login(hub, "cplbea", "not-the-password") == 403
    # the students' password does not open a tutor's account: tutors need the admin password
    assert _login(hub, TUTOR, STUDENT_PASSWORD) == 403
    assert _login(hub, TUTOR, TUTOR_PASSWORD) == 302
    # only people on the roster
    assert _login(hub, "mallory", STUDENT_PASSWORD) == 403
    users = {u["name"]: u for u in hub.api("GET", "/users").json()}
    assert users[TUTOR]["admin"] and not users["cplbea"]["admin"]


def test_everyone_gets_the_lessons_in_their_own_home(hub, cycle):
    """Reach 9, H3: students on this hub found an empty home and no lessons (only tutors got a copy
    of the course). start-singleuser.sh copies course/ into each home the first time."""
    lessons = sorted(p.name for p in (REPO / "course").glob("*.ipynb"))
    for name in USERS:
        listing = hub.ok_json(name, "GET", "api/contents/course")
        got = sorted(x["name"] for x in listing["content"] if x["name"].endswith(".ipynb"))
        assert got == lessons, (name, got)
        assert (hub.base / "home" / name / "course").stat().st_uid == hub.ids[name]  # theirs, not root's
        # the glossary the lessons link to (../docs/glossary.md) is there too (review 9b)
        assert hub.as_user(name, "GET", "api/contents/docs/glossary.md").status_code == 200


def _terminal_says(hub: Hub, name: str, command: str, until: str, timeout: float = 30) -> str:
    """Open a terminal in ``name``'s server, as JupyterLab's File > New > Terminal does, run ``command``
    and return what it printed up to ``until``."""
    import websocket

    term = hub.ok_json(name, "POST", "api/terminals")
    ws_url = f"{hub.url.replace('http', 'ws', 1)}/user/{name}/terminals/websocket/{term['name']}"
    ws = websocket.create_connection(ws_url, header=[f"Authorization: token {hub.tokens[name]}"], timeout=timeout)
    try:
        ws.send(json.dumps(["stdin", command + "\r"]))
        seen, deadline = "", time.monotonic() + timeout
        while until not in seen and time.monotonic() < deadline:
            kind, *rest = json.loads(ws.recv())
            if kind == "stdout":
                seen += rest[0]
        return seen
    finally:
        ws.close()
        hub.as_user(name, "DELETE", f"api/terminals/{term['name']}")


def test_the_tutors_terminal_finds_coplearn_and_nbgrader(hub, cycle):
    """Reach 9, B2: JupyterLab's terminal started a login shell, whose /etc/profile reset PATH, so
    every command in the tutor guide (coplearn autograde, nbgrader export ...) was "command not found"."""
    said = _terminal_says(hub, TUTOR, "command -v coplearn nbgrader; echo END-OF-\"\"CHECK", "END-OF-CHECK")
    bin_dir = str(Path(sys.executable).parent)
    assert f"{bin_dir}/coplearn" in said and f"{bin_dir}/nbgrader" in said, said[-800:]


def test_students_get_no_formgrader(hub, cycle):
    assert hub.as_user(TUTOR, "GET", "formgrader/api/status").status_code == 200
    assert hub.as_user("cplbea", "GET", "formgrader/api/status").status_code == 404
    lab = hub.as_user("cplbea", "GET", "lab").text
    assert "@jupyter/nbgrader:formgrader" in lab  # listed among the disabled extensions
    # nobody is asked about Jupyter news on every page (reach 9, M3: at 200 % it covered a quarter of it)
    for name in (TUTOR, "cplbea"):
        page = hub.as_user(name, "GET", "lab").text
        config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                      page, re.S).group(1))
        assert "@jupyterlab/apputils-extension:announcements" in config["disabledExtensions"], (name, config)
    assert hub.as_user("cplbea", "GET", "assignments", params={"course_id": COURSE}).status_code == 200


PROBE = r'''
import json, os, pwd, stat
def probe(kind, path):
    try:
        if kind == "list":
            os.listdir(path)
        else:
            with open(path, "rb") as fh:
                fh.read(16)
        return "allowed"
    except PermissionError:
        return "denied"
    except FileNotFoundError:
        return "missing"
me = pwd.getpwuid(os.getuid()).pw_name
home = os.path.expanduser("~")
print(json.dumps({"me": me, "home": home, "home_mode": oct(stat.S_IMODE(os.stat(home).st_mode)),
                  "checks": {k: probe(*v) for k, v in CHECKS.items()}}))
'''


def test_isolation_between_students(hub, cycle):
    """What one student's own code can reach on the recommended deployment."""
    from nbgrader.utils import notebook_hash

    a = hub.assignment
    home = hub.base / "home"
    exchange = hub.base / "exchange" / COURSE
    ada_entry = next(p for p in (exchange / "inbound").iterdir() if p.name.startswith("cplada+"))
    nb_name = next(iter(_source_notebooks(a)))
    secret = (ada_entry / "submission_secret.txt").read_text()
    ada_feedback = exchange / "feedback" / f"{notebook_hash(secret=secret, notebook_id=nb_name[:-6])}.html"
    assert ada_feedback.exists()
    checks = {
        "another student's home": ("list", str(home / "cplada")),
        "another student's notebook": ("read", str(home / "cplada" / a / nb_name)),
        "the tutor's gradebook": ("read", str(home / TUTOR / "coplearn" / "gradebook.db")),
        "the hidden tests (solutions/)": ("list", str(home / TUTOR / "coplearn" / "solutions")),
        "the list of submissions": ("list", str(exchange / "inbound")),
        "the list of feedback": ("list", str(exchange / "feedback")),
        "the released assignment": ("list", str(exchange / "outbound" / a)),
        # nbgrader's exchange protects these only by their unguessable names:
        "another's submission, exact name known": ("read", str(ada_entry / nb_name)),
        "another's feedback, exact name known": ("read", str(ada_feedback)),
    }
    result = json.loads(hub.run_code("cplbea", f"CHECKS = {checks!r}\n" + PROBE).strip().splitlines()[-1])
    assert result["me"] == "cplbea" and result["home"] == str(home / "cplbea") and result["home_mode"] == "0o700"
    got = result["checks"]
    assert got == {
        "another student's home": "denied",
        "another student's notebook": "denied",
        "the tutor's gradebook": "denied",
        "the hidden tests (solutions/)": "denied",
        "the list of submissions": "denied",
        "the list of feedback": "denied",
        "the released assignment": "allowed",
        "another's submission, exact name known": "allowed",
        "another's feedback, exact name known": "allowed",
    }, got
    other = json.loads(hub.run_code("cplcal", "CHECKS = {}\n" + PROBE).strip().splitlines()[-1])
    assert other["me"] == "cplcal" and other["home"] == str(home / "cplcal")


def test_a_submission_in_another_students_name_is_not_collected(hub, cycle):
    """nbgrader's exchange trusts the name on a submission; the hub's collect checks the owner.

    Runs last: it adds a forged submission to the exchange.
    """
    a = hub.assignment
    exchange = hub.base / "exchange"
    tutor_course = hub.base / "home" / TUTOR / "coplearn"
    # bea submits her own work under ada's name, from her own server
    out = hub.run_code("cplbea", (
        "import subprocess, sys, os\n"
        f"p = subprocess.run([sys.executable, '-m', 'nbgrader', 'submit', {a!r}, '--student=cplada'],"
        " cwd=os.path.expanduser('~'), capture_output=True, text=True)\nprint('rc', p.returncode)\n"))
    assert "rc 0" in out, out
    forged = [p for p in (exchange / COURSE / "inbound").iterdir()
              if p.name.startswith("cplada+") and p.stat().st_uid == hub.ids["cplbea"]]
    assert len(forged) == 1

    # nbgrader's own collect would take the forgery, the newest "cplada" submission, instead of ada's
    plain = hub.base / "plain-collect"
    shutil.copytree(tutor_course, plain, ignore=shutil.ignore_patterns("submitted", "autograded", "feedback"))
    env = {**hub_helpers._env(), "COPLEARN_EXCHANGE": str(exchange), "COPLEARN_COURSE_ID": COURSE}
    # (nbgrader's own collect class: the course's would refuse, as root does not own the tutor's folders)
    hub_helpers.nbgrader(plain, "collect", a, "--ExchangeFactory.collect=nbgrader.exchange.default.collect.ExchangeCollect",
                         env=env)
    taken = "\n".join(p.read_text() for p in (plain / "submitted" / "cplada" / a).glob("*.ipynb"))
    assert cycle["markers"]["cplbea"] in taken and cycle["markers"]["cplada"] not in taken

    # the deployed hub's collect (formgrader) refuses it and keeps ada's real submission
    r = hub.ok_json(TUTOR, "POST", f"formgrader/api/assignment/{a}/collect")
    assert r["success"], r
    assert "Not collecting" in r.get("log", ""), r
    kept = "\n".join(p.read_text() for p in (tutor_course / "submitted" / "cplada" / a).glob("*.ipynb"))
    assert cycle["markers"]["cplada"] in kept and cycle["markers"]["cplbea"] not in kept
