"""Plumbing that every layer shares and that needs nothing heavy: reading the TOML data
(:mod:`~coplearn.core.data`), saving files atomically (:mod:`~coplearn.core.atomic`), checking values
(:mod:`~coplearn.core.validate`), the colour palette (:mod:`~coplearn.core.palette`), text
alternatives (:mod:`~coplearn.core.text_alternative`), HTML helpers and documents.

Nothing here imports plotly, ipywidgets or nbgrader.
"""
