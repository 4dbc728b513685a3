"""Widgets for lesson 06: Adair's circles and functions, and the team audit (Table 2).

The module runs past 400 lines because the team audit form keeps, restores and merges a learner's answers
across tabs, as well as scoring them and saving the result."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import ipywidgets as W

from coplearn.practice.lesson_answers import LessonAnswers, as_sentence, changed_elsewhere
from coplearn.paper import action_centred as _audit
from coplearn.paper.action_centred import adair_domains, adair_functions
from coplearn.paper.team_development import tuckman_stages
from coplearn.teaching import vignettes as _vg
from coplearn.figures._base import Chart
from coplearn.figures.action_centred import build_adair_circles, build_audit_scores
from ._base import (DESCRIBED_CLASS, LABEL_STYLE, NOT_ANSWERED, ChoiceItem, ChoiceSorter, Composite, KeptSoon, TwoStep, full_width, place,
                    add_to_journal, live_html, message,
                    show_chart)
from ._base import rating_options as _rating_options, sorter_block as _sorter_block
from ._base import note_html as _note
from coplearn.core.environment import kept_where
from coplearn.core.html import esc as _esc

__all__ = ["AdairCircles", "AdairFunctionSorter", "TeamAuditForm"]


class AdairCircles(Composite):
    """Choose one of Adair's three needs: its circle is highlighted and its Table 2 questions shown.
    """

    def __init__(self, domain: str = "task") -> None:
        super().__init__()
        self.selected = domain
        self.chart: Chart | None = None
        self.counts = {d.key: len(_audit.team_audit(d.key)) for d in adair_domains()}
        self.domain = W.Dropdown(options=[(d.name, d.key) for d in adair_domains()], value=domain,
                                 description="Show the need", style=LABEL_STYLE)
        self.domain.observe(self.safely(self._on_change), names="value")
        self.questions = W.HTML(layout=full_width())
        self.out = W.Output()
        self.view = W.VBox([self.domain, self.out, self.questions, self.messages])
        self.safely(self.update)()

    def _on_change(self, change: dict[str, Any]) -> None:
        self.selected = change["new"]
        self.update()

    def update(self) -> None:
        """Redraw the circles with the chosen need highlighted, and list its questions."""
        d = next(x for x in adair_domains() if x.key == self.selected)
        self.chart = build_adair_circles(self.selected, self.counts)
        show_chart(self.chart, self.out)
        items = "".join(f"<li><strong>{_esc(i.id)}</strong> {_esc(i.text)}</li>" for i in _audit.team_audit(d.key))
        self.questions.value = (
            f'<div role="status"><p><strong>{_esc(d.name)}.</strong> {_esc(d.summary)} '
            f"<small>(The course's summary, drawn from the paper's Table 2.)</small></p>"
            f"<p>The paper's Table 2 questions for this need ({len(_audit.team_audit(d.key))}), "
            f"in the course's words:</p><ul>{items}</ul></div>")


class AdairFunctionSorter(Composite):
    """Match moments in a social work team to Adair's eight functions."""

    def __init__(self) -> None:
        super().__init__()
        names = {f.key: f.name for f in adair_functions()}
        items = [ChoiceItem(id=e.id, text=e.text, answer=e.function, why=e.why) for e in _vg.function_examples()]
        self.sorter = ChoiceSorter(items, list(names.items()), question="Which function?")
        self.view = W.VBox([
            _sorter_block("Adair's functions at work.", "Which of the eight functions is the manager using?",
                          self.sorter, note="The eight functions come from Adair's own books (Adair 1973, 1983); "
                          "Gray et al. (2010) use only his three overlapping needs. The moments and their "
                          "answers are the course's. The functions overlap in practice (thanks can also be "
                          "feedback, a plan also arranges people), so each moment is placed under the "
                          "function it shows most clearly."),
            self.messages,
        ])


#: What the form says about where the learner's answers are kept.
KEPT_NOTE = ("Your answers are kept in your own files, beside your journal ({where}), and filled in again when "
             "you open this lesson. \u201cClear my "
             "answers\u201d removes them. To keep the results, save them to your journal.")


#: The heading of the course's suggested steps in the journal entry: they are the course's words, and
#: the CPD record's own reflection ("Impact on my practice") is left for the manager (walk26 M-M2).
COURSE_STEPS = "Steps the course suggests (the course's, not yours):"

#: What the manager still has to write, shown beside the save buttons, never kept in the record: a CPD
#: record holds the audit's content and the manager's own words, not the course's instructions to them
#: (walk28 M3: they stayed under "What I learned" in every export, with no code-free way to remove them).
OWN_REFLECTION = ("\u201cSave the results to my journal\u201d keeps the scores, the priorities and the course's "
                  "suggested steps as a journal entry. It is not CPD evidence until you add your own reflection: "
                  "under \u201cImpact on my practice\u201d, what you will do with your team and why, in your own "
                  "words (adapt the course's steps, or choose your own), and the impact on people who use services. "
                  "Add your reflection in lesson 11, in the box \u201cCompleting or removing an entry\u201d.")

#: Said when the audit is saved to the journal: the record is not finished (walk26 M-M2).
STILL_TO_WRITE = ("The record leaves \u201cImpact on my practice\u201d for your own reflection: add what you will do "
                  "with your team, in your own words, in lesson 11 (\u201cCompleting or removing an entry\u201d). "
                  "Until then the CPD export marks it as not written yet.")


def priorities_note(result: _audit.AuditResult) -> str:
    """What the priorities leave out, in words ("" when they list every rated item): only the five
    weakest are listed, and any rated the same as the fifth (walk26 M-L1: the list stopped at five
    without a word, and left out an item rated the same as the fifth)."""
    shown, total = len(result.top_priorities()), len(result.priorities)
    if shown == total:
        return ""
    tied = shown - _audit.SHOWN_PRIORITIES
    return (f"Only the {_audit.SHOWN_WORDS} weakest of the {total} rated items are listed"
            + (f", and {tied} more rated the same as the {_audit.SHOWN_LAST}" if tied > 0 else "")
            + " (the course's rule: items with equal ratings are never split).")


def audit_journal_fields(result: _audit.AuditResult) -> dict[str, Any]:
    """Fields for :meth:`coplearn.Journal.add`: a scored audit saved as a journal entry.

    The record holds the scores, the priorities and the course's suggested steps, each said to be the
    course's, under "What I learned". "Impact on my practice" (and the impact on people who use
    services) is left empty for the manager's own reflection, so the CPD export flags it as still to
    write (walk26 M-M2: it was filled in with the course's steps, so the record looked finished in the
    course's words). What to write there is said on the page (:data:`OWN_REFLECTION`), not in the record."""
    scale = _audit.rating_scale()
    lines = [result.summary(), ""]
    if result.priorities:
        note = priorities_note(result)
        lines.append(f"Priorities, weakest first. {note}" if note else "Priorities, weakest first:")
        lines += [f"- {p.item.id} ({p.score:g}, {scale[int(p.score)]}): {p.item.text}" for p in result.top_priorities()]
        lines.append("")
    plan = result.action_plan()
    if plan:
        lines.append(COURSE_STEPS)
        lines.append(f"The course's action plan gives {_audit.PLAN_RULE}.")
        lines += [f"{n}. {a.finding} {a.step} (Framework: {a.framework}; lesson {a.lesson}.)"
                  for n, a in enumerate(plan, 1)]
        lines.append("")
    if result.open_answers.get("T2"):
        lines += [f"My notes on skills and staffing (T2): {result.open_answers['T2']}", ""]
    lines.append(_audit.AUDIT_NOTE)  # (what to write next is said beside the button, not here: walk28 M3)
    return {
        "title": "Lesson 06: my team's audit against Table 2",
        "activity_type": "Reflection on practice",
        "lesson": "06",
        "description": (f"An audit of my team against the 28 questions of Gray et al.'s (2010) Table 2, after "
                        f"Adair (1983): {result.answered} of {len(_audit.team_audit())} answered, scored in coplearn "
                        f"lesson 06."),
        "relevance": "Leading and developing a team's practice (Gray et al. 2010).",
        "learning": "\n".join(lines).strip(),
        "impact_practice": "",  # the manager's own reflection: left to write (walk26 M-M2)
    }


#: Said as soon as an answer changes after the audit was scored (the result shown no longer matches).
STALE_SCORE = ("You have changed your answers since the audit was scored: the scores, priorities and action plan "
               "below are for your earlier answers. Press \u201cScore the audit\u201d to update them.")


class TeamAuditForm(Composite):
    """The 28-item team audit (Table 2): answer, press "Score the audit", see scores and a plan.

    Rating items are Dropdowns from 1 to 5 (plus "Not answered"); T3 is a Dropdown of Tuckman's
    stages; T2 is a text box. Unanswered items are left out of the scores, never counted as zero.

    A learner's own answers (a form not filled in by ``responses``) are kept on this computer as
    they are given (:class:`coplearn.practice.lesson_answers.LessonAnswers`) and filled in again
    when the lesson is next opened; "Save the results to my journal" keeps the scored audit as a
    journal entry (reach review 8: they were lost on a reload, and could not be kept).
    """

    def __init__(self, responses: Mapping[str, object] | None = None, *, journal: Any = None) -> None:
        super().__init__()

        self.journal = journal
        self.kept = None if responses is not None else LessonAnswers(
            "team-audit", journal.path if journal is not None else None)
        self._quiet = False
        self._disk: dict[str, Any] = {}  # (the answers as this copy last read or kept them: walk28 L14)
        self._other = ""  # (said after scoring when answers came from another copy)
        self.saved: Any = None
        self.result: _audit.AuditResult | None = None
        self.chart: Chart | None = None
        options = _rating_options(_audit.rating_scale())
        stage_options = [(NOT_ANSWERED, None)] + [(s.name, s.key) for s in tuckman_stages()]
        self.controls: dict[str, W.ValueWidget] = {}
        sections: list[W.Widget] = []
        for d in adair_domains():
            rows: list[W.Widget] = [W.HTML(f"<p><strong>{_esc(d.name)}</strong> ({_esc(d.summary)})</p>")]
            for item in _audit.team_audit(d.key):
                question = W.HTML(f"<p><strong>{_esc(item.id)}.</strong> {_esc(item.text)}</p>")
                if item.kind == "rating":
                    control: W.ValueWidget = W.Dropdown(options=options, index=0, _dom_classes=[DESCRIBED_CLASS],
                                                        description=f"{item.id} rating", style=LABEL_STYLE)
                    rows.append(W.VBox([question, control]))
                elif item.kind == "stage":
                    control = W.Dropdown(options=stage_options, index=0, description=f"{item.id} stage",
                                         style=LABEL_STYLE, _dom_classes=[DESCRIBED_CLASS])
                    stages = "".join(f"<li><strong>{_esc(s.name)}</strong>: {_esc(s.summary)}</li>"
                                     for s in tuckman_stages())
                    rows.append(W.VBox([question, control, W.HTML(
                        f"<details><summary>What the stages mean (Tuckman 1965; Tuckman &amp; Jensen 1977)</summary>"
                        f"<ul>{stages}</ul></details>")]))
                else:
                    control = W.Textarea(description=f"{item.id} answer", style=LABEL_STYLE, _dom_classes=[DESCRIBED_CLASS],
                                         placeholder="A few notes in your own words (optional).",
                                         layout=W.Layout(width="95%"), rows=3)
                    rows.append(W.VBox([question, control]))
                self.controls[item.id] = control
            sections.append(W.VBox(rows, layout=W.Layout(margin="0 0 12px 0")))
        self.button = W.Button(description="Score the audit", button_style="primary",
                               tooltip="Score the answers you have given so far")
        typed = [c for c in self.controls.values() if isinstance(c, W.Textarea)]  # (T2's notes: walk27 H1)
        self.button.on_click(self.once_typed(self.score, typed, self.button))
        self.save_button = W.Button(description="Save the results to my journal",
                                    tooltip="Score the audit and keep the scores, priorities and action plan "
                                            "as an entry in your reflective journal", layout=W.Layout(width="auto"))
        self.save_button.on_click(self.once_typed(self.save_to_journal, typed, self.save_button))
        self.forget_button = W.Button(description="Clear my answers", icon="eraser", layout=W.Layout(width="auto"),
                                      tooltip="Set every question back to 'not answered' and remove the kept answers")
        self.forget_button.on_click(self.safely(lambda _b: self._clear_pressed()))
        self._saved_for: dict[str, object] | None = None
        self._scored_for: dict[str, object] | None = None  # the answers the result shown was scored from
        self.keep_note = W.HTML(value=f"<p>{_esc(KEPT_NOTE.format(where=kept_where()))}</p>" if self.kept is not None else "")
        self.save_note = W.HTML(value=f"<p>{_esc(OWN_REFLECTION)}</p>", layout=full_width())  # (not in the record: walk28 M3)
        self.status = live_html()
        self._clearing = TwoStep(self.forget_button, self.status, "Yes, clear all my answers",
                                 "This clears every answer in the form and the kept copy. Press \u201cYes, clear all "
                                 "my answers\u201d to go ahead, or change any answer to keep them.")
        self.out = W.Output()
        self.report = W.HTML(layout=full_width())
        buttons = W.HBox([self.button, self.save_button, self.forget_button], layout=W.Layout(flex_flow="row wrap"))
        self.saving = W.HTML(value="")  # "Keeping your answers..." while answers wait to be kept
        self._soon = KeptSoon(self.kept, self.saving,
                              lambda problem: setattr(self.keep_note, "value", message(as_sentence(problem), "info")),
                              wrap=self.safely)
        self.view = W.VBox(sections + [buttons, self.save_note, self.keep_note, self.saving, self.messages, self.status,
                                       self.out, self.report])
        if responses:
            self.set_responses(responses)
        elif self.kept is not None:
            self.safely(self._restore)()
        for item_id, control in self.controls.items():
            control.observe(functools.partial(self._keep, item_id), names="value")

    # -- kept answers ------------------------------------------------------------------------------
    def _restore(self) -> None:
        """Fill in the answers kept last time. Any that this version refuses (an item since renamed, a
        rating out of range) are left out and said; the file as it was is kept aside first, so that
        nothing the learner gave is overwritten (review 8b)."""
        assert self.kept is not None
        saved = self.kept.load()
        if self.kept.last_warning:
            self.keep_note.value = message(self.kept.last_warning, "info")
        if not saved:
            return
        good, note = self.kept.usable(saved, lambda key, value: self._clean({key: value}))
        self._disk = {k: v for k, v in saved.items() if k in good}
        self._quiet = True
        try:
            for key, value in good.items():
                self.controls[key].value = value
        finally:
            self._quiet = False
        self.keep_note.value = f"<p>Your answers from last time are filled in.{_esc(note)} {_esc(KEPT_NOTE.format(where=kept_where()))}</p>"
        if good:
            self.score()

    def _keep(self, item_id: str, change: dict[str, Any]) -> None:
        """Keep this answer soon (the others stay as kept: a second copy of the form adds to them)."""
        if self._quiet:
            return
        self._clearing.disarm()  # (the learner changed an answer: they are keeping them)
        if self._scored_for is not None and self._scored_for != self.responses():
            # the scores, priorities and plan below are for the answers as they were (walk16 F17)
            self.status.value = message(STALE_SCORE, "info")
        if self.kept is None:
            return
        value = change["new"]
        if isinstance(value, str) and not value.strip():
            value = None
        self._disk[item_id] = value
        self._soon.put(item_id, value)  # with any given just before it, in one write (walk18 H1)

    def _clear_pressed(self) -> None:
        """The button asks once before clearing (a click next to "Save" must not wipe 28 answers)."""
        if self._clearing.press(something_to_lose=bool(self.responses())):
            self.clear()

    def clear(self) -> None:
        """Set every question back to 'not answered' and remove the kept answers."""
        self._clearing.disarm()
        self._soon.drop()  # (answers waiting to be kept are cleared with the rest)
        self._quiet = True
        try:
            for control in self.controls.values():
                control.value = "" if isinstance(control, W.Textarea) else None
        finally:
            self._quiet = False
        self.result = self._scored_for = None
        self._disk = {}
        self.status.value = self.report.value = ""
        self.out.outputs = ()
        if self.kept is not None:
            problem = self.kept.forget()
            self.keep_note.value = message(as_sentence(problem), "info") if problem else (
                f"<p>Your answers were cleared. {_esc(KEPT_NOTE.format(where=kept_where()))}</p>")

    def save_to_journal(self) -> Any:
        """Score the audit and save the result to the learner's journal as a CPD-ready entry (once
        for the same answers: a second press says it is already there)."""
        from coplearn.practice.journal import Journal

        result = self.score()
        if result.is_empty:
            raise ValueError("Nothing has been answered yet, so there is nothing to save. Answer some questions first.")
        if self.saved is not None and self._saved_for == self.responses():
            self.status.value = message(f"These results are already in your journal (saved on {self.saved.date}). "
                                        "Change an answer to save a new record.", "info")
            return self.saved
        journal = self.journal if self.journal is not None else Journal()
        self.saved, new, busy = add_to_journal(self.status, lambda: journal.add_once(**audit_journal_fields(result)))
        self._saved_for = self.responses()
        if busy is not None:  # (kept safe beside the journal, and said so: check23 1)
            return self.saved
        if not new:  # (the same results saved on an earlier visit: one CPD record, walk16 F5)
            self.status.value = message(f"These results are already in your journal (saved on {self.saved.date}). "
                                        "Change an answer to save a new record.", "info")
            return self.saved
        self.status.value = message(f"Saved the results to your journal at {place(journal.path)} on "
                                    f"{self.saved.date}. {STILL_TO_WRITE} {self._status_text(result)}{self._other}", "ok")
        return self.saved

    def set_responses(self, responses: Mapping[str, object]) -> None:
        """Fill the form from ``{item_id: answer}``; ratings may be 1-5 or words such as "good".

        Everything is checked first, so a bad id or answer raises a clear error and changes nothing.
        """
        for key, value in self._clean(responses).items():
            self.controls[key].value = value

    @staticmethod
    def _clean(responses: Mapping[str, object]) -> dict[str, object]:
        """``responses`` checked and as the form's controls hold them (a clear error for a bad one).

        :func:`coplearn.score_audit` checks them first, so the form takes what it takes: the survey
        reader's rating words and blank answers ("N/A"), and refuses one question given twice ("K1", "k1").
        """
        scored = _audit.score_audit(responses)  # raises a clear error for a bad answer or a question given twice
        clean: dict[str, object] = {}
        for key, value in responses.items():
            item = _audit.get_item(key)
            if _audit.is_no_answer(value):
                value = "" if item.kind == "open" else None
            elif item.kind == "rating":
                value = _audit.rating_from_word(str(value), item.id)
            elif item.kind == "stage" and scored.stage is not None:
                value = scored.stage.key
            clean[item.id] = value
        return clean

    def responses(self) -> dict[str, object]:
        """The answers given so far, leaving out anything not answered."""
        out: dict[str, object] = {}
        for key, control in self.controls.items():
            value = control.value
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            out[key] = value
        return out

    def _from_other_tabs(self) -> list[str]:
        """Take the answers another open copy of the form (a second tab) has kept since this one last read or
        kept them, where this one has not changed them since, and say which (walk28 L14)."""
        if self.kept is None:
            return []
        self._soon.flush()
        saved = self.kept.load()
        if self.kept.last_warning:
            return []
        current = {k: (None if c.value in (None, "") else c.value) for k, c in self.controls.items()}
        taken = []
        self._quiet = True
        try:
            for key, value in changed_elsewhere(saved, self._disk, current).items():
                try:
                    shown = self._clean({key: value})[key] if value is not None else (
                        "" if isinstance(self.controls.get(key), W.Textarea) else None)
                except (ValueError, LookupError, TypeError, KeyError):
                    continue
                self.controls[key].value, self._disk[key] = shown, value
                taken.append(key)
        finally:
            self._quiet = False
        return taken

    def score(self) -> _audit.AuditResult:
        """Score the audit, then show the chart, priorities and action plan."""
        taken = self._from_other_tabs()
        result = _audit.score_audit(self.responses())
        self.result = result
        self._scored_for = self.responses()
        self.chart = build_audit_scores(result)
        show_chart(self.chart, self.out)
        self._other = (f" Answers you changed in another open tab of this lesson are now shown here and used in these "
                       f"scores: {', '.join(taken)}." if taken else "")
        self.status.value = message(self._status_text(result) + self._other, "info")
        self.report.value = self._report_html(result)
        return result

    @staticmethod
    def _status_text(result: _audit.AuditResult) -> str:
        total = len(_audit.team_audit())
        if result.is_empty:
            return "Nothing has been answered yet, so there is nothing to score. Answer some questions first."
        # the result in a sentence, said as it appears (reach 11), under the headings on screen (walk28 L7)
        follow = {(True, True): "The priorities and action plan follow below, under \u201cPriorities, weakest first\u201d "
                                "and \u201cAction plan\u201d.",
                  (True, False): "The priorities follow below, under \u201cPriorities, weakest first\u201d.",
                  (False, True): "The action plan follows below, under \u201cAction plan\u201d.", (False, False): ""}
        found = f"Scored. {result.summary()} {follow[bool(result.priorities), bool(result.action_plan())]}".rstrip()
        if result.is_partial:  # (the summary has already said how many are unanswered)
            return (f"{found} This audit is partial: the scores use only the answered items; unanswered items are "
                    "left out, not counted as zero.")
        return f"{found} All {total} questions answered."

    @staticmethod
    def _report_html(result: _audit.AuditResult) -> str:
        scale = _audit.rating_scale()
        parts = [f"<p>{_esc(result.summary())}</p>"]
        if result.priorities:
            rows = "".join(
                f"<li><strong>{_esc(p.item.id)}</strong> ({p.score:g}, {_esc(scale[int(p.score)])}): "
                f"{_esc(p.item.text)}</li>" for p in result.top_priorities())
            note = priorities_note(result)
            # (headings, under lesson 06's "Try it" h3, so that heading navigation finds them: walk27 L3)
            parts.append("<h4>Priorities, weakest first</h4>" + (f"<p>{_esc(note)}</p>" if note else "")
                         + f"<ol>{rows}</ol>")
        plan = result.action_plan()
        if plan:
            steps = "".join(
                f"<li><strong>{_esc(a.finding)}</strong> {_esc(a.step)} <em>(Framework: {_esc(a.framework)}. "
                f"See lesson {_esc(a.lesson)}: {_esc(a.lesson_title)}.)</em></li>" for a in plan)
            parts.append(f"<h4>Action plan</h4><p>The course's suggestions: {_esc(_audit.PLAN_RULE)}.</p><ol>{steps}</ol>")
        if result.open_answers.get("T2"):
            parts.append(f"<p><strong>Your notes on skills and staffing (T2):</strong> {_esc(result.open_answers['T2'])}</p>")
        parts.append(_note(_audit.AUDIT_NOTE))
        return '<div role="region" aria-label="Team audit results">' + "".join(parts) + "</div>"

