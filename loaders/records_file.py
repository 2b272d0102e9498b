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
    for key_node, _ in node.value:
        try:
            record.key_lines[loader.construct_object(key_node)] = key_node.start_mark.line + 1
        except TypeError:  # an unhashable key: construct_mapping has refused it already
            pass
    return record


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
_UNREADABLE = object()


def _parse(path: Path, text: str, issues: list[InputIssue]):
    """The parsed document, or None after recording why it cannot be read."""
    if path.suffix.lower() == ".json":
        try:
            json.loads(text)
        except json.JSONDecodeError as error:
            issues.append(InputIssue(str(path), error.lineno, None, None,
                                     f"valid JSON ({error.msg} at line {error.lineno}, column {error.colno})"))
            return _UNREADABLE
        try:
            return yaml.load(text, Loader=_LineLoader)  # JSON is YAML: this keeps line numbers
        except yaml.YAMLError:
            return json.loads(text)
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(error, "problem", None) or str(error).splitlines()[0]
        issues.append(InputIssue(str(path), line, None, None,
                                 f"valid YAML ({reason}" + (f" at line {line}, column {mark.column + 1})"
                                                            if mark is not None else ")")))
        return _UNREADABLE


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
    data = path.read_bytes()
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
