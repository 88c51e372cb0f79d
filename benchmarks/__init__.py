"""``diglot bench``: speed and memory of diglot's default path against transformers fp32.

Not part of the installed package: the command line loads it from a source
checkout (``python -m benchmarks`` does the same). It builds random-weight
models of the default architectures with ``diglot.random_models`` (the
builders the tests use at tiny size), measures each engine in a child
process of its own, and fails rather than print a figure it did not
measure. See ``benchmarks.bench`` for what is measured.
"""

from benchmarks.bench import main

__all__ = ["main"]
