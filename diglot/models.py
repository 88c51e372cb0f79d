"""Finding, loading and running seq2seq models.

A model reference is a Hugging Face hub id (``Helsinki-NLP/opus-mt-en-ru``)
or a local folder written by ``save_pretrained``. Hub models are read only
from the local cache: a model that is not there fails at once, with the
command that downloads it (``diglot models pull ID``), instead of hanging on
the network. Nothing here runs code shipped with a model.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from diglot.backends import Backend, GenerationOptions, TransformersBackend
from diglot.document import sanitize
from diglot.errors import Cancelled, ConfigError, ModelUnavailable
from diglot.languages import language

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

_PATH_LIKE = re.compile(r"^(?:[./~]|[A-Za-z]:[\\/])")


def is_local_ref(ref: str) -> bool:
    """True for a reference that names a folder rather than a hub id."""
    return bool(_PATH_LIKE.match(ref)) or Path(ref).expanduser().is_dir()


def quiet_libraries() -> None:
    """Silence the progress bars and warnings transformers and the hub print to stderr."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    from huggingface_hub.utils import disable_progress_bars
    from transformers.utils import logging as hf_logging

    disable_progress_bars()
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    logging.getLogger("transformers").setLevel(logging.ERROR)


def local_folder(ref: str) -> Path:
    """The folder holding model ``ref``: the folder itself, or its hub cache snapshot.

    Raises ``ModelUnavailable`` when it is not on this machine. Never touches
    the network.
    """
    if is_local_ref(ref):
        path = Path(ref).expanduser()
        if not path.is_dir():
            raise ModelUnavailable(ref, "is not a folder on this machine", fetch=False)
        if not (path / "config.json").is_file():
            raise ModelUnavailable(ref, "is not a model folder (no config.json)", fetch=False)
        return path
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        return Path(snapshot_download(ref, local_files_only=True))
    except LocalEntryNotFoundError:
        raise ModelUnavailable(ref, "is not downloaded") from None
    except Exception as exc:  # an invalid repo id, a broken cache entry
        raise ModelUnavailable(ref, f"cannot be found ({type(exc).__name__}: {exc})") from None


def is_available(ref: str) -> bool:
    """True when ``ref`` can be loaded without the network."""
    try:
        local_folder(ref)
    except ModelUnavailable:
        return False
    return True


def revision(path: Path) -> str:
    """A stable identity for a model folder's contents: hub snapshot hash or file digest."""
    if path.parent.name == "snapshots":
        return path.name
    digest = hashlib.sha256()
    for file in sorted(path.iterdir()):
        if file.is_file():
            stat = file.stat()
            digest.update(f"{file.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return "local-" + digest.hexdigest()[:16]


def resolve_device(device: str) -> str:
    """``auto`` -> ``cuda`` or ``mps`` where present, else ``cpu``; checks an explicit choice."""
    import torch

    if device == "auto":
        if torch.cuda.is_available():
            return "cuda"
        if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
            return "mps"
        return "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise ConfigError("--device cuda: no CUDA device is available (use --device cpu)")
    if device == "mps" and not torch.backends.mps.is_available():
        raise ConfigError("--device mps: no MPS device is available (use --device cpu)")
    if device not in ("cpu", "cuda", "mps"):
        raise ConfigError(f"unknown device '{device}' (use auto, cpu or cuda)")
    return device


def _target_token(tokenizer: PreTrainedTokenizerBase, tgt: str | None) -> str | None:
    """The ``>>xxx<<`` token a multi-target Marian model needs for ``tgt``, if it has them."""
    if tgt is None:
        return None
    vocab = tokenizer.get_vocab()
    lang = language(tgt)
    candidates = [f">>{c}<<" for c in (lang.iso3, tgt)]
    if tgt == "zh":
        candidates = [">>cmn_Hans<<", ">>zho_Hans<<", ">>cmn<<", ">>zho<<", ">>zh<<"]
    return next((c for c in candidates if c in vocab), None)


@dataclass
class Seq2SeqModel:
    """A loaded model: tokenizer, backend, and the facts the engines need.

    ``generate`` takes and returns text; batching by token count, special
    tokens (target-language tokens, forced BOS) and decoding live here so
    that every backend gets the same token ids.
    """

    ref: str
    path: Path
    revision: str
    tokenizer: Any
    backend: Backend
    model_type: str
    max_positions: int

    @property
    def backend_name(self) -> str:
        return self.backend.name

    @property
    def is_multilingual(self) -> bool:
        return self.model_type == "m2m_100"

    def count_tokens(self, text: str) -> int:
        """Length of ``text`` in this model's tokens, without special tokens."""
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    @property
    def input_budget(self) -> int:
        """Tokens of text one input may hold, leaving room for special tokens."""
        specials = len(self.tokenizer("", add_special_tokens=True)["input_ids"])
        return max(8, self.max_positions - specials - 2)  # 2: a target-language token, slack

    def target_token(self, tgt: str | None) -> str | None:
        return None if self.is_multilingual else _target_token(self.tokenizer, tgt)

    def supports_target(self, tgt: str) -> bool:
        """False for a multi-target model whose vocabulary lacks a token for ``tgt``."""
        if self.is_multilingual:
            return tgt in getattr(self.tokenizer, "lang_code_to_token", {tgt: None})
        has_tokens = any(t.startswith(">>") and t.endswith("<<") for t in self.tokenizer.get_vocab())
        return not has_tokens or self.target_token(tgt) is not None

    def encode(self, texts: Sequence[str], *, src: str | None = None, tgt: str | None = None) -> list[list[int]]:
        """Token ids for ``texts``, with the target token or source language set."""
        token = self.target_token(tgt)
        if self.is_multilingual and src:
            self.tokenizer.src_lang = src
        prefixed = [f"{token} {t}" if token else t for t in texts]
        encoded = self.tokenizer(list(prefixed), truncation=True, max_length=self.max_positions)
        return [list(ids) for ids in encoded["input_ids"]]

    def decode(self, ids: Sequence[int], *, drop_first: int | None = None) -> str:
        """Text from generated ids, without special tokens or a forced language token."""
        ids = list(ids)
        if drop_first is not None and ids[:1] == [drop_first]:
            ids = ids[1:]
        text = self.tokenizer.decode(ids, skip_special_tokens=True, clean_up_tokenization_spaces=True)
        # Model output reaches the terminal too: no control sequences in it.
        return sanitize(text).strip()

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
        on_batch: Callable[[int], None] | None = None,
    ) -> list[str]:
        """Generate one output per input text, in input order.

        Inputs are sorted by length and packed into batches by token count
        (padding included), so similar lengths share a batch; results are put
        back in their original order. ``on_batch(n)`` is told after each
        batch how many inputs it finished.
        """
        if not texts:
            return []
        if self.is_multilingual and tgt:
            options = options.replace(forced_bos_token_id=self.tokenizer.get_lang_id(tgt))
        limit = max(1, self.max_positions - 2)
        options = options.replace(
            max_new_tokens=min(options.max_new_tokens, limit),
            min_new_tokens=min(options.min_new_tokens, limit),
        )
        encoded = self.encode(texts, src=src, tgt=tgt)
        outputs: list[str | None] = [None] * len(texts)
        for batch in batches_by_tokens([len(ids) for ids in encoded], batch_tokens, max_batch):
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            generated = self.backend.generate([encoded[i] for i in batch], options, cancel=cancel)
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            for i, ids in zip(batch, generated, strict=True):
                outputs[i] = self.decode(ids, drop_first=options.forced_bos_token_id)
            if on_batch is not None:
                on_batch(len(batch))
        return [o or "" for o in outputs]


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


def load_model(ref: str, *, device: str = "auto", backend: str = "transformers") -> Seq2SeqModel:
    """Load model ``ref`` (hub id or folder) for inference.

    Raises ``ModelUnavailable`` (naming the model and the command that
    fetches it) when it is not on this machine or cannot be loaded.
    """
    path = local_folder(ref)
    quiet_libraries()
    try:
        from transformers import AutoConfig, AutoModelForSeq2SeqLM, AutoTokenizer

        config = AutoConfig.from_pretrained(path, local_files_only=True, trust_remote_code=False)
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True, trust_remote_code=False)
    except Exception as exc:
        raise ModelUnavailable(
            ref, f"could not be loaded ({type(exc).__name__}: {exc})", fetch=not is_local_ref(ref)
        ) from None
    if not getattr(config, "is_encoder_decoder", False):
        raise ModelUnavailable(ref, f"is a {config.model_type} model, not a sequence-to-sequence one", fetch=False)
    resolved = resolve_device(device)
    try:
        model = AutoModelForSeq2SeqLM.from_pretrained(
            path, local_files_only=True, trust_remote_code=False, use_safetensors=_has_safetensors(path)
        )
    except Exception as exc:
        raise ModelUnavailable(
            ref, f"could not be loaded ({type(exc).__name__}: {exc})", fetch=not is_local_ref(ref)
        ) from None
    model.eval().to(resolved)
    max_positions = int(getattr(config, "max_position_embeddings", 0) or getattr(config, "n_positions", 0) or 512)
    tokenizer_limit = getattr(tokenizer, "model_max_length", None)
    if isinstance(tokenizer_limit, int) and 0 < tokenizer_limit < max_positions:
        max_positions = tokenizer_limit
    return Seq2SeqModel(
        ref=ref,
        path=path,
        revision=revision(path),
        tokenizer=tokenizer,
        backend=TransformersBackend(model, resolved),
        model_type=config.model_type,
        max_positions=max_positions,
    )


def _has_safetensors(path: Path) -> bool | None:
    """Prefer safetensors; allow torch weights (loaded weights-only) only where no safetensors exist."""
    return True if any(path.glob("*.safetensors")) else None


class ModelPool:
    """Loaded models kept for reuse, shared by the summariser and the translators.

    Loading is serialised by a lock so two workers asking for the same model
    load it once. Models not used recently are unloaded once more than
    ``capacity`` are held.
    """

    def __init__(
        self,
        *,
        device: str = "auto",
        backend: str = "transformers",
        capacity: int = 4,
        loader: Callable[..., Seq2SeqModel] = load_model,
    ) -> None:
        self.device = device
        self.backend = backend
        self.capacity = capacity
        self._loader = loader
        self._models: dict[str, Seq2SeqModel] = {}
        self._lock = threading.Lock()

    def get(self, ref: str) -> Seq2SeqModel:
        """The loaded model for ``ref``, loading it on first use."""
        with self._lock:
            model = self._models.pop(ref, None)
            if model is None:
                model = self._loader(ref, device=self.device, backend=self.backend)
            self._models[ref] = model  # most recently used last
            while len(self._models) > self.capacity:
                self._models.pop(next(iter(self._models)))
            return model

    def loaded(self) -> list[str]:
        """References of the models held now, least recently used first."""
        with self._lock:
            return list(self._models)
