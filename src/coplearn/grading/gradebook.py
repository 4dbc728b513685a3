"""What the gradebook knows about an assignment, as the grading steps need it.

A cell counts as the course's own only when the gradebook knows it as a locked or test cell, so
the sanitising steps (:mod:`coplearn.grading.sanitise`) and the pruning step
(:mod:`coplearn.grading.submission`) read the notebook's cells from the gradebook, never from the
submission. Within one ``coplearn autograde`` run they are read once (:func:`caching_gradebook`).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["caching_gradebook", "sharing_engines", "course_id", "gradebook_cells", "log_safe", "nbgrader_meta", "preprocessor_base", "snapshot_gradebook"]


def nbgrader_meta(cell: Mapping[str, Any]) -> Mapping[str, Any]:
    """A cell's nbgrader metadata, or an empty mapping when it has none (or something else)."""
    meta = cell.get("metadata", {}).get("nbgrader")
    return meta if isinstance(meta, Mapping) else {}


def log_safe(text: object, limit: int = 300) -> str:
    """``text`` fit for one line of the tutor's log: no line breaks, escape codes or other
    control characters (a student's words cannot move the cursor or fake a log line)."""
    from coplearn.grading.answers import printable

    line = str(text)
    return printable(line[:limit]) + (" ..." if len(line) > limit else "")


#: Within one ``coplearn autograde`` run the assignment cannot change, so what the gradebook says
#: about its notebooks is read once per process (see :func:`caching_gradebook`). Outside such a run
#: (formgrader, ``nbgrader autograde``) it is read afresh every time, as a tutor may regenerate.
_GB_CACHE: dict[tuple, Any] | None = None


@contextlib.contextmanager
def caching_gradebook() -> Any:
    """Read each notebook's cells from the gradebook once while the block runs (one grading run)."""
    global _GB_CACHE
    saved, _GB_CACHE = _GB_CACHE, {}
    try:
        yield
    finally:
        _GB_CACHE = saved


@contextlib.contextmanager
def sharing_engines() -> Any:
    """While the block runs (one grading run), nbgrader's gradebooks for the same database share one
    SQLAlchemy engine.

    nbgrader opens a new ``Gradebook`` about nine times per submission, and each one creates a new
    engine, so SQLAlchemy compiles every query again each time (its statement cache belongs to the
    engine). Sharing the engine keeps the compiled queries; each gradebook still has its own
    session and transaction, and nbgrader's ``close()`` still returns its connection, so what is
    read and written is unchanged. The engines are disposed of when the block ends.

    Each new ``Gradebook`` also lists the database's tables, creates any that are missing and checks
    that the course is recorded: once this has been done for an engine in the run, it is not done
    again (nothing in a grading run drops a table or a course).
    """
    import nbgrader.api as api

    real = api.create_engine
    engines: dict[tuple[str, tuple[tuple[str, Any], ...]], Any] = {}

    def shared(url: Any, **kwargs: Any) -> Any:
        key = (str(url), tuple(sorted(kwargs.items())))
        if key not in engines:
            engines[key] = real(url, **kwargs)
        return engines[key]

    real_inspect, real_init = api.inspect, api.Gradebook.__init__
    real_check_course = api.Gradebook.check_course
    metadata = api.Base.metadata
    ready: set[int] = set()                 # engines whose tables exist
    courses: set[tuple[int, str]] = set()   # (engine, course) known to be recorded

    class _Known:
        def get_table_names(self) -> list[str]:
            return ["(tables exist)"]

    def inspect(obj: Any) -> Any:
        return _Known() if id(obj) in ready else real_inspect(obj)

    def create_all(bind: Any = None, **kwargs: Any) -> None:
        if id(bind) not in ready:
            type(metadata).create_all(metadata, bind=bind, **kwargs)

    def check_course(self: Any, course_id: str = "default_course", **kwargs: Any) -> Any:
        key = (id(self.engine), course_id)
        if key in courses and not kwargs:
            return None  # (nbgrader's Gradebook.__init__, its only caller, ignores the result)
        course = real_check_course(self, course_id=course_id, **kwargs)
        courses.add(key)
        return course

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        real_init(self, *args, **kwargs)
        ready.add(id(self.engine))

    api.create_engine = shared
    api.inspect = inspect
    metadata.create_all = create_all
    api.Gradebook.check_course = check_course
    api.Gradebook.__init__ = init
    try:
        yield
    finally:
        api.create_engine = real
        api.inspect = real_inspect
        del metadata.create_all
        api.Gradebook.check_course = real_check_course
        api.Gradebook.__init__ = real_init
        for engine in engines.values():
            with contextlib.suppress(Exception):
                engine.dispose()


def course_id(config: Any) -> str:
    """The course id in nbgrader's configuration, or ``""``."""
    try:
        value = config.CourseDirectory.course_id
    except (AttributeError, KeyError):
        value = ""
    return value if isinstance(value, str) else ""


def gradebook_cells(resources: Mapping[str, Any], course_id: str = "") -> tuple[dict[str, Any], set[str], set[str], set[str]]:
    """The notebook's cells as the gradebook knows them: {grade_id: source cell, with the cell's
    nbgrader metadata as the course made it}, the ids of grade cells and of solution cells, and
    the file names of the assignment's notebooks."""
    from nbgrader.api import Gradebook

    info = resources["nbgrader"]
    key = (info["db_url"], course_id, info["assignment"], info["notebook"])
    if _GB_CACHE is not None and key in _GB_CACHE:
        return _GB_CACHE[key]
    from nbgrader.nbgraderformat import SCHEMA_VERSION

    with Gradebook(info["db_url"], course_id) as gb:
        nb = gb.find_notebook(info["notebook"], info["assignment"])
        points = {c.name: float(c.max_score) for c in nb.grade_cells}
        task_points = {c.name: float(c.max_score) for c in nb.task_cells}
        solutions = {c.name for c in nb.solution_cells}
        cells = {}
        for c in nb.source_cells:
            # The cell's nbgrader metadata as the course made it: a submission's own copy is
            # replaced by this (see coplearn.grading.sanitise.ForgetUnknownCells).
            meta: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "grade_id": c.name, "grade": c.name in points,
                                    "solution": c.name in solutions, "locked": bool(c.locked),
                                    "task": c.name in task_points, "cell_type": c.cell_type}
            if c.name in points or c.name in task_points:
                meta["points"] = points.get(c.name, task_points.get(c.name))
            if c.checksum:
                meta["checksum"] = c.checksum
            cells[c.name] = {"cell_type": c.cell_type, "locked": bool(c.locked), "source": c.source, "nbgrader": meta}
        grades = set(points)
        notebooks = {f"{n.name}.ipynb" for n in gb.find_assignment(info["assignment"]).notebooks}
    found = (cells, grades, solutions, notebooks)
    if _GB_CACHE is not None:
        _GB_CACHE[key] = found
    return found


def preprocessor_base() -> type:
    """nbgrader's base class for its steps (imported only when a step is built)."""
    from nbgrader.preprocessors import NbGraderPreprocessor

    return NbGraderPreprocessor


def built_on_first_use(namespace: dict[str, Any], builders: Mapping[str, Callable[[], type]]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for the nbgrader steps: each class is built (subclassing nbgrader's)
    the first time it is asked for, after :func:`check_versions` has had its say, and then kept in
    the module. Importing a step's module therefore never imports nbgrader."""

    def __getattr__(name: str) -> Any:
        if name in builders:
            cls = builders[name]()
            namespace[name] = cls
            return cls
        raise AttributeError(f"module {namespace['__name__']!r} has no attribute {name!r}")

    return __getattr__


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
