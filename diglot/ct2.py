"""The CTranslate2 backend: int8 on CPU, float16 on CUDA, converted once into the cache.

Same token ids in and out as the transformers backend, so tokenisation and
post-processing are shared. Cancellation is checked between batches (a
CTranslate2 batch cannot be interrupted), so batches are kept small.
"""

from __future__ import annotations

import ctypes
import glob
import os
import re
import shutil
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from diglot.backends import GenerationOptions
from diglot.cache import cache_dir
from diglot.stages import stage

# Architectures the CTranslate2 converter handles.
ARCHITECTURES = {"marian", "bart", "t5", "m2m_100"}

_convert_lock = threading.Lock()


def compute_type(device: str, quantization: str | None) -> str:
    """What CTranslate2 computes in: int8 on CPU, int8_float16 on CUDA, unless told otherwise."""
    if quantization:
        return quantization
    return "int8_float16" if device == "cuda" else "int8"


def converted_folder(ref: str, revision: str, quantization: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "--", ref.strip("/"))[-80:]
    return cache_dir() / "ctranslate2" / f"{safe}--{revision}--{quantization}"


def converted_copies(ref: str) -> list[Path]:
    """The finished CTranslate2 conversions of model ``ref`` (any revision or quantization)."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "--", ref.strip("/"))[-80:]
    folder = cache_dir() / "ctranslate2"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f"{glob.escape(safe)}--*") if (p / "model.bin").is_file())


def convert(source: Path, ref: str, revision: str, quantization: str) -> Path:
    """Convert the checkpoint in ``source`` once; later calls reuse the folder.

    Written into a temporary folder and renamed, so an interrupted conversion
    never leaves a half-converted model behind.
    """
    target = converted_folder(ref, revision, quantization)
    with _convert_lock:
        if (target / "model.bin").is_file():
            return target
        from transformers import BartConfig

        # transformers 5 dropped BartConfig.normalize_before, which the
        # converter still reads; BART is post-norm, i.e. False.
        if not hasattr(BartConfig, "normalize_before"):
            BartConfig.normalize_before = False  # type: ignore[attr-defined]
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=target.name + ".", dir=target.parent))
        try:
            name = ref if not Path(ref).is_absolute() else Path(ref).name  # a hub id, or a folder's name
            with stage(f"Converting {name} for CTranslate2 (once)"):
                _converter(str(source)).convert(str(work / "model"), quantization=quantization, force=True)
            os.replace(work / "model", target)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return target


class _LanguageTokens:
    """An M2M100 tokenizer as CTranslate2's converter expects it.

    The converter appends ``special_tokens_map["additional_special_tokens"]``
    to ``get_vocab()`` to get M2M100's vocabulary; transformers 5 lists the
    language tokens (``__en__``, ...) in neither, so they are given here, in
    id order (they follow the base vocabulary).
    """

    def __init__(self, tokenizer: Any) -> None:
        self._tokenizer = tokenizer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tokenizer, name)

    @property
    def special_tokens_map(self) -> dict[str, Any]:
        tokens = dict(self._tokenizer.special_tokens_map)
        if not tokens.get("additional_special_tokens"):
            languages = self._tokenizer.lang_token_to_id
            tokens["additional_special_tokens"] = sorted(languages, key=languages.get)
        return tokens


def _converter(source: str) -> Any:
    from ctranslate2.converters import TransformersConverter

    class Converter(TransformersConverter):  # type: ignore[misc]
        def load_tokenizer(self, tokenizer_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            tokenizer = super().load_tokenizer(tokenizer_class, model_name_or_path, **kwargs)
            return _LanguageTokens(tokenizer) if hasattr(tokenizer, "lang_token_to_id") else tokenizer

    return Converter(source)


# mallopt(3) parameter: how many malloc arenas glibc may create.
_M_ARENA_MAX = -8


def share_malloc_arena() -> bool:
    """Have threads started from now on share glibc's malloc arenas instead of making their own.

    glibc gives each new allocating thread an arena of its own (up to 8 per
    core), and each arena keeps the memory its thread freed for that thread's
    reuse. CTranslate2's decoding threads free and reallocate beam-search
    buffers of tens of MB at every step, so two threads in two arenas hold two
    such reserves: one shared arena cut diglot's peak translation memory by
    ~30 MB (of ~310) in ``diglot bench``, at the same speed. Threads that
    already have an arena keep it. Returns whether the setting was applied
    (glibc only; elsewhere it is a no-op).
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_ARENA_MAX, 1))


class CTranslate2Backend:
    """Runs a converted model with ``ctranslate2.Translator``."""

    name = "ctranslate2"

    def __init__(
        self,
        folder: Path,
        tokenizer: Any,
        device: str,
        compute: str,
        *,
        forced_eos: bool = False,
        many_short_inputs: bool = False,
    ) -> None:
        import ctranslate2

        self.folder = folder
        # Models whose generation forces EOS as the last token at the length
        # limit (Marian, BART) keep one token fewer of text there, as in transformers.
        self.forced_eos = forced_eos
        self.tokenizer = tokenizer
        self.device = "cuda" if device == "cuda" else "cpu"
        self.compute_type = compute
        # Translation models get many short sentences: on the CPU two
        # sub-batches decoded side by side (a core each) beat one batch on two
        # threads, as small matrices scale poorly (~10% here). A summariser's
        # single long input needs every core on the one batch instead.
        cores = os.cpu_count() or 1
        self.parallel = 2 if self.device == "cpu" and cores >= 2 and many_short_inputs else 1
        if self.parallel > 1:
            share_malloc_arena()
        self.translator = ctranslate2.Translator(
            str(folder),
            device=self.device,
            compute_type=compute,
            inter_threads=self.parallel,
            intra_threads=max(1, cores // self.parallel),
        )

    @property
    def memory_bytes(self) -> int:
        return sum(f.stat().st_size for f in self.folder.iterdir() if f.is_file())

    def generate(
        self, batch: list[list[int]], options: GenerationOptions, *, cancel: threading.Event | None = None
    ) -> list[list[int]]:
        tokens = [self.tokenizer.convert_ids_to_tokens(ids) for ids in batch]
        prefix = None
        if options.forced_bos_token_id is not None:
            prefix = [[self.tokenizer.convert_ids_to_tokens(options.forced_bos_token_id)]] * len(batch)
        results = self.translator.translate_batch(
            tokens,
            target_prefix=prefix,
            beam_size=options.num_beams,
            max_decoding_length=options.max_new_tokens,
            min_decoding_length=options.min_new_tokens,
            no_repeat_ngram_size=options.no_repeat_ngram_size,
            length_penalty=options.length_penalty,
            return_scores=False,
            max_batch_size=-(-len(batch) // self.parallel) if self.parallel > 1 else 0,
        )
        specials = {self.tokenizer.pad_token_id, self.tokenizer.eos_token_id}
        output = []
        for result in results:
            hypothesis = result.hypotheses[0]
            if self.forced_eos and len(hypothesis) >= options.max_new_tokens:
                hypothesis = hypothesis[: options.max_new_tokens - 1]
            ids = self.tokenizer.convert_tokens_to_ids(hypothesis)
            output.append([i for i in ids if i not in specials])
        return output
