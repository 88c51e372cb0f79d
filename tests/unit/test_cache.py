"""The persistent result cache: per-sentence translations, per-document summaries."""

import json
import sqlite3
from pathlib import Path

import pytest

from diglot.cache import ResultCache, cache_key
from diglot.config import Config
from diglot.document import read_source
from diglot.models import ModelPool, load_model
from summarize import load_summarizer
from translate import Translator
from tui.cli import main


def counting_pool(loads: list[str]) -> ModelPool:
    def loader(ref, **kwargs):
        loads.append(ref)
        return load_model(ref, **kwargs)

    return ModelPool(device="cpu", loader=loader)


def test_round_trip_and_persistence(tmp_path: Path):
    path = tmp_path / "c.sqlite3"
    cache = ResultCache(path)
    cache.put_many("translation", {"a": "один", "b": ["x", 1]})
    cache.close()
    again = ResultCache(path)
    assert again.get_many(["a", "b", "c"]) == {"a": "один", "b": ["x", 1]}
    assert again.info().entries == {"translation": 2}
    assert again.clear() == 2 and again.get("a") is None


def test_keys_depend_on_every_part():
    assert cache_key("t", "m", 1, "text") == cache_key("t", "m", 1, "text")
    assert len({cache_key("t", "m", 1, "text"), cache_key("t", "m", 2, "text"), cache_key("t", "n", 1, "text")}) == 3


def test_a_damaged_cache_file_is_set_aside_and_rebuilt(tmp_path: Path):
    path = tmp_path / "c.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    cache = ResultCache(path)
    with pytest.warns(RuntimeWarning, match="damaged"):
        cache.put_many("summary", {"k": {"v": 1}})
    assert cache.get("k") == {"v": 1}
    assert list(tmp_path.glob("c.sqlite3.corrupt-*"))
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM results").fetchone() == (1,)


def test_cached_translation_loads_no_model(tiny_models, seed: Path, tmp_path: Path):
    config = Config(translate_models={"en-ru": str(tiny_models["en-ru"])}, num_beams=1)
    document = read_source(str(seed))
    loads: list[str] = []
    first = Translator(config, pool=counting_pool(loads), cache=ResultCache(tmp_path / "c.sqlite3"))
    cold = first.translate(document, src="en", tgt="ru")
    sentences = sum(len(p.sentences) for p in cold.paragraphs)
    assert (cold.cache_hits, cold.cache_misses) == (0, sentences) and loads == [str(tiny_models["en-ru"])]

    loads.clear()  # a new process: new pool, same cache file
    second = Translator(config, pool=counting_pool(loads), cache=ResultCache(tmp_path / "c.sqlite3"))
    warm = second.translate(document, src="en", tgt="ru")
    assert (warm.cache_hits, warm.cache_misses) == (sentences, 0) and loads == []
    assert warm.text == cold.text and warm.backend == cold.backend


def test_cache_keys_include_the_options(tiny_models, seed: Path, tmp_path: Path):
    document = read_source(str(seed))
    cache = ResultCache(tmp_path / "c.sqlite3")
    pairs = {"en-ru": str(tiny_models["en-ru"])}
    Translator(Config(translate_models=pairs, num_beams=1), pool=ModelPool(device="cpu"), cache=cache).translate(
        document, src="en", tgt="ru"
    )
    other = Translator(Config(translate_models=pairs, num_beams=2), pool=ModelPool(device="cpu"), cache=cache)
    assert other.translate(document, src="en", tgt="ru").cache_hits == 0
    transformers = ModelPool(device="cpu", backend="transformers")
    plain = Translator(Config(translate_models=pairs, num_beams=1), pool=transformers, cache=cache)
    assert plain.translate(document, src="en", tgt="ru").cache_hits == 0


def test_cached_summary_loads_no_model(tiny_models, seed: Path, tmp_path: Path):
    config = Config(summarize_model=str(tiny_models["summarize"]), num_beams=1)
    document = read_source(str(seed))
    loads: list[str] = []
    cold = load_summarizer(config=config, pool=counting_pool(loads), cache=ResultCache(tmp_path / "c.sqlite3"))
    first = cold.summarize(document, length="short")
    assert not first.cached and loads
    loads.clear()
    warm = load_summarizer(config=config, pool=counting_pool(loads), cache=ResultCache(tmp_path / "c.sqlite3"))
    second = warm.summarize(document, length="short")
    assert second.cached and loads == [] and second.text == first.text and second.chunks == first.chunks
    assert not warm.summarize(document, length="long").cached


def test_cli_reports_cache_hits(capsys, seed: Path, tiny_config):
    argv = ["translate", str(seed), "--to", "ru", "--json"]
    assert main(argv) == 0
    cold = json.loads(capsys.readouterr().out)["translation"]["cache"]
    assert main(argv) == 0
    warm = json.loads(capsys.readouterr().out)["translation"]["cache"]
    assert cold["hits"] == 0 and cold["misses"] > 0 and warm == {"hits": cold["misses"], "misses": 0}
    assert main([*argv, "--no-cache"]) == 0
    assert json.loads(capsys.readouterr().out)["translation"]["cache"] == {"hits": 0, "misses": 0}

    assert main(["summarize", str(seed), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["cached"] is False
    assert main(["summarize", str(seed), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["cached"] is True

    assert main(["cache", "info"]) == 0
    info = capsys.readouterr().out.splitlines()
    assert f"translated sentences: {cold['misses']}" in info and "summaries: 1" in info
    assert main(["cache", "clear"]) == 0
    assert "removed" in capsys.readouterr().out


def test_cli_survives_a_damaged_cache(capsys, seed: Path, tiny_config, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("DIGLOT_CACHE_DIR", str(tmp_path))
    (tmp_path / "results.sqlite3").write_bytes(b"garbage" * 1000)
    assert main(["translate", str(seed), "--to", "ru"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() and err.startswith("diglot: warning: the cache file") and err.count("\n") == 1
