"""Which model does which job: the defaults, overridable by config and flags."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from diglot.config import Config

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


@dataclass(frozen=True)
class ListedModel:
    """A row of ``diglot models list`` and the models screen: a model in use, a default, or one in the cache.

    ``configured``: the config's ``[models]`` names it (diglot uses it
    instead of the default for its task). ``folder``: it is a local folder,
    not a hub id. ``size_bytes`` is None where it is not on this machine;
    ``problem`` says why a configured folder cannot be used.
    """

    model_id: str
    task: str
    languages: str
    configured: bool
    folder: bool
    size_bytes: int | None
    converted: bool
    problem: str | None = None

    @property
    def licence(self) -> str:
        """Its licence as far as diglot knows it (``licence``)."""
        return licence(self.model_id)

    @property
    def downloaded(self) -> bool:
        """Whether it is on this machine, ready to load (a hub download or a usable folder)."""
        return self.size_bytes is not None

    @property
    def on_disk(self) -> str:
        """``no``, ``yes``, ``folder``, with `` + CTranslate2`` for a converted copy, or the folder's problem."""
        if self.problem is not None:
            return self.problem
        if not self.downloaded:
            return "no"
        state = "folder" if self.folder else "yes"
        return f"{state} + CTranslate2" if self.converted else state


def configured_models(config: Config) -> list[DefaultModel]:
    """The models the config's ``[models]`` names (hub ids or local folders), each with its task."""
    rows = []
    if config.summarize_model:
        rows.append(DefaultModel(config.summarize_model, "summarize"))
    rows += [DefaultModel(ref, f"translate {pair}") for pair, ref in sorted(config.translate_models.items())]
    if config.multilingual_model:
        rows.append(DefaultModel(config.multilingual_model, "translate any other pair"))
    return rows


def _folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def list_models(config: Config) -> list[ListedModel]:
    """The models the config names (first, marked ``configured``), every default, then whatever else is in the
    Hugging Face cache; each with its state on disk. Reads the disk, never the network."""
    from diglot import hub
    from diglot.ct2 import converted_copies
    from diglot.errors import ModelUnavailable
    from diglot.model_files import is_local_ref, local_folder

    cached = {m.model_id: m for m in hub.cached_models()}
    rows: list[ListedModel] = []
    seen: set[str] = set()
    candidates = [(m, True) for m in configured_models(config)] + [(m, False) for m in default_models()]
    candidates += [(DefaultModel(model_id, "(downloaded)"), False) for model_id in cached]
    for model, configured in candidates:
        if model.model_id in seen:
            continue
        seen.add(model.model_id)
        ref = model.model_id
        folder = is_local_ref(ref)
        size: int | None = None
        problem = None
        if folder:
            try:
                size = _folder_size(local_folder(ref))
            except ModelUnavailable as exc:
                problem = exc.reason
            except OSError as exc:
                problem = f"cannot be read ({exc.strerror or exc})"
        elif (have := cached.get(ref)) is not None:
            size = have.size_bytes
        task = model.task
        languages = model.languages if task.startswith("translate ") and "other pair" not in task else ""
        if task.startswith("summarize"):
            languages = "en" if not configured or ref in (SUMMARIZER, FAST_SUMMARIZER) else ""
        if ref == MULTILINGUAL:
            languages = f"{len(M2M100_LANGUAGES)} languages"
        rows.append(
            ListedModel(
                model_id=ref,
                task=task,
                languages=languages or "?",
                configured=configured,
                folder=folder,
                size_bytes=size,
                converted=bool(converted_copies(ref)),
                problem=problem,
            )
        )
    return rows
