"""What a learner does in each lesson, and what the page must show afterwards.

One row per lesson: the steps (a control found by its role and accessible name, as a screen
reader would find it, and what to do with it) and the expected visible change (text that must
appear, and/or a figure whose data must change). The same rows drive JupyterLab, the app view
and the benchmark. A lesson without a row of its own is checked with its "pause and reflect"
journal box, which every lesson has.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass

from playwright.sync_api import Locator, Page

from pages import figure_data, visible_text


@dataclass(frozen=True)
class Step:
    role: str  # "combobox" | "button" | "textbox" | "radio" | "checkbox" | "option"
    name: str  # the control's accessible name (its ipywidgets description), matched as a substring
    action: str  # "select" | "click" | "fill" | "check"
    value: str = ""  # the option's label to choose, or the text to type
    nth: int = 0  # which match, if several controls share the name


@dataclass(frozen=True)
class Interaction:
    steps: tuple[Step, ...]
    expect_text: str = ""  # a regular expression that must match the output text afterwards
    expect_figure_change: bool = False  # some figure's data in the page must change
    what: str = ""  # a short description for messages and the benchmark


REFLECT = Interaction(
    steps=(Step("textbox", "What I learned or noticed", "fill",
                "A duty team learns most when we talk through cases together."),
           Step("button", "Save to my journal", "click")),
    expect_text=r"Saved to your journal",
    what="write a reflection and save it to the journal",
)

def _choose(label: str, option: str) -> tuple[Step, ...]:
    return (Step("combobox", label, "select", option),)


#: Per-lesson interactions, keyed by lesson number: the lesson's main widget, found by its label.
INTERACTIONS: dict[str, Interaction] = {
    "00": Interaction((Step("radio", "Social work student", "check"),),
                      expect_text=r"Suggested route for a social work student",
                      what="choose 'Social work student' in the route picker"),
    "01": Interaction(_choose("Which pull is this? (statement 1)", "Managerial: the modernising agenda"),
                      expect_text=r"Yes: Managerial[\s\S]*\(1 answered\)",
                      what="sort the first statement as managerial"),
    "02": Interaction(_choose("Which route is this? (statement 1)", "Top-down: building a learning organisation"),
                      expect_text=r"Yes: Top-down[\s\S]*\(1 answered\)",
                      what="sort the first statement as top-down"),
    "03": Interaction(_choose("Culture", "Managed"),
                      expect_text=r"Managed learning culture\. Exemplar: Investors in People[\s\S]*principles shown: 9 of",
                      what="show only the managed culture in the Table 1 explorer"),
    "04": Interaction(_choose("Start from an example team", "Example: a statutory team under pressure (invented)"),
                      expect_text=r"26 of 26 statements rated", expect_figure_change=True,
                      what="load the statutory-team example into the culture profile"),
    "05": Interaction((Step("radio", "Yes", "check", nth=0), Step("radio", "Yes", "check", nth=1)),
                      expect_text=r"Readiness R4[\s\S]*S4 delegating", expect_figure_change=True,
                      what="answer yes (able) and yes (willing) in the readiness grid"),
    "06": Interaction(_choose("Show the need", "Building and maintaining the team"),
                      expect_text=r"maintaining\s*the team\s*\(selected\)[\s\S]*T12 How far does the team keep",
                      what="show the team need in Adair's circles"),
    "07": Interaction(_choose("Trust: how true?", "2 a little true"),
                      expect_text=r"Your ratings: trust 2[\s\S]*Work on first: trust", expect_figure_change=True,
                      what="rate trust as a little true in the community-building check"),
    "08": Interaction(_choose("Which future does this point to? (statement 1)", "A monitoring tool"),
                      expect_text=r"Yes: A monitoring tool[\s\S]*\(1 answered\)",
                      what="sort the first supervision statement"),
    "09": Interaction((Step("radio", "Storming", "check"),),
                      expect_text=r"Storming\. Conflict[\s\S]*S2 selling", expect_figure_change=True,
                      what="choose the storming stage in the Tuckman selector"),
    "10": Interaction(_choose("Organisational structure: your team", "2 a little"),
                      expect_figure_change=True,
                      what="rate the team's organisational structure in the team-versus-organisation check"),
    "11": Interaction(_choose("Choose an area of theory", "Social and adult learning"),
                      expect_text=r"Social and adult learning\. Understanding how adults", expect_figure_change=True,
                      what="choose an area of theory in the domain map"),
}


def interaction_for(number: str) -> Interaction:
    return INTERACTIONS.get(number, REFLECT)


def control(scope: Locator, step: Step) -> Locator:
    return scope.get_by_role(step.role, name=step.name).nth(step.nth)  # type: ignore[arg-type]


def perform(page: Page, scope: Locator, interaction: Interaction, *, timeout: float = 20) -> float:
    """Do the steps with real input events; return seconds from the last step to the visible change.

    Raises AssertionError, naming what was expected, if the page does not change as it should.
    """
    before_text = visible_text(scope)
    before_figs = json.dumps(figure_data(page))
    for step in interaction.steps:
        target = control(scope, step)
        target.scroll_into_view_if_needed()
        if step.action == "select":
            t0 = time.perf_counter()
            target.select_option(label=step.value)
        elif step.action == "fill":
            target.fill(step.value)
            t0 = time.perf_counter()
        elif step.action == "check":
            t0 = time.perf_counter()
            target.check()  # a real click on the radio button or checkbox
        else:
            t0 = time.perf_counter()
            target.click()
    pattern = re.compile(interaction.expect_text) if interaction.expect_text else None
    deadline = time.monotonic() + timeout
    text_ok = figs_ok = False
    after_text = before_text
    while time.monotonic() < deadline:
        after_text = visible_text(scope)
        text_ok = pattern is None or (bool(pattern.search(after_text)) and after_text != before_text)
        figs_ok = not interaction.expect_figure_change or json.dumps(figure_data(page)) != before_figs
        if text_ok and figs_ok:
            return time.perf_counter() - t0
        time.sleep(0.05)
    missing = []
    if not text_ok:
        missing.append(f"text matching {interaction.expect_text!r} (text after: {after_text[-600:]!r})")
    if not figs_ok:
        missing.append("a change in a figure's data")
    raise AssertionError(f"after '{interaction.what}', the page did not show " + " and ".join(missing))
