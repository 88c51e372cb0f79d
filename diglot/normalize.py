"""Text as each model family was trained to read it.

Only what a model reads changes here; the sentences the reader sees, the
exports and the cache keys keep the article's own characters.

- Marian (Helsinki-NLP OPUS-MT): the OPUS-MT training data went through the
  Moses scripts replace-unicode-punctuation, remove-non-printing-char and
  normalize-punctuation (-l source language) before SentencePiece. Their
  vocabularies lack curly quotes, typographic apostrophes and dashes, and
  transformers' MarianTokenizer does not normalise, so without this those
  characters reach the model as ``<unk>``. sacremoses is the Python port of
  those scripts.
- BART (byte-level BPE), T5 and M2M100 (SentencePiece with its own NFKC
  normalisation) were trained on raw text and get it unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sacremoses import MosesPunctNormalizer


@cache
def _moses(language: str) -> MosesPunctNormalizer:
    # Imported when a Marian model first reads text, not before: importing
    # sacremoses compiles its tokenizer's regular expressions (~0.4 s), which a
    # run served from the result cache, or the app's first paint, never needs.
    from sacremoses import MosesPunctNormalizer

    return MosesPunctNormalizer(lang=language, pre_replace_unicode_punct=True, post_remove_control_chars=True)


def model_inputs(texts: Sequence[str], model_type: str, language: str) -> list[str]:
    """``texts`` as a ``model_type`` model ("marian", "bart", ...) reading ``language`` was trained to see them."""
    if model_type != "marian":
        return list(texts)
    normalizer = _moses(language)
    # The OPUS-MT pipeline also squeezes the spaces the Moses scripts leave.
    return [" ".join(normalizer.normalize(text).split()) for text in texts]
