"""Lesson 06: load the team's survey CSV and see the team audit report in the notebook.

:class:`TeamSurveyLoader` reads the same CSV files as ``coplearn audit report`` (see
:mod:`coplearn.practice.survey`): upload one, type its path, or try the example survey. It then shows
the report's figures (with their text alternatives) and its main sections, and can save the full
report as one web page. Everything is worked out in :mod:`coplearn.practice.survey` and
:mod:`coplearn.practice.report`; the widget only displays it.

In a lesson: ``TeamSurveyLoader()`` as the last line of a cell. In a test: ``w.load_text(csv)``
or ``w.example_button.click()``, then check ``w.result``, ``w.items_chart.figure.data`` and
``w.sections.value``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import ipywidgets as W

from coplearn.core.atomic import os_problem
from coplearn.core.environment import in_browser
from coplearn.core.filenames import FileName, Kind, file_name
from coplearn.core.outputs import NotOurFile
from coplearn.figures.survey import build_survey_domains, build_survey_items
from coplearn.practice.report import FORMATS, section_html, write_report
from coplearn.practice.survey import (DEFAULT_MIN_RESPONDENTS, missing_note, read_survey, read_survey_bytes,
                                      read_survey_text)
from coplearn.practice.survey_summary import SurveyResult, summarise
from ._base import LABEL_STYLE, UPLOAD_COUNT, Composite, full_width, live_html, message, place, saved_message, show_chart

__all__ = ["TeamSurveyLoader", "example_survey_path"]

#: What the report can be saved as, for the "Report file name" box: a web page unless the name ends in .md.
REPORT_KINDS = (Kind("html", "a web page", FORMATS["html"]), Kind("md", "Markdown", FORMATS["md"]))
#: Why a Word ending is refused (Word opens the web page).
_NO_WORD = {".docx": "the report cannot be saved as a Word document (.docx), but Word opens the web page",
            ".doc": "the report cannot be saved as a Word document (.doc), but Word opens the web page"}

#: Sections shown under the charts, in order ("At a glance" goes above them; the saved report has them all).
SHOWN_SECTIONS = ("disagree", "stage", "skills", "priorities", "plan", "method")


def example_survey_path(start: str | os.PathLike[str] | None = None) -> Path | None:
    """The example survey shipped with the course (``examples/team-survey.csv``), if present:
    in ``$COPLEARN_EXAMPLES``; beside the course, looking up from ``start`` (default: the current
    folder, a lesson's own: ``course/`` then the course's root), as in the browser edition, where
    the package is installed apart from the course's files (``/drive/examples``); or beside the
    package in a copy of the repository."""
    env = os.environ.get("COPLEARN_EXAMPLES")
    candidates = [Path(env) / "team-survey.csv"] if env else []
    try:
        here = Path(start) if start is not None else Path.cwd()
        candidates += [here / "examples" / "team-survey.csv", here.parent / "examples" / "team-survey.csv"]
    except OSError:  # (the current folder was removed)
        pass
    candidates.append(Path(__file__).resolve().parents[3] / "examples" / "team-survey.csv")
    for c in candidates:
        if c.is_file():
            return c
    return None


class TeamSurveyLoader(Composite):
    """Upload (or name) a team survey CSV and see the team audit: charts, disagreements and a plan.

    ``heading_level`` sets the level of the section headings inside the widget (3 suits a lesson
    whose widget sits under an H2). ``folder`` is where a typed path and the saved report are
    relative to (default: the notebook's folder).
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *,
                 min_respondents: int = DEFAULT_MIN_RESPONDENTS, heading_level: int = 3,
                 folder: str | os.PathLike[str] | None = None) -> None:
        super().__init__()
        self.heading_level = heading_level
        self.folder = Path(folder) if folder is not None else None
        self.survey = None
        self.result: SurveyResult | None = None
        self.domains_chart = None
        self.items_chart = None
        self.saved: Path | None = None

        self.upload = W.FileUpload(accept=".csv,text/csv", multiple=False, description=UPLOAD_COUNT.format("Upload the survey CSV"),
                                   tooltip="Choose the CSV file you downloaded from your survey tool",
                                   layout=W.Layout(width="auto"))
        self.path = W.Text(value="", description="Or type the CSV file's path", style=LABEL_STYLE,
                           placeholder="such as examples/team-survey.csv", continuous_update=False,
                           layout=W.Layout(width="32em", max_width="100%"))
        self.read_button = W.Button(description="Read this file", tooltip="Read the CSV file named in the box",
                                    layout=W.Layout(width="auto"))
        self.example = example_survey_path()
        self.example_button = W.Button(description="Try the example survey",
                                       tooltip="Load an invented survey of an 8-person team",
                                       disabled=self.example is None, layout=W.Layout(width="auto"))
        self.threshold = W.BoundedIntText(value=min_respondents, min=1, max=99, style=LABEL_STYLE,
                                          description="Show individual answers only with at least this many respondents",
                                          layout=W.Layout(width="44em", max_width="100%"))
        self.status = live_html()
        self.summary = W.HTML(value="", layout=full_width())
        self.domains_out = W.Output(layout=full_width())
        self.items_out = W.Output(layout=full_width())
        self.sections = W.HTML(value="", layout=full_width())
        self.report_name = W.Text(value="team-audit-report.html", description="Report file name", style=LABEL_STYLE,
                                  continuous_update=False, layout=W.Layout(width="32em", max_width="100%"))
        self.save_button = W.Button(description="Save the report as a web page", disabled=True,
                                    layout=W.Layout(width="auto"),
                                    tooltip="Write the whole report as one HTML file you can open, print or share")
        self.save_status = live_html()

        self.upload.observe(self.safely(self._on_upload), names="value")
        self.path.observe(self.safely(lambda c: self._read_typed() if c["new"].strip() else None), names="value")
        self.read_button.on_click(self.safely(lambda _b: self._read_typed()))
        self.example_button.on_click(self.safely(lambda _b: self.load_example()))
        self.threshold.observe(self.safely(self._on_threshold), names="value")
        self.save_button.on_click(self.safely(lambda _b: self.save_report()))

        intro = W.HTML(
            "<p>Load your team's answers to the audit questions as a CSV file: one row per person, one column "
            "per question, headed with the item id (K1 ... I8) or the question. Download it from your survey "
            "tool (Microsoft Forms, Google Forms and others) without changing it.</p>", layout=full_width())
        self.view = W.VBox([
            intro,
            W.HBox([self.upload, self.example_button], layout=W.Layout(flex_flow="row wrap")),
            # (in the browser edition a typed path can name only the browser's own files, never one on the
            # learner's computer: uploading is the way there, walk16 F4)
            *([] if in_browser() else [W.HBox([self.path, self.read_button],
                                              layout=W.Layout(flex_flow="row wrap"))]),
            self.threshold, self.status, self.messages,
            self.summary, self.domains_out, self.items_out, self.sections,
            W.HBox([self.report_name, self.save_button], layout=W.Layout(flex_flow="row wrap")), self.save_status,
        ])
        if path is not None:
            self.safely(self.load_path)(path)

    # -- loading -----------------------------------------------------------------------------
    def _resolve(self, path: str | os.PathLike[str]) -> Path:
        """A typed path: as it stands if absolute; else in the lesson's folder, or failing that in the folder above
        it, the course's own, where the guides' paths (``examples/team-survey.csv``) and the command line start
        (walk28 L13: both gave "no such file" in lesson 06). A file in neither is said to be missing in the first."""
        p = Path(path).expanduser()
        if p.is_absolute():
            return p
        base = self.folder or Path.cwd()
        try:
            if not (base / p).exists() and (base.parent / p).is_file():
                return base.parent / p
        except OSError:  # (a name the system cannot look up: said when it is read)
            pass
        return base / p

    def _clear(self) -> None:
        self.survey = None
        self.result = None
        self.summary.value = ""
        self.sections.value = ""
        self.status.value = ""
        self.save_status.value = ""
        self.save_button.disabled = True
        # (emptied as show_chart fills them, straight into their outputs: clear_output() goes through the Output
        # widget's capture of the kernel's messages, which in the browser edition arrived after the new charts and
        # wiped them, with their text descriptions: walk27 M3)
        self.domains_out.outputs = ()
        self.items_out.outputs = ()

    def _read_typed(self) -> None:
        name = self.path.value.strip()
        if not name:
            raise ValueError("Type the path of the CSV file first, such as examples/team-survey.csv")
        self.load_path(name)

    def _on_upload(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if not files:
            return
        f = files[0]
        self.load_bytes(bytes(f["content"]), name=f.get("name") or "the uploaded file")

    def load_path(self, path: str | os.PathLike[str]) -> SurveyResult:
        """Read a CSV file from disk and show the result."""
        self._clear()
        survey = read_survey(self._resolve(path))
        return self._show(survey)

    def load_bytes(self, data: bytes, *, name: str = "the uploaded file") -> SurveyResult:
        """Read an uploaded CSV (its bytes) and show the result."""
        self._clear()
        return self._show(read_survey_bytes(data, name))

    def load_text(self, text: str, *, name: str = "the survey") -> SurveyResult:
        """Read CSV text and show the result."""
        self._clear()
        return self._show(read_survey_text(text, name))

    def load_example(self) -> SurveyResult:
        """Load the example survey of an invented 8-person team."""
        if self.example is None:
            raise ValueError("The example survey is not installed here; upload your own CSV file instead.")
        return self.load_path(self.example)

    def _on_threshold(self, change: dict[str, Any]) -> None:
        if self.survey is not None:
            self._show(self.survey)

    # -- showing ------------------------------------------------------------------------------
    def _show(self, survey: Any) -> SurveyResult:
        self.survey = survey
        result = summarise(survey, min_respondents=int(self.threshold.value))
        self.result = result
        name = Path(survey.source).name
        self.status.value = message(
            f"Read {name}: {result.n_respondents} respondent{'s' if result.n_respondents != 1 else ''}, "
            f"{len(survey.columns)} of 28 questions." + "".join(" " + n for n in survey.notes)
            + (" " + missing if (missing := missing_note(survey)) else ""), "ok")
        self.summary.value = section_html(result, "glance", level=self.heading_level, prefix="survey-")
        self.domains_chart = build_survey_domains(result)
        self.items_chart = build_survey_items(result)
        show_chart(self.domains_chart, self.domains_out)
        show_chart(self.items_chart, self.items_out)
        self.sections.value = "".join(
            section_html(result, key, level=self.heading_level, figures=False, prefix="survey-")
            for key in SHOWN_SECTIONS)
        self.save_button.disabled = False
        return result

    def report_file_name(self) -> FileName:
        """The name in the "Report file name" box, made a file name in the lesson's folder (see
        :func:`coplearn.core.filenames.file_name`): ``/ \\ :`` become ``-``, a name without an ending
        gets ``.html``, ``.md`` saves Markdown, and a path or another ending is refused (walk18 M3)."""
        try:
            return file_name(self.report_name.value, REPORT_KINDS, "html", example="team-audit-report.html",
                             unavailable=_NO_WORD)
        except ValueError as exc:
            raise ValueError(f"Report file name: {exc}. Nothing was saved.") from None

    def save_report(self) -> Path:
        """Write the full report (HTML, or Markdown for a ``.md`` name) and say where it went."""
        if self.result is None:
            raise ValueError("Load a survey first, then save the report.")
        name = self.report_file_name()
        target = (self.folder or Path.cwd()) / name.name
        existed = target.is_file()  # (written over only if it is an earlier report or export: walk28 H1)
        try:
            self.saved = write_report(self.result, target, name.fmt)
        except NotOurFile as exc:  # (a page or notes of the learner's own with this name: left as they are)
            raise ValueError(exc.saying(place(target), "nothing was saved", "type it in \u201cReport file name\u201d, "
                                        "then press \u201cSave the report as a web page\u201d again",
                                        maker="this course")) from None
        except OSError as exc:  # (in words, naming the file as the learner finds it, never /drive/...)
            raise ValueError(f"{os_problem(exc, place(target))}; nothing was saved.") from None
        self.report_name.value = name.name  # (the box shows the name the file was given)
        note = f" {name.note()}" if name.note() else ""
        if existed:
            note += f" It replaced the earlier {self.saved.name}."
        self.save_status.value = saved_message(f"Saved the report to {place(self.saved)}.{note}", self.saved)
        return self.saved
