"""Which source references become links. A source is data, and data never becomes script: only
``http``/``https`` URLs, DOIs (``doi:10.…``, linked through https://doi.org/) and URNs are
linked; anything else (``javascript:``, ``data:``, ``file:``, plain words) is shown as text. The
worksheet, the reports and the served pages all ask here."""

from __future__ import annotations

import re
from html import escape
from urllib.parse import quote

__all__ = ["link_target", "html_link", "markdown_link"]

_HTTP = re.compile(r"^https?://[^\s<>\"]+$", re.IGNORECASE)
_DOI = re.compile(r"^doi:(10\.\d{4,9}/\S+)$", re.IGNORECASE)
_URN = re.compile(r"^urn:[a-z0-9][a-z0-9-]{0,31}:[^\s<>\"]+$", re.IGNORECASE)


def link_target(source: str) -> str | None:
    """Where a link to ``source`` may point, or None when it must be shown as text."""
    source = str(source).strip()
    if _HTTP.match(source) or _URN.match(source):
        return source
    doi = _DOI.match(source)
    if doi:
        return "https://doi.org/" + quote(doi.group(1), safe="/:;()._-")
    return None


def html_link(source: str, **attributes: str) -> str:
    """``source`` as an HTML anchor when it may be linked, else as escaped text."""
    target = link_target(source)
    text = escape(str(source))
    if target is None:
        return f'<span class="unlinked">{text}</span>'
    extra = "".join(f' {name}="{escape(value, quote=True)}"' for name, value in attributes.items())
    return f'<a href="{escape(target, quote=True)}"{extra}>{text}</a>'


def markdown_link(source: str) -> str:
    """``source`` in Markdown: an autolink when it may be linked, else code (never a link)."""
    target = link_target(source)
    if target is None:
        return "`" + str(source).replace("`", "'") + "`"
    return f"<{target}>" if target == str(source).strip() else f"[{source}]({target})"
