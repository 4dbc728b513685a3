"""Leadership frameworks the paper draws on: Hersey & Blanchard, Tuckman and Adair.

>>> import coplearn as cl
>>> cl.readiness(able=False, willing=True)
'R2'
>>> s = cl.recommend_style(able=False, willing=True)
>>> s.code, s.name, s.task_behaviour, s.relationship_behaviour
('S2', 'selling', 'high', 'high')
>>> cl.get_style("coaching").name          # Blanchard's later SLII name
'selling'
>>> [s.key for s in cl.tuckman_stages()]
['forming', 'storming', 'norming', 'performing', 'adjourning']
>>> cl.style_for_stage("Storming").name
'selling'
>>> [d.key for d in cl.adair_domains()]
['task', 'team', 'individual']
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from coplearn.core import html as _html
from coplearn.core import validate as _validate
from coplearn.core.data import root

__all__ = [
    "AdairDomain",
    "AdairFunction",
    "LeadershipStyle",
    "Readiness",
    "TuckmanStage",
    "adair_domains",
    "adair_functions",
    "get_readiness",
    "get_stage",
    "get_style",
    "readiness",
    "readiness_levels",
    "recommend_style",
    "style_for_stage",
    "styles",
    "tuckman_stages",
    "SITUATIONAL_SOURCE",
    "TUCKMAN_SOURCE",
    "ADAIR_SOURCE",
    "SYNTHESIS_NOTE",
]

_FILE = "leadership.toml"


@dataclass(frozen=True, kw_only=True, slots=True)
class Readiness:
    """A follower readiness level in Hersey & Blanchard (1993)."""

    code: str
    able: bool
    willing: bool
    label: str
    example: str


@dataclass(frozen=True, kw_only=True, slots=True)
class LeadershipStyle:
    """A Hersey & Blanchard (1993) leadership style, S1-S4."""

    code: str
    name: str
    slii_name: str
    readiness: str
    task_behaviour: str
    relationship_behaviour: str
    description: str
    is_synthesis: bool = False
    """True when the style was reached through the course's stage-to-style synthesis."""

    def _repr_html_(self) -> str:
        extra = _html.note(_load().synthesis_note) if self.is_synthesis else ""
        return (
            f"<p><strong>{_html.esc(self.code)} {_html.esc(self.name)}</strong> "
            f"({_html.esc(self.task_behaviour)} task, {_html.esc(self.relationship_behaviour)} relationship "
            f"behaviour; suits readiness {_html.esc(self.readiness)}). {_html.esc(self.description)} "
            f"<small>Blanchard's later SLII calls this style &ldquo;{_html.esc(self.slii_name)}&rdquo;.</small></p>"
            + extra
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class TuckmanStage:
    """A stage of group development (Tuckman 1965; Tuckman & Jensen 1977)."""

    key: str
    name: str
    order: int
    year: int
    summary: str
    outlook: str
    outlook_note: str
    style_code: str


@dataclass(frozen=True, kw_only=True, slots=True)
class AdairDomain:
    """One of Adair's three overlapping needs."""

    key: str
    name: str
    summary: str


@dataclass(frozen=True, kw_only=True, slots=True)
class AdairFunction:
    """One of Adair's eight leadership functions."""

    key: str
    name: str
    summary: str


@dataclass(frozen=True, slots=True)
class _Leadership:
    readiness: tuple[Readiness, ...]
    styles: tuple[LeadershipStyle, ...]
    stages: tuple[TuckmanStage, ...]
    domains: tuple[AdairDomain, ...]
    functions: tuple[AdairFunction, ...]
    situational_source: str
    tuckman_source: str
    synthesis_note: str
    adair_source: str


@functools.lru_cache(maxsize=None)
def _load() -> _Leadership:
    top = root(_FILE)
    levels = tuple(
        Readiness(code=r.str("code"), able=r.bool("able"), willing=r.bool("willing"),
                  label=r.str("label"), example=r.str("example"))
        for r in top.table_list("readiness")
    )
    top.unique(list(levels), "code", "readiness")
    codes = [r.code for r in levels]
    styles_ = tuple(
        LeadershipStyle(
            code=s.str("code"), name=s.str("name"), slii_name=s.str("slii_name"),
            readiness=s.choice("readiness", codes),
            task_behaviour=s.choice("task_behaviour", ("high", "low")),
            relationship_behaviour=s.choice("relationship_behaviour", ("high", "low")),
            description=s.str("description"),
        )
        for s in top.table_list("style")
    )
    top.unique(list(styles_), "code", "style")
    style_codes = [s.code for s in styles_]
    stages = tuple(
        TuckmanStage(
            key=s.str("key"), name=s.str("name"), order=s.int("order"), year=s.int("year"),
            summary=s.str("summary"),
            outlook=s.choice("outlook", ("inward", "turning outward", "outward")),
            outlook_note=s.str("outlook_note"), style_code=s.choice("style", style_codes),
        )
        for s in top.table_list("stage")
    )
    top.unique(list(stages), "key", "stage")
    domains = tuple(
        AdairDomain(key=d.str("key"), name=d.str("name"), summary=d.str("summary"))
        for d in top.table_list("domain")
    )
    functions = tuple(
        AdairFunction(key=f.str("key"), name=f.str("name"), summary=f.str("summary"))
        for f in top.table_list("function")
    )
    tuck = top.table("tuckman")
    return _Leadership(
        readiness=levels, styles=styles_, stages=tuple(sorted(stages, key=lambda s: s.order)),
        domains=domains, functions=functions,
        situational_source=top.table("situational").str("source"),
        tuckman_source=tuck.str("source"), synthesis_note=tuck.str("synthesis_note"),
        adair_source=top.table("adair").str("source"),
    )


def __getattr__(name: str) -> str:
    # Sources are read from the data file on first use, keeping import cheap.
    values = {
        "SITUATIONAL_SOURCE": lambda: _load().situational_source,
        "TUCKMAN_SOURCE": lambda: _load().tuckman_source,
        "ADAIR_SOURCE": lambda: _load().adair_source,
        "SYNTHESIS_NOTE": lambda: _load().synthesis_note,
    }
    if name in values:
        return values[name]()
    raise AttributeError(name)


def _yes_no(value: object, what: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in {"yes", "y", "true"}:
            return True
        if word in {"no", "n", "false"}:
            return False
    raise ValueError(f"{what}: {value!r} is not an answer here; use True or False (yes or no)")


def readiness_levels() -> tuple[Readiness, ...]:
    """The four readiness levels R1-R4."""
    return _load().readiness


def readiness(able: bool, willing: bool) -> str:
    """Hersey & Blanchard's readiness level, ``"R1"`` to ``"R4"``, for a person or team.

    ``able`` means they have the knowledge and skill for this task; ``willing`` means they have
    the confidence, commitment and motivation.

    >>> readiness(True, False)
    'R3'
    >>> readiness("maybe", True)
    Traceback (most recent call last):
    ...
    ValueError: able: 'maybe' is not an answer here; use True or False (yes or no)
    """
    a = _yes_no(able, "able")
    w = _yes_no(willing, "willing")
    for level in readiness_levels():
        if level.able == a and level.willing == w:
            return level.code
    raise AssertionError("leadership.toml covers every combination")  # pragma: no cover


def get_readiness(code: str) -> Readiness:
    """Look up a readiness level by code (``"R1"`` ... ``"R4"``)."""
    table = {r.code: r for r in readiness_levels()}
    return table[_validate.choose(code, table, "readiness level")]


def styles() -> tuple[LeadershipStyle, ...]:
    """The four styles S1-S4."""
    return _load().styles


def get_style(name: str) -> LeadershipStyle:
    """Look up a style by code (``"S2"``), 1993 name (``"selling"``) or SLII name (``"coaching"``).

    >>> get_style("directing").code
    'S1'
    >>> get_style("bossing")
    Traceback (most recent call last):
    ...
    LookupError: 'bossing' is not a leadership style; choose one of: telling, selling, participating, delegating (or S1-S4, or the SLII names directing, coaching, supporting, delegating)
    """
    if isinstance(name, str):
        wanted = _validate.normalise(name)
        for s in styles():
            if wanted in {s.code.lower(), s.name, s.slii_name}:
                return s
    raise LookupError(
        f"{name!r} is not a leadership style; choose one of: "
        + ", ".join(s.name for s in styles())
        + " (or S1-S4, or the SLII names "
        + ", ".join(s.slii_name for s in styles())
        + ")"
    )


def recommend_style(able: bool, willing: bool) -> LeadershipStyle:
    """The style Hersey & Blanchard match to a person's or team's readiness."""
    code = readiness(able, willing)
    return next(s for s in styles() if s.readiness == code)


def tuckman_stages() -> tuple[TuckmanStage, ...]:
    """Tuckman's five stages, in order (adjourning was added in 1977)."""
    return _load().stages


def get_stage(name: str) -> TuckmanStage:
    """Look up a Tuckman stage by name, ignoring case.

    >>> get_stage("chaos")
    Traceback (most recent call last):
    ...
    LookupError: 'chaos' is not a Tuckman stage; choose one of: forming, storming, norming, performing, adjourning
    """
    table = {s.key: s for s in tuckman_stages()}
    return table[_validate.choose(name, table, "Tuckman stage")]


def style_for_stage(stage: str) -> LeadershipStyle:
    """The style a team at this stage calls for.

    This is a teaching synthesis of Tuckman with Hersey & Blanchard, not the paper's claim; the
    returned style has ``is_synthesis=True`` so that displays can say so.
    """
    found = get_stage(stage)
    base = next(s for s in styles() if s.code == found.style_code)
    return LeadershipStyle(
        code=base.code, name=base.name, slii_name=base.slii_name, readiness=base.readiness,
        task_behaviour=base.task_behaviour, relationship_behaviour=base.relationship_behaviour,
        description=base.description, is_synthesis=True,
    )


def adair_domains() -> tuple[AdairDomain, ...]:
    """Adair's three overlapping needs: the task, the team and the individual."""
    return _load().domains


def adair_functions() -> tuple[AdairFunction, ...]:
    """Adair's eight leadership functions.

    >>> len(adair_functions())
    8
    """
    return _load().functions
