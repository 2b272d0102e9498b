"""A synthetic network in the CSV input format, at any scale, for benchmarks and tests.

The shapes imitate the real network: practices per country follow a Zipf-like law (a few
countries export most), factors form a hierarchy under the bundled groups, contexts are dated and
sometimes revised, needs name targets or whole goals, transfers carry statuses and outcomes.
The same seed always gives the same files. Country ids are real ISO 3166 codes and SDG targets
are real targets, so the output loads like any user data.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

from ..ontology.model import ENUMS
from .reference import country_records, scheme_batch, sdg_records, ONTOLOGY_DIR

__all__ = ["Scale", "SCALES", "generate"]


@dataclass(frozen=True)
class Scale:
    countries: int
    practices: int
    factors: int


SCALES = {"S": Scale(50, 1_000, 100), "M": Scale(200, 10_000, 300), "L": Scale(200, 100_000, 500)}

SOURCE = "https://w3id.org/psikg/synthetic"


def _write(path: Path, columns: list[str], rows) -> int:
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def generate(out: Path, countries: int, practices: int, factors: int, seed: int = 1) -> dict[str, int]:
    """Write a synthetic dataset to ``out`` (a folder); returns the rows written per table. The
    tables are drawn in a fixed order from one random generator: same seed, same files."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    all_countries = sorted(iso3 for iso3, p in country_records().items() if p.get("un_member"))
    chosen = sorted(rng.sample(all_countries, min(countries, len(all_countries))))
    _, targets, _ = sdg_records()
    target_ids = [t["target"] for t in targets]
    themes = sorted(n.id for n in scheme_batch(ONTOLOGY_DIR / "themes.yaml", "theme", "themes").nodes.values())
    groups = sorted(n.id for n in scheme_batch(ONTOLOGY_DIR / "success_factors.yaml", "factor", "factors").nodes.values())
    written: dict[str, int] = {}
    factor_ids, factor_rows = _factors(rng, factors, groups)
    written["factors"] = _write(out / "factors.csv", ["id", "label", "broader", "description"], factor_rows)
    exporters, years, practice_rows, factor_link_rows = _practices(rng, chosen, practices, themes, target_ids,
                                                                   factor_ids + groups)
    written["practices"] = _write(out / "practices.csv", ["id", "title", "country", "year", "themes", "maturity",
                                                          "sdg_targets", "source"], practice_rows)
    written["practice_factors"] = _write(out / "practice_factors.csv", ["practice", "factor", "role"],
                                         factor_link_rows)
    written["contexts"] = _write(out / "contexts.csv", ["country", "factor", "as_of", "present", "source"],
                                 _contexts(rng, chosen, factor_ids))
    written["needs"] = _write(out / "needs.csv", ["id", "country", "title", "sdg_targets", "priority"],
                              _needs(rng, chosen, target_ids))
    written["transfers"] = _write(out / "transfers.csv", ["id", "practice", "exporter", "importer", "status",
                                                          "outcome", "start_year", "source"],
                                  _transfers(rng, chosen, practices, exporters, years))
    network_rows, event_rows = _networks_and_events(rng, chosen)
    written["networks"] = _write(out / "networks.csv", ["id", "name", "members", "source"], network_rows)
    written["events"] = _write(out / "events.csv", ["id", "name", "country", "start_date", "participants",
                                                    "opportunities", "source"], event_rows)
    return written


def _factors(rng: random.Random, factors: int, groups: list[str]) -> tuple[list[str], list[tuple]]:
    """A hierarchy of factors under the bundled groups, up to three levels deep."""
    factor_ids: list[str] = []
    factor_rows = []
    for i in range(factors):
        id_ = f"gf-{i:04d}"
        broader = rng.choice(groups) if i < factors // 3 or not factor_ids else rng.choice(factor_ids[: max(1, i // 2)])
        factor_rows.append((id_, f"Synthetic factor {i}", broader, f"Generated enabling condition number {i}."))
        factor_ids.append(id_)
    return factor_ids, factor_rows


def _practices(rng: random.Random, chosen: list[str], practices: int, themes: list[str], target_ids: list[str],
               usable_factors: list[str]) -> tuple[list[str], list[int], list[tuple], list[tuple]]:
    """Practices, a Zipf-like number per country, each with 2 to 8 factors."""
    weights = [1.0 / (rank + 1) ** 1.1 for rank in range(len(chosen))]
    exporters = rng.choices(chosen, weights=weights, k=practices)
    practice_rows, factor_link_rows, years = [], [], []
    for i, country in enumerate(exporters):
        id_ = f"gp-{i:06d}"
        years.append(rng.randint(1995, 2024))
        practice_rows.append((
            id_, f"Synthetic practice {i}", country, years[-1],
            ";".join(rng.sample(themes, rng.randint(1, 2))), rng.choice(ENUMS["maturity"]),
            ";".join(rng.sample(target_ids, rng.randint(1, 3))), SOURCE))
        for factor in rng.sample(usable_factors, rng.randint(2, 8)):
            factor_link_rows.append((id_, factor, "critical" if rng.random() < 0.4 else "supporting"))
    return exporters, years, practice_rows, factor_link_rows


def _contexts(rng: random.Random, chosen: list[str], factor_ids: list[str]) -> list[tuple]:
    """Each country states about a third of the generated factors (never the bundled ones, so the
    synthetic network can be loaded beside the bundled one), some revised later."""
    context_rows = []
    for country in chosen:
        for factor in rng.sample(factor_ids, max(1, len(factor_ids) // 3)):
            year = rng.randint(2012, 2020)
            context_rows.append((country, factor, str(year), "yes" if rng.random() < 0.7 else "no", SOURCE))
            if rng.random() < 0.15:
                context_rows.append((country, factor, str(year + rng.randint(1, 4)),
                                     "yes" if rng.random() < 0.5 else "no", SOURCE))
    return context_rows


def _needs(rng: random.Random, chosen: list[str], target_ids: list[str]) -> list[tuple]:
    """0 to 5 needs per country, by target or by whole goal."""
    need_rows = []
    for country in chosen:
        for j in range(rng.randint(0, 5)):
            if rng.random() < 0.2:
                codes = str(rng.randint(1, 17))
            else:
                codes = ";".join(rng.sample(target_ids, rng.randint(1, 3)))
            need_rows.append((f"gn-{country.lower()}-{j}", country, f"Synthetic need {j} of {country}", codes,
                              rng.choice(ENUMS["priority"])))
    return need_rows


def _transfers(rng: random.Random, chosen: list[str], practices: int, exporters: list[str],
               years: list[int]) -> list[tuple]:
    """About one practice in five travels, mostly within a few hops."""
    transfer_rows, seen = [], set()
    for i in rng.sample(range(practices), practices // 5):
        exporter = exporters[i]
        importer = rng.choice(chosen)
        if importer == exporter or (i, importer) in seen:
            continue
        seen.add((i, importer))
        status = rng.choice(ENUMS["status"])
        outcome = rng.choice(ENUMS["outcome"]) if status in ("adopted", "scaled", "stalled", "abandoned") else "unknown"
        transfer_rows.append((f"gp-{i:06d}-to-{importer.lower()}", f"gp-{i:06d}", exporter, importer, status,
                              outcome, rng.randint(years[i], 2025), SOURCE))  # never before the practice
    return transfer_rows


def _networks_and_events(rng: random.Random, chosen: list[str]) -> tuple[list[tuple], list[tuple]]:
    """A few networks and events linking the countries."""
    network_rows = [(f"gnet-{k}", f"Synthetic network {k}", ";".join(rng.sample(chosen, min(12, len(chosen)))), SOURCE)
                    for k in range(max(1, len(chosen) // 20))]
    event_rows = []
    for k in range(max(1, len(chosen) // 10)):
        participants = rng.sample(chosen, min(10, len(chosen)))
        event_rows.append((f"gev-{k}", f"Synthetic workshop {k}", participants[0], f"{2015 + k % 10}-06-01",
                           ";".join(participants), rng.randint(5, 40), SOURCE))
    return network_rows, event_rows
