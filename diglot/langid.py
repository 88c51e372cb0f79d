"""Language identification: langdetect, with a script-based answer for short text.

What votes is prose: inline code, addresses and code-like words are left out
(``voting_text``), and a letter of a script that writes a word in fewer
letters (a Chinese character, a Korean syllable) weighs more. Text in a
script none of langdetect's languages uses (Ethiopic, Canadian Syllabics,
Tibetan, ...) is ``UNKNOWN``, never guessed as another language.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, get_args

from diglot.languages import normalize_code
from diglot.lazy import LazySequence

if TYPE_CHECKING:
    from diglot.document import Document
    from diglot.documents.model import Unit

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

# The code of a text in a script none of langdetect's languages is written in
# (ISO 639-2 "undetermined").
UNKNOWN = "und"

# The scripts langdetect's 55 languages are written in; a letter of another
# script (Ethiopic, Canadian Syllabics, Tibetan, ...) names no language it knows.
_DETECTOR_SCRIPTS = frozenset(
    {
        *_SCRIPT_LANGUAGE,
        *("LATIN", "BENGALI", "GURMUKHI", "GUJARATI", "TAMIL", "TELUGU", "KANNADA", "MALAYALAM"),
    }
)
# First words of letter names that are no script of their own (a fullwidth
# Latin letter, a modifier letter, a mathematical letter).
_NOT_A_SCRIPT = frozenset(
    {
        *("MODIFIER", "MATHEMATICAL", "CIRCLED", "PARENTHESIZED", "SQUARED", "NEGATIVE", "SMALL"),
        *("SUPERSCRIPT", "SUBSCRIPT", "DOUBLE-STRUCK", "SCRIPT", "BLACK-LETTER", "COMBINING", "IDEOGRAPHIC"),
        *("TURNED", "REVERSED", "LETTERLIKE", "FULLWIDTH", "HALFWIDTH", "FEMININE", "MASCULINE", "MICRO"),
    }
)
_SCRIPT_DISPLAY_NAMES = {"CANADIAN": "Canadian Syllabics", "CJK": "Chinese"}
# How many Latin letters one letter of a script is worth, roughly: a Chinese
# character or kana is about a word, a Korean syllable two or three letters.
# Without it a Chinese paragraph naming a few English terms counts as English.
_LETTER_WEIGHT = {"CJK": 3, "HIRAGANA": 3, "KATAKANA": 3, "HANGUL": 2}

_lock = threading.Lock()


GuessMethod = Literal["langdetect", "script", "given", "none"]
"""How a language was found: by langdetect, by the letters' script, given by the user, or not yet."""
GUESS_METHODS: tuple[GuessMethod, ...] = get_args(GuessMethod)


@dataclass(frozen=True)
class LanguageGuess:
    """A detected language: ISO 639-1 ``code``, ``confidence`` 0-1, and ``method``."""

    code: str
    confidence: float
    method: GuessMethod


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
    if first in _DETECTOR_SCRIPTS or first in _NOT_A_SCRIPT:
        return "OTHER"
    return first  # a script langdetect does not know (ETHIOPIC, CANADIAN, TIBETAN, ...)


def _counts(char: str) -> bool:
    """Whether ``char`` is a letter for the script count: letters, and the vowel signs of scripts like Devanagari."""
    if char.isalpha():
        return True
    return unicodedata.category(char) in ("Mn", "Mc") and _script(char) not in (None, "OTHER")


def script_profile(text: str) -> Counter[str]:
    """Letters counted by script (LATIN, CYRILLIC, CJK, ...); OTHER for scripts langdetect tells apart itself."""
    return Counter(s for ch in text if _counts(ch) and (s := _script(ch)))


def _weighted(profile: Counter[str]) -> Counter[str]:
    """``profile`` with each script's letters weighed as Latin letters (``_LETTER_WEIGHT``)."""
    return Counter({script: count * _LETTER_WEIGHT.get(script, 1) for script, count in profile.items()})


def unknown_script(script: str) -> bool:
    """Whether ``script`` (as ``script_profile`` names it) is one no language of the detector is written in."""
    return script not in _DETECTOR_SCRIPTS and script != "OTHER"


def script_name(script: str) -> str:
    """A script as a reader names it ("ETHIOPIC" -> "Ethiopic")."""
    return _SCRIPT_DISPLAY_NAMES.get(script, script.title())


def _by_script(profile: Counter[str]) -> LanguageGuess | None:
    profile = _weighted(profile)
    total = sum(profile.values())
    if not total:
        return None
    script, count = profile.most_common(1)[0]
    if unknown_script(script):
        return LanguageGuess(UNKNOWN, round(count / total, 3), "script")
    if profile["HIRAGANA"] + profile["KATAKANA"]:
        share = (profile["HIRAGANA"] + profile["KATAKANA"] + profile["CJK"]) / total
        return LanguageGuess("ja", round(share, 3), "script")
    if script not in _SCRIPT_LANGUAGE:
        return None
    return LanguageGuess(_SCRIPT_LANGUAGE[script], round(count / total, 3), "script")


def main_unknown_script(text: str) -> str | None:
    """The script most of ``text`` is written in when it is one the detector does not know ("ETHIOPIC"), else None."""
    profile = _weighted(script_profile(text))
    if not profile:
        return None
    script = profile.most_common(1)[0][0]
    return script if unknown_script(script) else None


@functools.cache
def detector_languages() -> tuple[str, ...]:
    """The languages langdetect knows (its profiles), as diglot's codes."""
    from importlib.resources import files

    profiles = files("langdetect") / "profiles"
    return tuple(sorted({normalize_code(entry.name) for entry in profiles.iterdir() if not entry.name.startswith(".")}))


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
    sample spread over it. Text mostly in a script no language of
    langdetect's is written in is ``UNKNOWN`` (``detector_languages``).
    Callers pass prose (``voting_text``, ``article_text``): code and
    addresses would vote for English.
    """
    text = _sample(text)
    profile = script_profile(text)
    letters = sum(profile.values())
    by_script = _by_script(profile)
    if by_script is not None and by_script.code == UNKNOWN:
        return by_script  # langdetect would name one of its own languages
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


def article_language(text: str) -> LanguageGuess:
    """``detect_language`` for a whole article: no surer than the share of its letters in its main script.

    A mixed English and Russian article is "Russian 67%", not 100%: langdetect is sure of the language of the
    larger part. (A paragraph's own guess keeps langdetect's confidence: ``ParagraphLanguages``.)
    """
    guess = detect_language(text)
    if guess.method != "langdetect":
        return guess
    weighted = _weighted(script_profile(_sample(text)))
    total = sum(weighted.values())
    if not total:
        return guess
    share = round(weighted.most_common(1)[0][1] / total, 3)
    return LanguageGuess(guess.code, min(guess.confidence, share), guess.method)


# What is not prose in running text: inline code, addresses, e-mail, and
# code-like words (ASCII runs with an underscore, a slash, "()", "::", "=",
# brackets, or a dot between letters: asyncio.run(main()), foo_bar, a/b).
_NOT_PROSE = re.compile(
    r"""
    `[^`\n]*`
    | \b[a-z][a-z0-9+.-]*://[!-~]+
    | \bwww\.[!-~]+
    | [A-Za-z0-9.+-]+@[A-Za-z0-9-]+\.[A-Za-z0-9.-]+
    | [!-~]*(?:[_/\\=<>{}\[\]$@#|]|\(\)|::|[A-Za-z0-9]\.[A-Za-z])[!-~]*
    """,
    re.VERBOSE | re.IGNORECASE,
)


def voting_text(
    text: str, *, protected: Sequence[tuple[int, int]] = (), segments: Sequence[tuple[int, int]] = ()
) -> str:
    """What of ``text`` (one paragraph) votes for its language: its prose, without code, addresses or markup.

    ``segments`` (the prose parts of a structured paragraph, ``Unit.segments``; all of it if empty) less its
    ``protected`` ranges (inline code, URLs), then less what looks like code or an address (``_NOT_PROSE``).
    """
    if segments or protected:
        parts = []
        cuts = sorted(protected)
        for start, end in segments or [(0, len(text))]:
            position = start
            for cut_start, cut_end in cuts:
                if cut_end <= position or cut_start >= end:
                    continue
                parts.append(text[position : max(position, cut_start)])
                position = max(position, cut_end)
            parts.append(text[position:end])
        text = " ".join(parts)
    return _NOT_PROSE.sub(" ", text)


def unit_voting_text(paragraph: str, unit: Unit | None) -> str:
    """``voting_text`` of a document's paragraph given what it is made of (``Document.unit``); "" for code."""
    if unit is None:
        return voting_text(paragraph)
    if unit.verbatim:
        return ""
    return voting_text(paragraph, protected=unit.protected, segments=unit.segments)


def article_text(document: Document) -> str:
    """The text an article's language is judged by: its prose paragraphs' ``voting_text`` (else any paragraph's)."""
    paragraphs = document.paragraphs
    texts = [unit_voting_text(paragraphs[i], document.unit(i)) for i in document.prose_indices()]
    if not any(text.strip() for text in texts):  # only tables, say: their cells are prose too
        texts = [unit_voting_text(p, document.unit(i)) for i, p in enumerate(paragraphs)]
    return "\n\n".join(text.strip() for text in texts if text.strip())


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


def _script_shares(text: str) -> Counter[str]:
    """The letters of ``text`` by script, weighed (``_LETTER_WEIGHT``); kana counts as CJK (Japanese)."""
    profile = _weighted(script_profile(text))
    for kana in ("HIRAGANA", "KATAKANA"):
        profile["CJK"] += profile.pop(kana, 0)
    return +profile  # drops the zero counts


def _main_script(text: str) -> str | None:
    """The script most of the letters of ``text`` are in; kana counts as CJK (Japanese)."""
    profile = _script_shares(text)
    return profile.most_common(1)[0][0] if profile else None


def paragraph_languages(paragraphs: Sequence[str], default: str) -> list[str]:
    """The language of each paragraph of an article whose language is ``default`` (see ``ParagraphLanguages``)."""
    return list(ParagraphLanguages(paragraphs, default))


def document_languages(
    document: Document, language: str, *, on_complete: Callable[[list[str]], None] | None = None
) -> Sequence[str]:
    """Each paragraph's language in ``document``, an article in ``language``: found on demand
    (``ParagraphLanguages``, a code block counting as ``language``), or ``language`` throughout for one paragraph.

    What ``diglot.jobs.pipeline.Article.paragraph_languages`` finds, once per article; a script that
    translates a document on its own gives it to ``Translator.translate`` itself.
    """
    paragraphs = document.paragraphs
    if len(paragraphs) == 1:
        return (language,)
    return ParagraphLanguages(paragraphs, language, on_complete=on_complete, units=document.units)


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
        self,
        paragraphs: Sequence[str],
        default: str,
        *,
        on_complete: Callable[[list[str]], None] | None = None,
        units: Sequence[Unit] = (),
    ) -> None:
        self.paragraphs = paragraphs
        self.default = default
        # What each paragraph is made of (``Document.units``; empty for plain text): only prose votes.
        self._units = units
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
            paragraph = self._voting_text(index)
            guess = None
            if sum(script_profile(paragraph).values()) >= _OWN_LANGUAGE_LETTERS:
                guess = detect_language(paragraph)
            sure = guess is not None and guess.confidence >= _OWN_LANGUAGE_CONFIDENCE
            self._own[index] = guess.code if sure and guess is not None else None
        return self._own[index]

    def _voting_text(self, index: int) -> str:
        """What of paragraph ``index`` votes (``unit_voting_text``): no code, address or markup."""
        return unit_voting_text(self.paragraphs[index], self._units[index] if self._units else None)

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
        paragraph = self._voting_text(index)
        shares = _script_shares(paragraph)
        if not shares:  # numbers, punctuation, code: nothing to go by
            return self.default
        script = shares.most_common(1)[0][0]
        total = sum(shares.values())

        def agrees(code: str) -> bool:
            # A heading like "asyncio 教程" is Chinese where its neighbours are: a third of a non-Latin script
            # is the paragraph's own words, Latin in it a name or a term.
            own = language_script(code)
            return own == script or (own not in ("LATIN", "OTHER") and shares[own] * 3 >= total)

        # The decided neighbours after and before it, nearer first (after on a tie), then the article.
        around = [i for i in (self._nearest_decided(index, 1), self._nearest_decided(index, -1)) if i is not None]
        candidates = [self._own[i] for i in sorted(around, key=lambda i: abs(i - index))]
        agreeing = next((c for c in [*candidates, self.default] if c and agrees(c)), None)
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


def unknown_language_message(text: str) -> str:
    """One line for a text whose language is ``UNKNOWN``: its script, what the detector knows, and ``--from``."""
    script = main_unknown_script(text)
    written = f"it is written in {script_name(script)} script, " if script else ""
    known = detector_languages()
    return (
        f"the article's language is unknown: {written}which none of the {len(known)} languages the detector knows "
        f"({', '.join(known)}) is written in; say which it is with --from LANG (for example --from am)"
    )
