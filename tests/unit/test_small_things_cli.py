"""Smaller things of the command line: the targets suggested for a language no model serves."""

from pathlib import Path

import pytest

from diglot.tui.cli import main

SEED = str(Path(__file__).parents[2] / "seeds" / "000_922c510d4ced2dba.txt")


@pytest.fixture
def en_ru_only(tmp_path: Path, tiny_models, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[models.translate]\n"en-ru" = "{tiny_models["en-ru"]}"\n', encoding="utf-8")
    monkeypatch.setenv("DIGLOT_CONFIG", str(config))


def test_a_target_no_model_serves_suggests_only_targets_with_a_model_here(capsys, en_ru_only):
    assert main(["translate", SEED, "--to", "Klingon", "--no-cache"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "translate into a target with a model here (ru), or" in err  # not zh, de, fr, es: none is here


def test_with_no_model_here_no_target_is_suggested(capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DIGLOT_CONFIG", str(tmp_path / "none.toml"))
    assert main(["translate", SEED, "--to", "Klingon", "--no-cache"]) == 2
    err = capsys.readouterr().err
    assert "(ru, zh" not in err and "no other target has a model here yet" in err


def test_a_one_sentence_article_is_its_own_summary_labelled(tiny_config: Path):
    from diglot.config import load_config
    from diglot.document import load_document
    from diglot.jobs.pipeline import Article, Pipeline
    from diglot.summarize.abstractive import ONE_SENTENCE_NOTE

    sentence = "The central bank raised interest rates by a quarter point on Tuesday, citing persistent inflation."
    pipeline = Pipeline(load_config(tiny_config), use_cache=False)
    document = load_document(sentence)
    summary = pipeline.summarize(Article(document, pipeline.identify(document)), method="abstractive")
    assert summary.text == sentence and summary.sentences == (sentence,)
    assert summary.method == "extractive" and summary.note == ONE_SENTENCE_NOTE


def test_the_command_line_says_a_one_sentence_article_is_its_own_summary(capsys, tiny_config: Path, tmp_path: Path):
    article = tmp_path / "one.txt"
    sentence = "The central bank raised interest rates by a quarter point on Tuesday, citing persistent inflation."
    article.write_text(sentence + "\n", encoding="utf-8")
    assert main(["summarize", str(article), "--no-cache"]) == 0
    out, err = capsys.readouterr()
    assert out == sentence + "\n"
    assert err == "diglot: note: the article is one sentence, so it is its own summary; this is an extractive summary\n"


def test_batch_says_what_a_folder_gave_and_can_leave_its_subfolders(capsys, tmp_path: Path, monkeypatch):
    monkeypatch.setattr("diglot.tui.cli.wanted", lambda quiet: not quiet)  # as on a terminal: the note is for a person
    folder = tmp_path / "articles"
    (folder / "old" / "older").mkdir(parents=True)
    text = "The talks lasted three hours. Officials said so on Monday evening. Trade was discussed.\n"
    for name in ("a.txt", "b.md", "old/c.txt", "old/older/d.txt"):
        (folder / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["batch", str(folder), "--out", str(out), "--method", "extractive", "--no-cache"]) == 0
    err = capsys.readouterr().err
    assert f"diglot: note: 4 article files found in {folder} and 2 of its subfolders (--no-recursive" in err
    assert len(list(out.glob("*.md"))) == 4

    out = tmp_path / "out2"
    argv = ["batch", str(folder), "--out", str(out), "--method", "extractive", "--no-cache"]
    assert main([*argv, "--no-recursive"]) == 0
    err = capsys.readouterr().err
    assert f"diglot: note: 2 article files found in {folder}\n" in err
    assert len(list(out.glob("*.md"))) == 2
    assert main([*argv, "--quiet"]) == 0 and "found in" not in capsys.readouterr().err  # --quiet: nothing
