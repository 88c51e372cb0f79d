"""The glossary: files read with their errors named by line, terms matched, and enforced whatever the model does."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from diglot.cache import ResultCache
from diglot.config import Config, load_config, to_toml
from diglot.document import load_document, read_source
from diglot.documents.prose import mask, unmask_report
from diglot.errors import ConfigError
from diglot.glossary import (
    Glossary,
    GlossaryError,
    add_term,
    check_glossary_file,
    config_glossary,
    load_glossary,
    read_glossary_file,
    remove_term,
)
from diglot.models import ModelPool
from diglot.schema import TRANSLATION_SCHEMA
from diglot.translate import Translator
from tests.fake_translator import MODELS as BASE_MODELS
from tests.fake_translator import FakeTranslator
from tests.fake_translator import translated as _translated

DOCUMENTS = Path(__file__).parent.parent / "data" / "documents"


def _write(path: Path, text: str, *, bom: bool = False) -> Path:
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def _found(glossary: Glossary, text: str, src: str = "en", tgt: str = "ru") -> list[tuple[str, str]]:
    return [(text[m.start : m.end], m.replacement) for m in glossary.terms_in(text, src, tgt)]


# -- files -------------------------------------------------------------------


def test_csv_with_bom_keep_and_targets(tmp_path):
    path = _write(tmp_path / "terms.csv", "source,target\nGazprom,Газпром\nKubernetes,\n", bom=True)
    entries = read_glossary_file(path)
    assert [(e.source, e.target) for e in entries] == [("Gazprom", "Газпром"), ("Kubernetes", "")]
    assert entries[0].origin == f"{path}:2"
    glossary = Glossary(entries)
    assert _found(glossary, "Gazprom runs Kubernetes.") == [("Gazprom", "Газпром"), ("Kubernetes", "Kubernetes")]


def test_tsv_and_one_column_per_language(tmp_path):
    path = _write(tmp_path / "terms.tsv", "source\tru\tzh\nYandex\tЯндекс\t\nKubernetes\t\t\nBeijing\t\t北京\n")
    glossary = load_glossary([path])
    text = "Yandex, Kubernetes and Beijing."
    assert _found(glossary, text, tgt="ru") == [
        ("Yandex", "Яндекс"),
        ("Kubernetes", "Kubernetes"),
        ("Beijing", "Beijing"),
    ]
    assert _found(glossary, text, tgt="zh") == [("Yandex", "Yandex"), ("Kubernetes", "Kubernetes"), ("Beijing", "北京")]
    # German is not in the file: only the term kept in every language applies.
    assert _found(glossary, text, tgt="de") == [("Kubernetes", "Kubernetes")]
    assert _found(glossary, text, src="ru", tgt="ru") == []  # nothing to translate: nothing to enforce


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty; a glossary starts with a header"),
        ("target\nx\n", ":1: the header has no 'source' column"),
        ("source,colour\nx,y\n", ":1: unknown column 'colour'"),
        ("source,target\nok,fine\n   ,Газпром\n", ":3: the term is empty"),
        ("source,target\nok,fine\n,,\n", ":3: the term is empty"),
        ("source,target\na,b,c\n", ":2: 3 fields, the header has 2"),
        ('source,target\nok,fine\n"broken,x\n', ":3: malformed CSV"),
        ("source,target,case\nx,y,maybe\n", ":2: 'case' must be one of sensitive, insensitive (not 'maybe')"),
        ("source,target,ru\nx,y,z\n", ":1: use either a 'target' column or one column per language"),
    ],
)
def test_bad_files_are_one_line_errors_with_the_line(tmp_path, text, message):
    path = _write(tmp_path / "bad.csv", text)
    with pytest.raises(GlossaryError) as caught:
        read_glossary_file(path)
    assert message in str(caught.value) and str(path) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_not_utf8_and_missing_file(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("source,target\nok,fine\ncafé,x\n".encode("latin-1"))
    with pytest.raises(GlossaryError, match=r"latin1.csv:3: not UTF-8 text"):
        read_glossary_file(path)
    with pytest.raises(GlossaryError, match=r"missing.csv: cannot read"):
        read_glossary_file(tmp_path / "missing.csv")
    with pytest.raises(GlossaryError, match="not a regular file"):
        read_glossary_file(tmp_path)


def test_check_reports_duplicates_conflicts_and_malformed_lines(tmp_path):
    path = _write(
        tmp_path / "terms.csv",
        "source,target,case\nGazprom,Газпром,\nGazprom,Газпром,\nGazprom,Газпромнефть,\n  ,x,\nnasa,НАСА,insensitive\n"
        "NASA,НАСА,insensitive\nx,y,often\n",
    )
    assert check_glossary_file(path) == [
        f"{path}:3: 'Gazprom' duplicate of line 2 (the first is used)",
        f"{path}:4: 'Gazprom' conflicts with line 2 (the first is used)",
        f"{path}:5: the term is empty",
        f"{path}:7: 'NASA' duplicate of line 6 (the first is used)",
        f"{path}:8: 'case' must be one of sensitive, insensitive (not 'often')",
    ]
    assert check_glossary_file(_write(tmp_path / "good.csv", "source,target\na,b\n")) == []


# -- matching ----------------------------------------------------------------


def test_whole_words_longest_first_then_the_first_listed(tmp_path):
    first = _write(tmp_path / "a.csv", "source,target\nNew York,Нью-Йорк\nYork,Йорк\nTimes,Таймс\n")
    second = _write(tmp_path / "b.csv", "source,target\nNew York Times,\nYork Times,Йорк-Таймс\nYork,ЙОРК\n")
    glossary = load_glossary([first, second])
    # The longest match wins where matches overlap (both files); a tie goes to the file listed first.
    assert _found(glossary, "The New York Times.") == [("New York Times", "New York Times")]
    assert _found(glossary, "York Times, and York.") == [("York Times", "Йорк-Таймс"), ("York", "Йорк")]
    assert _found(glossary, "in New York") == [("New York", "Нью-Йорк")]
    # Whole words only: not inside a longer word.
    assert _found(glossary, "Yorkshire Timesheet NewYork") == []
    # The same length overlapping: the entry listed first.
    overlapping = load_glossary([_write(tmp_path / "c.csv", "source,target\nab cd,X\ncd ef,Y\n")])
    assert _found(overlapping, "ab cd ef") == [("ab cd", "X")]


def test_case_rules_and_inflection(tmp_path):
    path = _write(
        tmp_path / "t.csv",
        "source,target,case,inflect\nGazprom,Газпром,,\nnasa,НАСА,insensitive,\nAPI,,,yes\nIBM,,,\n",
    )
    glossary = load_glossary([path])
    # Case-sensitive by default; per-term insensitive keeps what the article wrote for a kept term.
    assert _found(glossary, "gazprom and Gazprom") == [("Gazprom", "Газпром")]
    assert _found(glossary, "NASA, Nasa and nasa") == [("NASA", "НАСА"), ("Nasa", "НАСА"), ("nasa", "НАСА")]
    # An apostrophe ending needs nothing; a Latin suffix only where the term opts in.
    assert _found(glossary, "Gazprom's APIs and IBMs") == [("Gazprom", "Газпром"), ("APIs", "APIs")]
    assert _found(glossary, "APIsation") == []


def test_chinese_and_japanese_match_without_spaces(tmp_path):
    path = _write(tmp_path / "cjk.csv", "source,en,ru\n北京,Beijing,Пекин\n東京,,\n人工智能,AI,ИИ\n")
    glossary = load_glossary([path])
    assert _found(glossary, "我住在北京。人工智能很强大。", src="zh", tgt="en") == [
        ("北京", "Beijing"),
        ("人工智能", "AI"),
    ]
    assert _found(glossary, "東京は大きい都市です。", src="ja", tgt="ru") == [("東京", "東京")]
    # Thai is written without spaces too.
    thai = load_glossary([_write(tmp_path / "th.csv", "source,target\nกรุงเทพ,Бангкок\n")])
    assert _found(thai, "ฉันอยู่กรุงเทพมาก", src="th") == [("กรุงเทพ", "Бангкок")]


def test_source_language_column(tmp_path):
    path = _write(tmp_path / "t.csv", "source,target,source_language\nGift,Подарок,en\nGift,Яд,de\n")
    glossary = load_glossary([path])
    assert _found(glossary, "A Gift.", src="en") == [("Gift", "Подарок")]
    assert _found(glossary, "Das Gift.", src="de") == [("Gift", "Яд")]
    assert _found(glossary, "Gift.", src="fr") == []


def test_a_hundred_thousand_terms_load_and_match(tmp_path):
    lines = ["source,target"] + [f"term{n},t{n}" for n in range(100_000)]
    glossary = load_glossary([_write(tmp_path / "big.csv", "\n".join(lines) + "\n")])
    assert len(glossary) == 100_000
    assert _found(glossary, "term7 and term99999 but not term100000") == [("term7", "t7"), ("term99999", "t99999")]


# -- config, adding and removing -------------------------------------------------


def test_config_lists_files_and_terms(tmp_path):
    _write(tmp_path / "terms.csv", "source,target\nGazprom,Газпром\n")
    config_file = tmp_path / "config.toml"
    config_file.write_text(
        '[glossary]\nfiles = ["terms.csv"]\n[glossary.terms]\n"Kubernetes" = ""\n'
        '"Yandex" = { ru = "Яндекс", case = "insensitive" }\n',
        encoding="utf-8",
    )
    config = load_config(config_file)
    assert config.glossary_files == (tmp_path / "terms.csv",)
    assert load_config(_write(tmp_path / "again.toml", to_toml(config))).glossary_terms == config.glossary_terms
    glossary = config_glossary(config)
    text = "Gazprom, YANDEX and Kubernetes"
    assert _found(glossary, text) == [("Gazprom", "Газпром"), ("YANDEX", "Яндекс"), ("Kubernetes", "Kubernetes")]
    short = _write(tmp_path / "short.toml", 'glossary = ["terms.csv"]\n')
    assert load_config(short).glossary_files == (tmp_path / "terms.csv",)
    for bad, message in [
        ("[glossary]\ncolour = 1\n", "unknown setting 'glossary.colour'"),
        ('[glossary.terms]\n"  " = "x"\n', "the term is empty"),
        ('[glossary.terms]\n"x" = { fr = 1 }\n', "must be a target (a string) or a table of strings"),
    ]:
        with pytest.raises(ConfigError, match=re.escape(message)):
            load_config(_write(tmp_path / "bad.toml", bad))


def test_add_and_remove_keep_the_rest_of_the_file(tmp_path):
    path = _write(tmp_path / "mine.csv", "source,target,note\nGazprom,Газпром,oil\n# kept,,as written\n")
    add_term(path, "Kubernetes", None)
    add_term(path, "Gazprom", "ГАЗПРОМ")  # replaces its line in place
    assert (
        path.read_text(encoding="utf-8") == "source,target,note\nGazprom,ГАЗПРОМ,\n# kept,,as written\nKubernetes,,\n"
    )
    assert remove_term(path, "Gazprom") == 1
    assert path.read_text(encoding="utf-8") == "source,target,note\n# kept,,as written\nKubernetes,,\n"
    new = tmp_path / "sub" / "new.csv"
    add_term(new, "nasa", "НАСА", case_insensitive=True)
    assert _found(load_glossary([new]), "NASA") == [("NASA", "НАСА")]
    with pytest.raises(GlossaryError, match="the term is empty"):
        add_term(new, "  ", "x")


# -- enforcement ---------------------------------------------------------------


def test_mask_puts_back_the_target_and_says_which_fallback():
    sentence = "Gazprom bought `x` from Kubernetes today."
    masked = mask(sentence, [(15, 18)], {(0, 7): "Газпром", (24, 34): "Kubernetes"})
    assert masked.head == "Газпром " and masked.text == "bought {0} from {1} today."
    assert masked.parts == ("`x`", "Kubernetes") and masked.terms == frozenset({1})
    assert unmask_report("купил {0} у {1} сегодня.", masked) == (
        "Газпром купил `x` у Kubernetes сегодня.",
        False,
        False,
    )
    assert unmask_report("купил {0} сегодня.", masked) == ("Газпром купил `x` сегодня Kubernetes.", False, True)
    assert unmask_report("купил сегодня {1}.", masked) == ("Газпром купил сегодня Kubernetes `x`.", True, False)


MODELS: dict[str, Callable[[str], str]] = {
    **BASE_MODELS,
    "translates": lambda s: re.sub(r"\{(\d+)\}", r"{ноль\1}", _translated(s)),
    "echoes the words": lambda s: _translated(s).replace("{0}", "Gazprom"),
}


@pytest.fixture
def config(tiny_models) -> Config:
    pairs = {k: str(tiny_models[k]) for k in ("en-ru", "ru-en", "en-zh", "zh-en")}
    return Config(translate_models=pairs, multilingual_model=str(tiny_models["multilingual"]), num_beams=1)


TERMS = "source,target\nGazprom,Газпром\nKubernetes,\nNew York Times,\n"


@pytest.mark.parametrize("model", sorted(MODELS))
@pytest.mark.parametrize("markdown", [False, True])
def test_every_term_comes_out_as_the_glossary_says(tmp_path, config, model, markdown):
    glossary = load_glossary([_write(tmp_path / "t.csv", TERMS)])
    text = (
        "Gazprom moved its servers to Kubernetes last year. The New York Times wrote about Gazprom twice.\n\n"
        "Kubernetes.\n\nNothing here is in the glossary.\n"
    )
    document = load_document(text, source="a.md" if markdown else "a.txt", markdown=markdown)
    translator = FakeTranslator(config, MODELS[model], glossary=glossary)
    translation = translator.translate(document, src="en", tgt="ru", languages=["en"] * len(document.paragraphs))
    seen = "\n".join(translator.inputs)
    assert "Gazprom" not in seen and "Kubernetes" not in seen and "Times" not in seen  # the model never saw them
    pairs = [pair for p in translation.paragraphs for pair in p.sentences]
    for pair in pairs:
        expected = {"Gazprom": "Газпром", "Kubernetes": "Kubernetes", "New York Times": "New York Times"}
        for term, target in expected.items():
            assert pair.target.count(target) >= pair.source.count(term), (pair, term)
        assert [t for _, t in pair.glossary] == [expected[s] for s, _ in pair.glossary]
    assert pairs[0].glossary == (("Gazprom", "Газпром"), ("Kubernetes", "Kubernetes"))
    assert pairs[1].glossary == (("New York Times", "New York Times"), ("Gazprom", "Газпром"))
    assert pairs[2].target == "Kubernetes." and pairs[-1].glossary == ()
    flagged = [pair for pair in pairs if any(f.kind == "glossary" for f in pair.flags)]
    if model in ("drops", "repeats", "translates", "echoes the words"):
        assert flagged  # the fallback placed a term, and said so
    if model in ("copies", "reorders"):
        assert not flagged
    data = translation.to_dict()
    assert data["paragraphs"][0]["sentences"][0]["glossary"] == [
        {"source": "Gazprom", "target": "Газпром"},
        {"source": "Kubernetes", "target": "Kubernetes"},
    ]
    jsonschema.validate(data, TRANSLATION_SCHEMA)


def test_terms_in_code_stay_code_and_structure_survives(tmp_path, config):
    glossary = load_glossary([_write(tmp_path / "t.csv", "source,target\nexample,пример\n")])
    document = read_source(str(DOCUMENTS / "guide_en.md"))
    translator = FakeTranslator(config, _translated, glossary=glossary)
    translation = translator.translate(document, src="en", tgt="ru", languages=["en"] * len(document.paragraphs))
    pairs = [pair for p in translation.paragraphs for pair in p.sentences]
    code = [pair for pair in pairs if pair.source.startswith("pip install example")]
    assert code and all(pair.target == pair.source for pair in code)  # inside a code block: kept as code
    assert any(("example", "пример") in pair.glossary for pair in pairs)


def test_the_cache_keeps_the_model_output_and_the_terms_are_put_back_after_it(tmp_path, config):
    cache = ResultCache(tmp_path / "cache.sqlite3")
    document = load_document("Gazprom moved to Kubernetes.\n", source="a.txt")
    first = load_glossary([_write(tmp_path / "a.csv", "source,target\nGazprom,Газпром\nKubernetes,\n")])
    second = load_glossary([_write(tmp_path / "b.csv", "source,target\nGazprom,GAZPROM\nKubernetes,K8s\n")])
    without = Glossary()
    outputs = []
    for glossary in (first, second, without, first):
        translator = FakeTranslator(config, _translated, glossary=glossary, cache=cache)
        translation = translator.translate(document, src="en", tgt="ru", languages=["en"] * len(document.paragraphs))
        outputs.append((translation.text, translation.cache_hits, translator.inputs))
    assert outputs[0] == ("Газпром Жmoved Жto Kubernetes.", 0, ["moved to {0}."])
    # Other targets for the same terms: the model's output for the same masked text is reused.
    assert outputs[1] == ("GAZPROM Жmoved Жto K8s.", 1, [])
    # No glossary: the model reads other text, another entry; the first glossary again: a hit.
    assert outputs[2] == ("Жgazprom Жmoved Жto Жkubernetes.", 0, ["Gazprom moved to Kubernetes."])
    assert outputs[3] == ("Газпром Жmoved Жto Kubernetes.", 1, [])


def test_tiny_models_keep_every_term(tmp_path, config):
    path = _write(tmp_path / "t.csv", "source,target\nGazprom,Газпром\nKubernetes,\n北京,Beijing\n")
    translator = Translator(config, pool=ModelPool(device="cpu"), glossary=load_glossary([path]))
    english = load_document("Gazprom runs Kubernetes in the cloud. Kubernetes is fast.\n", source="a.txt")
    translation = translator.translate(english, src="en", tgt="ru", languages=["en"] * len(english.paragraphs))
    first, second = translation.paragraphs[0].sentences
    assert "Газпром" in first.target and "Kubernetes" in first.target and "Kubernetes" in second.target
    chinese = load_document("我住在北京。北京很大。\n", source="z.txt")
    translation = translator.translate(chinese, src="zh", tgt="en", languages=["zh"] * len(chinese.paragraphs))
    assert all("Beijing" in pair.target for pair in translation.paragraphs[0].sentences)


# -- command line ----------------------------------------------------------------


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    from diglot.tui.cli import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_translate_and_the_translated_summary_enforce_the_glossary(capsys, tmp_path, seed, tiny_config):
    terms = _write(tmp_path / "t.csv", "source,target\nPutin,Путин\nRosoboronexport,\n")
    extra = _write(tmp_path / "u.csv", "source,target\nMoscow,Москва\n")
    code, out, err = _cli(
        capsys, "translate", str(seed), "--to", "ru", "--json", "--glossary", str(terms), "--glossary", str(extra)
    )
    assert code == 0, err
    data = json.loads(out)["translation"]
    pairs = [s for p in data["paragraphs"] for s in p["sentences"]]
    applied = [(t["source"], t["target"]) for pair in pairs for t in pair.get("glossary", [])]
    assert {("Putin", "Путин"), ("Rosoboronexport", "Rosoboronexport"), ("Moscow", "Москва")} <= set(applied)
    for pair in pairs:
        for term, target in (("Putin", "Путин"), ("Rosoboronexport", "Rosoboronexport"), ("Moscow", "Москва")):
            assert pair["target"].count(target) >= len(re.findall(rf"\b{term}\b", pair["source"]))
    code, out, err = _cli(
        capsys, "translate", str(seed), "--to", "ru", "--summary", "--method", "extractive", "--glossary", str(terms)
    )
    assert code == 0 and "Путин" in out


def test_a_bad_glossary_is_one_line_before_any_work(capsys, tmp_path, seed, tiny_config):
    bad = _write(tmp_path / "bad.csv", "source,target\nok,fine\n  ,x\n")
    code, out, err = _cli(capsys, "translate", str(seed), "--to", "ru", "--glossary", str(bad))
    assert (code, out) == (1, "") and err == f"diglot: error: {bad}:3: the term is empty\n"
    code, out, err = _cli(capsys, "translate", str(seed), "--to", "ru", "--glossary", str(tmp_path / "none.csv"))
    assert code == 1 and err.count("\n") == 1 and "none.csv: cannot read" in err


def test_glossary_command_lists_adds_removes_and_checks(capsys, tmp_path):
    path = tmp_path / "mine.csv"
    assert _cli(capsys, "glossary", "add", str(path), "Gazprom", "Газпром")[0] == 0
    assert _cli(capsys, "glossary", "add", str(path), "Kubernetes")[0] == 0
    code, out, _ = _cli(capsys, "glossary", "list", str(path))
    assert out == "Gazprom\tГазпром\nKubernetes\t(kept as it is)\n"
    assert _cli(capsys, "glossary", "check", str(path))[1] == f"{path}: 2 terms, no problems\n"
    assert _cli(capsys, "glossary", "remove", str(path), "Gazprom")[0] == 0
    code, out, err = _cli(capsys, "glossary", "remove", str(path), "Gazprom")
    assert code == 1 and "no term 'Gazprom'" in err
    _write(path, 'source,target\nA,B\nA,C\n"x,\n')
    code, out, _ = _cli(capsys, "glossary", "check", str(path))
    assert code == 1
    assert out.splitlines() == [
        f"{path}:3: 'A' conflicts with line 2 (the first is used)",
        f"{path}:4: malformed CSV (unexpected end of data)",
    ]


def test_eval_reports_term_accuracy(capsys, tmp_path, tiny_config):
    from diglot.jobs.evaluate import term_share

    terms = _write(tmp_path / "t.csv", "source,target\nPutin,Путин\nMoscow,\n")
    sources = _write(tmp_path / "src.en", "Putin met Li in Moscow.\nNo terms here.\nPutin and Putin.\n")
    references = _write(tmp_path / "ref.ru", "Путин встретил Ли в Moscow.\nЗдесь нет.\nПутин и Путин.\n")
    code, out, err = _cli(
        capsys, "eval", "translate", str(sources), str(references), "--from", "en", "--to", "ru",
        "--glossary", str(terms), "--json",
    )  # fmt: skip
    assert code == 0, err
    result = json.loads(out)["results"][0]
    assert (result["terms"], result["term_accuracy"]) == (4, 1.0)  # enforced: every term as the glossary says
    code, out, err = _cli(capsys, "eval", "translate", str(sources), str(references), "--from", "en", "--to", "ru",
                          "--glossary", str(terms))  # fmt: skip
    assert "term accuracy (auto): 100.0% of 4 glossary terms" in out
    glossary = load_glossary([terms])
    lines = ["Putin met Li in Moscow.", "Putin and Putin."]
    assert term_share(glossary, lines, ["Путин встретил Ли в Москве.", "Путин и Путин."], "en", "ru") == (4, 0.75)
    assert term_share(glossary, ["None."], ["Нет."], "en", "ru") == (0, None)


# -- batch -------------------------------------------------------------------------


def test_batch_enforces_the_glossary_and_a_changed_glossary_makes_again(capsys, tmp_path, seed, tiny_config):
    terms = _write(tmp_path / "t.csv", "source,target\nPutin,Путин\n")
    out = tmp_path / "out"
    argv = ["batch", str(seed), "--out", str(out), "--to", "ru", "--method", "extractive", "--format", "json", "-q"]
    assert _cli(capsys, *argv, "--glossary", str(terms))[0] == 0
    made = json.loads((out / f"{seed.stem}.ru.json").read_text(encoding="utf-8"))["translation"]
    pairs = [s for p in made["paragraphs"] for s in p["sentences"]]
    assert all(pair["target"].count("Путин") >= pair["source"].count("Putin") for pair in pairs)
    assert any(t == {"source": "Putin", "target": "Путин"} for pair in pairs for t in pair.get("glossary", []))
    index = [json.loads(line) for line in (out / "index.jsonl").read_text(encoding="utf-8").splitlines()]
    assert index[-1]["status"] == "done" and index[-1]["settings"]["glossary"]
    # The same glossary: skipped; another target for the term: made again, with it.
    assert _cli(capsys, *argv, "--glossary", str(terms))[0] == 0
    index = [json.loads(line) for line in (out / "index.jsonl").read_text(encoding="utf-8").splitlines()]
    assert index[-1]["status"] == "skipped"
    _write(terms, "source,target\nPutin,ПУТИН\n")
    assert _cli(capsys, *argv, "--glossary", str(terms))[0] == 0
    assert "ПУТИН" in (out / f"{seed.stem}.ru.json").read_text(encoding="utf-8")


def test_ray_actors_are_given_the_entries_not_the_files(tmp_path):
    from diglot.jobs.batch import BatchOptions
    from diglot.jobs.batch_ray import RayRunner

    terms = _write(tmp_path / "t.csv", "source,target\nPutin,Путин\nKubernetes,\n")
    config = Config(glossary_files=(terms,))
    actor_config, *_ = RayRunner(config, BatchOptions(targets=("ru",))).actor_arguments({"num_cpus": 1})
    assert actor_config.glossary_files == () and not actor_config.glossary_user
    terms.unlink()  # another node: no file there
    shipped = config_glossary(actor_config)
    assert _found(shipped, "Putin runs Kubernetes") == [("Putin", "Путин"), ("Kubernetes", "Kubernetes")]


def test_translating_together_sends_what_each_translation_sends(tmp_path, config):
    from diglot.translate.translator import TranslationJob

    glossary = load_glossary([_write(tmp_path / "t.csv", TERMS)])
    documents = [
        load_document("Gazprom moved to Kubernetes.\n\nNothing here.\n", source="a.txt"),
        load_document("Read `code` at Gazprom.\n", source="b.md", markdown=True),
    ]
    translator = FakeTranslator(config, _translated, glossary=glossary)
    jobs = [TranslationJob(document, "en", "ru", ["en"] * len(document.paragraphs)) for document in documents]
    with translator.together(jobs):
        made = [translator.translate(d, src="en", tgt="ru", languages=["en"] * len(d.paragraphs)) for d in documents]
    # Each sentence reached the model once, as its translation reads it: terms and code as placeholders.
    assert sorted(translator.inputs) == sorted(["moved to {0}.", "Nothing here.", "Read {0} at {1}."])
    assert made[0].paragraphs[0].sentences[0].target == "Газпром Жmoved Жto Kubernetes."


def test_add_to_a_tsv_file_writes_tabs(tmp_path):
    path = _write(tmp_path / "terms.tsv", "source\ttarget\nGazprom\tГазпром\n")
    add_term(path, "Big, Inc.", None)
    assert path.read_text(encoding="utf-8") == "source\ttarget\nGazprom\tГазпром\nBig, Inc.\t\n"
    assert _found(load_glossary([path]), "Big, Inc. and Gazprom") == [
        ("Big, Inc.", "Big, Inc."),
        ("Gazprom", "Газпром"),
    ]
    new = tmp_path / "new.tsv"
    add_term(new, "Kubernetes", "K8s")
    assert new.read_text(encoding="utf-8") == "source\ttarget\tcase\nKubernetes\tK8s\t\n"


def test_links_and_emphasis_on_a_term_are_carried_onto_its_target(tmp_path, config):
    from diglot.documents.writers import write_document

    glossary = load_glossary([_write(tmp_path / "t.csv", "source,target\nGazprom,Газпром\n")])
    document = load_document("**Gazprom** grew, said [Gazprom](https://g.com) today.\n", source="a.md", markdown=True)
    translator = FakeTranslator(config, _translated, glossary=glossary)
    translation = translator.translate(document, src="en", tgt="ru", languages=["en"] * len(document.paragraphs))
    # Not appended with the source's words in parentheses: the marks are on the terms' targets.
    assert write_document(document, translation, "md") == "**Газпром** Жgrew, Жsaid [Газпром](https://g.com) Жtoday.\n"
    assert not [f for f in translation.paragraphs[0].sentences[0].flags if f.kind in ("markup", "glossary")]


def test_the_article_s_own_braces_are_not_taken_for_placeholders(tmp_path, config):
    glossary = load_glossary([_write(tmp_path / "t.csv", "source,target\nGazprom,Газпром\n")])
    document = load_document("Gazprom logs {0} and {1} here. Write {0} for the first.\n", source="a.txt")
    translator = FakeTranslator(config, _translated, glossary=glossary)
    first, second = (
        translator.translate(document, src="en", tgt="ru", languages=["en"] * len(document.paragraphs))
        .paragraphs[0]
        .sentences
    )
    assert first.target == "Газпром Жlogs {0} Жand {1} Жhere." and second.target == "Жwrite {0} Жfor Жthe Жfirst."
    assert [f for pair in (first, second) for f in pair.flags if f.kind in ("markup", "glossary")] == []
