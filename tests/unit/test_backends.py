"""CTranslate2 and transformers: same token ids in, same outputs out."""

import os
import platform
import subprocess
import sys

import pytest

from diglot.backends import GenerationOptions
from diglot.ct2 import converted_folder
from diglot.models import load_model, model_identity

SENTENCES = [
    "Putin met Li in Moscow on Sunday.",
    "Short one.",
    "China is ready to work with Russia on security.",
    "Лавров встретился с коллегой; «переговоры» шли долго.",
    "中国愿同俄方合作。",
]


@pytest.mark.parametrize(
    ("role", "tgt"), [("en-ru", "ru"), ("en-zh", "zh"), ("multilingual", "zh"), ("summarize", None), ("t5", None)]
)
def test_greedy_outputs_match_in_float32(tiny_models, role, tgt):
    reference = load_model(str(tiny_models[role]), device="cpu", backend="transformers")
    fast = load_model(str(tiny_models[role]), device="cpu", backend="ctranslate2", quantization="float32")
    assert (reference.backend_name, fast.backend_name) == ("transformers", "ctranslate2")
    # The reference runs transformers' tokenizer; the converted model diglot's own (no torch).
    assert type(reference.tokenizer).__name__ == "HuggingFaceTokenizer"
    assert type(fast.tokenizer).__name__ != "HuggingFaceTokenizer"
    options = GenerationOptions(num_beams=1, max_new_tokens=12)
    expected = reference.generate(SENTENCES, options, tgt=tgt)
    assert all(expected)
    assert fast.generate(SENTENCES, options, tgt=tgt) == expected


def test_int8_is_the_default_on_cpu_and_conversion_is_reused(tiny_models, monkeypatch):
    ref = str(tiny_models["en-ru"])
    model = load_model(ref, device="cpu")
    assert model.backend_name == "ctranslate2" and model.backend.compute_type == "int8"
    identity = model_identity(ref, device="cpu")
    assert identity == model.identity
    folder = converted_folder(ref, model.revision, "int8")
    assert (folder / "model.bin").is_file()

    import ctranslate2.converters

    def no_second_conversion(*args, **kwargs):
        raise AssertionError("converted twice")

    monkeypatch.setattr(ctranslate2.converters, "TransformersConverter", no_second_conversion)
    again = load_model(ref, device="cpu")
    assert again.generate(["Hello."], GenerationOptions(num_beams=1, max_new_tokens=4))[0]


def test_int8_memory_is_smaller(tiny_models):
    ref = str(tiny_models["en-ru"])
    fp32 = load_model(ref, device="cpu", backend="transformers").memory_bytes
    int8 = load_model(ref, device="cpu", backend="ctranslate2").memory_bytes
    assert 0 < int8 < fp32


def test_unknown_backend_is_a_clear_error(tiny_models):
    from diglot.errors import ConfigError

    with pytest.raises(ConfigError, match="unknown backend"):
        load_model(str(tiny_models["en-ru"]), backend="onnx")


ARENAS_SCRIPT = """
import ctypes, sys, threading
from diglot.ct2 import share_malloc_arena
if sys.argv[1] == "shared":
    assert share_malloc_arena()
keep = []
def work():
    keep.append(bytearray(100_000))  # below the mmap threshold: served by an arena
thread = threading.Thread(target=work)
thread.start()
thread.join()
ctypes.CDLL(None).malloc_stats()
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc malloc arenas")
def test_new_threads_share_the_malloc_arena():
    # glibc's own defaults, whatever this shell sets
    env = {k: v for k, v in os.environ.items() if k not in ("MALLOC_ARENA_MAX", "GLIBC_TUNABLES")}

    def arenas(mode: str) -> int:
        command = [sys.executable, "-c", ARENAS_SCRIPT, mode]
        run = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
        return sum(line.startswith("Arena ") for line in run.stderr.splitlines())

    assert arenas("own") == 2  # glibc's default: the thread made an arena of its own
    assert arenas("shared") == 1


@pytest.mark.parametrize(("threads", "parallel", "intra"), [(1, 1, 1), (2, 2, 1), (4, 2, 2)])
def test_threads_cap_what_ctranslate2_decodes_with_and_change_no_output(tiny_models, threads, parallel, intra):
    from diglot.models import ModelPool

    ref = str(tiny_models["en-ru"])
    capped = ModelPool(device="cpu", threads=threads).get(ref)
    # A translation model decodes two sub-batches side by side where it has two threads or more.
    assert (capped.backend.parallel, capped.backend.intra_threads) == (parallel, intra)
    assert capped.backend.translator.num_translators == parallel
    options = GenerationOptions(num_beams=2, max_new_tokens=8)
    assert capped.generate(SENTENCES, options, tgt="ru") == load_model(ref, device="cpu").generate(
        SENTENCES, options, tgt="ru"
    )


def test_without_a_cap_ctranslate2_uses_every_core(tiny_models):
    backend = load_model(str(tiny_models["en-ru"]), device="cpu").backend
    cores = os.cpu_count() or 1
    assert backend.parallel * backend.intra_threads == (cores if cores > 1 else 1)
