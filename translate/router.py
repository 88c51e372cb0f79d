"""Choosing models for a language pair: direct, pivot through English, multilingual."""

from __future__ import annotations

from collections.abc import Callable

from diglot.config import Config
from diglot.errors import ModelUnavailable, NoRoute
from diglot.models import is_available, is_local_ref, local_folder
from diglot.registry import M2M100_LANGUAGES, MULTILINGUAL, opus_model
from diglot.translate.result import Route, Step

PIVOT = "en"


def _pair_model(config: Config, src: str, tgt: str) -> str | None:
    return config.translate_models.get(f"{src}-{tgt}") or opus_model(src, tgt)


def candidate_routes(src: str, tgt: str, config: Config, *, model: str | None = None) -> list[Route]:
    """Every way diglot knows to translate ``src`` -> ``tgt``, best first.

    An explicit ``model`` is the only candidate. Otherwise: the pair's own
    model (config, then Helsinki-NLP opus-mt), then two hops through English,
    then the multilingual model where it knows both languages. Raises
    ``NoRoute`` when no model diglot knows of translates the pair.
    """
    if src == tgt:
        return [Route("same", ())]
    if model:
        return [Route("direct", (Step(model, src, tgt),))]
    routes = []
    if direct := _pair_model(config, src, tgt):
        routes.append(Route("direct", (Step(direct, src, tgt),)))
    if PIVOT not in (src, tgt):
        first, second = _pair_model(config, src, PIVOT), _pair_model(config, PIVOT, tgt)
        if first and second:
            routes.append(Route("pivot", (Step(first, src, PIVOT), Step(second, PIVOT, tgt))))
    multilingual = config.multilingual_model or MULTILINGUAL
    unknown = sorted({src, tgt} - M2M100_LANGUAGES) if multilingual == MULTILINGUAL else []
    if not unknown:
        routes.append(Route("multilingual", (Step(multilingual, src, tgt),)))
    if not routes:
        raise _no_route(src, tgt, config, unknown)
    return routes


def _named(code: str) -> str:
    """``Klingon (tlh)``: the English name where CLDR has one, and the code."""
    from diglot.languages import language  # CLDR names, only for this message

    name = language(code).name
    return f"{name} ({code})" if name != code else code


def _no_route(src: str, tgt: str, config: Config, unknown: list[str]) -> NoRoute:
    """The one-line error for a pair no model serves: both languages named, and what the user can do."""
    from diglot.languages import language

    known = " or ".join(language(code).name for code in unknown)
    message = f"no model translates {_named(src)} into {_named(tgt)}: {MULTILINGUAL} does not know {known}"
    if tgt in unknown and (targets := [code for code in config.favourite_targets if code not in unknown]):
        message += f"; translate into a configured target ({', '.join(targets)}), or"
    else:
        message += ";"
    message += f' name a model for "{src}-{tgt}" under [models.translate] in the config file'
    brief = f"no model translates {language(src).name} into {language(tgt).name}"
    return NoRoute(src, tgt, message, brief=brief)


def choose_route(
    src: str,
    tgt: str,
    config: Config,
    *,
    model: str | None = None,
    available: Callable[[str], bool] = is_available,
) -> Route:
    """The best route whose models are all on this machine.

    Raises ``ModelUnavailable`` naming the first missing model of the best
    route, with a command that fetches every model that route lacks.
    """
    routes = candidate_routes(src, tgt, config, model=model)
    for route in routes:
        if all(available(m) for m in route.models):
            return route
    best = routes[0]
    missing = [m for m in best.models if not available(m)]
    if is_local_ref(missing[0]):
        local_folder(missing[0])  # raises with the precise reason
    raise ModelUnavailable(missing[0], f"is not downloaded (needed to translate {src}->{tgt})", also=tuple(missing[1:]))
