"""What the course adds around the paper to teach it (ours, not the paper's), one module per topic:

- :mod:`~coplearn.teaching.routes`: the routes through the course (lesson 00);
- :mod:`~coplearn.teaching.sorting`: the sorting activities (lessons 01, 02, 04);
- :mod:`~coplearn.teaching.cultures`: hints, example teams and illustrations for Table 1 (03-04);
- :mod:`~coplearn.teaching.vignettes`: staff vignettes and Adair's functions at work (05-06);
- :mod:`~coplearn.teaching.community_learning`: the community check, social and adult learning (07);
- :mod:`~coplearn.teaching.groupwork`: groupwork moments (07);
- :mod:`~coplearn.teaching.interface`: managing the interface with the organisation (10);
- :mod:`~coplearn.teaching.organisational_learning`: learning organisations compared (02, 10);
- :mod:`~coplearn.teaching.leadership_plan`: the leadership plan (11).

Figures and widgets for a topic live in :mod:`coplearn.figures` and :mod:`coplearn.widgets` under the
same module name.
"""
