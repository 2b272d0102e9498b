"""Graph databases: push, cypher."""

from __future__ import annotations

import json

import click

from ..errors import PsikgError
from .common import database_tracer, emit, open_graph, output_options

__all__ = ["COMMANDS"]


@click.command(name="push")
@click.option("--to", "uri", required=True, metavar="URI",
              help="bolt://host:7687, neo4j://…, neo4j+s://… (Aura), falkor://host:port/graph or "
                   "redis://host:port/graph.")
@click.option("--user", help="Database user (Neo4j: default NEO4J_USER, else neo4j; FalkorDB: Redis ACL user).")
@click.option("--password", help="Database password (Neo4j: default NEO4J_PASSWORD).")
@click.option("--database", help="Neo4j database (default: the server's default), or the FalkorDB graph "
                                 "name (default: the URI's path, else psikg).")
@click.option("--wipe", is_flag=True, help="Delete psikg's nodes and relationships in the database first.")
@click.option("--batch-size", type=click.IntRange(1), default=1000, show_default=True,
              help="Nodes or relationships per UNWIND batch and per transaction.")
@output_options
@click.pass_context
def push_command(ctx, uri, user, password, database, wipe, batch_size, fmt):
    """Copy the whole store (--store) into a Neo4j 5 or FalkorDB database: ids made unique
    (constraints or indexes), batched MERGE writes, then anything the store does not have is
    removed. Pushing twice changes nothing; an interrupted push, run again, completes.

    \b
    Example:
      psikg push --to falkor://127.0.0.1:6379/psikg
      NEO4J_PASSWORD=secret psikg push --to bolt://localhost:7687 --wipe
    """
    graph = open_graph(ctx)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    with Progress(TextColumn("{task.description:<36}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, disable=not console.is_terminal) as bar:
        task = bar.add_task("Pushing", total=None)

        def progress(what, advance, total):
            bar.update(task, advance=advance, total=total, description=what)

        report = graph.push(uri, user=user, password=password, database=database, wipe=wipe,
                            batch_size=batch_size, progress=progress, tracer=database_tracer(ctx))
    if fmt == "json":
        emit(fmt, report)
    else:
        rows = [{"what": f"label {k}", "count": v} for k, v in report.counts["nodes_by_kind"].items()]
        rows += [{"what": f"type {k}", "count": v} for k, v in report.counts["links_by_type"].items()]
        emit(fmt, None, rows, ["what", "count"], title=f"In {report.target}")
    if fmt != "json":
        click.echo(f"Pushed {report.nodes_written} nodes and {report.relationships_written} relationships "
                   f"in {report.batches} batches to {report.target}"
                   + (f"; removed {report.nodes_deleted} nodes and {report.relationships_deleted} "
                      "relationships the store does not have" if report.nodes_deleted or report.relationships_deleted
                      else "")
                   + f". The database holds {report.counts['nodes']} nodes and {report.counts['edges']} "
                     "relationships.", err=fmt == "csv")
    if not report.complete:
        raise PsikgError("the database's counts differ from the store's after the push "
                         "(another writer?); run the push again")


@click.command(name="cypher")
@click.argument("query")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A query parameter ($NAME); VALUE is read as JSON, else as a string. Repeatable.")
@click.option("--timeout", type=click.FloatRange(min=0.001), default=60.0, show_default=True, metavar="SECONDS",
              help="The database stops the query after this long (Neo4j's transaction timeout, FalkorDB's "
                   "query TIMEOUT) and psikg exits 1.")
@output_options
@click.pass_context
def cypher_command(ctx, query, params, timeout, fmt):
    """Run a read-only Cypher QUERY on a graph database store (--store bolt://… or falkor://…).
    Queries that write (CREATE, MERGE, SET, DELETE, REMOVE, DROP, LOAD CSV, writing procedures)
    are refused (exit 2). The database stops a query that runs longer than --timeout seconds.
    Labels, relationship types and properties: docs/graph-databases.md.

    \b
    Example:
      psikg --store falkor://127.0.0.1:6379/psikg cypher -p iso3=BGD \\
        'MATCH (p:Practice)-[:ORIGINATES_IN]->(:Country {id: $iso3}) RETURN p.id, p.title'
      psikg --store bolt://localhost:7687 cypher --timeout 5 'MATCH (n) RETURN count(n)'
    """
    from ..graph.cypher import check_read_only

    check_read_only(query)
    values = {}
    for param in params:
        name, sep, raw = param.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{param!r} is not NAME=VALUE", param_hint="--param")
        try:
            values[name] = json.loads(raw)
        except ValueError:
            values[name] = raw
    records = open_graph(ctx).cypher(query, values, timeout=timeout)
    columns = records.columns
    if fmt == "json":
        emit(fmt, records)
        return
    flat = [{c: json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v for c, v in r.items()}
            for r in records]
    emit(fmt, None, flat, columns, title=f"{len(records)} row(s)")


COMMANDS = (push_command, cypher_command)
