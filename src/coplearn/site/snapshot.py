"""A memory snapshot of the browser's Python, made at build time, so that a lesson's kernel starts warm.

Why: even with bytecode (see :mod:`coplearn.site.bytecode`), every kernel start re-runs the same
work: Pyodide's interpreter starts, then ``import pyodide_kernel`` (IPython, jedi, prompt_toolkit),
then the lesson imports coplearn, ipywidgets and plotly, and plotly builds its validators for the
first chart. On this project's 2-core test machine that was 6 to 9 s of every lesson's start.

How: Pyodide can save its whole WebAssembly memory (the Python heap: every module imported, every
object made) and start from it later (``loadPyodide({_makeSnapshot: true})``, then
``pyodide.makeMemorySnapshot()``; ``loadPyodide({_loadSnapshot})`` to use it; these options are
marked experimental by Pyodide, see its ``src/js/snapshot.ts``). The build runs the site's own
Pyodide under Node.js, loads the packages the kernel loads, does what the kernel does at start
(``import piplite.piplite``, ``import pyodide_kernel``), imports every module of coplearn and
builds each chart that needs no learner's data once, then writes the memory, gzip-compressed, to
``static/pyodide/python-snapshot.bin``. In the browser, ``coplearn-start.mjs`` (see
:mod:`coplearn.site.start`) starts Pyodide from it. There is no plain start to fall back on in such a
site (no wheels, and the files leave out the sources of the modules in memory): if the snapshot
cannot be used (a browser without ``DecompressionStream``: Firefox before 113, Safari before 16.4),
the kernel reports that Python could not start, with what to do.

What a snapshot cannot hold, and what the build does about it:

- Files: Pyodide's file system lives outside its memory. The packages are still loaded at start,
  which unpacks their files again (data files, templates, modules not yet imported); the modules
  already imported are not imported again.
- References from Python to JavaScript objects: only the ones Pyodide can find again by name are
  allowed. The kernel keeps a few functions of Pyodide's own API; they are saved by name
  (``{"pyodide": name}`` or ``{"api": name}``) and the start module hands over the new ones.
- Widgets: a widget made before the page's widget manager exists would never be shown, so no
  module of coplearn may make one when it is imported (``coplearn.widgets._base.FULL_WIDTH`` is a
  dict for that reason); the build fails if one does.
- Pyodide checks that its list of loaded packages is empty in a snapshot; the build empties that
  list (the start loads the packages again, which fills it).
- Choices Pyodide makes once at start from the JavaScript runtime: ``run_sync()`` is saved as the
  version for a runtime without WebAssembly stack switching (Node.js here), while ``can_run_sync()``
  asks the browser; the start module makes ``can_run_sync()`` say no, as in a browser without it.
- State that must differ per start: the start module reseeds ``random`` and reads the learner's
  time zone again (it runs the ``time`` module again: Pyodide's has no ``tzset()``). The environment variables are the kernel's own (the same
  ``env`` setting), fixed at build time.

The snapshot is cached by everything it depends on (the runtime, the lock file with every wheel's
checksum, the standard library, the kernel's settings and this code). Without Node.js, or if making
it fails, the site is built without it and starts as before, and the build says so.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from coplearn.site import _say, _sha256

#: The files the start module fetches, next to ``pyodide.mjs`` (gzip inside, whatever the server
#: says): Python's memory, and the packages' files (an index, then the files' bytes).
SNAPSHOT_NAME = "python-snapshot.bin"
FILES_NAME = "python-files.bin"

#: Runs in Pyodide under Node.js before the memory is saved: what the kernel does at start, then the
#: course's modules and charts. Everything happens inside a function, so that the learner's
#: namespace (``__main__``) gets nothing from it. Prints a JSON report on the real stdout.
WARM_PY = r'''
def _coplearn_warm():
    import importlib, inspect, json, pathlib, sys
    import piplite.piplite   # the kernel's first step
    import pyodide_kernel    # its second: IPython and the kernel itself
    import ipywidgets
    import coplearn
    from coplearn.figures._base import figure_bundle
    report = {"skipped": [], "charts": 0, "chart_errors": []}
    root = pathlib.Path(coplearn.__file__).parent
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        name = ".".join(("coplearn",) + parts).removesuffix(".__init__")
        try:
            importlib.import_module(name)
        except ImportError:
            report["skipped"].append(name)  # needs a package the browser edition leaves out (nbgrader)
    # plotly builds each trace type's validators on first use: build every chart that needs no
    # learner's data once (the lessons' other charts use the same trace types)
    for name, module in sorted(sys.modules.items()):
        if not name.startswith("coplearn.figures.") or module is None:
            continue
        for fname, func in sorted(vars(module).items()):
            if not (fname.startswith("build_") and inspect.isfunction(func) and func.__module__ == name):
                continue
            params = inspect.signature(func).parameters.values()
            if any(p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD,
                                                                        p.KEYWORD_ONLY) for p in params):
                continue
            try:
                chart = func()
                if hasattr(chart, "figure"):
                    figure_bundle(chart.figure, chart.alt.title)  # what a lesson displays
                report["charts"] += 1
            except Exception as exc:
                report["chart_errors"].append(f"{name}.{fname}: {type(exc).__name__}: {exc}")
    # a chart that needs data: the culture radar (lessons 03 and 04), for an empty profile
    try:
        from coplearn.figures.cultures import build_culture_radar
        radar = build_culture_radar(coplearn.culture_profile({}))
        figure_bundle(radar.figure, radar.alt.title)
        report["charts"] += 1
    except Exception as exc:
        report["chart_errors"].append(f"build_culture_radar: {type(exc).__name__}: {exc}")
    import markupsafe  # the documents' templates (CPD export, team report)
    from ipywidgets.widgets.widget import _instances
    report["widgets"] = len(_instances)
    report["modules"] = len(sys.modules)
    # Every module imported so far is in the memory saved. Their sources are left out of the files
    # too, but for coplearn's own (tracebacks in the course's code show their lines); other modules'
    # frames show without a line, which is rare for a learner and not worth 2 MB of the site.
    site = "/lib/python3.14/site-packages/"
    report["in_memory"] = sorted({m.__file__ for m in list(sys.modules.values())
                                  if isinstance(getattr(m, "__file__", None), str) and m.__file__.startswith(site)
                                  and not m.__file__.startswith(site + "coplearn/")})
    import gc
    gc.collect()
    # everything made so far lives as long as the kernel: keep it out of the garbage collector's
    # rounds, or each full collection after the start (unpacking the packages makes many) walks it all
    gc.freeze()
    sys.__stdout__.write("COPLEARN-SNAPSHOT " + json.dumps(report) + "\n")


_coplearn_warm()
del _coplearn_warm
'''

#: The Node.js side: start the site's Pyodide as the kernel would (same packages and environment),
#: warm it, and save its memory.
MAKE_MJS = r'''
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
const [pyodideDir, optionsFile, warmFile, outFile, filesOut] = process.argv.slice(2);
const options = JSON.parse(readFileSync(optionsFile, "utf8"));
const { loadPyodide } = await import(pathToFileURL(pyodideDir + "/pyodide.mjs").href);
let report = null;
function stdout(line) {
  if (line.startsWith("COPLEARN-SNAPSHOT ")) report = JSON.parse(line.slice(18));
  console.log(line);
}
const pyodide = await loadPyodide({ ...options, indexURL: pyodideDir + "/", _makeSnapshot: true, stdout,
                                    stderr: (s) => console.error(s) });
await pyodide.runPythonAsync(readFileSync(warmFile, "utf8"));
// The packages' files, as Pyodide unpacked them, without bytecode (the modules the kernel and the
// lessons import at start are in the memory saved; the few imported later are compiled then) and
// without the sources of the modules in memory (but coplearn's).
const skip = new Set(report.in_memory);
const index = { dirs: [], files: [], packages: Object.keys(pyodide.loadedPackages).sort() };
const chunks = [];
function walk(dir) {
  for (const name of pyodide.FS.readdir(dir).sort()) {
    if (name === "." || name === "..") continue;
    const path = `${dir}/${name}`;
    if (pyodide.FS.isDir(pyodide.FS.stat(path).mode)) {
      index.dirs.push(path);
      walk(path);
    } else if (!skip.has(path) && !path.endsWith(".pyc")) {
      const data = pyodide.FS.readFile(path);
      index.files.push([path, data.length]);
      chunks.push(data);
    }
  }
}
walk(pyodide._api.sitepackages);
const head = Buffer.from(JSON.stringify(index));
const length = Buffer.alloc(4);
length.writeUInt32LE(head.length);
writeFileSync(filesOut, gzipSync(Buffer.concat([length, head, ...chunks]), { level: 9 }));
// Pyodide's snapshot expects its list of loaded packages to be empty; the start fills it again.
for (const name of Object.keys(pyodide.loadedPackages)) delete pyodide.loadedPackages[name];
function serializer(value) {
  for (const [where, obj] of [["pyodide", pyodide], ["api", pyodide._api]]) {
    for (const key of Object.getOwnPropertyNames(obj)) {
      let got;
      try { got = obj[key]; } catch (e) { continue; }
      if (got === value) return { [where]: key };
    }
  }
  throw new Error("Python holds a JavaScript object the snapshot cannot name: " + String(value).slice(0, 120));
}
const snapshot = pyodide.makeMemorySnapshot({ serializer });
writeFileSync(outFile, gzipSync(snapshot, { level: 9 }));
console.log("COPLEARN-SNAPSHOT-BYTES " + snapshot.length);
'''


def make_snapshot(static_py: Path, options: dict, cache: Path, say: Callable[[str], None] = _say) -> bool:
    """Write ``python-snapshot.bin`` and ``python-files.bin`` into ``static_py`` (from the cache, or
    made now with Node.js). Returns whether they were written (if not, the build says why).

    ``static_py`` holds the site's Pyodide: its core files, the rewritten lock file and the wheels.
    ``options`` are the kernel's ``loadPyodideOptions`` (the packages it loads, its environment).
    """
    h = hashlib.sha256()
    for name in ("pyodide.asm.wasm", "pyodide.asm.mjs", "python_stdlib.zip", "pyodide-lock.json"):
        h.update(_sha256(static_py / name).encode())
    h.update(json.dumps(options, sort_keys=True).encode() + WARM_PY.encode() + MAKE_MJS.encode())
    key = h.hexdigest()[:16]
    folder = cache / "snapshots"
    cached = {name: folder / f"{key}-{name}" for name in (SNAPSHOT_NAME, FILES_NAME)}
    if not all(p.exists() for p in cached.values()):
        if not _make(static_py, options, folder, key, say):
            return False
    for name, path in cached.items():
        shutil.copyfile(path, static_py / name)
    return True


def _make(static_py: Path, options: dict, folder: Path, key: str, say: Callable[[str], None]) -> bool:
    node = shutil.which("node")
    if node is None:
        say("Node.js not found: the site is built without a memory snapshot of its Python, so its lessons "
            "will start more slowly (install Node.js and build again)")
        return False
    say("making a memory snapshot of the browser's Python (its kernel, coplearn and the charts, ready to run)")
    with tempfile.TemporaryDirectory(prefix="coplearn-snapshot-") as tmp:
        tmp_path = Path(tmp)
        (tmp_path / "make.mjs").write_text(MAKE_MJS, encoding="utf-8")
        (tmp_path / "warm.py").write_text(WARM_PY, encoding="utf-8")
        (tmp_path / "options.json").write_text(json.dumps(options), encoding="utf-8")
        out, files = tmp_path / SNAPSHOT_NAME, tmp_path / FILES_NAME
        try:
            proc = subprocess.run([node, str(tmp_path / "make.mjs"), str(static_py), str(tmp_path / "options.json"),
                                   str(tmp_path / "warm.py"), str(out), str(files)],
                                  capture_output=True, text=True, timeout=900)
        except subprocess.TimeoutExpired:
            say("making the memory snapshot took too long; the site is built without it (its lessons will start "
                "more slowly)")
            return False
        report = next((json.loads(line.split(" ", 1)[1]) for line in proc.stdout.splitlines()
                       if line.startswith("COPLEARN-SNAPSHOT ")), None)
        if proc.returncode != 0 or not out.exists() or not files.exists() or report is None:
            detail = (proc.stderr.strip() or proc.stdout.strip())[-800:]
            say(f"could not make the memory snapshot; the site is built without it, so its lessons will start more "
                f"slowly ({detail})")
            return False
        if report["widgets"]:
            say(f"could not make the memory snapshot: importing coplearn made {report['widgets']} widget(s), which "
                "a snapshot cannot hold; the site is built without it")
            return False
        for err in report["chart_errors"]:
            say(f"snapshot: a chart failed while warming plotly (not fatal): {err}")
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.bin"):  # one snapshot is enough: coplearn changes often
            old.unlink()
        shutil.copyfile(out, folder / f"{key}-{SNAPSHOT_NAME}")
        shutil.copyfile(files, folder / f"{key}-{FILES_NAME}")
    return True
