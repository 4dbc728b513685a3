"""Widgets for finding your way round the course and for the early lessons (00-04).

- :class:`RoutePicker`: choose student, tutor or team manager and see a suggested path through
  the lessons, graded exercises and practice tools.
- :class:`JournalSetup`: shows where the reflective journal is saved (and how to move it with
  ``COPLEARN_JOURNAL``), and takes a first entry.
- :class:`ContextSorter`: a :class:`~coplearn.widgets.ChoiceSorter` loaded with one of the course's
  sorting activities (``pressures``, ``routes``, ``vignettes``, ``wenger``).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import ipywidgets as W

from coplearn.core import html as _html
from coplearn.teaching.context import get_route, routes, sort_activity
from coplearn.practice.journal import Journal, default_journal_path
from ._base import FULL_WIDTH, ChoiceItem, ChoiceSorter, Composite, JournalPrompt, message

__all__ = ["RoutePicker", "JournalSetup", "ContextSorter"]

_KIND_LABELS = {"lesson": "Lesson", "exercise": "Graded exercise", "tool": "Practice tool"}


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
        self.path = W.HTML(value="", layout=FULL_WIDTH)
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
        rows = [(n, _KIND_LABELS[s.kind], s.label, s.note, s.where) for n, s in enumerate(route.steps, 1)]
        self.path.value = (
            f'<div role="status"><h3>Suggested route for a {html.escape(route.name.lower())}</h3>'
            f"<p>{html.escape(route.who)}</p><p>{html.escape(route.summary)}</p></div>"
            + _html.table(f"Your suggested path ({len(route.steps)} steps). It is a suggestion: "
                          "any lesson can be opened at any time.",
                          ["step", "kind", "what", "why", "where to find it"], rows)
        )


class JournalSetup(Composite):
    """Show where the journal lives and take a first "what I hope to get from this course" entry.

    >>> import tempfile, pathlib
    >>> js = JournalSetup(journal=Journal(pathlib.Path(tempfile.mkdtemp()) / "j.json"))
    >>> "j.json" in js.where.value, js.count
    (True, 0)
    """

    PROMPT = ("What do you hope to get from this course? Think of one team, placement or situation "
              "where you would like to see people learn together better.")

    def __init__(self, journal: Journal | None = None) -> None:
        super().__init__()
        self.journal = journal
        self.where = W.HTML(value="", layout=FULL_WIDTH)
        self.check_button = W.Button(description="Check my journal", icon="book",
                                     tooltip="Show where the journal is saved and how many entries it has", layout=W.Layout(width="auto"))
        self.check_button.on_click(self.safely(lambda _b: self.refresh()))
        self.prompt = JournalPrompt(self.PROMPT, lesson="00", pcf=["professionalism"],
                                    title="Lesson 00: what I hope to get from this course", journal=journal)
        self.prompt.learning.placeholder = "What I hope to learn from this course, and why it matters to me."
        self.prompt.impact.placeholder = "Optional: one team or situation where I would like to use it."
        self.prompt.button.on_click(self.safely(lambda _b: self.refresh()))
        self.count = 0
        self.view = W.VBox([self.where, self.check_button, self.prompt.view, self.messages])
        self.refresh()

    @property
    def path(self) -> Path:
        return self.journal.path if self.journal is not None else default_journal_path()

    def refresh(self) -> None:
        """Re-read the journal file and say where it is and how many entries it holds."""
        journal = self.journal if self.journal is not None else Journal()
        self.count = len(journal.entries)
        exists = journal.path.exists()
        state = (f"It has {self.count} {'entry' if self.count == 1 else 'entries'}." if exists
                 else "It does not exist yet: it will be created when you save your first entry.")
        warning = f" Note: {journal.last_warning}" if getattr(journal, "last_warning", None) else ""
        self.where.value = (
            '<div role="status"><p><strong>Your journal is saved at:</strong> '
            f"<code>{html.escape(str(journal.path))}</code></p>"
            f"<p>{html.escape(state + warning)}</p></div>"
        )


class ContextSorter(ChoiceSorter):
    """A sorting activity from the course content, with instant feedback and the reasons.

    >>> s = ContextSorter("pressures")
    >>> s.choose("PR1", "managerial")
    >>> s.correct
    1
    """

    def __init__(self, activity: str) -> None:
        act = sort_activity(activity)
        self.activity = act
        items = [ChoiceItem(id=i.id, text=i.text, answer=i.answer, why=i.why) for i in act.items]
        super().__init__(items, act.options, question=act.question, title=act.title)
        self.view.children = (*self.view.children, W.HTML(_html.note(act.note)))
