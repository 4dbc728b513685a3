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
from coplearn.site.offline import JUPYTERLITE_MARKS, SERVICE_WORKER, site_fingerprint, write_service_worker

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
