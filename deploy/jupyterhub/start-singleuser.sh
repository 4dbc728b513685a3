#!/usr/bin/env bash
# Start one person's Jupyter server: JupyterHub's Spawner.cmd (jupyterhub_config.py), run as that
# person. The first time, the lessons are copied into their home as ~/course, with the guides and
# glossary they link to as ~/docs (never over anything already there), so that students on the hub
# have the lessons as well as the assignments.
#   start-singleuser.sh PYTHON [arguments JupyterHub adds]
set -eu
python="$1"; shift
src="${COPLEARN_COURSE_SOURCE:-}"
copy() {  # copy FOLDER: $src/FOLDER to ~/FOLDER, whole or not at all
  local name="$1" tmp why
  [ -e "$HOME/$name" ] || [ -L "$HOME/$name" ] && return 0
  if [ ! -d "$src/$name" ]; then
    echo "coplearn: no $name folder at ${src:-(COPLEARN_COURSE_SOURCE is not set)}; nothing copied" >&2
    return 0
  fi
  tmp="$HOME/.coplearn-copy-$name-$$"
  if ! why="$(cp -r "$src/$name" "$tmp" 2>&1 && mv -T "$tmp" "$HOME/$name" 2>&1)"; then
    echo "coplearn: could not copy $name to $HOME/$name: $why" >&2
    rm -rf "$tmp"
  fi
}
copy course
copy docs
exec "$python" -m jupyterhub.singleuser "$@"
