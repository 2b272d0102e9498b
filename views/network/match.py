"""A match explained as a view: the practice, its success factors and its candidate importers."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from ...errors import PsikgError
from ...ontology.domain import Catalog
from ...queries.lookup import country_of, practice_of
from .layout import match_columns
from .model import VizEdge, VizGraph, VizNode
from .nodes import NodeMaker, short

__all__ = ["match_view"]

def match_view(catalog: Catalog, practice_id: str, *, top: int | None = 10, country: str | None = None,
               weights=None) -> VizGraph:
    """A match explained: the practice, its success factors, its ``top`` candidate importers
    (or only ``country``) and, for each, which factors it has (solid) and lacks (dashed).

    Uses :func:`psikg.queries.match.match`, so ranks and scores are those of ``psikg match``.
    """
    practice = practice_of(catalog, practice_id)
    only = country_of(catalog, country).id if country is not None else None
    result = _match(catalog, practice, None if only else top, only, weights)
    make = NodeMaker(catalog)
    centre = replace(make.practice(practice.id), focus=True)
    nodes: dict[str, VizNode] = {centre.key: centre}
    edges: list[VizEdge] = []
    _add_exporter(catalog, make, practice, centre, nodes, edges)
    _add_factors(make, practice, result, centre, nodes, edges)
    for rank, candidate in enumerate(result.candidates, start=1):
        _add_candidate(catalog, make, candidate, f"#{rank} " if only is None else "", nodes, edges)
    if only is None:
        _add_engaged(catalog, make, result, centre, nodes, edges)
    edges = [e for e in edges if e.source in nodes and e.target in nodes]
    nodes = match_columns(nodes, centre.key)
    subtitle, notes = _match_text(catalog, practice, result, only)
    return VizGraph("match", f"psikg match: {practice.title}", subtitle, tuple(nodes.values()), tuple(edges),
                    tuple(notes), positions="fixed")


def _match(catalog: Catalog, practice, top: int | None, only: str | None, weights):
    """The match behind the view; asked about one country that is no candidate, say why."""
    from ...queries.match import DEFAULT_WEIGHTS, match

    result = match(catalog, practice.id, top=top, weights=weights or DEFAULT_WEIGHTS,
                   countries=[only] if only else None)
    if only and not result.candidates:
        engaged = {e.country: e for e in result.engaged}
        if only == practice.country:
            raise PsikgError(f"{only} is the exporter of {practice.id}, not a candidate importer")
        if only in engaged:
            raise PsikgError(f"{only} is already engaged with {practice.id} "
                             f"({engaged[only].status}, transfer {engaged[only].transfer})")
        raise PsikgError(f"{only} is not a candidate importer of {practice.id}")
    return result


def _add_exporter(catalog: Catalog, make: NodeMaker, practice, centre: VizNode, nodes, edges) -> None:
    exporter = practice.country or practice.organization
    if exporter:
        kind = "country" if exporter in catalog.countries else "organization"
        if kind == "country" or exporter in catalog.organizations:
            nodes[f"{kind}/{exporter}"] = make.of(kind, exporter)
            edges.append(VizEdge(centre.key, f"{kind}/{exporter}", "originates in", "the exporter"))


def _add_factors(make: NodeMaker, practice, result, centre: VizNode, nodes, edges) -> None:
    """The practice's success factors (critical first), sized by how many candidates share each."""
    from ...queries.match import ROLE_WEIGHTS

    roles: dict[str, str] = {}
    for pf in practice.factors:
        if roles.get(pf.factor) != "critical":
            roles[pf.factor] = "critical" if pf.role == "critical" else "supporting"
    shared_count: Counter = Counter()
    for candidate in result.candidates:
        for check in candidate.shared_factors:
            shared_count[check.factor] += 1
    n = len(result.candidates)
    for factor, role in sorted(roles.items(), key=lambda item: (item[1] != "critical", item[0])):
        node = make.factor(factor)
        node = replace(node, lines=node.lines + (f"Role here: {role} (weight {ROLE_WEIGHTS[role]})",
                                                 f"Shared by {shared_count[factor]} of {n} candidates shown"),
                       value=1.0 + 10.0 * shared_count[factor] / max(n, 1),
                       measure=f"shared by {shared_count[factor]} of {n} candidates")
        nodes[node.key] = node
        edges.append(VizEdge(centre.key, node.key, f"{role} factor", f"{role} success factor"))


def _candidate_lines(candidate, rank_text: str) -> tuple[str, ...]:
    """What a candidate's tooltip says: its scores, what it has and lacks, and why."""
    return (
        f"{rank_text}candidate importer: score {candidate.score:.3f}",
        f"factor fit {candidate.factor_fit:.3f}, SDG fit {candidate.sdg_fit:.3f}, "
        f"evidence {candidate.evidence:.2f}",
        "Has: " + ", ".join(c.label for c in candidate.shared_factors) if candidate.shared_factors else "Has: none",
        "Lacks: " + ", ".join(f"{c.label} ({c.role}, {c.status})" for c in candidate.missing_factors)
        if candidate.missing_factors else "Lacks: none",
        "Matching needs: " + "; ".join(m.title for m in candidate.matching_needs)
        if candidate.matching_needs else "",
        "Matching SDG targets: " + ", ".join(candidate.matching_targets) if candidate.matching_targets else "",
        "Evidence: " + ", ".join(f"{e.transfer} ({e.basis})" for e in candidate.evidence_transfers)
        if candidate.evidence_transfers else "",
        "Flags: " + ", ".join(candidate.flags) if candidate.flags else "",
    )


def _add_candidate(catalog: Catalog, make: NodeMaker, candidate, rank_text: str, nodes, edges) -> None:
    """A candidate country, sized by its score, with a link to each factor it has or lacks."""
    node = make.country(candidate.country)
    lines = _candidate_lines(candidate, rank_text) + node.lines
    name = catalog.countries[candidate.country].name
    nodes[node.key] = replace(node, label=f"{rank_text}{short(name, 22)} {candidate.score:.2f}",
                              lines=tuple(x for x in lines if x), value=1.0 + 10 * candidate.score,
                              measure=f"score {candidate.score:.3f}")
    for check in candidate.shared_factors:
        via = f" (through {', '.join(check.via)})" if check.via and check.via != (check.factor,) else ""
        edges.append(VizEdge(node.key, f"factor/{check.factor}", "has factor",
                             f"{name} has {check.label}{via}"))
    for check in candidate.missing_factors:
        relation = "lacks factor (absent)" if check.status == "absent" else "lacks factor (unknown)"
        what = "is known to lack" if check.status == "absent" else "has no known statement of"
        edges.append(VizEdge(node.key, f"factor/{check.factor}", relation,
                             f"{name} {what} {check.label} ({check.role})"))


def _add_engaged(catalog: Catalog, make: NodeMaker, result, centre: VizNode, nodes, edges) -> None:
    """Countries already engaged with the practice hang from it by their transfer."""
    for engagement in result.engaged:
        key = f"country/{engagement.country}"
        if key not in nodes and engagement.country in catalog.countries:
            node = make.country(engagement.country)
            nodes[key] = replace(node, lines=(f"Already engaged: {engagement.status} "
                                              f"(transfer {engagement.transfer})",) + node.lines)
        if key in nodes:
            edges.append(VizEdge(centre.key, key, "transfer",
                                 f"transfer {engagement.transfer}: {engagement.status}",
                                 status=engagement.status))


def _match_text(catalog: Catalog, practice, result, only: str | None) -> tuple[str, list[str]]:
    """The view's subtitle and notes (the scoring formula, how to read the links, the match's warnings)."""
    total = len(catalog.countries) - (1 if practice.country in catalog.countries else 0) - len(result.engaged)
    if only:
        subtitle = f"{catalog.countries[only].name} as an importer of {practice.title}"
    else:
        subtitle = (f"Top {len(result.candidates)} candidate importers of {practice.title} "
                    f"(of {total} countries scored)")
    w = result.weights
    notes = [f"score = {w.factor}\u00b7factor fit + {w.sdg}\u00b7SDG fit + {w.evidence}\u00b7evidence; "
             "the same ranking as `psikg match`.",
             "A solid link: the candidate has the factor; dashed: it lacks it (red when known absent, "
             "grey when nothing is known). Critical factors hang from the practice by thick links."]
    notes.extend(result.warnings)
    return subtitle, notes
