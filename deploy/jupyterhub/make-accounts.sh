#!/usr/bin/env bash
# Create the unix accounts and the nbgrader exchange for a coplearn hub (run as root, once,
# and again whenever the roster changes; existing accounts are left as they are).
#   deploy/jupyterhub/make-accounts.sh ROSTER.toml [COURSE_SOURCE]
# COURSE_SOURCE (default: this repository) is copied to each tutor's ~/coplearn if it is not there.
# (The lessons are copied into everyone's home as ~/course when their server first starts:
# start-singleuser.sh.)
set -euo pipefail
roster="${1:?usage: make-accounts.sh ROSTER.toml [COURSE_SOURCE]}"
course="${2:-$(cd "$(dirname "$0")/../.." && pwd)}"
exchange="${COPLEARN_EXCHANGE:-/srv/nbgrader/exchange}"
[ "$(id -u)" = 0 ] || { echo "make-accounts.sh: run this as root" >&2; exit 1; }

names() {  # names() tutors|students  -> one name a line, from the TOML roster
  python3 - "$roster" "$1" <<'PY'
import sys
try:
    import tomllib
except ModuleNotFoundError:
    import tomli as tomllib
for name in tomllib.load(open(sys.argv[1], "rb")).get(sys.argv[2], []):
    print(name)
PY
}

add() {
  local name="$1"
  if ! id "$name" >/dev/null 2>&1; then
    useradd --create-home --shell /bin/bash "$name"
    echo "created account $name"
  fi
  chmod 0700 "$(getent passwd "$name" | cut -d: -f6)"  # nobody else can read their home
}

for s in $(names students); do add "$s"; done
for t in $(names tutors); do
  add "$t"
  home="$(getent passwd "$t" | cut -d: -f6)"
  if [ ! -d "$home/coplearn" ]; then
    mkdir -p "$home/coplearn"
    cp -r "$course/nbgrader_config.py" "$course/solutions" "$home/coplearn/"
    [ -d "$course/exercises" ] && cp -r "$course/exercises" "$home/coplearn/"
    chown -R "$t:" "$home/coplearn"
    echo "copied the course to $home/coplearn"
  fi
done

# The exchange, and the course's folder in it owned by the first tutor (so that no student can make
# it first): make-exchange.sh.
first_tutor="$(names tutors | head -n 1)"
if [ -z "$first_tutor" ]; then
  echo "make-accounts.sh: the roster names no tutor, so the exchange was not made" >&2
  exit 1
fi
bash "$(dirname "$0")/make-exchange.sh" "$exchange" "$first_tutor" "${COPLEARN_COURSE_ID:-coplearn}"
