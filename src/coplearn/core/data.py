"""Read and validate the TOML files shipped in :mod:`coplearn.data`.

Every file is read once (cached) with :mod:`importlib.resources`. The small typed getters here do
all the checking, so a malformed data file raises one :class:`DataError` that names the file and
the key path, for example ``audit.toml: item[3].kind``.
"""

from __future__ import annotations

import dataclasses
import functools
import sys
import typing
from collections.abc import Callable, Mapping, Sequence
from importlib import resources
from typing import Any, TypeVar

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = ["DataError", "load", "Path", "record", "records", "root", "text"]

T = TypeVar("T")


class DataError(ValueError):
    """A data file shipped with coplearn is missing a key or has a value of the wrong kind."""


@functools.lru_cache(maxsize=None)
def load(name: str) -> dict[str, Any]:
    """Return the parsed TOML file ``coplearn/data/<name>``.

    >>> sorted(load("course.toml"))
    ['lesson', 'pcf']
    """
    try:
        text = resources.files("coplearn.data").joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"{name}: the data file is missing from the coplearn package") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{name}: not valid TOML ({exc})") from None


class Path:
    """A position inside a data file, used to read values and to name them in errors.

    >>> p = Path("x.toml", {"a": [{"b": 1}]})
    >>> p.table_list("a")[0].int("b")
    1
    >>> p.table_list("a")[0].str("b")
    Traceback (most recent call last):
    ...
    coplearn.core.data.DataError: x.toml: a[0].b should be text, not 1
    """

    __slots__ = ("file", "data", "where")

    def __init__(self, file: str, data: dict[str, Any], where: str = "") -> None:
        self.file = file
        self.data = data
        self.where = where

    def _key(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def _fail(self, key: str, problem: str) -> DataError:
        return DataError(f"{self.file}: {self._key(key)} {problem}")

    def _get(self, key: str) -> Any:
        if key not in self.data:
            raise self._fail(key, "is missing")
        return self.data[key]

    def has(self, key: str) -> bool:
        return key in self.data

    def str(self, key: str, default: str | None = None) -> str:
        if default is not None and key not in self.data:
            return default
        value = self._get(key)
        if not isinstance(value, str) or not value.strip():
            raise self._fail(key, f"should be text, not {value!r}")
        return value

    def int(self, key: str) -> int:
        value = self._get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self._fail(key, f"should be a whole number, not {value!r}")
        return value

    def bool(self, key: str) -> bool:
        value = self._get(key)
        if not isinstance(value, bool):
            raise self._fail(key, f"should be true or false, not {value!r}")
        return value

    def choice(self, key: str, allowed: tuple[str, ...] | list[str]) -> str:
        value = self.str(key)
        if value not in allowed:
            raise self._fail(key, f"is {value!r}; allowed: {', '.join(allowed)}")
        return value

    def str_list(self, key: str, default: tuple[str, ...] | None = None) -> tuple[str, ...]:
        if default is not None and key not in self.data:
            return default
        value = self._get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._fail(key, f"should be a list of text, not {value!r}")
        return tuple(value)

    def table(self, key: str) -> "Path":
        value = self._get(key)
        if not isinstance(value, dict):
            raise self._fail(key, "should be a table")
        return Path(self.file, value, self._key(key))

    def table_list(self, key: str) -> list["Path"]:
        value = self._get(key)
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self._fail(key, "should be a list of tables")
        return [Path(self.file, v, f"{self._key(key)}[{i}]") for i, v in enumerate(value)]

    def unique(self, rows: list[Any], attr: str, key: str) -> None:
        """Raise if two records share the same ``attr``."""
        seen: set[Any] = set()
        for row in rows:
            value = getattr(row, attr)
            if value in seen:
                raise self._fail(key, f"has the {attr} {value!r} more than once")
            seen.add(value)


def root(name: str) -> Path:
    """The top of data file ``name`` as a :class:`Path`."""
    return Path(name, load(name))


def text(name: str, *keys: str) -> str:
    """The text at ``keys`` (tables, then a key) in data file ``name``; for module constants.

    >>> text("leadership.toml", "tuckman", "source")[:12]
    'Tuckman, B. '
    """
    where = root(name)
    for key in keys[:-1]:
        where = where.table(key)
    return where.str(keys[-1])


_GETTERS: dict[Any, str] = {str: "str", int: "int", bool: "bool", tuple[str, ...]: "str_list"}


@functools.lru_cache(maxsize=None)
def _plan(cls: type) -> tuple[tuple[str, str, bool, bool], ...]:
    """For each field of dataclass ``cls``: its name, the :class:`Path` getter, whether it has a
    default and whether it is optional (``X | None``: absent from the file means ``None``)."""
    hints = typing.get_type_hints(cls)
    plan = []
    for f in dataclasses.fields(cls):
        has_default = f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        hint, optional = hints[f.name], False
        args = typing.get_args(hint)
        if type(None) in args and len(args) == 2:
            hint, optional = next(a for a in args if a is not type(None)), True
        plan.append((f.name, _GETTERS.get(hint, ""), has_default, optional))
    return tuple(plan)


def record(row: Path, cls: type[T], *, choices: Mapping[str, Sequence[str]] | None = None,
           rename: Mapping[str, str] | None = None, given: Mapping[str, Any] | None = None) -> T:
    """Build one ``cls`` (a dataclass) from the table ``row``, one key per field.

    Fields of type ``str``, ``int``, ``bool`` and ``tuple[str, ...]`` are read and checked with the
    matching getter; a field named in ``choices`` must be one of the allowed values; ``rename`` maps
    a field to a differently named key; ``given`` supplies values that do not come from the file
    (a field with a default, or of type ``X | None``, may be absent from the file). Any problem raises :class:`DataError`
    naming the file and the key path.

    >>> @dataclasses.dataclass(frozen=True)
    ... class Colour:
    ...     key: str
    ...     level: int
    >>> record(Path("x.toml", {"key": "red", "level": 2}), Colour)
    Colour(key='red', level=2)
    >>> record(Path("x.toml", {"key": "red", "level": 2}), Colour, choices={"key": ("blue",)})
    Traceback (most recent call last):
    ...
    coplearn.core.data.DataError: x.toml: key is 'red'; allowed: blue
    """
    choices = choices or {}
    rename = rename or {}
    values: dict[str, Any] = dict(given or {})
    for name, getter, has_default, optional in _plan(cls):
        if name in values:
            continue
        key = rename.get(name, name)
        if (has_default or optional) and not row.has(key):
            if not has_default:
                values[name] = None
            continue
        if name in choices:
            values[name] = row.choice(key, list(choices[name]))
        elif getter:
            values[name] = getattr(row, getter)(key)
        else:  # pragma: no cover - a programming error, not a data error
            raise TypeError(f"record(): give {cls.__name__}.{name} in given=, it is not plain data")
    return cls(**values)


def records(parent: Path, key: str, cls: type[T], *, unique: str | None = "",
            each: Callable[[Path, int], Mapping[str, Any]] | None = None,
            choices: Mapping[str, Sequence[str]] | None = None,
            rename: Mapping[str, str] | None = None) -> tuple[T, ...]:
    """Build a tuple of ``cls`` from the list of tables ``parent[key]`` (see :func:`record`).

    ``unique`` names a field no two records may share; by default the first of ``key``, ``id`` or
    ``code`` that ``cls`` has (``None`` turns the check off). ``each(row, index)`` returns values
    for fields that are not read from the file (such as a position or a nested list).

    >>> @dataclasses.dataclass(frozen=True)
    ... class Colour:
    ...     key: str
    >>> records(Path("x.toml", {"colour": [{"key": "red"}, {"key": "red"}]}), "colour", Colour)
    Traceback (most recent call last):
    ...
    coplearn.core.data.DataError: x.toml: colour has the key 'red' more than once
    """
    built = [
        record(row, cls, choices=choices, rename=rename, given=each(row, i) if each else None)
        for i, row in enumerate(parent.table_list(key))
    ]
    if unique == "":
        names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
        unique = next((n for n in ("key", "id", "code") if n in names), None)
    if unique:
        parent.unique(built, unique, key)
    return tuple(built)
