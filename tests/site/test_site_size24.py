"""The browser edition's size (site24): what the build leaves out stays out, and no page asks for a
file the site lacks (walk23 L7: a 404 for /favicon.ico in the console of every lesson)."""

from __future__ import annotations

import json
import re

import pytest

from coplearn.site import SiteBuildError, build

#: What only Mermaid's library and its layout engines hold (JupyterLab code the site leaves out).
MERMAID_MARKS = ("You have to call mermaid.initialize", '"elk.algorithm"')


def _chunk(folder, cid: str, body: str) -> None:
    (folder / f"{int(float(cid))}.abcdef1.js").write_text(
        f'(self.rspackChunk_X=self.rspackChunk_X||[]).push([[{cid}],{{1(n,i,o){{{body}}}}}]);', encoding="utf-8")


def test_chunks_only_a_turned_off_plugin_loads_are_dropped_and_the_rest_kept(tmp_path):
    b = tmp_path / "build"
    (b / "lab").mkdir(parents=True)
    (b / "lab" / "bundle.js").write_text("x=()=>Promise.all([__webpack_require__.e(1),__webpack_require__.e(6e3)])")
    _chunk(b, "1", "o.e(2).then(o.bind(o,5));o.e(3).then(o.bind(o,7))")  # 2: only through the cut import
    _chunk(b, "2", "o.e(4)")  # 4: only through 2
    _chunk(b, "3", "")
    _chunk(b, "4", "")
    _chunk(b, "6e3", "o.u(8)")  # a chunk id the minifier wrote as 6e3, and a worker's script
    _chunk(b, "8", "")
    dropped = build._drop_unreachable_chunks(b, ["o.e(2).then(o.bind(o,5))"])
    assert sorted(dropped) == ["2.abcdef1.js", "4.abcdef1.js"]
    assert sorted(p.name for p in b.glob("*.js")) == ["1.abcdef1.js", "3.abcdef1.js", "6000.abcdef1.js", "8.abcdef1.js"]
    # a lazy import to cut that is not there (another JupyterLite) stops the build
    with pytest.raises(SiteBuildError, match="does not load"):
        build._drop_unreachable_chunks(b, ["o.e(9).then(o.bind(o,5))"])
    # so does a chunk that nothing loads even before the cut (a way of loading this reading misses)
    _chunk(b, "9", "")
    with pytest.raises(SiteBuildError, match="does not read"):
        build._drop_unreachable_chunks(b, [])


def test_mermaid_and_the_repl_page_stay_out_and_every_chunk_a_page_can_load_is_there(built_site):
    settings = json.loads((built_site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    assert "@jupyterlab/mermaid-extension" in settings["disabledExtensions"]
    assert not (built_site / "repl").exists() and not (built_site / "build" / "repl").exists()
    code = built_site / "build"
    for path in code.glob("*.js"):
        text = path.read_text(encoding="utf-8", errors="replace")
        for mark in MERMAID_MARKS:
            assert mark not in text, (path.name, mark)
    # every chunk a page can load (all lazy loads but the turned-off plugins') is in the site
    files = {}
    for path in code.glob("*.js"):
        head = re.search(r"\.push\(\[\[([\de,]+)\]", path.read_text(encoding="utf-8", errors="replace")[:400])
        if head:
            files.update({int(float(c)): path.name for c in head.group(1).split(",")})
    cut = [c for calls in build.UNUSED_PLUGINS.values() for c in calls]
    load = re.compile(r"(?<![\w$])[A-Za-z_$][\w$]*\.[eu]\((\d+(?:e\d+)?)\)")
    mapped = {int(c) for b in code.glob("*/bundle.js")
              for c in re.findall(r'(?<![\w$])(\d+):"[0-9a-f]{7}"', b.read_text(encoding="utf-8"))}
    assert len(mapped) > 100
    todo = [int(float(c)) for b in code.glob("*/bundle.js") for c in load.findall(b.read_text(encoding="utf-8"))]
    seen: set[int] = set()
    while todo:
        cid = todo.pop()
        if cid in seen:
            continue
        seen.add(cid)
        if cid not in files:  # (a number that only looks like a lazy load is in no chunk map)
            assert cid not in mapped, f"chunk {cid} can be loaded but is not in the site"
            continue
        text = (code / files[cid]).read_text(encoding="utf-8", errors="replace")
        for call in cut:
            text = text.replace(call, "")
        todo += [int(float(c)) for c in load.findall(text)]
    assert set(files) <= seen  # nothing left that no page loads
    assert build._dir_size(code) < 12.5e6  # (16.7 MB before site24)


def test_the_site_answers_the_browsers_favicon_request_and_keeps_it_offline(built_site):
    assert (built_site / "favicon.ico").read_bytes() == (built_site / "notebooks" / "favicon.ico").read_bytes()
    worker = (built_site / "service-worker.js").read_text(encoding="utf-8")
    keep = json.loads(re.search(r"^const KEEP = (\[.*\]);", worker, re.M).group(1))
    assert "favicon.ico" in keep
    # the front page names it, relative to itself: so it is the site's own where the site is not the address's root
    assert '<link rel="icon" type="image/x-icon" href="favicon.ico">' in (built_site / "index.html").read_text()


@pytest.mark.browser
@pytest.mark.timeout(600)
def test_no_page_asks_for_a_file_the_site_lacks(browser, site_server):
    """Walk23 L7: every lesson logged "Failed to load resource: ... 404 (File not found)": the browser's
    own request for /favicon.ico (JupyterLite names the page's icon only later, from its script). The
    lesson page, the file list, JupyterLab and the editor now ask for nothing the site lacks."""
    from sitehelpers import OriginGuard, open_lesson

    guard = OriginGuard(site_server.url)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    guard.attach(context)
    missing: list[str] = []
    context.on("response", lambda r: missing.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if "Failed to load resource" in m.text else None)
        open_lesson(page, site_server.url, "00-welcome")
        for where in ("/tree/index.html", "/lab/index.html?path=guides/learner-guide.md",
                      "/edit/index.html?path=examples/team-survey.csv"):
            page.goto(site_server.url + where)
            page.wait_for_function("() => !!window.jupyterapp", timeout=120_000)
            page.wait_for_timeout(4000)
        page.wait_for_timeout(1000)
    finally:
        context.close()
    assert not missing, missing
    assert not errors, errors
    assert not guard.foreign
