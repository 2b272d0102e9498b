"""The baseline a user would write for ``psikg match``: the FULL match as one SPARQL query.

The query reads psikg's own RDF export and computes what :func:`psikg.queries.match.match`
computes (DESIGN.md, "The core query"), with no help from psikg:

* candidates: UN member states except the exporter and the countries engaged with the practice
  (a transfer of it agreed, implementing, adopted or scaled);
* preconditions: factor links of kind precondition (or no kind), critical 1.0, supporting 0.5, a
  factor linked twice counting once with its strongest role;
* states as of a year Y: the statements dated in or before Y (undated ones always count; a date
  counts by its year); for each factor the latest decides; a factor is present when the latest
  statement about it or any narrower factor (``skos:broader*``) says present, absent when not
  present and its own latest statement says absent;
* factor_fit, coverage, sdg_fit (a need's goal covers the goal's targets), evidence (a successful
  transfer started by Y: 1.0 to the candidate's sub-region or income group, else 0.5), score,
  tier (blocked, ready at coverage >= min_coverage, unassessed), order (tier, score desc,
  factor_fit desc, ISO3).

Arithmetic is in ``xsd:double`` (psikg's floats; the weights 1 and 0.5 sum exactly in any order),
so the numbers are psikg's; the tests still compare them to 1e-9. (Decimals were tried first:
pyoxigraph refuses ``0.0 / 5.5``, an unbound result, so a user would switch to doubles too.) Two statements of one country about one factor
with the same date do not occur (the loaders refuse them), so no tie between statements needs
the input's row order, which RDF does not keep.

Runners: :func:`oxigraph_store_of` loads a store's export into ``pyoxigraph.Store`` (psikg's own
exporter and pyoxigraph's bulk loader), :func:`rdflib_graph_of` parses the same N-Triples with
rdflib, and :func:`run_query` asks either for the top candidates of one practice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["BaselineRow", "full_match_query", "oxigraph_store_of", "rdflib_graph_of", "run_query"]

_COUNTED = "(!BOUND({a}) || xsd:integer(SUBSTR(STR({a}), 1, 4)) <= {year})"
_ORDER = ("IF(BOUND({a}), xsd:integer(SUBSTR(STR({a}), 1, 4)) * 10000"
          " + IF(STRLEN(STR({a})) >= 7, xsd:integer(SUBSTR(STR({a}), 6, 2)) * 100, 0)"
          " + IF(STRLEN(STR({a})) >= 10, xsd:integer(SUBSTR(STR({a}), 9, 2)), 0), 0)")

QUERY = """
PREFIX psikg: <https://w3id.org/psikg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?country ?score ?factorFit ?coverage ?sdgFit ?evidence ?tier WHERE {
  # the practice's total precondition weight and number of targets
  { SELECT (COALESCE(SUM(?w), 0.0e0) AS ?total) WHERE {
      { SELECT ?f (MAX(?w0) AS ?w) WHERE {
          <PRACTICE> psikg:qualifiedFactor ?q . ?q psikg:factor ?f ; psikg:role ?role .
          OPTIONAL { ?q psikg:factorKind ?kind }
          FILTER(!BOUND(?kind) || ?kind = "precondition")
          BIND(IF(?role = "critical", 1.0e0, 0.5e0) AS ?w0)
      } GROUP BY ?f }
  } }
  { SELECT (COUNT(DISTINCT ?t) AS ?targets) WHERE { OPTIONAL { <PRACTICE> psikg:addressesTarget ?t } } }

  # candidates
  ?country a psikg:Country ; psikg:unMember true .
  FILTER NOT EXISTS { <PRACTICE> psikg:originatingCountry ?country }
  FILTER NOT EXISTS { ?engaging psikg:practice <PRACTICE> ; psikg:importer ?country ; psikg:status ?engaged .
                      FILTER(?engaged IN ("agreed", "implementing", "adopted", "scaled")) }

  # factor states: present and known weight, blocked
  OPTIONAL { SELECT ?country (SUM(COALESCE(IF(?present = 1, ?w, 0.0e0), 0.0e0)) AS ?presentWeight)
                    (SUM(COALESCE(IF(?present = 1 || ?selfAbsent = 1, ?w, 0.0e0), 0.0e0)) AS ?knownWeight)
                    (MAX(IF(?present = 0 && ?selfAbsent = 1 && ?critical = 1, 1, 0)) AS ?blocked) WHERE {
      { SELECT ?country ?f (MAX(?w0) AS ?w) (MAX(?c0) AS ?critical) (MAX(?says) AS ?present)
               (MAX(IF(?g = ?f && ?says = 0, 1, 0)) AS ?selfAbsent) WHERE {
          <PRACTICE> psikg:qualifiedFactor ?q . ?q psikg:factor ?f ; psikg:role ?role .
          OPTIONAL { ?q psikg:factorKind ?kind }
          FILTER(!BOUND(?kind) || ?kind = "precondition")
          BIND(IF(?role = "critical", 1.0e0, 0.5e0) AS ?w0)
          BIND(IF(?role = "critical", 1, 0) AS ?c0)
          ?g skos:broader* ?f .
          VALUES (?p ?says) { (psikg:factorPresent 1) (psikg:factorAbsent 0) }
          ?context ?p ?g ; psikg:country ?country .
          OPTIONAL { ?context psikg:asOf ?asOf }
          FILTER(COUNTED_A)
          BIND(ORDER_A AS ?order)
          FILTER NOT EXISTS {
            VALUES ?p2 { psikg:factorPresent psikg:factorAbsent }
            ?later ?p2 ?g ; psikg:country ?country .
            OPTIONAL { ?later psikg:asOf ?asOf2 }
            FILTER(COUNTED_B && ORDER_B > ?order)
          }
      } GROUP BY ?country ?f }
  } GROUP BY ?country }

  # SDG targets of the practice that the candidate's needs ask for (a goal covers its targets)
  OPTIONAL { SELECT ?country (COUNT(DISTINCT ?t) AS ?shared) WHERE {
      <PRACTICE> psikg:addressesTarget ?t .
      ?need a psikg:Need ; psikg:country ?country .
      { ?need psikg:addressesTarget ?t } UNION { ?need psikg:addressesGoal ?goal . ?t skos:broader ?goal }
  } GROUP BY ?country }

  # evidence: successful transfers of the practice started by the year
  OPTIONAL { SELECT ?country (MAX(?near) AS ?evidenceFound) WHERE {
      ?transfer psikg:practice <PRACTICE> ; psikg:importer ?importer ; psikg:status ?status .
      OPTIONAL { ?transfer psikg:outcome ?outcome }
      OPTIONAL { ?transfer psikg:startYear ?start }
      FILTER(?status NOT IN ("opportunity", "abandoned") && (!BOUND(?outcome) || ?outcome != "failure"))
      FILTER((BOUND(?outcome) && ?outcome = "success")
             || ((!BOUND(?outcome) || ?outcome = "unknown") && ?status IN ("adopted", "scaled")))
      FILTER(!BOUND(?start) || ?start <= YEAR)
      ?country a psikg:Country ; psikg:unMember true .
      BIND(IF(EXISTS { ?importer psikg:subregion ?region . ?country psikg:subregion ?region }
              || EXISTS { ?importer psikg:incomeGroup ?income . ?country psikg:incomeGroup ?income }, 1.0e0, 0.5e0)
           AS ?near)
  } GROUP BY ?country }

  BIND(IF(?total > 0, COALESCE(?presentWeight, 0.0e0) / ?total, 0.0e0) AS ?factorFit)
  BIND(IF(?total > 0, COALESCE(?knownWeight, 0.0e0) / ?total, 0.0e0) AS ?coverage)
  BIND(IF(?targets > 0, xsd:double(COALESCE(?shared, 0)) / xsd:double(?targets), 0.0e0) AS ?sdgFit)
  BIND(COALESCE(?evidenceFound, 0.0e0) AS ?evidence)
  BIND(W_FACTOR * ?factorFit + W_SDG * ?sdgFit + W_EVIDENCE * ?evidence AS ?score)
  BIND(IF(COALESCE(?blocked, 0) = 1, "blocked", IF(?coverage >= MIN_COVERAGE - 1.0e-9, "ready", "unassessed"))
       AS ?tier)
  BIND(IF(?tier = "ready", 0, IF(?tier = "unassessed", 1, 2)) AS ?tierOrder)
}
ORDER BY ?tierOrder DESC(?score) DESC(?factorFit) ?country
LIMIT TOP
"""


@dataclass(frozen=True)
class BaselineRow:
    """One candidate as the SPARQL baseline ranks it."""

    country: str
    score: float
    factor_fit: float
    coverage: float
    sdg_fit: float
    evidence: float
    tier: str


def _double(value: float) -> str:
    """A SPARQL xsd:double literal with the exact value of ``value``."""
    return f"{float(value)!r}e0" if "e" not in repr(float(value)) else repr(float(value))


def full_match_query(practice_iri: str, year: int, *, top: int = 10, weights=(0.6, 0.3, 0.1),
                     min_coverage: float = 0.5) -> str:
    """The full match of one practice as of ``year`` as SPARQL text (the first ``top`` candidates)."""
    text = (QUERY.replace("COUNTED_A", _COUNTED.format(a="?asOf", year=int(year)))
            .replace("COUNTED_B", _COUNTED.format(a="?asOf2", year=int(year)))
            .replace("ORDER_A", _ORDER.format(a="?asOf")).replace("ORDER_B", _ORDER.format(a="?asOf2")))
    factor, sdg, evidence = weights
    for name, value in (("W_FACTOR", factor), ("W_SDG", sdg), ("W_EVIDENCE", evidence),
                        ("MIN_COVERAGE", min_coverage)):
        text = text.replace(name, _double(value))
    return (text.replace("<PRACTICE>", f"<{practice_iri}>").replace("YEAR", str(int(year)))
            .replace("LIMIT TOP", f"LIMIT {int(top)}"))


def _country_id(iri: str) -> str:
    return iri.rstrip(">").rsplit("/", 1)[-1]


def _rows(solutions, value) -> list[BaselineRow]:
    names = ("country", "score", "factorFit", "coverage", "sdgFit", "evidence", "tier")
    rows = []
    for solution in solutions:
        country, score, fit, coverage, sdg, evidence, tier = (value(solution, n) for n in names)
        rows.append(BaselineRow(_country_id(country), float(score), float(fit), float(coverage), float(sdg),
                                float(evidence), str(tier)))
    return rows


def oxigraph_store_of(store):
    """psikg's own RDF export of ``store`` (an embedded store) loaded into a ``pyoxigraph.Store``."""
    from psikg.lod.sparql import oxigraph_store

    return oxigraph_store(store, ontology=False)


def rdflib_graph_of(nt_path: Path):
    """The same export, as N-Triples, parsed into an ``rdflib.Graph``."""
    import rdflib

    graph = rdflib.Graph()
    graph.parse(str(nt_path), format="nt")
    return graph


def run_query(engine, practice: str, year: int, *, base: str = "https://w3id.org/psikg/", top: int = 10,
              weights=(0.6, 0.3, 0.1), min_coverage: float = 0.5) -> list[BaselineRow]:
    """The first ``top`` candidates for ``practice`` on a pyoxigraph Store or an rdflib Graph."""
    query = full_match_query(f"{base}id/practice/{practice}", year, top=top, weights=weights,
                             min_coverage=min_coverage)
    if type(engine).__module__.startswith("pyoxigraph"):
        return _rows(engine.query(query), lambda s, n: s[n].value)
    return _rows(engine.query(query), lambda s, n: str(s[n]))
