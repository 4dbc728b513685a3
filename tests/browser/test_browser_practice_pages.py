"""The audit report and the CPD export in a real Chromium: no network requests, no axe violations.

Skipped when no Chromium is available (see tests/browser/conftest.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coplearn.practice.journal import Journal
from coplearn.practice.report import write_report
from coplearn.practice.survey import load_survey

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]

# The page comes from pytest-playwright's fixtures, launched as tests/browser/conftest.py says
# (Debian's Chromium, quiet offline flags). A second sync_playwright() of our own would clash with
# the session-wide one those fixtures keep running.


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
