"""Benchmarks for ketensim: run `python -m benchmarks` (prints figures and ratios measured in one run).

`main(argv)` runs the suite (see `benchmarks/suite.py`) with command-line arguments, e.g. ``main(["--quick"])``, prints
the table, writes `results/bench.json` and returns the figures as a dict. `reference_chain.py` is the plain-SimPy
reference implementation of the chain; `tandem.py` the M/M/c tandem checked against queueing theory.

This folder is not installed by pip (pyproject packages only `sim*`): run it from the repository root.
"""


def main(argv: list[str] | None = None) -> dict:
    from .suite import main as run_suite

    return run_suite(argv)
