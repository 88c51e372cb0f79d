"""A batch interrupted and resumed gives the files of a batch that ran through: names, index and text.

A sentence's translation can depend on the sentences it shares a generation
batch with (a batch decodes up to its longest member's length limit, and the
tiny random models always run to it), so the resumed batch must translate
each sentence with the same batch mates as an uninterrupted run.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import json
from pathlib import Path

import pytest

import diglot.jobs.batch
from diglot.config import load_config
from diglot.jobs.batch import BatchOptions, LocalRunner, run_batch
from diglot.jobs.batch_sources import Source

WHEN = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
OPTIONS = BatchOptions(targets=("ru",), method="extractive", use_cache=False)


class Stop(Exception):
    """Stands for a Ctrl+C or a crash after some articles were written."""


@pytest.fixture
def sources(tmp_path: Path, seed: Path) -> list[Source]:
    """Fourteen articles of four to seven of the seed's paragraphs each (several groups of the batch)."""
    lines = [line for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
    folder = tmp_path / "in"
    folder.mkdir()
    made = []
    for number in range(14):
        start = (3 * number) % len(lines)
        picked = [lines[(start + k) % len(lines)] for k in range(4 + number % 4)]
        path = folder / f"{number:02d}.txt"
        path.write_text(f"Article {number}\n\n" + "\n\n".join(picked), encoding="utf-8")
        made.append(Source(str(path)))
    return made


def batch(
    sources: list[Source], out: Path, *, use_cache: bool = False, **kwargs: object
) -> diglot.jobs.batch.BatchReport:
    options = dataclasses.replace(OPTIONS, use_cache=use_cache)
    return run_batch(sources, out, options, LocalRunner(load_config(), options, when=WHEN), **kwargs)  # type: ignore[arg-type]


def files(out: Path) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(out.iterdir()) if path.name != "index.jsonl"}


def index(out: Path) -> list[dict[str, object]]:
    lines = [json.loads(line) for line in (out / "index.jsonl").read_text(encoding="utf-8").splitlines()]
    return [{key: line[key] for key in ("source", "outputs", "title", "source_language")} for line in lines]


@pytest.mark.parametrize(("stop_after", "use_cache"), [(3, False), (9, False), (3, True)])
def test_a_batch_stopped_mid_way_and_resumed_writes_what_an_uninterrupted_one_writes(
    tmp_path: Path,
    tiny_config: Path,
    sources: list[Source],
    stop_after: int,
    use_cache: bool,
    monkeypatch: pytest.MonkeyPatch,
):
    # With the result cache, each batch has its own (a sentence two groups share is translated in the first).
    monkeypatch.setenv("DIGLOT_CACHE_DIR", str(tmp_path / "cache-whole"))
    whole = batch(sources, tmp_path / "whole", use_cache=use_cache)
    monkeypatch.setenv("DIGLOT_CACHE_DIR", str(tmp_path / "cache-resumed"))
    assert whole.count("done") == len(sources)
    out = tmp_path / "resumed"
    committed = []

    def stop(entry: diglot.jobs.batch.IndexEntry, sentences: int) -> None:
        committed.append(entry.source)
        if len(committed) == stop_after:
            raise Stop

    with pytest.raises(Stop):
        batch(sources, out, on_article=stop, use_cache=use_cache)
    resumed = batch(sources, out, use_cache=use_cache)
    assert resumed.count("skipped") == stop_after and resumed.count("done") == len(sources) - stop_after
    assert index(out) == index(tmp_path / "whole")
    assert files(out) == files(tmp_path / "whole")


def test_articles_that_failed_to_write_are_made_again_as_an_uninterrupted_batch_made_them(
    tmp_path: Path, tiny_config: Path, sources: list[Source], monkeypatch: pytest.MonkeyPatch
):
    whole = batch(sources, tmp_path / "whole")
    real = diglot.jobs.batch.write_atomic
    refused = {"04.ru.md", "05.ru.md", "11.ru.md"}

    def full_disk(path: Path, data: str | bytes, **kwargs: object) -> None:
        if path.name in refused:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data, **kwargs)  # type: ignore[arg-type]

    out = tmp_path / "resumed"
    monkeypatch.setattr(diglot.jobs.batch, "write_atomic", full_disk)
    first = batch(sources, out)
    assert first.count("failed") == 3 and first.count("done") == len(sources) - 3
    monkeypatch.setattr(diglot.jobs.batch, "write_atomic", real)
    again = batch(sources, out)
    assert again.count("done") == 3 and again.count("skipped") == len(sources) - 3
    assert [entry.outputs for entry in again.entries] == [entry.outputs for entry in whole.entries]
    assert index(out) == index(tmp_path / "whole")
    assert files(out) == files(tmp_path / "whole")


def test_a_batch_on_a_model_not_yet_converted_translates_each_sentence_once(
    tmp_path: Path, tiny_config: Path, sources: list[Source], monkeypatch: pytest.MonkeyPatch
):
    # The first load converts the model for CTranslate2, and the conversion is part of the results' identity:
    # the group's translations, made before it existed, were then looked for under the new one, missed, and
    # every article was translated again window by window (other batch mates, other text than a later run's).
    from diglot.generation import Seq2SeqModel

    calls: list[int] = []
    generate = Seq2SeqModel.generate

    def spy(self: Seq2SeqModel, texts: list[str], *args: object, **kwargs: object) -> list[str]:
        calls.append(len(texts))
        return generate(self, texts, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Seq2SeqModel, "generate", spy)
    first = batch(sources[:3], tmp_path / "first")
    assert first.count("done") == 3 and len(calls) == 1
    second = batch(sources[:3], tmp_path / "second")  # the conversion exists now
    assert second.count("done") == 3 and len(calls) == 2
    assert files(tmp_path / "first") == files(tmp_path / "second")
