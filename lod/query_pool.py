"""SPARQL queries run in worker processes, each with a read-only copy of the on-disk store; a query
that runs past the time limit is stopped by killing its worker, which is then replaced."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import time

import pyoxigraph as ox

from .sparql import QueryRefused, format_results, run_query

__all__ = ["QueryPool"]

log = logging.getLogger(__name__)


def _worker_main(conn, db_path: str, base: str, max_results: int) -> None:  # pragma: no cover - child
    """A worker's loop: answer each query sent down the pipe, until the pipe closes."""
    store = ox.Store.read_only(db_path)
    while True:
        try:
            message = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        query, select_fmt, graph_fmt, default_graph, named_graphs = message
        try:
            results = run_query(store, query, base, allow_service=False, default_graph=default_graph,
                                named_graphs=named_graphs)
            fmt = graph_fmt if isinstance(results, ox.QueryTriples) else select_fmt
            answer = format_results(results, fmt, max_results)
            conn.send(("ok", answer.body, answer.media_type, answer.rows, answer.truncated))
        except QueryRefused as error:
            conn.send(("refused", str(error)))
        except Exception as error:  # evaluation errors surface while iterating
            conn.send(("error", f"{type(error).__name__}: {error}"))


class _Worker:
    """One worker process and the pipe to it."""

    def __init__(self, context, db_path: str, base: str, max_results: int):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, db_path, base, max_results), daemon=True)
        self.process.start()
        child.close()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


async def _readable(conn, timeout: float) -> bool:
    """Wait, without a thread, until a worker's answer can be read (False after ``timeout``)."""
    if conn.poll():
        return True
    loop = asyncio.get_running_loop()
    ready = loop.create_future()
    fd = conn.fileno()
    loop.add_reader(fd, lambda: ready.done() or ready.set_result(True))
    try:
        await asyncio.wait_for(ready, timeout)
        return True
    except asyncio.TimeoutError:
        return False
    finally:
        loop.remove_reader(fd)


class QueryPool:
    """SPARQL queries run in worker processes; one that runs past the time limit is killed."""

    def __init__(self, db_path: str, base: str, size: int, timeout: float, max_results: int):
        self.db_path, self.base, self.size = db_path, base, max(1, size)
        self.timeout, self.max_results = timeout, max_results
        self._context = multiprocessing.get_context("spawn")
        self._idle: asyncio.Queue | None = None
        self._all: list[_Worker] = []

    def _spawn(self) -> _Worker:
        worker = _Worker(self._context, self.db_path, self.base, self.max_results)
        self._all.append(worker)
        return worker

    async def start(self) -> None:
        self._idle = asyncio.Queue()
        for _ in range(self.size):
            self._idle.put_nowait(self._spawn())

    async def stop(self) -> None:
        for worker in self._all:
            await asyncio.to_thread(worker.kill)
        self._all.clear()

    async def run(self, query: str, select_fmt: str, graph_fmt: str, default_graph=None, named_graphs=None):
        """``("ok", body, media, rows, truncated)``, ``("refused", msg)``, ``("error", msg)``,
        ``("timeout", msg)`` or ``("busy", msg)``."""
        started = time.monotonic()
        try:
            worker = await asyncio.wait_for(self._idle.get(), self.timeout)
        except asyncio.TimeoutError:
            return ("busy", f"every query worker stayed busy for {self.timeout:g} s; try again later")
        remaining = max(0.05, self.timeout - (time.monotonic() - started))
        try:
            worker.conn.send((query, select_fmt, graph_fmt, default_graph, named_graphs))
            ready = await _readable(worker.conn, remaining)
            if ready:
                reply = worker.conn.recv()
                self._idle.put_nowait(worker)
                return reply
        except (EOFError, OSError, BrokenPipeError) as error:
            log.warning("query worker failed: %s", error)
        await self._replace(worker)
        return ("timeout", f"the query ran past the time limit of {self.timeout:g} s and was stopped")

    async def _replace(self, worker: _Worker) -> None:
        """Too slow (or dead): kill it and start another in its place."""
        await asyncio.to_thread(worker.kill)
        if worker in self._all:
            self._all.remove(worker)
        self._idle.put_nowait(await asyncio.to_thread(self._spawn))
