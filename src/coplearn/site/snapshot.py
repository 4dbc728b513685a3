"""A started kernel, saved at build time, so that a lesson's Python is ready in a moment.

Why: on a learner's computer most of a lesson's wait was Python starting in the browser and
importing the kernel (IPython, ipywidgets, plotly, coplearn: about 900 modules), the same work on
every visit. Pyodide can save its whole memory after that work and start from the saved copy (a
"memory snapshot"), as a program resumes from hibernation.

How:

1. At build time Node.js (it comes with npm) runs the site's own Pyodide, loads the
   packages every lesson needs and imports the kernel and the course's library (``SNAPSHOT_PY``:
   no widget is created and no message is sent while it does so), then saves Pyodide's memory,
   gzip-compressed, as ``static/pyodide/coplearn-kernel.snapshot.gz``. The few JavaScript objects
   that Python holds at that point are parts of Pyodide's own API; each is saved by name.
2. In the browser, the kernel's worker (patched by :func:`patch_kernel_worker`) fetches that file,
   unpacks it with the browser's own gzip, and hands it to ``loadPyodide``. The packages' files are
   still unpacked as before (a module imported later needs them), but nothing is imported again.
   The random generator is seeded afresh, so that two learners (or two visits) do not share it.
   If anything goes wrong the worker says so in the browser's console and starts Python in full,
   as it did without a snapshot: slower, never broken.
3. Pyodide 314.0.6's ``loadPyodide`` does not make its memory big enough for a snapshot larger
   than its starting memory (the ``INITIAL_MEMORY`` it sets is not read by this build), so
   :func:`patch_pyodide_loader` grows the memory first.
4. JupyterLab asks for a kernel only once its own page has started. So the Notebook and
   JupyterLab pages start the kernel's worker as they load (:data:`PRESTART_SCRIPT`), that worker
   starts Python at once with the options the site's settings give the kernel, and the kernel
   takes that worker and that Python when it is created (same options checked; once per page).

Every patch is an exact text replacement that stops the build with a clear message if Pyodide,
the kernel or the pages change.

A snapshot fits only the Pyodide build, the packages and the code it was made from: it is cached
under a key made of all three, and Pyodide itself refuses a snapshot from another build.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from coplearn.site import SiteBuildError, _say, _sha256
from coplearn.site.bytecode import compile_all

#: The snapshot's file name, beside Pyodide's own files in the site.
SNAPSHOT_NAME = "coplearn-kernel.snapshot.gz"

#: Runs in Pyodide under Node.js before the memory is saved: what every lesson would otherwise
#: import on its own, coplearn.widgets included. No widget may be made (a widget opens a channel to
#: the page, and there is no page yet), and no compiled extension loaded (its functions live outside
#: the saved memory): both are checked here.
SNAPSHOT_PY = r'''
import importlib, pkgutil, sys
import piplite.piplite
import pyodide_kernel
import ipywidgets, IPython.display
import plotly.graph_objects, plotly.io
import coplearn, coplearn.figures, coplearn.teaching, coplearn.paper, coplearn.practice, coplearn.core
import coplearn.widgets
for _pkg in (coplearn.figures, coplearn.teaching, coplearn.paper, coplearn.practice, coplearn.core,
             coplearn.widgets):
    for _m in pkgutil.iter_modules(_pkg.__path__, _pkg.__name__ + "."):
        importlib.import_module(_m.name)
# what a first chart imports (plotly loads its figure classes, validators and narwhals on first use)
plotly.graph_objects.Figure, plotly.graph_objects.Layout
plotly.graph_objects.Scatterpolar, plotly.graph_objects.Bar, plotly.graph_objects.Scatter
from ipywidgets.widgets.widget import _instances
_made = len(_instances)
if _made:
    raise RuntimeError(f"{_made} widgets were created while the kernel was prepared; none may be")
_so = sorted(n for n, m in list(sys.modules.items()) if (getattr(m, "__file__", None) or "").endswith(".so"))
if _so:
    raise RuntimeError(f"compiled extensions were loaded while the kernel was prepared: {_so}")
del importlib, pkgutil, _pkg, _m, _instances, _made, _so
'''

#: Node.js: start the site's Pyodide, run SNAPSHOT_PY, save the memory (raw; gzip is done in Python).
_RUNNER_MJS = r'''
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const [pyodideDir, out, optionsFile, codeFile] = process.argv.slice(2);
const options = JSON.parse(readFileSync(optionsFile, "utf8"));
const { loadPyodide } = await import(pathToFileURL(pyodideDir + "/pyodide.mjs").href);
const errors = [];
const py = await loadPyodide({ indexURL: pyodideDir + "/", ...options, _makeSnapshot: true,
                               stdout: () => {}, stderr: (s) => errors.push(s) });
try {
  await py.runPythonAsync(readFileSync(codeFile, "utf8"));
} catch (err) {
  console.error(String(err.message || err).slice(-3000), errors.join("\n").slice(-2000));
  process.exit(3);
}
// The packages are unpacked again when the snapshot is loaded; Pyodide expects an empty list here.
for (const name of Object.keys(py.loadedPackages)) delete py.loadedPackages[name];
function nameOf(obj) {
  for (const [root, where] of [["pyodide", py], ["api", py._api]]) {
    for (const key of Object.getOwnPropertyNames(where)) {
      let value;
      try { value = where[key]; } catch { continue; }
      if (value === obj) return [root, key];
    }
  }
  throw new Error("the kernel holds a JavaScript object that cannot be saved: " + String(obj).slice(0, 120));
}
const snapshot = py.makeMemorySnapshot({ serializer: nameOf });
writeFileSync(out, snapshot);
console.log(JSON.stringify({ bytes: snapshot.length }));
'''

#: Run in Python right after a start from the snapshot.
#: - Python's random numbers (and tempfile's name generator) are seeded afresh: anything random made
#:   before the snapshot is shared by every kernel started from it (coplearn makes its lock-file
#:   token on first use for this reason; see coplearn/core/atomic.py).
#: - The snapshot is made under Node.js, which has no WebAssembly stack switching (JSPI), and a
#:   kernel started from it cannot use ``run_sync`` even in Chrome (it raises "not supported"; our
#:   reading is that Pyodide settles this at start-up). Chrome would still report
#:   ``can_run_sync() == True``, and ``time.sleep`` (used by the journal's file lock while another
#:   tab holds it) would then call ``run_sync`` and fail. So the kernel says, as browsers without
#:   JSPI do, that it cannot: ``time.sleep`` then waits as it does there.
AFTER_RESTORE = ("import random as _r, tempfile as _t; _r.seed(); _t._name_sequence = None; del _r, _t\n"
                 "import pyodide.ffi as _f, pyodide.webloop as _w\n"
                 "_f.can_run_sync = _w.can_run_sync = lambda: False\n"
                 "del _f, _w\n")

#: The line that ends what :data:`WORKER_LOADER` adds to a worker.
LOADER_END = "// coplearn: the kernel's own worker follows\n"

#: What the worker says in the browser's console (the tests look for these).
READY_MESSAGE = "coplearn: Python started from the prepared kernel"
FALLBACK_MESSAGE = "coplearn: the prepared kernel could not be used, so Python starts in full (slower):"

#: Said in the worker's console when the kernel takes the Python that was started with the page.
EARLY_MESSAGE = "coplearn: the kernel took the Python started while the page loaded"

#: Added at the top of the kernel's worker: load Pyodide from the snapshot, or in full if that fails.
#: A worker that the page started early (:data:`PRESTART_SCRIPT`, its address ending in
#: ``#coplearn-prestart``) begins at once with the options the site's settings give the kernel
#: (``globalThis.__coplearnEarlyConfig``, written above this by :func:`patch_kernel_worker`); when the
#: kernel then asks for Python with the same options it gets that one, ready or nearly so. With other
#: options (the settings were changed after the build) it starts its own, as without a prestart.
WORKER_LOADER = r'''globalThis.__coplearnOptionsKey = (o) =>
  JSON.stringify(Object.keys(o).filter((k) => typeof o[k] !== "function").sort().map((k) => [k, o[k]]));
globalThis.__coplearnLoadPyodide = async (load, options, early = false) => {
  const started = globalThis.__coplearnEarly;
  if (started && !early) {
    globalThis.__coplearnEarly = null;
    if (started.key === globalThis.__coplearnOptionsKey(options)) {
      try {
        const pyodide = await started.pyodide;
        if (options.stdout) pyodide.setStdout({ batched: options.stdout });
        if (options.stderr) pyodide.setStderr({ batched: options.stderr });
        console.info(EARLY_MESSAGE);
        return pyodide;
      } catch (err) {
        console.warn("coplearn: the Python started with the page failed; starting it again", err);
      }
    } else {
      console.warn("coplearn: the kernel's options are not those the page started Python with; starting it again");
    }
  }
  const name = options.coplearnSnapshot;
  const rest = Object.assign({}, options);
  delete rest.coplearnSnapshot;
  if (!name || typeof DecompressionStream === "undefined") return load(rest);
  let pyodide = null;
  try {
    // fetched and unpacked while Pyodide fetches and compiles its WebAssembly
    const snapshot = (async () => {
      const response = await fetch(new URL(name, new URL(rest.indexURL, self.location.href)));
      if (!response.ok) throw new Error("HTTP " + response.status + " for " + name);
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;  // the server has already unpacked it
      const body = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
      return new Uint8Array(await new Response(body).arrayBuffer());
    })();
    snapshot.catch(() => {});  // a failure is handled below, where loadPyodide awaits it
    const target = ([root, key]) => (root === "pyodide" ? pyodide : pyodide._api)[key];
    const restore = (path) => {
      const real = () => target(path);
      return new Proxy(function () {}, {
        apply: (_f, self_, args) => Reflect.apply(real(), path[0] === "pyodide" ? pyodide : pyodide._api, args),
        get: (_f, prop) => { const v = real()[prop]; return typeof v === "function" ? v.bind(real()) : v; },
        has: (_f, prop) => prop in real(),
      });
    };
    pyodide = await load(Object.assign({}, rest, { _loadSnapshot: snapshot, _snapshotDeserializer: restore }));
    pyodide.runPython(AFTER_RESTORE);
    console.info(READY_MESSAGE);
    return pyodide;
  } catch (err) {
    console.warn(FALLBACK_MESSAGE, err);
    return load(rest);
  }
};
globalThis.__coplearnEarly = null;
if (self.location && self.location.hash === "#coplearn-prestart" && globalThis.__coplearnEarlyConfig) {
  try {
    const config = globalThis.__coplearnEarlyConfig;
    const indexURL = new URL(config.index, self.location.href).href;
    const options = Object.assign({ indexURL }, config.options);
    const pyodide = import(indexURL + "pyodide.mjs")
      .then(({ loadPyodide }) => globalThis.__coplearnLoadPyodide(loadPyodide, options, true));
    pyodide.catch(() => {});  // reported when the kernel takes it
    globalThis.__coplearnEarly = { key: globalThis.__coplearnOptionsKey(options), pyodide };
  } catch (err) {
    console.warn("coplearn: could not start Python early", err);
  }
}
// coplearn: the kernel's own worker follows
'''.replace("READY_MESSAGE", json.dumps(READY_MESSAGE)).replace("FALLBACK_MESSAGE", json.dumps(FALLBACK_MESSAGE)) \
  .replace("AFTER_RESTORE", json.dumps(AFTER_RESTORE)).replace("EARLY_MESSAGE", json.dumps(EARLY_MESSAGE))

#: The kernel's call to loadPyodide in jupyterlite-pyodide-kernel 0.8.6's two workers (minified;
#: the browser uses the "coincident" one on a cross-origin isolated page, else the "comlink" one).
_WORKER_CALL = re.compile(r"this\._pyodide=await (\w+)\(\{indexURL:(\w+),")
_WORKER_CALL_NEW = r"this._pyodide=await globalThis.__coplearnLoadPyodide(\1,{indexURL:\2,"

#: Pyodide 314.0.6's bootstrap, and the same with the memory grown to the snapshot's size first.
_LOADER_RESTORE = "t&&(s=i.restoreSnapshot(t))"
_LOADER_RESTORE_NEW = "t&&(e.growMemory(t.length),s=i.restoreSnapshot(t))"


def snapshot_key(static_py: Path, options: dict) -> str:
    """What the snapshot depends on: Pyodide's build, every file the lock names, the code run."""
    h = hashlib.sha256()
    h.update(_sha256(static_py / "pyodide.asm.wasm").encode())
    h.update(_sha256(static_py / "python_stdlib.zip").encode())
    lock = json.loads((static_py / "pyodide-lock.json").read_text(encoding="utf-8"))
    for name in sorted(lock["packages"]):
        h.update(f"{name}={lock['packages'][name]['sha256']}".encode())
    h.update(json.dumps(options, sort_keys=True).encode())
    h.update((SNAPSHOT_PY + _RUNNER_MJS).encode())
    return h.hexdigest()


def make_snapshot(static_py: Path, options: dict, cache: Path, say=_say) -> Path | None:
    """Write ``static_py/SNAPSHOT_NAME`` (from the cache or made now); ``None`` without Node.js.

    ``static_py`` holds the site's Pyodide, its lock file and the wheels it names. ``options`` are
    the ``loadPyodide`` options the kernel will use (its packages and environment).

    The snapshot is made from bytecode-compiled copies of the same wheels and standard library
    (:mod:`coplearn.site.bytecode`): Python then reads each module's code instead of compiling its
    source, which leaves far less garbage in the memory that is saved (a 14 MB download rather
    than 19 MB). The site itself serves the source-only files: a kernel started from the snapshot
    never imports those modules again.
    """
    key = snapshot_key(static_py, options)
    cached = cache / f"snapshot-{key[:16]}.gz"
    if not cached.exists():
        node = shutil.which("node")
        if node is None:
            say("Node.js not found: the site is built without a prepared kernel, so its lessons will "
                "start more slowly (install Node.js and build again)")
            return None
        say("preparing a started kernel for the browser (a memory snapshot; cached for the next build)")
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            tmp_path = Path(tmp)
            work = _compiled_copy(static_py, tmp_path / "pyodide", cache, say)
            (tmp_path / "run.mjs").write_text(_RUNNER_MJS, encoding="utf-8")
            (tmp_path / "snapshot.py").write_text(SNAPSHOT_PY, encoding="utf-8")
            (tmp_path / "options.json").write_text(json.dumps(options), encoding="utf-8")
            raw = tmp_path / "snapshot.bin"
            proc = subprocess.run([node, str(tmp_path / "run.mjs"), str(work), str(raw),
                                   str(tmp_path / "options.json"), str(tmp_path / "snapshot.py")],
                                  capture_output=True, text=True, timeout=900)
            if proc.returncode != 0 or not raw.exists():
                raise SiteBuildError("could not prepare the browser's kernel (memory snapshot): "
                                     + (proc.stderr.strip() or proc.stdout.strip())[-1500:])
            part = tmp_path / "snapshot.gz"
            with open(raw, "rb") as src, open(part, "wb") as out, \
                    gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9, mtime=0) as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            for stale in cache.glob("snapshot-*.gz"):
                stale.unlink(missing_ok=True)
            part.replace(cached)
    out = static_py / SNAPSHOT_NAME
    shutil.copyfile(cached, out)
    return out


def _compiled_copy(static_py: Path, dest: Path, cache: Path, say) -> Path:
    """A copy of ``static_py`` whose wheels and standard library carry bytecode (lock updated)."""
    dest.mkdir(parents=True)
    lock = json.loads((static_py / "pyodide-lock.json").read_text(encoding="utf-8"))
    jobs = {static_py / entry["file_name"]: "wheel" for entry in lock["packages"].values()}
    jobs[static_py / "python_stdlib.zip"] = "stdlib"
    compiled = compile_all(static_py, jobs, cache, say)
    if compiled is None:
        raise SiteBuildError("could not compile the browser's Python to bytecode for the prepared kernel")
    for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm"):
        shutil.copyfile(static_py / name, dest / name)
    shutil.copyfile(compiled[static_py / "python_stdlib.zip"], dest / "python_stdlib.zip")
    for entry in lock["packages"].values():
        target = dest / entry["file_name"]
        shutil.copyfile(compiled[static_py / entry["file_name"]], target)
        entry["sha256"] = _sha256(target)
    (dest / "pyodide-lock.json").write_text(json.dumps(lock), encoding="utf-8")
    return dest


def patch_pyodide_loader(static_py: Path) -> None:
    """Let Pyodide's loader start from a snapshot bigger than its starting memory (see above)."""
    loader = static_py / "pyodide.mjs"
    text = loader.read_text(encoding="utf-8")
    if text.count(_LOADER_RESTORE) != 1:
        raise SiteBuildError(f"{loader.name} is not the Pyodide 314.0.6 loader this build patches "
                             "(see coplearn/site/snapshot.py)")
    loader.write_text(text.replace(_LOADER_RESTORE, _LOADER_RESTORE_NEW), encoding="utf-8")


#: The kernel's worker is made in jupyterlite-pyodide-kernel 0.8.6's kernel class (minified):
#: this patch lets it take the worker the page started early instead, once.
_KERNEL_INIT_WORKER = "initWorker(e){"
_KERNEL_INIT_WORKER_NEW = ("initWorker(e){const coplearnWorker=globalThis.__coplearnTakeWorker&&"
                           "globalThis.__coplearnTakeWorker();if(coplearnWorker)return coplearnWorker;")

#: Added to the head of the Notebook and JupyterLab pages. When the page opens a notebook, it starts
#: the kernel's worker at once, so that Python starts from the prepared kernel while JupyterLab itself
#: loads (about six seconds of a lesson's start on a 2-core laptop, and longer on a first visit),
#: rather than after. The kernel then takes this worker (:data:`_KERNEL_INIT_WORKER_NEW`); a later
#: kernel (a restart, a second notebook) makes its own as usual. Skipped where the kernel would use
#: its other worker (a cross-origin isolated page). A worker no kernel takes is stopped after 5 min.
PRESTART_SCRIPT = """<script id="coplearn-prestart">
(function () {
  try {
    var path = new URLSearchParams(window.location.search).get("path") || "";
    if (!/[.]ipynb$/i.test(path) || window.crossOriginIsolated || typeof Worker === "undefined") return;
    var worker = new Worker(new URL(WORKER_URL + "#coplearn-prestart", window.location.href), { type: "module" });
    var timer = setTimeout(function () {
      if (window.__coplearnTakeWorker) { window.__coplearnTakeWorker(); worker.terminate(); }
    }, 300000);
    window.__coplearnTakeWorker = function () {
      window.__coplearnTakeWorker = null;
      clearTimeout(timer);
      return worker;
    };
  } catch (err) {
    console.warn("coplearn: could not start Python early", err);
  }
})();
</script>
"""

#: The pages that open notebooks and so get :data:`PRESTART_SCRIPT`.
PRESTART_PAGES = ("notebooks/index.html", "lab/index.html")


def patch_kernel_worker(site: Path) -> list[Path]:
    """Make the kernel's workers start Pyodide from the snapshot, and the pages start it early.

    Returns the files patched: the two workers, the kernel class's chunk and the pages.
    """
    folder = site / "extensions" / "@jupyterlite" / "pyodide-kernel-extension" / "static"
    workers = {}
    for worker in sorted(folder.glob("*.worker.*.js")):
        new, count = _WORKER_CALL.subn(_WORKER_CALL_NEW, worker.read_text(encoding="utf-8"))
        if count != 1:
            raise SiteBuildError(f"{worker.name}: the kernel calls loadPyodide {count} times, not once as in "
                                 "jupyterlite-pyodide-kernel 0.8.6 (see coplearn/site/snapshot.py)")
        workers[worker] = new
    comlink = next((w for w in workers if w.name.startswith("comlink.")), None)
    if len(workers) != 2 or comlink is None:
        raise SiteBuildError("the Pyodide kernel's worker does not call loadPyodide as jupyterlite-pyodide-kernel "
                             "0.8.6 does; cannot start it from the prepared kernel (see coplearn/site/snapshot.py)")
    settings = json.loads((site / "jupyter-lite.json").read_text(encoding="utf-8"))["jupyter-config-data"] \
        ["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    pyodide_url = settings.get("pyodideUrl", "")
    if not pyodide_url.startswith("./") or not pyodide_url.endswith("/pyodide.mjs"):
        raise SiteBuildError(f"the kernel's pyodideUrl {pyodide_url!r} is not a file of this site")
    index = os.path.relpath(site / pyodide_url[2:-len("pyodide.mjs")], folder).replace(os.sep, "/") + "/"
    early = {"index": index, "options": settings.get("loadPyodideOptions", {})}
    header = f"globalThis.__coplearnEarlyConfig = {json.dumps(early)};\n"
    patched = []
    for worker, new in workers.items():
        worker.write_text(header + WORKER_LOADER + new, encoding="utf-8")
        patched.append(worker)
    chunks = [c for c in sorted(folder.glob("*.js")) if _KERNEL_INIT_WORKER in c.read_text(encoding="utf-8")]
    if len(chunks) != 1 or chunks[0].read_text(encoding="utf-8").count(_KERNEL_INIT_WORKER) != 1:
        raise SiteBuildError("the Pyodide kernel does not make its worker as jupyterlite-pyodide-kernel 0.8.6 "
                             "does; cannot start it early (see coplearn/site/snapshot.py)")
    text = chunks[0].read_text(encoding="utf-8")
    chunks[0].write_text(text.replace(_KERNEL_INIT_WORKER, _KERNEL_INIT_WORKER_NEW), encoding="utf-8")
    patched.append(chunks[0])
    for name in PRESTART_PAGES:
        page = site / name
        text = page.read_text(encoding="utf-8")
        url = os.path.relpath(comlink, page.parent).replace(os.sep, "/")
        script = PRESTART_SCRIPT.replace("WORKER_URL", json.dumps(url))
        if text.count("<head>") != 1:
            raise SiteBuildError(f"{name} has no single <head> to start the kernel early from")
        page.write_text(text.replace("<head>", "<head>\n" + script, 1), encoding="utf-8")
        patched.append(page)
    return patched


def is_patched_worker(text: str) -> bool:
    return WORKER_LOADER in text and "await globalThis.__coplearnLoadPyodide(" in text
