"""Partnership follow-up commands: ``follow-up``, ``partnerships`` and ``report``.

Registered on the ``psikg`` group by :mod:`psikg.cli`; like every command, they only parse, call
the Python API and format.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..ontology.model import ENUMS
from .common import emit, open_graph, output_options, to_plain

__all__ = ["COMMANDS"]

_STEP_COLUMNS = ["step", "status", "date", "outcome", "note", "forced", "sources"]


def _notes(fmt: str, notes) -> None:
    for note in notes:
        click.echo(f"Note: {note}", err=fmt != "table")


@click.command(name="follow-up")
@click.argument("transfer")
@click.option("--status", type=click.Choice(ENUMS["status"]),
              help="The status the partnership reached (without it: show the history, write nothing).")
@click.option("--date", "date_", metavar="DATE", help="When: YYYY-MM-DD, YYYY-MM or YYYY (default: today).")
@click.option("--note", help="What happened.")
@click.option("--source", "sources", multiple=True, metavar="URL", help="Where this comes from (repeatable).")
@click.option("--outcome", type=click.Choice(ENUMS["outcome"]),
              help="The outcome, once known (feeds match evidence and the success-factor analysis).")
@click.option("--force", "force", metavar="REASON",
              help="Record a move outside the documented transitions, with the reason why.")
@output_options
@click.pass_context
def follow_up(ctx, transfer, status, date_, note, sources, outcome, force, fmt):
    """Record one dated step of TRANSFER's status history, in one atomic write. The status may only
    move along the documented transitions: opportunity → agreed → implementing → adopted → scaled;
    stalled or abandoned from any open state (opportunity, agreed, implementing, stalled); stalled →
    implementing again; restating the current status is a dated update. Anything else is refused
    (exit 2, nothing written) unless --force gives a reason. Earlier steps are never erased;
    recording the same step again changes nothing. Without --status, show the history only.

    \b
    Example:
      psikg follow-up bgd-sdg-tracker-to-per          # the history so far
      psikg follow-up bgd-sdg-tracker-to-per --status implementing --date 2019-03-01 \\
        --note "INEI pilots the tracker" --source https://example.org/news
      psikg follow-up bih-caf-to-afg --status abandoned --date 2021-08-15 --force "programme ended"
    """
    graph = open_graph(ctx)
    if status is None:
        if date_ or note or sources or outcome or force:
            raise click.UsageError("--date, --note, --source, --outcome and --force record a step: give --status too")
        history = graph.history(transfer)
    else:
        steps_before = len(graph.history(transfer))
        history = graph.follow_up(transfer, status, date=date_, note=note, sources=sources, outcome=outcome,
                                  force=force)
    if fmt == "json":
        emit(fmt, {"transfer": transfer, "status": history[-1].status, "steps": list(history)})
        return
    rows = [{"step": i, "status": s.status, "date": s.date or "undated", "outcome": s.outcome, "note": s.note,
             "forced": s.forced, "sources": list(s.sources)} for i, s in enumerate(history, 1)]
    emit(fmt, None, rows, _STEP_COLUMNS, title=f"Status history of {transfer}")
    if fmt == "table" and status is not None:
        when = date_ or next((s.date for s in reversed(history) if s.status == status), None) or "undated"
        done = "Recorded" if len(history) > steps_before else "Already recorded, nothing changed:"
        click.echo(f"{done} {transfer}: {status} ({when}); current status {history[-1].status}.")


@click.command(name="partnerships")
@click.option("--event", help="Only partnerships matched at this event (id).")
@click.option("--country", help="Only partnerships with this country (ISO3) as exporter or importer.")
@click.option("--status", type=click.Choice(ENUMS["status"]), help="Only partnerships in this status.")
@click.option("--stale-days", type=click.IntRange(min=0), default=180, show_default=True,
              help="An open partnership with no dated step for this many days (or none at all) is stale.")
@click.option("--as-of", metavar="DATE", help="Count ages up to this day (default: today).")
@click.option("--stale-only", is_flag=True, help="List only the stale partnerships.")
@output_options
@click.pass_context
def partnerships_command(ctx, event, country, status, stale_days, as_of, stale_only, fmt):
    """The partnerships with their current status, how long they have been in it and since their
    latest dated step ("unknown" when no step is dated), then the stale ones to chase: still open
    and without news for --stale-days.

    \b
    Example:
      psikg partnerships --event ssn4psi-dhaka-2017
      psikg partnerships --country BGD --stale-days 90 --format csv
    """
    result = open_graph(ctx).partnerships(event=event, country=country, status=status, stale_days=stale_days,
                                          as_of=as_of)
    if fmt == "json":
        emit(fmt, result.as_dict())
        return
    rows = [p.row() for p in (result.stale if stale_only else result.partnerships)]
    if fmt == "csv":
        emit(fmt, None, rows, ["transfer", "practice", "exporter", "importer", "event", "status", "outcome", "since",
                               "days_in_status", "last_update", "days_since_update", "steps", "stale", "forced"])
        _notes(fmt, result.notes)
        return
    # what fits on a screen: the outcome and the stale flag are in JSON and CSV, the stale ones listed below
    headers = {"transfer": "transfer", "exporter": "from", "importer": "to", "status": "status",
               "days_in_status": "in status", "days_since_update": "since step"}
    scope = ", ".join(f"{k} {v}" for k, v in result.filters.items()) or "all"
    emit(fmt, None, [{headers[k]: row[k] for k in headers} for row in rows], list(headers.values()),
         title=f"Partnerships ({scope}; days as of {result.as_of})")
    if not stale_only and result.partnerships:
        stale = [p.row() for p in result.stale]
        if stale:
            emit(fmt, None, [{"transfer": r["transfer"], "status": r["status"],
                              "last step": r["last_update"] or "none dated", "days since": r["days_since_update"]}
                             for r in stale],
                 ["transfer", "status", "last step", "days since"],
                 title=f"To chase: {len(stale)} open partnership(s) without a dated step for {stale_days} days "
                       "(or none dated)")
        else:
            click.echo(f"Nothing to chase: every open partnership had a dated step in the last {stale_days} days.")
    _notes(fmt, result.notes)


@click.command(name="report")
@click.option("--event", help="Report on this event (id).")
@click.option("--country", metavar="ISO3", help="Report on this country's partnerships instead.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report here: .html (self-contained, printable), .md or .json. Default: standard "
                   "output, as --format says.")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json"]), default=None,
              help="md, html or json (default: from the -o suffix, else md).")
@click.option("--as-of", metavar="DATE", help="The day the report speaks for (default: today).")
@click.pass_context
def report_command(ctx, event, country, output, fmt, as_of):
    """What an event produced and what became of it: the opportunities and participants the record
    states, the transfers matched at it with their current status and history, counts by status,
    country pair and theme, and a funnel from opportunity to adopted (inline SVG in HTML: no
    JavaScript, nothing fetched). With --country instead of --event, the same for the partnerships
    a country is part of, as exporter or importer.

    \b
    Example:
      psikg report --event ssn4psi-dhaka-2017 -o dhaka-2017.html
      psikg report --event ssn4psi-astana-2018 -o astana.md
      psikg report --event ssn4psi-dhaka-2017 --format json
      psikg report --country BGD -o bangladesh.html
    """
    import json

    from ..views.report_render import render_report

    if fmt is None and output is not None:
        fmt = {"html": "html", "htm": "html", "md": "md", "markdown": "md", "json": "json"}.get(
            output.suffix.lower().lstrip("."))
        if fmt is None:
            raise click.BadParameter(f"{output.name}: expected a file ending in .html, .md or .json, or --format",
                                     param_hint="-o")
    if (event is None) == (country is None):
        raise click.UsageError("give one of --event and --country")
    graph = open_graph(ctx)
    report = graph.event_report(event, as_of=as_of) if event else graph.country_report(country, as_of=as_of)
    text = (json.dumps(to_plain(report), indent=2, ensure_ascii=False) + "\n" if fmt == "json"
            else render_report(report, fmt or "md"))
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    stated = getattr(report, "opportunities", None)
    click.echo(f"Wrote {output} ({report.recorded} transfer(s) recorded"
               + (f"; {stated} opportunities stated)." if stated is not None else ")."))


COMMANDS = (follow_up, partnerships_command, report_command)
