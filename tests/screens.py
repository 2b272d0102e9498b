"""Screenshots worth keeping: a size and pixel check that fails on a blank or unreadable page, and a
browser that may talk to a server on this machine (and nowhere else)."""

from __future__ import annotations

import struct
import time
import zlib
from pathlib import Path

from .viz_browser import Browser

__all__ = ["non_blank", "LocalBrowser"]


def _pixels(data: bytes) -> tuple[int, int, bytes]:
    """(width, height, the decompressed scanlines) of a PNG."""
    width, height = struct.unpack(">II", data[16:24])
    chunks, at = [], 8
    while at < len(data):
        size = struct.unpack(">I", data[at:at + 4])[0]
        if data[at + 4:at + 8] == b"IDAT":
            chunks.append(data[at + 8:at + 8 + size])
        at += 12 + size
    return width, height, zlib.decompress(b"".join(chunks))


def non_blank(path: Path, min_bytes: int = 20_000, min_colours: int = 20) -> None:
    """Fail unless the PNG is large, at least 800x600, and shows many colours (a blank or nearly
    empty page compresses to a few kilobytes of one or two colours)."""
    data = Path(path).read_bytes()
    assert len(data) >= min_bytes, (path, len(data))
    width, height, raw = _pixels(data)
    colours = len({raw[i:i + 3] for i in range(1, len(raw) - 3, 997)})
    assert width >= 800 and height >= 600 and colours >= min_colours, (path, width, height, colours)


class LocalBrowser(Browser):
    """Headless Chromium that may load pages from a server on this machine: names resolve to
    nothing (as in :class:`Browser`), the network is on for IP addresses, and every request is
    recorded so a test can check none left the machine."""

    HOST_RULES = "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"

    def __enter__(self) -> "LocalBrowser":
        super().__enter__()
        self.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0,
                                                       "downloadThroughput": -1, "uploadThroughput": -1})
        return self

    def goto(self, url: str, ready: str = "document.readyState === 'complete'", timeout: float = 30.0) -> None:
        self.send("Page.navigate", {"url": url})
        self.wait_for(ready, timeout)

    def wait_for(self, condition: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        time.sleep(0.2)
        while not self.evaluate(f"Boolean({condition})"):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{condition} still false after {timeout} s; errors: {self.errors()}")
            time.sleep(0.2)
