"""Invariants of the paper's data as shipped in src/coplearn/data."""

from __future__ import annotations

import pytest

import coplearn as cl
from coplearn.core import data as _data
from coplearn.paper.cultures import dimensions


def test_table1_has_26_principles_in_four_cultures_in_the_papers_order():
    assert [c.key for c in cl.cultures()] == ["professional", "managed", "humanistic", "democratic"]
    counts = {c.key: len(c.principles) for c in cl.cultures()}
    assert counts == {"professional": 9, "managed": 9, "humanistic": 4, "democratic": 4}
    assert len(cl.principles()) == 26


def test_exemplars_are_the_papers():
    ex = {c.key: c.exemplar for c in cl.cultures()}
    assert "GSCC" in ex["professional"] or "General Social Care Council" in ex["professional"]
    assert ex["managed"] == "Investors in People"
    assert ex["humanistic"].lower() == "therapeutic communities"
    assert "Total Quality Management" in ex["democratic"]


def test_every_principle_has_a_unique_id_a_known_culture_and_dimension():
    ids = [p.id for p in cl.principles()]
    assert len(ids) == len(set(ids))
    dims = {d.key for d in dimensions()}
    keys = {c.key for c in cl.cultures()}
    for p in cl.principles():
        assert p.culture in keys
        assert p.dimension in dims
        assert p.text.strip()


def test_parallel_rows_share_a_dimension():
    # Block A rows pair professional with managed; block B rows pair humanistic with democratic.
    by_row: dict[str, list[cl.Principle]] = {}
    for p in cl.principles():
        by_row.setdefault(p.row, []).append(p)
    assert len(by_row) == 13
    for row, ps in by_row.items():
        assert len(ps) == 2, row
        assert ps[0].dimension == ps[1].dimension
        expected = {"professional", "managed"} if row.startswith("A") else {"humanistic", "democratic"}
        assert {p.culture for p in ps} == expected


def test_every_culture_has_a_c13_reason():
    for c in cl.cultures():
        assert len(c.reason) > 40


def test_team_audit_has_28_items_8_12_8_with_the_right_kinds():
    items = cl.team_audit()
    assert len(items) == 28
    assert [sum(i.domain == d for i in items) for d in ("task", "team", "individual")] == [8, 12, 8]
    kinds = {i.id: i.kind for i in items}
    assert kinds["T3"] == "stage" and kinds["T2"] == "open"
    assert sum(k == "rating" for k in kinds.values()) == 26
    assert len({i.id for i in items}) == 28


def test_every_audit_action_names_a_framework_and_a_real_lesson():
    numbers = {lesson.number for lesson in cl.lessons()}
    for i in cl.team_audit():
        assert i.framework.strip() and i.action.strip()
        assert i.lesson in numbers


def test_concepts_run_c01_to_c42_without_gaps():
    ids = [c.id for c in cl.concepts()]
    assert ids == [f"C{n:02d}" for n in range(1, 43)]
    for c in cl.concepts():
        assert c.title and c.section and len(c.summary) > 30


def test_twelve_lessons_and_nine_pcf_domains():
    assert [lesson.number for lesson in cl.lessons()] == [f"{n:02d}" for n in range(12)]
    assert len(cl.pcf_domains()) == 9


def test_frameworks_have_the_published_counts():
    assert len(cl.styles()) == 4 and len(cl.readiness_levels()) == 4
    assert len(cl.tuckman_stages()) == 5
    assert cl.get_stage("adjourning").year == 1977
    assert len(cl.adair_domains()) == 3 and len(cl.adair_functions()) == 8
    assert len(cl.supervision_futures()) == 2
    assert [d.level for d in cl.involvement_degrees()] == [1, 2, 3, 4]


def test_a_malformed_data_file_names_the_file_and_key(monkeypatch):
    bad = {"item": [{"id": "K1", "domain": "task", "kind": "vote"}]}
    path = _data.Path("audit.toml", bad)
    with pytest.raises(_data.DataError, match=r"audit.toml: item\[0\].kind is 'vote'; allowed: rating, stage, open"):
        path.table_list("item")[0].choice("kind", ("rating", "stage", "open"))


def test_the_generic_loader_names_the_file_and_key_path_for_every_kind_of_problem():
    from dataclasses import dataclass

    @dataclass(frozen=True, kw_only=True)
    class Row:
        key: str
        level: int
        shown: bool
        tags: tuple[str, ...]
        hours: int | None
        note: str = ""

    good = {"key": "a", "level": 1, "shown": True, "tags": ["x"]}
    rows = _data.records(_data.Path("t.toml", {"row": [good]}), "row", Row)
    assert rows == (Row(key="a", level=1, shown=True, tags=("x",), hours=None, note=""),)
    cases = [
        ({**good, "level": "one"}, r"t.toml: row\[0\].level should be a whole number, not 'one'"),
        ({k: v for k, v in good.items() if k != "shown"}, r"t.toml: row\[0\].shown is missing"),
        ({**good, "tags": "x"}, r"t.toml: row\[0\].tags should be a list of text"),
        ({**good, "hours": "2"}, r"t.toml: row\[0\].hours should be a whole number"),
        ({**good, "note": ""}, r"t.toml: row\[0\].note should be text"),
    ]
    for bad, message in cases:
        with pytest.raises(_data.DataError, match=message):
            _data.records(_data.Path("t.toml", {"row": [bad]}), "row", Row)
    with pytest.raises(_data.DataError, match=r"t.toml: row\[0\].key is 'a'; allowed: b"):
        _data.records(_data.Path("t.toml", {"row": [good]}), "row", Row, choices={"key": ["b"]})
    with pytest.raises(_data.DataError, match=r"t.toml: row has the key 'a' more than once"):
        _data.records(_data.Path("t.toml", {"row": [good, good]}), "row", Row)
    with pytest.raises(_data.DataError, match=r"t.toml: row should be a list of tables"):
        _data.records(_data.Path("t.toml", {"row": {"key": "a"}}), "row", Row)


def test_content_modules_load_through_the_generic_loader(monkeypatch):
    """A malformed shipped file is reported by file and key path, whichever module reads it."""
    from coplearn.teaching import interface

    real = _data.load
    top = real("organisation.toml")
    broken = {**top, "warning": [{**top["warning"][0], "danger": "boredom"}]}
    monkeypatch.setattr(_data, "load", lambda name: broken if name == "organisation.toml" else real(name))
    interface.interface_warnings.cache_clear()
    try:
        with pytest.raises(_data.DataError, match=r"organisation.toml: warning\[0\].danger is 'boredom'"):
            interface.interface_warnings()
    finally:
        interface.interface_warnings.cache_clear()
