"""Which model does which job: the defaults, overridable by config and flags."""

from __future__ import annotations

from dataclasses import dataclass

SUMMARIZER = "sshleifer/distilbart-cnn-12-6"
FAST_SUMMARIZER = "sshleifer/distilbart-cnn-6-6"
MULTILINGUAL = "facebook/m2m100_418M"

# The languages facebook/m2m100_418M translates between (its model card; the
# same list as transformers' M2M100 tokenizer, checked by a test).
_M2M100_CODES = (
    "af am ar ast az ba be bg bn br bs ca ceb cs cy da de el en es et fa ff fi fr fy ga gd gl gu ha he hi hr ht hu "
    "hy id ig ilo is it ja jv ka kk km kn ko lb lg ln lo lt lv mg mk ml mn mr ms my ne nl no ns oc or pa pl ps pt ro "
    "ru sd si sk sl so sq sr ss su sv sw ta th tl tn tr uk ur uz vi wo xh yi yo zh zu"
)
M2M100_LANGUAGES = frozenset(_M2M100_CODES.split())

# Helsinki-NLP opus-mt pairs published on the hub (CC-BY 4.0).
_FROM_ENGLISH = "ru zh de fr es it nl sv fi cs uk bg ar he hi vi id".split()  # noqa: SIM905
_TO_ENGLISH = "ru zh de fr es it nl sv fi cs uk bg ar he hi vi id ja ko tr pl".split()  # noqa: SIM905
OPUS_PAIRS = {f"en-{t}" for t in _FROM_ENGLISH} | {f"{s}-en" for s in _TO_ENGLISH}

LICENCES = {
    SUMMARIZER: "Apache-2.0",
    FAST_SUMMARIZER: "Apache-2.0",
    MULTILINGUAL: "MIT",
    "facebook/nllb-200-distilled-600M": "CC-BY-NC-4.0 (non-commercial)",
    "csebuetnlp/mT5_multilingual_XLSum": "CC-BY-NC-SA-4.0 (non-commercial)",
}


def opus_model(src: str, tgt: str) -> str | None:
    """The Helsinki-NLP model for a pair, if one is published."""
    return f"Helsinki-NLP/opus-mt-{src}-{tgt}" if f"{src}-{tgt}" in OPUS_PAIRS else None


def licence(model_id: str) -> str:
    """The licence of a default model, as far as diglot knows it."""
    if model_id.startswith("Helsinki-NLP/opus-mt-"):
        return "CC-BY-4.0"
    return LICENCES.get(model_id, "unknown: check the model card")


def is_non_commercial(licence_name: str) -> bool:
    """Whether a licence forbids commercial use (CC BY-NC and the like)."""
    name = licence_name.lower()
    return "non-commercial" in name or "-nc" in name or name.startswith("nc")


@dataclass(frozen=True)
class DefaultModel:
    """A model diglot uses unless told otherwise, and what it is for."""

    model_id: str
    task: str

    @property
    def languages(self) -> str:
        """The languages it reads and writes, e.g. ``en → ru``."""
        if self.model_id == MULTILINGUAL:
            return f"{len(M2M100_LANGUAGES)} languages"
        pair = self.task.split()[1]
        return pair.replace("-", " → ") if "-" in pair else pair


def default_models() -> list[DefaultModel]:
    """Every default model, for ``diglot models list``."""
    rows = [DefaultModel(SUMMARIZER, "summarize en"), DefaultModel(FAST_SUMMARIZER, "summarize en (fast preset)")]
    rows += [DefaultModel(f"Helsinki-NLP/opus-mt-{p}", f"translate {p}") for p in sorted(OPUS_PAIRS)]
    rows.append(DefaultModel(MULTILINGUAL, "translate any other pair"))
    return rows
