"""nbgrader settings for tutors on a coplearn hub.

With one unix account per person (deploy/jupyterhub), collect only submissions made by the
account they are filed under (see coplearn_hub_collect.py): nbgrader's exchange itself accepts
a submission made in another student's name. Where everyone shares one account (Zero to
JupyterHub's ``jovyan``; set ``COPLEARN_ACCOUNTS=shared``) ownership proves nothing, so the
check is off there and nbgrader's own collect is used.
"""

import os
import pwd
import sys

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

shared = (os.environ.get("COPLEARN_ACCOUNTS") == "shared"
          or pwd.getpwuid(os.getuid()).pw_name == "jovyan")
if not shared:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    c.ExchangeFactory.collect = "coplearn_hub_collect.OwnerCheckedCollect"
