from hypothesis import given
from hypothesis import strategies as st

from diglot.segment import pack_chunks, split_long, split_sentences


def words(text: str) -> int:
    return len(text.split())


def test_english_with_abbreviations_and_quotes():
    text = (
        'Mr. Smith met Dr. J. Jones in Washington on Monday. "It went well," he said. '
        "The U.S. delegation left at 5 p.m. Did it help? Nobody knows!"
    )
    assert split_sentences(text) == [
        "Mr. Smith met Dr. J. Jones in Washington on Monday.",
        '"It went well," he said.',
        "The U.S. delegation left at 5 p.m.",
        "Did it help?",
        "Nobody knows!",
    ]


def test_closing_quotes_stay_with_their_sentence():
    text = "Putin called the visit “very productive.” Relations are good."
    assert split_sentences(text) == ["Putin called the visit “very productive.”", "Relations are good."]


def test_russian():
    text = "В 2020 г. встреча прошла в Москве. Стороны обсудили сотрудничество! Что дальше? «Посмотрим», — сказал он."
    assert split_sentences(text) == [
        "В 2020 г. встреча прошла в Москве.",
        "Стороны обсудили сотрудничество!",
        "Что дальше?",
        "«Посмотрим», — сказал он.",
    ]


def test_chinese_needs_no_spaces():
    text = "俄罗斯总统普京周日在莫斯科会见了中国国防部长。双方讨论了军事合作！这意味着什么？“很好。”他说。"
    assert split_sentences(text) == [
        "俄罗斯总统普京周日在莫斯科会见了中国国防部长。",
        "双方讨论了军事合作！",
        "这意味着什么？",
        "“很好。”",
        "他说。",
    ]


def test_decimals_and_lowercase_do_not_split():
    assert split_sentences("It grew 3.5 percent. then it fell.") == ["It grew 3.5 percent. then it fell."]


def test_pack_respects_the_budget_and_order():
    sentences = ["a b", "c d e", "f", "g h i j", "k"]
    chunks = pack_chunks(sentences, 4, words)
    assert [c.sentences for c in chunks] == [("a b",), ("c d e", "f"), ("g h i j",), ("k",)]
    assert all(c.tokens <= 4 for c in chunks)


def test_a_sentence_over_the_budget_is_split_not_dropped():
    long = " ".join(f"w{i}" for i in range(23))
    chunks = pack_chunks(["short one", long, "end"], 5, words)
    assert all(c.tokens <= 5 for c in chunks)
    assert " ".join(s for c in chunks for s in c.sentences).split() == ["short", "one", *long.split(), "end"]


def test_chinese_sentence_split_by_characters():
    pieces = split_long("一二三四五六七八九十", 3, len)
    assert pieces == ["一二三", "四五六", "七八九", "十"]


@given(
    st.lists(st.text(alphabet="abcdef ", min_size=1, max_size=40), min_size=1, max_size=20),
    st.integers(min_value=1, max_value=12),
)
def test_packing_never_loses_a_word(sentences: list[str], budget: int):
    chunks = pack_chunks(sentences, budget, words)
    assert all(c.tokens <= budget or words(c.sentences[0]) <= 1 for c in chunks)
    assert [w for c in chunks for s in c.sentences for w in s.split()] == [w for s in sentences for w in s.split()]
