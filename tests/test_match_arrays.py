"""Matching as array arithmetic gives the answers of the rule computed one country at a time
(issue 22): same numbers (exactly, not only to 1e-9), same order, same tiers and coverage, same
JSON, on the bundled network and on a generated one, with and without as-of, weights,
min-coverage, top and top per tier. The yardstick is ``tests/match_reference.py``."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

import psikg
from psikg.loaders.generate import generate
from psikg.queries import rules
from psikg.queries.match import Weights, match
from psikg.queries.matchmake import matchmake
from psikg.queries.score_arrays import state_arrays

from .match_reference import reference_match, reference_matchmake

VARIANTS = [
    {},
    {"top": 10},
    {"top": 3, "top_per_tier": 2},
    {"top_per_tier": 4},
    {"as_of": 2016},
    {"as_of": 2012, "record_as_of": True, "top": 10},
    {"weights": Weights(0.5, 0.2, 0.3), "min_coverage": 0.25},
    {"weights": Weights(1.0, 0.0, 0.0), "min_coverage": 1.0, "top": 5},
    {"weights": Weights(0.0, 1.0, 0.0), "min_coverage": 0.0},
    {"all_countries": True, "top": 12},
]


def as_json(result) -> str:
    return json.dumps(result.as_dict(), sort_keys=True)


@pytest.fixture(scope="module")
def generated_catalog(tmp_path_factory):
    """A generated network with many ties and every kind of state (60 countries, 600 practices)."""
    folder = tmp_path_factory.mktemp("generated")
    generate(folder / "csv", 60, 600, 80, seed=22)
    graph = psikg.open(folder / "store.psikg")
    graph.load([folder / "csv"], bundled=False)
    return graph.catalog


def assert_same_matches(catalog, practices, variants=VARIANTS) -> None:
    for practice in practices:
        for options in variants:
            fast, slow = match(catalog, practice, **options), reference_match(catalog, practice, **options)
            assert as_json(fast) == as_json(slow), (practice, options)


def test_bundled_network_every_practice(bundled_catalog):
    assert_same_matches(bundled_catalog, sorted(bundled_catalog.practices), VARIANTS[:2])


def test_bundled_network_every_option(bundled_catalog):
    practices = random.Random(22).sample(sorted(bundled_catalog.practices), 25)
    assert_same_matches(bundled_catalog, practices)


def test_generated_network_many_practices(generated_catalog):
    practices = random.Random(7).sample(sorted(generated_catalog.practices), 60)
    assert_same_matches(generated_catalog, practices)


def test_near_ties_are_ranked_as_one_country_at_a_time(generated_catalog):
    """Scores within 1e-9 (e.g. 0.6·0.5 + 0.3·1 against 0.6·1) occur in the generated data: the
    head of a tier must be cut at the end of a run of near ties, never inside it."""
    seen = 0
    for practice in sorted(generated_catalog.practices)[:200]:
        result = match(generated_catalog, practice, top=4)
        scores = [c.score for c in reference_match(generated_catalog, practice).candidates]
        seen += any(0 < abs(a - b) <= 1e-9 for a, b in zip(scores, scores[1:]))
        assert as_json(result) == as_json(reference_match(generated_catalog, practice, top=4))
    assert seen, "the generated network should hold near ties"


def test_matchmaking_scores_every_practice_at_once(bundled_catalog, generated_catalog):
    for catalog in (bundled_catalog, generated_catalog):
        for event in sorted(catalog.events):
            for min_score in (0.0, 0.3):
                fast = matchmake(catalog, event, min_score)
                slow = reference_matchmake(catalog, event, min_score)
                assert [json.dumps(o.row(), sort_keys=True) for o in fast.opportunities] == \
                    [json.dumps(o.row(), sort_keys=True) for o in slow.opportunities]
                assert fast.as_dict()["opportunities"] == slow.as_dict()["opportunities"]
                assert fast.engaged == slow.engaged


def test_state_matrices_are_read_off_the_rule(generated_catalog):
    """Every cell of the matrices is the state :func:`rules.states_by_country` gives."""
    year = 2018
    arrays = state_arrays(generated_catalog, year)
    states = rules.states_by_country(generated_catalog, year)
    assert not (arrays.present & arrays.absent).any()
    for country, row in arrays.row.items():
        found = states.get(country, rules.NO_STATES)
        for factor, column in arrays.column.items():
            assert found.state(factor) == ("present" if arrays.present[row, column] else
                                           "absent" if arrays.absent[row, column] else "unknown")
    assert not arrays.present[-1].any() and not arrays.present[:, -1].any()
    assert state_arrays(generated_catalog, year) is arrays  # built once per catalog and year


def test_matrices_stay_small(generated_catalog):
    arrays = state_arrays(generated_catalog, 2020)
    assert arrays.present.dtype == np.bool_
    assert arrays.present.nbytes == (len(arrays.row) + 1) * (len(arrays.column) + 1)
