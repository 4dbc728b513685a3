"""The commands that installing coplearn puts beside the Python that runs the tests.

The CLI tests run ``coplearn`` as a learner or tutor would, from the environment the package was
installed into: ``.venv/bin/coplearn`` in the venv ``./run`` makes, ``$CONDA_PREFIX/bin/coplearn``
in the conda environment from ``environment.yml``, ``Scripts\\coplearn.exe`` on Windows. They never
name a path inside the repository, so the suite passes in whichever environment runs it.
Imported by tests as a plain module (tests/conftest.py puts this folder on ``sys.path``).
"""

from __future__ import annotations

import functools
import os
import shutil
import sys
import sysconfig
from pathlib import Path


def script_folders() -> list[Path]:
    """Where console scripts of this interpreter's environment go, most likely first."""
    folders = [Path(sysconfig.get_path("scripts")), Path(sys.executable).parent]
    user_scheme = f"{os.name}_user"
    if user_scheme in sysconfig.get_scheme_names():  # `pip install --user` outside a venv
        folders.append(Path(sysconfig.get_path("scripts", user_scheme)))
    return list(dict.fromkeys(folders))


@functools.cache
def script(name: str) -> Path:
    """The installed console script ``name``; a missing one is an error, never a reason to skip."""
    folders = script_folders()
    for folder in folders:
        found = shutil.which(name, path=str(folder))
        if found:
            return Path(found)
    raise FileNotFoundError(
        f"the `{name}` command is not installed beside {sys.executable} (looked in "
        f"{', '.join(map(str, folders))}): install coplearn into this environment (`pip install -e .`)")


def coplearn(*args: str) -> list[str]:
    """The command line that runs the installed ``coplearn`` with ``args``."""
    return [str(script("coplearn")), *args]
