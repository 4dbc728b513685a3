"""What the learner sees in the browser edition: the lessons copied for the browser, the script
that runs a lesson when it opens, and the plain-language landing page (``index.html``).

The lessons are copied with their kernel set to the browser's Python; the course files are never
changed. The journal is kept under ``my-journal/`` in the browser's storage.
"""

from __future__ import annotations

import html
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from coplearn.site import SiteBuildError

# ---- the lessons and the run-on-open script ------------------------------------------------------

BROWSER_NOTE = """\
> **You are using the browser edition of this course.** Nothing is installed and nothing you
> write leaves this computer. The activities appear by themselves once Python has started in
> your browser: the first time this takes up to half a minute. If they do not appear, choose
> **Run ▸ Run All Cells** from the menu.
> Your journal is kept **in this web browser, on this device only**, in the folder `my-journal`.
> To keep a copy, export it (lesson 11) or download `my-journal/journal.json` from the file list.
> Clearing your browser's data deletes it.
"""


def browser_copy(nb_path: Path, dest: Path, note: bool) -> dict:
    """Copy a notebook for the browser: Pyodide's kernel, no outputs, an optional first-cell note."""
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    nb.setdefault("metadata", {})["kernelspec"] = {"name": "python", "display_name": "Python (Pyodide)",
                                                   "language": "python"}
    nb["metadata"].pop("widgets", None)
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    if note:
        cell = {"cell_type": "markdown", "id": "coplearn-browser-edition", "metadata": {"tags": ["coplearn-browser-note"]},
                "source": BROWSER_NOTE.splitlines(keepends=True)}
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
            browser_copy(nb, files / "exercises" / nb.relative_to(exercises), note=False)
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
        "To keep a copy, right-click `journal.json` in the file list and choose **Download**, or export your\n"
        "entries as CPD records in lesson 11. Clearing the browser's data for this site deletes the journal.\n",
        encoding="utf-8")
    return found


#: Injected into the Notebook page. A lesson (course/*.ipynb) shows as an app (its code cells are
#: all collapsed in the course: their placeholders and the execution prompts are hidden too) and runs
#: all its cells as soon as its Python is ready, so that the activities appear without the learner
#: knowing about "Run All". Robust to: a reload or a second tab (each page has its own kernel and
#: runs once), a kernel that is busy when the page opens (it waits for idle; Run All then queues),
#: a kernel restart (it runs the lesson again), a slow first visit (it waits up to ten minutes).
#: ``data-coplearn-ran="yes"`` and ``data-coplearn-runs`` on <html> say that (and how often) it ran.
RUN_ON_OPEN = """<style id="coplearn-lesson-view">
  /* the prompt's click-to-collapse overlay would otherwise lie over the left edge of the activities */
  body.coplearn-lesson .jp-CodeCell .jp-InputPlaceholder, body.coplearn-lesson .jp-OutputArea-promptOverlay,
  body.coplearn-lesson .jp-InputPrompt, body.coplearn-lesson .jp-OutputPrompt { display: none; }
</style>
<script id="coplearn-run-on-open">
(function () {
  var path = new URLSearchParams(window.location.search).get("path") || "";
  if (!/^course\\/[^/]+\\.ipynb$/.test(path)) return;
  document.body.classList.add("coplearn-lesson");
  var root = document.documentElement, started = Date.now(), running = false, runs = 0;
  function runAll(app, w) {
    if (running) return;
    running = true;
    // Run All moves to the last cell; keep the learner where they are (the top, usually).
    var nb = w.content, index = nb.activeCellIndex;
    var scroller = nb.node.querySelector(".jp-WindowedPanel-outer") || nb.node;
    var top = scroller.scrollTop;
    app.commands.execute("notebook:run-all-cells").then(function () {
      nb.activeCellIndex = index;
      nb.mode = "command";
      scroller.scrollTop = top;
      // The outputs are the kernel's, not the learner's work: do not save them into the browser's
      // copy of the lesson (a reopened lesson would show stale widgets), and do not ask "leave page?".
      if (w.context && w.context.model) { w.context.model.dirty = false; }
      runs += 1;
      root.setAttribute("data-coplearn-runs", String(runs));
      root.setAttribute("data-coplearn-ran", "yes");
    }).catch(function (err) {
      console.error("coplearn: running the lesson failed", err);
    }).then(function () { running = false; });
  }
  var timer = setInterval(function () {
    if (Date.now() - started > 600000) { clearInterval(timer); return; }
    var app = window.jupyterapp;
    var w = app && app.shell && app.shell.currentWidget;
    var ctx = w && w.sessionContext;
    var kernel = ctx && ctx.session && ctx.session.kernel;
    if (!kernel || kernel.status !== "idle" || kernel.connectionStatus !== "connected") return;
    clearInterval(timer);
    var restarted = false;
    ctx.statusChanged.connect(function (_, status) {
      if (status === "restarting" || status === "autorestarting") { restarted = true; root.removeAttribute("data-coplearn-ran"); }
      else if (status === "idle" && restarted) { restarted = false; runAll(app, w); }
    });
    runAll(app, w);
  }, 250);
})();
</script>
"""


def inject_run_on_open(site: Path) -> None:
    page = site / "notebooks" / "index.html"
    text = page.read_text(encoding="utf-8")
    if "coplearn-run-on-open" not in text:
        text = text.replace("</body>", RUN_ON_OPEN + "</body>", 1)
        if "coplearn-run-on-open" not in text:
            raise SiteBuildError(f"could not add the run-on-open script to {page}")
        page.write_text(text, encoding="utf-8")


# ---- the landing page -------------------------------------------------------------------------------

def landing_page(found: list[Lesson], built: str) -> str:
    from coplearn import __version__

    total = sum(lesson.minutes or 0 for lesson in found)

    def when(minutes: int | None) -> str:
        return f"about {minutes} minutes" if minutes else ""

    items = []
    for lesson in found:
        time_note = f' <span class="time">({when(lesson.minutes)})</span>' if lesson.minutes else ""
        items.append(f'      <li><a href="notebooks/index.html?path=course/{html.escape(lesson.slug)}.ipynb">'
                     f"Lesson {html.escape(lesson.number)}: {html.escape(lesson.title)}</a>{time_note}</li>")
    rows = "\n".join(items)
    first = found[0]
    hours = f"about {total / 60:.0f} hours" if total else "a few hours"
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Leading communities of practice in social work: the course in your browser</title>
<style>
  body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.55;
         max-width: 46rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; color: #1a1a1a; background: #fff; }}
  h1 {{ font-size: 1.7rem; line-height: 1.25; }}
  h2 {{ font-size: 1.25rem; margin-top: 2rem; }}
  a {{ color: #0050a0; }}
  a:focus {{ outline: 3px solid #E69F00; outline-offset: 2px; }}
  .start {{ display: inline-block; background: #0050a0; color: #fff; padding: .7rem 1.2rem; border-radius: 6px;
           text-decoration: none; font-weight: 600; font-size: 1.1rem; }}
  .start:hover {{ background: #003d7a; }}
  .time {{ color: #444; }}
  .box {{ border-left: 5px solid #009E73; background: #f3f8f6; padding: .6rem 1rem; }}
  li {{ margin: .35rem 0; }}
  footer {{ margin-top: 3rem; font-size: .9rem; color: #444; }}
</style>
</head>
<body>
<main>
<h1>Leading communities of practice in social work</h1>
<p>A short course for social work students, practice educators and team managers on how to help a
team learn together: how to lead a <strong>community of practice</strong>. It follows one article,
Gray, Parker, Rutter and Williams (2010), <cite>Developing communities of practice: a strategy for
effective leadership, management and supervision in social work</cite> (Social Work &amp; Social
Sciences Review 14(2)).</p>
<p>It runs in this web browser. There is nothing to install and no account to create, and nothing
you type is sent anywhere.</p>

<p><a class="start" href="notebooks/index.html?path=course/{html.escape(first.slug)}.ipynb">Start here: lesson {first.number}, {html.escape(first.title)}</a></p>

<h2>How to use a lesson</h2>
<ol>
  <li>Open a lesson from the list below. It opens in a new view of this site; the first time, it
      takes up to half a minute to get ready.</li>
  <li>Wait for the activities (choices, buttons, charts) to appear: they start by themselves once
      Python is ready in your browser. If they do not, choose <strong>Run</strong>, then
      <strong>Run All Cells</strong>, from the menu at the top.</li>
  <li>Read, try the activities, and write your reflections in the "Pause and reflect" boxes.</li>
</ol>

<h2>The lessons</h2>
<p>Twelve lessons, {hours} in all. Take them in order; each one builds on the last.</p>
<ol class="lessons" start="0">
{rows}
</ol>

<h2>Where your work is kept</h2>
<div class="box">
<p><strong>Your journal and any changes you make are kept in this web browser, on this device
only.</strong> They are still there when you come back, in the same browser on the same device.
They are not on any server and nobody else can see them.</p>
<p>They are deleted if you clear this browser's data for this site, use a private window, or
move to another computer. To keep a copy, export your journal as CPD records in lesson 11, or
download <code>my-journal/journal.json</code> from the file list (right-click it, then
<strong>Download</strong>). You can upload that file to the same place on another device to carry on.</p>
</div>

<h2>More</h2>
<ul>
  <li><a href="lab/index.html">All the course files</a>: lessons, self-study exercises (the graded
      assignments, to check your own answers), an example team survey, and the guides.</li>
  <li><a href="notebooks/index.html?path=guides/learner-guide.md">Learner guide</a> and
      <a href="notebooks/index.html?path=guides/accessibility.md">accessibility statement</a>.</li>
</ul>
<h2>What this edition cannot do</h2>
<p>Tutors cannot collect or mark work here: there is no sign-in and no shared storage. Graded
assignments for a course are handed in on your university's own system (a JupyterHub). Here you
can check your own answers. The Word (.docx) export of the journal needs the desktop course;
Markdown and web-page (HTML) exports work here.</p>
</main>
<footer>
<p>coplearn {html.escape(__version__)}, built {html.escape(built)}. Code MIT licence; course text CC BY 4.0.
Runs on JupyterLite and Pyodide.</p>
</footer>
</body>
</html>
"""

