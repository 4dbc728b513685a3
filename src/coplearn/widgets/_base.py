"""Building blocks every course widget shares.

A composite holds plain state (a model), the controls, and a view. Handlers are wrapped by
:meth:`Composite.safely`, so an exception appears in the widget's message area in plain English
instead of vanishing (JupyterLab hides what a callback prints). Controls are native ipywidgets
with descriptions, which become accessible labels.

The module runs past 400 lines because the pieces every lesson shares live together: the composite,
the sorter, the "pause and reflect" box (which keeps a learner's draft), status messages with a
download link for a file just written, and the chart output.
"""

from __future__ import annotations

import asyncio
import functools
import html
import sys
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as W
from IPython.display import HTML, display

from coplearn.core.atomic import PlainOSError, os_words
from coplearn.core.environment import place  # (the widgets name files with it: walk16 F2, F8)
from coplearn.practice.journal import Journal, JournalBusy
from coplearn.practice.journal_entry import JournalEntry, JournalWarning
from coplearn.practice.lesson_answers import LessonAnswers, Throttle, as_sentence

from ._style import COURSE_CLASS, COURSE_CSS
from ._style import course_style as _course_style

__all__ = ["Composite", "ChoiceItem", "ChoiceSorter", "JournalPrompt", "show_chart", "message", "place", "saved_message",
           "add_to_journal", "COURSE_CSS", "DESCRIBED_CLASS", "LIVE_CLASS", "UNSAVED_CLASS", "KeptSoon",
           "KEYBOARD_SCRIPT", "WAITING_CLASS", "full_width", "is_waiting", "live_html", "mark_waiting"]

LABEL_STYLE = {"description_width": "initial"}
#: The value of a drop-down's "Choose..." entry. Not None: ipywidgets shows a None value as a
#: blank box, and moving back to a None entry loses the selection.
NOT_CHOSEN = ""
@functools.cache
def full_width() -> W.Layout:
    """One full-width Layout shared by the course's widgets (one model on the page, not one each).

    Made on first use, not at import: a widget opens a channel to the page when it is made, and the
    browser edition imports this module before there is a page (see coplearn/site/snapshot.py)."""
    return W.Layout(width="100%")

#: In JupyterLab's command mode, keys pressed on a focused drop-down or radio button also fire
#: notebook shortcuts: the arrow keys jump to the next cell instead of changing the choice, and
#: typing an option's first letter can convert the cell ("m": Markdown) or delete it ("d d").
#: Lumino skips shortcuts inside elements marked ``data-lm-suppress-shortcuts``; this marks the
#: course's form controls, once per page, as they appear (see docs/accessibility.md), and makes
#: **Esc** leave such a control (to its notebook cell), the one key that otherwise did nothing
#: there. It also hides the drawing of each plotly chart from screen readers, which read its axis
#: ticks and labels as a string of loose words; the chart's title above it and its text
#: description and data table below it carry everything it shows (its toolbar, which takes the
#: focus, is left as it is).
#:
#: For screen readers (reach 11) it also: makes each feedback widget's own element a live region
#: (:func:`live_html`; or the element of any HTML widget once a ``role="status"`` message appears in
#: it), whose changes are announced, the message's own role (a status, or an error's alert) then being
#: left to it; gives a control
#: the statement it answers, shown just before it, as its description (:data:`DESCRIBED_CLASS`);
#: marks a button waiting to act on a press (:data:`WAITING_CLASS`) ``aria-disabled``;
#: makes each set of radio buttons a group named by its question (and one group for the keyboard:
#: the arrow keys move within it, Tab leaves it); names a chart's download button
#: after the chart; and gives a browser-edition lesson's tab its title (the site names every page
#: "coplearn").
KEYBOARD_SCRIPT = """<script>
(function () {
  if (window.__coplearnKeyboard) { return; }
  window.__coplearnKeyboard = true;
  var sel = '.jupyter-widgets select, .jupyter-widgets input, .jupyter-widgets textarea';
  var drawing = '.js-plotly-plot svg.main-svg';
  function all(node, s) {
    var found = Array.prototype.slice.call(node.querySelectorAll(s));
    if (node.matches && node.matches(s)) { found.unshift(node); }
    return found;
  }
  function liven(box) {
    if (!box || box.hasAttribute('data-coplearn-live')) { return; }
    box.setAttribute('data-coplearn-live', 'true');
    box.setAttribute('aria-live', 'polite');
    box.setAttribute('aria-atomic', 'true');
  }
  // a button whose press waits (Composite.once_typed) stays enabled, so that it keeps the focus (walk28 M1);
  // it is said to be unavailable until the press has been acted on
  function waiting(button) {
    if (button.classList.contains('coplearn-waiting')) {
      button.setAttribute('aria-disabled', 'true');
      button.setAttribute('data-coplearn-waiting', 'true');
    } else if (button.hasAttribute('data-coplearn-waiting')) {
      button.removeAttribute('aria-disabled');
      button.removeAttribute('data-coplearn-waiting');
    }
  }
  var statements = 0;
  function describe(widget) {
    var control = widget.querySelector('select, input, textarea');
    var before = widget.previousElementSibling;
    if (!control || !before || control.hasAttribute('aria-describedby')) { return; }
    if (!before.id) { statements += 1; before.id = 'coplearn-statement-' + statements; }
    control.setAttribute('aria-describedby', before.id);
  }
  function mark(node) {
    if (!node.querySelectorAll) { return; }
    all(node, sel).forEach(function (el) { el.setAttribute('data-lm-suppress-shortcuts', 'true'); });
    all(node, '.coplearn-described').forEach(describe);
    all(node, '.widget-html').forEach(function (el) {  // (a statement drawn after its control)
      var next = el.nextElementSibling;
      if (next && next.classList.contains('coplearn-described')) { describe(next); }
    });
    all(node, drawing).forEach(function (el) { el.setAttribute('aria-hidden', 'true'); });
    all(node, '.coplearn-live').forEach(liven);
    all(node, 'button.coplearn-waiting').forEach(waiting);
    all(node, '.widget-html [role="status"]').forEach(function (el) {
      var box = el.closest('.widget-html');
      liven(box);
      if (box !== el) { el.removeAttribute('role'); }
    });
    // an error in a live box is said by the box (one live region, not one inside another)
    all(node, '[data-coplearn-live] [role="alert"]').forEach(function (el) { el.removeAttribute('role'); });
    all(node, '.js-plotly-plot .modebar-btn').forEach(function (btn) {
      // "Download plot as a PNG" on every chart: name the chart (its title is shown just above it)
      var plot = btn.closest('.js-plotly-plot');
      var child = plot ? plot.closest('.jp-OutputArea-child') : null;
      var before = child ? child.previousElementSibling : null;
      var title = before ? before.querySelector('.coplearn-chart-title') : null;
      if (title && title.textContent.trim() && /png/i.test(btn.getAttribute('data-title') || '')) {
        btn.setAttribute('aria-label', 'Download the chart "' + title.textContent.trim() + '" as a PNG');
      }
    });
    all(node, '.widget-radio-box').forEach(function (box) {
      var label = box.parentElement ? box.parentElement.querySelector('label.widget-label') : null;
      box.setAttribute('role', 'radiogroup');
      if (label && label.textContent.trim()) { box.setAttribute('aria-label', label.textContent.trim()); }
      group(box);
    });
    all(node, 'input[type="radio"]').forEach(function (input) {  // (options drawn again into a box)
      var box = input.closest('.widget-radio-box');
      if (box) { group(box); }
    });
  }
  // ipywidgets draws a question's radio buttons without a shared name, so the browser did not treat
  // them as one group: the arrow keys went on into the next question and changed its answer, and Tab
  // stopped at every button (walk16 F11). A shared name makes them one group, as a form's are.
  var groups = 0;
  function group(box) {
    var name = box.getAttribute('data-coplearn-group');
    if (!name) { groups += 1; name = 'coplearn-group-' + groups; box.setAttribute('data-coplearn-group', name); }
    box.querySelectorAll('input[type="radio"]').forEach(function (input) {
      if (input.name !== name) { input.name = name; }
    });
  }
  // The browser edition names every page "coplearn": a lesson's tab takes its title (its first heading)
  function retitle() {
    if (document.title !== 'coplearn') { return; }
    var h1 = document.querySelector('.jp-RenderedMarkdown h1');
    var text = h1 ? h1.textContent.replace(/\u00b6/g, '').trim() : '';
    if (text) { document.title = text + ' \u2013 coplearn'; }
  }
  mark(document);
  retitle();
  // Esc leaves a form control (in JupyterLab, for the notebook: command mode), so that a learner
  // using the keyboard can get out of a drop-down without a key that changes the answer (reach 10)
  document.addEventListener('keydown', function (ev) {
    var el = ev.target;
    if (ev.key !== 'Escape' || ev.isComposing || !el || !el.matches || !el.matches(sel)) { return; }
    ev.preventDefault();
    ev.stopPropagation();
    var home = el.closest('.jp-Cell') || el.closest('.jp-Notebook');
    el.blur();
    if (home) {
      if (!home.hasAttribute('tabindex')) { home.setAttribute('tabindex', '-1'); }
      home.focus();
    }
  }, true);
  // ipywidgets may add a widget's own classes after it is on the page: a class added later counts too
  new MutationObserver(function (records) {
    retitle();
    records.forEach(function (r) {
      if (r.type !== 'attributes') { r.addedNodes.forEach(mark); return; }
      var el = r.target;
      if (el.classList.contains('coplearn-described')) { describe(el); }
      if (el.classList.contains('coplearn-live')) { liven(el); }
      if (el.tagName === 'BUTTON') { waiting(el); }
    });
  }).observe(document.body, {childList: true, subtree: true, attributes: true, attributeFilter: ['class']});
})();
</script>"""


#: The class of an HTML widget whose changes a screen reader announces (:func:`live_html`).
LIVE_CLASS = "coplearn-live"
#: The class of a control that answers the statement shown just before it (an HTML widget): that
#: statement is the control's description for a screen reader (:data:`KEYBOARD_SCRIPT`), whose name
#: is only "K1 rating" or "... (statement 3)" (reach 11).
DESCRIBED_CLASS = "coplearn-described"


def live_html(value: str = "", **kwargs: Any) -> W.HTML:
    """An HTML widget for feedback and status lines, announced by a screen reader when it changes.

    A ``role="status"`` inside a widget's value is made anew with each change, and screen readers
    reliably announce only changes inside a live region that was already on the page (reach 11).
    So the widget's own element, which stays while its value changes, is the live region
    (:data:`KEYBOARD_SCRIPT` marks it, in JupyterLab, Voila and the browser edition alike)."""
    return W.HTML(value=value, _dom_classes=[LIVE_CLASS], **kwargs)


def message(text: str, kind: str = "info") -> str:
    """HTML for a status message; errors are announced to screen readers (role=alert)."""
    role = "alert" if kind == "error" else "status"
    prefix = {"error": "Problem: ", "ok": "", "info": ""}.get(kind, "")
    colour = {"error": "#B00020", "ok": "#00573F", "info": "#222222"}.get(kind, "#222222")
    return f'<div role="{role}" style="color:{colour}">{prefix}{html.escape(text)}</div>'


#: How a download link in a message looks: underlined and bold, in the message's colour.
LINK_STYLE = "text-decoration:underline;font-weight:bold"
#: Files larger than this get no download link (the link carries the whole file in the page).
DOWNLOAD_LIMIT = 8 * 1024 * 1024
_MIME = {".md": "text/markdown", ".html": "text/html", ".json": "application/json", ".csv": "text/csv",
         ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def saved_message(text: str, path: Any) -> str:
    """An "ok" message for a file the learner just wrote, with a link that downloads it.

    The browser edition's lesson page has no file browser, and "find it in the file browser" sent
    learners through File > Open to a folder of lessons (reach review 8, R7). The link carries the
    file itself (a ``data:`` address), so it works in JupyterLab, Voila and the browser edition
    alike; a file over :data:`DOWNLOAD_LIMIT`, or one that cannot be read back, gets none.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "plan.md"; _ = f.write_text("# My plan")
    >>> print(saved_message("Saved.", f))
    <div role="status" style="color:#00573F">Saved. <a download="plan.md" href="data:text/markdown;base64,IyBNeSBwbGFu" style="text-decoration:underline;font-weight:bold">Download plan.md</a></div>
    """
    import base64
    from pathlib import Path

    link = ""
    try:
        where = Path(path)
        if where.stat().st_size <= DOWNLOAD_LIMIT:
            data = base64.b64encode(where.read_bytes()).decode("ascii")
            mime = _MIME.get(where.suffix.lower(), "application/octet-stream")
            name = html.escape(where.name, quote=True)
            # underlined and bold: a link must not be told from the sentence by colour alone (WCAG 1.4.1;
            # JupyterLab's widgets draw it in the message's colour: walk16 F8)
            link = (f' <a download="{name}" href="data:{mime};base64,{data}" style="{LINK_STYLE}">'
                    f'Download {name}</a>')
    except (OSError, TypeError, ValueError):
        link = ""
    return f'<div role="status" style="color:#00573F">{html.escape(text)}{link}</div>'


def show_chart(chart: Any, out: W.Output) -> None:
    """Redraw ``chart`` (a :class:`coplearn.figures.Chart`) and its text alternative in ``out``.

    The figure and its description are written straight into the Output widget's ``outputs``
    rather than captured with ``with out: display(...)``. Capturing makes the notebook runner
    (nbclient, and so Voila and the lesson tests) send widget updates back to the kernel while it
    waits for the cell to finish, and that sometimes stalls the cell until its timeout.
    """
    from coplearn.figures._base import figure_bundle, figure_title, title_html

    out.outputs = (
        {"output_type": "display_data", "metadata": {},
         "data": {"text/html": title_html(figure_title(chart.figure, chart.alt.title)), "text/plain": ""}},
        {"output_type": "display_data", "data": figure_bundle(chart.figure, chart.alt.title), "metadata": {}},
        {"output_type": "display_data", "metadata": {},
         "data": {"text/html": chart.alt.html(), "text/plain": chart.alt.description}},
    )


#: Seconds after a destructive button asks "are you sure?" during which a press is taken for the
#: second click of a double click and ignored (walk16 F14: a double click on "Clear all ratings"
#: armed the question and answered it, wiping 26 saved ratings).
CONFIRM_AFTER = 1.0


#: The class of a "Saving..." line while a learner's answers wait to be kept (:class:`KeptSoon`): the
#: browser edition's page asks before the tab is closed while one is shown (coplearn.site.pages).
UNSAVED_CLASS = "coplearn-unsaved"


class KeptSoon:
    """A learner's answers, given one after another, kept a moment later in one write.

    In the browser edition each rating took Python about half a second to keep and to redraw the
    chart, so ratings given quickly with the keyboard queued up behind each other, and closing the
    tab a second after the last lost the ones still waiting, without a word (walk18 H1: 6 and 11 of
    26). Now a change is noted at once, and the answers waiting are kept in one write (and ``then``,
    a redraw, is run once) when the interval is up; the first change of a quiet spell is kept at
    once. While answers wait, ``marker`` says so and carries :data:`UNSAVED_CLASS`. Outside a kernel
    (a test) each change is kept at once."""

    SAVING = "<p><em>Keeping your answers\u2026</em></p>"

    def __init__(self, kept: LessonAnswers | None, marker: W.HTML, on_problem: Callable[[str], None],
                 then: Callable[[], None] | None = None, wrap: Callable[[Callable[[], None]], Callable[[], None]] = lambda f: f,
                 seconds: float = 0.8, loop: Callable[[], Any] | None = None) -> None:
        self.kept, self.marker, self.on_problem, self.then = kept, marker, on_problem, then
        self.pending: dict[str, Any] = {}
        self._soon = Throttle(wrap(self._run), seconds=seconds, loop=loop)

    def put(self, key: str, value: Any) -> None:
        """Keep ``value`` for ``key`` (``None``: forget it) soon."""
        self.pending[key] = value
        if UNSAVED_CLASS not in self.marker._dom_classes:
            self.marker.value = self.SAVING
            self.marker.add_class(UNSAVED_CLASS)
        self._soon()

    def touch(self) -> None:
        """Run ``then`` soon, keeping nothing (a change that is not the learner's own answer)."""
        self._soon()

    def flush(self) -> None:
        """Keep what waits now."""
        if self._soon.pending:
            self._soon.flush()
        elif self.pending:
            self._run()

    def drop(self) -> None:
        """Forget what waits (the answers are being cleared)."""
        self._soon.cancel()
        self.pending.clear()
        self._unmark()

    def _unmark(self) -> None:
        if UNSAVED_CLASS in self.marker._dom_classes:
            self.marker.remove_class(UNSAVED_CLASS)
            self.marker.value = ""

    def _run(self) -> None:
        try:
            if self.pending and self.kept is not None:
                changes, self.pending = dict(self.pending), {}
                problem = self.kept.update_many(changes)
                if problem:
                    self.on_problem(problem)
            self.pending.clear()
            self._unmark()
        finally:
            if self.then is not None:
                self.then()


class TwoStep:
    """A button that asks once before doing something that cannot be undone.

    The first press (when there is something to lose) renames the button to ``confirm`` and says
    ``warning`` in ``note`` (a status line beside the button); a second press at least
    :data:`CONFIRM_AFTER` seconds later goes ahead. :meth:`disarm` puts the button back (the learner
    changed something, or it was done)."""

    def __init__(self, button: W.Button, note: W.HTML, confirm: str, warning: str) -> None:
        self.button, self.note, self.confirm, self.warning = button, note, confirm, warning
        self.label = button.description
        self.armed_at: float | None = None

    def press(self, something_to_lose: bool) -> bool:
        """Whether to go ahead now."""
        import time

        if not something_to_lose:
            return True
        if self.armed_at is None:
            self.armed_at = time.monotonic()
            self.button.description = self.confirm
            self.note.value = message(self.warning, "info")
            return False
        return time.monotonic() - self.armed_at >= CONFIRM_AFTER  # (a double click's second click: ignored)

    def disarm(self) -> None:
        if self.armed_at is not None:
            self.armed_at = None
            self.button.description = self.label
            if self.warning in self.note.value:
                self.note.value = ""


#: How long typing in a box must have been quiet before a button that reads the box acts (seconds). While the kernel
#: is busy, the page holds back a text box's later changes but sends a button press at once, so on a slow computer
#: (the browser edition on a Chromebook or phone) a press just after the last key reached the kernel before the last
#: words did: a reflection was saved cut off, or not at all, under "Saved to your journal" (walk27 H1).
SETTLE_SECONDS = 0.6


#: The class of a button whose press is waiting or being acted on (:meth:`Composite.once_typed`). Such a button is
#: not disabled: a focused element that becomes disabled gives the keyboard focus to the page body, so the next Tab
#: started again from the top of the page and a screen reader lost its place (walk28 M1). Instead the press handler
#: ignores further presses, the page script (:data:`KEYBOARD_SCRIPT`) marks the button ``aria-disabled`` and the
#: course's CSS shows it dimmed, with a "busy" pointer, until the press has been acted on.
WAITING_CLASS = "coplearn-waiting"


def mark_waiting(button: W.Button, on: bool) -> None:
    """Show ``button`` as waiting (``on``) or ready again, keeping it enabled (:data:`WAITING_CLASS`)."""
    if on and WAITING_CLASS not in button._dom_classes:
        button.add_class(WAITING_CLASS)
    elif not on and WAITING_CLASS in button._dom_classes:
        button.remove_class(WAITING_CLASS)


def is_waiting(button: W.Button) -> bool:
    """Whether ``button`` is marked as waiting (:func:`mark_waiting`)."""
    return WAITING_CLASS in button._dom_classes


def live_loop() -> Any:
    """The event loop of the kernel this code runs in, when one is running (ipykernel, Voila; the browser edition's
    Pyodide loop, which always runs), or None (a plain Python session, the tests): then a handler acts at once."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        pass
    if sys.platform == "emscripten":  # (Pyodide: its WebLoop is the policy's loop, and always running)
        loop = asyncio.get_event_loop_policy().get_event_loop()
        return loop if loop.is_running() else None
    return None


class Composite:
    """Base for course widgets: ``view`` is what is displayed, ``messages`` shows problems."""

    def __init__(self) -> None:
        self.messages = live_html(layout=full_width())
        self.view: W.Widget = W.VBox([])
        self.last_error: str | None = None
        #: The displayed widget whose activity this one's use counts towards (set on display).
        self._progress_owner: Composite | None = None

    # -- progress: noted locally when a displayed course activity is used (coplearn.practice.progress) --
    def _progress_key(self) -> str:
        """The activity's id in ``progress.toml``: the class name, plus a sorting activity's key."""
        act = getattr(self, "activity", None)
        key = getattr(act, "key", None)
        name = type(self).__name__
        return f"{name}:{key}" if isinstance(key, str) else name

    def _progress_ready(self) -> bool:
        """Whether using the widget now completes the activity (a sorter needs every answer)."""
        return True

    def _progress_attach(self, owner: "Composite") -> None:
        self._progress_owner = owner
        for value in list(vars(self).values()):
            if isinstance(value, Composite) and value._progress_owner is None:
                value._progress_attach(owner)

    def _progress_note(self) -> None:
        owner = self._progress_owner
        if owner is None or not self._progress_ready():
            return
        try:
            from coplearn.practice import progress

            progress.mark_activity(owner._progress_key())
        except Exception:  # noqa: BLE001 - progress notes must never break an activity
            pass
        self._show_progress_problem()

    def _show_progress_problem(self) -> None:
        """Say on the page, once in a session, that the course's progress could not be noted (walk23 M2:
        with the browser's storage full, only the console said so)."""
        try:
            from coplearn.practice import progress

            said = progress.problem_to_show()
        except Exception:  # noqa: BLE001 - progress notes must never break an activity
            return
        if said:
            self.messages.value = message(said, "info")

    def safely(self, handler: Callable[..., Any]) -> Callable[..., Any]:
        """Wrap a handler so that any error is shown to the learner, not swallowed."""

        @functools.wraps(handler)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            try:
                self.messages.value = ""
                self.last_error = None
                result = handler(*args, **kwargs)
                self._progress_note()
                return result
            except (ValueError, LookupError, OSError, TimeoutError) as exc:
                self.last_error = str(exc)
                self.messages.value = message(str(exc), "error")
                details = getattr(exc, "details", None)  # (a lock's file and owner: the console, never the page)
                if details:
                    warnings.warn(f"The journal's lock: {details}", JournalWarning, stacklevel=2)
            except Exception as exc:  # noqa: BLE001 - shown, never swallowed
                self.last_error = f"{exc.__class__.__name__}: {exc}"
                self.messages.value = message(
                    f"Something went wrong ({exc.__class__.__name__}: {exc}). Please tell your tutor.", "error"
                )
            return None

        return wrapped

    def once_typed(self, handler: Callable[[], Any], boxes: Sequence[W.Widget], button: W.Button) -> Callable[[Any], None]:
        """An ``on_click`` callback that runs ``handler`` (:meth:`safely`) once typing in ``boxes`` has been quiet for
        :data:`SETTLE_SECONDS`, so that it reads what the boxes show (walk27 H1). Meanwhile, and while ``handler``
        runs, ``button`` is marked as waiting (:func:`mark_waiting`), not disabled, so that it keeps the keyboard
        focus (walk28 M1), and a second press does nothing. With no running kernel loop (:func:`live_loop`) it
        runs at once."""
        typed = [0.0]
        pending = [False]

        def note(_change: Any) -> None:
            typed[0] = time.monotonic()

        for box in boxes:
            box.observe(note, names="value")
        run = self.safely(handler)

        def pressed(_button: Any) -> None:
            loop = live_loop()
            if loop is None:
                run()
                return
            if pending[0]:  # (a press while one waits or runs: ignored)
                return
            pending[0] = True
            mark_waiting(button, True)

            def attempt() -> None:
                left = typed[0] + SETTLE_SECONDS - time.monotonic()
                if left > 0.01:
                    loop.call_later(left, attempt)
                    return
                try:
                    run()
                finally:
                    pending[0] = False
                    mark_waiting(button, False)

            loop.call_later(SETTLE_SECONDS, attempt)

        return pressed

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.view._repr_mimebundle_(**kwargs)

    def _ipython_display_(self) -> None:
        self._progress_attach(self)
        try:
            from coplearn.practice import progress

            lesson = progress.lesson_of(self._progress_key())
            if lesson is not None:
                progress.opened(lesson)
        except Exception:  # noqa: BLE001 - progress notes must never stop a lesson showing
            pass
        self._show_progress_problem()
        display(HTML(KEYBOARD_SCRIPT), metadata={"coplearn": "keyboard"})
        display(W.VBox([_course_style(), self.view], _dom_classes=[COURSE_CLASS]))


@dataclass(frozen=True, kw_only=True, slots=True)
class ChoiceItem:
    """One statement to sort: its text, the right category and why it belongs there."""

    id: str
    text: str
    answer: str
    why: str


class SharedLook:
    """Layout and style widgets shared by the many similar controls of one activity.

    ipywidgets gives every control a Layout and a style widget of its own unless it is handed one, so
    a labelled drop-down is three widgets and a line of text two more: each a message to the page and
    a model in it (a 26-statement culture profile sent the page 266 such messages; 130 with this).
    An activity makes one ``SharedLook`` and hands its layouts and styles to its controls instead. They are never changed
    after they are made (nothing in coplearn changes a control's layout or style), and never shared
    between activities, so closing one activity's widgets leaves the others whole.
    """

    def __init__(self) -> None:
        self._made: dict[tuple[Any, ...], W.Widget] = {}

    def _get(self, cls: type, **settings: Any) -> Any:
        key = (cls, tuple(sorted(settings.items())))
        if key not in self._made:
            self._made[key] = cls(**settings)
        return self._made[key]

    def layout(self, **settings: Any) -> W.Layout:
        return self._get(W.Layout, **settings)

    def label_style(self) -> Any:
        """The style (a ``DescriptionStyle``) of a control whose label is shown in full (:data:`LABEL_STYLE`)."""
        from ipywidgets.widgets.widget_description import DescriptionStyle

        return self._get(DescriptionStyle, **LABEL_STYLE)

    def html(self, value: str = "", *, live: bool = False, **layout: Any) -> W.HTML:
        """An HTML widget with the shared plain layout (or the one given) and style; ``live`` for one
        whose changes are announced (:func:`live_html`)."""
        from ipywidgets.widgets.widget_string import HTMLStyle

        return W.HTML(value=value, layout=self.layout(**layout), style=self._get(HTMLStyle),
                      _dom_classes=[LIVE_CLASS] if live else [])


class ChoiceSorter(Composite):
    """Sort statements into categories, with instant feedback that explains the right answer.

    ``options`` is a sequence of ``(key, label)``. Each statement gets a Dropdown labelled with
    the statement number; choosing shows whether it fits and why.
    """

    PLACEHOLDER = "Choose..."


    def __init__(self, items: Sequence[ChoiceItem], options: Sequence[tuple[str, str]], *,
                 question: str = "Which fits best?", title: str = "") -> None:
        super().__init__()
        self.items = list(items)
        self.options = list(options)
        self.labels = dict(options)
        self.choices: dict[str, str | None] = {i.id: None for i in self.items}
        self.dropdowns: dict[str, W.Dropdown] = {}
        self.feedback: dict[str, W.HTML] = {}
        rows: list[W.Widget] = []
        look = SharedLook()
        if title:
            rows.append(look.html(f"<p><strong>{html.escape(title)}</strong></p>"))
        for n, item in enumerate(self.items, 1):
            dd = W.Dropdown(
                options=[(self.PLACEHOLDER, NOT_CHOSEN)] + [(label, key) for key, label in self.options],
                value=NOT_CHOSEN, description=f"{question} (statement {n})", style=look.label_style(),
                layout=look.layout(width="auto"), _dom_classes=[DESCRIBED_CLASS],
            )
            dd.observe(self.safely(functools.partial(self._on_change, item.id)), names="value")
            fb = look.html("", live=True)
            self.dropdowns[item.id] = dd
            self.feedback[item.id] = fb
            rows.append(W.VBox([
                look.html(f"<p><strong>{n}.</strong> {html.escape(item.text)}</p>"), dd, fb,
            ], layout=look.layout(margin="0 0 12px 0")))
        self.score_line = look.html(self._score_text(), live=True)
        self.view = W.VBox(rows + [self.score_line, self.messages])

    def _on_change(self, item_id: str, change: dict[str, Any]) -> None:
        self.choose(item_id, change["new"] or None)

    def choose(self, item_id: str, key: str | None) -> None:
        """Record a choice (also what the Dropdown does) and show feedback."""
        item = next(i for i in self.items if i.id == item_id)
        if key is not None and key not in self.labels:
            raise LookupError(f"{key!r} is not one of the options: {', '.join(self.labels)}")
        self.choices[item_id] = key
        if (self.dropdowns[item_id].value or None) != key:
            self.dropdowns[item_id].value = key if key is not None else NOT_CHOSEN
        if key is None:
            self.feedback[item_id].value = ""
        elif key == item.answer:
            self.feedback[item_id].value = message(f"Yes: {self.labels[key]}. {item.why}", "ok")
        else:
            self.feedback[item_id].value = message(
                f"Not quite: this is {self.labels[item.answer]}, not {self.labels[key]}. {item.why}", "info")
        self.score_line.value = self._score_text()

    def _progress_ready(self) -> bool:
        return self.answered == len(self.items)

    @property
    def correct(self) -> int:
        return sum(self.choices[i.id] == i.answer for i in self.items)

    @property
    def answered(self) -> int:
        return sum(v is not None for v in self.choices.values())

    def _score_text(self) -> str:
        return (f'<p role="status">{self.correct} of {len(self.items)} placed where the course puts them '
                f"({self.answered} answered).</p>")


class JournalPrompt(Composite):
    """A "pause and reflect" box that saves to the learner's journal as a CPD-ready entry.

    Works the same in JupyterLab and in the app view: the text boxes and the button are widgets
    and saving happens in the kernel through :class:`coplearn.Journal`. What the learner types is
    kept as a draft beside the journal (:class:`coplearn.practice.lesson_answers.LessonAnswers`,
    written at most every two seconds) and filled in again when the lesson is next opened, until
    it is saved: a reload or a closed tab no longer loses a reflection half written.
    """

    #: Drafts of every prompt share one small file beside the journal.
    DRAFTS = "reflection-drafts"
    #: A draft longer than this (in characters, about 1,500 words) is not kept, so that long pastes
    #: cannot fill the file every lesson's drafts share (its reader refuses a file over 1 MB).
    DRAFT_LIMIT = 10_000
    TOO_LONG = "This reflection is too long to keep as a draft; save it to your journal to keep it."
    #: Said when a save fails: the reflection is not lost (walk23 M2).
    STILL_HERE = ("What you wrote is still in the boxes above, and nothing was lost: copy it somewhere safe (into a "
                  "document, or an email to yourself) before you close this page.")

    def __init__(self, prompt: str, *, lesson: str, concepts: Sequence[str] = (),
                 pcf: Sequence[str] = (), title: str = "", journal: Journal | None = None) -> None:
        super().__init__()
        self.prompt = prompt
        self.lesson = lesson
        self.concepts = tuple(concepts)
        self.pcf = tuple(pcf)
        self.title = title or f"Lesson {lesson}: reflection"
        self.journal = journal
        self.saved: JournalEntry | None = None
        # rows, not a fixed height: the label may go above the box on a narrow screen (COURSE_CSS)
        self.learning = W.Textarea(description="What I learned or noticed", style=LABEL_STYLE,
                                   layout=W.Layout(width="100%"), rows=5,
                                   placeholder="Write a few sentences in your own words.")
        self.impact = W.Textarea(description="What I will do differently in practice", style=LABEL_STYLE,
                                 layout=W.Layout(width="100%"), rows=3,
                                 placeholder="Optional: one concrete change.")
        self.button = W.Button(description="Save to my journal", button_style="primary",
                               tooltip="Save this reflection to your journal", icon="")
        self.status = live_html()
        self.button.on_click(self.once_typed(self.save, (self.learning, self.impact), self.button))
        #: Called with nothing once an entry is saved (lesson 00's line on the journal: walk28 L5).
        self.after_save: list[Callable[[], None]] = []
        self.view = W.VBox([
            W.HTML(f'<div role="group" aria-label="Pause and reflect"><p><strong>Pause and reflect.</strong> '
                   f"{html.escape(prompt)}</p></div>"),
            self.learning, self.impact, self.button, self.status, self.messages,
        ], layout=W.Layout(border="1px solid #767676", padding="8px", margin="8px 0"))
        from coplearn.practice.progress import prompt_key

        self.drafts = LessonAnswers(self.DRAFTS, journal.path if journal is not None else None)
        self.draft_key = f"{lesson} {prompt_key(prompt)}"
        self._saved_text: tuple[str, str] | None = None
        self._keep_later = Throttle(self.safely(self._keep_draft))
        self.safely(self._restore_draft)()
        for box in (self.learning, self.impact):
            box.observe(lambda _c: self._keep_later(), names="value")

    # -- the draft kept until the reflection is saved -----------------------------------------------
    def _restore_draft(self) -> None:
        draft = self.drafts.load().get(self.draft_key)
        if self.drafts.last_warning:
            self.status.value = message(self.drafts.last_warning, "info")
        if not isinstance(draft, dict):
            return
        learning, impact = draft.get("learning"), draft.get("impact")
        if not isinstance(learning, str) or not isinstance(impact, str) or not (learning + impact).strip():
            return
        if self._in_journal(learning, impact):  # saved already (in another tab, or before a stray key press)
            self.drafts.update(self.draft_key, None)
            return
        self.learning.value, self.impact.value = learning, impact
        self.status.value = message("What you wrote here last time is filled in again. It is not in your journal "
                                    "until you press \u201cSave to my journal\u201d.", "info")

    def _journal(self) -> Journal:
        return self.journal if self.journal is not None else Journal()

    def _in_journal(self, learning: str, impact: str) -> bool:
        """True when the journal already holds this prompt's reflection with these words."""
        journal = self._journal()
        return any(e.lesson == self.lesson and e.prompt == self.prompt and e.learning.strip() == learning.strip()
                   and e.impact_practice.strip() == impact.strip() for e in journal.entries)

    def _keep_draft(self) -> None:
        learning, impact = self.learning.value, self.impact.value
        if len(learning) + len(impact) > self.DRAFT_LIMIT:
            self.drafts.update(self.draft_key, None)  # (an older, shorter draft must not come back instead)
            self.status.value = message(self.TOO_LONG, "info")
            return
        if self.TOO_LONG in self.status.value:
            self.status.value = ""
        unsaved = (learning + impact).strip() and (learning, impact) != self._saved_text
        draft = {"learning": learning, "impact": impact} if unsaved else None
        problem = self.drafts.update(self.draft_key, draft)
        if problem:
            self.status.value = message(as_sentence(problem), "info")

    def save(self) -> JournalEntry:
        """Save what is in the boxes as a new journal entry and confirm where it went."""
        if not self.learning.value.strip():
            raise ValueError("Write a sentence or two under 'What I learned or noticed' before saving.")
        if self.saved is not None and (self.learning.value, self.impact.value) == self._saved_text:
            return self.saved  # pressed again with nothing changed: one record, not two (review 9b)
        # said at once: in the browser edition on a slow computer a save takes several seconds (reach 12)
        self.status.value = message("Saving to your journal…", "info")
        mark_waiting(self.button, True)  # (not disabled: the button keeps the keyboard focus, walk28 M1)
        try:
            entry = self._save()
        except BaseException:
            self.status.value = ""  # (the problem line says what went wrong; not "Saving…" beside it)
            raise
        finally:
            mark_waiting(self.button, False)
        for then in self.after_save:  # (once saved, not when pressed: the save waits for typing to settle)
            then()
        return entry

    def _save(self) -> JournalEntry:
        journal = self._journal()
        try:  # (a busy journal: kept safe beside it, and saved into it later; said at once: walk22 L11)
            entry, _new, busy = add_to_journal(self.status, lambda: journal.add(
                title=self.title, prompt=self.prompt, lesson=self.lesson, learning=self.learning.value,
                impact_practice=self.impact.value, concepts=list(self.concepts), pcf=list(self.pcf),
                description=f"Reflection in coplearn lesson {self.lesson}: {self.prompt}",
                relevance="Part of a course on leading communities of practice in social work (Gray et al. 2010).",
            ))
        except OSError as exc:  # (not saved: say that what was typed is still here; walk23 M2)
            said = str(exc) if isinstance(exc, PlainOSError) or exc.errno is None else (
                f"your journal at {place(journal.path)} could not be saved ({os_words(exc)}): this change was not "
                f"saved, and the journal is as it was before.")
            said = said.replace(str(journal.path), place(journal.path))
            raise PlainOSError(exc.errno, f"{said} {self.STILL_HERE}") from exc
        self.saved = entry
        self._saved_text = (self.learning.value, self.impact.value)
        self._keep_later.cancel()
        self.drafts.update(self.draft_key, None)   # saved now: nothing left to fill in next time
        try:
            from coplearn.practice import progress

            progress.mark(self.lesson, progress.prompt_key(self.prompt),
                          path=progress.default_progress_path(journal.path))
        except Exception:  # noqa: BLE001 - progress notes must never stop a save
            pass
        self._show_progress_problem()
        if busy is not None:  # (said by add_to_journal)
            return entry
        warn = f" Note: {journal.last_warning}" if journal.last_warning else ""
        self.status.value = message(f"Saved to your journal at {place(journal.path)} on {entry.date}.{warn}", "ok")
        return entry


def add_to_journal(status: W.HTML, add: Callable[[], Any]) -> tuple[JournalEntry, bool, JournalBusy | None]:
    """Save an entry with ``add`` (a journal's ``add``, or its ``add_once``, which also says whether the
    entry is new) and return (the entry, whether it is new, ``None``). When the journal was busy, the
    entry was kept safe beside it, to go in at the next save (:class:`JournalBusy`): ``status`` says so,
    as information, not as a problem (nothing is lost, and nothing else needs doing), and the entry
    is returned as new, with the ``JournalBusy`` (check23 1: lessons 06 and 11 showed it as a red
    "Problem:", naming /drive/...). Any other failure is raised."""
    try:
        done = add()
    except JournalBusy as busy:
        status.value = message(str(busy), "info")
        return busy.entry, True, busy
    entry, new = done if isinstance(done, tuple) else (done, True)
    return entry, new, None


# ---- small pieces the topic modules share ------------------------------------------------------

#: The first option of a rating drop-down, and of other choice drop-downs.
NOT_ANSWERED = "Not answered"
PLACEHOLDER = "Choose..."

#: An upload button's words. ipywidgets draws the number of files chosen after them, in brackets, as part of the
#: button's name ("Choose journal.json (0)" read as meaningless, or as "no journal": walk25 L2); the words end by
#: saying what the number counts: the files chosen and not yet read. Once a file is read the course empties the button, so that the same
#: file can be chosen again (once mended), and "number of files chosen (0)" beside a file just read misled (walk27 L8).
UPLOAD_COUNT = "{} \u2013 files waiting to be read"


def note_html(text: str) -> str:
    """A visible 'this is ours, not the paper's' note, as HTML text."""
    return f'<p style="font-size:0.92em"><em>{html.escape(str(text))}</em></p>'


def note_widget(text: str) -> W.HTML:
    """A visible 'this is ours, not the paper's' note, as a widget."""
    return W.HTML(f'<p class="coplearn-note"><em>{html.escape(text)}</em></p>', layout=full_width())


def with_note(sorter: ChoiceSorter, text: str) -> None:
    """Put a note above a sorter's items."""
    sorter.view = W.VBox([note_widget(text), *sorter.view.children])


def rating_options(labels: Mapping[int, str]) -> list[tuple[str, int | None]]:
    """Drop-down options for a 1-5 scale, after "Not answered"."""
    return [(NOT_ANSWERED, None)] + [(f"{k} {v}", k) for k, v in sorted(labels.items())]


def sorter_block(title: str, intro: str, sorter: ChoiceSorter, note: str = "") -> W.VBox:
    """A sorter with a bold title, an introduction and an optional note."""
    parts: list[W.Widget] = [W.HTML(f"<p><strong>{html.escape(title)}</strong> {html.escape(intro)}</p>"),
                             sorter.view]
    if note:
        parts.append(W.HTML(note_html(note)))
    return W.VBox(parts)
