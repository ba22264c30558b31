"""``ketensim run`` and ``ketensim compare``: run scenarios into a results folder, print the key figures, draw the
plots. The work is `sim.runner.run_scenario` and `sim.compare.compare`; the tables are `sim.cli.summary`."""

from __future__ import annotations

from contextlib import contextmanager
from enum import Enum
from pathlib import Path

import typer
from rich.text import Text

from ..labels import tr
from ..outputs import OutputError, check_output_folder
from .app import Lang, bad_input, console, fail, in_language, lang_option, load_scenario, load_scenarios, progress
from .summary import print_comparison, print_summary


class Executor(str, Enum):
    processes = "processes"
    dask = "dask"


class Breakdown(str, Enum):
    region = "region"
    stream = "stream"


@in_language
def run(
    scenario: Path = typer.Argument(..., help="Scenario TOML file."),
    replications: int | None = typer.Option(
        None, "--replications", "-r", min=1, help="Replications (default: the scenario's)."
    ),
    seed: int | None = typer.Option(None, "--seed", "-s", min=0, help="Base seed (default: the scenario's)."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Results folder (default: results/SCENARIO/TIME-seedS)."),
    jobs: int = typer.Option(
        1, "--jobs", "-j", min=1, help="Replications run in this many processes (results are identical)."
    ),
    plots: bool = typer.Option(True, "--plots/--no-plots", help="Also draw the standard plots into OUT/plots."),
    by: Breakdown | None = typer.Option(
        None,
        "--by",
        help="Also write the case figures per region or per stream (kpis_by_region.csv / kpis_by_stream.csv).",
    ),
    records: bool = typer.Option(
        True,
        "--records/--no-records",
        help="Write the per-case and per-hearing records; --no-records for big sweeps (key figures, backlogs and sessions only; no case plots).",
    ),
    executor: Executor = typer.Option(
        Executor.processes,
        "--executor",
        help="Run replications in local processes, or on a Dask cluster (results are identical).",
    ),
    scheduler: str | None = typer.Option(
        None,
        "--scheduler",
        help="Address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786 (default with --executor dask: a local cluster of --jobs workers).",
    ),
    settings: list[str] = typer.Option(
        [],
        "--set",
        help="Change a scenario key for this run without writing a file, e.g. --set om.zsm.return_share=0.05 (repeatable; validated like the file; the resolved scenario in provenance.json shows it).",
    ),
    force: bool = typer.Option(
        False, "--force", help="Replace OUT if it exists (only a folder ketensim wrote is ever replaced)."
    ),
    lang: Lang = lang_option(),
):
    """Run a scenario: replications, results folder, key figures and plots.

    Example: `ketensim run scenarios/baseline.toml --replications 5 --jobs 2 --out results/baseline/try1`
    """
    from ..runner import default_out_dir, run_scenario

    sc = load_scenario(scenario, settings)
    reps = replications or sc.replications
    out = out if out is not None else default_out_dir(sc, sc.seed if seed is None else seed)
    check_writable(out, force)
    check_size([scenario], [sc], jobs)
    console.print(
        f"[bold]{sc.name}[/bold]: {reps} replication(s) of {sc.horizon_days:g} days "
        f"(+{sc.runout_days:g} run-out), seed {sc.seed if seed is None else seed}, {jobs} job(s)"
    )
    with (
        bad_input(OutputError),
        _writing(out),
        progress("replications", reps) as advance,
        _executor(executor, scheduler, jobs) as ex,
    ):
        result = run_scenario(
            sc,
            str(scenario),
            replications=reps,
            seed=seed,
            out_dir=out,
            jobs=jobs,
            progress=advance,
            by=by.value if by else None,
            executor=ex,
            records=records,
            force=force,
            settings=settings,
        )
    print_summary(result.kpis, title=f"{sc.name}: {tr('key figures')} ({reps} {tr('replications, 95% CI')})")
    console.print(
        f"{result.cases:,} {tr('cases simulated in')} {result.wall_seconds:.1f} s "
        f"({result.cases / max(result.wall_seconds, 1e-9):,.0f} {tr('cases/s')})"
    )
    _draw_plots("plot_results", result.out_dir, plots, records)
    console.print(f"{tr('results:')} {result.out_dir}")


@in_language
def compare(
    scenarios: list[Path] = typer.Argument(..., help="Scenario files; the first is the reference."),
    replications: int | None = typer.Option(
        None, "--replications", "-r", min=2, help="Replications per scenario (default: the first scenario's)."
    ),
    seed: int | None = typer.Option(
        None, "--seed", "-s", min=0, help="Base seed, the same for all scenarios (default: the first scenario's)."
    ),
    out: Path | None = typer.Option(None, "--out", "-o", help="Output folder (default: results/compare/TIME-NAMES)."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Worker processes (results are identical)."),
    by: Breakdown | None = typer.Option(None, "--by", help="Also compare the case figures per region or per stream."),
    plots: bool = typer.Option(True, "--plots/--no-plots", help="Also draw the comparison plots into OUT/plots."),
    records: bool | None = typer.Option(
        None,
        "--records/--no-records",
        help="Per-case records: by default those of the first replication only, enough for the plots (national: about 26 MB per scenario and simulated year); --records for every replication's (26 MB each per year), --no-records for none (under 1 MB; no case plots). The key figures and the comparison always use every replication.",
        show_default=False,
    ),
    executor: Executor = typer.Option(
        Executor.processes, "--executor", help="Run in local processes, or on a Dask cluster (results are identical)."
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Address of a running Dask scheduler (default with --executor dask: a local cluster)."
    ),
    settings: list[str] = typer.Option(
        [],
        "--set",
        help="Change a scenario key in every compared scenario without writing a file, e.g. --set replications=3 (repeatable; validated like the files).",
    ),
    force: bool = typer.Option(
        False, "--force", help="Replace OUT if it exists (only a folder ketensim wrote is ever replaced)."
    ),
    lang: Lang = lang_option(),
):
    """Run scenarios with common random numbers and compare every key figure with the first: each scenario's mean
    and 95% CI, and the difference from the first with the 95% CI of the paired difference (* = excludes zero).

    Example: `ketensim compare scenarios/baseline.toml scenarios/actieplan.toml -r 10 --jobs 2`
    """
    from ..compare import COMPARE_RECORD_REPLICATIONS, comparability_problems, default_compare_dir
    from ..compare import compare as run_compare

    if len(scenarios) < 2:
        fail(["compare: give at least two scenario files (the first is the reference)"])
    loaded = load_scenarios(scenarios, settings)
    names = [s.name for s in loaded]
    problems = comparability_problems(scenarios, loaded)
    if problems:
        fail(problems)
    reps = replications or loaded[0].replications
    out = out if out is not None else default_compare_dir(names)
    check_writable(out, force)
    check_size(scenarios, loaded, jobs)
    console.print(f"comparing {', '.join(names)}: {reps} replications each, common random numbers, {jobs} job(s)")
    with (
        bad_input(OutputError),
        progress("runs", reps * len(loaded)) as advance,
        _executor(executor, scheduler, jobs) as ex,
    ):
        out_ = run_compare(
            loaded,
            [str(f) for f in scenarios],
            reps,
            seed,
            out,
            jobs,
            by.value if by else None,
            executor=ex,
            progress=advance,
            records=records is not False,
            force=force,
            settings=settings,
            record_replications=None if records else COMPARE_RECORD_REPLICATIONS,
        )
    print_comparison(out_.rows, out_.scenarios)
    _draw_plots("plot_comparison", out_.out_dir, plots, records is not False)
    console.print(f"{tr('results:')} {out_.out_dir} ({out_.wall_seconds:.1f} s)")
    console.print(f"{tr('workshop report:')} ketensim report {out_.out_dir}")


# ---------------------------------------------------------------------------------------------------- helpers


def check_size(files: list[Path], scenarios: list, jobs: int) -> None:
    """Refuse a run too large for this machine's memory before any work (exit 2)."""
    from ..runner import size_problems

    problems = [f"{f}: {p}" for f, sc in zip(files, scenarios) for p in size_problems(sc, jobs)]
    if problems:
        fail(problems)


def check_writable(out: Path, force: bool) -> None:
    """Refuse an output folder that may not be written (it exists and --force is not given, it is not ketensim's,
    another run is writing it, the place is not writable) before any work is done: exit 2, nothing written."""
    with bad_input(OutputError):
        check_output_folder(out, force)


@contextmanager
def _executor(kind: Executor, scheduler: str | None, jobs: int):
    """The executor for --executor/--scheduler; a cluster that cannot be used is bad input (exit 2)."""
    from ..executors import ExecutorError, open_executor

    try:
        with open_executor(kind.value, scheduler, jobs) as ex:
            yield ex
    except ExecutorError as e:
        fail([f"--executor {kind.value}: {e}"])


@contextmanager
def _writing(out: Path):
    """A results folder that could not be written (disk full, a read-only or vanished place) is reported in one
    line, exit 2; the staging folder is gone by then (`sim.outputs.staged_folder`) and an earlier folder is intact."""
    try:
        yield
    except OSError as e:
        fail(
            [
                f"{out}: could not write the results ({e.strerror or e}); nothing was left behind, an earlier folder is untouched"
            ]
        )


def _draw_plots(function: str, out_dir: Path, plots: bool, records: bool) -> None:
    """Draw the standard plots of a run or a comparison, unless asked not to or the case records are missing. The
    results are complete before plotting starts: plots that cannot be written (a full disk) are reported, exit 1,
    and can be drawn later with `ketensim plot`."""
    if not plots:
        return
    if not records:
        console.print("plots: not drawn (they need the per-case records; run without --no-records)")
        return
    from .. import figures as plots_module

    try:
        files = getattr(plots_module, function)(out_dir)
    except OSError as e:
        console.print(
            Text(
                f"plots: not drawn ({e.strerror or e}); the results in {out_dir} are complete: draw the plots later "
                f"with `ketensim plot {out_dir}`"
            ),
        )
        raise typer.Exit(code=1) from None
    console.print(f"{tr('plots:')} {len(files)} {tr('files in')} {out_dir / 'plots'}")
