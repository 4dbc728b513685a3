"""nbgrader's collect, refusing submissions filed under someone else's name.

nbgrader's exchange files a submission under the name written in its folder name
(``NAME+ASSIGNMENT+TIMESTAMP+RANDOM``) and collects the newest one per name. Anyone who can
write to the exchange can therefore submit *as another student* (``nbgrader submit
--student=NAME``, or by making such a folder by hand), and collect would take it over the real
one. nbgrader's own ``check_owner`` only prints a warning, after choosing.

On a hub where every person has their own unix account (deploy/jupyterhub), the owner of a
folder in the exchange is proof of who made it: only root can change it. This collector
ignores any submission whose folder, or any file in it, is not owned by the account of the
name it is filed under, and says so in the log, before choosing the newest. Do not use it where
everyone shares one account (Zero to JupyterHub's default ``jovyan``): there it would refuse
every submission.
"""

import glob
import os
import pwd
from collections import defaultdict

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.utils import check_mode


def _owner(path: str) -> str:
    try:
        return pwd.getpwuid(os.lstat(path).st_uid).pw_name
    except KeyError:
        return f"uid {os.lstat(path).st_uid}"


def forged(path: str, name: str) -> list:
    """Entries under ``path`` (itself included) not owned by the account ``name``."""
    bad = [path] if _owner(path) != name else []
    for folder, dirs, files in os.walk(path):
        for entry in dirs + files:
            full = os.path.join(folder, entry)
            if _owner(full) != name:
                bad.append(full)
    return bad


class OwnerCheckedCollect(ExchangeCollect):
    """``ExchangeCollect`` that drops submissions not made by the account they are filed under."""

    def init_src(self):
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.course_path = os.path.join(self.root, self.coursedir.course_id)
        self.inbound_path = os.path.join(self.course_path, "inbound")
        if not os.path.isdir(self.inbound_path):
            self.fail("Course not found: {}".format(self.inbound_path))
        if not check_mode(self.inbound_path, read=True, execute=True):
            self.fail("You don't have read permissions for the directory: {}".format(self.inbound_path))
        student_id = self.coursedir.student_id if self.coursedir.student_id else "*"
        pattern = os.path.join(self.inbound_path, "{}+{}+*".format(student_id, self.coursedir.assignment_id))
        records = []
        for path in glob.glob(pattern):
            record = self._path_to_record(path)
            bad = forged(path, record["username"])
            if bad:
                self.log.error(
                    "Not collecting %s: it is filed under %s but %s made by %s. Someone may have "
                    "submitted in another student's name; the real submission (if any) is collected instead.",
                    record["filename"], record["username"],
                    "it was" if bad[0] == path else "part of it was", _owner(bad[0]))
                continue
            records.append(record)
        groups = defaultdict(list)
        for record in records:
            groups[record["username"]].append(record)
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            try:
                self.duedate = gb.find_assignment(self.coursedir.assignment_id).duedate
            except MissingEntry:
                self.duedate = None
        self.src_records = []
        for recs in groups.values():
            recs = self._sort_by_timestamp(recs)
            if self.duedate is not None and self.before_duedate:
                early = [r for r in recs if r["timestamp"] <= self.duedate]
                recs = early or recs
            self.src_records.append(recs[0])
