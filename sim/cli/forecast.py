"""``ketensim forecast``: forecasts with intervals, a plot, and (with ``--backtest``) the rolling-origin evaluation.

The work is `sim.forecast.workflow` (read → fit → write); this module parses the options, calls it, and renders.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from ..outputs import OutputError, check_output_folder
from .app import bad_input, progress


def forecast(
    series_file: Path = typer.Argument(..., help="Yearly CSV with columns year,value (extra columns allowed)."),
    series: str | None = typer.Option(None, "--series", "-s", help="Series name if the file holds several."),
    drivers: list[str] = typer.Option(
        [], "--drivers", "-d", help="Driver series: FILE.csv or FILE.csv:SERIES. Repeat for several."
    ),
    parent: str | None = typer.Option(
        None,
        "--parent",
        help="Chain parent (FILE.csv[:SERIES]): the PMJ model forecasts this series as parent x an estimated ratio.",
    ),
    horizon: int = typer.Option(6, "--horizon", "-H", min=1, max=10, help="Years ahead."),
    backtest: bool = typer.Option(False, "--backtest", help="Also run the rolling-origin backtest."),
    as_json: bool = typer.Option(False, "--json", help="Print the backtest as JSON (implies --backtest)."),
    start: int | None = typer.Option(None, "--start", help="First year of the series to use."),
    end: int | None = typer.Option(None, "--end", help="Last year of the series to use."),
    model: str = typer.Option(
        "selected",
        "--model",
        "-m",
        help="The main forecast: 'selected' (default) weights the models by an inner backtest on the training years.",
    ),
    min_train: int = typer.Option(10, "--min-train", min=4, help="Years of history before the first origin."),
    policy: list[str] = typer.Option(
        [], "--policy", help="Policy effect NAME:YEAR:PERCENT[:SD], on top of the base. Repeat."
    ),
    out: Path | None = typer.Option(None, "--out", "-o", help="Results folder (default: results/forecast/<series>)."),
    seed: int = typer.Option(0, "--seed", min=0, help="Seed of the simulated paths."),
    n_paths: int = typer.Option(2000, "--paths", min=100, help="Simulated paths for the intervals."),
    plots: bool = typer.Option(True, "--plots/--no-plots", help="Draw the plots."),
    force: bool = typer.Option(
        False, "--force", help="Replace OUT if it exists (only a folder ketensim wrote is ever replaced)."
    ),
):
    """Forecast a yearly series (PMJ-style model and baselines), with 80% and 95% intervals and a plot.

    With `--backtest`, every model is also evaluated from every past origin for horizons 1 to the horizon: MAPE, MASE
    and the share of actuals inside the intervals, printed, written as a tidy CSV and plotted. `--json` prints that
    table as JSON instead.

    Example: `ketensim forecast calibration/data/registered_crime.csv --series geregistreerde_misdrijven_totaal
    --start 1990 --drivers calibration/data/population_total.csv --backtest`

    Chain link (OM intake = registered crime x estimated ratio): `ketensim forecast
    calibration/data/om_intake_history.csv --series om_instroom_misdrijfzaken_reeks --parent
    calibration/data/registered_crime.csv:geregistreerde_misdrijven_totaal --min-train 9 --backtest`
    """
    from ..forecast.workflow import (
        ForecastInputError,
        ForecastOptions,
        backtest_origins,
        fit_models,
        read_inputs,
        run_backtest,
        write_results,
    )

    started = time.time()
    opts = ForecastOptions(
        series_file=series_file,
        series=series,
        drivers=drivers,
        parent=parent,
        horizon=horizon,
        backtest=backtest or as_json,
        start=start,
        end=end,
        model=model,
        min_train=min_train,
        policy=policy,
        out=out,
        seed=seed,
        n_paths=n_paths,
        plots=plots,
        force=force,
    )
    with bad_input(ForecastInputError, OutputError):
        inputs = read_inputs(opts)
        check_output_folder(inputs.out, force)  # before any work
        fitted = fit_models(opts, inputs)
        bt = None
        if opts.backtest:
            with progress("backtest origins", backtest_origins(opts, inputs)) as advance:
                bt = run_backtest(opts, inputs, fitted, progress=advance)
    with bad_input(OutputError):
        out = write_results(opts, inputs, fitted, bt, started)
    render(opts, inputs, fitted, bt, out, as_json=as_json)


def render(opts, inputs, fitted, backtest, out: Path, as_json: bool) -> None:
    """Show the forecast: with --json only the backtest table, as JSON on standard output; else the main model's
    forecast with its intervals, how it was specified, the data notes, the policy effects and the backtest."""
    from ..forecast.data import _years_text

    console = Console(stderr=as_json)
    bt = backtest.result if backtest is not None else None
    if as_json:
        assert bt is not None, "--json implies --backtest"
        cols = ["model", "horizon", "n", "mape", "mase", "coverage80", "coverage95"]
        rows = [
            {
                k: (r[k] if k == "model" else (int(r[k]) if k in ("horizon", "n") else round(float(r[k]), 4)))
                for k in cols
            }
            for r in bt.summary.to_dict(orient="records")
        ]
        sys.stdout.write(json.dumps(rows, indent=1) + "\n")
        return
    y, model, main = inputs.y, opts.model, fitted.main
    main_info = main.info
    t = Table(title=f"{y.name} ({y.unit or 'value'}): {model} forecast from {y.last}")
    t.add_column("year")
    t.add_column("point", justify="right")
    t.add_column("80% interval", justify="right")
    t.add_column("95% interval", justify="right")
    for k, yr in enumerate(main.years):
        t.add_row(
            str(yr),
            f"{main.point[k]:,.0f}",
            f"{main.lower(80)[k]:,.0f} - {main.upper(80)[k]:,.0f}",
            f"{main.lower(95)[k]:,.0f} - {main.upper(95)[k]:,.0f}",
        )
    console.print(t)
    if model == "selected":
        console.print(
            "intervals: from the inner backtest's own errors per horizon (provenance.json: selection.intervals)"
        )
    if model == "selected":
        console.print(f"chosen by evidence: {main_info['reason']}")
        console.print(
            "weights: "
            + ", ".join(
                f"{c} {w:.0%} (inner MASE ratio to naive {main_info['inner_mase'][c]:.2f})"
                if c in main_info["inner_mase"]
                else f"{c} {w:.0%}"
                for c, w in sorted(main_info["weights"].items(), key=lambda p: -p[1])
            )
        )
        if main_info["break"]["action"] != "none":
            console.print(f"break: {main_info['break']['action']}")
    pmj_info = fitted.forecasts["pmj"].info if "pmj" in fitted.forecasts else None
    if pmj_info is not None and model in ("pmj", "selected"):
        main_info = pmj_info
        console.print(
            f"{'PMJ model ' if model == 'selected' else ''}specification: {main_info['specification']} (estimated on "
            f"{main_info['estimation_years'][0]}-{main_info['estimation_years'][1]}); "
            f"{main_info['selection']['reason']}"
        )
        for name, d in main_info.get("drivers", {}).items():
            console.print(f"driver {name}: {d['why'] if d['why'].startswith('not used') else 'USED: ' + d['why']}")
        br = main_info["break"]
        console.print(br["message"] + (f"; {br['action']}" if br["action"] != "none" else ""))
    flags = y.flags()
    if flags:
        console.print(
            "data notes (see the file's note column): " + "; ".join(f"{k} {_years_text(v)}" for k, v in flags.items())
        )
    if fitted.policy_result is not None:
        console.print(
            "policy effects (on top of the policy-neutral base, see policy_effects.csv): "
            + "; ".join(f"{e.name} {e.percent:+g}% from {e.start}" for e in inputs.effects)
        )
    if bt is not None:
        tb = Table(title=f"backtest: origins {y.first + opts.min_train - 1}-{y.last - 1}, horizons 1-{opts.horizon}")
        for c in ("model", "h", "n", "MAPE %", "MASE", "cov80 %", "cov95 %"):
            tb.add_column(c, justify="right")
        for r in bt.summary.itertuples():
            tb.add_row(
                r.model,
                str(r.horizon),
                str(r.n),
                f"{r.mape:.1f}",
                f"{r.mase:.2f}",
                f"{r.coverage80:.0f}",
                f"{r.coverage95:.0f}",
            )
        console.print(tb)
        tc = Table(title=f"{model}: % of actuals inside the intervals (n forecasts)")
        for c in ("h", "n", "80%", "95%"):
            tc.add_column(c, justify="right")
        for r in bt.summary[bt.summary["model"] == model].itertuples():
            tc.add_row(str(r.horizon), str(r.n), f"{r.coverage80:.0f}", f"{r.coverage95:.0f}")
        console.print(tc)
        if bt.failures:
            console.print(f"{len(bt.failures)} model fits failed in the backtest (see provenance.json)")
    console.print(f"results: {out}")
