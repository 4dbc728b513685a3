"""Find a public name in one of a package's topic modules, importing only what is needed."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["topic_getattr"]


def topic_getattr(package: str, modules: Sequence[str], what: str) -> Callable[[str], Any]:
    """A module ``__getattr__`` that looks ``name`` up in each topic module's ``__all__``."""

    def __getattr__(name: str) -> Any:
        for mod in modules:
            try:
                module = importlib.import_module(f"{package}.{mod}")
            except ModuleNotFoundError as exc:
                if exc.name == f"{package}.{mod}":
                    continue
                raise
            if name in getattr(module, "__all__", ()):
                return getattr(module, name)
        raise AttributeError(f"{package} has no {what} called {name!r}")

    return __getattr__
