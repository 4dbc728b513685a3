"""The browser edition's service worker (coplearn/site/offline.py): JupyterLite's file helper kept,
and the site kept in the browser per build. Its behaviour in a browser is tested in
test_site_browser.py (test_a_second_lesson_downloads_nothing_and_the_lessons_open_without_a_connection)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from coplearn.site import SiteBuildError
from coplearn.site.offline import (JUPYTERLITE_MARKS, SERVICE_WORKER, patch_file_helper, rename_changed,
                                   site_fingerprint, write_service_worker)

#: Enough of JupyterLite 0.8.6's worker for the check before it is replaced.
JUPYTERLITE_LIKE = ('const broadcast=new BroadcastChannel("/sw-api.v1");"/api/service-worker-heartbeat";'
                    '"/api/drive";"/api/stdin/";i.browsingContextId;')


def _fake_site(root: Path) -> Path:
    for rel, text in {"index.html": "<p>landing</p>", "notebooks/index.html": "<p>lesson page</p>",
                      "api/contents/all.json": "{}", "api/contents/course/all.json": "{}",
                      "files/course/01-a.ipynb": "{}", "static/pyodide/pyodide.asm.wasm": "wasm",
                      "build/1.abc.js": "js", "service-worker.js": JUPYTERLITE_LIKE}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _keep_list(worker: str) -> list[str]:
    match = re.search(r"^const KEEP = (\[.*\]);", worker, re.M)
    assert match, worker[:400]
    return json.loads(match.group(1))


def test_the_worker_is_written_with_the_builds_fingerprint_and_what_to_keep(tmp_path):
    site = _fake_site(tmp_path / "site")
    build = write_service_worker(site, ["static/pyodide/pyodide.asm.wasm"])
    worker = (site / "service-worker.js").read_text(encoding="utf-8")
    assert re.fullmatch(r"[0-9a-f]{16}", build)
    assert f'const BUILD = "{build}";' in worker
    assert "__BUILD__" not in worker and "__KEEP__" not in worker
    keep = _keep_list(worker)
    # Python's files (fetched by the kernel's own worker, which the page cannot list), every lesson
    # and list of the site, and the two pages
    assert keep[0] == "static/pyodide/pyodide.asm.wasm"
    assert {"api/contents/all.json", "api/contents/course/all.json", "files/course/01-a.ipynb",
            "index.html", "notebooks/index.html"} <= set(keep)
    assert not any(k.startswith("build/") for k in keep)  # those the page lists, as it loads them
    # JupyterLite's file helper is kept: the same channel, paths and messages
    for mark in JUPYTERLITE_MARKS:
        assert mark in worker, mark


def test_the_fingerprint_follows_the_sites_files_and_not_its_worker(tmp_path):
    a = _fake_site(tmp_path / "a")
    b = _fake_site(tmp_path / "b")
    assert site_fingerprint(a) == site_fingerprint(b)
    (b / "service-worker.js").write_text("something else", encoding="utf-8")
    assert site_fingerprint(a) == site_fingerprint(b)
    (b / "files" / "course" / "01-a.ipynb").write_text('{"corrected": 1}', encoding="utf-8")
    assert site_fingerprint(a) != site_fingerprint(b)
    c = _fake_site(tmp_path / "c")
    (c / "files" / "course" / "01-a.ipynb").rename(c / "files" / "course" / "01-b.ipynb")  # a renamed file
    assert site_fingerprint(a) != site_fingerprint(c)


def test_a_jupyterlite_whose_worker_differs_stops_the_build(tmp_path):
    site = _fake_site(tmp_path / "site")
    (site / "service-worker.js").write_text('self.addEventListener("fetch", () => {});', encoding="utf-8")
    with pytest.raises(SiteBuildError, match="does not look like 0.8.6's"):
        write_service_worker(site, [])
    (site / "service-worker.js").unlink()
    with pytest.raises(SiteBuildError, match="does not look like 0.8.6's"):
        write_service_worker(site, [])


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to check the worker's syntax")
def test_the_worker_is_valid_javascript(tmp_path):
    site = _fake_site(tmp_path / "site")
    write_service_worker(site, ["static/pyodide/pyodide.asm.wasm"])
    proc = subprocess.run(["node", "--check", str(site / "service-worker.js")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_the_worker_answers_the_file_helper_before_anything_is_kept():
    """The drive and stdin requests (Python's files) and the heartbeat are answered before any caching
    rule; only same-site GET requests inside the site are kept, never a partial (range) one."""
    fetch = SERVICE_WORKER[SERVICE_WORKER.index('self.addEventListener("fetch"'):]
    fetch = fetch[:fetch.index("\n});\n")]
    order = [fetch.index(s) for s in ("/api/service-worker-heartbeat", "broadcastOne(request, url)",
                                      'request.method !== "GET"', "cacheFirst(event, request)")]
    assert order == sorted(order)
    assert 'request.headers.has("range")' in fetch and "SCOPE.href" in fetch


def test_the_built_site_has_the_courses_worker(built_site):
    worker = (built_site / "service-worker.js").read_text(encoding="utf-8")
    assert "written by coplearn" in worker
    build = re.search(r'const BUILD = "([0-9a-f]{16})";', worker)
    assert build and build.group(1) == site_fingerprint(built_site)
    keep = _keep_list(worker)
    assert any(k.endswith(".snapshot.gz") for k in keep) or "static/pyodide/pyodide.asm.wasm" in keep
    assert all((built_site / k).is_file() for k in keep), [k for k in keep if not (built_site / k).is_file()]
    lessons = sorted(p.name for p in (built_site / "files" / "course").glob("*.ipynb"))
    assert lessons and all(f"files/course/{name}" in keep for name in lessons)


# --- every file request of a lesson's Python gets an answer (walk16 F13) ---------------------------

#: JupyterLite 0.8.6's page handler and kernel check, as its bundles hold them.
PAGE_0_8_6 = ("this._onDriveMessage=async(e,t)=>{let s=await this._driveContentsProcessor.processDriveRequest(e);"
              "this._broadcastChannel.postMessage({response:s,browsingContextId:this._browsingContextId,requestId:t})}")
KERNEL_0_8_6 = ("try{t.send(JSON.stringify(r))}catch(e){console.error(e)}if(t.status>=400)throw new "
                "this.FS.ErrnoError(this.ERRNO_CODES.EINVAL);return JSON.parse(t.responseText)")


def _site_with_helper(root: Path) -> Path:
    site = _fake_site(root)
    static = site / "extensions" / "@jupyterlite" / "pyodide-kernel-extension" / "static"
    static.mkdir(parents=True)
    (site / "build" / "981.1e14a7f.js").write_text(f"class M{{constructor(){{{PAGE_0_8_6}}}}}", encoding="utf-8")
    for name in ("comlink.worker.c654.js", "coincident.worker.8cc0.js"):
        (static / name).write_text(f"function request(t,r){{{KERNEL_0_8_6}}}", encoding="utf-8")
    return site


def test_the_file_helper_is_patched_and_a_jupyterlite_without_it_stops_the_build(tmp_path):
    site = _site_with_helper(tmp_path / "site")
    changed = patch_file_helper(site)
    assert sorted(p.name for p in changed) == ["981.1e14a7f.js", "coincident.worker.8cc0.js", "comlink.worker.c654.js"]
    page = (site / "build" / "981.1e14a7f.js").read_text(encoding="utf-8")
    assert PAGE_0_8_6 not in page and "coplearnStatus" in page
    worker = next(site.rglob("comlink.worker.*.js")).read_text(encoding="utf-8")
    assert "status===404?this.ERRNO_CODES.ENOENT:t.status===507?this.ERRNO_CODES.ENOSPC:this.ERRNO_CODES.EIO" in worker
    with pytest.raises(SiteBuildError, match="not as in 0.8.6"):  # patched already: not found again
        patch_file_helper(site)
    other = _site_with_helper(tmp_path / "other")
    (other / "build" / "981.1e14a7f.js").write_text("class M{}", encoding="utf-8")
    with pytest.raises(SiteBuildError, match="page handler found in 0 files"):
        patch_file_helper(other)


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run the page's handler")
def test_the_pages_handler_answers_a_failed_request(tmp_path):
    """The patched handler, run in Node.js: a request that succeeds is answered as before; one that
    fails is answered 404 when the file it asks about is not there and 500 otherwise, a save that
    failed 500 (JupyterLite's answered nothing, and the lesson's Python waited for ever), and one the
    browser refused for want of room (QuotaExceededError) 507, read as ENOSPC (walk23 M2)."""
    site = _site_with_helper(tmp_path / "site")
    patch_file_helper(site)
    handler = (site / "build" / "981.1e14a7f.js").read_text(encoding="utf-8")
    script = handler + """
const posted = [];
async function run(processed, exists) {
  const m = new M();
  m._browsingContextId = "tab"; m._broadcastChannel = {postMessage: (x) => posted.push(x)};
  m._driveContentsProcessor = {processDriveRequest: async (r) => {
    if (processed === "throws") throw new Error("gone");
    if (processed === "full") { const e = new Error("The quota has been exceeded."); e.name = "QuotaExceededError"; throw e; }
    return processed; }};
  m._contents = {get: async (p) => { if (!exists) throw new Error("Path " + p + " does not exist."); return {}; }};
  console.warn = () => {};
  await m._onDriveMessage({method: method, path: "my-journal/journal.json.lock"}, "r1");
}
let method = "getattr";
(async () => {
  await run({size: 3}, true); await run("throws", false); await run("throws", true);
  method = "put"; await run("throws", false);  // a save that failed: not "no such file"
  await run("full", true); method = "mknod"; await run("full", false);  // the browser's storage full (walk23 M2)
  console.log(JSON.stringify(posted));
})();
"""
    (tmp_path / "run.js").write_text(script, encoding="utf-8")
    proc = subprocess.run(["node", str(tmp_path / "run.js")], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    posted = json.loads(proc.stdout)
    assert posted == [{"response": {"size": 3}, "browsingContextId": "tab", "requestId": "r1"},
                      {"coplearnStatus": 404, "browsingContextId": "tab", "requestId": "r1"},
                      {"coplearnStatus": 500, "browsingContextId": "tab", "requestId": "r1"},
                      {"coplearnStatus": 500, "browsingContextId": "tab", "requestId": "r1"},
                      {"coplearnStatus": 507, "browsingContextId": "tab", "requestId": "r1"},
                      {"coplearnStatus": 507, "browsingContextId": "tab", "requestId": "r1"}], posted


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run the worker's file helper")
def test_the_worker_answers_a_file_request_the_page_leaves_unanswered(tmp_path):
    """The worker's file helper, run in Node.js with a stand-in channel (after check 17's harness): a
    status from the page is passed on; another tab's answers are ignored; a file request the page
    leaves unanswered is answered 504 after DRIVE_WAIT (shortened here), and a late answer then does
    nothing; input typed by the learner (stdin) is never cut off; no listener is left behind."""
    helper = SERVICE_WORKER[SERVICE_WORKER.index("async function broadcastOne"):]  # (the worker's last function)
    assert re.search(r"const DRIVE_WAIT = (\d+);", SERVICE_WORKER).group(1) == "20000"
    script = """
const listeners = new Set(); const posted = [];
const broadcast = { addEventListener: (t, f) => listeners.add(f), removeEventListener: (t, f) => listeners.delete(f),
                    postMessage: (m) => posted.push(m) };
function answer(data) { for (const f of [...listeners]) f({ data }); }
const DRIVE_WAIT = 200;
""" + helper + """
function req(body) { return { json: async () => body }; }
const pause = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  const out = {};
  let p = broadcastOne(req({ browsingContextId: "A", requestId: "r1" }), new URL("http://x/api/drive"));
  await pause(10);
  answer(null); answer({ browsingContextId: "B", requestId: "r1", response: 1 });
  answer({ browsingContextId: "A", requestId: "r1", coplearnStatus: 404 });
  let r = await p; out.status = [r.status, listeners.size];
  const t0 = Date.now();
  r = await broadcastOne(req({ browsingContextId: "A", requestId: "r2" }), new URL("http://x/api/drive"));
  out.unanswered = [r.status, Date.now() - t0 >= 190, listeners.size];
  answer({ browsingContextId: "A", requestId: "r2", response: 5 });
  p = broadcastOne(req({ browsingContextId: "A", requestId: "s1" }), new URL("http://x/api/stdin/kernel"));
  let done = false; p.then(() => { done = true; });
  await pause(500);
  out.stdinWaits = !done;
  answer({ browsingContextId: "A", requestId: "s1", response: "typed" });
  r = await p; out.stdin = [r.status, await r.text(), listeners.size];
  p = broadcastOne(req({ browsingContextId: "A", requestId: "r3" }), new URL("http://x/api/drive"));
  await pause(5);
  answer({ browsingContextId: "A", requestId: "r3", response: {size: 2} });
  r = await p; out.ok = [r.status, await r.text()];
  out.posted = posted.map((m) => m.pathname);
  console.log(JSON.stringify(out));
})();
"""
    (tmp_path / "helper.js").write_text(script, encoding="utf-8")
    proc = subprocess.run(["node", str(tmp_path / "helper.js")], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {
        "status": [404, 0], "unanswered": [504, True, 0], "stdinWaits": True, "stdin": [200, '"typed"', 0],
        "ok": [200, '{"size":2}'], "posted": ["/api/drive", "/api/drive", "/api/stdin/kernel", "/api/drive"]}


def test_the_built_site_answers_every_file_request(built_site):
    pages = [p for p in built_site.rglob("*.js") if "_onDriveMessage" in p.read_text(encoding="utf-8")]
    assert pages and all("coplearnStatus" in p.read_text(encoding="utf-8") for p in pages)
    workers = list(built_site.rglob("*.worker.*.js"))
    assert len(workers) == 2
    for worker in workers:
        text = worker.read_text(encoding="utf-8")
        assert "status===404?this.ERRNO_CODES.ENOENT" in text and "status===507?this.ERRNO_CODES.ENOSPC" in text and ".status>=400)throw new this.FS.ErrnoError(this.ERRNO_CODES.EINVAL)" not in text


# --- a changed file gets a new name, so no browser reads a copy it kept of the unchanged one (check17 F13)


def _chained_site(root: Path) -> Path:
    """JupyterLite's chain of names, as in 0.8.6: pages -> bundle.js (unhashed) -> chunk map -> 981;
    jupyter-lite.json (unhashed) -> remoteEntry -> chunk map (twice) -> 393 -> the kernel's worker."""
    static = "extensions/@jupyterlite/pyodide-kernel-extension/static"
    files = {
        "build/lab/bundle.js": 'u=e=>""+e+"."+({1981:"aaaaaaa",981:"1e14a7f"})[e]+".js"',
        "build/981.1e14a7f.js": "page handler, patched",
        "build/1981.aaaaaaa.js": "another chunk",
        "jupyter-lite.json": json.dumps({"federated_extensions": [{"load": "static/remoteEntry.abcac41d5ca77040.js"}]}),
        f"{static}/remoteEntry.abcac41d5ca77040.js":
            '$.u=e=>""+e+"."+({393:"d0cf8b3e64df6b99",88:"4eef6fd43c0373bf"})[e]+".js?v="+'
            '({393:"d0cf8b3e64df6b99",88:"4eef6fd43c0373bf"})[e]',
        f"{static}/393.d0cf8b3e64df6b99.js": 'e.exports=s.p+"comlink.worker.c654f1f92d96ff96.js"',
        f"{static}/88.4eef6fd43c0373bf.js": "unchanged",
        f"{static}/comlink.worker.c654f1f92d96ff96.js": "kernel worker, patched",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def test_changed_files_are_renamed_up_the_chain_of_names(tmp_path):
    site = _chained_site(tmp_path)
    static = site / "extensions/@jupyterlite/pyodide-kernel-extension/static"
    renamed = rename_changed(site, [site / "build/981.1e14a7f.js", static / "comlink.worker.c654f1f92d96ff96.js"])
    # the two changed files, the hashed files that name them, and so on up to the unhashed ones
    assert sorted(renamed) == ["build/981.1e14a7f.js",
                               "extensions/@jupyterlite/pyodide-kernel-extension/static/393.d0cf8b3e64df6b99.js",
                               "extensions/@jupyterlite/pyodide-kernel-extension/static/comlink.worker.c654f1f92d96ff96.js",
                               "extensions/@jupyterlite/pyodide-kernel-extension/static/remoteEntry.abcac41d5ca77040.js"]
    for old, new in renamed.items():
        assert not (site / old).exists() and (site / new).is_file()
        stem, digest = re.fullmatch(r"(.+)\.([0-9a-f]+)\.js", Path(new).name).groups()
        assert Path(old).name.startswith(stem + ".") and len(digest) == len(Path(old).name.split(".")[-2])
    every = "\n".join(p.read_text(encoding="utf-8") for p in site.rglob("*") if p.is_file())
    for old, new in renamed.items():
        assert Path(old).name.split(".")[-2] not in every, old  # no name or chunk-map entry left behind
    bundle = (site / "build/lab/bundle.js").read_text(encoding="utf-8")
    assert f'981:"{Path(renamed["build/981.1e14a7f.js"]).name.split(".")[1]}"' in bundle
    assert '1981:"aaaaaaa"' in bundle  # another chunk whose id ends alike is left alone
    entry = next(static.glob("remoteEntry.*.js")).read_text(encoding="utf-8")
    new393 = Path(renamed[next(k for k in renamed if "/393." in k)]).name.split(".")[1]
    assert entry.count(f'393:"{new393}"') == 2 and entry.count('88:"4eef6fd43c0373bf"') == 2
    config = json.loads((site / "jupyter-lite.json").read_text(encoding="utf-8"))
    assert config["federated_extensions"][0]["load"] == "static/" + next(static.glob("remoteEntry.*.js")).name
    assert (static / "88.4eef6fd43c0373bf.js").is_file() and (site / "build/1981.aaaaaaa.js").is_file()
    assert rename_changed(site, [site / renamed["build/981.1e14a7f.js"]]) == {}  # named after its content now


def test_a_changed_file_nothing_names_stops_the_build(tmp_path):
    site = _chained_site(tmp_path)
    (site / "build/lab/bundle.js").write_text("no map", encoding="utf-8")
    with pytest.raises(SiteBuildError, match="no file of the site names build/981.1e14a7f.js"):
        rename_changed(site, [site / "build/981.1e14a7f.js"])


def test_the_built_sites_changed_files_are_named_after_their_content(built_site):
    """Every file the build patched carries a hash of what it holds, not JupyterLite's name for the
    file it was (a browser that kept that file from an earlier build would run it unpatched)."""
    import hashlib

    patched = [p for p in built_site.rglob("*.js") if p.name != "service-worker.js" and
               any(mark in p.read_text(encoding="utf-8") for mark in ("coplearnStatus", "ERRNO_CODES.EIO", "__coplearnLoadPyodide"))]
    assert len(patched) >= 4, patched  # the page's handler (2), the kernel's two workers at least
    for path in patched:
        stem, digest = re.fullmatch(r"(.+)\.([0-9a-f]{7,})\.js", path.name).groups()
        assert hashlib.sha256(path.read_bytes()).hexdigest().startswith(digest), path
