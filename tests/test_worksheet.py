"""The reverse-engineering worksheet: its content on the hand catalog, its Markdown, and its HTML
opened in headless Chromium (no errors, no network request)."""

from __future__ import annotations

import re

import pytest

from psikg.errors import UnknownIdError
from psikg.ontology.domain import Practice, PracticeFactor
from psikg.queries.worksheet import worksheet
from psikg.views.worksheet_render import render, to_html, to_markdown

from .chromium_pipe import chromium_binary, open_page
from .hand_catalog import base_parts, hand_catalog


@pytest.fixture
def catalog():
    return hand_catalog()


@pytest.fixture
def sheet(catalog):
    return worksheet(catalog, "p-main", "BBB")


def test_practice_deconstructed(sheet):
    assert (sheet.practice, sheet.exporter, sheet.importer) == ("p-main", "AAA", "BBB")
    assert sheet.problem == "Citizens travelled far for services."
    assert sheet.components == ("portal", "centres")
    assert sheet.evidence == "Visits fell by half." and sheet.sources == ("https://example.org/p-main",)
    assert [(r.factor, r.role, r.weight) for r in sheet.factors] == [
        ("champion", "critical", 1.0), ("connectivity", "critical", 1.0), ("budget", "supporting", 0.5)]
    assert sheet.factors[0].note == "The prime minister launched it."


def test_why_it_worked_in_the_exporter(sheet):
    exporter = {r.factor: (r.exporter_status, [(s.factor, s.as_of, s.sources) for s in r.exporter_statements])
                for r in sheet.factors}
    assert exporter == {
        "champion": ("present", [("champion", "2016", ("https://example.org/aaa",))]),
        "connectivity": ("present", [("connectivity", "2015", ("https://example.org/aaa",))]),
        "budget": ("present", [("budget", None, ("https://example.org/aaa",))]),
    }


def test_importer_context_and_gaps(sheet):
    importer = {r.factor: (r.importer_status, [(s.factor, s.present, s.as_of) for s in r.importer_statements])
                for r in sheet.factors}
    assert importer == {
        "champion": ("absent", [("champion", False, "2015")]),
        "connectivity": ("present", [("broadband", True, None)]),  # a narrower factor satisfies it
        "budget": ("present", [("budget", True, "2012")]),  # the undated "absent" is older
    }
    assert [(g.factor, g.importer_status) for g in sheet.gaps] == [("champion", "absent")]


def test_gaps_ordered_by_criticality(catalog):
    sheet = worksheet(catalog, "p-main", "GGG")
    assert [(g.factor, g.role, g.importer_status) for g in sheet.gaps] == [
        ("champion", "critical", "unknown"), ("connectivity", "critical", "unknown"),
        ("budget", "supporting", "unknown")]
    parts = base_parts()
    parts["practices"].append(Practice("p-gaps", "Gaps", "AAA", factors=(
        PracticeFactor("budget", "supporting"), PracticeFactor("broadband", "critical"),
        PracticeFactor("champion", "critical"))))
    sheet = worksheet(hand_catalog(**parts), "p-gaps", "CCC")
    # critical first; among them absent (champion) before unknown (broadband)
    assert [(g.factor, g.importer_status) for g in sheet.gaps] == [
        ("champion", "absent"), ("broadband", "unknown"), ("budget", "unknown")]


def test_adopters_needs_score_and_questions(sheet):
    # every transfer to another country except the opportunity (t4), with its verdict
    assert sorted((a.country, a.transfer, a.status, a.verdict) for a in sheet.adopters) == [
        ("DDD", "t0", "agreed", "open"), ("DDD", "t1", "adopted", "success"),
        ("EEE", "t2", "implementing", "success"), ("HHH", "t3", "agreed", "open"), ("III", "t5", "stalled", "open")]
    ddd = next(a for a in sheet.adopters if a.transfer == "t1")
    assert ddd.same_income_group and not ddd.same_subregion
    assert [a.similarity for a in sheet.adopters] == sorted((a.similarity for a in sheet.adopters), reverse=True)
    assert [t.id for t in sheet.targets] == ["16.6", "17.18"]
    assert [t.id for t in sheet.served_targets] == ["16.6"]
    assert [n.need for n in sheet.needs] == ["bbb-gov"]
    assert sheet.match.score == pytest.approx(0.61, abs=1e-12)
    assert sheet.engagement is None
    assert any("Political champion (critical) is absent in Country BBB" in q for q in sheet.questions)
    assert any("Country DDD" in q and "Country HHH" in q for q in sheet.questions)
    assert not any("No other country" in q for q in sheet.questions)
    assert any("Political champion (critical) is known to be absent" in r for r in sheet.risks)
    assert any("t5" in r and "stalled" in r for r in sheet.risks)


def test_adopters_ordered_by_similarity_to_the_importer(catalog):
    parts = base_parts()
    from psikg.ontology.domain import FactorStatement

    parts["statements"] += [FactorStatement("HHH", "broadband", True, "2020"),
                            FactorStatement("HHH", "budget", True, "2020")]
    sheet = worksheet(hand_catalog(**parts), "p-main", "BBB")
    # context 1.0 (the same satisfied factors); structure: sub-region differs, income unknown, no flags: 0.5
    assert sheet.adopters[0].country == "HHH" and sheet.adopters[0].similarity == pytest.approx(0.75)
    assert sheet.adopters[0].shared_factors == ("broadband", "connectivity", "budget", "infra")


def test_engaged_importer_and_organization_exporter(catalog):
    engaged = worksheet(catalog, "p-main", "EEE")
    assert engaged.engagement == "implementing (transfer t2)"
    assert engaged.recorded and engaged.recorded[0].startswith("t2: status implementing")
    assert any("already implementing" in step for step in engaged.steps)
    sheet = worksheet(catalog, "p-org", "CCC")
    assert sheet.exporter == "orgx" and sheet.exporter_kind == "organization" and sheet.exporter_name == "Org X"
    assert all(r.exporter_status == "not-applicable" for r in sheet.factors)
    assert any("organization" in n for n in sheet.notes)


def test_errors(catalog):
    with pytest.raises(ValueError):
        worksheet(catalog, "p-main", "AAA")  # the exporter itself
    with pytest.raises(UnknownIdError):
        worksheet(catalog, "p-mian", "BBB")
    with pytest.raises(UnknownIdError):
        worksheet(catalog, "p-main", "ZZZ")


def test_markdown(sheet):
    text = to_markdown(sheet)
    assert text.startswith("# Reverse-engineering worksheet: Main practice")
    for heading in ("## 1. The practice", "## 2. Why it worked in Country AAA", "## 3. Country BBB's preconditions",
                    "## 4. Gaps", "## 5. Who already took it up", "## 6. Risks", "## 7. Adoption steps",
                    "## 8. Country BBB's own related practices", "## 9. Recorded for Country BBB",
                    "## 10. SDG targets", "## 11. Questions"):
        assert heading in text
    assert "| Political champion | critical | absent | Political champion: absent, as of 2015 |" in text
    assert render(sheet, "md") == text
    with pytest.raises(ValueError):
        render(sheet, "pdf")


def test_html_is_self_contained_and_escaped():
    parts = base_parts()
    parts["practices"].append(Practice("p-evil", 'A <script>alert("x")</script> & co', "AAA",
                                       factors=(PracticeFactor("budget", "critical", "<b>bold</b>"),),
                                       sources=("https://example.org/?a=1&b=2",)))
    page = to_html(worksheet(hand_catalog(**parts), "p-evil", "BBB"))
    assert "<script" not in page.lower() and "&lt;script&gt;" in page
    assert "<b>bold</b>" not in page
    assert_loads_nothing(page)


def assert_loads_nothing(page: str) -> None:
    """No attribute or style in the page makes a browser fetch anything."""
    lowered = page.lower()
    assert "<script" not in lowered and "<link" not in lowered and "<img" not in lowered
    assert "<iframe" not in lowered and "@import" not in lowered and "url(" not in lowered
    assert not re.search(r"\s(src|srcset|data|poster|background)\s*=", lowered)
    assert not re.search(r"<(?!a\s)[a-z]+[^>]*\shref\s*=", lowered)  # links to follow only, on <a>


@pytest.fixture(scope="module")
def bundled_page(bundled_catalog, tmp_path_factory):
    transfer = next(t for t in bundled_catalog.transfers.values() if t.importer == "SOM" and t.exporter == "BGD")
    sheet = worksheet(bundled_catalog, transfer.practice, "UGA")
    path = tmp_path_factory.mktemp("worksheet") / "worksheet.html"
    path.write_text(to_html(sheet), encoding="utf-8")
    return sheet, path


def test_bundled_html_is_self_contained(bundled_page):
    sheet, path = bundled_page
    assert_loads_nothing(path.read_text(encoding="utf-8"))
    assert sheet.adopters and sheet.adopters[0].country == "SOM"


def test_html_renders_in_headless_chromium_without_network(bundled_page):
    if chromium_binary() is None:
        pytest.skip("chromium is not installed (apt-get install chromium chromium-driver, or make browser)")
    sheet, path = bundled_page
    report = open_page(path, {
        "sections": "document.querySelectorAll('section h2').length",
        "rows": "document.querySelectorAll('#importer tbody tr').length",
        "questions": "document.querySelectorAll('ol.questions li').length",
        "heading": "document.querySelector('h1').textContent",
    }, pdf=True)
    assert sheet.title in report.title
    assert report.values["heading"] == f"Reverse-engineering worksheet: {sheet.title}"
    assert report.values["sections"] == 11
    assert report.values["rows"] == len(sheet.factors)
    assert report.values["questions"] == len(sheet.questions)
    assert report.errors == []
    assert report.requests == [path.resolve().as_uri()], "the page must load nothing but itself"
    assert report.pdf_bytes > 10_000  # it prints


def test_components_outcomes_and_no_contradiction():
    """Issue 14: components to build and outcomes to measure; never "nobody took it up" beside an engagement."""
    parts = base_parts()
    parts["practices"].append(Practice("p-kinds", "Kinds", "AAA", components=("portal",), factors=(
        PracticeFactor("budget", "critical"), PracticeFactor("broadband", "critical", "Fibre layer", kind="component"),
        PracticeFactor("champion", "supporting", "Visits halved", kind="outcome"))))
    from psikg.ontology.domain import Transfer

    parts["transfers"].append(Transfer("tk", "p-kinds", "AAA", "CCC", "agreed"))
    sheet = worksheet(hand_catalog(**parts), "p-kinds", "CCC")
    assert [r.factor for r in sheet.factors] == ["budget"]
    assert sheet.builds == ("portal", "Broadband: Fibre layer")
    assert sheet.measures == ("Political champion: Visits halved",)
    text = to_markdown(sheet)
    assert "No country has taken it up" not in text and "is itself engaged" in text
    assert any("unknown" not in q and "Confirm" in q for q in sheet.steps)
