"""Which language an article and its paragraphs are in: prose votes, code and addresses do not; unknown scripts
are unknown; a mixed article is translated where a model serves a paragraph's language and kept elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from diglot.config import Config
from diglot.document import Document
from diglot.jobs.pipeline import Article, Pipeline
from diglot.langid import UNKNOWN, detect_language, detector_languages, document_languages, voting_text
from diglot.models import ModelPool
from diglot.translate import Translator

# A Chinese documentation page: prose full of inline code, an address, a code block and a table, as such pages
# are. Letter by letter there is more Latin than Chinese in it.
CHINESE_PAGE = """# asyncio 教程

`asyncio` 是用来编写并发代码的库，使用 `async`/`await` 语法。`asyncio` 被用作多个提供高性能 Python 异步框架的基础。

调用 `asyncio.run(main())` 运行最高层级的入口点 `main()` 函数。参见 {zh_url} 了解更多。

使用 `asyncio.create_task()` 函数用来并发运行作为 `asyncio` 任务的多个 coroutine。
`TaskGroup` 类提供了 `create_task()` 的替代。

如果 `return_exceptions` 为 `False` (默认)，所引发的首个异常会立即传播给等待 `gather()` 的任务。

```python
import asyncio

async def main():
    print('hello')
    await asyncio.sleep(1)
    print('world')

asyncio.run(main())
```
""".format(zh_url="https://docs.python.org/3/library/asyncio-task.html#coroutines")

HINDI_PAGE = """# `requests` लाइब्रेरी

`requests.get(url, params=None, **kwargs)` फ़ंक्शन एक GET request भेजता है।
देखें {hi_url} और `Response` object लौटाता है।

यदि `timeout` नहीं दिया गया है, तो `requests` हमेशा के लिए प्रतीक्षा कर सकता है।
`Session()` का उपयोग करें ताकि connection pooling मिल सके।
""".format(hi_url="https://requests.readthedocs.io/en/latest/api/#requests.get")

KOREAN_PAGE = """# `asyncio` 사용법

`asyncio.run(main())`을 호출하여 최상위 진입점 `main()` 함수를 실행합니다.
자세한 내용은 {ko_url} 을 참조하세요.

`asyncio.create_task()` 함수는 코루틴을 `asyncio` Task로 동시에 실행합니다.
`TaskGroup` 클래스는 `create_task()`의 더 현대적인 대안을 제공합니다.
""".format(ko_url="https://docs.python.org/ko/3/library/asyncio-task.html#coroutines")

AMHARIC = "ሰላም ለዓለም። ይህ በአማርኛ የተጻፈ ጽሑፍ ነው። ኢትዮጵያ በምሥራቅ አፍሪካ የምትገኝ አገር ናት። አዲስ አበባ ዋና ከተማዋ ናት።"
INUKTITUT = "ᐃᓄᒃᑎᑐᑦ ᐅᖃᐅᓯᖅ ᓄᓇᕗᒻᒥ ᐊᑐᖅᑕᐅᔪᖅ ᐃᓄᐃᑦ ᐅᖃᐅᓯᖓᑦ ᑲᓇᑕᒥ ᐊᑐᖅᑕᐅᕙᒃᑐᖅ ᐅᓪᓗᒥ"
TIBETAN = "བོད་ཀྱི་སྐད་ཡིག་ནི་བོད་ཀྱི་མི་རིགས་ཀྱི་སྐད་ཡིག་ཡིན། ལྷ་ས་ནི་བོད་ཀྱི་རྒྱལ་ས་ཡིན།"

ENGLISH = "The talks lasted three hours and covered trade, energy and security, officials said on Monday evening."
RUSSIAN = "Переговоры продолжались три часа и касались торговли, энергетики и безопасности, сообщили чиновники."


def _page(tmp_path: Path, text: str) -> Article:
    path = tmp_path / "page.md"
    path.write_text(text, encoding="utf-8")
    pipeline = Pipeline(Config(), use_cache=False)
    return pipeline.read(str(path))


@pytest.mark.parametrize(
    ("page", "code"), [(CHINESE_PAGE, "zh"), (HINDI_PAGE, "hi"), (KOREAN_PAGE, "ko")], ids=["zh", "hi", "ko"]
)
def test_a_documentation_page_is_in_its_prose_language_in_every_paragraph(tmp_path: Path, page: str, code: str):
    article = _page(tmp_path, page)
    assert article.language.code == code
    languages = article.paragraph_languages
    document = article.document
    prose = [languages[i] for i in range(len(document.paragraphs)) if not document.unit(i).verbatim]  # type: ignore[union-attr]
    assert prose and set(prose) == {code}


def test_inline_code_addresses_and_code_like_words_do_not_vote():
    text = "调用 `asyncio.run(main())` 运行 main_loop 函数，参见 https://example.com/a/b 或 mail@example.org 了解。"
    assert voting_text(text).split() == ["调用", "运行", "函数，参见", "或", "了解。"]
    # A structured paragraph's protected ranges (what the reader marked as code or an address) are left out too.
    assert voting_text("see foo here", protected=[(4, 7)]).split() == ["see", "here"]


@pytest.mark.parametrize("text", [AMHARIC, INUKTITUT, TIBETAN], ids=["amharic", "inuktitut", "tibetan"])
def test_a_script_no_detector_language_uses_is_unknown(text: str):
    guess = detect_language(text)
    assert guess.code == UNKNOWN and guess.method == "script"


def test_the_detector_knows_its_languages():
    known = detector_languages()
    assert {"en", "zh", "hi", "ko", "ru"} <= set(known) and UNKNOWN not in known and "am" not in known


def test_translating_an_unknown_language_fails_in_one_line(tmp_path: Path, capsys, tiny_config):
    from diglot.tui.cli import main

    article = tmp_path / "amharic.txt"
    article.write_text(AMHARIC + "\n", encoding="utf-8")
    assert main(["translate", str(article), "--to", "ru", "--no-cache"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("diglot: error: ")
    assert "unknown" in err and "Ethiopic" in err and "--from" in err and "ko, lt" in err


def test_an_unknown_paragraph_in_an_english_article_is_kept_and_flagged(tiny_models):
    document = Document(paragraphs=(ENGLISH, AMHARIC, ENGLISH))
    translator = Translator(Config(translate_models={"en-ru": str(tiny_models["en-ru"])}, num_beams=1))
    translation = translator.translate(document, src="en", tgt="ru", languages=document_languages(document, "en"))
    first, unknown, last = translation.paragraphs
    assert first.route.steps and last.route.steps
    assert unknown.source_language == UNKNOWN and unknown.text == AMHARIC
    assert {f.kind for pair in unknown.sentences for f in pair.flags} == {"untranslated"}


def _mixed_translator(tiny_models) -> Translator:
    # en->zh is here, ru->zh is not (no ru-en to pivot through, no multilingual model).
    config = Config(translate_models={"en-zh": str(tiny_models["en-zh"])}, num_beams=1)
    return Translator(config, pool=ModelPool(device="cpu"))


def test_a_mixed_article_is_translated_where_a_model_serves_the_paragraph(tiny_models):
    document = Document(paragraphs=(RUSSIAN, ENGLISH, RUSSIAN, RUSSIAN))
    translation = _mixed_translator(tiny_models).translate(
        document, src="ru", tgt="zh", languages=document_languages(document, "ru")
    )
    kinds = [(p.source_language, bool(p.route.steps)) for p in translation.paragraphs]
    assert kinds == [("ru", False), ("en", True), ("ru", False), ("ru", False)]
    kept = translation.paragraphs[0]
    assert kept.text == RUSSIAN
    reasons = [f.reason for pair in kept.sentences for f in pair.flags]
    assert reasons and all("not translated" in r and "opus-mt-ru-en" in r for r in reasons)


def test_an_article_no_paragraph_of_which_can_be_translated_still_fails(tiny_models):
    from diglot.errors import ModelUnavailable

    with pytest.raises(ModelUnavailable, match="opus-mt-ru-en"):
        _mixed_translator(tiny_models).translate(
            Document(paragraphs=(RUSSIAN, RUSSIAN)), src="ru", tgt="zh", languages=["ru", "ru"]
        )


def test_the_command_line_notes_the_paragraphs_kept_untranslated(tmp_path: Path, capsys, tiny_models, monkeypatch):
    from diglot.tui.cli import main

    config = tmp_path / "config.toml"
    config.write_text(f'[models.translate]\n"en-zh" = "{tiny_models["en-zh"]}"\n', encoding="utf-8")
    monkeypatch.setenv("DIGLOT_CONFIG", str(config))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    article = tmp_path / "mixed.txt"
    article.write_text("\n\n".join([RUSSIAN, ENGLISH, RUSSIAN]) + "\n", encoding="utf-8")
    assert main(["translate", str(article), "--to", "zh", "--no-cache"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(RUSSIAN + "\n\n") and out.rstrip().endswith(RUSSIAN)
    assert err.startswith("diglot: note: 2 paragraphs in Russian not translated, kept as written: ")


@pytest.mark.parametrize(("mix", "code"), [((ENGLISH, RUSSIAN, RUSSIAN), "ru"), ((ENGLISH, ENGLISH, RUSSIAN), "en")])
def test_a_mixed_article_is_not_said_to_be_wholly_one_language(mix: tuple[str, ...], code: str):
    pipeline = Pipeline(Config(), use_cache=False)
    guess = pipeline.identify(Document(paragraphs=mix * 3))
    assert guess.code == code and guess.confidence < 0.8  # was 100%
    # Each paragraph's own guess keeps langdetect's confidence: a Russian paragraph is Russian on its own.
    assert detect_language(RUSSIAN).confidence > 0.9


def test_an_unknown_language_gets_its_own_sentences_as_summary_labelled(tiny_config: Path):
    from diglot.config import load_config
    from diglot.document import load_document
    from diglot.summarize.abstractive import UNKNOWN_LANGUAGE_NOTE

    pipeline = Pipeline(load_config(tiny_config), use_cache=False)
    document = load_document(AMHARIC)
    summary = pipeline.summarize(Article(document, pipeline.identify(document)), method="abstractive")
    assert summary.method == "extractive" and summary.note == UNKNOWN_LANGUAGE_NOTE
    assert summary.sentences and all(sentence in AMHARIC for sentence in summary.sentences)
