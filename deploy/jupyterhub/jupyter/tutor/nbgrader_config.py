"""nbgrader settings for tutors on a coplearn hub.

With one unix account per person (deploy/jupyterhub), collect only submissions made by the
account they are filed under (``c.SafeCollect.require_owner``, see coplearn.grading.exchange):
nbgrader's exchange itself accepts a submission made in another student's name. The setting
holds whichever configuration file nbgrader reads last (the course's own ``nbgrader_config.py``
chooses SafeCollect too), for formgrader and for ``nbgrader collect`` in a terminal alike. Where
everyone shares one account (Zero to JupyterHub's ``jovyan``; set ``COPLEARN_ACCOUNTS=shared``)
ownership proves nothing, so the check is off there.
"""

import os
import pwd

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

shared = (os.environ.get("COPLEARN_ACCOUNTS") == "shared"
          or pwd.getpwuid(os.getuid()).pw_name == "jovyan")
c.ExchangeFactory.collect = "coplearn.grading.exchange.SafeCollect"
c.ExchangeFactory.release_feedback = "coplearn.grading.exchange.SafeReleaseFeedback"
c.ExchangeFactory.release_assignment = "coplearn.grading.exchange.SafeReleaseAssignment"
c.SafeCollect.require_owner = not shared
c.ExportApp.plugin_class = "coplearn.grading.export.SafeCsvExportPlugin"  # grades.csv safe to open in a spreadsheet

from coplearn.grading.submission import bound_timestamp_reading  # noqa: E402

bound_timestamp_reading()  # timestamp.txt read within bounds (a named pipe or a huge file held grading up)
