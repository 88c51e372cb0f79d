"""Benchmarks that print measured figures; each fails its run when a target is missed."""
