"""Language names from CLDR, and what --to and the picker accept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from diglot.languages import UnknownLanguage, default_codes, language, resolve_language, served_languages
from diglot.registry import M2M100_LANGUAGES, OPUS_PAIRS
from diglot.tui.cli import main


def test_every_served_language_has_an_english_and_a_native_name() -> None:
    served = {lang.code: lang for lang in served_languages()}
    opus = {code for pair in OPUS_PAIRS for code in pair.split("-")}
    assert set(served) == M2M100_LANGUAGES | opus == default_codes()
    assert len(served) >= 100
    for lang in served.values():
        assert lang.name != lang.code and lang.native, lang
        assert len(lang.iso3) == 3 or lang.iso3 == lang.code, lang


@pytest.mark.parametrize(
    ("code", "name", "native", "iso3"),
    [
        ("de", "German", "Deutsch", "deu"),
        ("ru", "Russian", "Русский", "rus"),
        ("zh", "Chinese", "中文", "zho"),
        ("ja", "Japanese", "日本語", "jpn"),
        ("ar", "Arabic", "العربية", "ara"),
        ("hi", "Hindi", "हिन्दी", "hin"),
        ("el", "Greek", "Ελληνικά", "ell"),
        ("fr", "French", "Français", "fra"),
        ("ka", "Georgian", "ქართული", "kat"),  # no capital: Georgian has none in running text
        ("ns", "Northern Sotho", "Sesotho sa Leboa", "ns"),  # m2m100's code for CLDR's "nso"
    ],
)
def test_names(code: str, name: str, native: str, iso3: str) -> None:
    found = language(code)
    assert (found.code, found.name, found.native, found.iso3) == (code, name, native, iso3)


def test_configured_languages_are_listed_too() -> None:
    assert "qu" not in {lang.code for lang in served_languages()}
    assert language("qu") in served_languages(["qu"]) and language("qu").name == "Quechua"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("de", "de"),
        ("DE", "de"),
        ("German", "de"),
        ("german", "de"),
        ("Deutsch", "de"),
        ("deu", "de"),
        ("Русский", "ru"),
        ("русский", "ru"),
        ("中文", "zh"),
        ("zh-TW", "zh"),
        ("pt_BR", "pt"),
        ("Français", "fr"),
        ("francais", "fr"),
        ("Español", "es"),
        ("日本語", "ja"),
        ("Quechua", "qu"),
    ],
)
def test_resolve_a_code_an_english_or_a_native_name(value: str, code: str) -> None:
    assert resolve_language(value) == code


def test_an_unknown_name_suggests_the_closest() -> None:
    with pytest.raises(UnknownLanguage) as info:
        resolve_language("Deutch")
    assert str(info.value) == "unknown language 'Deutch'; did you mean Deutsch (de), Dutch (nl)?"
    with pytest.raises(UnknownLanguage, match="Russian \\(ru\\)"):
        resolve_language("Rusian")
    with pytest.raises(UnknownLanguage, match="use a code such as ru"):
        resolve_language("xx")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit:
        code = int(exit.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("value", "code"), [("Deutsch", "de"), ("Русский", "ru"), ("中文", "zh")])
def test_to_takes_native_names(capsys, seed: Path, value: str, code: str) -> None:
    # The names resolve; the model for the pair is then missing (nothing is downloaded here).
    status, _, err = run(capsys, "translate", str(seed), "--to", value)
    assert status == 1 and f"opus-mt-en-{code}" in err


def test_to_with_an_unknown_name_is_one_line_before_any_model(
    capsys, seed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from diglot import models

    def no_model(*args: object, **kwargs: object) -> None:
        raise AssertionError("a model was loaded for a language that does not exist")

    monkeypatch.setattr(models, "load_model", no_model)
    monkeypatch.setattr(models.ModelPool, "get", no_model)
    status, out, err = run(capsys, "translate", str(seed), "--to", "Deutch")
    assert status == 2 and out == ""
    assert err == "diglot: error: unknown language 'Deutch'; did you mean Deutsch (de), Dutch (nl)?\n"
    status, out, err = run(capsys, "translate", str(seed), "--from", "12", "--to", "ru")
    assert status == 2 and err.startswith("diglot: error: unknown language '12'") and err.count("\n") == 1


def test_same_language_json_shows_the_segmentation(capsys, tmp_path: Path) -> None:
    article = tmp_path / "de.txt"
    article.write_text("Das ist gut. Über allem steht Dr. Schmidt.\n\nZweiter Absatz. Ende.\n", encoding="utf-8")
    status, out, _ = run(capsys, "translate", str(article), "--from", "de", "--to", "Deutsch", "--json")
    assert status == 0
    paragraphs = json.loads(out)["translation"]["paragraphs"]
    pairs = [[pair["source"] for pair in p["sentences"]] for p in paragraphs]
    assert pairs == [["Das ist gut.", "Über allem steht Dr. Schmidt."], ["Zweiter Absatz.", "Ende."]]


def test_the_shipped_own_names_are_cldrs_for_the_babel_they_were_read_from(monkeypatch: pytest.MonkeyPatch) -> None:
    """The picker's own names come from diglot/own_names.json, read from CLDR once: with the babel release it
    records they are exactly CLDR's, every served language is in it, and with any other release it is not used."""
    import babel

    from diglot import languages

    table = json.loads(languages.OWN_NAMES.read_text(encoding="utf-8"))
    languages._own_names.cache_clear()
    if table["babel"] == babel.__version__:
        assert languages._own_names() == table["names"]
        served = {lang.code for lang in served_languages() if lang.name != lang.code}
        assert served <= set(table["names"]), sorted(served - set(table["names"]))
        cldr = {code: languages._cldr_own_name(code, language(code).name) for code in table["names"]}
        assert cldr == table["names"], "stale: rewrite it with diglot.languages.write_own_names()"
    else:
        assert languages._own_names() == {}
    monkeypatch.setattr(babel, "__version__", "0.0-another")
    languages._own_names.cache_clear()
    try:
        assert languages._own_names() == {}
        assert languages.Language("ru", "Russian").native == "Русский"  # from CLDR itself
    finally:
        monkeypatch.undo()
        languages._own_names.cache_clear()


@pytest.mark.parametrize("content", ["", "{", "[]", '{"babel": 1}', '{"babel": "%s", "names": []}'])
def test_a_damaged_own_names_table_is_not_used(content: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import babel

    from diglot import languages

    path = tmp_path / "own_names.json"
    path.write_text(content.replace("%s", babel.__version__), encoding="utf-8")
    monkeypatch.setattr(languages, "OWN_NAMES", path)
    languages._own_names.cache_clear()
    try:
        assert languages._own_names() == {}
        assert languages.Language("de", "German").native == "Deutsch"
    finally:
        monkeypatch.undo()
        languages._own_names.cache_clear()
