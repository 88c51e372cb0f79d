"""The closed sets of choices (diglot.modes and the layers that own theirs): one list of values per set, which
the command line, the JSON schema and whatever reads a value back from outside all follow."""

from __future__ import annotations

import argparse
import json
from typing import get_args

import pytest

from diglot.jobs.batch import IndexEntry, Status
from diglot.jobs.pipeline import _is_language_guess
from diglot.modes import BACKENDS, DEVICES, LENGTHS, METHODS, OUTPUT_FORMATS, TRANSLATED, one_of
from diglot.schema import INDEX_LINE_SCHEMA, ROUTE_SCHEMA, SUMMARY_SCHEMA, TRANSLATION_SCHEMA
from diglot.summarize.result import is_summary_dict
from diglot.translate.result import RouteKind
from diglot.tui.cli import build_parser


def test_one_of_gives_the_choice_a_value_equals_and_none_for_anything_else():
    assert one_of("cuda", DEVICES) == "cuda"
    assert one_of("tpu", DEVICES) is None
    assert one_of("CUDA", DEVICES) is None  # no guessing: a choice is written as it is listed
    assert one_of(None, DEVICES) is None and one_of(3, DEVICES) is None


def _choices(parser: argparse.ArgumentParser, command: str, option: str) -> tuple[str, ...]:
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[command]
    return tuple(next(a for a in sub._actions if option in a.option_strings).choices)


@pytest.mark.parametrize(
    ("command", "option", "values"),
    [
        ("summarize", "--device", DEVICES),
        ("translate", "--backend", BACKENDS),
        ("summarize", "--method", METHODS),
        ("summarize", "--length", LENGTHS),
        ("batch", "--translate", TRANSLATED),
        ("batch", "--format", OUTPUT_FORMATS),
        ("translate", "--format", OUTPUT_FORMATS),
        ("eval", "--backend", BACKENDS),
    ],
)
def test_the_command_line_offers_each_set_s_values(command: str, option: str, values: tuple[str, ...]):
    parser = build_parser()
    if command == "eval":  # its own subcommands: translate and summarize
        eval_parser = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices["eval"]
        assert _choices(eval_parser, "translate", option) == values
    else:
        assert _choices(parser, command, option) == values


def test_the_json_schema_names_the_same_values_as_the_types():
    assert SUMMARY_SCHEMA["properties"]["method"]["enum"] == list(METHODS)
    assert SUMMARY_SCHEMA["properties"]["length"]["enum"] == list(LENGTHS)
    assert TRANSLATION_SCHEMA["properties"]["of"]["enum"] == list(TRANSLATED)
    # These two types live above the core that the schema is part of: checked here instead.
    assert ROUTE_SCHEMA["properties"]["kind"]["enum"] == list(get_args(RouteKind))
    assert INDEX_LINE_SCHEMA["properties"]["status"]["enum"] == list(get_args(Status))


def _summary(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "text": "One. Two.",
        "sentences": ["One.", "Two."],
        "method": "abstractive",
        "length": "medium",
        "language": "en",
        "source_language": "en",
        "model": "m",
        "backend": "ctranslate2",
    }
    return data | changes


def test_a_cached_summary_with_a_method_length_or_engine_diglot_does_not_know_is_a_miss():
    assert is_summary_dict(_summary())
    assert is_summary_dict(_summary(method="extractive", length="short", backend=None, model=None))
    assert not is_summary_dict(_summary(method="generative"))
    assert not is_summary_dict(_summary(length="tiny"))
    assert not is_summary_dict(_summary(backend="onnx"))


def test_a_cached_language_whose_method_diglot_does_not_know_is_a_miss():
    assert _is_language_guess(["en", 0.9, "langdetect"])
    assert not _is_language_guess(["en", 0.9, "guessed"])


def test_a_batch_index_line_with_a_status_diglot_does_not_know_is_not_an_entry():
    line = {"source": "a.txt", "outputs": ["a.ru.md"], "title": None, "source_language": "en", "error": None}
    entry = IndexEntry.from_json(json.dumps(line | {"status": "done"}))
    assert entry is not None and entry.status == "done"
    assert IndexEntry.from_json(json.dumps(line | {"status": "finished"})) is None
