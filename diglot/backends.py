"""Generation backends: token ids in, token ids out.

The interface is deliberately small so that a faster engine can stand in
for transformers without the summarisers or translators noticing.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
from dataclasses import dataclass
from typing import Any, Protocol

from diglot.modes import Engine, ResolvedDevice


@dataclass(frozen=True)
class GenerationOptions:
    """How to generate: beam search width, output length bounds, repetition control."""

    num_beams: int = 4
    max_new_tokens: int = 256
    min_new_tokens: int = 0
    no_repeat_ngram_size: int = 0
    length_penalty: float = 1.0
    forced_bos_token_id: int | None = None

    def replace(self, **changes: Any) -> GenerationOptions:
        return dataclasses.replace(self, **changes)


# transformers builds a model on the "meta" device first, which is not safe
# from two threads at once ("aten::equal ... Meta tensors"): every
# transformers model load, and every conversion (which loads one), holds this.
TRANSFORMERS_LOCK = threading.RLock()


def quiet_libraries() -> None:
    """Silence the progress bars and warnings transformers and the hub print to stderr."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    from huggingface_hub.utils.tqdm import disable_progress_bars
    from transformers.utils import logging as hf_logging

    disable_progress_bars()
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    logging.getLogger("transformers").setLevel(logging.ERROR)


class Backend(Protocol):
    """Runs a loaded model: a batch of input ids to a batch of output ids."""

    name: Engine

    def generate(
        self, batch: list[list[int]], options: GenerationOptions, *, cancel: threading.Event | None = None
    ) -> list[list[int]]: ...


class TransformersBackend:
    """The reference backend: ``model.generate`` from transformers (CPU, CUDA or MPS)."""

    name: Engine = "transformers"

    def __init__(self, model: Any, device: ResolvedDevice) -> None:
        self.model = model
        self.device = device

    @property
    def memory_bytes(self) -> int:
        return sum(p.numel() * p.element_size() for p in self.model.parameters())

    def generate(
        self, batch: list[list[int]], options: GenerationOptions, *, cancel: threading.Event | None = None
    ) -> list[list[int]]:
        import torch
        from transformers import StoppingCriteria, StoppingCriteriaList

        class StopOnCancel(StoppingCriteria):
            """Ends generation for every sequence once ``cancel`` is set."""

            def __call__(
                self, input_ids: torch.LongTensor, scores: torch.FloatTensor, **kwargs: Any
            ) -> torch.BoolTensor:
                stop = cancel is not None and cancel.is_set()
                flags = torch.full((input_ids.shape[0],), stop, dtype=torch.bool, device=input_ids.device)
                return flags  # type: ignore[return-value]  # a bool tensor is what BoolTensor means

        pad = self.model.config.pad_token_id
        pad = 0 if pad is None else pad
        width = max(len(ids) for ids in batch)
        input_ids = torch.full((len(batch), width), pad, dtype=torch.long)
        attention = torch.zeros((len(batch), width), dtype=torch.long)
        for row, ids in enumerate(batch):
            input_ids[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
            attention[row, : len(ids)] = 1
        kwargs: dict[str, Any] = {
            "num_beams": options.num_beams,
            "max_new_tokens": options.max_new_tokens,
            "min_new_tokens": options.min_new_tokens,
            "no_repeat_ngram_size": options.no_repeat_ngram_size,
            "length_penalty": options.length_penalty,
            "early_stopping": True,
            "do_sample": False,
        }
        if options.forced_bos_token_id is not None:
            kwargs["forced_bos_token_id"] = options.forced_bos_token_id
        with torch.inference_mode():
            output = self.model.generate(
                input_ids=input_ids.to(self.device),
                attention_mask=attention.to(self.device),
                stopping_criteria=StoppingCriteriaList([StopOnCancel()]),
                **kwargs,
            )
        specials = {self.model.config.decoder_start_token_id, pad}
        result = []
        for row in output.tolist():
            # Drop the decoder start token and trailing padding; keep EOS out too.
            while row and row[0] in specials:
                row = row[1:]
            while row and row[-1] in specials | {self.model.config.eos_token_id}:
                row = row[:-1]
            result.append(row)
        return result
