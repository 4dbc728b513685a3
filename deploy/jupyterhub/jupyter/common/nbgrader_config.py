"""nbgrader settings for every single-user server on the coplearn hub (students and tutors).

The hub puts this folder on ``JUPYTER_CONFIG_PATH``, so nbgrader's assignment list (students) and
formgrader (tutors) both read it. It names the course and the shared exchange folder, and makes
sure each submission is filed under the hub user who made it.

Environment (set by ``deploy/jupyterhub/jupyterhub_config.py``):

- ``COPLEARN_COURSE_ID``   the course id (default ``coplearn``)
- ``COPLEARN_EXCHANGE``    the exchange folder every server can reach (default ``/srv/nbgrader/exchange``)
- ``COPLEARN_ROLE``        ``student`` or ``tutor``
- ``COPLEARN_COURSE_ROOT`` tutors only: their course folder (default ``~/coplearn``)
"""

import os
import pwd

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

c.CourseDirectory.course_id = os.environ.get("COPLEARN_COURSE_ID", "coplearn")
c.Exchange.root = os.environ.get("COPLEARN_EXCHANGE", "/srv/nbgrader/exchange")
# A student's Validate button runs every cell, as JupyterLab's Run All and the autograder do (nbclient
# would skip one tagged "skip-execution": red team 22).
c.Execute.skip_cells_with_tag = "coplearn: no cell is skipped"

role = os.environ.get("COPLEARN_ROLE", "student")
hub_user = os.environ.get("JUPYTERHUB_USER", "")
unix_user = pwd.getpwuid(os.getuid()).pw_name

if role == "tutor":
    # The formgrader finds the course (and loads the course's own nbgrader_config.py) here.
    c.CourseDirectory.root = os.path.expanduser(os.environ.get("COPLEARN_COURSE_ROOT", "~/coplearn"))
elif hub_user and unix_user not in (hub_user, "jovyan"):
    # Student identity. nbgrader names a submission after the *unix* account, and uses
    # JUPYTERHUB_USER only when that account is called "jovyan". On a hub where several people
    # share one unix account (a test hub, some container set-ups), every submission would be
    # filed under that one account and `nbgrader collect` would silently keep only the newest.
    # Name the student after the hub user instead. (With one unix account per person, as this
    # deployment recommends, the two names are the same and this line does nothing.)
    c.CourseDirectory.student_id = hub_user
