"""Regenerate the binary workbooks of the bad-input cases (``python tests/bad_inputs/make_workbooks.py``).

The workbooks are committed; this script documents how each one was made."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
PRACTICES = ["id", "title", "source", "country", "maturity"]


def _book(case: str, sheets: dict[str, list[list]], stray: str | None = None) -> None:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if stray:  # one cell far from the table: the sheet's dimension becomes huge
            sheet[stray] = "x"
    (HERE / case).mkdir(exist_ok=True)
    book.save(HERE / case / "book.xlsx")


def main() -> None:
    good = ["p1", "A practice", "https://example.org/p1", "BGD", "pilot"]
    _book("workbook-formula", {"practices": [PRACTICES, good, ["p2", "B", "https://example.org", "=A2", "pilot"]]})
    _book("workbook-error-cell", {"practices": [PRACTICES, good, ["p2", "B", "https://example.org", "#REF!", "pilot"]]})
    _book("workbook-unknown-sheet", {"practices": [PRACTICES, good], "practise_factors": [["practice"], ["p1"]]})
    _book("workbook-unknown-country", {"practices": [PRACTICES, good, ["p2", "B", "https://example.org",
                                                                        "Bangladsh", "pilot"]]})
    _book("workbook-wrong-maturity", {"practices": [PRACTICES, ["p1", "A", "https://example.org", "BD", "piloted"],
                                                    ["p2", "B", "https://example.org", "KEN", "scaled"]]})
    _book("workbook-missing-column", {"transfers": [["id", "practice", "exporter", "importer"],
                                                    ["t1", "one-stop", "BGD", "KEN"]]})
    _book("workbook-sdg-goal-18", {"needs": [["id", "country", "title", "sdg_targets"],
                                             ["n1", "SOM", "Services", "18"]]})
    _book("workbook-stray-far-cell", {"practices": [PRACTICES, good]}, stray="XFD1048576")


if __name__ == "__main__":
    main()
