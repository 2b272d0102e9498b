"""Research files: the panel and the edge list as CSV and Parquet, the network as GraphML and GEXF,
each with a data dictionary beside it (``<file>.dictionary.csv``: column, type, description).

Files are reproducible: the same store gives the same bytes (rows in a fixed order, no timestamps;
GEXF's ``lastmodifieddate`` is set to the panel's end year instead of today's date).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from .csv_safety import defuse_formula

__all__ = ["PANEL_DICTIONARY", "EDGE_DICTIONARY", "NODE_DICTIONARY", "write_table", "write_dictionary",
           "write_network", "safe_cell"]

PANEL_DICTIONARY = {
    "country": ("string", "ISO 3166-1 alpha-3 code of the country at risk of adopting"),
    "practice": ("string", "practice id"),
    "year": ("int", "calendar year of the row"),
    "at_risk": ("int", "1 while the country has not adopted before this year (the adoption year included)"),
    "event": ("int", "1 in the year the country adopted the practice (a transfer to it started), else 0"),
    "adopted": ("int", "1 from the adoption year on"),
    "transfer": ("string", "id of the adopting transfer (from the adoption year on)"),
    "verdict": ("string", "verdict of the adopting transfer today: success, partial, failure or open"),
    "degree": ("string", "degree of the adopting transfer: copy, adaptation or inspiration (empty: not graded)"),
    "region": ("string", "M49 region of the country"),
    "subregion": ("string", "M49 sub-region of the country"),
    "income_group": ("string", "World Bank income group (the classification loaded today, not the year's)"),
    "n_preconditions": ("int", "number of preconditions the practice lists"),
    "precondition_fit": ("float", "weight share of the practice's preconditions present as of the year "
                                  "(critical 1.0, supporting 0.5); empty when it lists none"),
    "precondition_coverage": ("float", "weight share of the preconditions whose state is known as of the year"),
    "present": ("string", "preconditions present as of the year (';'-separated factor ids)"),
    "absent": ("string", "preconditions known absent as of the year"),
    "unknown": ("string", "preconditions nobody recorded as of the year"),
    "neighbour_ties": ("int", "holders before this year (origin and earlier adopters) in the country's M49 sub-region"),
    "network_ties": ("int", "holders before this year sharing a network with the country (network founded by then)"),
    "event_ties": ("int", "holders before this year that attended an event with the country held by then"),
}

EDGE_DICTIONARY = {
    "transfer": ("string", "transfer id"),
    "practice": ("string", "practice id"),
    "exporter": ("string", "ISO3 code or organization id of the party sharing the practice"),
    "exporter_kind": ("string", "country or organization"),
    "importer": ("string", "ISO3 code of the importer"),
    "status": ("string", "current status: opportunity, agreed, implementing, adopted, scaled, stalled, abandoned"),
    "outcome": ("string", "recorded outcome: success, partial, failure or unknown"),
    "verdict": ("string", "the one verdict: failure, success, partial or open (opportunities are always open)"),
    "degree": ("string", "copy, adaptation or inspiration, where a source grades it"),
    "start_year": ("int", "year the transfer started"),
    "status_year": ("int", "year of the latest dated status step"),
    "facilitators": ("string", "facilitating organizations (';'-separated ids)"),
    "event": ("string", "event where it was matched"),
    "same_region": ("bool", "exporter and importer in the same M49 region (empty: unknown)"),
    "same_subregion": ("bool", "exporter and importer in the same M49 sub-region (empty: unknown)"),
    "same_income_group": ("bool", "exporter and importer in the same income group (empty: unknown)"),
    "basis": ("string", "matchmaking: an opportunity suggested by psikg matchmaking"),
}

NODE_DICTIONARY = {
    "id": ("string", "node id: ISO3 code or organization id"),
    "name": ("string", "the party's name"),
    "kind": ("string", "country or organization"),
    "region": ("string", "M49 region (countries)"),
    "subregion": ("string", "M49 sub-region (countries)"),
    "income_group": ("string", "World Bank income group (countries)"),
    **{f"edge {name}": spec for name, spec in EDGE_DICTIONARY.items()
       if name not in ("transfer", "exporter", "importer")},
    "edge key": ("string", "the transfer id (one edge per transfer; exporter -> importer)"),
}

def safe_cell(value) -> str:
    """A CSV cell that no spreadsheet reads as a formula (a leading ``'`` before = + - @)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(round(value, 12))
    return defuse_formula(str(value))


def _csv_bytes(rows: list[dict], columns) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(row[column]) for column in columns])
    return buffer.getvalue().encode("utf-8")


def _parquet(path: Path, rows: list[dict], dictionary: dict) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"string": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
    schema = pa.schema([(name, types[kind]) for name, (kind, _) in dictionary.items()])
    table = pa.table({name: [row[name] for row in rows] for name in dictionary}, schema=schema)
    pq.write_table(table, path, compression="zstd")


def write_table(folder: Path, stem: str, rows: list[dict], dictionary: dict, formats=("csv", "parquet")) -> list[Path]:
    """Write ``rows`` as ``stem.csv`` and/or ``stem.parquet`` plus ``stem.dictionary.csv``."""
    written = []
    if "csv" in formats:
        path = folder / f"{stem}.csv"
        path.write_bytes(_csv_bytes(rows, list(dictionary)))
        written.append(path)
    if "parquet" in formats:
        path = folder / f"{stem}.parquet"
        _parquet(path, rows, dictionary)
        written.append(path)
    written.append(write_dictionary(folder / f"{stem}.dictionary.csv", dictionary))
    return written


def write_dictionary(path: Path, dictionary: dict) -> Path:
    rows = [{"column": name, "type": kind, "description": text} for name, (kind, text) in dictionary.items()]
    path.write_bytes(_csv_bytes(rows, ["column", "type", "description"]))
    return path


def write_network(folder: Path, graph, as_of_year: int) -> list[Path]:
    """``network.graphml`` and ``network.gexf`` (networkx writers) and ``network.dictionary.csv``."""
    import networkx as nx

    graphml = folder / "network.graphml"
    nx.write_graphml(graph, graphml, named_key_ids=True)
    gexf = folder / "network.gexf"
    text = "\n".join(nx.generate_gexf(graph))
    text = re.sub(r'lastmodifieddate="[0-9-]+"', f'lastmodifieddate="{as_of_year}-12-31"', text, count=1)
    gexf.write_text(text + "\n", encoding="utf-8")
    return [graphml, gexf, write_dictionary(folder / "network.dictionary.csv", NODE_DICTIONARY)]
