"""The browser edition's service worker: JupyterLite's file helper, and a copy of the site kept in
the browser so that the lessons open again without a connection (reach 12 W3, W14).

JupyterLite 0.8.6 ships a service worker whose one job the site needs is its *file helper*: the
lesson's Python reads and writes its files (the journal, the saved answers) through requests to
``/api/drive`` that the worker hands to the page. Its optional cache (``enableServiceWorkerCache``)
did not make the lessons reach more learners, as tried here (2-core machine, Chromium, a host that
asks the browser to re-check every file, as any host does once its copies age):

- it leaves ``/api/...`` files to the network (the course's list of lessons, the translations), so a
  return without a connection opened the page but no lesson ("Path ... does not exist");
- it serves a kept file and fetches it again every time ("stale while revalidate"), so a browser
  that cannot hold Python's two largest files in its ordinary cache (a private window) downloaded
  them again for every lesson: 24.8 MB a lesson, with or without it.

So the site's ``service-worker.js`` is replaced by :data:`SERVICE_WORKER`, which keeps the file
helper as JupyterLite wrote it (the same channel and messages) and keeps the site's files in one
cache per build of the site:

- Files whose names carry a hash of their content (most of the app's code) are read from the kept
  copy once it is there: they never change.
- Every other file (Python, its packages, the lessons and their list, settings) is asked of the
  site with the kept copy's validators (``If-None-Match``, ``If-Modified-Since``): an unchanged file
  costs a "not modified" answer, a changed one (a corrected lesson, a rebuilt site) comes in full,
  and the kept copy is used when the site cannot be reached. The pages themselves are fetched from
  the site first, with the kept copy as the fallback.
- Once a lesson has run, the page asks the worker to keep what it loaded, with Python's files (the
  lesson's kernel fetches them in a worker of its own) and every lesson and list of the site (small),
  so that any lesson opens without a connection after one lesson has run online.
- The cache's name holds a fingerprint of the whole site (:func:`site_fingerprint`), written into
  the worker; a rebuilt site is a changed worker, which the browser installs and which takes over
  on the next visit with a connection, as JupyterLite's does. On that first visit after a rebuild a
  lesson's Python sometimes did not start (about one run in three in a test on 6 December 2026,
  though not in 15 later tries: the kernel's own worker script was cut off while loading); a reload
  starts it, and the lesson page now reloads itself once
  when Python's worker fails before the lesson has run (``RUN_ON_OPEN`` in
  :mod:`coplearn.site.pages`). The older copy is deleted once a lesson has run.

The file helper also answers every file request (:func:`patch_file_helper`): JupyterLite 0.8.6's page
answered nothing when a request failed, and the lesson's Python, which waits for each answer, then
waited for ever (walk16 F13: a lesson in a second tab saving to the journal at the moment the first
did stayed busy, silent, for good).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from coplearn.site import SiteBuildError

__all__ = ["SERVICE_WORKER", "patch_file_helper", "rename_changed", "site_fingerprint", "write_service_worker"]

#: The service worker, with ``__BUILD__`` and ``__KEEP__`` filled in by :func:`write_service_worker`.
SERVICE_WORKER = r"""// The browser edition's service worker, written by coplearn (coplearn/site/offline.py) in place of
// JupyterLite 0.8.6's. Its file helper (the /api/drive and /api/stdin/ requests, the heartbeat) is
// JupyterLite's (BSD-3-Clause, Copyright (c) Jupyter Development Team), unchanged in what it does.
"use strict";
const BUILD = "__BUILD__";
const CACHE = "coplearn-site-" + BUILD;
const KEEP = __KEEP__;  // site-relative: Python's files, every lesson and list (see keep below)
const SCOPE = new URL(self.registration.scope);
// a file whose name carries a hash of its content (1031.b91a70b.js, remoteEntry.c8c9eed2cdefdeac.js)
// never changes: it is read from the kept copy without asking the site
const HASHED = /[.-][0-9a-f]{7,}\.[a-z0-9]+$/;
const broadcast = new BroadcastChannel("/sw-api.v1");

// A worker takes over at once, as JupyterLite's does (the lesson's Python needs its file helper).
// (A new build's worker waiting until the site's pages were closed made a page opened just after
// another closed hang in the full test run; taking over at once can, on the first visit after a
// rebuild, stop a loading page's kernel from starting: the lesson page then reloads itself once.
// Both seen in tests, 6 December 2026.)
// The older build's copy is deleted in keep(), once a lesson has run.
self.addEventListener("install", () => { self.skipWaiting(); });
self.addEventListener("activate", (event) => { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.pathname.endsWith("/api/service-worker-heartbeat")) {
    event.respondWith(new Response("ok"));
    return;
  }
  if (url.origin === self.location.origin &&
      (url.pathname.includes("/api/drive") || url.pathname.includes("/api/stdin/"))) {
    event.respondWith(broadcastOne(request, url));
    return;
  }
  if (request.method !== "GET" || url.origin !== self.location.origin || !url.href.startsWith(SCOPE.href) ||
      request.headers.has("range")) {
    return;  // the browser's own way
  }
  if (request.mode === "navigate") event.respondWith(networkFirst(event, request));
  else if (HASHED.test(url.pathname)) event.respondWith(cacheFirst(event, request));
  else event.respondWith(revalidated(event, request));
});

function keepable(response) {
  return response && response.ok && response.type === "basic" && !response.redirected;
}

async function cacheFirst(event, request) {
  const kept = await caches.match(request, { cacheName: CACHE });
  if (kept) return kept;
  const response = await fetch(request);
  if (keepable(response)) {
    const copy = response.clone();
    event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)).catch(() => {}));
  }
  return response;
}

// Anything else: asked of the site with the kept copy's validators, so an unchanged file (Python's
// 25 MB among them) costs a "not modified" answer, a changed one comes in full, and the kept copy is
// used when the site cannot be reached.
async function revalidated(event, request) {
  const kept = await caches.match(request, { cacheName: CACHE });
  const etag = kept && kept.headers.get("ETag"), modified = kept && kept.headers.get("Last-Modified");
  if (!etag && !modified) return networkFirst(event, request);
  const headers = new Headers();
  if (etag) headers.set("If-None-Match", etag);
  if (modified) headers.set("If-Modified-Since", modified);
  let response;
  try {
    response = await fetch(request.url, { headers, credentials: "same-origin", cache: "no-store" });
  } catch (err) {
    return kept;
  }
  if (response.status === 304) return kept;
  if (keepable(response)) {
    const copy = response.clone();
    event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)).catch(() => {}));
  }
  return response;
}

async function networkFirst(event, request) {
  try {
    const response = await fetch(request);
    if (keepable(response)) {
      const copy = response.clone();
      event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)).catch(() => {}));
    }
    return response;
  } catch (err) {
    // the same page for another lesson (index.html?path=...) is the same file
    const kept = (await caches.match(request, { cacheName: CACHE })) ||
      (await caches.match(request, { cacheName: CACHE, ignoreSearch: true }));
    if (kept) return kept;
    throw err;
  }
}

// The page asks, once its lesson has run: keep what it loaded, and KEEP. Each file missing from the
// copy is fetched once (most come from the browser's ordinary cache). The page is told how many.
self.addEventListener("message", (event) => {
  const data = event.data;
  if (!data || data.coplearn !== "keep" || !Array.isArray(data.urls)) return;
  event.waitUntil(keep(data.urls.concat(KEEP)).then((counts) => {
    if (event.source) event.source.postMessage(Object.assign({ coplearn: "kept" }, counts));
  }));
});

async function keep(urls) {
  for (const name of await caches.keys()) {
    // an older build's copy, and JupyterLite's own cache: nothing reads them once a lesson has run
    if (name !== CACHE && (name.startsWith("coplearn-site-") || name === "precache")) await caches.delete(name);
  }
  const cache = await caches.open(CACHE);
  const seen = new Set();
  let kept = 0, added = 0, failed = 0;
  for (const href of urls) {
    let url;
    try { url = new URL(href, SCOPE); } catch (err) { continue; }
    url.hash = "";
    const path = url.pathname;
    if (url.origin !== self.location.origin || !url.href.startsWith(SCOPE.href) || seen.has(url.href) ||
        path.includes("/api/drive") || path.includes("/api/stdin/") || path.endsWith("/api/service-worker-heartbeat")) {
      continue;
    }
    seen.add(url.href);
    if (await cache.match(url.href)) { kept += 1; continue; }
    try {
      const response = await fetch(url.href);
      if (!keepable(response)) { failed += 1; continue; }
      await cache.put(url.href, response);
      added += 1;
    } catch (err) {
      failed += 1;  // offline, or the browser's storage is full: kept next time
    }
  }
  return { kept, added, failed };
}

// A lesson's Python waits for the answer to a file request and can do nothing else meanwhile, so
// every request is answered (coplearn's change to JupyterLite's helper). The page says when a file
// request failed (patch_file_helper: 404 when the file is not there, which Python reads as "no such
// file"; 507 when the browser's storage for the site is full, "no space left"; 500 otherwise, an
// input/output error), and a file request the page has not answered in
// DRIVE_WAIT ms is answered 504. JupyterLite 0.8.6's page answered nothing when a request failed (a
// file another tab had just deleted), and the tab's Python waited for ever. Input typed by the
// learner (stdin) is waited for as long as it takes.
const DRIVE_WAIT = 20000;

async function broadcastOne(request, url) {
  const message = await request.json();
  const requestId = message.requestId != null ? message.requestId : crypto.randomUUID();
  message.requestId = requestId;
  const answer = new Promise((resolve) => {
    let timer = null;
    const listener = (event) => {
      const data = event.data;
      if (!data || data.browsingContextId !== message.browsingContextId || data.requestId !== requestId) return;
      if (timer !== null) clearTimeout(timer);
      broadcast.removeEventListener("message", listener);
      resolve(data.coplearnStatus ? new Response("null", { status: data.coplearnStatus })
                                  : new Response(JSON.stringify(data.response)));
    };
    broadcast.addEventListener("message", listener);
    if (url.pathname.includes("/api/drive")) {
      timer = setTimeout(() => {
        broadcast.removeEventListener("message", listener);
        resolve(new Response("null", { status: 504 }));
      }, DRIVE_WAIT);
    }
  });
  message.pathname = url.pathname;
  broadcast.postMessage(message);
  return await answer;
}
"""

#: What JupyterLite 0.8.6's own worker holds, checked before it is replaced: a JupyterLite whose
#: file helper works differently must not be given this one (the build stops instead).
JUPYTERLITE_MARKS = ('"/sw-api.v1"', "/api/service-worker-heartbeat", "/api/drive", "/api/stdin/", "browsingContextId")


#: JupyterLite 0.8.6's page handles a file request from a lesson's Python (``_onDriveMessage``) and
#: posts no answer when the request fails, so the Python that asked waits for ever (walk 16 F13: two
#: tabs saving to the journal at once; the second asked about a lock file the first had removed).
_PAGE_HANDLER = re.compile(
    r"this\._onDriveMessage=async\((\w+),(\w+)\)=>\{let (\w+)=await this\._driveContentsProcessor\."
    r"processDriveRequest\(\1\);this\._broadcastChannel\.postMessage\(\{response:\3,"
    r"browsingContextId:this\._browsingContextId,requestId:\2\}\)\}")
#: The kernel's side of a file request: any failed answer became "invalid argument". Now "no such file"
#: for a 404, "no space left on device" (ENOSPC: 51 in Pyodide's numbering, Python's ``errno.ENOSPC``
#: there) for a 507, the page's answer when the browser's storage for the site is full
#: (QuotaExceededError: walk23 M2), else "input/output error" (which the course words as the store not
#: being read or written).
_KERNEL_ERROR = re.compile(r"if\((\w+)\.status>=400\)throw new this\.FS\.ErrnoError\(this\.ERRNO_CODES\.EINVAL\)")


def _page_handler(match: re.Match[str]) -> str:
    request, request_id, answer = match.groups()
    post = "this._broadcastChannel.postMessage"
    ids = f"browsingContextId:this._browsingContextId,requestId:{request_id}"
    return (f"this._onDriveMessage=async({request},{request_id})=>{{let {answer},coplearnStatus=0;"
            f"try{{{answer}=await this._driveContentsProcessor.processDriveRequest({request})}}"
            f"catch(failure){{coplearnStatus=/QuotaExceeded/.test(String(failure&&failure.name)+String(failure))?507:500;"
            f"if(['getattr','getmode','readdir','rmdir','rename'].includes({request}.method))"
            f"try{{await this._contents.get({request}.path,{{content:!1}})}}catch(gone){{coplearnStatus=404}}"
            f"console.warn('coplearn: a file request failed',{request}.method,{request}.path,String(failure))}}"
            f"{post}(coplearnStatus?{{coplearnStatus,{ids}}}:{{response:{answer},{ids}}})}}")


def _kernel_error(match: re.Match[str]) -> str:
    xhr = match.group(1)
    return (f"if({xhr}.status>=400)throw new this.FS.ErrnoError("
            f"{xhr}.status===404?this.ERRNO_CODES.ENOENT:{xhr}.status===507?this.ERRNO_CODES.ENOSPC:this.ERRNO_CODES.EIO)")


def patch_file_helper(site: Path) -> list[Path]:
    """Make every file request of a lesson's Python get an answer (see :data:`SERVICE_WORKER`).

    The page answers a failed request with a status: 404 when a request about an existing file (its
    details, a folder's list, a removal, a rename) finds it gone, 507 when the browser refused the
    write for want of room (QuotaExceededError), else 500 (a save or a new file that failed); the
    kernel reads 404 as "no such file" (``FileNotFoundError``), 507 as "no space left on device"
    (``errno.ENOSPC``) and any other failure, or the worker's 504, as an input/output error, not
    "invalid argument".
    Returns the files changed; the build stops if JupyterLite's code is not as in 0.8.6."""
    page_files, kernel_files = [], []
    for path in sorted(site.rglob("*.js")):
        if path.name == "service-worker.js":
            continue
        text = path.read_text(encoding="utf-8")
        if "_onDriveMessage" not in text and "ERRNO_CODES.EINVAL" not in text:
            continue
        new, n_page = _PAGE_HANDLER.subn(_page_handler, text)
        new, n_kernel = _KERNEL_ERROR.subn(_kernel_error, new)
        if n_page or n_kernel:
            path.write_text(new, encoding="utf-8")
        page_files += [path] * n_page
        kernel_files += [path] * n_kernel
    # the app's page (build/) and the kernel's two workers (comlink, coincident) at least
    if not any(p.parent.name == "build" for p in page_files) or \
            sum(".worker." in p.name for p in kernel_files) != 2:
        raise SiteBuildError(f"JupyterLite's file helper is not as in 0.8.6 (its page handler found in "
                             f"{len(page_files)} files, its kernel's error in {len(kernel_files)}); "
                             "see coplearn/site/offline.py")
    changed = sorted(set(page_files + kernel_files))
    return changed


#: A name that carries a hash of its content (``981.1e14a7f.js``, ``remoteEntry.abcac41d5ca77040.js``).
_HASHED_NAME = re.compile(r"(?P<stem>.+)\.(?P<hex>[0-9a-f]{7,})\.(?P<ext>js)")


def rename_changed(site: Path, changed: list[Path]) -> dict[str, str]:
    """Give every file the build changed a new content-hash name, and say so wherever it is named.

    A file whose name carries a hash of its content is taken never to change: the browser's ordinary
    cache and the site's worker (:data:`SERVICE_WORKER`, "cache first") keep it as long as they like.
    So a file patched here under JupyterLite's name could still be read, on a computer that opened
    an earlier build of the site, as that build's copy (check17 F13). Each changed file is renamed
    after its new content, and the files that name it (a webpack chunk map, ``81:"1e14a7f"``, or the
    file's name) are rewritten; a renamed file that was itself named by a hashed file changes that
    file too, and so on up to the unhashed files the pages start from (``bundle.js``,
    ``jupyter-lite.json``). Returns old name -> new name (site-relative). The build stops if nothing
    names a changed file: the app would never load it."""
    texts = [p for p in site.rglob("*") if p.is_file() and p.suffix in (".js", ".json", ".html")]
    dirty = [p for p in changed if _HASHED_NAME.fullmatch(p.name)]
    renamed: dict[str, str] = {}
    while dirty:
        path = dirty.pop(0)
        m = _HASHED_NAME.fullmatch(path.name)
        assert m is not None
        stem, old, ext = m.group("stem"), m.group("hex"), m.group("ext")
        new = hashlib.sha256(path.read_bytes()).hexdigest()[: len(old)]
        if new == old:
            continue
        target = path.with_name(f"{stem}.{new}.{ext}")
        path.rename(target)
        texts[texts.index(path)] = target
        was = path.relative_to(site).as_posix()
        renamed[next((k for k, v in renamed.items() if v == was), was)] = target.relative_to(site).as_posix()
        patterns = [(re.compile(re.escape(f"{stem}.{old}.{ext}") + r"(?![0-9a-zA-Z])"), f"{stem}.{new}.{ext}")]
        if stem.isdigit():  # webpack's chunk map: chunk id -> hash
            patterns.append((re.compile(rf'(?<![\w$.]){stem}:"{old}"'), f'{stem}:"{new}"'))
        naming = 0
        for other in texts:
            if other == target:
                continue
            text = other.read_text(encoding="utf-8", errors="surrogateescape")
            if old not in text:
                continue
            changed_text = text
            for pattern, replacement in patterns:
                changed_text = pattern.sub(replacement, changed_text)
            if changed_text == text:
                continue
            other.write_text(changed_text, encoding="utf-8", errors="surrogateescape")
            naming += 1
            if _HASHED_NAME.fullmatch(other.name) and other not in dirty:
                dirty.append(other)
        if not naming:
            raise SiteBuildError(f"no file of the site names {path.relative_to(site).as_posix()}, which the "
                                 "build changed: the app could not load it (see coplearn/site/offline.py)")
    return renamed


def site_fingerprint(site: Path) -> str:
    """A short fingerprint of every file of ``site`` (names and contents) but its service worker."""
    digest = hashlib.sha256()
    for path in sorted(p for p in site.rglob("*") if p.is_file() and p.name != "service-worker.js"):
        digest.update(path.relative_to(site).as_posix().encode("utf-8") + b"\0")
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def write_service_worker(site: Path, python_files: list[str]) -> str:
    """Replace JupyterLite's ``service-worker.js`` in the built ``site`` with :data:`SERVICE_WORKER`.

    ``python_files`` are the site-relative files the lessons' Python starts from (fetched by the
    kernel's own worker, which the page cannot list). Returns the build's fingerprint."""
    worker = site / "service-worker.js"
    original = worker.read_text(encoding="utf-8") if worker.is_file() else ""
    missing = [m for m in JUPYTERLITE_MARKS if m not in original]
    if missing:
        raise SiteBuildError(f"JupyterLite's service-worker.js does not look like 0.8.6's (no {', '.join(missing)}); "
                             "the course's file helper would not match it")
    lists = sorted(p.relative_to(site).as_posix() for top in ("api", "files") if (site / top).is_dir()
                   for p in (site / top).rglob("*") if p.is_file())
    # the guides' and the printable lessons' pages (small: about 0.5 MB) open without a connection too,
    # read or not
    pages = sorted(p.relative_to(site).as_posix() for top in ("guides", "printable") if (site / top).is_dir()
                   for p in (site / top).glob("*.html"))
    keep = [*python_files, *lists, *pages, "index.html", "notebooks/index.html"]
    if (site / "favicon.ico").is_file():  # what the browser asks for on every page (kept for offline use)
        keep.append("favicon.ico")
    build = site_fingerprint(site)
    text = SERVICE_WORKER.replace("__BUILD__", build).replace("__KEEP__", json.dumps(keep))
    worker.write_text(text, encoding="utf-8")
    return build
