"""Start and stop a private JupyterLab and a private Voila for the browser tests and the benchmark.

Both servers listen on 127.0.0.1 only, use throwaway config, runtime, settings and workspace
folders, and serve a *copy* of the course (so that JupyterLab can never save outputs into the
committed notebooks). Each server runs in its own process session and is stopped by its PID.

This module imports nothing from pytest, so ``scripts/bench_browser.py`` can use it too.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from coplearn.cli.main import app_command, lab_command

REPO = Path(__file__).resolve().parents[2]
TOKEN = "coplearn-browser-tests"

#: Debian's package, then Playwright's own download (if someone ran ``playwright install``).
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/lib/chromium/chromium")

#: Launch flags that keep Chromium quiet offline (see shared notes/browser-testing.md).
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

#: JupyterLab user settings for the tests: never autosave (the copy is throwaway anyway), and
#: render every cell (no windowing) so that axe and the checks see the whole lesson.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                        "checkForUpdates": False},
}


def find_chromium() -> str | None:
    """The Chromium to drive: ``$COPLEARN_CHROMIUM``, else Debian's, else Playwright's download, else None."""
    env = os.environ.get("COPLEARN_CHROMIUM")
    if env:
        return env if os.access(env, os.X_OK) else None
    for cand in CHROMIUM_CANDIDATES:
        if os.access(cand, os.X_OK):
            return cand
    found = shutil.which("chromium")
    if found:
        return found
    # Playwright's own download (scripts/setup.sh falls back to it where apt-get is missing)
    cache = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or Path.home() / ".cache" / "ms-playwright")
    for cand in sorted(cache.glob("chromium-*/chrome-linux*/chrome"), reverse=True):
        if os.access(cand, os.X_OK):
            return str(cand)
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running server: its base URL, process, and log file."""

    name: str
    url: str
    proc: subprocess.Popen
    log: Path
    root: Path
    token: str = ""
    extra: dict = field(default_factory=dict)

    def get(self, path: str, timeout: float = 5) -> tuple[int, bytes]:
        sep = "&" if "?" in path else "?"
        full = f"{self.url}{path}" + (f"{sep}token={self.token}" if self.token else "")
        try:
            with urllib.request.urlopen(full, timeout=timeout) as resp:  # noqa: S310 - 127.0.0.1 only
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, b""

    def request(self, method: str, path: str, timeout: float = 5) -> int:
        req = urllib.request.Request(f"{self.url}{path}", method=method,
                                     headers={"Authorization": f"token {self.token}"} if self.token else {})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310
                return resp.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        """Stop the server by its PID, then anything left in its own session (its kernels)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        try:  # kernels the server started live in the session we created for it
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def prepare_root(root: Path, *, folders: tuple[str, ...] = ("course",)) -> Path:
    """Copy the course (and any other folders asked for) into ``root``; return ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for name in folders:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, root / name, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return root


def _private_env(base: Path) -> dict[str, str]:
    env = dict(os.environ)
    for var, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                     ("JUPYTERLAB_SETTINGS_DIR", "settings"), ("JUPYTERLAB_WORKSPACES_DIR", "workspaces")):
        path = base / sub
        path.mkdir(parents=True, exist_ok=True)
        env[var] = str(path)
    env["COPLEARN_JOURNAL"] = str(base / "journal.json")
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("JUPYTER_TOKEN", None)
    for name, value in LAB_SETTINGS.items():
        path = base / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))
    return env


def _wait(server: Server, path: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"{server.name} exited with code {server.proc.returncode}:\n{server.log_tail()}")
        try:
            status, _ = server.get(path, timeout=2)
            if status == 200:
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.25)
    server.stop()
    raise RuntimeError(f"{server.name} did not become ready in {timeout:.0f} s:\n{server.log_tail()}")


def _spawn(name: str, cmd: list[str], env: dict[str, str], base: Path, cwd: Path) -> tuple[subprocess.Popen, Path]:
    log = base / f"{name}.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=fh, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    return proc, log


def start_lab(root: Path, base: Path, *, timeout: float = 90) -> Server:
    """JupyterLab serving ``root`` (which holds ``course/``), started with the course's own command line."""
    port = free_port()
    env = _private_env(base / "lab")
    cmd = lab_command(root / "course", port, no_browser=True)
    cmd = cmd[:-1]  # drop the lesson to open: each test opens its own page
    cmd += ["--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}", "--ServerApp.open_browser=False",
            "--ServerApp.password=", "--LabApp.expose_app_in_browser=True"]
    if "--allow-root" not in cmd and hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    proc, log = _spawn("jupyterlab", cmd, env, base, root)
    server = Server("JupyterLab", f"http://127.0.0.1:{port}", proc, log, root, token=TOKEN,
                    extra={"journal": Path(env["COPLEARN_JOURNAL"])})
    _wait(server, "/api/status", timeout)
    return server


def start_voila(root: Path, base: Path, *, timeout: float = 90, extra: tuple[str, ...] = ()) -> Server:
    """Voila serving ``root/course`` exactly as ``coplearn app`` does (code stripped), plus ``extra`` flags."""
    port = free_port()
    env = _private_env(base / "voila")
    cmd = app_command(root / "course", port, no_browser=True) + list(extra)
    proc, log = _spawn("voila", cmd, env, base, root)
    server = Server("Voila", f"http://127.0.0.1:{port}", proc, log, root)
    _wait(server, "/voila/static/voila.js", timeout)
    return server


def shutdown_kernels(server: Server) -> None:
    """Delete every JupyterLab session (and so its kernel) to keep memory low between lessons."""
    try:
        status, body = server.get("/api/sessions")
        if status != 200:
            return
        for sess in json.loads(body or b"[]"):
            server.request("DELETE", f"/api/sessions/{sess['id']}")
    except (urllib.error.URLError, OSError, ValueError):
        pass


if __name__ == "__main__":  # manual check: python tests/browser/servers.py
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        r = prepare_root(Path(tmp) / "root")
        t0 = time.perf_counter()
        lab = start_lab(r, Path(tmp))
        print("lab ready", lab.url, f"{time.perf_counter() - t0:.1f}s")
        t0 = time.perf_counter()
        voila = start_voila(r, Path(tmp))
        print("voila ready", voila.url, f"{time.perf_counter() - t0:.1f}s")
        lab.stop()
        voila.stop()
        sys.exit(0)
