"""Bulk work without the cyclic garbage collector's superlinear cost.

A load builds millions of long-lived objects (rows, links, catalog entries) that hold no reference
cycles. While they are being built, every full collection scans all of them again, so the
collector's cost grows with the square of the input (it was over a quarter of a load at scale L).
:func:`paused_gc` turns the collector off for such a block and, at its end, moves whatever
survived into the permanent generation (``gc.freeze``), so that later collections skip it.
Objects freed by reference counting are freed as usual meanwhile.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager

__all__ = ["paused_gc"]


@contextmanager
def paused_gc():
    """Run the block with the cyclic garbage collector off; freeze what survives it.

    Re-entrant: an inner block leaves the collector as the outer one set it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
