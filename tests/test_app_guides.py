"""The glossary and the guides in the app view (``coplearn app``; walk28 M2): the set-up Voila is given,
the script a lesson page carries, and the pages served, on a Tornado application built as Voila 0.5 builds
its own (the ``tornado_settings`` added after the application is made). The click itself is in
``tests/browser/test_browser_app.py``.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urljoin

import nbformat
import pytest
import tornado.httpclient
import tornado.httpserver
import tornado.testing
import tornado.web
from traitlets.config import Config

from coplearn.cli.app_guides import APP_GUIDE_LINK, APP_LINKS, GuideHandler, app_page, docs_folder
from coplearn.cli.main import voila_app_config
from coplearn.site.pages import GUIDE_LINK, GUIDE_PAGES

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
LESSON_LINK = re.compile(r"\]\((\.\./docs/[a-z-]+\.md(?:#[^)\s]*)?)\)")


def _js_regex(literal: str) -> re.Pattern[str]:
    """A JavaScript regular expression literal (``/.../``, no flags) as Python's (the same syntax here)."""
    assert literal.startswith("/") and literal.endswith("/")
    return re.compile(literal[1:-1])


@pytest.fixture
def app_config(monkeypatch: pytest.MonkeyPatch) -> Config:
    monkeypatch.setenv("JUPYTER_PATH", "")  # (voila_app_config puts the template's folder first on it)
    c = Config()
    voila_app_config(c)
    return c


def test_voila_is_given_the_guide_handler_and_each_lesson_page_the_links_script(app_config: Config) -> None:
    settings = app_config.Voila.tornado_settings
    assert settings["default_handler_class"] is GuideHandler
    assert "coplearn_lessons" in settings["jinja_template_vars"]
    assert app_config.VoilaConfiguration.resources["coplearn_links"] == APP_LINKS
    template = (REPO / "src/coplearn/templates/app/share/voila/templates/coplearn/index.html.j2").read_text()
    assert "resources.coplearn_links" in template


def test_the_links_script_is_the_browser_editions_told_where_the_apps_links_go() -> None:
    assert APP_LINKS.startswith('<script id="coplearn-app-links">'), APP_LINKS[:60]
    assert APP_GUIDE_LINK in APP_LINKS and GUIDE_LINK not in APP_LINKS
    assert '"../guides/" + guide[1] + ".html"' in APP_LINKS and "_blank" in APP_LINKS


def _lesson_links() -> list[tuple[str, str]]:
    links = []
    for path in sorted((REPO / "course").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        links += [(path.name, link) for link in LESSON_LINK.findall(text)]
    return links


def test_every_guide_link_in_a_lesson_opens_a_page_with_its_entry() -> None:
    """As the page's script does it: the link as the lesson page reaches it, matched by the script, and the
    page it opens (``../guides/NAME.html#entry`` beside the lesson) served with that entry's anchor."""
    links = _lesson_links()
    assert len(links) >= 50, links  # (54 glossary links when walk28 counted them)
    matcher = _js_regex(APP_GUIDE_LINK)
    pages: dict[str, str] = {}
    missing = []
    for lesson, link in links:
        lesson_url = f"http://127.0.0.1:8866/voila/render/{lesson}"
        reached = urljoin(lesson_url, link)
        path, _, entry = reached.partition("#")
        found = matcher.search(path.removeprefix("http://127.0.0.1:8866"))
        assert found, f"{lesson}: the page's script leaves {link} alone"
        opened = urljoin(lesson_url, f"../guides/{found.group(1)}.html").removeprefix("http://127.0.0.1:8866/")
        if opened not in pages:
            status, pages[opened] = app_page(DOCS, opened)
            assert status == 200, opened
        if entry and f' id="{entry}"' not in pages[opened]:
            missing.append(f"{lesson}: {link}")
    assert not missing, f"no heading with these anchors: {missing}"


def test_a_guide_page_is_a_readable_page_at_its_entries() -> None:
    status, page = app_page(DOCS, "voila/guides/glossary.html")
    assert status == 200
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in page
    assert "<title>Glossary - coplearn</title>" in page
    assert '<h3 id="community-of-practice">Community of practice</h3>' in page
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", page.split("<main>")[0]), "loads from elsewhere"


def test_docs_beside_the_course_are_found_first(tmp_path: Path) -> None:
    (tmp_path / "course").mkdir()
    assert docs_folder(tmp_path / "course") == DOCS  # (none beside it: the source's own)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "glossary.md").write_text("# Glossary\n\n### A term\n\nIts meaning.\n")
    assert docs_folder(tmp_path / "course") == tmp_path / "docs"


def _serve(tornado_settings: dict, course: Path, paths: list[str], base_url: str = "/") -> dict[str, tuple]:
    """GET each path from a Tornado application made as Voila 0.5.13 makes its own: the application is built
    from Voila's settings, then the configured ``tornado_settings`` are added, then the handlers."""

    class Lesson(tornado.web.RequestHandler):
        def get(self, name: str) -> None:
            self.finish(f"lesson {name}")

    async def run() -> dict[str, tuple]:
        app = tornado.web.Application(base_url=base_url, server_url=base_url,
                                      contents_manager=SimpleNamespace(root_dir=str(course)))
        app.settings.update(tornado_settings)
        app.add_handlers(".*$", [(base_url + r"voila/render/(.*)", Lesson)])
        sock, port = tornado.testing.bind_unused_port()
        server = tornado.httpserver.HTTPServer(app)
        server.add_sockets([sock])
        client = tornado.httpclient.AsyncHTTPClient()
        try:
            got = {}
            for path in paths:
                r = await client.fetch(f"http://127.0.0.1:{port}{path}", follow_redirects=False, raise_error=False)
                got[path] = (r.code, r.headers.get("Location"), r.body.decode("utf-8", "replace"))
            return got
        finally:
            server.stop()

    return asyncio.run(run())


def test_the_app_serves_the_guides_and_sends_the_lessons_links_to_them(app_config: Config, tmp_path: Path) -> None:
    (tmp_path / "course").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "glossary.md").write_text(
        "# Glossary\n\n## Terms\n\n### Community of practice\n\nPeople who share a practice.\n", encoding="utf-8")
    got = _serve(app_config.Voila.tornado_settings, tmp_path / "course", [
        "/voila/guides/glossary.html", "/voila/docs/glossary.md", "/voila/index.html", "/voila/render/00.ipynb",
        "/voila/guides/learner-guide.html", "/voila/docs/tutor-guide.md", "/voila/guides/../../etc/passwd",
        "/nothing-here"])
    status, _, page = got["/voila/guides/glossary.html"]
    assert status == 200 and '<h3 id="community-of-practice">Community of practice</h3>' in page
    assert got["/voila/docs/glossary.md"][:2] == (302, "/voila/guides/glossary.html")  # (a Ctrl+click)
    assert got["/voila/index.html"][:2] == (302, "/")  # (the guide page's "Back to the course's front page")
    assert got["/voila/render/00.ipynb"][::2] == (200, "lesson 00.ipynb")  # (Voila's own handlers come first)
    for path in ("/voila/guides/learner-guide.html", "/voila/docs/tutor-guide.md", "/voila/guides/../../etc/passwd",
                 "/nothing-here"):
        assert got[path][0] == 404, (path, got[path])
        assert "404: Not Found" in got[path][2]  # (Tornado's own page, as before)


def test_the_guides_follow_the_apps_base_url(app_config: Config, tmp_path: Path) -> None:
    (tmp_path / "course").mkdir()
    got = _serve(app_config.Voila.tornado_settings, tmp_path / "course",
                 ["/user/sam/voila/guides/glossary.html", "/user/sam/voila/docs/glossary.md",
                  "/voila/guides/glossary.html"],
                 base_url="/user/sam/")
    assert got["/user/sam/voila/guides/glossary.html"][0] == 200  # (the source's own docs/: none beside the course)
    assert got["/user/sam/voila/docs/glossary.md"][:2] == (302, "/user/sam/voila/guides/glossary.html")
    assert got["/voila/guides/glossary.html"][0] == 404


def test_every_guide_the_script_opens_is_served() -> None:
    for name in GUIDE_PAGES:
        assert app_page(DOCS, f"voila/guides/{name}.html")[0] == 200, name
