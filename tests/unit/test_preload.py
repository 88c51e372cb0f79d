"""The likely translation model loads while an article's language is detected (``Pipeline.preload_translation``)."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from diglot import langid
from diglot.backends import GenerationOptions
from diglot.document import Document, read_source
from diglot.models import ModelPool, load_model
from diglot.pipeline import Article, Pipeline
from tests.unit.test_pipeline import tiny_config


@pytest.fixture
def first_detection(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in a process that has not detected a language yet: the first detection reads langdetect's profiles."""
    monkeypatch.setattr(langid, "_answered", threading.Event())


def counting_pool(loads: list[str], **options: str) -> ModelPool:
    def loader(ref: str, **kwargs):
        loads.append(Path(ref).name)
        return load_model(ref, **kwargs)

    return ModelPool(device="cpu", loader=loader, **options)


@pytest.mark.parametrize(("article", "tgt", "model"), [("seed", "ru", "en-ru"), ("ru.txt", "en", "ru-en")])
def test_the_likely_model_loads_before_the_language_is_known_and_the_translation_is_the_same(
    first_detection, tiny_models, seed: Path, data: Path, article: str, tgt: str, model: str
):
    config = tiny_config(tiny_models)
    load_model(str(tiny_models[model]), device="cpu")  # converted for CTranslate2 once, as after a first use
    document = read_source(str(seed if article == "seed" else data / article))
    loads: list[str] = []
    pipeline = Pipeline(config, use_cache=False, pool=counting_pool(loads))
    assert pipeline.preload_translation(document, tgt) == (str(tiny_models[model]),)
    assert loads == [tiny_models[model].name]  # before any detection
    guess = pipeline.identify(document)
    assert guess.code == model.split("-")[0]  # the guess from the script was right
    translation = pipeline.translate(Article(document, guess), tgt)
    assert loads == [tiny_models[model].name]  # the translation found it loaded
    alone = Pipeline(config, use_cache=False).translate(Article(document, guess), tgt)
    assert [p.text for p in translation.paragraphs] == [p.text for p in alone.paragraphs]
    assert translation.paragraphs[0].text.strip()


def test_nothing_is_loaded_ahead_when_detection_will_be_quick(first_detection, tiny_models, seed: Path):
    config = tiny_config(tiny_models)
    load_model(str(tiny_models["en-ru"]), device="cpu")
    document = read_source(str(seed))
    loads: list[str] = []
    cached = Pipeline(config, pool=counting_pool(loads))  # with the result cache
    cached.identify(document)  # langdetect has answered now, and the language is in the cache
    assert cached.preload_translation(document, "ru") == ()
    langid._answered.clear()  # as in a new process: only the result cache knows the language
    assert cached.preload_translation(document, "ru") == ()
    fresh = Pipeline(config, use_cache=False, pool=counting_pool(loads))
    assert fresh.preload_translation(Document(("Putin met Xi.",)), "ru") == ()  # too short for langdetect
    assert loads == []


def test_only_models_that_load_in_a_moment_are_loaded_ahead(first_detection, tiny_models, seed: Path, tmp_path: Path):
    document = read_source(str(seed))
    loads: list[str] = []
    # Not converted yet: converting takes seconds and torch, for a guess.
    fresh = tmp_path / "marian-en-ru-copy"
    shutil.copytree(tiny_models["en-ru"], fresh)
    config = tiny_config(tiny_models, translate_models={"en-ru": str(fresh)})
    assert Pipeline(config, use_cache=False, pool=counting_pool(loads)).preload_translation(document, "ru") == ()
    # Run on transformers: seconds and torch too.
    load_model(str(tiny_models["en-ru"]), device="cpu")
    on_transformers = counting_pool(loads, backend="transformers")
    assert (
        Pipeline(tiny_config(tiny_models), use_cache=False, pool=on_transformers).preload_translation(document, "ru")
        == ()
    )
    # No model for the pair, or a script that suggests no language (Armenian): nothing to load.
    pipeline = Pipeline(tiny_config(tiny_models), use_cache=False, pool=counting_pool(loads))
    assert pipeline.preload_translation(document, "tlh") == ()
    assert pipeline.preload_translation(Document(("Բարեւ ձեզ, սա հայերեն է։ " * 4,)), "ru") == ()
    assert loads == []


def test_the_pool_says_which_models_load_in_a_moment(tiny_models, tmp_path: Path):
    model = str(tiny_models["en-ru"])
    load_model(model, device="cpu")
    pool = ModelPool(device="cpu")
    assert pool.loads_quickly(model)  # converted
    assert not ModelPool(device="cpu", backend="transformers").loads_quickly(model)
    assert not pool.loads_quickly(str(tmp_path / "no-such-model"))
    copy = tmp_path / "copy"
    shutil.copytree(tiny_models["en-ru"], copy)
    assert not pool.loads_quickly(str(copy))  # would be converted first
    held = ModelPool(device="cpu", backend="transformers")
    held.get(model)
    assert held.loads_quickly(model)  # held already


def test_the_tokenizer_is_read_while_ctranslate2_reads_the_weights(tiny_models, monkeypatch: pytest.MonkeyPatch):
    """A load's Python work (tokenizer, vocabularies) overlaps CTranslate2's, which does not hold the GIL."""
    from diglot import ct2, models

    model = str(tiny_models["en-ru"])
    reference = load_model(model, device="cpu")  # converted; loaded the same way
    opening, tokenizer_read = threading.Event(), threading.Event()
    overlapped: list[bool] = []
    real_open, real_tokenizer = ct2.open_translator, models.load_tokenizer

    def slow_open(*args):
        opening.set()
        tokenizer_read.wait(10)  # still reading the weights when the tokenizer is read
        return real_open(*args)

    def tokenizer(*args):
        overlapped.append(opening.wait(10))  # the weights are being read already
        found = real_tokenizer(*args)
        tokenizer_read.set()
        return found

    monkeypatch.setattr(ct2, "open_translator", slow_open)
    monkeypatch.setattr(models, "load_tokenizer", tokenizer)
    loaded = load_model(model, device="cpu")
    assert overlapped == [True]
    sentences = ["The Kremlin said so on Tuesday.", "Пресс-служба сообщила."]
    options = GenerationOptions(num_beams=1, max_new_tokens=12)
    assert loaded.generate(sentences, options, src="en", tgt="ru") == reference.generate(
        sentences, options, src="en", tgt="ru"
    )
