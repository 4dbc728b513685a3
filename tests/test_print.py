"""``coplearn print``: every lesson becomes valid, self-contained printable HTML with code hidden."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

import coplearn as cl
from coplearn.cli.main import main
from coplearn.practice.printable import print_lessons

REPO = Path(__file__).resolve().parents[1]
COURSE = REPO / "course"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Checker(HTMLParser):
    """Records problems with nesting, the headings in order, ids, and any attribute that loads or links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.headings: list[int] = []
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        attrs = dict(attrs)
        if "id" in attrs:
            if attrs["id"] in self.ids:
                self.problems.append(f"duplicate id {attrs['id']!r}")
            self.ids.add(attrs["id"])
        if "href" in attrs:
            self.hrefs.append(attrs["href"] or "")
        if "src" in attrs:
            self.problems.append(f"<{tag}> loads {attrs['src']!r}")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}>")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
        else:
            self.stack.pop()


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    out = tmp_path_factory.mktemp("printable")
    written = print_lessons("all", out, COURSE)
    return out, {p.number: p.path for p in written}


def check(path: Path) -> Checker:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>"), f"{path.name}: no doctype"
    assert '<html lang="en-GB">' in text and re.search(r"<title>[^<]+</title>", text), path.name
    c = Checker()
    c.feed(text)
    c.close()
    assert not c.problems, f"{path.name}: {c.problems[:5]}"
    assert not c.stack, f"{path.name}: unclosed {c.stack}"
    return c


def test_every_lesson_is_printed(printed):
    out, written = printed
    assert sorted(written) == [lesson.number for lesson in cl.lessons()]
    assert (out / "index.html").exists() and (out / "glossary.html").exists()


@pytest.mark.parametrize("number", [lesson.number for lesson in cl.lessons()])
def test_printed_lesson_is_valid_html_with_headings_in_order(printed, number):
    c = check(printed[1][number])
    assert c.headings and c.headings[0] == 1 and c.headings.count(1) == 1, c.headings[:3]
    for prev, level in zip(c.headings, c.headings[1:]):
        assert level <= prev + 1, f"heading jumps from h{prev} to h{level}"


@pytest.mark.parametrize("number", [lesson.number for lesson in cl.lessons()])
def test_printed_lesson_needs_no_network(printed, number):
    path = printed[1][number]
    text = path.read_text(encoding="utf-8")
    c = check(path)
    assert not c.tags & {"script", "link", "iframe", "img", "object", "embed"}, c.tags
    assert "@import" not in text and not re.search(r"url\(", text)
    external = [h for h in c.hrefs if re.match(r"([a-z]+:|//)", h)]
    assert not external, f"{path.name} links out to {external}"


@pytest.mark.parametrize("number", [lesson.number for lesson in cl.lessons()])
def test_code_is_hidden_and_each_activity_is_marked(printed, number):
    path = printed[1][number]
    text = path.read_text(encoding="utf-8")
    nb = nbformat.read(next(COURSE.glob(f"{number}-*.ipynb")), as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert "import coplearn" not in text and "JournalPrompt(" not in text
    prompts = sum("JournalPrompt(" in s for s in code)
    widgets = sum(bool(re.search(r"^[A-Z]\w+\(", s, re.M)) and "JournalPrompt(" not in s
                  and not s.startswith("Markdown(") for s in code)
    charts = sum(bool(re.search(r"^(build_\w+|comparison)\(", s, re.M)) for s in code)
    assert text.count('class="coplearn-reflect"') == prompts
    assert text.count("<strong>Activity.</strong>") == widgets
    assert text.count("<strong>Chart.</strong>") == charts
    assert "needs the notebook" in text or widgets == 0


def test_glossary_links_land_on_glossary_headings(printed):
    out, written = printed
    glossary = check(out / "glossary.html")
    for path in written.values():
        for href in check(path).hrefs:
            if href.startswith("glossary.html#"):
                assert href.split("#", 1)[1] in glossary.ids, f"{path.name}: {href}"


def test_journal_prompts_are_printed_as_questions(printed):
    text = printed[1]["07"].read_text(encoding="utf-8")
    assert "Which of the four groupwork skill areas" in text


def test_print_command_writes_one_lesson_and_names_bad_input(tmp_path, capsys):
    assert main(["print", "06", "-o", str(tmp_path), "--course-dir", str(COURSE)]) == 0
    assert [p.name for p in tmp_path.glob("0*.html")] == ["06-action-centred-leadership-and-the-team-audit.html"]
    assert main(["print", "lesson-six", "-o", str(tmp_path), "--course-dir", str(COURSE)]) == 2
    message = capsys.readouterr().out
    assert "'lesson-six' is not a lesson" in message and "all, 00, 01" in message


def test_the_browser_editions_pages_send_a_learner_to_the_lesson_not_to_jupyterlab(tmp_path):
    """Walk27 M5: the printable pages also serve the browser edition, where there is no JupyterLab or
    app: there they say the activities need the lesson itself and link to it, and the index links the
    site's front page. The desktop pages keep their own wording."""
    from coplearn.site import pages

    staged = tmp_path / "files" / "course"  # the site prints its own copies of the lessons, in its wording
    for lesson in cl.lessons():
        pages.browser_copy(REPO / "course" / lesson.filename, staged / lesson.filename, note=True)
    glossary = REPO / "docs" / "glossary.md"
    site = print_lessons("06", tmp_path / "site", staged, site=True, glossary=glossary)
    desktop = print_lessons("06", tmp_path / "desktop", REPO / "course")
    on_site, on_desktop = site[0].path.read_text(encoding="utf-8"), desktop[0].path.read_text(encoding="utf-8")
    assert "This activity needs the lesson itself: open it in the browser edition" in on_site
    assert "coplearn app" not in on_site and "JupyterLab" not in on_site and "in the notebook" not in on_site
    assert ('href="../notebooks/index.html?path=course/06-action-centred-leadership-and-the-team-audit.ipynb"'
            in on_site)
    assert "Open this lesson in JupyterLab or in the course app (coplearn app)" in on_desktop
    assert "../notebooks/" not in on_desktop
    assert "You are using the browser edition" not in on_site  # the note on using the lesson online
    index = print_lessons("all", tmp_path / "all", staged, site=True, glossary=glossary)
    assert len(index) == 12 and (tmp_path / "all" / "glossary.html").is_file()
    assert 'href="../index.html"' in (tmp_path / "all" / "index.html").read_text(encoding="utf-8")
    for printed in index:
        text = printed.path.read_text(encoding="utf-8")
        assert "Open this lesson in JupyterLab or in the course app" not in text, printed.path.name
        assert "You are using the browser edition" not in text and "in the notebook" not in text, printed.path.name
        # (rev28 L1: no pointer to the note the printed page leaves out, nor on-screen advice for paper)
        assert "the note below" not in text and "note at the top of the page" not in text, printed.path.name
    for printed in print_lessons("all", tmp_path / "desktop-all", REPO / "course"):
        assert "To use the activities on this page in JupyterLab" not in printed.path.read_text(encoding="utf-8")
