"""The `ketensim` command line. Commands are thin: they parse, call the library, and render errors once.

Bad input (a scenario that does not validate, a missing file, a results folder that is not one) is printed as
``file: key.path: reason`` lines and the command exits with code 2, without a traceback and without writing anything.
"""

from __future__ import annotations

import math
import sys
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.table import Table

from . import __version__
from .scenario import ScenarioError, dump_toml, load

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # a bug report should not print arrays of a million cases
    rich_markup_mode="markdown",
    help="ketensim: discrete-event simulator of the Dutch criminal justice chain (strafrechtketen).\n\n"
    "Example: `ketensim run scenarios/baseline.toml --replications 5 --jobs 2`",
)
console = Console()
if not console.is_terminal:  # a log file or a pipe: no terminal width to respect, keep tables on one line per row
    console = Console(width=160)
err = Console(stderr=True)


class Executor(str, Enum):
    processes = "processes"
    dask = "dask"


@contextmanager
def _executor(kind: "Executor", scheduler: str | None, jobs: int):
    """The executor for --executor/--scheduler; a cluster that cannot be used is bad input (exit 2)."""
    from .executors import ExecutorError, open_executor

    try:
        with open_executor(kind.value, scheduler, jobs) as ex:
            yield ex
    except ExecutorError as e:
        _fail([f"--executor {kind.value}: {e}"])


class Breakdown(str, Enum):
    region = "region"
    stream = "stream"


def _fail(lines: list[str]) -> None:
    for line in lines:
        err.print(f"[red]error:[/red] {line}", highlight=False, markup=True, soft_wrap=True)
    raise typer.Exit(code=2)


@contextmanager
def _progress(label: str, total: int):
    """A progress bar on standard error while work is done (only on a terminal); yields `advance(k)`."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task(label, total=total)
        yield lambda k: progress.advance(task, k)


def _draw_plots(function: str, out_dir: Path, plots: bool, records: bool) -> None:
    """Draw the standard plots of a run or a comparison, unless asked not to or the case records are missing."""
    if not plots:
        return
    if not records:
        console.print("plots: not drawn (they need the per-case records; run without --no-records)")
        return
    from . import plots as plots_module

    files = getattr(plots_module, function)(out_dir)
    console.print(f"plots: {len(files)} files in {out_dir / 'plots'}")


def _check_writable(out: Path) -> None:
    """Refuse an output folder that cannot be written before any work is done (exit 2, nothing written)."""
    import os

    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        probe = out.parent / f".ketensim-probe-{os.getpid()}"
        probe.write_text("")
        probe.unlink()
    except OSError as e:
        _fail([f"{out}: cannot write results there ({e.strerror or e})"])


def _load(path: Path):
    try:
        return load(path)
    except ScenarioError as e:
        _fail([str(p) for p in e.problems])


def _version(value: bool):
    if value:
        console.print(f"ketensim {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
):
    pass


@app.command()
def run(
    scenario: Path = typer.Argument(..., help="Scenario TOML file."),
    replications: Optional[int] = typer.Option(None, "--replications", "-r", min=1, help="Replications (default: the scenario's)."),
    seed: Optional[int] = typer.Option(None, "--seed", "-s", min=0, help="Base seed (default: the scenario's)."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Results folder (default: results/SCENARIO/TIME-seedS)."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Replications run in this many processes (results are identical)."),
    plots: bool = typer.Option(True, "--plots/--no-plots", help="Also draw the standard plots into OUT/plots."),
    by: Optional[Breakdown] = typer.Option(None, "--by", help="Also write the case figures per region or per stream (kpis_by_region.csv / kpis_by_stream.csv)."),
    records: bool = typer.Option(True, "--records/--no-records", help="Write the per-case and per-hearing records; --no-records for big sweeps (key figures, backlogs and sessions only; no case plots)."),
    executor: Executor = typer.Option(Executor.processes, "--executor", help="Run replications in local processes, or on a Dask cluster (results are identical)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786 (default with --executor dask: a local cluster of --jobs workers)."),
):
    """Run a scenario: replications, results folder, key figures and plots.

    Example: `ketensim run scenarios/baseline.toml --replications 5 --jobs 2 --out results/baseline/try1`
    """
    from .runner import run_scenario

    from .runner import default_out_dir

    sc = _load(scenario)
    reps = replications or sc.replications
    out = out if out is not None else default_out_dir(sc, sc.seed if seed is None else seed)
    _check_writable(out)
    console.print(
        f"[bold]{sc.name}[/bold]: {reps} replication(s) of {sc.horizon_days:g} days "
        f"(+{sc.runout_days:g} run-out), seed {sc.seed if seed is None else seed}, {jobs} job(s)"
    )
    with _progress("replications", reps) as advance, _executor(executor, scheduler, jobs) as ex:
        result = run_scenario(
            sc, str(scenario), replications=reps, seed=seed, out_dir=out, jobs=jobs,
            progress=advance, by=by.value if by else None, executor=ex, records=records,
        )
    print_summary(result.kpis, title=f"{sc.name}: key figures ({reps} replications, 95% CI)")
    console.print(
        f"{result.cases:,} cases simulated in {result.wall_seconds:.1f} s "
        f"({result.cases / max(result.wall_seconds, 1e-9):,.0f} cases/s)"
    )
    _draw_plots("plot_results", result.out_dir, plots, records)
    console.print(f"results: {result.out_dir}")


@app.command()
def validate(files: List[Path] = typer.Argument(..., help="Scenario TOML files.")):
    """Check scenario files: every problem is listed with file, key and reason; exit code 2 if any.

    Example: `ketensim validate scenarios/*.toml`
    """
    problems = []
    for f in files:
        try:
            sc = load(f)
            console.print(f"[green]ok[/green] {f} ({sc.name})")
        except ScenarioError as e:
            problems += [str(p) for p in e.problems]
    if problems:
        _fail(problems)


@app.command()
def show(file: Path = typer.Argument(..., help="Scenario TOML file.")):
    """Print the fully resolved scenario (parents merged, defaults filled) as TOML.

    Example: `ketensim show scenarios/baseline.toml > resolved.toml`
    """
    sc = _load(file)
    sys.stdout.write(dump_toml(sc))


@app.command()
def plot(results_dir: Path = typer.Argument(..., help="A results folder written by `ketensim run`.")):
    """Draw the standard plots into RESULTS_DIR/plots: lead times per route, fast-track window attainment (legal
    windows marked), backlog per stage over time with a band over replications, route shares, end-to-end lead
    times, and court session fill.

    Example: `ketensim plot results/baseline/20261122-101500-seed2019`
    """
    from .plots import plot_results

    if not (results_dir / "provenance.json").exists():
        _fail([f"{results_dir}: not a ketensim results folder (no provenance.json)"])
    try:
        files = plot_results(results_dir)
    except FileNotFoundError as e:
        _fail([str(e)])
    for f in files:
        console.print(str(f))


@app.command()
def compare(
    scenarios: List[Path] = typer.Argument(..., help="Scenario files; the first is the reference."),
    replications: Optional[int] = typer.Option(None, "--replications", "-r", min=2, help="Replications per scenario (default: the first scenario's)."),
    seed: Optional[int] = typer.Option(None, "--seed", "-s", min=0, help="Base seed, the same for all scenarios (default: the first scenario's)."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Output folder (default: results/compare/TIME-NAMES)."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Worker processes (results are identical)."),
    by: Optional[Breakdown] = typer.Option(None, "--by", help="Also compare the case figures per region or per stream."),
    plots: bool = typer.Option(True, "--plots/--no-plots", help="Also draw the comparison plots into OUT/plots."),
    records: bool = typer.Option(True, "--records/--no-records", help="Write each scenario's per-case records; --no-records for big sweeps (no case plots)."),
    executor: Executor = typer.Option(Executor.processes, "--executor", help="Run in local processes, or on a Dask cluster (results are identical)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Address of a running Dask scheduler (default with --executor dask: a local cluster)."),
):
    """Run scenarios with common random numbers and compare every key figure with the first: each scenario's mean
    and 95% CI, and the difference from the first with the 95% CI of the paired difference (* = excludes zero).

    Example: `ketensim compare scenarios/baseline.toml scenarios/actieplan.toml -r 10 --jobs 2`
    """
    from .compare import compare as run_compare

    from .compare import default_compare_dir

    if len(scenarios) < 2:
        _fail(["compare: give at least two scenario files (the first is the reference)"])
    loaded = [_load(f) for f in scenarios]
    names = [s.name for s in loaded]
    if len(set(names)) != len(names):
        _fail([f"{f}: name: scenario names must differ, {s.name!r} is used twice" for f, s in zip(scenarios, loaded)
               if names.count(s.name) > 1])
    reps = replications or loaded[0].replications
    out = out if out is not None else default_compare_dir(names)
    _check_writable(out)
    console.print(f"comparing {', '.join(names)}: {reps} replications each, common random numbers, {jobs} job(s)")
    with _progress("runs", reps * len(loaded)) as advance, _executor(executor, scheduler, jobs) as ex:
        out_ = run_compare(loaded, [str(f) for f in scenarios], reps, seed, out, jobs, by.value if by else None,
                           executor=ex, progress=advance, records=records)
    print_comparison(out_.rows, out_.scenarios)
    _draw_plots("plot_comparison", out_.out_dir, plots, records)
    console.print(f"results: {out_.out_dir} ({out_.wall_seconds:.1f} s)")
    console.print(f"workshop report: ketensim report {out_.out_dir}")


@app.command()
def bench(
    quick: bool = typer.Option(False, "--quick", help="Parts 1-3 only, fewer repeats (skips ten years and compare)."),
    repeats: Optional[int] = typer.Option(None, "--repeats", min=1, help="Fresh-process runs per national-year figure."),
):
    """Measure speed and memory, as `python -m benchmarks`: prints a table with each target, writes
    results/bench.json. Needs the repository checkout (benchmarks/ beside sim/, the README's editable install).

    Example: `ketensim bench --quick`
    """
    root = Path(__file__).resolve().parents[1]
    if not (root / "benchmarks" / "suite.py").exists():
        _fail([f"{root}: ketensim bench needs the repository checkout (benchmarks/ beside sim/, an editable install)"])
    sys.path.insert(0, str(root))  # benchmarks/ is not installed by pip: import it from the checkout
    import benchmarks

    benchmarks.main((["--quick"] if quick else []) + (["--repeats", str(repeats)] if repeats else []))


try:  # the workshop report registers its own command (sim/report_cli.py)
    from .report_cli import register as _register_report
except ImportError:  # pragma: no cover - report not present
    _register_report = None
if _register_report is not None:
    _register_report(app, _fail)

try:  # the intake forecaster registers its own command (sim/forecast/cli.py)
    from .forecast.cli import register as _register_forecast
except ImportError:  # pragma: no cover - forecaster not present
    _register_forecast = None
if _register_forecast is not None:
    _register_forecast(app, _fail)


SUMMARY_SECTIONS = (
    ("Routes (per simulated year; days from registration)", "route",
     ("cases", "days_to_decision_p50", "days_to_decision_p90", "days_to_execution_end_p50")),
    ("Fast-track windows", "route", ("window_days_max", "within_window_share", "fallbacks")),
    ("Backlogs at the end of the horizon (cases)", "stage", ("backlog_end",)),
    ("Court sessions", "session type", ("session_fill_rate", "sessions_cancelled_share")),
    ("Sentences per simulated year", "verdict", ("sentences",)),
)


def print_summary(rows, title: str = "key figures") -> None:
    """The KPI table, readably: one table per theme (groups as rows, metrics as columns), each cell the mean ± the
    half-width of its 95% interval over replications; whatever no theme claims is listed at the end."""
    console.print(f"[bold]{title}[/bold] (mean ± half-width of the 95% interval over replications)")
    by_key = {(r.metric, r.group): r for r in rows if r.n > 0 and r.breakdown == "all"}
    claimed = set()
    for heading, group_label, metrics in SUMMARY_SECTIONS:
        groups = list(dict.fromkeys(g for (m, g) in by_key if m in metrics))
        if not groups:
            continue
        table = Table(title=heading, title_justify="left", header_style="bold")
        table.add_column(group_label, no_wrap=True)
        for m in metrics:
            table.add_column(m.replace("_", " "), justify="right")
        for g in groups:
            cells = []
            for m in metrics:
                r = by_key.get((m, g))
                claimed.add((m, g))
                cells.append(_cell(r))
            table.add_row(g, *cells)
        console.print(table)
    rest = [k for k in by_key if k not in claimed]
    if rest:
        table = Table(title="Chain", title_justify="left", header_style="bold")
        table.add_column("metric", no_wrap=True)
        table.add_column("group", no_wrap=True)
        table.add_column("mean ± 95% CI", justify="right")
        for m, g in rest:
            table.add_row(m, g, _cell(by_key[(m, g)]))
        console.print(table)


def print_comparison(rows, names: list[str]) -> None:
    """Per theme, for each key figure: the reference scenario's mean, then one line per other scenario with its
    mean and the paired difference from the reference with its 95% interval; * marks an interval excluding zero."""
    console.print(f"[bold]Compared with {names[0]}[/bold] (Δ = paired difference with its 95% interval over "
                  "replications; * = the interval excludes zero)")
    rows = [r for r in rows if r.breakdown == "all" and r.n > 0]
    by_key = {(r.metric, r.group, r.scenario): r for r in rows}
    sections = [(h, m) for h, _, m in SUMMARY_SECTIONS] + [("Chain", None)]
    claimed = set()
    for heading, metrics in sections:
        keys = list(dict.fromkeys((r.metric, r.group) for r in rows
                                  if (metrics is None or r.metric in metrics) and (r.metric, r.group) not in claimed))
        if not keys:
            continue
        claimed.update(keys)
        table = Table(title=heading, title_justify="left", header_style="bold")
        table.add_column("key figure", no_wrap=True, max_width=44)
        table.add_column("scenario", no_wrap=True)
        table.add_column("mean", justify="right", no_wrap=True)
        table.add_column("Δ [95% CI]", justify="right", no_wrap=True)
        for m, g in keys:
            label = f"{m.replace('_', ' ')} · {g}"
            for i, n in enumerate(names):
                r = by_key.get((m, g, n))
                if r is None:
                    continue
                diff = "" if i == 0 else _diff_cell(r)
                table.add_row(label if i == 0 else "", n, _num(r.mean), diff,
                              end_section=(i == len(names) - 1))
        console.print(table)


def _diff_cell(r) -> str:
    if r is None or math.isnan(r.diff):
        return ""
    if r.diff == 0 and r.diff_ci_low == r.diff_ci_high == 0:
        return "="
    if math.isnan(r.diff_ci_low):
        return f"{r.diff:+.3g}"
    star = " *" if r.significant else "  "
    return f"{_signed(r.diff)} [{_signed(r.diff_ci_low)}, {_signed(r.diff_ci_high)}]{star}"


def _signed(x: float) -> str:
    return ("+" if x > 0 else "") + _num(x)


def _cell(r) -> str:
    if r is None or math.isnan(r.mean):
        return ""
    if math.isnan(r.ci_low):
        return _num(r.mean)
    return f"{_num(r.mean)} ±{_num((r.ci_high - r.ci_low) / 2)}"


def _num(x: float) -> str:
    if math.isnan(x):
        return ""
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3g}"


if __name__ == "__main__":  # pragma: no cover
    app()
