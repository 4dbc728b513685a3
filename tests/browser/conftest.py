"""Fixtures for the browser tests: one JupyterLab and one Voila per test session, Debian's Chromium.

- The servers listen on 127.0.0.1 with throwaway config/runtime/settings/workspace folders and a
  fixed token, serve a copy of ``course/`` (and ``exercises/``), run in their own process session,
  and are stopped by PID (see ``servers.py``).
- The browser is Debian's ``/usr/bin/chromium`` (or ``$COPLEARN_CHROMIUM``) launched with the flags
  that keep it quiet offline. Without a Chromium every browser test is skipped with the reason.
- Each lesson gets a fresh browser context (so fresh storage), in a fresh JupyterLab workspace.
- ``COPLEARN_TEST_COURSE`` (optional) points the tests at another course folder, for trying the
  tests on a scratch notebook.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lesson_table import COURSE
from servers import CHROMIUM_ARGS, Server, find_chromium, prepare_root, start_lab, start_voila


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    """Launch Debian's Chromium (Playwright's own download needs the internet)."""
    exe = find_chromium()
    if exe is None:
        pytest.skip("no Chromium found: install Debian's `chromium` package (scripts/setup.sh test does) "
                    "or set COPLEARN_CHROMIUM to a Chromium executable")
    return {"executable_path": exe, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def served_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("served")
    prepare_root(root, folders=("exercises", "docs"))  # (docs/: the guides the lessons link to)
    if COURSE.is_dir():
        import shutil

        shutil.copytree(COURSE, root / "course", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    else:
        (root / "course").mkdir()
    return root


@pytest.fixture(scope="session")
def lab(served_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_lab(served_root, tmp_path_factory.mktemp("lab-home"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def voila(served_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_voila(served_root, tmp_path_factory.mktemp("voila-home"))
    yield server
    server.stop()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from pages import ALLOWED_SEEN, VOILA_RETRIES

    if ALLOWED_SEEN:
        terminalreporter.write_sep("-", "allow-listed requests and JavaScript errors seen (blocked or harmless)")
        for reason, count in ALLOWED_SEEN.items():
            terminalreporter.write_line(f"{count:4d} x {reason}")
    if VOILA_RETRIES:
        terminalreporter.write_sep("-", "app view pages reloaded (Voila 0.5.13: a hang, voila-dashboards/voila#1428, or 'model not found')")
        for line in VOILA_RETRIES:
            terminalreporter.write_line(line)
