"""Which answer a graded cell marks, shown to the learner: typed (or worked out) first, then the drop-down.

Each assignment's locked set-up cell calls :func:`prepare_answers`, which watches the answer cells
(a cell that works its answer out with code has the value it computed saved to ``answers.json``).
The graded cells call :func:`choice`, :func:`number` and :func:`several`, which print the answer
that will be marked ("Your answer to statement 3: managed (chosen with the drop-down)") in the
learner's session, in ``nbgrader validate`` and in the autograder alike. Whether an answer is
right is decided by hidden tests that live only in ``solutions/``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Any

from coplearn.grading.answers import (_SHOW_ITEMS, ANSWERS_FILE, _show, as_data, blank_answer, canonical, unreadable_hint,
                                      is_answer_name, item_value, names_given, names_item, number_text, parse_answer_cell,
                                      several_values, short_key, syntax_hint, unquoted_hint, unread_elsewhere,
                                      unread_in_note)
from coplearn.grading.checks import UNREAD_AT_GRADING, UNREAD_MESSAGE, plain_errors
from coplearn.grading.store import AnswerStore

__all__ = ["CHOSEN", "choice", "number", "prepare_answers", "several"]


def _namespace() -> Mapping[str, Any]:
    """The learner's variables: the IPython user namespace, or the calling module's globals."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:  # pragma: no cover - IPython is always there with Jupyter
        shell = None
    if shell is not None:
        return shell.user_ns
    frame = sys._getframe(2)
    return frame.f_globals


#: (as the autograder's sanitising step has it: a list or dict of blanks is blank too, red team 21 F2)
_blank = blank_answer


# The answers that will be marked, as the learner's answer cells gave them (see prepare_answers).
_MARKED: dict[str, object] = {}
_HOW: dict[str, str] = {}
_TRACKING = False
#: The answer names given in a cell Python could not read when it last ran (a quotation mark never
#: closed ...): the autograder marks them unanswered, and the check lines say why (walk19 #3).
_UNREAD: set[str] = set()
#: The cell (JupyterLab's id) that last gave each answer name a value it could read, or None.
_GIVEN_IN: dict[str, object] = {}
#: Every cell (JupyterLab's id, or None) that has given each answer name a value, in this session.
_GIVEN_BY: dict[str, set[object]] = {}
#: The answers (``q2_stage``, or an item: ``q1.3``) whose check has run and shown an answer (typed, worked
#: out, or chosen with the drop-down or box), each with the cells that had given it a value by then and the
#: check's label (red team 28 H1, rev28b H1): a value given later in another cell comes after that check, and
#: the autograder marks the answer the check showed, not that value.
_CHECKED: dict[str, tuple[set[object], str]] = {}
#: Those of them the autograder found so, in a notebook handed in (its note in the cell names them:
#: check19 L5): the feedback says the cell could not be read, not "mend it" nor "not answered".
_UNREAD_AT_GRADING: set[str] = set()
#: The labels ("scenario 1") whose check found no answer because of such a cell, with what it says.
_UNREAD_LABELS: dict[str, str] = {}
#: The labels whose check shows the drop-down's or box's answer although the learner typed one that is not
#: used (the answer cell cannot be read, or its ``{...}`` names no such item), with what it says (walk29b M2,
#: M4: a drop-down answer hid that the typed one was dropped, and ``nbgrader validate`` said "Success!").
_INSTEAD_LABELS: dict[str, str] = {}
#: The items of each question whose checks have run (``{"q1": {"task", "team"}}``), for a question whose items no
#: answer widget has named (see :data:`_ITEMS`).
_ITEMS_ASKED: dict[str, set[str]] = {}
#: For each question whose typed ``{...}`` holds a key that names none of its items, the check that says so (once).
_STRAY_AT: dict[str, str] = {}
#: The items of each question, as its answer widget (drop-downs or boxes, shown above the checks) names them
#: (:func:`note_items`): a typed ``{...}`` key that names none of them is a slip ('lelia', ``1``), whichever item's
#: check comes first (red team 30 M1).
_ITEMS: dict[str, frozenset[str]] = {}


def note_items(question: str, items: object) -> None:
    """Record the items of ``question`` (an answer widget calls this when it is made; a question split over two
    widgets has the items of both)."""
    _ITEMS[question] = _ITEMS.get(question, frozenset()) | frozenset(str(i) for i in items)  # type: ignore[attr-defined]


def unread_because_of_cell(label: str) -> bool:
    """Whether the check for ``label`` found no answer because Python could not read the answer cell."""
    return label in _UNREAD_LABELS


def unread_message(label: str) -> str | None:
    """What the check for ``label`` says when Python could not read its answer cell (else None)."""
    return _UNREAD_LABELS.get(label)


def instead_message(label: str) -> str | None:
    """What the check for ``label`` says when it shows the drop-down's or box's answer because the typed one
    cannot be used (its cell cannot be read, or it names no such item); None otherwise."""
    return _INSTEAD_LABELS.get(label)


def _note_unread(question: str, where: str, answer: object, item: object | None = None,
                 control: str = "drop-down", from_control: bool = False) -> None:
    """Say (once, under the check) why an answer given in an unreadable cell is not there, or why a typed
    ``{...}`` gave this item nothing: none of its keys names it (red team 29 M1: ``{1: "R3", ...}`` for people the
    question names; the check said no answer was found, "typed or chosen"). When the answer shown came from the
    drop-down or box instead (``from_control``), say that the typed one is not used (walk29b M2, M4)."""
    _INSTEAD_LABELS.pop(where, None)
    _UNREAD_LABELS.pop(where, None)
    if item is not None:
        _ITEMS_ASKED.setdefault(question, set()).add(str(item))
    blank = answer is None or answer == []
    if question in _UNREAD and blank:
        said = (UNREAD_AT_GRADING if question in _UNREAD_AT_GRADING else UNREAD_MESSAGE).format(where=where)
        _UNREAD_LABELS[where] = said
        print(f"({said})")
    elif blank and item is not None and (said := _unnamed(question, item, control)):
        _UNREAD_LABELS[where] = said  # (the check says it, once)
    elif not blank and from_control and (said := _instead(question, where, item, control)):
        _INSTEAD_LABELS[where] = said
        from coplearn.grading.checks import marking

        if marking():  # (otherwise the check says it: under nbgrader validate it fails, so "Success!" is not said)
            print(f"({said})")


def _instead(question: str, where: str, item: object | None, control: str) -> str | None:
    """Why the answer shown for ``where`` is the one given with the ``control`` although the learner typed one:
    the answer cell cannot be read, or the typed ``{...}`` does not name ``item``; None when nothing was typed.

    >>> import coplearn.grading.resolve as r
    >>> given, items, unread = r._given, dict(r._ITEMS), set(r._UNREAD)
    >>> r._ITEMS.clear(); r._ITEMS_ASKED.clear(); r._UNREAD.clear()   # (as in a fresh kernel)
    >>> r._given = lambda q: {1: "R2", 2: "R4"}
    >>> print(r._instead("q1_readiness", "Frank's readiness", "frank", "drop-down"))
    Your typed q1_readiness does not name 'frank', and its keys 1, 2 name none of the question's items, so the answer shown for Frank's readiness is the one chosen with the drop-down. To answer it by typing, write 'frank': ... as in q1_readiness = {'frank': ...}.
    >>> r._given = lambda q: {"frank": None}
    >>> r._instead("q1_readiness", "Frank's readiness", "frank", "drop-down") is None
    True
    >>> r._given, r._ITEMS_ASKED["q1"] = (lambda q: {"task": 3.46}), {"task"}
    >>> r._instead("q1", "the team score", "team", "box") is None   # (one item typed, the rest in the boxes)
    True
    >>> r._given = given; r._ITEMS_ASKED.clear(); r._ITEMS.update(items); r._UNREAD.update(unread)
    """
    from coplearn.grading.checks import marking

    given = "entered in the box" if control == "box" else f"chosen with the {control}"
    if question in _UNREAD:
        if question in _UNREAD_AT_GRADING or marking():
            return (f"The answer cell for {where} could not be read by Python when the notebook was marked, so the "
                    f"answer {given} was marked instead of anything typed there.")
        return (f"The answer cell for {where} cannot be read by Python yet (the message under it says what to mend), "
                f"so the answer shown for {where} is the one {given}, not what you typed there. Mend the cell and "
                "run it again, or set the typed answer back to None if you mean this one.")
    if item is None:
        return None
    value = _given(question)
    shown_item = _shown_item(item)
    how_to = f"To answer it by typing, write {shown_item}: ... as in {question} = {{{shown_item}: ...}}."
    if isinstance(value, Mapping):
        # a key that names none of the question's items and holds an answer is a slip; {"task": 3.46} typed with the
        # boxes for the rest is a way to answer, not a slip (the widget names the items; failing that, the items
        # checked so far)
        items = _ITEMS.get(question) or frozenset(_ITEMS_ASKED.get(question, set()) | {str(item)})
        stray = {k: v for k, v in value.items() if not _blank(v) and not any(names_item(k, i) for i in items)}
        if not stray:
            return None
        keys = (f"its key {_keys_listed(stray)} names" if len(stray) == 1 else f"its keys {_keys_listed(stray)} name")
        if any(names_item(k, item) for k in value):
            # it names this item, left blank (the drop-down's or box's answer is the answer: rev30 H1); the stray key
            # is said once for the question, at the first check that meets it (rev30b N1: all named, plus 'lelia'),
            # unless an item it leaves unnamed will say it at its own check
            if question in _ITEMS and any(not any(names_item(k, i) for k in value) for i in items):
                return None
            if _STRAY_AT.setdefault(question, where) != where:
                return None
            held = "what it holds" if len(stray) == 1 else "what they hold"
            if marking():
                return f"In the typed {question}, {keys} none of the question's items, so {held} was not marked."
            return (f"In your typed {question}, {keys} none of the question's items, so {held} is not marked: check "
                    "the spelling of the key, as the question names each item.")
        _STRAY_AT.setdefault(question, where)
        if marking():
            return (f"The typed {question} does not name {shown_item}, and {keys} none of the question's items, so "
                    f"the answer {given} was marked for {where}.")
        return (f"Your typed {question} does not name {shown_item}, and {keys} none of the question's items, so the "
                f"answer shown for {where} is the one {given}. {how_to}")
    if _blank(value) or (isinstance(value, (list, tuple)) and str(item).isdecimal()):
        return None  # (nothing typed; a list answers numbered items in order, and gave this one nothing)
    what = "a list" if isinstance(value, (list, tuple)) else "one answer for the whole question"
    if marking():
        return (f"The typed {question} is {what}, which does not name the question's items, so the answer {given} "
                f"was marked for {where}.")
    return (f"Your typed {question} is {what}, which does not name the question's items, so the answer shown for "
            f"{where} is the one {given}. {how_to}")


def _shown_item(item: object) -> str:
    """An item as the learner would type its key: ``3`` for a numbered one, ``'frank'`` for a named one."""
    return repr(int(str(item))) if str(item).isdecimal() else repr(str(item))


def _keys_listed(value: Mapping[Any, Any]) -> str:
    """The first keys of a typed ``{...}``, as Python writes them (a line break as \\n), each cut to 40 characters:
    a line the learner, the feedback and the tutor read, which a long or odd key cannot stretch.

    >>> _keys_listed({1: None, "x" * 100: None})
    "1, 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'"
    """
    return ", ".join(short_key(k) for k in list(value)[:6]) + (", ..." if len(value) > 6 else "")


def _unnamed(question: str, item: object, control: str = "drop-down") -> str | None:
    """Why the typed answer to ``question`` gives ``item`` nothing although it is not blank: none of its keys names
    the item (an item named and left as ``None``, as released, is simply not answered: walk29b H1), or it is a list
    where the items have names; None otherwise. In the learner's run, what to do (``control``: the drop-down or
    the box that answers it too); in a notebook the autograder marks, what happened.

    >>> import coplearn.grading.resolve as r
    >>> given = r._given
    >>> r._given = lambda q: {"frank": None, "dan": "R1"}
    >>> r._unnamed("q1_readiness", "frank") is None   # (named, left blank: not answered, said as such)
    True
    >>> r._given = lambda q: {1: "R3"}
    >>> r._unnamed("q1_readiness", "frank").startswith("Your typed q1_readiness does not name 'frank' (it names 1)")
    True
    >>> r._given = given
    """
    from coplearn.grading.checks import marking

    value = _given(question)
    shown_item = _shown_item(item)
    example = f"{question} = {{{shown_item}: ...}}"
    how_else = "enter it in the box" if control == "box" else f"choose it with the {control}"
    if isinstance(value, Mapping) and value and not any(names_item(k, item) for k in value):
        listed = _keys_listed(value)
        if marking():
            return (f"The typed {question} does not name {shown_item} (it names {listed}), so nothing typed was "
                    f"marked for it; the question names it {shown_item}.")
        return (f"Your typed {question} does not name {shown_item} (it names {listed}). To answer it, add "
                f"{shown_item}: ... as in {example}, or {how_else}.")
    if isinstance(value, (list, tuple)) and value and not str(item).isdigit():
        if marking():
            return (f"The typed {question} is a list, which names no item, so nothing typed was marked for "
                    f"{shown_item}.")
        return (f"Your typed {question} is a list, so it gives {shown_item} nothing: name each item, as in "
                f"{example}, or {how_else}.")
    return None


#: How a check line says an answer came from a drop-down ("Your answer to statement 3: managed
#: (chosen with the drop-down)"); the grading hook looks for it in a notebook handed in without
#: answers.json (:mod:`coplearn.grading.submission`).
CHOSEN = "chosen with the drop-down"


def _given(question: str) -> Any:
    """The value the learner's answer cells gave ``question``: the value that will be marked once
    :func:`prepare_answers` is watching the cells, otherwise the variable of that name."""
    if _TRACKING:
        return _MARKED.get(question)
    return _namespace().get(question)


def _typed(question: str, item: object | None) -> Any:
    """What the learner typed for ``question`` (and ``item``), or ``None``."""
    value = _given(question)
    return value if item is None else item_value(value, item)


def prepare_answers() -> None:
    """Get an assignment notebook ready: plain error messages, and the answer cells watched.

    Each assignment's locked set-up cell calls this. From then on, whenever a cell that gives a
    value to an answer name (``q1``, ``q2_stage`` ...) runs:

    - a plain answer cell (``name = value`` lines) is what will be marked, as typed;
    - a cell that works its answer out with code has the value it computed saved to
      ``answers.json`` (atomically) with a note saying what was saved: that saved value is what
      will be marked, because the autograder never runs a learner's code.

    Under ``nbgrader validate`` and the autograder nothing is saved: a worked-out answer is taken
    from ``answers.json`` as it was last saved, exactly as the autograder will take it.
    """
    global _TRACKING
    plain_errors()
    _MARKED.clear()
    _HOW.clear()
    _UNREAD.clear()
    _UNREAD_AT_GRADING.clear()
    _UNREAD_LABELS.clear()
    _INSTEAD_LABELS.clear()
    # (_ITEMS is kept: a question's items do not change, and a set-up cell run again need not be followed by the
    # widget cell: rev30 L3; a new kernel, or the grading kernel's reset, starts it empty)
    _ITEMS_ASKED.clear()
    _STRAY_AT.clear()
    given_in = dict(_GIVEN_IN)
    _GIVEN_IN.clear()
    _GIVEN_BY.clear()
    _CHECKED.clear()
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        return
    if shell is None:
        return
    # Answers given before this cell ran (the set-up cell moved below an answer, or run again) stay
    # the answers: otherwise a test before it and a test after it could mark two different values.
    for name, value in list(shell.user_ns.items()):
        if is_answer_name(name) and not _blank(value):
            try:
                _MARKED[name] = as_data(value)
            except ValueError:
                continue
            _HOW[name] = "given earlier in this notebook"
            if name in given_in:
                # (the cell that gave it, as far as this session knows: on a second Run All that is the answer cell
                # itself, whose value is not "an earlier cell's" once a slip makes it unreadable: walk30s M1)
                _GIVEN_IN[name] = given_in[name]
    if not _TRACKING:
        shell.events.register("post_run_cell", _after_cell)
        _TRACKING = True


def _after_cell(result: Any) -> None:
    try:
        info = getattr(result, "info", None)
        source = getattr(info, "raw_cell", None)
        if not isinstance(source, str):
            return
        marked_unread = unread_in_note(source)
        if marked_unread:  # a cell the autograder could not read: no typed answer in it is marked; the checks say why
            _UNREAD.update(marked_unread)
            _UNREAD_AT_GRADING.update(marked_unread)
            return
        cell = getattr(info, "cell_id", None)  # (JupyterLab names the cell that ran; None where it does not)
        elsewhere = unread_elsewhere(source)
        if elsewhere:  # the autograder's note before the first test of answers typed in such a cell further on
            failed = any(getattr(result, e, None) is not None for e in ("error_before_exec", "error_in_exec"))
            _watch(source, failed, cell)  # (answers placed in the same cell are read first)
            _UNREAD.update(elsewhere)
            _UNREAD_AT_GRADING.update(elsewhere)
            return
        if getattr(result, "error_before_exec", None) is not None:
            names = names_given(source)
            if not names:
                return
            kept = _unreadable(names, cell)
            error = result.error_before_exec
            # (Python's own "':' expected after dictionary key" does not say what to change)
            hint = unreadable_hint(source, error) or syntax_hint(error)
            print(f"Python cannot read this answer cell, so its answers are not marked until it is mended: {hint}." +
                  _meanwhile(kept))
            return
        error = getattr(result, "error_in_exec", None)
        hint = unquoted_hint(source, error) if isinstance(error, NameError) else None
        names = list(parse_answer_cell(source).names) if hint else []
        if hint and set(names) & set(AnswerStore().computed()):
            hint = None  # (a worked-out answer whose value is saved, and marked: check22 L2; Python's own error stands)
        if hint:  # a choice typed without its quotation marks: Python's "name ... is not defined" says nothing of them
            kept = _unreadable(names or names_given(source), cell)
            print(f"Python cannot run this answer cell, so its answers are not marked until it is mended: {hint}." +
                  _meanwhile(kept))
            return
        _watch(source, error is not None, cell)
    except Exception as exc:  # a note, never a broken notebook
        print(f"(coplearn could not check this cell's answers: {exc})")


def _unreadable(names: list[str], cell: object) -> list[str]:
    """A cell giving ``names`` could not be read: as the autograder will, mark none of its answers
    until it is mended, but keep one already read from another cell, which the autograder marks too
    (red team 20 F3). ``cell`` is JupyterLab's id of the cell; where there is none (``nbgrader
    validate`` runs each cell once, top to bottom) an answer already read came from another cell
    (check20b M2). A blank one (``None``, as released) is not an answer. Returns the names kept."""
    kept = []
    for name in names:
        _UNREAD.add(name)
        if name in _MARKED and not _blank(_MARKED[name]) and (cell is None or _GIVEN_IN.get(name) != cell):
            kept.append(name)
            continue
        _MARKED.pop(name, None)
        _HOW.pop(name, None)
    return kept


def _meanwhile(kept: list[str]) -> str:
    if not kept:
        # (what is marked meanwhile, said where the learner is: Run All stops at this cell, so the checks below
        # it do not run until it is mended: walk30s M1, L6)
        return (" Until you mend it, the answers given with the drop-downs (or boxes) are the ones marked for the "
                "questions in this cell.")
    several = len(kept) > 1
    return (f" Meanwhile the answer{'s' if several else ''} given for {', '.join(kept)} in an earlier cell "
            f"{'are' if several else 'is'} the one{'s' if several else ''} marked.")


def _watch(source: str, failed: bool, cell: object = None) -> None:
    parsed = parse_answer_cell(source)
    if not parsed.readable and not failed:
        # it ran (a notebook command such as %env, which the learner's kernel obeys), but it cannot be
        # read as answers, so the autograder marks none from it: said, not silent (red team 20 F4)
        names = names_given(source)
        if names:
            kept = _unreadable(names, cell)
            print(f"This answer cell cannot be read as answers, so they are not marked until it is mended: "
                  f"{str(parsed.problem).removeprefix('it is not Python that can be read: ')}." + _meanwhile(kept))
        return
    if not parsed.names:
        return
    for name in parsed.names:
        _GIVEN_IN[name] = cell
        _GIVEN_BY.setdefault(name, set()).add(cell)
    _UNREAD.difference_update(parsed.names)
    if parsed.plain:
        for name in parsed.names:
            if name in parsed.values:
                _MARKED[name] = parsed.values[name]
                _HOW[name] = "typed"
        said = [label for n in parsed.names for label in _checked_before(n, parsed.values.get(n), cell)]
        if said:
            print(_after_check(said))
        return
    from IPython import get_ipython

    namespace = get_ipython().user_ns
    store = AnswerStore()
    saving = store.read_only_reason is None
    for name in parsed.names:
        if saving:
            if failed or name not in namespace:
                continue
            try:
                data = as_data(namespace[name])
            except ValueError as exc:
                _MARKED.pop(name, None)
                print(f"{name} cannot be marked: {exc}. Give it a plain value (text, a number, or a list).")
                continue
            store.save_computed(name, data)
            _MARKED[name] = data
            _HOW[name] = "worked out in your notebook and saved"
            said = _checked_before(name, data, cell)
            if said:
                # (the note first: what a learner reads first must not be "Saved:" for a value not marked: walk30s L5)
                print(_after_check(said) + f" (This cell works its answer out, so the value it gave, {name} = "
                      f"{_show(data)}, is saved in {ANSWERS_FILE}.)")
                continue
            print(f"Saved for marking: {name} = {_show(data)} (this cell works its answer out, so the value "
                  f"it gave is saved in {ANSWERS_FILE} and that is what will be marked).")
        else:
            saved = store.computed().get(name)
            if saved is None:
                _MARKED.pop(name, None)
                print(f"{name} is worked out with code and no value has been saved for marking: run this cell "
                      "in your own notebook (it saves the value), or type the answer as a plain value.")
            else:
                _MARKED[name] = saved
                _HOW[name] = f"worked out in the notebook and saved in {ANSWERS_FILE}"


def _checked_before(name: str, value: object, cell: object) -> list[str]:
    """The labels of the checks that already ran, showing an answer, for the parts of answer ``name`` that
    ``value`` gives (the whole answer, or each item a dict or list gives), when ``cell`` had not given it
    by then: such a cell may come after those checks (see :data:`_CHECKED`)."""
    def seen(key: str) -> str | None:
        found = _CHECKED.get(key.lower())
        return found[1] if found is not None and cell not in found[0] else None

    if _blank(value):
        return []
    if (label := seen(name)) is not None:
        return [label]
    if isinstance(value, Mapping):
        items = [str(k).strip() for k, v in value.items() if not _blank(v)]
    elif isinstance(value, (list, tuple)):
        items = [str(i) for i, v in enumerate(value, 1) if not _blank(v)]
    else:
        items = []
    return [label for k in items if (label := seen(f"{name}.{k}")) is not None]


def _after_check(labels: list[str]) -> str:
    """What a cell giving an answer after its check ran is told (``labels``: the checks, "statement 3")."""
    shown = ", ".join(labels[:5]) + (f" and {len(labels) - 5} more" if len(labels) > 5 else "")
    many = len(labels) > 1
    it = "those checks" if many else "that check"
    return (f"Note: the check{'s' if many else ''} for {shown} already ran, showing an answer. If this cell is below "
            f"{it}, the answer{'s' if many else ''} {it} showed {'are' if many else 'is'} marked, not this value: type "
            "it in the answer cell above the check instead, then use Restart Kernel and Run All Cells.")


#: What a test says of an answer when the set-up cell (which watches the answer cells) has not run
#: in this session: a worked-out answer is then not saved for marking, so "typed" would mislead.
UNCHECKED = ("not checked for marking yet: run the notebook's first code cell (the set-up), then your answer cell "
             "again, or use Restart Kernel and Run All Cells")


def _how(question: str) -> str:
    """How the marked value of ``question`` was given, as the tests print it."""
    if question in _HOW:
        return _HOW[question]
    if _TRACKING:
        return "typed"
    try:
        from IPython import get_ipython

        in_notebook = get_ipython() is not None
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        in_notebook = False
    return UNCHECKED if in_notebook else "typed"


def _not_answered() -> str:
    """How a check line says there is no answer: "not answered yet." in the learner's own run and in
    ``nbgrader validate``; "not answered." in a notebook the autograder marks (its feedback)."""
    from coplearn.grading.checks import marking

    return "not answered." if marking() else "not answered yet."


def _key(question: str, item: object | None) -> str:
    return question if item is None else f"{question}.{item}"


def choice(question: str, item: object | None = None, *, kind: str, label: str | None = None,
           folder: str | os.PathLike[str] | None = None) -> object:
    """The learner's answer to a choice question, printed as text, as an option key if it is one.

    The typed answer (variable ``question``, or ``question[item]`` when it is a dict) wins;
    otherwise the drop-down choice saved as ``"question.item"`` is used.
    """
    where = label or _key(question, item)
    typed = _typed(question, item)
    if not _blank(typed):
        answer, how = canonical(typed, kind), _how(question)
    else:
        store = AnswerStore(folder)
        answer, how = canonical(store.get(_key(question, item)), kind), CHOSEN
        if store.last_warning:
            print(store.last_warning)
    _checked(question, item, answer, where)
    if answer is None:
        print(f"Your answer to {where}: {_not_answered()}")
    else:
        print(f"Your answer to {where}: {_shown_choice(answer, kind)} ({how})")
    _note_unread(question, where, answer, item, from_control=how == CHOSEN)
    return answer


def _checked(question: str, item: object | None, answer: object, label: str) -> None:
    """A check of ``question`` (or its ``item``) showed ``answer``: noted once, if it is an answer, with the cells
    that had given ``question`` a value by then and the check's ``label`` (see :data:`_CHECKED`)."""
    key = _key(question, item).lower()
    if not _blank(answer) and key not in _CHECKED:
        _CHECKED[key] = (set(_GIVEN_BY.get(question, ())), label)


def _shown_choice(answer: object, kind: str) -> str:
    """An answer as the check line shows it: an option by the word the learner knows it by
    (``co-producers``, not the course's key ``co_producers``: walk22 L4), anything else as given."""
    from coplearn.grading.options import options

    if isinstance(answer, str) and "_" in answer and any(o.key == answer for o in options(kind)):
        return answer.replace("_", "-")
    return _show(answer)


def number(question: str, item: object | None = None, *, label: str | None = None,
           folder: str | os.PathLike[str] | None = None) -> object:
    """The learner's numeric answer (typed, or saved from a text box), printed, as a float if it
    reads as a number ("3.25", "3,25" and 3 all do)."""
    where = label or _key(question, item)
    typed = _typed(question, item)
    how = _how(question)
    raw: object = typed
    boxed = _blank(typed)
    if boxed:
        store = AnswerStore(folder)
        raw, how = store.get(_key(question, item)), "entered in the box"
        if store.last_warning:
            print(store.last_warning)
    answer: object = raw
    if isinstance(raw, bool):
        answer = raw
    elif isinstance(raw, (int, float)):
        answer = float(raw)
    elif isinstance(raw, str):
        try:
            answer = float(number_text(raw)) if raw.strip() else None
        except ValueError:  # (as the course's record reads it: coplearn.grading.schema.clean_value)
            answer = raw.strip()
    _checked(question, item, answer, where)
    if answer is None:
        print(f"Your answer for {where}: {_not_answered()}")
    else:
        print(f"Your answer for {where}: {_show(answer)} ({how})")
    _note_unread(question, where, answer, item, "box", from_control=boxed)
    return answer


def several(question: str, count: int, *, kind: str, label: str | None = None,
            folder: str | os.PathLike[str] | None = None) -> list[object]:
    """The learner's answers to a question that asks for ``count`` choices (a list, printed).

    A typed list (or a comma-separated text such as ``"K5, T4, I3"``) wins; otherwise the
    drop-down choices saved as ``"question.1"`` ... ``"question.<count>"`` are used. Blank
    entries are left out.
    """
    where = label or question
    values = several_values(_given(question), kind)
    how = _how(question)
    chosen = all(_blank(v) for v in values)
    if chosen:
        store = AnswerStore(folder)
        saved = store.all()
        values = [saved.get(f"{question}.{n}") for n in range(1, count + 1)]
        how = CHOSEN + "s"
        if store.last_warning:
            print(store.last_warning)
    answers = [canonical(v, kind) for v in values if not _blank(v)]
    _checked(question, None, answers, where)
    if not answers:
        print(f"Your answer to {where}: {_not_answered()}")
    else:
        shown = ", ".join(_shown_choice(a, kind) for a in answers[:_SHOW_ITEMS])
        if len(answers) > _SHOW_ITEMS:
            shown += f" ... and {len(answers) - _SHOW_ITEMS} more"
        print(f"Your answer to {where}: {shown} ({how})")
    _note_unread(question, where, answers, control="drop-downs", from_control=chosen)
    return answers
