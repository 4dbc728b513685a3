"""The course's colours: the Okabe-Ito colour-blind-safe palette and what each colour stands for.

Plotly-free, so that documents (the team report, the cohort report) and figures share one palette.
Colour never carries meaning alone: every chart also uses shapes, labels and a text alternative.
"""

from __future__ import annotations

__all__ = ["OKABE_ITO", "CULTURE_COLOURS", "CULTURE_SYMBOLS", "DOMAIN_COLOURS"]

#: Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

CULTURE_COLOURS = {
    "professional": OKABE_ITO["blue"],
    "managed": OKABE_ITO["vermillion"],
    "humanistic": OKABE_ITO["bluish_green"],
    "democratic": OKABE_ITO["reddish_purple"],
}
#: Marker shapes so that colour never carries meaning alone.
CULTURE_SYMBOLS = {"professional": "circle", "managed": "square", "humanistic": "diamond", "democratic": "triangle-up"}
DOMAIN_COLOURS = {"task": OKABE_ITO["blue"], "team": OKABE_ITO["orange"], "individual": OKABE_ITO["bluish_green"]}
