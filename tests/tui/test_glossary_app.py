"""The glossary in the app: terms marked in both panes, 'g' adds one, saved at once, and its sentences redone."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

from diglot.config import Config
from diglot.document import load_document
from diglot.generation import ModelIdentity
from diglot.glossary import read_glossary_file, user_glossary_path
from diglot.jobs.pipeline import Pipeline
from diglot.models import ModelPool
from diglot.testing.fakes import FakeSummarizer
from diglot.translate import Translator
from diglot.tui.screens.glossary_dialog import GlossaryDialog
from tests.tui.conftest import SIZE, settle, until


class CopyingTranslator(Translator):
    """The real translator (its glossary, masks and cache) over a 'model' that marks each word it reads."""

    def __init__(self, config: Config, cache) -> None:
        super().__init__(config, pool=ModelPool(device="cpu"), cache=cache)
        self.inputs: list[str] = []
        # No model folder: an identity of its own, for the result cache's keys.
        self.pool = SimpleNamespace(identity=lambda ref: ModelIdentity(ref, "fake", "fake", "fake"))  # type: ignore[assignment]

    def route(self, src, tgt):
        from diglot.translate.result import Route, Step

        return Route("direct", (Step(f"fake/{src}-{tgt}", src, tgt),))

    def _load(self, model, tgt):
        return SimpleNamespace(identity=self.pool.identity(model))

    def _translate_sentences(self, model, sentences, src, tgt, cancel):  # type: ignore[override]
        self.inputs.extend(sentences)
        return [re.sub(r"[^\W\d_]+", lambda m: "ж" + m.group().lower(), s) for s in sentences]


SHORT = (
    "Russian President Vladimir Putin and China's Defense Minister Li Shangfu met in Moscow on Sunday. "
    "Li was sanctioned by the US in 2018 for transactions with Rosoboronexport.\n\n"
    "During their meeting, Putin called the visit very productive. Analysts say the bonds are strong.\n"
)


def _app(make, tmp_path: Path, *, short: bool = False):
    terms = tmp_path / "terms.csv"
    terms.write_text("source,target\nPutin,Путин\nRosoboronexport,\n", encoding="utf-8")
    config = Config(glossary_files=(terms,))
    pipeline = Pipeline(config, summarizers=lambda method: FakeSummarizer(method))
    translator = CopyingTranslator(config, pipeline.cache)
    pipeline.translator = pipeline.pivot = translator
    # The short article fits its panes: no scroll bar, whose size depends on when the layout finished.
    document = {"document": load_document(SHORT, source="meeting.txt")} if short else {}
    return make(pipeline, config=config, target="ru", **document), translator


def _marked(pane, number: int, sentences) -> list[str]:
    from diglot.tui.term_marks import shown_text

    text = shown_text(sentences)
    return [text[a:b] for a, b, role in pane._decorate(number, sentences) if role == "term"]


async def test_terms_are_marked_and_g_adds_one_that_only_its_sentences_are_translated_for(make, tmp_path):
    app, translator = _app(make, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await until(pilot, lambda: app.translation is not None and app.reading_screen.glossary is not None)
        sources = app.reading_screen.article_sentences[0]
        targets = app.translation.paragraphs[0].targets
        assert _marked(app.original_pane, 0, sources) == ["Putin", "Rosoboronexport"]
        assert _marked(app.translation_pane, 0, targets) == ["Путин", "Rosoboronexport"]
        assert "Путин" in targets[0] and "Putin" not in " ".join(translator.inputs)
        before = len(translator.inputs)
        with_moscow = [s for p in app.translation.paragraphs for s in p.sentences if "Moscow" in s.source]
        assert with_moscow
        await pilot.press("g")
        await until(pilot, lambda: isinstance(app.screen, GlossaryDialog))
        await pilot.press(*"Moscow", "tab", *"Москва", "enter")
        await until(pilot, lambda: not isinstance(app.screen, GlossaryDialog))
        # Saved at once to the user's glossary.
        assert [(e.source, e.target) for e in read_glossary_file(user_glossary_path())] == [("Moscow", "Москва")]
        await until(
            pilot,
            lambda: (
                app.translation is not None
                and any("Москва" in s.target for p in app.translation.paragraphs for s in p.sentences)
            ),
        )
        await settle(app, pilot)
        pairs = [s for p in app.translation.paragraphs for s in p.sentences]
        assert all(s.target.count("Москва") >= s.source.count("Moscow") for s in pairs)
        # Only the sentences with the new term went to the model again; the rest came from the result cache.
        again = translator.inputs[before:]
        assert again and len(again) == len({s.source for s in with_moscow}) and all("{" in s for s in again)
        assert "Moscow" in _marked(app.original_pane, 0, sources)  # marked too, once the glossary is read again


async def test_an_empty_term_is_refused_in_the_dialog(make, tmp_path):
    app, _ = _app(make, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("g")
        await until(pilot, lambda: isinstance(app.screen, GlossaryDialog))
        await pilot.press("space", "enter")
        await pilot.pause()
        assert isinstance(app.screen, GlossaryDialog)
        assert "the term is empty" in str(app.screen.query_one("#error").render())
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, GlossaryDialog))
        assert not user_glossary_path().exists()


def test_snapshot_marked_terms(snap_compare, make, tmp_path):
    app, _ = _app(make, tmp_path, short=True)

    async def run_before(pilot):
        await settle(app, pilot)
        await until(pilot, lambda: app.translation is not None and app.reading_screen.glossary is not None)
        await settle(app, pilot)
        # Laid out in full: the scroll bars' size and place are final.
        await until(pilot, lambda: app.original_pane.measured)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_add_term_dialog(snap_compare, make, tmp_path, monkeypatch):
    # The dialog names the file it saves to: one path on every machine (nothing is saved here).
    monkeypatch.setenv("DIGLOT_CONFIG", "/home/reader/.config/diglot/config.toml")
    app, _ = _app(make, tmp_path, short=True)

    async def run_before(pilot):
        await settle(app, pilot)
        await until(pilot, lambda: app.translation is not None and app.reading_screen.glossary is not None)
        await pilot.press("g")
        await until(pilot, lambda: isinstance(app.screen, GlossaryDialog))
        await until(pilot, lambda: app.original_pane.measured)
        await pilot.press(*"Li Shangfu", "tab", *"Ли Шанфу")
        for widget in app.screen.query("Input"):
            widget.cursor_blink = False
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
