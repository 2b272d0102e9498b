"""The knowledge graph as N-Triples lines: psikg's one mapping from a store to RDF.

Every export format starts here. N-Triples is written as these lines; Turtle, N-Quads, JSON-LD
and RDF/XML read them back through pyoxigraph's parser (see :func:`psikg.lod.rdf.graph_triples`),
so the graph is the same in every syntax.

Why lines and not pyoxigraph terms: a million-link graph has about five million triples, and
building a Python term object for each part of each triple cost three times as long as writing
the line itself. Terms are still made by pyoxigraph, once per distinct value (``str(term)`` is its
N-Triples form), so escaping and IRI checks stay pyoxigraph's; node IRIs, which are psikg's own,
are quoted here (:func:`psikg.lod.rdf_terms.node_iri`'s rule) and cached per node.

A node's lines are consecutive and come in a fixed order (kinds as the model lists them, nodes as
the store gives them, links sorted by target), so an export is reproducible byte for byte.
"""

from __future__ import annotations

import re
from typing import IO, Any, Iterator, NamedTuple
from urllib.parse import quote

import pyoxigraph as ox

from ..ontology.model import EU_COUNTRY_NS, KINDS, SDG_NS, Kind, Property, Relation
from ..ontology.owl import ENGLISH_TEXT, KOS_DATATYPES, KOS_MULTILINGUAL, expand, kind_classes, qualified_terms
from .rdf_terms import (_CACHED_TYPES, _COUNTRY_SOURCES, _SDG_KIND_NAMES, DCTERMS_SOURCE, EU_COUNTRY_DATASET,
                        PROV_DERIVED_FROM, RDF_TYPE, SDG_KOS_DATASET, SKOS_EXACT_MATCH, SKOS_PREF_LABEL,
                        MAX_ROOTS, ExportStats, _base, _literal)
from .store_rows import Part, store_rows

__all__ = ["graph_lines", "write_lines"]

_UNRESERVED = re.compile(r"[A-Za-z0-9._~-]*\Z")  # what quote(safe="-._~") leaves as it is
_KOS_IRI = "<" + SDG_NS
_KOS_INDICATOR = re.compile(r"^C\w{6}$")
_LANGUAGE = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")


def _quote_id(id_: str) -> str:
    """``quote(id, safe="-._~")``, without the call for the common case of a plain slug."""
    return id_ if _UNRESERVED.match(id_) else quote(id_, safe="-._~")


class _Tails(NamedTuple):
    """The lines a value makes after its subject (`` <predicate> term .``): ``subject.join(parts)``
    writes them; ``lines`` of them, ``counts`` triples per predicate."""

    parts: tuple[str, ...]  # ("", tail, tail, ...)
    lines: int
    counts: tuple[tuple[str, int], ...]


def _made(tails: list[str], counts: list[tuple[str, int]]) -> _Tails:
    return _Tails(("", *tails), len(tails), tuple((p, n) for p, n in counts if n))


class _Field:
    """One property of a kind or a link, as the mapping writes it. Values that repeat (years,
    flags, enums, sources) are turned into lines once each."""

    def __init__(self, kind_name: str, prop: Property, base: str, *, of_link: bool = False):
        key = (kind_name, prop.name)
        self.name, self.prop = prop.name, prop
        self.predicate = str(expand(prop.predicate, base))
        self.language = "en" if key in ENGLISH_TEXT else None  # English text of the SDG KOS: "text"@en
        self.datatype = ox.NamedNode(KOS_DATATYPES[key]) if key in KOS_DATATYPES else None  # KOS codes
        self.multilingual = key in KOS_MULTILINGUAL  # "text@lang" values, written as skos:prefLabel "text"@lang
        self.cached = self.language is None and self.datatype is None and (
            prop.type in _CACHED_TYPES or prop.enum is not None)
        # A node's sources are also written as prov:wasDerivedFrom (a link's are not).
        self.derived = not of_link and self.predicate == DCTERMS_SOURCE.value
        self._memo: dict[Any, _Tails] = {}

    def tails(self, value) -> _Tails:
        """The lines a value makes after its subject (`` <predicate> term .``), and how many
        triples of each predicate they are."""
        if not self.cached:
            return self._tails(value)
        try:
            key = ("list", *value) if isinstance(value, list) else value
            found = self._memo.get(key)
        except TypeError:  # an unhashable value (a list of lists): made each time
            return self._tails(value)
        if found is None:
            found = self._memo[key] = self._tails(value)
        return found

    def _tails(self, value) -> _Tails:
        if self.multilingual:
            labels = _kos_labels(value)
            return _made([f" <{SKOS_PREF_LABEL.value}> {label} .\n" for label in labels],
                         [(SKOS_PREF_LABEL.value, len(labels))])
        terms = self._terms(value)
        tails = [f" <{self.predicate}> {term} .\n" for term in terms]
        counts = [(self.predicate, len(terms))]
        if self.derived:  # the same sources, for PROV-O
            derived = [f" <{PROV_DERIVED_FROM.value}> {term} .\n" for term in terms if term[0] == "<"]
            tails += derived
            counts.append((PROV_DERIVED_FROM.value, len(derived)))
        return _made(tails, counts)

    def _terms(self, value) -> list[str]:
        """Every term of a value: each item of a list (only the first where one is declared)."""
        if isinstance(value, (list, tuple, set, frozenset)):
            items = value if self.prop.many else list(value)[:1]
            return [t for t in (self._term(v) for v in items if v is not None) if t is not None]
        found = self._term(value)
        return [] if found is None else [found]

    def _term(self, value) -> str | None:
        """One value as a term in N-Triples (None when it makes none), made by pyoxigraph."""
        if self.language:
            return str(ox.Literal(str(value), language=self.language))
        if self.datatype is not None:
            return str(ox.Literal(str(value), datatype=self.datatype))
        made = _literal(self.prop, value)
        return None if made is None else str(made)


def _kos_labels(values) -> list[str]:
    """The non-English labels of ``text@lang`` values (the English one is the title)."""
    out = []
    for value in values if isinstance(values, (list, tuple, set, frozenset)) else [values]:
        text, sep, lang = str(value).rpartition("@")
        if sep and text and lang not in ("en", "und") and _LANGUAGE.fullmatch(lang):
            out.append(str(ox.Literal(text, language=lang)))
    return out


class _Nodes:
    """``<IRI>`` of nodes (:func:`psikg.lod.rdf_terms.node_iri`'s rule) for one base, made once each."""

    def __init__(self, base: str):
        self.base = base
        self.iris: dict[tuple[str, str], str] = {}
        self._ids: dict[str, str] = {}

    def iri(self, kind: str, id_: str) -> str:
        key = (kind, id_)
        found = self.iris.get(key)
        if found is None:
            if kind in ("goal", "target") or (kind == "indicator" and _KOS_INDICATOR.match(str(id_))):
                found = f"<{SDG_NS}{id_}>"
            else:
                found = f"<{self.base}id/{kind}/{self.quoted(id_)}>"
            self.iris[key] = found
        return found

    def quoted(self, id_: str) -> str:
        """An id as it stands in an IRI (percent-encoded but for unreserved characters)."""
        found = self._ids.get(id_)
        if found is None:
            found = self._ids[id_] = _quote_id(str(id_))
        return found


class _Link:
    """One relation of a kind as the mapping writes it: its predicate, its links (by source, rows
    ``(source, target kind, target, *property values)`` sorted by target) and its qualified form."""

    def __init__(self, kind: Kind, rel: Relation, rows, base: str):
        self.predicate = str(expand(rel.predicate, base))
        self.by_source = rows.grouped(kind.name, rel)
        self.to_kos = kind.name not in _SDG_KIND_NAMES and set(rel.targets) <= _SDG_KIND_NAMES
        q = qualified_terms(rel)
        self.qualified = q is not None
        if q is not None:  # psikg:qualifiedFactor, psikg:FactorRole, psikg:factor; "#factor-"
            self.link_predicate = str(expand("psikg:" + q.link, base))
            self.cls = str(expand("psikg:" + q.cls, base))
            self.target_predicate = str(expand("psikg:" + q.target, base))
            self.fragment = f"#{q.target}-"
        self.fields = [_Field(kind.name, p, base, of_link=True) for p in rel.properties]
        self.width = len(self.fields)
        self._memo: dict[tuple, _Tails] = {}

    def tails(self, values: tuple) -> _Tails:
        """The property lines of one qualified link after its node, for its property values."""
        try:
            found = self._memo.get(values)
        except TypeError:  # a list among the values
            return self._tails(values)
        if found is None:
            found = self._memo[values] = self._tails(values)
        return found

    def _tails(self, values: tuple) -> _Tails:
        tails: list[str] = []
        counts: list[tuple[str, int]] = []
        for field, value in zip(self.fields, values):
            if value is not None:
                made = field.tails(value)
                tails += made.parts[1:]
                counts += made.counts
        return _made(tails, counts)


def graph_lines(store, base: str | None = None, stats: ExportStats | None = None,
                part: Part | None = None) -> Iterator[str]:
    """Every triple of the graph in ``store`` as N-Triples text, one string per node (its lines,
    each ending in a newline). ``stats`` (when given) counts triples and things as they go by.
    The embedded store is read in one snapshot straight from its tables (:mod:`.store_rows`), only
    the nodes of ``part`` when given (their lines are the same as in the whole graph's)."""
    base = _base(base)
    nodes = _Nodes(base)
    stats = stats if stats is not None else ExportStats()
    with store_rows(store, part) as rows:
        stats.generation = rows.generation
        for kind in KINDS.values():
            yield from _kind_lines(rows, kind, nodes, stats)


def _kind_lines(rows, kind: Kind, nodes: _Nodes, stats: ExportStats) -> Iterator[str]:
    """The lines of every node of one kind."""
    count, by_class = stats.by_property, stats.by_class
    type_iri = RDF_TYPE.value
    class_iris = [str(c) for c in kind_classes(kind, nodes.base)]
    typed = [f" <{type_iri}> <{c}> .\n" for c in class_iris]  # after the subject
    fields = [_Field(kind.name, p, nodes.base) for p in kind.properties]
    links = [_Link(kind, rel, rows, nodes.base) for rel in kind.relations]
    is_country, is_network = kind.name == "country", kind.name == "network"
    for id_, props in rows.nodes(kind.name):
        subject = nodes.iri(kind.name, id_)
        out = [subject + line for line in typed]
        lines = len(typed)
        count[type_iri] += len(class_iris)
        for cls in class_iris:
            by_class[cls] += 1
        if is_country:
            out += _country_lines(subject, id_, stats)
            lines += 1 + 2 * len(_COUNTRY_SOURCES)
        elif is_network and len(stats.roots) < MAX_ROOTS:
            stats.roots.append(subject[1:-1])
        for field in fields:
            value = props.get(field.name)
            if value is not None:
                made = field.tails(value)
                if made.lines:
                    out.append(subject.join(made.parts))
                    lines += made.lines
                    for predicate, n in made.counts:
                        count[predicate] += n
        for link in links:
            targets = link.by_source.get(id_)
            if targets:
                lines += _link_lines(out, subject, targets, link, nodes, stats)
        stats.entities += 1
        stats.triples += lines
        yield "".join(out)


def _country_lines(subject: str, id_: str, stats: ExportStats) -> list[str]:
    """A country's link to the EU authority and the sources of the reference data."""
    out = [f"{subject} <{SKOS_EXACT_MATCH.value}> <{EU_COUNTRY_NS}{quote(id_, safe='')}> .\n"]
    out += [f"{subject} <{DCTERMS_SOURCE.value}> <{source.value}> .\n" for source in _COUNTRY_SOURCES]
    out += [f"{subject} <{PROV_DERIVED_FROM.value}> <{source.value}> .\n" for source in _COUNTRY_SOURCES]
    stats.links[(EU_COUNTRY_DATASET, SKOS_EXACT_MATCH.value)] += 1
    stats.by_property[SKOS_EXACT_MATCH.value] += 1
    stats.by_property[DCTERMS_SOURCE.value] += len(_COUNTRY_SOURCES)
    stats.by_property[PROV_DERIVED_FROM.value] += len(_COUNTRY_SOURCES)
    return out


def _link_lines(out: list[str], subject: str, targets: list, link: _Link, nodes: _Nodes,
                stats: ExportStats) -> int:
    """Append the lines of one node's links of one relation (sorted by target), with their
    qualified form, to ``out``; return how many lines."""
    count = stats.by_property
    count[link.predicate] += len(targets)
    head = f"{subject} <{link.predicate}> "
    iris, iri = nodes.iris, nodes.iri
    kos = 0
    if not link.qualified:
        for row in targets:
            obj = iris.get((row[1], row[2])) or iri(row[1], row[2])
            out.append(f"{head}{obj} .\n")
            kos += link.to_kos and obj.startswith(_KOS_IRI)
        if kos:
            stats.links[(SDG_KOS_DATASET, link.predicate)] += kos
        return len(targets)
    type_iri = RDF_TYPE.value
    for predicate in (link.link_predicate, type_iri, link.target_predicate):
        count[predicate] += len(targets)
    stats.by_class[link.cls] += len(targets)
    qualified_head, typed = f"{subject} <{link.link_predicate}> ", f" <{type_iri}> <{link.cls}> .\n"
    stem, pointing, end = subject[:-1] + link.fragment, f" <{link.target_predicate}> ", 3 + link.width
    quoted, tails_of = nodes.quoted, link.tails
    lines = 4 * len(targets)
    for row in targets:
        obj = iris.get((row[1], row[2])) or iri(row[1], row[2])
        qnode = f"{stem}{quoted(row[2])}>"
        out.append(f"{head}{obj} .\n{qualified_head}{qnode} .\n{qnode}{typed}{qnode}{pointing}{obj} .\n")
        kos += link.to_kos and obj.startswith(_KOS_IRI)
        made = tails_of(row[3:end])
        if made.lines:
            out.append(qnode.join(made.parts))
            lines += made.lines
            for predicate, n in made.counts:
                count[predicate] += n
    if kos:
        stats.links[(SDG_KOS_DATASET, link.predicate)] += kos
    return lines


def write_lines(output: IO[bytes], chunks: Iterator[str], graph: str | None = None) -> None:
    """Write N-Triples lines (as N-Quads in ``graph`` when given) in blocks of about a megabyte.
    A line never holds a raw newline (N-Triples escapes it), so every " .\n" ends a triple."""
    in_graph = f" <{graph}> .\n" if graph else None
    block: list[str] = []
    size = 0
    for chunk in chunks:
        block.append(chunk)
        size += len(chunk)
        if size >= 1 << 20:
            text = "".join(block)
            output.write((text.replace(" .\n", in_graph) if in_graph else text).encode("utf-8"))
            block, size = [], 0
    text = "".join(block)
    output.write((text.replace(" .\n", in_graph) if in_graph else text).encode("utf-8"))
