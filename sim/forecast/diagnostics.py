"""What the two missed targets would have needed: measured, so that "not met" rests on numbers, not on a shrug.

Printed by ``python -m sim.forecast.tables`` after the tables (docs/forecasting.md, Targets). Every figure is a
rolling-origin backtest on the same origins as the tables; nothing here is used by the forecast itself.

- **Registered crime six years ahead** (PMJ's published 17%): each candidate's MAPE, the same with its trend damped
  (the forecast's cumulative change from the last value multiplied by a damping factor, so 0 is the naive
  forecast), and the **best convex combination of the candidates chosen in hindsight** on the test years
  themselves (weights on a 0.05 grid, on the log scale). That hindsight optimum is a lower bound for any
  combination weights an inner backtest could choose per horizon: if it misses the target, no weighting does.
- **OM intake one year ahead** (5%): the chain link (registered crime x ratio) against other forms a forecaster
  would try (a trend in the ratio; OM growth on crime growth, with and without a trend); the chain link with a
  step from 2019 in the ratio (the OM's documented registration change: from 1 January 2019 every sepot is
  registered in the OM's own system, om_intake.csv) entered as an intervention dummy from the first origin with two
  years after it, since its size is not known before; and the chain link **if the year's registered crime were
  already known** (an oracle parent: the ratio's own error alone). No series of suspects or processen-verbaal sent
  to the OM is in the stored data (calibration/data/, /work/shared/data/SOURCES.md), so none could be tried as a
  leading series.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from . import Naive, PMJModel, make_model
from .backtest import _cut, rolling_origin
from .pmj import Spec, _gls_ar1, _Growth

STEP_YEAR = 2019  # OM: all sepot decisions registered in the OM system from 1 January 2019 (om_intake.csv note)


def _mape(actual: np.ndarray, point: np.ndarray) -> float:
    return float(100 * np.mean(np.abs(actual - point) / actual))


def crime_long_horizon(forecasts: pd.DataFrame, horizons=(1, 3, 6), damping=(0.5, 0.8)) -> pd.DataFrame:
    """Per horizon: each model's MAPE, the damped versions, and the hindsight-best convex combination.

    ``forecasts`` is a backtest's per-forecast table (`rolling_origin(...).forecasts`) with a ``naive`` model.
    """
    rows = []
    models = [m for m in ("naive", "drift", "ets", "theta", "pmj") if m in set(forecasts["model"])]
    for h in horizons:
        g = forecasts[forecasts["horizon"] == h]
        pt = g.pivot(index="origin", columns="model", values="point")[models].dropna()
        actual = g[g["model"] == "naive"].set_index("origin")["actual"].loc[pt.index].to_numpy()
        L = np.log(pt.to_numpy())
        row: dict = {"horizon": h, "n": len(actual)}
        for i, m in enumerate(models):
            row[m] = _mape(actual, np.exp(L[:, i]))
            for a in damping if m != "naive" else ():  # naive's point is the last value: damp the change from it
                row[f"{m} damped {a:g}"] = _mape(actual, np.exp(L[:, 0] + a * (L[:, i] - L[:, 0])))
        best, best_w = np.inf, None
        grid = np.round(np.arange(0, 1.0001, 0.05), 2)
        for w in itertools.product(grid, repeat=len(models) - 1):
            if sum(w) > 1 + 1e-9:
                continue
            ww = np.array([*w, 1 - sum(w)])
            v = _mape(actual, np.exp(L @ ww))
            if v < best:
                best, best_w = v, ww
        row["hindsight best combination"] = best
        row["its weights"] = dict(zip(models, np.round(best_w, 2).tolist(), strict=True)) if best_w is not None else {}
        rows.append(row)
    return pd.DataFrame(rows)


def _ratio_step_point(om: pd.Series, crime: pd.Series, T: int, min_after: int = 2) -> float:
    """One-year-ahead OM intake from the chain link (log ratio = constant [+ step from 2019] + AR(1), Prais-Winsten),
    with the parent's own growth model projecting crime; the step enters once ``min_after`` years follow it."""
    y = om[om.index <= T]
    x = np.log(crime[crime.index <= T].to_numpy())
    w = np.log(y.to_numpy()) - np.log(crime.loc[y.index].to_numpy())
    cols = [np.ones_like(w)]
    if T - STEP_YEAR + 1 >= min_after:
        cols.append((y.index.to_numpy() >= STEP_YEAR).astype(float))
    X = np.column_stack(cols)
    beta, _, phi, _, _, _ = _gls_ar1(w, X, 0.98)
    u = w[-1] - X[-1] @ beta
    ratio = X[-1] @ beta + phi * u  # the step, once in, stays in
    crime_next = _Growth(x).point(1)[0]
    return float(np.exp(ratio + crime_next))


def om_one_year(om: pd.Series, crime, parent: str, min_train: int = 9) -> pd.DataFrame:
    """OM intake: MAPE one year ahead (and three, where the model gives it) of the forms a forecaster would try."""
    crime_s = crime.to_pandas() if hasattr(crime, "to_pandas") else crime
    models = {
        "naive": Naive,
        "chain link (ratio, AR(1))": lambda: PMJModel(parent=parent),
        "ratio with a trend": lambda: PMJModel(Spec("ratio", trend=True, drivers=(parent,))),
        "growth on crime growth": lambda: PMJModel(Spec("growth", drivers=(parent,))),
        "growth on crime growth + trend": lambda: PMJModel(Spec("growth", trend=True, drivers=(parent,))),
        "theta": lambda: make_model("theta"),
    }
    r = rolling_origin(om, models, horizon=3, min_train=min_train, drivers={parent: crime}, n_paths=200)
    s = r.summary.pivot(index="model", columns="horizon", values="mape").loc[list(models)]
    rows = [{"model": m, "h1": s.loc[m, 1], "h3": s.loc[m, 3]} for m in models]
    years = list(om.index)
    step, oracle, base = [], [], []
    for o in range(min_train, len(years)):
        T, a = years[o - 1], float(om.iloc[o])
        step.append(100 * abs(a - _ratio_step_point(om, crime_s, T)) / a)
        base.append(100 * abs(a - _ratio_step_point(om, crime_s, T, min_after=10**6)) / a)
        m = PMJModel(parent=parent).fit(om.iloc[:o], {parent: _cut(crime, T + 1)})
        oracle.append(100 * abs(a - float(np.exp(m._point_log(1))[0])) / a)
    rows += [
        {"model": "chain link, re-implemented (check)", "h1": float(np.mean(base)), "h3": np.nan},
        {"model": f"chain link + step from {STEP_YEAR} (known change)", "h1": float(np.mean(step)), "h3": np.nan},
        {"model": "chain link, the year's crime known (oracle)", "h1": float(np.mean(oracle)), "h3": np.nan},
    ]
    return pd.DataFrame(rows)


def markdown(crime: pd.DataFrame, om: pd.DataFrame) -> str:
    out = ["### What the missed targets would need", "", "registered crime, MAPE % by horizon (n forecasts)", ""]
    cols = [c for c in crime.columns if c not in ("horizon", "n", "its weights")]
    out += ["| | " + " | ".join(f"h={h} ({n})" for h, n in zip(crime["horizon"], crime["n"], strict=True)) + " |"]
    out += ["|---|" + "---|" * len(crime)]
    out += [f"| {c} | " + " | ".join(f"{v:.1f}" for v in crime[c]) + " |" for c in cols]
    out += [
        "",
        "weights of the hindsight-best combination: "
        + "; ".join(f"h={h}: {w}" for h, w in zip(crime["horizon"], crime["its weights"], strict=True)),
    ]
    out += ["", "OM intake, MAPE % (origins as in the table above)", "", "| form | h=1 | h=3 |", "|---|---|---|"]
    out += [f"| {r.model} | {r.h1:.1f} | " + ("" if pd.isna(r.h3) else f"{r.h3:.1f}") + " |" for r in om.itertuples()]
    return "\n".join(out)
