"""The team audit report (HTML and Markdown), `coplearn audit` end to end, and the lesson 06 widget."""

from __future__ import annotations

import io
import os
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

import coplearn as cl
from coplearn.practice.report import SECTIONS, render_html, render_markdown, section_html, write_report
from coplearn.practice.survey import load_survey, read_survey_text
from coplearn.practice.survey_summary import summarise
from practice_html import check_standalone_html
import installed

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
SECTION_TITLES = [t for _, t in SECTIONS]


@pytest.fixture(scope="module")
def example():
    return load_survey(EXAMPLES / "team-survey.csv")


# ---- HTML ----------------------------------------------------------------------------------------

def test_html_report_outline_and_standalone(example):
    html = render_html(example)
    o = check_standalone_html(html)
    h2 = [t for level, t in o.heading_text if level == 2]
    assert h2 == ["Contents"] + SECTION_TITLES
    assert len(o.svgs) == 2 and all(s.get("role") == "img" for s in o.svgs)
    for fig in ("fig-domains", "fig-items"):
        assert f'id="{fig}-title"' in html and f'id="{fig}-desc"' in html and f'id="{fig}-alt"' in html
    assert len(html) < 200_000


def test_html_report_contents(example):
    html = render_html(example)
    text = re.sub(r"<[^>]+>", " ", html)
    assert "not a validated instrument" in text
    assert "Disagreement is itself a finding" in text
    assert "the course&#39;s own rule of thumb" in html or "the course's own rule of thumb" in text
    # every rating item appears in the item table, and the three disagreements get their own heading
    for s in example.items:
        assert f"<th scope=\"row\">{s.item.id}</th>" in html
    for item_id in ("T4", "T5", "I8"):
        assert f"<h3>{item_id}: " in html
    # the action plan is score_audit's plan on team means, in order
    plan = example.action_plan()
    positions = [html.index(a.step.replace("'", "&#39;")) for a in plan]
    assert positions == sorted(positions) and len(plan) == 6
    # the stage, the T2 answers (sorted) and the scale
    assert "4 of the 8 people who answered see the team at the storming stage" in text
    assert html.index("Admin support!!") < html.index("Best interests assessor")
    for label in ("very poor", "adequate", "very good", "strongly agree"):
        assert label in text
    # bookkeeping columns are named but their contents never appear
    assert "Timestamp" in text and "14/01/2026" not in html


def test_anonymity_hides_the_breakdown(tmp_path):
    text = ("Respondent,Email,K1,T4,T2,T3\n"
            "a,jo@example.org,2,1,Needs a senior practitioner urgently,storming\n"
            "b,sam@example.org,4,5,,norming\n")
    r = summarise(read_survey_text(text, "two.csv"))
    html = render_html(r)
    md = render_markdown(r)
    for page in (html, md):
        assert "senior practitioner urgently" not in page
        assert "example.org" not in page
        assert "Not shown: fewer than 3 people answered" in page
        assert "hidden (too few answers)" in page
        assert "| a |" not in page and ">a</th>" not in page
    assert "How many people chose each stage" not in html
    shown = render_html(summarise(read_survey_text(text, "two.csv"), min_respondents=2))
    assert "senior practitioner urgently" in shown and "Ratings by respondent" in shown and "example.org" not in shown


def test_item_breakdown_hidden_when_few_answered_one_item():
    rows = "\n".join(f"p{k},{3 + k % 2},{'2' if k < 2 else ''}" for k in range(5))
    r = summarise(read_survey_text("Respondent,K1,K2\n" + rows + "\n"))
    assert r.breakdown_allowed and r.item("K2").n == 2
    html = render_html(r)
    html = html[html.index("<caption>Every rating question"):]
    k1_row = re.search(r'<th scope="row">K1</th>(.*?)</tr>', html).group(1)
    k2_row = re.search(r'<th scope="row">K2</th>(.*?)</tr>', html).group(1)
    assert "1: 0, 2: 0, 3: 3, 4: 2, 5: 0" in k1_row and "hidden (too few answers)" in k2_row


def test_escaping_of_learner_text():
    r = summarise(read_survey_text('K1,T2\n3,"<script>alert(1)</script> & more"\n2,x\n4,y\n'))
    html = render_html(r)
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html


def test_partial_survey_report():
    r = summarise(read_survey_text("I2,I5\n2,3\n3,3\n1,4\n"))
    html = render_html(r)
    check_standalone_html(html)
    assert "No item in the task domain has been rated yet" in html
    assert "Nobody answered T3" in html and "Nobody answered T2" in html


def test_sections_at_other_levels(example):
    frag = section_html(example, "disagree", level=3, figures=False, prefix="w-")
    assert frag.startswith('<section aria-labelledby="w-disagree"><h3 id="w-disagree">')
    assert "<h4>T4: " in frag and "<h3>T4" not in frag
    assert "<svg" not in section_html(example, "items", figures=False)
    with pytest.raises(LookupError, match="not a report section"):
        section_html(example, "gossip")


# ---- Markdown ------------------------------------------------------------------------------------

def test_markdown_report_has_the_same_sections(example):
    md = render_markdown(example)
    h2 = re.findall(r"^## (.+)$", md, flags=re.M)
    assert h2 == SECTION_TITLES
    assert md.count("\n# ") == 0 and md.startswith("# Team audit report")
    assert "### Chart: Team means in Adair's three domains" in md and "### Chart: Each question" in md
    assert "| T4 | How far do team members trust" in md
    assert "not a validated instrument" in md


def test_write_report_formats(tmp_path, example):
    assert write_report(example, tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert write_report(example, tmp_path / "r.txt", "md").read_text(encoding="utf-8").startswith("# Team audit")
    with pytest.raises(ValueError, match="cannot tell the report format"):
        write_report(example, tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()


# ---- the CLI, end to end ----------------------------------------------------------------------------

def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(installed.coplearn(*args), capture_output=True, text=True, timeout=120, cwd=cwd,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})


@pytest.mark.parametrize("name", ["team-survey.csv", "team-survey-ids.csv", "team-survey-words.csv"])
@pytest.mark.parametrize("suffix", [".html", ".md"])
def test_cli_report_on_shipped_examples(tmp_path, name, suffix):
    out = tmp_path / f"report{suffix}"
    proc = run("audit", "report", str(EXAMPLES / name), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "for 8 respondents" in proc.stdout and proc.stderr == ""
    page = out.read_text(encoding="utf-8")
    if suffix == ".html":
        check_standalone_html(page)
        assert "Answers by respondent" in page and "Ratings by respondent" in page
    else:
        assert page.startswith("# Team audit report") and "## Action plan" in page


def test_cli_format_option_and_threshold(tmp_path):
    out = tmp_path / "report.txt"
    proc = run("audit", "report", str(EXAMPLES / "team-survey.csv"), "-o", str(out), "--format", "md",
               "--min-respondents", "9")
    assert proc.returncode == 0, proc.stderr
    assert "team figures only" in proc.stdout
    md = out.read_text(encoding="utf-8")
    assert "Not shown: fewer than 9 people answered" in md and "Admin support" not in md


def test_cli_check(tmp_path):
    proc = run("audit", "check", str(EXAMPLES / "team-survey-words.csv"))
    assert proc.returncode == 0 and "28 questions recognised" in proc.stdout and "Email" in proc.stdout


def test_cli_check_names_headings_read_from_close_wording(tmp_path):
    """A heading matched by its wording, not its id or the item's own text, is shown with the item it
    was read as, so a manager can see a question of their own taken for an audit item."""
    csv_file = tmp_path / "s.csv"
    csv_file.write_text("K1,How well do we work with other teams?\n3,4\n", encoding="utf-8")
    proc = run("audit", "check", str(csv_file))
    assert "'How well do we work with other teams?' as K6: How well do we work with other disciplines?" in proc.stdout
    assert "'K1' as" not in proc.stdout
    # a question of the manager's own that shares a word with I5 is not scored as I5: it is named
    csv_file.write_text("K1,How well does the team work?\n3,4\n", encoding="utf-8")
    proc = run("audit", "check", str(csv_file))
    assert proc.returncode != 0 and "column B ('How well does the team work?'): this heading is not a team audit question" in proc.stderr


def _xlsx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    return buf.getvalue()


BAD_INPUTS = {
    "out-of-range.csv": (b"Respondent,K1,T4\r\na,3,2\r\nb,2,6\r\n", ["row 3, column C (T4)", "out of range"]),
    "unknown-column.csv": (b"Respondent,K1,Shoe size\r\na,3,9\r\n", ["row 1, column C ('Shoe size')", "not a team audit question"]),
    "empty.csv": (b"", ["the file is empty"]),
    "duplicate-ids.csv": (b"Respondent,K1\r\nR1,3\r\nR2,4\r\nR1,2\r\n", ["row 4, column A ('Respondent')", "already used in row 2"]),
    # Windows-1252 alone is read (with a note); mixed with UTF-8 it cannot be either, so it is refused
    "mixed-encodings.csv": ("K1,T2\r\n3,caf\u00e9\r\n".encode("latin-1") + "4,na\u00efve\r\n".encode("utf-8"),
                            ["row 2, column B", "not UTF-8"]),
    "workbook.csv": (_xlsx_bytes(), ["not a CSV file", "Excel workbook"]),
    "letter.csv": (b"Dear all,\nplease reply by Friday.\n", ["row 1", "does not look like a team survey CSV"]),
}


@pytest.mark.parametrize("name", list(BAD_INPUTS))
@pytest.mark.parametrize("suffix", [".html", ".md"])
def test_cli_bad_input_writes_nothing(tmp_path, name, suffix):
    data, expected = BAD_INPUTS[name]
    src = tmp_path / name
    src.write_bytes(data)
    out = tmp_path / f"report{suffix}"
    proc = run("audit", "report", str(src), "-o", str(out))
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr and proc.stderr.startswith("coplearn audit: ")
    for words in expected:
        assert words in proc.stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_cli_refuses_to_overwrite_the_survey(tmp_path):
    src = tmp_path / "s.csv"
    src.write_bytes(b"K1\n3\n")
    proc = run("audit", "report", str(src), "-o", str(src), "--format", "md")
    assert proc.returncode == 2 and "overwrite the survey" in proc.stderr
    assert src.read_bytes() == b"K1\n3\n"


def test_cli_bad_options(tmp_path):
    proc = run("audit", "report", str(EXAMPLES / "team-survey.csv"), "-o", str(tmp_path / "r.pdf"))
    assert proc.returncode == 2 and "cannot tell the report format" in proc.stderr
    proc = run("audit", "report", str(EXAMPLES / "team-survey.csv"), "-o", str(tmp_path / "r.html"),
               "--min-respondents", "none")
    assert proc.returncode == 2 and "not a whole number" in proc.stderr
    assert list(tmp_path.iterdir()) == []
    proc = run("audit", "report", str(EXAMPLES / "team-survey.csv"), "-o", str(tmp_path), "--format", "html")
    assert proc.returncode == 2 and "is a folder" in proc.stderr and list(tmp_path.iterdir()) == []


# ---- the lesson 06 widget --------------------------------------------------------------------------

def test_the_method_note_says_which_anonymity_threshold_this_report_used():
    """Check 16 M2: a report made with --min-respondents 10 called 10 "the course's default" (3)."""
    from coplearn.practice.report import render_markdown
    from coplearn.practice.survey import DEFAULT_MIN_RESPONDENTS, load_survey

    example = Path(__file__).resolve().parents[2] / "examples" / "team-survey.csv"
    assert "That threshold is the course's default." in render_markdown(load_survey(example))
    chosen = render_markdown(load_survey(example, min_respondents=10))
    assert f"That threshold was chosen for this report (the course's default is {DEFAULT_MIN_RESPONDENTS})" in chosen


def test_in_the_browser_edition_the_loader_asks_for_an_upload_not_a_path(tmp_path, monkeypatch):
    """walk16 F4: a typed path there can only name the browser's own files (C:\\Users\\... failed)."""
    from coplearn.widgets import TeamSurveyLoader

    def shown(w):
        out, todo = [], [w.view]
        while todo:
            widget = todo.pop()
            out.append(widget)
            todo.extend(getattr(widget, "children", ()))
        return out

    desktop = TeamSurveyLoader(folder=tmp_path)
    assert desktop.path in shown(desktop) and desktop.upload in shown(desktop)
    monkeypatch.setattr("sys.platform", "emscripten")
    browser = TeamSurveyLoader(folder=tmp_path)
    assert browser.path not in shown(browser) and browser.upload in shown(browser)


def test_widget_loads_the_example_and_saves_a_report(tmp_path):
    from coplearn.widgets import TeamSurveyLoader

    w = TeamSurveyLoader(folder=tmp_path)
    assert not w.example_button.disabled and w.save_button.disabled
    w.example_button.click()
    assert w.last_error is None and w.result.n_respondents == 8
    assert "8 respondents" in w.status.value
    names = [t.name for t in w.items_chart.figure.data]
    assert names == ["Range of answers (lowest to highest)", "Team mean", "Team mean: the team disagrees"]
    assert sorted(w.items_chart.figure.data[2].y) == ["I8", "T4", "T5"]
    assert [t.name for t in w.domains_chart.figure.data] == [
        "Achieving the task", "Building and maintaining the team", "Developing the individual"]
    assert w.items_chart.alt.rows[0][0] == "K1"
    # every question keeps its label however small the chart is drawn (walk16 F15)
    assert list(w.items_chart.figure.layout.yaxis.tickvals) == [r[0] for r in w.items_chart.alt.rows]
    assert '<h3 id="survey-disagree">Where the team disagrees</h3>' in w.sections.value
    assert "<h2" not in w.sections.value and "<svg" not in w.sections.value
    w.report_name.value = "our-team.html"
    w.save_button.click()
    assert w.last_error is None and (tmp_path / "our-team.html").exists()
    check_standalone_html((tmp_path / "our-team.html").read_text(encoding="utf-8"))


def test_widget_upload_threshold_and_errors(tmp_path):
    import datetime as dt

    from coplearn.widgets import TeamSurveyLoader

    w = TeamSurveyLoader(folder=tmp_path)
    data = (EXAMPLES / "team-survey-words.csv").read_bytes()
    w.upload.value = ({"name": "team.csv", "type": "text/csv", "size": len(data), "content": memoryview(data),
                       "last_modified": dt.datetime(2026, 1, 20)},)
    assert w.last_error is None and w.result.n_respondents == 8
    assert "Admin support" in w.sections.value
    w.threshold.value = 10
    assert not w.result.breakdown_allowed and "Admin support" not in w.sections.value
    bad = b"K1,T4\n3,9\n"
    w.upload.value = ({"name": "bad.csv", "type": "text/csv", "size": len(bad), "content": memoryview(bad),
                       "last_modified": dt.datetime(2026, 1, 20)},)
    assert w.result is None and w.save_button.disabled
    assert "row 2, column B (T4)" in w.last_error and 'role="alert"' in w.messages.value
    w.path.value = "missing.csv"
    assert "no such file" in w.last_error
    (tmp_path / "mine.csv").write_text("K1,K2\n2,3\n4,4\n3,5\n", encoding="utf-8")
    w.path.value = "mine.csv"
    assert w.last_error is None and w.result.n_respondents == 3


@pytest.mark.parametrize("stage, source", [("storming", "Tuckman 1965"), ("adjourning", "Tuckman and Jensen 1977")])
def test_the_summary_credits_the_stage_to_the_work_that_named_it(stage: str, source: str) -> None:
    import dataclasses

    from coplearn.paper.team_development import get_stage
    from coplearn.practice.report import _glance
    from coplearn.practice.survey import load_survey

    r = load_survey(Path(__file__).resolve().parents[2] / "examples" / "team-survey.csv")
    r = dataclasses.replace(r, stage_counts={stage: 5}, audit=dataclasses.replace(r.audit, stage=get_stage(stage)))
    line = next(ln for ln in _glance(r) if "answered T3" in ln)
    assert line.endswith(f"; {source}).")


@pytest.mark.parametrize("stage, year", [("storming", "1965"), ("adjourning", "1977")])
def test_the_stage_section_gives_the_year_once(stage: str, year: str) -> None:
    """fid23 F9: the adjourning stage's summary ends "(added by Tuckman and Jensen in 1977)", and the
    report's sentence already cites "Tuckman and Jensen's (1977) description": the year is said once."""
    import dataclasses

    from coplearn.paper.team_development import get_stage
    from coplearn.practice.report import _stage_text
    from coplearn.practice.survey import load_survey

    r = load_survey(Path(__file__).resolve().parents[2] / "examples" / "team-survey.csv")
    r = dataclasses.replace(r, stage_counts={stage: 5}, audit=dataclasses.replace(r.audit, stage=get_stage(stage)))
    text = _stage_text(r)
    first = text.split(". The course pairs")[0]
    assert first.count(year) == 1, first
    assert f"({year}) description of that stage" in first


def test_every_source_the_report_cites_has_a_reference(example):
    """The action plan and the disagreement notes print the audit's framework labels, some of which
    cite a source (Carr 2004, 2008; Skills for Care & CWDC 2007; Plaskoff ...): each such source
    gets an entry in the report's references, and the references list no label source not printed."""
    for render in (render_html, render_markdown):
        out = render(example)
        refs = out[out.rindex("References"):]
        body = out[:out.rindex("References")]
        for cue, surname in (("Carr 2004, 2008", "Carr, S. (2004)"), ("Carr 2004, 2008", "Carr, S. (2008)"),
                             ("Skills for Care &amp; CWDC 2007" if render is render_html else
                              "Skills for Care & CWDC 2007", "Skills for Care and Children"),
                             ("Plaskoff, cited in", "Plaskoff, J. (2006)")):
            assert (cue in body) == (surname in refs), (render.__name__, cue)
        # the example survey's plan cites Carr and Skills for Care & CWDC; its disagreements cite Plaskoff
        assert "Carr, S. (2004)" in refs and "Skills for Care and Children" in refs and "Plaskoff" in refs
        assert "Wenger" not in refs and "Beresford" not in refs
        assert "Englewood Cliffs, NJ: Prentice Hall. [unconfirmed: place of publication]" in refs


def test_cli_a_file_far_bigger_than_a_survey_is_refused_at_once(tmp_path):
    big = tmp_path / "big.csv"
    with open(big, "wb") as fh:
        fh.truncate(6 * 1024 * 1024)  # sparse: no disk used
    proc = run("audit", "check", str(big))
    assert proc.returncode != 0 and "the course reads files up to 5 MB" in proc.stderr


def test_the_example_survey_is_found_beside_the_course_as_the_browser_edition_lays_it_out(tmp_path, monkeypatch):
    """In the browser edition the package is installed apart from the course's files, which sit in
    /drive (course/, examples/): a lesson running in course/ finds ../examples/team-survey.csv
    (the button "Try the example survey" was greyed out there: reach review 7, F10)."""
    from coplearn.widgets.survey import example_survey_path

    monkeypatch.delenv("COPLEARN_EXAMPLES", raising=False)
    (tmp_path / "course").mkdir()
    (tmp_path / "examples").mkdir()
    example = tmp_path / "examples" / "team-survey.csv"
    example.write_text("x\n")
    assert example_survey_path(tmp_path / "course") == example
    monkeypatch.chdir(tmp_path / "course")
    assert example_survey_path() == example


def test_every_dated_source_an_audit_label_names_gets_its_own_reference() -> None:
    """A framework label that names a dated source ("Wenger, McDermott & Snyder 2002", "GSCC 2006") adds
    that source's entry to the report's references, and no other work by one of its authors (fidelity
    review 8: "create a rhythm" had been labelled Wenger and brought in Wenger 1998 and 2006)."""
    import re

    from coplearn.paper.action_centred import team_audit
    from coplearn.practice.report import FRAMEWORK_REFERENCES, REFERENCES, report_references

    fixed = [e[0] for e in REFERENCES]
    for item in team_audit():
        label = item.framework
        if not re.search(r"\b(19|20)\d\d\b", label):
            continue
        cues = [cue for cue, _ in FRAMEWORK_REFERENCES if cue in label]
        assert cues or any(f.split(",")[0] in label for f in fixed), (item.id, label)
    refs = [r[0] for r in report_references(["Cultivating communities of practice: create a rhythm "
                                             "(Wenger, McDermott & Snyder 2002)"])]
    assert any(r.startswith("Wenger, E., McDermott, R. and Snyder, W. M. (2002)") for r in refs), refs
    assert not any(r.startswith("Wenger, E. (") for r in refs), refs
    refs = [r[0] for r in report_references(["Learning at work as something the team provides together "
                                             "(GSCC 2006, cited in Gray et al. 2010)"])]
    assert any(r.startswith("General Social Care Council (2006), cited in Gray et al. (2010)") for r in refs), refs


def test_a_team_members_written_answer_stays_in_its_list_item(example):
    """Review 8 R4: a T2 answer holding carriage returns (or honest Windows line breaks) left its list
    item in the Markdown report: "\\r\\r## ..." became a heading of the report."""
    import dataclasses
    import re

    odd = dataclasses.replace(example, open_answers=("More AMHPs.\r\r## Nothing to act on\r\nSecond paragraph",))
    out = render_markdown(odd)
    assert "\r" not in out and not re.search(r"^#+ Nothing to act on", out, flags=re.M)
    assert "\n- More AMHPs.  \\## Nothing to act on Second paragraph\n" in out, out[out.find("More AMHPs") - 50:][:200]


def test_a_line_break_in_a_record_title_does_not_start_a_heading_of_its_own(tmp_path):
    """Review 8 R5: a CPD record's title with a line break ended its "## Record N" heading and made
    a top-level heading of the rest ("Signed off by my manager")."""
    import re

    from coplearn.practice.journal import Journal

    j = Journal(tmp_path / "journal.json")
    j.add(title="Duty week\n# Signed off by my manager", learning="First paragraph.\n\nSecond paragraph.")
    out = j.export(tmp_path / "cpd.md").read_text(encoding="utf-8")
    assert not re.search(r"^# Signed off", out, flags=re.M), out
    assert "First paragraph.\n\nSecond paragraph." in out  # honest paragraphs are kept


def test_widget_makes_no_folder_and_the_cli_refuses_a_missing_one(tmp_path):
    """Input 11 #18: the lesson 06 widget created a mistyped folder; the CLI refuses it. Since walk18 M3
    the widget's box holds a name, never a folder: its / becomes - (tests/widgets/test_file_names.py)."""
    import datetime as dt

    from coplearn.widgets import TeamSurveyLoader

    w = TeamSurveyLoader(folder=tmp_path)
    data = b"Respondent,K1,K2\na,3,4\nb,2,5\nc,4,4\n"
    w.upload.value = ({"name": "team.csv", "type": "text/csv", "size": len(data), "content": memoryview(data),
                       "last_modified": dt.datetime(2026, 1, 20)},)
    w.report_name.value = "nodir/r.html"
    assert w.save_report() == tmp_path / "nodir-r.html"
    assert not (tmp_path / "nodir").exists()
    proc = run("audit", "report", "x.csv", "-o", str(tmp_path / "nodir" / "r.html"))
    assert proc.returncode == 2 and "nodir' does not exist; check its name, or create it first" in proc.stderr


# ---- a report replaces only an earlier report or export (walk28 H1) -----------------------------------

@pytest.mark.parametrize("name", ["own.html", "own.md"])
def test_cli_report_is_never_written_over_a_page_of_your_own(tmp_path, capsys, name):
    """walk28 H1: ``audit report -o own.html`` replaced a page of the manager's own and said nothing about it."""
    from coplearn.cli.main import main
    from own_documents import own_document

    survey = str(EXAMPLES / "team-survey.csv")
    mine = tmp_path / name
    before = own_document(mine)
    stem, ending = name.rsplit(".", 1)
    assert main(["audit", "report", survey, "-o", str(mine)]) == 2
    assert capsys.readouterr().err == (
        f"coplearn audit: {mine} already exists and was not made by coplearn (it may be a document of your own), "
        f"so the report was not written and {name} is unchanged. Choose another file name, for example {stem}-2.{ending}, "
        f"or add --force to replace it anyway.\n")
    assert mine.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == [name]
    earlier = tmp_path / f"team.{ending}"
    assert main(["audit", "report", survey, "-o", str(earlier)]) == 0 and "replaced" not in capsys.readouterr().out
    assert main(["audit", "report", survey, "-o", str(earlier)]) == 0
    assert f"It replaced the earlier team.{ending}." in capsys.readouterr().out
    assert main(["audit", "report", survey, "-o", str(mine), "--force"]) == 0
    out = capsys.readouterr().out  # (not "the earlier" one: rev28b L10)
    assert f"It replaced the file {name} that was there (--force), which coplearn had not written." in out
    assert "earlier" not in out and mine.read_bytes() != before


def test_force_never_writes_a_report_over_a_file_of_another_kind(tmp_path, capsys):
    """rev28b M4: with --force, ``audit report -o other.csv --format html`` replaced a survey's CSV with a web page
    (red team 26b F1 had made that impossible), and the refusal itself offered --force."""
    from coplearn.cli.main import main

    survey = str(EXAMPLES / "team-survey.csv")
    other = tmp_path / "other.csv"
    other.write_text("respondent,T1\nA,4\n", encoding="utf-8")
    before = other.read_bytes()
    for extra in ([], ["--force"]):
        assert main(["audit", "report", survey, "-o", str(other), "--format", "html", *extra]) == 2
        said = capsys.readouterr().err
        assert "is not the report (its name ends in .csv" in said and "--force" not in said, said
        assert other.read_bytes() == before


@pytest.mark.parametrize("earlier", [
    "# Team audit report\n\nFrom **team-survey.csv**, 8 respondents, made on 7 December 2026 with coplearn.\n",
    ('<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n<title>Team audit report: team-survey.csv'
     '</title>\n</head>\n<body><p>Made on 7 December 2026 with coplearn.</p></body>\n</html>\n')])
def test_a_report_written_before_reports_said_so_is_still_replaced(tmp_path, example, earlier):
    """walk28 H1: a report of the release before (no mark in the file) is known by its title and words."""
    out = tmp_path / ("team.md" if earlier.startswith("#") else "team.html")
    out.write_text(earlier, encoding="utf-8")
    assert write_report(example, out) == out and "Action plan" in out.read_text(encoding="utf-8")
    out.write_text(earlier.replace("coplearn", "our own tool"), encoding="utf-8")  # (a page of your own so titled)
    with pytest.raises(ValueError, match="was not made by coplearn"):
        write_report(example, out)


@pytest.mark.parametrize("name", ["my-team-notes.html", "my-team-notes.md"])
def test_widget_refuses_a_page_of_your_own_and_says_when_it_replaces_an_earlier_report(tmp_path, name):
    """walk28 H1: lesson 06's "Save the report as a web page" replaced the manager's own page without a word."""
    from coplearn.widgets import TeamSurveyLoader
    from own_documents import own_document

    mine = tmp_path / name
    before = own_document(mine)
    stem, ending = name.rsplit(".", 1)
    w = TeamSurveyLoader(folder=tmp_path)
    w.example_button.click()
    w.report_name.value = name
    w.save_button.click()
    assert w.last_error == (
        f"{mine} already exists and was not made by this course (it may be a document of your own), so nothing was "
        f"saved and {name} is unchanged. Choose another file name, for example {stem}-2.{ending}: type it in "
        f"\u201cReport file name\u201d, then press \u201cSave the report as a web page\u201d again.")
    assert mine.read_bytes() == before and w.save_status.value == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
    w.report_name.value = f"{stem}-2.{ending}"
    w.save_button.click()
    assert w.last_error is None and "replaced" not in w.save_status.value
    w.save_button.click()
    assert w.last_error is None and f"It replaced the earlier {stem}-2.{ending}." in w.save_status.value
    assert mine.read_bytes() == before
