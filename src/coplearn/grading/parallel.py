"""Autograde a cohort in parallel while nbgrader keeps the books.

nbgrader autogrades one submission after another (its issue #174). Since no student code runs
while grading (see :mod:`coplearn.grading.autograde`), a grading kernel can safely be kept from one
submission to the next, which removes the kernel start-up that dominated the time. So:

1. **Execute, in parallel, in kept kernels.** A ``concurrent.futures`` process pool of ``N``
   workers each runs nbgrader's own ``Autograde`` converter, with the course's configuration,
   for one student at a time, against a private *snapshot* of the gradebook and a private output
   folder, and stops after nbgrader's ``Execute`` step. Each worker keeps one sandboxed kernel
   (:func:`coplearn.grading.autograde.make_kernel_manager`); before each notebook the kernel's namespace
   is reset and checked empty, its working folder moved to the student's pruned grading folder,
   and its execution counter set back to 1. A kernel that dies, or whose reset fails, is replaced.
   The result (the executed notebook, or the error it raised) is returned with a fingerprint of
   the notebook that went into it.
2. **Record, serially.** Meanwhile the main process runs nbgrader's ``Autograde`` converter over
   the cohort exactly as ``nbgrader autograde`` would (same config, same database, same order,
   same folders), except that its ``Execute`` step *replays* the worker's result instead of
   starting a kernel. Every gradebook write, late penalty, file copy and log line is nbgrader's
   own, from one process, so SQLite is never written concurrently and PostgreSQL sees one writer.

The replay is used only when the fingerprint of the notebook the main process is about to
execute equals the one the worker executed; otherwise, or when a worker died or did not answer
within the run's time bound, the notebook is executed in the main process, as nbgrader would,
and a line says so. What can differ from serial grading: timestamps in cell metadata.

This module imports nbgrader; ``import coplearn`` does not import it.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import functools
import hashlib
import json
import multiprocessing as mp
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "GradeReport",
    "StudentTiming",
    "autograde_parallel",
    "snapshot_gradebook",
    "format_duration",
]


# ---------------------------------------------------------------------------------------------
# results


@dataclasses.dataclass(frozen=True)
class StudentTiming:
    """How long one student's submission took in a worker."""

    student: str
    seconds: float          #: wall time in the worker, from taking the task to sending the result
    kernel_wait: float      #: time spent starting or resetting the worker's kernel
    notebooks: int          #: notebooks executed
    warm: int               #: of those, how many ran in a kernel kept from an earlier notebook


@dataclasses.dataclass(frozen=True)
class GradeReport:
    """What ``autograde_parallel`` did: who was graded, who failed, and how long it took."""

    assignment: str
    graded: tuple[str, ...]          #: students whose autograded folder exists afterwards
    failed: tuple[str, ...]          #: students nbgrader could not grade (its error is in the log)
    skipped: tuple[str, ...]         #: students nbgrader skipped (already autograded; use force)
    seconds: float                   #: wall time of the whole run
    jobs: int                        #: worker processes used
    replayed: int                    #: notebooks whose parallel execution was used
    executed_here: int               #: notebooks executed in the main process instead
    timings: tuple[StudentTiming, ...] = ()

    @property
    def ok(self) -> bool:
        """True when nbgrader reported no errors."""
        return not self.failed

    def median_seconds(self) -> float:
        """Median wall time per submission in the workers (0 when nothing ran in parallel)."""
        return statistics.median(t.seconds for t in self.timings) if self.timings else 0.0

    def summary(self) -> str:
        """A sentence or two for the tutor."""
        n = len(self.graded) + len(self.failed)
        text = (f"Autograded {len(self.graded)} of {n} submission{'s' if n != 1 else ''} of "
                f"'{self.assignment}' in {format_duration(self.seconds)} with {self.jobs} "
                f"parallel job{'s' if self.jobs != 1 else ''}.")
        if self.failed:
            text += (f" {len(self.failed)} could not be graded: {', '.join(self.failed)} "
                     "(nbgrader's reason is in the log above; their other work is untouched).")
        if self.skipped:
            text += (f" {len(self.skipped)} already autograded and left as they were "
                     "(use --force to grade them again).")
        return text


def format_duration(seconds: float) -> str:
    """Seconds as a short human duration.

    >>> format_duration(4.2), format_duration(75), format_duration(3725)
    ('4 s', '1 min 15 s', '1 h 2 min')
    """
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


# ---------------------------------------------------------------------------------------------
# gradebook snapshot


def snapshot_gradebook(db_url: str, dest: Path) -> Path:
    """Copy the gradebook at ``db_url`` (SQLite or any SQLAlchemy database) into a SQLite file.

    The workers grade against this private copy, so they never touch the real gradebook.
    """
    dest = Path(dest)
    if dest.exists():
        dest.unlink()
    if db_url.startswith("sqlite:///"):
        src = sqlite3.connect(f"file:{db_url[len('sqlite:///'):]}?mode=ro", uri=True)
        try:
            out = sqlite3.connect(dest)
            with out:
                src.backup(out)
            out.close()
        finally:
            src.close()
        return dest

    import sqlalchemy as sa
    from nbgrader.api import Base

    source = sa.create_engine(db_url, future=True)
    target = sa.create_engine(f"sqlite:///{dest}", future=True)
    try:
        Base.metadata.create_all(bind=target)
        with source.connect() as sconn, target.begin() as tconn:
            for table in Base.metadata.sorted_tables:
                rows = [dict(r) for r in sconn.execute(sa.select(table)).mappings()]
                if rows:
                    tconn.execute(table.insert(), rows)
            version = sconn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            tconn.execute(sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
            tconn.execute(sa.text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": version})
    finally:
        source.dispose()
        target.dispose()
    return dest


def _canonical(nb: Any) -> str:
    return json.dumps(nb, sort_keys=True, separators=(",", ":"))


def _fingerprint(nb: Any) -> str:
    """A hash of the notebook exactly as it is about to be executed."""
    return hashlib.sha256(_canonical(nb).encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------------
# worker side: execute in a kept kernel, record the result

_OUTCOMES: dict[str, dict[str, Any]] = {}      # notebook id -> outcome, for the current student

_RESET = """
__import__("os").chdir({folder!r})  # first: the last student's folder is gone, and reset looks at the cwd
get_ipython().run_line_magic("reset", "-f")
import json as _json, os as _os, sys as _sys
_ip = get_ipython()
_g = _sys.modules.get("coplearn.grading.answers")
if _g is not None:
    _g._MARKED.clear()
    _g._HOW.clear()
_ip.execution_count = 1
_left = [k for k in _ip.user_ns if not k.startswith("_") and k not in _ip.user_ns_hidden]
assert not _left, "the namespace was not empty after the reset: " + ", ".join(_left)
del _json, _os, _sys, _g, _ip, _left
"""


class _ResetFailed(RuntimeError):
    """A kept kernel could not be reset: it is replaced and the notebook run again."""


class _KeptKernel:
    """One sandboxed kernel per worker process, kept between notebooks (reset before each, by the
    executor's own kernel client: see :class:`_KeptExecuteMixin`)."""

    def __init__(self) -> None:
        self.km: Any = None
        self.private: Path | None = None

    def ready(self, root: Path, execute: Any) -> tuple[Any, bool]:
        """A running kernel whose only writable folder is ``root``, and whether it was kept."""
        from jupyter_core.utils import run_sync

        from coplearn.grading.autograde import make_kernel_manager, sandbox_status

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
        return self.km, False

    def close(self) -> None:
        from jupyter_core.utils import run_sync

        if self.km is not None:
            with contextlib.suppress(Exception):
                run_sync(self.km.shutdown_kernel)(now=True)
            with contextlib.suppress(Exception):
                run_sync(self.km.cleanup_resources)()
        if self.private is not None:
            shutil.rmtree(self.private, ignore_errors=True)
        self.km, self.private = None, None


_KEPT = _KeptKernel()
_WORKER: dict[str, Any] = {}


@functools.cache
def _kept_execute_mixin() -> type:
    from nbclient.util import run_sync

    class _KeptExecuteMixin:
        """The course's Execute in a worker: run in the worker's kept kernel, reset first through
        the executor's own kernel client, and record the result."""

        _kept_folder: Path | None = None

        async def async_start_new_kernel_client(self) -> Any:
            kc = await super().async_start_new_kernel_client()
            reply = await self.kc.execute_interactive(_RESET.format(folder=str(self._kept_folder)),
                                                      store_history=False, timeout=60,
                                                      output_hook=lambda msg: None)
            if reply.get("content", {}).get("status") != "ok":
                raise _ResetFailed("the grading kernel could not be reset")
            return kc

        start_new_kernel_client = run_sync(async_start_new_kernel_client)

        def preprocess(self, nb: Any, resources: Any = None, km: Any = None) -> Any:
            import nbformat

            notebook_id = resources["nbgrader"]["notebook"]
            original = _canonical(nb)
            fingerprint = hashlib.sha256(original.encode("utf-8")).hexdigest()
            self._kept_folder = Path(resources.get("metadata", {}).get("path") or os.getcwd()).resolve()
            t0 = time.perf_counter()
            kernel, kept = _KEPT.ready(Path(_WORKER["root"]), self)
            kernel_wait = time.perf_counter() - t0
            try:
                try:
                    out = super().preprocess(nb, resources, kernel)
                except _ResetFailed:
                    _KEPT.close()  # a kernel that cannot be made clean is never used: start a new one
                    kernel, kept = _KEPT.ready(Path(_WORKER["root"]), self)
                    out = super().preprocess(nbformat.from_dict(json.loads(original)), resources, kernel)
                if getattr(self, "_coplearn_dead", None):
                    _KEPT.close()  # it died or would not stop: the next notebook gets a new one
            except BaseException as exc:
                _KEPT.close()
                _OUTCOMES[notebook_id] = {
                    "fingerprint": fingerprint, "executed": None,
                    "error": (f"{type(exc).__module__}.{type(exc).__qualname__}", str(exc), traceback.format_exc()),
                    "seconds": time.perf_counter() - t0, "kernel_wait": kernel_wait, "warm": False,
                }
                raise
            _OUTCOMES[notebook_id] = {
                "fingerprint": fingerprint, "executed": _canonical(out[0]), "error": None,
                "seconds": time.perf_counter() - t0, "kernel_wait": kernel_wait, "warm": kept,
            }
            return out

    return _KeptExecuteMixin


def _execute_index(preprocessors: Sequence[Any]) -> int:
    from nbgrader.preprocessors import Execute

    for i, pp in enumerate(preprocessors):
        cls = pp if isinstance(pp, type) else type(pp)
        if isinstance(pp, str):
            from traitlets.utils.importstring import import_item

            cls = import_item(pp)
        if isinstance(cls, type) and issubclass(cls, Execute):
            return i
    return -1


def _resolve(pp: Any) -> Any:
    if isinstance(pp, str):
        from traitlets.utils.importstring import import_item

        return import_item(pp)
    return pp


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

    return _WorkerAutograde


def _worker_init(cwd: str, argv: list[str], snapshot: str, parent: str, env: dict[str, str]) -> None:
    """Set up a worker process (the pool's initializer): its nbgrader app, private gradebook copy
    and private output folder, inside ``parent`` (hidden by the sandbox, removed after the run)."""
    import logging

    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    workdir = tempfile.mkdtemp(prefix="worker-", dir=parent)
    own_db = os.path.join(workdir, "gradebook.db")
    shutil.copyfile(snapshot, own_db)
    root = os.path.join(workdir, "autograded")  # the only folder the worker's kernel may write
    os.makedirs(root)
    from nbgrader.apps.autogradeapp import AutogradeApp

    debug = os.environ.get("COPLEARN_AUTOGRADE_DEBUG") == "1"
    app = AutogradeApp()
    app.initialize([a for a in argv if not a.startswith(("--log-level", "--Application.log_level"))] + [
        f"--CourseDirectory.db_url=sqlite:///{own_db}",
        f"--CourseDirectory.autograded_directory={root}",
        f"--Application.log_level={'DEBUG' if debug else 'CRITICAL'}"])
    if not debug:
        app.log.setLevel(logging.CRITICAL)
    app.coursedir.assignment_id = argv[0]
    _WORKER.update(app=app, root=root, converter=_worker_converter_class())
    from coplearn.grading import autograde

    autograde._GB_CACHE = {}  # this worker's whole life is one grading run


def _worker_grade(student: str) -> dict[str, Any]:
    """Run one student's notebooks in this worker; return the outcomes for the main process."""
    from nbgrader.converters import NbGraderException

    app, root = _WORKER["app"], _WORKER["root"]
    t0 = time.perf_counter()
    _OUTCOMES.clear()
    error, failed = None, False
    folder = app.coursedir.format_path(root, student, app.coursedir.assignment_id)
    try:
        app.coursedir.student_id = student
        converter = _WORKER["converter"](coursedir=app.coursedir, parent=app)
        pps = [_resolve(p) for p in converter.autograde_preprocessors]
        i = _execute_index(pps)
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
    return {"student": student, "outcomes": outcomes, "seconds": time.perf_counter() - t0, "error": error,
            "failed": failed, "kernel_wait": sum(o["kernel_wait"] for o in outcomes.values()),
            "warm": sum(1 for o in outcomes.values() if o["warm"])}


# ---------------------------------------------------------------------------------------------
# main process: plan, dispatch, replay, report


class _Board:
    """The workers' futures, waited for (within the run's time bound) by the replaying Execute."""

    def __init__(self, futures: dict[str, Any], deadline: float, progress: Callable[[str], None] | None) -> None:
        self.futures = futures
        self.deadline = deadline
        self.progress = progress
        self.timings: list[StudentTiming] = []
        self.lock = threading.Lock()
        self.done = 0
        self.failures = 0
        self.start = time.perf_counter()
        for fut in futures.values():
            fut.add_done_callback(self._finished)

    def _finished(self, fut: Any) -> None:
        with self.lock:
            self.done += 1
            try:
                r = fut.result()
            except BaseException:  # noqa: BLE001 - a worker that died
                r = None
            if r is None or r["error"] or r["failed"]:
                self.failures += 1
            if r is not None:
                self.timings.append(StudentTiming(student=r["student"], seconds=r["seconds"],
                                                  kernel_wait=r["kernel_wait"], notebooks=len(r["outcomes"]),
                                                  warm=r["warm"]))
            done, total, failures = self.done, len(self.futures), self.failures
        if self.progress:
            elapsed = time.perf_counter() - self.start
            left = elapsed / done * (total - done) if done else 0.0
            eta = f", about {format_duration(left)} left" if done < total else ""
            failed = f", {failures} with errors" if failures else ""
            self.progress(f"{done} of {total} submissions run{failed}{eta}")

    def wait(self, student: str) -> tuple[dict[str, Any] | None, str | None]:
        """The worker's outcomes for ``student``, or None and why not."""
        fut = self.futures.get(student)
        if fut is None:
            return None, "it was not sent to a worker"
        try:
            r = fut.result(timeout=max(0.0, self.deadline - time.monotonic()))
        except concurrent.futures.TimeoutError:
            return None, "its worker did not finish within the run's time limit"
        except BaseException as exc:  # noqa: BLE001 - a worker process that died
            return None, f"its worker stopped ({type(exc).__name__})"
        if r["error"]:
            return None, "its worker met an error: " + r["error"].strip().splitlines()[-1]
        return r["outcomes"], None


class _ReplayExecuteMixin:
    """nbgrader's Execute in the main process: use the worker's run of this very notebook."""

    board: _Board | None = None
    counts: dict[str, int] = {"replayed": 0, "executed_here": 0}

    def preprocess(self, nb: Any, resources: Any = None, km: Any = None) -> Any:
        student = resources["nbgrader"]["student"]
        notebook_id = resources["nbgrader"]["notebook"]
        board = type(self).board
        outcome, why = board.wait(student) if board else (None, "no workers")
        record = (outcome or {}).get(notebook_id)
        if record is None or record["fingerprint"] != _fingerprint(nb):
            if board is not None:
                reason = why or ("the notebook differs from the one the worker ran" if record else "no parallel run")
                self.log.warning("coplearn autograde: running %s for %s here, one at a time: %s",
                                 notebook_id, student, reason)
            type(self).counts["executed_here"] += 1
            return super().preprocess(nb, resources, km)
        type(self).counts["replayed"] += 1
        if record["error"]:
            name, message, tb = record["error"]
            raise ParallelExecutionError(f"{name}: {message}\n(raised while executing in a parallel worker)\n{tb}")
        import nbformat

        return nbformat.reads(record["executed"], as_version=4), resources


class ParallelExecutionError(RuntimeError):
    """The error nbgrader's Execute raised in a worker, raised again where nbgrader handles it."""


def _plan(app: Any) -> tuple[list[str], list[str]]:
    """The students nbgrader will autograde (in its order), and the ones it will skip."""
    import re

    from nbgrader.converters import Autograde, NbGraderException

    conv = Autograde(coursedir=app.coursedir, parent=app)
    try:
        conv.init_notebooks()
    except NbGraderException:
        return [], []
    cd = app.coursedir
    regexp = cd.format_path(cd.submitted_directory, "(?P<student_id>.*)", "(?P<assignment_id>.*)", escape=True)
    excluded = set(cd.student_id_exclude.split(",")) if cd.student_id_exclude else set()
    todo, skip = [], []
    for folder in sorted(conv.assignments):
        m = re.match(regexp, folder)
        if not m:
            continue
        student, assignment = m.group("student_id"), m.group("assignment_id")
        if student in excluded:
            continue
        dest = cd.format_path(cd.autograded_directory, student, assignment)
        notebooks = conv.assignments[folder]
        if cd.notebook_id == "*":
            missing = not os.path.exists(dest)
        else:
            missing = any(not os.path.exists(os.path.join(dest, os.path.basename(n))) for n in notebooks)
        new, old = cd.get_existing_timestamp(folder), cd.get_existing_timestamp(dest)
        if missing or conv.force or (new is not None and old is not None and new > old):
            todo.append(student)
        else:
            skip.append(student)
    return todo, skip


def _without_selection(argv: Sequence[str]) -> list[str]:
    """nbgrader arguments minus those choosing whom to grade (workers are told each student).

    >>> _without_selection(["a1", "--student", "s1", "--force", "--db=sqlite:///x.db", "-f"])
    ['a1', '--db=sqlite:///x.db']
    """
    out: list[str] = []
    skip_next = False
    for arg in argv:
        if skip_next:
            skip_next = False
            continue
        if arg in ("--student", "--CourseDirectory.student_id"):
            skip_next = True
            continue
        if arg.startswith(("--student=", "--CourseDirectory.student_id=")) or arg in ("--force", "-f"):
            continue
        out.append(arg)
    return out


def _ensure_path_has_venv() -> None:
    """nbgrader runs ``alembic`` from PATH when it creates a gradebook: make sure ours is found."""
    bindir = os.path.dirname(sys.executable)
    path = os.environ.get("PATH", "")
    if bindir not in path.split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([bindir, path]) if path else bindir


def autograde_parallel(
    assignment: str,
    *,
    jobs: int | None = None,
    nbgrader_args: Sequence[str] = (),
    course_dir: str | os.PathLike[str] | None = None,
    prestart: bool = True,  # kept for old callers: kernels are now kept between notebooks instead
    progress: Callable[[str], None] | None = None,
) -> GradeReport:
    """Autograde ``assignment`` for every submitted student, running ``jobs`` notebooks at once.

    ``nbgrader_args`` are passed to nbgrader as on its command line (``--student=ID``,
    ``--force``, ``--db=URL``, ``--Execute.timeout=60`` ...). The course is the current folder
    (where ``nbgrader_config.py`` is), or ``course_dir``. ``progress`` receives one line per
    finished submission. Returns a :class:`GradeReport`; nbgrader's own log goes to stderr.
    """
    from nbgrader.apps.autogradeapp import AutogradeApp
    from nbgrader.converters import Autograde, NbGraderException

    jobs = max(1, int(jobs or os.cpu_count() or 1))
    _ensure_path_has_venv()
    old_cwd = os.getcwd()
    if course_dir is not None:
        os.chdir(course_dir)
    t_start = time.perf_counter()
    workdirs: list[str] = []
    pool: Any = None
    board: _Board | None = None
    try:
        cwd = os.getcwd()
        argv = [assignment, *nbgrader_args]
        app = AutogradeApp()
        app.initialize(argv)
        if app.coursedir.assignment_id not in ("", assignment):
            raise ValueError("give the assignment once, not also with --assignment")
        app.coursedir.assignment_id = assignment
        todo, skipped = _plan(app)
        converter = Autograde(coursedir=app.coursedir, parent=app)
        pps = [_resolve(p) for p in converter.autograde_preprocessors]
        i = _execute_index(pps)
        execute_enabled = i >= 0 and app.config.get("Execute", {}).get("enabled", True) is not False
        jobs = min(jobs, len(todo)) if (todo and execute_enabled) else 0
        counts = {"replayed": 0, "executed_here": 0}
        if jobs:
            # The workers' files live in a hidden folder beside the course's autograded/ folder,
            # inside the course, which the grading sandbox hides (coplearn.grading.autograde).
            cd = app.coursedir
            beside = os.path.dirname(os.path.normpath(os.path.abspath(cd.format_path(cd.autograded_directory, ".", "."))))
            workdirs = [tempfile.mkdtemp(prefix=".coplearn-autograde-", dir=beside)]
            snapshot = snapshot_gradebook(cd.db_url, Path(workdirs[0]) / ".snapshot.db")
            # fork on Linux: cheap (nbgrader is already imported); no threads of ours run yet.
            ctx = mp.get_context("fork") if sys.platform.startswith("linux") else mp.get_context("spawn")
            pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=jobs, mp_context=ctx, initializer=_worker_init,
                initargs=(cwd, _without_selection(argv), str(snapshot), workdirs[0], dict(os.environ)))
            futures = {student: pool.submit(_worker_grade, student) for student in todo}
            timeout = int(app.config.get("SandboxedExecute", {}).get("notebook_timeout", 180) or 180)
            rounds = -(-len(todo) // jobs)
            deadline = time.monotonic() + 120 + rounds * (timeout + 60)  # no hung worker can hold the run
            board = _Board(futures, deadline, progress)
            pps[i] = type("Replay" + pps[i].__name__, (_ReplayExecuteMixin, pps[i]),
                          {"board": board, "counts": counts})
            converter.autograde_preprocessors = pps
        elif progress and todo:
            progress(f"running {len(todo)} submissions one at a time")
        from coplearn.grading.autograde import caching_gradebook

        try:
            with caching_gradebook():  # the assignment cannot change during the run: read its cells once
                converter.start()
        except NbGraderException:
            pass  # nbgrader has logged which students failed; we report them below
        seconds = time.perf_counter() - t_start
        graded, failed = [], []
        cd = app.coursedir
        for student in todo:
            dest = cd.format_path(cd.autograded_directory, student, assignment)
            (graded if os.path.isdir(dest) else failed).append(student)
        return GradeReport(
            assignment=assignment, graded=tuple(graded), failed=tuple(failed), skipped=tuple(skipped),
            seconds=seconds, jobs=jobs, replayed=counts["replayed"], executed_here=counts["executed_here"],
            timings=tuple(sorted(board.timings, key=lambda t: t.student)) if board else (),
        )
    finally:
        if pool is not None:
            processes = list(getattr(pool, "_processes", {}).values())  # to stop any that hang
            pool.shutdown(wait=False, cancel_futures=True)
            for p in processes:
                p.join(timeout=10)
                if p.is_alive():
                    p.kill()
                    p.join(timeout=5)
        for folder in workdirs:
            shutil.rmtree(folder, ignore_errors=True)
        os.chdir(old_cwd)
