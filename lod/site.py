"""The state behind ``psikg serve``: the store, the on-disk SPARQL store built from it, the dumps,
the search index and the descriptions of things. The routes read it as ``request.app.state.lod``."""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import pyoxigraph as ox

from .query_pool import QueryPool

__all__ = ["LodServer", "LABELS", "MAX_INCOMING", "served_info"]

#: predicates that give a thing its label, most preferred first
LABELS = ("http://www.w3.org/2004/02/skos/core#prefLabel", "https://schema.org/name",
          "http://purl.org/dc/terms/title", "http://www.w3.org/2000/01/rdf-schema#label",
          "http://xmlns.com/foaf/0.1/name")
#: at most this many statements pointing to a thing go into its document
MAX_INCOMING = 500
_OX = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "rdf": ox.RdfFormat.RDF_XML}
_SEARCHED = {"practice": ("title", ("title", "description", "problem")),
             "country": ("name", ("iso2", "name", "region", "subregion")),
             "factor": ("label", ("label", "definition"))}


def _built_at(workdir: Path) -> float:
    """When the SPARQL store behind the documents was built (their ``Last-Modified``)."""
    stamp = workdir / "stamp.json"
    return stamp.stat().st_mtime if stamp.exists() else time.time()


def served_info(store, license: str | None, publisher: str | None):
    """The description the server gives of its dataset: the configured licence and publisher (else
    the defaults), dated by the store (:func:`psikg.lod.rdf.dated_info`). The SPARQL store built in
    a child process is described by the same call."""
    from .rdf import DatasetInfo, dated_info

    defaults = DatasetInfo()
    return dated_info(DatasetInfo(license=license or defaults.license, publisher=publisher or defaults.publisher),
                      store)


class LodServer:
    """The state behind the app: the graph, the on-disk SPARQL store, the dumps."""

    def __init__(self, store, config):
        from .sparql import default_workdir, prepare_sparql_store

        self.store, self.config = store, config
        self.base = config.base
        self.info = served_info(store, config.license, config.publisher)
        workdir = Path(config.workdir) if config.workdir else default_workdir(store)
        self._own_workdir = workdir is None
        self._root = workdir or Path(tempfile.mkdtemp(prefix="psikg-serve-"))
        self.db_path = prepare_sparql_store(store, self.base, self._root, self.info)
        self.workdir = Path(self.db_path).parent  # the dumps go beside the SPARQL store
        self.rdf = ox.Store.read_only(self.db_path)
        self.pool = QueryPool(self.db_path, self.base, config.workers or max(2, os.cpu_count() or 2), config.timeout,
                              config.max_results, light_seconds=config.light_time)
        self._dump_lock = threading.Lock()
        self.search_index = self._search_index()
        self.counts = store.counts()
        self.rendered: dict = {}  # the model's documents, rendered once
        self.last_modified = _built_at(self.workdir)
        self.dump_version = self._dump_version()

    def _dump_version(self) -> str | None:
        """The dataset's ``dcat:version`` as the SPARQL store states it: the date in the dated
        dump IRIs."""
        from .rdf import DCAT, dataset_iri

        graph = ox.NamedNode(self.base + "graph/dataset")
        for quad in self.rdf.quads_for_pattern(ox.NamedNode(dataset_iri(self.base)), ox.NamedNode(DCAT + "version"),
                                               None, graph):
            return quad.object.value
        return None

    def close(self) -> None:
        self.rdf = None
        if self._own_workdir:
            shutil.rmtree(self._root, ignore_errors=True)

    # Search ----------------------------------------------------------------------------------

    def _search_index(self) -> list[tuple[str, str, str, str]]:
        """(kind, id, label, text to search) for practices, countries and success factors."""
        rows = []
        for kind, (label_field, searched) in _SEARCHED.items():
            for id_, props in self.store.nodes(kind):
                label = str(props.get(label_field) or id_)
                text = " ".join(str(props[f]) for f in searched if props.get(f))
                rows.append((kind, id_, label, f"{id_} {text}"))
        return sorted(rows, key=lambda r: (r[0], r[2].lower()))

    def search(self, text: str, limit: int = 50) -> list[dict]:
        words = [w for w in text.lower().split() if w]
        if not words:
            return []
        found = []
        for kind, id_, label, body in self.search_index:
            haystack = body.lower()
            if all(w in haystack for w in words):
                in_label = all(w in label.lower() or w == id_.lower() for w in words)
                found.append((0 if in_label else 1, kind, label.lower(), id_, label))
        found.sort()
        return [{"kind": k, "id": i, "label": lab, "iri": self.iri(k, i), "path": self.local_path(k, i)}
                for _, k, _, i, lab in found[:limit]]

    # IRIs ------------------------------------------------------------------------------------

    def iri(self, kind: str, id_: str) -> str:
        from .rdf import node_iri

        return node_iri(kind, id_, self.base)

    def local_path(self, kind: str, id_: str) -> str:
        return f"{self.config.mount}id/{kind}/{quote(id_, safe='-._~')}"

    def href(self, iri: str) -> str | None:
        """Where a page links for an IRI: a local path under the base, the resource view for
        another IRI the graph describes, else the IRI itself when it may be a link (http(s),
        DOI, URN: :func:`psikg.views.links.link_target`); None shows it as text."""
        from ..views.links import link_target

        if iri.startswith(self.base):
            return self.config.mount + iri[len(self.base):]
        if self.describes(iri):
            return f"{self.config.mount}resource?{urlencode({'iri': iri})}"
        return link_target(iri)

    def describes(self, iri: str) -> bool:
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            return False
        return next(iter(self.rdf.quads_for_pattern(node, None, None, ox.DefaultGraph())), None) is not None

    def label(self, iri: str) -> str | None:
        node = ox.NamedNode(iri)
        for predicate in LABELS:
            for quad in self.rdf.quads_for_pattern(node, ox.NamedNode(predicate), None, None):
                return quad.object.value
        return None

    # Descriptions ----------------------------------------------------------------------------

    def description(self, iri: str) -> tuple[list, list]:
        """(statements about the IRI and its hash-qualified nodes, statements pointing to it)."""
        node = ox.NamedNode(iri)
        default = ox.DefaultGraph()
        out = [q.triple for q in self.rdf.quads_for_pattern(node, None, None, default)]
        for triple in list(out):
            obj = triple.object
            if isinstance(obj, ox.NamedNode) and obj.value.startswith(iri + "#"):
                out += [q.triple for q in self.rdf.quads_for_pattern(obj, None, None, default)]
        incoming = []
        for quad in self.rdf.quads_for_pattern(None, None, node, default):
            if isinstance(quad.subject, ox.NamedNode) and quad.subject.value.startswith(iri + "#"):
                continue
            incoming.append(quad.triple)
            if len(incoming) >= MAX_INCOMING:
                break
        return out, incoming

    def rdf_document(self, triples: list, fmt: str) -> bytes:
        from ..ontology.owl import namespaces
        from .rdf import write_jsonld

        if fmt == "jsonld":
            buffer = io.BytesIO()
            write_jsonld(sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object))),
                         buffer, self.base)
            return buffer.getvalue()
        prefixes = {**namespaces(self.base), "xsd": "http://www.w3.org/2001/XMLSchema#",
                    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"} if fmt != "nt" else None
        return ox.serialize(triples, format=_OX[fmt], prefixes=prefixes)

    def dump_path(self, fmt: str) -> Path:
        """The dump in ``fmt`` (``ttl``, ``nt``, ``jsonld``, ``xml``, ``nq``), written on first use."""
        from .rdf import FORMATS, export

        path = self.workdir / f"psikg.{FORMATS[fmt][2]}"
        with self._dump_lock:
            if not path.exists():
                fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=self.workdir)
                os.close(fd)
                try:
                    export(self.store, tmp, fmt, self.base, info=self.info)
                    os.replace(tmp, path)
                finally:
                    if os.path.exists(tmp):
                        os.unlink(tmp)
        return path
