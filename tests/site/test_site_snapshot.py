"""The browser edition's prepared kernel (a Pyodide memory snapshot, coplearn/site/snapshot.py).

These run the site's own files under Node.js: its patched Pyodide loader, the loader code at the top
of its patched kernel worker, and its snapshot. The browser tests (test_site_browser.py) check that
every lesson in Chromium starts from it.
"""

from __future__ import annotations

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
    (tmp_path / "harness.mjs").write_text(_HARNESS, encoding="utf-8")
    (tmp_path / "check.py").write_text(_CHECK_PY, encoding="utf-8")
    worker = next((site / "extensions" / "@jupyterlite" / "pyodide-kernel-extension" / "static").glob("comlink.worker.*.js"))
    proc = subprocess.run([NODE, str(tmp_path / "harness.mjs"), str(site), snapshot_name, str(tmp_path / "check.py"),
                           snapshot.SNAPSHOT_NAME],
                          capture_output=True, text=True, timeout=600, env={"PATH": "/usr/bin:/bin", "WORKER": str(worker)})
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
    assert proc.returncode == 0 and line, (proc.stdout[-2000:], proc.stderr[-3000:])
    return json.loads(line[len("RESULT "):])


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
