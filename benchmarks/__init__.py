"""Benchmarks that print measured figures; none is installed with the package.

``diglot bench`` (``benchmarks.bench``) loads from a source checkout. Its
models come from ``diglot.random_models`` (the builders the tests use at tiny
size), each engine is measured in a child process of its own, and a figure
that was not measured fails the run.
"""
