"""Bulk work without the cyclic garbage collector's superlinear cost.

A load builds millions of long-lived objects (rows, links, catalog entries) that hold no reference
cycles. While they are being built, every full collection scans all of them again, so the
collector's cost grows with the square of the input (it was over a quarter of a load at scale L).
:func:`paused_gc` turns the collector off for such a block and, at its end, moves whatever
survived into the permanent generation (``gc.freeze``), so that later collections skip it.
Objects freed by reference counting are freed as usual meanwhile.

A match on a graph database is the same in small: it reads and builds a catalog that dies with it
(7,000 to 23,000 tracked objects still alive as it scores at L; collections took a fifth to a
quarter of its client CPU time). There the collector is paused without freezing: what the match
made dies with it, by reference counting or in a later collection.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager

__all__ = ["paused_gc"]


@contextmanager
def paused_gc(freeze: bool = True):
    """Run the block with the cyclic garbage collector off; freeze what survives it (``freeze``:
    for long-lived results; not for a block whose objects die with it, which would never be
    collected if they held a cycle).

    Re-entrant: an inner block leaves the collector as the outer one set it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()
