"""A translator whose 'model' is a function of its input: what a model may do to placeholders, on demand.

The real ``Translator`` plans, masks, caches and puts kept parts back; only the model is replaced.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from diglot.config import Config
from diglot.models import ModelPool, Seq2SeqModel
from diglot.translate import Translator


class FakeTranslator(Translator):
    """A translator whose 'model' does ``change`` to each input; ``inputs`` records what the model was sent."""

    def __init__(self, config: Config, change: Callable[[str], str], **kwargs: Any) -> None:
        super().__init__(config, pool=ModelPool(device="cpu"), **kwargs)
        self.change = change
        self.inputs: list[str] = []

    def _load(self, model: str, tgt: str) -> Seq2SeqModel:  # no model is loaded: only its name, for the cache
        return SimpleNamespace(identity=self.pool.identity(model))  # type: ignore[return-value]

    def _translate_sentences(self, model, sentences, src, tgt, cancel):  # type: ignore[no-untyped-def,override]
        self.inputs.extend(sentences)
        return [self.change(s) for s in sentences]


def translated(text: str) -> str:
    """A stand-in for a translation: every word marked, placeholders copied as a good model copies them."""
    return re.sub(r"[^\W\d_]+", lambda m: "Ж" + m.group().lower(), text)


MODELS: dict[str, Callable[[str], str]] = {
    "copies": translated,
    "drops": lambda s: re.sub(r"\{\d+\}", "", translated(s)),
    "repeats": lambda s: re.sub(r"(\{\d+\})", r"\1 \1", translated(s)),
    "reorders": lambda s: " ".join(reversed(translated(s).split())),
}
"""What models may do to placeholders: copy, drop, repeat them, or reorder the words."""
