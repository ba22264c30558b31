"""``ketensim bench``: the benchmark suite of the repository checkout (`benchmarks/`, beside `sim/`)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from .app import fail

CHECKOUT = Path(__file__).resolve().parents[2]  # the folder holding sim/ (and, in a checkout, benchmarks/)


def bench(
    quick: bool = typer.Option(False, "--quick", help="Parts 1-3 only, fewer repeats (skips ten years and compare)."),
    repeats: int | None = typer.Option(None, "--repeats", min=1, help="Fresh-process runs per national-year figure."),
):
    """Measure speed and memory, as `python -m benchmarks`: prints a table with each target, writes
    results/bench.json. Needs the repository checkout (benchmarks/ beside sim/, the README's editable install).

    Example: `ketensim bench --quick`
    """
    benchmarks = _benchmarks()
    benchmarks.main((["--quick"] if quick else []) + (["--repeats", str(repeats)] if repeats else []))


def _benchmarks():
    """The `benchmarks` package of the checkout: pip does not install it, so it is imported from beside sim/."""
    if not (CHECKOUT / "benchmarks" / "suite.py").exists():
        fail(
            [f"{CHECKOUT}: ketensim bench needs the repository checkout (benchmarks/ beside sim/, an editable install)"]
        )
    sys.path.insert(0, str(CHECKOUT))
    import benchmarks

    return benchmarks
