"""What the learner sees in the browser edition: the lessons copied for the browser, the script
that runs a lesson when it opens, the script that saves notebooks without the places of widgets that
cannot be drawn again, and the plain-language landing page (``index.html``).

The lessons are copied with their kernel set to the browser's Python; the course files are never
changed. The journal is kept under ``my-journal/`` in the browser's storage.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from coplearn.cli.lab_hooks import PLACEHOLDER
from coplearn.site import SiteBuildError

# ---- the lessons and the run-on-open script ------------------------------------------------------

BROWSER_NOTE = """\
> **You are using the browser edition of this course.** Wait for the activities: they appear by
> themselves once Python has started in your browser (about half a minute the first time). Your
> journal and answers stay **in this web browser, on this device only**: to keep a copy, use
> **Download a copy of my journal** in lesson 11. The
> [course's front page](../index.html) lists every lesson.
>
> <details><summary>Help if something goes wrong</summary>
>
> - **Waiting.** Nothing is installed and nothing you write leaves this computer. Python takes about
>   half a minute to start the first time, and a few minutes on a slow computer or connection. While
>   it starts, the small sign beside **Python (Pyodide)** at the top right (on a narrow or zoomed
>   screen, under the **…** button there) shows that it is busy. If the activities have not appeared
>   once it is no longer busy, choose **Run → Run All Cells** from the menu (not before: the lesson
>   would run twice).
> - **Where your work is kept.** Your journal, and your answers in lessons 04, 06 and 11, are kept in
>   the folder `my-journal`, in this web browser on this device only. Clearing your browser's data
>   deletes them, and in a private (incognito) window they are deleted when you close the private
>   windows (in some private windows, such as Firefox's, they cannot be saved at all, and a line at the
>   foot of the page then says so).
> - **Without a connection.** Once a lesson has run, this browser also keeps a copy of the course
>   (about 50 MB): the lessons then open without an internet connection too, in this browser (not in
>   Firefox's private windows; in other private windows, only until they are closed).
> - **Text with `#` and `*` marks.** If a paragraph of the lesson turns into plain text with `#` and
>   `*` marks (a double click or Enter opens it for editing), press **Shift+Enter** to show it as
>   before; **Escape** leaves it. On a tablet, reload the page instead.
> - **"Click to show javascript error".** If an activity shows this (its part of the page did not
>   download), reload the page.
> - **Other lessons.** Each lesson but the last ends with a link to the next one.
> - **Printing.** Your browser prints only the part of a lesson on the screen. To print this lesson, or
>   save it as a PDF, open its [printable page](../printable/__LESSON__.html) (or press **Ctrl+P**, or
>   **Cmd+P** on a Mac, which opens it) and print that: it holds the lesson's text, with each activity
>   marked.
>
> </details>
"""

#: The note at the top of each exercise (assignment) in the browser edition (walk23 M3): nothing here
#: marks the answers or shows solutions, and a folder cannot be downloaded from JupyterLite, so the
#: learner is told to download the notebook and ``answers.json`` one by one.
EXERCISE_NOTE = """\
> **You are using the browser edition of this course.** Your answers are kept **in this web browser,
> on this device only** (the drop-down answers in `answers.json`, beside this notebook). To hand this
> assignment in, save it with **Ctrl + S** (**Cmd + S** on a Mac), then download **both** `{notebook}`
> and `answers.json` from the file list on the left (right-click each, then **Download**) and send both
> as your tutor asks. Without `answers.json` your drop-down answers are lost. The browser edition cannot
> mark your answers or show solutions.
"""

#: The exercise note as earlier builds of the site wrote it: a notebook downloaded from one is handed
#: in with it, and the grading step knows it too (coplearn.grading.sanitise, check23 #9).
EXERCISE_NOTES_BEFORE = ("""\
> **You are using the browser edition of this course.** Your answers are kept **in this web browser,
> on this device only** (the drop-down answers in `answers.json`, beside this notebook). To hand this
> assignment in, save it (**Ctrl + S**), then download **both** `{notebook}` and `answers.json`
> from the file list on the left (right-click each, then **Download**) and send both as your tutor
> asks. Without `answers.json` your drop-down answers are lost. The browser edition cannot mark your
> answers or show solutions.
""",)


def is_exercise_note(text: object, notebook: str) -> bool:
    """Whether ``text`` is, word for word, the note the browser edition puts at the top of the exercise
    ``notebook`` (its file name): :data:`EXERCISE_NOTE`, or the note of an earlier build. Only the
    line endings and the blank space around it may differ, so a student's own writing under the
    note's tag is never taken for it.

    >>> is_exercise_note(EXERCISE_NOTE.format(notebook="a1.ipynb").rstrip("\\n"), "a1.ipynb")
    True
    >>> is_exercise_note(EXERCISE_NOTE.format(notebook="a1.ipynb") + "My answer.", "a1.ipynb")
    False
    >>> is_exercise_note(EXERCISE_NOTE.format(notebook="a2.ipynb"), "a1.ipynb")
    False
    """
    if not isinstance(text, str) or len(text) > 2 * max(map(len, (EXERCISE_NOTE, *EXERCISE_NOTES_BEFORE))) + 1000:
        return False  # (far longer than any note: not one, and not copied three times over to find out, red team 27 M1)
    typed = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return any(typed == note.format(notebook=notebook).strip() for note in (EXERCISE_NOTE, *EXERCISE_NOTES_BEFORE))


#: Lesson sentences written for JupyterLab that would tell a learner in the browser the opposite of
#: the note above (reach 12 W13): (lessons, pattern, browser wording). Every pattern must be found in
#: every lesson it names, so that a changed lesson stops the build instead of shipping the old advice.
BROWSER_WORDING: list[tuple[str, str, str]] = [
    ("00 01 02 03 04 05 06 07 08 09 10 11",
     r"\*To use the activities on this page in JupyterLab, choose \*\*Run → Run All Cells\*\* from the menu"
     r"(?: at the top)?(?: \(with the keyboard: [^)\n]*\))?\. In the code-free app view they are ready already\.\*",
     "*In this browser edition the activities appear by themselves once Python has started: the note "
     "below says more.*"),
    ("00",
     r"The activities only appear once the page has been \*\*run\*\*\.\n\n- To run the whole page, choose "
     r"\*\*Run → Run All Cells\*\* from the menu at the top\. \(The toolbar\n  button that looks like a "
     r"fast-forward symbol does the same after restarting the kernel; it asks\n  you to confirm first\.\)\n",
     "The activities only appear once the page has been **run**. In this browser edition that happens by\n"
     "itself once Python has started in your browser (the note at the top of the page says more).\n\n"
     "- To run the whole page again, choose **Run → Run All Cells** from the menu at the top, once the\n"
     "  small sign beside **Python (Pyodide)** at the top right (on a narrow or zoomed screen, under the\n"
     "  **…** button there) shows that Python is no longer busy.\n"),
    ("00",
     r"The bottom of the window shows its state,\n  for example \*Python 3 \(ipykernel\) \| Idle\*\. If the page "
     r"stops responding, choose\n  \*\*Kernel → Restart Kernel and Run All Cells\*\*: nothing in your journal is lost\.",
     "Here it is Python running inside your\n  browser, named **Python (Pyodide)** at the top right, with "
     "a small sign beside it while it is busy.\n  If the page stops responding, choose **Kernel → Restart "
     "Kernel…**: the lesson then runs again by\n  itself, and nothing in your journal is lost."),
    ("00",  # (walk23 L3) there is no app view in the browser, and a folder cannot be downloaded from it
     r"1\. run a lesson in JupyterLab or in the code-free app view, and use",
     "1. run a lesson in this browser edition, and use"),
    ("00",
     r"- \*\*Graded exercises\*\* are different: save them \(\*\*File → Save\*\*, or \*\*Ctrl \+ S\*\*\) and submit them\n"
     r"  as your tutor explains\.\n",
     "- **Graded exercises** are different: save them (**File → Save**, or **Ctrl + S**). To hand one in\n"
     "  from this browser, download **both** its notebook and its `answers.json` (right-click each in the\n"
     "  file list, then **Download**) and send both as your tutor explains; the note at the top of each\n"
     "  exercise says more.\n"),
    ("00",  # the prompts are hidden in the browser edition's lesson view
     r"- While a cell is running, the bracket to its left shows \*\*\[\\\*\]\*\*\. When it has finished, the\n"
     r"  star becomes a number\.\n",
     ""),
    ("00",  # there is no terminal and no `coplearn app` in the browser
     r"If you would rather not see JupyterLab at all, the same lessons can run as plain web pages with\n"
     r"all the code hidden\. Open a terminal .*?give you a link to the app view instead\.\n",
     "On a computer with the course installed, `.venv/bin/coplearn app` (typed in a terminal in the course\n"
     "folder) shows the lessons as plain web pages with all the code hidden. This browser edition already\n"
     "shows each lesson much like that, and runs it by itself when it opens.\n"),
    ("00",
     r"\*\*Run → Run All Cells\*\* brings its\n  activities to life; \*\*Kernel → Restart Kernel and Run All "
     r"Cells\*\* starts it afresh\.",
     "In this browser edition it runs by\n  itself when it opens; **Kernel → Restart Kernel…** starts it "
     "afresh."),
    ("00",
     r"In this course the code cells\nare folded away: in JupyterLab you will see a thin bar with three dots \(\*\*…\*\*\) where one is\n"
     r"hidden\. You never need to open them, though you are welcome to look\.",
     "In this course the code cells\nare hidden: you see only the text and the activities."),
    ("00",
     r"; from a terminal in the\ncourse folder, `\.venv/bin/coplearn journal export` does the same\.",
     "."),
    ("00",  # (walk26 M-M1: the command, now written as it works, was left in the browser edition)
     r"; in a terminal in the course folder, `\.venv/bin/coplearn progress` shows the same\.",
     "."),
    ("00",  # (walk26 M-M1: each tool's button, then its command; the browser has the buttons only)
     r"Two tools are most useful to team managers\. Each is a button in a lesson, .*?"
     r"The app view has no\nterminal: use the buttons there\.\n",
     "Two tools are most useful to team managers:\n\n"
     "- **The team survey report** turns a team audit (the paper's Table 2, which you meet in lesson 06)\n"
     "  into a printable report with the team's strongest and weakest areas and an action plan. In lesson\n"
     "  06, use **Upload the survey CSV**, then **Save the report as a web page**.\n"
     "- **The CPD export** writes your journal entries as CPD records that you can print or attach to a\n"
     "  portfolio. In lesson 11, use **Export my journal**.\n\n"
     "On a computer with the course installed (not in this browser edition), each can also be run as a\n"
     "command in a terminal.\n"),
    ("00",
     r"\*\*Where it lives\.\*\* By default it is a file called `journal\.json` in a folder called `coplearn`\n"
     r"  in your home folder\..*?tells you where the journal is\.\n",
     "**Where it lives.** In this browser edition it is `my-journal/journal.json`, kept in this web\n"
     "  browser on this device (the note at the top of the page says more). The box below shows it.\n"
     "- **Keeping a copy.** In lesson 11, press **Download a copy of my journal** and use the link that\n"
     "  appears; lesson 11 also exports your entries as CPD records.\n"),
    ("00",
     r"- `\.venv/bin/coplearn app`, typed in a terminal in the course folder, shows the same lessons as\n"
     r"  code-free web pages\.\n- Your reflective journal is a private file\. `cl\.default_journal_path\(\)` \(or\n"
     r"  `\.venv/bin/coplearn journal path`\) says where it is, and the `COPLEARN_JOURNAL` setting moves it\.",
     "- Your reflective journal is kept in this browser, in `my-journal/journal.json`: lesson 11's\n"
     "  **Download a copy of my journal** gives you a copy to keep."),
    ("11",  # the browser edition offers no Word format and has no terminal (walk16 F7; check 16 M4)
     r"Choose a format and export\. A Word document or web page is easy to read and print, and is the best\n"
     r"format to copy from into your online account; Markdown is plain text for programs that read it, and\n"
     r"shows a few marks \(a \\ before some characters\) when pasted elsewhere\.",
     "Choose a format and export. A web page is easy to read and print, opens in Word too, and is the best\n"
     "format to copy from into your online account; Markdown is plain text for programs that read it, and\n"
     "shows a few marks (a \\ before some characters) when pasted elsewhere."),
    ("11",
     r"as a Word document, web page or Markdown file you can attach",
     "as a web page or Markdown file you can attach"),
    ("11",
     r"If you prefer a terminal \(\*\*File → New → Terminal\*\*\), type\n"
     r"`\.venv/bin/coplearn journal export --format docx -o my-cpd-records\.docx`; it does the same, writing the\n"
     r".*?leave `\.venv/bin/` out\. Before you submit",
     "Before you submit"),
    ("06",  # no terminal in the browser: the loader below does the same (walk16 F4)
     r"From a terminal, one command turns the file into a report you can print or share with the team\.\n"
     r"Name the survey file `responses\.csv` and put it beside this lesson .*?"
     r"```bash\n\.venv/bin/coplearn audit report course/responses\.csv -o report\.html\n```\n\n"
     r"The report shows",
     "The loader below turns the file into a report you can print or share with the team (on a computer\n"
     "with the course installed, `.venv/bin/coplearn audit report` does the same from a terminal in the\n"
     "course folder). The report shows"),
    ("06",
     r"\n\nYou can also do the same here, with no terminal \(the way to do it in the code-free app view, "
     r"which\nhas none\)\. The loader below opens",
     "\n\nIt opens"),
    ("06",
     r"The audit is most useful when the whole team answers: the survey loader turns a survey file into\n"
     r"  a report \(so does `\.venv/bin/coplearn audit report`, typed in a terminal in the course folder\)\.",
     "The audit is most useful when the whole team answers: the survey loader above turns a survey\n"
     "  file into a report."),
]


def _browser_wording(nb: dict, number: str, name: str) -> None:
    import re

    for where, pattern, words in BROWSER_WORDING:
        if number not in where.split():
            continue
        found = False
        for cell in nb.get("cells", []):
            if cell.get("cell_type") != "markdown":
                continue
            text = "".join(cell.get("source", []))
            changed, count = re.subn(pattern, lambda _m: words, text, flags=re.DOTALL)
            if count:
                found = True
                cell["source"] = changed.splitlines(keepends=True)
        if not found:
            raise SiteBuildError(f"{name} no longer has the JupyterLab wording the browser edition replaces "
                                 f"({pattern[:60]}...): update BROWSER_WORDING in coplearn/site/pages.py")


def browser_copy(nb_path: Path, dest: Path, note: bool, exercise: bool = False) -> dict:
    """Copy a notebook for the browser: Pyodide's kernel, no outputs, an optional note after the first
    cell (lessons: ``BROWSER_NOTE``, and the browser's wording in place of JupyterLab's:
    ``BROWSER_WORDING``; exercises, ``exercise=True``: ``EXERCISE_NOTE``)."""
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    if note:
        _browser_wording(nb, nb_path.name[:2], nb_path.name)
    nb.setdefault("metadata", {})["kernelspec"] = {"name": "python", "display_name": "Python (Pyodide)",
                                                   "language": "python"}
    nb["metadata"].pop("widgets", None)
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    if note or exercise:
        text = (BROWSER_NOTE.replace("__LESSON__", nb_path.stem) if note
                else EXERCISE_NOTE.format(notebook=nb_path.name))
        cell = {"cell_type": "markdown", "id": "coplearn-browser-edition", "metadata": {"tags": ["coplearn-browser-note"]},
                "source": text.splitlines(keepends=True)}
        if nb.get("nbformat", 4) == 4 and nb.get("nbformat_minor", 0) < 5:
            cell.pop("id")
        nb["cells"].insert(1 if nb.get("cells") else 0, cell)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return nb


@dataclass(frozen=True)
class Lesson:
    number: str
    slug: str
    title: str
    minutes: int | None


def lessons(course: Path) -> list[Lesson]:
    from coplearn.core.data import load

    out = []
    for item in load("course.toml")["lesson"]:
        path = course / f"{item['slug']}.ipynb"
        if not path.exists():
            raise SiteBuildError(f"the course lists {path.name}, which is not in {course}")
        meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get("coplearn", {})
        out.append(Lesson(item["number"], item["slug"], item["title"], meta.get("minutes")))
    return out


def stage_contents(root: Path, files: Path) -> list[Lesson]:
    """Copy what the learner sees in the file list into ``files``."""
    course = root / "course"
    found = lessons(course)
    for lesson in found:
        browser_copy(course / f"{lesson.slug}.ipynb", files / "course" / f"{lesson.slug}.ipynb", note=True)
    exercises = root / "exercises"
    if exercises.is_dir():
        for nb in sorted(exercises.rglob("*.ipynb")):
            if ".ipynb_checkpoints" in nb.parts:
                continue
            browser_copy(nb, files / "exercises" / nb.relative_to(exercises), note=False, exercise=True)
        for other in sorted(exercises.rglob("*")):
            if other.is_file() and other.suffix != ".ipynb" and ".ipynb_checkpoints" not in other.parts:
                dest = files / "exercises" / other.relative_to(exercises)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(other, dest)
    examples = root / "examples"
    if examples.is_dir():
        shutil.copytree(examples, files / "examples", ignore=shutil.ignore_patterns("*.lock", ".*"))
    guides = files / "guides"
    guides.mkdir(parents=True, exist_ok=True)
    for name in ("learner-guide.md", "team-manager-guide.md", "accessibility.md"):
        src = root / "docs" / name
        if src.exists():
            shutil.copy2(src, guides / name)
    journal_dir = files / "my-journal"
    journal_dir.mkdir(parents=True, exist_ok=True)
    (journal_dir / "README.md").write_text(
        "# Your journal\n\nYour reflective journal is saved here as `journal.json` when you save your first\n"
        "reflection. It is kept in this web browser, on this device only: nothing is sent anywhere.\n\n"
        "To keep a copy, press **Download a copy of my journal** in lesson 11, then the **Download journal.json**\n"
        "link that appears (or right-click `journal.json` in the file list and choose **Download**); lesson 11\n"
        "also exports your entries as CPD records. Clearing the\n"
        "browser's data for this site deletes the journal.\n\n"
        "To carry on on another device, open lesson 11 there and use **Bringing in a journal kept elsewhere**:\n"
        "it adds your entries to the journal on that device. Do not upload `journal.json` over the journal\n"
        "there: that would replace the entries it holds.\n\n"
        "The `journal-answers-...json` files keep your answers in the lesson 04 culture profile, the lesson 06\n"
        "team audit and the lesson 11 leadership plan, and reflections you have started, so that they are\n"
        "filled in again when you come back.\n",
        encoding="utf-8")
    return found


#: Injected into the Notebook page. A lesson (course/*.ipynb) shows as an app (its code cells are
#: all collapsed in the course: their placeholders and the execution prompts are hidden too) and runs
#: all its cells as soon as its Python is ready, so that the activities appear without the learner
#: knowing about "Run All". Robust to: a reload or a second tab (each page has its own kernel and
#: runs once), a kernel that is busy when the page opens (it waits for idle; Run All then queues),
#: a kernel restart (it runs the lesson again), a slow first visit (it says at once, quietly, that
#: Python is starting (walk23 L1), waits up to ten minutes, and says so after 30 s (walk18 L6: 90 s left
#: a slow line silent too long), or at once when the connection drops), a browser without the site's service
#: worker (said at once, or after 30 s when one was refused). A lesson is never saved into the
#: browser's storage. ``data-coplearn-ran="yes"`` and ``data-coplearn-runs`` on <html> say that (and
#: how often) it ran; ``data-coplearn-files`` whether the service worker serves the page;
#: ``data-coplearn-kept`` whether the service worker has kept the site for a return without a connection.
RUN_ON_OPEN = """<style id="coplearn-lesson-view">
  /* the prompt's click-to-collapse overlay would otherwise lie over the left edge of the activities */
  body.coplearn-lesson .jp-CodeCell .jp-InputPlaceholder, body.coplearn-lesson .jp-OutputArea-promptOverlay,
  body.coplearn-lesson .jp-InputPrompt, body.coplearn-lesson .jp-OutputPrompt { display: none; }
  /* long addresses and commands in the lesson text wrap on a narrow screen (WCAG 1.4.10) */
  body.coplearn-lesson .jp-RenderedMarkdown a[href],
  body.coplearn-lesson .jp-RenderedMarkdown :not(pre) > code { overflow-wrap: anywhere; }
  /* shown only on paper: where the whole lesson prints (see "Printing" below) */
  #coplearn-print-note { display: none; }
  @media print { #coplearn-print-note { display: block; font: bold 12pt sans-serif; margin: 0 0 1em; } }
</style>
<script id="coplearn-run-on-open">
(function () {
  var path = new URLSearchParams(window.location.search).get("path") || "";
  if (!/^course\\/[^/]+\\.ipynb$/.test(path)) return;
  document.body.classList.add("coplearn-lesson");
  // A right-click, or a long press on a touch screen, in a lesson gives the browser's own menu (Cut, Copy, Paste),
  // not JupyterLab's notebook menu, which has no Paste and whose "Delete Cell" removed the activity (walk27 M4):
  // the event stops here, before JupyterLab's listener sees it.
  window.addEventListener("contextmenu", function (ev) { ev.stopPropagation(); }, true);
  // Printing: the browser prints only the part of a lesson drawn on the screen (walk27 M5). Ctrl+P (or
  // Cmd+P) opens the lesson's printable page in a new tab instead, and a print from the browser's own
  // menu puts a line at the top of the paper saying where the whole lesson can be printed.
  var printable = new URL("../printable/" + path.slice("course/".length).replace(/\\.ipynb$/, ".html"),
                          window.location.href).href;
  window.addEventListener("keydown", function (ev) {
    if ((ev.ctrlKey || ev.metaKey) && !ev.altKey && !ev.shiftKey && (ev.key === "p" || ev.key === "P")) {
      ev.preventDefault();
      ev.stopImmediatePropagation();
      window.open(printable, "_blank", "noopener");
    }
  }, true);
  var printNote = document.createElement("p");
  printNote.id = "coplearn-print-note";
  printNote.textContent = "This prints only part of the lesson. To print all of it, or save it as a PDF, " +
    "print its printable page: " + printable;
  document.body.insertBefore(printNote, document.body.firstChild);
  var root = document.documentElement, started = Date.now(), running = false, runs = 0;
  // the page's list of what it loaded (below, keepForOffline) holds 250 files unless asked for more
  if (window.performance && performance.setResourceTimingBufferSize) { performance.setResourceTimingBufferSize(5000); }
  // Can this site keep anything? With site data blocked (a setting, a managed computer, some private
  // windows) a lesson cannot open at all, and JupyterLite says only "No available storage method
  // found". Said here in plain words too, for a lesson opened from a link (reach 12 W4, W12). And is
  // there room? With the browser's storage for the site full, opening a database still works (nothing
  // is written) but the lesson fails with JupyterLite's empty "File Load Error": the check writes and
  // deletes a small record, and a write refused for want of room (QuotaExceededError) is said as "full"
  // (walk23 H1), as is the lesson failing to load for want of room (watchLoad, below); any other
  // refusal is said as one (check23 #6).
  var STORAGE_FULL = "This browser has no room left to keep the course's files on this device (its storage " +
    "for this site is full, or it refuses to keep more), so this lesson may not open, and nothing you do in it " +
    "can be saved here. Your journal is still there: nothing has been deleted. Free some space on this computer " +
    "(or ask your IT support to), or use another browser or computer. To keep a copy of your journal, download " +
    "my-journal/journal.json from All the course files on the course's front page (right-click it, then " +
    "Download), or export it in lesson 11 once the lessons open again.";
  function warnAtTop(text, kind) {
    var box = document.getElementById("coplearn-storage-warning");
    if (!box) {
      box = document.createElement("div");
      box.id = "coplearn-storage-warning";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;top:0;left:0;right:0;z-index:100000;padding:1em;background:#fff;" +
        "color:#000;border-bottom:4px solid #b35900;font:16px/1.5 sans-serif";
      document.body.insertBefore(box, document.body.firstChild);
    }
    box.setAttribute("data-coplearn-kind", kind);
    box.textContent = text;
    var hide = document.createElement("button");  // (it lies over the top of the page)
    hide.type = "button";
    hide.textContent = "Hide this message";
    hide.style.cssText = "margin-left:1em;font:inherit;padding:0.1em 0.6em;cursor:pointer";
    hide.addEventListener("click", function () { if (box.parentNode) { box.parentNode.removeChild(box); } });
    box.appendChild(hide);
  }
  function refused(why) {
    root.setAttribute("data-coplearn-storage", "refused: " + why);
    if (document.getElementById("coplearn-storage-warning")) return;
    warnAtTop("This browser is not letting the course keep anything on this device (site data " +
      "blocked by a setting or by your organisation, or some private windows), so this lesson cannot " +
      "open here. Allow this site to store data, or use the course on another computer or the desktop course.",
      "refused");
  }
  function storageFull(why) {
    root.setAttribute("data-coplearn-storage", "full: " + why);
    warnAtTop(loadFailed ? STORAGE_FULL.replace("may not open, and nothing you do in it can be saved here",
                                                 "cannot open here") : STORAGE_FULL, "full");
    var line = document.getElementById("coplearn-start-status");  // ("still starting ... check your connection")
    if (line && !/^(files|parts|app)$/.test(line.getAttribute("data-coplearn-kind"))) { line.parentNode.removeChild(line); }
  }
  function isFull() { return /^full/.test(root.getAttribute("data-coplearn-storage") || ""); }
  // answer("ok" | "full" | "refused", why), once
  function checkStorage(answer) {
    var NAME = "coplearn-storage-check", answered = false, waitedOut = false;
    function once(result, why) {
      // (a database that answers after the wait below: "ok" is still said, and the warning goes)
      if (!answered || (waitedOut && result === "ok")) { answered = true; waitedOut = false; answer(result, why); }
    }
    function forget(db) {
      try { db.close(); } catch (err) { /* closed already */ }
      try { window.indexedDB.deleteDatabase(NAME); } catch (err) { /* a check, not something to keep */ }
    }
    // "full" only when the browser says so (QuotaExceededError); any other refusal of the write (a
    // damaged store, InvalidStateError...) is said as a refusal, not as a lack of room (check23 #6)
    function refusedWrite(error) {
      var name = (error && error.name) || "write refused";
      if (name === "QuotaExceededError") { once("full", name); } else { once("refused", name); }
    }
    try {
      // (version 2: a version-1 database left without the "check" store, by an earlier site's check
      // whose deleteDatabase never ran, is upgraded here instead of failing the write: check23 #6)
      var request = window.indexedDB.open(NAME, 2), upgrade = null;
      request.onupgradeneeded = function () {
        upgrade = request.transaction;
        if (!request.result.objectStoreNames.contains("check")) { request.result.createObjectStore("check"); }
      };
      request.onerror = function () {
        var error = (upgrade && upgrade.error) || request.error;
        if (error && error.name === "QuotaExceededError") { once("full", error.name); } else { once("refused", "indexedDB"); }
      };
      request.onsuccess = function () {
        var db = request.result;
        try {
          var write = db.transaction("check", "readwrite");
          write.objectStore("check").put(new Array(1025).join("x"), "room");  // about 1 kB
          write.oncomplete = function () {
            var remove = db.transaction("check", "readwrite");
            remove.objectStore("check").delete("room");
            remove.oncomplete = remove.onabort = function () { forget(db); once("ok"); };  // (written: there was room)
          };
          write.onabort = function () { forget(db); refusedWrite(write.error); };
        } catch (err) { forget(db); refusedWrite(err); }
      };
      setTimeout(function () { if (!answered) { once("refused", "no answer from indexedDB"); waitedOut = true; } }, 30000);
    } catch (err) { once("refused", "indexedDB"); }
  }
  checkStorage(function (result, why) {
    if (result === "full") { storageFull(why); return; }
    if (result === "refused") { refused(why); return; }
    if (isFull()) return;  // (the lesson failed to load for want of room meanwhile)
    root.setAttribute("data-coplearn-storage", "ok");
    var box = document.getElementById("coplearn-storage-warning");  // (an answer after the wait)
    if (box && box.getAttribute("data-coplearn-kind") === "refused") { box.parentNode.removeChild(box); }
  });
  // The lesson failing to load: JupyterLite's "File Load Error" dialog (with nothing in it), or a
  // QuotaExceededError from its contents or state database, which it only writes to the console
  // ("Failed to initialize the context with 'notebook' ... QuotaExceededError"). Said in plain words
  // instead of "still starting ... check your internet connection" (walk23 H1).
  // Once the lesson has opened (its Python session started, which JupyterLab does only once the
  // notebook is loaded and its first checkpoint kept: data-coplearn-opened), a QuotaExceededError or
  // an error dialog is not the lesson failing to open: the first check has said the storage is full,
  // and the lesson stays open (check23 #5: autosave or the state database during a long first run).
  var loadFailed = false, opened = false;
  function lessonOpened() {
    if (opened) return;
    opened = true;
    root.setAttribute("data-coplearn-opened", "yes");
  }
  function failedToLoad(why) {
    if (loadFailed || runs || opened) return;
    loadFailed = true;
    root.setAttribute("data-coplearn-load-failed", why);
    if (/QuotaExceeded/.test(why)) { storageFull(why); return; }
    checkStorage(function (result, found) {  // (the room may have run out since the page opened)
      if (result === "full") { storageFull(found); return; }
      if (result === "refused") { refused(found); return; }
      say("This lesson could not be opened from this browser's storage. Reload the page (your journal is " +
          "kept). If it keeps happening, use another browser or computer, or the desktop course.", "alert");
    });
  }
  function quotaIn(args) {
    return Array.prototype.some.call(args, function (a) {
      try { return !!a && ((a.name === "QuotaExceededError") || /QuotaExceededError/.test(String(a))); } catch (err) { return false; }
    });
  }
  (function watchLoad() {
    var error = console.error;
    console.error = function () {
      if (!runs && !opened && !loadFailed && quotaIn(arguments)) { failedToLoad("QuotaExceededError"); }
      return error.apply(this, arguments);
    };
    window.addEventListener("unhandledrejection", function (event) {
      if (!runs && !opened && quotaIn([event.reason])) { failedToLoad("QuotaExceededError"); }
    });
    var watch = setInterval(function () {
      if (runs || opened || loadFailed || Date.now() - started > 600000) { clearInterval(watch); return; }
      var dialogs = document.querySelectorAll(".jp-Dialog");
      for (var i = 0; i < dialogs.length; i++) {
        if (/File Load Error/.test(dialogs[i].textContent || "")) { failedToLoad("File Load Error"); return; }
      }
    }, 500);
  })();
  // A slow start, a connection that drops while Python downloads, and a browser that will not run the
  // site's file helper (a service worker) are said in plain words in one line at the foot of the page
  // (it lies over the page, so nothing moves): reach 12 W1, W5. Tests shorten the waits.
  var slowAfter = window.COPLEARN_SLOW_START_MS || 30000, giveUpAfter = window.COPLEARN_GIVE_UP_MS || 600000;
  var held = null;  // the last line that stays (a failure), said again should the file helper's line cover it
  // the "page stopped loading" line, once the app is there after all (it is no longer true)
  function forgetAppLine() {
    var box = document.getElementById("coplearn-start-status");
    if (box && box.getAttribute("data-coplearn-kind") === "app" && window.jupyterapp) { box.parentNode.removeChild(box); }
  }
  function say(text, kind) {
    forgetAppLine();
    var box = document.getElementById("coplearn-start-status");
    if (box && box.getAttribute("data-coplearn-kind") === "files" && kind !== "files") return;  // it says more
    if (box && /^(parts|app)$/.test(box.getAttribute("data-coplearn-kind")) && kind !== "files") return;  // it stays
    if (box && box.getAttribute("data-coplearn-kind") === "alert" && kind !== "alert" && kind !== "files") return;
    if (!box) {
      box = document.createElement("div");
      box.id = "coplearn-start-status";
      box.style.cssText = "position:fixed;bottom:0;left:0;right:0;z-index:100000;padding:0.75em 1em;" +
        "background:#fff;color:#000;border-top:4px solid #0072b2;font:16px/1.5 sans-serif";
      document.body.appendChild(box);
    }
    if (/^(alert|parts)$/.test(kind)) { held = [text, kind]; }
    box.setAttribute("role", /^(alert|parts|app)$/.test(kind) ? "alert" : "status");
    box.setAttribute("data-coplearn-kind", kind);
    box.style.borderTopWidth = kind === "starting" ? "1px" : "4px";  // (the first, quiet line)
    box.textContent = text;
    if (/^(alert|parts|app|files)$/.test(kind)) {
      // a line that stays lies over the foot of the lesson: the learner can put it away once read
      var hide = document.createElement("button");
      hide.type = "button";
      hide.textContent = "Hide this message";
      hide.style.cssText = "margin-left:1em;font:inherit;padding:0.1em 0.6em;cursor:pointer";
      hide.addEventListener("click", function () {
        root.setAttribute("data-coplearn-status-hidden", kind);
        if (box.parentNode) { box.parentNode.removeChild(box); }
      });
      box.appendChild(hide);
    }
  }
  function unsay() {
    var box = document.getElementById("coplearn-start-status");
    var kind = box && box.getAttribute("data-coplearn-kind");
    if (box && !/^(files|parts|app)$/.test(kind)) { box.parentNode.removeChild(box); }
  }
  // Python runs in a web worker of the page's own. If that worker fails before the lesson has run (a
  // file of Python's cut off: a connection that dropped for a moment, or a rebuilt site's service worker
  // taking over while the page was loading), the kernel never starts and the page would only wait. The
  // page then reloads once by itself, which starts it; a second failure within five minutes is said in
  // plain words instead (data-coplearn-python-restarted says which). The same is done when a part of
  // the page the activities need (the widgets, the charts) failed to load: JupyterLite starts without
  // it, and the lesson would show lines such as "VBox(children=...)" instead of its activities (CI
  // stop 37: the widgets' file failed to load once in a full test run).
  var RESTARTED_KEY = "coplearn-python-restarted:" + path, RETRY_MS = 300000;
  // (what failed is kept with the time: "twice in a row" only when the same kind failed twice)
  function tryThis(kind) {
    return " Check your internet connection and reload the page (your journal is kept). " +
      (kind === "parts" ? "If the activities still do not appear" : "If it still does not start") +
      ", try another browser or the desktop course.";
  }
  function startFailed(why, twice, once, kind, afterRun) {
    if (!afterRun && (runs || running)) return false;
    var said = root.getAttribute("data-coplearn-python-restarted");
    if (said) {
      // a reload is under way, or a failure was already said: a different one is said too, without
      // reloading again (the page's app came at last, without the widgets: check21 #1)
      if (said.indexOf("failed") === 0 && (kind || "python") !== (root.getAttribute("data-coplearn-failed-kind") || "python")) {
        root.setAttribute("data-coplearn-failed-kind", kind || "python");
        say(once + tryThis(kind), kind || "alert");
      }
      return false;
    }
    if (navigator.onLine === false) {
      // offline: a reload now would show the browser's "no connection" page instead of the lesson;
      // it is done when the connection is back (the offline line at the foot of the page says so)
      if (!root.hasAttribute("data-coplearn-reload-when-online")) {
        root.setAttribute("data-coplearn-reload-when-online", why);
        window.addEventListener("online", function () { startFailed(why, twice, once, kind, afterRun); }, { once: true });
      }
      return false;
    }
    var before = 0, remembered = true, same = true, what = kind || "python";
    try {
      var kept = String(window.sessionStorage.getItem(RESTARTED_KEY) || "0").split("|");
      before = Number(kept[0]) || 0;
      same = (kept[1] || "python") === what;
      if (Date.now() - before >= RETRY_MS) { window.sessionStorage.setItem(RESTARTED_KEY, Date.now() + "|" + what); }
    } catch (err) { remembered = false; }  // (site data blocked: a reload could not tell it had been tried)
    if (!remembered || Date.now() - before < RETRY_MS) {
      root.setAttribute("data-coplearn-python-restarted", (remembered ? "failed again: " : "failed: ") + why);
      root.setAttribute("data-coplearn-failed-kind", what);
      say((remembered && same ? twice : once) + tryThis(kind), kind || "alert");
      return false;
    }
    root.setAttribute("data-coplearn-python-restarted", "reloading: " + why);
    console.warn("coplearn: " + why + ": reloading the page once");
    window.location.reload();
    return true;
  }
  function pythonFailed(why) {
    startFailed("Python's worker failed before the lesson ran (" + why + ")",
                "Python failed to start in your browser twice in a row.", "Python failed to start in your browser.");
  }
  // JupyterLite builds its app only once every one of its parts has loaded: a part whose download
  // stalls (no answer, no error: a flaky connection or proxy) leaves the page blank for ever, with
  // only "still starting" said (the test run's "app never appears" hangs, ci-s43 and ci-s46, may have
  // been such a stall). When no app has appeared after two minutes and nothing more has finished
  // downloading for three (the page only learns of a file once it has come in whole: a slow connection
  // bringing the largest part, 1.5 MB, at about 8 kB/s or more still finishes one within that), the
  // page reloads once as above, and a second time says so. Should the app appear after all, that
  // line goes (check21 #1).
  var appWait = window.COPLEARN_APP_WAIT_MS || 120000, appQuiet = window.COPLEARN_APP_QUIET_MS || 180000;
  var appFired = false;
  var appWatch = setInterval(function () {
    if (window.jupyterapp || runs || running) {
      clearInterval(appWatch);
      forgetAppLine();
      return;
    }
    if (appFired || Date.now() - started < appWait || !window.performance || !performance.getEntriesByType) return;
    var last = 0;
    performance.getEntriesByType("resource").forEach(function (e) { last = Math.max(last, e.responseEnd || 0); });
    if (performance.now() - last < appQuiet) return;
    appFired = true;
    root.setAttribute("data-coplearn-app-stalled", String(Math.round(performance.now() - last)));
    startFailed("the page stopped loading before its app appeared", "The course's page stopped loading in your " +
                "browser twice in a row.", "The course's page stopped loading in your browser.", "app");
  }, 1000);
  //: What the activities need of the page, by the start of their plugins' names (the versions change).
  var NEEDED = [["@jupyter-widgets/jupyterlab-manager:plugin", "the widgets"],
                ["@jupyter-widgets/jupyterlab-manager:controls-", "the widgets' controls"],
                ["@jupyterlab/plotly-extension:", "the charts"]];
  var PARTS_TWICE = "The lesson's activities failed to load in your browser twice in a row.",
      PARTS_ONCE = "The lesson's activities failed to load in your browser.";
  // The widgets' controls are a file of their own, loaded when the first activity is drawn: if it
  // failed to load, every activity shows only "Click to show javascript error." The page then reloads
  // once as above (the lesson has only just run: nothing of the learner's is lost).
  function checkDrawn() {
    var looks = 0;
    (function look() {
      if (document.querySelector(".jp-OutputArea .jupyter-widgets-error-widget")) {
        root.setAttribute("data-coplearn-missing", "the widgets' controls");
        startFailed("the activities could not be drawn (the widgets' controls did not load)", PARTS_TWICE, PARTS_ONCE,
                    "parts", true);
        return;
      }
      looks += 1;
      if (looks < 60) { setTimeout(look, 500); }  // (30 s: a slow computer draws the activities late)
    })();
  }
  function missingParts(app) {
    if (!app.listPlugins) return [];
    var have = app.listPlugins();
    return NEEDED.filter(function (need) {
      return !have.some(function (id) { return id.indexOf(need[0]) === 0; });
    }).map(function (need) { return need[1]; });
  }
  if (window.Worker && window.Proxy && window.Reflect) {
    window.Worker = new Proxy(window.Worker, { construct: function (target, args, newTarget) {
      var worker = Reflect.construct(target, args, newTarget);
      worker.addEventListener("error", function (event) {
        pythonFailed((event && event.message) || "the worker's script could not be loaded");
      });
      return worker;
    } });
  }
  var STILL_STARTING = "The lesson is still getting ready: Python is still starting in your browser. " +
    "On a slow computer or connection this can take a few minutes, and the activities then appear by " +
    "themselves. If the activities have still not appeared after five more minutes, check your internet " +
    "connection and reload the page: your journal is kept.";
  // Until then a first visit showed only the small busy circle at the top right for half a minute: a
  // quiet line says at once that Python is starting (a polite status: no alert, and it takes no focus),
  // replaced by the lines above as they come, and gone once the lesson runs (walk23 L1). Its box being
  // there from the start also lets a screen reader hear those later lines as they replace it.
  // It names the lesson first, then Python (the word the lesson's own note and the failure lines
  // use) and what Python is for there (docs24 #15).
  say("The lesson is getting ready: Python, which runs its activities, is starting in your browser " +
      "(about half a minute the first time). The activities then appear by themselves.", "starting");
  setTimeout(function () {
    if (!runs && !running && navigator.onLine !== false && !isFull() && !loadFailed) { say(STILL_STARTING, "slow"); }
  }, slowAfter);
  window.addEventListener("offline", function () {
    if (!runs && !running) {
      say("Your internet connection dropped while the lesson was loading. If the activities do not appear " +
          "within a minute, reload the page when the connection is back: your journal is kept.", "offline");
    }
  });
  window.addEventListener("online", function () {
    var box = document.getElementById("coplearn-start-status");
    if (!runs && box && box.getAttribute("data-coplearn-kind") === "offline") {
      say("Your connection is back. If the activities do not appear within a minute, reload the page.", "online");
    }
  });
  // The site gives the lesson's Python its files (the journal, the saved answers) through a service
  // worker, which takes over the page within a few seconds of a first visit. Where the browser has no
  // service workers (Firefox's private windows, plain http from another computer) the lessons run but
  // nothing can be saved; where it refuses or loses the one the site registers (a policy, a proxy),
  // Python never starts. Both are said at once instead of leaving a page that only waits.
  var fileHelperWait = window.COPLEARN_FILE_HELPER_MS || 30000;
  function fileHelperRefused(why, text) {
    root.setAttribute("data-coplearn-files", "refused: " + why);
    say(text, "files");
    document.getElementById("coplearn-start-status").setAttribute("role", "alert");
  }
  (function checkFileHelper() {
    var sw = navigator.serviceWorker, waited = 0;
    if (!window.isSecureContext || !sw) {
      fileHelperRefused("no service workers here", "This browser is not letting the course run its file " +
        "helper (a service worker): this happens in some private windows, such as Firefox's, or on a site opened over plain " +
        "http from another computer. The activities work, but your journal and answers cannot be saved here. " +
        "Use an ordinary (not private) window, ask for the site's https:// address, or use the desktop course.");
      return;
    }
    (function look() {
      if (sw.controller) {
        root.setAttribute("data-coplearn-files", "ok");
        var box = document.getElementById("coplearn-start-status");  // (it started after the wait below)
        if (box && box.getAttribute("data-coplearn-kind") === "files") {
          box.parentNode.removeChild(box);
          if (held) { say(held[0], held[1]); }  // what it had covered (the page's parts failed ...) is said again
        }
        return;
      }
      // (JupyterLite's app starts the file helper: the wait counts once the app is there, so that a page
      // whose parts are still loading, or stalled, is not told the helper was refused: check21 #1)
      if (window.jupyterapp) { waited += 500; }
      if (waited >= fileHelperWait && !root.hasAttribute("data-coplearn-files")) {
        fileHelperRefused("not started", "The course's file helper (a service worker) has not started, so " +
          "Python cannot start and the activities cannot appear. Reload the page. If this keeps happening, this browser or your " +
          "organisation may be blocking service workers: try another browser, or the desktop course.");
      }
      if (waited < 600000) { setTimeout(look, 500); }
    })();
  })();
  // ask the browser not to clear the journal when the disk runs low (or, in Safari, after seven days)
  if (navigator.storage && navigator.storage.persist) {
    navigator.storage.persist().then(function (granted) {
      root.setAttribute("data-coplearn-persisted", String(granted)); }, function () {});
  }
  // Once the lesson has run, the site's service worker (coplearn/site/offline.py) is asked to keep
  // what the page loaded, with Python's files and every lesson, so that the lessons open again in
  // this browser without a connection (reach 12 W14). data-coplearn-kept says how it went.
  function keepForOffline() {
    var sw = navigator.serviceWorker;
    if (!sw || !sw.controller || !window.performance || !performance.getEntriesByType) {
      root.setAttribute("data-coplearn-kept", "no service worker");
      return;
    }
    sw.addEventListener("message", function (event) {
      var d = event.data;
      if (d && d.coplearn === "kept") {
        root.setAttribute("data-coplearn-kept", "done: " + d.kept + " kept, " + d.added + " added, " + d.failed + " failed");
      }
    });
    var urls = [window.location.href].concat(performance.getEntriesByType("resource").map(function (e) { return e.name; }));
    sw.controller.postMessage({ coplearn: "keep", urls: urls });
    root.setAttribute("data-coplearn-kept", "asked");
  }
  // Answers a learner gives quickly are kept a moment later, in one write (coplearn.widgets KeptSoon,
  // which shows "Keeping your answers..." with the class coplearn-unsaved meanwhile). While one waits,
  // or Python is still busy with what the learner did, closing or reloading the tab asks first (walk18
  // H1: the last ratings of a quick run were lost without a word). Only once the lesson has run: its
  // first run is not the learner's work.
  function guardUnsaved(w) {
    window.addEventListener("beforeunload", function (event) {
      // not while the lesson runs itself again (after a restart), nor once Python has stopped: nothing
      // of the learner's is then waiting that a reload could lose (check18 L1)
      var session = w.sessionContext && w.sessionContext.session, kernel = session && session.kernel;
      if (running || !kernel || kernel.status === "dead" || kernel.connectionStatus !== "connected") return;
      var busy = kernel.status === "busy";
      if (document.querySelector(".coplearn-unsaved") || busy) {
        root.setAttribute("data-coplearn-asked-to-stay", busy ? "busy" : "unsaved");
        event.preventDefault();
        event.returnValue = "";
        return "";
      }
    });
  }
  function runAll(app, w) {
    if (running) return;
    running = true;
    lessonOpened();
    // Run All moves to the last cell and follows the cells as they run, which made the page jump
    // under a learner already reading (reach 12 W8: scrolled down the page, then to the end, then back,
    // for as long as the lesson ran). While it runs, the page stays where the learner put it: a scroll
    // within a moment of the learner's own wheel, touch, key or pointer is theirs and is kept, any
    // other is undone.
    var nb = w.content, index = nb.activeCellIndex;
    var scroller = nb.node.querySelector(".jp-WindowedPanel-outer") || nb.node;
    var top = scroller.scrollTop, userAt = 0;
    function theirs() { userAt = Date.now(); }
    function pin() {
      if (Date.now() - userAt < 1000) { top = scroller.scrollTop; }
      else if (Math.abs(scroller.scrollTop - top) > 1) { scroller.scrollTop = top; }
    }
    var inputs = ["wheel", "touchstart", "touchmove", "keydown", "pointerdown"];
    inputs.forEach(function (t) { document.addEventListener(t, theirs, { capture: true, passive: true }); });
    scroller.addEventListener("scroll", pin, { passive: true });
    function unpin() {
      scroller.removeEventListener("scroll", pin);
      inputs.forEach(function (t) { document.removeEventListener(t, theirs, { capture: true }); });
    }
    unsay();
    app.commands.execute("notebook:run-all-cells").then(function () {
      nb.activeCellIndex = index;
      nb.mode = "command";
      unpin();
      scroller.scrollTop = top;
      // The outputs are the kernel's, not the learner's work: do not save them into the browser's
      // copy of the lesson (a reopened lesson would show stale widgets), and do not ask "leave page?".
      if (w.context && w.context.model) { w.context.model.dirty = false; }
      runs += 1;
      root.setAttribute("data-coplearn-runs", String(runs));
      root.setAttribute("data-coplearn-ran", "yes");
      if (runs === 1) { keepForOffline(); guardUnsaved(w); checkDrawn(); }
    }).catch(function (err) {
      unpin();
      console.error("coplearn: running the lesson failed", err);
    }).then(function () { running = false; });
  }
  // A link to another lesson ("Next: lesson 05 ...") or to the course's front page opens it in this tab.
  // JupyterLite opens every link of a lesson in a new tab, and every open lesson runs its own Python
  // (walk16 F18). A click with Ctrl, Shift or the middle button still opens a new tab, as the learner
  // asked.
  document.addEventListener("click", function (ev) {
    if (ev.defaultPrevented || ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return;
    var a = ev.target && ev.target.closest ? ev.target.closest("a[href]") : null;
    // a lesson named by one of the course's activities (the route in lesson 00: walk18 M5)
    var named = a && a.closest(".jp-OutputArea") ? a.getAttribute("data-coplearn-lesson") : null;
    if (named && /^course\\/[0-9][0-9]-[a-z0-9-]+\\.ipynb$/.test(named)) {
      ev.preventDefault();
      ev.stopImmediatePropagation();
      window.location.assign(new URL("index.html?path=" + named, window.location.href).href);
      return;
    }
    if (!a || !a.closest(".jp-RenderedMarkdown")) return;
    var url;
    try { url = new URL(a.href, window.location.href); } catch (err) { return; }
    if (url.origin !== window.location.origin) return;
    // the glossary and the guides (54 links in the lessons went nowhere: walk27 M1): their web pages, in a new tab
    // beside the lesson (the lesson keeps its place and its Python)
    var guide = __GUIDE_LINK__.exec(url.pathname);
    if (guide) {
      ev.preventDefault();
      ev.stopImmediatePropagation();
      window.open(new URL("../guides/" + guide[1] + ".html" + url.hash, window.location.href).href, "_blank", "noopener");
      return;
    }
    // a lesson's printable page (the note at the top of each lesson links to it), in a new tab
    var page = __PRINTABLE_LINK__.exec(url.pathname);
    if (page) {
      ev.preventDefault();
      ev.stopImmediatePropagation();
      window.open(new URL("../printable/" + page[1] + ".html" + url.hash, window.location.href).href, "_blank", "noopener");
      return;
    }
    var lesson = /\\/files\\/(course\\/[^\\/?#]+\\.ipynb)$/.exec(url.pathname);
    var home = /\\/files\\/index\\.html$/.test(url.pathname);
    if (!lesson && !home) return;
    ev.preventDefault();
    ev.stopImmediatePropagation();
    window.location.assign(lesson ? new URL("index.html?path=" + lesson[1], window.location.href).href
                                  : new URL("../index.html", window.location.href).href);
  }, true);
  // Charts: the first chart on a page makes plotly evaluate its 4.8 MB library (about half a second
  // on a slow computer), and the lesson's Python waits for the page meanwhile. While the kernel is
  // starting the page has nothing to do, so one empty chart is drawn off the page then.
  var warmed = false;
  function prepareCharts() {
    var type = "application/vnd.plotly.v1+json";
    var box = window._JUPYTERLAB && window._JUPYTERLAB["jupyterlab-plotly"];
    if (!box) return;
    Promise.resolve().then(function () { return box.get("./mimeExtension"); }).then(function (factory) {
      var mod = factory(), ext = mod && mod.default ? mod.default : mod;
      var one = (Array.isArray(ext) ? ext : [ext]).filter(function (e) {
        return e && e.rendererFactory && e.rendererFactory.mimeTypes.indexOf(type) >= 0; })[0];
      if (!one) return;
      var renderer = one.rendererFactory.createRenderer({ mimeType: type });
      var data = {}; data[type] = { data: [], layout: { width: 10, height: 10 } };
      return renderer.renderModel({ data: data, metadata: {}, trusted: true, setData: function () {} })
        .then(function () {
          renderer.dispose();
          root.setAttribute("data-coplearn-charts", "prepared");
          console.info("coplearn: charts prepared while Python starts");
        });
    }).catch(function (err) { console.warn("coplearn: could not prepare the charts early", err); });
  }
  var partsChecked = false;
  // walk25 H1 (WebKit, so Safari): a lesson that loads while its tab is hidden (opened in the background,
  // or the window minimised during the wait) finds the page's list of kernels still empty, and the
  // notebook asks "Select Kernel" with only "No Kernel" to choose, for good. Once the tab can be seen,
  // the list is read again, the question put away and the lesson's Python started; the attempt is
  // repeated every few seconds while no kernel comes.
  var mending = false, mendedAt = 0;
  function kernelChooser() {
    return Array.prototype.filter.call(document.querySelectorAll(".jp-Dialog"), function (d) {
      return /Select Kernel/.test(((d.querySelector(".jp-Dialog-header") || {}).textContent) || "");
    })[0] || null;
  }
  function mendNoKernel(app, ctx) {
    var specs = app && app.serviceManager && app.serviceManager.kernelspecs;
    if (mending || !specs || !ctx || document.visibilityState === "hidden" || Date.now() - mendedAt < 3000) return;
    var chooser = kernelChooser();
    var known = Object.keys((specs.specs && specs.specs.kernelspecs) || {});
    if (!chooser && known.length) return;  // (a kernel is on its way, as usual)
    mending = true;
    mendedAt = Date.now();
    Promise.resolve(specs.refreshSpecs()).then(function () {
      var names = Object.keys((specs.specs && specs.specs.kernelspecs) || {});
      if (!names.length) return;  // (still none: tried again in a few seconds)
      var open = kernelChooser(), reject = open && open.querySelector(".jp-mod-reject");
      if (reject) { reject.click(); }  // ("No Kernel": the question is put away, nothing else done)
      root.setAttribute("data-coplearn-kernel-mended", String(1 + Number(root.getAttribute("data-coplearn-kernel-mended") || 0)));
      console.info("coplearn: the lesson's Python was started once the page could be seen (its kernel list was empty)");
      return ctx.changeKernel({ name: names.indexOf("python") >= 0 ? "python" : names[0] });
    }).catch(function (err) { console.warn("coplearn: could not start the lesson's Python yet", err); })
      .then(function () { mending = false; });
  }
  var timer = setInterval(function () {
    if (Date.now() - started > giveUpAfter) {
      clearInterval(timer);
      if (isFull() || loadFailed) return;  // (said already, in other words)
      say("Python has not started after ten minutes. Check your internet connection and reload the page " +
          "(your journal is kept). If it still does not start, this computer may be too slow or too locked " +
          "down for the browser edition: ask your tutor about the desktop course.", "alert");
      return;
    }
    var app = window.jupyterapp;
    // The page's parts are all there (or not) once the app is: checked then, before Python has been
    // started for nothing on a slow computer (check20 L4), and again below, before the lesson runs
    if (app && app.listPlugins && !partsChecked) {
      partsChecked = true;
      var missingNow = missingParts(app);
      if (missingNow.length) {
        root.setAttribute("data-coplearn-missing", missingNow.join(", "));
        if (startFailed("a part of the page the activities need did not load (" + missingNow.join(", ") + ")",
                        PARTS_TWICE, PARTS_ONCE, "parts")) { clearInterval(timer); return; }
      }
    }
    var w = app && app.shell && app.shell.currentWidget;
    var ctx = w && w.sessionContext;
    // A lesson is the course's, not the learner's work: it is never saved into the browser's storage.
    // Run All by hand (the browser note's fallback), Ctrl+S or autosave would keep its outputs, and
    // the lesson would reopen with stale activities (review 12b B9). The journal and the saved answers
    // are files of their own, written by Python.
    if (w && w.context && !w.context.coplearnKeepsNothing) {
      w.context.coplearnKeepsNothing = true;
      w.context.save = function () {
        if (w.context.model) { w.context.model.dirty = false; }
        root.setAttribute("data-coplearn-not-saved", String(1 + Number(root.getAttribute("data-coplearn-not-saved") || 0)));
        return Promise.resolve();
      };
    }
    if (ctx && ctx.session) { lessonOpened(); }  // (the session is started once the notebook has loaded)
    var kernel = ctx && ctx.session && ctx.session.kernel;
    if (ctx && !kernel && (ctx.isReady || kernelChooser())) { mendNoKernel(app, ctx); }
    if (kernel && !warmed) { warmed = true; prepareCharts(); }
    if (!kernel || kernel.status !== "idle" || kernel.connectionStatus !== "connected") return;
    clearInterval(timer);
    var missing = missingParts(app);
    if (missing.length) {
      root.setAttribute("data-coplearn-missing", missing.join(", "));
      if (startFailed("a part of the page the activities need did not load (" + missing.join(", ") + ")",
                      PARTS_TWICE, PARTS_ONCE, "parts")) return;
    }
    var restarted = false;
    ctx.statusChanged.connect(function (_, status) {
      if (status === "restarting" || status === "autorestarting") { restarted = true; root.removeAttribute("data-coplearn-ran"); }
      else if (status === "idle" && restarted) { restarted = false; runAll(app, w); }
    });
    runAll(app, w);
  }, 100);
})();
</script>
"""


#: Injected into the head of the two pages a notebook opens in (the file list's JupyterLab and the
#: Notebook page), before JupyterLite's app is made. A notebook that has run keeps, where each
#: activity (a widget) was drawn, only the place of that activity: the activity lives in the page's
#: Python, which a reload ends. An exercise saved with Ctrl+S and reopened therefore showed "Error
#: displaying widget: model not found" under each question until Run All (walk23 L4; lessons are
#: never saved: RUN_ON_OPEN). The page's contents manager now saves notebooks without those places,
#: and opens one kept by an earlier build without them: what the browser keeps (and a download of it)
#: holds the cells, the typed answers and the checks' printed lines as before, and answers.json is
#: not touched. A widget whose state the notebook keeps can still be drawn, and stays (as in
#: coplearn.cli.lab_hooks, which does the same for ``coplearn lab``). data-coplearn-views-not-saved
#: and data-coplearn-views-not-opened on <html> count what was left out.
NO_WIDGET_VIEWS = """<script id="coplearn-no-widget-views">
(function () {
  var VIEW = "application/vnd.jupyter.widget-view+json", STATE = "application/vnd.jupyter.widget-state+json";
  var PLACEHOLDER = __PLACEHOLDER__;
  var root = document.documentElement;
  function count(name, n) { root.setAttribute(name, String(n + Number(root.getAttribute(name) || 0))); }
  // [the notebook without the places of widgets it does not keep, how many were left out]
  function withoutViews(nb) {
    if (!nb || typeof nb !== "object" || !Array.isArray(nb.cells)) return [nb, 0];
    var saved = nb.metadata && nb.metadata.widgets && nb.metadata.widgets[STATE];
    var kept = (saved && saved.state) || {}, dropped = 0;
    var cells = nb.cells.map(function (cell) {
      if (!cell || !Array.isArray(cell.outputs)) return cell;
      var outputs = [], lostHere = 0;
      cell.outputs.forEach(function (o) {
        var view = o && o.data && o.data[VIEW];
        var lost = !!view && !(view.model_id && Object.prototype.hasOwnProperty.call(kept, view.model_id));
        if (!lost) { outputs.push(o); return; }
        // one line in the first one's place, saying how to get the activities back (check24 finding 2)
        if (!lostHere) { outputs.push({ output_type: "display_data", metadata: {}, data: { "text/plain": PLACEHOLDER } }); }
        lostHere += 1;
      });
      dropped += lostHere;
      return lostHere ? Object.assign({}, cell, { outputs: outputs }) : cell;
    });
    return dropped ? [Object.assign({}, nb, { cells: cells }), dropped] : [nb, 0];
  }
  function leaveOut(app) {
    var contents = app && app.serviceManager && app.serviceManager.contents;
    if (!contents || contents.coplearnNoWidgetViews || !contents.save || !contents.get) return;
    contents.coplearnNoWidgetViews = true;
    var save = contents.save, get = contents.get;
    contents.save = function (path, options) {
      try {
        if (options && options.type === "notebook" && options.content) {
          var out = withoutViews(options.content);
          if (out[1]) { options = Object.assign({}, options, { content: out[0] }); count("data-coplearn-views-not-saved", out[1]); }
        }
      } catch (err) { console.warn("coplearn: could not leave the widgets' places out of " + path, err); }
      return save.apply(contents, [path, options].concat(Array.prototype.slice.call(arguments, 2)));
    };
    contents.get = function (path, options) {
      return get.apply(contents, arguments).then(function (model) {
        try {
          if (model && model.type === "notebook" && model.content) {
            var out = withoutViews(model.content);
            if (out[1]) { model = Object.assign({}, model, { content: out[0] }); count("data-coplearn-views-not-opened", out[1]); }
          }
        } catch (err) { console.warn("coplearn: could not leave the widgets' places out of " + path, err); }
        return model;
      });
    };
    root.setAttribute("data-coplearn-widget-views", "left out");
  }
  // JupyterLite sets window.jupyterapp (exposeAppInBrowser) as it makes the app, before starting it:
  // before any notebook is opened or saved
  if (window.jupyterapp) { leaveOut(window.jupyterapp); return; }
  var app;
  try {
    Object.defineProperty(window, "jupyterapp", { configurable: true, enumerable: true,
      get: function () { return app; },
      set: function (value) {
        app = value;
        try { leaveOut(value); } catch (err) { console.warn("coplearn: could not watch what is saved", err); }
      } });
  } catch (err) {
    var look = setInterval(function () { if (window.jupyterapp) { clearInterval(look); leaveOut(window.jupyterapp); } }, 50);
  }
})();
</script>
"""
NO_WIDGET_VIEWS = NO_WIDGET_VIEWS.replace("__PLACEHOLDER__", json.dumps(PLACEHOLDER))

#: What a lesson's link to the glossary or a guide (``../docs/glossary.md#entry``), or to a printable
#: page (``../printable/NN-name.html``), reaches the page as: a file of the site's contents that it does
#: not hold (the site has them as web pages, in ``guides/`` and ``printable/``).
GUIDE_LINK = r"/\/files\/(?:docs|guides)\/(glossary|learner-guide|team-manager-guide|accessibility)\.md$/"
PRINTABLE_LINK = r"/\/files\/printable\/([0-9][0-9]-[a-z0-9-]+|index|glossary)\.html$/"
RUN_ON_OPEN = RUN_ON_OPEN.replace("__GUIDE_LINK__", GUIDE_LINK).replace("__PRINTABLE_LINK__", PRINTABLE_LINK)

#: Injected into the file list's JupyterLab (``lab/index.html``), where a lesson opened from "All the course
#: files" went nowhere on its glossary, guide and printable-page links, and its link to the front page
#: (JupyterLab looked for them among the site's files): they open as in a lesson's own page
#: (:data:`RUN_ON_OPEN`), the guides and printable pages in a new tab beside it.
LAB_LINKS = """<script id="coplearn-lab-links">
(function () {
  document.addEventListener("click", function (ev) {
    if (ev.defaultPrevented || ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return;
    var a = ev.target && ev.target.closest ? ev.target.closest("a[href]") : null;
    if (!a || !a.closest(".jp-RenderedMarkdown")) return;
    var url;
    try { url = new URL(a.href, window.location.href); } catch (err) { return; }
    if (url.origin !== window.location.origin) return;
    var guide = __GUIDE_LINK__.exec(url.pathname), page = __PRINTABLE_LINK__.exec(url.pathname);
    var home = /\\/files\\/index\\.html$/.test(url.pathname);
    if (!guide && !page && !home) return;
    ev.preventDefault();
    ev.stopImmediatePropagation();
    if (home) { window.location.assign(new URL("../index.html", window.location.href).href); return; }
    var target = guide ? "../guides/" + guide[1] + ".html" : "../printable/" + page[1] + ".html";
    window.open(new URL(target + url.hash, window.location.href).href, "_blank", "noopener");
  }, true);
  // Ctrl+P (Cmd+P) on a lesson opens its printable page, as on the lesson's own page (rev28 L2)
  window.addEventListener("keydown", function (ev) {
    if (!((ev.ctrlKey || ev.metaKey) && !ev.altKey && !ev.shiftKey && (ev.key === "p" || ev.key === "P"))) return;
    var app = window.jupyterapp, w = app && app.shell ? app.shell.currentWidget : null;
    var path = w && w.context ? w.context.path : "";
    if (!/^course\\/[0-9][0-9]-[a-z0-9-]+\\.ipynb$/.test(path || "")) return;
    ev.preventDefault();
    ev.stopImmediatePropagation();
    window.open(new URL("../printable/" + path.slice("course/".length).replace(/\\.ipynb$/, ".html"),
                        window.location.href).href, "_blank", "noopener");
  }, true);
})();
</script>
""".replace("__GUIDE_LINK__", GUIDE_LINK).replace("__PRINTABLE_LINK__", PRINTABLE_LINK)


#: The guides a learner with only a browser reads, written as web pages in the site's ``guides/`` folder: the lessons'
#: glossary links went nowhere (the glossary was not in the site), and the guides opened as Markdown source in a code
#: editor, the accessibility statement among them (walk27 M1, M2).
GUIDE_PAGES = ("glossary", "learner-guide", "team-manager-guide", "accessibility")

_GUIDE_LINK = re.compile(r"\]\((?:\.\./docs/|\./)?(" + "|".join(GUIDE_PAGES) + r")\.md(#[^)\s]*)?\)")
_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.S)
#: A link to another of the course's Markdown files (the tutor guide, the README), which the site does not hold:
#: kept as its words, without a link that would lead nowhere (rev27b L9).
_OTHER_MD_LINK = re.compile(r"\[([^\]]+)\]\((?![a-z]+:)[^)\s]*\.md(?:#[^)\s]*)?\)")

GUIDE_TEMPLATE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - coplearn</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; line-height: 1.55; color: #1a1a1a;
       margin: 0 auto; padding: 1rem; max-width: 46rem; overflow-wrap: anywhere; }}
a {{ color: #0b57a4; }} a:focus {{ outline: 3px solid #d95f02; outline-offset: 2px; }}
code, pre {{ background: #f3f3f3; }} pre {{ padding: .5rem; overflow-x: auto; white-space: pre-wrap; }}
table {{ border-collapse: collapse; display: block; overflow-x: auto; }} th, td {{ border: 1px solid #999; padding: .3rem .5rem; }}
h2, h3 {{ margin-top: 1.6em; }} nav {{ margin-bottom: 1rem; }}
@media print {{ nav {{ display: none; }} }}
</style>
</head>
<body>
<nav aria-label="Course"><a href="../index.html">Back to the course's front page</a></nav>
<main>
{body}
</main>
</body>
</html>
"""


def _slug(text: str) -> str:
    """A heading's anchor as GitHub makes it, which the lessons' links use (``#community-of-practice``)."""
    plain = html.unescape(re.sub(r"<[^>]+>", "", text)).strip().lower()
    return re.sub(r"[^\w\- ]", "", plain).replace(" ", "-")


def guide_page(markdown_text: str) -> str:
    """One guide (Markdown) as a standalone, accessible web page: headings carry the anchors the lessons link to, and
    links between the guides point at their pages."""
    import mistune

    linked = _GUIDE_LINK.sub(lambda m: f"]({m.group(1)}.html{m.group(2) or ''})", markdown_text)
    body = mistune.html(_OTHER_MD_LINK.sub(lambda m: m.group(1), linked))
    seen: dict[str, int] = {}

    def with_id(m: re.Match[str]) -> str:
        slug = _slug(m.group(2)) or "section"
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        return f'<h{m.group(1)} id="{slug if not n else f"{slug}-{n}"}">{m.group(2)}</h{m.group(1)}>'

    body = str(body)
    first = _HEADING.search(body)
    title = html.unescape(re.sub(r"<[^>]+>", "", first.group(2))).strip() if first else "Guide"
    body = _HEADING.sub(with_id, body)
    return GUIDE_TEMPLATE.format(title=html.escape(title), body=body)


def write_guides(root: Path, site: Path) -> list[str]:
    """:data:`GUIDE_PAGES` from ``root/docs`` as web pages in ``site/guides``; returns the pages written."""
    out = site / "guides"
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in GUIDE_PAGES:
        source = root / "docs" / f"{name}.md"
        if source.exists():
            (out / f"{name}.html").write_text(guide_page(source.read_text(encoding="utf-8")), encoding="utf-8")
            written.append(f"guides/{name}.html")
    return written


def inject_run_on_open(site: Path) -> None:
    """Add :data:`RUN_ON_OPEN` to the Notebook page (lessons open there), and :data:`NO_WIDGET_VIEWS`
    to the head of it and of the file list's JupyterLab (exercises open in either)."""
    for app in ("notebooks", "lab"):
        page = site / app / "index.html"
        text = page.read_text(encoding="utf-8")
        if "coplearn-no-widget-views" not in text:
            text = text.replace("<head>", "<head>\n" + NO_WIDGET_VIEWS, 1)  # (before JupyterLite's loader)
            if "coplearn-no-widget-views" not in text:
                raise SiteBuildError(f"could not add the script that leaves widgets' places out of saved notebooks to {page}")
        if app == "notebooks" and "coplearn-run-on-open" not in text:
            text = text.replace("</body>", RUN_ON_OPEN + "</body>", 1)
            if "coplearn-run-on-open" not in text:
                raise SiteBuildError(f"could not add the run-on-open script to {page}")
        if app == "lab" and "coplearn-lab-links" not in text:
            text = text.replace("</body>", LAB_LINKS + "</body>", 1)
            if "coplearn-lab-links" not in text:
                raise SiteBuildError(f"could not add the script for the lessons' links to {page}")
        page.write_text(text, encoding="utf-8")


# ---- the landing page -------------------------------------------------------------------------------

def prefetch_list(site: Path) -> tuple[list[str], int]:
    """What the landing page fetches while the learner reads it: the files a lesson's Python starts
    from (Pyodide, its standard library, the prepared kernel, every package the lock file names),
    largest first. Returns site-relative addresses and their total size in bytes.

    Why: on a first visit these are most of what a lesson downloads (about 36 of 49 MB), so a
    learner who reads the first page for a while opens the first lesson as fast as a returning one.
    The browser keeps them in its ordinary cache; the lesson's worker then finds them there.
    """
    static_py = site / "static" / "pyodide"
    lock = json.loads((static_py / "pyodide-lock.json").read_text(encoding="utf-8"))
    names = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"]
    names += sorted({entry["file_name"] for entry in lock["packages"].values()})
    files = [static_py / n for n in names] + list(static_py.glob("*.snapshot.gz"))
    missing = [f.name for f in files if not f.is_file()]
    if missing:
        raise SiteBuildError(f"the site lacks files its Python starts from: {missing}")
    files.sort(key=lambda f: -f.stat().st_size)
    return [f.relative_to(site).as_posix() for f in files], sum(f.stat().st_size for f in files)


def landing_page(found: list[Lesson], built: str, prefetch: list[str] | None = None, prefetch_bytes: int = 0) -> str:
    """The site's first page, from the template ``site_landing.html.j2`` (autoescaped)."""
    from coplearn import __version__
    from coplearn.core.templates import render

    total = sum(lesson.minutes or 0 for lesson in found)
    hours = (f"about {total / 60:.0f} hours" if total >= 90 else f"about {total} minutes") if total else "a few hours"
    return render("site_landing.html.j2", lessons=found, first=found[0], hours=hours, version=__version__,
                  built=built, prefetch=prefetch or [], prefetch_mb=round(prefetch_bytes / 1e6))

