"""A real nbgrader course in a temporary folder, driven through nbgrader's Python API.

One course is shared by the nbgrader tests (generating the assignments is the slow part): a copy
of ``solutions/`` and ``nbgrader_config.py`` in ``<tmp>/course``, an exchange in ``<tmp>/exchange``,
and one home folder per student in ``<tmp>/students/<id>``. The tutor's side uses
``nbgrader.apps.NbGraderAPI`` (what formgrader uses); the student's side uses nbgrader's exchange
classes with the student's own configuration, as ``nbgrader fetch_assignment`` and
``nbgrader submit --student=<id>`` would. nbgrader takes the student id from the unix user
unless ``--student`` (``CourseDirectory.student_id``) is given; every simulated student here
submits under their own id, and collect's owner check is switched off because one unix user
plays them all.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import uuid
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENTS = (
    "a1-learning-cultures",
    "a2-leading-situationally",
    "a3-team-audit",
    "a4-supervision-and-involvement",
    "a5-leadership-plan",
)

def load_course_config(root: Path, exchange: Path, **extra: Any) -> Any:
    """The course's own nbgrader_config.py, pointed at ``root`` and ``exchange``."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    saved = os.environ.get("COPLEARN_PROTECTED_PATHS")
    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    if saved is None:  # the config file adds to this variable; keep the test process clean
        os.environ.pop("COPLEARN_PROTECTED_PATHS", None)
    else:
        os.environ["COPLEARN_PROTECTED_PATHS"] = saved
    more = Config()
    more.CourseDirectory.root = str(root)
    more.CourseDirectory.course_id = "coplearn"
    more.Exchange.root = str(exchange)
    more.ExchangeCollect.check_owner = False
    for dotted, value in extra.items():
        section, name = dotted.split("__")
        setattr(getattr(more, section), name, value)
    cfg.merge(more)
    return cfg


class Student:
    """A learner with their own folder, fetching and submitting through the exchange."""

    def __init__(self, course: "Course", student_id: str) -> None:
        self.course = course
        self.id = student_id
        self.home = course.tmp / "students" / student_id
        self.home.mkdir(parents=True, exist_ok=True)

    def _config(self) -> Any:
        from traitlets.config import Config

        cfg = Config()
        cfg.CourseDirectory.root = str(self.home)
        cfg.CourseDirectory.course_id = "coplearn"
        cfg.CourseDirectory.student_id = self.id
        cfg.Exchange.root = str(self.course.exchange)
        cfg.Exchange.cache = str(self.course.tmp / "cache")  # not the real ~/.local/share/jupyter
        return cfg

    def _run(self, kind: str, assignment: str) -> None:
        from nbgrader.auth import Authenticator
        from nbgrader.coursedir import CourseDirectory
        from nbgrader.exchange import ExchangeFactory

        cfg = self._config()
        coursedir = CourseDirectory(config=cfg)
        coursedir.assignment_id = assignment
        factory = ExchangeFactory(config=cfg)
        app = getattr(factory, kind)(coursedir=coursedir, authenticator=Authenticator(config=cfg), config=cfg)
        cwd = os.getcwd()
        os.chdir(self.home)  # fetch and submit work relative to where the student runs them
        try:
            app.start()
        finally:
            os.chdir(cwd)

    def fetch(self, assignment: str) -> Path:
        self._run("FetchAssignment", assignment)
        return self.home / assignment

    def submit(self, assignment: str) -> None:
        self._run("Submit", assignment)

    def folder(self, assignment: str) -> Path:
        return self.home / assignment

    def notebook_path(self, assignment: str) -> Path:
        return self.folder(assignment) / f"{assignment}.ipynb"

    def notebook(self, assignment: str) -> dict[str, Any]:
        return json.loads(self.notebook_path(assignment).read_text(encoding="utf-8"))

    def save_notebook(self, assignment: str, nb: Mapping[str, Any]) -> None:
        self.notebook_path(assignment).write_text(json.dumps(nb, indent=1), encoding="utf-8")

    def hand_in(self, assignment: str, change: Callable[[dict[str, Any]], None]) -> None:
        """Fetch ``assignment``, apply ``change`` to the notebook (in place), save it and submit."""
        self.fetch(assignment)
        nb = self.notebook(assignment)
        change(nb)
        self.save_notebook(assignment, nb)
        self.submit(assignment)

    def edit(self, assignment: str, cell_id: str, source: str) -> None:
        """Replace the source of the cell whose nbgrader grade_id (or cell id) is ``cell_id``."""
        nb = self.notebook(assignment)
        for cell in nb["cells"]:
            if cell["metadata"].get("nbgrader", {}).get("grade_id") == cell_id or cell.get("id") == cell_id:
                cell["source"] = source
                break
        else:
            raise KeyError(cell_id)
        self.save_notebook(assignment, nb)

    def run_all(self, assignment: str) -> dict[str, Any]:
        """Run the notebook top to bottom in a fresh kernel in the student's folder, as
        "Restart Kernel and Run All Cells" does in JupyterLab, and save it; return it."""
        import nbformat
        from nbclient import NotebookClient

        env_saved = os.environ.pop("NBGRADER_EXECUTION", None)
        try:
            nb = nbformat.read(str(self.notebook_path(assignment)), as_version=4)
            NotebookClient(nb, timeout=120, allow_errors=True, kernel_name="python3",
                           resources={"metadata": {"path": str(self.folder(assignment))}}).execute()
        finally:
            if env_saved is not None:
                os.environ["NBGRADER_EXECUTION"] = env_saved
        nbformat.write(nb, str(self.notebook_path(assignment)))
        return json.loads(self.notebook_path(assignment).read_text(encoding="utf-8"))

    def add_cell(self, assignment: str, after: str, source: str) -> None:
        """Add a new code cell of the student's own after the cell ``after``."""
        nb = self.notebook(assignment)
        index = next(i for i, c in enumerate(nb["cells"])
                     if c["metadata"].get("nbgrader", {}).get("grade_id") == after or c.get("id") == after)
        nb["cells"].insert(index + 1, {"cell_type": "code", "execution_count": None, "id": f"mine-{uuid.uuid4().hex[:8]}",
                                       "metadata": {}, "outputs": [], "source": source})
        self.save_notebook(assignment, nb)


#: Assignment 1's key and its right typed answers, for the hostile-submission tests.
A1 = "a1-learning-cultures"
A1_KEYS = {1: "managed", 2: "humanistic", 3: "professional", 4: "democratic", 5: "managed", 6: "professional",
           7: "humanistic", 8: "democratic", 9: "managed", 10: "professional", 11: "democratic", 12: "humanistic"}
A1_RIGHT_Q1 = "q1 = " + repr(A1_KEYS)
A1_RIGHT_Q2 = 'q2 = ["managed", "professional"]'
#: Shorter limits than the course's 30 s per cell and 180 s per notebook, for runs of many students.
FAST = {"Execute__timeout": 10, "SandboxedExecute__notebook_timeout": 90}


A1_GRADE_IDS = [f"q1-statement-{n:02d}" for n in A1_KEYS] + ["q2-first", "q2-second", "q3-task"]


def new_cell(kind: str, source: object, cid: str, **extra: object) -> dict[str, Any]:
    """A notebook cell as a student's edit would add it (code cells with no outputs)."""
    c: dict[str, Any] = {"cell_type": kind, "id": cid, "metadata": extra.pop("metadata", {}), "source": source}
    if kind == "code":
        c.update(execution_count=None, outputs=extra.pop("outputs", []))
    c.update(extra)
    return c


def grade_id(cell: Mapping[str, Any]) -> str | None:
    return cell["metadata"].get("nbgrader", {}).get("grade_id")


def index_of(nb: Mapping[str, Any], gid: str) -> int:
    return next(i for i, c in enumerate(nb["cells"]) if grade_id(c) == gid)


def set_source(nb: Mapping[str, Any], gid: str, source: object) -> None:
    nb["cells"][index_of(nb, gid)]["source"] = source


def formgrade_html(course: "Course", sid: str, assignment: str, *, course_config: bool = False) -> str:
    """A graded notebook as formgrader's page renders it (its ``formgrade`` template), with or
    without the course's nbgrader_config.py settings."""
    from nbconvert.exporters import HTMLExporter
    from nbgrader.server_extensions.formgrader import handlers
    from traitlets.config import Config

    cfg = load_course_config(course.root, course.exchange) if course_config else Config()
    cfg.HTMLExporter.template_name = "formgrade"
    cfg.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    resources = {"assignment_id": assignment, "notebook_id": assignment, "submission_id": "x", "index": 0, "total": 1,
                 "base_url": "", "student": sid, "last_name": None, "first_name": None, "notebook_path": "x"}
    path = course.root / "autograded" / sid / assignment / f"{assignment}.ipynb"
    html, _ = HTMLExporter(config=cfg).from_filename(str(path), resources=resources)
    return html


def stolen_ids(html: str, grade_ids: list[str]) -> list[str]:
    """Elements, other than formgrader's own score and comment boxes, whose id is a grade id (or its
    comment box's): formgrader finds each box by that id, so such an element would capture it."""
    import re

    out = []
    for gid in grade_ids:
        for name in (gid, f"{gid}-comment"):
            tags = re.findall(r'<[a-zA-Z][^>]*\bid="' + re.escape(name) + '"[^>]*>', html)
            out += [t for t in tags if not t.startswith(("<input", "<textarea"))]
    return out


class Course:
    """The tutor's side: a temporary course root with an exchange."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.root = tmp / "course"
        self.exchange = tmp / "exchange"
        self.root.mkdir(parents=True)
        self.exchange.mkdir()
        self.exchange.chmod(0o777)
        shutil.copy(REPO / "nbgrader_config.py", self.root)
        shutil.copytree(REPO / "solutions", self.root / "solutions",
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "answers.json", ".answers.json*"))
        self.students: dict[str, Student] = {}

    def api(self, **extra: Any) -> Any:
        from nbgrader.apps import NbGraderAPI

        return NbGraderAPI(config=load_course_config(self.root, self.exchange, **extra))

    def ok(self, result: Mapping[str, Any]) -> Mapping[str, Any]:
        assert result["success"], result.get("error") or result.get("log")
        return result

    def inbound(self, student_id: str, assignment: str) -> Path:
        """The one folder in the exchange's inbound that ``student_id`` submitted ``assignment`` as."""
        inbound = self.exchange / "coplearn" / "inbound"
        found = [p for p in inbound.iterdir() if p.name.startswith(f"{student_id}+{assignment}+")]
        assert len(found) == 1, found
        return found[0]

    def student(self, student_id: str) -> Student:
        if student_id not in self.students:
            self.students[student_id] = Student(self, student_id)
        return self.students[student_id]

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.root / 'gradebook.db'}"

    def gradebook(self) -> Any:
        from nbgrader.api import Gradebook

        return Gradebook(self.db_url, course_id="coplearn")

    def grades(self, assignment: str, student: str) -> dict[str, float | None]:
        """Autograded (or manual, if entered) points per grade cell for one submission."""
        with self.gradebook() as gb:
            sub = gb.find_submission(assignment, student)
            return {g.name: g.score for nb in sub.notebooks for g in nb.grades}

    def score(self, assignment: str, student: str) -> float:
        with self.gradebook() as gb:
            return float(gb.find_submission(assignment, student).score)

    def assert_score(self, assignment: str, student: str, score: float) -> None:
        """The student's total is ``score`` (a student nbgrader could not grade fails the test, named)."""
        import pytest

        try:
            got = self.score(assignment, student)
        except Exception as exc:  # noqa: BLE001
            pytest.fail(f"{student}: no score ({exc})")
        assert got == score, (student, got, self.grades(assignment, student))

    def autograded(self, assignment: str, student: str) -> dict[str, Any]:
        path = self.root / "autograded" / student / assignment / f"{assignment}.ipynb"
        return json.loads(path.read_text(encoding="utf-8"))

    def integrity(self) -> str:
        con = sqlite3.connect(self.root / "gradebook.db")
        try:
            return con.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            con.close()


def sources_in(path: Path) -> list[str]:
    """Each cell's source in the notebook file at ``path`` (a graded copy, say), as one string."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in cells]


def cell_by_id(nb: Mapping[str, Any], grade_id: str) -> dict[str, Any]:
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == grade_id or cell.get("id") == grade_id:
            return cell
    raise KeyError(grade_id)


def output_text(cell: Mapping[str, Any]) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append("".join(out["text"]) if isinstance(out["text"], list) else out["text"])
        elif out.get("output_type") == "error":
            parts.append(f"{out['ename']}: {out['evalue']}")
        elif "data" in out:
            text = out["data"].get("text/plain", "")
            parts.append("".join(text) if isinstance(text, list) else text)
    return "".join(parts)


# ---- submissions put in submitted/ by hand (shared by the hostile-submission tests) ---------------


def honest_a1(nb: dict[str, Any]) -> None:
    """Answer a1's typed questions rightly (40 points with the drop-downs left as released)."""
    set_source(nb, "q1-typed", A1_RIGHT_Q1)
    set_source(nb, "q2-typed", A1_RIGHT_Q2)


def graded_honest(course: "Course", sid: str) -> Path:
    """``sid`` hands in an honest a1, collected and autograded (40 points); their submitted folder."""
    course.student(sid).hand_in(A1, honest_a1)
    api = course.api(**FAST)
    course.ok(api.collect(A1))
    course.ok(api.autograde(A1, sid))
    assert course.score(A1, sid) == 40
    return course.root / "submitted" / sid / A1


def place_copy(course: "Course", source: Path, sid: str, assignment: str = A1) -> Path:
    """A copy of ``source`` put in ``submitted/SID/ASSIGNMENT`` by hand, as a tutor unpacking files would."""
    folder = course.root / "submitted" / sid / assignment
    shutil.copytree(source, folder)
    return folder


def forget_students(course: "Course", *sids: str) -> None:
    """Remove these students' submitted, autograded and feedback folders (the course is shared by the
    session: feedback left for a student placed by hand made a later release_feedback fail)."""
    for sid in sids:
        for kind in ("submitted", "autograded", "feedback"):
            shutil.rmtree(course.root / kind / sid, ignore_errors=True)


# ---- collect's check of the time a submission claims (SafeCollect._check_time) ------------------


def time_check(tmp_path: Path) -> tuple[Any, Path, Path, Any, list[str]]:
    """A collect, a submission folder in the exchange (``inbound``, one notebook), the folder collected
    from it (``submitted``, where its ``timestamp.txt`` goes), the exchange's time for it (UTC) and the
    list the collect's log lines are added to: what a test of ``_check_time`` needs."""
    import datetime
    import logging

    from coplearn.grading.exchange import SafeCollect, exchange_time

    src, dest = tmp_path / "inbound", tmp_path / "submitted"
    src.mkdir()
    dest.mkdir()
    (src / "x.ipynb").write_text("{}", encoding="utf-8")
    now = exchange_time(str(src)).astimezone(datetime.timezone.utc)
    collect = SafeCollect()
    seen: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: seen.append(record.getMessage())  # type: ignore[method-assign]
    collect.log.addHandler(handler)
    return collect, src, dest, now, seen


# ---- the learner's checks, run in this process ------------------------------------------------------

def ran_cell(source: str, cell: str | None, broken: bool = False) -> str:
    """What the learner's kernel prints after a cell runs (as IPython's post_run_cell event gives it to
    ``coplearn.grading.resolve``); ``broken``: the cell is one Python cannot read."""
    import io
    from contextlib import redirect_stdout
    from types import SimpleNamespace

    from coplearn.grading import resolve

    error = None
    if broken:
        try:
            compile(source, "<cell>", "exec")
        except SyntaxError as exc:
            error = exc
    with redirect_stdout(io.StringIO()) as said:
        resolve._after_cell(SimpleNamespace(info=SimpleNamespace(raw_cell=source, cell_id=cell),
                                            error_before_exec=error, error_in_exec=None))
    return said.getvalue()


@pytest.fixture
def fresh_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test starts as a fresh kernel does: the learner's checks keep what they saw in module-level registries,
    which other tests in the same worker may have filled (use with ``pytest.mark.usefixtures("fresh_checks")``)."""
    from coplearn.grading import resolve

    for name in ("_MARKED", "_HOW", "_UNREAD_LABELS", "_INSTEAD_LABELS", "_ITEMS", "_ITEMS_ASKED", "_GIVEN_IN",
                 "_GIVEN_BY", "_CHECKED", "_STRAY_AT"):
        monkeypatch.setattr(resolve, name, {})
    for name in ("_UNREAD", "_UNREAD_AT_GRADING"):
        monkeypatch.setattr(resolve, name, set())
    monkeypatch.setattr(resolve, "_TRACKING", False)  # (the checks read the namespace each test gives them)
