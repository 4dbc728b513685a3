"""Build the browser edition of the course: a static JupyterLite site that needs no install.

``coplearn site build -o DIR`` (or ``./run site``) writes a folder that any static web host can
serve. Everything the site needs is inside it (JupyterLite, the Pyodide Python runtime, ipywidgets,
plotly and coplearn), so a page of the site never asks any other web address for anything.

Building needs the package registries only (PyPI through ``pip``, the npm registry through
``npm``), never a CDN, and keeps what it downloads in a cache folder
(``$COPLEARN_SITE_CACHE``, default ``~/.cache/coplearn/site``) so that the next build is offline.

This module is the orchestration; the steps live next to it (see docs/deploy.md, "The browser
edition"):

1. :mod:`coplearn.site.fetch`: Pyodide, the wheels and the rewritten lock file.
   :mod:`coplearn.site.snapshot`: the prepared kernel (a Pyodide memory snapshot, made with Node.js
   from bytecode-compiled copies of the same files) and the patches that let the kernel start from it.
2. :mod:`coplearn.site.pages`: the lessons copied for the browser (their kernel set to the
   browser's Python; the course files are never changed), the run-on-open script, the landing page.
3. Here: the kernel's settings. What every lesson needs at start is loaded by ``loadPyodide`` in
   one parallel step (not installed one by one through micropip); the journal is kept under
   ``my-journal/`` in the browser's storage (``COPLEARN_JOURNAL`` is set for the kernel).
4. ``jupyter lite build`` assembles the site with only the three front-end extensions the course
   needs (the Pyodide kernel, ipywidgets, plotly), then a plain-language ``index.html`` is
   written over JupyterLite's own.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from coplearn.site import REPO, SiteBuildError, _norm, _say, default_cache_dir
from coplearn.site.fetch import (ADDED_FROM_PYPI, COPLEARN_DEPENDS, COPLEARN_LOCK_PACKAGES, JUPYTERLITE_VERSION,
                                 KERNEL_LOCK_PACKAGES, KERNEL_SHIMS, PURE_FROM_INSTALLED, PYODIDE_CORE,
                                 PYODIDE_VERSION, TRIMS, _installed_version, _lock_closure, coplearn_wheel, fetch_fflate, fetch_pyodide,
                                 fetch_wheels, pure_wheel_from_installed, rewrite_lock, trim_wheel)
from coplearn.site.offline import patch_file_helper, rename_changed, write_service_worker
from coplearn.practice.printable import print_lessons
from coplearn.site.pages import inject_run_on_open, landing_page, prefetch_list, stage_contents, write_guides
from coplearn.site.snapshot import SNAPSHOT_NAME, make_snapshot, patch_kernel_worker, patch_pyodide_loader

#: Loaded by ``loadPyodide`` at kernel start, in parallel (no lesson needs a ``%pip`` cell).
PRELOAD = ["micropip", "piplite", "ipykernel", "pyodide-kernel", "comm", "jedi", "ipython",
           "widgetsnbextension", "ipywidgets", "plotly", "markupsafe", "jinja2", "coplearn"]

#: The front-end extensions the site needs, by npm name: the kernel, widgets, plotly charts.
FRONTEND_EXTENSIONS = ("@jupyterlite/pyodide-kernel-extension", "@jupyter-widgets/jupyterlab-manager",
                       "jupyterlab-plotly")

#: JupyterLite's pages the site serves: the lessons' page (notebooks), the file list (tree), JupyterLab
#: (lab: the exercises' "Open in JupyterLab"), the text editor (edit: a guide, the journal's JSON, a CSV)
#: and the console the Notebook page's menus can open (consoles). Left out: "repl", a console page for
#: embedding in other sites, which nothing in the site links to (0.26 MB with the code only it loads).
SITE_APPS = ("lab", "tree", "edit", "notebooks", "consoles")

#: JupyterLab plugins the site turns off, and the code that only they would load, which the build then
#: leaves out (:func:`_drop_unreachable_chunks`). Mermaid diagrams (a ```mermaid block in Markdown, a
#: .mmd file): no lesson, exercise or guide has one, and the library with its layout engines (ELK,
#: cytoscape, dagre, KaTeX) is 4.5 MB of the site, 55 files that a learner never downloads. Value: the
#: exact lazy imports, in JupyterLite 0.8.6's JupyterLab code, through which only those plugins load
#: it (@jupyterlab/mermaid's; the Markdown parser uses Mermaid only when the mermaid plugins provide it).
UNUSED_PLUGINS = {
    "@jupyterlab/mermaid-extension": ("o.e(6068).then(o.t.bind(o,63711,19))",
                                      "Promise.all([o.e(5981),o.e(9497),o.e(5506),o.e(2840)]).then(o.bind(o,21657))",
                                      "o.e(5395).then(o.bind(o,36222))"),
}

#: Where the journal lives in the browser (the kernel's drive is /drive; this is my-journal/ in
#: the file browser, kept in the browser's storage).
BROWSER_JOURNAL = "/drive/my-journal/journal.json"

__all__ = ["build_site", "SiteBuildError", "default_cache_dir", "BuildReport"]


@dataclass
class BuildReport:
    output: Path
    lessons: int
    size_bytes: int
    seconds: float


# ---- the build ------------------------------------------------------------------------------------------

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
    fflate = fetch_fflate(cache)
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
            if key in TRIMS:
                wheels[key] = trim_wheel(whl, static_py, TRIMS[key])
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
        shutil.copy2(pyodide_dir / "python_stdlib.zip", static_py / "python_stdlib.zip")
        depends = {**KERNEL_SHIMS, **ADDED_FROM_PYPI, "coplearn": COPLEARN_DEPENDS}
        new_lock = rewrite_lock(lock, wheels, depends)
        (static_py / "pyodide-lock.json").write_text(json.dumps(new_lock, indent=1) + "\n", encoding="utf-8")
        say(f"Pyodide {PYODIDE_VERSION} with {len(new_lock['packages'])} packages "
            f"({len(lock['packages']) - len(new_lock['packages']) + 4} of Pyodide's list left out: not needed)")

        load_options = {"packages": PRELOAD, "env": {"COPLEARN_JOURNAL": BROWSER_JOURNAL}}
        patch_pyodide_loader(static_py)
        try:
            snapshot = make_snapshot(static_py, load_options, cache, say)
        except SiteBuildError as exc:  # a site that starts slowly is better than no site
            say(f"WARNING: {exc}")
            say("WARNING: the site is built without the prepared kernel, so its lessons will start more slowly "
                "(Python is started in full on every visit); fix the problem above and build again")
            snapshot = None

        files = Path(tmp) / "files"
        found = stage_contents(root, files)
        say(f"copied {len(found)} lessons, the exercises, the examples and the guides")

        kernel_settings = {
            "disablePyPIFallback": True,
            "loadPyodideOptions": {**load_options, **({"coplearnSnapshot": SNAPSHOT_NAME} if snapshot else {})},
        }
        config = {
            "jupyter-lite-schema-version": 0,
            "jupyter-config-data": {
                "appName": "coplearn",
                # JupyterLite's own loading screen (off unless asked for): on a slow computer or line
                # the page was plain white for up to a minute (reach 12)
                "showLoadingIndicator": True,
                # window.jupyterapp: used by the run-on-open script below and by the browser tests
                "exposeAppInBrowser": "true",
                "litePluginSettings": {"@jupyterlite/pyodide-kernel-extension:kernel": kernel_settings},
                # JupyterLite's "Clear Browser Data" (in the file list's right-click menu, beside the
                # Download the learner is told to use for journal.json) deletes the journal and every kept
                # answer after one click and a confirmation that names neither (walk23 L6): left out.
                # Clearing the browser's own data (its settings) still does it, as the lesson note says.
                "disabledExtensions": ["@jupyterlab/apputils-extension:announcements",
                                       "@jupyterlite/application-extension:clear-browser-data",
                                       *UNUSED_PLUGINS],
            },
        }
        (lite / "jupyter-lite.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
        overrides = {
            # Cells below the first screen are drawn when the page is idle ("defer": every cell is
            # still in the page once drawn, unlike "full", so search, screen readers and the tests
            # see the whole lesson); "none" drew every cell before the lesson could start.
            "@jupyterlab/notebook-extension:tracker": {"windowingMode": "defer"},
            # The Notebook page (Jupyter Notebook 7) squeezes any output taller than about 1,800
            # pixels into a 24-line scrolling box: the culture profile (lesson 04) and the audit
            # (lesson 06) would then show through a slot. Lessons show their activities in full.
            "@jupyter-notebook/notebook-extension:scroll-output": {"autoScrollOutputs": False},
            "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
        }
        (lite / "overrides.json").write_text(json.dumps(overrides, indent=1), encoding="utf-8")
        build_config = {"LiteBuildConfig": {"ignore_sys_prefix": True,
                                            "apps": list(SITE_APPS),
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
        dropped = _drop_unreachable_chunks(staging / "build", [c for calls in UNUSED_PLUGINS.values() for c in calls])
        say(f"left out {len(dropped)} files of JupyterLab code that only the plugins turned off would load")
        inject_run_on_open(staging)
        changed = patch_file_helper(staging)
        if snapshot:
            changed += patch_kernel_worker(staging, fflate)
        rename_changed(staging, sorted(set(changed)))  # so that no browser reads an unpatched copy it kept
        favicons = staging / "static" / "favicons"  # the Notebook page asks for these while it works
        favicons.mkdir(parents=True, exist_ok=True)
        for name in ("favicon", "favicon-busy-1", "favicon-busy-2", "favicon-busy-3", "favicon-file",
                     "favicon-notebook", "favicon-terminal"):
            shutil.copy2(staging / "notebooks" / "favicon.ico", favicons / f"{name}.ico")
        # a browser asks for /favicon.ico before JupyterLite's script names the page's icon: answered, not
        # a 404 in the console of every page (walk23 L7), where the site is the web address's root
        shutil.copy2(staging / "notebooks" / "favicon.ico", staging / "favicon.ico")
        for app in ("lab", "tree"):  # their icons hold many sizes (320 kB, 32 kB): the Notebook's 1 kB one will do
            if (staging / app / "favicon.ico").exists():
                shutil.copy2(staging / "notebooks" / "favicon.ico", staging / app / "favicon.ico")
        for junk in ("rspack.config.js", "rspack.config.analyze.js", "rspack.config.watch.js"):
            (staging / junk).unlink(missing_ok=True)
        _drop_old_font_formats(staging / "build")
        built = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d")
        # JupyterLite's pages read the configuration block of every index.html up to the site's root,
        # so the landing page keeps the one JupyterLite wrote (without its redirect to the lab).
        original = (staging / "index.html").read_text(encoding="utf-8")
        block = re.search(r'<script id="jupyter-config-data".*?</script>', original, re.S)
        if block is None:
            raise SiteBuildError("JupyterLite's index.html has no configuration block; is this JupyterLite 0.8.6?")
        say(f"wrote {len(write_guides(root, staging))} guides as web pages")
        # every lesson as a printable page (the browser prints only the part of a lesson on the screen:
        # walk27 M5); each lesson's note, Ctrl+P in a lesson and the front page lead to them
        printed = print_lessons("all", staging / "printable", files / "course", site=True,
                                glossary=root / "docs" / "glossary.md")
        say(f"wrote {len(printed)} lessons as printable pages")
        prefetch, prefetch_bytes = prefetch_list(staging)
        page = landing_page(found, built, prefetch, prefetch_bytes).replace("</head>", block.group(0) + "\n</head>", 1)
        (staging / "index.html").write_text(page, encoding="utf-8")
        (staging / ".nojekyll").write_text("", encoding="utf-8")  # GitHub Pages: serve _-prefixed files
        write_service_worker(staging, prefetch)  # last: it fingerprints the finished site
        if output.exists():
            shutil.rmtree(output)
        output.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(staging), output)

    report = BuildReport(output, len(found), _dir_size(output), time.monotonic() - started)
    say(f"done in {report.seconds:.0f} s: {report.size_bytes / 1e6:.1f} MB in {output}")
    say(f"try it: coplearn site serve {output}, then open http://127.0.0.1:8000/")
    return report


def _drop_old_font_formats(folder: Path) -> None:
    """Remove the icon fonts' fallback formats (.eot, .ttf, .svg, .woff: 2.5 MB) where a .woff2 of the
    same font is there: every browser that runs Pyodide reads .woff2, the first format the CSS lists."""
    for woff2 in folder.glob("*.woff2"):
        for ext in (".eot", ".ttf", ".svg", ".woff"):
            woff2.with_suffix(ext).unlink(missing_ok=True)


#: A lazy load in JupyterLab's compiled code (rspack): ``o.e(4680)`` fetches chunk 4680 (a worker's
#: script: ``o.u(4680)``); the minifier writes 6000 as ``6e3``.
_CHUNK_LOAD = re.compile(r"(?<![\w$])[A-Za-z_$][\w$]*\.[eu]\((\d+(?:e\d+)?)\)")
_CHUNK_IDS = re.compile(r"\.push\(\[\[([\de,]+)\]")


def _drop_unreachable_chunks(build: Path, cut: list[str]) -> list[str]:
    """Delete the chunks of JupyterLab's code (``build/NNNN.hash.js``) that no page can load once the
    lazy imports ``cut`` (:data:`UNUSED_PLUGINS`) are never run. Returns the files deleted.

    From every app's ``bundle.js``, each chunk named in a lazy load is followed (through the chunks it
    in turn loads); a chunk never reached is deleted. The build stops if, before the cut, a chunk is
    not reached (this reading of the code misses a way chunks are loaded) or a lazy import to cut is
    not found exactly once (JupyterLite is not 0.8.6)."""
    files: dict[int, Path] = {}
    texts: dict[Path, str] = {}
    for path in sorted(build.glob("*.js")):
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        head = _CHUNK_IDS.search(text[:400])
        if head is None:
            continue
        texts[path] = text
        for cid in head.group(1).split(","):
            files[int(float(cid))] = path
    bundles = [p.read_text(encoding="utf-8") for p in sorted(build.glob("*/bundle.js"))]
    if not files or not bundles:
        raise SiteBuildError(f"JupyterLite's code in {build} is not laid out as in 0.8.6 (see coplearn/site/build.py)")

    def reached(masked: dict[Path, str]) -> set[Path]:
        seen: set[Path] = set()
        todo = [int(float(c)) for b in bundles for c in _CHUNK_LOAD.findall(b)]
        while todo:
            path = files.get(todo.pop())
            if path is None or path in seen:
                continue
            seen.add(path)
            todo += [int(float(c)) for c in _CHUNK_LOAD.findall(masked[path])]
        return seen

    if set(texts) - reached(texts):
        raise SiteBuildError("JupyterLite's code loads some of its chunks in a way this build does not read: "
                             + ", ".join(p.name for p in sorted(set(texts) - reached(texts))[:5]))
    masked = dict(texts)
    for call in cut:
        holders = [p for p, t in masked.items() if call in t]
        if len(holders) != 1 or masked[holders[0]].count(call) != 1:
            raise SiteBuildError(f"JupyterLite's code does not load {call!r} once, as 0.8.6 does; "
                                 "see UNUSED_PLUGINS in coplearn/site/build.py")
        masked[holders[0]] = masked[holders[0]].replace(call, "")
    unreached = sorted(set(texts) - reached(masked))
    for path in unreached:
        path.unlink()
    return [p.name for p in unreached]


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
