"""Support links and quality flags reach ``--json`` and every export format."""

import dataclasses
import json
from pathlib import Path

from diglot.document import read_source
from diglot.export import export, export_dict
from diglot.langid import LanguageGuess
from diglot.quality import QualityFlag
from diglot.summarize import ExtractiveSummarizer
from diglot.summarize.support import SentenceSupport, SourceLink, article_sentences
from diglot.translate import Route, SentencePair, Step, TranslatedParagraph, Translation
from diglot.tui.cli import main
from tests.schema import valid_result


def run_json(capsys, *argv: str) -> dict:
    code = main([*argv, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return valid_result(json.loads(out))


def test_extractive_summary_json_links_every_sentence_exactly(capsys, seed: Path):
    data = run_json(capsys, "summarize", str(seed), "--method", "extractive")
    summary = data["summary"]
    document = read_source(str(seed))
    article = article_sentences(document, ["en"] * len(document.paragraphs))
    assert len(summary["support"]) == len(summary["flags"]) == len(summary["sentences"]) > 0
    for sentence, support in zip(summary["sentences"], summary["support"], strict=True):
        (link,) = support["sources"]
        assert link["text"] == sentence == article[link["sentence"]] and link["score"] == 1.0
        assert support["support"] == 1.0 and support["unsupported"] is False
    assert summary["unsupported"] == 0 and summary["flagged"] == 0


def test_abstractive_summary_json_has_links_and_flags(capsys, seed: Path, tiny_config):
    data = run_json(capsys, "summarize", str(seed), "--length", "short")
    summary = data["summary"]
    document = read_source(str(seed))
    article = article_sentences(document, ["en"] * len(document.paragraphs))
    assert len(summary["support"]) == len(summary["sentences"])
    assert all(article[link["sentence"]] == link["text"] for s in summary["support"] for link in s["sources"])
    # The random tiny BART loops: its sentences carry repetition flags, counted.
    assert summary["flagged"] == sum(1 for flags in summary["flags"] if flags) > 0
    assert summary["unsupported"] == sum(1 for s in summary["support"] if s["unsupported"])


def test_translation_json_lists_flags_per_sentence(capsys, seed: Path, tiny_config):
    data = run_json(capsys, "translate", str(seed), "--to", "zh")
    translation = data["translation"]
    pairs = [pair for p in translation["paragraphs"] for pair in p["sentences"]]
    assert translation["flagged"] == sum(1 for pair in pairs if pair["flags"]) > 0
    assert {"repetition"} <= {flag["kind"] for pair in pairs for flag in pair["flags"]}
    assert all(flag["reason"] for pair in pairs for flag in pair["flags"])


def hand_made(seed: Path):
    document = read_source(str(seed))
    summary = ExtractiveSummarizer().summarize(document, length="short", languages=["en"] * len(document.paragraphs))
    made_up = SentenceSupport(
        (SourceLink(4, article_sentences(document, ["en"] * len(document.paragraphs))[4], 0.3),), 0.25
    )
    summary = dataclasses.replace(summary, support=(*summary.support[:-1], made_up))
    route = Route("direct", (Step("m", "en", "ru"),))
    flag = QualityFlag("repetition", "repeats “шли” 4 times in a row")
    translation = Translation(
        (TranslatedParagraph((SentencePair("They went.", "Они шли шли шли шли.", (flag,)),), "en", route),), "en", "ru"
    )
    return document, summary, translation


def test_exports_show_sources_unsupported_and_flagged(tmp_path: Path, seed: Path):
    document, summary, translation = hand_made(seed)
    data = export_dict(document, LanguageGuess("en", 1.0, "given"), summary=summary, translation=translation)
    valid_result(data)
    for name in ("out.md", "out.txt"):
        export(tmp_path / name, data)
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert "Where each summary sentence comes from" in text
        assert "(sources: 5; 25% of its words found) [UNSUPPORTED]" in text
        assert "Flagged sentences (1)" in text and "Они шли шли шли шли. [repeats “шли” 4 times in a row]" in text
    export(tmp_path / "out.json", data)
    written = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert written["summary"]["support"][-1] == {
        "sources": [
            {"sentence": 4, "text": article_sentences(document, ["en"] * len(document.paragraphs))[4], "score": 0.3}
        ],
        "support": 0.25,
        "unsupported": True,
    }
    assert written["translation"]["paragraphs"][0]["sentences"][0]["flags"] == [
        {"kind": "repetition", "reason": "repeats “шли” 4 times in a row"}
    ]
