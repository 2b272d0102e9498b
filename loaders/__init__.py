"""Turning inputs into graph batches: reference data, the bundled network, user files.

:func:`prepare_load` reads and checks everything first and returns one batch; nothing is written
unless the whole input is valid. Stores then apply the batch in one atomic write.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import InputError, InputIssue
from ..graph.bulk import paused_gc
from ..graph.records import GraphBatch
from .csv_folder import read_csv_path
from .checks import suspicious
from .curation import is_curation_path, read_curation_path
from .history import record_steps
from .imports import one_issue_per_cell, read_special
from .origins import REFERENCE, claim_whole_batch, name_origins, origin_name, plan_removals
from .rdf_input import is_psikg_rdf, is_rdf_path, read_rdf
from .reference import reference_batch
from .tables import Row, TableConverter

__all__ = ["BUNDLED_DIR", "bundled_paths", "prepare_load", "LoadPlan"]

log = logging.getLogger(__name__)

BUNDLED_DIR = Path(__file__).resolve().parent / "bundled"
MAX_ISSUES = 200


def bundled_paths() -> list[Path]:
    """The folders of the bundled network data, in a stable order."""
    return sorted(p for p in BUNDLED_DIR.iterdir() if p.is_dir() and any(p.glob("*.csv")))


@dataclass
class LoadPlan:
    """A checked load: the batch to apply and the warnings found on the way."""

    batch: GraphBatch
    warnings: list[InputIssue] = field(default_factory=list)
    rows: int = 0
    files: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what official files and mapped catalogues gave


def read_tables(path: Path, issues: list[InputIssue]) -> dict[str, list[Row]]:
    """Rows by table from one input path, by what the path is."""
    if not path.exists():
        issues.append(InputIssue(str(path), None, None, None, "an existing file or folder"))
        return {}
    if is_curation_path(path):  # .xlsx workbooks, YAML / JSON records, or folders holding them
        return read_curation_path(path, issues)
    if path.is_dir() or path.suffix.lower() == ".csv":
        return read_csv_path(path, issues)
    issues.append(InputIssue(str(path), None, None, path.suffix or path.name,
                             "a folder of CSV files, a .csv file named after its table, an .xlsx "
                             "workbook, or YAML / JSON records"))
    return {}


#: How the readers word an unknown column (csv_folder and workbook; records_file says field).
UNKNOWN_COLUMN = ("a known column of", "a known field of")


def unknown_columns_refused(issues: list[InputIssue]) -> list[InputIssue]:
    """An unknown column is an error: a misspelt header (``maturty``) would otherwise leave its
    values silently unloaded. The readers report it as a warning; here it becomes an error that
    names the nearest known column and the option that accepts extra columns on purpose."""
    return [replace(issue, severity="error", expected=issue.expected.replace(
                        ":", " (or load with --allow-extra-columns to skip the column):", 1))
            if issue.severity == "warning" and issue.expected.startswith(UNKNOWN_COLUMN) else issue
            for issue in issues]


NO_DATA_ROWS = "at least one data row after the header"


def empty_tables_noted(issues: list[InputIssue]) -> tuple[list[InputIssue], list[str]]:
    """A table with a header and no rows yet (a fresh template, a table not used) is no problem:
    one note per file lists them instead of a warning each."""
    empty = [i for i in issues if i.severity == "warning" and i.expected == NO_DATA_ROWS]
    if not empty:
        return issues, []
    names = ", ".join(sorted(Path(i.file).name for i in empty))
    note = f"{len(empty)} table(s) with a header and no rows yet, not loaded: {names}"
    return [i for i in issues if i not in empty], [note]


def prepare_load(paths: list[Path] = (), *, store=None, bundled: bool = True, mapping=None,
                 allow_extra_columns: bool = False) -> LoadPlan:
    """Read, check and convert the reference data, the bundled data (unless ``bundled`` is
    False) and ``paths``. Raises :class:`InputError` with every problem when anything is wrong;
    an unknown column is one unless ``allow_extra_columns`` (then a warning).

    Official reference files among ``paths`` are recognised by their content (loaders/official.py);
    with ``mapping`` (a mapping file or a shipped mapping's name) CSV files among ``paths`` are
    external catalogues read through it (loaders/mapping.py).

    The batch records what each source contributed, and what reloading a source removes from
    ``store`` (loaders/origins.py): a row deleted from a file since its last load is deleted.

    The whole of it runs with the cyclic garbage collector paused (graph/bulk.py): every step
    after reading the rows (naming origins, the checks, merging into the reference batch) builds
    or walks a million records, and with the collector on, those steps took four times as long."""
    with paused_gc():
        return _prepare_load(paths, store, bundled, mapping, allow_extra_columns)


def _prepare_load(paths, store, bundled: bool, mapping, allow_extra_columns: bool) -> LoadPlan:
    reference = reference_batch()
    claim_whole_batch(reference, REFERENCE)
    countries = {n.id: n.props for n in reference.nodes.values() if n.kind == "country"}
    existing: dict[str, set[str]] = {}
    for node in reference.nodes.values():
        existing.setdefault(node.kind, set()).add(node.id)
    if store is not None:
        for kind in ("practice", "need", "transfer", "factor", "theme", "organization", "network", "event"):
            existing.setdefault(kind, set()).update(store.ids(kind))

    issues: list[InputIssue] = []
    sources = bundled_paths() if bundled else []
    already = {p.resolve() for p in sources}
    sources += [Path(p) for p in paths if Path(p).resolve() not in already]  # a bundled folder counts once
    read = _read_sources(sources, already, issues, reference, existing, mapping)
    converter = TableConverter(countries, existing.get("goal", set()), existing.get("target", set()),
                               existing=existing)
    batch = converter.convert(read.tables)
    name_origins(batch, read.origin_of_label)
    issues.extend(converter.issues)
    if converter.steps:  # the status history of transfers, checked against the store's
        record_steps(batch, converter.steps, store, issues)
    issues.extend(suspicious(batch, store, converter.defined.get("transfer")))
    issues = one_issue_per_cell(issues if allow_extra_columns else unknown_columns_refused(issues))
    issues, empty_notes = empty_tables_noted(issues)
    _refuse([i for i in issues if i.severity == "error"])
    warnings = [i for i in issues if i.severity == "warning"]
    reference.update(batch)
    for special in read.imports:
        reference.update(special.batch)
    for rdf_batch in read.rdf_batches:
        reference.update(rdf_batch)
    _refuse(plan_removals(reference, store))
    return LoadPlan(reference, warnings, sum(len(r) for r in read.tables.values()), [str(p) for p in sources],
                    [special.summary for special in read.imports] + empty_notes)


def _refuse(errors: list[InputIssue]) -> None:
    if errors:
        raise InputError(errors[:MAX_ISSUES], truncated=max(0, len(errors) - MAX_ISSUES))


@dataclass
class _Read:
    """What the sources of a load gave: rows by table, whole batches, and the origin of each row label."""

    tables: dict[str, list[Row]] = field(default_factory=dict)
    rdf_batches: list[GraphBatch] = field(default_factory=list)
    imports: list = field(default_factory=list)
    origin_of_label: dict[str, str] = field(default_factory=dict)

    def add_rows(self, found: dict[str, list[Row]], origin: str) -> None:
        for name, rows in found.items():
            self.tables.setdefault(name, []).extend(rows)
            self.origin_of_label.update((row.file, origin) for row in rows)


def _read_sources(sources: list[Path], bundled: set[Path], issues: list[InputIssue], reference: GraphBatch,
                  existing: dict[str, set[str]], mapping) -> _Read:
    """Read every source by what it is, noting which origin (loaders/origins.py) each part comes from."""
    read = _Read()
    for path in sources:
        origin = origin_name(path, BUNDLED_DIR)
        if is_psikg_rdf(path):  # data in the ontology, before official files (it cites the SDG KOS too)
            read.rdf_batches.append(read_rdf(path, issues, known=existing))
            claim_whole_batch(read.rdf_batches[-1], origin)
            continue
        special = read_special(path, issues, reference, None if path.resolve() in bundled else mapping)
        if special is not None:  # an official reference file, or a catalogue read through a mapping
            claim_whole_batch(special.batch, origin)
            read.imports.append(special)
            read.add_rows(special.tables, origin)
            continue
        if is_rdf_path(path) and path.is_file():  # RDF in the ontology becomes a batch directly
            read.rdf_batches.append(read_rdf(path, issues, known=existing))
            claim_whole_batch(read.rdf_batches[-1], origin)
            continue
        read.add_rows(read_tables(path, issues), origin)
    return read
