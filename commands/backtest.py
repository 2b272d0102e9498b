"""The backtest of the ranking: psikg backtest."""

from __future__ import annotations

from pathlib import Path

import click

from .common import emit, emit_notes, open_graph, output_options, parse_weights

__all__ = ["COMMANDS"]


def _ks(text: str) -> tuple[int, ...]:
    try:
        ks = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise click.BadParameter(f"expected cut-offs such as 5,10, not {text!r}", param_hint="--k") from None
    if not ks or min(ks) < 1:
        raise click.BadParameter(f"every cut-off must be a whole number of at least 1, not {text!r}",
                                 param_hint="--k")
    return ks


@click.command(name="backtest")
@click.option("--from", "first", type=click.IntRange(1900, 2100), default=None,
              help="First origin year (default 2012).")
@click.option("--to", "last", type=click.IntRange(1900, 2100), default=None,
              help="Last origin year (default: the year before the latest transfer start).")
@click.option("--k", "ks", default="5,10", show_default=True, help="Cut-offs of precision@k and recall@k.")
@click.option("--weights", metavar="factor=F,sdg=S,evidence=E",
              help="Weights of the score, summing to 1 (default factor=0.6,sdg=0.3,evidence=0.1).")
@click.option("--min-coverage", type=click.FloatRange(0.0, 1.0), default=0.5, show_default=True,
              help="Coverage from which a candidate that is not blocked is ready.")
@click.option("--dated-only", is_flag=True,
              help="Rank on dated statements and needs only: undated ones may have been written down after the "
                   "transfer they help predict.")
@click.option("--search-weights", "search", is_flag=True,
              help="Also search a grid of weights, with leave-one-year-out results (it overfits a small record).")
@click.option("--metric", default="mrr", show_default=True,
              help="The metric the plot and the weights search use: mrr, auc, precision@K or recall@K.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the metric by origin year to this .svg or .png file.")
@output_options
@click.pass_context
def backtest_command(ctx, first, last, ks, weights, min_coverage, dated_only, search, metric, plot_path, fmt):
    """Does the ranking predict? For each origin year, rank every practice's candidate importers
    with the record as it stood then, and see where the countries that took it up later fell:
    precision@k, recall@k, mean reciprocal rank (MRR) and AUC, with n, beside baselines measured
    in the same run (random order, the exporter's sub-region, the most frequent importers, the
    score without tiers). Ties count at their expected value. Definitions: docs/backtest.md.

    \b
    Example:
      psikg backtest --from 2012 --k 5,10
      psikg backtest --search-weights --plot backtest.svg
      psikg backtest --format csv > backtest.csv
    """
    from ..queries.match import Weights

    from ..queries.backtest_weights import metric_names

    ks = _ks(ks)
    if metric not in metric_names(ks):
        raise click.BadParameter(f"expected one of {', '.join(metric_names(ks))}, not {metric!r}",
                                 param_hint="--metric")
    graph = open_graph(ctx)
    result = graph.backtest(first, last, ks, parse_weights(Weights.parse, weights), min_coverage=min_coverage,
                            dated_only=dated_only)
    found = graph.search_weights(result, metric) if search else None
    if plot_path is not None:
        from ..views.backtest_plot import plot_backtest

        plot_backtest(result, plot_path, metric)
    if fmt == "json":
        emit(fmt, {**result.as_dict(), **({"weights_search": found.as_dict()} if found else {})})
        return
    if fmt == "csv":
        emit(fmt, None, result.rows(), list(result.rows()[0]))
        emit_notes(fmt, list(result.notes) + ([found.warning] if found else []))
        return
    _tables(result, found, metric)
    if plot_path is not None:
        click.echo(f"Wrote the plot of {metric} by origin year to {plot_path}")


def _tables(result, found, metric: str) -> None:
    """The overall summary, the metric by year and method, the tiers, the weights search."""
    years = f"{result.years[0]}-{result.years[-1]}" if result.years else "none"
    click.echo(f"Backtest over origin years {years}: {len(result.cases)} case(s) (a practice at an origin year "
               "with a later transfer to a candidate); metrics are means over cases")
    rows = [s.row() for s in result.overall]
    emit("table", None, rows, list(rows[0]), title="all origin years")
    methods = [s.method for s in result.overall]
    by_year = []
    for year, summaries in result.by_year.items():
        row = {"year": year, "n": summaries[0].n}
        row.update({s.method: _value(s, metric) if s.n else None for s in summaries})
        by_year.append(row)
    emit("table", None, by_year, ["year", "n", *methods], title=f"{metric} by origin year")
    tiers = [{"tier": tier, **counts} for tier, counts in result.by_tier.items()]
    emit("table", None, tiers, ["tier", "later_importers", "candidates"],
         title="where the later importers sat (psikg tiers as of the origin year)")
    left = "; ".join(f"{n} {reason}" for reason, n in result.left_out.items())
    notes = list(result.notes) + ([f"later importers left out: {left}"] if left else [])
    if found:
        _search_tables(found)
        notes.append(found.warning)
    emit_notes("table", notes)


def _value(summary, metric: str):
    row = summary.row()
    return row.get(metric)


def _weights(weights) -> str:
    return f"factor={weights.factor:g},sdg={weights.sdg:g},evidence={weights.evidence:g}"


def _search_tables(found) -> None:
    rows = [{"weights": _weights(s.weights), found.metric: s.value, "n": s.n} for s in found.grid[:5]]
    rows.append({"weights": _weights(found.default.weights) + " (default)", found.metric: found.default.value,
                 "n": found.default.n})
    emit("table", None, rows, ["weights", found.metric, "n"], title="weights search, in sample (overfits)")
    held = [{"year": h.year, "n": h.n, "trained on the other years": _weights(h.trained),
             "held out": h.held_out, "default": h.default} for h in found.held_out]
    emit("table", None, held, ["year", "n", "trained on the other years", "held out", "default"],
         title=f"leave one origin year out ({found.metric})")


COMMANDS = (backtest_command,)
