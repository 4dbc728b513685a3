"""Optional modules that a library we use loads when they happen to be installed, and that cost a
command seconds for nothing it uses; :func:`skip_slow_optional_modules` keeps them out.

``rfc3987_syntax``: jsonschema (which nbformat imports, and so nbgrader) loads it, if present, to
check the "iri" string formats. It builds a parser when imported: about 3 s on a 2-core machine,
paid by every process that reads a notebook (jsonschema's issue #1392 and pull request #1521
discuss it). jupyter-events' dependencies install it. No notebook or answers schema that coplearn
or nbgrader validates uses those formats, and jsonschema leaves a format it cannot check unchecked.
"""

from __future__ import annotations

import sys

__all__ = ["SLOW_OPTIONAL_MODULES", "skip_slow_optional_modules"]

SLOW_OPTIONAL_MODULES = ("rfc3987_syntax",)


def skip_slow_optional_modules() -> None:
    """Tell Python that :data:`SLOW_OPTIONAL_MODULES` are absent in this process and the processes
    it forks. Call it before nbformat or nbgrader is first imported; ``coplearn``'s commands do."""
    for name in SLOW_OPTIONAL_MODULES:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type] - None makes "import name" fail
