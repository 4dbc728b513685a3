#!/usr/bin/env bash
# System services the deployment tests need, installed only if missing (called by scripts/setup.sh test).
#
#   PostgreSQL  Debian's `postgresql` package, for the shared-gradebook test (tests/hub/test_postgres.py).
#               The test starts its own throw-away server on 127.0.0.1 in a temporary folder and stops
#               it afterwards; it never uses or changes a system cluster.
#
# Needs root or sudo to install. Without them, or without apt-get, it says so and carries on: the
# PostgreSQL test then skips and says why. Set COPLEARN_SKIP_SERVICES=1 to install nothing.
set -euo pipefail

say() { printf 'coplearn setup: %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"; else return 1; fi; }

[ "${COPLEARN_SKIP_SERVICES:-}" = 1 ] && exit 0

have_postgres() {
  command -v pg_ctl >/dev/null 2>&1 && return 0
  ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1
}

if ! have_postgres; then
  if command -v apt-get >/dev/null 2>&1; then
    say "installing Debian's postgresql for the shared-gradebook test"
    if as_root apt-get update -qq >/dev/null \
       && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null; then
      say "postgresql installed"
    else
      say "could not install postgresql (needs root or sudo); the PostgreSQL test will be skipped"
    fi
  else
    say "no apt-get here: install PostgreSQL yourself to run the PostgreSQL test (it is skipped otherwise)"
  fi
fi

# The hub test runs each person as their own unix account inside a private mount namespace
# (util-linux's unshare and mount, part of every Debian base system). Say if they are missing.
if ! command -v unshare >/dev/null 2>&1; then
  say "note: 'unshare' (util-linux) is missing; the JupyterHub test will be skipped"
fi
exit 0
