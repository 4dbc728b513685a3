"""Widgets for the reflective journal: where it lives, a first entry, export and import."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import ipywidgets as W

from coplearn.core.atomic import CLOSE_OTHERS, may_be_full, os_problem, when_full
from coplearn.core.environment import in_browser
from coplearn.core.filenames import FileName, Kind, file_name
from coplearn.core.outputs import NotOurFile
from coplearn.practice import cpd
from coplearn.practice.journal import Journal, JournalBusy, JournalLocked, default_journal_path
from ._base import DOWNLOAD_LIMIT, LABEL_STYLE, UPLOAD_COUNT, Composite, full_width, JournalPrompt, live_html, message, place, saved_message
from ._journal_editor import JournalEditor  # (its own module: fix24)

__all__ = ["JournalSetup", "JournalExport", "JournalImport", "JournalEditor"]


_FORMATS = [("Markdown (.md)", "md"), ("Web page (.html)", "html"), ("Word document (.docx)", "docx")]


#: A few words for each format, in messages about the file name.
_WORDS = {"md": "Markdown", "html": "a web page", "docx": "a Word document"}
#: Why an ending known elsewhere cannot be used here (the browser edition has no Word export).
_NO_WORD = {".docx": "a Word document (.docx) cannot be made in the browser edition (a web page, .html, "
                     "opens in Word)"}


def export_formats() -> list[tuple[str, str]]:
    """The formats a learner may choose here: Word needs python-docx, which Python in the browser (the
    browser edition) does not have, so there it is not offered (walk16 F7: it was, and then refused
    in terms of a package). A web page opens in Word there."""
    return [f for f in _FORMATS if f[1] != "docx"] if in_browser() else list(_FORMATS)


def default_format() -> str:
    """The format the export starts at: a Word document where one can be made (JupyterLab, the app view, a
    JupyterHub), as a manager hands in (walk26 M-L4: it was Markdown, which a manager does not know); in
    the browser edition, which cannot make Word files, a web page, which opens anywhere by a double click
    and opens in Word too (a .md file asks which program)."""
    offered = [key for _, key in export_formats()]
    return "docx" if "docx" in offered else "html"


def _kinds() -> list[Kind]:
    return [Kind(key, _WORDS[key], cpd.FORMATS[key]) for _, key in export_formats()]


class JournalExport(Composite):
    """Export your whole journal as CPD records for your regulator (Markdown, HTML or Word).

    Choose the regulator (Social Work England, Social Care Wales, the SSSC or the NISCC; it starts
    at the one saved in the journal's settings) and the format. Exporting calls
    ``journal.export(path, fmt, regulator=...)`` on :class:`coplearn.Journal` and saves the
    regulator in the journal's settings, so ``coplearn journal export`` follows it too.
    """

    STEM = "my-cpd-records"

    def __init__(self, journal: Any = None, folder: str | Path | None = None) -> None:
        super().__init__()
        self.journal = journal
        self.folder = Path(folder) if folder is not None else None
        self.written: Path | None = None
        #: The format the name's ending chose (the status says so, for those who do not see the Format box change).
        self._followed: str | None = None
        from coplearn.practice.regulators import DEFAULT_REGULATOR, regulators

        saved = getattr(journal := self._journal(), "regulator", DEFAULT_REGULATOR)
        self._unsure = saved if getattr(journal, "read_problem", None) else None  # (read again at export: check23 8)
        self.regulator = W.Dropdown(options=[(f"{r.name} ({r.nation})", r.key) for r in regulators()],
                                    value=saved, description="Your regulator", style=LABEL_STYLE,
                                    layout=W.Layout(width="auto"))
        self.requirement = W.HTML(value="", layout=full_width())
        self.format = W.Dropdown(options=export_formats(), value=default_format(), description="Format",
                                 style=LABEL_STYLE)
        self.filename = W.Text(value=f"{self.STEM}.{self.format.value}", description="File name", style=LABEL_STYLE,
                               continuous_update=False, layout=W.Layout(width="24em", max_width="100%"))
        self.button = W.Button(description="Export my journal", button_style="primary",
                               tooltip="Write your journal entries as CPD records to the file named above",
                               layout=W.Layout(width="auto"))
        self.status = live_html()
        self.format.observe(self.safely(self._on_format), names="value")
        self.filename.observe(self.safely(self._on_filename), names="value")
        self.regulator.observe(self.safely(lambda _c: self._show_requirement()), names="value")
        self.button.on_click(self.safely(lambda _b: self.export()))
        self.view = W.VBox([self.regulator, self.requirement, self.format, self.filename, self.button,
                            self.status, self.messages])
        self._show_requirement()

    def _journal(self) -> Any:
        return self.journal if self.journal is not None else Journal()

    def _show_requirement(self) -> None:
        """Say what the chosen regulator asks for, with its sources and what is not confirmed."""
        from coplearn.practice.regulators import get_regulator

        reg = get_regulator(self.regulator.value)
        items = "".join(f"<li>{html.escape(t)}</li>" for t in reg.requirement)
        unsure = "".join(f"<li>Not confirmed: {html.escape(t)}</li>" for t in reg.not_confirmed)
        sources = ", ".join(f'<a href="{html.escape(u)}" target="_blank" rel="noopener">{html.escape(u)}</a>'
                            for u in reg.sources)
        self.requirement.value = (
            f'<div role="status"><p><strong>What {html.escape(reg.called)} asks for</strong> '
            f"(checked {html.escape(reg.checked_text)}):</p><ul>{items}{unsure}</ul>"
            f"<p>Sources: {sources}</p></div>")

    def _on_format(self, change: dict[str, Any]) -> None:
        old, new = change["old"], change["new"]
        self._followed = None  # (set again by _on_filename when the name's ending chose this format)
        name = self.filename.value.strip()
        if not name or name == f"{self.STEM}.{old}" or name.endswith(f".{old}"):
            stem = name[: -len(old) - 1] if name.endswith(f".{old}") else self.STEM
            self.filename.value = f"{stem}.{new}"

    def _on_filename(self, change: dict[str, Any]) -> None:
        """A name typed with another format's ending (``.html`` while Markdown is chosen) chooses that
        format, as the learner asked (walk18 M3); the Format box shows it at once."""
        try:
            fmt = self.file_name().fmt
        except ValueError:
            return  # (said when the learner exports, in the box's terms)
        if fmt != self.format.value:
            self.format.value = fmt
            self._followed = fmt

    def file_name(self) -> FileName:
        """The name typed, made a file name (see :func:`coplearn.core.filenames.file_name`): ``/ \\ :``
        become ``-``, the Format's ending is added to a name without one, and a path is refused."""
        try:
            return file_name(self.filename.value, _kinds(), self.format.value,
                             example=f"{self.STEM}.{self.format.value}", unavailable=_NO_WORD if in_browser() else None)
        except ValueError as exc:
            raise ValueError(f"File name: {exc}") from None

    def target(self) -> Path:
        """Where the export will go: the file name, in the lesson's folder (or ``folder``)."""
        return (self.folder or Path.cwd()) / self.file_name().name

    def export(self) -> Path:
        """Export the journal and report where the file went."""
        from coplearn.practice.regulators import get_regulator

        self.status.value = ""  # (a failed export must not sit under the last one's success and its link)
        journal = self._journal()
        if not hasattr(journal, "export"):
            raise ValueError("This version of coplearn cannot export the journal yet; please tell your tutor.")
        # (a journal that cannot be read is said so, changing nothing; not "no entries yet": walk22 M1)
        try:
            count = len(journal.read() if hasattr(journal, "read") else journal.entries)
        except JournalLocked as exc:  # (busy: in words, the lock's details for the console; fix24)
            raise exc.saying("Nothing was exported.", f"{CLOSE_OTHERS.capitalize()}, then press \u201cExport my "
                             f"journal\u201d again.") from None
        self.regulator.value = journal.regulator if self.regulator.value == self._unsure else self.regulator.value
        if count == 0:
            raise ValueError("Your journal has no entries yet: save a reflection in any lesson first.")
        name = self.file_name()
        if name.fmt != self.format.value:
            self.format.value = name.fmt
            self._followed = name.fmt
        followed = self._followed == name.fmt
        path = (self.folder or Path.cwd()) / name.name
        reg = get_regulator(self.regulator.value)
        existed = path.is_file()  # (written over only if it is an earlier export: walk28 H1)
        try:
            result = journal.export(path, name.fmt, regulator=reg.key)
        except NotOurFile as exc:  # (a document of the learner's own with this name: left as it is, walk28 H1)
            raise ValueError(exc.saying(place(path), "nothing was exported",
                                        "type it in \u201cFile name\u201d, then press "
                                        "\u201cExport my journal\u201d again", maker="this course")) from None
        except OSError as exc:  # (in words, naming the file as the learner finds it, never /drive/...)
            todo = f" {when_full()}" if may_be_full(exc) else ""
            raise ValueError(f"{os_problem(exc, place(path))}; nothing was exported.{todo}") from None
        kept = ""
        if hasattr(journal, "set_regulator"):
            try:
                journal.set_regulator(reg.key)
            except JournalBusy as busy:  # (the export is written; the choice waits beside the journal: fix24)
                kept = f" {busy}"
        self.written = Path(result) if isinstance(result, (str, Path)) else path
        self.filename.value = name.name  # (the box shows the name the file was given)
        note = f" {name.note()}" if name.note() else ""
        if existed:
            note += f" It replaced the earlier {self.written.name}."
        if followed:
            label = dict((v, k) for k, v in export_formats())[name.fmt]
            note += f" The Format is now {label}, as the file name's ending asks."
        self._followed = None
        if hasattr(journal, "set_aside_note"):  # (entries in a journal kept aside as unreadable: red team 26b F4)
            aside = journal.set_aside_note("export", how="\u201cBringing in a journal kept elsewhere\u201d in lesson 11")
            note += f" {aside}" if aside else ""
        self.status.value = saved_message(
            f"Exported {count} journal entr{'y' if count == 1 else 'ies'} as CPD records for {reg.called} "
            f"to {place(self.written)}.{note}{kept}", self.written)
        return self.written


class JournalImport(Composite):
    """Bring in a journal kept elsewhere (another computer, the browser edition, a backup).

    Choose the ``journal.json`` file with the native file chooser; its entries are added to this
    journal with :meth:`coplearn.Journal.import_from` (entries already here are skipped; nothing
    here is changed). Nothing is uploaded anywhere: the file goes from your computer to the
    journal in this course.
    """

    def __init__(self, journal: Any = None) -> None:
        super().__init__()
        self.journal = journal
        self.upload = W.FileUpload(accept=".json,application/json", multiple=False,
                                   description=UPLOAD_COUNT.format("Choose journal.json"), tooltip="Choose a journal file to bring in",
                                   layout=W.Layout(width="auto"))
        self.status = live_html()
        self.upload.observe(self.safely(lambda _c: self.bring_in()), names="value")
        # (the only copy that can be brought back was in the file list's right-click menu, which a phone or tablet
        # cannot open: walk27 M6)
        self.copy_button = W.Button(description="Download a copy of my journal", icon="download",
                                    tooltip="A copy of journal.json, to keep safe or to bring into another device",
                                    layout=W.Layout(width="auto"))
        self.copy_status = live_html()
        self.copy_button.on_click(self.safely(lambda _b: self.copy()))
        self.view = W.VBox([W.HTML("<p>Keep a copy of your journal: the button below gives a link that downloads "
                                   "<code>journal.json</code>. Keep it safe, or bring it into the course on "
                                   "another device with the box after it.</p>"),
                            self.copy_button, self.copy_status,
                            W.HTML("<p>Bring in the entries of a journal you kept elsewhere "
                                   "(a <code>journal.json</code> you downloaded or backed up):</p>"),
                            self.upload, self.status, self.messages])

    def _journal(self) -> Any:
        return self.journal if self.journal is not None else Journal()

    def copy(self) -> Path | None:
        """Offer the journal file itself for download (the copy :meth:`bring_in` takes on another device)."""
        journal = self._journal()
        n = len(journal.read())  # (a journal that cannot be read says so here, and offers nothing)
        if not n or not journal.path.exists():
            self.copy_status.value = message("Your journal has no entries yet, so there is nothing to copy.", "info")
            return None
        big = journal.path.stat().st_size > DOWNLOAD_LIMIT  # (no link for so large a file: said, not left out)
        self.copy_status.value = saved_message(
            f"Your journal as it is now ({n} entr{'y' if n == 1 else 'ies'}): keep the file somewhere safe; on another "
            "device, bring it in below." + (f" It is too large for a download link here: copy {place(journal.path)} "
                                           "itself (in the browser edition, from the file list)." if big else ""),
            journal.path)
        return journal.path

    def bring_in(self) -> tuple[int, int] | None:
        """Import the chosen file; say how many entries were added and how many were here already."""
        files = self.upload.value
        if not files:
            return None
        self.status.value = ""  # one message for each file chosen (walk16 F9)
        chosen = files[0]
        content = chosen["content"] if isinstance(chosen, dict) else chosen.content
        name = chosen["name"] if isinstance(chosen, dict) else chosen.name
        try:
            journal = self._journal()
            added, already = journal.import_from(bytes(content), name=name)
        except JournalBusy as busy:  # (kept safe beside the journal: information, not a problem; fix24)
            self.status.value = message(str(busy), "info")
            return len(busy.entries), 0
        finally:
            self.upload.value = ()  # so that choosing the same file again (once mended) is read again
        said = (f"From {name}: added {added} entr{'y' if added == 1 else 'ies'}"
                + (f"; {already} {'was' if already == 1 else 'were'} in your journal already" if already else "") + ".")
        cut = journal.last_import_note  # (a file cut short: its whole entries only, said in plain text, not as done)
        self.status.value = message(said + (f" {cut}" if cut else ""), "info" if cut else "ok")
        return added, already


class JournalSetup(Composite):
    """Show where the journal lives and take a first "what I hope to get from this course" entry.

    >>> import tempfile, pathlib
    >>> js = JournalSetup(journal=Journal(pathlib.Path(tempfile.mkdtemp()) / "j.json"))
    >>> "j.json" in js.where.value, js.count
    (True, 0)
    """

    PROMPT = ("What do you hope to get from this course? Think of one team, placement or situation "
              "where you would like to see people learn together better.")

    def __init__(self, journal: Journal | None = None) -> None:
        super().__init__()
        self.journal = journal
        self.where = W.HTML(value="", layout=full_width())
        self.check_button = W.Button(description="Check my journal", icon="book",
                                     tooltip="Show where the journal is saved and how many entries it has", layout=W.Layout(width="auto"))
        self.check_button.on_click(self.safely(lambda _b: self.refresh()))
        self.prompt = JournalPrompt(self.PROMPT, lesson="00", pcf=["professionalism"],
                                    title="Lesson 00: what I hope to get from this course", journal=journal)
        self.prompt.learning.placeholder = "What I hope to learn from this course, and why it matters to me."
        self.prompt.impact.placeholder = "Optional: one team or situation where I would like to use it."
        # (once the entry is saved: on the press it was read before the save, which waits for typing to settle, and
        # went on saying the journal "does not exist yet", walk28 L5)
        self.prompt.after_save.append(self.safely(self.refresh))
        self.count = 0
        self.view = W.VBox([self.where, self.check_button, self.prompt.view, self.messages])
        self.refresh()

    @property
    def path(self) -> Path:
        return self.journal.path if self.journal is not None else default_journal_path()

    def refresh(self) -> None:
        """Re-read the journal file and say where it is and how many entries it holds, or why it cannot be read."""
        journal = self.journal if self.journal is not None else Journal()
        try:
            self.count = len(journal.entries)  # (only read: a file that cannot be read is never moved; walk22 M1)
            exists, problem = journal.path.exists(), getattr(journal, "read_problem", None)
        except OSError as exc:  # (in words, and the lesson goes on: a traceback took this box's place, walk23 M1)
            self.count, exists = 0, True
            problem = journal._not_read(exc, "It", "press \u201cCheck my journal\u201d to try again in a moment") + " The rest of this lesson works."
        state = "" if problem else (f"It has {self.count} {'entry' if self.count == 1 else 'entries'}." if exists
                                    else "It does not exist yet: it will be created when you save your first entry.")
        warning = problem or (f" Note: {journal.last_warning}" if getattr(journal, "last_warning", None) else "")
        self.where.value = (
            '<div role="status"><p><strong>Your journal is saved at:</strong> '
            f"<code>{html.escape(place(journal.path))}</code></p>"
            f"<p>{html.escape(state + warning)}</p></div>"
        )
