"""Widgets for lesson 11: building a leadership plan."""

from __future__ import annotations

import functools
import html
from pathlib import Path
from typing import Any

import ipywidgets as W

from coplearn.core.atomic import atomic_write_bytes
from coplearn.core.outputs import usable_name
from coplearn.practice.journal import Journal
from coplearn.practice.lesson_answers import LessonAnswers, as_sentence
from .journal import default_format, export_formats
from coplearn.teaching import leadership_plan as _plan
from ._base import (LABEL_STYLE, PLACEHOLDER, Composite, add_to_journal, full_width, live_html, message, place,
                    saved_message)

__all__ = ["LeadershipPlanBuilder"]


_YES_NO = [(PLACEHOLDER, None), ("Yes", True), ("No", False)]


class LeadershipPlanBuilder(Composite):
    """Build a plan for leading your team as a community of practice; save it to your journal.

    The plan model is :func:`coplearn.teaching.leadership_plan.leadership_plan`; the preview updates as you
    choose, and tells you what is still missing. Each choice is kept beside the journal as it is made
    (:class:`coplearn.practice.lesson_answers.LessonAnswers`) and filled in again when the lesson is
    next opened, so a plan half built is not lost on a reload (reach review 8).
    """

    KEPT_NOTE = ("Your choices are kept in your own files, beside your journal, and filled in again when you "
                 "open this lesson; a text box is kept when you leave it. To keep the plan itself, save it to "
                 "your journal or as a file.")

    STAFF_ROWS = 3
    #: The plan file's name, before its ending (.docx, .html or .md, as the format box says).
    STEM = "my-leadership-plan"
    PLAN_FILE = f"{STEM}.md"  # (its name as Markdown, the only format until walk28 L15)

    def __init__(self, journal: Journal | None = None, folder: str | Path | None = None) -> None:
        super().__init__()
        from coplearn.paper.action_centred import team_audit
        from coplearn.paper.cultures import cultures
        from coplearn.paper.team_development import tuckman_stages

        self.journal = journal
        self.folder = Path(folder) if folder is not None else None
        self.plan: _plan.LeadershipPlan | None = None
        self.saved: Any = None
        text = functools.partial(W.Text, style=LABEL_STYLE, layout=full_width(), continuous_update=False)
        self.team = text(description="Your team, in a few words (no names)",
                         placeholder="e.g. adult social care duty team")
        self.stage = W.Dropdown(options=[(PLACEHOLDER, None)] + [(s.name, s.key) for s in tuckman_stages()],
                                index=0, description="Your team's stage of development", style=LABEL_STYLE,
                                layout=W.Layout(width="auto"))
        self.staff: list[tuple[W.Text, W.Dropdown, W.Dropdown]] = []
        staff_rows: list[W.Widget] = []
        for n in range(1, self.STAFF_ROWS + 1):
            role = W.Text(description=f"Key person {n}: role (not a name)", style=LABEL_STYLE,
                          placeholder="e.g. newly qualified worker", continuous_update=False,
                          layout=W.Layout(width="36em", max_width="100%"))
            able = W.Dropdown(options=_YES_NO, index=0, description=f"Person {n} able (skills)?",
                              style=LABEL_STYLE, layout=W.Layout(width="auto"))
            willing = W.Dropdown(options=_YES_NO, index=0, description=f"Person {n} willing (confident)?",
                                 style=LABEL_STYLE, layout=W.Layout(width="auto"))
            self.staff.append((role, able, willing))
            staff_rows.append(W.VBox([role, W.HBox([able, willing], layout=W.Layout(flex_flow="row wrap"))],
                                     layout=W.Layout(margin="0 0 8px 0")))
        self.cultures = {c.key: W.Checkbox(value=False, description=f"Develop the {c.name.lower()} culture",
                                           indent=False, style=LABEL_STYLE) for c in cultures()}
        audit_options = [(PLACEHOLDER, None)] + [(f"{i.id}: {i.text}", i.id) for i in team_audit()
                                                 if i.kind == "rating"]
        self.priorities = [W.Dropdown(options=audit_options, index=0, description=f"Audit priority {n}",
                                      style=LABEL_STYLE, layout=full_width()) for n in (1, 2, 3)]
        self.actions = [text(description=f"Action {n}" + (" (optional)" if n == 3 else ""),
                             placeholder="One concrete step, e.g. start monthly group supervision")
                        for n in (1, 2, 3)]
        self.interface = W.Textarea(description="How I will manage the interface with the organisation",
                                    style=LABEL_STYLE, layout=W.Layout(width="100%"), rows=4,
                                    continuous_update=False)
        self.preview = W.HTML(value="")
        self.save_button = W.Button(description="Save plan to my journal", button_style="primary",
                                    tooltip="Save this plan to your reflective journal as a CPD record",
                                    layout=W.Layout(width="auto"))
        self.format = W.Dropdown(options=export_formats(), value=default_format(), description="Plan file format",
                                 style=LABEL_STYLE, layout=W.Layout(width="auto"))
        self.file_button = W.Button(description="Save plan as a file",
                                    tooltip=f"Write the plan to {self.STEM} in the format chosen beside it",
                                    layout=W.Layout(width="auto"))
        self.status = live_html()
        self.keep_note = W.HTML(value=f"<p>{html.escape(self.KEPT_NOTE)}</p>")
        self.kept = LessonAnswers("leadership-plan", journal.path if journal is not None else None)
        self.safely(self._restore)()
        self.save_button.on_click(self.safely(lambda _b: self.save_to_journal()))
        self.file_button.on_click(self.safely(lambda _b: self.save_to_file()))
        for control in self._controls():
            control.observe(self.safely(self._on_change), names="value")
        for key, control in self.named_controls().items():
            control.observe(functools.partial(self._keep, key), names="value")
        def heading(text: str) -> W.HTML:
            return W.HTML(f"<p><strong>{html.escape(text)}</strong></p>")

        self.view = W.VBox([
            heading("1. Your team"), self.team, self.stage,
            heading("2. Key staff: how able and willing are they for the change you want?"), *staff_rows,
            heading("3. Learning cultures to develop (from lesson 04)"), *self.cultures.values(),
            heading("4. Team audit priorities (from lesson 06)"), *self.priorities,
            heading("5. Two or three actions"), *self.actions,
            heading("6. Managing the interface (from lesson 10)"), self.interface,
            heading("Your plan"), self.preview, W.HBox([self.save_button, self.format, self.file_button],
                                                       layout=W.Layout(flex_flow="row wrap")),
            self.status, self.keep_note, self.messages,
        ])
        self._update()

    def _controls(self) -> list[W.Widget]:
        out: list[W.Widget] = [self.team, self.stage, self.interface, *self.cultures.values(),
                               *self.priorities, *self.actions]
        for row in self.staff:
            out += list(row)
        return out

    def named_controls(self) -> dict[str, W.ValueWidget]:
        """Each control under the name its answer is kept by."""
        named: dict[str, W.ValueWidget] = {"team": self.team, "stage": self.stage, "interface": self.interface}
        named.update({f"culture-{key}": box for key, box in self.cultures.items()})
        named.update({f"priority-{n}": dd for n, dd in enumerate(self.priorities, 1)})
        named.update({f"action-{n}": t for n, t in enumerate(self.actions, 1)})
        for n, (role, able, willing) in enumerate(self.staff, 1):
            named.update({f"staff-{n}-role": role, f"staff-{n}-able": able, f"staff-{n}-willing": willing})
        return named

    def _accept(self, key: str, value: Any) -> dict[str, Any]:
        """A kept answer as this version's control takes it; raises for one it cannot take."""
        control = self.named_controls()[key]
        if isinstance(control, W.Dropdown):
            if not any(value == v and type(value) is type(v) for _label, v in control.options):
                raise ValueError(f"{key}: not one of the choices")
        elif isinstance(control, W.Checkbox):
            if not isinstance(value, bool):
                raise ValueError(f"{key}: not yes or no")
        elif not isinstance(value, str) or len(value) > 20_000:
            raise ValueError(f"{key}: not text")
        return {key: value}

    def _restore(self) -> None:
        """Fill in the choices kept last time (any this version refuses are left out and named)."""
        saved = self.kept.load()
        if self.kept.last_warning:
            self.keep_note.value = message(self.kept.last_warning, "info")
        if not saved:
            return
        good, note = self.kept.usable(saved, self._accept, noun="choice")
        controls = self.named_controls()
        for key, value in good.items():
            controls[key].value = value
        self.keep_note.value = f"<p>Your choices from last time are filled in.{html.escape(note)} " \
                               f"{html.escape(self.KEPT_NOTE)}</p>"

    def _keep(self, key: str, change: dict[str, Any]) -> None:
        value = change["new"]
        unticked = value is False and key.startswith("culture-")   # a drop-down's False is the answer "No"
        if unticked or (isinstance(value, str) and not value.strip()):
            value = None
        problem = self.kept.update(key, value)
        if problem:
            self.keep_note.value = message(as_sentence(problem), "info")

    def choices(self) -> dict[str, Any]:
        """The learner's choices as keyword arguments for :func:`~coplearn.teaching.leadership_plan.leadership_plan`."""
        staff = []
        for role, able, willing in self.staff:
            if role.value.strip() or able.value is not None or willing.value is not None:
                if able.value is None or willing.value is None:
                    who = role.value.strip() or "this person"
                    raise ValueError(f"staff: say whether {who} is able and willing (Yes or No), "
                                     "or clear the role")
                staff.append({"role": role.value, "able": able.value, "willing": willing.value})
        return {
            "team": self.team.value, "stage": self.stage.value, "staff": staff,
            "culture_gaps": [k for k, cb in self.cultures.items() if cb.value],
            "audit_priorities": [dd.value for dd in self.priorities if dd.value is not None],
            "actions": [t.value for t in self.actions], "interface": self.interface.value,
        }

    def _on_change(self, change: dict[str, Any]) -> None:
        self._update()

    def _update(self) -> None:
        try:
            self.plan = _plan.leadership_plan(**self.choices())
        except ValueError as exc:
            self.plan = None
            problems = exc.problems if isinstance(exc, _plan.PlanIncomplete) else (str(exc),)
            todo = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
            self.preview.value = f'<div role="status"><p>To finish your plan:</p><ul>{todo}</ul></div>'
            return
        self.preview.value = self.plan.to_html()

    def _require_plan(self) -> _plan.LeadershipPlan:
        self._update()
        if self.plan is None:
            raise ValueError("Your plan is not finished yet: see 'To finish your plan' above.")
        return self.plan

    def save_to_journal(self) -> Any:
        """Save the plan to the learner's journal as a CPD-ready entry."""
        plan = self._require_plan()
        journal = self.journal if self.journal is not None else Journal()
        self.saved, new, busy = add_to_journal(self.status, lambda: journal.add_once(**plan.journal_fields()))
        if busy is not None:  # (kept safe beside the journal, and said so: check23 1)
            return self.saved
        if not new:  # (a double click, or the same plan saved again: one CPD record, walk16 F6)
            self.status.value = message(f"This plan is already in your journal (saved on {self.saved.date}). "
                                        "Change the plan to save a new record.", "info")
            return self.saved
        self.status.value = message(f"Saved your plan to your journal at {place(journal.path)} on {self.saved.date}.",
                                    "ok")
        return self.saved

    def save_to_file(self, fmt: str | None = None) -> Path:
        """Write the plan beside the lesson (or in ``folder``) as a Word document, a web page or Markdown (``fmt``,
        else the format box's) and say where. An earlier plan saved so is replaced, and the message says so; a
        document of the learner's own called ``my-leadership-plan.docx`` is left as it is, and the plan saved beside
        it as ``my-leadership-plan-2.docx`` (walk28 H1)."""
        from coplearn.core.document import render

        plan = self._require_plan()
        fmt = fmt or self.format.value
        wanted = (self.folder or Path.cwd()) / f"{self.STEM}.{fmt}"
        path = usable_name(wanted)
        existed = path.is_file()
        atomic_write_bytes(path, render(plan.to_document(), fmt))
        said = f"Saved your plan as {place(path)}."
        if path != wanted:
            said += (f" A file called {wanted.name} is already in this folder and was not made by this course (it may be "
                     f"a document of your own), so it was left as it is.")
        if existed:
            said += f" It replaced the earlier {path.name}."
        self.status.value = saved_message(said, path)
        return path

