"""The public API promised in DESIGN.md, and its answers to bad input."""

from __future__ import annotations

import pytest

import coplearn as cl


# --- cultures --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["Managed", "managed", " MANAGED "])
def test_get_culture_ignores_case(name):
    assert cl.get_culture(name).key == "managed"


def test_unknown_culture_lists_the_four():
    with pytest.raises(LookupError) as err:
        cl.get_culture("clan")
    msg = str(err.value)
    assert "'clan'" in msg
    for key in ("professional", "managed", "humanistic", "democratic"):
        assert key in msg


def test_principles_filter_by_culture_and_dimension():
    assert [p.id for p in cl.principles("humanistic")] == ["H1", "H2", "H3", "H4"]
    assert [p.id for p in cl.principles(dimension="drivers")] == ["P4", "M4", "H4", "D4"]
    assert [p.id for p in cl.principles("managed", "supervision")] == ["M6"]
    with pytest.raises(LookupError, match="dimension of Table 1"):
        cl.principles(dimension="budget")


def test_profile_scores_dominant_balance_and_gaps():
    ratings = {p.id: 5 for p in cl.principles("professional")}
    ratings |= {p.id: 4 for p in cl.principles("managed")}
    ratings |= {p.id: 2 for p in cl.principles("humanistic")}
    ratings |= {"D1": 1, "D2": 3}
    prof = cl.culture_profile(ratings)
    assert prof.scores == {"professional": 5.0, "managed": 4.0, "humanistic": 2.0, "democratic": 2.0}
    assert prof.dominant_cultures == ("professional",)
    assert prof.balance == pytest.approx(1 - 3 / 4)
    assert [g.culture for g in prof.to_develop()] == ["humanistic", "democratic"]
    assert "emotional" in prof.to_develop()[0].reason
    assert not prof.is_partial and not prof.is_superordinate
    html = prof._repr_html_()
    assert "<table" in html and "not a validated measure" in html


def test_an_even_profile_is_balanced_and_super_ordinate():
    prof = cl.culture_profile({p.id: 4 for p in cl.principles()})
    assert prof.balance == 1.0
    assert prof.dominant_cultures == ("professional", "managed", "humanistic", "democratic")
    assert prof.to_develop() == ()
    assert prof.is_superordinate


def test_partial_profile_reports_unrated_cultures_instead_of_zero():
    prof = cl.culture_profile({"P1": 3})
    assert prof.scores == {"professional": 3.0}
    assert prof.unrated == ("managed", "humanistic", "democratic")
    assert prof.is_partial and prof.balance is None
    assert "Not yet rated" in prof.summary()
    empty = cl.culture_profile({})
    assert empty.scores == {} and empty.dominant_cultures == () and empty.to_develop() == ()


@pytest.mark.parametrize("bad", [0, 6, "high", 2.5, True, None.__class__])
def test_bad_agreement_ratings_are_refused_with_the_allowed_values(bad):
    with pytest.raises(ValueError, match=r"P1: .*whole number from 1 to 5"):
        cl.culture_profile({"P1": bad})


def test_unknown_principle_is_refused():
    with pytest.raises(LookupError, match="'Z1' is not a principle id"):
        cl.culture_profile({"Z1": 3})


# --- situational leadership -------------------------------------------------------------------

@pytest.mark.parametrize(
    "able,willing,r,s,name,task,rel",
    [
        (False, False, "R1", "S1", "telling", "high", "low"),
        (False, True, "R2", "S2", "selling", "high", "high"),
        (True, False, "R3", "S3", "participating", "low", "high"),
        (True, True, "R4", "S4", "delegating", "low", "low"),
    ],
)
def test_hersey_blanchard_1993(able, willing, r, s, name, task, rel):
    level = cl.readiness(able, willing)
    assert level.code == str(level) == r and (level.able, level.willing) == (able, willing)
    style = cl.recommend_style(able, willing)
    assert (style.code, style.name, style.task_behaviour, style.relationship_behaviour) == (s, name, task, rel)
    assert style.readiness == r


@pytest.mark.parametrize("alias,code", [("directing", "S1"), ("coaching", "S2"), ("supporting", "S3"),
                                         ("Delegating", "S4"), ("s2", "S2"), ("Telling", "S1")])
def test_style_lookup_accepts_codes_and_slii_names(alias, code):
    assert cl.get_style(alias).code == code


def test_readiness_refuses_non_answers():
    with pytest.raises(ValueError, match="willing"):
        cl.readiness(True, 3)
    assert cl.readiness("yes", "no").code == "R3"


# --- Tuckman ------------------------------------------------------------------------------------

def test_stage_to_style_is_labelled_a_synthesis():
    style = cl.style_for_stage("forming")
    assert style.code == "S1" and style.is_synthesis
    assert "synthesis" in style._repr_html_()
    assert [cl.style_for_stage(s.key).code for s in cl.tuckman_stages()] == ["S1", "S2", "S3", "S4", "S3"]
    assert not cl.recommend_style(True, True).is_synthesis


def test_unknown_stage_lists_the_five():
    with pytest.raises(LookupError, match="forming, storming, norming, performing, adjourning"):
        cl.style_for_stage("mourning")


def test_outlook_follows_development():
    outlook = {s.key: s.outlook for s in cl.tuckman_stages()}
    assert outlook["forming"] == "inward" and outlook["performing"] == "outward"


# --- team audit ------------------------------------------------------------------------------

def full_audit(value: int = 3) -> dict[str, object]:
    out: dict[str, object] = {}
    for item in cl.team_audit():
        out[item.id] = {"rating": value, "stage": "norming", "open": "Two more AMHPs next year."}[item.kind]
    return out


def test_full_audit_scores_each_domain():
    r = cl.score_audit(full_audit(4))
    assert r.domain_scores == {"task": 4.0, "team": 4.0, "individual": 4.0}
    assert r.unanswered == () and not r.is_partial
    assert r.stage.key == "norming" and r.open_answers["T2"].startswith("Two")
    assert len(r.priorities) == 26


def test_priorities_are_weakest_first_and_ties_keep_table_order():
    answers = full_audit(4) | {"T4": 1, "K3": 2, "I2": 2}
    r = cl.score_audit(answers)
    assert [p.item.id for p in r.priorities[:3]] == ["T4", "K3", "I2"]


def test_action_plan_links_each_weak_item_to_a_framework_and_lesson():
    r = cl.score_audit(full_audit(4) | {"T4": 1, "I2": 2})
    plan = r.action_plan()
    assert [a.item_id for a in plan[:2]] == ["T4", "I2"]
    assert plan[0].lesson == "07" and "Plaskoff" in plan[0].framework
    assert plan[1].lesson == "08"
    stage_steps = [a for a in plan if a.item_id == "T3"]
    assert len(stage_steps) == 1 and "participating" in stage_steps[0].step
    assert all(a.lesson_title for a in plan)


def test_priorities_and_the_plan_never_split_items_rated_the_same_as_the_fifth():
    """walk26 M-L1: K8 rated 1 and T4, T5, T10, I2 and I7 rated 2: the priorities and the plan stopped at
    five, leaving out I7 without a word, while the team survey report listed it."""
    r = cl.score_audit(full_audit(4) | {"K8": 1, "T4": 2, "T5": 2, "T10": 2, "I2": 2, "I7": 2})
    weakest = ["K8", "T4", "T5", "T10", "I2", "I7"]
    assert [p.item.id for p in r.top_priorities()] == weakest
    assert [a.item_id for a in r.action_plan() if a.item_id not in ("T3", "")] == weakest
    # no tie at the cut: five, as before
    r = cl.score_audit(full_audit(4) | {"K8": 1, "T4": 2, "T5": 2, "T10": 2, "I2": 2, "I7": 3})
    assert [p.item.id for p in r.top_priorities()] == weakest[:5]
    assert [a.item_id for a in r.action_plan() if a.item_id not in ("T3", "")] == weakest[:5]
    assert "I7" in [p.item.id for p in r.priorities]  # (every rated item is still there, in order)


def test_empty_audit_is_reported_empty_not_zero():
    r = cl.score_audit({})
    assert r.is_empty and r.is_partial
    assert r.domain_scores == {"task": None, "team": None, "individual": None}
    assert len(r.unanswered) == 28
    assert "no answers" in r.summary()


def test_blank_answers_are_unanswered():
    r = cl.score_audit({"K1": "", "K2": None, "K3": 2})
    assert "K1" in r.unanswered and "K2" in r.unanswered and "K3" not in r.unanswered
    assert r.domain_scores["task"] == 2.0


@pytest.mark.parametrize("bad", [0, 6, "high", 3.5, False])
def test_bad_audit_ratings_name_item_and_scale(bad):
    with pytest.raises(ValueError, match=r"K4: .*1 to 5"):
        cl.score_audit({"K4": bad})


def test_bad_stage_and_unknown_item():
    with pytest.raises(ValueError, match="T3: 'chaos' is not a Tuckman stage"):
        cl.score_audit({"T3": "chaos"})
    with pytest.raises(LookupError, match="'X1' is not a team audit item"):
        cl.score_audit({"X1": 3})
    with pytest.raises(ValueError, match="T2: this question takes a written answer"):
        cl.score_audit({"T2": 4})


def test_rating_words_map_through_the_documented_scale():
    assert cl.rating_from_word("Very good", "K1") == 5
    assert cl.rating_from_word(" poor ", "K1") == 2
    assert cl.rating_from_word("3", "K1") == 3
    with pytest.raises(ValueError, match="K1: 'brilliant' is not a rating"):
        cl.rating_from_word("brilliant", "K1")


# --- concepts and practice models ---------------------------------------------------------------

def test_concept_lookup_and_sections():
    assert cl.get_concept("c37").title == "The theoretical domain"
    assert {c.id for c in cl.concepts("Introduction")} == {"C01", "C02", "C03", "C04"}
    with pytest.raises(LookupError, match="concept id"):
        cl.get_concept("C43")
    assert "<table" in cl.concepts()._repr_html_()


def test_supervision_practices_and_involvement_scenarios_cover_every_category():
    assert {p.future for p in cl.supervision_practices()} == {"monitoring", "developmental"}
    assert {s.degree for s in cl.involvement_scenarios()} == {d.key for d in cl.involvement_degrees()}
    assert cl.get_degree("informed").level == 1


def test_theoretical_domain_links_to_real_lessons():
    numbers = {lesson.number for lesson in cl.lessons()}
    for area in cl.theoretical_domain():
        assert set(area.lessons) <= numbers


def test_the_design_md_public_api_still_works_beside_the_one_name_we_use() -> None:
    """DESIGN.md (fixed for the project) gives readiness() as "R1".."R4", CultureProfile.dominant and
    .gaps(); the course uses Readiness records, dominant_cultures and to_develop() (issue 13)."""
    r = cl.readiness(able=False, willing=True)
    assert r == "R2" and r != "R3" and str(r) == "R2" and r == cl.get_readiness("R2") and r in {"R2"}
    ratings = {p.id: (5 if p.culture == "managed" else 2) for p in cl.principles()}
    profile = cl.culture_profile(ratings)
    assert profile.dominant == profile.dominant_cultures == ("managed",)
    assert profile.gaps() == profile.to_develop() and len(profile.to_develop()) == 3


@pytest.mark.parametrize("ratings, said", [
    ({"P1": "²"}, "P1: '²' is not a rating; use a whole number from 1 to 5"),
    ({"P1": 4, "p1": 2}, "P1: rated twice (as 'P1' and 'p1')"),
    ({"P1": "4.5"}, "P1: '4.5' is not a rating"),
])
def test_a_culture_rating_that_is_not_one_whole_number_is_named(ratings, said):
    with pytest.raises(ValueError) as info:
        cl.culture_profile(ratings)
    assert said in str(info.value)


def test_a_culture_rating_written_as_a_spreadsheet_writes_it_is_read():
    assert cl.culture_profile({"P1": "4.0", "M1": " 2 "}).ratings == {"P1": 4, "M1": 2}


# --- input 11: the library takes what the survey reader takes ----------------------------------

def test_score_audit_refuses_one_question_given_twice():
    """Input 11 #11: {"K1": 4, "k1": 2} gave K1 = 2, silently."""
    with pytest.raises(ValueError, match=r"K1: answered twice \(as 'K1' and 'k1'\)"):
        cl.score_audit({"K1": 4, "k1": 2})


def test_score_audit_takes_the_survey_readers_words_and_blanks():
    """Input 11 #23: "N/A" and "Good" were refused here but read from a CSV."""
    r = cl.score_audit({"K1": "Good", "K2": "N/A", "K3": "-", "K4": "Strongly agree", "K5": "\uff13"})
    assert r.ratings == {"K1": 4, "K4": 5, "K5": 3} and "K2" in r.unanswered and "K3" in r.unanswered
    with pytest.raises(ValueError, match="K1: '★★★★' is not a rating"):
        cl.score_audit({"K1": "★★★★"})


def test_cultures_all_weak_are_not_called_dominant():
    """Input 11 #12: every principle rated 1 marked all four "dominant: yes", "all equally present"."""
    prof = cl.culture_profile({p.id: 1 for p in cl.principles()})
    assert not prof.has_dominant and ">yes<" not in prof._repr_html_()
    assert "No culture is strongly present" in prof.summary() and "all are weak" in prof.summary()


def test_one_rated_culture_is_not_called_dominant():
    """Input 11 #13: "Dominant: Professional" with nothing to compare it with."""
    prof = cl.culture_profile({"P1": 5, "P2": 4})
    assert "Dominant" not in prof.summary() and ">yes<" not in prof._repr_html_()
    assert "Rate statements of at least two cultures to compare them" in prof.summary()


@pytest.mark.parametrize("name, key", [("professional culture", "professional"), ("The Managed culture", "managed")])
def test_a_culture_named_with_the_word_culture_is_found(name, key):
    """Input 11 #22."""
    assert cl.get_culture(name).key == key


@pytest.mark.parametrize("name", ["Humanistc", "humanist"])
def test_a_misspelt_culture_gets_a_suggestion(name):
    """Input 11 #22: no "did you mean"."""
    with pytest.raises(LookupError, match=r"\(did you mean humanistic\?\); choose one of: professional"):
        cl.get_culture(name)


def test_a_score_just_below_the_action_line_is_written_above_it():
    """walk18 L2: a domain scoring 2.75 had its label struck through by the dashed line at 3."""
    from coplearn.figures._plot import score_bars

    fig = score_bars(title="t", names=["Task", "Team", "Individual"], values=[2.75, 3.5, 1.5], colours=["#88CCEE"] * 3,
                     texts=["2.75 (8 of 8 rated)", "3.50", "1.50"], threshold=3, threshold_label="3", tick_labels={1: "a"})
    assert list(fig.data[0].texttemplate) == ["", "%{text}", "%{text}"]  # the others stay on their bars
    lifted = [a for a in fig.layout.annotations if a.text == "2.75 (8 of 8 rated)"]
    assert len(lifted) == 1 and lifted[0].x == "Task" and lifted[0].y == 3 and lifted[0].yanchor == "bottom"
    assert lifted[0].font.size == fig.layout.font.size == 14  # (as large as the other bars' values: walk25 L3)
    assert list(fig.data[0].text) == ["2.75 (8 of 8 rated)", "3.50", "1.50"]  # (hover keeps every value)


def test_a_two_line_score_further_below_the_action_line_is_written_above_it_too():
    """walk28 L8: the audit chart's labels are two lines ("2.50" and "(8 of 8 rated)"), so a bar at 2.50, below the
    one-line margin, still had its label struck through by the dashed line at 3. The margin grows with each line."""
    from coplearn.figures._plot import score_bars

    texts = ["2.50<br>(8 of 8 rated)", "2.00<br>(8 of 8 rated)", "2.50"]
    fig = score_bars(title="t", names=["Task", "Team", "Individual"], values=[2.5, 2.0, 2.5], colours=["#88CCEE"] * 3,
                     texts=texts, threshold=3, threshold_label="3", tick_labels={1: "a"})
    assert list(fig.data[0].texttemplate) == ["", "%{text}", "%{text}"]  # (2.00 has room; a one-line 2.50 too)
    assert [a.x for a in fig.layout.annotations if a.text == texts[0]] == ["Task"]


def test_the_audit_chart_labels_fit_their_bars_on_a_narrow_screen():
    """walk26 M-L2: at 200% zoom (a 640 px viewport) the domain chart's labels ran into each other
    ("4.62 (8 of 8 rated)4.70 (10 of 10 rated)..."). Each line of a label must fit the width plotly gives
    each bar's place on a 640 px figure, at the smallest size plotly may shrink it to (12 px, about 0.6
    of that per character), and the text alternative keeps the plain value."""
    from coplearn.figures.action_centred import build_audit_scores

    r = cl.score_audit(full_audit(5) | {"K1": 4, "T1": 4, "I1": 4})
    chart = build_audit_scores(r)
    fig = chart.figure
    width = 640 - fig.layout.margin.l - fig.layout.margin.r
    room = width / len(fig.data[0].x)
    for text in fig.data[0].text:
        for line in text.split("<br>"):
            assert len(line) * 0.6 * fig.layout.uniformtext.minsize <= room, (line, room)
    assert list(fig.data[0].text)[1] == "4.90<br>(10 of 10 rated)"
    assert fig.layout.yaxis.range[1] >= 6  # (room for the second line above a bar at 5)
    assert ("Building and maintaining the team", "4.90", "10 of 10") in chart.alt.rows
    assert "Building and maintaining the team: 4.90" in chart.alt.description and "<br>" not in chart.alt.description
