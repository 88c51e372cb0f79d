"""End-to-end tests of the command line, in-process, on tiny models."""

import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from diglot.langid import script_profile
from diglot.tui.cli import main
from tests.schema import valid_result


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv: str) -> dict:
    """Run with --json; the output must be one object of diglot's result schema."""
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return valid_result(json.loads(out))


def test_extractive_summary_of_the_seed(capsys, seed: Path):
    code, out, err = run(capsys, "summarize", str(seed), "--method", "extractive")
    assert code == 0 and err == ""
    assert out.startswith("Russian President Vladimir Putin and China's Defense Minister Li Shangfu met in Moscow")
    assert all(s in seed.read_text(encoding="utf-8") for s in out.strip().split(". ")[:2])


def test_abstractive_summary_falls_back_with_a_note(capsys, seed: Path):
    code, out, err = run(capsys, "summarize", str(seed))
    assert code == 0 and out.strip()
    assert "sshleifer/distilbart-cnn-12-6" in err and "extractive" in err and err.count("\n") == 1


def test_abstractive_json(capsys, seed: Path, tiny_config):
    data = run_json(capsys, "summarize", str(seed), "--length", "short")
    summary = data["summary"]
    assert summary["method"] == "abstractive" and data["source_language"] == "en" and data["translation"] is None
    assert data["confidence"] > 0.9 and summary["model"].endswith("bart-en") and summary["text"]
    assert summary["chunks"] > 1 and summary["length"] == "short" and len(summary["partials"]) == summary["chunks"]


def test_summarize_with_model_flag(capsys, seed: Path, tiny_models):
    data = run_json(capsys, "summarize", str(seed), "--model", str(tiny_models["t5"]))
    assert data["summary"]["model"] == str(tiny_models["t5"])


def test_translate_to_russian_keeps_paragraphs(capsys, seed: Path, tiny_models):
    code, out, err = run(capsys, "translate", str(seed), "--to", "ru", "--model", str(tiny_models["en-ru"]))
    assert code == 0 and err == ""
    paragraphs = out.rstrip("\n").split("\n\n")
    assert len(paragraphs) == 7
    assert script_profile(out)["CYRILLIC"] > 0.9 * sum(script_profile(out).values())


def test_translate_to_chinese_json_has_sentence_pairs(capsys, seed: Path, tiny_config):
    result = run_json(capsys, "translate", str(seed), "--to", "zh")
    data = result["translation"]
    assert data["target_language"] == "zh" and data["source_language"] == "en" and data["of"] == "article"
    assert [r["kind"] for r in data["routes"]] == ["direct"] and data["models"][0].endswith("marian-en-zh")
    assert data["routes"][0]["steps"] == [{"model": data["models"][0], "src": "en", "tgt": "zh"}]
    assert len(data["paragraphs"]) == 7 and {p["route"] for p in data["paragraphs"]} == {0}
    assert result["summary"] is None and data["text"] == "\n\n".join(p["text"] for p in data["paragraphs"])
    first = data["paragraphs"][0]["sentences"][0]
    assert first["source"].startswith("Russian President") and script_profile(first["target"])["CJK"]


def test_translate_russian_to_chinese_through_english(capsys, data: Path, tiny_config):
    payload = run_json(capsys, "translate", str(data / "ru.txt"), "--to", "zh")["translation"]
    assert payload["source_language"] == "ru" and [r["kind"] for r in payload["routes"]] == ["pivot"]
    assert [Path(m).name for m in payload["models"]] == ["marian-ru-en", "marian-en-zh"]
    assert [s["tgt"] for s in payload["routes"][0]["steps"]] == ["en", "zh"]


def test_translate_the_summary(capsys, seed: Path, tiny_config):
    data = run_json(capsys, "translate", str(seed), "--to", "ru", "--summary", "--method", "extractive")
    assert data["translation"]["of"] == "summary" and data["summary"]["method"] == "extractive"
    assert len(data["translation"]["paragraphs"]) == 1
    sources = [s["source"] for s in data["translation"]["paragraphs"][0]["sentences"]]
    assert sources == data["summary"]["sentences"]


def test_from_overrides_detection(capsys, seed: Path, tiny_config):
    data = run_json(capsys, "translate", str(seed), "--to", "zh", "--from", "ru")
    assert data["source_language"] == "ru" and data["confidence"] == 1.0


def test_stdin(capsys, monkeypatch, tiny_config):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Putin met Li in Moscow. They talked.")))
    code, out, _ = run(capsys, "summarize", "-", "--method", "extractive")
    assert code == 0 and out.strip() == "Putin met Li in Moscow. They talked."


def test_missing_translation_model_fails_fast_and_names_it(capsys, seed: Path):
    start = time.monotonic()
    code, out, err = run(capsys, "translate", str(seed), "--to", "ru")
    assert code == 1 and out == "" and time.monotonic() - start < 60  # a bound on a hang (no network wait)
    assert err.startswith("diglot: error: model Helsinki-NLP/opus-mt-en-ru is not downloaded")
    assert "diglot models pull Helsinki-NLP/opus-mt-en-ru" in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["summarize", "nope.txt"], "nope.txt: no such file"),
        (["summarize", "."], "is a directory"),
        (["translate", "{seed}", "--to", "ru", "--model", "/no/such/model"], "/no/such/model is not a folder"),
        (["summarize", "{seed}", "--max-bytes", "100"], "limit"),
    ],
)
def test_runtime_errors_are_one_line_exit_1(capsys, seed: Path, argv, message):
    code, out, err = run(capsys, *[a.replace("{seed}", str(seed)) for a in argv])
    assert code == 1 and out == "" and message in err and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [
        ["translate", "{seed}", "--to", "Klingon"],
        ["translate", "{seed}", "--to", "tlh", "--json"],
        ["translate", "{seed}", "--to", "Klingon", "--summary", "--method", "extractive"],
    ],
    ids=["article", "json", "summary"],
)
def test_a_target_no_model_serves_is_one_line_naming_it_and_what_to_do_exit_2(capsys, seed: Path, argv):
    """Klingon passes the name check (CLDR knows it), then no route serves it: a bad command line."""
    code, out, err = run(capsys, *[a.replace("{seed}", str(seed)) for a in argv])
    assert code == 2 and out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("diglot: error: no model translates English (en) into Klingon (tlh)")
    # Where to go instead: none of the favourite targets has a model here, so none is named.
    assert "no other target has a model here yet (diglot models list shows them)" in err
    assert '"en-tlh" under [models.translate]' in err and "--model" in err and "diglot models pull" in err


def test_cuda_without_a_gpu_is_one_line(capsys, seed: Path, tiny_models):
    for backend in ("ctranslate2", "transformers"):
        argv = ["translate", str(seed), "--to", "ru", "--model", str(tiny_models["en-ru"]), "--device", "cuda",
                "--backend", backend, "--no-cache"]  # fmt: skip
        code, out, err = run(capsys, *argv)
        assert code == 1 and out == "" and "no CUDA device is available" in err and err.count("\n") == 1


def test_bad_config_is_one_line(capsys, seed: Path, tmp_path: Path, monkeypatch):
    (tmp_path / "c.toml").write_text("colour = 'blue'\n", encoding="utf-8")
    monkeypatch.setenv("DIGLOT_CONFIG", str(tmp_path / "c.toml"))
    code, _, err = run(capsys, "summarize", str(seed))
    assert code == 1 and "unknown setting 'colour'" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["summarize"],
        ["translate", "x.txt"],
        ["summarize", "x", "--length", "huge"],
        ["models"],
        ["models", "pull"],
    ],
)
def test_usage_errors_exit_2(capsys, argv):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_debug_shows_the_traceback(seed: Path):
    from diglot.errors import InputError

    with pytest.raises(InputError):
        main(["summarize", "nope.txt", "--debug"])


def test_models_list_marks_downloads(capsys):
    code, out, _ = run(capsys, "models", "list")
    assert code == 0
    line = next(line for line in out.splitlines() if line.startswith("Helsinki-NLP/opus-mt-en-ru "))
    assert line.split()[-1] == "no" and "CC-BY-4.0" in line


def test_models_pull_offline_is_refused(capsys):
    code, _, err = run(capsys, "models", "pull", "Helsinki-NLP/opus-mt-en-ru")
    assert code == 1 and "HF_HUB_OFFLINE" in err


def test_models_remove_unknown(capsys):
    code, _, err = run(capsys, "models", "remove", "org/none")
    assert code == 1 and "not in the model cache" in err


def test_whole_process_exit_codes(seed: Path, tmp_path: Path):
    """The installed console script, as a user runs it."""
    script = Path(sys.executable).parent / "diglot"
    ok = subprocess.run(
        [str(script), "summarize", str(seed), "--method", "extractive"], capture_output=True, text=True, timeout=120
    )
    assert ok.returncode == 0 and "Putin" in ok.stdout
    bad = subprocess.run(
        [str(script), "summarize", str(tmp_path / "missing.txt")], capture_output=True, text=True, timeout=120
    )
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
    klingon = subprocess.run(
        [str(script), "translate", str(seed), "--to", "Klingon"], capture_output=True, text=True, timeout=120
    )
    assert klingon.returncode == 2 and klingon.stderr.count("\n") == 1 and "Traceback" not in klingon.stderr
    assert "Klingon (tlh)" in klingon.stderr


def test_models_list_and_remove_a_cached_model(capsys, tiny_models, tmp_path: Path, monkeypatch):
    import shutil

    import huggingface_hub.constants as constants

    cache = tmp_path / "hub"
    repo = cache / "models--Helsinki-NLP--opus-mt-en-ru"
    shutil.copytree(tiny_models["en-ru"], repo / "snapshots" / ("b" * 40))
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("b" * 40)
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))

    code, out, _ = run(capsys, "models", "list")
    line = next(line for line in out.splitlines() if line.startswith("Helsinki-NLP/opus-mt-en-ru "))
    assert code == 0 and "yes" in line
    seed = str(Path(__file__).parents[2] / "seeds" / "000_922c510d4ced2dba.txt")
    code, out, _ = run(capsys, "translate", seed, "--to", "ru", "--no-cache", "--json")
    data = json.loads(out)["translation"]  # the default model, found in the hub cache
    assert code == 0 and data["models"] == ["Helsinki-NLP/opus-mt-en-ru"] and len(data["paragraphs"]) == 7
    code, out, _ = run(capsys, "models", "remove", "Helsinki-NLP/opus-mt-en-ru")
    assert code == 0 and "removed" in out and not repo.exists()
    code, _, err = run(capsys, "translate", seed, "--to", "ru")
    assert code == 1 and "opus-mt-en-ru is not downloaded" in err


def _page(seed: Path) -> bytes:
    paragraphs = [p for p in seed.read_text(encoding="utf-8").splitlines() if p.strip()][:3]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    html = f"<html><head><title>x</title></head><body><nav>Menu Sport</nav><article><h1>Putin and Li</h1>{body}"
    return (html + "</article><footer>All rights reserved</footer></body></html>").encode()


def test_html_file_and_web_page(capsys, seed: Path, tmp_path: Path, tiny_models, monkeypatch):
    page = tmp_path / "saved.html"
    page.write_bytes(_page(seed))
    code, out, err = run(capsys, "translate", str(page), "--to", "ru", "--model", str(tiny_models["en-ru"]))
    translated = out.strip().split("\n\n")
    assert code == 0 and err == "" and len(translated) == 4 and translated[0].startswith("# ")  # headline, 3 paragraphs

    from tests.web_server import web_server

    with web_server() as site:  # a real server on 127.0.0.1
        url = f"{site}/article"
        result = run_json(capsys, "summarize", url, "--method", "extractive")
    assert result["source"] == url and result["title"] == "Putin meets China's defence minister"
    text = json.dumps(result)
    assert "cookies" not in text and "Sport" not in text and "rights reserved" not in text


def test_translate_text_given_on_the_command_line(capsys, tiny_config):
    russian = "Путин встретился с Ли в Москве.\n\nОни говорили."
    code, out, err = run(capsys, "translate", "--text", russian, "--to", "en")
    assert code == 0 and err == "" and len(out.strip().split("\n\n")) == 2
    result = run_json(capsys, "translate", "--text", "Putin met Li in Moscow.", "--to", "zh")
    data = result["translation"]
    assert result["source"] == "<text>" and data["source_language"] == "en" and data["paragraphs"][0]["sentences"]
    assert any("\u4e00" <= c <= "\u9fff" for c in data["text"])  # Chinese characters from the tiny en-zh model


def test_translate_needs_a_source_or_text(capsys, tiny_config, seed: Path):
    with pytest.raises(SystemExit) as info:
        main(["translate", "--to", "ru"])
    assert info.value.code == 2 and "--text" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["translate", str(seed), "--text", "hello", "--to", "ru"])
    assert info.value.code == 2 and "not both" in capsys.readouterr().err
