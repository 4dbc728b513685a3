"""The feedback page a student gets back (``nbgrader generate_feedback``), made readable for them.

nbgrader's own feedback page is written for programmers (walk19 #4): its contents list every check
as "Test cell", each check is shown as its Python code (the key and the explanation of a wrong
answer inside it, under "Grade cell: q1-statement-01"), a wrong answer's explanation comes as
"AssertionError: ...", it has no page language, it loads MathJax from a CDN (the course writes no
maths, and a student offline gets a failed request), and the explanation sits in a box that does not
wrap, so it is cut at the right edge. :class:`FeedbackExporter` is nbgrader's HTML exporter
(``GenerateFeedback.exporter_class`` in the course's ``nbgrader_config.py``, so the command line and
formgrader's button both use it) with the course's template (``templates/coplearn_feedback``, built
on nbgrader's own), and then:

- each check headed and listed by its own first words ("Statement 3", "Practice 1", from the check's
  ``\"\"\"Practice 1 (3 points): ...\"\"\"``), with what it read as the answer and, for a wrong
  one, "Why not all the points: ..." in words; its code folded away (one click shows it);
- each question the tutor marks headed and listed by its own title ("Question 3: ..."), with
  "Your tutor's comment"; a student's answer box headed "Your answer";
- ``lang="en-GB"``, the page's content in a main landmark, no MathJax, no "In [3]:" prompts;
- boxes of code and output that wrap, and links and headings with enough contrast.

The marks, the student's answers and the tutor's comments are nbgrader's, untouched.
"""

from __future__ import annotations

import copy
import html
import re
from pathlib import Path
from typing import Any

from nbconvert.exporters import HTMLExporter

__all__ = ["FeedbackExporter", "check_label", "readable", "task_label"]

#: The course's template (it extends nbgrader's ``feedback`` template, found beside nbgrader).
TEMPLATES = Path(__file__).with_name("templates")

#: The course's additions to the page's style: code and output boxes wrap (the explanation of a wrong
#: answer was cut at the right edge), the contents' and headings' links are dark enough to read.
_STYLE = """<style type="text/css">
/* coplearn: readable feedback */
pre, div.output_area pre, div.input_area pre { white-space: pre-wrap; word-break: normal; overflow-wrap: anywhere; }
#toc a, .rendered_html a { color: #0b4f8a; text-decoration: underline; }
div.nbgrader_cell .panel-heading a { color: #ffffff; text-decoration: underline; }
div.nbgrader_cell .panel-heading { height: auto; min-height: 37px; }
body { font-size: 16px; line-height: 1.5; overflow-wrap: break-word; }
div.prompt { display: none; }
h3.coplearn-label { display: inline; font-size: 16px; font-weight: bold; margin: 0; line-height: 25px; }
.coplearn-marked-by { margin: 0.2em 0.4em; }
details.coplearn-code { margin: 0.4em; }
details.coplearn-code summary { cursor: pointer; color: #0b4f8a; text-decoration: underline; }
.coplearn-why { border-left: 4px solid #b35900; background: #fff8ef; padding: 0.3em 0.8em; margin-bottom: 1em; }
.coplearn-why p { margin: 0.3em 0; }
/* a narrow screen (a phone, or 400 % zoom): the score goes under the item's name, not over it, the
   page's margins shrink, and a wide table scrolls in its own box instead of the page */
.rendered_html table { display: block; max-width: 100%; overflow-x: auto; }
@media (max-width: 640px) {
  div.nbgrader_cell .panel-heading .pull-right { float: none !important; display: block; }
  div.container, div#notebook-container, .panel-body { padding-left: 2px; padding-right: 2px; }
  div.cell { padding: 2px 0; }
  div.inner_cell, div.output_area, div.output_subarea { max-width: 100%; padding-left: 0; padding-right: 0; }
}
.highlight .c, .highlight .c1, .highlight .cm, .highlight .ch, .highlight .cs, .highlight .cp,
.highlight .cpf { color: #2e5c5c; }
.highlight .ow, .highlight .nd { color: #6f1aa8; }
.highlight .ne, .highlight .gr, .highlight .err { color: #a3241d; }
.highlight .si, .highlight .se, .highlight .sr, .highlight .ss { color: #7a4510; }
.highlight .nb, .highlight .bp, .highlight .k, .highlight .kn, .highlight .kc { color: #006100; }
</style>
"""

_MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
#: A check's first line (its docstring), after any comment lines (nbgrader puts one above a check it
#: restores, when a student deleted it: check20 L1).
_DOCSTRING = re.compile(r'\A(?:[ \t]*(?:#[^\n]*)?\n)*[ \t]*(?:"""|\'\'\')\s*([^\n]{1,200})')


def check_label(source: str) -> str | None:
    """The name a check gives itself in its first line, up to its points or colon.

    >>> check_label('\"\"\"Practice 1 (3 points): shows the answer that will be marked.\"\"\"\\nfrom x import y')
    'Practice 1'
    >>> check_label("# this cell was restored\\n\\n\'\'\'Statement 3 (2 points): checks.\'\'\'")
    'Statement 3'
    >>> check_label("assert x == 1") is None
    True
    """
    m = _DOCSTRING.match(source or "")
    if not m:
        return None
    name = re.split(r"\s*(?:\(|:|\"\"\"|''')", m.group(1), maxsplit=1)[0].strip()
    return name or None


def task_label(source: str) -> str | None:
    """The title of a question the tutor marks: its first line, without Markdown's marks or the
    points in brackets.

    >>> task_label("## Question 3: the argument, from where it starts (60 points, marked by your tutor)\\nAnswer both")
    'Question 3: the argument, from where it starts'
    >>> task_label("**Part A** (20 points)") , task_label("") is None
    ('Part A', True)
    """
    for line in (source or "").splitlines():
        text = re.sub(r"[*_`]", "", line.strip().lstrip("#").strip())
        text = re.split(r"\s+\(", text, maxsplit=1)[0].strip().rstrip(":")
        if text:
            return text[:120]
    return None


def _text(source: object) -> str:
    return "".join(source) if isinstance(source, list) else str(source or "")


def _labels(nb: Any) -> list[tuple[str, str, str]]:
    """(kind, grade id, label) for each check and each question the tutor marks in ``nb``."""
    out = []
    for cell in getattr(nb, "cells", None) or nb.get("cells", []):
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        grade_id = meta.get("grade_id")
        if not grade_id:
            continue
        if meta.get("grade") and not meta.get("solution") and cell.get("cell_type") == "code":
            label = check_label(_text(cell.get("source")))
            if label:
                out.append(("Test cell", str(grade_id), label))
        elif meta.get("task") and cell.get("cell_type") == "markdown":
            label = task_label(_text(cell.get("source")))
            if label:
                out.append(("Task", str(grade_id), label))
    return out


#: What a question the tutor marks says in the student's feedback where its mark scheme was (walk26 T-M2: every
#: student got the whole scheme, with each band's exemplar answer, under "for tutors; removed from the students'
#: version", and the tutor's comment came two screens below it).
MARK_SCHEME_NOTE = ("*This answer is marked by hand against the marking bands (the learner guide explains them). The "
                    "mark scheme is not shown here. If you are on a course, your tutor's mark is at the top of this "
                    "question's box, beside \"Marked by your tutor\", and any comment is at the bottom of the box. "
                    "If you study on your own, mark it yourself against this question's mark scheme in the worked "
                    "solution (see Worked solutions in the learner guide).*")


def without_mark_scheme(source: str) -> str:
    """A question's text with its mark scheme (nbgrader's ``BEGIN MARK SCHEME`` ... ``END MARK SCHEME`` lines and
    what is between them) put as :data:`MARK_SCHEME_NOTE`; text without one is returned as it is.

    >>> shown = without_mark_scheme("Q3\\n\\n=== BEGIN MARK SCHEME ===\\nbands\\n=== END MARK SCHEME ===\\nafter")
    >>> shown == "\\n".join(["Q3", "", MARK_SCHEME_NOTE, "after"]), without_mark_scheme("no scheme")
    (True, 'no scheme')
    """
    out, inside, said = [], False, False
    for line in source.splitlines():
        if not inside and "BEGIN MARK SCHEME" in line:
            inside = True
            if not said:
                out.append(MARK_SCHEME_NOTE)
                said = True
        elif inside and "END MARK SCHEME" in line:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out) if said else source


def labelled(nb: Any) -> Any:
    """A copy of ``nb`` whose checks and tutor-marked questions carry their label for the template, and whose
    questions the tutor marks show no mark scheme (:func:`without_mark_scheme`)."""
    nb = copy.deepcopy(nb)
    names = {grade_id: label for _, grade_id, label in _labels(nb)}
    for cell in nb.cells:
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        if cell.get("cell_type") == "markdown" and meta.get("task"):
            cell["source"] = without_mark_scheme(_text(cell.get("source")))
        cell.setdefault("metadata", {}).pop("coplearn_label", None)  # (only the course's own labels)
        grade_id = ((cell.get("metadata") or {}).get("nbgrader") or {}).get("grade_id")
        if grade_id in names:
            cell.metadata["coplearn_label"] = names[grade_id]
    return nb


def readable(page: str, nb: Any) -> str:
    """nbgrader's feedback page ``page`` for notebook ``nb``, made readable as the module says."""
    page = page.replace("<html>", '<html lang="en-GB">', 1)
    page = _MATHJAX.sub("", page, count=1)
    page = page.replace("</head>", _STYLE + "</head>", 1)
    # the page's content in one main landmark: nbgrader's outer box, which holds the contents and the
    # notebook (nbconvert's <main> inside it holds the notebook alone, and the contents were outside
    # every landmark; nbgrader's page has a body inside its body, so a <main> could not wrap it cleanly)
    page, marked = re.subn(r'(<a name="top"></a>\s*<div class="container")(?=>)', r'\1 role="main"', page, count=1)
    if marked and page.count("<main>") == 1 and page.count("</main>") == 1:
        page = page.replace("<main>", "<div>", 1).replace("</main>", "</div>", 1)
    page = page.replace('<span class="nbgrader-label">Student\'s answer</span>',
                        '<span class="nbgrader-label">Your answer</span>')
    page = page.replace("<b>Comments:</b>", "<b>Your tutor's comment:</b>")
    for kind, grade_id, label in _labels(nb):
        anchor = f'<a href="#{html.escape(grade_id, quote=True)}">'
        page = page.replace(anchor + kind + "</a>", anchor + html.escape(label) + "</a>", 1)
    return page


class FeedbackExporter(HTMLExporter):
    """nbgrader's feedback exporter, with the page made readable for a student (see the module)."""

    def __init__(self, config: Any = None, **kw: Any) -> None:
        # The course's template, set for this class (which wins over nbgrader's setting for
        # HTMLExporter): read when the exporter is made, so it is set before that, on a copy
        from nbgrader.converters import generate_feedback
        from traitlets.config import Config

        nbgrader_templates = Path(generate_feedback.__file__).parent.parent / "server_extensions" / "formgrader" / "templates"
        mine = copy.deepcopy(config) if config is not None else Config()
        mine.FeedbackExporter.template_name = "coplearn_feedback"
        mine.FeedbackExporter.extra_template_basedirs = [str(TEMPLATES), str(nbgrader_templates)]
        # (and nbgrader's templates' folder searched as it is, for "extends 'feedback/index.html.j2'",
        # beside the folders nbgrader gives HTMLExporter, which hold its page's style sheet)
        given = mine.FeedbackExporter.get("extra_template_paths", mine.HTMLExporter.get("extra_template_paths", []))
        mine.FeedbackExporter.extra_template_paths = [*given, str(nbgrader_templates)]
        super().__init__(config=mine, **kw)

    def from_notebook_node(self, nb: Any, resources: Any = None, **kw: Any) -> tuple[str, Any]:
        output, resources = super().from_notebook_node(labelled(nb), resources, **kw)
        return readable(output, nb), resources
