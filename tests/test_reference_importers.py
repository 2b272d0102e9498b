"""Official reference files, recognised by content and loaded with `psikg load FILE` (issue 3),
tested on the verification copies in ../shared/reference (skipped when they are absent)."""

from __future__ import annotations

import shutil
from collections import Counter

import pytest

import psikg
from psikg.cli import cli
from psikg.errors import InputError
from psikg.loaders import prepare_load
from psikg.loaders.official import EGDI, EGDI_FACTORS, EGDI_THRESHOLD, M49, SDG_KOS, WB_CLASS, recognise


@pytest.fixture
def m49(shared_reference):
    return shared_reference / "countries" / "unsd-m49-overview-en.csv"


@pytest.fixture
def wb_class(shared_reference):
    return shared_reference / "countries" / "wb-CLASS_FY2026.xlsx"


@pytest.fixture
def kos(shared_reference):
    return shared_reference / "sdg" / "sdg-kos-goals-targets-indicators.ttl"


def _countries(plan):
    return {n.id: n.props for n in plan.batch.nodes.values() if n.kind == "country"}


def test_files_are_recognised_by_content_not_name(shared_reference, tmp_path):
    cases = {"countries/unsd-m49-overview-en.csv": M49, "countries/wb-CLASS_FY2026.xlsx": WB_CLASS,
             "sdg/sdg-kos-goals-targets-indicators.ttl": SDG_KOS, "egdi/egdi-2014.csv": EGDI,
             "egdi/EGOV_DATA_2022.csv": EGDI}
    for index, (name, kind) in enumerate(cases.items()):
        renamed = tmp_path / f"upload-{index}{shared_reference.joinpath(name).suffix}"
        shutil.copy(shared_reference / name, renamed)
        assert recognise(renamed)[0] == kind, name
    assert recognise(shared_reference / "countries" / "wb-OGHIST.xlsx") is None
    assert recognise(shared_reference / "sdg" / "sdg-kos-void.ttl") is None


def test_m49_flags_and_regions(m49):
    plan = prepare_load([m49], bundled=False)
    countries = _countries(plan)
    assert sum(p["ldc"] for p in countries.values()) == 45
    assert sum(p["lldc"] for p in countries.values()) == 32
    assert sum(p["sids"] for p in countries.values()) == 53
    kenya = countries["KEN"]
    assert (kenya["region"], kenya["subregion"], kenya["intermediate_region"], kenya["m49"]) == (
        "Africa", "Sub-Saharan Africa", "Eastern Africa", "404")
    assert countries["BTN"]["ldc"] is False  # left the list in December 2023
    assert countries["FJI"]["sids"] is True and countries["AFG"]["lldc"] is True
    regions = Counter(p["region"] for iso3, p in countries.items() if p.get("region") and iso3 != "TWN")
    assert regions == {"Africa": 60, "Americas": 57, "Europe": 51, "Asia": 50, "Oceania": 29}
    assert "UN M49 overview: 248 countries, 45 LDC, 32 LLDC, 53 SIDS" in plan.notes


def test_world_bank_class(wb_class):
    plan = prepare_load([wb_class], bundled=False)
    countries = _countries(plan)
    classified = {iso3: p for iso3, p in countries.items() if p.get("income_as_of") == "FY2026"}
    assert len(classified) == 216  # 218 economies without XKX and CHI
    groups = Counter(p["income_group"] for p in classified.values())
    # The file: High 87, Upper-middle 54, Lower-middle 50, Low 25; Channel Islands (High) and
    # Kosovo (Upper-middle) have no ISO 3166 code and are skipped.
    assert groups == {"High income": 86, "Upper middle income": 53, "Lower middle income": 50,
                      "Low income": 25, None: 2}
    assert classified["ETH"]["income_group"] is None and classified["VEN"]["income_group"] is None
    assert (classified["BGD"]["income_group"], classified["BGD"]["lending_category"]) == (
        "Lower middle income", "IDA")
    skipped = {w.value for w in plan.warnings if w.field == "Code"}
    assert skipped == {"XKX", "CHI"}
    note = next(n for n in plan.notes if n.startswith(WB_CLASS))
    assert "218 economies, 216 with an income group, 2 unclassified, 216 countries updated" in note


def test_world_bank_lending_categories(wb_class):
    countries = _countries(prepare_load([wb_class], bundled=False))
    lending = Counter(p.get("lending_category") for p in countries.values() if p.get("income_as_of"))
    # The file lists IBRD 67, IDA 59 (Kosovo among them), Blend 19.
    assert (lending["IBRD"], lending["IDA"], lending["Blend"]) == (67, 58, 19)


def test_sdg_kos_labels_in_every_language(kos):
    plan = prepare_load([kos], bundled=False)
    nodes = plan.batch.nodes
    goals = [n for n in nodes.values() if n.kind == "goal" and n.props.get("labels")]
    targets = [n for n in nodes.values() if n.kind == "target" and n.props.get("labels")]
    assert (len(goals), len(targets)) == (17, 169)
    goal_1 = nodes["goal/1"].props
    assert "Poner fin a la pobreza en todas sus formas y en todo el mundo@es" in goal_1["labels"]
    assert "Éliminer la pauvreté sous toutes ses formes et partout dans le monde@fr" in goal_1["labels"]
    assert f"{goal_1['title']}@en" in goal_1["labels"]
    assert {label.rsplit("@", 1)[1] for n in goals + targets for label in n.props["labels"]} == {"en", "es", "fr"}
    # The shipped English text wins over the KOS's truncated 12.3 label.
    assert not any(label.startswith("By 2030,d") for label in nodes["target/12.3"].props["labels"])
    # Indicators keep their permanent code as id: one node for 1.5.1 = 11.5.1 = 13.1.1.
    shared = nodes["indicator/C200303"].props
    assert set(shared["codes"]) == {"1.5.1", "11.5.1", "13.1.1"}
    assert any(label.endswith("@fr") for label in shared["labels"])
    skipped = {w.value.split()[0] for w in plan.warnings if w.field == "indicator"}
    assert {"C010a03", "C080902", "C110c01", "C130302"} <= skipped


@pytest.mark.parametrize("name, year", [("egdi-2010.csv", 2010), ("egdi-2012.csv", 2012), ("egdi-2014.csv", 2014),
                                        ("egdi-2016.csv", 2016), ("egdi-2018.csv", 2018),
                                        ("EGOV_DATA_2022.csv", 2022), ("EGOV_DATA_2024.csv", 2024)])
def test_e_government_survey_becomes_dated_context_statements(shared_reference, name, year):
    plan = prepare_load([shared_reference / "egdi" / name], bundled=False)
    contexts = [n for n in plan.batch.nodes.values() if n.kind == "context"]
    # 193 countries each year; the 2010 file lists South Sudan (independent in 2011) without values.
    assert len(contexts) == (192 if year == 2010 else 193)
    assert {n.props["as_of"] for n in contexts} == {str(year)}
    assert all(any("E-Government Survey" in s or "egovkb" in s for s in n.props["sources"]) for n in contexts)
    factors = {factor for factor, _ in EGDI_FACTORS.values()}
    linked = {link.target.split("/")[1] for link in plan.batch.links.values()
              if link.source.startswith("context/") and link.rel in ("present", "absent")}
    assert linked == factors
    assert f"{EGDI} {year}: 193 countries" in " ".join(plan.notes)


def test_survey_thresholds(shared_reference):
    plan = prepare_load([shared_reference / "egdi" / "egdi-2018.csv"], bundled=False)
    links = set(plan.batch.links)
    # Iraq 2018: OSI 0.3194 (< 0.5: absent), HCI 0.5094 (present), TII 0.184 (absent)
    assert ("context/irq-2018", "absent", "factor/online-services") in links
    assert ("context/irq-2018", "present", "factor/digital-literacy") in links
    assert ("context/irq-2018", "absent", "factor/connectivity") in links
    # Ireland 2018: all three >= 0.5
    for factor in ("online-services", "digital-literacy", "connectivity"):
        assert ("context/irl-2018", "present", f"factor/{factor}") in links
    assert EGDI_THRESHOLD == 0.5


def test_survey_names_match_after_cleaning(shared_reference):
    plan = prepare_load([shared_reference / "egdi" / "EGOV_DATA_2022.csv"], bundled=False)
    countries = {link.target for link in plan.batch.links.values()
                 if link.source.startswith("context/") and link.rel == "country"}
    assert "country/GEO" in countries and "country/CIV" in countries and len(countries) == 193


def test_importers_load_through_the_cli(shared_reference, tmp_path, runner, m49, wb_class, kos):
    store = tmp_path / "store.psikg"
    result = runner.invoke(cli, ["--store", str(store), "load", str(m49), str(wb_class), str(kos),
                                 str(shared_reference / "egdi" / "egdi-2018.csv")])
    assert result.exit_code == 0, result.output
    assert "UN M49 overview: 248 countries" in result.output
    catalog = psikg.open(store).catalog
    assert catalog.countries["BGD"].income_group == "Lower middle income"
    assert catalog.countries["KEN"].ldc is False and catalog.countries["ETH"].ldc is True
    statements = [s for s in catalog.statements if s.as_of == "2018" and s.factor == "connectivity"]
    assert len(statements) == 193


def test_a_broken_reference_file_is_refused(shared_reference, tmp_path):
    broken = tmp_path / "egdi-2016.csv"
    text = (shared_reference / "egdi" / "egdi-2016.csv").read_text(encoding="utf-8").splitlines()
    text[5] = "XXA,Atlantis,1,0.5,0.5,abc,0.5,0.5"
    broken.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        prepare_load([broken], bundled=False)
    messages = [str(i) for i in raised.value.issues]
    assert any("row 6" in m and "'XXA'" in m for m in messages), messages
