"""Research exports and measures: export-research, adoption, factor-models, plot."""

from __future__ import annotations

from pathlib import Path

import click

from .common import emit, emit_notes, open_graph, output_options

__all__ = ["COMMANDS"]


@click.command(name="export-research")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--end-year", type=int, default=None,
              help="Last year of the panel (default: the latest year the data names, so the files do not "
                   "change with the clock).")
@click.option("--formats", default="csv,parquet", show_default=True,
              help="Table formats, comma-separated: csv, parquet.")
@click.pass_context
def export_research(ctx, folder, end_year, formats):
    """Write the research files into FOLDER: the country x practice x year adoption panel (with the
    non-adopters), the transfer edge list with verdicts, degree and years (CSV and Parquet), the
    network as GraphML and GEXF, and a data dictionary beside each. Reproducible: the same store
    gives the same bytes.

    \b
    Example:
      psikg export-research research/
      psikg export-research research/ --formats csv --end-year 2020
    """
    chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
    unknown = [f for f in chosen if f not in ("csv", "parquet")]
    if unknown or not chosen:
        raise click.BadParameter(f"unknown format(s) {', '.join(unknown) or '(none)'}; use csv and/or parquet",
                                 param_hint="--formats")
    result = open_graph(ctx).export_research(folder, chosen, end_year)
    click.echo(f"Wrote {len(result.files)} files to {folder}: panel {result.panel_rows} rows (to {result.end_year}), "
               f"{result.transfers} transfers.")
    for path in result.files:
        click.echo(f"  {path.name}")
    emit_notes("table", result.notes)


def _curve_rows(result) -> list[dict]:
    lags = {(lag.grouping, lag.group): lag for lag in result.lags}
    rows = []
    for curve in result.curves:
        lag = lags[(curve.grouping, curve.group)]
        last = len(curve.times) - 1
        rows.append({"grouping": curve.grouping, "group": curve.group, "n": curve.n, "events": curve.events,
                     "years": curve.times[last] if curve.times else None,
                     "adopted": curve.adopted[last] if curve.times else 0.0,
                     "lower": curve.lower[last] if curve.times else None,
                     "upper": curve.upper[last] if curve.times else None,
                     "km_median": curve.median, "lag_n": lag.n, "median_lag": lag.median,
                     "small_sample": curve.small_sample})
    return rows


@click.command(name="adoption")
@click.option("--by", "groupings", multiple=True, default=("all", "region", "income_group"), show_default=True,
              type=click.Choice(["all", "practice", "region", "income_group"]),
              help="Group the curves by (repeatable).")
@click.option("--end-year", type=int, default=None, help="Last year of the panel.")
@output_options
@click.pass_context
def adoption(ctx, groupings, end_year, fmt):
    """Time to adoption: for each group, the Kaplan-Meier cumulative share of countries that adopted
    by the longest follow-up (with its 95% interval), the KM median (empty: not reached) and the
    median lag among adopters; then the hazard of adoption per at-risk country-year with and without
    exposure (a holder of the practice in the sub-region, a shared network or a shared event), with
    n, Wilson intervals and the hazard ratio. JSON has the whole curves.

    \b
    Example:
      psikg adoption --by region
      psikg adoption --by practice --format json
    """
    result = open_graph(ctx).time_to_adoption(groupings, end_year)
    if fmt == "json":
        emit(fmt, result.as_dict())
        return
    emit(fmt, None, _curve_rows(result), ["grouping", "group", "n", "events", "years", "adopted", "lower", "upper",
                                          "km_median", "lag_n", "median_lag", "small_sample"],
         title=f"Time to adoption: {result.spells} country-practice spells, {result.events} adoptions")
    if fmt == "table":
        emit(fmt, None, [e.as_dict() for e in result.exposure],
             ["exposure", "exposed_n", "exposed_events", "hazard_exposed", "unexposed_n", "unexposed_events",
              "hazard_unexposed", "ratio", "ratio_ci"], title="Hazard of adoption per at-risk country-year")
    emit_notes(fmt, result.notes)


_MODEL_HEADERS = {"term": "term", "estimate": "log-odds", "std_error": "se", "p_value": "p", "odds_ratio": "OR",
                  "q_value": "q (BH)"}


@click.command(name="factor-models")
@output_options
@click.pass_context
def factor_models(ctx, fmt):
    """Logistic regressions of a transfer's verdict (success against failure) on its preconditions
    at the importer as of its start year, on region and income group, and on its channels
    (facilitated, same sub-region): per coefficient the log-odds, standard error, p, 95% interval,
    odds ratio and Benjamini-Hochberg q. A model is refused, with the reason, when n is too small
    for its coefficients or the data separate perfectly. Table, CSV and JSON give the same numbers.

    \b
    Example:
      psikg factor-models
      psikg factor-models --format json
    """
    from ..queries.factor_models import model_rows

    result = open_graph(ctx).factor_models()
    if fmt == "json":
        emit(fmt, result.as_dict())
        return
    if fmt == "csv":
        emit(fmt, None, model_rows(result),
             ["model", "n", "successes", "failures", "term", "estimate", "std_error", "z", "p_value", "ci_low",
              "ci_high", "odds_ratio", "odds_ratio_low", "odds_ratio_high", "q_value", "refused"])
        emit_notes(fmt, result.notes)
        return
    for model in result.models:
        title = f"{model.formula}  (n={model.n}: {model.successes} successes, {model.failures} failures)"
        if model.refused:
            click.echo(f"{title}\n  not fitted: {model.refused}\n")
            continue
        rows = [{**{short: row[key] for key, short in _MODEL_HEADERS.items()},
                 "OR 95%": f"{row['odds_ratio_low']:.4f} to {row['odds_ratio_high']:.4f}"}
                for row in model_rows(result) if row["model"] == model.name]
        emit(fmt, None, rows, [*_MODEL_HEADERS.values(), "OR 95%"], title=title)
    emit_notes(fmt, result.notes)


@click.command(name="plot")
@click.argument("kind", type=click.Choice(["adoption", "forest", "diffusion"]))
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--practice", help="The practice of a diffusion tree.")
@click.option("--by", default="region", show_default=True, type=click.Choice(["all", "region", "income_group"]),
              help="Groups of the adoption curves.")
@click.option("--model", default="preconditions", show_default=True, help="The factor model of a forest plot.")
@click.pass_context
def plot(ctx, kind, out, practice, by, model):
    """Draw adoption curves, a factor forest plot or a practice's diffusion tree into OUT; the
    format follows OUT's extension (.svg or .png). Works offline.

    \b
    Example:
      psikg plot adoption curves.svg --by income_group
      psikg plot forest forest.png --model channels
      psikg plot diffusion tree.svg --practice est-x-road
    """
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("svg", "png"):
        raise click.BadParameter(f"OUT must end in .svg or .png, not {out.name!r}", param_hint="OUT")
    data = open_graph(ctx).plot(kind, fmt, practice=practice, by=by, model=model)
    out.write_bytes(data)
    click.echo(f"Wrote {out} ({len(data)} bytes).")


COMMANDS = [export_research, adoption, factor_models, plot]
