"""The languages diglot knows by name, for pickers, headers and routing."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    """A language: ISO 639-1 code, English name, own name, ISO 639-3 code."""

    code: str
    name: str
    native: str
    iso3: str


LANGUAGES: tuple[Language, ...] = (
    Language("en", "English", "English", "eng"),
    Language("ru", "Russian", "Русский", "rus"),
    Language("zh", "Chinese", "中文", "zho"),
    Language("de", "German", "Deutsch", "deu"),
    Language("fr", "French", "Français", "fra"),
    Language("es", "Spanish", "Español", "spa"),
    Language("it", "Italian", "Italiano", "ita"),
    Language("pt", "Portuguese", "Português", "por"),
    Language("nl", "Dutch", "Nederlands", "nld"),
    Language("sv", "Swedish", "Svenska", "swe"),
    Language("fi", "Finnish", "Suomi", "fin"),
    Language("pl", "Polish", "Polski", "pol"),
    Language("cs", "Czech", "Čeština", "ces"),
    Language("uk", "Ukrainian", "Українська", "ukr"),
    Language("bg", "Bulgarian", "Български", "bul"),
    Language("el", "Greek", "Ελληνικά", "ell"),
    Language("tr", "Turkish", "Türkçe", "tur"),
    Language("ar", "Arabic", "العربية", "ara"),
    Language("he", "Hebrew", "עברית", "heb"),
    Language("hi", "Hindi", "हिन्दी", "hin"),
    Language("ja", "Japanese", "日本語", "jpn"),
    Language("ko", "Korean", "한국어", "kor"),
    Language("vi", "Vietnamese", "Tiếng Việt", "vie"),
    Language("id", "Indonesian", "Bahasa Indonesia", "ind"),
    Language("th", "Thai", "ไทย", "tha"),
)

BY_CODE = {language.code: language for language in LANGUAGES}


def language(code: str) -> Language:
    """The Language for ``code``; unknown codes get a plain entry named by the code."""
    return BY_CODE.get(code, Language(code, code, code, code))


def normalize_code(code: str) -> str:
    """``zh-cn``, ``ZH_TW``, ``zho``, ``Chinese`` -> ``zh``; other codes lower-cased."""
    value = code.strip().lower().replace("_", "-")
    base = value.split("-")[0]
    for lang in LANGUAGES:
        if base in (lang.code, lang.iso3) or value == lang.name.lower():
            return lang.code
    return base
