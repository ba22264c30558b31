"""The work behind ``ketensim forecast`` (the command is `sim/cli/forecast.py`).

The command is thin: it reads and checks the input, calls the library (`backtest`, `policy`, `plots`) and writes
a results folder. Bad input (a missing file, no year/value columns, an unknown series, gaps, a series too short)
is reported once as ``file: reason`` with exit code 2, before anything is written.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

from .data import SeriesError, _years_text, check_target, read_series, split_file_series

MODEL_ORDER = ("naive", "drift", "ets", "theta", "combination", "pmj")


def run_forecast(*, series_file: Path, series, drivers, parent, horizon, backtest, as_json, start, end, model,
                 min_train, policy, out, seed, n_paths, plots, fail):
    from rich.console import Console
    from rich.table import Table

    from .. import __version__
    from . import MODELS, make_model
    from .policy import PolicyEffect

    console = Console(stderr=as_json)
    t0 = time.time()
    backtest = backtest or as_json
    # -- read and check everything before any work or writing --------------------------------------------------
    problems: list[str] = []
    y = None
    try:
        y = read_series(series_file, series, start=start, end=end)
    except SeriesError as e:
        problems.append(str(e))
    if model not in MODELS:
        problems.append(f"--model: unknown model '{model}' (choose from {', '.join(MODELS)})")
    driver_series = {}
    for text in drivers:
        file, name = split_file_series(text)
        try:
            d = read_series(file, name)
            driver_series[d.name] = d
        except SeriesError as e:
            problems.append(str(e))
    parent_name = None
    if parent:
        file, name = split_file_series(parent)
        try:
            p = read_series(file, name)
            driver_series[p.name] = p
            parent_name = p.name
        except SeriesError as e:
            problems.append(str(e))
    effects = []
    for text in policy:
        try:
            effects.append(PolicyEffect.parse(text))
        except ValueError as e:
            problems.append(f"--policy: {e}")
    if y is not None and model in MODELS:
        need = MODELS[model].min_years if not backtest else min_train + 1
        if backtest and min_train < MODELS[model].min_years:
            problems.append(f"--min-train: model '{model}' needs at least {MODELS[model].min_years} training years")
        try:
            check_target(y, need)
        except SeriesError as e:
            problems.append(str(e) + (f" (--backtest with --min-train {min_train} needs {need})" if backtest else ""))
    if problems:
        fail(problems)

    def factory(name):
        if name == "pmj" and parent_name:
            return lambda: make_model("pmj", parent=parent_name)
        return lambda: make_model(name)

    order = [m for m in MODEL_ORDER if m in MODELS]
    # -- forecasts from every model ------------------------------------------------------------------------------
    forecasts, infos = {}, {}
    history = y.to_pandas()
    for name in order:
        m = factory(name)()
        try:
            m.fit(history, driver_series if (m.uses_drivers and driver_series) else None)
            forecasts[name] = m.predict(horizon, n_paths=n_paths, seed=seed)
        except ValueError as e:
            if name == model:
                fail([f"{series_file}: model '{name}': {e}"])
            infos[name] = {"error": str(e)}
            continue
        infos[name] = forecasts[name].info
    main = forecasts[model]
    policy_result = None
    if effects:
        from .policy import apply_policies

        policy_result = apply_policies(main, effects, seed=seed)

    # -- backtest --------------------------------------------------------------------------------------------------
    bt = targets = None
    if backtest:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from .backtest import check_targets, rolling_origin

        err = Console(stderr=True)
        n_origins = len(y.years) - min_train
        with Progress(TextColumn("backtest origins"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err, transient=True, disable=not err.is_terminal) as progress:
            task = progress.add_task("bt", total=n_origins)
            try:
                bt = rolling_origin(history, {n: factory(n) for n in order}, horizon=horizon, min_train=min_train,
                                    drivers=driver_series, n_paths=min(n_paths, 1000), seed=seed,
                                    progress=lambda k: progress.advance(task, k))
            except ValueError as e:
                fail([f"{series_file}: {e}"])
        targets = check_targets(bt.summary, model=model)

    # -- write -----------------------------------------------------------------------------------------------------
    out = Path(out) if out else Path("results") / "forecast" / _slug(y.name)
    out.mkdir(parents=True, exist_ok=True)
    import pandas as pd

    files = []
    table = pd.concat([f.to_frame() for f in forecasts.values()], ignore_index=True)
    table.to_csv(out / "forecast.csv", index=False)
    files.append("forecast.csv")
    if policy_result is not None:
        policy_result.with_policy.to_frame().to_csv(out / "forecast_with_policy.csv", index=False)
        policy_result.effects.to_csv(out / "policy_effects.csv", index=False)
        files += ["forecast_with_policy.csv", "policy_effects.csv"]
    if bt is not None:
        bt.summary.to_csv(out / "backtest.csv", index=False)
        bt.forecasts.to_csv(out / "backtest_forecasts.csv", index=False)
        files += ["backtest.csv", "backtest_forecasts.csv"]
    if plots:
        from .plots import plot_backtest, plot_forecast

        shown = list(forecasts.values()) + ([policy_result.with_policy] if policy_result else [])
        fig = plot_forecast(history, shown, highlight=model, title=f"{y.name}: forecasts ({model} with intervals)",
                            unit=y.unit, flags=y.flags())
        fig.savefig(out / "forecast.png", dpi=120)
        files.append("forecast.png")
        if bt is not None:
            fig = plot_backtest(bt.summary, title=f"{y.name}: rolling-origin backtest from {y.first + min_train - 1}")
            fig.savefig(out / "backtest.png", dpi=120)
            files.append("backtest.png")
    main_info = main.info
    provenance = {
        "command": _command(series_file, series, drivers, parent, horizon, backtest, start, end, model, min_train,
                            policy, out, seed, n_paths, plots),
        "version": __version__,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "wall_seconds": round(time.time() - t0, 2),
        "series": y.provenance(),
        "drivers_given": {k: v.provenance() for k, v in driver_series.items()},
        "parent": parent_name,
        "drivers_used": main_info.get("drivers", {}),
        "model": model,
        "models": {k: infos[k] for k in order if k in infos},
        "horizon": horizon,
        "seed": seed,
        "n_paths": n_paths,
        "policy": [vars(e) for e in effects],
        "backtest": None if bt is None else {
            "min_train": min_train, "origins": sorted(set(int(v) for v in bt.forecasts["origin"])),
            "failures": bt.failures, "targets": targets,
            "pmj_specifications": {int(k): v.get("specification") for k, v in bt.infos.get("pmj", {}).items()},
        },
        "files": files,
    }
    with open(out / "provenance.json", "w") as f:
        json.dump(provenance, f, indent=2, default=_json_default)

    # -- report ----------------------------------------------------------------------------------------------------
    if as_json:
        cols = ["model", "horizon", "n", "mape", "mase", "coverage80", "coverage95"]
        rows = [{k: (r[k] if k == "model" else (int(r[k]) if k in ("horizon", "n") else round(float(r[k]), 4)))
                 for k in cols} for r in bt.summary.to_dict(orient="records")]
        sys.stdout.write(json.dumps(rows, indent=1) + "\n")
        return
    t = Table(title=f"{y.name} ({y.unit or 'value'}): {model} forecast from {y.last}")
    t.add_column("year")
    t.add_column("point", justify="right")
    t.add_column("80% interval", justify="right")
    t.add_column("95% interval", justify="right")
    for k, yr in enumerate(main.years):
        t.add_row(str(yr), f"{main.point[k]:,.0f}", f"{main.lower(80)[k]:,.0f} - {main.upper(80)[k]:,.0f}",
                  f"{main.lower(95)[k]:,.0f} - {main.upper(95)[k]:,.0f}")
    console.print(t)
    if model == "pmj":
        console.print(f"specification: {main_info['specification']} (estimated on "
                      f"{main_info['estimation_years'][0]}-{main_info['estimation_years'][1]}); "
                      f"{main_info['selection']['reason']}")
        for name, d in main_info.get("drivers", {}).items():
            console.print(f"driver {name}: {d['why'] if d['why'].startswith('not used') else 'USED: ' + d['why']}")
        br = main_info["break"]
        console.print(br["message"] + (f"; {br['action']}" if br["action"] != "none" else ""))
    flags = y.flags()
    if flags:
        console.print("data notes (see the file's note column): " +
                      "; ".join(f"{k} {_years_text(v)}" for k, v in flags.items()))
    if policy_result is not None:
        console.print("policy effects (on top of the policy-neutral base, see policy_effects.csv): " +
                      "; ".join(f"{e.name} {e.percent:+g}% from {e.start}" for e in effects))
    if bt is not None:
        tb = Table(title=f"backtest: origins {y.first + min_train - 1}-{y.last - 1}, horizons 1-{horizon}")
        for c in ("model", "h", "n", "MAPE %", "MASE", "cov80 %", "cov95 %"):
            tb.add_column(c, justify="right")
        for r in bt.summary.itertuples():
            tb.add_row(r.model, str(r.horizon), str(r.n), f"{r.mape:.1f}", f"{r.mase:.2f}", f"{r.coverage80:.0f}",
                       f"{r.coverage95:.0f}")
        console.print(tb)
        for tg in targets:
            console.print(f"[{'green' if tg['met'] else 'red'}]{'met' if tg['met'] else 'NOT met'}[/]: "
                          f"{tg['target']} ({tg['value']})")
        if bt.failures:
            console.print(f"{len(bt.failures)} model fits failed in the backtest (see provenance.json)")
    console.print(f"results: {out}")


def _command(series_file, series, drivers, parent, horizon, backtest, start, end, model, min_train, policy, out,
             seed, n_paths, plots) -> str:
    """The command that reproduces this run, every option spelled out."""
    import shlex

    args = ["ketensim", "forecast", str(series_file)]
    args += ["--series", series] if series else []
    for d in drivers:
        args += ["--drivers", d]
    args += ["--parent", parent] if parent else []
    args += ["--start", str(start)] if start is not None else []
    args += ["--end", str(end)] if end is not None else []
    args += ["--horizon", str(horizon), "--model", model, "--seed", str(seed), "--paths", str(n_paths)]
    args += ["--backtest", "--min-train", str(min_train)] if backtest else []
    for p in policy:
        args += ["--policy", p]
    args += ["--out", str(out)] + ([] if plots else ["--no-plots"])
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
