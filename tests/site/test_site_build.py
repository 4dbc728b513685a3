"""The browser edition's build: what goes into the site, and the dependency split behind it."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from coplearn.site import SiteBuildError, build, fetch, pages

REPO = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())


def _deps_for(platform: str) -> set[str]:
    env = {"sys_platform": platform, "python_version": "3.14", "platform_system": "Emscripten"}
    out = set()
    for text in PYPROJECT["project"]["dependencies"]:
        req = Requirement(text)
        if req.marker is None or req.marker.evaluate(env):
            out.add(req.name.lower())
    return out


def test_the_browser_installs_only_the_core_and_a_desktop_install_everything():
    assert _deps_for("emscripten") == {"ipywidgets", "plotly", "jinja2"} == set(fetch.COPLEARN_DEPENDS)
    desktop = _deps_for("win32")
    assert {"jupyterlab", "notebook", "ipykernel", "nbgrader", "voila", "python-docx", "ipywidgets", "plotly"} <= desktop
    assert _deps_for("linux") == desktop == _deps_for("darwin")


def test_the_site_environment_pins_the_versions_the_build_expects():
    lines = [ln.strip() for ln in (REPO / "scripts" / "site-requirements.txt").read_text().splitlines()
             if ln.strip() and not ln.lstrip().startswith("#")]
    site = {Requirement(r).name: str(Requirement(r).specifier) for r in lines}
    assert site["jupyterlite-core"] == f"=={fetch.JUPYTERLITE_VERSION}"
    assert site["jupyterlite-pyodide-kernel"] == f"=={fetch.JUPYTERLITE_VERSION}"
    # the course's own environment must not carry JupyterLite: its kernel extension breaks Voila pages
    for extra in PYPROJECT["project"]["optional-dependencies"].values():
        assert not {Requirement(r).name for r in extra} & {"jupyterlite-core", "jupyterlite-pyodide-kernel"}


def test_rewrite_lock_refuses_a_dependency_the_site_lacks(tmp_path):
    whl = fetch._write_wheel(tmp_path, "demo", "1.0", [("demo/__init__.py", b"x = 1\n")])
    lock = {"info": {}, "packages": {}}
    out = fetch.rewrite_lock(lock, {"demo": whl}, {"demo": []})
    assert out["packages"]["demo"]["imports"] == ["demo"]
    assert out["packages"]["demo"]["file_name"] == whl.name
    with pytest.raises(SiteBuildError, match="depends on"):
        fetch.rewrite_lock(lock, {"demo": whl}, {"demo": ["numpy"]})


def test_hand_made_wheel_has_a_correct_record(tmp_path):
    import base64
    import hashlib

    whl = fetch.coplearn_wheel(tmp_path)
    with zipfile.ZipFile(whl) as zf:
        names = zf.namelist()
        record = zf.read(next(n for n in names if n.endswith("RECORD"))).decode().splitlines()
        assert "coplearn/practice/journal.py" in names and "coplearn/data/cultures.toml" in names
        assert "coplearn/templates/document.html.j2" in names  # the documents' templates
        assert not [n for n in names if n.startswith(("coplearn/cli/", "coplearn/site/"))]  # not for browsers
        for line in record:
            name, digest, _size = line.rsplit(",", 2)
            if digest:
                raw = hashlib.sha256(zf.read(name)).digest()
                assert digest == "sha256=" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
        meta = zf.read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert "Requires-Dist: plotly" in meta and "nbgrader" not in meta


def test_markupsafe_for_the_browser_is_pure_python_and_escapes(tmp_path):
    import subprocess
    import sys

    whl = fetch.pure_wheel_from_installed("markupsafe", tmp_path, fetch.PURE_FROM_INSTALLED["markupsafe"])
    assert whl.name.endswith("-py3-none-any.whl")
    with zipfile.ZipFile(whl) as zf:
        names = zf.namelist()
    assert "markupsafe/_native.py" in names and not any("_speedups" in n for n in names)
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import markupsafe; "
            "assert markupsafe.__file__.startswith(sys.argv[1]), markupsafe.__file__; "
            "print(markupsafe.escape('<script>'))")
    out = subprocess.run([sys.executable, "-c", code, str(whl)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "&lt;script&gt;"


# ---- the built site ----------------------------------------------------------------------------

def test_every_lock_entry_is_in_the_site_and_nothing_points_elsewhere(built_site):
    lock = json.loads((built_site / "static" / "pyodide" / "pyodide-lock.json").read_text())
    import hashlib

    for key, entry in lock["packages"].items():
        path = built_site / "static" / "pyodide" / entry["file_name"]
        assert path.exists(), key
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"], key
        assert set(entry["depends"]) <= set(lock["packages"]), key
    settings = json.loads((built_site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = settings["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["pyodideUrl"] == "./static/pyodide/pyodide.mjs"
    assert kernel["disablePyPIFallback"] is True
    assert set(kernel["loadPyodideOptions"]["packages"]) <= set(lock["packages"])
    assert kernel["loadPyodideOptions"]["env"]["COPLEARN_JOURNAL"].startswith("/drive/")
    assert not re.search(r"https?://", (built_site / "jupyter-lite.json").read_text())
    # JupyterLite's loading screen is on (reach 12: a slow computer saw a white page for up to a minute),
    # and the lessons' page has it
    assert settings["showLoadingIndicator"] is True
    assert 'id="jupyterlite-loading-indicator"' in (built_site / "notebooks" / "index.html").read_text()
    names = {e["name"] for e in settings["federated_extensions"]}
    assert names == set(build.FRONTEND_EXTENSIONS)


def test_lessons_are_copied_for_the_browser_and_the_originals_untouched(built_site):
    course = pages.lessons(REPO / "course")
    assert len(course) == 12
    for lesson in course:
        copy = json.loads((built_site / "files" / "course" / f"{lesson.slug}.ipynb").read_text())
        original = json.loads((REPO / "course" / f"{lesson.slug}.ipynb").read_text())
        assert copy["metadata"]["kernelspec"]["name"] == "python"
        assert original["metadata"]["kernelspec"]["name"] != "python"
        assert len(copy["cells"]) == len(original["cells"]) + 1
        assert "browser edition" in "".join(copy["cells"][1]["source"])
        text = "".join("".join(c["source"]) for c in copy["cells"] if c["cell_type"] == "markdown")
        assert "In the code-free app view they are ready already" not in text  # JupyterLab's advice (W13)
    assert sorted(p.name for p in (built_site / "files" / "exercises").rglob("*.ipynb"))
    assert (built_site / "files" / "examples" / "team-survey.csv").exists()
    assert (built_site / "files" / "guides" / "learner-guide.md").exists()


def test_the_browser_copy_of_a_lesson_gives_the_browsers_advice_and_a_changed_lesson_stops_the_build(tmp_path):
    """Reach 12 W13: lesson 00 told a learner in the browser to open a terminal, to use Run All before the
    lesson ran by itself, and to look for JupyterLab's kernel name; the browser copy now says what the
    browser edition does, and a lesson whose wording changed stops the build instead of shipping both."""
    welcome = REPO / "course" / "00-welcome.ipynb"
    copy = pages.browser_copy(welcome, tmp_path / "copy.ipynb", note=True)
    text = "".join("".join(c["source"]) for c in copy["cells"] if c["cell_type"] == "markdown")
    for desktop_only in ("In the code-free app view they are ready already", "File → New → Terminal",
                         "Python 3 (ipykernel)", "Restart Kernel and Run All Cells", "the bracket to its left",
                         "three dots", "COPLEARN_JOURNAL", "in your home folder", "coplearn journal export` does",
                         "run a lesson in JupyterLab or in the code-free app view"):  # (walk23 L3)
        assert desktop_only not in text, desktop_only
    assert "download **both** its notebook and its `answers.json`" in text  # (walk23 L3: handing in)
    assert "appear by themselves once Python has started" in text
    assert "In this browser edition that happens by\nitself once Python has started" in text
    assert "**Kernel → Restart Kernel…** starts it afresh" in text
    assert "## Your reflective journal" in text  # the rest of the lesson is kept
    assert "it is `my-journal/journal.json`, kept in this web" in text and "- **Keeping a copy.**" in text
    original = json.loads(welcome.read_text())
    assert len(copy["cells"]) == len(original["cells"]) + 1
    for cell in original["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = ["".join(cell["source"]).replace("a link to the app view instead", "a link to the app view")]
    changed = tmp_path / "00-welcome.ipynb"
    changed.write_text(json.dumps(original))
    with pytest.raises(SiteBuildError, match="BROWSER_WORDING"):
        pages.browser_copy(changed, tmp_path / "out" / "00-welcome.ipynb", note=True)
    assert not (tmp_path / "out").exists()


def test_landing_page_links_every_lesson_that_exists(built_site):
    page = (built_site / "index.html").read_text()
    assert '<html lang="en-GB">' in page and page.count("<h1>") == 1
    assert 'id="jupyter-config-data"' in page  # JupyterLite's pages read it
    links = re.findall(r'href="notebooks/index\.html\?path=([^"]+)"', page)
    for target in links:
        assert (built_site / "files" / target).exists(), target
    assert len({t for t in links if t.startswith("course/")}) == 12
    assert "on this device only" in " ".join(page.split())
    assert "coplearn-run-on-open" in (built_site / "notebooks" / "index.html").read_text()
    assert build._dir_size(built_site) < 60e6, "the site should stay under 60 MB"


def test_the_landing_page_comes_from_an_autoescaped_template():
    found = [pages.Lesson(number="00", slug="00-welcome", title="Welcome <script>alert(1)</script> & more", minutes=30),
             pages.Lesson(number="01", slug="01-x", title="Two", minutes=None)]
    page = pages.landing_page(found, "today <b>")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page
    assert "today &lt;b&gt;" in page and "(about 30 minutes)" in page and page.count("?path=course/0") == 3  # the two lessons and "start here"
    assert "about 0 hours" not in page and "Twelve lessons, about 0 hours" not in page


def test_the_first_page_prefetches_what_a_lessons_python_starts_from(built_site, tmp_path):
    from coplearn.site.pages import prefetch_list

    files, total = prefetch_list(built_site)
    static = built_site / "static" / "pyodide"
    lock = json.loads((static / "pyodide-lock.json").read_text())
    for name in [e["file_name"] for e in lock["packages"].values()] + [
            "pyodide.asm.wasm", "python_stdlib.zip", "pyodide.mjs", "coplearn-kernel.snapshot.gz"]:
        assert f"static/pyodide/{name}" in files, name
    sizes = [(built_site / f).stat().st_size for f in files]
    assert sizes == sorted(sizes, reverse=True) and total == sum(sizes)  # largest first
    page = (built_site / "index.html").read_text()
    assert json.dumps(files) in page and f"about {round(total / 1e6)} MB" in page
    # a site that lacks one of them is refused with its name
    broken = tmp_path / "site"
    shutil.copytree(built_site / "static" / "pyodide", broken / "static" / "pyodide",
                    ignore=shutil.ignore_patterns("plotly-*.whl"))
    with pytest.raises(SiteBuildError, match="plotly"):
        prefetch_list(broken)


def test_the_browser_note_is_short_with_the_rest_in_a_disclosure(tmp_path):
    """Walk23 M4: the note at the top of every lesson was one 318-word paragraph. Now two or three short
    sentences (wait for the activities; your work stays in this browser; export or download it), with
    the rest under a native <details> disclosure (keyboard-operable), and every fact it held kept."""
    note = pages.BROWSER_NOTE
    head, rest = note.split("<details>", 1)
    first = " ".join(line.lstrip("> ").strip() for line in head.splitlines() if line.strip(">").strip())
    assert len(re.findall(r"[.:](?:\s|$)", first)) <= 5 and len(first.split()) <= 70, first
    # (walk27 M6: the copy is lesson 11's button, not the file list's right-click menu a phone cannot open)
    for essential in ("Wait for the activities", "in this web browser, on this device only",
                      "**Download a copy of my journal** in lesson 11", "[course's front page](../index.html)"):
        assert essential in first, essential
    assert "<summary>Help if something goes wrong</summary>" in rest and rest.rstrip().endswith("</details>")
    flat = " ".join(line.lstrip("> ").strip() for line in note.splitlines())
    for fact in ("Nothing is installed and nothing you write leaves this computer", "half a minute",
                 "a few minutes on a slow computer or connection", "**Python (Pyodide)**", "**…** button",
                 "**Run → Run All Cells**", "the lesson would run twice", "lessons 04, 06 and 11", "`my-journal`",
                 "Clearing your browser's data deletes", "private (incognito) window", "Firefox's",
                 "a line at the foot of the page then says so", "about 50 MB", "without an internet connection",
                 "`#` and `*` marks", "**Shift+Enter**", "**Escape**", "On a tablet, reload the page",
                 "Click to show javascript error", "[course's front page](../index.html)", "link to the next one"):
        assert fact in flat, fact
    copy = pages.browser_copy(REPO / "course" / "04-the-super-ordinate-learning-culture.ipynb",
                              tmp_path / "04.ipynb", note=True)
    assert "".join(copy["cells"][1]["source"]) == note.replace("__LESSON__", "04-the-super-ordinate-learning-culture")
    assert "[printable page](../printable/04-the-super-ordinate-learning-culture.html)" in "".join(copy["cells"][1]["source"])


def test_exercises_say_how_to_hand_in_from_the_browser_and_the_front_page_promises_no_marking(built_site):
    """Walk23 M3: the front page promised "check your own answers" (the site has no solutions or
    marking), and nothing told a learner in the browser to download the notebook and answers.json."""
    exercises = sorted((built_site / "files" / "exercises").rglob("*.ipynb"))
    assert exercises
    for path in exercises:
        nb = json.loads(path.read_text(encoding="utf-8"))
        note = next(c for c in nb["cells"] if "coplearn-browser-note" in c.get("metadata", {}).get("tags", []))
        text = " ".join("".join(note["source"]).replace(">", " ").split())
        for said in (f"`{path.name}` and `answers.json`", "right-click each, then **Download**",
                     "send both as your tutor asks", "Without `answers.json` your drop-down answers are lost",
                     "cannot mark your answers or show solutions", "in this web browser, on this device only"):
            assert said in text, (path.name, said)
        original = json.loads((REPO / "exercises" / path.relative_to(built_site / "files" / "exercises"))
                              .read_text(encoding="utf-8"))
        assert len(nb["cells"]) == len(original["cells"]) + 1
    page = " ".join((built_site / "index.html").read_text(encoding="utf-8").split())
    assert "check your own answers" not in page
    assert "nothing here marks them" in page and "nothing marks them or shows solutions" in page
    assert "download the notebook and its <code>answers.json</code>" in page


def test_the_front_page_and_a_lesson_can_say_the_browsers_storage_is_full(built_site):
    """Walk23 H1 (the behaviour is tested in test_site_browser): both storage checks write and delete a
    small record, and a refused write is said as "full", in words a learner can act on."""
    landing = (built_site / "index.html").read_text(encoding="utf-8")
    lesson = (built_site / "notebooks" / "index.html").read_text(encoding="utf-8")
    for text in (landing, lesson):
        flat = re.sub(r'"\s*\+\s*"', "", " ".join(text.split()))  # (the lesson's script joins its strings)
        assert ".put(" in text and '.delete("room")' in text and "QuotaExceededError" in text
        for said in ("no room left to keep the course's files", "storage for this site is full",
                     "Your journal is still there", "ask your IT support", "another browser or computer",
                     "my-journal/journal.json", "lesson 11"):
            assert said in flat, said
    assert 'id="storage-full-warning" class="warn" role="alert" hidden' in landing
    assert "File Load Error" in lesson


def test_the_storage_checks_say_full_only_for_a_quota_error_and_a_lesson_once_open_never_cannot_open(built_site):
    """check23 #5 and #6 (the behaviour is tested in test_site_browser): "full" is said only for a
    write refused as QuotaExceededError, the check's database is opened at version 2 (an old version-1
    one without its store is upgraded), and once the lesson has opened nothing logged is taken for
    "this lesson cannot open here"."""
    landing = " ".join((built_site / "index.html").read_text(encoding="utf-8").split())
    lesson = " ".join((built_site / "notebooks" / "index.html").read_text(encoding="utf-8").split())
    for text in (landing, lesson):
        assert "indexedDB.open(NAME, 2)" in text and 'objectStoreNames.contains("check")' in text
        assert "refusedWrite(write.error)" in text and "refusedWrite(err)" in text
    assert 'if (named(error) === "QuotaExceededError") { isFull(named(error)); } else { isRefused(named(error)); }' \
        in landing and "isFull(named(" not in landing.replace("{ isFull(named(error)); }", "")
    assert 'if (name === "QuotaExceededError") { once("full", name); } else { once("refused", name); }' in lesson
    assert lesson.count('once("full"') == 2  # (that, and an open refused for want of room)
    assert "if (loadFailed || runs || opened) return;" in lesson
    assert "if (!runs && !opened && !loadFailed && quotaIn(arguments))" in lesson
    assert "if (!runs && !opened && quotaIn([event.reason]))" in lesson
    assert "if (runs || opened || loadFailed ||" in lesson
    assert "running = true; lessonOpened();" in lesson and "if (ctx && ctx.session) { lessonOpened(); }" in lesson


def test_the_exercise_note_says_the_mac_key_and_the_grading_step_knows_it(built_site):
    """check23 #9: the note says Cmd + S for a Mac, and the note in every built exercise is the one the
    grading step recognises word for word (coplearn.grading.sanitise labels it as the site's)."""
    from coplearn.site.pages import is_exercise_note

    exercises = sorted((built_site / "files" / "exercises").rglob("*.ipynb"))
    assert exercises
    for path in exercises:
        nb = json.loads(path.read_text(encoding="utf-8"))
        note = next(c for c in nb["cells"] if "coplearn-browser-note" in c.get("metadata", {}).get("tags", []))
        text = "".join(note["source"])
        assert "Ctrl + S (Cmd + S on a Mac)" in text.replace("**", ""), path.name
        assert is_exercise_note(text, path.name), path.name
        assert not is_exercise_note(text + "\nMy own note.", path.name)


def test_the_glossary_and_guides_are_web_pages_with_every_anchor_the_lessons_link_to(tmp_path):
    """walk27 M1, M2: the lessons' 54 glossary links went nowhere in the browser edition (the glossary was not in the
    site) and the guides, the accessibility statement among them, opened as Markdown source in a code editor."""
    anchors = set()
    for lesson in (REPO / "course").glob("*.ipynb"):
        anchors |= set(re.findall(r"\.\./docs/glossary\.md#([a-z0-9-]+)", lesson.read_text(encoding="utf-8")))
    assert len(anchors) > 20
    written = pages.write_guides(REPO, tmp_path)
    assert written == [f"guides/{name}.html" for name in pages.GUIDE_PAGES]
    glossary = (tmp_path / "guides" / "glossary.html").read_text(encoding="utf-8")
    ids = set(re.findall(r' id="([^"]+)"', glossary))
    assert anchors <= ids, sorted(anchors - ids)
    assert '<html lang="en-GB">' in glossary and "<title>Glossary - coplearn</title>" in glossary
    assert glossary.count("<h1 ") == 1 and "<main>" in glossary and 'href="../index.html"' in glossary
    guide = (tmp_path / "guides" / "team-manager-guide.html").read_text(encoding="utf-8")
    assert 'href="glossary.html' in guide or "glossary.md" not in (REPO / "docs" / "team-manager-guide.md").read_text()
    for name in pages.GUIDE_PAGES:  # (rev27b L9: links to the README or the tutor guide led nowhere in the site)
        page = (tmp_path / "guides" / f"{name}.html").read_text(encoding="utf-8")
        assert not re.search(r'href="[^"]*\.md(#[^"]*)?"', page), (name, re.findall(r'href="[^"]*\.md[^"]*"', page)[:3])
    # the lessons' links open those pages (the page's own click handler), and the front page links to them
    assert "guides/\" + guide[1] + \".html\" + url.hash" in pages.RUN_ON_OPEN
    front = pages.landing_page([pages.Lesson(number="00", slug="00-welcome", title="Welcome", minutes=30)], "today")
    for name in pages.GUIDE_PAGES:
        assert f'href="guides/{name}.html"' in front, name
    assert "path=guides/" not in front


def test_the_built_site_holds_the_guide_pages(built_site):
    for name in pages.GUIDE_PAGES:
        assert (built_site / "guides" / f"{name}.html").exists(), name


def test_every_lesson_has_a_printable_page_in_the_site_that_its_note_and_the_front_page_lead_to(built_site):
    """Walk27 M5: a lesson could not be printed in the browser edition (the browser prints only the part of
    the page on the screen). Now the site holds every lesson as a printable page (the browser edition's
    wording: no JupyterLab or app to open), each lesson's note links to its own, the front page lists them,
    Ctrl+P in a lesson opens it, and the pages are kept for use without a connection."""
    printable = built_site / "printable"
    lessons = sorted((built_site / "files" / "course").glob("[0-9][0-9]-*.ipynb"))
    assert len(lessons) == 12
    for path in lessons:
        page = (printable / f"{path.stem}.html").read_text(encoding="utf-8")
        assert "browser edition" in page and "Open this lesson in JupyterLab or in the course app" not in page, path.name
        assert "You are using the browser edition" not in page, path.name  # (the note on using it online)
        assert f'href="../notebooks/index.html?path=course/{path.stem}.ipynb"' in page, path.name
        note = "".join(json.loads(path.read_text(encoding="utf-8"))["cells"][1]["source"])
        assert f"[printable page](../printable/{path.stem}.html)" in note, path.name
        for target in re.findall(r'href="([^"#?:]+\.html)', page):  # the glossary and the other lessons
            assert (printable / target).resolve().is_file(), (path.name, target)
    index = (printable / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{path.stem}.html"' in index for path in lessons) and 'href="../index.html"' in index
    assert (printable / "glossary.html").is_file()
    front = (built_site / "index.html").read_text(encoding="utf-8")
    assert 'href="printable/index.html"' in front and "cannot be printed" not in front
    worker = (built_site / "service-worker.js").read_text(encoding="utf-8")
    kept = json.loads(re.search(r"const KEEP = (\[.*?\]);", worker).group(1))
    assert {f"printable/{path.stem}.html" for path in lessons} | {"printable/index.html", "guides/glossary.html"} <= set(kept)
    script = (built_site / "notebooks" / "index.html").read_text(encoding="utf-8")
    assert '"../printable/" + path.slice("course/".length).replace(/\\.ipynb$/, ".html")' in script
    assert "coplearn-print-note" in script and "@media print { #coplearn-print-note { display: block;" in script
