"""Which device a model runs on: one rule for both engines.

``auto`` means CUDA where there is a CUDA device (and Apple's MPS for
transformers), else the CPU. CTranslate2 is asked through ``ctranslate2``
itself, so that the fast path never imports torch.
"""

from __future__ import annotations

from diglot.errors import ConfigError
from diglot.modes import DEVICES, Device, Engine, ResolvedDevice


def _cuda_count(engine: Engine) -> int:
    if engine == "ctranslate2":
        import ctranslate2

        return int(ctranslate2.get_cuda_device_count())
    import torch

    return int(torch.cuda.device_count()) if torch.cuda.is_available() else 0


def _has_mps() -> bool:
    import torch

    mps = getattr(torch.backends, "mps", None)
    return bool(mps and mps.is_available())


def resolve_device(device: Device, engine: Engine = "transformers") -> ResolvedDevice:
    """``auto`` -> the best device ``engine`` can use here; an explicit choice is checked.

    ``engine`` is ``transformers`` (CPU, CUDA, MPS) or ``ctranslate2`` (CPU,
    CUDA; MPS runs on its CPU path).
    """
    if device not in DEVICES:
        raise ConfigError(f"unknown device '{device}' (use auto, cpu or cuda)")
    if device == "cpu":
        return "cpu"
    if device in ("auto", "cuda") and _cuda_count(engine) > 0:
        return "cuda"
    if device == "cuda":
        raise ConfigError("--device cuda: no CUDA device is available (use --device cpu)")
    if engine == "ctranslate2":
        return "cpu"
    if _has_mps():
        return "mps"
    if device == "mps":
        raise ConfigError("--device mps: no MPS device is available (use --device cpu)")
    return "cpu"
