"""A small WebDriver BiDi client for Firefox, for the browser edition's Firefox tests.

Why not Playwright: its Firefox is a patched build downloaded from a host this project cannot rely
on, and its WebDriver BiDi mode (``channel="moz-firefox"``) needs commands that Debian's Firefox ESR
153 does not have yet (``emulation.setMediaFeaturesOverride``: every new context fails). Firefox
speaks WebDriver BiDi itself (``--remote-debugging-port``); this client sends the few commands the
tests need: open a page, and evaluate JavaScript in it.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

FIREFOX_CANDIDATES = ("firefox-esr", "firefox")


def find_firefox() -> str | None:
    """``$COPLEARN_FIREFOX``, else Debian's ``firefox-esr``, else a ``firefox`` on the PATH, else None."""
    env = os.environ.get("COPLEARN_FIREFOX")
    if env:
        return env if os.access(env, os.X_OK) else None
    for name in FIREFOX_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


class BidiError(RuntimeError):
    pass


class Firefox:
    """A headless Firefox with one tab, driven over WebDriver BiDi."""

    def __init__(self, executable: str, profile: Path, width: int = 1280, height: int = 900) -> None:
        import websocket  # websocket-client (a Jupyter dependency)

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        profile.mkdir(parents=True, exist_ok=True)
        # no first-run pages, update checks or telemetry: nothing but the site is fetched
        (profile / "user.js").write_text("\n".join(f'user_pref("{k}", {json.dumps(v)});' for k, v in {
            "browser.shell.checkDefaultBrowser": False, "app.update.enabled": False,
            "datareporting.policy.dataSubmissionEnabled": False, "toolkit.telemetry.enabled": False,
            "browser.startup.homepage_override.mstone": "ignore", "browser.aboutwelcome.enabled": False,
            "network.captive-portal-service.enabled": False, "network.connectivity-service.enabled": False,
            "extensions.update.enabled": False, "browser.safebrowsing.update.enabled": False,
            "messaging-system.rsexperimentloader.enabled": False, "app.normandy.enabled": False,
        }.items()) + "\n", encoding="utf-8")
        self.proc = subprocess.Popen(
            [executable, "--headless", "--no-remote", "--profile", str(profile), f"--remote-debugging-port={port}",
             f"--width={width}", f"--height={height}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "MOZ_CRASHREPORTER_DISABLE": "1"})
        self._id = 0
        deadline = time.monotonic() + 60
        while True:
            try:
                # Firefox refuses a connection that names an Origin
                self.ws = websocket.create_connection(f"ws://127.0.0.1:{port}/session", timeout=120,
                                                      suppress_origin=True)
                break
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.close()
                    raise BidiError(f"Firefox ({executable}) did not start its WebDriver BiDi server") from None
                time.sleep(0.2)
        caps = self.send("session.new", capabilities={})
        self.version = caps.get("capabilities", {}).get("browserVersion", "?")
        self.context = self.send("browsingContext.getTree")["contexts"][0]["context"]

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") != self._id:
                continue  # an event (none is asked for) or an older answer
            if message.get("type") == "error":
                raise BidiError(f"{method}: {message.get('error')}: {message.get('message')}")
            return message["result"]

    def goto(self, url: str) -> None:
        self.send("browsingContext.navigate", context=self.context, url=url, wait="complete")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the tab (awaited), through JSON."""
        result = self.send("script.evaluate", expression=f"(async () => JSON.stringify(await ({expression})))()",
                           target={"context": self.context}, awaitPromise=True)
        if result.get("type") == "exception":
            raise BidiError(f"JavaScript raised: {result.get('exceptionDetails', {}).get('text')}")
        value = result.get("result", {}).get("value")
        return None if value is None else json.loads(value)

    def wait_for(self, expression: str, timeout: float, what: str) -> Any:
        deadline = time.monotonic() + timeout
        value = None
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.25)
        raise AssertionError(f"Firefox: {what} not within {timeout:.0f} s (last: {value!r})")

    def close(self) -> None:
        try:
            self.send("session.end")
        except Exception:  # noqa: BLE001 - closing anyway
            pass
        ws = getattr(self, "ws", None)
        if ws is not None:
            ws.close()
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
