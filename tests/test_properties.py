"""Property tests for the scoring functions (hypothesis)."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

import coplearn as cl
from coplearn.paper.cultures import GAP_FLOOR

RATING_ITEMS = [i.id for i in cl.team_audit() if i.kind == "rating"]
PRINCIPLES = [p.id for p in cl.principles()]
ratings = st.integers(min_value=1, max_value=5)
audit_answers = st.dictionaries(st.sampled_from(RATING_ITEMS), ratings)
culture_ratings = st.dictionaries(st.sampled_from(PRINCIPLES), ratings)


@given(audit_answers)
def test_domain_scores_stay_within_the_scale(answers):
    r = cl.score_audit(answers)
    for score in r.domain_scores.values():
        assert score is None or 1 <= score <= 5


@given(audit_answers, st.randoms())
def test_order_of_responses_does_not_matter(answers, rnd):
    items = list(answers.items())
    rnd.shuffle(items)
    a, b = cl.score_audit(answers), cl.score_audit(dict(items))
    assert a.domain_scores == b.domain_scores
    assert [p.item.id for p in a.priorities] == [p.item.id for p in b.priorities]
    assert a.unanswered == b.unanswered


@given(audit_answers, st.sampled_from(RATING_ITEMS))
def test_raising_one_rating_never_lowers_its_domain_score(answers, item):
    before = answers.get(item, 1)
    assume(before < 5)
    low = cl.score_audit(answers | {item: before})
    high = cl.score_audit(answers | {item: before + 1})
    domain = cl.get_item(item).domain
    assert high.domain_scores[domain] >= low.domain_scores[domain]


@given(audit_answers)
def test_priorities_are_sorted_weakest_first(answers):
    scores = [p.score for p in cl.score_audit(answers).priorities]
    assert scores == sorted(scores)


@given(audit_answers)
def test_every_item_is_either_answered_or_unanswered(answers):
    r = cl.score_audit(answers)
    assert set(r.unanswered).isdisjoint(answers)
    assert len(r.unanswered) + len(answers) == 28


@settings(max_examples=200)
@given(culture_ratings)
def test_profile_invariants(ratings_):
    p = cl.culture_profile(ratings_)
    for v in p.scores.values():
        assert 1 <= v <= 5
    if p.balance is not None:
        assert 0 <= p.balance <= 1
    assert set(p.dominant_cultures) <= set(p.scores)
    if p.scores:
        assert p.dominant_cultures, "someone is always dominant"
        best = max(p.scores, key=p.scores.get)
        assert best in p.dominant_cultures
        if best in {g.culture for g in p.to_develop()}:
            assert p.scores[best] < GAP_FLOOR, "the strongest culture is a gap only when it is weak in itself"
    assert set(p.unrated) | set(p.scores) == {c.key for c in cl.cultures()}


@given(st.integers(1, 5))
def test_equal_ratings_are_perfectly_balanced(v):
    p = cl.culture_profile({pid: v for pid in PRINCIPLES})
    assert p.balance == 1.0
