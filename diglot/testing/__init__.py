"""Stand-ins for the engines, and sample PDFs, shared by the tests and the benchmarks.

Not shipped: the wheel leaves this package out, and nothing in diglot imports it (``.importlinter``).
"""
