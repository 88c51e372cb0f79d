"""Loading models for inference, and the pool that keeps them loaded.

The concerns live in their own modules: where a model's files are
(``diglot.model_files``), which device (``diglot.devices``), the backends
(``diglot.backends``, ``diglot.ct2``), tokenizers (``diglot.tokenization``)
and generation (``diglot.generation``). This module puts them together:
``load_model`` picks the backend, converts for CTranslate2 once, and on that
path loads neither torch nor transformers. Nothing here runs code shipped
with a model.
"""

from __future__ import annotations

import importlib.util
import logging
import pickle
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from diglot.backends import TRANSFORMERS_LOCK, Backend, TransformersBackend, quiet_libraries
from diglot.devices import resolve_device
from diglot.errors import ConfigError, ModelUnavailable
from diglot.generation import ModelFacts, ModelIdentity, Seq2SeqModel, batches_by_tokens
from diglot.model_files import check_complete, is_available, is_local_ref, local_folder, model_type, revision
from diglot.modes import BACKENDS, BackendChoice, Device, Engine
from diglot.tokenization import HuggingFaceTokenizer, Tokenizer, TokenizerUnavailable, load_tokenizer

if TYPE_CHECKING:
    from diglot.config import Config

__all__ = [
    "ModelIdentity",
    "ModelPool",
    "Seq2SeqModel",
    "batches_by_tokens",
    "is_available",
    "is_local_ref",
    "load_model",
    "local_folder",
    "model_identity",
    "planned_backend",
    "quiet_libraries",
    "resolve_device",
    "revision",
]

_log = logging.getLogger("diglot")
UNSAFE_PICKLE = "has unsafe pickle weights: refused; use safetensors"


def planned_backend(path: Path, backend: BackendChoice = "auto") -> Engine:
    """The backend ``load_model`` will try first for the model in ``path``, decided without loading it.

    ``auto`` is CTranslate2 where it is installed and handles the
    architecture, else transformers.
    """
    if backend not in BACKENDS:
        raise ConfigError(f"unknown backend '{backend}' (use {', '.join(BACKENDS)})")
    if backend != "auto":
        return backend
    from diglot.ct2 import ARCHITECTURES

    if model_type(path) in ARCHITECTURES and importlib.util.find_spec("ctranslate2") is not None:
        return "ctranslate2"
    return "transformers"


def model_identity(
    ref: str, *, device: Device = "auto", backend: BackendChoice = "auto", quantization: str | None = None
) -> ModelIdentity:
    """The identity ``load_model`` would give ``ref``; cheap (reads a folder, loads nothing).

    A model that then cannot run on CTranslate2 and falls back to
    transformers says so in its own ``identity``, which callers must key
    results by.
    """
    path = local_folder(ref)
    kind = planned_backend(path, backend)
    if kind == "ctranslate2":
        from diglot.ct2 import compute_type, conversion_digest, converted_folder, stored_type

        resolved = resolve_device(device, kind)
        compute = compute_type(resolved, quantization)
        # The conversion that would run it (only its manifest is read); "" before the first one.
        folder = converted_folder(ref, revision(path), stored_type(resolved, compute))
        return ModelIdentity(ref, revision(path), kind, compute, conversion_digest(folder) or "")
    return ModelIdentity(ref, revision(path), kind, "float32")


def _one_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [""])[0]


def _failure(ref: str, exc: Exception) -> ModelUnavailable:
    if isinstance(exc, pickle.UnpicklingError) or "Weights only load failed" in str(exc):
        return ModelUnavailable(ref, UNSAFE_PICKLE, fetch=False)
    reason = f"could not be loaded ({type(exc).__name__}: {_one_line(exc)})"
    return ModelUnavailable(ref, reason, fetch=not is_local_ref(ref))


def _hf_tokenizer(ref: str, path: Path) -> Any:
    quiet_libraries()
    try:
        from transformers import AutoTokenizer

        return AutoTokenizer.from_pretrained(path, local_files_only=True, trust_remote_code=False)
    except Exception as exc:
        raise _failure(ref, exc) from None


def read_facts(ref: str, path: Path, tokenizer: Any | None = None) -> ModelFacts:
    """A model's facts from its configuration, read by transformers (as the reference backend sees them)."""
    quiet_libraries()
    try:
        from transformers import AutoConfig, GenerationConfig

        config = AutoConfig.from_pretrained(path, local_files_only=True, trust_remote_code=False)
    except Exception as exc:
        raise _failure(ref, exc) from None
    if not getattr(config, "is_encoder_decoder", False):
        raise ModelUnavailable(ref, f"is a {config.model_type} model, not a sequence-to-sequence one", fetch=False)
    try:
        generation = GenerationConfig.from_pretrained(path, local_files_only=True)
    except OSError:
        generation = config
    max_positions = int(getattr(config, "max_position_embeddings", 0) or getattr(config, "n_positions", 0) or 512)
    tokenizer = tokenizer if tokenizer is not None else _hf_tokenizer(ref, path)
    tokenizer_limit = getattr(tokenizer, "model_max_length", None)
    if isinstance(tokenizer_limit, int) and 0 < tokenizer_limit < max_positions:
        max_positions = tokenizer_limit
    return ModelFacts(
        model_type=str(config.model_type),
        max_positions=max_positions,
        forced_bos_token_id=getattr(generation, "forced_bos_token_id", None),
        forced_eos=getattr(generation, "forced_eos_token_id", None) is not None,
    )


def _load_ctranslate2(
    ref: str, path: Path, device: Device, quantization: str | None, threads: int | None = None
) -> tuple[Backend, Tokenizer, ModelFacts]:
    """The converted model (converting it first where needed), with a torch-free tokenizer where one fits."""
    from diglot.ct2 import (
        CTranslate2Backend,
        compute_type,
        convert,
        decoding_threads,
        facts,
        open_translator,
        stored_type,
        sweep_once,
    )

    sweep_once()
    ct2_device = resolve_device(device, "ctranslate2")
    compute = compute_type(ct2_device, quantization)

    def read(source: Path) -> ModelFacts:
        return read_facts(ref, source)

    folder = convert(path, ref, revision(path), stored_type(ct2_device, compute), read)
    for attempt in (1, 2):
        try:
            known = facts(folder)
            many_short_inputs = known.model_type in ("marian", "m2m_100")
            parallel, intra = decoding_threads(ct2_device, many_short_inputs=many_short_inputs, threads=threads)
            with ThreadPoolExecutor(max_workers=1) as opener:
                # CTranslate2 reads the weights without the GIL (~0.1 s for opus-mt); the tokenizer
                # and the vocabularies, Python work (~0.05 s), are read meanwhile.
                opening = opener.submit(open_translator, folder, ct2_device, compute, parallel, intra)
                try:
                    tokenizer: Tokenizer = load_tokenizer(folder, known.model_type)
                except TokenizerUnavailable:
                    tokenizer = HuggingFaceTokenizer(_hf_tokenizer(ref, folder))
                engine = CTranslate2Backend(
                    folder,
                    ct2_device,
                    compute,
                    pad_id=tokenizer.pad_id,
                    eos_id=tokenizer.eos_id,
                    forced_eos=known.forced_eos,
                    many_short_inputs=many_short_inputs,
                    threads=threads,
                    opening=opening,
                )
            return engine, tokenizer, known
        except (ModelUnavailable, ConfigError):
            raise
        except Exception as exc:  # whatever a damaged model.bin makes CTranslate2 raise
            if attempt == 2:
                raise
            # The files are all there but do not load: rebuild the conversion once.
            _log.warning("%s: the converted model does not load (%s); converting it again", ref, _one_line(exc))
            folder = convert(path, ref, revision(path), stored_type(ct2_device, compute), read, rebuild=True)
    raise AssertionError("unreachable")


def _load_transformers(ref: str, path: Path, device: Device) -> tuple[Backend, Tokenizer, ModelFacts]:
    tokenizer = _hf_tokenizer(ref, path)
    known = read_facts(ref, path, tokenizer)
    resolved = resolve_device(device, "transformers")
    try:
        from transformers import AutoModelForSeq2SeqLM

        with TRANSFORMERS_LOCK:
            model = AutoModelForSeq2SeqLM.from_pretrained(
                path, local_files_only=True, trust_remote_code=False, use_safetensors=_has_safetensors(path)
            )
    except Exception as exc:
        raise _failure(ref, exc) from None
    model.eval().to(resolved)
    return TransformersBackend(model, resolved), HuggingFaceTokenizer(tokenizer), known


def load_model(
    ref: str,
    *,
    device: Device = "auto",
    backend: BackendChoice = "auto",
    quantization: str | None = None,
    threads: int | None = None,
) -> Seq2SeqModel:
    """Load model ``ref`` (hub id or folder) for inference.

    ``backend``: ``auto`` (CTranslate2 where the architecture allows, else
    transformers), ``ctranslate2`` or ``transformers``. ``quantization``
    overrides CTranslate2's compute type (``float32`` for exact comparisons);
    ``threads`` caps the CPU threads CTranslate2 decodes with (default: every core).
    Raises ``ModelUnavailable`` (naming the model and the command that
    fetches it, or the files a folder lacks) when it cannot be loaded.
    """
    path = local_folder(ref)
    kind = planned_backend(path, backend)
    check_complete(ref, path)
    parts: tuple[Backend, Tokenizer, ModelFacts] | None = None
    if kind == "ctranslate2":
        try:
            parts = _load_ctranslate2(ref, path, device, quantization, threads)
        except ConfigError:
            raise
        except ModelUnavailable as exc:
            if backend == "ctranslate2" or exc.reason == UNSAFE_PICKLE or "not a sequence" in exc.reason:
                raise
            _log.warning("%s: CTranslate2 cannot run it (%s); using transformers", ref, exc.reason)
        except Exception as exc:
            if (failure := _failure(ref, exc)).reason == UNSAFE_PICKLE:
                raise failure from None
            if backend == "ctranslate2":
                reason = f"cannot run with CTranslate2 ({type(exc).__name__}: {_one_line(exc)})"
                raise ModelUnavailable(ref, reason, fetch=False) from None
            _log.warning("%s: CTranslate2 cannot run it (%s); using transformers", ref, _one_line(exc))
    if parts is None:
        parts = _load_transformers(ref, path, device)
    engine, tokenizer, known = parts
    return Seq2SeqModel(ref=ref, path=path, revision=revision(path), tokenizer=tokenizer, backend=engine, facts=known)


def _has_safetensors(path: Path) -> bool | None:
    """Prefer safetensors; allow torch weights (loaded weights-only) only where no safetensors exist."""
    return True if any(path.glob("*.safetensors")) else None


class ModelPool:
    """Loaded models kept for reuse, shared by the summariser and the translators.

    Two workers asking for the same model load it once (a lock per model);
    different models load side by side, so the summary's model never holds
    up the translation's. When the models held take more than ``memory_mb``,
    the least recently used ones are unloaded (the one just asked for stays).
    """

    def __init__(
        self,
        *,
        device: Device = "auto",
        backend: BackendChoice = "auto",
        memory_mb: int = 4096,
        quantization: str | None = None,
        threads: int | None = None,
        loader: Callable[..., Seq2SeqModel] = load_model,
    ) -> None:
        self.device = device
        self.backend = backend
        self.memory_mb = memory_mb
        self.quantization = quantization
        self.threads = threads
        self._loader = loader
        self._models: dict[str, Seq2SeqModel] = {}
        self._lock = threading.Lock()
        self._loading: dict[str, threading.Lock] = {}

    @classmethod
    def from_config(cls, config: Config) -> ModelPool:
        """A pool that loads on the configured device and backend, within the configured memory and threads."""
        return cls(
            device=config.device, backend=config.backend, memory_mb=config.model_memory_mb, threads=config.cpu_threads
        )

    def get(self, ref: str) -> Seq2SeqModel:
        """The loaded model for ``ref``, loading it on first use."""
        with self._lock:
            loading = self._loading.setdefault(ref, threading.Lock())
        with loading:
            with self._lock:
                model = self._models.get(ref)
            if model is None:
                kwargs: dict[str, Any] = {"device": self.device, "backend": self.backend}
                if self.quantization:
                    kwargs["quantization"] = self.quantization
                if self.threads:
                    kwargs["threads"] = self.threads
                model = self._loader(ref, **kwargs)
            with self._lock:
                self._models.pop(ref, None)
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
