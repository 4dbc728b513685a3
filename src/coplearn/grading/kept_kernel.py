"""The worker side of parallel autograding: nbgrader's steps for one student, in a kept kernel.

Since no student code runs while grading (see :mod:`coplearn.grading.autograde`), a grading kernel
can safely be kept from one submission to the next. Each worker process of
:func:`coplearn.grading.parallel.autograde_parallel` runs nbgrader's own ``Autograde`` converter,
with the course's configuration, for one student at a time, against a private snapshot of the
gradebook and a private output folder, and stops after nbgrader's ``Execute`` step. It keeps one
sandboxed kernel (:func:`coplearn.grading.sandbox.make_kernel_manager`); before each notebook the
kernel's namespace is reset and checked empty, its working folder moved to the student's pruned
grading folder, and its execution counter set back to 1. A kernel that dies, or whose reset
fails or does not answer in time, is replaced, and so is one that has run :data:`KEEP_FOR` notebooks
(what a notebook leaves outside its namespace, such as its widgets, would otherwise add up). What
survives a reset (the modules and their caches) is frozen out of the garbage
collector (``gc.freeze``), so that the next reset's full collection does not scan it again (with the
course's modules loaded one reset took 0.5-1 s on a busy machine, and 0.02-0.03 s after a freeze).
The result (the executed notebook, or the error it raised) is returned with
a fingerprint of the notebook that went into it, for the main process to replay.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import shutil
import stat
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["close_kept_kernel", "execute_index", "fingerprint", "input_fingerprint", "kept_execute_mixin", "last_outcome",
           "resolve_step", "worker_grade", "worker_init"]


def _canonical(nb: Any) -> str:
    return json.dumps(nb, sort_keys=True, separators=(",", ":"))


def fingerprint(nb: Any) -> str:
    """A hash of the notebook exactly as it is about to be executed."""
    return hashlib.sha256(_canonical(nb).encode("utf-8")).hexdigest()


#: an answers file larger than this is not fingerprinted: the main process sanitises that
#: submission itself (the sanitising step refuses such a file anyway)
_MAX_FINGERPRINTED = 8 * 1024 * 1024


def input_fingerprint(notebook_filename: str) -> str | None:
    """A hash of what nbgrader's sanitising pass reads from a submission: the notebook's bytes and
    those of the ``answers.json`` beside it (the gradebook and the configuration are the same for
    every process of a run). None when a file cannot be read plainly: then nothing is replayed."""
    from coplearn.grading.answers import ANSWERS_FILE

    digest = hashlib.sha256()
    folder = os.path.dirname(notebook_filename)
    for name in (os.path.basename(notebook_filename), ANSWERS_FILE):
        path = os.path.join(folder, name)
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            digest.update(name.encode("utf-8") + b"\0absent\0")
            continue
        except OSError:
            return None
        if not stat.S_ISREG(st.st_mode) or st.st_size > _MAX_FINGERPRINTED:
            return None
        try:
            with open(path, "rb") as f:
                data = f.read(_MAX_FINGERPRINTED + 1)
        except OSError:
            return None
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------
# worker side: execute in a kept kernel, record the result

_OUTCOMES: dict[str, dict[str, Any]] = {}      # notebook id -> outcome, for the current student
_SANITIZED: dict[str, dict[str, Any]] = {}     # notebook id -> the sanitising pass's output, for the current student


class _Captured(logging.Handler):
    """Keeps the worker's warnings (from nbgrader's steps) for the main process to log."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.records.append((record.levelno, record.getMessage()))
        except Exception:  # noqa: BLE001 - a message that cannot be formatted is dropped, as logging would
            pass


_CAPTURED = _Captured()

_RESET = """
__import__("os").chdir({folder!r})  # first: the last student's folder is gone, and reset looks at the cwd
get_ipython().run_line_magic("reset", "-f")
import json as _json, os as _os, sys as _sys
_ip = get_ipython()
_g = _sys.modules.get("coplearn.grading.resolve")
if _g is not None:  # as in a fresh kernel: nothing watched until this notebook's set-up cell runs (red team 9 F4)
    _g._MARKED.clear()
    _g._HOW.clear()
    for _unread in (_g._UNREAD, _g._UNREAD_AT_GRADING, _g._UNREAD_LABELS,
                    _g._INSTEAD_LABELS, _g._ITEMS_ASKED, _g._ITEMS, _g._STRAY_AT, _g._GIVEN_IN, _g._GIVEN_BY, _g._CHECKED):
        _unread.clear()
    if _g._TRACKING:
        _ip.events.unregister("post_run_cell", _g._after_cell)
        _g._TRACKING = False
_ip.execution_count = 1
_ip.InteractiveTB.set_mode(mode="Context")  # as a fresh kernel shows errors, until the set-up cell runs (red team 20 F5)
_left = [k for k in _ip.user_ns if not k.startswith("_") and k not in _ip.user_ns_hidden]
assert not _left, "the namespace was not empty after the reset: " + ", ".join(_left)
__import__("gc").collect()  # (the last notebook's objects in cycles: frozen below, they would stay for good)
__import__("gc").freeze()  # what survives a reset (modules, their caches) is not scanned again by the next one
if _g is not None:
    del _unread
del _json, _os, _sys, _g, _ip, _left
"""


async def _drain(kc: Any, limit: int = 10_000) -> None:
    """Discard the messages already waiting on a kept client's channels."""
    from queue import Empty

    from jupyter_core.utils import ensure_async

    for channel in (kc.iopub_channel, kc.shell_channel):
        for _ in range(limit):
            try:
                await ensure_async(channel.get_msg(timeout=0))
            except Empty:
                break


class _ResetFailed(RuntimeError):
    """A kept kernel could not be reset: it is replaced and the notebook run again."""


#: Seconds a kept kernel has to answer while being made ready for the next notebook.
RESET_TIMEOUT = 60
#: Said when a kept kernel cannot be made ready for a notebook, and neither can the new one started then.
RESET_FAILED = {
    "timeout": ("the grading kernel did not answer in time while being made ready for this notebook, and neither did "
                "a new one: the server may be overloaded. Grade this student again when it is less busy "
                "(--student ID --force)"),
    "error": ("the grading kernel could not be made ready for this notebook (emptying it failed), and neither could a "
              "new one: this is a fault in the course's grading set-up, not in the student's work; the log above may "
              "say more. Ask whoever looks after the course"),
}


#: Notebooks one kept kernel runs before it is replaced by a new one. A reset empties the namespace, but
#: what a notebook made outside it stays: each a1 notebook leaves its 126 answer widgets and their
#: channels registered in the kernel (about 0.45 MB; red team 25 F2: 50 MB after the first student,
#: 134 MB after 180). Closing them in the reset also closed the one layout the course's widgets share,
#: which the next notebook's widgets then could not use; a new kernel now and then bounds that, and
#: anything else a notebook leaves, at the cost of one kernel start (under a second) per 50 notebooks.
KEEP_FOR = 50


class _KeptKernel:
    """One sandboxed kernel per worker process, kept between notebooks (reset before each, by the
    executor's own kernel client: see :class:`_KeptExecuteMixin`), and replaced after :data:`KEEP_FOR`."""

    def __init__(self) -> None:
        self.km: Any = None
        self.kc: Any = None     #: its client, kept too: a new client costs a kernel_info round and a wait on IOPub
        self.private: Path | None = None
        self.runs = 0           #: notebooks the current kernel has been made ready for

    def ready(self, root: Path, execute: Any, for_notebook: bool = True) -> tuple[Any, bool]:
        """A running kernel whose only writable folder is ``root``, and whether it was kept (for a notebook
        about to run in it, counted towards :data:`KEEP_FOR`; ``for_notebook=False``: started early)."""
        from jupyter_core.utils import run_sync

        from coplearn.grading.sandbox import make_kernel_manager, sandbox_status

        if self.km is not None and self.runs >= KEEP_FOR:
            self.close()  # (see KEEP_FOR)
        self.runs += 1 if for_notebook else 0
        if self.km is not None:
            try:
                if run_sync(self.km.is_alive)():
                    return self.km, True
            except Exception:  # noqa: BLE001 - a broken kernel is replaced
                pass
            self.close()
        sandboxed, _ = sandbox_status(execute.sandbox or None)
        name = execute.kernel_name or "python3"
        self.km, start, self.private = make_kernel_manager(root, kernel_name=name, sandbox=sandboxed,
                                                           hide=execute.hide_paths)
        self.km.coplearn_start = start
        extra = list(execute.extra_arguments) or ["--HistoryManager.hist_file=:memory:"]
        run_sync(self.km.start_kernel)(extra_arguments=extra, **start)
        self.runs = 1 if for_notebook else 0  # (a kernel that was not alive was closed above: count afresh)
        return self.km, False

    def close(self) -> None:
        from jupyter_core.utils import run_sync

        if self.kc is not None:
            with contextlib.suppress(Exception):
                self.kc.stop_channels()
        if self.km is not None:
            with contextlib.suppress(Exception):
                run_sync(self.km.shutdown_kernel)(now=True)
            with contextlib.suppress(Exception):
                run_sync(self.km.cleanup_resources)()
        if self.private is not None:
            shutil.rmtree(self.private, ignore_errors=True)
        self.km, self.kc, self.private, self.runs = None, None, None, 0


_KEPT = _KeptKernel()
_WORKER: dict[str, Any] = {}


@functools.cache
def _kept_execute_mixin() -> type:
    from nbclient.util import run_sync

    class _KeptExecuteMixin:
        """The course's Execute in a worker: run in the worker's kept kernel, reset first through
        the executor's own kernel client, and record the result."""

        _kept_folder: Path | None = None
        _coplearn_keeps_client = True   # the sandboxed Execute leaves the client's channels open

        async def async_start_new_kernel_client(self) -> Any:
            if _KEPT.kc is not None and _KEPT.km is self.km:
                # the kept kernel's own client: drop anything left from the last notebook (nbclient
                # reads only replies to its own requests, so this is tidiness, not safety)
                kc = self.kc = _KEPT.kc
                await _drain(kc)
                kc.allow_stdin = False
            else:
                kc = await super().async_start_new_kernel_client()
                _KEPT.kc = kc
            try:
                reply = await self.kc.execute_interactive(_RESET.format(folder=str(self._kept_folder)),
                                                          store_history=False, timeout=RESET_TIMEOUT,
                                                          output_hook=lambda msg: None)
            except (TimeoutError, RuntimeError):  # (jupyter_client's TimeoutError; a closed channel)
                # a kernel that does not answer while being made ready (a busy server: red team 25 F3) is
                # replaced and the notebook run in a new one, as one that cannot be made clean is
                raise _ResetFailed(RESET_FAILED["timeout"]) from None
            if reply.get("content", {}).get("status") != "ok":
                raise _ResetFailed(RESET_FAILED["error"])
            return kc

        start_new_kernel_client = run_sync(async_start_new_kernel_client)

        def _kept_root(self) -> Path:
            """The one folder the kept kernel may write, holding the folder each notebook runs in."""
            return Path(_WORKER["root"])

        def preprocess(self, nb: Any, resources: Any = None, km: Any = None) -> Any:
            import nbformat

            notebook_id = resources["nbgrader"]["notebook"]
            original = _canonical(nb)
            fingerprint = hashlib.sha256(original.encode("utf-8")).hexdigest()
            self._kept_folder = Path(resources.get("metadata", {}).get("path") or os.getcwd()).resolve()
            t0 = time.perf_counter()
            kernel, kept = _KEPT.ready(self._kept_root(), self)
            kernel_wait = time.perf_counter() - t0
            said = len(_CAPTURED.records)  # (a worker's warnings while running it go back with the result)
            try:
                try:
                    out = super().preprocess(nb, resources, kernel)
                except _ResetFailed:
                    out = None
                if out is None:  # (outside the except: a second failure is said alone, not as raised while handling it)
                    _KEPT.close()  # a kernel that cannot be made clean is never used: start a new one
                    kernel, kept = _KEPT.ready(self._kept_root(), self)
                    out = super().preprocess(nbformat.from_dict(json.loads(original)), resources, kernel)
                if getattr(self, "_coplearn_dead", None):
                    _KEPT.close()  # it died or would not stop: the next notebook gets a new one
            except BaseException as exc:
                _KEPT.close()
                _OUTCOMES[notebook_id] = {
                    "fingerprint": fingerprint, "executed": None,
                    "error": (f"{type(exc).__module__}.{type(exc).__qualname__}", str(exc), traceback.format_exc()),
                    "seconds": time.perf_counter() - t0, "kernel_wait": kernel_wait, "warm": False,
                    "log": list(_CAPTURED.records[said:]), "stopped": None,
                }
                raise
            cut = getattr(self, "coplearn_cut_short", None)
            _OUTCOMES[notebook_id] = {
                "fingerprint": fingerprint, "executed": out[0], "error": None,  # pickled to the main process as it is
                "seconds": time.perf_counter() - t0, "kernel_wait": kernel_wait, "warm": kept,
                "log": list(_CAPTURED.records[said:]), "stopped": cut() if cut else None,
            }
            return out

    return _KeptExecuteMixin


def kept_execute_mixin() -> type:
    """The mixin that runs nbgrader's Execute in this process's kept kernel (see :func:`_kept_execute_mixin`);
    a subclass may say where the kernel may write (``_kept_root``)."""
    return _kept_execute_mixin()


def last_outcome(notebook_id: str) -> dict[str, Any] | None:
    """What the kept kernel's last run of ``notebook_id`` recorded (seconds, kernel_wait, warm ...), taken
    (so that it is never read again for another student's notebook)."""
    return _OUTCOMES.pop(notebook_id, None)


def close_kept_kernel() -> None:
    """Stop this process's kept kernel, if it has one."""
    _KEPT.close()
    _OUTCOMES.clear()


def execute_index(preprocessors: Sequence[Any]) -> int:
    from nbgrader.preprocessors import Execute

    for i, pp in enumerate(preprocessors):
        cls = pp if isinstance(pp, type) else type(pp)
        if isinstance(pp, str):
            from traitlets.utils.importstring import import_item

            cls = import_item(pp)
        if isinstance(cls, type) and issubclass(cls, Execute):
            return i
    return -1


def resolve_step(pp: Any) -> Any:
    if isinstance(pp, str):
        from traitlets.utils.importstring import import_item

        return import_item(pp)
    return pp


def _worker_exporter_class() -> type:
    from nbconvert.exporters import Exporter, NotebookExporter

    class _WorkerExporter(NotebookExporter):
        """In the autograding pass a worker needs the executed notebook, not its JSON text."""

        def from_notebook_node(self, nb: Any, resources: Any = None, **kw: Any) -> Any:
            if getattr(self.parent, "_sanitizing", True):
                return super().from_notebook_node(nb, resources, **kw)
            return Exporter.from_notebook_node(self, nb, resources, **kw)

    return _WorkerExporter


def _worker_converter_class() -> type:
    from nbgrader.converters import Autograde

    class _WorkerAutograde(Autograde):
        """nbgrader's Autograde, for one student in a private folder, stopping after Execute."""

        def init_destination(self, assignment_id: str, student_id: str) -> bool:
            return True  # the folder is private and fresh; the main process decides what to grade

        def run_pre_convert_hook(self) -> None:  # hooks run once, in the main process
            pass

        def run_post_convert_hook(self) -> None:
            pass

        def convert_single_notebook(self, notebook_filename: str) -> None:
            self._coplearn_input = input_fingerprint(notebook_filename)
            del _CAPTURED.records[:]
            super().convert_single_notebook(notebook_filename)

        def write_single_notebook(self, output: str, resources: Any) -> None:
            if not self._sanitizing:
                return  # the executed notebook goes to the main process as it is (see _KeptExecuteMixin)
            if getattr(self, "_coplearn_input", None):
                # what the sanitising pass wrote, for the main process to write instead of redoing it
                _SANITIZED[resources["unique_key"]] = {"input": self._coplearn_input, "output": output,
                                                       "log": list(_CAPTURED.records)}
            super().write_single_notebook(output, resources)  # the autograding pass reads it from there

    return _WorkerAutograde


def worker_init(cwd: str, argv: list[str], snapshot: str, parent: str, env: dict[str, str]) -> None:
    """Set up a worker process (the pool's initializer): its nbgrader app, private gradebook copy
    and private output folder, inside ``parent`` (hidden by the sandbox, removed after the run)."""
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    _stop_with_parent()
    workdir = tempfile.mkdtemp(prefix="worker-", dir=parent)
    own_db = os.path.join(workdir, "gradebook.db")
    shutil.copyfile(snapshot, own_db)
    root = os.path.join(workdir, "autograded")  # the only folder the worker's kernel may write
    os.makedirs(root)
    from nbgrader.apps.autogradeapp import AutogradeApp

    from coplearn.grading.tutor_log import AsReleasedChecksums

    _throwaway_database()

    debug = os.environ.get("COPLEARN_AUTOGRADE_DEBUG") == "1"
    app = AutogradeApp()
    app.initialize([a for a in argv if not a.startswith(("--log-level", "--Application.log_level"))] + [
        f"--CourseDirectory.db_url=sqlite:///{own_db}",
        f"--CourseDirectory.autograded_directory={root}",
        f"--Application.log_level={'DEBUG' if debug else 'CRITICAL'}"])
    if not debug:
        # nothing is printed by a worker; its warnings go with the result to the main process,
        # which logs them where nbgrader would (see _WorkerAutograde.write_single_notebook)
        for handler in list(app.log.handlers):
            app.log.removeHandler(handler)
        for kept in [f for f in app.log.filters if isinstance(f, AsReleasedChecksums)]:
            app.log.removeFilter(kept)  # (forked with the main process's logger) the main process filters and counts
        app.log.addHandler(_CAPTURED)
        app.log.setLevel(logging.WARNING)
        app.log.propagate = False
    app.coursedir.assignment_id = argv[0]
    _WORKER.update(app=app, root=root, parent=parent, converter=_worker_converter_class(),
                   exporter=_worker_exporter_class())
    from coplearn.grading import gradebook

    gradebook._GB_CACHE = {}  # this worker's whole life is one grading run
    stack = contextlib.ExitStack()  # so are its shared database engines (closed with the process)
    stack.enter_context(gradebook.sharing_engines())
    _WORKER["engines"] = stack
    # A pool worker leaves through multiprocessing's own exit (atexit does not run there): stop the
    # kept kernel and its client first, or the process waits on their sockets and threads.
    from multiprocessing import util

    util.Finalize(None, _KEPT.close, exitpriority=100)
    _prestart(app)


def _stop_with_parent() -> None:
    """Linux: this worker is stopped if the main process dies (killed, or its server stopped), rather than
    grading on with no one to record it (red team 24 F2); its sandboxed kernel dies with it (bubblewrap's
    --die-with-parent). Elsewhere nothing is done: the pool's own checks stop it at its next task."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _throwaway_database() -> None:
    """The worker's gradebook is a private copy, deleted after the run, that nothing reads again:
    its writes need not wait for the disk. (Otherwise its SQLite commits wait for the disk to
    confirm: about three disk syncs per submission in each worker, 1-2 ms each, traced with strace
    over 40 submissions on this project's 2-core test machine.) The real gradebook, written by the main process only, keeps
    SQLite's and nbgrader's settings; tests/nbgrader/test_default_jobs.py checks that."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    def unsynced(dbapi_connection: Any, _record: Any) -> None:
        if type(dbapi_connection).__module__.startswith("sqlite3"):
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute("PRAGMA synchronous=OFF")
                cursor.execute("PRAGMA journal_mode=MEMORY")
            finally:
                cursor.close()

    event.listen(Engine, "connect", unsynced)  # (this process only: the worker was forked or spawned)


def _prestart(app: Any) -> None:
    """Start this worker's kernel now, so that it boots while the first submission is sanitised
    (starting returns once the process is launched; the first notebook's client waits for it)."""
    try:
        converter = _WORKER["converter"](coursedir=app.coursedir, parent=app)
        pps = [resolve_step(p) for p in converter.autograde_preprocessors]
        i = execute_index(pps)
        if i >= 0:
            _KEPT.ready(Path(_WORKER["root"]), pps[i](parent=converter), for_notebook=False)
    except Exception:  # noqa: BLE001 - the first notebook starts one as before
        _KEPT.close()


def started_marker(parent: str | os.PathLike[str], student: str) -> str:
    """The file a worker makes when it starts on ``student`` (so that the main process can tell a
    submission that holds its worker from one still waiting in the pool's queue). It holds the
    ``time.monotonic()`` of the start: one clock for every process on the machine, which a change
    of the wall clock (or a file system's coarse or skewed times) does not move."""
    return os.path.join(parent, ".started", hashlib.sha256(student.encode("utf-8", "surrogatepass")).hexdigest())


def worker_grade(student: str) -> dict[str, Any]:
    """Run one student's notebooks in this worker; return the outcomes for the main process."""
    from nbgrader.converters import NbGraderException

    marker = started_marker(_WORKER["parent"], student)
    os.makedirs(os.path.dirname(marker), exist_ok=True)
    with open(marker, "w", encoding="utf-8") as fh:
        fh.write(repr(time.monotonic()))  # when it started, on the clock the main process reads too
    app, root = _WORKER["app"], _WORKER["root"]
    t0, cpu0 = time.perf_counter(), time.process_time()
    _OUTCOMES.clear()
    _SANITIZED.clear()
    error, failed = None, False
    folder = app.coursedir.format_path(root, student, app.coursedir.assignment_id)
    try:
        app.coursedir.student_id = student
        converter = _WORKER["converter"](coursedir=app.coursedir, parent=app)
        from nbconvert.exporters import NotebookExporter

        if converter.exporter_class is NotebookExporter:  # nbgrader's own, not a tutor's
            converter.exporter_class = _WORKER["exporter"]
        pps = [resolve_step(p) for p in converter.autograde_preprocessors]
        i = execute_index(pps)
        if i >= 0:
            pps[i] = type("Kept" + pps[i].__name__, (_kept_execute_mixin(), pps[i]), {})
            converter.autograde_preprocessors = pps[: i + 1]
        converter.start()
    except (NbGraderException, SystemExit):
        failed = True  # nbgrader logged it; the main process will meet the same error and log it there
    except Exception:  # noqa: BLE001
        error = traceback.format_exc()
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # only the student being graded is ever in view
    outcomes = dict(_OUTCOMES)
    return {"student": student, "outcomes": outcomes, "sanitized": dict(_SANITIZED), "cpu": time.process_time() - cpu0, "seconds": time.perf_counter() - t0, "error": error,
            "failed": failed, "kernel_wait": sum(o["kernel_wait"] for o in outcomes.values()),
            "warm": sum(1 for o in outcomes.values() if o["warm"])}
