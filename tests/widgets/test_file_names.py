"""File-name boxes in the lessons: a name is just a name (walk18 M3, L5).

Lesson 06's "Report file name" (TeamSurveyLoader) and lesson 11's export "File name" (JournalExport)
take what a learner types as a name in the lesson's own folder: ``/ \\ :`` become ``-``, the format's
ending is added, a typed .html/.md chooses that format, a path is refused, and no message shows an
internal path (the browser edition's ``/drive/...``). Each widget case runs twice: as in the browser
edition (Pyodide, the lesson in ``/drive/course``) and on the desktop (a plain folder).
"""

from __future__ import annotations

import datetime as dt
import errno
import html
import re
import string
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

import coplearn as cl
from coplearn.core.filenames import MAX_NAME_LENGTH, NOT_IN_NAMES, FileName, Kind, file_name

MD = Kind("md", "Markdown", (".md", ".markdown", ".txt"))
HTML = Kind("html", "a web page", (".html", ".htm"))
KINDS = [MD, HTML]
SURVEY = "Respondent,K1,K2,T3\na,3,4,storming\nb,2,5,norming\nc,4,4,storming\n"


# ---- the name cleaning ---------------------------------------------------------------------------

@pytest.mark.parametrize("typed, chosen, name, fmt", [
    ("Team report: Dec/2026", "html", "Team report- Dec-2026.html", "html"),
    ("06/12/2026", "html", "06-12-2026.html", "html"),
    ("CPD 06/12/2026.html", "md", "CPD 06-12-2026.html", "html"),  # the typed ending is followed
    ("my cpd", "md", "my cpd.md", "md"),
    ("a/b.md", "html", "a-b.md", "md"),
    ("Team\\Dec", "md", "Team-Dec.md", "md"),
    ('a*b?c"d<e>f|g', "md", "a-b-c-d-e-f-g.md", "md"),
    ("tab\there", "md", "tab-here.md", "md"),
    ("Team 06.12.2026", "html", "Team 06.12.2026.html", "html"),  # a dot that is not an ending is part of the name
    ("notes.txt", "html", "notes.txt", "md"),
    ("REPORT.HTML", "md", "REPORT.HTML", "html"),
    ("  .hidden report. ", "md", "hidden report.md", "md"),
    ("C:report", "md", "C-report.md", "md"),
])
def test_a_typed_name_becomes_a_file_name(typed, chosen, name, fmt):
    got = file_name(typed, KINDS, chosen)
    assert (got.name, got.fmt) == (name, fmt)


def test_what_was_changed_is_said():
    got = file_name("Team report: Dec/2026", KINDS, "html")
    assert got.replaced == (":", "/") and got.added == ".html"
    assert got.note() == "A file name cannot contain : or /, so each became -; the ending .html was added."
    assert file_name("my cpd", KINDS, "md").note() == "The ending .md was added."
    assert file_name("a/b.md", KINDS, "md").note() == "A file name cannot contain /, so it became -."
    assert file_name("plain.md", KINDS, "md").note() == ""


@pytest.mark.parametrize("typed", ["../../x.html", "..", ".", "../x", "a/../b.html", "./x.html", "/etc/x.html",
                                   "/drive/course/x.html", "\\\\server\\share\\x.html", "~/x.html", "~",
                                   "C:\\Users\\me\\x.html", "c:/x.html"])
def test_a_path_is_refused_in_plain_words(typed):
    with pytest.raises(ValueError) as info:
        file_name(typed, KINDS, "md", example="my-cpd-records.md")
    assert str(info.value) == (f"type a name only, not a folder or a path ({typed!r}): the file is saved in this "
                               f"lesson's folder, e.g. my-cpd-records.md")


def test_other_endings_are_refused_naming_the_allowed_ones():
    with pytest.raises(ValueError, match=r"^'report.pdf' ends in .pdf, which cannot be made here; end the name with "
                                         r"\.md \(Markdown\) or \.html \(a web page\), e.g\. x\.md$"):
        file_name("report.pdf", KINDS, "md", example="x.md")
    with pytest.raises(ValueError, match=r"^no Word here; end the name with \.md \(Markdown\) or \.html"):
        file_name("cpd.DOCX", KINDS, "md", unavailable={".docx": "no Word here"})
    docx = Kind("docx", "a Word document", (".docx",))
    assert file_name("cpd.docx", [*KINDS, docx], "md").fmt == "docx"


@pytest.mark.parametrize("typed, words", [("", "give the file a name"), ("   ", "give the file a name"),
                                          (".html", "give the file a name before its ending"),
                                          ("x" * (MAX_NAME_LENGTH + 1), f"use at most {MAX_NAME_LENGTH}")])
def test_no_name_or_too_long_a_name_is_refused(typed, words):
    with pytest.raises(ValueError, match=words):
        file_name(typed, KINDS, "md")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.characters(codec="utf-8") | st.sampled_from(list("/\\:.~ ") + [".md", ".html", ".pdf", ".."]),
                max_size=30).map("".join), st.sampled_from(["md", "html"]))
def test_any_name_that_is_accepted_is_one_file_in_the_lessons_folder(typed, chosen):
    try:
        got = file_name(typed, KINDS, chosen)
    except ValueError:
        return
    assert isinstance(got, FileName)
    assert not any(c in got.name for c in NOT_IN_NAMES) and not any(ord(c) < 32 for c in got.name)
    assert got.name not in ("", ".", "..") and not got.name.startswith((".", " "))
    assert got.name.lower().endswith({"md": MD, "html": HTML}[got.fmt].endings)
    folder = Path("/drive/course")
    assert (folder / got.name).parent == folder and len(got.name) <= MAX_NAME_LENGTH


# ---- the widgets, in the browser edition and on the desktop ---------------------------------------

@pytest.fixture(params=["browser", "desktop"])
def folder(request, monkeypatch, tmp_path) -> Path:
    """The lesson's folder: ``/drive/course`` as in the browser edition (nothing is written there:
    the writers are stood in for), or a plain folder."""
    if request.param == "browser":
        monkeypatch.setattr("sys.platform", "emscripten")
        return Path("/drive/course")
    course = tmp_path / "home" / "me" / "course"  # (deep enough that a "../../" that got through stays in tmp_path)
    course.mkdir(parents=True)
    return course


def _said(widget) -> str:
    """What the widget shows in its problem line and its line about the file saved, as text."""
    saved = getattr(widget, "save_status", None) or widget.status  # (lesson 06's status is about reading the survey)
    shown = " ".join(v for v in (widget.messages.value, saved.value) if v)
    return html.unescape(re.sub(r"<[^>]+>", "", shown))


class RecordingJournal:
    """Stands in for a journal: records where an export would go (and writes it if it can)."""

    def __init__(self, error: OSError | None = None) -> None:
        self.entries = (1, 2)
        self.calls: list[tuple[Path, str]] = []
        self.error = error

    def export(self, path, fmt, regulator=None):
        if self.error:
            raise self.error
        self.calls.append((Path(path), fmt))
        if Path(path).parent.is_dir():
            Path(path).write_text("exported", encoding="utf-8")
        return Path(path)


def _export(folder: Path, typed: str, fmt: str | None = None, journal=None):
    from coplearn.widgets.journal import JournalExport

    journal = journal or RecordingJournal()
    w = JournalExport(journal=journal, folder=folder)
    if fmt:
        w.format.value = fmt
    w.filename.value = typed
    w.button.click()
    return w, journal


def _where(folder: Path, name: str) -> str:
    return f"course/{name} (in this browser)" if str(folder).startswith("/drive/") else str(folder / name)


def test_lesson_11_a_uk_date_with_another_ending_follows_it(folder):
    w, journal = _export(folder, "CPD 06/12/2026.html", "md")
    assert w.last_error is None, w.last_error
    assert journal.calls == [(folder / "CPD 06-12-2026.html", "html")]
    assert w.format.value == "html" and w.filename.value == "CPD 06-12-2026.html"
    said = _said(w)
    assert f"to {_where(folder, 'CPD 06-12-2026.html')}." in said and "/drive" not in said
    assert "The Format is now Web page (.html), as the file name's ending asks." in said
    assert "'2026.html'" not in said and "does not end in" not in said


def test_lesson_11_the_format_follows_a_typed_ending_as_soon_as_it_is_typed(folder):
    from coplearn.widgets.journal import JournalExport

    w = JournalExport(journal=RecordingJournal(), folder=folder)
    w.format.value = "md"
    w.filename.value = "CPD 06/12/2026.html"
    assert w.format.value == "html" and w.last_error is None
    w.filename.value = "a/b.md"
    assert w.format.value == "md"
    w.filename.value = "no ending"  # (no ending: the Format stays as chosen)
    assert w.format.value == "md"


def test_lesson_11_a_name_without_an_ending_gets_the_formats(folder):
    w, journal = _export(folder, "my cpd", "md")
    assert w.last_error is None, w.last_error
    assert journal.calls == [(folder / "my cpd.md", "md")] and w.filename.value == "my cpd.md"
    assert "The ending .md was added." in _said(w)


def test_lesson_11_a_slash_in_a_name_with_the_other_ending(folder):
    w, journal = _export(folder, "a/b.md", "html")
    assert w.last_error is None, w.last_error
    assert journal.calls == [(folder / "a-b.md", "md")] and w.format.value == "md"
    assert "A file name cannot contain /, so it became -." in _said(w) and "'b.md'" not in _said(w)


@pytest.mark.parametrize("typed", ["../../x.html", "../x.md", "/drive/x.html", "~/x.md"])
def test_lesson_11_a_path_is_refused_and_nothing_is_written_outside_the_folder(folder, typed):
    w, journal = _export(folder, typed, "html")
    assert journal.calls == []
    said = _said(w)
    assert "Problem: File name: type a name only, not a folder or a path" in said
    assert "saved in this lesson's folder, e.g. my-cpd-records.html" in said
    assert "/drive/course" not in said and "in this browser" not in said


def test_lesson_11_another_kind_of_file_is_refused_naming_the_allowed_endings(folder):
    w, journal = _export(folder, "report.pdf", "md")
    assert journal.calls == []
    said = _said(w)
    allowed = (".md (Markdown) or .html (a web page)" if str(folder).startswith("/drive/")
               else ".md (Markdown), .html (a web page) or .docx (a Word document)")
    assert f"Problem: File name: 'report.pdf' ends in .pdf, which cannot be made here; end the name with {allowed}" in said
    assert "/drive" not in said


def test_lesson_11_word_only_where_it_can_be_made(folder):
    w, journal = _export(folder, "cpd.docx", "md")
    if str(folder).startswith("/drive/"):
        assert journal.calls == []
        assert ("Problem: File name: a Word document (.docx) cannot be made in the browser edition (a web page, "
                ".html, opens in Word); end the name with .md (Markdown) or .html (a web page)") in _said(w)
    else:
        assert w.last_error is None and journal.calls == [(folder / "cpd.docx", "docx")] and w.format.value == "docx"


def test_lesson_11_a_disk_problem_names_the_file_as_the_learner_finds_it(folder):
    place = folder / "my-cpd-records.md"
    w, _ = _export(folder, "my-cpd-records.md", "md",
                   journal=RecordingJournal(OSError(errno.ENOSPC, "No space left on device", str(place))))
    said = _said(w)
    full = "this browser's storage for the course is full" if str(folder).startswith("/drive/") else "the disk is full"
    assert f"Problem: {_where(folder, 'my-cpd-records.md')}: {full}; nothing was exported." in said
    assert "free some space" in said.lower() and "/drive" not in said  # (what to do: walk23 M2)


def test_lesson_11_really_writes_the_file_in_the_lessons_folder(tmp_path, _private_journal):
    journal = cl.Journal(_private_journal)
    journal.add(title="Lesson 11", learning="A community of practice needs a leader who connects.")
    w, _ = _export(tmp_path, "CPD 06/12/2026", "html", journal=journal)
    assert w.last_error is None, w.last_error
    out = tmp_path / "CPD 06-12-2026.html"
    assert out.is_file() and "A community of practice needs a leader" in out.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".html"] == [out.name]


# -- lesson 06: the team audit report --

@pytest.fixture
def loader(folder, monkeypatch):
    """A lesson 06 survey widget with a survey loaded; its reports are recorded (and written where possible)."""
    import coplearn.widgets.survey as survey
    from coplearn.practice.report import write_report

    calls: list[tuple[Path, str | None]] = []

    def recording(result, path, fmt=None):
        calls.append((Path(path), fmt))
        return write_report(result, path, fmt) if Path(path).parent.is_dir() else Path(path)

    monkeypatch.setattr(survey, "write_report", recording)
    w = survey.TeamSurveyLoader(folder=folder)
    w.load_text(SURVEY, name="team.csv")
    w.calls = calls
    return w


def _save(w, typed: str):
    w.report_name.value = typed
    w.save_button.click()
    return w


@pytest.mark.parametrize("typed, name", [("Team report: Dec/2026", "Team report- Dec-2026.html"),
                                         ("06/12/2026", "06-12-2026.html")])
def test_lesson_06_a_heading_or_a_uk_date_is_a_name_not_a_folder(loader, folder, typed, name):
    w = _save(loader, typed)
    assert w.last_error is None, w.last_error
    assert w.calls == [(folder / name, "html")] and w.report_name.value == name
    said = _said(w)
    assert f"Saved the report to {_where(folder, name)}." in said
    assert "/drive" not in said and "does not exist" not in said and "the ending .html was added." in said
    if folder.is_dir():
        assert (folder / name).read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_lesson_06_another_kind_of_file_is_refused_in_the_boxs_terms(loader, folder):
    w = _save(loader, "report.pdf")
    assert w.calls == []
    said = _said(w)
    assert said.startswith("Problem: Report file name: 'report.pdf' ends in .pdf, which cannot be made here; "
                           "end the name with .html (a web page) or .md (Markdown), e.g. team-audit-report.html. "
                           "Nothing was saved.")
    assert "/drive" not in said and "choose a format" not in said
    w = _save(loader, "report.docx")
    assert w.calls == [] and "Problem: Report file name: the report cannot be saved as a Word document" in _said(w)


def test_lesson_06_a_markdown_name_saves_markdown(loader, folder):
    w = _save(loader, "Team notes: Dec.md")
    assert w.last_error is None and w.calls == [(folder / "Team notes- Dec.md", "md")]


@pytest.mark.parametrize("typed", ["../x.html", "../../team.html", "/drive/course/x.html", "C:\\Users\\me\\x.html"])
def test_lesson_06_a_path_is_refused(loader, typed):
    w = _save(loader, typed)
    assert w.calls == []
    said = _said(w)
    assert said.startswith("Problem: Report file name: type a name only, not a folder or a path")
    assert "/drive/course/" not in said.replace(repr(typed), "")


# ---- lesson 11: importing an empty file (walk18 L5) ------------------------------------------------

@pytest.mark.parametrize("content", [b"", b"  \n", b"\xef\xbb\xbf"])
def test_an_empty_journal_file_is_called_empty(tmp_path, content):
    from coplearn.widgets.journal import JournalImport

    here = cl.Journal(tmp_path / "here.json")
    w = JournalImport(journal=here)
    w.upload.value = ({"name": "journal.json", "type": "application/json", "size": len(content),
                       "content": memoryview(content), "last_modified": dt.datetime(2026, 12, 6)},)
    said = html.unescape(w.messages.value)
    assert ("Problem: journal.json is empty, so nothing was imported; choose the journal.json you downloaded or kept"
            in said)
    assert "another kind of file" not in said and here.entries == ()
    empty = tmp_path / "empty.json"
    empty.write_bytes(content)
    with pytest.raises(ValueError, match=r"empty\.json is empty, so nothing was imported"):
        here.import_from(empty)
    with pytest.raises(ValueError, match=r"^the file is empty"):
        here.import_from(content)


def test_the_names_cleaned_are_the_ones_windows_and_macos_refuse():
    assert set(NOT_IN_NAMES) == set('/\\:*?"<>|')
    assert not set(NOT_IN_NAMES) & set(string.ascii_letters + string.digits + " -_.,()'&")


def test_invisible_marks_that_reorder_a_name_are_replaced():
    """check18 L9: a name holding U+202E showed reversed in the "Exported ... to" line."""
    from coplearn.core.filenames import Kind, file_name

    md = Kind("md", "Markdown", (".md",))
    for mark in ("\u202e", "\u2066", "\u200f", "\x85"):
        assert file_name(f"my{mark}cpd", [md], "md").name == "my-cpd.md", repr(mark)
