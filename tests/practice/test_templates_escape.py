"""Every document is a Jinja2 template, and every HTML template escapes what people typed.

A hostile value (``<script>`` in a journal entry, a survey answer, a respondent's label, a team's
name, a student's name, a journal prompt) must come out as text in each HTML document, never as
markup; the Markdown versions keep it as text, with what a Markdown viewer would obey (inline
HTML, links, images) backslash-escaped.
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import nbformat
import pytest

from coplearn.core import document as D
from coplearn.core.templates import environment, md_text
from practice_html import check_standalone_html

EVIL = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
TEMPLATES = files("coplearn") / "templates"


def assert_escaped(page: str) -> None:
    assert "<script" not in page.lower(), "a typed <script> came out as markup"
    assert ESCAPED in page, "the typed value is missing from the page"


def test_html_templates_autoescape_and_markdown_templates_do_not():
    names = sorted(p.name for p in TEMPLATES.iterdir() if p.name.endswith(".j2"))
    html = [n for n in names if n.endswith(".html.j2")]
    md = [n for n in names if n.endswith(".md.j2")]
    assert html and md and len(html) + len(md) == len(names), f"a template that is neither HTML nor Markdown: {names}"
    env = environment()
    for name in html:
        assert env.autoescape(name) is True, name
        env.get_template(name)  # every template compiles
    for name in md:
        assert env.autoescape(name) is False, name
        env.get_template(name)


def test_every_html_macro_escapes():
    m = environment().get_template("_macros.html.j2").module
    assert_escaped(str(m.table(EVIL, [EVIL], [[EVIL, EVIL]], row_headers=True, scroll_label=EVIL)))
    assert_escaped(str(m.paragraphs(EVIL + "\n\n" + EVIL)))
    assert_escaped(str(m.linked(EVIL + " https://example.org/" + EVIL)))
    assert_escaped(str(m.note(EVIL)))


def test_cpd_records(tmp_path):
    from coplearn.practice.journal import Journal

    j = Journal(tmp_path / "journal.json")
    j.add(title=EVIL, learning=EVIL, description=EVIL, impact_practice=EVIL, peer_role=EVIL, prompt=EVIL,
          date="2026-03-02")
    j.add_gibbs(description=EVIL, feelings=EVIL, conclusion=EVIL, action_plan=EVIL, date="2026-03-03")
    for reg in ("swe", "niscc"):
        page = j.export(tmp_path / f"{reg}.html", regulator=reg).read_text(encoding="utf-8")
        check_standalone_html(page)
        assert_escaped(page)
        md = j.export(tmp_path / f"{reg}.md", regulator=reg).read_text(encoding="utf-8")
        assert md_text(EVIL) in md and EVIL not in md


def test_every_part_of_a_document():
    doc = D.Document(
        title=EVIL, intro=EVIL, notes=(EVIL, f"See https://example.org/{EVIL}"), empty=EVIL, closing=(EVIL,),
        sections=(D.Section(title=EVIL, fields=(D.Field(label=EVIL, text=EVIL), D.Field(label=EVIL, text="", hint=EVIL)),
                            list_title=EVIL, items=((EVIL, EVIL),), paragraphs=(EVIL,), footnote=EVIL,
                            table=D.Table(caption=EVIL, header=(EVIL,), rows=((EVIL,),))),
                  D.Section(title="plain list", items=(("", EVIL),))),
    )
    page = D.to_html(doc)
    check_standalone_html(page)
    assert_escaped(page)
    assert page.count(ESCAPED) >= 17


def test_record_of_study(tmp_path):
    from coplearn.practice.journal import Journal
    from coplearn.practice.progress import Progress
    from coplearn.practice.record_of_study import record_of_study

    j = Journal(tmp_path / "journal.json")
    j.add(title=EVIL, learning=EVIL, lesson="99")  # not a lesson of the course: listed under other entries
    course = Progress(tmp_path / "progress.json", journal=j).course()
    page = D.to_html(record_of_study(course, name=EVIL))
    check_standalone_html(page)
    assert_escaped(page)


def test_team_audit_report(tmp_path):
    from coplearn.practice.report import SECTIONS, render_html, render_markdown, section_html
    from coplearn.practice.survey import load_survey

    quoted = EVIL.replace('"', '""')
    rows = ["Respondent,K1,T4,T2,T3"] + [f'"{quoted} {n}",{1 + n % 5},{5 - n % 5},"{quoted}",storming'
                                         for n in range(6)]
    csv = tmp_path / f"{EVIL.replace('/', '')}.csv"
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = load_survey(csv)
    page = render_html(result, title=EVIL)
    check_standalone_html(page)
    assert_escaped(page)
    for key, _ in SECTIONS:
        fragment = section_html(result, key, level=3, prefix=EVIL)
        assert "<script" not in fragment.lower()
    # the Markdown report, shared with a team and opened in viewers that obey inline HTML and links
    md = render_markdown(result, title=EVIL)
    assert md_text(EVIL) in md and EVIL not in md
    assert "<script" not in md.replace("\\<script", "")


def test_cohort_report():
    from coplearn.grading.cohort import CellScore, Cohort, Submission, analyse, render_html

    subs = tuple(Submission(student_id=f"s{n}", name=EVIL, answers={EVIL: EVIL if n % 2 else "right"},
                            cells=(CellScore(grade_id=EVIL, score=float(n % 2 == 0), max_score=1.0, auto=True),
                                   CellScore(grade_id="m" + EVIL, score=3.0, max_score=5.0, auto=False)))
                 for n in range(8))
    cohort = Cohort(assignment=EVIL, course_id=EVIL, submissions=subs, answer_keys={EVIL: (EVIL, "choice")},
                    auto_cells=((EVIL, 1.0),), manual_cells=(("m" + EVIL, 5.0),))
    analysis = analyse(cohort, names=True)
    page = render_html(analysis)
    check_standalone_html(page)
    assert_escaped(page)
    assert "<script" not in analysis._repr_html_().lower()


def test_printable_lesson(tmp_path):
    from coplearn.practice.printable import render_lesson

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# A lesson\n\nText with a < b & c."),
        nbformat.v4.new_code_cell(f"JournalPrompt({EVIL!r})"),
    ])
    path = tmp_path / "99-test.ipynb"
    nbformat.write(nb, path)
    page = render_lesson(path)
    check_standalone_html(page)
    assert_escaped(page)
    assert "a &lt; b &amp; c" in page


def test_leadership_plan():
    from coplearn.teaching.leadership_plan import leadership_plan

    plan = leadership_plan(stage="storming", actions=[EVIL, "Start group supervision"], interface=EVIL, team=EVIL,
                           staff=[{"role": EVIL, "able": True, "willing": False}], date="2026-01-15")
    html = plan.to_html()
    assert_escaped(html)
    assert html.count(ESCAPED) == 4  # team, the staff role, an action, the interface
    assert html == plan._repr_html_()
    md = plan.to_markdown()
    assert md.count(md_text(EVIL)) == 4 and "| " + md_text(EVIL) + " | R3 |" in md and EVIL not in md


def test_a_learners_lines_that_look_like_markdown_blocks_stay_their_text(tmp_path):
    """Review 8b F8: in a Markdown CPD record, a line of the learner's own that starts "# " became a
    heading, and one that starts with a code fence swallowed the rest of the record."""
    import mistune  # nbconvert's Markdown reader

    from coplearn.practice.journal import Journal

    journal = Journal(tmp_path / "journal.json")
    journal.add(title="Team audit", lesson="06", learning="# Our team\n```\nthe rest\n---\n> a quote\n- a list item",
                impact_practice="Keep going.")
    out = tmp_path / "cpd.md"
    journal.export(out, "md")
    blocks = mistune.create_markdown(renderer=None)(out.read_text(encoding="utf-8"))

    def texts(nodes):
        for node in nodes:
            yield node["type"], node.get("raw", "")
            yield from texts(node.get("children", ()))

    learned = [b["type"] for b in _section(blocks, "What I learned")]
    assert set(learned) <= {"paragraph", "list", "blank_line"} and "list" in learned, learned  # a typed list stays one
    words = " ".join(raw for _, raw in texts(blocks))
    assert "Our team" in words and "a quote" in words and "Keep going." in words  # the text after the fence is there


def _section(blocks, title):
    """The blocks under the heading ``title``, up to the next heading."""
    out, inside = [], False
    for block in blocks:
        if block["type"] == "heading":
            inside = any(c.get("raw") == title for c in block.get("children", ()))
        elif inside:
            out.append(block)
    return out


def test_everyday_text_in_the_cpd_markdown_reads_as_typed(tmp_path):
    """walk18 M2: the export says to copy each part into the regulator's form, but "A&E" came out as
    "A\\&E" and "(<16)" as "(\\<16)": a learner's words are escaped only where a Markdown viewer acts."""
    from coplearn.practice.journal import Journal

    typed = "Took a referral from A&E about a 15-year-old (<16); 3 < 5 visits; saved in C:\\Users\\me"
    j = Journal(tmp_path / "journal.json")
    j.add(title="Duty", learning=typed, impact_practice="I now ask A&E for the GP's details.", date="2026-03-02")
    md = j.export(tmp_path / "cpd.md").read_text(encoding="utf-8")
    assert typed in md and "I now ask A&E for the GP's details." in md
    assert "\\&" not in md and "\\<" not in md
    j.add(title="Odd", learning="<b>bold</b> &amp; [x](javascript:alert(1)) \\<i>", date="2026-03-03")
    md = j.export(tmp_path / "cpd2.md").read_text(encoding="utf-8")
    assert "\\<b>bold\\</b> \\&amp; \\[x\\](javascript:alert(1)) \\\\\\<i>" in md


def test_bidi_and_control_characters_are_written_out_in_the_cpd_web_page(tmp_path):
    """walk18 L7: a pasted U+202E reversed the next words on the CPD web page (the Markdown export and
    the cohort report already wrote such characters out)."""
    from coplearn.practice.journal import Journal

    j = Journal(tmp_path / "journal.json")
    j.add(title="Duty \u202egnimrots", learning="Line\u2028two \x1b[1m", date="2026-03-02")
    page = j.export(tmp_path / "cpd.html").read_text(encoding="utf-8")
    check_standalone_html(page)
    assert "\u202e" not in page and "\u2028" not in page and "\x1b" not in page
    assert "Duty \\u202egnimrots" in page  # (the journal itself keeps no escape codes, and breaks the line at U+2028)


def test_md_prose_stops_an_email_autolink_and_a_line_break_made_by_a_backslash():
    """check18 L2: "<1user@example.com>" became a mailto link, and a backslash at a line's end a line break."""
    from coplearn.core.templates import md_prose

    assert md_prose("<1user@example.com> (<16)") == "\\<1user@example.com> (<16)"
    assert md_prose("C:\\Users\\\nnext") == "C:\\Users\\\\\nnext"
