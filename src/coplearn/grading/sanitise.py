"""Sanitising steps: a submission's answer cells become data before anything runs.

nbgrader runs these (``nbgrader_config.py`` names them), around its own ``OverwriteCells``:

- :class:`ForgetUnknownCells` (before ``OverwriteCells``): a cell whose nbgrader id the gradebook
  does not know loses its nbgrader metadata, so it cannot pass itself off as a locked or test cell;
  a cell it knows gets the course's own nbgrader metadata back;
- :class:`AnswersAsData` (after it). A cell counts as the course's own only when the gradebook
  knows it as a locked or test cell; its source is the gradebook's and its metadata is reset (so
  a tag such as ``skip-execution`` cannot stop a test). Every other code cell is the student's:
  it is read as data with :func:`coplearn.grading.answers.parse_answer_cell` and rewritten as the
  canonical literal it holds. A cell that is not a plain answer is not run: it is kept as text
  (comments) with a one-line note, and its answers are unanswered unless the learner's own
  session saved the value it computed in ``answers.json``. The answers that will be marked are
  recorded in the notebook's metadata (``coplearn.graded_answers``) for the tutor.

This module imports nbgrader when a step is first used; ``import coplearn`` does not.
"""

from __future__ import annotations

import collections
import copy
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from coplearn.grading import answers as grading
from coplearn.grading.gradebook import (built_on_first_use, course_id, gradebook_cells, log_safe, nbgrader_meta,
                                       preprocessor_base)
from coplearn.grading.schema import Question, clean_value, answer_schema, clean_answers
from coplearn.grading.versions import check_versions

__all__ = ["AnswersAsData", "ForgetUnknownCells", "inert_markdown", "student_framed"]


#: nbgrader's markers for solutions and hidden tests. ``generate_assignment`` removes them, so a
#: student's cell that carries one holds the tutor's source (solutions/), not the student's answer.
#: Only nbgrader's own form, in capitals and alone on its line: a learner's comment such as
#: "# Begin solution: I went through Table 1" is the learner's own (red team 12 F6).
SOURCE_MARKER = re.compile(r"^[ \t]*#+[ \t]*(BEGIN|END)[ \t]+(SOLUTION|HIDDEN[ \t]+TESTS)[ \t]*$", re.MULTILINE)
#: The most cells a submitted notebook may have (each released one has fewer than 100); more is
#: not an answer but an attempt to slow everyone's grading down, and fails that student alone.
MAX_CELLS = 2000
#: The most cells of one notebook named each on a line of its own in the tutor's log (a cell not run,
#: a raw cell shown as text ...); the rest are counted on one line.
MAX_CELL_NOTES = 10

MARKER_WHY = ("it carries the course's solution markers, which a released notebook never has: this is the "
              "tutor's source notebook, or a copy of it, not the student's own answer")


#: A cell kept as text is shown in full (long lines wrapped), up to this many characters: an
#: essay typed into a code cell is the tutor's to read and mark. Beyond it the notebook in
#: ``submitted/`` has the rest, and the cell says so.
TEXT_KEPT = 100_000
#: ... and a student's own text in one notebook (written answers, and code cells kept as text) is
#: shown up to this many characters in all, about 50,000 words: 600 cells each just under
#: :data:`TEXT_KEPT` (57 MB) took formgrader 64 s a view and made a 58 MB feedback page (red team 18
#: F2). Written answers come first; the notebook as handed in has the rest.
TEXT_BUDGET = 300_000


#: A run of more empty (or blank) lines than this is drawn as one line that counts them (red team 23
#: F1: 500 cells of 99,500 empty lines each took minutes to draw, one line at a time).
EMPTY_RUN_SHOWN = 2


def _as_comment(text: str, limit_lines: int | None = None, width: int = 100, kept: int = TEXT_KEPT) -> list[str]:
    r"""``text`` as comment lines, each safe to put in Python source (no line breaks, no NULs),
    long lines wrapped at ``width`` so that nothing is cut; at most ``limit_lines`` of the
    original lines (all by default) and ``kept`` characters (:data:`TEXT_KEPT`). A run of more than
    :data:`EMPTY_RUN_SHOWN` empty lines is one line, ``(N empty lines)``; it counts towards ``kept``
    as the characters it stands for, so that :func:`_cuts` tells without drawing whether the text
    is cut.

    >>> _as_comment("Dear tutor,\n\n\n\n\nplease mark this.")
    ['#     Dear tutor,', '#     (4 empty lines)', '#     please mark this.']
    """
    import textwrap

    out: list[str] = []
    lines = text.splitlines() or [""]
    shown = lines if limit_lines is None else lines[:limit_lines]
    used = 0
    skip_to = 0
    for n, line in enumerate(shown):
        if n < skip_to:
            continue
        if not line.strip():
            end = n
            while end < len(shown) and not shown[end].strip():
                end += 1
            if end - n > EMPTY_RUN_SHOWN:
                size = sum(len(x) + 1 for x in shown[n:end])
                if used + size - 1 > kept:  # (cut within the run: nothing in it to show)
                    left = sum(len(x) for x in lines) + len(lines) - 1 - (kept if used < kept else used)
                    out.append(f"#     ... and about {max(left, 0):,} more characters: see the notebook as handed in (submitted/)")
                    return out
                out.append(f"#     ({end - n:,} empty lines)")
                used += size
                skip_to = end
                continue
        if used + len(line) > kept:
            if used < kept:  # (a first line longer than the whole allowance shows its start)
                line = line[: kept - used]
                out.extend("#     " + part for part in textwrap.wrap(grading.printable(line), width) or [""])
            left = sum(len(x) for x in lines) + len(lines) - 1 - (kept if used < kept else used)
            out.append(f"#     ... and about {max(left, 0):,} more characters: see the notebook as handed in (submitted/)")
            return out
        used += len(line) + 1
        safe = "\t".join(grading.printable(part) for part in line.split("\t"))
        parts = textwrap.wrap(safe, width, break_long_words=True, break_on_hyphens=False, expand_tabs=False,
                              replace_whitespace=False, drop_whitespace=False) or [""]
        out.extend("#     " + part for part in parts)
    if len(lines) > len(shown):
        out.append(f"#     ... and {len(lines) - len(shown)} more lines")
    return out


def _cuts(text: str, limit_lines: int | None = None, kept: int = TEXT_KEPT) -> bool:
    r"""Whether :func:`_as_comment` (same arguments) cuts ``text`` short of its ``limit_lines``, worked
    out without drawing it: it cuts exactly when the lines it would show, joined, pass ``kept``.

    >>> _cuts("abc\ndef", kept=7), _cuts("abc\ndef", kept=6), _cuts("a\nb\nc" + "d" * 50, 2, kept=4)
    (False, True, False)
    """
    lines = text.splitlines() or [""]
    shown = lines if limit_lines is None else lines[:limit_lines]
    return sum(len(x) for x in shown) + len(shown) - 1 > kept


#: What can make a learner's Markdown more than text when the tutor's page shows it: raw HTML
#: (``<``), links and images (``[``, ``]``), backslash escapes that undo ours, MathJax's
#: delimiters (``$``, ``\\(``, ``\\[``), whose ``\\href`` can be a ``javascript:`` link, and
#: character references (``&#36;`` becomes ``$`` once the page is drawn, after any check on the text).
_ACTIVE_MARKDOWN = re.compile(r"[<\[\]\\$]|&(?=[#A-Za-z])")  # ("&" alone, as in "Smith & Jones", is text)
#: A bare web address, which nbconvert's Markdown (mistune's ``url`` plugin) makes a link: its colon is
#: escaped, so that the address shows as typed and is not a link (red team 23 F2).
_BARE_ADDRESS = re.compile(r"(?i)(https?):(?=//)")


def _inert_char(match: re.Match[str]) -> str:
    char = match.group()
    if char == "<":
        return "&lt;"
    if char == "&":
        return "&amp;"  # shown as typed: "&#36;" stays those five characters
    if char == "\\":
        # a character reference, not "\\\\": nbconvert reads "\\\\(" and "\\begin{" as maths, which showed our
        # escapes as typed (red team 23 F4)
        return "&#92;"
    return "\\" + char  # "$" too: no maths span, whose content would show our escapes (red team 23 F4)


#: What the Markdown reader draws quickly, counted (red team 23 F3): formgrader's page and the feedback
#: cost about 50-80 microseconds (2-core VM) for each line of a written answer and each Markdown mark
#: in it (an ``<li>``, an ``<em>``, a code span, a table cell ...), so 100,000 characters of "1. a" or
#: "_a_ " took seconds a cell; and nbconvert's ``strip_files_prefix`` looks along the rest of the line
#: from each ``[``, which grows with the square of a long line full of them (a line of "[a](b) " took
#: 8 s). A written answer weighing more than :data:`MARKUP_KEPT` (:func:`markup_weight`), or more than
#: what is left of :data:`MARKUP_BUDGET` in its notebook, is shown as preformatted text, as typed, under
#: a one-line note: that costs the page next to nothing for each line or mark. An honest essay of
#: 15,000 words in 300 paragraphs weighs under 1,000.
MARKUP_KEPT = 2_000
MARKUP_BUDGET = 6_000
#: The characters counted as marks by :func:`markup_weight`.
_MARKS = "*_~`[]|<>&$\\!#:"
#: A ``[`` costs its line's length in characters divided by this.
_BRACKET_SCAN = 1_000
#: The note above a written answer shown as preformatted text.
PLAIN_NOTE = ("*(Shown as typed, without its formatting: this answer has more lines or Markdown marks than the "
              "grading page draws quickly.)*")
#: ... and above one that is light itself, but comes after answers that used up :data:`MARKUP_BUDGET` (check24 6).
BUDGET_NOTE = ("*(Shown as typed, without its formatting: the answers above it in this notebook already have as many "
               "lines and Markdown marks as the grading page draws quickly.)*")


def markup_weight(text: str) -> int:
    r"""What drawing ``text`` as Markdown costs the tutor's page, counted (see :data:`MARKUP_KEPT`): a
    line break and each mark in :data:`_MARKS` count one, and each ``[`` its line's length / 1,000.

    >>> markup_weight("Trust first, then tasks."), markup_weight("- one\n- two *now*"), markup_weight("[" * 2000)
    (1, 4, 6001)
    """
    if not isinstance(text, str):
        return 0
    weight = 1 + text.count("\n") + text.count("\r") + sum(text.count(mark) for mark in _MARKS)
    if "[" in text:
        weight += sum(line.count("[") * len(line) for line in text.splitlines() if "[" in line) // _BRACKET_SCAN
    return weight


#: What in preformatted text is written as a character reference (and the colon of a web address): the
#: browser shows each as typed, and should the page's Markdown reader ever read the text as Markdown (a
#: fence of the student's it saw and we did not, say), none of it is a mark.
_PRE_MARKS = re.compile(r"[&<>\[\]\\`~$]|(?i:(?<=http)|(?<=https)):(?=//)")


def _pre_text(text: str) -> str:
    r"""``text`` for the inside of our ``<pre>``, which the page passes on as it is: no ``<`` to end it
    early, no ``[`` for ``strip_files_prefix`` to look along the line from, and nothing that is Markdown
    (a heading line's mark too), as the last line of defence (see :data:`_PRE_MARKS`).

    >>> print(_pre_text("# q3-task <b>\n- [x] `a` $b$ https://e.example"))
    &#35; q3-task &lt;b&gt;
    - &#91;x&#93; &#96;a&#96; &#36;b&#36; https&#58;//e.example
    """
    out = []
    for line in _PRE_MARKS.sub(lambda m: f"&#{ord(m.group())};" if m.group() not in "&<>" else
                               {"&": "&amp;", "<": "&lt;", ">": "&gt;"}[m.group()], text).split("\n"):
        at = _heading_mark(line.rstrip())
        out.append(line if at is None else f"{line[:at]}&#{ord(line[at])};{line[at + 1:]}")
    return "\n".join(out)


def _preformatted(text: str, note: str = PLAIN_NOTE) -> str:
    r"""A written answer too heavy to draw as Markdown (:data:`MARKUP_KEPT`), as preformatted text under
    ``note`` (:data:`PLAIN_NOTE`; :data:`BUDGET_NOTE` when the notebook's budget is what it missed): one HTML block, which the Markdown reader passes on without reading it, its
    text shown exactly as typed (no link, heading or maths can form: nothing in it is Markdown).

    >>> print(_preformatted("1. a <b>\n2. [x]"))  # doctest: +ELLIPSIS
    <div class="tex2jax_ignore mathjax_ignore">
    <BLANKLINE>
    *(Shown as typed, without its formatting: ...)*
    <BLANKLINE>
    <pre style="white-space: pre-wrap">1. a &lt;b&gt;
    2. &#91;x&#93;</pre>
    <BLANKLINE>
    </div>
    """
    body = _pre_text(text.replace("\r\n", "\n").replace("\r", "\n"))
    return ('<div class="tex2jax_ignore mathjax_ignore">\n\n' + note + '\n\n<pre style="white-space: pre-wrap">'
            + body + "</pre>\n\n</div>")


_BACKTICKS = re.compile(r"`+")
#: What in a code span's text is written as a character reference: inside our ``<code>`` the page still
#: reads Markdown, so these would be marks (and ``:`` after "http" an address).
_CODE_MARKS = re.compile(r"[&<>\\`*_~\[\]|$!:]")


def _code_html(code: str) -> str:
    """A code span's text as the page's Markdown reader shows it (one space either side taken off),
    written as our own ``<code>`` element: its text shows as typed, where the reader's own code span
    would have shown our escapes (``&lt;br>``: red team 23 F4)."""
    if code.strip(" ") and code.startswith(" ") and code.endswith(" "):
        code = code[1:-1]
    return "<code>" + _CODE_MARKS.sub(lambda m: f"&#{ord(m.group())};", code) + "</code>"


def _inert_line(line: str) -> str:
    r"""One line of a written answer made inert (:func:`_inert_char`), its code spans (a run of backticks
    to the next run as long, on the same line) written by :func:`_code_html`. A backtick left over is
    escaped, so that the page cannot pair it otherwise than here.

    >>> print(_inert_line("use `<br>` and ``a`[0]`` or \\`x` <b>"))
    use <code>&#60;br&#62;</code> and <code>a&#96;&#91;0&#93;</code> or &#92;\`x\` &lt;b>
    """
    out: list[str] = []
    at = i = 0
    while (m := _BACKTICKS.search(line, i)) is not None:
        start, end = m.span()
        back = start
        while back > at and line[back - 1] == "\\":
            back -= 1
        if (start - back) % 2:  # an escaped backtick: text (and what follows it of the run may open a span)
            i = start + 1
            continue
        close = next((c for c in _BACKTICKS.finditer(line, end) if c.end() - c.start() == end - start), None)
        if close is None:
            i = end
            continue
        out.append(_ACTIVE_TEXT.sub(_inert_char, line[at:start]))
        out.append(_code_html(line[end:close.start()]))
        at = i = close.end()
    out.append(_ACTIVE_TEXT.sub(_inert_char, line[at:]))
    return "".join(out)


#: :data:`_ACTIVE_MARKDOWN`, and a backtick (in the text around code spans: one left over).
_ACTIVE_TEXT = re.compile(_ACTIVE_MARKDOWN.pattern + "|`")
#: A fenced code block's opening line, at the start of a line (so in no list or quotation of the
#: student's); backticks in the rest of the line make it text, not a fence.
_FENCE = re.compile(r"(`{3,}|~{3,})(.*)")


def _inert_body(text: str) -> str:
    """The text of :func:`inert_markdown`: each fenced code block that starts a line becomes our own
    ``<pre><code>`` (its text as typed, where the page's would show our escapes); the rest is made inert
    line by line, heading marks and web addresses escaped."""
    parts: list[str] = []
    prose: list[str] = []

    def flush() -> None:
        if prose:
            parts.append(_BARE_ADDRESS.sub(r"\1\\:", _escape_headings("\n".join(map(_inert_line, prose)))))
            prose.clear()

    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    n = 0
    while n < len(lines):
        fence = _FENCE.fullmatch(lines[n])
        if fence is None or (fence.group(1)[0] == "`" and "`" in fence.group(2)):
            prose.append(lines[n])
            n += 1
            continue
        mark = fence.group(1)
        end = next((k for k in range(n + 1, len(lines))
                    if re.fullmatch(" {0,3}" + re.escape(mark[0]) + "{%d,}[ \t]*" % len(mark), lines[k])), len(lines))
        flush()
        # (after a blank line: else the page's reader took the line for a lazy continuation of a quotation
        # or list item of the student's just above, and read what followed it as Markdown)
        parts.append("\n<pre><code>" + _pre_text("\n".join(lines[n + 1:end])) + "</code></pre>\n")
        n = end + 1
    flush()
    return "\n".join(parts)


#: A Markdown heading line (``# title``, or a line of ``=`` or ``-`` under a paragraph), also inside a
#: quote or a list item (``> # title``, ``- ## title``, ``1. # title``): the page
#: gives each heading an ``id`` made from its words, and formgrader finds each score and comment box
#: by an ``id`` equal to its grade id, so a heading ``# q3-task`` above the real box would capture it.
#: Read one line at a time by :func:`_heading_mark`, in one pass: a regular expression for the
#: nested markers backtracked exponentially on a line of many "> " that is not a heading.
_LIST_NUMBER = re.compile(r"[0-9]{1,9}[.)][ \t]")
_SETEXT_RULE = re.compile(r"[=-]+[ \t]*")  # mixed ("=-") too: the page's Markdown reader accepts it


def _heading_mark(line: str) -> int | None:
    """Where the mark that makes ``line`` a heading starts (the ``#``, or the first ``=`` or ``-`` of
    a setext underline), after any quote and list markers and any indentation; None if it is not a
    heading line. Indentation is not counted: four spaces can be code at the top level but a
    heading inside a list item ("- a", a blank line, then "    # q3-task"), and escaping a ``#`` in
    code only shows a backslash.

    An underline is looked for before list markers: "- " alone (a dash and a space) under a line
    is read by the page as an underline, not as an empty list item.

    >>> [_heading_mark(s) for s in ("# a", "> - 1. ## a", "===", "  -- ", "a # b", "    # x", "> " * 50 + "x", "- ")]
    [0, 7, 0, 2, None, 4, None, 0]
    >>> [_heading_mark(s) for s in (": # a", "   : - # a", ":# a")]  # (a definition list's item)
    [2, 7, None]
    """
    i, n = 0, len(line)
    while True:
        j = i
        while j < n and line[j] in " \t":
            j += 1
        if j < n and (line[j] == "#" or _SETEXT_RULE.fullmatch(line, j)):
            return j
        if j < n and line[j] == ">":
            i = j + 2 if j + 1 < n and line[j + 1] in " \t" else j + 1
            continue
        if j + 1 < n and line[j] in "-*+:" and line[j + 1] in " \t":  # (":" opens a definition: red team 27 L2)
            i = j + 2
            while i < n and line[i] in " \t":
                i += 1
            continue
        m = _LIST_NUMBER.match(line, j)
        if m:
            i = m.end()
            while i < n and line[i] in " \t":
                i += 1
            continue
        return None


def _has_heading(text: str) -> bool:
    return any(_heading_mark(line.rstrip()) is not None for line in text.splitlines())


#: The words of a ``#`` heading that can be shown in bold as they stand: no mark that could end the bold early or
#: make something else of it (anything else keeps its escaped mark and shows as typed).
_BOLD_HEADING = re.compile(r"#{1,6}[ \t]+([^*_`\\<>\[\]&#\r\n]*[^*_`\\<>\[\]&#\s])[ \t]*#*[ \t]*")


def _escape_headings(text: str) -> str:
    r"""Each heading line made plain: a ``#`` heading of plain words shows as a bold line of those words, as a
    learner who used headings meant it (walk29 L3: "### Description" showed as typed to the tutor and in the
    feedback); any other heading line keeps its text, with its first mark escaped. Neither can be a heading,
    whose ``id`` formgrader could take for a box's.

    >>> print(_escape_headings("### Description\n> ## q3-task ##\n# **x**\nText\n===\n#"))
    **Description**
    > **q3-task**
    \# **x**
    Text
    \===
    \#
    """
    out = []
    for line in text.splitlines(keepends=True):
        # (all trailing white space: student_framed takes it off, so "=\x0c" under a line was an underline)
        body = line.rstrip()
        at = _heading_mark(body)
        if at is None:
            out.append(line)
            continue
        plain = _BOLD_HEADING.fullmatch(body[at:])
        out.append(f"{line[:at]}**{plain.group(1)}**{line[len(body):]}" if plain else line[:at] + "\\" + line[at:])
    return "".join(out)


def inert_markdown(text: str, markup: int = MARKUP_KEPT) -> str:
    """A learner's Markdown (a written answer) made safe to show on the tutor's grading page and
    in feedback: no HTML, no links, no images, no maths, no headings (whose ids formgrader could
    mistake for its own); words, emphasis and lists still show.

    Text with none of ``< [ ] \\ $`` (nor ``&`` starting a character reference), no heading
    line and no bare web address (``https://...``, which nbconvert would make a link: its colon is
    escaped) is returned unchanged (so a blank answer box keeps nbgrader's checksum, and still counts
    as blank). Otherwise each of ``[ ] $`` is backslash-escaped, ``\\`` becomes ``&#92;``, ``<`` ``&lt;`` and
    ``&`` ``&amp;`` (so no maths span forms either), a heading line's first mark is escaped (it shows as
    typed), code spans and fenced code blocks become our own ``<code>`` and ``<pre>`` with their text
    as typed (:func:`_inert_line`, :func:`_inert_body`), and the whole is wrapped in a block MathJax skips.
    Text weighing more than ``markup`` (:func:`markup_weight`) is shown as preformatted text instead
    (:func:`_preformatted`), which the page draws quickly whatever its shape.

    >>> inert_markdown("Write your answer here.")
    'Write your answer here.'
    >>> print(inert_markdown("<script>x()</script> [a](javascript:x())"))
    <div class="tex2jax_ignore mathjax_ignore">
    <BLANKLINE>
    &lt;script>x()&lt;/script> \\[a\\](javascript:x())
    <BLANKLINE>
    </div>
    >>> print(inert_markdown("# q3-task\\nMy plan\\n==="))
    <div class="tex2jax_ignore mathjax_ignore">
    <BLANKLINE>
    **q3-task**
    My plan
    \\===
    <BLANKLINE>
    </div>
    >>> print(inert_markdown("> # q3-task\\n- ## q3-task-comment\\n1. # x\\n> ===").splitlines()[2:6])
    ['> **q3-task**', '- **q3-task-comment**', '1. **x**', '> \\\\===']
    """
    if not isinstance(text, str):
        return text
    if markup_weight(text) > markup:
        return _preformatted(text)
    if not (_ACTIVE_MARKDOWN.search(text) or _has_heading(text) or _BARE_ADDRESS.search(text)):
        return text
    body = _inert_body(text)
    return '<div class="tex2jax_ignore mathjax_ignore">\n\n' + body + "\n\n</div>"


#: The line above a Markdown cell that is the student's and that nbgrader shows with no frame of its
#: own: an answer box the course left without a grade id (written answers marked through a task
#: cell), or a cell the student added. Without it such a cell looked like the course's own text on
#: the tutor's grading page (red team 9 F1: a "moderation note with agreed marks").
STUDENT_LABEL = "**Written by the student** (not the course's text):"


#: What the grading page and feedback show in place of the browser edition's note at the top of an
#: exercise (``coplearn.site.pages.EXERCISE_NOTE``), when a notebook handed in from the browser still
#: has it, word for word: it is the site's, not the student's writing (check23 #9).
BROWSER_NOTE_LABEL = ("*(Here the browser edition of the course had added a note on how to hand this exercise "
                      "in from a web browser: not the student's writing.)*")


def _is_browser_note(text: object, resources: Any) -> bool:
    """Whether a Markdown cell the gradebook does not know is, word for word, the browser edition's
    note for this notebook (a student's own text under the note's tag is not)."""
    from coplearn.site.pages import is_exercise_note

    name = resources.get("nbgrader", {}).get("notebook")
    return bool(name) and is_exercise_note(text, f"{name}.ipynb")


def student_framed(text: str) -> str:
    """A student's Markdown cell, as the grading page and feedback show it: in a quotation block
    under :data:`STUDENT_LABEL`, every line inside it, so nothing the student wrote can sit outside
    the frame. An empty cell stays empty.

    >>> print(student_framed("**Agreed marks:** 27/30\\n\\nNo need to re-mark."))
    > **Written by the student** (not the course's text):
    >
    > **Agreed marks:** 27/30
    >
    > No need to re-mark.
    """
    if not isinstance(text, str) or not text.strip():
        return text
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(["> " + STUDENT_LABEL, ">"] + [("> " + line).rstrip() for line in lines])


def _plain_text(text: object) -> str:
    """``text`` with each run of spaces and line breaks as one space (one new string: splitting a written answer of
    90 MB into words took about 20 times its size, 2.4 GB, red team 27 M1)."""
    return _SPACES.sub(" ", text).strip() if isinstance(text, str) else ""


_SPACES = re.compile(r"\s+")


def _unmarked_texts(config: Any, resources: Any) -> list[str]:
    """The text of each Markdown cell without a grade id in the course's own copy of this notebook
    (its answer boxes as released), exactly, one for each such cell; empty when it cannot be read (every
    such cell of the student's is then framed as theirs)."""
    import json

    try:
        from nbgrader.coursedir import CourseDirectory

        info = resources["nbgrader"]
        coursedir = CourseDirectory(config=config)
        path = Path(coursedir.format_path(coursedir.source_directory, ".", info["assignment"])) / f"{info['notebook']}.ipynb"
        if path.stat().st_size > 20 * 1024 * 1024:
            return []
        source = json.loads(path.read_text(encoding="utf-8"))
        texts = ["".join(c["source"]) if isinstance(c.get("source"), list) else c.get("source")
                 for c in source.get("cells", []) if isinstance(c, dict) and c.get("cell_type") == "markdown"
                 and not (c.get("metadata", {}).get("nbgrader", {}) or {}).get("grade_id")]
        return [t for t in texts if isinstance(t, str)]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return []


@functools.lru_cache(maxsize=8)
def _release_sums(folder: str, stamp: tuple[tuple[str, int], ...]) -> dict[str, frozenset[str]]:
    from coplearn.grading.tutor_log import released_checksums

    return {gid: frozenset(sums) for gid, sums in released_checksums(Path(folder)).items()}


def _released_checksums(config: Any, resources: Any) -> dict[str, frozenset[str]]:
    """Each grade id's checksums in the assignment's current release (``release/``), as its notebooks
    record them; empty when there is none to read (then no copy is taken for an earlier release's)."""
    try:
        from nbgrader.coursedir import CourseDirectory

        coursedir = CourseDirectory(config=config)
        folder = Path(coursedir.format_path(coursedir.release_directory, ".", resources["nbgrader"]["assignment"]))
        stamp = tuple((p.name, p.stat().st_mtime_ns) for p in sorted(folder.glob("*.ipynb")))
        return _release_sums(str(folder), stamp) if stamp else {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _left_as_released(cell: Any) -> bool:
    """Whether a written answer box the gradebook knows as a solution cell is exactly as released, by
    nbgrader's own test (``nbgrader.utils.determine_grade``: its checksum of the cell's source, type, flags,
    grade id and points is still the one the gradebook holds); nbgrader then scores it 0 by itself, as left
    blank, and it must reach nbgrader unchanged (check24 6)."""
    from nbgrader.utils import compute_checksum

    meta = nbgrader_meta(cell)
    if not (meta.get("solution") and isinstance(meta.get("checksum"), str)):
        return False
    try:
        return compute_checksum(cell) == meta["checksum"]
    except (KeyError, TypeError, ValueError, AttributeError):
        return False


#: An answer that gives nothing, as the checks in the learner's own run have it too.
_blank_answer = grading.blank_answer


#: What happens to typed answers the grading kernel will not read (their cell is too long).
_UNREAD = ("so these answers are marked from the choice or number saved in answers.json, if there is one, "
           "or as unanswered; check them by hand")


def _as_compared(q: Question, value: object) -> object:
    """``value`` (a typed answer, or a question's items or list) as the grading kernel compares it:
    each text as the option it names (its key) or a number as the number, else as it is.

    >>> from coplearn.grading.schema import answer_schema
    >>> q = answer_schema(['answer = choice("q1_readiness", "frank", kind="readiness")'])["q1_readiness"]
    >>> _as_compared(q, {"frank": "R3" + "\u200b" * 3, "dan": "not one"})
    {'frank': 'R3', 'dan': 'not one'}
    """
    if isinstance(value, Mapping):
        return {k: _as_compared(q, v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_as_compared(q, v) for v in value]
    if isinstance(value, str):
        compared = _canonical_for(q, value)
        return compared if compared is None or isinstance(compared, (str, int, float)) else value
    return value


def _json_safe(value: object, depth: int = 0) -> object:
    """``value`` as notebook metadata can hold it: dict keys as text (JSON's own rule, applied
    here so that keys such as 1 and "x" side by side cannot stop the notebook being written)."""
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v, depth + 1) for k, v in value.items()} if depth < 8 else repr(value)[:200]
    if isinstance(value, (list, tuple)):
        return [_json_safe(v, depth + 1) for v in value] if depth < 8 else repr(value)[:200]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)[:200]


#: The heading of a plain answer cell's answers as marked, and its line when each was left blank.
READ_AS = ["# Your answer, as the autograder read it:"]
BLANK_HERE = ["# No typed answer in this cell (left blank, as released): the answers chosen above it (drop-downs "
              "or boxes), if any, are what is marked."]


def _not_run_source(original: str, why: str, computed: Mapping[str, object], kept: int = TEXT_KEPT,
                    unread: Sequence[str] = ()) -> str:
    head = [f"{grading.NOT_RUN_HEAD}{why}."]
    if unread:
        head.append(f"{grading.UNREAD_NOTE}{', '.join(unread)}.")
    head.append("# Only plain answers (name = value) are marked; this is what the cell held, as text:")
    body = _as_comment(original, kept=kept)
    tail: list[str] = []
    if computed:
        tail = ["# Marked instead: the values this cell worked out in the learner's own notebook, saved in answers.json:",
                grading.answer_source(computed)]
    return "\n".join(head + body + tail)


def _as_markdown(cell: Any) -> Any:
    """A Markdown cell holding ``cell``'s source as text (for a raw cell, or a cell of a type
    nbformat does not know), keeping its id and its (already reset) metadata."""
    from nbformat.v4 import new_markdown_cell

    source = cell.get("source", "")
    source = "".join(source) if isinstance(source, list) else source if isinstance(source, str) else ""
    new = new_markdown_cell(source=source, metadata=dict(cell.get("metadata") or {}))
    if isinstance(cell.get("id"), str) and re.fullmatch(r"[a-zA-Z0-9-_]{1,64}", cell["id"]):
        new["id"] = cell["id"]
    else:
        new.pop("id", None)  # (a notebook older than nbformat 4.5 has no cell ids, and may not)
    return new


def _drop_attachments(cell: Any, index: int, logs: list[tuple[int, str]]) -> None:
    """Files pasted into a text cell (an image of a diagram ...) are left out of the graded copy: a
    student's text is shown inert, so they never showed, and they only weighed the copy down (red team
    21 F3: 30 MB came through). The tutor is told, as they may be part of the answer: the notebook as
    handed in keeps them."""
    attached = cell.pop("attachments", None)
    if not attached:
        return
    named = [log_safe(str(k), 60) for k in attached][:3] if isinstance(attached, Mapping) else []
    count = len(attached) if isinstance(attached, (Mapping, list)) else 0
    what = f"{count} file{'s' if count != 1 else ''}" if count else "files"
    shown = f" ({', '.join(named)}{', ...' if count > 3 else ''})" if named else ""
    logs.append((index, f"had {what} pasted into it{shown}: not shown in formgrader or the feedback; the notebook as "
                        "handed in (submitted/) has them"))


def _reset_metadata(cell: Any, keep_nbgrader: bool) -> None:
    meta = cell.get("metadata", {})
    kept = {k: meta[k] for k in ("deletable", "editable") if k in meta and isinstance(meta[k], bool)}
    if keep_nbgrader and isinstance(meta.get("nbgrader"), Mapping):
        kept["nbgrader"] = meta["nbgrader"]
    cell["metadata"] = type(meta)(kept) if isinstance(meta, dict) else kept


def _graded_answers(schema: Mapping[str, Question], typed: Mapping[str, object],
                    dropdowns: Mapping[str, object]) -> dict[str, object]:
    """The answer that will be marked for each question item: typed (or worked out) first,
    then the drop-down, as :mod:`coplearn.grading.answers` resolves them in the kernel."""
    out: dict[str, object] = {}
    for name, q in sorted(schema.items()):
        given = typed.get(name)
        if q.items:
            for item in sorted(q.items, key=lambda s: (len(s), s)):
                value = _item_value(given, item)
                if _blank_answer(value):  # (as the kernel's checks: a list of blanks is blank, check21 #2)
                    value = dropdowns.get(f"{name}.{item}")
                out[f"{name}.{item}"] = _canonical_for(q, value)
        elif q.count:
            values = [v for v in grading.several_values(given, q.kind) if not _blank_answer(v)]
            if not values:
                values = [dropdowns.get(f"{name}.{n}") for n in range(1, q.count + 1)]
                values = [v for v in values if v is not None]
            out[name] = [_canonical_for(q, v) for v in values][: grading.MAX_ITEMS]
        else:
            value = given if not _blank_answer(given) else dropdowns.get(name)
            out[name] = _canonical_for(q, value)
    return out


_item_value = grading.item_value  # as the kernel looks an item up (coplearn.grading.resolve._typed)


def _keys_naming_no_item(schema: Mapping[str, Question], typed: Mapping[str, object]) -> dict[str, list[str]]:
    """For each question whose items have names or numbers, the keys of its typed answer (a ``{...}``) that name
    none of them, as the kernel and the autograder look an item up, shown as typed (the first ten); a list given
    where the items are named (not numbered) is named so. Their values are not marked (red team 29 M1: a2's
    people typed by their numbers, ``{1: "R3", ...}``, earned nothing, and nothing said why)."""
    out: dict[str, list[str]] = {}
    for name, q in sorted(schema.items()):
        given = typed.get(name)
        if not q.items or given is None:
            continue
        if isinstance(given, Mapping):
            stray = [k for k in list(given)[: grading.MAX_ITEMS]
                     if not _blank_answer(given[k]) and not any(grading.names_item(k, item) for item in q.items)]
            if stray:
                out[name] = [log_safe(grading.short_key(k), 60) for k in stray[:10]] + (["..."] if len(stray) > 10 else [])
        elif isinstance(given, (list, tuple)) and given and not any(str(i).isdigit() for i in q.items):
            out[name] = ["a list, not {...} with each item named"]
    return out


def _in_effect(values: Sequence[tuple[int, object]], test: int,
               pick: Callable[[object], object]) -> tuple[int, object] | None:
    """The (cell, value) a test at cell ``test`` marks, of the ``values`` given (cell, value) in
    order; ``pick`` takes the part marked (the whole value, or one item of it).

    The last value given before the test, as a run from top to bottom has it; when that is blank
    (None, an item left out) after a typed one, nothing typed (the drop-down answer). With nothing
    typed before the test, the first typed after it (the course places it before the test)."""
    before = [(i, pick(v)) for i, v in values if i < test]
    if before and not _blank_answer(before[-1][1]):
        return before[-1]
    if any(not _blank_answer(x) for _, x in before):
        return None
    after = [(i, x) for i, v in values if i >= test and not _blank_answer(x := pick(v))]
    return after[0] if after else None


def _items_in(given_in: Mapping[int, list[tuple[str, object]]], index: int, name: str) -> list[object]:
    """The keys a cell gives ``name`` (non-blank items of a dict, or positions of a list)."""
    out: list[object] = []
    for n, v in given_in.get(index, ()):
        if n == name and isinstance(v, Mapping):
            out += [k for k, x in v.items() if not _blank_answer(x)]
        elif n == name and isinstance(v, list):
            out += [i for i, x in enumerate(v, 1) if not _blank_answer(x)]
    return out


def _canonical_for(q: Question, value: object) -> object:
    if value is None:
        return None
    if q.kind == "number":
        try:
            return clean_value(q, value)
        except (ValueError, TypeError):
            return value
    return grading.canonical(value, q.kind)


@functools.cache
def _build_answers_as_data() -> type:
    base = preprocessor_base()

    class AnswersAsData(base):  # type: ignore[misc, valid-type]
        """nbgrader sanitising step: the student's code cells become data (see the module doc)."""

        def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
            check_versions()
            if len(nb.cells) > MAX_CELLS:
                raise ValueError(f"the notebook has {len(nb.cells)} cells, more than the {MAX_CELLS} the course grades "
                                 "(a released notebook has fewer than 100): not graded. Ask the student to remove the "
                                 "extra cells and submit again.")
            cells, grade_ids, solution_ids, _ = gradebook_cells(resources, course_id(self.config))
            trusted_ids = {gid for gid, c in cells.items() if (c["locked"] or gid in grade_ids) and gid not in solution_ids}
            # The questions, from the course's own test cells (as the gradebook holds them).
            schema = answer_schema(cells[g]["source"] for g in grade_ids if g in cells and cells[g]["cell_type"] == "code")
            folder = Path(resources.get("metadata", {}).get("path") or ".")
            doc, notes = clean_answers(folder / grading.ANSWERS_FILE, schema)
            computed = dict(doc.get("computed", {})) if doc else {}
            dropdowns = dict(doc.get("answers", {})) if doc else {}
            student = log_safe(resources["nbgrader"].get("student", "?"))
            released_boxes = _unmarked_texts(self.config, resources)
            as_released = frozenset(map(_plain_text, released_boxes))
            # (a text far longer than every box as released is not one of them, spacing aside: not compared at all)
            longest_released = 2 * max(map(len, released_boxes), default=0) + 1000
            # the course's boxes, exactly as released, each once: left as they are and charged to no budget
            # (check24 6); a further copy of one is the student's doing, charged like any answer
            boxes_left = collections.Counter(released_boxes)
            not_run: list[dict[str, Any]] = []
            # Every value a student cell gives an answer, in notebook order: (cell index, name, value).
            given: list[tuple[int, str, object]] = []
            first_test: dict[str, int] = {}  # answer name -> index of the first test cell that marks it
            reads: dict[tuple[str, object], int] = {}  # (answer name, item or None) -> test cells marking it
            item_test: dict[tuple[str, object], int] = {}  # (answer name, item) -> index of the first test marking it
            rewrite: dict[int, tuple[str, Any]] = {}  # cell index -> ("plain", header) or ("not_run", (original, why, names it could not read))
            logs: list[tuple[int, str]] = []  # (cell index, what happened): logged once cells are numbered
            routine: list[tuple[int, str]] = []  # the same for cells not run and raw cells, named ten at most
            unread: set[str] = set()  # answers given in a cell the grading kernel will not read (too long)
            unread_cells: dict[str, list[int]] = {}  # answer name -> cells giving it that Python could not read
            setups: list[int] = []  # the course's set-up cells (they start watching the answer cells: resolve.py)
            budget = TEXT_BUDGET  # characters of the student's own text still to be shown (TEXT_BUDGET)
            over_budget: list[int] = []  # cells shown in part, or not at all, for want of it
            markup = MARKUP_BUDGET  # Markdown still to be drawn as such, weighed by markup_weight (red team 23 F3)
            as_typed: list[int] = []  # written answers shown as preformatted text, too heavy themselves
            as_typed_late: list[int] = []  # ... and light ones, for want of what earlier answers used of it
            # Locked cells the student left exactly as received, but which differ from the current release: a copy
            # fetched before the assignment was changed (red team 28 M2: its answers were marked against the new
            # questions, and the tutor saw only nbgrader's "checksum has changed" lines, which read like tampering).
            release_sums = _released_checksums(self.config, resources)
            received = resources.get("coplearn_received") or {}  # (kept by ForgetUnknownCells, the first step)
            earlier: list[str] = []
            for index, cell in enumerate(nb.cells):
                gid = nbgrader_meta(cell).get("grade_id")
                if gid in trusted_ids:
                    known = cells[gid]
                    if release_sums.get(gid) and gid in received and received[gid] not in release_sums[gid]:
                        earlier.append(gid)
                    cell.cell_type = known["cell_type"]
                    notice = cell.source[: -len(known["source"])] if known["source"] and cell.source.endswith(known["source"]) else ""
                    if not all(line.startswith("#") or not line.strip() for line in notice.splitlines()):
                        notice = ""  # only nbgrader's own "was missing" comment may stand before the course's cell
                    cell.source = notice + known["source"]
                    _reset_metadata(cell, keep_nbgrader=True)
                    _drop_attachments(cell, index, logs)  # (the course's own cells have none: check21 #4)
                    if cell.cell_type == "code":
                        cell.setdefault("outputs", [])
                        cell.setdefault("execution_count", None)
                        if "prepare_answers(" in known["source"]:
                            setups.append(index)
                        if gid in grade_ids:
                            for name, q in answer_schema([known["source"]]).items():
                                first_test.setdefault(name, index)
                                for key in (q.items or {None}):
                                    reads[(name, key)] = reads.get((name, key), 0) + 1
                                    item_test.setdefault((name, key), index)
                    continue
                if cell.get("cell_type") != "code":
                    # a cell the gradebook does not know cannot claim to be graded, and no cell of the
                    # student's keeps other metadata
                    _reset_metadata(cell, keep_nbgrader=gid in cells)
                    _drop_attachments(cell, index, logs)  # (before a raw cell is made Markdown: check21 #5)
                    if cell.get("cell_type") != "markdown":
                        # A raw cell (or a type nbformat does not know) is the student's own HTML to
                        # the tutor's page: it becomes Markdown text, inert like any written answer.
                        was = log_safe(str(cell.get("cell_type")), 40)
                        nb.cells[index] = cell = _as_markdown(cell)
                        routine.append((index, "was a %s cell; it is shown as text" % was))
                    if gid not in cells and cell.cell_type == "markdown" and _is_browser_note(cell.source, resources):
                        # the browser edition's note on handing the exercise in, word for word: the site put
                        # it there, not the student (check23 #9); said so, and not charged to the budget
                        cell.source = BROWSER_NOTE_LABEL
                        continue
                    typed = cell.source
                    if (boxes_left[typed] > 0) if gid not in cells else _left_as_released(cell):
                        # an answer box exactly as released: the course's text, as it is (its weight is the
                        # course's, and small), so that it still counts as left blank and bears no note that
                        # would not be true of it (check24 6: once earlier answers had spent the notebook's
                        # budget, it was drawn as preformatted text "with more lines ... than the page draws")
                        if gid not in cells:
                            boxes_left[typed] -= 1
                        continue
                    # (the course's own text, as released in this box, spacing aside, or a further copy of it,
                    # is charged and cut like the rest, so that copies of it cannot flood the page, but it is
                    # never framed as the student's, nor named in the log as the student's text cut: check18 L6)
                    released = len(typed) <= longest_released and _plain_text(typed) in as_released
                    allowance = min(TEXT_KEPT, budget)
                    if len(typed) > allowance:
                        # formgrader and generate_feedback render a cell in full, on the tutor's server:
                        # a written answer of tens of MB took 85-94 s a view, and the server answered
                        # nothing meanwhile (red team 14 F4); so did many cells each under TEXT_KEPT
                        # (red team 18 F2). The notebook as handed in has it all.
                        cut = typed.rfind("\n", 0, allowance)
                        kept_text = typed[: cut if cut > allowance // 2 else allowance]
                        if allowance < TEXT_KEPT:
                            if not released:
                                over_budget.append(index)
                        else:
                            logs.append((index, f"is a written answer of {len(typed):,} characters: the first "
                                                f"{TEXT_KEPT:,} or so are shown for marking and in the feedback; the "
                                                "notebook as handed in (submitted/) has it all"))
                        typed = cell.source = kept_text + f"\n\n(The rest of this answer, {len(typed):,} characters in " \
                            "all, is in the notebook as handed in, in submitted/: it is too long to show here.)"
                    budget -= min(budget, len(typed))
                    weight = markup_weight(typed)
                    if weight <= min(MARKUP_KEPT, markup):
                        markup -= weight
                        cell.source = inert_markdown(cell.source)
                    elif not typed.strip():
                        cell.source = ""  # (white space only draws nothing: blank, not "shown as typed")
                    else:  # (a page drawing it as Markdown would take seconds: red team 23 F3)
                        heavy = weight > MARKUP_KEPT  # (else light itself, but the notebook's budget is spent)
                        cell.source = _preformatted(cell.source, PLAIN_NOTE if heavy else BUDGET_NOTE)
                        if not released:
                            (as_typed if heavy else as_typed_late).append(index)
                    # an answer box the course marks through a task cell, or a cell the student added; a box
                    # left as released is the course's text (review 9)
                    if gid not in cells and not released:
                        cell.source = student_framed(cell.source)
                    continue
                _reset_metadata(cell, keep_nbgrader=gid in cells)
                if SOURCE_MARKER.search(cell.source):
                    # A released notebook never has nbgrader's solution or hidden-test markers: this
                    # is the tutor's source notebook (or a copy of it), not the student's answer.
                    allowance = min(TEXT_KEPT, budget)
                    if allowance < TEXT_KEPT and len(cell.source) > allowance:
                        over_budget.append(index)
                    cell.source = _not_run_source(cell.source, MARKER_WHY, {}, kept=allowance)
                    budget -= min(budget, len(cell.source))
                    not_run.append({"cell": index, "why": MARKER_WHY, "names": [], "marked_from_saved": []})
                    routine.append((index, f"was not run ({MARKER_WHY}); its answers are unanswered"))
                    continue
                parsed = grading.parse_answer_cell(cell.source)
                if parsed.plain:
                    header = READ_AS if parsed.values else \
                             ["# No answer here (nothing in this cell gives a question a value)."]
                    # (the learner's own comments are kept as text above it, for the tutor and the feedback)
                    given.extend((index, n, v) for n, v in parsed.values.items() if n in schema)
                    rewrite[index] = ("plain", header)
                    continue
                used = {n: computed[n] for n in parsed.names if n in computed}
                given.extend((index, n, v) for n, v in used.items() if n in schema)
                why = str(parsed.problem)
                unread_here = [] if parsed.readable else [n for n in grading.names_given(cell.source) if n in schema]
                if not parsed.names and not unread_here:  # most often a written answer typed into a code cell
                    why += "; if it is a written answer typed in a code cell, all of it is below, to read and mark"
                rewrite[index] = ("not_run", (cell.source, why, unread_here))
                for n in unread_here:
                    unread_cells.setdefault(n, []).append(index)
                not_run.append({"cell": index, "why": parsed.problem, "names": list(parsed.names) or unread_here,
                                "marked_from_saved": sorted(used)})
                routine.append((index, f"was not run ({log_safe(str(parsed.problem))}); " + (
                    f"saved values used for {', '.join(sorted(used))}" if used else
                    "no answer in it is marked (one given in another cell or with the drop-downs is)")))
            # One value per answer, given in one cell only: the value in effect when the first test
            # that marks it runs (the last one given before that test, as the learner's own run and
            # nbgrader validate have it; failing any typed before it, the first one given). A blank
            # one (None, the form as released) given after a typed one, before the test, undoes it
            # as in the learner's run: the drop-down answer is marked (red team 14 F1: a typed first
            # try had been marked over a later None). Every other value a cell gives it is kept as
            # text with a note, so a question answered twice (once before each of its tests) earns
            # what one answer earns, and a stray later cell cannot undo an answer already marked.
            home: dict[str, tuple[int, object]] = {}
            for name in dict.fromkeys(n for _, n, _ in given):
                mine = [(i, v) for i, n, v in given if n == name]
                home_value = _in_effect(mine, first_test.get(name, len(nb.cells)), lambda v: v)
                if home_value is not None:
                    home[name] = home_value
            late: list[str] = []
            partly_late: dict[str, list[str]] = {}  # name -> items left to their drop-downs (below)
            for name, (index, value) in list(home.items()):
                # A value given only after the first test that marks it, where the drop-downs (or boxes)
                # answer it: the learner's own run and nbgrader validate showed that test marking the
                # drop-down answer, so that is what is marked; the value given later would be a second
                # guess (red team 28 H1: a first thought noted at the end of the notebook, or a scratch
                # cell working a value out again, was marked in place of the drop-downs the learner had
                # been shown). A question with items keeps, of such a value, only the items no drop-down
                # answers (each of those the learner's run showed as not answered: placing it gains marks).
                q = schema[name]
                if index <= first_test.get(name, len(nb.cells)) or \
                        (q.items and all(reads.get((name, k), 0) == 1 for k in q.items)):
                    continue  # (items each marked by a test of their own: item by item, below)
                if q.items:
                    typed_items = [(k, x) for k in sorted(q.items, key=lambda s: (len(s), s))
                                   if not _blank_answer(x := _item_value(value, k))]
                    open_items = {int(k) if k.isdigit() else k: x for k, x in typed_items
                                  if dropdowns.get(f"{name}.{k}") is None}
                    if not open_items:
                        late.append(name)
                        del home[name]
                    elif len(open_items) < len(typed_items):
                        home[name] = (index, open_items)
                        partly_late[name] = [k for k, _ in typed_items if dropdowns.get(f"{name}.{k}") is not None]
                elif any(k == name or k.startswith(name + ".") for k, v in dropdowns.items() if v is not None):
                    late.append(name)
                    del home[name]
            # A question whose items are each marked by one test of their own (a1's twelve
            # statements) is answered item by item: each item has the value in effect when its own
            # test runs (the item in the last value given to the question before it, blank or left
            # out meaning the drop-down answer; failing any value before it, the first given), as a
            # run from top to bottom gives it. Items given in several cells are placed together
            # before the question's first test. Each item still has one value: no second guess.
            split: dict[str, dict[int, list[str]]] = {}  # name -> {cell index: items taken from it}
            conflicting: set[str] = set()
            for name, q in schema.items():
                if not q.items or name in late or any(reads.get((name, k), 0) != 1 for k in q.items):
                    continue
                everything = [(i, v) for i, n, v in given if n == name]
                merged: dict[object, object] = {}
                sources: dict[int, list[str]] = {}
                skipped: list[str] = []
                for k in sorted(q.items, key=lambda s: (len(s), s)):
                    have = [(i, x) for i, v in everything if not _blank_answer(x := _item_value(v, k))]
                    if not have:
                        continue
                    if len({repr(x) for _, x in have}) > 1:
                        conflicting.add(name)
                    found = _in_effect(everything, item_test.get((name, k), len(nb.cells)),
                                       lambda v, k=k: _item_value(v, k))
                    if found is None:
                        continue  # blank or left out where its test runs, after a typed one: the drop-down
                    i, x = found
                    if i > item_test.get((name, k), len(nb.cells)) and dropdowns.get(f"{name}.{k}") is not None:
                        skipped.append(k)  # given only after its own test, which marked its drop-down (as above)
                        continue
                    merged[int(k) if k.isdigit() else k] = x
                    sources.setdefault(i, []).append(k)
                if skipped:
                    partly_late[name] = sorted(set(partly_late.get(name, [])) | set(skipped), key=lambda s: (len(s), s))
                if skipped and not merged:
                    home.pop(name, None)
                    late.append(name)
                elif len(sources) > 1 or skipped:
                    home[name] = (min(sources), merged)
                    split[name] = sources
            typed = {name: value for name, (_, value) in home.items()}
            twice = sorted({name for _, name, value in given if name not in split
                            and not _blank_answer(value) and (name not in typed or repr(value) != repr(typed[name]))}
                           | (conflicting & set(split)))
            # An answer given only below the first test that marks it is placed just before that
            # test (a plain value, in a cell of its own), so that the test marks the value the
            # record names; the cell where it was given says so.
            moved = {n for n, (i, _) in home.items() if n in first_test and (i > first_test[n] or n in split)}
            inserts: dict[int, list[str]] = {}
            for n in sorted(moved):
                inserts.setdefault(first_test[n], []).append(n)
            # An answer typed in a cell Python could not read is said so by the tests after that cell (its
            # note, read by the grading kernel); one that runs after the first test that marks the answer,
            # or before the set-up cell (which starts the reading), told none of them, and they said "You
            # did not answer" to a learner who had typed it (check20 L2, red team 20 F5). A note placed just
            # before that first test (with any answers placed there) tells them. It changes no mark.
            unread_notes: dict[int, list[str]] = {}
            for n, found_at in sorted(unread_cells.items()):
                test = first_test.get(n)
                before = [i for i in setups if test is not None and i < test]
                if before and not any(max(before) < i < test for i in found_at):
                    unread_notes.setdefault(test, []).append(n)
                    inserts.setdefault(test, [])

            def shown(i: int) -> int:  # a cell's number (from 1) once the answers are placed
                return i + 1 + sum(1 for p in inserts if p <= i)

            def placed(n: str) -> int:  # the number of the cell an answer was placed in
                return first_test[n] + 1 + sum(1 for p in inserts if p < first_test[n])

            def marked_in(n: str) -> int:
                return placed(n) if n in moved else shown(home[n][0])

            def given_where(n: str) -> str:  # where the answer marked was typed (and placed, if it was moved)
                if n in moved and n not in split:  # (red team 28 L2: the placed cell was named as where it was typed)
                    return f"cell {shown(home[n][0])} (placed in cell {placed(n)}, before its first test)"
                return f"cell {marked_in(n)}"

            given_in: dict[int, list[tuple[str, object]]] = {}
            for i, n, v in given:
                given_in.setdefault(i, []).append((n, v))
            homes_in: dict[int, list[str]] = {}
            for n, (i, _) in home.items():
                homes_in.setdefault(i, []).append(n)
            for index, (kind, info) in rewrite.items():
                parts = {n: split[n][index] for n in split if index in split[n]}
                mine = {n: typed[n] for n in homes_in.get(index, ()) if n not in moved}
                here = sorted(n for n in homes_in.get(index, ()) if n in moved and n not in parts)
                others = sorted({n for n, v in given_in.get(index, ()) if n not in homes_in.get(index, ())
                                 and n not in parts and not _blank_answer(v)})
                extra = [f"# {n}: the value given here is marked; it was placed in cell {placed(n)}, just before the "
                         "first test that marks it." for n in here]
                extra += [f"# {n}: item{'s' if len(ks) > 1 else ''} {', '.join(ks)} given here {'are' if len(ks) > 1 else 'is'} "
                          f"marked (each item has the value in effect when its own test runs); placed with the rest of "
                          f"the answer in cell {placed(n)}." + (" Any other items given here are not marked."
                                                               if len(ks) < len([1 for _ in _items_in(given_in, index, n)]) else "")
                          for n, ks in sorted(parts.items())]
                extra += [f"# {n}: item{'s' if len(ks) > 1 else ''} {', '.join(ks)} given here {'are' if len(ks) > 1 else 'is'} "
                          f"not marked: {'they come' if len(ks) > 1 else 'it comes'} after the test that marks "
                          f"{'them' if len(ks) > 1 else 'it'}, which marked the drop-down answer."
                          for n, ks in sorted(partly_late.items()) if any(m == n for m, _ in given_in.get(index, ()))
                          and (n in parts or n in here)]
                extra += [f"# {n}: the value given here is not marked; " + (
                          f"the one marked is given in {given_where(n)} (the value in effect when its first test runs)."
                          if n in home else "it comes after the first test that marks it, which marked the drop-down answer.")
                          for n in others]
                answer = [grading.answer_source(mine)] if mine else []
                learner = nb.cells[index].source
                if kind == "plain":
                    # the learner's own comments: not the course's, which the released cell holds too (walk26 T-L3:
                    # "# Optional: type your answers here ..." was shown under "Your comments in this cell")
                    gid = nbgrader_meta(nb.cells[index]).get("grade_id")
                    ours = {line.strip() for line in str((cells.get(gid) or {}).get("source") or "").splitlines()}
                    comments = "\n".join(line.strip() for line in learner.splitlines()
                                          if line.strip().startswith("#") and line.strip() not in ours)
                    # (no "as the autograder read it:" with nothing under it: the answers were placed
                    # elsewhere, or every value in the cell was left blank, as released)
                    header = info
                    if not mine and here:
                        header = []
                    elif not mine and info == READ_AS and given_in.get(index) and \
                            all(_blank_answer(v) for _, v in given_in[index]):
                        # (check20 M2: not where an answer typed in another cell is the one marked)
                        elsewhere = sorted({n for n, _ in given_in[index] if n in home})
                        header = BLANK_HERE if not elsewhere else [
                            f"# Left blank here, as released: {n} is marked from the answer typed in {given_where(n)}."
                            for n in elsewhere]

                    def build(kept: int) -> str:
                        said = ["# Your comments in this cell:"] + _as_comment(comments, 30, kept=kept) if comments else []
                        original = ["# This cell as the learner wrote it:"] + _as_comment(learner, kept=kept) if others else []
                        return "\n".join(said + header + answer + extra + original)

                    def cut(kept: int) -> bool:  # (whether build(kept) shows less of the learner's text than it has)
                        return bool(comments and _cuts(comments, 30, kept)) or bool(others and _cuts(learner, None, kept))
                else:
                    source, why, unread_here = info

                    def build(kept: int) -> str:
                        return "\n".join([_not_run_source(source, why, mine, kept=kept, unread=unread_here)] + extra)

                    def cut(kept: int) -> bool:
                        return _cuts(source, None, kept)
                # The grading kernel reads no cell longer than MAX_CELL_CHARS (answers.py), so a cell
                # that gives an answer must not grow past it here: the learner's text kept in it is
                # cut shorter, and the notebook as handed in has it all (red team 13 F2)
                allowance = min(TEXT_KEPT, budget)
                text = build(allowance)
                for kept in (12_000, 6_000, 2_000, 0):
                    if not (mine and len(text) > grading.MAX_CELL_CHARS):
                        break
                    if kept < allowance:
                        text = build(kept)
                # (only a cell that shows less of the learner's text: check18 L6; worked out without drawing
                # the cell in full, which took minutes for cells of empty lines past the budget: red team 23 F1)
                if allowance < TEXT_KEPT and len(learner) > allowance and cut(allowance):
                    over_budget.append(index)
                budget -= min(budget, len(text))
                if mine and len(text) > grading.MAX_CELL_CHARS:
                    # its values are too long once written out (red team 14 F5: thousands of invisible
                    # characters, each written as an escape): the values the kernel would compare them
                    # as (an option's key, a number) are written instead, which marks them alike
                    # (check 17 F7) ...
                    mine = {n: _as_compared(schema[n], v) for n, v in mine.items()}
                    answer = [grading.answer_source(mine)]
                    text = build(0)
                if mine and len(text) > grading.MAX_CELL_CHARS:
                    # ... and where they are still too long, that is said, not silent, and the course's
                    # record names what the kernel marks instead (red team 17 F2)
                    unread.update(mine)
                    text = "\n".join([f"# Not read by the autograder: this cell's answers ({', '.join(sorted(mine))}), "
                                      f"written out, are longer than the {grading.MAX_CELL_CHARS:,} characters it reads.",
                                      "# They are marked from the choice or number saved in answers.json, if there is one, "
                                      "or as unanswered.", text])
                    logs.append((index, f"gives answers ({', '.join(sorted(mine))}) whose values, written out, make "
                                        f"the cell {len(text):,} characters, more than the autograder reads "
                                        f"({grading.MAX_CELL_CHARS:,}): " + _UNREAD))
                nb.cells[index].source = text
            # the course's name for a cell, beside its number in the tutor's log ("cell 16 (q2-typed)"),
            # as formgrader shows it (walk19 L8: a number alone had to be counted out)
            names_of = {i: f" ({log_safe(gid, 60)})" for i, c in enumerate(nb.cells)
                        if isinstance(gid := nbgrader_meta(c).get("grade_id"), str) and gid}
            if inserts:
                from nbformat.v4 import new_code_cell

                for at in sorted(inserts, reverse=True):
                    names = inserts[at]
                    noted = unread_notes.get(at, [])
                    typed_in = sorted({shown(i) for n in noted for i in unread_cells[n]})
                    many = len(typed_in) > 1
                    lines = [f"{grading.UNREAD_ELSEWHERE}{', '.join(noted)}.",
                             f"# (A note from the autograder, for the tests below: see cell{'s' if many else ''} "
                             f"{', '.join(map(str, typed_in))}, whose first line{'s say' if many else ' says'} why.)"
                             ] if noted else []
                    lines += [(f"# {n}: your answers to its items, given in cells "
                               f"{', '.join(str(shown(i)) for i in sorted(split[n]))}, each with the value in effect when its "
                               "own test runs, placed here together by the autograder:") if n in split else
                              (f"# {n}: your answer, given in cell {shown(home[n][0])} below the first test that marks it, "
                               "placed here by the autograder, before that test:") for n in names]
                    placed_cell = new_code_cell(source="\n".join(
                        lines + ([grading.answer_source({n: typed[n] for n in names})] if names else [])))
                    if len(placed_cell.source) > grading.MAX_CELL_CHARS:  # as for an answer's own cell, above
                        placed_cell.source = "\n".join(lines + [grading.answer_source(
                            {n: _as_compared(schema[n], typed[n]) for n in names})])
                    if len(placed_cell.source) > grading.MAX_CELL_CHARS:
                        unread.update(names)
                        self.log.warning("coplearn: %s: the answers placed in cell %d (%s) make a cell of %s characters, "
                                         "more than the autograder reads (%s): %s", student, placed(names[0]),
                                         ", ".join(names), f"{len(placed_cell.source):,}", f"{grading.MAX_CELL_CHARS:,}",
                                         _UNREAD)
                    if (nb.get("nbformat"), nb.get("nbformat_minor", 0)) < (4, 5):
                        placed_cell.pop("id", None)  # (cell ids came with nbformat 4.5)
                    nb.cells.insert(at, placed_cell)
                for entry in not_run:
                    entry["cell"] = shown(entry["cell"]) - 1
                if moved:
                    self.log.info("coplearn: %s: %s given only below the first test that marks it: placed before that test",
                                  student, ", ".join(sorted(moved)))
            # Cells not run and raw cells are named ten at most, the rest counted on one line: one line each, a
            # notebook of 2,000 cells wrote 2,000 lines, and the tutor's warnings about everyone else in the run
            # were lost among them (red team 21 F1). Every other line (files pasted in, answers the autograder
            # did not read, long answers) is always written, in cell order (check21 #3).
            for index, what in sorted(logs + routine[:MAX_CELL_NOTES],
                                      key=lambda e: e[0]):
                self.log.warning("coplearn: %s: cell %d%s %s", student, shown(index), names_of.get(index, ""), what)
            if len(routine) > MAX_CELL_NOTES:
                rest = [shown(i) for i, _ in routine[MAX_CELL_NOTES:]]
                self.log.warning("coplearn: %s: and %d more cell%s not run or shown as text, like those above (cell%s %s): "
                                 "formgrader and the feedback show each as the student wrote it", student, len(rest),
                                 "s" if len(rest) != 1 else "", "s" if len(rest) != 1 else "",
                                 ", ".join(map(str, rest[:10])) + (f" and {len(rest) - 10} more" if len(rest) > 10 else ""))
            if over_budget:
                named = sorted(shown(i) for i in over_budget)
                self.log.warning("coplearn: %s: the student's own text in this notebook passes the %s characters shown "
                                 "for marking and in the feedback: cell%s %s %s shown in part or not at all; the notebook "
                                 "as handed in (submitted/) has it all", student, f"{TEXT_BUDGET:,}",
                                 "s" if len(named) > 1 else "", ", ".join(map(str, named[:10])) +
                                 (f" and {len(named) - 10} more" if len(named) > 10 else ""), "are" if len(named) > 1 else "is")
            for cells_as_typed, why in ((as_typed, "%s more lines or Markdown marks than the grading page draws "
                                                   "quickly"),
                                        (as_typed_late, "the answers above %s in this notebook already hold as many "
                                                        "lines and Markdown marks as the grading page draws quickly")):
                if not cells_as_typed:
                    continue
                named = sorted(shown(i) for i in cells_as_typed)
                many = len(named) > 1
                self.log.warning("coplearn: %s: cell%s %s %s shown for marking and in the feedback as typed, as plain "
                                 "text without its Markdown formatting: " + why, student, "s" if many else "",
                                 ", ".join(map(str, named[:10])) + (f" and {len(named) - 10} more" if len(named) > 10
                                                                    else ""), "are" if many else "is",
                                 ("they hold" if many else "it holds") if cells_as_typed is as_typed else
                                 ("them" if many else "it"))
            if earlier:
                self.log.warning("coplearn: %s: handed in a copy from an earlier release of this assignment: %s "
                                 "(%s) as the student received %s, but different in the current release, so its "
                                 "questions may have changed since they fetched it. Their computer-marked "
                                 "answers were marked against the current questions and keys: check them by hand (the "
                                 "tutor guide, \"Changing an assignment\", says why and what to do)", student,
                                 f"{len(earlier)} of its locked cells are" if len(earlier) > 1 else "1 of its locked cells is",
                                 ", ".join(log_safe(g, 60) for g in earlier[:10]) + (f" and {len(earlier) - 10} more"
                                                                                     if len(earlier) > 10 else ""),
                                 "them" if len(earlier) > 1 else "it")
            for n in sorted(set(late) | set(partly_late)):
                what = (f"{n}" if n in late else f"item{'s' if len(partly_late[n]) > 1 else ''} "
                        f"{', '.join(partly_late[n])} of {n}")
                self.log.warning("coplearn: %s: %s given only below the test that marks it, which marked the drop-down "
                                 "answer, as the student's own run and nbgrader validate showed: that answer is marked, "
                                 "not the value given below", student, what)
            if twice:
                self.log.warning("coplearn: %s: %s given different values in more than one place; each is marked with the "
                                 "value in effect when its first test runs", student, ", ".join(twice))
            for note in notes:
                self.log.warning("coplearn: %s: %s", student, log_safe(note))
            stray_keys = _keys_naming_no_item(schema, {n: v for n, v in typed.items() if n not in unread})
            for n, keys in stray_keys.items():
                items = ", ".join(sorted(schema[n].items, key=lambda s: (len(s), s))[:12])
                given = (f"is a list, where each item must be named in {{...}} ({items})" if keys[0].startswith("a list")
                         else f"gives the key{'s' if len(keys) > 1 else ''} {', '.join(keys)}, which name{'s' if len(keys) == 1 else ''} "
                              f"none of its items ({items})")
                # (only what those keys hold goes unmarked: any key that names an item is marked: red team 30 M1)
                lost = ("nothing typed there was marked" if keys[0].startswith("a list")
                        else f"what {'they hold was' if len(keys) > 1 else 'it holds was'} not marked (an item the "
                             "typed answer does name is marked as typed, unless a line above says otherwise)")
                self.log.warning("coplearn: %s: the typed answer to %s %s, so %s. The answer "
                                 "may be right in another form: check it by hand.", student, n, log_safe(given, 400), lost)
            nb.metadata["coplearn"] = {}  # the course's record only: nothing the submission put there
            record = nb.metadata["coplearn"]
            read = {n: v for n, v in typed.items() if n not in unread}  # as the grading kernel will see them
            record["graded_answers"] = _json_safe(_graded_answers(schema, read, dropdowns))
            record["grading"] = {"not_run": not_run, "answers_file_notes": notes, "answered_more_than_once": twice,
                                 "earlier_release_cells": earlier, "keys_naming_no_item": stray_keys}
            return nb, resources

    AnswersAsData.__module__ = __name__
    return AnswersAsData


_CELL_ID = re.compile(r"[a-zA-Z0-9_-]{1,64}")


def mend_cell_ids(nb: Any) -> list[int]:
    """Give every cell an id nbformat accepts, in place; return the (0-based) cells changed.

    A notebook of format 4.5 or later needs a unique id of 1-64 letters, digits, ``-`` or ``_`` on
    every cell; one edited by hand or by another tool ("bad id", a number) would otherwise fail the
    whole notebook. A changed id is ``cell-N`` (N its position), made unique. (nbformat itself
    gives a duplicated or missing id a random new one as it reads a notebook; this step catches
    what is left.) Before 4.5 cells carry no id.

    >>> from types import SimpleNamespace as N
    >>> nb = N(nbformat=4, nbformat_minor=5, cells=[{"id": "ok"}, {"id": "bad id"}, {"id": "ok"}, {}])
    >>> mend_cell_ids(nb), [c["id"] for c in nb.cells]
    ([1, 2, 3], ['ok', 'cell-1', 'cell-2', 'cell-3'])
    """
    try:
        old = (int(nb.nbformat), int(nb.nbformat_minor)) < (4, 5)
    except (TypeError, ValueError, AttributeError):
        old = False
    changed: list[int] = []
    if old:
        for i, cell in enumerate(nb.cells):
            if "id" in cell:
                del cell["id"]
                changed.append(i)
        return changed
    kept = [c.get("id") for c in nb.cells]
    valid = [isinstance(x, str) and bool(_CELL_ID.fullmatch(x)) for x in kept]
    taken = {x for x, ok in zip(kept, valid) if ok}
    seen: set[str] = set()
    for i, cell in enumerate(nb.cells):
        cid = kept[i]
        if valid[i] and cid not in seen:
            seen.add(cid)
            continue
        new, n = f"cell-{i}", 0
        while new in taken or new in seen:
            n += 1
            new = f"cell-{i}-{n}"
        cell["id"] = new
        seen.add(new)
        taken.add(new)
        changed.append(i)
    return changed


def _switched_off(cell: Mapping[str, Any], course_cell: Mapping[str, Any]) -> bool:
    """The course's (unlocked) answer code cell, handed in as a Markdown or raw cell."""
    return (course_cell["cell_type"] == "code" and not course_cell["locked"]
            and cell.get("cell_type") in ("markdown", "raw"))


def _id_keepers(nb_cells: Sequence[Any], cells: Mapping[str, Any]) -> dict[str, int]:
    """For each course grade id on more than one cell, the cell that keeps it: the first whose
    type is the course's (the answer box, not a copy pasted below it and turned into Markdown or
    raw to keep a first attempt), else the first. nbgrader alone would keep the *last* copy
    (its DeduplicateIds) and turn it back into code, so a note could stand in for the answer."""
    where: dict[str, list[int]] = {}
    for i, cell in enumerate(nb_cells):
        gid = nbgrader_meta(cell).get("grade_id") if isinstance(cell, Mapping) else None
        if isinstance(gid, str) and gid in cells:
            where.setdefault(gid, []).append(i)
    keepers = {}
    for gid, found in where.items():
        if len(found) > 1:
            same_type = [i for i in found if nb_cells[i].get("cell_type") == cells[gid]["cell_type"]]
            keepers[gid] = (same_type or found)[0]
    return keepers


@functools.cache
def _build_forget_unknown() -> type:
    base = preprocessor_base()

    class ForgetUnknownCells(base):  # type: ignore[misc, valid-type]
        """nbgrader sanitising step, before ``OverwriteCells``: a cell whose nbgrader id the
        gradebook does not know loses its nbgrader metadata, so it cannot pass itself off as a
        locked or test cell (it is then the student's own cell, read as data); a cell it knows
        gets the course's own nbgrader metadata back (see :func:`gradebook_cells`). Cell ids that
        nbformat would refuse are mended (:func:`mend_cell_ids`)."""

        def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
            from coplearn.grading.nbgrader_steps import received_checksum

            cells, _, _, _ = gradebook_cells(resources, course_id(self.config))
            odd = mend_surrogates(nb)  # (one would fail the notebook when it is written: red team 20 F2)
            if odd:
                self.log.warning("coplearn: %s: %s hold%s characters no file can store (a lone surrogate, written "
                                 "\\ud800 in a hand-edited file), each now shown as \ufffd; nothing else was changed",
                                 log_safe(resources["nbgrader"].get("student", "")),
                                 (", ".join(odd[:10]) + f" and {len(odd) - 10} more" if len(odd) > 10 else
                                  " and ".join([", ".join(odd[:-1]), odd[-1]] if len(odd) > 1 else odd)),
                                 "s" if len(odd) == 1 else "")
            mend_cell_ids(nb)  # (an id nbformat refuses would fail the whole notebook)
            mend_notebook_settings(nb)  # (so would a notebook setting of the wrong type)
            keeper = _id_keepers(nb.cells, cells)
            for i, cell in enumerate(nb.cells):
                meta = cell.get("metadata")
                if not isinstance(meta, dict):
                    cell["metadata"] = type(nb.metadata)() if isinstance(nb.metadata, dict) else {}
                    continue
                if "nbgrader" not in meta:
                    continue
                gid = nbgrader_meta(cell).get("grade_id")
                if not (isinstance(gid, str) and gid in cells):
                    del meta["nbgrader"]
                    continue
                student = log_safe(resources["nbgrader"].get("student", ""))
                kind = log_safe(str(cell.get("cell_type")), 40)
                if keeper.get(gid, i) != i:
                    # a copy of a course cell (a pasted note of a first attempt, say): the
                    # student's own cell, not a second answer box or test
                    del meta["nbgrader"]
                    self.log.warning("coplearn: %s: a second copy of the course's cell %s (a %s cell) is the student's "
                                     "own cell%s", student, log_safe(gid), kind,
                                     "" if kind == "code" else ": shown as their text, not marked")
                elif _switched_off(cell, cells[gid]):
                    # the typed-answer cell turned into Markdown or raw (Esc M: "so that the drop-downs
                    # count"): in the learner's own run it gave nothing, so it gives nothing here either
                    # (nbgrader would turn it back into code and mark what it holds over the drop-downs)
                    del meta["nbgrader"]
                    self.log.warning("coplearn: %s: the answer cell %s was turned into a %s cell, so it did not run in "
                                     "the student's notebook: it is shown as their text and what it holds is not "
                                     "marked (answers chosen with the drop-downs are)", student, log_safe(gid), kind)
                else:
                    # A locked cell still exactly as the student received it: its checksum, kept for the
                    # sanitising step to compare with the current release's (a copy from an earlier
                    # release: red team 28 M2). The first pass's is kept (the second sees the course's).
                    got = received_checksum(cell)
                    if got is not None:
                        resources.setdefault("coplearn_received", {}).setdefault(*got)
                    # A cell the course made gets the course's own metadata back, whatever the
                    # submission says (its schema version, points, flags): one student's edited
                    # metadata must not stop nbgrader grading the students after them.
                    meta["nbgrader"] = copy.deepcopy(cells[gid]["nbgrader"])
            return nb, resources

    ForgetUnknownCells.__module__ = __name__
    return ForgetUnknownCells


def mend_surrogates(nb: Any) -> list[str]:
    """Write each lone surrogate in the notebook (in any text or name, in its cells, outputs and
    settings) as the replacement character, in place; return where there were some ("cell 7", "the
    notebook's settings"). No UTF-8 file can hold one, so nbgrader failed the student when it wrote
    the graded notebook, with a bare UnicodeEncodeError (red team 20 F2).

    >>> nb = {"metadata": {"a\\ud800": 1}, "cells": [{"source": "ok"}, {"source": ["x\\udfff", "y"]}]}
    >>> mend_surrogates(nb), nb["cells"][1]["source"], list(nb["metadata"])
    (['cell 2', "the notebook's settings"], ['x\ufffd', 'y'], ['a\ufffd'])
    """
    def mend(node: Any) -> bool:
        changed, stack = False, [node]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                for key in list(item):
                    value = item[key]
                    if isinstance(value, str) and grading._SURROGATE.search(value):
                        item[key], changed = grading.without_surrogates(value), True
                    elif isinstance(value, (dict, list)):
                        stack.append(value)
                    if isinstance(key, str) and grading._SURROGATE.search(key):
                        item[grading.without_surrogates(key)] = item.pop(key)
                        changed = True
            elif isinstance(item, list):
                for i, value in enumerate(item):
                    if isinstance(value, str) and grading._SURROGATE.search(value):
                        item[i], changed = grading.without_surrogates(value), True
                    elif isinstance(value, (dict, list)):
                        stack.append(value)
        return changed

    where = [f"cell {i + 1}" for i, cell in enumerate(nb.get("cells") or []) if mend(cell)]
    rest = {k: v for k, v in nb.items() if k != "cells"}
    if mend(rest):
        where.append("the notebook's settings")
        for k in [k for k in nb if k != "cells"]:
            del nb[k]
        nb.update(rest)
    return where


#: Notebook-level settings nbformat's schema gives a type, and the test each must pass; one that
#: fails is dropped before the sanitised notebook is checked against the schema (none of them
#: bears on the marks; JupyterLab writes them again when the notebook is next opened).
def _language_info_ok(v: Any) -> bool:
    """nbformat 4's schema for ``language_info``: a name, and text (or, for the editor mode, named
    values) in the settings it knows."""
    return (isinstance(v, dict) and isinstance(v.get("name"), str)
            and all(isinstance(v[k], str) for k in ("file_extension", "mimetype", "pygments_lexer") if k in v)
            and (isinstance(v.get("codemirror_mode", ""), (str, dict))))


_NOTEBOOK_SETTINGS = {
    "language_info": _language_info_ok,
    "orig_nbformat": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "title": lambda v: isinstance(v, str),
    "authors": lambda v: isinstance(v, list) and all(isinstance(a, dict) for a in v),
}


def mend_notebook_settings(nb: Any) -> list[str]:
    """Drop notebook-level settings of the wrong type (``language_info`` given as text ...), which
    would otherwise fail the notebook when it is checked after sanitising (red team 8). Returns
    the names dropped.

    >>> nb = {"metadata": {"language_info": "python", "title": "A1", "kernelspec": {"name": "python3"}}}
    >>> mend_notebook_settings(nb), sorted(nb["metadata"])
    (['language_info'], ['kernelspec', 'title'])
    >>> mend_notebook_settings({"metadata": {"language_info": {"name": "python", "codemirror_mode": 3}}})
    ['language_info']
    >>> mend_notebook_settings({"metadata": {"language_info": {"name": "python", "codemirror_mode": {"name": "ipython"}}}})
    []
    """
    meta = nb.get("metadata") if isinstance(nb, dict) else None
    if not isinstance(meta, dict):
        return []
    dropped = [k for k, ok in _NOTEBOOK_SETTINGS.items() if k in meta and not ok(meta[k])]
    for k in dropped:
        del meta[k]
    return dropped


_BUILDERS = {"AnswersAsData": _build_answers_as_data, "ForgetUnknownCells": _build_forget_unknown}


__getattr__ = built_on_first_use(globals(), _BUILDERS)
