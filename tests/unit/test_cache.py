"""The persistent result cache: per-sentence translations, per-document summaries."""

import contextlib
import json
import os
import sqlite3
from pathlib import Path

import pytest

from diglot.cache import ResultCache, cache_key
from diglot.config import Config
from diglot.document import read_source
from diglot.langid import document_languages
from diglot.models import ModelPool, load_model
from diglot.summarize import load_summarizer
from diglot.translate import Translator
from diglot.tui.cli import main


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


def test_cached_translation_loads_no_model(tiny_models, seed: Path, tmp_path: Path):
    config = Config(translate_models={"en-ru": str(tiny_models["en-ru"])}, num_beams=1)
    document = read_source(str(seed))
    loads: list[str] = []
    first = Translator(config, pool=counting_pool(loads), cache=ResultCache(tmp_path / "c.sqlite3"))
    cold = first.translate(document, src="en", tgt="ru", languages=document_languages(document, "en"))
    sentences = sum(len(p.sentences) for p in cold.paragraphs)
    assert (cold.cache_hits, cold.cache_misses) == (0, sentences) and loads == [str(tiny_models["en-ru"])]

    loads.clear()  # a new process: new pool, same cache file
    second = Translator(config, pool=counting_pool(loads), cache=ResultCache(tmp_path / "c.sqlite3"))
    warm = second.translate(document, src="en", tgt="ru", languages=document_languages(document, "en"))
    assert (warm.cache_hits, warm.cache_misses) == (sentences, 0) and loads == []
    assert warm.text == cold.text and warm.backend == cold.backend


def test_cache_keys_include_the_options(tiny_models, seed: Path, tmp_path: Path):
    document = read_source(str(seed))
    cache = ResultCache(tmp_path / "c.sqlite3")
    pairs = {"en-ru": str(tiny_models["en-ru"])}
    Translator(Config(translate_models=pairs, num_beams=1), pool=ModelPool(device="cpu"), cache=cache).translate(
        document, src="en", tgt="ru", languages=document_languages(document, "en")
    )
    other = Translator(Config(translate_models=pairs, num_beams=2), pool=ModelPool(device="cpu"), cache=cache)
    assert other.translate(document, src="en", tgt="ru", languages=document_languages(document, "en")).cache_hits == 0
    transformers = ModelPool(device="cpu", backend="transformers")
    plain = Translator(Config(translate_models=pairs, num_beams=1), pool=transformers, cache=cache)
    assert plain.translate(document, src="en", tgt="ru", languages=document_languages(document, "en")).cache_hits == 0


def test_cached_summary_loads_no_model(tiny_models, seed: Path, tmp_path: Path):
    config = Config(summarize_model=str(tiny_models["summarize"]), num_beams=1)
    document = read_source(str(seed))
    loads: list[str] = []
    cold = load_summarizer(config=config, pool=counting_pool(loads), cache=ResultCache(tmp_path / "c.sqlite3"))
    first = cold.summarize(document, length="short", languages=["en"] * len(document.paragraphs))
    assert not first.cached and loads
    loads.clear()
    warm = load_summarizer(config=config, pool=counting_pool(loads), cache=ResultCache(tmp_path / "c.sqlite3"))
    second = warm.summarize(document, length="short", languages=["en"] * len(document.paragraphs))
    assert second.cached and loads == [] and second.text == first.text and second.chunks == first.chunks
    assert not warm.summarize(document, length="long", languages=["en"] * len(document.paragraphs)).cached


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
    info = [line.strip() for line in capsys.readouterr().out.splitlines()]
    assert f"translated sentences: {cold['misses']}" in info and "summaries: 1" in info
    assert main(["cache", "clear"]) == 0
    assert "removed" in capsys.readouterr().out


def test_size_limit_drops_the_least_recently_used(tmp_path: Path):
    path = tmp_path / "c.sqlite3"
    cache = ResultCache(path, max_bytes=200_000)
    value = "перевод " * 100  # ~1.5 kB stored per entry
    cache.put_many("translation", {f"old{i}": value for i in range(50)})
    cache.put_many("translation", {"kept": value})
    for batch in range(20):  # ~1.5 MB in all, far beyond the limit
        assert cache.get("kept") == value  # read before each write: recently used
        cache.put_many("translation", {f"new{batch}-{i}": value for i in range(50)})
    with contextlib.closing(sqlite3.connect(path)) as db:
        stored = db.execute("SELECT sum(size), count(*) FROM results").fetchone()
    assert stored[0] <= 200_000 and stored[1] > 50
    assert cache.get("kept") == value
    assert cache.get_many([f"old{i}" for i in range(50)]) == {}  # the oldest went first
    assert cache.get("new19-49") == value  # the newest stayed
    cache.close()
    # Freed pages are reused: the files do not grow with what passed through.
    files = {p.name: p.stat().st_size for p in tmp_path.iterdir()}
    assert sum(files.values()) < 600_000, files


def test_an_older_cache_gains_the_size_columns(tmp_path: Path):
    path = tmp_path / "c.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE results (key TEXT PRIMARY KEY, kind TEXT NOT NULL, value TEXT NOT NULL, created REAL)")
        db.execute("INSERT INTO results VALUES ('a', 'summary', '{\"v\": 1}', 1.0)")
    cache = ResultCache(path, max_bytes=10**6)
    assert cache.get("a") == {"v": 1}
    cache.put_many("summary", {"b": 2})
    assert cache.info().entries == {"summary": 2}


def test_an_older_cache_gains_the_counters(tmp_path: Path):
    path = tmp_path / "c.sqlite3"
    ResultCache(path).put_many("summary", {"a": 1})
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE counters")
    cache = ResultCache(path)
    assert cache.info().unreadable == 0
    with sqlite3.connect(path) as db:
        db.execute("UPDATE results SET value = '{' WHERE key = 'a'")
    assert cache.get("a") is None and cache.info().unreadable == 1


def test_a_value_that_does_not_parse_is_a_miss_dropped_and_counted(tmp_path: Path):
    path = tmp_path / "c.sqlite3"
    ResultCache(path).put_many("translation", {"a": "один", "b": "два"})
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("""UPDATE results SET value = '"дв' WHERE key = 'b'""")  # cut short
    said: list[str] = []
    cache = ResultCache(path, on_warning=said.append)
    assert cache.get_many(["a", "b"]) == {"a": "один"}
    assert cache.unreadable == 1 and said == []
    assert cache.get("b") is None and cache.unreadable == 1  # dropped: found once
    cache.put_many("translation", {"b": "два"})
    assert cache.get("b") == "два"
    assert ResultCache(path).info().unreadable == 1  # kept across runs, for ``diglot cache info``


def test_a_value_its_reader_refuses_is_a_miss(tmp_path: Path):
    cache = ResultCache(tmp_path / "c.sqlite3")
    cache.put_many("language", {"a": ["en", 0.9, "langdetect"], "b": {"code": "en"}, "c": [1]})
    assert cache.get_many(["a", "b"], valid=lambda value: isinstance(value, list)) == {"a": ["en", 0.9, "langdetect"]}
    assert cache.get("c", valid=lambda value: value[2] == "x") is None  # a check that raises refuses too
    assert cache.get("a") == ["en", 0.9, "langdetect"]
    assert cache.info().unreadable == 2 and cache.info().entries == {"language": 1}


def test_an_unreadable_value_in_a_read_only_cache_is_a_miss_left_in_place(tmp_path: Path):
    path = tmp_path / "c.sqlite3"
    ResultCache(path).put_many("translation", {"a": "один"})
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE results SET value = 'один' WHERE key = 'a'")  # not JSON
    cache = ResultCache(path)
    cache._writable = False  # as after a read-only or full-disk warning
    assert cache.get("a") is None and cache.unreadable == 1
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT count(*) FROM results").fetchone()[0] == 1


def fake_conversion(name: str, size: int) -> Path:
    from diglot.ct2 import conversions_dir

    folder = conversions_dir() / name
    folder.mkdir(parents=True)
    (folder / "model.bin").write_bytes(os.urandom(size))
    return folder


def test_cache_info_and_clear_cover_results_and_conversions(capsys):
    ResultCache().put_many("translation", {"a": "б"})
    fake_conversion("Helsinki-NLP--opus-mt-en-ru--abc123--int8", 300_000)
    fake_conversion("Helsinki-NLP--opus-mt-en-ru--abc123--int8.x7a2b", 100_000)  # left by a killed conversion
    assert main(["cache", "info"]) == 0
    out = capsys.readouterr().out
    assert "translated sentences: 1" in out and "size: 0.4 MB in 2 folders" in out
    assert "Helsinki-NLP--opus-mt-en-ru--abc123--int8: 0.3 MB" in out

    assert main(["cache", "clear", "--conversions"]) == 0
    assert "removed 2 converted models (0.4 MB)" in capsys.readouterr().out
    assert ResultCache().get("a") == "б"

    fake_conversion("m--r--int8", 1000)
    assert main(["cache", "clear", "--results"]) == 0
    assert "removed 1 cached results" in capsys.readouterr().out
    assert ResultCache().get("a") is None
    assert main(["cache", "info"]) == 0
    assert "in 1 folders" in capsys.readouterr().out

    ResultCache().put_many("translation", {"a": "б"})
    assert main(["cache", "clear"]) == 0
    out = capsys.readouterr().out
    assert "removed 1 cached results" in out and "removed 1 converted models" in out


def test_models_remove_takes_the_conversions_along(capsys):
    fake_conversion("Helsinki-NLP--opus-mt-en-ru--abc123--int8", 1000)
    fake_conversion("Helsinki-NLP--opus-mt-en-ru--abc123--int8_float16", 1000)
    other = fake_conversion("Helsinki-NLP--opus-mt-en-ru-big--abc123--int8", 1000)
    assert main(["models", "remove", "Helsinki-NLP/opus-mt-en-ru"]) == 0
    assert "removed, and 2 conversions" in capsys.readouterr().out
    from diglot.ct2 import conversions

    assert [c.path for c in conversions()] == [other]
    assert main(["models", "remove", "Helsinki-NLP/opus-mt-en-ru"]) == 1  # nothing left of it: one-line error


def test_cache_info_creates_nothing(capsys):
    from diglot.cache import cache_dir

    assert main(["cache", "info"]) == 0
    assert "translated sentences: 0" in capsys.readouterr().out
    assert not (cache_dir() / "results.sqlite3").exists()


def test_a_cached_run_finds_the_languages_in_the_cache_not_by_detecting_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import diglot.jobs.pipeline
    import diglot.langid
    from diglot.document import Document
    from diglot.jobs.pipeline import Pipeline

    calls: list[str] = []
    real_document, real_paragraph = diglot.jobs.pipeline.article_language, diglot.langid.detect_language
    monkeypatch.setattr(
        diglot.jobs.pipeline, "article_language", lambda text: calls.append("document") or real_document(text)
    )
    monkeypatch.setattr(
        diglot.langid, "detect_language", lambda text: calls.append("paragraph") or real_paragraph(text)
    )
    document = Document(
        paragraphs=(
            "Gespräche in Moskau",
            "Die Gespräche dauerten drei Stunden und betrafen Handel, Energie und Sicherheit, sagten Beamte.",
            "The talks lasted three hours and covered trade, energy and security, officials said on Monday.",
            "Переговоры длились три часа и касались торговли, энергетики и безопасности, сообщили чиновники.",
        )
    )

    def languages(pipeline: Pipeline) -> tuple[object, list[str]]:
        guess = pipeline.identify(document)
        return guess, list(pipeline.article(document, language=guess).paragraph_languages)

    monkeypatch.setenv("DIGLOT_CACHE_DIR", str(tmp_path))
    first = languages(Pipeline(Config()))
    detected = list(calls)
    assert detected[0] == "document" and detected.count("paragraph") >= 3 and first[1] == ["de", "de", "en", "ru"]
    calls.clear()
    assert languages(Pipeline(Config())) == first and calls == []  # a new process: both from the cache
    assert languages(Pipeline(Config(), use_cache=False)) == first and calls == detected  # no cache: all again
    calls.clear()
    other = Document(paragraphs=(*document.paragraphs, "Noch ein Absatz, der lang genug ist, um erkannt zu werden."))
    Pipeline(Config()).identify(other)
    assert calls[:1] == ["document"]  # another text: detected


def test_a_damaged_cached_language_is_detected_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from diglot.cache import cache_key
    from diglot.document import Document
    from diglot.jobs.pipeline import Pipeline, _detector_version

    monkeypatch.setenv("DIGLOT_CACHE_DIR", str(tmp_path))
    document = Document(paragraphs=("The talks lasted three hours and covered trade, energy and security.",))
    pipeline = Pipeline(Config())
    assert pipeline.cache is not None
    pipeline.cache.put_many("language", {cache_key("language", _detector_version(), document.text): {"no": 1}})
    assert pipeline.identify(document).code == "en"
