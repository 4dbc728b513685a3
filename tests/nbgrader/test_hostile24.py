"""Red team 23's findings F3 and F4 (``/work/logs/red23.md``), each reproduced and now handled:

- F3  the 300,000-character text budget did not bound the time to draw it: a written answer of
      100,000 characters shaped as a list ("1. a" 20,000 times) cost nbconvert's Markdown reader and
      the page's HTML reader thousands of elements, and a line full of "[" cost nbconvert's
      ``strip_files_prefix`` the square of its length (a line of "[a](b) " took 8 s a cell). Each
      written answer, and each notebook, now has a budget of lines and Markdown marks
      (``markup_weight``); an answer past it is shown as preformatted text, as typed, under a
      one-line note. The tests count what the page is given to draw, never time it.
- F4  ``<`` and ``&`` (and our backslashes) showed as escapes inside a code span, a fenced code block
      or a maths span: the tutor read ``&lt;br>``. Code spans and fences are now our own ``<code>`` and
      ``<pre>`` holding the text as typed, and no maths span forms, with no HTML, link, image,
      heading or script getting through, and the student frame kept.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from nbcourse import A1, FAST, Course, forget_students, formgrade_html, honest_a1, new_cell, sources_in

pytestmark = [pytest.mark.nbgrader]

#: The report's two reproductions, and other shapes that cost the page much for each character.
HEAVY = {
    "report: 1. a": "1. a\n" * 20000,
    "report: - a, blank": "- a\n\n" * 20000,
    "list": "- a\n" * 25000,
    "task list": "- [ ] a\n" * 12500,
    "nested lists": "".join("  " * (i % 40) + "- a\n" for i in range(2222)),
    "paragraphs": "a\n\n" * 33333,
    "lines under lines": "a\n-\n" * 25000,
    "emphasis runs": "_a_ " * 25000,
    "strong runs": "**a** " * 16666,
    "strike runs": "~~a~~ " * 16666,
    "code spans": "`a` " * 25000,
    "links on one line": "[a](b) " * 14285,
    "brackets on one line": "[" * 100_000,
    "fences": "```\na\n```\n" * 10000,
    "definition lists": "a\n: b\n\n" * 14285,
}


class _Page(HTMLParser):
    """The elements of a drawn page, its text as the browser shows it, and what could run."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []
        self.active: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag in ("script", "img", "a", "iframe", "object", "embed", "svg", "style", "link", "form"):
            self.active.append(tag)
        for name, value in attrs:
            if name.startswith("on") or name == "id" or (value or "").strip().lower().startswith(("javascript:", "data:")):
                self.active.append(f"{tag} {name}={value}")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _drawn(typed: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    from coplearn.grading.sanitise import inert_markdown, student_framed

    return markdown2html_mistune(student_framed(inert_markdown(typed)))


def _bracket_scan(html: str) -> int:
    """What nbconvert's ``strip_files_prefix`` looks at: for each ``[``, the rest of its line."""
    return sum(line.count("[") * len(line) for line in html.splitlines() if "[" in line)


@pytest.mark.parametrize("name", sorted(HEAVY))
def test_a_heavy_answer_reaches_the_page_as_a_few_elements_shown_as_typed(name: str) -> None:
    """F3: 100,000 characters of each shape are drawn as a few elements (before: thousands, or a
    bracket scan of billions of characters), and the tutor reads exactly what was typed."""
    typed = HEAVY[name]
    html = _drawn(typed)
    page = _Page(html)
    assert len(page.tags) < 20, (name, len(page.tags))
    assert _bracket_scan(html) < 1_000_000, (name, _bracket_scan(html))
    assert "Shown as typed, without its formatting" in html
    shown = "".join(page.text)
    assert typed.strip() in shown, name
    assert page.active == [], page.active[:5]


def test_honest_answers_are_drawn_as_markdown_as_before_and_a_notebook_has_a_budget() -> None:
    """F3: a few paragraphs, a short list, emphasis: unchanged and drawn as Markdown; an essay of
    15,000 words too. A heavy answer is preformatted; so is an answer once its notebook's budget
    of lines and marks is spent (counted, not timed)."""
    from coplearn.grading import sanitise

    honest = ("Trust first, then tasks. In our team the *managed* culture is strongest.\n\n"
              "- supervision every month\n- a shared case review\n- **peer** learning on Tuesdays\n\n"
              "Smith & Jones (2010) say so too.")
    assert sanitise.inert_markdown(honest) == honest
    assert "<li>" in _drawn(honest) and "<em>managed</em>" in _drawn(honest)
    essay = ("We met on Tuesday and talked about supervision, trust and our plans for the team. " * 6 + "\n\n") * 200
    assert sanitise.inert_markdown(essay) == essay
    assert sanitise.markup_weight(essay) < sanitise.MARKUP_KEPT // 4
    heavy = "1. a\n" * 20000
    assert sanitise.markup_weight(heavy) > sanitise.MARKUP_KEPT
    assert "<pre" in sanitise.inert_markdown(heavy) and "<pre" not in sanitise.inert_markdown(honest)
    assert sanitise.MARKUP_BUDGET < 5 * sanitise.MARKUP_KEPT  # (one notebook draws a few answers' worth)


#: What a student types, and what the tutor must read of it (F4).
TYPED_SHOWN = [
    ("Use `<br>` for a line break.", "Use <br> for a line break."),
    ("`<b>x</b>` and `a[0] & b` and `\\n`", "<b>x</b> and a[0] & b and \\n"),
    ("$x<y$ and $a[0] + 1$", "$x<y$ and $a[0] + 1$"),
    ("\\(a<b\\) or \\[c\\] or $$d<e$$", "\\(a<b\\) or \\[c\\] or $$d<e$$"),
    ("```python\nif a < b and c[0]:\n    print('<ok> & $5')\n```\nthen <this>", "if a < b and c[0]:\n    print('<ok> & $5')"),
    ("~~~\n# not a heading\n===\n~~~", "# not a heading\n==="),
]


@pytest.mark.parametrize("typed, shown", TYPED_SHOWN, ids=[t[:24] for t, _ in TYPED_SHOWN])
def test_code_and_maths_show_what_the_student_typed(typed: str, shown: str) -> None:
    """F4: the tutor reads the student's characters, not our escapes (before: ``&lt;br>``, ``a\\[0\\]``,
    ``$a&lt;b$`` for ``\\(a<b\\)``), and nothing in it is HTML, a link or a heading."""
    html = _drawn(typed)
    page = _Page(html)
    assert shown in "".join(page.text), "".join(page.text)
    assert page.active == [], page.active
    assert not {"h1", "h2", "h3", "h4", "h5", "h6"} & set(page.tags)
    assert "&amp;lt;" not in html and "&amp;#" not in html


#: Attempts to get out of our ``<code>`` or ``<pre>``, each with what the tutor must read of it.
BREAKOUTS = [
    "`</code><script>alert(1)</script>`",
    "``</code><img src=x onerror=alert(1)>``",
    "```\n</code></pre><script>alert(1)</script>\n```",
    "```\n</pre>\n\n<script>alert(1)</script>",  # (a fence never closed)
    "$$\n```\n<script>alert(1)</script>\n```\n$$",
    "`[link](javascript:alert(1))` and `https://evil.example/x` and `<https://evil.example>`",
    "``` `<x>` ```\n<script>alert(1)</script>",  # (backticks in the fence's line: text, not a fence)
    "# q3-task `<x>`\n```\n# q3-task <\n```\n<script>alert(1)</script>",
]


@pytest.mark.parametrize("typed", BREAKOUTS, ids=range(len(BREAKOUTS)))
def test_code_spans_and_fences_stay_text_and_inside_the_frame(typed: str) -> None:
    """F4: every guarantee holds (no live HTML, no link, no image, no script, no heading, the frame),
    and the tutor reads the tags as typed (before: ``&lt;`` shown inside the code)."""
    from coplearn.grading.sanitise import STUDENT_LABEL, inert_markdown, student_framed

    framed = student_framed(inert_markdown(typed))
    assert all(line.startswith(">") for line in framed.splitlines()), framed
    html = _drawn(typed)
    page = _Page(html)
    assert page.active == [], page.active
    assert not {"h1", "h2", "h3", "h4", "h5", "h6"} & set(page.tags), html
    assert html.count("<blockquote>") == 1 and html.rstrip().endswith("</blockquote>") and STUDENT_LABEL[2:22] in html
    text = "".join(page.text)
    for tag in re.findall(r"</?(?:code|pre|script|img)[^>\n]*>", typed):
        assert tag in text, (tag, text)  # (shown as typed)
    assert "&lt;" not in text, text


@pytest.mark.slow
def test_a_heavy_notebook_is_drawn_within_its_budget_serially_and_with_jobs(
        course: Course, tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """F3 and F4 end to end: the report's list answer in 3(a), eight added cells each under one
    answer's budget (so the notebook's runs out), and a code span. Marks as honest; formgrader's page
    is given few list items to draw; the log names the cells shown as typed; the code span shows
    ``<br>``, there and in the feedback; serial nbgrader and ``--jobs 2`` give the same notebook."""
    from coplearn.grading.parallel import autograde_parallel
    from test_hostile13 import _placed, _released

    nb = _released(course, A1)
    honest_a1(nb)
    at = next(k for k, c in enumerate(nb["cells"]) if "Your answer to question 3(a)" in "".join(c["source"]))
    nb["cells"][at]["source"] = "1. a\n" * 20000
    for k in range(8):
        nb["cells"].append(new_cell("markdown", "- a\n" * 1900, f"mine-list-{k}"))
    nb["cells"].append(new_cell("markdown", "A line break is `<br>`, and 2 < 3.", "mine-code"))
    sid = "t24-heavy"
    _placed(course, tmp_path, sid, nb)
    graded = course.root / "autograded" / sid / A1 / f"{A1}.ipynb"

    try:
        capfd.readouterr()
        result = course.api(**FAST).autograde(A1, sid)
        course.ok(result)
        assert course.score(A1, sid) == 40
        log = result["log"] + "".join(capfd.readouterr())
        assert "shown for marking and in the feedback as typed" in log, log[-3000:]
        serial = sources_in(graded)
        assert sum("Shown as typed, without its formatting" in s for s in serial) == 1 + 8 - 3
        page = formgrade_html(course, sid, A1, course_config=True)
        assert page.count("<li") <= 3 * 1900 + 100, page.count("<li")  # (before: 20,000 + 8 x 1,900)
        assert "<code>&lt;br&gt;</code>" in page or "<code>&#60;br&#62;</code>" in page
        assert _bracket_scan(page) < 10_000_000
        course.ok(course.api().generate_feedback(A1, sid))
        feedback = next((course.root / "feedback" / sid / A1).glob("*.html")).read_text(encoding="utf-8")
        assert "<code>&lt;br&gt;</code>" in feedback and feedback.count("Shown as typed, without its formatting") == 6
        assert feedback.count("<li") <= 3 * 1900 + 100
        report = autograde_parallel(A1, jobs=2, course_dir=course.root,
                                    nbgrader_args=[f"--student={sid}", "--force", "--Execute.timeout=10"])
        assert not report.failed, report.summary()
        assert sources_in(graded) == serial
        assert course.score(A1, sid) == 40
    finally:
        forget_students(course, sid)


def test_no_heading_or_link_where_the_page_reads_lines_otherwise_than_we_do() -> None:
    """Found while testing F4: a setext underline followed by white space Python strips but the page's
    reader does not ("=" then a no-break space or form feed) was not escaped, and once the student frame
    had stripped it, became ``<h1 id="q3-task">``, which could take formgrader's box of that id. And
    a fence of the student's that the page sees and we do not (tab-indented, inside a quotation) must
    not turn our own ``<pre>`` into Markdown: its text is inert there too."""
    cases = ["q3-task\n=\xa0", "q3-task\n-\x0b", "q3-task\n===\u3000", "Intro <\nq3-task\n=\x0c",
             "> x\n\t~~~\n~~~\n<b> https://e.example/x [a](javascript:x())\n# q3-task\nq3-task\n---\n~~~~",
             "- x\n \t```\n```\n$$ \\(a\\) $$ https://e.example/x\n- # q3-task\n```"]
    for typed in cases:
        for html in (_drawn(typed), _markdown_only(typed)):
            page = _Page(html)
            assert page.active == [] and not {"h1", "h2", "h3", "h4", "h5", "h6"} & set(page.tags), (typed, html)
            assert "q3-task" in "".join(page.text)


def _markdown_only(typed: str) -> str:
    """An answer box with a grade id: shown without the student frame."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    from coplearn.grading.sanitise import inert_markdown

    return markdown2html_mistune(inert_markdown(typed))
