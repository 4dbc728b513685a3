"""What ``coplearn lab`` asks JupyterLab's server to do as it saves a notebook (walk23 L4).

A notebook that has run keeps, in each output where an activity (an ipywidgets control) was drawn,
only the place of that activity: the activity itself lives in the kernel. Once that kernel has stopped
(JupyterLab closed and opened again, a hub's idle server culled), the notebook reopens with "Error
displaying widget: model not found" under each question until Run All, which reads as if something
broke. ``coplearn lab`` therefore saves notebooks without those places (:func:`drop_widget_views`, a
pre-save hook named on its command line); Run All draws the activities again, and the drop-downs fill
themselves from ``answers.json``.

Nothing a learner wrote, and nothing nbgrader grades, is in those outputs: the typed answer cells,
``answers.json`` and the checks' printed lines (which the grading step reads to notice a missing
``answers.json``) are kept as they are. A widget whose state the notebook keeps (JupyterLab's
"save widget state") can still be drawn, so its place is kept too. The browser edition does the same
in the page (``coplearn.site.pages``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["PLACEHOLDER", "WIDGET_VIEW", "drop_widget_views", "without_widget_views"]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
#: What a cell shows where its activities were left out, once per cell (check24 finding 2: with nothing
#: there, a learner who reloaded the page saw the drop-downs gone and no word of how to get them back).
#: Run All, not "run this cell": once the kernel has stopped, one cell alone fails (docs24 2).
#: The browser edition's pages say the same (``coplearn.site.pages``).
PLACEHOLDER = "(An activity was shown here. To show it again, choose Run → Run All Cells.)"


def without_widget_views(nb: Any) -> int:
    """Remove from the notebook ``nb`` (nbformat 4, as a dict) every output that only shows a widget
    whose model the notebook does not keep, putting one line (:data:`PLACEHOLDER`) in the first one's
    place in each cell; return how many were removed. Anything that is not such a notebook is left alone.

    >>> view = {"output_type": "display_data", "metadata": {},
    ...         "data": {"text/plain": "Dropdown(...)", WIDGET_VIEW: {"model_id": "m1"}}}
    >>> printed = {"output_type": "stream", "name": "stdout", "text": "Your answer to statement 1: ..."}
    >>> nb = {"metadata": {}, "cells": [{"cell_type": "code", "source": "x", "outputs": [view, view, printed]}]}
    >>> without_widget_views(nb), [o.get("data", {}).get("text/plain", o.get("text")) for o in nb["cells"][0]["outputs"]]
    (2, ['(An activity was shown here. To show it again, choose Run → Run All Cells.)', 'Your answer to statement 1: ...'])
    >>> without_widget_views("not a notebook")
    0
    """
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return 0
    metadata = nb.get("metadata")
    widgets = metadata.get("widgets") if isinstance(metadata, dict) else None
    saved = widgets.get(WIDGET_STATE) if isinstance(widgets, dict) else None
    kept = saved.get("state") if isinstance(saved, dict) else None
    kept = kept if isinstance(kept, dict) else {}
    dropped = 0
    for cell in nb["cells"]:
        outputs = cell.get("outputs") if isinstance(cell, dict) else None
        if not isinstance(outputs, list):
            continue
        keep: list = []
        lost = 0
        for o in outputs:
            if not _lost_view(o, kept):
                keep.append(o)
                continue
            if not lost:
                keep.append({"output_type": "display_data", "metadata": {}, "data": {"text/plain": PLACEHOLDER}})
            lost += 1
        if lost:
            dropped += lost
            cell["outputs"] = keep
    return dropped


def _lost_view(output: Any, kept: dict) -> bool:
    data = output.get("data") if isinstance(output, dict) else None
    view = data.get(WIDGET_VIEW) if isinstance(data, dict) else None
    if view is None:
        return False
    model = view.get("model_id") if isinstance(view, dict) else None
    return not (isinstance(model, str) and model in kept)


def drop_widget_views(model: dict, path: str = "", contents_manager: Any = None, **kwargs: Any) -> None:
    """JupyterLab's pre-save hook (``ContentsManager.pre_save_hook``): a notebook being saved loses the
    places of widgets it cannot draw again (:func:`without_widget_views`). Never raises: a save is
    never refused for this."""
    try:
        if isinstance(model, dict) and model.get("type") == "notebook":
            dropped = without_widget_views(model.get("content"))
            log = getattr(contents_manager, "log", None)
            if dropped and log is not None:
                log.debug("coplearn: saved %s without %d widget output(s) it could not show again", path, dropped)
    except Exception as exc:  # noqa: BLE001 - the learner's save goes ahead whatever happens here
        log = getattr(contents_manager, "log", None)
        if log is not None:
            log.warning("coplearn: could not leave widget outputs out of %s: %s", path, exc)
