"""The versions of nbgrader, nbclient and jupyter_client whose internals the autograder relies on.

Every grading step calls :func:`check_versions` first: a newer major version gives a clear
message and grades nothing, rather than grades that could silently be wrong.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import metadata
from typing import Any

__all__ = ["SUPPORTED_VERSIONS", "check_versions"]

#: package -> (the versions supported, as text; a test on the version tuple)
SUPPORTED_VERSIONS: dict[str, tuple[str, Any]] = {
    "nbgrader": ("0.9.x", lambda v: v[:2] == (0, 9)),
    "nbclient": ("0.10 or 0.11", lambda v: v[0] == 0 and v[1] in (10, 11)),
    "jupyter_client": ("8.x", lambda v: v[0] == 8),
}


def _version_tuple(text: str) -> tuple[int, ...]:
    parts: list[int] = []
    for piece in text.split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        if not digits:
            break
        parts.append(int(digits))
        if not piece.isdigit():
            break
    return tuple(parts) + (0,) * (3 - len(parts))


@functools.cache
def _installed(package: str) -> str | None:
    """The installed version of ``package`` (read once per process: every grading step asks)."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def check_versions(installed: Mapping[str, str] | None = None) -> None:
    """Refuse to grade with a version of nbgrader, nbclient or jupyter_client whose internals
    the course's autograder was not built for (grades could silently be wrong).

    >>> check_versions({"nbgrader": "0.9.6", "nbclient": "0.11.0", "jupyter_client": "8.10.0"})
    >>> check_versions({"nbgrader": "1.0.0", "nbclient": "0.11.0", "jupyter_client": "8.10.0"})
    Traceback (most recent call last):
    ...
    RuntimeError: coplearn's autograder was built for nbgrader 0.9.x, but nbgrader 1.0.0 is installed. Install the supported version (pip install "nbgrader==0.9.*") or a coplearn release that supports nbgrader 1.0.0; nothing was graded.
    """
    for package, (wanted, ok) in SUPPORTED_VERSIONS.items():
        if installed is not None:
            found = installed.get(package)
        else:
            found = _installed(package)
        if found is None:
            raise RuntimeError(f"coplearn's autograder needs {package} {wanted}, which is not installed.")
        if not ok(_version_tuple(found)):
            pin = {"nbgrader": "0.9.*", "nbclient": "0.11.*", "jupyter_client": "8.*"}[package]
            raise RuntimeError(
                f"coplearn's autograder was built for {package} {wanted}, but {package} {found} is installed. "
                f'Install the supported version (pip install "{package}=={pin}") or a coplearn release that '
                f"supports {package} {found}; nothing was graded.")
