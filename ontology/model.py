"""The psikg domain model, defined once.

Every other representation is generated from the tables below: the OWL ontology and the SHACL
shapes (``ontology/owl.py``), the property-graph mapping used by the graph databases (labels,
relationship types and property names form an allow-list: nothing is ever taken from input),
and the model table in ``docs/model.md``.

The tables are frozen msgspec Structs, as the domain records are (``domain.py`` says why): their
classes and the few hundred properties below are made in C, 37 million fewer instructions in a
``psikg match``.

A *kind* is a class of node (``practice``); a *property* is a literal value on it; a *relation*
is a typed link to another node, optionally with properties of its own (the role of a success
factor). Kind names are also the path segment of a node's IRI: ``{base}id/{kind}/{id}``.
"""

from __future__ import annotations

import msgspec

__all__ = [
    "Property",
    "Relation",
    "Kind",
    "KINDS",
    "RELATIONS",
    "kind",
    "relation",
    "ENUMS",
    "TRANSFER_ENGAGED_STATUSES",
    "TRANSFER_SUCCESS_STATUSES",
]

ONTOLOGY_NS = "ontology#"  # appended to the configurable base
SDG_NS = "http://metadata.un.org/sdg/"
EU_COUNTRY_NS = "http://publications.europa.eu/resource/authority/country/"

ENUMS: dict[str, tuple[str, ...]] = {
    "role": ("critical", "supporting"),
    "maturity": ("prototype", "pilot", "scaled", "institutionalized"),
    "status": ("opportunity", "agreed", "implementing", "adopted", "scaled", "stalled", "abandoned"),
    "outcome": ("success", "partial", "failure", "unknown"),
    "priority": ("high", "medium", "low"),
    "organization_kind": ("government", "international", "ngo", "private", "academic", "network-secretariat"),
    "basis": ("stated", "reading"),
    "degree": ("copy", "adaptation", "inspiration"),
    "factor_kind": ("precondition", "component", "outcome"),
}

# A transfer in one of these statuses means the importer is already engaged with the practice.
TRANSFER_ENGAGED_STATUSES = ("agreed", "implementing", "adopted", "scaled")
# A transfer counts as successful evidence with outcome "success" or one of these statuses.
TRANSFER_SUCCESS_STATUSES = ("adopted", "scaled")


class Property(msgspec.Struct, frozen=True):
    """A literal value of a node.

    ``type`` is one of str, text, int, float, bool, date (ISO 8601 date or year), year, url, and
    ``many`` marks a list. ``predicate`` is the RDF property (CURIE) used in the linked data.
    """

    name: str
    type: str
    predicate: str
    description: str
    many: bool = False
    required: bool = False
    enum: str | None = None


class Relation(msgspec.Struct, frozen=True):
    """A typed link from a node of one kind to nodes of the ``targets`` kinds."""

    name: str
    pg_type: str
    targets: tuple[str, ...]
    predicate: str
    description: str
    many: bool = True
    properties: tuple[Property, ...] = ()


class Kind(msgspec.Struct, frozen=True):
    """A class of node: its property-graph label, its OWL class and what it carries."""

    name: str
    label: str
    rdf_class: str
    description: str
    properties: tuple[Property, ...] = ()
    relations: tuple[Relation, ...] = ()
    extra_classes: tuple[str, ...] = ()

    def property(self, name: str) -> Property:
        for prop in self.properties:
            if prop.name == name:
                return prop
        raise KeyError(f"{self.name} has no property {name!r}")

    def relation(self, name: str) -> Relation:
        for rel in self.relations:
            if rel.name == name:
                return rel
        raise KeyError(f"{self.name} has no relation {name!r}")


def _p(name, type_, predicate, description, **kw) -> Property:
    return Property(name, type_, predicate, description, **kw)


def _r(name, pg_type, targets, predicate, description, **kw) -> Relation:
    return Relation(name, pg_type, tuple(targets.split("|")), predicate, description, **kw)


SOURCES = _p("sources", "url", "dcterms:source", "Where the facts of this record come from.", many=True)
LABEL = _p("label", "str", "skos:prefLabel", "Preferred label.", required=True)
NAME = _p("name", "str", "schema:name", "Name.", required=True)
DEFINITION = _p("definition", "text", "skos:definition", "Definition.")
DESCRIPTION = _p("description", "text", "dcterms:description", "What it is.")
# Provenance of a fact: does its source state it, or is it a curator's reading (docs/data.md)?
PROVENANCE = (
    _p("basis", "str", "psikg:basis", "stated: the source states it; reading: a curator's reading of the source.",
       enum="basis"),
    _p("read_by", "str", "psikg:readBy", "Who made the reading (a curator, or a named derivation rule)."),
    _p("read_on", "date", "psikg:readOn", "When the reading was made (ISO 8601 date)."),
)
KOS_LABELS = _p("labels", "str", "psikg:multilingualLabel",
                "Labels in every language of the UN SDG KOS, each written text@lang (set by loading the KOS dump).",
                many=True)

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "country", "Country", "Country",
            "A state, identified by its ISO 3166-1 alpha-3 code.",
            properties=(
                NAME,
                _p("official_name", "str", "schema:legalName", "Official name (ISO 3166-1)."),
                _p("iso2", "str", "psikg:iso2", "ISO 3166-1 alpha-2 code."),
                _p("iso_numeric", "str", "psikg:isoNumeric", "ISO 3166-1 numeric code."),
                _p("m49", "str", "psikg:m49", "UN M49 code."),
                _p("region", "str", "psikg:region", "UN M49 region."),
                _p("subregion", "str", "psikg:subregion", "UN M49 sub-region."),
                _p("intermediate_region", "str", "psikg:intermediateRegion", "UN M49 intermediate region."),
                _p("un_member", "bool", "psikg:unMember", "Member of the United Nations."),
                _p("un_member_since", "year", "psikg:unMemberSince", "Year of admission to the UN."),
                _p("ldc", "bool", "psikg:ldc", "Least Developed Country (UN list)."),
                _p("lldc", "bool", "psikg:lldc", "Landlocked Developing Country (UN list)."),
                _p("sids", "bool", "psikg:sids", "Small Island Developing State (UN list)."),
                _p("income_group", "str", "psikg:incomeGroup", "World Bank income group."),
                _p("lending_category", "str", "psikg:lendingCategory", "World Bank lending category."),
                _p("income_as_of", "str", "psikg:incomeAsOf", "Fiscal year of the income classification."),
            ),
        ),
        Kind(
            "practice", "Practice", "Practice",
            "A public-service innovation that worked somewhere.",
            properties=(
                _p("title", "str", "dcterms:title", "Name of the practice.", required=True),
                DESCRIPTION,
                _p("year", "year", "psikg:startYear", "Year it started."),
                _p("maturity", "str", "psikg:maturity", "How far it has grown.", enum="maturity"),
                _p("problem", "text", "psikg:problem", "The problem it solved."),
                _p("components", "str", "psikg:component", "Components of the solution.", many=True),
                _p("evidence", "text", "psikg:evidenceOfImpact", "Evidence of impact, as stated by a source."),
                SOURCES,
            ),
            relations=(
                _r("country", "ORIGINATES_IN", "country", "psikg:originatingCountry",
                   "The country it comes from (the exporter).", many=False),
                _r("organization", "DEVELOPED_BY", "organization", "psikg:organization",
                   "The organization that runs or developed it.", many=False),
                _r("themes", "HAS_THEME", "theme", "dcterms:subject", "Themes it is about."),
                _r("targets", "ADDRESSES", "target", "psikg:addressesTarget", "SDG targets it serves.",
                   properties=PROVENANCE),
                _r("factors", "HAS_FACTOR", "factor", "psikg:hasSuccessFactor",
                   "Success factors that made it work.",
                   properties=(_p("role", "str", "psikg:role", "Critical or supporting.", enum="role"),
                               _p("kind", "str", "psikg:factorKind",
                                  "precondition (the importer must already have it; the default), component "
                                  "(the transfer builds it) or outcome (a result to measure).", enum="factor_kind"),
                               _p("note", "text", "psikg:note", "The source's specifics."),
                               SOURCES) + PROVENANCE),
            ),
        ),
        Kind(
            "factor", "SuccessFactor", "SuccessFactor",
            "An enabling condition, a SKOS concept in the success-factor scheme.",
            properties=(LABEL, DEFINITION),
            relations=(_r("broader", "BROADER", "factor", "skos:broader", "The broader factor.", many=False),),
            extra_classes=("skos:Concept",),
        ),
        Kind(
            "theme", "Theme", "Theme",
            "A workshop or sector theme, a SKOS concept.",
            properties=(LABEL, DEFINITION),
            relations=(_r("broader", "BROADER", "theme", "skos:broader", "The broader theme.", many=False),),
            extra_classes=("skos:Concept",),
        ),
        Kind(
            "context", "Context", "Context",
            "A dated profile of a country's enabling conditions.",
            properties=(
                _p("as_of", "date", "psikg:asOf", "Date or year the statements hold for; empty = undated."),
                _p("notes", "text", "psikg:note", "What the sources say.", many=True),
                SOURCES,
            ),
            relations=(
                _r("country", "OF_COUNTRY", "country", "psikg:country", "The country described.", many=False),
                _r("present", "FACTOR_PRESENT", "factor", "psikg:factorPresent", "Factors present.",
                   properties=PROVENANCE),
                _r("absent", "FACTOR_ABSENT", "factor", "psikg:factorAbsent", "Factors known to be absent.",
                   properties=PROVENANCE),
            ),
        ),
        Kind(
            "need", "Need", "Need",
            "A challenge a country wants solved (demand).",
            properties=(
                _p("title", "str", "dcterms:title", "The challenge.", required=True),
                DESCRIPTION,
                _p("priority", "str", "psikg:priority", "Priority.", enum="priority"),
                SOURCES,
            ),
            relations=(
                _r("country", "NEED_OF", "country", "psikg:country", "The country that has the need.", many=False),
                _r("themes", "HAS_THEME", "theme", "dcterms:subject", "Themes."),
                _r("targets", "ADDRESSES", "target", "psikg:addressesTarget", "SDG targets concerned."),
                _r("goals", "ADDRESSES_GOAL", "goal", "psikg:addressesGoal",
                   "SDG goals concerned (a goal covers all of its targets)."),
                _r("event", "EXPRESSED_AT", "event", "psikg:event", "Where it was expressed.", many=False),
            ),
        ),
        Kind(
            "transfer", "Transfer", "Transfer",
            "One partnership: a practice travelling from an exporter to an importer.",
            properties=(
                _p("status", "str", "psikg:status", "Current status of the partnership.", enum="status",
                   required=True),
                _p("outcome", "str", "psikg:outcome", "Outcome, where known.", enum="outcome"),
                _p("start_year", "year", "psikg:startYear", "Year it started."),
                _p("note", "text", "psikg:note", "What the sources say happened."),
                _p("degree", "str", "psikg:transferDegree",
                   "What moved, as the policy-transfer literature grades it: copy, adaptation or inspiration.",
                   enum="degree"),
                _p("lesson", "text", "psikg:lesson", "What worked or did not, where a source gives it."),
                _p("basis", "str", "psikg:basis",
                   "What the record rests on; matchmaking marks an opportunity suggested by psikg matchmaking "
                   "(a suggestion, never evidence)."),
                SOURCES,
            ),
            relations=(
                _r("practice", "TRANSFERS", "practice", "psikg:practice", "The practice transferred.", many=False),
                _r("exporter", "EXPORTER", "country|organization", "psikg:exporter",
                   "Who shares the practice.", many=False),
                _r("importer", "IMPORTER", "country", "psikg:importer", "Who adopts it.", many=False),
                _r("facilitators", "FACILITATED_BY", "organization", "psikg:facilitator",
                   "Organizations that brokered or funded it."),
                _r("event", "MATCHED_AT", "event", "psikg:event", "Event where it was matched.", many=False),
                _r("steps", "HAS_STEP", "status_step", "psikg:statusStep",
                   "Its status history: one dated step per status recorded (the latest is the current status)."),
            ),
        ),
        Kind(
            "status_step", "StatusStep", "StatusStep",
            "One step in a transfer's status history: the status it reached, when, on whose word and why "
            "(a PROV-O activity that generated the status; id {transfer}--{date or 'undated'}--{status}).",
            properties=(
                _p("status", "str", "psikg:status", "The status reached at this step.", enum="status",
                   required=True),
                _p("date", "date", "dcterms:date", "When it was reached (ISO 8601 date or year); empty = undated, "
                   "the oldest."),
                _p("outcome", "str", "psikg:outcome", "The outcome recorded with this step, if any.", enum="outcome"),
                _p("note", "text", "psikg:note", "What happened, as the follow-up records it."),
                _p("forced", "text", "psikg:forcedReason",
                   "Why a move outside the documented transitions was recorded anyway."),
                _p("seq", "int", "psikg:sequence", "Order of recording; breaks ties between steps of the same date."),
                SOURCES,
            ),
            extra_classes=("prov:Activity",),
        ),
        Kind(
            "goal", "SDGGoal", "sdgo:Goal",
            "A Sustainable Development Goal (UN SDG KOS).",
            properties=(
                _p("title", "str", "skos:prefLabel", "Official English title.", required=True),
                _p("short_title", "str", "skos:altLabel", "Short name."),
                KOS_LABELS,
            ),
            extra_classes=("skos:Concept",),
        ),
        Kind(
            "target", "SDGTarget", "sdgo:Target",
            "An SDG target (UN SDG KOS).",
            properties=(_p("title", "str", "skos:prefLabel", "Official English text.", required=True), KOS_LABELS),
            relations=(_r("goal", "TARGET_OF", "goal", "skos:broader", "The goal of the target.", many=False),),
            extra_classes=("skos:Concept",),
        ),
        Kind(
            "indicator", "SDGIndicator", "sdgo:Indicator",
            "An SDG indicator (UN SDG KOS); one concept may be listed under several targets.",
            properties=(
                _p("codes", "str", "skos:notation", "Compact codes under which it is listed.", many=True),
                _p("title", "str", "skos:prefLabel", "English title.", required=True),
                KOS_LABELS,
            ),
            relations=(_r("targets", "INDICATOR_OF", "target", "skos:broader", "Targets it measures."),),
            extra_classes=("skos:Concept",),
        ),
        Kind(
            "organization", "Organization", "org:Organization",
            "An agency, facilitator or international organization.",
            properties=(NAME, _p("kind", "str", "psikg:organizationKind", "What kind of body it is.",
                                 enum="organization_kind"), SOURCES),
            relations=(_r("country", "BASED_IN", "country", "psikg:country", "Where it is based.", many=False),),
        ),
        Kind(
            "network", "Network", "Network",
            "A network of countries or organizations that learn from each other.",
            properties=(NAME, DESCRIPTION, _p("founded", "date", "dcterms:created", "When it was founded."),
                        _p("place", "str", "psikg:place", "Where it was founded."), SOURCES),
            relations=(_r("members", "HAS_MEMBER", "country|organization", "org:hasMember", "Its members."),),
            extra_classes=("org:Organization",),
        ),
        Kind(
            "event", "Event", "Event",
            "A matchmaking workshop or meeting.",
            properties=(
                NAME,
                _p("place", "str", "psikg:place", "City."),
                _p("start_date", "date", "schema:startDate", "First day."),
                _p("end_date", "date", "schema:endDate", "Last day."),
                _p("participant_count", "int", "psikg:participantCount",
                   "Number of participating countries, as the source states it."),
                _p("opportunities", "int", "psikg:opportunityCount",
                   "Number of partnership opportunities it produced."),
                SOURCES,
            ),
            relations=(
                _r("country", "HELD_IN", "country", "psikg:country", "Host country.", many=False),
                _r("participants", "PARTICIPANT", "country", "psikg:participant", "Participating countries."),
                _r("organizers", "ORGANIZED_BY", "organization|network", "psikg:organizer", "Organizers."),
            ),
            extra_classes=("schema:Event",),
        ),
    )
}

RELATIONS: dict[str, tuple[Kind, Relation]] = {
    f"{k.name}.{r.name}": (k, r) for k in KINDS.values() for r in k.relations
}


def kind(name: str) -> Kind:
    """The kind called ``name``; a KeyError names the known kinds."""
    try:
        return KINDS[name]
    except KeyError:
        raise KeyError(f"unknown kind {name!r}; known: {', '.join(KINDS)}") from None


def relation(kind_name: str, rel_name: str) -> Relation:
    return kind(kind_name).relation(rel_name)


def pg_labels() -> set[str]:
    """Every node label the property graph may use."""
    return {k.label for k in KINDS.values()}


def pg_relationship_types() -> set[str]:
    """Every relationship type the property graph may use."""
    return {r.pg_type for k in KINDS.values() for r in k.relations}
