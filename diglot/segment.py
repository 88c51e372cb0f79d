"""Paragraphs to sentences, and sentences to chunks within a token budget.

Sentence boundaries come from sentencex (Wikimedia's rule-based segmenter:
~300 languages, each with its own abbreviations and sentence-ending marks
such as । ؟ 。), told the paragraph's language. A few repairs on top, each
for a case sentencex gets wrong on real text (see ``_repair_cuts``). The
sentences are exact slices of the paragraph: what the reader sees is what
the article wrote.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import sentencex

_CLOSERS = "\"'”’»)]）」』】〉》"
_OPENERS = "\"'“‘«([（「『【〈《¿¡"
# A full stop, question or exclamation mark inside a closing bracket or quote,
# then a space and a capital: "(It was late.) Then ..." -- sentencex keeps
# these together.
_CLOSED_END = re.compile(rf"[.!?…][{re.escape(_CLOSERS)}]+(\s+)(?=[{re.escape(_OPENERS)}]?[^\W\d_])")
# A lone capital and a full stop at the very end: an initial ("M. Martin",
# "В. Шевченко"), not the end of a sentence.
_INITIAL_END = re.compile(r"(?:^|[\s(\"'“«])[^\W\d_]\.$")
# Titles sentencex does not know for these languages (lower case, without
# the full stop), each checked to end a sentence there with sentencex alone:
# "им. Пушкина", "dr hab. Nowak", "inż. Kowalski", "Av. Mehmet", "Doç. Dr.",
# "Yrd. Doç.", "Mme. Dupont". ("т. е." and the like are followed by a
# lower-case word, which the lower-case rule covers.)
_ABBREVIATIONS = {
    "ru": {"им"},
    "pl": {"hab", "inż"},
    "tr": {"av", "doç", "yrd"},
    "fr": {"mme", "mlle"},
}
_LINE_BREAKS = re.compile(r"[ \t]*[\r\n]+[ \t]*")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")


def _first_letter(text: str, start: int = 0) -> str:
    """The first letter of ``text[start:]`` after opening quotes, brackets and spaces ('' if none).

    Read from ``start`` in place: a copy of the rest of a 5 MB paragraph at each of its cuts made
    segmentation quadratic.
    """
    for position in range(start, len(text)):
        char = text[position]
        if char.isalpha():
            return char
        if not (char.isspace() or char in _OPENERS or char in "-–—"):
            return ""
    return ""


def _ends_with_abbreviation(sentence: str, language: str) -> bool:
    """True where ``sentence`` ends with an initial or one of ``_ABBREVIATIONS`` and a full stop."""
    if not sentence.endswith("."):
        return False
    if _INITIAL_END.search(sentence) and sentence[-2].isupper():
        return True
    known = _ABBREVIATIONS.get(language, ())
    before = sentence[:-1].lower()
    return any(before == a or (before.endswith(a) and not before[-len(a) - 1].isalnum()) for a in known)


def _repair_cuts(text: str, cuts: list[int], language: str) -> list[int]:
    """Move, add and drop sentencex's cut positions where it gets real text wrong.

    - A closing quote or bracket after a cut belongs to the sentence before
      (sentencex can leave ")" or "”" as the start, or the whole, of the next).
    - "(It was late.) Then": a cut after the bracket.
    - A cut before a lower-case letter is not a sentence end ("т. е. хорошо").
    - A cut after an initial or an abbreviation sentencex does not know for
      the language is not one either ("M. Martin", "им. Пушкина").
    """
    added = {m.end(1) for m in _CLOSED_END.finditer(text)}
    moved: list[int] = []
    for cut in sorted(set(cuts) | added):
        position = cut
        while position < len(text) and text[position].isspace():
            position += 1
        closers = position
        while closers < len(text) and text[closers] in _CLOSERS:
            closers += 1
        # A straight quote opens as often as it closes: it closes only when
        # nothing follows it but a space.
        curly = not any(c in "\"'" for c in text[position:closers])
        closes = closers > position and (curly or closers == len(text) or text[closers].isspace())
        moved.append(closers if closes else cut)
    kept: list[int] = []
    start = 0
    for cut in sorted(set(moved)):
        if cut <= start or cut >= len(text):
            continue
        before = text[start:cut].strip()
        letter = _first_letter(text, cut)
        if letter.islower() or (letter.isupper() and _ends_with_abbreviation(before, language)):
            continue
        kept.append(cut)
        start = cut
    return kept


def split_sentences(paragraph: str, language: str | None = None) -> list[str]:
    """The sentences of one paragraph, each with its closing punctuation.

    ``language`` (ISO 639-1, e.g. "de") picks sentencex's rules: the
    paragraph's detected language or the one the user gave. Without it the
    writing system decides (Latin text is read as English). Line breaks
    inside the paragraph become spaces; nothing else changes.
    """
    text = _LINE_BREAKS.sub(" ", paragraph).strip()
    if not text:
        return []
    code = (language or _language_of_script(text)).lower().replace("_", "-").split("-")[0]
    cuts = [b["end_index"] for b in sentencex.get_sentence_boundaries(code, text)]
    bounds = [0, *_repair_cuts(text, cuts, code), len(text)]
    sentences = (text[a:b].strip() for a, b in itertools.pairwise(bounds))
    return [s for s in sentences if s]


def paragraph_sentences(paragraphs: Sequence[str], languages: Sequence[str]) -> list[list[str]]:
    """Each paragraph's sentences by its own language's rules; a paragraph with none is one sentence.

    The translator and the app's sentence alignment both segment through
    here, so the sentences paired are the sentences shown.
    """
    return [split_sentences(p, lang) or [p] for p, lang in zip(paragraphs, languages, strict=True)]


def _language_of_script(text: str) -> str:
    from diglot.langid import script_language

    return script_language(text) or "en"


def is_cjk(text: str) -> bool:
    """True when ``text`` contains Chinese or Japanese characters."""
    return bool(_CJK.search(text))


# Chinese and Japanese characters with their punctuation (。、「」) and full-width forms (！？).
_CJK_OR_PUNCTUATION = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def sentence_gap(before: str, after: str) -> str:
    """What goes between two sentences: nothing after Chinese or Japanese text, else a space.

    CJK writing puts no space after a sentence (its full stop 。 is a full
    character wide); every other script diglot knows puts one.
    """
    last = before.rstrip().rstrip(_CLOSERS)[-1:]
    return "" if (last and _CJK_OR_PUNCTUATION.match(last)) or not after else " "


def join_sentences(sentences: Iterable[str]) -> str:
    """Sentences as running text: joined with a space, or with nothing after CJK text.

    This is the one rule for it: summaries, translations, chunks and the
    panes all join sentences here.
    """
    parts: list[str] = []
    for sentence in sentences:
        if parts:
            parts.append(sentence_gap(parts[-1], sentence))
        parts.append(sentence)
    return "".join(parts)


@dataclass(frozen=True)
class Chunk:
    """Sentences packed to fit a model's input, with their total token count."""

    sentences: tuple[str, ...]
    tokens: int

    @property
    def text(self) -> str:
        return join_sentences(self.sentences)


def split_long(sentence: str, budget: int, count: Callable[[str], int]) -> list[str]:
    """Cut a sentence longer than ``budget`` tokens into pieces that fit.

    Cuts between words (between characters for text with no spaces), so no
    word is lost or broken; a single word longer than the budget is cut by
    characters as a last resort.
    """
    by_character = is_cjk(sentence) and " " not in sentence.strip()
    units = list(sentence) if by_character else sentence.split(" ")
    joiner = "" if by_character else " "
    pieces: list[str] = []
    current: list[str] = []
    for unit in units:
        candidate = joiner.join([*current, unit])
        if current and count(candidate) > budget:
            pieces.append(joiner.join(current))
            current = [unit]
        else:
            current.append(unit)
    if current:
        pieces.append(joiner.join(current))
    # A single unit can still be over budget (one enormous "word").
    result: list[str] = []
    for piece in pieces:
        if count(piece) > budget and len(piece) > 1:
            middle = len(piece) // 2
            result.extend(split_long(piece[:middle], budget, count))
            result.extend(split_long(piece[middle:], budget, count))
        else:
            result.append(piece)
    return result


def pack_chunks(sentences: Iterable[str], budget: int, count: Callable[[str], int]) -> list[Chunk]:
    """Pack consecutive sentences into chunks of at most ``budget`` tokens.

    ``count`` gives a sentence's length in the model's own tokens. Order is
    kept; a sentence over the budget is split by ``split_long``, never dropped.
    """
    if budget < 1:
        raise ValueError("budget must be at least one token")
    chunks: list[Chunk] = []
    current: list[str] = []
    used = 0
    for sentence in sentences:
        n = count(sentence)
        parts = [(sentence, n)] if n <= budget else [(p, count(p)) for p in split_long(sentence, budget, count)]
        for part, tokens in parts:
            if current and used + tokens > budget:
                chunks.append(Chunk(tuple(current), used))
                current, used = [], 0
            current.append(part)
            used += tokens
    if current:
        chunks.append(Chunk(tuple(current), used))
    return chunks
