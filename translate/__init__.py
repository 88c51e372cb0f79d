"""Translators: direct pair models, pivot through English, multilingual fallback.

from diglot import read_source
from diglot.langid import ParagraphLanguages
from diglot.translate import Translator

document = read_source("article.txt")
languages = ParagraphLanguages(document.paragraphs, "en", units=document.units)  # or ["en"] * n
translation = Translator().translate(document, src="en", tgt="ru", languages=languages)
print(translation.text)

(``diglot.jobs.pipeline.Pipeline`` reads the article and finds its languages once: ``Article``.)
"""

from diglot.translate.result import Route, SentencePair, Step, TranslatedParagraph, Translation
from diglot.translate.router import candidate_routes, choose_route
from diglot.translate.translator import Translator

__all__ = [
    "Route",
    "SentencePair",
    "Step",
    "TranslatedParagraph",
    "Translation",
    "Translator",
    "candidate_routes",
    "choose_route",
]
