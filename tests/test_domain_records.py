"""The domain records and the model's tables are frozen msgspec Structs (ontology/domain.py says
why): they must keep behaving as the frozen dataclasses they replaced did."""

from __future__ import annotations

import msgspec
import pytest

from psikg.ontology import domain, model
from psikg.ontology.plain import to_plain

RECORDS = [getattr(domain, name) for name in domain.__all__ if name != "Catalog"] + [
    model.Property, model.Relation, model.Kind]


@pytest.mark.parametrize("record", RECORDS, ids=lambda cls: cls.__name__)
def test_a_record_is_frozen_and_equal_and_hashed_by_value(record):
    required = [f for f in msgspec.structs.fields(record) if f.required]
    values = {f.name: f"value-{f.name}" for f in required}
    one, same = record(**values), record(*values.values())  # by keyword and in field order alike
    assert one == same and hash(one) == hash(same) and len({one, same}) == 1
    with pytest.raises(AttributeError):
        setattr(one, required[0].name, "changed")
    changed = msgspec.structs.replace(one, **{required[0].name: "changed"})
    assert changed != one and getattr(one, required[0].name) == f"value-{required[0].name}"
    assert list(to_plain(one)) == list(record.__struct_fields__)


def test_records_nested_in_a_record_are_made_json_ready():
    practice = domain.Practice("p", "P", factors=(domain.PracticeFactor("f", "critical"),), targets=("1.1",))
    plain = to_plain(practice)
    assert plain["factors"] == [{"factor": "f", "role": "critical", "note": None, "kind": "precondition",
                                 "basis": None, "read_by": None, "read_on": None}]
    assert plain["targets"] == ["1.1"] and plain["country"] is None

