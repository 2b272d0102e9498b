"""What every command shares: the output options and formats, opening the graph, notes and
issue reports. Commands only parse, call the Python API (:mod:`psikg.api`) and format."""

from __future__ import annotations

import csv
import functools
import json
import math
import sys
from pathlib import Path

import click

from ..ontology.plain import to_plain

__all__ = ["FORMATS", "csv_cell", "to_plain", "json_text", "output_options", "emit", "open_graph",
           "report_issues", "emit_notes", "write_issue_report", "parse_weights", "plural", "country_names",
           "compact_rows", "shown_rows", "database_tracer", "Spinner"]

FORMATS = ("table", "json", "csv")
#: a CSV cell starting with one of these is read as a formula by spreadsheets (CWE-1236)
_CSV_RAW = "psikg.csv_raw"


def csv_cell(value, *, numeric: bool = False) -> str:
    """A CSV cell that a spreadsheet shows as text: text starting with ``=``, ``+``, ``-``, ``@``,
    a tab or a carriage return gets a leading ``'`` (OWASP's advice), unless ``--csv-raw`` was given.
    Numbers stay numbers (``-0.5`` is not a formula): pass ``numeric`` for a number's text."""
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        numeric = True
    text = str(value)
    if numeric:
        return text
    context = click.get_current_context(silent=True)
    raw = context is not None and context.meta.get(_CSV_RAW, False)
    if raw:
        return text
    from ..views.csv_safety import defuse_formula  # here: a JSON or table answer needs no views

    return defuse_formula(text)


def output_options(function):
    """``--format table|json|csv`` on every command that prints results, and ``--csv-raw``."""

    @click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                  help="table for people, json or csv for scripts.")
    @click.option("--csv-raw", is_flag=True, default=False,
                  help="CSV cells exactly as the data has them: no leading ' before a cell that starts "
                       "with =, +, -, @, tab or CR (spreadsheets would run it as a formula).")
    @functools.wraps(function)
    def wrapper(*args, csv_raw: bool = False, **kwargs):
        click.get_current_context().meta[_CSV_RAW] = csv_raw
        return function(*args, **kwargs)

    return wrapper


def json_text(data) -> str:
    """``data`` as JSON indented by two spaces: the values ``json.dumps(to_plain(data))`` writes,
    as RFC 8259 has them. orjson writes dataclasses, tuples and dicts itself and asks
    :func:`to_plain` only for the rest (sets, paths, the domain records), so a large answer is
    mostly not walked in Python. Numbers are in their shortest form that reads back the same
    (``1e-5``, where the json module writes ``1e-05``); NaN and infinities, which JSON has no words
    for, are null."""
    import orjson

    try:
        return orjson.dumps(data, default=to_plain, option=orjson.OPT_INDENT_2).decode()
    except orjson.JSONEncodeError:  # a key that is not text: to_plain makes it text
        pass
    plain = to_plain(data)
    try:
        return orjson.dumps(plain, option=orjson.OPT_INDENT_2).decode()
    except orjson.JSONEncodeError:  # an integer over 64 bits: the json module writes it
        return json.dumps(_finite(plain), indent=2, ensure_ascii=False)


def _finite(plain):
    """``plain`` with NaN and infinities as None, as orjson writes them."""
    if isinstance(plain, float):
        return plain if math.isfinite(plain) else None
    if isinstance(plain, dict):
        return {key: _finite(value) for key, value in plain.items()}
    if isinstance(plain, list):
        return [_finite(value) for value in plain]
    return plain


def emit(fmt: str, data, rows: list[dict] | None = None, columns: list[str] | None = None,
         title: str | None = None) -> None:
    """Print ``data`` as JSON, or ``rows`` as a table or CSV."""
    if fmt == "json":
        click.echo(json_text(data))
        return
    rows = [to_plain(r) for r in (rows if rows is not None else [data])]
    columns = columns or (list(rows[0]) if rows else [])

    def cell(value):
        if isinstance(value, bool) and fmt == "table":
            return "yes" if value else ""
        if isinstance(value, list):
            return "; ".join(str(v) for v in value)
        if isinstance(value, float):
            return f"{value:.4f}" if fmt == "table" else repr(round(value, 6))  # CSV: 0.225, not 0.22499999999999998; JSON stays exact
        return "" if value is None else str(value)

    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow([csv_cell(c) for c in columns])
        for row in rows:
            writer.writerow([csv_cell(cell(row.get(c)), numeric=isinstance(row.get(c), (int, float)))
                             for c in columns])
        return
    from rich.console import Console
    from rich.table import Table

    cells = [[cell(row.get(c)) for c in columns] for row in rows]
    layouts = [_column_layout(column, [line[i] for line in cells]) for i, column in enumerate(columns)]
    table = Table(title=title, show_lines=False)
    for column, layout in zip(columns, layouts):
        table.add_column(column, **layout)
    for line in cells:
        table.add_row(*line)
    Console(width=_table_width(layouts)).print(table)


#: Columns whose cells are ids or codes: never wrapped nor cut, so they can be copied into the
#: next command. Every other column (names, titles, lists) wraps at word boundaries.
ID_COLUMNS = {"id", "iso3", "country", "practice", "need", "transfer", "to", "from", "exporter", "importer",
              "event", "factor", "target", "goal", "code", "#", "rank", "what", "field", "relation", "kind",
              "tier", "score", "count", "step", "status", "date"}
#: A column whose every cell is at most this long is kept on one line too (scores, counts, codes).
SHORT_CELL = 12
#: The narrowest a wrapping column gets before the table grows past the terminal instead.
MIN_WRAP_WIDTH = 12


def _column_layout(column: str, cells: list[str]) -> dict:
    """Rich column settings: a column of ids, codes, IRIs or short cells keeps its full width
    (a cell without a space is one token: folding it would cut it); text columns wrap."""
    widest = max([len(column)] + [len(text) for text in cells])
    if column in ID_COLUMNS or widest <= SHORT_CELL or not any(" " in text for text in cells):
        return {"no_wrap": True, "overflow": "ignore", "min_width": widest}
    longest_word = max([0] + [len(word) for text in cells for word in text.split()])
    return {"overflow": "fold", "min_width": max(longest_word, min(widest, MIN_WRAP_WIDTH))}


def _table_width(layouts: list[dict]) -> int:
    """The terminal's width, or wider when the ids alone need more: a long line beats a cut id."""
    from rich.console import Console

    needed = sum(layout["min_width"] + 3 for layout in layouts) + 1  # cell padding and borders
    return max(Console().width, needed)


def open_graph(ctx: click.Context, *, need_data: bool = True):
    """The API object for the store named by ``--store`` (opened once per command). With
    ``need_data`` a missing or empty store is an error that names the command filling it: a
    question asked of nothing has no answer, and zeros would look like one."""
    from .. import api

    obj = ctx.find_root().obj
    if "graph" not in obj:
        obj["graph"] = api.open(obj["store"], tracer=database_tracer(ctx))
    graph = obj["graph"]
    if need_data and not obj.get("checked"):
        _require_data(graph.store, obj["store"])
        obj["checked"] = True
    return graph


def _require_data(store, location) -> None:
    from ..errors import StoreError

    where = store.describe()
    fill = "psikg load" if location is None else f"psikg --store {location} load"
    if not store.exists():
        raise StoreError(f"no knowledge graph at {where} yet; fill it with: {fill}")
    if store.path is not None and not store.has_nodes():  # a database exists() only with nodes
        raise StoreError(f"the store {where} is empty; fill it with: {fill}")


def report_issues(issues, limit: int = 50) -> None:
    for issue in issues[:limit]:
        click.echo(f"{issue.severity}: {issue}", err=True)
    if len(issues) > limit:
        click.echo(f"... and {len(issues) - limit} more", err=True)


def emit_notes(fmt: str, notes) -> None:
    """Notes after a table; on stderr for CSV so that the CSV stays clean (JSON carries them)."""
    if fmt != "json":
        for note in notes:
            click.echo(f"note: {note}", err=fmt == "csv")


def write_issue_report(path: Path | None, issues) -> None:
    """Every issue as a CSV row (file, row, cell, field, value, expected, suggestion, severity)."""
    if path is None:
        return
    columns = ["severity", "file", "row", "cell", "field", "value", "expected", "suggestion"]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for issue in issues:
            writer.writerow([csv_cell(getattr(issue, c)) for c in columns])
    click.echo(f"Wrote {len(issues)} issue(s) to {path}", err=True)


def parse_weights(parse, text: str | None):
    """Weights from ``--weights`` (None keeps the defaults); a bad value is a usage error."""
    if text is None:
        return None
    try:
        return parse(text)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--weights") from None


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``1 participant``, ``2 participants``."""
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


def country_names(graph) -> dict[str, str]:
    return {iso3: country.name for iso3, country in graph.catalog.countries.items()}


def compact_rows(rows: list[dict], headers: dict[str, str]) -> list[dict]:
    """Rows for a table on a screen: short headers, scores to two decimals (CSV and JSON keep all)."""
    return [{header: f"{row[key]:.2f}" if isinstance(row[key], float) else row[key]
             for key, header in headers.items()} for row in rows]


def shown_rows(fmt: str, rows: list, top: int | None, default: int = 20) -> tuple[list, list[str]]:
    """The rows a format shows: a table the best ``top`` (20 by default), JSON and CSV ``top`` or all."""
    limit = top if top is not None else (default if fmt == "table" else None)
    if limit is None or len(rows) <= limit:
        return rows, []
    hint = "use --top N for more" if fmt == "csv" else "use --top N, or --format csv for all"
    return rows[:limit], [f"{len(rows) - limit} more not shown ({hint})"]


def database_tracer(ctx: click.Context):
    """With ``--trace``: a tracer that prints every database query and its parameters on stderr."""
    if ctx.find_root().obj.get("trace"):
        return lambda query, params: click.echo(f"[trace] {query} {params}", err=True)
    return None


class Spinner:
    """A spinner on stderr while long work runs (silent when stderr is not a terminal)."""

    def __init__(self, message: str):
        self.message = message
        self._status = None

    def __enter__(self):
        if sys.stderr.isatty():
            from rich.console import Console

            self._status = Console(stderr=True).status(self.message)
            self._status.__enter__()
        return self

    def __exit__(self, *exc):
        if self._status is not None:
            self._status.__exit__(*exc)
        return False
