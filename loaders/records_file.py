"""Read YAML or JSON records into table rows.

The file is a mapping of table name to a list of records; each record maps the table's columns
to values. A multi-valued field may be a list (``themes: [health, digital-government]``) or a
``;``-separated string, exactly as in a CSV cell::

    practices:
      - id: bgd-one-stop
        title: One-stop service centres
        country: Bangladesh
        themes: [one-stop-services]
        source: https://example.org/case

Each record becomes a :class:`~psikg.loaders.tables.Row` whose file is ``data.yaml[practices]`` and
whose line is the line where the record starts (for JSON read without line numbers: the record's
position in its list), so the table converter reports problems exactly as for CSV files.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import yaml

from ..errors import InputIssue
from .limits import MAX_EXPANSION, MAX_NESTING, MAX_NUMBER_DIGITS, read_input_bytes, structure_problem
from .tables import TABLES, Row, table_for_name
from .values import nearest
from .workbook import cell_text

__all__ = ["read_records_path", "RECORD_SUFFIXES"]

RECORD_SUFFIXES = (".yaml", ".yml", ".json")


class _LineLoader(yaml.SafeLoader):
    """A safe YAML loader that remembers the line where each mapping starts."""


def _construct_mapping(loader, node, deep=False):
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=deep)
    record = _Record(mapping, node.start_mark.line + 1)
    first_marks = {}
    for key_node, _ in node.value:
        try:
            key = loader.construct_object(key_node)
            mark = key_node.start_mark
            if key in record.key_lines:  # the last one would silently win
                first = first_marks[key]
                raise yaml.constructor.ConstructorError(
                    None, None, f"each key once: {key!r} is at line {mark.line + 1}, column {mark.column + 1} "
                    f"and at line {first.line + 1}, column {first.column + 1}", mark)
            record.key_lines[key] = mark.line + 1
            first_marks[key] = mark
        except TypeError:  # an unhashable key: construct_mapping has refused it already
            pass
    return record


def _compose_checked(loader):
    """Compose the document, then refuse alias expansion beyond the limit (a "billion laughs")."""
    node = yaml.SafeLoader.compose_document(loader)
    problem = _expansion_problem(node)
    if problem:
        raise yaml.composer.ComposerError(None, None, problem, node.start_mark)
    return node


def _expansion_problem(root) -> str | None:
    """Whether aliases make the document more than MAX_EXPANSION times bigger than it is written
    (counted on the node graph, without expanding it)."""
    if root is None:
        return None
    sizes: dict[int, int] = {}
    stack = [(root, False)]
    on_path: set[int] = set()
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        children = ([n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode)
                    else node.value if isinstance(node, yaml.SequenceNode) else [])
        if children_done:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            continue
        if key in sizes:
            continue
        if key in on_path:
            return "no recursive aliases (an anchor used inside itself)"
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)
    if sizes[id(root)] > MAX_EXPANSION * len(sizes) + 1000:
        return (f"aliases that expand the document at most {MAX_EXPANSION} times (these expand {len(sizes):,} "
                f"written values to {sizes[id(root)]:,})")
    return None


def _construct_int(loader, node):
    """An integer, refused when longer than MAX_NUMBER_DIGITS digits (a huge one costs seconds)."""
    text = loader.construct_scalar(node)
    if len(text.lstrip("+-").replace("_", "")) > MAX_NUMBER_DIGITS:
        raise yaml.constructor.ConstructorError(
            None, None, f"numbers of at most {MAX_NUMBER_DIGITS} digits (this one has {len(text):,})",
            node.start_mark)
    return yaml.SafeLoader.construct_yaml_int(loader, node)


class _Record(dict):
    """A mapping that knows the line where it starts and the line of each key."""

    def __init__(self, mapping, line):
        super().__init__(mapping)
        self.line = line
        self.key_lines: dict = {}


def _construct_float_as_written(loader, node):
    """Keep decimal numbers as written: ``16.10`` is SDG target 16.10, not the number 16.1."""
    return loader.construct_scalar(node)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:float", _construct_float_as_written)
# Dates stay as written, so that the table converter checks them (2018-02-30 is a bad date there).
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_float_as_written)
_LineLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_LineLoader.compose_document = _compose_checked
_UNREADABLE = object()


def _json_pairs(pairs):
    """A JSON object, refused when a key repeats (the last one would silently win)."""
    mapping = {}
    for key, value in pairs:
        if key in mapping:
            raise ValueError(f"duplicate key {key!r} in one object: each key once")
        mapping[key] = value
    return mapping


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise ValueError(f"numbers of at most {MAX_NUMBER_DIGITS} digits (this one has {len(text):,})")
    return int(text)


def _parse(path: Path, text: str, issues: list[InputIssue]):
    """The parsed document, or _UNREADABLE after recording why it cannot be read."""
    try:
        document = _parse_text(path, text, issues)
    except RecursionError:
        issues.append(InputIssue(str(path), None, None, None,
                                 f"records nested at most {MAX_NESTING} levels deep"))
        return _UNREADABLE
    if document is not _UNREADABLE:
        problem = structure_problem(document)
        if problem:
            issues.append(InputIssue(str(path), None, None, None, problem))
            return _UNREADABLE
    return document


def _parse_text(path: Path, text: str, issues: list[InputIssue]):
    if path.suffix.lower() == ".json":
        try:
            json.loads(text, parse_int=_json_int)  # duplicate keys: refused below, with both lines
        except json.JSONDecodeError as error:
            issues.append(InputIssue(str(path), error.lineno, None, None,
                                     f"valid JSON ({error.msg} at line {error.lineno}, column {error.colno})"))
            return _UNREADABLE
        except ValueError as error:
            issues.append(InputIssue(str(path), None, None, None, f"valid JSON ({error})"))
            return _UNREADABLE
        try:
            return yaml.load(text, Loader=_LineLoader)  # JSON is YAML: this keeps line numbers
        except yaml.constructor.ConstructorError as error:
            _yaml_issue(path, error, issues, "JSON")
            return _UNREADABLE
        except yaml.YAMLError:
            try:
                return json.loads(text, object_pairs_hook=_json_pairs, parse_int=_json_int)
            except ValueError as error:
                issues.append(InputIssue(str(path), None, None, None, f"valid JSON ({error})"))
                return _UNREADABLE
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as error:
        _yaml_issue(path, error, issues, "YAML")
        return _UNREADABLE


def _yaml_issue(path: Path, error: yaml.YAMLError, issues: list[InputIssue], syntax: str) -> None:
    mark = getattr(error, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    reason = getattr(error, "problem", None) or str(error).splitlines()[0]
    issues.append(InputIssue(str(path), line, None, None,
                             f"valid {syntax} ({reason}" + (f", at line {line}, column {mark.column + 1})"
                                                           if mark is not None and "at line" not in reason
                                                           else ")")))


def _value_text(value) -> str | None:
    """A field value as CSV cell text; None when it is not a plain value or a list of them."""
    if isinstance(value, (list, tuple)):
        parts = [_value_text(v) for v in value]
        if any(p is None for p in parts):
            return None
        return ";".join(p for p in parts if p)
    if isinstance(value, dict):
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return cell_text(value)
    return cell_text(value)


def read_records_path(path: Path, issues: list[InputIssue]) -> dict[str, list[Row]]:
    """Rows by table from a YAML or JSON file of records."""
    name = str(path)
    data = read_input_bytes(path, issues)
    if data is None:
        return {}
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        issues.append(InputIssue(str(path), None, None, None,
                                 f"{path.suffix[1:].upper()} text, but this is a spreadsheet workbook: "
                                 "give it the .xlsx extension"))
        return {}
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        issues.append(InputIssue(str(path), line, None, repr(data[error.start:error.start + 4]), "UTF-8 text"))
        return {}
    if not text.strip():
        issues.append(InputIssue(str(path), None, None, None,
                                 f"a mapping of table names ({', '.join(TABLES)}) to lists of records"))
        return {}
    document = _parse(path, text, issues)
    if document is _UNREADABLE:
        return {}
    if not isinstance(document, dict):
        issues.append(InputIssue(str(path), None, None, type(document).__name__,
                                 f"a mapping of table names ({', '.join(TABLES)}) to lists of records, "
                                 "e.g. 'practices: [{id: ..., title: ...}]'"))
        return {}
    tables: dict[str, list[Row]] = {}
    for key, records in document.items():
        table = table_for_name(str(key))
        label = f"{name}[{key}]"
        if table is None:
            key_line = getattr(document, "key_lines", {}).get(key, getattr(document, "line", None))
            issues.append(InputIssue(str(path), key_line, None, str(key),
                                     f"a table name: {', '.join(TABLES)}", nearest(str(key), TABLES)))
            continue
        if records is None:
            continue
        if not isinstance(records, list):
            issues.append(InputIssue(label, None, None, type(records).__name__, "a list of records"))
            continue
        rows = tables.setdefault(table.name, [])
        for position, record in enumerate(records, start=1):
            line = getattr(record, "line", position)
            if not isinstance(record, dict):
                issues.append(InputIssue(label, line, None, _shorten(record),
                                         f"a record mapping the columns of {table.name} to values"))
                continue
            cells: dict[str, str] = {}
            for field_name, value in record.items():
                column = str(field_name).strip().lower()
                if column not in table.columns:
                    issues.append(InputIssue(label, line, column, str(field_name),
                                             f"a known field of {table.name}: {', '.join(table.columns)}",
                                             nearest(column, table.columns), "warning"))
                    continue
                text_value = _value_text(value)
                if text_value is None:
                    issues.append(InputIssue(label, line, column, _shorten(value),
                                             "a plain value or a list of plain values"))
                    continue
                cells[column] = text_value
            rows.append(Row(label, line, cells))
    return tables


def _shorten(value) -> str:
    text = json.dumps(value, default=str, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 80 else text[:77] + "..."
