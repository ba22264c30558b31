"""Scenarios side by side: paired differences with common random numbers.

`compare` runs every scenario with the same seed and the same replication numbers. Because every random input is
drawn from a stream named by what it is (see `streams`), replication r of two scenarios sees the same offences, the
same routing draws and the same durations wherever the scenarios agree; their difference in a key figure is then
mostly the effect of what the scenarios change, and the 95% interval of the **paired** difference (replication by
replication) is much narrower than comparing two independent intervals.

Output, under ``results/compare/<run-id>/``: one ordinary results folder per scenario (``<name>/``, as written by
`ketensim run`), ``comparison.csv`` (tidy: one row per key figure, group, breakdown and scenario, with the difference
from the first scenario and its paired 95% interval, and whether that interval excludes zero) and
``provenance.json``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import __version__
from .kpis import _fmt, mean_ci, paired_difference
from .outputs import staged_folder
from .runner import ResultsWriter, run_into_writers
from .scenario import Scenario


@dataclass(frozen=True)
class ComparisonRow:
    metric: str
    group: str
    breakdown: str
    scenario: str
    mean: float
    ci_low: float
    ci_high: float
    n: int
    diff: float  # this scenario minus the first, paired by replication
    diff_ci_low: float
    diff_ci_high: float

    @property
    def significant(self) -> bool:
        """The 95% interval of the paired difference excludes zero."""
        return not math.isnan(self.diff_ci_low) and (self.diff_ci_low > 0 or self.diff_ci_high < 0)


@dataclass
class CompareOutput:
    out_dir: Path
    scenarios: list[str]
    rows: list[ComparisonRow]
    run_dirs: list[Path]
    wall_seconds: float


# `ketensim compare` keeps the per-case records of this many replications unless asked for all (--records) or none
# (--no-records): the plots' distributions need one replication's cases, not ten copies of them (disk: README).
COMPARE_RECORD_REPLICATIONS = 1

COLUMNS = (
    "metric",
    "group",
    "breakdown",
    "scenario",
    "mean",
    "ci_low",
    "ci_high",
    "n",
    "diff",
    "diff_ci_low",
    "diff_ci_high",
    "significant",
)


def comparison_rows(names: list[str], per_rep: list[list[dict]]) -> list[ComparisonRow]:
    """Rows for every key figure of the first scenario (and any the others add), each scenario in turn; the
    difference is taken against the first scenario replication by replication."""
    keys: dict[tuple, None] = {}
    for reps in per_rep:
        for r in reps:
            keys.update(dict.fromkeys(r))
    rows = []
    base = per_rep[0]
    for key in keys:
        metric, group = key[0], key[1]
        breakdown = key[2] if len(key) > 2 else "all"
        a = [r.get(key, math.nan) for r in base]
        for name, reps in zip(names, per_rep):
            b = [r.get(key, math.nan) for r in reps]
            mean, lo, hi, n = mean_ci(b)
            d, dlo, dhi = paired_difference(np.asarray(a[: len(b)]), np.asarray(b[: len(a)]))
            rows.append(ComparisonRow(metric, group, breakdown, name, mean, lo, hi, n, d, dlo, dhi))
    return rows


def write_comparison(rows: list[ComparisonRow], path: Path) -> None:
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for r in rows:
            w.writerow(
                [
                    r.metric,
                    r.group,
                    r.breakdown,
                    r.scenario,
                    _fmt(r.mean),
                    _fmt(r.ci_low),
                    _fmt(r.ci_high),
                    r.n,
                    _fmt(r.diff),
                    _fmt(r.diff_ci_low),
                    _fmt(r.diff_ci_high),
                    int(r.significant),
                ]
            )


def read_comparison(path: Path) -> list[ComparisonRow]:
    def f(x):
        return float(x) if x else math.nan

    with open(path, newline="") as fh:
        return [
            ComparisonRow(
                r["metric"],
                r["group"],
                r["breakdown"],
                r["scenario"],
                f(r["mean"]),
                f(r["ci_low"]),
                f(r["ci_high"]),
                int(r["n"]),
                f(r["diff"]),
                f(r["diff_ci_low"]),
                f(r["diff_ci_high"]),
            )
            for r in csv.DictReader(fh)
        ]


def default_compare_dir(names: list[str], root: Path = Path("results")) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    label = "-vs-".join(names[:3]) + ("-and-more" if len(names) > 3 else "")
    return root / "compare" / f"{stamp}-{label}"


def comparability_problems(files, scenarios: list[Scenario]) -> list[str]:
    """One ``file: key: reason`` line per scenario that cannot be compared with the first: a name another compared
    scenario also has (the folders and columns are named after the scenarios), or another simulated period (start
    date, horizon, warm-up or run-out: backlogs and cohorts would be taken on different days, and their difference
    would say nothing about the scenarios)."""
    names = [s.name for s in scenarios]
    out = [
        f"{f}: name: scenario names must differ, {s.name!r} is used twice"
        for f, s in zip(files, scenarios)
        if names.count(s.name) > 1
    ]
    if not scenarios:
        return out
    ref, ref_file = scenarios[0], files[0]
    for f, s in zip(files[1:], scenarios[1:]):
        for key in ("start_date", "horizon_days", "warmup_days", "runout_days"):
            a, b = getattr(ref, key), getattr(s, key)
            if a != b:
                out.append(
                    f"{f}: {key}: {b} differs from the reference {ref_file} ({a}); compared scenarios must simulate "
                    "the same period (set it in both, or let one extend the other)"
                )
    return out


def compare(
    scenarios: list[Scenario],
    files: list[str] | None = None,
    replications: int | None = None,
    seed: int | None = None,
    out_dir: Path | None = None,
    jobs: int = 1,
    by: str | None = None,
    executor=None,
    progress: Callable[[int], None] | None = None,
    records: bool = True,
    force: bool = False,
    settings: Sequence[str] = (),
    record_replications: int | None = None,
) -> CompareOutput:
    """Run every scenario with common random numbers and write the paired comparison; the first is the reference.
    An existing `out_dir` is refused (`sim.outputs.OutputError`) unless `force`, and then replaced only if
    ketensim wrote it; each scenario's results go to a subfolder named after it (names are safe file names, checked
    when the scenario is loaded). `record_replications=N` keeps the per-case records of the first N replications
    only (`ResultsWriter`); the key figures and the comparison always use every replication."""
    if not scenarios:
        raise ValueError("compare needs at least one scenario")
    names = [s.name for s in scenarios]
    problems = comparability_problems(files or [s.name for s in scenarios], scenarios)
    if problems:
        raise ValueError("; ".join(problems))
    first = scenarios[0]
    replications = first.replications if replications is None else replications
    seed = first.seed if seed is None else seed
    out_dir = Path(out_dir) if out_dir is not None else default_compare_dir(names)
    file_names: list[str | None] = list(files) if files else [None] * len(scenarios)

    writers: list[ResultsWriter] = []
    with staged_folder(out_dir, force, "compare") as tmp:
        try:
            for sc in scenarios:
                writers.append(ResultsWriter(sc, tmp / sc.name, by, records, record_replications))
            batch = run_into_writers(
                scenarios, writers, file_names, replications, seed, jobs, executor, progress, settings
            )
        except BaseException:
            for w in writers:
                w.abort()
            raise
        wall, started_at = batch.wall_seconds, batch.started_at
        rows = comparison_rows(names, [w.per_rep for w in writers])
        write_comparison(rows, tmp / "comparison.csv")
        provenance = {
            "ketensim_version": __version__,
            "scenarios": names,
            "scenario_files": file_names,
            "reference": names[0],
            "seed": seed,
            "replications": replications,
            "breakdown": by,
            "settings": list(settings),
            "common_random_numbers": "named streams per (seed, replication, quantity); same seed for all scenarios",
            "started_at": started_at,
            "wall_seconds": round(wall, 3),
            "command": sys.argv,
        }
        (tmp / "provenance.json").write_text(json.dumps(provenance, indent=2, default=str))
    return CompareOutput(out_dir, names, rows, [out_dir / n for n in names], wall)
