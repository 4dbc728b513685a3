"""The browser edition in Firefox (Debian's firefox-esr, driven over WebDriver BiDi: tests/site/bidi.py).

The other browser tests use Chromium. A learner may have only Firefox, so here every lesson must
run by itself in Firefox with its activities drawn and no error, the site's file helper (its service
worker) must serve the page, and, once a lesson has run, a lesson must open and run with the site
gone (reach 12 W14), as in Chromium."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bidi import Firefox, find_firefox
from coplearn.site import REPO
from coplearn.site.pages import lessons
from sitehelpers import STATE, lesson_url

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]

LESSONS = lessons(REPO / "course")

#: The lesson has run and its activities are drawn (or it shows an error): as open_lesson waits for.
DONE = f"""(() => {{
  const s = ({STATE})();
  if (!s) return null;
  const widgets = document.querySelectorAll('.jupyter-widgets').length;
  const loading = Array.from(document.querySelectorAll('.jp-OutputArea-output'))
    .some(e => /Loading widget/.test(e.textContent));
  if (s.errors.length || (s.ran && s.counts.every(c => c !== null) && s.kernel === 'idle/connected'
                          && widgets > 0 && !loading)) return s;
  return null;
}})()"""

PAGE = """({files: document.documentElement.getAttribute('data-coplearn-files'),
  kept: document.documentElement.getAttribute('data-coplearn-kept'),
  widgetErrors: Array.from(document.querySelectorAll('.jp-OutputArea-output')).map(e => e.textContent)
    .filter(t => /Error displaying widget|model not found|Click to show javascript error/i.test(t)).length,
  status: (document.getElementById('coplearn-start-status') || {}).textContent || null})"""


class Host:
    """The built site on 127.0.0.1, which the last test stops."""

    def __init__(self, folder: Path) -> None:
        from coplearn.site.serve import make_server

        self.httpd = make_server(folder, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.running = True

    def stop(self) -> None:
        if self.running:
            self.running = False
            self.httpd.shutdown()
            self.httpd.server_close()


@pytest.fixture(scope="module")
def host(built_site: Path) -> Iterator[Host]:
    h = Host(built_site)
    yield h
    h.stop()


@pytest.fixture(scope="module")
def firefox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Firefox]:
    exe = find_firefox()
    if exe is None:
        pytest.skip("no Firefox found: install Debian's `firefox-esr` package (scripts/setup.sh test does) "
                    "or set COPLEARN_FIREFOX to a Firefox executable")
    ff = Firefox(exe, tmp_path_factory.mktemp("firefox") / "profile")
    yield ff
    ff.close()


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.slug[:2] for lesson in LESSONS])
def test_every_lesson_runs_by_itself_in_firefox(firefox, host, lesson):
    firefox.goto(lesson_url(host.url, lesson.slug))
    state = firefox.wait_for(DONE, 240, f"lesson {lesson.slug} running by itself with its activities drawn")
    assert state["errors"] == [], state["errors"]
    page = firefox.evaluate(PAGE)
    assert page["files"] == "ok", page  # the file helper (the service worker) serves the page
    assert page["widgetErrors"] == 0, page
    assert page["status"] is None, page  # no slow-start, connection or file-helper line


def test_firefox_keeps_the_site_and_opens_a_lesson_without_it(firefox, host):
    """Runs last in this module (it stops the site)."""
    firefox.goto(lesson_url(host.url, LESSONS[1].slug))
    firefox.wait_for(DONE, 240, "lesson running by itself")
    kept = firefox.wait_for("document.documentElement.getAttribute('data-coplearn-kept')"
                            " && document.documentElement.getAttribute('data-coplearn-kept').startsWith('done')"
                            " && document.documentElement.getAttribute('data-coplearn-kept')", 120,
                            "the service worker keeping the site")
    assert " 0 kept" not in kept, kept
    host.stop()
    firefox.goto(lesson_url(host.url, LESSONS[2].slug))
    state = firefox.wait_for(DONE, 240, "a lesson running by itself with the site stopped")
    assert state["errors"] == [], state["errors"]
    assert firefox.evaluate(PAGE)["widgetErrors"] == 0
