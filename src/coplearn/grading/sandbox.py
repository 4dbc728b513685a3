"""The grading kernel: started safe and, where Debian's bubblewrap works, sandboxed.

:class:`SandboxedExecute` is nbgrader's ``Execute`` step with a kernel that starts with
``PYTHONSAFEPATH`` (the grading folder is not on ``sys.path``), no user site folder and an empty
``IPYTHONDIR`` (:func:`kernel_env`), and, where bubblewrap works (:func:`sandbox_status`),
inside a sandbox (:func:`bwrap_command`): read-only system, the grading folder the only writable
place, no network, and no view of the course folder (gradebook, ``solutions/``, other
students), the exchange or the tutor's home. Errors are never dropped by the output cap; a
kernel that dies or will not stop costs only the cells it did not run.

This module imports nbgrader when :class:`SandboxedExecute` is first used; ``import coplearn`` does not.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from coplearn.grading.answers import unread_elsewhere, unread_in_note
from coplearn.grading.gradebook import built_on_first_use
from coplearn.grading.versions import check_versions

__all__ = ["SandboxedExecute", "bwrap_command", "kernel_env", "make_kernel_manager", "sandbox_status"]


@functools.cache
def _bwrap_works(bwrap: str) -> str | None:
    """None when ``bwrap`` can start a sandbox here, else the reason it cannot."""
    try:
        done = subprocess.run([bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-all",
                               "--die-with-parent", "true"], capture_output=True, timeout=20)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"bubblewrap could not be started ({exc})"
    if done.returncode != 0:
        return "bubblewrap is installed but cannot make a sandbox here (" + \
            done.stderr.decode(errors="replace").strip()[:200] + ")"
    return None


def sandbox_status(setting: str | None = None) -> tuple[bool, str]:
    """Whether grading kernels run inside a bubblewrap sandbox, and a sentence for the tutor.

    ``setting`` (default: the ``COPLEARN_SANDBOX`` environment variable, else ``auto``) is
    ``auto`` (sandbox where bubblewrap works), ``off`` or ``required`` (refuse to grade without).
    """
    mode = (setting or os.environ.get("COPLEARN_SANDBOX") or "auto").strip().lower()
    if mode in {"off", "0", "no", "false"}:
        return False, ("Grading kernels run without the bubblewrap sandbox (COPLEARN_SANDBOX=off): students' answers are "
                       "still read as data and none of their code runs, but the kernel runs with your rights.")
    bwrap = shutil.which("bwrap")
    reason = "bubblewrap (Debian's 'bubblewrap' package) is not installed" if bwrap is None else _bwrap_works(bwrap)
    if reason is None:
        return True, "Grading kernels run inside a bubblewrap sandbox (no network, no view of the course folder)."
    if mode == "required":
        raise RuntimeError(f"COPLEARN_SANDBOX=required, but {reason}; nothing was graded.")
    return False, (f"Grading kernels run without a sandbox because {reason}. Students' answers are still read as data "
                   "and none of their code runs; the sandbox is a second wall (see docs/tutor-guide.md).")


_WARNED: set[str] = set()


def _say_once(log: Any, text: str) -> None:
    if text not in _WARNED:
        _WARNED.add(text)
        log.warning("coplearn: %s", text)


def kernel_env(base: Mapping[str, str] | None = None, ipython_dir: str | None = None) -> dict[str, str]:
    """The environment a grading kernel starts with: the submission folder never on ``sys.path``
    (``PYTHONSAFEPATH``), no user site folder, an empty IPython folder, no inherited start-up files.

    >>> env = kernel_env({"PATH": "/usr/bin", "PYTHONPATH": ".:/opt/lib:", "PYTHONSTARTUP": "x.py"}, "/tmp/ipy")
    >>> env["PYTHONSAFEPATH"], env["PYTHONPATH"], "PYTHONSTARTUP" in env, env["IPYTHONDIR"]
    ('1', '/opt/lib', False, '/tmp/ipy')
    """
    env = dict(os.environ if base is None else base)
    for name in ("PYTHONSTARTUP", "PYTHONHOME", "PYTHONINSPECT", "PYTHONUSERBASE", "JUPYTER_CONFIG_PATH",
                 "JUPYTER_PATH", "IPYTHON_DIR", "PYTHONBREAKPOINT", "PYTHONEXECUTABLE"):
        env.pop(name, None)
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and os.path.isabs(p)]
    if paths:
        env["PYTHONPATH"] = os.pathsep.join(paths)
    else:
        env.pop("PYTHONPATH", None)
    env["PYTHONSAFEPATH"] = "1"
    env["PYTHONNOUSERSITE"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if ipython_dir:
        env["IPYTHONDIR"] = ipython_dir
        env["JUPYTER_CONFIG_DIR"] = os.path.join(ipython_dir, "jupyter-config")
    env["NBGRADER_EXECUTION"] = env.get("NBGRADER_EXECUTION") or "autograde"
    return env


def _course_root(start: Path) -> Path | None:
    for p in [start, *start.parents]:
        if (p / "nbgrader_config.py").exists():
            return p
    return None


def bwrap_command(bwrap: str, folder: Path, private: Path, hide: Iterable[str | os.PathLike[str]] = ()) -> list[str]:
    """The bubblewrap prefix for a kernel whose only writable place is ``folder`` (its private
    socket folder ``private`` aside): read-only system, fresh /tmp, no network, no other process
    in view, and the course folder, the exchange and the home folder hidden (the Python
    installation is put back, read-only, where it lies inside one of them)."""
    args = [bwrap, "--die-with-parent", "--new-session", "--unshare-all", "--ro-bind", "/", "/",
            "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--unsetenv", "JPY_PARENT_PID"]
    hidden = []
    for h in [*hide, os.path.expanduser("~")]:
        p = Path(h).resolve()
        if p.is_dir() and p != Path("/") and p not in hidden:
            hidden.append(p)
    # a folder inside another hidden one is hidden already (and a second tmpfs there cannot be remounted)
    hidden = [p for p in hidden if not any(h != p and h in p.parents for h in hidden)]
    for p in hidden:
        args += ["--tmpfs", str(p)]
    needed = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), Path(sys.executable).resolve().parent}
    needed |= {Path(p).resolve() for p in sys.path if p and os.path.isdir(p)}
    covered = [*hidden, Path("/tmp")]  # a fresh /tmp is mounted too: Python may live under it (a CI clone)
    for p in sorted(needed):
        if any(p == h or h in p.parents for h in covered):
            args += ["--ro-bind", str(p), str(p)]
    args += ["--bind", str(private), str(private), "--bind", str(folder), str(folder), "--chdir", str(folder)]
    if os.geteuid() == 0:
        # the empty stand-ins for hidden folders cannot be written to either (as another user the
        # kernel cannot remount them, but what it writes there is in memory and gone with it)
        for p in hidden:
            args += ["--remount-ro", str(p)]
    if os.geteuid() == 0:
        args += ["--cap-drop", "ALL"]
    return args


@functools.cache
def _kernel_manager_class() -> type:
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import List, Unicode

    class SandboxKernelManager(AsyncKernelManager):  # type: ignore[misc, valid-type]
        """A kernel manager whose kernel starts inside bubblewrap (when ``sandbox_prefix`` is set)."""

        sandbox_prefix = List(Unicode(), default_value=[])

        def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
            return list(self.sandbox_prefix) + super().format_kernel_cmd(extra_arguments)

    SandboxKernelManager.__module__ = __name__
    return SandboxKernelManager


#: Where the tutor guide has the exchange made on a shared machine (deploy/jupyterhub/make-exchange.sh): the course's
#: nbgrader_config.py uses it when COPLEARN_EXCHANGE is not set and nbgrader's default folder does not exist.
SHARED_EXCHANGE = "/srv/nbgrader/exchange"

def make_kernel_manager(folder: Path, *, kernel_name: str = "python3", sandbox: bool | None = None,
                        hide: Iterable[str] = (), log: Any = None) -> tuple[Any, dict[str, Any], Path]:
    """A kernel manager for grading in ``folder``, the ``start_kernel`` options it needs, and the
    private folder (sockets, IPython folder) that the caller removes after the kernel stops."""
    folder = Path(folder).resolve()
    private = Path(tempfile.mkdtemp(prefix="coplearn-kernel-"))
    (private / "ipython").mkdir()
    if sandbox is None:
        sandbox, message = sandbox_status()
        if log is not None:
            _say_once(log, message)
    cls = _kernel_manager_class()
    kwargs: dict[str, Any] = {"kernel_name": kernel_name}
    if sandbox:
        root = _course_root(folder)
        hide_all = [*(str(root) for root in [root] if root), *hide]
        exchange = os.environ.get("COPLEARN_EXCHANGE") or "/usr/local/share/nbgrader/exchange"
        # (and the tutor guide's shared exchange, which the course's nbgrader_config.py finds without the setting;
        # a folder that is not there is skipped)
        hide_all += [exchange, SHARED_EXCHANGE]
        kwargs.update(transport="ipc", ip=str(private / "k"), connection_file=str(private / "kernel.json"),
                      sandbox_prefix=bwrap_command(shutil.which("bwrap") or "bwrap", folder, private, hide_all))
    else:
        kwargs.update(connection_file=str(private / "kernel.json"))
    km = cls(**kwargs)
    # the kernel's own stdout is not the tutor's terminal: its output comes over its channels (a
    # kernel started without a parent to watch, as in the sandbox, prints a connection notice there)
    start = {"cwd": str(folder), "env": kernel_env(ipython_dir=str(private / "ipython")), "stdout": subprocess.DEVNULL}
    return km, start, private


def _join_split_lines(cell: Any) -> None:
    """Join each run of printed output of one kind (stdout, stderr) into one output. A line a cell prints
    can reach the grader in two pieces (its text, then its line break), depending on timing, more often in
    a kernel kept from one student to the next than in a fresh one: the tutor and the student saw an extra
    empty block under some students' checks (red team 24 F1). Outputs keep their order; only neighbours of
    the same kind are joined (nbclient's own ``coalesce_streams`` would move later text above a picture or
    an error between them, and is not a setting the course can give it)."""
    outputs = cell.get("outputs") if isinstance(cell, dict) else None
    if not outputs:
        return
    joined: list[Any] = []
    for out in outputs:
        last = joined[-1] if joined else None
        if (last is not None and out.get("output_type") == "stream" == last.get("output_type")
                and out.get("name") == last.get("name") and isinstance(out.get("text"), str)
                and isinstance(last.get("text"), str)):
            last["text"] = last["text"] + out["text"]
        else:
            joined.append(out)
    if len(joined) != len(outputs):
        cell["outputs"] = joined


#: Students (as nbgrader names them) who lost marks in this process to the time limit or a grading kernel
#: that died or would not stop, not to their answers, with why, one reason a notebook: read and cleared by
#: ``coplearn autograde``, which names them in its summary (red team 25 F1); a worker sends its own back
#: with the notebook it ran.
CUT_SHORT: dict[str, list[str]] = {}


def _who(resources: Any) -> tuple[str, str]:
    """The student and notebook being graded, as nbgrader gives them (else neither)."""
    info = (resources or {}).get("nbgrader", {}) if isinstance(resources, dict) else {}
    student, notebook = info.get("student"), info.get("notebook")
    return (str(student) if student else "", str(notebook) if notebook else "")


def _has_code(source: object) -> bool:
    """True when ``source`` has a line that is neither blank nor a comment."""
    if not isinstance(source, str):
        return True
    return any(line.strip() and not line.lstrip().startswith("#") for line in source.splitlines())


@functools.cache
def _build_sandboxed_execute() -> type:
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from nbclient.util import run_sync
    from nbformat.notebooknode import NotebookNode
    from nbgrader.preprocessors import Execute
    from traitlets import Integer, List, Unicode

    class SandboxedExecute(Execute):  # type: ignore[misc, valid-type]
        """nbgrader's ``Execute`` with a safe, sandboxed kernel and bounds that never cost other
        students anything (see the module doc).

        - ``sandbox``: ``auto`` (bubblewrap where it works), ``off`` or ``required``
          (default from ``COPLEARN_SANDBOX``);
        - ``hide_paths``: more folders the kernel must not see (the exchange is always hidden);
        - ``max_output_chars``: output recorded per cell; error outputs are always kept;
        - ``notebook_timeout``: seconds for the whole notebook; once spent, each remaining cell
          gets ``timeout_after_budget`` seconds;
        - a code cell with nothing to run (blank, or comments only) is not sent to the kernel (after
          the sanitising step, the only student cells with code left are the answer cells, at most
          one per question: see :mod:`coplearn.grading.sanitise`);
        - a kernel that dies, or stays busy after an interrupt, marks its cell and every later
          code cell with an error (no marks for the tests there) and grading goes on.
        """

        sandbox = Unicode("", help="auto, off or required (default: COPLEARN_SANDBOX, else auto)").tag(config=True)
        hide_paths = List(Unicode(), default_value=[], help="Folders the grading kernel must not see.").tag(config=True)
        max_output_chars = Integer(200_000, help="Characters of output recorded per cell.").tag(config=True)
        notebook_timeout = Integer(180, help="Seconds for the whole notebook (-1: no limit).").tag(config=True)
        timeout_after_budget = Integer(2, help="Seconds per cell once notebook_timeout is spent.").tag(config=True)

        def preprocess(self, nb: Any, resources: Any = None, km: Any = None) -> Any:
            check_versions()
            self._coplearn_started = time.monotonic()
            self._coplearn_dead: str | None = None
            self._coplearn_sizes: dict[int, int] = {}
            self._coplearn_private: Path | None = None
            self._coplearn_folder = Path((resources or {}).get("metadata", {}).get("path") or os.getcwd())
            self._coplearn_start = getattr(km, "coplearn_start", {}) if km is not None else {}
            self._coplearn_who = _who(resources)
            self._coplearn_late: list[str] = []  # cells interrupted at the time limit, by name
            self._coplearn_stop: str | None = None  # where and why the notebook stopped, for the tutor
            self._coplearn_cell = ""  # the cell running (its grade id, else its place)
            try:
                return super().preprocess(nb, resources, km=km)
            finally:
                why = self.coplearn_cut_short()
                if why and self._coplearn_who[0]:
                    CUT_SHORT.setdefault(self._coplearn_who[0], []).append(why)
                if km is not None and getattr(self, "kc", None) is not None:  # a kernel kept for the next notebook
                    if not getattr(self, "_coplearn_keeps_client", False):  # (and its client, by parallel workers)
                        with contextlib.suppress(Exception):
                            self.kc.stop_channels()
                    self.kc = None
                if self._coplearn_private is not None:
                    shutil.rmtree(self._coplearn_private, ignore_errors=True)

        def coplearn_cut_short(self) -> str | None:
            """How the time limit or the kernel cost the last notebook marks, for the tutor (with the
            notebook's name), or None when it ran as it should."""
            stop, late = getattr(self, "_coplearn_stop", None), getattr(self, "_coplearn_late", [])
            if stop:
                why = stop
            elif late:
                why = (f"{late[0]} ran past the time limit and was interrupted, so its checks earned nothing; the "
                       "cells after it ran" if len(late) == 1 else
                       f"{', '.join(late)} ran past the time limit and were interrupted, so their checks earned "
                       "nothing; the other cells ran")
            else:
                return None
            notebook = getattr(self, "_coplearn_who", ("", ""))[1]
            return f"{notebook}: {why}" if notebook else why

        def _coplearn_say(self, what: str, advice: bool = True) -> None:
            """A warning that names the student (a tutor must know whose marks it costs: red team 25 F1)."""
            from coplearn.grading.gradebook import log_safe

            student, notebook = (log_safe(x, 200) for x in getattr(self, "_coplearn_who", ("", "")))
            whose = f"{student}'s {notebook}" if student and notebook else (student or notebook or "a notebook")
            self.log.warning("coplearn: %s: %s.%s", whose, log_safe(what, 600),
                             " Open that student's graded notebook before releasing feedback, and grade them again "
                             "when the server is less busy (--student ID --force)." if advice else "")

        async def _async_handle_timeout(self, timeout: int, cell: Any = None) -> Any:
            if self._coplearn_cell:
                self._coplearn_late.append(self._coplearn_cell)
                self._coplearn_say(f"{self._coplearn_cell} ran past the time limit and was interrupted, so its checks "
                                   "earn nothing (and later cells that need what it makes may fail)")
            else:
                self._coplearn_say("the grading kernel did not answer in time before the notebook's first cell ran")
            return await super()._async_handle_timeout(timeout, cell)

        def create_kernel_manager(self) -> Any:
            sandboxed, message = sandbox_status(self.sandbox or None)
            _say_once(self.log, message)
            name = self.kernel_name or self.nb.metadata.get("kernelspec", {}).get("name") or "python3"
            km, self._coplearn_start, self._coplearn_private = make_kernel_manager(
                self._coplearn_folder, kernel_name=name, sandbox=sandboxed, hide=self.hide_paths)
            self.km = km
            return km

        async def async_start_new_kernel(self, **kwargs: Any) -> None:
            kwargs = {**getattr(self, "_coplearn_start", {}), **kwargs}
            return await super().async_start_new_kernel(**kwargs)

        # nbclient binds the synchronous name to its own coroutine: bind it to ours
        start_new_kernel = run_sync(async_start_new_kernel)

        def _get_timeout(self, cell: Any) -> int | None:
            base = super()._get_timeout(cell)
            if self.notebook_timeout is None or self.notebook_timeout < 0:
                return base
            left = self.notebook_timeout - (time.monotonic() - self._coplearn_started)
            if left <= 0:
                return self.timeout_after_budget
            return int(min(base, max(left, self.timeout_after_budget))) if base else int(max(left, 1))

        def output(self, outs: list[Any], msg: dict[str, Any], display_id: Any, cell_index: int) -> Any:
            if msg.get("msg_type") == "error" or msg.get("header", {}).get("msg_type") == "error":
                return super().output(outs, msg, display_id, cell_index)  # errors are never dropped
            content = msg.get("content", {})
            size = len(content.get("text", "")) + sum(len(str(v)) for v in content.get("data", {}).values())
            used = self._coplearn_sizes.get(cell_index, 0)
            if used > self.max_output_chars:
                return None
            self._coplearn_sizes[cell_index] = used + size
            if used + size > self.max_output_chars:
                note = NotebookNode(output_type="stream", name="stdout",
                                    text=f"\n... output stopped by the course's autograder after "
                                         f"{self.max_output_chars:,} characters ...\n")
                outs.append(note)
                return note
            return super().output(outs, msg, display_id, cell_index)

        def _dead_output(self, text: str) -> Any:
            return NotebookNode(output_type="error", ename="KernelStopped", evalue=text,
                                traceback=[f"KernelStopped: {text}"])

        def preprocess_cell(self, cell: Any, resources: Any, index: int) -> Any:
            if cell.cell_type != "code":
                return cell, resources
            # nothing to run (a blank or comment-only cell), unless it is an answer cell Python could not
            # read, or the autograder's note placed before the first test of answers typed in one: the note
            # tells the checks why those answers are missing (resolve.py)
            if not _has_code(cell.source) and not unread_in_note(cell.source) and not unread_elsewhere(cell.source):
                cell.outputs = []
                cell.execution_count = None
                return cell, resources
            if self._coplearn_dead:
                cell.outputs = [self._dead_output(
                    "Not run: the program stopped earlier in this notebook (" + self._coplearn_dead + ").")]
                return cell, resources
            grade_id = (cell.get("metadata", {}).get("nbgrader", {}) or {}).get("grade_id")
            self._coplearn_cell = f'cell "{grade_id}"' if isinstance(grade_id, str) and grade_id else \
                f"cell {index + 1} (counting every cell)"
            try:
                return super().preprocess_cell(cell, resources, index)
            except DeadKernelError:
                self._coplearn_dead = f"it crashed while running cell {index + 1}"
                self._coplearn_stop = (f"the grading kernel died in {self._coplearn_cell}, so the checks from there on "
                                       "earned nothing")
                self._coplearn_say(f"the grading kernel died in {self._coplearn_cell}, so the cells after it were not "
                                   "run and their checks earn nothing")
                cell.outputs.append(self._dead_output(
                    "The program stopped (the kernel died) while this cell was running. If this looks "
                    "wrong, the tutor can autograde this submission again."))
                return cell, resources
            except CellTimeoutError:
                self._coplearn_dead = f"it was still busy after the time limit in cell {index + 1}"
                self._coplearn_stop = (f"{self._coplearn_cell} ran past the time limit and the grading kernel would not "
                                       "stop, so the checks from there on earned nothing")
                said = self._coplearn_cell in self._coplearn_late  # (its time limit was said just before)
                self._coplearn_say(f"the grading kernel then stayed busy after {self._coplearn_cell}, so the cells after "
                                   "it were not run either and their checks earn nothing" if said else
                                   f"{self._coplearn_cell} ran past the time limit and the grading kernel would not "
                                   "stop, so the cells after it were not run and their checks earn nothing",
                                   advice=not said)
                cell.outputs.append(self._dead_output(
                    "This cell ran past the time limit and the program would not stop when interrupted, "
                    "so the rest of the notebook could not be run."))
                return cell, resources

        async def async_execute_cell(self, cell: Any, cell_index: int, execution_count: Any = None,
                                     store_history: bool = True) -> Any:
            if self._coplearn_dead:
                return cell
            cell = await super().async_execute_cell(cell, cell_index, execution_count, store_history)
            _join_split_lines(cell)
            return cell

        execute_cell = run_sync(async_execute_cell)

    SandboxedExecute.__module__ = __name__
    return SandboxedExecute


_BUILDERS = {"SandboxedExecute": _build_sandboxed_execute}


__getattr__ = built_on_first_use(globals(), _BUILDERS)
