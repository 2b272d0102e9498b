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

import orjson  # reads twice and writes five times as fast as the json module; the same JSON bytes

from ..ontology import domain
from .bulk import paused_gc
from ..ontology.domain import Catalog, PracticeFactor, StatusStep

__all__ = ["CACHE_VERSION", "encode_catalog", "decode_catalog"]

CACHE_VERSION = 4  # 4: practice-factor links and statements carry basis, read_by, read_on
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
    factors_at = [name for name, _ in _SHAPES[domain.Practice]].index("factors")
    steps_at = [name for name, _ in _SHAPES[domain.Transfer]].index("steps")

    def practice_row(practice) -> list:
        values = list(practice.__dict__.values())  # the fields in declaration order; tuples become lists
        values[factors_at] = [shared.setdefault(link, len(shared)) for link in values[factors_at]]
        return values

    def transfer_row(transfer) -> list:
        values = list(transfer.__dict__.values())
        values[steps_at] = [list(step.__dict__.values()) for step in values[steps_at]]
        return values

    special = {"practices": practice_row, "transfers": transfer_row}
    sections = {}
    for name in _SECTIONS:
        row = special.get(name)
        objects = getattr(catalog, name).values()
        sections[name] = [row(obj) for obj in objects] if row else [list(obj.__dict__.values()) for obj in objects]
    document = {"version": CACHE_VERSION, "sections": sections,
                "statements": [list(statement.__dict__.values()) for statement in catalog.statements],
                "practice_factors": [list(link.__dict__.values()) for link in shared]}
    try:
        return orjson.dumps(document)
    except orjson.JSONEncodeError:  # an integer over 64 bits: the json module writes it
        return json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def _builder(cls, factors: list[PracticeFactor]):
    """A function turning one encoded row into an object of ``cls`` (without calling the frozen
    dataclass ``__init__``, which costs a ``setattr`` per field)."""
    shapes = _SHAPES[cls]
    names = [name for name, _ in shapes]
    tuples = [index for index, (_, shape) in enumerate(shapes) if shape == "tuple"]
    factors_at = next((index for index, (_, shape) in enumerate(shapes) if shape == "factors"), None)
    steps_at = next((index for index, (_, shape) in enumerate(shapes) if shape == "steps"), None)
    step = _builder(StatusStep, factors) if steps_at is not None else None
    width, new = len(names), object.__new__

    def build(values: list[Any]):
        if len(values) != width:
            raise ValueError(f"a {cls.__name__} row has {len(values)} values, expected {width}")
        for index in tuples:
            values[index] = tuple(values[index])
        if factors_at is not None:
            values[factors_at] = tuple([factors[i] for i in values[factors_at]])
        if steps_at is not None:
            values[steps_at] = tuple([step(v) for v in values[steps_at]])
        obj = new(cls)
        obj.__dict__.update(zip(names, values))
        return obj

    return build


def decode_catalog(data: bytes) -> Catalog:
    """The catalog that :func:`encode_catalog` wrote. Raises ValueError when ``data`` is not one.

    The cyclic garbage collector is paused meanwhile and what was made is frozen: the objects
    made here hold no cycles, its scans of the growing heap would otherwise cost a third of the
    time, and its first collection afterwards would scan them all again (graph/bulk.py)."""
    with paused_gc():
        return _decode(data)


def _decode(data: bytes) -> Catalog:
    document = orjson.loads(data)
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
