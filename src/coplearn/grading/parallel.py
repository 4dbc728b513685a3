"""Autograde a cohort in parallel while nbgrader keeps the books.

nbgrader autogrades one submission after another (its issue #174). Since no student code runs
while grading (see :mod:`coplearn.grading.autograde`), a grading kernel can safely be kept from one
submission to the next, which removes the kernel start-up that dominated the time. So:

1. **Sanitise and execute, in parallel, in kept kernels.** A ``concurrent.futures`` process pool
   of ``N`` workers each runs nbgrader's own ``Autograde`` converter, with the course's
   configuration, for one student at a time, against a private *snapshot* of the gradebook
   (:func:`coplearn.grading.gradebook.snapshot_gradebook`) and a private output folder, and stops
   after nbgrader's ``Execute`` step, in a sandboxed kernel (and its client) kept from one notebook
   to the next and reset before each (:mod:`coplearn.grading.kept_kernel`). The result goes back to
   the main process: what the sanitising pass wrote, with a fingerprint of what it read (the
   notebook and ``answers.json``) and its warnings; and the executed notebook (or the error it
   raised) with a fingerprint of the notebook that went into it.
2. **Record, serially.** Meanwhile the main process runs nbgrader's ``Autograde`` converter over
   the cohort exactly as ``nbgrader autograde`` would (same config, same database, same order,
   same folders), except that its sanitising pass writes the worker's output (and logs the
   worker's warnings) and its ``Execute`` step *replays* the worker's result, instead of doing
   that work again. Every gradebook write, late penalty, file copy and log line is nbgrader's
   own, from one process, so SQLite is never written concurrently and PostgreSQL sees one writer.

Each replay is used only when its fingerprint matches what the main process is about to read or
execute; otherwise, or when a worker died or no worker had started the submission by the run's time
bound, the step runs in the main process, as nbgrader would, and a line says so. A submission its
worker was still running at the time bound is not run again: it fails alone, named (whatever held
the worker would hold up everyone after it in the main process). What can differ from serial
grading: timestamps in cell metadata. Within a run nbgrader's steps also do less repeated work
(:func:`coplearn.grading.gradebook.sharing_engines`). How often a notebook is checked against its
schema is the course's setting (``NotebookExporter.optimistic_validation`` in ``nbgrader_config.py``:
once per pass), in the workers as in serial nbgrader, so that both grade a notebook that sanitising
mends alike.

This module imports nbgrader; ``import coplearn`` does not import it.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import functools
import hashlib
import multiprocessing as mp
import os
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from coplearn.core.environment import python_bin_on_path
from coplearn.grading import submission
from coplearn.grading.gradebook import caching_gradebook, log_safe, sharing_engines, snapshot_gradebook
from coplearn.grading.kept_kernel import (RESET_TIMEOUT, close_kept_kernel, execute_index, fingerprint, input_fingerprint,
                                          kept_execute_mixin, resolve_step, started_marker, worker_grade, worker_init)
from coplearn.grading.sandbox import CUT_SHORT
from coplearn.grading.tutor_log import AsReleasedChecksums, WarnedStudents, left_out_sentence, quiet_gradebook_warnings, released_checksums

__all__ = [
    "GradeReport",
    "StudentTiming",
    "ParallelExecutionError",
    "autograde_parallel",
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
    cpu: float = 0.0        #: processor time of the worker process itself (not its kernel)


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
    sanitized_replayed: int = 0      #: notebooks whose sanitising pass was taken from the worker
    main_cpu: float = 0.0            #: processor time of the main process during the run
    no_notebook: tuple[str, ...] = ()  #: students whose submitted folder holds no notebook nbgrader finds
    #: of ``failed``, those the gradebook still holds marks for, from an earlier grading (nbgrader
    #: records the new submission's time before it fails, and keeps the old marks under it)
    stale: tuple[str, ...] = ()
    #: nbgrader's "checksum has changed" lines left out for locked cells left as released (:mod:`coplearn.grading.tutor_log`)
    checksum_lines_left_out: int = 0
    #: notebooks run in the main process's own kept kernel (one job: no worker process; see ``inline``)
    kept_here: int = 0
    #: graded students who lost marks to the time limit (a cell interrupted) or to a grading kernel that
    #: died or would not stop (the cells after it not run), not to their answers, with why (red team 25 F1)
    cut_short: tuple[tuple[str, str], ...] = ()
    #: graded students whose submission came after the assignment's due date, with how many seconds late (walk26
    #: T-M4: only a log line in seconds said so)
    late: tuple[tuple[str, float], ...] = ()
    #: graded students with no submission time (a folder that came by email, its time not yet recorded with
    #: ``coplearn received``) in an assignment that has a due date: nbgrader counts them on time (walk29 M2)
    no_time: tuple[str, ...] = ()
    #: graded students whose work the log warns about (the course's own "coplearn: STUDENT: ..." lines), with how
    #: many warnings each (walk29 M3: the last line is what the guide says to read)
    warned: tuple[tuple[str, int], ...] = ()

    @property
    def ok(self) -> bool:
        """True when every submission found was graded (nbgrader reported no errors, and no
        submitted folder was without a notebook)."""
        return not self.failed and not self.no_notebook

    def median_seconds(self) -> float:
        """Median wall time per submission in the workers (0 when nothing ran in parallel)."""
        return statistics.median(t.seconds for t in self.timings) if self.timings else 0.0

    def summary(self) -> str:
        """A sentence or two for the tutor."""
        n = len(self.graded) + len(self.failed)
        how = (f"with {self.jobs} parallel jobs" if self.jobs > 1
               else "one at a time")  # (no worker was needed: docs16 F15 read "with 0 parallel jobs")
        text = (f"Autograded {len(self.graded)} of {n} submission{'s' if n != 1 else ''} of "
                f"'{self.assignment}' in {format_duration(self.seconds)} {how}.")
        if self.cut_short:
            shown = "; ".join(f"{student} ({why})" for student, why in self.cut_short)
            text += (f" {len(self.cut_short)} of them lost marks to the time limit or a stopped grading kernel, not to "
                     f"their answers: {log_safe(shown, 2000)}. Open their graded notebooks before releasing feedback, "
                     "and grade them again when the server is less busy (--student ID --force).")
        if self.late:
            from coplearn.grading.export import how_late

            shown = ", ".join(f"{student} ({how_late(seconds)} late)" for student, seconds in self.late)
            text += (f" {len(self.late)} {'were' if len(self.late) != 1 else 'was'} handed in after the due date: "
                     f"{log_safe(shown, 2000)} (any late penalty is your nbgrader setting's; by default none).")
        if self.no_time:
            text += (f" {len(self.no_time)} {'have' if len(self.no_time) != 1 else 'has'} no submission time (not "
                     f"collected through the exchange, and no time recorded), so {'they count' if len(self.no_time) != 1 else 'it counts'} "
                     f"as on time whatever the due date: {log_safe(', '.join(self.no_time), 2000)}. Record when each "
                     f"reached you with coplearn received {self.assignment} STUDENT --at \"YYYY-MM-DD HH:MM\" (in "
                     f"UTC), then grade each again: coplearn autograde {self.assignment} --student STUDENT --force.")
        if self.warned:
            shown = ", ".join(f"{student} ({n})" for student, n in self.warned)
            first = self.warned[0][0]
            text += (f" The log above warns about the work of {len(self.warned)} of the {len(self.graded)} graded: "
                     f"{log_safe(shown, 2000)}. Find each one's lines by searching for \"coplearn: {log_safe(first, 60)}:\" "
                     "(with that student's id); some say how an answer was read or why it may have lost marks. Read "
                     "them before you release feedback.")
        if self.failed:
            text += (f" {len(self.failed)} could not be graded: {log_safe(', '.join(self.failed), 2000)} "
                     "(nbgrader's reason is in the log above; their other work is untouched).")
        if self.stale:
            text += (f" Of those, the gradebook still holds marks from an earlier grading for "
                     f"{log_safe(', '.join(self.stale), 2000)}: they are not marks for the submission now in "
                     "submitted/ (nbgrader may already show them against its time). Grade them again once it is "
                     "mended, and do not export or release their grades before then.")
        if self.no_notebook:
            text += (f" {len(self.no_notebook)} handed in a folder without a notebook nbgrader can find, so "
                     f"nothing was graded for them: {log_safe(', '.join(self.no_notebook), 2000)} (the log above says what each "
                     "folder holds).")
        if self.skipped:
            text += (f" {len(self.skipped)} already autograded and left as they were "
                     "(use --force to grade them again).")
        return text + left_out_sentence(self.checksum_lines_left_out)


def _per_student(timings: Sequence[StudentTiming]) -> list[StudentTiming]:
    """One timing per student (their notebooks' times added up), from one per notebook."""
    out: dict[str, StudentTiming] = {}
    for t in timings:
        o = out.get(t.student)
        out[t.student] = t if o is None else dataclasses.replace(
            o, seconds=o.seconds + t.seconds, kernel_wait=o.kernel_wait + t.kernel_wait,
            notebooks=o.notebooks + t.notebooks, warm=o.warm + t.warm)
    return list(out.values())


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
# main process: plan, dispatch, replay, report


#: Time bounds (seconds). A submission a worker has been busy with for longer than its notebooks'
#: time limits plus DEADLINE_BASE is held up there: it fails alone and is not run again in the main
#: process (whatever held the worker would hold everyone after it there). A submission no worker has
#: started by the run's bound (DEADLINE_BASE plus, per round of ``jobs`` submissions, the notebook
#: time limit and DEADLINE_PER_ROUND) is graded in the main process instead. Each submission's own
#: bound counts from when its worker started it, so a main process that is itself slow (a large
#: cohort, a busy machine) never fails a student whose worker is simply still at work.
DEADLINE_BASE = 120
DEADLINE_PER_ROUND = 60
_HUNG = "its worker was still busy with it after the time a submission may take"
_NOT_STARTED = "no worker had started it when the run's time limit was reached"
#: How often a waiting main process looks again whether a queued submission has been started.
_POLL = 2.0


class WorkerHung(RuntimeError):
    """A submission whose worker did not finish within the run's time bound: it fails alone."""


class _Board:
    """The workers' futures, waited for (within the run's time bound) by the replaying Execute."""

    def __init__(self, futures: dict[str, Any], deadline: float, progress: Callable[[str], None] | None,
                 workdir: str = "", per_submission: float = float("inf")) -> None:
        self.futures = futures
        self.deadline = deadline  # (monotonic) for a submission no worker has started
        self.per_submission = per_submission  # seconds a worker may spend on one submission
        self.seen_started: dict[str, float] = {}
        self.workdir = workdir  # where the workers mark the submissions they have started
        self.progress = progress
        self.timings: list[StudentTiming] = []
        self.lock = threading.Lock()
        self.done = 0
        self.failures = 0
        self.total = len(futures)
        #: the student the main process is recording; once it moves on, that student's result (the executed
        #: notebooks, about half a megabyte each for a1) is let go, so that memory does not grow with the cohort
        self.current: str | None = None
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
                                                  warm=r["warm"], cpu=r.get("cpu", 0.0)))
            done, total, failures = self.done, self.total, self.failures
        if self.progress:
            elapsed = time.perf_counter() - self.start
            left = elapsed / done * (total - done) if done else 0.0
            eta = f", about {format_duration(left)} left" if done < total else ""
            failed = f", {failures} with errors" if failures else ""
            self.progress(f"{done} of {total} submissions run{failed}{eta}")

    def _result(self, student: str) -> tuple[dict[str, Any] | None, str | None]:
        """The worker's whole result for ``student`` (waited for within the run's time bound), or None and why not."""
        if self.current != student:  # nbgrader records each student once, one after another
            if self.current is not None:
                self.futures.pop(self.current, None)
            self.current = student
        fut = self.futures.get(student)
        if fut is None:
            return None, "it was not sent to a worker"
        marker = started_marker(self.workdir, student)
        try:
            while True:
                # (a future the pool has only queued for a worker also says it is running: the
                # worker's own mark, made as it starts the submission, is what tells that it was)
                started = self._started(student, marker)
                if started is not None:
                    left = started + self.per_submission - time.monotonic()
                else:
                    left = self.deadline - time.monotonic()
                try:
                    r = fut.result(timeout=max(0.0, min(left, _POLL)))
                    break
                except concurrent.futures.TimeoutError:
                    if left > _POLL:
                        continue
                    if started is not None:
                        return None, _HUNG
                    if os.path.exists(marker):
                        continue  # started just now: its own bound applies
                    fut.cancel()
                    return None, _NOT_STARTED
        except concurrent.futures.CancelledError:
            return None, _NOT_STARTED
        except BaseException as exc:  # noqa: BLE001 - a worker process that died
            return None, f"its worker stopped ({type(exc).__name__})"
        if r["error"]:
            return None, "its worker met an error: " + r["error"].strip().splitlines()[-1]
        return r, None

    def _started(self, student: str, marker: str) -> float | None:
        """When a worker started ``student`` (``time.monotonic()``, as its mark says; if the mark
        cannot be read, when this process first saw it), or None if no worker has."""
        if student in self.seen_started:
            return self.seen_started[student]
        try:
            with open(marker, encoding="utf-8") as fh:
                text = fh.read(64)
        except OSError:
            return None
        try:
            when = min(float(text), time.monotonic())
        except ValueError:
            when = time.monotonic()
        self.seen_started[student] = when
        return when

    def sanitized(self, student: str, notebook_id: str) -> dict[str, Any] | None:
        """What the worker's sanitising pass wrote for this notebook, or None (Execute says why)."""
        r, why = self._result(student)
        _fail_if_hung(student, why)
        return (r or {}).get("sanitized", {}).get(notebook_id)

    def wait(self, student: str) -> tuple[dict[str, Any] | None, str | None]:
        """The worker's outcomes for ``student``, or None and why not."""
        r, why = self._result(student)
        _fail_if_hung(student, why)
        return (r["outcomes"], None) if r is not None else (None, why)


def _fail_if_hung(student: str, why: str | None) -> None:
    if why == _HUNG:
        raise WorkerHung(
            f"coplearn autograde: {log_safe(student)} not graded: {why}, so it is not run again here (it would hold "
            f"up everyone after it). A submission can be made to slow grading down on purpose: open it and look "
            f"before grading it on its own (--student).")


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
        if record is None or record["fingerprint"] != fingerprint(nb):
            if board is not None:
                reason = why or ("the notebook differs from the one the worker ran" if record else "no parallel run")
                self.log.warning("coplearn autograde: running %s for %s here, one at a time: %s",
                                 notebook_id, student, reason)
            type(self).counts["executed_here"] += 1
            return super().preprocess(nb, resources, km)
        type(self).counts["replayed"] += 1
        for level, message in record.get("log", ()):  # what the worker's run of it said (red team 25 F1)
            self.log.log(level, "%s", message)
        if record.get("stopped"):
            CUT_SHORT.setdefault(student, []).append(record["stopped"])
        if record["error"]:
            name, message, tb = record["error"]
            raise ParallelExecutionError(f"{name}: {message}\n(raised while executing in a parallel worker)\n{tb}")
        return record["executed"], resources  # the worker's executed notebook, as serial Execute returns it


class _InlineExecuteMixin:
    """One job (``inline``): nbgrader's Execute in the main process itself, in one sandboxed kernel kept
    from one notebook to the next exactly as a worker keeps its own (reset and checked before each).
    The kernel may write only in a private folder (``root``, inside the hidden work folder): each
    notebook runs in a copy of the student's grading folder there (the regular files nbgrader put
    there, which the course's hook has already pruned), removed once it has run, so the kernel never
    sees another student's folder. What the run writes in that folder is not kept, as with a worker."""

    root: str = ""
    counts: dict[str, int] = {}
    timings: list[StudentTiming] = []
    progress: Callable[[str], None] | None = None
    total: int = 0

    def _kept_root(self) -> Path:
        return Path(type(self).root)

    def preprocess(self, nb: Any, resources: Any = None, km: Any = None) -> Any:
        from coplearn.grading.kept_kernel import last_outcome

        nbg, meta = resources["nbgrader"], resources.setdefault("metadata", {})
        student, notebook_id = nbg["student"], nbg["notebook"]
        real = meta.get("path")
        if not real or not os.path.isabs(real):  # (nbgrader always gives the grading folder's full path)
            raise RuntimeError(f"coplearn autograde: no grading folder was given for {log_safe(notebook_id)} of {log_safe(student)}")
        place = Path(type(self).root) / hashlib.sha256(student.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        here = place / os.path.basename(os.path.normpath(real))
        last_outcome(notebook_id)  # (forget the last student's: this one's, or none, is read below)
        t0 = time.perf_counter()
        try:
            _copy_regular_files(Path(real), here)  # (inside: a copy that fails part way is removed below too)
            meta["path"] = str(here)
            type(self).counts["kept_here"] = type(self).counts.get("kept_here", 0) + 1
            return super().preprocess(nb, resources, km)  # type: ignore[misc]
        finally:
            meta["path"] = real
            shutil.rmtree(place, ignore_errors=True)
            outcome = last_outcome(notebook_id) or {}
            type(self).timings.append(StudentTiming(
                student=student, seconds=time.perf_counter() - t0, kernel_wait=outcome.get("kernel_wait", 0.0),
                notebooks=1, warm=1 if outcome.get("warm") else 0))
            if type(self).progress:
                done = len({t.student for t in type(self).timings})
                type(self).progress(f"{done} of {type(self).total} submissions run")


def _copy_regular_files(src: Path, dest: Path, depth: int = 0) -> None:
    """Copy the regular files and folders of ``src`` into ``dest`` (links and anything else are left out;
    a grading folder is shallow and small once the course's hook has pruned it)."""
    dest.mkdir(parents=True, exist_ok=True)
    if depth > 20:
        return
    with os.scandir(src) as entries:
        for entry in entries:
            if entry.is_symlink():
                continue
            if entry.is_file(follow_symlinks=False):
                shutil.copyfile(entry.path, dest / entry.name)
            elif entry.is_dir(follow_symlinks=False):
                _copy_regular_files(Path(entry.path), dest / entry.name, depth + 1)


@functools.cache
def _replaying_exporter() -> type:
    from nbconvert.exporters import NotebookExporter

    class ReplayingNotebookExporter(NotebookExporter):
        """nbgrader's exporter in the main process. In the sanitising pass, when the worker read the
        very same submission (notebook and answers file, by fingerprint), its output is written instead
        of doing the same steps again, and its warnings are logged here; otherwise nbgrader's steps run."""

        board: _Board | None = None
        counts: dict[str, int] = {}
        _replay: str | None = None

        def from_filename(self, filename: str, resources: Any = None, **kw: Any) -> Any:
            conv = self.parent
            if self.board is not None and getattr(conv, "_sanitizing", False) and resources:
                nbg = resources.get("nbgrader", {})
                record = self.board.sanitized(nbg.get("student", ""), nbg.get("notebook", ""))
                if record is not None and record["input"] == input_fingerprint(filename):
                    for level, message in record["log"]:
                        self.log.log(level, "%s", message)
                    self.counts["sanitized_replayed"] = self.counts.get("sanitized_replayed", 0) + 1
                    self._replay = record["output"]
                    try:
                        return super().from_filename(filename, resources, **kw)  # its resources, as nbconvert sets them
                    finally:
                        self._replay = None
            return super().from_filename(filename, resources, **kw)

        def from_file(self, file_stream: Any, resources: Any = None, **kw: Any) -> Any:
            if self._replay is None:
                return super().from_file(file_stream, resources, **kw)
            resources = self._init_resources(resources)
            resources["output_suffix"] = ".nbconvert"
            return self._replay, resources

    return ReplayingNotebookExporter


class ParallelExecutionError(RuntimeError):
    """The error nbgrader's Execute raised in a worker, raised again where nbgrader handles it."""


def _submitted_pattern(cd: Any) -> str:
    """nbgrader's pattern for a submitted folder, from which it reads the student and assignment."""
    return cd.format_path(cd.submitted_directory, "(?P<student_id>.*)", "(?P<assignment_id>.*)", escape=True)


def _unmatched(app: Any, assignment: str) -> list[str]:
    """The students whose submitted folder for the assignment nbgrader cannot read a student id
    from (a name holding a line break): nbgrader leaves them out, with a line each
    (:func:`coplearn.grading.submission.skip_unmatched_folders`), and the summary names them."""
    import glob
    import re

    cd = app.coursedir
    regexp = _submitted_pattern(cd)
    return [os.path.basename(os.path.dirname(folder))
            for folder in sorted(glob.glob(cd.format_path(cd.submitted_directory, cd.student_id or "*", assignment)))
            if os.path.isdir(folder) and not re.match(regexp, folder)]


def _plan(app: Any) -> tuple[list[str], list[str], set[str], list[str]]:
    """The students nbgrader will autograde (in its order), the ones it will skip, those of the
    first whose notebooks no worker may run (nbgrader, in the main process, fails them alone),
    and those with a submitted folder in which nbgrader finds no notebook (a line says what it holds).

    A submitted folder holding links, special files, odd names, too many entries or a folder where the
    release has a data file (:func:`~coplearn.grading.submission.release_clashes`), or a student id
    that nbgrader would read as a pattern, is never given to a worker (which would copy the folder): nbgrader's
    own hook (:func:`coplearn.grading.submission.check_submission`) deals with it in the main
    process, as in serial grading. So is a submission whose ``timestamp.txt`` cannot be read
    (nbgrader fails that student alone)."""
    import re

    from nbgrader.converters import Autograde, NbGraderException

    from coplearn.grading.submission import (MAX_SUBMISSION_BYTES, apparent_size, odd_entries, release_clashes,
                                             shared_with_classmates, too_big_to_read, too_many_entries,
                                             unsafe_student_id)

    conv = Autograde(coursedir=app.coursedir, parent=app)
    cd = app.coursedir
    try:
        conv.init_notebooks()
    except NbGraderException:
        conv.assignments = {}
    no_notebook = _say_if_no_notebook(app, conv.assignments)
    if not conv.assignments:
        return [], [], set(), no_notebook
    regexp = _submitted_pattern(cd)
    excluded = set(cd.student_id_exclude.split(",")) if cd.student_id_exclude else set()
    todo, skip, main_only = [], [], set()
    for folder in sorted(conv.assignments):
        m = re.match(regexp, folder)
        if not m:
            continue
        student, assignment = m.group("student_id"), m.group("assignment_id")
        if student in excluded:
            continue
        notebooks = list(conv.assignments[folder])
        try:
            # everything check_submission looks at before nbgrader copies the folder (red team 11 F1: a worker
            # copied a sparse file's 3 GiB in full while the main process had already set its folder aside)
            odd = too_many_entries(folder) or apparent_size(folder) > MAX_SUBMISSION_BYTES or bool(odd_entries(folder)) \
                or bool(shared_with_classmates(folder)) or bool(release_clashes(folder)) \
                or any(too_big_to_read(n) for n in notebooks)
        except (OSError, RecursionError, ValueError):  # a folder that cannot be walked (1,000 levels deep...)
            odd = True  # check_submission fails that student alone, saying why
        if unsafe_student_id(student) or os.path.islink(folder) or os.path.islink(os.path.dirname(folder)) or odd:
            # nbgrader's hook (check_submission) deals with it, in the main process, in nbgrader's
            # order, exactly as in serial grading; no worker may copy the folder first
            todo.append(student)
            main_only.add(student)
            continue
        dest = cd.format_path(cd.autograded_directory, student, assignment)
        if cd.notebook_id == "*":
            missing = not os.path.exists(dest)
        else:
            missing = any(not os.path.exists(os.path.join(dest, os.path.basename(n))) for n in notebooks)
        try:
            new, old = cd.get_existing_timestamp(folder), cd.get_existing_timestamp(dest)
        except Exception:  # noqa: BLE001 - an unreadable timestamp.txt (the reader said why): nbgrader fails this student alone
            todo.append(student)
            main_only.add(student)
            continue
        if missing or conv.force or (new is not None and old is not None and new > old):
            todo.append(student)
        else:
            skip.append(student)
    return todo, skip, main_only, no_notebook


def _say_if_no_notebook(app: Any, listed: dict[str, list[str]]) -> list[str]:
    """One plain line for each submitted folder of this assignment in which nbgrader finds no notebook
    (it skips such a student without a word at the tutor's usual log level): what the folder holds
    instead, when that is a notebook saved as ``.IPYNB`` or put in a subfolder. Returns those students."""
    import glob

    from coplearn.grading.submission import notebooks_elsewhere

    cd = app.coursedir
    pattern = cd.format_path(cd.submitted_directory, cd.student_id, cd.assignment_id)
    excluded = set(cd.student_id_exclude.split(",")) if cd.student_id_exclude else set()
    source = cd.format_path(cd.source_directory, ".", cd.assignment_id)
    expected = sorted(os.path.basename(n) for n in glob.glob(os.path.join(source, "*.ipynb"))) or [
        cd.assignment_id + ".ipynb"]
    missing = []
    for folder in sorted(glob.glob(pattern)):
        student = os.path.basename(os.path.dirname(folder))
        if folder in listed or student in excluded or not os.path.isdir(folder) or os.path.islink(folder):
            continue
        missing.append(student)
        found = notebooks_elsewhere(folder)
        hint = (f"it holds {', '.join(repr(n) for n in found)}: if that is their work, name it "
                f"{' or '.join(expected)} (ending in lower-case .ipynb) directly in that folder, not in a subfolder, "
                "and grade again" if found else "it holds no notebook: ask the student to submit again")
        if not found and not os.access(folder, os.R_OK | os.X_OK):  # (red team 13: not "no notebook" when unreadable)
            hint = ("the folder cannot be read with your rights (an archive unpacked by hand can leave it so): make it "
                    "readable (chmod u+rx) and grade again")
        app.log.error("coplearn: %s: not graded: nbgrader finds no notebook in %s; %s.", log_safe(student),
                      log_safe(os.path.relpath(folder, cd.root)), log_safe(hint, 600))
    return missing


def _from_submissions(db_url: str, course: str, assignment: str, students: Sequence[str],
                      pick: Callable[[Any], Any], *, needs_due_date: bool = False) -> tuple[Any, ...]:
    """``(student, pick(submission))`` for each of ``students`` with a submission in the gradebook for which ``pick``
    gives something (``None``, ``False`` or ``0``: left out); ``()`` when the gradebook cannot be read (these are notes
    for the tutor, never a reason to fail the run), or, with ``needs_due_date``, when the assignment has no due date."""
    if not students:
        return ()
    from nbgrader.api import Gradebook, MissingEntry

    out = []
    try:
        with Gradebook(db_url, course) as gb:
            if needs_due_date and gb.find_assignment(assignment).duedate is None:
                return ()
            for student in students:
                try:
                    found = pick(gb.find_submission(assignment, student))
                except MissingEntry:
                    continue
                if found:
                    out.append((student, found))
    except Exception:  # noqa: BLE001 - a note for the tutor, never a reason to fail the run
        return ()
    return tuple(out)


def _holding_old_marks(db_url: str, course: str, assignment: str, students: Sequence[str]) -> tuple[str, ...]:
    """Of ``students`` (who failed this run), those with a submission in the gradebook that holds
    marks: nbgrader keeps an earlier grading's marks when grading again fails (red team 8)."""
    def marked(sub: Any) -> bool:
        return any(g.auto_score is not None or g.manual_score is not None for nb in sub.notebooks for g in nb.grades)

    return tuple(student for student, _ in _from_submissions(db_url, course, assignment, students, marked))


def _late(db_url: str, course: str, assignment: str, students: Sequence[str]) -> tuple[tuple[str, float], ...]:
    """Of ``students`` (graded this run), those whose submission came after the due date, with the seconds."""
    def seconds_late(sub: Any) -> float:
        return max(float(sub.total_seconds_late or 0.0), 0.0)

    return _from_submissions(db_url, course, assignment, students, seconds_late, needs_due_date=True)


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


def _only_errors_and_coplearn(record: Any) -> bool:
    """The log filter of a quiet run: errors, and coplearn's own warnings about a student's work
    (docs16 F14: ``-q`` hid "no answers.json came with the notebook ...", which costs marks)."""
    import logging

    if record.levelno >= logging.ERROR:
        return True
    try:
        return record.levelno >= logging.WARNING and record.getMessage().startswith("coplearn:")
    except Exception:  # noqa: BLE001 - a record that cannot be formatted: let logging report it
        return True


#: What a run's work folder holds to say whose it is (this machine's name and the run's process id).
_OWNER = ".owner"


def _work_folder(beside: str) -> str:
    """A new hidden work folder inside the course (which the grading sandbox hides), marked as this run's."""
    folder = tempfile.mkdtemp(prefix=".coplearn-autograde-", dir=beside)
    with open(os.path.join(folder, _OWNER), "w", encoding="utf-8") as fh:
        fh.write(f"{socket.gethostname()} {os.getpid()}")
    return folder


def _left_by_stopped_runs(beside: str) -> list[str]:
    """Remove, and return, the work folders of earlier runs that were stopped before they could tidy up
    (killed, or the server stopped): those whose run, on this machine, is no longer running; or, from
    before runs marked their folders, any more than a day old. Another run still at work is left alone."""
    import glob

    removed = []
    for folder in sorted(glob.glob(os.path.join(glob.escape(beside), ".coplearn-autograde-*"))):
        if not os.path.isdir(folder) or os.path.islink(folder):
            continue
        try:
            with open(os.path.join(folder, _OWNER), encoding="utf-8") as fh:
                host, _, pid = fh.read(300).partition(" ")
            stale = host == socket.gethostname() and pid.isdigit() and not _running(int(pid))
        except FileNotFoundError:
            try:
                stale = time.time() - os.stat(folder).st_mtime > 24 * 3600
            except OSError:
                stale = False
        except (OSError, ValueError):
            stale = False
        if stale:
            shutil.rmtree(folder, ignore_errors=True)
            if not os.path.exists(folder):
                removed.append(os.path.basename(folder))
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # (someone else's process: still running)
    return True


@contextlib.contextmanager
def _stopped_as_interrupted() -> Any:
    """While the block runs, a request to stop (SIGTERM: a hub stopping the server, ``timeout``, ``kill``)
    is handled as Ctrl+C is, so the run tidies up (its work folder, its workers and their kernels) before
    it ends, instead of leaving copies of graded notebooks in the course (red team 24 F2)."""
    import signal

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGTERM"):
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt("stopped (SIGTERM)")

    try:
        before = signal.signal(signal.SIGTERM, stop)
    except (ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def autograde_parallel(
    assignment: str,
    *,
    jobs: int | None = None,
    nbgrader_args: Sequence[str] = (),
    course_dir: str | os.PathLike[str] | None = None,
    prestart: bool = True,  # kept for old callers: kernels are now kept between notebooks instead
    progress: Callable[[str], None] | None = None,
    quiet: bool = False,
    inline: bool | None = None,
) -> GradeReport:
    """Autograde ``assignment`` for every submitted student, running ``jobs`` notebooks at once
    (by default as many as the cores and memory this process may use: :mod:`coplearn.grading.capacity`).

    ``nbgrader_args`` are passed to nbgrader as on its command line (``--student=ID``,
    ``--force``, ``--db=URL``, ``--Execute.timeout=60`` ...). The course is the current folder
    (where ``nbgrader_config.py`` is), or ``course_dir``. ``progress`` receives one line per
    finished submission. ``quiet`` keeps only errors and coplearn's own warnings (which say what
    happened to a student's work, and can cost marks) in the log. Returns a :class:`GradeReport`;
    nbgrader's own log goes to stderr.

    With one job (``inline``, by default when ``jobs`` is 1, given or by default) no worker process is started: the main
    process runs nbgrader's steps itself, one student after another, in one kept kernel
    (:class:`_InlineExecuteMixin`). That is what one job should cost: one core. A single worker beside
    the main process would do part of nbgrader's work twice (it prepares each submission as the main
    process does) to overlap the two, and so keeps more than one core busy; on a server held to one
    core (:mod:`coplearn.grading.capacity`) that is slower than doing the work once. ``inline=False``
    keeps a worker even for one job (the tests use it to reach the worker's path).
    """
    from coplearn.core.optional_modules import skip_slow_optional_modules

    skip_slow_optional_modules()  # before nbgrader is first imported, if it is not yet
    from nbgrader.apps.autogradeapp import AutogradeApp
    from nbgrader.converters import Autograde, NbGraderException

    if any(ch in assignment for ch in "*?["):
        raise ValueError(f"give one assignment's name, not a pattern ({assignment!r})")
    held = ""
    if not jobs:  # as many as the cores and memory this process may really use (a hub's server is held to a share)
        from coplearn.grading.capacity import capacity

        cap = capacity()
        jobs, held = cap.jobs, cap.reason()
    jobs = max(1, int(jobs))
    asked = jobs
    python_bin_on_path()  # nbgrader runs alembic from PATH when it creates a gradebook
    submission.bound_timestamp_reading()  # (the course's nbgrader_config.py does too; an older copy may not)
    submission.bound_due_date_reading()  # (likewise)
    submission.skip_unmatched_folders()  # (likewise)
    submission.guard_nbgrader_copy()  # (likewise)
    submission.said_timestamps().clear()  # each run says what it finds
    CUT_SHORT.clear()  # (likewise: whose notebooks this run could not run to their end)
    old_cwd = os.getcwd()
    if course_dir is not None:
        os.chdir(course_dir)
    t_start, cpu_start = time.perf_counter(), time.process_time()
    workdirs: list[str] = []
    pool: Any = None
    board: _Board | None = None
    hushed = contextlib.ExitStack()
    hushed.enter_context(quiet_gradebook_warnings())
    checksums: AsReleasedChecksums | None = None
    warned_filter = WarnedStudents()
    try:
        cwd = os.getcwd()
        argv = [assignment, *nbgrader_args]
        app = AutogradeApp()
        app.initialize(argv)
        submission.RUN_LOG = app.log  # check_submission's lines go to this run's log, as nbgrader's do
        if app.coursedir.assignment_id not in ("", assignment):
            raise ValueError("give the assignment once, not also with --assignment")
        app.coursedir.assignment_id = assignment
        cd = app.coursedir
        checksums = AsReleasedChecksums(released_checksums(Path(cd.format_path(cd.release_directory, ".", assignment))))
        app.log.addFilter(checksums)
        app.log.addFilter(warned_filter)
        if quiet:
            app.log.addFilter(_only_errors_and_coplearn)
        if held:
            app.log.info("coplearn autograde: grading %s (--jobs N to choose).", held)
        unmatched = _unmatched(app, assignment)
        todo, skipped, main_only, no_notebook = _plan(app)
        converter = Autograde(coursedir=app.coursedir, parent=app)
        pps = [resolve_step(p) for p in converter.autograde_preprocessors]
        i = execute_index(pps)
        execute_enabled = i >= 0 and app.config.get("Execute", {}).get("enabled", True) is not False
        to_workers = [s for s in todo if s not in main_only]
        jobs = min(jobs, len(to_workers)) if (to_workers and execute_enabled) else 0
        counts = {"replayed": 0, "executed_here": 0}
        inline = jobs == 1 and (asked == 1 if inline is None else inline)
        beside = os.path.dirname(os.path.normpath(os.path.abspath(cd.format_path(cd.autograded_directory, ".", "."))))
        for left in _left_by_stopped_runs(beside):
            app.log.warning("coplearn autograde: removed %s, the work folder of a run that was stopped before it "
                            "could tidy up (it held copies of graded notebooks).", log_safe(left))
        inline_timings: list[StudentTiming] = []
        if inline:
            # one job: nbgrader's steps here, in one kept kernel that may write only in a private folder
            # inside the hidden work folder (see _InlineExecuteMixin)
            workdirs = [_work_folder(beside)]
            root = Path(workdirs[0]) / "autograded"
            root.mkdir()
            pps[i] = type("Inline" + pps[i].__name__, (_InlineExecuteMixin, kept_execute_mixin(), pps[i]),
                          {"root": str(root), "counts": counts, "timings": inline_timings, "progress": progress,
                           "total": len(todo)})
            converter.autograde_preprocessors = pps
            if progress:
                progress(f"running {len(todo)} submission{'s' if len(todo) != 1 else ''} one at a time, in one kept kernel")
        elif jobs:
            # The workers' files live in a hidden folder beside the course's autograded/ folder,
            # inside the course, which the grading sandbox hides (coplearn.grading.autograde).
            workdirs = [_work_folder(beside)]
            snapshot = snapshot_gradebook(cd.db_url, Path(workdirs[0]) / ".snapshot.db")
            # fork on Linux: cheap (nbgrader is already imported); no threads of ours run yet.
            ctx = mp.get_context("fork") if sys.platform.startswith("linux") else mp.get_context("spawn")
            pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=jobs, mp_context=ctx, initializer=worker_init,
                initargs=(cwd, _without_selection(argv), str(snapshot), workdirs[0], dict(os.environ)))
            futures = {student: pool.submit(worker_grade, student) for student in to_workers}
            timeout = int(app.config.get("SandboxedExecute", {}).get("notebook_timeout", 180) or 180)
            rounds = -(-len(to_workers) // jobs)
            deadline = time.monotonic() + DEADLINE_BASE + rounds * (timeout + DEADLINE_PER_ROUND)  # no hung worker can hold the run
            source = Path(cd.format_path(cd.source_directory, ".", assignment))
            notebooks = len(list(source.glob("*.ipynb"))) if source.is_dir() else 1
            board = _Board(futures, deadline, progress, workdirs[0],
                           per_submission=DEADLINE_BASE + max(1, notebooks) * (timeout + RESET_TIMEOUT))
            pps[i] = type("Replay" + pps[i].__name__, (_ReplayExecuteMixin, pps[i]),
                          {"board": board, "counts": counts})
            converter.autograde_preprocessors = pps
            from nbconvert.exporters import NotebookExporter

            if converter.exporter_class is NotebookExporter:  # nbgrader's own, not a tutor's
                converter.exporter_class = type("Replaying", (_replaying_exporter(),), {"board": board, "counts": counts})
        elif progress and todo:
            progress(f"running {len(todo)} submission{'s' if len(todo) != 1 else ''} one at a time")
        try:
            # the assignment cannot change during the run: read its cells once, and keep nbgrader's
            # compiled queries from one gradebook to the next (coplearn.grading.gradebook)
            with caching_gradebook(), sharing_engines(), _stopped_as_interrupted():
                converter.start()
        except NbGraderException:
            pass  # nbgrader has logged which students failed; we report them below
        if inline and progress and todo:  # (a student who failed before running is not in the running count)
            progress(f"{len(todo)} of {len(todo)} submissions done")
        seconds = time.perf_counter() - t_start
        graded, failed = [], list(unmatched)
        for student in todo:
            dest = cd.format_path(cd.autograded_directory, student, assignment)
            (graded if os.path.isdir(dest) else failed).append(student)
        stale = _holding_old_marks(cd.db_url, cd.course_id, assignment, failed)
        late = _late(cd.db_url, cd.course_id, assignment, graded)
        no_time = tuple(s for s, _ in _from_submissions(cd.db_url, cd.course_id, assignment, graded,
                                                        lambda sub: sub.timestamp is None, needs_due_date=True))
        warned = tuple(sorted(warned_filter.about(graded).items()))
        return GradeReport(
            assignment=assignment, graded=tuple(graded), failed=tuple(failed), skipped=tuple(skipped),
            seconds=seconds, jobs=jobs, replayed=counts["replayed"], executed_here=counts["executed_here"],
            timings=tuple(sorted(board.timings if board else _per_student(inline_timings), key=lambda t: t.student)),
            sanitized_replayed=counts.get("sanitized_replayed", 0), main_cpu=time.process_time() - cpu_start,
            no_notebook=tuple(no_notebook), stale=stale, checksum_lines_left_out=checksums.left_out,
            kept_here=counts.get("kept_here", 0),
            cut_short=tuple(sorted((st, "; ".join(why)) for st, why in CUT_SHORT.items() if st in graded)), late=late,
            no_time=no_time, warned=warned,
        )
    finally:
        submission.RUN_LOG = None
        if checksums is not None:
            app.log.removeFilter(checksums)
            app.log.removeFilter(warned_filter)
            app.log.removeFilter(_only_errors_and_coplearn)
        hushed.close()
        if pool is not None:
            processes = list(getattr(pool, "_processes", {}).values())  # to stop any that hang
            pool.shutdown(wait=False, cancel_futures=True)
            for p in processes:
                p.join(timeout=10)
                if p.is_alive():
                    p.kill()
                    p.join(timeout=5)
        close_kept_kernel()  # (one job: this process's own; with workers, it never started one)
        for folder in workdirs:
            shutil.rmtree(folder, ignore_errors=True)
        os.chdir(old_cwd)
