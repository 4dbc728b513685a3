"""``python -m coplearn.cli.run_jupyter lab ARGS``: JupyterLab's own command, started
without the optional modules that cost seconds at import and that nothing here uses
(:mod:`coplearn.core.optional_modules`: about 3 s of every server start on a 2-core machine).

``coplearn lab`` starts JupyterLab this way. ``coplearn app`` starts Voila with ``python -m voila``:
a full test run after starting Voila this way too saw its app view show "model not found" for one
widget (later traced to Voila's default rendering mode, not to this, and fixed in ``coplearn app``
by progressive rendering; not tried again here), so only JupyterLab is started here. Everything
after ``lab`` goes to JupyterLab unchanged.
"""

from __future__ import annotations

import sys

from coplearn.core.environment import python_bin_on_path
from coplearn.core.optional_modules import skip_slow_optional_modules

APPS = {"lab": "jupyterlab.labapp"}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in APPS:
        print(f"usage: python -m coplearn.cli.run_jupyter {{{'|'.join(APPS)}}} [ARGS...]", file=sys.stderr)
        return 2
    skip_slow_optional_modules()
    # a JupyterLab terminal finds coplearn and nbgrader by those names, as the course's messages give them,
    # when coplearn was started as .venv/bin/coplearn without activating the environment (docs16 F2)
    python_bin_on_path()
    import importlib

    app = importlib.import_module(APPS[argv[0]])
    sys.argv = [f"jupyter-{argv[0]}", *argv[1:]]
    return int(app.main() or 0)


if __name__ == "__main__":
    raise SystemExit(main())
