"""Headless Chromium driven through the Chrome DevTools protocol, for tests of HTML pages.

A :class:`Browser` opens a page with the network switched off (DNS resolves nothing, the page is
emulated offline), records every request the page makes and every console error, evaluates
JavaScript in it and takes screenshots. It needs ``/usr/bin/chromium`` (or ``PSIKG_CHROMIUM``)
and the ``websocket-client`` package; :func:`find_chromium` says why a test must skip.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

__all__ = ["Browser", "PageReport", "find_chromium"]

CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


def find_chromium() -> tuple[str | None, str]:
    """The browser binary, or None with the reason to skip."""
    try:
        import websocket  # noqa: F401
    except ImportError:
        return None, "websocket-client is not installed (pip install -e '.[test]')"
    for candidate in filter(None, (os.environ.get("PSIKG_CHROMIUM"),) + CANDIDATES):
        if os.access(candidate, os.X_OK):
            return candidate, ""
    return None, ("no Chromium found (apt-get install -y chromium, or `make browser`; "
                  "PSIKG_CHROMIUM names another binary)")


class PageReport(dict):
    """What a page did: ``requests`` (every URL asked for), ``errors`` (console and exceptions)."""


class Browser:
    """One headless Chromium, one tab. Use as a context manager."""

    #: every host name resolves to nothing (a subclass may exempt this machine)
    HOST_RULES = "MAP * ~NOTFOUND"

    def __init__(self, binary: str, *, width: int = 1400, height: int = 900, timeout: float = 30.0):
        self.binary, self.width, self.height, self.timeout = binary, width, height, timeout
        self._process = None
        self._socket = None
        self._profile = None
        self._next_id = 0
        self._session = None
        self.events: list[dict] = []

    # Process and connection ------------------------------------------------------------------

    def __enter__(self) -> "Browser":
        import websocket

        self._profile = tempfile.mkdtemp(prefix="psikg-chromium-")
        args = [
            self.binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-default-apps", "--disable-extensions", "--no-default-browser-check",
            f"--host-resolver-rules={self.HOST_RULES}", "--remote-allow-origins=*",
            f"--window-size={self.width},{self.height}", "--remote-debugging-port=0",
            f"--user-data-dir={self._profile}", "about:blank",
        ]
        self._process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        url = None
        deadline = time.monotonic() + self.timeout
        lines = []
        while time.monotonic() < deadline:
            line = self._process.stderr.readline()
            if not line:
                if self._process.poll() is not None:
                    break
                continue
            lines.append(line)
            found = re.search(r"DevTools listening on (ws://\S+)", line)
            if found:
                url = found.group(1)
                break
        if url is None:
            self.__exit__(None, None, None)
            raise RuntimeError("Chromium did not start: " + "".join(lines[-20:]))
        self._socket = websocket.create_connection(url, timeout=self.timeout, suppress_origin=True)
        target = self.send("Target.createTarget", {"url": "about:blank"}, browser=True)["targetId"]
        self._session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True},
                                  browser=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        self.send("Network.emulateNetworkConditions", {"offline": True, "latency": 0,
                                                       "downloadThroughput": -1, "uploadThroughput": -1})
        self.send("Emulation.setDeviceMetricsOverride", {"width": self.width, "height": self.height,
                                                         "deviceScaleFactor": 1, "mobile": False})
        return self

    def __exit__(self, *exc) -> None:
        if self._socket is not None:
            try:
                self.send("Browser.close", browser=True)
            except Exception:  # noqa: BLE001 - closing anyway
                pass
            self._socket.close()
            self._socket = None
        if self._process is not None:
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            if self._process.stderr:
                self._process.stderr.close()
            self._process = None
        if self._profile:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None

    def send(self, method: str, params: dict | None = None, *, browser: bool = False,
             timeout: float | None = None) -> dict:
        """Send one command and wait for its answer, keeping the events that arrive meanwhile."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if not browser and self._session:
            message["sessionId"] = self._session
        self._socket.send(json.dumps(message))
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no answer to {method}")
            reply = json.loads(self._socket.recv())
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    # Pages -------------------------------------------------------------------------------------

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def open(self, path: Path, *, ready: str = "window.psikgReady === true", timeout: float = 60.0) -> PageReport:
        """Load a local file and wait until ``ready`` is true in it."""
        self.events.clear()
        url = Path(path).resolve().as_uri()
        self.send("Page.navigate", {"url": url})
        deadline = time.monotonic() + timeout
        while not self.evaluate(f"Boolean({ready})"):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url}: {ready} still false after {timeout} s; errors: {self.errors()}")
            time.sleep(0.2)
        return PageReport(requests=self.requests(), errors=self.errors())

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e["method"] == "Network.requestWillBeSent"]

    def errors(self) -> list[str]:
        found = []
        for event in self.events:
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                found.append(details.get("exception", {}).get("description") or details.get("text", "exception"))
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                entry = params["entry"]
                found.append(f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}".strip())
            elif method == "Network.loadingFailed":
                found.append(f"request failed: {params.get('errorText')}")
        return found

    def screenshot(self, path: Path) -> Path:
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path
