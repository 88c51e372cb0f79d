"""The pipeline layer: engines from the config, one set of rules, models reused across articles."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from diglot.config import Config
from diglot.errors import Cancelled, ModelUnavailable
from diglot.jobs.pipeline import Article, ArticleResult, Pipeline
from diglot.langid import document_languages, script_profile
from diglot.models import ModelPool, load_model
from diglot.summarize import load_summarizer
from diglot.translate import Translator
from diglot.tui.cli import main
from tests.schema import valid_result


def tiny_config(tiny_models, **changes) -> Config:
    pairs = {k: str(tiny_models[k]) for k in ("en-ru", "ru-en", "en-zh", "zh-en")}
    settings = dict(
        device="cpu",
        num_beams=1,
        summarize_model=str(tiny_models["summarize"]),
        multilingual_model=str(tiny_models["multilingual"]),
        translate_models=pairs,
    )
    return Config(**{**settings, **changes})


def test_every_default_engine_honours_the_configured_backend(tiny_models, seed: Path):
    """No ModelPool default ignores the config: the pipeline's, the translator's and the summariser's."""
    config = tiny_config(tiny_models, backend="transformers", model_memory_mb=123)
    pipeline = Pipeline(config, use_cache=False)
    assert (pipeline.pool.device, pipeline.pool.backend, pipeline.pool.memory_mb) == ("cpu", "transformers", 123)
    article = pipeline.read(str(seed))
    assert pipeline.translate(article, "ru").backend == "transformers"
    assert pipeline.summarize(article, length="short").backend == "transformers"
    # Built on their own, without a pool, they follow the config too.
    assert (
        Translator(config)
        .translate(article.document, src="en", tgt="ru", languages=document_languages(article.document, "en"))
        .backend
        == "transformers"
    )
    summarizer = load_summarizer(config=config)
    assert (
        summarizer.summarize(
            article.document, length="short", source_language="en", languages=["en"] * len(article.document.paragraphs)
        ).backend
        == "transformers"
    )
    default = tiny_config(tiny_models)
    assert (
        Translator(default)
        .translate(article.document, src="en", tgt="ru", languages=document_languages(article.document, "en"))
        .backend
        == "ctranslate2"
    )


def test_one_pipeline_serves_many_articles_and_loads_each_model_once(tiny_models, seed: Path, data: Path):
    loads: list[str] = []

    def counting_loader(ref: str, **kwargs):
        loads.append(Path(ref).name)
        return load_model(ref, **kwargs)

    config = tiny_config(tiny_models)
    pipeline = Pipeline(config, use_cache=False, pool=ModelPool(device="cpu", loader=counting_loader))
    for source in (seed, data / "ru.txt", seed):
        article = pipeline.read(str(source))
        pipeline.translate(article, "zh")
        pipeline.summarize(article, length="short")
    # ru.txt goes to Chinese and into the English summariser through marian-ru-en.
    assert sorted(loads) == ["bart-en", "marian-en-zh", "marian-ru-en"]


def test_read_detects_or_takes_the_language(tiny_models, data: Path):
    pipeline = Pipeline(tiny_config(tiny_models), use_cache=False)
    detected = pipeline.read(str(data / "zh.txt"))
    assert detected.language.code == "zh" and detected.language.method != "given"
    given = pipeline.read(str(data / "zh.txt"), language="ja")
    assert (given.language.code, given.language.confidence, given.language.method) == ("ja", 1.0, "given")


def test_the_summary_is_translated_from_its_own_language(tiny_models, data: Path):
    """A Russian article's abstractive summary is English (the model's); its extractive one is Russian."""
    pipeline = Pipeline(tiny_config(tiny_models), use_cache=False)
    article = pipeline.read(str(data / "ru.txt"))
    assert pipeline.summary_language(article, method="abstractive") == "en"
    assert pipeline.summary_language(article, method="extractive") == "ru"
    for method, route in (("abstractive", ["marian-en-zh"]), ("extractive", ["marian-ru-en", "marian-en-zh"])):
        summary = pipeline.summarize(article, method=method, length="short")
        translation = pipeline.translate_summary(article, summary, "zh")
        assert [Path(m).name for m in translation.models] == route
        assert [p.sentences[0].source for p in translation.paragraphs] == [summary.sentences[0]]
        assert script_profile(translation.text)["CJK"] > 0
        data_ = valid_result(ArticleResult(article, summary, translation, "summary").to_dict())
        assert data_["translation"]["of"] == "summary" and data_["summary"]["method"] == method


def test_without_a_way_into_english_the_summary_is_in_the_article_language(tiny_models, data: Path):
    config = tiny_config(tiny_models, multilingual_model=None, translate_models={"en-zh": str(tiny_models["en-zh"])})
    pipeline = Pipeline(config, use_cache=False)
    article = pipeline.read(str(data / "ru.txt"))
    assert pipeline.summary_language(article) == "ru"  # nothing translates ru->en here
    summary = pipeline.summarize(article, length="short")
    assert summary.method == "extractive" and summary.language == "ru" and summary.note
    with pytest.raises(ModelUnavailable, match="opus-mt-ru-en is not downloaded"):
        pipeline.check_summary_translation(article, "zh")


def test_a_missing_model_is_named_before_any_summary_is_made(tiny_models, seed: Path):
    calls: list[str] = []

    class Recording:
        method = "abstractive"

        def summarize(self, *args, **kwargs):
            calls.append("summarize")
            raise AssertionError("summarised before the translation was checked")

    config = tiny_config(tiny_models, multilingual_model=None)  # nothing translates en->de here
    pipeline = Pipeline(config, use_cache=False, summarizers=lambda method: Recording())  # type: ignore[arg-type,return-value]
    article = pipeline.read(str(seed))
    with pytest.raises(ModelUnavailable, match="opus-mt-en-de") as caught:
        pipeline.check_summary_translation(article, "de")
    assert caught.value.fetch_command and calls == []
    assert pipeline.check_summary_translation(article, "ru").kind == "direct"


def test_the_cli_checks_the_summary_translation_first(capsys, tiny_models, seed: Path, monkeypatch, tmp_path: Path):
    config = tmp_path / "config.toml"
    config.write_text(f'[models]\nsummarize = "{tiny_models["summarize"].as_posix()}"\n', encoding="utf-8")
    monkeypatch.setenv("DIGLOT_CONFIG", str(config))

    def never(*args, **kwargs):
        raise AssertionError("summarised before the translation was checked")

    monkeypatch.setattr(Pipeline, "summarize", never)
    code = main(["translate", str(seed), "--to", "de", "--summary"])
    err = capsys.readouterr().err
    assert code == 1 and "opus-mt-en-de is not downloaded" in err and "diglot models pull" in err
    assert err.count("\n") == 1


def test_cancel_and_progress_reach_the_engines(tiny_models, seed: Path):
    pipeline = Pipeline(tiny_config(tiny_models), use_cache=False)
    article = pipeline.read(str(seed))
    progress: list[tuple[int, int]] = []
    paragraphs: list[int] = []
    pipeline.summarize(article, length="short", on_progress=lambda done, total: progress.append((done, total)))
    pipeline.translate(article, "ru", on_paragraph=lambda index, paragraph: paragraphs.append(index))
    assert progress and progress[-1][0] == progress[-1][1] and paragraphs == list(range(7))
    cancel = threading.Event()
    cancel.set()

    with pytest.raises(Cancelled):
        pipeline.translate(article, "ru", cancel=cancel)
    with pytest.raises(Cancelled):
        pipeline.summarize(Article(article.document, article.language), length="long", cancel=cancel)
    assert Pipeline(tiny_config(tiny_models)).cache is not None and pipeline.cache is None


def test_result_json_is_the_cli_json(capsys, tiny_config: Path, seed: Path):
    """ArticleResult.to_dict is what --json prints (a batch index writes the same)."""
    from diglot.config import load_config

    code = main(["translate", str(seed), "--to", "ru", "--json"])
    printed = valid_result(json.loads(capsys.readouterr().out))
    pipeline = Pipeline(load_config(tiny_config))
    article = pipeline.read(str(seed))
    result = ArticleResult(article, translation=pipeline.translate(article, "ru")).to_dict()
    sentences = sum(len(p["sentences"]) for p in printed["translation"]["paragraphs"])
    assert code == 0 and printed["translation"]["cache"] == {"hits": 0, "misses": sentences}
    assert result["translation"]["cache"] == {"hits": sentences, "misses": 0}
    result["translation"]["cache"] = printed["translation"]["cache"]  # the CLI's run filled the cache
    assert result == printed
