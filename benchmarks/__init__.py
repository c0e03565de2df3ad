"""Benchmarks: retrieval quality against published baselines, and speed against the physical floor.

Run them all with `python -m benchmarks.run` (or `make bench`); see docs/benchmarks.md.
"""
