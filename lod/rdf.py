"""The knowledge graph as linked data: psikg's one mapping between a store and RDF.

Graph to RDF (:func:`graph_triples`, :func:`export`):

* A node is ``{base}id/{kind}/{id}``, typed with its kind's class (and extra classes). SDG goals,
  targets and indicators are the UN SDG KOS concepts themselves (``http://metadata.un.org/sdg/16``,
  ``.../16.6``, ``.../C200303``: an indicator's id is its KOS permanent code).
* Properties and relations use the predicates of :mod:`psikg.ontology.model`; a country also gets
  ``skos:exactMatch`` to the EU Publications Office country authority.
* Sources are ``dcterms:source`` IRIs (a source that is not an IRI, such as a bibliographic
  reference, stays a string).
* A relation with properties (a practice's success factors) is stated directly and in its
  qualified form: ``{practice IRI}#factor-{factor id}``, a ``psikg:FactorRole``.
* The dataset is described at ``{base}dataset`` with DCAT and VoID (:func:`dataset_triples`).

The mapping itself is written once, as N-Triples lines (:mod:`.ntriples`): N-Triples and N-Quads
are those lines, and the other syntaxes read them back through pyoxigraph's parser into its
serializers, so a million-edge graph is streamed in every syntax without building an in-memory RDF
graph. JSON-LD is written by a small streaming writer of our own that uses the context shipped in
``ontology/context.jsonld``.

RDF to graph (:func:`batch_from_rdf`) reads data in the ontology back into a
:class:`~psikg.graph.records.GraphBatch`; ``psikg.loaders.rdf_input`` adds SHACL validation.

This module writes the graph as RDF and is the mapping's public face; its parts live beside it:
:mod:`.ntriples` (the graph as N-Triples lines), :mod:`.store_rows` (a store's rows for it),
:mod:`.rdf_terms` (formats, IRIs, values), :mod:`.dataset_rdf` (the dataset description and the
ontology's triples), :mod:`.jsonld` (the JSON-LD writer) and :mod:`.rdf_reader` (RDF to a batch).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import gc
import io
import itertools
from pathlib import Path
from typing import IO, Iterator

import pyoxigraph as ox

from ..ontology.owl import namespaces
from .dataset_rdf import (DCAT, FOAF, VOID, DatasetInfo, dataset_iri, dataset_triples, dump_iri, ontology_triples,
                          ontology_version_iri)
from .jsonld import write_jsonld
from .export_parts import AUTO_MIN_ROWS, default_jobs, plan_parts, write_in_parts
from .ntriples import graph_lines, write_lines
from .rdf_terms import FORMATS, XSD, ExportStats, _base, node_iri, parse_node_iri
from .store_rows import Part, is_embedded
from .rdf_reader import RdfMappingIssue, batch_from_rdf


__all__ = [
    "FORMATS",
    "DatasetInfo",
    "node_iri",
    "parse_node_iri",
    "graph_triples",
    "graph_lines",
    "dataset_triples",
    "export",
    "dated_info",
    "batch_from_rdf",
    "RdfMappingIssue",
    "dataset_iri",
    "dump_iri",
    "ontology_version_iri",
    "ontology_triples",
    "store_date",
    "write_jsonld",
]

# Graph -> RDF ---------------------------------------------------------------------------------


class _LinesReader(io.RawIOBase):
    """The N-Triples lines of :func:`graph_lines` as a binary file, for pyoxigraph's parser."""

    def __init__(self, chunks: Iterator[str]):
        self._chunks = chunks
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        wanted = len(buffer)
        if len(self._pending) < wanted:
            parts, size = [self._pending], len(self._pending)
            for chunk in self._chunks:
                part = chunk.encode("utf-8")
                parts.append(part)
                size += len(part)
                if size >= wanted:
                    break
            self._pending = b"".join(parts)
        size = min(wanted, len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def graph_triples(store, base: str | None = None, stats: ExportStats | None = None) -> Iterator[ox.Triple]:
    """Every triple of the graph in ``store``, node by node (a node's triples are consecutive):
    the lines of :func:`psikg.lod.ntriples.graph_lines` read back by pyoxigraph's parser.
    ``stats`` (when given) counts the triples and the things as they go by."""
    reader = io.BufferedReader(_LinesReader(graph_lines(store, base, stats)), buffer_size=1 << 20)
    for quad in ox.parse(reader, format=ox.RdfFormat.N_TRIPLES):
        yield quad.triple


# Export ---------------------------------------------------------------------------------------


def _parts(store, jobs: int | None) -> list[Part]:
    """The parts an export of ``store`` is written in: one, but for an embedded store (several
    when asked for, or when it is large and there are cores for them)."""
    if not is_embedded(store) or jobs == 1:
        return [Part()]
    if jobs is None:
        return plan_parts(store.path, default_jobs(), AUTO_MIN_ROWS)
    return plan_parts(store.path, jobs)


def store_date(store) -> str | None:
    """The date (UTC) the store's file was last written, for ``dcterms:modified``; None when the
    store is not a file (a graph database)."""
    path = store.path  # None for a database (the Store protocol)
    if path is None or not Path(path).is_file():
        return None
    return _dt.datetime.fromtimestamp(Path(path).stat().st_mtime, _dt.timezone.utc).date().isoformat()


def dated_info(info: DatasetInfo | None, store) -> DatasetInfo:
    """``info`` (default: :class:`DatasetInfo`) with the store's date (:func:`store_date`) when it
    has none, also when only the licence or publisher was given."""
    info = info if info is not None else DatasetInfo()
    return info if info.modified is not None else dataclasses.replace(info, modified=store_date(store))


def export(store, output: IO[bytes] | str | Path, fmt: str = "nt", base: str | None = None, *,
           ontology: bool = False, dataset: bool = True, info: DatasetInfo | None = None,
           jobs: int | None = None) -> ExportStats:
    """Write the whole graph (and the dataset description, and the ontology when asked) to
    ``output`` in ``fmt`` (``ttl``, ``nt``, ``nq``, ``jsonld`` or ``xml``). In N-Quads the data,
    the description and the ontology are the named graphs ``{base}graph/data``,
    ``{base}graph/dataset`` and ``{base}graph/ontology``.

    N-Triples and N-Quads are written straight from the mapping's lines; the other syntaxes read
    those lines back through pyoxigraph's parser into its serializers (the same graph). Into a
    file, the lines of an embedded store are written by ``jobs`` processes at once (default: one
    per core, up to four, for a graph of at least :data:`AUTO_MIN_ROWS` rows; see
    :mod:`.export_parts`); the file is the same."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    base = _base(base)
    stats = ExportStats()
    info = dated_info(info, store)

    def rest():
        """The parts after the data, made once the data has been counted."""
        if dataset:
            description = dataset_triples(stats, base, info)
            stats.description_triples = len(description)
            yield "dataset", description
        if ontology:
            owl = ontology_triples(base)
            stats.ontology_triples = len(owl)
            yield "ontology", owl

    collecting = gc.isenabled()
    gc.disable()  # millions of short-lived strings: the cyclic collector would only slow the stream
    close = None
    target = Path(output) if isinstance(output, (str, Path)) else None
    if target is not None:
        output = close = open(target, "wb")
    try:
        if fmt in ("nt", "nq"):
            data_graph = f"{base}graph/data" if fmt == "nq" else None
            parts = _parts(store, jobs) if target is not None else [Part()]  # into a stream: one process
            if not (len(parts) > 1 and write_in_parts(store.path, output, target.parent, base, parts, stats,
                                                      data_graph)):
                if len(parts) > 1:  # a write landed between the parts' snapshots: once more, in one process
                    output.seek(0)
                    output.truncate()
                write_lines(output, graph_lines(store, base, stats), data_graph)
            for name, triples in rest():
                if fmt == "nq":
                    graph = ox.NamedNode(f"{base}graph/{name}")
                    ox.serialize((ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples), output,
                                 ox.RdfFormat.N_QUADS)
                else:
                    ox.serialize(triples, output, ox.RdfFormat.N_TRIPLES)
        else:
            everything = itertools.chain(graph_triples(store, base, stats),
                                         (t for _, triples in rest() for t in triples))
            if fmt == "jsonld":
                write_jsonld(everything, output, base)
            else:
                prefixes = {**namespaces(base), "xsd": XSD, "void": VOID, "dcat": DCAT, "foaf": FOAF,
                            "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}
                ox.serialize(everything, output, FORMATS[fmt][0], prefixes=prefixes)
    finally:
        if collecting:
            gc.enable()
        if close is not None:
            close.close()
    return stats
