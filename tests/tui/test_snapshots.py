"""Snapshots of every screen and state, at a fixed size (update: pytest --snapshot-update)."""

import threading

from diglot.config import Config
from diglot.document import read_source
from diglot.jobs.pipeline import Pipeline
from diglot.testing.fakes import FakeSummarizer, fake_engines
from diglot.tui.engines import default_engines
from diglot.tui.sentences import PENDING
from tests.tui.conftest import SIZE, settle, until


def no_blink(app) -> None:
    for widget in app.screen.query("Input, TextArea"):
        widget.cursor_blink = False


def test_loading(snap_compare, make):
    gate = threading.Event()
    app = make(fake_engines(summary_gate=gate, gate=gate))

    async def run_before(pilot):
        # The language known, both jobs started and waiting on the gate: what a reader sees meanwhile.
        await until(pilot, lambda: app.guess is not None and app.translation_pane.plain_text.startswith("Translating"))
        await until(pilot, lambda: app.summary_pane.plain_text.startswith("Summarising"))

    try:
        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
    finally:
        gate.set()


def test_ready_in_russian(snap_compare, make):
    app = make(fake_engines())

    async def run_before(pilot):
        await settle(app, pilot)
        await pilot.press("down", "down", "down")  # cursor on the third sentence, its translation highlighted

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_ready_in_chinese(snap_compare, make):
    app = make(fake_engines(), target="zh")

    async def run_before(pilot):
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_chinese_article(snap_compare, make, data):
    app = make(fake_engines(), document=read_source(str(data / "zh.txt")), target="ru")

    async def run_before(pilot):
        await settle(app, pilot)
        await pilot.press("down", "down")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_model_missing(snap_compare, make):
    app = make(default_engines(Config(device="cpu")))

    async def run_before(pilot):
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_stacked_80x24(snap_compare, make):
    """The smallest usual terminal: three stacked panes, every line inside its borders."""
    app = make(fake_engines())

    async def run_before(pilot):
        await settle(app, pilot)
        await pilot.press("down", "down", "down")  # the cursor's sentence scrolled into view

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_stacked_100x30(snap_compare, make):
    app = make(fake_engines())

    async def run_before(pilot):
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)


def test_export_dialog(snap_compare, make):
    app = make(fake_engines())

    async def run_before(pilot):
        await settle(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        no_blink(app)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_help(snap_compare, make):
    app = make(fake_engines())

    async def run_before(pilot):
        await settle(app, pilot)
        await pilot.press("question_mark")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_language_picker(snap_compare, make):
    app = make(fake_engines())

    async def run_before(pilot):
        await settle(app, pilot)
        await pilot.press("t")
        await pilot.pause()
        no_blink(app)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_language_picker_indic_names_at_80x24(snap_compare, make):
    """Filtered to "hi": 中文 (two cells a character), हिन्दी and मराठी (Devanagari), سنڌي; own names last."""
    app = make(fake_engines())

    async def run_before(pilot):
        await settle(app, pilot)
        await pilot.press("t", "h", "i")
        await pilot.pause()
        no_blink(app)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_model_offered_for_download(snap_compare, make, fake_hub, tiny_models):
    """A missing model with the hub reachable: its size and licence, and the key that downloads it."""
    fake_hub.add("Helsinki-NLP/opus-mt-en-ru", tiny_models["en-ru"], licence="cc-by-4.0")
    # The real translator (the model is missing), and a summary that never varies.
    app = make(Pipeline(Config(device="cpu"), use_cache=False, summarizers=FakeSummarizer))

    async def run_before(pilot):
        await settle(app, pilot)
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_models_screen(snap_compare, make):
    app = make(fake_engines())

    async def run_before(pilot):
        await settle(app, pilot)
        await pilot.press("M")
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=(120, 30), run_before=run_before)


def test_translation_arriving_where_the_reader_is(snap_compare, make, seed):
    """The reader is far down a long article: paragraphs there arrive first, the rest shows as pending."""
    from diglot.testing.fakes import fake_target
    from diglot.translate import Route, SentencePair, Step, TranslatedParagraph
    from diglot.tui.messages import TranslationParagraphs
    from tests.unit.test_translate import long_document

    gate = threading.Event()  # the real jobs wait; the paragraphs come as the app receives them
    app = make(fake_engines(summary_gate=gate, gate=gate), document=long_document(200, seed), source_language="en")
    route = Route("direct", (Step("fake/opus-en-ru", "en", "ru"),))

    def arrived(number: int) -> TranslatedParagraph:
        sources = app.original_pane.paragraph_sentences[number]
        return TranslatedParagraph(
            tuple(SentencePair(s, fake_target(s, "ru", 2 * number + k + 1)) for k, s in enumerate(sources)), "en", route
        )

    async def run_before(pilot):
        await until(pilot, lambda: bool(app.screen.query("#original")), what="the reading screen's panes")
        original = app.original_pane
        # The article laid out in full: the reader's scroll goes to the same paragraph each time.
        await until(pilot, lambda: original.measured and app.translation_pane.plain_text.startswith("Translating"))
        original.scroll_to(y=original.max_scroll_y * 3 // 5, animate=False, immediate=True)  # the reader scrolls
        await until(pilot, lambda: app.reading.view is not None)
        view = app.reading.view
        app.screen.post_message(TranslationParagraphs(app.translation_key, 0, (arrived(0),), 200))
        first = view.start + 2  # two paragraphs at the top of the screen still pending
        run = tuple(arrived(n) for n in range(first, first + 20))
        app.screen.post_message(TranslationParagraphs(app.translation_key, first, run, 200))
        shown = lambda: app.translation_pane.paragraph_sentences  # noqa: E731
        await until(pilot, lambda: len(shown()) == 200 and PENDING not in shown()[first + 19])
        await pilot.pause()  # the pane's scroll to the reader's place, after the paragraphs

    try:
        assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)
    finally:
        gate.set()


def _structured(make):
    from pathlib import Path

    guide = Path(__file__).parent.parent / "data" / "documents" / "guide_en.md"
    return make(fake_engines(), document=read_source(str(guide)))


def test_structured_article(snap_compare, make):
    """A Markdown guide: headings, numbered and nested lists, a code block on its own lines and kept as it is,
    a table row per line with its cells translated one by one, inline code and addresses kept."""
    app = _structured(make)

    async def run_before(pilot):
        await settle(app, pilot)
        await pilot.press(*["down"] * 6)  # the cursor on the code block, its translation (itself) highlighted

    assert snap_compare(app, terminal_size=(160, 45), run_before=run_before)


def test_structured_article_80x24(snap_compare, make):
    app = _structured(make)

    async def run_before(pilot):
        await settle(app, pilot)
        await pilot.press(*["down"] * 6)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_links_of_a_sentence_80x24(snap_compare, make):
    app = _structured(make)

    async def run_before(pilot):
        await settle(app, pilot)
        app.original_pane.focus()
        await pilot.press("down", "down", "down", "l")

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def _paper_and_book(make, which: str):
    from diglot.documents.epub_reader import read_epub
    from diglot.documents.pdf_reader import read_pdf
    from diglot.testing.pdf_samples import two_column_paper
    from tests.unit.test_epub_docx import THREE_CHAPTERS, make_epub

    if which == "pdf":
        title, blocks = read_pdf(two_column_paper(3).data, "paper.pdf")
        source = "paper.pdf"
    else:
        title, _author, blocks = read_epub(make_epub(THREE_CHAPTERS), "voyage.epub")
        source = "voyage.epub"
    from diglot.document import Document

    return make(fake_engines(), document=Document.from_blocks(blocks, title=title, source=source))


def test_pdf_paper(snap_compare, make):
    """A two-column paper read column by column: its title and headings, the body joined across lines."""
    app = _paper_and_book(make, "pdf")

    async def run_before(pilot):
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=(160, 45), run_before=run_before)


def test_pdf_paper_80x24(snap_compare, make):
    app = _paper_and_book(make, "pdf")

    async def run_before(pilot):
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_epub_chapter_list(snap_compare, make):
    app = _paper_and_book(make, "epub")

    async def run_before(pilot):
        await settle(app, pilot)
        await pilot.press("C")

    assert snap_compare(app, terminal_size=(160, 45), run_before=run_before)


def test_epub_chapter_list_80x24(snap_compare, make):
    app = _paper_and_book(make, "epub")

    async def run_before(pilot):
        await settle(app, pilot)
        await pilot.press("C", "down")

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_code_view_80x24(snap_compare, make):
    """A code block whole, in a box that scrolls sideways (v on the block)."""
    app = _structured(make)

    async def run_before(pilot):
        await settle(app, pilot)
        app.original_pane.focus()
        await pilot.press(*["down"] * 7, "v")

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
