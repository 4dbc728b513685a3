"""Fixtures for the browser edition: one site build per test session, served on 127.0.0.1.

- The build uses the download cache (``$COPLEARN_SITE_CACHE`` or ``~/.cache/coplearn/site``), so
  only the first build on a machine touches the package registries (npm and PyPI).
- The site is served by :func:`coplearn.site.serve.make_server` in a thread of the test process.
- Browser tests reuse tests/browser's Chromium finder, launch flags, interactions and axe helpers.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "browser"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.fspath))
        if path.parent != HERE:
            continue
        if path.name.startswith("test_site_browser"):
            item.add_marker(pytest.mark.browser)
        if "built_site" in getattr(item, "fixturenames", ()):  # also through site_server
            item.add_marker(pytest.mark.site)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from coplearn.site.build import SiteBuildError, build_site, default_cache_dir

    out = tmp_path_factory.mktemp("site") / "site"
    try:
        build_site(out)
    except SiteBuildError as exc:
        if "needs npm" in str(exc):
            pytest.skip(f"the browser edition cannot be built here: {exc}")
        raise
    assert default_cache_dir().is_dir()
    return out


class SiteServer:
    def __init__(self, folder: Path) -> None:
        from coplearn.site.serve import make_server

        self.httpd = make_server(folder, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="session")
def site_server(built_site: Path) -> Iterator[SiteServer]:
    server = SiteServer(built_site)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    from servers import CHROMIUM_ARGS, find_chromium

    exe = find_chromium()
    if exe is None:
        pytest.skip("no Chromium found: install Debian's `chromium` package (scripts/setup.sh test does) "
                    "or set COPLEARN_CHROMIUM to a Chromium executable")
    return {"executable_path": exe, "args": CHROMIUM_ARGS, "headless": True}
