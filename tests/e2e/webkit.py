"""WebKit for browser tests: Debian's WebKitGTK (the engine family of Safari) driven through WebKitWebDriver.

Playwright's own WebKit is a download this project does not use; Debian's ``webkit2gtk-driver`` has a W3C
WebDriver server, and its MiniBrowser needs a display, so it runs on a private Xvfb. The few WebDriver commands
the tests need are plain HTTP calls here. ``RefusingProxy`` stands between the browser and the live server and
can drop the connection of chosen requests: WebDriver cannot switch the browser offline, but a request whose
connection is dropped fails for the page and its service worker as it does without signal.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

WEBDRIVER = shutil.which("WebKitWebDriver")
XVFB = shutil.which("Xvfb")
MINIBROWSER = next(
    (path for path in Path("/usr/lib").glob("*/webkit2gtk-4.1/MiniBrowser") if os.access(path, os.X_OK)), None
)
MISSING = None if WEBDRIVER and XVFB and MINIBROWSER else (
    "WebKitGTK is not installed: apt-get install webkit2gtk-driver xvfb (scripts/test.sh does this when run as root)"
)
START_TIMEOUT_S = 60  # a bound for a loaded machine; the wait ends as soon as the driver answers


class WebDriverError(Exception):
    pass


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class WebKitDriver:
    """Xvfb and WebKitWebDriver, started once; ``session()`` opens a fresh browser (no cookies, no storage)."""

    def __init__(self) -> None:
        read, write = os.pipe()
        self.xvfb = subprocess.Popen(  # noqa: S603 - fixed arguments
            [XVFB, "-displayfd", str(write), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        os.close(write)
        with os.fdopen(read) as pipe:
            display = pipe.readline().strip()
        if not display:
            _stop(self.xvfb)
            raise WebDriverError("Xvfb did not start")
        self.port = _free_port()
        self.driver = subprocess.Popen(  # noqa: S603 - fixed arguments
            [WEBDRIVER, f"--port={self.port}"], env={**os.environ, "DISPLAY": f":{display}"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                if _call("GET", f"{self.url}/status").get("ready"):
                    return
            except (OSError, WebDriverError):
                pass
            time.sleep(0.1)
        self.close()
        raise WebDriverError("WebKitWebDriver did not start")

    def session(self) -> Session:
        capabilities = {"alwaysMatch": {
            "browserName": "MiniBrowser",
            "webkitgtk:browserOptions": {"binary": str(MINIBROWSER), "args": ["--automation"]},
        }}
        value = _call("POST", f"{self.url}/session", {"capabilities": capabilities})
        return Session(f"{self.url}/session/{value['sessionId']}", value["capabilities"])

    def close(self) -> None:
        _stop(self.driver)
        _stop(self.xvfb)


def _call(method: str, url: str, body: dict | None = None, timeout: float = 60):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})  # noqa: S310 - our own driver
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return json.load(response)["value"]
    except urllib.error.HTTPError as error:
        value = json.loads(error.read() or b"{}").get("value", {})
        raise WebDriverError(f"{value.get('error')}: {value.get('message')}") from None


class Session:
    """One browser window: go to a page, run a script (a returned promise is awaited), click, wait."""

    def __init__(self, url: str, capabilities: dict) -> None:
        self.url = url
        self.capabilities = capabilities

    def get(self, url: str) -> None:
        _call("POST", f"{self.url}/url", {"url": url})

    def refresh(self) -> None:
        _call("POST", f"{self.url}/refresh", {})

    def current_url(self) -> str:
        return _call("GET", f"{self.url}/url")

    def run(self, script: str, *args):
        """Run the body of a function; ``return`` a value or a promise of one."""
        return _call("POST", f"{self.url}/execute/sync", {"script": script, "args": list(args)})

    def click(self, css: str) -> None:
        """A real click on the first element matching ``css``; returns once a navigation it starts has loaded."""
        element = _call("POST", f"{self.url}/element", {"using": "css selector", "value": css})
        _call("POST", f"{self.url}/element/{next(iter(element.values()))}/click", {})

    def wait_for(self, script: str, *, timeout: float = 30, message: str = "") -> object:
        """Run ``script`` until it returns something truthy (a page still loading counts as not yet)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = self.run(script)
                if value:
                    return value
            except WebDriverError:
                value = None
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {message or script}")
            time.sleep(0.2)

    def screenshot(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(_call("GET", f"{self.url}/screenshot")))
        return path

    def close(self) -> None:
        _call("DELETE", self.url)


class RefusingProxy:
    """An HTTP proxy in front of ``target``; while ``refuse`` returns True for (method, path) it drops the
    connection without answering. ``forwarded`` lists the (method, path) of every request passed on."""

    def __init__(self, target: str) -> None:
        parts = urlsplit(target)
        self.target = (parts.hostname, parts.port)
        self.refuse = lambda method, path: False
        self.forwarded: list[tuple[str, str]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self
        skipped = {"connection", "keep-alive", "transfer-encoding", "content-length", "proxy-connection"}

        class Handler(BaseHTTPRequestHandler):
            def _forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if proxy.refuse(self.command, self.path):
                    self.close_connection = True  # no answer at all: a network error for the browser
                    return
                proxy.forwarded.append((self.command, self.path))
                upstream = http.client.HTTPConnection(*proxy.target, timeout=30)
                headers = {name: value for name, value in self.headers.items() if name.lower() not in skipped}
                upstream.request(self.command, self.path, body=body or None, headers=headers)
                response = upstream.getresponse()
                content = response.read()
                self.send_response(response.status, response.reason)
                for name, value in response.getheaders():
                    if name.lower() not in skipped:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)
                upstream.close()

            do_GET = do_POST = _forward  # noqa: N815 - BaseHTTPRequestHandler's names

            def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
                pass

        return Handler
