"""Widgets for lesson 00: the suggested routes through the course."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as W

from coplearn.core import html as _html
from coplearn.teaching.routes import get_route, routes
from ._base import full_width, Composite, message

__all__ = ["RoutePicker"]


_KIND_LABELS = {"lesson": "Lesson", "exercise": "Graded exercise", "tool": "Practice tool"}


def _named(step: Any) -> object:
    """A step's name; a lesson's is a link that opens it (walk18 M5: the route listed lessons as file
    paths, with no links). The link is relative, so it opens the lesson beside this one in JupyterLab,
    the Notebook page and the app view; the browser edition's page opens ``data-coplearn-lesson`` in the
    same tab (coplearn.site.pages)."""
    if step.kind != "lesson":
        return step.label
    from markupsafe import Markup

    from coplearn.paper.concepts import get_lesson

    name = get_lesson(step.ref).filename
    # (target: an output's renderer opens a link it takes for another site's in a new tab, and the app
    # view's renderer takes every link so; a lesson opens in the same tab there, as from its front page)
    return _lesson_link(name, step.label)


def _lesson_link(filename: str, text: str) -> object:
    """A link that opens the lesson ``filename`` beside this one (see :func:`_named`), with ``text`` escaped."""
    from markupsafe import Markup

    return Markup('<a href="{0}" target="_self" data-coplearn-lesson="course/{0}">{1}</a>').format(filename, text)


def _where(step: Any) -> object:
    """Where to find a step, as HTML: a command in ``code`` (not with Markdown's backticks), and a lesson it names
    ("lesson 06: Using your team's survey") as a link that opens it, as the lessons' own rows have (walk28 L4)."""
    import re

    from markupsafe import Markup, escape

    from coplearn.paper.concepts import get_lesson

    def code(part: str) -> str:  # (escaped, with `command` as <code>command</code>)
        return re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(part)))

    where, out, at = str(step.where), [], 0
    for m in re.finditer(r"\blesson (\d\d): [^(,;:`]*[^(,;:` ]", where):
        try:
            name = get_lesson(m.group(1)).filename
        except LookupError:
            continue
        out.append(code(where[at:m.start()]))
        out.append(str(_lesson_link(name, m.group(0))))
        at = m.end()
    out.append(code(where[at:]))
    return Markup("".join(out))


def _as_output(html_text: str, plain: str) -> tuple[dict[str, Any], ...]:
    """``html_text`` as an output of an ``Output`` widget. JupyterLab (and the browser edition) draw an
    output's HTML through the notebook's own renderer, which opens a link to a file beside the lesson
    in a new tab; in an ``HTML`` widget the browser followed the link itself, against the page's address
    (``/lab/tree/course``), and lost the folder (walk19 #2)."""
    return ({"output_type": "display_data", "data": {"text/html": html_text, "text/plain": plain}, "metadata": {}},)


class RoutePicker(Composite):
    """Pick who you are and see the suggested route through lessons, exercises and tools.

    >>> rp = RoutePicker()
    >>> rp.route is None
    True
    >>> rp.choice.value = "manager"
    >>> rp.route.key, "coplearn audit report" in rp.html
    ('manager', True)
    """

    def __init__(self) -> None:
        super().__init__()
        self.route = None
        self.choice = W.RadioButtons(
            options=[(r.name, r.key) for r in routes()], value=None,
            description="I am taking this course as a", style={"description_width": "initial"},
            layout=W.Layout(width="auto"),
        )
        self.choice.observe(self.safely(self._on_change), names="value")
        self.path = W.HTML(value="", layout=full_width())
        self.table = W.Output(layout=full_width())  # the steps, with links to the lessons (see _as_output)
        self.view = W.VBox([self.choice, self.path, self.table, self.messages])
        self.show(None)

    @property
    def html(self) -> str:
        """What the route shows: its heading and summary, then its table of steps."""
        shown = "".join(o.get("data", {}).get("text/html", "") for o in self.table.outputs)
        return self.path.value + shown

    def _on_change(self, change: dict[str, Any]) -> None:
        self.show(change["new"])

    def show(self, key: str | None) -> None:
        """Show the route for ``key`` (or the invitation to choose when ``None``)."""
        if key is None:
            self.route = None
            self.path.value = message("Choose one of the options above to see a suggested path.", "info")
            self.table.outputs = ()
            return
        route = get_route(key)
        self.route = route
        if self.choice.value != route.key:
            self.choice.value = route.key
        # (a lesson's link says where it is: its file path made the table scroll sideways on a phone, check18 L7)
        rows = [(n, _KIND_LABELS[s.kind], _named(s), s.note, "the link opens it" if s.kind == "lesson" else _where(s))
                for n, s in enumerate(route.steps, 1)]
        self.path.value = (
            f'<div role="status"><h3>Suggested route for a {html.escape(route.name.lower())}</h3>'
            f"<p>{html.escape(route.who)}</p><p>{html.escape(route.summary)}</p></div>")
        caption = f"Your suggested path ({len(route.steps)} steps). It is a suggestion: any lesson can be opened at any time."
        plain = caption + "\n" + "\n".join(f"{n}. {s.label}" for n, s in enumerate(route.steps, 1))
        self.table.outputs = _as_output(str(_html.table(caption, ["step", "kind", "what", "why", "where to find it"],
                                                        rows)), plain)

