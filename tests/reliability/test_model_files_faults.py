"""Damaged model files are found, never used: converted models checked by content, hub downloads by hash."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from pathlib import Path

import pytest

from diglot import ct2, hub
from diglot.backends import GenerationOptions
from diglot.cache import ResultCache, cache_key
from diglot.config import Config
from diglot.document import Document
from diglot.langid import document_languages
from diglot.model_files import revision
from diglot.models import ModelPool, is_available, load_model, local_folder
from diglot.translate import Translator
from diglot.tui.cli import main

SENTENCES = ["Putin met Li in Moscow on Sunday.", "Short one.", "The talks went on for hours."]
OPTIONS = GenerationOptions(num_beams=1, max_new_tokens=6)
MODEL = "Helsinki-NLP/opus-mt-en-ru"


@pytest.fixture
def model_ref(tiny_models, tmp_path) -> str:
    """A model folder of this test's own (its conversion is this test's own too)."""
    return str(shutil.copytree(tiny_models["en-ru"], tmp_path / "model"))


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "diglot" and r.levelno >= logging.WARNING]


def _xor(path: Path, start: int | None = None, count: int = 100) -> None:
    """Flip ``count`` bytes of ``path`` from ``start`` (the middle by default): the size stays."""
    data = bytearray(path.read_bytes())
    start = len(data) // 2 if start is None else start
    for i in range(start, start + count):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


class Counter:
    """Wraps a function and counts its calls."""

    def __init__(self, function):
        self.function = function
        self.calls = 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.function(*args, **kwargs)


# 6. Damage that keeps the sizes --------------------------------------------------------


def test_weights_damaged_in_place_are_found_and_rebuilt_with_one_warning(model_ref, caplog):
    model = load_model(model_ref, device="cpu")
    expected = model.generate(SENTENCES, OPTIONS)
    folder = model.backend.folder
    original = (folder / "model.bin").read_bytes()
    _xor(folder / "model.bin", 1024)  # inside the first weights (the decoder's embeddings)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="diglot"):
        again = load_model(model_ref, device="cpu")
    said = _warnings(caplog)
    assert len(said) == 1 and "damaged" in said[0] and "\n" not in said[0], said
    assert again.backend_name == "ctranslate2"
    # The damaged weights were not used: the conversion was made again, with the original's content.
    assert hashlib.sha256((folder / "model.bin").read_bytes()).digest() == hashlib.sha256(original).digest()
    assert again.generate(SENTENCES, OPTIONS) == expected


def test_edited_facts_in_the_manifest_are_damage(model_ref, caplog):
    model = load_model(model_ref, device="cpu")
    folder = model.backend.folder
    true_facts = model.facts
    manifest = json.loads((folder / ct2.MANIFEST).read_text(encoding="utf-8"))
    manifest["facts"]["max_positions"] = 7  # still valid JSON, still the same shape
    (folder / ct2.MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="diglot"):
        again = load_model(model_ref, device="cpu")
    assert again.facts == true_facts and again.max_positions != 7
    said = _warnings(caplog)
    assert len(said) == 1 and "damaged" in said[0], said


def test_the_first_load_of_a_process_says_it_removed_a_damaged_conversion(model_ref, caplog):
    folder = load_model(model_ref, device="cpu").backend.folder
    manifest = json.loads((folder / ct2.MANIFEST).read_text(encoding="utf-8"))
    manifest["facts"]["forced_eos"] = not manifest["facts"]["forced_eos"]
    (folder / ct2.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    older = ct2.conversions_dir() / "org--model--abc--int8"  # made by an older diglot: no warning
    older.mkdir()
    (older / ct2.MANIFEST).write_text(json.dumps({"format": ct2.FORMAT - 1, "files": {}}), encoding="utf-8")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="diglot"):
        removed = ct2.remove_stale_conversions()
    assert sorted(removed) == sorted([folder, older])
    said = _warnings(caplog)
    assert len(said) == 1 and "damaged" in said[0] and str(folder) in said[0], said


def test_a_rebuilt_conversion_never_serves_results_cached_from_the_one_before(model_ref, tmp_path):
    """Wrong sentences cached from a damaged conversion are gone with it (``cache clear --conversions``)."""
    from diglot.translate.translator import _INPUT_FORM

    cache = ResultCache(tmp_path / "results.sqlite3")
    document = Document(paragraphs=tuple(SENTENCES))
    pool = ModelPool(device="cpu")
    translator = Translator(Config(), pool=pool, model=model_ref, cache=cache)
    first = translator.translate(document, src="en", tgt="ru", languages=document_languages(document, "en"))
    assert first.backend == "ctranslate2"
    identity = pool.identity(model_ref)
    keys = [cache_key("translate", identity, translator.num_beams, _INPUT_FORM, "en", "ru", s) for s in SENTENCES]
    assert all(cache.get(key) is not None for key in keys)
    # What a damaged conversion would have put in the cache: every sentence of this run made wrong.
    cache.put_many("translation", dict.fromkeys(keys, "НЕВЕРНО"))
    ct2.remove_conversions()  # what `diglot cache clear --conversions` does
    again = Translator(Config(), pool=ModelPool(device="cpu"), model=model_ref, cache=cache).translate(
        document, src="en", tgt="ru", languages=document_languages(document, "en")
    )
    assert "НЕВЕРНО" not in again.text
    assert again.text == first.text


def test_the_content_is_hashed_at_conversion_and_again_only_after_a_change(model_ref, monkeypatch, caplog):
    hashed = Counter(ct2.hash_file)
    monkeypatch.setattr(ct2, "hash_file", hashed)
    model = load_model(model_ref, device="cpu")
    folder = model.backend.folder
    files = json.loads((folder / ct2.MANIFEST).read_text(encoding="utf-8"))["files"]
    assert hashed.calls == len(files)  # each file once, as it was converted
    hashed.calls = 0
    load_model(model_ref, device="cpu")
    load_model(model_ref, device="cpu")
    assert hashed.calls == 0  # later loads compare sizes and times only
    stat = (folder / "model.bin").stat()
    os.utime(folder / "model.bin", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # touched, same bytes
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="diglot"):
        again = load_model(model_ref, device="cpu")
    assert hashed.calls == 1 and _warnings(caplog) == []  # the changed file alone, found intact
    assert again.backend.folder == folder and again.backend_name == "ctranslate2"
    load_model(model_ref, device="cpu")
    assert hashed.calls == 1  # and remembered


# 7. Something that is not a folder where the conversion should be ------------------------


def _conversion_path(ref: str) -> Path:
    return ct2.converted_folder(ref, revision(Path(ref)), "int8")


@pytest.mark.parametrize("where", ["model", "root"])
def test_a_file_in_place_of_the_conversion_folder_is_moved_aside_once(model_ref, monkeypatch, caplog, where):
    target = _conversion_path(model_ref) if where == "model" else ct2.conversions_dir()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"not a folder")
    converted = Counter(ct2._convert_into)
    monkeypatch.setattr(ct2, "_convert_into", converted)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="diglot"):
        model = load_model(model_ref, device="cpu")
    assert model.backend_name == "ctranslate2" and converted.calls == 1
    aside = target.with_name(target.name + ".damaged")
    assert aside.read_bytes() == b"not a folder"  # kept aside, not deleted
    said = _warnings(caplog)
    assert len(said) == 1 and str(aside) in said[0], said
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="diglot"):
        again = load_model(model_ref, device="cpu")
    assert again.backend_name == "ctranslate2" and converted.calls == 1 and _warnings(caplog) == []
    if where == "model":  # what was moved aside is listed with the conversions, and cleared with them
        assert aside in [c.path for c in ct2.conversions()]
        ct2.remove_conversions()
        assert not aside.exists()


# 9. A hub that serves the right size but the wrong bytes ------------------------------------


def _pull(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["models", "pull", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _cached_bytes(name: str) -> list[bytes]:
    import huggingface_hub.constants as constants

    return [p.read_bytes() for p in Path(constants.HF_HUB_CACHE).rglob(name) if p.is_file()]


@pytest.mark.parametrize("name", ["model.safetensors", "config.json"], ids=["lfs-sha256", "git-blob-id"])
def test_wrong_bytes_from_the_hub_are_deleted_and_reported(fake_hub, tiny_models, capsys, name):
    repo = fake_hub.add(MODEL, tiny_models["en-ru"])
    fake_hub.garbled.add(name)  # the right size, the wrong bytes
    code, out, err = _pull(capsys, "--quiet", MODEL)
    assert code == 1 and "downloaded" not in out
    assert err.count("\n") == 1 and name in err and "hash" in err and "pull" in err, err
    assert all(data == repo.files[name] for data in _cached_bytes(name))  # the wrong bytes are gone
    fake_hub.garbled.clear()  # the hub serves the right bytes again: one more pull completes the model
    code, out, err = _pull(capsys, "--quiet", MODEL)
    assert code == 0 and "downloaded" in out, err
    assert _cached_bytes(name) == [repo.files[name]]
    load_model(MODEL, device="cpu", backend="transformers")


def test_a_damaged_file_already_in_the_cache_is_found_by_the_next_pull(fake_hub, tiny_models, capsys):
    """The loop of the old code: loading refused the model and advised a pull, which said "downloaded"."""
    repo = fake_hub.add(MODEL, tiny_models["en-ru"])
    assert _pull(capsys, "--quiet", MODEL)[0] == 0
    weights = local_folder(MODEL) / "model.safetensors"
    _xor(weights.resolve())  # damaged on disk after the download, same size
    code, _, err = _pull(capsys, "--quiet", MODEL)
    assert code == 1 and "model.safetensors" in err and err.count("\n") == 1, err
    assert not weights.exists()
    code, _, err = _pull(capsys, "--quiet", MODEL)
    assert code == 0, err
    assert weights.read_bytes() == repo.files["model.safetensors"]
    assert is_available(MODEL)


def test_the_hashes_come_from_the_hub_listing(fake_hub, tiny_models):
    repo = fake_hub.add(MODEL, tiny_models["en-ru"])
    remote = hub.remote_model(MODEL)
    digests = dict((name, (kind, value)) for name, kind, value in remote.digests)
    data = repo.files["model.safetensors"]
    assert digests["model.safetensors"] == ("sha256", hashlib.sha256(data).hexdigest())
    config = repo.files["config.json"]
    git_id = hashlib.sha1(b"blob %d\0" % len(config) + config).hexdigest()
    assert digests["config.json"] == ("git-sha1", git_id)
