"""Where this Python runs: its commands on ``PATH`` for what coplearn starts, and whether it is the
browser edition's.

coplearn is often run as ``.venv/bin/coplearn`` without activating the virtual environment, so
``.venv/bin`` is not on ``PATH``. nbgrader runs ``alembic`` from ``PATH`` when it creates a
gradebook, and a JupyterLab terminal opened from ``coplearn lab`` should find ``coplearn`` and
``nbgrader`` as the course's messages name them (docs16 F2).
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping

__all__ = ["BROWSER_DRIVE", "in_browser", "kept_where", "place", "python_bin_on_path"]

#: Where the browser edition's files are, those the page keeps (JupyterLite's drive), as Pyodide names them.
BROWSER_DRIVE = "/drive/"


def in_browser() -> bool:
    """Whether this Python runs in the browser edition (Pyodide), which has no terminal, no Word
    export and no files outside the browser's own (read at each call, so tests can pretend)."""
    return sys.platform == "emscripten"


def kept_where() -> str:
    """Where a learner's own files (journal, kept answers) are, in words: in the browser edition, in this
    browser only (walk23 L2: lessons 04 and 06 said "on this computer, or ... a shared server" there).

    >>> kept_where()
    'on this computer, or in your own space on a shared server'
    """
    return "in this web browser, on this device only" if in_browser() else \
        "on this computer, or in your own space on a shared server"


def place(path: object) -> str:
    """Where a file is, in words the learner can use: in the browser edition, its place in the site's
    file list, kept in this browser (``my-journal/journal.json (in this browser)``), not the path
    Pyodide gives it (``/drive/my-journal/journal.json``, which the learner can open nowhere: walk16
    F2, F8; walk23 M2); elsewhere, the path. Every message that names a learner's file names it so.

    >>> place("/home/me/coplearn/journal.json")
    '/home/me/coplearn/journal.json'
    """
    text = str(path)
    if in_browser() and text.startswith(BROWSER_DRIVE):
        return f"{text[len(BROWSER_DRIVE):]} (in this browser)"
    return text


def python_bin_on_path(env: MutableMapping[str, str] | None = None) -> str:
    """Put the folder holding this Python (and its environment's commands) first on ``PATH`` in
    ``env`` (default ``os.environ``) unless it is already there; return that folder.

    >>> env = {"PATH": "/usr/bin"}
    >>> folder = python_bin_on_path(env)
    >>> env["PATH"] == folder + os.pathsep + "/usr/bin"
    True
    >>> python_bin_on_path(env) == folder and env["PATH"].count(folder) == 1
    True
    """
    env = os.environ if env is None else env
    folder = os.path.dirname(sys.executable)
    path = env.get("PATH", "")
    if folder not in path.split(os.pathsep):
        env["PATH"] = os.pathsep.join([folder, path]) if path else folder
    return folder
