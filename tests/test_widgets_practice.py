"""Widgets for lessons 08-11, driven as a learner would: set values, click buttons, read the result.

Expected values come from the course data (coplearn.paper.supervision, coplearn.paper.situational,
coplearn.paper.team_development and the coplearn.teaching modules), never from hard-coded answers, so a change in the data that breaks a
widget's logic makes these tests fail.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import pytest

import coplearn as cl
from coplearn.teaching import interface as teaching_interface
from coplearn.teaching import leadership_plan as teaching_plan
from coplearn.teaching import organisational_learning as org_learning
from coplearn.paper.concepts import FIG2_NOTE
from coplearn.paper.team_development import SYNTHESIS_NOTE
from coplearn.paper.supervision import INVOLVEMENT_NOTE, SUPERVISION_NOTE
from coplearn.widgets.concepts import DomainMap
from coplearn.widgets.interface import InterfaceCheck, InterfaceWarningSorter
from coplearn.widgets.supervision import InvolvementLadder, SupervisionSorter
from coplearn.widgets.journal import JournalExport
from coplearn.widgets.leadership_plan import LeadershipPlanBuilder
from coplearn.widgets.organisational_learning import OrganisationCheck
from coplearn.widgets.team_development import TuckmanSelector


def trace(fig, name):
    found = [t for t in fig.data if t.name == name]
    assert found, f"no trace called {name!r}; traces: {[t.name for t in fig.data]}"
    return found[0]


def html_of(widget) -> str:
    """All the HTML text in a widget tree (what a screen reader would reach)."""
    out = []
    stack = [widget]
    while stack:
        w = stack.pop()
        if hasattr(w, "children"):
            stack.extend(w.children)
        if w.__class__.__name__ == "HTML":
            out.append(w.value)
    return "\n".join(out)


# ---- lesson 08 ---------------------------------------------------------------------------

def test_supervision_sorter_gives_feedback_from_the_course_data():
    w = SupervisionSorter()
    practices = cl.supervision_practices()
    assert {k for k, _ in w.options} == {f.key for f in cl.supervision_futures()}
    right, wrong = practices[0], practices[1]
    other = next(f.key for f in cl.supervision_futures() if f.key != wrong.future)
    w.dropdowns[right.id].value = right.future
    w.dropdowns[wrong.id].value = other
    assert w.choices == {**{p.id: None for p in practices}, right.id: right.future, wrong.id: other}
    assert w.correct == 1 and w.answered == 2
    assert "Yes" in w.feedback[right.id].value and "Not quite" in w.feedback[wrong.id].value
    assert escape(SUPERVISION_NOTE.split(".")[0]) in html_of(w.view)


# ---- lesson 09 ---------------------------------------------------------------------------

def test_choosing_storming_shows_inward_and_selling_and_marks_storming():
    w = TuckmanSelector()
    assert w.stage is None and "Your team" not in [t.name for t in w.figure.data]
    w.control.value = "storming"
    stage = cl.get_stage("storming")
    assert w.stage == "storming" and w.style.name == "selling" and w.style.is_synthesis
    text = w.result.value
    assert "inward" in text and "selling" in text and escape(SYNTHESIS_NOTE[:40]) in text
    star = trace(w.figure, "Your team")
    assert star.x == (stage.order,) and star.marker.symbol == "star" and "Storming" in star.text[0]
    assert [r[-1] for r in w.chart.alt.rows] == ["yes" if s.key == "storming" else "" for s in cl.tuckman_stages()]


def test_tuckman_selector_moves_the_mark_when_the_stage_changes():
    w = TuckmanSelector("storming")
    w.control.value = "performing"
    assert "outward" in w.result.value and "delegating" in w.result.value
    assert trace(w.figure, "Your team").x == (cl.get_stage("performing").order,)
    assert w.last_error is None
    w.select(None)
    assert w.stage is None and "Your team" not in [t.name for t in w.figure.data]
    with pytest.raises(LookupError, match="not a Tuckman stage"):
        w.select("chaos")


def test_involvement_ladder_places_scenarios_and_the_team():
    w = InvolvementLadder()
    scenarios = cl.involvement_scenarios()
    degrees = [d.key for d in cl.involvement_degrees()]
    good, bad = scenarios[0], scenarios[1]
    wrong_degree = next(d for d in degrees if d != bad.degree)
    w.sorter.dropdowns[good.id].value = good.degree
    w.sorter.dropdowns[bad.id].value = wrong_degree
    w.team.value = degrees[1]
    assert w.placements[good.id] == good.degree and w.placements[bad.id] == wrong_degree
    fig = w.figure
    assert trace(fig, "Where the course puts it too").text == (f"{good.id} ✓",)
    assert trace(fig, "The course places it elsewhere").text == (f"{bad.id} ✗",)
    assert trace(fig, "Your team now").y == (cl.get_degree(degrees[1]).level,)
    assert trace(fig, "The course places it elsewhere").y[0] == pytest.approx(cl.get_degree(wrong_degree).level + 0.18)
    assert cl.get_degree(degrees[1]).name in w.chart.alt.description
    assert escape(INVOLVEMENT_NOTE.split(".")[0]) in html_of(w.view)


# ---- lesson 10 ---------------------------------------------------------------------------

def test_interface_warning_sorter_scores_against_the_data():
    w = InterfaceWarningSorter()
    for item in teaching_interface.interface_warnings():
        w.dropdowns[item.id].value = item.danger
    assert w.correct == len(teaching_interface.interface_warnings()) > 0


def test_interface_check_points_to_the_weakest_area():
    w = InterfaceCheck()
    assert w.result.is_empty
    weak_area = teaching_interface.interface_areas()[0]
    for p in teaching_interface.interface_practices():
        w.dropdowns[p.id].value = "not_yet" if p.area == weak_area.key else "yes"
    assert [a.key for a in w.result.to_develop()] == [weak_area.key]
    assert escape(weak_area.advice.split(",")[0]) in w.result_html.value
    assert not w.result.unanswered


def test_organisation_check_shows_the_gap_in_state_text_and_figure():
    w = OrganisationCheck()
    dims = [d.key for d in org_learning.learning_dimensions()]
    assert w.comparison.pattern == "incomplete"
    for k in dims:
        w.rate(k, team=4, organisation=2)
    assert w.comparison.pattern == "team_ahead" and w.comparison.differences == {k: 2 for k in dims}
    assert "Beddoe (2009, cited in Gray et al. 2010)" in w.reading and w.reading in w.chart.alt.description
    fig = w.figure
    assert trace(fig, "Your team (circle)").x == (4,) * len(dims)
    assert trace(fig, "Your organisation (square)").x == (2,) * len(dims)
    assert trace(fig, "gap").text == ("gap +2",) * len(dims)
    w.team[dims[0]].value = 1
    assert w.comparison.differences[dims[0]] == -1
    assert trace(w.figure, "Your team (circle)").x[0] == 1
    with pytest.raises(ValueError, match="out of range"):
        w.rate(dims[0], team=7)
    with pytest.raises(LookupError, match="not a SCIE dimension"):
        w.rate("morale", team=3)


# ---- lesson 11 ---------------------------------------------------------------------------

def test_domain_map_shows_sources_and_links_for_the_chosen_area():
    w = DomainMap()
    area = next(a for a in cl.theoretical_domain() if a.key == "supervision")
    w.control.value = area.key
    assert escape(area.sources) in w.details.value
    for number in area.lessons:
        assert f'href="{cl.get_lesson(number).filename}"' in w.details.value
    chosen = trace(w.figure, "Chosen area")
    assert chosen.marker.symbol == "star" and area.name in chosen.text[0]
    assert [r[-1] for r in w.chart.alt.rows].count("yes") == 1
    assert FIG2_NOTE in w.chart.alt.description


def _fill_plan(w: LeadershipPlanBuilder) -> None:
    w.team.value = "Adult social care duty team"
    w.stage.value = "storming"
    role, able, willing = w.staff[0]
    role.value, able.value, willing.value = "newly qualified worker", False, True
    w.cultures["democratic"].value = True
    w.priorities[0].value = "T5"
    w.actions[0].value = "Agree ground rules for challenge in team meetings"
    w.actions[1].value = "Start monthly group supervision"
    w.interface.value = "Brief my head of service each month on what the team is trying."


def test_plan_builder_lists_what_is_missing_then_shows_the_plan():
    w = LeadershipPlanBuilder()
    assert w.plan is None
    assert "stage" in w.preview.value and "actions" in w.preview.value and "interface" in w.preview.value
    _fill_plan(w)
    assert w.plan is not None and w.last_error is None
    preview = w.preview.value
    assert "Agree ground rules for challenge in team meetings" in preview
    assert "Start monthly group supervision" in preview
    assert f"{cl.style_for_stage('storming').code} selling" in preview
    assert cl.readiness(able=False, willing=True).code in preview
    assert escape(cl.get_item("T5").text) in preview and "Democratic" in preview


def test_plan_builder_asks_about_a_half_filled_staff_row():
    w = LeadershipPlanBuilder()
    _fill_plan(w)
    w.staff[1][0].value = "senior practitioner"
    assert w.plan is None and "senior practitioner" in w.preview.value


def test_plan_builder_saves_to_the_journal_and_to_a_file(tmp_path, _private_journal):
    journal = cl.Journal(tmp_path / "given.json")  # an empty journal is falsy: it must still be used
    w = LeadershipPlanBuilder(journal=journal, folder=tmp_path)
    w.save_button.click()
    assert w.last_error and len(journal.entries) == 0
    _fill_plan(w)
    w.save_button.click()
    assert w.last_error is None
    (entry,) = journal.entries
    assert entry.lesson == "11" and "Start monthly group supervision" in entry.learning
    assert "Start monthly group supervision" in entry.impact_practice
    assert "professional_leadership" in entry.pcf
    assert not _private_journal.exists(), "saved to the default journal instead of the one given"
    w.format.value = "md"
    w.file_button.click()
    text = (tmp_path / LeadershipPlanBuilder.PLAN_FILE).read_text(encoding="utf-8")
    assert text.startswith("# My plan") and "Agree ground rules for challenge in team meetings" in text


def test_the_plan_saves_as_a_word_document_or_a_web_page_to_print(tmp_path, _private_journal):
    """walk28 L15: lesson 11 says the plan can be saved "as a file you can print or share with your own manager",
    and it saved only Markdown, which most programs open as raw text. It now saves as a Word document (the format
    it starts at, as the CPD export does), a web page that prints, or Markdown, each with every section."""
    import io
    import zipfile

    w = LeadershipPlanBuilder(journal=cl.Journal(tmp_path / "j.json"), folder=tmp_path)
    _fill_plan(w)
    assert w.format.value == "docx" and [k for _, k in w.format.options] == ["md", "html", "docx"]
    w.file_button.click()
    docx = tmp_path / "my-leadership-plan.docx"
    assert w.last_error is None and docx.read_bytes()[:2] == b"PK", w.last_error
    body = zipfile.ZipFile(io.BytesIO(docx.read_bytes())).read("word/document.xml").decode("utf-8")
    for words in ("My plan for leading a community of practice", "Agree ground rules for challenge in team meetings",
                  "Where the team is now", "Managing the interface with the organisation"):
        assert words in body, words
    w.format.value = "html"
    w.file_button.click()
    page = (tmp_path / "my-leadership-plan.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in page and "@media print" in page
    assert "<h1>My plan for leading a community of practice</h1>" in page
    assert "Agree ground rules for challenge in team meetings" in page and "<table" in page
    from coplearn.core.outputs import written_by_coplearn

    assert written_by_coplearn(docx) and written_by_coplearn(tmp_path / "my-leadership-plan.html")
    w.file_button.click()
    assert "It replaced the earlier my-leadership-plan.html." in w.status.value


def test_saving_the_plan_as_a_file_leaves_a_document_of_your_own_as_it_is(tmp_path, _private_journal):
    """walk28 H1: "Save plan as a file" wrote over any my-leadership-plan.md, and never said it had replaced one."""
    from own_documents import own_document

    mine = tmp_path / LeadershipPlanBuilder.PLAN_FILE
    before = own_document(mine)
    w = LeadershipPlanBuilder(journal=cl.Journal(tmp_path / "j.json"), folder=tmp_path)
    _fill_plan(w)
    w.format.value = "md"
    w.file_button.click()
    saved = tmp_path / "my-leadership-plan-2.md"
    assert w.last_error is None and mine.read_bytes() == before
    assert saved.read_text(encoding="utf-8").startswith("# My plan")
    assert (f"Saved your plan as {saved}. A file called my-leadership-plan.md is already in this folder and was not "
            "made by this course (it may be a document of your own), so it was left as it is.") in w.status.value
    assert "replaced" not in w.status.value
    w.actions[1].value = "Start fortnightly group supervision"
    w.file_button.click()  # (the plan saved a moment ago is replaced, and the message says so)
    assert "It replaced the earlier my-leadership-plan-2.md." in w.status.value
    assert "fortnightly" in saved.read_text(encoding="utf-8") and mine.read_bytes() == before
    assert sorted(p.name for p in tmp_path.glob("*.md")) == ["my-leadership-plan-2.md", "my-leadership-plan.md"]
    mine.unlink()
    w.file_button.click()
    assert mine.exists() and f"Saved your plan as {mine}." in w.status.value and "replaced" not in w.status.value
    w.file_button.click()
    assert "It replaced the earlier my-leadership-plan.md." in w.status.value


def test_saving_the_same_plan_twice_makes_one_record(tmp_path, _private_journal):
    """walk16 F6: a double click on "Save plan to my journal" made two identical CPD records."""
    journal = cl.Journal(tmp_path / "j.json")
    w = LeadershipPlanBuilder(journal=journal, folder=tmp_path)
    _fill_plan(w)
    first = w.save_to_journal()
    assert w.save_to_journal().id == first.id and "already in your journal" in w.status.value
    again = LeadershipPlanBuilder(journal=journal, folder=tmp_path)  # the lesson opened again, the same plan
    _fill_plan(again)
    assert again.save_to_journal().id == first.id and len(journal.entries) == 1
    again.actions[0].value = "Ask the team what helps them learn."
    assert again.save_to_journal().id != first.id and len(journal.entries) == 2


def test_the_browser_edition_names_files_as_the_learner_finds_them_and_offers_no_word(monkeypatch, tmp_path):
    """walk16 F2, F7, F8: Pyodide's /drive paths in messages, and a Word option refused in a package's terms."""
    from coplearn.widgets import _base
    from coplearn.widgets.journal import export_formats

    assert _base.place("/drive/my-journal/journal.json") == "/drive/my-journal/journal.json"
    assert "docx" in [v for _, v in export_formats()]
    monkeypatch.setattr("sys.platform", "emscripten")
    assert _base.place("/drive/my-journal/journal.json") == "my-journal/journal.json (in this browser)"
    assert [v for _, v in export_formats()] == ["md", "html"]
    assert JournalExport(journal=cl.Journal(tmp_path / "j.json")).format.value == "html"


def test_the_export_starts_at_word_where_word_can_be_made(monkeypatch, tmp_path):
    """walk26 M-L4: the format started at "Markdown (.md)", which a manager does not recognise; Word is
    what they hand in. The browser edition, which cannot make Word files, starts at a web page."""
    journal = cl.Journal(tmp_path / "j.json")
    journal.add(title="Lesson 06", learning="The team trusts less than I thought.")
    w = JournalExport(journal=journal, folder=tmp_path)
    assert w.format.value == "docx" and w.format.label == "Word document (.docx)"
    assert w.filename.value == "my-cpd-records.docx"
    w.button.click()
    assert w.last_error is None and (tmp_path / "my-cpd-records.docx").read_bytes()[:2] == b"PK"
    monkeypatch.setattr("sys.platform", "emscripten")
    assert JournalExport(journal=journal, folder=tmp_path).format.value == "html"


def test_a_failed_export_does_not_sit_under_the_last_ones_link(tmp_path, _private_journal):
    journal = cl.Journal(tmp_path / "j.json")
    journal.add(title="Lesson 01", learning="Managerialism and values pull apart.")
    w = JournalExport(journal=journal, folder=tmp_path)
    w.button.click()
    assert "Download my-cpd-records.docx" in w.status.value  # (Word, as it starts: walk26 M-L4)
    w.filename.value = "my-cpd-records.pdf"  # an ending no format has
    w.button.click()
    assert w.last_error and w.status.value == ""


def test_plan_model_checks_its_inputs():
    with pytest.raises(teaching_plan.PlanIncomplete) as info:
        teaching_plan.leadership_plan(stage=None, actions=["Share cases weekly", "Invite a carer", "Map the team", "Ask the team"], interface="")
    assert len(info.value.problems) == 3
    with pytest.raises(LookupError, match="not a learning culture"):
        teaching_plan.leadership_plan(stage="norming", actions=["Share cases weekly", "Invite a carer"], interface="Brief my manager monthly.", culture_gaps=["clan"])
    with pytest.raises(ValueError, match="staff 1: give the person's role"):
        teaching_plan.leadership_plan(stage="norming", actions=["Share cases weekly", "Invite a carer"], interface="Brief my manager monthly.",
                            staff=[{"role": "", "able": True, "willing": True}])
    plan = teaching_plan.leadership_plan(stage="norming", actions=[" Share  cases weekly ", "", "Invite a carer"],
                                         interface="Brief my manager monthly.", staff=[{"role": "social worker", "able": "yes", "willing": "no"}])
    assert plan.actions == ("Share cases weekly", "Invite a carer") and plan.staff[0].readiness.code == "R3"
    assert plan.stage_style.name == cl.style_for_stage("norming").name


def test_plan_asks_for_each_action_and_the_interface_as_a_sentence():
    """walk25 L4: actions " x" and " y" and an interface of "x" made a finished plan, saved to the journal."""
    with pytest.raises(teaching_plan.PlanIncomplete) as info:
        teaching_plan.leadership_plan(stage="norming", actions=[" x", "Start group supervision", "y"], interface="x")
    problems = info.value.problems
    assert [p.split(":")[0] for p in problems] == ["action 1", "action 3", "interface"], problems
    assert "‘x’" in problems[0] and "at least 3 words" in problems[0] and "‘y’" in problems[1]
    assert "at least 3 words" in problems[2]
    long = "Ask " + "very " * 40 + "often"
    with pytest.raises(teaching_plan.PlanIncomplete) as info:
        teaching_plan.leadership_plan(stage="norming", actions=["Start group supervision", "x"], interface=long)
    assert len(info.value.problems) == 1  # a long sentence is fine, and a short action is named
    plan = teaching_plan.leadership_plan(stage="norming", actions=["Start group supervision", "Invite a carer"],
                                         interface="Brief my manager.")
    assert plan.actions == ("Start group supervision", "Invite a carer")
    w = LeadershipPlanBuilder()
    _fill_plan(w)
    w.actions[1].value = " y"
    assert w.plan is None and "action 2" in w.preview.value and "‘y’" in w.preview.value


def test_plan_credits_each_stage_to_the_work_that_described_it():
    """Adjourning was added by Tuckman and Jensen (1977); the other four stages are Tuckman's (1965)."""
    for stage in cl.tuckman_stages():
        md = teaching_plan.leadership_plan(stage=stage.key, actions=["Share cases weekly", "Invite a carer"], interface="Brief my manager monthly.").to_markdown()
        line = next(l for l in md.splitlines() if "Stage of development" in l)
        expected = "(Tuckman 1965)" if stage.year == 1965 else "(Tuckman and Jensen 1977)"
        assert expected in line, line
        assert line.count(str(stage.year)) == 1, line  # rev23 F4: not "(added by ... in 1977)" again


# ---- journal export ------------------------------------------------------------------------

class FakeJournal:
    def __init__(self, n: int) -> None:
        self.entries = tuple(range(n))
        self.calls: list[tuple[Path, str]] = []

    def export(self, path, fmt, regulator=None):
        self.calls.append((Path(path), fmt))
        self.regulators = getattr(self, "regulators", []) + [regulator]
        Path(path).write_text("exported", encoding="utf-8")
        return Path(path)


def test_journal_export_calls_export_with_the_path_and_format(tmp_path):
    fake = FakeJournal(2)
    w = JournalExport(journal=fake, folder=tmp_path)
    w.format.value = "html"
    assert w.filename.value == "my-cpd-records.html"
    w.button.click()
    assert w.last_error is None
    assert fake.calls == [(tmp_path / "my-cpd-records.html", "html")]
    assert "Exported 2 journal entries" in w.status.value


def test_journal_export_refuses_an_empty_journal_or_a_mismatched_name(tmp_path):
    w = JournalExport(journal=FakeJournal(0), folder=tmp_path)
    w.button.click()
    assert "no entries yet" in w.last_error
    fake = FakeJournal(1)
    w = JournalExport(journal=fake, folder=tmp_path)
    w.filename.value = "records.pdf"
    w.button.click()
    assert "ends in .pdf" in w.last_error and ".md (Markdown)" in w.last_error and fake.calls == []


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_journal_export_writes_a_real_file(tmp_path, _private_journal, fmt):
    journal = cl.Journal(_private_journal)
    journal.add(title="Lesson 08", learning="Supervision can monitor or develop.", lesson="08", concepts=["C27"])
    w = JournalExport(journal=journal, folder=tmp_path)
    w.format.value = fmt
    w.button.click()
    assert w.last_error is None, w.last_error
    out = tmp_path / f"my-cpd-records.{fmt}"
    assert out.exists() and out.stat().st_size > 0
    if fmt != "docx":
        assert "Supervision can monitor or develop." in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["my-cpd-log.docx", "my-cpd-log.html", "my-cpd-log.md"])
def test_journal_export_refuses_a_document_of_your_own_and_says_when_it_replaces_an_earlier_export(
        tmp_path, _private_journal, name):
    """walk28 H1: "Export my journal" to my-cpd-log.docx replaced the manager's own Word document, and the message
    did not say that a file was replaced."""
    from own_documents import own_document

    journal = cl.Journal(_private_journal)
    journal.add(title="Lesson 08", learning="Supervision can monitor or develop.", lesson="08")
    mine = tmp_path / name
    before = own_document(mine)
    stem, ending = name.rsplit(".", 1)
    w = JournalExport(journal=journal, folder=tmp_path)
    w.filename.value = name
    w.button.click()
    assert w.last_error == (
        f"{mine} already exists and was not made by this course (it may be a document of your own), so nothing was "
        f"exported and {name} is unchanged. Choose another file name, for example {stem}-2.{ending}: type it in "
        f"\u201cFile name\u201d, then press \u201cExport my journal\u201d again.")
    assert "Problem: " in w.messages.value and w.status.value == "" and w.written is None
    assert mine.read_bytes() == before and sorted(p.name for p in tmp_path.glob("my-cpd-log*")) == [name]
    w.filename.value = f"{stem}-2.{ending}"
    w.button.click()
    assert w.last_error is None and "Exported 1 journal entry" in w.status.value and "replaced" not in w.status.value
    w.button.click()
    assert w.last_error is None and f"It replaced the earlier {stem}-2.{ending}." in w.status.value
    assert mine.read_bytes() == before


def test_journal_export_lays_records_out_for_the_chosen_regulator_and_saves_it(tmp_path, _private_journal):
    journal = cl.Journal(_private_journal)
    journal.add(title="Lesson 08", learning="Supervision can monitor or develop.", lesson="08", hours=2)
    w = JournalExport(journal=journal, folder=tmp_path)
    assert w.regulator.value == "swe" and "Social Work England" in w.requirement.value
    w.regulator.value = "niscc"
    assert "90 hours of PRTL" in w.requirement.value and "Not confirmed" in w.requirement.value
    w.format.value = "md"  # (the export starts at Word: walk26 M-L4; Markdown is read here)
    w.button.click()
    assert w.last_error is None, w.last_error
    text = (tmp_path / "my-cpd-records.md").read_text(encoding="utf-8")
    assert "2 hours recorded of the 90 hours the NISCC asks for" in text
    assert "for the Northern Ireland Social Care Council" in w.status.value
    assert cl.Journal(_private_journal).regulator == "niscc"
    assert JournalExport(journal=cl.Journal(_private_journal), folder=tmp_path).regulator.value == "niscc"
    fake = FakeJournal(1)
    w = JournalExport(journal=fake, folder=tmp_path)
    w.regulator.value = "sssc"
    w.button.click()
    assert fake.regulators == ["sssc"]


def test_journal_import_adds_new_entries_and_says_so(tmp_path):
    import datetime as _dt

    from coplearn import Journal
    from coplearn.widgets.journal import JournalImport

    elsewhere = Journal(tmp_path / "elsewhere.json")
    elsewhere.add(title="Lesson 03 on the train", learning="The managed culture is in every row I meet.")
    here = Journal(tmp_path / "here.json")
    here.add(title="Lesson 01", learning="Managerialism and values pull apart.")
    w = JournalImport(journal=here)
    w.upload.value = ({"name": "journal.json", "type": "application/json", "size": 1,
                       "content": memoryview(elsewhere.path.read_bytes()), "last_modified": _dt.datetime(2026, 12, 2)},)
    assert [e.title for e in here.entries] == ["Lesson 01", "Lesson 03 on the train"]
    assert "added 1 entry" in w.status.value
    w.upload.value = ({"name": "journal.json", "type": "application/json", "size": 1,
                       "content": memoryview(elsewhere.path.read_bytes()), "last_modified": _dt.datetime(2026, 12, 2, 1)},)
    assert len(here.entries) == 2 and "added 0 entries; 1 was in your journal already" in w.status.value
    w.upload.value = ({"name": "notes.json", "type": "application/json", "size": 1,
                       "content": memoryview(b'{"cells": []}'), "last_modified": _dt.datetime(2026, 12, 2, 2)},)
    assert "is not a coplearn journal" in w.messages.value and len(here.entries) == 2
    assert w.status.value == ""  # the earlier success does not sit above the problem (walk16 F9)
    assert w.upload.value == ()  # so that the same file, once mended, can be chosen again and is read


def test_importing_every_widget_module_makes_no_widget():
    """The browser edition imports all of coplearn.widgets before a page exists (its prepared kernel,
    coplearn/site/snapshot.py): a widget made at import would open a channel that no page hears."""
    import subprocess
    import sys

    code = ("import importlib, pkgutil, coplearn.widgets as w\n"
            "for m in pkgutil.iter_modules(w.__path__, 'coplearn.widgets.'):\n"
            "    importlib.import_module(m.name)\n"
            "from ipywidgets.widgets.widget import _instances\n"
            "import ipywidgets\n"
            "before = len(_instances); ipywidgets.Layout()\n"
            "print(before, len(_instances))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["0", "1"], out  # the second figure shows that the count does see a widget


def test_full_width_layout_is_one_shared_model():
    from coplearn.widgets._base import full_width, note_widget

    assert full_width() is full_width()
    assert full_width().width == "100%"
    assert note_widget("a note").layout is full_width()


def test_a_file_just_written_comes_with_a_link_that_downloads_it(tmp_path):
    """Reach review 8, R7: the browser edition's lesson page has no file browser, so "find it in the
    file browser" was a dead end. Each export's message now carries a link holding the file itself."""
    import base64
    import re

    from coplearn.practice.journal import Journal
    from coplearn.widgets.journal import JournalExport
    from coplearn.widgets.leadership_plan import LeadershipPlanBuilder

    journal = Journal(tmp_path / "journal.json")
    journal.add(title="Reflection", lesson="03", learning="Peer discussion <b>helps</b>.")
    export = JournalExport(journal=journal, folder=tmp_path)
    export.format.value = "html"
    written = export.export()
    link = re.search(r'<a download="([^"]+)" href="data:([^;]+);base64,([^"]+)" style="text-decoration:underline;font-weight:bold">Download ([^<]+)</a>', export.status.value)
    assert link and link.group(1) == link.group(4) == "my-cpd-records.html" and link.group(2) == "text/html"
    assert base64.b64decode(link.group(3)) == written.read_bytes()

    plan = LeadershipPlanBuilder(journal=journal, folder=tmp_path)
    plan.stage.value = "norming"
    plan.actions[0].value, plan.actions[1].value = "Share cases weekly", "Invite a carer"
    plan.interface.value = "Brief my manager monthly."
    path = plan.save_to_file("md")
    assert f'download="{path.name}"' in plan.status.value and "data:text/markdown;base64," in plan.status.value


def test_every_upload_button_reads_its_file_count_as_a_count(tmp_path):
    """walk25 L2: ipywidgets draws the number of files chosen after the button's words, in brackets, so
    "Choose journal.json (0)" read as meaningless, or as "no journal". Each upload button's words end in
    "number of files chosen", so the number reads as what it is, to the eye and to a screen reader alike."""
    import ipywidgets as W

    from coplearn.widgets import TeamSurveyLoader
    from coplearn.widgets.journal import JournalImport

    uploads = [w for owner in (TeamSurveyLoader(folder=tmp_path), JournalImport())
               for w in vars(owner).values() if isinstance(w, W.FileUpload)]
    assert len(uploads) == 2
    for upload in uploads:
        shown = f"{upload.description} ({len(upload.value)})"  # as ipywidgets 8 draws it
        assert shown.endswith("files waiting to be read (0)"), shown  # (walk27 L8: read, so none waits)
