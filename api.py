"""The Python API: ``psikg.open(store)`` returns a :class:`Psikg`, whose methods return plain
dataclasses. The CLI is a thin layer over it.

>>> import psikg
>>> kg = psikg.open("/tmp/example.psikg")          # doctest: +SKIP
>>> kg.load()                                       # doctest: +SKIP
>>> kg.stats().counts["practices"]                  # doctest: +SKIP
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputIssue
from .graph.store import open_store
from .loaders import LoadPlan, prepare_load
from .queries.show import NodeView, show
from .queries.stats import Stats, stats

__all__ = ["Psikg", "LoadReport", "open"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadReport:
    """What a load did."""

    nodes_before: int
    edges_before: int
    nodes: int
    edges: int
    rows: int
    files: list[str] = field(default_factory=list)
    warnings: list[InputIssue] = field(default_factory=list)


class Psikg:
    """A knowledge graph in a store, with the operations psikg offers on it."""

    def __init__(self, store):
        self.store = store

    @property
    def catalog(self):
        """The read model queries use (rebuilt after each write)."""
        return self.store.catalog()

    # Loading -----------------------------------------------------------------------------

    def validate(self, paths=(), *, bundled: bool = True) -> LoadPlan:
        """Check inputs as :meth:`load` would, without writing. Raises InputError."""
        return prepare_load([Path(p) for p in paths], store=self._existing_store(), bundled=bundled)

    def load(self, paths=(), *, bundled: bool = True, replace: bool = False) -> LoadReport:
        """Load reference data, the bundled network (unless ``bundled`` is False) and ``paths``,
        merging by id; ``replace`` starts from an empty store. All or nothing."""
        plan = prepare_load([Path(p) for p in paths], store=None if replace else self._existing_store(),
                            bundled=bundled)
        result = self.store.apply(plan.batch, replace=replace)
        return LoadReport(result["nodes_before"], result["edges_before"], result["nodes"], result["edges"],
                          plan.rows, plan.files, plan.warnings)

    def _existing_store(self):
        exists = getattr(self.store, "exists", None)
        return self.store if exists is None or exists() else None

    # Reading -----------------------------------------------------------------------------

    def stats(self) -> Stats:
        return stats(self.store)

    def show(self, id_: str) -> NodeView:
        return show(self.store, id_)

    def close(self) -> None:
        self.store.close()


def open(location=None, *, tracer=None) -> Psikg:  # noqa: A001 - mirrors the built-in on purpose
    """Open the knowledge graph at ``location`` (a store path or a database URI; default: the
    per-user store, or ``PSIKG_STORE``)."""
    return Psikg(open_store(location, tracer=tracer))
