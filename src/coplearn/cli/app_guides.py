"""The glossary and the guides in the app view (``coplearn app``), as readable web pages.

The lessons link a term to its glossary entry (``../docs/glossary.md#community-of-practice``). In the
app view a lesson is at ``/voila/render/00-welcome.ipynb``, so that link reached
``/voila/docs/glossary.md``, which nothing in Voila 0.5.13 serves: the lesson was replaced by a bare
"404: Not Found" (walk28 M2). What Voila itself can serve did not fit:

- its file handler (``/voila/files/``, ``VoilaConfiguration.file_allowlist``) serves files from the
  folder it serves, the course folder, only; the guides are Markdown in ``docs/`` beside it, and would
  have had to be written as web pages into the learner's course folder each time the app started;
- a template's static files (``/voila/templates/coplearn/static/``) come from the Jupyter data folders,
  which for an installed course are in the Python installation, often read-only.

So the pages are made from ``docs/`` when asked for, in memory, by the browser edition's own
:func:`coplearn.site.pages.guide_page` (headings carry the anchors the lessons link to), and served by
:class:`GuideHandler`, the app's ``default_handler_class``: Tornado's handler for an address no other
handler takes. Voila passes its ``tornado_settings`` to Tornado, which reads that setting for each
request. Nothing is written to disk, and nothing is loaded from the internet (the page's style is in it).

A lesson page carries :data:`APP_LINKS`, the browser edition's script for these links
(:data:`coplearn.site.pages.LAB_LINKS`) told where the app's links go: a glossary or guide link opens
its page in a new tab, at the entry, and the lesson keeps its place and its kernel. A click the script
leaves alone (Ctrl, Shift, the middle button) reaches ``/voila/docs/glossary.md``, which is sent on to
the page too.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import tornado.web

from coplearn.site.pages import GUIDE_LINK, GUIDE_PAGES, LAB_LINKS, guide_page

__all__ = ["APP_GUIDE_LINK", "APP_LINKS", "GuideHandler", "app_page", "docs_folder"]

#: A lesson's guide link as the app view's page reaches it (a JavaScript regular expression, like
#: :data:`coplearn.site.pages.GUIDE_LINK`): ``../docs/glossary.md`` from ``/voila/render/NN-name.ipynb``.
APP_GUIDE_LINK = r"/\/voila\/docs\/(" + "|".join(GUIDE_PAGES) + r")\.md$/"

#: The script added to each lesson page of the app view (by the ``coplearn`` template's ``index.html.j2``,
#: from Voila's ``resources``): :data:`coplearn.site.pages.LAB_LINKS` with the app's guide links. It opens
#: ``../guides/NAME.html#entry`` beside the lesson: ``/voila/guides/NAME.html``, served by :class:`GuideHandler`.
APP_LINKS = (LAB_LINKS.replace(GUIDE_LINK, APP_GUIDE_LINK)
             .replace('id="coplearn-lab-links"', 'id="coplearn-app-links"')) if GUIDE_LINK in LAB_LINKS else ""

_GUIDE_PAGE = re.compile(r"voila/guides/(" + "|".join(GUIDE_PAGES) + r")\.html")
_GUIDE_SOURCE = re.compile(r"voila/docs/(" + "|".join(GUIDE_PAGES) + r")\.md")
#: The guide pages' "Back to the course's front page" (``../index.html``, as in the browser edition).
_FRONT_PAGE = "voila/index.html"


def docs_folder(course: Path) -> Path | None:
    """Where the guides are: ``docs/`` beside the course folder (where the lessons' links point), else the
    ``docs/`` of the coplearn source this runs from (a course folder copied elsewhere); None if neither."""
    for docs in (Path(course).parent / "docs", Path(__file__).resolve().parents[3] / "docs"):
        if (docs / "glossary.md").is_file():
            return docs
    return None


def app_page(docs: Path | None, path: str) -> tuple[int, str]:
    """What the app view answers at ``path`` (the address after the app's base URL, without the query):
    ``(200, a guide's page)``, ``(302, the address to go to, after the base URL)``, or ``(404, "")``.

    >>> app_page(None, "voila/docs/glossary.md")
    (302, 'voila/guides/glossary.html')
    >>> app_page(None, "voila/index.html")
    (302, '')
    >>> app_page(None, "voila/docs/tutor-guide.md")
    (404, '')
    """
    if path == _FRONT_PAGE:
        return 302, ""
    source = _GUIDE_SOURCE.fullmatch(path)
    if source:
        return 302, f"voila/guides/{source.group(1)}.html"
    page = _GUIDE_PAGE.fullmatch(path)
    if page and docs is not None:
        markdown = docs / f"{page.group(1)}.md"
        if markdown.is_file():
            return 200, guide_page(markdown.read_text(encoding="utf-8"))
    return 404, ""


class GuideHandler(tornado.web.RequestHandler):
    """The app view's handler for an address no Voila handler takes (Tornado's ``default_handler_class``):
    the guides' pages (:func:`app_page`), and Tornado's own "404: Not Found" for anything else, as before."""

    def get(self) -> None:
        base = self.settings.get("server_url") or self.settings.get("base_url") or "/"
        path = self.request.path
        if not path.startswith(base):
            raise tornado.web.HTTPError(404)
        manager = self.settings.get("contents_manager")
        course = getattr(manager, "root_dir", None)
        docs = docs_folder(Path(course)) if course else None
        status, text = app_page(docs, path[len(base):])
        if status == 302:
            self.redirect(base + quote(text))  # (the browser keeps the link's #entry)
        elif status == 200:
            self.set_header("Content-Type", "text/html; charset=UTF-8")
            self.set_header("Cache-Control", "no-cache")  # (a guide edited while the app runs shows as edited)
            self.finish(text)
        else:
            raise tornado.web.HTTPError(404)
