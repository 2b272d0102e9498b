"""psikg: a knowledge graph and matchmaking engine for public-service innovation transfer
between countries (South-South and triangular cooperation).

Open a store and ask it questions; every method returns plain dataclasses::

    import psikg

    with psikg.open("network.psikg") as kg:       # a file, or bolt:// / falkor:// for a database
        kg.load()                                 # reference data and the bundled network
        kg.load(["my-data/"])                     # plus your CSV folder, workbook or YAML records
        kg.stats().counts["practices"]
        kg.show("bgd-sdg-tracker")                # one node with its links
        kg.match("bgd-sdg-tracker", top=5)        # candidate importers, scored and explained
        kg.solutions(country="SOM")               # practices that answer a country's needs
        kg.worksheet("bgd-sdg-tracker", "PER")    # the reverse-engineering worksheet
        kg.catalog.practices["bgd-sdg-tracker"]   # the read model the queries use

``psikg.open()`` without a location opens the per-user store (or ``PSIKG_STORE``). The methods
are those of :class:`psikg.api.Psikg` (``help(psikg.api.Psikg)``); the command line ``psikg``
offers the same (``psikg --help``), and README.md and docs/tutorial.md walk through both. Heavy
modules load on first use, so ``import psikg`` stays fast and works without the optional
graph-database drivers.
"""

from __future__ import annotations

from psikg.version import __version__  # absolute: test collection may import this file on its own

__all__ = ["open", "__version__"]


def open(location=None, *, tracer=None):  # noqa: A001 - the documented entry point
    """Open the knowledge graph at ``location`` (a store file or a database URI; default: the
    per-user store, or ``PSIKG_STORE``) as a :class:`psikg.api.Psikg`; usable in ``with``."""
    from .api import open as _open

    return _open(location, tracer=tracer)
