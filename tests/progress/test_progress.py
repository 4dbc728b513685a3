"""Progress through the course: the data, the notes file, the widget hooks, the CLI and the record of study."""

from __future__ import annotations

import ast
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from coplearn.practice import progress as P
from coplearn.practice import record_of_study as R
from coplearn.practice.journal import Journal

REPO = Path(__file__).resolve().parents[2]
COURSE = REPO / "course"
sys.path.insert(0, str(REPO / "tests" / "practice"))
from practice_html import check_standalone_html  # noqa: E402
import installed  # noqa: E402

#: Widgets that show progress rather than being an activity of their own.
NOT_ACTIVITIES = {"ProgressView", "JournalImport", "JournalEditor"}  # tools, not learning activities


def widget_classes() -> dict[str, type]:
    import importlib

    from coplearn.widgets import _MODULES
    from coplearn.widgets._base import Composite

    out = {}
    for m in (*_MODULES, "_base"):
        for n, o in vars(importlib.import_module(f"coplearn.widgets.{m}")).items():
            if inspect.isclass(o) and issubclass(o, Composite):
                out[n] = o
    return out


def lesson_calls(path: Path, classes: dict[str, type]) -> tuple[list[str], int]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    acts, prompts = [], 0
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        for node in ast.walk(ast.parse("".join(cell["source"]))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in classes:
                name = node.func.id
                if name in NOT_ACTIVITIES:
                    continue
                if name == "JournalPrompt":
                    prompts += 1
                    continue
                if name == "JournalSetup":
                    prompts += 1
                if name == "ContextSorter":
                    name = f"ContextSorter:{node.args[0].value}"
                acts.append(name)
    return acts, prompts


# ---- the data matches the lessons ---------------------------------------------------------------

def test_progress_data_lists_every_activity_and_prompt_of_every_lesson():
    classes = widget_classes()
    plans = {p.number: p for p in P.course_plan()}
    assert len(plans) == len(list(COURSE.glob("[0-9][0-9]-*.ipynb")))
    for nb in sorted(COURSE.glob("[0-9][0-9]-*.ipynb")):
        number = nb.name[:2]
        acts, prompts = lesson_calls(nb, classes)
        plan = plans[number]
        assert list(plan.activity_ids) == acts, f"lesson {number}: progress.toml activities differ from the notebook"
        assert plan.prompts == prompts, f"lesson {number}: {prompts} prompts in the notebook"
        meta = json.loads(nb.read_text(encoding="utf-8"))["metadata"]["coplearn"]
        assert plan.minutes == meta["minutes"] and plan.outcomes == tuple(meta["outcomes"])
    ids = [a for p in plans.values() for a in p.activity_ids]
    assert len(ids) == len(set(ids)), "an activity id is listed in two lessons"


# ---- the notes file -----------------------------------------------------------------------------

def test_marks_are_kept_with_their_first_date_and_survive_reopening(folder):
    prog = P.Progress()
    assert prog.path == folder / "journal-progress.json"
    assert prog.mark("8", "SupervisionSorter", when="2026-02-01") is True
    assert prog.mark("08", "SupervisionSorter", when="2026-03-01") is False
    marks = P.Progress().marks()
    assert marks == {"08": {"SupervisionSorter": "2026-02-01", "opened": "2026-02-01"}}
    data = json.loads(prog.path.read_text(encoding="utf-8"))
    assert data["format"] == "coplearn-progress" and "never sent anywhere" in data["note"]
    with pytest.raises(LookupError):
        prog.mark("42", "opened")
    assert not list(folder.glob(".*.tmp")), "a temporary file was left behind"


def test_an_unreadable_progress_file_is_moved_aside_not_overwritten(folder):
    path = folder / "journal-progress.json"
    half = '{"format": "coplearn-progress", "lessons": {"03": {"done": {"opened": "2026-'
    path.write_text(half, encoding="utf-8")
    with pytest.warns(P.ProgressWarning, match="could not all be read"):
        assert P.Progress().marks() == {}
    assert not [p for p in folder.iterdir() if ".unreadable-" in p.name]  # (a read changes nothing: walk22 M3)
    with pytest.warns(P.ProgressWarning, match="could not all be read"):
        P.Progress().mark("04", "opened")
    (moved,) = [p for p in folder.iterdir() if ".unreadable-" in p.name]
    assert moved.read_text(encoding="utf-8") == half


def test_the_hook_never_raises_for_a_file_problem(folder, monkeypatch):
    def broken(*a, **k):
        raise PermissionError("read-only folder")

    monkeypatch.setattr(P, "atomic_write_text", broken)
    with pytest.warns(P.ProgressWarning, match="not affected"):
        assert P.mark("03", "CultureSorter") is False
    assert P.mark_activity("NotACourseActivity") is False


# ---- widgets note what the learner does ---------------------------------------------------------

def test_a_displayed_sorter_notes_its_activity_only_when_every_statement_is_placed(folder, capsys):
    from coplearn.widgets.supervision import SupervisionSorter

    hidden = SupervisionSorter()
    for item in hidden.items:
        hidden.dropdowns[item.id].value = item.answer
    assert P.Progress().marks() == {}, "a widget that was never shown noted progress"

    w = SupervisionSorter()
    w._ipython_display_()
    assert P.Progress().marks()["08"].keys() == {"opened"}
    first, *rest = w.items
    w.dropdowns[first.id].value = first.answer
    assert "SupervisionSorter" not in P.Progress().marks()["08"]
    for item in rest:
        w.dropdowns[item.id].value = item.answer
    assert "SupervisionSorter" in P.Progress().marks()["08"]


def test_a_composite_counts_its_inner_sorter(folder, capsys):
    from coplearn.widgets.vignettes import BackSeatSorter

    w = BackSeatSorter()
    w._ipython_display_()
    for item in w.sorter.items:
        w.sorter.dropdowns[item.id].value = item.answer
    assert "BackSeatSorter" in P.Progress().marks()["05"]


def test_saving_a_prompt_notes_it_and_completes_the_lesson(folder):
    from coplearn.widgets import JournalPrompt

    journal = Journal(folder / "journal.json")
    P.Progress().mark("08", "SupervisionSorter", when="2026-04-01")
    prompts = ["Which functions took most time?", "What would you change first?"]
    for text in prompts:
        jp = JournalPrompt(text, lesson="08", journal=journal)
        jp.learning.value = f"Answer to: {text}"
        jp.button.click()
        assert jp.last_error is None
    lesson = P.Progress(journal=journal).course().lesson("08")
    assert lesson.prompts_done == 2 and lesson.status == "complete"
    assert lesson.completed_on == max("2026-04-01", journal.entries[-1].created[:10])


def test_journal_entries_from_before_progress_notes_still_count(folder):
    journal = Journal(folder / "journal.json")
    journal.add(learning="x", lesson="01", prompt="Which pressures?", date="2026-01-05")
    course = P.Progress(journal=journal).course()
    assert course.lesson("01").prompts_done == 1 and course.lesson("01").status == "started"
    P.Progress().mark("01", "ContextSorter:pressures")
    assert P.Progress(journal=journal).course().lesson("01").status == "complete"


# ---- the record of study ------------------------------------------------------------------------

def studied(folder: Path) -> tuple[P.Progress, Journal]:
    journal = Journal(folder / "journal.json")
    journal.add(title="Cultures in my team", learning="Managed culture dominates.", lesson="03",
                prompt="Which culture?", date="2026-01-12")
    journal.add(title="Loose thought", learning="Unrelated to a lesson.", date="2026-01-20")
    prog = P.Progress(journal=journal)
    prog.mark("03", "Table1Explorer", when="2026-01-10")
    prog.mark("03", "CultureSorter", when="2026-01-11")
    prog.mark("05", "completed", when="2026-02-02")
    prog.mark("07", "opened", when="2026-02-09")
    return prog, journal


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_record_of_study_lists_completed_lessons_hours_outcomes_and_entries(folder, fmt):
    prog, journal = studied(folder)
    out = R.export_record(folder / f"record.{fmt}", progress=prog, name="Sam Learner")
    if fmt == "docx":
        d = docx.Document(str(out))
        text = "\n".join(p.text for p in d.paragraphs)
        text += "\n".join(c.text for t in d.tables for r in t.rows for c in r.cells)
    else:
        text = out.read_text(encoding="utf-8")
        if fmt == "html":
            check_standalone_html(text)
            import html as h

            text = h.unescape(text)
    plans = {p.number: p for p in P.course_plan()}
    assert R.NOT_A_CERTIFICATE in text
    assert "Record of study for Sam Learner" in text
    for n in ("03", "05"):
        assert f"Lesson {n}: {plans[n].title}" in text and f"{plans[n].minutes} minutes" in text
        for outcome in plans[n].outcomes:
            assert outcome in text
    hours = (plans["03"].minutes + plans["05"].minutes) / 60
    assert f"{hours:.1f} hours" in text
    assert "12 January 2026: Cultures in my team" in text and "Loose thought" in text
    assert "Lesson 07" in text and "opened 9 February 2026" in text
    assert plans["04"].outcomes[0] not in text, "an unfinished lesson's outcomes were listed as studied"


# ---- the command line and the widget ------------------------------------------------------------

def run_cli(*args: str, folder: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, COPLEARN_JOURNAL=str(folder / "journal.json"))
    env.pop("COPLEARN_PROGRESS", None)
    return subprocess.run(installed.coplearn(*args), capture_output=True, text=True, env=env, timeout=120)


def test_cli_shows_progress_marks_done_and_writes_a_record(folder):
    studied(folder)
    proc = run_cli("progress", folder=folder)
    assert proc.returncode == 0, proc.stderr
    assert "2 of 12 lessons complete, 1 started" in proc.stdout and "journal-progress.json" in proc.stdout
    proc = run_cli("progress", "done", "11", folder=folder)
    assert proc.returncode == 0 and "Lesson 11" in proc.stdout
    out = folder / "rec.md"
    proc = run_cli("progress", "record", "-o", str(out), folder=folder)
    assert proc.returncode == 0 and "3 lessons complete" in proc.stdout and "not a certificate" in proc.stdout
    assert "Leading a community of practice" in out.read_text(encoding="utf-8")
    proc = run_cli("progress", "done", "42", folder=folder)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1
    proc = run_cli("progress", "record", "-o", str(folder / "r.pdf"), folder=folder)
    assert proc.returncode == 2 and "cannot tell the format" in proc.stderr


@pytest.mark.parametrize("name", ["my-cpd-log.docx", "own.html", "own.md"])
def test_cli_record_is_never_written_over_a_document_of_your_own(folder, capsys, name):
    """walk28 H1: ``progress record -o own.md`` replaced a notes file of the manager's own."""
    from coplearn.cli.main import main
    from own_documents import own_document

    studied(folder)
    mine = folder / name
    before = own_document(mine)
    stem, ending = name.rsplit(".", 1)
    assert main(["progress", "record", "-o", str(mine)]) == 2
    assert capsys.readouterr().err == (
        f"coplearn progress: {mine} already exists and was not made by coplearn (it may be a document of your "
        f"own), so the record of study was not written and {name} is unchanged. Choose another file name, for example "
        f"{stem}-2.{ending}, or add --force to replace it anyway.\n")
    assert mine.read_bytes() == before
    earlier = folder / f"record.{ending}"
    assert main(["progress", "record", "-o", str(earlier)]) == 0 and "replaced" not in capsys.readouterr().out
    assert main(["progress", "record", "-o", str(earlier)]) == 0
    assert f"It replaced the earlier record.{ending}." in capsys.readouterr().out
    assert main(["progress", "record", "-o", str(mine), "--force"]) == 0
    out = capsys.readouterr().out  # (not "the earlier" one: rev28b L10)
    assert f"It replaced the file {name} that was there (--force), which coplearn had not written." in out
    assert "earlier" not in out and mine.read_bytes() != before


def test_progress_view_leaves_a_document_of_your_own_as_it_is(folder):
    """walk28 H1: lesson 11's record of study is saved beside a document of the learner's own with its name."""
    from coplearn.widgets.progress import ProgressView
    from own_documents import own_document

    prog, journal = studied(folder)
    mine = folder / "my-record-of-study.docx"
    before = own_document(mine)
    w = ProgressView(record=True, progress=prog, folder=folder)
    w.record_button.click()
    saved = folder / "my-record-of-study-2.docx"
    assert w.last_error is None, w.last_error
    assert mine.read_bytes() == before and saved.read_bytes()[:2] == b"PK"
    assert (f"to {saved}. A file called my-record-of-study.docx is already in this folder and was not made by "
            "this course (it may be a document of your own), so it was left as it is.") in w.status.value
    assert "replaced" not in w.status.value
    w.record_button.click()
    assert "It replaced the earlier my-record-of-study-2.docx." in w.status.value and mine.read_bytes() == before


def test_progress_view_shows_the_table_and_writes_the_record(folder):
    from coplearn.widgets.progress import ProgressView

    prog, journal = studied(folder)
    small = ProgressView(journal=journal)
    assert "2 of 12 lessons complete" in small.table.value and small.record_button not in small.view.children
    w = ProgressView(record=True, progress=prog, folder=folder)
    assert w.record_button in w.view.children and "not a certificate" in w.view.children[2].value
    w.format.value = "md"
    w.record_button.click()
    assert w.last_error is None, w.last_error
    assert (folder / "my-record-of-study.md").exists() and "2 lessons complete" in w.status.value
    prog.mark("06", "completed")
    w.refresh_button.click()
    assert "3 of 12 lessons complete" in w.table.value


# ---- what a reader of the record sees ------------------------------------------------------------

def test_the_record_gives_no_local_path_and_lists_outcomes_as_a_real_list(folder):
    prog, _ = studied(folder)
    course = prog.course()
    doc = R.record_of_study(course)
    from coplearn.core import document as D

    md = D.to_markdown(doc)
    page = D.to_html(doc)
    for text in (md, page):
        assert str(folder) not in text and "journal-progress.json" not in text, "a local file path in the record"
    outcomes = P.course_plan()[3].outcomes
    assert "<li>" + outcomes[0].replace("'", "&#39;") + "</li>" in page
    assert "<br>- " not in page, "outcomes drawn as '- ' lines of text"
    prog.mark("09", "opened", when="2026-02-10")
    md = D.to_markdown(R.record_of_study(prog.course()))
    started = md.split("## Lessons started but not yet complete\n\n")[1].split("\n\n")[0]
    assert started.count("\n- ") == 1 and started.startswith("- Lesson 07"), started


def test_a_lesson_marked_complete_by_hand_says_so(folder):
    prog, _ = studied(folder)
    from coplearn.core import document as D

    md = D.to_markdown(R.record_of_study(prog.course()))
    lesson05 = md.split("## Lesson 05")[1].split("\n## ")[0]
    assert "2 February 2026 (marked complete by the learner)" in lesson05
    assert "the learner marked this lesson complete themselves" in lesson05
    assert "none recorded" not in lesson05.lower().replace("none recorded by the course", "")
    lesson03 = md.split("## Lesson 03")[1].split("\n## ")[0]
    assert "marked complete" not in lesson03


def test_a_back_dated_journal_entry_completes_the_lesson_on_its_own_date(folder):
    """The record dates a prompt by the date written on its entry, and says so."""
    journal = Journal(folder / "journal.json")
    prog = P.Progress(journal=journal)
    prog.mark("01", "ContextSorter:pressures", when="2026-01-03")
    prompt = "Which pressures?"
    journal.add(learning="Written up later.", lesson="01", prompt=prompt, date="2026-01-05")
    prog.mark("01", P.prompt_key(prompt))  # what the prompt widget notes when it saves: today
    lesson = prog.course().lesson("01")
    assert lesson.status == "complete" and lesson.completed_on == "2026-01-05"
    from coplearn.core import document as D

    md = D.to_markdown(R.record_of_study(prog.course()))
    assert "5 January 2026" in md and R.DATES in md


def test_progress_shortens_long_titles_at_a_word(folder):
    text = P.Progress().course().to_text()
    line = next(ln for ln in text.splitlines() if ln.startswith("09"))
    assert "Looking outward: other agencies and people…" in line, line
    assert "people w " not in line


def test_reading_progress_creates_no_folder_and_no_lock_file(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("COPLEARN_JOURNAL", "COPLEARN_PROGRESS")}
    env["HOME"] = str(home)
    for args in (("progress",), ("progress", "record", "-o", str(tmp_path / "rec.md"))):
        proc = subprocess.run(installed.coplearn(*args), capture_output=True, text=True, env=env, timeout=120)
        assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "rec.md").exists()
    assert list(home.iterdir()) == [], f"reading created {list(home.rglob('*'))}"


def test_marking_done_in_a_read_only_folder_says_nothing_was_marked(tmp_path, monkeypatch):
    """Input 11 #4: `progress done` there said only "[Errno 30] Read-only file system: '….lock'"."""
    def read_only(*_a, **_k):
        raise OSError(30, "Read-only file system", str(tmp_path / "p.json.lock"))

    monkeypatch.setattr(P, "file_lock", read_only)
    with pytest.raises(OSError) as info:
        P.Progress(tmp_path / "p.json").mark("03", P.COMPLETED)
    said = str(info.value)
    assert "cannot be written to (read-only)" in said and "nothing was marked" in said and "[Errno" not in said
    assert P.Progress(tmp_path / "p.json").marks() == {}


def test_a_save_says_it_is_saving_at_once_and_the_button_waits(folder, monkeypatch):
    """Reach 12 W7: in the browser edition on a slow computer a save took up to 16 s with no sign;
    the status says so before the journal is written, and the button cannot be pressed twice (it is shown waiting,
    not disabled, so that it keeps the keyboard focus: walk28 M1)."""
    from coplearn.widgets import JournalPrompt
    from coplearn.widgets._base import is_waiting

    journal = Journal(folder / "journal.json")
    jp = JournalPrompt("What would you change first?", lesson="08", journal=journal)
    jp.learning.value = "Something I noticed."
    seen = []
    add = Journal.add

    def watched(self, **kw):
        seen.append((jp.status.value, is_waiting(jp.button) and not jp.button.disabled))
        return add(self, **kw)

    monkeypatch.setattr(Journal, "add", watched)
    jp.button.click()
    assert jp.last_error is None
    assert len(seen) == 1 and "Saving to your journal" in seen[0][0] and seen[0][1] is True, seen
    assert "Saved to your journal" in jp.status.value and jp.button.disabled is False and not is_waiting(jp.button)


def test_a_failed_save_does_not_go_on_saying_saving(folder, monkeypatch):
    """Review 12b B7: when a save failed, "Saving to your journal…" stayed beside the error."""
    from coplearn.widgets import JournalPrompt
    from coplearn.widgets._base import is_waiting

    journal = Journal(folder / "journal.json")
    jp = JournalPrompt("What would you change first?", lesson="08", journal=journal)
    jp.learning.value = "Something I noticed."

    def fails(self, **kw):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Journal, "add", fails)
    jp.button.click()
    assert jp.last_error is not None
    assert "Saving" not in jp.status.value and jp.button.disabled is False and not is_waiting(jp.button)
