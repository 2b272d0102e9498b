"""SPARQL queries run in worker processes, each with a read-only copy of the on-disk store; a query
that runs past the time limit is stopped by killing its worker, which is then replaced.

Heavy queries cannot starve light ones: a query still running after ``light_seconds`` becomes
*heavy*, and at most ``size - 1`` queries may be heavy at once. A query that turns heavy when that
many already are is stopped at once (503, try again later), so one worker is always either free
or running a query younger than ``light_seconds``; queries waiting for a worker are served first
come, first served. A query seen to run long (stopped, or past ``light_seconds``) is remembered:
sent again, it waits for a heavy slot before it takes a worker, so repeated heavy queries queue
among themselves while light ones keep a worker."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import time
from collections import OrderedDict

import pyoxigraph as ox

from .sparql import QueryRefused, format_results, run_query

__all__ = ["QueryPool"]

log = logging.getLogger(__name__)
#: how many queries seen to run long the pool remembers
_HEAVY_REMEMBERED = 1000


def _worker_main(conn, db_path: str, base: str, max_results: int) -> None:  # pragma: no cover - child
    """A worker's loop: answer each query sent down the pipe, until the pipe closes."""
    store = ox.Store.read_only(db_path)
    conn.send(("ready",))
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

    def wait_ready(self, timeout: float = 120.0) -> None:
        """Until the worker has opened the store, so its start-up never counts against a query."""
        if not self.conn.poll(timeout):
            raise RuntimeError(f"a SPARQL worker did not start within {timeout:g} s")
        self.conn.recv()

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


class _TooManyHeavy(Exception):
    """A query turned heavy while every heavy slot was taken."""


class QueryPool:
    """SPARQL queries run in worker processes; one that runs past the time limit is killed."""

    def __init__(self, db_path: str, base: str, size: int, timeout: float, max_results: int,
                 light_seconds: float = 0.5):
        self.db_path, self.base, self.size = db_path, base, max(1, size)
        self.timeout, self.max_results = timeout, max_results
        self.light_seconds = min(light_seconds, timeout)
        self.heavy_slots = max(1, self.size - 1)
        self._heavy: asyncio.Semaphore | None = None
        self._heavy_queries: OrderedDict[str, None] = OrderedDict()  # queries seen to run long
        self._context = multiprocessing.get_context("spawn")
        self._idle: asyncio.Queue | None = None
        self._all: list[_Worker] = []

    def _spawn(self, wait: bool = True) -> _Worker:
        worker = _Worker(self._context, self.db_path, self.base, self.max_results)
        self._all.append(worker)
        if wait:
            worker.wait_ready()
        return worker

    async def start(self) -> None:
        self._idle = asyncio.Queue()
        self._heavy = asyncio.Semaphore(self.heavy_slots)
        workers = [self._spawn(wait=False) for _ in range(self.size)]
        for worker in workers:
            await asyncio.to_thread(worker.wait_ready)
            self._idle.put_nowait(worker)

    async def stop(self) -> None:
        for worker in self._all:
            await asyncio.to_thread(worker.kill)
        self._all.clear()

    async def run(self, query: str, select_fmt: str, graph_fmt: str, default_graph=None, named_graphs=None):
        """``("ok", body, media, rows, truncated)``, ``("refused", msg)``, ``("error", msg)``,
        ``("timeout", msg)`` or ``("busy", msg)``."""
        key = " ".join(query.split())
        message = (query, select_fmt, graph_fmt, default_graph, named_graphs)
        deadline = time.monotonic() + self.timeout
        if key in self._heavy_queries:  # known heavy: waits for a heavy slot, never takes the last worker
            try:
                await asyncio.wait_for(self._heavy.acquire(), self.timeout)
            except asyncio.TimeoutError:
                return ("busy", f"{self.heavy_slots} long-running queries kept every slot for long ones busy "
                                f"for {self.timeout:g} s; try again later")
            try:
                return await self._run(message, key, deadline, heavy=True)
            finally:
                self._heavy.release()
        return await self._run(message, key, deadline, heavy=False)

    async def _run(self, message: tuple, key: str, deadline: float, heavy: bool):
        """Run on the next idle worker, first come first served (see the module documentation)."""
        try:
            worker = await asyncio.wait_for(self._idle.get(), max(0.05, deadline - time.monotonic()))
        except asyncio.TimeoutError:
            return ("busy", f"every query worker stayed busy for {self.timeout:g} s; try again later")
        try:
            worker.conn.send(message)
            reply = await self._answer(worker, deadline, heavy)
            if reply is not None:
                self._idle.put_nowait(worker)
                return reply
            self._remember_heavy(key)
            outcome = ("timeout", f"the query ran past the time limit of {self.timeout:g} s and was stopped")
        except _TooManyHeavy:
            self._remember_heavy(key)
            outcome = ("busy", f"{self.heavy_slots} long-running queries are running already; this one "
                               f"ran past {self.light_seconds:g} s and was stopped: try again later")
        except (EOFError, OSError, BrokenPipeError) as error:
            log.warning("query worker failed: %s", error)
            outcome = ("timeout", "the query worker stopped; try again")
        await self._replace(worker)
        return outcome

    async def _answer(self, worker: _Worker, deadline: float, heavy: bool):
        """The worker's reply before ``deadline`` (None past it). A query not known to be heavy
        that runs past ``light_seconds`` takes a free heavy slot, or raises :class:`_TooManyHeavy`."""
        if heavy:
            return worker.conn.recv() if await _readable(worker.conn, max(0.05, deadline - time.monotonic())) else None
        light = min(self.light_seconds, max(0.05, deadline - time.monotonic()))
        if await _readable(worker.conn, light):
            return worker.conn.recv()
        if self._heavy.locked():
            raise _TooManyHeavy()
        async with self._heavy:
            if await _readable(worker.conn, max(0.05, deadline - time.monotonic())):
                return worker.conn.recv()
            return None

    def _remember_heavy(self, key: str) -> None:
        self._heavy_queries[key] = None
        self._heavy_queries.move_to_end(key)
        while len(self._heavy_queries) > _HEAVY_REMEMBERED:
            self._heavy_queries.popitem(last=False)

    async def _replace(self, worker: _Worker) -> None:
        """Too slow (or dead): kill it and start another in its place."""
        await asyncio.to_thread(worker.kill)
        if worker in self._all:
            self._all.remove(worker)
        self._idle.put_nowait(await asyncio.to_thread(self._spawn))
