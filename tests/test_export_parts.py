"""Issue 22: an N-Triples or N-Quads export written by several processes (lod/export_parts.py) is
the same file, byte for byte, as one process writes; a write between the parts' snapshots, a part
that fails, and the choice of how many parts are handled."""

from __future__ import annotations

import pytest

import psikg
from psikg.config import DEFAULT_BASE
from psikg.errors import StoreError
from psikg.graph.embedded import EmbeddedStore
from psikg.lod import rdf
from psikg.lod.export_parts import AUTO_MIN_ROWS, plan_parts, write_in_parts
from psikg.lod.rdf import DatasetInfo, export
from psikg.lod.rdf_terms import ExportStats
from psikg.lod.store_rows import Part

from .test_export_equality import _hostile_batch

INFO = DatasetInfo(modified="2026-01-01")


def _export(store, path, fmt: str, jobs: int) -> tuple[bytes, ExportStats]:
    stats = export(store, path, fmt, DEFAULT_BASE, info=INFO, jobs=jobs)
    return path.read_bytes(), stats


@pytest.mark.parametrize("fmt", ["nt", "nq"])
@pytest.mark.parametrize("jobs", [2, 3, 7])
def test_parts_join_into_the_same_file(bundled_store_path, tmp_path, fmt, jobs):
    store = psikg.open(bundled_store_path).store
    one, one_stats = _export(store, tmp_path / f"one.{fmt}", fmt, 1)
    parts = plan_parts(bundled_store_path, jobs)
    assert len(parts) == jobs and parts[0].start is None and parts[-1].stop is None
    assert all(a.stop == b.start for a, b in zip(parts, parts[1:]))  # no gap, no overlap
    many, many_stats = _export(store, tmp_path / f"many.{fmt}", fmt, jobs)
    assert many == one
    assert many_stats == one_stats and many_stats.generation == one_stats.generation
    assert not list(tmp_path.glob(".psikg-export-*"))  # the parts' files are gone


def test_parts_cut_between_ids_that_need_escaping(tmp_path):
    store = EmbeddedStore(tmp_path / "hostile.psikg")
    batch = _hostile_batch()
    batch.add_node("target", "16.6", {"title": "Develop effective institutions"})
    store.apply(batch)
    one, _ = _export(store, tmp_path / "one.nt", "nt", 1)
    for jobs in (2, 3, 4):
        assert _export(store, tmp_path / f"{jobs}.nt", "nt", jobs)[0] == one


def test_a_small_graph_is_written_by_one_process_unless_asked(bundled_store_path):
    assert plan_parts(bundled_store_path, 2, AUTO_MIN_ROWS) == [Part()]
    assert len(plan_parts(bundled_store_path, 2)) == 2
    assert plan_parts(bundled_store_path, 1) == [Part()]


def test_a_write_between_the_snapshots_is_noticed(bundled_graph, tmp_path):
    """Each part's process reports the generation it read: a write moves it, so parts read
    before and after a write are not joined."""
    path = bundled_graph.store.path
    parts = plan_parts(path, 2)
    before = ExportStats()
    list(rdf.graph_lines(EmbeddedStore(path), DEFAULT_BASE, before, parts[1]))
    bundled_graph.store.apply(_one_more_factor())
    after = ExportStats()
    list(rdf.graph_lines(EmbeddedStore(path), DEFAULT_BASE, after, parts[1]))
    assert after.generation != before.generation


def test_an_export_whose_parts_disagree_is_written_again_in_one_process(bundled_store_path, tmp_path,
                                                                        monkeypatch):
    """When the parts read different generations (a race this test cannot time, so the parts'
    writer is made to report it after writing some lines), the file is written once more whole."""
    store = psikg.open(bundled_store_path).store
    one, one_stats = _export(store, tmp_path / "one.nt", "nt", 1)

    def raced(path, output, folder, base, parts, stats, graph=None):
        output.write(b"<lines of a part that will not be kept> .\n")
        return False

    monkeypatch.setattr(rdf, "write_in_parts", raced)
    again, again_stats = _export(store, tmp_path / "again.nt", "nt", 2)
    assert again == one and again_stats == one_stats


def test_a_failing_part_is_one_clear_error_and_leaves_no_files(tmp_path):
    not_a_store = tmp_path / "notes.psikg"
    not_a_store.write_text("not a database\n")
    with pytest.raises(StoreError, match="notes.psikg"):
        plan_parts(not_a_store, 2)
    parts = [Part(), Part()]
    with open(tmp_path / "out.nt", "wb") as output, pytest.raises(StoreError, match="notes.psikg"):
        write_in_parts(not_a_store, output, tmp_path, DEFAULT_BASE, parts, ExportStats())
    assert not list(tmp_path.glob(".psikg-export-*"))


def test_the_command_takes_a_number_of_processes(psikg_cli, bundled_store_path, tmp_path):
    psikg_cli("export", "-o", str(tmp_path / "one.nt"), "--jobs", "1")
    psikg_cli("export", "-o", str(tmp_path / "three.nt"), "--jobs", "3")
    assert (tmp_path / "three.nt").read_bytes() == (tmp_path / "one.nt").read_bytes()
    refused = psikg_cli("export", "-o", str(tmp_path / "none.nt"), "--jobs", "0", code=2)
    assert "--jobs" in refused.output and "0" in refused.output


def _one_more_factor():
    from psikg.graph.records import GraphBatch

    batch = GraphBatch()
    batch.add_node("factor", "added-between-parts", {"label": "Added between the parts"})
    return batch



def test_counts_of_parts_add_up_in_order_when_a_cut_falls_among_the_networks(bundled_store_path, tmp_path):
    """The dataset description names the first networks as entry points: cut between two
    networks, the parts' counts still name them in the one process's order."""
    from psikg.lod.store_rows import KIND_ORDER, Position

    store = psikg.open(bundled_store_path).store
    networks = sorted(id_ for id_, _ in store.nodes("network"))
    assert len(networks) >= 2
    cut = Position(KIND_ORDER["network"], networks[1])
    whole, joined = ExportStats(), ExportStats()
    with open(tmp_path / "whole.nt", "wb") as output:
        rdf.write_lines(output, rdf.graph_lines(store, DEFAULT_BASE, whole))
    with open(tmp_path / "joined.nt", "wb") as output:
        assert write_in_parts(bundled_store_path, output, tmp_path, DEFAULT_BASE, [Part(None, cut), Part(cut, None)],
                              joined)
    assert (tmp_path / "joined.nt").read_bytes() == (tmp_path / "whole.nt").read_bytes()
    assert joined.roots == whole.roots and len(joined.roots) >= 2
    assert joined == whole
