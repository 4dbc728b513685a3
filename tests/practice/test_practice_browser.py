"""The audit report and the CPD export in a real Chromium: no network requests, no axe violations.

Skipped when Debian's Chromium (or ``$COPLEARN_CHROMIUM``) is not installed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from coplearn.journal import Journal
from coplearn.report import write_report
from coplearn.survey import load_survey

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium() -> str | None:
    exe = os.environ.get("COPLEARN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return exe if exe and Path(exe).exists() else None


@pytest.fixture(scope="module")
def page():
    exe = chromium()
    if exe is None:
        pytest.skip("no Chromium: install Debian's chromium package or set COPLEARN_CHROMIUM")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=ARGS, headless=True)
        pg = browser.new_page(viewport={"width": 1100, "height": 900})
        yield pg
        browser.close()


def open_and_audit(page, path: Path) -> tuple[list[str], list]:
    from axe_playwright_python.sync_playwright import Axe

    requests: list[str] = []

    def note(request) -> None:
        requests.append(request.url)

    page.on("request", note)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    result = Axe().run(page)
    page.remove_listener("request", note)
    return [u for u in requests if u != path.as_uri()], result.response["violations"]


def test_report_page_is_self_contained_and_passes_axe(page, tmp_path):
    out = write_report(load_survey(REPO / "examples" / "team-survey.csv"), tmp_path / "report.html")
    external, violations = open_and_audit(page, out)
    assert external == []
    assert [(v["id"], v["impact"]) for v in violations] == []
    assert page.locator("svg[role=img]").count() == 2
    assert page.get_by_role("heading", level=2, name="Where the team disagrees").is_visible()
    # the data tables behind the charts open from the keyboard
    summary = page.locator("#fig-items-alt summary")
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("#fig-items-alt table").is_visible()


def test_cpd_export_page_passes_axe(page, tmp_path):
    copy = tmp_path / "sample-journal.json"
    copy.write_bytes((REPO / "examples" / "sample-journal.json").read_bytes())
    out = Journal(copy).export(tmp_path / "cpd.html")
    external, violations = open_and_audit(page, out)
    assert external == []
    assert [(v["id"], v["impact"]) for v in violations] == []
    assert page.get_by_role("heading", level=2).count() == 3
