"""Rolling-origin evaluation: how well would each model have forecast the years we already know?

For every origin year T from the ``min_train``-th year on, every model is fitted to the years up to T only
(drivers are cut at T as well, so nothing from the future leaks in) and forecasts T+1..T+H. Each forecast is
compared with what happened: absolute percentage error, error scaled by the naive in-sample error (MASE) and
whether the actual fell inside the 80% and 95% intervals. `summarise` averages per model and horizon; the result
is a tidy table (one row per model and horizon) with the columns ``model, horizon, n, mape, mase, coverage80,
coverage95`` (MAPE and coverage in percent).

The targets of issue 5 are checked by `check_targets`: the chosen model's MASE below the naive model's at
horizons 1-4, MAPE below PMJ's published 5% (one year ahead) and 11% (three years ahead), and 95% intervals that
hold 85-99% of the actuals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from .base import Forecaster, as_year_series
from .data import YearlySeries
from .metrics import covered, naive_scale

PMJ_PUBLISHED_MAPE = {1: 5.0, 3: 11.0, 6: 17.0}  # docs/domain.md §5, 1997-2007 evaluation


@dataclass
class BacktestResult:
    forecasts: pd.DataFrame  # one row per model, origin and horizon
    summary: pd.DataFrame  # one row per model and horizon
    failures: list[dict] = field(default_factory=list)
    infos: dict = field(default_factory=dict)  # model -> {origin: info()} (for the PMJ model: what it chose)


def rolling_origin(
    y,
    models: dict[str, Callable[[], Forecaster]],
    *,
    horizon: int = 6,
    min_train: int = 10,
    drivers: dict | None = None,
    levels=(80, 95),
    n_paths: int = 1000,
    seed: int = 0,
    origins: list[int] | None = None,
    progress: Callable[[int], None] | None = None,
) -> BacktestResult:
    """Evaluate each model (name -> factory returning an unfitted model) from every origin with enough history.

    ``origins`` (years) restricts the evaluation to those origins, e.g. for a quick test.
    """
    y = as_year_series(y)
    years = [int(v) for v in y.index]
    values = y.to_numpy(float)
    n = len(years)
    if min_train < 3:
        raise ValueError("min_train: at least 3 years")
    all_origins = list(range(min_train, n))
    if origins is not None:
        all_origins = [o for o in all_origins if years[o - 1] in set(origins)]
    if not all_origins:
        raise ValueError(
            f"backtest: {n} years ({years[0]}-{years[-1]}) leave no forecast origin after {min_train} training years"
        )
    drivers = drivers or {}
    rows: list[dict] = []
    failures: list[dict] = []
    infos: dict[str, dict] = {}
    for o in all_origins:
        T = years[o - 1]
        train = y.iloc[:o]
        h = min(horizon, n - o)
        scale = naive_scale(values[:o])
        cut = {name: _cut(d, T) for name, d in drivers.items()}
        for name, factory in models.items():
            model = factory()
            try:
                model.fit(train, cut if (cut and model.uses_drivers) else None)
                f = model.predict(h, level=levels, n_paths=n_paths if model._simulates() else 0, seed=seed)
            except Exception as e:  # a failed fit is reported, not fatal: one bad origin should not hide the rest
                failures.append({"model": name, "origin": T, "error": f"{type(e).__name__}: {e}"})
                continue
            if model.uses_drivers:
                infos.setdefault(name, {})[T] = model.info()
            for k in range(h):
                actual = values[o + k]
                row = {
                    "model": name,
                    "origin": T,
                    "horizon": k + 1,
                    "year": years[o + k],
                    "actual": actual,
                    "point": float(f.point[k]),
                    "scale": scale,
                }
                for lv in levels:
                    row[f"lo{lv}"] = float(f.lower(lv)[k])
                    row[f"hi{lv}"] = float(f.upper(lv)[k])
                rows.append(row)
        if progress:
            progress(1)
    fc = pd.DataFrame(rows)
    if fc.empty:
        raise ValueError("backtest: no model produced a forecast: " + "; ".join(f["error"] for f in failures[:3]))
    fc["ape"] = 100 * (fc["actual"] - fc["point"]).abs() / fc["actual"].abs()
    fc["scaled_error"] = (fc["actual"] - fc["point"]).abs() / fc["scale"]
    for lv in levels:
        fc[f"in{lv}"] = covered(fc["actual"], fc[f"lo{lv}"], fc[f"hi{lv}"])
    return BacktestResult(fc, summarise(fc, levels, order=list(models)), failures, infos)


def _cut(d, T: int):
    if isinstance(d, YearlySeries):
        return d.window(None, T)
    s = as_year_series(d)
    return s[s.index <= T]


def summarise(fc: pd.DataFrame, levels=(80, 95), order: list[str] | None = None) -> pd.DataFrame:
    """Per model and horizon: number of forecasts, MAPE (%), MASE and interval coverage (% of actuals inside)."""
    agg = {"n": ("ape", "size"), "mape": ("ape", "mean"), "mase": ("scaled_error", "mean")}
    for lv in levels:
        agg[f"coverage{lv}"] = (f"in{lv}", "mean")
    s = fc.groupby(["model", "horizon"], sort=False).agg(**agg).reset_index()
    for lv in levels:
        s[f"coverage{lv}"] = 100 * s[f"coverage{lv}"]
    if order:
        s["_o"] = s["model"].map({m: i for i, m in enumerate(order)})
        s = s.sort_values(["_o", "horizon"]).drop(columns="_o").reset_index(drop=True)
    return s


def check_targets(
    summary: pd.DataFrame, model: str = "pmj", baseline: str = "naive", horizons=(1, 2, 3, 4), coverage95=(85.0, 99.0)
) -> list[dict]:
    """The issue's targets for ``model``, each with the measured value and whether it is met."""
    s = summary.set_index(["model", "horizon"])
    out = []
    for h in horizons:
        if (model, h) in s.index and (baseline, h) in s.index:
            a, b = s.loc[(model, h), "mase"], s.loc[(baseline, h), "mase"]
            out.append(
                {"target": f"MASE below {baseline} at horizon {h}", "value": f"{a:.2f} vs {b:.2f}", "met": bool(a < b)}
            )
    for h, limit in PMJ_PUBLISHED_MAPE.items():
        if h in (1, 3) and (model, h) in s.index:
            v = s.loc[(model, h), "mape"]
            out.append(
                {"target": f"MAPE below PMJ's {limit:g}% at horizon {h}", "value": f"{v:.1f}%", "met": bool(v < limit)}
            )
    if "coverage95" in s.columns:
        for h in horizons:
            if (model, h) in s.index:
                v = s.loc[(model, h), "coverage95"]
                out.append(
                    {
                        "target": f"95% interval holds {coverage95[0]:g}-{coverage95[1]:g}% at horizon {h}",
                        "value": f"{v:.0f}%",
                        "met": bool(coverage95[0] <= v <= coverage95[1]),
                    }
                )
    return out
