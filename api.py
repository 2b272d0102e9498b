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
from typing import TYPE_CHECKING

from .errors import InputIssue
from .graph.store import open_store

if TYPE_CHECKING:  # the loaders and queries load on first use: `psikg match` never reads input files
    from .loaders import LoadPlan
    from .queries.show import NodeView
    from .queries.stats import Stats

__all__ = ["Psikg", "LoadReport", "ResearchExport", "CypherRows", "open", "write_template", "generate"]

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
    changes: object = None  # the :class:`psikg.loaders.diff.LoadDiff`: added / changed / removed per kind


def _needs_research_extra(*modules: str) -> None:
    """Refuse with a clear message when an optional research library is missing."""
    import importlib.util

    from .errors import PsikgError

    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        raise PsikgError(f"this needs {', '.join(missing)}: pip install 'psikg[research]'")


@dataclass(frozen=True)
class ResearchExport:
    """What :meth:`Psikg.export_research` wrote."""

    files: tuple[Path, ...]
    panel_rows: int
    transfers: int
    end_year: int
    notes: tuple[str, ...] = ()


class Psikg:
    """A knowledge graph in a store, with the operations psikg offers on it."""

    def __init__(self, store):
        self.store = store

    @property
    def catalog(self):
        """The read model queries use (rebuilt after each write)."""
        return self.store.catalog()

    # Loading -----------------------------------------------------------------------------

    def validate(self, paths=(), *, bundled: bool = True, mapping=None,
                 allow_extra_columns: bool = False) -> LoadPlan:
        """Check inputs as :meth:`load` would, without writing. Raises InputError."""
        from .loaders import prepare_load

        return prepare_load([Path(p) for p in paths], store=self._existing_store(), bundled=bundled,
                            mapping=mapping, allow_extra_columns=allow_extra_columns)

    def diff(self, paths=(), *, bundled: bool = True, mapping=None, allow_extra_columns: bool = False):
        """What loading ``paths`` would add, change and remove, per kind and per relation, without
        writing (:class:`psikg.loaders.diff.LoadDiff`). Raises InputError as :meth:`load` would."""
        from .loaders.diff import diff_batch

        from dataclasses import replace

        plan = self.validate(paths, bundled=bundled, mapping=mapping, allow_extra_columns=allow_extra_columns)
        return replace(diff_batch(plan.batch, self._existing_store()), warnings=tuple(plan.warnings),
                       notes=tuple(plan.notes))

    def load(self, paths=(), *, bundled: bool = True, replace: bool = False, mapping=None,
             allow_extra_columns: bool = False) -> LoadReport:
        """Load reference data, the bundled network (unless ``bundled`` is False) and ``paths``,
        merging by id; a source loaded before is replaced: what it no longer gives is removed
        (loaders/origins.py). ``replace`` starts from an empty store. All or nothing. ``mapping`` (a mapping
        file or a shipped mapping's name) reads CSV files among ``paths`` as external catalogues; an
        unknown column is refused unless ``allow_extra_columns``."""
        from .loaders import prepare_load

        plan = prepare_load([Path(p) for p in paths], store=None if replace else self._existing_store(),
                            bundled=bundled, mapping=mapping, allow_extra_columns=allow_extra_columns)
        from .loaders.diff import diff_batch

        changes = diff_batch(plan.batch, None if replace else self._existing_store())
        result = self.store.apply(plan.batch, replace=replace)
        return LoadReport(result["nodes_before"], result["edges_before"], result["nodes"], result["edges"],
                          plan.rows, plan.files, plan.warnings, plan.notes, changes)

    def _existing_store(self):
        return self.store if self.store.exists() else None

    # Reading -----------------------------------------------------------------------------

    def stats(self) -> Stats:
        from .queries.stats import stats

        return stats(self.store)

    def show(self, id_: str) -> NodeView:
        from .queries.show import show

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

    # Research measures (queries/panel.py, transfer_network.py, adoption.py, factor_models.py;
    # views/research_files.py and plots.py; imported on first use) ---------------------------

    def research_panel(self, end_year: int | None = None, practice: str | None = None):
        """The country x practice x year adoption panel (:class:`psikg.queries.panel.Panel`)."""
        from .queries.panel import adoption_panel

        return adoption_panel(self.catalog, end_year, practice)

    def transfer_edges(self):
        """Every transfer as a row of the edge list (:class:`psikg.queries.transfer_network.EdgeRow`)."""
        from .queries.transfer_network import edge_list

        return edge_list(self.catalog)

    def time_to_adoption(self, groupings=("all", "practice", "region", "income_group"), end_year: int | None = None):
        """Adoption curves, median lags and exposure hazards
        (:class:`psikg.queries.adoption.TimeToAdoption`)."""
        from .queries.adoption import time_to_adoption

        _needs_research_extra("statsmodels")
        return time_to_adoption(self.research_panel(end_year), tuple(groupings))

    def factor_models(self):
        """Logistic regressions of the verdict on preconditions, context and channels, each fitted or
        refused with its reason (:class:`psikg.queries.factor_models.FactorModels`)."""
        from .queries.factor_models import factor_models

        _needs_research_extra("statsmodels")
        return factor_models(self.catalog)

    def export_research(self, folder, formats=("csv", "parquet"), end_year: int | None = None) -> "ResearchExport":
        """Write the panel and the edge list (CSV and/or Parquet), the network (GraphML, GEXF) and a
        data dictionary beside each into ``folder``; the same store gives the same bytes."""
        from .queries.transfer_network import network_graph
        from .views.research_files import EDGE_DICTIONARY, PANEL_DICTIONARY, write_network, write_table

        if "parquet" in formats:
            _needs_research_extra("pyarrow")
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        panel = self.research_panel(end_year)
        edges = self.transfer_edges()
        files = write_table(folder, "panel", [row.as_dict() for row in panel.rows], PANEL_DICTIONARY, formats)
        files += write_table(folder, "transfers", [row.as_dict() for row in edges], EDGE_DICTIONARY, formats)
        files += write_network(folder, network_graph(self.catalog), panel.end_year)
        return ResearchExport(tuple(files), len(panel.rows), len(edges), panel.end_year, panel.notes)

    def plot(self, kind: str, fmt: str = "svg", *, practice: str | None = None, by: str = "region",
             model: str = "preconditions") -> bytes:
        """A plot as SVG or PNG bytes: ``adoption`` (curves by ``by``), ``forest`` (the factor model
        named ``model``) or ``diffusion`` (the tree of ``practice``)."""
        from .errors import QueryError
        from .views import plots

        _needs_research_extra("matplotlib")
        if kind == "adoption":
            result = self.time_to_adoption((by,))
            return plots.adoption_curves_plot(result.curves, fmt, f"Cumulative adoption by {by} (Kaplan-Meier)")
        if kind == "forest":
            found = {m.name: m for m in self.factor_models().models}
            if model not in found:
                raise QueryError(f"unknown factor model {model!r}; the models are {', '.join(found)}")
            return plots.forest_plot(found[model], fmt)
        if kind == "diffusion":
            if not practice:
                raise QueryError("a diffusion plot needs a practice")
            return plots.diffusion_tree_plot(self.diffusion(practice), fmt)
        raise QueryError(f"unknown plot {kind!r}; the plots are adoption, forest and diffusion")

    # Matchmaking (queries/match.py, solutions.py, matchmake.py, similar.py, worksheet.py;
    # imported on first use) ---------------------------------------------------------------

    def match(self, practice_id: str, top: int | None = None, weights=None, **options):
        """Candidate importers for a practice, by tier, ranked and explained
        (:class:`psikg.queries.match.MatchResult`); ``weights`` is a
        :class:`~psikg.queries.match.Weights` or a string such as ``factor=0.6,sdg=0.3,evidence=0.1``;
        ``options`` are those of :func:`psikg.queries.match.match` (``as_of``, ``min_coverage``,
        ``all_countries``, ``top_per_tier``)."""
        from .graph.bulk import paused_gc
        from .queries.match import DEFAULT_WEIGHTS, Weights, match, with_related

        if isinstance(weights, str):
            weights = Weights.parse(weights)
        if "match_reads" not in self.store.capabilities:
            return match(self.catalog, practice_id, top, weights or DEFAULT_WEIGHTS, **options)
        with paused_gc(freeze=False):  # the subgraph read for this match dies with it (graph/bulk.py)
            catalog = self._match_catalog(practice_id)
            result = match(catalog, practice_id, top, weights or DEFAULT_WEIGHTS, **options)
            if not result.candidates:
                return result
            practice = catalog.practices[result.practice]
            return with_related(result, practice,
                                self.store.related_catalog(practice.id, [c.country for c in result.candidates]))

    def _match_catalog(self, practice_id: str):
        """What a match of one practice reads on a graph database: only the practice's subgraph
        but the related practices, which :meth:`match` reads for the candidates shown alone
        (:mod:`psikg.graph.match_reads`)."""
        found = self.store.match_catalog(practice_id)
        if found is None:
            from .errors import UnknownIdError
            from .queries.lookup import nearest

            raise UnknownIdError("practice", practice_id, nearest(practice_id, sorted(self.store.ids("practice"))))
        return found

    def catalog_as_of(self, year: int):
        """The catalog as it stood at the end of ``year``: statements, transfers (status from their
        history) and needs as they were then (:func:`psikg.queries.as_of.catalog_as_of`)."""
        from .queries.as_of import catalog_as_of

        return catalog_as_of(self.catalog, year)

    def backtest(self, first: int | None = None, last: int | None = None, ks=(5, 10), weights=None, **options):
        """The ranking as of each origin year scored against later transfers, beside baselines
        (:class:`psikg.queries.backtest.Backtest`); ``options``: ``all_countries``, ``min_coverage``."""
        from .queries.backtest import backtest
        from .queries.match import DEFAULT_WEIGHTS, Weights

        if isinstance(weights, str):
            weights = Weights.parse(weights)
        return backtest(self.catalog, first, last, ks, weights or DEFAULT_WEIGHTS, **options)

    def search_weights(self, result, metric: str = "mrr", step: float = 0.1):
        """Which weights would have ranked a backtest's later importers best, with leave-one-year-out
        results (:class:`psikg.queries.backtest_weights.WeightSearch`; it overfits a small record)."""
        from .queries.backtest_weights import search_weights

        return search_weights(result, metric, step)

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
        :func:`psikg.views.worksheet_render.render`."""
        from .queries.worksheet import worksheet

        return worksheet(self.catalog, practice_id, country)

    def viz(self, view: str = "network", *, path=None, layout: str = "auto", **options) -> str:
        """The HTML page of a network view, self-contained (it opens offline): ``network``
        (``kinds=``, ``goal=``, ``region=``, ``theme=``), ``transfers``, ``focus`` (``node=``,
        ``depth=``) or ``match`` (``practice=``, ``top=``, ``country=``); written to ``path`` too
        when given. The view as data: :func:`psikg.views.viz.build_view`."""
        from .views.viz import render_view

        page = render_view(self.catalog, view, layout=layout, **options)
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_text(page, encoding="utf-8")
        return page

    def write_viz(self, path, view: str = "network", *, layout: str = "auto", **options):
        """Write the HTML page of a network view to ``path`` (as :meth:`viz`) and return the view
        drawn (:class:`psikg.views.viz.VizGraph`: its nodes and edges)."""
        from .views.viz import write_view

        return write_view(path, self.catalog, view, layout=layout, **options)

    # Partnership follow-up (loaders/history.py, queries/followup.py) -------------------------

    def follow_up(self, transfer: str, status: str, *, date: str | None = None, note: str | None = None,
                  sources=(), outcome: str | None = None, force: str | None = None):
        """Record one step of a transfer's status history (``date`` defaults to today) in one atomic
        write, and return the transfer's history after it (oldest first). A move outside the
        documented transitions (:data:`psikg.ontology.lifecycle.STATUS_TRANSITIONS`) raises
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
        from .graph.store import open_database
        from .graph.push import push

        target = open_database(uri, user=user, password=password, database=database, tracer=tracer)
        try:
            return push(self.store, target, wipe=wipe, batch_size=batch_size, progress=progress)
        finally:
            target.close()

    def cypher(self, query: str, params: dict | None = None, *, timeout: float | None = None) -> "CypherRows":
        """A read-only Cypher query on a database store, as one dict per row (``columns`` in the
        query's order). The database stops it after ``timeout`` seconds (default 60). Raises
        ReadOnlyError for a query that writes, StoreError on the embedded store or on timeout."""
        from .errors import StoreError

        if "cypher" not in self.store.capabilities:
            raise StoreError("Cypher needs a graph database store: run psikg push --to falkor://host:port/graph "
                             "(or bolt://…), then psikg --store <that URI> cypher \"…\". The embedded store "
                             "answers the psikg commands (match, paths, …) directly.")
        columns, rows = self.store.cypher(query, params) if timeout is None else \
            self.store.cypher(query, params, timeout=timeout)
        return CypherRows([dict(zip(columns, row)) for row in rows], columns)

    # Linked data (lod/; imported on first use) ----------------------------------------------

    def export(self, target, fmt: str = "ttl", *, base: str | None = None, ontology: bool = False, info=None,
               jobs: int | None = None):
        """Write the whole graph as RDF to ``target`` (a path or a binary stream), with its DCAT/VoID
        dataset description (:class:`psikg.lod.rdf.DatasetInfo`); what was written
        (:func:`psikg.lod.rdf.export`, which says what ``jobs`` does)."""
        from .config import iri_base
        from .lod.rdf import export

        return export(self.store, target, fmt, base or iri_base(), ontology=ontology, info=info, jobs=jobs)

    def sparql(self, query: str, *, base: str | None = None):
        """Run a SPARQL 1.1 query over the graph, in process; pyoxigraph's results. An embedded
        store's SPARQL store is kept beside it (``{store}.lod``) and reused while it is unchanged.
        Raises :class:`psikg.lod.sparql.QueryRefused` for an update or a syntax error."""
        import pyoxigraph as ox

        from .config import iri_base
        from .lod.sparql import default_workdir, oxigraph_store, prepare_sparql_store, run_query

        base = base or iri_base()
        workdir = default_workdir(self.store)
        if workdir is not None:
            from .lod.rdf import dated_info

            sparql_store = ox.Store.read_only(prepare_sparql_store(self.store, base, workdir,
                                                                   dated_info(None, self.store)))
        else:
            sparql_store = oxigraph_store(self.store, base)
        return run_query(sparql_store, query, base)

    def serve(self, *, host: str = "127.0.0.1", port: int = 8000, **config) -> None:
        """Serve the graph as linked data until interrupted; ``config`` as
        :class:`psikg.lod.server.ServerConfig` (base, mount, timeout, max_results, workers, license)."""
        from .config import iri_base
        from .lod.server import ServerConfig, run
        from .views.viz import network_page

        settings = ServerConfig(**{"base": iri_base(), **{k: v for k, v in config.items() if v is not None}})
        settings.network_view = lambda store, **options: network_page(store, base=settings.base, mount=settings.mount,
                                                                       **options)
        run(self.store, settings, host=host, port=port)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Psikg":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def write_template(target) -> list[Path]:
    """Write an empty, documented input template to ``target`` (an .xlsx workbook, .yaml records
    or a folder of CSV files, by its suffix); the files written. Raises ValueError for a suffix
    that is no template format."""
    from .loaders.template import write_template as write

    return write(Path(target))


def check_store(location=None):
    """A health report of the embedded store file at ``location`` (default: the per-user store):
    SQLite integrity, schema version, orphan links and the catalog cache, read without trusting it."""
    from .config import default_store_path
    from .graph.doctor import check_store as check

    return check(location or default_store_path())


def generate(out, countries: int = 50, practices: int = 1000, factors: int = 100, *, scale: str | None = None,
             seed: int = 1) -> dict[str, int]:
    """Write a synthetic network in the CSV input format to the folder ``out`` (same seed, same
    files); ``scale`` (S, M or L) sets the three sizes. The rows written per table."""
    from .loaders.generate import SCALES, generate as write

    if scale:
        countries, practices, factors = SCALES[scale].countries, SCALES[scale].practices, SCALES[scale].factors
    return write(Path(out), countries, practices, factors, seed=seed)


class CypherRows(list):
    """The rows of a Cypher query, one dict each, with the query's columns in order."""

    def __init__(self, rows, columns):
        super().__init__(rows)
        self.columns = list(columns)


def open(location=None, *, tracer=None) -> Psikg:  # noqa: A001 - mirrors the built-in on purpose
    """Open the knowledge graph at ``location`` (a store path or a database URI; default: the
    per-user store, or ``PSIKG_STORE``)."""
    return Psikg(open_store(location, tracer=tracer))
