"""The reference data every load starts from: countries, the SDG framework, the success-factor
scheme and the themes. All of it ships with psikg (``ontology/``) or comes from pycountry and
country_converter, so a new store is complete without a network."""

from __future__ import annotations

import csv
import importlib.util
import logging
from functools import lru_cache
from pathlib import Path

import yaml

from ..graph.records import GraphBatch, node_key

__all__ = ["reference_batch", "ONTOLOGY_DIR", "DATA_DIR", "scheme_batch", "country_records", "sdg_records"]

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
DATA_DIR = ONTOLOGY_DIR / "data"

# Where country_converter's UN region disagrees with UNSD M49 (checked against the M49 overview).
UNREGION_FIXES = {"NRU": "Micronesia"}


def _csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        logging.getLogger(__name__).warning("reference file %s is missing", path)
        return []
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=1)
def _m49_regions() -> dict[str, dict[str, str]]:
    """M49 areas by name: code, level and parent code."""
    return {row["name"]: row for row in _csv(DATA_DIR / "m49_regions.csv")}


def _country_converter_table() -> Path:
    """country_converter's table of countries, found without importing the package: its import
    brings pandas (0.4 s of every load), and only the table is read."""
    spec = importlib.util.find_spec("country_converter")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("country_converter is not installed (pip install country_converter)")
    return Path(spec.submodule_search_locations[0]) / "country_data.tsv"


@lru_cache(maxsize=1)
def country_records() -> dict[str, dict]:
    """Every ISO 3166-1 country with its M49 classification, UN membership and UN groups."""
    import pycountry

    coco_rows = {}
    with open(_country_converter_table(), encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row.get("ISO3") and not row.get("obsolete"):
                coco_rows[row["ISO3"]] = row
    groups = yaml.safe_load((DATA_DIR / "country_groups.yaml").read_text(encoding="utf-8")) \
        if (DATA_DIR / "country_groups.yaml").exists() else {}
    members = {g["id"].lower(): set(g.get("members", ())) for g in (groups or {}).get("groups", [])}
    regions = _m49_regions()
    by_code = {row["code"]: row for row in regions.values()}

    records = {}
    for country in pycountry.countries:
        iso3 = country.alpha_3
        coco = coco_rows.get(iso3, {})
        props = {
            "name": getattr(country, "common_name", None) or country.name,
            "official_name": getattr(country, "official_name", None) or country.name,
            "iso2": country.alpha_2,
            "iso_numeric": country.numeric,
            "m49": (coco.get("UNcode") or "").zfill(3) or None,
            "un_member": bool(coco.get("UNmember")),
            "un_member_since": int(coco["UNmember"]) if (coco.get("UNmember") or "").isdigit() else None,
            "ldc": iso3 in members.get("ldc", ()),
            "lldc": iso3 in members.get("lldc", ()),
            "sids": iso3 in members.get("sids", ()),
        }
        area = regions.get(UNREGION_FIXES.get(iso3) or coco.get("UNregion") or "")
        chain = []
        while area is not None:
            chain.append(area)
            area = by_code.get(area.get("parent_code") or "")
        for level in ("region", "subregion", "intermediate"):
            for found in chain:
                if found.get("level") == level:
                    props["intermediate_region" if level == "intermediate" else level] = found["name"]
        records[iso3] = props
    return records


@lru_cache(maxsize=1)
def sdg_records() -> tuple[list[dict], list[dict], list[dict]]:
    return (_csv(DATA_DIR / "sdg_goals.csv"), _csv(DATA_DIR / "sdg_targets.csv"),
            _csv(DATA_DIR / "sdg_indicators.csv"))


def scheme_batch(path: Path, kind: str, children: str) -> GraphBatch:
    """A SKOS scheme file (success factors or themes) as nodes with ``broader`` links."""
    batch = GraphBatch()
    data = yaml.safe_load(path.read_text(encoding="utf-8"))

    def walk(items, broader):
        for item in items:
            key = batch.add_node(kind, item["id"], {"label": item["label"],
                                                    "definition": item.get("definition")}).key
            batch.own(key, "broader")
            if broader:
                batch.add_link(key, "broader", broader)
            walk(item.get(children, []), key)

    walk(data["groups"], None)
    return batch


def reference_batch() -> GraphBatch:
    """Countries, SDGs, factors and themes as one batch."""
    batch = GraphBatch()
    for iso3, props in country_records().items():
        batch.add_node("country", iso3, props)
    goals, targets, indicators = sdg_records()
    for goal in goals:
        batch.add_node("goal", goal["goal"], {"title": goal["title"], "short_title": goal.get("short_title")})
    for target in targets:
        key = batch.add_node("target", target["target"], {"title": target["title"]}).key
        batch.add_link(key, "goal", node_key("goal", target["goal"]))
    by_iri: dict[str, dict] = {}
    for row in indicators:  # an indicator without a KOS concept is identified by its code
        entry = by_iri.setdefault(row.get("iri") or row["indicator"],
                                  {"codes": [], "targets": [], "title": row["title"]})
        entry["codes"].append(row["indicator"])
        entry["targets"].append(row["target"])
    for iri, entry in by_iri.items():
        key = batch.add_node("indicator", iri.rsplit("/", 1)[-1],
                             {"codes": entry["codes"], "title": entry["title"]}).key
        for target in entry["targets"]:
            batch.add_link(key, "targets", node_key("target", target))
    batch.update(scheme_batch(ONTOLOGY_DIR / "success_factors.yaml", "factor", "factors"))
    batch.update(scheme_batch(ONTOLOGY_DIR / "themes.yaml", "theme", "themes"))
    return batch
