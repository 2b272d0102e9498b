"""The catalog as JSON, so that reopening a large store does not rebuild it from the tables.

JSON holds data only: reading it can never run code (the store was a pickle once; a crafted
pickle runs code as it is read). Each kind of object is a table of columns, one per field in
declaration order; a column whose values are mostly repeats (the sources of the statements, who
read them) holds each distinct value once and an index per row, so it is read once and the rows
share it (the cache at L: 15 MB instead of 30, reopened in 0.55 s instead of 0.68, 220 MB at most
instead of 351). The practice-factor links that most practices share are written once and referred
to by index; status steps sit inside their transfer, as a table of their own. The store keeps the
bytes with their checksum and the generation of the tables they were built from (see
:mod:`psikg.graph.sqlite_schema`).
"""

from __future__ import annotations

import json
from itertools import chain, starmap

import orjson  # reads twice and writes five times as fast as the json module; the same JSON bytes
from msgspec.structs import astuple

from ..ontology import domain
from .bulk import paused_gc
from ..ontology.domain import Catalog, PracticeFactor, StatusStep

__all__ = ["CACHE_VERSION", "CacheVersionError", "encode_catalog", "decode_catalog"]

#: 5: tables by column, with repeated values written once; 4: practice-factor links and
#: statements carry basis, read_by, read_on
CACHE_VERSION = 5
_SECTIONS = {"countries": domain.Country, "factors": domain.Factor, "themes": domain.Theme,
             "practices": domain.Practice, "needs": domain.Need, "transfers": domain.Transfer,
             "organizations": domain.Organization, "networks": domain.Network, "events": domain.Event,
             "goals": domain.Goal, "targets": domain.Target}


class CacheVersionError(ValueError):
    """The cache was written by another version of psikg: it is rebuilt, nothing is damaged."""


def _field_shapes(cls) -> list[tuple[str, str]]:
    """(field name, shape): "value", "tuple" (of plain values), "factors" or "steps", told by the
    field's annotation (a string: the module does not evaluate its annotations)."""
    shapes = []
    for name in cls.__struct_fields__:
        annotation = str(cls.__annotations__[name])
        if "PracticeFactor" in annotation:
            shapes.append((name, "factors"))
        elif "StatusStep" in annotation:
            shapes.append((name, "steps"))
        elif annotation.startswith("tuple"):
            shapes.append((name, "tuple"))
        else:
            shapes.append((name, "value"))
    return shapes


_SHAPES = {cls: _field_shapes(cls) for cls in (*_SECTIONS.values(), domain.FactorStatement, StatusStep,
                                               PracticeFactor)}


def encode_catalog(catalog: Catalog) -> bytes:
    """The catalog as UTF-8 JSON bytes."""
    shared: dict[PracticeFactor, int] = {}

    def table(cls, objects) -> list:
        rows = [astuple(obj) for obj in objects]  # fields in declaration order
        columns = [list(column) for column in zip(*rows)] if rows else [[] for _ in _SHAPES[cls]]
        for column, (_, shape) in zip(columns, _SHAPES[cls]):
            if shape == "factors":
                column[:] = [[shared.setdefault(link, len(shared)) for link in links] for links in column]
            elif shape == "steps":
                column[:] = [table(StatusStep, steps) for steps in column]
        return [_column(column) for column in columns]

    sections = {name: table(cls, getattr(catalog, name).values()) for name, cls in _SECTIONS.items()}
    statements = table(domain.FactorStatement, catalog.statements)
    document = {"version": CACHE_VERSION, "sections": sections, "statements": statements,
                "practice_factors": table(PracticeFactor, shared)}
    try:
        return orjson.dumps(document)
    except orjson.JSONEncodeError:  # an integer over 64 bits: the json module writes it
        return json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def _column(values: list):
    """A column as written: the values, or, when most are repeats (a source named by a thousand
    statements), ``{"values": each distinct value once, "at": each row's index into them}``.
    Written once, a repeated value is also read once and shared by the rows that have it."""
    kinds = _kinds(values)
    if float in kinds or {bool, int} <= kinds:  # a dict would merge 1 and True, 0.0 and -0.0
        return values
    try:
        distinct = dict.fromkeys(values)
    except TypeError:  # lists: the practices' factor links, the transfers' steps
        return values
    if 2 * len(distinct) > len(values):
        return values
    index = {value: at for at, value in enumerate(distinct)}
    return {"values": list(distinct), "at": list(map(index.__getitem__, values))}


def _kinds(values: list) -> set[type]:
    """The types of the values, and of the items of the tuples among them."""
    kinds = set(map(type, values))
    if tuple in kinds:
        kinds |= set(map(type, chain.from_iterable(v for v in values if type(v) is tuple)))
    return kinds


def _columns(cls, written: list, rows: int, factors: list[PracticeFactor] | None) -> list[list]:
    """The columns of a table as the objects' field values (lists read as tuples)."""
    shapes = _SHAPES[cls]
    if len(written) != len(shapes):
        raise ValueError(f"a {cls.__name__} table has {len(written)} columns, expected {len(shapes)}")
    columns = []
    for column, (_, shape) in zip(written, shapes):
        shared = isinstance(column, dict)
        values = column["values"] if shared else column
        if shape == "tuple":
            values = [tuple(value) for value in values]
        elif shape == "factors":
            values = [tuple([factors[index] for index in links]) for links in values]
        elif shape == "steps":
            values = [tuple(_objects(StatusStep, steps, None)) for steps in values]
        if shared:
            values = list(map(values.__getitem__, column["at"]))
        if len(values) != rows:
            raise ValueError(f"a {cls.__name__} column has {len(values)} values, expected {rows}")
        columns.append(values)
    return columns


def _objects(cls, written: list, factors: list[PracticeFactor] | None) -> list:
    """The objects of a table, one per row, each made by its Struct's ``__init__`` (in C)."""
    first = written[0] if written else []
    rows = len(first["at"]) if isinstance(first, dict) else len(first)
    return list(starmap(cls, zip(*_columns(cls, written, rows, factors))))


def decode_catalog(data: bytes) -> Catalog:
    """The catalog that :func:`encode_catalog` wrote. Raises ValueError when ``data`` is not one
    (:class:`CacheVersionError` when another version of psikg wrote it).

    The cyclic garbage collector is paused meanwhile and what was made is frozen: the objects
    made here hold no cycles, its scans of the growing heap would otherwise cost a third of the
    time, and its first collection afterwards would scan them all again (graph/bulk.py)."""
    with paused_gc():
        return _decode(data)


def _decode(data: bytes) -> Catalog:
    document = orjson.loads(data)
    if not isinstance(document, dict):
        raise ValueError("not a catalog cache")
    if document.get("version") != CACHE_VERSION:
        raise CacheVersionError(f"a catalog cache of version {document.get('version')}, not {CACHE_VERSION}")
    factors = _objects(PracticeFactor, document["practice_factors"], None)
    catalog = Catalog()
    for name, cls in _SECTIONS.items():
        setattr(catalog, name, {obj.id: obj for obj in _objects(cls, document["sections"][name], factors)})
    catalog.statements = tuple(_objects(domain.FactorStatement, document["statements"], factors))
    return catalog
