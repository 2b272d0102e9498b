"""The input tables and their columns (see docs/input-format.md), and how rows become graph records.

:class:`TableConverter` turns the rows of every input table into one :class:`GraphBatch`,
collecting every problem as an :class:`~psikg.errors.InputIssue` instead of stopping at the first.
References may point at records of any table of the same load or at records already in the store.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Any, Callable, NamedTuple

from ..errors import InputIssue
from ..graph.bulk import paused_gc
from ..graph.records import GraphBatch, node_key
from .history import PendingStep
from .values import (
    MAX_CELL, BadValue, CountryResolver, nearest, parse_date, parse_enum, parse_int, parse_present,
    parse_sdg, parse_slug, parse_year, split_list,
)

__all__ = ["TABLES", "Row", "TableConverter", "table_for_name"]


@dataclass(frozen=True)
class Table:
    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    id_kind: str | None  # the kind of node each row defines (None: rows add to other nodes)

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


TABLES: dict[str, Table] = {t.name: t for t in (
    Table("practices", ("id", "title", "source"),
          ("country", "organization", "year", "themes", "maturity", "sdg_targets", "description",
           "problem", "components", "evidence", "sdg_targets_basis", "sdg_targets_read_by",
           "sdg_targets_read_on"), "practice"),
    Table("practice_factors", ("practice", "factor", "role"), ("kind", "note", "source", "basis", "read_by", "read_on"),
          None),
    Table("contexts", ("country", "factor", "source"), ("as_of", "present", "note", "basis", "read_by", "read_on"),
          None),
    Table("needs", ("id", "country", "title"),
          ("themes", "sdg_targets", "priority", "event", "description", "source"), "need"),
    Table("transfers", ("id", "practice", "exporter", "importer", "status"),
          ("facilitator", "event", "outcome", "start_year", "note", "source", "degree", "lesson", "basis"), "transfer"),
    Table("factors", ("id", "label"), ("broader", "description"), "factor"),
    Table("organizations", ("id", "name"), ("country", "kind", "source"), "organization"),
    Table("networks", ("id", "name"), ("members", "founded", "place", "description", "source"), "network"),
    Table("events", ("id", "name"),
          ("place", "country", "start_date", "end_date", "participants", "opportunities",
           "participant_count", "organizers", "source"), "event"),
    Table("status_history", ("transfer", "status"), ("date", "source", "note", "outcome", "forced"), None),
)}


@lru_cache(maxsize=None)
def _enum(name: str) -> Callable[[str], str]:
    """The parser of a cell of the enumeration ``name``."""
    return partial(parse_enum, enum=name)


_ROLE, _FACTOR_KIND = _enum("role"), _enum("factor_kind")


def table_for_name(name: str) -> Table | None:
    return TABLES.get(name.strip().lower().replace("-", "_").replace(" ", "_"))


class Row(NamedTuple):
    """One input row: where it came from and its cells by column name (a named tuple: a load
    reads a million rows)."""

    file: str
    line: int
    cells: dict[str, str]
    columns: dict[str, str] | None = None  # column name -> spreadsheet column letter (workbooks)

    def cell_ref(self, column: str | None) -> str | None:
        """The spreadsheet cell of ``column`` in this row (``C5``), when the row comes from a sheet."""
        letter = (self.columns or {}).get(column or "")
        return f"{letter}{self.line}" if letter else None


@dataclass
class TableConverter:
    """Convert input rows to a batch. ``existing`` maps kind -> ids already in the store."""

    countries: dict[str, dict]
    goals: set[str]
    targets: set[str]
    existing: dict[str, set[str]] = field(default_factory=dict)
    max_issues: int = 200
    issues: list[InputIssue] = field(default_factory=list)
    batch: GraphBatch = field(default_factory=GraphBatch)
    steps: list = field(default_factory=list)  # status steps to record (loaders/history.py)

    def __post_init__(self):
        self.resolve_country = CountryResolver(self.countries)
        self.defined: dict[str, dict[str, tuple[str, int]]] = defaultdict(dict)
        self._refs: dict[tuple[str, ...], Callable[[str], tuple[str, str]]] = {}

    # Issues --------------------------------------------------------------------------------

    def error(self, row: Row | None, field_: str | None, value: str | None, expected: str,
              suggestion: str | None = None, severity: str = "error") -> None:
        self.issues.append(InputIssue(row.file if row else "?", row.line if row else None, field_, value,
                                      expected, suggestion, severity, row.cell_ref(field_) if row else None))

    @property
    def errors(self) -> list[InputIssue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[InputIssue]:
        return [i for i in self.issues if i.severity == "warning"]

    # Cells ---------------------------------------------------------------------------------

    def cell(self, row: Row, column: str, parse: Callable[[str], Any] | None = None, required=False):
        """The parsed value of a cell, None when empty (an issue when required or invalid)."""
        text = (row.cells.get(column) or "").strip()
        if not text:
            if required:
                self.error(row, column, "", "a value (this column is required)")
            return None
        if len(text) > MAX_CELL:
            self.error(row, column, text, f"at most {MAX_CELL} characters")
            return None
        if parse is None:
            return text
        try:
            return parse(text)
        except BadValue as bad:
            self.error(row, column, text, bad.expected, bad.suggestion)
            return None

    def cells(self, row: Row, column: str, parse: Callable[[str], Any] | None = None) -> list:
        found = []
        for part in split_list(row.cells.get(column)):
            try:
                found.append(parse(part) if parse else part)
            except BadValue as bad:
                self.error(row, column, part, bad.expected, bad.suggestion)
        return found

    def country(self, text: str) -> str:
        return self.resolve_country(text)

    def ref(self, *kinds: str) -> Callable[[str], tuple[str, str]]:
        """A parser for a reference to a node of one of ``kinds``, in this load or in the store
        (one per ``kinds``: a load asks for the same parser once per row)."""
        parser = self._refs.get(kinds)
        if parser is None:
            parser = self._refs[kinds] = self._ref_parser(kinds)
        return parser

    def _ref_parser(self, kinds: tuple[str, ...]) -> Callable[[str], tuple[str, str]]:
        def parse(text: str) -> tuple[str, str]:
            country_error = None
            for kind in kinds:
                if kind == "country":
                    try:
                        return "country", self.resolve_country(text)
                    except BadValue as bad:
                        country_error = bad
                elif self.known(kind, text):
                    return kind, text
            if kinds == ("country",):
                raise country_error
            choices = set().union(*(self.known_ids(k) for k in kinds if k != "country"))
            raise BadValue(f"the id of a known {' or '.join(kinds)}", nearest(text, sorted(choices)))

        return parse

    def known(self, kind: str, id_: str) -> bool:
        return id_ in self.defined[kind] or id_ in self.existing.get(kind, ())

    def known_ids(self, kind: str) -> set[str]:
        return set(self.defined[kind]) | set(self.existing.get(kind, set()))

    # Conversion ----------------------------------------------------------------------------

    def convert(self, tables: dict[str, list[Row]]) -> GraphBatch:
        """Convert every table; call once with all tables of the load."""
        with paused_gc():  # a million long-lived records, no cycles (see graph/bulk.py)
            return self._convert(tables)

    def _convert(self, tables: dict[str, list[Row]]) -> GraphBatch:
        for name, rows in tables.items():
            table = TABLES[name]
            if table.id_kind:
                self._collect_ids(table, rows)
        for name in ("factors", "organizations", "networks", "events", "practices", "practice_factors",
                     "contexts", "needs", "transfers", "status_history"):
            convert_row = getattr(self, f"_{name}")
            for row in tables.get(name, ()):
                self.batch.origin = row.file  # what each file contributed (loaders/origins.py)
                convert_row(row)
        self.batch.origin = None
        return self.batch

    def _collect_ids(self, table: Table, rows: list[Row]) -> None:
        for row in rows:
            text = (row.cells.get("id") or "").strip()
            if not text:
                continue
            try:
                id_ = parse_slug(text)
            except BadValue as bad:
                self.error(row, "id", text, bad.expected, bad.suggestion)
                continue
            first = self.defined[table.id_kind].get(id_)
            if first:
                self.error(row, "id", id_, f"a unique id (already defined in {first[0]}, row {first[1]})")
                continue
            self.defined[table.id_kind][id_] = (row.file, row.line)

    def _id(self, row: Row, kind: str) -> str | None:
        id_ = (row.cells.get("id") or "").strip()
        if not id_:
            self.error(row, "id", "", "a value (this column is required)")
            return None
        return id_ if self.defined[kind].get(id_) == (row.file, row.line) else None

    def _link_one(self, source: str, rel: str, target: tuple[str, str] | None, props=None) -> None:
        self.batch.own(source, rel)
        if target:
            self.batch.add_link(source, rel, node_key(*target), props)

    def _link_many(self, source: str, rel: str, targets, props=None) -> None:
        self.batch.own(source, rel)
        for target in targets:
            self.batch.add_link(source, rel, node_key(*target), props)

    def _sources(self, row: Row) -> list[str]:
        return split_list(row.cells.get("source"))

    def _provenance(self, row: Row, prefix: str = "") -> dict:
        """``basis`` (stated | reading) with ``read_by`` and ``read_on``: a reading names who read
        the source and when, so that it can be checked; a stated fact needs neither."""
        cells = row.cells
        if not (cells.get(f"{prefix}basis") or cells.get(f"{prefix}read_by") or cells.get(f"{prefix}read_on")):
            return {}  # most rows: no provenance columns, or empty ones
        basis = self.cell(row, f"{prefix}basis", _enum("basis"))
        read_by = self.cell(row, f"{prefix}read_by")
        read_on = self.cell(row, f"{prefix}read_on", parse_date)
        if basis == "reading":
            for column, value in ((f"{prefix}read_by", read_by), (f"{prefix}read_on", read_on)):
                if value is None and not (row.cells.get(column) or "").strip():
                    self.error(row, column, "", "a value: a reading names who read the source and when "
                               "(read_by: a curator or a rule; read_on: an ISO date)")
        elif read_by or read_on:
            self.error(row, f"{prefix}basis", basis or "", "reading (read_by and read_on describe a reading)")
        found = {"basis": basis, "read_by": read_by, "read_on": read_on}
        return {k: v for k, v in found.items() if v is not None}

    def _factors(self, row: Row) -> None:
        id_ = self._id(row, "factor")
        label = self.cell(row, "label", required=True)
        broader = self.cell(row, "broader", self.ref("factor"))
        if id_ is None or label is None:
            return
        key = self.batch.add_node("factor", id_, {"label": label, "definition": self.cell(row, "description")}).key
        self._link_one(key, "broader", broader)

    def _organizations(self, row: Row) -> None:
        id_ = self._id(row, "organization")
        name = self.cell(row, "name", required=True)
        country = self.cell(row, "country", self.country)
        kind = self.cell(row, "kind", _enum("organization_kind"))
        if id_ is None or name is None:
            return
        key = self.batch.add_node("organization", id_, {"name": name, "kind": kind,
                                                        "sources": self._sources(row)}).key
        self._link_one(key, "country", ("country", country) if country else None)

    def _networks(self, row: Row) -> None:
        id_ = self._id(row, "network")
        name = self.cell(row, "name", required=True)
        members = self.cells(row, "members", self.ref("country", "organization"))
        founded = self.cell(row, "founded", parse_date)
        if id_ is None or name is None:
            return
        key = self.batch.add_node("network", id_, {
            "name": name, "founded": founded, "place": self.cell(row, "place"),
            "description": self.cell(row, "description"), "sources": self._sources(row)}).key
        self._link_many(key, "members", members)

    def _events(self, row: Row) -> None:
        id_ = self._id(row, "event")
        name = self.cell(row, "name", required=True)
        start, end = self.cell(row, "start_date", parse_date), self.cell(row, "end_date", parse_date)
        if start and end and end < start:
            self.error(row, "end_date", end, f"a date on or after start_date {start}")
        country = self.cell(row, "country", self.country)
        participants = self.cells(row, "participants", self.country)
        organizers = self.cells(row, "organizers", self.ref("organization", "network"))
        props = {"name": name, "place": self.cell(row, "place"), "start_date": start, "end_date": end,
                 "opportunities": self.cell(row, "opportunities", parse_int),
                 "participant_count": self.cell(row, "participant_count", parse_int),
                 "sources": self._sources(row)}
        count = props["participant_count"]
        if count is not None and count < len(set(participants)):
            self.error(row, "participant_count", str(count),
                       f"at least the {len(set(participants))} participants listed")
        if id_ is None or name is None:
            return
        key = self.batch.add_node("event", id_, props).key
        self._link_one(key, "country", ("country", country) if country else None)
        self._link_many(key, "participants", [("country", c) for c in sorted(set(participants))])
        self._link_many(key, "organizers", organizers)

    def _targets_and_goals(self, row: Row, column: str) -> tuple[list, list]:
        parsed = self.cells(row, column, lambda t: parse_sdg(t, self.goals, self.targets))
        return ([("target", c) for k, c in parsed if k == "target"],
                [("goal", c) for k, c in parsed if k == "goal"])

    def _practices(self, row: Row) -> None:
        id_ = self._id(row, "practice")
        title = self.cell(row, "title", required=True)
        country = self.cell(row, "country", self.country)
        organization = self.cell(row, "organization", self.ref("organization"))
        targets, goals = self._targets_and_goals(row, "sdg_targets")
        if goals:
            self.error(row, "sdg_targets", ";".join(c for _, c in goals),
                       "SDG targets (e.g. 16.6): a practice serves targets, not whole goals")
        themes = self.cells(row, "themes", self.ref("theme"))
        sources = self._sources(row)
        if not sources:
            self.error(row, "source", "", "a value (this column is required)")
        if not (row.cells.get("country") or "").strip() and not (row.cells.get("organization") or "").strip():
            self.error(row, "country", "", "a country, or an organization when the originator is not a country")
        props = {"title": title, "description": self.cell(row, "description"),
                 "year": self.cell(row, "year", parse_year),
                 "maturity": self.cell(row, "maturity", _enum("maturity")),
                 "problem": self.cell(row, "problem"), "components": self.cells(row, "components"),
                 "evidence": self.cell(row, "evidence"), "sources": sources}
        targets_provenance = self._provenance(row, "sdg_targets_")
        if id_ is None or title is None:
            return
        key = self.batch.add_node("practice", id_, props).key
        self._link_one(key, "country", ("country", country) if country else None)
        self._link_one(key, "organization", organization)
        self._link_many(key, "themes", themes)
        self._link_many(key, "targets", targets, targets_provenance or None)

    def _practice_factors(self, row: Row) -> None:
        practice = self.cell(row, "practice", self.ref("practice"), required=True)
        factor = self.cell(row, "factor", self.ref("factor"), required=True)
        role = self.cell(row, "role", _ROLE, required=True)
        provenance = self._provenance(row)
        if practice and factor and role:
            source, target = node_key(*practice), node_key(*factor)
            if (source, "factors", target) in self.batch.links:
                self.error(row, "factor", factor[1], f"each factor once per practice ({factor[1]} repeats)")
                return
            cells = row.cells  # kind, note and source are often absent: no parsing then
            self.batch.add_link(source, "factors", target,
                                {"role": role,
                                 "kind": cells.get("kind") and self.cell(row, "kind", _FACTOR_KIND) or "precondition",
                                 "note": self.cell(row, "note") if cells.get("note") else None,
                                 "sources": self._sources(row) or None, **provenance})

    def _contexts(self, row: Row) -> None:
        country = self.cell(row, "country", self.country, required=True)
        factor = self.cell(row, "factor", self.ref("factor"), required=True)
        as_of = self.cell(row, "as_of", parse_date)
        present = self.cell(row, "present", parse_present)
        present = True if present is None else present
        provenance = self._provenance(row)
        sources = self._sources(row)
        if not sources:
            self.error(row, "source", "", "a value (this column is required)")
        if not (country and factor):
            return
        context_id = f"{country.lower()}-{as_of or 'undated'}"
        key = node_key("context", context_id)
        node = self.batch.nodes.get(key)
        if node is None:
            node = self.batch.add_node("context", context_id, {"as_of": as_of, "sources": [], "notes": []})
            self.batch.add_link(key, "country", node_key("country", country))
            self.batch.own(key, "present")
            self.batch.own(key, "absent")
        opposite = "absent" if present else "present"
        if (key, opposite, node_key(*factor)) in self.batch.links:
            self.error(row, "present", row.cells.get("present") or "yes",
                       f"one statement per factor, country and date ({factor[1]} is stated both present "
                       f"and absent for {country} as of {as_of or 'undated'})")
            return
        self.batch.add_link(key, "present" if present else "absent", node_key(*factor), provenance or None)
        self.batch.contribute(key)  # a context belongs to every file that states something about it
        for source in sources:
            if source not in node.props["sources"]:
                node.props["sources"].append(source)
        note = self.cell(row, "note")
        if note:
            node.props["notes"].append(f"{factor[1]}: {note}")

    def _needs(self, row: Row) -> None:
        id_ = self._id(row, "need")
        country = self.cell(row, "country", self.country, required=True)
        title = self.cell(row, "title", required=True)
        targets, goals = self._targets_and_goals(row, "sdg_targets")
        themes = self.cells(row, "themes", self.ref("theme"))
        event = self.cell(row, "event", self.ref("event"))
        props = {"title": title, "description": self.cell(row, "description"),
                 "priority": self.cell(row, "priority", _enum("priority")),
                 "sources": self._sources(row)}
        if id_ is None or title is None or country is None:
            return
        key = self.batch.add_node("need", id_, props).key
        self._link_one(key, "country", ("country", country))
        self._link_many(key, "themes", themes)
        self._link_many(key, "targets", targets)
        self._link_many(key, "goals", goals)
        self._link_one(key, "event", event)

    def _transfers(self, row: Row) -> None:
        id_ = self._id(row, "transfer")
        practice = self.cell(row, "practice", self.ref("practice"), required=True)
        exporter = self.cell(row, "exporter", self.ref("country", "organization"), required=True)
        importer = self.cell(row, "importer", self.country, required=True)
        facilitators = self.cells(row, "facilitator", self.ref("organization"))
        event = self.cell(row, "event", self.ref("event"))
        props = {"status": self.cell(row, "status", _enum("status"), required=True),
                 "outcome": self.cell(row, "outcome", _enum("outcome")) or "unknown",
                 "start_year": self.cell(row, "start_year", parse_year),
                 "note": self.cell(row, "note"), "sources": self._sources(row),
                 "degree": self.cell(row, "degree", _enum("degree")),
                 "lesson": self.cell(row, "lesson")}
        basis = self.cell(row, "basis")
        if basis:  # a suggestion of matchmaking says so; absent otherwise, so every store reads the same
            props["basis"] = basis
        if exporter and importer and exporter == ("country", importer):
            self.error(row, "importer", importer, "a country other than the exporter")
            return
        if practice and importer and (node_key(*practice), "country", node_key("country", importer)) in self.batch.links:
            self.error(row, "importer", importer,
                       "a country other than the practice's own country (a practice is not imported "
                       "into the country it comes from)")
            return
        if id_ is None or None in (practice, exporter, importer, props["status"]):
            return
        key = self.batch.add_node("transfer", id_, props).key
        self.steps.append(PendingStep(id_, props["status"], outcome=None if props["outcome"] == "unknown"
                                      else props["outcome"], sources=tuple(props["sources"]), origin=row,
                                      record=True))
        self._link_one(key, "practice", practice)
        self._link_one(key, "exporter", exporter)
        self._link_one(key, "importer", ("country", importer))
        self._link_many(key, "facilitators", facilitators)
        self._link_one(key, "event", event)

    def _status_history(self, row: Row) -> None:
        """One dated step of a transfer's status history (checked in loaders/history.py)."""
        transfer = self.cell(row, "transfer", self.ref("transfer"), required=True)
        status = self.cell(row, "status", _enum("status"), required=True)
        date = self.cell(row, "date", parse_date)
        outcome = self.cell(row, "outcome", _enum("outcome"))
        if transfer and status:
            self.steps.append(PendingStep(transfer[1], status, date, outcome, self.cell(row, "note"),
                                          tuple(self._sources(row)), self.cell(row, "forced"), row))
