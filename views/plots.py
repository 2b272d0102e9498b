"""Plots for people who would rather look than read: adoption curves, the factor forest plot and
the diffusion tree, as SVG or PNG (matplotlib's Agg backend: no display, no network).

Each function takes a query's result and returns the file's bytes; SVG text is kept as text
(``svg.fonttype = none``) so that labels are searchable, and carries no date, so the same result
gives the same SVG.
"""

from __future__ import annotations

import io

__all__ = ["adoption_curves_plot", "forest_plot", "diffusion_tree_plot", "PLOT_FORMATS"]

PLOT_FORMATS = ("svg", "png")
VERDICT_COLOURS = {"success": "#1b7837", "partial": "#e08214", "failure": "#c51b7d", "open": "#878787", None: "#4d4d4d"}


def _figure(width: float, height: float):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100)


def _bytes(figure, fmt: str) -> bytes:
    import matplotlib

    if fmt not in PLOT_FORMATS:
        raise ValueError(f"plot format must be one of {', '.join(PLOT_FORMATS)}, not {fmt!r}")
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "psikg"}):
        figure.savefig(buffer, format=fmt, bbox_inches="tight", metadata={"Date": None} if fmt == "svg" else None)
    return buffer.getvalue()


def adoption_curves_plot(curves, fmt: str = "svg", title: str = "Cumulative adoption (Kaplan-Meier)") -> bytes:
    """Step curves of the cumulative share adopted with their 95% bands, one per group."""
    figure = _figure(8, 5)
    axes = figure.add_subplot()
    for curve in curves:
        if not curve.times:
            continue
        times = [0, *curve.times]
        axes.step(times, [0.0, *curve.adopted], where="post", label=f"{curve.group} (n={curve.n}, {curve.events} adopted)")
        axes.fill_between(times, [0.0, *curve.lower], [0.0, *curve.upper], step="post", alpha=0.15)
    axes.set_xlabel("years at risk since the practice's start year")
    axes.set_ylabel("share of countries that adopted")
    axes.set_title(title)
    axes.legend(fontsize=8, loc="upper left")
    axes.grid(alpha=0.3)
    return _bytes(figure, fmt)


def forest_plot(model, fmt: str = "svg") -> bytes:
    """Odds ratios with 95% intervals (log scale) of a fitted factor model; a refused model is drawn
    as its reason, so the picture never hides a refusal."""
    terms = [c for c in model.coefficients if c.term != "intercept"]
    figure = _figure(8, 1.2 + 0.5 * max(len(terms), 1))
    axes = figure.add_subplot()
    axes.set_title(f"{model.name}: odds ratio of success (n={model.n}, {model.successes} successes)")
    if model.refused or not terms:
        axes.text(0.5, 0.5, f"not fitted: {model.refused or 'no covariate'}", ha="center", va="center", wrap=True)
        axes.set_axis_off()
        return _bytes(figure, fmt)
    for row, c in enumerate(reversed(terms)):
        axes.plot([c.odds_ratio_low, c.odds_ratio_high], [row, row], color="#2166ac")
        axes.plot([c.odds_ratio], [row], "s", color="#2166ac")
    axes.set_yticks(range(len(terms)), [c.term for c in reversed(terms)])
    axes.axvline(1.0, color="grey", linestyle="--")
    axes.set_xscale("log")
    axes.set_xlabel("odds ratio (95% interval, log scale)")
    return _bytes(figure, fmt)


def _tree_positions(result) -> tuple[list, dict, dict]:
    """Nodes (depth first), x by leaf order, y by depth."""
    positions, nodes, parents = {}, [], {}
    leaf = [0]

    def place(node, depth, key, parent):
        nodes.append((key, node))
        parents[key] = parent
        children = [place(child, depth + 1, f"{key}/{index}", key) for index, child in enumerate(node.children)]
        if children:
            x = sum(positions[c][0] for c in children) / len(children)
        else:
            x, leaf[0] = leaf[0], leaf[0] + 1
        positions[key] = (x, -depth)
        return key

    for index, root in enumerate(result.roots):
        place(root, 0, str(index), None)
    return nodes, positions, parents


def diffusion_tree_plot(result, fmt: str = "svg") -> bytes:
    """The diffusion tree of a practice: parties as labelled points, hops coloured by verdict and
    labelled with year and degree."""
    nodes, positions, parents = _tree_positions(result)
    width = max(6.0, 1.3 * (1 + max((x for x, _ in positions.values()), default=0)))
    depth = 1 + max((-y for _, y in positions.values()), default=0)
    figure = _figure(width, 1.5 + 1.4 * depth)
    axes = figure.add_subplot()
    for key, node in nodes:
        x, y = positions[key]
        if parents[key] is not None:
            px, py = positions[parents[key]]
            axes.plot([px, x], [py, y], color=VERDICT_COLOURS.get(node.verdict, "#4d4d4d"), linewidth=2)
            facts = [str(node.year) if node.year else "year ?", node.degree or ""]
            axes.text(x, y + 0.12, "\n".join(f for f in facts if f), fontsize=7, ha="center", va="bottom",
                      backgroundcolor="white")
        colour = VERDICT_COLOURS.get(node.verdict, "#4d4d4d")
        axes.plot([x], [y], "o", color=colour, markersize=10)
        axes.text(x, y - 0.18, node.party, ha="center", va="top", fontsize=9)
    for verdict in ("success", "partial", "failure", "open"):
        axes.plot([], [], color=VERDICT_COLOURS[verdict], linewidth=2, label=verdict)
    axes.legend(fontsize=8, loc="upper right", title="verdict")
    axes.set_title(f"{result.practice}: {result.title} ({result.n} transfer{'' if result.n == 1 else 's'})")
    axes.set_ylim(-depth + 0.5, 0.5)
    axes.set_axis_off()
    return _bytes(figure, fmt)
