"""Widgets share their layout and style within one activity, and importing them makes no widget.

Both keep the browser edition fast: every widget is a message to the page and a model in it, and the
edition's memory snapshot (coplearn/site/snapshot.py) imports coplearn.widgets before any page exists.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from coplearn.widgets.cultures import CultureProfileWidget
from coplearn.widgets.sorting import ContextSorter

SRC = Path(__file__).resolve().parents[1] / "src"


def test_an_activitys_drop_downs_share_one_layout_and_one_style_but_not_with_another_activity():
    first, second = CultureProfileWidget(), CultureProfileWidget()
    drops = list(first.dropdowns.values())
    assert len(drops) > 1
    assert len({id(d.layout) for d in drops}) == 1 and len({id(d.style) for d in drops}) == 1
    assert drops[0].style.description_width == "initial" and drops[0].layout.width == "46em"
    assert next(iter(second.dropdowns.values())).layout is not drops[0].layout
    sorter = ContextSorter("wenger")
    layouts = {id(d.layout) for d in sorter.dropdowns.values()} | {id(f.layout) for f in sorter.feedback.values()}
    assert len(layouts) == 2  # the drop-downs' and the feedback lines'


def test_importing_every_widget_module_makes_no_widget():
    code = ("import importlib, pkgutil, coplearn.widgets as w\n"
            "for m in pkgutil.iter_modules(w.__path__): importlib.import_module('coplearn.widgets.' + m.name)\n"
            "from ipywidgets.widgets.widget import _instances\n"
            "print(len(_instances))\n")
    env = dict(os.environ, PYTHONPATH=str(SRC))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "0"
