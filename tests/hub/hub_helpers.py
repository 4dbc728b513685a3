"""Helpers for the deployment tests: temporary courses, cohorts of submissions, nbgrader runs.

A course here is a temporary folder laid out like the repo (``nbgrader_config.py``,
``solutions/`` as nbgrader's source, ``exercises/`` as its release) with its own gradebook.
The assignment is the real ``solutions/a1-learning-cultures`` when it exists, else a tiny
generated one (``t1``) so that these tests can run before the graded exercises are written.

A cohort is built from the assignment itself, with no knowledge of its questions:
``correct`` fills every autograded answer cell with the source (solution) version,
``partial`` fills the first half of them, ``blank`` is the release version unchanged, and the
broken kinds add an infinite loop, a kernel that dies, or replace the file with text that is
not JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PY = sys.executable
REAL_ASSIGNMENT = "a1-learning-cultures"
TINY_ASSIGNMENT = "t1"

#: The config each temporary course uses. The course root is the folder the file is in, as in
#: the repo's own nbgrader_config.py; the repo's config is loaded first so that its timeouts
#: and output limits apply, then paths are pointed at the temporary course.
COURSE_CONFIG = '''\
import os
from pathlib import Path
c = get_config()  # noqa: F821
_repo_config = {repo_config!r}
if os.path.exists(_repo_config):
    load_subconfig(_repo_config)  # noqa: F821
HERE = Path(__file__).resolve().parent
c.CourseDirectory.root = str(HERE)
c.CourseDirectory.course_id = os.environ.get("COPLEARN_COURSE_ID", "coplearn")
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
{extra}
'''


def _cell(cell_type: str, source: str, **nbgrader: object) -> dict:
    cell: dict = {"cell_type": cell_type, "metadata": {}, "source": source}
    if cell_type == "code":
        cell.update(execution_count=None, outputs=[])
    if nbgrader:
        meta = {"schema_version": 3, "solution": False, "grade": False, "locked": False, "task": False}
        meta.update(nbgrader)
        cell["metadata"]["nbgrader"] = meta
    return cell


def tiny_notebook() -> dict:
    """A small nbgrader source notebook: two autograded questions (2 + 3 points), one written answer."""
    cells = [
        _cell("markdown", "# Practice exercise\n\nAnswer the questions below.", grade_id="intro", locked=True),
        _cell("code", "import coplearn as cl", grade_id="setup", locked=True),
        _cell("markdown", "**Q1.** Which learning culture has Investors in People as its exemplar?",
              grade_id="q1-text", locked=True),
        _cell("code", '### BEGIN SOLUTION\nanswer = "managed"\n### END SOLUTION',
              grade_id="q1-answer", solution=True),
        _cell("code", 'assert answer in {"professional", "managed", "humanistic", "democratic"}, '
                      '"Choose one of the four learning cultures."\n'
                      '### BEGIN HIDDEN TESTS\n'
                      'assert cl.get_culture(answer).exemplar.startswith("Investors"), "Look again at Table 1."\n'
                      '### END HIDDEN TESTS',
              grade_id="q1-test", grade=True, locked=True, points=2),
        _cell("markdown", "**Q2.** Write `band(score)` that returns 'pass' for 40 or more, else 'refer'.",
              grade_id="q2-text", locked=True),
        _cell("code", "def band(score):\n    ### BEGIN SOLUTION\n    return 'pass' if score >= 40 else 'refer'\n"
                      "    ### END SOLUTION",
              grade_id="q2-answer", solution=True),
        _cell("code", "assert band(40) in ('pass', 'refer')\n### BEGIN HIDDEN TESTS\n"
                      "assert band(40) == 'pass' and band(39) == 'refer', 'The pass mark is 40.'\n"
                      "### END HIDDEN TESTS",
              grade_id="q2-test", grade=True, locked=True, points=3),
        _cell("markdown", "**Q3.** In two sentences, how would you start a community of practice?",
              grade_id="q3-text", locked=True),
        _cell("markdown", "YOUR ANSWER HERE", grade_id="q3-answer", solution=True, grade=True, points=2),
    ]
    return {
        "cells": cells,
        "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
                     "language_info": {"name": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }


def nbgrader(course: Path, *args: str, env: dict | None = None, check: bool = True,
             timeout: float = 600) -> subprocess.CompletedProcess:
    """Run ``nbgrader ARGS`` in ``course`` with the venv's Python; return the completed process."""
    proc = subprocess.run([PY, "-m", "nbgrader", *args], cwd=course, env=env or _env(),
                          capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"nbgrader {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def _env() -> dict:
    env = dict(os.environ)
    env.pop("JUPYTERHUB_USER", None)
    # nbgrader runs `alembic` from PATH when it creates a gradebook
    env["PATH"] = os.pathsep.join([str(Path(PY).parent), env.get("PATH", "")])
    env.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    return env


def use_real_assignment() -> bool:
    """True when the repo's graded exercise a1 exists (then tests use it, not the tiny one)."""
    return (REPO / "solutions" / REAL_ASSIGNMENT).is_dir() and os.environ.get("COPLEARN_TEST_TINY") != "1"


def make_course(root: Path, *, extra_config: str = "", assignment: str | None = None) -> str:
    """Create a course in ``root`` with one assignment released to its gradebook; return its name."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "nbgrader_config.py").write_text(
        COURSE_CONFIG.format(repo_config=str(REPO / "nbgrader_config.py"), extra=extra_config))
    if assignment is None:
        assignment = REAL_ASSIGNMENT if use_real_assignment() else TINY_ASSIGNMENT
    if assignment == TINY_ASSIGNMENT:
        src = root / "solutions" / assignment
        src.mkdir(parents=True)
        (src / f"{assignment}.ipynb").write_text(json.dumps(tiny_notebook(), indent=1))
    else:
        shutil.copytree(REPO / "solutions" / assignment, root / "solutions" / assignment,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    nbgrader(root, "generate_assignment", assignment, "--force")
    return assignment


def answer_cells(nb: dict) -> list[int]:
    """Indexes of autograded answer cells (nbgrader solution cells that are not graded themselves)."""
    out = []
    for i, cell in enumerate(nb["cells"]):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] == "code" and meta.get("solution") and not meta.get("grade"):
            out.append(i)
    return out


def _fill(release: dict, source: dict, indexes: list[int]) -> dict:
    by_id = {c["metadata"]["nbgrader"]["grade_id"]: c for c in source["cells"]
             if "nbgrader" in c.get("metadata", {})}
    nb = json.loads(json.dumps(release))
    for i in indexes:
        gid = nb["cells"][i]["metadata"]["nbgrader"]["grade_id"]
        source = by_id[gid]["source"]
        source = "".join(source) if isinstance(source, list) else source
        # What a student who typed the right answer submits: the solution without nbgrader's markers
        # (an answer cell that still carries them is the tutor's source notebook, and is not marked).
        nb["cells"][i]["source"] = "\n".join(line for line in source.splitlines()
                                             if not re.match(r"\s*#+\s*(BEGIN|END) SOLUTION\b", line))
    return nb


COHORT_KINDS = ("correct", "partial", "blank", "loop", "crash", "notjson",
                "stubborn", "flood", "monkey", "reader", "deleted", "edited")

#: What the broken and hostile kinds of submission run (as in tests/nbgrader/test_hostile.py).
HOSTILE_CODE = {
    "loop": "while True:\n    pass",
    "crash": "import os\nos._exit(1)",
    "stubborn": "while True:\n    try:\n        while True:\n            pass\n    except KeyboardInterrupt:\n        pass",
    "flood": 'for i in range(100_000):\n    print("flood " * 100)',
    "monkey": "import builtins\nbuiltins.AssertionError = Warning\nbuiltins.isinstance = lambda *a: True",
    "reader": 'secret = open("../../../gradebook.db", "rb").read(100)\nprint(secret)',
}


def answer_notebook(release: dict, source: dict, kind: str, marker: str | None = None) -> dict:
    """The release notebook answered as a student of this ``kind`` would (not ``notjson``).

    ``marker`` (a text unique to the student) is written into their first written answer, or
    as a comment in their first code answer, so their feedback can be told from anyone else's.
    """
    answers = answer_cells(release)
    if kind == "correct":
        nb = _fill(release, source, answers)
    elif kind == "partial":
        nb = _fill(release, source, answers[: max(1, len(answers) // 2)])
    elif kind == "blank":
        nb = json.loads(json.dumps(release))
    elif kind in ("loop", "crash", "stubborn"):
        nb = _fill(release, source, answers)
        nb["cells"][answers[0]]["source"] = HOSTILE_CODE[kind]
    elif kind in ("flood", "monkey", "reader"):
        # a cell of the student's own, added after their first answer (flood) or at the top (others)
        nb = _fill(release, source, answers) if kind == "flood" else json.loads(json.dumps(release))
        at = answers[0] + 1 if kind == "flood" else 1
        nb["cells"].insert(at, {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                                "source": HOSTILE_CODE[kind]})
    elif kind in ("deleted", "edited"):
        nb = _fill(release, source, answers)
        tests = [c for c in nb["cells"] if c["cell_type"] == "code"
                 and c.get("metadata", {}).get("nbgrader", {}).get("grade")]
        if kind == "deleted":
            nb["cells"] = [c for c in nb["cells"] if c not in tests]
        for cell in tests if kind == "edited" else []:
            cell["source"] = "pass"
            cell["metadata"]["nbgrader"]["points"] = 100
    else:
        raise ValueError(f"unknown submission kind {kind!r}; choose one of {COHORT_KINDS}")
    if marker:
        written = [c for c in nb["cells"] if c["cell_type"] == "markdown"
                   and c.get("metadata", {}).get("nbgrader", {}).get("solution")]
        if written:
            written[0]["source"] = f"My reflection ({marker}): I would start by asking the team what they want to learn."
        else:
            cell = nb["cells"][answers[0]]
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            cell["source"] = f"# answered by {marker}\n" + text
    return nb


def submission_notebooks(course: Path, assignment: str, kind: str) -> dict[str, str]:
    """The notebook texts (by file name) a student of this ``kind`` submits."""
    out = {}
    for rel in sorted((course / "exercises" / assignment).glob("*.ipynb")):
        if kind == "notjson":
            out[rel.name] = "this is not a notebook {"
            continue
        release = json.loads(rel.read_text())
        source = json.loads((course / "solutions" / assignment / rel.name).read_text())
        out[rel.name] = json.dumps(answer_notebook(release, source, kind), indent=1)
    return out


def submit_cohort(course: Path, assignment: str, kinds: dict[str, str], *,
                  when: dt.datetime | None = None) -> None:
    """Place submissions straight into ``submitted/`` (as ``nbgrader collect`` leaves them)."""
    stamp = (when or dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.timezone.utc))
    for student, kind in kinds.items():
        dest = course / "submitted" / student / assignment
        dest.mkdir(parents=True, exist_ok=True)
        for name, text in submission_notebooks(course, assignment, kind).items():
            (dest / name).write_text(text)
        for extra in (course / "exercises" / assignment).iterdir():
            if extra.suffix != ".ipynb" and extra.is_file():
                shutil.copy(extra, dest / extra.name)
        (dest / "timestamp.txt").write_text(stamp.strftime("%Y-%m-%d %H:%M:%S.%f %Z"))


def gradebook_scores(course: Path, assignment: str, db_url: str | None = None) -> dict:
    """Everything autograding decides, per student: each grade cell's scores, and the totals."""
    from nbgrader.api import Gradebook, MissingEntry

    url = db_url or f"sqlite:///{course / 'gradebook.db'}"
    out: dict = {}
    with Gradebook(url, "coplearn") as gb:
        for student in sorted(s.id for s in gb.students):
            try:
                sub = gb.find_submission(assignment, student)
            except MissingEntry:
                continue
            cells = {}
            for nb in sub.notebooks:
                for grade in nb.grades:
                    cells[f"{nb.name}/{grade.name}"] = (grade.auto_score, grade.manual_score,
                                                      grade.needs_manual_grade, grade.max_score)
            out[student] = {"cells": cells, "score": sub.score, "code_score": sub.code_score,
                            "needs_manual_grade": sub.needs_manual_grade,
                            "timestamp": str(sub.timestamp), "late": sub.total_seconds_late}
    return out
