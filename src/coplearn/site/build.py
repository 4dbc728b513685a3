"""Build the browser edition of the course: a static JupyterLite site that needs no install.

``coplearn site build -o DIR`` (or ``./run site``) writes a folder that any static web host can
serve. Everything the site needs is inside it (JupyterLite, the Pyodide Python runtime, ipywidgets,
plotly and coplearn), so a page of the site never asks any other web address for anything.

Building needs the package registries only (PyPI through ``pip``, the npm registry through
``npm``), never a CDN, and keeps what it downloads in a cache folder
(``$COPLEARN_SITE_CACHE``, default ``~/.cache/coplearn/site``) so that the next build is offline.

How it works, and why (see also docs/deploy.md, "The browser edition"):

1. Pyodide's core (the Python runtime compiled to WebAssembly) comes from the npm package
   ``pyodide`` at the version that jupyterlite-pyodide-kernel expects. That package holds no
   Python packages, so the pure-Python wheels the kernel needs are downloaded from PyPI at the
   exact versions that Pyodide's lock file names.
2. The lock file (``pyodide-lock.json``) is rewritten: PyPI's wheels have other checksums than
   Pyodide's own builds, ipywidgets, plotly and coplearn are added, and every entry whose file
   is not in the site is dropped, so that nothing can be fetched from elsewhere.
3. Every package the kernel needs at start is loaded by ``loadPyodide`` in one parallel step
   (not installed one by one through micropip): this is most of the start-up time.
4. The lessons are copied with their kernel set to the browser's Python; the course files are
   never changed. The journal is kept under ``my-journal/`` in the browser's storage
   (``COPLEARN_JOURNAL`` is set for the kernel).
5. ``jupyter lite build`` assembles the site with only the three front-end extensions the course
   needs (the Pyodide kernel, ipywidgets, plotly), then a plain-language ``index.html`` is
   written over JupyterLite's own.
"""

from __future__ import annotations

import base64
import csv
import datetime as _dt
import hashlib
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

# ---- the versions that work together (change them together, and rebuild and test) ----------------

#: jupyterlite-pyodide-kernel 0.8.6 is built for Pyodide 314.0.6 (Python 3.14) and for
#: jupyterlite-core 0.8.6 (the kernel's 0.8.7 needs core 0.8.7). Pinned in scripts/site-requirements.txt.
JUPYTERLITE_VERSION = "0.8.6"
PYODIDE_VERSION = "314.0.6"
#: sha256 of ``npm pack pyodide@314.0.6``: the build refuses any other file.
PYODIDE_TGZ_SHA256 = "d78ac549b28a2a58600cd06f44e017024151775f8c6b2d73fab1475400d38ea2"
#: The Python inside Pyodide 314.0.6.
PYODIDE_PYTHON = "3.14"

#: Packages the kernel itself needs at start, by their names in Pyodide's lock file: they are
#: downloaded from PyPI at the lock's versions (with what they depend on in the lock).
KERNEL_LOCK_PACKAGES = ("micropip", "packaging", "ipython", "jedi", "narwhals")
#: The kernel's own shims, shipped inside jupyterlite-pyodide-kernel's front-end extension.
KERNEL_SHIMS = {"piplite": [], "pyodide-kernel": ["comm", "ipython"], "ipykernel": ["pyodide-kernel"],
                "widgetsnbextension": []}
#: Added to the lock from PyPI, at the version installed where the site is built (so that the
#: Python side matches the front-end extensions copied from the same environment). Value: what
#: each depends on in the browser.
ADDED_FROM_PYPI = {"comm": [], "ipywidgets": ["comm", "ipython", "traitlets", "widgetsnbextension"],
                   "plotly": ["narwhals", "packaging"]}
#: What the lessons import in the browser (coplearn's core dependencies; see pyproject.toml).
COPLEARN_DEPENDS = ["ipywidgets", "plotly", "jinja2"]
#: Taken from Pyodide's lock for coplearn itself: its documents (CPD export, team report, leadership
#: plan) are Jinja2 templates.
COPLEARN_LOCK_PACKAGES = ("jinja2",)
#: On PyPI only as compiled wheels, but they run without their C speed-ups (MarkupSafe falls back
#: to its own pure-Python code): the site ships a pure-Python wheel made from the copy installed
#: where the site is built. Value: the module names to leave out.
PURE_FROM_INSTALLED = {"markupsafe": ("_speedups",)}
#: Loaded by ``loadPyodide`` at kernel start, in parallel (no lesson needs a ``%pip`` cell).
PRELOAD = ["micropip", "piplite", "ipykernel", "pyodide-kernel", "comm", "jedi", "ipython",
           "widgetsnbextension", "ipywidgets", "plotly", "markupsafe", "jinja2", "coplearn"]

#: The front-end extensions the site needs, by npm name: the kernel, widgets, plotly charts.
FRONTEND_EXTENSIONS = ("@jupyterlite/pyodide-kernel-extension", "@jupyter-widgets/jupyterlab-manager",
                       "jupyterlab-plotly")

#: Where the journal lives in the browser (the kernel's drive is /drive; this is my-journal/ in
#: the file browser, kept in the browser's storage).
BROWSER_JOURNAL = "/drive/my-journal/journal.json"

#: Pyodide's core files that the site serves (the rest of the npm package is not needed).
PYODIDE_CORE = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")

#: Files of the plotly wheel that a browser kernel never uses: the plotly.js bundle for
#: stand-alone HTML files (the lab extension draws the charts) and the example data sets.
PLOTLY_TRIM = (re.compile(r"^plotly/package_data/plotly\.min\.js$"), re.compile(r"^plotly/package_data/datasets/"))

REPO = Path(__file__).resolve().parents[3]

__all__ = ["build_site", "SiteBuildError", "default_cache_dir", "BuildReport"]


class SiteBuildError(RuntimeError):
    """The site could not be built; the message says what was missing and what to do."""


@dataclass
class BuildReport:
    output: Path
    lessons: int
    size_bytes: int
    seconds: float


def default_cache_dir() -> Path:
    env = os.environ.get("COPLEARN_SITE_CACHE")
    if env:
        return Path(env).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "coplearn" / "site"


def _say(msg: str) -> None:
    print(f"coplearn site: {msg}", file=sys.stderr, flush=True)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# ---- 1. downloads (cached) ----------------------------------------------------------------------

def fetch_pyodide(cache: Path) -> Path:
    """The npm package ``pyodide`` at :data:`PYODIDE_VERSION`, unpacked; downloaded once."""
    unpacked = cache / f"pyodide-{PYODIDE_VERSION}"
    if (unpacked / "pyodide-lock.json").exists():
        return unpacked
    tgz = cache / f"pyodide-{PYODIDE_VERSION}.tgz"
    if not tgz.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise SiteBuildError("building the site needs npm (to download the Pyodide runtime from the npm "
                                 "registry); install Node.js and npm, or copy pyodide-"
                                 f"{PYODIDE_VERSION}.tgz into {cache}")
        _say(f"downloading the Python runtime for browsers (npm package pyodide@{PYODIDE_VERSION}, 6.5 MB)")
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            proc = subprocess.run([npm, "pack", f"pyodide@{PYODIDE_VERSION}", "--silent"], cwd=tmp,
                                  capture_output=True, text=True)
            got = Path(tmp) / f"pyodide-{PYODIDE_VERSION}.tgz"
            if proc.returncode != 0 or not got.exists():
                raise SiteBuildError(f"npm could not download pyodide@{PYODIDE_VERSION}:\n{proc.stderr.strip()}")
            os.replace(got, tgz)
    digest = _sha256(tgz)
    if digest != PYODIDE_TGZ_SHA256:
        raise SiteBuildError(f"{tgz} is not the pyodide@{PYODIDE_VERSION} package we tested (sha256 {digest}); "
                             "delete it and build again")
    tmp_dir = Path(tempfile.mkdtemp(dir=cache))
    with tarfile.open(tgz) as tar:
        members = [m for m in tar.getmembers() if m.isfile() and m.name.startswith("package/")
                   and "/" not in m.name[len("package/"):]]
        try:
            tar.extractall(tmp_dir, members=members, filter="data")
        except TypeError:  # Python without extraction filters; the names were checked above
            tar.extractall(tmp_dir, members=members)  # noqa: S202
    os.replace(tmp_dir / "package", unpacked)
    shutil.rmtree(tmp_dir, ignore_errors=True)
    return unpacked


def _lock_closure(lock: dict, roots: Iterable[str]) -> list[str]:
    packages = lock["packages"]
    seen: list[str] = []
    todo = [_norm(r) for r in roots]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in packages:
            raise SiteBuildError(f"Pyodide's lock file has no package {name!r}")
        seen.append(name)
        todo.extend(_norm(d) for d in packages[name]["depends"])
    return sorted(seen)


def _installed_version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        raise SiteBuildError(f"{dist} is not installed where the site is built; run ./run site to set up the site's build environment") from None


def fetch_wheels(cache: Path, wanted: dict[str, str]) -> dict[str, Path]:
    """Pure-Python wheels ``{name: version}`` for Pyodide's Python, from PyPI; downloaded once."""
    folder = cache / f"wheels-py{PYODIDE_PYTHON}"
    folder.mkdir(parents=True, exist_ok=True)

    def find(name: str, ver: str) -> Path | None:
        stem = re.sub(r"[-_.]+", "_", name).lower()
        for whl in folder.glob("*.whl"):
            parts = whl.name.split("-")
            if parts[0].lower() == stem and parts[1] == ver:
                return whl
        return None

    missing = {n: v for n, v in wanted.items() if find(n, v) is None}
    if missing:
        _say(f"downloading {len(missing)} Python packages for the browser from PyPI: "
             + ", ".join(f"{n} {v}" for n, v in sorted(missing.items())))
        env = dict(os.environ, PIP_CONSTRAINT="", PIP_DISABLE_PIP_VERSION_CHECK="1")
        cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
               "--python-version", PYODIDE_PYTHON, "--implementation", "py", "--abi", "none",
               "--platform", "any", "-d", str(folder), *(f"{n}=={v}" for n, v in sorted(missing.items()))]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            tail = "\n".join(line for line in proc.stderr.splitlines() if "is ignored" not in line)[-2000:]
            raise SiteBuildError(f"pip could not download the browser's packages:\n{tail}")
    out = {}
    for n, v in wanted.items():
        whl = find(n, v)
        if whl is None:
            raise SiteBuildError(f"no wheel for {n} {v} in {folder} after downloading")
        out[n] = whl
    return out


# ---- 2. wheels we make ----------------------------------------------------------------------------

def _write_wheel(dest_dir: Path, name: str, version: str, files: Iterable[tuple[str, bytes]],
                 requires: Iterable[str] = (), summary: str = "") -> Path:
    """A pure-Python wheel written by hand (reproducible: fixed timestamps, sorted entries)."""
    dist = f"{name.replace('-', '_')}-{version}"
    info = f"{dist}.dist-info"
    entries = sorted(files)
    metadata = [f"Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    if summary:
        metadata.append(f"Summary: {summary}")
    metadata += [f"Requires-Dist: {r}" for r in requires]
    entries += [(f"{info}/METADATA", ("\n".join(metadata) + "\n").encode()),
                (f"{info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: coplearn.site.build\nRoot-Is-Purelib: true\nTag: py3-none-any\n")]
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for arc, data in entries:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        writer.writerow([arc, f"sha256={digest}", len(data)])
    writer.writerow([f"{info}/RECORD", "", ""])
    entries.append((f"{info}/RECORD", record.getvalue().encode()))
    path = dest_dir / f"{dist}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for arc, data in entries:
            zi = zipfile.ZipInfo(arc, date_time=(2020, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zf.writestr(zi, data)
    return path


def coplearn_wheel(dest_dir: Path) -> Path:
    """coplearn itself, from this source tree, with its browser dependencies only."""
    from coplearn import __version__

    pkg = Path(__file__).resolve().parents[1]
    files = []
    for p in sorted(pkg.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix in (".py", ".toml", ".json", ".css", ".txt", ".j2"):
            files.append((f"coplearn/{p.relative_to(pkg).as_posix()}", p.read_bytes()))
    return _write_wheel(dest_dir, "coplearn", __version__, files, requires=COPLEARN_DEPENDS,
                        summary="coplearn for the browser edition (built by coplearn site build)")


def pure_wheel_from_installed(dist: str, dest_dir: Path, leave_out: Iterable[str] = ()) -> Path:
    """A pure-Python wheel of ``dist`` as installed here, leaving out the modules named in ``leave_out``."""
    import importlib.util
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        meta = distribution(dist)
    except PackageNotFoundError:
        raise SiteBuildError(f"{dist} is not installed where the site is built; install coplearn's "
                             "dependencies (pip install -e .)") from None
    spec = importlib.util.find_spec(dist)
    if spec is None or not spec.submodule_search_locations:
        raise SiteBuildError(f"{dist} is installed but its package folder cannot be found")
    pkg = Path(next(iter(spec.submodule_search_locations)))
    leave_out = tuple(leave_out)
    files = [(f"{pkg.name}/{p.relative_to(pkg).as_posix()}", p.read_bytes()) for p in sorted(pkg.rglob("*"))
             if p.is_file() and "__pycache__" not in p.parts and (p.suffix == ".py" or p.name == "py.typed")
             and not p.name.startswith(leave_out)]
    return _write_wheel(dest_dir, meta.metadata["Name"], meta.version, files,
                        summary=f"{meta.metadata['Name']} without its compiled speed-ups (made by coplearn site build)")


def trim_wheel(src: Path, dest_dir: Path, drop: Iterable[re.Pattern]) -> Path:
    """Copy a wheel leaving out files no browser kernel uses (and their RECORD lines)."""
    drop = list(drop)
    dest = dest_dir / src.name
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zout:
        for item in zin.infolist():
            if any(p.search(item.filename) for p in drop):
                continue
            data = zin.read(item)
            if item.filename.endswith(".dist-info/RECORD"):
                keep = [line for line in data.decode().splitlines()
                        if not any(p.search(line.split(",", 1)[0]) for p in drop)]
                data = ("\n".join(keep) + "\n").encode()
            zout.writestr(item, data)
    return dest


# ---- 3. the lock file -------------------------------------------------------------------------------

def _wheel_meta(whl: Path) -> tuple[str, str, list[str]]:
    """(name, version, top-level import names) of a wheel."""
    with zipfile.ZipFile(whl) as zf:
        names = zf.namelist()
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = zf.read(meta_name).decode("utf-8", "replace")
    name = re.search(r"^Name: (.+)$", meta, re.M).group(1).strip()
    version = re.search(r"^Version: (.+)$", meta, re.M).group(1).strip()
    tops = sorted({n.split("/")[0].removesuffix(".py") for n in names
                   if not n.split("/")[0].endswith((".dist-info", ".data")) and (n.endswith(".py") or "/" in n)})
    return name, version, tops


def rewrite_lock(lock: dict, wheels: dict[str, Path], depends: dict[str, list[str]]) -> dict:
    """The lock with exactly the packages of ``wheels`` (name -> file in the site), nothing else."""
    out = {"info": lock["info"], "packages": {}}
    for key, whl in sorted(wheels.items()):
        old = lock["packages"].get(key)
        name, version, tops = _wheel_meta(whl)
        entry = dict(old) if old else {
            "name": name, "version": version, "install_dir": "site", "package_type": "package",
            "imports": tops, "unvendored_tests": False,
        }
        entry["file_name"] = whl.name
        entry["sha256"] = _sha256(whl)
        entry["version"] = version
        entry["depends"] = sorted({_norm(d) for d in depends.get(key, entry.get("depends", []))})
        missing = [d for d in entry["depends"] if d not in wheels]
        if missing:
            raise SiteBuildError(f"{key} depends on {missing}, which the site does not have")
        out["packages"][key] = entry
    return out


# ---- 4. contents ---------------------------------------------------------------------------------

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


#: Injected into the Notebook page: a lesson (course/*.ipynb) runs all its cells as soon as its
#: Python is ready, so that the activities appear without the learner knowing about "Run All".
RUN_ON_OPEN = """<script id="coplearn-run-on-open">
(function () {
  var path = new URLSearchParams(window.location.search).get("path") || "";
  if (!/^course\\/[^/]+\\.ipynb$/.test(path)) return;
  var started = Date.now();
  var timer = setInterval(function () {
    if (Date.now() - started > 300000) { clearInterval(timer); return; }
    var app = window.jupyterapp;
    var w = app && app.shell && app.shell.currentWidget;
    var ctx = w && w.sessionContext;
    var kernel = ctx && ctx.session && ctx.session.kernel;
    if (!kernel || kernel.status !== "idle" || kernel.connectionStatus !== "connected") return;
    clearInterval(timer);
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
      document.documentElement.setAttribute("data-coplearn-ran", "yes");
    });
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


# ---- 5. the landing page ----------------------------------------------------------------------------

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


# ---- 6. the build ------------------------------------------------------------------------------------

def builder_python() -> Path:
    """The Python that runs JupyterLite's build: ``$COPLEARN_SITE_PYTHON``, else the course's own
    build environment ``.venv-site`` (made by ``scripts/setup.sh site``), else this Python.

    JupyterLite's kernel package installs a front-end extension into the environment it is installed
    in, and JupyterLab and Voila there load it (and fail). So it lives in an environment of its own.
    """
    if os.environ.get("COPLEARN_SITE_PYTHON"):
        return Path(os.environ["COPLEARN_SITE_PYTHON"])
    for cand in (REPO / ".venv-site" / "bin" / "python", REPO / ".venv-site" / "Scripts" / "python.exe"):
        if cand.exists():
            return cand
    return Path(sys.executable)


_PROBE = (
    "import json, importlib.metadata as m\n"
    "from jupyter_core.paths import jupyter_path\n"
    "out = {'labextensions': jupyter_path('labextensions')}\n"
    "for d in ('jupyterlite-core', 'jupyterlite-pyodide-kernel', 'comm', 'ipywidgets', 'plotly'):\n"
    "    try:\n        out[d] = m.version(d)\n    except m.PackageNotFoundError:\n        out[d] = None\n"
    "print(json.dumps(out))\n"
)


def _builder_info(python: Path) -> dict:
    try:
        proc = subprocess.run([str(python), "-c", _PROBE], capture_output=True, text=True, timeout=120)
    except OSError as exc:
        raise SiteBuildError(f"the site's build environment ({python}) could not be started: {exc}") from None
    if proc.returncode != 0:
        raise SiteBuildError(f"the site's build environment ({python}) is not usable; run ./run site to set it up "
                             f"({proc.stderr.strip()[-300:]})")
    return json.loads(proc.stdout)


def _extension_dirs(labextensions: list[str]) -> list[Path]:
    found = []
    for name in FRONTEND_EXTENSIONS:
        for base in labextensions:
            cand = Path(base) / name
            if (cand / "package.json").exists():
                found.append(cand)
                break
        else:
            raise SiteBuildError(f"the front-end extension {name} is not installed in the site's build environment; "
                                 "run ./run site (or scripts/setup.sh site) to set it up")
    return found


def _kernel_pypi_dir(ext_dirs: list[Path]) -> Path:
    return next(d for d in ext_dirs if d.name == "pyodide-kernel-extension") / "static" / "pypi"


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def build_site(output: str | os.PathLike[str], *, root: Path | None = None, cache: Path | None = None,
               say: Callable[[str], None] = _say) -> BuildReport:
    """Build the static site into ``output`` (replaced if it exists). Returns what was built."""
    started = time.monotonic()
    root = Path(root) if root is not None else REPO
    cache = Path(cache) if cache is not None else default_cache_dir()
    output = Path(output).resolve()
    if output == root.resolve() or root.resolve().is_relative_to(output):
        raise SiteBuildError(f"choose an output folder outside the course ({output})")
    if output.exists() and not (output / "jupyter-lite.json").exists() and any(output.iterdir()):
        raise SiteBuildError(f"{output} exists and is not a site built before; choose an empty or new folder")
    python = builder_python()
    info = _builder_info(python)
    for dist in ("jupyterlite-core", "jupyterlite-pyodide-kernel"):
        if info.get(dist) != JUPYTERLITE_VERSION:
            raise SiteBuildError(f"the site's build environment ({python}) has {dist} {info.get(dist) or 'missing'}, "
                                 f"not {JUPYTERLITE_VERSION}; run ./run site (or scripts/setup.sh site) to set it up")
    say(f"building the browser edition into {output}")
    cache.mkdir(parents=True, exist_ok=True)
    pyodide_dir = fetch_pyodide(cache)
    lock = json.loads((pyodide_dir / "pyodide-lock.json").read_text(encoding="utf-8"))
    from_lock = _lock_closure(lock, KERNEL_LOCK_PACKAGES + COPLEARN_LOCK_PACKAGES)
    wanted = {lock["packages"][k]["name"]: lock["packages"][k]["version"] for k in from_lock
              if k not in PURE_FROM_INSTALLED}
    # the Python side at the versions whose front-end extensions are copied (from the same environment)
    added = {name: info.get(name) or _installed_version(name) for name in ADDED_FROM_PYPI}
    downloaded = fetch_wheels(cache, {**wanted, **added})
    ext_dirs = _extension_dirs(info["labextensions"])

    with tempfile.TemporaryDirectory(prefix="coplearn-site-") as tmp:
        lite = Path(tmp) / "lite"
        static_py = lite / "static" / "pyodide"
        static_py.mkdir(parents=True)
        for name in PYODIDE_CORE:
            shutil.copy2(pyodide_dir / name, static_py / name)
        wheels: dict[str, Path] = {}
        for dist, whl in downloaded.items():
            key = _norm(dist)
            if key == "plotly":
                wheels[key] = trim_wheel(whl, static_py, PLOTLY_TRIM)
            else:
                wheels[key] = Path(shutil.copy2(whl, static_py / whl.name))
        pypi = _kernel_pypi_dir(ext_dirs)
        for key in KERNEL_SHIMS:
            stem = key.replace("-", "_")
            cands = sorted(pypi.glob(f"{stem}-*.whl"))
            if key == "widgetsnbextension":
                cands = [c for c in cands if "-4." in c.name]
            if not cands:
                raise SiteBuildError(f"the Pyodide kernel's extension has no {key} wheel in {pypi}")
            wheels[key] = Path(shutil.copy2(cands[-1], static_py / cands[-1].name))
        for key, leave_out in PURE_FROM_INSTALLED.items():
            wheels[key] = pure_wheel_from_installed(key, static_py, leave_out)
        wheels["coplearn"] = coplearn_wheel(static_py)
        depends = {**KERNEL_SHIMS, **ADDED_FROM_PYPI, "coplearn": COPLEARN_DEPENDS}
        new_lock = rewrite_lock(lock, wheels, depends)
        (static_py / "pyodide-lock.json").write_text(json.dumps(new_lock, indent=1) + "\n", encoding="utf-8")
        say(f"Pyodide {PYODIDE_VERSION} with {len(new_lock['packages'])} packages "
            f"({len(lock['packages']) - len(new_lock['packages']) + 4} of Pyodide's list left out: not needed)")

        files = Path(tmp) / "files"
        found = stage_contents(root, files)
        say(f"copied {len(found)} lessons, the exercises, the examples and the guides")

        kernel_settings = {
            "disablePyPIFallback": True,
            "loadPyodideOptions": {"packages": PRELOAD, "env": {"COPLEARN_JOURNAL": BROWSER_JOURNAL}},
        }
        config = {
            "jupyter-lite-schema-version": 0,
            "jupyter-config-data": {
                "appName": "coplearn",
                # window.jupyterapp: used by the run-on-open script below and by the browser tests
                "exposeAppInBrowser": "true",
                "litePluginSettings": {"@jupyterlite/pyodide-kernel-extension:kernel": kernel_settings},
                "disabledExtensions": ["@jupyterlab/apputils-extension:announcements"],
            },
        }
        (lite / "jupyter-lite.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
        overrides = {
            "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
            "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
        }
        (lite / "overrides.json").write_text(json.dumps(overrides, indent=1), encoding="utf-8")
        build_config = {"LiteBuildConfig": {"ignore_sys_prefix": True,
                                            "federated_extensions": [str(d) for d in ext_dirs],
                                            "no_sourcemaps": True,
                                            "contents": [str(files)]}}
        (lite / "jupyter_lite_config.json").write_text(json.dumps(build_config, indent=1), encoding="utf-8")

        staging = Path(tmp) / "out"
        say(f"assembling the site with JupyterLite {JUPYTERLITE_VERSION}")
        cmd = [str(python), "-c", "import sys; from jupyterlite_core.app import main; sys.exit(main())", "build", "--lite-dir", str(lite),
               "--output-dir", str(staging), "--no-sourcemaps", "--no-unused-shared-packages"]
        env = dict(os.environ, JUPYTERLITE_NO_LIBARCHIVE="1")
        proc = subprocess.run(cmd, cwd=lite, capture_output=True, text=True, env=env)
        if proc.returncode != 0 or not (staging / "jupyter-lite.json").exists():
            raise SiteBuildError("jupyter lite build failed:\n" + (proc.stdout + proc.stderr)[-4000:])
        _check_no_foreign_urls(staging)
        inject_run_on_open(staging)
        favicons = staging / "static" / "favicons"  # the Notebook page asks for these while it works
        favicons.mkdir(parents=True, exist_ok=True)
        for name in ("favicon", "favicon-busy-1", "favicon-busy-2", "favicon-busy-3", "favicon-file",
                     "favicon-notebook", "favicon-terminal"):
            shutil.copy2(staging / "notebooks" / "favicon.ico", favicons / f"{name}.ico")
        for junk in ("rspack.config.js", "rspack.config.analyze.js", "rspack.config.watch.js"):
            (staging / junk).unlink(missing_ok=True)
        built = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d")
        # JupyterLite's pages read the configuration block of every index.html up to the site's root,
        # so the landing page keeps the one JupyterLite wrote (without its redirect to the lab).
        original = (staging / "index.html").read_text(encoding="utf-8")
        block = re.search(r'<script id="jupyter-config-data".*?</script>', original, re.S)
        if block is None:
            raise SiteBuildError("JupyterLite's index.html has no configuration block; is this JupyterLite 0.8.6?")
        page = landing_page(found, built).replace("</head>", block.group(0) + "\n</head>", 1)
        (staging / "index.html").write_text(page, encoding="utf-8")
        (staging / ".nojekyll").write_text("", encoding="utf-8")  # GitHub Pages: serve _-prefixed files
        if output.exists():
            shutil.rmtree(output)
        output.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(staging), output)

    report = BuildReport(output, len(found), _dir_size(output), time.monotonic() - started)
    say(f"done in {report.seconds:.0f} s: {report.size_bytes / 1e6:.1f} MB in {output}")
    say(f"try it: coplearn site serve {output}, then open http://127.0.0.1:8000/")
    return report


def _check_no_foreign_urls(site: Path) -> None:
    """Refuse a site whose settings point the kernel at another web address (a CDN fallback)."""
    for cfg in site.rglob("jupyter-lite.json"):
        text = cfg.read_text(encoding="utf-8")
        for url in re.findall(r"https?://[^\s\"']+", text):
            raise SiteBuildError(f"{cfg.relative_to(site)} points at {url}: the site must not use other addresses")
    lock = json.loads((site / "static" / "pyodide" / "pyodide-lock.json").read_text(encoding="utf-8"))
    for entry in lock["packages"].values():
        if not (site / "static" / "pyodide" / entry["file_name"]).exists():
            raise SiteBuildError(f"the lock file names {entry['file_name']}, which is not in the site")


# ---- 7. a local server with the right MIME types (for trying the site and for the tests) -----------

#: What a host must send for the site to work: JavaScript modules and WebAssembly by type.
MIME_TYPES = {".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm",
              ".json": "application/json", ".ipynb": "application/json", ".whl": "application/zip",
              ".zip": "application/zip", ".md": "text/markdown; charset=utf-8", ".css": "text/css",
              ".svg": "image/svg+xml", ".webmanifest": "application/manifest+json"}


def make_server(site: str | os.PathLike[str], host: str = "127.0.0.1", port: int = 8000):
    """A threading HTTP server for ``site`` (call ``serve_forever``; ``server_address`` has the port)."""
    import functools
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Handler(SimpleHTTPRequestHandler):
        extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
            pass

    handler = functools.partial(Handler, directory=str(site))
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server
