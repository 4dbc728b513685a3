"""Answer widgets for the graded exercises: answer every choice question without typing code.

Each control saves the learner's choice at once to ``answers.json`` beside the notebook
(:class:`coplearn.grading.store.AnswerStore`), so the choice survives closing the notebook, travels
with it when it is submitted, and is what the graded cells mark. Opening the notebook again
shows the saved choices. The widgets never wait for the browser, so nbgrader can run the
notebook without one.

- :class:`ChoiceQuestions`: one labelled drop-down per statement or vignette.
- :class:`SeveralChoices`: several drop-downs for one question ("name the two cultures").
- :class:`NumberAnswers`: labelled text boxes for numbers (no sliders: their handle has no
  accessible name in ipywidgets 8.1).

>>> import tempfile
>>> w = ChoiceQuestions("q1", {1: "A statement.", 2: "Another."}, kind="culture", folder=tempfile.mkdtemp())
>>> w.dropdowns[2].value = "democratic"
>>> w.store.get("q1.2"), w.saved["q1.2"]
('democratic', 'democratic')
"""

from __future__ import annotations

import re

import functools
import html
import os
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as W

from coplearn.grading.answers import printable
from coplearn.grading.options import Option, canonical, options
from coplearn.grading.resolve import note_items
from coplearn.grading.store import AnswerStore
from ._base import DESCRIBED_CLASS, KEYBOARD_SCRIPT, LABEL_STYLE, Composite, live_html, message
from ._style import COURSE_CLASS, course_style

__all__ = ["ChoiceQuestions", "NumberAnswers", "SeveralChoices"]

PLACEHOLDER = "Choose..."


#: At most this many saved answers are listed in a widget's text summary.
_SUMMARY_ITEMS = 20



def _natural(item: tuple[str, object]) -> list[tuple[int, int | str]]:
    """Sort key: a key's runs of digits as numbers, so that q1.2 comes before q1.10.

    >>> [k for k, _ in sorted({"q1.10": 0, "q1.2": 0, "q1": 0, "q1.1": 0}.items(), key=_natural)]
    ['q1', 'q1.1', 'q1.2', 'q1.10']
    """
    return [(0, int(t)) if t.isdigit() else (1, t) for t in re.split(r"(\d+)", item[0]) if t]

class _AnswerWidget(Composite):
    """Shared parts: the store, the status line, saving with a plain confirmation."""

    def __init__(self, question: str, folder: str | os.PathLike[str] | None) -> None:
        super().__init__()
        self.question = question
        self.store = AnswerStore(folder)
        self.saved: dict[str, Any] = {}
        self.status = live_html()
        reason = self.store.read_only_reason
        if reason and "tutor" in reason:
            self.status.value = message(reason, "info")

    def _save(self, key: str, value: Any, what: str) -> None:
        if self.store.save(key, value):
            self.saved[key] = value
            shown = "cleared" if value is None else f"saved: {what}"
            # (the check lines under the question are a cell's output: they change only when it runs again;
            # reach 9 L1: "Not ready yet" stayed under an answer just chosen)
            # (an answer typed in the answer cell comes first: walk29b M1, the line said the checks would show
            # a choice they did not)
            self.status.value = message(f"Your answer is {shown}. When you run the notebook again (Run \u2192 Run All "
                                        "Cells), the check lines under the question show the answer that will be "
                                        "marked. If you also typed an answer for this in the answer cell, the typed "
                                        "one is marked instead: set it back to None there to use this one.", "ok")
        else:
            self.saved[key] = value
        if self.store.last_warning:
            self.status.value = message(self.store.last_warning, "info")

    def _summary(self) -> str:
        chosen = self.store.all()
        mine = {k: v for k, v in chosen.items() if k == self.question or k.startswith(self.question + ".")}
        if not mine:
            return f"Answer widgets for {self.question}: nothing chosen yet."
        # a key or value a student wrote into answers.json by hand is shown written out, bounded
        # (line breaks and terminal codes as \n, \x1b): it cannot add a line of its own to what
        # formgrader and the feedback show under this locked cell
        # in the items' own order (q1.2 before q1.10: walk26 T-L4), not the order of the characters
        shown = [f"{printable(k)[:40]} = {printable(str(v))[:80]}" for k, v in sorted(mine.items(), key=_natural)]
        more = f", ... and {len(shown) - _SUMMARY_ITEMS} more" if len(shown) > _SUMMARY_ITEMS else ""
        return f"Answer widgets for {self.question}: " + ", ".join(shown[:_SUMMARY_ITEMS]) + more

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        if COURSE_CLASS not in self.view._dom_classes:
            # the course's style (reflow on a narrow screen, a visible focus ring, forced colours),
            # as every lesson widget has it (widgets/_style.py)
            self.view.add_class(COURSE_CLASS)
            self.view.children = (course_style(), *self.view.children)
        bundle = self.view._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        if isinstance(data, dict):
            data["text/plain"] = self._summary()  # what formgrader and feedback show
        return bundle

    def _ipython_display_(self) -> None:
        from IPython.display import HTML, display

        # The same keyboard fix as every course widget: arrow keys stay in the drop-down instead of
        # moving to the next cell, and letter keys cannot turn a graded cell into Markdown.
        display(HTML(KEYBOARD_SCRIPT), metadata={"coplearn": "keyboard"})
        bundle = self._repr_mimebundle_()
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        display(data, raw=True)


def _dropdown(opts: Sequence[Option], description: str, value: Any, described: bool = False) -> W.Dropdown:
    # The placeholder's value is "" rather than None: with None the drop-down shows as blank.
    # ``described``: the statement it answers is shown just before it (DESCRIBED_CLASS).
    choices = [(PLACEHOLDER, "")] + [(o.label, o.key) for o in opts]
    keys = {o.key for o in opts}
    return W.Dropdown(options=choices, value=value if value in keys else "", description=description,
                      style=LABEL_STYLE, layout=W.Layout(width="auto", max_width="100%"),
                      _dom_classes=[DESCRIBED_CLASS] if described else [])


def _chosen(value: Any) -> Any:
    """The option key a drop-down holds, or ``None`` for the placeholder."""
    return value if value else None


class ChoiceQuestions(_AnswerWidget):
    """One labelled drop-down per item; each choice is saved as ``"<question>.<item>"``.

    ``items`` maps each item (a number or name) to the text shown above its drop-down; pass
    ``None`` for a single question, saved as ``"<question>"``; an empty text shows the drop-down
    alone. ``kind`` names the option set (see :func:`coplearn.grading.options.options`). ``label`` starts
    each drop-down's accessible label, e.g. ``"Statement"`` gives "Statement 3: your answer";
    ``names`` gives items their own names instead ("Frank: readiness level"). ``title`` is
    shown above the drop-downs.
    """

    def __init__(self, question: str, items: Mapping[Any, str] | None, *, kind: str, label: str = "Statement",
                 prompt: str = "your answer", names: Mapping[Any, str] | None = None, title: str = "",
                 folder: str | os.PathLike[str] | None = None) -> None:
        super().__init__(question, folder)
        self.kind = kind
        self.opts = options(kind)
        saved = self.store.all()
        self.dropdowns: dict[Any, W.Dropdown] = {}
        rows: list[W.Widget] = [W.HTML(f"<p><strong>{html.escape(title)}</strong></p>")] if title else []
        entries = list(items.items()) if items is not None else [(None, "")]
        if items is not None:
            note_items(question, items)  # (so the checks can tell a typed key that names none of them: red team 30 M1)
        for item, text in entries:
            key = self.question if item is None else f"{self.question}.{item}"
            name = names[item] if names and item in names else f"{label} {item}"
            desc = prompt[:1].upper() + prompt[1:] if item is None else f"{name}: {prompt}"
            initial = canonical(saved.get(key), kind)
            dd = _dropdown(self.opts, desc, initial, described=bool(text))
            if _chosen(dd.value) is not None:
                self.saved[key] = dd.value
            dd.observe(self.safely(functools.partial(self._on_change, key, desc)), names="value")
            self.dropdowns[item if item is not None else question] = dd
            parts: list[W.Widget] = []
            if text:
                heading = f"<strong>{html.escape(name)}.</strong> " if item is not None else ""
                parts.append(W.HTML(f"<p>{heading}{html.escape(text)}</p>"))
            parts.append(dd)
            rows.append(W.VBox(parts, layout=W.Layout(margin="0 0 10px 0")))
        self.view = W.VBox(rows + [self.status, self.messages])

    def _on_change(self, key: str, desc: str, change: dict[str, Any]) -> None:
        value = _chosen(change["new"])
        label = next((o.label for o in self.opts if o.key == value), None)
        self._save(key, value, f"{desc.split(':')[0]}: {label}")


class SeveralChoices(_AnswerWidget):
    """``count`` drop-downs for one question that asks for several different answers.

    Choices are saved as ``"<question>.1"`` ... ``"<question>.<count>"``; the graded cell reads
    them with :func:`coplearn.grading.resolve.several`.
    """

    def __init__(self, question: str, count: int, *, kind: str, labels: Sequence[str] | None = None,
                 folder: str | os.PathLike[str] | None = None) -> None:
        super().__init__(question, folder)
        self.kind = kind
        self.opts = options(kind)
        saved = self.store.all()
        names = list(labels) if labels else [f"Choice {n} of {count}" for n in range(1, count + 1)]
        if len(names) != count:
            raise ValueError(f"SeveralChoices: {count} drop-downs need {count} labels, not {len(names)}")
        self.dropdowns: list[W.Dropdown] = []
        for n, name in enumerate(names, 1):
            key = f"{question}.{n}"
            dd = _dropdown(self.opts, name, canonical(saved.get(key), kind))
            if _chosen(dd.value) is not None:
                self.saved[key] = dd.value
            dd.observe(self.safely(functools.partial(self._on_change, key, name)), names="value")
            self.dropdowns.append(dd)
        self.view = W.VBox([*self.dropdowns, self.status, self.messages])

    def _on_change(self, key: str, name: str, change: dict[str, Any]) -> None:
        value = _chosen(change["new"])
        label = next((o.label for o in self.opts if o.key == value), None)
        self._save(key, value, f"{name}: {label}")


class NumberAnswers(_AnswerWidget):
    """Labelled text boxes for numeric answers, saved as ``"<question>.<item>"`` when the learner
    presses Enter or leaves the box. Text that is not a number is refused with a plain message.
    """

    def __init__(self, question: str, items: Mapping[Any, str], *,
                 folder: str | os.PathLike[str] | None = None) -> None:
        super().__init__(question, folder)
        saved = self.store.all()
        note_items(question, items)
        self.boxes: dict[Any, W.Text] = {}
        for item, desc in items.items():
            key = f"{question}.{item}"
            value = saved.get(key)
            box = W.Text(value="" if value is None else f"{value:g}" if isinstance(value, (int, float)) else str(value),
                         description=desc, placeholder="for example 3.25", continuous_update=False,
                         style=LABEL_STYLE, layout=W.Layout(width="auto"))
            if value is not None:
                self.saved[key] = value
            box.observe(self.safely(functools.partial(self._on_change, key, desc)), names="value")
            self.boxes[item] = box
        self.view = W.VBox([*self.boxes.values(), self.status, self.messages])

    def _on_change(self, key: str, desc: str, change: dict[str, Any]) -> None:
        text = str(change["new"]).strip().replace(",", ".")
        if not text:
            self._save(key, None, desc)
            return
        try:
            value = float(text)
        except ValueError:
            # (the box keeps showing the refused text: say what is still saved, and drop the earlier "saved" line,
            # which read as if this entry had been kept: walk29b L2)
            self.status.value = ""
            kept = self.store.get(key)  # (what is in the file: the tutor's read-only copy keeps nothing: rev30 L4)
            still = (f"so your saved answer is still {kept:g}" if isinstance(kept, (int, float)) and not isinstance(kept, bool)
                     else f"so your saved answer is still {printable(str(kept))[:40]}" if kept is not None
                     else "so nothing is saved for it yet")
            raise ValueError(f"For \"{desc}\", '{printable(str(change['new']))[:60]}' is not a number, {still}. Type "
                             "digits, for example 3.25, then press Enter.") from None
        self._save(key, value, f"{desc} = {value:g}")
