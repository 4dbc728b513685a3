#!/usr/bin/env bash
# Make the nbgrader exchange and the course's folder in it, owned by a tutor (run as root, once; it
# is safe to run again). make-accounts.sh runs it; run it yourself for a course on a shared machine.
#   deploy/jupyterhub/make-exchange.sh EXCHANGE TUTOR [COURSE_ID]
# TUTOR is the tutor's account name (or UID:GID). With several tutors sharing the course
# (nbgrader's groupshared), set COPLEARN_TUTORS_GROUP to a group that holds the tutors and no student.
# COURSE_ID defaults to $COPLEARN_COURSE_ID, then "coplearn".
#
# Why: the exchange is writable by everyone, and nbgrader makes the course's folder in it
# (EXCHANGE/COURSE_ID with inbound/, outbound/ and feedback/) at the tutor's first release. A
# student who makes it first owns it, and can then read and move classmates' submissions and
# feedback, or replace a released assignment (red team 13 F1). Made here, owned by the tutor, with
# the modes nbgrader itself gives them, it never belongs to a student.
set -euo pipefail
exchange="${1:?usage: make-exchange.sh EXCHANGE TUTOR [COURSE_ID]}"
tutor="${2:?usage: make-exchange.sh EXCHANGE TUTOR [COURSE_ID]}"
course_id="${3:-${COPLEARN_COURSE_ID:-coplearn}}"
say() { echo "make-exchange.sh: $*" >&2; }
[ "$(id -u)" = 0 ] || { say "run this as root"; exit 1; }
case "$course_id" in ""|.|..|*/*|*+*) say "'$course_id' cannot be a course id"; exit 1 ;; esac

if [[ "$tutor" =~ ^[0-9]+:[0-9]+$ ]]; then
  uid="${tutor%%:*}"; gid="${tutor#*:}"
else
  uid="$(id -u "$tutor" 2>/dev/null)" || { say "no account '$tutor'"; exit 1; }
  gid="$(id -g "$tutor")"
fi
shared=0
group="${COPLEARN_TUTORS_GROUP:-}"
if [ -n "$group" ]; then
  if [[ "$group" =~ ^[0-9]+$ ]]; then gid="$group"; else gid="$(getent group "$group" | cut -d: -f3)"; fi
  [ -n "$gid" ] || { say "no group '$group'"; exit 1; }
  shared=1
fi

# The exchange: everyone can create entries, nobody can delete another's (sticky bit).
mkdir -p "$exchange"
chmod 1777 "$exchange"

course="$exchange/$course_id"
for part in "" inbound outbound feedback; do
  path="$course${part:+/$part}"
  if [ -L "$path" ] || { [ -e "$path" ] && [ ! -d "$path" ]; }; then
    say "$path is not a folder (a link or a file): delete it (rm -rf '$course') and run this again"; exit 1
  fi
  if [ -d "$path" ] && [ "$(stat -c %u "$path")" != "$uid" ]; then
    say "$path already exists and belongs to $(stat -c %U "$path"), not to the tutor. If that is another tutor," \
        "give that tutor's account as TUTOR instead (for several tutors sharing the course, also set" \
        "COPLEARN_TUTORS_GROUP). Otherwise a student" \
        "may have made it before the first release: keep a copy (cp -a '$course' /root/), which holds any" \
        "submissions not yet collected, then delete it (rm -rf '$course'; do not mend it with chown, which keeps" \
        "what is inside) and run this again."
    exit 1
  fi
done
# nbgrader's own modes (release_assignment, release_feedback), with groupshared's additions
if [ "$shared" = 1 ]; then modes=(2775 2773 2775 2771); else modes=(0755 2733 0755 0711); fi
i=0
for part in "" inbound outbound feedback; do
  path="$course${part:+/$part}"
  mkdir -p "$path"
  chown "$uid:$gid" "$path"
  chmod "${modes[$i]}" "$path"
  i=$((i + 1))
done
echo "exchange ready at $exchange, with the course '$course_id' owned by $(stat -c %U "$course")"
