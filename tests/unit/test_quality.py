"""Quality flags: hand-written cases in several languages, then the tiny models' real output."""

from pathlib import Path

import pytest

from diglot.config import Config
from diglot.document import read_source
from diglot.langid import document_languages
from diglot.quality import (
    LENGTH_RATIO_LIMIT,
    REPEATED_WORD_RUN,
    check_output,
    check_translation,
)
from diglot.segment import split_sentences
from diglot.translate import Translator


def letters(first: int, count: int, n: int) -> str:
    """``n`` letters from an alphabet, in an order that never loops."""
    return "".join(chr(first + i * 7 % count) for i in range(n))


def kinds(source: str, target: str, src: str, tgt: str) -> set[str]:
    return {flag.kind for flag in check_translation(source, target, src=src, tgt=tgt)}


@pytest.mark.parametrize(
    ("source", "target", "src", "tgt"),
    [
        ("The house is big.", "Дом большой.", "en", "ru"),
        # Names, brands and codes stay in Latin letters in any language.
        ("Apple released the new iPhone 15 on Tuesday.", "Apple выпустила новый iPhone 15 во вторник.", "en", "ru"),
        ("The meeting lasted two hours and ended.", "会议持续了两个小时，最后发表了声明。", "en", "zh"),
        ("Путин встретился в Москве с министром обороны Китая.", "普京在莫斯科会见了中国国防部长。", "ru", "zh"),
        ("普京在莫斯科会见了中国国防部长。", "Putin met China's defence minister in Moscow.", "zh", "en"),
        ("Die Sitzung dauerte zwei Stunden und endete ohne Ergebnis.", "The session lasted two hours.", "de", "en"),
        ("L'été dernier, les élèves ont étudié à Genève.", "Прошлым летом ученики учились в Женеве.", "fr", "ru"),
        # The source repeats itself: so may the translation.
        ("No, no, no, no!", "Нет, нет, нет, нет!", "en", "ru"),
        # Only names and numbers: nothing to translate.
        ("Barcelona 2, Real Madrid 1.", "Barcelona 2, Real Madrid 1.", "en", "ru"),
        # "哈哈哈" is a laugh, not a loop.
        ("He laughed: ha ha ha.", "他笑道：哈哈哈。", "en", "zh"),
    ],
)
def test_good_translations_are_not_flagged(source: str, target: str, src: str, tgt: str):
    assert check_translation(source, target, src=src, tgt=tgt) == ()


@pytest.mark.parametrize(
    ("source", "target", "src", "tgt", "kind"),
    [
        ("The talks went on for hours.", "Переговоры шли шли шли часами.", "en", "ru", "repetition"),
        ("The talks went on for hours.", "Переговоры шли часами часами часами часами.", "en", "ru", "repetition"),
        ("会议持续了两个小时。", "The meeting meeting meeting lasted two hours.", "zh", "en", "repetition"),
        ("The meeting lasted two hours.", "会议表示表示表示持续了两个小时。", "en", "zh", "repetition"),
        ("The meeting lasted two hours.", "会议会会会会持续了两个小时。", "en", "zh", "repetition"),
        ("Die Sitzung war lang.", "The sesssssssssion was long.", "de", "en", "repetition"),
        # Latin letters in a Russian translation; Cyrillic in a Chinese one.
        ("The house is big and old.", "Дом the big house is very old.", "en", "ru", "wrong_script"),
        ("Путин встретился с министром обороны.", "普京会见了министром обороны。", "ru", "zh", "wrong_script"),
        ("Путин встретился с министром обороны.", "Putin встретился with the minister.", "ru", "en", "wrong_script"),
        ("The minister arrived on Sunday.", "Ο υπουργός έφτασε την Κυριακή.", "en", "ru", "wrong_script"),
        # Copied, not translated (also in scripts without case).
        ("The house is big and very old.", "The house is big and very old.", "en", "ru", "untranslated"),
        ("The house is big and very old.", "The house is big and very old!!", "en", "de", "untranslated"),
        ("普京在莫斯科会见了中国国防部长。", "普京在莫斯科会见了中国国防部长。", "zh", "en", "untranslated"),
        ("Президент встретился с министром.", "Президент встретился с министром.", "ru", "de", "untranslated"),
        # Far too short, far too long for the pair.
        ("The meeting lasted two hours and ended with a statement.", "会议。", "en", "zh", "length"),
        ("The meeting lasted two hours and ended with a statement.", "Встреча.", "en", "ru", "length"),
        ("会议持续了两个小时，最后发表了声明。", "The meeting lasted two hours. " * 12, "zh", "en", "length"),
        ("Die Sitzung dauerte zwei Stunden.", "", "de", "en", "empty"),
        ("Die Sitzung dauerte zwei Stunden.", " … ", "de", "en", "empty"),
    ],
)
def test_broken_translations_are_flagged(source: str, target: str, src: str, tgt: str, kind: str):
    flags = check_translation(source, target, src=src, tgt=tgt)
    assert kind in {flag.kind for flag in flags}
    assert all(flag.reason for flag in flags)


def test_reasons_say_what_is_wrong():
    (flag,) = check_translation("The talks went on.", "Переговоры шли шли шли шли.", src="en", tgt="ru")
    assert flag.reason == "repeats “шли” 4 times in a row"
    flags = check_translation("Путин встретился с министром.", "普京会见了министром。", src="ru", tgt="zh")
    assert [f.reason for f in flags] == ["64% of the letters are Cyrillic, not Han"]
    (flag,) = check_translation("The meeting lasted two hours and ended.", "Встреча.", src="en", tgt="ru")
    assert flag.kind == "length" and "times shorter than a en->ru translation usually is" in flag.reason


def test_thresholds_are_where_the_docs_say():
    run = " ".join(["шли"] * (REPEATED_WORD_RUN - 1))
    assert kinds("They went.", f"Они {run}.", "en", "ru") == set()
    assert kinds("They went.", f"Они {run} шли.", "en", "ru") == {"repetition"}
    # German takes 1.2 characters for each English one: 3x that is the limit.
    source = letters(0x61, 26, 30)
    assert kinds(source, letters(0x61, 26, int(30 * 1.2 * LENGTH_RATIO_LIMIT)), "en", "de") == set()
    assert kinds(source, letters(0x61, 26, int(30 * 1.2 * LENGTH_RATIO_LIMIT) + 2), "en", "de") == {"length"}
    # 20% foreign letters is still fine, 21% is not.
    cyrillic = letters(0x430, 32, 80)
    latin = letters(0x61, 26, 21)
    assert kinds("Hello there.", f"{cyrillic} {latin[:20]}", "en", "ru") == set()
    assert kinds("Hello there.", f"{cyrillic[:79]} {latin}", "en", "ru") == {"wrong_script"}


def test_no_flags_when_the_language_does_not_change():
    assert check_translation("Дом дом дом дом.", "Дом дом дом дом.", src="ru", tgt="ru") == ()


def test_summary_sentences_are_checked_without_a_source():
    assert check_output("Putin met the minister in Moscow.", language="en") == ()
    assert [f.kind for f in check_output("military military military cooperation", language="en")] == ["repetition"]
    assert [f.kind for f in check_output("Путин встретился с министром.", language="en")] == ["wrong_script"]
    assert [f.kind for f in check_output("", language="en")] == ["empty"]


def test_tiny_models_loops_and_wrong_scripts_are_flagged(tiny_models, seed: Path):
    """Random weights loop ("ВВВВ", "表示表示表示"): every such sentence is flagged, with a reason."""
    pairs = {k: str(tiny_models[k]) for k in ("en-ru", "en-zh")}
    translator = Translator(Config(translate_models=pairs, num_beams=1))
    document = read_source(str(seed))
    for tgt in ("ru", "zh"):
        translation = translator.translate(document, src="en", tgt=tgt, languages=document_languages(document, "en"))
        pairs_out = [pair for p in translation.paragraphs for pair in p.sentences]
        assert translation.flagged == len(pairs_out) > 0
        found = {flag.kind for pair in pairs_out for flag in pair.flags}
        assert "repetition" in found
        for pair in pairs_out:
            assert pair.flags == check_translation(pair.source, pair.target, src="en", tgt=tgt)


def test_tiny_model_in_the_wrong_language_is_flagged(tiny_models, seed: Path):
    """A model that writes Russian asked for Chinese: the wrong script is caught on every sentence."""
    translator = Translator(Config(num_beams=1), model=str(tiny_models["en-ru"]))
    sentence = "Russian President Vladimir Putin met China's Defense Minister in Moscow on Sunday."
    (target,) = translator.translate_sentences([sentence], translator.route("en", "ru"))
    flags = check_translation(sentence, target, src="en", tgt="zh")
    assert "wrong_script" in {f.kind for f in flags}


def test_tiny_multilingual_model_mixes_scripts_and_is_flagged(tiny_models, seed: Path):
    """The random M2M100 draws from one vocabulary for en, ru and zh: its "Chinese" is mostly Latin."""
    translator = Translator(Config(multilingual_model=str(tiny_models["multilingual"]), num_beams=1))
    sentences = [s for p in read_source(str(seed)).paragraphs[:2] for s in split_sentences(p)]
    route = translator.route("en", "zh")
    assert route.kind == "multilingual"
    targets = translator.translate_sentences(sentences, route)
    flags = [check_translation(s, t, src="en", tgt="zh") for s, t in zip(sentences, targets, strict=True)]
    assert all(flags)
    assert "wrong_script" in {flag.kind for found in flags for flag in found}
    # The reason names the scripts: Latin letters where Han was expected.
    assert any("Latin" in f.reason and "not Han" in f.reason for found in flags for f in found)


def test_mixed_words_are_split_at_cjk_characters():
    from diglot.quality import tokens

    assert tokens("iPhone手机很好 the 表示表示") == ["iphone", "手", "机", "很", "好", "the", "表", "示", "表", "示"]
    flags = check_translation("He said the iPhone is good.", "他说iPhone iPhone iPhone很好。", src="en", tgt="zh")
    assert "repeats “iphone” 3 times in a row" in [flag.reason for flag in flags]
    assert "wrong_script" not in [flag.kind for flag in flags]  # a name copied from the source
