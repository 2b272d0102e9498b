"""Request bodies read with a limit as they stream: a body over the limit is refused (413) as soon
as its ``Content-Length`` or its bytes so far say so, so a huge POST never grows the server's
memory past the limit."""

from __future__ import annotations

from .http import RequestError

__all__ = ["read_body"]


async def read_body(request, limit: int) -> bytes:
    """The body of ``request``, at most ``limit`` bytes; more raises :class:`RequestError` (413)."""
    too_large = RequestError(f"request body too large: at most {limit} bytes are accepted", 413)
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)
