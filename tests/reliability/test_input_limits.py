"""Hostile input stays bounded: a server that drips its headers, control characters by entity, huge pages."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from diglot.document import HTML_MAX_BYTES, DownloadLimits, fetch_url, from_html, read_source
from diglot.errors import Cancelled, InputError
from tests import web_server


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with web_server.web_server() as base:
        yield base


@pytest.mark.parametrize("path", ["/drip-status-forever", "/drip-headers-forever"])
def test_a_server_dripping_its_headers_hits_the_overall_deadline(site: str, path: str):
    """The deadline covers the status line and headers, not only the body (a byte every 0.2 s is no read timeout).

    The server's status line or headers would take ten minutes: an error within a minute is the deadline's.
    """
    started = time.monotonic()
    with pytest.raises(InputError) as info:
        fetch_url(f"{site}{path}", limits=DownloadLimits(deadline_s=2.0))
    elapsed = time.monotonic() - started
    assert str(info.value) == f"{site}{path}: timed out (the 2-second limit for the whole download)"
    assert 1.9 < elapsed < 60, elapsed  # never before the deadline; after it, only a bound on a hang
    print(f"timed out {elapsed - 2:.2f} s after the deadline")


def test_cancel_stops_a_download_still_waiting_for_its_headers(site: str):
    cancel = threading.Event()
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            fetch_url(f"{site}/drip-headers-until-cancelled", limits=DownloadLimits(deadline_s=600.0), cancel=cancel)
        except BaseException as exc:  # the outcome is what the test looks at
            outcome.append(exc)

    web_server.DRIPPING.clear()
    reader = threading.Thread(target=read)
    reader.start()
    assert web_server.DRIPPING.wait(timeout=60)  # the download is waiting for the dripped headers (ten minutes)
    cancel.set()
    cancelled_at = time.monotonic()
    reader.join(timeout=60)
    assert not reader.is_alive(), "the download went on after the cancel"
    print(f"ended {time.monotonic() - cancelled_at:.2f} s after the cancel")
    assert len(outcome) == 1 and isinstance(outcome[0], Cancelled)


def test_a_dripping_server_still_gives_its_page_within_the_deadline(site: str):
    doc = fetch_url(f"{site}/drip-headers", limits=DownloadLimits(deadline_s=20.0))
    assert "Russian President Vladimir Putin and China's Defense Minister" in doc.text


ARTICLE = (
    "Russian President Vladimir Putin and China's Defense Minister Li Shangfu met in Moscow on Sunday, "
    "where they discussed their countries' close military cooperation and the exercises planned."
)


def _page(first_paragraph: str) -> bytes:
    return (
        "<html><head><title>T</title></head><body><article>"
        f"<p>{first_paragraph}</p><p>{ARTICLE}</p><p>Li was sanctioned by the US in 2018 for arms deals.</p>"
        "</article></body></html>"
    ).encode()


CONTROL_ENTITIES = ["&#27;", "&#7;", "&#8;", "&#11;", "&#x1b;", "&#X1B;", "&#x1B", "&#27", "&#0027;", "&#x0001b;"]
NON_CHARACTER_ENTITIES = ["&#65535;", "&#xfffe;"]  # XML forbids these two as well


@pytest.mark.parametrize("entity", CONTROL_ENTITIES + NON_CHARACTER_ENTITIES)
def test_a_control_character_entity_drops_the_character_not_the_article(entity: str):
    doc = from_html(_page(f"Before{entity} after, and the first paragraph goes on."), "page.html")
    assert doc.paragraphs[0] == "Before after, and the first paragraph goes on."
    assert doc.paragraphs[1] == ARTICLE


def test_entities_that_are_not_control_characters_are_kept():
    doc = from_html(_page("Tab&#9;here, &#279; &#x1b3; &#27x and &#65;&#x42;&#x1b4C; stay."), "page.html")
    assert doc.paragraphs[0] == "Tab here, ė Ƴ x and AB\u1b4c stay."


def _peak_rss_of(code: str, tmp_path: Path) -> tuple[float, str]:
    """Run ``code`` in a fresh interpreter; its peak resident memory in MB (VmHWM) and what it printed."""
    script = tmp_path / "probe.py"
    script.write_text(
        textwrap.dedent(code)
        + textwrap.dedent(
            """
            from pathlib import Path
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    print("peak", int(line.split()[1]) / 1024)
            """
        ),
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, check=True)
    peak = next(float(line.split()[1]) for line in done.stdout.splitlines() if line.startswith("peak "))
    return peak, done.stdout


def test_a_page_over_the_html_bound_is_refused_in_one_line_at_once(tmp_path: Path):
    """50 MB of markup took 196 s and 5.4 GB to parse: above the bound it is refused before any parsing."""
    page = tmp_path / "huge.html"
    cell = b"<div><span>x</span></div>\n"
    page.write_bytes(b"<html><body><article>" + cell * (50_000_000 // len(cell)) + b"</article></body></html>")
    peak, out = _peak_rss_of(
        f"""
        import time
        from diglot.document import read_source
        from diglot.errors import InputError
        started = time.monotonic()
        try:
            read_source({str(page)!r}, max_bytes=60_000_000)
        except InputError as exc:
            print("error", exc)
        print("seconds", time.monotonic() - started)
        """,
        tmp_path,
    )
    error = next(line for line in out.splitlines() if line.startswith("error "))
    assert f"{page}: " in error and "more markup than diglot parses" in error and f"{HTML_MAX_BYTES:,}" in error
    seconds = next(float(line.split()[1]) for line in out.splitlines() if line.startswith("seconds "))
    assert seconds < 60 and peak < 400  # the file is 50 MB; parsing it took 5.4 GB and 196 s


def test_a_large_page_of_scripts_and_styles_is_read_within_a_memory_bound(tmp_path: Path):
    """A page over the bound made mostly of scripts, styles and comments is read: those are set aside before parsing."""
    page = tmp_path / "scripts.html"
    script = b"<script>var data = [" + b"1234567890, " * 500_000 + b"];</script>\n"  # 6 MB each
    style = b"<style>" + b".a{color:red}\n" * 200_000 + b"</style>"
    comment = b"<!-- " + b"<p>not the article</p>" * 200_000 + b" -->"
    paragraphs = "".join(f"<p>{ARTICLE} Paragraph {i}.</p>\n" for i in range(2000)).encode()
    page.write_bytes(
        b"<html><head><title>Big</title>"
        + script * 3
        + style
        + b"</head><body><article>"
        + comment
        + paragraphs
        + script
        + b"</article></body></html>"
    )
    assert page.stat().st_size > 2 * HTML_MAX_BYTES
    peak, out = _peak_rss_of(
        f"""
        from diglot.document import read_source
        doc = read_source({str(page)!r}, max_bytes=60_000_000)
        print("paragraphs", len(doc.paragraphs), doc.paragraphs[-1])
        """,
        tmp_path,
    )
    assert f"paragraphs 2000 {ARTICLE} Paragraph 1999." in out
    assert peak < 800


def test_what_is_set_aside_in_a_large_page_is_only_scripts_styles_and_comments():
    filler = b"<SCRIPT type='text/javascript'>" + b"x = '<p>not the article</p>';\n" * 150_000 + b"</script >"
    page = (
        b"<html><head><title>Big</title><style>p{}</style><!-- <script> in a comment --></head><body><article>"
        + filler
        + f"<p>{ARTICLE}</p><p>Second paragraph, after the script.</p>".encode()
        + b"<scripts-are-not-scripts></scripts-are-not-scripts><p>Third paragraph of the article.</p>"
        + b"</article><script>never closed "
        + b"y" * 100_000
    )
    assert len(page) > HTML_MAX_BYTES
    doc = from_html(page, "big.html")
    assert doc.paragraphs == (ARTICLE, "Second paragraph, after the script.", "Third paragraph of the article.")


def test_max_input_bytes_has_an_upper_bound_that_fits_in_memory(tmp_path: Path):
    """A text article at the upper bound of max_input_bytes (it was 1 GB) is read in well under 1 GB."""
    from diglot.config import LIMITS

    high = LIMITS["max_input_bytes"][1]
    assert high <= 50_000_000
    article = tmp_path / "long.txt"
    line = (ARTICLE + "\n\n").encode()
    article.write_bytes(line * (high // len(line)))
    peak, out = _peak_rss_of(
        f"""
        from diglot.document import read_source
        print("paragraphs", len(read_source({str(article)!r}, max_bytes={high}).paragraphs))
        """,
        tmp_path,
    )
    assert f"paragraphs {high // len(line)}" in out
    assert peak < 600


def test_read_source_of_a_small_page_is_unchanged(tmp_path: Path):
    page = tmp_path / "page.html"
    page.write_bytes(_page("First paragraph of the article, long enough to count."))
    assert read_source(str(page)).paragraphs[1] == ARTICLE
