"""The follow-up reports (of an event, of a country) as Markdown and as one self-contained,
printable HTML page.

The HTML page carries its CSS inline and draws the funnel as inline SVG: no JavaScript, no fonts,
images or style sheets fetched from anywhere (sources are plain links to follow, never resources
to load). It prints on A4 or Letter: tables do not break inside rows and links print their address.
"""

from __future__ import annotations

from html import escape

from ..ontology.model import ENUMS
from ..queries.followup import CountryReport, EventReport, GroupCount, ReportTransfer
from .links import html_link, markdown_link

__all__ = ["render_report", "report_markdown", "report_html", "funnel_svg"]

STATUSES = ENUMS["status"]
_BAR_COLOURS = ("#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c")


def render_report(report: EventReport | CountryReport, fmt: str) -> str:
    """``fmt`` is ``md`` (or ``markdown``) or ``html`` (or ``htm``)."""
    if fmt in ("md", "markdown"):
        return report_markdown(report)
    if fmt in ("html", "htm"):
        return report_html(report)
    raise ValueError(f"unknown report format {fmt!r}; expected md or html")


def _when(report: EventReport) -> str:
    if report.start_date and report.end_date and report.end_date != report.start_date:
        return f"{report.start_date} to {report.end_date}"
    return report.start_date or "date not recorded"


def _where(report: EventReport) -> str:
    parts = [p for p in (report.place, report.country_name) if p]
    return ", ".join(parts) or "place not recorded"


def _facts(report) -> list[tuple[str, str]]:
    if isinstance(report, CountryReport):
        region = " / ".join(p for p in (report.region, report.subregion) if p) or "not recorded"
        events = "; ".join(f"{name} ({id_})" for id_, name in report.events) or "none recorded"
        return [
            ("Country", f"{report.name} ({report.country})"),
            ("Region", region),
            ("Partnerships recorded", f"{report.recorded}: {report.exported} as exporter, {report.imported} as "
                                      "importer"),
            ("Events it took part in", events),
            ("Status as of", report.as_of),
        ]
    stated = ("number not stated by the record" if report.participant_count is None
              else f"{report.participant_count} as the record states it")
    named = ", ".join(f"{name} ({code})" for code, name in report.participants) or "none named"
    return [
        ("Event", f"{report.name} ({report.event})"),
        ("Where and when", f"{_where(report)}; {_when(report)}"),
        ("Participating countries", f"{stated}; named: {named}"),
        ("Partnership opportunities", "not stated by the record" if report.opportunities is None
         else f"{report.opportunities} as the record states it"),
        ("Transfers recorded as matched here", str(report.recorded)),
        ("Status as of", report.as_of),
    ]


def _intro(report) -> str:
    if isinstance(report, CountryReport):
        return "What became of the country's partnerships, as exporter and as importer, from the psikg record."
    return "What the event produced and what became of it, from the psikg record."


def _progress_heading(report) -> str:
    return "How far the partnerships got" if isinstance(report, CountryReport) else "What became of the opportunities"


def _none_recorded(report) -> str:
    if isinstance(report, CountryReport):
        return "No transfer of this country is recorded."
    return "No transfer is recorded as matched at this event."


def _funnel_rows(report) -> list[tuple[str, int]]:
    rows = []
    if getattr(report, "opportunities", None) is not None:
        rows.append(("opportunities stated", report.opportunities))
    labels = {"opportunity": "recorded as transfers", "agreed": "reached agreed",
              "implementing": "reached implementing", "adopted": "reached adopted"}
    rows += [(labels[stage.stage], stage.count) for stage in report.funnel]
    return rows


def _status_cells(group: GroupCount) -> list[str]:
    return [str(group.by_status.get(s, 0) or "") for s in STATUSES]


def _step_text(step) -> str:
    text = f"{step.status} ({step.date or 'undated'})"
    if step.outcome:
        text += f", outcome {step.outcome}"
    if step.forced:
        text += f", forced: {step.forced}"
    if step.note:
        text += f": {step.note}"
    return text


# Markdown -----------------------------------------------------------------------------------------


def _md_cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _md_groups(title: str, groups: tuple[GroupCount, ...]) -> list[str]:
    lines = [f"## {title}", ""]
    if not groups:
        return lines + ["No transfer recorded.", ""]
    lines += ["| | total | " + " | ".join(STATUSES) + " |", "|---|---:|" + "---:|" * len(STATUSES)]
    for group in groups:
        lines.append(f"| {_md_cell(group.label)} | {group.total} | " + " | ".join(_status_cells(group)) + " |")
    return lines + [""]


def report_markdown(report: EventReport | CountryReport) -> str:
    """The report as Markdown."""
    lines = [f"# Follow-up report: {report.name}", "", _intro(report), ""]
    lines += [f"- **{label}**: {_md_cell(value)}" for label, value in _facts(report)]
    lines += ["", f"## {_progress_heading(report)}", ""]
    lines += ["| stage | count |", "|---|---:|"] + [f"| {label} | {count} |" for label, count in _funnel_rows(report)]
    lines += ["", "Current status of the recorded transfers: "
              + ", ".join(f"{s} {n}" for s, n in report.by_status.items()) + ".", ""]
    lines += _md_groups("By country pair", report.pairs)
    lines += _md_groups("By theme", report.themes)
    lines += ["## Transfers", ""]
    if not report.transfers:
        lines += [_none_recorded(report), ""]
    for t in report.transfers:
        lines.append(f"### {_md_cell(t.practice_title)}: {_md_cell(t.exporter_name)} → {_md_cell(t.importer_name)}")
        lines.append("")
        lines.append(f"`{t.transfer}`: **{t.status}**, outcome {t.outcome}.")
        lines.append("")
        lines += [f"{i}. {_md_cell(_step_text(step))}" for i, step in enumerate(t.steps, 1)]
        lines.append("")
    if report.notes:
        lines += ["## Notes", ""] + [f"- {_md_cell(note)}" for note in report.notes] + [""]
    if report.sources:
        lines += ["## Sources", ""] + [f"- {markdown_link(source)}" for source in report.sources] + [""]
    return "\n".join(lines)


# HTML ---------------------------------------------------------------------------------------------

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a; margin: 2rem auto;
       max-width: 60rem; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .3rem; } h2 { font-size: 1.2rem; margin-top: 1.8rem;
     border-bottom: 1px solid #ccc; } h3 { font-size: 1rem; margin: 1.2rem 0 .3rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { border: 1px solid #ccc; padding: .25rem .45rem; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; } table.narrow { width: auto; min-width: 20rem; } tr { page-break-inside: avoid; break-inside: avoid; }
.status { font-weight: 600; } .muted { color: #555; } ol.steps { margin: .2rem 0 .6rem; }
svg text { font-family: inherit; }
@media print { body { margin: 0; max-width: none; } a[href^="http"]::after { content: " (" attr(href) ")";
               font-size: .8em; color: #555; } section { break-inside: avoid; } }
"""


def funnel_svg(rows: list[tuple[str, int]], width: int = 640) -> str:
    """A horizontal funnel: one bar per stage, as wide as its count, centred; inline SVG."""
    bar_h, gap, label_w = 30, 8, 0
    height = len(rows) * (bar_h + gap) + gap
    top = max((count for _, count in rows), default=0) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" aria-labelledby="funnel-title">',
             '<title id="funnel-title">Funnel from opportunity to adopted</title>']
    for index, (label, count) in enumerate(rows):
        y = gap + index * (bar_h + gap)
        w = max(2.0, (width - label_w) * count / top)
        x = (width - w) / 2
        colour = _BAR_COLOURS[min(index, len(_BAR_COLOURS) - 1)]
        parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}" rx="3">'
                     f'<title>{escape(label)}: {count}</title></rect>')
        parts.append(f'<text x="{width / 2:.1f}" y="{y + bar_h / 2 + 5:.1f}" text-anchor="middle" font-size="13" '
                     f'fill="#000" stroke="#fff" stroke-width="3" paint-order="stroke">{escape(label)}: {count}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _html_groups(title: str, groups: tuple[GroupCount, ...]) -> str:
    if not groups:
        return f"<section><h2>{escape(title)}</h2><p>No transfer recorded.</p></section>"
    head = "<tr><th></th><th class='n'>total</th>" + "".join(f"<th class='n'>{s}</th>" for s in STATUSES) + "</tr>"
    body = "".join(
        f"<tr><td>{escape(g.label)}</td><td class='n'>{g.total}</td>"
        + "".join(f"<td class='n'>{c}</td>" for c in _status_cells(g)) + "</tr>" for g in groups)
    return f"<section><h2>{escape(title)}</h2><table><thead>{head}</thead><tbody>{body}</tbody></table></section>"


def _html_transfer(t: ReportTransfer) -> str:
    steps = "".join(f"<li>{escape(_step_text(step))}</li>" for step in t.steps)
    return (f"<section><h3>{escape(t.practice_title)}: {escape(t.exporter_name)} → {escape(t.importer_name)}</h3>"
            f"<p><code>{escape(t.transfer)}</code>: <span class='status'>{escape(t.status)}</span>, "
            f"outcome {escape(t.outcome)}</p><ol class='steps'>{steps}</ol></section>")


def _link(source: str) -> str:
    return html_link(source)


def report_html(report: EventReport | CountryReport) -> str:
    """The report as one self-contained HTML page (inline CSS and SVG, no script, nothing fetched)."""
    facts = "".join(f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>" for label, value in _facts(report))
    rows = _funnel_rows(report)
    funnel_table = "".join(f"<tr><td>{escape(label)}</td><td class='n'>{count}</td></tr>" for label, count in rows)
    statuses = "".join(f"<tr><td>{escape(s)}</td><td class='n'>{n}</td></tr>" for s, n in report.by_status.items())
    transfers = ("".join(_html_transfer(t) for t in report.transfers)
                 or f"<p>{escape(_none_recorded(report))}</p>")
    notes = ("<section><h2>Notes</h2><ul>" + "".join(f"<li>{escape(n)}</li>" for n in report.notes) + "</ul></section>"
             if report.notes else "")
    sources = ("<section><h2>Sources</h2><ul>" + "".join(f"<li>{_link(s)}</li>" for s in report.sources)
               + "</ul></section>" if report.sources else "")
    title = f"Follow-up report: {report.name}"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>{escape(title)}</title>
<style>{CSS}</style>
</head>
<body>
<h1>{escape(title)}</h1>
<p class="muted">{escape(_intro(report))}</p>
<dl class="facts">{facts}</dl>
<section><h2>{escape(_progress_heading(report))}</h2>
<figure>{funnel_svg(rows)}<figcaption class="muted">How far the recorded transfers got: a transfer counts at
every stage up to the furthest its history reached (scaled counts as adopted).</figcaption></figure>
<table class="narrow"><thead><tr><th>stage</th><th class="n">count</th></tr></thead><tbody>{funnel_table}</tbody></table>
<h3>Current status</h3>
<table class="narrow"><thead><tr><th>status</th><th class="n">transfers</th></tr></thead><tbody>{statuses}</tbody></table>
</section>
{_html_groups("By country pair", report.pairs)}
{_html_groups("By theme", report.themes)}
<section><h2>Transfers</h2>{transfers}</section>
{notes}
{sources}
</body>
</html>
"""
