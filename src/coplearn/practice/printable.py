"""Printable HTML versions of the lessons, for reading away from the screen (``coplearn print``).

Each lesson becomes one self-contained HTML file: the lesson's prose, with every code cell hidden.
Where the notebook has an activity (a widget or a chart), the page says plainly that this part
needs the notebook; a journal prompt is printed as a question to think about. The glossary is
written beside the lessons as ``glossary.html`` so that glossary links work offline. Nothing on
the page loads anything from the network: no scripts, stylesheets, fonts or images from
elsewhere, and links to web pages are printed as text with their address.

The pages are the templates ``printable_lesson.html.j2``, ``printable_glossary.html.j2`` and
``printable_index.html.j2``; the lessons' own Markdown is turned into HTML by mistune (the
course's text is trusted: it is ours), everything else is escaped by the templates.

>>> slug("Tuckman's stages")
'tuckmans-stages'
"""

from __future__ import annotations

import ast
import html
import importlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from coplearn.core.templates import render

__all__ = ["PrintedLesson", "print_lessons", "render_glossary", "render_lesson", "slug"]


def slug(heading: str) -> str:
    """The anchor JupyterLab and GitHub give a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


@dataclass(frozen=True, kw_only=True, slots=True)
class PrintedLesson:
    """One lesson written as printable HTML."""

    number: str
    title: str
    path: Path


def _markdown():
    """The course's Markdown to HTML (a trusted fragment), with anchors as JupyterLab makes them."""
    import mistune
    from markupsafe import Markup
    from mistune.util import escape as url_escape

    class Renderer(mistune.HTMLRenderer):
        seen: dict[str, int] = {}

        def heading(self, text: str, level: int, **attrs: object) -> str:
            plain = re.sub(r"<[^>]+>", "", text)
            anchor = slug(html.unescape(plain))
            count = self.seen.get(anchor, 0)
            self.seen[anchor] = count + 1
            if count:  # a repeated heading gets -1, -2, ... as JupyterLab and GitHub do
                anchor = f"{anchor}-{count}"
            return f'<h{level} id="{anchor}">{text}</h{level}>\n'

        def link(self, text: str, url: str, title: str | None = None) -> str:
            if re.match(r"[a-z]+:", url):  # a web page: print its address rather than link to it
                shown = re.sub(r"<[^>]+>", "", text)
                return text if shown == url else f"{text} ({url_escape(url)})"
            target = re.sub(r"(?:\.\./docs/)?glossary\.md", "glossary.html", url)
            target = re.sub(r"(?:\.\./course/)?([\w.-]+)\.ipynb", r"\1.html", target)
            return f'<a href="{url_escape(target)}">{text}</a>'

    renderer = Renderer(escape=False)
    renderer.seen = {}
    md = mistune.create_markdown(renderer=renderer, plugins=["table", "strikethrough"])
    return lambda text: Markup(md(text))


def _imports(cells: Sequence[dict]) -> dict[str, str]:
    """Names imported from coplearn modules in the lesson's code cells: name -> module."""
    found: dict[str, str] = {}
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        try:
            tree = ast.parse(cell["source"])
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("coplearn"):
                for alias in node.names:
                    found[alias.asname or alias.name] = node.module or ""
    return found


def _call_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call):
        f = node.func
        return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
    return None


def _code_cell(source: str, imports: dict[str, str], md) -> tuple[str, object] | None:
    """What a hidden code cell contributes to the printed page: ``(kind, value)``, or None for nothing.

    Kinds: ``html`` (Markdown the cell displays), ``reflect`` (a journal prompt), ``chart``, ``activity``.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return ("activity", None)
    calls = [n.value for n in tree.body if isinstance(n, ast.Expr) and _call_name(n.value)]
    if not calls:
        return None
    call = calls[-1]
    name = _call_name(call)
    if name == "JournalPrompt" and call.args:
        try:
            prompt = ast.literal_eval(call.args[0])
        except ValueError:
            prompt = ""
        return ("reflect", str(prompt))
    if name == "Markdown" and call.args and isinstance(call.args[0], ast.JoinedStr):
        parts = []
        for piece in call.args[0].values:
            if isinstance(piece, ast.Constant):
                parts.append(str(piece.value))
            elif isinstance(piece, ast.FormattedValue) and isinstance(piece.value, ast.Name) \
                    and piece.value.id in imports:
                parts.append(str(getattr(importlib.import_module(imports[piece.value.id]), piece.value.id)))
            else:
                return None
        return ("html", md("".join(parts)))
    if name and (name.startswith("build_") or name == "comparison"):
        return ("chart", None)
    return ("activity", None)


#: The line at the top of each lesson on making its activities appear on the screen (JupyterLab's, or the
#: browser edition's, which points to a note the printed page leaves out): nothing a reader of paper can do.
_ON_SCREEN_ONLY = re.compile(r"^\*(?:To use the activities on this page in JupyterLab|In this browser edition the "
                             r"activities appear)[^\n]*\*[ \t]*\n?", re.M)
#: The browser edition's pointers to that note, elsewhere in the text.
_TO_THE_NOTE = re.compile(r" \(the note at the top of the page says more\)")


def render_lesson(path: Path, *, site: bool = False) -> str:
    """The printable HTML page for one lesson notebook (``site``: for the browser edition, whose
    learners open the lesson itself from the site rather than in JupyterLab or the app)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    md = _markdown()
    imports = _imports(nb.cells)
    blocks = []
    for cell in nb.cells:
        if "coplearn-browser-note" in cell.metadata.get("tags", ()):
            continue  # the browser edition's note on using the lesson there: nothing to print
        if cell.cell_type == "markdown":
            text = _TO_THE_NOTE.sub("", _ON_SCREEN_ONLY.sub("", cell.source))
            if text.strip():
                blocks.append(("html", md(text)))
        elif cell.cell_type == "code":
            block = _code_cell(cell.source, imports, md)
            if block is not None:
                blocks.append(block)
    number = path.name[:2]
    h1 = next((m for m in re.findall(r"^# (.+)$", "\n".join(c.source for c in nb.cells
                                                           if c.cell_type == "markdown"), re.M)), path.stem)
    return render("printable_lesson.html.j2", number=number, title=f"Lesson {number}: {h1}", blocks=blocks,
                  site=site, lesson_path=f"course/{path.name}")


def render_glossary(path: Path) -> str:
    """The printable HTML page for ``docs/glossary.md``."""
    return render("printable_glossary.html.j2", body=_markdown()(path.read_text(encoding="utf-8")))


def _lesson_paths(course: Path, which: str) -> list[Path]:
    import coplearn as cl

    numbers = [lesson.number for lesson in cl.lessons()]
    if which.lower() == "all":
        chosen = numbers
    else:
        wanted = which.strip().lower().removesuffix(".ipynb")
        match = [lesson.number for lesson in cl.lessons()
                 if wanted in (lesson.number, lesson.number.lstrip("0") or "0", lesson.slug)]
        if not match:
            raise LookupError(f"{which!r} is not a lesson; choose one of: all, {', '.join(numbers)} "
                              "(or a lesson's file name)")
        chosen = match
    paths = []
    for lesson in cl.lessons():
        if lesson.number in chosen:
            path = course / lesson.filename
            if not path.exists():
                raise FileNotFoundError(f"lesson {lesson.number} is missing: {path} does not exist")
            paths.append(path)
    return paths


def print_lessons(which: str, out_dir: Path, course: Path, *, site: bool = False,
                  glossary: Path | None = None) -> list[PrintedLesson]:
    """Write printable HTML for one lesson (``"06"``) or ``"all"`` of ``course`` into ``out_dir``.

    The glossary is always written too (as ``glossary.html``, from ``docs/glossary.md`` beside the
    course folder, or ``glossary``), and ``all`` adds an ``index.html``. Returns the lessons written.
    ``site``: the pages are the browser edition's (``printable/`` in the site, printed from the site's
    copies of the lessons, in its wording), which say so and link to the lessons.
    """
    import coplearn as cl
    from coplearn.core.atomic import atomic_write_text

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    titles = {lesson.number: lesson.title for lesson in cl.lessons()}
    for path in _lesson_paths(course, which):
        target = out_dir / f"{path.stem}.html"
        atomic_write_text(target, render_lesson(path, site=site))
        written.append(PrintedLesson(number=path.name[:2], title=titles[path.name[:2]], path=target))
    glossary = glossary or course.parent / "docs" / "glossary.md"
    if glossary.exists():
        atomic_write_text(out_dir / "glossary.html", render_glossary(glossary))
    if which.lower() == "all":
        atomic_write_text(out_dir / "index.html", render("printable_index.html.j2", lessons=written, site=site))
    return written
