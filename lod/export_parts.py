"""A large N-Triples export of the embedded store, written by several processes and joined in order.

An export is pure Python work, one core's worth (about 7 s of CPU at a million links). The
export's order (kinds as the model lists them, nodes by id, each node's lines together) is cut
into parts of about the same number of rows; each part is written by a process of its own, the
first straight into the output and the others into files beside it that are then appended in
order, so the file is the same byte for byte as one process writes.

Each process reads its own snapshot of the store. They read the same data when they saw the same
generation (the counter every write to the tables moves, :mod:`psikg.graph.sqlite_schema`); when a
write landed in between, the parts are thrown away and the caller writes the export in one process.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import IO

from ..errors import StoreError
from ..graph.sqlite_schema import KIND_TABLES, LINK_TABLES
from ..ontology.model import KINDS
from .ntriples import graph_lines, write_lines
from .rdf_terms import ExportStats
from .store_rows import Part, Position, sqlite_rows

__all__ = ["AUTO_MIN_ROWS", "default_jobs", "plan_parts", "write_in_parts"]

#: Below this many rows (nodes and links) an export takes about a second or less, and starting a
#: second Python process (a third of a second) would win little: one process writes it.
AUTO_MIN_ROWS = 250_000
_MAX_JOBS = 4  # beyond this, reading and joining the parts outweighs the lines made in parallel


def default_jobs() -> int:
    """The processes an export uses unless told: one per core this process may run on, up to four."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover (not Linux)
        cores = os.cpu_count() or 1
    return max(1, min(cores, _MAX_JOBS))


def plan_parts(path: Path, jobs: int, min_rows: int = 0) -> list[Part]:
    """``jobs`` parts of about the same number of rows (a node or a link each) of the store at
    ``path``, in the export's order; one part (the whole graph) when it has fewer than ``min_rows``."""
    with sqlite_rows(path) as snapshot:  # read-only, and a damaged store is one StoreError
        connection = snapshot.connection
        sizes = []  # (kind index, kind's table, nodes, rows of the kind's nodes and links)
        for index, kind in enumerate(KINDS):
            table = KIND_TABLES.get(kind)
            if table is None:
                continue
            nodes = _count(connection, table.table)
            links = sum(_count(connection, LINK_TABLES[kind, rel.name].table) for rel in KINDS[kind].relations
                        if (kind, rel.name) in LINK_TABLES)
            sizes.append((index, table.table, nodes, nodes + links))
        total = sum(rows for *_, rows in sizes)
        if jobs <= 1 or total < max(min_rows, 1):
            return [Part()]
        cuts = [_position(connection, sizes, total * n / jobs) for n in range(1, jobs)]
    bounds = [None, *sorted(set(cuts)), None]
    return [Part(start, stop) for start, stop in zip(bounds, bounds[1:])]


def _count(connection: sqlite3.Connection, table: str) -> int:
    return connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]


def _position(connection: sqlite3.Connection, sizes: list, rows_before: float) -> Position:
    """Where ``rows_before`` rows of the export's order have gone by (a kind's rows counted as
    spread evenly over its nodes)."""
    seen = 0
    for index, table, nodes, rows in sizes:
        if seen + rows > rows_before and nodes:
            offset = int((rows_before - seen) / rows * nodes)
            found = connection.execute(f'SELECT id FROM "{table}" ORDER BY id LIMIT 1 OFFSET ?', (offset,)).fetchone()
            return Position(index, found[0])
        seen += rows
    return Position(len(KINDS), "")  # past the last node


def write_in_parts(path: Path, output: IO[bytes], folder: Path, base: str, parts: list[Part],
                   stats: ExportStats, graph: str | None = None) -> bool:
    """Write the data of the store at ``path`` to ``output`` as N-Triples (N-Quads in ``graph``
    when given), part by part: the first in this process, the others in processes of their own
    into files in ``folder`` (the output's, so that there is room for them); count it into
    ``stats``. False (nothing counted, ``output`` holds some of the lines) when a write to the
    store landed between the parts' snapshots.

    A part's process is ``python -m psikg.lod.export_parts`` (not multiprocessing, whose way of
    starting processes runs the caller's main script again)."""
    with ExitStack() as cleanup:
        workers = []
        for part in parts[1:]:
            handle, name = tempfile.mkstemp(prefix=".psikg-export-", suffix=".part", dir=folder)
            os.close(handle)
            cleanup.callback(_remove, name)
            task = json.dumps({"store": str(path), "base": base, "graph": graph, "target": name,
                               "part": [list(bound) if bound else None for bound in part]})
            worker = subprocess.Popen([sys.executable, "-m", __name__, task], stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True)
            cleanup.callback(_stop, worker)
            workers.append((worker, name))
        first = ExportStats()
        write_lines(output, graph_lines(_embedded(path), base, first, parts[0]), graph)
        counted = [first] + [_result(worker) for worker, _ in workers]
        if len({part.generation for part in counted}) != 1:
            return False
        for _, name in workers:
            with open(name, "rb") as part_file:
                shutil.copyfileobj(part_file, output, 1 << 22)
    for part in counted:
        stats.add(part)
    stats.generation = first.generation
    return True


def _result(worker: subprocess.Popen) -> ExportStats:
    """What a part's process counted (it printed it as JSON), or the error it stopped with."""
    out, err = worker.communicate()
    if worker.returncode != 0:
        reason = (err.strip().splitlines() or [f"exit code {worker.returncode}"])[-1]
        raise StoreError(f"a part of the export failed: {reason}")
    counts = json.loads(out)
    stats = ExportStats(triples=counts["triples"], entities=counts["entities"], roots=counts["roots"],
                        generation=counts["generation"])
    stats.by_class.update(counts["by_class"])
    stats.by_property.update(counts["by_property"])
    stats.links.update({(target, predicate): n for target, predicate, n in counts["links"]})
    return stats


def write_part(task: dict) -> dict:
    """One part's lines into the file ``task["target"]``; what it counted, as JSON values."""
    import gc

    gc.disable()  # millions of short-lived strings, as in the export itself
    part = Part(*(Position(*bound) if bound else None for bound in task["part"]))
    stats = ExportStats()
    with open(task["target"], "wb") as output:
        write_lines(output, graph_lines(_embedded(task["store"]), task["base"], stats, part), task["graph"])
    return {"triples": stats.triples, "entities": stats.entities, "roots": stats.roots,
            "generation": stats.generation, "by_class": stats.by_class, "by_property": stats.by_property,
            "links": [[target, predicate, n] for (target, predicate), n in stats.links.items()]}


def _embedded(path):
    """The embedded store at ``path``, to read its rows."""
    from ..graph.embedded import EmbeddedStore

    return EmbeddedStore(Path(path))


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:  # this process stopped early: its parts' processes are not needed
        worker.kill()
        worker.wait()


def _remove(name: str) -> None:
    try:
        os.remove(name)
    except FileNotFoundError:
        pass


if __name__ == "__main__":
    print(json.dumps(write_part(json.loads(sys.argv[1]))))
