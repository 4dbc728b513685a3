"""The ``coplearn`` command.

``coplearn lab`` opens JupyterLab at the first lesson; ``coplearn app`` serves the lessons in
Voila with code hidden. Other modules add subcommands (journal, progress, audit, autograde,
cohort, print) by providing a ``register(subparsers)`` function listed in :data:`SUBCOMMAND_MODULES`.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import shlex
import shutil
import subprocess
import sys
import urllib.parse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from coplearn import __version__

__all__ = ["main", "find_course_dir", "output_file", "problem_text", "SUBCOMMAND_MODULES"]

#: Modules that add subcommands; each defines ``register(subparsers)``.
SUBCOMMAND_MODULES = ("coplearn.cli.journal", "coplearn.cli.progress", "coplearn.cli.audit", "coplearn.cli.grade",
                      "coplearn.cli.cohort", "coplearn.cli.print",
                      "coplearn.cli.site")

FIRST_LESSON = "00-welcome.ipynb"


def find_course_dir(start: Path | None = None) -> Path:
    """Find the ``course/`` folder: ``$COPLEARN_COURSE``, then upwards from ``start``, then the repo."""
    env = os.environ.get("COPLEARN_COURSE")
    if env:
        return Path(env).expanduser().resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "course" / FIRST_LESSON).exists():
            return folder / "course"
    repo = Path(__file__).resolve().parents[3] / "course"
    if (repo / FIRST_LESSON).exists():
        return repo
    raise SystemExit(
        "coplearn: cannot find the course folder (course/00-welcome.ipynb). Run this command inside "
        "the coplearn folder, or set COPLEARN_COURSE to the course folder's path."
    )


def output_file(text: str) -> Path:
    """``-o FILE`` for argparse: the file may be new, but its folder must exist (a mistyped folder
    is named, rather than created with the report inside it)."""
    from coplearn.core.atomic import output_folder_problem

    path = Path(text).expanduser()
    problem = output_folder_problem(path)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return path


def problem_text(exc: BaseException, changed: str = "nothing was changed",
                 path: str | os.PathLike[str] | None = None) -> str:
    """What went wrong, for the terminal, in plain words. A file problem the system reported
    (``[Errno 28] No space left on device``) names the file (``path`` if the error names none),
    says what happened in words and ``changed`` (what was, or was not, written); anything else is
    already in words and is given as it is.

    >>> import errno
    >>> problem_text(OSError(errno.ENOSPC, "No space left on device", "out/cpd.docx"), "cpd.docx was not written")
    'out/cpd.docx: the disk is full; cpd.docx was not written.'
    >>> problem_text(ValueError("K1: 'x' is not a rating"))
    "K1: 'x' is not a rating"
    """
    from coplearn.core.atomic import os_problem

    if isinstance(exc, BrokenPipeError):  # the reader went away (``| head``): not a file problem; main() stops quietly
        raise exc
    if isinstance(exc, OSError) and exc.errno is not None and str(exc).startswith("[Errno"):
        return f"{os_problem(exc, path if exc.filename is None else None)}; {changed}."
    return str(exc)


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


#: The course's defaults for JupyterLab's settings (``overrides.json``), JupyterLab's "app settings" folder when
#: ``coplearn lab`` starts it (the one it would use by default is empty in a pip or conda install).
LAB_SETTINGS_DIR = Path(__file__).resolve().parents[1] / "templates" / "lab"


def lab_command(course: Path, port: int | None, no_browser: bool) -> list[str]:
    """The JupyterLab command line that opens the first lesson."""
    root = course.parent
    # JupyterLab's own command, started without a slow optional import (coplearn.cli.run_jupyter)
    first = (course / FIRST_LESSON).relative_to(root)
    cmd = [sys.executable, "-m", "coplearn.cli.run_jupyter", "lab", f"--ServerApp.root_dir={root}",
           # the address JupyterLab prints (and its front page) opens the first lesson, not the
           # Launcher: with --no-browser, on a remote machine or WSL, that address is all a learner has
           f"--LabApp.default_url=/lab/tree/{urllib.parse.quote(first.as_posix())}",
           "--LabApp.news_url=None",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
           # ...and JupyterLab no longer asks about Jupyter news in a toast over every lesson (walk28 L1): the
           # course's defaults for JupyterLab's settings (a learner's own settings still win)
           f"--LabApp.app_settings_dir={LAB_SETTINGS_DIR}",
           # a saved notebook reopened once its kernel has stopped showed "Error displaying widget: model
           # not found" under each drop-down until Run All (walk23 L4): saved without those places
           "--ContentsManager.pre_save_hook=coplearn.cli.lab_hooks.drop_widget_views"]
    if port:
        cmd.append(f"--port={port}")
    if no_browser:
        cmd.append("--no-browser")
    if _is_root():
        cmd.append("--allow-root")
    cmd.append(str(first))
    return cmd


#: The app view's Voila configuration file (``voila.py``) and, under ``share/``, the course's Voila
#: template (a Jupyter data folder: ``share/voila/templates/coplearn``).
APP_CONFIG_DIR = Path(__file__).resolve().parents[1] / "templates" / "app"
APP_TEMPLATE = "coplearn"


def voila_app_config(c: Any) -> None:
    """Voila's configuration for the app view; run by ``templates/app/voila.py`` as Voila starts.

    Voila finds a template by name in the Jupyter data folders only, which no command-line option
    adds to, so the course's folder is put first on ``JUPYTER_PATH`` (in Voila's own process, before
    it looks). The front page (the template's ``tree.html``) gets the lesson titles from the course
    data as ``coplearn_lessons``: {file name: {"number", "title"}}.

    The lessons' glossary and guide links open the guide as a web page in a new tab, at the entry
    (walk28 M2: a bare "404: Not Found" in place of the lesson): each lesson page gets the script for
    those links (the template's ``index.html.j2`` adds ``resources.coplearn_links``), and the pages are
    served from ``docs/`` by :class:`coplearn.cli.app_guides.GuideHandler`, for the addresses no Voila
    handler takes.
    """
    from coplearn.cli.app_guides import APP_LINKS, GuideHandler
    from coplearn.core.data import load

    share = str(APP_CONFIG_DIR / "share")
    others = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p and p != share]
    os.environ["JUPYTER_PATH"] = os.pathsep.join([share, *others])
    lessons = {f"{item['slug']}.ipynb": {"number": item["number"], "title": item["title"]}
               for item in load("course.toml")["lesson"]}
    c.Voila.tornado_settings = {"jinja_template_vars": {"coplearn_lessons": lessons},
                                "default_handler_class": GuideHandler}
    c.VoilaConfiguration.resources = {"coplearn_links": APP_LINKS}


def app_command(course: Path, port: int | None, no_browser: bool) -> list[str]:
    """The Voila command line that serves every lesson with code hidden.

    Its front page (``/``, which ``coplearn app`` opens) is the course's own (the ``coplearn``
    template, set up by :func:`voila_app_config`): the lessons by title, as links that open in the
    same tab. Voila 0.5.13's own file list could not be used with the keyboard (walk18 H2).
    """
    cmd = [sys.executable, "-m", "voila", str(course), "--strip_sources=True",
           "--Voila.ip=127.0.0.1", "--show_tracebacks=False",
           # Voila reads its configuration file (voila.py) from here only, not from the current folder
           # or the Jupyter config folders: the app view is the course's, whatever else is installed
           f"--Voila.config_file_paths={APP_CONFIG_DIR}",
           f"--VoilaConfiguration.template={APP_TEMPLATE}",
           # the jinja-built front page (the template's tree.html), not the JupyterLab-style file list
           "--VoilaConfiguration.classic_tree=True",
           # Each output is drawn once its widget's model has reached the page. In Voila 0.5.13's
           # default mode the page asks for every widget's state once; now and then (about 1 page
           # load in 4 on a busy 2-core machine, 3 December 2026) every widget after the first then
           # showed "Error displaying widget: model not found", though the kernel had sent them all.
           "--VoilaConfiguration.progressive_rendering=True",
           # Voila 0.5 cannot shut down a closed page's kernel itself (its shutdown request lacks
           # the _xsrf cookie), so idle kernels with no page attached are culled after 10 minutes.
           "--MappingKernelManager.cull_idle_timeout=600", "--MappingKernelManager.cull_interval=60",
           # JupyterLab extensions that need JupyterLab's own shell and fail to load in the app view.
           '--VoilaConfiguration.extension_denylist=["@jupyter-notebook/lab-extension", "@jupyter/nbgrader"]']
    if port:
        cmd.append(f"--port={port}")
    if no_browser:
        cmd.append("--no-browser")
    return cmd


def _run(cmd: list[str], dry_run: bool) -> int:
    if dry_run:
        print(shlex.join(cmd))
        return 0
    try:
        return subprocess.call(cmd)
    except KeyboardInterrupt:
        return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coplearn",
        description="Lead a community of practice in social work: a course after Gray, Parker, Rutter & Williams (2010).",
    )
    parser.add_argument("--version", action="version", version=f"coplearn {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    for name, helptext in (("lab", "open the course in JupyterLab at the first lesson"),
                           ("app", "serve the lessons as a code-free app (Voila), opening at a list of the lessons")):
        p = sub.add_parser(name, help=helptext, description=helptext)
        p.add_argument("--port", type=int, default=None, help="port to listen on")
        p.add_argument("--no-browser", action="store_true", help="do not open a web browser")
        p.add_argument("--course-dir", type=Path, default=None, help="the course folder (default: found automatically)")
        p.add_argument("--dry-run", action="store_true", help="print the command instead of running it")

    for module in SUBCOMMAND_MODULES:
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        mod.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from coplearn.core.optional_modules import skip_slow_optional_modules

    skip_slow_optional_modules()  # 3 s off every command that reads a notebook (see there)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in ("lab", "app"):
        course = args.course_dir.resolve() if args.course_dir else find_course_dir()
        build = lab_command if args.command == "lab" else app_command
        if not args.dry_run and shutil.which("jupyter") is None and args.command == "lab":
            pass  # we call jupyter through sys.executable, so PATH does not matter
        return _run(build(course, args.port, args.no_browser), args.dry_run)
    if getattr(args, "func", None) is not None:
        try:
            code = int(args.func(args) or 0)
            sys.stdout.flush()  # (here, not at exit, so that a reader gone away is met below)
            return code
        except BrokenPipeError:
            # The reader went away (``coplearn journal list | head``): stop quietly, and keep Python
            # from complaining as it flushes the closed output on the way out.
            with contextlib.suppress(OSError):
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
            return 0
    parser.print_help()
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
