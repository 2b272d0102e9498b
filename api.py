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
    notes: list[str] = field(default_factory=list)  # what official files and mapped catalogues gave


class Psikg:
    """A knowledge graph in a store, with the operations psikg offers on it."""

    def __init__(self, store):
        self.store = store

    @property
    def catalog(self):
        """The read model queries use (rebuilt after each write)."""
        return self.store.catalog()

    # Loading -----------------------------------------------------------------------------

    def validate(self, paths=(), *, bundled: bool = True, mapping=None) -> LoadPlan:
        """Check inputs as :meth:`load` would, without writing. Raises InputError."""
        return prepare_load([Path(p) for p in paths], store=self._existing_store(), bundled=bundled,
                            mapping=mapping)

    def load(self, paths=(), *, bundled: bool = True, replace: bool = False, mapping=None) -> LoadReport:
        """Load reference data, the bundled network (unless ``bundled`` is False) and ``paths``,
        merging by id; ``replace`` starts from an empty store. All or nothing. ``mapping`` (a mapping
        file or a shipped mapping's name) reads CSV files among ``paths`` as external catalogues."""
        plan = prepare_load([Path(p) for p in paths], store=None if replace else self._existing_store(),
                            bundled=bundled, mapping=mapping)
        result = self.store.apply(plan.batch, replace=replace)
        return LoadReport(result["nodes_before"], result["edges_before"], result["nodes"], result["edges"],
                          plan.rows, plan.files, plan.warnings, plan.notes)

    def _existing_store(self):
        exists = getattr(self.store, "exists", None)
        return self.store if exists is None or exists() else None

    # Reading -----------------------------------------------------------------------------

    def stats(self) -> Stats:
        return stats(self.store)

    def show(self, id_: str) -> NodeView:
        return show(self.store, id_)

    # Transfer paths and research analytics (queries/paths.py, diffusion.py, factors.py, gaps.py,
    # network.py; imported on first use) --------------------------------------------------

    def paths(self, from_country: str, to_country: str, k: int = 3):
        """The k shortest transfer paths between two countries, else cooperation paths
        (:class:`psikg.queries.paths.Paths`)."""
        from .queries.paths import paths

        return paths(self.catalog, from_country, to_country, k)

    def diffusion(self, practice_id: str):
        """The diffusion tree of a practice (:class:`psikg.queries.diffusion.Diffusion`)."""
        from .queries.diffusion import diffusion

        return diffusion(self.catalog, practice_id)

    def diffusion_from_country(self, country: str):
        """The diffusion tree of every practice originating in a country."""
        from .queries.diffusion import diffusion_from_country

        return diffusion_from_country(self.catalog, country)

    def factors(self):
        """Success-factor analysis over transfers with outcome success or failure
        (:class:`psikg.queries.factors.FactorAnalysis`)."""
        from .queries.factors import factor_analysis

        return factor_analysis(self.catalog)

    def gaps(self, country: str | None = None, region: str | None = None, group: str | None = None):
        """SDG targets in demand with no practice and supply with no demand, for one country,
        M49 region or group (LDC, LLDC, SIDS), or everywhere (:class:`psikg.queries.gaps.Gaps`)."""
        from .queries.gaps import gaps

        return gaps(self.catalog, country=country, region=region, group=group)

    def network(self):
        """Leading exporters and importers, brokers and communities
        (:class:`psikg.queries.network.NetworkAnalytics`)."""
        from .queries.network import network_analytics

        return network_analytics(self.catalog)

    # Matchmaking (queries/match.py, solutions.py, matchmake.py, similar.py, worksheet.py;
    # imported on first use) ---------------------------------------------------------------

    def match(self, practice_id: str, top: int | None = None, weights=None):
        """Candidate importers for a practice, ranked and explained
        (:class:`psikg.queries.match.MatchResult`); ``weights`` is a
        :class:`~psikg.queries.match.Weights` or a string such as ``factor=0.6,sdg=0.3,evidence=0.1``."""
        from .queries.match import DEFAULT_WEIGHTS, Weights, match

        if isinstance(weights, str):
            weights = Weights.parse(weights)
        return match(self.catalog, practice_id, top, weights or DEFAULT_WEIGHTS)

    def solutions(self, need_id: str | None = None, country: str | None = None, top: int | None = None,
                  weights=None):
        """Practices that answer a need, or every need of a country
        (:class:`psikg.queries.solutions.Solutions`)."""
        from .queries.solutions import DEFAULT_SOLUTION_WEIGHTS, SolutionWeights, solutions

        if isinstance(weights, str):
            weights = SolutionWeights.parse(weights)
        return solutions(self.catalog, need_id, country, top, weights or DEFAULT_SOLUTION_WEIGHTS)

    def matchmake(self, event_id: str, min_score: float = 0.0, *, save: bool = False, weights=None):
        """Every partnership opportunity among an event's participants
        (:class:`psikg.queries.matchmake.Matchmaking`). With ``save``, new opportunities are
        written as transfers with status opportunity (ids ``{practice}-to-{importer}``); saving
        again changes nothing and no recorded transfer is touched. ``saved`` lists what was written."""
        import dataclasses

        from .queries.match import DEFAULT_WEIGHTS, Weights
        from .queries.matchmake import matchmake, opportunities_batch

        if isinstance(weights, str):
            weights = Weights.parse(weights)
        catalog = self.catalog
        result = matchmake(catalog, event_id, min_score, weights or DEFAULT_WEIGHTS)
        if save:
            batch = opportunities_batch(catalog, result)
            if batch.nodes:
                self.store.apply(batch)
            result = dataclasses.replace(result, saved=tuple(sorted(batch.ids("transfer"))))
        return result

    def similar(self, country: str, top: int | None = 10):
        """Countries with the most similar contexts (:class:`psikg.queries.similar.Similar`)."""
        from .queries.similar import similar

        return similar(self.catalog, country, top)

    def worksheet(self, practice_id: str, country: str):
        """The reverse-engineering worksheet for a practice and an importer
        (:class:`psikg.queries.worksheet.Worksheet`); render it with
        :func:`psikg.queries.worksheet_render.render`."""
        from .queries.worksheet import worksheet

        return worksheet(self.catalog, practice_id, country)

    def viz(self, view: str = "network", *, path=None, layout: str = "auto", **options) -> str:
        """The HTML page of a network view, self-contained (it opens offline): ``network``
        (``kinds=``, ``goal=``, ``region=``, ``theme=``), ``transfers``, ``focus`` (``node=``,
        ``depth=``) or ``match`` (``practice=``, ``top=``, ``country=``); written to ``path`` too
        when given. The view as data: :func:`psikg.queries.viz.build_view`."""
        from .queries.viz import render_view

        page = render_view(self.catalog, view, layout=layout, **options)
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_text(page, encoding="utf-8")
        return page

    # Partnership follow-up (loaders/history.py, queries/followup.py) -------------------------

    def follow_up(self, transfer: str, status: str, *, date: str | None = None, note: str | None = None,
                  sources=(), outcome: str | None = None, force: str | None = None):
        """Record one step of a transfer's status history (``date`` defaults to today) in one atomic
        write, and return the transfer's history after it (oldest first). A move outside the
        documented transitions (:data:`psikg.queries.rules.STATUS_TRANSITIONS`) raises
        FollowUpError unless ``force`` gives the reason; nothing is written then."""
        import datetime

        from .loaders.history import record_follow_up

        date = date or datetime.date.today().isoformat()
        return record_follow_up(self.store, transfer, status, date=date, note=note, sources=sources,
                                outcome=outcome, forced=force)

    def history(self, transfer: str):
        """The status history of a transfer, oldest first (its status as one undated step when it
        has none recorded). Raises UnknownIdError for an unknown transfer."""
        import difflib

        from .errors import UnknownIdError
        from .loaders.history import stored_history

        if transfer not in self.catalog.transfers:
            raise UnknownIdError("transfer", transfer,
                                 difflib.get_close_matches(transfer, sorted(self.catalog.transfers), n=3))
        return stored_history(self.catalog, [transfer]).get(transfer, ())

    def partnerships(self, *, event: str | None = None, country: str | None = None, status: str | None = None,
                     stale_days: int | None = None, as_of: str | None = None):
        """Partnerships with their current status and time in it, and the stale ones to chase
        (:class:`psikg.queries.followup.Partnerships`)."""
        from .queries.followup import DEFAULT_STALE_DAYS, partnerships

        return partnerships(self.catalog, event=event, country=country, status=status,
                            stale_days=DEFAULT_STALE_DAYS if stale_days is None else stale_days, as_of=as_of)

    def event_report(self, event: str, *, as_of: str | None = None):
        """What an event produced and what became of it (:class:`psikg.queries.followup.EventReport`)."""
        from .queries.followup import event_report

        node = self.store.node("event", event) or {}
        sources = node.get("sources") or ()
        return event_report(self.catalog, event, as_of=as_of,
                            sources=(sources,) if isinstance(sources, str) else tuple(sources))

    def country_report(self, country: str, *, as_of: str | None = None):
        """What became of a country's partnerships (:class:`psikg.queries.followup.CountryReport`)."""
        from .queries.followup import country_report

        return country_report(self.catalog, country, as_of=as_of)

    # Graph databases ------------------------------------------------------------------------

    def push(self, uri: str, *, user: str | None = None, password: str | None = None,
             database: str | None = None, wipe: bool = False, batch_size: int = 1000, progress=None,
             tracer=None):
        """Copy the whole graph into a Neo4j or FalkorDB database at ``uri``
        (:class:`psikg.graph.push.PushReport`); see :func:`psikg.graph.push.push`."""
        from .graph.cypher_store import open_database
        from .graph.push import push

        target = open_database(uri, user=user, password=password, database=database, tracer=tracer)
        try:
            return push(self.store, target, wipe=wipe, batch_size=batch_size, progress=progress)
        finally:
            target.close()

    def cypher(self, query: str, params: dict | None = None) -> list[dict]:
        """A read-only Cypher query on a database store, as one dict per row. Raises
        ReadOnlyError for a query that writes, StoreError on the embedded store."""
        from .errors import StoreError

        if "cypher" not in getattr(self.store, "capabilities", ()):
            raise StoreError("Cypher needs a graph database store (bolt://…, neo4j://…, falkor://…)")
        columns, rows = self.store.cypher(query, params)
        return [dict(zip(columns, row)) for row in rows]

    def close(self) -> None:
        self.store.close()


def open(location=None, *, tracer=None) -> Psikg:  # noqa: A001 - mirrors the built-in on purpose
    """Open the knowledge graph at ``location`` (a store path or a database URI; default: the
    per-user store, or ``PSIKG_STORE``)."""
    return Psikg(open_store(location, tracer=tracer))
