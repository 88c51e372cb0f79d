"""Generation with a loaded model: text in, text out, in batches of similar length.

Tokenisation, special tokens (target-language tokens, forced BOS), batching
and decoding live here, so that every backend gets the same token ids.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from diglot.backends import Backend, GenerationOptions
from diglot.document import sanitize
from diglot.errors import Cancelled
from diglot.languages import language
from diglot.modes import Engine
from diglot.priority import GATE
from diglot.tokenization import Tokenizer


@dataclass(frozen=True)
class ModelIdentity:
    """What decides a model's outputs, for cache keys: known before the model is loaded.

    ``conversion`` names the CTranslate2 conversion that runs it (its
    manifest's digest; empty for transformers, or before the first
    conversion): a conversion made again never serves an earlier one's results.
    """

    ref: str
    revision: str
    backend: Engine
    compute: str
    conversion: str = ""


@dataclass(frozen=True)
class ModelFacts:
    """What the engines need to know of a model besides its weights (from its configuration)."""

    model_type: str
    max_positions: int
    forced_bos_token_id: int | None = None
    forced_eos: bool = False


def batches_by_tokens(lengths: Sequence[int], batch_tokens: int, max_batch: int) -> Iterator[list[int]]:
    """Indices grouped into batches of similar length within a padded token budget.

    Sorted longest first, so the first batch shows at once whether memory
    suffices; a batch holds as many inputs as ``count * longest <= batch_tokens``
    allows (at least one, at most ``max_batch``).
    """
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    batch: list[int] = []
    for index in order:
        longest = lengths[batch[0]] if batch else lengths[index]
        if batch and ((len(batch) + 1) * longest > batch_tokens or len(batch) >= max_batch):
            yield batch
            batch = []
        batch.append(index)
    if batch:
        yield batch


@dataclass
class Seq2SeqModel:
    """A loaded model: its tokenizer, the backend that runs it, and its facts.

    ``generate`` takes and returns text.
    """

    ref: str
    path: Path
    revision: str
    tokenizer: Tokenizer
    backend: Backend
    facts: ModelFacts

    @property
    def identity(self) -> ModelIdentity:
        compute = getattr(self.backend, "compute_type", "float32")
        conversion = getattr(self.backend, "conversion", "")
        return ModelIdentity(self.ref, self.revision, self.backend.name, compute, conversion)

    @property
    def memory_bytes(self) -> int:
        """Roughly what the model holds in memory (its weights)."""
        return int(getattr(self.backend, "memory_bytes", 0))

    @property
    def backend_name(self) -> Engine:
        return self.backend.name

    @property
    def model_type(self) -> str:
        return self.facts.model_type

    @property
    def max_positions(self) -> int:
        return self.facts.max_positions

    @property
    def is_multilingual(self) -> bool:
        return self.model_type == "m2m_100"

    def count_tokens(self, text: str) -> int:
        """Length of ``text`` in this model's tokens, without special tokens."""
        return self.tokenizer.count(text)

    @property
    def input_budget(self) -> int:
        """Tokens of text one input may hold, leaving room for special tokens."""
        specials = len(self.tokenizer.encode(""))
        return max(8, self.max_positions - specials - 2)  # 2: a target-language token, slack

    def target_token(self, tgt: str | None) -> str | None:
        """The ``>>xxx<<`` token a multi-target Marian model needs for ``tgt``, if it has them."""
        if tgt is None or self.is_multilingual:
            return None
        candidates = [f">>{c}<<" for c in (language(tgt).iso3, tgt)]
        if tgt == "zh":
            candidates = [">>cmn_Hans<<", ">>zho_Hans<<", ">>cmn<<", ">>zho<<", ">>zh<<"]
        return next((c for c in candidates if self.tokenizer.token_id(c) is not None), None)

    def supports_target(self, tgt: str) -> bool:
        """False for a multi-target model whose vocabulary lacks a token for ``tgt``."""
        if self.is_multilingual:
            return self.tokenizer.language_id(tgt) is not None
        return not self.tokenizer.has_target_tokens() or self.target_token(tgt) is not None

    def encode(self, texts: Sequence[str], *, src: str | None = None, tgt: str | None = None) -> list[list[int]]:
        """Token ids for plain ``texts``, with the target token or source language set."""
        token = self.target_token(tgt)
        source = src if self.is_multilingual else None
        return [
            self.tokenizer.encode(f"{token} {t}" if token else t, src_lang=source, max_length=self.max_positions)
            for t in texts
        ]

    def decode(self, ids: Sequence[int], *, drop_first: int | None = None) -> str:
        """Text from generated ids, without special tokens or a forced language token."""
        ids = list(ids)
        if drop_first is not None and ids[:1] == [drop_first]:
            ids = ids[1:]
        # Model output reaches the terminal too: no control sequences in it.
        return sanitize(self.tokenizer.decode(ids)).strip()

    def generate(
        self,
        texts: Sequence[str],
        options: GenerationOptions,
        *,
        src: str | None = None,
        tgt: str | None = None,
        batch_tokens: int = 2048,
        max_batch: int = 32,
        cancel: threading.Event | None = None,
        limits: Sequence[int] | None = None,
    ) -> list[str]:
        """Generate one output per input text, in input order.

        Inputs are sorted by length and packed into batches by token count
        (padding included), so similar lengths share a batch; results are put
        back in their original order. ``limits`` gives each input's most new
        tokens: a batch decodes up to its members' largest (not the largest of
        every input), so a batch of short sentences stops early even where a
        model never emits its end token. ``cancel`` is checked between batches.
        """
        if not texts:
            return []
        if self.is_multilingual and tgt:
            options = options.replace(forced_bos_token_id=self.tokenizer.language_id(tgt))
        elif options.forced_bos_token_id is None and self.facts.forced_bos_token_id is not None:
            # BART starts every output with <s>: given to every backend explicitly.
            options = options.replace(forced_bos_token_id=self.facts.forced_bos_token_id)
        limit = max(1, self.max_positions - 2)
        options = options.replace(
            max_new_tokens=min(options.max_new_tokens, limit),
            min_new_tokens=min(options.min_new_tokens, limit),
        )
        if limits is not None and len(limits) != len(texts):
            raise ValueError(f"{len(limits)} length limits for {len(texts)} inputs")
        encoded = self.encode(texts, src=src, tgt=tgt)
        outputs: list[str | None] = [None] * len(texts)
        for batch in batches_by_tokens([len(ids) for ids in encoded], batch_tokens, max_batch):
            GATE.wait_turn()  # work a reader is waiting for (a first paragraph) goes first
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            batch_options = options
            if limits is not None:
                batch_options = options.replace(max_new_tokens=min(max(limits[i] for i in batch), limit))
            generated = self.backend.generate([encoded[i] for i in batch], batch_options, cancel=cancel)
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            for i, ids in zip(batch, generated, strict=True):
                outputs[i] = self.decode(ids, drop_first=batch_options.forced_bos_token_id)
        return [o or "" for o in outputs]
