#!/usr/bin/env bash
# Run in each user's pod when it starts (values.yaml: singleuser.lifecycleHooks.postStart).
# Copies the lessons (and the docs they link to) into the user's home the first time, and the course (nbgrader config and
# solutions/) into a tutor's ~/coplearn. Never overwrites anything already there.
set -eu
src=/opt/coplearn
[ -d "$HOME/course" ] || cp -r "$src/course" "$HOME/course"
[ -d "$HOME/docs" ] || cp -r "$src/docs" "$HOME/docs"  # the guides and glossary the lessons link to
if [ "${COPLEARN_ROLE:-student}" = tutor ] && [ ! -d "$HOME/coplearn" ]; then
  mkdir -p "$HOME/coplearn"
  cp -r "$src/nbgrader_config.py" "$src/solutions" "$HOME/coplearn/"
  [ -d "$src/exercises" ] && cp -r "$src/exercises" "$HOME/coplearn/"
fi
