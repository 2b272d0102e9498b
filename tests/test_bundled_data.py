"""The bundled data is facts with sources: every row names its source, and every fact that a curator
read into a source says so, with who read it and when (docs/data.md)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

import psikg
from psikg.errors import InputError
from psikg.loaders import BUNDLED_DIR, prepare_load
from psikg.ontology.model import ENUMS

BUNDLED_CSVS = sorted(BUNDLED_DIR.glob("*/*.csv"))
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
KINDS_OF_FACTOR_LINK = ("precondition", "component", "outcome")


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _provenance_problems(row: dict[str, str], prefix: str = "") -> list[str]:
    basis = (row.get(f"{prefix}basis") or "").strip()
    if basis not in ENUMS["basis"]:
        return [f"{prefix}basis {basis!r} is not one of {ENUMS['basis']}"]
    if basis == "reading":
        problems = []
        if not (row.get(f"{prefix}read_by") or "").strip():
            problems.append(f"a reading without {prefix}read_by")
        if not ISO_DATE.fullmatch((row.get(f"{prefix}read_on") or "").strip()):
            problems.append(f"a reading without an ISO date in {prefix}read_on")
        return problems
    return []


@pytest.mark.parametrize("path", BUNDLED_CSVS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_bundled_row_has_a_source(path):
    missing = [line for line, row in enumerate(_rows(path), start=2) if not (row.get("source") or "").strip()]
    assert not missing, f"{path}: rows without a source: {missing}"


@pytest.mark.parametrize("path", [p for p in BUNDLED_CSVS if p.name in ("practice_factors.csv", "contexts.csv")],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_factor_fact_states_its_basis(path):
    problems = [f"row {line}: {problem}" for line, row in enumerate(_rows(path), start=2)
                for problem in _provenance_problems(row)]
    assert not problems, f"{path}: " + "; ".join(problems[:10])


@pytest.mark.parametrize("path", sorted(BUNDLED_DIR.glob("*/practices.csv")), ids=lambda p: p.parent.name)
def test_every_practice_with_targets_states_their_basis(path):
    problems = [f"row {line}: {problem}" for line, row in enumerate(_rows(path), start=2)
                if (row.get("sdg_targets") or "").strip() for problem in _provenance_problems(row, "sdg_targets_")]
    assert not problems, f"{path}: " + "; ".join(problems[:10])


@pytest.mark.parametrize("path", sorted(BUNDLED_DIR.glob("*/practice_factors.csv")), ids=lambda p: p.parent.name)
def test_every_factor_link_has_a_kind(path):
    wrong = [(line, row.get("kind")) for line, row in enumerate(_rows(path), start=2)
             if row.get("kind") not in KINDS_OF_FACTOR_LINK]
    assert not wrong, f"{path}: {wrong[:10]}"


def test_the_practices_own_parts_are_components():
    kinds = {(r["practice"], r["factor"]): r["kind"]
             for path in BUNDLED_DIR.glob("*/practice_factors.csv") for r in _rows(path)}
    assert kinds[("est-x-road", "data-exchange-platform")] == "component"
    assert kinds[("bgd-a2i-service-innovation", "service-points")] == "component"
    assert kinds[("ken-huduma", "service-points")] == "component"
    assert kinds[("est-x-road", "e-transactions-law")] == "precondition"


def test_stats_count_facts_by_basis(bundled_store_path):
    counts = psikg.open(bundled_store_path).stats().as_dict()
    by_basis = counts["facts_by_basis"]
    assert set(by_basis) == {"practice_factors", "practice_targets", "context_statements"}
    # No bundled fact is left without a basis, and the totals add up.
    assert all(c["unrecorded"] == 0 for c in by_basis.values()), by_basis
    assert sum(by_basis["practice_factors"].values()) == counts["practice_factor_links"]
    assert counts["facts_reading"] == sum(c["reading"] for c in by_basis.values())
    stated = sum(r["basis"] == "stated" for r in _bundled("contexts.csv"))
    assert by_basis["context_statements"]["stated"] == stated > 0
    assert all(r["basis"] == "reading" for r in _bundled("contexts.csv", lambda f: f == "egov-survey"))


def _write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_a_reading_without_its_reader_is_refused(tmp_path):
    _write(tmp_path / "in", "contexts.csv",
           "country,factor,as_of,present,source,basis,read_by,read_on\n"
           "KEN,connectivity,2020,yes,https://example.org/a,reading,,2026-12-01\n"
           "UGA,connectivity,2020,yes,https://example.org/b,assumed,,\n"
           "TZA,connectivity,2020,yes,https://example.org/c,stated,someone,\n")
    with pytest.raises(InputError) as raised:
        prepare_load([tmp_path / "in"], bundled=False)
    messages = "\n".join(str(i) for i in raised.value.issues)
    assert "row 2" in messages and "read_by" in messages
    assert "row 3" in messages and "'assumed'" in messages and "stated, reading" in messages
    assert "row 4" in messages and "basis" in messages


def test_provenance_reaches_the_store(tmp_path):
    _write(tmp_path / "in", "contexts.csv",
           "country,factor,as_of,present,source,basis,read_by,read_on\n"
           "KEN,connectivity,2020,yes,https://example.org/a,reading,A. Curator,2026-12-01\n"
           "KEN,digital-literacy,2020,no,https://example.org/b,stated,,\n")
    store = tmp_path / "s.psikg"
    graph = psikg.open(store)
    graph.load([tmp_path / "in"], bundled=False)
    by_basis = graph.stats().facts_by_basis["context_statements"]
    assert by_basis == {"stated": 1, "reading": 1, "unrecorded": 0}


SURVEY_TABLE = BUNDLED_DIR / "egov-survey" / "contexts.csv"


# The survey files, oldest first: 2010-2018 carry ISO3 codes, 2022 and 2024 country names.
SURVEY_FILES = ("egdi-2010.csv", "egdi-2012.csv", "egdi-2014.csv", "egdi-2016.csv", "egdi-2018.csv",
                "EGOV_DATA_2022.csv", "EGOV_DATA_2024.csv")
SURVEY_YEARS = ("2010", "2012", "2014", "2016", "2018", "2022", "2024")


def test_the_bundled_survey_table_is_derived_from_the_official_files(shared_reference):
    """The shipped table equals what the project's importer derives from the seven official survey
    files (to regenerate it: python -m psikg.loaders.official loaders/bundled/egov-survey/contexts.csv
    followed by the files of SURVEY_FILES in ../shared/reference/egdi/, in that order)."""
    from psikg.loaders.official import survey_contexts_csv

    files = [shared_reference / "egdi" / name for name in SURVEY_FILES]
    assert SURVEY_TABLE.read_text(encoding="utf-8") == survey_contexts_csv(files)


def test_the_survey_table_covers_every_un_member_in_every_survey_year(bundled_catalog):
    rows = _rows(SURVEY_TABLE)
    members = {c.id for c in bundled_catalog.countries.values() if c.un_member}
    assert len(members) == 193
    assert sorted({r["as_of"] for r in rows}) == list(SURVEY_YEARS)
    for year in SURVEY_YEARS:
        # South Sudan became independent in 2011: the 2010 file lists it without values.
        expected = members - {"SSD"} if year == "2010" else members
        countries = {r["country"] for r in rows if r["as_of"] == year}
        assert countries == expected, (year, sorted(expected ^ countries))
        # Three statements a country, less the values the file leaves empty (2010: 10 HCI, 1 TII).
        missing = 11 if year == "2010" else 0
        assert len([r for r in rows if r["as_of"] == year]) == 3 * len(expected) - missing
    assert {r["basis"] for r in rows} == {"reading"}
    # As loaded, every member has statements as of every survey year it was scored in.
    dated = {(s.country, s.as_of) for s in bundled_catalog.statements}
    assert all((m, y) in dated for m in members for y in SURVEY_YEARS if (m, y) != ("SSD", "2010"))


def test_survey_history_gives_as_of_readings_their_own_year(bundled_catalog):
    """Regression (issue 15): a transfer started in 2012 reads the 2012 survey, not the 2024 one.
    Kyrgyzstan's Online Service Index was below 0.5 in 2012 and above 0.5 by 2022."""
    from psikg.queries import rules

    statements = bundled_catalog.statements_by_country["KGZ"]
    assert "online-services" in rules.factor_states(bundled_catalog, statements, 2012).absent
    assert "online-services" in rules.factor_states(bundled_catalog, statements, 2024).present


# docs/data.md: coverage of the bundled data by M49 region, sub-region and income group ---------------

DATA_DOC = Path(__file__).resolve().parents[1] / "docs" / "data.md"
COVERAGE_START, COVERAGE_END = "<!-- coverage:start -->", "<!-- coverage:end -->"
COVERAGE_COLUMNS = ("UN members", "with curated statements", "with survey statements", "practices from",
                    "transfers into")


def _bundled(name: str, folder_filter=lambda folder: True) -> list[dict[str, str]]:
    return [row for path in sorted(BUNDLED_DIR.glob(f"*/{name}")) if folder_filter(path.parent.name)
            for row in _rows(path)]


def _coverage_table(title: str, group_of: dict[str, str], members: set[str]) -> str:
    curated = {r["country"] for r in _bundled("contexts.csv", lambda f: f != "egov-survey")}
    survey = {r["country"] for r in _bundled("contexts.csv", lambda f: f == "egov-survey")}
    practices = [r["country"] for r in _bundled("practices.csv") if r.get("country")]
    transfers = [r["importer"] for r in _bundled("transfers.csv")]
    groups = sorted({g for c, g in group_of.items() if c in members}, key=lambda g: (g == "(none)", g))
    lines = [f"| {title} | " + " | ".join(COVERAGE_COLUMNS) + " |", "|---" * (len(COVERAGE_COLUMNS) + 1) + "|"]
    for group in groups + ["all"]:
        countries = {c for c in members if group == "all" or group_of.get(c) == group}
        cells = (len(countries), len(countries & curated), len(countries & survey),
                 sum(c in countries for c in practices), sum(c in countries for c in transfers))
        label = "**all**" if group == "all" else group
        lines.append(f"| {label} | " + " | ".join(str(n) for n in cells) + " |")
    return "\n".join(lines)


def coverage_markdown(countries: dict[str, dict]) -> str:
    """The coverage tables of docs/data.md, from country records carrying M49 and income group."""
    members = {c for c, p in countries.items() if p.get("un_member")}
    tables = [
        _coverage_table("M49 region", {c: p.get("region") or "(none)" for c, p in countries.items()}, members),
        _coverage_table("M49 intermediate region, else sub-region",
                        {c: p.get("intermediate_region") or p.get("subregion") or "(none)"
                         for c, p in countries.items()}, members),
        _coverage_table("World Bank income group (FY2026)",
                        {c: p.get("income_group") or "(none)" for c, p in countries.items()}, members),
    ]
    return "\n\n".join(tables)


def test_the_coverage_tables_in_docs_data_are_current(shared_reference):
    """Counts are of UN member states only. To refresh, paste the table this test prints."""
    plan = prepare_load([shared_reference / "countries" / "wb-CLASS_FY2026.xlsx"], bundled=False)
    countries = {n.id: n.props for n in plan.batch.nodes.values() if n.kind == "country"}
    expected = coverage_markdown(countries)
    text = DATA_DOC.read_text(encoding="utf-8")
    found = text[text.index(COVERAGE_START) + len(COVERAGE_START):text.index(COVERAGE_END)].strip()
    assert found == expected, "docs/data.md coverage tables are stale; the current ones:\n\n" + expected


def test_a_transfer_says_what_moved(tmp_path):
    _write(tmp_path / "in", "practices.csv", "id,title,country,source\np1,A practice,BRA,https://example.org/p\n")
    _write(tmp_path / "in", "transfers.csv",
           "id,practice,exporter,importer,status,degree,lesson\n"
           "p1-to-moz,p1,BRA,MOZ,adopted,inspiration,Local farmers' groups needed support first\n"
           "p1-to-ken,p1,BRA,KEN,adopted,transplant,\n")
    with pytest.raises(InputError) as raised:
        prepare_load([tmp_path / "in"], bundled=False)
    messages = "\n".join(str(i) for i in raised.value.issues)
    assert "row 3" in messages and "'transplant'" in messages and "copy, adaptation, inspiration" in messages
    (tmp_path / "in" / "transfers.csv").write_text(
        "id,practice,exporter,importer,status,degree,lesson\n"
        "p1-to-moz,p1,BRA,MOZ,adopted,inspiration,Local farmers' groups needed support first\n", encoding="utf-8")
    plan = prepare_load([tmp_path / "in"], bundled=False)
    props = plan.batch.nodes["transfer/p1-to-moz"].props
    assert props["degree"] == "inspiration" and props["lesson"].startswith("Local farmers")
