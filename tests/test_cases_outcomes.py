"""The bundled `cases-outcomes` folder: transfers with known outcomes and the practices, contexts and
organizations they need, each row checked against its source before it went in.

These tests guard what makes the rows citable: every row names a source, every practice-target,
practice-factor and context row says whether its source states it or it is a curator's reading (and
then who read it and when), ids are unique and do not clash with the other bundled folders, and every
reference resolves (the whole bundled network loads without an error)."""

import csv
import re
from pathlib import Path

import pytest
import yaml

from psikg.loaders import BUNDLED_DIR, prepare_load

FOLDER = BUNDLED_DIR / "cases-outcomes"
ONTOLOGY = Path(BUNDLED_DIR).parent.parent / "ontology"
BASES = {"stated", "reading"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
URL = re.compile(r"^https?://\S+$")


def rows(table: str, folder: Path = FOLDER) -> list[dict[str, str]]:
    path = folder / f"{table}.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh) if not next(iter(r.values()), "").startswith("#")]


def other_folders() -> list[Path]:
    return [p for p in sorted(BUNDLED_DIR.iterdir()) if p.is_dir() and p != FOLDER]


def factor_ids() -> set[str]:
    """Every id in the bundled success-factor scheme."""
    found: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            if "id" in node:
                found.add(node["id"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(yaml.safe_load((ONTOLOGY / "success_factors.yaml").read_text(encoding="utf-8")))
    return found


TABLES = ["practices", "practice_factors", "transfers", "contexts", "organizations"]


@pytest.mark.parametrize("table", TABLES)
def test_every_row_names_its_sources_as_urls(table):
    found = rows(table)
    assert found, f"{table}.csv is empty"
    for number, row in enumerate(found, start=2):
        sources = [s.strip() for s in (row.get("source") or "").split(";") if s.strip()]
        assert sources, f"{table}.csv line {number} has no source"
        for source in sources:
            assert URL.match(source), f"{table}.csv line {number}: {source!r} is not a URL"


def assert_basis(table: str, number: int, basis: str, row: dict[str, str]) -> None:
    assert basis in BASES, f"{table}.csv line {number}: basis {basis!r} is not one of {sorted(BASES)}"
    if basis == "reading":
        assert row.get("read_by", "").strip(), f"{table}.csv line {number}: a reading without its reader"
        assert ISO_DATE.match(row.get("read_on", "")), f"{table}.csv line {number}: a reading without its date"


@pytest.mark.parametrize("table", ["practice_factors", "contexts"])
def test_every_fact_states_its_basis(table):
    for number, row in enumerate(rows(table), start=2):
        assert_basis(table, number, row.get("basis", ""), row)


def test_every_practice_with_targets_states_their_basis():
    for number, row in enumerate(rows("practices"), start=2):
        if row["sdg_targets"].strip():
            reading = {"read_by": row.get("sdg_targets_read_by", ""), "read_on": row.get("sdg_targets_read_on", "")}
            assert_basis("practices", number, row.get("sdg_targets_basis", ""), reading)


def test_enumerated_values_are_valid():
    for row in rows("practice_factors"):
        assert row["role"] in {"critical", "supporting"}, row
        assert row["kind"] in {"precondition", "component", "outcome"}, row
    for row in rows("transfers"):
        assert row["status"] in {"opportunity", "agreed", "implementing", "adopted", "scaled", "stalled",
                                 "abandoned"}, row
        assert row["outcome"] in {"success", "partial", "failure", "unknown"}, row
        assert row["degree"] in {"", "copy", "adaptation", "inspiration"}, row
    for row in rows("contexts"):
        assert row["present"] in {"yes", "no"}, row


@pytest.mark.parametrize("table,key", [("practices", "id"), ("transfers", "id"), ("organizations", "id")])
def test_ids_are_unique_and_new_to_the_bundled_data(table, key):
    ids = [r[key] for r in rows(table)]
    assert len(ids) == len(set(ids)), f"duplicate ids in {table}.csv"
    for folder in other_folders():
        clash = set(ids) & {r[key] for r in rows(table, folder)}
        assert not clash, f"{table}.csv repeats ids of {folder.name}: {sorted(clash)}"


def test_no_context_statement_is_repeated():
    keys = [(r["country"], r["factor"], r["as_of"]) for r in rows("contexts")]
    assert len(keys) == len(set(keys))
    for folder in other_folders():
        assert not set(keys) & {(r["country"], r["factor"], r["as_of"]) for r in rows("contexts", folder)}


def test_references_resolve_within_the_bundled_data():
    factors = factor_ids()
    practices = {r["id"] for f in [FOLDER, *other_folders()] for r in rows("practices", f)}
    organizations = {r["id"] for f in [FOLDER, *other_folders()] for r in rows("organizations", f)}
    for row in rows("practice_factors") + rows("contexts"):
        assert row["factor"] in factors, row
    for row in rows("practice_factors"):
        assert row["practice"] in rows_ids("practices"), row
    for row in rows("transfers"):
        assert row["practice"] in practices, row
        for org in filter(None, row["facilitator"].split(";")):
            assert org in organizations, row
    for row in rows("practices"):
        assert not row["organization"] or row["organization"] in organizations, row


def rows_ids(table: str) -> set[str]:
    return {r["id"] for r in rows(table)}


def test_the_bundled_network_loads_with_these_rows():
    """Countries, practices, factors and organizations all resolve: the loader refuses anything
    that does not, naming the file, row and field."""
    plan = prepare_load()
    loaded = {n.id for n in plan.batch.nodes.values() if n.kind == "transfer"}
    assert rows_ids("transfers") <= loaded
    mine = [w for w in plan.warnings if "cases-outcomes" in str(w.file)]
    unexpected = [w for w in mine if "known column" not in str(w.expected)]
    assert not unexpected, unexpected


def test_outcomes_give_contrast():
    """The folder's reason to exist: transfers whose verdict is known, failures and partials among them."""
    transfers = rows("transfers")
    failures = [t for t in transfers if t["status"] == "abandoned" or t["outcome"] == "failure"]
    partials = [t for t in transfers if t not in failures and t["outcome"] == "partial"]
    assert len(failures) >= 9
    assert len(partials) >= 14
