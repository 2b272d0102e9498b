"""Query answers as JSON-ready values: the CLI's JSON output and the ``as_dict`` of the answers
that carry explained candidates (match, matchmaking, solutions).

``dataclasses.asdict`` deep-copies every leaf on its way down; on a match answer of some 200
explained candidates that alone was a quarter of the ``psikg match`` round trip. This walk copies
nothing it does not have to: strings, numbers and None are returned as they are.
"""

from __future__ import annotations

import dataclasses
from pathlib import PurePath

__all__ = ["to_plain"]

_ATOMS = frozenset({str, int, float, bool, type(None)})
#: the field names of each type met so far, None for a type that is not a record
#: (``dataclasses.fields`` is slow to ask each time)
_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}


def _field_names(kind: type) -> tuple[str, ...] | None:
    """The fields of a dataclass or a msgspec Struct (the domain records), in declaration order;
    None for any other type."""
    names = getattr(kind, "__struct_fields__", None)
    if names is None and dataclasses.is_dataclass(kind):
        names = tuple(f.name for f in dataclasses.fields(kind))
    return names


def to_plain(value):
    """Records (dataclasses, Structs), tuples, sets and paths as JSON-ready values (dicts, lists,
    str, numbers, None).

    >>> to_plain({"a": (1, 2.5), "b": frozenset({"y", "x"})})
    {'a': [1, 2.5], 'b': ['x', 'y']}
    """
    kind = type(value)
    if kind in _ATOMS:  # most values: answered at once
        return value
    names = _FIELD_NAMES.get(kind)
    if names is None and kind not in _FIELD_NAMES:
        names = _FIELD_NAMES[kind] = _field_names(kind)
    if names is not None:
        return {name: to_plain(getattr(value, name)) for name in names}
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((to_plain(v) for v in value), key=str)
    if isinstance(value, PurePath):
        return str(value)
    return value  # a subclass of str, int or float, or anything JSON writers know
