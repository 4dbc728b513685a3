"""Answers given quickly are kept together, and said to be waiting meanwhile (walk18 H1: in the
browser edition each rating took about half a second to keep and redraw, ratings given quickly queued
up, and closing the tab a second later lost the last ones without a word)."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as W

from coplearn.practice.lesson_answers import LessonAnswers
from coplearn.widgets._base import UNSAVED_CLASS, KeptSoon


class _Handle:
    def __init__(self, fn) -> None:
        self.fn, self.cancelled = fn, False

    def cancel(self) -> None:
        self.cancelled = True


class FakeLoop:
    """The kernel's event loop, turned by hand (a real one cannot run here when another, such as the
    browser tests' Playwright loop, is running in the same thread)."""

    def __init__(self) -> None:
        self.waiting: list[_Handle] = []

    def call_later(self, _delay: float, fn) -> _Handle:
        handle = _Handle(fn)
        self.waiting.append(handle)
        return handle

    def turn(self) -> None:
        due, self.waiting = self.waiting, []
        for handle in due:
            if not handle.cancelled:
                handle.fn()


def _soon(tmp_path: Path, loop: FakeLoop | None):
    kept = LessonAnswers("quick", tmp_path / "journal.json")
    writes: list[dict] = []
    keep_many = kept.update_many

    def counted(changes):
        writes.append(dict(changes))
        return keep_many(changes)

    kept.update_many = counted  # type: ignore[method-assign]
    marker, redraws, problems = W.HTML(), [], []
    soon = KeptSoon(kept, marker, problems.append, then=lambda: redraws.append(1), seconds=0.3, loop=lambda: loop)
    return soon, kept, marker, writes, redraws, problems


def test_answers_given_quickly_are_kept_in_one_write_and_marked_meanwhile(tmp_path):
    loop = FakeLoop()
    soon, kept, marker, writes, redraws, problems = _soon(tmp_path, loop)
    soon.put("P1", 5)  # the first of a quiet spell: kept at once
    assert writes == [{"P1": 5}] and redraws == [1] and UNSAVED_CLASS not in marker._dom_classes
    for key in ("P2", "P3", "P4"):
        soon.put(key, 4)
    soon.put("P1", None)  # changed back to "not rated" before it was kept
    assert writes == [{"P1": 5}], writes  # waiting...
    assert UNSAVED_CLASS in marker._dom_classes and "Keeping your answers" in marker.value
    assert len(loop.waiting) == 1  # one run waits for the four
    loop.turn()
    assert writes == [{"P1": 5}, {"P2": 4, "P3": 4, "P4": 4, "P1": None}]  # ... then one write for the four
    assert redraws == [1, 1] and UNSAVED_CLASS not in marker._dom_classes and marker.value == ""
    assert kept.load() == {"P2": 4, "P3": 4, "P4": 4} and problems == []


def test_waiting_answers_can_be_kept_now_or_dropped(tmp_path):
    loop = FakeLoop()
    soon, kept, marker, writes, _redraws, _problems = _soon(tmp_path, loop)
    soon.put("P1", 3)
    soon.put("P2", 2)
    soon.flush()  # (an example team is chosen: the learner's own ratings are kept first)
    assert kept.load() == {"P1": 3, "P2": 2} and UNSAVED_CLASS not in marker._dom_classes
    soon.put("P3", 1)
    soon.drop()  # (the ratings are being cleared)
    loop.turn()
    assert kept.load() == {"P1": 3, "P2": 2} and UNSAVED_CLASS not in marker._dom_classes
    assert writes == [{"P1": 3}, {"P2": 2}]


def test_a_write_that_fails_is_said(tmp_path):
    soon, kept, marker, _writes, _redraws, problems = _soon(tmp_path, None)
    kept.path.parent.mkdir(parents=True, exist_ok=True)
    kept.path.mkdir()  # a folder where the file should be: it cannot be written
    soon.put("P1", 3)
    assert len(problems) == 1 and "could not be kept" in problems[0], problems
    assert UNSAVED_CLASS not in marker._dom_classes
