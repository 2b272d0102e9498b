"""Workshop mode (``psikg serve --workshop EVENT``): the one way the server writes.

The facilitator at the table records an opportunity or a follow-up step with one click. A write
is allowed only when all of these hold, so read-only stays the default and nothing else can write:

* the server was started with ``--workshop`` (the routes exist only then);
* the request comes from this machine (client address and ``Host`` both loopback: no other
  machine, and no web page that rebinds a name to 127.0.0.1);
* it carries the session cookie, set by opening the URL with the token printed at start;
* the form carries the CSRF value derived from the token (an HMAC), and an ``Origin``, when sent,
  is this server. The cookie is ``SameSite=Strict`` and ``HttpOnly``.

Each write is the store's normal atomic write of a batch with its history step (the batches of
``psikg matchmake --save`` and ``psikg follow-up``)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from urllib.parse import urlsplit

__all__ = ["WorkshopConfig", "COOKIE", "LOOPBACK", "is_loopback", "has_session", "csrf_ok"]

COOKIE = "psikg_workshop"
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


@dataclass(frozen=True)
class WorkshopConfig:
    """The event the table works on and the token that opens the session (random by default)."""

    event: str
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))

    @property
    def session(self) -> str:
        """The cookie value: derived from the token, so the token itself never sits in a cookie."""
        return hmac.new(self.token.encode(), b"session", hashlib.sha256).hexdigest()

    @property
    def csrf(self) -> str:
        """The value every write form carries."""
        return hmac.new(self.token.encode(), b"csrf", hashlib.sha256).hexdigest()


def _host_name(host_header: str | None) -> str:
    host = (host_header or "").strip()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def is_loopback(request) -> bool:
    """The request comes from this machine and names it (no DNS rebinding)."""
    client = request.client.host if request.client else ""
    return client in LOOPBACK and _host_name(request.headers.get("host")).lower() in LOOPBACK


def has_session(request, config: WorkshopConfig) -> bool:
    return hmac.compare_digest(request.cookies.get(COOKIE, ""), config.session)


def csrf_ok(request, config: WorkshopConfig, form) -> bool:
    """The form's CSRF value matches and the origin, when the browser sends it, is this server."""
    origin = request.headers.get("origin")
    if origin and (origin == "null" or urlsplit(origin).netloc != request.headers.get("host", "")):
        return False
    return hmac.compare_digest(str(form.get("csrf", "")), config.csrf)
