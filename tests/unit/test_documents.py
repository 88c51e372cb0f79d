"""Articles as documents: structure read from Markdown and HTML, only prose sent to the models, structure written back.

The documents under tests/data/documents/ are written for these tests, in the shape of real README and
documentation pages (code, lists, tables, links, admonitions, includes) in English, Russian and Chinese.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from diglot.config import Config
from diglot.document import Document, load_document, read_source
from diglot.documents.markdown_reader import read_markdown
from diglot.documents.model import Block, Span, layout
from diglot.documents.prose import mask, unmask
from diglot.documents.writers import to_markdown, write_document
from diglot.models import ModelPool
from diglot.tui.cli import main
from tests.fake_translator import MODELS as BASE_MODELS
from tests.fake_translator import FakeTranslator
from tests.fake_translator import translated as _translated

DOCUMENTS = Path(__file__).parent.parent / "data" / "documents"
MARKDOWN = ["guide_en.md", "guide_ru.md", "guide_zh.md"]
LANGUAGE = {"guide_en.md": ("en", "ru"), "guide_ru.md": ("ru", "en"), "guide_zh.md": ("zh", "en")}


class Shape:
    """What must survive a translation: code exactly, link addresses, and the counts of each kind of block."""

    def __init__(self, blocks: tuple[Block, ...]) -> None:
        self.code_blocks = [b.code for b in blocks if b.kind == "code"]
        spans = [s for b in blocks for s in b.spans] + [s for b in blocks for row in b.rows for c in row for s in c]
        self.inline_code = Counter(s.text for s in spans if s.kind == "code")
        self.urls = Counter(s.text for s in spans if s.kind == "url")
        self.links = Counter(_link_runs(spans))
        self.kinds = Counter(b.kind for b in blocks)
        self.cells = [len(row) for b in blocks for row in b.rows]
        self.raw = [b.code.strip() for b in blocks if b.kind == "raw"]
        self.images = [b.url for b in blocks if b.kind == "image"]


def _link_runs(spans: list[Span]) -> list[str]:
    runs: list[str] = []
    last: str | None = None
    for span in spans:
        if span.link and span.link != last:
            runs.append(span.link)
        last = span.link
    return runs


def _assert_same_shape(source: Shape, output: Shape) -> None:
    assert output.code_blocks == source.code_blocks  # byte-identical, in order
    assert output.inline_code == source.inline_code
    assert output.urls == source.urls
    assert output.links == source.links  # every link exactly once
    assert output.kinds == source.kinds
    assert output.cells == source.cells
    assert output.raw == source.raw
    assert output.images == source.images


MODELS: dict[str, Callable[[str], str]] = {
    **BASE_MODELS,
    "invents": lambda s: _translated(s) + " {7} { 0 }",
}


@pytest.fixture
def config(tiny_models) -> Config:
    pairs = {k: str(tiny_models[k]) for k in ("en-ru", "ru-en", "en-zh", "zh-en")}
    return Config(translate_models=pairs, multilingual_model=str(tiny_models["multilingual"]), num_beams=1)


def test_markdown_blocks_and_spans():
    title, blocks = read_markdown((DOCUMENTS / "guide_en.md").read_text(encoding="utf-8"))
    assert title == "Getting started with Example"
    kinds = Counter(b.kind for b in blocks)
    assert kinds == {
        "heading": 3,
        "paragraph": 4,
        "code": 1,
        "list_item": 5,
        "quote": 1,
        "table": 1,
        "raw": 1,
        "break": 1,
        "image": 1,
    }
    code = next(b for b in blocks if b.kind == "code")
    assert code.info == "sh" and code.code == "pip install example --upgrade\nexample --version   # prints 1.2.3\n"
    nested = [b for b in blocks if b.kind == "list_item" and b.level == 2]
    assert [b.text for b in nested] == ["Rules are read in order.", "A rule that fails stops the run."]
    numbered = [(b.number, b.text) for b in blocks if b.kind == "list_item" and b.ordered]
    assert numbered == [(1, "Create a file called checks.toml."), (2, "Add a rule, for example max_rows = 10."),
                        (3, "Run example check.")]  # fmt: skip
    table = next(b for b in blocks if b.kind == "table")
    assert ["".join(s.text for s in cell) for cell in table.rows[1]] == [
        "--fast",
        "Skips the slow checks",
        "off",
    ]
    spans = [s for b in blocks for s in b.spans]
    assert {s.link for s in spans if s.link} == {
        "https://example.com/guide",
        "https://example.com/api",
        "CHANGELOG.md",
    }
    assert any(s.text == "help@example.com" and s.kind == "url" for s in spans)
    # Extension markup is kept as it is, never prose: the heading's anchor, the admonition's fences, the include.
    heading = blocks[0]
    assert heading.spans[-1] == Span("{#start}", "tag")
    admonition = next(b for b in blocks if "Keep your rules short." in b.text)
    assert [s.kind for s in admonition.spans] == ["tag", "text", "tag"]
    assert next(b for b in blocks if b.kind == "raw").code.strip() == "{* ../examples/checks.toml *}"


def test_paragraphs_show_structure_and_keep_code_whole():
    document = read_source(str(DOCUMENTS / "guide_en.md"))
    assert document.paragraphs[0] == "# Getting started with Example {#start}"
    assert "1. Create a file called checks.toml." in document.paragraphs
    assert "  ◦ Rules are read in order." in document.paragraphs
    code = document.paragraphs.index("pip install example --upgrade\nexample --version   # prints 1.2.3")
    assert document.sentences(code) == [document.paragraphs[code]]  # a code block is one sentence, never split
    row = document.paragraphs.index("--fast │ Skips the slow checks │ off")
    assert document.sentences(row) == ["--fast", "│ Skips the slow checks", "│ off"]  # each cell on its own
    assert not document.is_prose(code) and not document.is_prose(row)


def test_a_cut_inside_an_address_is_no_cut():
    _, blocks = read_markdown("Get it from https://example.com/v1.2/index.html. Then run it.\n")
    paragraphs, units = layout(blocks)
    document = Document(paragraphs, blocks=blocks, units=units)
    assert document.sentences(0) == ["Get it from https://example.com/v1.2/index.html.", "Then run it."]


def test_mask_holds_back_kept_ends_and_numbers_inner_parts():
    sentence = "• Run `x` at https://a.b/c now."
    masked = mask(sentence, [(0, 2), (6, 9), (13, 26)])
    assert masked.text == "Run {0} at {1} now." and masked.head == "• " and masked.parts == ("`x`", "https://a.b/c")
    assert unmask("Запустите {0} на {1} сейчас.", masked) == ("• Запустите `x` на https://a.b/c сейчас.", False)
    # Lost: put back at the end (before the full stop); repeated: kept once; unknown: dropped. Each flagged.
    assert unmask("Запустите сейчас.", masked) == ("• Запустите сейчас `x` https://a.b/c.", True)
    assert unmask("{1} {0} {0} {1} {5}", masked) == ("• https://a.b/c `x`", True)


@pytest.mark.parametrize("name", MARKDOWN)
@pytest.mark.parametrize("model", sorted(MODELS))
def test_only_prose_reaches_the_model_and_structure_comes_back(config, name, model):
    document = read_source(str(DOCUMENTS / name))
    src, tgt = LANGUAGE[name]
    translator = FakeTranslator(config, MODELS[model])
    translation = translator.translate(document, src=src, tgt=tgt, languages=[src] * len(document.paragraphs))
    source_shape = Shape(document.blocks)
    # The model saw prose only: no code, no address, no markup characters, no bullets or column rules.
    seen = "\n".join(translator.inputs)
    for code in [*source_shape.code_blocks, *source_shape.inline_code, *source_shape.urls]:
        assert code.strip() not in seen
    for markup in ("```", "](", "**", "│", "•", "{#", "///", "{*"):
        assert markup not in seen, markup
    for fmt_both in (False, True):
        written = write_document(document, translation, "md", both=fmt_both)
        _, blocks = read_markdown(written)
        output_shape = Shape(blocks)
        if fmt_both:  # each translated block after its source, code once
            assert output_shape.code_blocks == source_shape.code_blocks
            assert output_shape.kinds["heading"] == 2 * source_shape.kinds["heading"]
            assert output_shape.links == source_shape.links + source_shape.links
        else:
            _assert_same_shape(source_shape, output_shape)
    pairs = [pair for p in translation.paragraphs for pair in p.sentences]
    flagged = [pair for pair in pairs if any(f.kind == "markup" for f in pair.flags)]
    if model in ("drops", "repeats", "invents"):
        assert flagged  # the fallback put something back, and said so
    if model == "copies":
        assert not [pair for pair in flagged if "`" in pair.source]  # inline code was carried by its placeholder


def test_code_blocks_are_not_counted_as_paragraphs_already_in_the_target_language(config):
    document = read_source(str(DOCUMENTS / "guide_en.md"))
    translation = FakeTranslator(config, _translated).translate(
        document, src="en", tgt="ru", languages=["en"] * len(document.paragraphs)
    )
    code = [i for i in range(len(document.paragraphs)) if document.code_block(i) is not None]
    assert code and all(translation.paragraphs[i].source_language == "en" for i in code)
    assert translation.kept_paragraphs == 0  # no "2 paragraphs already in Russian" note for an English guide


def test_translating_a_guide_notes_no_paragraph_kept(capsys, tiny_config):
    assert main(["translate", str(DOCUMENTS / "guide_en.md"), "--to", "ru", "--quiet"]) == 0
    assert capsys.readouterr().err == ""  # code blocks are kept as they are, and that is no news


def test_links_are_carried_onto_unchanged_words_else_appended(config):
    document = load_document("Install [Example](https://e.x/a) with **care** now.\n", source="d.md", markdown=True)
    translator = FakeTranslator(config, lambda s: s.replace("Install", "Установите").replace("care", "осторожно"))
    translation = translator.translate(document, src="en", tgt="ru", languages=["en"] * len(document.paragraphs))
    written = write_document(document, translation, "md")
    # "Example" is unchanged in the translation: linked there; "care" is not: appended with its own words.
    assert written == "Установите [Example](https://e.x/a) with осторожно now (**care**).\n"
    assert [f.kind for f in translation.paragraphs[0].sentences[0].flags] == ["markup"]


def test_html_page_keeps_headings_lists_code_tables_and_links(config):
    document = read_source(str(DOCUMENTS / "page.html"))
    kinds = Counter(b.kind for b in document.blocks)
    assert kinds["heading"] == 2 and kinds["list_item"] == 3 and kinds["code"] == 1 and kinds["table"] == 1
    assert document.title == "Example 2.0 is out"
    code = next(b for b in document.blocks if b.kind == "code")
    assert code.code == "pip install example==2.0\nexample migrate checks.toml\n"  # one block, not a paragraph a line
    spans = [s for b in document.blocks for s in b.spans]
    assert any(s.link == "https://example.com/docs/2.0" for s in spans)
    assert any(s.strong and s.text == "Example 2.0" for s in spans) and any(s.emphasis for s in spans)
    assert any(s.kind == "code" and s.text == "JSON" for s in spans)
    table = next(b for b in document.blocks if b.kind == "table")
    assert [["".join(s.text for s in c) for c in row] for row in table.rows] == [
        ["Version", "Files per second"],
        ["1.9", "120"],
        ["2.0", "250"],
    ]
    for unwanted in ("Home", "All rights reserved", "Privacy"):
        assert unwanted not in document.text
    translation = FakeTranslator(config, _translated).translate(
        document, src="en", tgt="ru", languages=["en"] * len(document.paragraphs)
    )
    page = write_document(document, translation, "html")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="ru">' in page
    assert "<pre><code>pip install example==2.0\nexample migrate checks.toml\n</code></pre>" in page
    assert '<a href="https://example.com/docs/2.0">' in page and "<code>JSON</code>" in page
    assert page.count("<li>") == 3 and page.count("<tr>") == 3 and page.count("<h2>") == 1


def test_plain_text_is_as_before():
    document = load_document("One. Two.\n\nThree.", source="t.txt")
    assert not document.structured and document.paragraphs == ("One. Two.", "Three.")
    assert document.sentences(0) == ["One.", "Two."] and document.prose_text() == document.text
    assert write_document(document, None, "md") == "One. Two.\n\nThree.\n"


def test_markdown_round_trip_is_stable():
    text = (DOCUMENTS / "guide_en.md").read_text(encoding="utf-8")
    _, blocks = read_markdown(text)
    once = to_markdown(blocks)
    _, again = read_markdown(once)
    assert to_markdown(again) == once
    _assert_same_shape(Shape(blocks), Shape(again))


# ---- the command line -------------------------------------------------------------------------------


def test_translate_writes_the_document_and_never_over_a_file(capsys, tiny_config, tmp_path: Path):
    out = tmp_path / "guide.ru.md"
    source = str(DOCUMENTS / "guide_en.md")
    assert main(["translate", source, "--to", "ru", "--format", "md", "-o", str(out), "--quiet"]) == 0
    written = out.read_text(encoding="utf-8")
    _assert_same_shape(Shape(read_source(source).blocks), Shape(read_markdown(written)[1]))
    capsys.readouterr()
    # Again without --force: refused before any work, the file untouched; with --force: replaced.
    out.write_text("mine", encoding="utf-8")
    assert main(["translate", source, "--to", "ru", "--format", "md", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already exists" in err and "--force" in err
    assert out.read_text(encoding="utf-8") == "mine"
    assert main(["translate", source, "--to", "ru", "--format", "md", "-o", str(out), "--force", "--quiet"]) == 0
    assert out.read_text(encoding="utf-8") == written
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_translate_bilingual_html_and_json_blocks(capsys, tiny_config, tmp_path: Path):
    import json

    from tests.schema import valid_result

    source = str(DOCUMENTS / "guide_ru.md")
    assert main(["translate", source, "--to", "en", "--format", "html", "--bilingual", "--quiet"]) == 0
    page = capsys.readouterr().out
    assert page.count("<h1>") == 2 and page.count('<pre><code class="language-python">') == 1
    assert page.count('<a href="https://example.com/ru/docs">') == 2  # the source's and the translation's
    assert main(["translate", source, "--to", "en", "--format", "json", "--quiet"]) == 0
    data = valid_result(json.loads(capsys.readouterr().out))
    assert [b["kind"] for b in data["blocks"]] == ["heading", "paragraph", "list_item", "list_item", "code", "table"]
    with pytest.raises(SystemExit) as exited:
        main(["translate", source, "--to", "en", "--json", "--format", "md"])
    assert exited.value.code == 2 and "two formats" in capsys.readouterr().err


# ---- bad input: read whole, or refused in one line; never a hang ------------------------------------


def test_hostile_markdown_is_read_whole_and_quickly():
    unclosed = load_document("# T\n\n```python\nprint(1)\n\nmore text\n", source="u.md", markdown=True)
    assert unclosed.blocks[1].kind == "code" and unclosed.blocks[1].code == "print(1)\n\nmore text\n"  # CommonMark
    rows = "| a | b |\n|---|---|\n" + "".join(f"| r{i} | v{i} |\n" for i in range(10_000))
    table = load_document(rows, source="t.md", markdown=True)
    assert len(table.paragraphs) == 10_001 and table.sentences(10_000) == ["r9999", "│ v9999"]
    nested = load_document("".join("  " * i + "- item\n" for i in range(100)), source="n.md", markdown=True)
    assert all(block.kind == "list_item" for block in nested.blocks) and max(b.level for b in nested.blocks) > 10
    code = "```\n" + "x = 1  # code\n" * 80_000 + "```\n"
    big = load_document(code, source="c.md", markdown=True)
    assert big.paragraphs == (code[4:-5],) and big.sentences(0) == [code[4:-5]] and not big.is_prose(0)
    deep = load_document(">" * 1000 + " deep\n", source="q.md", markdown=True)
    assert "deep" in deep.text


def test_hostile_html_is_one_line(tmp_path: Path):
    from diglot.errors import InputError

    page = tmp_path / "nested.html"
    page.write_text("<html><body>" + "<div>" * 10_000 + "<p>Deep text.</p>" + "</div>" * 10_000 + "</body></html>")
    try:
        document = read_source(str(page))
    except InputError as exc:
        assert "\n" not in str(exc) and str(exc).startswith(str(page))
    else:
        assert "Deep text." in document.text


def test_invalid_utf8_markdown_is_one_line(capsys, tmp_path: Path):
    path = tmp_path / "bad.md"
    path.write_bytes(b"# Title\n\nSome \xff\xfe text.\n")
    assert main(["translate", str(path), "--to", "ru", "--format", "md"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not valid UTF-8" in err


# ---- summaries read prose ----------------------------------------------------------------------------


def test_an_extractive_summary_never_picks_code_tables_or_headings():
    from diglot.summarize.extractive import ExtractiveSummarizer

    document = read_source(str(DOCUMENTS / "guide_en.md"))
    summary = ExtractiveSummarizer().summarize(
        document, length="long", source_language="en", languages=["en"] * len(document.paragraphs)
    )
    paragraphs = range(len(document.paragraphs))
    prose = {s for i in paragraphs if document.is_prose(i, headings=False) for s in document.sentences(i)}
    assert summary.sentences and set(summary.sentences) <= prose
    assert not any("pip install example --upgrade\n" in s or "│" in s for s in summary.sentences)


def test_the_abstractive_model_reads_prose_only(tiny_models):
    from diglot.summarize import load_summarizer

    document = read_source(str(DOCUMENTS / "guide_en.md"))
    summarizer = load_summarizer(model=str(tiny_models["summarize"]), pool=ModelPool(device="cpu"), fallback=False)
    seen: list[str] = []
    real = summarizer._summarize

    def spy(paragraphs, *args, **kwargs):
        seen.extend(paragraphs)
        return real(paragraphs, *args, **kwargs)

    summarizer._summarize = spy  # type: ignore[method-assign]
    summarizer.summarize(document, length="short", source_language="en", languages=["en"] * len(document.paragraphs))
    text = "\n".join(seen)
    assert "## Install" in text and "Rules are read in order." in text  # headings as context, list items
    assert "example --version" not in text and "Skips the slow checks" not in text and "{*" not in text


def test_batch_writes_structured_markdown_and_bilingual_pages(capsys, tiny_config, tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("guide_en.md", "page.html"):
        (folder / name).write_bytes((DOCUMENTS / name).read_bytes())
    out = tmp_path / "out"
    assert main(["batch", str(folder), "--to", "ru", "--out", str(out), "--quiet", "--method", "extractive"]) == 0
    guide = next(out.glob("getting-started*.ru.md")).read_text(encoding="utf-8")
    section = guide.split("## Translation (Russian)")[1].split("\nFlagged sentences")[0].split("\n## Original")[0]
    original = guide.split("\n## Original")[1]
    assert (
        Shape(read_markdown(original)[1]).code_blocks
        == Shape(read_source(str(DOCUMENTS / "guide_en.md")).blocks).code_blocks
    )
    _, blocks = read_markdown(section)
    source = read_source(str(DOCUMENTS / "guide_en.md"))
    assert [b.code for b in blocks if b.kind == "code"] == Shape(source.blocks).code_blocks
    assert Counter(b.kind for b in blocks)["list_item"] == 5 and any(b.kind == "table" for b in blocks)
    pages = tmp_path / "pages"
    code = main(["batch", str(folder), "--to", "ru", "--out", str(pages), "--format", "html", "--bilingual", "--quiet"])
    assert code == 0, capsys.readouterr().err
    page = next(pages.glob("example-2-0*.ru.html")).read_text(encoding="utf-8")
    assert page.count("<pre><code>") == 1 and page.count("<table>") == 2 and page.count("<h2>") == 2
    assert page.count('<a href="https://example.com/docs/2.0">') == 2
