"""The trust signals in the app: summary sentences lead to their sources; flagged sentences are marked."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from diglot.config import Config
from diglot.document import Document
from diglot.jobs.pipeline import Pipeline
from diglot.quality import check_translation
from diglot.segment import join_sentences, split_sentences
from diglot.summarize import Summary
from diglot.summarize.support import article_sentences, with_trust
from diglot.testing.fakes import FakeTranslator
from diglot.translate import SentencePair, TranslatedParagraph, Translation
from diglot.translate.windows import ReadingPosition
from tests.tui.conftest import SIZE, settle

# A summary of the seed article as an abstractive model might write it: a
# fused sentence, a close paraphrase, and one the article never says.
SUMMARY = (
    "Putin and Li Shangfu met in Moscow, and Li was sanctioned by the US in 2018.",
    "Ukrainian commanders found Chinese parts in captured Russian hardware.",
    "The two leaders signed a wheat and gas trade agreement in Paris.",
)
LOOP = "Переговоры шли шли шли шли часами."


class LinkingSummarizer:
    """Returns ``SUMMARY``, linked to the article by the real support code."""

    method = "abstractive"

    def summarize(self, document: Document, *, languages: Sequence[str], length: str = "medium", **_: Any) -> Summary:
        summary = Summary(
            text=join_sentences(SUMMARY),
            sentences=SUMMARY,
            method="abstractive",
            length=length,
            language="en",
            source_language="en",
            model="fake/summarizer",
        )
        return with_trust(summary, article_sentences(document, languages))


class LoopingTranslator(FakeTranslator):
    """The fake translation, with its second sentence stuck in a loop, checked by the real flags."""

    def translate(
        self,
        document: Document,
        *,
        src: str,
        tgt: str,
        cancel: threading.Event | None = None,
        on_paragraph: Callable[[int, TranslatedParagraph], None] | None = None,
        languages: Sequence[str],
        reading: ReadingPosition | None = None,
    ) -> Translation:
        def flagged(index: int, paragraph: TranslatedParagraph) -> None:
            if on_paragraph:
                on_paragraph(index, self._checked(paragraph, src, tgt, first=index == 0))

        translation = super().translate(
            document, src=src, tgt=tgt, cancel=cancel, on_paragraph=flagged, languages=languages
        )
        paragraphs = tuple(self._checked(p, src, tgt, first=i == 0) for i, p in enumerate(translation.paragraphs))
        return Translation(paragraphs, src, tgt, backend="fake")

    @staticmethod
    def _checked(paragraph: TranslatedParagraph, src: str, tgt: str, *, first: bool) -> TranslatedParagraph:
        pairs = []
        for number, pair in enumerate(paragraph.sentences):
            target = LOOP if first and number == 1 else pair.target
            flags = tuple(f for f in check_translation(pair.source, target, src=src, tgt=tgt) if f.kind != "length")
            pairs.append(SentencePair(pair.source, target, flags))
        return TranslatedParagraph(tuple(pairs), paragraph.source_language, paragraph.route)


def trust_pipeline() -> Pipeline:
    summarizer = LinkingSummarizer()
    return Pipeline(Config(), use_cache=False, summarizers=lambda method: summarizer, translator=LoopingTranslator())


def seed_sentences(document: Document) -> list[str]:
    return [s for p in document.paragraphs for s in split_sentences(p) or [p]]


async def test_summary_cursor_highlights_and_scrolls_to_its_sources(make, seed_document):
    app = make(trust_pipeline())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        article = seed_sentences(seed_document)
        original, summary = app.original_pane, app.summary_pane
        assert summary.sentences == list(SUMMARY)
        app.set_focus(summary)
        await pilot.press("down")  # the fused first sentence
        await pilot.pause()
        linked = original.linked
        assert len(linked) == 2 and article[linked[0]].startswith("Russian President Vladimir Putin and China's")
        assert "sanctioned by the US in 2018" in article[linked[1]]
        assert summary.border_subtitle == f"sources {linked[0] + 1}, {linked[1] + 1} · 100% found"
        assert original.scroll_offset.y == 0
        await pilot.press("down")  # Chinese parts in Russian hardware: near the end of the article
        await pilot.pause()
        (source,) = original.linked
        assert "Chinese parts within abandoned or captured Russian hardware" in article[source]
        assert original.scroll_offset.y > 0  # scrolled down to it
        await pilot.press("down")  # made up
        await pilot.pause()
        assert summary.border_subtitle.startswith("? unsupported · ") and summary.border_subtitle.endswith("% found")


async def test_unsupported_and_flagged_sentences_are_marked_and_counted(make):
    app = make(trust_pipeline())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        summary, translation = app.summary_pane, app.translation_pane
        assert summary.gutter_marks.keys() == {2} and summary.gutter_marks[2][0] == "?"
        assert "1 unsupported" in summary.border_subtitle
        assert translation.gutter_marks == {1: ("!", "repeats “шли” 4 times in a row")}
        assert translation.border_subtitle.endswith("· 1 flagged")
        base = translation.border_subtitle
        app.set_focus(translation)
        await pilot.press("down", "down")  # the looping sentence
        await pilot.pause()
        assert translation.border_subtitle == "! repeats “шли” 4 times in a row"
        await pilot.press("down")
        await pilot.pause()
        assert translation.border_subtitle == base  # back to the counts off the flagged sentence


async def test_gutter_marks_every_row_of_a_flagged_sentence(make):
    app = make(trust_pipeline())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        pane = app.translation_pane
        rows = pane._layout.block(0).sentence_rows(pane._layout.width)
        assert rows[0].start == 0 and rows[1].start >= rows[0].stop - 1
        lines = [pane.render_line(y) for y in range(pane._layout.heights[0])]  # the first paragraph, as drawn
        marked = [i for i, line in enumerate(lines) if line.text[:1] in "!│"]
        assert marked and marked[0] == rows[1].start and lines[rows[1].start].text.startswith("! ")
        # The mark is on the row the flagged sentence starts on, as Textual wrapped it.
        assert "Переговоры" in lines[rows[1].start].text
        assert marked == list(rows[1])


async def test_clicking_a_marked_paragraph_still_finds_the_sentence(make):
    app = make(trust_pipeline())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        pane = app.translation_pane
        block = pane._layout.block(0)
        rows = block.sentence_rows(pane._layout.width)
        row = rows[1].start
        # Past the gutter, and past the first sentence where both share the row.
        x = 3 + (len(block.sentences[0]) + 1 if rows[0][-1] == row else 0)
        left, top = pane.content_region.x - pane.region.x, pane.content_region.y - pane.region.y
        await pilot.click(pane, offset=(left + x, top + row))
        await pilot.pause()
        assert pane.cursor == 1 and pane.border_subtitle.startswith("! repeats")


def test_snapshot_sources_and_flags(snap_compare, make):
    app = make(trust_pipeline())

    async def run_before(pilot):
        await settle(app, pilot)
        app.set_focus(app.summary_pane)
        await pilot.press("down")  # the fused summary sentence: both sources highlighted
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_links_find_their_sentence_when_the_pane_splits_differently():
    from diglot.tui.trust_marks import locate

    shown = ["One. Two.", "Three."]  # the pane kept "One. Two." together
    assert locate(shown, 1, "Three.") == 1  # same number, same text
    assert locate(shown, 2, "Three.") == 1  # numbered differently: found by its text
    assert locate(shown, 1, "Two.") == 0  # held in a longer sentence
    assert locate(shown, 0, "Four.") is None


async def test_tiny_models_output_is_marked_end_to_end(make, tiny_config):
    """The real engines: the random models' loops reach the gutters and the counts."""
    from diglot.config import load_config
    from diglot.tui.engines import default_engines

    config = load_config()
    app = make(default_engines(config), config=config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        translation, summary = app.translation_pane, app.summary_pane
        flagged = app.translation.flagged
        assert flagged > 0 and len(translation.gutter_marks) == flagged
        assert translation.border_subtitle.endswith(f"· {flagged} flagged")
        assert all(glyph == "!" for glyph, _ in translation.gutter_marks.values())
        assert len(app.summary.support) == len(summary.sentences)
        if app.summary.flagged:
            assert f"{app.summary.flagged} flagged" in summary.border_subtitle
        app.set_focus(summary)
        await pilot.press("down")
        await pilot.pause()
        sources = {link.sentence for link in app.summary.support[0].sources}
        assert set(app.original_pane.linked) == sources
