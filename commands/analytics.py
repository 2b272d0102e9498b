"""Transfer paths and research analytics: paths, diffusion, factors, gaps, network."""

from __future__ import annotations


import click

from .common import emit, emit_notes, open_graph, output_options

__all__ = ["COMMANDS"]


@click.command(name="paths")
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
    emit(fmt, None, result.rows(), ["path", "kind", "hop", "from", "to", "practices"]
         + (["practice_change"] if fmt == "csv" else []) + ["via"],
         title=f"{kind} paths from {result.source} to {result.target}")
    emit_notes(fmt, result.notes)


@click.command(name="diffusion")
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
    from ..errors import UnknownIdError
    from ..queries.diffusion import render_tree

    graph = open_graph(ctx)
    try:
        results, country = [graph.diffusion(practice)], None
    except UnknownIdError as error:
        try:
            results = list(graph.diffusion_from_country(practice))
            country = results[0].origin  # the country as resolved (ISO3), however it was written
        except UnknownIdError:
            raise error from None
    if fmt == "json":
        emit(fmt, results[0].as_dict() if country is None
             else {"country": country, "diffusions": [r.as_dict() for r in results]})
    elif fmt == "csv":
        emit(fmt, None, [{"practice": r.practice, **row} for r in results for row in r.rows()],
             ["practice", "depth", "transfer", "from", "to", "year", "status", "outcome", "verdict", "degree",
              "facilitators", "event"])
    else:
        click.echo("\n\n".join(render_tree(r) for r in results))


@click.command(name="factors")
@click.option("--maturity", is_flag=True,
              help="Show the maturity view: factors of scaled or institutionalized practices versus "
                   "prototypes and pilots (JSON always has both).")
@output_options
@click.pass_context
def success_factors(ctx, maturity, fmt):
    """Which preconditions go with transfers that work. Over transfers whose verdict is success or
    failure: for each precondition, the importer's state as of the transfer's start year splits
    them into with (present), without (absent) and unknown (counted, left out); the success rate
    with and without, the lift, the two-sided Fisher exact p-value and the Benjamini-Hochberg
    q-value, sorted by p-value; CSV and JSON add 95% Wilson intervals. n is stated, and figures
    from fewer than 10 transfers are flagged small.

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
        emit_notes(fmt, view.notes)
        return
    rows = [effect.as_dict() for effect in result.factors]
    if fmt == "csv":
        for row in rows:
            for arm in ("rate_with", "rate_without"):
                interval = row.pop(f"{arm}_ci")
                row[f"{arm}_low"], row[f"{arm}_high"] = interval if interval else (None, None)
        columns = ["factor", "label", "with_n", "with_success", "without_n", "without_success", "unknown_n",
                   "rate_with", "rate_with_low", "rate_with_high", "rate_without", "rate_without_low",
                   "rate_without_high", "lift", "p_value", "q_value", "small_sample"]
    else:  # what fits on a screen; the rates follow from the counts
        headers = {"factor": "factor", "with_n": "with n", "with_success": "with ok", "without_n": "without n",
                   "without_success": "without ok", "unknown_n": "unknown", "lift": "lift", "p_value": "p",
                   "q_value": "q", "small_sample": "small n"}
        rows = [{header: row[key] for key, header in headers.items()} for row in rows]
        columns = list(headers.values())
    emit(fmt, None, rows, columns,
         title=f"Success factors over n = {result.n} transfers ({result.successes} successes)")
    emit_notes(fmt, result.notes)


@click.command(name="gaps")
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
    emit_notes(fmt, result.notes)


@click.command(name="network")
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
        emit_notes(fmt, result.notes)
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
    emit_notes(fmt, result.notes)


COMMANDS = (transfer_paths, diffusion_tree, success_factors, sdg_gaps, network_view)
