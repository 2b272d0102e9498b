"""psikg: a knowledge graph and matchmaking engine for public-service innovation transfer.

``psikg.open(store)`` gives the Python API (:class:`psikg.api.Psikg`). Heavy modules load on
first use, so ``import psikg`` stays fast and works without the optional backends.
"""

from __future__ import annotations

from psikg.version import __version__  # absolute: test collection may import this file on its own

__all__ = ["open", "__version__"]


def open(location=None, *, tracer=None):  # noqa: A001 - the documented entry point
    """Open the knowledge graph at ``location``; see :func:`psikg.api.open`."""
    from .api import open as _open

    return _open(location, tracer=tracer)
