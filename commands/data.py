"""Loading and looking: load, validate, template, stats, show, generate."""

from __future__ import annotations

from pathlib import Path

import click

from .common import emit, open_graph, output_options, plural, report_issues, Spinner, write_issue_report

__all__ = ["COMMANDS"]


def extra_columns_option(function):
    return click.option("--allow-extra-columns", is_flag=True,
                        help="Skip columns that are no column of their table (a warning) instead of "
                             "refusing the file; by default an unknown column is an error.")(function)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--no-bundled", is_flag=True, help="Do not load the bundled network data.")
@click.option("--replace", is_flag=True, help="Start from an empty store instead of merging.")
@click.option("--mapping", help="Read CSV files among PATHS as an external case catalogue through this "
                                "column mapping (a YAML file, or a shipped one: jrc-ips-explorer).")
@click.option("--report", "report_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write every warning (e.g. catalogue rows not loaded, with the reason) to this CSV file.")
@extra_columns_option
@click.pass_context
def load(ctx, paths, no_bundled, replace, mapping, report_file, allow_extra_columns):
    """Load reference data, the bundled network and PATHS into the store, merging by id; loading a
    source again removes the rows deleted from it since (docs/tutorial.md, section 9). All or
    nothing. PATHS are folders of CSV files, CSV files named after their table, .xlsx workbooks,
    YAML / JSON records, RDF in the psikg ontology (.ttl, .nt, .nq, .jsonld, .rdf: checked against
    the SHACL shapes), or official reference files recognised by their content (UN M49 overview,
    World Bank CLASS workbook, UN SDG KOS Turtle, UN E-Government Survey data).

    \b
    Example:
      psikg load my-data/            # bundled network plus my-data/*.csv
      psikg load --replace --no-bundled my-data/
      psikg load curation.xlsx CLASS_FY2026.xlsx
      psikg load cases.csv --mapping jrc-ips-explorer --report refused.csv
      psikg load --replace --no-bundled psikg.ttl   # an export, loaded back
    """
    graph = open_graph(ctx, need_data=False)
    with Spinner("Loading"):
        report = graph.load(paths, bundled=not no_bundled, replace=replace, mapping=mapping,
                            allow_extra_columns=allow_extra_columns)
    report_issues(report.warnings)
    write_issue_report(report_file, report.warnings)
    for note in report.notes:
        click.echo(note)
    click.echo(f"Loaded {plural(report.rows, 'row')} from {plural(len(report.files), 'source')}: "
               f"{report.nodes} nodes ({report.nodes - report.nodes_before:+d}), "
               f"{report.edges} links ({report.edges - report.edges_before:+d}).")
    click.echo(_change_summary(report.changes))


#: Up to this many relations are named in the load summary; more are counted (diff lists them).
SUMMARY_RELATIONS = 8


def _change_summary(changes) -> str:
    """What a load added, changed and removed, per kind of node and per relation of links."""
    if changes is None or changes.unchanged:
        return "Nothing changed: the store already held all of it."
    nodes = ", ".join(f"{c.name} {_signed(c)}" for c in changes.nodes) or "none"
    if len(changes.links) <= SUMMARY_RELATIONS:
        links = ", ".join(f"{c.name} {_signed(c)}" for c in changes.links) or "none"
    else:
        added, removed = sum(c.added for c in changes.links), sum(c.removed for c in changes.links)
        links = f"{_signed_counts(added, 0, removed)} in {len(changes.links)} relations"
    return f"Changed: nodes {nodes}; links {links} (+ added, ~ changed, - removed; psikg diff shows them before a load)"


def _signed(change) -> str:
    return _signed_counts(change.added, change.changed, change.removed)


def _signed_counts(added: int, changed: int, removed: int) -> str:
    return " ".join(f"{sign}{n}" for sign, n in (("+", added), ("~", changed), ("-", removed)) if n)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--no-bundled", is_flag=True, help="Check PATHS alone, without the bundled network.")
@click.option("--mapping", help="As for load: read CSV files as a catalogue through this mapping.")
@click.option("--report", "report_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write every warning to this CSV file.")
@extra_columns_option
@click.pass_context
def validate(ctx, paths, no_bundled, mapping, report_file, allow_extra_columns):
    """Check PATHS exactly as `load` would, without writing anything.

    \b
    Example:
      psikg validate my-data/
      psikg validate curation.xlsx
    """
    plan = open_graph(ctx, need_data=False).validate(paths, bundled=not no_bundled, mapping=mapping,
                                                     allow_extra_columns=allow_extra_columns)
    report_issues(plan.warnings)
    write_issue_report(report_file, plan.warnings)
    for note in plan.notes:
        click.echo(note)
    click.echo(f"OK: {plural(plan.rows, 'row')}, {plural(len(plan.warnings), 'warning')}; nothing was written.")


@click.command(name="diff")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--no-bundled", is_flag=True, help="Compare PATHS alone, without the bundled network.")
@click.option("--mapping", help="As for load: read CSV files as a catalogue through this mapping.")
@extra_columns_option
@output_options
@click.pass_context
def diff(ctx, paths, no_bundled, mapping, allow_extra_columns, fmt):
    """What `psikg load PATHS` would change in the store, without writing: per kind the nodes
    added, changed and removed, per relation the links added and removed (a row's links are
    replaced by what its file now says; a row deleted from a source loaded before is removed),
    with a few ids of each. Checks PATHS exactly as load does.

    \b
    Example:
      psikg diff my-data/
      psikg diff curation.xlsx --format json
    """
    changes = open_graph(ctx, need_data=False).diff(paths, bundled=not no_bundled, mapping=mapping,
                                                    allow_extra_columns=allow_extra_columns)
    if fmt == "json":
        emit(fmt, changes)
        return
    report_issues(list(changes.warnings))
    for note in changes.notes:
        click.echo(note, err=fmt == "csv")
    rows = [{"what": what, "name": c.name, "added": c.added, "changed": c.changed, "removed": c.removed,
             "for example": "; ".join(f"{k}: {', '.join(v)}" for k, v in c.examples.items())}
            for what, group in (("nodes", changes.nodes), ("links", changes.links)) for c in group]
    if not rows:
        click.echo("Nothing would change: the store already holds all of it.")
        return
    emit(fmt, None, rows, ["what", "name", "added", "changed", "removed", "for example"],
         title="What the load would change (nothing was written)")


@click.command()
@click.argument("target", type=click.Path(path_type=Path))
def template(target):
    """Write an empty, documented input template to TARGET: an .xlsx workbook (one sheet per
    table, a README sheet, drop-down lists of allowed values) when TARGET ends in .xlsx, YAML
    records when it ends in .yaml, else a folder of CSV files with a README.md. Each table has a
    header and a commented example row; the template loads back without error.

    \b
    Example:
      psikg template my-data.xlsx && psikg validate my-data.xlsx
      psikg template my-data/
    """
    from ..api import write_template

    try:
        written = write_template(target)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="TARGET") from error
    click.echo(f"Wrote {len(written)} file(s): {', '.join(str(p) for p in written)}")


@click.command()
@output_options
@click.pass_context
def stats(ctx, fmt):
    """Counts of everything in the knowledge graph.

    \b
    Example:
      psikg stats --format json
    """
    result = open_graph(ctx).stats()
    if fmt == "json":
        emit(fmt, result.as_dict())
    else:
        rows = [{"what": k, "count": v} for k, v in result.counts.items()]
        rows += [{"what": f"transfers_{verdict}", "count": n} for verdict, n in result.transfers_by_verdict.items()]
        emit(fmt, None, rows, ["what", "count"], title="psikg knowledge graph")


@click.command()
@click.argument("node_id")
@output_options
@click.pass_context
def show(ctx, node_id, fmt):
    """One node with its properties and its links, grouped by relation. NODE_ID is an id
    (BGD, bgd-sdg-tracker, 16.6) or kind/id (practice/bgd-sdg-tracker).

    \b
    Example:
      psikg show bgd-sdg-tracker
    """
    view = open_graph(ctx).show(node_id)
    if fmt == "json":
        emit(fmt, view)
        return
    rows = [{"field": k, "value": _words(v)} for k, v in view.properties.items() if v not in (None, "", [], {})]
    node_sources = _as_list(view.properties.get("sources"))  # what a stated link without its own rests on
    if fmt == "csv":  # one table: properties, then each link as relation, id, name
        rows += [{"field": relation, "value": link.id, "name": link.label,
                  "details": _link_details(link.properties, node_sources, keep_long=True)}
                 for relation, links in view.links.items() for link in links]
        emit(fmt, None, rows, ["field", "value", "name", "details"])
        return
    click.echo(f"{view.kind}/{view.id}: {view.label}")
    emit(fmt, None, rows, ["field", "value"])
    for relation, links in view.links.items():
        link_rows = [{"id": link.id, "name": link.label if link.label != link.id else "",
                      "details": _link_details(link.properties, node_sources)} for link in links]
        columns = ["id", "name"] + (["details"] if any(r["details"] for r in link_rows) else [])
        click.echo(f"\n{relation} ({plural(len(links), 'link')}):")
        emit(fmt, None, link_rows, columns)
    if any(link.properties for links in view.links.values() for link in links):
        click.echo("\nThe links' notes and sources: --format json")


#: Link properties a table leaves to JSON: long text that would bury the links themselves.
LONG_LINK_FIELDS = {"note", "sources", "source", "read_by", "read_on", "lesson", "statement"}
#: Link properties that say how a fact is known: shown as one phrase (views.provenance).
PROVENANCE_FIELDS = ("basis", "read_by", "read_on")


def _link_details(props: dict, node_sources=(), keep_long: bool = False) -> str:
    """A link's properties for people; a fact with a basis says how it is known ("reading by X,
    2026-11-30", "stated in <source>": the link's sources, else the node's, by web site in a table
    and in full with ``keep_long``) instead of the bare basis."""
    from ..views.provenance import provenance_text

    shown = {k: v for k, v in props.items()
             if k not in PROVENANCE_FIELDS and (keep_long or k not in LONG_LINK_FIELDS)}
    details = _words(shown)
    if "basis" in props:
        how = provenance_text(props.get("basis"), props.get("read_by"), props.get("read_on"),
                              _as_list(props.get("sources") or props.get("source")) or node_sources,
                              hosts_only=not keep_long)
        details = f"{details}; {how}" if details else how
    return details


def _as_list(value) -> list:
    return [] if value in (None, "") else list(value) if isinstance(value, (list, tuple)) else [value]


def _words(value) -> str:
    """A property value for people: lists joined, mappings as ``key: value``, no Python reprs."""
    if isinstance(value, dict):
        return "; ".join(f"{k.replace('_', ' ')}: {_words(v)}" for k, v in value.items() if v not in (None, "", []))
    if isinstance(value, (list, tuple)):
        return "; ".join(_words(v) for v in value)
    if isinstance(value, float):
        return f"{value:.3g}"
    return "" if value is None else str(value)


@click.command()
@click.option("-o", "--output", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the CSV files to.")
@click.option("--scale", type=click.Choice(["S", "M", "L"]), help="A named scale (sets the three sizes).")
@click.option("--countries", type=click.IntRange(2, 249), default=50, show_default=True)
@click.option("--practices", type=click.IntRange(1), default=1000, show_default=True)
@click.option("--factors", type=click.IntRange(1), default=100, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same files.")
def generate(out, scale, countries, practices, factors, seed):
    """Write a synthetic network in the CSV input format (for benchmarks); load it with
    `psikg load --no-bundled OUT`.

    \b
    Example:
      psikg generate --scale M -o /tmp/network-m && psikg load --no-bundled /tmp/network-m
    """
    from ..api import generate as generate_network

    written = generate_network(out, countries, practices, factors, scale=scale, seed=seed)
    click.echo(f"Wrote {sum(written.values())} rows to {out}: "
               + ", ".join(f"{table} {rows}" for table, rows in written.items()))


@click.command()
@output_options
@click.pass_context
def doctor(ctx, fmt):
    """Check the embedded store file without trusting it: SQLite integrity, schema version,
    orphan links (a missing end) and the catalog cache. Exit 1 when a problem is found.

    \b
    Example:
      psikg --store network.psikg doctor
    """
    import dataclasses

    from ..api import check_store
    from ..config import default_store_path

    location = ctx.find_root().obj["store"] or str(default_store_path())
    if "://" in location:
        raise click.UsageError("doctor checks an embedded store file; give --store PATH")
    report = check_store(location)
    if fmt == "json":
        emit(fmt, dataclasses.asdict(report) | {"ok": report.ok})
    else:
        for problem in report.problems:
            click.echo(f"problem: {problem}")
        for note in report.notes:
            click.echo(f"ok: {note}")
        click.echo(f"{location}: " + ("no problem found" if report.ok else f"{len(report.problems)} problem(s)"))
    ctx.exit(0 if report.ok else 1)


COMMANDS = (load, validate, diff, template, stats, doctor, show, generate)
