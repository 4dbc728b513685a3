"""`coplearn autograde --jobs N` grades exactly as serial `nbgrader autograde` does.

One cohort (correct, partial, blank, an infinite loop, a kernel that dies, a file that is not
JSON, and a second correct one) is graded twice from the same starting point: once by nbgrader
alone, once by the parallel command. Everything nbgrader decides must be the same: every grade
cell's scores, the totals, who failed, the outputs students see, the feedback and the export.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import hub_helpers
from conftest import COHORT, FAST_TIMEOUT

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow, pytest.mark.timeout(900)]

COPLEARN = [sys.executable, "-m", "coplearn.cli"]


def coplearn(course: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*COPLEARN, *args], cwd=course, env=hub_helpers._env(),
                          capture_output=True, text=True, timeout=900)


def _normal_outputs(nb_path: Path) -> list:
    """Each code cell's outputs as a student sees them, without run-specific details."""
    nb = json.loads(nb_path.read_text())
    cells = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        outs = []
        for out in cell.get("outputs", []):
            if out["output_type"] == "stream":
                text = "".join(out["text"]) if isinstance(out["text"], list) else out["text"]
                if outs and outs[-1][0] == "stream" and outs[-1][1] == out["name"]:
                    # how a stream is split into messages depends on timing, not on the code
                    outs[-1] = ("stream", out["name"], outs[-1][2] + text)
                else:
                    outs.append(("stream", out["name"], text))
            elif out["output_type"] == "error":
                outs.append(("error", out["ename"], out["evalue"]))
            else:
                text = out.get("data", {}).get("text/plain", "")
                text = "".join(text) if isinstance(text, list) else text
                outs.append((out["output_type"], re.sub(r"0x[0-9a-f]+", "0x?", text)))
        cells.append((cell["metadata"].get("nbgrader", {}).get("grade_id"), outs))
    return cells


def failed_students(course: Path, assignment: str) -> set[str]:
    return {st for st in COHORT if not (course / "autograded" / st / assignment).is_dir()}


def _export(course: Path) -> list[dict]:
    hub_helpers.nbgrader(course, "export", "--to", "grades.csv")
    with open(course / "grades.csv", newline="") as fh:
        return sorted(csv.DictReader(fh), key=lambda r: (r["assignment"], r["student_id"]))


@pytest.fixture(scope="module")
def graded(cohort_course, tmp_path_factory):
    """The cohort graded serially by nbgrader and in parallel by coplearn, from identical copies."""
    import shutil

    src, assignment = cohort_course
    base = tmp_path_factory.mktemp("graded")
    serial, parallel = base / "serial", base / "parallel"
    shutil.copytree(src, serial)
    shutil.copytree(src, parallel)
    s = hub_helpers.nbgrader(serial, "autograde", assignment, check=False)
    p = coplearn(parallel, "autograde", assignment, "--jobs", "2")
    return assignment, serial, parallel, s, p


def test_grades_identical_to_serial_nbgrader(graded):
    assignment, serial, parallel, s, p = graded
    want = hub_helpers.gradebook_scores(serial, assignment)
    got = hub_helpers.gradebook_scores(parallel, assignment)
    assert set(want) == set(COHORT), s.stderr[-3000:]
    assert got == want, p.stderr[-3000:]
    # sanity: the cohort really spans the range the comparison is about
    assert want["ada"]["code_score"] > want["bea"]["code_score"] > want["cal"]["code_score"] == 0
    # broken and hostile submissions cost marks, never earn more (as in tests/nbgrader/test_hostile.py)
    for broken in ("dev", "eli", "hal", "jon", "kit"):
        assert want[broken]["code_score"] < want["ada"]["code_score"], broken
    assert want["max"]["code_score"] == want["ada"]["code_score"]  # edited tests are restored
    assert want["lee"]["code_score"] <= want["ada"]["code_score"]
    assert want["ivy"]["code_score"] == want["ada"]["code_score"]  # the flood is capped, answers still count


def test_same_students_fail_and_nbgrader_exit_status_kept(graded):
    assignment, serial, parallel, s, p = graded
    def failed(course: Path) -> set[str]:
        return {st for st in COHORT if not (course / "autograded" / st / assignment).is_dir()}
    # a notebook that is not JSON fails in nbgrader; what a dying kernel does depends on the
    # course's Execute (coplearn's SandboxedExecute marks the rest of the notebook not run)
    assert failed(serial) == failed(parallel)
    assert "fay" in failed(serial) and "ada" not in failed(serial)
    assert s.returncode == p.returncode == 1
    assert f"could not be graded: {', '.join(sorted(failed(serial)))}" in p.stdout


def test_outputs_students_see_are_the_same(graded):
    assignment, serial, parallel, s, p = graded
    compared = 0
    flood = "ivy"  # how much of a flood is kept before the cap depends on message timing, even serially
    for nb in sorted((serial / "autograded").glob(f"*/{assignment}/*.ipynb")):
        twin = parallel / nb.relative_to(serial)
        if nb.relative_to(serial).parts[1] == flood:
            assert ("output stopped" in twin.read_text()) == ("output stopped" in nb.read_text())
            continue
        assert _normal_outputs(twin) == _normal_outputs(nb), nb
        compared += 1
    per_student = len(list((serial / "solutions" / assignment).glob("*.ipynb")))
    assert compared == (len(COHORT) - 1 - len(failed_students(serial, assignment))) * per_student
    # the infinite loop was never run (answers are data), in both runs
    name = next((serial / "solutions" / assignment).glob("*.ipynb")).name
    for course in (serial, parallel):
        text = (course / "autograded" / "dev" / assignment / name).read_text(encoding="utf-8")
        assert "Not run by the course's autograder" in text and "while True" in text


def _warnings(stderr: str) -> list[str]:
    """The sanitising step's notes to the tutor ("cell N was not run ..."), in order, without the log prefix."""
    return sorted(re.sub(r"^.*?(coplearn: )", r"\1", ln) for ln in stderr.splitlines()
                  if re.search(r"coplearn: [a-z]+: ", ln))


def test_the_tutor_sees_the_same_warnings_as_in_serial_grading(graded):
    # the parallel run takes each sanitised notebook from its worker; the worker's warnings
    # must still reach the tutor's log, once each
    *_, s, p = graded
    want = _warnings(s.stderr)
    assert any("dev: cell" in w for w in want), s.stderr[-3000:]  # the loop's cell is reported as not run
    assert _warnings(p.stderr) == want


def test_the_tutors_terminal_holds_only_lines_about_the_grading(graded):
    """No grading kernel's start-up notice ("Ctrl-C will not work ... --existing kernel.json"), no
    SQLAlchemy session warnings from nbgrader's gradebook code, and no "checksum has changed" line
    for a locked cell left exactly as released: one sentence counts those. A locked cell a student
    did change is still reported (max edited every test cell)."""
    *_, s, p = graded
    assert "Ctrl-C will not work" not in p.stdout + p.stderr and "--existing" not in p.stdout + p.stderr
    assert "SAWarning" in s.stderr  # (serial nbgrader prints them: the comparison means something)
    assert "SAWarning" not in p.stderr
    changed = [ln for ln in p.stderr.splitlines() if "Attribute 'checksum' for cell" in ln]
    assert changed, p.stderr[-3000:]
    serial_changed = [ln for ln in s.stderr.splitlines() if "Attribute 'checksum' for cell" in ln]
    left_out = re.search(r"warning was left out for (\d+) locked cells that students left exactly as released", p.stdout)
    assert left_out, p.stdout
    assert int(left_out[1]) + len(changed) == len(serial_changed)
    # what is still shown is exactly what no release copy accounts for
    released = {}
    for nb in (graded[2] / "exercises" / graded[0]).glob("*.ipynb"):
        for cell in json.loads(nb.read_text())["cells"]:
            meta = cell["metadata"].get("nbgrader", {})
            if "checksum" in meta:
                released.setdefault(meta["grade_id"], set()).add(meta["checksum"])
    for ln in changed:
        cell, got = re.search(r"for cell (.+) has changed! \(should be: \w+, got: (\w+)\)", ln).groups()
        assert got not in released.get(cell, set()), ln


def test_progress_is_shown(graded):
    *_, p = graded
    lines = [ln for ln in p.stderr.splitlines() if ln.startswith("coplearn autograde:")]
    assert any(f"{len(COHORT)} of {len(COHORT)} submissions run" in ln for ln in lines), lines
    assert any("left" in ln for ln in lines)
    assert any("with errors" in ln for ln in lines)


def test_feedback_and_export_unchanged(graded):
    assignment, serial, parallel, s, p = graded
    assert _export(parallel) == _export(serial)
    # feedback is nbgrader's, from the gradebook and autograded/ the parallel run left
    hub_helpers.nbgrader(parallel, "generate_feedback", assignment)
    got = sorted({p.parts[-3] for p in (parallel / "feedback").rglob("*.html")})
    graded = sorted(set(COHORT) - failed_students(serial, assignment))
    assert got == graded


def test_regrading_skips_unless_forced(graded, course_copy):
    assignment, serial, parallel, s, p = graded
    again = coplearn(parallel, "autograde", assignment, "--jobs", "2", "--student", "ada")
    assert again.returncode == 0, again.stderr[-2000:]
    assert "already autograded" in again.stdout
    before = hub_helpers.gradebook_scores(parallel, assignment)["ada"]
    forced = coplearn(parallel, "autograde", assignment, "--jobs", "2", "--student", "ada", "--force")
    assert forced.returncode == 0, forced.stderr[-2000:]
    assert "Autograded 1 of 1" in forced.stdout
    assert hub_helpers.gradebook_scores(parallel, assignment)["ada"] == before


def test_clear_errors_for_bad_options(tmp_path):
    bad_jobs = coplearn(tmp_path, "autograde", "a1", "--jobs", "0")
    assert bad_jobs.returncode == 2 and "--jobs must be 1 or more" in bad_jobs.stderr
    bad_set = coplearn(tmp_path, "autograde", "a1", "--set", "timeout")
    assert bad_set.returncode != 0 and "CLASS.OPTION=VALUE" in bad_set.stderr
    nothing = coplearn(tmp_path, "autograde", "a1")
    assert nothing.returncode == 1 and "no submissions" in nothing.stderr


def test_workers_private_files_are_out_of_reach_of_the_grading_kernel(tmp_path):
    """The gradebook snapshots sit beside autograded/ inside the course: the sandbox hides the course."""
    import shutil

    from coplearn.grading.sandbox import bwrap_command, sandbox_status

    if not sandbox_status("auto")[0]:
        pytest.skip("no bubblewrap sandbox on this machine (test_sandbox.py says why)")
    course = tmp_path / "course"
    (course / "solutions").mkdir(parents=True)
    (course / "nbgrader_config.py").write_text("")
    mine = course / ".coplearn-autograde-abc" / "s1" / "a1"
    mine.mkdir(parents=True)
    (mine.parents[1] / ".gradebook.db").write_text("snapshot")
    other = course / ".coplearn-autograde-def"
    other.mkdir()
    (other / ".snapshot.db").write_text("snapshot")
    (mine / "answers.json").write_text("{}")
    private = tmp_path / "private"
    private.mkdir()
    code = (
        "import json\nout = {}\n"
        "for name, path in [('own folder', 'answers.json'), ('own snapshot', '../../.gradebook.db'),"
        " ('another worker', '../../../.coplearn-autograde-def/.snapshot.db')]:\n"
        "    try:\n        open(path).read(); out[name] = 'read'\n"
        "    except OSError:\n        out[name] = 'refused'\n"
        "print(json.dumps(out))\n")
    prefix = bwrap_command(shutil.which("bwrap"), mine, private, [str(course)])
    proc = subprocess.run(prefix + [sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"own folder": "read", "own snapshot": "refused", "another worker": "refused"}


def test_odd_folders_and_edited_metadata_grade_as_serial_and_cost_only_their_own_marks(tmp_path):
    """Found by a red-team read (3 December 2026): what a tutor might find in submitted/ after
    unpacking an archive by hand (a notebook that is a link to another student's, a folder whose
    name nbgrader reads as a pattern, a timestamp that is not a time) and a notebook whose own
    nbgrader metadata claims another schema. nbgrader stopped the whole run at the last; the plan
    of ``--jobs 2`` stopped at the bad timestamp; the link earned the other student's marks."""
    import shutil

    root = tmp_path / "course"
    assignment = hub_helpers.make_course(root, extra_config=FAST_TIMEOUT)
    hub_helpers.submit_cohort(root, assignment, {"ada": "correct", "cal": "blank", "sch": "correct", "zed": "correct"})
    sub = root / "submitted"
    for nb_path in (sub / "sch" / assignment).glob("*.ipynb"):
        nb = json.loads(nb_path.read_text())
        for cell in nb["cells"]:
            if "nbgrader" in cell.get("metadata", {}):
                cell["metadata"]["nbgrader"]["schema_version"] = 99
        nb_path.write_text(json.dumps(nb))
    for odd in ("lnk", "n*", "stm"):
        shutil.copytree(sub / "cal" / assignment, sub / odd / assignment)
    for nb_path in (sub / "lnk" / assignment).glob("*.ipynb"):
        nb_path.unlink()
        nb_path.symlink_to(sub / "ada" / assignment / nb_path.name)
    (sub / "stm" / assignment / "timestamp.txt").write_text("submitted on time, honest")
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    shutil.copytree(root, serial, symlinks=True)
    shutil.copytree(root, parallel, symlinks=True)
    s = hub_helpers.nbgrader(serial, "autograde", assignment, check=False)
    p = coplearn(parallel, "autograde", assignment, "--jobs", "2")
    want = hub_helpers.gradebook_scores(serial, assignment)
    got = hub_helpers.gradebook_scores(parallel, assignment)
    assert got == want, p.stderr[-3000:]
    for who in ("sch", "zed"):  # after every odd one, in nbgrader's order: graded as ada is
        assert want[who]["code_score"] == want["ada"]["code_score"] > 0, (who, s.stderr[-3000:])
    assert want["cal"]["code_score"] == 0
    assert want.get("lnk", {}).get("code_score", 0) == 0  # not ada's marks
    def failed(course: Path) -> set[str]:
        return {st for st in ("ada", "cal", "sch", "zed", "lnk", "n*", "stm")
                if not (course / "autograded" / st / assignment).is_dir()}
    assert failed(serial) == failed(parallel) == {"lnk", "n*", "stm"}
    assert s.returncode == p.returncode == 1
