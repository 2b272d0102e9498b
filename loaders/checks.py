"""Warnings for suspicious but possible data, checked on the converted batch of a load.

They never refuse a load; ``psikg load`` and ``psikg validate`` list them.

- A transfer whose exporter country is neither the practice's country nor the importer of an
  earlier transfer of the same practice (by start year; an undated transfer counts as earlier):
  often a swapped exporter and importer, or a missing transfer that brought the practice there.
- A transfer that starts before the practice itself started (its ``start_year`` before the
  practice's ``year``).
"""

from __future__ import annotations

from ..errors import InputIssue
from ..graph.records import GraphBatch, split_key

__all__ = ["suspicious"]


_READ = frozenset({"country", "practice", "importer", "exporter"})


def suspicious(batch: GraphBatch, store=None, locations: dict | None = None) -> list[InputIssue]:
    """Warnings about the transfers of ``batch``; ``store`` supplies practices and transfers not in
    the batch (it needs a ``catalog()``); ``locations`` maps a transfer id to its (file, row)."""
    if not any(node.kind == "transfer" for node in batch.nodes.values()):
        return []
    by_source: dict[tuple[str, str], list[str]] = {}
    for source, rel, target in batch.links:  # only the links read below (a load has a million)
        if rel in _READ and source.startswith(("practice/", "transfer/")):
            by_source.setdefault((source, rel), []).append(target)
    practice_country: dict[str, str] = {}
    practice_year: dict[str, int] = {}
    transfers: dict[str, list[tuple[int | None, str, str]]] = {}  # practice -> (year, importer, id)
    catalog = None
    if store is not None:
        try:
            catalog = store.catalog()
        except Exception:  # an empty or unreadable store gives no context; the load reports it
            catalog = None
    if catalog is not None:
        for id_, practice in catalog.practices.items():
            if practice.country:
                practice_country[id_] = practice.country
            if practice.year:
                practice_year[id_] = practice.year
        for id_, transfer in catalog.transfers.items():
            transfers.setdefault(transfer.practice, []).append((transfer.start_year, transfer.importer, id_))
    for key, node in batch.nodes.items():
        if node.kind == "practice":
            practice_year[node.id] = node.props.get("year")
            country = by_source.get((key, "country"))
            if country:
                practice_country[node.id] = split_key(country[0])[1]
            else:
                practice_country.pop(node.id, None)
    batch_transfers = []
    for key, node in batch.nodes.items():
        if node.kind != "transfer":
            continue
        practice = split_key((by_source.get((key, "practice")) or ["/"])[0])[1]
        importer = split_key((by_source.get((key, "importer")) or ["/"])[0])[1]
        exporter_key = (by_source.get((key, "exporter")) or [None])[0]
        batch_transfers.append((node, practice, importer, exporter_key))
        entries = [e for e in transfers.get(practice, []) if e[2] != node.id]
        transfers[practice] = entries + [(node.props.get("start_year"), importer, node.id)]
    warnings = []
    for node, practice, importer, exporter_key in batch_transfers:
        file, row = (locations or {}).get(node.id, (f"transfer {node.id}", None))
        started, year = practice_year.get(practice), node.props.get("start_year")
        if started and year and year < started:
            warnings.append(InputIssue(
                file, row, "start_year", str(year),
                f"a year from {started}, when the practice {practice} started (suspicious but possible: "
                "check both years)", severity="warning"))
        if exporter_key is None or split_key(exporter_key)[0] != "country":
            continue
        exporter = split_key(exporter_key)[1]
        origin = practice_country.get(practice)
        if origin is None or exporter == origin:
            continue
        year = node.props.get("start_year")
        earlier = {imp for y, imp, other in transfers.get(practice, [])
                   if other != node.id and (y is None or year is None or y <= year)}
        if exporter in earlier:
            continue
        warnings.append(InputIssue(
            file, row, "exporter", exporter,
            f"the practice's country ({origin}) or the importer of an earlier transfer of {practice} "
            "(a suspicious but possible exporter: check it, or record the transfer that brought the "
            "practice there)", severity="warning"))
    return warnings
