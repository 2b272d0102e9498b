"""Headless Chromium for the worksheet's HTML test, driven through the DevTools protocol over a pipe.

``--remote-debugging-pipe`` makes Chromium read protocol messages (JSON, each ended by a NUL
byte) on its file descriptor 3 and answer on 4: no port, no websocket library, no driver.
:func:`open_page` loads a file in a fresh profile and reports what a reader would see: the title,
every network request the page made, JavaScript exceptions and console or log errors.
"""

from __future__ import annotations

import fcntl
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["chromium_binary", "PageReport", "open_page"]

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-default-apps", "--mute-audio",
         "--remote-debugging-pipe")


def chromium_binary() -> str | None:
    """The Chromium executable (``PSIKG_CHROMIUM`` first), or None when it is not installed."""
    named = os.environ.get("PSIKG_CHROMIUM")
    if named and os.access(named, os.X_OK):
        return named
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class PageReport:
    title: str = ""
    requests: list[str] = field(default_factory=list)  # every URL the page asked for
    errors: list[str] = field(default_factory=list)  # exceptions, console and log errors
    values: dict[str, object] = field(default_factory=dict)  # results of the expressions asked for
    pdf_bytes: int = 0


class _Pipe:
    def __init__(self, binary: str, user_data_dir: str):
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # High descriptors, so that moving them to 3 and 4 in the child cannot clobber each other.
        high_r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD_CLOEXEC, 10)
        high_w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(to_child_r)
        os.close(from_child_w)

        def wire():  # in the child, before exec: the protocol lives on 3 and 4
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={user_data_dir}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            close_fds=False, preexec_fn=wire)
        os.close(high_r)
        os.close(high_w)
        self._messages: queue.Queue = queue.Queue()
        self._next_id = 0
        self.events: list[dict] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = os.read(self._from_child, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                self._messages.put(None)
                return
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                self._messages.put(json.loads(raw))

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = 30.0) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        return self.wait(lambda m: m.get("id") == message["id"], timeout)["result"]

    def wait(self, predicate, timeout: float = 30.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("Chromium did not answer in time")
            try:
                message = self._messages.get(timeout=remaining)
            except queue.Empty:
                raise TimeoutError("Chromium did not answer in time") from None
            if message is None:
                raise RuntimeError("Chromium closed the DevTools pipe")
            if "method" in message:
                self.events.append(message)
            if "error" in message and "id" in message:
                raise RuntimeError(f"DevTools error: {message['error']}")
            if predicate(message):
                return message

    def drain(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                message = self._messages.get(timeout=remaining)
            except queue.Empty:
                return
            if message is None:
                return
            if "method" in message:
                self.events.append(message)

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=5)
        except Exception:  # noqa: BLE001 - closing anyway
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass


def open_page(path: Path, expressions: dict[str, str] | None = None, *, pdf: bool = False,
              binary: str | None = None) -> PageReport:
    """Open ``path`` in a fresh headless Chromium profile and report on it."""
    binary = binary or chromium_binary()
    if binary is None:
        raise FileNotFoundError("chromium is not installed")
    with tempfile.TemporaryDirectory(prefix="psikg-chromium-") as profile:
        pipe = _Pipe(binary, profile)
        try:
            target = pipe.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = pipe.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            for domain in ("Network", "Page", "Runtime", "Log"):
                pipe.send(f"{domain}.enable", session=session)
            pipe.events.clear()
            pipe.send("Page.navigate", {"url": path.resolve().as_uri()}, session=session)
            pipe.wait(lambda m: m.get("method") == "Page.loadEventFired" and m.get("sessionId") == session)
            pipe.drain(0.5)  # anything the page would fetch late
            report = PageReport()
            report.title = pipe.send("Runtime.evaluate", {"expression": "document.title", "returnByValue": True},
                                     session=session)["result"].get("value", "")
            for name, expression in (expressions or {}).items():
                result = pipe.send("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                                   session=session)
                report.values[name] = result["result"].get("value")
            if pdf:
                data = pipe.send("Page.printToPDF", {"printBackground": True}, session=session, timeout=60)["data"]
                report.pdf_bytes = len(data) * 3 // 4
            pipe.drain(0.2)
            for event in pipe.events:
                if event.get("sessionId") != session:
                    continue
                method, params = event["method"], event.get("params", {})
                if method == "Network.requestWillBeSent":
                    report.requests.append(params["request"]["url"])
                elif method == "Runtime.exceptionThrown":
                    report.errors.append(json.dumps(params.get("exceptionDetails", {}))[:500])
                elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                    report.errors.append(json.dumps(params.get("args", []))[:500])
                elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                    report.errors.append(params["entry"].get("text", ""))
            return report
        finally:
            pipe.close()
