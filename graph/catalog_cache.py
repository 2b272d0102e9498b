"""The catalog as JSON, so that reopening a large store does not rebuild it from the tables.

JSON holds data only: reading it can never run code (the store was a pickle once; a crafted
pickle runs code as it is read). Each catalog object is a list of its field values in declaration
order; the practice-factor links that most practices share are written once and referred to by
index; status steps sit inside their transfer. The store keeps the bytes with their SHA-256 and
the generation of the tables they were built from (see :mod:`psikg.graph.sqlite_schema`).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from . import domain
from .domain import Catalog, PracticeFactor, StatusStep

__all__ = ["CACHE_VERSION", "encode_catalog", "decode_catalog"]

CACHE_VERSION = 1
_SECTIONS = {"countries": domain.Country, "factors": domain.Factor, "themes": domain.Theme,
             "practices": domain.Practice, "needs": domain.Need, "transfers": domain.Transfer,
             "organizations": domain.Organization, "networks": domain.Network, "events": domain.Event,
             "goals": domain.Goal, "targets": domain.Target}


def _field_shapes(cls) -> list[tuple[str, str]]:
    """(field name, shape): "value", "tuple" (of plain values), "factors" or "steps"."""
    shapes = []
    for field in dataclasses.fields(cls):
        annotation = str(field.type)
        if "PracticeFactor" in annotation:
            shapes.append((field.name, "factors"))
        elif "StatusStep" in annotation:
            shapes.append((field.name, "steps"))
        elif annotation.startswith("tuple"):
            shapes.append((field.name, "tuple"))
        else:
            shapes.append((field.name, "value"))
    return shapes


_SHAPES = {cls: _field_shapes(cls) for cls in (*_SECTIONS.values(), domain.FactorStatement, StatusStep)}


def encode_catalog(catalog: Catalog) -> bytes:
    """The catalog as UTF-8 JSON bytes."""
    shared: dict[PracticeFactor, int] = {}

    def factor_index(link: PracticeFactor) -> int:
        return shared.setdefault(link, len(shared))

    def row(obj) -> list[Any]:
        values = []
        for name, shape in _SHAPES[type(obj)]:
            value = getattr(obj, name)
            if shape == "factors":
                value = [factor_index(link) for link in value]
            elif shape == "steps":
                value = [row(step) for step in value]
            elif shape == "tuple":
                value = list(value)
            values.append(value)
        return values

    document = {"version": CACHE_VERSION,
                "sections": {name: [row(obj) for obj in getattr(catalog, name).values()] for name in _SECTIONS},
                "statements": [row(statement) for statement in catalog.statements]}
    document["practice_factors"] = [[link.factor, link.role, link.note] for link in shared]
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def _builder(cls, factors: list[PracticeFactor]):
    """A function turning one encoded row into an object of ``cls`` (without calling the frozen
    dataclass ``__init__``, which costs a ``setattr`` per field)."""
    names = [name for name, _ in _SHAPES[cls]]
    converters = []
    for index, (_, shape) in enumerate(_SHAPES[cls]):
        if shape == "tuple":
            converters.append((index, tuple))
        elif shape == "factors":
            converters.append((index, lambda value: tuple([factors[i] for i in value])))
        elif shape == "steps":
            step = _builder(StatusStep, factors)
            converters.append((index, lambda value, step=step: tuple([step(v) for v in value])))
    new = object.__new__

    def build(values: list[Any]):
        if len(values) != len(names):
            raise ValueError(f"a {cls.__name__} row has {len(values)} values, expected {len(names)}")
        for index, convert in converters:
            values[index] = convert(values[index])
        obj = new(cls)
        obj.__dict__.update(zip(names, values))
        return obj

    return build


def decode_catalog(data: bytes) -> Catalog:
    """The catalog that :func:`encode_catalog` wrote. Raises ValueError when ``data`` is not one."""
    document = json.loads(data)
    if not isinstance(document, dict) or document.get("version") != CACHE_VERSION:
        raise ValueError("not a catalog cache of version %d" % CACHE_VERSION)
    factors = [PracticeFactor(*values) for values in document["practice_factors"]]
    catalog = Catalog()
    for name, cls in _SECTIONS.items():
        build = _builder(cls, factors)
        setattr(catalog, name, {obj.id: obj for obj in map(build, document["sections"][name])})
    statement = _builder(domain.FactorStatement, factors)
    catalog.statements = tuple(map(statement, document["statements"]))
    return catalog
