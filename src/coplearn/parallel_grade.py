"""Autograde a cohort in parallel while nbgrader keeps the books.

nbgrader autogrades one submission after another (its issue #174). Nearly all of that time is
spent running notebooks in a kernel; the gradebook writes are a small part. So this engine runs
the notebooks in parallel and leaves everything else to nbgrader, unchanged and serial:

1. **Execute, in parallel.** ``N`` worker processes each run nbgrader's own ``Autograde``
   converter, with the course's own configuration, for one student at a time, but against a
   private *snapshot* of the gradebook (a SQLite copy, whatever the real database is) and a
   private output folder. The converter stops after nbgrader's ``Execute`` step, whose result
   (the executed notebook, or the error it raised) is sent back with a fingerprint of the
   notebook that went into it. Workers start the next kernel while the current notebook runs,
   so kernel start-up is mostly hidden.
2. **Record, serially.** Meanwhile the main process runs nbgrader's ``Autograde`` converter over
   the cohort exactly as ``nbgrader autograde`` would (same config, same database, same order,
   same folders), except that its ``Execute`` step *replays* the worker's result instead of
   starting a kernel. Every gradebook write, late penalty, file copy, permission and log line
   is nbgrader's own, from one process, so SQLite is never written concurrently and
   PostgreSQL sees one writer, as with serial grading.

The replay is used only when the fingerprint of the notebook the main process is about to
execute equals the one the worker executed; otherwise (or when a worker died) the notebook is
executed in the main process, as nbgrader would. An error in execution (a kernel that dies)
is re-raised in the main process, so nbgrader handles it as it always does: that student's
submission fails, the others go on. Timeouts and output limits are nbgrader's, from the
course's config.

What can differ from serial grading: absolute paths printed by student code (the workers run in
a temporary folder), timestamps in cell metadata, and anything a notebook does that depends on
wall-clock time or randomness. Grades, the gradebook, feedback and export are nbgrader's.

This module imports nbgrader; ``import coplearn`` does not import it.
"""

from __future__ import annotations

import dataclasses
import glob
import hashlib
import json
import multiprocessing as mp
import os
import queue
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import traceback
from collections import deque
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
    kernel_wait: float      #: time spent waiting for kernels to be ready (after any pre-start)
    notebooks: int          #: notebooks executed
    warm: int               #: of those, how many used a kernel started in advance


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
# worker side: execute with warm kernels, record the result


class _WarmKernels:
    """Kernels started ahead of time in a worker, keyed by (cwd, kernel name, arguments)."""

    def __init__(self) -> None:
        self.enabled = True
        self.plan: deque[str] = deque()     # working folders of the executions to come, in order
        self.pool: dict[tuple, Any] = {}

    def take(self, key: tuple) -> Any | None:
        km = self.pool.pop(key, None)
        if km is None:
            return None
        from jupyter_core.utils import run_sync

        try:
            alive = run_sync(km.is_alive)()
        except Exception:  # noqa: BLE001 - a broken warm kernel is simply not used
            alive = False
        if not alive:
            self._shutdown(km)
            return None
        return km

    def advance(self, cwd: str | None) -> None:
        """Drop ``cwd`` from the front of the plan (the execution that is starting now)."""
        if self.plan and self.plan[0] == cwd:
            self.plan.popleft()

    def prestart(self, make_km: Callable[[], Any], kernel_name: str, extra_arguments: list[str]) -> None:
        """Start a kernel for the next planned execution, unless one is waiting already."""
        if not self.enabled or not self.plan:
            return
        cwd = self.plan[0]
        key = (cwd, kernel_name, tuple(extra_arguments))
        if key in self.pool or not os.path.isdir(cwd):
            return
        from jupyter_core.utils import run_sync

        km = make_km()
        try:
            run_sync(km.start_kernel)(extra_arguments=list(extra_arguments), cwd=cwd)
        except Exception:  # noqa: BLE001 - pre-starting is only an optimisation
            return
        self.pool[key] = km

    def retain_only(self, cwds: set[str]) -> None:
        for key in [k for k in self.pool if k[0] not in cwds]:
            self._shutdown(self.pool.pop(key))

    def close(self) -> None:
        for key in list(self.pool):
            self._shutdown(self.pool.pop(key))

    @staticmethod
    def _shutdown(km: Any) -> None:
        from jupyter_core.utils import run_sync

        try:
            run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001
            pass
        try:
            run_sync(km.cleanup_resources)()
        except Exception:  # noqa: BLE001
            pass


_WARM = _WarmKernels()
_WORKER_NICENESS = int(os.environ.get("COPLEARN_AUTOGRADE_WORKER_NICE", "0"))
_OUTCOMES: dict[str, dict[str, Any]] = {}      # notebook id -> outcome, for the current student


class _WarmExecuteMixin:
    """nbgrader's Execute, taking a kernel started in advance when one fits, recording results."""

    def start_new_kernel(self, **kwargs: Any) -> None:  # runs inside nbclient's setup_kernel
        t0 = time.perf_counter()
        resource_path = self.resources.get("metadata", {}).get("path") or None
        if resource_path and "cwd" not in kwargs:
            kwargs["cwd"] = resource_path
        cwd = kwargs.get("cwd")
        _WARM.advance(cwd)
        extra = list(self.extra_arguments)
        if getattr(self.km, "ipykernel", False) and self.ipython_hist_file and not any(
                a.startswith("--HistoryManager.hist_file") for a in extra):
            extra.append(f"--HistoryManager.hist_file={self.ipython_hist_file}")
        key = (cwd, self.km.kernel_name, tuple(extra))
        warm = None if (self._cold or set(kwargs) - {"cwd"}) else _WARM.take(key)
        if warm is not None:
            self.extra_arguments = extra
            self.km = warm
            self._warm_used = True
        else:
            super().start_new_kernel(**kwargs)
        self._kernel_wait += time.perf_counter() - t0
        # the next execution's kernel boots while this one's becomes ready and runs
        name, extra = self.km.kernel_name, list(self.extra_arguments)
        _WARM.prestart(lambda: self.kernel_manager_class(kernel_name=name, config=self.config), name, extra)

    def start_new_kernel_client(self) -> Any:
        t0 = time.perf_counter()
        try:
            return super().start_new_kernel_client()
        finally:
            self._kernel_wait += time.perf_counter() - t0

    def preprocess(self, nb: Any, resources: Any = None, km: Any = None) -> Any:
        import nbformat

        notebook_id = resources["nbgrader"]["notebook"]
        original = _canonical(nb)
        fingerprint = hashlib.sha256(original.encode("utf-8")).hexdigest()
        t0 = time.perf_counter()
        self._cold = False
        self._warm_used = False
        self._kernel_wait = 0.0
        try:
            try:
                out = super().preprocess(nb, resources, km)
            except Exception:
                if not self._warm_used:
                    raise
                # a kernel started in advance was used: make sure it is not the cause, as serial would
                self._cold, self._warm_used = True, False
                out = super().preprocess(nbformat.from_dict(json.loads(original)), resources, km)
        except BaseException as exc:
            _OUTCOMES[notebook_id] = {
                "fingerprint": fingerprint, "executed": None,
                "error": (f"{type(exc).__module__}.{type(exc).__qualname__}", str(exc), traceback.format_exc()),
                "seconds": time.perf_counter() - t0, "kernel_wait": self._kernel_wait, "warm": False,
            }
            raise
        _OUTCOMES[notebook_id] = {
            "fingerprint": fingerprint, "executed": _canonical(out[0]), "error": None,
            "seconds": time.perf_counter() - t0, "kernel_wait": self._kernel_wait, "warm": self._warm_used,
        }
        return out


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


def _worker_main(wid: int, cwd: str, argv: list[str], snapshot: str, workdir: str,
                 tasks: Any, results: Any, prestart: bool, env: dict[str, str] | None = None) -> None:
    """The worker loop: take students from ``tasks``, execute their notebooks, post outcomes."""
    import logging

    if env is not None:  # the main process's environment now, not the fork server's from earlier
        os.environ.clear()
        os.environ.update(env)
    if _WORKER_NICENESS:
        # The main process records every result one at a time: it is the pipeline's narrow
        # point, so workers and their kernels yield the processor to it when it needs it.
        try:
            os.nice(_WORKER_NICENESS)
        except OSError:  # pragma: no cover - not allowed here
            pass
    os.chdir(cwd)
    # ``workdir`` stands in for the course's autograded/ folder, at the same depth in the course, so
    # relative paths from a kernel's working folder lead to the same places as in serial grading.
    own_db = os.path.join(workdir, ".gradebook.db")
    shutil.copyfile(snapshot, own_db)
    autograded = workdir
    from nbgrader.apps.autogradeapp import AutogradeApp
    from nbgrader.converters import NbGraderException

    debug = os.environ.get("COPLEARN_AUTOGRADE_DEBUG") == "1"
    app = AutogradeApp()
    app.initialize([a for a in argv if not a.startswith(("--log-level", "--Application.log_level"))] + [
        f"--CourseDirectory.db_url=sqlite:///{own_db}",
        f"--CourseDirectory.autograded_directory={autograded}",
        # the results are recorded before the kernel is stopped: no need to wait for a graceful exit
        "--NotebookClient.shutdown_kernel=immediate",
        f"--Application.log_level={'DEBUG' if debug else 'CRITICAL'}"])
    if not debug:
        app.log.setLevel(logging.CRITICAL)
    assignment = app.coursedir.assignment_id = argv[0]
    converter_class = _worker_converter_class()
    # Kernels are never started ahead of time any more: a kernel started in a grading folder before
    # nbgrader has cleared it (coplearn.autograde.PruneSubmission) could read start-up files a
    # submission shipped there. Every kernel is started by SandboxedExecute, after pruning.
    _WARM.enabled = False

    def cwd_for(student: str) -> str:
        return app.coursedir.format_path(autograded, student, assignment)

    def notebooks_of(student: str) -> int:
        src = app.coursedir.format_path(app.coursedir.submitted_directory, student, assignment)
        return max(1, len(glob.glob(os.path.join(src, app.coursedir.notebook_id + ".ipynb"))))

    current = tasks.get()
    if current is not None:
        results.put(("claim", wid, current))
    while current is not None:
        upcoming = tasks.get()
        if upcoming is not None:
            results.put(("claim", wid, upcoming))
        t0 = time.perf_counter()
        os.makedirs(cwd_for(current), exist_ok=True)
        plan = [cwd_for(current)] * notebooks_of(current)
        if upcoming is not None:
            os.makedirs(cwd_for(upcoming), exist_ok=True)
            plan.append(cwd_for(upcoming))
        _WARM.plan = deque(plan)
        _WARM.retain_only(set(plan))
        _OUTCOMES.clear()
        error = None
        failed = False
        try:
            app.coursedir.student_id = current
            converter = converter_class(coursedir=app.coursedir, parent=app)
            pps = [_resolve(p) for p in converter.autograde_preprocessors]
            i = _execute_index(pps)
            if i >= 0:
                pps[i] = type("Warm" + pps[i].__name__, (_WarmExecuteMixin, pps[i]), {})
                converter.autograde_preprocessors = pps[: i + 1]
            converter.start()
        except (NbGraderException, SystemExit):
            failed = True  # nbgrader logged it; the main process will meet the same error and log it there
        except Exception:  # noqa: BLE001
            error = traceback.format_exc()
        seconds = time.perf_counter() - t0
        results.put(("done", wid, current, dict(_OUTCOMES), seconds, error, failed))
        shutil.rmtree(cwd_for(current), ignore_errors=True)  # keep the private folder small
        current = upcoming
    _WARM.close()
    results.put(("exit", wid, None))


# ---------------------------------------------------------------------------------------------
# main process: plan, dispatch, replay, report


class _Board:
    """Outcomes from the workers, waited for by the replaying Execute in the main thread."""

    def __init__(self, students: Sequence[str], progress: Callable[[str], None] | None) -> None:
        self.cond = threading.Condition()
        self.students = list(students)
        self.outcomes: dict[str, dict[str, Any] | None] = {}
        self.timings: list[StudentTiming] = []
        self.claims: dict[int, set[str]] = {}
        self.failures = 0
        self.progress = progress
        self.start = time.perf_counter()
        self.all_gone = False

    def post(self, student: str, outcome: dict[str, Any] | None, timing: StudentTiming | None,
             failed: bool = False) -> None:
        with self.cond:
            self.outcomes[student] = outcome
            if timing:
                self.timings.append(timing)
            if failed or outcome is None:
                self.failures += 1
            self.cond.notify_all()
        self._report()

    def _report(self) -> None:
        if not self.progress:
            return
        done, total = len(self.outcomes), len(self.students)
        elapsed = time.perf_counter() - self.start
        left = elapsed / done * (total - done) if done else 0.0
        failed = f", {self.failures} with errors" if self.failures else ""
        eta = f", about {format_duration(left)} left" if done < total else ""
        self.progress(f"{done} of {total} submissions run{failed}{eta}")

    def wait(self, student: str) -> dict[str, Any] | None:
        with self.cond:
            while student not in self.outcomes and not self.all_gone:
                self.cond.wait(0.5)
            return self.outcomes.get(student)


class _ReplayExecuteMixin:
    """nbgrader's Execute in the main process: use the worker's run of this very notebook."""

    board: _Board | None = None
    counts: dict[str, int] = {"replayed": 0, "executed_here": 0}

    def preprocess(self, nb: Any, resources: Any = None, km: Any = None) -> Any:
        student = resources["nbgrader"]["student"]
        notebook_id = resources["nbgrader"]["notebook"]
        board = type(self).board
        outcome = board.wait(student) if board else None
        record = (outcome or {}).get(notebook_id)
        if record is None or record["fingerprint"] != _fingerprint(nb):
            if board is not None:
                self.log.warning("Executing %s for %s here: no matching parallel run", notebook_id, student)
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
    prestart: bool = True,
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
    procs: list[Any] = []
    board: _Board | None = None
    stop_collector = threading.Event()
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
            # The workers' files live in hidden folders beside the course's autograded/ folder, so
            # that whatever protects the course from submitted code (file permissions, the course's
            # kernel lock-down) protects the gradebook snapshots and other students' work there too.
            cd = app.coursedir
            beside = os.path.dirname(os.path.normpath(os.path.abspath(cd.format_path(cd.autograded_directory, ".", "."))))
            workdirs = [tempfile.mkdtemp(prefix=".coplearn-autograde-", dir=beside) for _ in range(jobs + 1)]
            worker_env = dict(os.environ)
            worker_env["COPLEARN_PROTECTED_PATHS"] = os.pathsep.join(
                [p for p in os.environ.get("COPLEARN_PROTECTED_PATHS", "").split(os.pathsep) if p] + workdirs)
            snapshot = snapshot_gradebook(cd.db_url, Path(workdirs[0]) / ".snapshot.db")
            # fork on Linux: cheap (nbgrader is already imported) and independent of how this
            # process was started; no threads of ours are running yet at this point.
            ctx = mp.get_context("fork") if sys.platform.startswith("linux") else mp.get_context("spawn")
            tasks, results = ctx.Queue(), ctx.Queue()
            for student in todo:
                tasks.put(student)
            for _ in range(jobs):
                tasks.put(None)
            worker_argv = _without_selection(argv)
            for wid in range(jobs):
                wdir = workdirs[wid + 1]
                p = ctx.Process(target=_worker_main, name=f"coplearn-autograde-{wid}", daemon=True,
                                args=(wid, cwd, worker_argv, str(snapshot), wdir, tasks, results, prestart,
                                      worker_env))
                p.start()
                procs.append(p)
            board = _Board(todo, progress)
            board.claims = {wid: set() for wid in range(jobs)}
            collector = threading.Thread(target=_collect, args=(board, results, procs, stop_collector), daemon=True)
            collector.start()
            pps[i] = type("Replay" + pps[i].__name__, (_ReplayExecuteMixin, pps[i]),
                          {"board": board, "counts": counts})
            converter.autograde_preprocessors = pps
        elif progress and todo:
            progress(f"running {len(todo)} submissions one at a time")
        try:
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
        stop_collector.set()
        for p in procs:
            p.join(timeout=10)
            if p.is_alive():
                p.kill()
                p.join(timeout=5)
        for folder in workdirs:
            shutil.rmtree(folder, ignore_errors=True)
        os.chdir(old_cwd)


def _collect(board: _Board, results: Any, procs: list[Any], stop: threading.Event) -> None:
    """Read worker messages into the board; notice workers that die and give up their students."""
    exited: set[int] = set()
    while not stop.is_set():
        try:
            msg = results.get(timeout=0.5)
        except queue.Empty:
            for wid, p in enumerate(procs):
                if wid not in exited and not p.is_alive():
                    exited.add(wid)
                    for student in list(board.claims.get(wid, ())):
                        board.post(student, None, None)
                    board.claims[wid] = set()
            if len(exited) == len(procs):
                with board.cond:
                    board.all_gone = True
                    board.cond.notify_all()
            continue
        kind, wid = msg[0], msg[1]
        if kind == "claim":
            board.claims[wid].add(msg[2])
        elif kind == "done":
            _, _, student, outcomes, seconds, error, failed = msg
            board.claims[wid].discard(student)
            timing = StudentTiming(
                student=student, seconds=seconds,
                kernel_wait=sum(o["kernel_wait"] for o in outcomes.values()),
                notebooks=len(outcomes), warm=sum(1 for o in outcomes.values() if o["warm"]))
            board.post(student, outcomes if error is None else None, timing, failed)
        elif kind == "exit":
            exited.add(wid)
            if len(exited) == len(procs):
                with board.cond:
                    board.all_gone = True
                    board.cond.notify_all()
