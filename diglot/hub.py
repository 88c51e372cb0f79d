"""The local model store: download (``pull``), list and remove hub models."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from diglot.errors import DiglotError
from diglot.models import is_local_ref

# What a seq2seq checkpoint needs: configs, tokenizer files, and weights as
# safetensors (PyTorch pickles only where a repo has nothing else).
_FILES = ["*.json", "*.txt", "*.model", "*.spm", "*.safetensors", "*.tiktoken"]


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on")


def pull(model_id: str) -> Path:
    """Download ``model_id`` into the Hugging Face cache (with a progress bar); return its folder."""
    if is_local_ref(model_id):
        raise DiglotError(f"{model_id}: a local folder needs no download")
    if _offline():
        raise DiglotError(f"cannot download {model_id}: HF_HUB_OFFLINE is set (unset it to download)")
    from huggingface_hub import list_repo_files, snapshot_download
    from huggingface_hub.errors import GatedRepoError, HfHubHTTPError, RepositoryNotFoundError

    try:
        files = list_repo_files(model_id)
        patterns = list(_FILES)
        if not any(f.endswith(".safetensors") for f in files):
            patterns.append("pytorch_model.bin")  # loaded weights-only, never as arbitrary pickle
        return Path(snapshot_download(model_id, allow_patterns=patterns))
    except RepositoryNotFoundError:
        raise DiglotError(f"no model named {model_id} on the Hugging Face hub") from None
    except GatedRepoError:
        raise DiglotError(f"{model_id} is gated: accept its licence on the hub and log in (hf auth login)") from None
    except HfHubHTTPError as exc:
        raise DiglotError(f"cannot download {model_id}: {exc}".splitlines()[0]) from None
    except Exception as exc:  # no network (httpx errors), DNS failure, disk full
        raise DiglotError(f"cannot download {model_id}: {type(exc).__name__}: {exc}".splitlines()[0]) from None


@dataclass(frozen=True)
class CachedModel:
    """A model in the local cache."""

    model_id: str
    size_bytes: int
    path: Path


def cached_models() -> list[CachedModel]:
    """Models in the Hugging Face cache, by id."""
    from huggingface_hub import constants, scan_cache_dir
    from huggingface_hub.errors import CacheNotFound

    try:
        # The same folder the loader reads (constants, not scan_cache_dir's import-time default).
        info = scan_cache_dir(constants.HF_HUB_CACHE)
    except CacheNotFound:
        return []
    return sorted(
        (
            CachedModel(repo.repo_id, repo.size_on_disk, Path(repo.repo_path))
            for repo in info.repos
            if repo.repo_type == "model"
        ),
        key=lambda m: m.model_id,
    )


def remove(model_id: str) -> int:
    """Delete ``model_id`` from the cache; returns the bytes freed."""
    for model in cached_models():
        if model.model_id == model_id:
            shutil.rmtree(model.path)
            return model.size_bytes
    raise DiglotError(f"{model_id} is not in the model cache (see: diglot models list)")
