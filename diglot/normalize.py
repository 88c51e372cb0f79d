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

import importlib.util
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sacremoses import MosesPunctNormalizer


@cache
def _normalizer_class() -> type[MosesPunctNormalizer]:
    """sacremoses' ``MosesPunctNormalizer``, loaded from its own module alone.

    ``import sacremoses`` runs the package's ``__init__``, which imports its
    tokenizer, truecaser and joblib (~0.3 s, on the way to a reader's first
    translated paragraph); ``normalize.py`` needs only ``re`` and ``regex``.
    Should a release change that layout, the package is imported as usual.
    """
    package = importlib.util.find_spec("sacremoses")
    locations = package.submodule_search_locations if package is not None else None
    if locations:
        path = Path(next(iter(locations))) / "normalize.py"
        spec = importlib.util.spec_from_file_location("diglot._moses_normalize", path)
        if spec is not None and spec.loader is not None and path.is_file():
            module = importlib.util.module_from_spec(spec)
            try:
                spec.loader.exec_module(module)
                found: type[MosesPunctNormalizer] = module.MosesPunctNormalizer
                return found
            except (ImportError, AttributeError):
                pass
    from sacremoses import MosesPunctNormalizer

    normalizer: type[MosesPunctNormalizer] = MosesPunctNormalizer
    return normalizer


@cache
def _moses(language: str) -> MosesPunctNormalizer:
    # Loaded when a Marian model first reads text, not before: a run served
    # from the result cache, or the app's first paint, never needs it.
    return _normalizer_class()(lang=language, pre_replace_unicode_punct=True, post_remove_control_chars=True)


def model_inputs(texts: Sequence[str], model_type: str, language: str) -> list[str]:
    """``texts`` as a ``model_type`` model ("marian", "bart", ...) reading ``language`` was trained to see them."""
    if model_type != "marian":
        return list(texts)
    normalizer = _moses(language)
    # The OPUS-MT pipeline also squeezes the spaces the Moses scripts leave.
    return [" ".join(normalizer.normalize(text).split()) for text in texts]
