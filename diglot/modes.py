"""The closed sets of choices that more than one layer names: where models run, on which engine, how a
summary is made and how long it is, what is translated, which files an article becomes.

Each set is a ``Literal`` type (what mypy checks) and a tuple of its values made from it (what the config,
the command line and JSON are checked against), so that the two never drift. A set one layer owns lives
there instead (a route's kind in ``diglot.translate.result``, the export formats in ``diglot.export``, a
quality flag's kind in ``diglot.quality``). The summary's method and length are here, not in
``diglot.summarize``, as the command line's help and the core's JSON schema name them too.
"""

from __future__ import annotations

from typing import Literal, TypeVar, get_args

Device = Literal["auto", "cpu", "cuda", "mps"]
"""Where models are asked to run: ``auto`` picks the best device the engine can use here."""
DEVICES: tuple[Device, ...] = get_args(Device)

ResolvedDevice = Literal["cpu", "cuda", "mps"]
"""Where a model does run (``diglot.devices.resolve_device``)."""

BackendChoice = Literal["auto", "ctranslate2", "transformers"]
"""Which engine is asked for: ``auto`` is CTranslate2 where it handles the architecture, else transformers."""
BACKENDS: tuple[BackendChoice, ...] = get_args(BackendChoice)

Engine = Literal["ctranslate2", "transformers"]
"""The engine a model does run on."""
ENGINES: tuple[Engine, ...] = get_args(Engine)

Method = Literal["abstractive", "extractive"]
"""How a summary is made: in a model's own words, or of the article's own sentences (no model)."""
METHODS: tuple[Method, ...] = get_args(Method)

Length = Literal["short", "medium", "long"]
"""How long a summary is asked to be."""
LENGTHS: tuple[Length, ...] = get_args(Length)

Translated = Literal["article", "summary"]
"""What a translation is of."""
TRANSLATED: tuple[Translated, ...] = get_args(Translated)

OutputFormat = Literal["md", "json", "txt", "html"]
"""The files ``diglot translate --format`` and ``diglot batch --format`` write."""
OUTPUT_FORMATS: tuple[OutputFormat, ...] = get_args(OutputFormat)

_Choice = TypeVar("_Choice", bound=str)


def one_of(value: object, choices: tuple[_Choice, ...]) -> _Choice | None:
    """``value`` as the choice it equals (narrowed to the choices' type), or ``None`` for anything else."""
    return next((choice for choice in choices if choice == value), None)
