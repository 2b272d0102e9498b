"""The ``psikg`` command: parse, call the library, format. Nothing else happens here.

Exit codes: 0 success; 1 a failure (store, server, environment); 2 bad input or an unknown id
(nothing was written).
"""

from __future__ import annotations

if __name__ == "__main__":
    # `python -m psikg.cli`: run the package's own module, on which the command modules register
    # (they import psikg.cli, which a second copy named __main__ would not be).
    from psikg.cli import main as _main

    _main()
    raise SystemExit(0)

import csv
import dataclasses
import functools
import json
import logging
import sys
from pathlib import Path

import click

from .errors import InputError, PsikgError

__all__ = ["main", "cli"]

FORMATS = ("table", "json", "csv")


# Shared plumbing --------------------------------------------------------------------------------


def to_plain(value):
    """Dataclasses, tuples, sets and paths as JSON-ready values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [to_plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, Path):
        return str(value)
    return value


def output_options(function):
    """``--format table|json|csv`` on every command that prints results."""

    @click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                  help="table for people, json or csv for scripts.")
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        return function(*args, **kwargs)

    return wrapper


def emit(fmt: str, data, rows: list[dict] | None = None, columns: list[str] | None = None,
         title: str | None = None) -> None:
    """Print ``data`` as JSON, or ``rows`` as a table or CSV."""
    if fmt == "json":
        click.echo(json.dumps(to_plain(data), indent=2, ensure_ascii=False))
        return
    rows = [to_plain(r) for r in (rows if rows is not None else [data])]
    columns = columns or (list(rows[0]) if rows else [])

    def cell(value):
        if isinstance(value, list):
            return "; ".join(str(v) for v in value)
        if isinstance(value, float):
            return f"{value:.4f}" if fmt == "table" else repr(value)
        return "" if value is None else str(value)

    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([cell(row.get(c)) for c in columns])
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*[cell(row.get(c)) for c in columns])
    Console(width=max(100, Console().width)).print(table)


def open_graph(ctx: click.Context):
    """The API object for the store named by ``--store`` (opened once per command)."""
    from . import api

    obj = ctx.find_root().obj
    if "graph" not in obj:
        tracer = (lambda query, params: click.echo(f"[trace] {query} {params}", err=True)) if obj["trace"] else None
        obj["graph"] = api.open(obj["store"], tracer=tracer)
    return obj["graph"]


def report_issues(issues, limit: int = 50) -> None:
    for issue in issues[:limit]:
        click.echo(f"{issue.severity}: {issue}", err=True)
    if len(issues) > limit:
        click.echo(f"... and {len(issues) - limit} more", err=True)


class PsikgGroup(click.Group):
    """Turns psikg's errors into messages and exit codes."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except InputError as error:
            report_issues(error.issues, limit=len(error.issues))
            if error.truncated:
                click.echo(f"... and {error.truncated} more", err=True)
            click.echo(f"Error: {len(error.issues) + error.truncated} problem(s) in the input; "
                       "nothing was written.", err=True)
            ctx.exit(2)
        except PsikgError as error:
            click.echo(f"Error: {error}", err=True)
            ctx.exit(error.exit_code)


# Commands ---------------------------------------------------------------------------------------


@click.group(cls=PsikgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", type=click.Path(dir_okay=False), envvar="PSIKG_STORE",
              help="The store: a file for the embedded store (default: per-user data folder), or a "
                   "database URI. Also PSIKG_STORE.")
@click.option("--trace", is_flag=True, help="Log every database query with its parameters.")
@click.option("-v", "--verbose", count=True, help="More logging (-vv for debug).")
@click.version_option(package_name="psikg")
@click.pass_context
def cli(ctx, store, trace, verbose):
    """psikg: a knowledge graph and matchmaking engine for public-service innovation transfer.

    \b
    Example:
      psikg load && psikg stats
    """
    logging.basicConfig(level=[logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)],
                        format="%(levelname)s %(name)s: %(message)s")
    ctx.obj = {"store": store, "trace": trace}


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--no-bundled", is_flag=True, help="Do not load the bundled network data.")
@click.option("--replace", is_flag=True, help="Start from an empty store instead of merging.")
@click.option("--mapping", help="Read CSV files among PATHS as an external case catalogue through this "
                                "column mapping (a YAML file, or a shipped one: jrc-ips-explorer).")
@click.option("--report", "report_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write every warning (e.g. catalogue rows not loaded, with the reason) to this CSV file.")
@click.pass_context
def load(ctx, paths, no_bundled, replace, mapping, report_file):
    """Load reference data, the bundled network and PATHS into the store, merging by id. All or
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
    graph = open_graph(ctx)
    with _status("Loading"):
        report = graph.load(paths, bundled=not no_bundled, replace=replace, mapping=mapping)
    report_issues(report.warnings)
    _write_issue_report(report_file, report.warnings)
    for note in report.notes:
        click.echo(note)
    click.echo(f"Loaded {report.rows} rows from {len(report.files)} source(s): "
               f"{report.nodes} nodes ({report.nodes - report.nodes_before:+d}), "
               f"{report.edges} links ({report.edges - report.edges_before:+d}).")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--no-bundled", is_flag=True, help="Check PATHS alone, without the bundled network.")
@click.option("--mapping", help="As for load: read CSV files as a catalogue through this mapping.")
@click.option("--report", "report_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write every warning to this CSV file.")
@click.pass_context
def validate(ctx, paths, no_bundled, mapping, report_file):
    """Check PATHS exactly as `load` would, without writing anything.

    \b
    Example:
      psikg validate my-data/
      psikg validate curation.xlsx
    """
    plan = open_graph(ctx).validate(paths, bundled=not no_bundled, mapping=mapping)
    report_issues(plan.warnings)
    _write_issue_report(report_file, plan.warnings)
    for note in plan.notes:
        click.echo(note)
    click.echo(f"OK: {plan.rows} rows, {len(plan.warnings)} warning(s); nothing was written.")


def _write_issue_report(path: Path | None, issues) -> None:
    """Every issue as a CSV row (file, row, cell, field, value, expected, suggestion, severity)."""
    if path is None:
        return
    columns = ["severity", "file", "row", "cell", "field", "value", "expected", "suggestion"]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for issue in issues:
            writer.writerow(["" if getattr(issue, c) is None else getattr(issue, c) for c in columns])
    click.echo(f"Wrote {len(issues)} issue(s) to {path}", err=True)


@cli.command()
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
    from .loaders.template import write_template

    try:
        written = write_template(target)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="TARGET") from error
    click.echo(f"Wrote {len(written)} file(s): {', '.join(str(p) for p in written)}")


@cli.command()
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
        emit(fmt, None, [{"what": k, "count": v} for k, v in result.counts.items()], ["what", "count"],
             title="psikg knowledge graph")


@cli.command()
@output_options
@click.pass_context
def doctor(ctx, fmt):
    """Check the embedded store file without trusting it: SQLite integrity, schema version,
    orphan links (a missing end) and the catalog cache. Exit 1 when a problem is found.

    \b
    Example:
      psikg --store network.psikg doctor
    """
    from .config import default_store_path
    from .graph.doctor import check_store

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


@cli.command()
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
    rows = [{"field": k, "value": v} for k, v in view.properties.items()]
    for relation, links in view.links.items():
        for link in links:
            rows.append({"field": relation, "value": f"{link.kind}/{link.id}  {link.label}"
                         + (f"  {link.properties}" if link.properties else "")})
    emit(fmt, None, rows, ["field", "value"], title=f"{view.kind}/{view.id}: {view.label}")


@cli.command()
@click.option("-o", "--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
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
    from .loaders.generate import SCALES, generate as generate_network

    if scale:
        countries, practices, factors = (SCALES[scale].countries, SCALES[scale].practices, SCALES[scale].factors)
    written = generate_network(out, countries, practices, factors, seed=seed)
    click.echo(f"Wrote {sum(written.values())} rows to {out}: "
               + ", ".join(f"{table} {rows}" for table, rows in written.items()))


# Transfer paths and research analytics ----------------------------------------------------------


def _notes(fmt: str, notes) -> None:
    """Notes after a table; on stderr for CSV so that the CSV stays clean (JSON carries them)."""
    if fmt != "json":
        for note in notes:
            click.echo(f"note: {note}", err=fmt == "csv")


@cli.command(name="paths")
@click.argument("from_country")
@click.argument("to_country")
@click.option("--k", "k", type=click.IntRange(min=1), default=3, show_default=True,
              help="How many paths (ties at the k-th length broken by country sequence).")
@output_options
@click.pass_context
def transfer_paths(ctx, from_country, to_country, k, fmt):
    """The K shortest transfer paths from FROM_COUNTRY to TO_COUNTRY (ISO3 codes), each hop with
    every relation that links its two countries. Where no transfer path exists, paths in the
    cooperation graph (any transfer, a shared network or event), and the output says so.

    \b
    Example:
      psikg paths BGD PER --k 3
    """
    result = open_graph(ctx).paths(from_country, to_country, k)
    if fmt == "json":
        emit(fmt, result.as_dict())
        return
    kind = "Cooperation" if result.fallback else "Transfer"
    emit(fmt, None, result.rows(), ["path", "kind", "hop", "from", "to", "via"],
         title=f"{kind} paths from {result.source} to {result.target}")
    _notes(fmt, result.notes)


@cli.command(name="diffusion")
@click.argument("practice")
@output_options
@click.pass_context
def diffusion_tree(ctx, practice, fmt):
    """How PRACTICE spread from its origin: every transfer with its year, status, outcome and
    facilitators, as a tree (a country that imported it and passed it on is a parent). PRACTICE
    may also be a country: then the tree of every practice that originates there. The table
    format draws the trees.

    \b
    Example:
      psikg diffusion bgd-sdg-tracker
      psikg diffusion BGD --format json
    """
    from .errors import UnknownIdError
    from .queries.diffusion import render_tree

    graph = open_graph(ctx)
    try:
        results, country = [graph.diffusion(practice)], None
    except UnknownIdError as error:
        try:
            results, country = list(graph.diffusion_from_country(practice)), practice.upper()
        except UnknownIdError:
            raise error from None
    if fmt == "json":
        emit(fmt, results[0].as_dict() if country is None
             else {"country": country, "diffusions": [r.as_dict() for r in results]})
    elif fmt == "csv":
        emit(fmt, None, [{"practice": r.practice, **row} for r in results for row in r.rows()],
             ["practice", "depth", "transfer", "from", "to", "year", "status", "outcome", "facilitators",
              "event"])
    else:
        click.echo("\n\n".join(render_tree(r) for r in results))


@cli.command(name="factors")
@click.option("--maturity", is_flag=True,
              help="Show the maturity view: factors of scaled or institutionalized practices versus "
                   "prototypes and pilots (JSON always has both).")
@output_options
@click.pass_context
def success_factors(ctx, maturity, fmt):
    """Which success factors go with transfers that work. Over transfers with outcome success or
    failure: for each factor, the success rate when the importer has it and when it has not, the
    lift and the two-sided Fisher exact p-value, sorted by p-value. n is stated, and figures from
    fewer than 10 transfers are flagged small.

    \b
    Example:
      psikg factors
      psikg factors --maturity --format csv
    """
    result = open_graph(ctx).factors()
    if fmt == "json":
        emit(fmt, result.as_dict())
        return
    if maturity:
        view = result.maturity
        emit(fmt, None, [row.as_dict() for row in view.factors],
             ["factor"] + (["label"] if fmt == "csv" else [])
             + ["mature_with", "early_with", "mature_share", "early_share", "ratio", "p_value"],
             title=f"Success factors by maturity: {view.mature_n} scaled or institutionalized, "
                   f"{view.early_n} prototype or pilot practices")
        _notes(fmt, view.notes)
        return
    rows = [effect.as_dict() for effect in result.factors]
    if fmt == "csv":
        columns = ["factor", "label", "with_n", "with_success", "without_n", "without_success", "rate_with",
                   "rate_without", "lift", "p_value", "small_sample"]
    else:  # what fits on a screen; the rates follow from the counts
        headers = {"factor": "factor", "with_n": "with n", "with_success": "with ok", "without_n": "without n",
                   "without_success": "without ok", "lift": "lift", "p_value": "p", "small_sample": "small n"}
        rows = [{header: row[key] for key, header in headers.items()} for row in rows]
        columns = list(headers.values())
    emit(fmt, None, rows, columns,
         title=f"Success factors over n = {result.n} transfers ({result.successes} successes)")
    _notes(fmt, result.notes)


@cli.command(name="gaps")
@click.option("--country", help="One country (ISO3).")
@click.option("--region", help="An M49 region, sub-region or intermediate region, e.g. 'Southern Asia'.")
@click.option("--group", type=click.Choice(["LDC", "LLDC", "SIDS"], case_sensitive=False),
              help="A UN country group.")
@click.option("--by-goal", is_flag=True, help="Per-goal totals instead of the list of gaps.")
@output_options
@click.pass_context
def sdg_gaps(ctx, country, region, group, by_goal, fmt):
    """SDG targets in demand (the scope's needs) with no practice anywhere, and targets the scope's
    practices address that no need anywhere asks for; with per-goal totals. Without a scope, every
    country.

    \b
    Example:
      psikg gaps --group LDC
      psikg gaps --region 'Southern Asia' --by-goal
    """
    if sum(1 for value in (country, region, group) if value) > 1:
        raise click.UsageError("give at most one of --country, --region and --group")
    result = open_graph(ctx).gaps(country=country, region=region, group=group)
    if fmt == "json":
        emit(fmt, result.as_dict())
        return
    scope = ", ".join(f"{k} {v}" for k, v in result.scope.items()) or "every country"
    counts = f"{result.n_needs} needs, {result.n_practices} practices"

    def short(row: dict) -> dict:  # SDG titles run long: a table shows their start
        title = row.get("title") or ""
        return {**row, "title": title if fmt != "table" or len(title) <= 60 else title[:59] + "…"}

    if by_goal:
        emit(fmt, None, [short(goal.as_dict()) for goal in result.goals],
             ["goal", "title", "demanded", "supplied", "covered", "unmet", "unasked"],
             title=f"SDG supply and demand by goal: {scope} ({counts})")
    else:
        emit(fmt, None, [short(row) for row in result.rows()],
             ["gap", "target", "title", "countries", "needs", "practices"],
             title=f"SDG gaps: {scope} ({counts})")
    _notes(fmt, result.notes)


@cli.command(name="network")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True,
              help="Rows per ranking in the table format (JSON and CSV give all).")
@output_options
@click.pass_context
def network_view(ctx, top, fmt):
    """Network analytics: leading exporters and importers (successful transfers), brokers
    (betweenness in the cooperation graph, facilitators included) and communities (greedy
    modularity), with the n behind each.

    \b
    Example:
      psikg network --top 5
    """
    result = open_graph(ctx).network()
    if fmt == "json":
        emit(fmt, result.as_dict())
        return
    if fmt == "csv":
        emit(fmt, None, result.rows(), ["section", "party", "name", "value", "detail"])
        _notes(fmt, result.notes)
        return
    columns = ["party", "name", "successful", "transfers", "practices", "partners"]
    emit(fmt, None, [r.as_dict() for r in result.exporters[:top]], columns,
         title=f"Exporters (n = {result.n_successful} successful of {result.n_transfers} transfers)")
    emit(fmt, None, [r.as_dict() for r in result.importers[:top]], columns, title="Importers")
    emit(fmt, None, [b.as_dict() for b in result.brokers[:top]], ["party", "name", "betweenness", "degree"],
         title=f"Brokers (cooperation graph: {result.n_nodes} parties, {result.n_edges} links)")
    modularity = "" if result.modularity is None else f", modularity {result.modularity:.3f}"
    emit(fmt, None, [c.as_dict() for c in result.communities], ["number", "size", "members"],
         title=f"Communities ({len(result.communities)}{modularity})")
    _notes(fmt, result.notes)


# Matchmaking: match, solutions, matchmake, similar, worksheet ----------------------------------


def _parse_weights(parse, text: str | None):
    """Weights from ``--weights`` (None keeps the defaults); a bad value is a usage error."""
    if text is None:
        return None
    try:
        return parse(text)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--weights") from None


def _country_names(graph) -> dict[str, str]:
    return {iso3: country.name for iso3, country in graph.catalog.countries.items()}


def _compact(rows: list[dict], headers: dict[str, str]) -> list[dict]:
    """Rows for a table on a screen: short headers, scores to two decimals (CSV and JSON keep all)."""
    return [{header: f"{row[key]:.2f}" if isinstance(row[key], float) else row[key]
             for key, header in headers.items()} for row in rows]


def _shown(fmt: str, rows: list, top: int | None, default: int = 20) -> tuple[list, list[str]]:
    """The rows a format shows: a table the best ``top`` (20 by default), JSON and CSV ``top`` or all."""
    limit = top if top is not None else (default if fmt == "table" else None)
    if limit is None or len(rows) <= limit:
        return rows, []
    return rows[:limit], [f"{len(rows) - limit} more not shown (use --top N, or --format csv for all)"]


@cli.command(name="match")
@click.argument("practice")
@click.option("--top", type=click.IntRange(min=1), default=None,
              help="Show the best N candidates (default: 20 in a table, all in JSON and CSV).")
@click.option("--weights", metavar="factor=F,sdg=S,evidence=E",
              help="Weights of the score (default factor=0.6,sdg=0.3,evidence=0.1); omitted ones keep "
                   "their default.")
@output_options
@click.pass_context
def match_command(ctx, practice, top, weights, fmt):
    """Candidate importers for PRACTICE, best first: every country except the exporter and those
    already engaged with it (listed apart), scored by the share of the practice's success factors
    they have (critical 1.0, supporting 0.5), the share of its SDG targets their needs ask for, and
    evidence of successful transfers to similar countries. Each row says why: shared and missing
    factors, matching needs, flags. JSON scores are unrounded.

    \b
    Example:
      psikg match bgd-sdg-tracker --top 10
      psikg match bgd-sdg-tracker --weights factor=0.5,sdg=0.5,evidence=0 --format json
    """
    from .queries.match import Weights

    graph = open_graph(ctx)
    result = graph.match(practice, top=None, weights=_parse_weights(Weights.parse, weights))
    candidates, more = _shown(fmt, list(result.candidates), top)
    if fmt == "json":
        data = result.as_dict()
        data["candidates"] = data["candidates"][:len(candidates)]
        emit(fmt, data)
        return
    names = _country_names(graph)
    rows = [{"rank": rank, "name": names.get(c.country, c.country), **c.row()}
            for rank, c in enumerate(candidates, 1)]
    if fmt == "table":  # what fits on a screen: the explanation in full, names and needs in CSV/JSON
        headers = {"rank": "#", "country": "iso3", "score": "score", "factor_fit": "fit", "sdg_fit": "sdg",
                   "evidence": "ev", "shared_factors": "shared factors", "missing_factors": "missing factors",
                   "matching_targets": "targets", "flags": "flags"}
        rows, columns = _compact(rows, headers), list(headers.values())
    else:
        columns = ["rank", "country", "name", "score", "factor_fit", "sdg_fit", "evidence", "shared_factors",
                   "missing_factors", "matching_needs", "matching_targets", "evidence_transfers", "flags"]
    title = graph.catalog.practices[result.practice].title
    emit(fmt, None, rows, columns, title=f"Importers for {result.practice} ({title}), from {result.exporter}")
    engaged = "; ".join(f"{e.country} ({e.status}, {e.transfer})" for e in result.engaged)
    _notes(fmt, more + ([f"already engaged: {engaged}"] if engaged else []) + list(result.warnings))


@cli.command(name="solutions")
@click.argument("need", required=False)
@click.option("--country", help="Answer every need of this country (ISO3 or name) instead of one NEED.")
@click.option("--top", type=click.IntRange(min=1), default=None,
              help="Show the best N solutions (default: 20 in a table, all in JSON and CSV).")
@click.option("--weights", metavar="sdg=S,theme=T,factor=F,evidence=E",
              help="Weights of the score (default sdg=0.3,theme=0.2,factor=0.4,evidence=0.1).")
@output_options
@click.pass_context
def solutions_command(ctx, need, country, top, weights, fmt):
    """Proven practices that answer NEED, or every need of --country: the demand side. Scored by
    the need's SDG targets and goals the practice serves, the need's themes it covers, the needing
    country's fit for the practice's success factors, and evidence; each row says why.

    \b
    Example:
      psikg solutions som-online-passport
      psikg solutions --country SOM --format csv
    """
    from .queries.solutions import SolutionWeights

    if bool(need) == bool(country):
        raise click.UsageError("give one NEED, or --country for every need of a country")
    graph = open_graph(ctx)
    result = graph.solutions(need, country, weights=_parse_weights(SolutionWeights.parse, weights))
    found, more = _shown(fmt, list(result.solutions), top)
    if fmt == "json":
        data = result.as_dict()
        data["solutions"] = data["solutions"][:len(found)]
        emit(fmt, data)
        return
    rows = [{"rank": rank, **s.row()} for rank, s in enumerate(found, 1)]
    if fmt == "table":
        headers = {"rank": "#", "need": "need", "practice": "practice", "score": "score", "sdg_fit": "sdg",
                   "theme_fit": "theme", "factor_fit": "fit", "evidence": "ev",
                   "missing_factors": "missing factors", "flags": "flags"}
        rows, columns = _compact(rows, headers), list(headers.values())
    else:
        columns = ["rank", "need", "practice", "exporter", "score", "sdg_fit", "theme_fit", "factor_fit",
                   "evidence", "matching_targets", "matching_themes", "shared_factors", "missing_factors", "flags"]
    emit(fmt, None, rows, columns, title=f"Solutions for {need or result.country}")
    engaged = "; ".join(f"{e.practice} ({e.status})" for e in result.engaged)
    _notes(fmt, more + ([f"already engaged with: {engaged}"] if engaged else []) + list(result.warnings))


@cli.command(name="matchmake")
@click.option("--event", "event", required=True, help="The event whose participants are matched.")
@click.option("--min-score", type=click.FloatRange(0.0), default=0.0, show_default=True,
              help="Keep opportunities scoring at least this.")
@click.option("--save", is_flag=True,
              help="Record new opportunities as transfers with status opportunity (ids "
                   "PRACTICE-to-IMPORTER); running it again changes nothing, recorded transfers are kept.")
@click.option("--top", type=click.IntRange(min=1), default=None,
              help="Show the best N (default: 20 in a table, all in JSON and CSV; --save saves all).")
@click.option("--weights", metavar="factor=F,sdg=S,evidence=E", help="Weights of the score, as for match.")
@output_options
@click.pass_context
def matchmake_command(ctx, event, min_score, save, top, weights, fmt):
    """Every partnership opportunity among the participants of EVENT: each participant's practices
    matched against every other participant, scored exactly as `psikg match`, ranked. Pairs already
    engaged are listed apart.

    \b
    Example:
      psikg matchmake --event ssn4psi-dhaka-2017 --min-score 0.2
      psikg matchmake --event ssn4psi-dhaka-2017 --save
    """
    from .queries.match import Weights

    graph = open_graph(ctx)
    result = graph.matchmake(event, min_score, save=save, weights=_parse_weights(Weights.parse, weights))
    shown, more = _shown(fmt, list(result.opportunities), top)
    if fmt == "json":
        data = result.as_dict()
        data["opportunities"] = data["opportunities"][:len(shown)]
        emit(fmt, data)
    else:
        rows = [{"rank": rank, **o.row()} for rank, o in enumerate(shown, 1)]
        if fmt == "table":
            headers = {"rank": "#", "practice": "practice", "importer": "to", "score": "score", "factor_fit": "fit",
                       "sdg_fit": "sdg", "evidence": "ev", "missing_factors": "missing factors", "flags": "flags"}
            rows, columns = _compact(rows, headers), list(headers.values())
        else:
            columns = ["rank", "practice", "exporter", "importer", "score", "factor_fit", "sdg_fit", "evidence",
                       "shared_factors", "missing_factors", "matching_targets", "flags", "recorded"]
        emit(fmt, None, rows, columns, title=f"Partnership opportunities at {result.event} "
                                              f"({len(result.participants)} participants)")
        engaged = "; ".join(f"{e.practice} to {e.importer} ({e.status})" for e in result.engaged)
        _notes(fmt, more + ([f"already engaged: {engaged}"] if engaged else []) + list(result.warnings))
    if save:
        message = (f"Saved {len(result.saved)} new opportunity transfer(s)." if result.saved
                   else "Nothing new to save: every opportunity is already recorded.")
        click.echo(message, err=fmt != "table")


@cli.command(name="similar")
@click.argument("country")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="How many countries.")
@output_options
@click.pass_context
def similar_command(ctx, country, top, fmt):
    """Countries whose contexts are most like COUNTRY's: weighted Jaccard over the success factors
    each satisfies (a factor weighs its depth in the scheme), with the factors they share.

    \b
    Example:
      psikg similar BGD --top 5
    """
    result = open_graph(ctx).similar(country, top)
    if fmt == "json":
        emit(fmt, result.as_dict())
        return
    emit(fmt, None, [s.row() for s in result.similar],
         ["country", "name", "similarity", "shared_factors"] + (["only_here", "only_there"] if fmt == "csv" else []),
         title=f"Countries with contexts like {result.country}'s")
    _notes(fmt, result.warnings)


@cli.command(name="worksheet")
@click.argument("practice")
@click.argument("country")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to FILE.md or FILE.html (default: Markdown on standard output).")
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default=None,
              help="md or html (default: from the -o suffix, else md).")
@click.pass_context
def worksheet_command(ctx, practice, country, output, fmt):
    """The reverse-engineering worksheet for PRACTICE and the importer COUNTRY: the practice
    deconstructed, why it worked in the exporter, the importer's context, the gaps by criticality,
    who already took it up, the SDG targets it serves, and questions for the workshop table. The
    HTML is one self-contained page (no network, no JavaScript) that prints well.

    \b
    Example:
      psikg worksheet bgd-sdg-tracker PER -o sdg-tracker-peru.html
    """
    from .queries.worksheet_render import render

    if fmt is None:
        suffix = output.suffix.lower() if output else ".md"
        fmt = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}.get(suffix)
        if fmt is None:
            raise click.BadParameter(f"cannot tell the format from {output.name!r}: use .md or .html, or --format",
                                     param_hint="-o")
    try:
        sheet = open_graph(ctx).worksheet(practice, country)
    except ValueError as error:  # e.g. the importer is the exporter
        raise click.UsageError(str(error)) from None
    text = render(sheet, fmt)
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"Wrote the worksheet to {output}", err=True)


def _register_followup_commands() -> None:
    """follow-up, partnerships and report live in :mod:`psikg.cli_followup`."""
    from .cli_followup import COMMANDS

    for command in COMMANDS:
        cli.add_command(command)


_register_followup_commands()


# Graph databases: push, cypher ------------------------------------------------------------------


def _database_tracer(ctx: click.Context):
    if ctx.find_root().obj.get("trace"):
        return lambda query, params: click.echo(f"[trace] {query} {params}", err=True)
    return None


@cli.command(name="push")
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
    from .graph.cypher_store import open_database
    from .graph.push import push

    source = open_graph(ctx).store
    target = open_database(uri, user=user, password=password, database=database, tracer=_database_tracer(ctx))
    try:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        console = Console(stderr=True)
        with Progress(TextColumn("{task.description:<36}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=console, disable=not console.is_terminal) as bar:
            task = bar.add_task(f"Pushing to {target.describe()}", total=None)

            def progress(what, advance, total):
                bar.update(task, advance=advance, total=total, description=what)

            report = push(source, target, wipe=wipe, batch_size=batch_size, progress=progress)
    finally:
        target.close()
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


@cli.command(name="cypher")
@click.argument("query")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A query parameter ($NAME); VALUE is read as JSON, else as a string. Repeatable.")
@output_options
@click.pass_context
def cypher_command(ctx, query, params, fmt):
    """Run a read-only Cypher QUERY on a graph database store (--store bolt://… or falkor://…).
    Queries that write (CREATE, MERGE, SET, DELETE, REMOVE, DROP, LOAD CSV, writing procedures)
    are refused (exit 2). Labels, relationship types and properties: docs/graph-databases.md.

    \b
    Example:
      psikg --store falkor://127.0.0.1:6379/psikg cypher -p iso3=BGD \\
        'MATCH (p:Practice)-[:ORIGINATES_IN]->(:Country {id: $iso3}) RETURN p.id, p.title'
    """
    from .errors import StoreError
    from .graph.cypher import check_read_only

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
    store = open_graph(ctx).store
    if "cypher" not in getattr(store, "capabilities", ()):
        raise StoreError("Cypher needs a graph database store: run psikg push --to falkor://host:port/graph "
                         "(or bolt://…), then psikg --store <that URI> cypher \"…\". The embedded store "
                         "answers the psikg commands (match, paths, …) directly.")
    columns, rows = store.cypher(query, values)
    records = [dict(zip(columns, row)) for row in rows]
    if fmt == "json":
        emit(fmt, records)
        return
    flat = [{c: json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v for c, v in r.items()}
            for r in records]
    emit(fmt, None, flat, columns, title=f"{len(records)} row(s)")


# Visualization ----------------------------------------------------------------------------------


@cli.command(name="viz")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML file to write (default: psikg-<view>.html in the current folder).")
@click.option("--transfers", is_flag=True, help="The country-level transfer map.")
@click.option("--match", "match_practice", metavar="PRACTICE",
              help="A match explained: PRACTICE, its success factors and its top candidates.")
@click.option("--country", metavar="ISO3", help="With --match: only this candidate importer.")
@click.option("--top", type=click.IntRange(1), default=10, show_default=True,
              help="With --match: how many candidates to draw.")
@click.option("--weights", metavar="SPEC", help="With --match: factor=0.6,sdg=0.3,evidence=0.1.")
@click.option("--focus", metavar="ID", help="The neighbourhood of one node (an id or kind/id).")
@click.option("--depth", type=click.IntRange(0), default=1, show_default=True,
              help="With --focus: how many links away from it.")
@click.option("--kinds", metavar="LIST", help="Node kinds to draw, comma-separated (default: all but target): "
              "country, practice, need, factor, theme, goal, target, organization, network, event.")
@click.option("--goal", metavar="N", help="Only what concerns SDG goal N.")
@click.option("--region", metavar="NAME", help="Only what concerns an M49 region or sub-region.")
@click.option("--theme", metavar="ID", help="Only what concerns a theme (or a narrower one).")
@click.option("--layout", type=click.Choice(["auto", "physics", "fixed"]), default="auto", show_default=True,
              help="auto: computed here with physics off above 1,000 nodes, by the browser below.")
@click.pass_context
def viz_command(ctx, out, transfers, match_practice, country, top, weights, focus, depth, kinds, goal, region,
                theme, layout):
    """Draw the network as one self-contained HTML page that opens offline: the whole network, the
    transfer map (--transfers), a node's neighbourhood (--focus) or a match explained (--match).
    The page has a legend, filters (SDG goal, region, theme, kind, status) and a search box.

    \b
    Example:
      psikg viz -o network.html
      psikg viz --match bgd-sdg-tracker --top 8 -o match.html
      psikg viz --focus BGD --depth 2 --goal 16
    """
    from .queries.viz import write_view

    if sum(bool(x) for x in (transfers, match_practice, focus)) > 1:
        raise click.UsageError("choose one view: --transfers, --match or --focus")
    for name, value in (("--country", country), ("--weights", weights)):
        if value and not match_practice:
            raise click.UsageError(f"{name} goes with --match")
    kind_list = [k for k in kinds.split(",") if k.strip()] if kinds else None
    filters = {"goal": goal, "region": region, "theme": theme}
    if match_practice:
        if kind_list or any(filters.values()):
            raise click.UsageError("--kinds, --goal, --region and --theme do not apply to --match "
                                   "(filter it in the page)")
        from .queries.match import DEFAULT_WEIGHTS, Weights

        try:
            parsed = Weights.parse(weights) if weights else DEFAULT_WEIGHTS
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--weights") from error
        view, options = "match", {"practice": match_practice, "top": top, "country": country, "weights": parsed}
    elif transfers:
        if kind_list:
            raise click.UsageError("--kinds does not apply to --transfers")
        view, options = "transfers", filters
    elif focus:
        view, options = "focus", {"node": focus, "depth": depth, "kinds": kind_list, **filters}
    else:
        view, options = "network", {"kinds": kind_list, **filters}
    out = out or Path(f"psikg-{view}.html")
    graph = write_view(out, open_graph(ctx).catalog, view, layout=layout, **options)
    click.echo(f"Wrote {out}: {view} view, {len(graph.nodes)} nodes, {len(graph.edges)} links.")


class _status:
    """A spinner on stderr while long work runs (silent when stderr is not a terminal)."""

    def __init__(self, message: str):
        self.message = message
        self._status = None

    def __enter__(self):
        if sys.stderr.isatty():
            from rich.console import Console

            self._status = Console(stderr=True).status(self.message)
            self._status.__enter__()
        return self

    def __exit__(self, *exc):
        if self._status is not None:
            self._status.__exit__(*exc)
        return False


def _register_linked_data_commands() -> None:
    """export, sparql and serve live in :mod:`psikg.cli_lod`."""
    from .cli_lod import COMMANDS

    for command in COMMANDS:
        cli.add_command(command)


_register_linked_data_commands()


def main() -> None:
    cli(prog_name="psikg")

