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
   still unpacked (a module imported later needs them), in JavaScript where that gives exactly what
   Pyodide's own unpacker would (:data:`INSTALLER_JS`), but nothing is imported again.
   The random generator is seeded afresh, so that two learners (or two visits) do not share it.
   If anything goes wrong the worker says so in the browser's console and starts Python in full,
   as it did without a snapshot: slower, never broken.
3. Pyodide 314.0.6's ``loadPyodide`` does not make its memory big enough for a snapshot larger
   than its starting memory (the ``INITIAL_MEMORY`` it sets is not read by this build), so
   :func:`patch_pyodide_loader` grows the memory first. Both patches are exact text replacements
   that stop the build with a clear message if Pyodide or the kernel changes.

A snapshot fits only the Pyodide build, the packages and the code it was made from: it is cached
under a key made of all three, and Pyodide itself refuses a snapshot from another build.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from coplearn.site import SiteBuildError, _say, _sha256
from coplearn.site.bytecode import compile_all
from coplearn.site.fetch import FFLATE_VERSION

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

#: What the worker says in the browser's console (the tests look for these).
READY_MESSAGE = "coplearn: Python started from the prepared kernel"
UNPACK_NOTE = "coplearn: packages unpacked: "
FALLBACK_MESSAGE = "coplearn: the prepared kernel could not be used, so Python starts in full (slower):"

#: Added at the top of the kernel's worker: load Pyodide from the snapshot, or in full if that fails.
WORKER_LOADER = r'''globalThis.__coplearnLoadPyodide = async (load, options) => {
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
    const unpacked = globalThis.__coplearnUnpacked;
    if (unpacked) console.info(UNPACK_NOTE + unpacked.javascript + " in JavaScript, " + unpacked.pyodide + " by Pyodide");
    return pyodide;
  } catch (err) {
    console.warn(FALLBACK_MESSAGE, err);
    return load(rest);
  }
};
'''.replace("READY_MESSAGE", json.dumps(READY_MESSAGE)).replace("FALLBACK_MESSAGE", json.dumps(FALLBACK_MESSAGE)) \
  .replace("AFTER_RESTORE", json.dumps(AFTER_RESTORE)).replace("UNPACK_NOTE", json.dumps(UNPACK_NOTE))

#: Added to the kernel's worker after the loader (with fflate before it): unpack a package's wheel in
#: JavaScript instead of in Python. Pyodide unpacks each wheel with Python's zipfile, about 0.25 ms
#: per file in the browser (3,300 files, 1.2 s on a cached visit on the test machine, on the way to
#: the lesson's first response); here each file is inflated by fflate and written to Pyodide's file
#: system directly, as Pyodide's unpacker would (same paths, same bytes, and its two metadata files,
#: INSTALLER and PYODIDE_SOURCE, in the dist-info folder), with the checks Python's zipfile makes
#: (CRC-32, sizes, local and central names alike, no overlapping entries). Pyodide has already
#: checked the wheel's sha256 against the lock file. Anything this does not handle as Pyodide would
#: returns ``false`` before writing anything, and Pyodide's own unpacker does the job: metadata that
#: is not a JavaScript Map (micropip passes a Python dict), a compiled library, a ``.data`` folder,
#: a name Python skips or reads otherwise ('..' anywhere, absolute, a DOS-encoded name, a Unicode-name
#: extra field), zip64, encryption, another compression, data before the archive, a dist-info folder
#: missing, doubled or not named after the wheel. A wheel it fails on (bad data, a wrong CRC) is left
#: to Pyodide as well, with a line in the console; nothing of it has been written by then.
INSTALLER_JS = r'''globalThis.__coplearnUnpacked = { javascript: 0, pyodide: 0 };
globalThis.__coplearnInstall = async (Module, buffer, filename, extractDir, metadata) => {
  const counts = globalThis.__coplearnUnpacked;
  try {
    const done = unpackWheel(Module, buffer, filename, extractDir, metadata);
    counts[done ? "javascript" : "pyodide"] += 1;
    return done;
  } catch (err) {
    console.warn("coplearn: unpacking " + filename + " in JavaScript failed, so Pyodide unpacks it:", err);
    counts.pyodide += 1;
    return false;
  }
  function unpackWheel(Module, buffer, filename, extractDir, metadata) {
    const inflateSync = self.fflate && self.fflate.inflateSync;
    if (!inflateSync || !/\.whl$/.test(filename)) return false;
    // Pyodide's own loader passes a Map; micropip passes a Python dict (its proxy): that is Pyodide's job
    if (metadata != null && !(metadata instanceof Map)) return false;
    const u8 = ArrayBuffer.isView(buffer) ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
      : new Uint8Array(buffer);
    const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
    let eocd = -1;
    for (let i = u8.length - 22; i >= Math.max(0, u8.length - 22 - 65535); i--) {
      if (dv.getUint32(i, true) === 0x06054b50) { eocd = i; break; }
    }
    if (eocd < 0) return false;
    if (eocd >= 20 && dv.getUint32(eocd - 20, true) === 0x07064b50) return false;  // zip64
    const count = dv.getUint16(eocd + 10, true), cdSize = dv.getUint32(eocd + 12, true);
    const cdStart = dv.getUint32(eocd + 16, true);
    // anything before the archive (Python then moves every offset) or a directory that does not end
    // where the end record starts: Pyodide's job
    if (count === 0xffff || cdStart + cdSize !== eocd) return false;
    const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
    const distName = filename.split("/").pop().split("-").slice(0, -4).join("-");
    const canonical = (s) => s.replace(/[-_.]+/g, "-").toLowerCase();
    const entries = [], infoDirs = new Set();
    let p = cdStart;
    for (let k = 0; k < count; k++) {
      if (p + 46 > eocd || dv.getUint32(p, true) !== 0x02014b50) return false;
      const version = dv.getUint16(p + 6, true), flags = dv.getUint16(p + 8, true);
      const method = dv.getUint16(p + 10, true), crc = dv.getUint32(p + 16, true);
      const csize = dv.getUint32(p + 20, true), usize = dv.getUint32(p + 24, true);
      const nlen = dv.getUint16(p + 28, true), xlen = dv.getUint16(p + 30, true), clen = dv.getUint16(p + 32, true);
      const raw = u8.subarray(p + 46, p + 46 + nlen);
      // encrypted, patched or strongly encrypted data, a newer zip version, another compression, zip64
      if ((flags & 0x61) || version > 63 || (method !== 0 && method !== 8)) return false;
      if (csize === 0xffffffff || usize === 0xffffffff) return false;
      for (let x = p + 46 + nlen, xend = x + xlen; x < xend;) {  // extra fields
        if (x + 4 > xend) return false;
        const id = dv.getUint16(x, true), size = dv.getUint16(x + 2, true);
        if (id === 0x0001 || id === 0x7075 || x + 4 + size > xend) return false;  // zip64; a Unicode name
        x += 4 + size;
      }
      if (!(flags & 0x800) && raw.some((b) => b > 0x7f)) return false;  // a DOS-encoded name
      const name = utf8.decode(raw);
      const parts = name.split("/");
      // names Python skips or treats otherwise ('..' anywhere, absolute, empty parts, odd characters)
      if (!name || name.startsWith("/") || name.includes("..") || name.includes("\\") || name.includes("\0")
          || parts.some((x) => x === ".") || parts.slice(0, -1).includes("")) return false;
      if (/\.so(.\d+)*$/.test(name)) return false;  // a compiled library (Python's own pattern): Pyodide's job
      if (parts[0].endsWith(".data")) return false;  // data files go elsewhere: Pyodide's job
      if (parts[0].endsWith(".dist-info")) infoDirs.add(parts[0]);
      entries.push({ name, raw, method, crc, csize, usize, local: dv.getUint32(p + 42, true) });
      p += 46 + nlen + xlen + clen;
    }
    if (p !== eocd || infoDirs.size !== 1) return false;
    const info = [...infoDirs][0];
    if (!canonical(info).startsWith(canonical(distName))) return false;
    // where each entry's data starts, checked as Python's zipfile checks it: the local header's name
    // is the directory's, and no entry's data runs into the next entry (overlapping entries)
    const offsets = entries.map((e) => e.local).sort((a, b) => a - b), after = new Map();
    if (new Set(offsets).size !== offsets.length) return false;  // two entries sharing their data
    offsets.forEach((o, i) => after.set(o, i + 1 < offsets.length ? offsets[i + 1] : cdStart));
    for (const e of entries) {
      const at = e.local;
      if (at + 30 > u8.length || dv.getUint32(at, true) !== 0x04034b50) throw new Error("a damaged entry: " + e.name);
      const nlen = dv.getUint16(at + 26, true);
      const local = u8.subarray(at + 30, at + 30 + nlen);
      if (local.length !== e.raw.length || local.some((b, i) => b !== e.raw[i])) return false;
      e.start = at + 30 + nlen + dv.getUint16(at + 28, true);
      const next = after.get(at);
      if (e.start + e.csize > next) return false;  // overlapping entries
    }
    // Each file is inflated (and its CRC-32 checked, as Python checks it) before any is written, so a
    // wheel that fails here leaves nothing half-written; plotly's is about 21 MB unpacked.
    const files = entries.map((e) => {
      if (e.name.endsWith("/")) return null;
      const data = u8.subarray(e.start, e.start + e.csize);
      if (data.length !== e.csize) throw new Error("a truncated entry: " + e.name);
      // one byte of room more than expected: fflate stops at the buffer's end, so too much data shows
      const out = e.method === 0 ? data : inflateSync(data, { out: new Uint8Array(e.usize + 1) });
      if (out.length !== e.usize) throw new Error("a wrong size for " + e.name);
      if (crc32(out) !== e.crc) throw new Error("a bad CRC-32 for " + e.name);
      return out;
    });
    const FS = Module.FS;
    const root = extractDir.replace(/\/+$/, "");
    FS.mkdirTree(root);
    entries.forEach((e, i) => {
      const path = root + "/" + e.name.replace(/\/$/, "");
      if (files[i] === null) { FS.mkdirTree(path); return; }
      FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
      FS.writeFile(path, files[i]);
    });
    if (metadata) for (const [key, value] of metadata) FS.writeFile(root + "/" + info + "/" + key, String(value));
    return true;
  }
  function crc32(data) {  // slicing-by-8: 33 MB in about 0.05 s under Node.js here (a byte at a time: 0.1-0.12 s)
    let t = globalThis.__coplearnCrcTables;
    if (!t) {
      t = globalThis.__coplearnCrcTables = new Int32Array(8 * 256);
      for (let n = 0; n < 256; n++) {
        let c = n;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        t[n] = c;
      }
      for (let n = 0; n < 256; n++) {
        for (let k = 1; k < 8; k++) t[k * 256 + n] = (t[(k - 1) * 256 + n] >>> 8) ^ t[t[(k - 1) * 256 + n] & 0xff];
      }
    }
    let c = -1, i = 0;
    const end8 = data.length - (data.length % 8);
    for (; i < end8; i += 8) {
      c ^= data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
      c = t[1792 + (c & 0xff)] ^ t[1536 + ((c >>> 8) & 0xff)] ^ t[1280 + ((c >>> 16) & 0xff)] ^ t[1024 + (c >>> 24)]
        ^ t[768 + data[i + 4]] ^ t[512 + data[i + 5]] ^ t[256 + data[i + 6]] ^ t[data[i + 7]];
    }
    for (; i < data.length; i++) c = t[(c ^ data[i]) & 0xff] ^ (c >>> 8);
    return (c ^ -1) >>> 0;
  }
};
//# coplearn-installer-end
'''

#: The licence of fflate, which the worker carries (its MIT licence asks for the notice to be kept).
FFLATE_HEADER = "/*! fflate {version} (https://github.com/101arrowz/fflate), bundled by coplearn:\n{licence}*/\n"

#: Pyodide 314.0.6's installer (in pyodide.asm.mjs), and the same asking the worker's JavaScript
#: unpacker first (only the kernel's worker defines it; elsewhere, as under Node.js when the snapshot
#: is made, Pyodide unpacks as before).
_INSTALL = ("let i=this.#t.package_loader.unpack_buffer.callKwargs({buffer:e,filename:r,extract_dir:n,metadata:o,"
            "calculate_dynlibs:!0});await this.#e.loadDynlibsFromPackage({file_name:r},i)")
_INSTALL_NEW = "if(!(globalThis.__coplearnInstall&&await globalThis.__coplearnInstall(Module,e,r,n,o))){" + _INSTALL + "}"

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


def _replace_once(path: Path, old: str, new: str, unlike: str) -> None:
    """Replace the one occurrence of ``old`` in ``path``, or stop the build saying the file is ``unlike``."""
    text = path.read_text(encoding="utf-8")
    if text.count(old) != 1:
        raise SiteBuildError(f"{path.name} {unlike}, which this build patches (see coplearn/site/snapshot.py)")
    path.write_text(text.replace(old, new), encoding="utf-8")


def patch_pyodide_loader(static_py: Path) -> None:
    """Let Pyodide's loader start from a snapshot bigger than its starting memory, and its installer
    ask the worker's JavaScript unpacker first (see above)."""
    _replace_once(static_py / "pyodide.mjs", _LOADER_RESTORE, _LOADER_RESTORE_NEW,
                  "is not the Pyodide 314.0.6 loader")
    _replace_once(static_py / "pyodide.asm.mjs", _INSTALL, _INSTALL_NEW,
                  "does not install packages as Pyodide 314.0.6 does")


def worker_prefix(fflate: tuple[str, str] | None = None) -> str:
    """What the build puts at the top of the kernel's workers: the loader, then (given fflate's code
    and licence) the JavaScript unpacker."""
    if fflate is None:
        return WORKER_LOADER
    code, licence = fflate
    header = FFLATE_HEADER.format(version=FFLATE_VERSION, licence=licence.replace("*/", "* /"))
    return WORKER_LOADER + header + code.strip() + ";\n" + INSTALLER_JS


def patch_kernel_worker(site: Path, fflate: tuple[str, str] | None = None) -> list[Path]:
    """Make the kernel's workers start Pyodide from the snapshot (and, given fflate's code and licence,
    unpack the packages in JavaScript); returns the files patched."""
    folder = site / "extensions" / "@jupyterlite" / "pyodide-kernel-extension" / "static"
    patched = []
    for worker in sorted(folder.glob("*.worker.*.js")):
        text = worker.read_text(encoding="utf-8")
        new, count = _WORKER_CALL.subn(_WORKER_CALL_NEW, text)
        if count != 1:
            raise SiteBuildError(f"{worker.name}: the kernel calls loadPyodide {count} times, not once as in "
                                 "jupyterlite-pyodide-kernel 0.8.6 (see coplearn/site/snapshot.py)")
        worker.write_text(worker_prefix(fflate) + new, encoding="utf-8")
        patched.append(worker)
    if len(patched) != 2:
        raise SiteBuildError("the Pyodide kernel's worker does not call loadPyodide as jupyterlite-pyodide-kernel "
                             "0.8.6 does; cannot start it from the prepared kernel (see coplearn/site/snapshot.py)")
    return patched


def is_patched_worker(text: str) -> bool:
    return text.startswith(WORKER_LOADER) and "await globalThis.__coplearnLoadPyodide(" in text
