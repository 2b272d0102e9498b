"""One node with its properties and its links, grouped by relation."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from ..errors import UnknownIdError
from ..ontology.model import KINDS

__all__ = ["NodeView", "LinkView", "resolve_id", "show"]

# When an id exists in several kinds, the first kind in this order wins; "kind/id" is exact.
RESOLUTION_ORDER = ("country", "practice", "transfer", "need", "factor", "theme", "organization",
                    "network", "event", "target", "goal", "indicator", "context")


@dataclass(frozen=True)
class LinkView:
    relation: str
    direction: str  # "out" or "in"
    kind: str
    id: str
    label: str
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NodeView:
    kind: str
    id: str
    label: str
    properties: dict[str, Any]
    links: dict[str, list[LinkView]]


def _label(props: dict | None, fallback: str) -> str:
    props = props or {}
    return str(props.get("title") or props.get("name") or props.get("label") or fallback)


def resolve_id(store, text: str) -> tuple[str, str]:
    """Find the node an id names: ``kind/id`` exactly, else the first kind that has it, else the
    country it names (ISO2, a name or a common variant)."""
    if "/" in text and text.split("/", 1)[0] in KINDS:
        kind, id_ = text.split("/", 1)
        if store.node(kind, id_) is not None:
            return kind, id_
        raise UnknownIdError(kind, id_, difflib.get_close_matches(id_, [i for i, _ in store.nodes(kind)]))
    for kind in RESOLUTION_ORDER:
        for candidate in (text, text.upper(), text.lower()):
            if store.node(kind, candidate) is not None:
                return kind, candidate
    countries = store.catalog().country_resolver  # a country may also be named (Bangladesh, Viet Nam)
    country = countries.find(text)
    if country is not None:
        return "country", country
    known = [i for kind in RESOLUTION_ORDER for i, _ in store.nodes(kind)]
    nearest_countries = countries.suggestions(text)
    suggestions = dict.fromkeys(nearest_countries + tuple(difflib.get_close_matches(text, known, n=5)))
    raise UnknownIdError("node", text, list(suggestions)[:5], labels={c: countries.shown[c] for c in nearest_countries})


def _relation_words(rel: str, direction: str, other_kind: str) -> str:
    """A relation as people say it: ``serves target`` out, ``transfers whose practice it is`` in."""
    words = rel.replace("_", " ")
    if direction == "out":
        return words
    return f"{other_kind}s whose {words} it is" if other_kind != "context" else f"contexts about it ({words})"


def show(store, text: str) -> NodeView:
    kind, id_ = resolve_id(store, text)
    props = store.node(kind, id_)
    rel_types = {r.name: r.pg_type for r in KINDS[kind].relations}
    links: dict[str, list[LinkView]] = {}
    for direction, rel, other_kind, other_id, edge in store.neighbours(kind, id_):
        name = _relation_words(rel, direction, other_kind)
        label = _label(store.node(other_kind, other_id), other_id)
        links.setdefault(name, []).append(LinkView(rel_types.get(rel, rel) if direction == "out" else rel,
                                                   direction, other_kind, other_id, label, dict(edge)))
    return NodeView(kind, id_, _label(props, id_), dict(props), links)
