"""Network view benchmark: how long a large view takes to lay out, render and draw.

    .venv/bin/python benchmarks/viz.py [--practices 1000 4000] [--no-browser] [--no-baseline]

For each size, a synthetic network (``loaders/generate.py``, seed 1) is loaded into a temporary
embedded store and its whole-network view is built, laid out with ``fast_layout`` (the layout
``psikg viz`` precomputes above 1,000 nodes) and rendered; the baseline is networkx's
``spring_layout`` (seed 7, its default 50 iterations) on the same nodes and links. With Chromium,
the page is opened offline and timed until it reports that it drew every node. Results go to
``bench-results/viz.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def measure(practices: int, browser, baseline: bool) -> dict:
    import networkx as nx

    import psikg
    from psikg.loaders.generate import generate
    from psikg.views import viz

    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        generate(data, 50, practices, 100, seed=1)
        kg = psikg.open(Path(folder) / "store.psikg")
        kg.load([data], bundled=False, replace=True)
        catalog = kg.catalog
        started = time.perf_counter()
        graph = viz.network_view(catalog)
        build = time.perf_counter() - started
        keys = [n.key for n in graph.nodes]
        index = {k: i for i, k in enumerate(keys)}
        pairs = [(index[e.source], index[e.target]) for e in graph.edges]
        started = time.perf_counter()
        viz.fast_layout(len(keys), pairs)
        layout = time.perf_counter() - started
        started = time.perf_counter()
        html = viz.render(graph, layout="fixed", catalog=catalog)
        render = time.perf_counter() - started
        row = {"practices": practices, "nodes": len(graph.nodes), "links": len(graph.edges),
               "build_s": round(build, 3), "fast_layout_s": round(layout, 3), "render_s": round(render, 3),
               "html_mb": round(len(html.encode()) / 1e6, 2)}
        if baseline:
            undirected = nx.Graph()
            undirected.add_nodes_from(range(len(keys)))
            undirected.add_edges_from(pairs)
            started = time.perf_counter()
            nx.spring_layout(undirected, seed=7)
            row["baseline_spring_layout_s"] = round(time.perf_counter() - started, 3)
        if browser is not None:
            page = Path(folder) / "network.html"
            page.write_text(html, encoding="utf-8")
            started = time.perf_counter()
            report = browser.open(page, timeout=300)
            row["browser_ready_s"] = round(time.perf_counter() - started, 3)
            row["browser_drawn"] = browser.evaluate("window.psikgDrawnCount")
            row["browser_errors"] = len(report["errors"])
            started = time.perf_counter()
            browser.evaluate("window.psikg.setFilter('goals', '16')")
            row["browser_filter_s"] = round(time.perf_counter() - started, 3)
        return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practices", type=int, nargs="+", default=[1000, 4000])
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.viz_browser import Browser, find_chromium

    binary, why = (None, "asked") if args.no_browser else find_chromium()
    if binary is None:
        print(f"browser timings skipped: {why}", file=sys.stderr)
    rows = []
    if binary:
        with Browser(binary) as browser:
            rows = [measure(n, browser, not args.no_baseline) for n in args.practices]
    else:
        rows = [measure(n, None, not args.no_baseline) for n in args.practices]
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "viz.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    columns = list(dict.fromkeys(c for row in rows for c in row))
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(row.get(c, "")) for c in columns) + " |" for row in rows]
    (out / "viz.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for row in rows:
        print(json.dumps(row))


if __name__ == "__main__":
    main()
