"""``diglot batch --ray``: the same batch on Ray actors, on this machine or a cluster.

The command reads the articles (files, downloads, language identification)
on its own machine, in threads, a few ahead, where the files named on the
command line are; model-holding Ray actors (one ``ArticleMaker`` each, so one
model load per actor, as many actors as the cluster's CPUs or GPUs allow)
make their documents, on any node; the results come back in source order,
and ``diglot.jobs.batch.OutputFolder`` names and writes them exactly as a local
batch does. Plain actors, not Ray Data: on the 20-article benchmark Ray
Data's reading tasks and streaming executor cost more than the reading they
spread (see ``benchmarks/batch.py``). Only this module imports ``ray``, and
only ``--ray`` imports this module (``pip install 'diglot[ray]'``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import itertools
import logging
import os
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from diglot.config import Config
from diglot.errors import ConfigError, DiglotError
from diglot.jobs.batch import (
    ArticleMaker,
    ArticleOutcome,
    BatchOptions,
    Finished,
    article_from_dict,
    article_groups,
    article_to_dict,
    group_work,
    made_in_place,
    read_or_fail,
    wanted_outcomes,
)

if TYPE_CHECKING:
    from diglot.jobs.batch import GroupItem
    from diglot.jobs.pipeline import Article

T = TypeVar("T")
# Sources read at a time on the driver: downloads overlap, files cost little.
_READERS = 4
# Sources read ahead of the groups being made: enough for a few groups of
# seed-sized articles (``diglot.jobs.batch.GROUP_SENTENCES``), not a whole list.
_READ_AHEAD = 32

# Settings a worker on this machine must share with the driver: where models,
# conversions and the result cache are, and whether the hub may be asked.
_FORWARDED_PREFIXES = ("HF_", "DIGLOT_", "TRANSFORMERS_", "HUGGINGFACE_")


def _local_environment() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key.startswith(_FORWARDED_PREFIXES)}


def _use_environment(environment: dict[str, str]) -> None:
    os.environ.update(environment)


class ArticleActor:
    """A Ray actor holding one ``ArticleMaker`` (the models, loaded once), making the articles it is sent."""

    def __init__(self, config: Config, options: BatchOptions, when: str, environment: dict[str, str]) -> None:
        _use_environment(environment)
        self.maker = ArticleMaker(config, options, when=dt.datetime.fromisoformat(when))

    def check(self) -> str | None:
        """What is missing of the models the batch needs, checked where the models will load (``None``: nothing).

        The message comes back rather than the exception: diglot's errors do
        not survive Ray's pickling.
        """
        try:
            self.maker.check()
        except DiglotError as exc:
            return str(exc)
        return None

    def make(self, articles: list[dict[str, Any]]) -> list[ArticleOutcome]:
        """The outcomes of a group of articles (read on the driver, as ``article_to_dict`` gives them), in order.

        Made together (``ArticleMaker.make_many``), as the local batch makes the same group.
        """
        return self.maker.make_many([article_from_dict(data) for data in articles])


def read_ahead(sources: Sequence[str], read: Callable[[str], T], *, threads: int, ahead: int) -> Iterator[T]:
    """``read(source)`` for each source, in order, ``threads`` at a time and at most ``ahead`` ahead of the caller.

    Reading is mostly waiting (files, downloads), so threads overlap it; the
    bound keeps a list of a hundred thousand sources from being read into
    memory before the first is made.
    """
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="diglot-read") as pool:
        pending: deque[Future[T]] = deque()
        remaining = iter(sources)
        for source in itertools.islice(remaining, ahead):
            pending.append(pool.submit(read, source))
        while pending:
            result = pending.popleft().result()
            for source in itertools.islice(remaining, 1):
                pending.append(pool.submit(read, source))
            yield result


class _Held:
    """What was written to stderr while held (``str()`` of it, once the ``with`` has ended)."""

    def __init__(self) -> None:
        self.text = ""

    def __str__(self) -> str:
        return self.text


@contextlib.contextmanager
def _stderr_held() -> Iterator[_Held]:
    """File descriptor 2 into a temporary file for the block (Ray's C++ core writes there, not to sys.stderr)."""
    import sys
    import tempfile

    held = _Held()
    with contextlib.suppress(ValueError, OSError):
        sys.stderr.flush()
    with tempfile.TemporaryFile() as sink:
        saved = os.dup(2)
        os.dup2(sink.fileno(), 2)
        try:
            yield held
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            held.text = sink.read().decode("utf-8", "replace")


def _join_error(address: str, exc: BaseException, stderr: str) -> str:
    """One line: why Ray at ``address`` could not be joined, and what to do."""
    if "Unauthenticated" in stderr or "InvalidAuthToken" in stderr or "AuthenticationError" in type(exc).__name__:
        # Ray 2.60's clusters ask for a token by default; a driver sends one only in token mode.
        if os.environ.get("RAY_AUTH_MODE", "").lower() == "token":
            return (
                f"cannot join Ray at '{address}': the cluster refused this machine's token; give the head's "
                "('ray get-auth-token' there) as RAY_AUTH_TOKEN, in a file named by RAY_AUTH_TOKEN_PATH or in "
                "~/.ray/auth_token"
            )
        return (
            f"cannot join Ray at '{address}': the cluster asks for a token (Ray's token authentication); set "
            "RAY_AUTH_MODE=token and give the head's token ('ray get-auth-token' there) as RAY_AUTH_TOKEN, in a "
            "file named by RAY_AUTH_TOKEN_PATH or in ~/.ray/auth_token"
        )
    first = (str(exc).splitlines() or [type(exc).__name__])[0]
    return f"cannot start or join Ray at '{address}': {first}"


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
        self._actors: list[Any] = []

    def _connect(self) -> Any:
        try:
            import ray
        except ImportError:
            raise ConfigError("--ray needs Ray: pip install 'diglot[ray]'") from None
        local = self.address == "local"
        self._environment = _local_environment() if local else {}
        if not ray.is_initialized():
            # Ray's core writes a cluster's refusals straight to stderr (fd 2), a line a second for about
            # 20 s: held here, to say in one line what they mean.
            with contextlib.nullcontext("") if local else _stderr_held() as said:
                try:
                    ray.init(
                        address=self.address,
                        include_dashboard=False,
                        log_to_driver=False,
                        logging_level=logging.ERROR,
                        configure_logging=True,
                    )
                    failure = None
                except (ConnectionError, ValueError, RuntimeError) as exc:
                    failure = exc
            if failure is not None:
                raise ConfigError(_join_error(self.address, failure, str(said))) from None
            self._started = True
        return ray

    def actor_count(self, ray: Any) -> tuple[int, dict[str, float]]:
        """How many actors, and what each reserves: a GPU with ``device = "cuda"``, else CPUs.

        On the CPU, by default one actor per CPU of the cluster, each
        decoding on one thread: the Python side of an article (reading the
        sentences, the summary, the export) then runs side by side too, which
        measured faster than one actor decoding on two threads (see
        ``benchmarks/batch.py``). ``--actors N`` shares the CPUs out instead,
        at most a node's CPUs each, so that all N can start.
        """
        resources = ray.cluster_resources()
        if self.config.device == "cuda" and resources.get("GPU", 0) >= 1:
            return self.actors or int(resources["GPU"]), {"num_gpus": 1}
        cpus = max(1.0, float(resources.get("CPU", 1)))
        if self.actors is None:
            return max(1, int(cpus)), {"num_cpus": 1.0}
        smallest_node = min((node["Resources"].get("CPU", 0) for node in ray.nodes() if node["Alive"]), default=1)
        return self.actors, {"num_cpus": max(min(smallest_node, cpus / self.actors), 0.01)}

    def actor_arguments(self, reserve: dict[str, float]) -> tuple[Config, BatchOptions, str, dict[str, str]]:
        """What each model-holding actor is built with: the config, its CPU threads capped at the CPUs it reserves.

        CTranslate2 would otherwise decode on every core of the node, and two
        actors given a CPU each on a 2-CPU node would fight over both.
        """
        config = self.config
        if config.glossary_files or config.glossary_terms or config.glossary_user:
            from diglot.glossary import config_glossary

            # The glossary's entries themselves: another node may not have its files.
            entries = tuple(config_glossary(config).entries)
            config = dataclasses.replace(config, glossary_files=(), glossary_terms=entries, glossary_user=False)
        if "num_cpus" in reserve:
            config = dataclasses.replace(config, cpu_threads=max(1, int(reserve["num_cpus"])))
        return config, self.options, self.when.isoformat(), self._environment

    def _start_actors(self) -> tuple[Any, list[Any]]:
        """Ray, and the model-holding actors (started once, by ``check`` or else by ``run``)."""
        ray = self._connect()
        if not self._actors:
            count, reserve = self.actor_count(ray)
            actor = ray.remote(ArticleActor).options(**reserve)
            arguments = self.actor_arguments(reserve)
            self._actors = [actor.remote(*arguments) for _ in range(count)]
        return ray, self._actors

    def check(self) -> None:
        """The models, checked on an actor: where they will be loaded, on whichever node it runs."""
        ray, actors = self._start_actors()
        missing = ray.get(actors[0].check.remote())
        if missing is not None:
            raise DiglotError(missing)

    def run(self, sources: Sequence[str], *, finished: Mapping[str, int] | None = None) -> Iterator[ArticleOutcome]:
        """Read on this machine (threads, a few articles ahead), make on the actors; outcomes in source order.

        Reading costs little next to the models (a seed-sized file: ~25 ms
        with language identification) and needs the files named on the
        command line, which are on this machine; so it happens here, and
        only the articles travel to the actors. ``finished`` sources are
        grouped and made again only as the local batch does (``group_work``).
        """
        if not sources:
            return
        _, actors = self._start_actors()
        from ray.util import ActorPool

        finished = finished or {}
        pool = ActorPool(actors)
        in_flight_limit = 2 * len(actors)  # one group being made and one waiting per actor: no actor idles
        # Groups in order, each with whether each of its made articles is wanted (none: nothing sent to the pool).
        order: deque[tuple[list[GroupItem], list[bool]]] = deque()
        in_flight = 0

        def read(source: str) -> Article | ArticleOutcome:
            return read_or_fail(source, self.config, self.options)

        def read_or_finished(source: str) -> GroupItem:
            return Finished(source, finished[source]) if source in finished else read(source)

        def finish(group: list[GroupItem], wanted: list[bool]) -> list[ArticleOutcome]:
            nonlocal in_flight
            if not wanted:
                return made_in_place(group, [])
            in_flight -= 1
            return made_in_place(group, wanted_outcomes(pool.get_next(), wanted))

        read_sources = read_ahead(sources, read_or_finished, threads=_READERS, ahead=_READ_AHEAD)
        for group in article_groups(read_sources):  # grouped as the local batch groups them
            articles, wanted = group_work(group, read)
            if articles:
                pool.submit(lambda actor, data: actor.make.remote(data), [article_to_dict(a) for a in articles])
                in_flight += 1
            order.append((group, wanted))
            while order and (not order[0][1] or in_flight >= in_flight_limit):
                yield from finish(*order.popleft())
        while order:
            yield from finish(*order.popleft())

    def close(self) -> None:
        """Let the actors go, and stop the Ray this runner started (a cluster it joined is left running)."""
        if not self._actors and not self._started:
            return
        import ray

        for actor in self._actors:
            ray.kill(actor)
        self._actors = []
        if self._started:
            ray.shutdown()
            self._started = False
