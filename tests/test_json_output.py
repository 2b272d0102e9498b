"""Issue 22: ``--format json`` writes large results through orjson, which reads dataclasses
itself: the same values the json module writes (byte for byte where both write a number alike),
NaN and infinities as null, and a match answer's unwalked shape as its plain one."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from psikg.commands.common import json_text, to_plain
from psikg.queries.match import match

LEAVES = st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70) | st.floats() | st.text()
VALUES = st.recursive(LEAVES, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                      | st.dictionaries(st.text(max_size=5) | st.integers(), inner, max_size=4), max_leaves=30)


def _reference(data) -> str:
    return json.dumps(to_plain(data), indent=2, ensure_ascii=False)


def _as_json_reads_it(plain):
    """What JSON can say of ``plain``: NaN and infinities are null."""
    if isinstance(plain, float) and not math.isfinite(plain):
        return None
    if isinstance(plain, dict):
        return {key: _as_json_reads_it(value) for key, value in plain.items()}
    if isinstance(plain, list):
        return [_as_json_reads_it(value) for value in plain]
    return plain


def _floats(plain):
    if isinstance(plain, float):
        yield plain
    elif isinstance(plain, dict):
        for value in plain.values():
            yield from _floats(value)
    elif isinstance(plain, list):
        for value in plain:
            yield from _floats(value)


@settings(max_examples=400, deadline=None)
@given(VALUES)
def test_json_text_writes_the_values_the_json_module_writes(value):
    text, plain = json_text(value), to_plain(value)
    assert json.loads(text) == _as_json_reads_it(plain)
    if all(math.isfinite(f) and "e" not in repr(f) for f in _floats(plain)):
        assert text == _reference(value)  # the numbers written alike: every byte alike


@dataclass(frozen=True)
class _Row:
    name: str
    tags: frozenset
    where: Path
    score: float


def test_floats_json_has_no_words_for_and_domain_values():
    tricky = [1e-5, 2.5e-8, 9.999999999999999e-05, 1e-9, float("nan"), float("inf"), -float("inf"), 0.1, 1e16]
    row = _Row("a\u2028\x01\"é", frozenset({"b", "a"}), Path("x/y"), 0.225)
    data = {"floats": tricky, "row": row, 3: ()}
    assert json.loads(json_text(data)) == _as_json_reads_it(to_plain(data))
    assert json.loads(json_text({"x": 1e-5})) == {"x": 1e-5}
    assert json.loads(json_text({"x": float("nan")})) == {"x": None}
    assert json_text(row) == _reference(row)  # a dataclass written by orjson itself
    assert json_text({"big": [2**70, float("nan")]}) == '{\n  "big": [\n    %d,\n    null\n  ]\n}' % 2**70


@pytest.mark.parametrize("top", [None, 3])
def test_a_match_is_written_alike_from_its_unwalked_shape(bundled_catalog, top):
    for practice in sorted(bundled_catalog.practices)[:20]:
        result = match(bundled_catalog, practice, top)
        assert json_text(result.json_shape()) == json_text(result.as_dict()) == _reference(result.as_dict())
