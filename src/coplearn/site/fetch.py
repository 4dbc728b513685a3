"""Downloads and wheels for the browser edition: Pyodide, the packages, and the lock file.

1. Pyodide's core (the Python runtime compiled to WebAssembly) comes from the npm package
   ``pyodide`` at the version that jupyterlite-pyodide-kernel expects. That package holds no
   Python packages, so the pure-Python wheels the kernel needs are downloaded from PyPI at the
   exact versions that Pyodide's lock file names. Both are cached (see
   :func:`coplearn.site.default_cache_dir`), so the next build is offline.
2. coplearn's own wheel is written from this source tree, and plotly's wheel is trimmed of what a
   browser kernel never uses (Pyodide unpacks every file of every wheel at kernel start).
3. The lock file (``pyodide-lock.json``) is rewritten: PyPI's wheels have other checksums than
   Pyodide's own builds, ipywidgets, plotly and coplearn are added, and every entry whose file
   is not in the site is dropped, so that nothing can be fetched from elsewhere.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path

from coplearn.site import SiteBuildError, _norm, _say, _sha256

# ---- the versions that work together (change them together, and rebuild and test) ----------------

#: jupyterlite-pyodide-kernel 0.8.6 is built for Pyodide 314.0.6 (Python 3.14) and for
#: jupyterlite-core 0.8.6 (the kernel's 0.8.7 needs core 0.8.7). Pinned in scripts/site-requirements.txt.
JUPYTERLITE_VERSION = "0.8.6"
PYODIDE_VERSION = "314.0.6"
#: sha256 of ``npm pack pyodide@314.0.6``: the build refuses any other file.
PYODIDE_TGZ_SHA256 = "d78ac549b28a2a58600cd06f44e017024151775f8c6b2d73fab1475400d38ea2"
#: The Python inside Pyodide 314.0.6.
PYODIDE_PYTHON = "3.14"
#: fflate (MIT licence): a small JavaScript zip/deflate library. The kernel's worker uses its
#: ``inflateSync`` to unpack the packages' wheels in JavaScript (coplearn/site/snapshot.py), which
#: is several times faster than Pyodide's own unpacking in Python. From the npm registry, like Pyodide.
FFLATE_VERSION = "0.8.2"
#: sha256 of ``npm pack fflate@0.8.2``: the build refuses any other file.
FFLATE_TGZ_SHA256 = "61fd5061e2fc8e5e3e3129f7f2fec7bd78a313e1bf4becbf1cc1cc9998d141dc"

#: Packages the kernel itself needs at start, by their names in Pyodide's lock file: they are
#: downloaded from PyPI at the lock's versions (with what they depend on in the lock).
KERNEL_LOCK_PACKAGES = ("micropip", "packaging", "ipython", "jedi", "narwhals")
#: The kernel's own shims, shipped inside jupyterlite-pyodide-kernel's front-end extension.
KERNEL_SHIMS = {"piplite": [], "pyodide-kernel": ["comm", "ipython"], "ipykernel": ["pyodide-kernel"],
                "widgetsnbextension": []}
#: Added to the lock from PyPI, at the version installed where the site is built (so that the
#: Python side matches the front-end extensions copied from the same environment). Value: what
#: each depends on in the browser.
ADDED_FROM_PYPI = {"comm": [], "ipywidgets": ["comm", "ipython", "traitlets", "widgetsnbextension"],
                   "plotly": ["narwhals", "packaging"]}
#: What the lessons import in the browser (coplearn's core dependencies; see pyproject.toml).
COPLEARN_DEPENDS = ["ipywidgets", "plotly", "jinja2"]
#: Taken from Pyodide's lock for coplearn itself: its documents (CPD export, team report, leadership
#: plan) are Jinja2 templates.
COPLEARN_LOCK_PACKAGES = ("jinja2",)
#: On PyPI only as compiled wheels, but they run without their C speed-ups (MarkupSafe falls back
#: to its own pure-Python code): the site ships a pure-Python wheel made from the copy installed
#: where the site is built. Value: the module names to leave out.
PURE_FROM_INSTALLED = {"markupsafe": ("_speedups",)}

#: Pyodide's core files that the site serves (the rest of the npm package is not needed).
PYODIDE_CORE = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")

#: Files of the plotly wheel that a browser kernel never uses (about 20 of its 35 MB unpacked,
#: which Pyodide would otherwise unpack at every kernel start): the plotly.js bundle for
#: stand-alone HTML files, the example data sets, FigureWidget's front-end bundle (the course
#: draws no FigureWidget), and two copies of the JupyterLab extension (the site ships its own).
PLOTLY_TRIM = (re.compile(r"^plotly/package_data/plotly\.min\.js$"), re.compile(r"^plotly/package_data/datasets/"),
               re.compile(r"^plotly/package_data/widgetbundle\.js$"), re.compile(r"^plotly/labextension/"),
               re.compile(r"^plotly-[^/]+\.data/"))

#: What else the browser's kernel never reads (1.4 MB of the site): pygments' lexers for other
#: languages (the kernel highlights only Python; the page highlights code itself), and jedi's type
#: stubs for Python 2, for Django and for third-party packages the site does not have. If the prepared
#: kernel (coplearn/site/snapshot.py) imported a lexer left out, its import would fail and so would the build.
TRIMS = {
    "plotly": PLOTLY_TRIM,
    "pygments": (re.compile(r"^pygments/lexers/(?!__init__\.py$|_mapping\.py$|python\.py$)"),),
    "jedi": (re.compile(r"^jedi/third_party/typeshed/stdlib/2/"), re.compile(r"^jedi/third_party/django-stubs/"),
             re.compile(r"^jedi/third_party/typeshed/third_party/2and3/")),
}


# ---- 1. downloads (cached) ----------------------------------------------------------------------

def _npm_pack(cache: Path, name: str, version: str, sha256: str, what: str) -> Path:
    """``npm pack name@version`` into the cache (once), checked against its recorded sha256."""
    tgz = cache / f"{name}-{version}.tgz"
    if not tgz.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise SiteBuildError(f"building the site needs npm (to download {what} from the npm "
                                 f"registry); install Node.js and npm, or copy {tgz.name} into {cache}")
        _say(f"downloading {what} (npm package {name}@{version})")
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            proc = subprocess.run([npm, "pack", f"{name}@{version}", "--silent"], cwd=tmp,
                                  capture_output=True, text=True)
            got = Path(tmp) / tgz.name
            if proc.returncode != 0 or not got.exists():
                raise SiteBuildError(f"npm could not download {name}@{version}:\n{proc.stderr.strip()}")
            os.replace(got, tgz)
    digest = _sha256(tgz)
    if digest != sha256:
        raise SiteBuildError(f"{tgz} is not the {name}@{version} package we tested (sha256 {digest}); "
                             "delete it and build again")
    return tgz


def fetch_fflate(cache: Path) -> tuple[str, str]:
    """fflate's browser build (``umd/index.js``) and its licence text, from the npm package."""
    tgz = _npm_pack(cache, "fflate", FFLATE_VERSION, FFLATE_TGZ_SHA256, "a JavaScript unzipper for the browser's Python")
    with tarfile.open(tgz) as tar:
        try:
            code = tar.extractfile("package/umd/index.js")
            licence = tar.extractfile("package/LICENSE")
        except KeyError as exc:
            raise SiteBuildError(f"{tgz.name} lacks {exc}") from exc
        if code is None or licence is None:
            raise SiteBuildError(f"{tgz.name}: umd/index.js or LICENSE is not a file")
        return code.read().decode("utf-8"), licence.read().decode("utf-8")


def fetch_pyodide(cache: Path) -> Path:
    """The npm package ``pyodide`` at :data:`PYODIDE_VERSION`, unpacked; downloaded once."""
    unpacked = cache / f"pyodide-{PYODIDE_VERSION}"
    if (unpacked / "pyodide-lock.json").exists():
        return unpacked
    tgz = _npm_pack(cache, "pyodide", PYODIDE_VERSION, PYODIDE_TGZ_SHA256, "the Python runtime for browsers (6.5 MB)")
    tmp_dir = Path(tempfile.mkdtemp(dir=cache))
    with tarfile.open(tgz) as tar:
        members = [m for m in tar.getmembers() if m.isfile() and m.name.startswith("package/")
                   and "/" not in m.name[len("package/"):]]
        try:
            tar.extractall(tmp_dir, members=members, filter="data")
        except TypeError:  # Python without extraction filters; the names were checked above
            tar.extractall(tmp_dir, members=members)  # noqa: S202
    os.replace(tmp_dir / "package", unpacked)
    shutil.rmtree(tmp_dir, ignore_errors=True)
    return unpacked


def _lock_closure(lock: dict, roots: Iterable[str]) -> list[str]:
    packages = lock["packages"]
    seen: list[str] = []
    todo = [_norm(r) for r in roots]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in packages:
            raise SiteBuildError(f"Pyodide's lock file has no package {name!r}")
        seen.append(name)
        todo.extend(_norm(d) for d in packages[name]["depends"])
    return sorted(seen)


def _installed_version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        raise SiteBuildError(f"{dist} is not installed where the site is built; run ./run site to set up the site's build environment") from None


def fetch_wheels(cache: Path, wanted: dict[str, str]) -> dict[str, Path]:
    """Pure-Python wheels ``{name: version}`` for Pyodide's Python, from PyPI; downloaded once."""
    folder = cache / f"wheels-py{PYODIDE_PYTHON}"
    folder.mkdir(parents=True, exist_ok=True)

    def find(name: str, ver: str) -> Path | None:
        stem = re.sub(r"[-_.]+", "_", name).lower()
        for whl in folder.glob("*.whl"):
            parts = whl.name.split("-")
            if parts[0].lower() == stem and parts[1] == ver:
                return whl
        return None

    missing = {n: v for n, v in wanted.items() if find(n, v) is None}
    if missing:
        _say(f"downloading {len(missing)} Python packages for the browser from PyPI: "
             + ", ".join(f"{n} {v}" for n, v in sorted(missing.items())))
        env = dict(os.environ, PIP_CONSTRAINT="", PIP_DISABLE_PIP_VERSION_CHECK="1")
        cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
               "--python-version", PYODIDE_PYTHON, "--implementation", "py", "--abi", "none",
               "--platform", "any", "-d", str(folder), *(f"{n}=={v}" for n, v in sorted(missing.items()))]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            tail = "\n".join(line for line in proc.stderr.splitlines() if "is ignored" not in line)[-2000:]
            raise SiteBuildError(f"pip could not download the browser's packages:\n{tail}")
    out = {}
    for n, v in wanted.items():
        whl = find(n, v)
        if whl is None:
            raise SiteBuildError(f"no wheel for {n} {v} in {folder} after downloading")
        out[n] = whl
    return out


# ---- 2. wheels we make ----------------------------------------------------------------------------

def _write_wheel(dest_dir: Path, name: str, version: str, files: Iterable[tuple[str, bytes]],
                 requires: Iterable[str] = (), summary: str = "") -> Path:
    """A pure-Python wheel written by hand (reproducible: fixed timestamps, sorted entries)."""
    dist = f"{name.replace('-', '_')}-{version}"
    info = f"{dist}.dist-info"
    entries = sorted(files)
    metadata = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    if summary:
        metadata.append(f"Summary: {summary}")
    metadata += [f"Requires-Dist: {r}" for r in requires]
    entries += [(f"{info}/METADATA", ("\n".join(metadata) + "\n").encode()),
                (f"{info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: coplearn.site.build\nRoot-Is-Purelib: true\nTag: py3-none-any\n")]
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for arc, data in entries:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        writer.writerow([arc, f"sha256={digest}", len(data)])
    writer.writerow([f"{info}/RECORD", "", ""])
    entries.append((f"{info}/RECORD", record.getvalue().encode()))
    path = dest_dir / f"{dist}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for arc, data in entries:
            zi = zipfile.ZipInfo(arc, date_time=(2020, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zf.writestr(zi, data)
    return path


#: Parts of coplearn a browser kernel never imports: the command line and this site builder.
NOT_IN_BROWSER = ("cli", "site")


def coplearn_wheel(dest_dir: Path) -> Path:
    """coplearn itself, from this source tree, with its browser dependencies only (and without
    :data:`NOT_IN_BROWSER`)."""
    from coplearn import __version__

    pkg = Path(__file__).resolve().parents[1]
    files = []
    for p in sorted(pkg.rglob("*")):
        rel = p.relative_to(pkg).parts
        if rel[0] in NOT_IN_BROWSER:
            continue
        if p.is_file() and "__pycache__" not in p.parts and p.suffix in (".py", ".toml", ".json", ".css", ".txt", ".j2"):
            files.append((f"coplearn/{p.relative_to(pkg).as_posix()}", p.read_bytes()))
    return _write_wheel(dest_dir, "coplearn", __version__, files, requires=COPLEARN_DEPENDS,
                        summary="coplearn for the browser edition (built by coplearn site build)")


def pure_wheel_from_installed(dist: str, dest_dir: Path, leave_out: Iterable[str] = ()) -> Path:
    """A pure-Python wheel of ``dist`` as installed here, leaving out the modules named in ``leave_out``."""
    import importlib.util
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        meta = distribution(dist)
    except PackageNotFoundError:
        raise SiteBuildError(f"{dist} is not installed where the site is built; install coplearn's "
                             "dependencies (pip install -e .)") from None
    spec = importlib.util.find_spec(dist)
    if spec is None or not spec.submodule_search_locations:
        raise SiteBuildError(f"{dist} is installed but its package folder cannot be found")
    pkg = Path(next(iter(spec.submodule_search_locations)))
    leave_out = tuple(leave_out)
    files = [(f"{pkg.name}/{p.relative_to(pkg).as_posix()}", p.read_bytes()) for p in sorted(pkg.rglob("*"))
             if p.is_file() and "__pycache__" not in p.parts and (p.suffix == ".py" or p.name == "py.typed")
             and not p.name.startswith(leave_out)]
    return _write_wheel(dest_dir, meta.metadata["Name"], meta.version, files,
                        summary=f"{meta.metadata['Name']} without its compiled speed-ups (made by coplearn site build)")


def trim_wheel(src: Path, dest_dir: Path, drop: Iterable[re.Pattern]) -> Path:
    """Copy a wheel leaving out files no browser kernel uses (and their RECORD lines)."""
    drop = list(drop)
    dest = dest_dir / src.name
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zout:
        for item in zin.infolist():
            if any(p.search(item.filename) for p in drop):
                continue
            data = zin.read(item)
            if item.filename.endswith(".dist-info/RECORD"):
                keep = [line for line in data.decode().splitlines()
                        if not any(p.search(line.split(",", 1)[0]) for p in drop)]
                data = ("\n".join(keep) + "\n").encode()
            zout.writestr(item, data)
    return dest


# ---- 3. the lock file -------------------------------------------------------------------------------

def _wheel_meta(whl: Path) -> tuple[str, str, list[str]]:
    """(name, version, top-level import names) of a wheel."""
    with zipfile.ZipFile(whl) as zf:
        names = zf.namelist()
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = zf.read(meta_name).decode("utf-8", "replace")
    name = re.search(r"^Name: (.+)$", meta, re.M).group(1).strip()
    version = re.search(r"^Version: (.+)$", meta, re.M).group(1).strip()
    tops = sorted({n.split("/")[0].removesuffix(".py") for n in names
                   if not n.split("/")[0].endswith((".dist-info", ".data")) and (n.endswith(".py") or "/" in n)})
    return name, version, tops


def rewrite_lock(lock: dict, wheels: dict[str, Path], depends: dict[str, list[str]]) -> dict:
    """The lock with exactly the packages of ``wheels`` (name -> file in the site), nothing else."""
    out = {"info": lock["info"], "packages": {}}
    for key, whl in sorted(wheels.items()):
        old = lock["packages"].get(key)
        name, version, tops = _wheel_meta(whl)
        entry = dict(old) if old else {
            "name": name, "version": version, "install_dir": "site", "package_type": "package",
            "imports": tops, "unvendored_tests": False,
        }
        entry["file_name"] = whl.name
        entry["sha256"] = _sha256(whl)
        entry["version"] = version
        entry["depends"] = sorted({_norm(d) for d in depends.get(key, entry.get("depends", []))})
        missing = [d for d in entry["depends"] if d not in wheels]
        if missing:
            raise SiteBuildError(f"{key} depends on {missing}, which the site does not have")
        out["packages"][key] = entry
    return out

