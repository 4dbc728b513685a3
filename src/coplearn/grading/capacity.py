"""How many submissions ``coplearn autograde`` runs at once when the tutor does not say: as many as
the cores *and* the memory this process may really use.

``os.cpu_count()`` counts the machine's cores. On a JupyterHub, a tutor's server is usually a
container held to a share of them (a CPU quota) and to a memory limit, on a node with many more
cores: a hub node with 16 cores and a 1 CPU, 1 GB server would have started 16 workers, each with
a grading kernel, fighting over one core, and then been stopped for using more memory than its limit.
So the default is the smallest of:

- the cores this process may run on (its CPU affinity: ``taskset``, a cpuset);
- the CPU quota of its control group (Linux cgroup v2 ``cpu.max``, or v1 ``cpu.cfs_quota_us`` over
  ``cpu.cfs_period_us``), rounded up;
- what its memory limit (cgroup v2 ``memory.max``, or v1 ``memory.limit_in_bytes``) leaves room
  for, at :data:`JOB_BYTES` a job after :data:`MAIN_BYTES` for the main process.

Where there is no such limit (a laptop, macOS, Windows), the default is the number of cores, as before.
``--jobs N`` always wins.

>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> (root / "proc" / "self").mkdir(parents=True)
>>> _ = (root / "proc" / "self" / "cgroup").write_text("0::/\\n")
>>> (root / "cg").mkdir()
>>> _ = (root / "cg" / "cpu.max").write_text("150000 100000\\n")
>>> _ = (root / "cg" / "memory.max").write_text(str(1024 ** 3) + "\\n")
>>> c = capacity(cores=16, machine_cores=16, proc=root / "proc", cgroup_root=root / "cg")
>>> c.cpu_quota, c.memory_limit, c.jobs
(2, 1073741824, 2)
>>> c.reason()
"2 at a time, as this server may use 2 of the machine's 16 cores"
>>> _ = (root / "cg" / "memory.max").write_text(str(512 * 1024 ** 2) + "\\n")
>>> capacity(cores=16, machine_cores=16, proc=root / "proc", cgroup_root=root / "cg").reason()
"1 at a time, as this server may use 2 of the machine's 16 cores and 0.5 GB of memory (about 256 MB a job)"
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["JOB_BYTES", "MAIN_BYTES", "Capacity", "capacity", "default_jobs"]

#: Memory allowed for one job: a worker process and its grading kernel. Measured on a1 (this
#: project's 2-core test machine): a worker about 115 MB and its kernel about 60 MB resident, so
#: this leaves room for larger answers and assignments.
JOB_BYTES = 256 * 1024 * 1024
#: Memory allowed for the main process (about 125 MB measured, as above).
MAIN_BYTES = 192 * 1024 * 1024
#: A cgroup v1 memory limit at or above this means "no limit" (the kernel writes a huge number).
_NO_LIMIT = 1 << 60


@dataclass(frozen=True)
class Capacity:
    """What this process may use, and the default number of jobs that follows."""

    cores: int                  #: cores it may run on (CPU affinity), or the machine's
    machine_cores: int          #: the machine's cores (``os.cpu_count()``)
    cpu_quota: int | None       #: the control group's CPU quota in cores (rounded up), if any
    memory_limit: int | None    #: the control group's memory limit in bytes, if any

    @property
    def jobs(self) -> int:
        """The default number of submissions to grade at once (at least 1)."""
        n = self.cores if self.cpu_quota is None else min(self.cores, self.cpu_quota)
        if self.memory_limit is not None:
            n = min(n, (self.memory_limit - MAIN_BYTES) // JOB_BYTES)
        return max(1, n)

    @property
    def usable_cores(self) -> int:
        """The cores it may use: its affinity, held to its CPU quota."""
        return self.cores if self.cpu_quota is None else max(1, min(self.cores, self.cpu_quota))

    def reason(self) -> str:
        """Why the default is lower than the machine's cores, in a line for the tutor ("" when it is not)."""
        held = []
        if self.usable_cores < self.machine_cores:
            held.append(f"{self.usable_cores} of the machine's {self.machine_cores} cores")
        if self.memory_limit is not None and self.jobs < self.usable_cores:
            held.append(f"{self.memory_limit / 1024 ** 3:.1f} GB of memory (about {JOB_BYTES // 1024 ** 2} MB a job)")
        if not held:
            return ""
        return f"{self.jobs} at a time, as this server may use {' and '.join(held)}"


def _read(path: Path) -> str | None:
    try:
        with open(path, encoding="ascii", errors="replace") as fh:
            return fh.read(4096).strip()
    except (OSError, ValueError):
        return None


def _groups(proc: Path) -> list[tuple[str, str]]:
    """(controllers, path) for each line of /proc/self/cgroup ("" controllers for cgroup v2)."""
    text = _read(proc / "self" / "cgroup") or ""
    out = []
    for line in text.splitlines():
        parts = line.split(":", 2)
        if len(parts) == 3:
            out.append((parts[1], parts[2] or "/"))
    return out


def _places(cgroup_root: Path, mount: str, path: str) -> list[Path]:
    """Folders to look in for a control group's files: its own and each parent up to the mount's
    root (a limit set higher up holds too). Inside a container the path often names the host's
    hierarchy, which is not mounted there: the mount's root is then the container's own group."""
    base = cgroup_root / mount if mount else cgroup_root
    found, rel = [], Path(path.lstrip("/"))
    while True:
        folder = base / rel
        if folder.is_dir():
            found.append(folder)
        if rel == Path("."):
            break
        rel = rel.parent
    return found


def _v1_mount(cgroup_root: Path, controllers: str) -> str:
    for name in (controllers, *controllers.split(",")):
        if (cgroup_root / name).is_dir():
            return name
    return controllers.split(",")[0]


def _cpu_quota(proc: Path, cgroup_root: Path) -> int | None:
    quotas: list[float] = []
    for controllers, path in _groups(proc):
        if controllers == "":  # cgroup v2: "max 100000" or "150000 100000"
            for folder in _places(cgroup_root, "", path):
                fields = (_read(folder / "cpu.max") or "").split()
                if len(fields) == 2 and fields[0] != "max":
                    try:
                        quota, period = int(fields[0]), int(fields[1])
                    except ValueError:
                        continue
                    if quota > 0 and period > 0:
                        quotas.append(quota / period)
        elif "cpu" in controllers.split(","):
            mount = _v1_mount(cgroup_root, controllers)
            for folder in _places(cgroup_root, mount, path):
                try:
                    quota = int(_read(folder / "cpu.cfs_quota_us") or "-1")
                    period = int(_read(folder / "cpu.cfs_period_us") or "0")
                except ValueError:
                    continue
                if quota > 0 and period > 0:
                    quotas.append(quota / period)
    return max(1, math.ceil(min(quotas) - 1e-9)) if quotas else None


def _memory_limit(proc: Path, cgroup_root: Path) -> int | None:
    limits: list[int] = []
    for controllers, path in _groups(proc):
        if controllers == "":
            names, mount = ("memory.max",), ""
        elif "memory" in controllers.split(","):
            names, mount = ("memory.limit_in_bytes",), _v1_mount(cgroup_root, controllers)
        else:
            continue
        for folder in _places(cgroup_root, mount, path):
            for name in names:
                text = _read(folder / name)
                if text and text.isdigit() and 0 < int(text) < _NO_LIMIT:
                    limits.append(int(text))
    return min(limits) if limits else None


def capacity(*, cores: int | None = None, machine_cores: int | None = None, proc: Path = Path("/proc"),
             cgroup_root: Path = Path("/sys/fs/cgroup")) -> Capacity:
    """What this process may use (the arguments are for tests: by default they are read from the system)."""
    machine = machine_cores or os.cpu_count() or 1
    if cores is None:
        try:
            cores = len(os.sched_getaffinity(0))
        except (AttributeError, OSError):
            cores = machine
    return Capacity(cores=max(1, cores), machine_cores=max(machine, cores),
                    cpu_quota=_cpu_quota(proc, cgroup_root), memory_limit=_memory_limit(proc, cgroup_root))


def default_jobs() -> int:
    """The number of submissions ``coplearn autograde`` grades at once when not told (at least 1)."""
    return capacity().jobs
