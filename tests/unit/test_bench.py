"""The benchmark's measuring code, run on a tiny model (no timings asserted: see `diglot bench`)."""

from diglot import bench


def test_translation_worker_rows(tiny_models):
    folder = str(tiny_models["en-ru"])
    fast = bench.worker("translate", folder, "ctranslate2", 1)
    reference = bench.worker("translate", folder, "transformers", 1)
    assert [r["backend"] for r in fast] == ["diglot default (ctranslate2 int8)"]
    assert [r["backend"] for r in reference] == [
        "transformers fp32, one sentence at a time",
        "transformers fp32, one batch",
    ]
    for row in fast + reference:
        assert set(row) == {"workload", "backend", "seconds", "tokens_per_s", "load_s", "peak_mb", "model_mb"}
        assert row["workload"] == "translate" and row["seconds"] > 0 and row["tokens_per_s"] > 0
        # tokens/s is the forced output length over the time; both are rounded for
        # printing, so they agree only roughly for the very short times of a tiny model
        assert 0.9 < row["tokens_per_s"] * row["seconds"] / (bench.SENTENCES * bench.NEW_TOKENS) < 1.1


def test_benchmark_sentences_are_distinct_and_about_30_tokens(tiny_models):
    from diglot.models import load_model

    model = load_model(str(tiny_models["en-ru"]), device="cpu")
    sentences = bench._sentences(model)
    assert len(set(sentences)) == len(sentences) == bench.SENTENCES
    assert all(20 <= model.count_tokens(s) <= bench.SENTENCE_TOKENS for s in sentences)


def test_full_size_configs_are_the_published_ones():
    assert bench.MARIAN_EN_RU["vocab_size"] == 62518 and bench.MARIAN_EN_RU["d_model"] == 512
    assert (bench.DISTILBART_CNN_12_6["encoder_layers"], bench.DISTILBART_CNN_12_6["decoder_layers"]) == (12, 6)
