"""Run a command in a private mount namespace where test accounts exist (run by ``unshare -m``).

Usage: ``unshare --mount --propagation private -- python hub_ns.py SPEC.json``

The spec names a ``passwd`` and a ``group`` file to bind over ``/etc/passwd`` and ``/etc/group``
(so the hub's test users exist only inside this namespace: nothing on the machine changes), a
list of paths to ``expose`` to those users, and the command (``argv``, ``env``, ``cwd``) to run.

Exposing a path: an account other than root must be able to walk down to it. Where a folder on
the way is closed to others (``/root`` is 0700, and pyenv's Python or the checkout may live
under it), that folder is covered, in this namespace only, by an empty ``tmpfs`` open to all,
and just the one entry on the way is bind-mounted back from the original. Nothing else in the
closed folder becomes visible, and the real folder's permissions never change.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True)


def expose(paths: list[str], stage: str) -> list[str]:
    """Make every folder above each path traversable by other accounts; return what was covered."""
    covered: dict[str, str] = {}
    n = 0
    for target in paths:
        target = os.path.realpath(target)
        parts = target.strip("/").split("/")
        for depth in range(1, len(parts)):
            folder = "/" + "/".join(parts[:depth])
            child = parts[depth]
            mode = os.stat(folder).st_mode
            if folder not in covered and mode & stat.S_IXOTH:
                continue
            if folder not in covered:
                n += 1
                keep = os.path.join(stage, f"orig{n}")
                os.makedirs(keep, exist_ok=True)
                _mount("--bind", folder, keep)        # keep a way to the original contents
                _mount("-t", "tmpfs", "-o", "mode=0755", "tmpfs", folder)
                covered[folder] = keep
            entry = os.path.join(folder, child)
            if not os.path.lexists(entry):
                source = os.path.join(covered[folder], child)
                if os.path.isdir(source):
                    os.mkdir(entry)
                else:
                    open(entry, "w").close()
                _mount("--bind", source, entry)
    return sorted(covered)


def main(spec_path: str) -> None:
    with open(spec_path) as fh:
        spec = json.load(fh)
    _mount("--bind", spec["passwd"], "/etc/passwd")
    _mount("--bind", spec["group"], "/etc/group")
    covered = expose(spec.get("expose", []), spec["stage"])
    if covered:
        print(f"hub_ns: opened {', '.join(covered)} to the test accounts (this namespace only)", file=sys.stderr)
    os.chdir(spec.get("cwd") or "/")
    os.execvpe(spec["argv"][0], spec["argv"], spec["env"])


if __name__ == "__main__":
    main(sys.argv[1])
