"""Widgets and figures for lessons 05-07, driven without a browser: set ``.value``, check the
state, the text and the figure data."""

from __future__ import annotations

import html as htmllib
import re

import pytest

import coplearn as cl
from coplearn.teaching import community_learning as teaching_community
from coplearn.teaching import vignettes as vg
from coplearn.paper.action_centred import AUDIT_NOTE
from coplearn.figures._base import DOMAIN_COLOURS
from coplearn.figures.situational import PLAIN_WIDTH, SELECTED_WIDTH, build_readiness_grid
from coplearn.figures.action_centred import build_adair_circles, build_audit_scores
from coplearn.widgets._base import NOT_ANSWERED
from coplearn.widgets.situational import StyleExplorer
from coplearn.widgets.action_centred import AdairCircles, AdairFunctionSorter, TeamAuditForm
from coplearn.widgets.vignettes import BackSeatSorter, VignetteQuiz
from coplearn.widgets.community_learning import CommunityCheck, LearningPlanner


def widths(fig) -> dict[str, float]:
    return {s.name: s.line.width for s in fig.layout.shapes if s.name}


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


# ---- lesson 05: readiness and style ------------------------------------------------------------

HERSEY_BLANCHARD = {  # (able, willing) -> (readiness, style code, style name)
    (False, False): ("R1", "S1", "telling"),
    (False, True): ("R2", "S2", "selling"),
    (True, False): ("R3", "S3", "participating"),
    (True, True): ("R4", "S4", "delegating"),
}


@pytest.mark.parametrize(("able", "willing"), list(HERSEY_BLANCHARD))
def test_style_explorer_highlights_the_chosen_quadrant(able, willing):
    code, style_code, style_name = HERSEY_BLANCHARD[(able, willing)]
    w = StyleExplorer()
    w.able.value = able
    w.willing.value = willing
    assert w.readiness == code and w.style.code == style_code
    assert style_name in w.explanation.value
    fig = w.chart.figure
    assert widths(fig)[code] == SELECTED_WIDTH
    assert all(width == PLAIN_WIDTH for name, width in widths(fig).items() if name != code)
    # More than colour: a star labelled "You are here" sits inside the chosen quadrant.
    (marker,) = fig.data
    assert marker.text == ("You are here",) and marker.marker.symbol == "star"
    shape = next(s for s in fig.layout.shapes if s.name == code)
    assert shape.x0 < marker.x[0] < shape.x1 and shape.y0 < marker.y[0] < shape.y1
    assert f"is {code}" in w.chart.alt.description and style_name in w.chart.alt.description


def test_able_but_unwilling_is_r3_participating_low_task_high_relationship():
    w = StyleExplorer(able=True, willing=False)
    assert (w.readiness, w.style.name) == ("R3", "participating")
    assert (w.style.task_behaviour, w.style.relationship_behaviour) == ("low", "high")
    label = next(a.text for a in w.chart.figure.layout.annotations if a.text.startswith("<b>R3"))
    assert "S3 participating" in label and "low task, high relationship" in label


def test_style_explorer_moves_the_highlight_when_an_answer_changes():
    w = StyleExplorer(able=True, willing=False)
    w.willing.value = True
    assert w.readiness == "R4"
    assert widths(w.chart.figure)["R4"] == SELECTED_WIDTH and widths(w.chart.figure)["R3"] == PLAIN_WIDTH


def test_style_explorer_with_one_answer_highlights_nothing_and_asks_for_both():
    w = StyleExplorer()
    w.able.value = True
    assert w.readiness is None and w.style is None
    assert "Answer both" in w.explanation.value
    assert len(w.chart.figure.data) == 0
    assert set(widths(w.chart.figure).values()) == {PLAIN_WIDTH}
    assert "Nothing is highlighted" in w.chart.alt.description


def test_the_grid_labels_every_quadrant_with_its_style_and_behaviour():
    chart = build_readiness_grid()
    labels = " ".join(a.text for a in chart.figure.layout.annotations)
    for s in cl.styles():
        assert f"{s.code} {s.name}" in labels
    assert len(chart.alt.rows) == 4


def test_every_vignette_answer_follows_hersey_and_blanchard_and_all_four_levels_appear():
    seen = set()
    for v in vg.staff_vignettes():
        assert v.style.code == HERSEY_BLANCHARD[(v.able, v.willing)][1], v.id
        assert v.able_why and v.willing_why and v.in_practice
        seen.add(v.readiness.code)
    assert seen == {"R1", "R2", "R3", "R4"}
    assert 4 <= len(vg.staff_vignettes()) <= 6


def test_vignette_quiz_gives_feedback_that_explains_the_style():
    q = VignetteQuiz()
    q.choose("bernadette", "telling")
    fb = q.sorter.feedback["bernadette"].value
    assert "Not quite" in fb and "participating" in fb and "investigation" in fb
    assert q.correct == 0
    q.sorter.dropdowns["bernadette"].value = "S3"  # what the learner does
    assert "Yes" in q.sorter.feedback["bernadette"].value and q.correct == 1
    q.choose("tom", "coaching")  # Blanchard's SLII name is understood too
    assert q.sorter.choices["tom"] == "S2" and q.correct == 2


def test_vignette_quiz_rejects_a_style_that_does_not_exist():
    q = VignetteQuiz()
    with pytest.raises(LookupError, match="not a leadership style"):
        q.choose("tom", "bossy")
    assert q.sorter.choices["tom"] is None


def test_back_seat_sorter_covers_both_views_and_explains():
    w = BackSeatSorter()
    answers = {i.answer for i in w.sorter.items}
    assert answers == {"back_seat", "proactive"}
    first = w.sorter.items[0]
    wrong = next(k for k in answers if k != first.answer)
    w.sorter.dropdowns[first.id].value = wrong
    assert "Not quite" in w.sorter.feedback[first.id].value and first.why in w.sorter.feedback[first.id].value


# ---- lesson 06: Adair and the team audit -------------------------------------------------------

@pytest.mark.parametrize("domain", ["task", "team", "individual"])
def test_adair_circles_highlight_the_domain_and_list_its_questions(domain):
    w = AdairCircles()
    w.domain.value = domain
    fig = w.chart.figure
    assert widths(fig) == {d: SELECTED_WIDTH if d == domain else PLAIN_WIDTH for d in ("task", "team", "individual")}
    assert [s.type for s in fig.layout.shapes] == ["circle"] * 3
    ids = re.findall(r"<strong>([KTI]\d+)</strong>", w.questions.value)
    assert ids == [i.id for i in cl.team_audit(domain)]
    selected_label = next(a.text for a in fig.layout.annotations if "(selected)" in a.text)
    assert next(d.name for d in cl.adair_domains() if d.key == domain).split()[0] in selected_label


def test_each_circle_has_its_own_colour_and_a_text_label():
    fig = build_adair_circles().figure
    fills = [s.fillcolor for s in fig.layout.shapes]
    for shape, (key, colour) in zip(fig.layout.shapes, DOMAIN_COLOURS.items()):
        h = colour.lstrip("#")
        assert shape.fillcolor.startswith("rgba(%d,%d,%d," % tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))), key
    assert len(set(fills)) == 3
    labels = " ".join(a.text for a in fig.layout.annotations)
    assert all(word in labels for word in ("TASK", "TEAM", "INDIVIDUAL"))
    with pytest.raises(LookupError, match="domain of Adair's model"):
        build_adair_circles("clan")


def test_function_sorter_offers_all_eight_functions():
    w = AdairFunctionSorter()
    assert [key for key, _ in w.sorter.options] == [f.key for f in cl.adair_functions()]
    assert len(w.sorter.options) == 8


def test_audit_form_has_all_28_items_with_the_right_controls():
    form = TeamAuditForm()
    assert list(form.controls) == [i.id for i in cl.team_audit()]
    labels = [label for label, _ in form.controls["K1"].options]
    assert labels[0] == NOT_ANSWERED
    assert labels[1:] == [f"{k} {v}" for k, v in cl.rating_scale().items()]
    assert [v for _, v in form.controls["T3"].options] == [None] + [s.key for s in cl.tuckman_stages()]
    assert form.controls["T2"].__class__.__name__ == "Textarea"
    assert all(c.description.startswith(k) for k, c in form.controls.items())


def test_scoring_a_partial_audit_puts_the_weakest_first_and_says_partial():
    form = TeamAuditForm()
    form.controls["K1"].value = 2
    form.controls["K2"].value = 4
    form.controls["T4"].value = 5
    form.controls["T3"].value = "storming"
    form.button.click()
    r = form.result
    assert form.last_error is None
    assert r.priorities[0].item.id == "K1"
    assert "K1" in [p.item.id for p in r.priorities]
    (bar,) = form.chart.figure.data
    assert list(bar.y) == [r.domain_scores[d.key] for d in cl.adair_domains()] == [3.0, 5.0, None]
    assert "partial: 4 of 28 answered" in form.chart.figure.layout.title.text
    assert "partial" in form.status.value and "4 of 28" in form.status.value
    report = text_of(form.report.value)
    assert "Priorities, weakest first" in report and "Action plan" in report
    assert "Framework: Adair: defining the task and planning" in report and "lesson 06" in report
    assert "storming" in report.lower()  # the stage answer adds a step on leadership style
    assert AUDIT_NOTE in htmllib.unescape(form.report.value)


def test_a_complete_audit_is_not_called_partial():
    responses = {i.id: 4 for i in cl.team_audit() if i.kind == "rating"}
    responses |= {"T2": "Two more AMHPs within a year.", "T3": "norming"}
    form = TeamAuditForm(responses)
    r = form.score()
    assert not r.is_partial
    assert "complete: all 28 answered" in form.chart.figure.layout.title.text
    assert "partial" not in form.status.value
    assert "Two more AMHPs" in form.report.value


def test_the_audit_lists_every_item_rated_the_same_as_the_fifth_and_says_why_some_are_left_out():
    """walk26 M-L1: the form's priorities and plan (and the journal entry) stopped at five without a word,
    leaving out I7, rated 2 like the fifth; the team survey report's plan follows the same rule."""
    from coplearn.practice.survey import read_survey_text
    from coplearn.practice.survey_summary import summarise
    from coplearn.widgets.action_centred import audit_journal_fields

    responses = {i.id: 4 for i in cl.team_audit() if i.kind == "rating"}
    responses |= {"K8": 1, "T4": 2, "T5": 2, "T10": 2, "I2": 2, "I7": 2}
    form = TeamAuditForm(responses)
    result = form.score()
    report = htmllib.unescape(text_of(form.report.value))
    priorities = report[report.index("Priorities, weakest first"):report.index("Action plan")]
    assert all(i in priorities for i in ("K8", "T4", "T5", "T10", "I2", "I7"))
    assert "Only the five weakest of the 26 rated items are listed, and 1 more rated the same as the fifth" in priorities
    plan = report[report.index("Action plan"):]
    assert "equal ratings are never split" in plan and cl.get_item("I7").action in plan
    learning = audit_journal_fields(result)["learning"]
    assert "- I7 (2, poor)" in learning and "1 more rated the same as the fifth" in learning
    # the team survey report's plan, from the same answers, lists the same items
    text = ",".join(responses) + "\r\n" + ",".join(str(v) for v in responses.values()) + "\r\n"
    team = summarise(read_survey_text(text), min_respondents=1)
    assert [a.item_id for a in team.action_plan()] == [a.item_id for a in result.action_plan()]
    assert "I7" in [a.item_id for a in team.action_plan()]
    from coplearn.practice.report import render_markdown

    written = " ".join(render_markdown(team).split())
    assert "up to five, and any with the same team mean as the fifth" in written  # (the plan's rule, said)
    assert "any with the same team mean as the fifth (so that equal means are never split)" in written
    assert cl.get_item("I7").action in written


def test_an_empty_audit_scores_nothing_and_says_so():
    form = TeamAuditForm()
    r = form.score()
    assert r.is_empty and list(form.chart.figure.data[0].y) == [None, None, None]
    assert "Nothing has been answered" in form.status.value


def test_audit_form_refuses_bad_answers_and_changes_nothing():
    form = TeamAuditForm({"K1": "good"})
    assert form.controls["K1"].value == 4  # survey words are understood
    with pytest.raises(ValueError, match="K2: the rating 6 is out of range"):
        form.set_responses({"K1": 2, "K2": 6})
    assert form.controls["K1"].value == 4 and form.controls["K2"].value is None
    with pytest.raises(ValueError, match="T3: 'chaos' is not a Tuckman stage"):
        form.set_responses({"T3": "chaos"})
    with pytest.raises(ValueError, match="K3: 'high' is not a rating"):
        form.set_responses({"K3": "high"})
    with pytest.raises(LookupError, match="'Z9' is not a team audit item"):
        form.set_responses({"Z9": 3})
    form.set_responses({"T3": "Norming", "T2": None})
    assert form.controls["T3"].value == "norming" and form.controls["T2"].value == ""


def test_audit_chart_text_alternative_gives_the_scores():
    r = cl.score_audit({"I1": 1, "I2": 2})
    chart = build_audit_scores(r)
    assert "Developing the individual: 1.50" in chart.alt.description
    assert ("Achieving the task", "not yet rated", "0 of 8") in chart.alt.rows


# ---- lesson 07: helping a community learn -------------------------------------------------------

def test_community_check_names_what_to_work_on_and_says_partial():
    w = CommunityCheck()
    w.controls["trust"].value = 2
    w.controls["belonging"].value = 4
    r = w.result
    assert [f.key for f in r.to_develop()] == ["trust"] and r.is_partial
    (bar,) = w.chart.figure.data
    assert list(bar.y) == [2, 4, None, None]
    ticks = list(w.chart.figure.layout.xaxis.ticktext)
    assert "work on this" in ticks[0] and "work on this" not in ticks[1]
    report = text_of(w.report.value)
    assert "partial" in report and "2 of 4" in report.replace("factors", "")
    assert "Go first" in report  # an action for trust
    assert "Power and hierarchy" in report


def test_community_check_orders_the_weakest_first_and_builds_on_strengths():
    w = CommunityCheck()
    for key, value in {"trust": 3, "belonging": 5, "equality": 1, "relationships": 4}.items():
        w.controls[key].value = value
    assert [f.key for f in w.result.to_develop()] == ["equality", "trust"]
    assert not w.result.is_partial and "partial" not in w.chart.figure.layout.title.text
    for key in ("equality", "trust"):
        w.controls[key].value = 5
    assert w.result.to_develop() == () and "build on what is working" in w.report.value


def test_community_check_rejects_unknown_factors_and_bad_ratings():
    with pytest.raises(LookupError, match="respect"):
        teaching_community.check_community({"respect": 3})
    with pytest.raises(ValueError, match="belonging: 'lots' is not a rating"):
        teaching_community.check_community({"belonging": "lots"})


def test_learning_planner_reports_bandura_knowles_and_the_balance():
    w = LearningPlanner()
    assert "No activities chosen" in w.feedback.value
    w.controls["why"].value = True
    w.controls["template"].value = True
    assert w.plan.balance == {"social": 0, "task": 2}
    assert "all task" in w.feedback.value and "Lefevre 2005" in w.feedback.value
    w.controls["manager_first"].value = True
    w.controls["practise"].value = True
    assert "balances" in w.feedback.value
    assert w.plan.bandura_covered == ("Attention", "Reproduction", "Motivation")
    assert w.plan.bandura_missing == ("Retention",)
    assert "Model the learning you want" in w.plan.practices_covered
    assert "Bandura 1977" in w.feedback.value


def test_plan_learning_ignores_repeats_and_rejects_unknown_activities():
    assert len(teaching_community.plan_learning(["shadow", "Shadow"]).activities) == 1
    with pytest.raises(LookupError, match="'lecture' is not a learning activity"):
        teaching_community.plan_learning(["lecture"])


# ---- showing charts -------------------------------------------------------------------------------

def test_figure_bundle_matches_what_plotlys_own_renderer_sends():
    import plotly.io as pio

    from coplearn.figures._base import figure_bundle

    fig = build_readiness_grid(True, False).figure
    ours = figure_bundle(fig, "Readiness")["application/vnd.plotly.v1+json"]
    theirs = pio.renderers["plotly_mimetype"].to_mimebundle(fig.to_dict())["application/vnd.plotly.v1+json"]
    theirs.pop("config", None)
    config = ours.pop("config")
    assert ours == theirs
    # the chart's toolbar: only "Download plot as a png" (plotly's default also offers "Share
    # chart...", an upload to its cloud service, and zoom and select buttons), no plotly logo link
    assert config["modeBarButtons"] == [["toImage"]] and config["displaylogo"] is False


def test_the_chart_and_its_text_alternative_are_written_into_the_output_widget():
    w = StyleExplorer(able=True, willing=False)
    title_out, fig_out, alt_out = w.out.outputs
    # the title as a paragraph above the chart (wraps on a phone; plotly's own is hidden there)
    assert 'class="coplearn-chart-title"' in title_out["data"]["text/html"]
    import html

    title = fig_out["data"]["application/vnd.plotly.v1+json"]["layout"]["title"]["text"]
    assert html.escape(title, quote=False) in title_out["data"]["text/html"]
    shapes = fig_out["data"]["application/vnd.plotly.v1+json"]["layout"]["shapes"]
    assert [s["line"]["width"] for s in shapes if s["name"] == "R3"] == [SELECTED_WIDTH]
    assert "is R3" in alt_out["data"]["text/html"] and "is R3" in alt_out["data"]["text/plain"]
    w.able.value = False
    assert "is R1" in w.out.outputs[2]["data"]["text/plain"] and len(w.out.outputs) == 3


def test_showing_a_widget_chart_does_not_import_nbformat():
    import subprocess
    import sys

    code = ("import sys\nfrom coplearn.widgets.situational import StyleExplorer\nw = StyleExplorer(True, False)\n"
            "assert w.out.outputs\nprint('nbformat imported: %s' % ('nbformat' in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().endswith("nbformat imported: False")


def test_audit_form_takes_what_score_audit_takes():
    """Input 11 #11 and #23: the form kept the later of "K1" and "k1", and refused "N/A"."""
    form = TeamAuditForm()
    with pytest.raises(ValueError, match="K1: answered twice"):
        form.set_responses({"K1": 4, "k1": 2})
    assert form.controls["K1"].value is None
    form.set_responses({"K1": "N/A", "K2": "Excellent", "T3": " Storming "})
    assert form.controls["K1"].value is None and form.controls["K2"].value == 5
    assert form.controls["T3"].value == "storming"
