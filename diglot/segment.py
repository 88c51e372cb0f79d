"""Paragraphs to sentences, and sentences to chunks within a token budget.

A small rule-based splitter: Latin and Cyrillic sentences end with . ! ? or
an ellipsis followed by space and a capital, a digit or an opening quote;
Chinese and Japanese sentences end with 。！？ and need no space after them.
Common abbreviations and initials do not end a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

_CLOSERS = "\"'”’»)]）」』】"
_OPENERS = "\"'“‘«([（「『【"
_CJK_END = re.compile(rf"[。！？!?]+[{re.escape(_CLOSERS)}]*")
_END = re.compile(
    rf"(?P<end>[.!?…]+[{re.escape(_CLOSERS)}]*)\s+(?=[{re.escape(_OPENERS)}\d\-–—]?[A-ZА-ЯЁ\d\u0370-\u03ff]|[{re.escape(_OPENERS)}])"
)
_ABBREVIATIONS = {
    # English
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "sr",
    "jr",
    "st",
    "vs",
    "inc",
    "ltd",
    "co",
    "corp",
    "gen",
    "col",
    "lt",
    "sgt",
    "capt",
    "gov",
    "sen",
    "rep",
    "pres",
    "rev",
    "no",
    "vol",
    "fig",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "e.g",
    "i.e",
    # Russian
    "г",
    "гг",
    "т.е",
    "т.д",
    "т.п",
    "др",
    "пр",
    "им",
    "ул",
    "д",
    "стр",
    "см",
    "тыс",
    "млн",
    "млрд",
    "руб",
}
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")


def _is_abbreviation(before: str) -> bool:
    """True where the text before a full stop ends with an abbreviation or an initial."""
    word = re.split(r"[\s(\"'“«]", before)[-1].rstrip(".")
    if not word:
        return False
    if word.lower() in _ABBREVIATIONS:
        return True
    # A single letter ("J. Smith") or capital initials ("U.S. officials"),
    # but not "5 p.m. The".
    return (len(word) == 1 and word.isalpha()) or bool(re.fullmatch(r"(?:[A-ZА-Я]\.)+[A-ZА-Я]", word))


def _split_western(text: str) -> list[str]:
    sentences = []
    start = 0
    for match in _END.finditer(text):
        end = match.end("end")
        single_stop = match.group("end").rstrip(_CLOSERS) == "."
        if single_stop and _is_abbreviation(text[start : match.start("end")]):
            continue
        sentences.append(text[start:end].strip())
        start = match.end()
    sentences.append(text[start:].strip())
    return [s for s in sentences if s]


def split_sentences(paragraph: str) -> list[str]:
    """The sentences of one paragraph, each with its closing punctuation."""
    paragraph = " ".join(paragraph.split()) if not _CJK.search(paragraph) else paragraph.strip()
    if not paragraph:
        return []
    pieces = [paragraph]
    if _CJK.search(paragraph):
        pieces = []
        start = 0
        for match in _CJK_END.finditer(paragraph):
            # "!" or "?" between Latin words is Western punctuation, handled below.
            if match.group()[0] in "!?" and not _CJK.search(paragraph[max(0, match.start() - 1) : match.start()]):
                continue
            pieces.append(paragraph[start : match.end()])
            start = match.end()
        pieces.append(paragraph[start:])
    return [s for piece in pieces for s in _split_western(piece.strip()) if s]


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
