"""The worksheet as Markdown and as one self-contained HTML page.

The HTML page carries its CSS inline, loads nothing (no scripts, images, fonts or style sheets
from anywhere: sources are plain links to follow, never resources to fetch), needs no JavaScript
and prints well on A4 or Letter: sections avoid page breaks inside tables rows, links print their
address, and the questions leave room for the table's answers.
"""

from __future__ import annotations

from html import escape

from ..queries.worksheet import FactorRow, StatementRef, Worksheet
from .links import html_link, markdown_link
from .provenance import provenance_text

__all__ = ["to_markdown", "to_html", "render"]

STATUS_TEXT = {"present": "present", "absent": "absent", "unknown": "unknown",
               "not-applicable": "not applicable (organization)"}


def render(sheet: Worksheet, fmt: str) -> str:
    """``fmt`` is ``md`` (or ``markdown``) or ``html``."""
    if fmt in ("md", "markdown"):
        return to_markdown(sheet)
    if fmt in ("html", "htm"):
        return to_html(sheet)
    raise ValueError(f"unknown worksheet format {fmt!r}; expected md or html")


def _score_line(sheet: Worksheet) -> str:
    c = sheet.match
    return (f"match score {c.score:.3f}, tier {c.tier} (factor fit {c.factor_fit:.3f}, coverage {c.coverage:.2f}, "
            f"SDG fit {c.sdg_fit:.3f}, evidence {c.evidence:.1f})")


def _statement_text(ref: StatementRef) -> str:
    said = "present" if ref.present else "absent"
    when = f"as of {ref.as_of}" if ref.as_of else "undated"
    return f"{ref.label}: {said}, {when}" + (f" ({ref.note})" if ref.note else "")


def _how_known(item) -> str:
    """How a statement or a factor link is known: "reading by X, 2026-11-30" or "stated by its
    source" (its sources stand beside it); nothing for data that records no basis."""
    return provenance_text(item.basis, item.read_by, item.read_on) if item.basis else ""


def _md_how(item) -> str:
    how = _how_known(item)
    return f" [{how}]" if how else ""


def _targets_text(sheet: Worksheet) -> str:
    """The practice's targets, and how the set is known (stated: by the practice's sources' sites)."""
    first, ids = sheet.targets[0], "; ".join(t.id for t in sheet.targets)
    if not first.basis:
        return ids
    return ids + f" ({provenance_text(first.basis, first.read_by, first.read_on, sheet.sources, hosts_only=True)})"


def _facts(sheet: Worksheet) -> list[tuple[str, str]]:
    facts = [("Exporter", f"{sheet.exporter_name} ({sheet.exporter})" if sheet.exporter else "unknown"),
             ("Importer", f"{sheet.importer_name} ({sheet.importer})"
              + (f"; {', '.join(sheet.importer_profile)}" if sheet.importer_profile else ""))]
    if sheet.organization:
        facts.append(("Organization", sheet.organization))
    if sheet.year:
        facts.append(("Since", str(sheet.year)))
    if sheet.maturity:
        facts.append(("Maturity", sheet.maturity))
    if sheet.themes:
        facts.append(("Themes", "; ".join(sheet.themes)))
    if sheet.targets:
        facts.append(("SDG targets", _targets_text(sheet)))
    facts.append(("Fit", _score_line(sheet)))
    if sheet.engagement:
        facts.append(("Already engaged", sheet.engagement))
    return facts


def _extra_sections(sheet: Worksheet) -> list[tuple[str, str, list[str], str]]:
    """(anchor, title, items, text when empty) of the sections after the adopters, in order."""
    to = sheet.importer_name
    return [
        ("risks", "Risks", list(sheet.risks),
         "No critical precondition is known to be absent and no transfer of the practice is recorded as failed."),
        ("steps", "Adoption steps", list(sheet.steps), ""),
        ("related", f"{to}'s own related practices",
         [f"{r.title} ({r.practice}; shared themes: {', '.join(r.themes)})" for r in sheet.related],
         f"No practice of {to} sharing a theme with this one is recorded."),
        ("recorded", f"Recorded for {to} and this practice", list(sheet.recorded),
         "No transfer, opportunity or study of this practice for this country is recorded."),
    ]


# Markdown -------------------------------------------------------------------------------------


def _md_cell(text) -> str:
    return " ".join(str(text or "").split()).replace("|", "\\|")


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return lines + [""]


def _md_statements(refs: tuple[StatementRef, ...]) -> str:
    return "; ".join(_statement_text(s) + _md_how(s) for s in refs)


def _md_sources(refs: tuple[StatementRef, ...]) -> str:
    return " ".join(markdown_link(s) for ref in refs for s in ref.sources)


def to_markdown(sheet: Worksheet) -> str:
    """The worksheet as GitHub-flavoured Markdown."""
    out = [f"# Reverse-engineering worksheet: {sheet.title}", "",
           f"**{sheet.exporter_name or sheet.exporter} → {sheet.importer_name}**", ""]
    out += [f"- **{name}:** {_md_cell(value)}" for name, value in _facts(sheet)] + [""]
    out += [f"> {note}" for note in sheet.notes] + ([""] if sheet.notes else [])

    out += ["## 1. The practice, deconstructed", ""]
    if sheet.description:
        out += [sheet.description, ""]
    if sheet.problem:
        out += ["**Problem it solved.** " + sheet.problem, ""]
    if sheet.builds:
        out += ["**Components to build.**", ""] + [f"- {c}" for c in sheet.builds] + [""]
    for role in ("critical", "supporting"):
        rows = [r for r in sheet.factors if r.role == role]
        if rows:
            out += [f"**{role.capitalize()} preconditions.**", ""]
            out += [f"- {r.label} (`{r.factor}`)" + (f": {r.note}" if r.note else "") + _md_how(r)
                    for r in rows] + [""]
    if sheet.measures:
        out += ["**Outcomes to measure.**", ""] + [f"- {c}" for c in sheet.measures] + [""]
    if sheet.evidence:
        out += ["**Evidence of impact.** " + sheet.evidence, ""]
    if sheet.sources:
        out += ["**Sources.**", ""] + [f"- {markdown_link(s)}" for s in sheet.sources] + [""]

    out += [f"## 2. Why it worked in {sheet.exporter_name or sheet.exporter}", ""]
    out += _md_table(["Factor", "Role", "Status", "Context statement", "Sources"],
                     [[r.label, r.role, STATUS_TEXT[r.exporter_status],
                       _md_statements(r.exporter_statements), _md_sources(r.exporter_statements)]
                      for r in sheet.factors])

    out += [f"## 3. {sheet.importer_name}'s preconditions", ""]
    out += _md_table(["Factor", "Role", "Status", "Context statement", "Sources"],
                     [[r.label, r.role, STATUS_TEXT[r.importer_status],
                       _md_statements(r.importer_statements), _md_sources(r.importer_statements)]
                      for r in sheet.factors])

    out += ["## 4. Gaps, most critical first", ""]
    if sheet.gaps:
        out += [f"{i}. **{g.label}** ({g.role}, {g.importer_status})" + (f": in the exporter, {g.note}" if g.note else "")
                for i, g in enumerate(sheet.gaps, 1)] + [""]
        if sheet.match.questions:
            out += ["**To ask (unknown preconditions).**", ""] + [f"- {q}" for q in sheet.match.questions] + [""]
    else:
        out += [f"None: {sheet.importer_name} has every recorded precondition.", ""]

    out += _md_adopters(sheet)

    for number, (_, title, items, empty) in enumerate(_extra_sections(sheet), 6):
        out += [f"## {number}. {title}", ""]
        out += ([f"- {_md_cell(item)}" for item in items] if items else [empty]) + [""]

    out += [f"## 10. SDG targets it serves among {sheet.importer_name}'s needs", ""]
    if sheet.needs:
        out += [f"- {t.id}: {t.title}" for t in sheet.served_targets] + [""]
        out += [f"- Need `{n.need}`: {n.title} (targets {', '.join(n.targets)}"
                + (f"; priority {n.priority}" if n.priority else "") + ")" for n in sheet.needs] + [""]
    else:
        out += [f"None of {sheet.importer_name}'s recorded needs asks for the practice's targets"
                + (f" ({', '.join(t.id for t in sheet.targets)})." if sheet.targets else "."), ""]

    out += ["## 11. Questions for the table", ""]
    out += [f"{i}. {q}" for i, q in enumerate(sheet.questions, 1)] + [""]
    return "\n".join(out)


def _md_adopters(sheet: Worksheet) -> list[str]:
    """Section 5: who already took the practice up, how it went and how alike they are."""
    out = ["## 5. Who already took it up", ""]
    if sheet.adopters:
        for a in sheet.adopters:
            how = [f"verdict {a.verdict}", f"status {a.status}", f"outcome {a.outcome}"]
            if a.start_year:
                how.append(f"since {a.start_year}")
            how.append(f"context similarity to {sheet.importer_name} {a.similarity:.2f}")
            if a.same_subregion:
                how.append("same sub-region")
            if a.same_income_group:
                how.append("same income group")
            out += [f"- **{a.name}** ({a.country}; transfer `{a.transfer}`): {', '.join(how)}."]
            if a.shared_factors:
                out += [f"  - Shared context: {', '.join(a.shared_factors)}."]
            if a.facilitators:
                out += [f"  - Facilitated by: {', '.join(a.facilitators)}."]
            if a.note:
                out += [f"  - How: {_md_cell(a.note)}"]
            if a.sources:
                out += [f"  - Sources: {' '.join(markdown_link(s) for s in a.sources)}"]
        out += [""]
    else:
        out += ["No transfer of the practice to another country is recorded"
                + (f"; {sheet.importer_name} is itself engaged: {sheet.engagement}." if sheet.engagement else "."), ""]
    return out


# HTML -----------------------------------------------------------------------------------------

CSS = """
:root { --ink: #1d2733; --muted: #5b6673; --line: #cfd6de; --soft: #f3f6f9;
        --ok: #1b7f3b; --bad: #b3261e; --unk: #8a6d00; }
* { box-sizing: border-box; }
body { font: 11pt/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
       color: var(--ink); margin: 0 auto; max-width: 60rem; padding: 1.5rem; }
h1 { font-size: 1.55rem; margin: 0 0 .2rem; }
h2 { font-size: 1.15rem; margin: 1.6rem 0 .5rem; padding-bottom: .2rem; border-bottom: 2px solid var(--ink); }
.route { font-size: 1.1rem; color: var(--muted); margin: 0 0 1rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0 0 1rem; }
dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; }
.note { background: var(--soft); border-left: 4px solid var(--unk); padding: .4rem .7rem; margin: .5rem 0; }
table { width: 100%; border-collapse: collapse; margin: .4rem 0 1rem; font-size: .95em; }
th, td { border: 1px solid var(--line); padding: .3rem .45rem; text-align: left; vertical-align: top; }
th { background: var(--soft); }
tr { break-inside: avoid; page-break-inside: avoid; }
.status { font-weight: 600; white-space: nowrap; }
.present { color: var(--ok); } .absent { color: var(--bad); } .unknown { color: var(--unk); }
.not-applicable { color: var(--muted); }
.critical { font-weight: 600; }
code { font-size: .9em; background: var(--soft); padding: 0 .2em; }
a { color: #0b57d0; overflow-wrap: anywhere; }
ol.questions li { margin-bottom: .9rem; }
ol.questions .answer { border-bottom: 1px dotted var(--muted); height: 3.2em; margin-top: .2rem; }
.src { font-size: .85em; color: var(--muted); }
.provenance { font-size: .85em; color: var(--muted); font-style: italic; white-space: nowrap; }
footer { margin-top: 2rem; font-size: .8em; color: var(--muted); }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { padding: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  section { break-inside: auto; }
  a { color: inherit; text-decoration: none; }
  .note { border-left-color: #000; }
}
"""


def _e(text) -> str:
    return escape(str(text if text is not None else ""), quote=True)


def _link(url: str) -> str:
    return html_link(url, rel="noreferrer")


def _status(status: str) -> str:
    return f'<span class="status {_e(status)}">{_e(STATUS_TEXT.get(status, status))}</span>'


def _provenance_html(item) -> str:
    """How a fact is known, marked up so that a reading stands out as one (nothing without a basis)."""
    how = _how_known(item)
    return f' <span class="provenance {_e(item.basis)}">{_e(how)}</span>' if how else ""


def _statements_html(refs: tuple[StatementRef, ...]) -> tuple[str, str]:
    text = "<br>".join(_e(_statement_text(r)) + _provenance_html(r) for r in refs)
    sources = "<br>".join(_link(s) for r in refs for s in dict.fromkeys(r.sources))
    return text, sources


def _factor_table(rows: tuple[FactorRow, ...], side: str) -> str:
    body = []
    for r in rows:
        status = r.exporter_status if side == "exporter" else r.importer_status
        refs = r.exporter_statements if side == "exporter" else r.importer_statements
        text, sources = _statements_html(refs)
        body.append(f'<tr><td class="{_e(r.role)}">{_e(r.label)}<br><code>{_e(r.factor)}</code></td>'
                    f"<td>{_e(r.role)}</td><td>{_status(status)}</td><td>{text}</td>"
                    f'<td class="src">{sources}</td></tr>')
    return ("<table><thead><tr><th>Factor</th><th>Role</th><th>Status</th><th>Context statement</th>"
            "<th>Sources</th></tr></thead><tbody>" + "".join(body) + "</tbody></table>")


def to_html(sheet: Worksheet) -> str:
    """The worksheet as one HTML page that loads nothing and prints well."""
    exporter = sheet.exporter_name or sheet.exporter or "unknown"
    parts = _html_head(sheet, exporter) + _html_practice(sheet)
    parts += [f'<section id="exporter"><h2>2. Why it worked in {_e(exporter)}</h2>',
              _factor_table(sheet.factors, "exporter"), "</section>",
              f'<section id="importer"><h2>3. {_e(sheet.importer_name)}&#8217;s preconditions</h2>',
              _factor_table(sheet.factors, "importer"), "</section>"]
    parts += _html_gaps(sheet) + _html_adopters(sheet)
    for number, (anchor, title, items, empty) in enumerate(_extra_sections(sheet), 6):
        parts.append(f'<section id="{anchor}"><h2>{number}. {_e(title)}</h2>')
        parts.append("<ul>" + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>" if items else f"<p>{_e(empty)}</p>")
        parts.append("</section>")
    parts += _html_sdg(sheet)
    parts.append('<section id="questions"><h2>11. Questions for the table</h2><ol class="questions">'
                 + "".join(f'<li>{_e(q)}<div class="answer"></div></li>' for q in sheet.questions)
                 + "</ol></section>")
    parts += [f"<footer>psikg worksheet for practice <code>{_e(sheet.practice)}</code> and importer "
              f"<code>{_e(sheet.importer)}</code>.</footer>", "</body>", "</html>", ""]
    return "\n".join(parts)


def _html_head(sheet: Worksheet, exporter: str) -> list[str]:
    """The document head and the page header: title, route, facts and notes."""
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>Worksheet: {_e(sheet.title)} to {_e(sheet.importer_name)}</title>",
             f"<style>{CSS}</style>", "</head>", "<body>", "<header>",
             f"<h1>Reverse-engineering worksheet: {_e(sheet.title)}</h1>",
             f'<p class="route">{_e(exporter)} → {_e(sheet.importer_name)}</p>',
             '<dl class="facts">']
    parts += [f"<dt>{_e(name)}</dt><dd>{_e(value)}</dd>" for name, value in _facts(sheet)]
    return parts + ["</dl>"] + [f'<p class="note">{_e(n)}</p>' for n in sheet.notes] + ["</header>"]


def _html_list(title: str, items, render=_e, css: str = "") -> str:
    """A titled bullet list."""
    cls = f' class="{css}"' if css else ""
    return f"<p><strong>{title}</strong></p><ul{cls}>" + "".join(f"<li>{render(i)}</li>" for i in items) + "</ul>"


def _html_practice(sheet: Worksheet) -> list[str]:
    """Section 1: the practice deconstructed (problem, components, preconditions, outcomes, evidence)."""
    parts = ['<section id="practice"><h2>1. The practice, deconstructed</h2>']
    if sheet.description:
        parts.append(f"<p>{_e(sheet.description)}</p>")
    if sheet.problem:
        parts.append(f"<p><strong>Problem it solved.</strong> {_e(sheet.problem)}</p>")
    if sheet.builds:
        parts.append(_html_list("Components to build.", sheet.builds))
    for role in ("critical", "supporting"):
        rows = [r for r in sheet.factors if r.role == role]
        if rows:
            parts.append(_html_list(f"{role.capitalize()} preconditions.", rows, lambda r: (
                f"{_e(r.label)} <code>{_e(r.factor)}</code>" + (f": {_e(r.note)}" if r.note else "")
                + _provenance_html(r))))
    if sheet.measures:
        parts.append(_html_list("Outcomes to measure.", sheet.measures))
    if sheet.evidence:
        parts.append(f"<p><strong>Evidence of impact.</strong> {_e(sheet.evidence)}</p>")
    if sheet.sources:
        parts.append(_html_list("Sources.", sheet.sources, _link, "src"))
    return parts + ["</section>"]


def _html_gaps(sheet: Worksheet) -> list[str]:
    """Section 4: the gaps, most critical first, and the questions the unknowns raise."""
    parts = ['<section id="gaps"><h2>4. Gaps, most critical first</h2>']
    if sheet.gaps:
        parts.append("<ol>" + "".join(
            f'<li><span class="{_e(g.role)}">{_e(g.label)}</span> ({_e(g.role)}, {_status(g.importer_status)})'
            + (f": in the exporter, {_e(g.note)}" if g.note else "") + "</li>" for g in sheet.gaps) + "</ol>")
        if sheet.match.questions:
            parts.append(_html_list("To ask (unknown preconditions).", sheet.match.questions))
    else:
        parts.append(f"<p>None: {_e(sheet.importer_name)} has every recorded precondition.</p>")
    return parts + ["</section>"]


def _html_adopter_row(sheet: Worksheet, a) -> str:
    near = ", ".join(x for x, flag in (("same sub-region", a.same_subregion),
                                       ("same income group", a.same_income_group)) if flag)
    how = _e(a.note) + ("<br>" if a.note and a.sources else "") + "<br>".join(
        f'<span class="src">{_link(s)}</span>' for s in a.sources)
    return (f"<tr><td>{_e(a.name)}<br><code>{_e(a.transfer)}</code></td>"
            f"<td>{_e(a.verdict)}: {_e(a.status)} / {_e(a.outcome)}"
            + (f"<br>since {_e(a.start_year)}" if a.start_year else "")
            + f"</td><td>{a.similarity:.2f}" + (f"<br>{_e(near)}" if near else "")
            + (f'<br><span class="src">shared: {_e(", ".join(a.shared_factors))}</span>'
               if a.shared_factors else "")
            + f"</td><td>{_e(', '.join(a.facilitators))}</td><td>{how}</td></tr>")


def _html_adopters(sheet: Worksheet) -> list[str]:
    """Section 5: who already took the practice up, and how it went."""
    parts = ['<section id="adopters"><h2>5. Who already took it up</h2>']
    if sheet.adopters:
        rows = [_html_adopter_row(sheet, a) for a in sheet.adopters]
        parts.append("<table><thead><tr><th>Country</th><th>Verdict: status / outcome</th>"
                     f"<th>Similarity to {_e(sheet.importer_name)}</th><th>Facilitators</th><th>How</th></tr>"
                     "</thead><tbody>" + "".join(rows) + "</tbody></table>")
    else:
        engaged = f"; {sheet.importer_name} is itself engaged: {sheet.engagement}" if sheet.engagement else ""
        parts.append(f"<p>No transfer of the practice to another country is recorded{_e(engaged)}.</p>")
    return parts + ["</section>"]


def _html_sdg(sheet: Worksheet) -> list[str]:
    """Section 10: the SDG targets the practice serves among the importer's needs."""
    parts = [f'<section id="sdg"><h2>10. SDG targets it serves among {_e(sheet.importer_name)}&#8217;s '
             "needs</h2>"]
    if sheet.needs:
        parts.append("<ul>" + "".join(f"<li><strong>{_e(t.id)}</strong> {_e(t.title)}</li>"
                                      for t in sheet.served_targets) + "</ul>")
        parts.append("<table><thead><tr><th>Need</th><th>Targets</th><th>Priority</th></tr></thead><tbody>"
                     + "".join(f"<tr><td>{_e(n.title)}<br><code>{_e(n.need)}</code></td>"
                               f"<td>{_e(', '.join(n.targets))}</td><td>{_e(n.priority or '')}</td></tr>"
                               for n in sheet.needs) + "</tbody></table>")
    else:
        targets = f" ({_e(', '.join(t.id for t in sheet.targets))})" if sheet.targets else ""
        parts.append(f"<p>None of {_e(sheet.importer_name)}&#8217;s recorded needs asks for the practice&#8217;s "
                     f"targets{targets}.</p>")
    return parts + ["</section>"]
