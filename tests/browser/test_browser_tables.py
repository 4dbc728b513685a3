"""The course's HTML tables on a phone, in a real Chromium (walk27 L1): a table wider than the screen scrolls
sideways in its own box, and its caption's words wrap within the screen and stay in view as the table scrolls,
rather than being cut off at the box's edge.

Skipped when no Chromium is available (see tests/browser/conftest.py).
"""

from __future__ import annotations

import pytest

from coplearn.core.html import table

pytestmark = pytest.mark.browser

CAPTION = "Your suggested path (17 steps). It is a suggestion, not a rule: start with the lessons you need first."

MEASURE = """() => {
  const box = document.querySelector('.coplearn-table-scroll').getBoundingClientRect();
  const words = document.querySelector('caption span').getBoundingClientRect();
  const table = document.querySelector('table').getBoundingClientRect();
  return {box: [box.left, box.right], words: [words.left, words.right], table: table.width,
          name: document.querySelector('table').querySelector('caption').textContent};
}"""


@pytest.mark.parametrize("wrapper", [
    "<div>{}</div>",
    # as an ipywidgets HTML output holds it (a flex row)
    '<div style="display:flex"><div style="flex-shrink:1;align-self:baseline;min-width:0">{}</div></div>',
])
def test_a_wide_tables_caption_wraps_on_a_phone_and_stays_in_view(page, wrapper: str) -> None:
    rows = [(n, f"Lesson {n:02d}", "an_unbreakable_word_that_makes_the_table_wider_than_a_phone") for n in range(3)]
    page.set_viewport_size({"width": 375, "height": 667})
    page.set_content("<body style='margin:16px'>" + wrapper.format(table(CAPTION, ["Step", "Lesson", "Why"], rows))
                     + "</body>")
    before = page.evaluate(MEASURE)
    assert before["table"] > before["box"][1] - before["box"][0], before  # (the case: the table scrolls sideways)
    assert before["box"][0] - 1 <= before["words"][0] and before["words"][1] <= before["box"][1] + 1, before
    assert before["name"] == CAPTION  # still the table's caption, word for word
    page.evaluate("document.querySelector('.coplearn-table-scroll').scrollLeft = 250")
    after = page.evaluate(MEASURE)
    assert abs(after["words"][0] - before["words"][0]) <= 1, (before, after)  # the words stay where they were
