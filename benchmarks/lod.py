"""Linked-data benchmarks (not run by the tests): N-Triples export and a load test of ``psikg serve``.

    .venv/bin/python benchmarks/lod.py --scale M            # synthetic network, generated and loaded
    .venv/bin/python benchmarks/lod.py --store my.psikg      # an existing store

1. N-Triples export of the whole graph: psikg's streaming pyoxigraph path against the naive baseline,
   the same triples added to an rdflib Graph and written by rdflib's serializer (skipped above
   ``--baseline-max-triples``, where it would take minutes and gigabytes).
2. Load test: ``psikg serve`` in a subprocess on loopback, ``--clients`` concurrent clients (httpx
   async or a minimal asyncio HTTP/1.1 client, ``--client``) for ``--seconds``: dereferencing
   random thing IRIs (Turtle, following the 303) and running small SPARQL queries, half each.
   Throughput and latency percentiles per kind. Client and server share the machine's cores.

The figures are printed as one JSON line at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

import psikg
from psikg.config import DEFAULT_BASE


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_store(scale: str, workdir: Path, seed: int) -> tuple[Path, dict]:
    """Generate and load the synthetic network; a seed whose data the loader refuses is reported
    and the next one is tried (three at most)."""
    from psikg.errors import InputError
    from psikg.loaders.generate import SCALES, generate

    spec = SCALES[scale]
    refused = []
    for attempt in range(seed, seed + 3):
        data = workdir / f"synthetic-{scale}-{attempt}"
        started = time.perf_counter()
        generate(data, spec.countries, spec.practices, spec.factors, seed=attempt)
        generated = time.perf_counter() - started
        store = workdir / f"{scale}-{attempt}.psikg"
        started = time.perf_counter()
        try:
            psikg.open(store).load([data], bundled=False)  # the synthetic network alone
        except InputError as error:
            refused.append({"seed": attempt, "error": str(error.issues[0]) if error.issues else str(error)})
            print(f"seed {attempt} refused by the loader: {refused[-1]['error']}", file=sys.stderr)
            continue
        return store, {"seed": attempt, "generate_s": round(generated, 2),
                       "load_s": round(time.perf_counter() - started, 2), "refused_seeds": refused}
    raise SystemExit(f"the loader refused the synthetic data of seeds {seed}..{seed + 2}")


def bench_export(store_path: Path, workdir: Path, baseline_max: int) -> dict:
    import pyoxigraph as ox

    from psikg.lod.rdf import DatasetInfo, export, graph_triples

    graph = psikg.open(store_path)
    counts = graph.store.counts()
    out = workdir / "export.nt"
    started = time.perf_counter()
    stats = export(graph.store, out, "nt", DEFAULT_BASE, info=DatasetInfo(modified="2026-01-01"))
    fast = time.perf_counter() - started
    result = {"nodes": counts.get("nodes"), "edges": counts.get("edges"), "triples": stats.triples,
              "nt_bytes": out.stat().st_size, "pyoxigraph_nt_s": round(fast, 2),
              "pyoxigraph_triples_per_s": round(stats.triples / fast)}
    if stats.triples > baseline_max:
        result["rdflib_nt_s"] = None
        result["rdflib_skipped"] = f"more than {baseline_max} triples"
        return result
    import rdflib

    def term(t):
        if isinstance(t, ox.NamedNode):
            return rdflib.URIRef(t.value)
        if isinstance(t, ox.BlankNode):
            return rdflib.BNode(t.value)
        return rdflib.Literal(t.value, lang=t.language,
                              datatype=None if t.language else rdflib.URIRef(t.datatype.value))

    started = time.perf_counter()
    naive = rdflib.Graph()
    for triple in graph_triples(graph.store, DEFAULT_BASE):
        naive.add((term(triple.subject), term(triple.predicate), term(triple.object)))
    naive.serialize(destination=str(workdir / "export-rdflib.nt"), format="nt", encoding="utf-8")
    slow = time.perf_counter() - started
    result.update({"rdflib_nt_s": round(slow, 2), "speedup": round(slow / fast, 1)})
    return result


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SPARQL_QUERIES = [
    "SELECT ?t ?status WHERE {{ ?t psikg:importer <{base}id/country/{country}> ; psikg:status ?status }} LIMIT 20",
    "SELECT ?p ?title WHERE {{ ?p psikg:originatingCountry <{base}id/country/{country}> ; dcterms:title ?title }}",
    "ASK {{ <{base}id/practice/{practice}> psikg:hasSuccessFactor ?f }}",
    "SELECT ?name WHERE {{ <{base}id/country/{country}> schema:name ?name }}",
]


class RawClient:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams: one connection per simulated user.
    It costs the load generator far less CPU than httpx (which shares the 2 cores with the server
    here), so the figures measure the server. GET only; follows one redirect."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def get(self, target: str, accept: str) -> int:
        for _ in range(2):
            status, location = await self._get(target, accept)
            if status in (301, 302, 303, 307, 308) and location:
                target = location
                continue
            return status
        return status

    async def _get(self, target: str, accept: str) -> tuple[int, str | None]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(f"GET {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAccept: {accept}\r\n\r\n"
                          .encode())
        await self.writer.drain()
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length, location, chunked, close = 0, None, False, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "location":
                location = value
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
            elif name == "connection" and value.lower() == "close":
                close = True
        if chunked:
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        elif length:
            await self.reader.readexactly(length)
        if close:
            self.writer.close()
            self.writer = None
        if location and location.startswith("http"):
            location = "/" + location.split("/", 3)[3]
        return status, location


async def _client(get, base_path: str, practices, countries, deadline, latencies, errors):
    from urllib.parse import quote

    rng = random.Random()
    while time.monotonic() < deadline:
        kind = "deref" if rng.random() < 0.5 else "sparql"
        started = time.perf_counter()
        try:
            if kind == "deref":
                status = await get(f"{base_path}id/practice/{rng.choice(practices)}", "text/turtle")
            else:
                query = rng.choice(SPARQL_QUERIES).format(base=base_path.base, country=rng.choice(countries),
                                                          practice=rng.choice(practices))
                status = await get(f"{base_path}sparql?query={quote(query)}", "application/sparql-results+json")
            ok = status == 200
        except (OSError, ValueError, IndexError, asyncio.IncompleteReadError, httpx.HTTPError):
            ok = False
        elapsed = time.perf_counter() - started
        if ok:
            latencies[kind].append(elapsed)
        else:
            errors[kind] += 1


class _Path(str):
    """The base path of the server, remembering the full base IRI for the queries."""

    base: str


def _percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def bench_server(store_path: Path, clients: int, seconds: float, workers: int | None,
                 client_kind: str = "raw", port: int | None = None) -> dict:
    port = port or _free_port()
    base = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "-c", "from psikg.cli import main; main()", "--store", str(store_path),
               "serve", "--port", str(port), "--base", base]
    if workers:
        command += ["--workers", str(workers)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"psikg serve exited: {process.stderr.read().decode()[-2000:]}")
            try:
                if httpx.get(base, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        startup = time.perf_counter() - started
        catalog = psikg.open(store_path).catalog
        practices = sorted(catalog.practices)
        countries = sorted({p.country for p in catalog.practices.values() if p.country})
        latencies: dict[str, list[float]] = {"deref": [], "sparql": []}
        errors = {"deref": 0, "sparql": 0}

        base_path = _Path("/")
        base_path.base = base

        async def main():
            deadline = time.monotonic() + seconds
            if client_kind == "httpx":
                limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
                async with httpx.AsyncClient(timeout=30, limits=limits, base_url=base.rstrip("/")) as client:
                    async def get(target, accept):
                        response = await client.get(target, headers={"accept": accept}, follow_redirects=True)
                        return response.status_code

                    await asyncio.gather(*[_client(get, base_path, practices, countries, deadline, latencies,
                                                   errors) for _ in range(clients)])
            else:
                users = [RawClient("127.0.0.1", port) for _ in range(clients)]
                await asyncio.gather(*[_client(user.get, base_path, practices, countries, deadline, latencies,
                                               errors) for user in users])

        run_started = time.perf_counter()
        asyncio.run(main())
        wall = time.perf_counter() - run_started
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
    total = sum(len(v) for v in latencies.values())
    result = {"client": client_kind, "clients": clients, "seconds": round(wall, 1), "startup_s": round(startup, 2),
              "requests_ok": total, "errors": sum(errors.values()), "throughput_rps": round(total / wall, 1)}
    for kind, values in latencies.items():
        result[kind] = {"ok": len(values), "errors": errors[kind], "rps": round(len(values) / wall, 1),
                        "p50_ms": round(1000 * (_percentile(values, 50) or 0), 1),
                        "p99_ms": round(1000 * (_percentile(values, 99) or 0), 1)}
    every = [v for values in latencies.values() for v in values]
    result["p50_ms"] = round(1000 * (_percentile(every, 50) or 0), 1)
    result["p99_ms"] = round(1000 * (_percentile(every, 99) or 0), 1)
    return result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="M", choices=["S", "M", "L"])
    parser.add_argument("--store", type=Path, help="Use this store instead of generating one.")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=None, help="SPARQL worker processes of the server.")
    parser.add_argument("--baseline-max-triples", type=int, default=1_500_000)
    parser.add_argument("--skip-server", action="store_true")
    parser.add_argument("--client", choices=["raw", "httpx"], default="raw",
                        help="Load generator: a minimal asyncio HTTP/1.1 client (default) or httpx async.")
    parser.add_argument("--seed", type=int, default=1, help="Seed of the synthetic network.")
    parser.add_argument("--port", type=int, default=None,
                        help="Server port (default: a free one). The base follows the port, so the same "
                             "port twice with --store measures a start on the kept SPARQL store.")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="psikg-bench-lod-") as tmp:
        workdir = Path(tmp)
        figures: dict = {"benchmark": "lod", "cpus": os.cpu_count()}
        if args.store:
            store = args.store
            figures["store"] = str(store)
        else:
            store, built = build_store(args.scale, workdir, args.seed)
            figures.update({"scale": args.scale, **built})
        figures["export"] = bench_export(store, workdir, args.baseline_max_triples)
        figures["peak_rss_mb"] = round(_rss_mb())
        if not args.skip_server:
            figures["server"] = bench_server(store, args.clients, args.seconds, args.workers, args.client,
                                             args.port)
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
