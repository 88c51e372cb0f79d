import io
from pathlib import Path

import pytest

from diglot.document import Document, load_document, read_source, sanitize
from diglot.errors import InputError


def test_sanitize_strips_escapes_and_controls():
    text = (
        "a\x1b[31mred\x1b[0m b\x1b]0;title\x07c \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ "
        "d\x00e\x07f\x9bg\u202eh\r\ni\rj\tk"
    )
    # \x9bg is a whole 8-bit CSI sequence ("g" is its final byte).
    assert sanitize(text) == "ared bc link defh\ni\nj    k"


def test_sanitize_keeps_unicode_text():
    text = "Привет, 世界! «Quotes» — and emoji 🙂"
    assert sanitize(text) == text


def test_blank_lines_separate_paragraphs_and_wrapped_lines_join():
    doc = load_document("First line\ncontinues here.\n\nSecond paragraph.\n\n\n\nThird.")
    assert doc.paragraphs == ("First line continues here.", "Second paragraph.", "Third.")


def test_one_paragraph_a_line_without_blank_lines(seed: Path):
    doc = read_source(str(seed))
    lines = [line for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(doc.paragraphs) == len(lines) == 7
    assert doc.paragraphs[0].startswith("Russian President Vladimir Putin")
    assert doc.title is None and doc.source == str(seed)


def test_markdown_title_and_headings(tmp_path: Path):
    path = tmp_path / "a.md"
    path.write_text("# The Title\n\nBody text here.\n\n## Section\nMore text.\n", encoding="utf-8")
    doc = read_source(str(path))
    assert doc.title == "The Title"
    # Headings are paragraphs of their own, shown with their level; the title is the document's first heading.
    assert doc.paragraphs == ("# The Title", "Body text here.", "## Section", "More text.")
    assert [block.kind for block in doc.blocks] == ["heading", "paragraph", "heading", "paragraph"]
    assert doc.sentences(2) == ["## Section"]
    assert doc.name == "The Title"


def test_crlf_and_bom_are_normalised(tmp_path: Path):
    path = tmp_path / "w.txt"
    path.write_bytes("\ufeffOne.\r\n\r\nTwo.\r\n".encode())
    assert read_source(str(path)).paragraphs == ("One.", "Two.")


def test_stdin_is_read():
    doc = read_source("-", stdin=io.BytesIO(b"Hello from stdin."))
    assert doc.paragraphs == ("Hello from stdin.",) and doc.source == "<stdin>"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: str(p / "missing.txt"), "no such file"),
        (lambda p: str(p), "is a directory"),
        (lambda p: _write(p / "e.txt", b""), "empty"),
        (lambda p: _write(p / "w.txt", b"  \n\t\n  \x1b[0m "), "empty"),
        (lambda p: _write(p / "b.bin", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "binary"),
        (lambda p: _write(p / "l.txt", "caf\xe9".encode("latin-1")), "not valid UTF-8"),
        (lambda p: _write(p / "big.txt", b"word " * 30), "limit"),
        (lambda p: "ftp://example.com/article.txt", "only http and https"),
        (
            lambda p: _write(p / "nav.html", b"<html><body><script>x = 1;</script><img src=a.png></body></html>"),
            "no article",
        ),
        (lambda p: _write(p / "big.html", b"<p>" + b"word " * 30 + b"</p>"), "limit"),
    ],
)
def test_bad_input_gives_one_line_error(tmp_path: Path, make, message):
    with pytest.raises(InputError) as info:
        read_source(make(tmp_path), max_bytes=100)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_stdin_over_the_limit():
    with pytest.raises(InputError, match="limit"):
        read_source("-", stdin=io.BytesIO(b"x" * 101), max_bytes=100)


def test_document_text_joins_paragraphs():
    assert Document(paragraphs=("a", "b")).text == "a\n\nb"


def _write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Putin meets Li | World News</title></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>Putin meets China's defence minister</h1>
<p>Russian President Vladimir Putin and China's Defense Minister Li Shangfu met in Moscow on Sunday, where they
discussed their countries' close military cooperation.</p>
<p>Li was sanctioned by the US in 2018 for transactions with Russia's state-controlled arms exporter
Rosoboronexport.]0;pwned</p>
<p>Во время встречи Путин назвал недавний визит Си Цзиньпина в Россию «очень продуктивным».</p>
</article>
<footer>© 2026 World News. All rights reserved. <a href="/privacy">Privacy</a></footer></body></html>"""


def _check_page(doc: Document, source: str) -> None:
    assert doc.title == "Putin meets China's defence minister" and doc.source == source
    assert len(doc.paragraphs) == 4  # the headline (the title) as a heading, then the three paragraphs
    assert doc.paragraphs[0] == "# Putin meets China's defence minister" and doc.blocks[0].kind == "heading"
    assert doc.paragraphs[1].startswith("Russian President") and "\n" not in doc.paragraphs[1]
    assert not any(c in doc.text for c in "\x1b\x07")  # no control sequence reaches the terminal
    assert "pwned" not in doc.text  # the whole sequence goes, not only its ESC
    assert doc.paragraphs[3].startswith("Во время встречи")
    assert not any(word in doc.text for word in ("Home", "Sport", "rights reserved", "Privacy"))


def test_html_file_gives_the_article_without_menus(tmp_path: Path):
    path = tmp_path / "page.html"
    path.write_bytes(PAGE.encode("utf-8"))
    _check_page(read_source(str(path)), str(path))


def test_recent_list_keeps_files_only(tmp_path: Path):
    from diglot.recent import RecentArticles

    recent = RecentArticles(tmp_path / "recent.json")
    article = tmp_path / "a.txt"
    recent.add(str(article))
    recent.add("https://news.example.com/putin-li")  # reopening would mean downloading again
    recent.add("<stdin>")
    assert recent.load() == [str(article.resolve())]


def test_a_page_the_parser_chokes_on_is_one_line(tmp_path: Path, monkeypatch):
    import trafilatura

    def broken(*args, **kwargs):
        raise ValueError("lxml gave up")

    monkeypatch.setattr(trafilatura, "extract", broken)
    with pytest.raises(InputError, match=r"page.html: cannot read the page \(ValueError\)$"):
        read_source(_write(tmp_path / "page.html", b"<p>hello</p>"))


def _wrapped(text: str, width: int) -> str:
    """``text`` hard-wrapped every ``width`` characters, as a text editor does for CJK (breaks inside words)."""
    return "\n".join(text[i : i + width] for i in range(0, len(text), width))


# Breaks fall between Han characters, after 。 and ， , and between kana and
# kanji: none of them may become a space.
CHINESE = (
    "俄罗斯总统普京周日在莫斯科会见了中国国防部长。双方讨论了两国密切的军事合作，"
    "分析人士认为这些会晤表明两国关系没有受到影响。"
)
JAPANESE = (
    "吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。"
    "何でも薄暗いじめじめした所でニャーニャー泣いていた事だけは記憶している。"
)
THAI = "ภาษาไทยเป็นภาษาที่เขียนติดกันโดยไม่เว้นวรรคระหว่างคำ"


@pytest.mark.parametrize("text", [CHINESE, JAPANESE, THAI], ids=["chinese", "japanese", "thai"])
@pytest.mark.parametrize("width", [3, 7, 11])
def test_wrapped_lines_of_scripts_without_spaces_join_without_spaces(text: str, width: int):
    doc = load_document(f"{_wrapped(text, width)}\n\nSecond paragraph.")
    assert doc.paragraphs == (text, "Second paragraph.")


@pytest.mark.parametrize(
    ("wrapped", "joined"),
    [
        ("First line\ncontinues here.", "First line continues here."),
        (
            "Президент России встретился\nс министром обороны Китая.",
            "Президент России встретился с министром обороны Китая.",
        ),
        ("التقى الرئيس الروسي\nبوزير الدفاع الصيني.", "التقى الرئيس الروسي بوزير الدفاع الصيني."),
        ("रूस के राष्ट्रपति ने\nचीन के रक्षा मंत्री से मुलाकात की।", "रूस के राष्ट्रपति ने चीन के रक्षा मंत्री से मुलाकात की।"),
        # Korean is written with spaces between words, though its syllables are wide.
        ("러시아 대통령은\n중국 국방장관을 만났다.", "러시아 대통령은 중국 국방장관을 만났다."),
        # A Latin/CJK boundary keeps the space, either way round (as browsers do).
        ("我们用\nPython 写程序。", "我们用 Python 写程序。"),
        ("Written in Python\n程序很短。", "Written in Python 程序很短。"),
        ("Привет,\n世界", "Привет, 世界"),
        # Curly quotes (ambiguous width) around Chinese join it; after Russian they keep the space.
        ("他说：“\n你好”\n他走了。", "他说：“你好”他走了。"),
        ("он сказал «да»\nи ушёл.", "он сказал «да» и ушёл."),
        # A zero-width space already marks the break.
        ("word\u200b\nnext", "word\u200bnext"),
    ],
    ids=[
        "english",
        "russian",
        "arabic",
        "hindi",
        "korean",
        "cjk-latin",
        "latin-cjk",
        "cyrillic-cjk",
        "quotes",
        "guillemets",
        "zwsp",
    ],
)
def test_line_breaks_become_spaces_only_where_words_are_spaced(wrapped: str, joined: str):
    assert load_document(f"{wrapped}\n\nNext.").paragraphs == (joined, "Next.")


def test_a_hard_wrapped_chinese_article_reads_as_written(data: Path):
    """tests/data/zh.txt wrapped at 17 characters a line, as a fixed-width editor would: the same paragraphs."""
    article = read_source(str(data / "zh.txt"))
    wrapped = "\n\n".join(_wrapped(paragraph, 17) for paragraph in article.paragraphs)
    assert "\n" in wrapped.split("\n\n")[0]
    assert load_document(wrapped).paragraphs == article.paragraphs
