import pytest

from diglot.config import Config
from diglot.errors import ConfigError, ModelUnavailable, NoRoute
from diglot.registry import M2M100_LANGUAGES
from diglot.translate.router import candidate_routes, choose_route


def test_direct_then_pivot_then_multilingual():
    routes = candidate_routes("ru", "de", Config())
    assert [r.kind for r in routes] == ["pivot", "multilingual"]  # no opus-mt-ru-de in the registry
    assert routes[0].models == ("Helsinki-NLP/opus-mt-ru-en", "Helsinki-NLP/opus-mt-en-de")
    assert [r.kind for r in candidate_routes("en", "ru", Config())] == ["direct", "multilingual"]


def test_config_overrides_pair_and_multilingual():
    config = Config(translate_models={"ru-de": "/m/rude"}, multilingual_model="/m/m2m")
    routes = candidate_routes("ru", "de", config)
    assert routes[0].models == ("/m/rude",) and routes[-1].models == ("/m/m2m",)


def test_explicit_model_is_the_only_route():
    assert [r.models for r in candidate_routes("en", "ru", Config(), model="x/y")] == [("x/y",)]


def test_same_language_needs_nothing():
    assert choose_route("en", "en", Config(), available=lambda m: False).kind == "same"


def test_falls_back_to_what_is_downloaded():
    have = {"facebook/m2m100_418M"}
    assert choose_route("en", "ru", Config(), available=have.__contains__).kind == "multilingual"
    have = {"Helsinki-NLP/opus-mt-ru-en", "Helsinki-NLP/opus-mt-en-zh", "facebook/m2m100_418M"}
    assert choose_route("ru", "zh", Config(), available=have.__contains__).kind == "pivot"


def test_nothing_downloaded_names_the_best_models():
    with pytest.raises(ModelUnavailable) as info:
        choose_route("ru", "zh", Config(), available=lambda m: False)
    assert info.value.model_id == "Helsinki-NLP/opus-mt-ru-en"
    assert info.value.fetch_command == "diglot models pull Helsinki-NLP/opus-mt-ru-en Helsinki-NLP/opus-mt-en-zh"


def test_a_language_no_model_knows_is_a_clear_error():
    with pytest.raises(NoRoute) as info:
        candidate_routes("en", "tlh", Config(favourite_targets=("de", "ja")))
    assert isinstance(info.value, ConfigError) and (info.value.src, info.value.tgt) == ("en", "tlh")
    assert str(info.value) == (
        "no model translates English (en) into Klingon (tlh): facebook/m2m100_418M does not know Klingon; "
        'translate into a configured target (de, ja), or name a model for "en-tlh" under [models.translate] '
        "in the config file"
    )
    # A source no model reads: naming other targets would not help.
    with pytest.raises(NoRoute, match=r"^no model translates Klingon \(tlh\) into German \(de\): .*; name a model"):
        candidate_routes("tlh", "de", Config())
    # ...unless the config names a model for the pair, or a multilingual model of its own
    assert candidate_routes("en", "tlh", Config(translate_models={"en-tlh": "/m/entlh"}))[0].models == ("/m/entlh",)
    assert candidate_routes("en", "tlh", Config(multilingual_model="/m/nllb"))[0].models == ("/m/nllb",)
    # a pair m2m100 knows keeps its multilingual route
    assert [r.kind for r in candidate_routes("en", "ta", Config())] == ["multilingual"]


def test_m2m100_languages_are_the_tokenizers():
    from transformers.models.m2m_100.tokenization_m2m_100 import FAIRSEQ_LANGUAGE_CODES

    assert set(FAIRSEQ_LANGUAGE_CODES["m2m100"]) == M2M100_LANGUAGES
