"""Session 20: what the feedback says of a typed answer cell Python could not read (check19 L5).

A learner who typed every answer of a1's q2 but left a quotation mark open was told, in their own
notebook, that the cell cannot be read yet (walk19 #3); the autograder then marked those answers as
unanswered, as it must, but the feedback under each check still said "You have not answered", which
sent them to the drop-downs for answers they had given. The autograder's note at the top of the
cell now names the answers it could not read, and the checks on them say why no answer was marked.
The marks are those of the same notebook with the cell left blank.
"""

from __future__ import annotations

import re

import pytest
from nbcourse import A1, A1_RIGHT_Q1, FAST, Course, cell_by_id, forget_students, output_text, ran_cell, set_source

pytestmark = [pytest.mark.nbgrader]

UNCLOSED = 'q2 = ["managed", "professional]'


def test_parse_names_the_answers_of_a_cell_python_cannot_read() -> None:
    from coplearn.grading.answers import NOT_RUN_HEAD, UNREAD_NOTE, names_given, parse_answer_cell, unread_in_note

    parsed = parse_answer_cell(UNCLOSED)
    assert not parsed.readable and parsed.names == () and parsed.values == {}
    assert parse_answer_cell('q2 = ["managed", "professional"]').readable
    assert parse_answer_cell("import os; q1 = os.getcwd()").readable  # (read, though not plain)
    assert names_given('x = 1\n  q2 = [\nq3: float = 2,5 +\nq4 == 3\nq5["a"] = 1') == ["q2", "q3", "q5"]
    # the note is read only where the autograder writes it: the second line, under its first
    head = f"{NOT_RUN_HEAD}it is not Python that can be read."
    assert unread_in_note(f"{head}\n{UNREAD_NOTE}q2, q3.\n# rest") == ["q2", "q3"]
    assert unread_in_note(f"{head}\n# the learner's text\n{UNREAD_NOTE}q2.") == []
    assert unread_in_note(f"{UNREAD_NOTE}q2.") == []
    assert unread_in_note(f"{head}\n{UNREAD_NOTE}q2, os.system, q3.") == ["q2", "q3"]


@pytest.mark.slow
def test_the_feedback_says_the_cell_could_not_be_read_and_the_marks_are_those_of_a_blank_cell(course: Course) -> None:
    def unclosed(nb: dict) -> None:
        set_source(nb, "q1-typed", A1_RIGHT_Q1)
        set_source(nb, "q2-typed", UNCLOSED)

    def blank(nb: dict) -> None:
        set_source(nb, "q1-typed", A1_RIGHT_Q1)

    try:
        course.student("t20-unclosed").hand_in(A1, unclosed)
        course.student("t20-blank").hand_in(A1, blank)
        api = course.api(**FAST)
        course.ok(api.collect(A1))
        logs = {sid: course.ok(api.autograde(A1, sid))["log"] for sid in ("t20-unclosed", "t20-blank")}
        # the tutor's log names the cell as formgrader does, beside its number (walk19 L8)
        assert re.search(r"coplearn: t20-unclosed: cell \d+ \(q2-typed\) was not run \(it is not Python that can be "
                         r"read: line 1 opens a quotation mark", logs["t20-unclosed"]), logs["t20-unclosed"][-3000:]
        assert course.score(A1, "t20-unclosed") == course.score(A1, "t20-blank")
        nb = course.autograded(A1, "t20-unclosed")
        source = cell_by_id(nb, "q2-typed")["source"]
        source = "".join(source) if isinstance(source, list) else source
        assert source.splitlines()[1] == "# Python could not read this cell, so no typed answer in it is marked, for: q2.", \
            source
        said = "\n".join(output_text(c) for c in nb["cells"] if c["cell_type"] == "code")
        assert "could not be read by Python when the notebook was marked" in said, said[-3000:]
        assert "You have not answered question 2" not in said and "cannot be read by Python yet" not in said
        # the same with --jobs 2 (kernels kept from one student to the next, so the blank one after it too)
        from coplearn.grading.parallel import autograde_parallel

        scores = {sid: course.score(A1, sid) for sid in ("t20-unclosed", "t20-blank")}
        report = autograde_parallel(A1, jobs=2, course_dir=course.root, progress=lambda _: None,
                                    nbgrader_args=["--student=t20-*", "--force"])
        assert sorted(report.graded) == ["t20-blank", "t20-unclosed"], report.summary()
        assert {sid: course.score(A1, sid) for sid in scores} == scores
        said = "\n".join(output_text(c) for c in course.autograded(A1, "t20-unclosed")["cells"] if c["cell_type"] == "code")
        assert "could not be read by Python when the notebook was marked" in said, said[-3000:]
        # the blank notebook's checks still say "not answered": nothing changed for it
        blank_said = "\n".join(output_text(c) for c in course.autograded(A1, "t20-blank")["cells"]
                               if c["cell_type"] == "code")
        assert "could not be read by Python" not in blank_said and "not answered" in blank_said
    finally:
        forget_students(course, "t20-unclosed", "t20-blank")


@pytest.mark.slow
def test_checks_that_run_before_the_unreadable_cell_say_it_could_not_be_read(course: Course) -> None:
    """check20 L2 / red team 20 F5: the note reached only the checks after the unreadable cell. Statements
    typed in q2's cell, below q1's checks, or q1's cell moved above the set-up cell: each check on them said
    "You did not answer statement 3", to a learner who had typed it. A note placed before the first check
    now tells them; the marks are those of the same notebook without the unreadable answers."""
    from nbcourse import index_of

    from coplearn.grading.answers import UNREAD_ELSEWHERE

    def below(nb: dict) -> None:
        set_source(nb, "q2-typed", 'q2 = ["managed", "professional"]\nq1 = {3: "professional", 5: "managed"\n')

    def above(nb: dict) -> None:
        set_source(nb, "q2-typed", 'q2 = ["managed", "professional"]')
        set_source(nb, "q1-typed", 'q1 = {1: "managed", 2: "humanistic}')
        nb["cells"].insert(index_of(nb, "setup"), nb["cells"].pop(index_of(nb, "q1-typed")))

    def q2_only(nb: dict) -> None:
        set_source(nb, "q2-typed", 'q2 = ["managed", "professional"]')

    sids = ("t20-l2below", "t20-l2above", "t20-l2q2only")
    try:
        for sid, change in zip(sids, (below, above, q2_only)):
            course.student(sid).hand_in(A1, change)
        api = course.api(**FAST)
        course.ok(api.collect(A1))
        for sid in sids:
            course.ok(api.autograde(A1, sid))
        for sid in sids[:2]:
            nb = course.autograded(A1, sid)
            first = index_of(nb, "q1-statement-01")
            note = nb["cells"][first - 1]["source"]
            note = "".join(note) if isinstance(note, list) else note
            assert note.startswith(f"{UNREAD_ELSEWHERE}q1.\n# (A note from the autograder, for the tests below: see "
                                   "cell "), note
            for n in (1, 3, 5, 12):
                said = output_text(cell_by_id(nb, f"q1-statement-{n:02d}"))
                assert f"The answer cell for statement {n} could not be read by Python when the notebook was " \
                       "marked" in said, (sid, said)
                assert "You did not answer" not in said, (sid, said)
        assert course.score(A1, "t20-l2below") == 0  # (q2's cell could not be read, and no drop-down was chosen)
        assert course.score(A1, "t20-l2above") == course.score(A1, "t20-l2q2only") == 16
        blank = "\n".join(output_text(c) for c in course.autograded(A1, "t20-l2q2only")["cells"] if c["cell_type"] == "code")
        assert "could not be read" not in blank and "You did not answer statement 3" in blank
    finally:
        forget_students(course, *sids)


@pytest.mark.slow
def test_the_feedback_page_shows_what_was_read_and_why_in_words_with_the_code_folded(course: Course) -> None:
    """walk19 #4, the part left in session 19: each check was shown as its Python code under "Grade
    cell: q1-statement-01", a wrong answer's explanation came as "AssertionError: ...", and the
    questions the tutor marks were listed as "Task"."""
    import re

    def partly(nb: dict) -> None:
        set_source(nb, "q1-typed", A1_RIGHT_Q1)
        set_source(nb, "q2-typed", 'q2 = ["managed", "democratic"]')  # one of the two right

    try:
        course.student("t20-partly").hand_in(A1, partly)
        api = course.api(**FAST)
        course.ok(api.collect(A1))
        course.ok(api.autograde(A1, "t20-partly"))
        course.ok(api.generate_feedback(A1, "t20-partly"))
        page = (course.root / "feedback" / "t20-partly" / A1 / f"{A1}.html").read_text(encoding="utf-8")
        assert "Grade cell:" not in page and ">Test cell<" not in page and ">Task<" not in page
        assert "AssertionError" not in page
        why = re.findall(r"<strong>Why not all the points:</strong> ([^<]{0,60})", page)
        assert len(why) == 1 and why[0].startswith("Not quite."), why  # question 2's second mark alone
        headings = re.findall(r'<h3 class="nbgrader-label coplearn-label">([^<]+)</h3>', page)
        assert headings[:2] == ["Statement 1", "Statement 2"] and "Question 2, second mark" in headings, headings
        assert page.count(">Marked by your tutor</span>") == 1, headings  # (a1's question 3)
        # every check's code is still there, folded, once per check
        assert page.count('<details class="coplearn-code">') == 14 == len(headings)
        contents = page[page.index('<div id="toc">'):page.index("</ol>", page.index('<div id="toc">'))]
        assert re.search(r'>Question 3: [^<]+</a> \(Score: 0\.0 / 60\.0\)', contents), contents[-600:]
        main = re.search(r'<div class="container" role="main">', page)
        assert main and main.start() < page.index('<div id="toc">'), page[:3000]
        assert page.count('role="main"') == 1 and "<main" not in page  # one main landmark (axe: clean)
        assert re.search(r"\(Score: 32\.0 / 100\.0\)</h4>", page)  # nbgrader's marks, untouched
        assert ">Your answer</span>" in page and "Student's answer" not in page
    finally:
        forget_students(course, "t20-partly")


@pytest.mark.slow
def test_every_assignment_s_feedback_page_is_the_course_s_and_a_student_s_text_is_escaped(course: Course) -> None:
    """check20 L5: the page for a2 to a5 (blank hand-ins), and a typed answer holding HTML shown as text
    in "Why not all the points" (it is echoed in the check's message)."""
    from nbcourse import ASSIGNMENTS

    def hostile(nb: dict) -> None:
        set_source(nb, "q1-typed", A1_RIGHT_Q1.replace("1: 'managed'", "1: '<script>alert(1)</script>'"))
        set_source(nb, "q2-typed", 'q2 = ["<b>managed</b>", "professional"]')

    try:
        course.student("t20-pages").hand_in(A1, hostile)
        for a in ASSIGNMENTS[1:]:
            course.student("t20-pages").hand_in(a, lambda nb: None)
        api = course.api(**FAST)
        for a in ASSIGNMENTS:
            course.ok(api.collect(a))
            course.ok(api.autograde(a, "t20-pages"))
            course.ok(api.generate_feedback(a, "t20-pages"))
            page = (course.root / "feedback" / "t20-pages" / a / f"{a}.html").read_text(encoding="utf-8")
            assert "Grade cell:" not in page and ">Test cell<" not in page and ">Task<" not in page, a
            assert "AssertionError" not in page and "Student's task" not in page, a
            assert page.count('role="main"') == 1 and "Marked by your tutor" in page, a
            if a.startswith("a4"):  # a blank hand-in: what was found, not what to do next
                assert "You did not answer practice 1: no answer was found for it, typed or chosen with the drop-down" in page
                assert "have not answered" not in page and "not answered yet" not in page and "drop-down above" not in page
            if a != ASSIGNMENTS[-1]:  # (a5 has no computer-marked items)
                assert "Marked by the computer" in page and '<details class="coplearn-code">' in page, a
        page = (course.root / "feedback" / "t20-pages" / A1 / f"{A1}.html").read_text(encoding="utf-8")
        assert "<script>alert(1)" not in page and "<b>managed</b>" not in page
        why = re.findall(r"<strong>Why not all the points:</strong> ([^<]*)</p>", page)
        assert any("&lt;script&gt;" in w for w in why), why
    finally:
        forget_students(course, "t20-pages")


@pytest.mark.slow
def test_check20_a_blank_answer_cell_does_not_say_the_drop_downs_are_marked_when_a_typed_one_is(course: Course) -> None:
    """check20 M2: the released answer cell left blank, the answer typed in a cell of the student's own
    below it: the blank cell's note named the drop-downs, though the typed answer is what is marked."""
    from nbcourse import index_of, new_cell

    def below(nb: dict) -> None:
        set_source(nb, "q1-typed", A1_RIGHT_Q1)
        nb["cells"].insert(index_of(nb, "q2-typed") + 1, new_cell("code", 'q2 = ["managed", "professional"]', "mine-q2"))

    try:
        course.student("t20-below").hand_in(A1, below)
        api = course.api(**FAST)
        course.ok(api.collect(A1))
        course.ok(api.autograde(A1, "t20-below"))
        assert course.score(A1, "t20-below") == 40
        nb = course.autograded(A1, "t20-below")
        blank = "".join(cell_by_id(nb, "q2-typed")["source"])
        assert "No typed answer in this cell" not in blank, blank
        assert re.search(r"# Left blank here, as released: q2 is marked from the answer typed in cell \d+\.", blank), blank
    finally:
        forget_students(course, "t20-below")


@pytest.mark.timeout(30)
def test_red20_a_long_name_like_line_is_read_in_one_pass() -> None:
    """red team 20 F1: ``q111...1`` (a cell of 20,000 characters Python cannot read) took 15 to 25 s in
    the answer-name patterns, whose digits could be split two ways; 2,000 such cells in one notebook
    held up the serial autograder for hours. Each now takes milliseconds (the limit here is for all)."""
    from coplearn.grading.answers import MAX_CELL_CHARS, is_answer_name, names_given, parse_answer_cell

    long_name = "q" + "1" * (MAX_CELL_CHARS - 10)
    for source in (long_name, long_name + "\u00e9 = 1", long_name + " ==", "  " + long_name + ": x"):
        for _ in range(20):
            assert names_given(source) == []
            assert not is_answer_name(source.split(" ")[0] + "\u00e9")
            parse_answer_cell(source)


@pytest.mark.slow
def test_red20_a_lone_surrogate_in_a_written_answer_is_shown_as_a_replacement_character(course: Course) -> None:
    """red team 20 F2: ``"\\ud800"`` (valid JSON, no UTF-8 character) in a written answer, an added
    text cell or a setting failed that student's grading with a bare UnicodeEncodeError when nbgrader
    wrote the graded notebook. It is now written as \ufffd, said in one line, and the marks stand."""
    from nbcourse import index_of, new_cell

    def odd(nb: dict) -> None:
        set_source(nb, "q1-typed", A1_RIGHT_Q1)
        set_source(nb, "q2-typed", 'q2 = ["managed", "professional"]')
        nb["cells"].insert(index_of(nb, "q3-task") + 1, new_cell("markdown", "My answer \ud800 in part", "mine-odd"))
        nb["metadata"]["note\udfff"] = "x\udfff"

    try:
        course.student("t20-odd").hand_in(A1, odd)
        api = course.api(**FAST)
        course.ok(api.collect(A1))
        log = course.ok(api.autograde(A1, "t20-odd"))["log"]
        assert course.score(A1, "t20-odd") == 40
        assert re.search(r"coplearn: t20-odd: cell \d+ and the notebook's settings hold characters no file can store",
                         log), log[-3000:]
        nb = course.autograded(A1, "t20-odd")
        assert any("My answer \ufffd in part" in "".join(c["source"]) for c in nb["cells"])
        course.ok(api.generate_feedback(A1, "t20-odd"))
    finally:
        forget_students(course, "t20-odd")


def test_red20_an_answer_read_in_an_earlier_cell_stands_when_a_later_cell_cannot_be_read() -> None:
    """red team 20 F3: a right answer typed in one cell, then a cell below it that Python cannot read
    giving the same question: the learner's own run showed the question unanswered, while the
    autograder (rightly: the broken cell never ran) marked the earlier answer. The learner's run now
    keeps it too, and says so; the same cell broken after a good run still loses its answer (the
    notebook as handed in holds only the broken cell)."""
    from coplearn.grading import resolve

    ran = ran_cell

    for state in (resolve._MARKED, resolve._HOW, resolve._UNREAD, resolve._GIVEN_IN):
        state.clear()
    try:
        ran('q2 = ["managed", "professional"]', "cell-a")
        said = ran('q2 = ["managed", "professional]', "cell-b", broken=True)
        assert resolve._MARKED["q2"] == ["managed", "professional"], said
        assert "Meanwhile the answer given for q2 in an earlier cell is the one marked." in said, said
        said = ran('q2 = ["managed", "professional]', "cell-a", broken=True)  # the same cell, broken after a good run
        assert "q2" not in resolve._MARKED and "Meanwhile" not in said, said
        # check20b M2: nbgrader validate names no cell (each runs once, top to bottom): kept, as the autograder does
        ran('q2 = ["managed", "professional"]', None)
        said = ran('q2 = ["managed", "professional]', None, broken=True)
        assert resolve._MARKED["q2"] == ["managed", "professional"] and "Meanwhile" in said, said
        # check20b M1: a cell that ran but cannot be read as answers (a notebook command) keeps it too
        said = ran("%env X=1\nq2 = ['democratic', 'managed']", "cell-c")
        assert resolve._MARKED["q2"] == ["managed", "professional"] and "Meanwhile" in said, said
        # check20b L1: the released form (None) is not an answer to keep
        ran("q2 = None", "cell-d")
        said = ran('q2 = ["managed", "professional]', "cell-e", broken=True)
        assert "q2" not in resolve._MARKED and "Meanwhile" not in said, said
    finally:
        for state in (resolve._MARKED, resolve._HOW, resolve._UNREAD, resolve._GIVEN_IN):
            state.clear()


def test_red20_a_notebook_command_in_an_answer_cell_is_named_for_the_learner_and_the_tutor() -> None:
    """red team 20 F4: ``%env ...`` in an answer cell runs in the learner's own notebook, but the cell
    cannot be read as answers: the learner's run dropped the answers without a word, and the
    autograder's note said to check quotes, brackets and commas."""
    import io
    from contextlib import redirect_stdout
    from types import SimpleNamespace

    from coplearn.grading import resolve
    from coplearn.grading.answers import parse_answer_cell

    source = "%env COPLEARN=1\nq2 = ['managed', 'professional']"
    # (check20b L2: a line starting with ! inside a text never closed is not blamed)
    assert parse_answer_cell('q1 = """my notes\n!important\n').problem.endswith(
        "line 1 opens three quotation marks and never closes them: put the same three after the text")
    problem = parse_answer_cell(source).problem
    assert problem == ("it is not Python that can be read: line 1 is a notebook command (it starts with %), not an "
                       "answer: delete that line, as an answer cell holds only answers"), problem
    for state in (resolve._MARKED, resolve._HOW, resolve._UNREAD, resolve._GIVEN_IN):
        state.clear()
    try:
        with redirect_stdout(io.StringIO()) as said:
            resolve._after_cell(SimpleNamespace(info=SimpleNamespace(raw_cell=source, cell_id="c"),
                                                error_before_exec=None, error_in_exec=None))
        assert said.getvalue().startswith("This answer cell cannot be read as answers, so they are not marked until "
                                          "it is mended: line 1 is a notebook command"), said.getvalue()
        assert "q2" in resolve._UNREAD and "q2" not in resolve._MARKED
    finally:
        for state in (resolve._MARKED, resolve._HOW, resolve._UNREAD, resolve._GIVEN_IN):
            state.clear()
