"""Voila's configuration file for the app view (``coplearn app``).

``coplearn app`` starts Voila with ``--Voila.config_file_paths`` set to this folder, so Voila reads
this file as it starts (with ``c``, its configuration, and ``get_config`` given). It lets Voila find
the course's template (a course front page with the lesson titles, lesson pages titled by their
heading, ``lang="en-GB"`` and a main landmark). What it does is in
:func:`coplearn.cli.main.voila_app_config`; imported as a module (pytest does), it does nothing.
"""

if "get_config" in globals():  # read by Voila as its configuration
    from coplearn.cli.main import voila_app_config

    voila_app_config(get_config())  # noqa: F821 - given by traitlets when Voila reads this file
