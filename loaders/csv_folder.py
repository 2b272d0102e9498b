"""Read a folder of CSV files (or single CSV files) into table rows, checking the file itself:
encoding, delimiter, header and size. Cell values are checked later, by the table converter."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import InputIssue
from ..graph.bulk import paused_gc
from .limits import read_input_bytes
from .tables import TABLES, Row, table_for_name
from .values import MAX_CELL, nearest

__all__ = ["read_csv_path", "read_csv_text"]

MAGIC = {b"PK\x03\x04": "a zip archive or .xlsx workbook", b"%PDF": "a PDF document",
         b"\x89PNG": "a PNG image", b"\xd0\xcf\x11\xe0": "an old Excel/Office file"}


def read_csv_path(path: Path, issues: list[InputIssue]) -> dict[str, list[Row]]:
    """Rows by table from a folder of CSV files or from one CSV file named after its table."""
    files = sorted(path.glob("*.csv")) if path.is_dir() else [path]
    if path.is_dir() and not files:
        issues.append(InputIssue(str(path), None, None, None,
                                 f"CSV files named after tables ({', '.join(TABLES)})"))
    tables: dict[str, list[Row]] = {}
    with paused_gc():  # every row lives until the load ends (see graph/bulk.py)
        for file in files:
            _read_csv_file(file, tables, issues)
    return tables


def _read_csv_file(file: Path, tables: dict[str, list[Row]], issues: list[InputIssue]) -> None:
    """Add the rows of one CSV file, named after its table, to ``tables``."""
    table = table_for_name(file.stem)
    if table is None:
        issues.append(InputIssue(str(file), None, None, file.name,
                                 f"a file named after a table: {', '.join(t + '.csv' for t in TABLES)}",
                                 nearest(file.stem, TABLES)))
        return
    data = read_input_bytes(file, issues)
    if data is None:
        return
    rows = read_csv_text(file, data, table.name, issues)
    tables.setdefault(table.name, []).extend(rows)


def read_csv_text(file: Path | str, data: bytes, table_name: str, issues: list[InputIssue]) -> list[Row]:
    name = str(file)
    table = TABLES[table_name]

    def problem(line, field, value, expected, suggestion=None, severity="error"):
        issues.append(InputIssue(name, line, field, value, expected, suggestion, severity))

    for magic, what in MAGIC.items():
        if data.startswith(magic):
            problem(None, None, None, f"a UTF-8 CSV text file, but this is {what}")
            return []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problem(line, None, repr(data[error.start:error.start + 4]),
                "UTF-8 text (save the file as 'CSV UTF-8')")
        return []
    if not text.strip():
        problem(None, None, None, f"a header row with the columns {', '.join(table.required)}")
        return []
    header_line = text.splitlines()[0]
    if "," not in header_line:
        for delimiter, label in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
            if delimiter in header_line:
                problem(1, None, header_line, f"columns separated by commas, not {label}",
                        header_line.replace(delimiter, ","))
                return []
    csv.field_size_limit(max(MAX_CELL * 4, 131072))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as error:
        problem(1, None, None, f"a valid CSV header ({error})")
        return []
    for column in table.required:
        if column not in header:
            problem(1, column, None, f"a column {column!r} (required in {table.name})",
                    nearest(column, [h for h in header if h not in table.columns]))
    for column in header:
        if column and column not in table.columns:
            problem(1, column, column, f"a known column of {table.name}: {', '.join(table.columns)}",
                    nearest(column, table.columns), severity="warning")
    duplicates = {h for h in header if header.count(h) > 1 and h}
    for column in sorted(duplicates):
        problem(1, column, column, "each column once")
    if any(i.severity == "error" and i.file == name for i in issues):
        return []
    rows: list[Row] = []
    try:
        for cells in reader:
            line = reader.line_num
            first = cells[0][:1] if cells else ""
            if (not first or first.isspace() or first == "#") and (
                    not "".join(cells).strip() or cells[0].lstrip().startswith("#")):
                continue  # an empty row, or a comment such as a template's example row
            if len(cells) > len(header):
                problem(line, None, ",".join(cells[len(header):]),
                        f"{len(header)} cells like the header (a value with a comma needs quotes)")
                continue
            rows.append(Row(name, line, dict(zip(header, cells))))
    except csv.Error as error:
        problem(reader.line_num, None, None, f"valid CSV ({error})")
        return []
    if not rows:
        problem(None, None, None, "at least one data row after the header", severity="warning")
    return rows
