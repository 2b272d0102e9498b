"""SPARQL 1.1 over the knowledge graph, in process, with pyoxigraph.

:func:`oxigraph_store` loads the linked-data export of a store (data and dataset description in the
default graph, the OWL ontology in the named graph ``{base}graph/ontology``) into a pyoxigraph
store, in memory or on disk. :func:`run_query` answers a query (read-only: an update is refused),
and :func:`format_results` writes the answer as SPARQL JSON, XML, CSV or TSV (a ``SELECT`` or
``ASK``) or as RDF (a ``CONSTRUCT`` or ``DESCRIBE``), cut at a result limit.

The common prefixes (``psikg:``, ``dcterms:``, ``skos:``, ``schema:``, ``org:``, ``sdgo:``,
``sdg:``, ``rdf:``, ``rdfs:``, ``owl:``, ``xsd:``, ``void:``, ``dcat:``, ``id:`` for things) are
predeclared, so queries may omit them. This module imports only pyoxigraph and
:mod:`psikg.errors` at import time: the server's query workers use it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from ..errors import QueryError

__all__ = [
    "RESULT_FORMATS",
    "RDF_RESULT_FORMATS",
    "QueryRefused",
    "query_prefixes",
    "oxigraph_store",
    "default_workdir",
    "prepare_sparql_store",
    "dataset_description",
    "run_query",
    "Answer",
    "format_results",
]

#: SELECT / ASK result formats: name -> media type
RESULT_FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
#: CONSTRUCT / DESCRIBE result formats: name -> (pyoxigraph format, media type)
RDF_RESULT_FORMATS = {
    "ttl": (ox.RdfFormat.TURTLE, "text/turtle"),
    "nt": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
    "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json"),
    "xml": (ox.RdfFormat.RDF_XML, "application/rdf+xml"),
}

_UPDATE = re.compile(r"^\s*(?:(?:PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*"
                     r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE)
_IRI_OR_STRING = re.compile(r"<[^>\s]*>|\"\"\"[\s\S]*?\"\"\"|'\'\'[\s\S]*?'\'\'|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'")
_COMMENT = re.compile(r"#[^\n]*")
_SERVICE = re.compile(r"(?<![?$\w:])SERVICE\b", re.IGNORECASE)


class QueryRefused(QueryError):
    """A query that is not run: a syntax error, or an update on the read-only store. A
    :class:`~psikg.errors.QueryError` (so also a ``ValueError``), like every refused query."""


def query_prefixes(base: str) -> dict[str, str]:
    """Prefixes every query may use without declaring them."""
    from_base = base if base.endswith(("/", "#")) else base + "/"
    return {
        "psikg": from_base + "ontology#",
        "id": from_base + "id/",
        "dcterms": "http://purl.org/dc/terms/",
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "schema": "https://schema.org/",
        "org": "http://www.w3.org/ns/org#",
        "sdgo": "http://metadata.un.org/sdg/ontology#",
        "sdg": "http://metadata.un.org/sdg/",
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "owl": "http://www.w3.org/2002/07/owl#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "void": "http://rdfs.org/ns/void#",
        "dcat": "http://www.w3.org/ns/dcat#",
    }


def oxigraph_store(store, base: str | None = None, path: str | None = None, *, ontology: bool = True,
                   info=None) -> ox.Store:
    """A pyoxigraph store holding the export of ``store`` (on disk at ``path`` when given).

    The export is streamed to an N-Triples file that pyoxigraph's bulk loader reads natively (an
    order of magnitude faster than inserting terms one by one from Python). ``info`` is the
    :class:`~psikg.lod.rdf.DatasetInfo` of the dataset description."""
    import os
    import tempfile

    from .rdf import _base, dataset_triples, dated_info, export, ontology_triples

    base = _base(base)
    info = dated_info(info, store)  # both descriptions below carry the same date
    target = ox.Store(path) if path else ox.Store()
    fd, dump = tempfile.mkstemp(prefix="psikg-sparql-", suffix=".nt",
                                dir=os.path.dirname(os.path.abspath(path)) if path else None)
    os.close(fd)
    try:
        stats = export(store, dump, "nt", base, info=info)  # data and dataset description, in the default graph
        bulk_load_in_parts(target, dump)
    finally:
        os.unlink(dump)
    # the description once more, alone, as in the N-Quads dump: what {base}dataset serves
    description = ox.NamedNode(base + "graph/dataset")
    target.extend(ox.Quad(t.subject, t.predicate, t.object, description)
                  for t in dataset_triples(stats, base, info))
    if ontology:
        graph = ox.NamedNode(base + "graph/ontology")
        target.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in ontology_triples(base))
    if path:
        target.flush()
    return target


#: N-Triples given to pyoxigraph's bulk loader at a time: its memory grows with what it is given
#: (1.5 GB for the 730 MB export of the synthetic network L in one go, 0.5 GB in 64 MB parts).
BULK_LOAD_PART = 64 << 20


def bulk_load_in_parts(target: ox.Store, path) -> None:
    """Bulk-load an N-Triples file in parts of whole lines, so memory stays bounded at any size.
    (The export writes no blank nodes, whose labels a part boundary would split.)"""
    with open(path, "rb") as handle:
        while part := handle.read(BULK_LOAD_PART):
            part += handle.readline()
            target.bulk_load(part, format=ox.RdfFormat.N_TRIPLES)


def dataset_description(store: ox.Store, base: str) -> list:
    """The dataset description (DCAT-AP, VoID) held by a SPARQL store, exactly as the dumps state
    it: what ``{base}dataset`` serves."""
    from .rdf import _base

    graph = ox.NamedNode(_base(base) + "graph/dataset")
    return [quad.triple for quad in store.quads_for_pattern(None, None, None, graph)]


def default_workdir(store):
    """Where the SPARQL store of an embedded store is kept: ``{store file}.lod`` (None for a
    store that is not a file)."""
    from pathlib import Path

    path = store.path  # None for a database (the Store protocol)
    return Path(str(path) + ".lod") if path is not None and Path(path).is_file() else None


def _stamp(store, base: str, info) -> dict:
    """What a SPARQL store was built from: the store file, the base, the dataset description
    and the model."""
    import hashlib
    from pathlib import Path

    from ..version import __version__
    from ..ontology.model import KINDS

    path = store.path  # None for a database (the Store protocol)
    stat = Path(path).stat() if path is not None and Path(path).is_file() else None
    return {"psikg": __version__, "base": base, "license": getattr(info, "license", None),
            "publisher": getattr(info, "publisher", None), "store": str(path),
            "mtime_ns": stat.st_mtime_ns if stat else None, "size": stat.st_size if stat else None,
            "model": hashlib.sha256(repr(KINDS).encode()).hexdigest()}


def prepare_sparql_store(store, base: str, workdir, info=None) -> str:
    """The path of an on-disk SPARQL store of ``store`` in a subfolder of ``workdir`` (one per base
    and dataset description), built unless an up-to-date one is there (``stamp.json`` says what it
    was built from). Anything else in that subfolder (dumps) is removed when it is rebuilt. A lock
    makes concurrent callers build it once (``filelock``: an OS lock on every platform, released
    when its holder dies)."""
    import shutil

    from filelock import FileLock
    from pathlib import Path

    from .rdf import _base

    import hashlib

    base = _base(base)
    stamp = _stamp(store, base, info)
    # one subfolder per base and dataset description, so differently configured users coexist
    key = hashlib.sha256(json.dumps([base, stamp["license"], stamp["publisher"]]).encode()).hexdigest()[:12]
    workdir = Path(workdir) / key
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = workdir / "oxigraph"
    stamp_path = workdir / "stamp.json"
    with FileLock(workdir / ".lock"):
        try:
            current = json.loads(stamp_path.read_text()) if stamp_path.exists() else None
        except (OSError, ValueError):
            current = None
        if current == stamp and db_path.exists() and stamp["mtime_ns"] is not None:
            return str(db_path)
        for child in workdir.iterdir():  # stale: the SPARQL store, the dumps, the stamp
            if child.name == ".lock":
                continue
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
        writer = oxigraph_store(store, base, str(db_path), info=info)
        del writer  # closes the database; readers open it read-only
        stamp_path.write_text(json.dumps(stamp))
    return str(db_path)


def _code(query: str) -> str:
    """The query without comments, IRIs and strings (so keywords can be looked for)."""
    return _COMMENT.sub("", _IRI_OR_STRING.sub(lambda m: "<>" if m.group(0)[0] == "<" else '""', query))


def is_update(query: str) -> bool:
    """True when the text is a SPARQL update rather than a query."""
    return bool(_UPDATE.match(_code(query)))


def uses_service(query: str) -> bool:
    """True when the query calls another endpoint (``SERVICE``)."""
    return bool(_SERVICE.search(_code(query)))


def _base_iri(base: str) -> str:
    return base if base.endswith(("/", "#")) else base + "/"


def run_query(store: ox.Store, query: str, base: str, *, allow_service: bool = True,
              default_graph: list[str] | None = None, named_graphs: list[str] | None = None):
    """Run a query; raises :class:`QueryRefused` for an update, a syntax error, or (unless
    ``allow_service``) a federated ``SERVICE`` call."""
    if is_update(query):
        raise QueryRefused("updates are not allowed: the SPARQL endpoint is read-only")
    if not allow_service and uses_service(query):
        raise QueryRefused("SERVICE is not allowed: this endpoint does not query other endpoints")
    options = {}
    if default_graph:
        options["default_graph"] = [ox.NamedNode(g) for g in default_graph]
    if named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    try:
        # relative IRIs (<id/country/BGD>) resolve against the base, as a query's BASE would
        return store.query(query, prefixes=query_prefixes(base), base_iri=_base_iri(base), **options)
    except SyntaxError as error:
        raise QueryRefused(f"SPARQL syntax error: {error}") from None
    except ValueError as error:
        raise QueryRefused(str(error)) from None


@dataclass(frozen=True)
class Answer:
    """A formatted answer."""

    body: bytes
    media_type: str
    rows: int
    truncated: bool


def _term_json(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype and term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {"subject": _term_json(term.subject), "predicate":
                                         _term_json(term.predicate), "object": _term_json(term.object)}}


def _term_xml(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype and term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def _plain(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return term.value if hasattr(term, "value") else str(term)


def format_results(results, fmt: str = "json", limit: int | None = None) -> Answer:
    """Serialize a pyoxigraph result: SELECT and ASK in ``json|xml|csv|tsv``; CONSTRUCT and
    DESCRIBE in ``ttl|nt|jsonld|xml`` (``json`` means JSON-LD, ``csv``/``tsv`` N-Triples there).
    At most ``limit`` solutions or triples are written; ``truncated`` says whether more existed."""
    if isinstance(results, (bool, ox.QueryBoolean)):
        return _boolean(bool(results), fmt)
    if isinstance(results, ox.QueryTriples):
        rdf_fmt = {"json": "jsonld", "csv": "nt", "tsv": "nt", "table": "ttl"}.get(fmt, fmt)
        triples, truncated = [], False
        for triple in results:
            if limit is not None and len(triples) >= limit:
                truncated = True
                break
            triples.append(triple)
        ox_format, media = RDF_RESULT_FORMATS[rdf_fmt]
        return Answer(ox.serialize(triples, format=ox_format, prefixes=None), media, len(triples), truncated)
    variables = [v.value for v in results.variables]
    rows, truncated = [], False
    for solution in results:
        if limit is not None and len(rows) >= limit:
            truncated = True
            break
        rows.append([solution[v] for v in variables])
    return Answer(_solutions(variables, rows, fmt), RESULT_FORMATS.get(fmt, "application/sparql-results+json"),
                  len(rows), truncated)


def _boolean(value: bool, fmt: str) -> Answer:
    if fmt == "xml":
        body = ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
                f"<head/>\n<boolean>{'true' if value else 'false'}</boolean>\n</sparql>\n")
        return Answer(body.encode(), RESULT_FORMATS["xml"], 1, False)
    if fmt in ("csv", "tsv"):
        return Answer(f"_askResult\n{'true' if value else 'false'}\n".encode(), RESULT_FORMATS[fmt], 1, False)
    return Answer(json.dumps({"head": {}, "boolean": value}).encode(), RESULT_FORMATS["json"], 1, False)


def _solutions(variables: list[str], rows: list[list], fmt: str) -> bytes:
    if fmt == "xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
        out += [f"<variable name={quoteattr(v)}/>" for v in variables]
        out.append("</head>\n<results>")
        for row in rows:
            out.append("<result>")
            out += [f"<binding name={quoteattr(v)}>{_term_xml(t)}</binding>"
                    for v, t in zip(variables, row) if t is not None]
            out.append("</result>")
        out.append("</results>\n</sparql>\n")
        return "\n".join(out).encode()
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        for row in rows:
            writer.writerow([_plain(t) for t in row])
        return buffer.getvalue().encode()
    if fmt == "tsv":
        lines = ["\t".join("?" + v for v in variables)]
        for row in rows:
            lines.append("\t".join("" if t is None else str(t) for t in row))
        return ("\n".join(lines) + "\n").encode()
    bindings = [{v: _term_json(t) for v, t in zip(variables, row) if t is not None} for row in rows]
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}},
                      ensure_ascii=False).encode()
