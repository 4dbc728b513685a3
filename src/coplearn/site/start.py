"""How Python starts in the learner's browser: a small module the kernel loads instead of Pyodide's own.

JupyterLite's Pyodide kernel imports ``loadPyodide`` from the address in its ``pyodideUrl`` setting
and calls it with the site's ``loadPyodideOptions``. The build points that setting at
``static/pyodide/coplearn-start.mjs`` (:data:`START_MJS`), which calls Pyodide's own
``loadPyodide`` and records when each step of the kernel's start-up began and ended, in the
worker's ``globalThis.coplearnTimes`` (milliseconds since the worker started; read by
``scripts/bench_site.py``):

- ``pyodide_start`` / ``pyodide_ready``: Pyodide's runtime and the packages the site preloads;
- ``python_1_*``: the kernel's package-manager set-up; ``python_2_*``: ``import pyodide_kernel``
  (IPython and the kernel) and the move to the learner's folder.
"""

from __future__ import annotations

import json
from pathlib import Path

from coplearn.site import SiteBuildError

#: The module's file name, next to ``pyodide.mjs`` (the kernel takes Pyodide's folder from its address).
START_NAME = "coplearn-start.mjs"

START_MJS = """\
// coplearn: start Python for the browser edition (written by coplearn site build; see
// coplearn/site/start.py). Calls Pyodide's loadPyodide and times the kernel's start-up steps.
import { loadPyodide as pyodideLoad } from "./pyodide.mjs";

const times = (globalThis.coplearnTimes = globalThis.coplearnTimes || {});
function mark(name) { times[name] = Math.round(performance.now()); }

export async function loadPyodide(options = {}) {
  mark("pyodide_start");
  const pyodide = await pyodideLoad(options);
  mark("pyodide_ready");
  // the kernel's own Python steps: 1 = package manager, 2 = import pyodide_kernel
  const run = pyodide.runPythonAsync.bind(pyodide);
  let step = 0;
  pyodide.runPythonAsync = async (...args) => {
    const n = ++step;
    if (n <= 4) mark(`python_${n}_start`);
    try { return await run(...args); } finally { if (n <= 4) mark(`python_${n}_end`); }
  };
  return pyodide;
}
"""


def install_start(site: Path) -> None:
    """Write the start module into a built site and point the kernel's ``pyodideUrl`` at it."""
    static_py = site / "static" / "pyodide"
    (static_py / START_NAME).write_text(START_MJS, encoding="utf-8")
    cfg_path = site / "jupyter-lite.json"
    config = json.loads(cfg_path.read_text(encoding="utf-8"))
    plugin = "@jupyterlite/pyodide-kernel-extension:kernel"
    settings = config.get("jupyter-config-data", {}).get("litePluginSettings", {}).get(plugin)
    if settings is None or settings.get("pyodideUrl") != "./static/pyodide/pyodide.mjs":
        raise SiteBuildError(f"jupyter-lite.json has no local pyodideUrl for {plugin}; is this JupyterLite 0.8.6?")
    settings["pyodideUrl"] = f"./static/pyodide/{START_NAME}"
    cfg_path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
