from pathlib import Path

import pytest

from diglot import langid
from diglot.langid import detect_language, likely_language, slow_to_detect


def test_long_texts(seed: Path, data: Path):
    assert detect_language(seed.read_text(encoding="utf-8")).code == "en"
    ru = detect_language((data / "ru.txt").read_text(encoding="utf-8"))
    zh = detect_language((data / "zh.txt").read_text(encoding="utf-8"))
    assert (ru.code, zh.code) == ("ru", "zh")  # langdetect says zh-cn; diglot says zh
    assert ru.confidence > 0.9 and zh.confidence > 0.9 and ru.method == "langdetect"


def test_deterministic(seed: Path):
    text = seed.read_text(encoding="utf-8")[:200]
    assert len({detect_language(text) for _ in range(5)}) == 1


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Привет", "ru"),
        ("你好", "zh"),
        ("こんにちは", "ja"),
        ("안녕하세요", "ko"),
        ("مرحبا", "ar"),
        ("Γειά σου", "el"),
        ("שלום", "he"),
        ("नमस्ते", "hi"),
    ],
)
def test_short_text_by_script(text: str, code: str):
    guess = detect_language(text)
    assert guess.code == code and guess.method == "script"


def test_short_latin_text_is_english_with_low_confidence():
    guess = detect_language("Hello there")
    assert guess.code == "en" and guess.confidence < 0.5


def test_script_wins_when_langdetect_contradicts_it(monkeypatch):
    import diglot.langid as langid

    monkeypatch.setattr(langid, "_langdetect", lambda text: langid.LanguageGuess("ko", 0.99, "langdetect"))
    text = "中国外交部重申了审慎负责的军品出口政策。乌克兰军方称在缴获的俄罗斯装备中发现了越来越多的中国零部件。"
    guess = detect_language(text)
    assert (guess.code, guess.method) == ("zh", "script")


def test_same_script_languages_are_told_apart():
    assert detect_language("Добрий день, як справи у вас сьогодні? Я дуже радий вас бачити знову.").code == "uk"


def test_no_letters():
    assert detect_language("12345 !!!").confidence == 0.0


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Пресс-служба Кремля сообщила об этом во вторник.", "ru"),
        ("俄罗斯总统普京和中国国家主席习近平周二会面。", "zh"),
        ("ロシアの大統領と中国の国家主席が会談した。", "ja"),
        ("러시아 대통령과 중국 국가주석이 만났다.", "ko"),
        ("Ο πρόεδρος της Ρωσίας συναντήθηκε με τον πρόεδρο της Κίνας.", "el"),
        ("The Kremlin said so on Tuesday.", "en"),
        ("Der Kreml teilte das am Dienstag mit; Ça s'est passé à Pékin.", "en"),  # Latin: English, as for short text
        ("2024 — 12:30, 15 %", None),
        ("", None),
    ],
)
def test_the_likely_language_is_the_one_the_writing_system_suggests(text: str, code: str | None):
    assert likely_language(text) == code


def test_only_langdetects_first_answer_is_slow(monkeypatch: pytest.MonkeyPatch, seed: Path):
    monkeypatch.setattr(langid, "_answered", langid.threading.Event())  # as in a process that has detected nothing
    article = seed.read_text(encoding="utf-8")
    assert slow_to_detect(article)
    assert not slow_to_detect("Short: its script decides.")  # too short for langdetect: no profiles read
    assert detect_language(article).code == "en"
    assert not slow_to_detect(article)
