"""``ketensim calibrate``: fit a scenario's uncertain numbers to published figures. The work is `sim.calibrate`."""

from __future__ import annotations

import datetime as dt
import math
import time
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from ..journal import beside
from .app import bad_input, console, err, fail, parse_settings, progress
from .run import Executor, _executor


def calibrate(
    scenario: Path = typer.Argument(..., help="Scenario TOML file to calibrate."),
    targets: Path = typer.Option(
        Path("calibration/targets.csv"), "--targets", help="Targets file (rows with status 'target' are fitted)."
    ),
    params: Path = typer.Option(
        ..., "--params", help="Parameters file: [[param]] tables with key, low, high (integer, log, note optional)."
    ),
    budget: int = typer.Option(30, "--budget", min=2, help="Points to simulate in all (resumed points count)."),
    replications: int = typer.Option(2, "--replications", "-r", min=1, help="Replications per point in the search."),
    settings: list[str] = typer.Option(
        [],
        "--set",
        help="A setting for the search runs only, e.g. --set horizon_days=730 (the calibrated file keeps its own).",
    ),
    holdout: list[str] = typer.Option([], "--holdout", help="A target key (or 'key year') not to fit (repeatable)."),
    holdout_share: float = typer.Option(0.0, "--holdout-share", help="Hold out this share of the targets, at random."),
    kinds: list[str] = typer.Option(
        [], "--kind", help="Fit only targets of this kind: volume, share, lead_time, stock, ratio (repeatable)."
    ),
    confirm: bool = typer.Option(True, "--confirm/--no-confirm", help="Confirm the best point with a full run."),
    confirm_replications: int | None = typer.Option(
        None, "--confirm-replications", min=1, help="Replications of the confirming run (default: the scenario's)."
    ),
    seed: int | None = typer.Option(None, "--seed", "-s", min=0, help="Seed (default: the scenario's)."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Replications run in this many processes."),
    executor: Executor = typer.Option(Executor.processes, "--executor", help="Local processes or a Dask cluster."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Address of a running Dask scheduler."),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Output folder (default results/calibrate/TIME-NAME): calibrated.toml, fit.md, ..."
    ),
    force: bool = typer.Option(False, "--force", help="Replace OUT if it exists (only a folder ketensim wrote)."),
):
    """Fit the parameters named in PARAMS to the published figures in TARGETS: every point is simulated with the
    same seed and replications (common random numbers) and scored by the weighted root mean square of (model -
    published) / tolerance over the targets; optuna's TPE sampler picks the points, starting from the scenario's own
    values. The best point is confirmed with a run at the file's own settings. Writes calibrated.toml (a scenario
    that extends SCENARIO and sets the fitted values, each with a comment), fit.md (the figures before and after),
    trials.csv and validation.csv. Interrupted, it keeps every finished point beside OUT and resumes from them when
    started again with the same arguments.

    Example: `ketensim calibrate scenarios/baseline.toml --params calibration/params-baseline.toml --set horizon_days=731 --kind lead_time --kind share --kind stock --budget 25 --jobs 2`
    """
    from ..calibrate import Calibration, CalibrationError, calibrated_toml, fit_report, load_params, trials_csv
    from ..outputs import OutputError, check_output_folder, staged_folder
    from ..scenario import ScenarioError
    from ..validation import TargetsError, load_targets, write_csv

    overrides, problems = parse_settings(settings)
    if problems:
        fail(problems)
    with bad_input(CalibrationError, TargetsError, ScenarioError):
        fitted_params = load_params(params)
        rows = load_targets(targets)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = out if out is not None else Path("results") / "calibrate" / f"{stamp}-{scenario.stem}"
    with bad_input(OutputError):
        check_output_folder(out, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    trials_file = beside(out, "trials")
    work_dir = out.parent / f".{out.name}.calibrate-work"
    with bad_input(CalibrationError, ScenarioError):
        cal = Calibration(
            scenario,
            fitted_params,
            rows,
            holdout=holdout,
            holdout_share=holdout_share,
            kinds=kinds,
            search_overrides=overrides,
            replications=replications,
            seed=seed,
            jobs=jobs,
            work_dir=work_dir,
            trials_file=trials_file,
            confirm=confirm,
            confirm_replications=confirm_replications,
        )
    resumed = len(cal.evaluations)
    console.print(
        f"[bold]calibrate[/bold] {escape(str(scenario))}: {len(cal.params)} parameter(s), "
        f"{len(cal.fit_targets)} target(s) fitted"
        + (f", {len(cal.holdout_targets)} held out" if cal.holdout_targets else "")
        + f", budget {budget} points of {replications} replication(s)"
        + (f" ({resumed} resumed from {escape(str(trials_file))})" if resumed else "")
    )
    started = time.perf_counter()
    try:
        with _executor(executor, scheduler, jobs) as ex, progress("points", budget, resumed) as advance:
            cal.executor = ex
            cal.progress = lambda ev, best: advance(1, f"points (best error {best.error:.3f}, last {ev.error:.3f})")
            outcome = cal.run(budget)
    except (KeyboardInterrupt, SystemExit):
        _print_best(cal, interrupted=True, trials_file=trials_file)
        raise
    finally:
        import shutil

        shutil.rmtree(work_dir, ignore_errors=True)
    wall = time.perf_counter() - started
    with bad_input(OutputError), staged_folder(out, force, "calibrate") as stage:
        (stage / "calibrated.toml").write_text(calibrated_toml(cal, outcome, out), encoding="utf-8")
        (stage / "fit.md").write_text(fit_report(cal, outcome, wall), encoding="utf-8")
        (stage / "trials.csv").write_text(trials_csv(outcome, cal.params), encoding="utf-8")
        if trials_file.exists():
            (stage / "trials.jsonl").write_bytes(trials_file.read_bytes())
        if outcome.confirm_rows is not None:
            write_csv(outcome.confirm_rows, stage / "validation.csv")
    trials_file.unlink(missing_ok=True)
    _print_outcome(cal, outcome)
    console.print(f"results: {out} (run the fitted scenario: ketensim run {out / 'calibrated.toml'})")


def _print_best(cal, interrupted: bool, trials_file: Path) -> None:
    if not cal.evaluations:
        err.print("interrupted before the first point was finished; nothing to keep")
        return
    best = cal.best()
    sets = " ".join(f"--set {k}={v:.6g}" for k, v in best.values.items())
    err.print(
        escape(
            f"interrupted after {len(cal.evaluations)} points: the best so far has error {best.error:.3f} "
            f"({best.met} of {cal.searched} targets within tolerance): {sets}\n"
            f"the points are kept in {trials_file}; the same command resumes from them"
        )
    )


def _print_outcome(cal, outcome) -> None:
    table = Table(title="calibrated parameters", title_justify="left", header_style="bold")
    for h in ("key", "bounds", "start", "fitted"):
        table.add_column(h, justify="left" if h == "key" else "right")
    for p in cal.params:
        table.add_row(
            escape(p.key),
            f"[{p.low:g}, {p.high:g}]",
            f"{outcome.start.values[p.key]:g}",
            f"{outcome.best.values[p.key]:.6g}",
        )
    console.print(table)
    line = (
        f"weighted error (RMS of (model - published) / tolerance): start {outcome.start.error:.3f}, fitted "
        f"{outcome.best.error:.3f} ({outcome.best.met} of {cal.searched} within tolerance in the search runs)"
    )
    if not math.isnan(outcome.confirm_error):
        line += f"; confirming run {outcome.confirm_error:.3f}"
    if cal.holdout_targets:
        line += f"; held-out figures: start {outcome.start.holdout_error:.3f}, fitted {outcome.best.holdout_error:.3f}"
    console.print(escape(line))
