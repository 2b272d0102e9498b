"""Curation inputs besides CSV folders: ``.xlsx`` workbooks and YAML / JSON records, alone or
in a folder next to CSV files. Every kind is read into the same table rows, so one converter
checks them all."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputIssue
from .csv_folder import read_csv_path
from .records_file import RECORD_SUFFIXES, read_records_path
from .tables import Row
from .workbook import read_workbook_path

__all__ = ["CURATION_SUFFIXES", "is_curation_path", "read_curation_path"]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
CURATION_SUFFIXES = WORKBOOK_SUFFIXES + RECORD_SUFFIXES


def _curation_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.suffix.lower() in CURATION_SUFFIXES and not p.name.startswith((".", "~$")))


def is_curation_path(path: Path) -> bool:
    """A workbook or records file, or a folder that holds at least one."""
    if path.is_dir():
        return bool(_curation_files(path))
    return path.suffix.lower() in CURATION_SUFFIXES


def read_curation_file(path: Path, issues: list[InputIssue]) -> dict[str, list[Row]]:
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return read_workbook_path(path, issues)
    return read_records_path(path, issues)


def read_curation_path(path: Path, issues: list[InputIssue]) -> dict[str, list[Row]]:
    """Rows by table from a workbook, a records file, or a folder of them (with any CSV files)."""
    tables: dict[str, list[Row]] = {}

    def add(found: dict[str, list[Row]]) -> None:
        for name, rows in found.items():
            tables.setdefault(name, []).extend(rows)

    if not path.is_dir():
        add(read_curation_file(path, issues))
        return tables
    if any(path.glob("*.csv")):
        add(read_csv_path(path, issues))
    for file in _curation_files(path):
        add(read_curation_file(file, issues))
    return tables
