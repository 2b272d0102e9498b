"""Issue 18: reloading a source replaces what that same source contributed before.

A row deleted from a file since its last load is deleted from the store (a node another source
still gives stays), ``psikg diff`` shows the removal before a load, the load summary counts it, a
removal that would leave a link dangling is refused with the store unchanged, and every backend
ends with the same graph as a fresh load of the files as they now are.
"""

from __future__ import annotations

import json
import shutil
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

import psikg
from psikg.api import Psikg
from psikg.cli import cli
from psikg.errors import InputError
from psikg.graph.embedded import EmbeddedStore
from psikg.ontology.model import KINDS

from .test_conformance import assert_conformant

MINIMAL = Path(__file__).parent / "data" / "minimal"


def drop_lines(path: Path, *starts: str) -> None:
    """Delete the rows of a CSV file that begin with one of ``starts``."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith(starts)), encoding="utf-8")


def drop_agency_b(folder: Path) -> None:
    """Delete organization agency-b with the links to it (a network's member, a facilitator)."""
    drop_lines(folder / "organizations.csv", "agency-b,")
    drop_lines(folder / "transfers.csv", "one-stop-to-som,")
    networks = folder / "networks.csv"
    networks.write_text(networks.read_text(encoding="utf-8").replace(";agency-b", ""), encoding="utf-8")


def contents(store) -> tuple[set, set]:
    """Every node key and link key of a store."""
    nodes = {f"{kind}/{id_}" for kind in KINDS for id_ in store.ids(kind)}
    links = {(f"{kind}/{source}", relation.name, f"{target_kind}/{target}")
             for kind, spec in KINDS.items() for relation in spec.relations
             for source, target_kind, target, _ in store.links(kind, relation.name)}
    return nodes, links


@pytest.fixture
def data(tmp_path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(MINIMAL, folder)
    return folder


def test_regression_issue18_a_reload_removes_deleted_rows_on_every_backend(any_store, data, tmp_path):
    graph = Psikg(any_store)
    graph.load([data], bundled=False)
    drop_lines(data / "practices.csv", "e-id,")
    drop_lines(data / "transfers.csv", "e-id-to-bgd,")
    drop_lines(data / "practice_factors.csv", "e-id,", "one-stop,legal-mandate,")
    drop_lines(data / "contexts.csv", "BGD,legal-mandate,")

    before = contents(any_store)
    changes = graph.diff([data], bundled=False)
    assert contents(any_store) == before  # diff writes nothing
    removed = {c.name: c.removed for c in changes.nodes + changes.links if c.removed}
    assert removed["practice"] == 1 and removed["transfer"] == 1
    assert removed["practice.factors"] == 2  # e-id's own factor link, and one of one-stop's

    report = graph.load([data], bundled=False)
    assert {c.name: c.removed for c in report.changes.nodes if c.removed} == removed_nodes(changes)
    fresh = EmbeddedStore(tmp_path / "fresh.psikg")
    Psikg(fresh).load([data], bundled=False)
    assert contents(any_store) == contents(fresh)
    assert_conformant(fresh, any_store)
    assert graph.diff([data], bundled=False).unchanged


def removed_nodes(changes) -> dict[str, int]:
    return {c.name: c.removed for c in changes.nodes if c.removed}


def test_a_node_another_source_still_gives_stays(any_store, data, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(data / "practices.csv", other / "practices.csv")
    graph = Psikg(any_store)
    graph.load([data], bundled=False)
    graph.load([other], bundled=False)
    drop_lines(data / "practices.csv", "e-id,")
    drop_lines(data / "transfers.csv", "e-id-to-bgd,")
    drop_lines(data / "practice_factors.csv", "e-id,")
    graph.load([data], bundled=False)
    assert "e-id" in any_store.ids("practice")  # other/practices.csv still gives it
    assert "e-id-to-bgd" not in any_store.ids("transfer")


def test_a_removal_that_leaves_a_link_dangling_is_refused(any_store, data, tmp_path):
    """transfers.csv (another source) still names the practice that practices.csv dropped."""
    transfers = tmp_path / "transfers"
    transfers.mkdir()
    (data / "transfers.csv").rename(transfers / "transfers.csv")
    graph = Psikg(any_store)
    graph.load([data], bundled=False)
    graph.load([transfers], bundled=False)
    before = contents(any_store)
    drop_lines(data / "practices.csv", "e-id,")
    drop_lines(data / "practice_factors.csv", "e-id,")
    with pytest.raises(InputError) as refused:
        graph.load([data], bundled=False)
    message = str(refused.value)
    assert "practice/e-id" in message and "transfer/e-id-to-bgd -practice-> practice/e-id" in message
    assert "keep the row" in message
    assert contents(any_store) == before
    drop_lines(transfers / "transfers.csv", "e-id-to-bgd,")
    graph.load([data, transfers], bundled=False)  # both sources at once: nothing dangles
    assert "e-id" not in any_store.ids("practice") and "e-id-to-bgd" not in any_store.ids("transfer")


def test_a_removed_transfer_takes_its_status_steps(data, tmp_path):
    graph = psikg.open(tmp_path / "store.psikg")
    graph.load([data], bundled=False)
    steps = {target for source, _, target, _ in graph.store.links("transfer", "steps") if source == "one-stop-to-som"}
    assert steps
    drop_lines(data / "transfers.csv", "one-stop-to-som,")
    graph.load([data], bundled=False)
    assert not steps & graph.store.ids("status_step")


def test_a_context_stated_by_two_sources_stays_while_one_states_it(data, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "contexts.csv").write_text("country,factor,as_of,present,source\n"
                                        "BGD,legal-mandate,2012,yes,https://example.org/other\n", encoding="utf-8")
    graph = psikg.open(tmp_path / "store.psikg")
    graph.load([data, other], bundled=False)
    drop_lines(data / "contexts.csv", "BGD,political-champion,2012,")
    graph.load([data], bundled=False)
    present = {(s, t) for s, _, t, _ in graph.store.links("context", "present")}
    assert ("bgd-2012", "legal-mandate") in present and ("bgd-2012", "political-champion") not in present


def test_replace_forgets_the_old_origins(data, tmp_path):
    graph = psikg.open(tmp_path / "store.psikg")
    graph.load([data], bundled=False)
    graph.load([], bundled=False, replace=True)
    assert set(graph.store.origins()) == {"psikg:reference"}
    assert not graph.store.ids("practice")


def test_a_store_without_recorded_origins_keeps_what_it_holds(data, tmp_path):
    """A store written before origins were recorded: nothing is known to come from the file."""
    import sqlite3

    path = tmp_path / "store.psikg"
    graph = psikg.open(path)
    graph.load([data], bundled=False)
    graph.store.close()
    with sqlite3.connect(path) as connection:
        connection.execute("DROP TABLE psikg_origins")
    graph = psikg.open(path)
    drop_lines(data / "practices.csv", "e-id,")
    drop_lines(data / "transfers.csv", "e-id-to-bgd,")
    drop_lines(data / "practice_factors.csv", "e-id,")
    graph.load([data], bundled=False)
    assert "e-id" in graph.store.ids("practice")
    drop_agency_b(data)  # now recorded: the next reload removes
    graph.load([data], bundled=False)
    assert "agency-b" not in graph.store.ids("organization")


def test_cli_diff_and_load_show_removals_per_table(data, tmp_path):
    runner = CliRunner()
    store = tmp_path / "store.psikg"

    def run(*args):
        result = runner.invoke(cli, ["--store", str(store), *args])
        assert result.exit_code == 0, result.output
        return result.output

    run("load", "--no-bundled", str(data))
    drop_agency_b(data)
    diff = json.loads(run("diff", "--no-bundled", str(data), "--format", "json"))
    removed = {c["name"]: c["removed"] for c in diff["nodes"] + diff["links"] if c["removed"]}
    assert removed["organization"] == 1 and removed["transfer"] == 1 and removed["transfer.practice"] == 1
    assert "agency-b" in diff["nodes"][[c["name"] for c in diff["nodes"]].index("organization")]["examples"]["removed"]
    loaded = run("load", "--no-bundled", str(data))
    assert "organization -1" in loaded and "transfer -1" in loaded and "status_step -1" in loaded
    assert "Nothing changed" in run("load", "--no-bundled", str(data))


def test_loading_the_bundled_data_twice_changes_nothing(bundled_store_path, tmp_path):
    store = tmp_path / "store.psikg"
    shutil.copy(bundled_store_path, store)
    graph = psikg.open(store)
    before = contents(graph.store), graph.store.origins()
    assert graph.diff().unchanged
    report = graph.load()
    assert report.changes.unchanged and (report.nodes, report.edges) == (report.nodes_before, report.edges_before)
    assert (contents(graph.store), graph.store.origins()) == before


def test_a_source_of_links_only_is_recorded_and_reloaded(any_store, data, tmp_path):
    factors = tmp_path / "factors"
    factors.mkdir()
    (data / "practice_factors.csv").rename(factors / "practice_factors.csv")
    graph = Psikg(any_store)
    graph.load([data, factors], bundled=False)
    assert any_store.origins()[str(factors.resolve())].nodes == set()
    drop_lines(factors / "practice_factors.csv", "one-stop,legal-mandate,")
    graph.load([factors], bundled=False)
    links = {(s, t) for s, _, t, _ in any_store.links("practice", "factors")}
    assert ("one-stop", "political-champion") in links and ("one-stop", "legal-mandate") not in links


def test_an_origins_keys_read_back_whatever_order_they_are_written_in():
    """The keys of an origin are written in the batch's order when it gave most of the batch, as
    its set holds them otherwise (a link the batch does not hold, or a small origin): each time
    they read back as the same keys."""
    from psikg.graph.records import Origin
    from psikg.graph.sqlite_origins import decode_keys, encode_keys

    read = {(f"practice/p{i}", "factors", f"factor/f{i % 7}"): None for i in range(50)}
    most = Origin({"practice/p1", "context/bgd-2020"}, set(list(read)[:40]))
    stray = Origin(set(), set(list(read)[:40]) | {("practice/x", "themes", "theme/t")})
    few = Origin(set(), set(list(read)[:5]))
    for origin in (most, stray, few):
        for order in (read, None):
            found = decode_keys(encode_keys(origin, order))
            assert (found.nodes, found.links) == (origin.nodes, origin.links)
    in_order = zlib.decompress(encode_keys(most, read)).decode().split("\n")[2:]
    assert in_order == ["\t".join(key) for key in list(read)[:40]]
