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
    return Markup('<a href="{0}" data-coplearn-lesson="course/{0}">{1}</a>').format(name, step.label)


class RoutePicker(Composite):
    """Pick who you are and see the suggested route through lessons, exercises and tools.

    >>> rp = RoutePicker()
    >>> rp.route is None
    True
    >>> rp.choice.value = "manager"
    >>> rp.route.key, "coplearn audit report" in rp.path.value
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
        self.view = W.VBox([self.choice, self.path, self.messages])
        self.show(None)

    def _on_change(self, change: dict[str, Any]) -> None:
        self.show(change["new"])

    def show(self, key: str | None) -> None:
        """Show the route for ``key`` (or the invitation to choose when ``None``)."""
        if key is None:
            self.route = None
            self.path.value = message("Choose one of the options above to see a suggested path.", "info")
            return
        route = get_route(key)
        self.route = route
        if self.choice.value != route.key:
            self.choice.value = route.key
        # (a lesson's link says where it is: its file path made the table scroll sideways on a phone, check18 L7)
        rows = [(n, _KIND_LABELS[s.kind], _named(s), s.note, "the link opens it" if s.kind == "lesson" else s.where)
                for n, s in enumerate(route.steps, 1)]
        self.path.value = (
            f'<div role="status"><h3>Suggested route for a {html.escape(route.name.lower())}</h3>'
            f"<p>{html.escape(route.who)}</p><p>{html.escape(route.summary)}</p></div>"
            + _html.table(f"Your suggested path ({len(route.steps)} steps). It is a suggestion: "
                          "any lesson can be opened at any time.",
                          ["step", "kind", "what", "why", "where to find it"], rows)
        )

