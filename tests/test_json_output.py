"""Issue 22: ``--format json`` writes large results several times faster and still byte for byte
what the json module writes (orjson formats some floats differently; those go the slow way)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from psikg.commands.common import json_text, to_plain

LEAVES = st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70) | st.floats() | st.text()
VALUES = st.recursive(LEAVES, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                      | st.dictionaries(st.text(max_size=5) | st.integers(), inner, max_size=4), max_leaves=30)


def _reference(data) -> str:
    return json.dumps(to_plain(data), indent=2, ensure_ascii=False)


@settings(max_examples=400, deadline=None)
@given(VALUES)
def test_json_text_is_what_the_json_module_writes(value):
    assert json_text(value) == _reference(value)


@dataclass(frozen=True)
class _Row:
    name: str
    tags: frozenset
    where: Path


def test_floats_orjson_writes_otherwise_and_domain_values():
    tricky = [1e-5, 2.5e-8, 9.999999999999999e-05, 1e-9, float("nan"), float("inf"), -float("inf"), 0.1, 1e16]
    data = {"floats": tricky, "row": _Row("a\u2028\x01\"é", frozenset({"b", "a"}), Path("x/y")), 3: ()}
    assert json_text(data) == _reference(data)
    assert "1e-05" in json_text({"x": 1e-5})
