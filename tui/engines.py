"""The app's engines: the core pipeline, built from the config.

The app never builds models or rules of its own: it is handed a
``diglot.jobs.pipeline.Pipeline`` (by the CLI, or by tests with fakes or tiny
models inside) and calls it from worker threads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from diglot.config import Config
    from diglot.jobs.pipeline import Pipeline


def default_engines(config: Config, *, use_cache: bool = True) -> Pipeline:
    """The real engines: models from the config, loaded lazily in worker threads.

    With ``use_cache`` (the default) results are read from and kept in the
    persistent result cache.
    """
    from diglot.jobs.pipeline import Pipeline

    return Pipeline(config, use_cache=use_cache)
