"""Loading a model: CTranslate2 reads the weights while the tokenizer is read, with the same model as a result."""

from __future__ import annotations

import threading

import pytest

from diglot.backends import GenerationOptions
from diglot.models import load_model


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
        tokenizer_read.wait(60)  # still reading the weights when the tokenizer is read
        return real_open(*args)

    def tokenizer(*args):
        overlapped.append(opening.wait(60))  # the weights are being read already
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
