"""CTranslate2 conversions: torch-free use, one converter at a time, damage repaired, honest cache keys."""

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from diglot import ct2
from diglot.backends import GenerationOptions
from diglot.cache import ResultCache, cache_key
from diglot.config import Config
from diglot.document import Document
from diglot.generation import ModelIdentity
from diglot.models import ModelPool, load_model
from diglot.tokenization import HuggingFaceTokenizer
from diglot.translate import Translator

ROOT = Path(__file__).resolve().parents[2]
SENTENCES = ["Putin met Li in Moscow on Sunday.", "Short one.", "Привет, мир!"]


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))


def _run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def _folder(model) -> Path:
    return model.backend.folder


@pytest.mark.parametrize("role", ["en-ru", "en-zh", "multilingual", "summarize", "t5"])
def test_a_converted_model_runs_with_a_torch_free_tokenizer(tiny_models, role):
    model = load_model(str(tiny_models[role]), device="cpu")
    assert model.backend_name == "ctranslate2"
    assert not isinstance(model.tokenizer, HuggingFaceTokenizer)
    folder = _folder(model)
    manifest = json.loads((folder / ct2.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["facts"]["model_type"] == model.model_type
    # The folder keeps what the tokenizer needs: it works without the original.
    assert {"config.json", "tokenizer_config.json"} <= {f.name for f in folder.iterdir()}


TORCH_FREE = """
import json, sys
from diglot.config import Config
from diglot.document import Document
from diglot.langid import document_languages
from diglot.models import ModelPool
from diglot.translate import Translator
pool = ModelPool(device="cpu", backend="auto")
translator = Translator(Config(), pool=pool, model=sys.argv[1])
document = Document(paragraphs=("Putin met Li in Moscow.", "Привет, мир!"))
result = translator.translate(document, src="en", tgt="ru", languages=document_languages(document, "en"))
heavy = [m for m in ("torch", "transformers") if m in sys.modules]
print(json.dumps({"text": result.text, "backend": result.backend, "heavy": heavy}))
"""


def test_translating_with_a_converted_model_imports_neither_torch_nor_transformers(tiny_models):
    ref = str(tiny_models["en-ru"])
    load_model(ref, device="cpu")  # converted here, once
    run = _run(TORCH_FREE, ref)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["heavy"] == [] and result["backend"] == "ctranslate2" and result["text"].strip()
    # The same text as the transformers path gives in this process (greedy, float32 aside: int8 here).
    assert len(result["text"].split("\n\n")) == 2


def test_the_cli_translates_without_torch_once_converted(tiny_models, tmp_path):
    ref = str(tiny_models["en-ru"])
    load_model(ref, device="cpu")
    article = tmp_path / "article.txt"
    article.write_text("Putin met Li in Moscow.\n\nThe talks went on.", encoding="utf-8")
    script = """
    import contextlib, io, sys
    from diglot.tui.cli import main
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(["translate", sys.argv[1], "--to", "ru", "--model", sys.argv[2], "--no-cache", "--device", "cpu"])
    print(status, "torch" in sys.modules, "transformers" in sys.modules, bool(out.getvalue().strip()))
    """
    run = _run(script, str(article), ref)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["0", "False", "False", "True"]


CONVERT_SLOWLY = """
import sys, time
from pathlib import Path
from diglot import ct2
from diglot.models import load_model
log = Path(sys.argv[2])
real_lock, real_convert = ct2._lock, ct2._convert_into
def lock(target, timeout=ct2.LOCK_TIMEOUT_S):
    if timeout:  # not a sweep's look (timeout 0): this process is at the conversion's lock
        with log.open("a") as out:
            out.write("at the lock\\n")
    return real_lock(target, timeout)
def slow(*args, **kwargs):
    with log.open("a") as out:
        out.write("converted\\n")
    deadline = time.monotonic() + 120
    while log.read_text().count("at the lock") < 2:  # converting until the other process is at the lock too
        assert time.monotonic() < deadline, "the other process never came to the lock"
        time.sleep(0.01)
    return real_convert(*args, **kwargs)
ct2._lock, ct2._convert_into = lock, slow
print(load_model(sys.argv[1], device="cpu").backend_name)
"""


def test_two_processes_converting_at_once_convert_once_and_both_use_it(tiny_models, tmp_path):
    log = tmp_path / "conversions.log"
    command = [sys.executable, "-c", CONVERT_SLOWLY, str(tiny_models["ru-en"]), str(log)]
    processes = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(), cwd=ROOT)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=300) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], [err for _, err in outputs]
    assert [out.strip() for out, _ in outputs] == ["ctranslate2", "ctranslate2"]  # the loser did not fall back
    assert sorted(log.read_text().splitlines()) == ["at the lock", "at the lock", "converted"]


def _damage_and_reload(ref: str, damage) -> tuple[Path, object]:
    model = load_model(ref, device="cpu")
    folder = _folder(model)
    damage(folder)
    again = load_model(ref, device="cpu")
    return folder, again


@pytest.mark.parametrize(
    "damage",
    [
        lambda folder: (folder / "model.bin").write_bytes((folder / "model.bin").read_bytes()[:1000]),
        lambda folder: (folder / "model.bin").unlink(),
        lambda folder: (folder / "source.spm").unlink(),
        lambda folder: (folder / ct2.MANIFEST).unlink(),
        # Same size, wrong bytes: passes the size check, fails to load, rebuilt.
        lambda folder: (folder / "model.bin").write_bytes(b"\0" * (folder / "model.bin").stat().st_size),
    ],
    ids=["truncated", "weights-gone", "tokenizer-gone", "no-manifest", "garbled"],
)
def test_a_damaged_conversion_is_rebuilt_not_a_permanent_fallback(tiny_models, tmp_path, damage):
    ref = str(shutil.copytree(tiny_models["en-ru"], tmp_path / "model"))
    expected = load_model(ref, device="cpu").generate(SENTENCES, GenerationOptions(num_beams=1, max_new_tokens=6))
    folder, again = _damage_and_reload(ref, damage)
    assert again.backend_name == "ctranslate2" and ct2.is_complete(folder)
    assert again.generate(SENTENCES, GenerationOptions(num_beams=1, max_new_tokens=6)) == expected


def test_stale_temporary_folders_are_removed_but_not_a_running_conversion(tmp_path, monkeypatch):
    monkeypatch.setenv("DIGLOT_CACHE_DIR", str(tmp_path))
    root = ct2.conversions_dir()
    killed = root / "org--model--abc--int8.converting-x1y2"
    running = root / "org--other--abc--int8.converting-z3"
    unfinished = root / "org--third--abc--int8"  # renamed into place by an older diglot, no manifest
    for folder in (killed, running, unfinished):
        (folder / "model").mkdir(parents=True)
        (folder / "model" / "model.bin").write_bytes(b"half")
    with ct2._lock(root / "org--other--abc--int8"):
        removed = ct2.remove_stale_conversions()
        assert sorted(removed) == sorted([killed, unfinished])
        assert running.is_dir() and not killed.exists() and not unfinished.exists()
    assert ct2.remove_stale_conversions() == [running]


def test_stale_folders_go_at_the_first_load(tiny_models, tmp_path, monkeypatch):
    stale = ct2.conversions_dir() / "some--model--rev--int8.converting-abc"
    stale.mkdir(parents=True)
    monkeypatch.setattr(ct2, "_swept", False)
    load_model(str(tiny_models["en-ru"]), device="cpu")
    assert not stale.exists()


def _no_ctranslate2(monkeypatch):
    def refuse(*args, **kwargs):
        raise RuntimeError("this CPU cannot run the converted model")

    monkeypatch.setattr(ct2, "CTranslate2Backend", refuse)


def test_a_transformers_fallback_is_cached_under_transformers(tiny_models, tmp_path, monkeypatch):
    ref = str(tiny_models["en-ru"])
    _no_ctranslate2(monkeypatch)
    cache = ResultCache(tmp_path / "results.sqlite3")
    pool = ModelPool(device="cpu")
    translator = Translator(Config(), pool=pool, model=ref, cache=cache)
    predicted = pool.identity(ref)
    assert predicted.backend == "ctranslate2"  # what auto would use, before trying
    translation = translator.translate(Document(paragraphs=(SENTENCES[0],)), src="en", tgt="ru", languages=["en"])
    assert translation.backend == "transformers"
    actual = ModelIdentity(ref, predicted.revision, "transformers", "float32")
    from diglot.translate.translator import _INPUT_FORM

    key = cache_key("translate", actual, translator.num_beams, _INPUT_FORM, "en", "ru", SENTENCES[0])
    wrong = cache_key("translate", predicted, translator.num_beams, _INPUT_FORM, "en", "ru", SENTENCES[0])
    assert cache.get(key) == translation.paragraphs[0].sentences[0].target
    assert cache.get(wrong) is None


def test_a_summary_from_the_fallback_is_labelled_and_cached_as_transformers(tiny_models, tmp_path, monkeypatch):
    from diglot.summarize import load_summarizer

    ref = str(tiny_models["summarize"])
    _no_ctranslate2(monkeypatch)
    cache = ResultCache(tmp_path / "results.sqlite3")
    pool = ModelPool(device="cpu")
    summarizer = load_summarizer(model=ref, pool=pool, cache=cache)
    document = Document(paragraphs=("Putin met Li in Moscow on Sunday. The talks went on for hours.",))
    summary = summarizer.summarize(
        document, source_language="en", length="short", languages=["en"] * len(document.paragraphs)
    )
    assert summary.backend == "transformers"
    again = load_summarizer(model=ref, pool=pool, cache=cache).summarize(
        document, source_language="en", length="short", languages=["en"] * len(document.paragraphs)
    )
    assert again.cached and again.text == summary.text


def test_two_threads_loading_two_models_at_once_both_get_ctranslate2(tiny_models):
    """The app loads the summary's and the translation's models side by side (fresh cache: both convert)."""
    import threading

    pool = ModelPool(device="cpu")
    refs = [str(tiny_models["summarize"]), str(tiny_models["en-ru"])]
    loaded: dict[str, str] = {}

    def load(ref: str) -> None:
        loaded[ref] = pool.get(ref).backend_name

    threads = [threading.Thread(target=load, args=(ref,)) for ref in refs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert loaded == dict.fromkeys(refs, "ctranslate2")
