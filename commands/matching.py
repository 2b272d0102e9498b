"""Matchmaking: match, solutions, matchmake, similar, worksheet."""

from __future__ import annotations

from pathlib import Path

import click

from .common import compact_rows, country_names, emit, emit_notes, open_graph, output_options, parse_weights, shown_rows

__all__ = ["COMMANDS"]


@click.command(name="match")
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
    from ..queries.match import Weights

    graph = open_graph(ctx)
    result = graph.match(practice, top=None, weights=parse_weights(Weights.parse, weights))
    candidates, more = shown_rows(fmt, list(result.candidates), top)
    if fmt == "json":
        data = result.as_dict()
        data["candidates"] = data["candidates"][:len(candidates)]
        emit(fmt, data)
        return
    names = country_names(graph)
    rows = [{"rank": rank, "name": names.get(c.country, c.country), **c.row()}
            for rank, c in enumerate(candidates, 1)]
    if fmt == "table":  # what fits on a screen: the explanation in full, names and needs in CSV/JSON
        headers = {"rank": "#", "country": "iso3", "score": "score", "factor_fit": "fit", "sdg_fit": "sdg",
                   "evidence": "ev", "shared_factors": "shared factors", "missing_factors": "missing factors",
                   "matching_targets": "targets", "flags": "flags"}
        rows, columns = compact_rows(rows, headers), list(headers.values())
    else:
        columns = ["rank", "country", "name", "score", "factor_fit", "sdg_fit", "evidence", "shared_factors",
                   "missing_factors", "matching_needs", "matching_targets", "evidence_transfers", "flags"]
    title = graph.catalog.practices[result.practice].title
    emit(fmt, None, rows, columns, title=f"Importers for {result.practice} ({title}), from {result.exporter}")
    engaged = "; ".join(f"{e.country} ({e.status}, {e.transfer})" for e in result.engaged)
    emit_notes(fmt, more + ([f"already engaged: {engaged}"] if engaged else []) + list(result.warnings))


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
            headers = {"rank": "#", "practice": "practice", "importer": "to", "score": "score", "factor_fit": "fit",
                       "sdg_fit": "sdg", "evidence": "ev", "missing_factors": "missing factors", "flags": "flags"}
            rows, columns = compact_rows(rows, headers), list(headers.values())
        else:
            columns = ["rank", "practice", "exporter", "importer", "score", "factor_fit", "sdg_fit", "evidence",
                       "shared_factors", "missing_factors", "matching_targets", "flags", "recorded"]
        emit(fmt, None, rows, columns, title=f"Partnership opportunities at {result.event} "
                                              f"({len(result.participants)} participants)")
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
