"""Benchmark tooling: the views ``make bench`` compares against, and its runner.

Nothing here is served unless ``BENCHMARK_VIEWS`` is on.
"""
