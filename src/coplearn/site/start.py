"""How Python starts in the learner's browser: a small module the kernel loads instead of Pyodide's own.

JupyterLite's Pyodide kernel imports ``loadPyodide`` from the address in its ``pyodideUrl`` setting
and calls it with the site's ``loadPyodideOptions``. The build points that setting at
``static/pyodide/coplearn-start.mjs`` (:data:`START_MJS`), which calls Pyodide's own
``loadPyodide`` and records when each step of the kernel's start-up began and ended, in the
worker's ``globalThis.coplearnTimes`` (milliseconds since the worker started; read by
``scripts/bench_site.py``):

- ``pyodide_start``: the kernel asks for Python; ``snapshot_fetched``: the memory snapshot and the
  packages' files are read and unpacked (a site with a snapshot, see :mod:`coplearn.site.snapshot`);
  ``runtime_ready``: Pyodide runs (from the snapshot, or started afresh and its packages loaded
  from the wheels in a site without one); ``pyodide_ready``: the packages' files are written;
  ``snapshot`` (= 1) says that the snapshot was used;
- ``python_1_*``: the kernel's package-manager set-up; ``python_2_*``: ``import pyodide_kernel``
  (IPython and the kernel) and the move to the learner's folder (both already done in a snapshot).
"""

from __future__ import annotations

import json
from pathlib import Path

from coplearn.site import SiteBuildError
from coplearn.site.snapshot import FILES_NAME, SNAPSHOT_NAME

#: The module's file name, next to ``pyodide.mjs`` (the kernel takes Pyodide's folder from its address).
START_NAME = "coplearn-start.mjs"

START_MJS = """\
// coplearn: start Python for the browser edition (written by coplearn site build; see
// coplearn/site/start.py and coplearn/site/snapshot.py). Starts Pyodide from the site's memory
// snapshot when the site has one, and times each start-up step.
import { loadPyodide as pyodideLoad } from "./pyodide.mjs";

const times = (globalThis.coplearnTimes = globalThis.coplearnTimes || {});
function mark(name) { times[name] = Math.round(performance.now()); }

// Set by the build: whether the site has a memory snapshot and a file image of its packages
// (see snapshot.py). Without them Python starts as Pyodide does by itself, from the wheels.
const HAS_SNAPSHOT = __HAS_SNAPSHOT__;

// A gzip-compressed file of the site, unpacked (unless the web server already did that).
async function fetchUnpacked(name) {
  const response = await fetch(new URL(name, import.meta.url));
  if (!response.ok) throw new Error(`${name}: ${response.status}`);
  let bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  }
  return bytes;
}

// The packages' files (python-files.bin: a little-endian length, a JSON index, then the files'
// bytes one after another), written into Pyodide's file system in one go, instead of unpacking
// every wheel with Python at each start.
function writeFiles(pyodide, bytes) {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  const index = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length)));
  let at = 4 + length;
  for (const dir of index.dirs) pyodide.FS.mkdirTree(dir);
  for (const [path, size] of index.files) {
    pyodide.FS.writeFile(path, bytes.subarray(at, at + size));
    at += size;
  }
  for (const name of index.packages) pyodide.loadedPackages[name] = "default channel";
  pyodide.runPython("import importlib as _i; _i.invalidate_caches(); del _i");
}

// The snapshot names the few functions of Pyodide's own API that Python keeps a reference to
// (see snapshot.py); hand over the ones of the Pyodide that has just started.
function deserializer(started) {
  const get = (where) => {
    const pyodide = started();
    if (!pyodide) throw new Error("coplearn: Python is still starting");
    return where === "api" ? pyodide._api : pyodide;
  };
  return (saved) => {
    const where = "api" in saved ? "api" : "pyodide";
    const name = saved[where];
    if (where === "api" && name === "public_api") {
      const target = () => get("pyodide");
      return new Proxy({}, {
        get: (_, key) => Reflect.get(target(), key),
        has: (_, key) => Reflect.has(target(), key),
        set: (_, key, value) => Reflect.set(target(), key, value),
        ownKeys: () => Reflect.ownKeys(target()),
        getOwnPropertyDescriptor: (_, key) => {
          const d = Reflect.getOwnPropertyDescriptor(target(), key);
          if (d) d.configurable = true;
          return d;
        },
      });
    }
    return function (...args) { const obj = get(where); return obj[name].apply(obj, args); };
  };
}

export async function loadPyodide(options = {}) {
  mark("pyodide_start");
  let pyodide = null, files = null;
  if (HAS_SNAPSHOT) {
    let started = null;
    try {
      // Read and unpack the snapshot and the files while Pyodide's own script loads: Pyodide waits
      // for the snapshot only before it starts its WebAssembly, and the files are needed after.
      const snapshotRead = fetchUnpacked("python-snapshot.bin");
      const filesRead = fetchUnpacked("python-files.bin");
      filesRead.catch(() => {});  // (awaited below; this only keeps an early failure from being unhandled)
      options = { ...options, packages: [] };  // their files come from python-files.bin
      // The snapshot holds Python's whole memory; Pyodide's runtime starts with less and copies the
      // snapshot over it, so grow the memory to the snapshot's size first (the header's second word
      // is where the memory starts in the file).
      const script = import("./pyodide.asm.mjs");
      const createPyodideModule = async (settings) => {
        const [{ default: createModule }, snapshot] = await Promise.all([script, snapshotRead]);
        mark("snapshot_fetched");
        const memory = snapshot.length - new DataView(snapshot.buffer, snapshot.byteOffset).getUint32(4, true);
        const module = await createModule(settings);
        if (module.HEAP8.length < memory) module.growMemory(memory);
        return module;
      };
      const loaded = await pyodideLoad({ ...options, createPyodideModule, _loadSnapshot: snapshotRead,
                                         _snapshotDeserializer: deserializer(() => started) });
      files = await filesRead;
      started = loaded;
      // First, before Python reads any other module: forget the standard library's table of contents
      // saved in the snapshot (the site's zip has no bytecode: snapshot.py). Then what must be fresh
      // for every start: the random numbers' seed, and the learner's time zone (Pyodide's time
      // module has no tzset(); running the module again reads the zone).
      loaded.runPython("import importlib as _i, random as _r, time as _t; _i.invalidate_caches(); _r.seed(); _i.reload(_t); del _i, _r, _t");
      // Pyodide chose its run_sync() when the snapshot was made, under Node.js without WebAssembly
      // stack switching (JSPI): the one saved only raises "not supported". But can_run_sync() asks
      // the browser, which may have JSPI, and then time.sleep() (which Pyodide routes through
      // run_sync when it can) raised. So say "cannot" everywhere, as Pyodide does in a browser
      // without JSPI: time.sleep() then waits as it does there.
      loaded.runPython("import pyodide.ffi as _f, pyodide.webloop as _w; _f.can_run_sync = _w.can_run_sync = (lambda: False); del _f, _w");
      pyodide = loaded;
      times.snapshot = 1;
    } catch (err) {
      // No plain start to fall back on: the site has no wheels, and the files leave out the sources
      // of the modules in the snapshot (snapshot.py). The kernel shows this message.
      throw new Error("Python could not start in this browser (" + err + "). Reload the page; if that " +
                      "does not help, use an up-to-date Chrome, Edge, Firefox or Safari.");
    }
  } else {
    pyodide = await pyodideLoad(options);
  }
  mark("runtime_ready");
  if (files) writeFiles(pyodide, files);
  mark("pyodide_ready");
  // the kernel's own Python steps: 1 = package manager, 2 = import pyodide_kernel
  const run = pyodide.runPythonAsync.bind(pyodide);
  let step = 0;
  pyodide.runPythonAsync = async (...args) => {
    const n = ++step;
    if (n <= 4) mark(`python_${n}_start`);
    try { return await run(...args); } finally { if (n <= 4) mark(`python_${n}_end`); }
  };
  return pyodide;
}
"""

def install_start(site: Path) -> None:
    """Write the start module into a built site and point the kernel's ``pyodideUrl`` at it."""
    static_py = site / "static" / "pyodide"
    has_snapshot = (static_py / SNAPSHOT_NAME).exists() and (static_py / FILES_NAME).exists()
    (static_py / START_NAME).write_text(START_MJS.replace("__HAS_SNAPSHOT__", "true" if has_snapshot else "false"),
                                        encoding="utf-8")
    cfg_path = site / "jupyter-lite.json"
    config = json.loads(cfg_path.read_text(encoding="utf-8"))
    plugin = "@jupyterlite/pyodide-kernel-extension:kernel"
    settings = config.get("jupyter-config-data", {}).get("litePluginSettings", {}).get(plugin)
    if settings is None or settings.get("pyodideUrl") != "./static/pyodide/pyodide.mjs":
        raise SiteBuildError(f"jupyter-lite.json has no local pyodideUrl for {plugin}; is this JupyterLite 0.8.6?")
    settings["pyodideUrl"] = f"./static/pyodide/{START_NAME}"
    cfg_path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
