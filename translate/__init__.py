"""Translators: direct pair models, pivot through English, multilingual fallback.

from diglot import read_source
from diglot.translate import Translator

translation = Translator().translate(read_source("article.txt"), src="en", tgt="ru")
print(translation.text)
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
