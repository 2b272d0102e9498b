"""Issue 10: the network views, rendered to HTML and drawn by a real browser.

The views are checked twice: as data (exact node and link counts on a small catalog built by hand,
the filter rule), and as pages loaded in headless Chromium with the network off, where the page
itself must report that vis-network drew the expected nodes, with no console error and no request
other than file:// or data: URLs. Screenshots go to ``test-artifacts/viz/``.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

import psikg
from psikg.cli import cli
from psikg.errors import PsikgError, UnknownIdError
from psikg.ontology.domain import (
    Catalog, Country, Event, Factor, Goal, Need, Network, Organization, Practice, PracticeFactor, Target,
    Theme, Transfer,
)
from psikg.views import viz

from .screens import non_blank
from .viz_browser import Browser, find_chromium

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "viz"


# A catalog small enough to count by hand ---------------------------------------------------------


def hand_catalog() -> Catalog:
    """Network view, default kinds: 16 nodes (DDD, goal 1, factor fx and theme t-unused link to
    nothing and are left out), 21 links (see test_network_view_counts_by_hand)."""
    return Catalog.of(
        countries=[Country("AAA", "Aland", "Africa", "Eastern Africa", un_member=True),
                   Country("BBB", "Bravia", "Asia", "Southern Asia", un_member=True),
                   Country("CCC", "Carto", "Europe", "Northern Europe", un_member=True),
                   Country("DDD", "Dorn", "Africa", "Western Africa", un_member=True)],
        goals=[Goal("1", "No poverty"), Goal("16", "Peace and institutions"), Goal("17", "Partnerships")],
        targets=[Target("1.1", "1", "Extreme poverty"), Target("16.6", "16", "Effective institutions"),
                 Target("17.18", "17", "Data capacity")],
        factors=[Factor("f0", "Leadership"), Factor("f1", "Budget"), Factor("f2", "Champion", broader="f0"),
                 Factor("fx", "Unused")],
        themes=[Theme("t-broad", "Government"), Theme("t-digital", "Digital government", broader="t-broad"),
                Theme("t-unused", "Unused")],
        practices=[
            Practice("p1", "Online one-stop portal <b>bold</b>", "AAA", organization="o1",
                     themes=("t-digital",), targets=("16.6",),
                     factors=(PracticeFactor("f1", "critical"), PracticeFactor("f2", "supporting"))),
            Practice("p2", "Data lab", "BBB", targets=("17.18",), factors=(PracticeFactor("f1", "supporting"),)),
        ],
        needs=[Need("n1", "CCC", "Faster permits", themes=("t-digital",), targets=("16.6",))],
        transfers=[Transfer("t1", "p1", "AAA", "BBB", "adopted", "success", start_year=2019),
                   Transfer("t2", "p1", "AAA", "CCC", "opportunity")],
        organizations=[Organization("o1", "Portal agency", "AAA", "government")],
        networks=[Network("net1", "Peer network", ("AAA", "BBB"))],
        events=[Event("ev1", "Workshop", "Bravo City", "BBB", participants=("AAA", "BBB"))],
    )


def synthetic_catalog(practices: int = 4300, seed: int = 3) -> Catalog:
    """A generated catalog whose network view has more than 5,000 nodes."""
    rng = random.Random(seed)
    regions = [("Africa", "Eastern Africa"), ("Asia", "Southern Asia"), ("Americas", "South America"),
               ("Europe", "Northern Europe"), ("Oceania", "Melanesia")]
    countries = [Country(f"C{i:02d}", f"Country {i}", *regions[i % 5]) for i in range(150)]
    goals = [Goal(str(g), f"Goal {g}") for g in range(1, 18)]
    targets = [Target(f"{g}.{i}", str(g), f"Target {g}.{i}") for g in range(1, 18) for i in range(1, 7)]
    factors = [Factor(f"f{i}", f"Factor {i}", broader=f"f{i // 10}" if i >= 10 else None) for i in range(300)]
    themes = [Theme(f"t{i}", f"Theme {i}", broader="t0" if i else None) for i in range(30)]
    items = []
    for i in range(practices):
        items.append(Practice(
            f"p{i}", f"Practice number {i}", rng.choice(countries).id,
            themes=tuple(rng.sample([t.id for t in themes], 2)),
            targets=tuple(rng.sample([t.id for t in targets], 2)),
            factors=tuple(PracticeFactor(f.id, rng.choice(["critical", "supporting"]))
                          for f in rng.sample(factors, 3))))
    needs = [Need(f"n{i}", rng.choice(countries).id, f"Need {i}", targets=(rng.choice(targets).id,))
             for i in range(300)]
    statuses = list(viz.STATUS_STYLES)
    transfers = []
    for i in range(2000):
        practice = rng.choice(items)
        importer = rng.choice(countries).id
        transfers.append(Transfer(f"tr{i}", practice.id, practice.country, importer, rng.choice(statuses)))
    organizations = [Organization(f"o{i}", f"Organization {i}", rng.choice(countries).id) for i in range(100)]
    return Catalog.of(countries=countries, goals=goals, targets=targets, factors=factors, themes=themes,
                      practices=items, needs=needs, transfers=transfers, organizations=organizations)


# The views as data -------------------------------------------------------------------------------


def test_network_view_counts_by_hand():
    graph = viz.network_view(hand_catalog())
    keys = {n.key for n in graph.nodes}
    assert len(graph.nodes) == 16 and len(graph.edges) == 21
    assert not keys & {"country/DDD", "goal/1", "factor/fx", "theme/t-unused"}
    assert {"goal/16", "goal/17", "factor/f0", "theme/t-broad"} <= keys
    transfers = {(e.source, e.target, e.status) for e in graph.edges if e.relation == "transfer"}
    assert transfers == {("practice/p1", "country/BBB", "adopted"), ("practice/p1", "country/CCC", "opportunity")}
    assert any("4 reference node(s)" in note for note in graph.notes)


def test_targets_shown_on_request_link_to_their_goals():
    graph = viz.network_view(hand_catalog(), kinds=["practice", "target", "goal"])
    keys = {n.key for n in graph.nodes}
    assert keys == {"practice/p1", "practice/p2", "target/16.6", "target/17.18", "goal/16", "goal/17"}
    assert {(e.source, e.target) for e in graph.edges} == {
        ("practice/p1", "target/16.6"), ("practice/p2", "target/17.18"),
        ("target/16.6", "goal/16"), ("target/17.18", "goal/17")}


def test_without_practices_transfers_join_countries():
    graph = viz.network_view(hand_catalog(), kinds=["country"])
    assert {(e.source, e.target) for e in graph.edges} == {("country/AAA", "country/BBB"),
                                                           ("country/AAA", "country/CCC")}


@pytest.mark.parametrize("options, expected", [
    ({"goal": "17"}, {"practice/p2", "goal/17", "country/BBB", "factor/f1"}),
    ({"goal": "SDG 17"}, {"practice/p2", "goal/17", "country/BBB", "factor/f1"}),
    ({"region": "asia"}, {"country/BBB", "practice/p2", "event/ev1", "factor/f1", "goal/17", "network/net1"}),
    ({"region": "Southern Asia"}, {"country/BBB", "practice/p2", "event/ev1", "factor/f1", "goal/17",
                                   "network/net1"}),
    ({"theme": "t-broad"}, {"practice/p1", "need/n1", "theme/t-digital", "theme/t-broad", "country/AAA",
                            "country/BBB", "country/CCC", "factor/f1", "factor/f2", "goal/16",
                            "organization/o1"}),
])
def test_filters_follow_the_rule(options, expected):
    graph = viz.network_view(hand_catalog(), **options)
    assert {n.key for n in graph.nodes} == expected
    keys = {n.key for n in graph.nodes}
    assert all(e.source in keys and e.target in keys for e in graph.edges)
    assert "filtered" in graph.subtitle


@pytest.mark.parametrize("options, kind", [
    ({"goal": "99"}, "SDG goal"), ({"region": "Atlantis"}, "region"), ({"theme": "nope"}, "theme"),
    ({"kinds": ["country", "planet"]}, "kind"),
])
def test_unknown_filter_values_are_refused(options, kind):
    with pytest.raises(UnknownIdError) as error:
        viz.network_view(hand_catalog(), **options)
    assert error.value.kind == kind


def test_transfer_view_by_hand():
    graph = viz.transfer_view(hand_catalog())
    assert {n.key for n in graph.nodes} == {"country/AAA", "country/BBB", "country/CCC"}
    assert {(e.source, e.target, e.status) for e in graph.edges} == {
        ("country/AAA", "country/BBB", "adopted"), ("country/AAA", "country/CCC", "opportunity")}
    colours = {n.key: n.colour for n in graph.nodes}
    assert colours["country/AAA"] == viz.REGION_COLOURS["Africa"]
    assert graph.colour_by == "region"


def test_focus_view_by_hand():
    graph = viz.focus_view(hand_catalog(), "aaa")
    assert {n.key for n in graph.nodes} == {"country/AAA", "practice/p1", "organization/o1", "network/net1",
                                            "event/ev1"}
    assert len(graph.edges) == 5
    assert [n.key for n in graph.nodes if n.focus] == ["country/AAA"]
    deeper = viz.focus_view(hand_catalog(), "country/AAA", depth=2)
    assert len(deeper.nodes) > len(graph.nodes)
    assert len(viz.focus_view(hand_catalog(), "AAA", depth=0).nodes) == 1


def test_focus_on_unknown_or_transfer_explains():
    with pytest.raises(UnknownIdError):
        viz.focus_view(hand_catalog(), "ZZZ-nothing")
    with pytest.raises(PsikgError, match="transfer"):
        viz.focus_view(hand_catalog(), "t1")


def test_match_view_by_hand():
    graph = viz.match_view(hand_catalog(), "p1")
    keys = {n.key for n in graph.nodes}
    # The practice, its exporter, its two factors, candidates CCC and DDD, BBB already engaged.
    assert keys == {"practice/p1", "country/AAA", "factor/f1", "factor/f2", "country/CCC", "country/DDD",
                    "country/BBB"}
    relations = [e.relation for e in graph.edges]
    assert relations.count("lacks factor (unknown)") == 4  # nothing is known of any context
    assert relations.count("transfer") == 1
    assert all(n.x is not None for n in graph.nodes)  # laid out in columns
    one = viz.match_view(hand_catalog(), "p1", country="DDD")
    assert {n.key for n in one.nodes} == {"practice/p1", "country/AAA", "factor/f1", "factor/f2", "country/DDD"}
    with pytest.raises(PsikgError, match="already engaged"):
        viz.match_view(hand_catalog(), "p1", country="BBB")
    with pytest.raises(PsikgError, match="exporter"):
        viz.match_view(hand_catalog(), "p1", country="AAA")


def test_match_view_agrees_with_match(bundled_catalog):
    from psikg.queries.match import match

    result = match(bundled_catalog, "bgd-sdg-tracker", top=5)
    graph = viz.match_view(bundled_catalog, "bgd-sdg-tracker", top=5)
    shown = {n.key: n for n in graph.nodes}
    for rank, candidate in enumerate(result.candidates, start=1):
        node = shown[f"country/{candidate.country}"]
        assert node.label.startswith(f"#{rank} ") and f"{candidate.score:.2f}" in node.label
        has = {e.target for e in graph.edges if e.source == node.key and e.relation == "has factor"}
        assert has == {f"factor/{c.factor}" for c in candidate.shared_factors}


def test_iris():
    assert viz.node_iri("goal", "16") == "http://metadata.un.org/sdg/16"
    assert viz.node_iri("target", "16.6") == "http://metadata.un.org/sdg/16.6"
    assert viz.node_iri("country", "BGD").endswith("/id/country/BGD")
    assert viz.node_iri("practice", "bgd-sdg-tracker").startswith("https://w3id.org/psikg/id/practice/")


def test_page_is_self_contained_and_escapes_data():
    html = viz.render_view(hand_catalog())
    assert "<script src" not in html and "<link " not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?https?://""", html)
    assert "vis.Network" in html and "psikgReady" in html
    assert "<b>bold</b>" not in html  # data is JSON-escaped, never raw HTML
    assert html.count("</script>") == 2  # vis-network, then the page's own script


def test_fast_layout_is_deterministic_and_spread():
    import numpy as np

    edges = [(i, (i * 7 + 3) % 500) for i in range(500)]
    first, second = viz.fast_layout(500, edges), viz.fast_layout(500, edges)
    assert np.array_equal(first, second)
    assert np.isfinite(first).all() and first.std() > 1.0


def test_large_graph_is_precomputed_with_physics_off():
    graph = viz.network_view(synthetic_catalog())
    assert len(graph.nodes) > 5000
    html = viz.render(graph)
    assert '"physics": {"enabled": false}' in html
    assert "Layout precomputed" in html


# The CLI -----------------------------------------------------------------------------------------


def test_cli_writes_each_view(runner, bundled_store_path, tmp_path, monkeypatch):
    store = str(bundled_store_path)
    cases = [
        ([], "transfers"), (["--network"], "network"), (["--transfers"], "transfers"), (["--focus", "BGD", "--depth", "2"], "focus"),
        (["--match", "bgd-sdg-tracker", "--top", "5"], "match"),
        (["--match", "bgd-sdg-tracker", "--country", "NPL"], "match"),
        (["--goal", "16", "--region", "Asia", "--kinds", "country,practice,goal"], "network"),
        (["--transfers", "--layout", "fixed", "--theme", "digital-government"], "transfers"),
        (["--world"], "world"),
    ]
    for args, view in cases:
        out = tmp_path / f"{view}-{len(args)}.html"
        result = runner.invoke(cli, ["--store", store, "viz", "-o", str(out), *args])
        assert result.exit_code == 0, result.output
        assert str(out) in result.output and "nodes" in result.output
        page = out.read_text(encoding="utf-8")
        assert f'data-view="{view}"' in page
        assert ("Layout precomputed" in page) == ("fixed" in args)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["--store", store, "viz", "--transfers"])
    assert result.exit_code == 0 and (tmp_path / "psikg-transfers.html").is_file(), result.output


def test_cli_errors(runner, bundled_store_path, tmp_path):
    store = str(bundled_store_path)
    out = str(tmp_path / "x.html")
    for args in (["--focus", "nothing-like-this"], ["--match", "no-such-practice"], ["--goal", "42"],
                 ["--transfers", "--match", "bgd-sdg-tracker"], ["--country", "NPL"],
                 ["--network", "--transfers"]):
        result = runner.invoke(cli, ["--store", store, "viz", "-o", out, *args])
        assert result.exit_code == 2, (args, result.output)


# In a real browser -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    binary, why = find_chromium()
    if binary is None:
        pytest.skip(why)
    with Browser(binary) as opened:
        yield opened


def _draw(browser, graph: viz.VizGraph, name: str, tmp_path, catalog=None, timeout: float = 60.0) -> dict:
    """Render, load offline, check the page drew every node, return what it reports."""
    page = tmp_path / f"{name}.html"
    page.write_text(viz.render(graph, catalog=catalog), encoding="utf-8")
    report = browser.open(page, timeout=timeout)
    counts = browser.evaluate("({data: window.psikgNodeCount, drawn: window.psikgDrawnCount, "
                              "edges: window.psikgEdgeCount, shown: window.psikgVisibleCount, "
                              "errors: window.psikgErrors})")
    browser.screenshot(ARTIFACTS / f"{name}.png")
    assert counts["data"] == len(graph.nodes), counts
    assert counts["drawn"] == len(graph.nodes), counts
    assert counts["edges"] == len(graph.edges), counts
    assert report["errors"] == [] and counts["errors"] == [], report["errors"]
    outside = [url for url in report["requests"] if not url.startswith(("file://", "data:"))]
    assert outside == [], outside
    return counts


@pytest.mark.parametrize("view, options", [
    ("network", {}), ("transfers", {}), ("focus", {"node": "BGD", "depth": 2}),
    ("match", {"practice": "bgd-sdg-tracker"}),
])
def test_views_draw_in_chromium(browser, bundled_catalog, tmp_path, view, options):
    graph = viz.build_view(bundled_catalog, view, **options)
    assert graph.nodes
    _draw(browser, graph, f"bundled-{view}", tmp_path, bundled_catalog)


def test_in_page_filters_agree_with_the_library(browser, bundled_catalog, tmp_path):
    graph = viz.network_view(bundled_catalog)
    _draw(browser, graph, "bundled-network-filters", tmp_path, bundled_catalog)
    for dim, option, value in (("goals", "goal", "16"), ("regions", "region", "Africa"),
                               ("themes", "theme", "digital-government"), ("regions", "region", "South-eastern Asia")):
        shown = browser.evaluate(f"window.psikg.setFilter({dim!r}, {value!r})")
        links = browser.evaluate("window.psikg.edgeView.length")
        expected = viz.network_view(bundled_catalog, **{option: value})
        assert (shown, links) == (len(expected.nodes), len(expected.edges)), (dim, value)
        browser.evaluate(f"window.psikg.setFilter({dim!r}, '')")
    assert browser.evaluate("window.psikg.search('bangladesh')") >= 1
    assert browser.evaluate("window.psikgErrors") == []


def test_hand_views_draw_in_chromium(browser, tmp_path):
    catalog = hand_catalog()
    for name, graph in (("hand-network", viz.network_view(catalog)), ("hand-match", viz.match_view(catalog, "p1")),
                        ("hand-empty", viz.network_view(Catalog()))):
        _draw(browser, graph, name, tmp_path, catalog)


def test_five_thousand_nodes_draw_with_physics_off(browser, tmp_path):
    graph = viz.network_view(synthetic_catalog())
    assert len(graph.nodes) > 5000
    _draw(browser, graph, "synthetic-5000", tmp_path, timeout=120)
    assert browser.evaluate("window.psikg.network.physics.options.enabled") is False
    # Still responsive: a filter over every node answers at once.
    assert browser.evaluate("window.psikg.setFilter('goals', '3')") < len(graph.nodes)


def test_tooltips_are_text_with_the_iri(browser, tmp_path):
    """Hovering a node shows its essentials and IRI as text: a title with markup stays markup."""
    graph = viz.match_view(hand_catalog(), "p1")
    _draw(browser, graph, "hand-tooltip", tmp_path)
    point = browser.evaluate("(function () { var n = window.psikg.network;"
                             " var p = n.canvasToDOM(n.getPosition('practice/p1'));"
                             " var r = document.getElementById('network').getBoundingClientRect();"
                             " return {x: p.x + r.left, y: p.y + r.top}; })()")
    for _ in range(3):
        browser.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": point["x"], "y": point["y"]})
    deadline = 50
    tooltip = None
    while deadline and not tooltip:
        tooltip = browser.evaluate("(function () { var t = document.querySelector('div.vis-tooltip');"
                                   " return t && t.style.visibility !== 'hidden' && t.textContent ?"
                                   " {text: t.textContent, bold: t.querySelectorAll('b').length} : null; })()")
        deadline -= 1
        if not tooltip:
            import time

            time.sleep(0.1)
    assert tooltip, "no tooltip appeared"
    assert "<b>bold</b>" in tooltip["text"] and tooltip["bold"] == 0
    assert viz.node_iri("practice", "p1") in tooltip["text"]


def test_search_finds_and_focuses_a_node(browser, tmp_path):
    graph = viz.network_view(hand_catalog())
    _draw(browser, graph, "hand-search", tmp_path)
    assert browser.evaluate("window.psikg.search('bravia')") == 1
    browser.evaluate("document.querySelector('#results li').click()")
    assert browser.evaluate("window.psikg.network.getSelectedNodes()") == ["country/BBB"]
    details = browser.evaluate("document.getElementById('details').textContent")
    assert "Bravia" in details and viz.node_iri("country", "BBB") in details
    assert browser.evaluate("window.psikg.search('no such thing')") == 1  # the "No node matches." line


def test_served_network_page(bundled_graph):
    pytest.importorskip("starlette")
    httpx = pytest.importorskip("httpx")
    import asyncio

    from psikg.lod.server import ServerConfig, create_app

    config = ServerConfig(base="http://example.org/kg/", mount="/kg/")
    config.network_view = lambda store: viz.network_page(store, base=config.base, mount=config.mount,
                                                         view="network")
    app = create_app(bundled_graph.store, config)

    async def get(path):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            return await client.get(path)

    response = asyncio.run(get("/kg/network"))
    assert response.status_code == 200 and "psikgReady" in response.text
    assert '"iri": "http://example.org/kg/id/country/BGD"' in response.text
    assert '"href": "/kg/id/country/BGD"' in response.text
    assert '"href": "/kg/resource?iri=http%3A%2F%2Fmetadata.un.org%2Fsdg%2F16"' in response.text
    assert viz.network_page(bundled_graph.store, base=config.base, mount=config.mount) is \
        viz.network_page(bundled_graph.store, base=config.base, mount=config.mount)  # rendered once
    default = viz.network_page(bundled_graph.store, base=config.base, mount=config.mount)
    assert 'data-view="transfers"' in default  # the default: countries by name and their transfers


def test_transfer_map_filters_in_page_agree(browser, bundled_catalog, tmp_path):
    """On the map, transfers carry their practice's goals and themes: the page filters them alike."""
    graph = viz.transfer_view(bundled_catalog)
    assert graph.positions == "seed" and all(n.x is not None for n in graph.nodes)
    _draw(browser, graph, "bundled-transfers-filters", tmp_path, bundled_catalog)
    for dim, option, value in (("goals", "goal", "16"), ("themes", "theme", "social-protection"),
                               ("regions", "region", "Americas")):
        shown = browser.evaluate(f"window.psikg.setFilter({dim!r}, {value!r})")
        links = browser.evaluate("window.psikg.edgeView.length")
        expected = viz.transfer_view(bundled_catalog, **{option: value})
        assert (shown, links) == (len(expected.nodes), len(expected.edges)), (dim, value)
        browser.evaluate(f"window.psikg.setFilter({dim!r}, '')")


def test_dangling_references_draw_nothing():
    parts = hand_catalog()
    catalog = Catalog.of(
        countries=parts.countries.values(), goals=parts.goals.values(), targets=parts.targets.values(),
        factors=parts.factors.values(), themes=parts.themes.values(), practices=parts.practices.values(),
        needs=[Need("n2", "CCC", "Orphan", event="no-such-event", themes=("no-such-theme",))],
        transfers=[Transfer("t9", "p1", "AAA", "ZZZ", "agreed")],
        events=[Event("ev2", "Meeting", organizers=("no-such-org",), participants=("ZZZ",))])
    graph = viz.network_view(catalog)
    keys = {n.key for n in graph.nodes}
    assert "need/n2" in keys and "event/ev2" in keys
    assert not any("no-such" in k or "ZZZ" in k for k in keys)


def test_python_api(bundled_graph, tmp_path):
    page = bundled_graph.viz("match", practice="bgd-sdg-tracker", top=3, path=tmp_path / "out" / "m.html")
    assert (tmp_path / "out" / "m.html").read_text(encoding="utf-8") == page
    assert 'data-view="match"' in page


def test_region_legend_filters_the_map(browser, bundled_catalog, tmp_path):
    graph = viz.transfer_view(bundled_catalog)
    _draw(browser, graph, "bundled-transfers-legend", tmp_path, bundled_catalog)
    browser.evaluate("document.querySelector('.region-row[data-region=\"Africa\"]').click()")
    assert browser.evaluate("window.psikgVisibleCount") == len(viz.transfer_view(bundled_catalog, region="Africa").nodes)
    browser.evaluate("document.querySelector('.region-row[data-region=\"Africa\"]').click()")
    assert browser.evaluate("window.psikgVisibleCount") == len(graph.nodes)


# Issue 19: views a workshop can project -------------------------------------------------------------


def test_outliers_do_not_stretch_the_layout():
    """Issue 19: a few far-flung pieces (the JRC catalogue had 15 of 1,339 nodes) no longer stretch
    the layout: every node is within 1.1 times the radius that holds 98% of them."""
    import numpy as np

    from psikg.views.network.layout import pull_in_outliers

    rng = np.random.default_rng(3)
    core = rng.normal(0, 1, (1300, 2))
    far = rng.normal(0, 1, (15, 2)) * 40
    before = np.vstack([core, far])
    centre = np.median(before, axis=0)
    r98 = np.percentile(np.linalg.norm(before - centre, axis=1), 98)
    pulled = pull_in_outliers(before)
    assert np.linalg.norm(before - centre, axis=1).max() > 10 * r98  # stretched before
    assert np.linalg.norm(pulled - centre, axis=1).max() <= 1.1 * r98 + 1e-9
    inner = np.linalg.norm(before - centre, axis=1) <= r98
    assert np.array_equal(pulled[inner], before[inner])  # the rest stays where it was


def test_colours_are_okabe_ito():
    """Issue 19: every colour of the views comes from the colour-blind-safe palette (or its greys)."""
    from psikg.views.network import style

    palette = set(style.OKABE_ITO.values())
    used = ({v[1] for v in style.KIND_STYLES.values()} | {c for c, _ in style.STATUS_STYLES.values()}
            | set(style.REGION_COLOURS.values()) | {v[1] for v in style.RELATION_STYLES.values()})
    assert used <= palette, used - palette
    assert len(set(style.REGION_COLOURS.values())) == len(style.REGION_COLOURS)


def test_filter_menus_show_the_filters_drawn_with(bundled_catalog):
    """Issue 19: a page drawn for goal 16 opens with "SDG 16" chosen in its menu, not "All goals"."""
    page = viz.render_view(bundled_catalog, "network", goal="16", region="Asia")
    assert re.search(r'<option value="16" selected>SDG 16', page)
    assert re.search(r'<option value="Asia" selected>', page)
    assert ' selected>' not in viz.render_view(bundled_catalog, "network")


def test_default_view_labels_countries_at_1920x1080(bundled_catalog, tmp_path):
    """Issue 19: the default view (the transfer map) names its countries legibly on a projector:
    count the labels drawn at 12 px or more, inside the screen and overlapping no other."""
    binary, why = find_chromium()
    if binary is None:
        pytest.skip(why)
    graph = viz.build_view(bundled_catalog, "transfers")
    page = tmp_path / "default.html"
    page.write_text(viz.render(graph, catalog=bundled_catalog), encoding="utf-8")
    with Browser(binary, width=1920, height=1080) as browser:
        report = browser.open(page)
        readable = browser.evaluate("window.psikg.readableLabels('country', 12)")
        shot = browser.screenshot(ARTIFACTS / "default-1920x1080.png")
    countries = sum(1 for n in graph.nodes if n.kind == "country")
    print(f"readable country labels at 1920x1080: {len(readable)} of {countries}")
    assert report["errors"] == []
    assert len(readable) >= 0.8 * countries, (len(readable), countries)
    non_blank(shot)


def test_world_view_places_countries_by_region(bundled_catalog):
    """Issue 19: the world view keeps the transfer map's nodes and links and puts each country at
    its region's place: the Americas west of Africa, Africa west of Asia, Europe north of Africa."""
    world, transfers = viz.build_view(bundled_catalog, "world"), viz.build_view(bundled_catalog, "transfers")
    assert {n.key for n in world.nodes} == {n.key for n in transfers.nodes} and world.edges == transfers.edges
    assert world.positions == "fixed" and all(n.x is not None for n in world.nodes)

    def mean(region, axis):
        values = [getattr(n, axis) for n in world.nodes if n.kind == "country"
                  and bundled_catalog.countries[n.id].region == region]
        return sum(values) / len(values)

    assert mean("Americas", "x") < mean("Africa", "x") < mean("Asia", "x")
    assert mean("Europe", "y") < mean("Africa", "y")  # north is up (smaller y)
    assert "https://" not in viz.render(world).split("<script")[0].replace("https://w3id.org", "")


def test_presentation_mode_in_chromium(bundled_catalog, tmp_path):
    """Issue 19: presentation mode: large type, one idea per screen, keys move between slides,
    nothing loaded, no console error; screenshots of the first and the match slides."""
    from psikg.views.present import render_presentation, slides

    binary, why = find_chromium()
    if binary is None:
        pytest.skip(why)
    deck = slides(bundled_catalog, "bgd-sdg-tracker")
    assert str(len(bundled_catalog.transfers)) == deck[0].figure
    page = tmp_path / "present.html"
    page.write_text(render_presentation(deck), encoding="utf-8")
    with Browser(binary, width=1920, height=1080) as browser:
        report = browser.open(page)
        assert browser.evaluate("window.psikgSlides") == len(deck)
        size = browser.evaluate("parseFloat(getComputedStyle(document.querySelector('.shown h1')).fontSize)")
        assert size >= 48  # large type at 1080 lines
        non_blank(browser.screenshot(ARTIFACTS / "present-1.png"), min_bytes=15_000, min_colours=8)
        for _ in range(4):
            for kind in ("keyDown", "keyUp"):
                browser.send("Input.dispatchKeyEvent", {"type": kind, "key": "ArrowRight", "code": "ArrowRight",
                                                        "windowsVirtualKeyCode": 39})
        assert browser.evaluate("window.psikgSlide") == 5
        assert browser.evaluate("document.querySelectorAll('.slide.shown').length") == 1
        assert "SDG Tracker" in browser.evaluate("document.querySelector('.shown h1').textContent")
        non_blank(browser.screenshot(ARTIFACTS / "present-5-match.png"), min_bytes=15_000, min_colours=8)
        errors = browser.errors()
    outside = [u for u in report["requests"] if not u.startswith(("file://", "data:"))]
    assert outside == [] and report["errors"] == [] and errors == []


@pytest.mark.parametrize("view, options", [
    ("focus", {"node": "BGD", "depth": 2}), ("match", {"practice": "bgd-sdg-tracker"}), ("transfers", {}),
    ("world", {}),
])
def test_labels_never_overlap(bundled_catalog, tmp_path, view, options):
    """Issue 19: in the focus, match, transfer and world views no two drawn labels overlap on a
    1920x1080 screen (the page pushes apart the nodes whose labels would)."""
    binary, why = find_chromium()
    if binary is None:
        pytest.skip(why)
    page = tmp_path / f"{view}.html"
    page.write_text(viz.render_view(bundled_catalog, view, **options), encoding="utf-8")
    with Browser(binary, width=1920, height=1080) as browser:
        browser.open(page)
        overlaps = browser.evaluate("window.psikg.labelOverlaps()")
        drawn = len(browser.evaluate("window.psikg.readableLabels('', 1)"))
        non_blank(browser.screenshot(ARTIFACTS / f"labels-{view}-1920x1080.png"))
    assert drawn >= 10 and overlaps == 0, (drawn, overlaps)


def test_jrc_catalogue_is_not_a_tiny_blob(shared_reference, tmp_path):
    """Issue 19: with the JRC catalogue loaded (1,339 nodes in the network view, laid out before
    the page is written) no handful of far-flung pieces stretches the layout: every node is within
    1.1 times the radius that holds 98% of them, and the page draws them all."""
    import numpy as np

    from psikg.views.network.layout import positions_of

    cases = shared_reference / "cases" / "jrc-ips-explorer-cases.csv"
    if not cases.is_file():
        pytest.skip(f"{cases} not found")
    graph = psikg.open(tmp_path / "jrc.psikg")
    graph.load([cases], mapping="jrc-ips-explorer")
    view = viz.network_view(graph.catalog)
    assert len(view.nodes) > viz.LAYOUT_THRESHOLD
    pos = np.array(list(positions_of(view).values()))
    radius = np.linalg.norm(pos - np.median(pos, axis=0), axis=1)
    assert radius.max() <= 1.1 * np.percentile(radius, 98) * 1.02
    binary, why = find_chromium()
    if binary is None:
        return
    page = tmp_path / "jrc.html"
    page.write_text(viz.render(view, catalog=graph.catalog), encoding="utf-8")
    with Browser(binary, width=1920, height=1080) as browser:
        browser.open(page)
        assert browser.evaluate("window.psikgDrawnCount") == len(view.nodes)
        non_blank(browser.screenshot(ARTIFACTS / "jrc-network-1920x1080.png"))
