"""The cyclic garbage collector is paused during bulk work and left as it was found (issue 22)."""

from __future__ import annotations

import gc

import psikg
from psikg.graph.bulk import paused_gc

from .conftest import DATA


def test_paused_gc_freezes_what_survives_and_restores_the_collector():
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    with paused_gc():
        assert not gc.isenabled()
        kept = [[index] for index in range(1000)]
        with paused_gc():  # nested: the outer pause holds
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
    assert gc.get_freeze_count() >= frozen + len(kept)


def test_paused_gc_without_freezing_leaves_what_it_made_to_the_collector():
    frozen = gc.get_freeze_count()
    with paused_gc(freeze=False):
        assert not gc.isenabled()
        kept = [[index] for index in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() < frozen + len(kept)  # what it made was not frozen


def test_paused_gc_keeps_a_disabled_collector_disabled():
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_regression_issue22_a_load_leaves_the_collector_on(store_path):
    psikg.open(store_path).load([DATA / "minimal"], bundled=False)
    assert gc.isenabled()
    assert "one-stop" in psikg.open(store_path).catalog.practices
