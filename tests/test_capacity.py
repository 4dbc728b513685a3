"""`coplearn autograde`'s default number of jobs follows the cores and memory the process may really
use (coplearn.grading.capacity): a hub server held to 1 CPU and 1 GB on a 16-core node used to start
16 workers, each with a grading kernel. The system's files are faked in a folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from coplearn.grading.capacity import JOB_BYTES, MAIN_BYTES, Capacity, capacity

GB = 1024 ** 3


def _system(tmp_path: Path, cgroup: str, files: dict[str, str]) -> dict[str, Path]:
    proc = tmp_path / "proc"
    (proc / "self").mkdir(parents=True)
    (proc / "self" / "cgroup").write_text(cgroup)
    root = tmp_path / "cg"
    root.mkdir()
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n")
    return {"proc": proc, "cgroup_root": root}


def test_no_limits_means_every_core(tmp_path: Path) -> None:
    c = capacity(cores=16, machine_cores=16, **_system(tmp_path, "0::/\n", {"cpu.max": "max 100000", "memory.max": "max"}))
    assert (c.cpu_quota, c.memory_limit, c.jobs, c.reason()) == (None, None, 16, "")


def test_cgroup_v2_quota_and_memory(tmp_path: Path) -> None:
    c = capacity(cores=16, machine_cores=16,
                 **_system(tmp_path, "0::/\n", {"cpu.max": "100000 100000", "memory.max": str(GB)}))
    assert (c.cpu_quota, c.memory_limit, c.jobs) == (1, GB, 1)
    assert c.reason() == "1 at a time, as this server may use 1 of the machine's 16 cores"


def test_a_fraction_of_a_core_rounds_up_and_memory_can_hold_it_lower(tmp_path: Path) -> None:
    c = capacity(cores=16, machine_cores=16,
                 **_system(tmp_path, "0::/\n", {"cpu.max": "450000 100000", "memory.max": str(GB)}))
    assert c.cpu_quota == 5
    assert c.jobs == (GB - MAIN_BYTES) // JOB_BYTES == 3
    assert "5 of the machine's 16 cores" in c.reason() and "1.0 GB of memory" in c.reason()


def test_a_stricter_parent_group_holds_too(tmp_path: Path) -> None:
    c = capacity(cores=8, machine_cores=8, **_system(tmp_path, "0::/user/server\n", {
        "cpu.max": "200000 100000", "user/cpu.max": "max 100000", "user/server/cpu.max": "600000 100000"}))
    assert c.cpu_quota == 2 and c.jobs == 2


def test_cgroup_v1_with_the_host_path_not_mounted_in_the_container(tmp_path: Path) -> None:
    # inside a container /proc/self/cgroup names the host's hierarchy; the mount's root is the container's group
    c = capacity(cores=32, machine_cores=32, **_system(tmp_path, "4:memory:/kubepods/pod1/abc\n3:cpu,cpuacct:/kubepods/pod1/abc\n", {
        "cpu,cpuacct/cpu.cfs_quota_us": "200000", "cpu,cpuacct/cpu.cfs_period_us": "100000",
        "memory/memory.limit_in_bytes": str(2 * GB)}))
    assert (c.cpu_quota, c.memory_limit, c.jobs) == (2, 2 * GB, 2)


def test_cgroup_v1_without_limits(tmp_path: Path) -> None:
    c = capacity(cores=4, machine_cores=4, **_system(tmp_path, "4:memory:/\n3:cpu,cpuacct:/\n", {
        "cpu,cpuacct/cpu.cfs_quota_us": "-1", "cpu,cpuacct/cpu.cfs_period_us": "100000",
        "memory/memory.limit_in_bytes": "9223372036854771712"}))
    assert (c.cpu_quota, c.memory_limit, c.jobs) == (None, None, 4)


def test_affinity_below_the_quota_wins(tmp_path: Path) -> None:
    c = capacity(cores=2, machine_cores=16, **_system(tmp_path, "0::/\n", {"cpu.max": "800000 100000"}))
    assert c.jobs == 2 and c.reason() == "2 at a time, as this server may use 2 of the machine's 16 cores"


@pytest.mark.parametrize("files", [
    {"cpu.max": "lots 100000", "memory.max": "a lot"},
    {"cpu.max": "100000 0", "memory.max": "0"},
    {"cpu.max": "", "memory.max": "-5"},
    {},
])
def test_unreadable_or_odd_files_are_no_limit(tmp_path: Path, files: dict[str, str]) -> None:
    c = capacity(cores=3, machine_cores=3, **_system(tmp_path, "0::/\n", files))
    assert (c.cpu_quota, c.memory_limit, c.jobs) == (None, None, 3)


def test_no_cgroup_file_at_all(tmp_path: Path) -> None:  # macOS, Windows, or /proc not mounted
    c = capacity(cores=6, machine_cores=6, proc=tmp_path / "nowhere", cgroup_root=tmp_path / "none")
    assert c == Capacity(cores=6, machine_cores=6, cpu_quota=None, memory_limit=None) and c.jobs == 6


def test_a_tiny_memory_limit_still_grades_one_at_a_time() -> None:
    assert Capacity(cores=4, machine_cores=4, cpu_quota=None, memory_limit=100 * 1024 ** 2).jobs == 1


def test_the_real_system_gives_at_least_one_job() -> None:
    c = capacity()
    assert 1 <= c.jobs <= c.machine_cores
