"""Sentence boundaries in real news-style text, language by language.

Each case names the sentences it expects; the paragraph is those sentences
as an article writes them (a space between them, none in Chinese and
Japanese). Cases marked "our fix" are ones sentencex alone gets wrong.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diglot.segment import split_sentences

CASES: dict[str, list[str]] = {
    "en": [
        "Sen. Elizabeth Warren met Mrs. Dalloway's publisher in the U.K. on Jan. 5 at 4 p.m. local time.",
        "The U.S. Treasury said the talks went well.",
        "Dr. J. R. Smith, a professor at St. Andrews, was not convinced.",
        "“We will see,” he said.",
    ],
    "de": [
        "Das ist gut.",
        "Über allem steht die Frage, ob Dr. Schmidt am 5. Januar nach Berlin reist.",
        "Ärzte warnen z. B. vor der Hitze im Sommer.",
        "„Wir sind bereit“, sagte Prof. Müller.",
    ],
    "fr": [
        "C'est bon.",
        "À demain, a déclaré M. Martin devant l'Assemblée nationale.",
        "Éric Dupont, le maire de Lyon, n'a pas répondu.",
        "« Nous verrons », a-t-il dit.",
        "Écoutez !",
    ],
    "es": [
        "¿Dónde está el presidente?",
        "¡Nadie lo sabe!",
        "El Sr. García llegó ayer a Madrid con la Dra. Pérez.",
        "Él dijo que volvería el lunes.",
    ],
    "it": [
        "È tardi per cambiare la legge.",
        "Il sig. Rossi è arrivato a Roma con il dott. Bianchi.",
        "Ecco perché il governo ha deciso di aspettare.",
    ],
    "pt": [
        "É verdade que o Sr. Silva chegou a Lisboa ontem.",
        "O ministro não comentou.",
        "Às dez horas a reunião começou.",
    ],
    "pl": [
        "Łódź jest trzecim co do wielkości miastem w Polsce.",
        "Prof. Nowak przyszedł na spotkanie z dr hab. Kowalskim.",
        "Świat patrzy na Warszawę.",
    ],
    "tr": [
        "Bu bir ev değil, bir okul.",
        "İstanbul'da yağmur yağıyor.",
        "Şehirde trafik durma noktasına geldi.",
        "Prof. Dr. Ahmet Yılmaz açıklama yaptı.",
    ],
    "cs": [
        "Řeka se vylila z břehů.",
        "Čtvrtina obce je pod vodou.",
        "Ing. Novák řekl, že škody jsou velké.",
    ],
    "sv": [
        "Regeringen presenterade budgeten i dag.",
        "Åsa Larsson, finansminister, var nöjd.",
        "Öresundsbron stängdes på grund av stormen.",
    ],
    "fi": [
        "Hallitus esitteli budjetin tänään.",
        "Äänestys pidetään ensi viikolla.",
        "Öljyn hinta nousi jälleen.",
    ],
    "vi": [
        "Thủ tướng đã đến Hà Nội hôm qua.",
        "Đà Nẵng chuẩn bị đón bão.",
        "Ông Nguyễn Văn An cho biết người dân đã được sơ tán.",
    ],
    "ru": [
        "На площадь пришли 15 тыс. человек, т. е. вдвое больше, чем год назад.",
        "Ёлку установили в 2020 г. на ул. Тверской.",
        "«Это победа», — сказал А. С. Иванов.",
        "Что будет дальше?",
    ],
    "uk": [
        "Уряд ухвалив бюджет.",
        "Їхні пропозиції розглянуть восени.",
        "Євген Шевченко, т. зв. «батько реформи», промовчав.",
        "Пан В. Коваленко не погодився.",
    ],
    "el": [
        "Η κυβέρνηση ανακοίνωσε νέα μέτρα.",
        "Ένας υπουργός παραιτήθηκε;",
        "Ο κ. Παπαδόπουλος δεν σχολίασε.",
    ],
    "ar": [
        "أعلنت الحكومة عن خطة جديدة للاقتصاد.",
        "هل ستنجح الخطة؟",
        "قال الوزير إن النتائج ستظهر العام المقبل!",
    ],
    "he": [
        "הממשלה אישרה את התקציב.",
        "האם האופוזיציה תתנגד?",
        "ראש הממשלה אמר שהצעד הכרחי.",
    ],
    "hi": [
        "सरकार ने नया बजट पेश किया।",
        "क्या इससे महंगाई कम होगी?",
        "वित्त मंत्री ने कहा कि विकास तेज़ होगा।",
    ],
    "ko": [
        "정부는 새로운 예산안을 발표했다.",
        "야당은 반대할까?",
        "장관은 경제가 회복될 것이라고 말했다.",
    ],
    "ja": [
        "政府は新しい予算案を発表した。",
        "野党は反対するだろうか？",
        "大臣は「経済は回復する」と述べた。",
    ],
    "zh": [
        "俄罗斯总统普京周日在莫斯科会见了中国国防部长。",
        "双方讨论了军事合作！",
        "这意味着什么？",
        "“我们已经完全康复。”",
        "他说。",
    ],
}

_NO_SPACES = {"ja", "zh"}


@pytest.mark.parametrize("language", sorted(CASES))
def test_sentences_in_each_language(language: str) -> None:
    expected = CASES[language]
    paragraph = ("" if language in _NO_SPACES else " ").join(expected)
    assert split_sentences(paragraph, language) == expected


def test_cases_cover_the_languages_the_issue_names() -> None:
    named = [
        "de",
        "fr",
        "es",
        "it",
        "pt",
        "pl",
        "tr",
        "cs",
        "sv",
        "fi",
        "vi",
        "ru",
        "uk",
        "el",
        "ar",
        "he",
        "hi",
        "ko",
        "ja",
        "zh",
        "en",
    ]
    assert set(named) <= set(CASES)


def test_an_initial_does_not_end_a_sentence() -> None:
    # Our fix: sentencex ends a sentence after "M." and "В.".
    assert split_sentences("M. Martin est arrivé. Il pleut.", "fr") == ["M. Martin est arrivé.", "Il pleut."]
    assert split_sentences("Пан В. Шевченко сказав. Все.", "uk") == ["Пан В. Шевченко сказав.", "Все."]


def test_lower_case_after_a_full_stop_continues_the_sentence() -> None:
    # Our fix: sentencex ends a sentence after "т. е." before "хорошо".
    assert split_sentences("Это т. е. хорошо. Всё.", "ru") == ["Это т. е. хорошо.", "Всё."]


def test_abbreviations_sentencex_does_not_know() -> None:
    # Our fix: "им." (named after), Polish "dr hab." and "inż.", Turkish "Av." (lawyer) and "Yrd. Doç.",
    # French "Mme.".
    assert split_sentences("Театр им. Пушкина закрыт. Всё.", "ru") == ["Театр им. Пушкина закрыт.", "Всё."]
    assert split_sentences("Dr hab. Nowak przyszedł. Koniec.", "pl") == ["Dr hab. Nowak przyszedł.", "Koniec."]
    assert split_sentences("Av. Mehmet Kaya konuştu. Son.", "tr") == ["Av. Mehmet Kaya konuştu.", "Son."]
    assert split_sentences("Yrd. Doç. Ahmet geldi. Son.", "tr") == ["Yrd. Doç. Ahmet geldi.", "Son."]
    assert split_sentences("Projekt inż. Kowalskiego wygrał.", "pl") == ["Projekt inż. Kowalskiego wygrał."]
    assert split_sentences("Mme. Dupont est là. Fin.", "fr") == ["Mme. Dupont est là.", "Fin."]


def test_a_stray_closing_quote_or_bracket_joins_the_sentence_before() -> None:
    # Our fix: sentencex starts the next sentence with ")" here.
    assert split_sentences("It was over (at last.) Then it rained.", "en") == [
        "It was over (at last.)",
        "Then it rained.",
    ]
    assert split_sentences("The vote failed.) Next came the budget.", "en") == [
        "The vote failed.)",
        "Next came the budget.",
    ]
    # Tokenised Chinese with spaces around the punctuation: no sentence is only "”".
    assert split_sentences("他 说 ： “ 我 康复 了 。 ” 然后 走 了 。", "zh") == [
        "他 说 ： “ 我 康复 了 。 ”",
        "然后 走 了 。",
    ]


def test_a_bracketed_sentence_ends_before_the_next_capital() -> None:
    # Our fix: sentencex keeps "(Voir p. 5.) Fin." together.
    assert split_sentences("Il est parti. (Voir p. 5.) Fin du texte.", "fr") == [
        "Il est parti.",
        "(Voir p. 5.)",
        "Fin du texte.",
    ]


def test_straight_quotes_open_the_next_sentence() -> None:
    text = 'He said "Stop." "Why?" she asked.'
    assert split_sentences(text, "en") == ['He said "Stop."', '"Why?" she asked.']


def test_the_language_decides() -> None:
    # Told German or Italian, "3." is an ordinal and "sig." a title; read as English, both end a sentence.
    assert split_sentences("Am 3. Oktober ist Feiertag.", "de") == ["Am 3. Oktober ist Feiertag."]
    assert split_sentences("Am 3. Oktober ist Feiertag.", "en") == ["Am 3.", "Oktober ist Feiertag."]
    assert split_sentences("Il sig. Rossi è arrivato.", "it") == ["Il sig. Rossi è arrivato."]
    assert split_sentences("Il sig. Rossi è arrivato.", "en") == ["Il sig.", "Rossi è arrivato."]
    # Without a language, the script decides: Devanagari ends at ।.
    assert split_sentences("यह घर है। वह स्कूल गया।") == ["यह घर है।", "वह स्कूल गया।"]


def test_sentences_are_exact_slices_of_the_paragraph() -> None:
    text = "A non\u00a0breaking space stays. So do “curly quotes” — and dashes… Fine."
    sentences = split_sentences(text, "en")
    assert " ".join(sentences) == text
    assert "\u00a0" in sentences[0]


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab Ü.!?…。।؟)”»\"' \u00a0xЖ日")), max_size=80),
    st.sampled_from(["en", "de", "ru", "zh", "hi", "ar", "fr"]),
)
def test_segmentation_never_loses_or_changes_a_character(text: str, language: str) -> None:
    sentences = split_sentences(text, language)
    assert all(s and s == s.strip() for s in sentences)
    # Only whitespace between sentences (and line breaks) may change.
    assert "".join("".join(sentences).split()) == "".join(text.split())
