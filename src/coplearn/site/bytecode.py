"""Compile the browser's Python packages to bytecode at build time, with Pyodide itself.

Used to make the prepared kernel (:mod:`coplearn.site.snapshot`): the kernel imports about a
thousand Python modules (IPython, jedi, prompt_toolkit, pygments, ipywidgets, plotly, coplearn and
the standard library), and compiling their sources while the snapshot is made would leave the
compiler's garbage in the memory that is saved (19 MB of download instead of 14 MB). The site
itself serves the source-only files: a kernel started from the snapshot does not import those
modules again. (Before the snapshot, the site served these compiled files, so that each kernel
start did not compile everything again.)

How: Node.js (which comes with npm, already needed to fetch Pyodide) runs the very Pyodide that the
site serves, and that interpreter compiles every ``.py`` file of each wheel and of the standard
library. The bytecode goes next to the source as *unchecked hash-based* ``.pyc`` files (PEP 552):
Python loads them without comparing timestamps (a wheel's unpacked files have none worth
trusting), and the source stays for tracebacks. Wheels get ``__pycache__/NAME.cpython-314.pyc``;
the standard library's zip gets ``NAME.pyc`` beside ``NAME.py`` (where ``zipimport`` looks).
Results are cached by the input file's sha256, so a build after the first compiles only what
changed (usually coplearn).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from coplearn.site import _say, _sha256

#: Files left as source only: big families of modules of which the prepared kernel imports few or
#: none (compiling them would only make a first build slower). plotly draws the course's charts
#: with Figure, Scatter, Scatterpolar and Bar (see coplearn/figures); pygments needs only its
#: Python lexer (IPython); the standard library's other encodings and the packages below are not
#: imported by the kernel or the lessons.
SOURCE_ONLY = "|".join([
    r"^plotly/graph_objs/(?!layout/|scatter/|scatterpolar/|bar/)[a-z0-9_]+/",
    r"^plotly/graph_objs/_(?!figure\.py|scatter\.py|scatterpolar\.py|bar\.py|layout\.py|frame\.py)[a-z0-9_]+\.py$",
    r"^plotly/(express|figure_factory|matplotlylib|offline)/",
    r"^pygments/lexers/(?!__init__|_mapping|python)",
    r"^encodings/(?!__init__|aliases|utf_8|ascii|latin_1|idna|cp437|raw_unicode_escape|unicode_escape)",
    r"^(email|multiprocessing|xml|_pyrepl|unittest|pydoc_data|sqlite3|dbm|curses|tkinter|idlelib|turtledemo|"
    r"wsgiref|xmlrpc|ensurepip|venv|lib2to3|test|logging/handlers|concurrent/futures/process)[/.]",
])

#: Runs inside Pyodide (under Node.js): rewrite one wheel or zip with bytecode beside each source.
_COMPILE_PY = r'''
import base64, csv, hashlib, importlib.util, io, json, posixpath, re, sys, zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

TAG = sys.implementation.cache_tag
SOURCE_ONLY = None  # set by the runner: a regular expression for files left without bytecode

def _pyc(data, filename):
    code = compile(data, filename, "exec", dont_inherit=True)
    return bytes(_code_to_hash_pyc(code, importlib.util.source_hash(data), checked=False))

def compile_zip(src, dst, kind):
    entries, done, failed = [], 0, 0
    with zipfile.ZipFile(src) as zin:
        for info in zin.infolist():
            name = info.filename
            if info.is_dir() or name.endswith(".dist-info/RECORD"):
                continue
            data = zin.read(info)
            entries.append((name, data))
            top = name.split("/")[0]
            if not name.endswith(".py") or top.endswith((".data", ".dist-info")):
                continue
            if SOURCE_ONLY and re.search(SOURCE_ONLY, name):
                continue
            if kind == "wheel":
                where, base = posixpath.split(name)
                arc = posixpath.join(where, "__pycache__", f"{base[:-3]}.{TAG}.pyc")
                filename = "/lib/python3.14/site-packages/" + name
            else:
                arc = name[:-3] + ".pyc"
                filename = "/lib/python314.zip/" + name
            try:
                entries.append((arc, _pyc(data, filename)))
                done += 1
            except SyntaxError:
                failed += 1  # left as source: Python reports the error when (if ever) it is imported
    if kind == "wheel":
        info_dir = next(n.split("/")[0] for n, _ in entries if n.split("/")[0].endswith(".dist-info"))
        record = io.StringIO()
        writer = csv.writer(record, lineterminator="\n")
        for name, data in entries:
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            writer.writerow([name, f"sha256={digest}", len(data)])
        writer.writerow([f"{info_dir}/RECORD", "", ""])
        entries.append((f"{info_dir}/RECORD", record.getvalue().encode()))
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zout:
        for name, data in sorted(entries):
            zi = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zout.writestr(zi, data)
    return [done, failed]
'''

#: The Node.js side: start Pyodide from the site's own files, then compile each job in turn.
_RUNNER_MJS = r'''
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const [pyodideDir, jobsFile, codeFile, sourceOnly] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(pyodideDir + "/pyodide.mjs").href);
const py = await loadPyodide({ indexURL: pyodideDir + "/", stdout: () => {}, stderr: (s) => console.error(s) });
py.runPython(readFileSync(codeFile, "utf8"));
py.globals.set("SOURCE_ONLY", sourceOnly);
const compileZip = py.globals.get("compile_zip");
const out = [];
for (const [src, dst, kind] of JSON.parse(readFileSync(jobsFile, "utf8"))) {
  py.FS.writeFile("/tmp/in.zip", readFileSync(src));
  const counts = compileZip("/tmp/in.zip", "/tmp/out.zip", kind).toJs();
  writeFileSync(dst, py.FS.readFile("/tmp/out.zip"));
  out.push([src, ...counts]);
}
console.log(JSON.stringify(out));
'''


def compile_all(pyodide_dir: Path, files: dict[Path, str], cache: Path, say=_say) -> dict[Path, Path] | None:
    """Bytecode-compiled copies of ``files`` (path -> ``"wheel"`` or ``"stdlib"``), from the cache
    or made now. Returns ``{original: compiled}``, or ``None`` if Node.js is not available.

    ``pyodide_dir`` must hold the Pyodide core files (``pyodide.mjs`` and the rest); the standard
    library is read from there, so it is compiled by the same interpreter that will load it.
    """
    import hashlib

    key = hashlib.sha256((_sha256(pyodide_dir / "pyodide.asm.wasm") + SOURCE_ONLY + _COMPILE_PY).encode()).hexdigest()
    folder = cache / f"bytecode-{key[:12]}"
    folder.mkdir(parents=True, exist_ok=True)
    for stale in cache.glob("bytecode-*"):  # made with another Pyodide or other settings
        if stale != folder and stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
    result: dict[Path, Path] = {}
    jobs = []
    for src, kind in files.items():
        dst = folder / f"{_sha256(src)[:16]}-{src.name}"
        result[src] = dst
        if not dst.exists():
            jobs.append((src, dst, kind))
    if jobs:
        node = shutil.which("node")
        if node is None:
            say("Node.js not found: the Python packages cannot be compiled to bytecode for the prepared kernel")
            return None
        say(f"compiling {len(jobs)} Python packages to bytecode with Pyodide (cached for the next build)")
        with tempfile.TemporaryDirectory(dir=folder) as tmp:
            tmp_path = Path(tmp)
            (tmp_path / "compile.py").write_text(_COMPILE_PY, encoding="utf-8")
            (tmp_path / "run.mjs").write_text(_RUNNER_MJS, encoding="utf-8")
            pending = [(str(src), str(tmp_path / dst.name), kind) for src, dst, kind in jobs]
            (tmp_path / "jobs.json").write_text(json.dumps(pending), encoding="utf-8")
            proc = subprocess.run([node, str(tmp_path / "run.mjs"), str(pyodide_dir), str(tmp_path / "jobs.json"),
                                   str(tmp_path / "compile.py"), SOURCE_ONLY], capture_output=True, text=True, timeout=1800)
            if proc.returncode != 0:
                say("could not compile the Python packages to bytecode for the prepared kernel "
                    f"({(proc.stderr.strip() or proc.stdout.strip())[-500:]})")
                return None
            for _src, dst, _kind in jobs:
                (tmp_path / dst.name).replace(dst)
    used = {p.name for p in result.values()}
    for old in folder.glob("*-coplearn-*.whl"):  # coplearn changes often: keep only the latest
        if old.name not in used:
            old.unlink()
    return result
