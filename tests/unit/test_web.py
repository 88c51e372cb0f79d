"""Web pages downloaded from a real server on 127.0.0.1: the article kept, every failure its own reason."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from diglot.document import DownloadLimits, fetch_url, read_source
from diglot.errors import Cancelled, InputError
from tests.web_server import web_server


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with web_server() as base:
        yield base


def test_page_on_loopback_gives_only_the_article(site):
    seen: list[tuple[int, int | None]] = []
    doc = read_source(f"{site}/article", on_progress=lambda done, total: seen.append((done, total)))
    assert doc.title == "Putin meets China's defence minister"
    # The headline stays the article's first heading (translated with it), after it the three paragraphs.
    assert doc.paragraphs[0] == "# Putin meets China's defence minister"
    assert len(doc.paragraphs) == 4
    assert doc.paragraphs[1].startswith("Russian President Vladimir Putin")
    assert doc.paragraphs[3].startswith("Во время встречи Путин")
    for unwanted in ("cookies", "Home", "Sport", "rights reserved", "Privacy"):
        assert unwanted not in doc.text
    assert seen and seen[-1][0] == seen[-1][1]  # progress reached the declared size


def test_redirect_is_followed(site):
    doc = fetch_url(f"{site}/moved")
    assert doc.source == f"{site}/moved" and doc.paragraphs[1].startswith("Russian President")


def test_plain_text_is_read_as_text(site):
    assert read_source(f"{site}/plain").paragraphs == ("Простой текст. Plain text.", "Second paragraph.")


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/missing", "the server answered HTTP 404 Not Found"),
        ("/busy", "the server answered HTTP 503 Service Unavailable"),
        ("/loop", "too many redirects (more than 5)"),
        ("/elsewhere", "only http and https addresses can be read"),
        ("/big", "larger than the 50,000-byte limit"),
        ("/big-no-length", "larger than the 50,000-byte limit"),
        ("/bomb", "larger than the 50,000-byte limit"),
        ("/empty-page", "no article text found in the page"),
    ],
)
def test_each_failure_names_its_reason(site, path, reason):
    with pytest.raises(InputError) as info:
        read_source(f"{site}{path}", max_bytes=50_000)
    message = str(info.value)
    assert message.startswith(f"{site}{path}: ") and reason in message and "\n" not in message


@pytest.mark.parametrize("path", ["/trickle", "/silent"])
def test_slow_or_silent_server_hits_the_overall_deadline(site, path):
    """The server would trickle for hours or stay silent for a minute: an error within 30 s is the deadline's."""
    started = time.monotonic()
    with pytest.raises(InputError, match="timed out") as info:
        fetch_url(f"{site}{path}", limits=DownloadLimits(deadline_s=1.0))
    assert "1-second limit" in str(info.value)
    assert time.monotonic() - started < 30  # a bound on a hang, not a measure


def test_refused_connection_and_non_web_address():
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(InputError, match="connection refused"):
        fetch_url(f"http://127.0.0.1:{port}/")
    with pytest.raises(InputError, match="only http and https"):
        fetch_url("ftp://127.0.0.1/a.txt")


def test_cancel_stops_the_download(site):
    cancel = threading.Event()

    def progress(done: int, total: int | None) -> None:
        cancel.set()

    with pytest.raises(Cancelled):  # not the deadline's InputError: the trickle would outlast it
        fetch_url(f"{site}/trickle", limits=DownloadLimits(deadline_s=10), on_progress=progress, cancel=cancel)


def test_certificates_are_checked_even_on_loopback(tmp_path):
    """A self-signed certificate is refused: the reason says so (and nothing retries without checking)."""
    import shutil
    import ssl
    import subprocess
    from http.server import BaseHTTPRequestHandler, HTTPServer

    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"<p>secret</p>")

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Page)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with pytest.raises(InputError, match="certificate problem"):
            fetch_url(f"https://127.0.0.1:{server.server_address[1]}/")
    finally:
        server.shutdown()
        server.server_close()
