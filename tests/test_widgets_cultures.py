"""Widgets, figures and lesson content for lessons 00-04, tested without a browser.

Each test sets controls' ``.value`` (as a learner's click would) and checks the state, the text
the learner sees and the figure data.
"""

from __future__ import annotations

import html
import re

import pytest

import coplearn as cl
from coplearn.teaching import cultures as teaching_cultures
from coplearn.teaching import sorting as teaching_sorting
from coplearn.paper.cultures import SUPERORDINATE_TARGET
from coplearn.figures.cultures import PROFILE_TRACE, TARGET_TRACE, build_culture_radar, build_dominance, build_overlay
from coplearn.widgets.sorting import ContextSorter
from coplearn.widgets.journal import JournalSetup
from coplearn.widgets.routes import RoutePicker
from coplearn.widgets.cultures import CultureProfileWidget, CultureSorter, Table1Explorer, culture_items

ORDER = [c.key for c in cl.cultures()]


def text(widget):
    """What the learner reads in an HTML widget (entities turned back into characters)."""
    return html.unescape(widget.value)


def trace(fig, name):
    return next(t for t in fig.data if t.name == name)


# --- Table 1 explorer ----------------------------------------------------------------------------

def test_explorer_shows_all_26_then_filters_by_culture_and_dimension():
    ex = Table1Explorer()
    assert len(ex.rows) == 26 and ex.table.value.count("<tr>") == 27  # header + 26 rows
    ex.culture.value = "managed"
    assert [p.id for p in ex.rows] == [f"M{i}" for i in range(1, 10)]
    assert "Investors in People" in ex.heading.value
    assert "Professional" not in ex.table.value.split("</thead>")[1]
    ex.dimension.value = "supervision"
    assert [p.id for p in ex.rows] == ["M6"]
    assert "What is supervision for?" in ex.heading.value
    ex.culture.value = None
    assert [p.id for p in ex.rows] == ["P6", "M6"]


def test_explorer_explains_an_empty_combination_instead_of_showing_nothing():
    ex = Table1Explorer()
    ex.culture.value = "humanistic"
    ex.dimension.value = "sanctions"
    assert ex.rows == ()
    assert "no principle on this dimension" in ex.table.value
    assert "how change happens" in ex.table.value  # lists what the culture does cover
    assert ex.last_error is None


# --- Culture sorter -----------------------------------------------------------------------------

def test_sorter_feedback_names_the_right_culture_and_why():
    s = CultureSorter(seed=3)
    s.new_set(["M6", "D1"])
    s.sorter.dropdowns["M6"].value = "professional"
    fb = s.sorter.feedback["M6"].value
    assert "this is Managed culture, not Professional culture" in fb
    assert "case and service management" in fb
    s.sorter.dropdowns["D1"].value = "democratic"
    assert s.sorter.feedback["D1"].value.startswith('<div role="status"') and "Yes: Democratic culture" in s.sorter.feedback["D1"].value
    assert s.sorter.correct == 1 and s.sorter.answered == 2


def test_sorter_samples_are_balanced_and_new_set_changes_the_statements():
    s = CultureSorter(size=8, seed=7)
    first = [i.id for i in s.sorter.items]
    answers = [i.answer for i in s.sorter.items]
    assert len(set(first)) == 8 and all(answers.count(k) == 2 for k in ORDER)
    s.new_button.click()
    second = [i.id for i in s.sorter.items]
    assert second != first and s.sets_done == 2
    assert s.box.children[0] is s.sorter.view


def test_sorter_rejects_an_impossible_size():
    with pytest.raises(ValueError, match="choose from 1 to 26"):
        CultureSorter(size=40)


def test_every_principle_has_a_reason_naming_its_culture():
    for item in culture_items([p.id for p in cl.principles()]):
        assert item.why.startswith(cl.get_culture(item.answer).name + " culture")


# --- Culture profile widget and the radar ----------------------------------------------------------

def test_rating_changes_the_profile_and_the_radar_r_values_equal_the_scores():
    w = CultureProfileWidget()
    assert list(trace(w.chart.figure, PROFILE_TRACE).r) == []
    w.dropdowns["P1"].value = 5
    w.dropdowns["P2"].value = 3
    w.dropdowns["M1"].value = 2
    w.dropdowns["H1"].value = 4
    w.dropdowns["D1"].value = 1
    assert w.profile.scores == {"professional": 4.0, "managed": 2.0, "humanistic": 4.0, "democratic": 1.0}
    r = list(trace(w.chart.figure, PROFILE_TRACE).r)
    assert r[:-1] == [w.profile.scores[k] for k in ORDER] and r[-1] == r[0]
    ring = trace(w.chart.figure, TARGET_TRACE)
    assert set(ring.r) == {SUPERORDINATE_TARGET}
    assert "5 of 26 statements rated" in w.progress.value


def test_gaps_show_the_papers_reasons_and_the_teaching_aid_note():
    w = CultureProfileWidget()
    w.set_ratings(teaching_cultures.get_example_team("pressured").ratings)
    gaps = [g.culture for g in w.profile.to_develop()]
    assert "democratic" in gaps and "humanistic" in gaps
    for key in gaps:
        assert cl.get_culture(key).reason in text(w.advice)
    assert "teaching aid" in w.advice.value
    assert "teaching aid" in w.chart.alt.description


def test_example_team_fills_the_dropdowns_and_clear_empties_them():
    w = CultureProfileWidget()
    w.example.value = "balanced"
    assert len(w.ratings) == 26 and w.dropdowns["D4"].value == 5
    assert w.profile.is_superordinate
    assert "well present" in w.advice.value
    assert "invented" in w.example_note.value
    w.clear_button.click()
    assert w.ratings == {} and all(dd.value is None for dd in w.dropdowns.values())
    assert w.profile.scores == {}


def test_unrating_a_statement_leaves_it_out_rather_than_counting_zero():
    w = CultureProfileWidget({"P1": 5, "P2": 1})
    assert w.profile.scores["professional"] == 3.0
    w.dropdowns["P2"].value = None
    assert w.profile.scores["professional"] == 5.0
    assert "Not yet rated" in w.advice.value


@pytest.mark.parametrize("pid, value, expected", [
    ("P1", 9, "out of range"),
    ("P1", 0, "out of range"),
    ("P1", "lots", "is not a rating"),
    ("Z9", 3, "is not a principle id"),
])
def test_a_bad_rating_shows_an_error_message_and_changes_nothing(pid, value, expected):
    w = CultureProfileWidget({"P1": 4})
    w.rate(pid, value)  # must not raise
    assert expected in w.messages.value and 'role="alert"' in w.messages.value
    assert w.ratings == {"P1": 4} and w.dropdowns["P1"].value == 4


def test_bad_bulk_ratings_are_rejected_whole():
    w = CultureProfileWidget({"P1": 4})
    w.set_ratings({"P2": 5, "M1": 6})
    assert "M1" in w.messages.value and w.ratings == {"P1": 4}


def test_a_good_rating_after_an_error_clears_the_message():
    w = CultureProfileWidget()
    w.rate("P1", 7)
    assert w.messages.value
    w.rate("P1", 2)
    assert w.messages.value == "" and w.ratings == {"P1": 2}


def test_radar_leaves_unrated_cultures_out_and_says_so_in_its_text_alternative():
    chart = build_culture_radar(cl.culture_profile({"P1": 4, "H2": 2}))
    shape = trace(chart.figure, PROFILE_TRACE)
    assert list(shape.theta) == ["Professional", "Humanistic", "Professional"]
    assert list(shape.marker.symbol) == ["circle", "diamond", "circle"]  # shape, not colour alone
    rows = {r[0]: r for r in chart.alt.rows}
    assert rows["Managed"][1] == "not rated" and rows["Humanistic"][1] == "2.00"


# --- "then and now" and the overlay -------------------------------------------------------------

def test_dominance_figure_is_labelled_as_an_illustration_and_matches_the_data():
    d = teaching_cultures.dominance()
    chart = build_dominance()
    then, now = chart.figure.data
    by = {r.culture: r for r in d.rows}
    assert list(then.y) == [by[k].then for k in ORDER] and list(now.y) == [by[k].now for k in ORDER]
    assert "not data" in chart.figure.layout.title.text and "illustrative" in then.name
    assert "not data" in chart.alt.description or "illustration" in chart.alt.description
    assert then.marker.pattern.shape == "/"  # hatching tells the series apart without colour
    # the paper's claim (C11): professional and managed up, humanistic and democratic down
    assert by["managed"].now > by["managed"].then and by["professional"].now > by["professional"].then
    assert by["humanistic"].now < by["humanistic"].then and by["democratic"].now < by["democratic"].then
    # the paper ranks the pairs, not the cultures within a pair (fid22a L3): each pair at one height
    for a, b in (("professional", "managed"), ("humanistic", "democratic")):
        assert (by[a].then, by[a].now) == (by[b].then, by[b].now), (a, b)


def test_overlay_diagram_names_the_three_skills_in_figure_and_text():
    chart = build_overlay()
    text = " ".join(a.text for a in chart.figure.layout.annotations)
    for skill in ("groupwork", "leadership", "facilitating learning and development"):
        assert skill in text.lower() and skill in chart.alt.description.lower()


# --- course widgets -----------------------------------------------------------------------------

def test_route_picker_shows_each_route_with_lessons_exercises_and_tools():
    rp = RoutePicker()
    assert rp.route is None and "Choose" in rp.html
    rp.choice.value = "student"
    assert "a1-learning-cultures" in rp.html and "Lesson 03" in rp.html
    assert "coplearn journal export" in rp.html
    rp.choice.value = "tutor"
    assert rp.route.key == "tutor" and "nbgrader" in rp.html
    rp.choice.value = "manager"
    assert "coplearn audit report" in rp.html and "a1-learning-cultures" not in rp.html


def test_the_managers_route_gives_the_button_first_and_a_command_that_works(monkeypatch):
    """walk26 M-M1: the route said "type `coplearn audit report` in a terminal", which a terminal opened
    from `./run course` answers with "command not found", and the app view has no terminal at all."""
    rp = RoutePicker()
    rp.choice.value = "manager"
    shown = re.sub(r"<[^>]+>", "", html.unescape(rp.html))  # (as read on the page)
    assert "coplearn audit" in shown and "`" not in shown  # (commands in code, not Markdown's backticks: walk28 L4)
    assert ("lesson 06: Using your team's survey (upload the survey file, then save the report as a web page): "
            "no terminal needed (in the app view, the only way). Or type .venv/bin/coplearn audit report "
            "in a terminal opened in the course folder") in shown
    assert ("lesson 11: Export your journal as CPD records: no terminal needed (in the app view, the only way). Or "
            "type .venv/bin/coplearn journal export in a terminal opened in the course folder") in shown
    assert "Practice tool: team survey report" in shown and "Practice tool: CPD export" in shown
    # the lessons they name are links that open them, as the lessons' own rows are (walk28 L4)
    page = html.unescape(rp.html)
    assert "<code>.venv/bin/coplearn audit report</code>" in page
    for lesson, called in (("06-action-centred-leadership-and-the-team-audit.ipynb", "lesson 06: Using your team's survey"),
                           ("11-leading-a-community-of-practice.ipynb", "lesson 11: Export your journal as CPD records")):
        assert f'<a href="{lesson}" target="_self" data-coplearn-lesson="course/{lesson}">{called}</a>' in page


def test_in_the_browser_edition_the_routes_name_no_terminal(monkeypatch):
    """walk16 F1: the team manager's route sent them to type commands in a terminal the browser edition
    does not have; there each tool step names the lesson that does the same."""
    monkeypatch.setattr("sys.platform", "emscripten")
    rp = RoutePicker()
    for key in ("student", "tutor", "manager"):
        rp.choice.value = key
        assert "terminal" not in rp.html, key
    assert "lesson 06: Using your team&#39;s survey" in rp.html
    assert "lesson 11: Export your journal as CPD records" in rp.html
    assert "coplearn audit report" not in rp.html and "Practice tool: team survey report" in rp.html


def test_route_picker_reports_an_unknown_route_in_plain_words():
    rp = RoutePicker()
    rp.safely(rp.show)("parent")
    assert "'parent' is not a route" in text(rp.messages) and "student, tutor, manager" in rp.messages.value


def test_journal_setup_shows_the_path_and_saves_a_first_entry(tmp_path):
    journal = cl.Journal(tmp_path / "my-journal.json")
    js = JournalSetup(journal=journal)
    assert "my-journal.json" in js.where.value and "does not exist yet" in js.where.value
    js.prompt.button.click()
    assert "Write a sentence" in js.prompt.messages.value and len(journal.entries) == 0
    js.prompt.learning.value = "I want to help my duty team learn from its hardest cases."
    js.prompt.button.click()
    assert len(journal.entries) == 1 and journal.entries[0].lesson == "00"
    assert "1 entry" in js.where.value


def test_journal_setup_follows_coplearn_journal(tmp_path, monkeypatch):
    monkeypatch.setenv("COPLEARN_JOURNAL", str(tmp_path / "elsewhere.json"))
    assert "elsewhere.json" in JournalSetup().where.value


@pytest.mark.parametrize("key", ["pressures", "routes", "vignettes", "wenger"])
def test_context_sorters_give_feedback_with_the_reason(key):
    s = ContextSorter(key)
    item = s.items[0]
    wrong = next(k for k, _ in s.options if k != item.answer)
    s.dropdowns[item.id].value = wrong
    assert f"this is {s.labels[item.answer]}" in text(s.feedback[item.id])
    s.dropdowns[item.id].value = item.answer
    assert "Yes:" in s.feedback[item.id].value and s.correct == 1


def test_every_sort_activity_uses_all_its_options():
    for act in teaching_sorting.sort_activities():
        used = {i.answer for i in act.items}
        assert used == set(act.labels), act.key


def test_an_activitys_drop_downs_share_one_layout_and_one_style_but_not_with_another_activity():
    """Fewer widgets, fewer messages to the page: one layout and one style per look in an activity."""
    from coplearn.widgets.cultures import CultureProfileWidget
    from coplearn.widgets.sorting import ContextSorter

    first, second = CultureProfileWidget(), CultureProfileWidget()
    drops = list(first.dropdowns.values())
    assert len(drops) > 1
    assert len({id(d.layout) for d in drops}) == 1 and len({id(d.style) for d in drops}) == 1
    assert drops[0].style.description_width == "initial" and drops[0].layout.width == "46em"
    assert next(iter(second.dropdowns.values())).layout is not drops[0].layout
    sorter = ContextSorter("wenger")
    layouts = {id(d.layout) for d in sorter.dropdowns.values()} | {id(f.layout) for f in sorter.feedback.values()}
    assert len(layouts) == 2  # the drop-downs' and the feedback lines'


def test_the_profile_draws_its_radar_once_when_made_even_when_its_ratings_are_refused(monkeypatch):
    import coplearn.widgets.cultures as widget_module

    built = []

    def counting(profile):
        built.append(profile)
        return build_culture_radar(profile)

    monkeypatch.setattr(widget_module, "build_culture_radar", counting)
    CultureProfileWidget()
    assert len(built) == 1  # it was built twice, which a lesson's start paid for
    built.clear()
    w = CultureProfileWidget({"P1": 4})
    assert len(built) == 1 and w.profile.ratings == {"P1": 4}
    built.clear()
    refused = CultureProfileWidget({"P1": 9})  # out of range: a message, no ratings, still a radar
    assert len(built) == 1 and refused.ratings == {} and refused.chart is not None
    assert "P1" in refused.messages.value


def test_every_lesson_on_a_route_is_a_link_that_opens_it():
    """walk18 M5: the route named lessons only as file paths; each is now a link to the lesson, which
    the browser edition opens in the same tab (data-coplearn-lesson)."""
    import re
    from pathlib import Path

    course = Path(__file__).resolve().parents[1] / "course"
    rp = RoutePicker()
    for key in ("student", "tutor", "manager"):
        rp.choice.value = key
        lessons = [s for s in rp.route.steps if s.kind == "lesson"]
        links = re.findall(r'<a href="([^"]+)" target="_self" data-coplearn-lesson="course/([^"]+)">(Lesson \d\d: [^<]+)</a>', rp.html)
        assert len(links) == len(lessons) > 0, (key, links)
        for href, named, text in links:
            assert href == named and (course / href).is_file() and text.startswith(f"Lesson {href[:2]}:"), (href, text)
