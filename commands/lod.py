"""The linked-data commands of ``psikg``: export, sparql and serve (registered in :mod:`psikg.cli`).

RDF input needs no command of its own: ``psikg load FILE.ttl`` (or ``.nt``, ``.jsonld``, ``.rdf``,
``.nq``) reads data in the ontology, checked against the SHACL shapes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import PsikgError
from .common import emit, open_graph, plural

__all__ = ["export", "sparql", "serve", "COMMANDS", "SPARQL_DIR"]

SPARQL_DIR = Path(__file__).resolve().parents[1] / "queries" / "sparql"
_SUFFIX_FORMAT = {".ttl": "ttl", ".nt": "nt", ".nq": "nq", ".jsonld": "jsonld", ".json": "jsonld",
                  ".rdf": "xml", ".xml": "xml", ".owl": "xml"}


def _base_option(function):
    return click.option("--base", metavar="IRI", default=None,
                        help="Base of psikg's IRIs (default: PSIKG_BASE or https://w3id.org/psikg/).")(function)


@click.command()
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "jsonld", "xml", "nq"]), default=None,
              help="RDF syntax (default: from the -o suffix, else ttl). nq puts data, dataset description "
                   "and ontology in named graphs.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to FILE instead of standard output.")
@_base_option
@click.option("--ontology", is_flag=True, help="Include the OWL ontology in the dump.")
@click.option("--license", "license_", metavar="IRI", default=None,
              help="Licence of the data in the dataset description (default CC BY 4.0).")
@click.option("--publisher", default=None, help="Publisher named in the dataset description.")
@click.option("--modified", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="DATE",
              help="The dataset's dcterms:modified, YYYY-MM-DD (default: the day the store's file was last "
                   "written; today for a graph database). Fix it to compare or reproduce dumps.")
@click.option("--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Processes that write N-Triples or N-Quads into a file at once (default: one per core, "
                   "up to 4, for a graph of 250,000 rows or more; 1: one process). The file is the same.")
@click.pass_context
def export(ctx, fmt, output, base, ontology, license_, publisher, modified, jobs):
    """Write the whole knowledge graph as linked data, with its DCAT/VoID dataset description.

    \b
    Example:
      psikg export -o psikg.nt
      psikg export --format jsonld --ontology > psikg.jsonld
      psikg export -o psikg.nt --modified 2026-01-01
    """
    from ..lod.rdf import DatasetInfo

    if fmt is None:
        fmt = _SUFFIX_FORMAT.get(output.suffix.lower(), "ttl") if output else "ttl"
    defaults = DatasetInfo()
    info = DatasetInfo(license=license_ or defaults.license, publisher=publisher or defaults.publisher,
                       modified=modified.date().isoformat() if modified else None)  # None: the store's date
    target = output if output is not None else sys.stdout.buffer
    stats = open_graph(ctx).export(target, fmt, base=base, ontology=ontology, info=info, jobs=jobs)
    if output is not None:
        click.echo(f"Wrote {stats.written} triples ({stats.triples} of data about {stats.entities} things) "
                   f"to {output} ({fmt}).", err=True)


def _read_query(text: str) -> str:
    """QUERY may be the query itself, a file, or the name of a shipped example. Text that looks
    like a file name (no spaces or braces, or ending in .rq) must name one: a missing file is
    "no such file", never a SPARQL syntax error about its name."""
    if "{" in text or "\n" in text or (" " in text and not text.endswith(".rq")):
        return text
    candidates = [Path(text), SPARQL_DIR / text, SPARQL_DIR / f"{text}.rq", SPARQL_DIR / Path(text).name]
    for path in candidates:
        try:
            if path.is_file():
                return path.read_text(encoding="utf-8")
        except OSError:
            continue
    shipped = ", ".join(sorted(p.stem for p in SPARQL_DIR.glob("*.rq")))
    raise click.BadParameter(f"no such file or shipped query: {text!r}; the shipped queries are {shipped}",
                             param_hint="QUERY")


def _short(term, prefixes: dict[str, str]) -> str:
    if term is None:
        return ""
    value = getattr(term, "value", str(term))
    if type(term).__name__ == "NamedNode":
        for prefix, ns in prefixes.items():
            if value.startswith(ns) and len(value) > len(ns):
                return f"{prefix}:{value[len(ns):]}"
    return value


@click.command()
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "tsv", "xml"]), default="table",
              show_default=True, help="table for people; SPARQL JSON, CSV, TSV or XML results for scripts.")
@_base_option
@click.option("--limit", type=int, default=None, help="Print at most this many results.")
@click.pass_context
def sparql(ctx, query, fmt, base, limit):
    """Run a SPARQL 1.1 query over the knowledge graph, in process. QUERY is the query text, a
    .rq file, or the name of a shipped example (queries/sparql/: importers-of-practice,
    practices-per-target, transfers-by-status, countries-by-group). Common prefixes (psikg:,
    dcterms:, skos:, schema:, org:, sdgo:, sdg:, id:, rdf:, rdfs:, owl:, xsd:) are predeclared.

    \b
    Example:
      psikg sparql transfers-by-status
      psikg sparql 'SELECT ?p ?t WHERE { ?p a psikg:Practice ; dcterms:title ?t }' --format csv
    """
    from ..config import DEFAULT_BASE, iri_base
    from ..errors import PsikgError
    import pyoxigraph as ox

    from ..lod.sparql import QueryRefused, format_results, query_prefixes

    base = base or iri_base()
    text = _read_query(query)
    if base != DEFAULT_BASE:  # the shipped examples are written for the default base
        text = text.replace(DEFAULT_BASE, base)
    try:
        results = open_graph(ctx).sparql(text, base=base)
    except QueryRefused as error:
        click.echo(f"Error: {error}", err=True)
        ctx.exit(2)
    if fmt != "table":
        try:
            answer = format_results(results, fmt, limit)
        except OSError as error:  # pragma: no cover - evaluation errors surface while iterating
            raise PsikgError(str(error)) from error
        sys.stdout.buffer.write(answer.body)
        sys.stdout.buffer.flush()
        return
    from rich.console import Console

    prefixes = query_prefixes(base)
    console = Console(width=max(100, Console().width))
    if isinstance(results, (bool, ox.QueryBoolean)):
        console.print("yes" if bool(results) else "no")
        return
    if isinstance(results, ox.QueryTriples):
        for n, triple in enumerate(results):
            if limit is not None and n >= limit:
                break
            console.print(" ".join(_short(t, prefixes) for t in (triple.subject, triple.predicate, triple.object)),
                          markup=False, highlight=False)
        return
    variables = [v.value for v in results.variables]
    rows = []
    for solution in results:
        if limit is not None and len(rows) >= limit:
            break
        rows.append({v: _short(solution[v], prefixes) for v in variables})
    emit("table", None, rows, variables)  # IRIs are ids: the table never cuts them
    click.echo(f"{plural(len(rows), 'result')}", err=True)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on (127.0.0.1: this machine only).")
@click.option("--port", default=8000, show_default=True, type=int)
@_base_option
@click.option("--mount", default="/", show_default=True, metavar="PATH",
              help="URL path at which the base is served (e.g. /psikg/ when the base is "
                   "http://host/psikg/); every path outside it is 404.")
@click.option("--timeout", default=10.0, show_default=True, type=float,
              help="Time limit of one SPARQL query, in seconds.")
@click.option("--max-results", default=10_000, show_default=True, type=int,
              help="Most solutions (or triples) one SPARQL query returns.")
@click.option("--workers", default=None, type=int, help="SPARQL worker processes (default: CPU count).")
@click.option("--license", "license_", metavar="IRI", default=None, help="Licence of the data (default CC BY 4.0).")
@click.option("--cors-origin", "cors_origins", multiple=True, metavar="ORIGIN",
              help="Origin whose scripts may read the answers (repeatable; default: every origin, '*'; "
                   "'none' sends no CORS headers).")
@click.option("--allowed-host", "allowed_hosts", multiple=True, metavar="HOST",
              help="Host header to answer (repeatable, e.g. kg.example.org or *.example.org; default: any); "
                   "other hosts get 400.")
@click.option("--workshop", "workshop_event", metavar="EVENT", default=None,
              help="Workshop mode for EVENT: the facilitator's page at /workshop records opportunities and "
                   "follow-up steps, only from this machine and with the token printed at start.")
@click.pass_context
def serve(ctx, host, port, base, mount, timeout, max_results, workers, license_, cors_origins, allowed_hosts,
          workshop_event):
    """Serve the knowledge graph as linked data: IRIs dereference with content negotiation (HTML,
    Turtle, N-Triples, JSON-LD, RDF/XML), a read-only SPARQL 1.1 endpoint at /sparql, dumps at
    /dump/psikg.{ttl,nt,jsonld,rdf,nq}, the dataset description at /dataset, the ontology at
    /ontology, a sitemap at /sitemap.xml, a landing page with search and the network view at /network.
    Read-only; CORS open to every origin and any Host answered unless --cors-origin / --allowed-host
    say otherwise. Stop with Ctrl-C.

    \b
    Example:
      psikg serve --port 8000
      curl -H 'Accept: text/turtle' -L http://127.0.0.1:8000/id/country/BGD
      psikg serve --workshop ssn4psi-dhaka-2017

    Read-only unless --workshop is given. The app pages: /match/PRACTICE, /worksheet/PRACTICE/ISO3,
    /event/EVENT (and /event/EVENT/report), /partnerships, /country/ISO3, each also as .json and .csv.
    """
    graph = open_graph(ctx)
    workshop = _workshop(graph, workshop_event, host) if workshop_event else None
    if workshop is not None:
        path = "/" + mount.strip("/") + "/" if mount.strip("/") else "/"
        click.echo(f"psikg: workshop mode for {workshop.event}; open http://{host}:{port}{path}workshop?token="
                   f"{workshop.token} (writes only from this machine, with this token)", err=True)
    cors = () if cors_origins == ("none",) else (cors_origins or None)
    graph.serve(host=host, port=port, base=base, mount=mount, timeout=timeout, max_results=max_results,
                workers=workers, license=license_, cors_origins=cors, allowed_hosts=allowed_hosts or None,
                workshop=workshop)


def _workshop(graph, event: str, host: str):
    """The workshop settings: a known event, and a server that listens on this machine only."""
    from ..lod.workshop import LOOPBACK, WorkshopConfig
    from ..queries.lookup import event_of

    if host not in LOOPBACK:
        raise click.UsageError(f"--workshop writes to the store: it listens on 127.0.0.1 only, not {host}")
    try:
        found = event_of(graph.catalog, event)
    except PsikgError as error:
        raise click.BadParameter(str(error), param_hint="--workshop") from error
    return WorkshopConfig(found.id)

COMMANDS = (export, sparql, serve)
