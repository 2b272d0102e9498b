"""The network views as HTML pages: viz."""

from __future__ import annotations

from pathlib import Path

import click

from .common import open_graph

__all__ = ["COMMANDS"]


@click.command(name="viz")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML file to write (default: psikg-<view>.html in the current folder).")
@click.option("--transfers", is_flag=True, help="The country-level transfer map (the default view).")
@click.option("--present", is_flag=True, help="Presentation mode: slides for a projector, one idea per screen, "
              "keyboard navigation (with --match: the practice's match too).")
@click.option("--world", is_flag=True, help="The transfer map placed on a schematic world map by M49 region.")
@click.option("--network", "whole_network", is_flag=True,
              help="The whole network: countries, practices, factors, themes, goals... (also chosen by --kinds).")
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
def viz_command(ctx, out, present, transfers, world, whole_network, match_practice, country, top, weights, focus, depth,
                kinds, goal, region, theme, layout):
    """Draw the network as one self-contained HTML page that opens offline: by default the countries
    by name and the transfers between them (the transfer map); the whole network with practices,
    factors and themes (--network or --kinds), a node's neighbourhood (--focus) or a match explained
    (--match).
    The page has a legend, filters (SDG goal, region, theme, kind, status) and a search box.

    \b
    Example:
      psikg viz -o transfers.html
      psikg viz --network --kinds country,practice,factor -o network.html
      psikg viz --world -o world.html
      psikg viz --present --match bgd-sdg-tracker -o slides.html
      psikg viz --match bgd-sdg-tracker --top 8 -o match.html
      psikg viz --focus BGD --depth 2 --goal 16
    """
    if present:
        return _write_presentation(ctx, out, match_practice)
    if sum(bool(x) for x in (transfers, world, whole_network, match_practice, focus)) > 1:
        raise click.UsageError("choose one view: --transfers, --world, --network, --match or --focus")
    for name, value in (("--country", country), ("--weights", weights)):
        if value and not match_practice:
            raise click.UsageError(f"{name} goes with --match")
    kind_list = [k for k in kinds.split(",") if k.strip()] if kinds else None
    filters = {"goal": goal, "region": region, "theme": theme}
    if match_practice:
        if kind_list or any(filters.values()):
            raise click.UsageError("--kinds, --goal, --region and --theme do not apply to --match "
                                   "(filter it in the page)")
        from ..queries.match import DEFAULT_WEIGHTS, Weights

        try:
            parsed = Weights.parse(weights) if weights else DEFAULT_WEIGHTS
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--weights") from error
        view, options = "match", {"practice": match_practice, "top": top, "country": country, "weights": parsed}
    elif world:
        if kind_list:
            raise click.UsageError("--kinds does not apply to --world")
        view, options = "world", filters
    elif transfers or not (whole_network or kind_list or focus):
        if kind_list:
            raise click.UsageError("--kinds does not apply to --transfers")
        view, options = "transfers", filters
    elif focus:
        view, options = "focus", {"node": focus, "depth": depth, "kinds": kind_list, **filters}
    else:
        view, options = "network", {"kinds": kind_list, **filters}
    out = out or Path(f"psikg-{view}.html")
    graph = open_graph(ctx).write_viz(out, view, layout=layout, **options)
    click.echo(f"Wrote {out}: {view} view, {len(graph.nodes)} nodes, {len(graph.edges)} links.")


def _write_presentation(ctx, out, practice):
    from ..views.present import render_presentation, slides

    graph = open_graph(ctx)
    deck = slides(graph.catalog, practice)
    out = out or Path("psikg-present.html")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_presentation(deck), encoding="utf-8")
    click.echo(f"Wrote {out}: {len(deck)} slides (arrow keys to move).")


COMMANDS = (viz_command,)
