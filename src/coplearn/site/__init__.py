"""The browser edition: a static JupyterLite site built from this repository (``coplearn site build``).

The modules, in the order a build uses them:

- :mod:`coplearn.site.fetch`: the versions that work together, the downloads (Pyodide from npm,
  wheels from PyPI, cached), the wheels we make or trim, and the rewritten Pyodide lock file;
- :mod:`coplearn.site.bytecode`: Python compiled to bytecode by Pyodide itself (for the snapshot);
- :mod:`coplearn.site.snapshot`: the prepared kernel, a Pyodide memory snapshot made at build time,
  and the small patches that let the kernel's worker start from it;
- :mod:`coplearn.site.pages`: what the learner sees: the lessons copied for the browser, the
  run-on-open script, the landing page;
- :mod:`coplearn.site.build`: the orchestration (``build_site``) and the kernel's settings;
- :mod:`coplearn.site.serve`: a local web server with the MIME types a host must send.

What every step shares is here: the error a build raises, the cache folder, the messages.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from pathlib import Path

#: The repository this package sits in (for a source checkout: the course, the exercises, the docs).
REPO = Path(__file__).resolve().parents[3]


class SiteBuildError(RuntimeError):
    """The site could not be built; the message says what was missing and what to do."""


def default_cache_dir() -> Path:
    env = os.environ.get("COPLEARN_SITE_CACHE")
    if env:
        return Path(env).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "coplearn" / "site"


def _say(msg: str) -> None:
    print(f"coplearn site: {msg}", file=sys.stderr, flush=True)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()

