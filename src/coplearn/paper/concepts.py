"""The paper's argument as 42 concepts, the lessons that teach them, and the theoretical domain.

>>> import coplearn as cl
>>> len(cl.concepts()), cl.concepts()[0].id, cl.concepts()[-1].id
(42, 'C01', 'C42')
>>> cl.get_concept("c13").title
'The super-ordinate learning culture'
>>> len(cl.theoretical_domain())
9
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from coplearn.core import html as _html
from coplearn.core import validate as _validate
from coplearn.core.data import records, root

__all__ = [
    "Concept",
    "Lesson",
    "PcfDomain",
    "TheoryArea",
    "concepts",
    "get_concept",
    "get_lesson",
    "lessons",
    "pcf_domains",
    "get_pcf",
    "theoretical_domain",
    "FIG2_NOTE",
]

FIG2_NOTE = (
    "The paper's Fig 2 is lost from the text we work from; this map is the course's reconstruction "
    "of it from the paper's own words (Gray et al. 2010)."
)


@dataclass(frozen=True, kw_only=True, slots=True)
class Concept:
    """One step of the paper's argument."""

    id: str
    title: str
    section: str
    summary: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Lesson:
    """A lesson of the course (``course/<slug>.ipynb``)."""

    number: str
    slug: str
    title: str

    @property
    def filename(self) -> str:
        return f"{self.slug}.ipynb"


@dataclass(frozen=True, kw_only=True, slots=True)
class TheoryArea:
    """One area of the theoretical domain a leader draws on (the paper's Fig 2, reconstructed)."""

    key: str
    name: str
    sources: str                #: sources the paper itself cites for this area
    lessons: tuple[str, ...]
    added: str = ""             #: sources the course adds, which the paper does not cite

    @property
    def all_sources(self) -> str:
        """The paper's sources, then any the course adds, labelled as the course's."""
        return f"{self.sources}; added by the course: {self.added}" if self.added else self.sources


@dataclass(frozen=True, kw_only=True, slots=True)
class PcfDomain:
    """A domain of BASW's Professional Capabilities Framework for Social Work in England (2018)."""

    key: str
    name: str


@functools.lru_cache(maxsize=None)
def _concepts() -> tuple[tuple[Concept, ...], tuple[TheoryArea, ...]]:
    top = root("concepts.toml")
    items = records(top, "concept", Concept)
    numbers = [lesson.number for lesson in lessons()]
    areas = records(top, "theory_area", TheoryArea)
    for row, area in zip(top.table_list("theory_area"), areas):
        for n in area.lessons:
            if n not in numbers:
                raise row._fail("lessons", f"names the lesson {n!r}, which does not exist")
    return items, areas


@functools.lru_cache(maxsize=None)
def _course() -> tuple[tuple[Lesson, ...], tuple[PcfDomain, ...]]:
    top = root("course.toml")
    return records(top, "lesson", Lesson, unique="number"), records(top, "pcf", PcfDomain)


class _ConceptList(tuple):
    """A tuple of concepts that renders as a table in a notebook."""

    def _repr_html_(self) -> str:
        return _html.table("The paper's argument as concepts (Gray et al. 2010; summaries are ours)",
                           ["id", "concept", "section heading in the paper", "summary"],
                           [(c.id, c.title, f"\u201c{c.section}\u201d", c.summary) for c in self])


def concepts(section: str | None = None) -> tuple[Concept, ...]:
    """The concept map C01-C42, optionally only those in one section of the paper."""
    items = _concepts()[0]
    if section is not None:
        sections = list(dict.fromkeys(c.section for c in items))
        wanted = _validate.choose(section, sections, "section of the paper")
        items = tuple(c for c in items if c.section == wanted)
    return _ConceptList(items)


def get_concept(concept_id: str) -> Concept:
    """Look up a concept by id (``"C01"`` ... ``"C42"``), ignoring case."""
    return _validate.find(concept_id, _concepts()[0], "concept id", ("id",))


def lessons() -> tuple[Lesson, ...]:
    """The twelve lessons, in order."""
    return _course()[0]


def get_lesson(number: str | int) -> Lesson:
    """Look up a lesson by number (``"05"`` or ``5``).

    >>> get_lesson(5).slug
    '05-leading-situationally'
    """
    # (a blank one is no lesson: zfill would make it "00")
    key = f"{number:02d}" if isinstance(number, int) else str(number).strip().zfill(2) if str(number).strip() else ""
    return _validate.find(key, lessons(), "lesson number", ("number",))


def pcf_domains() -> tuple[PcfDomain, ...]:
    """The nine domains of BASW's PCF (2018), England's framework."""
    return _course()[1]


def get_pcf(name: str) -> PcfDomain:
    """Look up a PCF domain by key or name, ignoring case.

    >>> get_pcf("Professional leadership").key
    'professional_leadership'
    """
    return _validate.find(name, pcf_domains(), "PCF domain", ("key", "name"), listed="name")


def theoretical_domain() -> tuple[TheoryArea, ...]:
    """The areas of theory a leader of a community of practice draws on (Fig 2, reconstructed)."""
    return _concepts()[1]
