"""Language identification: langdetect, with a script-based answer for short text."""

from __future__ import annotations

import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass

from diglot.languages import normalize_code

# Below this many letters langdetect is little better than a coin toss; the
# writing system is a surer guide.
_SHORT = 40

# Scripts that (nearly) name a language on their own. Cyrillic and Arabic
# cover several languages; langdetect picks among them when it agrees.
_SCRIPT_LANGUAGE = {
    "CYRILLIC": "ru",
    "CJK": "zh",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "HANGUL": "ko",
    "ARABIC": "ar",
    "HEBREW": "he",
    "GREEK": "el",
    "DEVANAGARI": "hi",
    "THAI": "th",
}

_SAME_SCRIPT = {"ru": {"uk", "bg", "mk", "sr", "be"}, "ar": {"fa", "ur"}}

_lock = threading.Lock()


@dataclass(frozen=True)
class LanguageGuess:
    """A detected language: ISO 639-1 ``code``, ``confidence`` 0-1, and ``method``."""

    code: str
    confidence: float
    method: str  # "langdetect", "script", or "given"


def _script(char: str) -> str | None:
    try:
        name = unicodedata.name(char)
    except ValueError:
        return None
    first = name.split(" ")[0]
    if first in ("CJK", "HIRAGANA", "KATAKANA", "HANGUL"):
        return first
    if first in _SCRIPT_LANGUAGE or first == "LATIN":
        return first
    return "OTHER"


def script_profile(text: str) -> Counter[str]:
    """Letters counted by script (LATIN, CYRILLIC, CJK, ...)."""
    return Counter(s for ch in text if ch.isalpha() and (s := _script(ch)))


def _by_script(profile: Counter[str]) -> LanguageGuess | None:
    total = sum(profile.values())
    if not total:
        return None
    if profile["HIRAGANA"] + profile["KATAKANA"]:
        share = (profile["HIRAGANA"] + profile["KATAKANA"] + profile["CJK"]) / total
        return LanguageGuess("ja", round(share, 3), "script")
    script, count = profile.most_common(1)[0]
    if script not in _SCRIPT_LANGUAGE:
        return None
    return LanguageGuess(_SCRIPT_LANGUAGE[script], round(count / total, 3), "script")


def _langdetect(text: str) -> LanguageGuess | None:
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    with _lock:  # langdetect's factory is global state
        DetectorFactory.seed = 0  # deterministic
        try:
            best = detect_langs(text)[0]
        except LangDetectException:
            return None
    return LanguageGuess(normalize_code(best.lang), round(best.prob, 3), "langdetect")


def detect_language(text: str) -> LanguageGuess:
    """Guess the language of ``text``.

    langdetect (seeded, so the same text always gives the same answer) for
    text long enough; the writing system for short text and where langdetect
    contradicts an unambiguous script. Latin-script text too short to tell
    is taken as English with a low confidence.
    """
    profile = script_profile(text)
    letters = sum(profile.values())
    by_script = _by_script(profile)
    if letters >= _SHORT:
        guess = _langdetect(text)
        if guess is not None:
            if by_script is None or by_script.code == guess.code:
                return guess
            # Several languages share a script: langdetect picks among them.
            if guess.code in _SAME_SCRIPT.get(by_script.code, ()):
                return guess
            return by_script
    if by_script is not None:
        return by_script
    if letters:
        return LanguageGuess("en", 0.3 if letters < _SHORT else 0.5, "script")
    return LanguageGuess("en", 0.0, "script")
