"""``diglot eval``: scores are sacrebleu's and rouge-score's own, on the outputs of tiny models."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import sacrebleu
from rouge_score.rouge_scorer import RougeScorer

from diglot.config import Config, load_config
from diglot.document import read_source
from diglot.jobs.evaluate import (
    EvaluationError,
    bleu_metric,
    evaluate_summaries,
    evaluate_translation,
    matched_files,
    read_segments,
    rouge_scorer,
)
from diglot.quality import check_translation
from diglot.segment import split_sentences
from diglot.tui.cli import main

SOURCES = ["The talks went well.", "", "Putin met the minister in Moscow.", "Both sides praised the cooperation."]
REFERENCES = [
    "Переговоры прошли хорошо.",
    "",
    "Путин встретился с министром в Москве.",
    "Стороны похвалили сотрудничество.",
]


@pytest.fixture
def en_ru(tiny_models) -> Config:
    return Config(translate_models={"en-ru": str(tiny_models["en-ru"])}, num_beams=1)


def test_translation_scores_are_sacrebleus_own(en_ru: Config):
    results = evaluate_translation(
        SOURCES, REFERENCES, src="en", tgt="ru", config=en_ru, backends=("transformers", "ctranslate2")
    )
    assert [r.backend for r in results] == [r.engine for r in results] == ["transformers", "ctranslate2"]
    for r in results:
        hypotheses = list(r.hypotheses)
        assert len(hypotheses) == 4 and hypotheses[1] == "" and all(hypotheses[i] for i in (0, 2, 3))
        assert r.bleu == sacrebleu.corpus_bleu(hypotheses, [REFERENCES]).score
        assert r.chrf == sacrebleu.corpus_chrf(hypotheses, [REFERENCES]).score
        assert r.bleu_signature == "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:" + sacrebleu.__version__
        assert r.chrf_signature.startswith("nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no")
        expected_flagged = sum(
            any(check_translation(s, t, src="en", tgt="ru") for s, t in zip(split_sentences(src), [hyp], strict=False))
            for src, hyp in zip(SOURCES, hypotheses, strict=True)
            if src
        )
        assert r.flagged == expected_flagged > 0  # the random model loops
        assert r.seconds > 0 and r.models == (str(en_ru.translate_models["en-ru"]),)


def test_a_perfect_reference_scores_100(en_ru: Config):
    (first,) = evaluate_translation(SOURCES, REFERENCES, src="en", tgt="ru", config=en_ru, backends=("ctranslate2",))
    (again,) = evaluate_translation(
        SOURCES, list(first.hypotheses), src="en", tgt="ru", config=en_ru, backends=("ctranslate2",)
    )
    assert again.bleu == pytest.approx(100.0) and again.chrf == pytest.approx(100.0)


def test_mismatched_files_are_refused(en_ru: Config):
    with pytest.raises(EvaluationError, match="4 segments and the reference 3"):
        evaluate_translation(SOURCES, REFERENCES[:3], src="en", tgt="ru", config=en_ru)


def signature(tgt: str) -> str:
    metric = bleu_metric(tgt)
    metric.corpus_score(["a"], [["a"]])  # sacrebleu knows the signature once it has scored
    return str(metric.get_signature())


def test_bleu_tokenizes_chinese_and_falls_back_to_characters_without_mecab():
    assert "tok:zh" in signature("zh")
    assert "tok:13a" in signature("ru")
    assert "tok:ja-mecab" in signature("ja") or "tok:char" in signature("ja")


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_cli_eval_translate_json(capsys, tmp_path: Path, tiny_config):
    config = load_config()  # what the command line reads: the tiny models
    (expected,) = evaluate_translation(
        SOURCES, REFERENCES, src="en", tgt="ru", config=config, backends=("ctranslate2",)
    )
    src = write_lines(tmp_path / "test.en", SOURCES)
    ref = write_lines(tmp_path / "test.ru", REFERENCES)
    code = main(
        ["eval", "translate", str(src), str(ref), "--from", "en", "--to", "ru", "--backend", "ctranslate2", "--json"]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out)
    assert data["task"] == "translate" and data["source_language"] == "en" and data["target_language"] == "ru"
    (row,) = data["results"]
    assert row["bleu"] == round(expected.bleu, 2) and row["chrf"] == round(expected.chrf, 2)
    assert row["flagged"] == expected.flagged and row["segments"] == 4 and row["engine"] == "ctranslate2"
    assert err == ""  # progress only on a terminal: none in a pipe or a log


def test_cli_eval_shows_progress_on_a_terminal(monkeypatch, capsys, tmp_path: Path, tiny_config):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    src = write_lines(tmp_path / "test.en", SOURCES)
    ref = write_lines(tmp_path / "test.ru", REFERENCES)
    code = main(["eval", "translate", str(src), str(ref), "--from", "en", "--to", "ru", "--backend", "ctranslate2"])
    assert code == 0, terminal.getvalue()
    assert terminal.getvalue().endswith("\rdiglot: eval: ctranslate2: 3/3 segments\n")


def test_cli_eval_refuses_mismatched_files_before_any_model_work(tmp_path: Path):
    """One line, at once: no model is looked for (the one named does not exist), nothing heavy imported."""
    src = write_lines(tmp_path / "test.en", ["a", "b", "c"])
    ref = write_lines(tmp_path / "test.ru", ["a", "b"])
    probe = (
        "import sys; from diglot.tui.cli import main; code = main(sys.argv[1:]); "
        "print(sorted(m for m in ('torch', 'transformers', 'ctranslate2') if m in sys.modules)); sys.exit(code)"
    )
    argv = ["eval", "translate", str(src), str(ref), "--from", "en", "--to", "ru", "--model", str(tmp_path / "none")]
    done = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr == "diglot: error: the source has 3 segments and the reference 2; they must match line by line\n"
    assert done.stdout == "[]\n"


def test_cli_eval_translate_table_side_by_side(capsys, tmp_path: Path, tiny_config):
    src = write_lines(tmp_path / "test.en", SOURCES[:1])
    ref = write_lines(tmp_path / "test.ru", REFERENCES[:1])
    argv = ["eval", "translate", str(src), str(ref), "--from", "en", "--to", "ru"]
    code = main([*argv, "--backend", "transformers", "--backend", "ctranslate2"])
    out, err = capsys.readouterr()
    assert code == 0, err
    lines = out.splitlines()
    assert lines[1].split() == ["backend", "engine", "BLEU", "chrF", "flagged", "seconds"]
    assert lines[2].split()[:2] == ["transformers", "transformers"] and lines[3].split()[:2] == ["ctranslate2"] * 2
    assert lines[4].startswith("BLEU signature: nrefs:1|") and lines[5].startswith("chrF signature: nrefs:1|")


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ((["a", "b"], ["a"]), "the source has 2 segments and the reference 1"),
        ((None, ["a"]), "no such file"),
    ],
)
def test_cli_eval_bad_input_is_one_line(capsys, tmp_path: Path, files, message):
    paths = []
    for name, lines in zip(("src", "ref"), files, strict=True):
        path = tmp_path / name
        if lines is not None:
            write_lines(path, lines)
        paths.append(str(path))
    code = main(["eval", "translate", *paths, "--from", "en", "--to", "ru"])
    out, err = capsys.readouterr()
    assert code == 1 and out == "" and message in err and err.count("\n") == 1


def test_read_segments_keeps_empty_lines_and_strips_control_characters(tmp_path: Path):
    path = tmp_path / "s.txt"
    path.write_bytes("один\n\n\x1b[31mдва\x1b[0m\r\n三\n".encode())
    assert read_segments(path) == ["один", "", "два", "三"]
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(Exception, match="not UTF-8"):
        read_segments(path)


def summary_folders(tmp_path: Path, articles: dict[str, str], references: dict[str, str]) -> tuple[Path, Path]:
    folders = tmp_path / "articles", tmp_path / "refs"
    for folder, files in zip(folders, (articles, references), strict=True):
        folder.mkdir()
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
    return folders


def test_summary_scores_are_rouge_scores_own(tmp_path: Path, seed: Path, tiny_models):
    text = seed.read_text(encoding="utf-8").split("\n")
    articles, refs = summary_folders(
        tmp_path,
        {"one.txt": "\n\n".join(text[:3]), "two.md": "\n\n".join(text[3:6]), "alone.txt": "Nothing to compare."},
        {"one.txt": text[0], "two.txt": text[4]},
    )
    pairs, unpaired = matched_files(articles, refs)
    assert [(a.name, r.name) for a, r in pairs] == [("one.txt", "one.txt"), ("two.md", "two.txt")]
    assert unpaired == ["alone"]
    config = Config(summarize_model=str(tiny_models["summarize"]), num_beams=1)
    (result,) = evaluate_summaries(pairs, config=config, length="short")
    scorer = RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    for name in ("rouge1", "rouge2", "rougeL"):
        expected = [
            scorer.score(r.read_text(encoding="utf-8"), s)[name].fmeasure
            for (_, r), s in zip(pairs, result.summaries, strict=True)
        ]
        assert getattr(result, name) == pytest.approx(100 * sum(expected) / 2)
    assert result.documents == 2 and result.method == "abstractive" and result.engine == "ctranslate2"
    assert 0 <= result.unsupported <= result.sentences and result.sentences >= 2
    assert result.unsupported_share == result.unsupported / result.sentences


def test_extractive_summaries_of_russian_articles_score_with_unicode_words(tmp_path: Path, data: Path):
    document = read_source(str(data / "ru.txt"))
    articles, refs = summary_folders(tmp_path, {"ru.txt": document.text}, {"ru.txt": document.paragraphs[0]})
    pairs, _ = matched_files(articles, refs)
    (result,) = evaluate_summaries(pairs, config=Config(), method="extractive", length="short")
    scorer, name = rouge_scorer("ru")
    expected = scorer.score(document.paragraphs[0], result.summaries[0])["rouge1"].fmeasure
    assert result.rouge1 == pytest.approx(100 * expected) and result.rouge1 > 20  # not zeroed by a-z tokens
    assert name.startswith("unicode words") and result.unsupported == 0  # extractive: every sentence exact


def test_a_missing_summariser_is_an_error_not_a_silent_extractive_summary(capsys, tmp_path: Path, seed: Path):
    articles, refs = summary_folders(tmp_path, {"a.txt": seed.read_text(encoding="utf-8")}, {"a.txt": "Putin met Li."})
    code = main(["eval", "summarize", str(articles), str(refs)])
    out, err = capsys.readouterr()
    assert code == 1 and out == "" and "sshleifer/distilbart-cnn-12-6" in err and "no abstractive summary" in err


def test_folders_with_no_pairs_are_refused(capsys, tmp_path: Path):
    articles, refs = summary_folders(tmp_path, {"a.txt": "Text."}, {"b.txt": "Text."})
    code = main(["eval", "summarize", str(articles), str(refs)])
    _, err = capsys.readouterr()
    assert code == 1 and "no article in" in err and err.count("\n") == 1
    code = main(["eval", "summarize", str(articles / "a.txt"), str(refs)])
    _, err = capsys.readouterr()
    assert code == 1 and "is not a folder" in err


def test_cli_eval_summarize_json(capsys, tmp_path: Path, seed: Path, tiny_config):
    text = seed.read_text(encoding="utf-8").split("\n")
    articles, refs = summary_folders(tmp_path, {"a.txt": "\n\n".join(text[:3])}, {"a.txt": text[0]})
    code = main(["eval", "summarize", str(articles), str(refs), "--length", "short", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out)
    (row,) = data["results"]
    assert data["task"] == "summarize" and data["articles"] == ["a.txt"]
    assert row["documents"] == 1 and row["model"].endswith("bart-en") and 0 <= row["unsupported_share"] <= 1
    assert set(row) >= {"rouge1", "rouge2", "rougeL", "unsupported", "sentences", "seconds"}
    assert err == ""  # no progress off a terminal
