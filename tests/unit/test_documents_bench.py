"""``python -m benchmarks.documents`` measures what it says, on small inputs (no assertion on time); a web page's
title is found without the metadata search that took most of trafilatura's time."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from benchmarks import documents as bench
from diglot.document import HTML_MAX_BYTES, _without_scripts_styles_comments, from_html, read_source


def test_the_articles_are_of_their_size_and_shape(tmp_path: Path):
    markdown = bench.markdown_article(30_000)
    assert 30_000 <= len(markdown.encode()) < 33_000
    page = bench.html_page(400_000)
    assert 380_000 <= len(page.encode()) <= 400_000
    markup = _without_scripts_styles_comments(page.encode())
    assert len(markup) < len(page) / 3  # mostly scripts, styles and comments, as large pages are
    full = bench.html_page()  # the benchmark's own page is read, not refused as too much markup
    assert len(full.encode()) > HTML_MAX_BYTES > 3 * len(_without_scripts_styles_comments(full.encode()))
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    document = read_source(str(path))
    kinds = {block.kind for block in document.blocks}
    assert {"heading", "paragraph", "list_item", "quote", "code", "table"} <= kinds
    assert not any("Reply" in p or "All rights reserved" in p for p in document.paragraphs)


def test_read_and_first_paint_are_measured(tmp_path: Path):
    path = tmp_path / "article.md"
    path.write_text(bench.markdown_article(20_000), encoding="utf-8")
    read_s, read_cpu_s, document = bench.measure_read(path)
    assert read_s > 0 and read_cpu_s > 0 and document.structured
    paint = asyncio.run(bench.measure_first_paint(path))
    assert 0 < paint.read_s < paint.first_paint_s and paint.paragraphs == len(document.paragraphs)
    assert paint.first_paint_cpu_s > 0


def test_only_prose_tokens_are_counted_now():
    text = bench.code_heavy_article(sections=3)
    before, now = bench.tokens_before(text), bench.tokens_now(text)
    assert 0 < now.tokens < before.tokens / 2 and now.sentences > 0
    assert (
        before.tokens
        == bench._count(
            [s for p in bench._split_paragraphs(text, markdown=True)[1] for s in bench.split_sentences(p, "en")]
        ).tokens
    )


def test_main_prints_every_figure_and_exits_1_on_a_missed_target(monkeypatch, capsys):
    monkeypatch.setattr(bench, "MARKDOWN_BYTES", 20_000)
    monkeypatch.setattr(bench, "HTML_BYTES", 300_000)
    monkeypatch.setattr(bench, "FIRST_PAINT_TARGET_S", 1e-9)  # no paint is that fast: missed
    assert bench.main() == 1
    out = capsys.readouterr().out
    assert out.count("MISSED") == 2 and "Markdown article" in out and "web page" in out and "now / before" in out


PARAGRAPHS = "".join(
    f"<p>Paragraph {i} has enough words in it to be kept as the article's text.</p>" for i in range(12)
)


@pytest.mark.parametrize(
    ("head", "title"),
    [
        ("<title>Site | A title</title><meta property='og:title' content='The page title'>", "The page title"),
        ("<title>Site | A title</title>", "The heading"),  # trafilatura prefers the only <h1> to a site's <title>
    ],
)
def test_a_page_title_is_found_by_trafilaturas_rules_without_its_date_and_author_search(monkeypatch, head, title):
    searched: list[str] = []
    monkeypatch.setattr("trafilatura.metadata.find_date", lambda *args, **kwargs: searched.append("date"))
    monkeypatch.setattr("trafilatura.metadata.extract_author", lambda *args, **kwargs: searched.append("author"))
    page = f"<html><head>{head}</head><body><article><h1>The heading</h1>{PARAGRAPHS}</article></body></html>"
    document = from_html(page.encode(), "page.html")
    assert document.title == title and "Paragraph 11" in document.text
    assert searched == []  # 60-70% of trafilatura's time on a large page, for figures diglot never shows
