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


# ---- the cohort report (tutors) and the record of study (learners) ---------------------------------

#: What the browser sees of a page's outline: heading levels in order, and every table, chart and
#: figure with the text that names or describes it (an empty string where there is none).
OUTLINE_JS = """() => {
  const text = el => (el ? el.textContent.trim() : "");
  const named = el => (el.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean)
      .map(id => text(document.getElementById(id))).join(" ").trim() || (el.getAttribute("aria-label") || "").trim();
  return {
    headings: [...document.querySelectorAll("h1,h2,h3,h4,h5,h6")].map(h => [Number(h.tagName[1]), text(h)]),
    tables: [...document.querySelectorAll("table")].map(t => text(t.querySelector(":scope > caption"))),
    charts: [...document.querySelectorAll("svg")].map(s => ({
      role: s.getAttribute("role"), name: named(s), desc: text(s.querySelector(":scope > desc")),
      figure: text(s.closest("figure") && s.closest("figure").querySelector("figcaption")),
      inWords: text(s.closest("figure") && s.closest("figure").querySelector(".alt p")),
      dataTable: !!(s.closest("figure") && s.closest("figure").querySelector("table")),
    })),
    images: [...document.querySelectorAll("img, canvas, [role=img]:not(svg)")].length,
  };
}"""


def check_outline(page) -> dict:
    """One h1, no skipped heading levels, and a caption or text alternative for every table and chart."""
    o = page.evaluate(OUTLINE_JS)
    levels = [lvl for lvl, _ in o["headings"]]
    assert levels and levels[0] == 1 and levels.count(1) == 1, o["headings"]
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), f"heading levels skip: {o['headings']}"
    assert all(t for _, t in o["headings"]), f"an empty heading: {o['headings']}"
    assert o["tables"] and all(o["tables"]), f"a table without a caption: {o['tables']}"
    for chart in o["charts"]:
        assert chart["role"] == "img" and chart["name"] and chart["desc"], chart
        assert chart["figure"] and chart["inWords"] and chart["dataTable"], chart
    assert o["images"] == 0, "an image or canvas the checks above do not cover"
    return o


@pytest.fixture(scope="module")
def cohort_report(tmp_path_factory) -> Path:
    """The cohort report for tests/cohort's generated cohort (40 submissions, planted misconceptions),
    with students named, as a tutor who passes --names gets it (the page with every section)."""
    import os
    import sys
    import warnings

    sys.path.insert(0, str(REPO / "tests" / "cohort"))
    import test_cohort as gen

    from coplearn.grading import cohort as C

    folder = tmp_path_factory.mktemp("cohort")
    old = os.environ.get("PATH", "")
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + old  # nbgrader runs `alembic`
    try:
        gen.write_gradebook(folder)
    finally:
        os.environ["PATH"] = old
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cohort = C.load_cohort(gen.A2, db_url=f"sqlite:///{folder / 'gradebook.db'}",
                               autograded=folder / "autograded", names=True)
    return C.write_report(C.analyse(cohort, names=True), folder / "cohort.html")


def test_cohort_report_page_passes_axe_with_every_chart_and_table_described(page, cohort_report):
    external, violations = open_and_audit(page, cohort_report)
    assert external == []
    assert [(v["id"], v["impact"]) for v in violations] == []
    o = check_outline(page)
    assert len(o["charts"]) == 3
    h2 = [t for lvl, t in o["headings"] if lvl == 2]
    assert h2[:2] == ["Contents", "What to reteach first"] and "Students" in h2
    assert page.get_by_role("heading", level=2, name="What to reteach first").is_visible()
    # the charts say what their data tables say: each bar's share of the drawn axis is its value
    for fig in ("fig-lessons", "fig-items"):
        drawn = page.evaluate("""id => {
          const svg = document.querySelector(`svg[aria-labelledby^="${id}-title"]`);
          const ticks = [...svg.querySelectorAll("text[text-anchor=middle]")].map(t => t.getBBox());
          const axis = (ticks[ticks.length - 1].x + ticks[ticks.length - 1].width / 2) - (ticks[0].x + ticks[0].width / 2);
          return [...svg.querySelectorAll("rect")].map(r => r.getBBox().width / axis);
        }""", fig)
        table = page.locator(f"figure[aria-labelledby='{fig}-cap'] table tbody tr td:nth-child(2)").all_text_contents()
        assert [round(100 * d) for d in drawn] == [int(v) for v in table], (fig, drawn, table)
    # a chart's data table opens from the keyboard
    summary = page.locator("figure summary").first
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("figure details table").first.is_visible()
    # the wide tables scroll inside a focusable, named region rather than off the page
    region = page.get_by_role("region", name="Autograded items")
    region.focus()
    assert region.evaluate("el => el === document.activeElement")


def test_record_of_study_page_passes_axe_with_every_table_captioned(page, tmp_path):
    from coplearn.practice import progress as P
    from coplearn.practice import record_of_study as R

    journal = Journal(tmp_path / "journal.json")
    journal.add(title="Cultures in my team", learning="Managed culture dominates.", lesson="03",
                prompt="Which culture?", date="2026-01-12")
    journal.add(title="Loose thought", learning="Unrelated to a lesson.", date="2026-01-20")
    prog = P.Progress(journal=journal)
    prog.mark("03", "Table1Explorer", when="2026-01-10")
    prog.mark("03", "CultureSorter", when="2026-01-11")
    prog.mark("05", "completed", when="2026-02-02")
    prog.mark("07", "opened", when="2026-02-09")
    out = R.export_record(tmp_path / "record.html", progress=prog, name="Sam Learner")
    external, violations = open_and_audit(page, out)
    assert external == []
    assert [(v["id"], v["impact"]) for v in violations] == []
    o = check_outline(page)
    assert "Lessons completed" in o["tables"]
    h2 = [t for lvl, t in o["headings"] if lvl == 2]
    assert any(t.startswith("Lesson 03") for t in h2) and any(t.startswith("Lesson 05") for t in h2)
    assert page.get_by_text(R.NOT_A_CERTIFICATE).first.is_visible()


@pytest.mark.parametrize("fault, html", [
    ("skipped level", "<h1>T</h1><h3>S</h3><table><caption>c</caption><tr><td>1</td></tr></table>"),
    ("two h1", "<h1>T</h1><h1>U</h1><table><caption>c</caption><tr><td>1</td></tr></table>"),
    ("no caption", "<h1>T</h1><h2>S</h2><table><tr><td>1</td></tr></table>"),
    ("chart with no words", '<h1>T</h1><table><caption>c</caption><tr><td>1</td></tr></table>'
                            '<figure><figcaption>F</figcaption><svg role="img"><rect/></svg></figure>'),
    ("canvas", "<h1>T</h1><table><caption>c</caption><tr><td>1</td></tr></table><canvas></canvas>"),
])
def test_the_outline_check_catches_what_it_looks_for(page, fault, html):
    page.set_content(f'<!DOCTYPE html><html lang="en-GB"><title>t</title><main>{html}</main></html>')
    with pytest.raises(AssertionError):
        check_outline(page)
