"""The journal's editor (lesson 11): complete an entry, or remove one saved by mistake.

Its own module, out of :mod:`coplearn.widgets.journal` (which re-exports it) so that that module stays
under its size. An edit or a removal is not kept aside when the journal is busy (another open copy of
the course saving for longer than a save waits): it is refused, changing nothing, and the message says
so, says that what was typed is still in the boxes, and what to press (fix24).
"""

from __future__ import annotations

import datetime as _dt
import html
from collections.abc import Sequence
from typing import Any

import ipywidgets as W

from coplearn.core.atomic import CLOSE_OTHERS
from coplearn.practice.journal import Journal, JournalLocked
from coplearn.practice.journal_entry import JournalEntry
from ._base import LABEL_STYLE, Composite, TwoStep, full_width, live_html, message


def entry_labels(entries: Sequence[JournalEntry], regulator: str | None = None) -> list[tuple[str, str]]:
    """The editor's list: (label, id) for each entry, in order. A label gives the date, the time the entry was saved
    (on the computer's clock; only when it was saved on that date), the title, and "to finish" when a heading of
    the CPD record is still to fill in. Entries that would still look the same are numbered (walk28 L6: five audits
    saved the same day were five identical lines).

    >>> from coplearn.practice.journal_entry import JournalEntry
    >>> a = JournalEntry.from_dict({"id": "a", "created": "2026-12-07T14:05:00+00:00", "date": "2026-12-07",
    ...                             "title": "Lesson 06: my team's audit", "learning": "Scores", "impact_practice": ""})
    >>> b = JournalEntry.from_dict({**a.to_dict(), "id": "b"})
    >>> [label.split(" ", 2)[2] for label, _ in entry_labels([a, b])]
    ["Lesson 06: my team's audit \u00b7 to finish", "Lesson 06: my team's audit \u00b7 to finish (2)"]
    """
    from coplearn.practice.cpd import cpd_fields

    labels: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for e in entries:
        when = e.date
        try:
            saved = _dt.datetime.fromisoformat(e.created).astimezone()
            if saved.date().isoformat() == e.date:
                when = f"{e.date} {saved:%H:%M}"
        except (TypeError, ValueError, OverflowError, OSError):
            pass
        try:
            unfinished = any(f.incomplete for f in cpd_fields(e, regulator))
        except (LookupError, ValueError):
            unfinished = False
        label = f"{when}: {(e.title or e.learning).strip()[:70] or '(no title)'}" + (" \u00b7 to finish" if unfinished else "")
        seen[label] = seen.get(label, 0) + 1
        labels.append((label if seen[label] == 1 else f"{label} ({seen[label]})", e.id))
    return labels

__all__ = ["JournalEditor"]


#: An entry chosen here that another tab or command removed meanwhile (its id means nothing to a learner).
_GONE = ("That entry is no longer in your journal (removed in another tab or window, perhaps): press "
         "\u201cRead my journal again\u201d.")


class JournalEditor(Composite):
    """Complete an entry of your journal, or remove one saved by mistake (walk18 M4).

    The "pause and reflect" boxes save what you learned and what you will do differently; Social Work
    England's CPD record also asks for the impact on the people who use services and whether you
    reflected with a peer (the course suggests noting the peer's role, never their name), and some
    regulators' exports show the time it took. Here you choose an entry, fill those in, and save;
    or remove an entry (it asks once first), for example one that names a person who uses services.

    >>> import tempfile, pathlib
    >>> j = Journal(pathlib.Path(tempfile.mkdtemp()) / "j.json")
    >>> e = j.add(title="Duty week", learning="Listening first helped.")
    >>> ed = JournalEditor(journal=j)
    >>> ed.entry.value == e.id, ed.impact_people.value
    (True, '')
    >>> ed.impact_people.value = "Families said the duty calls felt calmer."
    >>> ed.peer_role.value = "a senior practitioner"; ed.hours.value = "1.5"
    >>> saved = ed.save(); (saved.impact_people, saved.peer_reflection, saved.hours)
    ('Families said the duty calls felt calmer.', True, 1.5)
    """

    def __init__(self, journal: Journal | None = None) -> None:
        super().__init__()
        self.journal = journal
        wide = W.Layout(width="100%")
        self.entry = W.Dropdown(options=[], description="Entry to complete or remove", style=LABEL_STYLE,
                                layout=W.Layout(width="auto", max_width="100%"))
        self.reread = W.Button(description="Read my journal again", icon="refresh", layout=W.Layout(width="auto"),
                               tooltip="Show entries saved since this box was drawn (in this lesson or another)")
        self.shown = W.HTML(value="", layout=full_width())
        self.impact_practice = W.Textarea(  # (the lesson 06 audit's entry leaves this to the learner: walk26 M-M2)
            description="Impact on my practice", style=LABEL_STYLE, layout=wide, rows=3,
            placeholder="What you will do differently, in your own words (not the course's suggested steps).")
        self.impact_people = W.Textarea(
            description="Impact on people who use services", style=LABEL_STYLE, layout=wide, rows=3,
            placeholder="What changed, or may change, for the people you work with. Never name them.")
        self.peer = W.Checkbox(value=False, description="I reflected on this with a peer", indent=False,
                               layout=W.Layout(width="auto"))
        self.peer_role = W.Text(description="Their role (never their name)", style=LABEL_STYLE,
                                placeholder="e.g. a senior practitioner", layout=W.Layout(width="auto", max_width="100%"))
        self.hours = W.Text(description="Time it took, in hours", style=LABEL_STYLE, placeholder="e.g. 1.5",
                            layout=W.Layout(width="auto"))
        self.save_button = W.Button(description="Save changes to this entry", button_style="primary",
                                    icon="save", layout=W.Layout(width="auto"))
        self.remove_button = W.Button(description="Remove this entry", icon="trash", layout=W.Layout(width="auto"),
                                      tooltip="Remove the chosen entry from your journal (it asks once first)")
        self.remove_note = live_html()
        self._removing = TwoStep(self.remove_button, self.remove_note, "Yes, remove this entry",
                                 "This removes the entry from your journal for good (an export or copy made "
                                 "before keeps it). Press \u201cYes, remove this entry\u201d to go ahead.")
        self.status = live_html()
        self.entry.observe(self.safely(lambda _c: self._show()), names="value")
        self.reread.on_click(self.safely(lambda _b: self.refresh()))
        self.save_button.on_click(self.once_typed(self.save, (self.impact_practice, self.impact_people, self.peer_role,
                                                              self.hours), self.save_button))
        self.remove_button.on_click(self.safely(lambda _b: self._remove_pressed()))
        self.view = W.VBox([W.HBox([self.entry, self.reread], layout=W.Layout(flex_flow="row wrap")), self.shown,
                            self.impact_practice, self.impact_people, self.peer, self.peer_role, self.hours,
                            W.HBox([self.save_button, self.remove_button], layout=W.Layout(flex_flow="row wrap")),
                            self.remove_note, self.status, self.messages])
        self.refresh()

    def _journal(self) -> Journal:
        return self.journal if self.journal is not None else Journal()

    def refresh(self, keep: str | None = None) -> None:
        """Read the journal again and list its entries, newest first (``keep``: the entry to choose)."""
        journal = self._journal()
        entries = sorted(journal.entries, key=lambda e: (e.date, e.created), reverse=True)
        self._problem = getattr(journal, "read_problem", None)
        self._entries = {e.id: e for e in entries}
        chosen = keep if keep in self._entries else self.entry.value if self.entry.value in self._entries else None
        self.entry.options = entry_labels(entries, getattr(journal, "regulator", None))
        self.entry.value = chosen if chosen is not None else (entries[0].id if entries else None)
        self._show()

    def _show(self) -> None:
        """Fill the boxes in from the chosen entry."""
        self._removing.disarm()
        entry = self._entries.get(self.entry.value) if self.entry.value else None
        for box in (self.impact_practice, self.impact_people, self.peer, self.peer_role, self.hours,
                    self.save_button, self.remove_button):
            box.disabled = entry is None
        if entry is None:
            problem = getattr(self, "_problem", None)  # (a journal that cannot be read: why, not "no entries")
            self.shown.value = message(problem or "Your journal has no entries yet: save a reflection in any lesson "
                                       "first, then press \u201cRead my journal again\u201d.", "info")
            return
        learned = html.escape(entry.learning[:400] + ("\u2026" if len(entry.learning) > 400 else ""))
        self.shown.value = (f"<p><strong>{html.escape(entry.title or 'Untitled entry')}</strong> "
                            f"({html.escape(entry.date)}). What you learned: {learned}</p>")
        self.impact_practice.value = entry.impact_practice
        self.impact_people.value = entry.impact_people
        self.peer.value = entry.peer_reflection
        self.peer_role.value = entry.peer_role
        self.hours.value = "" if entry.hours is None else f"{entry.hours:g}"
        self._as_shown = self._boxes()

    def _boxes(self) -> dict[str, Any]:
        return {"impact_practice": self.impact_practice.value, "impact_people": self.impact_people.value,
                "peer_reflection": bool(self.peer.value), "peer_role": self.peer_role.value.strip(),
                "hours": self.hours.value.strip()}

    def save(self) -> Any:
        """Save the boxes into the chosen entry; say what was saved (and any warning, such as a role
        that looks like a name)."""
        import warnings

        if not self.entry.value:
            raise ValueError("Choose an entry first (or save a reflection in any lesson, then read the journal again).")
        self._removing.disarm()
        boxes = self._boxes()
        # only what was changed here is saved, so a change made elsewhere meanwhile stays (check18 L3)
        changed = {k: v for k, v in boxes.items() if v != self._as_shown.get(k)}
        if not changed:
            self.status.value = message("Nothing to save: no box was changed.", "info")
            return self._entries.get(self.entry.value)
        if boxes["peer_role"] and not boxes["peer_reflection"]:
            if "peer_reflection" in changed:  # unticked: a role is only for a reflection with a peer
                changed["peer_role"] = ""
            else:  # a role typed: that was a reflection with a peer
                changed["peer_reflection"] = True
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                entry = self._journal().update(self.entry.value, **changed)
            except LookupError:
                raise LookupError(_GONE) from None
            except JournalLocked as exc:  # (not kept aside: said, with what is kept and what to press; fix24)
                raise exc.saying("What you typed is still in the boxes above.", f"{CLOSE_OTHERS.capitalize()}, "
                                 f"then press \u201cSave changes to this entry\u201d again.") from None
        said = " ".join(str(w.message) for w in caught)
        self.refresh(keep=entry.id)
        self.status.value = message(f"Saved the changes to \u201c{entry.title or entry.date}\u201d."
                                    + (f" Note: {said}" if said else ""), "ok" if not said else "info")
        return entry

    def _remove_pressed(self) -> None:
        if self.entry.value and self._removing.press(something_to_lose=True):
            self.remove()

    def remove(self) -> None:
        """Remove the chosen entry from the journal."""
        entry = self._entries.get(self.entry.value) if self.entry.value else None
        if entry is None:
            raise ValueError("Choose an entry first.")
        self._removing.disarm()
        try:
            self._journal().remove(entry.id)
        except LookupError:
            raise LookupError(_GONE) from None
        except JournalLocked as exc:  # (not kept aside: said, and what to press; fix24)
            raise exc.saying(f"\u201c{entry.title or entry.date}\u201d is still in your journal.",
                             f"{CLOSE_OTHERS.capitalize()}, then press \u201cRemove this entry\u201d again (it asks "
                             f"once first).") from None
        self.refresh()
        self.status.value = message(f"Removed \u201c{entry.title or entry.date}\u201d from your journal.", "ok")
