"""The one rule for joining sentences: a space, or nothing after Chinese or Japanese text."""

import pytest

from diglot.segment import join_sentences, split_sentences


@pytest.mark.parametrize(
    ("sentences", "text"),
    [
        (["Putin met Li.", "They talked."], "Putin met Li. They talked."),
        (
            ["Встреча прошла в Москве.", "«Посмотрим», — сказал он."],
            "Встреча прошла в Москве. «Посмотрим», — сказал он.",
        ),
        (["Café à Zürich.", "Ça va ?"], "Café à Zürich. Ça va ?"),
        (["普京会见了李尚福。", "双方讨论了合作！"], "普京会见了李尚福。双方讨论了合作！"),
        (["東京で会った。", "「良かった」と彼は言った。"], "東京で会った。「良かった」と彼は言った。"),
        (["他说：“很好。”", "会谈结束了。"], "他说：“很好。”会谈结束了。"),  # a closing quote after 。
        (["第1句", "第2句"], "第1句第2句"),  # CJK text without a full stop
        (["Putin met Li.", "双方讨论了合作。"], "Putin met Li. 双方讨论了合作。"),  # a space after Latin text
        (["普京会见了李尚福。", "Both sides talked."], "普京会见了李尚福。Both sides talked."),
        (["Only one."], "Only one."),
        ([], ""),
    ],
)
def test_join_sentences(sentences: list[str], text: str):
    assert join_sentences(sentences) == text
    if text:  # joining undoes splitting, in every script
        assert join_sentences(split_sentences(text)) == text
