"""The paper's models: one module per framework in Gray, Parker, Rutter & Williams (2010).

- :mod:`~coplearn.paper.cultures`: the four contending learning cultures (Table 1) and the culture profile;
- :mod:`~coplearn.paper.situational`: situational leadership (Hersey & Blanchard): readiness and styles;
- :mod:`~coplearn.paper.team_development`: Tuckman's stages and the style each calls for;
- :mod:`~coplearn.paper.action_centred`: action-centred leadership (Adair) and the team audit (Table 2);
- :mod:`~coplearn.paper.supervision`: supervision and involving people who use services;
- :mod:`~coplearn.paper.concepts`: the paper's concepts, the lessons and the PCF domains.

The public names are re-exported by :mod:`coplearn` itself (``cl.cultures()``, ``cl.team_audit()``).
These modules never import plotly or ipywidgets.
"""
