"""One whole lesson completed with the keyboard alone, in the app view (``coplearn app``).

Lesson 05 has every kind of control the course uses: drop-down sorters, radio-button groups, text
boxes, a button and a figure. Starting from the top of the page, the test presses only Tab,
the arrow keys, Enter and ordinary typing. It checks that Tab reaches every control, that each
control shows where the focus is, and that the lesson is complete at the end: every sorter
statement answered, the readiness grid filled in, and the reflection saved to the journal.
"""

from __future__ import annotations

import re

import pytest
from lesson_table import VIEWPORT, require_lesson
from pages import SCREENSHOTS, Watcher, open_voila, shutdown_voila_kernel, visible_text
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.timeout(300)

LESSON = "05-leading-situationally.ipynb"
MAX_TABS = 400

#: Describe the focused element, mark it so we know when Tab has come round again, and record
#: whether it shows a focus indicator (an outline or a box shadow, or a border that changed).
_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  if (!el.dataset.kb) { window.__kb = (window.__kb || 0) + 1; el.dataset.kb = String(window.__kb); }
  const s = getComputedStyle(el);
  const label = (el.labels && el.labels.length ? el.labels[0].textContent
                 : el.getAttribute('aria-label') || el.getAttribute('data-title') || el.textContent || '').trim();
  const group = el.closest('.widget-radio');
  let opacity = 1;
  for (let e = el; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
  return {kb: el.dataset.kb, tag: el.tagName.toLowerCase(), type: el.type || '', label: label.slice(0, 160),
          group: group ? (group.querySelector('.widget-label') || {}).textContent : '',
          course: !!el.closest('.jp-OutputArea') && !el.closest('.modebar'),
          modebar: !!el.closest('.modebar'),
          opacity: opacity, focusStyle: [s.outlineStyle, s.outlineWidth, s.boxShadow, s.borderColor].join('|'),
          ring: [s.outlineStyle, parseFloat(s.outlineWidth) || 0, s.outlineColor]};
}"""

_UNFOCUSED_STYLE = """(kb) => { const el = document.querySelector(`[data-kb="${kb}"]`);
  if (!el) return null;  // redrawn by its widget meanwhile
  const s = getComputedStyle(el); return [s.outlineStyle, s.outlineWidth, s.boxShadow, s.borderColor].join('|'); }"""

_CONTROLS = """() => Array.from(document.querySelectorAll(
    '.jp-OutputArea select, .jp-OutputArea textarea, .jp-OutputArea input, .jp-OutputArea button'))
  .filter(el => !el.closest('.modebar') && !el.disabled && el.offsetParent !== null)
  .map(el => el.dataset.kb || (el.type === 'radio' && el.name &&
                                document.querySelector(`input[type=radio][name="${el.name}"][data-kb]`) ? 'its group' :
    ('unreached ' + el.tagName + ' ' + ((el.labels && el.labels[0]) ? el.labels[0].textContent : el.textContent).trim().slice(0, 60))))"""


def _luminance(css_colour: str) -> float:
    """Relative luminance (WCAG) of an ``rgb(...)``/``rgba(...)`` colour as getComputedStyle gives it."""
    r, g, b = (int(float(v)) for v in re.findall(r"[\d.]+", css_colour)[:3])

    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def strong_ring(ring: list) -> bool:
    """A solid outline at least 2 px wide with at least 3:1 contrast on white (WCAG 2.4.7, 1.4.11):
    what the course's CSS (COURSE_CSS) gives its drop-downs, text boxes and buttons."""
    style, width, colour = ring
    return style == "solid" and width >= 2 and 1.05 / (_luminance(colour) + 0.05) >= 3


def focus_shows(before: str | None, after: str) -> bool:
    """An outline or a shadow when focused, or (if we could compare) any change from unfocused."""
    outline_style, outline_width, shadow, _ = after.split("|")
    return (outline_style not in ("none", "") and outline_width not in ("0px", "")) or shadow != "none" \
        or (before is not None and after != before)


@pytest.fixture
def app_page(browser: Browser, voila, served_root) -> Page:
    require_lesson(served_root, LESSON)
    context = browser.new_context(viewport=VIEWPORT)
    Watcher().attach(context)
    page = context.new_page()
    open_voila(page, voila, LESSON)
    # The reflection box is the lesson's last output: wait until it is drawn (a loaded machine can
    # draw it well after the rest has settled), or say what the page shows instead.
    try:
        page.get_by_role("button", name="Save to my journal").wait_for(state="visible", timeout=30_000)
    except Exception as exc:  # noqa: BLE001 - reported with what the page shows
        page.screenshot(path=str(SCREENSHOTS / "app-05-keyboard-no-save-button.png"), full_page=True)
        tail = visible_text(page.locator(".jp-OutputArea"))[-1500:]
        pytest.fail(f"the app view of {LESSON} never drew its 'Save to my journal' button ({exc}); "
                    f"the end of what it shows: {tail!r}")
    yield page
    shutdown_voila_kernel(page)
    context.close()


def test_lesson_05_can_be_completed_with_the_keyboard_alone(app_page: Page) -> None:
    page = app_page
    outputs = page.locator(".jp-OutputArea")
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")

    visited: list[dict] = []
    no_focus_indicator: list[str] = []
    radio_groups_done: set[str] = set()
    typed = saved = False
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        el = page.evaluate(_FOCUSED)
        if el is None:
            continue
        if visited and el["kb"] == visited[0]["kb"]:
            break  # Tab has come all the way round
        visited.append(el)
        if el["modebar"] and el["opacity"] < 0.5:  # plotly's chart toolbar, focused but invisible
            no_focus_indicator.append(f"chart toolbar button '{el['label']}' (opacity {el['opacity']:.1f})")
        if not el["course"]:
            continue
        what = f"{el['tag']} '{el['label'] or el['group']}'"
        if el["tag"] == "select":
            page.keyboard.press("ArrowDown")  # picks the first answer, as a keyboard user would
        elif el["type"] == "radio" and el["group"] not in radio_groups_done:
            page.keyboard.press("ArrowDown")  # to "No" (selects it) ...
            page.keyboard.press("ArrowUp")  # ... and back to "Yes"
            radio_groups_done.add(el["group"])
        elif el["tag"] == "textarea" and "learned" in el["label"]:
            page.keyboard.type("Telling suits someone new and unsure; I tend to over-explain instead.")
            typed = True
        elif el["tag"] == "button" and "Save to my journal" in el["label"]:
            assert typed, "Tab reached the save button before the reflection box"
            page.keyboard.press("Enter")
            saved = True
        # a control that is neither outlined nor changed when focused fails WCAG 2.4.7
        page.keyboard.press("Shift+Tab")
        before = page.evaluate(_UNFOCUSED_STYLE, el["kb"])
        page.keyboard.press("Tab")
        if not focus_shows(before, el["focusStyle"]):
            no_focus_indicator.append(what)
        elif el["tag"] in ("select", "input", "textarea", "button") and not strong_ring(el["ring"]):
            # not just a border turning light blue (ipywidgets' own sign, about 2.2:1 on white)
            no_focus_indicator.append(f"{what} (only {el['ring']})")
    else:
        pytest.fail(f"Tab never came back round after {MAX_TABS} presses (a keyboard trap?)")

    # a chart's toolbar offers only "Download plot as a png": no "Share chart..." (an upload to
    # plotly's cloud service) and no zoom or select buttons, each a Tab stop that does nothing here
    toolbar = [v["label"] for v in visited if v["modebar"]]
    assert all("png" in label.lower() for label in toolbar), toolbar
    unreached = [c for c in page.evaluate(_CONTROLS) if c.startswith("unreached")]
    assert not unreached, f"Tab never reaches: {unreached}"
    assert not no_focus_indicator, f"no visible focus indicator on: {no_focus_indicator}"
    if not saved:
        page.screenshot(path=str(SCREENSHOTS / "app-05-keyboard-unsaved.png"), full_page=True)
        button = page.evaluate("""() => Array.from(document.querySelectorAll('.jp-OutputArea button'))
            .filter(b => /Save to my journal/.test(b.textContent))
            .map(b => ({kb: b.dataset.kb || null, disabled: b.disabled, shown: b.offsetParent !== null}))""")
        last = [f"{v['tag']} '{v['label'] or v['group']}' (course: {v['course']})" for v in visited[-8:]]
        pytest.fail(f"the 'Save to my journal' button was never reached (typed the reflection: {typed}; "
                    f"the button on the page: {button}; {len(visited)} stops, the last ones: {last})")

    text = visible_text(outputs)
    answered = re.findall(r"(\d+) of (\d+) placed where the course puts them \((\d+) answered\)", text)
    assert answered, "no sorter score line found"
    for _correct, total, done in answered:
        assert done == total, f"a sorter has only {done} of {total} statements answered"
    assert re.search(r"Readiness R4", text) and "S4 delegating" in text, "the readiness grid was not filled in"
    page.get_by_text("Saved to your journal").wait_for(timeout=10_000)
    page.screenshot(path=str(SCREENSHOTS / "app-05-keyboard-only.png"), full_page=False)


def test_the_arrow_keys_stay_within_one_question(app_page: Page) -> None:
    """walk16 F11: ipywidgets draws a question's radio buttons without a shared name, so ArrowDown went on
    from "Able for this task?" into "Willing or confident?" and changed that answer too, and Tab stopped
    at every button. The course's page script makes each question one group."""
    page = app_page
    able = page.get_by_role("radiogroup", name="Able for this task?").get_by_role("radio")
    willing = page.get_by_role("radiogroup", name="Willing or confident?").get_by_role("radio")
    names = {able.nth(i).evaluate("r => r.name") for i in range(able.count())}
    assert len(names) == 1 and names != {""}, names
    assert willing.first.evaluate("r => r.name") not in names
    before = [willing.nth(i).is_checked() for i in range(willing.count())]
    able.first.focus()
    for _ in range(4):
        page.keyboard.press("ArrowDown")
    focused_in_able = page.evaluate("(n) => document.activeElement && document.activeElement.name === n", names.pop())
    assert focused_in_able, "the arrow keys left the question"
    assert [willing.nth(i).is_checked() for i in range(willing.count())] == before, "the next question's answer changed"


def test_a_screen_reader_hears_the_question_and_the_feedback(app_page: Page) -> None:
    """Reach 11, from the accessibility tree's side (no screen reader runs here):

    - each sorter drop-down carries the statement it answers as its description (its name is only
      "... (statement 3)");
    - each set of radio buttons is a group named by its question (both were "Yes, radio button");
    - the feedback under a drop-down is a live region *before* anything is chosen, and stays the
      same element when its message changes: screen readers announce changes inside a live
      region already on the page, not a ``role="status"`` made anew with its text.
    """
    page = app_page
    sorters = page.locator(".jp-OutputArea select")
    named = [i for i in range(sorters.count()) if re.search(
        r"\(statement \d+\)", sorters.nth(i).evaluate("s => s.labels && s.labels[0] ? s.labels[0].textContent : ''"))]
    assert len(named) >= 6, named
    for i in named:
        select = sorters.nth(i)
        statement = select.evaluate("s => s.closest('.widget-dropdown').previousElementSibling.textContent.trim()")
        assert len(statement) > 20, statement
        # what the accessibility tree gives as the control's description
        expect(select).to_have_accessible_description(statement)
    sorters.nth(named[0]).evaluate("s => s.setAttribute('data-first-sorter', 'yes')")

    for question in ("Able for this task?", "Willing or confident?"):
        group = page.get_by_role("radiogroup", name=question)
        assert group.count() == 1, question
        assert group.get_by_role("radio").count() == 2

    # a chart's one toolbar button says which chart it downloads (every one was "Download plot as a PNG")
    buttons = page.locator(".js-plotly-plot .modebar-btn")
    assert buttons.count() >= 1
    for i in range(buttons.count()):
        expect(buttons.nth(i)).to_have_accessible_name(re.compile(r'^Download the chart ".+" as a PNG$'))

    select = page.locator("select[data-first-sorter]")
    feedback = select.locator("xpath=ancestor::div[contains(@class,'widget-dropdown')][1]/following-sibling::div[1]")
    assert feedback.get_attribute("aria-live") == "polite" and feedback.get_attribute("aria-atomic") == "true"
    feedback.evaluate("el => { el.dataset.sameBox = 'yes'; }")
    select.select_option(index=1)
    page.wait_for_function("el => /Yes|Not quite/.test(el.textContent)", arg=feedback.element_handle(), timeout=10_000)
    assert feedback.get_attribute("data-same-box") == "yes"  # the same live element, its text changed
    assert feedback.locator("[role=status]").count() == 0  # (no second live region inside it)


def test_in_jupyterlab_arrow_keys_and_letters_stay_in_a_drop_down(browser: Browser, lab, served_root) -> None:
    """JupyterLab's command-mode shortcuts must not take keys from a focused drop-down, and Esc
    leaves it for the notebook without changing the answer (reach 10 K1: nothing else did).

    Without the course's fix (``KEYBOARD_SCRIPT`` in ``widgets/_base.py``), ArrowDown on a drop-down
    moves to the next cell and "m" turns the widget's cell into Markdown, losing the widget.
    """
    name = "01-a-profession-under-pressure.ipynb"
    require_lesson(served_root, name)
    from pages import LabNotebook
    from servers import shutdown_kernels

    context = browser.new_context(viewport=VIEWPORT)
    try:
        nb = LabNotebook(context.new_page(), lab, f"course/{name}").open()
        nb.run_all()
        page = nb.page
        code_cells = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell").count()
        page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
        for _ in range(MAX_TABS):  # Tab from the top of the page to the first drop-down
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.tagName === 'SELECT'"
                             " && !!document.activeElement.closest('.jp-OutputArea')"):
                break
        else:
            pytest.fail("Tab never reached a drop-down in the lesson")
        label = page.evaluate("() => document.activeElement.labels[0].textContent")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("m")
        page.keyboard.press("d")
        page.keyboard.press("d")
        box = nb.outputs.get_by_role("combobox", name=label)
        assert box.evaluate("el => el === document.activeElement"), "focus left the drop-down"
        assert box.input_value() != "Choose...", "ArrowDown did not change the choice"
        nb.outputs.get_by_text(re.compile(r"\(1 answered\)")).wait_for(timeout=10_000)
        assert page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell").count() == code_cells, \
            "a key typed on the drop-down changed or deleted a cell"
        # Esc leaves the drop-down without touching the answer, and keys after it no longer reach it
        chosen = box.input_value()
        page.keyboard.press("Escape")
        assert not box.evaluate("el => el === document.activeElement"), "Esc did not leave the drop-down"
        assert page.evaluate("() => !!document.activeElement.closest('.jp-Notebook')"), \
            "Esc left the drop-down but not for its notebook"
        page.keyboard.press("ArrowUp")
        page.keyboard.press("ArrowDown")
        assert box.input_value() == chosen, "a key pressed after Esc changed the answer"
    finally:
        context.close()
        shutdown_kernels(lab)


def test_in_jupyterlab_a_lesson_runs_with_the_keyboard_route_its_top_line_gives(browser: Browser, lab,
                                                                                 served_root) -> None:
    """walk28 L3: the lessons said "choose Run → Run All Cells" and gave no keyboard route (Alt+R, Alt and F10 do
    nothing; the menu bar is 25 Tab presses away). Each lesson's top line now gives one, and it works: Ctrl+Shift+C
    opens JupyterLab's command palette, "run all" finds Run All Cells, and Enter runs the lesson."""
    import json

    name = "04-the-super-ordinate-learning-culture.ipynb"
    require_lesson(served_root, name)
    top = "".join(json.loads((served_root / "course" / name).read_text(encoding="utf-8"))["cells"][0]["source"])
    assert "with the keyboard: press Ctrl+Shift+C, type run all, then press Enter" in top, top[:500]
    from pages import LabNotebook
    from servers import shutdown_kernels

    context = browser.new_context(viewport=VIEWPORT)
    try:
        nb = LabNotebook(context.new_page(), lab, f"course/{name}").open()
        nb.notebook.click(position={"x": 5, "y": 5})  # (the notebook has the focus, as when it opens)
        nb.page.keyboard.press("Escape")
        nb.run_all(keyboard=True)
        assert nb.outputs.locator(".jupyter-widgets").count() > 0
    finally:
        context.close()
        shutdown_kernels(lab)
