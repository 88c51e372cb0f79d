"""Finding, loading and running seq2seq models.

A model reference is a Hugging Face hub id (``Helsinki-NLP/opus-mt-en-ru``)
or a local folder written by ``save_pretrained``. Hub models are read only
from the local cache: a model that is not there fails at once, with the
command that downloads it (``diglot models pull ID``), instead of hanging on
the network. Nothing here runs code shipped with a model.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from diglot.backends import Backend, GenerationOptions, TransformersBackend
from diglot.config import BACKENDS
from diglot.document import sanitize
from diglot.errors import Cancelled, ConfigError, ModelUnavailable
from diglot.languages import language

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

    from diglot.config import Config

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
    default_forced_bos: int | None = None
    # M2M100 tokenizers take the source language as state: one encode at a time.
    _encode_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def identity(self) -> ModelIdentity:
        compute = getattr(self.backend, "compute_type", "float32")
        return ModelIdentity(self.ref, self.revision, self.backend.name, compute)

    @property
    def memory_bytes(self) -> int:
        """Roughly what the model holds in memory (its weights)."""
        return int(getattr(self.backend, "memory_bytes", 0))

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
        prefixed = [f"{token} {t}" if token else t for t in texts]
        with self._encode_lock:
            if self.is_multilingual and src:
                self.tokenizer.src_lang = src
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
    ) -> list[str]:
        """Generate one output per input text, in input order.

        Inputs are sorted by length and packed into batches by token count
        (padding included), so similar lengths share a batch; results are put
        back in their original order. ``cancel`` is checked between batches.
        """
        if not texts:
            return []
        if self.is_multilingual and tgt:
            options = options.replace(forced_bos_token_id=self.tokenizer.get_lang_id(tgt))
        elif options.forced_bos_token_id is None and self.default_forced_bos is not None:
            # BART starts every output with <s>: given to every backend explicitly.
            options = options.replace(forced_bos_token_id=self.default_forced_bos)
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


def _model_type(path: Path) -> str:
    try:
        return str(json.loads((path / "config.json").read_text(encoding="utf-8")).get("model_type", ""))
    except (OSError, ValueError):
        return ""


def planned_backend(path: Path, backend: str = "auto") -> str:
    """The backend ``load_model`` will use for the model in ``path``, decided without loading it.

    ``auto`` is CTranslate2 where it is installed and handles the
    architecture, else transformers.
    """
    if backend not in BACKENDS:
        raise ConfigError(f"unknown backend '{backend}' (use {', '.join(BACKENDS)})")
    if backend != "auto":
        return backend
    from diglot.ct2 import ARCHITECTURES

    if _model_type(path) in ARCHITECTURES and importlib.util.find_spec("ctranslate2") is not None:
        return "ctranslate2"
    return "transformers"


def _ct2_device(device: str) -> str:
    """CTranslate2 runs on CUDA or the CPU; it is asked without importing torch."""
    if device == "auto":
        import ctranslate2

        return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    if device == "cuda":
        import ctranslate2

        if ctranslate2.get_cuda_device_count() == 0:
            raise ConfigError("--device cuda: no CUDA device is available (use --device cpu)")
    return "cuda" if device == "cuda" else "cpu"


@dataclass(frozen=True)
class ModelIdentity:
    """What decides a model's outputs, for cache keys: known before the model is loaded."""

    ref: str
    revision: str
    backend: str
    compute: str


def model_identity(
    ref: str, *, device: str = "auto", backend: str = "auto", quantization: str | None = None
) -> ModelIdentity:
    """The identity ``load_model`` would give ``ref``; cheap (reads a folder, loads nothing)."""
    path = local_folder(ref)
    kind = planned_backend(path, backend)
    if kind == "ctranslate2":
        from diglot.ct2 import compute_type

        return ModelIdentity(ref, revision(path), kind, compute_type(_ct2_device(device), quantization))
    return ModelIdentity(ref, revision(path), kind, "float32")


def _failure(ref: str, exc: Exception) -> ModelUnavailable:
    return ModelUnavailable(ref, f"could not be loaded ({type(exc).__name__}: {exc})", fetch=not is_local_ref(ref))


def load_model(
    ref: str, *, device: str = "auto", backend: str = "auto", quantization: str | None = None
) -> Seq2SeqModel:
    """Load model ``ref`` (hub id or folder) for inference.

    ``backend``: ``auto`` (CTranslate2 where the architecture allows, else
    transformers), ``ctranslate2`` or ``transformers``. ``quantization``
    overrides CTranslate2's compute type (``float32`` for exact comparisons).
    Raises ``ModelUnavailable`` (naming the model and the command that
    fetches it) when it is not on this machine or cannot be loaded.
    """
    path = local_folder(ref)
    kind = planned_backend(path, backend)
    quiet_libraries()
    try:
        from transformers import AutoConfig, AutoTokenizer, GenerationConfig

        config = AutoConfig.from_pretrained(path, local_files_only=True, trust_remote_code=False)
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True, trust_remote_code=False)
    except Exception as exc:
        raise _failure(ref, exc) from None
    if not getattr(config, "is_encoder_decoder", False):
        raise ModelUnavailable(ref, f"is a {config.model_type} model, not a sequence-to-sequence one", fetch=False)
    try:
        generation = GenerationConfig.from_pretrained(path, local_files_only=True)
    except OSError:
        generation = config
    forced_bos = getattr(generation, "forced_bos_token_id", None)
    forced_eos = getattr(generation, "forced_eos_token_id", None) is not None
    max_positions = int(getattr(config, "max_position_embeddings", 0) or getattr(config, "n_positions", 0) or 512)
    tokenizer_limit = getattr(tokenizer, "model_max_length", None)
    if isinstance(tokenizer_limit, int) and 0 < tokenizer_limit < max_positions:
        max_positions = tokenizer_limit
    engine: Backend | None = None
    if kind == "ctranslate2":
        from diglot.ct2 import CTranslate2Backend, compute_type, convert

        try:
            ct2_device = _ct2_device(device)
            compute = compute_type(ct2_device, quantization)
            stored = "float32" if compute == "float32" else ("float16" if ct2_device == "cuda" else "int8")
            folder = convert(path, ref, revision(path), stored)
            engine = CTranslate2Backend(
                folder,
                tokenizer,
                ct2_device,
                compute,
                forced_eos=forced_eos,
                many_short_inputs=config.model_type in ("marian", "m2m_100"),
            )
        except ConfigError:
            raise
        except Exception as exc:
            if backend == "ctranslate2":
                raise ModelUnavailable(
                    ref, f"cannot run with CTranslate2 ({type(exc).__name__}: {exc})", fetch=False
                ) from None
            logging.getLogger("diglot").info("%s: CTranslate2 cannot run it (%s); using transformers", ref, exc)
    if engine is None:
        resolved = resolve_device(device)
        try:
            from transformers import AutoModelForSeq2SeqLM

            model = AutoModelForSeq2SeqLM.from_pretrained(
                path, local_files_only=True, trust_remote_code=False, use_safetensors=_has_safetensors(path)
            )
        except Exception as exc:
            raise _failure(ref, exc) from None
        model.eval().to(resolved)
        engine = TransformersBackend(model, resolved)
    return Seq2SeqModel(
        ref=ref,
        path=path,
        revision=revision(path),
        tokenizer=tokenizer,
        backend=engine,
        model_type=config.model_type,
        max_positions=max_positions,
        default_forced_bos=forced_bos,
    )


def _has_safetensors(path: Path) -> bool | None:
    """Prefer safetensors; allow torch weights (loaded weights-only) only where no safetensors exist."""
    return True if any(path.glob("*.safetensors")) else None


class ModelPool:
    """Loaded models kept for reuse, shared by the summariser and the translators.

    Loading is serialised by a lock so two workers asking for the same model
    load it once. When the models held take more than ``memory_mb``, the
    least recently used ones are unloaded (the one just asked for stays).
    """

    def __init__(
        self,
        *,
        device: str = "auto",
        backend: str = "auto",
        memory_mb: int = 4096,
        quantization: str | None = None,
        loader: Callable[..., Seq2SeqModel] = load_model,
    ) -> None:
        self.device = device
        self.backend = backend
        self.memory_mb = memory_mb
        self.quantization = quantization
        self._loader = loader
        self._models: dict[str, Seq2SeqModel] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, config: Config) -> ModelPool:
        """A pool that loads on the configured device and backend, within the configured memory."""
        return cls(device=config.device, backend=config.backend, memory_mb=config.model_memory_mb)

    def get(self, ref: str) -> Seq2SeqModel:
        """The loaded model for ``ref``, loading it on first use."""
        with self._lock:
            model = self._models.pop(ref, None)
            if model is None:
                kwargs: dict[str, Any] = {"device": self.device, "backend": self.backend}
                if self.quantization:
                    kwargs["quantization"] = self.quantization
                model = self._loader(ref, **kwargs)
            self._models[ref] = model  # most recently used last
            while len(self._models) > 1 and self.memory_bytes() > self.memory_mb * 1_000_000:
                self._models.pop(next(iter(self._models)))
            return model

    def memory_bytes(self) -> int:
        return sum(getattr(m, "memory_bytes", 0) for m in self._models.values())

    def identity(self, ref: str) -> ModelIdentity:
        """The identity of ``ref`` (loaded or not) for cache keys."""
        with self._lock:
            loaded = self._models.get(ref)
        if loaded is not None:
            return loaded.identity
        return model_identity(ref, device=self.device, backend=self.backend, quantization=self.quantization)

    def loaded(self) -> list[str]:
        """References of the models held now, least recently used first."""
        with self._lock:
            return list(self._models)
