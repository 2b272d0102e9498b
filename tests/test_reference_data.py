"""Checks of the shipped reference data (ontology/data/) against reference copies.

The shipped files were transcribed from public upstream sources (see
ontology/data/README.md). This module checks them

* on their own (structure, counts, internal links), always; and
* against the verification copies in ``../shared/reference/`` beside the
  repository root (see that folder's README.md), when that folder exists.

Every difference found against a reference copy is collected and printed
(run ``pytest -rP tests/test_reference_data.py`` to see the reports of
passing tests). A test fails only on differences that the reference README's
known caveats do not explain:

* hyphen characters: U+2011 (non-breaking hyphen) in the KOS where the
  open-sdg YAML and the shipped data have U+2010 (hyphen);
* a stray footnote mark "3" at the end of the KOS English label of target 14.6;
* the truncated KOS English label of target 12.3 ("By 2030,d"; the KOS also
  has a second 12.3 label without the space after the comma).

One more KOS artefact, found by these tests and not listed in the reference
README, is also accepted and reported: a trailing space on the KOS English
label of target 8.7.

country_converter (1.3.2) places Nauru in Polynesia; M49 places it in
Micronesia (057). That is reported, and accepted as a known country_converter
error (KNOWN_COCO_UNREGION_ERRORS); any other mismatch fails.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "ontology" / "data"
REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"

KOS_NS = "http://metadata.un.org/sdg/"
SDGO = "http://metadata.un.org/sdg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"

# Indicator codes of the 2019 KOS that are no longer in the current framework
# (deleted or renumbered in the 2020 comprehensive review); not shipped.
STALE_KOS_CODES = {"1.a.3", "8.9.2", "11.c.1", "13.3.2", "17.6.2"}
# Indicators of the current framework added after the KOS (2020 review, 2022
# refinement): shipped with an empty IRI.
POST_KOS_CODES = {"2.2.3", "3.d.2", "4.1.2", "10.4.2", "10.7.3", "10.7.4",
                  "11.5.3", "13.2.2", "16.3.3"}
# Codes the 2020 review gave to a different indicator: the KOS concept under the code is the deleted
# one, so the current indicator ships with an empty IRI (17.6.1 is the old 17.6.2, broadband).
REUSED_KOS_CODES = {"17.6.1"}
# country_converter UNregion values that disagree with M49 (ISO3 -> M49 name).
KNOWN_COCO_UNREGION_ERRORS = {"NRU": "Micronesia"}


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

def _code_key(code: str):
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.split("."))


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=None)
def goals() -> dict[str, dict[str, str]]:
    return {r["goal"]: r for r in _read_csv("sdg_goals.csv")}


@lru_cache(maxsize=None)
def targets() -> dict[str, dict[str, str]]:
    return {r["target"]: r for r in _read_csv("sdg_targets.csv")}


@lru_cache(maxsize=None)
def indicators() -> list[dict[str, str]]:
    return _read_csv("sdg_indicators.csv")


@lru_cache(maxsize=None)
def regions() -> dict[str, dict[str, str]]:
    return {r["code"]: r for r in _read_csv("m49_regions.csv")}


@lru_cache(maxsize=None)
def groups() -> dict[str, dict]:
    with open(DATA / "country_groups.yaml", encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    return {g["id"]: g for g in doc["groups"]}


def _reference(*parts: str) -> Path:
    if not REFERENCE.is_dir():
        pytest.skip(f"reference copies not found at {REFERENCE} (they live in shared/reference "
                    "beside the repository root); nothing to compare against")
    path = REFERENCE.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"reference copy {path} is absent")
    return path


@lru_cache(maxsize=None)
def kos_graph():
    rdflib = pytest.importorskip("rdflib")
    g = rdflib.Graph()
    g.parse(_reference("sdg", "sdg-kos-goals-targets-indicators.ttl"), format="turtle")
    return g


@lru_cache(maxsize=None)
def _kos_concepts(kind: str) -> dict[str, str]:
    """compact code -> concept IRI, for concepts of type sdgo:{kind}."""
    from rdflib import RDF, URIRef

    g = kos_graph()
    compact = URIRef(SDGO + "SDGCodeCompact")
    out: dict[str, str] = {}
    for s in g.subjects(RDF.type, URIRef(SDGO + kind)):
        for o in g.objects(s, URIRef(SKOS + "notation")):
            if getattr(o, "datatype", None) == compact:
                assert str(o) not in out, f"compact code {o} on two KOS concepts"
                out[str(o)] = str(s)
    return out


def _kos_labels(iri: str, prop: str = "prefLabel") -> list[str]:
    from rdflib import URIRef

    return sorted(str(o) for o in kos_graph().objects(URIRef(iri), URIRef(SKOS + prop))
                  if getattr(o, "language", None) == "en")


@lru_cache(maxsize=None)
def _yaml_ref(name: str) -> dict[str, str]:
    with open(_reference("sdg", name), encoding="utf-8") as f:
        return yaml.safe_load(f)


@lru_cache(maxsize=None)
def _m49_rows() -> list[dict[str, str]]:
    # The file starts with a UTF-8 BOM.
    with open(_reference("countries", "unsd-m49-overview-en.csv"), newline="",
              encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def _norm_hyphen(s: str) -> str:
    return s.replace("\u2011", "\u2010")


def _explained(code: str, shipped: str, other: str) -> str | None:
    """Name the known caveat that explains a title difference, or None."""
    if _norm_hyphen(shipped) == _norm_hyphen(other):
        return "hyphen character (U+2010 vs U+2011)"
    if _norm_hyphen(shipped) == _norm_hyphen(other).strip():
        return "surrounding whitespace in the KOS label"
    if code == "14.6" and _norm_hyphen(other) == _norm_hyphen(shipped) + "3":
        return "KOS footnote mark '3' on 14.6"
    if code == "12.3":
        return "KOS label of 12.3 truncated / damaged"
    return None


def _compare_titles(kind: str, shipped: dict[str, str], others: dict[str, list[str]],
                    source: str) -> tuple[list[str], list[str]]:
    """Return (report lines, unexplained lines)."""
    report, unexplained = [], []
    for code in sorted(shipped, key=_code_key):
        cands = others.get(code, [])
        if not cands:
            line = f"{kind} {code}: no title in {source}"
            report.append(line)
            unexplained.append(line)
            continue
        if shipped[code] in cands:
            continue
        reasons = [_explained(code, shipped[code], c) for c in cands]
        ok = [r for r in reasons if r]
        line = (f"{kind} {code}: shipped {shipped[code]!r} != {source} "
                f"{cands if len(cands) > 1 else cands[0]!r}")
        if ok:
            report.append(f"{line}  [explained: {ok[0]}]")
        else:
            report.append(line)
            unexplained.append(line)
    return report, unexplained


def _print_report(title: str, lines: list[str]) -> None:
    print(f"\n== {title}: {len(lines)} difference(s)")
    for line in lines:
        print("  " + line)


# --------------------------------------------------------------------------
# the shipped files on their own
# --------------------------------------------------------------------------

def test_goals_file():
    g = goals()
    assert list(g) == [str(i) for i in range(1, 18)]
    for row in g.values():
        assert row["title"].strip() == row["title"] and row["title"]
        assert row["short_title"].strip() == row["short_title"] and row["short_title"]


def test_targets_file():
    t = targets()
    assert len(t) == 169
    assert list(t) == sorted(t, key=_code_key)
    for code, row in t.items():
        assert re.fullmatch(r"(1[0-7]|[1-9])\.(\d{1,2}|[a-d])", code), code
        assert row["goal"] == code.split(".")[0] and row["goal"] in goals()
        assert row["title"] and row["title"] == row["title"].strip()
    assert targets()["12.3"]["title"].startswith("By 2030, halve per capita global food waste")
    assert {"1.a", "16.10", "17.19"} <= set(t)


def test_indicators_file():
    rows = indicators()
    codes = [r["indicator"] for r in rows]
    assert len(codes) == len(set(codes)), "one row per indicator code (listing)"
    assert codes == sorted(codes, key=_code_key)
    for r in rows:
        code = r["indicator"]
        assert re.fullmatch(r"\d{1,2}\.[0-9a-d]{1,2}\.\d{1,2}", code), code
        assert r["target"] == code.rsplit(".", 1)[0] and r["target"] in targets(), code
        assert r["title"] and r["title"] == r["title"].strip(), code
        if r["iri"]:
            assert re.fullmatch(r"http://metadata\.un\.org/sdg/C[0-9]{2}[0-9a-z]{2}[0-9]{2}", r["iri"]), r
        else:
            assert code in POST_KOS_CODES | REUSED_KOS_CODES, f"{code} has no IRI but is not a post-KOS indicator"
    assert not set(codes) & STALE_KOS_CODES
    assert POST_KOS_CODES <= set(codes)
    # 248 listings in the current framework (231 unique indicators)
    assert len(rows) == 248
    by_code = {r["indicator"]: r["iri"] for r in rows}
    # Repeated indicators share one permanent KOS code.
    assert by_code["1.5.1"] == by_code["11.5.1"] == by_code["13.1.1"] == KOS_NS + "C200303"
    assert by_code["8.4.1"] == by_code["12.2.1"] == KOS_NS + "C200202"
    # Looked up, not computed: 2.b.1 is C020b02 in the KOS.
    assert by_code["2.b.1"] == KOS_NS + "C020b02"


def test_m49_regions_file():
    reg = regions()
    levels = defaultdict(list)
    for code, r in reg.items():
        assert re.fullmatch(r"\d{3}", code), code
        levels[r["level"]].append(code)
        if r["level"] == "region":
            assert r["parent_code"] == ""
        elif r["level"] == "subregion":
            assert reg[r["parent_code"]]["level"] == "region", code
        elif r["level"] == "intermediate":
            assert reg[r["parent_code"]]["level"] == "subregion", code
        else:
            pytest.fail(f"unknown level {r['level']!r} for {code}")
    assert len(levels["region"]) == 5
    assert len(levels["subregion"]) == 17
    assert len(levels["intermediate"]) == 7
    names = [r["name"] for r in reg.values()]
    assert len(names) == len(set(names)), "region names are unique"
    assert reg["202"]["name"] == "Sub-Saharan Africa" and reg["014"]["parent_code"] == "202"


def test_country_groups_file():
    pycountry = pytest.importorskip("pycountry")
    g = groups()
    assert set(g) == {"LDC", "LLDC", "SIDS"}
    expected = {"LDC": 45, "LLDC": 32, "SIDS": 53}
    for gid, grp in g.items():
        for key in ("id", "name", "as_of", "source", "members"):
            assert grp.get(key), f"{gid}: {key} missing"
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(grp["as_of"]))
        assert str(grp["source"]).startswith("https://")
        members = grp["members"]
        assert len(members) == len(set(members)) == expected[gid], gid
        assert members == sorted(members), gid
        for iso3 in members:
            assert pycountry.countries.get(alpha_3=iso3) is not None, f"{gid}: {iso3}"


def test_country_converter_regions_are_listed():
    """Every UNregion value of country_converter names a region in m49_regions.csv.

    The one exception is country_converter's 'Antarctica', which is the area
    itself (M49 010): M49 places Antarctica in no region or sub-region.
    """
    coco = pytest.importorskip("country_converter")
    names = {r["name"] for r in regions().values()}
    values = set(coco.CountryConverter().data["UNregion"].dropna())
    missing = sorted(values - names - {"Antarctica"})
    assert not missing, f"UNregion values missing from m49_regions.csv: {missing}"


# --------------------------------------------------------------------------
# against the reference copies
# --------------------------------------------------------------------------

def test_goal_and_target_codes_match_kos_and_yaml():
    kos_goals = set(_kos_concepts("Goal"))
    kos_targets = set(_kos_concepts("Target"))
    assert set(goals()) == kos_goals
    assert set(targets()) == kos_targets
    y_goals = {k.split("-")[0] for k in _yaml_ref("goals.yml")}
    y_targets = {k.rsplit("-", 1)[0].replace("-", ".") for k in _yaml_ref("targets.yml")}
    assert set(goals()) == y_goals
    assert set(targets()) == y_targets
    # The KOS concept IRI of a goal / target is the namespace plus the code.
    for code, iri in {**_kos_concepts("Goal"), **_kos_concepts("Target")}.items():
        assert iri == KOS_NS + code


def test_goal_titles_against_references():
    shipped_t = {c: r["title"] for c, r in goals().items()}
    shipped_s = {c: r["short_title"] for c, r in goals().items()}
    kos = _kos_concepts("Goal")
    y = _yaml_ref("goals.yml")
    report, bad = [], []
    for shipped, others, what in (
        (shipped_t, {c: _kos_labels(kos[c]) for c in kos}, "KOS prefLabel@en"),
        (shipped_t, {c: [y[f"{c}-title"]] for c in shipped_t if f"{c}-title" in y}, "goals.yml"),
        (shipped_s, {c: _kos_labels(kos[c], "altLabel") for c in kos}, "KOS altLabel@en"),
        (shipped_s, {c: [y[f"{c}-short"]] for c in shipped_s if f"{c}-short" in y}, "goals.yml short"),
    ):
        r, u = _compare_titles("goal", shipped, others, what)
        report += r
        bad += u
    _print_report("goal titles vs KOS and goals.yml", report)
    assert not bad, "unexplained goal title differences:\n" + "\n".join(bad)


def test_target_titles_against_references():
    shipped = {c: r["title"] for c, r in targets().items()}
    kos = _kos_concepts("Target")
    y = _yaml_ref("targets.yml")
    r1, u1 = _compare_titles("target", shipped, {c: _kos_labels(kos[c]) for c in kos},
                             "KOS prefLabel@en")
    r2, u2 = _compare_titles("target", shipped,
                             {k.rsplit("-", 1)[0].replace("-", "."): [v] for k, v in y.items()},
                             "targets.yml")
    _print_report("target titles vs KOS", r1)
    _print_report("target titles vs targets.yml", r2)
    assert not u1 + u2, "unexplained target title differences:\n" + "\n".join(u1 + u2)


def test_indicator_iris_exist_in_kos_with_that_code():
    kos = _kos_concepts("Indicator")
    problems = []
    for r in indicators():
        code, iri = r["indicator"], r["iri"]
        if iri and kos.get(code) != iri:
            problems.append(f"{code}: shipped {iri}, KOS has {kos.get(code)} for that compact code")
        if not iri and code in kos and code not in REUSED_KOS_CODES:
            problems.append(f"{code}: shipped without IRI, KOS has {kos[code]}")
    shipped = {r["indicator"] for r in indicators()}
    not_shipped = sorted(set(kos) - shipped, key=_code_key)
    _print_report("KOS indicator codes not shipped (stale since the 2020 review)", not_shipped)
    assert set(not_shipped) == STALE_KOS_CODES
    assert not problems, "\n".join(problems)
    # Also: the KOS links each listing to the target of its code.
    from rdflib import URIRef

    g = kos_graph()
    for r in indicators():
        if r["iri"]:
            broader = {str(o) for o in g.objects(URIRef(r["iri"]), URIRef(SKOS + "broader"))}
            assert KOS_NS + r["target"] in broader, r["indicator"]


def test_indicator_titles_against_open_sdg_yaml():
    """Report-only for wording; codes must agree apart from the documented cases.

    The reference copy of global_indicators.yml keeps 5 codes deleted in 2020
    and lacks 11.5.3 (added in 2022).
    """
    y = _yaml_ref("indicators.yml")
    ref = {k[: -len("-title")].replace("-", "."): v for k, v in y.items() if k.endswith("-title")}
    shipped = {r["indicator"]: r["title"] for r in indicators()}
    report = [f"only in reference: {c}" for c in sorted(set(ref) - set(shipped), key=_code_key)]
    report += [f"only shipped: {c}" for c in sorted(set(shipped) - set(ref), key=_code_key)]
    for c in sorted(set(ref) & set(shipped), key=_code_key):
        if shipped[c] != ref[c]:
            report.append(f"{c}: shipped {shipped[c]!r} != indicators.yml {ref[c]!r}")
    _print_report("indicator titles vs indicators.yml (report only)", report)
    assert set(ref) - set(shipped) == STALE_KOS_CODES
    assert set(shipped) - set(ref) == {"11.5.3"}


def test_country_groups_match_m49_flags():
    columns = {
        "LDC": "Least Developed Countries (LDC)",
        "LLDC": "Land Locked Developing Countries (LLDC)",
        "SIDS": "Small Island Developing States (SIDS)",
    }
    rows = _m49_rows()
    report = []
    for gid, col in columns.items():
        ref = {r["ISO-alpha3 Code"] for r in rows if r[col].strip().lower() == "x"}
        shipped = set(groups()[gid]["members"])
        report += [f"{gid}: {c} only in M49 CSV" for c in sorted(ref - shipped)]
        report += [f"{gid}: {c} only shipped" for c in sorted(shipped - ref)]
    _print_report("LDC / LLDC / SIDS vs M49 flags", report)
    assert not report


def test_m49_regions_match_m49_csv():
    rows = _m49_rows()
    reg = regions()
    ref = {}
    for r in rows:
        for code_col, name_col, level in (("Region Code", "Region Name", "region"),
                                          ("Sub-region Code", "Sub-region Name", "subregion"),
                                          ("Intermediate Region Code", "Intermediate Region Name",
                                           "intermediate")):
            if r[code_col]:
                ref[r[code_col]] = (r[name_col], level)
    report = []
    for code, (name, level) in sorted(ref.items()):
        got = reg.get(code)
        if got is None or (got["name"], got["level"]) != (name, level):
            report.append(f"{code}: M49 {name!r} ({level}), shipped {got}")
    for code in sorted(set(reg) - set(ref)):
        report.append(f"{code}: shipped but not in M49 CSV")
    _print_report("m49_regions.csv vs M49 CSV", report)
    assert not report


def test_country_subregions_from_country_converter_match_m49():
    """country_converter UNregion + m49_regions.csv gives each country's M49 sub-region."""
    coco = pytest.importorskip("country_converter")
    data = coco.CountryConverter().data
    un_region = {}
    for iso3, value in zip(data["ISO3"], data["UNregion"]):
        if isinstance(iso3, str) and isinstance(value, str):
            un_region.setdefault(iso3, value)
    by_name = {r["name"]: r for r in regions().values()}

    def subregion(iso3: str) -> str | None:
        r = by_name.get(un_region.get(iso3, ""))
        if r is None:
            return None
        if r["level"] == "intermediate":
            return r["parent_code"]
        return r["code"] if r["level"] == "subregion" else None

    def reg_by_name(name: str) -> str | None:
        r = by_name.get(name)
        return (r["parent_code"] if r["level"] == "intermediate" else r["code"]) if r else None

    report, bad = [], []
    for row in _m49_rows():
        iso3 = row["ISO-alpha3 Code"]
        expected = row["Sub-region Code"] or None
        got = subregion(iso3)
        if got != expected:
            line = (f"{iso3} ({row['Country or Area']}): M49 sub-region {expected}, "
                    f"derived {got} from UNregion {un_region.get(iso3)!r}")
            report.append(line)
            known = KNOWN_COCO_UNREGION_ERRORS.get(iso3)
            if known is None or reg_by_name(known) != expected:
                bad.append(line)
        inter = row["Intermediate Region Code"]
        if inter and by_name.get(un_region.get(iso3, ""), {}).get("code") != inter:
            report.append(f"{iso3}: M49 intermediate region {inter}, UNregion "
                          f"{un_region.get(iso3)!r}")
    _print_report("country sub-regions (country_converter + m49_regions.csv) vs M49 CSV", report)
    assert not bad, "\n".join(bad)
