"""A backtest's metric by origin year, one line per method, as SVG or PNG (matplotlib, Agg).

matplotlib is an optional extra (``pip install psikg[plot]``); it is imported only when a plot is
drawn, so ``import psikg`` never needs it.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import QueryError

__all__ = ["plot_backtest", "FORMATS"]

#: The file formats a plot can be written in, by suffix.
FORMATS = (".svg", ".png")


def _metric_of(summary, metric: str) -> float | None:
    if metric == "mrr":
        return summary.mrr
    if metric == "auc":
        return summary.auc
    name, _, k = metric.partition("@")
    return (summary.precision if name == "precision" else summary.recall).get(int(k))


def plot_backtest(result, path, metric: str = "mrr") -> Path:
    """Draw ``metric`` by origin year for every method of ``result`` (a
    :class:`psikg.queries.backtest.Backtest`) into ``path`` (.svg or .png); years without a case
    are gaps, and each year is labelled with its n."""
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise QueryError(f"the plot is written as SVG or PNG: give a file ending in .svg or .png, not {path.name}")
    try:
        import matplotlib
    except ImportError as error:
        raise QueryError("drawing the plot needs matplotlib: pip install 'psikg[plot]'") from error
    matplotlib.use("Agg")
    from matplotlib import pyplot

    years = list(result.by_year)
    figure, axes = pyplot.subplots(figsize=(8, 4.5))
    for index, method in enumerate(s.method for s in result.overall):
        values = []
        for year in years:
            summary = next(s for s in result.by_year[year] if s.method == method)
            value = _metric_of(summary, metric) if summary.n else None
            values.append(float("nan") if value is None else value)
        style = "-o" if index == 0 else "--"
        axes.plot(years, values, style, label=method, linewidth=2.2 if index == 0 else 1.2)
    counts = [result.by_year[y][0].n for y in years]
    axes.set_xticks(years, [f"{y}\nn={n}" for y, n in zip(years, counts)], fontsize=7)
    axes.set_xlabel("origin year (n = practices with a later transfer to a candidate)")
    axes.set_ylabel(metric)
    axes.set_ylim(0, 1)
    axes.set_title(f"Backtest of the ranking: {metric} by origin year")
    axes.legend(fontsize=8)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format=path.suffix.lower().lstrip("."))
    pyplot.close(figure)
    return path
