"""Widgets for the learning cultures of Table 1 (lessons 03-04).

- :class:`Table1Explorer`: filter Table 1 by culture and by dimension; the principles show as an
  accessible table with each culture's exemplar.
- :class:`CultureSorter`: place a sample of principles in their culture, with instant feedback
  that names the right culture and why; "New set" draws another sample.
- :class:`CultureProfileWidget`: rate how far each principle describes your team or organisation
  (labelled 1-5 drop-downs, grouped by culture) and see the culture profile as a radar against the
  super-ordinate reference ring, with what to develop and the paper's reasons (C13).

All three are testable without a browser: set a control's ``.value`` and check the state.

The module runs past 400 lines because :class:`CultureProfileWidget` also keeps the learner's own
ratings between sessions (restored item by item, kept one change at a time, an example team's
ratings kept apart, clearing asked once): splitting that from the 26 controls it serves would
only move the same state across two files.
"""

from __future__ import annotations

import functools
import html
import random
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as W

from coplearn.practice.lesson_answers import LessonAnswers, as_sentence
from coplearn.core import html as _html
from coplearn.core.environment import kept_where
from coplearn.teaching.cultures import example_teams, get_example_team, principle_cue
from coplearn.paper.cultures import (
    AGREEMENT_SCALE,
    PROFILE_NOTE,
    CultureProfile,
    Principle,
    culture_profile,
    cultures,
    dimensions,
    get_culture,
    get_principle,
    principles,
)
from coplearn.figures.cultures import build_culture_radar
from ._base import (DESCRIBED_CLASS, LABEL_STYLE, ChoiceItem, ChoiceSorter, Composite, KeptSoon, SharedLook, TwoStep, full_width,
                    live_html, message,
                    show_chart)

__all__ = ["Table1Explorer", "CultureSorter", "CultureProfileWidget", "RATING_OPTIONS", "culture_items"]

#: The labelled agreement scale offered by :class:`CultureProfileWidget` (first option: not rated).
RATING_OPTIONS: tuple[tuple[str, int | None], ...] = (
    ("Not rated yet", None),
    ("1: strongly disagree", 1),
    ("2: disagree", 2),
    ("3: neither agree nor disagree", 3),
    ("4: agree", 4),
    ("5: strongly agree", 5),
)


def _culture_options() -> list[tuple[str, str]]:
    return [(c.key, f"{c.name} culture") for c in cultures()]


class Table1Explorer(Composite):
    """Browse Table 1 (Gray et al. 2010): choose a culture and/or a dimension to filter the rows.

    >>> ex = Table1Explorer()
    >>> len(ex.rows)
    26
    >>> ex.culture.value = "humanistic"
    >>> [p.id for p in ex.rows]
    ['H1', 'H2', 'H3', 'H4']
    >>> ex.dimension.value = "competence"
    >>> [p.id for p in ex.rows]
    ['H3']
    """

    def __init__(self) -> None:
        super().__init__()
        self.culture = W.Dropdown(
            options=[("All four cultures", None)] + [(c.name, c.key) for c in cultures()],
            index=0, description="Culture", style=LABEL_STYLE,
        )
        self.dimension = W.Dropdown(
            options=[("All dimensions", None)] + [(d.label, d.key) for d in dimensions()],
            index=0, description="Dimension (row of the table)", style=LABEL_STYLE,
        )
        self.heading = W.HTML(value="")
        self.table = W.HTML(value="", layout=full_width())
        self.rows: tuple[Principle, ...] = ()
        for control in (self.culture, self.dimension):
            control.observe(self.safely(self._on_change), names="value")
        self.view = W.VBox([
            W.HBox([self.culture, self.dimension], layout=W.Layout(flex_flow="row wrap")),
            self.heading, self.table, self.messages,
        ])
        self.refresh()

    def _on_change(self, _change: dict[str, Any]) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Filter the principles by the chosen culture and dimension and redraw the table."""
        self.rows = principles(self.culture.value, self.dimension.value)
        names = {c.key: c for c in cultures()}
        lines = []
        if self.culture.value:
            c = get_culture(self.culture.value)
            lines.append(f"<p><strong>{html.escape(c.name)} learning culture.</strong> Exemplar: "
                         f"{html.escape(c.exemplar)}. {html.escape(c.summary)}</p>")
        else:
            lines.append("<p>Exemplars: " + "; ".join(
                f"{html.escape(c.name)}: {html.escape(c.exemplar)}" for c in cultures()) + ".</p>")
        if self.dimension.value:
            d = next(d for d in dimensions() if d.key == self.dimension.value)
            lines.append(f"<p><strong>{html.escape(d.label)}.</strong> {html.escape(d.question)}</p>")
        self.heading.value = "".join(lines)
        if not self.rows:
            c = get_culture(self.culture.value)
            dim_labels = ", ".join(p.dimension_label.lower() for p in c.principles)
            self.table.value = message(
                f"Table 1 gives the {c.name.lower()} culture no principle on this dimension. "
                f"Its principles cover: {dim_labels}.", "info")
            return
        caption = f"Table 1 principles shown: {len(self.rows)} of {len(principles())} (Gray et al. 2010; the wording, the row codes and the dimension names are ours: the paper's table has no row headings)"
        self.table.value = _html.table(
            caption, ["id", "row", "culture (exemplar)", "dimension", "principle"],
            [(p.id, p.row, f"{names[p.culture].name} ({names[p.culture].exemplar_short})",
              p.dimension_label, p.text) for p in self.rows],
        )


def culture_items(ids: Sequence[str]) -> list[ChoiceItem]:
    """Sorter items for the given principle ids; each reason names the culture and explains it.

    >>> culture_items(["M6"])[0].why
    'Managed culture (exemplar: Investors in People), on supervision: Supervision serves case and service management.'
    """
    items = []
    for pid in ids:
        p = get_principle(pid)
        c = get_culture(p.culture)
        items.append(ChoiceItem(
            id=p.id, text=p.text, answer=c.key,
            why=f"{c.name} culture (exemplar: {c.exemplar_short}), on {p.dimension_label.lower()}: "
                f"{principle_cue(p.id)}",
        ))
    return items


def _balanced_sample(rng: random.Random, size: int) -> list[str]:
    """``size`` principle ids, spread as evenly as possible over the four cultures, shuffled."""
    pools = {c.key: [p.id for p in c.principles] for c in cultures()}
    for pool in pools.values():
        rng.shuffle(pool)
    picked: list[str] = []
    while len(picked) < size and any(pools.values()):
        for key in pools:
            if pools[key] and len(picked) < size:
                picked.append(pools[key].pop())
    rng.shuffle(picked)
    return picked


class CultureSorter(Composite):
    """Place Table 1 principles in their culture, with instant feedback; draw new sets at will.

    >>> s = CultureSorter(size=8, seed=1)
    >>> len(s.sorter.items), sorted({i.answer for i in s.sorter.items})
    (8, ['democratic', 'humanistic', 'managed', 'professional'])
    """

    def __init__(self, size: int = 8, *, seed: int | None = None) -> None:
        super().__init__()
        if not 1 <= size <= len(principles()):
            raise ValueError(f"size: {size} statements cannot be drawn; choose from 1 to {len(principles())}")
        self.size = size
        self.rng = random.Random(seed)
        self.sets_done = 0
        self.new_button = W.Button(description="New set of statements", icon="refresh",
                                   tooltip="Draw a different set of Table 1 principles to sort", layout=W.Layout(width="auto"))
        self.new_button.on_click(self.safely(lambda _b: self.new_set()))
        self.box = W.VBox([])
        self.view = W.VBox([self.box, self.new_button, self.messages])
        self.sorter: ChoiceSorter
        self.new_set()

    def new_set(self, ids: Sequence[str] | None = None) -> None:
        """Replace the statements with a fresh balanced sample (or with the given principle ids)."""
        chosen = list(ids) if ids is not None else _balanced_sample(self.rng, self.size)
        self.sorter = ChoiceSorter(culture_items(chosen), _culture_options(),
                                   question="Which culture?",
                                   title="Which learning culture does each principle belong to?")
        self.box.children = [self.sorter.view]
        self.sets_done += 1


def _show_placeholder(dd: W.Dropdown) -> None:
    """Select a drop-down's first, ``None``-valued entry so its label shows rather than a blank box.

    ipywidgets maps a ``None`` value to "nothing selected"; setting the value first and then the
    index keeps the first entry selected.
    """
    dd.value = None
    dd.index = 0


#: What lesson 04 says about where the learner's ratings are kept.
KEPT_RATINGS = ("Your own ratings are kept in your own files, beside your journal ({where}), and filled in again "
                "when you open this lesson. \u201cClear all "
                "ratings\u201d removes them. An example team's ratings are not kept.")


class CultureProfileWidget(Composite):
    """Rate your team or organisation against Table 1 and see its learning-culture profile.

    Every principle has a labelled drop-down (1 = strongly disagree ... 5 = strongly agree), grouped
    under a heading per culture. Each change rebuilds :func:`coplearn.culture_profile`, redraws the
    radar against the super-ordinate reference ring and lists what to develop, with the paper's
    reasons (C13). The profile, balance and gaps are the course's teaching aid, not a validated
    measure, and the widget says so. Tests live in ``tests/test_widgets_cultures.py`` (the radar
    is drawn into an ``Output``, which prints the figure when no kernel is running).
    """

    def __init__(self, ratings: Mapping[str, int] | None = None) -> None:
        super().__init__()

        self.ratings: dict[str, int] = {}
        self._quiet = False
        # a learner's own ratings are kept on this computer and filled in again next time (reach
        # review 8: they were lost on a reload); not when the ratings are given by code
        self.kept = None if ratings is not None else LessonAnswers("culture-profile")
        self.keep_note = W.HTML(value=f"<p>{html.escape(KEPT_RATINGS.format(where=kept_where()))}</p>" if self.kept is not None else "")
        self.example = W.Dropdown(
            options=[("None: I will rate my own team", None)] + [(e.name, e.key) for e in example_teams()],
            index=0, description="Start from an example team", style=LABEL_STYLE,
            layout=W.Layout(width="auto"),
        )
        self.example.observe(self.safely(self._on_example), names="value")
        self.example_note = W.HTML(value="")
        self.clear_button = W.Button(description="Clear all ratings", icon="eraser",
                                     tooltip="Set every statement back to 'not rated'", layout=W.Layout(width="auto"))
        self.clear_button.on_click(self.safely(lambda _b: self._clear_pressed()))
        self.clear_note = live_html()  # the question beside the button (it was 26 controls further down)
        self._clearing = TwoStep(self.clear_button, self.clear_note, "Yes, clear all my ratings",
                                 "This clears every rating and the kept copy. Press \u201cYes, clear all my "
                                 "ratings\u201d to go ahead, or change any rating to keep them.")
        self.dropdowns: dict[str, W.Dropdown] = {}
        sections: list[W.Widget] = []
        look = SharedLook()
        for c in cultures():
            rows: list[W.Widget] = [look.html(
                f"<h3>{html.escape(c.name)} culture</h3>"
                f"<p><em>Exemplar: {html.escape(c.exemplar)}.</em> How far does each statement describe "
                f"your team or organisation?</p>")]
            for p in c.principles:
                dd = W.Dropdown(options=list(RATING_OPTIONS), index=0, _dom_classes=[DESCRIBED_CLASS],
                                description=f"{p.id}, {p.dimension_label.lower()}: my agreement",
                                style=look.label_style(), layout=look.layout(width="46em", max_width="100%"))
                dd.observe(self.safely(functools.partial(self._on_rating, p.id)), names="value")
                self.dropdowns[p.id] = dd
                rows.append(W.VBox([look.html(f"<p><strong>{p.id}.</strong> {html.escape(p.text)}</p>"), dd],
                                   layout=look.layout(margin="0 0 8px 0")))
            sections.append(W.VBox(rows, layout=look.layout(margin="0 0 12px 0")))
        self.progress = live_html()
        self.saving = W.HTML(value="")  # "Keeping your answers..." while ratings wait to be kept
        self._soon = KeptSoon(self.kept, self.saving,
                              lambda problem: setattr(self.keep_note, "value", message(as_sentence(problem), "info")),
                              then=self.update, wrap=self.safely)
        self.out = W.Output()
        self.advice = W.HTML(value="", layout=full_width())
        self.profile: CultureProfile = culture_profile({})
        self.view = W.VBox([
            W.HTML(f"<p>Scale: {html.escape(AGREEMENT_SCALE)}. Leave a statement as "
                   "'Not rated yet' if you cannot say: it is left out, not counted as zero.</p>"),
            W.HBox([self.example, self.clear_button], layout=W.Layout(flex_flow="row wrap")), self.clear_note,
            self.keep_note, self.example_note, *sections, self.progress, self.saving, self.messages,
            W.HTML("<h3>Your profile</h3>"), self.out, self.advice,
        ])
        if ratings:
            self.set_ratings(ratings)  # draws the radar, unless the ratings are refused (a message says why)
        elif self.kept is not None:
            self.safely(self._restore)(first=True)
        if not hasattr(self, "chart"):
            self.update()  # the radar is built here, once (it was built twice: 0.1-0.2 s of a lesson's start)

    # -- handlers ---------------------------------------------------------------------------------
    def _on_rating(self, pid: str, change: dict[str, Any]) -> None:
        value = change["new"]
        if value is None:
            self.ratings.pop(pid, None)
        else:
            self.ratings[pid] = value
        if not self._quiet:
            self._clearing.disarm()  # (the learner changed a rating: they are keeping them)
            # the learner's own rating is kept (a second copy adds to it), with any given just before it
            # in one write, and the radar redrawn once for them (KeptSoon); an example team's invented
            # ratings, and changes made to them, are not the learner's team
            if self.kept is not None and self.example.value is None:
                self._soon.put(pid, value)
            else:
                self._soon.touch()

    def _restore(self, first: bool = False) -> None:
        """Fill in the ratings kept last time; any this version refuses are left out and said, and the
        file as it was is kept aside first (review 8b)."""
        assert self.kept is not None
        saved = self.kept.load()
        if self.kept.last_warning:
            self.keep_note.value = message(self.kept.last_warning, "info")
            return
        good, note = self.kept.usable(saved, lambda pid, value: dict(culture_profile({pid: value}).ratings),
                                      noun="rating")
        self._set_ratings(good)
        if good or note:
            self.keep_note.value = (f"<p>Your ratings from last time are filled in.{html.escape(note)} "
                                    f"{html.escape(KEPT_RATINGS.format(where=kept_where()))}</p>")
        elif not first:
            self.keep_note.value = f"<p>{html.escape(KEPT_RATINGS.format(where=kept_where()))}</p>"

    def _clear_pressed(self) -> None:
        """The button asks once before clearing the learner's own ratings (and their kept copy)."""
        if self._clearing.press(something_to_lose=bool(self.ratings) and self.example.value is None):
            self.clear()

    def _on_example(self, change: dict[str, Any]) -> None:
        if self._quiet:
            return
        self._soon.flush()  # the learner's own ratings given just before are kept first
        if change["new"] is None:
            self.example_note.value = ""
            if self.kept is not None:
                self._restore()  # back to the learner's own ratings, as kept
            return
        team = get_example_team(change["new"])
        self.set_ratings(team.ratings)
        mine = (" Your own ratings are kept as they were: choose \u201cNone\u201d above to see them again."
                if self.kept is not None else "")
        self.example_note.value = (f"<p>{html.escape(team.description)} These ratings are invented for the "
                                   f"course. Change any of them to explore.{mine}</p>")

    # -- public API -------------------------------------------------------------------------------
    def rate(self, principle_id: str, value: object) -> None:
        """Rate one principle (1-5, or ``None`` to unrate). Bad input shows a message, never raises.
        The profile is up to date when it returns (a learner's own quick ratings are kept together)."""
        self.safely(self._rate)(principle_id, value)
        self._soon.flush()

    def _rate(self, principle_id: str, value: object) -> None:
        pid = get_principle(principle_id).id
        if value is None:
            _show_placeholder(self.dropdowns[pid])
            return
        number = culture_profile({pid: value}).ratings[pid]  # validates, with the learner's message
        self.dropdowns[pid].value = number

    def set_ratings(self, ratings: Mapping[str, object]) -> None:
        """Replace all ratings at once (one redraw). Bad input shows a message and changes nothing."""
        self._soon.flush()  # (the learner's own ratings given just before are kept first)
        self.safely(self._set_ratings)(ratings)

    def _set_ratings(self, ratings: Mapping[str, object]) -> None:
        clean = culture_profile(ratings).ratings  # validate everything before touching the controls
        self._quiet = True
        try:
            for pid, dd in self.dropdowns.items():
                if pid in clean:
                    dd.value = clean[pid]
                else:
                    _show_placeholder(dd)
        finally:
            self._quiet = False
        self.update()

    def clear(self) -> None:
        """Set every principle back to 'not rated' (and forget the learner's kept ratings)."""
        mine = self.example.value is None
        self._clearing.disarm()
        if mine:
            self._soon.drop()  # (ratings waiting to be kept are cleared with the rest)
        else:
            self._soon.flush()
        self._quiet = True  # (choosing "None" below would fill the kept ratings in again)
        try:
            _show_placeholder(self.example)
        finally:
            self._quiet = False
        self.example_note.value = ""
        self._set_ratings({})
        if self.kept is not None and mine:
            problem = self.kept.forget()
            self.keep_note.value = message(as_sentence(problem), "info") if problem else (
                f"<p>Your ratings were cleared. {html.escape(KEPT_RATINGS.format(where=kept_where()))}</p>")

    def update(self) -> None:
        """Rebuild the profile from the ratings and redraw the radar and the advice."""
        self.profile = culture_profile(self.ratings)
        self.chart = build_culture_radar(self.profile)
        show_chart(self.chart, self.out)
        n = len(self.ratings)
        self.progress.value = f'<p role="status">{n} of {len(self.dropdowns)} statements rated.</p>'
        self.advice.value = self._advice_html()

    def _advice_html(self) -> str:
        p = self.profile
        names = {c.key: c.name for c in cultures()}
        if not p.scores:
            return ("<p>Rate at least one statement in each culture to see your profile. The dashed ring "
                    "shows the course's picture of a super-ordinate culture: all four present.</p>"
                    + _html.note(PROFILE_NOTE))
        parts = []  # the summary itself is in the chart's text description, just above
        gaps = p.to_develop()
        if gaps:
            items = "".join(f"<li><strong>{html.escape(names[g.culture])}</strong> ({g.score:.1f} out of 5): "
                            f"{html.escape(g.reason)}</li>" for g in gaps)
            parts.append("<p><strong>What to develop, and why</strong> (the reasons are the paper's argument "
                         "for a super-ordinate culture, in our words; where the paper gives no reason, the "
                         f"reason says so and gives ours):</p><ul>{items}</ul>")
        elif p.is_superordinate:
            parts.append("<p><strong>All four cultures are well present.</strong> By the course's rule of thumb "
                         "this looks like the super-ordinate culture the paper argues for: keep the overlay "
                         "of groupwork, leadership and learning skills strong.</p>")
        if p.unrated:
            parts.append("<p>Not yet rated: " + ", ".join(names[k] for k in p.unrated)
                         + ". The profile is partial until every culture has at least one rating.</p>")
        parts.append(_html.note(PROFILE_NOTE))
        return "".join(parts)
