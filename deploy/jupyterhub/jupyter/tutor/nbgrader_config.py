"""nbgrader settings for tutors on the coplearn hub (one unix account per person).

Collect only submissions made by the account they are filed under (see coplearn_hub_collect.py):
nbgrader's exchange itself would accept a submission made in another student's name.
"""

import os
import sys

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
c.ExchangeFactory.collect = "coplearn_hub_collect.OwnerCheckedCollect"
