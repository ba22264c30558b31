"""The work behind ``ketensim forecast``, in the order it is done: `read_inputs` → `fit_models` (and
`run_backtest`) → `write_results`. The command (`sim/cli/forecast.py`) calls these and renders the result.

Bad input (a missing file, no year/value columns, an unknown series, gaps, a series too short, a model that cannot
be fitted) raises `ForecastInputError`, whose ``problems`` are ``file: reason`` lines, before anything is written.
The results folder is built beside its place and swapped in when complete (`sim.outputs.staged_folder`), as runs
are, so a failed forecast leaves nothing half-written and never mixes two forecasts' files.
"""

from __future__ import annotations

import json
import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..errors import ProblemsError
from ..outputs import staged_folder
from . import MODELS, make_model
from .data import SeriesError, YearlySeries, check_target, read_series, split_file_series
from .policy import PolicyEffect

if TYPE_CHECKING:
    from .backtest import BacktestResult
    from .base import Forecast
    from .policy import PolicyResult

MODEL_ORDER = ("naive", "drift", "ets", "theta", "combination", "pmj", "selected")


class ForecastInputError(ProblemsError):
    """The forecast cannot be made from this input; `problems` has one line per problem ("file: reason")."""

    separator = "\n"


@dataclass
class ForecastOptions:
    """What was asked for, as on the command line (``--json`` is only how the result is shown: it sets
    `backtest`)."""

    series_file: Path
    series: str | None = None
    drivers: list[str] = field(default_factory=list)  # FILE.csv or FILE.csv:SERIES
    parent: str | None = None  # FILE.csv[:SERIES]
    horizon: int = 6
    backtest: bool = False
    start: int | None = None
    end: int | None = None
    model: str = "selected"  # the forecast chosen by the inner backtest (sim/forecast/select.py)
    min_train: int = 10
    policy: list[str] = field(default_factory=list)  # NAME:YEAR:PERCENT[:SD]
    out: Path | None = None
    seed: int = 0
    n_paths: int = 2000
    plots: bool = True
    force: bool = False  # replace an existing forecast folder (only one ketensim wrote)


@dataclass
class Inputs:
    """The input, read and checked."""

    y: YearlySeries
    drivers: dict[str, YearlySeries]  # every driver offered, the chain parent included
    parent_name: str | None
    effects: list[PolicyEffect]
    out: Path  # the results folder


@dataclass
class Fitted:
    """Every model's forecast from the whole history; `main` is the one asked for."""

    order: list[str]
    forecasts: dict  # model name -> Forecast, for the models that could be fitted
    infos: dict  # model name -> its specification, or {"error": ...}
    main: Forecast  # the forecast of the model asked for
    policy_result: PolicyResult | None  # if policy effects were given


@dataclass
class Backtest:
    """The rolling-origin evaluation. It states no targets: a user's series is not held to ours (the project's
    targets are measured in docs/forecasting.md and tests/test_forecast_targets.py)."""

    result: BacktestResult


# ------------------------------------------------------------------------------------------------------ read


def read_inputs(opts: ForecastOptions) -> Inputs:
    """Read and check everything before any work or writing; every problem found is reported at once."""
    problems: list[str] = []
    y = None
    try:
        y = read_series(opts.series_file, opts.series, start=opts.start, end=opts.end)
    except SeriesError as e:
        problems.append(str(e))
    if opts.model not in MODELS:
        problems.append(f"--model: unknown model '{opts.model}' (choose from {', '.join(MODELS)})")
    drivers = {}
    for text in opts.drivers:
        file, name = split_file_series(text)
        try:
            d = read_series(file, name)
            drivers[d.name] = d
        except SeriesError as e:
            problems.append(str(e))
    parent_name = None
    if opts.parent:
        file, name = split_file_series(opts.parent)
        try:
            p = read_series(file, name)
            drivers[p.name] = p
            parent_name = p.name
        except SeriesError as e:
            problems.append(str(e))
    effects = []
    for text in opts.policy:
        try:
            effects.append(PolicyEffect.parse(text))
        except ValueError as e:
            problems.append(f"--policy: {e}")
    if y is not None and opts.model in MODELS:
        min_years = MODELS[opts.model].min_years
        need = min_years if not opts.backtest else opts.min_train + 1
        if opts.backtest and opts.min_train < min_years:
            problems.append(f"--min-train: model '{opts.model}' needs at least {min_years} training years")
        try:
            check_target(y, need)
        except SeriesError as e:
            problems.append(
                str(e) + (f" (--backtest with --min-train {opts.min_train} needs {need})" if opts.backtest else "")
            )
    out = None
    if y is not None:
        out = Path(opts.out) if opts.out else Path("results") / "forecast" / _slug(y.name)
        if Path.cwd().resolve().is_relative_to(out.resolve()):  # `write_results` would replace it as a whole
            problems.append(
                f"--out {out}: a forecast replaces its results folder as a whole, and this one holds "
                "the current folder; choose a folder of its own"
            )
    if problems:
        raise ForecastInputError(problems)
    assert y is not None and out is not None  # a series that could not be read is a problem above
    return Inputs(y=y, drivers=drivers, parent_name=parent_name, effects=effects, out=out)


# ------------------------------------------------------------------------------------------------------- fit


def fit_models(opts: ForecastOptions, inputs: Inputs) -> Fitted:
    """Fit every model on the whole history and forecast `opts.horizon` years; add the policy effects to the main
    forecast. A model other than the main one that cannot be fitted is noted in `infos`, not an error."""
    order = [m for m in MODEL_ORDER if m in MODELS]
    forecasts, infos = {}, {}
    history = inputs.y.to_pandas()
    for name in order:
        m = _factory(name, inputs.parent_name)()
        try:
            m.fit(history, inputs.drivers if (m.uses_drivers and inputs.drivers) else None)
            forecasts[name] = m.predict(opts.horizon, n_paths=opts.n_paths, seed=opts.seed)
        except ValueError as e:
            if name == opts.model:
                raise ForecastInputError([f"{opts.series_file}: model '{name}': {e}"]) from e
            infos[name] = {"error": str(e)}
            continue
        infos[name] = forecasts[name].info
    main = forecasts[opts.model]
    policy_result = None
    if inputs.effects:
        from .policy import apply_policies

        policy_result = apply_policies(main, inputs.effects, seed=opts.seed)
    return Fitted(order=order, forecasts=forecasts, infos=infos, main=main, policy_result=policy_result)


def backtest_origins(opts: ForecastOptions, inputs: Inputs) -> int:
    """How many origins `run_backtest` forecasts from (for a progress bar)."""
    return len(inputs.y.years) - opts.min_train


def run_backtest(
    opts: ForecastOptions, inputs: Inputs, fitted: Fitted, progress: Callable[[int], None] | None = None
) -> Backtest:
    """Every model from every past origin, horizons 1 to `opts.horizon`; `progress(k)` is called as origins are
    done."""
    from .backtest import rolling_origin

    try:
        bt = rolling_origin(
            inputs.y.to_pandas(),
            {n: _factory(n, inputs.parent_name) for n in fitted.order},
            horizon=opts.horizon,
            min_train=opts.min_train,
            drivers=inputs.drivers,
            n_paths=min(opts.n_paths, 1000),
            seed=opts.seed,
            progress=progress,
        )
    except ValueError as e:
        raise ForecastInputError([f"{opts.series_file}: {e}"]) from e
    return Backtest(result=bt)


def coverage_table(summary) -> list[dict]:
    """Per model and horizon: the share of actuals inside the 80% and 95% intervals and how many forecasts."""
    cols = ["model", "horizon", "n", "coverage80", "coverage95"]
    return [
        {k: (r[k] if k == "model" else int(r[k]) if k in ("horizon", "n") else round(float(r[k]), 1)) for k in cols}
        for r in summary[cols].to_dict(orient="records")
    ]


def _factory(name: str, parent_name: str | None):
    if name in ("pmj", "selected") and parent_name:
        return lambda: make_model(name, parent=parent_name)
    return lambda: make_model(name)


# ----------------------------------------------------------------------------------------------------- write


def write_results(
    opts: ForecastOptions, inputs: Inputs, fitted: Fitted, backtest: Backtest | None, started: float
) -> Path:
    """Write the results folder `inputs.out`: the forecasts (and policy effects and backtest) as CSV, the plots,
    and provenance.json (`started`: the `time.time()` the command began, for its wall time).

    As every output folder (`sim.outputs.staged_folder`), it is built in a hidden staging folder beside `out`,
    marked complete last and swapped into place, so an earlier forecast's folder is replaced as a whole (no file of
    it is left over) and only with `opts.force`; if anything fails, the earlier folder is left as it was."""
    out = inputs.out
    with staged_folder(out, opts.force, "forecast") as tmp:
        files = _write_tables(tmp, fitted, backtest)
        if opts.plots:
            files += draw_plots(tmp, opts, inputs, fitted, backtest)
        provenance = _provenance(opts, inputs, fitted, backtest, files, started)
        with open(tmp / "provenance.json", "w") as f:
            json.dump(provenance, f, indent=2, default=_json_default)
    return out


def _write_tables(folder: Path, fitted: Fitted, backtest: Backtest | None) -> list[str]:
    import pandas as pd

    files = []
    table = pd.concat([f.to_frame() for f in fitted.forecasts.values()], ignore_index=True)
    table.to_csv(folder / "forecast.csv", index=False)
    files.append("forecast.csv")
    if "selected" in fitted.forecasts:
        sel = fitted.forecasts["selected"].info
        pd.DataFrame(
            [
                {
                    "model": c,
                    "weight": w,
                    "inner_mase_ratio_to_naive": sel["inner_mase"].get(c),
                    "reason": sel["reason"],
                }
                for c, w in sel["weights"].items()
            ]
        ).to_csv(folder / "selection.csv", index=False)
        files.append("selection.csv")
    if fitted.policy_result is not None:
        fitted.policy_result.with_policy.to_frame().to_csv(folder / "forecast_with_policy.csv", index=False)
        fitted.policy_result.effects.to_csv(folder / "policy_effects.csv", index=False)
        files += ["forecast_with_policy.csv", "policy_effects.csv"]
    if backtest is not None:
        backtest.result.summary.to_csv(folder / "backtest.csv", index=False)
        backtest.result.forecasts.to_csv(folder / "backtest_forecasts.csv", index=False)
        files += ["backtest.csv", "backtest_forecasts.csv"]
    return files


def draw_plots(
    folder: Path, opts: ForecastOptions, inputs: Inputs, fitted: Fitted, backtest: Backtest | None
) -> list[str]:
    """Draw forecast.png (every model, the main one with its intervals) and, after a backtest, backtest.png."""
    from .plots import plot_backtest, plot_forecast

    y, model = inputs.y, opts.model
    files = []
    shown = list(fitted.forecasts.values()) + ([fitted.policy_result.with_policy] if fitted.policy_result else [])
    fig = plot_forecast(
        y.to_pandas(),
        shown,
        highlight=model,
        title=f"{y.name}: forecasts ({model} with intervals)",
        unit=y.unit,
        flags=y.flags(),
    )
    fig.savefig(folder / "forecast.png", dpi=120)
    files.append("forecast.png")
    if backtest is not None:
        fig = plot_backtest(
            backtest.result.summary, title=f"{y.name}: rolling-origin backtest from {y.first + opts.min_train - 1}"
        )
        fig.savefig(folder / "backtest.png", dpi=120)
        files.append("backtest.png")
    return files


def _provenance(
    opts: ForecastOptions, inputs: Inputs, fitted: Fitted, backtest: Backtest | None, files: list[str], started: float
) -> dict:
    from .. import __version__

    bt = backtest.result if backtest is not None else None
    return {
        "command": reproducing_command(opts, inputs.out),
        "version": __version__,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "wall_seconds": round(time.time() - started, 2),
        "series": inputs.y.provenance(),
        "drivers_given": {k: v.provenance() for k, v in inputs.drivers.items()},
        "parent": inputs.parent_name,
        "drivers_used": (
            fitted.forecasts["pmj"].info if opts.model == "selected" and "pmj" in fitted.forecasts else fitted.main.info
        ).get("drivers", {}),
        "model": opts.model,
        "models": {k: fitted.infos[k] for k in fitted.order if k in fitted.infos},
        "selection": fitted.forecasts["selected"].info if "selected" in fitted.forecasts else None,
        "horizon": opts.horizon,
        "seed": opts.seed,
        "n_paths": opts.n_paths,
        "policy": [vars(e) for e in inputs.effects],
        "backtest": None
        if bt is None
        else {
            "min_train": opts.min_train,
            "origins": sorted(set(int(v) for v in bt.forecasts["origin"])),
            "failures": bt.failures,
            "coverage": coverage_table(bt.summary),
            "pmj_specifications": {int(k): v.get("specification") for k, v in bt.infos.get("pmj", {}).items()},
        },
        "files": files,
    }


def reproducing_command(opts: ForecastOptions, out: Path) -> str:
    """The command that reproduces this forecast, every option spelled out."""
    args = ["ketensim", "forecast", str(opts.series_file)]
    args += ["--series", opts.series] if opts.series else []
    for d in opts.drivers:
        args += ["--drivers", d]
    args += ["--parent", opts.parent] if opts.parent else []
    args += ["--start", str(opts.start)] if opts.start is not None else []
    args += ["--end", str(opts.end)] if opts.end is not None else []
    args += [
        "--horizon",
        str(opts.horizon),
        "--model",
        opts.model,
        "--seed",
        str(opts.seed),
        "--paths",
        str(opts.n_paths),
    ]
    args += ["--backtest", "--min-train", str(opts.min_train)] if opts.backtest else []
    for p in opts.policy:
        args += ["--policy", p]
    args += ["--out", str(out)] + ([] if opts.plots else ["--no-plots"])
    return shlex.join(args)


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name) or "series"


def _json_default(o):
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, (np.bool_,)):
        return bool(o)
    return str(o)
