"""``diglot batch`` on one machine: sources, names, outputs, the index, resuming, failures, progress."""

from __future__ import annotations

import datetime as dt
import json
import os
import pty
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from diglot.config import load_config
from diglot.jobs.batch import (
    ArticleMaker,
    ArticleOutcome,
    ArticleOutput,
    BatchOptions,
    IndexEntry,
    LocalRunner,
    OutputFolder,
    article_from_dict,
    article_to_dict,
    readable_name,
    run_batch,
)
from diglot.jobs.batch_sources import Source, expand_sources
from diglot.langid import script_profile
from diglot.tui.cli import main
from tests.schema import valid_index_line, valid_result

ROOT = Path(__file__).resolve().parents[2]
WHEN = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def index_lines(out: Path) -> list[dict]:
    lines = (out / "index.jsonl").read_text(encoding="utf-8").splitlines()
    return [valid_index_line(json.loads(line)) for line in lines]


@pytest.fixture
def articles(tmp_path: Path, seed: Path, data: Path) -> Path:
    """A folder of articles in English, Russian and Chinese, one with an accented Markdown title, one empty."""
    folder = tmp_path / "in"
    (folder / "deeper").mkdir(parents=True)
    shutil.copy(seed, folder / "seed.txt")
    shutil.copy(data / "ru.txt", folder / "новости.txt")
    shutil.copy(data / "zh.txt", folder / "deeper" / "zh.txt")
    body = seed.read_text(encoding="utf-8").splitlines()[0]
    (folder / "cafe.md").write_text(f"# Café Society: the Élysée's Summer\n\n{body}\n", encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "notes.odt").write_bytes(b"PK\x03\x04")  # not an article format: left out of the folder
    (folder / ".hidden.txt").write_text("hidden", encoding="utf-8")
    return folder


# ---- sources -----------------------------------------------------------------------------------


def test_a_folder_gives_its_article_files_recursively_sorted_without_hidden_or_the_output(articles: Path):
    out = articles / "out"
    out.mkdir()
    (out / "old.md").write_text("an earlier output", encoding="utf-8")
    names = [Path(s.name).relative_to(articles).as_posix() for s in expand_sources([str(articles)], exclude=out)]
    assert names == ["cafe.md", "deeper/zh.txt", "empty.txt", "seed.txt", "новости.txt"]


def test_globs_lists_addresses_and_missing_names(articles: Path, tmp_path: Path):
    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "inner.txt").write_text("../in/seed.txt\n", encoding="utf-8")
    (lists / "today.txt").write_text(
        "# morning feeds\n\n../in/новости.txt\nhttps://example.org/news/2026/story.html\n@inner.txt\n",
        encoding="utf-8",
    )
    sources = expand_sources(
        [
            str(articles / "*.md"),
            f"@{lists / 'today.txt'}",
            str(articles / "seed.txt"),  # named twice: made once
            str(articles / "*.docx"),
            f"@{lists / 'nowhere.txt'}",
            "ftp://example.org/a.txt",
            str(articles / "missing.txt"),
        ]
    )
    names = [s.name for s in sources]
    assert names[:4] == [
        str(articles / "cafe.md"),
        str(lists / "../in/новости.txt"),
        "https://example.org/news/2026/story.html",
        str(lists / "../in/seed.txt"),
    ]
    errors = {s.name: s.error for s in sources if s.error}
    assert errors == {
        str(articles / "*.docx"): f"{articles / '*.docx'}: no file matches",
        f"@{lists / 'nowhere.txt'}": f"{lists / 'nowhere.txt'}: no such list file",
        "ftp://example.org/a.txt": "ftp://example.org/a.txt: only http and https addresses are read",
    }
    assert sources[-1] == Source(str(articles / "missing.txt"))  # fails when read, with the reader's message
    assert len(names) == 8


def test_glob_double_star(articles: Path):
    sources = expand_sources([str(articles / "**" / "*.txt")])
    assert [Path(s.name).name for s in sources] == [
        "zh.txt",
        "empty.txt",
        "seed.txt",
        "новости.txt",
    ]  # sorted by path: deeper/ first


# ---- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "source", "name"),
    [
        ("Café Society: the Élysée's Summer", "a.md", "café-society-the-élysée-s-summer"),
        ("Путин встретился с министром обороны Китая", "x.txt", "путин-встретился-с-министром-обороны-китая"),
        ("中俄关系：新的一页", "x.txt", "中俄关系-新的一页"),
        (None, "/data/in/Morning News (2).txt", "morning-news-2"),
        (None, "https://example.org/world/putin-meets-li/", "putin-meets-li"),
        (None, "https://example.org/", "example-org"),
        ("???", "!!!.txt", "article"),
        (".hidden", "x.txt", "hidden"),
        ("A" * 200, "x.txt", "a" * 60),
        ("../../etc/passwd", "x.txt", "etc-passwd"),
    ],
)
def test_readable_names(title: str | None, source: str, name: str):
    assert readable_name(title, source) == name


def result(source: str, title: str | None, *targets: str | None) -> ArticleOutcome:
    outputs = tuple(ArticleOutput(t, f"{source} {t}\n") for t in (targets or (None,)))
    return ArticleOutcome(source, title, "en", outputs, sentences=3)


def test_names_are_unique_and_never_an_existing_file(tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "budget.ru.md").write_text("the user's own notes", encoding="utf-8")
    folder = OutputFolder(out, BatchOptions(targets=("ru", "zh")).settings())
    first = folder.commit(result("a.txt", "Budget", "ru", "zh"))
    second = folder.commit(result("b.txt", "Budget", "ru", "zh"))
    assert first.outputs == ("budget-2.ru.md", "budget-2.zh.md")
    assert second.outputs == ("budget-3.ru.md", "budget-3.zh.md")
    assert (out / "budget.ru.md").read_text(encoding="utf-8") == "the user's own notes"
    assert (out / "budget-3.zh.md").read_text(encoding="utf-8") == "b.txt zh\n"


# ---- the command, end to end on tiny models ----------------------------------------------------


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_batch_writes_one_export_per_article_and_language_and_an_index(capsys, articles: Path, tiny_config):
    out = articles.parent / "out"
    missing = str(articles / "gone.txt")
    code, stdout, stderr = run(capsys, "batch", str(articles), missing, "--out", str(out), "--to", "ru,zh")
    assert code == 1
    assert "6 sources: 4 done, 0 skipped, 2 failed" in stdout
    # The failure table: every failed source, with its reason.
    assert "2 source(s) failed" in stderr
    assert f"{articles / 'empty.txt'}  the text is empty" in stderr and "gone.txt  no such file" in stderr
    lines = index_lines(out)
    assert [Path(line["source"]).name for line in lines] == [
        "cafe.md",
        "zh.txt",
        "empty.txt",
        "seed.txt",
        "новости.txt",
        "gone.txt",
    ]
    by_name = {Path(line["source"]).name: line for line in lines}
    cafe = by_name["cafe.md"]
    assert cafe["status"] == "done" and cafe["title"] == "Café Society: the Élysée's Summer"
    assert cafe["outputs"] == ["café-society-the-élysée-s-summer.ru.md", "café-society-the-élysée-s-summer.zh.md"]
    assert by_name["новости.txt"]["outputs"] == ["новости.ru.md", "новости.zh.md"]
    assert by_name["новости.txt"]["source_language"] == "ru" and by_name["zh.txt"]["source_language"] == "zh"
    assert by_name["empty.txt"]["status"] == "failed" and by_name["empty.txt"]["outputs"] == []
    assert by_name["gone.txt"]["error"] == f"{missing}: no such file"
    assert all(set(line) >= {"source", "status", "outputs", "title", "source_language", "error"} for line in lines)
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(["index.jsonl", *(name for line in lines for name in line["outputs"])])
    russian = (out / "seed.ru.md").read_text(encoding="utf-8")
    assert russian.startswith("# seed.txt\n") and "## Translation (Russian)" in russian and "## Summary" in russian
    translation = russian.split("## Translation (Russian)")[1].split("## Original")[0]
    assert script_profile(translation)["CYRILLIC"] > 0.9 * sum(script_profile(translation).values())
    chinese = (out / "seed.zh.md").read_text(encoding="utf-8")
    assert script_profile(chinese.split("## Translation (Chinese)")[1].split("## Original")[0])["CJK"] > 0


def test_json_format_is_the_export_document_of_diglot_s_one_schema(capsys, seed: Path, tmp_path: Path, tiny_config):
    out = tmp_path / "out"
    code, _, _ = run(capsys, "batch", str(seed), "--out", str(out), "--format", "json", "--length", "short")
    assert code == 0
    [line] = index_lines(out)
    assert line["outputs"] == [f"{seed.stem}.json"]
    exported = valid_result(json.loads((out / line["outputs"][0]).read_text(encoding="utf-8")))
    assert exported["summary"]["method"] == "abstractive" and exported["summary"]["length"] == "short"
    assert exported["translation"] is None and exported["original"]["paragraphs"][0].startswith("Russian President")
    code, _, _ = run(capsys, "batch", str(seed), "--out", str(out), "--format", "json", "--to", "zh")
    assert code == 0
    translated = valid_result(json.loads((out / f"{seed.stem}.zh.json").read_text(encoding="utf-8")))
    assert translated["translation"]["target_language"] == "zh" and translated["translation"]["of"] == "article"
    assert [line["outputs"] for line in index_lines(out)] == [[f"{seed.stem}.zh.json"]]  # the same source, redone


def test_translate_the_summary_in_text_format(capsys, seed: Path, tmp_path: Path, tiny_config):
    out = tmp_path / "out"
    argv = ["batch", str(seed), "--out", str(out), "--to", "ru", "--translate", "summary", "--method", "extractive"]
    code, _, _ = run(capsys, *argv, "--format", "txt", "--quiet")
    assert code == 0
    text = (out / f"{seed.stem}.ru.txt").read_text(encoding="utf-8")
    assert "Translation: Russian of the summary" in text and "SUMMARY" in text


def test_no_cache_neither_reads_nor_writes_the_result_cache(capsys, seed: Path, tmp_path: Path, tiny_config):
    from diglot.cache import cache_dir

    def cached_sentences() -> int:
        assert main(["cache", "info"]) == 0
        info = [line.strip() for line in capsys.readouterr().out.splitlines()]
        return next(int(line.split(": ")[1]) for line in info if line.startswith("translated sentences:"))

    def made(out: str, *options: str) -> str:
        argv = ["batch", str(seed), "--to", "ru", "--method", "extractive", "--quiet", "--out", str(tmp_path / out)]
        assert run(capsys, *argv, *options)[0] == 0
        text = (tmp_path / out / f"{seed.stem}.ru.md").read_text(encoding="utf-8")
        return "\n".join(line for line in text.splitlines() if "Exported" not in line)

    uncached = made("a", "--no-cache")
    assert cached_sentences() == 0  # nothing written
    assert made("b") == uncached and cached_sentences() > 0
    with sqlite3.connect(cache_dir() / "results.sqlite3") as db:  # every cached translation replaced
        db.execute("UPDATE results SET value = ? WHERE kind = 'translation'", (json.dumps("ОТРАВЛЕНО"),))
    db.close()
    assert made("c", "--no-cache") == uncached  # nothing read
    assert "ОТРАВЛЕНО" in made("d")  # where the cache is read, as the check above needs


def test_a_rerun_skips_finished_articles_and_makes_the_failed_ones(
    capsys, articles: Path, tiny_config, monkeypatch: pytest.MonkeyPatch
):
    out = articles.parent / "out"
    argv = ["batch", str(articles), "--out", str(out), "--to", "ru"]
    assert run(capsys, *argv)[0] == 1
    stamps = {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.name != "index.jsonl"}
    (articles / "empty.txt").write_text("The empty file now has a sentence in it.", encoding="utf-8")
    made: list[str] = []
    real_make = ArticleMaker.make_many

    def make_many(self: ArticleMaker, group: list) -> list:
        made.extend(a.document.source for a in group)
        return real_make(self, group)

    monkeypatch.setattr(ArticleMaker, "make_many", make_many)
    code, stdout, _ = run(capsys, *argv)
    assert code == 0 and "5 sources: 1 done, 4 skipped, 0 failed" in stdout
    # Made with the finished articles of its group, as a batch that ran through would have (the same batch
    # mates for its sentences), but nothing finished is written again.
    assert str(articles / "empty.txt") in made and len(made) == len(set(made))
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.name in stamps} == stamps
    statuses = {Path(line["source"]).name: line["status"] for line in index_lines(out)}
    assert statuses == {"cafe.md": "skipped", "zh.txt": "skipped", "empty.txt": "done", "seed.txt": "skipped"} | {
        "новости.txt": "skipped"
    }
    # Other settings make other documents: nothing is skipped.
    code, stdout, _ = run(capsys, *argv[:-1], "zh")
    assert code == 0 and "5 done, 0 skipped" in stdout


def test_a_missing_model_stops_the_batch_before_any_work(capsys, articles: Path):
    out = articles.parent / "out"
    code, stdout, stderr = run(capsys, "batch", str(articles), "--out", str(out), "--to", "ru")
    assert code == 1 and stdout == ""
    assert stderr.count("\n") == 1 and "diglot models pull sshleifer/distilbart-cnn-12-6" in stderr
    assert not out.exists()
    code, _, stderr = run(capsys, "batch", str(articles), "--out", str(out), "--to", "ru", "--method", "extractive")
    assert code == 1 and "diglot models pull Helsinki-NLP/opus-mt-en-ru" in stderr and not out.exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--out", "OUT"], "name at least one SOURCE"),
        (["x.txt", "--out", "OUT", "--actors", "2"], "--actors needs --ray"),
        (["x.txt", "--out", "FILE"], "exists and is not a folder"),
    ],
)
def test_usage_errors_exit_2_with_the_usage_and_write_nothing(capsys, tmp_path: Path, argv: list[str], message: str):
    (tmp_path / "FILE").write_text("", encoding="utf-8")
    argv = [str(tmp_path / a) if a in ("OUT", "FILE") else a for a in argv]
    with pytest.raises(SystemExit) as info:
        main(["batch", *argv])
    stderr = capsys.readouterr().err
    assert info.value.code == 2  # like argparse's own errors; 1 is for sources that failed
    assert "usage:" in stderr and message in stderr.splitlines()[-1] and "Traceback" not in stderr
    assert not (tmp_path / "OUT").exists()


def test_an_unknown_option_or_format_also_exits_2(capsys, tmp_path: Path):
    for argv in (["x.txt", "--out", str(tmp_path / "o"), "--format", "pdf"], ["x.txt"]):
        with pytest.raises(SystemExit) as info:
            main(["batch", *argv])
        assert info.value.code == 2 and "usage:" in capsys.readouterr().err


# ---- crashes: every state a kill can leave, then a real SIGKILL --------------------------------


class FakeRunner:
    """Makes each source into one document per target whose text names it; counts what it made."""

    def __init__(self, options: BatchOptions) -> None:
        self.options = options
        self.made: list[str] = []

    def check(self) -> None:
        pass

    def close(self) -> None:
        pass

    def run(self, sources, *, finished=None):
        for source in sources:
            if source in (finished or {}):
                continue
            self.made.append(source)
            targets = self.options.targets or (None,)
            yield ArticleOutcome(
                source, f"Title {Path(source).stem}", "en", tuple(ArticleOutput(t, source) for t in targets)
            )


def test_every_state_a_kill_leaves_is_finished_by_a_rerun(tmp_path: Path):
    out = tmp_path / "out"
    options = BatchOptions(targets=("ru",))
    sources = [Source(f"{name}.txt") for name in ("a", "b", "c", "d")]
    settings = options.settings()
    out.mkdir()
    lines = [
        IndexEntry("a.txt", "done", ("title-a.ru.md",), "Title a", "en", settings=settings).to_json(),
        # b was killed after its names were taken, before its file was written
        IndexEntry("b.txt", "writing", ("title-b.ru.md",), "Title b", "en", settings=settings).to_json(),
        # c was killed after its file was renamed into place, before its "done" line
        IndexEntry("c.txt", "writing", ("title-c.ru.md",), "Title c", "en", settings=settings).to_json(),
        '{"source": "d.txt", "status": "wri',  # a line cut short
    ]
    (out / "index.jsonl").write_text("\n".join(lines), encoding="utf-8")
    (out / "title-a.ru.md").write_text("a.txt", encoding="utf-8")
    (out / "title-c.ru.md").write_text("c.txt", encoding="utf-8")
    (out / ".title-d.ru.md.k2j4_x9a.tmp").write_text("half", encoding="utf-8")  # a write cut short
    runner = FakeRunner(options)
    report = run_batch(sources, out, options, runner)
    assert runner.made == ["b.txt", "c.txt", "d.txt"]
    assert [(e.source, e.status, e.outputs) for e in report.entries] == [
        ("a.txt", "skipped", ("title-a.ru.md",)),
        ("b.txt", "done", ("title-b.ru.md",)),
        ("c.txt", "done", ("title-c.ru.md",)),  # its own name again, not title-c-2
        ("d.txt", "done", ("title-d.ru.md",)),
    ]
    assert sorted(p.name for p in out.iterdir()) == ["index.jsonl", *(f"title-{x}.ru.md" for x in "abcd")]
    assert [json.loads(line)["status"] for line in (out / "index.jsonl").read_text().splitlines()] == [
        "skipped",
        "done",
        "done",
        "done",
    ]


def _environment(tiny_config: Path) -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT), DIGLOT_CONFIG=str(tiny_config))


def test_sigkill_at_any_moment_then_a_rerun_finishes_the_rest(tmp_path: Path, seed: Path, tiny_config):
    folder = tmp_path / "in"
    folder.mkdir()
    paragraphs = seed.read_text(encoding="utf-8").splitlines()
    for number in range(8):  # eight different articles
        rotated = paragraphs[number % len(paragraphs) :] + paragraphs[: number % len(paragraphs)]
        (folder / f"article-{number}.txt").write_text("\n\n".join(rotated), encoding="utf-8")
    command = [sys.executable, "-m", "diglot.tui.cli", "batch", str(folder), "--to", "ru", "--method", "extractive"]
    environment = _environment(tiny_config)
    clean = tmp_path / "clean"
    subprocess.run([*command, "--out", str(clean), "--quiet"], env=environment, check=True, timeout=300)
    out = tmp_path / "killed"
    kills = 0
    for wanted_lines in (1, 4, 9):  # killed at growing points of the run; each rerun goes on from the last
        process = subprocess.Popen([*command, "--out", str(out), "--quiet"], env=environment)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            index = out / "index.jsonl"
            if index.exists() and index.read_text(encoding="utf-8").count("\n") >= wanted_lines:
                process.send_signal(signal.SIGKILL)
                kills += 1
                break
            time.sleep(0.005)
        process.wait(timeout=60)
    assert kills >= 2
    finished = subprocess.run([*command, "--out", str(out)], env=environment, capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr
    # Same files with the same contents as the uninterrupted run (but for the export time), no leftovers.
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in clean.iterdir())
    for path in clean.glob("*.md"):
        strip = lambda text: [line for line in text.splitlines() if not line.startswith("- Exported:")]  # noqa: E731
        assert strip((out / path.name).read_text(encoding="utf-8")) == strip(path.read_text(encoding="utf-8"))
    statuses = [line["status"] for line in index_lines(out)]
    assert len(statuses) == 8 and set(statuses) <= {"done", "skipped"} and "skipped" in statuses


# ---- progress ----------------------------------------------------------------------------------


def _run_on_a_terminal(argv: list[str], environment: dict[str, str]) -> tuple[int, str]:
    """Run diglot with stderr (only) on a pseudo-terminal; return its exit status and what the terminal got."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "diglot.tui.cli", *argv],
        env=dict(environment, COLUMNS="120", TERM="xterm-256color"),
        stdout=subprocess.DEVNULL,
        stderr=follower,
    )
    os.close(follower)
    received = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the process closed its end
            break
        if not chunk:
            break
        received += chunk
    os.close(leader)
    return process.wait(timeout=60), received.decode("utf-8", "replace")


def test_a_progress_bar_on_a_terminal_and_none_when_piped_or_quiet(tmp_path: Path, articles: Path, tiny_config):
    environment = _environment(tiny_config)
    (articles / "empty.txt").unlink()
    argv = ["batch", str(articles), "--to", "ru", "--method", "extractive"]
    code, terminal = _run_on_a_terminal([*argv, "--out", str(tmp_path / "a")], environment)
    assert code == 0
    assert "4/4" in terminal and "articles" in terminal and "sentences/s" in terminal and "ETA" in terminal
    # Each silent run on a cache of its own: its first model load converts the model, which must be silent too.
    quiet = dict(environment, DIGLOT_CACHE_DIR=str(tmp_path / "cache-b"))
    code, terminal = _run_on_a_terminal([*argv, "--out", str(tmp_path / "b"), "--quiet"], quiet)
    assert code == 0 and terminal == ""
    piped = subprocess.run(
        [*[sys.executable, "-m", "diglot.tui.cli"], *argv, "--out", str(tmp_path / "c")],
        env=dict(environment, DIGLOT_CACHE_DIR=str(tmp_path / "cache-c")),
        capture_output=True,
        text=True,
    )
    assert piped.returncode == 0 and piped.stderr == ""
    assert piped.stdout == f"4 sources: 4 done, 0 skipped, 0 failed; index: {tmp_path / 'c' / 'index.jsonl'}\n"


def test_run_batch_with_the_local_runner_in_process(tmp_path: Path, seed: Path, tiny_config):
    options = BatchOptions(targets=("zh",), method="extractive")
    runner = LocalRunner(load_config(), options, when=WHEN)
    report = run_batch([Source(str(seed))], tmp_path / "out", options, runner)
    assert report.count("done") == 1 and report.failures == ()
    text = (tmp_path / "out" / f"{seed.stem}.zh.md").read_text(encoding="utf-8")
    assert "- Exported: 2026-01-02T03:04:05+00:00" in text


def test_summaries_only_need_no_model_and_the_local_batch_never_imports_ray(tmp_path: Path, seed: Path):
    script = (
        "import sys\n"
        "from diglot.tui.cli import main\n"
        f"code = main(['batch', {str(seed)!r}, '--out', {str(tmp_path / 'out')!r}, '--method', 'extractive'])\n"
        "print(code, 'ray' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=dict(os.environ))
    assert result.stdout.splitlines()[-1] == "0 False", result.stderr
    assert (tmp_path / "out" / f"{seed.stem}.md").read_text(encoding="utf-8").startswith(f"# {seed.name}\n")


@pytest.mark.parametrize(
    ("value", "address"),
    [
        ("local", True),
        ("auto", True),
        ("10.0.0.5:6379", True),
        ("ray://head:10001", True),
        ("head-node:6379", True),
        ("articles/a.txt", False),
        ("news", False),
        ("@list.txt", False),
    ],
)
def test_what_follows_ray_is_an_address_or_a_source(value: str, address: bool):
    from diglot.tui.cli import _looks_like_ray_address

    assert _looks_like_ray_address(value) is address


def test_an_address_that_cannot_be_downloaded_fails_alone(capsys, tmp_path: Path, seed: Path):
    out = tmp_path / "out"
    address = "http://127.0.0.1:9/news/story.html"  # nothing serves it
    code, stdout, stderr = run(capsys, "batch", address, str(seed), "--out", str(out), "--method", "extractive")
    assert code == 1 and "2 sources: 1 done, 0 skipped, 1 failed" in stdout
    failed, done = index_lines(out)
    reason = failed["error"].removeprefix(f"{address}: ")  # the reader's one line, whatever its wording
    assert failed["status"] == "failed" and reason != failed["error"] and "\n" not in reason
    assert done["status"] == "done" and f"{address}  {reason}" in stderr


def test_articles_are_grouped_by_their_sentences_and_a_source_that_failed_keeps_its_place():
    from diglot.document import Document
    from diglot.jobs.batch import GROUP_SENTENCES, article_groups, group_articles, made_in_place
    from diglot.jobs.pipeline import Article
    from diglot.langid import LanguageGuess

    def article(number: int, sentences: int) -> Article:
        text = " ".join(f"Sentence {k} of article {number}." for k in range(sentences))
        return Article(Document((text,), source=f"a{number}"), LanguageGuess("en", 1.0, "given"))

    failed = ArticleOutcome("broken", error="unreadable")
    items = [article(0, 20), failed, article(1, 30), article(2, 20), article(3, 5), article(4, GROUP_SENTENCES)]
    groups = list(article_groups(items))
    assert [[getattr(i, "source", None) or i.document.source for i in g] for g in groups] == [
        ["a0", "broken", "a1", "a2"],  # 70 sentences: the group closes at GROUP_SENTENCES (64)
        ["a3", "a4"],
    ]
    assert all(sum(a.sentence_count for a in group_articles(g)) >= GROUP_SENTENCES for g in groups[:-1])
    made = [ArticleOutcome(a.document.source, title="made") for a in group_articles(groups[0])]
    assert [o.source for o in made_in_place(groups[0], made)] == ["a0", "broken", "a1", "a2"]
    assert made_in_place(groups[0], made)[1] is failed


def test_a_batch_translates_the_sentences_of_several_articles_in_one_call(
    capsys, tmp_path: Path, seed: Path, tiny_config, monkeypatch: pytest.MonkeyPatch
):
    from diglot.generation import Seq2SeqModel
    from diglot.normalize import model_inputs
    from diglot.segment import split_sentences

    folder = tmp_path / "in"
    folder.mkdir()
    lines = [line for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
    for number in range(4):  # four short articles, each of its own two paragraphs of the seed
        (folder / f"a{number}.txt").write_text("\n\n".join(lines[number : number + 2]), encoding="utf-8")
    calls: list[list[str]] = []
    generate = Seq2SeqModel.generate

    def spy(self: Seq2SeqModel, texts, *args, **kwargs):
        calls.append(list(texts))
        return generate(self, texts, *args, **kwargs)

    monkeypatch.setattr(Seq2SeqModel, "generate", spy)
    out = tmp_path / "out"
    code, stdout, stderr = run(capsys, "batch", str(folder), "--out", str(out), "--to", "ru", "--method", "extractive")
    assert code == 0 and "4 sources: 4 done" in stdout, stdout + stderr
    assert len(calls) == 1  # the four articles' sentences together (they share paragraphs: each sentence once)
    sentences = {s for line in lines[:5] for s in split_sentences(line, "en")}
    assert sorted(calls[0]) == sorted(model_inputs(list(sentences), "marian", "en"))
    for number in range(4):  # and each article's document has its own paragraphs' translations
        text = (out / f"a{number}.ru.md").read_text(encoding="utf-8")
        assert lines[number].split(". ")[0] in text


def test_an_articles_sentences_are_counted_once_and_travel_with_it_to_a_ray_actor(monkeypatch):
    import diglot.segment
    from diglot.document import Document
    from diglot.jobs.pipeline import Article
    from diglot.langid import LanguageGuess

    splits: list[str] = []
    real = diglot.segment.split_sentences
    monkeypatch.setattr(diglot.segment, "split_sentences", lambda p, *a: splits.append(p) or real(p, *a))
    article = Article(
        Document(("Один. Два! Три?", "¿Cuatro? Cinco.", "六。七。")), LanguageGuess("ru", 0.9, "detected")
    )
    assert article.sentence_count == 7 and article.sentence_count == 7
    assert len(splits) == 3  # each paragraph split once
    received = article_from_dict(json.loads(json.dumps(article_to_dict(article))))
    assert received == article and received.sentence_count == 7 and len(splits) == 3  # not split again


def test_finished_sources_keep_their_places_and_are_read_again_only_with_a_group_to_make():
    from diglot.document import Document
    from diglot.jobs.batch import Finished, article_groups, group_work, made_in_place, wanted_outcomes
    from diglot.jobs.pipeline import Article
    from diglot.langid import LanguageGuess

    def article(name: str, sentences: int) -> Article:
        text = " ".join(f"Sentence {k} of {name}." for k in range(sentences))
        return Article(Document((text,), source=name), LanguageGuess("en", 1.0, "given"))

    read: list[str] = []

    def read_again(source: str) -> Article:
        read.append(source)
        return article(source, 40)

    items = [Finished("f0", 40), Finished("f1", 40), Finished("f2", 40), article("a3", 30), Finished("f4", 10)]
    groups = list(article_groups(items))
    assert [[getattr(i, "source", None) or i.document.source for i in g] for g in groups] == [
        ["f0", "f1"],  # 80 sentences: closed as it was when f0 and f1 were made
        ["f2", "a3"],
        ["f4"],
    ]
    assert group_work(groups[0], read_again) == ([], []) and read == []  # nothing to make: nothing read
    articles, wanted = group_work(groups[1], read_again)
    assert [a.document.source for a in articles] == ["f2", "a3"] and wanted == [False, True] and read == ["f2"]
    made = [ArticleOutcome(a.document.source, title="made") for a in articles]
    assert [o.source for o in made_in_place(groups[1], wanted_outcomes(made, wanted))] == ["a3"]
