"""The app view (``coplearn app``): Voila's configuration file (``voila.py``) and the course's Voila
template (``share/voila/templates/coplearn``). See :func:`coplearn.cli.main.app_command`."""
