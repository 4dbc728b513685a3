#!/usr/bin/env bash
# Set up coplearn in ./.venv. Safe to run again: it only redoes what has changed.
#   scripts/setup.sh course   the course (JupyterLab, widgets, nbgrader, Voila)
#   scripts/setup.sh test     the course plus everything the tests need, including a Chromium
#   scripts/setup.sh site     the course plus what building the browser edition needs (JupyterLite, npm)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-course}"

say() { printf 'coplearn setup: %s\n' "$*" >&2; }

# 1. A Python 3.10 or newer.
PY="${PYTHON:-}"
if [ -z "$PY" ]; then
  for cand in python3.13 python3.12 python3.11 python3.10 python3 python; do
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
      PY="$cand"; break
    fi
  done
fi
if [ -z "$PY" ]; then
  say "coplearn needs Python 3.10 or newer. Install it (python.org, or your package manager) and run this again."
  exit 1
fi

# 2. The virtual environment and the package, reinstalled only when pyproject.toml changes.
if [ ! -x .venv/bin/python ]; then
  say "creating .venv with $($PY --version 2>&1)"
  "$PY" -m venv .venv || { say "could not create a virtual environment; on Debian/Ubuntu install python3-venv"; exit 1; }
  .venv/bin/python -m pip install --quiet --upgrade pip
fi
extra=""
[ "$mode" = "test" ] && extra="[test]"
stamp=".venv/.coplearn-installed${extra:+-$mode}"
hashmode="$mode"; [ "$mode" = site ] && hashmode=course  # the site mode needs only the course in .venv
want="$( (cat pyproject.toml; echo "$hashmode") | .venv/bin/python -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "installing coplearn${extra} (a few minutes the first time)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extra}"
  echo "$want" > "$stamp"
fi

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

# npm, to fetch the Python runtime for browsers (Pyodide) from the npm registry for the site build.
# Only needed until the first build has filled the cache (~/.cache/coplearn/site).
if [ "$mode" = "test" ] || [ "$mode" = "site" ]; then
  if ! command -v npm >/dev/null 2>&1 && ! ls "${COPLEARN_SITE_CACHE:-$HOME/.cache/coplearn/site}"/pyodide-*.tgz >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1; then
      say "installing Debian's npm (to download the browser edition's Python runtime)"
      as_root apt-get update -qq >/dev/null && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null \
        || say "could not install npm with apt-get; the browser edition cannot be built (its tests will be skipped)"
    else
      say "npm not found: install Node.js (with npm) to build the browser edition"
    fi
  fi
fi

# The site's build environment, apart from .venv (see scripts/site-requirements.txt for why).
if [ "$mode" = "test" ] || [ "$mode" = "site" ]; then
  site_want="$(.venv/bin/python -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' scripts/site-requirements.txt)"
  if [ ! -f .venv-site/.installed ] || [ "$(cat .venv-site/.installed)" != "$site_want" ]; then
    say "setting up .venv-site, the environment that builds the browser edition"
    [ -x .venv-site/bin/python ] || "$PY" -m venv .venv-site
    .venv-site/bin/python -m pip install --quiet --disable-pip-version-check -r scripts/site-requirements.txt
    echo "$site_want" > .venv-site/.installed
  fi
fi

[ "$mode" = "test" ] || exit 0

# 3. A Chromium for the browser tests: Debian's package where apt is available, else Playwright's.
if [ -n "${COPLEARN_CHROMIUM:-}" ] && [ -x "${COPLEARN_CHROMIUM}" ]; then
  :
elif command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  :
elif command -v apt-get >/dev/null 2>&1; then
  say "installing Debian's chromium for the browser tests"
  as_root apt-get update -qq >/dev/null && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
    || say "could not install chromium with apt-get; browser tests will use Playwright's own browser if it is present"
else
  say "installing Playwright's Chromium for the browser tests"
  .venv/bin/python -m playwright install chromium || say "could not install a browser; browser tests will be skipped with a reason"
fi

# 3b. Debian's Firefox ESR and WebKitGTK (with a virtual display): the browser edition is also tested
#     in Firefox and WebKit (tests/site/test_site_other_browsers.py), driven over WebDriver
#     (Playwright's Firefox and WebKit are patched builds downloaded from a host this project cannot
#     rely on; tests/site/drivers.py says more).
if [ -z "${COPLEARN_FIREFOX:-}" ] && ! command -v firefox-esr >/dev/null 2>&1 && ! command -v firefox >/dev/null 2>&1 \
    && command -v apt-get >/dev/null 2>&1; then
  say "installing Debian's firefox-esr for the browser edition's Firefox tests"
  { as_root apt-get update -qq >/dev/null && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq firefox-esr >/dev/null; } \
    || say "could not install firefox-esr with apt-get; the Firefox tests will be skipped with a reason"
fi
if { ! command -v WebKitWebDriver >/dev/null 2>&1 || ! command -v Xvfb >/dev/null 2>&1; } && command -v apt-get >/dev/null 2>&1; then
  say "installing Debian's webkit2gtk-driver and xvfb for the browser edition's WebKit tests"
  { as_root apt-get update -qq >/dev/null && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq webkit2gtk-driver xvfb >/dev/null; } \
    || say "could not install webkit2gtk-driver and xvfb with apt-get; the WebKit tests will be skipped with a reason"
fi

# 4. Debian's bubblewrap: the autograder's sandbox for grading kernels (tests/nbgrader/test_sandbox.py).
if ! command -v bwrap >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  say "installing Debian's bubblewrap (the autograder's sandbox)"
  { as_root apt-get update -qq >/dev/null && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null; } \
    || say "could not install bubblewrap; grading kernels will run without the sandbox (see docs/tutor-guide.md)"
fi

# 5. Extra system services some tests need (added by the deployment tests).
if [ -f scripts/setup-services.sh ]; then
  bash scripts/setup-services.sh
fi
