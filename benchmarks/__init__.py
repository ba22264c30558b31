"""Benchmarks for ketensim: run `python -m benchmarks` (prints figures and ratios measured in one run)."""
