"""``ketensim sensitivity``: which of a scenario's assumptions move its key figures most (a tornado, one at a time,
or Morris' elementary effects over the whole ranges). The work is `sim.sensitivity`."""

from __future__ import annotations

import datetime as dt
import time
from enum import Enum
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from ..journal import beside
from .app import bad_input, console, err, fail, parse_settings, progress
from .run import Executor, _executor


class Method(str, Enum):
    tornado = "tornado"
    morris = "morris"


def sensitivity(
    scenario: Path = typer.Argument(..., help="Scenario TOML file (its values, with --set, are the reference)."),
    params: Path | None = typer.Option(
        None, "--params", help="Parameters file: [[param]] tables with key, low, high (integer, log, note optional)."
    ),
    keys: list[str] = typer.Option([], "--param", help="A scenario key to vary by --percent (repeatable)."),
    percent: float | None = typer.Option(None, "--percent", help="Vary each --param by ± this % of its value."),
    kpis: list[str] = typer.Option(
        ..., "--kpi", help="A key figure, KPI or KPI[group], e.g. days_to_decision_p50[regular] (repeatable)."
    ),
    method: Method = typer.Option(Method.tornado, "--method", help="tornado (one at a time) or morris (global)."),
    trajectories: int = typer.Option(10, "--trajectories", min=2, help="Morris: trajectories through the ranges."),
    levels: int = typer.Option(4, "--levels", min=2, help="Morris: grid levels of each range (even)."),
    replications: int = typer.Option(3, "--replications", "-r", min=1, help="Replications per point."),
    settings: list[str] = typer.Option([], "--set", help="Change a scenario key first, e.g. --set horizon_days=731."),
    seed: int | None = typer.Option(None, "--seed", "-s", min=0, help="Seed (default: the scenario's)."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Replications run in this many processes."),
    executor: Executor = typer.Option(Executor.processes, "--executor", help="Local processes or a Dask cluster."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Address of a running Dask scheduler."),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Output folder (default results/sensitivity/TIME-NAME-METHOD)."
    ),
    force: bool = typer.Option(False, "--force", help="Replace OUT if it exists (only a folder ketensim wrote)."),
):
    """Rank the assumptions in PARAMS (or each --param at ± --percent) by their effect on the key figures. Every
    point runs the same replications with the same seed (common random numbers). The tornado sets each assumption
    to its low and its high value, the others at the scenario's, and reports the paired change of each key figure
    with its 95% interval, largest swing first; Morris (SALib) moves every assumption over its whole range along
    random trajectories and reports mu* (mean absolute effect), sigma and mu*'s 95% half-width. Writes tornado.csv
    or morris.csv, a figure per key figure, scenario.toml, provenance.json and runs.jsonl; interrupted, it keeps
    every finished replication beside OUT and resumes from them when started again with the same arguments.

    Example: `ketensim sensitivity scenarios/baseline.toml --params calibration/params-baseline.toml --kpi pr_within_5_weeks_share --kpi days_to_decision_p50[regular] --set horizon_days=731 -r 2 --jobs 2`
    """
    from ..calibrate import CalibrationError, load_params
    from ..outputs import OutputError, check_output_folder, staged_folder
    from ..scenario import ScenarioError, load
    from ..sensitivity import Sensitivity, SensitivityError, parse_kpis, percent_params, write_study

    overrides, problems = parse_settings(settings)
    if keys and percent is None:
        problems.append("--param: give --percent too (the range is ± that % of the scenario's value)")
    if percent is not None and not keys:
        problems.append("--percent: give the keys to vary with --param")
    if params is None and not keys:
        problems.append("give the assumptions to vary: --params FILE, or --param KEY (repeatable) with --percent X")
    if method is Method.tornado and replications < 2:
        problems.append("--replications: a tornado needs at least 2 for the interval of a paired change")
    if problems:
        fail(problems)
    with bad_input(SensitivityError, CalibrationError, ScenarioError):
        wanted = parse_kpis(kpis)
        chosen = load_params(params) if params is not None else []
        if keys:
            assert percent is not None
            chosen += percent_params(load(scenario, overrides=overrides or None), keys, percent)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = out if out is not None else Path("results") / "sensitivity" / f"{stamp}-{scenario.stem}-{method.value}"
    with bad_input(OutputError):
        check_output_folder(out, force)
    runs_file = beside(out, "runs")
    with bad_input(SensitivityError, ScenarioError):
        study = Sensitivity(
            scenario,
            chosen,
            wanted,
            overrides=overrides,
            replications=replications,
            seed=seed,
            jobs=jobs,
            runs_file=runs_file,
        )
        if method is Method.morris:
            _, points = study.morris_design(trajectories, levels)
        else:
            points = study.tornado_points()
    total, todo = study.replications_of(points)
    console.print(
        f"[bold]sensitivity ({method.value})[/bold] {escape(str(scenario))}: {len(chosen)} assumption(s), "
        f"{len(wanted)} key figure(s), {len(points)} points of {replications} replication(s), seed {study.seed}"
        + (f" ({total - todo} replications resumed from {escape(str(runs_file))})" if todo < total else "")
    )
    started = time.perf_counter()
    try:
        with (
            bad_input(SensitivityError),
            _executor(executor, scheduler, jobs) as ex,
            progress("replications", total, total - todo) as advance,
        ):
            study.executor = ex
            study.progress = advance
            rows = study.morris(trajectories, levels) if method is Method.morris else study.tornado()
    except (KeyboardInterrupt, SystemExit):
        if runs_file.exists():
            err.print(
                escape(f"interrupted: the finished replications are kept in {runs_file}; the same command resumes")
            )
        raise
    extra = {"wall_seconds": round(time.perf_counter() - started, 1), "executor": executor.value, "jobs": jobs}
    if method is Method.morris:
        extra |= {"trajectories": trajectories, "levels": levels}
    with bad_input(OutputError), staged_folder(out, force, "sensitivity") as stage:
        write_study(study, rows, method.value, stage, params, extra)
        if runs_file.exists():
            (stage / "runs.jsonl").write_bytes(runs_file.read_bytes())
    runs_file.unlink(missing_ok=True)
    _print_ranking(rows, method)
    console.print(f"results: {out}")


def _print_ranking(rows, method: Method) -> None:
    from ..catalogue import describe_kpi, difference_unit

    for kpi in dict.fromkeys(r.kpi for r in rows):
        label, unit, scale = describe_kpi(kpi.metric, kpi.group)
        table = Table(title=escape(f"{label} ({kpi})"), title_justify="left", header_style="bold")
        for h in (
            "rank",
            "assumption",
            *(("at low", "at high", "swing") if method is Method.tornado else ("mu*", "sigma")),
        ):
            table.add_column(h, justify="left" if h == "assumption" else "right")
        for r in (r for r in rows if r.kpi == kpi):
            if method is Method.tornado:
                cells = [_change(r.at_low, scale), _change(r.at_high, scale), f"{r.swing * scale:.3g}"]
            else:
                cells = [f"{r.mu_star * scale:.3g} ± {r.mu_star_conf * scale:.2g}", f"{r.sigma * scale:.3g}"]
            table.add_row(str(r.rank), escape(r.param.key), *cells)
        console.print(table)
        if unit:
            console.print(f"  {'changes' if method is Method.tornado else 'effects'} in {difference_unit(unit)}")


def _change(change: tuple[float, float, float], scale: float) -> str:
    mean, lo, hi = (x * scale for x in change)
    return f"{mean:+.3g} [{lo:+.3g}, {hi:+.3g}]"
