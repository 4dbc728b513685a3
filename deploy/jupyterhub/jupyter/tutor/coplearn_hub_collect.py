"""nbgrader's collect, refusing submissions filed under someone else's name.

nbgrader's exchange files a submission under the name written in its folder name
(``NAME+ASSIGNMENT+TIMESTAMP+RANDOM``) and collects the newest one per name. Anyone who can
write to the exchange can therefore submit *as another student* (``nbgrader submit
--student=NAME``, or by making such a folder by hand), and collect would take it over the real
one. nbgrader's own ``check_owner`` only prints a warning, after choosing.

On a hub where every person has their own unix account (deploy/jupyterhub), the owner of a
folder in the exchange is proof of who made it: only root can change it. This collector
ignores any submission whose folder, or any file in it, is not owned by the account of the
name it is filed under, and says so in the log, before choosing the newest. It is coplearn's
``SafeCollect`` otherwise (links never followed; one odd submission never stops the others). Do
not use it where everyone shares one account (Zero to JupyterHub's default ``jovyan``): there it
would refuse every submission.
"""

import os
import pwd

from coplearn.grading.exchange import SafeCollect


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


class OwnerCheckedCollect(SafeCollect):
    """coplearn's collect (no link followed, one odd submission never stops the others), also
    dropping submissions not made by the account they are filed under."""

    def accept(self, path, record):
        bad = forged(path, record["username"])
        if bad:
            self.log.error(
                "Not collecting %s: it is filed under %s but %s made by %s. Someone may have "
                "submitted in another student's name; the real submission (if any) is collected instead.",
                record["filename"], record["username"],
                "it was" if bad[0] == path else "part of it was", _owner(bad[0]))
            return False
        return True
