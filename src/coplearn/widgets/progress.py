"""Widgets for the learner's progress through the course."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import ipywidgets as W

from coplearn.core.environment import in_browser
from coplearn.practice.journal import Journal
from ._base import LABEL_STYLE, Composite, full_width, live_html, message, place, saved_message

from .journal import export_formats

__all__ = ["ProgressView"]


class ProgressView(Composite):
    """Your progress through the lessons (kept only on this computer), and a record of study.

    Shows each lesson's status, the activities and prompts done and the stated study time, read
    from :class:`coplearn.practice.progress.Progress` when shown and when "Refresh" is pressed. With
    ``record=True`` (lesson 11) it can also write the record of study as Markdown, HTML or Word.
    """

    STEM = "my-record-of-study"

    def __init__(self, *, record: bool = False, journal: Journal | None = None, progress: Any = None,
                 folder: str | Path | None = None) -> None:
        super().__init__()
        self.journal = journal
        self.progress = progress
        self.folder = Path(folder) if folder is not None else None
        self.course: Any = None
        self.written: Path | None = None
        self.table = W.HTML(value="", layout=full_width())
        self.refresh_button = W.Button(description="Refresh my progress", layout=W.Layout(width="auto"),
                                       tooltip="Read your progress notes again")
        self.refresh_button.on_click(self.safely(lambda _b: self.refresh()))
        children: list[W.Widget] = [self.table, self.refresh_button]
        # Word needs python-docx, which the browser edition (Python in the browser) does not have
        self.format = W.Dropdown(options=export_formats(), value="html" if in_browser() else "docx",
                                 description="Record of study format",
                                 style=LABEL_STYLE)
        self.name = W.Text(value="", description="Your name on the record (optional)", style=LABEL_STYLE,
                           continuous_update=False, layout=W.Layout(width="36em", max_width="100%"))
        self.record_button = W.Button(description="Write my record of study", button_style="primary",
                                      tooltip="Write the lessons you completed, with dates and stated study time, "
                                              "to a file", layout=W.Layout(width="auto"))
        self.record_button.on_click(self.safely(lambda _b: self.write_record()))
        self.status = live_html()
        if record:
            from coplearn.practice.record_of_study import NOT_A_CERTIFICATE

            children += [W.HTML(f"<p><strong>Record of study.</strong> {html.escape(NOT_A_CERTIFICATE)}</p>"),
                         self.name, self.format, self.record_button, self.status]
        self.view = W.VBox(children + [self.messages])
        self.safely(self.refresh)()

    def _progress(self) -> Any:
        from coplearn.practice.progress import Progress

        if self.progress is not None:
            return self.progress
        return Progress(journal=self.journal) if self.journal is not None else Progress()

    def refresh(self) -> None:
        """Read the progress notes and the journal again and redraw the table."""
        prog = self._progress()
        self.course = prog.course()
        self.table.value = self.course._repr_html_() + (
            f"<p>Your progress is noted only on this computer, in <code>{html.escape(place(prog.path))}</code>; "
            "it is never sent anywhere.</p>")

    def write_record(self) -> Path:
        """Write the record of study beside the lesson (or in ``folder``) and say where."""
        from coplearn.practice.record_of_study import export_record

        from coplearn.core.outputs import usable_name

        fmt = self.format.value
        wanted = (self.folder or Path.cwd()) / f"{self.STEM}.{fmt}"
        path = usable_name(wanted)  # (a document of the learner's own by this name is left as it is: walk28 H1)
        prog = self._progress()
        existed = path.is_file()
        if existed and prog.course().records_nothing:  # (an earlier record is not replaced by an empty one: check22 L6)
            raise ValueError(f"{place(path)} already holds a record of study, and no lesson is complete and no journal "
                             "entry written yet, so nothing was written over it.")
        self.written = export_record(path, fmt, name=self.name.value, progress=prog)
        self.refresh()
        moved = (f" A file called {wanted.name} is already in this folder and was not made by this course (it may be a "
                 f"document of your own), so it was left as it is." if path != wanted else "")
        self.status.value = saved_message(
            f"Wrote your record of study ({len(self.course.complete)} lessons complete) to {place(self.written)}."
            + moved + (f" It replaced the earlier {self.written.name}." if existed else ""), self.written)
        return self.written

