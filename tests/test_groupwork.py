"""Lesson 07's groupwork thread: the model, the data and the widget (no browser needed)."""

from __future__ import annotations

import pytest

import coplearn as cl
import coplearn.teaching.groupwork as gw


def test_every_skill_area_has_moments_and_rests_on_a_source():
    per_skill = {s.key: [m for m in gw.moments() if m.skill == s.key] for s in gw.skills()}
    assert all(len(v) >= 2 for v in per_skill.values()), {k: len(v) for k, v in per_skill.items()}
    for s in gw.skills():
        assert "(" in s.basis and any(ch.isdigit() for ch in s.basis), f"{s.key}: basis names no dated source"


def test_placing_every_moment_as_the_course_does_leaves_nothing_to_revisit():
    result = gw.check_moments({m.id: m.skill for m in gw.moments()})
    assert result.correct == result.answered == len(gw.moments())
    assert result.to_revisit() == []


def test_a_misplaced_moment_sends_the_learner_back_to_its_own_skill_area():
    moment = gw.moments()[0]
    wrong = next(s.key for s in gw.skills() if s.key != moment.skill)
    result = gw.check_moments({moment.id: wrong})
    assert [s.key for s in result.to_revisit()] == [moment.skill]
    assert result.tally()[moment.skill] == (0, 1)
    assert gw.get_skill(moment.skill).name in result.to_html()


def test_unanswered_moments_are_left_out_not_counted_wrong():
    result = gw.check_moments({m.id: None for m in gw.moments()})
    assert result.is_empty and result.to_revisit() == []


def test_unknown_skill_names_the_moment_and_the_allowed_areas():
    with pytest.raises(LookupError) as err:
        gw.check_moments({"G2": "teambuilding"})
    msg = str(err.value)
    assert "G2" in msg and all(s.key in msg for s in gw.skills())


def test_the_fig2_map_points_to_the_groupwork_lesson():
    groups = next(a for a in cl.theoretical_domain() if a.key == "groups")
    assert "07" in groups.lessons and "groupwork" in groups.name.lower()
    assert "Trevithick (2005)" in groups.added and "Gray et al. (2008)" in groups.sources and "Immins" in groups.sources  # Trevithick: the course's addition


def test_groupwork_sorter_updates_its_summary_as_moments_are_placed():
    from coplearn.widgets import GroupworkSorter

    w = GroupworkSorter()
    assert w.result.is_empty
    first, second = gw.moments()[:2]
    w.dropdowns[first.id].value = first.skill
    wrong = next(s.key for s in gw.skills() if s.key != second.skill)
    w.dropdowns[second.id].value = wrong
    assert (w.result.correct, w.result.answered) == (1, 2)
    assert gw.get_skill(second.skill).name in w.summary.value
    w.dropdowns[second.id].value = ""
    assert w.result.answered == 1
