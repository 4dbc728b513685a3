#!/usr/bin/env bash
# Start one person's Jupyter server: JupyterHub's Spawner.cmd (jupyterhub_config.py), run as that
# person. The first time, the lessons are copied into their home as ~/course (never over anything
# already there), so that students on the hub have the lessons as well as the assignments.
#   start-singleuser.sh PYTHON [arguments JupyterHub adds]
set -eu
python="$1"; shift
src="${COPLEARN_COURSE_SOURCE:-}"
if [ -n "$src" ] && [ -d "$src/course" ] && [ ! -e "$HOME/course" ] && [ ! -L "$HOME/course" ]; then
  if ! why="$(cp -r "$src/course" "$HOME/course" 2>&1)"; then
    echo "coplearn: could not copy the lessons to $HOME/course: $why" >&2
  fi
fi
exec "$python" -m jupyterhub.singleuser "$@"
