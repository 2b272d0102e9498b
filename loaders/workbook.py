"""Read an ``.xlsx`` workbook with one sheet per table into table rows.

Sheet names are table names (``practices``, ``transfers``...), the first row of a sheet is its
header (the same columns as the CSV tables), and every later row is one record. Rows whose first
cell starts with ``#`` are comments (the templates use one for their example row); the sheets
``README`` and ``lists`` of a template are documentation and are skipped.

The workbook itself is checked here: a file that is not really an ``.xlsx`` workbook, a formula
or an error value (``#REF!``, ``#N/A``) in a cell, an unknown sheet, a bad header. Cell values are
checked later by the table converter, which names the sheet, the row and the cell.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from ..errors import InputIssue
from .tables import TABLES, Row, table_for_name
from .values import nearest

__all__ = ["read_workbook_path", "DOC_SHEETS", "cell_text"]

log = logging.getLogger(__name__)

DOC_SHEETS = ("readme", "lists")  # documentation sheets of a template: skipped
XLSX_MAGIC = b"PK\x03\x04"
OLD_OFFICE_MAGIC = b"\xd0\xcf\x11\xe0"


def cell_text(value) -> str:
    """A cell value as the text a CSV file would hold (years without ``.0``, dates as ISO 8601)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _not_a_workbook(data: bytes) -> str | None:
    """What the file is instead of an .xlsx workbook, or None when it may be one."""
    if data.startswith(XLSX_MAGIC):
        return None
    if data.startswith(OLD_OFFICE_MAGIC):
        return "an old binary Excel (.xls) file: save it as an .xlsx workbook"
    if not data.strip():
        return "an empty file"
    head = data[:4096]
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "not a zip-based .xlsx workbook"
    first = text.splitlines()[0] if text.splitlines() else ""
    if "," in first or ";" in first or "\t" in first:
        return "a text (CSV) file renamed to .xlsx: give it the .csv extension, or save it as a workbook"
    return "a text file, not an .xlsx workbook"


def read_workbook_path(path: Path, issues: list[InputIssue]) -> dict[str, list[Row]]:
    """Rows by table from the sheets of the workbook at ``path``."""
    import zipfile

    import openpyxl

    import io

    from .limits import read_input_bytes, workbook_problem

    name = str(path)
    data = read_input_bytes(path, issues)
    if data is None:
        return {}
    problem = _not_a_workbook(data)
    if problem:
        issues.append(InputIssue(str(path), None, None, None, f"an .xlsx workbook, but this is {problem}"))
        return {}
    problem = workbook_problem(data)
    if problem:
        issues.append(InputIssue(str(path), None, None, None, problem))
        return {}
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=False, read_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        issues.append(InputIssue(str(path), None, None, None,
                                 f"a readable .xlsx workbook ({type(error).__name__}: {error})"))
        return {}
    except Exception as error:  # openpyxl raises its own InvalidFileException and others
        issues.append(InputIssue(str(path), None, None, None,
                                 f"a readable .xlsx workbook ({type(error).__name__}: {error})"))
        return {}
    tables: dict[str, list[Row]] = {}
    known = list(TABLES) + list(DOC_SHEETS)
    for sheet in book.worksheets:
        if sheet.title.strip().lower() in DOC_SHEETS:
            continue
        table = table_for_name(sheet.title)
        if table is None:
            issues.append(InputIssue(f"{name}[{sheet.title}]", None, None, sheet.title,
                                     f"a sheet named after a table: {', '.join(TABLES)} "
                                     f"(or README / lists for notes)", nearest(sheet.title.lower(), known)))
            continue
        rows = _read_sheet(name, sheet, table.name, issues)
        tables.setdefault(table.name, []).extend(rows)
    if not tables and not any(i.file.startswith(name) for i in issues):
        issues.append(InputIssue(str(path), None, None, ", ".join(book.sheetnames),
                                 f"at least one sheet named after a table: {', '.join(TABLES)}"))
    book.close()
    return tables


def _read_sheet(book_name: str, sheet, table_name: str, issues: list[InputIssue]) -> list[Row]:
    from openpyxl.utils import get_column_letter

    label = f"{book_name}[{sheet.title}]"
    table = TABLES[table_name]

    def problem(line, field, value, expected, suggestion=None, severity="error", cell=None):
        issues.append(InputIssue(label, line, field, value, expected, suggestion, severity, cell))

    from .limits import MAX_SHEET_CELLS

    if sheet.max_row * sheet.max_column > MAX_SHEET_CELLS:  # a stray cell far away: millions of empty cells
        corner = f"{get_column_letter(sheet.max_column)}{sheet.max_row}"
        problem(None, None, corner, f"a sheet of at most {MAX_SHEET_CELLS:,} cells (rows x columns); it spans "
                f"A1:{corner}: delete the stray cells far from the table, or save it as a CSV file")
        return []
    header_cells = next(sheet.iter_rows(min_row=1, max_row=1), ())
    header = [cell_text(c.value).strip().lower() for c in header_cells]
    while header and not header[-1]:
        header.pop()
    if not header:
        problem(None, None, None, f"a header row with the columns {', '.join(table.required)}")
        return []
    for column in table.required:
        if column not in header:
            problem(1, column, None, f"a column {column!r} (required in {table.name})",
                    nearest(column, [h for h in header if h not in table.columns]))
    for index, column in enumerate(header):
        if column and column not in table.columns:
            problem(1, column, column, f"a known column of {table.name}: {', '.join(table.columns)}",
                    nearest(column, table.columns), severity="warning", cell=f"{get_column_letter(index + 1)}1")
    for column in sorted({h for h in header if h and header.count(h) > 1}):
        problem(1, column, column, "each column once")
    if any(i.severity == "error" and i.file == label for i in issues):
        return []
    letters = {column: get_column_letter(index + 1) for index, column in enumerate(header) if column}
    rows: list[Row] = []
    for cells in sheet.iter_rows(min_row=2):
        line = cells[0].row if cells else None
        values: dict[str, str] = {}
        first = next((c for c in cells if cell_text(c.value).strip()), None)
        if first is None or (first.data_type != "e" and cell_text(first.value).lstrip().startswith("#")):
            continue  # an empty row, or a comment such as a template's example row
        for index, cell in enumerate(cells):
            if cell.value is None:
                continue
            column = header[index] if index < len(header) else ""
            where = f"{get_column_letter(index + 1)}{cell.row}"
            if cell.data_type == "f":
                problem(cell.row, column or None, str(cell.value),
                        f"a plain value, not a formula (sheet {sheet.title!r}, cell {where}): "
                        "copy the cells and paste them as values", cell=where)
                continue
            if cell.data_type == "e":
                problem(cell.row, column or None, str(cell.value),
                        f"a value, not the spreadsheet error {cell.value} (sheet {sheet.title!r}, cell {where})",
                        cell=where)
                continue
            if not column:
                if cell_text(cell.value).strip():
                    problem(cell.row, None, cell_text(cell.value),
                            f"cells only under a header (cell {where} has no column name)", cell=where)
                    continue
            if column == "sdg_targets" and isinstance(cell.value, float):
                problem(cell.row, column, cell_text(cell.value),
                        "SDG targets typed as text: a number loses trailing zeros (16.10 reads as 16.1)",
                        severity="warning", cell=where)
            values[column] = cell_text(cell.value)
        # A row with a formula or an error value is still converted without those cells, so
        # that its other problems are reported too and references to its id still resolve.
        if not any(v.strip() for v in values.values()):
            continue
        rows.append(Row(label, line, values, letters))
    if not rows:
        problem(None, None, None, "at least one data row after the header", severity="warning")
    return rows
