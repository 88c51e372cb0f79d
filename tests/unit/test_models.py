import time
from pathlib import Path

import pytest

from diglot.backends import GenerationOptions
from diglot.errors import ModelUnavailable
from diglot.models import ModelPool, batches_by_tokens, is_available, load_model, local_folder


def test_hub_model_not_in_cache_fails_fast_with_the_fetch_command():
    start = time.monotonic()
    with pytest.raises(ModelUnavailable) as info:
        load_model("Helsinki-NLP/opus-mt-en-ru")
    assert time.monotonic() - start < 60  # a bound on a hang (no network wait), not a measure
    assert info.value.model_id == "Helsinki-NLP/opus-mt-en-ru"
    assert info.value.fetch_command == "diglot models pull Helsinki-NLP/opus-mt-en-ru"
    assert "diglot models pull Helsinki-NLP/opus-mt-en-ru" in str(info.value)


def test_missing_local_folder_names_it_without_a_fetch_command(tmp_path: Path):
    with pytest.raises(ModelUnavailable) as info:
        local_folder(str(tmp_path / "nope"))
    assert info.value.fetch_command is None and "not a folder" in str(info.value)


def test_folder_without_a_model(tmp_path: Path):
    with pytest.raises(ModelUnavailable, match=r"no config\.json"):
        load_model(str(tmp_path))
    assert not is_available(str(tmp_path))


def test_a_folder_missing_files_names_them(tmp_path: Path):
    (tmp_path / "config.json").write_text('{"model_type": "marian"}', encoding="utf-8")
    with pytest.raises(ModelUnavailable) as info:
        load_model(str(tmp_path))
    assert str(info.value) == f"model {tmp_path} is missing source.spm, target.spm, vocab.json, model.safetensors"
    assert info.value.fetch_command is None


@pytest.mark.parametrize("backend", ["auto", "transformers"])
@pytest.mark.parametrize("lost", ["vocab.json", "source.spm", "model.safetensors"])
def test_a_model_folder_without_one_file_names_it(tiny_models, tmp_path: Path, backend, lost):
    import shutil

    folder = shutil.copytree(tiny_models["en-ru"], tmp_path / "model")
    (folder / lost).unlink()
    with pytest.raises(ModelUnavailable) as info:
        load_model(str(folder), device="cpu", backend=backend)
    assert str(info.value) == f"model {folder} is missing {lost}"  # not "TypeError ... NoneType"


def test_a_damaged_tokenizer_file_is_one_line(tiny_models, tmp_path: Path):
    import shutil

    folder = shutil.copytree(tiny_models["en-ru"], tmp_path / "model")
    (folder / "vocab.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelUnavailable, match="could not be loaded") as info:
        load_model(str(folder), device="cpu", backend="transformers")
    assert "\n" not in str(info.value)


class _RunsAShellCommand:
    def __reduce__(self):
        import os

        return (os.system, ("touch PWNED",))


@pytest.mark.parametrize("backend", ["auto", "ctranslate2", "transformers"])
def test_pickle_weights_that_would_run_code_are_refused_in_one_line(tiny_models, tmp_path: Path, monkeypatch, backend):
    import shutil

    import torch

    monkeypatch.chdir(tmp_path)
    folder = shutil.copytree(tiny_models["en-ru"], tmp_path / "model")
    (folder / "model.safetensors").unlink()
    torch.save({"weight": _RunsAShellCommand()}, folder / "pytorch_model.bin")
    with pytest.raises(ModelUnavailable) as info:
        load_model(str(folder), device="cpu", backend=backend)
    assert str(info.value) == f"model {folder} has unsafe pickle weights: refused; use safetensors"
    assert not (tmp_path / "PWNED").exists()


def test_a_model_from_the_hub_cache_loads_offline(tiny_models, tmp_path: Path, monkeypatch):
    """A hub id resolves through the standard cache layout, with HF_HUB_OFFLINE=1."""
    import shutil

    cache = tmp_path / "hub"
    repo = cache / "models--org--tiny-en-ru"
    snapshot = repo / "snapshots" / ("a" * 40)
    shutil.copytree(tiny_models["en-ru"], snapshot)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("a" * 40)
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    import huggingface_hub.constants as constants

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
    model = load_model("org/tiny-en-ru", device="cpu")
    assert model.revision == "a" * 40 and model.ref == "org/tiny-en-ru"


@pytest.mark.parametrize("role", ["en-ru", "en-zh", "summarize", "multilingual", "t5"])
def test_every_tiny_architecture_loads_and_generates(tiny_models, role):
    model = load_model(str(tiny_models[role]), device="cpu")
    out = model.generate(
        ["Putin met Li in Moscow.", "Short."], GenerationOptions(num_beams=1, max_new_tokens=8), src="en", tgt="ru"
    )
    assert len(out) == 2 and all(out)


def test_target_token_is_prepended_for_chinese(tiny_models):
    model = load_model(str(tiny_models["en-zh"]), device="cpu")
    assert model.target_token("zh") == ">>cmn_Hans<<"
    ids = model.encode(["Hello."], tgt="zh")[0]
    assert ids[0] == model.tokenizer.token_id(">>cmn_Hans<<")
    assert model.supports_target("zh") and not model.supports_target("de")
    # A single-target model has no such tokens and needs none.
    plain = load_model(str(tiny_models["en-ru"]), device="cpu")
    assert plain.target_token("ru") is None and plain.supports_target("ru")


def test_multilingual_model_forces_the_target_language(tiny_models):
    model = load_model(str(tiny_models["multilingual"]), device="cpu")
    assert model.backend_name == "ctranslate2"  # auto converts M2M100 rather than falling back
    seen = []
    real = model.backend.generate

    def spy(batch, options, cancel=None):
        seen.append(options.forced_bos_token_id)
        return real(batch, options, cancel=cancel)

    model.backend.generate = spy  # type: ignore[method-assign]
    out = model.generate(["Hello there."], GenerationOptions(num_beams=1, max_new_tokens=6), src="en", tgt="ru")
    assert seen == [model.tokenizer.language_id("ru")]
    assert "__ru__" not in out[0] and out[0]


def test_batches_are_sorted_and_padded_budget_is_kept():
    lengths = [5, 30, 7, 29, 6, 31]
    batches = list(batches_by_tokens(lengths, batch_tokens=64, max_batch=8))
    assert sorted(i for b in batches for i in b) == list(range(6))
    for batch in batches:
        assert len(batch) * max(lengths[i] for i in batch) <= 64 or len(batch) == 1
    assert batches[0][0] == 5  # longest first
    assert all(len(b) <= 2 for b in batches[:1]) and len(list(batches_by_tokens([1] * 10, 1000, 4))) == 3


def test_generate_restores_input_order(tiny_models):
    model = load_model(str(tiny_models["en-ru"]), device="cpu")
    texts = ["A much longer sentence about the defence ministers meeting in Moscow.", "Short.", "Medium one here."]
    options = GenerationOptions(num_beams=1, max_new_tokens=6)
    together = model.generate(texts, options, batch_tokens=16, max_batch=1)
    alone = [model.generate([t], options)[0] for t in texts]
    assert together == alone


def test_pool_reuses_and_evicts_least_recently_used():
    loads = []

    class Fake:
        memory_bytes = 400_000_000  # 400 MB each

    def loader(ref, **kwargs):
        loads.append(ref)
        return Fake()

    pool = ModelPool(memory_mb=1000, loader=loader)  # room for two
    first = pool.get("a")
    assert pool.get("a") is first and loads == ["a"]
    pool.get("b")
    pool.get("a")
    pool.get("c")  # evicts b, the least recently used
    assert pool.loaded() == ["a", "c"]
    pool.get("b")
    assert loads == ["a", "b", "c", "b"]


def test_pool_keeps_the_model_just_asked_for_even_over_the_cap():
    class Huge:
        memory_bytes = 10**10

    pool = ModelPool(memory_mb=1, loader=lambda ref, **kw: Huge())
    pool.get("a")
    pool.get("b")
    assert pool.loaded() == ["b"]


def test_never_trusts_remote_code():
    sources = [p.read_text(encoding="utf-8") for p in (Path(__file__).resolve().parents[2] / "diglot").glob("*.py")]
    assert not any("trust_remote_code=True" in source for source in sources)
    assert sum(source.count("trust_remote_code=False") for source in sources) == 3
