"""A real web server on 127.0.0.1, in a thread, for the download tests."""

from __future__ import annotations

import gzip
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARTICLE_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Putin meets Li | World News</title></head>
<body>
<div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience. Accept all cookies</div>
<nav><a href="/">Home</a> <a href="/sport">Sport</a> <a href="/weather">Weather</a></nav>
<article>
<h1>Putin meets China's defence minister</h1>
<p>Russian President Vladimir Putin and China's Defense Minister Li Shangfu met in Moscow on Sunday, where they
discussed their countries' close military cooperation and the exercises planned for the coming year.</p>
<p>Li was sanctioned by the US in 2018 for transactions with Russia's state-controlled arms exporter
Rosoboronexport, when he was leading the Chinese military's Equipment Development Department.</p>
<p>Во время встречи Путин назвал недавний визит Си Цзиньпина в Россию «очень продуктивным» и полезным.</p>
</article>
<footer>© 2026 World News. All rights reserved. <a href="/privacy">Privacy</a> <a href="/terms">Terms</a></footer>
</body></html>""".encode()


DRIPPING = threading.Event()  # set when a dripping answer has begun (tests clear it first)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8", **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def _drip(self, status_at_once: bool, forever: bool = False, signal: bool = True) -> None:
        """The article, but its status line and headers come a byte every 0.2 s (about 8 s, or 4 s of headers);
        ``forever``: a status line and headers that would take ten minutes, longer than any test waits;
        ``signal``: set DRIPPING as each byte goes."""
        body = ARTICLE_PAGE
        status = b"HTTP/1.1 200 " + (b"K" * 3_000 if forever else b"OK") + b"\r\n"
        headers = (b"X-Drip: " + b"." * 3_000 + b"\r\n" if forever else b"") + b"Content-Length: %d\r\n\r\n" % len(body)
        self.close_connection = True
        try:
            if status_at_once:
                self.wfile.write(status)
            for byte in headers if status_at_once else status + headers:
                self.wfile.write(bytes([byte]))
                if signal:
                    DRIPPING.set()
                time.sleep(0.2)
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up

    def do_GET(self) -> None:
        path = self.path
        if path == "/article":
            self._send(200, ARTICLE_PAGE)
        elif path == "/plain":
            self._send(200, "Простой текст. Plain text.\n\nSecond paragraph.".encode(), "text/plain; charset=utf-8")
        elif path == "/moved":
            self._send(302, b"", Location="/article")
        elif path == "/loop":
            self._send(302, b"", Location="/loop")
        elif path == "/elsewhere":
            self._send(302, b"", Location="file:///etc/passwd")
        elif path == "/missing":
            self._send(404, b"<p>no such page</p>")
        elif path == "/busy":
            self._send(503, b"<p>try later</p>")
        elif path == "/big":
            self._send(200, b"<p>" + b"word " * 20_000 + b"</p>")
        elif path == "/big-no-length":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"<p>" + b"word " * 20_000 + b"</p>")
            self.close_connection = True
        elif path == "/bomb":
            self._send(200, gzip.compress(b"<p>" + b"a" * 2_000_000 + b"</p>"), Content_Encoding="gzip")
        elif path == "/empty-page":
            self._send(200, b"<html><head><title>Nothing</title></head><body></body></html>")
        elif path == "/trickle":  # a byte at a time, forever
            self.close_connection = True  # the client gives up mid-body: no next request to read
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                for _ in range(100_000):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass
        elif path == "/silent":  # accepts, then never answers (for a minute: longer than any test waits)
            self.close_connection = True
            time.sleep(60)
        elif path in ("/drip-status", "/drip-headers"):  # the status line or the headers a byte every 0.2 s
            self._drip(path == "/drip-headers")
        elif path in ("/drip-status-forever", "/drip-headers-forever"):
            self._drip(path == "/drip-headers-forever", forever=True, signal=False)
        elif path == "/drip-headers-until-cancelled":  # sets DRIPPING: its request is the one dripping
            self._drip(True, forever=True)
        else:
            self._send(404, b"")


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that gave up (too large, timed out)
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@contextmanager
def web_server() -> Iterator[str]:
    """Serve the pages above; yields the base address (``http://127.0.0.1:PORT``)."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
