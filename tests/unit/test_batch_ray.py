"""``diglot batch --ray``: the same outputs and index as the local batch, on a local Ray (2 CPUs, no network)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from diglot.config import load_config
from diglot.jobs.batch import BatchOptions, LocalRunner, run_batch
from diglot.jobs.batch_sources import expand_sources
from diglot.tui.cli import main

ray = pytest.importorskip("ray")
WHEN = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    """One Ray for these tests (starting one takes seconds): 2 CPUs, on 127.0.0.1 only."""
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        _node_ip_address="127.0.0.1",
        configure_logging=False,
    )
    yield
    ray.shutdown()


@pytest.fixture
def articles(tmp_path: Path, seed: Path, data: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(seed, folder / "a-seed.txt")
    shutil.copy(data / "ru.txt", folder / "b-новости.txt")
    shutil.copy(data / "zh.txt", folder / "c-zh.txt")
    (folder / "d-empty.txt").write_text("", encoding="utf-8")
    paragraphs = seed.read_text(encoding="utf-8").splitlines()
    (folder / "e-same-title.md").write_text("# Same title\n\n" + "\n\n".join(paragraphs[2:]), encoding="utf-8")
    (folder / "f-same-title.md").write_text("# Same title\n\n" + "\n\n".join(paragraphs[:3]), encoding="utf-8")
    return folder


def contents(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_ray_batch_resumes_a_local_batch_with_identical_outputs_and_index(
    local_ray: None, tmp_path: Path, articles: Path, tiny_config
):
    config = load_config()
    options = BatchOptions(targets=("ru", "zh"), use_cache=False)
    sources = expand_sources([str(articles), str(articles / "missing.txt")])
    first_part = sources[:2]
    from diglot.jobs.batch_ray import RayRunner

    local, on_ray = tmp_path / "local", tmp_path / "ray"
    for out in (local, on_ray):  # a first run stopped after two articles, here
        run_batch(first_part, out, options, LocalRunner(config, options, when=WHEN))
    local_report = run_batch(sources, local, options, LocalRunner(config, options, when=WHEN))
    runner = RayRunner(config, options, address="local", actors=2, when=WHEN)
    ray_report = run_batch(sources, on_ray, options, runner)
    runner.close()
    assert ray.is_initialized()  # a Ray it did not start is left running
    assert [e.status for e in ray_report.entries] == ["skipped", "skipped", "done", "failed", "done", "done", "failed"]
    assert ray_report.entries == local_report.entries
    assert contents(on_ray) == contents(local)  # every file byte for byte, index.jsonl included
    names = sorted(contents(on_ray))
    assert "same-title.ru.md" in names and "same-title-2.ru.md" in names  # uniqueness, decided in source order
    whole = tmp_path / "whole"  # and the files of a batch that ran through: the articles were grouped as in it
    run_batch(sources, whole, options, LocalRunner(config, options, when=WHEN))
    assert {name: text for name, text in contents(whole).items() if name != "index.jsonl"} == {
        name: text for name, text in contents(on_ray).items() if name != "index.jsonl"
    }


def test_ray_batch_stops_before_any_work_when_a_model_is_missing(local_ray: None, capsys, articles: Path):
    out = articles.parent / "out"
    code = main(["batch", str(articles), "--out", str(out), "--to", "ru", "--method", "extractive", "--ray"])
    _, stderr = capsys.readouterr()
    assert code == 1 and "diglot models pull Helsinki-NLP/opus-mt-en-ru" in stderr and stderr.count("\n") == 1
    assert not out.exists()


@pytest.mark.parametrize(("actors", "count", "threads"), [(None, 2, (1, 1)), (2, 2, (1, 1)), (1, 1, (2, 1))])
def test_each_actor_decodes_with_the_cpus_ray_gave_it(local_ray: None, tiny_config, actors, count, threads):
    """By default an actor per CPU of the 2-CPU Ray, one CTranslate2 thread each; one actor gets both CPUs."""
    from diglot.jobs.batch_ray import ArticleActor, RayRunner

    class ThreadsOfAnActor(ArticleActor):
        def threads(self) -> tuple[int, int, float]:
            translator = self.maker.pipeline.translator
            backend = translator.pool.get(translator.route("en", "ru").models[0]).backend
            return backend.parallel, backend.intra_threads, ray.get_runtime_context().get_assigned_resources()["CPU"]

    options = BatchOptions(targets=("ru",), method="extractive", use_cache=False)
    runner = RayRunner(load_config(), options, address="local", actors=actors, when=WHEN)
    runner._connect()  # Ray, without the runner's own actors: this test starts one instead
    _, reserve = runner.actor_count(ray)
    assert runner.actor_count(ray)[0] == count
    actor = ray.remote(ThreadsOfAnActor).options(**reserve).remote(*runner.actor_arguments(reserve))
    # The timeout guards against a hang only: a loaded machine takes minutes to start an actor.
    parallel, intra, cpus = ray.get(actor.threads.remote(), timeout=600)
    assert (parallel, intra) == threads
    assert parallel * intra == cpus  # CTranslate2's threads in all: exactly the CPUs the actor holds
    ray.kill(actor)


def test_ray_actors_enforce_the_glossary(local_ray: None, tmp_path: Path, seed: Path, tiny_config):
    """On real Ray actors: the glossary's entries travel to them, and every output holds each term's target."""
    import dataclasses

    from diglot.jobs.batch_ray import RayRunner

    terms = tmp_path / "terms.csv"
    terms.write_text("source,target\nPutin,ПУТИН-ГЛОССАРИЙ\nRosoboronexport,\n", encoding="utf-8")
    config = dataclasses.replace(load_config(), glossary_files=(terms,))
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(seed, folder / "seed.txt")
    options = BatchOptions(targets=("ru",), use_cache=False)
    runner = RayRunner(config, options, address="local", actors=1, when=WHEN)
    try:
        report = run_batch(expand_sources([str(folder)]), tmp_path / "out", options, runner)
    finally:
        runner.close()
    assert [entry.status for entry in report.entries] == ["done"]
    translated = (tmp_path / "out" / report.entries[0].outputs[0]).read_text(encoding="utf-8")
    section = translated.split("## Translation")[1].split("## Original")[0]
    source = seed.read_text(encoding="utf-8")
    assert section.count("ПУТИН-ГЛОССАРИЙ") >= source.count("Putin") > 0
    assert section.count("Rosoboronexport") >= source.count("Rosoboronexport") > 0
