"""Small WebDriver clients for Firefox and WebKit, for the browser edition's tests in browsers other
than Chromium (tests/site/test_site_other_browsers.py). Each opens a page and evaluates JavaScript
in it, which is all those tests need.

Why not Playwright: its Firefox and WebKit are patched builds downloaded from a host this project
cannot rely on (unreachable from its test machine), and its WebDriver BiDi mode for a stock Firefox
(``channel="moz-firefox"``) needs commands that Debian's Firefox ESR 153 does not have yet
(``emulation.setMediaFeaturesOverride``: every new context fails). So:

- :class:`Firefox`: Debian's ``firefox-esr``, over WebDriver BiDi (``--remote-debugging-port``);
- :class:`WebKit`: Debian's WebKitGTK (``webkit2gtk-driver``: ``WebKitWebDriver`` and its
  ``MiniBrowser``), over classic WebDriver, on a virtual display (``Xvfb``), since MiniBrowser has no
  headless mode. WebKitGTK is the engine of Safari, not Safari: it says nothing of Apple's own
  builds (or of iPad's), but it runs WebKit's JavaScript, WebAssembly, service workers and storage.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
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


def find_webkit() -> tuple[str, str, str] | None:
    """Debian's ``WebKitWebDriver``, its ``MiniBrowser`` and ``Xvfb``, or None if any is missing."""
    driver, xvfb = shutil.which("WebKitWebDriver"), shutil.which("Xvfb")
    browsers = sorted(glob.glob("/usr/lib/*/webkit2gtk-4.*/MiniBrowser"))
    if not (driver and xvfb and browsers):
        return None
    return driver, browsers[-1], xvfb


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class BidiError(RuntimeError):
    pass


class Driver:
    """What the tests use: open a page (:meth:`goto`), evaluate an expression (:meth:`evaluate`)."""

    name = "?"
    version = "?"

    def goto(self, url: str) -> None:
        raise NotImplementedError

    def evaluate(self, expression: str) -> Any:
        raise NotImplementedError

    def wait_for(self, expression: str, timeout: float, what: str) -> Any:
        deadline = time.monotonic() + timeout
        value = None
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.25)
        raise AssertionError(f"{self.name}: {what} not within {timeout:.0f} s (last: {value!r})")

    def close(self) -> None:
        raise NotImplementedError


class Firefox(Driver):
    """A headless Firefox with one tab, driven over WebDriver BiDi."""

    name = "firefox"

    def __init__(self, executable: str, profile: Path, width: int = 1280, height: int = 900) -> None:
        import websocket  # websocket-client (a Jupyter dependency)

        port = _free_port()
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
        try:
            caps = self.send("session.new", capabilities={})
            self.version = caps.get("capabilities", {}).get("browserVersion", "?")
            self.context = self.send("browsingContext.getTree")["contexts"][0]["context"]
        except Exception:
            self.close()  # no Firefox left running
            raise

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


class WebKit(Driver):
    """WebKitGTK's MiniBrowser on a virtual display, driven over classic WebDriver."""

    name = "webkit"

    def __init__(self, driver: str, browser: str, xvfb: str, width: int = 1280, height: int = 900) -> None:
        read, write = os.pipe()
        # -displayfd: Xvfb picks a free display and writes its number
        self.xvfb = subprocess.Popen([xvfb, "-displayfd", str(write), "-screen", "0", f"{width}x{height + 100}x24",
                                      "-nolisten", "tcp"], pass_fds=(write,), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        os.close(write)
        with os.fdopen(read) as fh:
            display = fh.readline().strip()
        self.driver = None
        if not display:
            self.close()
            raise BidiError("Xvfb did not start")
        self.port = _free_port()
        env = {**os.environ, "DISPLAY": f":{display}", "WEBKIT_DISABLE_COMPOSITING_MODE": "1"}
        self.driver = subprocess.Popen([driver, f"--port={self.port}"], env=env, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            try:
                self._call("GET", "/status")
                break
            except OSError:
                if time.monotonic() > deadline or self.driver.poll() is not None:
                    self.close()
                    raise BidiError(f"WebKitWebDriver ({driver}) did not start") from None
                time.sleep(0.2)
        try:
            session = self._call("POST", "/session", {"capabilities": {"alwaysMatch": {
                "webkitgtk:browserOptions": {"binary": browser, "args": ["--automation"]}}}})
            self.session = session["sessionId"]
            self.version = session.get("capabilities", {}).get("browserVersion", "?")
            self._call("POST", f"/session/{self.session}/window/rect", {"width": width, "height": height})
        except Exception:
            self.close()  # no browser, driver or display left running
            raise

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method,
                                         data=None if body is None else json.dumps(body).encode("utf-8"),
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=300) as response:
                return json.loads(response.read())["value"]
        except urllib.error.HTTPError as exc:
            raise BidiError(f"{method} {path}: {exc.read()[:500]!r}") from None

    def goto(self, url: str) -> None:
        self._call("POST", f"/session/{self.session}/url", {"url": url})

    def window(self) -> str:
        """This tab's handle."""
        return self._call("GET", f"/session/{self.session}/window")

    def new_tab(self) -> str:
        """A new tab, opened behind this one (WebKitGTK keeps it hidden, as a tab opened in the background is)."""
        return self._call("POST", f"/session/{self.session}/window/new", {"type": "tab"})["handle"]

    def switch(self, handle: str) -> None:
        """Drive ``handle`` from now on (it is not brought to the front)."""
        self._call("POST", f"/session/{self.session}/window", {"handle": handle})

    def close_tab(self) -> None:
        """Close the tab being driven (the one behind it comes to the front); then switch to another."""
        self._call("DELETE", f"/session/{self.session}/window")

    def evaluate(self, expression: str) -> Any:
        value = self._call("POST", f"/session/{self.session}/execute/async", {
            "script": "const done = arguments[arguments.length - 1];"
                      f"Promise.resolve().then(async () => JSON.stringify(await ({expression})))"
                      ".then(done, (err) => done(JSON.stringify({'javascript error': String(err)})));",
            "args": []})
        result = None if value is None else json.loads(value)
        if isinstance(result, dict) and "javascript error" in result:
            raise BidiError(f"JavaScript raised: {result['javascript error']}")
        return result

    def close(self) -> None:
        if self.driver is not None:
            try:
                if getattr(self, "session", None):
                    self._call("DELETE", f"/session/{self.session}")
            except Exception:  # noqa: BLE001 - closing anyway
                pass
            self.driver.terminate()
            try:
                self.driver.wait(15)
            except subprocess.TimeoutExpired:
                self.driver.kill()
        self.xvfb.terminate()
        try:
            self.xvfb.wait(10)
        except subprocess.TimeoutExpired:
            self.xvfb.kill()
