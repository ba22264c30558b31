"""``ketensim forecast``: forecasts with intervals, a plot, and (with ``--backtest``) the rolling-origin evaluation."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .app import fail


def forecast(
    series_file: Path = typer.Argument(..., help="Yearly CSV with columns year,value (extra columns allowed)."),
    series: Optional[str] = typer.Option(None, "--series", "-s", help="Series name if the file holds several."),
    drivers: List[str] = typer.Option([], "--drivers", "-d",
                                      help="Driver series: FILE.csv or FILE.csv:SERIES. Repeat for several."),
    parent: Optional[str] = typer.Option(None, "--parent",
                                         help="Chain parent (FILE.csv[:SERIES]): the PMJ model forecasts "
                                              "this series as parent x an estimated ratio."),
    horizon: int = typer.Option(6, "--horizon", "-H", min=1, max=10, help="Years ahead."),
    backtest: bool = typer.Option(False, "--backtest", help="Also run the rolling-origin backtest."),
    as_json: bool = typer.Option(False, "--json", help="Print the backtest as JSON (implies --backtest)."),
    start: Optional[int] = typer.Option(None, "--start", help="First year of the series to use."),
    end: Optional[int] = typer.Option(None, "--end", help="Last year of the series to use."),
    model: str = typer.Option("pmj", "--model", "-m", help="The model whose forecast is the main one."),
    min_train: int = typer.Option(10, "--min-train", min=4, help="Years of history before the first origin."),
    policy: List[str] = typer.Option([], "--policy",
                                     help="Policy effect NAME:YEAR:PERCENT[:SD], on top of the base. Repeat."),
    out: Optional[Path] = typer.Option(None, "--out", "-o",
                                       help="Results folder (default: results/forecast/<series>)."),
    seed: int = typer.Option(0, "--seed", min=0, help="Seed of the simulated paths."),
    n_paths: int = typer.Option(2000, "--paths", min=100, help="Simulated paths for the intervals."),
    plots: bool = typer.Option(True, "--plots/--no-plots", help="Draw the plots."),
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
    from ..forecast.cli import run_forecast

    run_forecast(series_file=series_file, series=series, drivers=drivers, parent=parent, horizon=horizon,
                 backtest=backtest, as_json=as_json, start=start, end=end, model=model, min_train=min_train,
                 policy=policy, out=out, seed=seed, n_paths=n_paths, plots=plots, fail=fail)
