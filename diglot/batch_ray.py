"""``diglot batch --ray``: the same batch on Ray Data, on this machine or a cluster.

Articles are read (downloaded, decoded, language identified) by Ray tasks in
parallel, on the driver's node (where the files named on the command line
are); model-holding actors (one ``ArticleMaker`` each, so one model load per
actor) make their documents, on any node; the results come back to the driver
in source order, where ``diglot.batch.OutputFolder`` names and writes them
exactly as a local batch does. Only this module imports ``ray``, and only
``--ray`` imports this module (``pip install 'diglot[ray]'``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
from collections.abc import Iterator, Sequence
from typing import Any

from diglot.batch import ArticleMaker, ArticleOutcome, BatchOptions, article_from_dict, article_to_dict, read_or_fail
from diglot.config import Config
from diglot.errors import ConfigError, DiglotError

# Settings a worker on this machine must share with the driver: where models,
# conversions and the result cache are, and whether the hub may be asked.
_FORWARDED_PREFIXES = ("HF_", "DIGLOT_", "TRANSFORMERS_", "HUGGINGFACE_")


def _local_environment() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key.startswith(_FORWARDED_PREFIXES)}


def _use_environment(environment: dict[str, str]) -> None:
    os.environ.update(environment)


def _read_row(row: dict[str, Any], *, config: Config, options: BatchOptions) -> dict[str, Any]:
    """A Ray Data task: read a row's source into an article (as JSON), or a failed outcome."""
    article = read_or_fail(row["source"], config, options)
    if isinstance(article, ArticleOutcome):
        return {"source": row["source"], "article": "", "outcome": json.dumps(article.to_dict(), ensure_ascii=False)}
    return {"source": row["source"], "article": json.dumps(article_to_dict(article), ensure_ascii=False), "outcome": ""}


class _MakeArticles:
    """A Ray Data actor: holds one ``ArticleMaker`` (the models, loaded once) and makes the articles it is given."""

    def __init__(self, config: Config, options: BatchOptions, when: str, environment: dict[str, str]) -> None:
        _use_environment(environment)
        self.maker = ArticleMaker(config, options, when=dt.datetime.fromisoformat(when))

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        outcomes = []
        for article, failed in zip(batch["article"], batch["outcome"], strict=True):
            if failed:
                outcomes.append(str(failed))
                continue
            made = self.maker.make(article_from_dict(json.loads(str(article))))
            outcomes.append(json.dumps(made.to_dict(), ensure_ascii=False))
        return {"outcome": outcomes}


def _check(config: Config, options: BatchOptions, environment: dict[str, str]) -> str | None:
    """The models a batch needs, checked on a worker (where the actors will look for them): what is missing.

    The message comes back rather than the exception: diglot's errors do not
    survive Ray's pickling.
    """
    _use_environment(environment)
    try:
        ArticleMaker(config, options, when=dt.datetime.now(dt.UTC)).check()
    except DiglotError as exc:
        return str(exc)
    return None


class RayRunner:
    """Makes articles on Ray: ``address`` ``local`` starts a Ray on this machine, anything else joins that cluster.

    ``actors`` model-holding actors (default: one per CPU of the cluster, or
    one per GPU with ``device = "cuda"``) share the work.
    """

    def __init__(
        self,
        config: Config,
        options: BatchOptions,
        *,
        address: str = "local",
        actors: int | None = None,
        when: dt.datetime | None = None,
    ) -> None:
        self.config = config
        self.options = options
        self.address = address
        self.actors = actors
        self.when = when or dt.datetime.now(dt.UTC)
        self._started = False
        self._environment: dict[str, str] = {}

    def _connect(self) -> Any:
        try:
            import ray
        except ImportError:
            raise ConfigError("--ray needs Ray: pip install 'diglot[ray]'") from None
        local = self.address == "local"
        self._environment = _local_environment() if local else {}
        if not ray.is_initialized():
            try:
                ray.init(
                    address=self.address,
                    include_dashboard=False,
                    log_to_driver=False,
                    logging_level=logging.ERROR,
                    configure_logging=True,
                )
            except (ConnectionError, ValueError, RuntimeError) as exc:
                raise ConfigError(f"cannot start or join Ray at '{self.address}': {exc}") from None
            self._started = True
        logging.getLogger("ray.data").setLevel(logging.ERROR)  # diglot reports progress and failures itself
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True  # results reach the driver in source order
        context.enable_progress_bars = False  # diglot draws its own
        context.print_on_execution_start = False
        return ray

    def actor_count(self, ray: Any) -> tuple[int, dict[str, float]]:
        """How many actors, and what each reserves: a GPU with ``device = "cuda"``, else CPUs.

        On the CPU a translator decodes two sub-batches side by side, a core
        each, so an actor reserves two CPUs where every node has two, and by
        default there are as many actors as the cluster has pairs of CPUs.
        ``--actors N`` shares the CPUs out instead, so that all N can start.
        """
        resources = ray.cluster_resources()
        if self.config.device == "cuda" and resources.get("GPU", 0) >= 1:
            return self.actors or int(resources["GPU"]), {"num_gpus": 1}
        cpus = max(1.0, float(resources.get("CPU", 1)))
        smallest_node = min((node["Resources"].get("CPU", 0) for node in ray.nodes() if node["Alive"]), default=1)
        per_actor = 2.0 if smallest_node >= 2 else 1.0
        if self.actors is None:
            return max(1, int(cpus // per_actor)), {"num_cpus": per_actor}
        return self.actors, {"num_cpus": min(per_actor, cpus / self.actors)}

    def actor_arguments(self, reserve: dict[str, float]) -> tuple[Config, BatchOptions, str, dict[str, str]]:
        """What each model-holding actor is built with: the config, its CPU threads capped at the CPUs it reserves.

        CTranslate2 would otherwise decode on every core of the node, and two
        actors given a CPU each on a 2-CPU node would fight over both.
        """
        config = self.config
        if "num_cpus" in reserve:
            config = dataclasses.replace(config, cpu_threads=max(1, int(reserve["num_cpus"])))
        return config, self.options, self.when.isoformat(), self._environment

    def check(self) -> None:
        ray = self._connect()
        missing = ray.get(ray.remote(_check).remote(self.config, self.options, self._environment))
        if missing is not None:
            raise DiglotError(missing)

    def run(self, sources: Sequence[str]) -> Iterator[ArticleOutcome]:
        if not sources:
            return
        ray = self._connect()
        count, reserve = self.actor_count(ray)
        # A few blocks per actor: enough to keep every actor busy, few enough
        # that reading does not start a Python worker per article.
        blocks = max(1, min(len(sources), 4 * count))
        dataset = ray.data.from_items([{"source": source} for source in sources], override_num_blocks=blocks)
        # Reading is mostly waiting on files and downloads: it reserves no CPU, so it runs beside the
        # actors, as many tasks at a time as there are actors, on this machine's node, where the
        # files named on the command line are.
        here = {"ray.io/node-id": ray.get_runtime_context().get_node_id()}  # a label every Ray node has
        dataset = dataset.map(
            _read_row,
            fn_kwargs={"config": self.config, "options": self.options},
            num_cpus=0,
            compute=ray.data.TaskPoolStrategy(size=count),
            label_selector=here,
        )
        dataset = dataset.map_batches(
            _MakeArticles,
            # Ray Data logs a spurious error about these arguments (ray-project/ray#57733).
            fn_constructor_args=self.actor_arguments(reserve),
            batch_size=1,
            compute=ray.data.ActorPoolStrategy(size=count),
            **reserve,
        )
        for row in dataset.iter_rows():
            yield ArticleOutcome.from_dict(json.loads(row["outcome"]))

    def close(self) -> None:
        """Stop the Ray this runner started (a cluster it joined, or a Ray already running, is left alone)."""
        if self._started:
            import ray

            ray.shutdown()
            self._started = False
