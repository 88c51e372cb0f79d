"""A batch's output names fit every file system and keep every script's letters whole; a bad name fails alone."""

from __future__ import annotations

import errno
import json
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest
import regex

import diglot.jobs.batch
from diglot.jobs.batch import (
    ArticleOutcome,
    ArticleOutput,
    BatchOptions,
    OutputFolder,
    readable_name,
    run_batch,
)
from diglot.jobs.batch_sources import Source

# Windows refuses these as a name's part before the first dot, in any case ("con.ru.md" too).
WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {f"{p}{d}" for p in ("com", "lpt") for d in "0123456789¹²³"}
WINDOWS_INVALID = set('<>:"/\\|?*') | {chr(code) for code in range(32)}


def clusters(text: str) -> list[str]:
    return regex.findall(r"\X", text)


class FakeRunner:
    """Makes each source into an outcome with the given title (the source's own name by default)."""

    def __init__(self, titles: dict[str, str], targets: Sequence[str | None] = ("ru",)) -> None:
        self.titles = titles
        self.targets = targets

    def check(self) -> None:
        pass

    def run(self, sources: Sequence[str], *, finished: Mapping[str, int] | None = None) -> Iterator[ArticleOutcome]:
        for source in (source for source in sources if source not in (finished or {})):
            outputs = tuple(ArticleOutput(t, f"{source} {t}\n") for t in self.targets)
            yield ArticleOutcome(source, self.titles.get(source, source), "en", outputs, sentences=2)

    def close(self) -> None:
        pass


def batch(out: Path, titles: dict[str, str], *, targets: Sequence[str] = ("ru",)) -> diglot.jobs.batch.BatchReport:
    options = BatchOptions(targets=tuple(targets))
    return run_batch([Source(name) for name in titles], out, options, FakeRunner(titles, targets))


def assert_portable(name: str) -> None:
    stem = name.split(".", 1)[0]
    assert stem.casefold() not in WINDOWS_RESERVED, name
    assert not set(name) & WINDOWS_INVALID, name
    assert not name.endswith((".", " ")) and not name.startswith("."), name
    assert len(name.encode("utf-8")) + len(".") + len(".XXXXXXXX.tmp") <= 255, name


# 15: a name and its temporary name fit 255 bytes ----------------------------------------------------


@pytest.mark.parametrize("letter", ["𐐀", "𝔄𝔅", "😀", "中", "ж"])
def test_a_title_of_sixty_long_letters_is_named_within_the_byte_limit_with_the_temporary_suffix(
    tmp_path: Path, letter: str
):
    title = (letter * 60)[:60]
    report = batch(tmp_path / "out", {"a.txt": title, "b.txt": "Second", "c.txt": title})
    assert [entry.status for entry in report.entries] == ["done", "done", "done"]
    for entry in report.entries:
        for name in entry.outputs:
            assert_portable(name)
            assert (tmp_path / "out" / name).read_text(encoding="utf-8").startswith(entry.source)
    first, _, third = report.entries
    assert first.outputs != third.outputs  # numbered apart, still within the limit


def test_names_fit_with_long_language_codes_and_the_json_format(tmp_path: Path):
    folder = OutputFolder(tmp_path, BatchOptions(targets=("zh-hant", "pt-br"), fmt="json").settings())
    outputs = tuple(ArticleOutput(t, "{}") for t in ("zh-hant", "pt-br"))
    for number in range(3):
        entry = folder.commit(ArticleOutcome(f"{number}.txt", "𐐀" * 60, "en", outputs))
        assert entry.status == "done"
        assert all(name.endswith((".zh-hant.json", ".pt-br.json")) for name in entry.outputs)
        for name in entry.outputs:
            assert_portable(name)


def test_a_name_an_older_run_left_too_long_is_not_reused(tmp_path: Path):
    long_name = "𐐨" * 60 + ".ru.md"  # what older versions chose: 246 bytes, its temporary name 260
    settings = BatchOptions(targets=("ru",)).settings()
    writing = {"source": "a.txt", "status": "writing", "outputs": [long_name], "title": "𐐀" * 60}
    (tmp_path / "index.jsonl").write_text(
        json.dumps({**writing, "source_language": "en", "error": None, "settings": settings}) + "\n", encoding="utf-8"
    )
    report = batch(tmp_path, {"a.txt": "𐐀" * 60})
    (entry,) = report.entries
    assert entry.status == "done" and entry.outputs != (long_name,)
    assert_portable(entry.outputs[0])


# 16: names Windows reserves --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title", ["CON", "nul", "aux", "COM1", "lpt1", "PRN", "con.ru", "Nul.", "COM¹", "  aux  ", "lpt9: the port"]
)
def test_names_windows_reserves_are_never_used(tmp_path: Path, title: str):
    report = batch(tmp_path / "out", {"a.txt": title})
    (entry,) = report.entries
    assert entry.status == "done"
    for name in entry.outputs:
        assert_portable(name)


@pytest.mark.parametrize("source", ["CON.txt", "/data/nul.md", "https://example.org/aux", "https://example.org/com3/"])
def test_reserved_file_names_and_addresses_without_a_title(source: str):
    stem = readable_name(None, source)
    assert stem.casefold() not in WINDOWS_RESERVED and stem.startswith(Path(source.rstrip("/")).stem.casefold())


@pytest.mark.parametrize("title", ['a<b>c:d"e/f\\g|h?i*j', "ends with a dot.", "ends with a space ", "\x00\x1b[31m"])
def test_characters_windows_refuses_never_appear(title: str):
    assert_portable(readable_name(title, "x.txt") + ".ru.md")


# 17: whole grapheme clusters ---------------------------------------------------------------------

SCRIPTS = {
    "devanagari": ("नमस्ते दुनिया", "नमस्ते-दुनिया"),
    "devanagari, issue 23": ("विशेषताएँ", "विशेषताएँ"),
    "bengali": ("বাংলা ভাষা", "বাংলা-ভাষা"),
    "tamil": ("தமிழ் மொழி", "தமிழ்-மொழி"),
    "thai": ("ภาษาไทย สวัสดี", "ภาษาไทย-สวัสดี"),
    "arabic with harakat": ("مَرْحَبًا بِالْعَالَم", "مَرْحَبًا-بِالْعَالَم"),
    "emoji zwj sequences and flags": ("👩‍💻 Coders 🇺🇦 👨‍👩‍👧", "👩‍💻-coders-🇺🇦-👨‍👩‍👧"),
    "four-byte letters": ("𐐀𐐁 𐐂", "𐐨𐐩-𐐪"),
    "hangul": ("한국어 뉴스", "한국어-뉴스"),
}


@pytest.mark.parametrize(("title", "name"), SCRIPTS.values(), ids=SCRIPTS.keys())
def test_every_script_keeps_its_vowel_signs_viramas_and_joined_letters(title: str, name: str):
    assert readable_name(title, "x.txt") == unicodedata.normalize("NFC", name)


@pytest.mark.parametrize(("title", "name"), SCRIPTS.values(), ids=SCRIPTS.keys())
def test_a_name_cut_to_a_byte_budget_is_cut_between_grapheme_clusters(title: str, name: str):
    long_title = " ".join([title] * 30)
    whole = clusters(readable_name(long_title, "x.txt", budget=10_000))
    for budget in range(1, 200):
        cut = readable_name(long_title, "x.txt", budget=budget)
        if cut == "article":  # not even the first cluster fits
            assert len(whole[0].encode("utf-8")) > budget
            continue
        assert len(cut.encode("utf-8")) <= budget
        assert clusters(cut) == whole[: len(clusters(cut))], (budget, cut)
        assert not cut.endswith(("-", "_"))


def test_a_long_devanagari_title_makes_files_whose_names_are_whole_clusters(tmp_path: Path):
    title = " ".join(["विशेषताएँ", "नमस्ते", "क्षत्रिय"] * 20)
    report = batch(tmp_path, {"a.txt": title}, targets=("ru", "zh"))
    (entry,) = report.entries
    assert entry.status == "done"
    whole = clusters(readable_name(title, "x.txt", budget=10_000))
    for name in entry.outputs:
        assert_portable(name)
        stem = clusters(name.split(".", 1)[0])
        assert stem == whole[: len(stem)]


def test_format_characters_never_reach_a_name():
    # A right-to-left override would show "evil\u202egpj.exe" as "evilexe.jpg"; a soft hyphen hides in a name.
    assert readable_name("evil\u202egpj.exe", "x.txt") == "evilgpj-exe"
    assert readable_name("soft\u00adware", "x.txt") == "software"
    assert readable_name("می\u200cخواهم", "x.txt") == "می\u200cخواهم"  # Persian's zero-width non-joiner stays


# One article's failure never aborts the batch ------------------------------------------------------


def test_a_name_that_fails_to_write_fails_its_article_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    real = diglot.jobs.batch.write_atomic

    def refuse(path: Path, data: str | bytes, **kwargs: object) -> None:
        if path.name.startswith("refused") and ".zh." in path.name:
            raise OSError(errno.ENAMETOOLONG, "File name too long", str(path))
        real(path, data, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(diglot.jobs.batch, "write_atomic", refuse)
    out = tmp_path / "out"
    titles = {"a.txt": "First", "b.txt": "Refused", "c.txt": "Third"}
    report = batch(out, titles, targets=("ru", "zh"))
    assert [entry.status for entry in report.entries] == ["done", "failed", "done"]
    failed = report.entries[1]
    assert failed.error is not None and failed.outputs == ()
    assert failed.error.startswith("OSError: [Errno 36] File name too long") and "refused.zh.md" in failed.error
    assert sorted(path.name for path in out.iterdir()) == [
        "first.ru.md",
        "first.zh.md",
        "index.jsonl",
        "third.ru.md",
        "third.zh.md",
    ]  # the refused article's Russian file, written before, is not left behind
    monkeypatch.setattr(diglot.jobs.batch, "write_atomic", real)
    again = batch(out, titles, targets=("ru", "zh"))
    assert [entry.status for entry in again.entries] == ["skipped", "done", "skipped"]
    assert again.entries[1].outputs == ("refused.ru.md", "refused.zh.md")


def test_an_error_choosing_a_name_fails_its_article_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    real = diglot.jobs.batch.readable_name

    def broken(title: str | None, source: str, **kwargs: int) -> str:
        if source == "b.txt":
            raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")
        return real(title, source, **kwargs)

    monkeypatch.setattr(diglot.jobs.batch, "readable_name", broken)
    report = batch(tmp_path, {"a.txt": "First", "b.txt": "Second", "c.txt": "Third"})
    assert [entry.status for entry in report.entries] == ["done", "failed", "done"]
    assert report.entries[1].error is not None and "UnicodeEncodeError" in report.entries[1].error
    lines = [json.loads(line) for line in (tmp_path / "index.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [line["status"] for line in lines] == ["done", "failed", "done"]
