"""Property tests: chunking covers every text exactly once, in order, within budget; sanitising is
idempotent and leaves no control character but newline (tab is expanded)."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from diglot.document import sanitize
from diglot.segment import pack_chunks, split_sentences

# Latin with accents, Cyrillic, Greek, CJK with its punctuation, Arabic, and the
# punctuation sentence splitting looks at.
LETTERS = "abcdeéèüßçñøAZÉабвгдёжЖЯΩλ中文字句好北京日本語한국어عربي"
PUNCTUATION = ".!?。！？…,;:\"'“”«»()-—"
text_in_many_scripts = st.text(alphabet=LETTERS + PUNCTUATION + "  \n", min_size=0, max_size=300)
sentence = st.text(alphabet=LETTERS + PUNCTUATION + " ", min_size=1, max_size=120)


def words(text: str) -> int:
    """A token count like a subword tokenizer's: a token per word, one per CJK character."""
    count = 0
    for word in text.split():
        cjk = sum(1 for char in word if unicodedata.east_asian_width(char) == "W")
        count += max(1, cjk + (1 if len(word) > cjk else 0))
    return count


def characters(text: str) -> int:
    return len(text)


def without_spaces(text: str) -> str:
    return "".join(text.split())


@settings(max_examples=300, deadline=None)
@given(st.lists(sentence, max_size=30), st.integers(min_value=1, max_value=40), st.sampled_from([words, characters]))
def test_chunks_cover_the_sentences_once_in_order_within_budget(sentences, budget, count):
    chunks = pack_chunks(sentences, budget, count)
    pieces = [piece for chunk in chunks for piece in chunk.sentences]
    assert without_spaces("".join(pieces)) == without_spaces("".join(sentences))  # nothing lost, doubled, moved
    for chunk in chunks:
        assert chunk.tokens == sum(count(piece) for piece in chunk.sentences)
        assert chunk.tokens <= budget
        assert chunk.sentences  # no empty chunk
    whole = [s for s in sentences if count(s) <= budget]
    assert all(s in pieces for s in whole)  # a sentence that fits is never cut


@settings(max_examples=300, deadline=None)
@given(text_in_many_scripts, st.integers(min_value=1, max_value=30))
def test_paragraph_to_chunks_keeps_every_character(paragraph, budget):
    sentences = split_sentences(paragraph)
    chunks = pack_chunks(sentences, budget, words)
    assert without_spaces("".join(s for c in chunks for s in c.sentences)) == without_spaces(paragraph)
    assert all(c.tokens <= budget for c in chunks)


control_heavy = st.lists(
    st.one_of(
        st.characters(max_codepoint=0x20),
        st.characters(min_codepoint=0x7F, max_codepoint=0x9F),
        st.sampled_from(["\x1b", "[", "]", "\\", "\x07", "P", "^", "_", "31m", "0;", "\u202e", "\u2066", "\r\n"]),
        st.characters(codec="utf-8"),
    ),
    max_size=120,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(control_heavy)
def test_sanitising_is_idempotent_and_leaves_only_newlines(text):
    once = sanitize(text)
    assert sanitize(once) == once
    assert "\x1b" not in once and "\r" not in once and "\t" not in once
    assert all(char == "\n" or unicodedata.category(char) != "Cc" for char in once)
    assert not any(char in once for char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
