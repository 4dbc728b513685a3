"""The course's page-wide CSS, shown (in a hidden widget) with every course widget.

It reaches all three front ends the same way: JupyterLab, Voila and the browser edition draw an
HTML widget's ``<style>`` into the page, where it applies to the whole page while the widget is shown.
"""

from __future__ import annotations

import ipywidgets as W

__all__ = ["COURSE_CSS", "COURSE_CLASS", "course_style"]

#: The CSS class of the box every course widget is shown in (:meth:`Composite._ipython_display_`).
COURSE_CLASS = "coplearn-course"

#: Page-wide fixes for WCAG 2.2 AA gaps in the upstream tools (see docs/accessibility.md):
#: ipywidgets 8.1 packs radio buttons 20 px apart (2.5.8 target size asks for 24 px);
#: JupyterLab and Voila show links in rendered Markdown by colour alone (1.4.1 use of colour);
#: plotly's chart toolbar stays invisible (opacity 0) while its buttons have the keyboard focus
#: (2.4.7 focus visible); long addresses and commands in lesson text run off a narrow screen (1.4.10).
#:
#: The rest applies only inside the course's own widgets (``.coplearn-course``, the box that
#: :meth:`Composite._ipython_display_` shows), so a learner's own widgets are left as ipywidgets
#: draws them:
#:
#: - Reflow (1.4.10). ipywidgets puts a label beside its control in a row that never wraps, and a
#:   full label (``description_width="initial"``) keeps its whole width, so on a narrow screen the
#:   control was squeezed to a stub (a 25 px journal box, a drop-down showing only its arrow at
#:   320 px). Here a row wraps: the control goes under its label, at the full width, when the two do
#:   not fit side by side in the row (a control needs at least 12em, a number box 6em); a label
#:   longer than the row wraps its words; rows of buttons wrap, and a button's words wrap rather
#:   than being cut to "...". Where there is room (a desktop screen) nothing moves. A widget is no
#:   wider than its box (ipywidgets' 2 px margins made every full-width row 4 px too wide, so every
#:   box scrolled sideways), and a data table scrolls in its own box (coplearn.core.html.table), not
#:   the text around it.
#: - Focus (2.4.7, 1.4.11). ipywidgets turns the outline off (``outline: none !important``) and
#:   shows focus by a 1 px light-blue border (about 2.2:1 on white): here a 2 px ring in the
#:   palette's blue #0072B2 (5.1:1 on white) on every control.
#: - Chart titles (1.4.10). plotly draws a title as one line of SVG text, cut off on a phone: the
#:   course shows it as a paragraph above the chart (``figures._base.title_html``, hidden unless this
#:   sheet is on the page) and hides plotly's title of the chart just after it (``:has``, so a
#:   browser without it shows both).
#: - A button waiting to act on a press (``coplearn-waiting``, :meth:`Composite.once_typed`) looks disabled but is
#:   not, so that it keeps the keyboard focus (walk28 M1).
#: - A printed line (a check's "Your answer to statement 1: humanistic (typed)") wraps between words, not inside one
#:   ("humanis / tic" at 400 px: walk30s L4); a word longer than the line still breaks.
#: - On a phone (up to 480 CSS px) a drop-down's or text box's label goes above it, so that the control has the
#:   row's whole width and a drop-down shows its choice whole ("Building and maintaining the team" was cut to
#:   "Building and maintaining the" beside "Show the need": walk27 L6).
#: - Forced colours (Windows High Contrast). ipywidgets' buttons have no border, only a background,
#:   which forced colours removes: they read as plain text; and a drop-down's arrow is a dark
#:   background picture, invisible on a dark theme. Here buttons get a ButtonText border and
#:   drop-downs the system's own look (with its arrow).
COURSE_CSS = """
.jupyter-widget-radio-box label, .widget-radio-box label,
.jupyter-widget-radio-box input, .widget-radio-box input { height: 28px; line-height: 28px; }
.jp-RenderedHTMLCommon a[href] { text-decoration: underline; }
.coplearn-course .widget-html-content a[href] { color: var(--jp-content-link-color, #1a5fb4); text-decoration: underline; }
.jp-RenderedMarkdown a[href], .jp-RenderedMarkdown :not(pre) > code { overflow-wrap: anywhere; }
.js-plotly-plot .plotly .modebar:focus-within > * { opacity: 1 !important; transition: none !important; }
.js-plotly-plot .plotly .modebar-btn:focus-visible { outline: 2px solid #0072B2; outline-offset: 1px; }
.coplearn-course .jupyter-widgets:not(.widget-box) { max-width: calc(100% - 2 * var(--jp-widgets-margin, 2px)) !important; }
.coplearn-course .widget-hbox { flex-wrap: wrap; }
.coplearn-course .widget-inline-hbox { flex-wrap: wrap; }
.coplearn-course .widget-dropdown { height: auto; min-height: var(--jp-widgets-inline-height, 28px); }
.coplearn-course .widget-inline-hbox > .widget-label {
  white-space: normal; overflow-wrap: break-word; max-width: 100%; height: auto; line-height: 20px; padding: 4px 0; }
.coplearn-course .widget-inline-hbox > .widget-label[style*="initial"] { text-align: left; }
.coplearn-course .widget-dropdown > select, .coplearn-course .widget-text > input,
.coplearn-course .widget-textarea > textarea { flex: 1 1 12em; min-width: 12em; max-width: 100%; }
.coplearn-course .widget-text > input[type="number"] { flex-basis: 6em; min-width: 6em; }
.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stdout"] pre { word-break: normal; overflow-wrap: break-word; }
@media (max-width: 480px) {
  .coplearn-course .widget-dropdown > .widget-label, .coplearn-course .widget-text > .widget-label,
  .coplearn-course .widget-textarea > .widget-label { flex-basis: 100%; } }
.coplearn-course .widget-dropdown > select { height: var(--jp-widgets-inline-height, 28px); }
.coplearn-course .widget-html > .widget-html-content { min-width: 0; }
.coplearn-course .widget-html-content a[href], .coplearn-course .widget-html-content code { overflow-wrap: anywhere; }
.coplearn-course .coplearn-table-scroll, .coplearn-course .widget-html-content .scroll { max-width: 100%; overflow-x: auto; }
.coplearn-chart-title { display: block !important; font-weight: bold; margin: 0.5em 0 0; overflow-wrap: break-word; }
.jp-OutputArea-child:has(.coplearn-chart-title) + .jp-OutputArea-child .js-plotly-plot .gtitle { display: none; }
.coplearn-table-scroll:focus-visible, .coplearn-course .widget-html-content .scroll:focus-visible {
  outline: 2px solid #0072B2; outline-offset: 1px; }
.coplearn-course .jupyter-button { max-width: 100%; height: auto; min-height: var(--jp-widgets-inline-height, 28px);
  white-space: normal; line-height: 20px; padding-top: 4px; padding-bottom: 4px; }
.coplearn-course .jupyter-button.coplearn-waiting { opacity: var(--jp-widgets-disabled-opacity, 0.6); cursor: progress; }
.coplearn-course select:focus-visible, .coplearn-course input:focus-visible,
.coplearn-course textarea:focus-visible, .coplearn-course button:focus-visible,
.coplearn-course summary:focus-visible, .coplearn-course a[href]:focus-visible,
.coplearn-alt summary:focus-visible, .coplearn-alt a[href]:focus-visible {
  outline: 2px solid #0072B2 !important; outline-offset: 0 !important; }
/* WebKit (Safari) does not count a radio button reached with the arrow keys as :focus-visible (walk25 M1) */
.coplearn-course input[type="radio"]:focus { outline: 2px solid #0072B2 !important; outline-offset: 0 !important; }
@media (forced-colors: active) {
  .coplearn-course .jupyter-button { border: 1px solid ButtonText; }
  .coplearn-course .jupyter-button:disabled, .coplearn-course .jupyter-button.coplearn-waiting {
    border-color: GrayText; color: GrayText; }
  .coplearn-course .widget-dropdown > select { appearance: auto; background-image: none; padding-right: 2px; }
  .coplearn-course select:focus-visible, .coplearn-course input:focus-visible,
  .coplearn-course textarea:focus-visible, .coplearn-course button:focus-visible,
  .coplearn-table-scroll:focus-visible, .coplearn-course input[type="radio"]:focus { outline-color: Highlight !important; }
}
"""


def course_style() -> W.HTML:
    """A hidden widget holding :data:`COURSE_CSS`; shown with every course widget, styling the page."""
    return W.HTML(value=f"<style>{COURSE_CSS}</style>", layout=W.Layout(display="none"))
