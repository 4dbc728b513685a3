"""``coplearn print``: printable HTML versions of the lessons, for reading away from the screen.

Each lesson becomes one self-contained HTML file: the lesson's prose, with every code cell hidden.
Where the notebook has an activity (a widget or a chart), the page says plainly that this part
needs the notebook; a journal prompt is printed as a question to think about. The glossary is
written beside the lessons as ``glossary.html`` so that glossary links work offline. Nothing on
the page loads anything from the network: no scripts, stylesheets, fonts or images from
elsewhere, and links to web pages are printed as text with their address.

    coplearn print 06 -o printable/        # one lesson
    coplearn print all -o printable/       # every lesson, the glossary and an index page

>>> slug("Tuckman's stages")
'tuckmans-stages'
"""

from __future__ import annotations

import argparse
import ast
import html
import importlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PrintedLesson", "print_lessons", "render_glossary", "render_lesson", "register", "slug"]

_STYLE = """
body { font-family: Georgia, 'Times New Roman', serif; font-size: 12pt; line-height: 1.5;
       color: #111; background: #fff; margin: 0; }
main { max-width: 44em; margin: 0 auto; padding: 1.5em; }
h1, h2, h3, h4 { font-family: Arial, Helvetica, sans-serif; line-height: 1.25; }
h1 { font-size: 1.8em; } h2 { font-size: 1.4em; margin-top: 1.6em; } h3 { font-size: 1.15em; }
table { border-collapse: collapse; margin: 0.8em 0; }
th, td { border: 1px solid #555; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #eee; }
code, pre { font-family: 'Courier New', monospace; font-size: 0.95em; }
pre { border: 1px solid #999; padding: 0.5em; white-space: pre-wrap; }
blockquote { border-left: 4px solid #555; margin-left: 0; padding-left: 1em; }
.coplearn-print-meta { font-family: Arial, Helvetica, sans-serif; font-size: 0.9em; color: #333; }
.coplearn-activity, .coplearn-reflect { border: 2px solid #333; padding: 0.6em 0.9em; margin: 1em 0;
       page-break-inside: avoid; }
.coplearn-reflect { border-style: dashed; }
.coplearn-activity strong, .coplearn-reflect strong { font-family: Arial, Helvetica, sans-serif; }
.coplearn-lines { border-bottom: 1px solid #999; height: 2em; }
a { color: #111; }
@media print { main { max-width: none; padding: 0; } a { text-decoration: none; } }
"""

_ACTIVITY = (
    "This activity needs the notebook. Open this lesson in JupyterLab or in the course app "
    "(coplearn app) to use it; the text around it tells you what it is for."
)
_CHART = "A chart appears here in the notebook, with a text description of what it shows."


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
    import mistune

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
                return text if shown == url else f"{text} ({html.escape(url)})"
            target = re.sub(r"(?:\.\./docs/)?glossary\.md", "glossary.html", url)
            target = re.sub(r"(?:\.\./course/)?([\w.-]+)\.ipynb", r"\1.html", target)
            return f'<a href="{html.escape(target, quote=True)}">{text}</a>'

    renderer = Renderer(escape=False)
    renderer.seen = {}
    return mistune.create_markdown(renderer=renderer, plugins=["table", "strikethrough"])


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


def _code_cell(source: str, imports: dict[str, str], md) -> str:
    """What a hidden code cell contributes to the printed page (often nothing)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return f'<div class="coplearn-activity"><p><strong>Activity.</strong> {html.escape(_ACTIVITY)}</p></div>'
    calls = [n.value for n in tree.body if isinstance(n, ast.Expr) and _call_name(n.value)]
    if not calls:
        return ""
    call = calls[-1]
    name = _call_name(call)
    if name == "JournalPrompt" and call.args:
        try:
            prompt = ast.literal_eval(call.args[0])
        except ValueError:
            prompt = ""
        return ('<div class="coplearn-reflect"><p><strong>Pause and reflect.</strong> '
                f"{html.escape(str(prompt))}</p>"
                '<div class="coplearn-lines"></div><div class="coplearn-lines"></div>'
                '<div class="coplearn-lines"></div>'
                "<p><em>In the notebook, your answer is saved to your journal as a CPD record.</em></p></div>")
    if name == "Markdown" and call.args and isinstance(call.args[0], ast.JoinedStr):
        parts = []
        for piece in call.args[0].values:
            if isinstance(piece, ast.Constant):
                parts.append(str(piece.value))
            elif isinstance(piece, ast.FormattedValue) and isinstance(piece.value, ast.Name) \
                    and piece.value.id in imports:
                parts.append(str(getattr(importlib.import_module(imports[piece.value.id]), piece.value.id)))
            else:
                return ""
        return md("".join(parts))
    if name and (name.startswith("build_") or name == "comparison"):
        return f'<div class="coplearn-activity"><p><strong>Chart.</strong> {html.escape(_CHART)}</p></div>'
    return f'<div class="coplearn-activity"><p><strong>Activity.</strong> {html.escape(_ACTIVITY)}</p></div>'


def _page(title: str, body: str, meta: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n<main>\n"
        f'<p class="coplearn-print-meta">{meta}</p>\n{body}</main>\n</body>\n</html>\n'
    )


def render_lesson(path: Path) -> str:
    """The printable HTML page for one lesson notebook."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    md = _markdown()
    imports = _imports(nb.cells)
    parts = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts.append(md(cell.source))
        elif cell.cell_type == "code":
            parts.append(_code_cell(cell.source, imports, md))
    number = path.name[:2]
    h1 = next((m for m in re.findall(r"^# (.+)$", "\n".join(c.source for c in nb.cells
                                                           if c.cell_type == "markdown"), re.M)), path.stem)
    meta = (f"coplearn, lesson {html.escape(number)}: printable version. Code is hidden; boxes mark the "
            "activities that need the notebook.")
    return _page(f"Lesson {number}: {h1}", "".join(parts), meta)


def render_glossary(path: Path) -> str:
    """The printable HTML page for ``docs/glossary.md``."""
    return _page("Glossary", _markdown()(path.read_text(encoding="utf-8")),
                 "coplearn: the glossary, printable version.")


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


def print_lessons(which: str, out_dir: Path, course: Path | None = None) -> list[PrintedLesson]:
    """Write printable HTML for one lesson (``"06"``) or ``"all"`` into ``out_dir``; return what was written.

    The glossary is always written too (as ``glossary.html``), and ``all`` adds an ``index.html``.
    """
    import coplearn as cl
    from coplearn.core.atomic import atomic_write_text
    from coplearn.cli.main import find_course_dir

    course = course or find_course_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    titles = {lesson.number: lesson.title for lesson in cl.lessons()}
    for path in _lesson_paths(course, which):
        target = out_dir / f"{path.stem}.html"
        atomic_write_text(target, render_lesson(path))
        written.append(PrintedLesson(number=path.name[:2], title=titles[path.name[:2]], path=target))
    glossary = course.parent / "docs" / "glossary.md"
    if glossary.exists():
        atomic_write_text(out_dir / "glossary.html", render_glossary(glossary))
    if which.lower() == "all":
        items = "".join(f'<li><a href="{html.escape(p.path.name)}">Lesson {p.number}: {html.escape(p.title)}</a></li>'
                        for p in written)
        body = (f"<h1>Leading a community of practice: printable lessons</h1>\n<ol>{items}</ol>\n"
                '<p><a href="glossary.html">Glossary</a></p>\n')
        atomic_write_text(out_dir / "index.html", _page("coplearn: printable lessons", body,
                                                         "coplearn: printable versions of the lessons."))
    return written


def _print(args: argparse.Namespace) -> int:
    try:
        written = print_lessons(args.lesson, args.output, args.course_dir)
    except (LookupError, FileNotFoundError) as exc:
        print(f"coplearn print: {exc}")
        return 2
    for p in written:
        print(f"lesson {p.number}: {p.path}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``coplearn print LESSON|all -o DIR`` to the ``coplearn`` command."""
    desc = ("Write printable HTML versions of the lessons (the prose, with code hidden) for reading away "
            "from the screen. LESSON is a lesson number such as 06, or 'all'.")
    p = subparsers.add_parser("print", help="write printable HTML versions of the lessons", description=desc)
    p.add_argument("lesson", metavar="LESSON", help="a lesson number such as 06, or 'all'")
    p.add_argument("-o", "--output", type=Path, default=Path("printable"), metavar="DIR",
                   help="the folder to write into (default: ./printable)")
    p.add_argument("--course-dir", type=Path, default=None, help="the course folder (default: found automatically)")
    p.set_defaults(func=_print)
