"""Documents: reading and first paint of a 1 MB Markdown article and a 5 MB web page, and the tokens a
code-heavy article sends to the translation model before (every paragraph's sentences whole) and now
(only prose, kept parts as placeholders, code blocks not at all); then the PDF readers compared
(``benchmarks.pdf_readers``: pages per second, reading order) with a 100-page PDF's first paint, and a
300-page EPUB's first paint (``benchmarks.books``).

Run: ``python -m benchmarks.documents`` (headless, fake engines, no model; the token counts use the real
opus-mt sentencepiece model in tests/data). Every figure printed is measured in this run. The articles are
written to a temporary folder and read from there as a user's files are (``read_source``); first paint is
the time from starting to read the file to the first line of the article drawn in the app's Original pane.
Exits 1 when a target is missed.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from diglot.config import Config
from diglot.document import Document, _split_paragraphs, load_document, read_source
from diglot.documents.prose import masked_sentences
from diglot.recent import RecentArticles
from diglot.segment import split_sentences

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "tests" / "data" / "documents" / "guide_en.md"
TOKENIZER = ROOT / "tests" / "data" / "opus-mt-en-mg-tokenizer" / "source.spm"
SIZE = (140, 45)
FIRST_PAINT_TARGET_S = 1.0
MARKDOWN_BYTES = 1_000_000
HTML_BYTES = 5_000_000

_VOCABULARY = (
    *("the", "council", "said", "on", "Tuesday", "that", "new", "rules", "for", "river", "water", "would"),
    *("take", "effect", "next", "spring", "after", "a", "long", "review", "by", "engineers", "farmers", "and"),
    *("residents", "who", "had", "asked", "for", "clearer", "limits", "on", "what", "factories", "may"),
    *("release", "upstream", "of", "the", "towns"),
)
_NAMES = ("Ada", "Brook", "Chen", "Dmitri", "Esi", "Farid", "Greta", "Hana", "Ivo", "Juno")


def markdown_article(size: int = MARKDOWN_BYTES) -> str:
    """A README-shaped guide (headings, a code block, lists, a quote, a table, links, an admonition, an
    image) of about ``size`` bytes: tests/data/documents/guide_en.md's body again and again, each time with
    its own version numbers and names."""
    guide = GUIDE.read_text(encoding="utf-8")
    title, body = guide.split("\n", 1)
    parts = [title + "\n"]
    total = len(parts[0].encode())
    number = 0
    while total < size:
        name = _NAMES[number % len(_NAMES)]
        part = (
            body.replace("## Install", f"## Install, part {number}")
            .replace("## Options", f"## Options for {name}'s team")
            .replace("1.2.3", f"1.{number % 50}.{number}")
            .replace("12 MB", f"{10 + number % 90} MB")
            .replace("max_rows = 10", f"max_rows = {number}")
            .replace("Example is a small tool", f"Example {number} is a small tool {name} wrote")
            .replace("{#start}", f"{{#start-{number}}}")
        )
        parts.append(part + "\n")
        total += len(part.encode()) + 1
        number += 1
    return "".join(parts)


def code_heavy_article(sections: int = 40) -> str:
    """A programming article about half code: fenced code blocks, inline code, tables and links between
    short paragraphs of prose."""
    parts = ["# Writing a tokenizer in Python\n"]
    for n in range(sections):
        parts.append(
            f"## Step {n}: the `{_NAMES[n % 10].lower()}_{n}` pass\n\n"
            f"The `scan_{n}()` function reads the input with `re.finditer` and yields a `Token` for each match; "
            f"see [the re module](https://docs.python.org/3/library/re.html#re.finditer) and "
            f"https://example.com/tokenizer/step-{n} for the details. It keeps `line` and `column` so that "
            f"errors can point at the source.\n\n"
            f"```python\n"
            f"import re\n\n"
            f'TOKEN_{n} = re.compile(r"(?P<number>\\d+)|(?P<name>[A-Za-z_]\\w*)|(?P<op>[-+*/()])")\n\n\n'
            f"def scan_{n}(text: str) -> list[tuple[str, str]]:\n"
            f"    tokens = []\n"
            f"    for match in TOKEN_{n}.finditer(text):\n"
            f"        kind = match.lastgroup or 'error'\n"
            f"        tokens.append((kind, match.group()))  # keep the text: the parser needs it\n"
            f"    return tokens\n"
            f"```\n\n"
            f"| Option | Type | Default | Meaning |\n"
            f"|---|---|---|---|\n"
            f"| `strict_{n}` | `bool` | `False` | Fail on the first unknown character |\n"
            f"| `tab_width` | `int` | `{4 + n % 4}` | Columns a tab counts for |\n\n"
            f"Run `python -m tokenizer --step {n} input.txt` and compare the output with "
            f"`expected_{n}.txt`.\n\n"
            f"```sh\n$ python -m tokenizer --step {n} input.txt\nnumber 12\nop +\nname x{n}\n```\n\n"
        )
    return "".join(parts)


def _words(number: int, count: int) -> str:
    """``count`` words of plausible English, different for each ``number``."""
    return " ".join(_VOCABULARY[(number * 7 + i * 3) % len(_VOCABULARY)] for i in range(count))


def _filled(size: float, part: Callable[[int], str]) -> str:
    """``part(0) + part(1) + ...`` up to about ``size`` characters (ASCII: as many bytes)."""
    parts: list[str] = []
    length = 0
    while length < size:
        parts.append(part(len(parts)))
        length += len(parts[-1])
    return "".join(parts)


def html_page(size: int = HTML_BYTES) -> str:
    """A news page of about ``size`` bytes, shaped as large pages are: most of it inline scripts (the app's
    state as JSON, bundled code), styles and comments; then a navigation bar, a long article (headings,
    paragraphs with links and emphasis, lists, a quote, a code block, a table, figures), related stories,
    readers' comments and a footer. Its markup without scripts, styles and comments is well inside what
    diglot parses."""

    def part(number: int) -> str:
        text = (
            f"<h2>Part {number}: what changes for {_NAMES[number % 10]}'s town</h2>"
            f'<p>{_words(number, 40)}. <a href="https://news.example.com/story/{number}">{_words(number + 1, 4)}</a>'
            f" <strong>{_words(number + 2, 3)}</strong> and <em>{_words(number + 3, 2)}</em>."
            f" {_words(number + 4, 30)}.</p><p>{_words(number + 5, 50)}.</p>"
            f"<ul><li>{_words(number + 6, 9)}.</li><li>{_words(number + 7, 11)}.</li>"
            f"<li>{_words(number + 8, 7)}.</li></ul><blockquote><p>{_words(number + 9, 25)}.</p></blockquote>"
            f'<figure><img src="/img/river-{number}.jpg" alt="The river at dawn, part {number}">'
            f"<figcaption>{_words(number + 10, 8)}.</figcaption></figure>"
        )
        if number % 5 == 0:
            text += (
                f"<pre><code>limit_mg_per_l = {number}\nreview_year = {2000 + number % 30}\n</code></pre>"
                f"<table><tr><th>Town</th><th>Limit (mg/l)</th></tr>"
                f"<tr><td>{_NAMES[number % 10]}ville</td><td>{number}</td></tr>"
                f"<tr><td>{_NAMES[(number + 1) % 10]}ton</td><td>{number + 3}</td></tr></table>"
            )
        return text

    article = [
        '<article><h1>River rules change after a long review</h1><p class="byline">By Hana Ivo</p>',
        _filled(size * 0.05, part),
    ]
    article.append("</article>")
    nav = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(150))
    related = "".join(
        f'<div class="card"><a href="/story/{i}"><img src="/thumb/{i}.jpg" alt=""><span class="kicker">News</span>'
        f'<h3>{_words(i, 8)}</h3></a><span class="time">{i} min ago</span></div>'
        for i in range(max(10, size // 25_000))
    )
    comments = "".join(
        f'<div class="comment" id="c{i}"><span class="author">{_NAMES[i % 10]}{i}</span>'
        f"<p>{_words(i + 11, 25)}.</p><button>Reply</button> <button>Like</button></div>"
        for i in range(max(10, size // 8_000))
    )
    footer = "".join(f'<a href="/about/{i}">About {i}</a> ' for i in range(120))
    markup = (
        f'<body><header><nav class="menu"><ul>{nav}</ul></nav></header><main>{"".join(article)}'
        f'<aside class="related"><h2>More stories</h2>{related}</aside></main>'
        f'<section id="comments"><h2>Comments</h2>{comments}</section>'
        f"<footer>{footer}<p>All rights reserved.</p></footer></body>"
    )
    # The rest is what the page carries besides its markup: styles, the app's state and code, comments.
    styles = _filled(
        size * 0.12,
        lambda i: f".c{i}{{margin:{i % 9}px {i % 5}px;color:#{i % 4096:03x};font:400 {12 + i % 8}px/1.4 serif}}",
    )
    state = _filled(
        size * 0.45, lambda i: f'{{"id":{i},"slug":"story-{i}","title":"{_words(i, 8)}","tags":["river","{i}"]}},'
    )
    rest = size - len(markup) - len(styles) - len(state) - 400
    code = _filled(
        rest,
        lambda i: (
            f"function f{i}(a,b){{return a<b?a+{i}:b-{i}}}/* module {i} */var v{i}=f{i}({i},{i % 7});"
            + (f"</script>\n<!-- ad slot {i} -->\n<script>" if i % 500 == 499 else "")
        ),
    )
    head = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>River rules change after a long review | Example News</title>"
        f"<style>{styles}</style>"
        f"<script>window.__STATE__=[{state}{{}}];</script>"
        f"<script>{code}</script></head>"
    )
    return head + markup + "</html>"


@dataclass(frozen=True)
class Paint:
    """Seconds to read a file, and from starting to read it to its first line drawn in the Original pane; the
    CPU seconds the process spent until then (every thread: about the wall time on an idle machine)."""

    read_s: float
    first_paint_s: float
    first_paint_cpu_s: float
    paragraphs: int
    whole_s: float
    """Until the whole document is in the app: after the first paint when a first part was shown."""
    partial: bool


def measure_read(path: Path) -> tuple[float, float, Document]:
    """Seconds to read ``path`` (``read_source``), and the CPU seconds it took (about the same on an idle core)."""
    started, cpu = time.perf_counter(), time.process_time()
    document = read_source(str(path))
    return time.perf_counter() - started, time.process_time() - cpu, document


async def measure_first_paint(path: Path) -> Paint:
    """Read ``path`` and open it in the app as ``diglot FILE`` does (headless, fake engines that wait: only
    the article is drawn): a long file's first part first (``first_part``), the whole read behind it."""
    from diglot.document import first_part
    from diglot.testing.fakes import fake_engines
    from diglot.tui.app import DiglotApp

    whole = read_source(str(path))  # what the app must end with (read before the clock starts)
    gate = threading.Event()
    with tempfile.TemporaryDirectory() as folder:
        started, cpu = time.perf_counter(), time.process_time()
        document, partial = first_part(str(path))
        read_s = time.perf_counter() - started
        app = DiglotApp(
            document,
            pipeline=fake_engines(summary_gate=gate, gate=gate),
            config=Config(),
            recent=RecentArticles(Path(folder) / "recent.json"),
            complete=(lambda: read_source(str(path))) if partial else None,
        )
        first = document.paragraphs[0].split("\n")[0].strip()[:20]
        try:
            async with app.run_test(size=SIZE):
                pane = app.original_pane
                while not pane.render_line(0).text.strip().startswith(first):
                    await asyncio.sleep(0.002)
                painted, painted_cpu = time.perf_counter() - started, time.process_time() - cpu
                while len(app.document.paragraphs) != len(whole.paragraphs):
                    await asyncio.sleep(0.01)
                whole_s = time.perf_counter() - started
        finally:
            gate.set()
    return Paint(read_s, painted, painted_cpu, len(whole.paragraphs), whole_s, partial)


@dataclass(frozen=True)
class Tokens:
    """What the translation model is sent for one article: sentences and sentencepiece tokens."""

    sentences: int
    tokens: int


def _count(sentences: list[str]) -> Tokens:
    import sentencepiece

    processor = sentencepiece.SentencePieceProcessor(model_file=str(TOKENIZER))
    sent = [s for s in sentences if s.strip()]
    return Tokens(len(sent), sum(len(ids) + 1 for ids in processor.encode(sent)))  # + the end-of-sentence token


def tokens_before(text: str) -> Tokens:
    """The path before documents: paragraphs split from the text, each sentence sent whole, markup and all."""
    _, paragraphs = _split_paragraphs(text, markdown=True)
    return _count([s for p in paragraphs for s in split_sentences(p, "en")])


def tokens_now(text: str) -> Tokens:
    """What the translator sends now (``diglot.translate.translator._Plan.masked``): each sentence's prose, kept
    parts as placeholders; nothing for a paragraph with no prose (a code block, a kept line)."""
    document = load_document(text, source="article.md", markdown=True)
    sent: list[str] = []
    for i, paragraph in enumerate(document.paragraphs):
        unit = document.unit(i)
        sentences = document.sentences(i, "en")
        if unit is None:
            sent.extend(sentences)
        elif not unit.verbatim:
            sent.extend(m.text for m in masked_sentences(paragraph, unit, sentences))
    return _count(sent)


def _verdict(seconds: float) -> str:
    return "met" if seconds <= FIRST_PAINT_TARGET_S else "MISSED"


def main(argv: Sequence[str] = ()) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m benchmarks.documents", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--json", metavar="PATH", help="also write this benchmark's own figures to PATH (benchmarks.tables reads it)"
    )
    args = parser.parse_args(list(argv))  # the command line only from __main__: callers pass their own
    with tempfile.TemporaryDirectory() as folder:
        markdown = Path(folder) / "article.md"
        markdown.write_text(markdown_article(MARKDOWN_BYTES), encoding="utf-8")
        page = Path(folder) / "page.html"
        page.write_text(html_page(HTML_BYTES), encoding="utf-8")
        rows = []
        for label, path in (("Markdown article", markdown), ("web page", page)):
            read_s, read_cpu_s, _ = measure_read(path)  # once alone, then in the app
            paint = asyncio.run(measure_first_paint(path))
            rows.append((label, path.stat().st_size, read_s, read_cpu_s, paint))
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(
        f"{'input':<17} {'MB':>5} {'paragraphs':>10} {'read s':>7} {'read CPU s':>10} {'read in app s':>13}"
        f" {'first paint s':>13} {'CPU s':>6} {'whole in s':>10}  target"
    )
    missed = False
    for label, size, read_s, read_cpu_s, paint in rows:
        verdict = _verdict(paint.first_paint_s)
        missed |= verdict == "MISSED"
        print(
            f"{label:<17} {size / 1e6:>5.2f} {paint.paragraphs:>10} {read_s:>7.3f} {read_cpu_s:>10.3f}"
            f" {paint.read_s:>13.3f}"
            f" {paint.first_paint_s:>13.3f} {paint.first_paint_cpu_s:>6.3f} {paint.whole_s:>10.3f}"
            f"  <= {FIRST_PAINT_TARGET_S:.1f} s {verdict}"
        )
    print(
        "first paint: from starting to read to the first line drawn; 'read in app' is the first part the app"
        " shows when a file is long (its whole follows, 'whole in s'), else the whole"
    )
    code = code_heavy_article()
    before, now = tokens_before(code), tokens_now(code)
    print(f"code-heavy article ({len(code.encode()) / 1e3:.0f} kB), sent to the translation model (opus-mt tokens):")
    print(f"  before (every sentence whole): {before.sentences:>5} sentences {before.tokens:>7} tokens")
    print(f"  now (prose only):              {now.sentences:>5} sentences {now.tokens:>7} tokens")
    print(f"  now / before: {now.tokens / before.tokens:.2f} of the tokens")
    if args.json:
        from benchmarks.tables import write_json

        command = "python -m benchmarks.documents --json docs/benchmarks/documents.json"
        write_json(args.json, "documents", command, {
            "rows": [
                {"input": label, "mb": round(size / 1e6, 2), "paragraphs": paint.paragraphs, "read_s": round(read_s, 4),
                 "read_cpu_s": round(read_cpu_s, 4), "read_in_app_s": round(paint.read_s, 4),
                 "first_paint_s": round(paint.first_paint_s, 4), "first_paint_cpu_s": round(paint.first_paint_cpu_s, 4),
                 "whole_in_s": round(paint.whole_s, 4), "target_s": FIRST_PAINT_TARGET_S,
                 "met": paint.first_paint_s <= FIRST_PAINT_TARGET_S}
                for label, size, read_s, read_cpu_s, paint in rows
            ],
            "tokens": {"article_kb": round(len(code.encode()) / 1e3, 1), "before_sentences": before.sentences,
                       "before_tokens": before.tokens, "now_sentences": now.sentences, "now_tokens": now.tokens},
        })  # fmt: skip
    # The formats of books and papers: PDF readers compared and a 100-page PDF's first paint; a 300-page
    # EPUB's first paint. Each prints its own figures and targets.
    from benchmarks import books, pdf_readers

    print()
    missed |= pdf_readers.main([]) != 0
    print()
    missed |= books.main([]) != 0
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
