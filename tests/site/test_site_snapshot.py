"""The browser edition's prepared kernel (a Pyodide memory snapshot, coplearn/site/snapshot.py).

These run the site's own files under Node.js: its patched Pyodide loader, the loader code at the top
of its patched kernel worker, and its snapshot. The browser tests (test_site_browser.py) check that
every lesson in Chromium starts from it.
"""

from __future__ import annotations

import base64
import gzip
import json
import shutil
import struct
import subprocess
import zipfile
from pathlib import Path

import pytest

from coplearn.site import SiteBuildError, build, snapshot

NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="Node.js is needed to run the site's Pyodide")

#: Node.js: fetch() for file: URLs (Node's own fetch has none), then the worker's loader as shipped.
_HARNESS = r'''
import { readFileSync, existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gunzipSync } from "node:zlib";
const [site, snapshotName, code, snapshotNameShipped] = process.argv.slice(2);
const webFetch = globalThis.fetch;
globalThis.fetch = async (url, ...rest) => {
  const u = String(url);
  if (!u.startsWith("file:")) return webFetch(url, ...rest);
  const path = fileURLToPath(u);
  if (path.endsWith("/unpacked-by-server.gz"))  // a server that sends the file with Content-Encoding: gzip
    return new Response(gunzipSync(readFileSync(path.replace("unpacked-by-server.gz", "coplearn-kernel.snapshot.gz"))));
  return existsSync(path) ? new Response(readFileSync(path)) : new Response("", { status: 404 });
};
globalThis.self = { location: { href: "file:///" } };
const messages = [];
for (const level of ["info", "warn"]) {
  const original = console[level];
  console[level] = (...args) => { messages.push(args.map(String).join(" ")); original(...args); };
}
const worker = readFileSync(process.env.WORKER, "utf8");
const end = worker.indexOf("\n};\n") + 4;
(0, eval)(worker.slice(0, end));  // the loader the build put at the top of the kernel's worker
const settings = JSON.parse(readFileSync(site + "/jupyter-lite.json", "utf8"))["jupyter-config-data"];
const kernel = settings.litePluginSettings["@jupyterlite/pyodide-kernel-extension:kernel"];
const options = Object.assign({}, kernel.loadPyodideOptions, { indexURL: site + "/static/pyodide/",
                              stdout: () => {}, stderr: () => {} });
if (snapshotName !== "-") options.coplearnSnapshot = snapshotName;
if (snapshotName === "missing.gz") options.packages = [];
const { loadPyodide } = await import(pathToFileURL(site + "/static/pyodide/pyodide.mjs").href);
const results = [];
for (let i = 0; i < (snapshotName === snapshotNameShipped ? 2 : 1); i++) {
  const py = await globalThis.__coplearnLoadPyodide(loadPyodide, options);
  results.push(JSON.parse(await py.runPythonAsync(readFileSync(code, "utf8"))));
}
console.log("RESULT " + JSON.stringify({ messages, results }));
'''

_CHECK_PY = r'''
import json, os, random, sys, time
time.sleep(0.01)  # as the journal's lock does while another tab holds it
from pyodide.ffi import can_run_sync
out = {"can_run_sync": can_run_sync(), "environ": os.environ.get("COPLEARN_JOURNAL"), "random": random.random(),
       "prepared": [m for m in ("pyodide_kernel", "coplearn.widgets.cultures", "plotly.graph_objects")
                    if m in sys.modules]}
if "pyodide_kernel" in sys.modules:
    import coplearn.core.atomic
    out["lock_token"] = coplearn.core.atomic._token()
    import pyodide_kernel
    sent = []
    pyodide_kernel.kernel_instance.interpreter.send_comm = lambda *a, **k: sent.append(a[0])
    from coplearn.widgets.cultures import CultureProfileWidget
    CultureProfileWidget()
    out["comm_messages"] = len(sent)
    from pyodide_js import loadPackagesFromImports  # one of the JavaScript functions the snapshot names
    await loadPackagesFromImports("import jinja2")
    import jinja2
    out["jinja2"] = jinja2.__version__
json.dumps(out)
'''


def _run(site: Path, snapshot_name: str, tmp_path: Path) -> dict:
    (tmp_path / "check.py").write_text(_CHECK_PY, encoding="utf-8")
    return _node(_HARNESS, tmp_path, str(site), snapshot_name, str(tmp_path / "check.py"), snapshot.SNAPSHOT_NAME,
                 worker=_worker(site))


def test_the_site_ships_a_prepared_kernel_and_source_only_wheels(built_site):
    static = built_site / "static" / "pyodide"
    with gzip.open(static / snapshot.SNAPSHOT_NAME) as fh:
        magic, header = struct.unpack("<II", fh.read(8))
    assert magic == 1886286592  # Pyodide's snapshot header
    settings = json.loads((built_site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = settings["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["loadPyodideOptions"]["coplearnSnapshot"] == snapshot.SNAPSHOT_NAME
    workers = sorted((built_site / "extensions" / "@jupyterlite" / "pyodide-kernel-extension" / "static").glob("*.worker.*.js"))
    assert len(workers) == 2 and all(snapshot.is_patched_worker(w.read_text()) for w in workers)
    assert "e.growMemory(t.length),s=i.restoreSnapshot(t)" in (static / "pyodide.mjs").read_text()
    # the served wheels carry sources only (bytecode is used only to make the snapshot)
    with zipfile.ZipFile(next(static.glob("ipython-*.whl"))) as zf:
        names = zf.namelist()
    assert "IPython/core/interactiveshell.py" in names and not any(n.endswith(".pyc") for n in names)
    with zipfile.ZipFile(next(static.glob("pygments-*.whl"))) as zf:
        lexers = {n for n in zf.namelist() if n.startswith("pygments/lexers/")}
    assert lexers == {"pygments/lexers/__init__.py", "pygments/lexers/_mapping.py", "pygments/lexers/python.py"}


@needs_node
def test_the_prepared_kernel_starts_with_the_sites_own_loader(built_site, tmp_path):
    got = _run(built_site, snapshot.SNAPSHOT_NAME, tmp_path)
    assert got["messages"].count(snapshot.READY_MESSAGE) == 2, got["messages"]
    first, second = got["results"]
    assert first["prepared"] == ["pyodide_kernel", "coplearn.widgets.cultures", "plotly.graph_objects"]
    assert first["environ"] == build.BROWSER_JOURNAL
    assert first["comm_messages"] > 50  # the widget really opened its channels through the kernel
    assert first["jinja2"]  # a package loaded through a JavaScript function the snapshot names by path
    assert first["random"] != second["random"], "two kernels from one snapshot must not share random numbers"
    # nor the token that names a tab in the journal's lock file (else a lock left by a closed tab
    # looks like the new tab's own, and the journal waits for it until it times out)
    assert first["lock_token"] != second["lock_token"]
    assert first["can_run_sync"] is False  # see snapshot.AFTER_RESTORE


@needs_node
def test_a_server_that_unpacks_the_snapshot_itself_does_not_stop_it(built_site, tmp_path):
    got = _run(built_site, "unpacked-by-server.gz", tmp_path)
    assert got["messages"] == [snapshot.READY_MESSAGE], got["messages"]
    assert "coplearn.widgets.cultures" in got["results"][0]["prepared"]


@needs_node
def test_without_its_snapshot_the_kernel_starts_in_full_and_says_so(built_site, tmp_path):
    got = _run(built_site, "missing.gz", tmp_path)
    assert any(m.startswith(snapshot.FALLBACK_MESSAGE) for m in got["messages"]), got["messages"]
    assert got["results"][0]["prepared"] == []  # a plain Python: nothing was imported in advance


def test_a_changed_kernel_worker_or_loader_stops_the_build(tmp_path):
    folder = tmp_path / "extensions" / "@jupyterlite" / "pyodide-kernel-extension" / "static"
    folder.mkdir(parents=True)
    (folder / "comlink.worker.1.js").write_text("this._pyodide=await loadPyodide(options)")
    with pytest.raises(SiteBuildError, match="0 times"):
        snapshot.patch_kernel_worker(tmp_path)
    (tmp_path / "pyodide.mjs").write_text("function Ae(e,t,n){return i.finalizeBootstrap()}")
    with pytest.raises(SiteBuildError, match="not the Pyodide 314.0.6 loader"):
        snapshot.patch_pyodide_loader(tmp_path)
    (tmp_path / "pyodide.mjs").write_text("function Ae(e,t,n){return t&&(s=i.restoreSnapshot(t)),i.finalizeBootstrap()}")
    (tmp_path / "pyodide.asm.mjs").write_text("async install(e,r,n,o){await unpack(e)}")
    with pytest.raises(SiteBuildError, match="does not install packages as Pyodide 314.0.6 does"):
        snapshot.patch_pyodide_loader(tmp_path)


@pytest.mark.site
def test_a_kernel_that_cannot_be_prepared_leaves_a_working_slower_site_and_says_so(tmp_path, monkeypatch):
    def fails(*_args, **_kwargs):
        raise SiteBuildError("could not prepare the browser's kernel (memory snapshot): out of memory")

    monkeypatch.setattr(build, "make_snapshot", fails)
    said: list[str] = []
    out = tmp_path / "site"
    build.build_site(out, say=said.append)
    assert any("WARNING: could not prepare the browser's kernel" in m and "out of memory" in m for m in said), said
    assert any("built without the prepared kernel" in m for m in said), said
    assert not (out / "static" / "pyodide" / snapshot.SNAPSHOT_NAME).exists()
    kernel = json.loads((out / "jupyter-lite.json").read_text())["jupyter-config-data"]["litePluginSettings"][
        "@jupyterlite/pyodide-kernel-extension:kernel"]
    assert "coplearnSnapshot" not in kernel["loadPyodideOptions"]
    folder = out / "extensions" / "@jupyterlite" / "pyodide-kernel-extension" / "static"
    assert not any(snapshot.is_patched_worker(w.read_text()) for w in folder.glob("*.worker.*.js"))
    assert (out / "index.html").exists() and any((out / "files" / "course").glob("*.ipynb"))


# ---- the packages unpacked in JavaScript (snapshot.INSTALLER_JS) ------------------------------------

#: Node.js: the worker's prefix up to the unpacker's end (fflate and the unpacker, as shipped), then
#: each wheel given (argv) unpacked into a recording file system; prints what was written.
_UNPACK_HARNESS = r'''
import { readFileSync } from "node:fs";
import { basename } from "node:path";
const [workerPath, metaKind, ...wheels] = process.argv.slice(2);
globalThis.self = globalThis;
const worker = readFileSync(workerPath, "utf8");
(0, eval)(worker.slice(0, worker.indexOf("//# coplearn-installer-end")));
const warnings = [];
console.warn = (...args) => warnings.push(args.map(String).join(" "));
const results = {};
for (const wheel of wheels) {
  const files = {};
  const FS = { mkdirTree: () => {}, writeFile: (p, d) => { files[p] = Buffer.from(d).toString("base64"); } };
  // Pyodide's loader passes a Map; micropip passes a Python dict, whose proxy is not one
  const metadata = metaKind === "dict" ? { INSTALLER: "micropip" } : new Map([["INSTALLER", "pyodide.loadPackage"]]);
  const done = await globalThis.__coplearnInstall({ FS }, new Uint8Array(readFileSync(wheel)), basename(wheel),
                                                  "/site/", metadata);
  results[basename(wheel)] = done ? files : false;
}
console.log("RESULT " + JSON.stringify({ results, warnings, counts: globalThis.__coplearnUnpacked }));
'''

#: Node.js: the site's Pyodide; every wheel the site ships unpacked by Pyodide's own unpacker (in
#: Python) into /py and by the worker's JavaScript unpacker into /js; Python then compares the trees.
_SAME_TREE_HARNESS = r'''
import { readFileSync, readdirSync } from "node:fs";
import { pathToFileURL } from "node:url";
const [site, workerPath] = process.argv.slice(2);
globalThis.self = globalThis;
const worker = readFileSync(workerPath, "utf8");
(0, eval)(worker.slice(0, worker.indexOf("//# coplearn-installer-end")));
const dir = site + "/static/pyodide/";
const { loadPyodide } = await import(pathToFileURL(dir + "pyodide.mjs").href);
const py = await loadPyodide({ indexURL: dir, stdout: () => {}, stderr: () => {} });
const unpack = py.pyimport("pyodide._package_loader").unpack_buffer;
const byJs = [];
for (const name of readdirSync(dir).filter((n) => n.endsWith(".whl"))) {
  const bytes = new Uint8Array(readFileSync(dir + name));
  const metadata = new Map([["INSTALLER", "pyodide.loadPackage"], ["PYODIDE_SOURCE", "pyodide"]]);
  unpack.callKwargs({ buffer: bytes, filename: name, extract_dir: "/py", metadata, calculate_dynlibs: true });
  if (await globalThis.__coplearnInstall(py._module, bytes, name, "/js", metadata)) byJs.push(name);
  else unpack.callKwargs({ buffer: bytes, filename: name, extract_dir: "/js", metadata, calculate_dynlibs: true });
}
const tree = py.runPython(`
import hashlib, json, os
def tree(root):
    out = {}
    for base, dirs, files in os.walk(root):
        for d in dirs:
            out[os.path.relpath(os.path.join(base, d), root) + "/"] = "dir"
        for f in files:
            with open(os.path.join(base, f), "rb") as fh:
                out[os.path.relpath(os.path.join(base, f), root)] = hashlib.sha256(fh.read()).hexdigest()
    return out
json.dumps({"py": tree("/py"), "js": tree("/js")})
`);
console.log("RESULT " + JSON.stringify({ byJs, tree: JSON.parse(tree), counts: globalThis.__coplearnUnpacked }));
'''


def _worker(site: Path) -> Path:
    return next((site / "extensions" / "@jupyterlite" / "pyodide-kernel-extension" / "static").glob("comlink.worker.*.js"))


def _node(script: str, tmp_path: Path, *args: str, worker: Path | None = None) -> dict:
    """Run ``script`` under Node.js with ``args``; return what it printed after ``RESULT``."""
    (tmp_path / "run.mjs").write_text(script, encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", **({"WORKER": str(worker)} if worker else {})}
    proc = subprocess.run([NODE, str(tmp_path / "run.mjs"), *args], capture_output=True, text=True, timeout=600,
                          env=env)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
    assert proc.returncode == 0 and line, (proc.stdout[-2000:], proc.stderr[-3000:])
    return json.loads(line[len("RESULT "):])


def test_the_site_unpacks_packages_in_javascript_with_fflate_and_its_licence(built_site):
    runtime = (built_site / "static" / "pyodide" / "pyodide.asm.mjs").read_text()
    assert runtime.count("globalThis.__coplearnInstall&&await globalThis.__coplearnInstall(Module,") == 1
    for worker in (built_site / "extensions" / "@jupyterlite" / "pyodide-kernel-extension" / "static").glob("*.worker.*.js"):
        text = worker.read_text()
        head = text[:text.index("//# coplearn-installer-end")]
        assert "/*! fflate 0.8.2" in head and "MIT License" in head and "Arjun Barrett" in head
        assert "globalThis.__coplearnInstall = async" in head


@needs_node
def test_the_javascript_unpacker_writes_exactly_what_pyodides_own_does(built_site, tmp_path):
    """Same Pyodide, same wheels (every one the site ships), two unpackers: the same files, byte for byte,
    the same folders and the same metadata files. IPython's wheel (a ``.data`` folder) is Pyodide's."""
    got = _node(_SAME_TREE_HARNESS, tmp_path, str(built_site), str(_worker(built_site)))
    wheels = sorted(p.name for p in (built_site / "static" / "pyodide").glob("*.whl"))
    assert sorted(got["byJs"]) == [w for w in wheels if not w.startswith("ipython-")], got["byJs"]
    py, js = got["tree"]["py"], got["tree"]["js"]
    assert len(py) > 3000 and "plotly/validators/_validators.json" in py
    assert any(k.endswith(".dist-info/INSTALLER") for k in js) and any(k.endswith(".dist-info/PYODIDE_SOURCE") for k in js)
    assert set(js) == set(py), (sorted(set(py) - set(js))[:10], sorted(set(js) - set(py))[:10])
    assert [k for k in py if py[k] != js[k]] == []


def _wheel(path: Path, files: dict[str, bytes], stored: tuple[str, ...] = (), extra: bytes = b"") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            info.extra = extra if name == "demo/__init__.py" else b""
            zf.writestr(info, data)
    return path


def _data_start(path: Path, name: str) -> tuple[int, int]:
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
    raw = path.read_bytes()
    at = info.header_offset
    nlen, xlen = struct.unpack("<HH", raw[at + 26:at + 30])
    return at + 30 + nlen + xlen, info.compress_size


@needs_node
def test_the_javascript_unpacker_leaves_what_it_does_not_handle_to_pyodide(built_site, tmp_path):
    info = {"demo-1.0.dist-info/METADATA": b"Name: demo\n", "demo-1.0.dist-info/RECORD": b""}
    good = {"demo/__init__.py": b"x = 1\n" * 1000, "demo/data.json": b"{}", "demo/sub/": b"", **info}
    ok = _wheel(tmp_path / "demo-1.0-py3-none-any.whl", good, stored=("demo/data.json",))
    worker = str(_worker(built_site))

    def run(wheel: Path, meta: str = "map") -> dict:
        return _node(_UNPACK_HARNESS, tmp_path, worker, meta, str(wheel))

    def case(label: str, files: dict[str, bytes] | None = None, change=None, **kw) -> Path:
        folder = tmp_path / label
        folder.mkdir()
        wheel = _wheel(folder / ok.name, files if files is not None else good, **kw)
        if change:
            raw = bytearray(wheel.read_bytes())
            change(raw, wheel)
            wheel.write_bytes(bytes(raw))
        return wheel

    one = run(ok)
    files = one["results"][ok.name]
    assert {k: base64.b64decode(v) for k, v in files.items()} == {
        "/site/demo/__init__.py": b"x = 1\n" * 1000, "/site/demo/data.json": b"{}",
        "/site/demo-1.0.dist-info/METADATA": b"Name: demo\n", "/site/demo-1.0.dist-info/RECORD": b"",
        "/site/demo-1.0.dist-info/INSTALLER": b"pyodide.loadPackage"}

    def corrupt_name(raw, wheel):  # the local header's name differs from the directory's
        with zipfile.ZipFile(wheel) as zf:
            at = zf.getinfo("demo/data.json").header_offset
        raw[at + 30:at + 34] = b"dumb"

    def prepend(raw, wheel):  # bytes before the archive (a self-extracting zip): Python moves every offset
        raw[:0] = b"#!/bin/sh\n"

    refused = {
        "dict metadata (micropip)": (ok, "dict"),
        "compiled library": (case("so", {"demo/_speed.cpython-314-wasm32-emscripten.so": b"\0asm", **info}), "map"),
        ".data folder": (case("data", {"demo/__init__.py": b"", "demo-1.0.data/data/share/x": b"x", **info}), "map"),
        "parent folder": (case("parent", {"../outside.py": b"", **info}), "map"),
        "'..' inside a name": (case("dots", {"demo/a..b.txt": b"", **info}), "map"),
        "absolute name": (case("absolute", {"/etc/x.py": b"", **info}), "map"),
        "two dist-info folders": (case("two", {"demo/__init__.py": b"", **info, "other-1.0.dist-info/METADATA": b""}), "map"),
        "dist-info of another name": (case("other", {"demo/__init__.py": b"", "other-1.0.dist-info/METADATA": b""}), "map"),
        "Unicode-name extra field": (case("unicode", extra=struct.pack("<HH", 0x7075, 5) + b"\x01abcd"), "map"),
        "local name differs": (case("local", change=corrupt_name), "map"),
        "data before the archive": (case("prepended", change=prepend), "map"),
    }
    for label, (wheel, meta) in refused.items():
        got = run(wheel, meta)
        assert got["results"][ok.name] is False, label
        assert got["counts"] == {"javascript": 0, "pyodide": 1} and not got["warnings"], (label, got)

    def bad_deflate(raw, wheel):
        start, size = _data_start(wheel, "demo/__init__.py")
        raw[start:start + size] = b"\xff" * size

    def bad_crc(raw, wheel):  # a stored file's byte changed: only its CRC-32 shows it
        start, _size = _data_start(wheel, "demo/data.json")
        raw[start] ^= 1

    for label, wheel in {"invalid deflate data": case("deflate", change=bad_deflate),
                         "a wrong CRC-32": case("crc", change=bad_crc, stored=("demo/data.json",))}.items():
        got = run(wheel)
        assert got["results"][ok.name] is False and got["counts"] == {"javascript": 0, "pyodide": 1}, label
        assert any("in JavaScript failed, so Pyodide unpacks it" in w for w in got["warnings"]), (label, got)
    assert any("CRC-32" in w for w in got["warnings"]), got["warnings"]
