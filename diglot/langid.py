"""Language identification: langdetect, with a script-based answer for short text."""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from diglot.languages import normalize_code
from diglot.lazy import LazySequence

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


def script_language(text: str) -> str | None:
    """The language the writing system of ``text`` names, if it names one (Cyrillic -> ru)."""
    guess = _by_script(script_profile(text))
    return guess.code if guess is not None else None


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


# Beyond this many characters, a sample of the text is as telling as all of
# it, and langdetect takes seconds over megabytes.
_SAMPLE_CHARS = 20_000
_SAMPLE_PIECES = 10


def _sample(text: str) -> str:
    """``text``, or for long text ``_SAMPLE_PIECES`` evenly spaced pieces of it."""
    if len(text) <= _SAMPLE_CHARS:
        return text
    piece = _SAMPLE_CHARS // _SAMPLE_PIECES
    step = (len(text) - piece) // (_SAMPLE_PIECES - 1)
    return "\n".join(text[i * step : i * step + piece] for i in range(_SAMPLE_PIECES))


def detect_language(text: str) -> LanguageGuess:
    """Guess the language of ``text``.

    langdetect (seeded, so the same text always gives the same answer) for
    text long enough; the writing system for short text and where langdetect
    contradicts an unambiguous script. Latin-script text too short to tell
    is taken as English with a low confidence. Long text is judged by a
    sample spread over it.
    """
    text = _sample(text)
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


# A paragraph gets its own language only when it has this many letters and
# langdetect is this sure; a shorter one (a headline, a caption) follows
# its neighbours or the document where its script agrees.
_OWN_LANGUAGE_LETTERS = 60
_OWN_LANGUAGE_CONFIDENCE = 0.9
# ISO 15924 scripts (CLDR's likely script of a language) as script_profile names them.
_SCRIPT_NAMES = {
    "Latn": "LATIN",
    "Cyrl": "CYRILLIC",
    "Hans": "CJK",
    "Hant": "CJK",
    "Jpan": "CJK",
    "Kore": "HANGUL",
    "Arab": "ARABIC",
    "Hebr": "HEBREW",
    "Grek": "GREEK",
    "Deva": "DEVANAGARI",
    "Thai": "THAI",
}


def language_script(code: str) -> str:
    """The script a language is usually written in, as script_profile names it ("ru" -> "CYRILLIC")."""
    from babel.core import get_global

    likely = get_global("likely_subtags").get(code, "")
    parts = likely.split("_")
    return _SCRIPT_NAMES.get(parts[1], "OTHER") if len(parts) > 1 else "OTHER"


def _main_script(text: str) -> str | None:
    """The script most of the letters of ``text`` are in; kana counts as CJK (Japanese)."""
    profile = script_profile(text)
    for kana in ("HIRAGANA", "KATAKANA"):
        profile["CJK"] += profile.pop(kana, 0)
    profile = +profile  # drops the zero counts
    return profile.most_common(1)[0][0] if profile else None


def paragraph_languages(paragraphs: Sequence[str], default: str) -> list[str]:
    """The language of each paragraph of an article whose language is ``default`` (see ``ParagraphLanguages``)."""
    return list(ParagraphLanguages(paragraphs, default))


class ParagraphLanguages(LazySequence[str]):
    """Each paragraph's language, found when first asked for and remembered; safe to share between threads.

    A paragraph long enough for langdetect to be sure keeps its own
    language. A shorter one (a headline) takes the language of its nearest
    such neighbour (the one after it first) or of the article, but only when
    its own script agrees: a Latin headline in a Russian article is English,
    not Russian. Otherwise its script decides (Latin: English).

    langdetect takes a few milliseconds a paragraph (about a minute for
    20,000): asked for one paragraph, this looks at it and, for a short one,
    at the paragraphs up to its nearest decided neighbours, so a translation
    can start on an article's first paragraphs while the rest are unknown.
    """

    def __init__(
        self, paragraphs: Sequence[str], default: str, *, on_complete: Callable[[list[str]], None] | None = None
    ) -> None:
        self.paragraphs = paragraphs
        self.default = default
        self._own: dict[int, str | None] = {}
        self._found: dict[int, str] = {}
        self._lock = threading.RLock()
        # Told every paragraph's language once the last is found (to remember them for a later run).
        self._on_complete = on_complete

    def __len__(self) -> int:
        return len(self.paragraphs)

    def _item(self, index: int) -> str:
        with self._lock:
            if index not in self._found:
                self._found[index] = self._language(index)
                if len(self._found) == len(self.paragraphs) and self._on_complete is not None:
                    self._on_complete([self._found[i] for i in range(len(self.paragraphs))])
            return self._found[index]

    @property
    def known(self) -> int:
        """How many paragraphs' languages have been found so far."""
        with self._lock:
            return len(self._found)

    def _own_language(self, index: int) -> str | None:
        """The paragraph's own language when it is long enough and langdetect is sure, else None."""
        if index not in self._own:
            paragraph = self.paragraphs[index]
            guess = None
            if sum(script_profile(paragraph).values()) >= _OWN_LANGUAGE_LETTERS:
                guess = detect_language(paragraph)
            sure = guess is not None and guess.confidence >= _OWN_LANGUAGE_CONFIDENCE
            self._own[index] = guess.code if sure and guess is not None else None
        return self._own[index]

    def _nearest_decided(self, index: int, step: int) -> int | None:
        """The nearest paragraph after (``step`` 1) or before (-1) ``index`` with a language of its own."""
        other = index + step
        while 0 <= other < len(self.paragraphs):
            if self._own_language(other) is not None:
                return other
            other += step
        return None

    def _language(self, index: int) -> str:
        if (code := self._own_language(index)) is not None:
            return code
        paragraph = self.paragraphs[index]
        script = _main_script(paragraph)
        if script is None:  # numbers, punctuation: nothing to go by
            return self.default
        # The decided neighbours after and before it, nearer first (after on a tie), then the article.
        around = [i for i in (self._nearest_decided(index, 1), self._nearest_decided(index, -1)) if i is not None]
        candidates = [self._own[i] for i in sorted(around, key=lambda i: abs(i - index))]
        agreeing = next((c for c in [*candidates, self.default] if c and language_script(c) == script), None)
        return agreeing or script_language(paragraph) or "en"


# Letters of each script as code-point ranges, for a regular expression that
# tells in one C-speed pass whether a paragraph holds a letter of another script.
_SCRIPT_RANGES = {
    "LATIN": "A-Za-z\u00aa\u00ba\u00c0-\u024f\u1e00-\u1eff",
    "CYRILLIC": "\u0400-\u052f",
    "GREEK": "\u0370-\u03ff\u1f00-\u1fff",
    "ARABIC": "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff",
    "HEBREW": "\u0590-\u05ff",
    "DEVANAGARI": "\u0900-\u097f",
    "THAI": "\u0e00-\u0e7f",
    "HANGUL": "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af",
    "CJK": "\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff",
}


def script_paragraph_languages(paragraphs: Sequence[str], default: str) -> list[str]:
    """Each paragraph's language by its writing system alone: a cheap stand-in for ``paragraph_languages``.

    A paragraph mostly in the script of ``default`` is in ``default``; one
    mostly in another script takes the language that script names (Cyrillic:
    Russian), else English. Unlike ``paragraph_languages`` it cannot tell two
    languages of one script apart (a German paragraph in an English article
    stays English), but it costs a regular-expression scan per paragraph,
    where langdetect takes ~4 ms a paragraph (about 20 s for a 4.5 MB article).
    """
    script = language_script(default)
    ranges = _SCRIPT_RANGES.get(script)
    # Any letter outside the article's script sends the paragraph to the exact count.
    foreign = re.compile(rf"[^\W\d_{ranges}]") if ranges else None
    result = []
    for paragraph in paragraphs:
        if foreign is not None and not foreign.search(paragraph):
            result.append(default)
            continue
        main = _main_script(paragraph)
        if main is None or main == script:
            result.append(default)
        else:
            result.append(script_language(paragraph) or "en")
    return result
