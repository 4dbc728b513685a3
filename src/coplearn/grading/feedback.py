"""The feedback page a student gets back (``nbgrader generate_feedback``), made readable for them.

nbgrader's own feedback page is written for programmers (walk19 #4): its contents list every check
as "Test cell", it has no page language, it loads MathJax from a CDN (the course writes no maths, and
a student offline gets a failed request), and the explanation of a wrong answer sits in a box that
does not wrap, so it is cut at the right edge. :class:`FeedbackExporter` is nbgrader's HTML exporter
(``GenerateFeedback.exporter_class`` in the course's ``nbgrader_config.py``, so the command line and
formgrader's button both use it) with nbgrader's template as it is, and then:

- ``lang="en-GB"`` on the page;
- each check named in the contents by its own first words ("Practice 1", from the check's
  ``\"\"\"Practice 1 (3 points): ...\"\"\"``), not "Test cell";
- no MathJax;
- boxes of code and output that wrap, and links and headings with enough contrast.

The marks, the student's answers and the tutor's comments are nbgrader's, untouched.
"""

from __future__ import annotations

import html
import re
from typing import Any

from nbconvert.exporters import HTMLExporter

__all__ = ["FeedbackExporter", "check_label", "readable"]

#: The course's additions to the page's style: code and output boxes wrap (the explanation of a wrong
#: answer was cut at the right edge), the contents' and headings' links are dark enough to read.
_STYLE = """<style type="text/css">
/* coplearn: readable feedback */
pre, div.output_area pre, div.input_area pre { white-space: pre-wrap; word-break: normal; overflow-wrap: anywhere; }
#toc a, .rendered_html a { color: #0b4f8a; text-decoration: underline; }
div.nbgrader_cell .panel-heading a { color: #ffffff; text-decoration: underline; }
div.nbgrader_cell .panel-heading { height: auto; min-height: 37px; }
body { font-size: 16px; line-height: 1.5; }
.highlight .c, .highlight .c1, .highlight .cm, .highlight .ch, .highlight .cs, .highlight .cp,
.highlight .cpf { color: #2e5c5c; }
.highlight .ow, .highlight .nd { color: #6f1aa8; }
.highlight .ne, .highlight .gr, .highlight .err { color: #a3241d; }
.highlight .si, .highlight .se, .highlight .sr, .highlight .ss { color: #7a4510; }
.highlight .nb, .highlight .bp, .highlight .k, .highlight .kn, .highlight .kc { color: #006100; }
</style>
"""

_MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
_DOCSTRING = re.compile(r'\A\s*(?:"""|\'\'\')\s*([^\n]{1,200})')


def check_label(source: str) -> str | None:
    """The name a check gives itself in its first line, up to its points or colon.

    >>> check_label('\"\"\"Practice 1 (3 points): shows the answer that will be marked.\"\"\"\\nfrom x import y')
    'Practice 1'
    >>> check_label("assert x == 1") is None
    True
    """
    m = _DOCSTRING.match(source or "")
    if not m:
        return None
    name = re.split(r"\s*(?:\(|:|\"\"\"|''')", m.group(1), maxsplit=1)[0].strip()
    return name or None


def readable(page: str, nb: Any) -> str:
    """nbgrader's feedback page ``page`` for notebook ``nb``, made readable as the module says."""
    page = page.replace("<html>", '<html lang="en-GB">', 1)
    page = _MATHJAX.sub("", page, count=1)
    page = page.replace("</head>", _STYLE + "</head>", 1)
    for cell in getattr(nb, "cells", []):
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        if not (meta.get("grade") and not meta.get("solution")) or cell.get("cell_type") != "code":
            continue
        grade_id = meta.get("grade_id")
        source = cell.get("source")
        label = check_label("".join(source) if isinstance(source, list) else str(source or ""))
        if not grade_id or not label:
            continue
        anchor = f'<a href="#{html.escape(str(grade_id), quote=True)}">'
        page = page.replace(anchor + "Test cell</a>", anchor + html.escape(label) + "</a>", 1)
    return page


class FeedbackExporter(HTMLExporter):
    """nbgrader's feedback exporter, with the page made readable for a student (see the module)."""

    def from_notebook_node(self, nb: Any, resources: Any = None, **kw: Any) -> tuple[str, Any]:
        output, resources = super().from_notebook_node(nb, resources, **kw)
        return readable(output, nb), resources
