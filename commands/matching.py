"""Matchmaking: match, solutions, matchmake, similar, worksheet."""

from __future__ import annotations

from pathlib import Path

import click

from .common import compact_rows, emit, emit_notes, open_graph, output_options, parse_weights, plural, shown_rows

__all__ = ["COMMANDS"]


@click.command(name="match")
@click.argument("practice")
@click.option("--top", type=click.IntRange(min=1), default=None,
              help="Show the best N candidates (a table: of each tier, default 10; JSON and CSV: in all, "
                   "default all).")
@click.option("--weights", metavar="factor=F,sdg=S,evidence=E",
              help="Weights of the score, summing to 1 (default factor=0.6,sdg=0.3,evidence=0.1); omitted "
                   "ones weigh 0.")
@click.option("--as-of", "as_of", type=click.IntRange(1900, 2100), default=None,
              help="Read the record as it stood at the end of this year: statements, transfers started by "
                   "then with their status then, needs expressed by then (default: the current year).")
@click.option("--min-coverage", type=click.FloatRange(0.0, 1.0), default=0.5, show_default=True,
              help="Coverage from which a candidate that is not blocked is ready.")
@click.option("--all-countries", is_flag=True,
              help="Candidates include territories and other areas, not only UN member states.")
@output_options
@click.pass_context
def match_command(ctx, practice, top, weights, as_of, min_coverage, all_countries, fmt):
    """Candidate importers for PRACTICE, in three tiers: ready (enough of its preconditions are
    known: coverage at least --min-coverage), unassessed (too little is known: the table says what
    to ask) and blocked (a critical precondition is known absent). Candidates are the UN member
    states except the exporter and those already engaged with it (listed apart); within a tier,
    best score first: 0.6 factor fit (preconditions present; critical 1.0, supporting 0.5) + 0.3
    SDG fit + 0.1 evidence of successful transfers to similar countries. JSON scores are unrounded.

    \b
    Example:
      psikg match bgd-sdg-tracker --top 5
      psikg match rwa-imihigo --as-of 2015 --min-coverage 0.75
      psikg match bgd-sdg-tracker --weights factor=0.5,sdg=0.5 --format json
    """
    from ..queries.match import Weights

    graph = open_graph(ctx)
    options = {"as_of": as_of, "min_coverage": min_coverage, "all_countries": all_countries,
               "record_as_of": as_of is not None}
    if fmt == "table":
        result = graph.match(practice, None, parse_weights(Weights.parse, weights), top_per_tier=top or 10,
                             **options)
        _match_tables(graph, result)
        return
    result = graph.match(practice, top, parse_weights(Weights.parse, weights), **options)
    if fmt == "json":
        emit(fmt, result.json_shape())
        return
    rows = [{"rank": rank, **c.row()} for rank, c in enumerate(result.candidates, 1)]
    emit(fmt, None, rows, ["rank", "country", "name", "tier", "score", "factor_fit", "sdg_fit", "evidence", "coverage",
                           "present", "absent", "unknown", "blocking", "matching_needs", "matching_targets",
                           "evidence_transfers", "stale", "related_practices", "flags"])
    record = [f"the whole record as it stood at the end of {result.as_of}: statements, transfers, needs"]
    emit_notes(fmt, (record if result.record_as_of else []) + list(result.warnings))


#: The columns of each tier's table, as headers people read.
TIER_COLUMNS = {
    "ready": {"country": "iso3", "name": "name", "score": "score", "factor_fit": "fit", "coverage": "cov",
              "sdg_fit": "sdg", "evidence": "ev", "known": "known", "flags": "flags"},
    "unassessed": {"country": "iso3", "name": "name", "score": "score", "factor_fit": "fit", "coverage": "cov",
                   "sdg_fit": "sdg", "evidence": "ev", "known": "known", "flags": "flags"},
    "blocked": {"country": "iso3", "name": "name", "score": "score", "coverage": "cov",
                "blocking": "blocked by", "flags": "flags"},
}


def _match_tables(graph, result) -> None:
    """The match as one table per tier, with what to ask the unassessed candidates."""
    title = (graph.store.node("practice", result.practice) or {}).get("title") or result.practice  # one node read
    record = " (the whole record as it stood then: statements, transfers, needs)" if result.record_as_of else ""
    click.echo(f"Importers for {result.practice} ({title}), from {result.exporter}, as of {result.as_of}{record}: "
               + ", ".join(f"{n} {tier}" for tier, n in result.tier_counts.items()))
    for tier, headers in TIER_COLUMNS.items():
        candidates = [c for c in result.candidates if c.tier == tier]
        total = result.tier_counts.get(tier, 0)
        if not candidates:
            click.echo(f"{tier}: none")
            continue
        rows = [{"#": rank, **c.row(), "known": f"{len(c.present) + len(c.absent)} of "
                 f"{len(c.present) + len(c.absent) + len(c.unknown)}"} for rank, c in enumerate(candidates, 1)]
        rows = compact_rows(rows, {"#": "#", **headers})
        emit("table", None, rows, ["#", *headers.values()], title=f"{tier}: {len(candidates)} of {total}")
    click.echo("known = preconditions whose state is recorded; --format json or csv lists them all, with "
               "the needs, evidence and related practices behind each row")
    ask = result.ask[:5]
    if ask:
        click.echo(f"note: {result.tier_counts.get('unassessed', 0)} candidate(s) unassessed; ask them first about: "
                   + "; ".join(f"{q.label} ({q.role}, unknown at {q.count})" for q in ask))
    engaged = "; ".join(f"{e.country} ({e.status}, {e.transfer})" for e in result.engaged)
    emit_notes("table", ([f"already engaged: {engaged}"] if engaged else []) + list(result.warnings))


@click.command(name="solutions")
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
    from ..queries.solutions import SolutionWeights

    if bool(need) == bool(country):
        raise click.UsageError("give one NEED, or --country for every need of a country")
    graph = open_graph(ctx)
    result = graph.solutions(need, country, weights=parse_weights(SolutionWeights.parse, weights))
    found, more = shown_rows(fmt, list(result.solutions), top)
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
        rows, columns = compact_rows(rows, headers), list(headers.values())
    else:
        columns = ["rank", "need", "practice", "exporter", "score", "sdg_fit", "theme_fit", "factor_fit",
                   "evidence", "matching_targets", "matching_themes", "shared_factors", "missing_factors", "flags"]
    emit(fmt, None, rows, columns, title=f"Solutions for {need or result.country}")
    engaged = "; ".join(f"{e.practice} ({e.status})" for e in result.engaged)
    emit_notes(fmt, more + ([f"already engaged with: {engaged}"] if engaged else []) + list(result.warnings))


@click.command(name="matchmake")
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
    from ..queries.match import Weights

    graph = open_graph(ctx)
    result = graph.matchmake(event, min_score, save=save, weights=parse_weights(Weights.parse, weights))
    shown, more = shown_rows(fmt, list(result.opportunities), top)
    if fmt == "json":
        data = result.as_dict()
        data["opportunities"] = data["opportunities"][:len(shown)]
        emit(fmt, data)
    else:
        rows = [{"rank": rank, **o.row()} for rank, o in enumerate(shown, 1)]
        if fmt == "table":
            headers = {"rank": "#", "practice": "practice", "importer": "to", "tier": "tier", "score": "score",
                       "factor_fit": "fit", "coverage": "cov", "sdg_fit": "sdg", "evidence": "ev", "flags": "flags"}
            rows, columns = compact_rows(rows, headers), list(headers.values())
        else:
            columns = ["rank", "practice", "exporter", "importer", "tier", "score", "factor_fit", "sdg_fit",
                       "evidence", "coverage", "shared_factors", "missing_factors", "matching_targets", "flags",
                       "recorded"]
        named = len(result.participants)
        counted = (f"{named} of {plural(result.participant_count, 'participant')} named"
                   if result.participant_count is not None else f"{plural(named, 'participant')} named")
        emit(fmt, None, rows, columns, title=f"Partnership opportunities at {result.event} "
                                              f"({counted}, {named - len(result.unassessed)} assessable)")
        engaged = "; ".join(f"{e.practice} to {e.importer} ({e.status})" for e in result.engaged)
        emit_notes(fmt, more + ([f"already engaged: {engaged}"] if engaged else []) + list(result.warnings))
    if save:
        message = (f"Saved {len(result.saved)} new opportunity transfer(s)." if result.saved
                   else "Nothing new to save: every opportunity is already recorded.")
        click.echo(message, err=fmt != "table")


@click.command(name="similar")
@click.argument("country")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="How many countries.")
@output_options
@click.pass_context
def similar_command(ctx, country, top, fmt):
    """Countries most like COUNTRY: 0.5 x context (weighted Jaccard over the success factors each
    satisfies, a factor weighing its depth in the scheme) + 0.5 x structure (same income group,
    same M49 intermediate region, same LDC/LLDC/SIDS flags), with what they share.

    \b
    Example:
      psikg similar BGD --top 5
    """
    result = open_graph(ctx).similar(country, top)
    if fmt == "json":
        emit(fmt, result.as_dict())
        return
    emit(fmt, None, [s.row() for s in result.similar],
         ["country", "name", "similarity", "context", "structure", "shared_traits", "shared_factors"]
         + (["only_here", "only_there"] if fmt == "csv" else []),
         title=f"Countries with contexts like {result.country}'s")
    emit_notes(fmt, result.warnings)


@click.command(name="worksheet")
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
    from ..views.worksheet_render import render

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


COMMANDS = (match_command, solutions_command, matchmake_command, similar_command, worksheet_command)
