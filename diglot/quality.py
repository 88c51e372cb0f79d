"""Quality flags on output sentences, computed from the text alone (no model).

A flag says a sentence is probably broken, and why, so a reader who cannot
read the original knows which sentences not to trust. The checks and their
thresholds (also in the README, "How far to trust the output"):

- ``empty``: the source has words, the output has none.
- ``repetition``: the output repeats one word ``REPEATED_WORD_RUN`` (3)
  times in a row, one Chinese or Japanese character ``REPEATED_CHARACTER_RUN``
  (4) times ("哈哈哈" is a laugh), a group of 2-4 words or characters
  ``REPEATED_GROUP_RUN`` (3) times, or one to three letters inside a word
  ``REPEATED_LETTERS_RUN`` (5) times ("сосососос") -- and repeats more than
  its source does ("no, no, no" stays unflagged when the source says it too).
- ``wrong_script``: more than ``WRONG_SCRIPT_SHARE`` (20%) of the output's
  letters are in a script the target language is not written in (Latin
  letters in Russian, Cyrillic in Chinese). Latin-script words copied from
  the source (names, brands, codes) are allowed: every language keeps them.
- ``untranslated``: the output equals its source, or is at least
  ``UNTRANSLATED_SIMILARITY`` (90%) similar to it, when the source has at
  least three lower-case words (or six CJK characters), so that names and
  numbers, which stay as they are, do not count.
- ``markup``: the model lost or repeated a part kept as it is (inline code,
  an address) or the words of a link or emphasis, and the fallback put it
  back (``diglot.documents.prose``).
- ``glossary``: the model lost or repeated the placeholder of a glossary
  term, and the fallback put the term (its target) back
  (``diglot.glossary``).
- ``length``: the output's length in characters is more than
  ``LENGTH_RATIO_LIMIT`` (3) times longer or shorter than the language pair
  normally gives (``CHARS_PER_ENGLISH_CHAR``: Chinese takes about a third of
  the characters of English, German a fifth more), for sources of at least
  20 English-equivalent characters.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal, get_args

FlagKind = Literal["empty", "repetition", "wrong_script", "untranslated", "length", "markup", "glossary"]
FLAG_KINDS: tuple[FlagKind, ...] = get_args(FlagKind)

REPEATED_WORD_RUN = 3
REPEATED_CHARACTER_RUN = 4
REPEATED_GROUP_RUN = 3
REPEATED_LETTERS_RUN = 5
WRONG_SCRIPT_SHARE = 0.2
UNTRANSLATED_SIMILARITY = 0.9
LENGTH_RATIO_LIMIT = 3.0
_MIN_LENGTH_CHECKED = 20  # English-equivalent characters

# Characters a sentence takes in each language for what English says in one
# (typical figures from parallel corpora; only their ratios matter, and the
# limit above is wide).
CHARS_PER_ENGLISH_CHAR = {
    "en": 1.0,
    "de": 1.2,
    "fr": 1.15,
    "es": 1.15,
    "it": 1.1,
    "pt": 1.1,
    "nl": 1.15,
    "sv": 1.0,
    "fi": 1.1,
    "pl": 1.1,
    "cs": 1.0,
    "tr": 1.0,
    "vi": 1.1,
    "id": 1.1,
    "ru": 1.1,
    "uk": 1.1,
    "bg": 1.1,
    "el": 1.15,
    "ar": 0.9,
    "he": 0.8,
    "hi": 1.05,
    "th": 0.95,
    "zh": 0.3,
    "ja": 0.4,
    "ko": 0.45,
}

_CYRILLIC = {"ru", "uk", "bg", "be", "mk", "kk"}
_LATIN = {"en", "de", "fr", "es", "it", "pt", "nl", "sv", "fi", "pl", "cs", "tr", "vi", "id", "ro", "da", "no", "hu"}
# The scripts each target language is written in (as Unicode names them).
SCRIPTS: dict[str, frozenset[str]] = {
    **{code: frozenset({"CYRILLIC"}) for code in _CYRILLIC},
    **{code: frozenset({"LATIN"}) for code in _LATIN},
    "zh": frozenset({"CJK"}),
    "ja": frozenset({"CJK", "HIRAGANA", "KATAKANA"}),
    "ko": frozenset({"HANGUL", "CJK"}),
    "ar": frozenset({"ARABIC"}),
    "fa": frozenset({"ARABIC"}),
    "he": frozenset({"HEBREW"}),
    "el": frozenset({"GREEK"}),
    "hi": frozenset({"DEVANAGARI"}),
    "th": frozenset({"THAI"}),
}

_WORD = re.compile(r"\w+", re.UNICODE)
_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_CJK_OR_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]|[^\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]+")
# One to three letters repeated inside a word ("ВВВВВ", "сосососос"); CJK
# characters are counted as words instead.
_LETTER_LOOP = re.compile(r"((?:(?![\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff])[^\W\d_]){1,3}?)\1{4,}")


@dataclass(frozen=True)
class QualityFlag:
    """Why one output sentence is probably broken: ``kind`` (one of ``FLAG_KINDS``) and a one-line ``reason``."""

    kind: FlagKind
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "reason": self.reason}


def letter_script(char: str) -> str | None:
    """The script of a letter as Unicode names it (LATIN, CYRILLIC, CJK, ...); None for non-letters."""
    if not char.isalpha():
        return None
    try:
        name = unicodedata.name(char)
    except ValueError:
        return None
    first = name.split(" ")[0].split("-")[0]
    return first


def tokens(text: str) -> list[str]:
    """Lower-cased words; each Chinese or Japanese character is a token of its own."""
    out: list[str] = []
    for match in _WORD.finditer(text.lower()):
        # "iPhone手机" is two tokens of Latin and two of Han: split at the CJK characters.
        out.extend(_CJK_OR_RUN.findall(match.group()))
    return out


def _threshold(group: tuple[str, ...]) -> int:
    if len(group) > 1:
        return REPEATED_GROUP_RUN
    return REPEATED_CHARACTER_RUN if _CJK_CHAR.fullmatch(group[0]) else REPEATED_WORD_RUN


def _longest_loop(text: str) -> tuple[float, str, int]:
    """The strongest loop in ``text``: (strength, what repeats, how often); strength >= 1 is a loop.

    Strength is the run length over its threshold, so runs of words,
    groups and letters compare.
    """
    best: tuple[float, str, int] = (0.0, "", 0)
    words = tokens(text)
    for size in range(1, 5):
        for start in range(len(words) - size):
            group = tuple(words[start : start + size])
            run = 1
            while tuple(words[start + run * size : start + (run + 1) * size]) == group:
                run += 1
            strength = run / _threshold(group)
            if run > 1 and strength > best[0]:
                joiner = "" if all(_CJK_CHAR.fullmatch(t) for t in group) else " "
                best = (strength, joiner.join(group), run)
    for match in _LETTER_LOOP.finditer(text):
        run = len(match.group()) // len(match.group(1))
        strength = run / REPEATED_LETTERS_RUN
        if strength > best[0]:
            best = (strength, match.group(1), run)
    return best


def repetition_flag(text: str, source: str | None = None) -> QualityFlag | None:
    strength, unit, run = _longest_loop(text)
    if strength < 1.0 or (source is not None and _longest_loop(source)[0] >= strength):
        return None  # no loop, or the source repeats itself as much ("no, no, no")
    return QualityFlag("repetition", f"repeats “{unit}” {run} times in a row")


def wrong_script_flag(text: str, language: str, source: str | None = None) -> QualityFlag | None:
    expected = SCRIPTS.get(language)
    if expected is None:
        return None
    copied = {w for w in _WORD.findall(source or "")}
    letters = 0
    foreign: dict[str, int] = {}
    for word in (run for match in _WORD.findall(text) for run in _CJK_OR_RUN.findall(match)):
        scripts = [s for ch in word if (s := letter_script(ch))]
        letters += len(scripts)
        if word in copied and all(s == "LATIN" for s in scripts):
            continue  # a name, brand or code kept as the source wrote it
        for script in scripts:
            if script not in expected:
                foreign[script] = foreign.get(script, 0) + 1
    if not letters or sum(foreign.values()) / letters <= WRONG_SCRIPT_SHARE:
        return None
    share = sum(foreign.values()) / letters
    names = ", ".join(_script_name(s) for s in sorted(foreign, key=lambda s: -foreign[s]))
    return QualityFlag("wrong_script", f"{share:.0%} of the letters are {names}, not {_describe(expected)}")


def _script_name(script: str) -> str:
    return "Han" if script == "CJK" else script.title()


def _describe(scripts: frozenset[str]) -> str:
    return " or ".join(sorted(_script_name(s) for s in scripts))


def _normalised(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def untranslated_flag(source: str, target: str) -> QualityFlag | None:
    lower_words = [w for w in _WORD.findall(source) if w.islower() and not _CJK_CHAR.search(w)]
    cjk = len(_CJK_CHAR.findall(source))
    if len(lower_words) < 3 and cjk < 6:
        return None
    a, b = _normalised(source), _normalised(target)
    if a == b:
        similarity = 1.0
    else:
        matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
        # Two cheap upper bounds of ratio() first: most translations share too
        # few characters with their source to come near the limit.
        if matcher.real_quick_ratio() < UNTRANSLATED_SIMILARITY or matcher.quick_ratio() < UNTRANSLATED_SIMILARITY:
            return None
        similarity = matcher.ratio()
    if similarity < UNTRANSLATED_SIMILARITY:
        return None
    what = "the same as its source" if a == b else f"{similarity:.0%} the same as its source"
    return QualityFlag("untranslated", f"untranslated: {what}")


def _length(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())


def length_flag(source: str, target: str, src: str, tgt: str) -> QualityFlag | None:
    src_factor = CHARS_PER_ENGLISH_CHAR.get(src, 1.0)
    tgt_factor = CHARS_PER_ENGLISH_CHAR.get(tgt, 1.0)
    if _length(source) / src_factor < _MIN_LENGTH_CHECKED or not _length(target):
        return None
    expected = tgt_factor / src_factor
    deviation = (_length(target) / _length(source)) / expected
    if 1 / LENGTH_RATIO_LIMIT <= deviation <= LENGTH_RATIO_LIMIT:
        return None
    how = f"{deviation:.1f} times longer" if deviation > 1 else f"{1 / deviation:.1f} times shorter"
    return QualityFlag("length", f"{how} than a {src}->{tgt} translation usually is")


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def check_output(text: str, *, language: str) -> tuple[QualityFlag, ...]:
    """Flags on generated text with no source sentence of its own (a summary sentence)."""
    if not _has_words(text):
        return (QualityFlag("empty", "empty output"),)
    found = [repetition_flag(text), wrong_script_flag(text, language)]
    return tuple(flag for flag in found if flag is not None)


def check_translation(source: str, target: str, *, src: str, tgt: str) -> tuple[QualityFlag, ...]:
    """Flags on one translated sentence; none when the language does not change (``src == tgt``)."""
    if src == tgt:
        return ()
    if not _has_words(target):
        return (QualityFlag("empty", "empty translation"),) if _has_words(source) else ()
    found = [
        repetition_flag(target, source),
        wrong_script_flag(target, tgt, source),
        untranslated_flag(source, target),
        length_flag(source, target, src, tgt),
    ]
    return tuple(flag for flag in found if flag is not None)
