"""Cohort insight from a PostgreSQL gradebook, as tutors who share one gradebook have it.

The generated cohort of tests/cohort (40 submissions of a2 with planted misconceptions, written
through nbgrader's own ``Gradebook`` API) goes once into SQLite and once into a real PostgreSQL
database (the ``postgres_server`` fixture). ``coplearn cohort report`` must find the same planted
misconceptions, in the same order, and write the same report from both; and bad PostgreSQL
gradebooks (empty, another course's, missing, an unknown assignment) get one line and status 2.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "cohort"))
import test_cohort as gen  # noqa: E402  (the generated cohort: write_gradebook, PLANTED, ...)

from coplearn.grading import cohort as C  # noqa: E402

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow, pytest.mark.timeout(600)]

A2 = gen.A2


@pytest.fixture(autouse=True, scope="module")
def _scripts_on_path():
    """nbgrader's Gradebook runs ``alembic`` from PATH when it creates a gradebook."""
    old = os.environ.get("PATH", "")
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + old
    yield
    os.environ["PATH"] = old


@pytest.fixture(scope="module")
def two_gradebooks(postgres_server, tmp_path_factory):
    """The same cohort in SQLite (course ``lite``) and in PostgreSQL (course ``pg``, via nbgrader_config.py)."""
    base = tmp_path_factory.mktemp("cohort-pg")
    lite, pg = base / "lite", base / "pg"
    lite.mkdir()
    pg.mkdir()
    gen.write_gradebook(lite)
    url = postgres_server("cohort")
    gen.write_gradebook(pg, db_url=url)
    (pg / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.course_id = 'coplearn'\nc.CourseDirectory.db_url = {url!r}\n")
    assert not (pg / "gradebook.db").exists()
    return lite, pg, url


def _same_day(text: str) -> str:
    """The report dates itself; two runs either side of midnight still write the same report."""
    return re.sub(r"\b\d{1,2} [A-Z][a-z]+ \d{4}\b", "DATE", text)


def _reteach_lines(stdout: str) -> list[str]:
    return [line.strip() for line in stdout.splitlines() if line.strip().startswith("Reteach:")]


def test_postgresql_gradebook_gives_the_same_report_as_sqlite(two_gradebooks, tmp_path):
    lite, pg, url = two_gradebooks
    # through the API: the planted misconceptions, in order, with the same counts from both
    got = {}
    for name, db_url, folder in (("sqlite", f"sqlite:///{lite / 'gradebook.db'}", lite), ("postgresql", url, pg)):
        got[name] = C.analyse(C.load_cohort(A2, db_url=db_url, autograded=folder / "autograded"))
    recorded = [len([i for i in who if f"s{i:02d}" not in gen.NO_ANSWERS]) for _, _, who in gen.PLANTED]
    planted = [(g, a, n) for (g, a, _), n in zip(gen.PLANTED, recorded)]
    for name, a in got.items():
        assert a.n == gen.N and not a.small, name
        assert [(r.grade_id, r.answer, r.count) for r in a.reteach] == planted, name
    lite_a, pg_a = got["sqlite"], got["postgresql"]
    assert [st.grade_id for st in pg_a.items] == [st.grade_id for st in lite_a.items]
    for mine, theirs in zip(pg_a.items, lite_a.items):
        assert (mine.facility, mine.correct, mine.answers) == (theirs.facility, theirs.correct, theirs.answers)
        assert mine.discrimination == pytest.approx(theirs.discrimination)
    assert pg_a.manual == lite_a.manual and pg_a.totals == lite_a.totals and pg_a.lessons == lite_a.lessons

    # through the command: PostgreSQL named only in the course's nbgrader_config.py, as the tutor guide says
    pg_out, lite_out = tmp_path / "pg.md", tmp_path / "lite.md"
    from_pg = gen.run("cohort", "report", A2, "-o", str(pg_out), cwd=pg)
    assert from_pg.returncode == 0, from_pg.stderr
    from_lite = gen.run("cohort", "report", A2, "-o", str(lite_out), "--course-dir", str(lite),
                        "--db", f"sqlite:///{lite / 'gradebook.db'}", cwd=tmp_path)
    assert from_lite.returncode == 0, from_lite.stderr
    lines = _reteach_lines(from_pg.stdout)
    assert [line.split(":", 1)[1].split(" answered ")[0].strip() for line in lines] == [g for g, _, _ in gen.PLANTED]
    assert lines == _reteach_lines(from_lite.stdout)
    pg_md, lite_md = pg_out.read_text(encoding="utf-8"), lite_out.read_text(encoding="utf-8")
    assert _same_day(pg_md) == _same_day(lite_md)
    reteach = pg_md.split("## What to reteach first")[1].split("\n## ")[0]
    positions = [reteach.index(g) for g, _, _ in gen.PLANTED]
    assert positions == sorted(positions)
    pg_html = C.render_html(pg_a)
    assert _same_day(pg_html) == _same_day(C.render_html(lite_a))
    assert "127.0.0.1" not in pg_html + pg_md, "the report must not carry the gradebook's address"
    assert not (pg / "gradebook.db").exists(), "the command fell back to SQLite"


def test_an_item_edited_in_the_gradebook_keeps_its_place(two_gradebooks):
    """A tutor changes an item's points, regenerates, and changes them back: nbgrader updates the cell's
    row in place. Nothing in nbgrader's query orders a notebook's cells, so this guards the report's
    item order against PostgreSQL returning an updated row in another place."""
    from nbgrader.api import Gradebook

    lite, pg, url = two_gradebooks
    before = [st.grade_id for st in C.analyse(C.load_cohort(A2, db_url=url, autograded=pg / "autograded")).items]
    first = before[0]
    with Gradebook(url, course_id="coplearn") as gb:
        points = gb.find_grade_cell(first, A2, A2).max_score
        gb.update_or_create_grade_cell(first, A2, A2, max_score=points + 1)
        gb.update_or_create_grade_cell(first, A2, A2, max_score=points)
    after = [st.grade_id for st in C.analyse(C.load_cohort(A2, db_url=url, autograded=pg / "autograded")).items]
    assert after == before


def _bad_gradebooks(postgres_server) -> dict[str, tuple[str, str]]:
    from nbgrader.api import Gradebook

    no_tables = postgres_server("notables")  # a database created for the course, nothing generated yet
    no_assignments = postgres_server("blank")
    Gradebook(no_assignments, course_id="coplearn").close()
    other = postgres_server("other")
    with Gradebook(other, course_id="maths-101") as gb:
        gb.add_assignment("algebra-1")
    missing = re.sub(r"/[^/]+$", "/no_such_gradebook", other).replace("coplearn@", "coplearn:hunter2@")
    return {
        "no tables": (no_tables, "is empty"),
        "no assignments": (no_assignments, "no assignments"),
        "another course": (other, "belongs to another course (maths-101)"),
        "missing database": (missing, "no_such_gradebook"),
    }


def test_bad_postgresql_gradebooks_get_one_clear_line_and_status_2(two_gradebooks, postgres_server, tmp_path):
    lite, pg, url = two_gradebooks
    out = tmp_path / "r.html"
    bad = _bad_gradebooks(postgres_server)
    for what, (bad_url, expected) in bad.items():
        proc = gen.run("cohort", "report", A2, "-o", str(out), "--db", bad_url, "--course-dir", str(pg), cwd=tmp_path)
        assert proc.returncode == 2, (what, proc.stdout, proc.stderr)
        assert proc.stderr.count("\n") == 1 and expected in proc.stderr, (what, proc.stderr)
        assert "Traceback" not in proc.stderr and "hunter2" not in proc.stderr, (what, proc.stderr)
        assert not out.exists(), what
    # the refusal created nothing: the empty database still has no tables
    from sqlalchemy import create_engine, inspect

    engine = create_engine(bad["no tables"][0])
    try:
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()
    # an assignment the PostgreSQL gradebook does not have
    proc = gen.run("cohort", "report", "a9-nothing", "-o", str(out), cwd=pg)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    assert f"'a9-nothing' is not an assignment in this gradebook; it has: {A2}" in proc.stderr
    assert not out.exists()
